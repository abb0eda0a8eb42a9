//! The one page that ever shows a partner's new API key, and the page shown instead when no
//! key could be made. Both are whole documents outside the router: `POST
//! /admin/partners/{slug}/key` answers with one of them (`server::app::key_page`).

use crate::api::signed_in::SignedIn;
use crate::components::signed_in_header::SignedInHeader;
use crate::domain::admin::ShownKey;
use leptos::prelude::*;

fn document(title: String, body: impl IntoView) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{title}</title>
                <link rel="stylesheet" href="/pkg/who-can-see.css"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
            </head>
            <body>{body}</body>
        </html>
    }
}

pub fn new_key_document(page: SignedIn<ShownKey>) -> impl IntoView {
    let shown = page.content;
    let name = shown.partner_name;
    let before = if shown.rotated {
        format!("{name}'s previous key stopped working just now.")
    } else {
        format!("{name} had no key before; this is its first.")
    };
    let body = view! {
        <SignedInHeader name=page.name email=page.email staff=page.staff admin=page.admin requests=page.requests/>
        <main id="main" class="page">
            <h1>{format!("New API key for {name}")}</h1>
            <p role="status">{before}</p>
            <p>
                <strong>"Copy it now: it is shown only this once."</strong>
                " Only a fingerprint of it is kept, so nobody, you included, can see it again. If it is lost, make a new one."
            </p>
            <div class="admin-form">
                <label for="new-key">{format!("API key for {name}")}</label>
                <input
                    id="new-key"
                    class="api-key"
                    readonly
                    value=shown.key
                    autocomplete="off"
                    spellcheck="false"
                />
            </div>
            <p><a href="/admin/partners">"Back to the partner catalog"</a></p>
        </main>
    };
    document(format!("New API key for {name} · Admin · Who Can See"), body)
}

/// Why no key was made; `message` is written for the admin (or whoever asked).
pub fn key_problem_document(message: String) -> impl IntoView {
    let body = view! {
        <main id="main" class="page">
            <h1>"No new API key"</h1>
            <p role="alert" class="problem">{message}</p>
            <p><a href="/admin/partners">"Back to the partner catalog"</a></p>
        </main>
    };
    document("No new API key · Who Can See".to_owned(), body)
}
