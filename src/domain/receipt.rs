//! A consent receipt: one ledger event as a record with the fields of ISO/IEC TS 27560, in
//! W3C DPV terms (the DPVCG's "Consent Records and Receipts as per ISO/IEC TS 27560 using
//! DPV"), which the platform signs so that anyone can check it offline. It also reads a
//! receipt back, to say in words what it proves.

use crate::domain::history::{ActorKind, EventStatus};
use serde_json::{Value, json};

/// The media type in a signed receipt's header.
pub const RECEIPT_TYPE: &str = "consent-receipt+jws";

/// The profile a receipt conforms to.
pub const CONFORMS_TO: &str = "https://w3id.org/dpv/schema/iso-27560#receipt-full";

/// One ledger event, with the names a receipt carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptFacts<'a> {
    /// The platform's URL: the controller and the receipt's publisher.
    pub platform: &'a str,
    pub event_id: i64,
    pub handle: &'a str,
    pub partner_slug: &'a str,
    pub partner_name: &'a str,
    pub category_slug: &'a str,
    pub category_name: &'a str,
    pub purpose: Option<&'a str>,
    pub access: &'a str,
    pub status: EventStatus,
    pub actor: ActorKind,
    pub reason: Option<&'a str>,
    pub through_friends: bool,
    /// RFC 3339: when the event happened, and when the receipt was made.
    pub at: &'a str,
    pub issued: &'a str,
    pub hash: &'a str,
    pub prev_hash: &'a str,
}

/// DPV's word for the processing an access allows.
fn processing(access: &str) -> &'static str {
    match access {
        "write" => "dpv:Modify",
        "delete" => "dpv:Erase",
        _ => "dpv:Retrieve",
    }
}

/// Who indicated the change, in DPV terms, and how.
fn indicated(actor: ActorKind) -> (&'static str, &'static str) {
    match actor {
        ActorKind::User => ("dpv:DataSubject", "The person, on their Who Can See pages"),
        ActorKind::Support => (
            "dpv:DataController",
            "A support agent, on the person's behalf, with the reason given",
        ),
        ActorKind::Partner => ("dpv:Recipient", "The partner, by a consent request (RFC 9396)"),
        ActorKind::System => ("dpv:DataController", "The platform, automatically"),
    }
}

/// The record a receipt signs.
pub fn record(facts: &ReceiptFacts<'_>) -> Value {
    let (indicated_by, method) = indicated(facts.actor);
    let mut record = json!({
        "@context": {
            "dpv": "https://w3id.org/dpv#",
            "dct": "http://purl.org/dc/terms/",
        },
        "@type": "dpv:ConsentRecord",
        "dct:identifier": format!("{}/history/receipt/{}", facts.platform, facts.event_id),
        "dct:conformsTo": CONFORMS_TO,
        "dct:created": facts.issued,
        "dct:publisher": facts.platform,
        "dpv:hasDataSubject": { "@id": facts.handle, "@type": "dpv:DataSubject" },
        "dpv:hasDataController": { "@id": facts.platform, "dct:title": "Who Can See" },
        "dpv:hasProcess": {
            "@type": "dpv:Process",
            "dpv:hasRecipient": { "@id": facts.partner_slug, "dct:title": facts.partner_name },
            "dpv:hasPurpose": { "dct:description": facts.purpose },
            "dpv:hasPersonalData": { "@id": facts.category_slug, "dct:title": facts.category_name },
            "dpv:hasProcessing": processing(facts.access),
            "access": facts.access,
            "through_friends": facts.through_friends,
        },
        "dpv:hasConsentStatus": format!("dpv:Consent{}", facts.status.dpv()),
        "dct:date": facts.at,
        "dpv:isIndicatedBy": indicated_by,
        "dpv:hasIndicationMethod": method,
        "ledger": { "event_id": facts.event_id, "hash": facts.hash, "prev_hash": facts.prev_hash },
    });
    if let Some(reason) = facts.reason {
        record["dct:description"] = json!(reason);
    }
    record
}

/// What a verified receipt proves, in words; `None` if it is not a receipt of ours.
pub fn proves(record: &Value) -> Option<String> {
    if record["dct:conformsTo"] != CONFORMS_TO {
        return None;
    }
    let process = &record["dpv:hasProcess"];
    let text = |value: &Value| value.as_str().map(str::to_owned);
    let status = text(&record["dpv:hasConsentStatus"])?;
    let mut lines = vec![
        format!("Record:      {}", text(&record["dct:identifier"])?),
        format!("Controller:  {}", text(&record["dct:publisher"])?),
        format!("Person:      {}", text(&record["dpv:hasDataSubject"]["@id"])?),
        format!(
            "Recipient:   {} ({})",
            text(&process["dpv:hasRecipient"]["dct:title"])?,
            text(&process["dpv:hasRecipient"]["@id"])?
        ),
        format!(
            "Data:        {}, {} access ({})",
            text(&process["dpv:hasPersonalData"]["dct:title"])?,
            text(&process["access"])?,
            text(&process["dpv:hasProcessing"])?
        ),
        format!("Status:      {status} at {}", text(&record["dct:date"])?),
        format!("Indicated:   {}", text(&record["dpv:hasIndicationMethod"])?),
    ];
    if process["through_friends"] == true {
        lines.push("About:       seeing the person through their friends".to_owned());
    }
    if let Some(purpose) = text(&process["dpv:hasPurpose"]["dct:description"]) {
        lines.push(format!("Purpose:     {purpose}"));
    }
    if let Some(reason) = text(&record["dct:description"]) {
        lines.push(format!("Reason:      {reason}"));
    }
    lines.push(format!(
        "Ledger:      event {}, hash {}",
        record["ledger"]["event_id"],
        text(&record["ledger"]["hash"])?
    ));
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ReceiptFacts<'static> {
        ReceiptFacts {
            platform: "https://who-can-see.example",
            event_id: 42,
            handle: "alice",
            partner_slug: "spotify",
            partner_name: "Spotify",
            category_slug: "messages",
            category_name: "Messages",
            purpose: Some("Send songs"),
            access: "read",
            status: EventStatus::Revoked,
            actor: ActorKind::Support,
            reason: Some("She asked by phone"),
            through_friends: false,
            at: "2026-12-07T12:03:05Z",
            issued: "2026-12-07T12:04:00Z",
            hash: "ab12",
            prev_hash: "9f00",
        }
    }

    #[test]
    fn a_receipt_names_every_27560_party_in_dpv_terms() {
        let record = record(&facts());
        assert_eq!(record["@type"], "dpv:ConsentRecord");
        assert_eq!(record["dpv:hasDataSubject"]["@id"], "alice");
        assert_eq!(record["dpv:hasDataController"]["@id"], "https://who-can-see.example");
        assert_eq!(record["dpv:hasProcess"]["dpv:hasRecipient"]["@id"], "spotify");
        assert_eq!(
            record["dpv:hasProcess"]["dpv:hasPurpose"]["dct:description"],
            "Send songs"
        );
        assert_eq!(record["dpv:hasProcess"]["dpv:hasPersonalData"]["@id"], "messages");
        assert_eq!(record["dpv:hasProcess"]["dpv:hasProcessing"], "dpv:Retrieve");
        assert_eq!(record["dpv:hasConsentStatus"], "dpv:ConsentRevoked");
        assert_eq!(record["dpv:isIndicatedBy"], "dpv:DataController");
        assert_eq!(record["dct:description"], "She asked by phone");
    }

    #[test]
    fn a_receipt_reads_back_as_what_it_proves() {
        let proved = proves(&record(&facts())).unwrap();
        assert!(proved.contains("Recipient:   Spotify (spotify)"), "{proved}");
        assert!(
            proved.contains("Status:      dpv:ConsentRevoked at 2026-12-07T12:03:05Z"),
            "{proved}"
        );
        assert!(proved.contains("Reason:      She asked by phone"), "{proved}");
        assert_eq!(proves(&json!({ "hello": "world" })), None, "not a receipt");
    }
}
