//! Sessions: each sign-in is listed, the others can be ended, and idle or old sessions end.

use crate::helpers::{ALICE, BOB, TestApp};
use crate::on_both_engines;

async fn each_sign_in_is_listed_and_the_others_can_be_ended(app: TestApp) {
    let laptop = app.sign_in(ALICE).await;
    let phone = app.sign_in(ALICE).await;
    let page = app.page(&laptop, "/sessions").await.text().await.unwrap();
    assert!(page.contains("Signed in on 2 browsers"), "{page}");
    assert!(page.contains("This browser"));

    let response = app
        .client
        .post(app.url("/api/end-other-sessions"))
        .header("cookie", &laptop)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.dashboard(&phone).await.headers()["location"],
        "/sign-in",
        "the phone was signed out"
    );
    assert_eq!(app.dashboard(&laptop).await.status(), 200, "the laptop was not");
}
on_both_engines!(each_sign_in_is_listed_and_the_others_can_be_ended);

async fn nobody_can_end_another_persons_session(app: TestApp) {
    let alice = app.sign_in(ALICE).await;
    let bob = app.sign_in(BOB).await;
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let (alices_session,): (String,) =
        sqlx::query_as("SELECT s.public_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.handle = 'alice'")
            .fetch_one(&pool)
            .await
            .unwrap();
    for (session, status) in [(alices_session.as_str(), 404), ("not-an-id", 400)] {
        let response = app
            .client
            .post(app.url("/api/end-session"))
            .header("cookie", &bob)
            .header("accept", "application/json")
            .form(&[("session", session)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{session}");
    }
    assert_eq!(app.dashboard(&alice).await.status(), 200, "Alice is still signed in");
}
on_both_engines!(nobody_can_end_another_persons_session);

async fn idle_and_expired_sessions_end(app: TestApp) {
    let idle = app.sign_in(ALICE).await;
    let old = app.sign_in(BOB).await;
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    // Thirty-one minutes without a request (the idle limit is thirty).
    sqlx::query(
        "UPDATE sessions SET last_seen_at = last_seen_at - 1860000 \
         WHERE user_id = (SELECT id FROM users WHERE handle = 'alice')",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Past its absolute end, although used a moment ago.
    sqlx::query(
        "UPDATE sessions SET expires_at = created_at WHERE user_id = (SELECT id FROM users WHERE handle = 'bob')",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(app.dashboard(&idle).await.headers()["location"], "/sign-in");
    assert_eq!(app.dashboard(&old).await.headers()["location"], "/sign-in");
}
on_both_engines!(idle_and_expired_sessions_end);
