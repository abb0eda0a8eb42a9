//! How repeated sign-in failures slow down, then lock, a subject (an account or an address).
//!
//! Counting a failure is one atomic statement in the store (`record_sign_in_failure`), so that
//! guesses sent in parallel each count; these are its rules and what the count means.

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
    fn more_failures_answer_more_slowly_until_the_window_passes() {
        let now = 1_000_000_000;
        let failures = |count| Failures {
            count,
            window_started_at: now,
            locked_until: None,
        };
        assert_eq!(Failures::default().delay_ms(now), 0);
        assert!(failures(2).delay_ms(now + 1) > failures(1).delay_ms(now + 1));
        assert_eq!(failures(50).delay_ms(now + 1), failures(5).delay_ms(now + 1), "capped");
        assert_eq!(failures(4).delay_ms(now + WINDOW_MS + 1), 0, "forgotten");
    }

    #[test]
    fn a_lock_holds_until_its_end() {
        let locked = Failures {
            count: ACCOUNT_LIMIT,
            window_started_at: 0,
            locked_until: Some(LOCK_MS),
        };
        assert!(locked.locked_at(LOCK_MS - 1));
        assert!(!locked.locked_at(LOCK_MS));
        assert!(!Failures::default().locked_at(0));
    }
}
