//! Friendships, as the platform keeps them current (each stored both ways), and what a check
//! through a friend reads of them: whether two people are friends, and whether the person said
//! no to a partner seeing them through friends. On PostgreSQL checks read the database every
//! time; on SQLite through `friend_cache`, which every friendship write and every ledger write
//! makes forget what they changed before returning. Either way a friendship ended or a "no"
//! said is enforced by the very next check.

use super::ledger::{Changes, WriteTx};
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;
use crate::server::storage::sql_lists::placeholders;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One of a person's friends, for the platform API.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Friend {
    pub handle: String,
    pub name: String,
    pub since: i64,
}

/// What a check through a friend needs to know about one (person, friend) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FriendFacts {
    pub are_friends: bool,
    /// Since when the person has said no to this partner (or to all) seeing them through friends.
    pub refused_since: Option<i64>,
}

impl Store {
    /// A write of the friendships between `user_ids` (and any added with `changes_friends_of`).
    async fn begin_friends_write(&self, user_ids: &[i64]) -> StoreResult<WriteTx> {
        let tx = self.begin_write(&self.pool).await?;
        Ok(WriteTx::new(tx, self, Changes::FriendsOf(user_ids.to_vec())))
    }

    /// Makes `friend_ids` exactly `user_id`'s friends: new ones from `now`, ended ones gone,
    /// kept ones with their date. Both directions change in one transaction.
    pub async fn set_friends(&self, user_id: i64, friend_ids: &[i64], now: i64) -> StoreResult<()> {
        let mut tx = self.begin_friends_write(&[user_id]).await?;
        let current: Vec<i64> = sqlx::query_scalar("SELECT friend_id FROM friendships WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *tx)
            .await?;
        let wanted: HashSet<i64> = friend_ids.iter().copied().collect();
        tx.changes_friends_of(current.iter().chain(&wanted).copied());
        for ended in current.iter().filter(|id| !wanted.contains(id)) {
            delete_both_ways(&mut tx, user_id, *ended).await?;
        }
        let current: HashSet<i64> = current.into_iter().collect();
        for added in wanted.iter().filter(|id| !current.contains(id)) {
            insert_both_ways(&mut tx, user_id, *added, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Makes the two friends from `now`; false if they already were (nothing changes).
    pub async fn add_friendship(&self, user_id: i64, friend_id: i64, now: i64) -> StoreResult<bool> {
        let mut tx = self.begin_friends_write(&[user_id, friend_id]).await?;
        let already: Option<i64> =
            sqlx::query_scalar("SELECT since FROM friendships WHERE user_id = $1 AND friend_id = $2")
                .bind(user_id)
                .bind(friend_id)
                .fetch_optional(&mut *tx)
                .await?;
        if already.is_some() {
            return Ok(false);
        }
        insert_both_ways(&mut tx, user_id, friend_id, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ends the friendship; false if there was none.
    pub async fn end_friendship(&self, user_id: i64, friend_id: i64) -> StoreResult<bool> {
        let mut tx = self.begin_friends_write(&[user_id, friend_id]).await?;
        let ended = delete_both_ways(&mut tx, user_id, friend_id).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// A person's friends, by name.
    pub async fn friends_of(&self, user_id: i64) -> StoreResult<Vec<Friend>> {
        Ok(sqlx::query_as(
            "SELECT u.handle, u.display_name AS name, f.since FROM friendships f \
             JOIN users u ON u.id = f.friend_id WHERE f.user_id = $1 ORDER BY u.display_name, u.handle",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// For each (person, friend) pair asked by `partner_id`, in order: are they friends, and
    /// since when the person has said no to this partner (or to all) seeing them through friends.
    pub async fn friend_facts(&self, partner_id: i64, pairs: &[(i64, i64)]) -> StoreResult<Vec<FriendFacts>> {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(cache) = &self.friends {
            return self.cached_friend_facts(cache, partner_id, pairs).await;
        }
        // Usually a batch asks through one friend (a friend's whole list): one query per friend
        // named, a seek per person by the primary key, which also reads since when each person
        // found said no to this partner (a "no" matters only between friends).
        let mut by_friend: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        for &(person, friend) in pairs {
            by_friend.entry(friend).or_default().insert(person);
        }
        let mut found: HashMap<(i64, i64), Option<i64>> = HashMap::new();
        for (friend, asked) in by_friend {
            let sql = format!(
                "SELECT f.user_id, (SELECT MIN(r.since) FROM friend_refusals r WHERE r.user_id = f.user_id \
                 AND (r.partner_id = $1 OR r.partner_id IS NULL)) AS refused_since \
                 FROM friendships f WHERE f.friend_id = $2 AND f.user_id IN ({})",
                placeholders(self.engine(), 3, asked.len())
            );
            // The statement holds only generated placeholders; every value is bound.
            let mut query = sqlx::query_as::<_, (i64, Option<i64>)>(sqlx::AssertSqlSafe(sql))
                .bind(partner_id)
                .bind(friend);
            for person in asked {
                query = query.bind(person);
            }
            for (person, refused_since) in query.fetch_all(&self.pool).await? {
                found.insert((person, friend), refused_since);
            }
        }
        Ok(pairs
            .iter()
            .map(|pair| FriendFacts {
                are_friends: found.contains_key(pair),
                refused_since: found.get(pair).copied().flatten(),
            })
            .collect())
    }
}

async fn insert_both_ways(tx: &mut WriteTx, a: i64, b: i64, now: i64) -> StoreResult<()> {
    for (user_id, friend_id) in [(a, b), (b, a)] {
        sqlx::query("INSERT INTO friendships (user_id, friend_id, since) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(friend_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn delete_both_ways(tx: &mut WriteTx, a: i64, b: i64) -> StoreResult<bool> {
    let deleted = sqlx::query(
        "DELETE FROM friendships WHERE (user_id = $1 AND friend_id = $2) OR (user_id = $2 AND friend_id = $1)",
    )
    .bind(a)
    .bind(b)
    .execute(&mut **tx)
    .await?;
    Ok(deleted.rows_affected() > 0)
}
