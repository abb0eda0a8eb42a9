//! The platform's Ed25519 signing keys: the newest signs, every one still verifies (so a token
//! signed before a rotation stays valid), and their public halves are the JWKS partners fetch
//! at `/.well-known/jwks.json`.
//!
//! Where they live: `WCS_SIGNING_KEYS` (the file's JSON, for deployments that hand secrets
//! through the environment, such as several instances on PostgreSQL), else a file, made at first
//! start with mode 0600: beside a SQLite store (`who-can-see.db` → `who-can-see.signing-keys.json`),
//! or `who-can-see.signing-keys.json` in the working folder for PostgreSQL.

use anyhow::Context;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const SIGNING_KEYS_ENV: &str = "WCS_SIGNING_KEYS";

/// One key as the file keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredKey {
    /// The 32-byte Ed25519 secret, base64url.
    secret: String,
    created_at: i64,
}

#[derive(Clone)]
pub struct PlatformKey {
    /// RFC 7638 thumbprint of the public key.
    pub kid: String,
    key: SigningKey,
}

#[derive(Clone)]
pub struct SigningKeys {
    /// Oldest first; the last one signs.
    keys: Vec<PlatformKey>,
}

/// The RFC 7638 thumbprint of an Ed25519 public key: SHA-256 of its JWK's required members in
/// lexicographic order, base64url.
fn thumbprint(public: &VerifyingKey) -> String {
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        B64.encode(public.as_bytes())
    );
    B64.encode(Sha256::digest(canonical.as_bytes()))
}

fn platform_key(stored: &StoredKey) -> anyhow::Result<PlatformKey> {
    let bytes: [u8; 32] = B64
        .decode(&stored.secret)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .context("A signing key's secret is not 32 bytes of base64url")?;
    let key = SigningKey::from_bytes(&bytes);
    Ok(PlatformKey {
        kid: thumbprint(&key.verifying_key()),
        key,
    })
}

fn new_stored_key(now: i64) -> StoredKey {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    StoredKey {
        secret: B64.encode(key.to_bytes()),
        created_at: now,
    }
}

/// Where the key file of the store at `database_url` lives.
pub fn key_file_for(database_url: &str) -> PathBuf {
    let file = "who-can-see.signing-keys.json";
    let Some(path) = database_url.strip_prefix("sqlite://") else {
        return PathBuf::from(file);
    };
    let path = Path::new(path.split('?').next().unwrap_or_default());
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("who-can-see");
    path.with_file_name(format!("{stem}.signing-keys.json"))
}

fn read_file(path: &Path) -> anyhow::Result<Option<Vec<StoredKey>>> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            Ok(Some(serde_json::from_str(&text).with_context(|| {
                format!("{} is not a signing-key file", path.display())
            })?))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("Failed to read {}", path.display())),
    }
}

/// Writes the keys readable by this user only.
fn write_file(path: &Path, keys: &[StoredKey]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let temporary = path.with_extension("json.new");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temporary)
        .with_context(|| format!("Failed to write {}", temporary.display()))?;
    file.write_all(serde_json::to_string_pretty(keys)?.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temporary, path).with_context(|| format!("Failed to write {}", path.display()))?;
    Ok(())
}

impl SigningKeys {
    fn from_stored(stored: &[StoredKey]) -> anyhow::Result<Self> {
        anyhow::ensure!(!stored.is_empty(), "The signing-key list is empty");
        Ok(SigningKeys {
            keys: stored.iter().map(platform_key).collect::<anyhow::Result<_>>()?,
        })
    }

    /// The keys from the environment, else from `file`, made there if it does not exist.
    pub fn load_or_create(file: &Path, now: i64) -> anyhow::Result<Self> {
        if let Ok(text) = std::env::var(SIGNING_KEYS_ENV) {
            let stored: Vec<StoredKey> =
                serde_json::from_str(&text).with_context(|| format!("{SIGNING_KEYS_ENV} is not a signing-key list"))?;
            return Self::from_stored(&stored);
        }
        let stored = match read_file(file)? {
            Some(stored) => stored,
            None => {
                let made = vec![new_stored_key(now)];
                write_file(file, &made)?;
                made
            }
        };
        Self::from_stored(&stored)
    }

    /// Adds a new key to `file`, which signs from then on; the earlier ones still verify.
    /// Returns the new key's id.
    pub fn rotate(file: &Path, now: i64) -> anyhow::Result<String> {
        let mut stored = read_file(file)?.unwrap_or_default();
        let added = new_stored_key(now);
        let kid = platform_key(&added)?.kid;
        stored.push(added);
        write_file(file, &stored)?;
        Ok(kid)
    }

    fn signer(&self) -> &PlatformKey {
        self.keys.last().expect("a key list is never empty")
    }

    /// A compact JWS (EdDSA) over `payload`, with `typ` in its header.
    pub fn sign(&self, typ: &str, payload: &Value) -> String {
        let signer = self.signer();
        let header = json!({ "alg": "EdDSA", "typ": typ, "kid": signer.kid });
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string().as_bytes()),
            B64.encode(payload.to_string().as_bytes())
        );
        let signature = signer.key.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(signature.to_bytes()))
    }

    /// The public keys, as a JWK Set (RFC 7517, OKP keys of RFC 8037).
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|key| {
                json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "alg": "EdDSA",
                    "use": "sig",
                    "kid": key.kid,
                    "x": B64.encode(key.key.verifying_key().as_bytes()),
                })
            })
            .collect();
        json!({ "keys": keys })
    }
}
