//! What a partner is told of a consent change: the claims of a Security Event Token (RFC 8417),
//! shaped after the OpenID Shared Signals Framework 1.0. One event URI per consent status; the
//! subject is a complex `sub_id` holding the person's handle; the event carries the category,
//! the access, the DPV status, the ledger event's id and hash, when it happened, who acted and
//! the reason in the person's words. docs/PARTNER_EVENTS.md writes it down for partners.

use crate::domain::history::{ActorKind, EventStatus};
use serde_json::{Value, json};

/// Every event URI starts with this; the status follows: `…:consent-withdrawn`.
pub const EVENT_URI_PREFIX: &str = "urn:who-can-see:secevent:";

/// The JWS header's `typ` (RFC 8417 section 2.3).
pub const SET_TYPE: &str = "secevent+jwt";

/// The event URI of a consent status, if partners are told of it: a partner's own request is
/// not news to it.
pub fn event_uri(status: EventStatus) -> Option<String> {
    let word = match status {
        EventStatus::Requested => return None,
        EventStatus::Granted => "consent-given",
        EventStatus::Withdrawn => "consent-withdrawn",
        EventStatus::Revoked => "consent-revoked",
        EventStatus::Expired => "consent-expired",
        EventStatus::Refused => "consent-refused",
    };
    Some(format!("{EVENT_URI_PREFIX}{word}"))
}

/// The Shared Signals Framework's verification event: what "Send a test event" sends.
pub const VERIFICATION_EVENT: &str = "https://schemas.openid.net/secevent/ssf/event-type/verification";

/// The claims of a test event to `partner`: SSF's verification event, whose `state` the
/// partner may echo, about no person.
pub fn verification_claims(issuer: &str, partner: &str, jti: &str, issued_at: i64) -> Value {
    json!({
        "iss": issuer,
        "aud": partner,
        "iat": issued_at,
        "jti": jti,
        "sub_id": { "format": "opaque", "id": partner },
        "events": { VERIFICATION_EVENT: { "state": jti } },
    })
}

/// CAEP's `initiating_entity`: who caused the change.
pub fn initiating_entity(actor: ActorKind) -> &'static str {
    match actor {
        ActorKind::User => "user",
        ActorKind::Support => "admin",
        ActorKind::System | ActorKind::Partner => "system",
    }
}

/// One consent change as a partner is told of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentChange<'a> {
    /// The platform's URL: the token's `iss`.
    pub issuer: &'a str,
    /// The partner's slug: the token's `aud`.
    pub partner: &'a str,
    /// Unique per notification, the same on every try.
    pub jti: &'a str,
    pub handle: &'a str,
    pub category: &'a str,
    pub access: &'a str,
    pub status: EventStatus,
    pub actor: ActorKind,
    pub reason: Option<&'a str>,
    pub ledger_event_id: i64,
    pub ledger_event_hash: &'a str,
    /// When the change happened, Unix milliseconds.
    pub at: i64,
    /// When the token was made, Unix seconds.
    pub issued_at: i64,
    /// The change is about the partner seeing the person through their friends.
    pub through_friends: bool,
}

/// The token's claims, or `None` if partners are not told of this status.
pub fn claims(change: &ConsentChange<'_>) -> Option<Value> {
    let uri = event_uri(change.status)?;
    let mut event = json!({
        "category": change.category,
        "access": change.access,
        "status": format!("dpv:Consent{}", change.status.dpv()),
        "ledger_event_id": change.ledger_event_id,
        "ledger_event_hash": change.ledger_event_hash,
        "event_timestamp": change.at.div_euclid(1000),
        "initiating_entity": initiating_entity(change.actor),
        "through_friends": change.through_friends,
    });
    if let Some(reason) = change.reason {
        event["reason_user"] = json!({ "en": reason });
    }
    Some(json!({
        "iss": change.issuer,
        "aud": change.partner,
        "iat": change.issued_at,
        "jti": change.jti,
        "sub_id": {
            "format": "complex",
            "user": { "format": "opaque", "id": change.handle },
        },
        "events": { uri: event },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(status: EventStatus) -> ConsentChange<'static> {
        ConsentChange {
            issuer: "https://who-can-see.example",
            partner: "spotify",
            jti: "4d3559ec67504aaba65d40b0363faad8",
            handle: "alice",
            category: "messages",
            access: "read",
            status,
            actor: ActorKind::User,
            reason: Some("I stopped using it"),
            ledger_event_id: 42,
            ledger_event_hash: "ab12",
            at: 1_765_000_123_456,
            issued_at: 1_765_000_124,
            through_friends: false,
        }
    }

    #[test]
    fn a_withdrawal_is_one_event_about_one_subject() {
        let claims = claims(&change(EventStatus::Withdrawn)).unwrap();
        assert_eq!(claims["aud"], "spotify");
        assert_eq!(claims["jti"], "4d3559ec67504aaba65d40b0363faad8");
        assert_eq!(claims["sub_id"]["format"], "complex");
        assert_eq!(claims["sub_id"]["user"]["id"], "alice");
        let events = claims["events"].as_object().unwrap();
        assert_eq!(events.len(), 1, "one event per token");
        let event = &events["urn:who-can-see:secevent:consent-withdrawn"];
        assert_eq!(event["status"], "dpv:ConsentWithdrawn");
        assert_eq!(event["event_timestamp"], 1_765_000_123, "seconds, as SSF says");
        assert_eq!(event["initiating_entity"], "user");
        assert_eq!(event["reason_user"]["en"], "I stopped using it");
        assert_eq!(event["ledger_event_id"], 42);
    }

    #[test]
    fn every_change_but_the_partners_own_request_is_told() {
        for status in [
            EventStatus::Granted,
            EventStatus::Withdrawn,
            EventStatus::Revoked,
            EventStatus::Expired,
            EventStatus::Refused,
        ] {
            assert!(claims(&change(status)).is_some(), "{status:?}");
        }
        assert_eq!(claims(&change(EventStatus::Requested)), None);
        assert_eq!(
            event_uri(EventStatus::Revoked).as_deref(),
            Some("urn:who-can-see:secevent:consent-revoked")
        );
        assert_eq!(initiating_entity(ActorKind::Support), "admin");
    }
}
