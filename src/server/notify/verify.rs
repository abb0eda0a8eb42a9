//! Checking a compact JWS signed with EdDSA (Ed25519) against a JWK Set, as a partner checks an
//! event and anyone checks a receipt: the key is picked by the header's `kid`, and the token
//! must be exactly what was signed, byte for byte.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::Value;
use std::fmt;

/// Why a token does not verify; each says what a person should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    NotCompactJws,
    UnsupportedAlgorithm(String),
    WrongType { expected: String, found: String },
    UnknownKey(String),
    BadKey,
    BadSignature,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::NotCompactJws => write!(f, "it is not a compact JWS (three base64url parts of JSON)"),
            VerifyError::UnsupportedAlgorithm(alg) => write!(f, "it is signed with {alg:?}, not EdDSA"),
            VerifyError::WrongType { expected, found } => write!(f, "its type is {found:?}, not {expected:?}"),
            VerifyError::UnknownKey(kid) => write!(f, "no key {kid:?} is in the key set"),
            VerifyError::BadKey => write!(f, "the key set's key is not an Ed25519 public key"),
            VerifyError::BadSignature => write!(f, "the signature does not match: it was changed after signing"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// A token that verified: the key that signed it and its payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub kid: String,
    pub payload: Value,
}

fn json_part(part: &str) -> Result<Value, VerifyError> {
    let bytes = B64.decode(part).map_err(|_| VerifyError::NotCompactJws)?;
    serde_json::from_slice(&bytes).map_err(|_| VerifyError::NotCompactJws)
}

/// Verifies `token`, whose header must say `typ`, with the keys of `jwks`.
pub fn verify(token: &str, typ: &str, jwks: &Value) -> Result<Verified, VerifyError> {
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(VerifyError::NotCompactJws);
    };
    let header = json_part(header)?;
    let alg = header["alg"].as_str().unwrap_or_default();
    if alg != "EdDSA" {
        return Err(VerifyError::UnsupportedAlgorithm(alg.to_owned()));
    }
    let found = header["typ"].as_str().unwrap_or_default();
    if found != typ {
        return Err(VerifyError::WrongType {
            expected: typ.to_owned(),
            found: found.to_owned(),
        });
    }
    let kid = header["kid"].as_str().unwrap_or_default().to_owned();
    let jwk = jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|key| key["kid"] == kid.as_str()))
        .ok_or_else(|| VerifyError::UnknownKey(kid.clone()))?;
    if jwk["kty"] != "OKP" || jwk["crv"] != "Ed25519" {
        return Err(VerifyError::BadKey);
    }
    let public: [u8; 32] = jwk["x"]
        .as_str()
        .and_then(|x| B64.decode(x).ok())
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(VerifyError::BadKey)?;
    let key = VerifyingKey::from_bytes(&public).map_err(|_| VerifyError::BadKey)?;
    let signature: [u8; 64] = B64
        .decode(signature)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(VerifyError::BadSignature)?;
    let signed = &token[..token.len() - signature_len(token)];
    key.verify_strict(signed.as_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(Verified {
        kid,
        payload: json_part(payload)?,
    })
}

/// The length of the signature part with its dot.
fn signature_len(token: &str) -> usize {
    token.rsplit('.').next().map_or(0, |part| part.len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::notify::signing_keys::SigningKeys;
    use serde_json::json;

    fn keys() -> SigningKeys {
        let file = std::env::temp_dir().join(format!("wcs-verify-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let keys = SigningKeys::load_or_create(&file, 0).unwrap();
        let _ = std::fs::remove_file(&file);
        keys
    }

    #[test]
    fn a_signed_token_verifies_and_any_changed_byte_fails() {
        let keys = keys();
        let token = keys.sign("receipt+jws", &json!({ "status": "withdrawn" }));
        let verified = verify(&token, "receipt+jws", &keys.jwks()).unwrap();
        assert_eq!(verified.payload["status"], "withdrawn");

        let mut bytes = token.clone().into_bytes();
        let middle = token.find('.').unwrap() + 3;
        bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(bytes).unwrap();
        assert!(
            verify(&changed, "receipt+jws", &keys.jwks()).is_err(),
            "a changed payload fails"
        );
        assert_eq!(
            verify(&token, "secevent+jwt", &keys.jwks()).unwrap_err(),
            VerifyError::WrongType {
                expected: "secevent+jwt".into(),
                found: "receipt+jws".into()
            }
        );
        assert!(matches!(
            verify(&token, "receipt+jws", &json!({ "keys": [] })),
            Err(VerifyError::UnknownKey(_))
        ));
        assert_eq!(
            verify("not a token", "receipt+jws", &keys.jwks()),
            Err(VerifyError::NotCompactJws)
        );
    }
}
