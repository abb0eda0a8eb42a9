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
}

impl AdminAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AdminAction::Added => "added",
            AdminAction::Described => "described",
            AdminAction::Retired => "retired",
            AdminAction::KeyCreated => "key_created",
            AdminAction::KeyRotated => "key_rotated",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            AdminAction::Added,
            AdminAction::Described,
            AdminAction::Retired,
            AdminAction::KeyCreated,
            AdminAction::KeyRotated,
        ]
        .into_iter()
        .find(|action| action.as_str() == raw)
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
        for action in [
            AdminAction::Added,
            AdminAction::Described,
            AdminAction::Retired,
            AdminAction::KeyCreated,
            AdminAction::KeyRotated,
        ] {
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
    fn the_key_button_says_whether_it_creates_or_rotates() {
        let mut listing = PartnerListing {
            slug: "acme".into(),
            name: "Acme".into(),
            description: "Anvils.".into(),
            has_key: false,
            retired_on: None,
        };
        assert_eq!(listing.key_button(), "Create a new key for Acme");
        listing.has_key = true;
        assert_eq!(listing.key_button(), "Rotate the key of Acme");
    }
}
