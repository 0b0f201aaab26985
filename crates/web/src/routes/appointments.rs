//! Appointments (issue 24, decision 0034): booking from a case (conflicts shown before saving),
//! the appointment's page with its history, moving, cancelling, missed, the contact of a held
//! appointment in one step, the letter, and the day of home visits. Purposes travel only in POST
//! bodies and pages, never in a URL.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::casework::appointments::{
    self, AppointmentForm, AppointmentView, Clash, Conflict, DayAppointment, FormChoices,
    LetterChoices, MoveForm, Slot,
};
use ankommen_core::kernel::catalog::{BringItem, ChangeReason, LANGUAGES, PlaceKind};
use ankommen_core::kernel::types::Locale;
use ankommen_documents as documents;
use ankommen_store::entities::appointment;

use super::plans::{LanguageRow, print_languages, print_warning};
use super::{done, full_name, render_status, saved_or_reshown};
use crate::AppState;
use crate::download::file_download;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::i18n::Tr;
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/appointments/new", get(new_form).post(create))
        .route("/appointments/{id}", get(show))
        .route("/appointments/{id}/move", post(move_it))
        .route("/appointments/{id}/cancel", post(cancel))
        .route("/appointments/{id}/missed", post(missed))
        .route(
            "/appointments/{id}/contact",
            get(contact_form).post(record_contact),
        )
        .route(
            "/appointments/{id}/letter",
            get(letter_page).post(print_letter),
        )
        .route("/home-visits", get(home_visits))
}

/// A conflict as the form lists it.
pub(crate) struct ConflictRow {
    pub when: String,
    pub what: String,
}

fn conflict_rows(page: &Page, list: &[Conflict]) -> Vec<ConflictRow> {
    list.iter()
        .map(|c| ConflictRow {
            when: format!(
                "{}, {}–{}",
                page.date(c.date),
                c.start.format("%H:%M"),
                c.end.format("%H:%M")
            ),
            what: match &c.clash {
                Clash::Own(n) => page.t1("appointment-conflict-own", "number", n),
                Clash::OwnOfficeHours => page.t("appointment-conflict-own-office-hours"),
                Clash::Room => page.t("appointment-conflict-room"),
                Clash::RoomOfficeHours => page.t("appointment-conflict-room-office-hours"),
            },
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Booking

#[derive(Template)]
#[template(path = "appointments/form.html")]
struct FormTpl {
    page: Page,
    form: FormView,
    case_id: i64,
    case_number: String,
    persons: Vec<(String, String)>,
    places: Vec<(String, String)>,
    office_hours: Vec<(String, String)>,
    rooms: Vec<(String, String)>,
    services: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    fields: Vec<(String, String)>,
    bring: Vec<(String, String)>,
    conflicts: Vec<ConflictRow>,
    today: String,
}

fn form_of(f: &FormData) -> AppointmentForm {
    AppointmentForm {
        person: f.get("person").into(),
        date: f.get("date").into(),
        starts_at: f.get("starts_at").into(),
        minutes: f.get("minutes").into(),
        place_kind: f.get("place_kind").into(),
        office_hour: f.get("office_hour").into(),
        room: f.get("room").into(),
        service: f.get("service").into(),
        place_note: f.get("place_note").into(),
        interpreter_language: f.get("interpreter_language").into(),
        field: f.get("field").into(),
        purpose: f.get("purpose").into(),
        bring: f.all("bring"),
        bring_other: f.get("bring_other").into(),
        confirm_conflicts: !f.get("confirm_conflicts").is_empty(),
    }
}

/// An ISO weekday (1 = Monday) as the day lists abbreviate it.
pub(crate) fn weekday_label(page: &Page, weekday: i32) -> String {
    page.label("weekday", (weekday - 1).clamp(0, 6))
}

fn form_page(
    a: Authed,
    ch: FormChoices,
    form: FormView,
    conflicts: &[Conflict],
    status: StatusCode,
) -> Response {
    let mut page = a.page.at("cases");
    page.title = page.t("appointment-new-title");
    let lang = page.lang();
    let tpl = FormTpl {
        case_id: ch.case.id,
        case_number: ch.case.case_number.clone(),
        persons: ch
            .persons
            .iter()
            .map(|p| (p.id.to_string(), full_name(p)))
            .collect(),
        places: PlaceKind::ALL
            .iter()
            .map(|k| (k.to_string(), page.label("place-kind", k)))
            .collect(),
        office_hours: ch
            .office_hours
            .iter()
            .map(|(o, r)| {
                (
                    o.id.to_string(),
                    format!(
                        "{} {}–{}{}",
                        weekday_label(&page, o.weekday),
                        o.starts_at,
                        o.ends_at,
                        r.as_ref()
                            .map(|r| format!(", {} ({})", r.name, r.city))
                            .unwrap_or_default()
                    ),
                )
            })
            .collect(),
        rooms: ch
            .rooms
            .iter()
            .map(|r| (r.id.to_string(), format!("{}, {}", r.name, r.city)))
            .collect(),
        services: ch
            .services
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
        languages: LANGUAGES
            .iter()
            .map(|l| (l.to_string(), page.label("lang", l)))
            .collect(),
        fields: ch
            .fields
            .iter()
            .map(|f| (f.key.clone(), f.label(lang).to_string()))
            .collect(),
        bring: BringItem::ALL
            .iter()
            .map(|b| (b.to_string(), page.label("bring-item", b)))
            .collect(),
        conflicts: conflict_rows(&page, conflicts),
        today: a.ctx.today().to_string(),
        form,
        page,
    };
    render_status(&tpl, status)
}

/// `GET /cases/{id}/appointments/new`: tomorrow at 10, 60 minutes, the only person or the
/// household, the interpreter language recorded for the clients.
async fn new_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let ch = appointments::new_form(&state.db, &a.ctx, id).await?;
    let mut pairs = vec![
        (
            "date".to_string(),
            (a.ctx.today() + chrono::Duration::days(1)).to_string(),
        ),
        ("starts_at".into(), "10:00".into()),
        ("minutes".into(), "60".into()),
        (
            "person".into(),
            match ch.persons.as_slice() {
                [only] => only.id.to_string(),
                _ => "household".into(),
            },
        ),
        ("bring".into(), BringItem::ThisLetter.to_string()),
    ];
    if let Some(l) = &ch.interpreter_hint {
        pairs.push(("interpreter_language".into(), l.clone()));
    }
    if let Some((o, _)) = ch.office_hours.first() {
        pairs.push(("place_kind".into(), PlaceKind::OfficeHours.to_string()));
        pairs.push(("office_hour".into(), o.id.to_string()));
    } else {
        pairs.push(("place_kind".into(), PlaceKind::HomeVisit.to_string()));
    }
    Ok(form_page(
        a,
        ch,
        FormView::from_pairs(pairs),
        &[],
        StatusCode::OK,
    ))
}

/// `POST /cases/{id}/appointments/new`: saved, or shown again with the conflicts to confirm.
async fn create(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let typed = form_of(&form);
    let saved = appointments::book(&state.db, &a.ctx, id, &typed)
        .await
        .map(|aid| {
            done(
                &format!("/appointments/{aid}"),
                "appointment-flash-booked",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let conflicts = appointments::form_conflicts(&state.db, &a.ctx, &typed).await?;
            let ch = appointments::new_form(&state.db, &a.ctx, id).await?;
            Ok(form_page(a, ch, view, &conflicts, status))
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The appointment's page

pub(crate) struct HistoryRow {
    pub when: String,
    pub change: String,
    pub detail: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "appointments/show.html")]
struct ShowTpl {
    page: Page,
    form: FormView,
    /// Which form failed (`move`, `cancel`, `missed`), to show its errors by it.
    failed: String,
    v: AppointmentView,
    when: String,
    with: String,
    place: String,
    status: String,
    interpreter: Option<String>,
    field: Option<String>,
    bring: Vec<String>,
    history: Vec<HistoryRow>,
    reasons: Vec<(String, String)>,
    conflicts: Vec<ConflictRow>,
    planned: bool,
}

pub(crate) fn when_of(page: &Page, a: &appointment::Model) -> String {
    format!("{}, {}", page.date_wd(a.appointment_date), times_of(a))
}

/// `HH:MM–HH:MM` of a stored appointment.
fn times_of(a: &appointment::Model) -> String {
    Slot::parse(a.appointment_date, &a.starts_at, a.minutes)
        .map(|s| s.times())
        .unwrap_or_else(|| a.starts_at.clone())
}

/// The place in one line: its kind, and the room, service or note.
pub(crate) fn place_line(page: &Page, p: &appointments::Place) -> String {
    let kind = page.label("place-kind", p.kind);
    match p.address() {
        Some(addr) => format!("{kind}: {addr}"),
        None => kind,
    }
}

async fn show_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    failed: &str,
    conflicts: &[Conflict],
    status: StatusCode,
) -> AppResult<Response> {
    let v = appointments::get(&state.db, &a.ctx, id).await?;
    let mut page = a.page.at("cases");
    page.title = page.t("appointment-title");
    let ap = &v.appointment;
    let history = v
        .history
        .iter()
        .map(|(c, by)| HistoryRow {
            when: page.datetime(&c.changed_at),
            change: page.label("appointment-change", &c.change),
            detail: match (&c.old_date, &c.old_starts_at, &c.new_date, &c.new_starts_at) {
                (Some(od), Some(ot), Some(nd), Some(nt)) => {
                    format!("{} {} → {} {}", page.date(*od), ot, page.date(*nd), nt)
                }
                (None, None, Some(nd), Some(nt)) => format!("{} {}", page.date(*nd), nt),
                _ => String::new(),
            } + &c
                .reason
                .as_ref()
                .map(|r| format!(" ({})", page.label("appointment-reason", r)))
                .unwrap_or_default(),
            by: by.clone(),
        })
        .collect();
    let tpl = ShowTpl {
        when: when_of(&page, ap),
        with: match &v.person {
            Some(p) => full_name(p),
            None => v
                .persons
                .iter()
                .map(full_name)
                .collect::<Vec<_>>()
                .join(", "),
        },
        place: place_line(&page, &v.place),
        status: page.label("appointment-status", &ap.status),
        interpreter: ap
            .interpreter_language
            .as_ref()
            .map(|l| page.label("lang", l)),
        field: ap.field_of_action.as_ref().map(|k| {
            ankommen_core::administration::fields::label(&v.fields, k, page.lang()).to_string()
        }),
        bring: ap
            .bring_items
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| page.label("bring-item", k))
            .chain(ap.bring_other.iter().cloned())
            .collect(),
        history,
        reasons: ChangeReason::ALL
            .iter()
            .map(|r| (r.to_string(), page.label("appointment-reason", r)))
            .collect(),
        conflicts: conflict_rows(&page, conflicts),
        planned: ap.status == "planned",
        failed: failed.to_string(),
        form,
        v,
        page,
    };
    Ok(render_status(&tpl, status))
}

/// `GET /appointments/{id}`
async fn show(State(state): State<AppState>, a: Authed, Ids(id): Ids<i64>) -> AppResult<Response> {
    show_page(&state, a, id, FormView::default(), "", &[], StatusCode::OK).await
}

fn move_form(f: &FormData) -> MoveForm {
    MoveForm {
        date: f.get("date").into(),
        starts_at: f.get("starts_at").into(),
        minutes: f.get("minutes").into(),
        reason: f.get("reason").into(),
        confirm_conflicts: !f.get("confirm_conflicts").is_empty(),
    }
}

/// A change from the appointment's page: back to it with a flash, or the page again with the
/// errors by the form that failed.
async fn changed(
    state: AppState,
    a: Authed,
    id: i64,
    form: &FormData,
    (which, flash): (&'static str, &'static str),
    result: Result<i64, Error>,
    conflicts: Vec<Conflict>,
) -> AppResult<Response> {
    let saved = result.map(|_| {
        done(
            &format!("/appointments/{id}"),
            flash,
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(form),
        a.page.tr,
        |view, status| async move {
            show_page(&state, a, id, view, which, &conflicts, status).await
        },
    )
    .await
}

/// `POST /appointments/{id}/move`
async fn move_it(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(AppError)?;
    let m = move_form(&form);
    let result = appointments::reschedule(&state.db, &a.ctx, id, version, &m).await;
    let conflicts = match &result {
        Err(Error::Invalid(f)) if f.get("confirm_conflicts").is_some() => {
            appointments::move_conflicts(&state.db, &a.ctx, id, &m).await?
        }
        _ => Vec::new(),
    };
    changed(
        state,
        a,
        id,
        &form,
        ("move", "appointment-flash-moved"),
        result,
        conflicts,
    )
    .await
}

/// `POST /appointments/{id}/cancel`
async fn cancel(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(AppError)?;
    let result = appointments::cancel(&state.db, &a.ctx, id, version, form.get("reason")).await;
    changed(
        state,
        a,
        id,
        &form,
        ("cancel", "appointment-flash-cancelled"),
        result,
        Vec::new(),
    )
    .await
}

/// `POST /appointments/{id}/missed`
async fn missed(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(AppError)?;
    let result = appointments::mark_missed(&state.db, &a.ctx, id, version).await;
    changed(
        state,
        a,
        id,
        &form,
        ("missed", "appointment-flash-missed"),
        result,
        Vec::new(),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Held: the contact in one step

/// `GET /appointments/{id}/contact`: the contact form, filled in from the appointment.
async fn contact_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let (ch, f, _) = appointments::contact_form(&state.db, &a.ctx, id).await?;
    let mut pairs = vec![
        ("date".to_string(), f.date),
        ("minutes".into(), f.minutes),
        ("kind".into(), f.kind),
        ("interpreter_language".into(), f.interpreter_language),
    ];
    pairs.extend(f.topics.into_iter().map(|t| ("topics".to_string(), t)));
    pairs.extend(f.persons.into_iter().map(|p| ("persons".to_string(), p)));
    Ok(super::contacts::form_page(
        a,
        ch,
        format!("/appointments/{id}/contact"),
        true,
        FormView::from_pairs(pairs),
        StatusCode::OK,
    ))
}

/// `POST /appointments/{id}/contact`: the contact recorded and the appointment held, or the form
/// again as typed.
async fn record_contact(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = appointments::record_held(
        &state.db,
        &a.ctx,
        &state.sealer,
        id,
        &super::contacts::form_of(&form),
    )
    .await
    .map(|case_id| {
        done(
            &format!("/cases/{case_id}"),
            "appointment-flash-held",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let (ch, _, _) = appointments::contact_form(&state.db, &a.ctx, id).await?;
            Ok(super::contacts::form_page(
                a,
                ch,
                format!("/appointments/{id}/contact"),
                true,
                view,
                status,
            ))
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The letter

#[derive(Template)]
#[template(path = "appointments/letter.html")]
struct LetterTpl {
    page: Page,
    form: FormView,
    id: i64,
    case_number: String,
    when: String,
    languages: Vec<LanguageRow>,
    print_warning: Option<String>,
}

fn letter_view(a: Authed, ch: LetterChoices, form: FormView, status: StatusCode) -> Response {
    let mut page = a.page.at("cases");
    page.title = page.t("appointment-letter-title");
    let mut languages = print_languages(&ch.languages);
    if !form.v("lang").is_empty() && languages.iter().any(|l| l.code == form.v("lang")) {
        for l in &mut languages {
            l.selected = l.code == form.v("lang");
        }
    }
    let tpl = LetterTpl {
        id: ch.appointment.id,
        case_number: ch.case_number.clone(),
        when: when_of(&page, &ch.appointment),
        print_warning: print_warning(&page, &languages),
        languages,
        form,
        page,
    };
    render_status(&tpl, status)
}

/// `GET /appointments/{id}/letter`: the language to print in.
async fn letter_page(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let ch = appointments::letter_form(&state.db, &a.ctx, id).await?;
    Ok(letter_view(a, ch, FormView::default(), StatusCode::OK))
}

/// `POST /appointments/{id}/letter`: the letter as PDF.
async fn print_letter(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let lang = form.get("lang").trim().to_string();
    let printed = if documents::is_supported(&lang) {
        match appointments::letter(&state.db, &a.ctx, id).await {
            Ok(p) => {
                let interpreter = p
                    .interpreter
                    .as_ref()
                    .map(|l| (l.clone(), Tr::new(Locale::De).label("lang", l)));
                letter_pdf(id, lang, p, interpreter).await
            }
            Err(e) => Err(e),
        }
    } else {
        Err(Error::field("print-lang", "error-choice"))
    };
    saved_or_reshown(
        printed,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let ch = appointments::letter_form(&state.db, &a.ctx, id).await?;
            Ok(letter_view(a, ch, view, status))
        },
    )
    .await
}

async fn letter_pdf(
    id: i64,
    lang: String,
    p: appointments::LetterPrint,
    interpreter: Option<(String, String)>,
) -> Result<Response, Error> {
    let letter = documents::AppointmentLetter {
        organisation: p.issuer.organisation,
        im_name: p.issuer.im_name,
        im_email: p.im_email,
        municipality: p.issuer.municipality,
        on: p.slot.date,
        starts_at: p.slot.start.format("%H:%M").to_string(),
        minutes: p.slot.minutes,
        place_kind: p.place.kind.to_string(),
        address: p.place.address(),
        place_note: p.place.note.clone(),
        accessibility: p.place.room.as_ref().and_then(|r| r.accessibility.clone()),
        interpreter,
        bring: p.bring.iter().map(|b| b.to_string()).collect(),
        bring_other: p.bring_other,
        date: p.date,
    };
    let file_name = format!("termin-{id}-{lang}.pdf");
    let bytes =
        tokio::task::spawn_blocking(move || documents::appointment_letter_pdf(&lang, &letter))
            .await
            .map_err(|e| Error::Internal(format!("PDF task: {e}")))?
            .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(file_download(bytes, "application/pdf", &file_name))
}

// ---------------------------------------------------------------------------------------------
// Lists of a day: the start page and the home visits

/// One appointment of a day list.
#[derive(Clone)]
pub(crate) struct DayRow {
    pub id: i64,
    pub date: chrono::NaiveDate,
    pub time: String,
    pub case_id: i64,
    pub case_number: String,
    pub client: String,
    pub place: String,
    pub home_address: Option<String>,
    pub status: String,
    pub planned: bool,
}

pub(crate) fn day_rows(page: &Page, rows: &[DayAppointment]) -> Vec<DayRow> {
    rows.iter()
        .map(|d| {
            let a = &d.appointment;
            DayRow {
                id: a.id,
                date: a.appointment_date,
                time: times_of(a),
                case_id: a.case_id,
                case_number: d.case_number.clone(),
                client: d.client.clone(),
                place: place_line(page, &d.place),
                home_address: d.home_address.clone(),
                status: page.label("appointment-status", &a.status),
                planned: a.status == "planned",
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "appointments/visits.html")]
struct VisitsTpl {
    page: Page,
    date_label: String,
    prev: String,
    next: String,
    rows: Vec<DayRow>,
}

/// `GET /home-visits?date=…`: the actor's home visits of a day in order, with addresses and one
/// tap to record the contact. Without a date: today.
async fn home_visits(
    State(state): State<AppState>,
    a: Authed,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let on = match q.get("date").trim() {
        "" => a.ctx.today(),
        d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| AppError(Error::field("date", "error-date")))?,
    };
    let rows = appointments::days(&state.db, &a.ctx, on, on, Some(PlaceKind::HomeVisit)).await?;
    let mut page = a.page.at("home-visits");
    page.title = page.t("home-visits-title");
    let tpl = VisitsTpl {
        date_label: page.date(on),
        prev: (on - chrono::Duration::days(1)).to_string(),
        next: (on + chrono::Duration::days(1)).to_string(),
        rows: day_rows(&page, &rows),
        page,
    };
    Ok(super::render(&tpl))
}

// ---------------------------------------------------------------------------------------------
// The case page's list

/// One appointment of the case page.
pub(crate) struct CaseAppointmentRow {
    pub id: i64,
    pub when: String,
    pub place: String,
    pub status: String,
    pub planned: bool,
}

pub(crate) fn case_rows(
    page: &Page,
    v: &ankommen_core::casework::cases::CaseView,
) -> Vec<CaseAppointmentRow> {
    v.appointments
        .iter()
        .map(|a| CaseAppointmentRow {
            id: a.id,
            when: when_of(page, a),
            place: page.label("place-kind", &a.place_kind),
            status: page.label("appointment-status", &a.status),
            planned: a.status == "planned",
        })
        .collect()
}
