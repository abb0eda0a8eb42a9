//! The partner API: `POST /api/v1/check` answers "may partner P do access A on category C
//! of user U, now?" from the committed consent store, so a revocation is enforced at once.

use crate::domain::access::Access;
use crate::domain::decision::{Decision, DenyReason, decide};
use crate::server::clock::{now_ms, rfc3339};
use crate::server::error::log_store_error;
use crate::server::session::hash_token;
use crate::server::state::AppState;
use crate::server::storage::StoreError;
use crate::server::storage::catalog::CatalogEntry;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub struct CheckRequest {
    pub user: String,
    pub category: String,
    pub access: String,
    /// Optional: a partner may name itself; naming another partner is refused.
    pub partner: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct CheckAnswer {
    pub decision: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<DenyReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    pub message: String,
}

/// Every way a partner's request can fail, each with its status and a JSON body.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Send your API key as: Authorization: Bearer <key>.")]
    MissingKey,
    #[error("That API key is not valid.")]
    BadKey,
    #[error("You can only ask about your own access.")]
    OtherPartner,
    #[error("The request body is larger than 16 KiB.")]
    TooLarge,
    #[error("The request body is not valid JSON for this endpoint: {0}")]
    MalformedJson(String),
    #[error("{0}")]
    UnknownAccess(String),
    #[error("There is no data category called \u{201c}{0}\u{201d}.")]
    UnknownCategory(String),
    #[error("There is no user called \u{201c}{0}\u{201d}.")]
    UnknownUser(String),
    #[error("The consent store is unavailable. Nothing was decided; retry shortly.")]
    Unavailable,
    #[error("Something went wrong on our side.")]
    Internal,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::MissingKey => (StatusCode::UNAUTHORIZED, "missing_api_key"),
            ApiError::BadKey => (StatusCode::UNAUTHORIZED, "invalid_api_key"),
            ApiError::OtherPartner => (StatusCode::FORBIDDEN, "other_partner"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            ApiError::UnknownAccess(_) => (StatusCode::BAD_REQUEST, "unknown_access"),
            ApiError::UnknownCategory(_) => (StatusCode::BAD_REQUEST, "unknown_category"),
            ApiError::UnknownUser(_) => (StatusCode::NOT_FOUND, "unknown_user"),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        if log_store_error(&error) {
            ApiError::Unavailable
        } else {
            ApiError::Internal
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = Json(serde_json::json!({ "error": code, "message": self.to_string() }));
        let mut response = (status, body).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

async fn authenticated_partner(state: &AppState, headers: &HeaderMap) -> Result<CatalogEntry, ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(ApiError::MissingKey)?;
    state
        .store
        .partner_by_key_hash(&hash_token(key))
        .await?
        .ok_or(ApiError::BadKey)
}

fn clipped(raw: &str) -> String {
    raw.chars().take(60).collect()
}

#[tracing::instrument(skip_all, fields(partner))]
pub async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<CheckAnswer>, ApiError> {
    let partner = authenticated_partner(&state, &headers).await?;
    tracing::Span::current().record("partner", partner.slug.as_str());
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
        _ => ApiError::MalformedJson(rejection.body_text()),
    })?;
    let request: CheckRequest = serde_json::from_slice(&body).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    if request.partner.as_deref().is_some_and(|named| named != partner.slug) {
        return Err(ApiError::OtherPartner);
    }
    let access = Access::parse(&request.access).map_err(|e| ApiError::UnknownAccess(e.to_string()))?;
    let category = state
        .store
        .categories()
        .await?
        .into_iter()
        .find(|c| c.slug == request.category)
        .ok_or_else(|| ApiError::UnknownCategory(clipped(&request.category)))?;
    let user_id = state
        .store
        .user_id_by_handle(&request.user)
        .await?
        .ok_or_else(|| ApiError::UnknownUser(clipped(&request.user)))?;
    let grant = state
        .store
        .grant_state(user_id, partner.id, category.id, access)
        .await?;
    Ok(Json(answer(decide(grant, now_ms()))))
}

fn answer(decision: Decision) -> CheckAnswer {
    match decision {
        Decision::Allow => CheckAnswer {
            decision: "allow",
            reason: None,
            since: None,
            message: "Allowed: the user has granted this access.".into(),
        },
        Decision::Deny { reason, since } => {
            let when = since.map(rfc3339);
            let message = match (reason, &when) {
                (DenyReason::NeverGranted, _) => "Denied: the user never granted this access.".to_owned(),
                (DenyReason::Withdrawn, Some(t)) => format!("Denied: the user withdrew this access at {t}."),
                (DenyReason::Revoked, Some(t)) => format!("Denied: support staff revoked this access at {t}."),
                (DenyReason::Expired, Some(t)) => format!("Denied: this access expired at {t}."),
                (_, None) => "Denied.".to_owned(),
            };
            CheckAnswer {
                decision: "deny",
                reason: Some(reason),
                since: when,
                message,
            }
        }
    }
}
