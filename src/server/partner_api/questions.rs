//! The one path from partner questions to answers, for a single check and for a batch alike:
//! validate every question, look each thing up once, decide, record, answer.

use super::ApiError;
use super::answer::{CheckAnswer, answer};
use crate::domain::access::Access;
use crate::domain::decision::{Decision, decide};
use crate::server::clock::now_ms;
use crate::server::state::AppState;
use crate::server::storage::activity::AccessKey;
use crate::server::storage::consent::catalog::CatalogEntry;
use serde::Deserialize;
use utoipa::ToSchema;

/// "May I do `access` on `category` of `user`, now?"
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckRequest {
    /// The user's handle.
    #[schema(example = "alice")]
    pub user: String,
    /// A data category: messages, friends, contacts, profile, posts, calendar.
    #[schema(example = "messages")]
    pub category: String,
    /// read, write or delete.
    #[schema(example = "read")]
    pub access: String,
    /// Optional: a partner may name itself; naming another partner is refused.
    #[serde(default)]
    pub partner: Option<String>,
}

fn clipped(raw: &str) -> String {
    raw.chars().take(60).collect()
}

/// What one question asks about, once every name in it is known.
fn asked(
    question: &CheckRequest,
    partner: &CatalogEntry,
    categories: &[CatalogEntry],
    user_id: Option<i64>,
) -> Result<AccessKey, ApiError> {
    if question.partner.as_deref().is_some_and(|named| named != partner.slug) {
        return Err(ApiError::OtherPartner);
    }
    let access = Access::parse(&question.access).map_err(|e| ApiError::UnknownAccess(e.to_string()))?;
    let category = categories
        .iter()
        .find(|c| c.slug == question.category)
        .ok_or_else(|| ApiError::UnknownCategory(clipped(&question.category)))?;
    let user_id = user_id.ok_or_else(|| ApiError::UnknownUser(clipped(&question.user)))?;
    Ok(AccessKey {
        user_id,
        partner_id: partner.id,
        category_id: category.id,
        access,
    })
}

/// Answers every question, in order, or refuses them all: if any question is bad, the error
/// names the first one and nothing is decided or recorded.
pub async fn answer_all(
    state: &AppState,
    partner: &CatalogEntry,
    questions: &[CheckRequest],
) -> Result<Vec<CheckAnswer>, ApiError> {
    let categories = state.lookups.categories(&state.store).await?;
    let handles: Vec<&str> = questions.iter().map(|q| q.user.as_str()).collect();
    let user_ids = state.lookups.user_ids(&state.store, &handles).await?;
    let keys = questions
        .iter()
        .zip(user_ids)
        .enumerate()
        .map(|(index, (question, user_id))| {
            asked(question, partner, categories, user_id).map_err(|e| e.in_question(index))
        })
        .collect::<Result<Vec<AccessKey>, ApiError>>()?;
    let grants = state.store.grant_states(&keys).await?;
    let now = now_ms();
    let decisions: Vec<(AccessKey, Decision)> = keys
        .into_iter()
        .zip(grants)
        .map(|(key, grant)| (key, decide(grant, now)))
        .collect();
    // Refused attempts are on the record before the partner hears "deny".
    state.recorder.record(&decisions, now).await?;
    Ok(decisions.into_iter().map(|(_, decision)| answer(decision)).collect())
}
