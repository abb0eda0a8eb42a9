//! History: every consent event of the signed-in user, newest first, filterable and paged.

use crate::api::dashboard::AllowAgain;
use crate::api::history::load_history;
use crate::api::signed_in::SignedIn;
use crate::components::allow_again_button::AllowAgainButton;
use crate::components::data_table::DataTable;
use crate::components::form_notice::FormNotice;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::domain::history::HistoryPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn History() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || query.with(|q| (q.get("partner"), q.get("category"), q.get("page"))),
        |(partner, category, page)| load_history(partner, category, page),
    );
    view! {
        <Title text="History · Who Can See"/>
        <Suspense fallback=|| view! { <p>"Loading your history…"</p> }>
            {move || Suspend::new(async move {
                let recovery = Some(("/history", "Show the whole history"));
                signed_in_page(page.await, "History of your permissions", recovery, history)
            })}
        </Suspense>
    }
}

/// The address of another page of the same filtered history.
fn page_link(history: &HistoryPage, page: u32) -> String {
    let mut parts = Vec::new();
    if let Some(partner) = &history.partner {
        parts.push(format!("partner={partner}"));
    }
    if let Some(category) = &history.category {
        parts.push(format!("category={category}"));
    }
    parts.push(format!("page={page}"));
    format!("/history?{}", parts.join("&"))
}

fn history(page: SignedIn<HistoryPage>) -> impl IntoView {
    let history = page.content;
    let allow_again = ServerAction::<AllowAgain>::new();
    let options = |choices: &[(String, String)], selected: &Option<String>| {
        choices
            .iter()
            .map(|(slug, name)| {
                let is_selected = selected.as_deref() == Some(slug.as_str());
                view! { <option value=slug.clone() selected=is_selected>{name.clone()}</option> }
            })
            .collect_view()
    };
    let partner_options = options(&history.partners, &history.partner);
    let category_options = options(&history.categories, &history.category);
    let newer = (history.page > 1).then(|| view! { <a href=page_link(&history, history.page - 1)>"Newer events"</a> });
    let older = (history.page < history.pages)
        .then(|| view! { <a href=page_link(&history, history.page + 1)>"Older events"</a> });
    let caption = format!(
        "Consent events, page {} of {} ({} in all)",
        history.page, history.pages, history.total
    );
    let rows = history
        .entries
        .iter()
        .map(|entry| {
            let action = entry.grant_id.filter(|_| entry.can_allow_again).map(|grant| {
                view! {
                    <AllowAgainButton
                        action=allow_again
                        grant=grant
                        label="Allow again"
                        context=format!(" for {} to {} your {}", entry.partner_name, entry.access, entry.category_noun)
                    />
                }
            });
            view! {
                <tr>
                    <td>{entry.when.clone()}</td>
                    <td>{entry.sentence()}</td>
                    <td>{entry.actor_description()}</td>
                    <td>{entry.reason.clone().unwrap_or_else(|| "–".into())}</td>
                    <td class="told">{entry.told.clone().unwrap_or_else(|| "–".into())}</td>
                    <td>
                        {action}
                        <a class="receipt" href=format!("/history/receipt/{}", entry.event_id) download="">
                            "Receipt"
                            <span class="visually-hidden">{format!(" for: {}", entry.sentence())}</span>
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let table = if history.entries.is_empty() {
        let filtered = history.partner.is_some() || history.category.is_some();
        let message = if filtered {
            "No consent events match these filters. Choose \u{201c}All partners\u{201d} and \u{201c}All categories\u{201d} to see everything."
        } else {
            "Nothing has happened yet: no partner has ever been given access to your data."
        };
        view! { <p class="empty-state">{message}</p> }.into_any()
    } else {
        view! {
            <DataTable caption columns=&["When", "What happened", "Who", "Reason", "Partner told", "Action"]>
                {rows}
            </DataTable>
        }
        .into_any()
    };
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>"History of your permissions"</h1>
            <p>
                "Every change to who can reach your data, newest first. Nothing here is ever edited: "
                "taking access back or allowing it again adds a new entry."
            </p>
            <FormProblem/>
            <FormNotice/>
            <form method="get" action="/history" class="filters">
                <label for="partner">"Partner"</label>
                <select id="partner" name="partner">
                    <option value="">"All partners"</option>
                    {partner_options}
                </select>
                <label for="category">"Category"</label>
                <select id="category" name="category">
                    <option value="">"All categories"</option>
                    {category_options}
                </select>
                <button type="submit">"Show"</button>
            </form>
            <p class="downloads">
                "Download your whole history: "
                <a href="/history/export.json">"as JSON"</a>
                " or "
                <a href="/history/export.csv">"as CSV"</a>
            </p>
            {table}
            <nav aria-label="History pages" class="pager">{newer} {older}</nav>
            <section aria-labelledby="support-looks">
                <h2 id="support-looks">"When support staff looked"</h2>
                {if history.support_looks.is_empty() {
                    view! { <p>"No support agent has opened your permissions."</p> }.into_any()
                } else {
                    let looks = history.support_looks.iter().map(|look| view! { <li>{look.clone()}</li> }).collect_view();
                    view! { <ul>{looks}</ul> }.into_any()
                }}
            </section>
        </main>
    }
}
