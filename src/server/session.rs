//! Session cookies: a random token in an HttpOnly, SameSite=Lax cookie; the server keeps its hash.

use crate::server::clock::now_ms;
use crate::server::state::AppState;
use crate::server::storage::StoreError;
use crate::server::storage::sessions::{Liveness, NewSession};
use crate::server::storage::users::UserRecord;
use http::HeaderMap;
use http::header::COOKIE;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "wcs_session";

/// 256 random bits, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 is enough here: the token is 256 random bits, so there is nothing to brute-force.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, token)| token.to_owned())
        .filter(|token| token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit()))
}

pub fn set_cookie(token: &str, state: &AppState) -> String {
    let max_age = state.settings.session_lifetime_ms / 1000;
    let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

pub fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// A session's last-seen time is written at most this often, not on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The signed-in person of a request and their session's token hash.
pub struct CurrentSession {
    pub user: UserRecord,
    pub token_hash: String,
}

pub fn liveness(state: &AppState) -> Liveness {
    Liveness {
        now: now_ms(),
        idle_ms: state.settings.session_idle_ms,
    }
}

/// The session of a request, if it is neither past its absolute end nor idle too long.
pub async fn current_session(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentSession>, StoreError> {
    let Some(token) = token_from(headers) else {
        return Ok(None);
    };
    let token_hash = hash_token(&token);
    let live = liveness(state);
    let Some((user, last_seen_at)) = state.store.session_user(&token_hash, live).await? else {
        return Ok(None);
    };
    if live.now - last_seen_at > TOUCH_EVERY_MS {
        state.store.touch_session(&token_hash, live.now).await?;
    }
    Ok(Some(CurrentSession { user, token_hash }))
}

/// The signed-in user of a request, if its session is alive.
pub async fn current_user(state: &AppState, headers: &HeaderMap) -> Result<Option<UserRecord>, StoreError> {
    Ok(current_session(state, headers).await?.map(|session| session.user))
}

/// Starts a session for `user_id` and returns the cookie to set.
pub async fn start(state: &AppState, user_id: i64, user_agent: &str) -> Result<String, StoreError> {
    let token = new_token();
    let now = now_ms();
    let public_id = &new_token()[..32];
    let user_agent: String = user_agent.chars().filter(|c| !c.is_control()).take(200).collect();
    state
        .store
        .create_session(&NewSession {
            token_hash: &hash_token(&token),
            public_id,
            user_id,
            now,
            expires_at: now + state.settings.session_lifetime_ms,
            user_agent: &user_agent,
        })
        .await?;
    Ok(set_cookie(&token, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_token_among_other_cookies() {
        let token = "ab".repeat(32);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            format!("theme=dark; {COOKIE_NAME}={token}; x=y").parse().unwrap(),
        );
        assert_eq!(token_from(&headers), Some(token));
    }

    #[test]
    fn ignores_malformed_tokens() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, format!("{COOKIE_NAME}=not-a-token").parse().unwrap());
        assert_eq!(token_from(&headers), None);
    }
}
