//! The connections the decision recorder writes through, one per kind of record, each used by
//! one task only. On SQLite the two kinds live in different files, so each has its own write
//! lock: writing a second's worth of counts never delays a refused attempt, and neither queues
//! behind the other in the busy handler (which sleeps for milliseconds at a time).

use super::activity::{AccessKey, HourTally, RefusedAttempt};
use super::error::StoreResult;
use super::sql_lists::insert_rows;
use super::{Engine, Store};
use sqlx::{Any, AnyConnection, Connection, Executor, Transaction};

/// The writer's own page cache on SQLite (negative: KiB): the counts it upserts are spread
/// over the whole table, and SQLite's default of 2 MB sends most of them to the kernel.
const SQLITE_WRITER_SETTINGS: &str = "PRAGMA cache_size = -131072; PRAGMA mmap_size = 1073741824;";

/// What a writer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// Refused attempts, in the consent store, each committed before its partner is answered.
    RefusedAttempts,
    /// Hourly decision counts, in their own file on SQLite.
    Counts,
}

pub struct ActivityWriter {
    connection: AnyConnection,
    engine: Engine,
}

impl Store {
    /// A connection of the recorder's own for one kind of record, taken out of its pool for good.
    pub async fn activity_writer(&self, record: Record) -> StoreResult<ActivityWriter> {
        let pool = match record {
            Record::RefusedAttempts => &self.pool,
            Record::Counts => &self.counts_pool,
        };
        let mut connection = pool.acquire().await?.detach();
        if self.engine() == Engine::Sqlite && record == Record::Counts {
            connection.execute(SQLITE_WRITER_SETTINGS).await?;
        }
        Ok(ActivityWriter {
            connection,
            engine: self.engine(),
        })
    }
}

impl ActivityWriter {
    /// On SQLite the write lock is taken at BEGIN, so a transaction never fails half-way when
    /// its first write finds another writer.
    async fn begin(&mut self) -> StoreResult<Transaction<'_, Any>> {
        Ok(match self.engine {
            Engine::Sqlite => self.connection.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.connection.begin().await?,
        })
    }

    /// Writes refused attempts in one transaction, committed before this returns.
    pub async fn insert_refused_attempts(&mut self, attempts: &[RefusedAttempt]) -> StoreResult<()> {
        let engine = self.engine;
        let mut tx = self.begin().await?;
        let head = "INSERT INTO refused_attempts (user_id, partner_id, category_id, access, reason, ended_at, at)";
        insert_rows(&mut tx, engine, head, "", 7, attempts, |query, attempt| {
            query
                .bind(attempt.key.user_id)
                .bind(attempt.key.partner_id)
                .bind(attempt.key.category_id)
                .bind(attempt.key.access.as_str())
                .bind(attempt.reason)
                .bind(attempt.ended_at)
                .bind(attempt.at)
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds counted decisions to their hours, in one transaction of multi-row upserts (the
    /// keys of one flush are distinct, as PostgreSQL requires of one statement). Sorted by key,
    /// neighbouring rows share pages.
    pub async fn add_decision_counts(&mut self, tallies: &[(AccessKey, i64, HourTally)]) -> StoreResult<()> {
        let engine = self.engine;
        let mut tx = self.begin().await?;
        let head = "INSERT INTO decision_counts \
                    (user_id, partner_id, category_id, access, hour_start, allowed, denied, last_allowed_at)";
        let add_to_existing = "ON CONFLICT (user_id, partner_id, category_id, access, hour_start) DO UPDATE SET \
             allowed = decision_counts.allowed + excluded.allowed, \
             denied = decision_counts.denied + excluded.denied, \
             last_allowed_at = CASE WHEN decision_counts.last_allowed_at IS NULL \
             OR excluded.last_allowed_at > decision_counts.last_allowed_at \
             THEN excluded.last_allowed_at ELSE decision_counts.last_allowed_at END";
        insert_rows(
            &mut tx,
            engine,
            head,
            add_to_existing,
            8,
            tallies,
            |query, (key, hour_start, tally)| {
                query
                    .bind(key.user_id)
                    .bind(key.partner_id)
                    .bind(key.category_id)
                    .bind(key.access.as_str())
                    .bind(*hour_start)
                    .bind(tally.allowed)
                    .bind(tally.denied)
                    .bind(tally.last_allowed_at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
