//! Refusing a consent request: the person, or support for them with a reason (support can
//! only refuse), and every refusal is on the record with who refused, in History and the export.

use crate::consent_request_helpers::{asked, asking, events_of_request, state, the_ledger_still_verifies};
use crate::helpers::{ALICE, TestApp};
use crate::on_both_engines;
use who_can_see::domain::request_decision::DecisionProblem;
use who_can_see::server::storage::consent::request_decisions::DecideError;
use who_can_see::server::use_cases::{requests, support};

async fn refusals_are_on_the_record_with_who_refused_and_why(app: TestApp) {
    let alice = app.user_id("alice").await;
    let agent = app.user_id("support").await;
    let by_alice = asked(&app, "netflix", &asking("alice", &[("messages", &["delete"])], None)).await;
    let notice = requests::refuse(&app.store, alice, &by_alice).await.unwrap();
    assert_eq!(notice, "Refused: Netflix may not delete your messages.");

    let by_support = asked(
        &app,
        "spotify",
        &asking("alice", &[("calendar", &["read", "write"])], None),
    )
    .await;
    let not_open = support::refuse_for(&app.store, agent, alice, &by_support, "Reported as spam").await;
    assert!(
        matches!(not_open, Err(DecideError::Problem(DecisionProblem::CaseNotOpen))),
        "{not_open:?}"
    );
    support::open(&app.store, agent, alice, Some("T-24")).await.unwrap();
    let no_reason = support::refuse_for(&app.store, agent, alice, &by_support, "  ").await;
    assert!(
        matches!(no_reason, Err(DecideError::Problem(DecisionProblem::BadReason(_)))),
        "{no_reason:?}"
    );
    let told = support::refuse_for(&app.store, agent, alice, &by_support, "Reported as spam")
        .await
        .unwrap();
    assert!(told.contains("Alice Example will see it"), "{told}");
    assert_eq!(state(&app, "spotify", &by_support).await.1["status"], "refused");

    let events = events_of_request(&app, &by_support).await;
    let spotify = app
        .store
        .partners()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.slug == "spotify")
        .unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| (
                e.status.as_str(),
                e.actor_kind.as_str(),
                e.actor_id,
                e.reason.as_deref()
            ))
            .collect::<Vec<_>>(),
        [
            ("requested", "partner", Some(spotify.id), None),
            ("requested", "partner", Some(spotify.id), None),
            ("refused", "support", Some(agent), Some("Reported as spam")),
            ("refused", "support", Some(agent), Some("Reported as spam")),
        ]
    );

    let cookie = app.sign_in(ALICE).await;
    let history = app.page(&cookie, "/history").await.text().await.unwrap();
    for sentence in [
        "Netflix asked to delete your messages.",
        "You refused Netflix delete access to your messages.",
        "Support agent Sam Support refused Spotify write access to your calendar for you.",
        "Reported as spam",
    ] {
        assert!(history.contains(sentence), "{sentence}");
    }
    let export: serde_json::Value = app.page(&cookie, "/history/export.json").await.json().await.unwrap();
    let of_request = |id: &str| -> Vec<(String, String)> {
        export
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["request"] == id)
            .map(|e| {
                (
                    e["status"].as_str().unwrap().to_owned(),
                    e["actor"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        of_request(&by_alice),
        [
            ("Requested".into(), "partner".into()),
            ("Refused".into(), "user".into())
        ]
    );
    let csv = app.page(&cookie, "/history/export.csv").await.text().await.unwrap();
    assert!(
        csv.lines()
            .any(|line| line.contains(",Refused,support,") && line.contains(&by_support))
    );
    the_ledger_still_verifies(&app).await;
}
on_both_engines!(refusals_are_on_the_record_with_who_refused_and_why);
