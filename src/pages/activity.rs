//! Activity: what partners actually did with their access, and every attempt after access
//! was taken back, for the last 7 or 30 days.

use crate::api::activity::load_activity;
use crate::api::signed_in::SignedIn;
use crate::components::activity_chart::ActivityChart;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::domain::activity::{ActivityView, Window};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Activity() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(move || query.with(|q| q.get("days")), load_activity);
    view! {
        <Title text="Activity · Who Can See"/>
        <Suspense fallback=|| view! { <p>"Loading what partners did…"</p> }>
            {move || Suspend::new(async move {
                let recovery = Some(("/activity", "Show the last 7 days"));
                signed_in_page(page.await, "What partners did with your data", recovery, activity)
            })}
        </Suspense>
    }
}

fn window_link(window: Window, shown: Window) -> impl IntoView {
    let (href, label) = match window {
        Window::Week => ("/activity?days=7", "Last 7 days"),
        Window::Month => ("/activity?days=30", "Last 30 days"),
    };
    let current = (window == shown).then_some("page");
    view! { <a href=href aria-current=current>{label}</a> }
}

fn activity(page: SignedIn<ActivityView>) -> impl IntoView {
    let view = page.content;
    let days = view.window.days();
    let alerts = (!view.attempts_after_end.is_empty()).then(|| {
        let items = view
            .attempts_after_end
            .iter()
            .map(|attempts| {
                view! {
                    <li>
                        {attempts.sentence()}
                        <span class="detail">" Last attempt " {attempts.last_attempt_ago.clone()} "."</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="alerts" aria-labelledby="after-end">
                <h2 id="after-end">"Attempts after access ended"</h2>
                <p>"Every one of these was refused. They are the reason to keep looking."</p>
                <ul>{items}</ul>
            </section>
        }
    });
    let charts = if view.series.is_empty() {
        view! {
            <p class="empty-state">
                {format!("No partner asked for your data in the last {days} days.")}
            </p>
        }
        .into_any()
    } else {
        view.series
            .into_iter()
            .map(|series| {
                let heading = format!("{} \u{00b7} your {}", series.partner_name, series.category_noun);
                let totals = series.summary(days);
                view! {
                    <section class="activity-series">
                        <h3>{heading}</h3>
                        <p class="detail">{totals}</p>
                        <ActivityChart series first_day=view.first_day.clone() last_day=view.last_day.clone()/>
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>"What partners did with your data"</h1>
            <p>
                {format!("Every time a partner asked to use your data, from {} to {}. ", view.first_day, view.last_day)}
                "Bars show each day: "
                <span class="key-allowed">"uses that were allowed"</span>
                " and "
                <span class="key-refused">"attempts that were refused"</span>
                "."
            </p>
            <FormProblem/>
            <nav aria-label="Time window" class="window-choice">
                {window_link(Window::Week, view.window)}
                {window_link(Window::Month, view.window)}
            </nav>
            {alerts}
            <section aria-labelledby="by-partner">
                <h2 id="by-partner">"By partner and category"</h2>
                {charts}
            </section>
        </main>
    }
}
