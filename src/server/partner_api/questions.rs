//! The one path from partner questions to answers, for a single check and for a batch alike:
//! validate every question, look each thing up once, decide, record, answer. A question may
//! name a friend (`via`) through whom the partner sees the user: it is decided on the friend's
//! grant, the friendship and the user's own "no" (`domain::through_friends`), and recorded as
//! a decision about the user through that friend, and (between friends) as a use of the
//! friend's grant.

use super::ApiError;
use super::answer::{CheckAnswer, answer};
use crate::domain::access::Access;
use crate::domain::decision::{Decision, decide};
use crate::domain::through_friends::{ViaError, decide_via, exposure_asked};
use crate::server::clock::now_ms;
use crate::server::state::AppState;
use crate::server::storage::activity::{AccessKey, CountKey};
use crate::server::storage::consent::catalog::CatalogEntry;
use crate::server::storage::consent::friends::FriendFacts;
use serde::Deserialize;
use utoipa::ToSchema;

/// "May I do `access` on `category` of `user`, now?" With `via`: "may I see this of `user`
/// through my access to their friend `via`?"
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
    /// Optional: the handle of the friend through whom you see this user. Only `read` of
    /// profile (through the friend's friends list), contacts, posts or calendar.
    #[serde(default)]
    #[schema(example = json!(null))]
    pub via: Option<String>,
}

fn clipped(raw: &str) -> String {
    raw.chars().take(60).collect()
}

/// What one question asks about, once every name in it is known.
struct Asked {
    /// The user asked about: what the decision is recorded under.
    key: AccessKey,
    /// The grant that decides: the user's own, or the friend's that shows this.
    grant: AccessKey,
    /// Asked through this friend.
    via: Option<i64>,
}

fn category<'a>(categories: &'a [CatalogEntry], slug: &str) -> Result<&'a CatalogEntry, ApiError> {
    categories
        .iter()
        .find(|c| c.slug == slug)
        .ok_or_else(|| ApiError::UnknownCategory(clipped(slug)))
}

fn asked(
    question: &CheckRequest,
    partner: &CatalogEntry,
    categories: &[CatalogEntry],
    user_id: Option<i64>,
    via_id: Option<Option<i64>>,
) -> Result<Asked, ApiError> {
    if question.partner.as_deref().is_some_and(|named| named != partner.slug) {
        return Err(ApiError::OtherPartner);
    }
    let access = Access::parse(&question.access).map_err(|e| ApiError::UnknownAccess(e.to_string()))?;
    let asked_category = category(categories, &question.category)?;
    let user_id = user_id.ok_or_else(|| ApiError::UnknownUser(clipped(&question.user)))?;
    let key = AccessKey {
        user_id,
        partner_id: partner.id,
        category_id: asked_category.id,
        access,
    };
    let Some(via_id) = via_id else {
        return Ok(Asked {
            key,
            grant: key,
            via: None,
        });
    };
    let exposure = exposure_asked(&question.category, access).map_err(|e| ApiError::InvalidVia(e.to_string()))?;
    let friend_id =
        via_id.ok_or_else(|| ApiError::UnknownUser(clipped(question.via.as_deref().unwrap_or_default())))?;
    if friend_id == user_id {
        return Err(ApiError::InvalidVia(ViaError::Themselves.to_string()));
    }
    let grant = AccessKey {
        user_id: friend_id,
        category_id: category(categories, exposure.friend_category)?.id,
        ..key
    };
    Ok(Asked {
        key,
        grant,
        via: Some(friend_id),
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
    let mut handles: Vec<&str> = questions.iter().map(|q| q.user.as_str()).collect();
    handles.extend(questions.iter().filter_map(|q| q.via.as_deref()));
    let ids = state.lookups.user_ids(&state.store, &handles).await?;
    let (user_ids, mut via_ids) = (&ids[..questions.len()], ids[questions.len()..].iter());
    let asked = questions
        .iter()
        .zip(user_ids)
        .enumerate()
        .map(|(index, (question, user_id))| {
            let via_id = question.via.as_ref().map(|_| via_ids.next().copied().flatten());
            asked(question, partner, categories, *user_id, via_id).map_err(|e| e.in_question(index))
        })
        .collect::<Result<Vec<Asked>, ApiError>>()?;
    let grant_keys: Vec<AccessKey> = asked.iter().map(|a| a.grant).collect();
    let grants = state.store.grant_states(&grant_keys).await?;
    let pairs: Vec<(i64, i64)> = asked
        .iter()
        .filter_map(|a| a.via.map(|friend| (a.key.user_id, friend)))
        .collect();
    let mut facts = state.store.friend_facts(partner.id, &pairs).await?.into_iter();
    let now = now_ms();
    let mut answers = Vec::with_capacity(asked.len());
    let mut recorded: Vec<(CountKey, Decision)> = Vec::with_capacity(asked.len());
    for (asked, grant) in asked.into_iter().zip(grants) {
        let on_grant = decide(grant, now);
        let decision = match asked.via {
            None => on_grant,
            Some(_) => {
                // One fact per question through a friend, in order; none would mean no friendship.
                let fact = facts.next().unwrap_or(FriendFacts {
                    are_friends: false,
                    refused_since: None,
                });
                if fact.are_friends {
                    // Seeing the person through the friend's list uses the friend's own grant:
                    // it is recorded for the friend as any check of it would be.
                    recorded.push((CountKey::own(asked.grant), on_grant));
                }
                decide_via(fact.are_friends, fact.refused_since, on_grant)
            }
        };
        recorded.push((
            CountKey {
                asked: asked.key,
                via: asked.via,
            },
            decision,
        ));
        crate::server::metrics::check_answered(&partner.slug, decision == Decision::Allow);
        answers.push(answer(decision));
    }
    // Refused attempts are on the record before the partner hears "deny".
    state.recorder.record(&recorded, now).await?;
    Ok(answers)
}
