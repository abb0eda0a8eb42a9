//! Partners are told of every consent change: one notification per change, written with it
//! (outbox), pushed as a Security Event Token signed with the platform's Ed25519 key (RFC 8417,
//! RFC 8935), verified here with an independent JOSE library against the platform's JWKS.
//! Retries under a controlled clock: notifications_delivery.rs.

use crate::helpers::{ALICE, Engine, TestApp, serve_args, spawn_app_with};
use crate::notify_receiver::Receiver;
use crate::on_both_engines;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

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
