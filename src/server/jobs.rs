//! Background tasks of a running server.

pub mod cache_warmer;
pub mod expiry_sweeper;
pub mod key_refresher;
