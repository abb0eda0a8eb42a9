//! The consent store. One `Store` works on SQLite and PostgreSQL alike: SQL is written once
//! with `$n` placeholders, which both engines accept, and times are Unix milliseconds.

pub mod activity;
pub mod activity_writer;
pub mod admin;
pub mod catalog;
pub mod count_log;
mod count_parts;
pub mod count_recovery;
pub mod error;
pub mod expiry;
pub mod grant_cache;
pub mod grants;
pub mod history;
pub mod key_cache;
pub mod ledger;
pub mod partner_checks;
pub mod pool;
pub mod recent_counts;
pub mod refusal_log;
pub mod serving_lock;
pub mod sessions;
pub(crate) mod sql_lists;
pub mod sqlite_priority;
pub mod support;
pub mod throttle;
pub mod users;

pub use error::StoreError;
pub use pool::{Engine, Store};
