//! The one application state every handler and server function reaches.

use crate::server::decision_recorder::DecisionRecorder;
use crate::server::lookup_cache::LookupCache;
use crate::server::storage::Store;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Behind an `Arc`: every request clones the state, and the options hold many fields.
    pub leptos_options: Arc<LeptosOptions>,
    pub settings: Arc<Settings>,
    pub recorder: Arc<DecisionRecorder>,
    pub lookups: Arc<LookupCache>,
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
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.as_ref().clone()
    }
}
