//! What people and staff do through the pages: each module assembles a page from the store or
//! carries out one action, whatever the transport.

pub mod activity;
pub mod admin;
pub mod admin_endpoints;
pub mod dashboard;
pub mod export;
pub mod history;
pub mod receipt;
pub mod requests;
pub mod support;
pub mod through_friends;
