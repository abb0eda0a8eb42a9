//! Records every check decision without slowing the check down.
//!
//! Losses a crash can cause, by design: allowed decisions (and denials of what was never
//! granted) are counted in memory and written at least once a second, so a crash loses at most
//! the last second of those counts. A denial of something the user took back, or that ran out,
//! is written before the partner gets its answer: none of those is ever lost.
//!
//! Two writer tasks, each on a connection of its own: one group-commits refused attempts as they
//! come, the other writes the counts once a second, sorted by key (so each page of the table is
//! written about once a second) in paced slices. On SQLite the counts live in a file of their
//! own, so a second's worth of them never holds up a refused attempt.

use crate::domain::decision::{Decision, DenyReason};
use crate::server::error::log_store_error;
use crate::server::storage::Store;
use crate::server::storage::activity::{AccessKey, HourTally, RefusedAttempt};
use crate::server::storage::activity_writer::{ActivityWriter, Record};
use crate::server::storage::error::{StoreError, StoreResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

const HOUR_MS: i64 = 3_600_000;

/// How often counted decisions are written: the most a crash can lose.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Counts written per transaction, and the pause after each: a second's worth of counts is
/// written in slices spread over part of the next second instead of in one burst.
const COUNTS_PER_SLICE: usize = 2_000;
const PAUSE_BETWEEN_SLICES: Duration = Duration::from_millis(3);

/// Most refused attempts committed together.
const MOST_PER_COMMIT: usize = 1_000;

type Tallies = HashMap<(AccessKey, i64), HourTally>;

pub struct DecisionRecorder {
    pending: Arc<Mutex<Tallies>>,
    /// `None` when recording is off.
    writer: Option<Writer>,
}

struct Writer {
    refusals: mpsc::UnboundedSender<WaitingRefusals>,
    /// Set to true once, to stop both writers.
    stop: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
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
    /// costs. Must be called inside the Tokio runtime: it starts the writer tasks.
    pub fn new(store: Store, enabled: bool) -> Self {
        let pending = Arc::new(Mutex::new(Tallies::new()));
        let writer = enabled.then(|| {
            let (refusals, queue) = mpsc::unbounded_channel();
            let (stop, stopped) = watch::channel(false);
            let refusal_task = RefusalTask {
                writer: OwnConnection::new(store.clone(), Record::RefusedAttempts),
                queue,
            };
            let count_task = CountTask {
                writer: OwnConnection::new(store, Record::Counts),
                pending: pending.clone(),
            };
            Writer {
                refusals,
                tasks: Mutex::new(vec![
                    tokio::spawn(refusal_task.run(stopped.clone())),
                    tokio::spawn(count_task.run(stopped)),
                ]),
                stop,
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

    /// Stops the writers after they have committed every queued refusal and written every count.
    pub async fn stop(&self) {
        let Some(writer) = &self.writer else {
            return;
        };
        let tasks = std::mem::take(&mut *writer.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        writer.stop.send_replace(true);
        for task in tasks {
            let _ = task.await;
        }
    }
}

/// A writer's own connection: opened on first need, and again after a failure.
struct OwnConnection {
    store: Store,
    record: Record,
    open: Option<ActivityWriter>,
}

impl OwnConnection {
    fn new(store: Store, record: Record) -> Self {
        OwnConnection {
            store,
            record,
            open: None,
        }
    }

    async fn get(&mut self) -> StoreResult<&mut ActivityWriter> {
        if self.open.is_none() {
            self.open = Some(self.store.activity_writer(self.record).await?);
        }
        Ok(self.open.as_mut().expect("opened just now"))
    }

    /// Forgets a connection that failed, so the next write opens a fresh one.
    fn failed(&mut self, error: &StoreError) {
        log_store_error(error);
        self.open = None;
    }
}

struct RefusalTask {
    writer: OwnConnection,
    queue: mpsc::UnboundedReceiver<WaitingRefusals>,
}

impl RefusalTask {
    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                biased;
                // The only change ever sent is "stop" (and a dropped sender means the same).
                _ = stop.changed() => break,
                Some(first) = self.queue.recv() => self.commit(first).await,
            }
        }
        while let Ok(first) = self.queue.try_recv() {
            self.commit(first).await;
        }
    }

    /// Group commit: `first` and every request queued behind it share one transaction.
    async fn commit(&mut self, first: WaitingRefusals) {
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
        let written = match self.writer.get().await {
            Ok(connection) => connection.insert_refused_attempts(&attempts).await,
            Err(error) => Err(error),
        };
        if let Err(error) = &written {
            self.writer.failed(error);
        }
        for waiter in batch {
            let _ = waiter.committed.send(written.is_ok());
        }
    }
}

struct CountTask {
    writer: OwnConnection,
    pending: Arc<Mutex<Tallies>>,
}

impl CountTask {
    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut ticks = tokio::time::interval(FLUSH_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                // The only change ever sent is "stop" (and a dropped sender means the same).
                _ = stop.changed() => break,
                _ = ticks.tick() => self.write().await,
            }
        }
        self.write().await;
    }

    /// Writes the counted decisions in one transaction; what fails is kept for the next try.
    async fn write(&mut self) {
        let taken = {
            let mut pending = lock(&self.pending);
            // Sized like the last second's, so checks do not pay for growing it while they wait
            // on the lock.
            let capacity = pending.len();
            std::mem::replace(&mut *pending, Tallies::with_capacity(capacity))
        };
        if taken.is_empty() {
            return;
        }
        // Sorting a second's worth of counts takes milliseconds: not on a thread that serves checks.
        let sorted = tokio::task::spawn_blocking(move || {
            let mut tallies: Vec<(AccessKey, i64, HourTally)> = taken
                .into_iter()
                .map(|((key, hour), tally)| (key, hour, tally))
                .collect();
            tallies.sort_unstable_by_key(|(key, hour, _)| (*key, *hour));
            tallies
        })
        .await;
        let Ok(tallies) = sorted else {
            tracing::error!("Sorting the decision counts failed; this second's counts are lost");
            return;
        };
        for (done, slice) in tallies.chunks(COUNTS_PER_SLICE).enumerate() {
            if done > 0 {
                // A pause between slices: the writer's thread never holds a core for long, so
                // checks keep their latency while it works.
                tokio::time::sleep(PAUSE_BETWEEN_SLICES).await;
            }
            let written = match self.writer.get().await {
                Ok(connection) => connection.add_decision_counts(slice).await,
                Err(error) => Err(error),
            };
            if let Err(error) = written {
                self.writer.failed(&error);
                keep_for_next_try(&self.pending, &tallies[done * COUNTS_PER_SLICE..]);
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
