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

use super::activity::AccessKey;
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
    users: HashMap<i64, UserGrants>,
}

/// One user's grants as the check reads them: with 100,000 users these are cold memory, and
/// every cache line read waits on it. The grants' keys are packed into eight bytes each, side by
/// side (a user's 25 fit in four cache lines, which the processor fetches together as a scan
/// walks them), and only the one state found is read after them: two trips to memory, where a
/// binary search over whole grants took five or six.
struct UserGrants {
    keys: Box<[u64]>,
    states: Box<[GrantState]>,
}

/// A grant's partner, category and access in one number, if the ids fit (ids the database
/// gives are small positive numbers; one that does not fit is never cached, only read).
fn packed(partner_id: i64, category_id: i64, access: Access) -> Option<u64> {
    let partner = u64::try_from(partner_id).ok().filter(|id| *id < 1 << 40)?;
    let category = u64::try_from(category_id).ok().filter(|id| *id < 1 << 22)?;
    let access = match access {
        Access::Read => 0,
        Access::Write => 1,
        Access::Delete => 2,
    };
    Some(partner << 24 | category << 2 | access)
}

impl UserGrants {
    /// `None` if a grant's ids cannot be packed.
    fn new(grants: &[CachedGrant]) -> Option<Self> {
        let keys = grants
            .iter()
            .map(|grant| packed(grant.partner_id, grant.category_id, grant.access))
            .collect::<Option<Box<[u64]>>>()?;
        let states = grants.iter().map(|grant| grant.state).collect();
        Some(UserGrants { keys, states })
    }

    /// The state of `key`'s grant, if the user has it; `Err` if the key cannot be packed.
    fn state_of(&self, key: &AccessKey) -> Result<Option<GrantState>, ()> {
        let wanted = packed(key.partner_id, key.category_id, key.access).ok_or(())?;
        Ok(self
            .keys
            .iter()
            .position(|packed| *packed == wanted)
            .map(|found| self.states[found]))
    }
}

/// The state of `key`'s grant among one user's grants, if the user has it.
pub fn state_of(grants: &[CachedGrant], key: &AccessKey) -> Option<GrantState> {
    grants
        .iter()
        .find(|grant| {
            grant.partner_id == key.partner_id && grant.category_id == key.category_id && grant.access == key.access
        })
        .map(|grant| grant.state)
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

    /// The state of each asked grant whose user is cached (`None` where that user never had
    /// it), in the order asked, and the positions of the asks whose user is not cached. Read in
    /// place, under the lock: no copy, no refcount.
    pub fn states(&self, asked: &[AccessKey]) -> (Vec<Option<GrantState>>, Vec<usize>) {
        let entries = self.read();
        let mut states = Vec::with_capacity(asked.len());
        let mut uncached = Vec::new();
        for (position, key) in asked.iter().enumerate() {
            match entries.users.get(&key.user_id).map(|grants| grants.state_of(key)) {
                Some(Ok(state)) => states.push(state),
                _ => {
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
            entries.users.clear();
        }
        for (user_id, grants) in loaded {
            if let Some(compact) = UserGrants::new(&grants) {
                entries.users.insert(user_id, compact);
            }
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
        let of = |partner_id, category_id, status| CachedGrant {
            partner_id,
            category_id,
            ..grant(status)
        };
        let grants = vec![
            of(3, 1, GrantStatus::Active),
            of(1, 1, GrantStatus::Withdrawn),
            of(2, 1, GrantStatus::Active),
            of(1, 2, GrantStatus::Active),
            of(3, 2, GrantStatus::Expired),
        ];
        assert!(cache.fill(cache.generation(), HashMap::from([(7, grants)])));
        let status = |partner_id, category_id| {
            let (states, uncached) = cache.states(&[key(7, partner_id, category_id)]);
            assert!(uncached.is_empty());
            states[0].map(|state| state.status)
        };
        assert_eq!(status(1, 1), Some(GrantStatus::Withdrawn));
        assert_eq!(status(1, 2), Some(GrantStatus::Active));
        assert_eq!(status(3, 2), Some(GrantStatus::Expired));
        assert_eq!(
            status(2, 2),
            None,
            "another partner's grant of that category is not this one's"
        );
        assert_eq!(status(4, 1), None);
        let write = AccessKey {
            access: Access::Write,
            ..key(7, 1, 1)
        };
        assert_eq!(cache.states(&[write]).0, vec![None], "read was granted, not write");
    }

    #[test]
    fn a_grant_whose_ids_do_not_fit_is_read_from_the_database_not_cached() {
        let cache = GrantCache::default();
        let huge = CachedGrant {
            partner_id: 1 << 41,
            ..grant(GrantStatus::Active)
        };
        assert!(cache.fill(cache.generation(), HashMap::from([(7, vec![huge]), (8, vec![])])));
        assert_eq!(cache.states(&[key(7, 1 << 41, 2)]).1, vec![0]);
        assert_eq!(
            cache.states(&[key(8, 1 << 41, 2)]).1,
            vec![0],
            "nor asked of a cached user"
        );
    }

    #[test]
    fn a_load_that_began_before_a_write_does_not_put_back_the_old_state() {
        let cache = GrantCache::default();
        let began = cache.generation();
        // The load read "active"; meanwhile the user withdrew and the write forgot the user.
        cache.forget(7);
        assert!(!cache.fill(began, HashMap::from([(7, vec![grant(GrantStatus::Active)])])));
        assert_eq!(
            cache.states(&[key(7, 1, 2)]).1,
            vec![0],
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
        let (states, uncached) = cache.states(&[key(7, 1, 2), key(8, 1, 2), key(9, 1, 2)]);
        assert_eq!(states, vec![Some(grant(GrantStatus::Active).state), None, None]);
        assert_eq!(uncached, vec![2], "a user without grants is cached too");
        cache.forget(7);
        assert_eq!(cache.states(&[key(7, 1, 2), key(8, 1, 2)]).1, vec![0]);
    }
}
