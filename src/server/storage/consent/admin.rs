//! What the admin pages read and write: the partner catalog with each partner's state, the
//! changes admins make to it, and the append-only record of those changes. Each change and
//! its record are written in one transaction: there is no change without a record.

use super::ledger::{Changes, WriteTx};
use crate::domain::admin::AdminAction;
use crate::domain::partner_entry::{NewPartner, PartnerDescription};
use crate::domain::slug::Slug;
use crate::server::storage::error::{StoreError, StoreResult, conflict_on_unique};
use crate::server::storage::{Engine, Store};

/// One partner with everything an admin needs to see about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRecord {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub has_key: bool,
    pub retired_at: Option<i64>,
}

/// One recorded admin action, with the names people read.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AdminActionRecord {
    pub admin_id: i64,
    pub admin_name: String,
    pub action: AdminAction,
    pub partner_slug: String,
    pub partner_name: String,
    pub detail: Option<String>,
    pub at: i64,
}

/// What asking for a new key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyChange {
    /// The partner had no key and has one now.
    Created,
    /// The partner's old key stopped working; the new one replaces it.
    Rotated,
    /// Retired partners get no key; nothing was changed.
    PartnerRetired,
}

/// Who did what, to be recorded with the change it describes.
pub(super) struct ActionEntry<'a> {
    pub(super) admin_id: i64,
    pub(super) action: AdminAction,
    pub(super) partner_slug: &'a str,
    pub(super) detail: Option<&'a str>,
    pub(super) at: i64,
}

/// A partner as stored; `PartnerRecord` says only whether it has a key.
#[derive(sqlx::FromRow)]
struct StoredPartner {
    slug: String,
    name: String,
    description: String,
    api_key_hash: Option<String>,
    retired_at: Option<i64>,
}

/// A partner's key and whether it is retired, read before its key is replaced.
#[derive(sqlx::FromRow)]
struct KeyState {
    api_key_hash: Option<String>,
    retired_at: Option<i64>,
}

/// Reads a partner's key state; on PostgreSQL the row stays locked until commit, so two
/// rotations cannot both say "created" (SQLite's write transaction already holds the lock).
const KEY_STATE_POSTGRES: &str = "SELECT api_key_hash, retired_at FROM partners WHERE slug = $1 FOR UPDATE";
const KEY_STATE_SQLITE: &str = "SELECT api_key_hash, retired_at FROM partners WHERE slug = $1";

impl Store {
    /// A write transaction that holds the write lock from its start on SQLite, so two admins'
    /// changes queue instead of failing when a read turns into a write.
    /// It may change partners' keys, so the key cache forgets them all when it ends.
    pub(in crate::server::storage) async fn begin_catalog_write(&self) -> StoreResult<WriteTx> {
        let tx = self.begin_write(&self.pool).await?;
        Ok(WriteTx::new(tx, self, Changes::PartnerKeys))
    }

    pub(super) async fn record_admin_action(tx: &mut WriteTx, entry: &ActionEntry<'_>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO admin_actions (admin_id, action, partner_slug, detail, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(entry.admin_id)
        .bind(entry.action)
        .bind(entry.partner_slug)
        .bind(entry.detail)
        .bind(entry.at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Every partner, retired ones included, by name.
    pub async fn partner_catalog(&self) -> StoreResult<Vec<PartnerRecord>> {
        let rows: Vec<StoredPartner> = sqlx::query_as(
            "SELECT slug, name, description, api_key_hash, retired_at FROM partners ORDER BY name, slug",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|p| PartnerRecord {
                slug: p.slug,
                name: p.name,
                description: p.description,
                has_key: p.api_key_hash.is_some(),
                retired_at: p.retired_at,
            })
            .collect())
    }

    /// Adds a partner without a key. A slug or name (in any case) already in the catalog,
    /// retired or not, is a `Conflict`: a slug names one partner forever.
    pub async fn add_partner(&self, admin_id: i64, partner: &NewPartner, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_catalog_write().await?;
        let taken: Option<String> =
            sqlx::query_scalar("SELECT slug FROM partners WHERE slug = $1 OR lower(name) = lower($2)")
                .bind(partner.slug.as_str())
                .bind(partner.name.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict("partner"));
        }
        sqlx::query("INSERT INTO partners (slug, name, description) VALUES ($1, $2, $3)")
            .bind(partner.slug.as_str())
            .bind(partner.name.as_str())
            .bind(partner.description.as_str())
            .execute(&mut *tx)
            .await
            .map_err(conflict_on_unique("partner"))?;
        let entry = ActionEntry {
            admin_id,
            action: AdminAction::Added,
            partner_slug: partner.slug.as_str(),
            detail: Some(partner.description.as_str()),
            at: now,
        };
        Store::record_admin_action(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a partner's description, and nothing else.
    pub async fn describe_partner(
        &self,
        admin_id: i64,
        slug: &Slug,
        description: &PartnerDescription,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_catalog_write().await?;
        let updated = sqlx::query("UPDATE partners SET description = $1 WHERE slug = $2")
            .bind(description.as_str())
            .bind(slug.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound("partner"));
        }
        let entry = ActionEntry {
            admin_id,
            action: AdminAction::Described,
            partner_slug: slug.as_str(),
            detail: Some(description.as_str()),
            at: now,
        };
        Store::record_admin_action(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Retires a partner: its key is gone at once, its grants and history stay. Returns false
    /// (nothing written) if it was already retired.
    pub async fn retire_partner(&self, admin_id: i64, slug: &Slug, now: i64) -> StoreResult<bool> {
        let mut tx = self.begin_catalog_write().await?;
        let updated = sqlx::query(
            "UPDATE partners SET retired_at = $1, api_key_hash = NULL WHERE slug = $2 AND retired_at IS NULL",
        )
        .bind(now)
        .bind(slug.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM partners WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            return match exists {
                Some(_) => Ok(false),
                None => Err(StoreError::NotFound("partner")),
            };
        }
        let entry = ActionEntry {
            admin_id,
            action: AdminAction::Retired,
            partner_slug: slug.as_str(),
            detail: None,
            at: now,
        };
        Store::record_admin_action(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Replaces a partner's key hash (the key itself is never stored) and records it.
    pub async fn replace_partner_key(
        &self,
        admin_id: i64,
        slug: &Slug,
        key_hash: &str,
        now: i64,
    ) -> StoreResult<KeyChange> {
        let mut tx = self.begin_catalog_write().await?;
        let read_key_state = match self.engine() {
            Engine::Postgres => KEY_STATE_POSTGRES,
            Engine::Sqlite => KEY_STATE_SQLITE,
        };
        let current: Option<KeyState> = sqlx::query_as(read_key_state)
            .bind(slug.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let change = match current {
            None => return Err(StoreError::NotFound("partner")),
            Some(state) if state.retired_at.is_some() => return Ok(KeyChange::PartnerRetired),
            Some(state) if state.api_key_hash.is_none() => KeyChange::Created,
            Some(_) => KeyChange::Rotated,
        };
        sqlx::query("UPDATE partners SET api_key_hash = $1 WHERE slug = $2")
            .bind(key_hash)
            .bind(slug.as_str())
            .execute(&mut *tx)
            .await?;
        let entry = ActionEntry {
            admin_id,
            action: match change {
                KeyChange::Created => AdminAction::KeyCreated,
                _ => AdminAction::KeyRotated,
            },
            partner_slug: slug.as_str(),
            detail: None,
            at: now,
        };
        Store::record_admin_action(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(change)
    }

    /// The latest `limit` admin actions, newest first.
    pub async fn recent_admin_actions(&self, limit: i64) -> StoreResult<Vec<AdminActionRecord>> {
        Ok(sqlx::query_as(
            "SELECT a.admin_id, u.display_name AS admin_name, a.action, a.partner_slug, \
             COALESCE(p.name, a.partner_slug) AS partner_name, a.detail, a.at \
             FROM admin_actions a JOIN users u ON u.id = a.admin_id LEFT JOIN partners p ON p.slug = a.partner_slug \
             ORDER BY a.at DESC, a.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
