//! The caseload and the case pages: filters, saved filters, the 3-year clock, pause, extension,
//! closure, reopening, moves, sharing and handover.
//!
//! The name search (`q`) is personal data: it travels only in POST bodies, never in a URL. The
//! other filter fields (status, municipality key, time left, ...) may appear in links.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;

use ankommen_core::administration::fields::{self, Field};
use ankommen_core::administration::municipalities;
use ankommen_core::administration::service_areas;
use ankommen_core::casework::caseload::{self, Filter, Page as Caseload};
use ankommen_core::casework::cases::{self, CaseView, HandoverSummary, Moved};
use ankommen_core::casework::workspace::{self, PersonFacts, Workspace};
use ankommen_core::kernel::catalog::{ClosureReason, LanguageEntry, ReleasedField};
use ankommen_core::kernel::types::Role;
use ankommen_core::records::consent::ConsentState;
use ankommen_core::records::releases::{Disclosure, Released};
use ankommen_core::{Error, FieldErrors};
use ankommen_store::entities::saved_filter;

use super::{done, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::{AppError, AppResult, status_of};
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list).post(list_post))
        .route("/cases/filters", post(save_filter))
        .route("/cases/filters/{id}/delete", post(delete_filter))
        .route("/cases/reassign", post(reassign))
        .route("/cases/{id}", get(show))
        .route("/cases/{id}/handover-seen", post(handover_seen))
        .route("/cases/{id}/handover/{org}", get(summary))
        .route("/cases/{id}/{action}", get(action_page).post(act))
}

/// The form fields of a POST without the CSRF token.
fn posted(form: &FormData) -> Vec<(String, String)> {
    form.0
        .iter()
        .filter(|(k, _)| k != "_csrf")
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The caseload

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListTpl {
    page: Page,
    result: Caseload,
    /// The applied filter (and the name search), as the filter form shows it.
    filter: FormView,
    /// The filter as hidden fields of the other forms of the page (POST bodies only).
    hidden: Vec<(String, String)>,
    /// The save-filter and reassign forms: what was typed, and their errors.
    form: FormView,
    page_numbers: Vec<usize>,
    municipalities: Vec<(String, String)>,
    saved: Vec<saved_filter::Model>,
    is_lead: bool,
    is_im: bool,
    colleagues: Vec<(i64, String)>,
    /// Whether any row of this page has a reassign box.
    any_reassignable: bool,
}

fn filter_pairs(f: &Filter) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = f
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Some(m) = &f.municipality {
        v.push(("municipality".into(), m.clone()));
    }
    if let Some(q) = &f.query {
        v.push(("q".into(), q.clone()));
    }
    v
}

async fn list_page(
    state: &AppState,
    a: Authed,
    f: Filter,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let result = caseload::list(&state.db, &a.ctx, &f).await?;
    let saved = caseload::saved(&state.db, &a.ctx).await?;
    let is_lead = a.ctx.actor.has(Role::TeamLead);
    let is_im = a.ctx.actor.has(Role::Im);
    let all = municipalities::list(&state.db).await?;
    // An IM filters by the municipalities they serve; a team lead's team may serve any.
    let municipalities = all
        .into_iter()
        .filter(|m| is_lead || a.ctx.actor.municipalities.contains(&m.ags))
        .map(|m| (m.ags, m.name))
        .collect();
    let colleagues = if is_lead {
        let mut targets = cases::reassign_targets(state.db.reader(), &a.ctx).await?;
        if is_im {
            // Taking a case oneself needs a second person's confirmation.
            targets.push((a.ctx.actor.staff_id, a.page.t("caseload-reassign-to-self")));
        }
        targets
    } else {
        vec![]
    };
    let mut hidden = filter_pairs(&f);
    hidden.push(("page".into(), result.page.to_string()));
    let filter = FormView::from_pairs(filter_pairs(&f));
    let page = a.page.at("cases").titled("caseload-title");
    Ok(render_status(
        &ListTpl {
            page,
            page_numbers: (1..=result.pages).collect(),
            any_reassignable: result.rows.iter().any(|r| r.may_reassign),
            result,
            filter,
            hidden,
            form,
            municipalities,
            saved,
            is_lead,
            is_im,
            colleagues,
        },
        status,
    ))
}

/// `GET /cases`: the filter from the query (never a name search), or a saved filter.
pub async fn list(
    State(state): State<AppState>,
    mut a: Authed,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let (mut f, errors) = match q.get("saved") {
        "" => Filter::parse(|k| q.get(k)),
        saved => {
            // A saved filter is named by its id; anything else is like a missing one.
            let id = saved.trim().parse::<i64>().map_err(|_| Error::NotFound)?;
            let s = caseload::saved_one(&state.db, &a.ctx, id).await?;
            let mut f = Filter::from_query(&s.query);
            f.page = q.get("page").parse().unwrap_or(1).max(1);
            (f, FieldErrors::new())
        }
    };
    f.query = None;
    // Right after a reassignment: say how many cases were handed over.
    if a.page.flash.is_some()
        && let Ok(n) = q.get("reassigned").parse::<i64>()
    {
        a.page.flash = Some(a.page.tn("caseload-flash-reassigned", "count", n));
    }
    filtered_page(&state, a, f, &errors).await
}

/// `POST /cases`: the same list, with the name search kept in the form.
pub async fn list_post(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let (f, errors) = Filter::parse(|k| form.get(k));
    filtered_page(&state, a, f, &errors).await
}

/// The caseload under a filter; a filter value outside its choices is shown as a field error
/// (422), with the list under that field's default.
async fn filtered_page(
    state: &AppState,
    a: Authed,
    f: Filter,
    errors: &FieldErrors,
) -> AppResult<Response> {
    if errors.is_empty() {
        list_page(state, a, f, FormView::new(), StatusCode::OK).await
    } else {
        let form = FormView::new().with_errors(errors, &a.page.tr);
        list_page(
            state,
            a,
            f,
            form,
            status_of(&Error::Invalid(errors.clone())),
        )
        .await
    }
}

/// The outcome of a POST of one of the caseload's forms: its redirect, or the caseload again with
/// the form's errors.
async fn list_saved_or_reshown(
    state: &AppState,
    a: Authed,
    form: &FormData,
    saved: Result<Response, Error>,
) -> AppResult<Response> {
    let (f, _) = Filter::parse(|k| form.get(k));
    saved_or_reshown(
        saved,
        FormView::from_pairs(posted(form)),
        a.page.tr,
        |view, status| list_page(state, a, f, view, status),
    )
    .await
}

pub async fn save_filter(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    // A filter with a value outside its choices is not saved (it would be saved as a default).
    let (f, errors) = Filter::parse(|k| form.get(k));
    let saved = if errors.is_empty() {
        caseload::save(&state.db, &a.ctx, form.get("filter_name"), &f).await
    } else {
        Err(Error::Invalid(errors))
    }
    .map(|id| {
        done(
            &format!("/cases?saved={id}"),
            "caseload-flash-filter-saved",
            state.config.secure_cookies,
        )
    });
    list_saved_or_reshown(&state, a, &form, saved).await
}

pub async fn delete_filter(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    caseload::delete_saved(&state.db, &a.ctx, id).await?;
    Ok(done(
        "/cases",
        "caseload-flash-filter-deleted",
        state.config.secure_cookies,
    ))
}

pub async fn reassign(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    // The ticked cases: a value that is not a case id is not one of the choices.
    let ids: Result<Vec<i64>, Error> = form
        .all("case")
        .iter()
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| Error::field("cases", "error-choice"))
        })
        .collect();
    let saved = match ids {
        Ok(ids) => {
            cases::reassign(
                &state.db,
                &a.ctx,
                &state.sealer,
                &ids,
                form.get("reassign_to"),
                form.get("handover_note"),
            )
            .await
        }
        Err(e) => Err(e),
    }
    .map(|r| match r {
        cases::Reassigned::Done(n) => done(
            &format!("/cases?reassigned={n}"),
            "caseload-flash-reassigned-short",
            state.config.secure_cookies,
        ),
        cases::Reassigned::AwaitingConfirmation(_) => done(
            "/cases",
            "caseload-flash-takeover-requested",
            state.config.secure_cookies,
        ),
    });
    list_saved_or_reshown(&state, a, &form, saved).await
}

// ---------------------------------------------------------------------------------------------
// The case page

/// One entry of the case's history, ready to show.
struct EventRow {
    date: String,
    kind: String,
    by: String,
    other: Option<String>,
    reason: Option<String>,
    detail: Option<String>,
}

/// What the closure snapshot says about one person.
struct SnapshotRow {
    name: String,
    german_level: String,
    housing: String,
    outcomes: i64,
}

/// One person of the case as the workspace's header shows them.
struct PersonRow {
    id: i64,
    name: String,
    original: Option<String>,
    /// The age in words (the birth is in the header line above).
    age: String,
    /// Languages spoken, in words; None where the consent does not cover the intake data.
    languages: Option<String>,
    interpreter: Option<String>,
    /// The consent's state ("active", "withdrawn", "none") and its words.
    consent_key: &'static str,
    consent: String,
    releases: String,
}

/// An open goal of the plan with its next open steps.
struct GoalRow {
    id: i64,
    field: String,
    text: String,
    person: Option<String>,
    target: Option<String>,
    /// (text, who, due, overdue) of the open steps, the next first (at most two shown).
    steps: Vec<(String, String, Option<String>, bool)>,
    more_steps: i64,
}

/// One of the last contacts.
struct ContactRow {
    id: i64,
    date: String,
    kind: String,
    topics: String,
    by: String,
    interpreter: Option<String>,
}

#[derive(Template)]
#[template(path = "cases/case.html")]
struct CaseTpl {
    page: Page,
    view: CaseView,
    form: FormView,
    /// The section whose form failed ("" when none): it shows the message about the whole form.
    failed: &'static str,
    persons: Vec<PersonRow>,
    /// Whether the client's consent covers the plan (else its goals are not shown).
    plan_covered: bool,
    goals: Vec<GoalRow>,
    /// How many goals the plan holds in all (open and closed).
    goal_count: usize,
    contacts: Vec<ContactRow>,
    contact_count: i64,
    /// The next review of the plan, and whether it is overdue.
    review_due: Option<(String, bool)>,
    /// Open follow-ups and pending referrals, for the header's counts.
    open_followups: i64,
    pending_referrals: i64,
    /// The rare actions open in this state: (path segment, button text).
    rare_actions: Vec<(&'static str, String)>,
    events: Vec<EventRow>,
    snapshot: Vec<SnapshotRow>,
    snapshot_date: Option<String>,
    closure_reason: Option<String>,
    /// Follow-ups of the case (`contacts/_case_followups.html`).
    followups: Vec<super::contacts::FollowupRow>,
    /// Referrals of the case (`network/_case_referrals.html`).
    referrals: Vec<super::referrals::ReferralRow>,
    /// Volunteer matches of the case (`network/_case_volunteers.html`).
    volunteer_matches: Vec<super::volunteers::MatchRow>,
    result_choices: Vec<(String, String)>,
    /// Language-course registrations (`network/_case_courses.html`).
    courses: Vec<super::courses::CourseRow>,
    /// Appointments (`appointments/_case_appointments.html`).
    appointments: Vec<super::appointments::CaseAppointmentRow>,
    course_statuses: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    today: String,
    /// Whose case (`cases/_who.html`).
    who: Who,
}

impl CaseTpl {
    /// The languages a volunteer's sheet can be printed in beside German.
    fn sheet_languages(&self) -> Vec<(&'static str, String)> {
        ankommen_documents::languages()
            .into_iter()
            .map(|l| (l.code, l.native_name))
            .collect()
    }

    fn erasure_line(&self) -> String {
        super::retention::erasure_line(&self.page, &self.view.retention)
    }

    /// One line per person who withdrew their consent: when, and when their voluntary data goes
    /// (or went).
    fn withdrawn_lines(&self) -> Vec<String> {
        self.view
            .retention
            .withdrawn
            .iter()
            .map(|w| {
                let name = self
                    .view
                    .persons
                    .iter()
                    .find(|p| p.id == w.person_id)
                    .map(|p| format!("{} {}", p.given_name, p.family_name))
                    .unwrap_or_default();
                super::retention::withdrawn_line(&self.page, &name, w)
            })
            .collect()
    }
}

/// Whose page this is: the header the case page, its plan, its timeline, the rare actions, the
/// household and the client's record share, so nobody has to remember whose plan they are
/// looking at.
pub(super) struct Who {
    /// The case the page is about, or the person's open case (id, number).
    pub case: Option<(i64, String)>,
    /// (person id, Latin name, original spelling, birth) of each person, the client first.
    pub persons: Vec<(i64, String, Option<String>, String)>,
}

type WhoPerson = (i64, String, Option<String>, String);

fn who_person(p: &ankommen_store::entities::person::Model) -> WhoPerson {
    (
        p.id,
        format!("{} {}", p.given_name, p.family_name),
        p.name_original.clone(),
        super::clients::birth_of(p),
    )
}

impl Who {
    /// A case's page: its persons and the case.
    pub fn of(
        c: &ankommen_store::entities::case::Model,
        persons: &[ankommen_store::entities::person::Model],
    ) -> Self {
        Who {
            case: Some((c.id, c.case_number.clone())),
            persons: persons.iter().map(who_person).collect(),
        }
    }

    /// Pages about people (a record, a household): the people, and the case when there is exactly
    /// one that is not closed.
    pub fn people<'a>(
        persons: impl IntoIterator<Item = &'a ankommen_store::entities::person::Model>,
        cases: &[ankommen_store::entities::case::Model],
    ) -> Self {
        let mut open = cases.iter().filter(|c| c.status != "closed");
        let case = match (open.next(), open.next()) {
            (Some(c), None) => Some((c.id, c.case_number.clone())),
            _ => None,
        };
        Who {
            case,
            persons: persons.into_iter().map(who_person).collect(),
        }
    }

    /// The client's name (the first person), for a page's heading.
    pub fn client(&self) -> String {
        self.persons
            .first()
            .map(|(_, n, _, _)| n.clone())
            .unwrap_or_default()
    }
}

fn date_text(s: &str) -> String {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_else(|_| s.to_string())
}

/// What a case or plan event's stored detail says, in words (never the stored code): a
/// municipality by its name, a closure reason, a date, a field of action, a goal's state, a
/// plan version. The case page and the timeline both show events with it.
pub(super) fn event_detail(
    page: &Page,
    kind: &str,
    d: &str,
    municipalities: &[(String, String)],
    fields: &[Field],
) -> String {
    match kind {
        "closed" => page.label("closure-reason", d),
        "restricted" | "restriction_lifted" => page.label("restriction-ground", d),
        "moved" => municipalities
            .iter()
            .find(|(ags, _)| ags == d)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| d.to_string()),
        "extended" => page.t1("case-event-extended-until", "date", date_text(d)),
        "reopened" => {
            let (date, reason) = d.split_once(' ').unwrap_or((d, ""));
            let mut s = page.t1("case-event-was-closed", "date", date_text(date));
            if !reason.is_empty() {
                s = format!("{s} ({})", page.label("closure-reason", reason));
            }
            s
        }
        // `work`, or `work 17` (the field of action, or the goal's new state, and the goal's id).
        "goal_added" | "goal_changed" | "step_added" | "step_changed" | "step_done" => {
            let field = d.split_once(' ').map_or(d, |(f, _)| f);
            fields::label(fields, field, page.lang()).to_string()
        }
        "goal_status" => page.label("goal-status", d.split_once(' ').map_or(d, |(s, _)| s)),
        "plan_settings_changed" => match d.parse::<i64>() {
            Ok(months) => page.tn("plan-interval-months", "months", months),
            Err(_) => page.t("plan-interval-default"),
        },
        "plan_version_frozen" | "plan_scan_added" => page.t1("plan-version-title", "number", d),
        _ => d.to_string(),
    }
}

fn event_rows(
    view: &CaseView,
    page: &Page,
    names: &[(String, String)],
    fields: &[Field],
) -> Vec<EventRow> {
    view.events
        .iter()
        .map(|e| {
            let ev = &e.event;
            let detail = ev
                .detail
                .as_deref()
                .map(|d| event_detail(page, &ev.kind, d, names, fields));
            EventRow {
                date: page.date(ev.on_date),
                kind: page.label("case-event", &ev.kind),
                by: e.by.clone(),
                other: e.other.clone(),
                reason: ev.reason.as_ref().map(|r| page.sealed(r)),
                detail,
            }
        })
        .collect()
}

fn snapshot_rows(view: &CaseView, page: &Page) -> (Vec<SnapshotRow>, Option<String>) {
    let Some(closure) = &view.closure else {
        return (vec![], None);
    };
    let text = |x: &Option<String>, list: &str| {
        x.as_deref()
            .map(|s| page.label(list, s))
            .unwrap_or_else(|| "–".into())
    };
    let rows = closure
        .persons
        .iter()
        .map(|p| SnapshotRow {
            name: view
                .persons
                .iter()
                .find(|m| m.id == p.person_id)
                .map(|m| format!("{} {}", m.given_name, m.family_name))
                .unwrap_or_default(),
            german_level: text(&p.german_level, "german-level"),
            housing: text(&p.housing, "housing"),
            outcomes: i64::try_from(p.outcomes).unwrap_or(i64::MAX),
        })
        .collect();
    (rows, closure.closed_on.map(|d| page.date(d)))
}

/// The rare, weighty actions of a case in its state, each behind its own button that opens its
/// form on a page of its own (`GET /cases/{id}/<action>`).
fn rare_actions(
    page: &Page,
    c: &ankommen_store::entities::case::Model,
) -> Vec<(&'static str, String)> {
    let names: &[&'static str] = match c.status.as_str() {
        "active" => &["pause", "extend", "close", "move", "share"],
        "paused" => &["resume", "extend", "close", "move", "share"],
        _ => &["reopen"],
    };
    names
        .iter()
        .map(|n| (*n, page.t(&format!("case-{n}-title"))))
        .collect()
}

fn person_row(page: &Page, f: &PersonFacts) -> PersonRow {
    let p = &f.person;
    let (consent_key, consent) = match &f.consent {
        ConsentState::Active(c) => (
            "active",
            page.t1("case-consent-active", "date", page.date(c.given_on)),
        ),
        ConsentState::Withdrawn(c) => (
            "withdrawn",
            page.t1(
                "client-consent-withdrawn-on",
                "date",
                page.date_opt(c.withdrawn_on),
            ),
        ),
        ConsentState::None => ("none", page.t("case-consent-none")),
    };
    PersonRow {
        id: p.id,
        name: format!("{} {}", p.given_name, p.family_name),
        original: p.name_original.clone(),
        age: page.tn("case-age", "years", i64::from(f.age)),
        languages: f.languages.as_ref().map(|l| {
            l.iter()
                .map(|e| {
                    format!(
                        "{} ({})",
                        page.label("lang", &e.code),
                        page.label("language-level", &e.level)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        }),
        interpreter: f.interpreter.as_deref().map(|l| page.label("lang", l)),
        consent_key,
        consent,
        releases: page.tn(
            "case-releases-active",
            "count",
            i64::try_from(f.releases_active).unwrap_or(0),
        ),
    }
}

/// The open goals with their next steps (at most two each).
fn goal_rows(page: &Page, ws: &Workspace) -> Vec<GoalRow> {
    ws.open_goals()
        .map(|(g, open)| GoalRow {
            id: g.goal.id,
            field: ws.plan.field_label(&g.goal.field_key, page.lang()),
            text: page.sealed(&g.goal.text),
            person: g.person_name.clone(),
            target: g.goal.target_date.map(|d| page.date(d)),
            more_steps: i64::try_from(open.len().saturating_sub(2)).unwrap_or(0),
            steps: open
                .iter()
                .take(2)
                .map(|s| {
                    let who = match s.step.owner.as_str() {
                        "third_party" => s.step.third_party.clone().unwrap_or_default(),
                        o => page.label("step-owner", o),
                    };
                    (
                        page.sealed(&s.step.text),
                        who,
                        s.step.due_on.map(|d| page.date(d)),
                        s.overdue,
                    )
                })
                .collect(),
        })
        .collect()
}

fn contact_rows(page: &Page, ws: &Workspace) -> Vec<ContactRow> {
    ws.contacts
        .iter()
        .map(|c| ContactRow {
            id: c.contact.id,
            date: page.date(c.contact.contact_date),
            kind: page.label("contact-kind", &c.contact.contact_kind),
            topics: c
                .topics
                .iter()
                .map(|t| ws.plan.field_label(t, page.lang()))
                .collect::<Vec<_>>()
                .join(", "),
            by: c.by.clone(),
            interpreter: c
                .contact
                .interpreter_language
                .as_deref()
                .map(|l| page.label("lang", l)),
        })
        .collect()
}

fn count<T>(it: impl Iterator<Item = T>) -> i64 {
    i64::try_from(it.count()).unwrap_or(i64::MAX)
}

pub(super) async fn case_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    failed: &'static str,
    status: StatusCode,
) -> AppResult<Response> {
    let ws = workspace::get(&state.db, &a.ctx, &state.sealer, id).await?;
    let followups = super::contacts::followup_rows(&a.page, &ws.followups);
    let all = municipalities::list(&state.db).await?;
    let municipality_names: Vec<(String, String)> =
        all.into_iter().map(|m| (m.ags, m.name)).collect();
    let mut page = a.page.at("cases");
    let who = Who::of(&ws.case.case, &ws.case.persons);
    page.title = page.tr.targs(
        "case-title-named",
        &[
            ("name", who.client()),
            ("number", ws.case.case.case_number.clone()),
        ],
    );
    let (snapshot, snapshot_date) = snapshot_rows(&ws.case, &page);
    let review_due = ws
        .plan
        .review_due
        .filter(|_| ws.plan.covered() && ws.case.case.status != "closed")
        .map(|d| (page.date(d), d < ws.today));
    let catalog = &ws.plan.fields;
    Ok(render_status(
        &CaseTpl {
            who,
            persons: ws.persons.iter().map(|p| person_row(&page, p)).collect(),
            plan_covered: ws.plan.covered(),
            goals: goal_rows(&page, &ws),
            goal_count: ws.plan.goals.len(),
            contacts: contact_rows(&page, &ws),
            contact_count: i64::try_from(ws.contact_count).unwrap_or(0),
            review_due,
            open_followups: count(ws.followups.iter().filter(|f| f.followup.done_on.is_none())),
            pending_referrals: count(
                ws.case
                    .referrals
                    .iter()
                    .filter(|r| ankommen_core::casework::referrals::is_pending(&r.referral)),
            ),
            rare_actions: rare_actions(&page, &ws.case.case),
            referrals: super::referrals::referral_rows(&page, &ws.case, catalog),
            volunteer_matches: super::volunteers::match_rows(&page, &ws.case),
            result_choices: super::referrals::result_choices(&page),
            courses: super::courses::course_rows(&page, &ws.case, &form, a.ctx.today()),
            appointments: super::appointments::case_rows(&page, &ws.case),
            course_statuses: super::courses::status_choices(&page),
            levels: super::courses::levels(),
            today: a.ctx.today().to_string(),
            events: event_rows(&ws.case, &page, &municipality_names, catalog),
            closure_reason: ws
                .case
                .case
                .closure_reason
                .as_deref()
                .map(|r| page.label("closure-reason", r)),
            snapshot,
            snapshot_date,
            followups,
            page,
            view: ws.case,
            form,
            failed,
        },
        status,
    ))
}

// ---------------------------------------------------------------------------------------------
// The rare actions, each on its own page

#[derive(Template)]
#[template(path = "cases/action.html")]
struct ActionTpl {
    page: Page,
    who: Who,
    view: CaseView,
    /// The action's path segment ("pause", "close", ...).
    action: &'static str,
    form: FormView,
    municipalities: Vec<(String, String)>,
    closure_reasons: Vec<(String, String)>,
}

/// The action named by a path segment; anything else is like a missing page.
fn rare_action(segment: &str) -> AppResult<&'static str> {
    [
        "pause", "resume", "extend", "close", "reopen", "move", "share",
    ]
    .into_iter()
    .find(|a| *a == segment)
    .ok_or(AppError(Error::NotFound))
}

/// The page of one rare action: its form alone, with what was typed and its errors.
async fn action_view(
    state: &AppState,
    a: Authed,
    id: i64,
    action: &'static str,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let view = cases::get(&state.db, &a.ctx, &state.sealer, id).await?;
    let mut page = a.page.at("cases");
    let who = Who::of(&view.case, &view.persons);
    page.title = page.tr.targs(
        "case-action-title",
        &[
            ("action", page.t(&format!("case-{action}-title"))),
            ("name", who.client()),
        ],
    );
    let municipalities = if action == "move" {
        let serving = service_areas::serving_each(&state.db, a.ctx.today()).await?;
        // Where a client may move, each with the organisations serving it: whether the case
        // moves along or is handed over is visible before the move is entered.
        municipalities::list(&state.db)
            .await?
            .into_iter()
            .filter(|m| m.ags != view.case.municipality_ags)
            .map(|m| {
                let orgs: Vec<&str> = serving
                    .get(&m.ags)
                    .into_iter()
                    .flatten()
                    .map(|(_, n)| n.as_str())
                    .collect();
                let by = if orgs.is_empty() {
                    page.t("case-move-served-by-none")
                } else {
                    page.t1("case-move-served-by", "organisations", orgs.join(", "))
                };
                (m.ags, format!("{} – {by}", m.name))
            })
            .collect()
    } else {
        vec![]
    };
    let closure_reasons = ClosureReason::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                page.label("closure-reason", r.as_str()),
            )
        })
        .collect();
    Ok(render_status(
        &ActionTpl {
            page,
            who,
            view,
            action,
            form,
            municipalities,
            closure_reasons,
        },
        status,
    ))
}

/// `GET /cases/{id}/<action>`: the form of one rare action.
pub async fn action_page(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    Path((_, action)): Path<(String, String)>,
) -> AppResult<Response> {
    let action = rare_action(&action)?;
    let form = FormView::from_pairs(defaults(&a));
    action_view(&state, a, id, action, form, StatusCode::OK).await
}

/// The values every form of the case page starts with: the version seen, and today for dates.
pub(super) fn defaults(a: &Authed) -> Vec<(String, String)> {
    let today = a.ctx.today().to_string();
    ["paused_from", "resumed_on", "closed_on", "moved_on"]
        .into_iter()
        .map(|k| (k.to_string(), today.clone()))
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    case_page(&state, a, id, FormView::new(), "", StatusCode::OK).await
}

pub async fn handover_seen(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    cases::acknowledge_handover(&state.db, &a.ctx, id).await?;
    Ok(done(
        &format!("/cases/{id}"),
        "case-flash-handover-seen",
        state.config.secure_cookies,
    ))
}

/// The state changes of a case, each a small form of the case page posting to
/// `/cases/{id}/<action>`.
pub async fn act(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    Path((_, action)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let failed: &'static str = match action.as_str() {
        "pause" => "pause",
        "resume" => "resume",
        "extend" => "extend",
        "close" => "close",
        "reopen" => "reopen",
        "move" => "move",
        "share" => "share",
        "unshare" => "unshare",
        _ => return Err(AppError(Error::NotFound)),
    };
    let (db, ctx, sealer) = (&state.db, &a.ctx, &*state.sealer);
    let g = |k: &str| form.get(k);
    let result: Result<&'static str, Error> = async {
        // A form without the version is broken, not the user's input.
        let version = form.version();
        match failed {
            "pause" => {
                cases::pause(
                    db,
                    ctx,
                    sealer,
                    id,
                    version?,
                    g("paused_from"),
                    g("pause_reason"),
                )
                .await?;
                Ok("case-flash-paused")
            }
            "resume" => {
                cases::resume(db, ctx, sealer, id, version?, g("resumed_on")).await?;
                Ok("case-flash-resumed")
            }
            "extend" => {
                let (until, why) = (g("extended_until"), g("extension_reason"));
                cases::extend(db, ctx, sealer, id, version?, until, why).await?;
                Ok("case-flash-extended")
            }
            "close" => {
                let (on, reason, note) = (g("closed_on"), g("closure_reason"), g("closure_note"));
                cases::close(db, ctx, sealer, id, version?, on, reason, note).await?;
                Ok("case-flash-closed")
            }
            "reopen" => {
                cases::reopen(db, ctx, sealer, id, version?, g("reopen_reason")).await?;
                Ok("case-flash-reopened")
            }
            "move" => {
                let (to, on, note) = (g("moved_to"), g("moved_on"), g("move_note"));
                Ok(
                    match cases::move_away(db, ctx, sealer, id, version?, to, on, note).await? {
                        Moved::CaseMoved => "case-flash-moved",
                        Moved::Closed => "case-flash-moved-closed",
                    },
                )
            }
            "share" => {
                let staff: i64 = g("staff_id")
                    .trim()
                    .parse()
                    .map_err(|_| Error::field("share_with", "error-choice"))?;
                cases::share(db, ctx, id, staff).await?;
                Ok("case-flash-shared")
            }
            _ => {
                let staff: i64 = g("staff_id").trim().parse().map_err(|_| Error::NotFound)?;
                cases::unshare(db, ctx, id, staff).await?;
                Ok("case-flash-unshared")
            }
        }
    }
    .await;
    let saved =
        result.map(|flash| done(&format!("/cases/{id}"), flash, state.config.secure_cookies));
    // What was typed comes first, so it wins over the defaults.
    let mut values = posted(&form);
    values.extend(defaults(&a));
    // A failed form is shown again on its own page (a failed unshare on the sharing page).
    let page_of = if failed == "unshare" { "share" } else { failed };
    saved_or_reshown(
        saved,
        FormView::from_pairs(values),
        a.page.tr,
        |view, status| action_view(&state, a, id, page_of, view, status),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The handover summary

/// One released category of one person, with what it holds.
struct Section {
    title: String,
    facts: Vec<(String, String)>,
}

struct SummaryPerson {
    /// The name, only when the identity data is released.
    name: Option<(String, Option<String>)>,
    sections: Vec<Section>,
}

#[derive(Template)]
#[template(path = "cases/handover_summary.html")]
struct SummaryTpl {
    page: Page,
    case_id: i64,
    summary: Option<HandoverSummary>,
    persons: Vec<SummaryPerson>,
    /// Why no summary can be made.
    refusal: Option<String>,
    prepared_on: String,
}

/// A released value as text, labelled in `tr`'s language (German on a printout). Which fields a
/// category holds is decided in the core (`releases::fields_of`); this only labels and formats.
pub(super) fn released_text(page: &crate::i18n::Tr, v: &Released) -> String {
    match v {
        Released::Missing => "–".into(),
        Released::Text(t) => t.clone(),
        Released::Date(d) => d.format("%d.%m.%Y").to_string(),
        Released::Year(y) => y.to_string(),
        Released::Name { latin, original } => match original {
            Some(o) => format!("{latin} ({o})"),
            None => latin.clone(),
        },
        Released::Listed { list, values } => values
            .iter()
            .map(|v| page.label(list, v))
            .collect::<Vec<_>>()
            .join(", "),
        Released::Languages(l) => l
            .iter()
            .map(|LanguageEntry { code, level }| {
                format!(
                    "{} ({})",
                    page.label("lang", code),
                    page.label("language-level", level)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn section(page: &Page, d: &Disclosure) -> Section {
    Section {
        title: page.label("data-category", d.category.as_str()),
        facts: d
            .fields
            .iter()
            // The name heads the person's section.
            .filter(|(f, _)| *f != ReleasedField::Name)
            .map(|(f, v)| {
                (
                    page.label("released-field", f.as_str()),
                    released_text(&page.tr, v),
                )
            })
            .collect(),
    }
}

pub async fn summary(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, org)): Ids<(i64, i64)>,
) -> AppResult<Response> {
    let mut page = a.page.at("cases");
    page.title = page.t("case-summary-title");
    let prepared_on = page.date(a.ctx.today());
    match cases::handover_summary(&state.db, &a.ctx, id, org).await {
        Ok(s) => {
            let persons = s
                .persons
                .iter()
                .map(|p| SummaryPerson {
                    name: p
                        .name()
                        .map(|(n, o)| (n.to_string(), o.map(str::to_string))),
                    sections: p.disclosures.iter().map(|d| section(&page, d)).collect(),
                })
                .collect();
            Ok(render(&SummaryTpl {
                page,
                case_id: id,
                summary: Some(s),
                persons,
                refusal: None,
                prepared_on,
            }))
        }
        Err(Error::Conflict(key)) => {
            let refusal = Some(page.t(key));
            Ok(render_status(
                &SummaryTpl {
                    page,
                    case_id: id,
                    summary: None,
                    persons: vec![],
                    refusal,
                    prepared_on,
                },
                // A refusal the page explains, with the status of any conflict.
                status_of(&Error::Conflict(key)),
            ))
        }
        Err(e) => Err(AppError(e)),
    }
}
