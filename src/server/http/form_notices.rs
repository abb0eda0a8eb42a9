//! What a form posted without JavaScript did, said once on the page it returns to.
//!
//! With JavaScript the dashboard says "Revoked: …" in its status line. A plain form post (every
//! form but the dashboard's, which are plain without script) gets a redirect back to its page
//! instead, which would show the new state with no word of what just happened. So that redirect
//! carries the notice in a cookie (HttpOnly, a minute long) naming the page it is for, and that
//! page shows it once and clears it. Only this app sets the cookie, so no link can make a page
//! claim something happened.

use crate::server::http::cookies::{self, CookieName};
use crate::server::state::Settings;
use http::request::Parts;

const NOTICE_COOKIE: CookieName = CookieName {
    plain: "wcs_notice",
    https: "__Host-wcs_notice",
};

/// Long enough to follow the redirect; a notice never greets a later visit.
const SHOWN_WITHIN_SECONDS: u32 = 60;

/// Notices are one sentence; a longer cookie is not one of ours.
const LONGEST_NOTICE_BYTES: usize = 1_000;

/// Whether a request is an HTML form posted without JavaScript (which gets a redirect back to
/// its page), rather than a call made by script.
pub fn is_plain_form_post(request: &Parts) -> bool {
    let accepts_html = request
        .headers
        .get(http::header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    accepts_html && request.method == http::Method::POST
}

/// The cookie that carries `notice` to the page the form was posted from (where the redirect
/// goes), if `request` is a plain form post.
pub fn notice_cookie(request: &Parts, notice: &str, settings: &Settings) -> Option<String> {
    let page = request
        .headers
        .get(http::header::REFERER)
        .and_then(|referer| referer.to_str().ok())
        .and_then(|referer| referer.parse::<http::Uri>().ok())?;
    // The page's path and the notice, one line each: a path never holds a line break.
    let carried = format!("{}\n{notice}", page.path());
    (is_plain_form_post(request) && carried.len() <= LONGEST_NOTICE_BYTES).then(|| {
        format!(
            "{}={}; {}; Max-Age={SHOWN_WITHIN_SECONDS}",
            NOTICE_COOKIE.in_mode(settings),
            hex::encode(carried),
            cookies::attributes(settings)
        )
    })
}

/// The notice a page request carries for this very page, if any, and the cookie that clears it
/// once shown. A notice for another page waits for that page (another tab may be loading).
pub fn take_notice(request: &Parts, settings: &Settings) -> Option<(String, String)> {
    let name = NOTICE_COOKIE.in_mode(settings);
    let encoded = cookies::value(&request.headers, name)?;
    let carried = hex::decode(encoded)
        .ok()
        .filter(|bytes| bytes.len() <= LONGEST_NOTICE_BYTES)
        .and_then(|bytes| String::from_utf8(bytes).ok())?;
    let (page, notice) = carried.split_once('\n')?;
    if page != request.uri.path() {
        return None;
    }
    let clear = format!("{name}=; {}; Max-Age=0", cookies::attributes(settings));
    Some((notice.to_owned(), clear))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, uri: &str, accept: &str, referer: &str, cookie: Option<&str>) -> Parts {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("accept", accept)
            .header("referer", referer);
        if let Some(cookie) = cookie {
            builder = builder.header("cookie", cookie);
        }
        builder.body(()).unwrap().into_parts().0
    }

    fn plain() -> Settings {
        Settings::for_tests(false)
    }

    /// The notice cookie a plain form posted from `referer` leaves, as a browser sends it back.
    fn posted_from(referer: &str, notice: &str) -> String {
        let posted = request("POST", "/api/revoke", "text/html,*/*", referer, None);
        let cookie = notice_cookie(&posted, notice, &plain()).expect("a notice cookie");
        cookie.split(';').next().unwrap().to_owned()
    }

    fn shown_on(path: &str, cookie: &str) -> Option<(String, String)> {
        take_notice(&request("GET", path, "text/html", "", Some(cookie)), &plain())
    }

    #[test]
    fn a_plain_form_carries_its_notice_to_the_page_it_was_posted_from_once() {
        let notice = "Revoked: Spotify can no longer read your messages.";
        let cookie = posted_from("http://127.0.0.1:3000/", notice);
        let (shown, clear) = shown_on("/", &cookie).expect("the notice");
        assert_eq!(shown, notice);
        assert!(
            clear.starts_with("wcs_notice=;") && clear.ends_with("Max-Age=0"),
            "{clear}"
        );
        let cookie = posted_from("http://h/history?partner=spotify&page=2", "Allowed again.");
        assert_eq!(
            shown_on("/history", &cookie).map(|(shown, _)| shown).as_deref(),
            Some("Allowed again.")
        );
    }

    #[test]
    fn a_notice_waits_for_its_own_page() {
        let cookie = posted_from("http://h/history", "Allowed again.");
        assert_eq!(shown_on("/", &cookie), None);
        assert_eq!(shown_on("/history/export.csv", &cookie), None);
    }

    #[test]
    fn script_calls_and_posts_from_nowhere_get_no_notice_cookie() {
        let by_script = request("POST", "/api/revoke", "application/json", "http://h/", None);
        assert_eq!(notice_cookie(&by_script, "Revoked.", &plain()), None);
        let no_referer = http::Request::post("/api/revoke")
            .header("accept", "text/html")
            .body(())
            .unwrap()
            .into_parts()
            .0;
        assert_eq!(notice_cookie(&no_referer, "Revoked.", &plain()), None);
    }

    #[test]
    fn a_cookie_that_is_not_ours_shows_nothing() {
        let no_page = format!("wcs_notice={}", hex::encode("Revoked."));
        for cookie in ["wcs_notice=zz", "wcs_notice=ff00", "other=4869", no_page.as_str()] {
            assert_eq!(shown_on("/", cookie), None, "{cookie}");
        }
    }
}
