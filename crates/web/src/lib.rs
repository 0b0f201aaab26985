//! The web shell: routes, extractors, templates, translations and static assets. Handlers extract
//! input, call one core service and render; no rules live here.

pub mod assets;
pub mod charts;
pub mod download;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod ids;
pub mod layers;
pub mod metrics;
pub mod page;
pub mod routes;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use ankommen_core::Clock;
use ankommen_core::administration::sessions::SessionPolicy;
use ankommen_core::kernel::sealing::Sealer;
use ankommen_store::Db;

/// Settings of the web layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub session: SessionPolicy,
    /// Mark cookies `Secure` (and send HSTS). On whenever the public URL is https.
    pub secure_cookies: bool,
    /// Demo mode: a banner on every page.
    pub demo: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (for throttling by address).
    pub trusted_proxies: Vec<IpAddr>,
    /// Longest a request may take before it is answered with 408.
    pub request_timeout: Duration,
    /// The bearer token that opens `/metrics` on the main listener; without it, `/metrics` is
    /// not found there.
    pub metrics_token: Option<metrics::MetricsToken>,
    /// The address people reach ankommen at (`public_url`), for links shown to be copied elsewhere
    /// (the calendar subscription); None: taken from the request's `Host`.
    pub public_url: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            session: SessionPolicy::default(),
            secure_cookies: false,
            demo: false,
            trusted_proxies: Vec::new(),
            request_timeout: Duration::from_secs(30),
            metrics_token: None,
            public_url: None,
        }
    }
}

/// Everything a request handler may use.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    /// Seals and opens special-category fields (encryption at rest); pass `&state.sealer` to the
    /// core services that need it. Its `Debug` shows only a key fingerprint.
    pub sealer: Arc<Sealer>,
    /// The administrators' running imports (upload page) of this instance.
    pub imports: Arc<routes::ImportJobs>,
    /// This application's metrics (`Metrics::new(&db)`).
    pub metrics: Arc<metrics::Metrics>,
}

pub use routes::router;
