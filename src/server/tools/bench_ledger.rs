//! `who-can-see bench-ledger`: how many revocations per second the consent store commits,
//! and how long each commit takes. A benchmark command, never a timed test.

use crate::domain::revocation::RevocationScope;
use crate::server::clock::now_ms;
use crate::server::storage::consent::grants::Actor;
use crate::server::storage::{Engine, Store};
use crate::server::tools::demo::add_demo_user;
use std::time::{Duration, Instant};

/// `count` fresh demo users, each with one of their grants: (user id, grant id).
pub async fn bench_users(store: &Store, count: usize) -> anyhow::Result<Vec<(i64, i64)>> {
    let mut users = Vec::new();
    for n in 0..count {
        let email = format!("bench-{n}-{}@example.test", now_ms());
        let handle = add_demo_user(store, &email, "bench-password", "Bench").await?;
        let user = store
            .user_id_by_handle(&handle)
            .await?
            .ok_or_else(|| anyhow::anyhow!("bench user vanished"))?;
        let grant = store.grants_of_user(user).await?[0].id;
        users.push((user, grant));
    }
    Ok(users)
}

pub async fn bench_ledger(store: &Store, revocations: usize, concurrency: usize) -> anyhow::Result<()> {
    let concurrency = concurrency.max(1);
    let users = bench_users(store, concurrency).await?;
    let per_task = revocations.div_ceil(concurrency);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (user, grant) in users {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_task);
            for _ in 0..per_task {
                let begun = Instant::now();
                store
                    .revoke(user, &RevocationScope::Grant(grant), Actor::User(user), now_ms())
                    .await?;
                latencies.push(begun.elapsed());
                // Give it back (not timed) so the next revocation commits a real change.
                store
                    .allow_again(user, grant, Actor::User(user), None, now_ms())
                    .await?;
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let percentile = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let engine = match store.engine() {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    // Each loop commits two transactions (revoke, allow again); count both.
    let commits = latencies.len() * 2;
    println!(
        "engine={engine} concurrency={concurrency} revocations={} commits={commits} elapsed={:.2}s \
         commits_per_s={:.0} revoke_p50={:.2}ms revoke_p99={:.2}ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        commits as f64 / elapsed.as_secs_f64(),
        percentile(0.50).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
    );
    Ok(())
}
