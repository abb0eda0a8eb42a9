//! Decision counts logged but not yet folded into the counts table, in memory by user, so that
//! pages show them at once. Only on a SQLite store, which one process serves.
//!
//! A fold freezes what is here, adds it to the table in one transaction, and forgets it when
//! that commits. A read of the table and of memory happens under `gate`, which the commit and
//! the forgetting take exclusively: a page never sees a count both in the table and here, nor in
//! neither.

use super::activity::{AccessKey, HourTally};
use super::count_log::CountedHour;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::RwLock;

pub type ByUser = HashMap<i64, Vec<CountedHour>>;

#[derive(Default)]
pub struct RecentCounts {
    counts: Mutex<Counts>,
    gate: RwLock<()>,
}

#[derive(Default)]
struct Counts {
    current: ByUser,
    /// Keys in `current`.
    current_keys: usize,
    /// Being folded: frozen, and still shown until the fold commits.
    folding: Arc<ByUser>,
}

fn add_to(by_user: &mut ByUser, counts: &[CountedHour]) -> usize {
    let mut new_keys = 0;
    for (key, hour, tally) in counts {
        let kept = by_user.entry(key.user_id).or_default();
        match kept.iter_mut().find(|(k, h, _)| k == key && h == hour) {
            Some((_, _, sum)) => add_tally(sum, tally),
            None => {
                kept.push((*key, *hour, *tally));
                new_keys += 1;
            }
        }
    }
    new_keys
}

pub fn add_tally(sum: &mut HourTally, more: &HourTally) {
    sum.allowed += more.allowed;
    sum.denied += more.denied;
    sum.last_allowed_at = sum.last_allowed_at.max(more.last_allowed_at);
}

impl RecentCounts {
    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds counts that were just logged.
    pub fn add(&self, counts: &[CountedHour]) {
        let mut held = self.counts();
        let new_keys = add_to(&mut held.current, counts);
        held.current_keys += new_keys;
    }

    /// Keys not folded yet, not counting those being folded.
    pub fn current_keys(&self) -> usize {
        self.counts().current_keys
    }

    /// Freezes what is here for a fold, at once (no copy: checks wait on this lock). What is
    /// still frozen from a fold that failed is folded again, with it.
    pub fn freeze(&self) -> Arc<ByUser> {
        let mut held = self.counts();
        let current = std::mem::take(&mut held.current);
        held.current_keys = 0;
        if held.folding.is_empty() {
            held.folding = Arc::new(current);
        } else {
            let folding = Arc::make_mut(&mut held.folding);
            for counts in current.into_values() {
                add_to(folding, &counts);
            }
        }
        held.folding.clone()
    }

    /// Runs `commit` (of the transaction that added the frozen counts to the table) with no read
    /// in flight, and forgets the frozen counts if it succeeded.
    pub async fn fold<E>(&self, commit: impl Future<Output = Result<(), E>>) -> Result<(), E> {
        let _no_reads = self.gate.write().await;
        commit.await?;
        self.counts().folding = Arc::default();
        Ok(())
    }

    /// Runs `read` (of the table) and returns with it the user's counts not in the table.
    pub async fn with_unfolded<T>(&self, user_id: i64, read: impl Future<Output = T>) -> (T, Vec<CountedHour>) {
        let _no_fold = self.gate.read().await;
        let table = read.await;
        let held = self.counts();
        let mut unfolded: Vec<CountedHour> = Vec::new();
        for by_user in [&held.current, &*held.folding] {
            if let Some(counts) = by_user.get(&user_id) {
                unfolded.extend_from_slice(counts);
            }
        }
        (table, unfolded)
    }
}

/// Frozen counts sorted by key, so that a fold writes each page of the table once. Takes
/// a moment for many: not on a thread that serves checks.
pub fn sorted_by_key(frozen: &ByUser) -> Vec<CountedHour> {
    let mut sorted: Vec<CountedHour> = frozen.values().flatten().copied().collect();
    sort_for_fold(&mut sorted);
    sorted
}

/// Key order, the counts table's own: a fold in this order writes each page once.
pub fn sort_for_fold(counts: &mut [CountedHour]) {
    counts.sort_unstable_by_key(|(key, hour, _)| (*key, *hour));
}

/// The same key's counts, summed (a key can be both in the table and in memory), in key order.
pub fn sum_by_key(counts: impl IntoIterator<Item = CountedHour>) -> Vec<CountedHour> {
    let mut summed: HashMap<(AccessKey, i64), HourTally> = HashMap::new();
    for (key, hour, tally) in counts {
        add_tally(summed.entry((key, hour)).or_default(), &tally);
    }
    let mut summed: Vec<CountedHour> = summed
        .into_iter()
        .map(|((key, hour), tally)| (key, hour, tally))
        .collect();
    sort_for_fold(&mut summed);
    summed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Access;

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
        recent.add(&[counted(1, 0, 2), counted(2, 0, 1)]);
        recent.add(&[counted(1, 0, 3), counted(1, 3_600_000, 1)]);
        assert_eq!(recent.current_keys(), 3);
        let ((), alice) = recent.with_unfolded(1, async {}).await;
        assert_eq!(sum_by_key(alice), vec![counted(1, 0, 5), counted(1, 3_600_000, 1)]);

        let frozen = sorted_by_key(&recent.freeze());
        assert_eq!(
            frozen,
            vec![counted(1, 0, 5), counted(1, 3_600_000, 1), counted(2, 0, 1)]
        );
        recent.add(&[counted(2, 0, 4)]);
        let failed: Result<(), &str> = recent.fold(async { Err("disk full") }).await;
        assert!(failed.is_err());
        // Still shown, and folded again with what came since.
        let ((), bob) = recent.with_unfolded(2, async {}).await;
        assert_eq!(sum_by_key(bob), vec![counted(2, 0, 5)]);
        assert_eq!(
            sorted_by_key(&recent.freeze()),
            vec![counted(1, 0, 5), counted(1, 3_600_000, 1), counted(2, 0, 5)]
        );

        recent.fold(async { Ok::<(), ()>(()) }).await.unwrap();
        let ((), bob) = recent.with_unfolded(2, async {}).await;
        assert!(bob.is_empty());
    }
}
