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
use crate::domain::decision::{GrantState, GrantStatus};
use crate::server::storage::activity::AccessKey;
use std::collections::HashMap;
use std::sync::RwLock;

/// Past this many users the cache starts over, so memory stays bounded (about 1.2 GB at 25
/// grants each, 24 bytes a grant).
const MOST_USERS: usize = 2_000_000;

/// Users with ids below this are found by their id as an index, not through a hash table. SQLite
/// numbers users 1, 2, 3, ..., so in practice that is every user; the index costs 8 bytes per id
/// up to the highest one cached (32 MB at most).
const INDEXED_IDS: i64 = 1 << 22;

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

/// `expires_at` of a grant that never ends. A grant really ending at this instant (in the year
/// -292 million) is not cached, only read.
const NO_END: i64 = i64::MIN;

const STATUS_BITS: u64 = 0b11;

/// A grant's partner, category and access in one number, if the ids fit (ids the database
/// gives are small positive numbers; one that does not fit is never cached, only read). The low
/// two bits are left for the grant's status.
fn packed(partner_id: i64, category_id: i64, access: Access) -> Option<u64> {
    let partner = u64::try_from(partner_id).ok().filter(|id| *id < 1 << 38)?;
    let category = u64::try_from(category_id).ok().filter(|id| *id < 1 << 22)?;
    let access = match access {
        Access::Read => 0,
        Access::Write => 1,
        Access::Delete => 2,
    };
    Some(partner << 26 | category << 4 | access << 2)
}

fn status_bits(status: GrantStatus) -> u64 {
    match status {
        GrantStatus::Active => 0,
        GrantStatus::Withdrawn => 1,
        GrantStatus::Revoked => 2,
        GrantStatus::Expired => 3,
    }
}

fn status_of_bits(bits: u64) -> GrantStatus {
    match bits & STATUS_BITS {
        0 => GrantStatus::Active,
        1 => GrantStatus::Withdrawn,
        2 => GrantStatus::Revoked,
        _ => GrantStatus::Expired,
    }
}

/// One user's grants as the check reads them, in words (see `Users`): for `n` grants, `n` keys
/// (see `packed`, with the status in the low two bits) side by side, then each grant's
/// `changed_at` and `expires_at` (`NO_END` for none). Appended to `into`; `false`, with nothing
/// appended, if a grant's ids cannot be packed or its end is `NO_END`.
fn append_words(grants: &[CachedGrant], into: &mut Vec<u64>) -> bool {
    let start = into.len();
    for grant in grants {
        match packed(grant.partner_id, grant.category_id, grant.access) {
            Some(key) => into.push(key | status_bits(grant.state.status)),
            None => {
                into.truncate(start);
                return false;
            }
        }
    }
    for grant in grants {
        let expires_at = match grant.state.expires_at {
            Some(NO_END) => {
                into.truncate(start);
                return false;
            }
            Some(end) => end,
            None => NO_END,
        };
        // Stored as their bits; `state_in` turns them back.
        into.push(grant.state.changed_at as u64);
        into.push(expires_at as u64);
    }
    true
}

/// The state of `key`'s grant in one user's words: `Some(None)` if the user does not have it,
/// `None` if the key cannot be packed (so memory cannot answer).
fn state_in(words: &[u64], key: &AccessKey) -> Option<Option<GrantState>> {
    let wanted = packed(key.partner_id, key.category_id, key.access)?;
    let count = words.len() / 3;
    let Some(found) = words[..count].iter().position(|word| word & !STATUS_BITS == wanted) else {
        return Some(None);
    };
    let times = count + 2 * found;
    let expires_at = words[times + 1] as i64;
    Some(Some(GrantState {
        status: status_of_bits(words[found]),
        changed_at: words[times] as i64,
        expires_at: (expires_at != NO_END).then_some(expires_at),
    }))
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

/// Where a user's words are in `Users::words`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    start: u32,
    len: u32,
}

impl Place {
    /// The place of a user who is not cached.
    const NONE: Place = Place {
        start: u32::MAX,
        len: 0,
    };

    fn is_cached(self) -> bool {
        self != Place::NONE
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// Every cached user's grants. With 100,000 users these are cold memory, and every cache line a
/// check reads waits on it, so a check's path to a grant is as short as it can be: the user's
/// place, in an array indexed by id (SQLite numbers users 1, 2, 3, ...; ids past `INDEXED_IDS`
/// go to a hash table), then the user's words, all users' in one large array. A user's keys
/// take eight bytes each, side by side (25 fit in four cache lines, which the processor fetches
/// together as a scan walks them), and the times of the one found follow them, where the
/// processor is already fetching. One large array is also one the kernel maps with 2 MB pages:
/// spread over small allocations of their own the words took a 4 KB page each, and finding a
/// page's address in memory took as long as reading the words. (A hash table with keys and
/// states in allocations of their own took six trips to memory, this takes two or three.)
///
/// A user's words are replaced by appending new ones; the old ones are garbage until the array
/// is compacted, once garbage is more than half of it.
#[derive(Default)]
struct Users {
    words: Vec<u64>,
    garbage: usize,
    indexed: Vec<Place>,
    hashed: HashMap<i64, Place>,
    count: usize,
}

/// Garbage below this many words (8 MB) is never compacted away.
const LEAST_GARBAGE_TO_COMPACT: usize = 1 << 20;

impl Users {
    fn place(&self, user_id: i64) -> Place {
        match usize::try_from(user_id) {
            Ok(index) if user_id < INDEXED_IDS => self.indexed.get(index).copied().unwrap_or(Place::NONE),
            _ => self.hashed.get(&user_id).copied().unwrap_or(Place::NONE),
        }
    }

    /// Puts `place` (`Place::NONE` to forget the user) and returns what was there.
    fn set_place(&mut self, user_id: i64, place: Place) -> Place {
        let old = match usize::try_from(user_id) {
            Ok(index) if user_id < INDEXED_IDS => {
                if index >= self.indexed.len() {
                    if !place.is_cached() {
                        return Place::NONE;
                    }
                    self.indexed.resize(index + 1, Place::NONE);
                }
                std::mem::replace(&mut self.indexed[index], place)
            }
            _ if place.is_cached() => self.hashed.insert(user_id, place).unwrap_or(Place::NONE),
            _ => self.hashed.remove(&user_id).unwrap_or(Place::NONE),
        };
        match (old.is_cached(), place.is_cached()) {
            (false, true) => self.count += 1,
            (true, false) => self.count -= 1,
            _ => {}
        }
        self.garbage += old.len as usize;
        old
    }

    /// As `state_in`, and `None` if the user is not cached.
    fn state(&self, key: &AccessKey) -> Option<Option<GrantState>> {
        let place = self.place(key.user_id);
        if !place.is_cached() {
            return None;
        }
        state_in(&self.words[place.range()], key)
    }

    /// Caches the user's grants, or forgets the user if they cannot be cached.
    fn insert(&mut self, user_id: i64, grants: &[CachedGrant]) {
        if grants.len() >= (u32::MAX / 3) as usize {
            self.set_place(user_id, Place::NONE);
            return;
        }
        if self.words.len() + grants.len() * 3 >= u32::MAX as usize {
            // 32 GB of grants: start over rather than overflow a place.
            self.clear();
        }
        let start = self.words.len();
        let place = match append_words(grants, &mut self.words) {
            true => Place {
                start: start as u32,
                len: (self.words.len() - start) as u32,
            },
            // Read from the database on every check instead.
            false => Place::NONE,
        };
        self.set_place(user_id, place);
        self.compact_if_mostly_garbage();
    }

    fn remove(&mut self, user_id: i64) {
        self.set_place(user_id, Place::NONE);
        self.compact_if_mostly_garbage();
    }

    /// Copies every cached user's words into a fresh array, leaving the garbage behind. Takes
    /// a moment with many users (tens of milliseconds for 100,000), and only after at least as
    /// many grant writes as there are cached grants.
    fn compact_if_mostly_garbage(&mut self) {
        if self.garbage < LEAST_GARBAGE_TO_COMPACT || self.garbage * 2 < self.words.len() {
            return;
        }
        let mut words = Vec::with_capacity(self.words.len() - self.garbage);
        let places = self.indexed.iter_mut().chain(self.hashed.values_mut());
        for place in places.filter(|place| place.is_cached()) {
            let start = words.len() as u32;
            words.extend_from_slice(&self.words[place.range()]);
            place.start = start;
        }
        self.words = words;
        self.garbage = 0;
    }

    fn clear(&mut self) {
        *self = Users::default();
    }
}

#[derive(Default)]
struct Entries {
    generation: u64,
    users: Users,
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
            match entries.users.state(key) {
                Some(state) => states.push(state),
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
        if entries.users.count + loaded.len() > MOST_USERS {
            entries.users.clear();
        }
        // Grown once for the whole batch, not doubled (and copied) along the way under the lock.
        let words: usize = loaded.values().map(|grants| grants.len() * 3).sum();
        entries.users.words.reserve(words);
        for (user_id, grants) in loaded {
            entries.users.insert(user_id, &grants);
        }
        true
    }

    /// Forgets a user's grants after a write to them (whether or not it committed).
    pub fn forget(&self, user_id: i64) {
        let mut entries = self.write();
        entries.generation += 1;
        entries.users.remove(user_id);
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

    #[test]
    fn every_status_and_time_comes_back_as_it_went_in() {
        let cache = GrantCache::default();
        let statuses = [
            GrantStatus::Active,
            GrantStatus::Withdrawn,
            GrantStatus::Revoked,
            GrantStatus::Expired,
        ];
        let grants: Vec<CachedGrant> = statuses
            .iter()
            .enumerate()
            .map(|(index, status)| CachedGrant {
                category_id: index as i64 + 1,
                state: GrantState {
                    status: *status,
                    changed_at: -5 - index as i64,
                    expires_at: (index % 2 == 1).then_some(i64::MAX - index as i64),
                },
                ..grant(GrantStatus::Active)
            })
            .collect();
        assert!(cache.fill(cache.generation(), HashMap::from([(7, grants.clone())])));
        let asked: Vec<AccessKey> = grants.iter().map(|g| key(7, g.partner_id, g.category_id)).collect();
        let (states, uncached) = cache.states(&asked);
        assert!(uncached.is_empty());
        let expected: Vec<Option<GrantState>> = grants.iter().map(|g| Some(g.state)).collect();
        assert_eq!(states, expected);
    }

    #[test]
    fn users_beyond_the_indexed_ids_are_cached_and_forgotten_too() {
        let cache = GrantCache::default();
        let users = [0, 1, INDEXED_IDS - 1, INDEXED_IDS, i64::MAX, -1, i64::MIN];
        let loaded: HashMap<i64, Vec<CachedGrant>> = users
            .iter()
            .map(|user_id| (*user_id, vec![grant(GrantStatus::Active)]))
            .collect();
        assert!(cache.fill(cache.generation(), loaded));
        let asked: Vec<AccessKey> = users.iter().map(|user_id| key(*user_id, 1, 2)).collect();
        let (states, uncached) = cache.states(&asked);
        assert!(uncached.is_empty(), "every one of them is cached");
        assert!(
            states
                .iter()
                .all(|state| *state == Some(grant(GrantStatus::Active).state))
        );
        for user_id in users {
            cache.forget(user_id);
            assert_eq!(
                cache.states(&[key(user_id, 1, 2)]).1,
                vec![0],
                "user {user_id} forgotten"
            );
        }
        assert_eq!(cache.read().users.count, 0);
    }

    #[test]
    fn a_grant_ending_at_the_no_end_marker_is_read_not_cached() {
        let cache = GrantCache::default();
        let odd = CachedGrant {
            state: GrantState {
                expires_at: Some(NO_END),
                ..grant(GrantStatus::Active).state
            },
            ..grant(GrantStatus::Active)
        };
        assert!(cache.fill(
            cache.generation(),
            HashMap::from([(7, vec![grant(GrantStatus::Active)])])
        ));
        assert!(cache.fill(cache.generation(), HashMap::from([(7, vec![odd])])));
        assert_eq!(cache.states(&[key(7, 1, 2)]).1, vec![0], "not the earlier state either");
    }

    #[test]
    fn users_rewritten_many_times_keep_their_newest_grants_when_the_garbage_is_compacted() {
        let cache = GrantCache::default();
        let grants_of = |user_id: i64, round: i64| -> Vec<CachedGrant> {
            (1..=25)
                .map(|category_id| CachedGrant {
                    category_id,
                    state: GrantState {
                        changed_at: user_id * 1_000 + round,
                        ..grant(GrantStatus::Active).state
                    },
                    ..grant(GrantStatus::Active)
                })
                .collect()
        };
        // Users 1 to 500 are written once; 501 to 1,000 again and again, until their old words
        // are compacted away more than once.
        for round in 0..80 {
            let first = if round == 0 { 1 } else { 501 };
            let loaded = (first..=1_000)
                .map(|user_id| (user_id, grants_of(user_id, round)))
                .collect();
            assert!(cache.fill(cache.generation(), loaded));
        }
        {
            let entries = cache.read();
            assert!(
                entries.users.words.len() <= 2 * 1_000 * 25 * 3 + LEAST_GARBAGE_TO_COMPACT,
                "compacted"
            );
            assert_eq!(entries.users.count, 1_000);
        }
        for user_id in 1..=1_000 {
            let (states, uncached) = cache.states(&[key(user_id, 1, 25)]);
            assert!(uncached.is_empty());
            let round = if user_id <= 500 { 0 } else { 79 };
            assert_eq!(states[0].map(|state| state.changed_at), Some(user_id * 1_000 + round));
        }
    }
}
