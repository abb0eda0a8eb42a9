//! The canonical encoding of a consent event and its hash, shared by the writer and the verifier.

use serde::Serialize;

/// The `prev_hash` of a user's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Every field of an event that the hash covers, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventFields<'a> {
    pub user_id: i64,
    pub grant_id: i64,
    pub partner_id: i64,
    pub category_id: i64,
    pub access: &'a str,
    pub status: &'a str,
    pub actor_kind: &'a str,
    pub actor_id: Option<i64>,
    pub purpose: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub at: i64,
    pub prev_hash: &'a str,
}

impl EventFields<'_> {
    /// A JSON array with a version tag: unambiguous (strings are quoted and escaped) and
    /// stable, since serde_json writes arrays in order and without optional whitespace.
    pub fn canonical(&self) -> String {
        serde_json::json!([
            "who-can-see/ledger/v1",
            self.user_id,
            self.grant_id,
            self.partner_id,
            self.category_id,
            self.access,
            self.status,
            self.actor_kind,
            self.actor_id,
            self.purpose,
            self.reason,
            self.at,
            self.prev_hash
        ])
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> EventFields<'static> {
        EventFields {
            user_id: 1,
            grant_id: 2,
            partner_id: 3,
            category_id: 4,
            access: "read",
            status: "withdrawn",
            actor_kind: "user",
            actor_id: Some(1),
            purpose: None,
            reason: Some("a \"quoted\", reason"),
            at: 1_700_000_000_000,
            prev_hash: GENESIS,
        }
    }

    #[test]
    fn the_encoding_is_stable_and_covers_every_field() {
        let encoded = fields().canonical();
        assert_eq!(
            encoded,
            format!(
                r#"["who-can-see/ledger/v1",1,2,3,4,"read","withdrawn","user",1,null,"a \"quoted\", reason",1700000000000,"{GENESIS}"]"#
            )
        );
        let mut other = fields();
        other.status = "granted";
        assert_ne!(other.canonical(), encoded);
    }
}
