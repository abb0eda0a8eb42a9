//! `POST /admin/partners/{slug}/key`: an admin gives a partner a new API key and sees it once.
//!
//! A plain handler, not a server function: a server function answers a plain HTML form with a
//! redirect, and the key must never be in a URL or stored. So this answers 200 with the page
//! that shows it, marked `no-store` so no cache (nor the Back button) keeps a copy. The CSRF
//! check of `security_headers` covers it like every other POST.

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::domain::slug::Slug;
use crate::pages::admin_new_key::{ShownKey, key_problem_document, new_key_document};
use crate::server::auth::session;
use crate::server::state::AppState;
use crate::server::storage::consent::admin::KeyChange;
use crate::server::use_cases::admin;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::{IntoView, Owner, RenderHtml};

/// The page loads only the app's stylesheet and icon; no script runs on it at all.
const KEY_PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; \
                            form-action 'self'; frame-ancestors 'none'";

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
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(KEY_PAGE_CSP));
    response
}

fn problem(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    html(status, key_problem_document(error.to_string()))
}

pub async fn create_key(State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap) -> Response {
    let admin = match session::current_user(&state, &headers).await {
        Ok(Some(user)) if user.role.is_admin() => user,
        Ok(Some(user)) => {
            tracing::warn!(user_id = user.id, "a non-admin account asked for a partner key");
            return problem(AppError::AdminsOnly);
        }
        Ok(None) => return problem(AppError::NotSignedIn),
        Err(error) => return problem(error.into()),
    };
    let slug = match Slug::parse(&slug, "partner") {
        Ok(slug) => slug,
        Err(error) => return problem(AppError::BadInput(error.to_string())),
    };
    match admin::new_key(&state.store, admin.id, &slug).await {
        Ok(made) => {
            let shown = ShownKey {
                partner_name: made.partner_name,
                key: made.key,
                rotated: made.change == KeyChange::Rotated,
            };
            html(StatusCode::OK, new_key_document(SignedIn::new(&admin, shown)))
        }
        Err(error) => problem(error.into()),
    }
}
