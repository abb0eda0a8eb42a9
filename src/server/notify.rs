//! Telling partners of consent changes: the platform's signing keys, the outbox dispatcher that
//! pushes each change as a signed Security Event Token, and the rules of a try.

pub mod delivery;
pub mod dispatcher;
pub mod endpoint;
pub mod signing_keys;
pub mod verify;
