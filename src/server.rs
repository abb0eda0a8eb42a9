//! Server-only plumbing: configuration, state, sign-in, the partner API and storage.

pub mod app;
pub mod activity;
pub mod auth;
pub mod bench;
pub mod bench_floor;
pub mod body_limit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dashboard;
pub mod decision_recorder;
pub mod demo;
pub mod error;
pub mod expiry_sweeper;
pub mod export;
pub mod history;
pub mod load_seed;
pub mod partner_api;
pub mod security_headers;
pub mod session;
pub mod simulate;
pub mod state;
pub mod support;
pub mod storage;
