//! What one click takes back: a single grant, or every active grant matching a partner,
//! a category and an access.

use crate::domain::access::Access;
use crate::domain::slug::Slug;
use crate::domain::wording;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RevocationScope {
    /// One grant by its id: the single-access button.
    Grant(i64),
    /// Every active grant matching all the given parts. At least one part is set.
    Matching {
        partner: Option<Slug>,
        category: Option<Slug>,
        access: Option<Access>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("Say what to revoke: a grant, a partner, a category or an access.")]
    NothingNamed,
    #[error("The grant id must be a positive whole number.")]
    MalformedGrantId,
    #[error(transparent)]
    Slug(#[from] crate::domain::slug::SlugError),
    #[error(transparent)]
    Access(#[from] crate::domain::access::UnknownAccess),
}

/// Raw form fields; an empty field counts as absent, as browsers send empty hidden inputs.
fn present(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl RevocationScope {
    pub fn parse(
        grant: &Option<String>,
        partner: &Option<String>,
        category: &Option<String>,
        access: &Option<String>,
    ) -> Result<Self, ScopeError> {
        if let Some(raw) = present(grant) {
            let id: i64 = raw.parse().map_err(|_| ScopeError::MalformedGrantId)?;
            if id <= 0 {
                return Err(ScopeError::MalformedGrantId);
            }
            return Ok(RevocationScope::Grant(id));
        }
        let partner = present(partner).map(|p| Slug::parse(p, "partner")).transpose()?;
        let category = present(category).map(|c| Slug::parse(c, "category")).transpose()?;
        let access = present(access).map(Access::parse).transpose()?;
        if partner.is_none() && category.is_none() && access.is_none() {
            return Err(ScopeError::NothingNamed);
        }
        Ok(RevocationScope::Matching {
            partner,
            category,
            access,
        })
    }
}

/// One grant a revocation took back, with the names people read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    pub partner_name: String,
    pub category_noun: String,
    pub access: Access,
}

/// The sentence announced after a revocation has been committed; `whose` is "your" for the
/// person themselves, "Alice's" for support staff.
pub fn revocation_notice(scope: &RevocationScope, revoked: &[Revoked], whose: &str) -> String {
    let Some(first) = revoked.first() else {
        return "Nothing changed: that access had already been taken back.".to_owned();
    };
    let one_partner = revoked.iter().all(|r| r.partner_name == first.partner_name);
    let one_category = revoked.iter().all(|r| r.category_noun == first.category_noun);
    let mut accesses: Vec<Access> = revoked.iter().map(|r| r.access).collect();
    accesses.sort();
    accesses.dedup();
    let verbs = wording::list_accesses(&accesses, "or");
    let partner_wide = matches!(
        scope,
        RevocationScope::Matching {
            category: None,
            partner: Some(_),
            ..
        }
    );
    match (one_partner, one_category) {
        (true, _) if partner_wide => format!(
            "Revoked: {} can no longer reach any of {whose} data.",
            first.partner_name
        ),
        (true, true) => format!(
            "Revoked: {} can no longer {verbs} {whose} {}.",
            first.partner_name, first.category_noun
        ),
        (false, true) => format!("Revoked: nobody can {verbs} {whose} {} any more.", first.category_noun),
        _ => format!("Revoked {} accesses.", revoked.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn a_grant_id_wins_over_names() {
        let scope = RevocationScope::parse(&some("42"), &some("spotify"), &None, &None).unwrap();
        assert_eq!(scope, RevocationScope::Grant(42));
    }

    #[test]
    fn bad_fields_are_refused_with_a_reason() {
        let cases = [
            (None, None, None, None, "Say what to revoke"),
            (some(""), some(" "), None, None, "Say what to revoke"),
            (some("-1"), None, None, None, "positive whole number"),
            (some("abc"), None, None, None, "positive whole number"),
            (None, some("Spotify!"), None, None, "partner must be"),
            (None, some("spotify"), some("messages"), some("launch"), "not an access"),
        ];
        for (grant, partner, category, access, expected) in cases {
            let error = RevocationScope::parse(&grant, &partner, &category, &access).unwrap_err();
            assert!(
                error.to_string().contains(expected),
                "{error} should mention {expected}"
            );
        }
    }

    fn revoked(partner: &str, category: &str, access: Access) -> Revoked {
        Revoked {
            partner_name: partner.into(),
            category_noun: category.into(),
            access,
        }
    }

    #[test]
    fn notices_say_what_was_taken_back() {
        let cell = RevocationScope::parse(&None, &some("spotify"), &some("messages"), &None).unwrap();
        let all_three = [Access::Delete, Access::Read, Access::Write].map(|a| revoked("Spotify", "messages", a));
        assert_eq!(
            revocation_notice(&cell, &all_three, "your"),
            "Revoked: Spotify can no longer read, write or delete your messages."
        );
        let column = RevocationScope::parse(&None, &None, &some("messages"), &some("read")).unwrap();
        let readers = [
            revoked("Netflix", "messages", Access::Read),
            revoked("Spotify", "messages", Access::Read),
        ];
        assert_eq!(
            revocation_notice(&column, &readers, "your"),
            "Revoked: nobody can read your messages any more."
        );
        let partner = RevocationScope::parse(&None, &some("amazon"), &None, &None).unwrap();
        let amazon = [
            revoked("Amazon", "contacts", Access::Read),
            revoked("Amazon", "friends", Access::Read),
        ];
        assert_eq!(
            revocation_notice(&partner, &amazon, "Alice's"),
            "Revoked: Amazon can no longer reach any of Alice's data.",
            "support staff are told whose data it is"
        );
        assert!(revocation_notice(&partner, &[], "your").starts_with("Nothing changed"));
    }
}
