//! Something of each user, kept in memory for the partner check by the one process that serves
//! a SQLite database: their grants, their friends, their "no"s to being seen through friends.
//! Every write of this store forgets the users it changed after it ends and before it returns,
//! so the very next check reads the committed state.
//!
//! A load that raced a write must not put back what the write replaced: each write bumps a
//! generation under the same lock that removes the entry, and a load only fills the cache if no
//! write happened since it began reading.
//!
//! PostgreSQL never uses this: several instances share that database, and one instance cannot
//! forget what another cached.

use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// How much memory an entry holds, in the units of the cache's bound (one per stored item).
pub trait Weigh {
    fn weight(&self) -> usize;
}

impl<T> Weigh for Box<[T]> {
    fn weight(&self) -> usize {
        1 + self.len()
    }
}

/// Where a load began, to hand back to `fill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(u64);

struct Entries<V> {
    /// Bumped by every write, so a load that raced one does not put back what it replaced.
    generation: u64,
    /// The sum of the entries' weights.
    weight: usize,
    users: HashMap<i64, V>,
}

pub struct UserCache<V> {
    entries: RwLock<Entries<V>>,
    /// Past this weight the cache starts over, so memory stays bounded.
    most: usize,
}

impl<V: Weigh> UserCache<V> {
    pub fn new(most: usize) -> Self {
        UserCache {
            entries: RwLock::new(Entries {
                generation: 0,
                weight: 0,
                users: HashMap::new(),
            }),
            most,
        }
    }

    // A panic while holding the lock leaves the map whole (every change is one call on it), so a
    // poisoned lock is used as it is rather than failing every check after it.
    fn read(&self) -> RwLockReadGuard<'_, Entries<V>> {
        self.entries.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Entries<V>> {
        self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Call before reading from the database, and pass the result to `fill`.
    pub fn generation(&self) -> Generation {
        Generation(self.read().generation)
    }

    /// Runs `look` on the cached users, under one read of the lock.
    pub fn with<R>(&self, look: impl FnOnce(&HashMap<i64, V>) -> R) -> R {
        look(&self.read().users)
    }

    /// Caches what a load read, unless a write happened since `began`; returns whether it did.
    pub fn fill(&self, began: Generation, loaded: impl IntoIterator<Item = (i64, V)>) -> bool {
        let mut entries = self.write();
        if entries.generation != began.0 {
            return false;
        }
        for (user_id, value) in loaded {
            let weight = value.weight();
            if entries.weight + weight > self.most {
                entries.users = HashMap::new();
                entries.weight = 0;
            }
            entries.weight += weight;
            if let Some(replaced) = entries.users.insert(user_id, value) {
                entries.weight -= replaced.weight();
            }
        }
        true
    }

    /// Forgets a user after a write to them (whether or not it committed).
    pub fn forget(&self, user_id: i64) {
        let mut entries = self.write();
        entries.generation += 1;
        if let Some(forgotten) = entries.users.remove(&user_id) {
            entries.weight -= forgotten.weight();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Ids = Box<[i64]>;

    fn cached(cache: &UserCache<Ids>, user_id: i64) -> Option<Vec<i64>> {
        cache.with(|users| users.get(&user_id).map(|ids| ids.to_vec()))
    }

    #[test]
    fn a_write_forgets_only_its_user() {
        let cache = UserCache::<Ids>::new(100);
        assert!(cache.fill(cache.generation(), [(7, Ids::from([1, 2])), (8, Ids::from([]))]));
        cache.forget(7);
        assert_eq!(cached(&cache, 7), None);
        assert_eq!(cached(&cache, 8), Some(vec![]), "a user with nothing is cached too");
    }

    #[test]
    fn a_load_that_began_before_a_write_does_not_put_back_the_old_state() {
        let cache = UserCache::<Ids>::new(100);
        let began = cache.generation();
        // The load read the old state; meanwhile a write changed the user and forgot them.
        cache.forget(7);
        assert!(!cache.fill(began, [(7, Ids::from([1]))]));
        assert_eq!(
            cached(&cache, 7),
            None,
            "still missing, so the next check reads the database"
        );
        assert!(
            cache.fill(cache.generation(), [(7, Ids::from([2]))]),
            "a load begun after the write fills"
        );
        assert_eq!(cached(&cache, 7), Some(vec![2]));
    }

    #[test]
    fn past_its_weight_the_cache_starts_over() {
        let cache = UserCache::<Ids>::new(10);
        assert!(cache.fill(
            cache.generation(),
            [(1, Ids::from([1, 2, 3])), (2, Ids::from([1, 2, 3]))]
        ));
        assert!(cache.fill(cache.generation(), [(3, Ids::from([1, 2, 3]))]));
        assert_eq!(cached(&cache, 1), None, "the earlier users were dropped");
        assert_eq!(cached(&cache, 3), Some(vec![1, 2, 3]), "the newest kept");
        cache.forget(3);
        assert!(
            cache.fill(cache.generation(), [(1, Ids::from([1; 9]))]),
            "forgetting frees its weight"
        );
        assert_eq!(cached(&cache, 1).map(|ids| ids.len()), Some(9));
    }
}
