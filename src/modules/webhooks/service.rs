//! The webhooks module's implementation of its contract, its event consumer and one
//! delivery attempt (the worker that runs them is `dispatch`).

mod dispatch;
mod sender;

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{NaiveDateTime, TimeDelta, Utc};
use serde_json::json;

use crate::modules::identity::api::{Call, roles};
use crate::modules::webhooks::api::{
    EventType, EventTypeList, NewWebhookEndpoint, WebhookAttempt, WebhookDelivery,
    WebhookDeliveryPage, WebhookDeliveryQuery, WebhookDeliveryStatus, WebhookEndpoint,
    WebhookEndpointList, WebhookEndpointStatus, WebhookEndpointWithSecret, WebhookSettings,
    WebhooksApi, WebhooksError,
};
use crate::modules::webhooks::domain::{retry, signature, ssrf};
use crate::modules::webhooks::store::{self, AttemptRow, DeliveryRow, EndpointRow};
use crate::platform::db::{Db, stored};
use crate::platform::events::{Event, EventHandler, Wake};
use crate::platform::fresh::FreshRead;
use crate::platform::ids::new_id;
use crate::platform::pagination;
use crate::platform::validation::FieldError;
use sender::Sender;

pub struct WebhooksService {
    db: Db,
    settings: WebhookSettings,
    /// Event types partners may subscribe to.
    event_types: Vec<String>,
    /// The same, with their payload schemas.
    catalog: Vec<EventType>,
    work: Arc<tokio::sync::Notify>,
    wake: Wake,
    /// The event types some active endpoint subscribes to, read fresh for each event.
    subscribed: Arc<FreshRead<Arc<HashSet<String>>>>,
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> WebhooksError {
    WebhooksError::Validation(vec![FieldError::new(field, code, message)])
}

fn endpoint_view(row: &EndpointRow) -> Result<WebhookEndpoint, WebhooksError> {
    Ok(WebhookEndpoint {
        id: row.id.clone(),
        url: row.url.clone(),
        event_types: stored::json("webhooks_endpoints.event_types", &row.event_types)?,
        description: row.description.clone(),
        status: stored::name("webhooks_endpoints.status", &row.status)?,
        disabled_reason: row.disabled_reason.clone(),
        previous_secret_expires_at: row
            .previous_secret_expires_at
            .filter(|t| *t > now())
            .map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
    })
}

fn delivery_view(
    row: DeliveryRow,
    attempts: Vec<AttemptRow>,
) -> Result<WebhookDelivery, WebhooksError> {
    let status = stored::name("webhooks_deliveries.status", &row.status)?;
    Ok(WebhookDelivery {
        status,
        next_attempt_at: row
            .next_attempt_at
            .filter(|_| status == WebhookDeliveryStatus::Pending)
            .map(|t| t.and_utc()),
        attempts: attempts
            .into_iter()
            .map(|a| WebhookAttempt {
                at: a.at.and_utc(),
                status_code: a.status_code.and_then(|c| u16::try_from(c).ok()),
                error: a.error,
                duration_ms: u64::try_from(a.duration_ms).unwrap_or(0),
            })
            .collect(),
        created_at: row.created_at.and_utc(),
        id: row.id,
        endpoint_id: row.endpoint_id,
        event_id: row.event_id,
        event_type: row.event_type,
    })
}

impl WebhooksService {
    pub fn new(db: Db, settings: WebhookSettings, catalog: Vec<EventType>, wake: Wake) -> Self {
        let subscribed = FreshRead::from_db(db.clone(), |c| {
            let endpoints = store::active_endpoints(c).map_err(WebhooksError::from)?;
            Ok::<_, WebhooksError>(Arc::new(subscribed_types(&endpoints)))
        });
        Self {
            subscribed,
            db,
            settings,
            event_types: catalog.iter().map(|t| t.event_type.clone()).collect(),
            catalog,
            work: Arc::default(),
            wake,
        }
    }

    /// The caller's endpoint, or 404 (another owner's looks the same as none).
    async fn owned(&self, owner: &Call, id: &str) -> Result<EndpointRow, WebhooksError> {
        let key = id.to_owned();
        let row = self
            .db
            .read(move |c| store::endpoint(c, &key).map_err(WebhooksError::from))
            .await?;
        row.filter(|r| r.owner_id == owner.user_id)
            .ok_or_else(|| WebhooksError::NotFound(format!("no webhook endpoint {id}")))
    }

    /// Checks the URL's form and that its host resolves to allowed addresses only.
    async fn check_url(&self, raw: &str) -> Result<String, WebhooksError> {
        let target = ssrf::parse(raw, self.settings.allow_insecure_loopback)
            .map_err(|why| invalid("url", "forbidden", format!("the URL {why}")))?;
        let (host, port, insecure) = (target.host.clone(), target.port, target.insecure);
        let resolved = actix_web::rt::task::spawn_blocking(move || {
            use std::net::ToSocketAddrs;
            (host.as_str(), port)
                .to_socket_addrs()
                .map(|a| a.map(|s| s.ip()).collect::<Vec<_>>())
        })
        .await
        .map_err(|e| WebhooksError::Internal(e.to_string()))?
        .map_err(|e| {
            invalid(
                "url",
                "unresolvable",
                format!("the URL's host does not resolve: {e}"),
            )
        })?;
        ssrf::check_addresses(&resolved, insecure)
            .map_err(|why| invalid("url", "forbidden", format!("the URL's host {why}")))?;
        Ok(target.url)
    }

    fn check_types(&self, types: &[String]) -> Result<(), WebhooksError> {
        let unknown: Vec<FieldError> = types
            .iter()
            .enumerate()
            .filter(|(_, t)| !self.event_types.contains(t))
            .map(|(i, t)| {
                FieldError::new(
                    format!("event_types[{i}]"),
                    "unknown",
                    format!(
                        "{t:?} is not an event type; one of: {}",
                        self.event_types.join(", ")
                    ),
                )
            })
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(WebhooksError::Validation(unknown))
        }
    }

    fn secrets(row: &EndpointRow) -> Vec<String> {
        let mut secrets = vec![row.secret.clone()];
        if let (Some(old), Some(until)) = (&row.previous_secret, row.previous_secret_expires_at)
            && until > now()
        {
            secrets.push(old.clone());
        }
        secrets
    }

    /// One attempt of one claimed delivery: what to record of it comes back, so that the
    /// endpoint's slot is free before the database has written it.
    async fn attempt(&self, sender: &Sender, row: DeliveryRow) -> Result<Attempted, WebhooksError> {
        let endpoint_id = row.endpoint_id.clone();
        let endpoint = self
            .db
            .read(move |c| store::endpoint(c, &endpoint_id).map_err(WebhooksError::from))
            .await?;
        let attempts_made = row.attempts + 1;
        let Some(endpoint) =
            endpoint.filter(|e| e.status == store::name(WebhookEndpointStatus::Active))
        else {
            return Ok(Attempted {
                id: row.id,
                attempt: None,
                status: WebhookDeliveryStatus::Failed,
                attempts_made: row.attempts,
                next: None,
                disable: None,
            });
        };
        let timestamp = Utc::now().timestamp();
        let secrets = Self::secrets(&endpoint);
        let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let headers = [
            ("webhook-id", row.id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            (
                "webhook-signature",
                signature::header(&secret_refs, &row.id, timestamp, &row.body),
            ),
        ];
        let started_at = now();
        let outcome = sender.post(&endpoint.url, &headers, row.body.clone()).await;

        let succeeded = outcome.status.is_some_and(|s| (200..300).contains(&s));
        let gone = outcome.status == Some(410);
        let (status, next) = if succeeded {
            (WebhookDeliveryStatus::Succeeded, None)
        } else if gone {
            (WebhookDeliveryStatus::Failed, None)
        } else {
            match retry::next_wait(
                &self.settings.retry_schedule_ms,
                usize::try_from(attempts_made).unwrap_or(usize::MAX),
                self.settings.jitter_percent,
                retry::random_unit(),
            ) {
                Some(wait) => (
                    WebhookDeliveryStatus::Pending,
                    Some(now() + TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX)),
                ),
                None => (WebhookDeliveryStatus::Failed, None),
            }
        };
        let disable = gone.then(|| {
            let mut disabled = endpoint;
            disabled.status = store::name(WebhookEndpointStatus::Disabled).to_owned();
            disabled.disabled_reason =
                Some("the receiver answered 410 Gone; register it again to resume".into());
            disabled.updated_at = now();
            disabled
        });
        Ok(Attempted {
            attempt: Some(AttemptRow {
                id: new_id("att"),
                delivery_id: row.id.clone(),
                at: started_at,
                status_code: outcome.status.map(i32::from),
                error: outcome.error,
                duration_ms: i64::try_from(outcome.duration.as_millis()).unwrap_or(i64::MAX),
            }),
            id: row.id,
            status,
            attempts_made,
            next,
            disable,
        })
    }

    /// Writes attempts and their deliveries' next states (and a 410's disabled endpoint), in
    /// one transaction for the whole batch.
    async fn record(&self, outcomes: Vec<Attempted>) -> Result<(), WebhooksError> {
        self.db
            .write(move |c| {
                for attempted in &outcomes {
                    if let Some(attempt) = &attempted.attempt {
                        store::insert_attempt(c, attempt)?;
                    }
                    store::settle(
                        c,
                        &attempted.id,
                        attempted.status,
                        attempted.attempts_made,
                        attempted.next,
                    )?;
                    if let Some(endpoint) = &attempted.disable {
                        store::update_endpoint(c, endpoint)?;
                    }
                }
                Ok::<_, WebhooksError>(())
            })
            .await
    }
}

/// One attempt's outcome, to be recorded.
struct Attempted {
    id: String,
    /// `None` when nothing was sent (the endpoint is gone or disabled).
    attempt: Option<AttemptRow>,
    status: WebhookDeliveryStatus,
    attempts_made: i32,
    next: Option<NaiveDateTime>,
    disable: Option<EndpointRow>,
}

#[async_trait]
impl WebhooksApi for WebhooksService {
    async fn event_types(&self, _caller: &Call) -> Result<EventTypeList, WebhooksError> {
        // Authenticated is enough: the caller being a principal is the check.
        Ok(EventTypeList {
            data: self.catalog.clone(),
        })
    }

    async fn create(
        &self,
        owner: &Call,
        request: NewWebhookEndpoint,
    ) -> Result<WebhookEndpointWithSecret, WebhooksError> {
        may_manage(owner)?;
        let mut types = request.event_types;
        types.sort();
        types.dedup();
        self.check_types(&types)?;
        let url = self.check_url(&request.url).await?;
        let owner_id = owner.user_id.clone();
        let max = self.settings.max_endpoints_per_owner;
        let created = now();
        let row = EndpointRow {
            id: new_id("whe"),
            owner_id: owner.user_id.clone(),
            url,
            event_types: serde_json::to_string(&types).unwrap_or_default(),
            description: request.description,
            secret: signature::new_secret(),
            previous_secret: None,
            previous_secret_expires_at: None,
            status: store::name(WebhookEndpointStatus::Active).to_owned(),
            disabled_reason: None,
            created_at: created,
            updated_at: created,
        };
        let saved = row.clone();
        self.db
            .write(move |c| {
                if store::count_of(c, &owner_id)? >= max {
                    return Err(WebhooksError::Conflict(format!(
                        "an account may register at most {max} endpoints"
                    )));
                }
                store::insert_endpoint(c, &saved)?;
                Ok(())
            })
            .await?;
        Ok(WebhookEndpointWithSecret {
            endpoint: endpoint_view(&row)?,
            secret: row.secret,
        })
    }

    async fn list(&self, owner: &Call) -> Result<WebhookEndpointList, WebhooksError> {
        may_manage(owner)?;
        let owner_id = owner.user_id.clone();
        let rows = self
            .db
            .read(move |c| store::endpoints_of(c, &owner_id).map_err(WebhooksError::from))
            .await?;
        Ok(WebhookEndpointList {
            data: rows.iter().map(endpoint_view).collect::<Result<_, _>>()?,
        })
    }

    async fn delete(&self, owner: &Call, id: &str) -> Result<(), WebhooksError> {
        may_manage(owner)?;
        let row = self.owned(owner, id).await?;
        self.db
            .write(move |c| store::delete_endpoint(c, &row.id).map_err(WebhooksError::from))
            .await
    }

    async fn rotate_secret(
        &self,
        owner: &Call,
        id: &str,
    ) -> Result<WebhookEndpointWithSecret, WebhooksError> {
        may_manage(owner)?;
        let mut row = self.owned(owner, id).await?;
        let overlap = TimeDelta::seconds(
            i64::try_from(self.settings.secret_rotation_overlap_secs).unwrap_or(i64::MAX),
        );
        row.previous_secret = Some(std::mem::replace(&mut row.secret, signature::new_secret()));
        row.previous_secret_expires_at = Some(now() + overlap);
        row.updated_at = now();
        let saved = row.clone();
        self.db
            .write(move |c| store::update_endpoint(c, &saved).map_err(WebhooksError::from))
            .await?;
        Ok(WebhookEndpointWithSecret {
            endpoint: endpoint_view(&row)?,
            secret: row.secret,
        })
    }

    async fn deliveries(
        &self,
        owner: &Call,
        endpoint_id: &str,
        query: WebhookDeliveryQuery,
    ) -> Result<WebhookDeliveryPage, WebhooksError> {
        may_manage(owner)?;
        let endpoint = self.owned(owner, endpoint_id).await?;
        let (limit, after) = pagination::parse::<String>(query.limit, query.cursor.as_deref())
            .map_err(WebhooksError::Validation)?;
        let (rows, attempts) = self
            .db
            .read(move |c| {
                let rows =
                    store::deliveries_of(c, &endpoint.id, after.as_deref(), i64::from(limit) + 1)?;
                let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
                let attempts = store::attempts_of(c, &ids)?;
                Ok::<_, WebhooksError>((rows, attempts))
            })
            .await?;
        let (rows, next_cursor) = pagination::split(rows, limit, |r| r.id.clone());
        let data = rows
            .into_iter()
            .map(|r| {
                let mine = attempts
                    .iter()
                    .filter(|a| a.delivery_id == r.id)
                    .cloned()
                    .collect();
                delivery_view(r, mine)
            })
            .collect::<Result<_, _>>()?;
        Ok(WebhookDeliveryPage { data, next_cursor })
    }

    async fn redeliver(&self, owner: &Call, id: &str) -> Result<WebhookDelivery, WebhooksError> {
        may_manage(owner)?;
        let key = id.to_owned();
        let row = self
            .db
            .read(move |c| store::delivery(c, &key).map_err(WebhooksError::from))
            .await?
            .ok_or_else(|| WebhooksError::NotFound(format!("no delivery {id}")))?;
        let endpoint = self
            .owned(owner, &row.endpoint_id)
            .await
            .map_err(|_| WebhooksError::NotFound(format!("no delivery {id}")))?;
        if endpoint.status != store::name(WebhookEndpointStatus::Active) {
            return Err(WebhooksError::Conflict(
                "the endpoint is disabled; register it again to resume deliveries".into(),
            ));
        }
        let key = row.id.clone();
        let attempts = row.attempts;
        let (row, attempt_rows) = self
            .db
            .write(move |c| {
                store::settle(
                    c,
                    &key,
                    WebhookDeliveryStatus::Pending,
                    attempts,
                    Some(now()),
                )?;
                let row = store::delivery(c, &key)?
                    .ok_or_else(|| WebhooksError::NotFound(key.clone()))?;
                let attempts = store::attempts_of(c, std::slice::from_ref(&key))?;
                Ok::<_, WebhooksError>((row, attempts))
            })
            .await?;
        self.work.notify_one();
        delivery_view(row, attempt_rows)
    }
}

#[async_trait]
impl EventHandler for WebhooksService {
    async fn handle(&self, event: &Event) -> Result<(), String> {
        if !self.event_types.contains(&event.event_type) {
            return Ok(());
        }
        let (event_id, event_type) = (event.id.clone(), event.event_type.clone());
        // Most events interest no endpoint (a café without integrations): those queue nothing
        // and need no inbox record. Whether any endpoint wants the event is read after the
        // event was committed (so an endpoint registered before it is never missed), in a read
        // shared with the events handled meanwhile. A redelivery asks again.
        if !self.subscribed.get().await?.contains(&event_type) {
            return Ok(());
        }
        let body = json!({
            "type": event.event_type,
            "timestamp": event.occurred_at,
            "data": event.payload,
        })
        .to_string();
        let queued = store::TABLES
            .consume(&self.db, &self.wake, event, move |c, _| {
                let mut queued = 0;
                for endpoint in store::active_endpoints(c)? {
                    if !subscribes(&endpoint, &event_type) {
                        continue;
                    }
                    let row = DeliveryRow {
                        id: new_id("msg"),
                        endpoint_id: endpoint.id,
                        event_id: event_id.clone(),
                        event_type: event_type.clone(),
                        body: body.clone(),
                        status: store::name(WebhookDeliveryStatus::Pending).to_owned(),
                        attempts: 0,
                        next_attempt_at: Some(now()),
                        created_at: now(),
                    };
                    if store::insert_delivery(c, &row)? {
                        queued += 1;
                    }
                }
                Ok::<_, WebhooksError>(queued)
            })
            .await?
            .unwrap_or(0);
        if queued > 0 {
            self.work.notify_one();
        }
        Ok(())
    }
}

/// Every event type one of `endpoints` subscribes to.
fn subscribed_types(endpoints: &[EndpointRow]) -> HashSet<String> {
    endpoints
        .iter()
        .flat_map(|e| serde_json::from_str::<Vec<String>>(&e.event_types).unwrap_or_default())
        .collect()
}

fn subscribes(endpoint: &EndpointRow, event_type: &str) -> bool {
    let types: Vec<String> = serde_json::from_str(&endpoint.event_types).unwrap_or_default();
    types.iter().any(|t| t == event_type)
}

/// Only partners' staff manage webhook endpoints, whoever calls.
fn may_manage(owner: &Call) -> Result<(), WebhooksError> {
    owner
        .require(roles::PARTNERS)
        .map_err(WebhooksError::Forbidden)
}
