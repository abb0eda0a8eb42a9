//! What every call of the platform's friendships API goes through: the platform's own key
//! (never a partner's), then a JSON body within the route's limit.

use super::ApiError;
use super::request::json_body;
use crate::server::state::AppState;
use crate::server::storage::consent::key_cache::KeyDigest;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

/// A call made with the platform key, and the JSON body it sent.
pub struct PlatformRequest<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PlatformRequest<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        // The key is checked first: a stranger learns nothing about what a body should be.
        check_platform_key(state, request.headers())?;
        let body = json_body(request, state).await?;
        Ok(PlatformRequest(body))
    }
}

/// A call without a body made with the platform key.
pub struct PlatformKeyed;

impl FromRequestParts<AppState> for PlatformKeyed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        check_platform_key(state, &parts.headers).map(|()| PlatformKeyed)
    }
}

fn check_platform_key(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(ApiError::MissingKey)?;
    match &state.settings.platform_key {
        Some(platform) if *platform == KeyDigest::of_key(key) => Ok(()),
        _ => Err(ApiError::BadKey),
    }
}
