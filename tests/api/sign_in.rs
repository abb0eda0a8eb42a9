//! Signing in and out, and seeing only one's own data.

use crate::helpers::{ALICE, BOB, TestApp, session_cookie};
use crate::on_both_engines;

async fn a_signed_out_visitor_is_sent_to_sign_in(app: TestApp) {
    let response = app
        .client
        .get(app.url("/"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in");
}
on_both_engines!(a_signed_out_visitor_is_sent_to_sign_in);

async fn a_wrong_password_says_so_without_revealing_the_account(app: TestApp) {
    for (email, password) in [
        ("alice@example.com", "wrong-password"),
        ("nobody@example.com", "whatever-password"),
    ] {
        let response = app.sign_in_response(email, password).await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/sign-in?error=invalid");
        assert!(session_cookie(&response).is_none());
    }
    let response = app.client.get(app.url("/sign-in?error=invalid")).send().await.unwrap();
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("That email and password do not match an account.")
    );
}
on_both_engines!(a_wrong_password_says_so_without_revealing_the_account);

async fn a_malformed_sign_in_form_gets_a_clear_message(app: TestApp) {
    let response = app
        .client
        .post(app.url("/sign-in"))
        .form(&[("email", "alice@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/sign-in?error=incomplete");
    assert!(session_cookie(&response).is_none());
}
on_both_engines!(a_malformed_sign_in_form_gets_a_clear_message);

async fn the_session_cookie_is_http_only_and_same_site(app: TestApp) {
    let response = app.sign_in_response(ALICE.0, ALICE.1).await;
    let header = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );
    let token = session_cookie(&response)
        .unwrap()
        .trim_start_matches("wcs_session=")
        .to_owned();
    assert_eq!(token.len(), 64, "256 random bits, hex");
    let mut tokens = std::collections::HashSet::from([token]);
    for _ in 0..4 {
        tokens.insert(app.sign_in(ALICE).await);
    }
    assert_eq!(tokens.len(), 5, "every sign-in gets a fresh random token");
}
on_both_engines!(the_session_cookie_is_http_only_and_same_site);

async fn each_user_sees_only_their_own_dashboard(app: TestApp) {
    let alice = app.sign_in(ALICE).await;
    let bob = app.sign_in(BOB).await;
    app.revoke(&alice, &[("partner", "amazon")]).await;
    let alice_page = app.dashboard(&alice).await.text().await.unwrap();
    let bob_page = app.dashboard(&bob).await.text().await.unwrap();
    assert!(alice_page.contains("Alice Example") && !alice_page.contains("Bob Example"));
    assert!(bob_page.contains("Bob Example") && !bob_page.contains("Alice Example"));
    assert!(alice_page.contains("Amazon can no longer reach your contacts"));
    assert!(
        bob_page.contains("Amazon can read your contacts"),
        "Alice's revocation is hers alone"
    );
}
on_both_engines!(each_user_sees_only_their_own_dashboard);

async fn signing_out_ends_the_session_on_the_server(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    let response = app
        .client
        .post(app.url("/sign-out"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/sign-in");
    // The old cookie, replayed, no longer works.
    let replay = app.dashboard(&cookie).await;
    assert_eq!(replay.headers()["location"], "/sign-in");
    assert_eq!(app.revoke(&cookie, &[("category", "messages")]).await.status(), 401);
}
on_both_engines!(signing_out_ends_the_session_on_the_server);

async fn repeated_failures_lock_the_account_whether_or_not_it_exists(app: TestApp) {
    for email in ["alice@example.com", "nobody@example.com"] {
        for attempt in 1..=5 {
            let response = app.sign_in_response(email, "wrong-password").await;
            assert_eq!(
                response.headers()["location"],
                "/sign-in?error=invalid",
                "{email} attempt {attempt}"
            );
        }
        let locked = app.sign_in_response(email, "wrong-password").await;
        assert_eq!(locked.headers()["location"], "/sign-in?error=locked", "{email}");
    }
    // Even the right password waits out the lock; another account is not affected.
    let right = app.sign_in_response(ALICE.0, ALICE.1).await;
    assert_eq!(right.headers()["location"], "/sign-in?error=locked");
    assert!(session_cookie(&right).is_none());
    app.sign_in(BOB).await;
    let page = app
        .client
        .get(app.url("/sign-in?error=locked"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Too many failed sign-ins. Wait 15 minutes, then try again."));
}
on_both_engines!(repeated_failures_lock_the_account_whether_or_not_it_exists);

async fn many_failures_from_one_address_lock_that_address(app: TestApp) {
    for n in 0..20 {
        let response = app
            .sign_in_response(&format!("guess{n}@example.com"), "wrong-password")
            .await;
        assert_eq!(response.headers()["location"], "/sign-in?error=invalid");
    }
    let response = app.sign_in_response(BOB.0, BOB.1).await;
    assert_eq!(response.headers()["location"], "/sign-in?error=locked");
}
on_both_engines!(many_failures_from_one_address_lock_that_address);

async fn parallel_wrong_passwords_each_count_and_lock_the_account(app: TestApp) {
    // Fewer than the address limit (20), so only the account's own count can lock it.
    const GUESSES: usize = 15;
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..GUESSES {
        let (client, url) = (app.client.clone(), app.url("/sign-in"));
        guesses.spawn(async move {
            let password = format!("wrong-password-{n}");
            let response = client
                .post(url)
                .form(&[("email", ALICE.0), ("password", password.as_str())])
                .send()
                .await
                .unwrap();
            response.headers()["location"].to_str().unwrap().to_owned()
        });
    }
    let answers = guesses.join_all().await;
    let counted = answers.iter().filter(|a| *a == "/sign-in?error=invalid").count();
    let locked = answers.iter().filter(|a| *a == "/sign-in?error=locked").count();
    assert_eq!(counted + locked, GUESSES, "{answers:?}");
    let failures = app.store.sign_in_failures("account:alice@example.com").await.unwrap();
    assert_eq!(
        failures.count, counted as i64,
        "every guess that was checked is counted, none lost to a parallel one"
    );

    // Locked: the right password gets the same answer as a wrong one, and no session.
    let right = app.sign_in_response(ALICE.0, ALICE.1).await;
    let wrong = app.sign_in_response(ALICE.0, "wrong-password").await;
    assert_eq!(right.headers()["location"], "/sign-in?error=locked");
    assert_eq!(right.headers()["location"], wrong.headers()["location"]);
    assert!(session_cookie(&right).is_none());
    // The lock is the account's, not the shared address's.
    app.sign_in(BOB).await;
}
on_both_engines!(parallel_wrong_passwords_each_count_and_lock_the_account);
