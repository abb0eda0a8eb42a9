//! What a partner knows of a consent change, in words the person reads: whether the signed
//! event reached it and it confirmed, is still on its way, or never arrived. A partner without
//! an endpoint learns of the change only when it next asks the check API, which already
//! answers by the change.

use serde::{Deserialize, Serialize};

/// Where the telling of one change stands. Times are already in the reader's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Told {
    /// The partner has no endpoint to be told at.
    NoEndpoint,
    /// The partner's endpoint is turned off (it answered 410, or an admin turned it off).
    EndpointOff,
    /// Not tried yet: it goes out within a second.
    Sending,
    /// Tried and not confirmed yet; the next try is `try_number`, at `next_at`.
    Retrying { try_number: i64, next_at: String },
    /// The partner confirmed (202) at `at`.
    Confirmed { at: String },
    /// Every try on the schedule failed; the first was `days` days before the last.
    NotConfirmed { days: i64 },
    /// The partner refused this event for good (a 400 with an RFC 8935 error code).
    TurnedDown,
}

/// What the store holds of one notification, for `Told::of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notification<'a> {
    pub state: &'a str,
    pub tries: i64,
    pub has_endpoint: bool,
    pub endpoint_off: bool,
    /// Whether the tries ran through the whole schedule (rather than being refused).
    pub schedule_ran_out: bool,
    pub created_at: i64,
    /// When the next try is due; for a failed notification, when it failed.
    pub next_try_at: i64,
    pub delivered_at: Option<i64>,
}

const DAY_MS: i64 = 86_400_000;

impl Told {
    /// Where a notification stands; `time` puts an instant in the reader's words.
    pub fn of(notification: Notification<'_>, time: impl Fn(i64) -> String) -> Told {
        match notification.state {
            "delivered" => Told::Confirmed {
                at: time(notification.delivered_at.unwrap_or(notification.next_try_at)),
            },
            "failed" if notification.schedule_ran_out => Told::NotConfirmed {
                days: ((notification.next_try_at - notification.created_at) as f64 / DAY_MS as f64).round() as i64,
            },
            "failed" => Told::TurnedDown,
            _ if !notification.has_endpoint => Told::NoEndpoint,
            _ if notification.endpoint_off => Told::EndpointOff,
            _ if notification.tries == 0 => Told::Sending,
            _ => Told::Retrying {
                try_number: notification.tries + 1,
                next_at: time(notification.next_try_at),
            },
        }
    }

    /// "Spotify was told at 12:03:05 and confirmed". `ends_access`: the change took access
    /// away or refused it, so a partner not told is refused from its next check.
    pub fn sentence(&self, partner: &str, ends_access: bool) -> String {
        let at_next_check = if ends_access {
            "it is refused from its next check"
        } else {
            "it is allowed from its next check"
        };
        match self {
            Told::NoEndpoint => format!("{partner} has no endpoint: {at_next_check}"),
            Told::EndpointOff => format!("{partner}'s endpoint is turned off: {at_next_check}"),
            Told::Sending => format!("Telling {partner}…"),
            Told::Retrying { try_number, next_at } => {
                format!("Telling {partner}… (try {try_number}, next at {next_at})")
            }
            Told::Confirmed { at } => format!("{partner} was told at {at} and confirmed"),
            Told::NotConfirmed { days: 1 } => format!("{partner} did not confirm in 1 day"),
            Told::NotConfirmed { days } => format!("{partner} did not confirm in {days} days"),
            Told::TurnedDown => format!("{partner} turned the event down: {at_next_check}"),
        }
    }

    /// Whether the partner has confirmed, for styling.
    pub fn confirmed(&self) -> bool {
        matches!(self, Told::Confirmed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(tries: i64) -> Notification<'static> {
        Notification {
            state: "pending",
            tries,
            has_endpoint: true,
            endpoint_off: false,
            schedule_ran_out: false,
            created_at: 0,
            next_try_at: 0,
            delivered_at: None,
        }
    }

    fn clock(ms: i64) -> String {
        format!("t{ms}")
    }

    #[test]
    fn each_state_reads_as_the_person_expects() {
        let told = |n| Told::of(n, clock).sentence("Spotify", true);
        assert_eq!(told(pending(0)), "Telling Spotify…");
        let retrying = Notification {
            next_try_at: 99,
            ..pending(2)
        };
        assert_eq!(told(retrying), "Telling Spotify… (try 3, next at t99)");
        let delivered = Notification {
            state: "delivered",
            delivered_at: Some(5),
            ..pending(1)
        };
        assert_eq!(told(delivered), "Spotify was told at t5 and confirmed");
        let no_endpoint = Notification {
            has_endpoint: false,
            ..pending(0)
        };
        assert_eq!(
            told(no_endpoint),
            "Spotify has no endpoint: it is refused from its next check"
        );
        let ran_out = Notification {
            state: "failed",
            schedule_ran_out: true,
            next_try_at: 3 * DAY_MS + 3_600_000,
            ..pending(10)
        };
        assert_eq!(told(ran_out), "Spotify did not confirm in 3 days");
        let refused = Notification {
            state: "failed",
            ..pending(1)
        };
        assert!(told(refused).starts_with("Spotify turned the event down"));
    }

    #[test]
    fn a_partner_not_told_of_a_grant_is_allowed_at_its_next_check() {
        assert_eq!(
            Told::NoEndpoint.sentence("Spotify", false),
            "Spotify has no endpoint: it is allowed from its next check"
        );
    }
}
