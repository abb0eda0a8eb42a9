//! Sign-in failure records, shared by every app instance on the database.

use super::Store;
use super::error::StoreResult;
use crate::domain::throttle::Failures;

impl Store {
    pub async fn sign_in_failures(&self, subject: &str) -> StoreResult<Failures> {
        let row: Option<(i64, i64, Option<i64>)> =
            sqlx::query_as("SELECT failures, window_started_at, locked_until FROM sign_in_throttle WHERE subject = $1")
                .bind(subject)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row
            .map(|(count, window_started_at, locked_until)| Failures {
                count,
                window_started_at,
                locked_until,
            })
            .unwrap_or_default())
    }

    pub async fn record_sign_in_failure(&self, subject: &str, failures: Failures) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sign_in_throttle (subject, failures, window_started_at, locked_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (subject) DO UPDATE SET failures = $2, window_started_at = $3, locked_until = $4",
        )
        .bind(subject)
        .bind(failures.count)
        .bind(failures.window_started_at)
        .bind(failures.locked_until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn clear_sign_in_failures(&self, subject: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE subject = $1")
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
