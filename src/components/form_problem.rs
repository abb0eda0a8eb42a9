//! Shows why a form posted without JavaScript failed: Leptos sends the browser back to the
//! page with the server function's error in the URL. Only an error this app put there is
//! shown (`api::page_request::form_problem`): a link someone else wrote shows nothing.

use crate::api::page_request::form_problem;
use leptos::prelude::*;

#[component]
pub fn FormProblem() -> impl IntoView {
    form_problem().map(|problem| view! { <p role="alert" class="problem">{problem.to_string()}</p> })
}
