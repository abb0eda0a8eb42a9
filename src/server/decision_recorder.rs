//! Records every check decision without slowing the check down.
//!
//! Losses a crash can cause, by design: allowed decisions (and denials of what was never
//! granted) are counted in memory and written at least once a second (see `count_task`), so a
//! crash loses at most the last second of those counts. A denial of something the user took
//! back, or that ran out, is on record before the partner gets its answer: a crash of the app
//! loses none of those. On a SQLite store in a file the request appends it to the store's
//! refused-attempt log itself (see `storage::refusal_log`), synced to the disk every
//! `SYNC_EVERY` (only a power cut could lose the last such moment) and moved into the table in
//! large batches; elsewhere it is group-committed to the table by a writer task of its own.
//!
//! The counts are written by another task on a connection of its own. On SQLite the counts live
//! in a file of their own, so writing them never holds up a refused attempt.

use crate::domain::activity::hour_start_of;
use crate::domain::decision::{Decision, DenyReason};
use crate::server::background_thread::BackgroundThread;
use crate::server::count_task::CountTask;
use crate::server::error::log_store_error;
use crate::server::storage::Store;
use crate::server::storage::activity::{AccessKey, HourTally, RefusedAttempt};
use crate::server::storage::activity_writer::{ActivityWriter, Record};
use crate::server::storage::count_log::CountedHour;
use crate::server::storage::error::{StoreError, StoreResult};
use crate::server::storage::recent_counts::sum_same_keys;
use crate::server::storage::refusal_log::{MOVE_AT_ATTEMPTS, MOVE_AT_LEAST_EVERY, RefusalLog, SYNC_EVERY};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// How often counted decisions are written: the most a crash can lose.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Most refused attempts committed together.
const MOST_PER_COMMIT: usize = 1_000;

/// A decision to count: allowed, or a denial of what was never granted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counted {
    key: AccessKey,
    at: i64,
    allowed: bool,
}

/// Decisions counted since the count task last took them, in the order made. A check only
/// appends here (memory it writes in sequence); adding them up per key and hour, a table lookup
/// in cold memory per decision, is the count task's work, on a thread that serves no checks.
pub(crate) type Pending = Vec<Counted>;

/// Adds up `decisions` and `unwritten` (counts a write failed to take) into `counts`: one per
/// key and hour, sorted by key and hour (the order of the counts table and of `RecentCounts`).
/// `decisions` is emptied; it and `counts` keep their memory for the next second. Sorted in
/// place rather than added up in a hash table: the same work, and no table of its own to hold.
pub(crate) fn tallied(decisions: &mut Pending, unwritten: Vec<CountedHour>, counts: &mut Vec<CountedHour>) {
    counts.clear();
    decisions.sort_unstable_by_key(|counted| (counted.key, counted.at));
    for Counted { key, at, allowed } in decisions.drain(..) {
        let hour = hour_start_of(at);
        let tally = match counts.last_mut() {
            Some((last_key, last_hour, tally)) if *last_key == key && *last_hour == hour => tally,
            _ => {
                counts.push((key, hour, HourTally::default()));
                &mut counts.last_mut().expect("pushed just now").2
            }
        };
        if allowed {
            tally.allowed += 1;
            // Sorted by time within a key: the last is the latest.
            tally.last_allowed_at = Some(at);
        } else {
            tally.denied += 1;
        }
    }
    if !unwritten.is_empty() {
        counts.extend(unwritten);
        sum_same_keys(counts);
    }
}

pub struct DecisionRecorder {
    pending: Arc<Mutex<Pending>>,
    /// `None` when recording is off.
    writer: Option<Writer>,
}

struct Writer {
    refusals: RefusalSink,
    /// Set to true once, to stop both writers.
    stop: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

/// Where refused attempts go before their partner is answered.
enum RefusalSink {
    /// Group-committed to the table by `RefusalTask`, which says when.
    Table(mpsc::UnboundedSender<WaitingRefusals>),
    /// Appended to the store's log by the request itself; moved to the table by `move_refusals`.
    Log(Arc<RefusalLog>),
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

pub(crate) fn lock(pending: &Mutex<Pending>) -> std::sync::MutexGuard<'_, Pending> {
    pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl DecisionRecorder {
    /// `enabled: false` records nothing; the load benchmark uses it to measure what recording
    /// costs. `fold_at_keys`: see `count_task`. Must be called inside the Tokio runtime: it
    /// starts the writer tasks.
    pub fn new(store: Store, enabled: bool, fold_at_keys: usize) -> Self {
        let pending = Arc::new(Mutex::new(Pending::new()));
        let writer = enabled.then(|| {
            let (stop, stopped) = watch::channel(false);
            let (refusals, refusal_task) = match store.refusal_log() {
                Some(log) => (
                    RefusalSink::Log(log.clone()),
                    tokio::spawn(move_refusals(store.clone(), log.clone(), stopped.clone())),
                ),
                None => {
                    let (refusals, queue) = mpsc::unbounded_channel();
                    let refusal_task = RefusalTask {
                        writer: OwnConnection::new(store.clone(), Record::RefusedAttempts),
                        queue,
                    };
                    (
                        RefusalSink::Table(refusals),
                        tokio::spawn(refusal_task.run(stopped.clone())),
                    )
                }
            };
            let count_task = CountTask {
                writer: OwnConnection::new(store, Record::Counts),
                pending: pending.clone(),
                spare: Pending::new(),
                counts: Vec::new(),
                unwritten: Vec::new(),
                fold_at_keys,
                background: BackgroundThread::start("wcs-counts"),
            };
            Writer {
                refusals,
                tasks: Mutex::new(vec![refusal_task, tokio::spawn(count_task.run(stopped))]),
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
            // Not on record means not answered: the caller reports the store as unavailable.
            match &writer.refusals {
                RefusalSink::Log(log) => log.append(&attempts).map_err(|error| {
                    tracing::error!(%error, "Failed to append to the refused-attempt log");
                    StoreError::Unavailable(sqlx::Error::Io(error))
                })?,
                RefusalSink::Table(queue) => {
                    let (committed, answer) = oneshot::channel();
                    let queued = queue.send(WaitingRefusals { attempts, committed }).is_ok();
                    if !queued || !answer.await.unwrap_or(false) {
                        return Err(StoreError::Unavailable(sqlx::Error::PoolClosed));
                    }
                }
            }
        }
        let mut pending = lock(&self.pending);
        for (key, decision) in decisions.iter().filter(|(_, d)| refused(d).is_none()) {
            pending.push(Counted {
                key: *key,
                at,
                allowed: *decision == Decision::Allow,
            });
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
pub(crate) struct OwnConnection {
    store: Store,
    record: Record,
    open: Option<ActivityWriter>,
}

impl OwnConnection {
    pub fn new(store: Store, record: Record) -> Self {
        OwnConnection {
            store,
            record,
            open: None,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub async fn get(&mut self) -> StoreResult<&mut ActivityWriter> {
        if self.open.is_none() {
            self.open = Some(self.store.activity_writer(self.record).await?);
        }
        Ok(self.open.as_mut().expect("opened just now"))
    }

    /// Forgets a connection that failed, so the next write opens a fresh one.
    pub fn failed(&mut self, error: &StoreError) {
        log_store_error(error);
        self.open = None;
    }
}

/// Syncs the refused-attempt log every `SYNC_EVERY` and moves its attempts into the table when
/// `MOVE_AT_ATTEMPTS` are waiting or `MOVE_AT_LEAST_EVERY` has passed, and once more at stop, on
/// a connection of its own.
async fn move_refusals(store: Store, log: Arc<RefusalLog>, mut stop: watch::Receiver<bool>) {
    let mut writer = OwnConnection::new(store.clone(), Record::RefusedAttempts);
    let mut ticks = tokio::time::interval(SYNC_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_move = Instant::now();
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            _ = ticks.tick() => {
                sync_log(&log).await;
                if log.unmoved() >= MOVE_AT_ATTEMPTS || last_move.elapsed() >= MOVE_AT_LEAST_EVERY {
                    move_once(&store, &mut writer).await;
                    last_move = Instant::now();
                }
            }
        }
    }
    move_once(&store, &mut writer).await;
}

/// Syncs what the log's current generation was given since the last sync, on a blocking thread.
async fn sync_log(log: &RefusalLog) {
    let synced = match log.to_sync() {
        Ok(None) => return,
        Ok(Some(file)) => tokio::task::spawn_blocking(move || file.sync_data())
            .await
            .unwrap_or_else(|panicked| Err(std::io::Error::other(panicked))),
        Err(error) => Err(error),
    };
    if let Err(error) = synced {
        // Still logged, and synced with the table at the next move.
        tracing::error!(%error, "Failed to sync the refused-attempt log");
    }
}

async fn move_once(store: &Store, writer: &mut OwnConnection) {
    let moved = match writer.get().await {
        Ok(connection) => store.move_logged_refusals_with(connection).await,
        Err(error) => Err(error),
    };
    if let Err(error) = moved {
        writer.failed(&error);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Access;
    use crate::domain::activity::HOUR_MS;

    fn key(user_id: i64) -> AccessKey {
        AccessKey {
            user_id,
            partner_id: 2,
            category_id: 3,
            access: Access::Read,
        }
    }

    #[test]
    fn decisions_add_up_per_key_and_hour_with_what_a_write_failed_to_take() {
        let counted = |user_id, at, allowed| Counted {
            key: key(user_id),
            at,
            allowed,
        };
        let mut decisions = vec![
            counted(1, HOUR_MS + 5, true),
            counted(1, HOUR_MS + 9, true),
            counted(1, HOUR_MS + 7, false),
            counted(1, 2 * HOUR_MS, true),
            counted(2, HOUR_MS + 1, false),
        ];
        let unwritten = vec![(
            key(1),
            HOUR_MS,
            HourTally {
                allowed: 10,
                denied: 1,
                last_allowed_at: Some(HOUR_MS + 20),
            },
        )];
        let mut counts = vec![(key(9), 0, HourTally::default())];
        tallied(&mut decisions, unwritten, &mut counts);
        let tally = |allowed, denied, last_allowed_at| HourTally {
            allowed,
            denied,
            last_allowed_at,
        };
        assert_eq!(
            counts,
            vec![
                (key(1), HOUR_MS, tally(12, 2, Some(HOUR_MS + 20))),
                (key(1), 2 * HOUR_MS, tally(1, 0, Some(2 * HOUR_MS))),
                (key(2), HOUR_MS, tally(0, 1, None)),
            ]
        );
        assert!(decisions.is_empty(), "emptied for the next second");
    }
}
