//! Who is asking: signing in and out, and the sessions that follow.

mod audit;
pub mod session;
pub mod sign_in;
pub mod sign_in_address;
