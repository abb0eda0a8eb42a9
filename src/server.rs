//! Server-only code, in folders by purpose. Imports go one way: `app` and `cli` wire the rest;
//! the use cases, the partner API, recording and jobs use storage; storage uses only the domain.

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod http;
pub mod jobs;
pub mod metrics;
pub mod notify;
pub mod partner_api;
pub mod recording;
pub mod state;
pub mod storage;
pub mod tools;
pub mod use_cases;
