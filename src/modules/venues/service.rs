//! The venues module's implementation of its contract.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::modules::identity::api::{Call, roles};
use crate::modules::venues::api::events as ev;
use crate::modules::venues::api::{
    DateHours, FulfillmentKind, NewVenue, Opening, Reservation, Scheduling, Slot, SlotList,
    SlotQuery, SlotReason, SlotRequest, Venue, VenueFilter, VenuePage, VenuePatch, VenueState,
    VenuesApi, VenuesError, WeeklyHours,
};
use crate::modules::venues::domain::hours::{self, Period, Schedule};
use crate::modules::venues::domain::slots::{self, Capacity, Load, Policy, Unavailable};
use crate::modules::venues::store::{self, Outbox, ReservationRow, VenueRow};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::events::{Event, EventHandler, OutboxTable, Wake};
use crate::platform::fresh::FreshByKey;
use crate::platform::ids::new_id;
use crate::platform::pagination;
use crate::platform::validation::FieldError;

pub struct VenuesService {
    db: Db,
    clock: Arc<dyn Clock>,
    wake: Wake,
    /// Venues by id, read fresh for each caller: every order reads its venue (twice, by
    /// ordering and the catalog), and orders placed together share the reads.
    venues: FreshByKey<Option<Venue>>,
}

impl VenuesService {
    pub fn new(db: Db, clock: Arc<dyn Clock>, wake: Wake) -> Self {
        let venues = FreshByKey::from_db(db.clone(), |c, id| {
            let row = store::find(c, id).map_err(VenuesError::from)?;
            row.map(Venue::try_from)
                .transpose()
                .map_err(VenuesError::from)
        });
        Self {
            db,
            clock,
            wake,
            venues,
        }
    }

    /// The venue as it stands: read after this call began, so no earlier change is missed.
    async fn venue(&self, id: &str) -> Result<Venue, VenuesError> {
        self.venues
            .get(id)
            .await
            .map_err(VenuesError::Internal)?
            .ok_or_else(|| VenuesError::NotFound(format!("no venue with id {id}")))
    }

    /// Saves what `change` makes of the venue, over the version it read; publishes what
    /// `announce` says in the same transaction.
    async fn change(
        &self,
        id: &str,
        change: impl FnOnce(&mut VenueRow) -> Result<(), VenuesError> + Send + 'static,
        announce: impl FnOnce(&VenueRow) -> Option<Event> + Send + 'static,
    ) -> Result<Venue, VenuesError> {
        let key = id.to_owned();
        let now = self.now();
        let (row, announced) = self
            .db
            .write(move |c| {
                let mut row = store::find(c, &key)?
                    .ok_or_else(|| VenuesError::NotFound(format!("no venue with id {key}")))?;
                let read_version = row.version;
                change(&mut row)?;
                row.version += 1;
                row.updated_at = now;
                if !store::save_over(c, &row, read_version)? {
                    return Err(VenuesError::Conflict(
                        "the venue changed meanwhile; retry".into(),
                    ));
                }
                let event = announce(&row);
                if let Some(event) = &event {
                    Outbox.append(c, std::slice::from_ref(event))?;
                }
                Ok((row, event.is_some()))
            })
            .await?;
        if announced {
            self.wake.published();
        }
        Ok(Venue::try_from(row)?)
    }

    /// The venue, its hours as the domain reads them and its slot policy.
    async fn scheduled(&self, id: &str) -> Result<(Venue, Schedule, Policy), VenuesError> {
        let venue = self.venue(id).await?;
        let schedule = schedule_of(&venue.time_zone, venue.hours.as_ref(), &venue.exceptions)
            .map_err(|e| {
                VenuesError::Internal(format!("venue {id} has unreadable hours: {e:?}"))
            })?;
        let policy = policy_of(&venue.scheduling);
        Ok((venue, schedule, policy))
    }

    /// What each slot of `venue_id`'s `fulfillment` starting in `[from, until)` holds, by
    /// start; nothing is read when `capacity` sets no limit.
    async fn loads(
        &self,
        venue_id: &str,
        fulfillment: FulfillmentKind,
        capacity: Capacity,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<HashMap<DateTime<Utc>, Load>, VenuesError> {
        if !capacity.is_limited() {
            return Ok(HashMap::new());
        }
        let (venue, kind) = (venue_id.to_owned(), <&str>::from(fulfillment));
        let rows = self
            .db
            .read(move |c| {
                store::loads_between(c, &venue, kind, from.naive_utc(), until.naive_utc())
                    .map_err(VenuesError::from)
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|(at, load)| (at.and_utc(), load))
            .collect())
    }

    /// The refusal of a slot that cannot take the order, naming the next one that can.
    async fn refuse(
        &self,
        reason: Unavailable,
        (venue, schedule, policy): &(Venue, Schedule, Policy),
        request: &SlotRequest,
        from: DateTime<Utc>,
    ) -> VenuesError {
        let now = self.clock.now();
        let capacity = capacity_of(&venue.scheduling, request.fulfillment);
        let loads = self
            .loads(
                &venue.id,
                request.fulfillment,
                capacity,
                now,
                now + policy.max_ahead + policy.slot,
            )
            .await
            .unwrap_or_default();
        let fits = |start| {
            let load = loads.get(&start).copied().unwrap_or_default();
            capacity.fits(load, request.make_minutes)
        };
        VenuesError::SlotUnavailable {
            reason: reason_of(reason),
            next_available: slots::next_available(policy, schedule, now, from, fits),
        }
    }

    /// Microseconds, as both databases keep them.
    fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now().naive_utc().trunc_subsecs(6)
    }
}

#[async_trait]
impl VenuesApi for VenuesService {
    async fn list(&self, filter: VenueFilter) -> Result<VenuePage, VenuesError> {
        let (limit, after) = pagination::parse::<String>(filter.limit, filter.cursor.as_deref())
            .map_err(VenuesError::Validation)?;
        let rows = self
            .db
            .read(move |c| store::page(c, after, limit as i64 + 1).map_err(VenuesError::from))
            .await?;
        let (rows, next_cursor) = pagination::split(rows, limit, |r| r.id.clone());
        let data = rows
            .into_iter()
            .map(Venue::try_from)
            .collect::<Result<_, _>>()?;
        Ok(VenuePage { data, next_cursor })
    }

    async fn get(&self, id: &str) -> Result<Venue, VenuesError> {
        self.venue(id).await
    }

    async fn create(&self, manager: &Call, input: NewVenue) -> Result<Venue, VenuesError> {
        manager
            .require(roles::VENUE_MANAGERS)
            .map_err(VenuesError::Forbidden)?;
        schedule_of(&input.time_zone, input.hours.as_ref(), &input.exceptions)
            .map_err(VenuesError::Validation)?;
        check_scheduling(&input.scheduling)?;
        let now = self.now();
        let row = VenueRow {
            id: new_id("ven"),
            name: input.name.trim().to_owned(),
            address: input.address.trim().to_owned(),
            time_zone: input.time_zone,
            currency: input.currency,
            hours: input.hours.as_ref().map(to_json).transpose()?,
            exceptions: to_json(&input.exceptions)?,
            mode: <&str>::from(VenueState::default().mode).to_owned(),
            busy_minutes: 0,
            refuse_asap: false,
            scheduling: to_json(&input.scheduling)?,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let saved = row.clone();
        self.db
            .write(move |c| store::insert(c, &saved).map_err(VenuesError::from))
            .await?;
        Ok(Venue::try_from(row)?)
    }

    async fn update(
        &self,
        manager: &Call,
        id: &str,
        patch: VenuePatch,
    ) -> Result<Venue, VenuesError> {
        may_manage(manager, id)?;
        let current = self.venue(id).await?;
        let time_zone = patch.time_zone.clone().unwrap_or(current.time_zone);
        let hours = patch.hours.clone().unwrap_or(current.hours);
        let exceptions = patch.exceptions.clone().unwrap_or(current.exceptions);
        schedule_of(&time_zone, hours.as_ref(), &exceptions).map_err(VenuesError::Validation)?;
        let hours = hours.as_ref().map(to_json).transpose()?;
        let exceptions = to_json(&exceptions)?;
        if let Some(scheduling) = &patch.scheduling {
            check_scheduling(scheduling)?;
        }
        let scheduling = patch.scheduling.as_ref().map(to_json).transpose()?;
        self.change(
            id,
            move |row| {
                if let Some(name) = patch.name {
                    row.name = name.trim().to_owned();
                }
                if let Some(address) = patch.address {
                    row.address = address.trim().to_owned();
                }
                if let Some(currency) = patch.currency {
                    row.currency = currency;
                }
                row.time_zone = time_zone;
                row.hours = hours;
                row.exceptions = exceptions;
                if let Some(scheduling) = scheduling {
                    row.scheduling = scheduling;
                }
                Ok(())
            },
            |_| None,
        )
        .await
    }

    async fn set_state(
        &self,
        manager: &Call,
        id: &str,
        state: VenueState,
    ) -> Result<Venue, VenuesError> {
        may_manage(manager, id)?;
        self.change(
            id,
            move |row| {
                row.mode = <&str>::from(state.mode).to_owned();
                row.busy_minutes = state.busy_minutes as i32;
                row.refuse_asap = state.refuse_asap;
                Ok(())
            },
            move |row| {
                let payload = ev::VenueStateChanged {
                    venue_id: row.id.clone(),
                    state: state.clone(),
                };
                Some(Event::new(ev::VENUE_STATE_CHANGED, 1, &row.id, &payload))
            },
        )
        .await
    }

    async fn opening(&self, id: &str, at: Option<DateTime<Utc>>) -> Result<Opening, VenuesError> {
        let (venue, schedule, _) = self.scheduled(id).await?;
        let at = at.unwrap_or_else(|| self.clock.now());
        let (open, closes_at, opens_at) = match schedule.at(at) {
            hours::Opening::Open { closes_at } => (true, closes_at, None),
            hours::Opening::Closed { opens_at } => (false, None, opens_at),
        };
        Ok(Opening {
            venue_id: venue.id,
            at,
            open,
            closes_at,
            opens_at,
            state: venue.state,
            scheduling: venue.scheduling,
        })
    }

    async fn next_day(
        &self,
        id: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<DateTime<Utc>, VenuesError> {
        let (_, schedule, _) = self.scheduled(id).await?;
        Ok(schedule.next_day(at.unwrap_or_else(|| self.clock.now())))
    }

    async fn slots(&self, id: &str, query: SlotQuery) -> Result<SlotList, VenuesError> {
        let (venue, schedule, policy) = self.scheduled(id).await?;
        let starts = slots::day_slots(schedule.tz, policy.slot, query.date);
        let (Some(&first), Some(&last)) = (starts.first(), starts.last()) else {
            return Err(VenuesError::Internal(format!(
                "{} has no slots",
                query.date
            )));
        };
        let capacity = capacity_of(&venue.scheduling, query.fulfillment);
        let loads = self
            .loads(
                &venue.id,
                query.fulfillment,
                capacity,
                first,
                last + policy.slot,
            )
            .await?;
        // Without a basket, a slot with any room left is available.
        let make_minutes = query.make_minutes.unwrap_or(1);
        let now = self.clock.now();
        let slots = starts
            .into_iter()
            .map(|start| {
                let load = loads.get(&start).copied().unwrap_or_default();
                let fits = capacity.fits(load, make_minutes);
                let reason =
                    slots::unavailable(&policy, &schedule, now, start, fits).map(reason_of);
                slot_view(&policy, capacity, start, load, reason)
            })
            .collect();
        Ok(SlotList {
            venue_id: venue.id,
            date: query.date,
            time_zone: venue.time_zone,
            fulfillment: query.fulfillment,
            slot_minutes: venue.scheduling.slot_minutes,
            slots,
        })
    }

    async fn slot(&self, request: SlotRequest) -> Result<Slot, VenuesError> {
        let scheduled = self.scheduled(&request.venue_id).await?;
        let (venue, schedule, policy) = &scheduled;
        let now = self.clock.now();
        let start = slots::slot_of(schedule.tz, policy.slot, request.at);
        let capacity = capacity_of(&venue.scheduling, request.fulfillment);
        let load = self
            .loads(
                &venue.id,
                request.fulfillment,
                capacity,
                start,
                start + policy.slot,
            )
            .await?
            .get(&start)
            .copied()
            .unwrap_or_default();
        let fits = capacity.fits(load, request.make_minutes);
        if let Some(reason) = slots::unavailable(policy, schedule, now, start, fits) {
            return Err(self.refuse(reason, &scheduled, &request, start).await);
        }
        Ok(slot_view(policy, capacity, start, load, None))
    }

    async fn reserve(
        &self,
        customer: &Call,
        order_id: &str,
        request: SlotRequest,
    ) -> Result<Reservation, VenuesError> {
        let scheduled = self.scheduled(&request.venue_id).await?;
        let (venue, schedule, policy) = &scheduled;
        let now = self.clock.now();
        let start = slots::slot_of(schedule.tz, policy.slot, request.at);
        // Whether it is full is for the write to say, atomically.
        if let Some(reason) = slots::unavailable(policy, schedule, now, start, true) {
            return Err(self.refuse(reason, &scheduled, &request, start).await);
        }
        let row = ReservationRow {
            order_id: order_id.to_owned(),
            venue_id: venue.id.clone(),
            fulfillment: <&str>::from(request.fulfillment).to_owned(),
            starts_at: start.naive_utc(),
            ends_at: (start + policy.slot).naive_utc(),
            reserved_by: customer.user_id.clone(),
            created_at: self.now(),
            make_minutes: i32::try_from(request.make_minutes).unwrap_or(i32::MAX),
        };
        let capacity = capacity_of(&venue.scheduling, request.fulfillment);
        let held = self
            .db
            .write(move |c| {
                if let Some(held) = store::reservation(c, &row.order_id)? {
                    return Ok(Some(held));
                }
                Ok::<_, VenuesError>(store::reserve(c, &row, capacity)?.then_some(row))
            })
            .await?;
        match held {
            Some(row) => Ok(Reservation::try_from(row)?),
            None => Err(self
                .refuse(Unavailable::Full, &scheduled, &request, start)
                .await),
        }
    }

    async fn release(&self, caller: &Call, order_id: &str) -> Result<(), VenuesError> {
        let key = order_id.to_owned();
        let held = self
            .db
            .read(move |c| store::reservation(c, &key).map_err(VenuesError::from))
            .await?;
        let Some(held) = held else {
            return Ok(());
        };
        if held.reserved_by != caller.user_id {
            may_manage(caller, &held.venue_id)?;
        }
        let key = order_id.to_owned();
        self.db
            .write(move |c| store::release(c, &key).map_err(VenuesError::from))
            .await?;
        Ok(())
    }
}

#[async_trait]
impl EventHandler for VenuesService {
    /// `order.cancelled`: the order's place in its slot goes back.
    async fn handle(&self, event: &Event) -> Result<(), String> {
        if event.event_type != "order.cancelled" {
            return Ok(());
        }
        let cancelled: OrderCancelled = event.payload(&[1])?;
        store::TABLES
            .consume(&self.db, &self.wake, event, move |c, _| {
                store::release(c, &cancelled.order_id).map_err(VenuesError::from)
            })
            .await?;
        Ok(())
    }
}

/// Venues' view of `order.cancelled`.
#[derive(serde::Deserialize)]
struct OrderCancelled {
    order_id: String,
}

/// Only venue managers working at venue `venue_id` change it, whoever calls.
fn may_manage(manager: &Call, venue_id: &str) -> Result<(), VenuesError> {
    manager
        .require(roles::VENUE_MANAGERS)
        .and_then(|()| manager.require_venue(venue_id))
        .map_err(VenuesError::Forbidden)
}

fn reason_of(unavailable: Unavailable) -> SlotReason {
    match unavailable {
        Unavailable::Closed => SlotReason::Closed,
        Unavailable::Full => SlotReason::Full,
        Unavailable::TooSoon => SlotReason::TooSoon,
        Unavailable::PastCutoff => SlotReason::PastCutoff,
    }
}

/// What a slot of `fulfillment` may hold.
fn capacity_of(scheduling: &Scheduling, fulfillment: FulfillmentKind) -> Capacity {
    match fulfillment {
        FulfillmentKind::Pickup => Capacity {
            orders: scheduling.pickup_orders_per_slot,
            make_minutes: scheduling.pickup_make_minutes_per_slot,
        },
        FulfillmentKind::Delivery => Capacity {
            orders: scheduling.delivery_orders_per_slot,
            make_minutes: scheduling.delivery_make_minutes_per_slot,
        },
    }
}

/// The slot starting at `start` as the API shows it.
fn slot_view(
    policy: &Policy,
    capacity: Capacity,
    start: DateTime<Utc>,
    load: Load,
    reason: Option<SlotReason>,
) -> Slot {
    Slot {
        starts_at: start,
        ends_at: start + policy.slot,
        capacity: capacity.orders,
        remaining: capacity.orders_left(load),
        make_minutes_capacity: capacity.make_minutes,
        make_minutes_remaining: capacity.make_minutes_left(load),
        available: reason.is_none(),
        reason,
    }
}

fn policy_of(scheduling: &Scheduling) -> Policy {
    Policy {
        slot: TimeDelta::minutes(i64::from(scheduling.slot_minutes.max(1))),
        min_lead: TimeDelta::minutes(i64::from(scheduling.min_lead_minutes)),
        max_ahead: TimeDelta::days(i64::from(scheduling.max_days_ahead)),
    }
}

/// Slots must tile a day: their length divides 24 hours.
fn check_scheduling(scheduling: &Scheduling) -> Result<(), VenuesError> {
    if 1440 % scheduling.slot_minutes.max(1) != 0 {
        return Err(VenuesError::Validation(vec![FieldError::new(
            "scheduling.slot_minutes",
            "invalid",
            format!(
                "{} minutes do not divide a day (try 5, 10, 15, 20, 30 or 60)",
                scheduling.slot_minutes
            ),
        )]));
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, VenuesError> {
    serde_json::to_string(value).map_err(|e| VenuesError::Internal(e.to_string()))
}

/// The venue's hours as the domain reads them, or what is wrong with them, per field.
fn schedule_of(
    time_zone: &str,
    weekly: Option<&WeeklyHours>,
    exceptions: &[DateHours],
) -> Result<Schedule, Vec<FieldError>> {
    let mut errors = Vec::new();
    let tz: Tz = time_zone.parse().unwrap_or_else(|_| {
        errors.push(FieldError::new(
            "time_zone",
            "invalid",
            format!("`{time_zone}` is not an IANA time zone (such as Europe/Paris)"),
        ));
        Tz::UTC
    });
    let weekly = weekly.map(|week| {
        let days = week.days();
        std::array::from_fn(|i| {
            let field = format!("hours.{}", WeeklyHours::DAY_NAMES[i]);
            periods(&mut errors, &field, days[i])
        })
    });
    let mut by_date = BTreeMap::new();
    for (i, day) in exceptions.iter().enumerate() {
        let field = format!("exceptions[{i}]");
        let parsed = periods(&mut errors, &format!("{field}.periods"), &day.periods);
        if by_date.insert(day.date, parsed).is_some() {
            errors.push(FieldError::new(
                format!("{field}.date"),
                "duplicate",
                format!("{} is listed twice", day.date),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Schedule {
        tz,
        weekly,
        exceptions: by_date,
    })
}

/// `given` as the domain's periods; what cannot be read goes to `errors` under `field[i]`.
fn periods(
    errors: &mut Vec<FieldError>,
    field: &str,
    given: &[crate::modules::venues::api::Period],
) -> Vec<Period> {
    given
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match Period::parse(&p.opens, &p.closes) {
            Ok(p) => Some(p),
            Err(why) => {
                errors.push(FieldError::new(format!("{field}[{i}]"), "invalid", why));
                None
            }
        })
        .collect()
}
