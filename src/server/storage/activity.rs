//! What partners did with their access: hourly decision counts and every refused attempt.

use super::Store;
use super::error::StoreResult;
use super::sql_lists::value_rows;

/// Rows per INSERT statement: few round trips, well under both engines' parameter limits.
const ROWS_PER_STATEMENT: usize = 200;
use crate::domain::access::Access;

/// One partner question about one access of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccessKey {
    pub user_id: i64,
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
}

/// Decisions of one hour for one access, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HourTally {
    pub allowed: i64,
    pub denied: i64,
    pub last_allowed_at: Option<i64>,
}

/// A partner asked to use an access the user took back, or that ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedAttempt {
    pub key: AccessKey,
    /// "withdrawn", "revoked" or "expired".
    pub reason: &'static str,
    /// When the access ended.
    pub ended_at: i64,
    pub at: i64,
}

/// How much one access was used: allowed decisions since a moment, and the last one ever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessUse {
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
    pub allowed_since: i64,
    pub last_allowed_at: Option<i64>,
}

/// One hour of decisions about one access, for the Activity chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourOfUse {
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
    pub hour_start: i64,
    pub allowed: i64,
    pub denied: i64,
}

fn access_of(raw: &str) -> StoreResult<Access> {
    Access::parse(raw).map_err(|e| super::StoreError::Database(sqlx::Error::Decode(e.into())))
}

impl Store {
    /// Writes refused attempts in one transaction, committed before this returns.
    pub async fn insert_refused_attempts(&self, attempts: &[RefusedAttempt]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for chunk in attempts.chunks(ROWS_PER_STATEMENT) {
            let statement = format!(
                "INSERT INTO refused_attempts (user_id, partner_id, category_id, access, reason, ended_at, at) \
                 VALUES {}",
                value_rows(chunk.len(), 7)
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
    pub async fn add_decision_counts(&self, tallies: &[(AccessKey, i64, HourTally)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
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
                value_rows(chunk.len(), 8)
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

    /// How each of a user's accesses was used: allowed decisions since `since`, and the last.
    pub async fn access_use_of_user(&self, user_id: i64, since: i64) -> StoreResult<Vec<AccessUse>> {
        let rows: Vec<(i64, i64, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT partner_id, category_id, access, \
             CAST(SUM(CASE WHEN hour_start >= $2 THEN allowed ELSE 0 END) AS BIGINT), MAX(last_allowed_at) \
             FROM decision_counts WHERE user_id = $1 \
             GROUP BY partner_id, category_id, access",
        )
        .bind(user_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(partner_id, category_id, access, allowed_since, last_allowed_at)| {
                Ok(AccessUse {
                    partner_id,
                    category_id,
                    access: access_of(&access)?,
                    allowed_since,
                    last_allowed_at,
                })
            })
            .collect()
    }

    /// Every hour with decisions about a user's data since `since`, oldest first.
    pub async fn hours_of_use(&self, user_id: i64, since: i64) -> StoreResult<Vec<HourOfUse>> {
        let rows: Vec<(i64, i64, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT partner_id, category_id, access, hour_start, allowed, denied FROM decision_counts \
             WHERE user_id = $1 AND hour_start >= $2 ORDER BY hour_start",
        )
        .bind(user_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(partner_id, category_id, access, hour_start, allowed, denied)| {
                Ok(HourOfUse {
                    partner_id,
                    category_id,
                    access: access_of(&access)?,
                    hour_start,
                    allowed,
                    denied,
                })
            })
            .collect()
    }

    /// Every refused attempt on a user's data since `since`, oldest first.
    pub async fn refused_attempts_of_user(&self, user_id: i64, since: i64) -> StoreResult<Vec<RefusedAttempt>> {
        let rows: Vec<(i64, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT partner_id, category_id, access, reason, ended_at, at FROM refused_attempts \
             WHERE user_id = $1 AND at >= $2 ORDER BY at, id",
        )
        .bind(user_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(partner_id, category_id, access, reason, ended_at, at)| {
                Ok(RefusedAttempt {
                    key: AccessKey {
                        user_id,
                        partner_id,
                        category_id,
                        access: access_of(&access)?,
                    },
                    reason: match reason.as_str() {
                        "withdrawn" => "withdrawn",
                        "revoked" => "revoked",
                        _ => "expired",
                    },
                    ended_at,
                    at,
                })
            })
            .collect()
    }
}
