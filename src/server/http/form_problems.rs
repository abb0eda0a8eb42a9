//! Why a form posted without JavaScript failed, shown only when this app said so.
//!
//! Leptos answers a failed form post with a redirect back to the page, the error in the URL's
//! `__err` parameter, and the page shows it. Anyone can write such a URL, so a link alone could
//! make our page say anything under our name ("Your account is suspended, call …"). So with
//! every such redirect the browser also gets a short-lived cookie holding a hash of the error,
//! and a page shows an error from its URL only when that cookie vouches for it.

use crate::server::http::cookies::{self, CookieName};
// An error's fingerprint is its SHA-256 in hex, as a session token's is.
use crate::server::auth::session::hash_token as fingerprint;
use crate::server::state::Settings;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

const FORM_PROBLEM_COOKIE: CookieName = CookieName {
    plain: "wcs_form_problem",
    https: "__Host-wcs_form_problem",
};

/// Long enough to follow the redirect and reload once; a later visit shows no stale error.
const VOUCHED_FOR_SECONDS: u32 = 300;

/// Where Leptos puts a server function's error in the URL it redirects to.
const ERROR_PARAMETER: &str = "__err";

/// Sets the vouching cookie on every redirect that carries a form's error.
pub async fn vouch_for_form_problems(State(settings): State<Arc<Settings>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response.status().is_redirection() {
        return response;
    }
    let error = response
        .headers()
        .get(header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(|location| location.split_once('?'))
        .and_then(|(_, query)| error_in_query(query.split('#').next().unwrap_or_default()));
    if let Some(error) = error {
        let cookie = format!(
            "{}={}; {}; Max-Age={VOUCHED_FOR_SECONDS}",
            FORM_PROBLEM_COOKIE.in_mode(&settings),
            fingerprint(&error),
            cookies::attributes(&settings)
        );
        if let Ok(cookie) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// The encoded error in a page request's URL, if the request's cookie vouches for it.
pub fn vouched_error(request: &http::request::Parts, settings: &Settings) -> Option<String> {
    let error = error_in_query(request.uri.query()?)?;
    let vouched = cookies::value(&request.headers, FORM_PROBLEM_COOKIE.in_mode(settings))?;
    (vouched == fingerprint(&error)).then_some(error)
}

/// The last `__err` of a query: a form that failed twice in a row has both in its URL, and the
/// newest is the one the cookie was set for.
fn error_in_query(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == ERROR_PARAMETER)
        .last()
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_request(uri: &str, cookie: Option<&str>) -> http::request::Parts {
        let mut request = http::Request::builder().uri(uri);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.body(()).unwrap().into_parts().0
    }

    fn plain() -> Settings {
        Settings::for_tests(false)
    }

    #[test]
    fn an_error_shows_only_with_the_cookie_set_for_it() {
        let error = "eyJCYWRJbnB1dCI6IkNob29zZSJ9";
        let uri = format!("/history?__path=%2Fapi%2Fx&__err={error}");
        let cookie = format!("wcs_form_problem={}", fingerprint(error));
        assert_eq!(
            vouched_error(&page_request(&uri, Some(&cookie)), &plain()),
            Some(error.into())
        );
        assert_eq!(vouched_error(&page_request(&uri, None), &plain()), None, "a bare link");
        let other = format!("wcs_form_problem={}", fingerprint("eyJvdGhlciJ9"));
        assert_eq!(
            vouched_error(&page_request(&uri, Some(&other)), &plain()),
            None,
            "another error's cookie"
        );
    }

    #[test]
    fn the_newest_error_of_a_url_is_the_one_read_and_padding_is_decoded() {
        assert_eq!(error_in_query("__err=b2xk&x=1&__err=bmV3%3D%3D"), Some("bmV3==".into()));
        assert_eq!(error_in_query("x=1"), None);
    }
}
