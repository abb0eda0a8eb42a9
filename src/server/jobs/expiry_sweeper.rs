//! A background task that records grants whose time ran out, so History says "expired" even
//! when nobody acts. Decisions never wait for it: a grant past its end is denied either way.

use crate::server::clock::now_ms;
use crate::server::error::log_store_error;
use crate::server::storage::Store;
use std::time::Duration;
use tokio::task::JoinHandle;

pub fn spawn(store: Store, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
        }
    })
}
