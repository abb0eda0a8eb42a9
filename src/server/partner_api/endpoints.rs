//! What the partner API promises about its shape: where each route is, and how many questions
//! one batch may ask. Every other part of the API (handlers, errors, the OpenAPI document) and
//! the body limit name these; this module names nothing, so no import cycle can run through it.

pub const CHECK_PATH: &str = "/api/v1/check";
pub const CHECK_BATCH_PATH: &str = "/api/v1/check-batch";
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
pub const CONSENT_REQUESTS_PATH: &str = "/api/v1/consent-requests";
pub const CONSENT_REQUEST_PATH: &str = "/api/v1/consent-requests/{id}";

/// The most questions one batch may ask.
pub const MAX_QUESTIONS: usize = 1000;
