//! Identity across a process boundary: the edge, having authenticated a caller, calls a module
//! hosted elsewhere with a short-lived token it signs (EdDSA, Ed25519); the hosting process
//! verifies it with the public keys it is configured with and authorizes in its service as
//! usual. A token names its audience (the module), its subject, roles and scopes, and lives
//! at most a minute, so a leaked one is worth little.
//!
//! Keys are 32-byte Ed25519 seeds, written as URL-safe base64; each has an id (`kid`) so a
//! verifier can hold the old and the new public key while the signers move over.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The longest a token may live; longer requests are cut to it.
pub const MAX_TTL_SECS: u64 = 60;
const ISSUER: &str = "brigade-edge";

/// Who a token speaks for: the caller the edge authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub id: String,
    /// The session, or the API key, the caller used.
    pub session: String,
    pub roles: Vec<String>,
    /// An API key's scopes; `None` for a signed-in user.
    pub scopes: Option<Vec<String>>,
    /// The venues the caller works at; `None`: every venue.
    pub venues: Option<Vec<String>>,
}

impl Subject {
    /// A process calling for no one (a read that needs no caller): no roles, no scopes.
    pub fn process() -> Self {
        Self {
            id: "brigade".to_owned(),
            session: "process".to_owned(),
            roles: Vec::new(),
            scopes: Some(Vec::new()),
            venues: None,
        }
    }
}

/// What an internal token says about the call it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    /// The module the token may call.
    pub aud: String,
    pub sub: String,
    /// The subject's session or API key.
    #[serde(default)]
    pub sid: String,
    pub roles: Vec<String>,
    /// An API key's scopes; `None` for a signed-in user.
    pub scopes: Option<Vec<String>>,
    /// The venues the subject works at; absent: every venue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venues: Option<Vec<String>>,
    /// The token's id (and, at the edge, the request's).
    pub jti: String,
    pub iat: u64,
    pub exp: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("not a key: {0}")]
    BadKey(String),
    #[error("no key with id {0:?} is trusted")]
    UnknownKey(String),
    #[error("refused: {0}")]
    Refused(String),
}

/// A new signing key: its seed, base64 (keep it secret), and its public key, base64 (give it
/// to every process that verifies).
pub fn generate_key() -> (String, String) {
    let mut seed = [0u8; 32];
    crate::platform::ids::fill_random(&mut seed);
    let public = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
    (URL_SAFE_NO_PAD.encode(seed), URL_SAFE_NO_PAD.encode(public))
}

fn decode_32(text: &str) -> Result<[u8; 32], TokenError> {
    URL_SAFE_NO_PAD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| TokenError::BadKey("expected 32 bytes as URL-safe base64".into()))
}

/// Signs tokens at the edge with one key.
pub struct Signer {
    kid: String,
    key: EncodingKey,
}

impl Signer {
    pub fn new(kid: &str, seed: &str) -> Result<Self, TokenError> {
        let seed = decode_32(seed)?;
        // PKCS#8 v1 for an Ed25519 seed: a fixed prefix, then the 32 bytes.
        let mut der = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        der.extend_from_slice(&seed);
        Ok(Self {
            kid: kid.to_owned(),
            key: EncodingKey::from_ed_der(&der),
        })
    }

    /// A token for `audience` carrying who calls, living `ttl_secs` (at most
    /// [`MAX_TTL_SECS`]) from `now` (seconds since the epoch).
    pub fn sign(
        &self,
        audience: &str,
        who: &Subject,
        jti: &str,
        now: u64,
        ttl_secs: u64,
    ) -> Result<String, TokenError> {
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: audience.to_owned(),
            sub: who.id.clone(),
            sid: who.session.clone(),
            roles: who.roles.clone(),
            scopes: who.scopes.clone(),
            venues: who.venues.clone(),
            jti: jti.to_owned(),
            iat: now,
            exp: now + ttl_secs.min(MAX_TTL_SECS),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| TokenError::BadKey(e.to_string()))
    }
}

/// Verifies tokens in a process hosting a module, with every public key it trusts.
pub struct Verifier {
    audience: String,
    keys: HashMap<String, DecodingKey>,
}

impl Verifier {
    /// Trusts `keys` (`kid` → public key, base64) for tokens addressed to `audience`.
    pub fn new<'a>(
        audience: &str,
        keys: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, TokenError> {
        let keys = keys
            .into_iter()
            .map(|(kid, public)| {
                Ok((
                    kid.to_owned(),
                    DecodingKey::from_ed_der(&decode_32(public)?),
                ))
            })
            .collect::<Result<_, TokenError>>()?;
        Ok(Self {
            audience: audience.to_owned(),
            keys,
        })
    }

    /// The claims of `token` if one of the trusted keys signed it with EdDSA, for this
    /// audience, and it has not expired at `now` (no leeway: the lifetime is already short).
    pub fn verify(&self, token: &str, now: u64) -> Result<Claims, TokenError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| TokenError::Refused(e.to_string()))?;
        if header.alg != Algorithm::EdDSA {
            return Err(TokenError::Refused(format!(
                "{:?} is not EdDSA",
                header.alg
            )));
        }
        let kid = header.kid.unwrap_or_default();
        let key = self
            .keys
            .get(&kid)
            .ok_or_else(|| TokenError::UnknownKey(kid.clone()))?;
        let mut rules = Validation::new(Algorithm::EdDSA);
        rules.set_audience(&[&self.audience]);
        rules.set_issuer(&[ISSUER]);
        rules.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        // Expiry is checked below against the caller's clock, not the library's.
        rules.validate_exp = false;
        let claims = jsonwebtoken::decode::<Claims>(token, key, &rules)
            .map_err(|e| TokenError::Refused(e.to_string()))?
            .claims;
        if claims.exp <= now {
            return Err(TokenError::Refused("expired".into()));
        }
        if claims.exp.saturating_sub(claims.iat) > MAX_TTL_SECS {
            return Err(TokenError::Refused("lives longer than a minute".into()));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn pair() -> (Signer, String) {
        let (seed, public) = generate_key();
        (Signer::new("k1", &seed).unwrap(), public)
    }

    fn token(signer: &Signer, audience: &str, now: u64, ttl: u64) -> String {
        let cook = Subject {
            id: "usr_1".into(),
            session: "ses_1".into(),
            roles: vec!["kitchen".into()],
            scopes: None,
            venues: Some(vec!["ven_a".into()]),
        };
        signer.sign(audience, &cook, "req_1", now, ttl).unwrap()
    }

    #[test]
    fn a_fresh_token_for_the_module_verifies_with_its_claims() {
        let (signer, public) = pair();
        let verifier = Verifier::new("kitchen", [("k1", public.as_str())]).unwrap();
        let claims = verifier
            .verify(&token(&signer, "kitchen", NOW, 30), NOW + 10)
            .unwrap();
        assert_eq!(claims.sub, "usr_1");
        assert_eq!(claims.roles, ["kitchen"]);
        assert_eq!(claims.exp, NOW + 30);
        // Asked for an hour, it gets a minute.
        let long = verifier
            .verify(&token(&signer, "kitchen", NOW, 3600), NOW)
            .unwrap();
        assert_eq!(long.exp, NOW + MAX_TTL_SECS);
    }

    #[test]
    fn expired_misaddressed_unsigned_and_foreign_tokens_are_refused() {
        let (signer, public) = pair();
        let verifier = Verifier::new("kitchen", [("k1", public.as_str())]).unwrap();
        let expired = token(&signer, "kitchen", NOW, 30);
        assert!(verifier.verify(&expired, NOW + 30).is_err());
        let elsewhere = token(&signer, "payments", NOW, 30);
        assert!(verifier.verify(&elsewhere, NOW).is_err());

        // Signed by a key nobody trusts, under the trusted key's id.
        let (stranger, _) = generate_key();
        let forged = token(&Signer::new("k1", &stranger).unwrap(), "kitchen", NOW, 30);
        assert!(verifier.verify(&forged, NOW).is_err());

        // The same claims, unsigned (`alg: none`), or with the signature cut off.
        let good = token(&signer, "kitchen", NOW, 30);
        let parts: Vec<&str> = good.split('.').collect();
        let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"k1"}"#);
        assert!(
            verifier
                .verify(&format!("{none}.{}.", parts[1]), NOW)
                .is_err()
        );
        assert!(
            verifier
                .verify(&format!("{}.{}.", parts[0], parts[1]), NOW)
                .is_err()
        );
        assert!(verifier.verify("usr_1", NOW).is_err());

        let unknown = Verifier::new("kitchen", [("k2", public.as_str())]).unwrap();
        assert_eq!(
            unknown.verify(&good, NOW),
            Err(TokenError::UnknownKey("k1".into()))
        );
    }

    #[test]
    fn a_verifier_trusts_the_old_and_the_new_key_during_a_rotation() {
        let (old, old_public) = pair();
        let (new_seed, new_public) = generate_key();
        let new = Signer::new("k2", &new_seed).unwrap();
        let verifier = Verifier::new(
            "kitchen",
            [("k1", old_public.as_str()), ("k2", new_public.as_str())],
        )
        .unwrap();
        assert!(
            verifier
                .verify(&token(&old, "kitchen", NOW, 30), NOW)
                .is_ok()
        );
        assert!(
            verifier
                .verify(&token(&new, "kitchen", NOW, 30), NOW)
                .is_ok()
        );
        assert!(matches!(
            Signer::new("k3", "not base64!"),
            Err(TokenError::BadKey(_))
        ));
    }
}
