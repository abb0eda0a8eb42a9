//! The dashboard: who can reach which of my data, and one click to take it back.

use crate::api::dashboard::{DashboardPage, load_dashboard};
use crate::api::error::AppError;
use crate::components::dashboard_grid::DashboardGrid;
use crate::components::signed_in_header::SignedInHeader;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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

/// A revocation posted without JavaScript that failed comes back with its error in the URL.
fn form_problem() -> Option<String> {
    let query = use_query_map();
    let encoded = query.read_untracked().get("__err")?;
    Some(ServerFnUrlError::<AppError>::decode_err(&encoded).to_string())
}

fn signed_in(page: DashboardPage) -> impl IntoView {
    view! {
        <SignedInHeader name=page.user_name email=page.email/>
        <main id="main" class="page">
            <h1>"Who can see your data"</h1>
            {form_problem().map(|message| view! { <p role="alert" class="problem">{message}</p> })}
            <DashboardGrid view=page.view/>
        </main>
    }
}
