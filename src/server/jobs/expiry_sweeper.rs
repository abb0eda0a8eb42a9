//! A background task that records grants whose time ran out, so History says "expired" even
//! when nobody acts. Decisions never wait for it: a grant past its end is denied either way.
//! Now and then it also expires grants their partner has not used for the configured days,
//! after folding in the latest use, so a grant used a minute ago is not taken for unused.

use crate::domain::unused::UnusedLimit;
use crate::server::clock::now_ms;
use crate::server::error::log_store_error;
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// How often unused grants are looked for: the rule counts in days, and each pass reads the
/// counts of the hours since the last one.
const UNUSED_PASS_EVERY: Duration = Duration::from_secs(60);

pub fn spawn(store: Store, every: Duration, unused: UnusedLimit) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_unused_pass: Option<Instant> = None;
        loop {
            ticks.tick().await;
            match store.record_expiries(now_ms()).await {
                Ok(0) => {}
                Ok(expired) => tracing::info!(expired, "recorded expired grants"),
                // Logged, then tried again next tick; an outage must not stop the sweeper.
                Err(error) => {
                    log_store_error(&error);
                }
            }
            if last_unused_pass.is_none_or(|at| at.elapsed() >= UNUSED_PASS_EVERY) {
                last_unused_pass = Some(Instant::now());
                match expire_unused(&store, unused).await {
                    Ok(0) => {}
                    Ok(expired) => tracing::info!(expired, "expired grants their partners did not use"),
                    Err(error) => {
                        log_store_error(&error);
                    }
                }
            }
        }
    })
}

async fn expire_unused(store: &Store, unused: UnusedLimit) -> StoreResult<usize> {
    store.fold_last_uses(now_ms()).await?;
    store.expire_unused(now_ms(), unused).await
}
