//! What the partner API promises about its shape: where each route is, and how many questions
//! one batch may ask. Every other part of the API (handlers, errors, the OpenAPI document) and
//! the body limit name these; this module names nothing, so no import cycle can run through it.

pub const CHECK_PATH: &str = "/api/v1/check";
pub const CHECK_BATCH_PATH: &str = "/api/v1/check-batch";
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
pub const CONSENT_REQUESTS_PATH: &str = "/api/v1/consent-requests";
pub const CONSENT_REQUEST_PATH: &str = "/api/v1/consent-requests/{id}";
/// The platform's friendships API (the platform key, never a partner's).
pub const FRIENDS_PATH: &str = "/api/v1/platform/friends";
pub const FRIENDS_OF_PATH: &str = "/api/v1/platform/friends/{person}";
pub const FRIENDSHIPS_PATH: &str = "/api/v1/platform/friendships";
pub const FRIENDSHIP_PATH: &str = "/api/v1/platform/friendships/{person}/{friend}";

/// The most questions one batch may ask.
pub const MAX_QUESTIONS: usize = 1000;
