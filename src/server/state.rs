//! The one application state every handler and server function reaches.

use crate::server::decision_recorder::DecisionRecorder;
use crate::server::storage::Store;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub recorder: Arc<DecisionRecorder>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Absolute lifetime of a session.
    pub session_lifetime_ms: i64,
    /// A session unused for this long ends.
    pub session_idle_ms: i64,
    /// Mark the session cookie Secure (when served over HTTPS).
    pub secure_cookies: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
