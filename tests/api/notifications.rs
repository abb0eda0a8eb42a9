//! Partners are told of every consent change: one notification per change, written with it
//! (outbox), pushed as a Security Event Token signed with the platform's Ed25519 key (RFC 8417,
//! RFC 8935), verified here with an independent JOSE library against the platform's JWKS, and
//! retried on the schedule, under a clock the test controls, with the same `jti` every time.

use crate::helpers::{ALICE, Engine, TestApp, empty_database, serve_args, spawn_app_with, test_signing_keys_file};
use crate::notify_receiver::Receiver;
use crate::on_both_engines;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
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

const WITHDRAWN: &str = "urn:who-can-see:secevent:consent-withdrawn";

/// Only what happens from here on is sent: the demo's earlier changes count as told.
pub async fn settle_earlier_notifications(database_url: &str) {
    let pool = sqlx::AnyPool::connect(database_url).await.unwrap();
    sqlx::query("UPDATE notifications SET state = 'delivered'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// Verifies `token` as a partner would, with the keys at the platform's JWKS; returns its claims.
fn verify(token: &str, jwks: &JwkSet, issuer: &str, audience: &str) -> Result<Value, jsonwebtoken::errors::Error> {
    let header = decode_header(token)?;
    assert_eq!(header.typ.as_deref(), Some("secevent+jwt"));
    assert_eq!(header.alg, Algorithm::EdDSA);
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("the token's key is in the JWKS");
    let mut validation = Validation::new(Algorithm::EdDSA);
    // A SET has no expiry (RFC 8417 section 2.2).
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    validation.set_audience(&[audience]);
    validation.set_issuer(&[issuer]);
    Ok(decode::<Value>(token, &DecodingKey::from_jwk(jwk)?, &validation)?.claims)
}

async fn a_revocation_is_pushed_as_a_signed_event_the_partner_can_verify(app: TestApp) {
    settle_earlier_notifications(&app.database_url).await;
    let receiver = Receiver::start().await;
    assert!(
        app.store
            .set_partner_endpoint("spotify", Some(&receiver.url))
            .await
            .unwrap()
    );
    let cookie = app.sign_in(ALICE).await;
    app.revoke(
        &cookie,
        &[("partner", "spotify"), ("category", "messages"), ("access", "read")],
    )
    .await;

    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "one change, one event: {got:?}");
    assert_eq!(got[0].content_type, "application/secevent+jwt");
    let jwks: JwkSet = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let claims = verify(&got[0].body, &jwks, &app.address, "spotify").expect("the signature verifies");
    assert_eq!(claims["sub_id"]["format"], "complex");
    assert_eq!(claims["sub_id"]["user"]["id"], "alice");
    let event = &claims["events"][WITHDRAWN];
    assert_eq!(
        (event["category"].as_str(), event["access"].as_str()),
        (Some("messages"), Some("read"))
    );
    assert_eq!(event["status"], "dpv:ConsentWithdrawn");
    assert_eq!(event["initiating_entity"], "user");

    let event_id = event["ledger_event_id"].as_i64().unwrap();
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let mut told = (String::new(), String::new());
    for _ in 0..50 {
        told = sqlx::query_as(
            "SELECT e.hash, n.state FROM consent_events e JOIN notifications n ON n.event_id = e.id WHERE e.id = $1",
        )
        .bind(event_id)
        .fetch_one(&pool)
        .await
        .unwrap();
        if told.1 == "delivered" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    pool.close().await;
    assert_eq!(
        event["ledger_event_hash"], told.0,
        "the event names its place in the ledger"
    );
    assert_eq!(told.1, "delivered", "the partner's 202 is on the record");

    // One byte changed, and it no longer verifies.
    let mut tampered = got[0].body.clone().into_bytes();
    let middle = tampered.iter().position(|b| *b == b'.').unwrap() + 10;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    assert!(verify(&String::from_utf8(tampered).unwrap(), &jwks, &app.address, "spotify").is_err());
}

pub async fn app_telling_partners(engine: Engine) -> TestApp {
    let mut args = serve_args(true);
    args.allow_http_endpoints = true;
    spawn_app_with(engine, args).await
}

#[tokio::test]
async fn a_revocation_is_pushed_as_a_signed_event_sqlite() {
    a_revocation_is_pushed_as_a_signed_event_the_partner_can_verify(app_telling_partners(Engine::Sqlite).await).await;
}

#[tokio::test]
async fn a_revocation_is_pushed_as_a_signed_event_postgres() {
    a_revocation_is_pushed_as_a_signed_event_the_partner_can_verify(app_telling_partners(Engine::Postgres).await).await;
}

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

async fn every_change_has_exactly_one_notification(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(&cookie, &[("partner", "bing")]).await;
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let counts: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT e.status, COUNT(DISTINCT e.id), COUNT(n.id) FROM consent_events e \
         LEFT JOIN notifications n ON n.event_id = e.id GROUP BY e.status ORDER BY e.status",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(counts.iter().any(|(status, ..)| status == "withdrawn"), "{counts:?}");
    for (status, events, notifications) in counts {
        let expected = if status == "requested" { 0 } else { events };
        assert_eq!(
            notifications, expected,
            "{status}: a partner's own request is not news to it"
        );
    }
}
on_both_engines!(every_change_has_exactly_one_notification);
