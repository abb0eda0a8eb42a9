//! Refused attempts of a SQLite store in a file, written by the very request that was refused.
//!
//! A partner hears "deny" for something the user took back only once that attempt is on record.
//! Committing it to the consent store means a trip to SQLite's own thread, and on two busy
//! cores that thread's turn was most of the slowest checks' wait. Appending a line to a plain
//! file is one write from the request's own thread: once it returns, the attempt is in the
//! operating system's hands, and a crash of the app loses nothing.
//!
//! The log is synced to the disk every `SYNC_EVERY`, not on each write: a power cut can lose the
//! attempts of the last `SYNC_EVERY`. Every `MOVE_AT_ATTEMPTS` attempts or `MOVE_AT_LEAST_EVERY`
//! (and before any page reads refused attempts) the logged attempts are moved into the
//! `refused_attempts` table in one transaction, synced to the disk, that also records the newest
//! log generation moved (`refusal_log_moved`): so a crash between that commit and the removal of
//! the files moves nothing twice, and the next start moves what is left.
//!
//! Why moves wait for many attempts: each attempt is a new entry at a random user in the table's
//! index by user, so a move of a few hundred dirtied a page of its own for nearly every one
//! (about 4 KB to the WAL and again at the checkpoint per refused check: SQLite's thread took
//! about 14 µs per attempt, a tenth of a core under the load benchmark). A move of tens of
//! thousands, in key order, shares each page among several.

use super::activity::{AccessKey, RefusedAttempt};
use super::activity_writer::{ActivityWriter, insert_attempts};
use super::count_log::{next_generation, open_generation, records_after, remove_through};
use super::error::{StoreResult, io_error};
use super::{Engine, Store};
use crate::domain::access::Access;
use sqlx::{AnyConnection, Connection};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How often the log is synced to the disk: the most a power cut can lose.
pub const SYNC_EVERY: Duration = Duration::from_millis(50);

/// Logged attempts that make a move due.
pub const MOVE_AT_ATTEMPTS: usize = 100_000;

/// How long logged attempts wait for a move at most.
pub const MOVE_AT_LEAST_EVERY: Duration = Duration::from_secs(30);

pub struct RefusalLog {
    /// `<store>.refusals.log`; generation `n` is that with `.n` after it.
    stem: PathBuf,
    open: Mutex<OpenGeneration>,
    /// One move at a time, so no attempt is inserted twice.
    moving: tokio::sync::Mutex<()>,
}

struct OpenGeneration {
    generation: u64,
    file: File,
    /// What this and any older generation still hold: not in the table yet.
    unmoved: Vec<RefusedAttempt>,
    /// Whether this generation was written since it was last synced.
    unsynced: bool,
}

/// The log's name beside the store file `consent.db`: `consent.refusals.log`.
pub fn refusal_log_stem(store_file: &Path) -> PathBuf {
    store_file.with_extension("refusals.log")
}

impl RefusalLog {
    fn open(stem: PathBuf, after: u64) -> std::io::Result<Self> {
        let generation = next_generation(&stem, after)?;
        let file = open_generation(&stem, generation)?;
        Ok(RefusalLog {
            stem,
            open: Mutex::new(OpenGeneration {
                generation,
                file,
                unmoved: Vec::new(),
                unsynced: false,
            }),
            moving: tokio::sync::Mutex::new(()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, OpenGeneration> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts refused attempts on record: in the operating system's hands when this returns.
    pub fn append(&self, attempts: &[RefusedAttempt]) -> std::io::Result<()> {
        let mut text = String::with_capacity(attempts.len() * 64);
        for attempt in attempts {
            write_line(&mut text, attempt);
        }
        let mut open = self.lock();
        open.file.write_all(text.as_bytes())?;
        open.unmoved.extend_from_slice(attempts);
        open.unsynced = true;
        Ok(())
    }

    /// The current generation's file, to sync, if it was written since the last time this
    /// handed it out. The sync itself is the caller's, without the lock: checks append meanwhile.
    pub fn to_sync(&self) -> std::io::Result<Option<File>> {
        let mut open = self.lock();
        if !open.unsynced {
            return Ok(None);
        }
        let file = open.file.try_clone()?;
        open.unsynced = false;
        Ok(Some(file))
    }

    /// Attempts logged and not yet in the table.
    pub fn unmoved(&self) -> usize {
        self.lock().unmoved.len()
    }

    /// Ends the current generation and hands over what is not in the table yet, with the newest
    /// generation that holds it; `None` when there is nothing to move.
    fn take(&self) -> std::io::Result<Option<(u64, Vec<RefusedAttempt>)>> {
        let mut open = self.lock();
        if open.unmoved.is_empty() {
            return Ok(None);
        }
        let next = open_generation(&self.stem, open.generation + 1)?;
        open.file = next;
        open.generation += 1;
        Ok(Some((open.generation - 1, std::mem::take(&mut open.unmoved))))
    }

    /// A move failed: its attempts stay in memory (and in their files) for the next one.
    fn put_back(&self, mut attempts: Vec<RefusedAttempt>) {
        let mut open = self.lock();
        attempts.append(&mut open.unmoved);
        open.unmoved = attempts;
    }
}

impl Store {
    /// Opens the refused-attempt log of a SQLite store in a file, after moving into the table
    /// whatever an earlier run logged and never moved (it crashed, or was killed). Elsewhere
    /// (PostgreSQL, whose several instances could not see each other's files, and SQLite in
    /// memory) refused attempts are committed to the table directly. Call once, before serving.
    pub async fn open_refusal_log(&self) -> StoreResult<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        if self.refusal_log.get().is_some() {
            return Ok(());
        }
        let stem = refusal_log_stem(file);
        let (moved,): (i64,) = sqlx::query_as("SELECT through_generation FROM refusal_log_moved")
            .fetch_one(&self.pool)
            .await?;
        let moved = u64::try_from(moved).unwrap_or_default();
        let (left, newest) = records_after(&stem, moved, parse_line).await.map_err(io_error)?;
        if newest > moved {
            insert_moved(&mut *self.pool.acquire().await?, &left, newest).await?;
            tracing::info!("Moved {} refused attempts logged by an earlier run", left.len());
        }
        remove_through(&stem, newest).map_err(io_error)?;
        let log = RefusalLog::open(stem, newest).map_err(io_error)?;
        let _ = self.refusal_log.set(Arc::new(log));
        Ok(())
    }

    /// The refused-attempt log, if this store has one (see `open_refusal_log`).
    pub fn refusal_log(&self) -> Option<&Arc<RefusalLog>> {
        self.refusal_log.get()
    }

    /// Moves every logged refused attempt into the table. Pages call it before they read
    /// refused attempts, so they see every one a partner has been answered about.
    pub async fn move_logged_refusals(&self) -> StoreResult<()> {
        self.move_refusals_on(None).await
    }

    /// The same, on the recorder's own connection (see `activity_writer`): it does all the
    /// periodic moves, so its page cache keeps the table's and index's pages between them.
    pub async fn move_logged_refusals_with(&self, writer: &mut ActivityWriter) -> StoreResult<()> {
        self.move_refusals_on(Some(writer.connection())).await
    }

    async fn move_refusals_on(&self, connection: Option<&mut AnyConnection>) -> StoreResult<()> {
        let Some(log) = self.refusal_log.get() else {
            return Ok(());
        };
        let _one_at_a_time = log.moving.lock().await;
        let Some((through, mut attempts)) = log.take().map_err(io_error)? else {
            return Ok(());
        };
        // The new generation's name must outlive a power cut too, before its attempts are
        // only there; the rest of this move is synced by its commit.
        let folder = log.stem.clone();
        if let Err(error) = tokio::task::spawn_blocking(move || sync_folder(&folder))
            .await
            .unwrap_or_else(|panicked| Err(std::io::Error::other(panicked)))
        {
            tracing::warn!(%error, "Failed to sync the refused-attempt log's folder");
        }
        // In the index's order, so that neighbouring inserts share its pages (stable: attempts of
        // one user at one moment keep the order they were logged in).
        attempts.sort_by_key(|attempt| (attempt.key.user_id, attempt.at));
        let started = std::time::Instant::now();
        let moved = match connection {
            Some(connection) => insert_moved(connection, &attempts, through).await,
            None => match self.pool.acquire().await {
                Ok(mut pooled) => insert_moved(&mut pooled, &attempts, through).await,
                Err(error) => Err(error.into()),
            },
        };
        if let Err(error) = moved {
            log.put_back(attempts);
            return Err(error);
        }
        tracing::debug!(
            attempts = attempts.len(),
            elapsed_ms = started.elapsed().as_millis(),
            "Moved logged refused attempts into the table"
        );
        if let Err(error) = remove_through(&log.stem, through) {
            // Harmless: the marker says they are moved, so they are never read again.
            tracing::warn!(%error, "Failed to remove moved refused-attempt log files");
        }
        Ok(())
    }
}

/// Syncs the folder holding the log's generations, so that a new generation's name is on the
/// disk.
fn sync_folder(stem: &Path) -> std::io::Result<()> {
    match stem.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => File::open(folder)?.sync_all(),
        _ => File::open(".")?.sync_all(),
    }
}

/// Inserts attempts and raises the moved-through marker, in one transaction (synchronous=FULL:
/// on the disk when it returns).
async fn insert_moved(connection: &mut AnyConnection, attempts: &[RefusedAttempt], through: u64) -> StoreResult<()> {
    let mut tx = connection.begin_with("BEGIN IMMEDIATE").await?;
    insert_attempts(&mut tx, Engine::Sqlite, attempts).await?;
    sqlx::query("UPDATE refusal_log_moved SET through_generation = $1")
        .bind(i64::try_from(through).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `user partner category access reason ended-at at`, one line per attempt.
fn write_line(text: &mut String, attempt: &RefusedAttempt) {
    use std::fmt::Write as _;
    let key = &attempt.key;
    let _ = writeln!(
        text,
        "{} {} {} {} {} {} {}",
        key.user_id,
        key.partner_id,
        key.category_id,
        key.access.as_str(),
        attempt.reason,
        attempt.ended_at,
        attempt.at
    );
}

fn parse_line(line: &str) -> Option<RefusedAttempt> {
    let mut fields = line.split(' ');
    let mut number = || fields.next()?.parse::<i64>().ok();
    let (user_id, partner_id, category_id) = (number()?, number()?, number()?);
    let access = Access::parse(fields.next()?).ok()?;
    let reason = match fields.next()? {
        "withdrawn" => "withdrawn",
        "revoked" => "revoked",
        "expired" => "expired",
        _ => return None,
    };
    let mut number = || fields.next()?.parse::<i64>().ok();
    let (ended_at, at) = (number()?, number()?);
    if fields.next().is_some() {
        return None;
    }
    Some(RefusedAttempt {
        key: AccessKey {
            user_id,
            partner_id,
            category_id,
            access,
        },
        reason,
        ended_at,
        at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::storage::count_log::{generations, read_records};

    fn attempt(user_id: i64, reason: &'static str, at: i64) -> RefusedAttempt {
        let key = AccessKey {
            user_id,
            partner_id: 2,
            category_id: 3,
            access: Access::Delete,
        };
        RefusedAttempt {
            key,
            reason,
            ended_at: 1_000,
            at,
        }
    }

    /// An empty folder of this test's own under the system's temporary folder.
    fn fresh_folder(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        folder
    }

    #[test]
    fn attempts_come_back_as_written_and_a_torn_line_is_skipped() {
        let folder = fresh_folder("wcs-refusal-log");
        let stem = refusal_log_stem(&folder.join("consent.db"));
        let log = RefusalLog::open(stem.clone(), 0).unwrap();
        let written = vec![attempt(1, "withdrawn", 5_000), attempt(2, "expired", 6_000)];
        log.append(&written).unwrap();
        // A crash in the middle of a write leaves part of a line.
        log.lock().file.write_all(b"3 2 3 delete revo").unwrap();
        let (through, taken) = log.take().unwrap().expect("something to move");
        assert_eq!((through, taken.clone()), (1, written.clone()));
        assert_eq!(read_records(&stem, 1, parse_line).unwrap(), written);
        // Nothing new: nothing to move, and no new generation.
        assert!(log.take().unwrap().is_none());
        assert_eq!(generations(&stem).unwrap(), vec![1, 2]);
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn the_log_is_handed_out_to_sync_once_per_write() {
        let folder = fresh_folder("wcs-refusal-sync");
        let log = RefusalLog::open(refusal_log_stem(&folder.join("consent.db")), 0).unwrap();
        assert!(log.to_sync().unwrap().is_none(), "nothing written, nothing to sync");
        log.append(&[attempt(1, "revoked", 1), attempt(2, "revoked", 2)])
            .unwrap();
        let file = log.to_sync().unwrap().expect("written since the last sync");
        file.sync_data().unwrap();
        assert!(log.to_sync().unwrap().is_none(), "synced already");
        assert_eq!(log.unmoved(), 2);
        log.append(&[attempt(3, "expired", 3)]).unwrap();
        assert!(log.to_sync().unwrap().is_some());
        assert_eq!(log.unmoved(), 3);
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn a_failed_move_keeps_its_attempts_before_newer_ones() {
        let folder = fresh_folder("wcs-refusal-put-back");
        let log = RefusalLog::open(refusal_log_stem(&folder.join("consent.db")), 0).unwrap();
        log.append(&[attempt(1, "revoked", 1)]).unwrap();
        let (_, taken) = log.take().unwrap().unwrap();
        log.append(&[attempt(2, "revoked", 2)]).unwrap();
        log.put_back(taken);
        let (through, all) = log.take().unwrap().unwrap();
        assert_eq!(through, 2);
        assert_eq!(all, vec![attempt(1, "revoked", 1), attempt(2, "revoked", 2)]);
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
