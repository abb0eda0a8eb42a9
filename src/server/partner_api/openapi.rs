//! The partner API's routes and its OpenAPI document, made from one list so they cannot drift:
//! every handler is mounted through `routes!`, which also puts it in the document.

use super::check::{__path_check, check};
use super::check_batch::{__path_check_batch, check_batch};
use super::consent_requests::{__path_ask, __path_read, ask, read};
use super::error::ApiErrorBody;
use super::{CHECK_BATCH_PATH, OPENAPI_PATH};
use crate::server::http::body_limit::limit_for;
use crate::server::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Object, RefOr, ResponseBuilder, Type, response::Response};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Who Can See partner API",
        description = "Ask a person for access, and whether a user has granted your company an access, \
                       now. Every request, answer and decision is recorded and shown to the user."
    ),
    modifiers(&BearerKey),
    components(schemas(ApiErrorBody)),
    tags((name = "partner", description = "Consent requests and access decisions for partners"))
)]
struct PartnerApiDoc;

/// Partners authenticate with `Authorization: Bearer <key>`.
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "The partner's API key, from `who-can-see partner-key create <slug>`.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("partner_key", SecurityScheme::Http(scheme));
        // utoipa copies the crate's license, and this crate declares none.
        openapi.info.license = None;
    }
}

/// Error answers, each with the JSON body of `ApiErrorBody`; 429 also says when to retry.
fn error_responses(errors: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
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
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_responses(&[
            (
                "400",
                "Malformed JSON, an unknown category or access, or an empty batch",
            ),
            UNAUTHORIZED,
            ("403", "A question names another partner"),
            ("404", "A question names a user who does not exist"),
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
    fn responses() -> BTreeMap<String, RefOr<Response>> {
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
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_responses(&[
            UNAUTHORIZED,
            ("404", "You have no request with that id"),
            INTERNAL,
            UNAVAILABLE,
        ])
    }
}

/// This document, as JSON.
#[utoipa::path(get, path = OPENAPI_PATH, tag = "partner", responses((status = 200, description = "This OpenAPI document", content_type = "application/json")))]
async fn openapi_json() -> impl IntoResponse {
    static DOCUMENT: LazyLock<String> =
        LazyLock::new(|| document().to_pretty_json().unwrap_or_else(|_| "{}".to_owned()));
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

fn partner_routes() -> OpenApiRouter<AppState> {
    let (schemas, paths, batch) = routes!(check_batch);
    // Only the batch route takes more than the global limit.
    let batch = batch.layer(DefaultBodyLimit::max(limit_for(CHECK_BATCH_PATH)));
    OpenApiRouter::with_openapi(PartnerApiDoc::openapi())
        .routes(routes!(check))
        .routes((schemas, paths, batch))
        .routes(routes!(ask))
        .routes(routes!(read))
        .routes(routes!(openapi_json))
}

/// The partner API's routes, to mount in the app.
pub fn router() -> Router<AppState> {
    partner_routes().split_for_parts().0
}

/// The OpenAPI document of exactly the routes `router` mounts.
pub fn document() -> utoipa::openapi::OpenApi {
    partner_routes().split_for_parts().1
}
