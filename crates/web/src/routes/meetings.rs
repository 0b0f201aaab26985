//! Network meetings (issue 23, decision 0032): the coordinator's list and form (with the minutes),
//! a meeting's page with its agenda questions, and the IMs' question form.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::administration::meetings::{self, Choices, MeetingForm, MeetingView};
use ankommen_store::entities::meeting;

use super::{done, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list))
        .route("/meetings/new", get(new_meeting).post(create_meeting))
        .route("/meetings/{id}", get(show))
        .route(
            "/meetings/{id}/edit",
            get(edit_meeting).post(update_meeting),
        )
        .route("/meetings/{id}/questions", post(ask))
}

/// A meeting as lists show it.
pub(super) struct MeetingRow {
    pub id: i64,
    pub date: String,
    pub time: String,
    pub place: String,
    pub topic: String,
}

pub(super) fn meeting_row(page: &Page, m: &meeting::Model) -> MeetingRow {
    MeetingRow {
        id: m.id,
        date: page.date(m.meeting_date),
        time: m.starts_at.clone(),
        place: m.place.clone(),
        topic: m.topic.clone(),
    }
}

#[derive(Template)]
#[template(path = "network/meetings.html")]
struct ListTpl {
    page: Page,
    meetings: Vec<MeetingRow>,
    may_plan: bool,
}

/// `GET /meetings`
async fn list(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let all = meetings::list(&state.db, &a.ctx).await?;
    let mut page = a.page.at("meetings");
    page.title = page.t("meetings-title");
    Ok(render(&ListTpl {
        meetings: all.iter().map(|m| meeting_row(&page, m)).collect(),
        may_plan: a.ctx.allows(
            ankommen_core::kernel::policy::Action::PlanMeetings,
            &ankommen_core::kernel::policy::Resource::Deployment,
        ),
        page,
    }))
}

#[derive(Template)]
#[template(path = "network/meeting_form.html")]
struct FormTpl {
    page: Page,
    form: FormView,
    /// None: a new meeting.
    id: Option<i64>,
    version: i32,
    services: Vec<(String, String)>,
    staff: Vec<(String, String)>,
}

fn meeting_form(f: &FormData) -> MeetingForm {
    MeetingForm {
        date: f.get("date").into(),
        time: f.get("time").into(),
        place: f.get("place").into(),
        topic: f.get("topic").into(),
        guests: f.all("guests"),
        all_ims: f.get("all_ims").into(),
        invitees: f.all("invitees"),
        minutes: f.get("minutes").into(),
    }
}

fn form_page(
    a: Authed,
    ch: Choices,
    id: Option<i64>,
    version: i32,
    form: FormView,
    status: StatusCode,
) -> Response {
    let mut page = a.page.at("meetings");
    page.title = page.t(if id.is_some() {
        "meeting-edit-title"
    } else {
        "meeting-new-title"
    });
    let tpl = FormTpl {
        form,
        id,
        version,
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
        staff: ch
            .staff
            .iter()
            .map(|(i, n)| (i.to_string(), n.clone()))
            .collect(),
        page,
    };
    render_status(&tpl, status)
}

/// `GET /meetings/new`
async fn new_meeting(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let ch = meetings::choices(&state.db, &a.ctx).await?;
    let view = FormView::from_pairs([("all_ims", "yes"), ("time", "10:00")]);
    Ok(form_page(a, ch, None, 0, view, StatusCode::OK))
}

/// `POST /meetings/new`
async fn create_meeting(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let saved = meetings::create(&state.db, &a.ctx, &meeting_form(&form))
        .await
        .map(|id| {
            done(
                &format!("/meetings/{id}"),
                "meeting-flash-saved",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let ch = meetings::choices(&state.db, &a.ctx).await?;
            Ok(form_page(a, ch, None, 0, view, status))
        },
    )
    .await
}

fn view_of(f: &MeetingForm) -> FormView {
    let mut pairs: Vec<(String, String)> = vec![
        ("date".into(), f.date.clone()),
        ("time".into(), f.time.clone()),
        ("place".into(), f.place.clone()),
        ("topic".into(), f.topic.clone()),
        ("all_ims".into(), f.all_ims.clone()),
        ("minutes".into(), f.minutes.clone()),
    ];
    pairs.extend(f.guests.iter().map(|g| ("guests".to_string(), g.clone())));
    pairs.extend(
        f.invitees
            .iter()
            .map(|g| ("invitees".to_string(), g.clone())),
    );
    FormView::from_pairs(pairs)
}

/// `GET /meetings/{id}/edit`
async fn edit_meeting(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let v = meetings::get(&state.db, &a.ctx, id).await?;
    if !v.may_edit {
        return Err(crate::error::AppError(ankommen_core::Error::Forbidden));
    }
    let ch = meetings::choices(&state.db, &a.ctx).await?;
    let view = view_of(&meetings::form_of(&v));
    Ok(form_page(
        a,
        ch,
        Some(id),
        v.meeting.version,
        view,
        StatusCode::OK,
    ))
}

/// `POST /meetings/{id}/edit`
async fn update_meeting(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(crate::error::AppError)?;
    let saved = meetings::update(&state.db, &a.ctx, id, version, &meeting_form(&form))
        .await
        .map(|()| {
            done(
                &format!("/meetings/{id}"),
                "meeting-flash-saved",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let ch = meetings::choices(&state.db, &a.ctx).await?;
            Ok(form_page(a, ch, Some(id), version, view, status))
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "network/meeting.html")]
struct ShowTpl {
    page: Page,
    form: FormView,
    v: MeetingView,
    row: MeetingRow,
    questions: Vec<(String, String, String)>,
}

fn show_page(a: Authed, v: MeetingView, form: FormView, status: StatusCode) -> Response {
    let mut page = a.page.at("meetings");
    page.title = page.t1("meeting-title", "topic", &v.meeting.topic);
    let row = meeting_row(&page, &v.meeting);
    let questions = v
        .questions
        .iter()
        .map(|q| {
            (
                q.staff_name.clone(),
                page.datetime(&q.asked_at),
                q.question.clone(),
            )
        })
        .collect();
    render_status(
        &ShowTpl {
            form,
            row,
            questions,
            v,
            page,
        },
        status,
    )
}

/// `GET /meetings/{id}`: for the coordinator and the invited staff; anybody else finds none.
async fn show(State(state): State<AppState>, a: Authed, Ids(id): Ids<i64>) -> AppResult<Response> {
    let v = meetings::get(&state.db, &a.ctx, id).await?;
    Ok(show_page(a, v, FormView::new(), StatusCode::OK))
}

/// `POST /meetings/{id}/questions`
async fn ask(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = meetings::ask(&state.db, &a.ctx, id, form.get("question"))
        .await
        .map(|()| {
            done(
                &format!("/meetings/{id}#agenda"),
                "meeting-flash-question",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let v = meetings::get(&state.db, &a.ctx, id).await?;
            Ok(show_page(a, v, view, status))
        },
    )
    .await
}
