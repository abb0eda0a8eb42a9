//! Fills the partner check's caches when a server starts, in the background, so that the first
//! check of each user does not wait on the database: every user's handle on both engines (they
//! never change, so any number of instances may keep them), and on SQLite the grants, friends
//! lists and "no"s too. Checks work meanwhile; those of users not loaded yet read the database.

use crate::server::error::log_store_error;
use crate::server::http::health::Readiness;
use crate::server::partner_api::lookup_cache::LookupCache;
use crate::server::storage::{Store, StoreError};
use std::sync::Arc;
use std::time::Instant;
use tokio::task::JoinHandle;

/// Users read per query: a few tens of thousands of grants.
const USERS_PER_LOAD: i64 = 2_000;

/// A load raced by grant writes this many times in a row is left to the checks to fill.
const MOST_TRIES: usize = 5;

/// Logs "Partner checks answer from memory: ..." (SQLite) when done, which `scripts/bench-check`
/// waits for. Readiness learns when it is done; a load that failed leaves the checks to read
/// the database, as before it began.
pub fn spawn(store: Store, lookups: Arc<LookupCache>, readiness: Arc<Readiness>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let started = Instant::now();
        let seconds = || started.elapsed().as_secs_f64();
        match warm(&store, &lookups).await {
            Ok((users, grants, friendships)) if store.caches_grants() => tracing::info!(
                "Partner checks answer from memory: {users} users, {grants} grants and {friendships} friendships loaded in {:.1}s",
                seconds()
            ),
            Ok((users, _, _)) => tracing::info!(
                "Partner checks know the handles of {users} users (loaded in {:.1}s); grants are read from the database",
                seconds()
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

async fn warm(store: &Store, lookups: &LookupCache) -> Result<Warmed, StoreError> {
    let (mut users, mut grants, mut friendships, mut after) = (0, 0, 0, 0);
    loop {
        let batch = store.user_handles_after(after, USERS_PER_LOAD).await?;
        let (Some(first), Some(last)) = (batch.first().map(|(id, _)| *id), batch.last().map(|(id, _)| *id)) else {
            return Ok((users, grants, friendships));
        };
        users += batch.len();
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        let room_left = lookups.remember(batch);
        if store.caches_grants() {
            let (read_grants, read_friendships) = warm_grants_and_friends(store, first, last, &ids).await?;
            grants += read_grants;
            friendships += read_friendships;
        }
        if !room_left {
            return Ok((users, grants, friendships));
        }
        after = last;
    }
}

/// Loads the grants of the users `first..=last` (`ids`), their friends lists and their "no"s;
/// returns how many grants and friendships it read.
async fn warm_grants_and_friends(
    store: &Store,
    first: i64,
    last: i64,
    ids: &[i64],
) -> Result<(usize, usize), StoreError> {
    let (mut grants, mut friendships) = (0, 0);
    for _ in 0..MOST_TRIES {
        if let Some(read) = store.warm_grant_cache(first, last).await? {
            grants = read;
            break;
        }
    }
    // Checks through a friend read the friend's list and the person's "no"s: load them too.
    for _ in 0..MOST_TRIES {
        if let Some(read) = store.warm_friend_cache(ids).await? {
            friendships = read;
            break;
        }
    }
    Ok((grants, friendships))
}
