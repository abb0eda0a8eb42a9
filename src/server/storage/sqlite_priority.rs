//! `SELECT lower_thread_priority()`: lowers the priority of the thread that runs a SQLite
//! connection's statements (see `server::thread_priority`), and returns its nice value.
//!
//! sqlx runs each SQLite connection on a thread of its own, which the app cannot reach through
//! `AnyConnection`. The counts writer's thread folds counts and, once an hour under load, merges
//! an ended hour: seconds of one core (`scripts/bench-merge`), taken from the thread serving
//! checks at the same priority. A SQL function runs on that very thread, so the
//! writer lowers it by calling one. SQLite adds the function to every connection it opens once
//! `register` has run (an auto extension); only the counts writer calls it.

use crate::server::thread_priority::lower_calling_thread;
use libsqlite3_sys as ffi;
use std::ffi::{c_char, c_int};
use std::sync::OnceLock;

/// What the counts writer runs on its connection.
pub const LOWER_THREAD_PRIORITY: &str = "SELECT lower_thread_priority()";

/// Makes SQLite add the function to every connection opened from now on; idempotent.
pub fn register() -> Result<(), String> {
    static REGISTERED: OnceLock<c_int> = OnceLock::new();
    // SAFETY: `add_function` has the signature of an extension's entry point, and lives as long
    // as the program.
    let code = *REGISTERED.get_or_init(|| unsafe { ffi::sqlite3_auto_extension(Some(add_function)) });
    if code == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(format!("SQLite refused the auto extension (code {code})"))
    }
}

/// Called by SQLite for each new connection, on the thread that opens it.
unsafe extern "C" fn add_function(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: `db` is the connection SQLite is opening; the name is a static C string; the
    // function keeps no state (no user data, no destructor). DIRECTONLY: never from a trigger or
    // a view, only from SQL the app runs itself.
    unsafe {
        ffi::sqlite3_create_function_v2(
            db,
            c"lower_thread_priority".as_ptr(),
            0,
            ffi::SQLITE_UTF8 | ffi::SQLITE_DIRECTONLY,
            std::ptr::null_mut(),
            Some(lower_thread_priority),
            None,
            None,
            None,
        )
    }
}

unsafe extern "C" fn lower_thread_priority(
    context: *mut ffi::sqlite3_context,
    _argument_count: c_int,
    _arguments: *mut *mut ffi::sqlite3_value,
) {
    let nice = lower_calling_thread();
    // SAFETY: `context` is the one SQLite passed for this call.
    unsafe { ffi::sqlite3_result_int(context, nice) };
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::server::thread_priority::{BULK_WORK_NICE, nice_of_calling_thread};
    use sqlx::{Connection, SqliteConnection};

    #[tokio::test]
    async fn lowers_the_thread_that_runs_the_connections_statements_not_the_callers() {
        register().expect("registered");
        let mut connection = SqliteConnection::connect("sqlite::memory:").await.expect("opened");
        let nice: i32 = sqlx::query_scalar(LOWER_THREAD_PRIORITY)
            .fetch_one(&mut connection)
            .await
            .expect("the function exists on a connection opened after `register`");
        assert_eq!(nice, BULK_WORK_NICE);
        assert!(
            nice_of_calling_thread() < BULK_WORK_NICE,
            "the caller's thread is untouched"
        );
    }

    #[tokio::test]
    async fn is_not_for_triggers() {
        register().expect("registered");
        let mut connection = SqliteConnection::connect("sqlite::memory:").await.expect("opened");
        let created = sqlx::raw_sql(
            "CREATE TABLE t (x); \
             CREATE TRIGGER lower AFTER INSERT ON t BEGIN SELECT lower_thread_priority(); END; \
             INSERT INTO t VALUES (1);",
        )
        .execute(&mut connection)
        .await;
        assert!(created.is_err(), "a trigger may not call it");
    }
}
