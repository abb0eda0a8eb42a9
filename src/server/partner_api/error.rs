//! Every way a partner's (or the platform's) request can fail: one error type for the API
//! boundary, each answered with its status and a JSON body that never shows an internal cause.
//! How the OpenAPI document lists them per route: `error_docs`.

use super::endpoints::MAX_QUESTIONS;
use crate::server::error::log_store_error;
use crate::server::storage::StoreError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

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
    /// A question through a friend that cannot be asked: why.
    #[error("{0}")]
    InvalidVia(String),
    /// A friendship the platform may not state: why.
    #[error("{0}")]
    InvalidFriendship(String),
    #[error("These two people are not friends.")]
    UnknownFriendship,
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
    InvalidVia,
    InvalidFriendship,
    UnknownFriendship,
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
            ApiError::InvalidVia(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidVia),
            ApiError::InvalidFriendship(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidFriendship),
            ApiError::UnknownFriendship => (StatusCode::NOT_FOUND, ErrorCode::UnknownFriendship),
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
