//! Outcomes per person: the current state and the history, recording, correcting and deleting a
//! wrong record.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::casework::outcomes::{self, OutcomeForm, OutcomesView};
use ankommen_core::kernel::catalog::{
    ChildcarePlace, CourseType, EmploymentType, GermanLevel, OutcomeType,
};
use ankommen_store::entities::outcome;

use super::full_name;
use super::{done, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clients/{id}/outcomes", get(list).post(create))
        .route("/outcomes/{id}", get(edit_form).post(update))
        .route("/outcomes/{id}/delete", post(delete))
}

/// The type-specific facts of a record, in one line.
pub(crate) fn describe(page: &Page, o: &outcome::Model) -> String {
    let mut parts: Vec<String> = vec![page.t1("outcome-since", "date", page.date(o.outcome_date))];
    if let Some(l) = &o.level {
        parts.push(page.label("german-level", l));
    }
    if let Some(c) = o.certificate {
        parts.push(page.t(if c {
            "outcome-certificate-yes"
        } else {
            "outcome-certificate-no"
        }));
    }
    if let Some(c) = &o.course {
        parts.push(page.label("course-type", c));
    }
    if let Some(e) = &o.employment_type {
        parts.push(page.label("employment-type", e));
    }
    if let Some(p) = &o.place {
        parts.push(page.label("childcare-place", p));
    }
    if let Some(u) = o.until_date {
        parts.push(page.t1("outcome-until-date", "date", page.date(u)));
    } else if OutcomeType::parse(&o.outcome_type).is_ok_and(outcomes::has_until) {
        parts.push(page.t("outcome-ongoing"));
    }
    parts.join(", ")
}

/// One record, ready to show.
pub(crate) struct OutcomeRow {
    pub id: i64,
    pub date: String,
    pub kind: String,
    pub facts: String,
}

fn row(page: &Page, o: &outcome::Model) -> OutcomeRow {
    OutcomeRow {
        id: o.id,
        date: page.date(o.outcome_date),
        kind: page.label("outcome-type", &o.outcome_type),
        facts: describe(page, o),
    }
}

/// What the record page and the outcomes page show: the current state and the history.
pub(crate) struct OutcomeSection {
    pub person_id: i64,
    pub consent_active: bool,
    pub current: Vec<OutcomeRow>,
    pub history: Vec<OutcomeRow>,
}

fn section(page: &Page, v: &OutcomesView) -> OutcomeSection {
    let c = &v.current;
    let current = c
        .german_level
        .iter()
        .chain(c.ongoing.iter())
        .chain(c.rental_contract.iter())
        .chain(c.benefits_independent.iter())
        .chain(c.childcare_school.iter())
        .map(|o| row(page, o))
        .collect();
    OutcomeSection {
        person_id: v.person.id,
        consent_active: v.consent_active,
        current,
        history: v.records.iter().map(|o| row(page, o)).collect(),
    }
}

/// The outcomes section of the client record (`outcomes/_record.html`).
pub(crate) async fn record_section(
    state: &AppState,
    a: &Authed,
    person_id: i64,
) -> AppResult<OutcomeSection> {
    let v = outcomes::list(&state.db, &a.ctx, person_id).await?;
    Ok(section(&a.page, &v))
}

/// The value lists of the outcome form.
pub(crate) struct Choices {
    types: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    courses: Vec<(String, String)>,
    employment: Vec<(String, String)>,
    places: Vec<(String, String)>,
}

fn choices(page: &Page) -> Choices {
    fn l<T: std::fmt::Display>(page: &Page, list: &str, all: &[T]) -> Vec<(String, String)> {
        all.iter()
            .map(|v| (v.to_string(), page.label(list, v)))
            .collect()
    }
    Choices {
        types: l(page, "outcome-type", OutcomeType::ALL),
        levels: l(
            page,
            "german-level",
            &GermanLevel::ALL
                .iter()
                .copied()
                .filter(|g| *g != GermanLevel::None)
                .collect::<Vec<_>>(),
        ),
        courses: l(page, "course-type", CourseType::ALL),
        employment: l(page, "employment-type", EmploymentType::ALL),
        places: l(page, "childcare-place", ChildcarePlace::ALL),
    }
}

fn form_of(f: &FormData) -> OutcomeForm {
    OutcomeForm {
        outcome_type: f.get("outcome_type").into(),
        date: f.get("date").into(),
        level: f.get("level").into(),
        certificate: f.get("certificate").into(),
        course: f.get("course").into(),
        employment_type: f.get("employment_type").into(),
        until: f.get("until").into(),
        place: f.get("place").into(),
    }
}

#[derive(Template)]
#[template(path = "outcomes/list.html")]
struct ListTpl {
    page: Page,
    name: String,
    s: OutcomeSection,
    form: FormView,
    c: Choices,
}

async fn list_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let v = outcomes::list(&state.db, &a.ctx, id).await?;
    let mut page = a.page.at("cases");
    page.title = page.t("outcome-title");
    let s = section(&page, &v);
    Ok(render_status(
        &ListTpl {
            name: full_name(&v.person),
            c: choices(&page),
            s,
            form,
            page,
        },
        status,
    ))
}

/// `GET /clients/{id}/outcomes`
pub async fn list(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let form = FormView::from_pairs([("date", a.ctx.today().to_string())]);
    list_page(&state, a, id, form, StatusCode::OK).await
}

/// `POST /clients/{id}/outcomes`
pub async fn create(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = outcomes::record(&state.db, &a.ctx, id, &form_of(&form))
        .await
        .map(|_| {
            done(
                &format!("/clients/{id}/outcomes"),
                "outcome-flash-recorded",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| list_page(&state, a, id, view, status),
    )
    .await
}

#[derive(Template)]
#[template(path = "outcomes/edit.html")]
struct EditTpl {
    page: Page,
    id: i64,
    person_id: i64,
    name: String,
    form: FormView,
    c: Choices,
}

/// `GET /outcomes/{id}`
pub async fn edit_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let (o, p) = outcomes::get(&state.db, &a.ctx, id).await?;
    let d = |v: Option<chrono::NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
    let form = FormView::from_pairs([
        ("outcome_type", o.outcome_type.clone()),
        ("date", o.outcome_date.to_string()),
        ("level", o.level.clone().unwrap_or_default()),
        (
            "certificate",
            if o.certificate == Some(true) {
                "yes"
            } else {
                ""
            }
            .to_string(),
        ),
        ("course", o.course.clone().unwrap_or_default()),
        (
            "employment_type",
            o.employment_type.clone().unwrap_or_default(),
        ),
        ("until", d(o.until_date)),
        ("place", o.place.clone().unwrap_or_default()),
        ("version", o.version.to_string()),
    ]);
    let mut page = a.page.at("cases");
    page.title = page.t("outcome-edit-title");
    Ok(render_status(
        &EditTpl {
            id,
            person_id: p.id,
            name: full_name(&p),
            c: choices(&page),
            form,
            page,
        },
        StatusCode::OK,
    ))
}

/// `POST /outcomes/{id}`
pub async fn update(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version() {
        Ok(v) => outcomes::update(&state.db, &a.ctx, id, v, &form_of(&form)).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|person_id| {
        done(
            &format!("/clients/{person_id}/outcomes"),
            "outcome-flash-updated",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let (_, p) = outcomes::get(&state.db, &a.ctx, id).await?;
            let mut page = a.page.at("cases");
            page.title = page.t("outcome-edit-title");
            Ok(render_status(
                &EditTpl {
                    id,
                    person_id: p.id,
                    name: full_name(&p),
                    c: choices(&page),
                    form: view,
                    page,
                },
                status,
            ))
        },
    )
    .await
}

/// `POST /outcomes/{id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version()?;
    let person_id = outcomes::delete(&state.db, &a.ctx, id, version).await?;
    Ok(done(
        &format!("/clients/{person_id}/outcomes"),
        "outcome-flash-deleted",
        state.config.secure_cookies,
    ))
}
