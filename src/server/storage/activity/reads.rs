//! Reading what partners did: a user's counts for the dashboard and the Activity page, and the
//! attempts refused after an access ended.

use super::{AccessKey, AccessUse, CountKey, HourOfUse, RefusedAttempt, SeenThroughFriend};
use crate::domain::access::Access;
use crate::domain::activity::EndedBy;
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;

/// A user's counts: one seek per hour listed in `count_hours` from `$2` on, finding each
/// hour's rows of user `$1` by the primary key. `CROSS JOIN` makes SQLite walk the short list
/// of hours first (`SEARCH c USING PRIMARY KEY (hour_start=? AND user_id=?)`); with a plain
/// join it scanned every row of those hours instead. SQL to put after `WITH counts_of_user AS`.
const COUNTS_OF_USER: &str = "(SELECT c.* FROM count_hours AS h CROSS JOIN decision_counts AS c \
     WHERE c.hour_start = h.hour_start AND c.user_id = $1 AND h.hour_start >= $2)";

#[derive(sqlx::FromRow)]
struct RefusedAttemptRow {
    partner_id: i64,
    category_id: i64,
    access: Access,
    via_user_id: Option<i64>,
    reason: EndedBy,
    ended_at: i64,
    at: i64,
}

impl Store {
    /// How each of a user's own accesses was used: allowed decisions since `since`, and the
    /// last ever (so every hour on record is read: "last used" may be old).
    pub async fn access_use_of_user(&self, user_id: i64, since: i64) -> StoreResult<Vec<AccessUse>> {
        let sql = format!(
            "WITH counts_of_user AS {COUNTS_OF_USER} \
             SELECT partner_id, category_id, access, \
             CAST(SUM(CASE WHEN hour_start >= $3 THEN allowed ELSE 0 END) AS BIGINT) AS allowed_since, \
             MAX(last_allowed_at) AS last_allowed_at \
             FROM counts_of_user WHERE via_user_id = 0 GROUP BY partner_id, category_id, access"
        );
        // Only the fixed text above is spliced in; every value is bound.
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(i64::MIN)
            .bind(since)
            .fetch_all(&self.counts_pool)
            .await?)
    }

    /// Every hour with decisions about a user's own accesses since `since`, oldest first.
    pub async fn hours_of_use(&self, user_id: i64, since: i64) -> StoreResult<Vec<HourOfUse>> {
        let sql = format!(
            "WITH counts_of_user AS {COUNTS_OF_USER} \
             SELECT partner_id, category_id, access, hour_start, allowed, denied \
             FROM counts_of_user WHERE via_user_id = 0 ORDER BY hour_start, partner_id, category_id, access"
        );
        // Only the fixed text above is spliced in; every value is bound.
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(since)
            .fetch_all(&self.counts_pool)
            .await?)
    }

    /// How often each partner saw the user through each friend since `since`.
    pub async fn seen_through_friends_since(&self, user_id: i64, since: i64) -> StoreResult<Vec<SeenThroughFriend>> {
        let sql = format!(
            "WITH counts_of_user AS {COUNTS_OF_USER} \
             SELECT partner_id, category_id, via_user_id, CAST(SUM(allowed) AS BIGINT) AS allowed \
             FROM counts_of_user WHERE via_user_id <> 0 AND allowed > 0 \
             GROUP BY partner_id, category_id, via_user_id"
        );
        // Only the fixed text above is spliced in; every value is bound.
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(since)
            .fetch_all(&self.counts_pool)
            .await?)
    }

    /// Every refused attempt on a user's data since `since`, oldest first.
    pub async fn refused_attempts_of_user(&self, user_id: i64, since: i64) -> StoreResult<Vec<RefusedAttempt>> {
        let rows: Vec<RefusedAttemptRow> = sqlx::query_as(
            "SELECT partner_id, category_id, access, via_user_id, reason, ended_at, at FROM refused_attempts \
             WHERE user_id = $1 AND at >= $2 ORDER BY at, id",
        )
        .bind(user_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| RefusedAttempt {
                key: CountKey {
                    asked: AccessKey {
                        user_id,
                        partner_id: row.partner_id,
                        category_id: row.category_id,
                        access: row.access,
                    },
                    via: row.via_user_id,
                },
                reason: row.reason,
                ended_at: row.ended_at,
                at: row.at,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::COUNTS_OF_USER;

    /// The dashboard reads every hour on record: it must seek each hour, not scan its rows.
    #[tokio::test]
    async fn a_users_counts_are_found_by_seeking_each_listed_hour() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::migrate!("./migrations/sqlite-counts").run(&pool).await.unwrap();
        let sql = format!("EXPLAIN QUERY PLAN SELECT * FROM {COUNTS_OF_USER}");
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(7_i64)
            .bind(0_i64)
            .fetch_all(&pool)
            .await
            .unwrap();
        let steps: Vec<&str> = plan.iter().map(|(_, _, _, detail)| detail.as_str()).collect();
        assert_eq!(steps.len(), 2, "{steps:?}");
        assert!(steps[0].starts_with("SEARCH h"), "the hours come first: {steps:?}");
        assert!(
            steps[1].contains("SEARCH c USING PRIMARY KEY (hour_start=? AND user_id=?)"),
            "{steps:?}"
        );
    }
}
