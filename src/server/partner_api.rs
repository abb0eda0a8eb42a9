//! The partner API: `POST /api/v1/check` and `POST /api/v1/check-batch` answer "may partner P
//! do access A on category C of user U, now?" from the committed consent store, so a revocation
//! is enforced at once; `POST /api/v1/consent-requests` asks a person for access and
//! `GET /api/v1/consent-requests/{id}` tells how they answered; the platform (with its own key)
//! keeps friendships current under `/api/v1/platform/`; `GET /api/v1/openapi.json` describes
//! them all.

mod answer;
mod check;
mod check_batch;
mod consent_request_wire;
mod consent_requests;
mod endpoints;
mod error;
mod error_docs;
mod friendships;
pub mod handle_ids;
mod keys;
pub mod lookup_cache;
mod openapi;
mod platform_key;
mod questions;
mod request;

pub use answer::{CheckAnswer, Verdict};
pub use check_batch::{CheckBatchAnswer, CheckBatchRequest};
pub use consent_request_wire::{ConsentRequestBody, ConsentRequestCreated, ConsentRequestState};
pub use endpoints::{
    CHECK_BATCH_PATH, CHECK_PATH, CONSENT_REQUEST_PATH, CONSENT_REQUESTS_PATH, FRIENDS_OF_PATH, FRIENDS_PATH,
    FRIENDSHIP_PATH, FRIENDSHIPS_PATH, MAX_QUESTIONS, OPENAPI_PATH,
};
pub use error::{ApiError, ApiErrorBody, ErrorCode};
pub use keys::{KeyError, new_partner_key, rotate_key};
pub use openapi::{document, router};
pub use questions::CheckRequest;
