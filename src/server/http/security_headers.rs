//! Security headers on every response, and cross-site request refusal for state changes.
//!
//! Pages get a nonce-based Content-Security-Policy (set where the page is rendered, see
//! `app.rs`); every other response gets a strict default one here.

use crate::server::state::Settings;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// For responses that are not pages: nothing may load, nothing may frame it.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The policy of a rendered page. Scripts run only with this response's nonce (plus the
/// app's own files); WebAssembly may compile; nothing may frame the page.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The policy of a page rendered outside the router (the new API key's): it loads only the
/// app's stylesheet and icon, and no script runs on it at all.
pub const SCRIPTLESS_PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Over HTTPS, browsers that have seen this use only HTTPS for the next two years, on every
/// subdomain too, so nobody on the network can downgrade a later visit to plain HTTP.
const HSTS: &str = "max-age=63072000; includeSubDomains";

pub async fn add_security_headers(State(settings): State<Arc<Settings>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(DEFAULT_CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Over plain HTTP browsers ignore it anyway; sending it there would only mislead.
    if settings.https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// Whether a browser says this request comes from another site: `Sec-Fetch-Site`, or else an
/// `Origin` whose host is not the one the request was sent to. Requests without either
/// (command-line clients, old browsers without Origin on same-site posts) are not refused.
fn comes_from_another_site(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("null");
    origin_host != host
}

/// Refuses state-changing requests that a browser says come from another site (CSRF). The
/// partner API is exempt: it authenticates with a key, not a cookie the browser adds.
pub async fn refuse_cross_site_posts(request: Request, next: Next) -> Response {
    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && !request.uri().path().starts_with("/api/v1/") && comes_from_another_site(&request) {
        tracing::warn!(event = "cross_site_request_refused", path = ?request.uri().path());
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "This request came from another site, so it was refused and nothing was changed.",
        )
            .into_response();
    }
    next.run(request).await
}
