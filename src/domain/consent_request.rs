//! A partner asks one person for accesses, for a purpose and a term, in the shape of OAuth Rich
//! Authorization Requests (RFC 9396): `authorization_details` is a list of
//! `{type: <category>, actions: [read|write|delete]}`. Parsed here, before anything is stored.

use crate::domain::access::Access;
use crate::domain::slug::Slug;
use serde::{Deserialize, Serialize};

/// Most entries in `authorization_details`: one per data category.
pub const MOST_DETAILS: usize = 6;
/// A purpose is a sentence, not an essay.
pub const MOST_PURPOSE_CHARS: usize = 200;
/// The longest term a partner may ask for.
pub const MOST_DURATION_DAYS: u32 = 3650;

/// One RFC 9396 authorization detail as the partner sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationDetail {
    /// The data category: messages, friends, contacts, profile, posts, calendar.
    #[serde(rename = "type")]
    pub category: String,
    pub actions: Vec<String>,
}

/// Accesses on one category, asked for or granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryAccesses {
    pub category: Slug,
    /// Distinct, in the order read, write, delete.
    pub accesses: Vec<Access>,
}

/// What a partner asks for, once it is known to make sense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedAccess {
    pub details: Vec<CategoryAccesses>,
    pub purpose: String,
    /// `None`: until the person takes it back.
    pub duration_days: Option<u32>,
}

/// Why a request cannot be taken, in words a partner's developer can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("authorization_details must list 1 to {MOST_DETAILS} categories")]
    DetailCount,
    #[error("authorization_details names the category {0:?} twice")]
    RepeatedCategory(String),
    #[error("authorization_details has a type that is not a category: {0}")]
    BadCategory(String),
    #[error("each authorization detail needs 1 to 3 actions of read, write and delete")]
    ActionCount,
    #[error("unknown action {0:?}: use read, write or delete")]
    UnknownAction(String),
    #[error("purpose must be 1 to {MOST_PURPOSE_CHARS} characters")]
    Purpose,
    #[error("duration_days must be between 1 and {MOST_DURATION_DAYS}")]
    Duration,
}

impl AskedAccess {
    pub fn parse(
        details: &[AuthorizationDetail],
        purpose: &str,
        duration_days: Option<i64>,
    ) -> Result<Self, RequestError> {
        if details.is_empty() || details.len() > MOST_DETAILS {
            return Err(RequestError::DetailCount);
        }
        let mut parsed: Vec<CategoryAccesses> = Vec::with_capacity(details.len());
        for detail in details {
            let category = Slug::parse(&detail.category, "category")
                .map_err(|_| RequestError::BadCategory(detail.category.chars().take(40).collect()))?;
            if parsed.iter().any(|p| p.category == category) {
                return Err(RequestError::RepeatedCategory(category.as_str().to_owned()));
            }
            if detail.actions.is_empty() || detail.actions.len() > 3 {
                return Err(RequestError::ActionCount);
            }
            let mut accesses = Vec::with_capacity(detail.actions.len());
            for action in &detail.actions {
                let access = Access::parse(action).map_err(|e| RequestError::UnknownAction(e.0))?;
                if accesses.contains(&access) {
                    return Err(RequestError::ActionCount);
                }
                accesses.push(access);
            }
            accesses.sort();
            parsed.push(CategoryAccesses { category, accesses });
        }
        let purpose = purpose.trim();
        if purpose.is_empty() || purpose.chars().count() > MOST_PURPOSE_CHARS || purpose.contains(char::is_control) {
            return Err(RequestError::Purpose);
        }
        let duration_days = match duration_days {
            None => None,
            Some(days) => Some(
                u32::try_from(days)
                    .ok()
                    .filter(|d| (1..=MOST_DURATION_DAYS).contains(d))
                    .ok_or(RequestError::Duration)?,
            ),
        };
        Ok(AskedAccess {
            details: parsed,
            purpose: purpose.to_owned(),
            duration_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Access::*;

    fn detail(category: &str, actions: &[&str]) -> AuthorizationDetail {
        AuthorizationDetail {
            category: category.to_owned(),
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn a_sensible_request_is_taken_with_its_accesses_in_order() {
        let asked = AskedAccess::parse(
            &[detail("messages", &["write", "read"])],
            "  to send songs from inside Spotify ",
            Some(90),
        )
        .unwrap();
        assert_eq!(asked.details[0].category.as_str(), "messages");
        assert_eq!(asked.details[0].accesses, vec![Read, Write]);
        assert_eq!(asked.purpose, "to send songs from inside Spotify");
        assert_eq!(asked.duration_days, Some(90));
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let long_purpose = "x".repeat(MOST_PURPOSE_CHARS + 1);
        let cases: Vec<(Vec<AuthorizationDetail>, &str, Option<i64>, RequestError)> = vec![
            (vec![], "p", None, RequestError::DetailCount),
            (
                vec![detail("messages", &["read"]); 7],
                "p",
                None,
                RequestError::DetailCount,
            ),
            (
                vec![detail("messages", &["read"]), detail("messages", &["write"])],
                "p",
                None,
                RequestError::RepeatedCategory("messages".into()),
            ),
            (
                vec![detail("Mess ages", &["read"])],
                "p",
                None,
                RequestError::BadCategory("Mess ages".into()),
            ),
            (vec![detail("messages", &[])], "p", None, RequestError::ActionCount),
            (
                vec![detail("messages", &["read", "read"])],
                "p",
                None,
                RequestError::ActionCount,
            ),
            (
                vec![detail("messages", &["sell"])],
                "p",
                None,
                RequestError::UnknownAction("sell".into()),
            ),
            (vec![detail("messages", &["read"])], "  ", None, RequestError::Purpose),
            (
                vec![detail("messages", &["read"])],
                &long_purpose,
                None,
                RequestError::Purpose,
            ),
            (
                vec![detail("messages", &["read"])],
                "line\nbreak",
                None,
                RequestError::Purpose,
            ),
            (
                vec![detail("messages", &["read"])],
                "p",
                Some(0),
                RequestError::Duration,
            ),
            (
                vec![detail("messages", &["read"])],
                "p",
                Some(3651),
                RequestError::Duration,
            ),
        ];
        for (details, purpose, duration, expected) in cases {
            assert_eq!(
                AskedAccess::parse(&details, purpose, duration),
                Err(expected.clone()),
                "{expected}"
            );
        }
    }
}
