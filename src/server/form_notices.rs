//! What a dashboard form posted without JavaScript did, said once on the page it returns to.
//!
//! With JavaScript the dashboard says "Revoked: …" in its status line. A plain form post gets a
//! redirect back to the dashboard instead, which would show the new state with no word of what
//! just happened. So that redirect carries the notice in a cookie (HttpOnly, a minute long), and
//! the dashboard shows it once and clears it. Only this app sets the cookie, so no link can make
//! the page claim something happened.

use crate::server::cookies::{self, CookieName};
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

/// The cookie that carries `notice` to the dashboard, if `request` is a plain form posted from
/// the dashboard (posted from another page, it goes back there, which shows no notice).
pub fn notice_cookie(request: &Parts, notice: &str, settings: &Settings) -> Option<String> {
    let from_dashboard = request
        .headers
        .get(http::header::REFERER)
        .and_then(|referer| referer.to_str().ok())
        .and_then(|referer| referer.parse::<http::Uri>().ok())
        .is_some_and(|referer| referer.path() == "/");
    (is_plain_form_post(request) && from_dashboard && notice.len() <= LONGEST_NOTICE_BYTES).then(|| {
        format!(
            "{}={}; {}; Max-Age={SHOWN_WITHIN_SECONDS}",
            NOTICE_COOKIE.in_mode(settings),
            hex::encode(notice),
            cookies::attributes(settings)
        )
    })
}

/// The notice a page request carries, if any, and the cookie that clears it once shown.
pub fn take_notice(request: &Parts, settings: &Settings) -> Option<(String, String)> {
    let name = NOTICE_COOKIE.in_mode(settings);
    let encoded = cookies::value(&request.headers, name)?;
    let notice = hex::decode(encoded)
        .ok()
        .filter(|bytes| bytes.len() <= LONGEST_NOTICE_BYTES)
        .and_then(|bytes| String::from_utf8(bytes).ok())?;
    let clear = format!("{name}=; {}; Max-Age=0", cookies::attributes(settings));
    Some((notice, clear))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, accept: &str, referer: &str, cookie: Option<&str>) -> Parts {
        let mut builder = http::Request::builder()
            .method(method)
            .uri("/api/revoke")
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

    #[test]
    fn a_plain_form_from_the_dashboard_carries_its_notice_there_once() {
        let notice = "Revoked: Spotify can no longer read your messages.";
        let posted = request("POST", "text/html,*/*", "http://127.0.0.1:3000/", None);
        let cookie = notice_cookie(&posted, notice, &plain()).expect("a notice cookie");
        let pair = cookie.split(';').next().unwrap();
        let page = request("GET", "text/html", "http://127.0.0.1:3000/", Some(pair));
        let (shown, clear) = take_notice(&page, &plain()).expect("the notice");
        assert_eq!(shown, notice);
        assert!(
            clear.starts_with("wcs_notice=;") && clear.ends_with("Max-Age=0"),
            "{clear}"
        );
    }

    #[test]
    fn script_calls_and_other_pages_get_no_notice_cookie() {
        let by_script = request("POST", "application/json", "http://h/", None);
        assert_eq!(notice_cookie(&by_script, "Revoked.", &plain()), None);
        let from_history = request("POST", "text/html", "http://h/history", None);
        assert_eq!(notice_cookie(&from_history, "Allowed.", &plain()), None);
    }

    #[test]
    fn a_cookie_that_is_not_ours_shows_nothing() {
        for cookie in ["wcs_notice=zz", "wcs_notice=ff00", "other=4869"] {
            let page = request("GET", "text/html", "http://h/", Some(cookie));
            assert_eq!(take_notice(&page, &plain()), None, "{cookie}");
        }
    }
}
