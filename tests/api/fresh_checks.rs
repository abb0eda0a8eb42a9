//! Once a revocation is acknowledged, every check that begins after it denies, on any instance.
//!
//! A referee follows each grant through four moments the person's side knows (allowed, revocation
//! sent, revocation acknowledged, allow-again sent). A check judged is one during which the grant
//! stood still: acknowledged taken back, it must deny; acknowledged allowed, it must allow.

use crate::helpers::{ALICE, Engine, TestApp, serve_args, spawn_app};
use crate::own_cluster::serve_on;
use crate::real_server::sign_in;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::time::Duration;

/// Alice's grants the tests take back and give again, as (partner, category, access).
pub const GRANTS: [(&str, &str, &str); 4] = [
    ("spotify", "messages", "read"),
    ("netflix", "messages", "read"),
    ("rbc", "messages", "read"),
    ("bing", "friends", "read"),
];

/// How long a grant stays taken back, then given again, before the next change: long enough
/// for checks to begin and end within it.
const HOLD: Duration = Duration::from_millis(50);

/// One grant's moments: a counter stepped at each; `% 4` is 0 allowed, 1 revocation sent,
/// 2 revocation acknowledged, 3 allow-again sent.
pub struct Grant {
    pub id: i64,
    pub partner: &'static str,
    pub category: &'static str,
    pub access: &'static str,
    moment: AtomicU64,
}

#[derive(Default)]
pub struct Tally {
    /// Checks that began after a revocation was acknowledged, and ended before "allow again"
    /// was sent.
    pub judged_taken_back: AtomicU64,
    /// Of those, the ones that allowed: must stay 0.
    pub stale_allows: AtomicU64,
    /// Checks that began after "allow again" was acknowledged and ended before the next
    /// revocation was sent.
    pub judged_allowed: AtomicU64,
    /// Of those, the ones that denied: must stay 0.
    pub missed_allows: AtomicU64,
    /// Checks answered with something other than 200 (the database was away).
    pub unavailable: AtomicU64,
}

pub struct Referee {
    pub grants: Vec<Grant>,
    pub tally: Tally,
    pub stop: AtomicBool,
}

impl Referee {
    pub async fn for_alice(app: &TestApp) -> Arc<Referee> {
        let mut grants = Vec::new();
        for (partner, category, access) in GRANTS {
            grants.push(Grant {
                id: app.grant_id("alice", partner, category, access).await,
                partner,
                category,
                access,
                moment: AtomicU64::new(0),
            });
        }
        Arc::new(Referee {
            grants,
            tally: Tally::default(),
            stop: AtomicBool::new(false),
        })
    }

    pub fn count(&self, figure: &AtomicU64) -> u64 {
        figure.load(SeqCst)
    }
}

/// A client as the tests' people and partners use: redirects are answers, not followed.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Posts `form` to `path` at `address` as script does until it is acknowledged (200); a 503
/// (the database away) changed nothing, so it is simply sent again.
pub async fn until_acknowledged(
    client: &reqwest::Client,
    address: &str,
    cookie: &str,
    path: &str,
    form: &[(&str, String)],
) {
    loop {
        let answer = client
            .post(format!("{address}{path}"))
            .header("cookie", cookie)
            .header("accept", "application/json")
            .form(form)
            .send()
            .await;
        match answer.map(|a| a.status().as_u16()) {
            Ok(200) => return,
            Ok(503) | Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            Ok(other) => panic!("{path} answered {other}"),
        }
    }
}

/// Takes grant `index` back and gives it again on the instance at `address`, over and over,
/// until told to stop.
pub async fn revoke_and_allow_again(address: String, referee: Arc<Referee>, index: usize) {
    let client = client();
    let cookie = sign_in(&client, &address, ALICE.0, ALICE.1).await;
    let grant = &referee.grants[index];
    let form = [("grant", grant.id.to_string())];
    while !referee.stop.load(SeqCst) {
        grant.moment.fetch_add(1, SeqCst);
        until_acknowledged(&client, &address, &cookie, "/api/revoke", &form).await;
        grant.moment.fetch_add(1, SeqCst);
        tokio::time::sleep(HOLD).await;
        grant.moment.fetch_add(1, SeqCst);
        until_acknowledged(&client, &address, &cookie, "/api/allow-again", &form).await;
        grant.moment.fetch_add(1, SeqCst);
        tokio::time::sleep(HOLD).await;
    }
}

/// Asks the instance at `address` about grant `index`: the status, and whether it allowed
/// (`None` unless 200; status 0 when no answer came at all).
pub async fn ask(client: &reqwest::Client, address: &str, referee: &Referee, index: usize) -> (u16, Option<bool>) {
    let grant = &referee.grants[index];
    let answer = client
        .post(format!("{address}/api/v1/check"))
        .bearer_auth(format!("demo-key-{}", grant.partner))
        .json(&serde_json::json!({"user": "alice", "category": grant.category, "access": grant.access}))
        .send()
        .await;
    let Ok(answer) = answer else {
        return (0, None);
    };
    let status = answer.status().as_u16();
    if status != 200 {
        assert_eq!(
            status, 503,
            "a check fails only as unavailable, while the database is away"
        );
        return (status, None);
    }
    let decision: serde_json::Value = answer.json().await.unwrap();
    (status, Some(decision["decision"] == "allow"))
}

/// One check of grant `index` on the instance at `address`, judged against the referee.
/// Returns the status it got.
pub async fn judged_check(client: &reqwest::Client, address: &str, referee: &Referee, index: usize) -> u16 {
    let grant = &referee.grants[index];
    let before = grant.moment.load(SeqCst);
    let (status, allowed) = ask(client, address, referee, index).await;
    let Some(allowed) = allowed else {
        referee.tally.unavailable.fetch_add(1, SeqCst);
        return status;
    };
    if grant.moment.load(SeqCst) != before {
        return status;
    }
    let tally = &referee.tally;
    match before % 4 {
        2 => {
            tally.judged_taken_back.fetch_add(1, SeqCst);
            if allowed {
                tally.stale_allows.fetch_add(1, SeqCst);
            }
        }
        0 => {
            tally.judged_allowed.fetch_add(1, SeqCst);
            if !allowed {
                tally.missed_allows.fetch_add(1, SeqCst);
            }
        }
        _ => {}
    }
    status
}

/// Checks random grants on the instance at `address` until told to stop.
pub async fn check_until_stopped(address: String, referee: Arc<Referee>, seed: usize) {
    let client = client();
    let mut index = seed;
    while !referee.stop.load(SeqCst) {
        index = (index * 7 + 3) % referee.grants.len();
        judged_check(&client, &address, &referee, index).await;
    }
}

/// People taking each grant back and giving it again on one instance, and one checker per
/// address given, until stopped.
pub struct Load {
    referee: Arc<Referee>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    pub fn start(referee: &Arc<Referee>, revoke_at: &str, checkers: &[String]) -> Load {
        let mut tasks = Vec::new();
        for index in 0..referee.grants.len() {
            tasks.push(tokio::spawn(revoke_and_allow_again(
                revoke_at.to_owned(),
                referee.clone(),
                index,
            )));
        }
        for (seed, address) in checkers.iter().enumerate() {
            tasks.push(tokio::spawn(check_until_stopped(
                address.clone(),
                referee.clone(),
                seed,
            )));
        }
        Load {
            referee: referee.clone(),
            tasks,
        }
    }

    /// Stops every task and waits for each to end (a task's failed assertion fails the test).
    pub async fn stop(self) {
        self.referee.stop.store(true, SeqCst);
        for task in self.tasks {
            task.await.unwrap();
        }
    }
}

pub fn assert_fresh(referee: &Referee, at_least: u64) {
    let tally = &referee.tally;
    let judged = referee.count(&tally.judged_taken_back);
    assert!(
        judged >= at_least,
        "only {judged} checks fell while a revocation stood: the test proved too little"
    );
    assert_eq!(
        referee.count(&tally.stale_allows),
        0,
        "checks allowed what was taken back"
    );
    assert!(referee.count(&tally.judged_allowed) >= at_least);
    assert_eq!(
        referee.count(&tally.missed_allows),
        0,
        "checks denied what was given again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_on_one_instance_deny_at_once_what_another_took_back() {
    let a = spawn_app(Engine::Postgres).await;
    let b = serve_on(&a.database_url, serve_args(false)).await;
    let referee = Referee::for_alice(&a).await;
    let checkers = vec![b.address.clone(); 8];
    let load = Load::start(&referee, &a.address, &checkers);
    tokio::time::sleep(Duration::from_secs(8)).await;
    load.stop().await;
    assert_eq!(referee.count(&referee.tally.unavailable), 0);
    assert_fresh(&referee, 200);
}
