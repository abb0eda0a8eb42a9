//! Demo data that mirrors the 2018 reports: who could reach what, and why.

pub mod social;

use crate::domain::access::Access::{self, Delete, Read, Write};
use crate::domain::credentials::{Email, NewPassword};
use crate::domain::demo_accounts::{DEMO_ACCOUNTS, DEMO_FRIENDS, DEMO_STAFF};
use crate::server::auth::session::hash_token;
use crate::server::auth::sign_in::hash_password;
use crate::server::clock::{date_ms, now_ms};
use crate::server::storage::consent::grants::{Actor, NewGrant};
use crate::server::storage::consent::users::NewUser;
use crate::server::storage::{Store, StoreError};
use anyhow::Context;
use std::collections::HashMap;

struct DemoGrant {
    partner: &'static str,
    category: &'static str,
    accesses: &'static [Access],
    purpose: &'static str,
    since: (i32, u8, u8),
    /// The day the grant ran out by itself, for the grants that were given for a while.
    until: Option<(i32, u8, u8)>,
}

const DEMO_GRANTS: &[DemoGrant] = &[
    DemoGrant {
        partner: "spotify",
        category: "messages",
        accesses: &[Read, Write, Delete],
        purpose: "Send and read messages from inside Spotify, such as a message linking to a song",
        until: None,
        since: (2016, 3, 14),
    },
    DemoGrant {
        partner: "netflix",
        category: "messages",
        accesses: &[Read],
        purpose: "Recommend shows to friends in messages from inside Netflix",
        until: None,
        since: (2014, 9, 2),
    },
    DemoGrant {
        partner: "rbc",
        category: "messages",
        accesses: &[Read],
        purpose: "Send money to friends through messages",
        until: None,
        since: (2015, 6, 10),
    },
    DemoGrant {
        partner: "bing",
        category: "friends",
        accesses: &[Read],
        purpose: "Show your friends' names next to search results",
        until: None,
        since: (2010, 10, 13),
    },
    DemoGrant {
        partner: "amazon",
        category: "contacts",
        accesses: &[Read],
        purpose: "Sync your contacts on an Amazon tablet",
        until: None,
        since: (2013, 4, 20),
    },
    DemoGrant {
        partner: "amazon",
        category: "friends",
        accesses: &[Read],
        purpose: "Find your friends' contact details through your friends list",
        until: None,
        since: (2013, 4, 20),
    },
    DemoGrant {
        partner: "yandex",
        category: "profile",
        accesses: &[Read],
        purpose: "Match your user ID with search results",
        until: None,
        since: (2013, 1, 15),
    },
    DemoGrant {
        partner: "yandex",
        category: "friends",
        accesses: &[Read],
        purpose: "Suggest your friends' pages in search results",
        until: Some((2017, 12, 31)),
        since: (2013, 1, 15),
    },
    DemoGrant {
        partner: "apple",
        category: "contacts",
        accesses: &[Read],
        purpose: "Show your friends' contacts on Apple devices",
        until: None,
        since: (2012, 9, 19),
    },
    DemoGrant {
        partner: "apple",
        category: "calendar",
        accesses: &[Read],
        purpose: "Show your friends' calendar entries on Apple devices",
        until: None,
        since: (2012, 9, 19),
    },
    DemoGrant {
        partner: "yahoo",
        category: "posts",
        accesses: &[Read],
        purpose: "Show your friends' posts in Yahoo's news feed",
        until: None,
        since: (2010, 12, 1),
    },
    DemoGrant {
        partner: "nytimes",
        category: "friends",
        accesses: &[Read],
        purpose: "Show which of your friends read an article",
        until: None,
        since: (2011, 8, 1),
    },
];

/// The demo key of a partner: fine for a demo, printed at start-up, never for production.
pub fn demo_key(partner_slug: &str) -> String {
    format!("demo-key-{partner_slug}")
}

/// A handle made from the email's local part: lowercase letters, digits and dashes.
fn handle_for(email: &Email) -> String {
    let handle: String = email
        .local_part()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    if handle.trim_matches('-').is_empty() {
        "user".to_owned()
    } else {
        handle
    }
}

/// Creates a user holding the demo grants; returns their handle.
pub async fn add_demo_user(store: &Store, email: &str, password: &str, name: &str) -> anyhow::Result<String> {
    let (user_id, handle) = add_user(store, email, password, name).await?;
    give_demo_grants(store, user_id).await?;
    Ok(handle)
}

/// Creates a user who holds nothing yet; returns their id and handle.
pub async fn add_user(store: &Store, email: &str, password: &str, name: &str) -> anyhow::Result<(i64, String)> {
    let email = Email::parse(email)?;
    let password = NewPassword::parse(password)?;
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= 100,
        "Give a name of 1 to 100 characters."
    );
    let handle = handle_for(&email);
    let password_hash = hash_password(password.expose())?;
    let user_id = store
        .create_user(&NewUser {
            handle: &handle,
            email: email.as_str(),
            display_name: name,
            password_hash: &password_hash,
            created_at: now_ms(),
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => anyhow::anyhow!("An account with that email or handle already exists."),
            other => anyhow::Error::new(other),
        })?;
    Ok((user_id, handle))
}

/// Gives a user the grants of the 2018 reports.
async fn give_demo_grants(store: &Store, user_id: i64) -> anyhow::Result<()> {
    // Given oldest first, so the ledger's order is also the order of the dates.
    let mut grants: Vec<&DemoGrant> = DEMO_GRANTS.iter().collect();
    grants.sort_by_key(|grant| grant.since);
    for grant in grants {
        let (year, month, day) = grant.since;
        for access in grant.accesses {
            let new_grant = NewGrant {
                user_id,
                partner_slug: grant.partner,
                category_slug: grant.category,
                access: *access,
                purpose: grant.purpose,
                granted_at: date_ms(year, month, day),
                expires_at: grant.until.map(|(year, month, day)| date_ms(year, month, day)),
            };
            store
                .give_grant(&new_grant, Actor::User(user_id))
                .await
                .context("Failed to give a demo grant")?;
        }
    }
    // Grants given for a while have run out since: the ledger says so at once.
    store.record_expiries(now_ms()).await?;
    Ok(())
}

/// Seeds the demo accounts (once) and a demo key for each partner without a key, and prints
/// the keys that are demo keys.
pub async fn seed(store: &Store) -> anyhow::Result<()> {
    for (email, password, name) in DEMO_ACCOUNTS {
        if store.user_by_email(email).await?.is_none() {
            add_demo_user(store, email, password, name).await?;
        }
        for (email, password, name, role) in DEMO_STAFF {
            if store.user_by_email(email).await?.is_none() {
                let (user_id, _) = add_user(store, email, password, name).await?;
                store.set_role(user_id, *role).await?;
            }
        }
    }
    for (email, password, name) in DEMO_FRIENDS {
        if store.user_by_email(email).await?.is_none() {
            add_user(store, email, password, name).await?;
        }
    }
    social::make_friends_once(store).await?;
    social::ask_alice_once(store).await?;
    // A partner that has a key keeps it: a key made with `partner-key create` survives restarts.
    let partners = store.partners().await?;
    for partner in &partners {
        store
            .set_partner_key_hash_if_missing(&partner.slug, &hash_token(&demo_key(&partner.slug)))
            .await?;
    }
    let key_hashes: HashMap<String, Option<String>> = store.partner_key_hashes().await?.into_iter().collect();
    let has_demo_key = |slug: &str| key_hashes.get(slug).cloned().flatten() == Some(hash_token(&demo_key(slug)));
    let keys: Vec<String> = partners
        .iter()
        .filter(|p| has_demo_key(&p.slug))
        .map(|p| format!("  {:<22} {}", p.name, demo_key(&p.slug)))
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    println!(
        "Demo partner API keys (development only):\n{}\nDemo platform key (friendships API): {}",
        keys.join("\n"),
        demo_key("platform")
    );
    Ok(())
}
