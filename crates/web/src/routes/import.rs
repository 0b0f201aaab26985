//! The administrator's upload of an exchange file: choose the file, see the dry run's report, choose
//! the same file again to import it (its SHA-256 must be the one checked), see the report.
//!
//! The file is not kept on the server between the two steps: it holds a county's client data, and
//! a second upload of the checked file stores nothing and works across instances.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use ankommen_core::FieldErrors;
use ankommen_core::casework::exchange::{self, Report};

use super::consent::UploadForm;
use super::render_status;
use crate::AppState;
use crate::error::AppResult;
use crate::forms::FormView;
use crate::layers::MAX_UPLOAD_BYTES;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/admin/import",
        get(page)
            .post(upload)
            .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
    )
}

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportTpl {
    page: Page,
    form: FormView,
    report: Option<Report>,
    /// The checked file's SHA-256, for the confirmation (only after a dry run without problems).
    checked: Option<String>,
    max_mb: usize,
}

fn show(
    a: Authed,
    form: FormView,
    report: Option<Report>,
    checked: Option<String>,
    status: StatusCode,
) -> Response {
    render_status(
        &ImportTpl {
            page: a.page.at("admin").titled("import-title"),
            form,
            report,
            checked,
            max_mb: MAX_UPLOAD_BYTES / (1024 * 1024),
        },
        status,
    )
}

pub async fn page(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    exchange::authorize(&state.db, &a.ctx).await?;
    Ok(show(a, FormView::default(), None, None, StatusCode::OK))
}

fn field_error(page: &Page, key: &'static str) -> FormView {
    let mut e = FieldErrors::new();
    e.add("scan", key);
    FormView::default().with_errors(&e, &page.tr)
}

pub async fn upload(
    State(state): State<AppState>,
    a: Authed,
    form: UploadForm,
) -> AppResult<Response> {
    exchange::authorize(&state.db, &a.ctx).await?;
    if form.too_large {
        let f = field_error(&a.page, "error-import-too-large");
        return Ok(show(a, f, None, None, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let Some(bytes) = form.scan.as_ref().filter(|b| !b.is_empty()) else {
        let f = field_error(&a.page, "error-import-no-file");
        return Ok(show(a, f, None, None, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let digest = exchange::digest(bytes);
    let confirmed = form.fields.get("checked");
    let dry_run = form.fields.get("step") != "import";
    if !dry_run && confirmed != digest {
        let f = field_error(&a.page, "error-import-not-the-checked-file");
        return Ok(show(a, f, None, None, StatusCode::UNPROCESSABLE_ENTITY));
    }
    // The request waits for the import; progress is on the terminal for the command line.
    let report =
        exchange::import(&state.db, &a.ctx, &state.sealer, bytes, dry_run, &|_| {}).await?;
    let checked = (dry_run && !report.has_problems()).then_some(digest);
    let status = if report.has_problems() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(show(a, FormView::default(), Some(report), checked, status))
}
