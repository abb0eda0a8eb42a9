//! Integration tests: the real app on port 0 with its own fresh database, on SQLite and on
//! PostgreSQL, driven over HTTP as a browser or a partner would.

mod access_control;
mod activity;
mod admin;
mod bench_floor;
mod check_cache;
mod common_passwords;
mod concurrent_start;
mod durability;
mod expiry;
mod form_notices;
mod helpers;
mod history;
mod https_mode;
mod ledger;
mod ledger_upgrade;
mod load_seed;
mod log_injection;
mod outage;
mod partner_api;
mod partner_batch;
mod partner_keys;
mod partner_openapi;
mod revocation;
mod scale_out;
mod serving_lock;
mod sessions;
mod sign_in;
mod simulate;
mod static_files;
mod support;
mod throttle;
mod web_security;
