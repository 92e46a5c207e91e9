//! What the module's calls take and return.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Position {
    pub lat: f64,
    pub lng: f64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "dlv_0193a5c27d1e7cc09a513e0b8f0e2f51", "order_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f15",
    "venue_id": "ven_default", "tracking_code": "trk_k3x9q2", "status": "picked_up", "courier_id": "usr_0193a5c27d1e7cc09a513e0b8f0e2f02",
    "address": {"line1": "12 Rue des Lilas", "city": "Lyon", "postal_code": "69003", "country": "FR"},
    "last_position": {"lat": 45.7578, "lng": 4.832, "at": "2026-11-21T12:12:00Z"},
    "eta": "2026-11-21T12:30:00Z", "created_at": "2026-11-21T12:05:00Z", "updated_at": "2026-11-21T12:12:00Z"}))]
pub struct Delivery {
    pub id: String,
    pub order_id: String,
    /// The venue it leaves from.
    pub venue_id: String,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"status": "picked_up", "eta": "2026-11-21T12:30:00Z",
    "last_position": {"lat": 45.7578, "lng": 4.832, "at": "2026-11-21T12:12:00Z"}}))]
pub struct Tracking {
    pub status: DeliveryStatus,
    pub eta: Option<DateTime<Utc>>,
    pub last_position: Option<Position>,
}

crate::paged_query! {
    #[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct DeliveryFilter {
        pub status: Option<DeliveryStatus>,
    }
}

crate::page_of! {
    /// Oldest first.
    DeliveryPage of Delivery
}
