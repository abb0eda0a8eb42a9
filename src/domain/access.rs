//! The three things a partner may do with a category of data.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a partner may do with one category of a user's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not an access. Use read, write or delete.")]
pub struct UnknownAccess(pub String);

impl Access {
    pub const ALL: [Access; 3] = [Access::Read, Access::Write, Access::Delete];

    pub fn parse(raw: &str) -> Result<Self, UnknownAccess> {
        match raw.trim() {
            "read" => Ok(Access::Read),
            "write" => Ok(Access::Write),
            "delete" => Ok(Access::Delete),
            other => Err(UnknownAccess(other.chars().take(40).collect())),
        }
    }

    /// The verb as stored and as sent over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Delete => "delete",
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_accesses_and_nothing_else() {
        for access in Access::ALL {
            assert_eq!(Access::parse(access.as_str()), Ok(access));
        }
        for bad in ["", "READ", "launch", "read,write"] {
            assert!(Access::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn the_error_names_the_bad_value_and_the_allowed_ones() {
        let message = Access::parse("launch").unwrap_err().to_string();
        assert!(message.contains("launch") && message.contains("read, write or delete"));
    }
}
