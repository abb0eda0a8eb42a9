//! Grants that end by themselves: when a grant's time runs out, the system records it in the
//! ledger as "expired", so History can say so and replaying the ledger still gives the grants.

use super::ledger::{NewEvent, WriteTx};
use crate::domain::decision::GrantStatus;
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;

/// grant, partner, category, access, the moment it ended.
type DueGrant = (i64, i64, i64, String, i64);

impl Store {
    /// Ends `user_id`'s grants whose time ran out by `now`, inside the caller's ledger write.
    /// Every ledger write calls this first, so an expiry is always chained before anything
    /// that happened after it. The event is dated when the grant ended, not when it was noticed.
    pub async fn record_due_expiries(tx: &mut WriteTx, user_id: i64, now: i64) -> StoreResult<usize> {
        let mut due: Vec<DueGrant> = sqlx::query_as(
            "UPDATE grants SET status = $1, changed_at = expires_at \
             WHERE user_id = $2 AND status = 'active' AND expires_at IS NOT NULL AND expires_at <= $3 \
             RETURNING id, partner_id, category_id, access, expires_at",
        )
        .bind(GrantStatus::Expired.as_str())
        .bind(user_id)
        .bind(now)
        .fetch_all(&mut **tx)
        .await?;
        // Oldest end first, so the chain reads in the order things happened.
        due.sort_by_key(|(grant_id, .., ended_at)| (*ended_at, *grant_id));
        for (grant_id, partner_id, category_id, access, ended_at) in &due {
            let event = NewEvent {
                user_id,
                grant_id: Some(*grant_id),
                partner_id: *partner_id,
                category_id: *category_id,
                access,
                status: "expired",
                actor_kind: "system",
                actor_id: None,
                purpose: None,
                reason: None,
                at: *ended_at,
                request_id: None,
            };
            Store::append_event(tx, &event).await?;
        }
        Ok(due.len())
    }

    /// Records every expiry that is due, user by user; returns how many grants expired.
    /// The background sweeper calls this, so History shows an expiry even if nobody acts.
    pub async fn record_expiries(&self, now: i64) -> StoreResult<usize> {
        let users: Vec<(i64,)> = sqlx::query_as(
            "SELECT DISTINCT user_id FROM grants \
             WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= $1",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut expired = 0;
        for (user_id,) in users {
            let mut tx = self.begin_ledger_write(user_id).await?;
            expired += Store::record_due_expiries(&mut tx, user_id, now).await?;
            tx.commit().await?;
        }
        Ok(expired)
    }
}
