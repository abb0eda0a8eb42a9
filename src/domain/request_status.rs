//! Where a consent request stands over time: pending for at most `PENDING_DAYS`, then answered
//! or expired; and after a refusal, how long the partner must wait to ask the same again.

use serde::{Deserialize, Serialize};

/// A request nobody answered for this long expires.
pub const PENDING_DAYS: i64 = 14;
/// After a refusal, the same partner may not ask the same person for the same thing again for
/// this long.
pub const REFUSAL_COOL_DOWN_DAYS: i64 = 30;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Pending,
    Approved,
    Refused,
    /// Nobody answered within `PENDING_DAYS`.
    Expired,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Refused => "refused",
            RequestStatus::Expired => "expired",
        }
    }

    /// A pending request past its end is expired, even before anything recorded it so.
    pub fn effective(self, expires_at: i64, now: i64) -> Self {
        match self {
            RequestStatus::Pending if expires_at <= now => RequestStatus::Expired,
            other => other,
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(RequestStatus::Pending),
            "approved" => Some(RequestStatus::Approved),
            "refused" => Some(RequestStatus::Refused),
            "expired" => Some(RequestStatus::Expired),
            _ => None,
        }
    }
}

/// When a request made at `created_at` expires unanswered (Unix milliseconds).
pub fn pending_until(created_at: i64) -> i64 {
    created_at + PENDING_DAYS * 86_400_000
}

/// Until when a partner must wait before asking for `asked` again, after the person refused
/// `refused` at `refused_at`: only while the cool-down lasts, and only if everything asked is
/// within what was refused (asking for something else is a new question).
pub fn cool_down_end<T: PartialEq>(asked: &[T], refused: &[T], refused_at: i64, now: i64) -> Option<i64> {
    let end = refused_at + REFUSAL_COOL_DOWN_DAYS * 86_400_000;
    (end > now && asked.iter().all(|a| refused.contains(a))).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Access::*;

    #[test]
    fn a_pending_request_past_its_end_counts_as_expired() {
        let end = pending_until(0);
        assert_eq!(end, 14 * 86_400_000);
        assert_eq!(RequestStatus::Pending.effective(end, end - 1), RequestStatus::Pending);
        assert_eq!(RequestStatus::Pending.effective(end, end), RequestStatus::Expired);
        assert_eq!(RequestStatus::Refused.effective(end, end + 1), RequestStatus::Refused);
    }

    #[test]
    fn the_same_thing_refused_may_not_be_asked_again_for_30_days() {
        let day = 86_400_000;
        let end = Some(30 * day);
        assert_eq!(cool_down_end(&[Read], &[Read, Write], 0, day), end, "asking for less");
        assert_eq!(cool_down_end(&[Read, Write], &[Read, Write], 0, 30 * day - 1), end);
        assert_eq!(
            cool_down_end(&[Read, Delete], &[Read, Write], 0, day),
            None,
            "asking for more"
        );
        assert_eq!(
            cool_down_end(&[Read], &[Read], 0, 30 * day),
            None,
            "the cool-down is over"
        );
    }
}
