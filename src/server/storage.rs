//! Storage. One `Store` works on SQLite and PostgreSQL alike: SQL is written once with `$n`
//! placeholders, which both engines accept, and times are Unix milliseconds. `consent` holds
//! the consent store; `activity` what partners did with their access.

pub mod activity;
pub mod consent;
pub mod error;
mod health;
pub mod pool;
pub mod serving_lock;
pub(crate) mod sql_lists;
mod sql_types;

pub use error::StoreError;
pub use pool::{Engine, Store};
