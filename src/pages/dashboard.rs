//! The dashboard: who can reach which of my data, and one click to take it back.

use crate::api::dashboard::load_dashboard;
use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::components::dashboard_grid::DashboardGrid;
use crate::components::form_problem::FormProblem;
use crate::components::signed_in_header::SignedInHeader;
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
                match page.await {
                    Ok(page) => signed_in(page).into_any(),
                    Err(AppError::NotSignedIn) => {
                        #[cfg(feature = "ssr")]
                        leptos_axum::redirect("/sign-in");
                        view! { <main id="main" class="page"><p>"Please " <a href="/sign-in">"sign in"</a> "."</p></main> }
                            .into_any()
                    }
                    Err(error) => view! {
                        <main id="main" class="page">
                            <h1>"Who can see your data"</h1>
                            <p role="alert" class="problem">{error.to_string()}</p>
                        </main>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

fn signed_in(page: SignedIn<DashboardView>) -> impl IntoView {
    view! {
        <SignedInHeader name=page.name email=page.email/>
        <main id="main" class="page">
            <h1>"Who can see your data"</h1>
            <FormProblem/>
            <DashboardGrid view=page.content/>
        </main>
    }
}
