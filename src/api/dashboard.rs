//! Loading the dashboard and revoking from it.

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::domain::dashboard::DashboardView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The answer to a revocation or an "Allow again", sent only after the store has committed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardChange {
    pub notice: String,
    pub view: DashboardView,
    /// The grants a revocation just took back, for the notice's "Allow again".
    pub undo: Vec<i64>,
}

#[server(endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<SignedIn<DashboardView>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user};
    let user = signed_in_user().await.map_err(failed)?;
    let view = crate::server::use_cases::dashboard::build(&app_state().store, user.id, app_state().settings.unused)
        .await
        .map_err(|e| failed(e.into()))?;
    SignedIn::new(&user, view).await.map_err(failed)
}

/// Revokes a single grant (`grant`), or every active grant matching `partner`, `category`
/// and `access`. Fields are strings so that malformed input gets our own clear message.
#[server(endpoint = "revoke")]
pub async fn revoke(
    grant: Option<String>,
    partner: Option<String>,
    category: Option<String>,
    access: Option<String>,
) -> Result<DashboardChange, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user, tell_after_redirect};
    use crate::domain::revocation::RevocationScope;
    let user = signed_in_user().await.map_err(failed)?;
    let scope = RevocationScope::parse(&grant, &partner, &category, &access)
        .map_err(|e| failed(AppError::BadInput(e.to_string())))?;
    let change =
        crate::server::use_cases::dashboard::revoke(&app_state().store, user.id, &scope, app_state().settings.unused)
            .await
            .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&change.notice);
    Ok(change)
}

/// Gives grants the user took back again: one id, or several separated by commas (the notice's
/// "Allow again" after a revocation). Each is a new ledger event; history is never edited.
/// `term` is how long the access lasts now; without one (the notice's undo) each grant comes
/// back as it was, with the end it had if that is still ahead.
#[server(endpoint = "allow-again")]
pub async fn allow_again(grant: Option<String>, term: Option<String>) -> Result<DashboardChange, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user, tell_after_redirect};
    use crate::domain::request_decision::Term;
    let user = signed_in_user().await.map_err(failed)?;
    let grant_ids = parse_grant_ids(grant.as_deref()).map_err(failed)?;
    let term = term
        .map(|raw| Term::parse(&raw).ok_or_else(|| AppError::BadInput("Choose how long the access lasts.".into())))
        .transpose()
        .map_err(failed)?;
    let change = crate::server::use_cases::dashboard::allow_again(
        &app_state().store,
        user.id,
        &grant_ids,
        term,
        app_state().settings.unused,
    )
    .await
    .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&change.notice);
    Ok(change)
}

/// At most this many grants are given back by one click.
#[cfg(feature = "ssr")]
const MAX_GRANTS_PER_CLICK: usize = 100;

#[cfg(feature = "ssr")]
fn parse_grant_ids(raw: Option<&str>) -> Result<Vec<i64>, AppError> {
    use crate::domain::revocation::RevocationScope;
    let raw = raw.map(str::trim).filter(|s| !s.is_empty());
    let Some(raw) = raw else {
        return Err(AppError::BadInput("Say which grant to allow again.".into()));
    };
    let ids = raw
        .split(',')
        .map(
            |part| match RevocationScope::parse(&Some(part.to_owned()), &None, &None, &None) {
                Ok(RevocationScope::Grant(id)) => Ok(id),
                Ok(_) => Err(AppError::BadInput("Say which grant to allow again.".into())),
                Err(error) => Err(AppError::BadInput(error.to_string())),
            },
        )
        .collect::<Result<Vec<i64>, AppError>>()?;
    if ids.len() > MAX_GRANTS_PER_CLICK {
        return Err(AppError::BadInput(format!(
            "Allow at most {MAX_GRANTS_PER_CLICK} grants again at once."
        )));
    }
    Ok(ids)
}
