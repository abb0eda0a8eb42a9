//! Signing in and out: plain HTML form posts, so they work with or without JavaScript.

use crate::domain::credentials::Email;
use crate::domain::throttle::{ACCOUNT_LIMIT, ADDRESS_LIMIT};
use crate::server::clock::now_ms;
use crate::server::error::log_store_error;
use crate::server::session;
use crate::server::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use axum::Form;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;

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
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return back_to_sign_in("incomplete");
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return back_to_sign_in("incomplete");
    }
    // Throttled by what was typed, whether or not such an account exists, so a lock says nothing.
    let account = format!("account:{}", form.email.trim().to_lowercase());
    let address = format!("address:{}", client.ip());
    let now = now_ms();
    let (account_failures, address_failures) = match (
        state.store.sign_in_failures(&account).await,
        state.store.sign_in_failures(&address).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(error), _) | (_, Err(error)) => return unavailable(&error),
    };
    if account_failures.locked_at(now) || address_failures.locked_at(now) {
        tracing::warn!(event = "sign_in_locked", email = ?form.email, client = %client.ip());
        return back_to_sign_in("locked");
    }
    let delay = account_failures.delay_ms(now).max(address_failures.delay_ms(now));
    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    let record_failure = async || {
        let now = now_ms();
        let account_result = state
            .store
            .record_sign_in_failure(&account, account_failures.after_failure(now, ACCOUNT_LIMIT))
            .await;
        let address_result = state
            .store
            .record_sign_in_failure(&address, address_failures.after_failure(now, ADDRESS_LIMIT))
            .await;
        account_result.and(address_result)
    };
    let Ok(email) = Email::parse(&form.email) else {
        return match record_failure().await {
            Ok(()) => back_to_sign_in("invalid"),
            Err(error) => unavailable(&error),
        };
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
        tracing::warn!(event = "sign_in_failed", email = ?email.as_str(), client = %client.ip());
        return match record_failure().await {
            Ok(()) => back_to_sign_in("invalid"),
            Err(error) => unavailable(&error),
        };
    };
    if let Err(error) = state.store.clear_sign_in_failures(&account).await {
        return unavailable(&error);
    }
    // A sign-in always gets a new session; a session the browser already had is ended, so a
    // token planted before sign-in (session fixation) is worth nothing after it.
    if let Some(old) = session::token_from(&headers)
        && let Err(error) = state.store.delete_session(&session::hash_token(&old)).await
    {
        return unavailable(&error);
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match session::start(&state, user.id, user_agent).await {
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
