//! The admin's server functions for the partner catalog. Every one checks that the caller is
//! an admin; support staff and people are refused. A new API key is made by `new_partner_key`,
//! called from a plain handler rather than a server function: a server function answers a
//! plain form with a redirect, which cannot carry a secret (see `server::app::key_page`).

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::domain::admin::PartnerCatalog;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
impl From<crate::server::use_cases::admin::CatalogError> for AppError {
    fn from(error: crate::server::use_cases::admin::CatalogError) -> Self {
        use crate::server::use_cases::admin::CatalogError;
        match error {
            CatalogError::UnknownPartner => AppError::NotFound(error.to_string()),
            CatalogError::Store(store) => store.into(),
            refused => AppError::BadInput(refused.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
fn partner_slug(raw: &str) -> Result<crate::domain::slug::Slug, AppError> {
    crate::domain::slug::Slug::parse(raw, "partner").map_err(|e| AppError::BadInput(e.to_string()))
}

#[server(endpoint = "admin-partners")]
pub async fn load_partner_catalog() -> Result<SignedIn<PartnerCatalog>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_admin};
    let admin = signed_in_admin().await.map_err(failed)?;
    let catalog = crate::server::use_cases::admin::catalog(&app_state().store)
        .await
        .map_err(|e| failed(e.into()))?;
    SignedIn::new(&admin, catalog).await.map_err(failed)
}

/// Adds a partner without a key; `slug` is its short name in addresses and the API.
#[server(endpoint = "admin-add-partner")]
pub async fn add_partner(slug: String, name: String, description: String) -> Result<(), AppError> {
    use crate::api::context::{app_state, failed, signed_in_admin, tell_after_redirect};
    use crate::domain::partner_entry::NewPartner;
    let admin = signed_in_admin().await.map_err(failed)?;
    let partner =
        NewPartner::parse(&slug, &name, &description).map_err(|e| failed(AppError::BadInput(e.to_string())))?;
    let notice = crate::server::use_cases::admin::add(&app_state().store, admin.id, &partner)
        .await
        .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&notice);
    Ok(())
}

/// Changes a partner's description, and nothing else about it.
#[server(endpoint = "admin-describe-partner")]
pub async fn describe_partner(partner: String, description: String) -> Result<(), AppError> {
    use crate::api::context::{app_state, failed, signed_in_admin, tell_after_redirect};
    use crate::domain::partner_entry::PartnerDescription;
    let admin = signed_in_admin().await.map_err(failed)?;
    let slug = partner_slug(&partner).map_err(failed)?;
    let description = PartnerDescription::parse(&description).map_err(|e| failed(AppError::BadInput(e.to_string())))?;
    let notice = crate::server::use_cases::admin::describe(&app_state().store, admin.id, &slug, &description)
        .await
        .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&notice);
    Ok(())
}

/// Retires a partner: its key stops working at once, and no new grant can name it.
#[server(endpoint = "admin-retire-partner")]
pub async fn retire_partner(partner: String) -> Result<(), AppError> {
    use crate::api::context::{app_state, failed, signed_in_admin, tell_after_redirect};
    let admin = signed_in_admin().await.map_err(failed)?;
    let slug = partner_slug(&partner).map_err(failed)?;
    let notice = crate::server::use_cases::admin::retire(&app_state().store, admin.id, &slug)
        .await
        .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&notice);
    Ok(())
}

/// Gives a partner a new API key, for the admin to see once. The caller renders it; the key is
/// kept nowhere else (only its hash is stored).
#[cfg(feature = "ssr")]
pub async fn new_partner_key(
    state: &crate::server::state::AppState,
    headers: &http::HeaderMap,
    partner: &str,
) -> Result<SignedIn<crate::domain::admin::ShownKey>, AppError> {
    use crate::domain::admin::ShownKey;
    use crate::server::storage::consent::admin::KeyChange;
    let admin = crate::api::context::admin_of(state, headers).await?;
    let slug = partner_slug(partner)?;
    let made = crate::server::use_cases::admin::new_key(&state.store, admin.id, &slug).await?;
    let shown = ShownKey {
        partner_name: made.partner_name,
        key: made.key,
        rotated: made.change == KeyChange::Rotated,
    };
    SignedIn::from_store(&state.store, &admin, shown).await
}

/// Sets where a partner is told of consent changes (RFC 8935 push), turning it on again.
#[server(endpoint = "admin-set-endpoint")]
pub async fn set_partner_endpoint(partner: String, endpoint: String) -> Result<(), AppError> {
    use crate::api::context::{app_state, failed, signed_in_admin, tell_after_redirect};
    let admin = signed_in_admin().await.map_err(failed)?;
    let slug = partner_slug(&partner).map_err(failed)?;
    let state = app_state();
    let notice = crate::server::use_cases::admin_endpoints::set_endpoint(
        &state.store,
        &state.dispatcher,
        admin.id,
        &slug,
        &endpoint,
    )
    .await
    .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&notice);
    Ok(())
}

/// Sends the partner a signed test event now; the notice says how it answered.
#[server(endpoint = "admin-test-endpoint")]
pub async fn test_partner_endpoint(partner: String) -> Result<(), AppError> {
    use crate::api::context::{app_state, failed, signed_in_admin, tell_after_redirect};
    let admin = signed_in_admin().await.map_err(failed)?;
    let slug = partner_slug(&partner).map_err(failed)?;
    let state = app_state();
    let notice =
        crate::server::use_cases::admin_endpoints::send_test_event(&state.store, &state.dispatcher, admin.id, &slug)
            .await
            .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&notice);
    Ok(())
}

/// Turns off events to a partner: they wait until its endpoint is saved again.
#[server(endpoint = "admin-turn-off-endpoint")]
pub async fn turn_off_partner_endpoint(partner: String) -> Result<(), AppError> {
    use crate::api::context::{app_state, failed, signed_in_admin, tell_after_redirect};
    let admin = signed_in_admin().await.map_err(failed)?;
    let slug = partner_slug(&partner).map_err(failed)?;
    let notice = crate::server::use_cases::admin_endpoints::turn_off_endpoint(&app_state().store, admin.id, &slug)
        .await
        .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&notice);
    Ok(())
}
