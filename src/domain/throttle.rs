//! How repeated sign-in failures slow down, then lock, a subject (an account or an address).

/// Failures count within this window; after it they are forgotten.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures of one account before it locks.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failures from one client address before it locks (it may be shared by many people).
pub const ADDRESS_LIMIT: i64 = 20;
/// How long a lock lasts.
pub const LOCK_MS: i64 = 15 * 60 * 1000;

/// What is known about a subject's recent failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: i64,
    pub window_started_at: i64,
    pub locked_until: Option<i64>,
}

impl Failures {
    pub fn locked_at(&self, now: i64) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }

    /// The record after one more failure at `now`, locking once `limit` is reached.
    pub fn after_failure(self, now: i64, limit: i64) -> Failures {
        let fresh = now - self.window_started_at > WINDOW_MS;
        let count = if fresh { 1 } else { self.count + 1 };
        let window_started_at = if fresh { now } else { self.window_started_at };
        let locked_until = if count >= limit {
            Some(now + LOCK_MS)
        } else {
            self.locked_until
        };
        Failures {
            count,
            window_started_at,
            locked_until,
        }
    }

    /// How long to hold the answer to the next attempt: more failures, slower answers.
    pub fn delay_ms(&self, now: i64) -> u64 {
        if now - self.window_started_at > WINDOW_MS {
            return 0;
        }
        (self.count.clamp(0, 5) as u64) * 250
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_down_then_lock_then_are_forgotten() {
        let mut failures = Failures::default();
        let now = 1_000_000_000;
        for n in 1..ACCOUNT_LIMIT {
            failures = failures.after_failure(now + n, ACCOUNT_LIMIT);
            assert!(!failures.locked_at(now + n), "not locked after {n}");
        }
        assert!(failures.delay_ms(now + 10) > Failures::default().after_failure(now, ACCOUNT_LIMIT).delay_ms(now));
        failures = failures.after_failure(now + 10, ACCOUNT_LIMIT);
        assert!(failures.locked_at(now + 11));
        assert!(!failures.locked_at(now + 10 + LOCK_MS + 1), "the lock ends");
        let later = failures.after_failure(now + WINDOW_MS + LOCK_MS + 100, ACCOUNT_LIMIT);
        assert_eq!(later.count, 1, "old failures are forgotten");
    }
}
