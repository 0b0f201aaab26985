//! The integration plan of a case: goals and steps, reviews that freeze versions, the comparison
//! of versions, the bilingual print and the signed scan of a version.
//!
//! All URLs hang below `/cases/{id}/plan` and carry only ids.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use ankommen_core::Error;
use ankommen_core::casework::plans::{
    self, Change, Comparison, GoalForm, PlanPrint, PlanView, ReviewForm, ReviewGoalForm, StepForm,
    VersionView,
};
use ankommen_core::kernel::catalog::{GoalStatus, StepOwner};
use ankommen_core::records::consent::{MAX_SCAN_BYTES, Upload};
use ankommen_documents as documents;

use super::consent::UploadForm;
use super::{done, render_status, saved_or_reshown};
use crate::AppState;
use crate::download::file_download;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::ids::{Ids, PathId};
use crate::layers::MAX_UPLOAD_BYTES;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    let upload_limit = DefaultBodyLimit::max(MAX_UPLOAD_BYTES);
    Router::new()
        .route("/cases/{id}/plan", get(show))
        .route("/cases/{id}/plan/goals", post(add_goal))
        .route(
            "/cases/{id}/plan/goals/{gid}",
            get(goal_form).post(update_goal),
        )
        .route("/cases/{id}/plan/goals/{gid}/steps", post(add_step))
        .route(
            "/cases/{id}/plan/steps/{sid}",
            get(step_form).post(update_step),
        )
        .route(
            "/cases/{id}/plan/review",
            get(review_form).post(hold_review),
        )
        .route("/cases/{id}/plan/freeze", post(freeze))
        .route("/cases/{id}/plan/settings", post(settings))
        .route("/cases/{id}/plan/versions/{n}", get(version))
        .route(
            "/cases/{id}/plan/versions/{n}/scan",
            get(download_scan).post(attach_scan).layer(upload_limit),
        )
        .route("/cases/{id}/plan/compare", get(compare))
        .route("/cases/{id}/plan/print", get(print))
}

fn plan_url(case_id: i64) -> String {
    format!("/cases/{case_id}/plan")
}

fn goal_form_of(f: &FormData) -> GoalForm {
    GoalForm {
        field: f.get("field").into(),
        text: f.get("text").into(),
        person: f.get("person").into(),
        priority: f.get("priority").into(),
        target_date: f.get("target_date").into(),
        status: f.get("status").into(),
        status_reason: f.get("status_reason").into(),
    }
}

fn step_form_of(f: &FormData) -> StepForm {
    StepForm {
        text: f.get("step_text").into(),
        owner: f.get("owner").into(),
        third_party: f.get("third_party").into(),
        due_on: f.get("due_on").into(),
        done_on: f.get("done_on").into(),
    }
}

/// Options of a select: (value, label).
type Options = Vec<(String, String)>;

fn field_options(v: &PlanView, page: &Page, current: Option<&str>) -> Options {
    v.fields
        .iter()
        .filter(|f| f.active || Some(f.key.as_str()) == current)
        .map(|f| (f.key.clone(), f.label(page.lang()).to_string()))
        .collect()
}

/// The persons a goal may name: those whose consent covers the plan.
fn person_options(v: &PlanView) -> Options {
    v.goal_persons()
        .map(|p| {
            (
                p.id.to_string(),
                format!("{} {}", p.given_name, p.family_name),
            )
        })
        .collect()
}

fn priority_options(page: &Page) -> Options {
    (1..=3)
        .map(|p| (p.to_string(), page.label("plan-priority", p)))
        .collect()
}

fn status_options(page: &Page) -> Options {
    GoalStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                page.label("goal-status", s.as_str()),
            )
        })
        .collect()
}

fn owner_options(page: &Page) -> Options {
    StepOwner::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), page.label("step-owner", s.as_str())))
        .collect()
}

/// A form language as the print chooser shows it.
pub(super) struct LanguageRow {
    pub(super) code: &'static str,
    pub(super) native_name: String,
    reviewed: bool,
    /// The chooser starts here.
    pub(super) selected: bool,
}

impl LanguageRow {
    /// A translation beside German that no qualified person has reviewed (German alone is the
    /// source text).
    pub(super) fn unreviewed(&self) -> bool {
        self.code != "de" && !self.reviewed
    }
}

/// The warning under the print chooser when the language it starts at is not reviewed.
pub(super) fn print_warning(page: &Page, languages: &[LanguageRow]) -> Option<String> {
    languages
        .iter()
        .find(|l| l.selected && l.unreviewed())
        .map(|l| page.t1("plan-print-warning", "language", page.label("lang", l.code)))
}

/// The print chooser's languages, starting at the first of the client's languages (most useful
/// first) that the forms exist in (German when there is none).
pub(super) fn print_languages(spoken: &[String]) -> Vec<LanguageRow> {
    let preferred = spoken
        .iter()
        .find_map(|code| documents::form_language_for(code))
        .unwrap_or("de");
    documents::languages()
        .into_iter()
        .map(|l| LanguageRow {
            reviewed: l.is_reviewed(),
            selected: l.code == preferred,
            code: l.code,
            native_name: l.native_name,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The plan page

#[derive(Template)]
#[template(path = "plans/plan.html")]
struct PlanTpl {
    page: Page,
    v: PlanView,
    /// Whose plan (`cases/_who.html`).
    who: super::cases::Who,
    /// What the failed form held ("" when none failed).
    form: FormView,
    blank: FormView,
    /// Which form failed: `goal`, `step`, `settings`, `freeze` or "".
    failed: &'static str,
    /// The goal whose step form failed.
    failed_goal: i64,
    fields: Options,
    persons: Options,
    priorities: Options,
    owners: Options,
    languages: Vec<LanguageRow>,
    print_warning: Option<String>,
    review_overdue: bool,
}

impl PlanTpl {
    /// The values of a form of the page: what was typed if it is the one that failed.
    fn fv(&self, which: &str) -> &FormView {
        if self.failed == which {
            &self.form
        } else {
            &self.blank
        }
    }
    /// The step form of a goal.
    fn sf(&self, gid: &i64) -> &FormView {
        if self.failed == "step" && self.failed_goal == *gid {
            &self.form
        } else {
            &self.blank
        }
    }
    /// The id suffix of a goal's step form fields: none on the form that failed (so the error
    /// summary's links reach its fields), the goal id on the others.
    fn sfx(&self, gid: &i64) -> String {
        if self.failed == "step" && self.failed_goal == *gid {
            String::new()
        } else {
            format!("-{gid}")
        }
    }
}

async fn plan_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    failed: &'static str,
    failed_goal: i64,
    status: StatusCode,
) -> AppResult<Response> {
    let v = plans::get(&state.db, &a.ctx, &state.sealer, id).await?;
    let mut page = a.page.at("cases");
    page.title = page.t1("plan-title", "number", &v.case.case_number);
    let review_overdue = v.review_due.is_some_and(|d| d < v.today);
    let languages = print_languages(&v.client_languages());
    let blank = FormView::from_pairs([
        ("owner", StepOwner::Client.as_str().to_string()),
        (
            "review_interval",
            v.own_interval.map(|m| m.to_string()).unwrap_or_default(),
        ),
    ]);
    Ok(render_status(
        &PlanTpl {
            who: super::cases::Who::of(&v.case, &v.persons),
            fields: field_options(&v, &page, None),
            persons: person_options(&v),
            priorities: priority_options(&page),
            owners: owner_options(&page),
            print_warning: print_warning(&page, &languages),
            languages,
            review_overdue,
            page,
            v,
            form,
            blank,
            failed,
            failed_goal,
        },
        status,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    plan_page(&state, a, id, FormView::new(), "", 0, StatusCode::OK).await
}

pub async fn add_goal(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = plans::add_goal(&state.db, &a.ctx, &state.sealer, id, &goal_form_of(&form))
        .await
        .map(|gid| {
            done(
                &format!("{}#goal-{gid}", plan_url(id)),
                "plan-flash-goal-added",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| plan_page(&state, a, id, view, "goal", 0, status),
    )
    .await
}

pub async fn add_step(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, gid)): Ids<(i64, i64)>,
    form: FormData,
) -> AppResult<Response> {
    let saved = plans::add_step(
        &state.db,
        &a.ctx,
        &state.sealer,
        id,
        gid,
        &step_form_of(&form),
    )
    .await
    .map(|_| {
        done(
            &format!("{}#goal-{gid}", plan_url(id)),
            "plan-flash-step-added",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| plan_page(&state, a, id, view, "step", gid, status),
    )
    .await
}

pub async fn freeze(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version_in("plan_version") {
        Ok(pv) => plans::freeze(&state.db, &a.ctx, &state.sealer, id, pv).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|n| {
        done(
            &format!("{}/versions/{n}", plan_url(id)),
            "plan-flash-frozen",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| plan_page(&state, a, id, view, "freeze", 0, status),
    )
    .await
}

pub async fn settings(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version_in("plan_version") {
        Ok(pv) => plans::set_interval(&state.db, &a.ctx, id, pv, form.get("review_interval")).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &plan_url(id),
            "plan-flash-settings",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| plan_page(&state, a, id, view, "settings", 0, status),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Editing a goal

#[derive(Template)]
#[template(path = "plans/goal.html")]
struct GoalTpl {
    page: Page,
    v: PlanView,
    gid: i64,
    form: FormView,
    fields: Options,
    persons: Options,
    priorities: Options,
    statuses: Options,
}

async fn goal_page(
    state: &AppState,
    a: Authed,
    id: i64,
    gid: i64,
    form: Option<FormView>,
    status: StatusCode,
) -> AppResult<Response> {
    let v = plans::get(&state.db, &a.ctx, &state.sealer, id).await?;
    // Its pages say why (a consent is missing) instead of showing an empty form.
    v.scope.require()?;
    let Some(g) = v.goal(gid) else {
        return Err(AppError(Error::NotFound));
    };
    let g = &g.goal;
    let form = form.unwrap_or_else(|| {
        FormView::from_pairs([
            ("field", g.field_key.clone()),
            (
                "person",
                g.person_id.map(|p| p.to_string()).unwrap_or_default(),
            ),
            (
                "priority",
                g.priority.map(|p| p.to_string()).unwrap_or_default(),
            ),
            (
                "target_date",
                g.target_date.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("status", g.status.clone()),
            ("version", g.version.to_string()),
        ])
        .with_sealed("text", Some(&g.text), &a.page.tr)
        .with_sealed("status_reason", g.status_reason.as_ref(), &a.page.tr)
    });
    let mut page = a.page.at("cases");
    page.title = page.t("plan-goal-edit-title");
    let fields = field_options(&v, &page, Some(&g.field_key));
    Ok(render_status(
        &GoalTpl {
            fields,
            persons: person_options(&v),
            priorities: priority_options(&page),
            statuses: status_options(&page),
            page,
            v,
            gid,
            form,
        },
        status,
    ))
}

pub async fn goal_form(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, gid)): Ids<(i64, i64)>,
) -> AppResult<Response> {
    goal_page(&state, a, id, gid, None, StatusCode::OK).await
}

pub async fn update_goal(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, gid)): Ids<(i64, i64)>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version() {
        Ok(ver) => {
            plans::update_goal(
                &state.db,
                &a.ctx,
                &state.sealer,
                id,
                gid,
                ver,
                &goal_form_of(&form),
            )
            .await
        }
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &format!("{}#goal-{gid}", plan_url(id)),
            "plan-flash-goal-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| goal_page(&state, a, id, gid, Some(view), status),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Editing a step

#[derive(Template)]
#[template(path = "plans/step.html")]
struct StepTpl {
    page: Page,
    v: PlanView,
    sid: i64,
    goal_text: String,
    form: FormView,
    owners: Options,
}

async fn step_page(
    state: &AppState,
    a: Authed,
    id: i64,
    sid: i64,
    form: Option<FormView>,
    status: StatusCode,
) -> AppResult<Response> {
    let v = plans::get(&state.db, &a.ctx, &state.sealer, id).await?;
    // Its pages say why (a consent is missing) instead of showing an empty form.
    v.scope.require()?;
    let Some((g, s)) = v.step(sid) else {
        return Err(AppError(Error::NotFound));
    };
    let goal_text = a.page.sealed(&g.goal.text);
    let s = &s.step;
    let form = form.unwrap_or_else(|| {
        FormView::from_pairs([
            ("owner", s.owner.clone()),
            ("third_party", s.third_party.clone().unwrap_or_default()),
            (
                "due_on",
                s.due_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "done_on",
                s.done_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("version", s.version.to_string()),
        ])
        .with_sealed("step_text", Some(&s.text), &a.page.tr)
    });
    let mut page = a.page.at("cases");
    page.title = page.t("plan-step-edit-title");
    Ok(render_status(
        &StepTpl {
            owners: owner_options(&page),
            page,
            v,
            sid,
            goal_text,
            form,
        },
        status,
    ))
}

pub async fn step_form(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, sid)): Ids<(i64, i64)>,
) -> AppResult<Response> {
    step_page(&state, a, id, sid, None, StatusCode::OK).await
}

pub async fn update_step(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, sid)): Ids<(i64, i64)>,
    form: FormData,
) -> AppResult<Response> {
    let mut input = step_form_of(&form);
    // "Done today": the quick button of the plan page and the step form (it sends "1").
    let done_today = form
        .flag("done_today", "1")
        .map_err(|_| Error::field("done_on", "error-choice"));
    if done_today.as_ref().is_ok_and(|d| *d) && input.done_on.trim().is_empty() {
        input.done_on = a.ctx.today().to_string();
    }
    let result = match (done_today, form.version()) {
        (Ok(_), Ok(ver)) => {
            plans::update_step(&state.db, &a.ctx, &state.sealer, id, sid, ver, &input).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &plan_url(id),
            "plan-flash-step-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| step_page(&state, a, id, sid, Some(view), status),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Reviews

#[derive(Template)]
#[template(path = "plans/review.html")]
struct ReviewTpl {
    page: Page,
    v: PlanView,
    form: FormView,
    statuses: Options,
}

impl ReviewTpl {
    fn val(&self, prefix: &str, gid: &i64) -> &str {
        self.form.v(&format!("{prefix}_{gid}"))
    }
}

async fn review_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: Option<FormView>,
    status: StatusCode,
) -> AppResult<Response> {
    let v = plans::get(&state.db, &a.ctx, &state.sealer, id).await?;
    // Its pages say why (a consent is missing) instead of showing an empty form.
    v.scope.require()?;
    let form = form.unwrap_or_else(|| {
        FormView::from_pairs([
            ("held_on", v.today.to_string()),
            ("plan_version", v.plan_version().to_string()),
        ])
    });
    let mut page = a.page.at("cases");
    page.title = page.t("plan-review-title");
    Ok(render_status(
        &ReviewTpl {
            statuses: status_options(&page),
            page,
            v,
            form,
        },
        status,
    ))
}

pub async fn review_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    review_page(&state, a, id, None, StatusCode::OK).await
}

pub async fn hold_review(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    // The goals the form lists (hidden fields): an id that is not a number is a broken form, not
    // one to skip (the core refuses ids that are not the plan's).
    let goal_ids: Result<Vec<i64>, Error> = form
        .all("goal")
        .iter()
        .map(|g| {
            g.trim()
                .parse::<i64>()
                .map_err(|_| Error::field("form", "error-form"))
        })
        .collect();
    let result = match (goal_ids, form.version_in("plan_version")) {
        (Ok(ids), Ok(pv)) => {
            let input = ReviewForm {
                held_on: form.get("held_on").into(),
                participants: form.get("participants").into(),
                summary: form.get("summary").into(),
                changes: form.get("changes").into(),
                goals: ids
                    .into_iter()
                    .map(|gid| ReviewGoalForm {
                        goal_id: gid,
                        assessment: form.get(&format!("assessment_{gid}")).into(),
                        status: form.get(&format!("status_{gid}")).into(),
                        status_reason: form.get(&format!("reason_{gid}")).into(),
                    })
                    .collect(),
            };
            plans::hold_review(&state.db, &a.ctx, &state.sealer, id, pv, &input).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let saved = result.map(|n| {
        done(
            &format!("{}/versions/{n}", plan_url(id)),
            "plan-flash-review",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| review_page(&state, a, id, Some(view), status),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Versions, comparison

#[derive(Template)]
#[template(path = "plans/version.html")]
struct VersionTpl {
    page: Page,
    vv: VersionView,
    form: FormView,
    max_mb: usize,
    languages: Vec<LanguageRow>,
    print_warning: Option<String>,
}

impl VersionTpl {
    fn person_name(&self, id: &Option<i64>) -> Option<String> {
        let id = (*id)?;
        self.vv
            .plan
            .persons
            .iter()
            .find(|p| p.id == id)
            .map(|p| format!("{} {}", p.given_name, p.family_name))
    }
    fn goal_text(&self, id: &i64) -> String {
        self.vv
            .snapshot
            .goals
            .iter()
            .find(|g| g.id == *id)
            .map(|g| g.text.clone())
            .unwrap_or_default()
    }
}

async fn version_page(
    state: &AppState,
    a: Authed,
    id: i64,
    n: i32,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let vv = plans::version(&state.db, &a.ctx, &state.sealer, id, n).await?;
    let mut page = a.page.at("cases");
    page.title = page.t1("plan-version-title", "number", n.to_string());
    let languages = print_languages(&vv.plan.client_languages());
    let print_warning = print_warning(&page, &languages);
    Ok(render_status(
        &VersionTpl {
            page,
            vv,
            form,
            max_mb: MAX_SCAN_BYTES / (1024 * 1024),
            print_warning,
            languages,
        },
        status,
    ))
}

pub async fn version(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, n)): Ids<(i64, i32)>,
) -> AppResult<Response> {
    version_page(&state, a, id, n, FormView::new(), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

/// One difference as shown.
struct ChangeRow {
    text: String,
}

struct DiffRow {
    goal_id: i64,
    kind: &'static str,
    field: String,
    text: String,
    changes: Vec<ChangeRow>,
}

#[derive(Template)]
#[template(path = "plans/compare.html")]
struct CompareTpl {
    page: Page,
    c: Comparison,
    rows: Vec<DiffRow>,
    b_value: String,
}

fn change_text(page: &Page, ch: &Change) -> String {
    let date = |d: &Option<chrono::NaiveDate>| page.date_opt(*d);
    let st = |s: &str| page.label("goal-status", s);
    match ch {
        Change::Text { from, to } => format!("{}: „{from}“ → „{to}“", page.t("plan-diff-text")),
        Change::Field { from, to } => format!("{}: {from} → {to}", page.t("plan-diff-field")),
        Change::Status { from, to } => {
            format!("{}: {} → {}", page.t("plan-diff-status"), st(from), st(to))
        }
        Change::TargetDate { from, to } => format!(
            "{}: {} → {}",
            page.t("plan-diff-target"),
            date(from),
            date(to)
        ),
        Change::Priority { from, to } => {
            let p = |x: &Option<i32>| {
                x.map(|p| page.label("plan-priority", p))
                    .unwrap_or_else(|| "–".into())
            };
            format!("{}: {} → {}", page.t("plan-diff-priority"), p(from), p(to))
        }
        Change::StepAdded { text } => format!("{}: {text}", page.t("plan-diff-step-added")),
        Change::StepRemoved { text } => format!("{}: {text}", page.t("plan-diff-step-removed")),
        Change::StepDone { text, on } => format!(
            "{}: {text} ({})",
            page.t("plan-diff-step-done"),
            page.date(on)
        ),
        Change::StepReopened { text } => {
            format!("{}: {text}", page.t("plan-diff-step-reopened"))
        }
        Change::StepChanged { from, to } => {
            format!("{}: „{from}“ → „{to}“", page.t("plan-diff-step-changed"))
        }
        Change::StepDue { text, from, to } => format!(
            "{}: {text}: {} → {}",
            page.t("plan-diff-step-due"),
            date(from),
            date(to)
        ),
    }
}

pub async fn compare(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    Query(q): Query<CompareQuery>,
) -> AppResult<Response> {
    let a_n: i32 = q.a.trim().parse().map_err(|_| AppError(Error::NotFound))?;
    let b_n: Option<i32> = match q.b.trim() {
        "" | "current" => None,
        s => Some(s.parse().map_err(|_| AppError(Error::NotFound))?),
    };
    let c = plans::compare(&state.db, &a.ctx, &state.sealer, id, a_n, b_n).await?;
    let mut page = a.page.at("cases");
    page.title = page.t("plan-compare-title");
    let lang = page.lang();
    let rows = c
        .diffs
        .iter()
        .map(|d| DiffRow {
            goal_id: d.goal_id,
            kind: d.kind.as_str(),
            field: c.plan.field_label(&d.field, lang),
            text: d.text.clone(),
            changes: d
                .changes
                .iter()
                .map(|ch| {
                    let ch = match ch {
                        Change::Field { from, to } => Change::Field {
                            from: c.plan.field_label(from, lang),
                            to: c.plan.field_label(to, lang),
                        },
                        other => other.clone(),
                    };
                    ChangeRow {
                        text: change_text(&page, &ch),
                    }
                })
                .collect(),
        })
        .collect();
    let b_value = b_n.map_or_else(|| "current".to_string(), |n| n.to_string());
    Ok(render_status(
        &CompareTpl {
            page,
            c,
            rows,
            b_value,
        },
        StatusCode::OK,
    ))
}

// ---------------------------------------------------------------------------------------------
// Print and the signed scan

#[derive(Debug, Default, Deserialize)]
pub struct PrintQuery {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    version: String,
}

fn plan_document(p: PlanPrint) -> documents::PlanForm {
    let mut persons = p.persons.into_iter();
    let client = persons.next();
    let name_of = |id: Option<i64>| {
        id.and_then(|id| {
            p.person_names
                .iter()
                .find(|(pid, _)| *pid == id)
                .map(|(_, n)| n.clone())
        })
    };
    let goals = p
        .snapshot
        .goals
        .iter()
        .map(|g| documents::PlanGoal {
            field: g.field.clone(),
            field_label_de: ankommen_core::administration::fields::label(&p.fields, &g.field, "de")
                .to_string(),
            person: name_of(g.person),
            text: g.text.clone(),
            priority: g.priority,
            target_date: g.target_date,
            status: g.status.clone(),
            status_reason: g.status_reason.clone(),
            steps: g
                .steps
                .iter()
                .map(|s| documents::PlanStep {
                    text: s.text.clone(),
                    owner: s.owner.clone(),
                    third_party: s.third_party.clone(),
                    due_on: s.due_on,
                    done_on: s.done_on,
                })
                .collect(),
        })
        .collect();
    documents::PlanForm {
        client: client
            .as_ref()
            .map(|c| documents::Party {
                name: c.full_name(),
                name_original: c.name_original.clone(),
                birth: c.birth.clone(),
            })
            .unwrap_or_else(|| documents::Party {
                name: String::new(),
                name_original: None,
                birth: String::new(),
            }),
        members: persons.map(|m| m.full_name()).collect(),
        organisation: p.issuer.organisation,
        im_name: p.issuer.im_name,
        municipality: p.issuer.municipality,
        case_number: p.case_number,
        version: p.version,
        frozen_on: p.frozen_on,
        review_on: p.review_on,
        next_review: p.next_review,
        goals,
        date: p.date,
    }
}

pub async fn print(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    Query(q): Query<PrintQuery>,
) -> AppResult<Response> {
    let lang = match q.lang.trim() {
        "" => "de".to_string(),
        l if documents::is_supported(l) => l.to_string(),
        _ => return Err(AppError(Error::NotFound)),
    };
    let version = match q.version.trim() {
        "" | "current" => None,
        s => Some(i32::parse_id(s).ok_or(AppError(Error::NotFound))?),
    };
    let data = plans::print_data(&state.db, &a.ctx, &state.sealer, id, version).await?;
    let form = plan_document(data);
    let file_name = match version {
        Some(n) => format!("integrationsplan-{id}-fassung-{n}-{lang}.pdf"),
        None => format!("integrationsplan-{id}-{lang}.pdf"),
    };
    let bytes = tokio::task::spawn_blocking(move || documents::plan_pdf(&lang, &form))
        .await
        .map_err(|e| Error::Internal(format!("PDF task: {e}")))?
        .map_err(|e| match e {
            documents::DocumentError::UnsupportedLanguage => Error::NotFound,
            other => Error::Internal(other.to_string()),
        })?;
    Ok(file_download(bytes, "application/pdf", &file_name))
}

pub async fn attach_scan(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, n)): Ids<(i64, i32)>,
    upload: UploadForm,
) -> AppResult<Response> {
    let result = if upload.too_large {
        Err(Error::field("scan", "error-scan-too-large"))
    } else {
        match upload.scan {
            Some(bytes) => {
                plans::attach_scan(&state.db, &a.ctx, &state.sealer, id, n, Upload { bytes }).await
            }
            None => Err(Error::field("scan", "error-required")),
        }
    };
    let saved = result.map(|()| {
        done(
            &format!("{}/versions/{n}", plan_url(id)),
            "plan-flash-scan",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, FormView::new(), a.page.tr, |view, status| {
        version_page(&state, a, id, n, view, status)
    })
    .await
}

pub async fn download_scan(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, n)): Ids<(i64, i32)>,
) -> AppResult<Response> {
    let d = plans::scan(&state.db, &a.ctx, &state.sealer, id, n).await?;
    Ok(file_download(d.bytes, &d.content_type, &d.file_name))
}
