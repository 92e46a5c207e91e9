//! Access tokens whose signature held, remembered by the token itself: a bearer sends the
//! same token on every request until it refreshes, and decoding it and recomputing its HMAC
//! was the largest part of authenticating one (7% of a bearer read's CPU).
//!
//! Only the signature's verdict is remembered, which a token cannot lose; expiry is checked
//! on every use, and the session behind the token is still checked by the caller, so logout
//! and revocation take effect as before. A token that fails is not remembered.

use std::sync::Arc;

use quick_cache::sync::Cache;

use crate::modules::identity::domain::tokens::{Claims, TokenKeys};

pub struct SignedTokens {
    keys: TokenKeys,
    /// At most `capacity` tokens; `None` when that is 0.
    seen: Option<Cache<String, Arc<Claims>>>,
}

impl SignedTokens {
    pub fn new(keys: TokenKeys, capacity: usize) -> Self {
        Self {
            keys,
            seen: (capacity > 0).then(|| Cache::new(capacity)),
        }
    }

    pub fn keys(&self) -> &TokenKeys {
        &self.keys
    }

    /// The claims of `token` if we signed it and it has not expired at `now` (Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Option<Arc<Claims>> {
        let claims = match self.seen.as_ref().and_then(|seen| seen.get(token)) {
            Some(claims) => claims,
            None => {
                let claims = Arc::new(self.keys.signed(token)?);
                if let Some(seen) = &self.seen {
                    seen.insert(token.to_owned(), claims.clone());
                }
                claims
            }
        };
        (!claims.expired_at(now)).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn tokens(capacity: usize) -> SignedTokens {
        SignedTokens::new(TokenKeys::new(SECRET, 60), capacity)
    }

    #[test]
    fn a_remembered_token_still_expires() {
        for capacity in [0, 10] {
            let tokens = tokens(capacity);
            let token = tokens.keys().issue("usr_1", "ses_1", 1_000);
            assert_eq!(tokens.verify(&token, 1_000).unwrap().sid, "ses_1");
            assert_eq!(tokens.verify(&token, 1_030).unwrap().sub, "usr_1");
            assert!(tokens.verify(&token, 2_000).is_none(), "{capacity}");
        }
    }

    #[test]
    fn a_token_another_key_signed_or_altered_is_refused_every_time() {
        let tokens = tokens(10);
        let foreign = SignedTokens::new(TokenKeys::new(b"another-secret-another-secret-xx", 60), 0)
            .keys()
            .issue("usr_1", "ses_1", 1_000);
        let mine = tokens.keys().issue("usr_1", "ses_1", 1_000);
        assert!(tokens.verify(&mine, 1_000).is_some());
        for _ in 0..2 {
            assert!(tokens.verify(&foreign, 1_000).is_none());
            assert!(tokens.verify(&(mine.clone() + "x"), 1_000).is_none());
            assert!(tokens.verify(&mine[..mine.len() - 1], 1_000).is_none());
        }
    }
}
