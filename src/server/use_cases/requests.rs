//! The Requests page's work: what waits for the person's answer (and what the partner already
//! holds), and the answers: approve all or part for a term, or refuse. Each answer is one
//! transaction. (Support refusing for a person is in `support`; support can never approve.)

use crate::domain::decision::{GrantStatus, effective_status};
use crate::domain::request_decision::{AccessChoice, Term};
use crate::domain::request_view::{AskedAccessView, PendingRequestView, approved_notice, refused_notice};
use crate::domain::slug::Slug;
use crate::server::clock::{human_date, now_ms};
use crate::server::storage::consent::grants::Actor;
use crate::server::storage::consent::request_decisions::DecideError;
use crate::server::storage::consent::requests::StoredRequest;
use crate::server::storage::{Store, StoreError};

/// The person's requests that wait for an answer, oldest first, each access marked when the
/// partner already holds it.
pub async fn pending_requests_of(store: &Store, user_id: i64) -> Result<Vec<PendingRequestView>, StoreError> {
    let now = now_ms();
    let requests = store.pending_requests_of_user(user_id, now).await?;
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let held: Vec<_> = store
        .grants_of_user(user_id)
        .await?
        .into_iter()
        .filter(|g| effective_status(g.status, g.expires_at, now) == GrantStatus::Active)
        .map(|g| (g.partner_id, g.category_id, g.access))
        .collect();
    Ok(requests.into_iter().map(|request| view(request, &held)).collect())
}

fn view(request: StoredRequest, held: &[(i64, i64, crate::domain::access::Access)]) -> PendingRequestView {
    let accesses = request
        .items
        .iter()
        .filter_map(|item| {
            // Categories come from the catalog, whose slugs are always well formed.
            let category = Slug::parse(&item.category_slug, "category").ok()?;
            Some(AskedAccessView {
                choice: AccessChoice::new(category, item.access),
                category_noun: item.category_name.to_lowercase(),
                already_held: held.contains(&(request.partner_id, item.category_id, item.access)),
            })
        })
        .collect();
    PendingRequestView {
        id: request.public_id,
        partner_name: request.partner_name,
        purpose: request.purpose,
        duration_days: request.duration_days.and_then(|days| u32::try_from(days).ok()),
        asked_on: human_date(request.created_at),
        answer_by: human_date(request.expires_at),
        accesses,
    }
}

/// How many requests wait for the person's answer: the count every page's header shows.
pub async fn count_pending(store: &Store, user_id: i64) -> Result<u64, StoreError> {
    let count = store.count_pending_requests(user_id, now_ms()).await?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// The person approves `chosen` (some or all of what was asked) for `term`, never past the
/// term asked. Returns the sentence to tell them. Choosing anything not asked, or answering a
/// request that is no longer pending, is an error and changes nothing.
pub async fn approve(
    store: &Store,
    user_id: i64,
    request_id: &str,
    chosen: &[AccessChoice],
    term: Term,
) -> Result<String, DecideError> {
    let approved = store
        .approve_request(user_id, request_id, chosen, term, now_ms())
        .await?;
    tracing::info!(
        user_id,
        request_id,
        granted = approved.accesses.len(),
        "a consent request was approved"
    );
    let until = approved.granted_until.map(human_date);
    Ok(approved_notice(
        &approved.partner_name,
        &approved.accesses,
        until.as_deref(),
    ))
}

/// The person refuses the whole request. Returns the sentence to tell them.
pub async fn refuse(store: &Store, user_id: i64, request_id: &str) -> Result<String, DecideError> {
    let refused = store
        .refuse_request(user_id, request_id, Actor::User(user_id), None, now_ms())
        .await?;
    tracing::info!(user_id, request_id, "a consent request was refused");
    Ok(refused_notice(&refused.partner_name, &refused.accesses))
}
