//! Session cookies: a random token in the app's cookie shape (`cookies`); the server keeps
//! its hash.

use crate::server::clock::now_ms;
use crate::server::http::cookies::{self, CookieName};
use crate::server::state::{AppState, Settings};
use crate::server::storage::StoreError;
use crate::server::storage::consent::sessions::{Liveness, NewSession};
use crate::server::storage::consent::users::UserRecord;
use http::HeaderMap;
use rand::RngCore;
use sha2::{Digest, Sha256};

const SESSION_COOKIE: CookieName = CookieName {
    plain: "wcs_session",
    https: "__Host-wcs_session",
};

/// The session cookie's name in the mode the app is served in.
pub fn cookie_name(settings: &Settings) -> &'static str {
    SESSION_COOKIE.in_mode(settings)
}

/// 256 random bits from the operating system, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 is enough here: the token is 256 random bits, so there is nothing to brute-force.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session token of a request, read from the cookie of this mode's name only.
pub fn token_from(headers: &HeaderMap, settings: &Settings) -> Option<String> {
    cookies::value(headers, cookie_name(settings))
        .filter(|token| token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit()))
        .map(ToOwned::to_owned)
}

pub fn set_cookie(token: &str, settings: &Settings) -> String {
    let max_age = settings.session_lifetime_ms / 1000;
    format!(
        "{}={token}; {}; Max-Age={max_age}",
        cookie_name(settings),
        cookies::attributes(settings)
    )
}

/// Browsers refuse to overwrite a Secure cookie without Secure, so clearing repeats the attributes.
pub fn clear_cookie(settings: &Settings) -> String {
    format!(
        "{}=; {}; Max-Age=0",
        cookie_name(settings),
        cookies::attributes(settings)
    )
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
    let Some(token) = token_from(headers, &state.settings) else {
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
    Ok(set_cookie(&token, &state.settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::COOKIE;

    fn settings(https: bool) -> Settings {
        Settings::for_tests(https)
    }

    fn cookie_header(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, value.parse().unwrap());
        headers
    }

    #[test]
    fn reads_the_session_token_among_other_cookies() {
        let token = "ab".repeat(32);
        for https in [false, true] {
            let name = cookie_name(&settings(https));
            let headers = cookie_header(&format!("theme=dark; {name}={token}; x=y"));
            assert_eq!(token_from(&headers, &settings(https)), Some(token.clone()), "{name}");
        }
    }

    #[test]
    fn each_mode_reads_only_its_own_cookie_name() {
        let token = "ab".repeat(32);
        let plain = cookie_header(&format!("wcs_session={token}"));
        let prefixed = cookie_header(&format!("__Host-wcs_session={token}"));
        assert_eq!(token_from(&plain, &settings(true)), None);
        assert_eq!(token_from(&prefixed, &settings(false)), None);
    }

    #[test]
    fn ignores_malformed_tokens() {
        let headers = cookie_header("wcs_session=not-a-token");
        assert_eq!(token_from(&headers, &settings(false)), None);
    }

    #[test]
    fn the_https_cookie_is_secure_host_only_and_its_clearing_matches() {
        let https = settings(true);
        let set = set_cookie(&"ab".repeat(32), &https);
        assert!(set.starts_with("__Host-wcs_session="), "{set}");
        for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(set.split("; ").any(|a| a == attribute), "{attribute} in {set}");
        }
        assert!(!set.contains("Domain"), "{set}");
        let clear = clear_cookie(&https);
        assert!(
            clear.starts_with("__Host-wcs_session=;") && clear.contains("; Secure"),
            "{clear}"
        );
        let plain = set_cookie(&"ab".repeat(32), &settings(false));
        assert!(
            plain.starts_with("wcs_session=") && !plain.contains("Secure"),
            "{plain}"
        );
    }

    #[test]
    fn tokens_are_unpredictable() {
        // 256 bits each: no two of many collide, and about half of all their bits are set.
        let tokens: Vec<String> = (0..1000).map(|_| new_token()).collect();
        let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
        assert_eq!(distinct.len(), tokens.len());
        let ones: u32 = tokens
            .iter()
            .flat_map(|t| hex::decode(t).unwrap())
            .map(|byte| byte.count_ones())
            .sum();
        let bits = 1000 * 256;
        assert!(
            (ones as f64 / bits as f64 - 0.5).abs() < 0.01,
            "{ones} of {bits} bits set"
        );
    }
}
