//! Signing in and out: plain HTML form posts, so they work with or without JavaScript.

use crate::domain::credentials::Email;
use crate::server::error::log_store_error;
use crate::server::session;
use crate::server::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), which follow OWASP's advice.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("Failed to hash a password: {e}"))
}

fn password_matches(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// Verified even for unknown accounts, so the answer takes as long whether or not the account exists.
const NO_ACCOUNT_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8hF0YyM3mOHK0vVxGtBHyQwZzMzc+J+uVFYJ8yY2wt0";

fn back_to_sign_in(error: &str) -> Response {
    Redirect::to(&format!("/sign-in?error={error}")).into_response()
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return back_to_sign_in("incomplete");
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return back_to_sign_in("incomplete");
    }
    let Ok(email) = Email::parse(&form.email) else {
        return back_to_sign_in("invalid");
    };
    let user = match state.store.user_by_email(email.as_str()).await {
        Ok(user) => user,
        Err(error) => return unavailable(&error),
    };
    let stored_hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| NO_ACCOUNT_HASH.to_owned());
    let password = form.password;
    let matches = tokio::task::spawn_blocking(move || password_matches(&password, &stored_hash))
        .await
        .unwrap_or(false);
    let Some(user) = user.filter(|_| matches) else {
        tracing::info!(event = "sign_in_failed", email = ?email.as_str());
        return back_to_sign_in("invalid");
    };
    // A sign-in always gets a new session; a session the browser already had is ended, so a
    // token planted before sign-in (session fixation) is worth nothing after it.
    if let Some(old) = session::token_from(&headers)
        && let Err(error) = state.store.delete_session(&session::hash_token(&old)).await
    {
        return unavailable(&error);
    }
    match session::start(&state, user.id).await {
        Ok(cookie) => {
            tracing::info!(event = "sign_in", user_id = user.id);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Err(error) => unavailable(&error),
    }
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session::token_from(&headers)
        && let Err(error) = state.store.delete_session(&session::hash_token(&token)).await
    {
        return unavailable(&error);
    }
    (
        [(header::SET_COOKIE, session::clear_cookie())],
        Redirect::to("/sign-in"),
    )
        .into_response()
}

fn unavailable(error: &crate::server::storage::StoreError) -> Response {
    log_store_error(error);
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html><html lang=\"en\"><title>Try again shortly</title><main><h1>Try again shortly</h1>\
         <p>We could not reach the consent store. Nothing was changed. Please go back and try again in a moment.</p></main></html>",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches("correct horse", &hash));
        assert!(!password_matches("wrong horse", &hash));
        assert!(!password_matches("anything", NO_ACCOUNT_HASH));
    }
}
