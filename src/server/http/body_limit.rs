//! Refuses request bodies over the limit before any handler or server function reads them,
//! with an answer in the caller's language: JSON for the partner API, a short page otherwise.

use crate::server::partner_api::{ApiError, CHECK_BATCH_PATH, FRIENDS_PATH};
use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::pin::Pin;

/// Requests larger than this are refused with 413 and change nothing.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// The only routes that may send more than `BODY_LIMIT_BYTES`, each with its own limit.
/// A full batch of partner questions needs about 150 KiB.
/// A list of 5000 friends needs about 100 KiB.
const LARGER_LIMITS: &[(&str, usize)] = &[(CHECK_BATCH_PATH, 256 * 1024), (FRIENDS_PATH, 192 * 1024)];

/// The body limit of requests to `path`.
pub fn limit_for(path: &str) -> usize {
    LARGER_LIMITS
        .iter()
        .find(|(larger, _)| *larger == path)
        .map_or(BODY_LIMIT_BYTES, |(_, limit)| *limit)
}

/// A refused body up to this size is read and thrown away before the answer: a client still
/// sending it would otherwise find the connection reset instead of reading the 413. A larger
/// one is not worth reading; its sender may see the reset.
const READ_REFUSED_BODIES_UP_TO: usize = 1024 * 1024;

pub async fn refuse_oversized_bodies(request: Request, next: Next) -> Response {
    let limit = limit_for(request.uri().path());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(length) = declared.filter(|length| *length > limit) {
        let partner_api = request.uri().path().starts_with("/api/v1/");
        if length <= READ_REFUSED_BODIES_UP_TO {
            discard(request.into_body()).await;
        }
        if partner_api {
            return ApiError::TooLarge(limit).into_response();
        }
        let message = format!(
            "That request is larger than {} KiB, so it was refused and nothing was changed.",
            limit / 1024
        );
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response();
    }
    // Bodies without a declared length are still capped while they are read (DefaultBodyLimit,
    // which the routes of `LARGER_LIMITS` raise for themselves).
    next.run(request).await
}

/// Reads a body to its end (or to `READ_REFUSED_BODIES_UP_TO`), keeping none of it.
async fn discard(mut body: Body) {
    let mut read = 0;
    while read <= READ_REFUSED_BODIES_UP_TO {
        match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            Some(Ok(frame)) => read += frame.data_ref().map_or(0, |data| data.len()),
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_batch_route_gets_a_larger_limit() {
        assert_eq!(limit_for(CHECK_BATCH_PATH), 256 * 1024);
        assert_eq!(limit_for("/api/v1/check"), BODY_LIMIT_BYTES);
        assert_eq!(limit_for("/api/v1/check-batch/"), BODY_LIMIT_BYTES);
        assert_eq!(limit_for("/sign-in"), BODY_LIMIT_BYTES);
    }
}
