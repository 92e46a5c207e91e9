//! JSON Schema counts `40.0` as an integer; serde does not. These deserializers accept a
//! number with no fractional part wherever the contract says "integer", and still refuse
//! `40.5`, strings and out-of-range values.

use serde::de::{Deserializer, Error};
use serde::{Deserialize, de::DeserializeOwned};

#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Int(i64),
    Float(f64),
}

fn whole<T: TryFrom<i64>, E: Error>(n: Number) -> Result<T, E> {
    let value = match n {
        Number::Int(i) => i,
        Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
        Number::Float(f) => return Err(E::custom(format!("expected an integer, got {f}"))),
    };
    T::try_from(value).map_err(|_| E::custom(format!("{value} is out of range")))
}

pub fn integer<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + DeserializeOwned,
{
    whole(Number::deserialize(d)?)
}

pub fn optional_integer<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + DeserializeOwned,
{
    Option::<Number>::deserialize(d)?.map(whole).transpose()
}

/// A field that was sent, `null` included (`Some(None)`), as opposed to left out (`None`).
/// Needs `#[serde(default)]`.
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A field that may be sent as `null` to clear it: left out → `None`, `null` →
/// `Some(None)`, a whole number → `Some(Some(n))`. Needs `#[serde(default)]`.
pub fn present_integer<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + DeserializeOwned,
{
    optional_integer(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct Body {
        #[serde(deserialize_with = "integer")]
        n: i32,
        #[serde(default, deserialize_with = "optional_integer")]
        m: Option<i64>,
    }

    #[test]
    fn whole_floats_are_integers_and_fractions_are_not() {
        let b: Body = serde_json::from_str(r#"{"n": 40.0, "m": 7}"#).unwrap();
        assert_eq!((b.n, b.m), (40, Some(7)));
        let b: Body = serde_json::from_str(r#"{"n": 1}"#).unwrap();
        assert_eq!(b.m, None);
        assert!(serde_json::from_str::<Body>(r#"{"n": 40.5}"#).is_err());
        assert!(serde_json::from_str::<Body>(r#"{"n": "40"}"#).is_err());
        assert!(serde_json::from_str::<Body>(r#"{"n": 4294967296}"#).is_err());
    }

    #[derive(Deserialize, Debug)]
    struct Patch {
        #[serde(default, deserialize_with = "present_integer")]
        n: Option<Option<i32>>,
    }

    #[test]
    fn a_patch_tells_null_from_left_out() {
        let p: Patch = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(p.n, None);
        let p: Patch = serde_json::from_str(r#"{"n": null}"#).unwrap();
        assert_eq!(p.n, Some(None));
        let p: Patch = serde_json::from_str(r#"{"n": 4.0}"#).unwrap();
        assert_eq!(p.n, Some(Some(4)));
    }
}
