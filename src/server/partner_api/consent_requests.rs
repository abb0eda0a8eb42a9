//! `POST /api/v1/consent-requests`: a partner asks a person for accesses, and
//! `GET /api/v1/consent-requests/{id}`: how the person answered. A pending request grants
//! nothing; only the person's approval does.

use super::consent_request_wire::{ConsentRequestBody, ConsentRequestCreated, ConsentRequestState};
use super::endpoints::{CONSENT_REQUEST_PATH, CONSENT_REQUESTS_PATH};
use super::error::ApiError;
use super::error_docs::{AskErrors, ReadRequestErrors};
use super::request::{KeyedPartner, PartnerRequest};
use crate::domain::consent_request::{AskedAccess, RequestError};
use crate::domain::request_status::RequestStatus;
use crate::domain::request_view::decide_url;
use crate::server::clock::now_ms;
use crate::server::state::AppState;
use crate::server::storage::consent::requests::{AskRefused, AskedItem, NewRequest};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};

/// 201 Created, with where to read the outcome.
type Created = (
    StatusCode,
    [(header::HeaderName, String); 1],
    Json<ConsentRequestCreated>,
);

/// A request id is `cr_` and 32 hex digits; anything much longer names no request.
const LONGEST_ID: usize = 64;

fn invalid(error: RequestError) -> ApiError {
    match error {
        RequestError::BadCategory(category) => ApiError::UnknownCategory(category),
        RequestError::UnknownAction(_) => ApiError::UnknownAccess(error.to_string()),
        other => ApiError::InvalidConsentRequest(other.to_string()),
    }
}

/// Ask a person for accesses.
///
/// The person decides on their Requests page (`decide_url`); until then nothing is granted.
/// One request per person may be pending at a time (409 names it), and after the person
/// refuses, the same thing may not be asked again for 30 days (429 with `Retry-After`).
#[utoipa::path(
    post,
    path = CONSENT_REQUESTS_PATH,
    tag = "partner",
    request_body = ConsentRequestBody,
    responses(
        (status = 201, description = "The request waits for the person's answer", body = ConsentRequestCreated,
            headers(("Location" = String, description = "Where to read the outcome"))),
        AskErrors
    ),
    security(("partner_key" = []))
)]
#[tracing::instrument(skip_all, fields(partner = %request.partner.slug))]
pub async fn ask(
    State(state): State<AppState>,
    request: PartnerRequest<ConsentRequestBody>,
) -> Result<Created, ApiError> {
    let body = request.body;
    let asked = AskedAccess::parse(&body.authorization_details, &body.purpose, body.duration_days).map_err(invalid)?;
    let categories = state.lookups.categories(&state.store).await?;
    let mut items = Vec::new();
    for detail in &asked.details {
        let category = categories
            .iter()
            .find(|c| c.slug == detail.category.as_str())
            .ok_or_else(|| ApiError::UnknownCategory(detail.category.as_str().to_owned()))?;
        items.extend(detail.accesses.iter().map(|access| AskedItem {
            category_id: category.id,
            access: *access,
        }));
    }
    let user: String = body.user.chars().take(60).collect();
    let user_id =
        state.lookups.user_ids(&state.store, &[body.user.as_str()]).await?[0].ok_or(ApiError::UnknownUser(user))?;
    let new = NewRequest {
        user_id,
        partner_id: request.partner.id,
        items: &items,
        purpose: &asked.purpose,
        duration_days: asked.duration_days,
    };
    let now = now_ms();
    let id = state
        .store
        .ask_consent(&new, now)
        .await
        .map_err(|refused| match refused {
            AskRefused::AlreadyPending(id) => ApiError::RequestPending(id),
            AskRefused::CoolingDown { until } => {
                let milliseconds = u64::try_from(until - now).unwrap_or(1).max(1);
                ApiError::RecentlyRefused(milliseconds.div_ceil(1000))
            }
            AskRefused::Store(error) => error.into(),
        })?;
    tracing::info!(request = %id, user_id, "a partner asked for consent");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{CONSENT_REQUESTS_PATH}/{id}"))],
        Json(ConsentRequestCreated {
            decide_url: decide_url(&id),
            id,
            status: RequestStatus::Pending,
        }),
    ))
}

/// Read how the person answered one of your requests.
///
/// `approved` lists exactly what was granted, which may be less than was asked, and until when.
/// Another partner's request is 404, as if it did not exist.
#[utoipa::path(
    get,
    path = CONSENT_REQUEST_PATH,
    tag = "partner",
    params(("id" = String, Path, description = "The id the request was created with")),
    responses((status = 200, description = "Where the request stands", body = ConsentRequestState), ReadRequestErrors),
    security(("partner_key" = []))
)]
#[tracing::instrument(skip_all, fields(partner = %partner.slug))]
pub async fn read(
    State(state): State<AppState>,
    KeyedPartner(partner): KeyedPartner,
    Path(id): Path<String>,
) -> Result<Json<ConsentRequestState>, ApiError> {
    if id.len() > LONGEST_ID {
        return Err(ApiError::UnknownConsentRequest);
    }
    let request = state
        .store
        .request_of_partner(partner.id, &id, now_ms())
        .await?
        .ok_or(ApiError::UnknownConsentRequest)?;
    Ok(Json(request.into()))
}
