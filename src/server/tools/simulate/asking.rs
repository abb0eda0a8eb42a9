//! The consent requests `simulate` sends now and then: Spotify asking for more than it holds,
//! and partners asking for data they never had. A request the person must answer first (409)
//! or one refused lately (429) is simply not sent again; partners do not nag.

use crate::server::tools::demo::demo_key;
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::json;

/// A partner's request: (partner, [(category, accesses)], purpose, days).
type Asking = (
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
    &'static str,
    u32,
);

const REQUESTS: &[Asking] = &[
    (
        "spotify",
        &[("messages", &["read"]), ("contacts", &["read"])],
        "to find friends to share songs with",
        90,
    ),
    (
        "nytimes",
        &[("posts", &["read"])],
        "to show you the articles your friends shared",
        30,
    ),
    (
        "rbc",
        &[("contacts", &["read"])],
        "to suggest friends to send money to",
        365,
    ),
];

/// What became of one request sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// 201: the person has a new request to answer.
    Pending,
    /// 409 or 429: one is pending already, or the person said no lately.
    NotNow,
    Failed,
}

/// Sends one of the demo's requests about `user`.
pub async fn ask_consent(client: &reqwest::Client, base_url: &str, user: &str, rng: &mut StdRng) -> Asked {
    let (partner, asked, purpose, days) = REQUESTS[rng.gen_range(0..REQUESTS.len())];
    let details: Vec<serde_json::Value> = asked
        .iter()
        .map(|(category, actions)| json!({ "type": category, "actions": actions }))
        .collect();
    let sent = client
        .post(format!("{base_url}/api/v1/consent-requests"))
        .bearer_auth(demo_key(partner))
        .json(&json!({ "user": user, "authorization_details": details, "purpose": purpose, "duration_days": days }))
        .send()
        .await;
    match sent.map(|response| response.status().as_u16()) {
        Ok(201) => Asked::Pending,
        Ok(409 | 429) => Asked::NotNow,
        _ => Asked::Failed,
    }
}
