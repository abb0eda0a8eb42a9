//! The admin's work on the partner catalog: list it, add a partner, change its description,
//! retire it, and give it a new API key. Every change is recorded with the admin and the time,
//! and returns the sentence the admin is told once it is done.

use crate::domain::admin::{AdminActionView, PartnerCatalog, PartnerEvents, PartnerListing};
use crate::domain::partner_entry::{NewPartner, PartnerDescription};
use crate::domain::slug::Slug;
use crate::server::auth::session::hash_token;
use crate::server::clock::{human_date, human_date_time, now_ms};
use crate::server::storage::consent::admin::KeyChange;
use crate::server::storage::consent::admin_endpoints::EndpointRecord;
use crate::server::storage::{Store, StoreError};

/// How many recorded actions the admin page shows.
const RECENT_ACTIONS: i64 = 50;

/// Why a catalog change was refused, in words for the admin; store failures stay internal.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("There is no such partner.")]
    UnknownPartner,
    #[error(
        "A partner with the short name \u{201c}{slug}\u{201d} or the name \u{201c}{name}\u{201d} is already in the catalog."
    )]
    Taken { slug: String, name: String },
    #[error("{0} is already retired.")]
    AlreadyRetired(String),
    #[error("{0} is retired, so it cannot get an API key.")]
    Retired(String),
    #[error("{0}")]
    BadEndpoint(String),
    #[error("{0} has no event endpoint on to turn off.")]
    NoEndpoint(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CatalogError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(_) => CatalogError::UnknownPartner,
            other => CatalogError::Store(other),
        }
    }
}

pub async fn catalog(store: &Store) -> Result<PartnerCatalog, StoreError> {
    let mut endpoints = store.partner_endpoints().await?;
    let partners = store
        .partner_catalog()
        .await?
        .into_iter()
        .map(|p| PartnerListing {
            events: endpoints.remove(&p.slug).map(partner_events).unwrap_or_default(),
            slug: p.slug,
            name: p.name,
            description: p.description,
            has_key: p.has_key,
            retired_on: p.retired_at.map(human_date),
        })
        .collect();
    let actions = store
        .recent_admin_actions(RECENT_ACTIONS)
        .await?
        .into_iter()
        .map(|a| AdminActionView {
            admin_name: a.admin_name,
            action: a.action,
            partner_name: a.partner_name,
            detail: a.detail,
            when: human_date_time(a.at),
        })
        .collect();
    Ok(PartnerCatalog { partners, actions })
}

fn partner_events(record: EndpointRecord) -> PartnerEvents {
    PartnerEvents {
        endpoint: record.endpoint,
        turned_off: record
            .disabled_at
            .map(|at| format!("Turned off on {}", human_date_time(at))),
        backlog: record.backlog,
        failed: record.failed,
        last_failure: record.last_error.map(|error| match record.last_error_at {
            Some(at) => format!("{error} ({})", human_date_time(at)),
            None => error,
        }),
    }
}

/// The partner's name as people read it, for messages.
pub(super) async fn partner_name(store: &Store, slug: &Slug) -> Result<String, CatalogError> {
    store
        .partner_catalog()
        .await?
        .into_iter()
        .find(|p| p.slug == slug.as_str())
        .map(|p| p.name)
        .ok_or(CatalogError::UnknownPartner)
}

pub async fn add(store: &Store, admin_id: i64, partner: &NewPartner) -> Result<String, CatalogError> {
    match store.add_partner(admin_id, partner, now_ms()).await {
        Ok(()) => {
            tracing::info!(admin_id, partner = %partner.slug, "admin added a partner");
            Ok(format!(
                "Added {} to the catalog. It has no API key until you make one.",
                partner.name.as_str()
            ))
        }
        Err(StoreError::Conflict(_)) => Err(CatalogError::Taken {
            slug: partner.slug.to_string(),
            name: partner.name.as_str().to_owned(),
        }),
        Err(other) => Err(other.into()),
    }
}

pub async fn describe(
    store: &Store,
    admin_id: i64,
    slug: &Slug,
    description: &PartnerDescription,
) -> Result<String, CatalogError> {
    store.describe_partner(admin_id, slug, description, now_ms()).await?;
    tracing::info!(admin_id, partner = %slug, "admin changed a partner's description");
    Ok(format!(
        "Saved the new description of {}.",
        partner_name(store, slug).await?
    ))
}

/// Retires a partner: its API key stops working at once; existing grants and history keep it.
pub async fn retire(store: &Store, admin_id: i64, slug: &Slug) -> Result<String, CatalogError> {
    let retired = store.retire_partner(admin_id, slug, now_ms()).await?;
    let name = partner_name(store, slug).await?;
    if !retired {
        return Err(CatalogError::AlreadyRetired(name));
    }
    tracing::info!(admin_id, partner = %slug, "admin retired a partner");
    Ok(format!(
        "Retired {name}: its API key no longer works, and no new grant can name it."
    ))
}

/// A key just made, to be shown once and then forgotten.
pub struct NewKey {
    pub key: String,
    pub partner_name: String,
    pub change: KeyChange,
}

/// Gives the partner a new random key; its previous key stops working at once. Only the
/// key's hash is stored, so the answer to this call is the one time anyone sees it.
pub async fn new_key(store: &Store, admin_id: i64, slug: &Slug) -> Result<NewKey, CatalogError> {
    let key = crate::server::partner_api::new_partner_key();
    let change = store
        .replace_partner_key(admin_id, slug, &hash_token(&key), now_ms())
        .await?;
    let partner_name = partner_name(store, slug).await?;
    if change == KeyChange::PartnerRetired {
        return Err(CatalogError::Retired(partner_name));
    }
    tracing::info!(admin_id, partner = %slug, ?change, "admin gave a partner a new API key");
    Ok(NewKey {
        key,
        partner_name,
        change,
    })
}
