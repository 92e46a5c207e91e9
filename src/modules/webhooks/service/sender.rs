//! Sends one delivery: POST over HTTP/1.1 (rustls for https), never following redirects,
//! connecting only to addresses the SSRF guard accepts — checked after DNS resolution, on
//! every connection.

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use actix_tls::connect::{Connector as TcpConnector, Resolve, Resolver};
use futures_util::future::LocalBoxFuture;

use crate::modules::webhooks::domain::ssrf;

/// Resolves names, then refuses them unless every address is allowed.
struct GuardedResolver {
    insecure: bool,
}

impl Resolve for GuardedResolver {
    fn lookup<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> LocalBoxFuture<'a, Result<Vec<SocketAddr>, Box<dyn StdError>>> {
        let host = host.to_owned();
        let insecure = self.insecure;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = actix_web::rt::task::spawn_blocking(move || {
                (host.as_str(), port)
                    .to_socket_addrs()
                    .map(Iterator::collect)
            })
            .await
            .map_err(|e| Box::new(e) as Box<dyn StdError>)??;
            let ips: Vec<IpAddr> = addrs.iter().map(SocketAddr::ip).collect();
            ssrf::check_addresses(&ips, insecure).map_err(|why| format!("refused: {why}"))?;
            Ok(addrs)
        })
    }
}

pub struct Outcome {
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration: Duration,
}

pub struct Sender {
    client: awc::Client,
    allow_insecure_loopback: bool,
}

impl Sender {
    /// Not `Send` (actix's client is per thread): build one where deliveries are sent.
    pub fn new(timeout: Duration, allow_insecure_loopback: bool) -> Self {
        let connector = awc::Connector::new()
            .connector(
                TcpConnector::new(Resolver::custom(GuardedResolver {
                    insecure: allow_insecure_loopback,
                }))
                .service(),
            )
            .timeout(timeout);
        let client = awc::Client::builder()
            .connector(connector)
            .disable_redirects()
            .timeout(timeout)
            .add_default_header(("User-Agent", "Brigade-Webhooks/1.0"))
            .finish();
        Self {
            client,
            allow_insecure_loopback,
        }
    }

    pub async fn post(&self, url: &str, headers: &[(&str, String)], body: String) -> Outcome {
        let started = Instant::now();
        let failed = |error: String| Outcome {
            status: None,
            error: Some(error),
            duration: started.elapsed(),
        };
        // The URL was checked when registered; literal addresses skip DNS, so check again.
        if let Err(why) = ssrf::parse(url, self.allow_insecure_loopback) {
            return failed(format!("the URL {why}"));
        }
        let mut request = self
            .client
            .post(url)
            .insert_header(("Content-Type", "application/json"));
        for (name, value) in headers {
            request = request.insert_header((*name, value.as_str()));
        }
        match request.send_body(body).await {
            Ok(mut response) => {
                // Read (a little of) the answer so the connection can be reused; its content
                // does not matter.
                let _ = response.body().limit(64 * 1024).await;
                let status = response.status().as_u16();
                Outcome {
                    status: Some(status),
                    error: (!(200..300).contains(&status))
                        .then(|| format!("the receiver answered {status}")),
                    duration: started.elapsed(),
                }
            }
            Err(e) => failed(e.to_string()),
        }
    }
}
