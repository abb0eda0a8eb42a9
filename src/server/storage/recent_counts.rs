//! Decision counts logged but not yet folded into the counts table, in memory, so that pages
//! show them at once. Only on a SQLite store, which one process serves.
//!
//! Each second's counts are kept as they were logged, one batch sorted by key, appended to one
//! buffer: a page finds a user's counts by a binary search in each batch. A fold freezes what is
//! here, adds it to the table in one transaction, and forgets it when that commits; the frozen
//! buffer, emptied, takes the next window's counts. So under load the memory is reused from fold
//! to fold: before, per-user lists grew and were freed, and a fifth of the counts thread's time
//! went to the kernel zeroing fresh huge pages for them.
//!
//! A read of the table and of memory happens under `gate`, which the commit and the forgetting
//! take exclusively: a page never sees a count both in the table and here, nor in neither.

use super::activity::HourTally;
use super::count_log::CountedHour;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::RwLock;

/// Batches of counts, each sorted by key and hour with one entry per key and hour, one after
/// another in one buffer.
#[derive(Default, Clone)]
pub struct Batches {
    counts: Vec<CountedHour>,
    /// Where each batch ends in `counts`.
    ends: Vec<usize>,
}

impl Batches {
    fn push(&mut self, sorted: &[CountedHour]) {
        debug_assert!(sorted.is_sorted_by_key(|(key, hour, _)| (*key, *hour)));
        if !sorted.is_empty() {
            self.counts.extend_from_slice(sorted);
            self.ends.push(self.counts.len());
        }
    }

    fn append(&mut self, other: &Batches) {
        let mut start = 0;
        for &end in &other.ends {
            self.push(&other.counts[start..end]);
            start = end;
        }
    }

    /// Empties it, keeping its memory.
    fn clear(&mut self) {
        self.counts.clear();
        self.ends.clear();
    }

    fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Appends the user's counts of every batch to `into`.
    fn of_user(&self, user_id: i64, into: &mut Vec<CountedHour>) {
        let mut start = 0;
        for &end in &self.ends {
            let batch = &self.counts[start..end];
            let first = batch.partition_point(|(key, _, _)| key.user_id < user_id);
            into.extend(batch[first..].iter().take_while(|(key, _, _)| key.user_id == user_id));
            start = end;
        }
    }

    /// Every count, one per key and hour, in the SQLite counts table's order (hour first, then
    /// key), so a fold writes each page once: what a fold writes, in `into` (its memory kept
    /// from fold to fold). Takes a moment for many: not on a thread that serves checks.
    pub fn summed_into(&self, into: &mut Vec<CountedHour>) {
        into.clear();
        into.extend_from_slice(&self.counts);
        sum_in_order(into, |(key, hour, _)| (*hour, *key));
    }
}

#[derive(Default)]
pub struct RecentCounts {
    counts: Mutex<Counts>,
    gate: RwLock<()>,
}

#[derive(Default)]
struct Counts {
    current: Batches,
    /// Being folded: frozen, and still shown until the fold commits.
    folding: Arc<Batches>,
    /// Empty, with the memory of the last folded batches: the next `current`.
    spare: Batches,
}

pub fn add_tally(sum: &mut HourTally, more: &HourTally) {
    sum.allowed += more.allowed;
    sum.denied += more.denied;
    sum.last_allowed_at = sum.last_allowed_at.max(more.last_allowed_at);
}

/// Sorts counts by key and hour and adds up those of the same key and hour into one.
pub fn sum_same_keys(counts: &mut Vec<CountedHour>) {
    sum_in_order(counts, |(key, hour, _)| (*key, *hour));
}

/// Sorts counts in `order` (of key and hour, either first) and adds up those of the same key
/// and hour into one.
fn sum_in_order<O: Ord>(counts: &mut Vec<CountedHour>, order: impl Fn(&CountedHour) -> O) {
    // Unstable: in place, where a stable sort would take fresh memory the size of half the list.
    counts.sort_unstable_by_key(order);
    counts.dedup_by(|(key, hour, tally), (kept_key, kept_hour, kept)| {
        let same = key == kept_key && hour == kept_hour;
        if same {
            add_tally(kept, tally);
        }
        same
    });
}

impl RecentCounts {
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a second's counts that were just logged: sorted by key and hour, one per key and
    /// hour (as `decision_recorder::tallied` makes them).
    pub fn add(&self, counts: &[CountedHour]) {
        self.counts().current.push(counts);
    }

    /// Counts held and not being folded. A key counted in several seconds is held once for each.
    pub fn current_counts(&self) -> usize {
        self.counts().current.counts.len()
    }

    /// Freezes what is here for a fold, at once (no copy: checks wait on this lock). What is
    /// still frozen from a fold that failed is folded again, with it.
    pub fn freeze(&self) -> Arc<Batches> {
        let mut held = self.counts();
        let next = std::mem::take(&mut held.spare);
        let mut current = std::mem::replace(&mut held.current, next);
        if held.folding.is_empty() {
            held.folding = Arc::new(current);
        } else {
            Arc::make_mut(&mut held.folding).append(&current);
            current.clear();
            held.spare = current;
        }
        held.folding.clone()
    }

    /// Runs `commit` (of the transaction that added the frozen counts to the table) with no read
    /// in flight, and forgets the frozen counts if it succeeded, keeping their memory for the
    /// next window.
    pub async fn fold<E>(&self, commit: impl Future<Output = Result<(), E>>) -> Result<(), E> {
        let _no_reads = self.gate.write().await;
        commit.await?;
        let mut held = self.counts();
        let folded = std::mem::take(&mut held.folding);
        // The fold let go of its copy once it had summed them; if not, the memory goes.
        if let Ok(mut batches) = Arc::try_unwrap(folded) {
            batches.clear();
            held.spare = batches;
        }
        Ok(())
    }

    /// Runs `read` (of the table) and returns with it the user's counts not in the table.
    pub async fn with_unfolded<T>(&self, user_id: i64, read: impl Future<Output = T>) -> (T, Vec<CountedHour>) {
        let _no_fold = self.gate.read().await;
        let table = read.await;
        let held = self.counts();
        let mut unfolded: Vec<CountedHour> = Vec::new();
        held.current.of_user(user_id, &mut unfolded);
        held.folding.of_user(user_id, &mut unfolded);
        (table, unfolded)
    }
}

/// The same key's counts, summed (a key can be both in the table and in memory), in key order.
pub fn sum_by_key(counts: impl IntoIterator<Item = CountedHour>) -> Vec<CountedHour> {
    let mut summed: Vec<CountedHour> = counts.into_iter().collect();
    sum_same_keys(&mut summed);
    summed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Access;
    use crate::server::storage::activity::AccessKey;

    fn summed(frozen: &Batches) -> Vec<CountedHour> {
        let mut into = Vec::new();
        frozen.summed_into(&mut into);
        into
    }

    fn counted(user_id: i64, hour: i64, allowed: i64) -> CountedHour {
        let key = AccessKey {
            user_id,
            partner_id: 1,
            category_id: 1,
            access: Access::Read,
        };
        let tally = HourTally {
            allowed,
            denied: 0,
            last_allowed_at: Some(hour + 1),
        };
        (key, hour, tally)
    }

    #[tokio::test]
    async fn reads_see_unfolded_counts_until_their_fold_commits_and_a_failed_fold_keeps_them() {
        let recent = RecentCounts::default();
        recent.add(&[counted(1, 0, 2), counted(2, 0, 1), counted(3, 0, 7)]);
        recent.add(&[counted(1, 0, 3), counted(1, 3_600_000, 1)]);
        assert_eq!(recent.current_counts(), 5);
        let ((), alice) = recent.with_unfolded(1, async {}).await;
        assert_eq!(sum_by_key(alice), vec![counted(1, 0, 5), counted(1, 3_600_000, 1)]);
        let ((), carol) = recent.with_unfolded(3, async {}).await;
        assert_eq!(carol, vec![counted(3, 0, 7)]);
        let ((), nobody) = recent.with_unfolded(4, async {}).await;
        assert!(nobody.is_empty());

        let frozen = summed(&recent.freeze());
        // Hour first, as the SQLite counts table is keyed.
        assert_eq!(
            frozen,
            vec![
                counted(1, 0, 5),
                counted(2, 0, 1),
                counted(3, 0, 7),
                counted(1, 3_600_000, 1)
            ]
        );
        recent.add(&[counted(2, 0, 4)]);
        let failed: Result<(), &str> = recent.fold(async { Err("disk full") }).await;
        assert!(failed.is_err());
        // Still shown, and folded again with what came since.
        let ((), bob) = recent.with_unfolded(2, async {}).await;
        assert_eq!(sum_by_key(bob), vec![counted(2, 0, 5)]);
        assert_eq!(
            summed(&recent.freeze()),
            vec![
                counted(1, 0, 5),
                counted(2, 0, 5),
                counted(3, 0, 7),
                counted(1, 3_600_000, 1)
            ]
        );

        recent.fold(async { Ok::<(), ()>(()) }).await.unwrap();
        let ((), bob) = recent.with_unfolded(2, async {}).await;
        assert!(bob.is_empty());
        assert_eq!(recent.current_counts(), 0);
    }

    #[tokio::test]
    async fn a_folded_window_lends_its_memory_to_the_next() {
        let recent = RecentCounts::default();
        let second: Vec<CountedHour> = (0..1_000).map(|user| counted(user, 0, 1)).collect();
        recent.add(&second);
        let frozen = recent.freeze();
        drop(frozen);
        recent.fold(async { Ok::<(), ()>(()) }).await.unwrap();
        recent.freeze();
        let held = recent.counts();
        assert!(
            held.current.counts.capacity() >= 1_000,
            "the next window starts with the folded one's memory"
        );
        assert!(held.current.is_empty());
    }
}
