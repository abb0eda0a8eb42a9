//! Writes the decisions the recorder counts in memory, at least once a second.
//!
//! On a SQLite store in a file, each second's counts are appended to the counts log (a plain
//! file: only their bytes are written) and kept in memory, where pages read them with the
//! table; every `fold_at_keys` keys, or every `FOLD_AT_LEAST_EVERY`, they are folded into the
//! table in one sorted transaction, beside the per-second appends. Elsewhere (PostgreSQL, whose
//! instances cannot see each other's memory) each second's counts are added to the table
//! directly.

use crate::server::decision_recorder::{FLUSH_EVERY, OwnConnection, Pending, Tallies, lock, tallied};
use crate::server::storage::activity_writer::Record;
use crate::server::storage::count_log::{CountLog, CountedHour, remove_through};
use crate::server::storage::recent_counts::{ByUser, RecentCounts, sort_for_fold, sorted_by_key};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Folded at least this often, so a quiet store's log stays short.
const FOLD_AT_LEAST_EVERY: Duration = Duration::from_secs(15 * 60);

/// Counts added to the table per transaction where they go there directly, and the pause after
/// each: a second's worth is written in slices over part of the next second, not in one burst.
const COUNTS_PER_SLICE: usize = 2_000;
const PAUSE_BETWEEN_SLICES: Duration = Duration::from_millis(3);

pub(crate) struct CountTask {
    pub(crate) writer: OwnConnection,
    pub(crate) pending: Arc<Mutex<Pending>>,
    /// The list checks appended to the second before last, emptied but with its memory kept:
    /// swapped in for the next second, so checks never write into freshly mapped pages (new
    /// memory for tens of thousands of decisions every second cost every check page faults).
    pub(crate) spare: Pending,
    /// Where a second's decisions are added up, its memory kept from second to second.
    pub(crate) tallies: Tallies,
    /// Counts a write failed to take, added to the next second's.
    pub(crate) unwritten: Vec<CountedHour>,
    /// Keys held in memory before they are folded into the table (`--fold-at-keys`, 500,000 by
    /// default: about 50 MB). Under the load benchmark (tens of thousands of new keys a second)
    /// that is a fold every ten seconds or so.
    pub(crate) fold_at_keys: usize,
}

/// Where counts go, decided once the writer's connection is open.
enum Sink {
    Table,
    Log(LoggedCounts),
}

struct LoggedCounts {
    /// `None` only while an append runs on a blocking thread.
    log: Option<CountLog>,
    recent: Arc<RecentCounts>,
    last_fold: Instant,
    /// The fold under way, if any. It runs beside the count task, with the writer's connection,
    /// so each second's counts still reach the log while it works: under load a fold takes
    /// seconds, and a crash must not lose more than the last second of counts. It hands the
    /// connection back, and whether it folded.
    folding: Option<JoinHandle<(OwnConnection, bool)>>,
}

impl CountTask {
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut ticks = tokio::time::interval(FLUSH_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut sink = None;
        loop {
            tokio::select! {
                biased;
                // The only change ever sent is "stop" (and a dropped sender means the same).
                _ = stop.changed() => break,
                _ = ticks.tick() => self.write(&mut sink, false).await,
            }
        }
        // A clean stop leaves every count in the table.
        self.write(&mut sink, true).await;
    }

    async fn write(&mut self, sink: &mut Option<Sink>, fold_all: bool) {
        {
            let mut pending = lock(&self.pending);
            std::mem::swap(&mut *pending, &mut self.spare);
        }
        if sink.is_none() {
            match self.open_sink().await {
                Some(opened) => *sink = Some(opened),
                None => return self.keep_for_next_try(),
            }
        }
        match sink {
            Some(Sink::Log(logged)) => self.log_and_fold(logged, fold_all).await,
            _ => self.add_to_table().await,
        }
    }

    /// Whether last second's decisions, or counts a write failed to take, wait to be written.
    fn anything_to_write(&self) -> bool {
        !self.spare.is_empty() || !self.unwritten.is_empty()
    }

    /// Adds up last second's decisions on a blocking thread, runs `work` on the counts there,
    /// and takes the emptied memory back. Under load a second holds tens of thousands of
    /// decisions: adding them up, writing and indexing them takes milliseconds, which on a thread
    /// that serves checks held up every check queued behind it (measured with one worker: the
    /// check's p99 went from 7-8 ms to 3-4 ms once this moved off it).
    async fn off_the_serving_threads<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(Vec<CountedHour>) -> T + Send + 'static,
    ) -> Option<T> {
        let mut decisions = std::mem::take(&mut self.spare);
        let mut tallies = std::mem::take(&mut self.tallies);
        let unwritten = std::mem::take(&mut self.unwritten);
        let (decisions, tallies, result) = tokio::task::spawn_blocking(move || {
            let result = work(tallied(&mut decisions, unwritten, &mut tallies));
            (decisions, tallies, result)
        })
        .await
        .ok()?;
        self.spare = decisions;
        self.tallies = tallies;
        Some(result)
    }

    /// Keeps last second's decisions, added up, for the next write.
    fn keep_for_next_try(&mut self) {
        let unwritten = std::mem::take(&mut self.unwritten);
        self.unwritten = tallied(&mut self.spare, unwritten, &mut self.tallies);
    }

    async fn open_sink(&mut self) -> Option<Sink> {
        let store = self.writer.store().clone();
        let connection = match self.writer.get().await {
            Ok(connection) => connection,
            Err(error) => {
                self.writer.failed(&error);
                return None;
            }
        };
        match store.open_count_log(connection).await {
            Ok(Some((log, recent))) => Some(Sink::Log(LoggedCounts {
                log: Some(log),
                recent,
                last_fold: Instant::now(),
                folding: None,
            })),
            Ok(None) => Some(Sink::Table),
            Err(error) => {
                self.writer.failed(&error);
                None
            }
        }
    }

    async fn log_and_fold(&mut self, logged: &mut LoggedCounts, fold_all: bool) {
        if self.anything_to_write() {
            let Some(mut log) = logged.log.take() else {
                return self.keep_for_next_try();
            };
            let recent = logged.recent.clone();
            let appended = self
                .off_the_serving_threads(move |counts| {
                    let appended = log.append(&counts);
                    // Shown on pages only once they are in the log; kept for the next try if not.
                    let unwritten = match appended {
                        Ok(()) => {
                            recent.add(&counts);
                            None
                        }
                        Err(error) => Some((error, counts)),
                    };
                    (log, unwritten)
                })
                .await;
            let Some((log, unwritten)) = appended else {
                tracing::error!("Appending to the decision counts log failed; this second's counts are lost");
                return;
            };
            logged.log = Some(log);
            if let Some((error, counts)) = unwritten {
                tracing::error!(%error, "Failed to append to the decision counts log; trying again in a second");
                self.unwritten = counts;
                return;
            }
        }
        if let Some(running) = &logged.folding {
            // At a stop the fold under way finishes first; otherwise it is left to work.
            if !fold_all && !running.is_finished() {
                return;
            }
            self.fold_ended(logged).await;
        }
        let keys = logged.recent.current_keys();
        let due =
            keys >= self.fold_at_keys || (keys > 0 && (fold_all || logged.last_fold.elapsed() >= FOLD_AT_LEAST_EVERY));
        if due {
            self.start_fold(logged);
            if fold_all {
                self.fold_ended(logged).await;
            }
        }
    }

    /// Starts adding what is in memory to the table, with the log generations it came from.
    fn start_fold(&mut self, logged: &mut LoggedCounts) {
        let Some(log) = logged.log.as_mut() else {
            return;
        };
        let through = match log.rotate() {
            Ok(through) => through,
            Err(error) => {
                tracing::error!(%error, "Failed to start a new decision counts log; folding later");
                return;
            }
        };
        let stem = log.stem().to_path_buf();
        // Frozen now, before the next second's counts arrive: they belong to the next fold,
        // as they are in the next generation of the log.
        let frozen = logged.recent.freeze();
        // The log sink writes nothing else to the table: the fold takes the connection.
        let idle = OwnConnection::new(self.writer.store().clone(), Record::Counts);
        let writer = std::mem::replace(&mut self.writer, idle);
        let recent = logged.recent.clone();
        logged.folding = Some(tokio::spawn(fold(writer, recent, frozen, through, stem)));
    }

    /// Waits for the fold under way and takes its connection back.
    async fn fold_ended(&mut self, logged: &mut LoggedCounts) {
        let Some(running) = logged.folding.take() else {
            return;
        };
        match running.await {
            Ok((writer, folded)) => {
                self.writer = writer;
                if folded {
                    logged.last_fold = Instant::now();
                }
            }
            Err(error) => tracing::error!(%error, "Folding the decision counts stopped; folding later"),
        }
    }

    /// Adds the counts to the table, sorted by key (so each page is written about once a
    /// second), in paced slices; what fails is kept for the next try.
    async fn add_to_table(&mut self) {
        if !self.anything_to_write() {
            return;
        }
        let sorted = self
            .off_the_serving_threads(|mut counts| {
                sort_for_fold(&mut counts);
                counts
            })
            .await;
        let Some(counts) = sorted else {
            tracing::error!("Sorting the decision counts failed; this second's counts are lost");
            return;
        };
        for (done, slice) in counts.chunks(COUNTS_PER_SLICE).enumerate() {
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
                self.unwritten = counts[done * COUNTS_PER_SLICE..].to_vec();
                return;
            }
        }
    }
}

/// Adds the frozen counts to the table and forgets them, with the log generations they came
/// from; on failure they stay in memory and in the log, and are folded again next time.
async fn fold(
    mut writer: OwnConnection,
    recent: Arc<RecentCounts>,
    frozen: Arc<ByUser>,
    through: u64,
    stem: PathBuf,
) -> (OwnConnection, bool) {
    let Ok(sorted) = tokio::task::spawn_blocking(move || sorted_by_key(&frozen)).await else {
        tracing::error!("Sorting the decision counts to fold failed; folding later");
        return (writer, false);
    };
    let folded = match writer.get().await {
        Ok(connection) => connection.fold_counts(&sorted, through, &recent).await,
        Err(error) => Err(error),
    };
    if let Err(error) = folded {
        writer.failed(&error);
        return (writer, false);
    }
    tracing::debug!(keys = sorted.len(), through, "Folded decision counts into the table");
    if let Err(error) = remove_through(&stem, through) {
        // Harmless: folded generations are never read again.
        tracing::warn!(%error, "Failed to remove folded decision counts logs");
    }
    (writer, true)
}
