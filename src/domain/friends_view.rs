//! What the "Through your friends" page shows: each partner that sees the person through a
//! friend, in words, opening to the friends it comes through; and the person's "no"s.

use crate::domain::through_friends::seen_through_sentence;
use serde::{Deserialize, Serialize};

/// The page's path.
pub const THROUGH_FRIENDS_PATH: &str = "/through-friends";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThroughFriendsView {
    /// Every partner that a friend's grant lets see something of the person, by name.
    pub partners: Vec<SeenThroughFriends>,
    /// The person said "Nobody sees me through my friends".
    pub nobody: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeenThroughFriends {
    pub partner_slug: String,
    pub partner_name: String,
    /// What of the person it sees, in order: "your name", "your contact details".
    pub shows: Vec<String>,
    /// The friends it comes through, by name, with since when they are friends ("3 Mar 2024").
    pub friends: Vec<(String, String)>,
    /// The person said no to this partner (or to every partner).
    pub refused: bool,
    /// What it did this week through each friend: "Microsoft Bing saw you through Alice
    /// Example's friends list 12 times this week."
    pub seen: Vec<String>,
    /// Its attempts refused after the person said no, which stand out: "Microsoft Bing tried
    /// to see your name through Alice Example 3 times after you said no on 6 Dec 2026."
    pub tried_after_no: Vec<String>,
}

impl SeenThroughFriends {
    /// "Microsoft Bing can see your name through Alice Example and 2 other friends".
    pub fn sentence(&self) -> String {
        let shows = match self.shows.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        };
        let first = self.friends.first().map(|(name, _)| name.as_str()).unwrap_or_default();
        seen_through_sentence(&self.partner_name, &shows, first, self.friends.len().saturating_sub(1))
    }

    /// "You said no: Microsoft Bing cannot see you through your friends."
    pub fn refused_sentence(&self) -> String {
        format!(
            "You said no: {} cannot see you through your friends.",
            self.partner_name
        )
    }
}

impl ThroughFriendsView {
    pub fn empty_state() -> &'static str {
        "No partner can see you through your friends."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partner_is_named_with_what_it_sees_and_through_whom() {
        let seen = SeenThroughFriends {
            partner_slug: "amazon".into(),
            partner_name: "Amazon".into(),
            shows: vec!["your name".into(), "your contact details".into()],
            friends: vec![
                ("Alice Example".into(), "1 Jan 2020".into()),
                ("Bob Example".into(), "2 Jan 2020".into()),
            ],
            refused: false,
            seen: Vec::new(),
            tried_after_no: Vec::new(),
        };
        assert_eq!(
            seen.sentence(),
            "Amazon can see your name and your contact details through Alice Example and 1 other friend"
        );
        assert_eq!(
            seen.refused_sentence(),
            "You said no: Amazon cannot see you through your friends."
        );
    }
}
