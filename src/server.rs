//! Server-only plumbing: configuration, state, sign-in, the partner API and storage.

pub mod app;
pub mod auth;
pub mod bench;
pub mod body_limit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod error;
pub mod export;
pub mod history;
pub mod partner_api;
pub mod security_headers;
pub mod session;
pub mod state;
pub mod storage;
