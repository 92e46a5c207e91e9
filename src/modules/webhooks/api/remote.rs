//! The webhooks module's api across a process boundary (see `platform::remote`).

use super::{
    EventTypeList, MODULE, NewWebhookEndpoint, WebhookDelivery, WebhookDeliveryPage,
    WebhookDeliveryQuery, WebhookEndpointList, WebhookEndpointWithSecret, WebhooksApi,
    WebhooksError,
};
use crate::modules::identity::api::Call;

crate::remote_api! {
    module MODULE, api WebhooksApi, error WebhooksError, caller Call;
    read event_types(caller;) -> EventTypeList;
    write create(owner; request: NewWebhookEndpoint => NewWebhookEndpoint) -> WebhookEndpointWithSecret;
    read list(owner;) -> WebhookEndpointList;
    write delete(owner; id: &str => String) -> ();
    write rotate_secret(owner; id: &str => String) -> WebhookEndpointWithSecret;
    read deliveries(
        owner;
        endpoint_id: &str => String,
        query: WebhookDeliveryQuery => WebhookDeliveryQuery,
    ) -> WebhookDeliveryPage;
    write redeliver(owner; id: &str => String) -> WebhookDelivery;
}
