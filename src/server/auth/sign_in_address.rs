//! The address of the sign-in page, carrying the page the person asked for (`next`) and why the
//! last try failed (`error`), so that signing in lands them where they were going.

use crate::domain::next_page::NextPage;
use http::Uri;

/// The page a request asked for, as `next` for after sign-in (the dashboard if it is not one
/// `NextPage` accepts).
pub fn asked_for(uri: &Uri) -> NextPage {
    NextPage::or_home(uri.path_and_query().map(|asked| asked.as_str()))
}

/// `/sign-in`, with `error` and `next` in its query. The dashboard, where a sign-in lands
/// anyway, is left out of the address.
pub fn sign_in_address(error: Option<&str>, next: &NextPage) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(error) = error {
        query.append_pair("error", error);
    }
    if !next.is_home() {
        query.append_pair("next", next.as_str());
    }
    let query = query.finish();
    if query.is_empty() {
        "/sign-in".to_owned()
    } else {
        format!("/sign-in?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(raw: &str) -> NextPage {
        NextPage::parse(raw).unwrap()
    }

    #[test]
    fn the_page_asked_for_travels_encoded_in_the_query() {
        assert_eq!(
            sign_in_address(None, &next("/history?partner=spotify&page=2")),
            "/sign-in?next=%2Fhistory%3Fpartner%3Dspotify%26page%3D2"
        );
        assert_eq!(
            sign_in_address(Some("invalid"), &next("/activity")),
            "/sign-in?error=invalid&next=%2Factivity"
        );
    }

    #[test]
    fn the_dashboard_needs_no_next() {
        assert_eq!(sign_in_address(None, &NextPage::home()), "/sign-in");
        assert_eq!(
            sign_in_address(Some("locked"), &NextPage::home()),
            "/sign-in?error=locked"
        );
    }

    #[test]
    fn the_page_asked_for_is_read_from_the_request_line() {
        let asked = |uri: &str| asked_for(&uri.parse().unwrap()).to_string();
        assert_eq!(asked("/history?page=2"), "/history?page=2");
        assert_eq!(asked("https://who-can-see.example/sessions"), "/sessions");
        assert_eq!(asked("/"), "/");
    }
}
