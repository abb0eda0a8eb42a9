//! The partner API's routes and its OpenAPI document, made from one list so they cannot drift:
//! every handler is mounted through `routes!`, which also puts it in the document.

use super::check::{__path_check, check};
use super::check_batch::{__path_check_batch, check_batch};
use super::consent_requests::{__path_ask, __path_read, ask, read};
use super::endpoints::{CHECK_BATCH_PATH, FRIENDS_PATH, OPENAPI_PATH};
use super::error::ApiErrorBody;
use super::friendships::{
    __path_add_friendship, __path_end_friendship, __path_friends_of, __path_set_friends, add_friendship,
    end_friendship, friends_of, set_friends,
};
use crate::server::http::body_limit::limit_for;
use crate::server::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::LazyLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
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
    tags(
        (name = "partner", description = "Consent requests and access decisions for partners"),
        (name = "platform", description = "Friendships, kept current by the platform with its own key")
    )
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
        let platform = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "The platform's key (`WCS_PLATFORM_KEY`); a partner key is refused.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("platform_key", SecurityScheme::Http(platform));
        // utoipa copies the crate's license, and this crate declares none.
        openapi.info.license = None;
    }
}

/// This document, as JSON.
#[utoipa::path(get, path = OPENAPI_PATH, tag = "partner", responses((status = 200, description = "This OpenAPI document", content_type = "application/json")))]
async fn openapi_json() -> impl IntoResponse {
    static DOCUMENT: LazyLock<String> =
        LazyLock::new(|| document().to_pretty_json().unwrap_or_else(|_| "{}".to_owned()));
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

/// A route that takes more than the global body limit: its own, from `limit_for`.
fn with_limit(route: UtoipaMethodRouter<AppState>, path: &str) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, router) = route;
    (schemas, paths, router.layer(DefaultBodyLimit::max(limit_for(path))))
}

/// A check route whose requests are timed for the metrics, from arrival to answer.
fn timed(route: UtoipaMethodRouter<AppState>, endpoint: &'static str) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, router) = route;
    let timing = axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let started = std::time::Instant::now();
            let response = next.run(request).await;
            crate::server::metrics::check_request_took(endpoint, started.elapsed());
            response
        },
    );
    (schemas, paths, router.layer(timing))
}

fn partner_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(PartnerApiDoc::openapi())
        .routes(timed(routes!(check), "check"))
        .routes(timed(with_limit(routes!(check_batch), CHECK_BATCH_PATH), "check_batch"))
        .routes(routes!(ask))
        .routes(routes!(read))
        .routes(routes!(friends_of))
        .routes(with_limit(routes!(set_friends), FRIENDS_PATH))
        .routes(routes!(add_friendship))
        .routes(routes!(end_friendship))
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
