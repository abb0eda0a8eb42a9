//! Types and rules shared by browser and server. Nothing here knows about HTTP or SQL.

pub mod access;
pub mod activity;
pub mod admin;
pub mod consent_request;
pub mod credentials;
pub mod dashboard;
pub mod decision;
pub mod demo_accounts;
pub mod friends_view;
pub mod friendship;
pub mod history;
pub mod ledger_hash;
pub mod next_page;
pub mod partner_entry;
pub mod request_decision;
pub mod request_status;
pub mod request_view;
pub mod revocation;
pub mod role;
pub mod security_event;
pub mod slug;
pub mod support;
pub mod throttle;
pub mod through_friends;
pub mod unused;
pub mod wording;
