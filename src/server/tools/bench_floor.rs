//! The load benchmark's floor: `POST /api/v1/noop` passes through the same middleware as
//! `/api/v1/check` and then does nothing, so `scripts/bench-check` can tell what the check itself
//! costs from what the HTTP stack costs. Mounted only with `--bench-floor`.

use crate::server::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;

pub const NOOP_PATH: &str = "/api/v1/noop";

/// The floor route when `enabled`, nothing otherwise (so it is a 404 in every real deployment).
pub fn routes(enabled: bool) -> Router<AppState> {
    if enabled {
        Router::new().route(NOOP_PATH, post(noop))
    } else {
        Router::new()
    }
}

/// Reads the body, as the check does, and answers with an empty 204.
async fn noop(_body: Bytes) -> StatusCode {
    StatusCode::NO_CONTENT
}
