//! The recorder a partner check hands its decisions to.

use super::counts::{Tallies, write_every_second};
use super::refusals::RefusalQueue;
use crate::domain::activity::EndedBy;
use crate::domain::decision::{Decision, DenyReason};
use crate::server::storage::activity::{CountKey, RefusedAttempt};
use crate::server::storage::{Store, StoreError};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct DecisionRecorder {
    /// `None` when recording is off.
    running: Option<Running>,
}

struct Running {
    tallies: Arc<Tallies>,
    refusals: RefusalQueue,
    /// Set to true once, to stop both writers.
    stop: watch::Sender<bool>,
    writers: Mutex<Vec<JoinHandle<()>>>,
}

/// How an access ended (or the person said no) and when, if the decision denies because of it.
fn ended_access(decision: &Decision) -> Option<(EndedBy, i64)> {
    let Decision::Deny {
        reason,
        since: Some(ended_at),
    } = *decision
    else {
        return None;
    };
    let ended_by = match reason {
        DenyReason::Withdrawn => EndedBy::Withdrawn,
        DenyReason::Revoked => EndedBy::Revoked,
        DenyReason::Expired => EndedBy::Expired,
        DenyReason::RefusedByPerson => EndedBy::SaidNo,
        // Never granted, or not seen through a friend: counted as denials, nothing ended.
        DenyReason::NeverGranted | DenyReason::NotAFriend | DenyReason::FriendDidNotGrant => return None,
    };
    Some((ended_by, ended_at))
}

impl DecisionRecorder {
    /// `enabled: false` records nothing (the load benchmark measures what recording costs).
    /// Must be called inside the Tokio runtime: it starts the two writers.
    pub fn new(store: Store, enabled: bool) -> Self {
        let running = enabled.then(|| {
            let (stop, stopped) = watch::channel(false);
            let tallies = Arc::new(Tallies::default());
            let (refusals, refusal_writer) = RefusalQueue::start(store.clone(), stopped.clone());
            let count_writer = tokio::spawn(write_every_second(store, tallies.clone(), stopped));
            Running {
                tallies,
                refusals,
                stop,
                writers: Mutex::new(vec![refusal_writer, count_writer]),
            }
        });
        DecisionRecorder { running }
    }

    /// Records the decisions of one request, each made at `at`. Refused attempts are committed
    /// before this returns; if that fails the caller must not answer as if it succeeded.
    pub async fn record(&self, decisions: &[(CountKey, Decision)], at: i64) -> Result<(), StoreError> {
        let Some(running) = &self.running else {
            return Ok(());
        };
        let refused: Vec<RefusedAttempt> = decisions
            .iter()
            .filter_map(|(key, decision)| {
                ended_access(decision).map(|(reason, ended_at)| RefusedAttempt {
                    key: *key,
                    reason,
                    ended_at,
                    at,
                })
            })
            .collect();
        if !refused.is_empty() {
            running.refusals.commit(refused).await?;
        }
        let counted = decisions
            .iter()
            .filter(|(_, decision)| ended_access(decision).is_none())
            .map(|(key, decision)| (*key, *decision == Decision::Allow));
        running.tallies.count(counted, at);
        Ok(())
    }

    /// Decisions counted in memory and not yet written (0 when recording is off).
    pub fn backlog(&self) -> u64 {
        self.running.as_ref().map_or(0, |running| running.tallies.pending())
    }

    /// Stops the writers once every queued refusal is committed and every count written.
    pub async fn stop(&self) {
        let Some(running) = &self.running else {
            return;
        };
        let writers = std::mem::take(&mut *running.writers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        running.stop.send_replace(true);
        for writer in writers {
            let _ = writer.await;
        }
    }
}
