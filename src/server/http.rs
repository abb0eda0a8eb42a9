//! HTTP plumbing every route shares: headers, cookies, the body limit, static files, and what
//! a plain form post tells the page it returns to.

pub mod body_limit;
pub mod cookies;
pub mod form_notices;
pub mod form_problems;
pub mod health;
pub mod security_headers;
pub mod static_files;
