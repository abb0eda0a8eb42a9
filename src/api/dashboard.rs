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
}

#[server(endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<SignedIn<DashboardView>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user};
    let user = signed_in_user().await.map_err(failed)?;
    let view = crate::server::dashboard::build(&app_state().store, user.id)
        .await
        .map_err(|e| failed(e.into()))?;
    Ok(SignedIn {
        name: user.display_name,
        email: user.email,
        content: view,
    })
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
    use crate::api::context::{app_state, failed, signed_in_user};
    use crate::domain::revocation::RevocationScope;
    let user = signed_in_user().await.map_err(failed)?;
    let scope = RevocationScope::parse(&grant, &partner, &category, &access)
        .map_err(|e| failed(AppError::BadInput(e.to_string())))?;
    let store = app_state().store;
    let notice = crate::server::dashboard::revoke(&store, user.id, &scope)
        .await
        .map_err(|e| failed(e.into()))?;
    let view = crate::server::dashboard::build(&store, user.id)
        .await
        .map_err(|e| failed(e.into()))?;
    Ok(DashboardChange { notice, view })
}

/// Gives a grant the user took back again. A new ledger event; history is never edited.
#[server(endpoint = "allow-again")]
pub async fn allow_again(grant: Option<String>) -> Result<DashboardChange, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user};
    let user = signed_in_user().await.map_err(failed)?;
    let grant_id = parse_grant_id(grant.as_deref()).map_err(failed)?;
    let store = app_state().store;
    let notice = crate::server::dashboard::allow_again(&store, user.id, grant_id)
        .await
        .map_err(|e| failed(e.into()))?;
    let view = crate::server::dashboard::build(&store, user.id)
        .await
        .map_err(|e| failed(e.into()))?;
    Ok(DashboardChange { notice, view })
}

#[cfg(feature = "ssr")]
fn parse_grant_id(raw: Option<&str>) -> Result<i64, AppError> {
    use crate::domain::revocation::RevocationScope;
    match RevocationScope::parse(&raw.map(str::to_owned), &None, &None, &None) {
        Ok(RevocationScope::Grant(id)) => Ok(id),
        Ok(_) | Err(crate::domain::revocation::ScopeError::NothingNamed) => {
            Err(AppError::BadInput("Say which grant to allow again.".into()))
        }
        Err(error) => Err(AppError::BadInput(error.to_string())),
    }
}
