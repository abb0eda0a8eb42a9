//! `GET /healthz` (the process answers) and `GET /readyz` (it can serve: the database answers,
//! its migrations are all applied, the caches are loaded, and it is not shutting down), for load
//! balancers and orchestrators. `/readyz` is 503 until then, during a database outage, and from
//! the moment a shutdown begins, so a balancer sends its traffic elsewhere.

use crate::server::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What readiness knows beyond the database: set by the cache warmer and by shutdown.
#[derive(Debug, Default)]
pub struct Readiness {
    caches_loaded: AtomicBool,
    stopping: AtomicBool,
}

impl Readiness {
    pub fn caches_loaded(&self) {
        self.caches_loaded.store(true, Ordering::Release);
    }

    pub fn stopping(&self) {
        self.stopping.store(true, Ordering::Release);
    }
}

/// A database slower than this to answer is as good as down, for a health check.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

async fn alive() -> Response {
    ([(header::CACHE_CONTROL, "no-store")], "alive\n").into_response()
}

async fn ready(State(state): State<AppState>) -> Response {
    let migrations = match tokio::time::timeout(DATABASE_TIMEOUT, state.store.migrations_applied()).await {
        Ok(Ok(true)) => "applied",
        Ok(Ok(false)) => "pending",
        Ok(Err(_)) | Err(_) => "unavailable",
    };
    let database = if migrations == "unavailable" {
        "unavailable"
    } else {
        "answers"
    };
    let caches = if state.readiness.caches_loaded.load(Ordering::Acquire) {
        "loaded"
    } else {
        "loading"
    };
    let stopping = state.readiness.stopping.load(Ordering::Acquire);
    let ready = migrations == "applied" && caches == "loaded" && !stopping;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "ready": ready,
        "database": database,
        "migrations": migrations,
        "caches": caches,
        "stopping": stopping,
    });
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(alive)).route("/readyz", get(ready))
}
