//! How one try of a notification went, as RFC 8935 defines the answers, and when the next try
//! is due: the Standard Webhooks schedule (at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
//! 20 h, 24 h), each wait stretched by up to a tenth at random so that many partners' retries
//! do not arrive together, and never sooner than the partner's `Retry-After`.

/// The wait before each try, from the first (at once) to the tenth.
pub const SCHEDULE_MS: [i64; 10] = [
    0,
    5_000,
    5 * 60_000,
    30 * 60_000,
    2 * 3_600_000,
    5 * 3_600_000,
    10 * 3_600_000,
    14 * 3_600_000,
    20 * 3_600_000,
    24 * 3_600_000,
];

/// The error codes of RFC 8935 section 2.4 (and its IANA registry): a 400 carrying one is the
/// partner refusing this event for good.
pub const FINAL_ERROR_CODES: [&str; 6] = [
    "invalid_request",
    "invalid_key",
    "invalid_issuer",
    "invalid_audience",
    "authentication_failed",
    "access_denied",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 202: the partner has it.
    Delivered,
    /// Try again, not before `at_least_ms` from now if the partner said so.
    Retry { at_least_ms: Option<i64>, error: String },
    /// The partner refused this event for good (400 with an RFC 8935 error code).
    Refused(String),
    /// 410: the endpoint is gone.
    Gone,
}

/// What an HTTP answer means.
pub fn outcome(status: u16, retry_after: Option<&str>, body: &str) -> Outcome {
    match status {
        202 => Outcome::Delivered,
        410 => Outcome::Gone,
        400 => {
            let answer: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            match answer["err"].as_str() {
                Some(code) if FINAL_ERROR_CODES.contains(&code) => {
                    let description = answer["description"].as_str().unwrap_or_default();
                    Outcome::Refused(format!(
                        "400 {code}: {}",
                        description.chars().take(200).collect::<String>()
                    ))
                }
                _ => retry(status, retry_after),
            }
        }
        _ => retry(status, retry_after),
    }
}

fn retry(status: u16, retry_after: Option<&str>) -> Outcome {
    let error = match status {
        300..=399 => format!("{status}: a redirect, not followed"),
        _ => format!("answered {status}, not 202"),
    };
    Outcome::Retry {
        at_least_ms: retry_after
            .and_then(|value| value.trim().parse::<i64>().ok())
            .map(|s| s.max(0) * 1000),
        error,
    }
}

/// When the next try is due after `tries` tries have failed, or `None` once the schedule has
/// run out. `jitter` is a number in [0, 1).
pub fn next_try_at(now: i64, tries: usize, jitter: f64, at_least_ms: Option<i64>) -> Option<i64> {
    let wait = *SCHEDULE_MS.get(tries)?;
    let stretched = wait + (wait as f64 * 0.1 * jitter.clamp(0.0, 1.0)) as i64;
    Some(now + stretched.max(at_least_ms.unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_202_is_delivered_and_only_an_rfc_8935_code_is_final() {
        assert_eq!(outcome(202, None, ""), Outcome::Delivered);
        assert_eq!(outcome(410, None, ""), Outcome::Gone);
        assert!(matches!(
            outcome(400, None, r#"{"err":"invalid_audience","description":"not us"}"#),
            Outcome::Refused(message) if message == "400 invalid_audience: not us"
        ));
        assert!(matches!(
            outcome(400, None, r#"{"err":"made_up"}"#),
            Outcome::Retry { .. }
        ));
        assert!(
            matches!(outcome(200, None, ""), Outcome::Retry { .. }),
            "RFC 8935 asks for 202"
        );
        assert_eq!(
            outcome(302, None, ""),
            Outcome::Retry {
                at_least_ms: None,
                error: "302: a redirect, not followed".into()
            }
        );
        assert_eq!(
            outcome(503, Some("120"), ""),
            Outcome::Retry {
                at_least_ms: Some(120_000),
                error: "answered 503, not 202".into()
            }
        );
    }

    #[test]
    fn retries_follow_the_schedule_with_at_most_a_tenth_more_and_then_stop() {
        assert_eq!(
            next_try_at(1_000, 1, 0.0, None),
            Some(6_000),
            "5 s after the first failure"
        );
        assert_eq!(
            next_try_at(0, 2, 0.999, None),
            Some(329_970),
            "5 min, stretched by under a tenth"
        );
        assert_eq!(
            next_try_at(0, 1, 0.0, Some(60_000)),
            Some(60_000),
            "Retry-After wins when later"
        );
        assert_eq!(next_try_at(0, 9, 0.0, None), Some(24 * 3_600_000));
        assert_eq!(next_try_at(0, 10, 0.0, None), None, "after the tenth try it has failed");
    }
}
