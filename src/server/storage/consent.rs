//! The consent store: people, sessions, the partner catalog, grants and their ledger, and the
//! caches the partner check reads them through.

pub mod admin;
pub mod admin_endpoints;
pub mod catalog;
pub mod catalog_entry;
pub mod expiry;
pub mod friend_cache;
pub mod friend_refusals;
pub mod friends;
pub mod grant_cache;
pub mod grants;
pub mod history;
pub mod key_cache;
pub mod ledger;
pub mod outbox;
pub mod partner_checks;
pub mod request_decisions;
pub mod request_reads;
pub mod requests;
pub mod revocation;
pub mod sessions;
pub mod shared_grant_reads;
pub mod support;
pub mod throttle;
pub mod told;
pub mod unused;
pub mod user_cache;
pub mod users;
pub mod write_tx;
