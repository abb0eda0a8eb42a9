//! Writing what partners did: a second's counts as upserts, and refused attempts, each call one
//! transaction (all or nothing, so a failed write can be tried again without counting twice).

use super::{CountedHour, RefusedAttempt};
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;
use crate::server::storage::sql_lists::insert_rows;

const ADD_COUNTS: &str = "INSERT INTO decision_counts \
     (hour_start, user_id, partner_id, category_id, access, via_user_id, allowed, denied, last_allowed_at)";

/// What an upsert does with a key the hour already has: adds to it.
const ADD_TO_EXISTING: &str = "ON CONFLICT (hour_start, user_id, partner_id, category_id, access, via_user_id) DO UPDATE SET \
     allowed = decision_counts.allowed + excluded.allowed, \
     denied = decision_counts.denied + excluded.denied, \
     last_allowed_at = CASE WHEN decision_counts.last_allowed_at IS NULL \
     OR excluded.last_allowed_at > decision_counts.last_allowed_at \
     THEN excluded.last_allowed_at ELSE decision_counts.last_allowed_at END";

/// Counts upserted per statement: about 0.1 ms of binding each (one statement of thousands held
/// the check's thread for milliseconds once a second).
const COUNTS_PER_STATEMENT: usize = 200;

const INSERT_ATTEMPTS: &str =
    "INSERT INTO refused_attempts (user_id, partner_id, category_id, access, via_user_id, reason, ended_at, at)";

impl Store {
    /// Adds counted decisions to their hours, and lists the hours, in one transaction. The
    /// keys of one call must be distinct (PostgreSQL refuses to upsert one row twice in a
    /// statement); sorted by hour and key, neighbouring rows share pages.
    pub async fn add_decision_counts(&self, counts: &[CountedHour]) -> StoreResult<()> {
        let mut hours: Vec<i64> = counts.iter().map(|(_, hour_start, _)| *hour_start).collect();
        hours.sort_unstable();
        hours.dedup();
        let mut tx = self.begin_write(&self.counts_pool).await?;
        for hour_start in hours {
            sqlx::query("INSERT INTO count_hours (hour_start) VALUES ($1) ON CONFLICT DO NOTHING")
                .bind(hour_start)
                .execute(&mut *tx)
                .await?;
        }
        // Short statements: binding a statement's values runs on a thread that serves checks,
        // and between statements it serves them again.
        for slice in counts.chunks(COUNTS_PER_STATEMENT) {
            insert_rows(
                &mut tx,
                self.engine(),
                ADD_COUNTS,
                ADD_TO_EXISTING,
                9,
                slice,
                |query, (key, hour_start, tally)| {
                    query
                        .bind(*hour_start)
                        .bind(key.asked.user_id)
                        .bind(key.asked.partner_id)
                        .bind(key.asked.category_id)
                        .bind(key.asked.access)
                        .bind(key.via_column())
                        .bind(tally.allowed)
                        .bind(tally.denied)
                        .bind(tally.last_allowed_at)
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Writes refused attempts, all or none, committed before this returns.
    pub async fn insert_refused_attempts(&self, attempts: &[RefusedAttempt]) -> StoreResult<()> {
        let mut tx = self.begin_write(&self.refusals_pool).await?;
        insert_rows(
            &mut tx,
            self.engine(),
            INSERT_ATTEMPTS,
            "",
            8,
            attempts,
            |query, attempt| {
                query
                    .bind(attempt.key.asked.user_id)
                    .bind(attempt.key.asked.partner_id)
                    .bind(attempt.key.asked.category_id)
                    .bind(attempt.key.asked.access)
                    .bind(attempt.key.via)
                    .bind(attempt.reason)
                    .bind(attempt.ended_at)
                    .bind(attempt.at)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
