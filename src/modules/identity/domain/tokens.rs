//! Access tokens are short-lived HS256 JWTs naming the user and the session. The session is
//! still looked up on every request, so logout and role changes take effect immediately.
//! Whether a token has expired is a question of the caller's clock, asked apart from whether
//! its signature holds, which stays true and so can be remembered.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

const ISSUER: &str = "brigade";
/// Seconds a token is still taken after its `exp`, for clocks a little apart.
const LEEWAY_SECS: i64 = 5;

impl Claims {
    /// Whether the token has expired at `now` (Unix seconds).
    pub fn expired_at(&self, now: i64) -> bool {
        self.exp < now - LEEWAY_SECS
    }
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// HS256 from our issuer; expiry is `Claims::expired_at`'s, on the caller's clock.
    validation: Validation,
    pub ttl_secs: u64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation: {
                let mut validation = Validation::new(Algorithm::HS256);
                validation.set_issuer(&[ISSUER]);
                validation.validate_exp = false;
                validation
            },
            ttl_secs,
        }
    }

    pub fn issue(&self, user_id: &str, session_id: &str, now: i64) -> String {
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat: now,
            exp: now + self.ttl_secs as i64,
            iss: ISSUER.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// The claims of a token we signed, whether or not it has expired since.
    pub fn signed(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_tampering_fails() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 60);
        let now = chrono::Utc::now().timestamp();
        let token = keys.issue("usr_1", "ses_1", now);
        let claims = keys.signed(&token).unwrap();
        assert!(!claims.expired_at(now));
        assert_eq!(
            (claims.sub.as_str(), claims.sid.as_str()),
            ("usr_1", "ses_1")
        );

        let other = TokenKeys::new(b"another-secret-another-secret-xx", 60);
        assert!(other.signed(&token).is_none());
        assert!(keys.signed(&(token.clone() + "x")).is_none());
    }

    #[test]
    fn expired_tokens_fail() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 60);
        let long_ago = chrono::Utc::now().timestamp() - 3600;
        let now = chrono::Utc::now().timestamp();
        let claims = keys
            .signed(&keys.issue("usr_1", "ses_1", long_ago))
            .unwrap();
        assert!(claims.expired_at(now));
    }

    #[test]
    fn a_token_expires_on_the_callers_clock_after_a_little_leeway() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 60);
        let token = keys.issue("usr_1", "ses_1", 1_000);
        let claims = keys.signed(&token).unwrap();
        assert!(!claims.expired_at(1_060 + LEEWAY_SECS));
        assert!(claims.expired_at(1_061 + LEEWAY_SECS));
    }
}
