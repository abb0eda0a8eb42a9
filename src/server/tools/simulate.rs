//! `who-can-see simulate`: sends the partner traffic the 2018 reports describe (Spotify reading
//! and writing messages, Bing reading friends, ...) to a running instance's partner API with the
//! demo keys, at a modest, irregular rate, and asks about demo users' friends through them, as
//! Bing and Amazon did. It keeps asking after a user takes access back or says no, so the
//! Activity and "Through your friends" pages fill with use and with refused attempts.

mod asking;

use crate::domain::demo_accounts::DEMO_FRIENDSHIPS;
use crate::server::tools::demo::demo_key;
use asking::{Asked, ask_consent};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The running instance to send partner traffic to.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// How long to send traffic; 0 keeps going until the instance stops answering.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// Checks per second on average, all partners together.
    #[arg(long, default_value_t = 5.0)]
    pub rate: f64,
    /// Handles of the users partners ask about (the demo users by default).
    #[arg(long, value_delimiter = ',', default_value = "alice,bob")]
    pub users: Vec<String>,
    /// Seconds between consent requests on average (a partner asking a user for access); 0
    /// sends none.
    #[arg(long, default_value_t = 30.0)]
    pub request_every: f64,
}

/// What partners ask, and how often relative to each other: the reported uses first, then
/// one that ran out (Yandex's friends list, until 2017) and one never granted (Bing and messages).
/// Spotify never deletes and Netflix never reads (as Netflix said in 2018), so the dashboard
/// shows rights never used, and a warning that Netflix's expires unless it is used.
const TRAFFIC: &[(&str, &str, &str, u32)] = &[
    ("spotify", "messages", "read", 10),
    ("spotify", "messages", "write", 5),
    ("rbc", "messages", "read", 4),
    ("bing", "friends", "read", 8),
    ("amazon", "contacts", "read", 4),
    ("amazon", "friends", "read", 4),
    ("yandex", "profile", "read", 2),
    ("apple", "contacts", "read", 2),
    ("apple", "calendar", "read", 2),
    ("yahoo", "posts", "read", 2),
    ("nytimes", "friends", "read", 3),
    ("yandex", "friends", "read", 1),
    ("bing", "messages", "read", 1),
];

/// What partners ask about the user's friends through the user (`via`), and how often: what the
/// 2018 reports say each read through friends lists. One check in three is one of these.
const THROUGH_FRIENDS: &[(&str, &str, u32)] = &[
    ("bing", "profile", 6),
    ("amazon", "contacts", 3),
    ("amazon", "profile", 2),
    ("apple", "calendar", 2),
    ("yahoo", "posts", 2),
    ("nytimes", "profile", 2),
];

/// The simulator gives up when the instance has not answered for this long (it was stopped).
const GIVE_UP_AFTER: Duration = Duration::from_secs(10);

/// What happened to the checks of one second, or of the whole run.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    allowed: u64,
    denied: u64,
    /// Denials of something the user took back or that ran out: the attempts kept as evidence.
    refused: u64,
    failed: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.allowed += other.allowed;
        self.denied += other.denied;
        self.refused += other.refused;
        self.failed += other.failed;
    }

    fn line(&self) -> String {
        format!(
            "sent {:>4}  allowed {:>4}  denied {:>4} (of which refused after an end {:>3})  failed {:>3}",
            self.allowed + self.denied + self.failed,
            self.allowed,
            self.denied,
            self.refused,
            self.failed
        )
    }
}

/// One of `choices`, each as likely as its weight.
fn pick<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, weight)| weight).sum();
    let mut ticket = rng.gen_range(0..total);
    for &(choice, weight) in choices {
        if ticket < weight {
            return choice;
        }
        ticket -= weight;
    }
    unreachable!("the ticket is below the total weight")
}

/// The question to send about `user`: about their own grants, or (one in three, when they have
/// demo friends) about one of their friends, seen through them.
fn question(rng: &mut StdRng, user: &str) -> (&'static str, serde_json::Value) {
    let friends: Vec<&str> = DEMO_FRIENDSHIPS
        .iter()
        .filter_map(|&(a, b)| (a == user).then_some(b).or((b == user).then_some(a)))
        .collect();
    if !friends.is_empty() && rng.gen_range(0..3) == 0 {
        let choices: Vec<((&str, &str), u32)> = THROUGH_FRIENDS
            .iter()
            .map(|&(partner, category, weight)| ((partner, category), weight))
            .collect();
        let (partner, category) = pick(rng, &choices);
        let person = friends[rng.gen_range(0..friends.len())];
        let body = serde_json::json!({ "user": person, "category": category, "access": "read", "via": user });
        return (partner, body);
    }
    let choices: Vec<((&str, &str, &str), u32)> = TRAFFIC
        .iter()
        .map(|&(partner, category, access, weight)| ((partner, category, access), weight))
        .collect();
    let (partner, category, access) = pick(rng, &choices);
    (
        partner,
        serde_json::json!({ "user": user, "category": category, "access": access }),
    )
}

/// Asks one question; `None` when the instance could not be reached at all.
async fn ask(client: &reqwest::Client, url: &str, user: &str, rng: &mut StdRng) -> Option<Tally> {
    let (partner, body) = question(rng, user);
    let sent = client.post(url).bearer_auth(demo_key(partner)).json(&body).send().await;
    let mut tally = Tally::default();
    match sent {
        Err(error) if error.is_connect() => return None,
        Ok(response) if response.status().is_success() => match response.json::<serde_json::Value>().await {
            Ok(answer) if answer["decision"] == "allow" => tally.allowed = 1,
            Ok(answer) => {
                tally.denied = 1;
                if !matches!(
                    answer["reason"].as_str(),
                    Some("never_granted" | "not_a_friend" | "friend_did_not_grant")
                ) {
                    tally.refused = 1;
                }
            }
            Err(_) => tally.failed = 1,
        },
        _ => tally.failed = 1,
    }
    Some(tally)
}

/// When to send the next consent request: `every` seconds on average, never if 0.
fn next_request_at(every: f64, rng: &mut StdRng) -> Option<Instant> {
    (every > 0.0).then(|| {
        let gap = -(1.0 - rng.r#gen::<f64>()).ln() * every;
        Instant::now() + Duration::from_secs_f64(gap.min(every * 10.0))
    })
}

/// Sends traffic for `args.seconds`, printing one line a second and a summary at the end.
pub async fn simulate(args: &SimulateArgs) -> anyhow::Result<()> {
    anyhow::ensure!(!args.users.is_empty(), "Name at least one user with --users.");
    anyhow::ensure!(args.rate > 0.0, "--rate must be above 0.");
    anyhow::ensure!(args.request_every >= 0.0, "--request-every must be 0 or more.");
    let url = format!("{}/api/v1/check", args.url.trim_end_matches('/'));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?;
    let mut rng = StdRng::from_entropy();
    let started = Instant::now();
    let stop_at = (args.seconds > 0).then(|| started + Duration::from_secs(args.seconds));
    let (mut second, mut this_second, mut total) = (1u64, Tally::default(), Tally::default());
    let mut last_answer = Instant::now();
    let mut next_request = next_request_at(args.request_every, &mut rng);
    println!("simulate: partner traffic to {url}, about {} checks/s", args.rate);
    while stop_at.is_none_or(|end| Instant::now() < end) {
        // Exponential gaps: arrivals at random moments, `rate` a second on average.
        let gap = -(1.0 - rng.r#gen::<f64>()).ln() / args.rate;
        tokio::time::sleep(Duration::from_secs_f64(gap.min(5.0))).await;
        let user = &args.users[rng.gen_range(0..args.users.len())];
        if next_request.is_some_and(|at| Instant::now() >= at) {
            let asked = ask_consent(&client, args.url.trim_end_matches('/'), user, &mut rng).await;
            if asked == Asked::Pending {
                println!("simulate: a partner asked {user} for access (a new request to answer)");
            }
            next_request = next_request_at(args.request_every, &mut rng);
        }
        match ask(&client, &url, user, &mut rng).await {
            Some(tally) => {
                this_second.add(tally);
                last_answer = Instant::now();
            }
            None if last_answer.elapsed() > GIVE_UP_AFTER => {
                println!("simulate: {url} has not answered for {GIVE_UP_AFTER:?}; stopping.");
                break;
            }
            None => this_second.failed += 1,
        }
        if started.elapsed() >= Duration::from_secs(second) {
            println!("simulate: {second:>4}s  {}", this_second.line());
            total.add(std::mem::take(&mut this_second));
            second = started.elapsed().as_secs() + 1;
        }
    }
    total.add(this_second);
    println!(
        "simulate: done after {:.1}s: {}",
        started.elapsed().as_secs_f64(),
        total.line()
    );
    Ok(())
}
