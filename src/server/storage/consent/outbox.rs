//! The outbox of partner notifications: one per consent event a partner is told of, written by
//! `append_event` in the event's own transaction, then claimed, sent and settled by the
//! dispatcher (`server/notify`). A claim is a lease: a sender that dies mid-send leaves the
//! notification to be claimed again when the lease runs out, with the same `jti`.

use super::ledger::WriteTx;
use crate::server::storage::error::StoreResult;
use crate::server::storage::sql_lists::placeholders;
use crate::server::storage::{Engine, Store};
use rand::RngCore;

/// How long a claimed notification is held by its sender: longer than a try may take (15 s).
pub const LEASE_MS: i64 = 60_000;

/// One notification ready to send, with what its token says.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueNotification {
    pub id: i64,
    pub jti: String,
    pub tries: i64,
    pub partner_slug: String,
    pub endpoint: String,
    pub handle: String,
    pub category: String,
    pub access: String,
    pub status: String,
    pub actor_kind: String,
    pub reason: Option<String>,
    pub event_id: i64,
    pub event_hash: String,
    pub at: i64,
    pub through_friends: i64,
}

/// A fresh token id: 128 random bits, hex.
pub fn new_jti() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Writes the notification of the event `event_id` inside its transaction, due at once.
pub(super) async fn enqueue(tx: &mut WriteTx, event_id: i64, partner_id: i64, at: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO notifications (event_id, partner_id, jti, state, tries, next_try_at, created_at) \
         VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
    )
    .bind(event_id)
    .bind(partner_id)
    .bind(new_jti())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Claims up to `limit` notifications due at `now` whose partner has a working endpoint,
    /// for `LEASE_MS`. On PostgreSQL rows another instance is claiming are skipped, so each
    /// notification has one sender at a time.
    pub async fn claim_due_notifications(&self, now: i64, limit: i64) -> StoreResult<Vec<DueNotification>> {
        let skip_locked = match self.engine() {
            Engine::Postgres => " FOR UPDATE OF n SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let sql = format!(
            "UPDATE notifications SET lease_until = $1 WHERE id IN (\
             SELECT n.id FROM notifications n JOIN partners p ON p.id = n.partner_id \
             WHERE n.state = 'pending' AND n.next_try_at <= $2 AND (n.lease_until IS NULL OR n.lease_until <= $2) \
             AND p.event_endpoint IS NOT NULL AND p.endpoint_disabled_at IS NULL \
             ORDER BY n.next_try_at, n.id LIMIT $3{skip_locked}) RETURNING id"
        );
        let mut tx = self.begin_write(&self.pool).await?;
        // Only the fixed text above is spliced in; every value is bound.
        let claimed: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(now + LEASE_MS)
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT n.id, n.jti, n.tries, p.slug AS partner_slug, p.event_endpoint AS endpoint, \
             u.handle, c.slug AS category, e.access, e.status, e.actor_kind, e.reason, \
             e.id AS event_id, e.hash AS event_hash, e.at, \
             CAST(CASE WHEN e.through_friends THEN 1 ELSE 0 END AS BIGINT) AS through_friends \
             FROM notifications n JOIN consent_events e ON e.id = n.event_id \
             JOIN partners p ON p.id = n.partner_id JOIN users u ON u.id = e.user_id \
             JOIN categories c ON c.id = e.category_id WHERE n.id IN ({}) ORDER BY n.next_try_at, n.id",
            placeholders(self.engine(), 1, claimed.len())
        );
        // Only placeholders are spliced in; every value is bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for id in claimed {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// The partner confirmed (202).
    pub async fn notification_delivered(&self, id: i64, now: i64) -> StoreResult<()> {
        self.settle(
            id,
            "UPDATE notifications SET state = 'delivered', tries = tries + 1, delivered_at = $2, \
             lease_until = NULL, last_error = NULL WHERE id = $1",
            now,
            None,
        )
        .await
    }

    /// A try failed; the next is due at `next_try_at`.
    pub async fn notification_retry(&self, id: i64, next_try_at: i64, error: &str) -> StoreResult<()> {
        self.settle(
            id,
            "UPDATE notifications SET tries = tries + 1, next_try_at = $2, lease_until = NULL, \
             last_error = $3 WHERE id = $1",
            next_try_at,
            Some(error),
        )
        .await
    }

    /// No more tries: the schedule ran out, or the partner refused the event for good.
    pub async fn notification_failed(&self, id: i64, now: i64, error: &str) -> StoreResult<()> {
        self.settle(
            id,
            "UPDATE notifications SET state = 'failed', tries = tries + 1, next_try_at = $2, \
             lease_until = NULL, last_error = $3 WHERE id = $1",
            now,
            Some(error),
        )
        .await
    }

    /// The endpoint answered 410: nothing more is sent to it until an admin turns it back on.
    /// The notification waits, untried, with its lease released.
    pub async fn disable_endpoint_after_gone(&self, id: i64, partner_slug: &str, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_write(&self.pool).await?;
        sqlx::query("UPDATE partners SET endpoint_disabled_at = $1 WHERE slug = $2 AND endpoint_disabled_at IS NULL")
            .bind(now)
            .bind(partner_slug)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE notifications SET tries = tries + 1, lease_until = NULL, last_error = $2 WHERE id = $1")
            .bind(id)
            .bind("410 Gone: the endpoint is disabled")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn settle(&self, id: i64, sql: &'static str, at: i64, error: Option<&str>) -> StoreResult<()> {
        let mut query = sqlx::query(sql).bind(id).bind(at);
        if let Some(error) = error {
            query = query.bind(error);
        }
        query.execute(&self.pool).await?;
        Ok(())
    }

    /// Sets where a partner is told of consent changes (turning it on again), or clears it.
    pub async fn set_partner_endpoint(&self, partner_slug: &str, endpoint: Option<&str>) -> StoreResult<bool> {
        let updated =
            sqlx::query("UPDATE partners SET event_endpoint = $1, endpoint_disabled_at = NULL WHERE slug = $2")
                .bind(endpoint)
                .bind(partner_slug)
                .execute(&self.pool)
                .await?;
        Ok(updated.rows_affected() > 0)
    }

    /// Sets a partner's endpoint unless it has one (turned off or not).
    pub async fn set_partner_endpoint_if_missing(&self, partner_slug: &str, endpoint: &str) -> StoreResult<()> {
        sqlx::query("UPDATE partners SET event_endpoint = $1 WHERE slug = $2 AND event_endpoint IS NULL")
            .bind(endpoint)
            .bind(partner_slug)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The states a partner's notifications are in, each once, in order.
    pub async fn notification_states(&self, partner_slug: &str) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT n.state FROM notifications n JOIN partners p ON p.id = n.partner_id \
             WHERE p.slug = $1 ORDER BY n.state",
        )
        .bind(partner_slug)
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Store {
    /// How many notifications wait to be delivered: the outbox's backlog.
    pub async fn outbox_backlog(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE state = 'pending'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The newest notification's id (0 for none), to tell later ones apart.
    pub async fn newest_notification_id(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM notifications")
            .fetch_one(&self.pool)
            .await?)
    }

    /// How long each notification after `after_id` waited from its change to the partner's
    /// confirmation, in milliseconds, shortest first.
    pub async fn told_delays_ms(&self, after_id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT delivered_at - created_at FROM notifications \
             WHERE id > $1 AND state = 'delivered' ORDER BY 1",
        )
        .bind(after_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
