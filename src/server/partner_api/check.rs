//! `POST /api/v1/check`: one question, one answer.

use super::answer::{CheckAnswer, CheckResponse};
use super::endpoints::CHECK_PATH;
use super::error::ApiError;
use super::error_docs::PartnerErrors;
use super::questions::{CheckRequest, answer_all};
use super::request::PartnerRequest;
use crate::server::state::AppState;
use axum::extract::State;

/// May this partner do this access on this category of this user, now?
#[utoipa::path(
    post,
    path = CHECK_PATH,
    tag = "partner",
    request_body = CheckRequest,
    responses((status = 200, description = "The decision", body = CheckAnswer), PartnerErrors),
    security(("partner_key" = []))
)]
// Debug level, so the span costs nothing at the usual info level: this is the hottest path.
#[tracing::instrument(level = "debug", skip_all, fields(partner = %request.partner.slug))]
pub async fn check(
    State(state): State<AppState>,
    request: PartnerRequest<CheckRequest>,
) -> Result<CheckResponse, ApiError> {
    let answers = answer_all(&state, &request.partner, std::slice::from_ref(&request.body))
        .await
        .map_err(ApiError::without_question)?;
    answers.into_iter().next().map(CheckResponse).ok_or(ApiError::Internal)
}
