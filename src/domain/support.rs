//! What the support console shows: people found, and one person's case, read-only.

use crate::domain::activity::ActivityView;
use crate::domain::dashboard::DashboardView;
use crate::domain::friends_view::ThroughFriendsView;
use crate::domain::history::HistoryEntry;
use crate::domain::request_view::PendingRequestView;
use serde::{Deserialize, Serialize};

pub const SEARCH_PAGE_SIZE: u32 = 20;

/// How long opening a person's data lasts before staff must open it again (and be recorded).
pub const OPENED_FOR_MS: i64 = 30 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupportSearch {
    pub query: String,
    pub page: u32,
    pub people: Vec<PersonSummary>,
    pub more: bool,
}

/// A person's data as staff see it. Everything but `person` is empty until staff open it,
/// because opening is what gets recorded and shown to the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupportCase {
    pub person: PersonSummary,
    pub opened: bool,
    pub dashboard: Option<DashboardView>,
    /// Requests waiting for the person's answer, which support may refuse for them.
    pub requests: Vec<PendingRequestView>,
    /// Who sees the person through their friends; support may say no for them.
    pub through_friends: Option<ThroughFriendsView>,
    pub history: Vec<HistoryEntry>,
    pub activity: Option<ActivityView>,
}

/// "Support agent Sam looked at your permissions on 23 Nov 2026, 14:05 UTC (ticket T-1)."
pub fn looked_sentence(agent_name: &str, when: &str, ticket: Option<&str>) -> String {
    match ticket {
        Some(ticket) => format!("Support agent {agent_name} looked at your permissions on {when} (ticket {ticket})."),
        None => format!("Support agent {agent_name} looked at your permissions on {when}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_reads_as_a_sentence_with_its_ticket() {
        assert_eq!(
            looked_sentence("Sam Support", "23 Nov 2026, 14:05 UTC", Some("T-1")),
            "Support agent Sam Support looked at your permissions on 23 Nov 2026, 14:05 UTC (ticket T-1)."
        );
        assert!(!looked_sentence("Sam", "today", None).contains("ticket"));
    }
}
