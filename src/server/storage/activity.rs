//! What partners did with their access: hourly decision counts and every refused attempt.

use super::count_log::CountedHour;
use super::count_parts::COUNTS_OF_USER;
use super::error::StoreResult;
use super::recent_counts::sum_by_key;
use super::{Engine, Store};
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
    /// Reads the table with `read`, and the user's counts not folded into it yet, together.
    async fn with_unfolded<T>(
        &self,
        user_id: i64,
        read: impl Future<Output = StoreResult<T>>,
    ) -> StoreResult<(T, Vec<CountedHour>)> {
        match &self.recent_counts {
            Some(recent) => {
                let (table, unfolded) = recent.with_unfolded(user_id, read).await;
                Ok((table?, unfolded))
            }
            None => Ok((read.await?, Vec::new())),
        }
    }

    /// How each of a user's accesses was used: allowed decisions since `since`, and the last.
    pub async fn access_use_of_user(&self, user_id: i64, since: i64) -> StoreResult<Vec<AccessUse>> {
        let sql = match self.engine() {
            // One seek per listed part into each table (see `count_parts`), over all hours:
            // "last used" may be old.
            Engine::Sqlite => format!(
                "WITH counts_of_user AS {COUNTS_OF_USER} \
                 SELECT partner_id, category_id, access, \
                 CAST(SUM(CASE WHEN hour_start >= $3 THEN allowed ELSE 0 END) AS BIGINT), MAX(last_allowed_at) \
                 FROM counts_of_user GROUP BY partner_id, category_id, access"
            ),
            Engine::Postgres => "SELECT partner_id, category_id, access, \
                 CAST(SUM(CASE WHEN hour_start >= $2 THEN allowed ELSE 0 END) AS BIGINT), MAX(last_allowed_at) \
                 FROM decision_counts WHERE user_id = $1 \
                 GROUP BY partner_id, category_id, access"
                .to_owned(),
        };
        // Only fixed SQL is spliced in; every value is bound.
        let query = sqlx::query_as::<_, (i64, i64, String, i64, Option<i64>)>(sqlx::AssertSqlSafe(sql)).bind(user_id);
        let read = match self.engine() {
            Engine::Sqlite => query.bind(i64::MIN).bind(since),
            Engine::Postgres => query.bind(since),
        }
        .fetch_all(&self.counts_pool);
        let (rows, unfolded) = self.with_unfolded(user_id, async { Ok(read.await?) }).await?;
        let mut uses = rows
            .into_iter()
            .map(|(partner_id, category_id, access, allowed_since, last_allowed_at)| {
                Ok(AccessUse {
                    partner_id,
                    category_id,
                    access: access_of(&access)?,
                    allowed_since,
                    last_allowed_at,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        for (key, hour_start, tally) in unfolded {
            let same = |u: &&mut AccessUse| {
                (u.partner_id, u.category_id, u.access) == (key.partner_id, key.category_id, key.access)
            };
            let used = match uses.iter_mut().find(same) {
                Some(used) => used,
                None => {
                    uses.push(AccessUse {
                        partner_id: key.partner_id,
                        category_id: key.category_id,
                        access: key.access,
                        allowed_since: 0,
                        last_allowed_at: None,
                    });
                    uses.last_mut().expect("pushed just now")
                }
            };
            if hour_start >= since {
                used.allowed_since += tally.allowed;
            }
            used.last_allowed_at = used.last_allowed_at.max(tally.last_allowed_at);
        }
        Ok(uses)
    }

    /// Every hour with decisions about a user's data since `since`, oldest first.
    pub async fn hours_of_use(&self, user_id: i64, since: i64) -> StoreResult<Vec<HourOfUse>> {
        let sql = match self.engine() {
            // One seek per part listed since `since` into each table (see `count_parts`); an
            // hour's parts are added up.
            Engine::Sqlite => format!(
                "WITH counts_of_user AS {COUNTS_OF_USER} \
                 SELECT partner_id, category_id, access, hour_start, \
                 CAST(SUM(allowed) AS BIGINT), CAST(SUM(denied) AS BIGINT) \
                 FROM counts_of_user GROUP BY hour_start, partner_id, category_id, access \
                 ORDER BY hour_start"
            ),
            Engine::Postgres => "SELECT partner_id, category_id, access, hour_start, allowed, denied \
                 FROM decision_counts WHERE user_id = $1 AND hour_start >= $2 ORDER BY hour_start"
                .to_owned(),
        };
        // Only fixed SQL is spliced in; every value is bound.
        let read = sqlx::query_as::<_, (i64, i64, String, i64, i64, i64)>(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(since)
            .fetch_all(&self.counts_pool);
        let (rows, unfolded) = self.with_unfolded(user_id, async { Ok(read.await?) }).await?;
        let mut hours = rows
            .into_iter()
            .map(|(partner_id, category_id, access, hour_start, allowed, denied)| {
                let key = AccessKey {
                    user_id,
                    partner_id,
                    category_id,
                    access: access_of(&access)?,
                };
                let tally = HourTally {
                    allowed,
                    denied,
                    last_allowed_at: None,
                };
                Ok((key, hour_start, tally))
            })
            .collect::<StoreResult<Vec<CountedHour>>>()?;
        if !unfolded.is_empty() {
            hours.extend(unfolded.into_iter().filter(|(_, hour_start, _)| *hour_start >= since));
            hours = sum_by_key(hours);
            // Oldest first, as the query gives them (a stable sort keeps key order within an hour).
            hours.sort_by_key(|(_, hour_start, _)| *hour_start);
        }
        Ok(hours
            .into_iter()
            .map(|(key, hour_start, tally)| HourOfUse {
                partner_id: key.partner_id,
                category_id: key.category_id,
                access: key.access,
                hour_start,
                allowed: tally.allowed,
                denied: tally.denied,
            })
            .collect())
    }

    /// Every refused attempt on a user's data since `since`, oldest first: logged ones too.
    pub async fn refused_attempts_of_user(&self, user_id: i64, since: i64) -> StoreResult<Vec<RefusedAttempt>> {
        self.move_logged_refusals().await?;
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
