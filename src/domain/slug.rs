//! Short stable names for partners and data categories, as they appear in URLs, forms and the API.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A lowercase identifier: letters, digits and dashes, 1 to 40 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("The {0} is missing.")]
    Empty(&'static str),
    #[error("The {0} must be 1 to 40 lowercase letters, digits or dashes.")]
    Malformed(&'static str),
}

impl Slug {
    /// `what` names the field in the error message ("partner", "category").
    pub fn parse(raw: &str, what: &'static str) -> Result<Self, SlugError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(SlugError::Empty(what));
        }
        let well_formed = raw.len() <= 40
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            return Err(SlugError::Malformed(what));
        }
        Ok(Slug(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_names_with_dashes() {
        assert_eq!(
            Slug::parse("new-york-times", "partner").unwrap().as_str(),
            "new-york-times"
        );
    }

    #[test]
    fn refuses_empty_uppercase_long_and_odd_names() {
        let too_long = "a".repeat(41);
        for bad in ["", "  ", "Spotify", "spot ify", "spotify;drop", too_long.as_str()] {
            assert!(Slug::parse(bad, "partner").is_err(), "{bad:?} should be refused");
        }
    }
}
