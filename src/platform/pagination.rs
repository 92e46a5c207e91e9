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
/// Longer than any cursor this API hands out.
pub const MAX_CURSOR_LEN: usize = 512;

/// Declares a list's query: its own fields, then `limit` and `cursor`. They are checked by
/// the service with [`parse`] — once, whoever calls, in-process or over the wire — and
/// documented here for the contract.
#[macro_export]
macro_rules! paged_query {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
            /// Page size, 1 to 100 (default 20).
            #[param(minimum = 1, maximum = 100)]
            pub limit: Option<u32>,
            /// `next_cursor` from the previous page.
            #[param(min_length = 1, max_length = 512)]
            pub cursor: Option<String>,
        }
    };
}

/// Checks a requested page size: absent means the default, outside 1..=100 is refused.
pub fn limit(requested: Option<u32>) -> Result<u32, FieldError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::new(
            "limit",
            "range",
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
    let after = match cursor {
        Some(c) if c.is_empty() || c.len() > MAX_CURSOR_LEN => {
            errors.push(FieldError::new(
                "cursor",
                "length",
                format!("length must be between 1 and {MAX_CURSOR_LEN}"),
            ));
            None
        }
        Some(c) => decode_cursor(c).map_err(|e| errors.push(e)).ok(),
        None => None,
    };
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

/// One page of a list: its items, and the cursor of the next page (`null` on the last).
/// Each list names its page in the contract with [`page_of!`](crate::page_of).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page of a `limit + 1` fetch (see [`split`]).
    pub fn of<K: Serialize>(rows: Vec<T>, limit: u32, key: impl Fn(&T) -> K) -> Self {
        let (data, next_cursor) = split(rows, limit, key);
        Self { data, next_cursor }
    }
}

/// The schema of a page of `T`, `description` its own (how the list is ordered).
pub fn page_schema<T: utoipa::ToSchema>(
    description: Option<&str>,
    example: Option<serde_json::Value>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    use utoipa::openapi::{Ref, schema::SchemaType};

    let items = Ref::from_schema_name(T::name());
    let cursor = ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .description(Some(
            "Pass as `cursor` for the next page; `null` on the last page.",
        ));
    // `example`, as the derive writes every other schema's.
    #[allow(deprecated)]
    ObjectBuilder::new()
        .description(description)
        .property("data", ArrayBuilder::new().items(items))
        .required("data")
        .property("next_cursor", cursor)
        .example(example)
        .into()
}

/// Declares `$name` as the page of `$item` (`{data, next_cursor}`), named so in the contract.
#[macro_export]
macro_rules! page_of {
    ($(#[doc = $doc:literal])* $name:ident of $item:ty $(, example = $example:expr)?) => {
        $(#[doc = $doc])*
        pub type $name = $crate::platform::pagination::Page<$item>;

        impl utoipa::PartialSchema for $crate::platform::pagination::Page<$item> {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let docs: &[&str] = &[$($doc),*];
                let description = docs.iter().map(|d| d.trim()).collect::<Vec<_>>().join(" ");
                #[allow(unused_mut, unused_assignments)]
                let mut example: Option<serde_json::Value> = None;
                $(example = Some($example);)?
                $crate::platform::pagination::page_schema::<$item>(
                    (!description.is_empty()).then_some(description.as_str()),
                    example,
                )
            }
        }

        impl utoipa::ToSchema for $crate::platform::pagination::Page<$item> {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn schemas(
                schemas: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                )>,
            ) {
                schemas.push((
                    <$item as utoipa::ToSchema>::name().into(),
                    <$item as utoipa::PartialSchema>::schema(),
                ));
                <$item as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
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
        let too_long = "a".repeat(MAX_CURSOR_LEN + 1);
        let errors = parse::<i32>(Some(101), Some(&too_long)).unwrap_err();
        assert_eq!(errors[0].code, "range");
        assert_eq!(errors[1].code, "length");
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
