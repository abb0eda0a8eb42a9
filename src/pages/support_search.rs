//! The support console's front page: find the person on the phone.

use crate::api::signed_in::SignedIn;
use crate::api::support::find_people;
use crate::components::data_table::DataTable;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::domain::support::SupportSearch;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SupportSearchPage() -> impl IntoView {
    let query = use_query_map();
    let found = Resource::new(
        move || query.with(|q| (q.get("q"), q.get("page"))),
        |(q, page)| find_people(q, page),
    );
    view! {
        <Title text="Support console · Who Can See"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                signed_in_page(found.await, "Support console", Some(("/support", "Start a new search")), results)
            })}
        </Suspense>
    }
}

fn page_link(search: &SupportSearch, page: u32) -> String {
    let query: String = url_escape(&search.query);
    format!("/support?q={query}&page={page}")
}

/// Enough escaping for a query string value typed by staff.
fn url_escape(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn results(page: SignedIn<SupportSearch>) -> impl IntoView {
    let search = page.content;
    let rows = search
        .people
        .iter()
        .map(|person| {
            view! {
                <tr>
                    <th scope="row">{person.name.clone()}</th>
                    <td>{person.email.clone()}</td>
                    <td>{person.id}</td>
                    <td>
                        <a href=format!("/support/people/{}", person.id)>
                            "Open case"
                            <span class="visually-hidden">{format!(" of {}", person.name)}</span>
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let listing = if search.query.is_empty() {
        view! { <p class="empty-state">"Type the start of an email or a name, or a person's number."</p> }.into_any()
    } else if search.people.is_empty() {
        view! { <p class="empty-state">{format!("Nobody matches \u{201c}{}\u{201d}.", search.query)}</p> }.into_any()
    } else {
        let caption = format!("People matching \u{201c}{}\u{201d}, page {}", search.query, search.page);
        view! {
            <DataTable caption columns=&["Name", "Email", "Number", "Action"]>
                {rows}
            </DataTable>
        }
        .into_any()
    };
    let previous = (search.page > 1).then(|| view! { <a href=page_link(&search, search.page - 1)>"Previous page"</a> });
    let next = search
        .more
        .then(|| view! { <a href=page_link(&search, search.page + 1)>"Next page"</a> });
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>"Support console"</h1>
            <p>
                "Find the person you are helping. Opening their permissions is recorded, "
                "and they will see in their history that you looked."
            </p>
            <FormProblem/>
            <form method="get" action="/support" role="search" class="filters">
                <label for="q">"Email, name or number"</label>
                <input id="q" name="q" type="search" value=search.query.clone() maxlength="100"/>
                <button type="submit">"Find"</button>
            </form>
            {listing}
            <nav aria-label="Search result pages" class="pager">{previous} {next}</nav>
        </main>
    }
}
