//! `POST /admin/partners/{slug}/key`: an admin gives a partner a new API key and sees it once.
//!
//! A plain handler, not a server function: a server function answers a plain HTML form with a
//! redirect, and the key must never be in a URL or stored. So this answers 200 with the page
//! that shows it, marked `no-store` so no cache (nor the Back button) keeps a copy. The CSRF
//! check of `security_headers` covers it like every other POST. The work is the api layer's
//! (`api::admin::new_partner_key`), the page the pages layer's; this only joins them into an
//! HTTP answer, as the rest of `server::app` does for the Leptos routes.

use crate::api::admin::new_partner_key;
use crate::api::error::AppError;
use crate::pages::admin_new_key::{key_problem_document, new_key_document};
use crate::server::http::security_headers::SCRIPTLESS_PAGE_CSP;
use crate::server::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::{IntoView, Owner, RenderHtml};

pub async fn create_key(State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap) -> Response {
    match new_partner_key(&state, &headers, &slug).await {
        Ok(page) => html(StatusCode::OK, new_key_document(page)),
        Err(error) => problem(error),
    }
}

fn problem(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    html(status, key_problem_document(error.to_string()))
}

fn html(status: StatusCode, view: impl IntoView + 'static) -> Response {
    let owner = Owner::new();
    let body = owner.with(|| view.into_view().to_html());
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(SCRIPTLESS_PAGE_CSP),
    );
    response
}
