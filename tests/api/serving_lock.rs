//! One server per SQLite store: it keeps grants in memory, so a second server on the same file
//! would answer from a cache the first one's revocations never reach. The second one refuses to
//! start and says why; once the first is gone, a server starts again.

use crate::helpers::TempSqliteFolder;
use crate::helpers::serve_args;
use who_can_see::server::app::Application;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_sqlite_store_refuses_to_start() {
    let folder = TempSqliteFolder::new();
    let url = folder.url();

    let first = Application::build(&url, serve_args(true))
        .await
        .expect("the first server starts");

    let refused = match Application::build(&url, serve_args(true)).await {
        Ok(_) => panic!("a second server started on the same store"),
        Err(error) => format!("{error:#}"),
    };
    assert!(refused.contains("already serving"), "{refused}");
    assert!(refused.contains("PostgreSQL"), "says what to do instead: {refused}");

    drop(first);
    Application::build(&url, serve_args(true))
        .await
        .expect("once the first server is gone, another one starts");
}
