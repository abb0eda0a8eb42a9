//! The consent ledger is append-only, enforced by the database itself.

use crate::helpers::{ALICE, TestApp};
use crate::on_both_engines;

async fn the_database_refuses_to_edit_or_delete_ledger_events(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(&cookie, &[("partner", "netflix")]).await;
    let before = app.ledger_length("alice").await;
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let update = sqlx::query("UPDATE consent_events SET status = 'granted'")
        .execute(&pool)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM consent_events").execute(&pool).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(app.ledger_length("alice").await, before);
}
on_both_engines!(the_database_refuses_to_edit_or_delete_ledger_events);

async fn every_revocation_is_one_ledger_event_per_grant(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let before = app.ledger_length("alice").await;
    app.revoke(&cookie, &[("partner", "amazon")]).await;
    assert_eq!(app.ledger_length("alice").await, before + 2, "contacts and friends");
}
on_both_engines!(every_revocation_is_one_ledger_event_per_grant);
