//! "Allow again" asks how long: the access comes back for the term chosen. The notice's undo
//! gives back what was taken as it was, with the end it had. A term not offered is refused.

use crate::helpers::{ALICE, BOB, TestApp};
use crate::on_both_engines;
use reqwest::header::{ACCEPT, COOKIE};
use who_can_see::domain::access::Access;
use who_can_see::domain::activity::DAY_MS;
use who_can_see::server::clock::{human_date, now_ms};
use who_can_see::server::storage::consent::grants::{Actor, NewGrant};

async fn allow_again_for(app: &TestApp, cookie: &str, grant: i64, term: Option<&str>) -> (u16, String) {
    let mut fields = vec![("grant", grant.to_string())];
    if let Some(term) = term {
        fields.push(("term", term.to_owned()));
    }
    let response = app
        .client
        .post(app.url("/api/allow-again"))
        .header(COOKIE, cookie)
        .header(ACCEPT, "application/json")
        .form(&fields)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn expires_at(app: &TestApp, handle: &str, grant: i64) -> Option<i64> {
    let user = app.user_id(handle).await;
    let grants = app.store.grants_of_user(user).await.unwrap();
    grants.into_iter().find(|g| g.id == grant).unwrap().expires_at
}

async fn allow_again_lasts_for_the_term_chosen(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let grant = app.grant_id("alice", "spotify", "messages", "read").await;
    app.revoke(&cookie, &[("grant", &grant.to_string())]).await;
    let dashboard = app.page(&cookie, "/").await.text().await.unwrap();
    assert!(dashboard.contains("For how long"), "the cell asks how long");
    assert!(
        dashboard.contains(r#"<option value="90" selected"#),
        "90 days offered first"
    );

    // A term not offered is refused, and nothing changes.
    let ledger = app.ledger_length("alice").await;
    for bad in ["7", "0", "forever-and-ever"] {
        let (status, body) = allow_again_for(&app, &cookie, grant, Some(bad)).await;
        assert_eq!(status, 400, "{bad:?}: {body}");
        assert!(body.contains("Choose how long the access lasts."), "{body}");
    }
    assert_eq!(app.ledger_length("alice").await, ledger);
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["reason"],
        "withdrawn"
    );

    let before = now_ms();
    let (status, body) = allow_again_for(&app, &cookie, grant, Some("30")).await;
    assert_eq!(status, 200, "{body}");
    let ends = expires_at(&app, "alice", grant).await.expect("given for 30 days");
    assert!((before + 30 * DAY_MS..=now_ms() + 30 * DAY_MS).contains(&ends));
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "allow"
    );
    let dashboard = app.page(&cookie, "/").await.text().await.unwrap();
    assert!(dashboard.contains(&format!("read until {}", human_date(ends))));

    // "Until I take it back" has no end.
    app.revoke(&cookie, &[("grant", &grant.to_string())]).await;
    assert_eq!(allow_again_for(&app, &cookie, grant, Some("forever")).await.0, 200);
    assert_eq!(expires_at(&app, "alice", grant).await, None);
}
on_both_engines!(allow_again_lasts_for_the_term_chosen);

async fn undo_gives_back_the_end_an_access_had(app: TestApp) {
    let bob = app.user_id("bob").await;
    let ends = now_ms() + 10 * DAY_MS;
    let grant = app
        .store
        .give_grant(
            &NewGrant {
                user_id: bob,
                partner_slug: "yandex",
                category_slug: "messages",
                access: Access::Read,
                purpose: "Translate your messages",
                granted_at: now_ms(),
                expires_at: Some(ends),
            },
            Actor::User(bob),
        )
        .await
        .unwrap();
    let cookie = app.sign_in(BOB).await;
    app.revoke(&cookie, &[("grant", &grant.to_string())]).await;
    // The notice's "Allow again" sends no term: it undoes.
    assert_eq!(allow_again_for(&app, &cookie, grant, None).await.0, 200);
    assert_eq!(expires_at(&app, "bob", grant).await, Some(ends));
    assert_eq!(
        app.decision("yandex", "bob", "messages", "read").await["decision"],
        "allow"
    );
}
on_both_engines!(undo_gives_back_the_end_an_access_had);
