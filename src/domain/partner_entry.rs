//! A partner as an admin types it into the catalog: slug, name and description, each checked
//! once here, so the store only ever sees well-formed ones.

use crate::domain::slug::{Slug, SlugError};
use std::fmt;

/// Why a partner entry was refused, in words for the admin who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnerEntryError {
    #[error(transparent)]
    Slug(#[from] SlugError),
    #[error("A partner's name is 1 to 100 characters on one line.")]
    Name,
    #[error("A description is 1 to 300 characters of plain text on one line.")]
    Description,
}

/// Trimmed text of 1 to `max` characters with no control characters (no line breaks either:
/// names and descriptions are shown on one line everywhere).
fn one_line(raw: &str, max: usize) -> Option<String> {
    let text = raw.trim();
    let fits = (1..=max).contains(&text.chars().count()) && !text.chars().any(char::is_control);
    fits.then(|| text.to_owned())
}

/// The name people read, e.g. "The New York Times".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerName(String);

impl PartnerName {
    pub fn parse(raw: &str) -> Result<Self, PartnerEntryError> {
        one_line(raw, 100).map(PartnerName).ok_or(PartnerEntryError::Name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the partner is and what it was reported to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerDescription(String);

impl PartnerDescription {
    pub fn parse(raw: &str) -> Result<Self, PartnerEntryError> {
        one_line(raw, 300)
            .map(PartnerDescription)
            .ok_or(PartnerEntryError::Description)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartnerDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A partner to add to the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartner {
    pub slug: Slug,
    pub name: PartnerName,
    pub description: PartnerDescription,
}

impl NewPartner {
    /// Checks the fields in the order of the form, so the first problem is the one named.
    pub fn parse(slug: &str, name: &str, description: &str) -> Result<Self, PartnerEntryError> {
        Ok(NewPartner {
            slug: Slug::parse(slug, "partner's short name")?,
            name: PartnerName::parse(name)?,
            description: PartnerDescription::parse(description)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_well_formed_partner_and_trims_it() {
        let partner = NewPartner::parse(" acme-2 ", "  Acme Corp ", " Anvils. Reported to read posts. ").unwrap();
        assert_eq!(partner.slug.as_str(), "acme-2");
        assert_eq!(partner.name.as_str(), "Acme Corp");
        assert_eq!(partner.description.as_str(), "Anvils. Reported to read posts.");
    }

    #[test]
    fn refuses_each_malformed_field_with_its_own_message() {
        let long_name = "n".repeat(101);
        let long_description = "d".repeat(301);
        let cases: [(&str, &str, &str, &str); 7] = [
            ("", "Acme", "Anvils", "slug missing"),
            ("Acme", "Acme", "Anvils", "uppercase slug"),
            ("acme corp", "Acme", "Anvils", "slug with a space"),
            ("acme", "  ", "Anvils", "blank name"),
            ("acme", &long_name, "Anvils", "name over 100 characters"),
            ("acme", "Acme", "", "empty description"),
            ("acme", "Acme", &long_description, "description over 300 characters"),
        ];
        for (slug, name, description, why) in cases {
            assert!(
                NewPartner::parse(slug, name, description).is_err(),
                "{why} should be refused"
            );
        }
        assert_eq!(PartnerName::parse("Acme\nForged"), Err(PartnerEntryError::Name));
        assert_eq!(
            PartnerDescription::parse("line\u{7}bell"),
            Err(PartnerEntryError::Description)
        );
        assert!(PartnerName::parse(&"n".repeat(100)).is_ok() && PartnerDescription::parse(&"d".repeat(300)).is_ok());
    }
}
