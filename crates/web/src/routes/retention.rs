//! Keeping data only as long as needed (issue 25, decision 0022): the administrator's retention
//! schedule, the list of cases due for erasure with their holds (IMs and team leads), and the
//! data-protection officer's view of every hold.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::casework::erasure_requests::{self, CaseRequests, Decision, Request};
use ankommen_core::casework::restrictions::{self, CaseRestrictions, Restriction};
use ankommen_core::casework::retention::{
    self, CaseRetention, DueCase, Hold, Schedule, VoluntaryDue, Withdrawn,
};

use super::{done, render_status, reshown, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/retention", get(schedule).post(save_schedule))
        .route("/retention", get(due))
        .route("/retention/cases/{id}/hold", post(place_hold))
        .route("/retention/cases/{id}/holds/{hold}/lift", post(lift_hold))
        .route("/privacy/holds", get(holds))
        .route("/retention/cases/{id}/erasure", get(erasure))
        .route(
            "/retention/cases/{id}/erasure/request",
            post(record_erasure),
        )
        .route("/retention/cases/{id}/erasure/decide", post(decide_erasure))
        .route("/privacy/erasure-requests", get(erasure_requests))
        .route(
            "/retention/cases/{id}/restriction",
            get(restriction).post(place_restriction),
        )
        .route(
            "/retention/cases/{id}/restriction/lift",
            post(lift_restriction),
        )
        .route("/privacy/restrictions", get(restrictions_for_dpo))
}

/// A person's withdrawn consent and when their voluntary data goes (or went), in words: the case
/// page and the record page show it.
pub(super) fn withdrawn_line(page: &Page, name: &str, w: &Withdrawn) -> String {
    let (key, date) = match w.erased_on {
        Some(d) => ("retention-voluntary-erased", d),
        None => ("retention-voluntary-due", w.due_on),
    };
    page.tr.targs(
        key,
        &[
            ("name", name.to_string()),
            ("withdrawn", page.date(w.withdrawn_on)),
            ("date", page.date(date)),
        ],
    )
}

/// When a case is erased, in words (the record page lists it beside each case).
pub(super) fn erasure_line(page: &Page, r: &CaseRetention) -> String {
    match r.due_on {
        Some(d) => page.t1("retention-case-due", "date", page.date(d)),
        None => page.t1("retention-case-open", "months", r.months.to_string()),
    }
}

// --- the schedule -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/retention.html")]
struct ScheduleTpl {
    page: Page,
    form: FormView,
    /// (setting, min, max)
    rows: Vec<(&'static str, u32, u32)>,
}

impl ScheduleTpl {
    /// The message id of a setting's label (`retention-closed-case-months`), or of its hint.
    fn msg(&self, key: &str, suffix: &str) -> String {
        format!("{}{suffix}", key.replace('_', "-"))
    }
}

fn schedule_page(a: Authed, form: FormView, status: StatusCode) -> Response {
    let rows = Schedule::DEFAULT
        .entries()
        .iter()
        .map(|(k, _, low, high)| (*k, *low, *high))
        .collect();
    render_status(
        &ScheduleTpl {
            page: a.page.at("admin").titled("retention-schedule-title"),
            form,
            rows,
        },
        status,
    )
}

async fn schedule(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let s = retention::schedule_managed(&state.db, &a.ctx).await?;
    let pairs: Vec<(String, String)> = s
        .entries()
        .iter()
        .map(|(k, v, ..)| (k.to_string(), v.to_string()))
        .collect();
    Ok(schedule_page(
        a,
        FormView::from_pairs(pairs),
        StatusCode::OK,
    ))
}

async fn save_schedule(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match Schedule::parse(|k| form.get(k).to_string()) {
        Ok(s) => retention::save_schedule(&state.db, &a.ctx, &s).await,
        Err(e) => {
            // Refuse outsiders before telling them about their input.
            retention::schedule_managed(&state.db, &a.ctx).await?;
            Err(e)
        }
    };
    let saved = result.map(|()| {
        done(
            "/admin/retention",
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        Ok(schedule_page(a, view, status))
    })
    .await
}

// --- due cases and holds ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "retention/due.html")]
struct DueTpl {
    page: Page,
    cases: Vec<DueCase>,
    /// The case whose hold form is shown again with its errors, and what was typed.
    failed: Option<i64>,
    form: FormView,
    /// Cases with an erasure request the actor may decide: (case id, number, received on).
    waiting: Vec<(i64, String, chrono::NaiveDate)>,
    /// The restricted cases the actor may hold (no other list shows them).
    restricted: Vec<(Restriction, String)>,
    /// Cases with a person whose voluntary data goes soon after a withdrawal of consent.
    voluntary: Vec<VoluntaryDue>,
}

impl DueTpl {
    /// Whether this row's hold form is the one shown again with its errors.
    fn failed_on(&self, c: &DueCase) -> bool {
        self.failed == Some(c.case_id)
    }
    /// The suffix of a row's field ids: none for the form shown again (the error summary links to
    /// its fields), the case's id for the others.
    fn suffix(&self, c: &DueCase) -> String {
        if self.failed_on(c) {
            String::new()
        } else {
            format!("-{}", c.case_id)
        }
    }
}

async fn due_page(
    state: &AppState,
    a: Authed,
    failed: Option<i64>,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let cases = retention::due_soon(&state.db, &a.ctx).await?;
    let waiting = erasure_requests::waiting_for(&state.db, &a.ctx).await?;
    let restricted = restrictions::held_by(&state.db, &a.ctx).await?;
    let voluntary = retention::voluntary_due_soon(&state.db, &a.ctx).await?;
    let page = a.page.at("retention").titled("retention-due-title");
    Ok(render_status(
        &DueTpl {
            page,
            cases,
            failed,
            form,
            waiting,
            restricted,
            voluntary,
        },
        status,
    ))
}

async fn due(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    due_page(&state, a, None, FormView::new(), StatusCode::OK).await
}

async fn place_hold(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    match retention::place_hold(
        &state.db,
        &a.ctx,
        id,
        form.get("hold_reason"),
        form.get("hold_until"),
    )
    .await
    {
        Ok(()) => Ok(done(
            "/retention",
            "flash-hold-placed",
            state.config.secure_cookies,
        )),
        Err(e) => {
            reshown(e, view, a.page.tr, |view, status| async move {
                due_page(&state, a, Some(id), view, status).await
            })
            .await
        }
    }
}

async fn lift_hold(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, hold)): Ids<(i64, i64)>,
) -> AppResult<Response> {
    retention::lift_hold(&state.db, &a.ctx, id, hold).await?;
    Ok(done(
        "/retention",
        "flash-hold-lifted",
        state.config.secure_cookies,
    ))
}

// --- the data-protection officer's view -------------------------------------------------------

#[derive(Template)]
#[template(path = "privacy/holds.html")]
struct HoldsTpl {
    page: Page,
    holds: Vec<(Hold, String)>,
}

async fn holds(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let holds = retention::holds_for_dpo(&state.db, &a.ctx).await?;
    let page = a.page.at("privacy").titled("retention-holds-title");
    Ok(render_status(&HoldsTpl { page, holds }, StatusCode::OK))
}

// --- erasure on request (Art. 17) -------------------------------------------------------------

#[derive(Template)]
#[template(path = "retention/erasure.html")]
struct ErasureTpl {
    page: Page,
    v: CaseRequests,
    form: FormView,
    /// The acting staff member (who may not decide their own request).
    me: i64,
    /// (value, label) of the choices: none, then the exceptions.
    exceptions: Vec<(String, String)>,
    /// The decided requests (with the case number the shared table shows).
    requests: Vec<(Request, String)>,
    with_case: bool,
}

impl ErasureTpl {
    fn pending_text(&self, r: &Request) -> String {
        self.page.tr.targs(
            "erasure-pending",
            &[
                ("date", self.page.date(r.received_on)),
                ("name", r.recorded_by.clone()),
            ],
        )
    }
}

async fn erasure_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let v = erasure_requests::of_case(&state.db, &a.ctx, id).await?;
    let tr = &a.page.tr;
    let mut exceptions = vec![(String::new(), tr.t("erasure-exception-none"))];
    exceptions.extend(
        erasure_requests::EXCEPTIONS
            .iter()
            .map(|x| (x.to_string(), tr.t(&format!("erasure-exception-{x}")))),
    );
    let requests: Vec<(Request, String)> = v
        .requests
        .iter()
        .filter(|r| !r.pending())
        .map(|r| (r.clone(), v.case_number.clone()))
        .collect();
    let me = a.ctx.actor.staff_id;
    let page = a.page.at("retention").titled("erasure-title");
    Ok(render_status(
        &ErasureTpl {
            page,
            v,
            form,
            me,
            exceptions,
            requests,
            with_case: false,
        },
        status,
    ))
}

async fn erasure(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    erasure_page(&state, a, id, FormView::new(), StatusCode::OK).await
}

async fn record_erasure(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let saved = erasure_requests::record(&state.db, &a.ctx, id, form.get("received_on"))
        .await
        .map(|()| {
            done(
                &format!("/retention/cases/{id}/erasure"),
                "flash-erasure-recorded",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        erasure_page(&state, a, id, view, status).await
    })
    .await
}

async fn decide_erasure(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let saved = erasure_requests::decide(
        &state.db,
        &a.ctx,
        id,
        form.get("exception"),
        form.get("justification"),
    )
    .await
    .map(|d| match d {
        Decision::Erased { .. } => done(
            "/retention",
            "flash-erasure-erased",
            state.config.secure_cookies,
        ),
        Decision::Kept => done(
            &format!("/retention/cases/{id}/erasure"),
            "flash-erasure-kept",
            state.config.secure_cookies,
        ),
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        erasure_page(&state, a, id, view, status).await
    })
    .await
}

#[derive(Template)]
#[template(path = "privacy/erasure_requests.html")]
struct ErasureRequestsTpl {
    page: Page,
    requests: Vec<(Request, String)>,
    with_case: bool,
}

async fn erasure_requests(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let requests = erasure_requests::for_dpo(&state.db, &a.ctx).await?;
    let page = a.page.at("privacy").titled("erasure-requests-title");
    Ok(render_status(
        &ErasureRequestsTpl {
            page,
            requests,
            with_case: true,
        },
        StatusCode::OK,
    ))
}

// --- restriction of processing (Art. 18) ------------------------------------------------------

#[derive(Template)]
#[template(path = "retention/restriction.html")]
struct RestrictionTpl {
    page: Page,
    v: CaseRestrictions,
    form: FormView,
    /// (value, label) of the grounds of Art. 18(1).
    grounds: Vec<(String, String)>,
    /// All of the case's restrictions (with the case number the shared table shows).
    restrictions: Vec<(Restriction, String)>,
    with_case: bool,
}

async fn restriction_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let v = restrictions::of_case(&state.db, &a.ctx, id).await?;
    let grounds = restrictions::GROUNDS
        .iter()
        .map(|g| (g.to_string(), a.page.label("restriction-ground", g)))
        .collect();
    let history = v
        .restrictions
        .iter()
        .map(|r| (r.clone(), v.case_number.clone()))
        .collect();
    let page = a.page.at("retention").titled("restriction-title");
    Ok(render_status(
        &RestrictionTpl {
            page,
            v,
            form,
            grounds,
            restrictions: history,
            with_case: false,
        },
        status,
    ))
}

async fn restriction(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    restriction_page(&state, a, id, FormView::new(), StatusCode::OK).await
}

async fn place_restriction(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let saved = restrictions::place(
        &state.db,
        &a.ctx,
        id,
        form.get("ground"),
        form.get("requested_on"),
    )
    .await
    .map(|()| {
        done(
            &format!("/retention/cases/{id}/restriction"),
            "flash-restriction-placed",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        restriction_page(&state, a, id, view, status).await
    })
    .await
}

async fn lift_restriction(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    restrictions::lift(&state.db, &a.ctx, id).await?;
    Ok(done(
        &format!("/cases/{id}"),
        "flash-restriction-lifted",
        state.config.secure_cookies,
    ))
}

#[derive(Template)]
#[template(path = "privacy/restrictions.html")]
struct RestrictionsTpl {
    page: Page,
    restrictions: Vec<(Restriction, String)>,
    with_case: bool,
}

async fn restrictions_for_dpo(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let restrictions = restrictions::for_dpo(&state.db, &a.ctx).await?;
    let page = a.page.at("privacy").titled("restrictions-title");
    Ok(render_status(
        &RestrictionsTpl {
            page,
            restrictions,
            with_case: true,
        },
        StatusCode::OK,
    ))
}
