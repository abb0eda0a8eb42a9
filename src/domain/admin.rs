//! What the admin pages show: the whole partner catalog with each partner's state, the record
//! of admin actions in sentences, and a partner's new API key the one time it is shown.

use serde::{Deserialize, Serialize};

/// One kind of change an admin made; stored by its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminAction {
    Added,
    Described,
    Retired,
    KeyCreated,
    KeyRotated,
    EndpointSet,
    EndpointOff,
    EndpointTested,
}

/// Every action, for reading them back.
const ACTIONS: [AdminAction; 8] = [
    AdminAction::Added,
    AdminAction::Described,
    AdminAction::Retired,
    AdminAction::KeyCreated,
    AdminAction::KeyRotated,
    AdminAction::EndpointSet,
    AdminAction::EndpointOff,
    AdminAction::EndpointTested,
];

impl AdminAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AdminAction::Added => "added",
            AdminAction::Described => "described",
            AdminAction::Retired => "retired",
            AdminAction::KeyCreated => "key_created",
            AdminAction::KeyRotated => "key_rotated",
            AdminAction::EndpointSet => "endpoint_set",
            AdminAction::EndpointOff => "endpoint_off",
            AdminAction::EndpointTested => "endpoint_tested",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        ACTIONS.into_iter().find(|action| action.as_str() == raw)
    }
}

/// One partner as the catalog page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerListing {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub has_key: bool,
    /// "23 Nov 2026" once retired.
    pub retired_on: Option<String>,
    /// Where the partner is told of consent changes, and how that goes.
    pub events: PartnerEvents,
}

/// A partner's event endpoint as the admin sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerEvents {
    pub endpoint: Option<String>,
    /// "Turned off on 23 Nov 2026, 15:02 UTC" (after a 410, or by an admin).
    pub turned_off: Option<String>,
    /// Events waiting to be confirmed.
    pub backlog: i64,
    /// Events given up on.
    pub failed: i64,
    /// "503 Service Unavailable, 23 Nov 2026, 15:02 UTC".
    pub last_failure: Option<String>,
}

impl PartnerEvents {
    /// "Sending to https://…", "Turned off …", or "No endpoint: …".
    pub fn state(&self) -> String {
        match (&self.endpoint, &self.turned_off) {
            (None, _) => "No endpoint: the partner learns of changes only at its next check".to_owned(),
            (Some(_), Some(off)) => format!("{off}; events wait until the endpoint is saved again"),
            (Some(endpoint), None) => format!("Sending to {endpoint}"),
        }
    }

    /// "3 events waiting, 1 given up".
    pub fn backlog_sentence(&self) -> String {
        let waiting = match self.backlog {
            0 => "No event waiting".to_owned(),
            1 => "1 event waiting".to_owned(),
            n => format!("{n} events waiting"),
        };
        match self.failed {
            0 => waiting,
            n => format!("{waiting}, {n} given up"),
        }
    }
}

impl PartnerListing {
    /// The words of the key button: a partner without a key gets its first one.
    pub fn key_button(&self) -> String {
        if self.has_key {
            format!("Rotate the key of {}", self.name)
        } else {
            format!("Create a new key for {}", self.name)
        }
    }
}

/// One recorded admin action, ready to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminActionView {
    pub admin_name: String,
    pub action: AdminAction,
    pub partner_name: String,
    /// The description given, for additions and edits.
    pub detail: Option<String>,
    /// "23 Nov 2026, 15:02 UTC".
    pub when: String,
}

impl AdminActionView {
    /// "Ada Admin retired Yahoo on 23 Nov 2026, 15:02 UTC".
    pub fn sentence(&self) -> String {
        let (admin, partner) = (&self.admin_name, &self.partner_name);
        let did = match self.action {
            AdminAction::Added => format!("added {partner} to the catalog"),
            AdminAction::Described => format!("changed the description of {partner}"),
            AdminAction::Retired => format!("retired {partner}"),
            AdminAction::KeyCreated => format!("created an API key for {partner}"),
            AdminAction::KeyRotated => format!("rotated the API key of {partner}"),
            AdminAction::EndpointSet => format!("set the event endpoint of {partner}"),
            AdminAction::EndpointOff => format!("turned off events to {partner}"),
            AdminAction::EndpointTested => format!("sent a test event to {partner}"),
        };
        format!("{admin} {did} on {}", self.when)
    }
}

/// The admin page: every partner, and the latest admin actions (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerCatalog {
    pub partners: Vec<PartnerListing>,
    pub actions: Vec<AdminActionView>,
}

/// A key just made for a partner, for the one page that ever shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownKey {
    pub partner_name: String,
    pub key: String,
    /// The partner had a key before, which has now stopped working.
    pub rotated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_their_stored_names() {
        for action in ACTIONS {
            assert_eq!(AdminAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AdminAction::parse("deleted"), None);
    }

    #[test]
    fn an_action_reads_as_who_did_what_to_which_partner_and_when() {
        let view = AdminActionView {
            admin_name: "Ada Admin".into(),
            action: AdminAction::Retired,
            partner_name: "Yahoo".into(),
            detail: None,
            when: "23 Nov 2026, 15:02 UTC".into(),
        };
        assert_eq!(view.sentence(), "Ada Admin retired Yahoo on 23 Nov 2026, 15:02 UTC");
    }

    #[test]
    fn the_event_endpoint_reads_as_its_state_and_backlog() {
        let mut events = PartnerEvents::default();
        assert!(events.state().starts_with("No endpoint"));
        events.endpoint = Some("https://acme.example/events".into());
        assert_eq!(events.state(), "Sending to https://acme.example/events");
        events.backlog = 3;
        events.failed = 1;
        assert_eq!(events.backlog_sentence(), "3 events waiting, 1 given up");
    }

    #[test]
    fn the_key_button_says_whether_it_creates_or_rotates() {
        let mut listing = PartnerListing {
            slug: "acme".into(),
            name: "Acme".into(),
            description: "Anvils.".into(),
            has_key: false,
            retired_on: None,
            events: PartnerEvents::default(),
        };
        assert_eq!(listing.key_button(), "Create a new key for Acme");
        listing.has_key = true;
        assert_eq!(listing.key_button(), "Rotate the key of Acme");
    }
}
