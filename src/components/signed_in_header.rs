//! The top bar of signed-in pages: who is signed in, requests waiting for an answer, and
//! signing out.

use crate::domain::friends_view::THROUGH_FRIENDS_PATH;
use crate::domain::request_view::REQUESTS_PAGE_PATH;
use leptos::prelude::*;

#[component]
pub fn SignedInHeader(
    name: String,
    email: String,
    /// Support staff and admins also get the support console.
    #[prop(optional)]
    staff: bool,
    /// Admins also get the partner catalog.
    #[prop(optional)]
    admin: bool,
    /// Consent requests waiting for this person's answer; the header says so while any do.
    requests: u64,
) -> impl IntoView {
    let requests_link = (requests > 0).then(|| {
        let words = match requests {
            1 => "1 request".to_owned(),
            n => format!("{n} requests"),
        };
        view! { <a class="requests-count" href=REQUESTS_PAGE_PATH>{words}</a> }
    });
    view! {
        <header class="top-bar">
            <a class="brand" href="/">"Who Can See"</a>
            <nav aria-label="Main">
                <a href="/">"Your data"</a>
                <a href="/history">"History"</a>
                <a href="/activity">"Activity"</a>
                <a href=THROUGH_FRIENDS_PATH>"Through your friends"</a>
                <a href="/sessions">"Sessions"</a>
                {staff.then(|| view! { <a href="/support">"Support console"</a> })}
                {admin.then(|| view! { <a href="/admin/partners">"Admin"</a> })}
                {requests_link}
            </nav>
            <div class="account">
                <span>"Signed in as " <strong>{name}</strong> " (" {email} ")"</span>
                <form method="post" action="/sign-out">
                    <button type="submit">"Sign out"</button>
                </form>
            </div>
        </header>
    }
}
