//! The grants of each user, kept in memory for the partner check by the one process that serves
//! a SQLite database (see `user_cache` for how writes keep it fresh). PostgreSQL never uses it.

use super::user_cache::{Generation, UserCache};
use crate::domain::access::Access;
use crate::domain::decision::GrantState;
use crate::server::storage::activity::AccessKey;
use std::collections::HashMap;

/// Past this many grants and users together the cache starts over, so memory stays bounded
/// (about 1.4 GB at 56 bytes a grant; the benchmark's 100,000 users at 25 grants each fit ten
/// times over).
const MOST_GRANTS: usize = 26_000_000;

/// One grant as the check needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedGrant {
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
    pub state: GrantState,
}

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

pub struct GrantCache(UserCache<Box<[CachedGrant]>>);

impl Default for GrantCache {
    fn default() -> Self {
        GrantCache(UserCache::new(MOST_GRANTS))
    }
}

impl GrantCache {
    /// Call before reading grants from the database, and pass the result to `fill`.
    pub fn generation(&self) -> Generation {
        self.0.generation()
    }

    /// The state of each asked grant whose user is cached (`None` where that user never had
    /// it), in the order asked, and the positions of the asks whose user is not cached.
    pub fn states(&self, asked: &[AccessKey]) -> (Vec<Option<GrantState>>, Vec<usize>) {
        self.0.with(|users| {
            let mut states = Vec::with_capacity(asked.len());
            let mut uncached = Vec::new();
            for (position, key) in asked.iter().enumerate() {
                match users.get(&key.user_id) {
                    Some(grants) => states.push(state_of(grants, key)),
                    None => {
                        states.push(None);
                        uncached.push(position);
                    }
                }
            }
            (states, uncached)
        })
    }

    /// Caches what a load read, unless a grant was written since `began`; returns whether it did.
    /// Every user in `loaded` is cached, those with no grants as empty.
    pub fn fill(&self, began: Generation, loaded: HashMap<i64, Vec<CachedGrant>>) -> bool {
        self.0.fill(
            began,
            loaded
                .into_iter()
                .map(|(user_id, grants)| (user_id, grants.into_boxed_slice())),
        )
    }

    /// Forgets a user's grants after a write to them (whether or not it committed).
    pub fn forget(&self, user_id: i64) {
        self.0.forget(user_id);
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
}
