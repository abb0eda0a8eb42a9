//! What a partner sees of a person through a friend: the one rule of this product's "through
//! your friends", with its words. A partner that a friend lets read one of the friend's
//! categories sees the part of it that is about the person:
//!
//! | the friend lets it read | it sees of the person                     | the person's category |
//! |-------------------------|-------------------------------------------|-----------------------|
//! | friends                 | their name                                | profile               |
//! | contacts                | their contact details                     | contacts              |
//! | posts                   | the posts they shared with the friend     | posts                 |
//! | calendar                | the calendar entries shared with the friend | calendar            |
//!
//! Only reading passes through a friend; nothing else of the person does.

use crate::domain::access::Access;
use crate::domain::decision::{Decision, DenyReason};

/// One way a person is seen through a friend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exposure {
    /// The friend's category whose read shows this: `friends`.
    pub friend_category: &'static str,
    /// The person's category it is about, as a partner asks with `via`: `profile`.
    pub person_category: &'static str,
    /// What of the person it shows: "your name".
    pub shows: &'static str,
    /// The friend's data it is seen in: "friends list" (Alice's friends list).
    pub seen_in: &'static str,
}

pub const EXPOSURES: [Exposure; 4] = [
    Exposure {
        friend_category: "friends",
        seen_in: "friends list",
        person_category: "profile",
        shows: "your name",
    },
    Exposure {
        friend_category: "contacts",
        seen_in: "contacts",
        person_category: "contacts",
        shows: "your contact details",
    },
    Exposure {
        friend_category: "posts",
        seen_in: "posts",
        person_category: "posts",
        shows: "the posts you shared with them",
    },
    Exposure {
        friend_category: "calendar",
        seen_in: "calendar",
        person_category: "calendar",
        shows: "the calendar entries you shared with them",
    },
];

/// Why a question about a person through a friend cannot be asked at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViaError {
    #[error("Through a friend a partner may only read, not {0}.")]
    NotRead(Access),
    #[error("Nothing of a person's {0} is seen through a friend; ask about profile, contacts, posts or calendar.")]
    NotSeenThroughFriends(String),
    #[error("A person is not seen through themselves; leave out \u{201c}via\u{201d} to ask about their own grants.")]
    Themselves,
}

/// The exposure a partner asks about with `via`: `access` on the person's `category`.
pub fn exposure_asked(person_category: &str, access: Access) -> Result<Exposure, ViaError> {
    let exposure = exposure_of_person(person_category)
        .ok_or_else(|| ViaError::NotSeenThroughFriends(person_category.to_owned()))?;
    if access != Access::Read {
        return Err(ViaError::NotRead(access));
    }
    Ok(exposure)
}

/// What a question with `via` about the person's `person_category` is about.
pub fn exposure_of_person(person_category: &str) -> Option<Exposure> {
    EXPOSURES.iter().copied().find(|e| e.person_category == person_category)
}

/// The exposures a friend's read of `friend_category` gives.
pub fn exposure_of(friend_category: &str) -> Option<Exposure> {
    EXPOSURES.iter().copied().find(|e| e.friend_category == friend_category)
}

/// Whether a partner sees a person through a friend, now: `friend_grants` is the decision on
/// the friend's own grant of the category that shows it, `refused_since` when the person said
/// no to this partner seeing them through friends. The person's "no" wins over anything the
/// friend granted, and a stranger is never seen.
pub fn decide_via(are_friends: bool, refused_since: Option<i64>, friend_grants: Decision) -> Decision {
    let deny = |reason| Decision::Deny { reason, since: None };
    if !are_friends {
        deny(DenyReason::NotAFriend)
    } else if let Some(since) = refused_since {
        Decision::Deny {
            reason: DenyReason::RefusedByPerson,
            since: Some(since),
        }
    } else if friend_grants != Decision::Allow {
        deny(DenyReason::FriendDidNotGrant)
    } else {
        Decision::Allow
    }
}

/// "Microsoft Bing can see your name through Alice Example and 2 other friends".
pub fn seen_through_sentence(partner: &str, shows: &str, first_friend: &str, other_friends: usize) -> String {
    match other_friends {
        0 => format!("{partner} can see {shows} through {first_friend}"),
        1 => format!("{partner} can see {shows} through {first_friend} and 1 other friend"),
        n => format!("{partner} can see {shows} through {first_friend} and {n} other friends"),
    }
}

/// "Microsoft Bing saw you through Alice Example's friends list 12 times this week."
pub fn seen_count_sentence(partner: &str, friend: &str, seen_in: &str, times: i64) -> String {
    let times = match times {
        1 => "once".to_owned(),
        n => format!("{n} times"),
    };
    format!("{partner} saw you through {friend}\u{2019}s {seen_in} {times} this week.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_friends_list_shows_a_name_and_only_reading_passes_through() {
        let name = exposure_asked("profile", Access::Read).unwrap();
        assert_eq!((name.friend_category, name.shows), ("friends", "your name"));
        assert_eq!(
            exposure_asked("contacts", Access::Read).unwrap().friend_category,
            "contacts"
        );
        assert_eq!(
            exposure_asked("posts", Access::Write),
            Err(ViaError::NotRead(Access::Write))
        );
        assert_eq!(
            exposure_asked("messages", Access::Read),
            Err(ViaError::NotSeenThroughFriends("messages".into()))
        );
        assert_eq!(exposure_of("friends").map(|e| e.person_category), Some("profile"));
        assert_eq!(exposure_of("messages"), None);
    }

    #[test]
    fn the_persons_no_wins_and_a_stranger_is_never_seen() {
        let denied = |reason| Decision::Deny { reason, since: None };
        let withdrawn = Decision::Deny {
            reason: DenyReason::Withdrawn,
            since: Some(5),
        };
        assert_eq!(decide_via(true, None, Decision::Allow), Decision::Allow);
        assert_eq!(
            decide_via(false, Some(3), Decision::Allow),
            denied(DenyReason::NotAFriend)
        );
        assert_eq!(
            decide_via(true, Some(3), Decision::Allow),
            Decision::Deny {
                reason: DenyReason::RefusedByPerson,
                since: Some(3),
            },
            "the no wins, and says since when"
        );
        assert_eq!(decide_via(true, None, withdrawn), denied(DenyReason::FriendDidNotGrant));
    }

    #[test]
    fn what_a_partner_saw_is_said_with_the_friend_and_their_data() {
        assert_eq!(
            seen_count_sentence("Microsoft Bing", "Alice Example", "friends list", 12),
            "Microsoft Bing saw you through Alice Example\u{2019}s friends list 12 times this week."
        );
        assert_eq!(
            seen_count_sentence("Amazon", "Bob Example", "contacts", 1),
            "Amazon saw you through Bob Example\u{2019}s contacts once this week."
        );
    }

    #[test]
    fn the_sentence_counts_the_other_friends() {
        assert_eq!(
            seen_through_sentence("Microsoft Bing", "your name", "Alice Example", 2),
            "Microsoft Bing can see your name through Alice Example and 2 other friends"
        );
        assert_eq!(
            seen_through_sentence("Yahoo", "the posts you shared with them", "Alice Example", 0),
            "Yahoo can see the posts you shared with them through Alice Example"
        );
    }
}
