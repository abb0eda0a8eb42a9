//! Turning store errors into what a person or partner is told. Internal causes are logged
//! once, never shown.

use crate::server::storage::StoreError;

/// Logs the cause of an unexpected store error and says whether the database was unreachable.
pub fn log_store_error(error: &StoreError) -> bool {
    match error {
        StoreError::Unavailable(cause) => {
            tracing::warn!(error = %cause, "database unavailable");
            true
        }
        // Nothing is known to be written, so it is answered as an unavailable store; the
        // write's own failure, if there was one, was logged where it happened.
        StoreError::NotRecorded => {
            tracing::warn!(error = %error, "recorder unavailable");
            true
        }
        StoreError::SharedReadFailed { unavailable } => *unavailable,
        other => {
            tracing::error!(error = ?other, "store error");
            false
        }
    }
}
