//! One person's case in the support console: open it (recorded, and shown to the person), then
//! see their permissions, history and activity read-only, and revoke for them with a reason.

use crate::api::signed_in::SignedIn;
use crate::api::support::load_case;
use crate::components::activity_chart::ActivityChart;
use crate::components::data_table::DataTable;
use crate::components::form_notice::FormNotice;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::components::support_requests::SupportRequests;
use crate::components::support_through_friends::SupportThroughFriends;
use crate::domain::dashboard::DashboardView;
use crate::domain::support::{PersonSummary, SupportCase};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SupportCasePage() -> impl IntoView {
    let params = use_params_map();
    let case = Resource::new(move || params.with(|p| p.get("id").unwrap_or_default()), load_case);
    view! {
        <Title text="A person's permissions · Support console · Who Can See"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                signed_in_page(case.await, "A person's permissions", Some(("/support", "Back to the search")), show_case)
            })}
        </Suspense>
    }
}

fn show_case(page: SignedIn<SupportCase>) -> impl IntoView {
    let case = page.content;
    let body = if case.opened {
        opened(&case).into_any()
    } else {
        open_form(&case.person).into_any()
    };
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <p><a href="/support">"Back to the search"</a></p>
            {body}
        </main>
    }
}

fn open_form(person: &PersonSummary) -> impl IntoView {
    let name = person.name.clone();
    view! {
        <h1>{format!("{name} ({})", person.email)}</h1>
        <p>
            {format!(
                "Opening {name}'s permissions is recorded with your name and the ticket, and {name} will see it in their history.",
            )}
        </p>
        <FormProblem/>
        <form method="post" action="/api/support-open" class="support-open">
            <input type="hidden" name="person" value=person.id/>
            <label for="ticket">"Ticket (optional)"</label>
            <input id="ticket" name="ticket" maxlength="40"/>
            <button type="submit">{format!("Open {name}'s permissions")}</button>
        </form>
    }
}

fn opened(case: &SupportCase) -> impl IntoView {
    let person = &case.person;
    let name = person.name.clone();
    // Each part is erased to AnyView: one nested view type for the whole page is deeper than
    // the compiler's layout limit in the browser build.
    let grants = case
        .dashboard
        .as_ref()
        .map(|dashboard| grant_list(dashboard, person).into_any());
    let requests = view! {
        <SupportRequests person_id=person.id person_name=name.clone() requests=case.requests.clone()/>
    }
    .into_any();
    let through_friends = case
        .through_friends
        .clone()
        .map(|view| view! { <SupportThroughFriends person_id=person.id person_name=name.clone() view/> }.into_any());
    let history_rows = case
        .history
        .iter()
        .map(|entry| {
            view! {
                <tr>
                    <td>{entry.when.clone()}</td>
                    <td>{entry.sentence()}</td>
                    <td>{entry.actor_description()}</td>
                    <td>{entry.reason.clone().unwrap_or_else(|| "–".into())}</td>
                    <td>{entry.told.clone().unwrap_or_else(|| "–".into())}</td>
                </tr>
            }
        })
        .collect_view()
        .into_any();
    let activity = case.activity.clone().map(|activity| {
        let attempts = activity
            .attempts_after_end
            .iter()
            .map(|a| view! { <li>{a.sentence()}</li> })
            .collect_view();
        let charts = activity
            .series
            .into_iter()
            .map(|series| {
                view! {
                    <h3>{format!("{} \u{00b7} {}", series.partner_name, series.category_noun)}</h3>
                    <ActivityChart series first_day=activity.first_day.clone() last_day=activity.last_day.clone()/>
                }
            })
            .collect_view();
        view! {
            <ul>{attempts}</ul>
            {charts}
        }
        .into_any()
    });
    view! {
        <h1>{format!("{name}'s permissions")}</h1>
        <p>
            {format!("{} \u{00b7} number {}. ", person.email, person.id)}
            "Read-only: you can revoke for this person with a reason they will read, and never grant."
        </p>
        <FormProblem/>
        <FormNotice/>
        <form method="post" action="/api/support-revoke" class="support-revoke">
            <input type="hidden" name="person" value=person.id/>
            <label for="reason">{format!("Reason ({name} will read it)")}</label>
            <textarea id="reason" name="reason" required maxlength="300"></textarea>
            <label for="ticket">"Ticket (optional)"</label>
            <input id="ticket" name="ticket" maxlength="40"/>
            {grants}
        </form>
        {requests}
        {through_friends}
        <section aria-labelledby="case-history">
            <h2 id="case-history">"History, as the person sees it"</h2>
            <DataTable caption="Latest consent events" columns=&["When", "What happened", "Who", "Reason", "Partner told"]>
                {history_rows}
            </DataTable>
        </section>
        <section aria-labelledby="case-activity">
            <h2 id="case-activity">"Activity in the last 7 days"</h2>
            {activity}
        </section>
    }
}

/// Every partner holding something, with a revoke button per access and per partner. The
/// buttons submit the surrounding form, so each carries the reason and ticket typed above it.
fn grant_list(dashboard: &DashboardView, person: &PersonSummary) -> impl IntoView {
    let name = &person.name;
    let rows = dashboard
        .rows
        .iter()
        .map(|row| {
            let items = row
                .cells
                .iter()
                .zip(&dashboard.categories)
                .flat_map(|(cell, category)| cell.grants.iter().map(move |grant| (grant, category)))
                .map(|(grant, category)| {
                    let noun = category.noun();
                    let state = match &grant.ended {
                        None => format!("can {} {name}'s {noun} ({})", grant.access, grant.usage),
                        Some(ended) => match &grant.told {
                            Some(told) => format!("{} {noun}: {ended}. {told}", grant.access),
                            None => format!("{} {noun}: {ended}", grant.access),
                        },
                    };
                    let button = grant.active.then(|| {
                        view! {
                            <button type="submit" name="target" value=format!("grant:{}", grant.id)>
                                "Revoke"
                                <span class="visually-hidden">
                                    {format!(" {} access of {} to {name}'s {noun}", grant.access, row.name)}
                                </span>
                            </button>
                        }
                    });
                    view! { <li>{state} " " {button}</li> }
                })
                .collect_view();
            let holds_any = row.cells.iter().any(|cell| cell.active().next().is_some());
            let remove = holds_any.then(|| {
                view! {
                    <button type="submit" name="target" value=format!("partner:{}", row.slug)>
                        {format!("Remove {} for {name}", row.name)}
                    </button>
                }
            });
            view! {
                <li>
                    <strong>{row.name.clone()}</strong>
                    " "
                    {remove}
                    <ul>{items}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>"Who can reach this person's data"</h2>
        <ul class="support-grants">{rows}</ul>
    }
}
