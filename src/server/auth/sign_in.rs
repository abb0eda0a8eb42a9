//! Signing in and out: plain HTML form posts, so they work with or without JavaScript.

use super::audit::{Attempt, Failure};
use super::sign_in_address::sign_in_address;
use crate::domain::credentials::Email;
use crate::domain::next_page::NextPage;
use crate::domain::throttle::{ACCOUNT_LIMIT, ADDRESS_LIMIT};
use crate::server::auth::session;
use crate::server::clock::now_ms;
use crate::server::error::log_store_error;
use crate::server::state::AppState;
use crate::server::storage::StoreError;
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

/// Missing fields read as empty, so an incomplete form still keeps its `next`.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The page the person was sent to sign in from (a hidden field of the form).
    next: Option<String>,
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

/// Back to the form, saying why, and still on the way to the page the person asked for.
fn back_to_sign_in(error: &str, next: &NextPage) -> Response {
    Redirect::to(&sign_in_address(Some(error), next)).into_response()
}

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let form = form.ok().map(|Form(form)| form);
    // A `next` that is not a page of this site is dropped here, once, for every answer below.
    let next = NextPage::or_home(form.as_ref().and_then(|f| f.next.as_deref()));
    let typed_email = form.as_ref().map(|f| f.email.clone()).unwrap_or_default();
    let attempt = Attempt {
        email: &typed_email,
        client: client.ip(),
        user_agent,
    };
    let Some(form) = form.filter(|f| !f.email.trim().is_empty() && !f.password.is_empty()) else {
        attempt.failed(Failure::Incomplete, None);
        return back_to_sign_in("incomplete", &next);
    };
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
        attempt.refused_while_locked();
        return back_to_sign_in("locked", &next);
    }
    let delay = account_failures.delay_ms(now).max(address_failures.delay_ms(now));
    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    let record_failure = async |failure: Failure| {
        let now = now_ms();
        let counted = async {
            let account_after = state.store.record_sign_in_failure(&account, now, ACCOUNT_LIMIT).await?;
            state.store.record_sign_in_failure(&address, now, ADDRESS_LIMIT).await?;
            Ok::<_, StoreError>(account_after)
        };
        match counted.await {
            Ok(account_after) => {
                attempt.failed(failure, Some(account_after.count));
                back_to_sign_in("invalid", &next)
            }
            Err(error) => {
                attempt.failed(failure, None);
                unavailable(&error)
            }
        }
    };
    let Ok(email) = Email::parse(&form.email) else {
        return record_failure(Failure::MalformedEmail).await;
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
        return record_failure(Failure::WrongCredentials).await;
    };
    if let Err(error) = state.store.clear_sign_in_failures(&account).await {
        return unavailable(&error);
    }
    // A sign-in always gets a new session; a session the browser already had is ended, so a
    // token planted before sign-in (session fixation) is worth nothing after it.
    if let Some(old) = session::token_from(&headers, &state.settings)
        && let Err(error) = state.store.delete_session(&session::hash_token(&old)).await
    {
        return unavailable(&error);
    }
    match session::start(&state, user.id, user_agent).await {
        Ok(cookie) => {
            attempt.succeeded(user.id);
            ([(header::SET_COOKIE, cookie)], Redirect::to(next.as_str())).into_response()
        }
        Err(error) => unavailable(&error),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let mut user_id = None;
    if let Some(token) = session::token_from(&headers, &state.settings) {
        let token_hash = session::hash_token(&token);
        let ended = async {
            let user = state.store.session_user(&token_hash, session::liveness(&state)).await?;
            state.store.delete_session(&token_hash).await?;
            Ok::<_, StoreError>(user.map(|(user, _)| user.id))
        };
        match ended.await {
            Ok(id) => user_id = id,
            Err(error) => return unavailable(&error),
        }
    }
    super::audit::signed_out(user_id, client.ip());
    (
        [(header::SET_COOKIE, session::clear_cookie(&state.settings))],
        Redirect::to("/sign-in"),
    )
        .into_response()
}

fn unavailable(error: &StoreError) -> Response {
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
