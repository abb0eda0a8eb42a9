//! Where the platform may push events: https only (plain http only to this machine, when
//! `--allow-http-endpoints` is on, for the demo), and never to a private, loopback or
//! link-local address unless that is allowed too, so a partner's endpoint cannot be used to
//! reach the platform's own network (SSRF). Checked when an endpoint is set and before each try,
//! on every address its name resolves to.

use reqwest::Url;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointPolicy {
    /// Plain http to a loopback address (and loopback itself) is allowed: the demo's receiver.
    pub allow_http_loopback: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("The endpoint is not a URL.")]
    NotAUrl,
    #[error("The endpoint must use https.")]
    NotHttps,
    #[error("The endpoint must not be a private, loopback or link-local address.")]
    Private,
    #[error("The endpoint's host name does not resolve.")]
    Unresolved,
}

/// Whether `ip` is inside a network of its own (private, loopback, link-local, unspecified...).
fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private() || v4.is_loopback() || v4.is_link_local() || v4.is_unspecified() || v4.is_broadcast()
                // 100.64.0.0/10, carrier-grade NAT
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || v6.to_ipv4_mapped().is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

/// Checks the endpoint's form, before resolving it.
pub fn parse_endpoint(raw: &str, policy: EndpointPolicy) -> Result<Url, EndpointError> {
    let url = Url::parse(raw.trim()).map_err(|_| EndpointError::NotAUrl)?;
    if url.host_str().is_none_or(str::is_empty) || !url.username().is_empty() {
        return Err(EndpointError::NotAUrl);
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if policy.allow_http_loopback => Ok(url),
        _ => Err(EndpointError::NotHttps),
    }
}

/// Checks every address the endpoint's host resolves to; plain http must be loopback.
pub async fn check_addresses(url: &Url, policy: EndpointPolicy) -> Result<(), EndpointError> {
    let host = url.host_str().ok_or(EndpointError::NotAUrl)?;
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<IpAddr> = tokio::net::lookup_host((host.trim_matches(['[', ']']), port))
        .await
        .map_err(|_| EndpointError::Unresolved)?
        .map(|address| address.ip())
        .collect();
    if addresses.is_empty() {
        return Err(EndpointError::Unresolved);
    }
    let loopback_only = addresses.iter().all(IpAddr::is_loopback);
    if url.scheme() == "http" && !loopback_only {
        return Err(EndpointError::NotHttps);
    }
    let allowed_internal = policy.allow_http_loopback && loopback_only;
    if !allowed_internal && addresses.iter().copied().any(is_internal) {
        return Err(EndpointError::Private);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_unless_loopback_http_is_allowed() {
        let strict = EndpointPolicy::default();
        let demo = EndpointPolicy {
            allow_http_loopback: true,
        };
        assert!(parse_endpoint("https://events.spotify.example/secevents", strict).is_ok());
        assert_eq!(
            parse_endpoint("http://127.0.0.1:9000/", strict),
            Err(EndpointError::NotHttps)
        );
        assert!(parse_endpoint("http://127.0.0.1:9000/", demo).is_ok());
        assert_eq!(parse_endpoint("ftp://example.com/", demo), Err(EndpointError::NotHttps));
        assert_eq!(parse_endpoint("not a url", strict), Err(EndpointError::NotAUrl));
    }

    #[tokio::test]
    async fn internal_addresses_are_refused() {
        let strict = EndpointPolicy::default();
        for internal in [
            "https://10.0.0.8/",
            "https://192.168.1.1/",
            "https://169.254.169.254/",
            "https://127.0.0.1/",
            "https://[::1]/",
            "https://[fd00::1]/",
        ] {
            let url = parse_endpoint(internal, strict).unwrap();
            assert_eq!(
                check_addresses(&url, strict).await,
                Err(EndpointError::Private),
                "{internal}"
            );
        }
        assert!(
            check_addresses(&parse_endpoint("https://93.184.215.14/", strict).unwrap(), strict)
                .await
                .is_ok()
        );
        let demo = EndpointPolicy {
            allow_http_loopback: true,
        };
        assert!(
            check_addresses(&parse_endpoint("http://127.0.0.1:9/", demo).unwrap(), demo)
                .await
                .is_ok()
        );
        assert_eq!(
            check_addresses(&parse_endpoint("http://93.184.215.14/", demo).unwrap(), demo).await,
            Err(EndpointError::NotHttps),
            "plain http only to this machine"
        );
    }
}
