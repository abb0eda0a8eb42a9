//! What the History page shows: every consent event, in words a person reads, and the
//! W3C DPV status words used in exports.

use crate::domain::access::Access;
use serde::{Deserialize, Serialize};

/// A ledger event's status. Words follow W3C DPV consent statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    /// A partner asked for the access (DPV ConsentRequested).
    Requested,
    Granted,
    Withdrawn,
    Revoked,
    Expired,
    Refused,
}

impl EventStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "requested" => EventStatus::Requested,
            "granted" => EventStatus::Granted,
            "withdrawn" => EventStatus::Withdrawn,
            "revoked" => EventStatus::Revoked,
            "expired" => EventStatus::Expired,
            "refused" => EventStatus::Refused,
            _ => return None,
        })
    }

    /// The DPV word: dpv:ConsentRequested, dpv:ConsentGiven, dpv:ConsentWithdrawn, ...
    pub fn dpv(self) -> &'static str {
        match self {
            EventStatus::Requested => "Requested",
            EventStatus::Granted => "Given",
            EventStatus::Withdrawn => "Withdrawn",
            EventStatus::Revoked => "Revoked",
            EventStatus::Expired => "Expired",
            EventStatus::Refused => "Refused",
        }
    }

    /// Whether a partner not told of it is refused from its next check.
    pub fn ends_access(self) -> bool {
        self.takes_access_away() || self == EventStatus::Refused
    }

    pub fn takes_access_away(self) -> bool {
        matches!(
            self,
            EventStatus::Withdrawn | EventStatus::Revoked | EventStatus::Expired
        )
    }
}

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    User,
    Support,
    System,
    /// The partner itself: it asked for access.
    Partner,
}

impl ActorKind {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "user" => ActorKind::User,
            "support" => ActorKind::Support,
            "system" => ActorKind::System,
            "partner" => ActorKind::Partner,
            _ => return None,
        })
    }

    pub fn describe(self) -> &'static str {
        match self {
            ActorKind::User => "You",
            ActorKind::Support => "A support agent, on your behalf",
            ActorKind::System => "The system",
            ActorKind::Partner => "The partner",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub event_id: i64,
    /// `None` for an event about a request that touched no grant (asked, refused).
    pub grant_id: Option<i64>,
    /// Already formatted for people, in UTC.
    pub when: String,
    pub partner_name: String,
    pub category_noun: String,
    pub access: Access,
    pub status: EventStatus,
    pub actor: ActorKind,
    /// The support agent's name, when support acted.
    pub actor_name: Option<String>,
    pub reason: Option<String>,
    /// This is the grant's latest event and it took access away, so it can be allowed again.
    pub can_allow_again: bool,
    /// About the partner seeing the person through their friends, not about a grant.
    pub through_friends: bool,
    /// What the partner was told of it: "Spotify was told at 12:03:05 and confirmed".
    pub told: Option<String>,
}

impl HistoryEntry {
    /// "You withdrew Spotify's read access to your messages."
    pub fn sentence(&self) -> String {
        let (partner, access, noun) = (&self.partner_name, self.access, &self.category_noun);
        if self.through_friends {
            return self.through_friends_sentence();
        }
        match (self.status, self.actor) {
            (EventStatus::Requested, _) => format!("{partner} asked to {access} your {noun}."),
            (EventStatus::Granted, ActorKind::User) => format!("You allowed {partner} to {access} your {noun}."),
            (EventStatus::Granted, _) => format!("{partner} was allowed to {access} your {noun}."),
            (EventStatus::Withdrawn, _) => format!("You withdrew {partner}'s {access} access to your {noun}."),
            (EventStatus::Revoked, _) => match &self.actor_name {
                Some(agent) => {
                    format!("Support agent {agent} revoked {partner}'s {access} access to your {noun} for you.")
                }
                None => format!("A support agent revoked {partner}'s {access} access to your {noun} for you."),
            },
            (EventStatus::Expired, _) => format!("{partner}'s {access} access to your {noun} expired."),
            (EventStatus::Refused, ActorKind::Support) => match &self.actor_name {
                Some(agent) => {
                    format!("Support agent {agent} refused {partner} {access} access to your {noun} for you.")
                }
                None => format!("A support agent refused {partner} {access} access to your {noun} for you."),
            },
            (EventStatus::Refused, _) => format!("You refused {partner} {access} access to your {noun}."),
        }
    }
}

impl HistoryEntry {
    /// "You said no to Microsoft Bing seeing you through your friends."
    fn through_friends_sentence(&self) -> String {
        let partner = &self.partner_name;
        let no = format!("no to {partner} seeing you through your friends");
        match (self.status, self.actor, &self.actor_name) {
            (EventStatus::Granted, _, _) => format!("You let {partner} see you through your friends again."),
            (_, ActorKind::Support, Some(agent)) => format!("Support agent {agent} said {no}, for you."),
            (_, ActorKind::Support, None) => format!("A support agent said {no}, for you."),
            _ => format!("You said {no}."),
        }
    }

    /// Who acted, for the "Who" column: support agents by name.
    pub fn actor_description(&self) -> String {
        match (self.actor, &self.actor_name) {
            (ActorKind::Support, Some(agent)) => format!("Support agent {agent}, on your behalf"),
            (ActorKind::Partner, _) => self.partner_name.clone(),
            (actor, _) => actor.describe().to_owned(),
        }
    }
}

/// A page of history and what it was filtered by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub page: u32,
    pub pages: u32,
    pub total: u64,
    pub partners: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub partner: Option<String>,
    pub category: Option<String>,
    /// "Support agent Sam looked at your permissions on …", newest first.
    pub support_looks: Vec<String>,
}

pub const HISTORY_PAGE_SIZE: u32 = 50;

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: EventStatus, actor: ActorKind) -> HistoryEntry {
        HistoryEntry {
            event_id: 1,
            grant_id: Some(1),
            when: "1 Jan 2026".into(),
            partner_name: "Spotify".into(),
            category_noun: "messages".into(),
            access: Access::Read,
            status,
            actor,
            actor_name: None,
            reason: None,
            can_allow_again: false,
            through_friends: false,
            told: None,
        }
    }

    #[test]
    fn events_read_as_sentences() {
        assert_eq!(
            entry(EventStatus::Withdrawn, ActorKind::User).sentence(),
            "You withdrew Spotify's read access to your messages."
        );
        assert_eq!(
            entry(EventStatus::Granted, ActorKind::User).sentence(),
            "You allowed Spotify to read your messages."
        );
        assert_eq!(
            entry(EventStatus::Requested, ActorKind::Partner).sentence(),
            "Spotify asked to read your messages."
        );
        assert_eq!(
            entry(EventStatus::Requested, ActorKind::Partner).actor_description(),
            "Spotify"
        );
        let mut refused_by_support = entry(EventStatus::Refused, ActorKind::Support);
        refused_by_support.actor_name = Some("Sam".into());
        assert_eq!(
            refused_by_support.sentence(),
            "Support agent Sam refused Spotify read access to your messages for you."
        );
        assert!(
            entry(EventStatus::Revoked, ActorKind::Support)
                .sentence()
                .starts_with("A support agent revoked")
        );
    }

    #[test]
    fn statuses_use_dpv_words() {
        let words: Vec<_> = ["requested", "granted", "withdrawn", "revoked", "expired", "refused"]
            .iter()
            .map(|s| EventStatus::parse(s).unwrap().dpv())
            .collect();
        assert_eq!(
            words,
            ["Requested", "Given", "Withdrawn", "Revoked", "Expired", "Refused"]
        );
        assert_eq!(EventStatus::parse("deleted"), None);
    }
}
