//! What every partner request goes through before its questions: the Bearer key, then a body
//! within the route's limit that parses as JSON. Handlers take it as one extractor, or take
//! `KeyedPartner` alone when the route reads no body.

use super::ApiError;
use crate::server::http::body_limit::limit_for;
use crate::server::state::AppState;
use crate::server::storage::consent::catalog::CatalogEntry;
use crate::server::storage::consent::key_cache::KeyDigest;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// An authenticated partner and the JSON body it sent.
pub struct PartnerRequest<T> {
    pub partner: Arc<CatalogEntry>,
    pub body: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for PartnerRequest<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        // The key is checked first: a stranger learns nothing about what a body should be.
        let partner = authenticated_partner(state, request.headers()).await?;
        let body = json_body(request, state).await?;
        Ok(PartnerRequest { partner, body })
    }
}

/// The request's JSON body, within its route's limit (the partner and the platform APIs alike).
pub(super) async fn json_body<T: DeserializeOwned>(request: Request, state: &AppState) -> Result<T, ApiError> {
    let limit = limit_for(request.uri().path());
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(limit),
            _ => ApiError::MalformedJson(rejection.body_text()),
        })?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::MalformedJson(e.to_string()))
}

/// The partner whose key a request without a body carries.
pub struct KeyedPartner(pub Arc<CatalogEntry>);

impl FromRequestParts<AppState> for KeyedPartner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticated_partner(state, &parts.headers).await.map(KeyedPartner)
    }
}

/// The partner whose key the request carries.
async fn authenticated_partner(state: &AppState, headers: &HeaderMap) -> Result<Arc<CatalogEntry>, ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(ApiError::MissingKey)?;
    state
        .store
        .partner_by_key(&KeyDigest::of_key(key))
        .await?
        .ok_or(ApiError::BadKey)
}
