//! The partner API: `POST /api/v1/check` and `POST /api/v1/check-batch` answer "may partner P
//! do access A on category C of user U, now?" from the committed consent store, so a revocation
//! is enforced at once; `GET /api/v1/openapi.json` describes them.

mod answer;
mod check;
mod check_batch;
mod endpoints;
mod error;
pub mod handle_ids;
mod keys;
pub mod lookup_cache;
mod openapi;
mod questions;
mod request;

pub use answer::{CheckAnswer, Verdict};
pub use check_batch::{CheckBatchAnswer, CheckBatchRequest};
pub use endpoints::{CHECK_BATCH_PATH, CHECK_PATH, MAX_QUESTIONS, OPENAPI_PATH};
pub use error::{ApiError, ApiErrorBody, ErrorCode};
pub use keys::{KeyError, new_partner_key, rotate_key};
pub use openapi::{document, router};
pub use questions::CheckRequest;
