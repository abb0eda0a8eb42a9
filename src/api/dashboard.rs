//! Loading the dashboard and revoking from it.

use crate::api::error::AppError;
use crate::domain::dashboard::DashboardView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardPage {
    pub user_name: String,
    pub email: String,
    pub view: DashboardView,
}

/// The answer to a revocation, sent only after the store has committed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeOutcome {
    pub notice: String,
    pub view: DashboardView,
}

#[server(endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<DashboardPage, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user};
    let user = signed_in_user().await.map_err(failed)?;
    let view = crate::server::dashboard::build(&app_state().store, user.id)
        .await
        .map_err(|e| failed(e.into()))?;
    Ok(DashboardPage {
        user_name: user.display_name,
        email: user.email,
        view,
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
) -> Result<RevokeOutcome, AppError> {
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
    Ok(RevokeOutcome { notice, view })
}
