//! `who-can-see scale-out-load`: the load `scripts/scale-out` runs through the balancer. Each
//! of `--people` people revokes one access and gets it back, over and over, through the web
//! API; after every acknowledged revocation a partner asks the check API about it, and must be
//! denied. Partners meanwhile ask about everyone. At the end it reads the ledger (on
//! DATABASE_URL) to find any acknowledged revocation that was lost, and reports what failed
//! and why. Exits non-zero on a stale allow or a lost revocation.

use crate::domain::decision::GrantStatus;
use crate::server::clock::now_ms;
use crate::server::storage::Store;
use crate::server::tools::demo::add_demo_user;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct ScaleOutLoadArgs {
    /// The balancer (or one instance).
    #[arg(long, default_value = "http://127.0.0.1:3100")]
    pub url: String,
    /// How long to send load.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// People revoking and allowing again at the same time.
    #[arg(long, default_value_t = 8)]
    pub people: usize,
    /// Partner tasks asking checks at the same time, besides those after each revocation.
    #[arg(long, default_value_t = 8)]
    pub checkers: usize,
}

const PASSWORD: &str = "scale-out-password";

/// What a partner asks about one person: may it do this access on this category?
#[derive(Clone)]
struct Question {
    handle: String,
    partner: String,
    category: String,
    access: String,
}

/// One person of the load: their sign-in cookie, and the grant they revoke.
struct Person {
    cookie: String,
    grant: i64,
    question: Question,
}

/// What the whole run saw.
#[derive(Default)]
struct Report {
    answered: BTreeMap<&'static str, u64>,
    failed: BTreeMap<String, u64>,
    stale_allows: u64,
    /// (grant, how many of its revocations were acknowledged).
    acknowledged: BTreeMap<i64, u64>,
}

type Shared = Arc<Mutex<Report>>;

fn note(
    report: &Shared,
    what: &'static str,
    outcome: Result<reqwest::Response, reqwest::Error>,
) -> Option<reqwest::Response> {
    let mut report = report.lock().unwrap_or_else(|p| p.into_inner());
    match outcome {
        Ok(response) if response.status().is_success() => {
            *report.answered.entry(what).or_default() += 1;
            Some(response)
        }
        Ok(response) => {
            *report
                .failed
                .entry(format!("{what}: HTTP {}", response.status()))
                .or_default() += 1;
            None
        }
        Err(error) => {
            let why = if error.is_timeout() {
                "timed out"
            } else if error.is_connect() {
                "could not connect"
            } else {
                "connection closed without an answer"
            };
            *report.failed.entry(format!("{what}: {why}")).or_default() += 1;
            None
        }
    }
}

async fn decision(client: &reqwest::Client, url: &str, report: &Shared, question: &Question) -> Option<String> {
    let sent = client
        .post(format!("{url}/api/v1/check"))
        .bearer_auth(format!("demo-key-{}", question.partner))
        .json(&serde_json::json!({
            "user": question.handle, "category": question.category, "access": question.access,
        }))
        .send()
        .await;
    let answer: serde_json::Value = note(report, "check", sent)?.json().await.ok()?;
    answer["decision"].as_str().map(str::to_owned)
}

/// Posts the person's grant to the web API's `action` (revoke, allow-again), as the page does.
async fn post_grant(
    client: &reqwest::Client,
    url: &str,
    action: &str,
    person: &Person,
) -> Result<reqwest::Response, reqwest::Error> {
    client
        .post(format!("{url}/api/{action}"))
        .header("cookie", &person.cookie)
        .header("accept", "application/json")
        .form(&[("grant", person.grant.to_string())])
        .send()
        .await
}

async fn revoke_and_allow_again(client: reqwest::Client, url: String, report: Shared, person: Person, until: Instant) {
    while Instant::now() < until {
        let revoked = post_grant(&client, &url, "revoke", &person).await;
        if let Some(answer) = note(&report, "revocation", revoked) {
            // "Took it back" names the grant in `undo`; an allow-again that failed leaves the
            // grant withdrawn, and revoking it again changes nothing and writes no event.
            let change: serde_json::Value = answer.json().await.unwrap_or_default();
            let took_back = change["undo"]
                .as_array()
                .is_some_and(|undo| undo.iter().any(|id| id.as_i64() == Some(person.grant)));
            if took_back {
                let mut report = report.lock().unwrap_or_else(|p| p.into_inner());
                *report.acknowledged.entry(person.grant).or_default() += 1;
            }
            // The very next check, on whichever instance the balancer picks, must deny.
            if decision(&client, &url, &report, &person.question).await.as_deref() == Some("allow") {
                report.lock().unwrap_or_else(|p| p.into_inner()).stale_allows += 1;
            }
        }
        let again = post_grant(&client, &url, "allow-again", &person).await;
        note(&report, "allow again", again);
    }
}

async fn ask_checks(
    client: reqwest::Client,
    url: String,
    report: Shared,
    questions: Arc<Vec<Question>>,
    until: Instant,
) {
    let mut n = 0;
    while Instant::now() < until {
        decision(&client, &url, &report, &questions[n % questions.len()]).await;
        n += 1;
    }
}

async fn sign_up(store: &Store, client: &reqwest::Client, url: &str, n: usize) -> anyhow::Result<Person> {
    let email = format!("scale-{n}-{}@example.test", now_ms());
    let handle = add_demo_user(store, &email, PASSWORD, "Scale Out").await?;
    let user = store
        .user_id_by_handle(&handle)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the new person vanished"))?;
    let catalog = store.catalog().await?;
    let grant = store
        .grants_of_user(user)
        .await?
        .into_iter()
        .find(|g| g.status == GrantStatus::Active)
        .ok_or_else(|| anyhow::anyhow!("a demo person has an active grant"))?;
    let signed_in = client
        .post(format!("{url}/sign-in"))
        .form(&[("email", email.as_str()), ("password", PASSWORD)])
        .send()
        .await?;
    let cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("signing in through {url} set no cookie ({})", signed_in.status()))?
        .to_owned();
    let named = |found: Option<&crate::server::storage::consent::catalog_entry::CatalogEntry>| {
        found.map(|e| e.slug.clone()).unwrap_or_default()
    };
    Ok(Person {
        cookie,
        grant: grant.id,
        question: Question {
            handle,
            partner: named(catalog.partner(grant.partner_id)),
            category: named(catalog.category(grant.category_id)),
            access: grant.access.as_str().to_owned(),
        },
    })
}

/// Acknowledged revocations missing from the ledger.
async fn lost_revocations(store: &Store, acknowledged: &BTreeMap<i64, u64>) -> anyhow::Result<u64> {
    let mut lost = 0;
    for (grant, count) in acknowledged {
        let kept = store.withdrawals_of_grant(*grant).await?;
        lost += count.saturating_sub(u64::try_from(kept).unwrap_or(0));
    }
    Ok(lost)
}

pub async fn scale_out_load(database_url: &str, args: &ScaleOutLoadArgs) -> anyhow::Result<()> {
    let store = Store::connect(database_url).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut people = Vec::new();
    for n in 0..args.people.max(1) {
        people.push(sign_up(&store, &client, &args.url, n).await?);
    }
    let report: Shared = Arc::default();
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let mut tasks = tokio::task::JoinSet::new();
    let questions: Arc<Vec<Question>> = Arc::new(people.iter().map(|p| p.question.clone()).collect());
    for _ in 0..args.checkers {
        tasks.spawn(ask_checks(
            client.clone(),
            args.url.clone(),
            report.clone(),
            questions.clone(),
            until,
        ));
    }
    for person in people {
        tasks.spawn(revoke_and_allow_again(
            client.clone(),
            args.url.clone(),
            report.clone(),
            person,
            until,
        ));
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed().as_secs_f64();
    let report = std::mem::take(&mut *report.lock().unwrap_or_else(|p| p.into_inner()));
    let lost = lost_revocations(&store, &report.acknowledged).await?;
    store.close().await;

    let answered: u64 = report.answered.values().sum();
    let failed: u64 = report.failed.values().sum();
    println!(
        "requests answered: {answered} in {elapsed:.1}s ({:.0}/s)",
        answered as f64 / elapsed
    );
    for (what, count) in &report.answered {
        println!("  {what}: {count}");
    }
    println!("requests failed: {failed}");
    for (why, count) in &report.failed {
        println!("  {why}: {count}");
    }
    let acknowledged: u64 = report.acknowledged.values().sum();
    println!("acknowledged revocations: {acknowledged}");
    println!("stale allows: {}", report.stale_allows);
    println!("acknowledged revocations lost: {lost}");
    anyhow::ensure!(
        report.stale_allows == 0 && lost == 0,
        "{} stale allows, {lost} acknowledged revocations lost",
        report.stale_allows
    );
    Ok(())
}
