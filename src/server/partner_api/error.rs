//! Every way a partner's request can fail: one error type for the partner API boundary, each
//! answered with its status and a JSON body that never shows an internal cause, and the same
//! answers as the OpenAPI document lists them for each route (`PartnerErrors` for the checks,
//! `AskErrors` and `ReadRequestErrors` for consent requests).

use super::endpoints::MAX_QUESTIONS;
use crate::server::error::log_store_error;
use crate::server::storage::StoreError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{ContentBuilder, Object, RefOr, ResponseBuilder, Type};
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
    /// A consent request that makes no sense: what is wrong with it.
    #[error("{0}")]
    InvalidConsentRequest(String),
    /// This partner's pending request to this person, by its id.
    #[error("Your request {0} to this person is still pending; wait for their answer before asking again.")]
    RequestPending(String),
    /// Seconds until the partner may ask again.
    #[error("The person refused this less than 30 days ago; you may ask again in {0} seconds.")]
    RecentlyRefused(u64),
    #[error("You have no consent request with that id.")]
    UnknownConsentRequest,
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
    InvalidConsentRequest,
    RequestPending,
    RecentlyRefused,
    UnknownConsentRequest,
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
    /// With `request_pending`: the id of the request that is still pending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
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
            ApiError::InvalidConsentRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidConsentRequest),
            ApiError::RequestPending(_) => (StatusCode::CONFLICT, ErrorCode::RequestPending),
            ApiError::RecentlyRefused(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RecentlyRefused),
            ApiError::UnknownConsentRequest => (StatusCode::NOT_FOUND, ErrorCode::UnknownConsentRequest),
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
        let request = match &self {
            ApiError::RequestPending(id) => Some(id.clone()),
            _ => None,
        };
        let body = ApiErrorBody {
            error,
            message: self.to_string(),
            question,
            request,
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::RecentlyRefused(seconds) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Error answers, each with the JSON body of `ApiErrorBody`; 429 also says when to retry.
fn error_responses(errors: &[(&str, &str)]) -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
    errors
        .iter()
        .map(|(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    ApiErrorBody::name(),
                ))))
                .build();
            let mut response = ResponseBuilder::new()
                .description(*description)
                .content("application/json", content);
            if *status == "429" {
                let seconds = HeaderBuilder::new()
                    .schema(Some(Object::with_type(Type::Integer)))
                    .description(Some("Seconds until you may ask again"))
                    .build();
                response = response.header("Retry-After", seconds);
            }
            ((*status).to_owned(), RefOr::T(response.build()))
        })
        .collect()
}

const UNAUTHORIZED: (&str, &str) = ("401", "No API key, or one that is not valid");
const INTERNAL: (&str, &str) = ("500", "Something went wrong on our side; nothing was changed");
const UNAVAILABLE: (&str, &str) = (
    "503",
    "The consent store is unavailable; nothing was changed, retry shortly",
);

/// The error answers both checks can give.
pub struct PartnerErrors;

impl IntoResponses for PartnerErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        error_responses(&[
            (
                "400",
                "Malformed JSON, an unknown category or access, or an empty batch",
            ),
            UNAUTHORIZED,
            ("403", "A question names another partner"),
            ("404", "A question names a user who does not exist"),
            (
                "413",
                "The body is too large, or the batch has more than 1000 questions",
            ),
            INTERNAL,
            UNAVAILABLE,
        ])
    }
}

/// The error answers of asking a person for consent.
pub struct AskErrors;

impl IntoResponses for AskErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        error_responses(&[
            (
                "400",
                "Malformed JSON, an unknown category or action, or a bad purpose or duration; nothing was recorded",
            ),
            UNAUTHORIZED,
            ("404", "The user does not exist"),
            (
                "409",
                "Your earlier request to this person is still pending; `request` names it",
            ),
            ("413", "The body is larger than 16 KiB"),
            (
                "429",
                "The person refused the same thing less than 30 days ago; see Retry-After",
            ),
            INTERNAL,
            UNAVAILABLE,
        ])
    }
}

/// The error answers of reading a request.
pub struct ReadRequestErrors;

impl IntoResponses for ReadRequestErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        error_responses(&[
            UNAUTHORIZED,
            ("404", "You have no request with that id"),
            INTERNAL,
            UNAVAILABLE,
        ])
    }
}
