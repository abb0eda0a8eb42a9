//! Partners and data categories: the catalog every grant refers to.

// Re-exported: code outside the store names the entry through the catalog.
pub use super::catalog_entry::CatalogEntry;
use super::key_cache::KeyDigest;
use crate::server::storage::Store;
use crate::server::storage::error::{StoreError, StoreResult};
use std::sync::Arc;
use std::time::Instant;

/// Partners and categories as one reading saw them. A click reads the catalog once and resolves
/// names, words its sentence and draws its answer from that reading. The catalog only grows
/// (a partner retires, it never leaves; a slug names one partner forever), so one reading
/// stays right for the whole click.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// By name.
    pub partners: Vec<CatalogEntry>,
    /// In the order pages show them.
    pub categories: Vec<CatalogEntry>,
}

/// One row of the catalog's single read: `kind` says which list it belongs to.
#[derive(sqlx::FromRow)]
struct CatalogRow {
    kind: String,
    #[sqlx(flatten)]
    entry: CatalogEntry,
}

/// A partner with the digest of its API key.
#[derive(sqlx::FromRow)]
struct KeyedPartner {
    api_key_hash: String,
    #[sqlx(flatten)]
    partner: CatalogEntry,
}

/// Both lists in one statement, categories by position and partners by name.
const READ_CATALOG: &str = "\
    SELECT 'category' AS kind, id, slug, name, position AS place FROM categories \
    UNION ALL SELECT 'partner' AS kind, id, slug, name, 0 AS place FROM partners \
    ORDER BY kind, place, name";

impl Catalog {
    pub fn partner(&self, id: i64) -> Option<&CatalogEntry> {
        self.partners.iter().find(|p| p.id == id)
    }

    pub fn category(&self, id: i64) -> Option<&CatalogEntry> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The id of the partner called `slug`; an unknown name is a clear error, not an empty answer.
    pub fn partner_id(&self, slug: &str) -> StoreResult<i64> {
        let found = self.partners.iter().find(|p| p.slug == slug);
        found
            .map(|p| p.id)
            .ok_or_else(|| StoreError::UnknownName(format!("There is no partner called \u{201c}{slug}\u{201d}.")))
    }

    /// The id of the category called `slug`; an unknown name is a clear error.
    pub fn category_id(&self, slug: &str) -> StoreResult<i64> {
        let found = self.categories.iter().find(|c| c.slug == slug);
        found
            .map(|c| c.id)
            .ok_or_else(|| StoreError::UnknownName(format!("There is no data category called \u{201c}{slug}\u{201d}.")))
    }
}

impl Store {
    /// Every partner (retired ones too) and every category, in one statement.
    pub async fn catalog(&self) -> StoreResult<Catalog> {
        let rows: Vec<CatalogRow> = sqlx::query_as(READ_CATALOG).fetch_all(&self.pool).await?;
        let mut catalog = Catalog::default();
        for row in rows {
            match row.kind.as_str() {
                "partner" => catalog.partners.push(row.entry),
                _ => catalog.categories.push(row.entry),
            }
        }
        Ok(catalog)
    }

    pub async fn categories(&self) -> StoreResult<Vec<CatalogEntry>> {
        Ok(
            sqlx::query_as("SELECT id, slug, name FROM categories ORDER BY position")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn partners(&self) -> StoreResult<Vec<CatalogEntry>> {
        Ok(sqlx::query_as("SELECT id, slug, name FROM partners ORDER BY name")
            .fetch_all(&self.pool)
            .await?)
    }

    /// The partner whose API key has this digest; keys themselves are never stored. A retired
    /// partner has none, even if a key was set on it after it was retired.
    pub async fn partner_by_key(&self, key: &KeyDigest) -> StoreResult<Option<Arc<CatalogEntry>>> {
        let now = Instant::now();
        if let Some(partner) = self.keys.get(key, now) {
            return Ok(Some(partner));
        }
        let started = self.keys.start_lookup(now);
        let found: Option<CatalogEntry> =
            sqlx::query_as("SELECT id, slug, name FROM partners WHERE api_key_hash = $1 AND retired_at IS NULL")
                .bind(key.to_hex())
                .fetch_optional(&self.pool)
                .await?;
        let partner = found.map(Arc::new);
        if let Some(found) = &partner {
            self.keys.put(*key, found.clone(), started);
        }
        Ok(partner)
    }

    /// Reads every valid key again and puts them in the key cache in place of what it held,
    /// so that checks find their key there (see `key_cache`). Returns how many keys it read.
    pub async fn refresh_partner_keys(&self) -> StoreResult<usize> {
        let started = self.keys.start_lookup(Instant::now());
        let rows: Vec<KeyedPartner> = sqlx::query_as(
            "SELECT api_key_hash, id, slug, name FROM partners WHERE api_key_hash IS NOT NULL AND retired_at IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        let count = rows.len();
        self.keys.replace_all(
            // A value that is not a digest matches no key.
            rows.into_iter()
                .filter_map(|row| KeyDigest::from_hex(&row.api_key_hash).map(|key| (key, row.partner))),
            started,
        );
        Ok(count)
    }

    /// Sets the key of a partner in the catalog; a retired partner is `NotFound` here, because
    /// it can never use a key.
    pub async fn set_partner_key_hash(&self, partner_slug: &str, key_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_catalog_write().await?;
        let updated = sqlx::query("UPDATE partners SET api_key_hash = $1 WHERE slug = $2 AND retired_at IS NULL")
            .bind(key_hash)
            .bind(partner_slug)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound("partner"));
        }
        tx.commit().await?;
        Ok(())
    }
}
