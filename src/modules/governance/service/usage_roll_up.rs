//! Usage past `governance.usage_hourly_days` is kept per day: hourly rows older than that
//! are rolled into their day's row, so the table grows by days, not hours, while daily
//! reports and monthly quotas read the same totals.

use std::sync::{Arc, Mutex};

use chrono::{NaiveDateTime, TimeDelta};

use crate::modules::governance::store;
use crate::platform::db::{Db, DbError};
use crate::platform::retention::Sweep;

pub fn sweep(db: Db, hourly_days: u32) -> Sweep {
    let keep = TimeDelta::days(i64::from(hourly_days));
    // Where hours may still wait: everything at first, then just before the last horizon
    // (this process rolled up all hours before it).
    let from = Arc::new(Mutex::new(NaiveDateTime::default()));
    Sweep::new("governance_usage", move |now, limit| {
        let (db, from) = (db.clone(), from.clone());
        let horizon = (now - keep).naive_utc();
        async move {
            let start = *from.lock().unwrap_or_else(|e| e.into_inner());
            let rolled = db
                .write(move |c| {
                    store::roll_up_hours(c, start, horizon, limit).map_err(DbError::from)
                })
                .await
                .map_err(|e: DbError| e.to_string())?;
            if (rolled as i64) < limit {
                let mut from = from.lock().unwrap_or_else(|e| e.into_inner());
                *from = (*from).max(horizon - TimeDelta::days(1));
            }
            Ok(rolled)
        }
    })
}
