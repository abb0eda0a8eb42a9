//! Which partner each API key hash belongs to, remembered for at most `KEY_TTL`.
//!
//! A key changed through this store (the admin page, retiring a partner) is forgotten at once.
//! A key rotated by another process (`who-can-see partner-key create`, or another instance on
//! PostgreSQL) stops working within `KEY_TTL`, when the entry runs out. Unknown keys are never
//! remembered, so a new key works at once everywhere.
//!
//! A server reads every partner's key again every `KEY_REFRESH_EVERY` (see `key_refresher`) and
//! replaces the whole cache with what it read, so a check almost never finds its key run out:
//! when one did, every check of that partner waited on the database, and while the store was
//! busy committing that stalled every connection for milliseconds.

use super::catalog_entry::CatalogEntry;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// How long a key is trusted without asking the database again.
pub const KEY_TTL: Duration = Duration::from_secs(1);

/// How often a server reads every key again: well within `KEY_TTL`, so a slow read or two
/// still lands before the keys run out.
pub const KEY_REFRESH_EVERY: Duration = Duration::from_millis(250);

/// Past this many remembered keys the cache starts over; there is one key per partner.
const MOST_KEYS: usize = 10_000;

/// The SHA-256 digest of a partner API key, the form the cache holds it in: 32 bytes, compared
/// as they are. The database keeps it in hex (`session::hash_token`); writing those 64
/// characters out on every check cost more than the digest itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyDigest([u8; 32]);

impl KeyDigest {
    pub fn of_key(key: &str) -> Self {
        KeyDigest(Sha256::digest(key.as_bytes()).into())
    }

    /// The digest a database row holds in hex; `None` if it is not one.
    pub fn from_hex(hex_digest: &str) -> Option<Self> {
        let mut bytes = [0; 32];
        hex::decode_to_slice(hex_digest, &mut bytes).ok()?;
        Some(KeyDigest(bytes))
    }

    /// As the database holds it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

#[derive(Default)]
struct Entries {
    /// Bumped by every change, so a lookup that raced one does not put back the old key.
    generation: u64,
    /// Each key's partner and when the lookup that found it began. Shared, so a check takes its
    /// partner with a reference count, not a copy of its names.
    partners: HashMap<KeyDigest, (Arc<CatalogEntry>, Instant)>,
}

/// When a lookup began: the moment and the generation, handed back to `put`.
#[derive(Debug, Clone, Copy)]
pub struct LookupStart {
    at: Instant,
    generation: u64,
}

#[derive(Default)]
pub struct KeyCache {
    entries: RwLock<Entries>,
}

impl KeyCache {
    // A panic while holding the lock leaves the map whole (every change is one call on it), so a
    // poisoned lock is used as it is rather than failing every request after it.
    fn read(&self) -> RwLockReadGuard<'_, Entries> {
        self.entries.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Entries> {
        self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The partner of `key`, if it was looked up less than `KEY_TTL` before `now`.
    pub fn get(&self, key: &KeyDigest, now: Instant) -> Option<Arc<CatalogEntry>> {
        let entries = self.read();
        entries
            .partners
            .get(key)
            .filter(|(_, looked_up)| now.saturating_duration_since(*looked_up) < KEY_TTL)
            .map(|(partner, _)| partner.clone())
    }

    /// Call before asking the database, and hand the result to `put`.
    pub fn start_lookup(&self, now: Instant) -> LookupStart {
        let entries = self.read();
        LookupStart {
            at: now,
            generation: entries.generation,
        }
    }

    /// Remembers a key the database knew, unless a key changed since the lookup began.
    pub fn put(&self, key: KeyDigest, partner: Arc<CatalogEntry>, started: LookupStart) {
        let mut entries = self.write();
        if entries.generation != started.generation {
            return;
        }
        if entries.partners.len() >= MOST_KEYS {
            entries.partners.clear();
        }
        entries.partners.insert(key, (partner, started.at));
    }

    /// Replaces every remembered key with `keys`, the whole set of valid keys read after
    /// `started`, unless a key changed since: a key missing from it stops working at once.
    pub fn replace_all(&self, keys: impl IntoIterator<Item = (KeyDigest, CatalogEntry)>, started: LookupStart) {
        // Built before taking the lock, so checks wait only for the swap.
        let partners = keys
            .into_iter()
            .take(MOST_KEYS)
            .map(|(key, partner)| (key, (Arc::new(partner), started.at)))
            .collect();
        let mut entries = self.write();
        if entries.generation == started.generation {
            entries.partners = partners;
        }
    }

    /// Forgets every key, after any change to a partner's key or standing.
    pub fn forget_all(&self) {
        let mut entries = self.write();
        entries.generation += 1;
        entries.partners.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spotify() -> CatalogEntry {
        CatalogEntry {
            id: 1,
            slug: "spotify".into(),
            name: "Spotify".into(),
        }
    }

    fn shared_spotify() -> Arc<CatalogEntry> {
        Arc::new(spotify())
    }

    fn digest(key: &str) -> KeyDigest {
        KeyDigest::of_key(key)
    }

    #[test]
    fn a_digest_reads_and_writes_as_the_database_holds_it() {
        let key = "wcs_0123456789abcdef";
        let stored = crate::server::auth::session::hash_token(key);
        assert_eq!(digest(key).to_hex(), stored);
        assert_eq!(KeyDigest::from_hex(&stored), Some(digest(key)));
        assert_eq!(KeyDigest::from_hex(&stored[1..]), None, "too short");
        assert_eq!(
            KeyDigest::from_hex(&stored.replace(|c: char| c.is_ascii_digit(), "g")),
            None
        );
        assert_ne!(digest(key), digest("wcs_0123456789abcdeF"));
    }

    #[test]
    fn a_key_is_trusted_for_at_most_the_ttl() {
        let cache = KeyCache::default();
        let start = Instant::now();
        cache.put(digest("h"), shared_spotify(), cache.start_lookup(start));
        assert_eq!(cache.get(&digest("h"), start + KEY_TTL / 2), Some(shared_spotify()));
        assert_eq!(
            cache.get(&digest("h"), start + KEY_TTL),
            None,
            "asks the database again"
        );
        assert_eq!(cache.get(&digest("other"), start), None);
    }

    #[test]
    fn forgetting_ends_every_key_at_once() {
        let cache = KeyCache::default();
        let start = Instant::now();
        cache.put(digest("h"), shared_spotify(), cache.start_lookup(start));
        cache.forget_all();
        assert_eq!(cache.get(&digest("h"), start), None);
    }

    #[test]
    fn replacing_all_keys_renews_them_and_drops_those_no_longer_valid() {
        let cache = KeyCache::default();
        let start = Instant::now();
        cache.put(digest("old"), shared_spotify(), cache.start_lookup(start));
        let renewed = start + KEY_TTL / 2;
        cache.replace_all([(digest("new"), spotify())], cache.start_lookup(renewed));
        assert_eq!(
            cache.get(&digest("old"), renewed),
            None,
            "a key not read again stops at once"
        );
        assert_eq!(
            cache.get(&digest("new"), start + KEY_TTL),
            Some(shared_spotify()),
            "counted from the new read"
        );
        assert_eq!(cache.get(&digest("new"), renewed + KEY_TTL), None);
    }

    #[test]
    fn a_refresh_that_raced_a_rotation_does_not_put_back_the_old_key() {
        let cache = KeyCache::default();
        let started = cache.start_lookup(Instant::now());
        cache.forget_all();
        cache.replace_all([(digest("old"), spotify())], started);
        assert_eq!(cache.get(&digest("old"), Instant::now()), None);
    }

    #[test]
    fn a_lookup_that_raced_a_rotation_does_not_put_back_the_old_key() {
        let cache = KeyCache::default();
        let started = cache.start_lookup(Instant::now());
        cache.forget_all();
        cache.put(digest("old"), shared_spotify(), started);
        assert_eq!(cache.get(&digest("old"), Instant::now()), None);
    }
}
