//! What the partner API reads from the store: whole batches of questions in one query each,
//! and the partners' API key hashes.

use super::Store;
use super::error::{StoreError, StoreResult};
use super::sql_lists::placeholders;
use crate::domain::access::Access;
use crate::domain::decision::{GrantState, GrantStatus};
use std::collections::{BTreeSet, HashMap};

fn undecodable(what: &str, raw: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(format!("unknown {what} {raw}").into()))
}

/// The grants one partner holds, keyed by (user id, category id, access).
pub type GrantStates = HashMap<(i64, i64, Access), GrantState>;

impl Store {
    /// The ids of the users with these handles; a handle nobody has is simply absent.
    pub async fn user_ids_by_handles(&self, handles: &[&str]) -> StoreResult<HashMap<String, i64>> {
        let distinct: BTreeSet<&str> = handles.iter().copied().collect();
        if distinct.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT handle, id FROM users WHERE handle IN ({})",
            placeholders(1, distinct.len())
        );
        // The statement holds only generated placeholders; every value is bound.
        let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
        for handle in distinct {
            query = query.bind(handle);
        }
        Ok(query.fetch_all(&self.pool).await?.into_iter().collect())
    }

    /// Every grant `partner_id` holds from these users, as a partner's check needs it.
    pub async fn grant_states_of_partner(&self, partner_id: i64, user_ids: &[i64]) -> StoreResult<GrantStates> {
        let distinct: BTreeSet<i64> = user_ids.iter().copied().collect();
        if distinct.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT user_id, category_id, access, status, changed_at, expires_at FROM grants \
             WHERE partner_id = $1 AND user_id IN ({})",
            placeholders(2, distinct.len())
        );
        // The statement holds only generated placeholders; every value is bound.
        let mut query = sqlx::query_as::<_, (i64, i64, String, String, i64, Option<i64>)>(sqlx::AssertSqlSafe(sql))
            .bind(partner_id);
        for user_id in distinct {
            query = query.bind(user_id);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|(user_id, category_id, access, status, changed_at, expires_at)| {
                let access = Access::parse(&access).map_err(|_| undecodable("access", &access))?;
                let status = GrantStatus::parse(&status).ok_or_else(|| undecodable("grant status", &status))?;
                let state = GrantState {
                    status,
                    changed_at,
                    expires_at,
                };
                Ok(((user_id, category_id, access), state))
            })
            .collect()
    }

    /// Every partner's slug with the hash of its API key, if it has one.
    pub async fn partner_key_hashes(&self) -> StoreResult<Vec<(String, Option<String>)>> {
        Ok(sqlx::query_as("SELECT slug, api_key_hash FROM partners ORDER BY slug")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Gives a partner a key only if it has none, so a key set on purpose is never replaced.
    pub async fn set_partner_key_hash_if_missing(&self, partner_slug: &str, key_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE partners SET api_key_hash = $1 WHERE slug = $2 AND api_key_hash IS NULL")
            .bind(key_hash)
            .bind(partner_slug)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn numbers_placeholders_from_the_first_free_one() {
        assert_eq!(placeholders(1, 3), "$1, $2, $3");
        assert_eq!(placeholders(2, 1), "$2");
    }
}
