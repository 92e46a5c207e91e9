//! Tracing set-up: JSON lines when stdout is not a terminal (or when asked), pretty otherwise;
//! and, when `log.otlp_endpoint` is set, request spans exported as OpenTelemetry traces.

use std::io::IsTerminal;
use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::platform::config::{LogFormat, LogSettings};

static EXPORT: OnceLock<SdkTracerProvider> = OnceLock::new();

fn otlp(settings: &LogSettings) -> Option<SdkTracerProvider> {
    if settings.otlp_endpoint.is_empty() {
        return None;
    }
    let endpoint = format!("{}/v1/traces", settings.otlp_endpoint.trim_end_matches('/'));
    // reqwest is built with rustls but no provider of its own (ring, as everywhere here);
    // the exporter's client takes the process default. Already set is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(endpoint)
        .build()
        .map_err(|e| eprintln!("trace export disabled: {e}"))
        .ok()?;
    Some(
        SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                Resource::builder()
                    .with_service_name(settings.service_name.clone())
                    .build(),
            )
            .build(),
    )
}

/// Installs the global subscriber once; later calls (tests spawning several apps) are no-ops.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match settings.format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !std::io::stdout().is_terminal(),
    };
    let lines = if json {
        tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .boxed()
    } else {
        tracing_subscriber::fmt::layer().boxed()
    };
    let traces = otlp(settings).map(|provider| {
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("brigade"));
        let _ = EXPORT.set(provider);
        layer
    });
    opentelemetry::global::set_text_map_propagator(
        opentelemetry_sdk::propagation::TraceContextPropagator::new(),
    );
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(traces)
        .try_init();
}

/// Sends the spans still buffered (before exit, or when a test wants them now).
pub fn flush() {
    if let Some(provider) = EXPORT.get() {
        let _ = provider.force_flush();
    }
}
