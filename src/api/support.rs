//! The support console's server functions. Every one checks that the caller is staff, and
//! none of them grants anything.

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::domain::support::{SupportCase, SupportSearch};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn person_id(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::BadInput("A person is named by their number.".into()))
}

/// A store failure as staff read it: an unknown person is "no such person".
#[cfg(feature = "ssr")]
fn staff_error(error: crate::server::storage::StoreError) -> AppError {
    match error {
        crate::server::storage::StoreError::NotFound(_) => AppError::NotFound("There is no such person.".into()),
        other => other.into(),
    }
}

/// Support acts only on a case the agent has opened: every action follows a recorded look.
#[cfg(feature = "ssr")]
async fn require_open_case(store: &crate::server::storage::Store, agent_id: i64, person: i64) -> Result<(), AppError> {
    if crate::server::use_cases::support::is_open(store, agent_id, person)
        .await
        .map_err(staff_error)?
    {
        Ok(())
    } else {
        Err(AppError::BadInput(
            "Open this person's permissions first; opening is recorded.".into(),
        ))
    }
}

/// `q` is the start of an email or name, or an exact id or handle; `page` counts from 1.
#[server(endpoint = "support-search")]
pub async fn find_people(q: Option<String>, page: Option<String>) -> Result<SignedIn<SupportSearch>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_staff};
    let agent = signed_in_staff().await.map_err(failed)?;
    let query = q.unwrap_or_default();
    if query.chars().count() > 100 {
        return Err(failed(AppError::BadInput("Search with at most 100 characters.".into())));
    }
    let page = match page.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => 1,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or_else(|| failed(AppError::BadInput("The page must be a whole number from 1.".into())))?,
    };
    let found = crate::server::use_cases::support::search(&app_state().store, &query, page)
        .await
        .map_err(|e| failed(e.into()))?;
    SignedIn::new(&agent, found).await.map_err(failed)
}

#[server(endpoint = "support-case")]
pub async fn load_case(person: String) -> Result<SignedIn<SupportCase>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_staff};
    let agent = signed_in_staff().await.map_err(failed)?;
    let person = person_id(&person).map_err(failed)?;
    let case =
        crate::server::use_cases::support::case(&app_state().store, agent.id, person, app_state().settings.unused)
            .await
            .map_err(|e| failed(staff_error(e)))?;
    SignedIn::new(&agent, case).await.map_err(failed)
}

/// Opens a person's data for this agent; the person will see it in their history.
#[server(endpoint = "support-open")]
pub async fn open_case(person: String, ticket: Option<String>) -> Result<(), AppError> {
    use crate::api::context::{app_state, failed, signed_in_staff, tell_after_redirect};
    use crate::domain::role::parse_ticket;
    let agent = signed_in_staff().await.map_err(failed)?;
    let person = person_id(&person).map_err(failed)?;
    let ticket = parse_ticket(ticket.as_deref()).map_err(|m| failed(AppError::BadInput(m)))?;
    let notice = crate::server::use_cases::support::open(&app_state().store, agent.id, person, ticket.as_deref())
        .await
        .map_err(|e| failed(staff_error(e)))?;
    tell_after_redirect(&notice);
    Ok(())
}

/// `target` is `grant:<id>`, `partner:<slug>` or `category:<slug>`. The reason is required.
#[server(endpoint = "support-revoke")]
pub async fn support_revoke(
    person: String,
    target: String,
    reason: String,
    ticket: Option<String>,
) -> Result<String, AppError> {
    use crate::api::context::{app_state, failed, signed_in_staff, tell_after_redirect};
    use crate::domain::revocation::RevocationScope;
    use crate::domain::role::{parse_reason, parse_ticket};
    use crate::domain::slug::Slug;
    let agent = signed_in_staff().await.map_err(failed)?;
    let person = person_id(&person).map_err(failed)?;
    let reason = parse_reason(&reason).map_err(|m| failed(AppError::BadInput(m)))?;
    let ticket = parse_ticket(ticket.as_deref()).map_err(|m| failed(AppError::BadInput(m)))?;
    let bad_target = || failed(AppError::BadInput("Choose what to revoke.".into()));
    let scope = match target.split_once(':') {
        Some(("grant", id)) => RevocationScope::Grant(id.parse().map_err(|_| bad_target())?),
        Some(("partner", slug)) => RevocationScope::Matching {
            partner: Some(Slug::parse(slug, "partner").map_err(|e| failed(AppError::BadInput(e.to_string())))?),
            category: None,
            access: None,
        },
        Some(("category", slug)) => RevocationScope::Matching {
            partner: None,
            category: Some(Slug::parse(slug, "category").map_err(|e| failed(AppError::BadInput(e.to_string())))?),
            access: None,
        },
        _ => return Err(bad_target()),
    };
    let store = &app_state().store;
    // Revoking is only for a case this agent has opened: every action follows a recorded look.
    require_open_case(store, agent.id, person).await.map_err(failed)?;
    let notice =
        crate::server::use_cases::support::revoke_for(store, agent.id, person, &scope, &reason, ticket.as_deref())
            .await
            .map_err(|e| failed(staff_error(e)))?;
    tell_after_redirect(&notice);
    Ok(notice)
}

/// Refuses one of a person's pending consent requests for them, with the reason they will read.
/// There is no way for support to approve one.
#[server(endpoint = "support-refuse-request")]
pub async fn support_refuse_request(person: String, request: String, reason: String) -> Result<String, AppError> {
    use crate::api::context::{app_state, failed, signed_in_staff, tell_after_redirect};
    use crate::api::requests::decide_error;
    let agent = signed_in_staff().await.map_err(failed)?;
    let person = person_id(&person).map_err(failed)?;
    let notice =
        crate::server::use_cases::support::refuse_for(&app_state().store, agent.id, person, request.trim(), &reason)
            .await
            .map_err(|e| failed(decide_error(e)))?;
    tell_after_redirect(&notice);
    Ok(notice)
}

/// Says no for a person to one partner (or, with no partner, every partner) seeing them through
/// their friends, with the reason they will read. Support can never undo it.
#[server(endpoint = "support-refuse-through-friends")]
pub async fn support_refuse_through_friends(
    person: String,
    partner: Option<String>,
    reason: String,
) -> Result<String, AppError> {
    use crate::api::context::{app_state, failed, signed_in_staff, tell_after_redirect};
    use crate::domain::slug::Slug;
    let agent = signed_in_staff().await.map_err(failed)?;
    let person = person_id(&person).map_err(failed)?;
    let partner = match partner.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(Slug::parse(raw, "partner").map_err(|e| failed(AppError::BadInput(e.to_string())))?),
    };
    let store = &app_state().store;
    require_open_case(store, agent.id, person).await.map_err(failed)?;
    let notice = crate::server::use_cases::through_friends::refuse_for(
        store,
        agent.id,
        person,
        partner.as_ref().map(|slug| slug.as_str()),
        &reason,
    )
    .await
    .map_err(|e| failed(staff_error(e)))?;
    tell_after_redirect(&notice);
    Ok(notice)
}
