//! Shows why a form posted without JavaScript failed: Leptos sends the browser back to the
//! page with the server function's error in the URL.

use crate::api::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FormProblem() -> impl IntoView {
    let query = use_query_map();
    let message = query
        .read_untracked()
        .get("__err")
        .map(|encoded| ServerFnUrlError::<AppError>::decode_err(&encoded).to_string());
    message.map(|message| view! { <p role="alert" class="problem">{message}</p> })
}
