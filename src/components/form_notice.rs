//! The notice a form posted without JavaScript left for the page it returns to
//! (`server::form_notices`): taken once, so a reload no longer shows it.

use leptos::prelude::*;

/// What the form just posted from this page did, in a status line; nothing on other visits.
/// (The dashboard shows its notice in its own status line instead.)
#[component]
pub fn FormNotice() -> impl IntoView {
    let notice = take_notice_after_redirect();
    (!notice.is_empty()).then(|| view! { <p role="status" class="notice shown">{notice}</p> })
}

/// The notice, or an empty string; clears it as it is taken.
#[cfg(feature = "ssr")]
pub fn take_notice_after_redirect() -> String {
    let (Some(request), Some(state), Some(response)) = (
        use_context::<http::request::Parts>(),
        use_context::<crate::server::state::AppState>(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return String::new();
    };
    let Some((notice, clear)) = crate::server::http::form_notices::take_notice(&request, &state.settings) else {
        return String::new();
    };
    if let Ok(clear) = http::HeaderValue::from_str(&clear) {
        response.append_header(http::header::SET_COOKIE, clear);
    }
    notice
}

/// Pages render on the server only (the dashboard grid is the one island), so the browser
/// never asks.
#[cfg(not(feature = "ssr"))]
pub fn take_notice_after_redirect() -> String {
    String::new()
}
