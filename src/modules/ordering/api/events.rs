//! Events ordering publishes (its published language). Consumers read them with their own
//! structs and ignore fields they do not need.

use serde::{Deserialize, Serialize};

use super::Fulfillment;

pub const ORDER_PLACED: &str = "order.placed";
pub const ORDER_PAID: &str = "order.paid";
pub const ORDER_STATUS_CHANGED: &str = "order.status_changed";
pub const ORDER_READY: &str = "order.ready";
pub const ORDER_CANCELLED: &str = "order.cancelled";

/// `order.placed` v1.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderPlaced {
    pub order_id: String,
    pub customer_id: String,
    pub total: i64,
    pub currency: String,
}

/// A line as the kitchen needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KitchenLine {
    pub line_id: String,
    pub name: String,
    pub quantity: u32,
    pub station: String,
    pub options: Vec<String>,
}

/// `order.paid` v1: the kitchen may start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderPaid {
    pub order_id: String,
    pub lines: Vec<KitchenLine>,
}

/// `order.status_changed` v1: every transition, for live status feeds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderStatusChanged {
    pub order_id: String,
    pub status: super::OrderStatus,
}

/// `order.ready` v1: prepared; deliveries start from here.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderReady {
    pub order_id: String,
    pub fulfillment: Fulfillment,
}

/// `order.cancelled` v1. `refund_due`: it had been paid, so the payment must be refunded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderCancelled {
    pub order_id: String,
    pub refund_due: bool,
}
