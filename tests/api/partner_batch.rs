//! `POST /api/v1/check-batch`: many questions, answered in order exactly as `/check` answers
//! each; a batch with any bad question is refused whole and records nothing.

use crate::helpers::{ALICE, TestApp};
use crate::on_both_engines;
use serde_json::{Value, json};

impl TestApp {
    async fn check_batch(&self, key: Option<&str>, body: String) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url("/api/v1/check-batch"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send().await.unwrap()
    }

    /// How many decisions about `handle`'s data are on the record: refused attempts, and
    /// counted decisions once the recorder has written them.
    async fn recorded_decisions(&self, handle: &str) -> (usize, i64) {
        let user = self.user_id(handle).await;
        let refused = self.store.refused_attempts_of_user(user, 0).await.unwrap().len();
        let counted = self
            .store
            .hours_of_use(user, 0)
            .await
            .unwrap()
            .iter()
            .map(|hour| hour.allowed + hour.denied)
            .sum();
        (refused, counted)
    }
}

fn batch(questions: &[Value]) -> String {
    json!({ "questions": questions }).to_string()
}

fn question(user: &str, category: &str, access: &str) -> Value {
    json!({ "user": user, "category": category, "access": access })
}

async fn a_batch_answers_in_order_exactly_as_single_checks_do(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(
        &cookie,
        &[("partner", "spotify"), ("category", "messages"), ("access", "delete")],
    )
    .await;
    let questions = vec![
        question("alice", "messages", "read"),
        question("alice", "friends", "read"),
        question("alice", "messages", "delete"),
        question("bob", "messages", "write"),
        json!({ "user": "alice", "category": "messages", "access": "write", "partner": "spotify" }),
        question("alice", "messages", "read"),
    ];
    let response = app.check_batch(Some("demo-key-spotify"), batch(&questions)).await;
    assert_eq!(response.status(), 200);
    let answers = response.json::<Value>().await.unwrap()["answers"].clone();
    let answers = answers.as_array().expect("answers is a list");
    assert_eq!(answers.len(), questions.len(), "one answer per question");
    for (index, (question, answer)) in questions.iter().zip(answers).enumerate() {
        let single: Value = app
            .check("demo-key-spotify", question.clone())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(answer, &single, "question {index}: {question}");
    }
    assert_eq!(answers[0]["decision"], "allow");
    assert_eq!(answers[1]["reason"], "never_granted");
    assert_eq!(answers[2]["reason"], "withdrawn");
}
on_both_engines!(a_batch_answers_in_order_exactly_as_single_checks_do);

async fn a_full_batch_of_a_thousand_questions_is_answered(app: TestApp) {
    let questions: Vec<Value> = (0..1000)
        .map(|i| question(if i % 2 == 0 { "alice" } else { "bob" }, "friends", "read"))
        .collect();
    let body = batch(&questions);
    assert!(body.len() > 16 * 1024, "larger than the limit of every other route");
    let response = app.check_batch(Some("demo-key-bing"), body).await;
    assert_eq!(response.status(), 200);
    let answers: Value = response.json().await.unwrap();
    let answers = answers["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 1000);
    assert!(answers.iter().all(|a| a["decision"] == "allow"));
}
on_both_engines!(a_full_batch_of_a_thousand_questions_is_answered);

/// (key, body, status, code, the question at fault, what the case is)
type Case<'a> = (Option<&'a str>, String, u16, &'a str, Option<usize>, &'a str);

async fn bad_batches_are_refused_whole_with_a_json_error(app: TestApp) {
    let good = question("alice", "messages", "read");
    let spotify = Some("demo-key-spotify");
    let many = |count: usize| batch(&vec![good.clone(); count]);
    let cases: Vec<Case> = vec![
        (None, many(1), 401, "missing_api_key", None, "no key"),
        (Some("not-a-key"), many(1), 401, "invalid_api_key", None, "a wrong key"),
        (
            spotify,
            batch(&[
                good.clone(),
                good.clone(),
                json!({"user": "alice", "category": "messages", "access": "read", "partner": "netflix"}),
            ]),
            403,
            "other_partner",
            Some(2),
            "a question about another partner",
        ),
        (spotify, "{not json".into(), 400, "malformed_json", None, "not JSON"),
        (
            spotify,
            json!({"questions": "all"}).to_string(),
            400,
            "malformed_json",
            None,
            "questions not a list",
        ),
        (
            spotify,
            batch(&[good.clone(), json!({"user": "alice", "category": "messages"})]),
            400,
            "malformed_json",
            Some(1),
            "a question without access",
        ),
        (
            spotify,
            batch(&[good.clone(), question("alice", "dreams", "read")]),
            400,
            "unknown_category",
            Some(1),
            "an unknown category",
        ),
        (
            spotify,
            batch(&[question("alice", "messages", "launch"), good.clone()]),
            400,
            "unknown_access",
            Some(0),
            "an unknown access",
        ),
        (
            spotify,
            batch(&[
                good.clone(),
                good.clone(),
                good.clone(),
                question("nobody", "messages", "read"),
            ]),
            404,
            "unknown_user",
            Some(3),
            "an unknown user",
        ),
        (spotify, many(0), 400, "empty_batch", None, "no questions"),
        (
            spotify,
            many(1001),
            413,
            "batch_too_large",
            None,
            "more than 1000 questions",
        ),
        (
            spotify,
            batch(&[json!({"user": "a".repeat(300 * 1024), "category": "messages", "access": "read"})]),
            413,
            "body_too_large",
            None,
            "a body over 256 KiB",
        ),
    ];
    let before = app.recorded_decisions("alice").await;
    for (key, body, status, code, at_fault, case) in cases {
        let response = app.check_batch(key, body).await;
        assert_eq!(response.status(), status, "{case}");
        let error: Value = response.json().await.expect("errors are JSON");
        assert_eq!(error["error"], code, "{case}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{case}");
        match at_fault {
            Some(index) => {
                assert_eq!(error["question"], index, "{case}");
                assert!(message.contains(&format!("Question {index}")), "{case}: {message}");
            }
            None => assert!(error.get("question").is_none(), "{case}"),
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        app.recorded_decisions("alice").await,
        before,
        "a refused batch records nothing"
    );
}
on_both_engines!(bad_batches_are_refused_whole_with_a_json_error);

async fn only_the_batch_route_takes_a_larger_body(app: TestApp) {
    // Each time: a client still sending its body reads the 413, not a reset connection.
    for _ in 0..20 {
        let padded = json!({"user": "a".repeat(100 * 1024), "category": "messages", "access": "read"});
        let response = app.check("demo-key-spotify", padded).await;
        assert_eq!(response.status(), 413, "/check keeps the 16 KiB limit");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "body_too_large");
        let response = app
            .client
            .post(app.url("/sign-in"))
            .form(&[("email", "a".repeat(100 * 1024))])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413, "the pages keep the 16 KiB limit");
    }
}
on_both_engines!(only_the_batch_route_takes_a_larger_body);

async fn a_batch_records_each_of_its_decisions_and_a_refused_one_none(app: TestApp) {
    let cookie = app.sign_in(ALICE).await;
    app.revoke(&cookie, &[("partner", "spotify")]).await;
    let before = app.recorded_decisions("alice").await;
    let taken_back = question("alice", "messages", "read");
    let never_granted = question("alice", "friends", "read");

    let refused = app
        .check_batch(
            Some("demo-key-spotify"),
            batch(&[
                taken_back.clone(),
                never_granted.clone(),
                question("alice", "dreams", "read"),
            ]),
        )
        .await;
    assert_eq!(refused.status(), 400);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(app.recorded_decisions("alice").await, before, "nothing recorded");

    let accepted = app
        .check_batch(
            Some("demo-key-spotify"),
            batch(&[taken_back.clone(), taken_back, never_granted.clone(), never_granted]),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let (refused_before, counted_before) = before;
    assert_eq!(
        app.recorded_decisions("alice").await.0,
        refused_before + 2,
        "denials of what was taken back are on the record before the answer"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        app.recorded_decisions("alice").await,
        (refused_before + 2, counted_before + 2),
        "the other decisions are counted within a second"
    );
}
on_both_engines!(a_batch_records_each_of_its_decisions_and_a_refused_one_none);
