//! The connections the decision recorder writes through, one per kind of record, each used by
//! one task only. On SQLite the two kinds live in different files, so each has its own write
//! lock: writing a second's worth of counts never delays a refused attempt, and neither queues
//! behind the other in the busy handler (which sleeps for milliseconds at a time). (On a SQLite
//! store in a file, refused attempts reach the table through the refused-attempt log instead:
//! see `refusal_log`.)

use super::activity::RefusedAttempt;
use super::count_log::CountedHour;
use super::count_parts::{self, list_parts};
use super::error::StoreResult;
use super::recent_counts::RecentCounts;
use super::sql_lists::{AnyQuery, insert_rows};
use super::sqlite_priority::LOWER_THREAD_PRIORITY;
use super::{Engine, Store};
use sqlx::{Any, AnyConnection, Connection, Executor, Transaction};

/// The writer's own page cache on SQLite (negative: KiB), and pages read through a memory map:
/// the counts it upserts are spread over the whole table, and the refused attempts it inserts
/// over a whole index; with SQLite's default of 2 MB most of those pages came from the kernel,
/// copied at every write (perf: `_copy_to_iter` on top of SQLite's threads).
const SQLITE_WRITER_SETTINGS: &str = "PRAGMA cache_size = -131072; PRAGMA mmap_size = 1073741824;";

/// What a writer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// Refused attempts, in the consent store, each committed before its partner is answered.
    RefusedAttempts,
    /// Hourly decision counts, in their own file on SQLite.
    Counts,
}

/// Refused attempts per statement at most: a batch this size is one statement, committed on its
/// own without BEGIN and COMMIT (two fewer round trips to SQLite's thread).
const MOST_ATTEMPTS_PER_STATEMENT: usize = 2_000;

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
        if self.engine() == Engine::Sqlite {
            connection.execute(SQLITE_WRITER_SETTINGS).await?;
            if record == Record::Counts {
                // Folds and merges are bulk work: they yield to the threads serving checks.
                // (Refused attempts are committed before a partner is answered: not lowered.)
                if let Err(error) = connection.execute(LOWER_THREAD_PRIORITY).await {
                    tracing::warn!(%error, "The counts writer's thread runs at the default priority");
                }
            }
        }
        Ok(ActivityWriter {
            connection,
            engine: self.engine(),
        })
    }
}

fn bind_attempt<'q>(query: AnyQuery<'q>, attempt: &RefusedAttempt) -> AnyQuery<'q> {
    query
        .bind(attempt.key.user_id)
        .bind(attempt.key.partner_id)
        .bind(attempt.key.category_id)
        .bind(attempt.key.access.as_str())
        .bind(attempt.reason)
        .bind(attempt.ended_at)
        .bind(attempt.at)
}

/// Inserts refused attempts, in multi-row statements, on a connection or in a transaction.
pub(super) async fn insert_attempts(
    conn: &mut AnyConnection,
    engine: Engine,
    attempts: &[RefusedAttempt],
) -> Result<(), sqlx::Error> {
    let head = "INSERT INTO refused_attempts (user_id, partner_id, category_id, access, reason, ended_at, at)";
    insert_rows(conn, engine, head, "", 7, attempts, bind_attempt).await
}

impl ActivityWriter {
    /// The writer's connection, for the store's own writes of its kind of record.
    pub(super) fn connection(&mut self) -> &mut AnyConnection {
        &mut self.connection
    }

    /// On SQLite the write lock is taken at BEGIN, so a transaction never fails half-way when
    /// its first write finds another writer.
    async fn begin(&mut self) -> StoreResult<Transaction<'_, Any>> {
        Ok(match self.engine {
            Engine::Sqlite => self.connection.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.connection.begin().await?,
        })
    }

    /// Writes refused attempts all or none, committed before this returns.
    pub async fn insert_refused_attempts(&mut self, attempts: &[RefusedAttempt]) -> StoreResult<()> {
        let engine = self.engine;
        if attempts.len() <= MOST_ATTEMPTS_PER_STATEMENT {
            // One statement is a transaction of its own.
            insert_attempts(&mut self.connection, engine, attempts).await?;
        } else {
            let mut tx = self.begin().await?;
            insert_attempts(&mut tx, engine, attempts).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Adds counted decisions to their hours, in one transaction of multi-row upserts (the
    /// keys of one call are distinct, as PostgreSQL requires of one statement). Sorted by key,
    /// neighbouring rows share pages.
    pub async fn add_decision_counts(&mut self, tallies: &[CountedHour]) -> StoreResult<()> {
        let engine = self.engine;
        let mut tx = self.begin().await?;
        list_part(&mut tx, engine, tallies, WRITTEN_STRAIGHT).await?;
        upsert_counts(&mut tx, engine, tallies, WRITTEN_STRAIGHT).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Folds logged counts, frozen in `recent`, into the table: adds them, and records that the
    /// log's generations up to `through_generation` are in, in one transaction. Written in
    /// slices with a pause after each, so the fold never holds a core for long; nothing else
    /// writes the counts file. Pages read on meanwhile (the uncommitted fold is not theirs to
    /// see, the frozen counts are); only the commit itself waits for reads in flight.
    pub async fn fold_counts(
        &mut self,
        tallies: &[CountedHour],
        through_generation: u64,
        recent: &RecentCounts,
    ) -> StoreResult<()> {
        let engine = self.engine;
        let generation = i64::try_from(through_generation).unwrap_or(i64::MAX);
        let mut tx = self.begin().await?;
        list_part(&mut tx, engine, tallies, generation).await?;
        // A part of its own, numbered by the newest generation it folds (see `count_parts`).
        match engine {
            Engine::Sqlite => {
                let pause = || tokio::time::sleep(PAUSE_BETWEEN_SLICES);
                count_parts::insert_user_parts(&mut tx, tallies, generation, pause).await?;
            }
            Engine::Postgres => {
                for (done, slice) in tallies.chunks(FOLDED_PER_SLICE).enumerate() {
                    if done > 0 {
                        tokio::time::sleep(PAUSE_BETWEEN_SLICES).await;
                    }
                    upsert_counts(&mut tx, engine, slice, generation).await?;
                }
            }
        }
        sqlx::query("UPDATE count_log_folded SET through_generation = $1")
            .bind(generation)
            .execute(&mut *tx)
            .await?;
        recent.fold(tx.commit()).await?;
        Ok(())
    }

    /// Merges the parts of every hour before `current_hour` that has several into one (SQLite;
    /// see `count_parts`), and says how many hours it merged; PostgreSQL's table has no parts.
    /// Seconds of CPU under load: call it on a thread that serves no checks.
    pub async fn merge_ended_hours(&mut self, current_hour: i64) -> StoreResult<usize> {
        match self.engine {
            Engine::Sqlite => count_parts::merge_ended_hours(&mut self.connection, current_hour).await,
            Engine::Postgres => Ok(0),
        }
    }
}

/// Counts folded per statement, and the pause after each. Small, so that SQLite's thread never
/// holds a core for long: with 400 counts a statement ran about 0.4 ms, and traced under the load
/// benchmark (`perf sched timehist`, 6 s) the load generator waited for it 200 to 380 times, 90
/// to 170 ms in all; with 100 it waited once.
const FOLDED_PER_SLICE: usize = 100;
const PAUSE_BETWEEN_SLICES: std::time::Duration = std::time::Duration::from_micros(500);

/// On SQLite, lists part `part` under every hour `tallies` has counts of, so pages read it.
async fn list_part(tx: &mut AnyConnection, engine: Engine, tallies: &[CountedHour], part: i64) -> StoreResult<()> {
    if engine == Engine::Sqlite {
        // A fold spans an hour or two: a scan keeping the few distinct ones, not a sorted copy
        // of half a million hours made on the thread that serves checks.
        let mut hours: Vec<i64> = Vec::new();
        for (_, hour_start, _) in tallies {
            if !hours.contains(hour_start) {
                hours.push(*hour_start);
            }
        }
        list_parts(tx, &hours, part).await?;
    }
    Ok(())
}

/// The part of the SQLite counts table that counts written straight to it go to.
const WRITTEN_STRAIGHT: i64 = 0;

/// Adds counts to the table. On SQLite they go to part `part`, listed under their hours; on
/// PostgreSQL, whose table has no parts, `part` is not used.
async fn upsert_counts(tx: &mut AnyConnection, engine: Engine, tallies: &[CountedHour], part: i64) -> StoreResult<()> {
    let (head, key) = match engine {
        Engine::Sqlite => (
            "INSERT INTO decision_counts \
             (part, user_id, partner_id, category_id, access, hour_start, allowed, denied, last_allowed_at)",
            "(hour_start, part, user_id, partner_id, category_id, access)",
        ),
        Engine::Postgres => (
            "INSERT INTO decision_counts \
             (user_id, partner_id, category_id, access, hour_start, allowed, denied, last_allowed_at)",
            "(user_id, partner_id, category_id, access, hour_start)",
        ),
    };
    let add_to_existing = format!(
        "ON CONFLICT {key} DO UPDATE SET \
         allowed = decision_counts.allowed + excluded.allowed, \
         denied = decision_counts.denied + excluded.denied, \
         last_allowed_at = CASE WHEN decision_counts.last_allowed_at IS NULL \
         OR excluded.last_allowed_at > decision_counts.last_allowed_at \
         THEN excluded.last_allowed_at ELSE decision_counts.last_allowed_at END"
    );
    let columns = match engine {
        Engine::Sqlite => 9,
        Engine::Postgres => 8,
    };
    insert_rows(
        tx,
        engine,
        head,
        &add_to_existing,
        columns,
        tallies,
        |query, (key, hour_start, tally)| {
            let query = match engine {
                Engine::Sqlite => query.bind(part),
                Engine::Postgres => query,
            };
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
    Ok(())
}
