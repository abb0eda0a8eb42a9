//! Partners and data categories: the catalog every grant refers to.

// Re-exported: code outside the store names the entry through the catalog.
pub use super::catalog_entry::CatalogEntry;
use super::key_cache::KeyDigest;
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;
use std::sync::Arc;
use std::time::Instant;

fn entry((id, slug, name): (i64, String, String)) -> CatalogEntry {
    CatalogEntry { id, slug, name }
}

impl Store {
    pub async fn categories(&self) -> StoreResult<Vec<CatalogEntry>> {
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, slug, name FROM categories ORDER BY position")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    pub async fn partners(&self) -> StoreResult<Vec<CatalogEntry>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, slug, name FROM partners ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    /// The partner whose API key has this digest; keys themselves are never stored. A retired
    /// partner has none, even if a key was set on it after it was retired.
    pub async fn partner_by_key(&self, key: &KeyDigest) -> StoreResult<Option<Arc<CatalogEntry>>> {
        let now = Instant::now();
        if let Some(partner) = self.keys.get(key, now) {
            return Ok(Some(partner));
        }
        let started = self.keys.start_lookup(now);
        let row: Option<(i64, String, String)> =
            sqlx::query_as("SELECT id, slug, name FROM partners WHERE api_key_hash = $1 AND retired_at IS NULL")
                .bind(key.to_hex())
                .fetch_optional(&self.pool)
                .await?;
        let partner = row.map(|row| Arc::new(entry(row)));
        if let Some(found) = &partner {
            self.keys.put(*key, found.clone(), started);
        }
        Ok(partner)
    }

    /// Reads every valid key again and puts them in the key cache in place of what it held,
    /// so that checks find their key there (see `key_cache`). Returns how many keys it read.
    pub async fn refresh_partner_keys(&self) -> StoreResult<usize> {
        let started = self.keys.start_lookup(Instant::now());
        let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
            "SELECT api_key_hash, id, slug, name FROM partners WHERE api_key_hash IS NOT NULL AND retired_at IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        let count = rows.len();
        self.keys.replace_all(
            // A value that is not a digest matches no key.
            rows.into_iter().filter_map(|(key_hash, id, slug, name)| {
                KeyDigest::from_hex(&key_hash).map(|key| (key, entry((id, slug, name))))
            }),
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
            return Err(crate::server::storage::StoreError::NotFound("partner"));
        }
        tx.commit().await?;
        Ok(())
    }
}
