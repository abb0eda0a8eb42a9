//! Sign-in failure records, shared by every app instance on the database.

use crate::domain::throttle::{Failures, LOCK_MS, WINDOW_MS};
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;

/// One statement reads and raises the count, so parallel failures each count: a read in the
/// app followed by a write would let them all read the same count and overwrite each other.
/// A window older than WINDOW_MS starts over at 1; reaching the limit locks for LOCK_MS. In
/// the UPDATE, `sign_in_throttle.*` is the row as it was, so the new count is spelled out again
/// for the lock.
const COUNT_ONE_MORE_FAILURE: &str = "\
    INSERT INTO sign_in_throttle (subject, failures, window_started_at, locked_until) \
    VALUES ($1, 1, $2, CASE WHEN 1 >= $3 THEN $2 + $5 ELSE NULL END) \
    ON CONFLICT (subject) DO UPDATE SET \
      failures = CASE WHEN $2 - sign_in_throttle.window_started_at > $4 THEN 1 \
                      ELSE sign_in_throttle.failures + 1 END, \
      window_started_at = CASE WHEN $2 - sign_in_throttle.window_started_at > $4 THEN $2 \
                               ELSE sign_in_throttle.window_started_at END, \
      locked_until = CASE WHEN (CASE WHEN $2 - sign_in_throttle.window_started_at > $4 THEN 1 \
                                     ELSE sign_in_throttle.failures + 1 END) >= $3 THEN $2 + $5 \
                          ELSE sign_in_throttle.locked_until END \
    RETURNING failures, window_started_at, locked_until";

impl Store {
    pub async fn sign_in_failures(&self, subject: &str) -> StoreResult<Failures> {
        let row: Option<FailureRow> =
            sqlx::query_as("SELECT failures, window_started_at, locked_until FROM sign_in_throttle WHERE subject = $1")
                .bind(subject)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(Failures::from).unwrap_or_default())
    }

    /// Counts one more failure of `subject` at `now`, locking it once `limit` is reached, and
    /// returns the record as it is after this failure.
    pub async fn record_sign_in_failure(&self, subject: &str, now: i64, limit: i64) -> StoreResult<Failures> {
        let row: FailureRow = sqlx::query_as(COUNT_ONE_MORE_FAILURE)
            .bind(subject)
            .bind(now)
            .bind(limit)
            .bind(WINDOW_MS)
            .bind(LOCK_MS)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.into())
    }

    pub async fn clear_sign_in_failures(&self, subject: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE subject = $1")
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A subject's failures as stored; `Failures` is the domain's word for them.
#[derive(sqlx::FromRow)]
struct FailureRow {
    failures: i64,
    window_started_at: i64,
    locked_until: Option<i64>,
}

impl From<FailureRow> for Failures {
    fn from(row: FailureRow) -> Self {
        Failures {
            count: row.failures,
            window_started_at: row.window_started_at,
            locked_until: row.locked_until,
        }
    }
}
