//! What admins see and change of partners' event endpoints: each partner's endpoint, whether
//! it is turned off, its backlog and its last failure; setting it (which turns it on again) and
//! turning it off, each recorded with the admin in the same transaction.

use super::admin::ActionEntry;
use crate::domain::admin::AdminAction;
use crate::domain::slug::Slug;
use crate::server::storage::Store;
use crate::server::storage::error::{StoreError, StoreResult};
use std::collections::HashMap;

/// A partner's endpoint and how sending to it goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct EndpointRecord {
    pub slug: String,
    pub endpoint: Option<String>,
    pub disabled_at: Option<i64>,
    pub backlog: i64,
    pub failed: i64,
    pub last_error: Option<String>,
    /// When the try that failed last was made or given up.
    pub last_error_at: Option<i64>,
}

impl Store {
    /// Every partner's endpoint record, by slug.
    pub async fn partner_endpoints(&self) -> StoreResult<HashMap<String, EndpointRecord>> {
        let rows: Vec<EndpointRecord> = sqlx::query_as(
            "SELECT p.slug, p.event_endpoint AS endpoint, p.endpoint_disabled_at AS disabled_at, \
             (SELECT COUNT(*) FROM notifications n WHERE n.partner_id = p.id AND n.state = 'pending') AS backlog, \
             (SELECT COUNT(*) FROM notifications n WHERE n.partner_id = p.id AND n.state = 'failed') AS failed, \
             (SELECT n.last_error FROM notifications n WHERE n.partner_id = p.id AND n.last_error IS NOT NULL \
              ORDER BY n.id DESC LIMIT 1) AS last_error, \
             (SELECT n.next_try_at FROM notifications n WHERE n.partner_id = p.id AND n.last_error IS NOT NULL \
              ORDER BY n.id DESC LIMIT 1) AS last_error_at \
             FROM partners p",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|row| (row.slug.clone(), row)).collect())
    }

    /// Sets where `slug` is told of consent changes, turning it on again, and records it.
    pub async fn admin_set_endpoint(&self, admin_id: i64, slug: &Slug, endpoint: &str, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_catalog_write().await?;
        let changed =
            sqlx::query("UPDATE partners SET event_endpoint = $1, endpoint_disabled_at = NULL WHERE slug = $2")
                .bind(endpoint)
                .bind(slug.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound("partner"));
        }
        let entry = ActionEntry {
            admin_id,
            action: AdminAction::EndpointSet,
            partner_slug: slug.as_str(),
            detail: Some(endpoint),
            at: now,
        };
        Store::record_admin_action(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns sending to `slug` off (events wait) and records it; false if it had no endpoint
    /// on to turn off.
    pub async fn admin_turn_off_endpoint(&self, admin_id: i64, slug: &Slug, now: i64) -> StoreResult<bool> {
        let mut tx = self.begin_catalog_write().await?;
        let changed = sqlx::query(
            "UPDATE partners SET endpoint_disabled_at = $1 WHERE slug = $2 \
             AND event_endpoint IS NOT NULL AND endpoint_disabled_at IS NULL",
        )
        .bind(now)
        .bind(slug.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let entry = ActionEntry {
            admin_id,
            action: AdminAction::EndpointOff,
            partner_slug: slug.as_str(),
            detail: None,
            at: now,
        };
        Store::record_admin_action(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records that an admin sent `slug` a test event, and how it went.
    pub async fn record_endpoint_test(&self, admin_id: i64, slug: &Slug, result: &str, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_catalog_write().await?;
        let entry = ActionEntry {
            admin_id,
            action: AdminAction::EndpointTested,
            partner_slug: slug.as_str(),
            detail: Some(result),
            at: now,
        };
        Store::record_admin_action(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }
}
