//! When an item is served: windows per weekday on the venue's wall clock (breakfast until
//! 11:00, happy hour from 17:00). A window whose end is at or before its start runs past
//! midnight into the next day.

use chrono::{DateTime, Datelike, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use crate::modules::venues::api::WeeklyHours;
use crate::platform::validation::FieldError;

/// Windows per weekday, Monday first, as local `(start, end)` times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Daypart {
    week: [Vec<(NaiveTime, NaiveTime)>; 7],
}

fn hh_mm(s: &str, end: bool) -> Option<NaiveTime> {
    if end && s == "24:00" {
        return Some(NaiveTime::MIN);
    }
    (s.len() == 5)
        .then(|| NaiveTime::parse_from_str(s, "%H:%M").ok())
        .flatten()
}

impl Daypart {
    /// Reads `hours`, naming every bad time under `field`.
    pub fn parse(field: &str, hours: &WeeklyHours) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut week: [Vec<(NaiveTime, NaiveTime)>; 7] = Default::default();
        for (day, periods) in hours.days().iter().enumerate() {
            for (i, p) in periods.iter().enumerate() {
                let at =
                    |what: &str| format!("{field}.{}[{i}].{what}", WeeklyHours::DAY_NAMES[day]);
                match (hh_mm(&p.opens, false), hh_mm(&p.closes, true)) {
                    // 00:00–24:00 is the whole day.
                    (Some(start), Some(end)) if start != end || p.closes == "24:00" => {
                        week[day].push((start, end))
                    }
                    (Some(_), Some(_)) => errors.push(FieldError::new(
                        at("closes"),
                        "invalid",
                        "must differ from opens",
                    )),
                    (start, _) => errors.push(FieldError::new(
                        at(if start.is_none() { "opens" } else { "closes" }),
                        "invalid",
                        "must be a time HH:MM (closes may be 24:00)",
                    )),
                }
            }
        }
        if errors.is_empty() {
            Ok(Self { week })
        } else {
            Err(errors)
        }
    }

    /// Whether a window holds the wall-clock time `local`.
    pub fn in_force(&self, local: NaiveDateTime) -> bool {
        let day = local.weekday().num_days_from_monday() as usize;
        let yesterday = (day + 6) % 7;
        let t = local.time();
        let today = self.week[day]
            .iter()
            .any(|&(start, end)| t >= start && (end <= start || t < end));
        let from_last_night = self.week[yesterday]
            .iter()
            .any(|&(start, end)| end <= start && t < end);
        today || from_last_night
    }

    /// The first window start after `local`, within a week.
    pub fn next_start(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        (0..8)
            .flat_map(|d| {
                let date = local.date() + TimeDelta::days(d);
                let day = date.weekday().num_days_from_monday() as usize;
                self.week[day]
                    .iter()
                    .map(move |&(start, _)| date.and_time(start))
            })
            .filter(|start| *start > local)
            .min()
    }

    /// Whether it is served at `at` at a venue in `tz`; if not, from when (within a week).
    pub fn served_at(&self, tz: Tz, at: DateTime<Utc>) -> Result<(), Option<DateTime<Utc>>> {
        let local = at.with_timezone(&tz).naive_local();
        if self.in_force(local) {
            return Ok(());
        }
        Err(self.next_start(local).map(|start| {
            tz.from_local_datetime(&start)
                .earliest()
                // A start skipped by the clocks going forward happens an hour later.
                .unwrap_or_else(|| tz.from_utc_datetime(&(start - TimeDelta::hours(1))))
                .with_timezone(&Utc)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::venues::api::Period;

    fn every_day(opens: &str, closes: &str) -> WeeklyHours {
        let p = vec![Period {
            opens: opens.into(),
            closes: closes.into(),
        }];
        WeeklyHours {
            monday: p.clone(),
            tuesday: p.clone(),
            wednesday: p.clone(),
            thursday: p.clone(),
            friday: p.clone(),
            saturday: p.clone(),
            sunday: p,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn breakfast_is_served_until_eleven_on_the_venue_s_clock() {
        let breakfast = Daypart::parse("schedule", &every_day("07:00", "11:00")).unwrap();
        let paris = chrono_tz::Europe::Paris;
        // 10:30 in Paris (summer, UTC+2).
        assert_eq!(
            breakfast.served_at(paris, utc("2026-06-10T08:30:00Z")),
            Ok(())
        );
        // 11:00 in Paris: over; back tomorrow at 07:00.
        assert_eq!(
            breakfast.served_at(paris, utc("2026-06-10T09:00:00Z")),
            Err(Some(utc("2026-06-11T05:00:00Z")))
        );
        // 06:00 in Paris: later this morning.
        assert_eq!(
            breakfast.served_at(paris, utc("2026-06-10T04:00:00Z")),
            Err(Some(utc("2026-06-10T05:00:00Z")))
        );
    }

    #[test]
    fn a_window_past_midnight_carries_into_the_next_day() {
        let late = Daypart::parse("schedule", &every_day("22:00", "02:00")).unwrap();
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert!(late.in_force(at("2026-06-10 23:30")));
        assert!(late.in_force(at("2026-06-11 01:30")));
        assert!(!late.in_force(at("2026-06-11 02:00")));
        let until_midnight = Daypart::parse("schedule", &every_day("18:00", "24:00")).unwrap();
        assert!(until_midnight.in_force(at("2026-06-10 23:59")));
        assert!(!until_midnight.in_force(at("2026-06-11 00:00")));
        let all_day = Daypart::parse("schedule", &every_day("00:00", "24:00")).unwrap();
        assert!(all_day.in_force(at("2026-06-11 00:00")));
        assert!(all_day.in_force(at("2026-06-11 23:59")));
    }

    #[test]
    fn a_day_without_windows_waits_for_the_next_one() {
        let mut weekdays = every_day("07:00", "11:00");
        weekdays.saturday.clear();
        weekdays.sunday.clear();
        let weekdays = Daypart::parse("schedule", &weekdays).unwrap();
        let utc_tz = chrono_tz::UTC;
        // Saturday 2026-06-13: next Monday's breakfast.
        assert_eq!(
            weekdays.served_at(utc_tz, utc("2026-06-13T08:00:00Z")),
            Err(Some(utc("2026-06-15T07:00:00Z")))
        );
    }

    #[test]
    fn bad_times_are_named() {
        let errors = Daypart::parse("schedule", &every_day("7am", "11:00")).unwrap_err();
        assert_eq!(errors[0].field, "schedule.monday[0].opens");
        let errors = Daypart::parse("schedule", &every_day("11:00", "11:00")).unwrap_err();
        assert_eq!(errors[0].field, "schedule.monday[0].closes");
    }
}
