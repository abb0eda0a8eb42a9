//! Prometheus metrics, served on `--metrics-addr` (off by default): what an operator watches.
//! Counters and histograms are recorded where things happen; the gauges (backlogs, the pool)
//! are read at each scrape, so nothing polls between scrapes. Names follow Prometheus
//! conventions: a `wcs_` prefix, base units (seconds), `_total` on counters.

use crate::server::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

const CHECKS: &str = "wcs_partner_checks_total";
const CHECK_DURATION: &str = "wcs_partner_check_duration_seconds";
const REVOCATIONS: &str = "wcs_revocations_total";
const REVOCATION_COMMIT: &str = "wcs_revocation_commit_duration_seconds";
const RECORDING_BACKLOG: &str = "wcs_recording_backlog";
const NOTIFICATION_BACKLOG: &str = "wcs_notifications_pending";
const POOL: &str = "wcs_db_pool_connections";

/// Latency buckets in seconds, from a check answered from memory to a slow commit.
const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The process's recorder: installed by the first instance that serves metrics (a test process
/// starts many instances, and a process has one global recorder).
fn handle() -> anyhow::Result<PrometheusHandle> {
    static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);
    let mut installed = HANDLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(handle) = installed.as_ref() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_duration_seconds".to_owned()), &BUCKETS)?
        .install_recorder()?;
    describe();
    *installed = Some(handle.clone());
    Ok(handle)
}

/// The `# HELP` lines.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(CHECKS, "Partner check questions answered, by partner and decision.");
    describe_histogram!(
        CHECK_DURATION,
        metrics::Unit::Seconds,
        "Partner check requests, from arrival to answer."
    );
    describe_counter!(REVOCATIONS, "Revocations asked for, by outcome (committed or failed).");
    describe_histogram!(
        REVOCATION_COMMIT,
        metrics::Unit::Seconds,
        "How long a revocation took to commit."
    );
    describe_gauge!(RECORDING_BACKLOG, "Decisions counted in memory and not yet written.");
    describe_gauge!(NOTIFICATION_BACKLOG, "Partner notifications waiting to be delivered.");
    describe_gauge!(
        POOL,
        "Database connections of this instance, by state (in_use or idle)."
    );
}

/// One partner check question answered.
pub fn check_answered(partner: &str, allowed: bool) {
    let decision = if allowed { "allow" } else { "deny" };
    metrics::counter!(CHECKS, "partner" => partner.to_owned(), "decision" => decision).increment(1);
}

/// One partner check request (a single question or a batch) answered after `took`.
pub fn check_request_took(endpoint: &'static str, took: Duration) {
    metrics::histogram!(CHECK_DURATION, "endpoint" => endpoint).record(took.as_secs_f64());
}

/// Runs a revocation, counting it and timing its commit.
pub async fn revocation<T, E>(commit: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    let started = Instant::now();
    let result = commit.await;
    let outcome = if result.is_ok() { "committed" } else { "failed" };
    metrics::histogram!(REVOCATION_COMMIT).record(started.elapsed().as_secs_f64());
    metrics::counter!(REVOCATIONS, "outcome" => outcome).increment(1);
    result
}

/// The gauges, read now.
async fn read_gauges(state: &AppState) {
    metrics::gauge!(RECORDING_BACKLOG).set(state.recorder.backlog() as f64);
    // During a database outage the last figure stays; readiness says what is wrong.
    if let Ok(pending) = state.store.outbox_backlog().await {
        metrics::gauge!(NOTIFICATION_BACKLOG).set(pending as f64);
    }
    let (in_use, idle) = state.store.pool_connections();
    metrics::gauge!(POOL, "state" => "in_use").set(in_use as f64);
    metrics::gauge!(POOL, "state" => "idle").set(idle as f64);
}

async fn scrape(State((state, handle)): State<(AppState, PrometheusHandle)>) -> impl IntoResponse {
    read_gauges(&state).await;
    handle.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle.render(),
    )
}

/// Listens on `addr` for Prometheus (`GET /metrics`); returns where it listens.
pub async fn serve(addr: SocketAddr, state: AppState) -> anyhow::Result<SocketAddr> {
    let handle = handle()?;
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let router = Router::new().route("/metrics", get(scrape)).with_state((state, handle));
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!("The metrics listener stopped: {error}");
        }
    });
    Ok(bound)
}
