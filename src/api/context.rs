//! What every server function needs: the app state, the signed-in user, and error statuses.

use crate::api::error::AppError;
use crate::server::auth::session::{self, CurrentSession};
use crate::server::error::log_store_error;
use crate::server::http::form_notices;
use crate::server::state::AppState;
use crate::server::storage::StoreError;
use crate::server::storage::consent::users::UserRecord;
use http::request::Parts;
use leptos::prelude::{expect_context, use_context};
use leptos_axum::ResponseOptions;

pub fn app_state() -> AppState {
    expect_context::<AppState>()
}

/// The signed-in user, or `NotSignedIn`.
pub async fn signed_in_user() -> Result<UserRecord, AppError> {
    Ok(signed_in_session().await?.user)
}

/// The signed-in support agent or admin; anyone else is refused.
pub async fn signed_in_staff() -> Result<UserRecord, AppError> {
    let user = signed_in_user().await?;
    if !user.role.is_staff() {
        tracing::warn!(user_id = user.id, "a non-staff account asked for the support console");
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// The signed-in admin; anyone else, support staff included, is refused.
pub async fn signed_in_admin() -> Result<UserRecord, AppError> {
    only_admins(signed_in_user().await?)
}

/// The signed-in admin of a request handled outside Leptos (which gives no context to read the
/// session from); anyone else is refused as by `signed_in_admin`.
pub async fn admin_of(state: &AppState, headers: &http::HeaderMap) -> Result<UserRecord, AppError> {
    let user = session::current_user(state, headers)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    only_admins(user)
}

fn only_admins(user: UserRecord) -> Result<UserRecord, AppError> {
    if !user.role.is_admin() {
        tracing::warn!(user_id = user.id, "a non-admin account asked for the partner catalog");
        return Err(AppError::AdminsOnly);
    }
    Ok(user)
}

/// The signed-in user with their session, or `NotSignedIn`.
pub async fn signed_in_session() -> Result<CurrentSession, AppError> {
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    session::current_session(&app_state(), &parts.headers)
        .await?
        .ok_or(AppError::NotSignedIn)
}

/// Sets the HTTP status of a failure: on a page being rendered, and on a call made by script.
/// A plain HTML form posted to a server function is left alone: Leptos redirects it back to
/// the page with the error in the URL, where it is shown.
pub fn failed(error: AppError) -> AppError {
    let form_post = use_context::<Parts>().is_some_and(|parts| form_notices::is_plain_form_post(&parts));
    if !form_post
        && let (Some(options), Ok(status)) = (
            use_context::<ResponseOptions>(),
            http::StatusCode::from_u16(error.status()),
        )
    {
        options.set_status(status);
    }
    error
}

/// Says `notice` on the page a plain form was posted from, after the redirect back to it (with
/// script, the dashboard shows the notice it gets in the answer itself).
pub fn tell_after_redirect(notice: &str) {
    let (Some(parts), Some(options)) = (use_context::<Parts>(), use_context::<ResponseOptions>()) else {
        return;
    };
    if let Some(cookie) = form_notices::notice_cookie(&parts, notice, &app_state().settings)
        && let Ok(cookie) = http::HeaderValue::from_str(&cookie)
    {
        options.append_header(http::header::SET_COOKIE, cookie);
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => AppError::NotFound(format!("No such {what} among your permissions.")),
            StoreError::UnknownName(message) => AppError::BadInput(message),
            StoreError::Conflict(what) => AppError::BadInput(format!("That {what} already exists.")),
            other if log_store_error(&other) => AppError::Unavailable,
            _ => AppError::Internal,
        }
    }
}
