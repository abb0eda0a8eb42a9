//! Every way a partner's request can fail: one error type for the partner API boundary, each
//! answered with its status and a JSON body that never shows an internal cause, and the same
//! answers as the OpenAPI document lists them for every check (`PartnerErrors`).

use super::endpoints::MAX_QUESTIONS;
use crate::server::error::log_store_error;
use crate::server::storage::StoreError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Send your API key as: Authorization: Bearer <key>.")]
    MissingKey,
    #[error("That API key is not valid.")]
    BadKey,
    #[error("You can only ask about your own access.")]
    OtherPartner,
    /// The body is over this route's limit, in bytes.
    #[error("The request body is larger than {} KiB.", .0 / 1024)]
    TooLarge(usize),
    #[error("The request body is not valid JSON for this endpoint: {0}")]
    MalformedJson(String),
    #[error("Ask 1 to {MAX_QUESTIONS} questions in one batch; this one has none.")]
    EmptyBatch,
    /// The number of questions the batch had.
    #[error("Ask at most {MAX_QUESTIONS} questions in one batch; this one has {0}.")]
    BatchTooLarge(usize),
    #[error("{0}")]
    UnknownAccess(String),
    #[error("There is no data category called \u{201c}{0}\u{201d}.")]
    UnknownCategory(String),
    #[error("There is no user called \u{201c}{0}\u{201d}.")]
    UnknownUser(String),
    /// What is wrong with one question of a batch, and which one (counting from 0).
    #[error("Question {index} (counting from 0): {error}")]
    InQuestion { index: usize, error: Box<ApiError> },
    #[error("The consent store is unavailable. Nothing was decided; retry shortly.")]
    Unavailable,
    #[error("Something went wrong on our side.")]
    Internal,
}

/// The stable codes a partner can act on, one per kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    MissingApiKey,
    InvalidApiKey,
    OtherPartner,
    BodyTooLarge,
    MalformedJson,
    EmptyBatch,
    BatchTooLarge,
    UnknownAccess,
    UnknownCategory,
    UnknownUser,
    Unavailable,
    Internal,
}

/// The body of every partner API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorBody {
    pub error: ErrorCode,
    /// What went wrong, for a person to read.
    pub message: String,
    /// In a batch: the index (from 0) of the first question at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<usize>,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            ApiError::MissingKey => (StatusCode::UNAUTHORIZED, ErrorCode::MissingApiKey),
            ApiError::BadKey => (StatusCode::UNAUTHORIZED, ErrorCode::InvalidApiKey),
            ApiError::OtherPartner => (StatusCode::FORBIDDEN, ErrorCode::OtherPartner),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BodyTooLarge),
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, ErrorCode::MalformedJson),
            ApiError::EmptyBatch => (StatusCode::BAD_REQUEST, ErrorCode::EmptyBatch),
            ApiError::BatchTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BatchTooLarge),
            ApiError::UnknownAccess(_) => (StatusCode::BAD_REQUEST, ErrorCode::UnknownAccess),
            ApiError::UnknownCategory(_) => (StatusCode::BAD_REQUEST, ErrorCode::UnknownCategory),
            ApiError::UnknownUser(_) => (StatusCode::NOT_FOUND, ErrorCode::UnknownUser),
            ApiError::InQuestion { error, .. } => error.status_and_code(),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }

    /// Says which question of a batch this error is about.
    pub fn in_question(self, index: usize) -> Self {
        match self {
            ApiError::InQuestion { .. } | ApiError::Unavailable | ApiError::Internal => self,
            error => ApiError::InQuestion {
                index,
                error: Box::new(error),
            },
        }
    }

    /// The error as a single check reports it: there is only one question, so no index.
    pub fn without_question(self) -> Self {
        match self {
            ApiError::InQuestion { error, .. } => *error,
            other => other,
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
        let (status, error) = self.status_and_code();
        let question = match &self {
            ApiError::InQuestion { index, .. } => Some(*index),
            _ => None,
        };
        let body = ApiErrorBody {
            error,
            message: self.to_string(),
            question,
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The error answers both checks can give, each with the JSON body of `ApiErrorBody`.
pub struct PartnerErrors;

impl IntoResponses for PartnerErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        let errors = [
            (
                "400",
                "Malformed JSON, an unknown category or access, or an empty batch",
            ),
            ("401", "No API key, or one that is not valid"),
            ("403", "A question names another partner"),
            ("404", "A question names a user who does not exist"),
            (
                "413",
                "The body is too large, or the batch has more than 1000 questions",
            ),
            ("500", "Something went wrong on our side; nothing was decided"),
            (
                "503",
                "The consent store is unavailable; nothing was decided, retry shortly",
            ),
        ];
        errors
            .into_iter()
            .map(|(status, description)| {
                let content = ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        ApiErrorBody::name(),
                    ))))
                    .build();
                let response = ResponseBuilder::new()
                    .description(description)
                    .content("application/json", content)
                    .build();
                (status.to_owned(), RefOr::T(response))
            })
            .collect()
    }
}
