//! What partners did with their access: decision counts per key and hour, and every attempt
//! refused because the access was taken back or ran out.
//!
//! Counts live in `decision_counts`, keyed by hour first (then user, partner, category,
//! access), so each second's upserts land in the current hour's pages, and `count_hours` lists
//! the hours that have any: a user's counts are read with one seek per listed hour. On SQLite
//! both tables sit in a file of their own beside the consent store (`counts_url`), so writing a
//! second's counts never holds the consent store's write lock.

mod reads;
mod writes;

use crate::domain::access::Access;
use crate::domain::activity::EndedBy;

/// One partner question about one access of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccessKey {
    pub user_id: i64,
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
}

/// Decisions of one hour for one access, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HourTally {
    pub allowed: i64,
    pub denied: i64,
    pub last_allowed_at: Option<i64>,
}

impl HourTally {
    /// Adds `other`'s decisions to these.
    pub fn add(&mut self, other: HourTally) {
        self.allowed += other.allowed;
        self.denied += other.denied;
        self.last_allowed_at = self.last_allowed_at.max(other.last_allowed_at);
    }
}

/// What a decision is counted under: the access asked about, and the friend it was asked
/// through, if it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountKey {
    pub asked: AccessKey,
    pub via: Option<i64>,
}

impl CountKey {
    /// A question about the user's own grant.
    pub fn own(asked: AccessKey) -> Self {
        CountKey { asked, via: None }
    }

    /// As stored: 0 where no friend was named (a key column cannot be NULL).
    fn via_column(&self) -> i64 {
        self.via.unwrap_or(0)
    }
}

/// The counts of one key in one hour (the hour's start, Unix milliseconds).
pub type CountedHour = (CountKey, i64, HourTally);

/// A partner asked to use an access the user took back or that ran out, or to see the user
/// through a friend after the user said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedAttempt {
    pub key: CountKey,
    pub reason: EndedBy,
    /// When the access ended, or the user said no.
    pub ended_at: i64,
    pub at: i64,
}

/// How often a partner saw a user through one friend's data, since a moment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SeenThroughFriend {
    pub partner_id: i64,
    /// The user's category asked about (profile: seen in the friend's friends list).
    pub category_id: i64,
    pub via_user_id: i64,
    pub allowed: i64,
}

/// How much one access was used: allowed decisions since a moment, and the last one ever.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccessUse {
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
    pub allowed_since: i64,
    pub last_allowed_at: Option<i64>,
}

/// One hour of decisions about one access, for the Activity chart.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HourOfUse {
    pub partner_id: i64,
    pub category_id: i64,
    pub access: Access,
    pub hour_start: i64,
    pub allowed: i64,
    pub denied: i64,
}
