//! Partner events that come due while PostgreSQL is down wait for it: once it is back the
//! dispatcher sends them by itself, each with the `jti` of its first try, and a change refused
//! during the outage is never told. Uses a PostgreSQL cluster of its own.

use crate::helpers::{ALICE, serve_args};
use crate::notifications::settle_earlier_notifications;
use crate::notify_receiver::{Receiver, told_events};
use crate::own_cluster::OwnCluster;
use std::time::Duration;
use who_can_see::server::config::ServeArgs;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_due_during_a_database_outage_is_told_after_it_with_the_same_jti() {
    let cluster = OwnCluster::create();
    let app = cluster
        .serve(ServeArgs {
            allow_http_endpoints: true,
            ..serve_args(true)
        })
        .await;
    settle_earlier_notifications(&cluster.url()).await;
    let receiver = Receiver::start().await;
    // The first try finds the partner busy, so the second comes due in about 5 s.
    receiver.answer_with([(503, vec![], "busy")]);
    app.store
        .set_partner_endpoint("spotify", Some(&receiver.url))
        .await
        .unwrap();
    let cookie = app.sign_in(ALICE).await;
    let grant = app.grant_id("alice", "spotify", "messages", "read").await;
    let revoked = app.revoke(&cookie, &[("grant", &grant.to_string())]).await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(receiver.wait_for(1).await.len(), 1, "the first try comes at once");

    cluster.stop();
    let refused = app.revoke(&cookie, &[("partner", "spotify")]).await;
    assert_eq!(refused.status(), 503, "no change while the database is down");
    // The retry comes due while the database is down; the dispatcher cannot claim it.
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert_eq!(receiver.received().len(), 1, "nothing is sent without the database");

    cluster.start();
    let received = receiver.wait_for(2).await;
    assert_eq!(received.len(), 2, "the retry is sent once the database is back");
    let told = told_events(&received);
    assert_eq!(told[0], told[1], "one ledger event, told with the same jti both times");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        receiver.received().len(),
        2,
        "delivered once, and the refused change is never told"
    );
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "deny"
    );
}
