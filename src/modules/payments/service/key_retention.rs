//! Idempotency keys past `payments.key_retention_hours` are forgotten, so the table grows
//! with the payments of that window, not with every payment ever made.
//!
//! A key forgotten cannot charge twice: a retry with it starts a new attempt, which the
//! order refuses once paid, and the database's one live charge per order stands either way.

use chrono::TimeDelta;

use crate::modules::payments::store;
use crate::platform::db::Db;
use crate::platform::retention::Sweep;

pub fn sweep(db: Db, retention_hours: u32) -> Sweep {
    let keep = TimeDelta::hours(i64::from(retention_hours));
    Sweep::older_than("payments_idempotency", db, keep, store::forget_keys)
}
