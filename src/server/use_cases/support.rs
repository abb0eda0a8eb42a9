//! The support console's work: find people, open a person's data (recorded, and shown to the
//! person), and revoke for them or refuse a request for them, with a reason. Support never
//! grants and never approves.

use crate::domain::activity::Window;
use crate::domain::request_decision::DecisionProblem;
use crate::domain::revocation::{RevocationScope, revocation_notice};
use crate::domain::role::parse_reason;
use crate::domain::support::{OPENED_FOR_MS, PersonSummary, SEARCH_PAGE_SIZE, SupportCase, SupportSearch};
use crate::domain::unused::UnusedLimit;
use crate::server::clock::now_ms;
use crate::server::metrics;
use crate::server::storage::consent::grants::Actor;
use crate::server::storage::consent::request_decisions::DecideError;
use crate::server::storage::consent::revocation::Revocation;
use crate::server::storage::consent::support::FoundPerson;
use crate::server::storage::{Store, StoreError};
use crate::server::{
    use_cases::activity, use_cases::dashboard, use_cases::history, use_cases::requests, use_cases::through_friends,
};

fn summary(person: FoundPerson) -> PersonSummary {
    PersonSummary {
        id: person.id,
        name: person.display_name,
        email: person.email,
    }
}

pub async fn search(store: &Store, query: &str, page: u32) -> Result<SupportSearch, StoreError> {
    let query = query.trim();
    if query.is_empty() {
        return Ok(SupportSearch {
            query: String::new(),
            page: 1,
            people: Vec::new(),
            more: false,
        });
    }
    let size = i64::from(SEARCH_PAGE_SIZE);
    let (people, more) = store.find_people(query, i64::from(page - 1) * size, size).await?;
    Ok(SupportSearch {
        query: query.to_owned(),
        page,
        people: people.into_iter().map(summary).collect(),
        more,
    })
}

/// A person the console may show: only people (role user), never staff.
async fn person(store: &Store, user_id: i64) -> Result<FoundPerson, StoreError> {
    store.person(user_id).await?.ok_or(StoreError::NotFound("person"))
}

/// Opening a person's data: recorded first, so there is no way to look without a trace.
/// Returns what the agent is told.
pub async fn open(store: &Store, agent_id: i64, user_id: i64, ticket: Option<&str>) -> Result<String, StoreError> {
    let person = person(store, user_id).await?;
    store.record_support_view(agent_id, user_id, ticket, now_ms()).await?;
    tracing::info!(agent_id, user_id, ticket = ?ticket, "support opened a person's data");
    Ok(format!(
        "Opened {}'s permissions. This look is recorded, and {} will see it in their history.",
        person.display_name, person.display_name
    ))
}

/// Whether the agent's latest opening of this person's data is recent enough to act on.
pub async fn is_open(store: &Store, agent_id: i64, user_id: i64) -> Result<bool, StoreError> {
    person(store, user_id).await?;
    opened_recently(store, agent_id, user_id).await
}

async fn opened_recently(store: &Store, agent_id: i64, user_id: i64) -> Result<bool, StoreError> {
    Ok(store
        .last_support_view(agent_id, user_id)
        .await?
        .is_some_and(|at| now_ms() - at < OPENED_FOR_MS))
}

/// The case, with data only while the agent's latest opening is recent.
pub async fn case(store: &Store, agent_id: i64, user_id: i64, unused: UnusedLimit) -> Result<SupportCase, StoreError> {
    let found = person(store, user_id).await?;
    let now = now_ms();
    if !opened_recently(store, agent_id, user_id).await? {
        return Ok(SupportCase {
            person: summary(found),
            opened: false,
            dashboard: None,
            requests: Vec::new(),
            through_friends: None,
            history: Vec::new(),
            activity: None,
        });
    }
    Ok(SupportCase {
        person: summary(found),
        opened: true,
        dashboard: Some(dashboard::build(store, user_id, unused).await?),
        requests: requests::pending_requests_of(store, user_id).await?,
        through_friends: Some(through_friends::view(store, user_id).await?),
        history: history::page(store, user_id, None, None, 1).await?.entries,
        activity: Some(activity::build(store, user_id, Window::Week, now).await?),
    })
}

/// Revokes for a person, as support: recorded as "revoked" with the agent and the reason.
pub async fn revoke_for(
    store: &Store,
    agent_id: i64,
    user_id: i64,
    scope: &RevocationScope,
    reason: &str,
    ticket: Option<&str>,
) -> Result<String, StoreError> {
    let person = person(store, user_id).await?;
    let reason = match ticket {
        Some(ticket) => format!("{reason} (ticket {ticket})"),
        None => reason.to_owned(),
    };
    let Revocation { revoked, catalog } = metrics::revocation(store.revoke_with_reason(
        user_id,
        scope,
        Actor::Support(agent_id),
        Some(&reason),
        now_ms(),
    ))
    .await?;
    tracing::info!(agent_id, user_id, revoked = revoked.len(), reason = ?reason, "support revoked for a person");
    let named = dashboard::named(&catalog, &revoked);
    let notice = revocation_notice(scope, &named, &format!("{}'s", person.display_name));
    dashboard::with_what_partners_are_told(store, user_id, &catalog, &revoked, notice).await
}

/// Support refuses a request for a person, with the reason the person will read. Only for a
/// case the agent has opened (recorded); support has no way to approve.
pub async fn refuse_for(
    store: &Store,
    agent_id: i64,
    user_id: i64,
    request_id: &str,
    reason: &str,
) -> Result<String, DecideError> {
    let reason = parse_reason(reason).map_err(DecisionProblem::BadReason)?;
    let person = person(store, user_id).await?;
    if !is_open(store, agent_id, user_id).await? {
        return Err(DecisionProblem::CaseNotOpen.into());
    }
    let refused = store
        .refuse_request(user_id, request_id, Actor::Support(agent_id), Some(&reason), now_ms())
        .await?;
    tracing::info!(agent_id, user_id, request_id, reason = ?reason, "support refused a consent request for a person");
    let name = person.display_name;
    Ok(format!(
        "Refused {}'s request for {name}. {name} will see it in their history, with your reason.",
        refused.partner_name
    ))
}
