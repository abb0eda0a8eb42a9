//! What a signed-in page shows once its data has loaded: the page, a redirect to sign-in (and
//! back to this page after it) for a visitor who is not signed in, or the problem and what to
//! do next.

use crate::api::error::AppError;
use crate::api::page_request::send_to_sign_in;
use crate::api::signed_in::SignedIn;
use leptos::prelude::*;

/// `recovery` is a link (address, words) offered under an error, e.g. back to an unfiltered list.
pub fn signed_in_page<T, V: IntoView + 'static>(
    loaded: Result<SignedIn<T>, AppError>,
    heading: &'static str,
    recovery: Option<(&'static str, &'static str)>,
    render: impl FnOnce(SignedIn<T>) -> V,
) -> AnyView {
    match loaded {
        Ok(page) => render(page).into_any(),
        Err(AppError::NotSignedIn) => {
            let sign_in = send_to_sign_in();
            view! { <main id="main" class="page"><p>"Please " <a href=sign_in>"sign in"</a> "."</p></main> }.into_any()
        }
        Err(error) => view! {
            <main id="main" class="page">
                <h1>{heading}</h1>
                <p role="alert" class="problem">{error.to_string()}</p>
                {recovery.map(|(href, words)| view! { <p><a href=href>{words}</a></p> })}
            </main>
        }
        .into_any(),
    }
}
