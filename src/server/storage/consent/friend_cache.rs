//! What a check through a friend reads, kept in memory on SQLite like the grants (see
//! `user_cache`): each friend's friends, and each person's "no"s to being seen through friends.
//! A friendship write forgets the friends lists of everyone it changed, and a person's ledger
//! write (where every "no" and its undo is written) forgets their "no"s, before either returns.

use super::friends::FriendFacts;
use super::user_cache::UserCache;
use crate::server::storage::Store;
use crate::server::storage::error::StoreResult;
use crate::server::storage::sql_lists::placeholders;
use std::collections::{BTreeSet, HashMap};

/// Past this many friend ids (8 bytes each) the friends lists start over: about 240 MB. The
/// benchmark's 100,000 people with 150 friends each fit twice over.
const MOST_FRIEND_IDS: usize = 30_000_000;

/// Past this many "no"s the cache of them starts over. Most people have none.
const MOST_REFUSALS: usize = 5_000_000;

/// One of a person's "no"s: to one partner, or (`None`) to every partner, since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub partner_id: Option<i64>,
    pub since: i64,
}

/// Since when the person has said no to `partner_id` seeing them through friends, if they have:
/// the earliest "no" that covers it.
pub fn refused_since(refusals: &[Refusal], partner_id: i64) -> Option<i64> {
    refusals
        .iter()
        .filter(|refusal| refusal.partner_id.is_none_or(|id| id == partner_id))
        .map(|refusal| refusal.since)
        .min()
}

pub struct FriendCache {
    /// Each cached person's friends, sorted by id.
    pub(super) friends: UserCache<Box<[i64]>>,
    pub(super) refusals: UserCache<Box<[Refusal]>>,
}

impl Default for FriendCache {
    fn default() -> Self {
        FriendCache {
            friends: UserCache::new(MOST_FRIEND_IDS),
            refusals: UserCache::new(MOST_REFUSALS),
        }
    }
}

/// Users in `wanted` that `cache` lacks, and a copy of what it holds of the others.
fn split<V: Clone + super::user_cache::Weigh>(
    cache: &UserCache<V>,
    wanted: &BTreeSet<i64>,
) -> (HashMap<i64, V>, Vec<i64>) {
    cache.with(|users| {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        for id in wanted {
            match users.get(id) {
                Some(value) => {
                    found.insert(*id, value.clone());
                }
                None => missing.push(*id),
            }
        }
        (found, missing)
    })
}

impl Store {
    /// `friend_facts` from the cache, loading what it lacks: one query for the friends lists
    /// of the friends named that it lacks, one for the "no"s of the people it lacks.
    pub(super) async fn cached_friend_facts(
        &self,
        cache: &FriendCache,
        partner_id: i64,
        pairs: &[(i64, i64)],
    ) -> StoreResult<Vec<FriendFacts>> {
        let friends_named: BTreeSet<i64> = pairs.iter().map(|(_, friend)| *friend).collect();
        let people: BTreeSet<i64> = pairs.iter().map(|(person, _)| *person).collect();

        let (mut lists, missing) = split(&cache.friends, &friends_named);
        if !missing.is_empty() {
            let began = cache.friends.generation();
            let loaded = self.friend_ids_of(&missing).await?;
            lists.extend(loaded.iter().map(|(id, list)| (*id, list.clone())));
            cache.friends.fill(began, loaded);
        }
        let (mut refusals, missing) = split(&cache.refusals, &people);
        if !missing.is_empty() {
            let began = cache.refusals.generation();
            let loaded = self.refusals_of(&missing).await?;
            refusals.extend(loaded.iter().map(|(id, list)| (*id, list.clone())));
            cache.refusals.fill(began, loaded);
        }
        Ok(pairs
            .iter()
            .map(|(person, friend)| FriendFacts {
                are_friends: lists.get(friend).is_some_and(|list| list.binary_search(person).is_ok()),
                refused_since: refusals.get(person).and_then(|list| refused_since(list, partner_id)),
            })
            .collect())
    }

    /// Loads the friends lists and "no"s of the users `ids` (sorted, one range of ids) into the
    /// cache; returns how many friendships it read, or `None` if a write raced the load.
    pub async fn warm_friend_cache(&self, ids: &[i64]) -> StoreResult<Option<usize>> {
        let (Some(cache), Some(first), Some(last)) = (&self.friends, ids.first(), ids.last()) else {
            return Ok(Some(0));
        };
        let began = (cache.friends.generation(), cache.refusals.generation());
        let pairs: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT user_id, friend_id FROM friendships WHERE user_id BETWEEN $1 AND $2 ORDER BY user_id, friend_id",
        )
        .bind(first)
        .bind(last)
        .fetch_all(&self.pool)
        .await?;
        let said: Vec<(i64, Option<i64>, i64)> =
            sqlx::query_as("SELECT user_id, partner_id, since FROM friend_refusals WHERE user_id BETWEEN $1 AND $2")
                .bind(first)
                .bind(last)
                .fetch_all(&self.pool)
                .await?;
        let read = pairs.len();
        let mut lists: HashMap<i64, Vec<i64>> = ids.iter().map(|id| (*id, Vec::new())).collect();
        for (user_id, friend_id) in pairs {
            lists.entry(user_id).or_default().push(friend_id);
        }
        let mut refusals: HashMap<i64, Vec<Refusal>> = ids.iter().map(|id| (*id, Vec::new())).collect();
        for (user_id, partner_id, since) in said {
            refusals.entry(user_id).or_default().push(Refusal { partner_id, since });
        }
        let filled_lists = cache.friends.fill(
            began.0,
            lists.into_iter().map(|(id, list)| (id, list.into_boxed_slice())),
        );
        let filled_refusals = cache.refusals.fill(
            began.1,
            refusals.into_iter().map(|(id, list)| (id, list.into_boxed_slice())),
        );
        Ok((filled_lists && filled_refusals).then_some(read))
    }

    /// Each user's friends, sorted; every user asked is present, with none if they have none.
    async fn friend_ids_of(&self, user_ids: &[i64]) -> StoreResult<HashMap<i64, Box<[i64]>>> {
        let sql = format!(
            "SELECT user_id, friend_id FROM friendships WHERE user_id IN ({}) ORDER BY user_id, friend_id",
            placeholders(self.engine(), 1, user_ids.len())
        );
        // The statement holds only generated placeholders; every value is bound.
        let mut query = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql));
        for id in user_ids {
            query = query.bind(*id);
        }
        let mut lists: HashMap<i64, Vec<i64>> = user_ids.iter().map(|id| (*id, Vec::new())).collect();
        for (user_id, friend_id) in query.fetch_all(&self.pool).await? {
            lists.entry(user_id).or_default().push(friend_id);
        }
        Ok(lists
            .into_iter()
            .map(|(id, list)| (id, list.into_boxed_slice()))
            .collect())
    }

    /// Each person's "no"s; every person asked is present, with none if they said none.
    async fn refusals_of(&self, user_ids: &[i64]) -> StoreResult<HashMap<i64, Box<[Refusal]>>> {
        let sql = format!(
            "SELECT user_id, partner_id, since FROM friend_refusals WHERE user_id IN ({})",
            placeholders(self.engine(), 1, user_ids.len())
        );
        // The statement holds only generated placeholders; every value is bound.
        let mut query = sqlx::query_as::<_, (i64, Option<i64>, i64)>(sqlx::AssertSqlSafe(sql));
        for id in user_ids {
            query = query.bind(*id);
        }
        let mut found: HashMap<i64, Vec<Refusal>> = user_ids.iter().map(|id| (*id, Vec::new())).collect();
        for (user_id, partner_id, since) in query.fetch_all(&self.pool).await? {
            found.entry(user_id).or_default().push(Refusal { partner_id, since });
        }
        Ok(found
            .into_iter()
            .map(|(id, list)| (id, list.into_boxed_slice()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_no_that_covers_the_partner_counts() {
        let refusals = [
            Refusal {
                partner_id: Some(3),
                since: 50,
            },
            Refusal {
                partner_id: None,
                since: 80,
            },
        ];
        assert_eq!(refused_since(&refusals, 3), Some(50));
        assert_eq!(
            refused_since(&refusals, 4),
            Some(80),
            "a no to everyone covers every partner"
        );
        assert_eq!(
            refused_since(&refusals[..1], 4),
            None,
            "a no to one partner is not to another"
        );
    }
}
