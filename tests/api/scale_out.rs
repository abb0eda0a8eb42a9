//! Several stateless app instances on one PostgreSQL: a revocation made through one is
//! enforced by every other at once.

use crate::helpers::{ALICE, Engine, spawn_app, spawn_second_instance};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_on_one_instance_is_denied_by_another_at_once_every_time() {
    let a = spawn_app(Engine::Postgres).await;
    let b = spawn_second_instance(&a).await;
    let cookie = a.sign_in(ALICE).await;
    let grant = a.grant_id("alice", "spotify", "messages", "read").await;
    let mut stale_allows = 0;
    for _ in 0..1000 {
        assert_eq!(a.revoke(&cookie, &[("grant", &grant.to_string())]).await.status(), 200);
        if b.decision("spotify", "alice", "messages", "read").await["decision"] != "deny" {
            stale_allows += 1;
        }
        assert_eq!(a.allow_again(&cookie, grant).await.status(), 200);
        assert_eq!(
            b.decision("spotify", "alice", "messages", "read").await["decision"],
            "allow"
        );
    }
    assert_eq!(stale_allows, 0);
}
