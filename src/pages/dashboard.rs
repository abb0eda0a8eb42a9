//! The dashboard: who can reach which of my data, and one click to take it back.

use crate::api::dashboard::load_dashboard;
use crate::api::page_request::take_form_notice;
use crate::api::signed_in::SignedIn;
use crate::components::dashboard_grid::DashboardGrid;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
use crate::components::signed_in_page::signed_in_page;
use crate::domain::dashboard::DashboardView;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Dashboard() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Title text="Who can see your data"/>
        <Suspense fallback=|| view! { <p>"Loading your permissions…"</p> }>
            {move || Suspend::new(async move {
                signed_in_page(page.await, "Who can see your data", None, signed_in)
            })}
        </Suspense>
    }
}

fn signed_in(page: SignedIn<DashboardView>) -> impl IntoView {
    view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>"Who can see your data"</h1>
            <FormProblem/>
            <DashboardGrid view=page.content notice=take_form_notice()/>
        </main>
    }
}
