//! Server functions the pages call. Each one is thin: check who is asking, parse the input
//! into domain types, call the store, shape the answer.

pub mod activity;
pub mod admin;
#[cfg(feature = "ssr")]
mod context;
pub mod dashboard;
pub mod error;
pub mod history;
pub mod page_request;
pub mod requests;
pub mod sessions;
pub mod signed_in;
pub mod support;
pub mod through_friends;
