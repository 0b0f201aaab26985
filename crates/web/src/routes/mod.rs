//! The routes. Each handler extracts input, calls one core service and renders.

mod account;
mod admin;
mod appointments;
mod audit;
mod auth;
mod calendar;
mod cases;
mod clients;
mod consent;
mod contacts;
mod courses;
mod documents;
mod duplicates;
mod duties;
mod export;
mod figures;
mod home;
mod import;
mod meetings;
mod officehours;
pub use import::ImportJobs;
mod dpo;
mod outcomes;
mod plans;
mod privacy;
mod referrals;
mod retention;
mod rules;
mod second_factor;
mod services;
mod spreadsheets;
mod staff;
mod subject_access;
mod volunteers;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

use ankommen_core::Error;

use crate::AppState;
use crate::error::{AppError, status_of};
use crate::forms::FormView;
use crate::i18n::Tr;
use crate::layers::{self, FLASH_COOKIE, set_cookie};

/// The whole application: routes and the middleware stack, as production runs it.
pub fn router(state: AppState) -> Router {
    with_middleware(pages(), state)
}

/// The pages: everything behind the session layer.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/language/{lang}", get(auth::choose_language))
        .route("/setup/{token}", get(auth::setup_page).post(auth::setup))
        .route("/account", get(account::page))
        .route("/account/language", post(account::language))
        .route("/account/password", post(account::password))
        .route("/account/sessions", get(account::sessions))
        .route("/account/sessions/{id}/end", post(account::end_session))
        .route("/admin", get(admin::index))
        .route(
            "/admin/municipalities",
            get(admin::municipalities).post(admin::create_municipality),
        )
        .route(
            "/admin/municipalities/{ags}",
            get(admin::municipality).post(admin::update_municipality),
        )
        .route(
            "/admin/organisations",
            get(admin::organisations).post(admin::create_organisation),
        )
        .route(
            "/admin/organisations/{id}",
            get(admin::organisation).post(admin::update_organisation),
        )
        .route("/admin/organisations/{id}/teams", post(admin::create_team))
        .route(
            "/admin/organisations/{id}/service-areas",
            post(admin::add_service_area),
        )
        .route(
            "/admin/organisations/{id}/service-areas/end",
            post(admin::end_service_area),
        )
        .route(
            "/admin/teams/{id}",
            get(admin::team).post(admin::update_team),
        )
        .route("/admin/staff", get(staff::list).post(staff::create))
        .route("/admin/staff/new", get(staff::new_form))
        .route(
            "/admin/staff/{id}",
            get(staff::edit_form).post(staff::update),
        )
        .route("/admin/staff/{id}/setup-link", post(staff::setup_link))
        .route("/audit", get(audit::page))
        .merge(second_factor::routes())
        .merge(spreadsheets::routes())
        .merge(clients::routes())
        .merge(cases::routes())
        .merge(consent::routes())
        .merge(documents::routes())
        .merge(privacy::routes())
        .merge(dpo::routes())
        .merge(retention::routes())
        .merge(subject_access::routes())
        .merge(duties::routes())
        .merge(figures::routes())
        .merge(rules::routes())
        .merge(contacts::routes())
        .merge(outcomes::routes())
        .merge(plans::routes())
        .merge(import::routes())
        .merge(duplicates::routes())
        .merge(export::routes())
        .merge(services::routes())
        .merge(referrals::routes())
        .merge(courses::routes())
        .merge(meetings::routes())
        .merge(volunteers::routes())
        .merge(appointments::routes())
        .merge(officehours::routes())
        .merge(calendar::routes())
        .route("/metrics", get(crate::metrics::guarded))
        .fallback(not_found)
}

/// The middleware stack around the pages (session, CSRF, error pages), the probes and the static
/// assets: request id and its log span, security headers, timeout, panic guard.
fn with_middleware(pages: Router<AppState>, state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    pages
        // A panicking handler is an internal error like any other: logged inside the request's
        // span and answered with the error page and its reference (the session layer renders it).
        .layer(CatchPanicLayer::custom(|_| {
            AppError(Error::Internal("a request handler panicked".into())).into_response()
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            layers::session_layer,
        ))
        // The public office-hours page: outside the session layer (no session, no cookies).
        .route("/sprechstunden", get(officehours::public::list))
        .route(
            "/sprechstunden/{ags}",
            get(officehours::public::municipality),
        )
        .route(
            "/sprechstunden/{ags}/aushang.pdf",
            get(officehours::public::poster),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/static/{file}", get(crate::assets::serve))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            layers::security_headers,
        ))
        .layer(middleware::from_fn(layers::request_id_layer))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        // The last resort, for a panic in the middleware itself.
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }))
        // Outermost, so that every answer is counted, timeouts and panics included.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::track,
        ))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

/// How long `/readyz` waits for the database: well below a probe's usual timeout, so that a
/// database that hangs (rather than refusing) reads as "not ready" instead of as a dead process.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Ready when the database answers a trivial query within [`READY_TIMEOUT`] (`/healthz`, the
/// liveness probe, touches nothing).
async fn readyz(State(state): State<AppState>) -> Response {
    if state.db.ping(READY_TIMEOUT).await {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn not_found() -> AppError {
    AppError(Error::NotFound)
}

/// A person's name as the pages show it.
pub(crate) fn full_name(p: &ankommen_store::entities::person::Model) -> String {
    format!("{} {}", p.given_name, p.family_name)
}

/// Renders a template as a page.
pub(crate) fn render<T: Template>(t: &T) -> Response {
    render_status(t, StatusCode::OK)
}

/// Renders a template as a page with this status; a form's error summary names the fields by
/// their labels (`forms::label_error_summary`).
pub(crate) fn render_status<T: Template>(t: &T, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, Html(crate::forms::label_error_summary(html))).into_response(),
        Err(e) => AppError(Error::Internal(format!("template: {e}"))).into_response(),
    }
}

/// Redirect after a successful POST, with a short message shown on the next page.
pub(crate) fn done(to: &str, flash_key: &str, secure: bool) -> Response {
    let mut r = Redirect::to(to).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(FLASH_COOKIE, flash_key, Some(60), true, secure),
    );
    r
}

/// The one "save, or show the form again with its errors" step of a form handler. `saved` is the
/// outcome of the save: the response on success (usually [`done`]'s redirect), or the core error,
/// which goes to [`reshown`].
pub(crate) async fn saved_or_reshown<Fut>(
    saved: Result<Response, Error>,
    typed: FormView,
    tr: Tr,
    reshow: impl FnOnce(FormView, StatusCode) -> Fut,
) -> Result<Response, AppError>
where
    Fut: Future<Output = Result<Response, AppError>>,
{
    match saved {
        Ok(response) => Ok(response),
        Err(e) => reshown(e, typed, tr, reshow).await,
    }
}

/// A failed save: an invalid submission or a conflict with stored data shows the form again through
/// `reshow`, with what the user typed (`typed`), the errors next to their fields (a conflict as a
/// message about the whole form) and the status of [`status_of`] (422 or 409); any other error is
/// an error page. For handlers whose success is not a plain response (e.g. a page that needs what
/// `reshow` also needs); the others use [`saved_or_reshown`].
pub(crate) async fn reshown<Fut>(
    e: Error,
    typed: FormView,
    tr: Tr,
    reshow: impl FnOnce(FormView, StatusCode) -> Fut,
) -> Result<Response, AppError>
where
    Fut: Future<Output = Result<Response, AppError>>,
{
    let status = status_of(&e);
    let form = match e {
        Error::Invalid(fe) => typed.with_errors(&fe, &tr),
        Error::Conflict(key) => typed.with_general(tr.t(key)),
        other => return Err(AppError(other)),
    };
    reshow(form, status).await
}

#[cfg(test)]
mod tests {
    //! Internal errors are logged inside the request's span: the line that carries the error
    //! carries the reference the user is shown.
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use ankommen_core::kernel::sealing::Sealer;
    use ankommen_core::{Error, SystemClock};
    use ankommen_store::{DbConfig, connect};

    use super::with_middleware;
    use crate::error::AppError;
    use crate::{AppState, WebConfig};

    /// What the subscriber writes, kept for the test to read.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    async fn fails() -> AppError {
        AppError(Error::Internal("disk full while writing".into()))
    }

    async fn panics() -> &'static str {
        panic!("a bug")
    }

    #[tokio::test]
    async fn an_internal_error_is_logged_with_the_reference_its_page_shows() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let dir = tempfile::tempdir().unwrap();
        let db = connect(&DbConfig {
            url: format!("sqlite://{}", dir.path().join("t.sqlite").display()),
            max_connections: 1,
        })
        .await
        .unwrap();
        let state = AppState {
            clock: Arc::new(SystemClock),
            config: Arc::new(WebConfig::default()),
            sealer: Arc::new(Sealer::from_key([7; 32])),
            imports: Default::default(),
            metrics: Arc::new(crate::metrics::Metrics::new(&db)),
            db,
        };
        let app = with_middleware(
            Router::new()
                .route("/fails", get(fails))
                .route("/panics", get(panics)),
            state,
        );
        let res = app
            .clone()
            .oneshot(Request::get("/fails").body(Body::empty()).unwrap())
            .await
            .unwrap();

        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let reference = res.headers()["x-request-id"].to_str().unwrap().to_string();
        assert!(!reference.is_empty());
        let page =
            String::from_utf8(to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
        // The page in the user's language with the reference, never the error's text.
        assert!(page.contains("Interner Fehler"), "{page}");
        assert!(
            page.contains(&format!("<code>{reference}</code>")),
            "{page}"
        );
        assert!(!page.contains("disk full"));

        let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let line = log
            .lines()
            .find(|l| l.contains("internal error"))
            .unwrap_or_else(|| panic!("no line with the error in {log}"));
        assert!(line.contains("disk full while writing"), "{line}");
        assert!(line.contains(&format!("id={reference}")), "{line}");

        // A panicking handler: the same page and the same kind of line.
        let res = app
            .oneshot(Request::get("/panics").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let reference = res.headers()["x-request-id"].to_str().unwrap().to_string();
        let page =
            String::from_utf8(to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
        assert!(
            page.contains(&format!("<code>{reference}</code>")),
            "{page}"
        );
        let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(
            log.lines().any(|l| l.contains("a request handler panicked")
                && l.contains(&format!("id={reference}"))),
            "{log}"
        );
    }
}
