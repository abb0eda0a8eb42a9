//! What the partner API reads from the store: the grants of whole batches of users at once
//! (from memory on SQLite), and the partners' API key hashes.

use super::grant_cache::{CachedGrant, state_of};
use crate::domain::access::Access;
use crate::domain::decision::{GrantState, GrantStatus};
use crate::server::storage::Store;
use crate::server::storage::activity::AccessKey;
use crate::server::storage::error::StoreResult;
use crate::server::storage::pool::GrantReads;
use crate::server::storage::sql_lists::placeholders;
use std::collections::{BTreeSet, HashMap};

/// The columns a `GrantRow` reads, for every query that loads grants.
const GRANT_COLUMNS: &str = "user_id, partner_id, category_id, access, status, changed_at, expires_at";

/// One grant as a load reads it; `access` and `status` decode through their `sqlx::Type`, so a
/// word the domain does not know fails the load naming its column.
#[derive(sqlx::FromRow)]
pub(super) struct GrantRow {
    user_id: i64,
    partner_id: i64,
    category_id: i64,
    access: Access,
    status: GrantStatus,
    changed_at: i64,
    expires_at: Option<i64>,
}

impl GrantRow {
    pub(super) fn into_key_and_state(self) -> (AccessKey, GrantState) {
        let key = AccessKey {
            user_id: self.user_id,
            partner_id: self.partner_id,
            category_id: self.category_id,
            access: self.access,
        };
        let state = GrantState {
            status: self.status,
            changed_at: self.changed_at,
            expires_at: self.expires_at,
        };
        (key, state)
    }
}

/// Adds each row's grant to its user's list.
fn group_by_user(rows: Vec<GrantRow>, grants: &mut HashMap<i64, Vec<CachedGrant>>) {
    for row in rows {
        let (key, state) = row.into_key_and_state();
        grants.entry(key.user_id).or_default().push(CachedGrant {
            partner_id: key.partner_id,
            category_id: key.category_id,
            access: key.access,
            state,
        });
    }
}

impl Store {
    /// The ids of the users with these handles; a handle nobody has is simply absent.
    pub async fn user_ids_by_handles(&self, handles: &[&str]) -> StoreResult<HashMap<String, i64>> {
        let distinct: BTreeSet<&str> = handles.iter().copied().collect();
        if distinct.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT handle, id FROM users WHERE handle IN ({})",
            placeholders(self.engine(), 1, distinct.len())
        );
        // The statement holds only generated placeholders; every value is bound.
        let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
        for handle in distinct {
            query = query.bind(handle);
        }
        Ok(query.fetch_all(&self.pool).await?.into_iter().collect())
    }

    /// Every user's handle and id, in id order, from `after_id` on: `limit` at most.
    pub async fn user_handles_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, handle FROM users WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The state of each asked grant, in the order asked (`None` where the user never had it),
    /// as a partner's check needs it. SQLite: from the grant cache, loading the users it lacks
    /// whole. PostgreSQL: read by a statement sent after this call began, shared with the
    /// checks waiting beside it (`shared_grant_reads`).
    pub async fn grant_states(&self, asked: &[AccessKey]) -> StoreResult<Vec<Option<GrantState>>> {
        let cache = match &self.grant_reads {
            GrantReads::Cached(cache) => cache,
            GrantReads::Shared(reads) => return reads.states(asked.to_vec()).await,
        };
        let (mut states, uncached) = cache.states(asked);
        if uncached.is_empty() {
            return Ok(states);
        }
        let users: Vec<i64> = uncached
            .iter()
            .map(|&position| asked[position].user_id)
            .collect::<BTreeSet<i64>>()
            .into_iter()
            .collect();
        let began = cache.generation();
        let loaded = self.grants_of_users(&users).await?;
        for position in uncached {
            let key = &asked[position];
            states[position] = loaded.get(&key.user_id).and_then(|grants| state_of(grants, key));
        }
        cache.fill(began, loaded);
        Ok(states)
    }

    /// Every grant of these users, each user present even with none.
    async fn grants_of_users(&self, user_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<CachedGrant>>> {
        let mut grants: HashMap<i64, Vec<CachedGrant>> = user_ids.iter().map(|id| (*id, Vec::new())).collect();
        if user_ids.is_empty() {
            return Ok(grants);
        }
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM grants WHERE user_id IN ({})",
            placeholders(self.engine(), 1, user_ids.len()),
        );
        // The statement holds only generated placeholders; every value is bound.
        let mut query = sqlx::query_as::<_, GrantRow>(sqlx::AssertSqlSafe(sql));
        for user_id in user_ids {
            query = query.bind(*user_id);
        }
        group_by_user(query.fetch_all(&self.pool).await?, &mut grants);
        Ok(grants)
    }

    /// Loads the grant cache with every user whose id is in `first..=last`; returns how many
    /// grants it read, or `None` if a grant write raced the load (the caller tries again).
    pub async fn warm_grant_cache(&self, first: i64, last: i64) -> StoreResult<Option<usize>> {
        let Some(cache) = self.grant_cache() else {
            return Ok(Some(0));
        };
        let began = cache.generation();
        let sql = format!("SELECT {GRANT_COLUMNS} FROM grants WHERE user_id BETWEEN $1 AND $2");
        // The statement holds only a constant list of columns; every value is bound.
        let rows: Vec<GrantRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(first)
            .bind(last)
            .fetch_all(&self.pool)
            .await?;
        let count = rows.len();
        let mut grants = HashMap::new();
        group_by_user(rows, &mut grants);
        Ok(cache.fill(began, grants).then_some(count))
    }

    /// Whether partner checks read grants from memory (SQLite only).
    pub fn caches_grants(&self) -> bool {
        self.grant_cache().is_some()
    }

    /// Every partner's slug with the hash of its API key, if it has one.
    pub async fn partner_key_hashes(&self) -> StoreResult<Vec<(String, Option<String>)>> {
        Ok(sqlx::query_as("SELECT slug, api_key_hash FROM partners ORDER BY slug")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Gives a partner a key only if it has none, so a key set on purpose is never replaced.
    pub async fn set_partner_key_hash_if_missing(&self, partner_slug: &str, key_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_catalog_write().await?;
        sqlx::query("UPDATE partners SET api_key_hash = $1 WHERE slug = $2 AND api_key_hash IS NULL")
            .bind(key_hash)
            .bind(partner_slug)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
