//! Language-course registrations from a case (issue 23, decision 0032): the form, the status (with
//! the German-level outcome in one step), the rows the case page lists, and the coordinator's
//! waiting list. Wishes and constraints travel only in POST bodies and pages, never in a URL.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::casework::courses::{self, FormChoices, RegistrationForm, StatusForm};
use ankommen_core::casework::figures::disclosure::Cell;
use ankommen_core::kernel::catalog::{CourseStatus, CourseType, GermanLevel};

use super::{done, full_name, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{id}/courses/new",
            get(new_registration).post(create_registration),
        )
        .route("/courses/{id}/status", post(course_status))
        .route("/courses/waiting", get(waiting_list))
}

#[derive(Template)]
#[template(path = "network/course_form.html")]
struct CourseTpl {
    page: Page,
    form: FormView,
    case_id: i64,
    case_number: String,
    services: Vec<(String, String)>,
    persons: Vec<(String, String)>,
    course_types: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    today: String,
}

fn registration_form(f: &FormData) -> RegistrationForm {
    RegistrationForm {
        service: f.get("service").into(),
        person: f.get("person").into(),
        date: f.get("date").into(),
        course_type: f.get("course_type").into(),
        level: f.get("level").into(),
        wish: f.get("wish").into(),
        childcare: f.get("childcare").into(),
        times: f.get("times").into(),
    }
}

/// The course types with their labels.
pub(super) fn course_types(page: &Page) -> Vec<(String, String)> {
    CourseType::ALL
        .iter()
        .map(|t| (t.to_string(), page.label("course-type", t)))
        .collect()
}

/// The CEFR levels A1..C2.
pub(super) fn levels() -> Vec<(String, String)> {
    GermanLevel::ALL
        .iter()
        .filter(|l| **l != GermanLevel::None)
        .map(|l| (l.to_string(), l.to_string()))
        .collect()
}

fn course_page(a: Authed, ch: FormChoices, form: FormView, status: StatusCode) -> Response {
    let mut page = a.page.at("cases");
    page.title = page.t("course-new-title");
    let tpl = CourseTpl {
        form,
        case_id: ch.case.id,
        case_number: ch.case.case_number.clone(),
        services: ch
            .services
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    format!(
                        "{} ({})",
                        s.name,
                        page.label("recipient-category", &s.category)
                    ),
                )
            })
            .collect(),
        persons: ch
            .persons
            .iter()
            .map(|p| (p.id.to_string(), full_name(p)))
            .collect(),
        course_types: course_types(&page),
        levels: levels(),
        today: a.ctx.today().to_string(),
        page,
    };
    render_status(&tpl, status)
}

/// `GET /cases/{id}/courses/new`
async fn new_registration(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let ch = courses::new_form(&state.db, &a.ctx, id).await?;
    let mut pairs = vec![("date".to_string(), a.ctx.today().to_string())];
    if let [only] = ch.persons.as_slice() {
        pairs.push(("person".into(), only.id.to_string()));
    }
    if let [only] = ch.services.as_slice() {
        pairs.push(("service".into(), only.id.to_string()));
    }
    Ok(course_page(
        a,
        ch,
        FormView::from_pairs(pairs),
        StatusCode::OK,
    ))
}

/// `POST /cases/{id}/courses/new`
async fn create_registration(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = courses::register(&state.db, &a.ctx, id, &registration_form(&form))
        .await
        .map(|_| {
            done(
                &format!("/cases/{id}#courses"),
                "course-flash-registered",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let ch = courses::new_form(&state.db, &a.ctx, id).await?;
            Ok(course_page(a, ch, view, status))
        },
    )
    .await
}

/// `POST /courses/{id}/status`: from the case page. Bad input is said on the case page, beside
/// the registrations, the typed values kept.
async fn course_status(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(AppError)?;
    let input = StatusForm {
        status: form.get("status").into(),
        on: form.get("on").into(),
        level_achieved: form.get("level_achieved").into(),
        record_outcome: form.get("record_outcome").into(),
    };
    match courses::set_status(&state.db, &a.ctx, id, version, &input).await {
        Ok(changed) => Ok(done(
            &format!("/cases/{}#courses", changed.case_id),
            if changed.outcome_id.is_some() {
                "course-flash-outcome"
            } else {
                "course-flash-status"
            },
            state.config.secure_cookies,
        )),
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let message = match &e {
                Error::Invalid(fe) => {
                    fe.0.iter()
                        .map(|x| {
                            let label = match x.field {
                                "on" => "course-status-on",
                                "level_achieved" => "course-level-achieved",
                                "record_outcome" => "course-record-outcome",
                                _ => "course-status",
                            };
                            format!("{}: {}", a.page.t(label), a.page.t(x.key))
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                }
                Error::Conflict(key) => a.page.t(key),
                _ => String::new(),
            };
            let Ok(case_id) = form.get("case").trim().parse::<i64>() else {
                return Err(AppError(e));
            };
            let status = crate::error::status_of(&e);
            let mut pairs = super::cases::defaults(&a);
            for k in ["status", "on", "level_achieved", "record_outcome"] {
                pairs.push((format!("course-{id}-{k}"), form.get(k).to_string()));
            }
            pairs.push(("course_failed".into(), id.to_string()));
            let view = FormView::from_pairs(pairs).with_general(message);
            super::cases::case_page(&state, a, case_id, view, "course_status", status).await
        }
        Err(e) => Err(AppError(e)),
    }
}

/// A registration as the case page lists it.
pub(super) struct CourseRow {
    pub id: i64,
    pub version: i32,
    pub person: String,
    pub service: String,
    pub course_type: String,
    pub level_aimed: String,
    pub wish: String,
    pub childcare: bool,
    pub times: String,
    pub status: String,
    /// "registered 05.01.2026 · waiting 20.01.2026 · …"
    pub history: String,
    pub level_achieved: String,
    /// The status form's values: as typed when it failed, else the current status and today.
    pub f_status: String,
    pub f_on: String,
    pub f_level: String,
    pub f_outcome: bool,
}

/// The case page's registration rows.
pub(super) fn course_rows(
    page: &Page,
    view: &ankommen_core::casework::cases::CaseView,
    form: &FormView,
    today: chrono::NaiveDate,
) -> Vec<CourseRow> {
    view.courses
        .iter()
        .map(|c| (&c.registration, &c.service_name))
        .map(|(r, service)| CourseRow {
            id: r.id,
            version: r.version,
            person: view
                .persons
                .iter()
                .find(|p| p.id == r.person_id)
                .map(full_name)
                .unwrap_or_default(),
            service: service.clone(),
            course_type: page.label("course-type", &r.course_type),
            level_aimed: r.level_aimed.clone(),
            wish: r.wish.clone().unwrap_or_default(),
            childcare: r.childcare_needed,
            times: r.preferred_times.clone().unwrap_or_default(),
            status: page.label("course-status", &r.status),
            history: courses::history(r)
                .iter()
                .map(|(s, d)| format!("{} {}", page.label("course-status", s), page.date(*d)))
                .collect::<Vec<_>>()
                .join(" · "),
            level_achieved: r.level_achieved.clone().unwrap_or_default(),
            ..typed(form, r.id, &r.status, today)
        })
        .collect()
}

/// The status form's values of one row (the rest of the row left empty).
fn typed(form: &FormView, id: i64, status: &str, today: chrono::NaiveDate) -> CourseRow {
    let failed = form.v("course_failed") == id.to_string();
    let v = |k: &str| form.v(&format!("course-{id}-{k}")).to_string();
    CourseRow {
        id,
        version: 0,
        person: String::new(),
        service: String::new(),
        course_type: String::new(),
        level_aimed: String::new(),
        wish: String::new(),
        childcare: false,
        times: String::new(),
        status: String::new(),
        history: String::new(),
        level_achieved: String::new(),
        f_status: if failed { v("status") } else { status.into() },
        f_on: if failed { v("on") } else { today.to_string() },
        f_level: if failed {
            v("level_achieved")
        } else {
            String::new()
        },
        f_outcome: failed && v("record_outcome") == "yes",
    }
}

/// The statuses a registration can move to (for the case page's form).
pub(super) fn status_choices(page: &Page) -> Vec<(String, String)> {
    CourseStatus::ALL
        .iter()
        .map(|s| (s.to_string(), page.label("course-status", s)))
        .collect()
}

#[derive(Template)]
#[template(path = "network/course_waiting.html")]
struct WaitingTpl {
    page: Page,
    columns: Vec<String>,
    /// (municipality, cells) and the total row.
    rows: Vec<(String, Vec<String>)>,
    total: Vec<String>,
    named: Vec<(String, String, String, String)>,
}

fn cell(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Count(n)) => n.to_string(),
        Some(Cell::Small) => "< 5".into(),
        Some(Cell::Hidden) => "x".into(),
        None => "0".into(),
    }
}

/// `GET /courses/waiting`: the coordinator's waiting list.
async fn waiting_list(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let w = courses::waiting_list(&state.db, &a.ctx).await?;
    let mut page = a.page.at("courses");
    page.title = page.t("course-waiting-title");
    let keys: Vec<&str> = CourseType::ALL.iter().map(|t| t.as_str()).collect();
    let name_of = |ags: &str| {
        w.municipalities
            .get(ags)
            .cloned()
            .unwrap_or(ags.to_string())
    };
    let rows = w
        .table
        .by_municipality
        .iter()
        .map(|(ags, cells)| {
            (
                name_of(ags),
                keys.iter().map(|k| cell(cells.get(*k))).collect(),
            )
        })
        .collect();
    let total = keys.iter().map(|k| cell(w.table.total.get(*k))).collect();
    let named = w
        .named
        .iter()
        .map(|n| {
            (
                n.name.clone(),
                page.label("course-type", &n.course_type),
                name_of(&n.municipality_ags),
                page.date(n.since),
            )
        })
        .collect();
    Ok(render(&WaitingTpl {
        columns: CourseType::ALL
            .iter()
            .map(|t| page.label("course-type", t))
            .collect(),
        rows,
        total,
        named,
        page,
    }))
}
