//! Identifiers: UUIDv7 as TEXT (time-ordered, so indexes stay compact) and random secrets.

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// A new time-ordered id, stored as TEXT on both backends.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A URL-safe random secret with 256 bits of entropy (session tokens, CSRF tokens).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Hex SHA-256, used to store secrets (tokens, codes) without keeping them.
pub fn sha256_hex(input: &[u8]) -> String {
    hex::encode(Sha256::digest(input))
}
