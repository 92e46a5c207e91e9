//! Access tokens are short-lived HS256 JWTs naming the user and the session. The session is
//! still looked up on every request, so logout and role changes take effect immediately.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

const ISSUER: &str = "brigade";

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub ttl_secs: u64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
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

    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
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
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.sid.as_str()),
            ("usr_1", "ses_1")
        );

        let other = TokenKeys::new(b"another-secret-another-secret-xx", 60);
        assert!(other.verify(&token).is_none());
        assert!(keys.verify(&(token.clone() + "x")).is_none());
    }

    #[test]
    fn expired_tokens_fail() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 60);
        let long_ago = chrono::Utc::now().timestamp() - 3600;
        assert!(
            keys.verify(&keys.issue("usr_1", "ses_1", long_ago))
                .is_none()
        );
    }
}
