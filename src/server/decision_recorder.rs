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
use crate::server::storage::error::{StoreError, StoreResult};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

const HOUR_MS: i64 = 3_600_000;

/// How often counted decisions are written: the most a crash can lose.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

pub struct DecisionRecorder {
    store: Store,
    pending: Mutex<HashMap<(AccessKey, i64), HourTally>>,
    /// The group-commit writer; `None` when recording is off.
    refusals: Option<mpsc::UnboundedSender<WaitingRefusals>>,
}

/// Refused attempts of one request, and how to tell it they are committed.
struct WaitingRefusals {
    attempts: Vec<RefusedAttempt>,
    committed: oneshot::Sender<bool>,
}

/// Most refused attempts committed together.
const MOST_PER_COMMIT: usize = 1_000;

/// Group commit: every request with refused attempts waits for a commit that holds them, but
/// the requests waiting at the same moment share one transaction (one fsync) instead of queuing
/// for SQLite's single writer one by one.
fn spawn_refusal_writer(store: Store) -> mpsc::UnboundedSender<WaitingRefusals> {
    let (sender, mut waiting) = mpsc::unbounded_channel::<WaitingRefusals>();
    tokio::spawn(async move {
        while let Some(first) = waiting.recv().await {
            let mut batch = vec![first];
            let mut count = batch[0].attempts.len();
            while count < MOST_PER_COMMIT {
                match waiting.try_recv() {
                    Ok(next) => {
                        count += next.attempts.len();
                        batch.push(next);
                    }
                    Err(_) => break,
                }
            }
            let attempts: Vec<RefusedAttempt> = batch.iter().flat_map(|w| w.attempts.iter().cloned()).collect();
            let written = match store.insert_refused_attempts(&attempts).await {
                Ok(()) => true,
                Err(error) => {
                    log_store_error(&error);
                    false
                }
            };
            for waiter in batch {
                let _ = waiter.committed.send(written);
            }
        }
    });
    sender
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
            refusals: enabled.then(|| spawn_refusal_writer(store.clone())),
            store,
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Records the decisions of one request, each asked at `at`. Refused attempts are committed
    /// before this returns; if that fails the caller must not answer as if it succeeded.
    pub async fn record(&self, decisions: &[(AccessKey, Decision)], at: i64) -> StoreResult<()> {
        let Some(writer) = &self.refusals else {
            return Ok(());
        };
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
            let (committed, answer) = oneshot::channel();
            let queued = writer.send(WaitingRefusals { attempts, committed }).is_ok();
            // Not committed means not answered: the caller reports the store as unavailable.
            if !queued || !answer.await.unwrap_or(false) {
                return Err(StoreError::Unavailable(sqlx::Error::PoolClosed));
            }
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
