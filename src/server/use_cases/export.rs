//! Downloading one's whole ledger as JSON or CSV, and one event's signed receipt.

use crate::server::auth::session::current_user;
use crate::server::auth::sign_in_address::{asked_for, sign_in_address};
use crate::server::error::log_store_error;
use crate::server::state::AppState;
use crate::server::storage::StoreError;
use crate::server::use_cases::history::{export, to_csv};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};

enum Format {
    Json,
    Csv,
}

async fn download(state: AppState, uri: Uri, headers: HeaderMap, format: Format) -> Response {
    let user = match current_user(&state, &headers).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to(&sign_in_address(None, &asked_for(&uri))).into_response(),
        Err(error) => return unavailable(&error),
    };
    let events = match export(&state.store, user.id).await {
        Ok(events) => events,
        Err(error) => return unavailable(&error),
    };
    let (body, content_type, extension) = match format {
        Format::Json => (
            serde_json::to_string_pretty(&events).unwrap_or_else(|_| "[]".into()),
            "application/json",
            "json",
        ),
        Format::Csv => (to_csv(&events), "text/csv; charset=utf-8", "csv"),
    };
    let disposition = format!("attachment; filename=\"who-can-see-history.{extension}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

fn unavailable(error: &StoreError) -> Response {
    log_store_error(error);
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The consent store is unavailable. Nothing was read; try again shortly.",
    )
        .into_response()
}

pub async fn json(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    download(state, uri, headers, Format::Json).await
}

pub async fn csv(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    download(state, uri, headers, Format::Csv).await
}

/// `/history/receipt/{event}`: the signed receipt of one of the signed-in person's events, as a
/// file to keep. Someone else's event, or one that does not exist, is not found.
pub async fn receipt(
    State(state): State<AppState>,
    Path(event): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let user = match current_user(&state, &headers).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to(&sign_in_address(None, &asked_for(&uri))).into_response(),
        Err(error) => return unavailable(&error),
    };
    let Some(event_id) = event.parse::<i64>().ok().filter(|id| *id > 0) else {
        return (
            StatusCode::BAD_REQUEST,
            "A receipt is named by the number of a consent event, as History links it.",
        )
            .into_response();
    };
    let signed = crate::server::use_cases::receipt::receipt(
        &state.store,
        &state.signing_keys,
        &state.issuer,
        user.id,
        &user.handle,
        event_id,
    )
    .await;
    match signed {
        Ok(Some(receipt)) => {
            let disposition = format!("attachment; filename=\"who-can-see-receipt-{event_id}.jws\"");
            (
                [
                    (header::CONTENT_TYPE, "application/jose".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                receipt,
            )
                .into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, "There is no such event in your history.").into_response(),
        Err(error) => unavailable(&error),
    }
}
