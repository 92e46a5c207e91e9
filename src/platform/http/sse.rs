//! Server-Sent Events over an outbox: a live feed that resumes from `Last-Event-ID`.
//!
//! Each event's id is its outbox position, so a client that reconnects with the last id it
//! saw gets exactly what it missed. Feeds poll their source (cheap indexed reads) rather than
//! hold a subscription, which keeps them correct across replicas.

use std::collections::VecDeque;
use std::future::Future;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::web::{self, Bytes};
use futures_util::stream;

use crate::platform::events::StoredEvent;
use crate::platform::http::shutdown::Shutdown;

/// How often an idle feed looks for new events.
const POLL: Duration = Duration::from_millis(250);
/// Comment lines keep proxies from closing an idle connection.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The `Last-Event-ID` a reconnecting client sent, if it is one of ours.
pub fn last_event_id(req: &HttpRequest) -> Option<i64> {
    req.headers()
        .get("last-event-id")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|n: &i64| *n >= 0)
}

fn frame(e: &StoredEvent) -> Bytes {
    let data = serde_json::to_string(&e.event).unwrap_or_else(|_| "{}".into());
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {}\n\n",
        e.seq, e.event.event_type, data
    ))
}

struct Feed<F> {
    after: i64,
    pending: VecDeque<StoredEvent>,
    fetch: F,
    quiet_since: Instant,
}

/// Streams, until the server stops, what `fetch(after)` returns: the matching events after
/// position `after` in order, and the position it read up to (past events that did not
/// match). `first` frames are sent before anything else (e.g. a snapshot of the current
/// state).
pub fn response<F, Fut>(req: &HttpRequest, after: i64, first: Vec<Bytes>, fetch: F) -> HttpResponse
where
    F: Fn(i64) -> Fut + 'static,
    Fut: Future<Output = Result<(Vec<StoredEvent>, i64), String>> + 'static,
{
    let opening = stream::iter(first.into_iter().map(Ok::<_, actix_web::Error>));
    let feed = Feed {
        after,
        pending: VecDeque::new(),
        fetch,
        quiet_since: Instant::now(),
    };
    let live = stream::unfold(feed, |mut feed| async move {
        loop {
            if let Some(e) = feed.pending.pop_front() {
                feed.after = e.seq;
                feed.quiet_since = Instant::now();
                return Some((Ok(frame(&e)), feed));
            }
            if feed.quiet_since.elapsed() >= KEEPALIVE {
                feed.quiet_since = Instant::now();
                return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), feed));
            }
            match (feed.fetch)(feed.after).await {
                Ok((events, _)) if !events.is_empty() => feed.pending.extend(events),
                Ok((_, scanned)) if scanned > feed.after => feed.after = scanned,
                Ok(_) => actix_web::rt::time::sleep(POLL).await,
                Err(e) => {
                    tracing::warn!(error = %e, "event feed read failed; closing the stream");
                    return None;
                }
            }
        }
    });
    // A stream ends when the server starts stopping, so it never holds the shutdown up.
    let stopping = match req.app_data::<web::Data<Shutdown>>() {
        Some(shutdown) => futures_util::future::Either::Left(shutdown.started()),
        None => futures_util::future::Either::Right(std::future::pending()),
    };
    let live = futures_util::StreamExt::take_until(live, stopping);
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        // Compression would hold events back until a buffer fills.
        .insert_header(("Content-Encoding", "identity"))
        .streaming(futures_util::StreamExt::chain(opening, live))
}
