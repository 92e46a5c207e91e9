//! Timestamps written to and read back from SQLite without chrono's format strings.
//!
//! SQLite keeps a timestamp as text, which diesel reads with `NaiveDateTime::parse_from_str`:
//! that parses its format string again for every value (4.6% of a key-authenticated order
//! list's samples; an order row holds up to five timestamps). [`Stamp`] and [`MaybeStamp`]
//! read the text diesel writes (`%F %T%.f`: `2026-12-04 10:11:12.123456`) by its fixed
//! positions, and leave any other text (or a Julian day number) to diesel's own reading:
//! chrono's parser, even with its format items parsed once, still spent 2.2% of that list's
//! samples. Rows read on every request name them with `#[diesel(deserialize_as = …)]`; the
//! field stays a `NaiveDateTime`.
//!
//! Writing is the mirror image: diesel formats each timestamp with `%F %T%.f`, parsing that
//! format again every time (3.4% of the single writer's samples). [`Written`] writes the same
//! text digit by digit ([`crate::platform::time_text`]); statements the writer runs for every
//! order or event bind their timestamps through it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Nullable, Timestamp};
use diesel::sqlite::Sqlite;

use super::DbBackend;
use crate::platform::time_text;

/// A timestamp column read into a `NaiveDateTime` field.
#[derive(FromSqlRow)]
pub struct Stamp(NaiveDateTime);

/// A nullable timestamp column read into an `Option<NaiveDateTime>` field.
#[derive(FromSqlRow)]
pub struct MaybeStamp(Option<NaiveDateTime>);

impl From<Stamp> for NaiveDateTime {
    fn from(stamp: Stamp) -> Self {
        stamp.0
    }
}

impl From<MaybeStamp> for Option<NaiveDateTime> {
    fn from(stamp: MaybeStamp) -> Self {
        stamp.0
    }
}

/// `text` as diesel writes a timestamp: `YYYY-MM-DD HH:MM:SS`, then `.` and one to nine
/// digits of a second or nothing; `None` for anything else.
fn as_written(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if b.len() < 19 || separators.iter().any(|&(at, sep)| b[at] != sep) {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(digits)? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)?.and_hms_nano_opt(
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
        nanos,
    )
}

impl FromSql<Timestamp, Sqlite> for Stamp {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(at) = as_written(value.read_text()) {
            return Ok(Stamp(at));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, Pg> for Stamp {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, DbBackend> for Stamp {
    fn from_sql(value: <DbBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

/// Implements the nullable reading on each backend through [`Stamp`]'s.
macro_rules! maybe_stamp_on {
    ($($backend:ty),*) => {$(
        impl FromSql<Nullable<Timestamp>, $backend> for MaybeStamp {
            fn from_sql(value: <$backend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                <Stamp as FromSql<Timestamp, $backend>>::from_sql(value)
                    .map(|stamp| MaybeStamp(Some(stamp.0)))
            }

            fn from_nullable_sql(
                value: Option<<$backend as Backend>::RawValue<'_>>,
            ) -> deserialize::Result<Self> {
                match value {
                    Some(value) => <Self as FromSql<Nullable<Timestamp>, $backend>>::from_sql(value),
                    None => Ok(MaybeStamp(None)),
                }
            }
        }
    )*};
}

maybe_stamp_on!(Sqlite, Pg, DbBackend);

/// A timestamp bound as a statement's parameter: on SQLite, the text diesel would write,
/// written without parsing a format; on PostgreSQL, diesel's own binary form.
#[derive(Debug, Clone, Copy, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct Written(pub NaiveDateTime);

impl From<NaiveDateTime> for Written {
    fn from(at: NaiveDateTime) -> Self {
        Written(at)
    }
}

impl ToSql<Timestamp, Sqlite> for Written {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        // What diesel writes (`%F %T%.f`), where diesel would parse that format each time.
        match time_text::digits(&self.0, b' ') {
            Some(text) => {
                out.set_value(text.as_str().to_owned());
                Ok(IsNull::No)
            }
            None => <NaiveDateTime as ToSql<Timestamp, Sqlite>>::to_sql(&self.0, out),
        }
    }
}

impl ToSql<Timestamp, Pg> for Written {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, out)
    }
}

impl ToSql<Timestamp, DbBackend> for Written {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DbBackend>) -> serialize::Result {
        out.set_value((Timestamp, self));
        Ok(IsNull::No)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::*;

    #[derive(QueryableByName)]
    struct Read {
        #[diesel(sql_type = Timestamp, deserialize_as = Stamp)]
        at: NaiveDateTime,
        #[diesel(sql_type = Nullable<Timestamp>, deserialize_as = MaybeStamp)]
        maybe: Option<NaiveDateTime>,
    }

    #[derive(QueryableByName)]
    struct StoredText {
        #[diesel(sql_type = Text)]
        text: String,
    }

    fn read(conn: &mut SqliteConnection, text: &str, maybe: Option<&str>) -> QueryResult<Read> {
        diesel::sql_query("SELECT ? AS at, ? AS maybe")
            .bind::<Text, _>(text)
            .bind::<Nullable<Text>, _>(maybe)
            .get_result(conn)
    }

    #[test]
    fn reads_what_diesel_wrote_and_what_diesel_would_read() {
        let mut conn = crate::platform::db::establish_sqlite(":memory:").unwrap();
        let at = NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_micro_opt(10, 11, 12, 123_456)
            .unwrap();
        // The text diesel writes for `at`, read back through SQLite.
        let written = diesel::sql_query("SELECT ? AS text")
            .bind::<Timestamp, _>(at)
            .get_result::<StoredText>(&mut conn)
            .unwrap()
            .text;
        let plain = read(&mut conn, &written, None).unwrap();
        assert_eq!((plain.at, plain.maybe), (at, None));
        let both = read(&mut conn, &written, Some(&written)).unwrap();
        assert_eq!(both.maybe, Some(at));

        let other_forms = read(
            &mut conn,
            "2026-12-04T10:11:12.123456Z",
            Some("2026-12-04 10:11"),
        )
        .unwrap();
        assert_eq!(other_forms.at, at);
        assert_eq!(
            other_forms.maybe,
            Some(at.date().and_hms_opt(10, 11, 0).unwrap())
        );

        assert!(read(&mut conn, "not a time", None).is_err());
    }

    #[test]
    fn reads_every_precision_diesel_writes_as_chrono_would() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        for nanos in [
            0,
            120_000_000,
            123_000_000,
            123_456_000,
            123_456_789,
            999_999_999,
        ] {
            let at = day.and_hms_nano_opt(23, 59, 9, nanos).unwrap();
            let text = at.format("%F %T%.f").to_string();
            assert_eq!(as_written(&text), Some(at), "{text}");
        }
        assert_eq!(
            as_written("2026-12-04 10:11:12.5"),
            Some(
                NaiveDate::from_ymd_opt(2026, 12, 4)
                    .unwrap()
                    .and_hms_milli_opt(10, 11, 12, 500)
                    .unwrap()
            )
        );
        for other in [
            "2026-12-04T10:11:12",
            "2026-12-04 10:11",
            "2026-12-04 10:11:12.",
            "2026-12-04 10:11:12.1234567890",
            "2026-12-04 10:11:12Z",
            "2026-02-30 10:11:12",
            "2026-12-04 24:00:00",
            "2026-12-04 10:11:60",
            "+026-12-04 10:11:12",
            "2026-1a-04 10:11:12",
        ] {
            assert_eq!(as_written(other), None, "{other}");
        }
    }

    #[test]
    fn sqlite_stores_the_text_diesel_would_have() {
        let mut conn = crate::platform::db::establish_sqlite(":memory:").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let leap_second = day.and_hms_nano_opt(23, 59, 59, 1_000_000_007).unwrap();
        let far = NaiveDate::from_ymd_opt(12_026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        for at in [
            day.and_hms_micro_opt(10, 11, 12, 123_456).unwrap(),
            leap_second,
            far,
        ] {
            let ours = diesel::sql_query("SELECT ? AS text").bind::<Timestamp, _>(Written(at));
            let diesels = diesel::sql_query("SELECT ? AS text").bind::<Timestamp, _>(at);
            assert_eq!(
                ours.get_result::<StoredText>(&mut conn).unwrap().text,
                diesels.get_result::<StoredText>(&mut conn).unwrap().text
            );
        }
    }
}
