//! Records every check decision without slowing the check down.
//!
//! Losses a crash can cause, by design: allowed decisions (and denials of what was never
//! granted) are counted in memory and written at least once a second, so a crash loses at most
//! the last second of those counts. A denial of something the user took back, or that ran out,
//! is written before the partner gets its answer: none of those is ever lost.

use crate::domain::decision::{Decision, DenyReason};
use crate::server::error::log_store_error;
use crate::server::storage::Store;
use crate::server::storage::activity::{AccessKey, HourTally, RefusedAttempt};
use crate::server::storage::error::StoreResult;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::task::JoinHandle;

const HOUR_MS: i64 = 3_600_000;

/// How often counted decisions are written: the most a crash can lose.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

pub struct DecisionRecorder {
    store: Store,
    enabled: bool,
    pending: Mutex<HashMap<(AccessKey, i64), HourTally>>,
}

/// The end of a refused access, if the denial is one that must be kept one by one.
fn refused(decision: &Decision) -> Option<(&'static str, i64)> {
    match *decision {
        Decision::Deny {
            reason,
            since: Some(ended_at),
        } => match reason {
            DenyReason::Withdrawn => Some(("withdrawn", ended_at)),
            DenyReason::Revoked => Some(("revoked", ended_at)),
            DenyReason::Expired => Some(("expired", ended_at)),
            DenyReason::NeverGranted => None,
        },
        _ => None,
    }
}

impl DecisionRecorder {
    /// `enabled: false` records nothing; the load benchmark uses it to measure what recording costs.
    pub fn new(store: Store, enabled: bool) -> Self {
        DecisionRecorder {
            store,
            enabled,
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Records the decisions of one request, each asked at `at`. Refused attempts are committed
    /// before this returns; if that fails the caller must not answer as if it succeeded.
    pub async fn record(&self, decisions: &[(AccessKey, Decision)], at: i64) -> StoreResult<()> {
        if !self.enabled {
            return Ok(());
        }
        let attempts: Vec<RefusedAttempt> = decisions
            .iter()
            .filter_map(|(key, decision)| {
                refused(decision).map(|(reason, ended_at)| RefusedAttempt {
                    key: *key,
                    reason,
                    ended_at,
                    at,
                })
            })
            .collect();
        if !attempts.is_empty() {
            self.store.insert_refused_attempts(&attempts).await?;
        }
        let hour_start = at - at.rem_euclid(HOUR_MS);
        let mut pending = self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (key, decision) in decisions.iter().filter(|(_, d)| refused(d).is_none()) {
            let tally = pending.entry((*key, hour_start)).or_default();
            match decision {
                Decision::Allow => {
                    tally.allowed += 1;
                    tally.last_allowed_at = tally.last_allowed_at.max(Some(at));
                }
                Decision::Deny { .. } => tally.denied += 1,
            }
        }
        Ok(())
    }

    /// Writes the counted decisions. On failure they are kept for the next try.
    pub async fn flush(&self) -> StoreResult<()> {
        let taken = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        if taken.is_empty() {
            return Ok(());
        }
        let tallies: Vec<(AccessKey, i64, HourTally)> =
            taken.iter().map(|((key, hour), tally)| (*key, *hour, *tally)).collect();
        if let Err(error) = self.store.add_decision_counts(&tallies).await {
            let mut pending = self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (slot, tally) in taken {
                let kept = pending.entry(slot).or_default();
                kept.allowed += tally.allowed;
                kept.denied += tally.denied;
                kept.last_allowed_at = kept.last_allowed_at.max(tally.last_allowed_at);
            }
            return Err(error);
        }
        Ok(())
    }

    /// Flushes every `FLUSH_EVERY` until aborted.
    pub fn spawn_flusher(recorder: std::sync::Arc<DecisionRecorder>) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(FLUSH_EVERY);
            loop {
                ticks.tick().await;
                if let Err(error) = recorder.flush().await {
                    log_store_error(&error);
                }
            }
        })
    }
}
