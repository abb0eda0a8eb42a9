//! What partners did with their access, in words and in numbers a chart can draw.

use crate::domain::access::Access;
use serde::{Deserialize, Serialize};

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// The start of the hour `at` falls in: hours start at whole hours since the epoch.
pub fn hour_start_of(at: i64) -> i64 {
    at - at.rem_euclid(HOUR_MS)
}
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// The windows the Activity page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    Week,
    Month,
}

impl Window {
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("7") => Ok(Window::Week),
            Some("30") => Ok(Window::Month),
            Some(_) => Err("Show 7 or 30 days of activity.".to_owned()),
        }
    }

    pub fn days(self) -> usize {
        match self {
            Window::Week => 7,
            Window::Month => 30,
        }
    }
}

/// "2 hours ago", "yesterday", "12 days ago": how long since `then`, for people.
pub fn time_ago(then: i64, now: i64) -> String {
    let elapsed = (now - then).max(0);
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match elapsed {
        e if e < 60_000 => "just now".to_owned(),
        e if e < HOUR_MS => plural(e / 60_000, "minute"),
        e if e < DAY_MS => plural(e / HOUR_MS, "hour"),
        e if e < 2 * DAY_MS => "yesterday".to_owned(),
        e => plural(e / DAY_MS, "day"),
    }
}

/// "read 42 times this week, last 2 hours ago": how one access was used.
pub fn usage_sentence(access: Access, this_week: i64, last: Option<i64>, now: i64) -> String {
    let times = match this_week {
        1 => "once".to_owned(),
        n => format!("{n} times"),
    };
    match (this_week, last) {
        (_, None) => format!("{access}: no use recorded"),
        (0, Some(last)) => format!("{access}: not used this week, last {}", time_ago(last, now)),
        (_, Some(last)) => format!("{access} {times} this week, last {}", time_ago(last, now)),
    }
}

/// Daily numbers of one partner on one category, oldest day first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub partner_name: String,
    pub category_noun: String,
    pub allowed: Vec<i64>,
    /// Attempts on access the user had taken back, or that had run out.
    pub refused: Vec<i64>,
}

impl Series {
    pub fn total_allowed(&self) -> i64 {
        self.allowed.iter().sum()
    }

    pub fn total_refused(&self) -> i64 {
        self.refused.iter().sum()
    }

    /// What the chart shows, for people who cannot see it.
    pub fn summary(&self, days: usize) -> String {
        let (partner, noun) = (&self.partner_name, &self.category_noun);
        let used = match self.total_allowed() {
            0 => format!("{partner} did not use your {noun} in the last {days} days"),
            1 => format!("{partner} used your {noun} once in the last {days} days"),
            n => format!("{partner} used your {noun} {n} times in the last {days} days"),
        };
        match self.total_refused() {
            0 => format!("{used}."),
            1 => format!("{used}, and was refused once."),
            n => format!("{used}, and was refused {n} times."),
        }
    }
}

/// How an access had ended when a partner still tried to use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndedBy {
    Withdrawn,
    Revoked,
    Expired,
    /// The person said no to the partner seeing them through their friends.
    SaidNo,
}

impl EndedBy {
    /// The stored word: a grant's status, or "refused" for the person's no.
    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::Withdrawn => "withdrawn",
            EndedBy::Revoked => "revoked",
            EndedBy::Expired => "expired",
            EndedBy::SaidNo => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [EndedBy::Withdrawn, EndedBy::Revoked, EndedBy::Expired, EndedBy::SaidNo]
            .into_iter()
            .find(|ended_by| ended_by.as_str() == raw)
    }
}

/// Attempts after an access ended, grouped: "Spotify tried to read your messages 3 times …".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptsAfterEnd {
    pub partner_name: String,
    /// "messages"; through a friend, what of the person it would see: "your name".
    pub category_noun: String,
    pub access: Access,
    pub ended_by: EndedBy,
    /// The friend it tried to see the person through, by name.
    pub through: Option<String>,
    /// When the access ended, already formatted for people.
    pub ended_on: String,
    pub attempts: i64,
    pub last_attempt_ago: String,
}

impl AttemptsAfterEnd {
    pub fn sentence(&self) -> String {
        let times = match self.attempts {
            1 => "once".to_owned(),
            n => format!("{n} times"),
        };
        let (partner, access, noun, on) = (&self.partner_name, self.access, &self.category_noun, &self.ended_on);
        let after = match self.ended_by {
            EndedBy::Withdrawn => format!("after you withdrew access on {on}"),
            EndedBy::Revoked => format!("after support revoked access on {on}"),
            EndedBy::Expired => format!("after access expired on {on}"),
            EndedBy::SaidNo => format!("after you said no on {on}"),
        };
        match &self.through {
            Some(friend) => format!("{partner} tried to see {noun} through {friend} {times} {after}."),
            None => format!("{partner} tried to {access} your {noun} {times} {after}."),
        }
    }
}

/// The Activity page of one user: alerts first, then one chart per partner and category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub window: Window,
    /// First day shown, formatted ("16 Nov 2026"), and the last (today).
    pub first_day: String,
    pub last_day: String,
    pub attempts_after_end: Vec<AttemptsAfterEnd>,
    pub series: Vec<Series>,
}

/// Which day of the window (0 = oldest) the moment `at` falls in, if it falls in at all.
pub fn day_index(at: i64, first_day_start: i64, days: usize) -> Option<usize> {
    if at < first_day_start {
        return None;
    }
    let index = ((at - first_day_start) / DAY_MS) as usize;
    (index < days).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_reads_like_a_sentence() {
        let now = 10 * DAY_MS;
        assert_eq!(
            usage_sentence(Access::Read, 42, Some(now - 2 * HOUR_MS), now),
            "read 42 times this week, last 2 hours ago"
        );
        assert_eq!(
            usage_sentence(Access::Write, 1, Some(now - 90_000), now),
            "write once this week, last 1 minute ago"
        );
        assert_eq!(
            usage_sentence(Access::Read, 0, Some(now - 9 * DAY_MS), now),
            "read: not used this week, last 9 days ago"
        );
        assert_eq!(usage_sentence(Access::Delete, 0, None, now), "delete: no use recorded");
    }

    #[test]
    fn attempts_after_a_withdrawal_stand_out_in_words() {
        let attempts = AttemptsAfterEnd {
            partner_name: "Spotify".into(),
            category_noun: "messages".into(),
            access: Access::Read,
            ended_by: EndedBy::Withdrawn,
            through: None,
            ended_on: "12 Mar 2026".into(),
            attempts: 3,
            last_attempt_ago: "2 hours ago".into(),
        };
        assert_eq!(
            attempts.sentence(),
            "Spotify tried to read your messages 3 times after you withdrew access on 12 Mar 2026."
        );
        let through_a_friend = AttemptsAfterEnd {
            partner_name: "Microsoft Bing".into(),
            category_noun: "your name".into(),
            ended_by: EndedBy::SaidNo,
            through: Some("Alice Example".into()),
            attempts: 1,
            ..attempts
        };
        assert_eq!(
            through_a_friend.sentence(),
            "Microsoft Bing tried to see your name through Alice Example once after you said no on 12 Mar 2026."
        );
        assert_eq!(EndedBy::parse("refused"), Some(EndedBy::SaidNo));
        assert_eq!(EndedBy::parse("active"), None);
    }

    #[test]
    fn only_7_or_30_days_are_offered() {
        assert_eq!(Window::parse(None), Ok(Window::Week));
        assert_eq!(Window::parse(Some("30")).map(Window::days), Ok(30));
        assert!(Window::parse(Some("365")).is_err());
    }

    #[test]
    fn a_moment_falls_in_its_day_of_the_window() {
        assert_eq!(day_index(5 * DAY_MS + 1, 5 * DAY_MS, 7), Some(0));
        assert_eq!(day_index(11 * DAY_MS + 5, 5 * DAY_MS, 7), Some(6));
        assert_eq!(day_index(12 * DAY_MS, 5 * DAY_MS, 7), None);
        assert_eq!(day_index(4 * DAY_MS, 5 * DAY_MS, 7), None);
    }
}
