//! The delivery module's implementation of its contract, and its event consumer.

use async_trait::async_trait;
use chrono::{TimeDelta, Utc};
use serde::Deserialize;

use crate::modules::delivery::api::DeliverySettings;
use crate::modules::delivery::api::events as ev;
use crate::modules::delivery::api::{
    Delivery, DeliveryApi, DeliveryError, DeliveryFilter, DeliveryPage, DeliveryStatus, Location,
    Tracking,
};
use crate::modules::delivery::domain::steps;
use crate::modules::delivery::store::{self, DeliveryRow, Outbox};
use crate::modules::identity::api::{Call, Role, roles};
use crate::modules::venues::api::DEFAULT_VENUE;
use crate::platform::db::Db;
use crate::platform::events::{Event, EventHandler, OutboxTable, Wake};
use crate::platform::ids::{new_id, random_token};
use crate::platform::pagination;

pub struct DeliveryService {
    db: Db,
    settings: DeliverySettings,
    wake: Wake,
}

fn delivery_event(kind: &str, row: &DeliveryRow, with_code: bool) -> Event {
    let payload = ev::DeliveryEvent {
        order_id: row.order_id.clone(),
        delivery_id: row.id.clone(),
        tracking_code: with_code.then(|| row.tracking_code.clone()),
        eta: row.eta.map(|t| t.and_utc()),
    };
    Event::new(kind, 1, &row.order_id, &payload)
}

impl DeliveryService {
    pub fn new(db: Db, settings: DeliverySettings, wake: Wake) -> Self {
        Self { db, settings, wake }
    }

    async fn step(
        &self,
        courier: &Call,
        id: &str,
        step: steps::Step,
        position: Option<Location>,
    ) -> Result<Delivery, DeliveryError> {
        // Only couriers move deliveries, whoever calls.
        courier
            .require(roles::COURIERS)
            .map_err(DeliveryError::Forbidden)?;
        let key = id.to_owned();
        let courier_id = courier.user_id.clone();
        let overrides = courier.has_role(Role::Admin);
        let venues = courier.venue_limit().map(<[String]>::to_vec);
        let eta = TimeDelta::minutes(self.settings.eta_minutes);
        let row = self
            .db
            .write(move |c| {
                // Another venue's delivery is not found, as if it did not exist.
                let mut row = store::find(c, &key)?
                    .filter(|row| venues.as_ref().is_none_or(|v| v.contains(&row.venue_id)))
                    .ok_or_else(|| DeliveryError::NotFound(format!("no delivery with id {key}")))?;
                let current = row.status()?;
                let mover = steps::Mover {
                    courier_id: &courier_id,
                    overrides,
                };
                step.allowed(&key, current, row.courier_id.as_deref(), mover)?;
                let now = Utc::now().naive_utc();
                if step.claims() {
                    row.courier_id = Some(courier_id.clone());
                }
                if step.starts_eta(current) {
                    row.eta = Some(now + eta);
                }
                if let Some(p) = position {
                    row.lat = Some(p.lat);
                    row.lng = Some(p.lng);
                    row.position_at = Some(now);
                }
                row.status = store::status_name(step.to);
                row.updated_at = now;
                if !store::save_from(c, &row, &store::status_name(current))? {
                    return Err(DeliveryError::Conflict(
                        "the delivery changed meanwhile; retry".into(),
                    ));
                }
                if let Some(kind) = step.announces {
                    Outbox.append(c, &[delivery_event(kind, &row, false)])?;
                }
                Ok(row)
            })
            .await?;
        self.wake.published();
        Ok(Delivery::try_from(row)?)
    }
}

#[async_trait]
impl DeliveryApi for DeliveryService {
    async fn list(
        &self,
        viewer: &Call,
        filter: DeliveryFilter,
    ) -> Result<DeliveryPage, DeliveryError> {
        viewer
            .require(roles::DISPATCHERS)
            .map_err(DeliveryError::Forbidden)?;
        let (limit, after) = pagination::parse::<String>(filter.limit, filter.cursor.as_deref())
            .map_err(DeliveryError::Validation)?;
        let status = filter.status.map(store::status_name);
        // Staff dispatch every delivery; a courier sees what is on offer and their own.
        let courier =
            (!viewer.has_any(&[Role::Staff, Role::Admin])).then(|| viewer.user_id.clone());
        let me = courier.clone();
        let query = store::PageQuery {
            status,
            courier,
            venue_ids: viewer.venue_limit().map(<[String]>::to_vec),
            after,
            limit: limit as i64 + 1,
        };
        let rows = self
            .db
            .read(move |c| store::page(c, query).map_err(DeliveryError::from))
            .await?;
        let (rows, next_cursor) = pagination::split(rows, limit, |r| r.id.clone());
        let data = rows
            .into_iter()
            .map(|row| {
                let offered = me.is_some() && row.courier_id != me;
                let delivery = Delivery::try_from(row)?;
                Ok(if offered {
                    steps::on_offer(delivery)
                } else {
                    delivery
                })
            })
            .collect::<Result<_, DeliveryError>>()?;
        Ok(DeliveryPage { data, next_cursor })
    }

    async fn claim(&self, courier: &Call, id: &str) -> Result<Delivery, DeliveryError> {
        self.step(courier, id, steps::CLAIM, None).await
    }

    async fn pick_up(&self, courier: &Call, id: &str) -> Result<Delivery, DeliveryError> {
        self.step(courier, id, steps::PICK_UP, None).await
    }

    async fn ping(
        &self,
        courier: &Call,
        id: &str,
        at: Location,
    ) -> Result<Delivery, DeliveryError> {
        self.step(courier, id, steps::PING, Some(at)).await
    }

    async fn deliver(&self, courier: &Call, id: &str) -> Result<Delivery, DeliveryError> {
        self.step(courier, id, steps::DELIVER, None).await
    }

    async fn track(&self, code: &str) -> Result<Tracking, DeliveryError> {
        let key = code.to_owned();
        let row = self
            .db
            .read(move |c| store::by_code(c, &key).map_err(DeliveryError::from))
            .await?
            .ok_or_else(|| DeliveryError::NotFound("no delivery with this tracking code".into()))?;
        Ok(Tracking {
            status: row.status()?,
            eta: row.eta.map(|t| t.and_utc()),
            last_position: row.position(),
        })
    }
}

/// Delivery's view of `order.ready`.
#[derive(Deserialize)]
struct OrderReady {
    order_id: String,
    fulfillment: serde_json::Value,
    /// The venue it leaves from (the default venue's before venues).
    #[serde(default)]
    venue_id: Option<String>,
}

#[async_trait]
impl EventHandler for DeliveryService {
    async fn handle(&self, event: &Event) -> Result<(), String> {
        if event.event_type != "order.ready" {
            return Ok(());
        }
        let ready: OrderReady = event.payload(&[1])?;
        if ready.fulfillment.get("type").and_then(|t| t.as_str()) != Some("delivery") {
            return Ok(());
        }
        let trip = TimeDelta::minutes(self.settings.eta_minutes);
        store::TABLES
            .consume(&self.db, &self.wake, event, move |c, out| {
                let now = Utc::now().naive_utc();
                let row = DeliveryRow {
                    id: new_id("dlv"),
                    order_id: ready.order_id.clone(),
                    tracking_code: random_token(12),
                    status: store::status_name(DeliveryStatus::AwaitingCourier),
                    courier_id: None,
                    address: ready
                        .fulfillment
                        .get("address")
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "null".into()),
                    lat: None,
                    lng: None,
                    position_at: None,
                    // The kitchen has finished: one trip from now, until a courier picks
                    // it up and the clock restarts.
                    eta: Some(now + trip),
                    created_at: now,
                    updated_at: now,
                    venue_id: ready
                        .venue_id
                        .clone()
                        .unwrap_or_else(|| DEFAULT_VENUE.to_owned()),
                };
                if store::insert(c, &row)? {
                    out.publish(delivery_event(ev::DELIVERY_CREATED, &row, true));
                }
                Ok::<_, DeliveryError>(())
            })
            .await?;
        Ok(())
    }
}
