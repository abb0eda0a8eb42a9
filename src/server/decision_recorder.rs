//! Records every check decision without slowing the check down.
//!
//! Losses a crash can cause, by design: allowed decisions (and denials of what was never
//! granted) are counted in memory and written at least once a second, so a crash loses at most
//! the last second of those counts. A denial of something the user took back, or that ran out,
//! is written before the partner gets its answer: none of those is ever lost.
//!
//! One writer task does every write, on one connection of its own: a refused attempt waits for
//! at most one small slice of counts, never for a whole second's worth, and the recorder's
//! writes never fight each other for SQLite's write lock.

use crate::domain::decision::{Decision, DenyReason};
use crate::server::error::log_store_error;
use crate::server::storage::Store;
use crate::server::storage::activity::{AccessKey, HourTally, RefusedAttempt};
use crate::server::storage::activity_writer::ActivityWriter;
use crate::server::storage::error::{StoreError, StoreResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;

const HOUR_MS: i64 = 3_600_000;

/// How often counted decisions are written: the most a crash can lose.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Most refused attempts committed together.
const MOST_PER_COMMIT: usize = 1_000;

/// Counts written per transaction. Small, so a refused attempt that arrives meanwhile waits for
/// about a millisecond, not for the whole second's counts.
const COUNTS_PER_COMMIT: usize = 250;

type Tallies = HashMap<(AccessKey, i64), HourTally>;

pub struct DecisionRecorder {
    pending: Arc<Mutex<Tallies>>,
    /// `None` when recording is off.
    writer: Option<Writer>,
}

struct Writer {
    refusals: mpsc::UnboundedSender<WaitingRefusals>,
    stop: Arc<Notify>,
    task: Mutex<Option<JoinHandle<()>>>,
}

/// Refused attempts of one request, and how to tell it they are committed.
struct WaitingRefusals {
    attempts: Vec<RefusedAttempt>,
    committed: oneshot::Sender<bool>,
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

fn lock(pending: &Mutex<Tallies>) -> std::sync::MutexGuard<'_, Tallies> {
    pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl DecisionRecorder {
    /// `enabled: false` records nothing; the load benchmark uses it to measure what recording
    /// costs. Must be called inside the Tokio runtime: it starts the writer task.
    pub fn new(store: Store, enabled: bool) -> Self {
        let pending = Arc::new(Mutex::new(Tallies::new()));
        let writer = enabled.then(|| {
            let (refusals, queue) = mpsc::unbounded_channel();
            let stop = Arc::new(Notify::new());
            let task = tokio::spawn(
                WriterTask {
                    store,
                    connection: None,
                    pending: pending.clone(),
                    queue,
                }
                .run(stop.clone()),
            );
            Writer {
                refusals,
                stop,
                task: Mutex::new(Some(task)),
            }
        });
        DecisionRecorder { pending, writer }
    }

    /// Records the decisions of one request, each asked at `at`. Refused attempts are committed
    /// before this returns; if that fails the caller must not answer as if it succeeded.
    pub async fn record(&self, decisions: &[(AccessKey, Decision)], at: i64) -> StoreResult<()> {
        let Some(writer) = &self.writer else {
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
            let queued = writer.refusals.send(WaitingRefusals { attempts, committed }).is_ok();
            // Not committed means not answered: the caller reports the store as unavailable.
            if !queued || !answer.await.unwrap_or(false) {
                return Err(StoreError::Unavailable(sqlx::Error::PoolClosed));
            }
        }
        let hour_start = at - at.rem_euclid(HOUR_MS);
        let mut pending = lock(&self.pending);
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

    /// Stops the writer after it has committed every queued refusal and written every count.
    pub async fn stop(&self) {
        let Some(writer) = &self.writer else {
            return;
        };
        writer.stop.notify_one();
        let task = writer
            .task
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// The writer's side: its own connection (opened on first need, reopened after a failure).
struct WriterTask {
    store: Store,
    connection: Option<ActivityWriter>,
    pending: Arc<Mutex<Tallies>>,
    queue: mpsc::UnboundedReceiver<WaitingRefusals>,
}

impl WriterTask {
    async fn run(mut self, stop: Arc<Notify>) {
        let mut ticks = tokio::time::interval(FLUSH_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = stop.notified() => break,
                Some(first) = self.queue.recv() => self.commit_refusals(first).await,
                _ = ticks.tick() => self.write_counts().await,
            }
        }
        self.commit_queued_refusals().await;
        self.write_counts().await;
    }

    async fn connection(&mut self) -> StoreResult<&mut ActivityWriter> {
        if self.connection.is_none() {
            self.connection = Some(self.store.activity_writer().await?);
        }
        Ok(self.connection.as_mut().expect("opened just now"))
    }

    /// Forgets a connection that failed, so the next write opens a fresh one.
    fn failed(&mut self, error: &StoreError) {
        log_store_error(error);
        self.connection = None;
    }

    /// Group commit: `first` and every request queued behind it share one transaction.
    async fn commit_refusals(&mut self, first: WaitingRefusals) {
        let mut count = first.attempts.len();
        let mut batch = vec![first];
        while count < MOST_PER_COMMIT {
            match self.queue.try_recv() {
                Ok(next) => {
                    count += next.attempts.len();
                    batch.push(next);
                }
                Err(_) => break,
            }
        }
        let attempts: Vec<RefusedAttempt> = batch.iter().flat_map(|w| w.attempts.iter().cloned()).collect();
        let written = match self.connection().await {
            Ok(connection) => connection.insert_refused_attempts(&attempts).await,
            Err(error) => Err(error),
        };
        if let Err(error) = &written {
            self.failed(error);
        }
        for waiter in batch {
            let _ = waiter.committed.send(written.is_ok());
        }
    }

    async fn commit_queued_refusals(&mut self) {
        while let Ok(first) = self.queue.try_recv() {
            self.commit_refusals(first).await;
        }
    }

    /// Writes the counted decisions slice by slice, letting queued refusals go first before each
    /// slice. What fails to be written is kept for the next try.
    async fn write_counts(&mut self) {
        let taken = std::mem::take(&mut *lock(&self.pending));
        let tallies: Vec<(AccessKey, i64, HourTally)> = taken
            .into_iter()
            .map(|((key, hour), tally)| (key, hour, tally))
            .collect();
        for (done, slice) in tallies.chunks(COUNTS_PER_COMMIT).enumerate() {
            self.commit_queued_refusals().await;
            let written = match self.connection().await {
                Ok(connection) => connection.add_decision_counts(slice).await,
                Err(error) => Err(error),
            };
            if let Err(error) = written {
                self.failed(&error);
                keep_for_next_try(&self.pending, &tallies[done * COUNTS_PER_COMMIT..]);
                return;
            }
        }
    }
}

fn keep_for_next_try(pending: &Mutex<Tallies>, unwritten: &[(AccessKey, i64, HourTally)]) {
    let mut pending = lock(pending);
    for (key, hour, tally) in unwritten {
        let kept = pending.entry((*key, *hour)).or_default();
        kept.allowed += tally.allowed;
        kept.denied += tally.denied;
        kept.last_allowed_at = kept.last_allowed_at.max(tally.last_allowed_at);
    }
}
