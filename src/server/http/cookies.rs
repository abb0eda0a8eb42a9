//! The app's cookies share one shape: HttpOnly, SameSite=Lax, `Path=/` and no Domain; over
//! HTTPS also Secure with the `__Host-` prefix, which browsers accept only with those
//! attributes, so neither a sibling subdomain nor a plain-HTTP page can plant or overwrite one.
//! Over plain HTTP (local use) browsers drop Secure cookies, so there the name has no prefix.
//! Each mode reads only its own name.

use crate::server::state::Settings;
use http::HeaderMap;
use http::header::COOKIE;

/// A cookie's name in each mode.
pub struct CookieName {
    pub plain: &'static str,
    pub https: &'static str,
}

impl CookieName {
    pub fn in_mode(&self, settings: &Settings) -> &'static str {
        if settings.https { self.https } else { self.plain }
    }
}

/// `Path=/` and no Domain, as the `__Host-` prefix demands.
pub fn attributes(settings: &Settings) -> &'static str {
    if settings.https {
        "Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Lax"
    }
}

/// The value of the cookie called `name`, among all the request's cookies.
pub fn value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value)
}
