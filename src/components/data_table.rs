//! A plain data table with a caption and column headers, scrolling sideways on its own if a
//! narrow screen needs it, so the page never does. The scrolling box is a named region that
//! takes the focus, so it scrolls with the arrow keys too when no cell holds a button.

use leptos::prelude::*;

#[component]
pub fn DataTable(
    #[prop(into)] caption: String,
    /// Column headers, left to right.
    columns: &'static [&'static str],
    /// The `<tr>` rows.
    children: Children,
) -> impl IntoView {
    let region_name = caption.clone();
    view! {
        <div class="table-scroll" role="region" aria-label=region_name tabindex="0">
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
