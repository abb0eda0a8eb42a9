//! What a signed-in person may do. Checked on the server for every page and server function.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A person whose data partners reach: sees and changes only their own permissions.
    User,
    /// Support staff: look at a person's permissions and revoke for them, never grant.
    Support,
    /// Administrators: everything support may do, plus the partner catalog and its keys.
    Admin,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "user" => Some(Role::User),
            "support" => Some(Role::Support),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    /// May open the support console.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Support | Role::Admin)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

/// A support ticket reference as staff type it: optional, short, printable.
pub fn parse_ticket(raw: Option<&str>) -> Result<Option<String>, String> {
    let Some(ticket) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if ticket.chars().count() > 40 || ticket.chars().any(char::is_control) {
        return Err("A ticket reference is at most 40 characters, on one line.".to_owned());
    }
    Ok(Some(ticket.to_owned()))
}

/// Why support revoked something for a person: required, because the person will read it.
pub fn parse_reason(raw: &str) -> Result<String, String> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err("Give a reason: the person will read it in their history.".to_owned());
    }
    if reason.chars().count() > 300 || reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err("A reason is at most 300 characters of plain text.".to_owned());
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_only_staff_reach_the_console() {
        for role in [Role::User, Role::Support, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(!Role::User.is_staff() && Role::Support.is_staff() && Role::Admin.is_staff());
        assert!(!Role::Support.is_admin() && Role::Admin.is_admin());
    }

    #[test]
    fn a_reason_is_required_and_a_ticket_is_optional() {
        assert!(parse_reason("   ").is_err());
        assert_eq!(
            parse_reason(" Caller asked to stop Spotify ").unwrap(),
            "Caller asked to stop Spotify"
        );
        assert!(parse_reason(&"x".repeat(301)).is_err());
        assert_eq!(parse_ticket(Some("  ")), Ok(None));
        assert_eq!(parse_ticket(Some("T-1234")), Ok(Some("T-1234".into())));
        assert!(parse_ticket(Some("T-1\nforged")).is_err());
    }
}
