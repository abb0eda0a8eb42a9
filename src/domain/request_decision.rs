//! What a person's answer to a consent request may be: only accesses that were asked, for at
//! most as long as was asked (invariant 9), and only while the request is pending.

use crate::domain::access::Access;
use crate::domain::consent_request::CategoryAccesses;
use crate::domain::request_status::{PENDING_DAYS, RequestStatus};
use crate::domain::slug::Slug;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// How long the person lets an access last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Term {
    Days(u32),
    UntilTakenBack,
}

impl Term {
    /// The choices a person is offered, with their form values.
    pub const CHOICES: [(&'static str, &'static str); 4] = [
        ("30", "30 days"),
        ("90", "90 days"),
        ("365", "a year"),
        ("forever", "until I take it back"),
    ];

    /// A form value: one of `CHOICES`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "30" => Some(Term::Days(30)),
            "90" => Some(Term::Days(90)),
            "365" => Some(Term::Days(365)),
            "forever" => Some(Term::UntilTakenBack),
            _ => None,
        }
    }

    /// When an access given at `now` ends under this term (Unix milliseconds).
    pub fn ends_at(self, now: i64) -> Option<i64> {
        match self {
            Term::Days(days) => Some(now + i64::from(days) * 86_400_000),
            Term::UntilTakenBack => None,
        }
    }
}

/// One access the person ticks, sent by a form as `messages:read`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AccessChoice {
    pub category: Slug,
    pub access: Access,
}

impl AccessChoice {
    pub fn new(category: Slug, access: Access) -> Self {
        AccessChoice { category, access }
    }

    /// A form value: `<category>:<access>`.
    pub fn parse(raw: &str) -> Result<Self, DecisionProblem> {
        let bad = || DecisionProblem::BadChoice(raw.chars().take(40).collect());
        let (category, access) = raw.trim().split_once(':').ok_or_else(bad)?;
        Ok(AccessChoice {
            category: Slug::parse(category, "category").map_err(|_| bad())?,
            access: Access::parse(access).map_err(|_| bad())?,
        })
    }

    /// The value of this access's checkbox.
    pub fn form_value(&self) -> String {
        format!("{}:{}", self.category, self.access)
    }
}

/// Why an answer to a request cannot be taken. Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DecisionProblem {
    #[error("There is no such request among yours.")]
    NotFound,
    /// The request is no longer pending: someone (or time) decided it first.
    #[error("{}", already_decided(*.0))]
    AlreadyDecided(RequestStatus),
    #[error("Tick at least one access to approve, or refuse the request.")]
    NothingChosen,
    #[error("This request does not ask to {access} your {category}: only what it asks can be approved.")]
    NotAsked { category: String, access: Access },
    #[error("\u{201c}{0}\u{201d} is not an access of this request.")]
    BadChoice(String),
    #[error("{0} has left the partner catalog, so its request can only be refused.")]
    PartnerRetired(String),
    /// Support must say why they refuse for a person; the person reads it.
    #[error("{0}")]
    BadReason(String),
    #[error("Open this person's permissions first; opening is recorded.")]
    CaseNotOpen,
}

fn already_decided(status: RequestStatus) -> String {
    match status {
        RequestStatus::Approved => "This request was already decided: it was approved.".to_owned(),
        RequestStatus::Refused => "This request was already decided: it was refused.".to_owned(),
        RequestStatus::Expired => {
            format!("This request was already decided: nobody answered it within {PENDING_DAYS} days, so it expired.")
        }
        RequestStatus::Pending => "This request is still waiting for an answer.".to_owned(),
    }
}

/// The accesses to grant: `chosen` without repeats, each one asked for. Anything else refuses
/// the whole answer, so approving can never grant more than was asked.
pub fn check_chosen(asked: &[CategoryAccesses], chosen: &[AccessChoice]) -> Result<Vec<AccessChoice>, DecisionProblem> {
    let mut granted: Vec<AccessChoice> = Vec::with_capacity(chosen.len());
    for choice in chosen {
        let was_asked = asked
            .iter()
            .any(|detail| detail.category == choice.category && detail.accesses.contains(&choice.access));
        if !was_asked {
            return Err(DecisionProblem::NotAsked {
                category: choice.category.as_str().to_owned(),
                access: choice.access,
            });
        }
        if !granted.contains(choice) {
            granted.push(choice.clone());
        }
    }
    if granted.is_empty() {
        return Err(DecisionProblem::NothingChosen);
    }
    granted.sort();
    Ok(granted)
}

/// When the accesses approved at `now` end: the person's term, but never later than the partner
/// asked for (`None`: until the person takes them back).
pub fn granted_until(term: Term, asked_days: Option<u32>, now: i64) -> Option<i64> {
    let asked_end = asked_days.map(|days| now + i64::from(days) * DAY_MS);
    match (term.ends_at(now), asked_end) {
        (Some(chosen), Some(asked)) => Some(chosen.min(asked)),
        (None, asked) => asked,
        (chosen, None) => chosen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Access::*;

    fn slug(raw: &str) -> Slug {
        Slug::parse(raw, "category").unwrap()
    }

    fn asked() -> Vec<CategoryAccesses> {
        vec![CategoryAccesses {
            category: slug("messages"),
            accesses: vec![Read, Delete],
        }]
    }

    #[test]
    fn terms_are_the_offered_choices_only() {
        assert_eq!(Term::parse("90"), Some(Term::Days(90)));
        assert_eq!(Term::parse("forever"), Some(Term::UntilTakenBack));
        assert_eq!(Term::parse("91"), None);
        assert_eq!(Term::Days(30).ends_at(0), Some(30 * 86_400_000));
        assert_eq!(Term::UntilTakenBack.ends_at(5), None);
        for (value, _) in Term::CHOICES {
            assert!(Term::parse(value).is_some());
        }
    }

    #[test]
    fn choices_read_from_form_values_and_back() {
        let choice = AccessChoice::parse("messages:delete").unwrap();
        assert_eq!(choice, AccessChoice::new(slug("messages"), Delete));
        assert_eq!(choice.form_value(), "messages:delete");
        for bad in ["", "messages", "messages:sell", "Messages:read", ":read"] {
            assert!(AccessChoice::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_what_was_asked_can_be_approved() {
        let read = AccessChoice::new(slug("messages"), Read);
        assert_eq!(
            check_chosen(&asked(), &[read.clone(), read.clone()]),
            Ok(vec![read.clone()])
        );
        let write = AccessChoice::new(slug("messages"), Write);
        assert_eq!(
            check_chosen(&asked(), &[read.clone(), write]),
            Err(DecisionProblem::NotAsked {
                category: "messages".into(),
                access: Write
            })
        );
        let friends = AccessChoice::new(slug("friends"), Read);
        assert!(matches!(
            check_chosen(&asked(), &[friends]),
            Err(DecisionProblem::NotAsked { .. })
        ));
        assert_eq!(check_chosen(&asked(), &[]), Err(DecisionProblem::NothingChosen));
    }

    #[test]
    fn a_term_never_runs_past_what_was_asked() {
        assert_eq!(granted_until(Term::Days(30), Some(90), 0), Some(30 * DAY_MS));
        assert_eq!(granted_until(Term::Days(365), Some(90), 0), Some(90 * DAY_MS));
        assert_eq!(granted_until(Term::UntilTakenBack, Some(90), 0), Some(90 * DAY_MS));
        assert_eq!(granted_until(Term::Days(30), None, 0), Some(30 * DAY_MS));
        assert_eq!(granted_until(Term::UntilTakenBack, None, 0), None);
    }

    #[test]
    fn a_decided_request_says_how_it_was_decided() {
        assert!(
            DecisionProblem::AlreadyDecided(RequestStatus::Expired)
                .to_string()
                .contains("within 14 days")
        );
        assert_eq!(
            DecisionProblem::AlreadyDecided(RequestStatus::Approved).to_string(),
            "This request was already decided: it was approved."
        );
    }
}
