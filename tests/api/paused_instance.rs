//! An instance that was paused (SIGSTOP), or lost its database connections, while access was
//! taken back on another: when it returns, it answers from the database, never from before.

use crate::fresh_checks::{Referee, ask, client, until_acknowledged};
use crate::helpers::{ALICE, Engine, TestApp, spawn_app};
use crate::real_server::{sign_in, start_server};
use std::process::{Child, Command};
use std::time::Duration;

/// The real binary, killed when the test ends even if it fails (a paused one too).
struct Instance {
    child: Child,
    address: String,
}

impl Instance {
    fn start(app: &TestApp) -> Self {
        let (child, address) = start_server(&app.database_url);
        Instance { child, address }
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Alice's first grant taken back (or given again) on `a`, acknowledged.
async fn on_a(a: &TestApp, cookie: &str, referee: &Referee, path: &str) {
    let form = [("grant", referee.grants[0].id.to_string())];
    until_acknowledged(&a.client, &a.address, cookie, path, &form).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_instance_answers_from_after_the_revocation() {
    let a = spawn_app(Engine::Postgres).await;
    let b = Instance::start(&a);
    let referee = Referee::for_alice(&a).await;
    let cookie = a.sign_in(ALICE).await;
    let client = client();
    for round in 0..4 {
        assert_eq!(
            ask(&client, &b.address, &referee, 0).await,
            (200, Some(true)),
            "round {round}"
        );
        b.signal("STOP");
        on_a(&a, &cookie, &referee, "/api/revoke").await;
        // Sent after the acknowledgement, it waits in the paused instance's socket.
        let waiting = {
            let (client, address, referee) = (client.clone(), b.address.clone(), referee.clone());
            tokio::spawn(async move { ask(&client, &address, &referee, 0).await })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "the paused instance answered nothing");
        b.signal("CONT");
        assert_eq!(
            waiting.await.unwrap(),
            (200, Some(false)),
            "round {round}: the waiting check"
        );
        assert_eq!(ask(&client, &b.address, &referee, 0).await, (200, Some(false)));
        on_a(&a, &cookie, &referee, "/api/allow-again").await;
        assert_eq!(ask(&client, &b.address, &referee, 0).await, (200, Some(true)));
    }
}

/// Ends every connection to the app's database but this one, as a PostgreSQL administrator
/// (or a failover) would.
async fn cut_connections(app: &TestApp) -> u64 {
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let cut: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    cut.len() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_that_lost_its_connections_answers_from_after_the_revocation() {
    let a = spawn_app(Engine::Postgres).await;
    let b = Instance::start(&a);
    let referee = Referee::for_alice(&a).await;
    let client = client();
    let cookie = sign_in(&client, &a.address, ALICE.0, ALICE.1).await;
    for round in 0..3 {
        assert_eq!(
            ask(&client, &b.address, &referee, 0).await,
            (200, Some(true)),
            "round {round}"
        );
        assert!(cut_connections(&a).await >= 2, "both instances held connections");
        on_a(&a, &cookie, &referee, "/api/revoke").await;
        let mut unavailable = 0;
        loop {
            match ask(&client, &b.address, &referee, 0).await {
                (200, Some(allowed)) => {
                    assert!(!allowed, "round {round}: allowed what was taken back");
                    break;
                }
                _ => unavailable += 1,
            }
            assert!(unavailable < 100, "the instance did not reconnect by itself");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        on_a(&a, &cookie, &referee, "/api/allow-again").await;
        assert_eq!(ask(&client, &b.address, &referee, 0).await, (200, Some(true)));
    }
}
