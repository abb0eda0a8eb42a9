//! Fills the partner check's caches (grants, friends lists and "no"s) when a server on SQLite starts, in the background, so that
//! the first check of each user does not wait on the database. Checks work meanwhile; those of
//! users not loaded yet read the database as usual.

use crate::server::error::log_store_error;
use crate::server::http::health::Readiness;
use crate::server::partner_api::lookup_cache::LookupCache;
use crate::server::storage::Store;
use std::sync::Arc;
use std::time::Instant;
use tokio::task::JoinHandle;

/// Users read per query: a few tens of thousands of grants.
const USERS_PER_LOAD: i64 = 2_000;

/// A load raced by grant writes this many times in a row is left to the checks to fill.
const MOST_TRIES: usize = 5;

/// Logs "Partner checks answer from memory: ..." when done, which `scripts/bench-check` waits for.
/// Readiness learns when it is done (at once on PostgreSQL, which has no such cache); a load
/// that failed leaves the checks to read the database, as before it began.
pub fn spawn(store: Store, lookups: Arc<LookupCache>, readiness: Arc<Readiness>) -> JoinHandle<()> {
    tokio::spawn(async move {
        if !store.caches_grants() {
            readiness.caches_loaded();
            return;
        }
        let started = Instant::now();
        match warm(&store, &lookups).await {
            Ok((users, grants, friendships)) => tracing::info!(
                "Partner checks answer from memory: {users} users, {grants} grants and {friendships} friendships loaded in {:.1}s",
                started.elapsed().as_secs_f64()
            ),
            Err(error) => {
                log_store_error(&error);
            }
        }
        readiness.caches_loaded();
    })
}

/// Users, grants and friendships loaded.
type Warmed = (usize, usize, usize);

async fn warm(store: &Store, lookups: &LookupCache) -> Result<Warmed, crate::server::storage::StoreError> {
    let (mut users, mut grants, mut friendships, mut after) = (0, 0, 0, 0);
    loop {
        let batch = store.user_handles_after(after, USERS_PER_LOAD).await?;
        let (Some(first), Some(last)) = (batch.first().map(|(id, _)| *id), batch.last().map(|(id, _)| *id)) else {
            return Ok((users, grants, friendships));
        };
        users += batch.len();
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        let room_left = lookups.remember(batch);
        for _ in 0..MOST_TRIES {
            if let Some(read) = store.warm_grant_cache(first, last).await? {
                grants += read;
                break;
            }
        }
        // Checks through a friend read the friend's list and the person's "no"s: load them too.
        for _ in 0..MOST_TRIES {
            if let Some(read) = store.warm_friend_cache(&ids).await? {
                friendships += read;
                break;
            }
        }
        if !room_left {
            return Ok((users, grants, friendships));
        }
        after = last;
    }
}
