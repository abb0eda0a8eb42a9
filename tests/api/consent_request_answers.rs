//! The person approves a consent request, all or part of it, for a term: exactly that is
//! granted, with its ledger events. A request is answered once, even by two instances at once.

use crate::consent_request_helpers::{
    DAY_MS, already_decided, asked, asking, choice, events_of_request, in_short, state, the_ledger_still_verifies,
};
use crate::helpers::{ALICE, Engine, TestApp};
use crate::on_both_engines;
use who_can_see::domain::request_decision::{DecisionProblem, Term};
use who_can_see::domain::request_status::RequestStatus;
use who_can_see::server::clock::{now_ms, rfc3339};
use who_can_see::server::storage::Store;
use who_can_see::server::storage::consent::request_decisions::DecideError;
use who_can_see::server::use_cases::requests;

async fn approving_part_of_a_request_grants_exactly_that_and_nothing_more(app: TestApp) {
    let alice = app.user_id("alice").await;
    let body = asking(
        "alice",
        &[("messages", &["read", "write"]), ("contacts", &["read"])],
        Some(90),
    );
    let id = asked(&app, "yandex", &body).await;
    let approved_at = now_ms();
    let notice = requests::approve(
        &app.store,
        alice,
        &id,
        &[choice("messages:read"), choice("contacts:read")],
        Term::Days(30),
    )
    .await
    .unwrap();
    assert!(
        notice.starts_with("Approved: Yandex can read your messages and read your contacts until "),
        "{notice}"
    );

    let (_, approved) = state(&app, "yandex", &id).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(
        approved["authorization_details"],
        serde_json::json!([{ "type": "messages", "actions": ["read"] }, { "type": "contacts", "actions": ["read"] }])
    );
    let catalog = app.store.catalog().await.unwrap();
    let (yandex, messages) = (
        catalog.partner_id("yandex").unwrap(),
        catalog.category_id("messages").unwrap(),
    );
    let ends_at = app
        .store
        .grants_of_user(alice)
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.partner_id == yandex && g.category_id == messages)
        .and_then(|g| g.expires_at)
        .unwrap();
    let thirty_days = approved_at + 30 * DAY_MS;
    assert!(
        (thirty_days..thirty_days + 60_000).contains(&ends_at),
        "the person's 30 days, not the 90 asked"
    );
    assert_eq!(approved["granted_until"], rfc3339(ends_at));

    for (category, access, decision) in [
        ("messages", "read", "allow"),
        ("messages", "write", "deny"),
        ("contacts", "read", "allow"),
        ("contacts", "write", "deny"),
    ] {
        assert_eq!(
            app.decision("yandex", "alice", category, access).await["decision"],
            decision,
            "{category} {access}"
        );
    }
    let events = events_of_request(&app, &id).await;
    assert_eq!(
        in_short(&events),
        [
            ("requested", "partner", "messages", "read"),
            ("requested", "partner", "messages", "write"),
            ("requested", "partner", "contacts", "read"),
            ("granted", "user", "messages", "read"),
            ("refused", "user", "messages", "write"),
            ("granted", "user", "contacts", "read"),
        ]
    );
    assert!(
        events.iter().all(|e| e.grant_id.is_some() == (e.status == "granted")),
        "only a given access names a grant"
    );
    assert!(
        events[3..].iter().all(|e| e.actor_id == Some(alice)),
        "the person acted"
    );

    // Choosing anything that was not asked is refused whole, and changes nothing.
    let second = asked(&app, "yahoo", &asking("alice", &[("messages", &["read"])], None)).await;
    let before = app.ledger_length("alice").await;
    for (chosen, what) in [
        (
            vec![choice("messages:read"), choice("messages:write")],
            "an access not asked",
        ),
        (vec![choice("friends:read")], "a category not asked"),
        (vec![], "nothing"),
    ] {
        let refused = requests::approve(&app.store, alice, &second, &chosen, Term::UntilTakenBack).await;
        assert!(matches!(refused, Err(DecideError::Problem(_))), "{what}: {refused:?}");
    }
    assert_eq!(app.ledger_length("alice").await, before);
    assert_eq!(state(&app, "yahoo", &second).await.1["status"], "pending");
    assert_eq!(
        app.decision("yahoo", "alice", "messages", "write").await["decision"],
        "deny"
    );
    the_ledger_still_verifies(&app).await;
}
on_both_engines!(approving_part_of_a_request_grants_exactly_that_and_nothing_more);

async fn approving_extends_a_held_access_and_gives_back_a_withdrawn_one(app: TestApp) {
    let alice = app.user_id("alice").await;
    let cookie = app.sign_in(ALICE).await;
    let catalog = app.store.catalog().await.unwrap();
    let (spotify_id, messages) = (
        catalog.partner_id("spotify").unwrap(),
        catalog.category_id("messages").unwrap(),
    );
    let held_since = app.store.grants_of_user(alice).await.unwrap();
    let read_since = held_since
        .iter()
        .find(|g| g.partner_id == spotify_id && g.category_id == messages && g.access.as_str() == "read")
        .unwrap()
        .granted_at;
    app.revoke(
        &cookie,
        &[("partner", "spotify"), ("category", "messages"), ("access", "delete")],
    )
    .await;
    let id = asked(
        &app,
        "spotify",
        &asking("alice", &[("messages", &["read", "delete"])], Some(30)),
    )
    .await;
    let waiting = requests::pending_requests_of(&app.store, alice).await.unwrap();
    let waiting: Vec<_> = waiting.into_iter().filter(|r| r.id == id).collect();
    assert_eq!(
        waiting[0].holding_sentences(),
        ["Spotify can already read your messages. It also asks to delete them."]
    );

    // "Until I take it back" cannot outlast the 30 days asked.
    requests::approve(
        &app.store,
        alice,
        &id,
        &[choice("messages:read"), choice("messages:delete")],
        Term::UntilTakenBack,
    )
    .await
    .unwrap();
    let (_, approved) = state(&app, "spotify", &id).await;
    assert!(approved["granted_until"].is_string(), "{approved}");
    let grants = app.store.grants_of_user(alice).await.unwrap();
    let spotify = |access: &str| {
        grants
            .iter()
            .find(|g| g.partner_id == spotify_id && g.category_id == messages && g.access.as_str() == access)
            .unwrap()
            .clone()
    };
    let (read, delete) = (spotify("read"), spotify("delete"));
    assert_eq!(read.granted_at, read_since, "an active grant keeps its start");
    assert!(
        read.expires_at.is_some() && read.expires_at == delete.expires_at,
        "and gets the new end"
    );
    assert_eq!(delete.status.as_str(), "active");
    assert_eq!(
        app.decision("spotify", "alice", "messages", "delete").await["decision"],
        "allow"
    );
    the_ledger_still_verifies(&app).await;
}
on_both_engines!(approving_extends_a_held_access_and_gives_back_a_withdrawn_one);

async fn a_request_is_answered_once_and_only_by_its_person(app: TestApp) {
    let (alice, bob) = (app.user_id("alice").await, app.user_id("bob").await);
    let approved = asked(&app, "amazon", &asking("alice", &[("posts", &["read"])], None)).await;
    let refused = asked(&app, "bing", &asking("alice", &[("posts", &["read"])], None)).await;
    let by_bob = requests::approve(&app.store, bob, &approved, &[choice("posts:read")], Term::Days(30)).await;
    assert!(
        matches!(by_bob, Err(DecideError::Problem(DecisionProblem::NotFound))),
        "{by_bob:?}"
    );
    assert!(matches!(
        requests::refuse(&app.store, alice, "cr_unknown").await,
        Err(DecideError::Problem(DecisionProblem::NotFound))
    ));

    requests::approve(&app.store, alice, &approved, &[choice("posts:read")], Term::Days(30))
        .await
        .unwrap();
    requests::refuse(&app.store, alice, &refused).await.unwrap();
    let before = app.ledger_length("alice").await;
    let twice = [
        requests::approve(&app.store, alice, &approved, &[choice("posts:read")], Term::Days(90)).await,
        requests::refuse(&app.store, alice, &approved).await,
        requests::approve(&app.store, alice, &refused, &[choice("posts:read")], Term::Days(90)).await,
    ];
    assert_eq!(
        twice.iter().map(already_decided).collect::<Vec<_>>(),
        [
            Some(RequestStatus::Approved),
            Some(RequestStatus::Approved),
            Some(RequestStatus::Refused)
        ]
    );
    assert!(twice[0].as_ref().unwrap_err().to_string().contains("already decided"));
    assert_eq!(
        app.ledger_length("alice").await,
        before,
        "a second answer writes nothing"
    );
    assert_eq!(state(&app, "bing", &refused).await.1["status"], "refused");
    assert_eq!(app.decision("bing", "alice", "posts", "read").await["decision"], "deny");
}
on_both_engines!(a_request_is_answered_once_and_only_by_its_person);

async fn two_instances_approving_one_request_at_once_one_wins(app: TestApp) {
    let alice = app.user_id("alice").await;
    // A second instance's store on PostgreSQL; SQLite is served by one process only, so there
    // the two answers race inside it.
    let other: Store = match app.engine {
        Engine::Postgres => Store::connect(&app.database_url).await.unwrap(),
        Engine::Sqlite => app.store.clone(),
    };
    // (The New York Times has the demo's request to Alice pending.)
    for partner in ["amazon", "apple", "yahoo", "bing", "rbc"] {
        let id = asked(
            &app,
            partner,
            &asking("alice", &[("posts", &["read", "write"])], Some(90)),
        )
        .await;
        let before = app.ledger_length("alice").await;
        let (some, all) = ([choice("posts:read")], [choice("posts:read"), choice("posts:write")]);
        let (first, second) = tokio::join!(
            requests::approve(&app.store, alice, &id, &some, Term::Days(30)),
            requests::approve(&other, alice, &id, &all, Term::Days(90)),
        );
        let outcomes = [first, second];
        let winners = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(winners, 1, "{partner}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .any(|o| already_decided(o) == Some(RequestStatus::Approved)),
            "{partner}: the other says the request was already decided: {outcomes:?}"
        );
        let written = app.ledger_length("alice").await - before;
        assert_eq!(
            written, 2,
            "{partner}: one answer's events (granted or refused per access) only"
        );
    }
    the_ledger_still_verifies(&app).await;
}
on_both_engines!(two_instances_approving_one_request_at_once_one_wins);

async fn the_dashboard_says_until_when_an_approved_access_lasts(app: TestApp) {
    let alice = app.user_id("alice").await;
    let id = asked(&app, "yandex", &asking("alice", &[("contacts", &["read"])], None)).await;
    requests::approve(&app.store, alice, &id, &[choice("contacts:read")], Term::Days(90))
        .await
        .unwrap();
    let ends = who_can_see::server::clock::human_date(now_ms() + 90 * DAY_MS);
    let cookie = app.sign_in(ALICE).await;
    let page = app.page(&cookie, "/").await.text().await.unwrap();
    assert!(
        page.contains(&format!("read until {ends}")),
        "the end date is on the dashboard"
    );
    // A grant given until taken back says no end date.
    let id = asked(&app, "apple", &asking("alice", &[("posts", &["read"])], None)).await;
    requests::approve(&app.store, alice, &id, &[choice("posts:read")], Term::UntilTakenBack)
        .await
        .unwrap();
    let page = app.page(&cookie, "/").await.text().await.unwrap();
    assert_eq!(
        page.matches("class=\"until\"").count(),
        1,
        "only the grant with a term has an end"
    );
}
on_both_engines!(the_dashboard_says_until_when_an_approved_access_lasts);
