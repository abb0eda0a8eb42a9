//! The notice a form posted without JavaScript left for the page it returns to
//! (`api::page_request::take_form_notice`): taken once, so a reload no longer shows it.

use crate::api::page_request::take_form_notice;
use leptos::prelude::*;

/// What the form just posted from this page did, in a status line; nothing on other visits.
/// (The dashboard shows its notice in its own status line instead.)
#[component]
pub fn FormNotice() -> impl IntoView {
    let notice = take_form_notice();
    (!notice.is_empty()).then(|| view! { <p role="status" class="notice shown">{notice}</p> })
}
