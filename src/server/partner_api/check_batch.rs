//! `POST /api/v1/check-batch`: up to `MAX_QUESTIONS` questions, answered in order, all or none.

use super::answer::CheckAnswer;
use super::endpoints::{CHECK_BATCH_PATH, MAX_QUESTIONS};
use super::error::ApiError;
use super::error_docs::PartnerErrors;
use super::questions::{CheckRequest, answer_all};
use super::request::PartnerRequest;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckBatchRequest {
    /// 1 to 1000 questions, each as `/api/v1/check` takes it.
    #[schema(value_type = Vec<CheckRequest>, min_items = 1, max_items = 1000)]
    pub questions: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckBatchAnswer {
    /// One answer per question, in the order asked.
    pub answers: Vec<CheckAnswer>,
}

/// The questions of a batch, each read on its own so that an error can say which one is bad.
fn questions_of(batch: CheckBatchRequest) -> Result<Vec<CheckRequest>, ApiError> {
    match batch.questions.len() {
        0 => return Err(ApiError::EmptyBatch),
        count if count > MAX_QUESTIONS => return Err(ApiError::BatchTooLarge(count)),
        _ => {}
    }
    batch
        .questions
        .into_iter()
        .enumerate()
        .map(|(index, question)| {
            serde_json::from_value(question).map_err(|e| ApiError::MalformedJson(e.to_string()).in_question(index))
        })
        .collect()
}

/// Many questions at once, answered in order.
///
/// Every question is validated before any is decided: one bad question refuses the whole batch
/// (the error names it) and nothing is recorded. All the decisions are recorded together.
#[utoipa::path(
    post,
    path = CHECK_BATCH_PATH,
    tag = "partner",
    request_body = CheckBatchRequest,
    responses((status = 200, description = "One decision per question, in order", body = CheckBatchAnswer), PartnerErrors),
    security(("partner_key" = []))
)]
#[tracing::instrument(skip_all, fields(partner = %request.partner.slug, questions))]
pub async fn check_batch(
    State(state): State<AppState>,
    request: PartnerRequest<CheckBatchRequest>,
) -> Result<Json<CheckBatchAnswer>, ApiError> {
    let questions = questions_of(request.body)?;
    tracing::Span::current().record("questions", questions.len());
    let answers = answer_all(&state, &request.partner, &questions).await?;
    Ok(Json(CheckBatchAnswer { answers }))
}
