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
    #[error("That password is one of the most common ones, which attackers try first. Choose another.")]
    PasswordTooCommon,
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

/// A password someone chooses for a new account: 8 to 1024 characters and not a common one.
/// Sign-in accepts any password up to the cap, so that a rule change never locks out
/// existing accounts.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

/// Lowercase, one a line; lines starting with `#` are comments.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Case-insensitive, because changing case is the first thing a guesser tries. A linear scan
/// is fast enough: it runs only when an account is created.
fn is_common(password: &str) -> bool {
    let password = password.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .any(|line| line == password)
}

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, CredentialError> {
        match raw.chars().count() {
            0..8 => Err(CredentialError::PasswordTooShort),
            8..=1024 if is_common(raw) => Err(CredentialError::PasswordTooCommon),
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

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for common in [
            "password",
            "12345678",
            "iloveyou1",
            "qwertyuiop",
            "Password123",
            "PASSW0RD",
            "Sunshine1",
        ] {
            assert_eq!(
                NewPassword::parse(common),
                Err(CredentialError::PasswordTooCommon),
                "{common}"
            );
        }
    }

    #[test]
    fn the_common_password_message_does_not_repeat_the_password() {
        let message = NewPassword::parse("letmein123").unwrap_err().to_string();
        assert!(!message.to_lowercase().contains("letmein"), "{message}");
        assert!(message.contains("most common"), "{message}");
    }

    #[test]
    fn the_common_password_list_is_lowercase_and_long_enough_to_matter() {
        let entries: Vec<&str> = COMMON_PASSWORDS.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(entries.len() >= 500, "{} entries", entries.len());
        for entry in entries {
            assert_eq!(entry, entry.to_lowercase(), "entries are lowercase");
            assert!(entry.chars().count() >= 8, "{entry:?}: shorter ones are refused anyway");
        }
    }

    #[test]
    fn uncommon_passwords_and_the_demo_ones_pass() {
        for fine in ["long enough", "correct horse battery staple", "Tr0ub4dor&3-xyz"] {
            assert!(NewPassword::parse(fine).is_ok(), "{fine}");
        }
        for (_, password, _) in crate::domain::demo_accounts::DEMO_ACCOUNTS {
            assert!(NewPassword::parse(password).is_ok(), "{password}");
        }
    }
}
