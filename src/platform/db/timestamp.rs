//! Timestamps read back from SQLite at the cost of one parse.
//!
//! SQLite keeps a timestamp as text, which diesel reads with `NaiveDateTime::parse_from_str`:
//! that parses its format string again for every value (4.6% of a key-authenticated order
//! list's samples; an order row holds up to five timestamps). [`Stamp`] and [`MaybeStamp`]
//! read the format diesel writes with its items parsed once, and leave any other text (or a
//! Julian day number) to diesel's own reading. Rows read on every request name them with
//! `#[diesel(deserialize_as = …)]`; the field stays a `NaiveDateTime`.

use std::sync::LazyLock;

use chrono::NaiveDateTime;
use chrono::format::{Item, Parsed, StrftimeItems};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::{Nullable, Timestamp};
use diesel::sqlite::Sqlite;

use super::DbBackend;

/// The format diesel writes timestamps to SQLite in (`%F %T%.f`), parsed once.
static WRITTEN: LazyLock<Vec<Item<'static>>> =
    LazyLock::new(|| StrftimeItems::new("%F %T%.f").collect());

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

fn as_written(text: &str) -> Option<NaiveDateTime> {
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, text, WRITTEN.iter()).ok()?;
    parsed.to_naive_datetime_with_offset(0).ok()
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
    struct Written {
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
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let at = NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_micro_opt(10, 11, 12, 123_456)
            .unwrap();
        // The text diesel writes for `at`, read back through SQLite.
        let written = diesel::sql_query("SELECT ? AS text")
            .bind::<Timestamp, _>(at)
            .get_result::<Written>(&mut conn)
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
}
