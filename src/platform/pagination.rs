//! Cursor pagination: `?limit=&cursor=`, answered as `{data, next_cursor}`.
//!
//! Cursors are opaque to clients (URL-safe base64 of the last row's sort key), so the sort
//! key can change without breaking the contract.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::platform::validation::FieldError;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// Checks a requested page size: absent means the default, outside 1..=100 is refused.
pub fn limit(requested: Option<u32>) -> Result<u32, FieldError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::new(
            "limit",
            "out_of_range",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// Reads `?limit=&cursor=` into a page size and the sort key to continue after, collecting
/// every problem with them.
pub fn parse<K: DeserializeOwned>(
    requested_limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<(u32, Option<K>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let limit = limit(requested_limit).unwrap_or_else(|e| {
        errors.push(e);
        DEFAULT_LIMIT
    });
    let after = cursor.and_then(|c| decode_cursor(c).map_err(|e| errors.push(e)).ok());
    if errors.is_empty() {
        Ok((limit, after))
    } else {
        Err(errors)
    }
}

/// Turns a `limit + 1` fetch into a page: the extra row, if any, only proves there is a next
/// page, whose cursor is the last kept row's sort key.
pub fn split<T, K: Serialize>(
    mut rows: Vec<T>,
    limit: u32,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        let next = rows.last().map(|r| encode_cursor(&key(r)));
        (rows, next)
    } else {
        (rows, None)
    }
}

pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

pub fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> Result<K, FieldError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            FieldError::new(
                "cursor",
                "invalid",
                "is not a cursor this API returned; start again without it",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = encode_cursor(&(3, "itm_1".to_string()));
        let back: (i32, String) = decode_cursor(&c).unwrap();
        assert_eq!(back, (3, "itm_1".into()));
        assert!(decode_cursor::<(i32, String)>("not a cursor!").is_err());
    }

    #[test]
    fn split_keeps_limit_rows_and_points_past_the_last() {
        let (rows, next) = split(vec![1, 2, 3], 2, |r| *r);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(decode_cursor::<i32>(&next.unwrap()).unwrap(), 2);
        let (rows, next) = split(vec![1, 2], 2, |r| *r);
        assert_eq!((rows.len(), next), (2, None));
    }

    #[test]
    fn parse_reports_every_bad_parameter() {
        let errors = parse::<i32>(Some(0), Some("!!")).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(parse::<i32>(None, None).unwrap(), (DEFAULT_LIMIT, None));
    }

    #[test]
    fn limits_are_capped() {
        assert_eq!(limit(None).unwrap(), DEFAULT_LIMIT);
        assert_eq!(limit(Some(100)).unwrap(), 100);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
    }
}
