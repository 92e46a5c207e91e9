//! A timestamp's text written digit by digit, where chrono runs `core::fmt` for each field.
//!
//! chrono writes a `DateTime` for serde (RFC 3339) and diesel writes one for SQLite
//! (`%F %T%.f`) through formatting machinery: five timestamps an order cost 3.3% of a
//! key-authenticated order list's samples, and the writer's binds 3.4% of its own. Both texts
//! are the same digits around a different separator, so [`digits`] writes them once, and
//! leaves the rare timestamp it does not write the same way (a year outside 0–9999, a leap
//! second) to chrono.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use serde::{Serialize, Serializer};

/// Room for the longest text written: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
const ROOM: usize = 30;

/// A timestamp's text, kept on the stack.
pub struct TimeText {
    bytes: [u8; ROOM],
    len: usize,
}

impl TimeText {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).expect("digits and separators are ASCII")
    }

    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    fn push_digits(&mut self, value: u32, width: u32) {
        for place in (0..width).rev() {
            self.push(b'0' + (value / 10u32.pow(place) % 10) as u8);
        }
    }
}

/// `at` as `YYYY-MM-DD`, `separator`, `HH:MM:SS`, then a fraction of a second left out when
/// it is zero, else in 3, 6 or 9 digits: what chrono writes for `%F %T%.f` (separator `' '`)
/// and before the `Z` of RFC 3339 with `AutoSi` seconds (`'T'`). `None` where chrono writes
/// more than that: a year outside 0–9999 or a leap second.
pub fn digits(at: &NaiveDateTime, separator: u8) -> Option<TimeText> {
    let year = u32::try_from(at.year()).ok().filter(|&y| y <= 9999)?;
    let nanos = at.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    let mut text = TimeText {
        bytes: [0; ROOM],
        len: 0,
    };
    text.push_digits(year, 4);
    for (before, value) in [
        (b'-', at.month()),
        (b'-', at.day()),
        (separator, at.hour()),
        (b':', at.minute()),
        (b':', at.second()),
    ] {
        text.push(before);
        text.push_digits(value, 2);
    }
    let (fraction, width) = match nanos {
        0 => return Some(text),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    text.push(b'.');
    text.push_digits(fraction, width);
    Some(text)
}

/// Serializes `at` to the text chrono's own `Serialize` writes (RFC 3339 in UTC, `Z`, the
/// fraction as above). For DTOs answered on every read: `#[serde(serialize_with = …)]`.
pub fn rfc3339<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    match digits(&at.naive_utc(), b'T') {
        Some(mut text) => {
            text.push(b'Z');
            serializer.serialize_str(text.as_str())
        }
        None => at.serialize(serializer),
    }
}

/// [`rfc3339`] for an optional timestamp.
pub fn rfc3339_option<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    struct Present<'a>(&'a DateTime<Utc>);
    impl Serialize for Present<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            rfc3339(self.0, serializer)
        }
    }
    match at {
        Some(at) => serializer.serialize_some(&Present(at)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// Every precision chrono distinguishes, at the edges of every field.
    fn moments() -> Vec<NaiveDateTime> {
        let nanos = [
            0,
            1,
            999,
            1_000,
            1_000_000,
            120_000_000,
            123_456_000,
            123_456_789,
            999_999_999,
        ];
        let mut moments = Vec::new();
        for (year, month, day) in [
            (0, 1, 1),
            (1, 2, 3),
            (999, 12, 31),
            (1970, 1, 1),
            (2026, 2, 28),
            (9999, 12, 31),
        ] {
            for (hour, minute, second) in [(0, 0, 0), (9, 5, 7), (23, 59, 59)] {
                for &n in &nanos {
                    moments.push(
                        NaiveDate::from_ymd_opt(year, month, day)
                            .unwrap()
                            .and_hms_nano_opt(hour, minute, second, n)
                            .unwrap(),
                    );
                }
            }
        }
        moments
    }

    /// What chrono writes digit by digit here would not be: a leap second and years beyond.
    fn beyond() -> Vec<NaiveDateTime> {
        let mut beyond = vec![
            NaiveDate::from_ymd_opt(2016, 12, 31)
                .unwrap()
                .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
                .unwrap(),
        ];
        for year in [-1, 10_000] {
            beyond.push(
                NaiveDate::from_ymd_opt(year, 6, 1)
                    .unwrap()
                    .and_hms_opt(12, 0, 0)
                    .unwrap(),
            );
        }
        beyond
    }

    #[test]
    fn writes_what_chrono_formats_as_sql_text() {
        for at in moments() {
            let text = digits(&at, b' ').map(|t| t.as_str().to_owned());
            assert_eq!(text, Some(at.format("%F %T%.f").to_string()));
        }
        for at in beyond() {
            assert!(digits(&at, b' ').is_none(), "{at}");
        }
    }

    #[test]
    fn serializes_what_chrono_serializes() {
        #[derive(Serialize)]
        struct Ours {
            #[serde(serialize_with = "rfc3339")]
            at: DateTime<Utc>,
            #[serde(serialize_with = "rfc3339_option")]
            maybe: Option<DateTime<Utc>>,
        }
        #[derive(Serialize)]
        struct Chronos {
            at: DateTime<Utc>,
            maybe: Option<DateTime<Utc>>,
        }
        let none: Option<DateTime<Utc>> = None;
        for at in moments().into_iter().chain(beyond()) {
            let at = at.and_utc();
            for maybe in [Some(at), none] {
                assert_eq!(
                    serde_json::to_string(&Ours { at, maybe }).unwrap(),
                    serde_json::to_string(&Chronos { at, maybe }).unwrap(),
                );
            }
        }
    }
}
