//! A plain data table with a caption and column headers, scrolling sideways on its own if a
//! narrow screen needs it, so the page never does.

use leptos::prelude::*;

#[component]
pub fn DataTable(
    #[prop(into)] caption: String,
    /// Column headers, left to right.
    columns: &'static [&'static str],
    /// The `<tr>` rows.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="history">
                <caption>{caption}</caption>
                <thead>
                    <tr>{columns.iter().map(|name| view! { <th scope="col">{*name}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
