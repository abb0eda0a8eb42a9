//! Names the partner API looks up on every check that never change while the app runs: the
//! data categories (fixed by migrations) and which user a handle names (handles are never
//! reused or renamed). Caching them is safe on any number of instances. Grant states are cached
//! only by the store itself, which forgets a user's grants whenever it writes them.

use crate::server::partner_api::handle_ids::HandleIds;
use crate::server::storage::consent::catalog::CatalogEntry;
use crate::server::storage::{Store, StoreError};
use std::sync::RwLock;
use tokio::sync::OnceCell;

/// Past this many handles the cache starts over, so memory stays bounded.
const MOST_HANDLES: usize = 1_000_000;

#[derive(Default)]
pub struct LookupCache {
    categories: OnceCell<Vec<CatalogEntry>>,
    user_ids: RwLock<HandleIds>,
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
