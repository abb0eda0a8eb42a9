//! The answer to a partner's question "may I do this, now?", as a pure function of the grant.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GrantStatus {
    Active,
    /// Taken back by the user.
    Withdrawn,
    /// Taken back by support staff on the user's behalf.
    Revoked,
    /// Its time ran out; the system recorded the end.
    Expired,
}

impl GrantStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "active" => Some(GrantStatus::Active),
            "withdrawn" => Some(GrantStatus::Withdrawn),
            "revoked" => Some(GrantStatus::Revoked),
            "expired" => Some(GrantStatus::Expired),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GrantStatus::Active => "active",
            GrantStatus::Withdrawn => "withdrawn",
            GrantStatus::Revoked => "revoked",
            GrantStatus::Expired => "expired",
        }
    }

    /// How an ended grant ended, as the dashboard says it: "read withdrawn 3 Mar 2024".
    pub fn ended_word(self) -> &'static str {
        match self {
            GrantStatus::Active => "active",
            GrantStatus::Withdrawn => "withdrawn",
            GrantStatus::Revoked => "revoked by support",
            GrantStatus::Expired => "expired",
        }
    }
}

/// The current state of one grant; times are Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantState {
    pub status: GrantStatus,
    pub changed_at: i64,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    NeverGranted,
    Withdrawn,
    Revoked,
    Expired,
    /// Asked through a friend (`via`): the two are not friends, or no longer.
    NotAFriend,
    /// Asked through a friend: the friend does not let this partner read what would show it.
    FriendDidNotGrant,
    /// Asked through a friend: the person said no to being seen through friends.
    RefusedByPerson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// `since` is when the access ended, if it ever existed.
    Deny {
        reason: DenyReason,
        since: Option<i64>,
    },
}

/// A grant past its end is expired even before the sweeper has recorded it.
pub fn effective_status(status: GrantStatus, expires_at: Option<i64>, now: i64) -> GrantStatus {
    match (status, expires_at) {
        (GrantStatus::Active, Some(end)) if end <= now => GrantStatus::Expired,
        _ => status,
    }
}

pub fn decide(grant: Option<GrantState>, now: i64) -> Decision {
    let Some(grant) = grant else {
        return Decision::Deny {
            reason: DenyReason::NeverGranted,
            since: None,
        };
    };
    match grant.status {
        GrantStatus::Withdrawn => Decision::Deny {
            reason: DenyReason::Withdrawn,
            since: Some(grant.changed_at),
        },
        GrantStatus::Revoked => Decision::Deny {
            reason: DenyReason::Revoked,
            since: Some(grant.changed_at),
        },
        GrantStatus::Expired => Decision::Deny {
            reason: DenyReason::Expired,
            since: Some(grant.expires_at.unwrap_or(grant.changed_at)),
        },
        // Past its end but not yet recorded as expired: it is expired all the same.
        GrantStatus::Active => match grant.expires_at {
            Some(end) if end <= now => Decision::Deny {
                reason: DenyReason::Expired,
                since: Some(end),
            },
            _ => Decision::Allow,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: GrantStatus, expires_at: Option<i64>) -> Option<GrantState> {
        Some(GrantState {
            status,
            changed_at: 100,
            expires_at,
        })
    }

    #[test]
    fn only_an_active_unexpired_grant_allows() {
        assert_eq!(decide(state(GrantStatus::Active, None), 500), Decision::Allow);
        assert_eq!(decide(state(GrantStatus::Active, Some(501)), 500), Decision::Allow);
        assert_eq!(
            decide(state(GrantStatus::Active, Some(500)), 500),
            Decision::Deny {
                reason: DenyReason::Expired,
                since: Some(500)
            }
        );
        assert_eq!(
            decide(state(GrantStatus::Withdrawn, None), 500),
            Decision::Deny {
                reason: DenyReason::Withdrawn,
                since: Some(100)
            }
        );
        assert_eq!(
            decide(state(GrantStatus::Revoked, None), 500),
            Decision::Deny {
                reason: DenyReason::Revoked,
                since: Some(100)
            }
        );
        assert_eq!(
            decide(state(GrantStatus::Expired, Some(90)), 500),
            Decision::Deny {
                reason: DenyReason::Expired,
                since: Some(90)
            }
        );
        assert_eq!(
            decide(None, 500),
            Decision::Deny {
                reason: DenyReason::NeverGranted,
                since: None
            }
        );
    }
}
