//! Monitoring (decision 0037): the request, database, background-job and session metrics, and
//! `/metrics` in the Prometheus text format, on its own listen address or behind a bearer token.
//!
//! No label or value carries data of a person: requests are labelled by their route *pattern*
//! (`/cases/{id}`, never the path a request asked for, never its query), method and status
//! class; jobs by a fixed name; the database's pools by a fixed word.

use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text::{CONTENT_TYPE, encode};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use tokio::time::Instant;

use ankommen_core::administration::sessions;
use ankommen_core::kernel::tokens::same_secret;
use ankommen_store::Db;

use crate::AppState;

/// The prefix of every metric's name.
const PREFIX: &str = "ankommen";

/// The route label of a request that matched no route (whatever path it asked for).
pub const UNMATCHED: &str = "unmatched";

/// Upper bounds (seconds) of the request-duration histogram: the pages' targets are tens of
/// milliseconds; the last bound is the default request timeout.
const REQUEST_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The shortest token accepted for `/metrics` on the main listener.
pub const MIN_TOKEN_CHARS: usize = 32;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route pattern, e.g. `/cases/{id}`, or [`UNMATCHED`].
    route: String,
    method: &'static str,
    /// `2xx`, `3xx`, `4xx`, `5xx` (or `1xx`).
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabel {
    job: &'static str,
}

type RequestFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn request_histogram() -> Histogram {
    Histogram::new(REQUEST_BUCKETS)
}

/// The metrics of one running application (one per [`AppState`]; nothing global, so that every
/// test app counts only its own requests).
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: RequestFamily,
    job_runs: Family<JobLabel, Counter>,
    job_failures: Family<JobLabel, Counter>,
    job_last_duration: Family<JobLabel, Gauge<f64, AtomicU64>>,
}

impl Metrics {
    /// The metrics of an application on `db` (whose own metrics are registered with them).
    pub fn new(db: &Db) -> Self {
        let mut registry = Registry::with_prefix(PREFIX);
        let requests: RequestFamily = Family::new_with_constructor(request_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival until its response began, per route pattern, method and status class (the _count is the number of requests)",
            Unit::Seconds,
            requests.clone(),
        );
        let job_runs = Family::<JobLabel, Counter>::default();
        registry.register(
            "job_runs",
            "Runs of a background job, failed ones included",
            job_runs.clone(),
        );
        let job_failures = Family::<JobLabel, Counter>::default();
        registry.register(
            "job_failures",
            "Failed runs of a background job",
            job_failures.clone(),
        );
        let job_last_duration = Family::<JobLabel, Gauge<f64, AtomicU64>>::default();
        registry.register_with_unit(
            "job_last_duration",
            "How long the last run of a background job took",
            Unit::Seconds,
            job_last_duration.clone(),
        );
        db.register_metrics(&mut registry);
        Self {
            registry,
            requests,
            job_runs,
            job_failures,
            job_last_duration,
        }
    }

    /// Runs one round of a background job, counting it, its failure and its duration.
    pub async fn job<T, E>(
        &self,
        name: &'static str,
        run: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let started = Instant::now();
        let result = run.await;
        self.record_job(name, started.elapsed(), result.is_ok());
        result
    }

    fn record_job(&self, job: &'static str, took: Duration, ok: bool) {
        let label = JobLabel { job };
        self.job_runs.get_or_create(&label).inc();
        // Created at the first run, so that a failure rate is 0 rather than missing.
        let failures = self.job_failures.get_or_create(&label);
        if !ok {
            failures.inc();
        }
        self.job_last_duration
            .get_or_create(&label)
            .set(took.as_secs_f64());
    }

    fn record_request(
        &self,
        route: Option<&MatchedPath>,
        method: &Method,
        status: StatusCode,
        took: Duration,
    ) {
        let labels = RequestLabels {
            route: route.map_or(UNMATCHED, MatchedPath::as_str).to_string(),
            method: method_label(method),
            status: status_class(status),
        };
        self.requests
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// The text of a scrape: everything registered, and the sessions counted now (left out when
    /// the database does not answer: a stale number would mislead).
    async fn render(&self, state: &AppState) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        match sessions::active(&state.db, state.clock.as_ref(), &state.config.session).await {
            Ok(n) => {
                let mut now = Registry::with_prefix(PREFIX);
                let active = Gauge::<i64>::default();
                active.set(i64::try_from(n).unwrap_or(i64::MAX));
                now.register(
                    "sessions_active",
                    "Sessions valid now (signed in, neither timed out nor ended)",
                    active,
                );
                encode(&mut text, &now)?;
            }
            Err(e) => tracing::warn!("counting the active sessions for /metrics failed: {e}"),
        }
        Ok(text)
    }
}

/// The `status` label: the class only, so that the label set stays small.
fn status_class(s: StatusCode) -> &'static str {
    match s.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// The `method` label: the methods the application serves, the rest as `other` (a client may
/// send any token as a method).
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Times every request into `ankommen_http_request_duration_seconds`. The route pattern is
/// known here because the router sets it before the layers of a route run.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    let res = next.run(req).await;
    state
        .metrics
        .record_request(route.as_ref(), &method, res.status(), started.elapsed());
    res
}

/// The bearer token that opens `/metrics` on the main listener. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken(String);

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(<redacted>)")
    }
}

impl MetricsToken {
    /// A token of at least [`MIN_TOKEN_CHARS`] visible ASCII characters, or why not.
    pub fn new(token: &str) -> Result<Self, String> {
        if token.chars().count() < MIN_TOKEN_CHARS {
            return Err(format!(
                "the metrics token must have at least {MIN_TOKEN_CHARS} characters (e.g. from `openssl rand -hex 32`)"
            ));
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "the metrics token may hold only visible ASCII characters (no spaces)".into(),
            );
        }
        Ok(Self(token.to_string()))
    }

    /// Whether the request's `Authorization: Bearer …` is this token (in constant time).
    fn admits(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| same_secret(given.trim(), &self.0))
    }
}

/// `/metrics` on the main listener: only with the configured bearer token. Without a token
/// configured, or with a wrong or missing one, it answers exactly like a path that does not
/// exist (the session layer renders the 404 page), so that it does not reveal itself.
pub(crate) async fn guarded(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match &state.config.metrics_token {
        Some(token) if token.admits(&headers) => scrape(&state).await,
        _ => crate::error::AppError(ankommen_core::Error::NotFound).into_response(),
    }
}

/// `/metrics` on the separate metrics listener (`metrics_listen`), whose address is its guard.
async fn open(State(state): State<AppState>) -> Response {
    scrape(&state).await
}

async fn scrape(state: &AppState) -> Response {
    match state.metrics.render(state).await {
        Ok(text) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The router of the separate metrics listener: `/metrics` and nothing else.
pub fn metrics_router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(open))
        .with_state(state)
}
