//! Names the partner API looks up on every check that never change while the app runs: the
//! data categories (fixed by migrations) and which user a handle names (handles are never
//! reused or renamed). Caching them is safe on any number of instances. Grant states are cached
//! only by the store itself, which forgets a user's grants whenever it writes them.

use crate::server::storage::catalog::CatalogEntry;
use crate::server::storage::{Store, StoreError};
use std::collections::HashMap;
use std::sync::RwLock;
use tokio::sync::OnceCell;

/// Past this many handles the cache starts over, so memory stays bounded.
const MOST_HANDLES: usize = 1_000_000;

#[derive(Default)]
pub struct LookupCache {
    categories: OnceCell<Vec<CatalogEntry>>,
    user_ids: RwLock<HandleIds>,
}

/// Which user each handle names. Handles of up to 23 bytes (all that this app makes) are held
/// in the table's slot itself, so a lookup reads no other memory: with a `String` key each
/// comparison went to the heap, one more trip to cold memory on every check.
#[derive(Default)]
struct HandleIds {
    short: HashMap<ShortHandle, i64>,
    long: HashMap<String, i64>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ShortHandle {
    len: u8,
    bytes: [u8; 23],
}

impl ShortHandle {
    fn new(handle: &str) -> Option<Self> {
        let len = u8::try_from(handle.len()).ok().filter(|len| usize::from(*len) <= 23)?;
        let mut bytes = [0; 23];
        bytes[..handle.len()].copy_from_slice(handle.as_bytes());
        Some(ShortHandle { len, bytes })
    }
}

impl HandleIds {
    fn get(&self, handle: &str) -> Option<i64> {
        match ShortHandle::new(handle) {
            Some(short) => self.short.get(&short).copied(),
            None => self.long.get(handle).copied(),
        }
    }

    fn insert(&mut self, handle: String, id: i64) {
        match ShortHandle::new(&handle) {
            Some(short) => self.short.insert(short, id),
            None => self.long.insert(handle, id),
        };
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }
}

impl LookupCache {
    pub async fn categories(&self, store: &Store) -> Result<&[CatalogEntry], StoreError> {
        Ok(self.categories.get_or_try_init(|| store.categories()).await?.as_slice())
    }

    /// Remembers handles read in bulk (when a server warms up); returns false once full.
    pub fn remember(&self, users: impl IntoIterator<Item = (i64, String)>) -> bool {
        let mut cached = self.user_ids.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (id, handle) in users {
            if cached.len() >= MOST_HANDLES {
                return false;
            }
            cached.insert(handle, id);
        }
        true
    }

    /// The user id of each handle, in the order given; `None` for a handle nobody has (not
    /// cached, so a user created later is found).
    pub async fn user_ids(&self, store: &Store, handles: &[&str]) -> Result<Vec<Option<i64>>, StoreError> {
        let mut ids = Vec::with_capacity(handles.len());
        let mut missing = Vec::new();
        {
            let cached = self.user_ids.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            for handle in handles {
                let id = cached.get(handle);
                if id.is_none() {
                    missing.push(*handle);
                }
                ids.push(id);
            }
        }
        if missing.is_empty() {
            return Ok(ids);
        }
        let fetched = store.user_ids_by_handles(&missing).await?;
        for (id, handle) in ids.iter_mut().zip(handles) {
            if id.is_none() {
                *id = fetched.get(*handle).copied();
            }
        }
        let mut cached = self.user_ids.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cached.len() + fetched.len() > MOST_HANDLES {
            cached.clear();
        }
        for (handle, id) in fetched {
            cached.insert(handle, id);
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_short_and_long_each_name_their_own_user() {
        let mut ids = HandleIds::default();
        let longest_inline = "a".repeat(23);
        let long = "a".repeat(24);
        ids.insert("alice".into(), 1);
        ids.insert("alic".into(), 2);
        ids.insert(longest_inline.clone(), 3);
        ids.insert(long.clone(), 4);
        assert_eq!(ids.get("alice"), Some(1));
        assert_eq!(ids.get("alic"), Some(2), "a handle that starts another is its own");
        assert_eq!(ids.get(&longest_inline), Some(3));
        assert_eq!(ids.get(&long), Some(4));
        assert_eq!(ids.get("alice2"), None);
        assert_eq!(ids.get(""), None);
        assert_eq!(ids.len(), 4);
        ids.clear();
        assert_eq!(ids.get("alice"), None);
    }
}
