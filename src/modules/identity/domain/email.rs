//! Emails are compared case-insensitively: we store them trimmed and lower-cased.

use crate::platform::validation::FieldError;

pub fn normalise(raw: &str) -> Result<String, FieldError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(FieldError::new(
            "email",
            "invalid",
            "must be a valid email address",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(normalise("  Ada@Example.COM ").unwrap(), "ada@example.com");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
        ] {
            assert!(normalise(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
