//! Tracing set-up: JSON lines when stdout is not a terminal (or when asked), pretty otherwise.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::platform::config::{LogFormat, LogSettings};

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
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
    } else {
        builder.try_init()
    };
}
