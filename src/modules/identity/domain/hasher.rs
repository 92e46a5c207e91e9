//! argon2id password hashing. CPU-heavy: callers run it on the blocking pool.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::modules::identity::api::Argon2Settings;

/// Every hash is made with these; the parameters come from the settings.
const ALGORITHM: Algorithm = Algorithm::Argon2id;
const VERSION: Version = Version::V0x13;

#[derive(Clone)]
pub struct Hasher {
    params: Params,
    /// A hash with the configured parameters that no password matches, verified against when
    /// the account does not exist so the response takes as long as for a real account.
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
        Self {
            decoy: decoy(&params),
            params,
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(ALGORITHM, VERSION, self.params.clone())
    }

    /// Whether `stored` was made with the configured algorithm, version and parameters. A hash
    /// made with other settings still verifies (a PHC string carries its own parameters) but
    /// keeps costing what those settings cost, until it is made again.
    pub fn is_current(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return false;
        };
        parsed.algorithm == ALGORITHM.ident()
            && parsed.version == Some(VERSION.into())
            && params.m_cost() == self.params.m_cost()
            && params.t_cost() == self.params.t_cost()
            && params.p_cost() == self.params.p_cost()
            && output_len(&params) == output_len(&self.params)
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

/// A PHC string with `params`, a random salt and a random output. Verifying against it costs
/// exactly what verifying against a real hash costs, without hashing anything to make it:
/// hashing at start-up took the whole `memory_kib` (19 MiB then) while every module was
/// being wired, the process's highest memory mark.
fn decoy(params: &Params) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut salt = [0u8; 16];
    let mut output = vec![0u8; output_len(params)];
    crate::platform::ids::fill_random(&mut salt);
    crate::platform::ids::fill_random(&mut output);
    format!(
        "${}$v={}$m={},t={},p={}${}${}",
        ALGORITHM.as_str(),
        u32::from(VERSION),
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(output)
    )
}

fn output_len(params: &Params) -> usize {
    params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher() -> Hasher {
        hasher_with(64, 1)
    }

    fn hasher_with(memory_kib: u32, iterations: u32) -> Hasher {
        Hasher::new(&Argon2Settings {
            memory_kib,
            iterations,
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

    /// The decoy must cost what a real hash costs: same algorithm, version, parameters, and
    /// salt and output lengths.
    #[test]
    fn the_decoy_is_a_hash_with_the_configured_parameters() {
        let h = hasher();
        let real = h.hash("violet-teapot-harbour");
        let parts = |phc: &str| -> Vec<String> {
            let canonical = PasswordHash::new(phc).unwrap().to_string();
            let fields: Vec<&str> = canonical.split('$').collect();
            let (head, salt_and_output) = fields.split_last_chunk::<2>().unwrap();
            let mut shape: Vec<String> = head.iter().map(|f| f.to_string()).collect();
            shape.extend(salt_and_output.iter().map(|f| f.len().to_string()));
            shape
        };
        assert_eq!(parts(&h.decoy), parts(&real));
        assert_ne!(
            h.decoy,
            hasher().decoy,
            "a random salt and output each time"
        );
    }

    #[test]
    fn a_hash_made_with_other_settings_still_verifies_but_is_not_current() {
        let (now, before) = (hasher_with(64, 1), hasher_with(128, 2));
        let old = before.hash("violet-teapot-harbour");
        assert!(now.verify("violet-teapot-harbour", Some(&old)));
        assert!(!now.is_current(&old));
        assert!(before.is_current(&old));
        assert!(now.is_current(&now.hash("violet-teapot-harbour")));
        assert!(!now.is_current(&old.replace("argon2id", "argon2i")));
        assert!(!now.is_current("not a hash"));
    }

    #[test]
    fn long_passwords_are_not_truncated() {
        let h = hasher();
        let long = "x".repeat(100) + "tail-one";
        let stored = h.hash(&long);
        assert!(!h.verify(&("x".repeat(100) + "tail-two"), Some(&stored)));
    }
}
