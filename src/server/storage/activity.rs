//! What partners did with their access: hourly decision counts and every refused attempt.

use super::Store;
use super::error::StoreResult;
use crate::domain::access::Access;

/// One partner question about one access of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
        .fetch_all(&self.counts_pool)
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
        .fetch_all(&self.counts_pool)
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
