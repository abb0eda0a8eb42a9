//! Refuses request bodies over the limit before any handler or server function reads them,
//! with an answer in the caller's language: JSON for the partner API, a short page otherwise.

use crate::server::partner_api::ApiError;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Requests larger than this are refused with 413 and change nothing.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

pub async fn refuse_oversized_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT_BYTES) {
        if request.uri().path().starts_with("/api/v1/") {
            return ApiError::TooLarge.into_response();
        }
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "That request is larger than 16 KiB, so it was refused and nothing was changed.",
        )
            .into_response();
    }
    // Bodies without a declared length are still capped while they are read (DefaultBodyLimit).
    next.run(request).await
}
