//! Partner API keys: made at random, stored only as a hash, shown once.

use crate::server::auth::session::{hash_token, new_token};
use crate::server::storage::{Store, StoreError};

/// Why a key could not be made.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("There is no partner called \u{201c}{slug}\u{201d}. Partners: {known}.")]
    UnknownPartner { slug: String, known: String },
    #[error("{slug} is retired, so it cannot have an API key.")]
    RetiredPartner { slug: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new partner API key: a prefix secret scanners and people recognise, then 256 random bits.
pub fn new_partner_key() -> String {
    format!("wcs_{}", new_token())
}

/// Gives the partner a new random key and returns it; its previous key stops working at once.
/// Only the key's hash is stored, so this is the one time anyone sees it.
pub async fn rotate_key(store: &Store, partner_slug: &str) -> Result<String, KeyError> {
    let key = new_partner_key();
    match store.set_partner_key_hash(partner_slug, &hash_token(&key)).await {
        Ok(()) => Ok(key),
        Err(StoreError::NotFound(_)) => {
            let catalog = store.partner_catalog().await?;
            let slug: String = partner_slug.chars().take(60).collect();
            if catalog.iter().any(|p| p.slug == partner_slug && p.retired_at.is_some()) {
                return Err(KeyError::RetiredPartner { slug });
            }
            let known = catalog
                .iter()
                .filter(|p| p.retired_at.is_none())
                .map(|p| p.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            Err(KeyError::UnknownPartner { slug, known })
        }
        Err(other) => Err(other.into()),
    }
}
