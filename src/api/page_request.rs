//! What a page rendered on the server adds to its response: the redirect to sign-in. Views
//! call it; the HTTP rules behind it stay in `server::auth`. Pages render on the server only,
//! so in the browser it does nothing.

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
    use crate::domain::next_page::NextPage;
    use crate::server::auth::sign_in_address::{asked_for, sign_in_address};
    use http::request::Parts;
    use http::{HeaderValue, StatusCode, header};
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

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
