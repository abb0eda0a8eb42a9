//! Delivery under a clock the test controls: tries follow the Standard Webhooks schedule and
//! the partner's answers (Retry-After, redirects not followed, a 400 with an RFC 8935 code is
//! final, 410 turns the endpoint off, no answer within the timeout is tried again), every try
//! carries the same `jti`, and a sender that dies holding a notification leaves it to the next
//! after its lease.

use crate::helpers::{Engine, empty_database, test_signing_keys_file};
use crate::notifications::settle_earlier_notifications;
use crate::notify_receiver::Receiver;
use serde_json::Value;
use std::sync::Arc;
use who_can_see::domain::revocation::RevocationScope;
use who_can_see::server::clock::now_ms;
use who_can_see::server::notify::dispatcher::Dispatcher;
use who_can_see::server::notify::endpoint::EndpointPolicy;
use who_can_see::server::notify::signing_keys::SigningKeys;
use who_can_see::server::storage::Store;
use who_can_see::server::storage::consent::grants::Actor;
use who_can_see::server::storage::consent::outbox::LEASE_MS;
use who_can_see::server::tools::demo;

/// A store with the demo data, nothing told yet, and Alice's grant of `partner` on `category`.
async fn store_with_demo(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    demo::seed(&store).await.unwrap();
    settle_earlier_notifications(url).await;
    store
}

async fn alice_withdraws(store: &Store, url: &str, partner: &str, category: &str) {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let (alice, grant): (i64, i64) = sqlx::query_as(
        "SELECT g.user_id, g.id FROM grants g JOIN users u ON u.id = g.user_id JOIN partners p ON p.id = g.partner_id \
         JOIN categories c ON c.id = g.category_id WHERE u.handle = 'alice' AND p.slug = $1 AND c.slug = $2 \
         AND g.access = 'read' AND g.status = 'active'",
    )
    .bind(partner)
    .bind(category)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    store
        .revoke(alice, &RevocationScope::Grant(grant), Actor::User(alice), now_ms())
        .await
        .unwrap();
}

fn jti(received: &str) -> String {
    let payload = received.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).unwrap(),
    )
    .unwrap();
    claims["jti"].as_str().unwrap().to_owned()
}

async fn tries_follow_the_schedule_and_the_answers(engine: Engine) {
    let database = empty_database(engine).await;
    let store = store_with_demo(&database.url).await;
    let receiver = Receiver::start().await;
    store.set_partner_endpoint("amazon", Some(&receiver.url)).await.unwrap();
    let keys = Arc::new(SigningKeys::load_or_create(&test_signing_keys_file(), 0).unwrap());
    let policy = EndpointPolicy {
        allow_http_loopback: true,
    };
    let dispatcher = Dispatcher::new(store.clone(), keys, "https://wcs.test".into(), policy).unwrap();

    // Busy, try again in 30 s; then it is taken.
    alice_withdraws(&store, &database.url, "amazon", "contacts").await;
    let t0 = now_ms();
    receiver.answer_with([(503, vec![("retry-after", "30")], ""), (202, vec![], "")]);
    assert_eq!(dispatcher.send_due(t0).await.unwrap(), 1);
    assert_eq!(
        dispatcher.send_due(t0 + 10_000).await.unwrap(),
        0,
        "not before 5 s, nor before Retry-After"
    );
    assert_eq!(dispatcher.send_due(t0 + 30_000).await.unwrap(), 1);
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(jti(&got[0].body), jti(&got[1].body), "every try carries the same jti");
    assert_eq!(store.notification_states("amazon").await.unwrap(), ["delivered"]);

    // A redirect is not followed; a 400 with an RFC 8935 code is final.
    alice_withdraws(&store, &database.url, "amazon", "friends").await;
    receiver.answer_with([
        (307, vec![("location", "/moved")], ""),
        (
            400,
            vec![("content-type", "application/json")],
            r#"{"err":"invalid_audience","description":"not us"}"#,
        ),
    ]);
    let t1 = t0 + 60_000;
    assert_eq!(dispatcher.send_due(t1).await.unwrap(), 1);
    assert_eq!(
        dispatcher.send_due(t1 + 6_000).await.unwrap(),
        1,
        "tried again 5 s later"
    );
    assert_eq!(
        dispatcher.send_due(t1 + 86_400_000).await.unwrap(),
        0,
        "refused for good"
    );
    assert!(
        receiver.received().iter().all(|r| r.path == "/events"),
        "the redirect was not followed"
    );
    let states = store.notification_states("amazon").await.unwrap();
    assert!(states.contains(&"failed".to_owned()), "{states:?}");
}

#[tokio::test]
async fn tries_follow_the_schedule_and_the_answers_sqlite() {
    tries_follow_the_schedule_and_the_answers(Engine::Sqlite).await;
}

#[tokio::test]
async fn tries_follow_the_schedule_and_the_answers_postgres() {
    tries_follow_the_schedule_and_the_answers(Engine::Postgres).await;
}

async fn a_gone_endpoint_waits_and_a_dead_sender_loses_nothing(engine: Engine) {
    let database = empty_database(engine).await;
    let store = store_with_demo(&database.url).await;
    let receiver = Receiver::start().await;
    store.set_partner_endpoint("apple", Some(&receiver.url)).await.unwrap();
    let keys = Arc::new(SigningKeys::load_or_create(&test_signing_keys_file(), 0).unwrap());
    let policy = EndpointPolicy {
        allow_http_loopback: true,
    };
    let dispatcher = Dispatcher::new(store.clone(), keys, "https://wcs.test".into(), policy).unwrap();

    // 410: the endpoint is disabled; nothing is sent until it is set again.
    alice_withdraws(&store, &database.url, "apple", "contacts").await;
    let t0 = now_ms();
    receiver.answer_with([(410, vec![], "")]);
    assert_eq!(dispatcher.send_due(t0).await.unwrap(), 1);
    assert_eq!(
        dispatcher.send_due(t0 + 86_400_000).await.unwrap(),
        0,
        "disabled after 410"
    );
    store.set_partner_endpoint("apple", Some(&receiver.url)).await.unwrap();
    assert_eq!(
        dispatcher.send_due(t0 + 1).await.unwrap(),
        1,
        "turned on again, it is sent"
    );
    assert_eq!(store.notification_states("apple").await.unwrap(), ["delivered"]);

    // A sender claims a notification and dies before settling it: after its lease another sends it.
    alice_withdraws(&store, &database.url, "apple", "calendar").await;
    let t1 = now_ms();
    let claimed = store.claim_due_notifications(t1, 50).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(dispatcher.send_due(t1 + 1).await.unwrap(), 0, "held by the dead sender");
    assert_eq!(dispatcher.send_due(t1 + LEASE_MS).await.unwrap(), 1);
    let last = receiver.received().pop().unwrap();
    assert_eq!(jti(&last.body), claimed[0].jti, "the same jti as the dead sender's try");
}

#[tokio::test]
async fn a_gone_endpoint_waits_and_a_dead_sender_loses_nothing_sqlite() {
    a_gone_endpoint_waits_and_a_dead_sender_loses_nothing(Engine::Sqlite).await;
}

#[tokio::test]
async fn a_gone_endpoint_waits_and_a_dead_sender_loses_nothing_postgres() {
    a_gone_endpoint_waits_and_a_dead_sender_loses_nothing(Engine::Postgres).await;
}

/// A partner that takes the connection and never answers: the try gives up after its timeout
/// and the notification waits for the next try, 5 s on.
#[tokio::test]
async fn a_partner_that_never_answers_is_tried_again_later() {
    let database = empty_database(Engine::Sqlite).await;
    let store = store_with_demo(&database.url).await;
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}/events", silent.local_addr().unwrap());
    let holding = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((connection, _)) = silent.accept().await {
            held.push(connection);
        }
    });
    store.set_partner_endpoint("amazon", Some(&endpoint)).await.unwrap();
    let keys = Arc::new(SigningKeys::load_or_create(&test_signing_keys_file(), 0).unwrap());
    let policy = EndpointPolicy {
        allow_http_loopback: true,
    };
    let dispatcher = Dispatcher::new(store.clone(), keys, "https://wcs.test".into(), policy)
        .unwrap()
        .with_try_timeout(std::time::Duration::from_millis(500))
        .unwrap();

    alice_withdraws(&store, &database.url, "amazon", "contacts").await;
    let t0 = now_ms();
    let started = std::time::Instant::now();
    assert_eq!(dispatcher.send_due(t0).await.unwrap(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "the try gave up");
    let pool = sqlx::AnyPool::connect(&database.url).await.unwrap();
    let (state, tries, error, next_try_at): (String, i64, Option<String>, i64) = sqlx::query_as(
        "SELECT n.state, n.tries, n.last_error, n.next_try_at FROM notifications n \
         JOIN partners p ON p.id = n.partner_id WHERE p.slug = 'amazon' AND n.tries > 0",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert_eq!((state.as_str(), tries), ("pending", 1));
    assert_eq!(error.as_deref(), Some("no answer within 0.5 s"));
    assert!(next_try_at >= t0 + 5_000, "the next try waits 5 s");
    assert_eq!(dispatcher.send_due(t0 + 1_000).await.unwrap(), 0);
    holding.abort();
}
