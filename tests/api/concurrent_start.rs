//! Pages keep rendering while another server starts in the same process (as instances of these
//! tests do, and as an embedding program could). Working out the page routes renders the app
//! with data loading switched off for the whole process; a page that began loading its data in
//! that moment used to wait forever.

use crate::helpers::{ALICE, Engine, serve_args, spawn_app};
use std::time::Duration;
use who_can_see::server::app::Application;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_servers_start_in_the_same_process() {
    let app = spawn_app(Engine::Postgres).await;
    let cookie = app.sign_in(ALICE).await;

    let database_url = app.database_url.clone();
    let starter = tokio::spawn(async move {
        let mut started = 0;
        for _ in 0..150 {
            // Built and dropped: starting is what matters, not serving.
            Application::build(&database_url, serve_args(false))
                .await
                .expect("another instance builds");
            started += 1;
        }
        started
    });

    let mut pages = 0;
    while !starter.is_finished() {
        let page = tokio::time::timeout(Duration::from_secs(10), async {
            let response = app.dashboard(&cookie).await;
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        })
        .await
        .expect("the dashboard finished rendering while another server was starting");
        assert!(page.contains("Spotify"), "the dashboard lists the partners");
        pages += 1;
    }
    assert_eq!(starter.await.unwrap(), 150);
    assert!(pages > 0, "at least one page was asked for while servers started");
}
