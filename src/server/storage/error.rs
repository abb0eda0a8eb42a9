//! What can go wrong in the store, in the terms callers act on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The named thing does not exist (for this user).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A name in the request (partner, category) is not in the catalog, or it names nothing;
    /// the message says which.
    #[error("{0}")]
    UnknownName(String),
    /// A uniqueness rule was broken, e.g. an email that is already taken.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The database cannot be reached right now; nothing was written.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// The recorder did not commit what it was handed: it has stopped (the server is shutting
    /// down), or its write failed and was logged where it failed. Callers answer as for an
    /// unavailable store: nothing is known to be written.
    #[error("the recorder did not record this (it has stopped, or its write failed)")]
    NotRecorded,
    /// The read this check shared with others failed; it was logged once, where it failed.
    /// `unavailable`: the database could not be reached.
    #[error("the shared read of grants failed")]
    SharedReadFailed { unavailable: bool },
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(error)
            }
            // PostgreSQL ending the session (an administrator, a restart, a failover: class 57P)
            // or the connection failing (class 08) is the database away, not a fault.
            sqlx::Error::Database(ref db)
                if db
                    .code()
                    .is_some_and(|code| code.starts_with("57P") || code.starts_with("08")) =>
            {
                StoreError::Unavailable(error)
            }
            other => StoreError::Database(other),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Maps a unique-constraint violation to `Conflict`, right where the insert is written.
pub(super) fn conflict_on_unique(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => StoreError::from(error),
    }
}
