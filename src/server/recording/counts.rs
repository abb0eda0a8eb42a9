//! Allowed decisions and denials of what was never granted, tallied in memory per key and hour
//! and written by one task at least once a second.

use crate::domain::activity::hour_start_of;
use crate::server::error::log_store_error;
use crate::server::storage::Store;
use crate::server::storage::activity::{CountKey, CountedHour, HourTally};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// How often tallied decisions are written: the most a crash can lose.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

type ByKeyAndHour = HashMap<(CountKey, i64), HourTally>;

/// Decisions counted since the last write.
#[derive(Default)]
pub(super) struct Tallies(Mutex<ByKeyAndHour>);

impl Tallies {
    fn lock(&self) -> std::sync::MutexGuard<'_, ByKeyAndHour> {
        // A panic elsewhere while holding the lock leaves plain numbers behind: still usable.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts decisions made at `at`: `true` for allowed, `false` for denied.
    pub(super) fn count(&self, decisions: impl Iterator<Item = (CountKey, bool)>, at: i64) {
        let hour = hour_start_of(at);
        let mut tallies = self.lock();
        for (key, allowed) in decisions {
            let tally = tallies.entry((key, hour)).or_default();
            if allowed {
                tally.allowed += 1;
                tally.last_allowed_at = tally.last_allowed_at.max(Some(at));
            } else {
                tally.denied += 1;
            }
        }
    }

    /// Takes everything counted so far, leaving an empty table of the same size, so the next
    /// second's checks do not grow it again while they hold the lock.
    fn take(&self, expected: usize) -> ByKeyAndHour {
        let fresh = HashMap::with_capacity(expected);
        std::mem::replace(&mut *self.lock(), fresh)
    }

    /// Decisions counted and not yet written.
    pub(super) fn pending(&self) -> u64 {
        let pending: i64 = self.lock().values().map(|tally| tally.allowed + tally.denied).sum();
        u64::try_from(pending).unwrap_or(0)
    }

    /// Adds back what a write failed to take, for the next try.
    fn put_back(&self, unwritten: ByKeyAndHour) {
        let mut tallies = self.lock();
        for (key_and_hour, tally) in unwritten {
            tallies.entry(key_and_hour).or_default().add(tally);
        }
    }
}

/// Writes the tallies every `FLUSH_EVERY` until `stop` turns true, then once more.
pub(super) async fn write_every_second(
    store: Store,
    tallies: std::sync::Arc<Tallies>,
    mut stop: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(FLUSH_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_size = 0;
    loop {
        tokio::select! {
            biased;
            // The only change ever sent is "stop" (and a dropped sender means the same).
            _ = stop.changed() => break,
            _ = ticks.tick() => last_size = write_once(&store, &tallies, last_size).await,
        }
    }
    write_once(&store, &tallies, last_size).await;
}

/// Writes what was counted in one transaction; on failure it goes back to be written with the
/// next second's. Returns how many keys it held.
async fn write_once(store: &Store, tallies: &Tallies, last_size: usize) -> usize {
    let taken = tallies.take(last_size);
    if taken.is_empty() {
        return 0;
    }
    let size = taken.len();
    // Sorting a second's tens of thousands of keys takes milliseconds: not on a thread that
    // serves checks.
    let sorting = tokio::task::spawn_blocking(move || {
        let mut counts: Vec<CountedHour> = taken.iter().map(|(&(key, hour), &tally)| (key, hour, tally)).collect();
        // In the table's order (hour first), so neighbouring rows share pages.
        counts.sort_unstable_by_key(|&(key, hour, _)| (hour, key));
        (taken, counts)
    });
    let Ok((taken, counts)) = sorting.await else {
        tracing::error!(keys = size, "Sorting the decision counts failed; they are lost");
        return size;
    };
    if let Err(error) = store.add_decision_counts(&counts).await {
        log_store_error(&error);
        tracing::warn!(keys = size, "Decision counts not written; trying again in a second");
        tallies.put_back(taken);
    }
    size
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Access;
    use crate::domain::activity::HOUR_MS;
    use crate::server::storage::activity::AccessKey;

    fn key(user_id: i64) -> CountKey {
        CountKey::own(AccessKey {
            user_id,
            partner_id: 2,
            category_id: 3,
            access: Access::Read,
        })
    }

    #[test]
    fn decisions_add_up_per_key_and_hour_and_what_a_write_failed_to_take_is_added_back() {
        let tallies = Tallies::default();
        tallies.count(
            [(key(1), true), (key(1), false), (key(2), false)].into_iter(),
            HOUR_MS + 5,
        );
        tallies.count([(key(1), true)].into_iter(), HOUR_MS + 9);
        tallies.count([(key(1), true)].into_iter(), 2 * HOUR_MS);
        let taken = tallies.take(0);
        assert!(tallies.take(0).is_empty(), "taking empties the tallies");
        let tally = |allowed, denied, last_allowed_at| HourTally {
            allowed,
            denied,
            last_allowed_at,
        };
        assert_eq!(taken[&(key(1), HOUR_MS)], tally(2, 1, Some(HOUR_MS + 9)));
        assert_eq!(taken[&(key(1), 2 * HOUR_MS)], tally(1, 0, Some(2 * HOUR_MS)));
        assert_eq!(taken[&(key(2), HOUR_MS)], tally(0, 1, None));

        tallies.count([(key(1), true)].into_iter(), HOUR_MS + 7);
        tallies.put_back(taken);
        let again = tallies.take(0);
        assert_eq!(again[&(key(1), HOUR_MS)], tally(3, 1, Some(HOUR_MS + 9)));
        assert_eq!(again.len(), 3);
    }
}
