//! A background task that reads every partner's API key again every `KEY_REFRESH_EVERY`, so a
//! partner's check finds its key in memory instead of waiting on the database once its cached
//! copy runs out (see `storage::key_cache`).

use crate::server::error::log_store_error;
use crate::server::storage::Store;
use crate::server::storage::consent::key_cache::KEY_REFRESH_EVERY;
use tokio::task::JoinHandle;

pub fn spawn(store: Store) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(KEY_REFRESH_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            // Logged, then tried again next tick; meanwhile keys run out and checks ask the
            // database themselves, as they would without this task.
            if let Err(error) = store.refresh_partner_keys().await {
                log_store_error(&error);
            }
        }
    })
}
