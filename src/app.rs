//! The HTML shell and the router.

use crate::api::page_request::send_page_csp;
use crate::pages::activity::Activity;
use crate::pages::admin_partners::AdminPartnersPage;
use crate::pages::dashboard::Dashboard;
use crate::pages::history::History;
use crate::pages::not_found::NotFound;
use crate::pages::requests::Requests;
use crate::pages::sessions::Sessions;
use crate::pages::sign_in::SignIn;
use crate::pages::support_case::SupportCasePage;
use crate::pages::support_search::SupportSearchPage;
use crate::pages::through_friends::ThroughFriends;
use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    send_page_csp();
    let stylesheet = format!("/{}/who-can-see.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content="See which partner companies can reach your data, and take access back in one click."/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Router>
            <Routes fallback=NotFound>
                // Async: the whole page waits for the store, so a signed-out visitor can be redirected.
                <Route path=StaticSegment("") view=Dashboard ssr=SsrMode::Async/>
                <Route path=StaticSegment("history") view=History ssr=SsrMode::Async/>
                <Route path=StaticSegment("activity") view=Activity ssr=SsrMode::Async/>
                <Route path=StaticSegment("requests") view=Requests ssr=SsrMode::Async/>
                <Route path=StaticSegment("through-friends") view=ThroughFriends ssr=SsrMode::Async/>
                <Route path=StaticSegment("support") view=SupportSearchPage ssr=SsrMode::Async/>
                <Route
                    path=(StaticSegment("support"), StaticSegment("people"), ParamSegment("id"))
                    view=SupportCasePage
                    ssr=SsrMode::Async
                />
                <Route path=StaticSegment("sessions") view=Sessions ssr=SsrMode::Async/>
                <Route
                    path=(StaticSegment("admin"), StaticSegment("partners"))
                    view=AdminPartnersPage
                    ssr=SsrMode::Async
                />
                <Route path=StaticSegment("sign-in") view=SignIn/>
            </Routes>
        </Router>
    }
}
