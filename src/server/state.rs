//! The one application state every handler and server function reaches.

use crate::domain::unused::UnusedLimit;
use crate::server::http::health::Readiness;
use crate::server::notify::dispatcher::Dispatcher;
use crate::server::notify::signing_keys::SigningKeys;
use crate::server::partner_api::lookup_cache::LookupCache;
use crate::server::recording::DecisionRecorder;
use crate::server::storage::Store;
use crate::server::storage::consent::key_cache::KeyDigest;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Cloned for every request, so it is one `Arc`: one reference count to touch, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

pub struct Parts {
    pub store: Store,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub recorder: Arc<DecisionRecorder>,
    pub lookups: Arc<LookupCache>,
    pub signing_keys: Arc<SigningKeys>,
    /// The platform's URL, as tokens and receipts name it.
    pub issuer: String,
    /// Sends partners their events; admins send test events through it.
    pub dispatcher: Dispatcher,
    /// What `/readyz` knows beyond the database.
    pub readiness: Arc<Readiness>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Absolute lifetime of a session.
    pub session_lifetime_ms: i64,
    /// A session unused for this long ends.
    pub session_idle_ms: i64,
    /// Served over HTTPS (directly or behind a TLS-terminating proxy): the session cookie is
    /// `__Host-` prefixed and Secure, and every response carries Strict-Transport-Security.
    pub https: bool,
    /// An access unused for this long expires.
    pub unused: UnusedLimit,
    /// The digest of the platform's key for the friendships API; `None` refuses every call.
    pub platform_key: Option<KeyDigest>,
}

#[cfg(test)]
impl Settings {
    /// Settings for unit tests: hour-long sessions idle after a minute, over HTTPS or plain HTTP.
    pub fn for_tests(https: bool) -> Self {
        Settings {
            session_lifetime_ms: 3_600_000,
            session_idle_ms: 60_000,
            https,
            unused: UnusedLimit::default(),
            platform_key: None,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(parts: Parts) -> Self {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}
