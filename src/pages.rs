//! One file per page.

pub mod activity;
pub mod admin_new_key;
pub mod admin_partners;
pub mod dashboard;
pub mod history;
pub mod not_found;
pub mod requests;
pub mod sessions;
pub mod sign_in;
pub mod support_case;
pub mod support_search;
pub mod through_friends;
