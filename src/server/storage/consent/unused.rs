//! Grants their partner does not use: when each was last used, folded from the decision counts,
//! and their expiry. The counts live apart from the grants (a file of their own on SQLite), so
//! the sweeper reads the hours added since its last fold and writes each grant's last use; it
//! never joins across the two.

use super::grants::{Actor, ChangedGrant, EventOf};
use crate::domain::access::Access;
use crate::domain::activity::{HOUR_MS, hour_start_of};
use crate::domain::unused::UnusedLimit;
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;

/// Grants whose last use is written in one transaction, so the write lock is held briefly.
const USES_PER_WRITE: usize = 500;

/// The last allowed check of one grant's key in the hours read.
#[derive(sqlx::FromRow)]
struct LastUse {
    user_id: i64,
    partner_id: i64,
    category_id: i64,
    access: Access,
    last_used_at: i64,
}

/// Since when use is watched, and from which hour the next fold reads.
#[derive(sqlx::FromRow)]
struct UseWatch {
    started_at: i64,
    folded_from: i64,
}

/// Takes back a user's active grants unused since `$2` (given before it, and not used after it)
/// whose own end is still ahead of `$3`.
const EXPIRE_UNUSED: &str = "UPDATE grants SET status = 'expired', changed_at = $3 \
     WHERE user_id = $1 AND status = 'active' AND changed_at <= $2 \
     AND (last_used_at IS NULL OR last_used_at <= $2) AND (expires_at IS NULL OR expires_at > $3) \
     RETURNING id AS grant_id, partner_id, category_id, access";

impl Store {
    async fn use_watch(&self) -> StoreResult<UseWatch> {
        Ok(
            sqlx::query_as("SELECT started_at, folded_from FROM use_watch WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Since when this store has watched how partners use their grants.
    pub async fn use_watched_since(&self) -> StoreResult<i64> {
        Ok(self.use_watch().await?.started_at)
    }

    /// Writes into each grant when it was last used, from the counts of the hours since the last
    /// fold; returns how many keys were read. The hour before `now`'s is read again next time,
    /// for counts written late. Folding twice is harmless: a last use only moves forward.
    pub async fn fold_last_uses(&self, now: i64) -> StoreResult<usize> {
        let from = self.use_watch().await?.folded_from;
        let uses: Vec<LastUse> = sqlx::query_as(
            "SELECT user_id, partner_id, category_id, access, MAX(last_allowed_at) AS last_used_at \
             FROM decision_counts WHERE hour_start >= $1 AND via_user_id = 0 AND allowed > 0 AND last_allowed_at IS NOT NULL \
             GROUP BY user_id, partner_id, category_id, access",
        )
        .bind(from)
        .fetch_all(&self.counts_pool)
        .await?;
        for chunk in uses.chunks(USES_PER_WRITE) {
            let mut tx = self.begin_write(&self.pool).await?;
            for found in chunk {
                sqlx::query(
                    "UPDATE grants SET last_used_at = $1 \
                     WHERE user_id = $2 AND partner_id = $3 AND category_id = $4 AND access = $5 \
                     AND (last_used_at IS NULL OR last_used_at < $1)",
                )
                .bind(found.last_used_at)
                .bind(found.user_id)
                .bind(found.partner_id)
                .bind(found.category_id)
                .bind(found.access)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
        sqlx::query("UPDATE use_watch SET folded_from = $1 WHERE id = 1 AND folded_from < $1")
            .bind(hour_start_of(now) - HOUR_MS)
            .execute(&self.pool)
            .await?;
        Ok(uses.len())
    }

    /// Expires every active grant unused for `limit` by `now`, user by user, each with a ledger
    /// event giving the reason ("unused for 90 days"); returns how many expired. Call
    /// `fold_last_uses` first, so that recent use counts.
    pub async fn expire_unused(&self, now: i64, limit: UnusedLimit) -> StoreResult<usize> {
        let cut = limit.quiet_cut(now);
        if self.use_watch().await?.started_at > cut {
            // Not watched for that long yet: nothing can have gone unused for the whole limit.
            return Ok(0);
        }
        let users: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT user_id FROM grants WHERE status = 'active' AND changed_at <= $1 \
             AND (last_used_at IS NULL OR last_used_at <= $1) AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(cut)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let reason = limit.reason();
        let mut expired = 0;
        for user_id in users {
            let mut tx = self.begin_ledger_write(user_id).await?;
            Store::record_due_expiries(&mut tx, user_id, now).await?;
            let mut quiet: Vec<ChangedGrant> = sqlx::query_as(EXPIRE_UNUSED)
                .bind(user_id)
                .bind(cut)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
            quiet.sort_by_key(|grant| grant.grant_id);
            for grant in &quiet {
                let event = EventOf {
                    status: "expired",
                    actor: Actor::System,
                    purpose: None,
                    reason: Some(&reason),
                    at: now,
                };
                Store::append_event(&mut tx, &grant.event(user_id, event)).await?;
            }
            tx.commit().await?;
            expired += quiet.len();
        }
        Ok(expired)
    }
}
