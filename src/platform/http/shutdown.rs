//! Tells long-lived responses (event streams) that the server is stopping, so they end at
//! once instead of holding the graceful shutdown for its whole timeout. Clients reconnect
//! with `Last-Event-ID` and miss nothing.

use std::future::Future;

use tokio::sync::watch;

/// Held by the server; [`Stopping::notify`] is sent when a stop signal arrives.
pub struct Stopping(watch::Sender<bool>);

/// Given to every request (as app data): resolves once the server is stopping.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

pub fn channel() -> (Stopping, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (Stopping(tx), Shutdown(rx))
}

impl Stopping {
    pub fn notify(&self) {
        let _ = self.0.send(true);
    }
}

impl Shutdown {
    /// Resolves when the server starts stopping (or is gone).
    pub fn started(&self) -> impl Future<Output = ()> + 'static {
        let mut rx = self.0.clone();
        async move {
            let _ = rx.wait_for(|stopping| *stopping).await;
        }
    }
}

/// The first of SIGTERM or Ctrl-C (SIGINT).
pub async fn signal() {
    use futures_util::future::{Either, select};
    let terminate = async {
        match actix_web::rt::signal::unix::signal(
            actix_web::rt::signal::unix::SignalKind::terminate(),
        ) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    let interrupt = actix_web::rt::signal::ctrl_c();
    match select(std::pin::pin!(terminate), std::pin::pin!(interrupt)).await {
        Either::Left(_) | Either::Right(_) => {}
    }
}
