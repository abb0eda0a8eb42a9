//! The error answers of each route as the OpenAPI document lists them: `PartnerErrors` for the
//! checks, `AskErrors` and `ReadRequestErrors` for consent requests, `PlatformErrors` for the
//! platform's friendships API. Every body is an `ApiErrorBody`.

use super::error::ApiErrorBody;
use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{ContentBuilder, Object, RefOr, ResponseBuilder, Type};
use utoipa::{IntoResponses, ToSchema};

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
                "Malformed JSON, an unknown category or access, a question through a friend (`via`) that cannot be asked, or an empty batch",
            ),
            UNAUTHORIZED,
            ("403", "A question names another partner"),
            (
                "404",
                "A question names a user (or a friend in `via`) who does not exist",
            ),
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

/// The error answers of the platform's friendships API.
pub struct PlatformErrors;

impl IntoResponses for PlatformErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        error_responses(&[
            (
                "400",
                "Malformed JSON, a person as their own friend, an empty handle, or more than 5000 friends; nothing changed",
            ),
            (
                "401",
                "No platform key, or one that is not valid (a partner key never is)",
            ),
            ("404", "A person who does not exist, or (ending one) no such friendship"),
            ("413", "The body is too large"),
            INTERNAL,
            UNAVAILABLE,
        ])
    }
}
