//! Opening hours: periods per weekday in the venue's time zone (a period may run past
//! midnight), exceptions for given dates (closed, or special hours), and whether the venue
//! is open at an instant — and if not, when it opens next.
//!
//! Wall-clock times become instants through the time zone database, so a daylight-saving
//! change moves them the way the venue's clocks move: a time skipped by the change (02:30 on
//! a spring-forward night) happens at the same distance from midnight it would have had
//! (03:30 local), and a time that happens twice (01:30 on a fall-back night) is taken the
//! first time.

use std::collections::BTreeMap;

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

/// How far ahead the next opening is looked for: past a year of exceptions.
const LOOKAHEAD_DAYS: usize = 400;

/// One opening period of a day, local times. `closes` at or before `opens` means the next
/// day (`22:00`–`02:00`); `00:00`–`00:00` is the whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl Period {
    /// From `HH:MM` times; `closes` may be `24:00` (midnight at the end of the day).
    pub fn parse(opens: &str, closes: &str) -> Result<Self, String> {
        let opens = hh_mm(opens).filter(|_| opens != "24:00").ok_or_else(|| {
            format!("opening time `{opens}` is not HH:MM between 00:00 and 23:59")
        })?;
        let closes = hh_mm(closes).ok_or_else(|| {
            format!("closing time `{closes}` is not HH:MM between 00:00 and 24:00")
        })?;
        Ok(Self { opens, closes })
    }
}

fn hh_mm(s: &str) -> Option<NaiveTime> {
    if s == "24:00" {
        return Some(NaiveTime::MIN);
    }
    if s.len() != 5 {
        return None;
    }
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// Whether a venue is open at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// Open; `closes_at` is `None` when no closing lies within the lookahead (open around the
    /// clock).
    Open { closes_at: Option<DateTime<Utc>> },
    /// Closed; `opens_at` is `None` when no opening lies within the lookahead.
    Closed { opens_at: Option<DateTime<Utc>> },
}

/// A venue's hours in its time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub tz: Tz,
    /// Monday first. `None`: open around the clock, except on the exceptions' dates.
    pub weekly: Option<[Vec<Period>; 7]>,
    /// Dates whose hours replace the week's; no periods: closed that day.
    pub exceptions: BTreeMap<NaiveDate, Vec<Period>>,
}

impl Schedule {
    /// Whether the venue is open at `at`, and until when — or when it opens next. Periods
    /// that touch (`22:00`–`24:00` then `00:00`–`02:00`) count as one.
    pub fn at(&self, at: DateTime<Utc>) -> Opening {
        if self.weekly.is_none() && self.exceptions.is_empty() {
            return Opening::Open { closes_at: None };
        }
        // The day before too: its period may run past midnight into today.
        let first = at.with_timezone(&self.tz).date_naive() - TimeDelta::days(1);
        let mut current: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
        for day in first.iter_days().take(LOOKAHEAD_DAYS) {
            for (starts, ends) in self.intervals_on(day) {
                match current {
                    Some((from, until)) if starts <= until => {
                        current = Some((from, until.max(ends)));
                    }
                    _ => {
                        if let Some(done) = current
                            && let Some(answer) = decided(done, at)
                        {
                            return answer;
                        }
                        current = Some((starts, ends));
                    }
                }
            }
        }
        match current {
            Some((from, until)) if from <= at && at < until => Opening::Open { closes_at: None },
            Some((from, _)) if from > at => Opening::Closed {
                opens_at: Some(from),
            },
            _ => Opening::Closed { opens_at: None },
        }
    }

    /// When the venue opens on its next day, seen from `at`: the first opening after the one
    /// in progress closes, or the next opening when closed. A venue open around the clock (or
    /// not opening again within the lookahead) starts its next day at local midnight.
    pub fn next_day(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let midnight = || {
            let tomorrow = at.with_timezone(&self.tz).date_naive() + TimeDelta::days(1);
            self.instant(tomorrow.and_time(NaiveTime::MIN))
        };
        match self.at(at) {
            Opening::Closed {
                opens_at: Some(opens_at),
            } => opens_at,
            Opening::Open {
                closes_at: Some(closes_at),
            } => match self.at(closes_at) {
                Opening::Closed {
                    opens_at: Some(opens_at),
                } => opens_at,
                _ => midnight(),
            },
            _ => midnight(),
        }
    }

    /// The periods of local date `day` as instants, earliest first.
    fn intervals_on(&self, day: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let whole_day = [Period {
            opens: NaiveTime::MIN,
            closes: NaiveTime::MIN,
        }];
        let periods: &[Period] = match (self.exceptions.get(&day), &self.weekly) {
            (Some(special), _) => special,
            (None, Some(week)) => &week[day.weekday().num_days_from_monday() as usize],
            (None, None) => &whole_day,
        };
        let mut out: Vec<_> = periods
            .iter()
            .map(|p| {
                let closes_on = if p.closes > p.opens {
                    day
                } else {
                    day + TimeDelta::days(1)
                };
                (
                    self.instant(day.and_time(p.opens)),
                    self.instant(closes_on.and_time(p.closes)),
                )
            })
            .filter(|(starts, ends)| starts < ends)
            .collect();
        out.sort();
        out
    }

    fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        instant(self.tz, local)
    }
}

/// The instant a wall-clock time names in `tz` (see the module's note on daylight-saving
/// changes).
pub fn instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // In a gap: keep the offset in force before it.
            let before = tz
                .from_local_datetime(&(local - TimeDelta::hours(3)))
                .earliest()
                .map(|t| t.offset().fix().local_minus_utc())
                .unwrap_or(0);
            (local - TimeDelta::seconds(i64::from(before))).and_utc()
        }
    }
}

/// What a finished run of opening periods says about `at`, if anything.
fn decided((from, until): (DateTime<Utc>, DateTime<Utc>), at: DateTime<Utc>) -> Option<Opening> {
    if from <= at && at < until {
        Some(Opening::Open {
            closes_at: Some(until),
        })
    } else if from > at {
        Some(Opening::Closed {
            opens_at: Some(from),
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(opens: &str, closes: &str) -> Period {
        Period::parse(opens, closes).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Every day 07:00–18:00 in `tz`, or `hours` on each day.
    fn daily(tz: Tz, hours: &[Period]) -> Schedule {
        Schedule {
            tz,
            weekly: Some(std::array::from_fn(|_| hours.to_vec())),
            exceptions: BTreeMap::new(),
        }
    }

    fn open_until(s: &str) -> Opening {
        Opening::Open {
            closes_at: Some(utc(s)),
        }
    }

    fn opens_at(s: &str) -> Opening {
        Opening::Closed {
            opens_at: Some(utc(s)),
        }
    }

    #[test]
    fn the_next_day_starts_at_the_opening_after_the_one_in_progress() {
        let paris = daily(chrono_tz::Europe::Paris, &[p("07:00", "18:00")]);
        // Open at 10:00 local: tomorrow's 07:00; closed at 20:00: the same.
        assert_eq!(
            paris.next_day(utc("2026-06-10T08:00:00Z")),
            utc("2026-06-11T05:00:00Z")
        );
        assert_eq!(
            paris.next_day(utc("2026-06-10T18:00:00Z")),
            utc("2026-06-11T05:00:00Z")
        );
        // Before opening: this morning's 07:00.
        assert_eq!(
            paris.next_day(utc("2026-06-10T03:00:00Z")),
            utc("2026-06-10T05:00:00Z")
        );
        // Around the clock: local midnight.
        let always = Schedule {
            tz: chrono_tz::America::New_York,
            weekly: None,
            exceptions: BTreeMap::new(),
        };
        assert_eq!(
            always.next_day(utc("2026-06-10T15:00:00Z")),
            utc("2026-06-11T04:00:00Z")
        );
    }

    #[test]
    fn times_are_hh_mm_and_only_closing_may_be_24_00() {
        assert!(Period::parse("07:00", "24:00").is_ok());
        assert!(Period::parse("24:00", "07:00").is_err());
        assert!(Period::parse("7:00", "18:00").is_err());
        assert!(Period::parse("07:00", "18:60").is_err());
        assert!(Period::parse("07:00:00", "18:00").is_err());
    }

    #[test]
    fn open_within_a_period_closed_outside_it_with_the_next_opening() {
        let paris = daily(chrono_tz::Europe::Paris, &[p("07:00", "18:00")]);
        // 2026-06-10 is a Wednesday; Paris is UTC+2 in summer.
        assert_eq!(
            paris.at(utc("2026-06-10T08:00:00Z")),
            open_until("2026-06-10T16:00:00Z")
        );
        assert_eq!(
            paris.at(utc("2026-06-10T16:00:00Z")),
            opens_at("2026-06-11T05:00:00Z")
        );
        assert_eq!(
            paris.at(utc("2026-06-10T01:00:00Z")),
            opens_at("2026-06-10T05:00:00Z")
        );
    }

    #[test]
    fn a_period_past_midnight_keeps_the_venue_open_into_the_next_day() {
        let bar = Schedule {
            tz: chrono_tz::Europe::Paris,
            weekly: Some([
                vec![],
                vec![],
                vec![],
                vec![],
                vec![p("18:00", "02:00")], // Friday night into Saturday
                vec![],
                vec![],
            ]),
            exceptions: BTreeMap::new(),
        };
        // Saturday 2026-06-13 01:00 local (23:00 UTC Friday) is still Friday's period.
        assert_eq!(
            bar.at(utc("2026-06-12T23:00:00Z")),
            open_until("2026-06-13T00:00:00Z")
        );
        assert_eq!(
            bar.at(utc("2026-06-13T00:30:00Z")),
            opens_at("2026-06-19T16:00:00Z")
        );
    }

    #[test]
    fn periods_that_touch_make_one_opening() {
        let late = daily(chrono_tz::UTC, &[p("00:00", "02:00"), p("08:00", "24:00")]);
        // Open from 08:00 until 02:00 the next day: 24:00 and 00:00 are the same instant.
        assert_eq!(
            late.at(utc("2026-06-10T23:00:00Z")),
            open_until("2026-06-11T02:00:00Z")
        );
    }

    #[test]
    fn a_closed_day_and_special_hours_replace_the_week() {
        let mut cafe = daily(chrono_tz::Europe::Paris, &[p("07:00", "18:00")]);
        cafe.exceptions.insert(date("2026-12-25"), vec![]);
        cafe.exceptions
            .insert(date("2026-12-24"), vec![p("07:00", "14:00")]);
        // Christmas Eve closes early; Christmas Day is closed; the 26th is a usual day.
        assert_eq!(
            cafe.at(utc("2026-12-24T13:30:00Z")),
            opens_at("2026-12-26T06:00:00Z")
        );
        assert_eq!(
            cafe.at(utc("2026-12-24T09:00:00Z")),
            open_until("2026-12-24T13:00:00Z")
        );
        assert_eq!(
            cafe.at(utc("2026-12-25T10:00:00Z")),
            opens_at("2026-12-26T06:00:00Z")
        );
    }

    #[test]
    fn paris_spring_forward_opens_a_skipped_time_an_hour_later_on_the_wall_clock() {
        // 2026-03-29: Paris goes from 02:00 CET to 03:00 CEST.
        let night = daily(chrono_tz::Europe::Paris, &[p("02:30", "10:00")]);
        // 02:30 does not exist; it opens at 01:30 UTC, which is 03:30 CEST.
        assert_eq!(
            night.at(utc("2026-03-29T00:45:00Z")),
            opens_at("2026-03-29T01:30:00Z")
        );
        // 10:00 CEST is 08:00 UTC that day, 09:00 UTC the day before.
        assert_eq!(
            night.at(utc("2026-03-29T07:59:00Z")),
            open_until("2026-03-29T08:00:00Z")
        );
        assert_eq!(
            night.at(utc("2026-03-28T08:30:00Z")),
            open_until("2026-03-28T09:00:00Z")
        );
    }

    #[test]
    fn paris_fall_back_night_is_an_hour_longer() {
        // 2026-10-25: Paris goes from 03:00 CEST back to 02:00 CET.
        let overnight = daily(chrono_tz::Europe::Paris, &[p("22:00", "06:00")]);
        // 22:00 CEST Saturday is 20:00 UTC; 06:00 CET Sunday is 05:00 UTC: nine hours.
        assert_eq!(
            overnight.at(utc("2026-10-24T20:00:00Z")),
            open_until("2026-10-25T05:00:00Z")
        );
    }

    #[test]
    fn new_york_keeps_its_wall_clock_across_both_changes() {
        let diner = daily(chrono_tz::America::New_York, &[p("06:00", "15:00")]);
        // Before 2026-03-08 New York is UTC-5, after it UTC-4.
        assert_eq!(
            diner.at(utc("2026-03-07T12:00:00Z")),
            open_until("2026-03-07T20:00:00Z")
        );
        assert_eq!(
            diner.at(utc("2026-03-08T12:00:00Z")),
            open_until("2026-03-08T19:00:00Z")
        );
        // 2026-11-01 back to UTC-5: it opens at 11:00 UTC, no longer 10:00.
        assert_eq!(
            diner.at(utc("2026-11-01T10:30:00Z")),
            opens_at("2026-11-01T11:00:00Z")
        );
        // 01:30 happens twice that night: the first one (05:30 UTC) counts.
        let early = daily(chrono_tz::America::New_York, &[p("01:30", "03:00")]);
        assert_eq!(
            early.at(utc("2026-11-01T05:00:00Z")),
            opens_at("2026-11-01T05:30:00Z")
        );
    }

    #[test]
    fn no_hours_is_open_around_the_clock_and_no_periods_is_never_open() {
        let always = Schedule {
            tz: chrono_tz::UTC,
            weekly: None,
            exceptions: BTreeMap::new(),
        };
        assert_eq!(
            always.at(utc("2026-06-10T03:00:00Z")),
            Opening::Open { closes_at: None }
        );
        let never = daily(chrono_tz::UTC, &[]);
        assert_eq!(
            never.at(utc("2026-06-10T03:00:00Z")),
            Opening::Closed { opens_at: None }
        );
    }
}
