//! Where a person goes after signing in: the page they asked for before they were sent to sign
//! in, if it is a page of this site. Anything else (another site, a script, a malformed path)
//! must not turn our sign-in form into a redirect to somewhere else (an open redirect).

use std::fmt;

/// A path (and query) on this site, safe to send a browser to after sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextPage(String);

/// Why a `next` value is not a page of this site; the person lands on the dashboard instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotLocal {
    #[error("the address does not start with a single /")]
    NotAPath,
    #[error("the address holds a character a browser could read as something else")]
    OddCharacter,
    #[error("the address is too long")]
    TooLong,
    #[error("the address is the sign-in page itself")]
    SignIn,
}

/// Longer than any address of this site; a longer one is not ours.
const LONGEST: usize = 2048;

impl NextPage {
    /// Accepts only `/` followed by a path that is not `//…` (another host to a browser) and
    /// holds only visible ASCII without `\` (which browsers read as `/`, so `/\evil.example`
    /// is another host too). Whitespace and control characters are refused rather than
    /// stripped: browsers drop tabs and line breaks from URLs, so `/\t/evil.example` would
    /// become `//evil.example`. Starting with `/`, it cannot carry a scheme (`javascript:`).
    pub fn parse(raw: &str) -> Result<Self, NotLocal> {
        if raw.len() > LONGEST {
            return Err(NotLocal::TooLong);
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
            return Err(NotLocal::OddCharacter);
        }
        if !raw.starts_with('/') || raw.starts_with("//") {
            return Err(NotLocal::NotAPath);
        }
        let path = raw.split(['?', '#']).next().unwrap_or_default();
        if path.trim_end_matches('/') == "/sign-in" {
            return Err(NotLocal::SignIn);
        }
        Ok(NextPage(raw.to_owned()))
    }

    /// The dashboard: where a person lands without (or with an unusable) `next`.
    pub fn home() -> Self {
        NextPage("/".to_owned())
    }

    /// `raw` if it is a page of this site, else the dashboard.
    pub fn or_home(raw: Option<&str>) -> Self {
        raw.and_then(|raw| Self::parse(raw).ok()).unwrap_or_else(Self::home)
    }

    pub fn is_home(&self) -> bool {
        self.0 == "/"
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NextPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_this_site_with_its_query_is_kept() {
        for path in [
            "/",
            "/history",
            "/history?partner=spotify&page=2",
            "/support/people/7",
            "/admin/partners",
            "/history/export.csv",
            "/sign-in-help",
            "/a%2F%2Fb",
        ] {
            assert_eq!(
                NextPage::parse(path).map(|p| p.to_string()),
                Ok(path.to_owned()),
                "{path}"
            );
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        let too_long = format!("/{}", "a".repeat(LONGEST));
        let cases: &[(&str, NotLocal, &str)] = &[
            ("", NotLocal::NotAPath, "nothing"),
            ("history", NotLocal::NotAPath, "a relative path"),
            ("//evil.example", NotLocal::NotAPath, "a scheme-relative address"),
            (
                "//evil.example/history",
                NotLocal::NotAPath,
                "a scheme-relative address with a path",
            ),
            ("///evil.example", NotLocal::NotAPath, "three slashes"),
            ("https://evil.example", NotLocal::NotAPath, "an absolute address"),
            ("http:/evil.example", NotLocal::NotAPath, "a scheme with one slash"),
            ("javascript:alert(1)", NotLocal::NotAPath, "a script"),
            ("data:text/html,hi", NotLocal::NotAPath, "a data address"),
            (
                "/\\evil.example",
                NotLocal::OddCharacter,
                "a backslash browsers read as a slash",
            ),
            ("\\\\evil.example", NotLocal::OddCharacter, "two backslashes"),
            ("/history\\x", NotLocal::OddCharacter, "a backslash later on"),
            ("/\t/evil.example", NotLocal::OddCharacter, "a tab browsers strip"),
            (
                "/\n/evil.example",
                NotLocal::OddCharacter,
                "a line break browsers strip",
            ),
            ("/\r\nSet-Cookie: x=1", NotLocal::OddCharacter, "a header injection"),
            (" /history", NotLocal::OddCharacter, "leading space"),
            ("/his tory", NotLocal::OddCharacter, "a space"),
            ("/histor\u{00ff}", NotLocal::OddCharacter, "a non-ASCII character"),
            ("/\u{0}", NotLocal::OddCharacter, "a NUL"),
            ("/sign-in", NotLocal::SignIn, "the sign-in page"),
            (
                "/sign-in?next=%2Fhistory",
                NotLocal::SignIn,
                "the sign-in page with a query",
            ),
            (&too_long, NotLocal::TooLong, "too long"),
        ];
        for (raw, why, message) in cases {
            assert_eq!(NextPage::parse(raw), Err(*why), "{message}: {raw:?}");
        }
    }

    #[test]
    fn an_unusable_or_missing_next_lands_on_the_dashboard() {
        assert_eq!(NextPage::or_home(None), NextPage::home());
        assert_eq!(NextPage::or_home(Some("//evil.example")), NextPage::home());
        assert_eq!(NextPage::or_home(Some("/history")).as_str(), "/history");
        assert!(NextPage::home().is_home());
    }
}
