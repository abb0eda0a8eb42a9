//! The History page, "Allow again", and the ledger exports.

use crate::helpers::{ALICE, BOB, TestApp};
use crate::on_both_engines;
use who_can_see::domain::revocation::RevocationScope;
use who_can_see::server::storage::consent::grants::Actor;

async fn history_says_who_did_what_newest_first(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(
        &cookie,
        &[("partner", "spotify"), ("category", "messages"), ("access", "read")],
    )
    .await;
    let page = app.page(&cookie, "/history").await.text().await.unwrap();
    let withdrew = page
        .find("You withdrew Spotify&#x27;s read access to your messages.")
        .or_else(|| page.find("You withdrew Spotify's read access to your messages."));
    let allowed = page.find("You allowed Spotify to read your messages.");
    assert!(withdrew.is_some() && allowed.is_some(), "both events are listed");
    assert!(withdrew < allowed, "newest first");
    assert!(page.contains("Allow again"));
}
on_both_engines!(history_says_who_did_what_newest_first);

async fn allowing_again_is_a_new_event_and_partners_are_allowed_again(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let grant = app.grant_id("alice", "spotify", "messages", "read").await;
    app.revoke(&cookie, &[("grant", &grant.to_string())]).await;
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "deny"
    );
    let before = app.ledger_length("alice").await;

    let response = app.allow_again(&cookie, grant).await;
    assert_eq!(response.status(), 200);
    let change: serde_json::Value = response.json().await.unwrap();
    assert_eq!(change["notice"], "Allowed again: Spotify can read your messages.");
    assert_eq!(app.ledger_length("alice").await, before + 1);
    assert_eq!(
        app.decision("spotify", "alice", "messages", "read").await["decision"],
        "allow"
    );

    // Allowing what is already allowed writes nothing.
    app.allow_again(&cookie, grant).await;
    assert_eq!(app.ledger_length("alice").await, before + 1);
}
on_both_engines!(allowing_again_is_a_new_event_and_partners_are_allowed_again);

async fn nobody_can_allow_again_another_users_grant(app: TestApp) {
    let alice = app.sign_in(ALICE).await;
    let bob = app.sign_in(BOB).await;
    let grant = app.grant_id("alice", "netflix", "messages", "read").await;
    app.revoke(&alice, &[("grant", &grant.to_string())]).await;
    let before = app.ledger_length("alice").await;
    assert_eq!(app.allow_again(&bob, grant).await.status(), 404);
    let bad = app
        .client
        .post(app.url("/api/allow-again"))
        .header("cookie", &alice)
        .header("accept", "application/json")
        .form(&[("grant", "twelve")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(app.ledger_length("alice").await, before);
    assert_eq!(
        app.decision("netflix", "alice", "messages", "read").await["decision"],
        "deny"
    );
}
on_both_engines!(nobody_can_allow_again_another_users_grant);

async fn history_filters_by_partner_and_category_and_pages(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let alice = app.user_id("alice").await;
    let grant = app.grant_id("alice", "rbc", "messages", "read").await;
    // 60 revocations and 60 re-grants: more than one page of 50.
    for i in 0..60 {
        app.store
            .revoke(
                alice,
                &RevocationScope::Grant(grant),
                Actor::User(alice),
                1_800_000_000_000 + i,
            )
            .await
            .unwrap();
        app.store
            .allow_again(alice, grant, Actor::User(alice), None, 1_800_000_000_000 + i)
            .await
            .unwrap();
    }
    let rbc = app.page(&cookie, "/history?partner=rbc").await.text().await.unwrap();
    assert!(
        rbc.contains("page 1 of 3 (121 in all)"),
        "120 changes and the original grant"
    );
    assert!(!rbc.contains("You allowed Spotify"), "only RBC events are listed");
    assert!(
        rbc.contains("partner=rbc&amp;page=2") || rbc.contains("partner=rbc&page=2"),
        "{rbc}"
    );
    let last = app
        .page(&cookie, "/history?partner=rbc&page=3")
        .await
        .text()
        .await
        .unwrap();
    assert!(last.contains("page 3 of 3") && last.contains("You allowed Royal Bank of Canada to read your messages."));
    let friends = app
        .page(&cookie, "/history?category=friends")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        friends.contains("(6 in all)"),
        "Bing, Amazon, The New York Times, Yandex's grant and its expiry in 2017, and the demo's request"
    );
    // A partner that no longer holds anything still appears in the history.
    app.revoke(&cookie, &[("partner", "yahoo")]).await;
    let yahoo = app.page(&cookie, "/history?partner=yahoo").await.text().await.unwrap();
    assert!(yahoo.contains("(2 in all)"));
}
on_both_engines!(history_filters_by_partner_and_category_and_pages);

async fn bad_history_filters_get_a_clear_message(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    for (path, message) in [
        ("/history?partner=myspace", "There is no partner called"),
        ("/history?category=Dreams", "category must be"),
        ("/history?page=zero", "whole number"),
    ] {
        let response = app.page(&cookie, path).await;
        assert_eq!(response.status(), 400, "the page explains the problem");
        assert!(response.text().await.unwrap().contains(message), "{path}");
    }
    let signed_out = app
        .client
        .get(app.url("/history"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.headers()["location"], "/sign-in?next=%2Fhistory");
}
on_both_engines!(bad_history_filters_get_a_clear_message);

async fn the_whole_ledger_downloads_as_json_and_csv_with_dpv_words(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(&cookie, &[("partner", "amazon")]).await;
    let json = app.page(&cookie, "/history/export.json").await;
    assert!(
        json.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let events: Vec<serde_json::Value> = json.json().await.unwrap();
    assert_eq!(events.len() as i64, app.ledger_length("alice").await);
    assert_eq!(events[0]["status"], "Given");
    let last = events.last().unwrap();
    assert_eq!(
        (last["partner"].as_str(), last["status"].as_str()),
        (Some("amazon"), Some("Withdrawn"))
    );
    assert_eq!(
        events[1]["prev_hash"], events[0]["hash"],
        "the chain is visible in the export"
    );

    let csv = app.page(&cookie, "/history/export.csv").await.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("event_id,at,partner,category,access,status,actor"));
    assert_eq!(lines.len(), events.len() + 1);
    assert!(lines.last().unwrap().contains(",amazon,") && lines.last().unwrap().contains(",Withdrawn,"));

    let anonymous = app.client.get(app.url("/history/export.json")).send().await.unwrap();
    assert_eq!(
        anonymous.headers()["location"],
        "/sign-in?next=%2Fhistory%2Fexport.json"
    );
}
on_both_engines!(the_whole_ledger_downloads_as_json_and_csv_with_dpv_words);
