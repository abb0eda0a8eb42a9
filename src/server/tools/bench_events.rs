//! `who-can-see bench-events`: how many events per second the dispatcher delivers to a real
//! receiving partner on this machine (the `partner-receiver`'s routes, verifying every
//! signature, over loopback HTTP), and how long a change waits until its partner confirms.
//! A benchmark command, never a timed test.

use crate::domain::revocation::RevocationScope;
use crate::server::clock::now_ms;
use crate::server::notify::dispatcher::{self, Dispatcher};
use crate::server::notify::endpoint::EndpointPolicy;
use crate::server::notify::signing_keys::SigningKeys;
use crate::server::storage::consent::grants::Actor;
use crate::server::storage::{Engine, Store};
use crate::server::tools::bench_ledger::bench_users;
use crate::server::tools::partner_receiver::receiver_router;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Makes `events` consent changes, from `users` at once: each a revocation or an "allow again".
async fn make_changes(store: &Store, users: &[(i64, i64)], events: usize) -> anyhow::Result<()> {
    let per_user = events.div_ceil(users.len());
    let mut tasks = tokio::task::JoinSet::new();
    for &(user, grant) in users {
        let store = store.clone();
        tasks.spawn(async move {
            for n in 0..per_user {
                if n % 2 == 0 {
                    store
                        .revoke(user, &RevocationScope::Grant(grant), Actor::User(user), now_ms())
                        .await?;
                } else {
                    store
                        .allow_again(user, grant, Actor::User(user), None, now_ms())
                        .await?;
                }
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(())
}

/// Waits until the outbox is empty; fails if it stops shrinking for a minute.
async fn until_told(store: &Store) -> anyhow::Result<()> {
    let mut last = (i64::MAX, Instant::now());
    loop {
        let backlog = store.outbox_backlog().await?;
        if backlog == 0 {
            return Ok(());
        }
        if backlog < last.0 {
            last = (backlog, Instant::now());
        }
        anyhow::ensure!(
            last.1.elapsed() < Duration::from_secs(60),
            "{backlog} events were not delivered within a minute"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

pub async fn bench_events(store: &Store, events: usize, concurrency: usize) -> anyhow::Result<()> {
    let folder = std::env::temp_dir().join(format!("who-can-see-bench-events-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let keys = Arc::new(SigningKeys::load_or_create(
        &folder.join("signing-keys.json"),
        now_ms(),
    )?);
    let jwks_file = folder.join("jwks.json");
    std::fs::write(&jwks_file, keys.jwks().to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let receiver = listener.local_addr()?;
    let router = receiver_router(&jwks_file.to_string_lossy());
    let receiving = tokio::spawn(async move { axum::serve(listener, router).await });
    for partner in store.partners().await? {
        let endpoint = format!("http://{receiver}/events/{}", partner.slug);
        store.set_partner_endpoint(&partner.slug, Some(&endpoint)).await?;
    }
    let policy = EndpointPolicy {
        allow_http_loopback: true,
    };
    let dispatcher = Dispatcher::new(store.clone(), keys, "https://bench.who-can-see.test".into(), policy)?;
    let users = bench_users(store, concurrency.max(1)).await?;

    // A backlog, made while nothing sends, then sent as fast as it goes.
    make_changes(store, &users, events).await?;
    let backlog = store.outbox_backlog().await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let sending = tokio::spawn(dispatcher::run(dispatcher, stopped));
    until_told(store).await?;
    let drained = started.elapsed();

    // Changes while the dispatcher runs: how long each waits until its partner confirms.
    let first_live = store.newest_notification_id().await?;
    make_changes(store, &users, events).await?;
    until_told(store).await?;
    let delays = store.told_delays_ms(first_live).await?;
    stop.send_replace(true);
    let _ = sending.await;
    receiving.abort();
    let _ = std::fs::remove_dir_all(&folder);

    anyhow::ensure!(!delays.is_empty(), "no live change was delivered");
    let percentile = |p: f64| delays[((delays.len() as f64 * p) as usize).min(delays.len() - 1)];
    let engine = match store.engine() {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    println!(
        "engine={engine} backlog={backlog} drained={:.2}s delivered_per_s={:.0} \
         live_changes={} told_p50={}ms told_p99={}ms",
        drained.as_secs_f64(),
        backlog as f64 / drained.as_secs_f64(),
        delays.len(),
        percentile(0.50),
        percentile(0.99),
    );
    Ok(())
}
