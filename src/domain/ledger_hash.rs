//! The canonical encoding of a consent event and its hash, shared by the writer and the verifier.

use serde::Serialize;

/// The `prev_hash` of a user's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One consent event, as written to the ledger; the hash covers every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewEvent<'a> {
    pub user_id: i64,
    /// `None` for an event about a consent request that touches no grant (requested, refused).
    pub grant_id: Option<i64>,
    pub partner_id: i64,
    pub category_id: i64,
    pub access: &'a str,
    pub status: &'a str,
    pub actor_kind: &'a str,
    pub actor_id: Option<i64>,
    pub purpose: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub at: i64,
    /// The consent request this event records or answers, if it came through one.
    pub request_id: Option<i64>,
    /// Whether the partner may see the person through their friends (the person's "no", or
    /// its undo); such an event has no grant and no request.
    pub through_friends: bool,
}

impl NewEvent<'_> {
    /// The bytes hashed for this event chained after `prev_hash`: a JSON array with a version
    /// tag, unambiguous (strings are quoted and escaped) and stable, since serde_json writes
    /// arrays in order and without optional whitespace.
    ///
    /// An event without a request is encoded as version 1 was, so every chain written before
    /// requests existed still verifies; an event with one is version 2, which adds its id. An
    /// event about being seen through friends has a tag of its own, so it can never read as a
    /// grant's.
    pub fn canonical(&self, prev_hash: &str) -> String {
        use serde_json::json;
        let version = match (self.request_id, self.through_friends) {
            (Some(_), _) => "who-can-see/ledger/v2",
            (None, false) => "who-can-see/ledger/v1",
            (None, true) => "who-can-see/ledger/through-friends/v1",
        };
        let mut fields = vec![
            json!(version),
            json!(self.user_id),
            json!(self.grant_id),
            json!(self.partner_id),
            json!(self.category_id),
            json!(self.access),
            json!(self.status),
            json!(self.actor_kind),
            json!(self.actor_id),
            json!(self.purpose),
            json!(self.reason),
            json!(self.at),
        ];
        if let Some(request_id) = self.request_id {
            fields.push(json!(request_id));
        }
        fields.push(json!(prev_hash));
        serde_json::Value::Array(fields).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> NewEvent<'static> {
        NewEvent {
            user_id: 1,
            grant_id: Some(2),
            partner_id: 3,
            category_id: 4,
            access: "read",
            status: "withdrawn",
            actor_kind: "user",
            actor_id: Some(1),
            purpose: None,
            reason: Some("a \"quoted\", reason"),
            at: 1_700_000_000_000,
            request_id: None,
            through_friends: false,
        }
    }

    #[test]
    fn the_encoding_is_stable_and_covers_every_field() {
        let encoded = fields().canonical(GENESIS);
        assert_eq!(
            encoded,
            format!(
                r#"["who-can-see/ledger/v1",1,2,3,4,"read","withdrawn","user",1,null,"a \"quoted\", reason",1700000000000,"{GENESIS}"]"#
            )
        );
        let mut other = fields();
        other.status = "granted";
        assert_ne!(other.canonical(GENESIS), encoded);
        assert_ne!(fields().canonical("another"), encoded);
    }

    #[test]
    fn an_event_of_a_request_is_version_2_and_covers_the_request() {
        let mut refused = fields();
        refused.grant_id = None;
        refused.status = "refused";
        refused.request_id = Some(9);
        let encoded = refused.canonical(GENESIS);
        assert_eq!(
            encoded,
            format!(
                r#"["who-can-see/ledger/v2",1,null,3,4,"read","refused","user",1,null,"a \"quoted\", reason",1700000000000,9,"{GENESIS}"]"#
            )
        );
        refused.request_id = Some(10);
        assert_ne!(refused.canonical(GENESIS), encoded);
    }
}
