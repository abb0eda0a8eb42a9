//! Integration tests: the real app on port 0 with its own fresh database, on SQLite and on
//! PostgreSQL, driven over HTTP as a browser or a partner would.

mod durability;
mod helpers;
mod history;
mod ledger;
mod outage;
mod partner_api;
mod revocation;
mod scale_out;
mod sessions;
mod sign_in;
mod web_security;
