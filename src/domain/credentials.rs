//! Sign-in input: email addresses and passwords, checked before anything touches the store.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("Enter an email address like name@example.com.")]
    MalformedEmail,
    #[error("Choose a password of at least 8 characters.")]
    PasswordTooShort,
    #[error("That password is too long (at most 1024 characters).")]
    PasswordTooLong,
}

impl Email {
    /// Lowercases and trims, so that sign-in does not depend on how the address was typed.
    pub fn parse(raw: &str) -> Result<Self, CredentialError> {
        let email = raw.trim().to_lowercase();
        let (local, domain) = email.split_once('@').ok_or(CredentialError::MalformedEmail)?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && !domain.contains('@');
        if !well_formed {
            return Err(CredentialError::MalformedEmail);
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

/// A password someone chooses for a new account. Sign-in accepts any length up to the cap,
/// so that a rule change never locks out existing accounts.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, CredentialError> {
        match raw.chars().count() {
            0..8 => Err(CredentialError::PasswordTooShort),
            8..=1024 => Ok(NewPassword(raw.to_owned())),
            _ => Err(CredentialError::PasswordTooLong),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Alice@Example.COM ").unwrap().as_str(),
            "alice@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "alice@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert_eq!(Email::parse(bad), Err(CredentialError::MalformedEmail), "{bad:?}");
        }
    }

    #[test]
    fn new_passwords_need_eight_characters() {
        assert_eq!(NewPassword::parse("short"), Err(CredentialError::PasswordTooShort));
        assert!(NewPassword::parse("long enough").is_ok());
        assert_eq!(
            NewPassword::parse(&"x".repeat(1025)),
            Err(CredentialError::PasswordTooLong)
        );
    }
}
