//! The one connection the decision recorder writes through. Its writes queue on this connection
//! instead of competing with each other for SQLite's single write lock, where the loser sleeps
//! in the busy handler for milliseconds at a time.

use super::activity::{AccessKey, HourTally, RefusedAttempt};
use super::error::StoreResult;
use super::sql_lists::value_rows;
use super::{Engine, Store};
use sqlx::{Any, AnyConnection, Connection, Transaction};

/// Rows per INSERT statement: few round trips, well under both engines' parameter limits.
const ROWS_PER_STATEMENT: usize = 200;

pub struct ActivityWriter {
    connection: AnyConnection,
    engine: Engine,
}

impl Store {
    /// A connection of the recorder's own, taken out of the pool for good.
    pub async fn activity_writer(&self) -> StoreResult<ActivityWriter> {
        let connection = self.pool.acquire().await?.detach();
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
        for chunk in attempts.chunks(ROWS_PER_STATEMENT) {
            let statement = format!(
                "INSERT INTO refused_attempts (user_id, partner_id, category_id, access, reason, ended_at, at) \
                 VALUES {}",
                value_rows(engine, chunk.len(), 7)
            );
            // Only numbered placeholders are spliced in; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
            for attempt in chunk {
                query = query
                    .bind(attempt.key.user_id)
                    .bind(attempt.key.partner_id)
                    .bind(attempt.key.category_id)
                    .bind(attempt.key.access.as_str())
                    .bind(attempt.reason)
                    .bind(attempt.ended_at)
                    .bind(attempt.at);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds counted decisions to their hours, in one transaction of multi-row upserts (the
    /// keys of one flush are distinct, as PostgreSQL requires of one statement).
    pub async fn add_decision_counts(&mut self, tallies: &[(AccessKey, i64, HourTally)]) -> StoreResult<()> {
        let engine = self.engine;
        let mut tx = self.begin().await?;
        for chunk in tallies.chunks(ROWS_PER_STATEMENT) {
            let statement = format!(
                "INSERT INTO decision_counts \
                 (user_id, partner_id, category_id, access, hour_start, allowed, denied, last_allowed_at) \
                 VALUES {} \
                 ON CONFLICT (user_id, partner_id, category_id, access, hour_start) DO UPDATE SET \
                 allowed = decision_counts.allowed + excluded.allowed, \
                 denied = decision_counts.denied + excluded.denied, \
                 last_allowed_at = CASE WHEN decision_counts.last_allowed_at IS NULL \
                 OR excluded.last_allowed_at > decision_counts.last_allowed_at \
                 THEN excluded.last_allowed_at ELSE decision_counts.last_allowed_at END",
                value_rows(engine, chunk.len(), 8)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(statement));
            for (key, hour_start, tally) in chunk {
                query = query
                    .bind(key.user_id)
                    .bind(key.partner_id)
                    .bind(key.category_id)
                    .bind(key.access.as_str())
                    .bind(*hour_start)
                    .bind(tally.allowed)
                    .bind(tally.denied)
                    .bind(tally.last_allowed_at);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
