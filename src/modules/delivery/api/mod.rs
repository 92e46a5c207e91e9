//! The delivery module's contract.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::modules::identity::api::Principal;
use crate::platform::events::EventHandler;
use crate::platform::validation::FieldError;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "delivery",
        version: "1.0.0",
        owner: "logistics",
        purpose: "Couriers, delivery steps and public tracking.",
        uses: &["identity"],
        publishes: events::PUBLISHED,
        consumes: &[crate::platform::descriptor::Consumes {
            producer: "ordering",
            event_types: &["order.ready"],
        }],
    };

pub mod events {
    //! Events delivery publishes; every payload carries `order_id` and `delivery_id`.
    use serde::{Deserialize, Serialize};
    use utoipa::{PartialSchema, ToSchema};

    use crate::platform::descriptor::EventSpec;

    pub const DELIVERY_CREATED: &str = "delivery.created";
    pub const DELIVERY_PICKED_UP: &str = "delivery.picked_up";
    pub const DELIVERY_DELIVERED: &str = "delivery.delivered";

    /// Payload of every delivery event (v1).
    #[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
    pub struct DeliveryEvent {
        pub order_id: String,
        pub delivery_id: String,
        /// `delivery.created`: the public tracking code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tracking_code: Option<String>,
    }

    const fn spec(event_type: &'static str, summary: &'static str) -> EventSpec {
        EventSpec {
            event_type,
            version: 1,
            summary,
            schema: DeliveryEvent::schema,
        }
    }

    /// Every event type delivery publishes, for the API inventory.
    pub const PUBLISHED: &[EventSpec] = &[
        spec(DELIVERY_CREATED, "A ready delivery order awaits a courier."),
        spec(DELIVERY_PICKED_UP, "A courier picked the order up."),
        spec(DELIVERY_DELIVERED, "The order reached the customer."),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryStatus {
    AwaitingCourier,
    Claimed,
    PickedUp,
    Delivered,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lat": 45.7578, "lng": 4.832}))]
pub struct Location {
    #[validate(range(min = -90.0, max = 90.0))]
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    #[validate(range(min = -180.0, max = 180.0))]
    #[schema(minimum = -180, maximum = 180)]
    pub lng: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Position {
    pub lat: f64,
    pub lng: f64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"id": "dlv_0193a5c27d1e7cc09a513e0b8f0e2f51", "order_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f15",
    "tracking_code": "trk_k3x9q2", "status": "picked_up", "courier_id": "usr_0193a5c27d1e7cc09a513e0b8f0e2f02",
    "address": {"line1": "12 Rue des Lilas", "city": "Lyon", "postal_code": "69003", "country": "FR"},
    "last_position": {"lat": 45.7578, "lng": 4.832, "at": "2026-11-21T12:12:00Z"},
    "eta": "2026-11-21T12:30:00Z", "created_at": "2026-11-21T12:05:00Z", "updated_at": "2026-11-21T12:12:00Z"}))]
pub struct Delivery {
    pub id: String,
    pub order_id: String,
    pub tracking_code: String,
    pub status: DeliveryStatus,
    pub courier_id: Option<String>,
    /// Where to go, as the customer gave it (`line1`, `city`, `postal_code`, `country`).
    #[schema(value_type = Object)]
    pub address: serde_json::Value,
    pub last_position: Option<Position>,
    pub eta: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What anyone holding the tracking code may see: no names, addresses or contents.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"status": "picked_up", "eta": "2026-11-21T12:30:00Z",
    "last_position": {"lat": 45.7578, "lng": 4.832, "at": "2026-11-21T12:12:00Z"}}))]
pub struct Tracking {
    pub status: DeliveryStatus,
    pub eta: Option<DateTime<Utc>>,
    pub last_position: Option<Position>,
}

#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
    /// Page size, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(length(min = 1, max = 512))]
    #[param(min_length = 1, max_length = 512)]
    pub cursor: Option<String>,
}

/// Oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub data: Vec<Delivery>,
    pub next_cursor: Option<String>,
}

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum DeliveryError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("internal error: {0}")]
    Internal(String),
}

crate::internal_errors!(DeliveryError);

crate::common_problems!(DeliveryError);

/// Consumes `order.ready` (a delivery per ready delivery order).
#[async_trait]
pub trait DeliveryApi: EventHandler {
    /// Staff see every delivery; a courier sees those awaiting a courier (the area only, not
    /// the door) and their own (in full).
    async fn list(
        &self,
        viewer: &Principal,
        filter: DeliveryFilter,
    ) -> Result<DeliveryPage, DeliveryError>;
    async fn claim(&self, courier: &Principal, id: &str) -> Result<Delivery, DeliveryError>;
    async fn pick_up(&self, courier: &Principal, id: &str) -> Result<Delivery, DeliveryError>;
    async fn ping(
        &self,
        courier: &Principal,
        id: &str,
        at: Location,
    ) -> Result<Delivery, DeliveryError>;
    async fn deliver(&self, courier: &Principal, id: &str) -> Result<Delivery, DeliveryError>;
    /// Public view by tracking code.
    async fn track(&self, code: &str) -> Result<Tracking, DeliveryError>;
}
