//! PostgreSQL restarts while people take access back and give it again on one instance and
//! partners check on two: the instances recover by themselves and nothing stale is allowed.
//! Uses a cluster of the test's own, never the machine's shared server.

use crate::fresh_checks::{Load, Referee, ask, assert_fresh, client};
use crate::helpers::serve_args;
use crate::own_cluster::OwnCluster;
use std::time::{Duration, Instant};

/// Waits until the instance at `address` answers a check again (200), or fails after 30 s.
async fn until_answering(client: &reqwest::Client, address: &str, referee: &Referee) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while ask(client, address, referee, 0).await.0 != 200 {
        assert!(Instant::now() < deadline, "{address} did not recover by itself");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_mid_load_allows_nothing_stale_and_the_instances_recover() {
    let cluster = OwnCluster::create();
    let a = cluster.serve(serve_args(true)).await;
    let b = cluster.serve(serve_args(false)).await;
    let referee = Referee::for_alice(&a).await;
    let checkers: Vec<String> = (0..6)
        .map(|seed| {
            if seed % 3 == 0 {
                a.address.clone()
            } else {
                b.address.clone()
            }
        })
        .collect();
    let load = Load::start(&referee, &a.address, &checkers);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let judged_before = referee.count(&referee.tally.judged_taken_back);

    cluster.stop();
    tokio::time::sleep(Duration::from_secs(1)).await;
    cluster.start();
    let client = client();
    until_answering(&client, &a.address, &referee).await;
    until_answering(&client, &b.address, &referee).await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    load.stop().await;
    assert!(referee.count(&referee.tally.unavailable) > 0, "checks met the outage");
    assert!(
        referee.count(&referee.tally.judged_taken_back) > judged_before + 20,
        "revocations went on being judged after the restart"
    );
    assert_fresh(&referee, 100);
}
