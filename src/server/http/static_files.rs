//! The built stylesheet, script and WebAssembly under `/pkg`, precompressed (`.br`, `.gz`).
//!
//! Pages link them under `/pkg/<version>/`, where the version is made from the files' content
//! when the server starts: a new build has new URLs, so browsers may keep these for a year
//! without ever running a stale script. The same files stay reachable under plain `/pkg/` with a
//! short cache life, for tools and links made by hand.

use crate::server::state::AppState;
use axum::Router;
use axum::http::{HeaderValue, header};
use sha2::{Digest, Sha256};
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// What the version is made from: every file a page links under `/pkg`.
const LINKED_FILES: [&str; 3] = ["who-can-see.css", "who-can-see.js", "who-can-see.wasm"];

/// A short hash of the linked files' content (a file not built yet counts as empty).
pub fn content_version(pkg_dir: &Path) -> String {
    let mut hasher = Sha256::new();
    for name in LINKED_FILES {
        let content = std::fs::read(pkg_dir.join(name)).unwrap_or_default();
        hasher.update(name.as_bytes());
        hasher.update((content.len() as u64).to_le_bytes());
        hasher.update(&content);
    }
    hex::encode(hasher.finalize())[..12].to_owned()
}

fn served(pkg_dir: &Path, cache_control: &'static str) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ))
}

/// `/pkg/<version>/...` cached for a year, `/pkg/...` for five minutes.
pub fn routes(pkg_dir: &Path, version: &str) -> Router<AppState> {
    Router::new()
        .nest_service(
            &format!("/pkg/{version}"),
            served(pkg_dir, "public, max-age=31536000, immutable"),
        )
        .nest_service("/pkg", served(pkg_dir, "public, max-age=300"))
}

#[cfg(test)]
mod tests {
    use super::content_version;

    #[test]
    fn the_version_follows_the_content() {
        let folder = std::env::temp_dir().join(format!("wcs_pkg_version_{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("who-can-see.css"), "body { color: black }").unwrap();
        let first = content_version(&folder);
        assert_eq!(first.len(), 12);
        assert_eq!(content_version(&folder), first, "same files, same version");
        std::fs::write(folder.join("who-can-see.css"), "body { color: navy }").unwrap();
        assert_ne!(content_version(&folder), first, "a new build gets new URLs");
        let _ = std::fs::remove_dir_all(&folder);
    }
}
