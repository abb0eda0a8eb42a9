//! The admin's work on partners' event endpoints: set one (checked as the dispatcher would
//! check it before every try), send a test event and say how the partner answered, turn one off.
//! Each is recorded with the admin, and answers with the sentence the admin is told.

use super::admin::{CatalogError, partner_name};
use crate::domain::slug::Slug;
use crate::server::clock::now_ms;
use crate::server::notify::delivery::Outcome;
use crate::server::notify::dispatcher::Dispatcher;
use crate::server::notify::endpoint::{check_addresses, parse_endpoint};
use crate::server::storage::Store;

pub async fn set_endpoint(
    store: &Store,
    dispatcher: &Dispatcher,
    admin_id: i64,
    slug: &Slug,
    endpoint: &str,
) -> Result<String, CatalogError> {
    let name = partner_name(store, slug).await?;
    let endpoint = endpoint.trim();
    let url = parse_endpoint(endpoint, dispatcher.policy()).map_err(|e| CatalogError::BadEndpoint(e.to_string()))?;
    check_addresses(&url, dispatcher.policy())
        .await
        .map_err(|e| CatalogError::BadEndpoint(e.to_string()))?;
    store.admin_set_endpoint(admin_id, slug, url.as_str(), now_ms()).await?;
    tracing::info!(admin_id, partner = %slug, "admin set a partner's event endpoint");
    Ok(format!(
        "{name} is told of consent changes at {url} from now on; events that waited are sent there."
    ))
}

pub async fn turn_off_endpoint(store: &Store, admin_id: i64, slug: &Slug) -> Result<String, CatalogError> {
    let name = partner_name(store, slug).await?;
    if !store.admin_turn_off_endpoint(admin_id, slug, now_ms()).await? {
        return Err(CatalogError::NoEndpoint(name));
    }
    tracing::info!(admin_id, partner = %slug, "admin turned off a partner's events");
    Ok(format!(
        "Turned off events to {name}: they wait until its endpoint is saved again. Its checks still answer by every change."
    ))
}

/// Sends a signed test event to the partner's endpoint now, and says how it answered.
pub async fn send_test_event(
    store: &Store,
    dispatcher: &Dispatcher,
    admin_id: i64,
    slug: &Slug,
) -> Result<String, CatalogError> {
    let name = partner_name(store, slug).await?;
    let endpoint = store
        .partner_endpoints()
        .await?
        .remove(slug.as_str())
        .and_then(|record| record.endpoint)
        .ok_or_else(|| CatalogError::BadEndpoint(format!("{name} has no event endpoint to test. Save one first.")))?;
    let result = match dispatcher.send_test(slug.as_str(), &endpoint, now_ms()).await {
        Outcome::Delivered => format!("{name} confirmed the test event (202)."),
        Outcome::Gone => format!("{name}'s endpoint answered 410 Gone: it no longer takes events."),
        Outcome::Refused(error) => format!("{name} refused the test event: {error}."),
        Outcome::Retry { error, .. } => format!("{name} did not confirm the test event: {error}."),
    };
    store.record_endpoint_test(admin_id, slug, &result, now_ms()).await?;
    Ok(result)
}
