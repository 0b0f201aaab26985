//! Counselling contacts (the quick form, editing), follow-ups (set, done, moved) and a case's
//! timeline. The confidential note travels only in POST bodies and pages, never in a URL.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::administration::fields::{self, Field};
use ankommen_core::casework::contacts::{self, ContactForm, FormChoices};
use ankommen_core::casework::followups;
use ankommen_core::casework::timeline::{self, Filter, Item, Kind, Timeline};
use ankommen_core::kernel::catalog::{ContactKind, InterpreterType, LANGUAGES};

use super::{done, full_name, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/contacts/new", get(new_form).post(create))
        .route("/contacts/{id}", get(edit_form).post(update))
        .route("/cases/{id}/followups", post(create_followup))
        .route("/followups/{id}/done", post(followup_done))
        .route("/followups/{id}/move", post(followup_move))
        .route("/cases/{id}/timeline", get(show_timeline))
}

// ---------------------------------------------------------------------------------------------
// The contact form

#[derive(Template)]
#[template(path = "contacts/form.html")]
struct FormTpl {
    page: Page,
    /// Where the form posts to.
    action: String,
    case_id: i64,
    case_number: String,
    /// A new contact (with the optional follow-up) or an edit (with the version).
    is_new: bool,
    form: FormView,
    persons: Vec<(String, String)>,
    topics: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    interpreter_types: Vec<(String, String)>,
    today: String,
}

pub(super) fn form_of(f: &FormData) -> ContactForm {
    ContactForm {
        date: f.get("date").into(),
        minutes: f.get("minutes").into(),
        kind: f.get("kind").into(),
        topics: f.all("topics"),
        interpreter_language: f.get("interpreter_language").into(),
        interpreter_type: f.get("interpreter_type").into(),
        persons: f.all("persons"),
        note: f.get("note").into(),
        followup_on: f.get("followup_on").into(),
        followup_reason: f.get("followup_reason").into(),
    }
}

fn topic_choices(fields: &[Field], lang: &str) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| (f.key.clone(), f.label(lang).to_string()))
        .collect()
}

pub(super) fn form_page(
    a: Authed,
    ch: FormChoices,
    action: String,
    is_new: bool,
    form: FormView,
    status: StatusCode,
) -> Response {
    let mut page = a.page.at("cases");
    page.title = page.t(if is_new {
        "contact-new-title"
    } else {
        "contact-edit-title"
    });
    let lang = page.lang();
    let tpl = FormTpl {
        action,
        case_id: ch.case.id,
        case_number: ch.case.case_number.clone(),
        is_new,
        form,
        persons: ch
            .persons
            .iter()
            .map(|p| (p.id.to_string(), full_name(p)))
            .collect(),
        topics: topic_choices(&ch.fields, lang),
        kinds: ContactKind::ALL
            .iter()
            .map(|k| (k.to_string(), page.label("contact-kind", k)))
            .collect(),
        languages: LANGUAGES
            .iter()
            .map(|l| (l.to_string(), page.label("lang", l)))
            .collect(),
        interpreter_types: InterpreterType::ALL
            .iter()
            .map(|k| (k.to_string(), page.label("interpreter-type", k)))
            .collect(),
        today: a.ctx.today().to_string(),
        page,
    };
    render_status(&tpl, status)
}

/// `GET /cases/{id}/contacts/new`: today, all persons of the case, the usual kind.
pub async fn new_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let ch = contacts::new_form(&state.db, &a.ctx, id).await?;
    let mut pairs = vec![
        ("date".to_string(), a.ctx.today().to_string()),
        (
            "kind".to_string(),
            ContactKind::OfficeAppointment.to_string(),
        ),
    ];
    pairs.extend(
        ch.persons
            .iter()
            .map(|p| ("persons".into(), p.id.to_string())),
    );
    let form = FormView::from_pairs(pairs);
    Ok(form_page(
        a,
        ch,
        format!("/cases/{id}/contacts/new"),
        true,
        form,
        StatusCode::OK,
    ))
}

/// `POST /cases/{id}/contacts/new`
pub async fn create(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = contacts::record(&state.db, &a.ctx, &state.sealer, id, &form_of(&form))
        .await
        .map(|_| {
            done(
                &format!("/cases/{id}"),
                "contact-flash-recorded",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            // A closed case has no form to go back to: the message is the page.
            let ch = contacts::new_form(&state.db, &a.ctx, id).await?;
            Ok(form_page(
                a,
                ch,
                format!("/cases/{id}/contacts/new"),
                true,
                view,
                status,
            ))
        },
    )
    .await
}

/// `GET /contacts/{id}`: the stored contact with its opened note.
pub async fn edit_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let v = contacts::get(&state.db, &a.ctx, &state.sealer, id).await?;
    let k = &v.contact;
    let mut pairs: Vec<(String, String)> = vec![
        ("date".into(), k.contact_date.to_string()),
        (
            "minutes".into(),
            k.minutes.map(|m| m.to_string()).unwrap_or_default(),
        ),
        ("kind".into(), k.contact_kind.clone()),
        (
            "interpreter_language".into(),
            k.interpreter_language.clone().unwrap_or_default(),
        ),
        (
            "interpreter_type".into(),
            k.interpreter_type.clone().unwrap_or_default(),
        ),
        ("version".into(), k.version.to_string()),
    ];
    pairs.extend(v.topics.iter().map(|t| ("topics".into(), t.clone())));
    pairs.extend(v.persons.iter().map(|p| ("persons".into(), p.to_string())));
    let form = FormView::from_pairs(pairs).with_sealed("note", v.note.as_ref(), &a.page.tr);
    Ok(form_page(
        a,
        v.choices,
        format!("/contacts/{id}"),
        false,
        form,
        StatusCode::OK,
    ))
}

/// `POST /contacts/{id}`
pub async fn update(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version() {
        Ok(v) => contacts::update(&state.db, &a.ctx, &state.sealer, id, v, &form_of(&form)).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|case_id| {
        done(
            &format!("/cases/{case_id}/timeline"),
            "contact-flash-updated",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let ch = contacts::edit_choices(&state.db, &a.ctx, id).await?;
            Ok(form_page(
                a,
                ch,
                format!("/contacts/{id}"),
                false,
                view,
                status,
            ))
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Follow-ups

#[derive(Template)]
#[template(path = "contacts/followup.html")]
struct FollowupTpl {
    page: Page,
    case_id: i64,
    /// Where the form posts to.
    action: String,
    /// Moving an existing follow-up (date only) or setting a new one.
    moving: bool,
    form: FormView,
}

fn followup_page(
    a: Authed,
    case_id: i64,
    action: String,
    moving: bool,
    form: FormView,
    status: StatusCode,
) -> Response {
    let mut page = a.page.at("cases");
    page.title = page.t(if moving {
        "followup-move-title"
    } else {
        "followup-new-title"
    });
    render_status(
        &FollowupTpl {
            page,
            case_id,
            action,
            moving,
            form,
        },
        status,
    )
}

/// `POST /cases/{id}/followups`
pub async fn create_followup(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = followups::create(
        &state.db,
        &a.ctx,
        &state.sealer,
        id,
        form.get("followup_on"),
        form.get("followup_reason"),
    )
    .await
    .map(|_| {
        done(
            &format!("/cases/{id}#followups"),
            "followup-flash-created",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let action = format!("/cases/{id}/followups");
            Ok(followup_page(a, id, action, false, view, status))
        },
    )
    .await
}

/// `POST /followups/{id}/done`
pub async fn followup_done(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version()?;
    let case_id = followups::done(&state.db, &a.ctx, &state.sealer, id, version).await?;
    Ok(done(
        &format!("/cases/{case_id}#followups"),
        "followup-flash-done",
        state.config.secure_cookies,
    ))
}

/// `POST /followups/{id}/move`
pub async fn followup_move(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version() {
        Ok(v) => {
            followups::move_to(&state.db, &a.ctx, &state.sealer, id, v, form.get("move_to")).await
        }
        Err(e) => Err(e),
    };
    let saved = result.map(|case_id| {
        done(
            &format!("/cases/{case_id}#followups"),
            "followup-flash-moved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let case_id = form.get("case_id").trim().parse().unwrap_or(0);
            Ok(followup_page(
                a,
                case_id,
                format!("/followups/{id}/move"),
                true,
                view,
                status,
            ))
        },
    )
    .await
}

/// A follow-up as the case page lists it.
pub(crate) struct FollowupRow {
    pub id: i64,
    pub version: i32,
    pub due_on: String,
    pub first_due_on: Option<String>,
    pub reason: String,
    pub done_on: Option<String>,
    pub due: bool,
    pub overdue: bool,
}

/// The follow-ups section of the case page (`contacts/_case_followups.html`), from the rows the
/// case workspace read.
pub(crate) fn followup_rows(page: &Page, rows: &[followups::Row]) -> Vec<FollowupRow> {
    rows.iter()
        .map(|r| FollowupRow {
            id: r.followup.id,
            version: r.followup.version,
            due_on: page.date(r.followup.due_on),
            first_due_on: r.followup.first_due_on.map(|d| page.date(d)),
            reason: page.sealed(&r.followup.reason),
            done_on: r.followup.done_on.map(|d| page.date(d)),
            due: r.due,
            overdue: r.overdue,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The timeline

/// One entry, ready to show.
struct TlRow {
    date: String,
    kind: &'static str,
    kind_label: String,
    title: String,
    lines: Vec<String>,
    note: Option<String>,
    by: Option<String>,
    /// (href, text) of the place to act.
    link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "contacts/timeline.html")]
struct TimelineTpl {
    page: Page,
    t: Timeline,
    /// Whose timeline (`cases/_who.html`).
    who: super::cases::Who,
    rows: Vec<TlRow>,
    kinds: Vec<(&'static str, String, bool)>,
    persons: Vec<(String, String)>,
    person: String,
    /// The filter as a query string for the page links (kinds and person only).
    query: String,
    page_numbers: Vec<usize>,
    /// The filter's errors (a value outside its choices).
    form: FormView,
}

fn outcome_line(page: &Page, o: &ankommen_store::entities::outcome::Model) -> String {
    super::outcomes::describe(page, o)
}

fn rows(
    page: &Page,
    t: &Timeline,
    fields: &[Field],
    municipalities: &[(String, String)],
) -> Vec<TlRow> {
    let name_of = |id: i64| {
        t.persons
            .iter()
            .find(|p| p.id == id)
            .map(full_name)
            .unwrap_or_default()
    };
    let lang = page.lang();
    t.entries
        .iter()
        .map(|e| {
            let mut lines = Vec::new();
            let mut note = None;
            let mut link = None;
            let title = match &e.item {
                Item::Contact(c) => {
                    let k = &c.contact;
                    let mut title = page.label("contact-kind", &k.contact_kind);
                    if let Some(m) = k.minutes {
                        title = format!(
                            "{title} ({})",
                            page.tn("contact-minutes-n", "minutes", m as i64)
                        );
                    }
                    lines.push(format!(
                        "{}: {}",
                        page.t("contact-participants"),
                        c.persons
                            .iter()
                            .map(|p| name_of(*p))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    if !c.topics.is_empty() {
                        lines.push(format!(
                            "{}: {}",
                            page.t("contact-topics"),
                            c.topics
                                .iter()
                                .map(|t| fields::label(fields, t, lang).to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    if let (Some(l), Some(ty)) = (&k.interpreter_language, &k.interpreter_type) {
                        lines.push(format!(
                            "{}: {} ({})",
                            page.t("contact-interpreter"),
                            page.label("lang", l),
                            page.label("interpreter-type", ty)
                        ));
                    }
                    note = c.note.as_ref().map(|n| page.sealed(n));
                    link = Some((format!("/contacts/{}", k.id), page.t("contact-edit-link")));
                    title
                }
                Item::Note(n) => {
                    lines.push(page.sealed(&n.text));
                    page.t("timeline-case-note")
                }
                Item::FollowupSet(f) => {
                    lines.push(page.sealed(&f.reason));
                    page.t1("timeline-followup-set", "date", page.date(f.due_on))
                }
                Item::FollowupDone(f) => {
                    lines.push(page.sealed(&f.reason));
                    page.t("timeline-followup-done")
                }
                Item::CaseEvent(ev, other) => {
                    if let Some(o) = other {
                        lines.push(format!("→ {o}"));
                    }
                    if let Some(d) = &ev.detail {
                        lines.push(super::cases::event_detail(
                            page,
                            &ev.kind,
                            d,
                            municipalities,
                            fields,
                        ));
                    }
                    // The goal in the client's words, beside its field of action.
                    if let Some(g) = &e.goal {
                        lines.push(page.sealed(g));
                    }
                    if let Some(r) = &ev.reason {
                        lines.push(page.sealed(r));
                    }
                    page.label("case-event", &ev.kind)
                }
                Item::Review(r) => {
                    lines.extend(r.participants.clone());
                    for s in [&r.summary, &r.changes].into_iter().flatten() {
                        lines.push(page.sealed(s));
                    }
                    page.t("timeline-review")
                }
                Item::Outcome(o) => {
                    lines.push(outcome_line(page, o));
                    link = Some((
                        format!("/clients/{}/outcomes", o.person_id),
                        page.t("outcome-link"),
                    ));
                    page.label("outcome-type", &o.outcome_type)
                }
                Item::ConsentGiven(c) => {
                    lines.push(format!(
                        "{} ({})",
                        c.text_version,
                        page.label("lang", &c.language)
                    ));
                    page.t("timeline-consent-given")
                }
                Item::ConsentWithdrawn(_) => page.t("timeline-consent-withdrawn"),
                Item::ReleaseCreated(r) => {
                    lines.push(r.recipient_name.clone());
                    link = Some((
                        format!("/releases/{}", r.id),
                        page.t("timeline-release-link"),
                    ));
                    page.t("timeline-release-created")
                }
                Item::ReleaseRevoked(r) => {
                    lines.push(r.recipient_name.clone());
                    page.t("timeline-release-revoked")
                }
                Item::Referral(r, reason) => {
                    let result = r.result.as_deref().unwrap_or("pending");
                    lines.push(format!(
                        "{}: {}",
                        page.t("referral-result"),
                        page.label("referral-result", result)
                    ));
                    note = reason.as_ref().map(|n| page.sealed(n));
                    if r.person_id.is_none() {
                        lines.push(page.t("referral-household"));
                    }
                    page.t1("timeline-referral", "service", &r.service_name)
                }
                Item::Course(r, status) => {
                    lines.push(format!(
                        "{} ({}: {})",
                        page.label("course-type", &r.course_type),
                        page.t("course-level-aimed"),
                        r.level_aimed
                    ));
                    if *status == ankommen_core::kernel::catalog::CourseStatus::Finished
                        && let Some(l) = &r.level_achieved
                    {
                        lines.push(format!("{}: {l}", page.t("course-level-achieved")));
                    }
                    page.t1(
                        "timeline-course",
                        "status",
                        page.label("course-status", status),
                    )
                }
                Item::VolunteerMatch(m, volunteer, purpose) => {
                    if let Some(u) = m.until_date {
                        lines.push(format!(
                            "{}: {}",
                            page.t("volunteer-match-until"),
                            page.date(u)
                        ));
                    }
                    note = purpose.as_ref().map(|n| page.sealed(n));
                    page.t1("timeline-volunteer", "volunteer", volunteer)
                }
            };
            let title = match e.person {
                Some(p) => format!("{title} – {}", name_of(p)),
                None => title,
            };
            TlRow {
                date: page.date(e.date),
                kind: e.kind.as_str(),
                kind_label: page.label("timeline-kind", e.kind.as_str()),
                title,
                lines,
                note,
                by: e.by.clone(),
                link,
            }
        })
        .collect()
}

/// `GET /cases/{id}/timeline?show=contact&show=outcome&person=12&page=2`
pub async fn show_timeline(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let (filter, mut errors) = Filter::parse(&q.all("show"), q.get("person"), q.get("page"));
    let t = timeline::get(&state.db, &a.ctx, &state.sealer, id, filter).await?;
    // A filter value outside its choices: said next to the filter (422), the timeline shown
    // without it.
    errors.0.extend(t.errors.0.iter().cloned());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        crate::error::status_of(&ankommen_core::Error::Invalid(errors.clone()))
    };
    let form = FormView::new().with_errors(&errors, &a.page.tr);
    let catalog = fields::all(state.db.reader()).await?;
    let mut page = a.page.at("cases");
    page.title = page.t1("timeline-title", "number", &t.case.case_number);
    let municipalities: Vec<(String, String)> =
        ankommen_core::administration::municipalities::list(&state.db)
            .await?
            .into_iter()
            .map(|m| (m.ags, m.name))
            .collect();
    let rows = rows(&page, &t, &catalog, &municipalities);
    let kinds = Kind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str(),
                page.label("timeline-kind", k.as_str()),
                t.filter.kinds.contains(k),
            )
        })
        .collect();
    let mut query: Vec<(String, String)> = t
        .filter
        .kinds
        .iter()
        .map(|k| ("show".to_string(), k.as_str().to_string()))
        .collect();
    if let Some(p) = t.filter.person {
        query.push(("person".into(), p.to_string()));
    }
    let query = serde_urlencoded::to_string(&query).unwrap_or_default();
    let tpl = TimelineTpl {
        who: super::cases::Who::of(&t.case, &t.persons),
        page_numbers: (1..=t.pages).collect(),
        persons: t
            .persons
            .iter()
            .map(|p| (p.id.to_string(), full_name(p)))
            .collect(),
        person: t.filter.person.map(|p| p.to_string()).unwrap_or_default(),
        rows,
        kinds,
        query,
        form,
        page,
        t,
    };
    Ok(render_status(&tpl, status))
}
