//! The demo's social side: friendships among the demo people, and the one request Alice finds
//! waiting. Each is made once, so a restart (or a person's answer) is never undone.

use crate::domain::access::Access::Read;
use crate::domain::demo_accounts::{DEMO_ACCOUNTS, DEMO_FRIENDSHIPS};
use crate::server::clock::now_ms;
use crate::server::storage::consent::requests::{AskedItem, NewRequest};
use crate::server::storage::{Store, StoreError};
use anyhow::Context;

/// The demo's friendships, made once: when Alice has no friends yet.
pub(super) async fn make_friends_once(store: &Store) -> anyhow::Result<()> {
    let handles: Vec<&str> = DEMO_FRIENDSHIPS.iter().flat_map(|(a, b)| [*a, *b]).collect();
    let ids = store.user_ids_by_handles(&handles).await?;
    let Some(&alice) = ids.get("alice") else {
        return Ok(());
    };
    if !store.friends_of(alice).await?.is_empty() {
        return Ok(());
    }
    for (a, b) in DEMO_FRIENDSHIPS {
        if let (Some(a), Some(b)) = (ids.get(*a), ids.get(*b)) {
            store.add_friendship(*a, *b, now_ms()).await?;
        }
    }
    Ok(())
}

/// Alice finds one request waiting at her first visit: The New York Times, which reads her
/// friends list, asks to read her posts too. Once she was ever asked, never again.
pub(super) async fn ask_alice_once(store: &Store) -> anyhow::Result<()> {
    let Some(alice) = store.user_by_email(DEMO_ACCOUNTS[0].0).await? else {
        return Ok(());
    };
    if store.was_ever_asked(alice.id).await? {
        return Ok(());
    }
    let catalog = store.catalog().await?;
    let items = [("friends", Read), ("posts", Read)]
        .into_iter()
        .map(|(category, access)| {
            Ok(AskedItem {
                category_id: catalog.category_id(category)?,
                access,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let request = NewRequest {
        user_id: alice.id,
        partner_id: catalog.partner_id("nytimes")?,
        items: &items,
        purpose: "to show you the articles your friends shared",
        duration_days: Some(90),
    };
    store
        .ask_consent(&request, now_ms())
        .await
        .context("Failed to seed the demo's consent request")?;
    Ok(())
}

/// The demo partner whose endpoint is down: nothing listens on port 9 here, so the demo shows
/// its events tried again and again.
pub const PARTNER_WITH_ENDPOINT_DOWN: &str = "yandex";

/// Points every demo partner without an endpoint at the demo's receiver, all but
/// `PARTNER_WITH_ENDPOINT_DOWN`. An endpoint an admin set is kept.
pub async fn point_partners_at(store: &Store, receiver: &str) -> anyhow::Result<()> {
    for partner in store.partners().await? {
        let endpoint = if partner.slug == PARTNER_WITH_ENDPOINT_DOWN {
            format!("http://127.0.0.1:9/events/{}", partner.slug)
        } else {
            format!("{}/events/{}", receiver.trim_end_matches('/'), partner.slug)
        };
        store.set_partner_endpoint_if_missing(&partner.slug, &endpoint).await?;
    }
    Ok(())
}
