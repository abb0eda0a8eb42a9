//! `who-can-see verify-receipt FILE --jwks SOURCE`: checks a consent receipt offline, against
//! the platform's public keys (a JWKS file, or the URL of a running instance), and prints what
//! it proves. Any changed byte fails the check, with a non-zero exit.

use crate::domain::receipt::{RECEIPT_TYPE, proves};
use crate::server::notify::verify::verify;
use anyhow::{Context, bail};
use serde_json::Value;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct VerifyReceiptArgs {
    /// The receipt, as downloaded from History ("Receipt").
    pub file: PathBuf,
    /// The platform's keys: a JWKS file, or an instance's URL (its /.well-known/jwks.json is read).
    #[arg(long)]
    pub jwks: String,
}

/// The key set, from a file or a running instance.
pub async fn key_set(source: &str) -> anyhow::Result<Value> {
    let text = if source.starts_with("http://") || source.starts_with("https://") {
        let url = if source.ends_with(".json") {
            source.to_owned()
        } else {
            format!("{}/.well-known/jwks.json", source.trim_end_matches('/'))
        };
        let response = reqwest::get(&url)
            .await
            .with_context(|| format!("Could not reach {url}"))?;
        if !response.status().is_success() {
            bail!("{url} answered {}", response.status());
        }
        response.text().await?
    } else {
        std::fs::read_to_string(source).with_context(|| format!("Could not read the key set {source}"))?
    };
    serde_json::from_str(&text).with_context(|| format!("{source} is not a JSON key set"))
}

pub async fn verify_receipt(args: &VerifyReceiptArgs) -> anyhow::Result<()> {
    let receipt = std::fs::read_to_string(&args.file)
        .with_context(|| format!("Could not read the receipt {}", args.file.display()))?;
    let keys = key_set(&args.jwks).await?;
    let verified = match verify(&receipt, RECEIPT_TYPE, &keys) {
        Ok(verified) => verified,
        Err(error) => bail!("The receipt is NOT valid: {error}."),
    };
    let Some(proved) = proves(&verified.payload) else {
        bail!("The signature is the platform's, but this is not a consent receipt.");
    };
    println!("The receipt is valid: signed by the platform's key {}.", verified.kid);
    println!("It proves this consent record:\n{proved}");
    Ok(())
}
