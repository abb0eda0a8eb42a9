//! What a page rendered on the server reads from its request and adds to its response: the
//! notice and the problem a form posted without JavaScript left for it, its
//! Content-Security-Policy, and the redirect to sign-in. Views call these; the HTTP rules behind
//! them stay in `server::http` and `server::auth`. Pages render on the server only (the
//! dashboard grid is the one island and gets its notice as a prop), so in the browser each one
//! does nothing.

use crate::api::error::AppError;

/// The notice a form posted without JavaScript left for this page, or an empty string. It is
/// cleared as it is taken, so a reload no longer shows it.
pub fn take_form_notice() -> String {
    #[cfg(feature = "ssr")]
    let notice = ssr::take_form_notice().unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let notice = String::new();
    notice
}

/// Why the form just posted from this page without JavaScript failed: only an error this app
/// put in the URL (`server::http::form_problems`); a link someone else wrote shows nothing.
pub fn form_problem() -> Option<AppError> {
    #[cfg(feature = "ssr")]
    let problem = ssr::form_problem();
    #[cfg(not(feature = "ssr"))]
    let problem = None;
    problem
}

/// Sends the page's Content-Security-Policy with the nonce Leptos puts on its own scripts.
pub fn send_page_csp() {
    #[cfg(feature = "ssr")]
    ssr::send_page_csp();
}

/// Answers `303 See Other` to the sign-in page, which then leads back to the page asked for.
/// Returns the sign-in address, for a link in the page's body.
pub fn send_to_sign_in() -> String {
    #[cfg(feature = "ssr")]
    let address = ssr::send_to_sign_in();
    #[cfg(not(feature = "ssr"))]
    let address = "/sign-in".to_owned();
    address
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::api::error::AppError;
    use crate::domain::next_page::NextPage;
    use crate::server::auth::sign_in_address::{asked_for, sign_in_address};
    use crate::server::http::{form_notices, form_problems, security_headers};
    use crate::server::state::AppState;
    use http::request::Parts;
    use http::{HeaderValue, StatusCode, header};
    use leptos::prelude::use_context;
    use leptos::server_fn::error::ServerFnUrlError;
    use leptos_axum::ResponseOptions;

    pub fn take_form_notice() -> Option<String> {
        let request = use_context::<Parts>()?;
        let state = use_context::<AppState>()?;
        let response = use_context::<ResponseOptions>()?;
        let (notice, clear) = form_notices::take_notice(&request, &state.settings)?;
        if let Ok(clear) = HeaderValue::from_str(&clear) {
            response.append_header(header::SET_COOKIE, clear);
        }
        Some(notice)
    }

    pub fn form_problem() -> Option<AppError> {
        let request = use_context::<Parts>()?;
        let state = use_context::<AppState>()?;
        let encoded = form_problems::vouched_error(&request, &state.settings)?;
        Some(ServerFnUrlError::<AppError>::decode_err(&encoded))
    }

    pub fn send_page_csp() {
        use leptos::nonce::use_nonce;
        if let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>())
            && let Ok(policy) = HeaderValue::from_str(&security_headers::page_csp(&nonce))
        {
            response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
        }
    }

    pub fn send_to_sign_in() -> String {
        let next = use_context::<Parts>().map_or_else(NextPage::home, |request| asked_for(&request.uri));
        let address = sign_in_address(None, &next);
        if let (Some(response), Ok(location)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&address)) {
            response.set_status(StatusCode::SEE_OTHER);
            response.insert_header(header::LOCATION, location);
        }
        address
    }
}
