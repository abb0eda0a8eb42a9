//! A person's receipt for one of their consent events: the ledger event as an ISO/IEC TS 27560
//! record in DPV terms, signed with the platform's key, for them to keep and anyone to check.

use crate::domain::history::{ActorKind, EventStatus};
use crate::domain::receipt::{RECEIPT_TYPE, ReceiptFacts, record};
use crate::server::clock::{now_ms, rfc3339};
use crate::server::notify::signing_keys::SigningKeys;
use crate::server::storage::{Store, StoreError};

/// The signed receipt of the user's event `event_id`, or `None` if it is not theirs.
pub async fn receipt(
    store: &Store,
    keys: &SigningKeys,
    platform: &str,
    user_id: i64,
    handle: &str,
    event_id: i64,
) -> Result<Option<String>, StoreError> {
    let Some(event) = store.event_of_user(user_id, event_id).await? else {
        return Ok(None);
    };
    let (at, issued) = (rfc3339(event.at), rfc3339(now_ms()));
    let facts = ReceiptFacts {
        platform,
        event_id: event.id,
        handle,
        partner_slug: &event.partner_slug,
        partner_name: &event.partner_name,
        category_slug: &event.category_slug,
        category_name: &event.category_name,
        purpose: event.purpose.as_deref(),
        access: event.access.as_str(),
        status: EventStatus::parse(&event.status).unwrap_or(EventStatus::Refused),
        actor: ActorKind::parse(&event.actor_kind).unwrap_or(ActorKind::System),
        reason: event.reason.as_deref(),
        through_friends: event.through_friends != 0,
        at: &at,
        issued: &issued,
        hash: &event.hash,
        prev_hash: &event.prev_hash,
    };
    Ok(Some(keys.sign(RECEIPT_TYPE, &record(&facts))))
}
