//! The built files under /pkg: pages link them under a version made from their content, served
//! precompressed and cached for a year; a new build gets new URLs.

use crate::helpers::serve_args;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING};
use who_can_see::server::app::Application;

/// A site folder of the test's own: the release build may not exist when these tests run.
fn site_with_stylesheet(css: &str) -> std::path::PathBuf {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let site = std::env::temp_dir().join(format!("wcs_static_{}_{n}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/who-can-see.css"), css).unwrap();
    // What `cargo leptos build -P` writes beside each file (any bytes do for the test).
    std::fs::write(site.join("pkg/who-can-see.css.br"), b"brotli bytes").unwrap();
    site
}

/// Starts the app on `site`; returns its address and the stylesheet URL its pages link.
async fn start(site: &std::path::Path) -> (String, String) {
    let mut args = serve_args(false);
    args.site_root = site.display().to_string();
    let url = format!("sqlite://{}/consent.db", site.display());
    let app = Application::build(&url, args).await.expect("the app builds");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    let page = reqwest::get(format!("{address}/sign-in"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("/pkg/").expect("the page links its stylesheet");
    let end = page[start..].find(".css").expect("a stylesheet link") + start + 4;
    (address, page[start..end].to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linked_files_are_versioned_precompressed_and_cached_for_a_year() {
    let site = site_with_stylesheet("body { color: black }");
    let (address, stylesheet) = start(&site).await;
    let version = stylesheet
        .strip_prefix("/pkg/")
        .and_then(|rest| rest.strip_suffix("/who-can-see.css"))
        .expect("/pkg/<version>/who-can-see.css");
    assert!(
        !version.is_empty() && version.chars().all(|c| c.is_ascii_hexdigit()),
        "{stylesheet}"
    );

    let client = reqwest::Client::new();
    // GET `path`, as a browser that takes brotli would (`br`) or as a plain client ("").
    let get = |path: &str, accept_encoding: &str| {
        let mut request = client.get(format!("{address}{path}"));
        if !accept_encoding.is_empty() {
            request = request.header(ACCEPT_ENCODING, accept_encoding);
        }
        async move { request.send().await.unwrap() }
    };
    let versioned = get(&stylesheet, "").await;
    assert_eq!(versioned.status(), 200);
    assert_eq!(
        versioned.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(versioned.text().await.unwrap(), "body { color: black }");

    let compressed = get(&stylesheet, "br").await;
    assert_eq!(
        compressed.headers()[CONTENT_ENCODING],
        "br",
        "the precompressed file is sent"
    );

    let plain = get("/pkg/who-can-see.css", "").await;
    assert_eq!(plain.status(), 200);
    assert_eq!(
        plain.headers()[CACHE_CONTROL],
        "public, max-age=300",
        "unversioned: a short life"
    );

    let other_version = get("/pkg/000000000000/who-can-see.css", "").await;
    assert_eq!(other_version.status(), 404, "only this build's version is served");

    let rebuilt = site_with_stylesheet("body { color: navy }");
    let (_, new_stylesheet) = start(&rebuilt).await;
    assert_ne!(new_stylesheet, stylesheet, "a new build's pages link new URLs");
    let _ = std::fs::remove_dir_all(&site);
    let _ = std::fs::remove_dir_all(&rebuilt);
}
