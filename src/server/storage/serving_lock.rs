//! One server process per SQLite store: it keeps the grants in memory and forgets a user's
//! grants whenever it writes them, which a second server on the same file could not know about.
//! The first server holds an exclusive lock on `<store>.serving` for as long as it runs; a second
//! one refuses to start and says why. The operating system drops the lock when the process ends,
//! however it ends, so a crash never leaves a stale lock behind.

use super::pool::sqlite_file;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

/// Held while the server runs; dropping it lets another server start.
#[derive(Debug)]
pub struct ServingLock {
    _file: Option<File>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServingLockError {
    #[error(
        "Another Who Can See server is already serving {store}. On SQLite one server process \
         serves a store (it keeps grants in memory); stop the other one, or use PostgreSQL to \
         run several instances."
    )]
    AlreadyServed { store: String },
    #[error("Failed to lock {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// Takes the lock of the SQLite store `database_url` names; PostgreSQL and in-memory stores
/// need none.
pub fn lock_for_serving(database_url: &str) -> Result<ServingLock, ServingLockError> {
    let Some(store) = database_url
        .starts_with("sqlite:")
        .then(|| sqlite_file(database_url))
        .flatten()
    else {
        return Ok(ServingLock { _file: None });
    };
    let mut lock_path = PathBuf::from(store).into_os_string();
    lock_path.push(".serving");
    let lock_path = PathBuf::from(lock_path);
    let io_error = |source| ServingLockError::Io {
        path: lock_path.display().to_string(),
        source,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io_error)?;
    match file.try_lock() {
        Ok(()) => Ok(ServingLock { _file: Some(file) }),
        Err(TryLockError::WouldBlock) => Err(ServingLockError::AlreadyServed {
            store: store.display().to_string(),
        }),
        Err(TryLockError::Error(source)) => Err(io_error(source)),
    }
}
