//! The grants of each user, kept in memory for the partner check by the one process that serves
//! a SQLite database. Every grant write of this store forgets the user's entry after it commits
//! and before it returns, so a revocation is denied by the very next check.
//!
//! A load that raced a write must not put back what the write replaced: each write bumps a
//! generation under the same lock that removes the entry, and a load only fills the cache if no
//! write happened since it began reading.
//!
//! PostgreSQL never uses this: several instances share that database, and one instance cannot
//! forget what another cached.

use crate::domain::access::Access;
use crate::domain::decision::GrantState;
use std::collections::HashMap;
use std::sync::RwLock;

/// Past this many users the cache starts over, so memory stays bounded (about 100 MB at 25
/// grants each).
const MOST_USERS: usize = 2_000_000;

/// One grant as the check needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedGrant {
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
    pub state: GrantState,
}

/// Where a load began, to hand back to `fill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(u64);

#[derive(Default)]
struct Entries {
    generation: u64,
    /// Each user's grants sorted by partner, so a check looks at its partner's grants only:
    /// with 100,000 users these are cold memory, and every cache line read costs.
    users: HashMap<i64, Box<[CachedGrant]>>,
}

#[derive(Default)]
pub struct GrantCache {
    entries: RwLock<Entries>,
}

impl GrantCache {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Entries> {
        self.entries.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Entries> {
        self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Call before reading grants from the database, and pass the result to `fill`.
    pub fn generation(&self) -> Generation {
        Generation(self.read().generation)
    }

    /// The grants `partner_id` holds among the cached grants of `user_ids` (with their user),
    /// and the users that are not cached. Read in place, under the lock: no copy, no refcount.
    pub fn of_partner(&self, partner_id: i64, user_ids: &[i64]) -> (Vec<(i64, CachedGrant)>, Vec<i64>) {
        let entries = self.read();
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for user_id in user_ids {
            match entries.users.get(user_id) {
                Some(grants) => {
                    let first = grants.partition_point(|grant| grant.partner_id < partner_id);
                    let theirs = grants[first..]
                        .iter()
                        .take_while(|grant| grant.partner_id == partner_id);
                    found.extend(theirs.map(|grant| (*user_id, *grant)));
                }
                None => missing.push(*user_id),
            }
        }
        (found, missing)
    }

    /// Caches what a load read, unless a grant was written since `began`; returns whether it did.
    /// Every user in `loaded` is cached, those with no grants as empty.
    pub fn fill(&self, began: Generation, loaded: HashMap<i64, Vec<CachedGrant>>) -> bool {
        let mut entries = self.write();
        if entries.generation != began.0 {
            return false;
        }
        if entries.users.len() + loaded.len() > MOST_USERS {
            entries.users.clear();
        }
        for (user_id, mut grants) in loaded {
            grants.sort_unstable_by_key(|grant| grant.partner_id);
            entries.users.insert(user_id, grants.into());
        }
        true
    }

    /// Forgets a user's grants after a write to them (whether or not it committed).
    pub fn forget(&self, user_id: i64) {
        let mut entries = self.write();
        entries.generation += 1;
        entries.users.remove(&user_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decision::GrantStatus;

    fn grant(status: GrantStatus) -> CachedGrant {
        CachedGrant {
            partner_id: 1,
            category_id: 2,
            access: Access::Read,
            state: GrantState {
                status,
                changed_at: 10,
                expires_at: None,
            },
        }
    }

    #[test]
    fn a_check_sees_only_its_partners_grants() {
        let cache = GrantCache::default();
        let of = |partner_id, category_id| CachedGrant {
            partner_id,
            category_id,
            ..grant(GrantStatus::Active)
        };
        let loaded = HashMap::from([(7, vec![of(3, 1), of(1, 1), of(2, 1), of(1, 2), of(3, 2)])]);
        assert!(cache.fill(cache.generation(), loaded));
        let categories = |partner_id| -> Vec<i64> {
            cache
                .of_partner(partner_id, &[7])
                .0
                .iter()
                .map(|(_, g)| g.category_id)
                .collect()
        };
        assert_eq!(categories(1), vec![1, 2]);
        assert_eq!(categories(3), vec![1, 2]);
        assert_eq!(categories(4), Vec::<i64>::new());
    }

    #[test]
    fn a_load_that_began_before_a_write_does_not_put_back_the_old_state() {
        let cache = GrantCache::default();
        let began = cache.generation();
        // The load read "active"; meanwhile the user withdrew and the write forgot the user.
        cache.forget(7);
        assert!(!cache.fill(began, HashMap::from([(7, vec![grant(GrantStatus::Active)])])));
        assert_eq!(
            cache.of_partner(1, &[7]).1,
            vec![7],
            "still missing, so the next check reads the database"
        );
    }

    #[test]
    fn a_write_forgets_what_was_cached() {
        let cache = GrantCache::default();
        assert!(cache.fill(
            cache.generation(),
            HashMap::from([(7, vec![grant(GrantStatus::Active)]), (8, vec![])])
        ));
        let (found, missing) = cache.of_partner(1, &[7, 8, 9]);
        assert_eq!(found, vec![(7, grant(GrantStatus::Active))]);
        assert_eq!(missing, vec![9], "a user without grants is cached too");
        cache.forget(7);
        assert_eq!(cache.of_partner(1, &[7, 8]).1, vec![7]);
    }
}
