//! Rooms and office hours (issue 24, decision 0033): the rooms list and form (municipal officers,
//! the county's administrator), "Meine Sprechstunden" with the form and the days off (IMs, team
//! leads, administrators), and the public, login-free page `/sprechstunden` (see [`public`]).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::administration::office_hours::{self, OfficeHoursForm, SlotView};
use ankommen_core::administration::rooms::{self, RoomForm};

use super::{done, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub mod public;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rooms", get(room_list))
        .route("/rooms/new", get(new_room).post(create_room))
        .route("/rooms/{id}", get(edit_room).post(update_room))
        .route("/office-hours", get(slot_list))
        .route("/office-hours/new", get(new_slot).post(create_slot))
        .route("/office-hours/{id}", get(edit_slot).post(update_slot))
        .route("/office-hours/{id}/days-off", post(add_day_off))
        .route(
            "/office-hours/{id}/days-off/{day}/remove",
            post(remove_day_off),
        )
}

// ---------------------------------------------------------------------------------------------
// Rooms
// ---------------------------------------------------------------------------------------------

struct RoomRow {
    id: i64,
    name: String,
    address: String,
    municipality: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "officehours/rooms.html")]
struct RoomsTpl {
    page: Page,
    rooms: Vec<RoomRow>,
}

/// `GET /rooms`
async fn room_list(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let all = rooms::list(&state.db, &a.ctx).await?;
    let ch = rooms::choices(&state.db, &a.ctx).await?;
    let mut page = a.page.at("rooms");
    page.title = page.t("rooms-title");
    let rows = all
        .into_iter()
        .map(|r| RoomRow {
            id: r.id,
            address: format!("{}, {} {}", r.street, r.postcode, r.city),
            municipality: ch
                .municipalities
                .iter()
                .find(|(ags, _)| *ags == r.municipality_ags)
                .map(|(_, n)| n.clone())
                .unwrap_or(r.municipality_ags),
            name: r.name,
            active: r.active,
        })
        .collect();
    Ok(render(&RoomsTpl { page, rooms: rows }))
}

#[derive(Template)]
#[template(path = "officehours/room_form.html")]
struct RoomFormTpl {
    page: Page,
    form: FormView,
    id: Option<i64>,
    version: i32,
    municipalities: Vec<(String, String)>,
    organisations: Vec<(String, String)>,
}

fn room_form(f: &FormData) -> RoomForm {
    RoomForm {
        municipality: f.get("municipality").into(),
        name: f.get("name").into(),
        street: f.get("street").into(),
        postcode: f.get("postcode").into(),
        city: f.get("city").into(),
        accessibility: f.get("accessibility").into(),
        open_to_all: f.get("open_to_all").into(),
        organisations: f.all("organisations"),
        active: f.get("active").into(),
    }
}

fn room_view(f: &RoomForm) -> FormView {
    let mut pairs: Vec<(String, String)> = vec![
        ("municipality".into(), f.municipality.clone()),
        ("name".into(), f.name.clone()),
        ("street".into(), f.street.clone()),
        ("postcode".into(), f.postcode.clone()),
        ("city".into(), f.city.clone()),
        ("accessibility".into(), f.accessibility.clone()),
        ("open_to_all".into(), f.open_to_all.clone()),
        ("active".into(), f.active.clone()),
    ];
    pairs.extend(
        f.organisations
            .iter()
            .map(|o| ("organisations".to_string(), o.clone())),
    );
    FormView::from_pairs(pairs)
}

async fn room_page(
    state: &AppState,
    a: Authed,
    id: Option<i64>,
    version: i32,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let ch = rooms::choices(&state.db, &a.ctx).await?;
    let mut page = a.page.at("rooms");
    page.title = page.t(if id.is_some() {
        "room-edit-title"
    } else {
        "room-new-title"
    });
    Ok(render_status(
        &RoomFormTpl {
            page,
            form,
            id,
            version,
            municipalities: ch.municipalities,
            organisations: ch
                .organisations
                .into_iter()
                .map(|(i, n)| (i.to_string(), n))
                .collect(),
        },
        status,
    ))
}

/// `GET /rooms/new`
async fn new_room(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let view = FormView::from_pairs([("open_to_all", "yes"), ("active", "yes")]);
    room_page(&state, a, None, 0, view, StatusCode::OK).await
}

/// `POST /rooms/new`
async fn create_room(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let saved = rooms::create(&state.db, &a.ctx, &room_form(&form))
        .await
        .map(|_| done("/rooms", "room-flash-saved", state.config.secure_cookies));
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move { room_page(&state, a, None, 0, view, status).await },
    )
    .await
}

/// `GET /rooms/{id}`
async fn edit_room(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let v = rooms::get(&state.db, &a.ctx, id).await?;
    let view = room_view(&rooms::form_of(&v));
    room_page(&state, a, Some(id), v.room.version, view, StatusCode::OK).await
}

/// `POST /rooms/{id}`
async fn update_room(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(AppError)?;
    let saved = rooms::update(&state.db, &a.ctx, id, version, &room_form(&form))
        .await
        .map(|()| done("/rooms", "room-flash-saved", state.config.secure_cookies));
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move { room_page(&state, a, Some(id), version, view, status).await },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Office hours
// ---------------------------------------------------------------------------------------------

/// A weekday's name (ISO 1–7).
fn weekday_name(page: &Page, w: i32) -> String {
    page.t(&format!("office-hours-weekday-{w}"))
}

struct SlotRow {
    id: i64,
    staff: String,
    when: String,
    room: String,
    languages: String,
    active: bool,
}

fn slot_when(page: &Page, o: &ankommen_store::entities::office_hour::Model) -> String {
    let every = page.t(if o.every_weeks == 2 {
        "office-hours-every-other-week"
    } else {
        "office-hours-every-week"
    });
    format!(
        "{} {}–{} ({every})",
        weekday_name(page, o.weekday),
        o.starts_at,
        o.ends_at
    )
}

fn language_names(page: &Page, o: &ankommen_store::entities::office_hour::Model) -> String {
    office_hours::languages_of(o)
        .into_iter()
        .map(|l| page.t(&format!("lang-{l}")))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Template)]
#[template(path = "officehours/slots.html")]
struct SlotsTpl {
    page: Page,
    slots: Vec<SlotRow>,
    may_add: bool,
}

/// `GET /office-hours`: "Meine Sprechstunden" (and those the actor keeps for others).
async fn slot_list(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let all = office_hours::list(&state.db, &a.ctx).await?;
    let ch = office_hours::choices(&state.db, &a.ctx).await?;
    let mut page = a.page.at("office-hours");
    page.title = page.t("office-hours-title");
    let slots = all
        .iter()
        .map(|s| SlotRow {
            id: s.office_hours.id,
            staff: s.staff_name.clone(),
            when: slot_when(&page, &s.office_hours),
            room: format!("{}, {}", s.room.name, s.room.city),
            languages: language_names(&page, &s.office_hours),
            active: s.office_hours.active,
        })
        .collect();
    Ok(render(&SlotsTpl {
        page,
        slots,
        may_add: !ch.staff.is_empty(),
    }))
}

#[derive(Template)]
#[template(path = "officehours/slot_form.html")]
struct SlotFormTpl {
    page: Page,
    form: FormView,
    id: Option<i64>,
    version: i32,
    staff: Vec<(String, String)>,
    rooms: Vec<(String, String)>,
    weekdays: Vec<(String, String)>,
    every: Vec<(String, String)>,
    /// (key, name in German/English, name in itself)
    languages: Vec<(String, String, String)>,
    /// The slot's days off and next occurrences (an existing slot).
    view: Option<SlotDays>,
    day_off: FormView,
    reasons: Vec<(String, String)>,
}

struct SlotDays {
    days_off: Vec<(i64, String, String)>,
    upcoming: Vec<String>,
}

fn slot_form(f: &FormData) -> OfficeHoursForm {
    OfficeHoursForm {
        staff: f.get("staff").into(),
        room: f.get("room").into(),
        weekday: f.get("weekday").into(),
        starts_at: f.get("starts_at").into(),
        ends_at: f.get("ends_at").into(),
        every_weeks: f.get("every_weeks").into(),
        starts_on: f.get("starts_on").into(),
        ends_on: f.get("ends_on").into(),
        languages: f.all("languages"),
        public_note: f.get("public_note").into(),
        active: f.get("active").into(),
    }
}

fn slot_view(f: &OfficeHoursForm) -> FormView {
    let mut pairs: Vec<(String, String)> = vec![
        ("staff".into(), f.staff.clone()),
        ("room".into(), f.room.clone()),
        ("weekday".into(), f.weekday.clone()),
        ("starts_at".into(), f.starts_at.clone()),
        ("ends_at".into(), f.ends_at.clone()),
        ("every_weeks".into(), f.every_weeks.clone()),
        ("starts_on".into(), f.starts_on.clone()),
        ("ends_on".into(), f.ends_on.clone()),
        ("public_note".into(), f.public_note.clone()),
        ("active".into(), f.active.clone()),
    ];
    pairs.extend(
        f.languages
            .iter()
            .map(|l| ("languages".to_string(), l.clone())),
    );
    FormView::from_pairs(pairs)
}

struct SlotPage {
    id: Option<i64>,
    version: i32,
    form: FormView,
    day_off: FormView,
    status: StatusCode,
}

async fn slot_page(state: &AppState, a: Authed, p: SlotPage) -> AppResult<Response> {
    let ch = office_hours::choices(&state.db, &a.ctx).await?;
    let v: Option<SlotView> = match p.id {
        Some(id) => Some(office_hours::get(&state.db, &a.ctx, id).await?),
        None => None,
    };
    let mut page = a.page.at("office-hours");
    page.title = page.t(if p.id.is_some() {
        "office-hours-edit-title"
    } else {
        "office-hours-new-title"
    });
    let mut staff: Vec<(String, String)> = ch
        .staff
        .iter()
        .map(|(i, n)| (i.to_string(), n.clone()))
        .collect();
    let mut room_choices = ch.rooms.clone();
    if let Some(v) = &v {
        // The holder is fixed once the slot exists; its room stays a choice.
        staff = vec![(
            v.slot.office_hours.staff_id.to_string(),
            v.slot.staff_name.clone(),
        )];
        if !room_choices.iter().any(|r| r.id == v.slot.room.id) {
            room_choices.push(v.slot.room.clone());
        }
    }
    let rooms = room_choices
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{} – {}, {} {}", r.name, r.street, r.postcode, r.city),
            )
        })
        .collect();
    let days = v.as_ref().map(|v| SlotDays {
        days_off: v
            .exceptions
            .iter()
            .map(|e| {
                (
                    e.id,
                    page.date_wd(e.on_date),
                    page.t(&format!("office-hours-reason-{}", e.reason)),
                )
            })
            .collect(),
        upcoming: v
            .upcoming
            .iter()
            .map(|o| {
                format!(
                    "{}, {}–{}",
                    page.date_wd(o.date),
                    o.starts_at.format("%H:%M"),
                    o.ends_at.format("%H:%M")
                )
            })
            .collect(),
    });
    let tpl = SlotFormTpl {
        form: p.form,
        id: p.id,
        version: p.version,
        staff,
        rooms,
        weekdays: (1..=7)
            .map(|w| (w.to_string(), weekday_name(&page, w)))
            .collect(),
        every: vec![
            ("1".into(), page.t("office-hours-every-week")),
            ("2".into(), page.t("office-hours-every-other-week")),
        ],
        languages: office_hours::language_choices()
            .map(|l| {
                (
                    l.to_string(),
                    page.t(&format!("lang-{l}")),
                    office_hours::own_name(l).to_string(),
                )
            })
            .collect(),
        view: days,
        day_off: p.day_off,
        reasons: office_hours::EXCEPTION_REASONS
            .iter()
            .map(|r| (r.to_string(), page.t(&format!("office-hours-reason-{r}"))))
            .collect(),
        page,
    };
    Ok(render_status(&tpl, p.status))
}

/// `GET /office-hours/new`
async fn new_slot(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let form = FormView::from_pairs([
        ("staff", a.ctx.actor.staff_id.to_string()),
        ("every_weeks", "1".into()),
        ("starts_at", "09:00".into()),
        ("ends_at", "12:00".into()),
        ("starts_on", a.ctx.today().to_string()),
        ("active", "yes".into()),
    ]);
    let p = SlotPage {
        id: None,
        version: 0,
        form,
        day_off: FormView::new(),
        status: StatusCode::OK,
    };
    slot_page(&state, a, p).await
}

/// `POST /office-hours/new`
async fn create_slot(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let saved = office_hours::create(&state.db, &a.ctx, &slot_form(&form))
        .await
        .map(|id| {
            done(
                &format!("/office-hours/{id}"),
                "office-hours-flash-saved",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let p = SlotPage {
                id: None,
                version: 0,
                form: view,
                day_off: FormView::new(),
                status,
            };
            slot_page(&state, a, p).await
        },
    )
    .await
}

/// `GET /office-hours/{id}`: the form, the days off and the next dates.
async fn edit_slot(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let v = office_hours::get(&state.db, &a.ctx, id).await?;
    let p = SlotPage {
        id: Some(id),
        version: v.slot.office_hours.version,
        form: slot_view(&office_hours::form_of(&v.slot.office_hours)),
        day_off: FormView::from_pairs([("reason", "absence")]),
        status: StatusCode::OK,
    };
    slot_page(&state, a, p).await
}

/// `POST /office-hours/{id}`
async fn update_slot(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(AppError)?;
    let saved = office_hours::update(&state.db, &a.ctx, id, version, &slot_form(&form))
        .await
        .map(|()| {
            done(
                &format!("/office-hours/{id}"),
                "office-hours-flash-saved",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let p = SlotPage {
                id: Some(id),
                version,
                form: view,
                day_off: FormView::from_pairs([("reason", "absence")]),
                status,
            };
            slot_page(&state, a, p).await
        },
    )
    .await
}

/// `POST /office-hours/{id}/days-off`
async fn add_day_off(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = office_hours::add_exception(
        &state.db,
        &a.ctx,
        id,
        form.get("on_date"),
        form.get("reason"),
    )
    .await
    .map(|()| {
        done(
            &format!("/office-hours/{id}#days-off"),
            "office-hours-flash-day-off",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let v = office_hours::get(&state.db, &a.ctx, id).await?;
            let p = SlotPage {
                id: Some(id),
                version: v.slot.office_hours.version,
                form: slot_view(&office_hours::form_of(&v.slot.office_hours)),
                day_off: view,
                status,
            };
            slot_page(&state, a, p).await
        },
    )
    .await
}

/// `POST /office-hours/{id}/days-off/{day}/remove`
async fn remove_day_off(
    State(state): State<AppState>,
    a: Authed,
    Ids((id, day)): Ids<(i64, i64)>,
) -> AppResult<Response> {
    office_hours::remove_exception(&state.db, &a.ctx, id, day).await?;
    Ok(done(
        &format!("/office-hours/{id}#days-off"),
        "office-hours-flash-day-off-removed",
        state.config.secure_cookies,
    ))
}
