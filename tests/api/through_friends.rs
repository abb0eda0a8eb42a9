//! A partner sees a person through a friend only while the friend grants it the category that
//! shows it, the two are friends, and the person has not said no. Every such decision is
//! answered with a reason the partner can act on, enforced by the very next check, and
//! recorded for the person.

use crate::friendships::{end, set_friends};
use crate::helpers::{ALICE, TestApp};
use crate::on_both_engines;
use serde_json::{Value, json};

async fn via(app: &TestApp, partner: &str, user: &str, category: &str, friend: &str) -> Value {
    let response = app
        .check(
            &format!("demo-key-{partner}"),
            json!({ "user": user, "category": category, "access": "read", "via": friend }),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn said(answer: &Value) -> (&str, Option<&str>) {
    (answer["decision"].as_str().unwrap(), answer["reason"].as_str())
}

async fn a_partner_sees_a_person_only_through_a_friend_who_grants_it(app: TestApp) {
    // Alice lets Bing read her friends list: Bing sees Bob's name through her.
    assert_eq!(
        said(&via(&app, "bing", "bob", "profile", "alice").await),
        ("allow", None)
    );
    // Alice lets Bing read nothing else, and Dan is not Bob's friend.
    assert_eq!(
        said(&via(&app, "bing", "bob", "contacts", "alice").await),
        ("deny", Some("friend_did_not_grant"))
    );
    assert_eq!(
        said(&via(&app, "bing", "dan", "profile", "bob").await),
        ("deny", Some("not_a_friend"))
    );
    // Amazon reads Alice's contacts, Yahoo her posts, Apple her calendar.
    assert_eq!(
        said(&via(&app, "amazon", "carol", "contacts", "alice").await),
        ("allow", None)
    );
    assert_eq!(
        said(&via(&app, "yahoo", "dan", "posts", "alice").await),
        ("allow", None)
    );
    assert_eq!(
        said(&via(&app, "apple", "bob", "calendar", "alice").await),
        ("allow", None)
    );
    let message = via(&app, "bing", "dan", "profile", "bob").await["message"].clone();
    assert_eq!(message, "Denied: these two people are not friends.");

    // Alice takes back Bing's read of her friends: the very next check denies.
    let cookie = app.sign_in(ALICE).await;
    app.revoke(
        &cookie,
        &[("partner", "bing"), ("category", "friends"), ("access", "read")],
    )
    .await;
    assert_eq!(
        said(&via(&app, "bing", "bob", "profile", "alice").await),
        ("deny", Some("friend_did_not_grant"))
    );

    // A friendship that ends: the very next check denies.
    assert_eq!(
        said(&via(&app, "amazon", "carol", "contacts", "alice").await),
        ("allow", None)
    );
    assert_eq!(end(&app, "alice", "carol").await, 204);
    assert_eq!(
        said(&via(&app, "amazon", "carol", "contacts", "alice").await),
        ("deny", Some("not_a_friend"))
    );

    // The platform sets Alice's whole list without Dan, then with him again: each time the
    // very next check follows.
    assert_eq!(
        said(&via(&app, "yahoo", "dan", "posts", "alice").await),
        ("allow", None)
    );
    assert_eq!(set_friends(&app, "alice", &["bob"]).await, 200);
    assert_eq!(
        said(&via(&app, "yahoo", "dan", "posts", "alice").await),
        ("deny", Some("not_a_friend"))
    );
    assert_eq!(set_friends(&app, "alice", &["bob", "dan"]).await, 200);
    assert_eq!(
        said(&via(&app, "yahoo", "dan", "posts", "alice").await),
        ("allow", None)
    );
}
on_both_engines!(a_partner_sees_a_person_only_through_a_friend_who_grants_it);

async fn a_friends_whole_list_is_asked_in_one_batch(app: TestApp) {
    let mut questions: Vec<Value> = ["bob", "carol", "dan"]
        .iter()
        .map(|person| json!({ "user": person, "category": "profile", "access": "read", "via": "alice" }))
        .collect();
    // Bob is no friend of Dan's; plain questions mix in freely.
    questions.push(json!({ "user": "dan", "category": "profile", "access": "read", "via": "bob" }));
    questions.push(json!({ "user": "alice", "category": "friends", "access": "read" }));
    let response = app
        .client
        .post(app.url("/api/v1/check-batch"))
        .bearer_auth("demo-key-bing")
        .json(&json!({ "questions": questions }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let decisions: Vec<(&str, Option<&str>)> = body["answers"].as_array().unwrap().iter().map(said).collect();
    assert_eq!(
        decisions,
        [
            ("allow", None),
            ("allow", None),
            ("allow", None),
            ("deny", Some("not_a_friend")),
            ("allow", None)
        ]
    );
}
on_both_engines!(a_friends_whole_list_is_asked_in_one_batch);

async fn a_question_through_a_friend_that_cannot_be_asked_is_refused(app: TestApp) {
    let bad = [
        (
            json!({ "user": "bob", "category": "profile", "access": "write", "via": "alice" }),
            400,
            "invalid_via",
        ),
        (
            json!({ "user": "bob", "category": "messages", "access": "read", "via": "alice" }),
            400,
            "invalid_via",
        ),
        (
            json!({ "user": "bob", "category": "profile", "access": "read", "via": "bob" }),
            400,
            "invalid_via",
        ),
        (
            json!({ "user": "bob", "category": "profile", "access": "read", "via": "nobody" }),
            404,
            "unknown_user",
        ),
        (
            json!({ "user": "bob", "category": "gossip", "access": "read", "via": "alice" }),
            400,
            "unknown_category",
        ),
    ];
    for (question, status, code) in bad {
        let response = app.check("demo-key-bing", question.clone()).await;
        assert_eq!(response.status(), status, "{question}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], code, "{question}");
    }
}
on_both_engines!(a_question_through_a_friend_that_cannot_be_asked_is_refused);
