//! Writes the decisions the recorder counts in memory, at least once a second.
//!
//! On a SQLite store in a file, each second's counts are appended to the counts log (a plain
//! file: only their bytes are written) and kept in memory, where pages read them with the
//! table; every `fold_at_keys` keys, or every `FOLD_AT_LEAST_EVERY`, they are folded into the
//! table in one sorted transaction, beside the per-second appends. Elsewhere (PostgreSQL, whose
//! instances cannot see each other's memory) each second's counts are added to the table
//! directly.

use crate::domain::activity::hour_start_of;
use crate::server::background_thread::{BackgroundThread, run_on_own_thread};
use crate::server::clock::now_ms;
use crate::server::decision_recorder::{FLUSH_EVERY, OwnConnection, Pending, lock, tallied};
use crate::server::storage::activity_writer::Record;
use crate::server::storage::count_log::{CountLog, CountedHour, remove_through};
use crate::server::storage::recent_counts::{Batches, RecentCounts};
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
    /// A second's decisions added up, its memory kept from second to second.
    pub(crate) counts: Vec<CountedHour>,
    /// Counts a write failed to take, added to the next second's.
    pub(crate) unwritten: Vec<CountedHour>,
    /// Counts held in memory before they are folded into the table (`--fold-at-keys`, 500,000
    /// by default: 36 MB, twice over, and as much again to sort a fold). A key counted in several
    /// seconds is held once for each. Under the load benchmark (tens of thousands of counts a
    /// second) that is a fold every few seconds.
    pub(crate) fold_at_keys: usize,
    /// Where a second's decisions are added up and logged, and a fold's counts sorted.
    pub(crate) background: BackgroundThread,
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
    /// connection back, whether it folded, and the memory it sorted the counts in.
    folding: Option<JoinHandle<(OwnConnection, bool, Vec<CountedHour>)>>,
    /// Where the next fold sorts its counts, the last fold's memory.
    fold_buffer: Vec<CountedHour>,
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

    /// Adds up last second's decisions into `self.counts` on the background thread, runs `work`
    /// on them there, and takes the memory back. Under load a second holds tens of thousands of
    /// decisions: adding them up, writing and indexing them takes milliseconds, which on a thread
    /// that serves checks held up every check queued behind it (measured with one worker: the
    /// check's p99 went from 7-8 ms to 3-4 ms once this moved off it).
    async fn off_the_serving_threads<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&[CountedHour]) -> T + Send + 'static,
    ) -> Option<T> {
        let mut decisions = std::mem::take(&mut self.spare);
        let mut counts = std::mem::take(&mut self.counts);
        let unwritten = std::mem::take(&mut self.unwritten);
        let (decisions, counts, result) = self
            .background
            .run(move || {
                tallied(&mut decisions, unwritten, &mut counts);
                let result = work(&counts);
                (decisions, counts, result)
            })
            .await?;
        self.spare = decisions;
        self.counts = counts;
        Some(result)
    }

    /// Keeps last second's decisions, added up, for the next write.
    fn keep_for_next_try(&mut self) {
        let mut counts = Vec::new();
        tallied(&mut self.spare, std::mem::take(&mut self.unwritten), &mut counts);
        self.unwritten = counts;
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
                fold_buffer: Vec::new(),
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
                    let appended = log.append(counts);
                    // Shown on pages only once they are in the log.
                    if appended.is_ok() {
                        recent.add(counts);
                    }
                    (log, appended)
                })
                .await;
            let Some((log, appended)) = appended else {
                tracing::error!("Appending to the decision counts log failed; this second's counts are lost");
                return;
            };
            logged.log = Some(log);
            if let Err(error) = appended {
                tracing::error!(%error, "Failed to append to the decision counts log; trying again in a second");
                self.unwritten = self.counts.clone();
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
        let held = logged.recent.current_counts();
        let due =
            held >= self.fold_at_keys || (held > 0 && (fold_all || logged.last_fold.elapsed() >= FOLD_AT_LEAST_EVERY));
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
        let frozen = Frozen {
            recent: logged.recent.clone(),
            batches: frozen,
            through,
            stem,
            sorted: std::mem::take(&mut logged.fold_buffer),
        };
        logged.folding = Some(tokio::spawn(fold(writer, frozen, self.background.clone())));
    }

    /// Waits for the fold under way and takes its connection back.
    async fn fold_ended(&mut self, logged: &mut LoggedCounts) {
        let Some(running) = logged.folding.take() else {
            return;
        };
        match running.await {
            Ok((writer, folded, buffer)) => {
                self.writer = writer;
                logged.fold_buffer = buffer;
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
        if self.off_the_serving_threads(|_| ()).await.is_none() {
            tracing::error!("Adding up the decision counts failed; this second's counts are lost");
            return;
        }
        let counts = &self.counts;
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

/// What a fold adds to the table: frozen counts, from the log generations up to `through`.
struct Frozen {
    recent: Arc<RecentCounts>,
    batches: Arc<Batches>,
    through: u64,
    stem: PathBuf,
    /// Where they are summed and sorted (the last fold's memory).
    sorted: Vec<CountedHour>,
}

/// Adds the frozen counts to the table and forgets them, with the log generations they came
/// from; on failure they stay in memory and in the log, and are folded again next time. Hands
/// back the connection, whether it folded, and the memory it sorted in.
async fn fold(
    mut writer: OwnConnection,
    frozen: Frozen,
    background: BackgroundThread,
) -> (OwnConnection, bool, Vec<CountedHour>) {
    let Frozen {
        recent,
        batches,
        through,
        stem,
        mut sorted,
    } = frozen;
    // The batches are let go of once summed, so the commit can lend their memory to the next window.
    let summed = background
        .run(move || {
            batches.summed_into(&mut sorted);
            sorted
        })
        .await;
    let Some(sorted) = summed else {
        tracing::error!("Sorting the decision counts to fold failed; folding later");
        return (writer, false, Vec::new());
    };
    let folded = match writer.get().await {
        Ok(connection) => connection.fold_counts(&sorted, through, &recent).await,
        Err(error) => Err(error),
    };
    if let Err(error) = folded {
        writer.failed(&error);
        return (writer, false, sorted);
    }
    tracing::debug!(keys = sorted.len(), through, "Folded decision counts into the table");
    if let Err(error) = remove_through(&stem, through) {
        // Harmless: folded generations are never read again.
        tracing::warn!(%error, "Failed to remove folded decision counts logs");
    }
    let writer = merge_ended_hours(writer).await;
    (writer, true, sorted)
}

/// Merges the parts of the hours that have ended (see `storage::count_parts`), so pages keep
/// reading one part per hour, and hands the connection back. A failure only leaves more parts to
/// read; the next fold tries again.
///
/// On a thread of its own (`run_on_own_thread`): once an hour under load
/// a merge reads, adds up and writes back an hour of counts (about 10 s of a core for 1.4
/// million per-user rows). On the thread serving checks, even in slices between awaits, that
/// work kept checks waiting: the recorded check's p99 was 5 to 10 ms in windows with a merge
/// (`scripts/bench-merge`). Not on the count task's background thread either: each second's
/// counts would wait behind it, and a crash could then lose more than a second of them.
async fn merge_ended_hours(writer: OwnConnection) -> OwnConnection {
    let store = writer.store().clone();
    let merged = run_on_own_thread("wcs-merge", move || merge_on(writer)).await;
    merged.unwrap_or_else(|| {
        tracing::error!("Merging decision counts failed; merging later");
        OwnConnection::new(store, Record::Counts)
    })
}

async fn merge_on(mut writer: OwnConnection) -> OwnConnection {
    let merged = match writer.get().await {
        Ok(connection) => connection.merge_ended_hours(hour_start_of(now_ms())).await,
        Err(error) => Err(error),
    };
    match merged {
        Ok(0) => {}
        Ok(hours) => tracing::debug!(hours, "Merged the decision counts of ended hours"),
        Err(error) => writer.failed(&error),
    }
    writer
}
