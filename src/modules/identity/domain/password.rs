//! Password policy (NIST SP 800-63B): 12–128 characters, no composition rules, common
//! passwords refused, never truncated.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::platform::validation::FieldError;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

fn common() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("common_passwords.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

pub fn check(field: &str, password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(FieldError::new(
            field,
            "too_short",
            format!("must be at least {MIN_CHARS} characters"),
        ));
    }
    if chars > MAX_CHARS {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("must be at most {MAX_CHARS} characters"),
        ));
    }
    let lowered = password.to_lowercase();
    let first = lowered.chars().next();
    let one_repeated_char = lowered.chars().all(|c| Some(c) == first);
    if one_repeated_char || common().contains(lowered.as_str()) {
        return Err(FieldError::new(
            field,
            "too_common",
            "is too common; choose a less guessable passphrase",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert!(check("password", "short").is_err());
        assert!(check("password", "éééééééééééx").is_ok());
        assert_eq!(
            check("password", &"ab".repeat(65)).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn common_and_trivial_passwords_are_refused() {
        assert_eq!(
            check("password", "Password1234").unwrap_err().code,
            "too_common"
        );
        assert_eq!(
            check("password", "qwertyuiop123").unwrap_err().code,
            "too_common"
        );
        assert_eq!(
            check("password", "zzzzzzzzzzzzzz").unwrap_err().code,
            "too_common"
        );
        assert!(check("password", "violet-teapot-harbour").is_ok());
    }
}
