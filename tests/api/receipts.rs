//! Receipts: every consent event downloads from History as a receipt signed with the
//! platform's key; an independent JOSE library and `who-can-see verify-receipt` both accept it,
//! and one changed byte makes the command fail.

use crate::helpers::{ALICE, BOB, TestApp};
use crate::on_both_engines;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

/// The newest event in Alice's exported history.
async fn newest_event(app: &TestApp, cookie: &str) -> Value {
    let events: Vec<Value> = app.page(cookie, "/history/export.json").await.json().await.unwrap();
    events.last().cloned().unwrap()
}

/// Runs `verify-receipt` on `receipt` against `jwks`; (exit success, stdout and stderr).
async fn verify_receipt_command(receipt: &str, jwks: &str) -> (bool, String) {
    let file = std::env::temp_dir().join(format!("wcs-receipt-{}-{}.jws", std::process::id(), rand_suffix()));
    std::fs::write(&file, receipt).unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_who-can-see"))
        .args(["verify-receipt", file.to_str().unwrap(), "--jwks", jwks])
        .env("RUST_LOG", "error")
        .output()
        .await
        .expect("the binary runs");
    let _ = std::fs::remove_file(&file);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

async fn a_receipt_is_signed_and_checks_offline(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(
        &cookie,
        &[("partner", "spotify"), ("category", "messages"), ("access", "read")],
    )
    .await;
    let event = newest_event(&app, &cookie).await;
    assert_eq!(event["status"], "Withdrawn");
    let id = event["event_id"].as_i64().unwrap();
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    assert!(
        history.contains(&format!("href=\"/history/receipt/{id}\"")),
        "History links the receipt"
    );

    let response = app.page(&cookie, &format!("/history/receipt/{id}")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/jose");
    let receipt = response.text().await.unwrap();

    // An independent JOSE library accepts the signature, with the published keys.
    let jwks: JwkSet = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = decode_header(&receipt).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    let key = DecodingKey::from_jwk(jwks.find(header.kid.as_deref().unwrap()).unwrap()).unwrap();
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let record = decode::<Value>(&receipt, &key, &validation).unwrap().claims;
    assert_eq!(record["dpv:hasDataSubject"]["@id"], "alice");
    assert_eq!(record["dpv:hasProcess"]["dpv:hasRecipient"]["@id"], "spotify");
    assert_eq!(record["dpv:hasConsentStatus"], "dpv:ConsentWithdrawn");
    assert_eq!(record["ledger"]["hash"], event["hash"]);

    let (ok, said) = verify_receipt_command(&receipt, &app.address).await;
    assert!(ok, "{said}");
    assert!(said.contains("The receipt is valid"), "{said}");
    assert!(said.contains("Recipient:   Spotify (spotify)"), "{said}");
    assert!(said.contains("Status:      dpv:ConsentWithdrawn"), "{said}");

    // One byte changed in the record: the status rewritten by someone holding the file.
    let mut bytes = receipt.clone().into_bytes();
    let at = receipt.find('.').unwrap() + 40;
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    let (ok, said) = verify_receipt_command(&String::from_utf8(bytes).unwrap(), &app.address).await;
    assert!(!ok, "a changed receipt must fail: {said}");
    assert!(said.contains("NOT valid"), "{said}");

    // The key set can be a file too.
    let jwks_file = std::env::temp_dir().join(format!("wcs-jwks-{}.json", rand_suffix()));
    let published = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    std::fs::write(&jwks_file, published).unwrap();
    let (ok, said) = verify_receipt_command(&receipt, jwks_file.to_str().unwrap()).await;
    let _ = std::fs::remove_file(&jwks_file);
    assert!(ok, "{said}");
}
on_both_engines!(a_receipt_is_signed_and_checks_offline);

async fn only_the_person_gets_their_receipts(app: TestApp) {
    let alice = app.sign_in(ALICE).await;
    let id = newest_event(&app, &alice).await["event_id"].as_i64().unwrap();
    let bob = app.sign_in(BOB).await;
    let response = app.page(&bob, &format!("/history/receipt/{id}")).await;
    assert_eq!(response.status(), 404, "Bob cannot get Alice's receipt");
    assert_eq!(
        response.text().await.unwrap(),
        "There is no such event in your history."
    );
    let response = app.page(&alice, "/history/receipt/first").await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("number of a consent event"));
    let signed_out = app
        .client
        .get(app.url(&format!("/history/receipt/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303, "signed out, one is sent to sign in");
}
on_both_engines!(only_the_person_gets_their_receipts);
