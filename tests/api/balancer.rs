//! Two real instances on one PostgreSQL behind real HAProxy (`scripts/scale-out --chaos`): one
//! instance is killed with SIGKILL mid-load and started again, and through it all no check
//! allows an access whose revocation was acknowledged, and no acknowledged revocation is lost.

use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_an_instance_behind_haproxy_loses_nothing_and_allows_nothing_stale() {
    let output = tokio::task::spawn_blocking(|| {
        Command::new("scripts/scale-out")
            .arg("--chaos")
            .env("WCS_SCALE_BIN", env!("CARGO_BIN_EXE_who-can-see"))
            .env("WCS_SCALE_SECONDS", "18")
            .output()
            .expect("scripts/scale-out runs")
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{report}\n{log}");
    assert!(log.contains("chaos: killing instance b (SIGKILL)"), "{log}");
    assert!(log.contains("chaos: instance b ready again"), "{log}");
    assert!(report.contains("\nstale allows: 0\n"), "{report}");
    assert!(report.contains("\nacknowledged revocations lost: 0\n"), "{report}");
    let acknowledged: u64 = report
        .lines()
        .find_map(|line| line.strip_prefix("acknowledged revocations: "))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or(0);
    assert!(
        acknowledged >= 50,
        "the load made revocations through the balancer: {report}"
    );
}
