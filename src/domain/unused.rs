//! Access a partner does not use ends by itself: a grant unused for a number of days (90 unless
//! configured otherwise) expires, with that as its reason. Unused means no allowed check since
//! the grant was last given, and, for grants older than the store's watch, since the store began
//! watching use: what was never watched is not held against the partner.

use crate::domain::activity::DAY_MS;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The days an access may go unused before it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusedLimit(u32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitOutOfRange(pub u32);

impl fmt::Display for LimitOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "An access may go unused for 1 to {} days, not {}.",
            UnusedLimit::MOST_DAYS,
            self.0
        )
    }
}

impl std::error::Error for LimitOutOfRange {}

impl Default for UnusedLimit {
    fn default() -> Self {
        UnusedLimit(90)
    }
}

impl UnusedLimit {
    /// Ten years: past that the rule would never apply to anything.
    pub const MOST_DAYS: u32 = 3650;

    pub fn of_days(days: u32) -> Result<Self, LimitOutOfRange> {
        if (1..=Self::MOST_DAYS).contains(&days) {
            Ok(UnusedLimit(days))
        } else {
            Err(LimitOutOfRange(days))
        }
    }

    pub fn days(self) -> u32 {
        self.0
    }

    pub fn span_ms(self) -> i64 {
        i64::from(self.0) * DAY_MS
    }

    /// The reason the ledger records for such an expiry: "unused for 90 days".
    pub fn reason(self) -> String {
        format!("unused for {} days", self.0)
    }

    /// Grants quiet since this moment or before have expired by `now`.
    pub fn quiet_cut(self, now: i64) -> i64 {
        now - self.span_ms()
    }

    /// When an access expires unless it is used: `limit` after it was last given, last used or
    /// first watched, whichever is latest.
    pub fn deadline(self, given_at: i64, last_used: Option<i64>, watched_since: i64) -> i64 {
        given_at.max(last_used.unwrap_or(i64::MIN)).max(watched_since) + self.span_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_a_sensible_number_of_days() {
        assert_eq!(UnusedLimit::default().days(), 90);
        assert_eq!(UnusedLimit::of_days(30).map(UnusedLimit::days), Ok(30));
        assert_eq!(UnusedLimit::of_days(0), Err(LimitOutOfRange(0)));
        assert_eq!(UnusedLimit::of_days(3651), Err(LimitOutOfRange(3651)));
        assert_eq!(
            LimitOutOfRange(0).to_string(),
            "An access may go unused for 1 to 3650 days, not 0."
        );
        assert_eq!(UnusedLimit::default().reason(), "unused for 90 days");
    }

    #[test]
    fn the_clock_starts_at_the_latest_of_giving_using_and_watching() {
        let limit = UnusedLimit::of_days(10).unwrap();
        let day = DAY_MS;
        assert_eq!(
            limit.deadline(5 * day, None, 0),
            15 * day,
            "never used: from when it was given"
        );
        assert_eq!(limit.deadline(5 * day, Some(7 * day), 0), 17 * day, "used since");
        assert_eq!(
            limit.deadline(5 * day, Some(7 * day), 9 * day),
            19 * day,
            "watched only since"
        );
        assert_eq!(limit.quiet_cut(19 * day), 9 * day);
    }
}
