//! Shows why a form posted without JavaScript failed: Leptos sends the browser back to the
//! page with the server function's error in the URL. Only an error this app put there is
//! shown (`server::form_problems`): a link someone else wrote shows nothing.

use crate::api::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;

#[component]
pub fn FormProblem() -> impl IntoView {
    let message = vouched_error().map(|encoded| ServerFnUrlError::<AppError>::decode_err(&encoded).to_string());
    message.map(|message| view! { <p role="alert" class="problem">{message}</p> })
}

#[cfg(feature = "ssr")]
fn vouched_error() -> Option<String> {
    let request = use_context::<http::request::Parts>()?;
    let state = use_context::<crate::server::state::AppState>()?;
    crate::server::http::form_problems::vouched_error(&request, &state.settings)
}

/// Pages render on the server only (the dashboard grid is the one island), so the browser
/// never draws this.
#[cfg(not(feature = "ssr"))]
fn vouched_error() -> Option<String> {
    None
}
