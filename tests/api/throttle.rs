//! The stored sign-in failure count: one atomic statement per failure, on both engines.

use crate::helpers::TestApp;
use crate::on_both_engines;
use who_can_see::domain::throttle::{ACCOUNT_LIMIT, LOCK_MS, WINDOW_MS};

const NOW: i64 = 1_800_000_000_000;

async fn failures_lock_at_the_limit_and_are_forgotten_after_the_window(app: TestApp) {
    let record = |at: i64| {
        app.store
            .record_sign_in_failure("account:t@example.com", at, ACCOUNT_LIMIT)
    };
    for n in 1..ACCOUNT_LIMIT {
        let failures = record(NOW + n).await.unwrap();
        assert_eq!(failures.count, n);
        assert_eq!(
            failures.window_started_at,
            NOW + 1,
            "the window starts at the first failure"
        );
        assert!(!failures.locked_at(NOW + n), "not locked after {n}");
    }
    let locked = record(NOW + 10).await.unwrap();
    assert_eq!(locked.count, ACCOUNT_LIMIT);
    assert_eq!(locked.locked_until, Some(NOW + 10 + LOCK_MS));
    assert!(locked.locked_at(NOW + 11));
    assert!(!locked.locked_at(NOW + 10 + LOCK_MS), "the lock ends");

    let later = NOW + 1 + WINDOW_MS + 1;
    let fresh = record(later).await.unwrap();
    assert_eq!(
        (fresh.count, fresh.window_started_at),
        (1, later),
        "old failures are forgotten"
    );
    assert_eq!(
        app.store.sign_in_failures("account:t@example.com").await.unwrap(),
        fresh,
        "what is returned is what is stored"
    );
}
on_both_engines!(failures_lock_at_the_limit_and_are_forgotten_after_the_window);

async fn parallel_failures_are_each_counted(app: TestApp) {
    const FAILURES: i64 = 40;
    let mut failures = tokio::task::JoinSet::new();
    for n in 0..FAILURES {
        let store = app.store.clone();
        failures.spawn(async move { store.record_sign_in_failure("address:192.0.2.1", NOW + n, 1000).await });
    }
    let mut counts: Vec<i64> = failures
        .join_all()
        .await
        .into_iter()
        .map(|result| result.unwrap().count)
        .collect();
    counts.sort();
    assert_eq!(
        counts,
        (1..=FAILURES).collect::<Vec<_>>(),
        "each failure saw its own count"
    );
}
on_both_engines!(parallel_failures_are_each_counted);
