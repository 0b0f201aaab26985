//! The administrator's upload of an exchange file: choose the file, see the dry run's report, choose
//! the same file again to import it (its SHA-256 must be the one checked), see the report.
//!
//! The file is not kept on the server between the two steps: it holds a county's client data, and
//! a second upload of the checked file stores nothing and works across instances.
//!
//! Each step runs as a task of its own ([`ImportJobs`], one per administrator and instance). The
//! upload waits for it up to a second and then shows its progress (objects done of all), which
//! the page asks for again (htmx, or a link without JavaScript); each such request waits up to a
//! second for the task to finish, so the report appears as soon as it is there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use ankommen_core::casework::exchange::{self, Arg, Progress, Reason, Report};
use ankommen_core::{Error, FieldErrors};
use tokio::sync::watch;

use super::consent::UploadForm;
use super::render_status;
use crate::AppState;
use crate::error::AppResult;
use crate::forms::FormView;
use crate::i18n::Tr;
use crate::layers::MAX_UPLOAD_BYTES;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/import",
            get(page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/admin/import/progress", get(progress))
}

/// How long a request waits for a running import before it answers with its progress.
const WAIT: Duration = Duration::from_secs(1);

/// Where an import task stands.
#[derive(Clone, Debug)]
enum Stage {
    Running(Progress),
    Finished {
        report: Arc<Result<Report, Error>>,
        /// The file's SHA-256, for the confirmation after a dry run.
        digest: String,
    },
}

/// The import tasks of this instance, one per administrator (by staff id). A finished task's
/// report is shown once, then forgotten; nothing of it is written anywhere else.
#[derive(Debug, Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<i64, watch::Receiver<Stage>>>,
}

impl ImportJobs {
    fn get(&self, staff: i64) -> Option<watch::Receiver<Stage>> {
        self.jobs.lock().ok()?.get(&staff).cloned()
    }

    fn insert(&self, staff: i64, rx: watch::Receiver<Stage>) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(staff, rx);
        }
    }

    fn forget(&self, staff: i64) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.remove(&staff);
        }
    }
}

/// The stage of a task after waiting up to [`WAIT`] for it to finish.
async fn settle(mut rx: watch::Receiver<Stage>) -> Stage {
    let finished = |s: &Stage| matches!(s, Stage::Finished { .. });
    let _ = tokio::time::timeout(WAIT, rx.wait_for(finished)).await;
    rx.borrow().clone()
}

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportTpl {
    page: Page,
    form: FormView,
    report: Option<Report>,
    /// The checked file's SHA-256, for the confirmation (only after a dry run without problems).
    checked: Option<String>,
    /// A task still running: objects done of all.
    running: Option<Progress>,
    max_mb: usize,
}

impl ImportTpl {
    fn running_text(&self, p: &Progress) -> String {
        self.page.tr.targs(
            "import-running",
            &[("done", p.done.to_string()), ("total", p.total.to_string())],
        )
    }

    fn reason(&self, r: &Reason) -> String {
        reason_text(&self.page.tr, r)
    }

    /// A kind of object in the singular (the problem list's column).
    fn kind(&self, k: &str) -> String {
        self.page.label("import-kind-one", k)
    }
}

/// A problem's reason in the user's language: the message `import-reason-<code>` with the
/// reason's arguments (field names and ids as they are, a kind of object by its name).
pub(crate) fn reason_text(tr: &Tr, r: &Reason) -> String {
    let args: Vec<(&'static str, String)> = r
        .args()
        .into_iter()
        .map(|(name, arg)| {
            let value = match arg {
                Arg::Kind(k) => tr.t(&format!("import-kind-one-{}", k.as_str())),
                other => other.to_string(),
            };
            (name, value)
        })
        .collect();
    tr.targs(
        &format!("import-reason-{}", r.code().replace('_', "-")),
        &args,
    )
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
            running: None,
            max_mb: MAX_UPLOAD_BYTES / (1024 * 1024),
        },
        status,
    )
}

pub async fn page(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    exchange::authorize(&state.db, &a.ctx).await?;
    if let Some(rx) = state.imports.get(a.ctx.actor.staff_id) {
        return answer(&state, a, rx).await;
    }
    Ok(show(a, FormView::default(), None, None, StatusCode::OK))
}

/// The progress of the administrator's running import, or its report once it is there.
pub async fn progress(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    exchange::authorize(&state.db, &a.ctx).await?;
    match state.imports.get(a.ctx.actor.staff_id) {
        Some(rx) => answer(&state, a, rx).await,
        None => Ok(show(a, FormView::default(), None, None, StatusCode::OK)),
    }
}

/// The report of a task that finished within [`WAIT`] (then forgotten), or its progress.
async fn answer(state: &AppState, a: Authed, rx: watch::Receiver<Stage>) -> AppResult<Response> {
    match settle(rx).await {
        Stage::Running(p) => Ok(render_status(
            &ImportTpl {
                page: a.page.at("admin").titled("import-title"),
                form: FormView::default(),
                report: None,
                checked: None,
                running: Some(p),
                max_mb: MAX_UPLOAD_BYTES / (1024 * 1024),
            },
            StatusCode::OK,
        )),
        Stage::Finished { report, digest } => {
            state.imports.forget(a.ctx.actor.staff_id);
            let report = match report.as_ref() {
                Ok(r) => r.clone(),
                Err(e) => return Err(crate::error::AppError(e.clone())),
            };
            let checked = (!report.written && !report.has_problems()).then_some(digest);
            let status = if report.has_problems() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            Ok(show(a, FormView::default(), Some(report), checked, status))
        }
    }
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
    if let Some(rx) = state.imports.get(a.ctx.actor.staff_id)
        && matches!(*rx.borrow(), Stage::Running(_))
    {
        let f = field_error(&a.page, "error-import-running");
        return Ok(show(a, f, None, None, StatusCode::CONFLICT));
    }
    let (tx, rx) = watch::channel(Stage::Running(Progress { done: 0, total: 0 }));
    state.imports.insert(a.ctx.actor.staff_id, rx.clone());
    let (db, ctx, sealer, bytes, metrics) = (
        state.db.clone(),
        a.ctx.clone(),
        state.sealer.clone(),
        bytes.to_vec(),
        state.metrics.clone(),
    );
    tokio::spawn(async move {
        let progress = |p| {
            tx.send_replace(Stage::Running(p));
        };
        let run = exchange::import(&db, &ctx, &sealer, &bytes, dry_run, &progress);
        let job = if dry_run { "import_check" } else { "import" };
        let report = metrics.job(job, run).await;
        tx.send_replace(Stage::Finished {
            report: Arc::new(report),
            digest,
        });
    });
    answer(&state, a, rx).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use ankommen_core::kernel::types::Locale;

    /// Every reason reads in both languages with all its arguments (a misspelt variable would
    /// show as `{$name}`; a missing message as its key).
    #[test]
    fn every_reason_reads_with_its_arguments_in_both_languages() {
        for locale in [Locale::De, Locale::En] {
            let tr = Tr::new(locale);
            for r in Reason::samples() {
                let text = reason_text(&tr, &r);
                assert!(
                    !text.starts_with("import-reason-") && !text.contains('{'),
                    "{locale:?} {}: «{text}»",
                    r.code()
                );
                for (name, arg) in r.args() {
                    let shown = match arg {
                        Arg::Kind(k) => tr.t(&format!("import-kind-one-{}", k.as_str())),
                        other => other.to_string(),
                    };
                    assert!(
                        text.contains(&shown),
                        "{locale:?} {}: {name} ({shown}) missing in «{text}»",
                        r.code()
                    );
                }
            }
        }
    }

    #[test]
    fn a_reason_in_german_and_english() {
        let r = Reason::Dangling {
            field: "household".into(),
            kind: exchange::Kind::Household,
            target: "H9".into(),
        };
        assert_eq!(
            reason_text(&Tr::new(Locale::De), &r),
            "„household“ verweist auf Haushalt „H9“; diese ID gibt es nicht"
        );
        assert_eq!(
            reason_text(&Tr::new(Locale::En), &r),
            "“household” refers to household “H9”, which does not exist"
        );
        let r = Reason::InvalidDate {
            field: "birth_date".into(),
        };
        assert_eq!(
            reason_text(&Tr::new(Locale::De), &r),
            "„birth_date“ ist kein gültiges Datum (JJJJ-MM-TT)"
        );
    }
}
