//! argon2id password hashing. CPU-heavy: callers run it on the blocking pool.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::modules::identity::api::Argon2Settings;

#[derive(Clone)]
pub struct Hasher {
    params: Params,
    /// A hash of a random secret, verified against when the account does not exist so the
    /// response takes as long as for a real account.
    decoy: String,
}

impl Hasher {
    pub fn new(settings: &Argon2Settings) -> Self {
        let params = Params::new(
            settings.memory_kib,
            settings.iterations,
            settings.parallelism,
            None,
        )
        .expect("argon2 parameters are validated with the configuration");
        let mut hasher = Self {
            params,
            decoy: String::new(),
        };
        hasher.decoy = hasher.hash(&crate::platform::ids::random_token(24));
        hasher
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    pub fn hash(&self, password: &str) -> String {
        self.argon2()
            .hash_password(password.as_bytes())
            .expect("argon2 hashing with valid parameters cannot fail")
            .to_string()
    }

    /// Verifies against `stored`, or against the decoy when there is no account.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let target = stored.unwrap_or(&self.decoy);
        let Ok(parsed) = PasswordHash::new(target) else {
            return false;
        };
        let ok = self
            .argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && stored.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher() -> Hasher {
        Hasher::new(&Argon2Settings {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        })
    }

    #[test]
    fn hashes_are_salted_argon2id_and_verify() {
        let h = hasher();
        let a = h.hash("violet-teapot-harbour");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, h.hash("violet-teapot-harbour"));
        assert!(h.verify("violet-teapot-harbour", Some(&a)));
        assert!(!h.verify("violet-teapot-harbouR", Some(&a)));
    }

    #[test]
    fn no_account_never_verifies() {
        assert!(!hasher().verify("anything at all", None));
    }

    #[test]
    fn long_passwords_are_not_truncated() {
        let h = hasher();
        let long = "x".repeat(100) + "tail-one";
        let stored = h.hash(&long);
        assert!(!h.verify(&("x".repeat(100) + "tail-two"), Some(&stored)));
    }
}
