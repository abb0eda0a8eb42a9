//! Reading consent requests: where each stands, for its partner and for its person.

use super::requests::{RequestItem, StoredRequest};
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;

/// The start of every statement that reads requests; macros, so that statements stay fixed text.
macro_rules! select_requests {
    () => {
        "SELECT r.id, r.public_id, r.user_id, u.handle AS user_handle, r.partner_id, p.name AS partner_name, \
         r.purpose, r.duration_days, r.status, r.created_at, r.expires_at, r.decided_at, r.granted_until \
         FROM consent_requests r JOIN users u ON u.id = r.user_id JOIN partners p ON p.id = r.partner_id "
    };
}

macro_rules! select_items {
    () => {
        "SELECT i.request_id, i.category_id, c.slug AS category_slug, c.name AS category_name, i.access, \
         i.granted FROM consent_request_items i JOIN categories c ON c.id = i.category_id "
    };
}

/// Catalog order of categories, then read, write, delete.
macro_rules! item_order {
    () => {
        " ORDER BY c.position, CASE i.access WHEN 'read' THEN 1 WHEN 'write' THEN 2 ELSE 3 END"
    };
}

impl Store {
    /// One of `partner_id`'s requests by its public id; another partner's is `None`, as if it
    /// did not exist.
    pub async fn request_of_partner(
        &self,
        partner_id: i64,
        public_id: &str,
        now: i64,
    ) -> StoreResult<Option<StoredRequest>> {
        let found: Option<StoredRequest> = sqlx::query_as(concat!(
            select_requests!(),
            "WHERE r.public_id = $1 AND r.partner_id = $2"
        ))
        .bind(public_id)
        .bind(partner_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(mut request) = found else {
            return Ok(None);
        };
        request.items = Store::items_of_request(&self.pool, request.id).await?;
        request.status = request.status.effective(request.expires_at, now);
        Ok(Some(request))
    }

    /// `user_id`'s requests that wait for an answer at `now`, oldest first.
    pub async fn pending_requests_of_user(&self, user_id: i64, now: i64) -> StoreResult<Vec<StoredRequest>> {
        let mut requests: Vec<StoredRequest> = sqlx::query_as(concat!(
            select_requests!(),
            "WHERE r.user_id = $1 AND r.status = 'pending' AND r.expires_at > $2 ORDER BY r.id"
        ))
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut items: Vec<RequestItem> = sqlx::query_as(concat!(
            select_items!(),
            "WHERE i.request_id IN (SELECT id FROM consent_requests ",
            "WHERE user_id = $1 AND status = 'pending' AND expires_at > $2)",
            item_order!()
        ))
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        for request in &mut requests {
            request.items = items.extract_if(.., |item| item.request_id == request.id).collect();
        }
        Ok(requests)
    }

    /// Whether any partner ever asked `user_id` for anything (the demo asks Alice once).
    pub async fn was_ever_asked(&self, user_id: i64) -> StoreResult<bool> {
        let asked: Option<i64> = sqlx::query_scalar("SELECT id FROM consent_requests WHERE user_id = $1 LIMIT 1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(asked.is_some())
    }

    /// How many of `user_id`'s requests wait for an answer at `now`.
    pub async fn count_pending_requests(&self, user_id: i64, now: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM consent_requests WHERE user_id = $1 AND status = 'pending' AND expires_at > $2",
        )
        .bind(user_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// What request `id` asks, read through `executor` (the pool, or a transaction).
    pub(super) async fn items_of_request<'c>(
        executor: impl sqlx::Executor<'c, Database = sqlx::Any>,
        id: i64,
    ) -> StoreResult<Vec<RequestItem>> {
        Ok(
            sqlx::query_as(concat!(select_items!(), "WHERE i.request_id = $1", item_order!()))
                .bind(id)
                .fetch_all(executor)
                .await?,
        )
    }
}
