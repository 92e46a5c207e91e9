//! Identifiers and secrets.
//!
//! Resource ids are prefixed UUIDv7 strings (`itm_0190...`): the prefix tells a human what
//! kind of thing an id names, and v7 ids sort by creation time, which keeps cursors stable.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A new id such as `usr_01932c4e9a7b7c3e8f0a1b2c3d4e5f60`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

/// Fills `buf` from the operating system's CSPRNG.
pub fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random source is unavailable");
}

/// `bytes` bytes from the operating system's CSPRNG, URL-safe base64 encoded.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    fill_random(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 of a high-entropy secret, for storing tokens we must recognise but never reveal.
pub fn token_digest(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_sort_by_creation() {
        let a = new_id("itm");
        let b = new_id("itm");
        assert!(a.starts_with("itm_"));
        assert!(a < b, "{a} should sort before {b}");
    }

    #[test]
    fn tokens_are_unique_and_digests_stable() {
        let t = random_token(32);
        assert_ne!(t, random_token(32));
        assert_eq!(token_digest(&t), token_digest(&t));
        assert_ne!(token_digest(&t), t);
    }
}
