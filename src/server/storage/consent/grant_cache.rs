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
use crate::server::storage::activity::AccessKey;
use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Past this many users the cache starts over, so memory stays bounded (about 1.4 GB at 25
/// grants each, 56 bytes a grant; the benchmark's 100,000 users fit ten times over).
const MOST_USERS: usize = 1_000_000;

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

/// The state of `key`'s grant among one user's grants, if the user has it. A user has a few
/// dozen grants at most, so a scan beats anything cleverer.
pub fn state_of(grants: &[CachedGrant], key: &AccessKey) -> Option<GrantState> {
    grants
        .iter()
        .find(|grant| {
            grant.partner_id == key.partner_id && grant.category_id == key.category_id && grant.access == key.access
        })
        .map(|grant| grant.state)
}

#[derive(Default)]
struct Entries {
    /// Bumped by every write, so a load that raced one does not put back what it replaced.
    generation: u64,
    /// Every cached user's grants; a user without any is cached as empty.
    users: HashMap<i64, Box<[CachedGrant]>>,
}

#[derive(Default)]
pub struct GrantCache {
    entries: RwLock<Entries>,
}

impl GrantCache {
    // A panic while holding the lock leaves the map whole (every change is one call on it), so a
    // poisoned lock is used as it is rather than failing every check after it.
    fn read(&self) -> RwLockReadGuard<'_, Entries> {
        self.entries.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Entries> {
        self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Call before reading grants from the database, and pass the result to `fill`.
    pub fn generation(&self) -> Generation {
        Generation(self.read().generation)
    }

    /// The state of each asked grant whose user is cached (`None` where that user never had
    /// it), in the order asked, and the positions of the asks whose user is not cached.
    pub fn states(&self, asked: &[AccessKey]) -> (Vec<Option<GrantState>>, Vec<usize>) {
        let entries = self.read();
        let mut states = Vec::with_capacity(asked.len());
        let mut uncached = Vec::new();
        for (position, key) in asked.iter().enumerate() {
            match entries.users.get(&key.user_id) {
                Some(grants) => states.push(state_of(grants, key)),
                None => {
                    states.push(None);
                    uncached.push(position);
                }
            }
        }
        (states, uncached)
    }

    /// Caches what a load read, unless a grant was written since `began`; returns whether it did.
    /// Every user in `loaded` is cached, those with no grants as empty.
    pub fn fill(&self, began: Generation, loaded: HashMap<i64, Vec<CachedGrant>>) -> bool {
        let mut entries = self.write();
        if entries.generation != began.0 {
            return false;
        }
        if entries.users.len() + loaded.len() > MOST_USERS {
            entries.users = HashMap::new();
        }
        entries.users.reserve(loaded.len());
        for (user_id, grants) in loaded {
            entries.users.insert(user_id, grants.into_boxed_slice());
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

    fn grant(partner_id: i64, category_id: i64, status: GrantStatus) -> CachedGrant {
        CachedGrant {
            partner_id,
            category_id,
            access: Access::Read,
            state: GrantState {
                status,
                changed_at: 10,
                expires_at: None,
            },
        }
    }

    fn key(user_id: i64, partner_id: i64, category_id: i64) -> AccessKey {
        AccessKey {
            user_id,
            partner_id,
            category_id,
            access: Access::Read,
        }
    }

    #[test]
    fn a_check_finds_exactly_its_own_grant() {
        let cache = GrantCache::default();
        let grants = vec![
            grant(3, 1, GrantStatus::Active),
            grant(1, 1, GrantStatus::Withdrawn),
            grant(1, 2, GrantStatus::Active),
        ];
        assert!(cache.fill(cache.generation(), HashMap::from([(7, grants)])));
        let status = |partner_id, category_id| {
            let (states, uncached) = cache.states(&[key(7, partner_id, category_id)]);
            assert!(uncached.is_empty());
            states[0].map(|state| state.status)
        };
        assert_eq!(status(1, 1), Some(GrantStatus::Withdrawn));
        assert_eq!(status(1, 2), Some(GrantStatus::Active));
        assert_eq!(
            status(3, 2),
            None,
            "another partner's grant of that category is not this one's"
        );
        let write = AccessKey {
            access: Access::Write,
            ..key(7, 1, 2)
        };
        assert_eq!(cache.states(&[write]).0, vec![None], "read was granted, not write");
    }

    #[test]
    fn a_write_forgets_what_was_cached() {
        let cache = GrantCache::default();
        let loaded = HashMap::from([(7, vec![grant(1, 2, GrantStatus::Active)]), (8, vec![])]);
        assert!(cache.fill(cache.generation(), loaded));
        let (states, uncached) = cache.states(&[key(7, 1, 2), key(8, 1, 2), key(9, 1, 2)]);
        assert_eq!(states, vec![Some(grant(1, 2, GrantStatus::Active).state), None, None]);
        assert_eq!(uncached, vec![2], "a user without grants is cached too");
        cache.forget(7);
        assert_eq!(
            cache.states(&[key(7, 1, 2), key(8, 1, 2)]).1,
            vec![0],
            "only the written user is forgotten"
        );
    }

    #[test]
    fn a_load_that_began_before_a_write_does_not_put_back_the_old_state() {
        let cache = GrantCache::default();
        let began = cache.generation();
        // The load read "active"; meanwhile the user withdrew and the write forgot the user.
        cache.forget(7);
        let stale = HashMap::from([(7, vec![grant(1, 2, GrantStatus::Active)])]);
        assert!(!cache.fill(began, stale));
        assert_eq!(
            cache.states(&[key(7, 1, 2)]).1,
            vec![0],
            "still missing, so the next check reads the database"
        );
        let fresh = HashMap::from([(7, vec![grant(1, 2, GrantStatus::Withdrawn)])]);
        assert!(
            cache.fill(cache.generation(), fresh),
            "a load begun after the write fills"
        );
    }

    #[test]
    fn past_the_most_users_the_cache_starts_over() {
        let cache = GrantCache::default();
        let many: HashMap<i64, Vec<CachedGrant>> = (0..MOST_USERS as i64).map(|id| (id, vec![])).collect();
        assert!(cache.fill(cache.generation(), many));
        assert!(cache.fill(cache.generation(), HashMap::from([(-1, vec![])])));
        let (_, uncached) = cache.states(&[key(0, 1, 2), key(-1, 1, 2)]);
        assert_eq!(uncached, vec![0], "the earlier users were dropped, the newest kept");
        assert_eq!(cache.read().users.len(), 1);
    }
}
