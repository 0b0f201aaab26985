//! Appointments (issue 24, decision 0034): an IM books an appointment with a client or the
//! household of a case — when, how long, where (an office-hours slot, the office, a home visit, an
//! accompaniment to a service of the directory), with an interpreter, for what — sees conflicts with
//! their other appointments and the room's bookings before saving, moves and cancels it with a
//! history, prints the letter, and afterwards turns it into a counselling contact in one step or
//! records it as missed.
//!
//! Who may book, change or print is who may record a contact on the case (`WriteClient`); the
//! appointment is the acting IM's own. Reading follows the case (`ReadClient`). The purpose is a
//! short organisational text (like a step's third party, decision 0032): the form says that
//! personal details belong in the sealed contact note.

use ankommen_store::entities::{
    appointment, appointment_change, case, office_hour, office_hour_exception, person, room,
    service, staff,
};
use ankommen_store::{Db, Tx};
use chrono::{Duration, NaiveDate, NaiveTime};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::fields::{self, Field};
use crate::administration::organisations::expect_updated;
use crate::administration::services;
use crate::administration::{office_hours, rooms};
use crate::casework::contacts::{self, ContactForm};
use crate::kernel::access;
use crate::kernel::audit::{self, Event, Seen};
use crate::kernel::catalog::{
    AppointmentStatus, BringItem, CaseStatus, ChangeReason, LanguageEntry, PlaceKind, is_language,
};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{parse_date, parse_text, parse_text_req, parse_time};
use crate::records::consent::{self, Data};
use crate::records::printing::{self, Issuer};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest purpose, note on the place and "also bring".
pub const PURPOSE_MAX: usize = 200;
pub const PLACE_NOTE_MAX: usize = 300;
pub const BRING_OTHER_MAX: usize = 200;
/// The shortest and the longest appointment, in minutes.
pub const MINUTES_MIN: i32 = 5;
pub const MINUTES_MAX: i32 = 480;
/// How far ahead an appointment may be booked, in days.
pub const AHEAD_DAYS: i64 = 731;

/// The booking form as typed.
#[derive(Clone, Debug, Default)]
pub struct AppointmentForm {
    /// A person of the case, or `household`.
    pub person: String,
    pub date: String,
    pub starts_at: String,
    pub minutes: String,
    pub place_kind: String,
    pub office_hour: String,
    pub room: String,
    pub service: String,
    pub place_note: String,
    pub interpreter_language: String,
    pub field: String,
    pub purpose: String,
    /// Keys of [`BringItem`].
    pub bring: Vec<String>,
    pub bring_other: String,
    /// Save although conflicts were shown.
    pub confirm_conflicts: bool,
}

/// Moving an appointment, as typed.
#[derive(Clone, Debug, Default)]
pub struct MoveForm {
    pub date: String,
    pub starts_at: String,
    pub minutes: String,
    pub reason: String,
    pub confirm_conflicts: bool,
}

/// When an appointment is: the day, the start and the length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub minutes: i32,
}

impl Slot {
    pub fn end(&self) -> NaiveTime {
        self.start + Duration::minutes(i64::from(self.minutes))
    }

    fn overlaps(&self, other: &Slot) -> bool {
        self.date == other.date && self.start < other.end() && other.start < self.end()
    }

    /// A stored appointment's slot (day, `HH:MM`, minutes).
    pub fn parse(date: NaiveDate, starts_at: &str, minutes: i32) -> Option<Slot> {
        Some(Slot {
            date,
            start: NaiveTime::parse_from_str(starts_at, "%H:%M").ok()?,
            minutes,
        })
    }

    fn of(a: &appointment::Model) -> Option<Slot> {
        Slot::parse(a.appointment_date, &a.starts_at, a.minutes)
    }

    /// `HH:MM–HH:MM`, as every page shows an appointment's time.
    pub fn times(&self) -> String {
        format!(
            "{}–{}",
            self.start.format("%H:%M"),
            self.end().format("%H:%M")
        )
    }
}

/// Reads day, time and length. A new time must not be in the past, nor further ahead than
/// [`AHEAD_DAYS`]; the appointment must end on its day.
fn parse_slot(
    e: &mut FieldErrors,
    date: &str,
    starts_at: &str,
    minutes: &str,
    ctx: &Ctx,
) -> Option<Slot> {
    let today = ctx.today();
    let d = e.take("date", parse_date(date)).and_then(|d| {
        if d < today {
            e.add("date", "error-appointment-past");
            None
        } else if d > today + Duration::days(AHEAD_DAYS) {
            e.add("date", "error-appointment-too-far");
            None
        } else {
            Some(d)
        }
    });
    let t = e
        .take("starts_at", parse_time(starts_at))
        .and_then(|t| NaiveTime::parse_from_str(&t, "%H:%M").ok());
    let m = match minutes.trim().parse::<i32>() {
        Ok(m) if (MINUTES_MIN..=MINUTES_MAX).contains(&m) => Some(m),
        _ if minutes.trim().is_empty() => {
            e.add("minutes", "error-required");
            None
        }
        _ => {
            e.add("minutes", "error-appointment-minutes");
            None
        }
    };
    let (d, t, m) = (d?, t?, m?);
    // Ends on the same day (the addition wraps around midnight).
    if t + Duration::minutes(i64::from(m)) <= t {
        e.add("minutes", "error-appointment-midnight");
        return None;
    }
    if d == today && t < ctx.now().with_timezone(&chrono_tz::Europe::Berlin).time() {
        e.add("starts_at", "error-appointment-past");
        return None;
    }
    Some(Slot {
        date: d,
        start: t,
        minutes: m,
    })
}

fn id_of(e: &mut FieldErrors, field: &'static str, raw: &str) -> Option<i64> {
    match raw.trim() {
        "" => {
            e.add(field, "error-required");
            None
        }
        s => match s.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                e.add(field, "error-choice");
                None
            }
        },
    }
}

/// A checked appointment.
#[derive(Clone, Debug)]
struct Input {
    person: Option<i64>,
    slot: Slot,
    place: PlaceKind,
    office_hour: Option<office_hour::Model>,
    room: Option<room::Model>,
    service: Option<service::Model>,
    place_note: Option<String>,
    interpreter: Option<String>,
    field: Option<String>,
    purpose: String,
    bring: Vec<BringItem>,
    bring_other: Option<String>,
}

/// Checks the form, with the case's persons and what the actor may choose from.
async fn parse<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    f: &AppointmentForm,
    case_persons: &[i64],
    catalog: &[Field],
) -> Result<Input> {
    let mut e = FieldErrors::new();
    let person = match f.person.trim() {
        "" => {
            e.add("person", "error-required");
            None
        }
        "household" => Some(None),
        p => match p.parse::<i64>() {
            Ok(id) if case_persons.contains(&id) => Some(Some(id)),
            _ => {
                e.add("person", "error-choice");
                None
            }
        },
    };
    let slot = parse_slot(&mut e, &f.date, &f.starts_at, &f.minutes, ctx);
    let place = e.take("place_kind", PlaceKind::parse(&f.place_kind));
    let (mut office_hour, mut room, mut service) = (None, None, None);
    match place {
        Some(PlaceKind::OfficeHours) => {
            if let Some(id) = id_of(&mut e, "office_hour", &f.office_hour) {
                match own_office_hour(conn, ctx, id).await? {
                    Some(oh) => {
                        if let Some(s) = slot
                            && let Some(key) = outside_office_hour(conn, &oh, &s).await?
                        {
                            e.add("office_hour", key);
                        }
                        room = room::Entity::find_by_id(oh.room_id).one(conn).await?;
                        office_hour = Some(oh);
                    }
                    None => e.add("office_hour", "error-choice"),
                }
            }
        }
        Some(PlaceKind::Office) => {
            if !f.room.trim().is_empty()
                && let Some(id) = id_of(&mut e, "room", &f.room)
            {
                match rooms::bookable(conn, ctx, None)
                    .await?
                    .into_iter()
                    .find(|r| r.id == id)
                {
                    Some(r) => room = Some(r),
                    None => e.add("room", "error-choice"),
                }
            }
        }
        Some(PlaceKind::Accompaniment) => {
            if let Some(id) = id_of(&mut e, "service", &f.service) {
                match services::visible(conn, ctx)
                    .await?
                    .into_iter()
                    .find(|s| s.id == id && s.active)
                {
                    Some(s) => service = Some(s),
                    None => e.add("service", "error-choice"),
                }
            }
        }
        Some(PlaceKind::HomeVisit) | None => {}
    }
    let place_note = e
        .take("place_note", parse_text(&f.place_note, PLACE_NOTE_MAX))
        .flatten();
    let interpreter = match f.interpreter_language.trim() {
        "" => None,
        l if is_language(l) => Some(l.to_string()),
        _ => {
            e.add("interpreter_language", "error-choice");
            None
        }
    };
    let field = match f.field.trim() {
        "" => None,
        k => e.take("field", fields::parse_key(catalog, k)),
    };
    let purpose = e.take("purpose", parse_text_req(&f.purpose, PURPOSE_MAX));
    let mut bring = Vec::new();
    for k in f.bring.iter().filter(|k| !k.trim().is_empty()) {
        match BringItem::parse(k) {
            Ok(b) if !bring.contains(&b) => bring.push(b),
            Ok(_) => {}
            Err(key) => e.add("bring", key),
        }
    }
    let bring_other = e
        .take("bring_other", parse_text(&f.bring_other, BRING_OTHER_MAX))
        .flatten();
    e.into_result()?;
    let (Some(person), Some(slot), Some(place), Some(purpose)) = (person, slot, place, purpose)
    else {
        return Err(Error::field("form", "error-form"));
    };
    Ok(Input {
        person,
        slot,
        place,
        office_hour,
        room,
        service,
        place_note,
        interpreter,
        field,
        purpose,
        bring,
        bring_other,
    })
}

/// One of the actor's own active office hours.
async fn own_office_hour<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
) -> Result<Option<office_hour::Model>> {
    Ok(office_hour::Entity::find_by_id(id)
        .filter(office_hour::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(office_hour::Column::Active.eq(true))
        .one(conn)
        .await?)
}

/// The actor's active office hours (what the booking form offers).
async fn own_office_hours<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
) -> Result<Vec<office_hour::Model>> {
    Ok(office_hour::Entity::find()
        .filter(office_hour::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(office_hour::Column::Active.eq(true))
        .order_by_asc(office_hour::Column::Weekday)
        .order_by_asc(office_hour::Column::StartsAt)
        .all(conn)
        .await?)
}

/// Why a slot is not within the office hours on its day (a message key), or None: the day must be
/// an occurrence (weekday, every other week, first and last day, no day off, no public holiday —
/// [`office_hours::occurrences`]) and the slot within its times.
async fn outside_office_hour<C: ConnectionTrait>(
    conn: &C,
    oh: &office_hour::Model,
    s: &Slot,
) -> Result<Option<&'static str>> {
    let days_off: Vec<NaiveDate> = office_hour_exception::Entity::find()
        .filter(office_hour_exception::Column::OfficeHourId.eq(oh.id))
        .filter(office_hour_exception::Column::OnDate.eq(s.date))
        .all(conn)
        .await?
        .into_iter()
        .map(|x| x.on_date)
        .collect();
    let Some(o) = office_hours::occurrences(oh, &days_off, s.date, s.date)
        .into_iter()
        .next()
    else {
        return Ok(Some("error-appointment-not-office-hours-day"));
    };
    if s.start >= o.starts_at && s.end() <= o.ends_at && s.end() > s.start {
        Ok(None)
    } else {
        Ok(Some("error-appointment-not-office-hours-time"))
    }
}

/// What else takes the time of a booking or a move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clash {
    /// The IM's own appointment, with its case number.
    Own(String),
    /// The IM's own office hours (other than the ones booked into).
    OwnOfficeHours,
    /// Another booking of the room: shown as a time only (it may be a colleague's client).
    Room,
    /// A colleague's office hours in the room.
    RoomOfficeHours,
}

/// Something else at the same time as a booking or a move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub clash: Clash,
}

/// Whose time and which room a booking or a move takes.
#[derive(Clone, Copy, Debug)]
struct Takes {
    staff_id: i64,
    room_id: Option<i64>,
    /// The office hours the appointment is booked into: their own occurrence is no conflict.
    office_hour_id: Option<i64>,
    /// The appointment being moved (not a conflict with itself).
    except: Option<i64>,
}

impl Takes {
    fn of(a: &appointment::Model) -> Takes {
        Takes {
            staff_id: a.staff_id,
            room_id: a.room_id,
            office_hour_id: a.office_hour_id,
            except: Some(a.id),
        }
    }
}

/// The planned appointments of the IM and of the room, and the office hours of the IM and of the
/// room, that overlap `slot`, in time order.
async fn conflicts_with<C: ConnectionTrait>(
    conn: &C,
    takes: Takes,
    slot: &Slot,
) -> Result<Vec<Conflict>> {
    let mut by = sea_orm::Condition::any().add(appointment::Column::StaffId.eq(takes.staff_id));
    if let Some(r) = takes.room_id {
        by = by.add(appointment::Column::RoomId.eq(r));
    }
    let mut q = appointment::Entity::find()
        .filter(appointment::Column::AppointmentDate.eq(slot.date))
        .filter(appointment::Column::Status.eq(AppointmentStatus::Planned.as_str()))
        .filter(by);
    if let Some(id) = takes.except {
        q = q.filter(appointment::Column::Id.ne(id));
    }
    let rows = q
        .order_by_asc(appointment::Column::StartsAt)
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for a in rows {
        let Some(s) = Slot::of(&a) else { continue };
        if !s.overlaps(slot) {
            continue;
        }
        let clash = if a.staff_id == takes.staff_id {
            let number = case::Entity::find_by_id(a.case_id)
                .one(conn)
                .await?
                .map(|c| c.case_number)
                .unwrap_or_default();
            Clash::Own(number)
        } else {
            Clash::Room
        };
        out.push(Conflict {
            date: s.date,
            start: s.start,
            end: s.end(),
            clash,
        });
    }
    let mut held = office_hours::between(
        conn,
        &office_hours::Filter::Staff(takes.staff_id),
        slot.date,
        slot.date,
    )
    .await?;
    if let Some(r) = takes.room_id {
        held.extend(
            office_hours::between(conn, &office_hours::Filter::Room(r), slot.date, slot.date)
                .await?
                .into_iter()
                .filter(|h| h.staff_id != takes.staff_id),
        );
    }
    for h in held {
        let o = h.occurrence;
        if Some(h.office_hour_id) == takes.office_hour_id
            || !(slot.start < o.ends_at && o.starts_at < slot.end())
        {
            continue;
        }
        out.push(Conflict {
            date: o.date,
            start: o.starts_at,
            end: o.ends_at,
            clash: if h.staff_id == takes.staff_id {
                Clash::OwnOfficeHours
            } else {
                Clash::RoomOfficeHours
            },
        });
    }
    out.sort_by_key(|c| (c.start, c.end));
    Ok(out)
}

/// The conflicts of a typed booking (what the form shows before saving): an empty list while day,
/// time or length are not valid yet. Shows only the actor's own appointments and office hours and
/// the times a room is taken, so it reads no client data.
pub async fn form_conflicts(db: &Db, ctx: &Ctx, f: &AppointmentForm) -> Result<Vec<Conflict>> {
    let conn = db.reader();
    let (room_id, office_hour_id) = match PlaceKind::parse(&f.place_kind) {
        Ok(PlaceKind::OfficeHours) => match f.office_hour.trim().parse::<i64>() {
            Ok(id) => match own_office_hour(conn, ctx, id).await? {
                Some(o) => (Some(o.room_id), Some(o.id)),
                None => (None, None),
            },
            Err(_) => (None, None),
        },
        Ok(PlaceKind::Office) => (f.room.trim().parse::<i64>().ok(), None),
        _ => (None, None),
    };
    let takes = Takes {
        staff_id: ctx.actor.staff_id,
        room_id,
        office_hour_id,
        except: None,
    };
    typed_conflicts(db, ctx, (&f.date, &f.starts_at, &f.minutes), takes).await
}

/// The conflicts of a typed move of an appointment (its room and office hours, itself left out).
pub async fn move_conflicts(db: &Db, ctx: &Ctx, id: i64, f: &MoveForm) -> Result<Vec<Conflict>> {
    let Some(a) = appointment::Entity::find_by_id(id).one(db.reader()).await? else {
        return Ok(Vec::new());
    };
    typed_conflicts(db, ctx, (&f.date, &f.starts_at, &f.minutes), Takes::of(&a)).await
}

async fn typed_conflicts(
    db: &Db,
    ctx: &Ctx,
    (date, starts_at, minutes): (&str, &str, &str),
    takes: Takes,
) -> Result<Vec<Conflict>> {
    let mut e = FieldErrors::new();
    let Some(slot) = parse_slot(&mut e, date, starts_at, minutes, ctx) else {
        return Ok(Vec::new());
    };
    conflicts_with(db.reader(), takes, &slot).await
}

/// What the booking form offers for one case.
#[derive(Clone, Debug)]
pub struct FormChoices {
    pub case: case::Model,
    pub persons: Vec<person::Model>,
    pub fields: Vec<Field>,
    pub office_hours: Vec<(office_hour::Model, Option<room::Model>)>,
    pub rooms: Vec<room::Model>,
    /// Active directory entries the actor sees (accompaniments).
    pub services: Vec<service::Model>,
    /// The language to offer an interpreter for first: the case's first person's interpreter
    /// language, where the consent covers it.
    pub interpreter_hint: Option<String>,
}

/// The booking form for a case. An audited read of the case.
pub async fn new_form(db: &Db, ctx: &Ctx, case_id: i64) -> Result<FormChoices> {
    audit::read(db, async |tx| {
        let ev = Event::on("case_viewed", "case", case_id).section("appointment_new");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
        if c.status == CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-appointment-case-closed"));
        }
        let persons = crate::casework::cases::persons_of(tx, case_id).await?;
        let mut interpreter_hint = None;
        for p in &persons {
            if consent::coverage(tx, p.id, ctx.today())
                .await?
                .covers(Data::Intake)
                && let Some(l) = &p.interpreter_language
            {
                interpreter_hint = Some(l.clone());
                break;
            }
        }
        let rooms = rooms::bookable(tx, ctx, None).await?;
        let mut office_hours = Vec::new();
        for oh in own_office_hours(tx, ctx).await? {
            let r = room::Entity::find_by_id(oh.room_id).one(tx).await?;
            office_hours.push((oh, r));
        }
        let out = FormChoices {
            persons,
            fields: fields::active(tx).await?,
            office_hours,
            rooms,
            services: services::visible(tx, ctx)
                .await?
                .into_iter()
                .filter(|s| s.active)
                .collect(),
            interpreter_hint,
            case: c,
        };
        audit::record(tx, ctx, ev).await?;
        Ok(out)
    })
    .await
}

async fn history<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    a: &appointment::Model,
    change: &'static str,
    new: Option<&Slot>,
    reason: Option<ChangeReason>,
) -> Result<()> {
    let moved = change == "moved";
    appointment_change::Entity::insert(appointment_change::ActiveModel {
        id: NotSet,
        appointment_id: Set(a.id),
        change: Set(change.into()),
        old_date: Set(moved.then_some(a.appointment_date)),
        old_starts_at: Set(moved.then(|| a.starts_at.clone())),
        new_date: Set(new.map(|s| s.date)),
        new_starts_at: Set(new.map(|s| s.start.format("%H:%M").to_string())),
        reason: Set(reason.map(|r| r.as_str().into())),
        changed_by: Set(ctx.actor.staff_id),
        changed_at: Set(ctx.now()),
    })
    .exec(conn)
    .await?;
    Ok(())
}

fn event(action: &'static str, a: &appointment::Model) -> Event {
    let mut ev = Event::on(action, "appointment", a.id).case(a.case_id);
    if let Some(p) = a.person_id {
        ev = ev.person(p);
    }
    ev
}

/// Books an appointment for the acting IM. Conflicts are refused (`confirm_conflicts`, with the
/// conflicts to show) unless the form confirms them. Returns the appointment's id.
pub async fn book(db: &Db, ctx: &Ctx, case_id: i64, form: &AppointmentForm) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("appointment_booked", "case", case_id);
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev).await?;
    if c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-appointment-case-closed"));
    }
    let case_persons: Vec<i64> = crate::casework::cases::persons_of(&tx, case_id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let catalog = fields::active(&tx).await?;
    let i = parse(&tx, ctx, form, &case_persons, &catalog).await?;
    let room_id = i.room.as_ref().map(|r| r.id);
    if !form.confirm_conflicts
        && !conflicts_with(
            &tx,
            Takes {
                staff_id: ctx.actor.staff_id,
                room_id,
                office_hour_id: i.office_hour.as_ref().map(|o| o.id),
                except: None,
            },
            &i.slot,
        )
        .await?
        .is_empty()
    {
        return Err(Error::field(
            "confirm_conflicts",
            "error-appointment-conflicts",
        ));
    }
    let now = ctx.now();
    let id = appointment::Entity::insert(appointment::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        person_id: Set(i.person),
        staff_id: Set(ctx.actor.staff_id),
        appointment_date: Set(i.slot.date),
        starts_at: Set(i.slot.start.format("%H:%M").to_string()),
        minutes: Set(i.slot.minutes),
        place_kind: Set(i.place.as_str().into()),
        office_hour_id: Set(i.office_hour.as_ref().map(|o| o.id)),
        room_id: Set(room_id),
        service_id: Set(i.service.as_ref().map(|s| s.id)),
        place_note: Set(i.place_note),
        interpreter_language: Set(i.interpreter),
        field_of_action: Set(i.field),
        purpose: Set(i.purpose),
        bring_items: Set(i
            .bring
            .iter()
            .map(|b| b.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        bring_other: Set(i.bring_other),
        status: Set(AppointmentStatus::Planned.as_str().into()),
        contact_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    let Some(a) = appointment::Entity::find_by_id(id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    history(&tx, ctx, &a, "booked", Some(&i.slot), None).await?;
    audit::record(&tx, ctx, event("appointment_booked", &a)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Loads an appointment and checks `action` on its case, in a change transaction.
async fn scoped(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    action: &'static str,
) -> Result<(Tx, appointment::Model, case::Model)> {
    let tx = db.begin().await?;
    let Some(a) = appointment::Entity::find_by_id(id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let (tx, c, _) =
        access::case_in(tx, ctx, a.case_id, Action::WriteClient, event(action, &a)).await?;
    Ok((tx, a, c))
}

/// Writes a change of state with the optimistic version check.
async fn set_state(
    tx: &Tx,
    ctx: &Ctx,
    a: &appointment::Model,
    version: i32,
    status: AppointmentStatus,
    slot: Option<&Slot>,
    contact_id: Option<i64>,
) -> Result<()> {
    let mut q = appointment::Entity::update_many()
        .col_expr(appointment::Column::Status, Expr::value(status.as_str()))
        .col_expr(appointment::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(appointment::Column::Version, Expr::value(version + 1));
    if let Some(s) = slot {
        q = q
            .col_expr(appointment::Column::AppointmentDate, Expr::value(s.date))
            .col_expr(
                appointment::Column::StartsAt,
                Expr::value(s.start.format("%H:%M").to_string()),
            )
            .col_expr(appointment::Column::Minutes, Expr::value(s.minutes));
    }
    if let Some(cid) = contact_id {
        q = q.col_expr(appointment::Column::ContactId, Expr::value(cid));
    }
    let res = q
        .filter(appointment::Column::Id.eq(a.id))
        .filter(appointment::Column::Version.eq(version))
        .exec(tx)
        .await?;
    expect_updated(tx, res.rows_affected, appointment::Entity::find_by_id(a.id)).await
}

fn expect_planned(a: &appointment::Model) -> Result<()> {
    if a.status == AppointmentStatus::Planned.as_str() {
        Ok(())
    } else {
        Err(Error::Conflict("error-appointment-not-planned"))
    }
}

/// Moves a planned appointment to another day or time (the history keeps where it was).
pub async fn reschedule(db: &Db, ctx: &Ctx, id: i64, version: i32, f: &MoveForm) -> Result<i64> {
    let (tx, a, _) = scoped(db, ctx, id, "appointment_moved").await?;
    expect_planned(&a)?;
    let mut e = FieldErrors::new();
    let slot = parse_slot(&mut e, &f.date, &f.starts_at, &f.minutes, ctx);
    let reason = e.take("reason", ChangeReason::parse(&f.reason));
    if let (Some(s), Some(oh_id)) = (slot, a.office_hour_id)
        && let Some(oh) = office_hour::Entity::find_by_id(oh_id).one(&tx).await?
        && let Some(key) = outside_office_hour(&tx, &oh, &s).await?
    {
        e.add("date", key);
    }
    e.into_result()?;
    let (Some(slot), Some(reason)) = (slot, reason) else {
        return Err(Error::field("form", "error-form"));
    };
    if Slot::of(&a) == Some(slot) {
        return Err(Error::field("date", "error-appointment-same-time"));
    }
    if !f.confirm_conflicts && !conflicts_with(&tx, Takes::of(&a), &slot).await?.is_empty() {
        return Err(Error::field(
            "confirm_conflicts",
            "error-appointment-conflicts",
        ));
    }
    set_state(
        &tx,
        ctx,
        &a,
        version,
        AppointmentStatus::Planned,
        Some(&slot),
        None,
    )
    .await?;
    history(&tx, ctx, &a, "moved", Some(&slot), Some(reason)).await?;
    audit::record(&tx, ctx, event("appointment_moved", &a)).await?;
    tx.commit().await?;
    Ok(a.case_id)
}

/// Cancels a planned appointment, saying who asked for it. Returns the case's id.
pub async fn cancel(db: &Db, ctx: &Ctx, id: i64, version: i32, reason: &str) -> Result<i64> {
    let (tx, a, _) = scoped(db, ctx, id, "appointment_cancelled").await?;
    expect_planned(&a)?;
    let reason = ChangeReason::parse(reason).map_err(|k| Error::field("reason", k))?;
    set_state(
        &tx,
        ctx,
        &a,
        version,
        AppointmentStatus::Cancelled,
        None,
        None,
    )
    .await?;
    history(&tx, ctx, &a, "cancelled", None, Some(reason)).await?;
    audit::record(&tx, ctx, event("appointment_cancelled", &a)).await?;
    tx.commit().await?;
    Ok(a.case_id)
}

/// Records that the client did not come (from the appointment's start on). Returns the case's id.
pub async fn mark_missed(db: &Db, ctx: &Ctx, id: i64, version: i32) -> Result<i64> {
    let (tx, a, _) = scoped(db, ctx, id, "appointment_missed").await?;
    expect_planned(&a)?;
    if !has_begun(ctx, &a) {
        return Err(Error::Conflict("error-appointment-not-yet"));
    }
    set_state(&tx, ctx, &a, version, AppointmentStatus::Missed, None, None).await?;
    history(&tx, ctx, &a, "missed", None, None).await?;
    audit::record(&tx, ctx, event("appointment_missed", &a)).await?;
    tx.commit().await?;
    Ok(a.case_id)
}

/// The appointment's day has come: it can be recorded as held (a visit may be brought forward
/// within the day).
fn is_due(ctx: &Ctx, a: &appointment::Model) -> bool {
    a.appointment_date <= ctx.today()
}

/// The appointment's start has come: it can be recorded as missed.
fn has_begun(ctx: &Ctx, a: &appointment::Model) -> bool {
    let now = ctx
        .now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .naive_local();
    Slot::of(a).is_some_and(|s| s.date.and_time(s.start) <= now)
}

/// The contact form for a held appointment, filled in from it: its day, length, kind, the
/// persons it was with (the household: all persons of the case), its field and interpreter.
pub async fn contact_form(
    db: &Db,
    ctx: &Ctx,
    id: i64,
) -> Result<(contacts::FormChoices, ContactForm, appointment::Model)> {
    let Some(a) = appointment::Entity::find_by_id(id).one(db.reader()).await? else {
        return Err(Error::NotFound);
    };
    let ch = contacts::new_form(db, ctx, a.case_id).await?;
    if a.status != AppointmentStatus::Planned.as_str() {
        return Err(Error::Conflict("error-appointment-not-planned"));
    }
    let kind = PlaceKind::parse(&a.place_kind).map(|p| p.contact_kind().as_str().to_string());
    let persons = match a.person_id {
        Some(p) => vec![p.to_string()],
        None => ch.persons.iter().map(|p| p.id.to_string()).collect(),
    };
    let form = ContactForm {
        date: a.appointment_date.to_string(),
        minutes: a.minutes.to_string(),
        kind: kind.unwrap_or_default(),
        topics: a.field_of_action.iter().cloned().collect(),
        interpreter_language: a.interpreter_language.clone().unwrap_or_default(),
        persons,
        ..ContactForm::default()
    };
    Ok((ch, form, a))
}

/// Records the counselling contact of a held appointment and marks it held, in one transaction:
/// the contact's own checks, policy and audit apply. Returns the case's id.
pub async fn record_held(
    db: &Db,
    ctx: &Ctx,
    sealer: &crate::kernel::sealing::Sealer,
    id: i64,
    form: &ContactForm,
) -> Result<i64> {
    let (tx, a, c) = scoped(db, ctx, id, "appointment_held").await?;
    expect_planned(&a)?;
    if !is_due(ctx, &a) {
        return Err(Error::Conflict("error-appointment-not-yet"));
    }
    let contact_id = contacts::record_in(&tx, ctx, sealer, &c, form).await?;
    set_state(
        &tx,
        ctx,
        &a,
        a.version,
        AppointmentStatus::Held,
        None,
        Some(contact_id),
    )
    .await?;
    history(&tx, ctx, &a, "held", None, None).await?;
    audit::record(&tx, ctx, event("appointment_held", &a)).await?;
    tx.commit().await?;
    Ok(a.case_id)
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Where an appointment is, for the page, the start page and the letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub kind: PlaceKind,
    /// The room (office hours, office).
    pub room: Option<room::Model>,
    /// The directory entry accompanied to.
    pub service: Option<service::Model>,
    pub note: Option<String>,
}

impl Place {
    /// The address as one line ("Rathaus, Raum 2, Hauptstr. 1, 88069 Tettnang"), if known.
    pub fn address(&self) -> Option<String> {
        if let Some(r) = &self.room {
            return Some(format!(
                "{}, {}, {} {}",
                r.name, r.street, r.postcode, r.city
            ));
        }
        if let Some(s) = &self.service {
            return Some(match &s.address {
                Some(a) => format!("{}, {a}", s.name),
                None => s.name.clone(),
            });
        }
        None
    }
}

async fn place_of<C: ConnectionTrait>(conn: &C, a: &appointment::Model) -> Result<Place> {
    let room = match a.room_id {
        Some(id) => room::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let service = match a.service_id {
        Some(id) => service::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    Ok(Place {
        kind: PlaceKind::parse(&a.place_kind).unwrap_or(PlaceKind::Office),
        room,
        service,
        note: a.place_note.clone(),
    })
}

/// An appointment as its page shows it.
#[derive(Clone, Debug)]
pub struct AppointmentView {
    pub appointment: appointment::Model,
    pub case_number: String,
    /// The person it is with (none: the household, see `persons`).
    pub person: Option<person::Model>,
    pub persons: Vec<person::Model>,
    pub place: Place,
    /// Who holds it.
    pub staff_name: String,
    pub history: Vec<(appointment_change::Model, String)>,
    /// The fields of action (to name the appointment's).
    pub fields: Vec<Field>,
    /// The actor may change it (move, cancel, record).
    pub may_change: bool,
    /// Its day has come: it can be recorded as held.
    pub due: bool,
    /// It has begun: it can be recorded as missed.
    pub begun: bool,
}

/// An appointment with its place and history. An audited read of the case, naming the person.
pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<AppointmentView> {
    audit::read(db, async |tx| {
        let Some(a) = appointment::Entity::find_by_id(id).one(tx).await? else {
            return Err(Error::NotFound);
        };
        let ev = event("case_viewed", &a).section("appointment");
        let (c, r) = access::case_for(tx, ctx, a.case_id, Action::ReadClient, ev.clone()).await?;
        let may_change = ctx.allows(Action::WriteClient, &Resource::Case(r))
            && c.status != CaseStatus::Closed.as_str();
        let persons = crate::casework::cases::persons_of(tx, a.case_id).await?;
        let person = a
            .person_id
            .and_then(|p| persons.iter().find(|x| x.id == p).cloned());
        let place = place_of(tx, &a).await?;
        let changes = appointment_change::Entity::find()
            .filter(appointment_change::Column::AppointmentId.eq(a.id))
            .order_by_asc(appointment_change::Column::ChangedAt)
            .order_by_asc(appointment_change::Column::Id)
            .all(tx)
            .await?;
        let mut history = Vec::new();
        for ch in changes {
            let by = staff::Entity::find_by_id(ch.changed_by)
                .one(tx)
                .await?
                .map(|s| s.display_name)
                .unwrap_or_default();
            history.push((ch, by));
        }
        let staff_name = staff::Entity::find_by_id(a.staff_id)
            .one(tx)
            .await?
            .map(|s| s.display_name)
            .unwrap_or_default();
        audit::record(tx, ctx, ev).await?;
        Ok(AppointmentView {
            fields: fields::all(tx).await?,
            due: is_due(ctx, &a),
            begun: has_begun(ctx, &a),
            case_number: c.case_number,
            person,
            persons,
            place,
            staff_name,
            history,
            may_change,
            appointment: a,
        })
    })
    .await
}

/// The appointments of a case, next first then past ones newest first. For callers that have
/// checked access to the case.
pub(crate) async fn of_case<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    today: NaiveDate,
) -> Result<Vec<appointment::Model>> {
    let mut rows = appointment::Entity::find()
        .filter(appointment::Column::CaseId.eq(case_id))
        .order_by_asc(appointment::Column::AppointmentDate)
        .order_by_asc(appointment::Column::StartsAt)
        .all(conn)
        .await?;
    let (mut next, mut past): (Vec<_>, Vec<_>) =
        rows.drain(..).partition(|a| a.appointment_date >= today);
    past.reverse();
    next.extend(past);
    Ok(next)
}

/// One appointment of a day list (the start page, the home visits of a day).
#[derive(Clone, Debug)]
pub struct DayAppointment {
    pub appointment: appointment::Model,
    pub case_number: String,
    /// The person's name, or the household's persons' names.
    pub client: String,
    pub place: Place,
    /// For home visits: the address recorded for the person (or the household's first person),
    /// where their consent covers the intake data.
    pub home_address: Option<String>,
}

/// The actor's appointments from one day to another in time order (cancelled ones left out), on
/// cases the actor may still read. Names the persons shown: callers audit them (see [`days`]).
async fn day_rows<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    (from, to): (NaiveDate, NaiveDate),
    only: Option<PlaceKind>,
) -> Result<(Vec<DayAppointment>, Vec<Seen>)> {
    let mut q = appointment::Entity::find()
        .filter(appointment::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(appointment::Column::AppointmentDate.gte(from))
        .filter(appointment::Column::AppointmentDate.lte(to))
        .filter(appointment::Column::Status.ne(AppointmentStatus::Cancelled.as_str()));
    if let Some(k) = only {
        q = q.filter(appointment::Column::PlaceKind.eq(k.as_str()));
    }
    let rows = q
        .order_by_asc(appointment::Column::AppointmentDate)
        .order_by_asc(appointment::Column::StartsAt)
        .order_by_asc(appointment::Column::Id)
        .all(conn)
        .await?;
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (a, c) in crate::casework::calendar::visible(conn, ctx, rows).await? {
        let persons = crate::casework::cases::persons_of(conn, a.case_id).await?;
        let shown: Vec<&person::Model> = match a.person_id {
            Some(p) => persons.iter().filter(|x| x.id == p).collect(),
            None => persons.iter().collect(),
        };
        let client = shown
            .iter()
            .map(|p| format!("{} {}", p.given_name, p.family_name))
            .collect::<Vec<_>>()
            .join(", ");
        let mut home_address = None;
        if a.place_kind == PlaceKind::HomeVisit.as_str() {
            for p in &shown {
                if let Some(addr) = &p.address
                    && consent::coverage(conn, p.id, ctx.today())
                        .await?
                        .covers(Data::Intake)
                {
                    home_address = Some(addr.clone());
                    break;
                }
            }
        }
        seen.extend(shown.iter().map(|p| Seen {
            person_id: p.id,
            case_id: Some(a.case_id),
        }));
        out.push(DayAppointment {
            place: place_of(conn, &a).await?,
            case_number: c.case_number,
            client,
            home_address,
            appointment: a,
        });
    }
    Ok((out, seen))
}

/// The actor's appointments from one day to another, both included (the start page: today and the
/// next days; the home-visit day: only home visits of one day). One audited read naming every
/// person shown (`appointments_viewed`).
pub async fn days(
    db: &Db,
    ctx: &Ctx,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<PlaceKind>,
) -> Result<Vec<DayAppointment>> {
    audit::read(db, async |tx| {
        let (rows, seen) = day_rows(tx, ctx, (from, to), only).await?;
        audit::record_seen(tx, ctx, Event::new("appointments_viewed"), seen).await?;
        Ok(rows)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The letter

/// What the letter form offers.
#[derive(Clone, Debug)]
pub struct LetterChoices {
    pub appointment: appointment::Model,
    pub case_number: String,
    /// The person's languages, most useful first (none without a consent that covers them).
    pub languages: Vec<String>,
}

/// The data printed on an appointment letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterPrint {
    pub issuer: Issuer,
    pub im_email: Option<String>,
    pub slot: Slot,
    pub place: Place,
    pub bring: Vec<BringItem>,
    pub bring_other: Option<String>,
    /// The language an interpreter will speak.
    pub interpreter: Option<String>,
    pub date: NaiveDate,
}

async fn letter_scope<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
    action: &'static str,
) -> Result<(appointment::Model, case::Model, Event)> {
    let Some(a) = appointment::Entity::find_by_id(id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    let ev = event(action, &a);
    let (c, _) = access::case_for(conn, ctx, a.case_id, Action::WriteClient, ev.clone()).await?;
    Ok((a, c, ev))
}

/// The first person an appointment is with (the household: its first person).
async fn addressee<C: ConnectionTrait>(
    conn: &C,
    a: &appointment::Model,
) -> Result<Option<person::Model>> {
    let persons = crate::casework::cases::persons_of(conn, a.case_id).await?;
    Ok(match a.person_id {
        Some(p) => persons.into_iter().find(|x| x.id == p),
        None => persons.into_iter().next(),
    })
}

/// The letter form: the languages to print in. An audited read of the case.
pub async fn letter_form(db: &Db, ctx: &Ctx, id: i64) -> Result<LetterChoices> {
    audit::read(db, async |tx| {
        let (a, c, _) = letter_scope(tx, ctx, id, "case_viewed").await?;
        let languages = match addressee(tx, &a).await? {
            Some(p)
                if consent::coverage(tx, p.id, ctx.today())
                    .await?
                    .covers(Data::Intake) =>
            {
                LanguageEntry::for_print(p.interpreter_language.as_deref(), p.languages.as_deref())
            }
            _ => Vec::new(),
        };
        audit::record(
            tx,
            ctx,
            event("case_viewed", &a).section("appointment_letter"),
        )
        .await?;
        Ok(LetterChoices {
            appointment: a,
            case_number: c.case_number,
            languages,
        })
    })
    .await
}

/// The data of an appointment's letter: when, where, whom to ask, what to bring, the interpreter.
/// It carries no data about the client beyond what they know (no name is printed: the letter is
/// handed over or posted in an envelope). Audited as a print naming the person
/// (`appointment_letter_printed`).
pub async fn letter(db: &Db, ctx: &Ctx, id: i64) -> Result<LetterPrint> {
    audit::read(db, async |tx| {
        let (a, c, ev) = letter_scope(tx, ctx, id, "appointment_letter_printed").await?;
        if a.status != AppointmentStatus::Planned.as_str() {
            return Err(Error::Conflict("error-appointment-not-planned"));
        }
        let Some(p) = addressee(tx, &a).await? else {
            return Err(Error::NotFound);
        };
        let Some(slot) = Slot::of(&a) else {
            return Err(Error::NotFound);
        };
        let issuer = printing::issuer(tx, ctx, &p, Some(&c)).await?;
        let im_email = staff::Entity::find_by_id(a.staff_id)
            .one(tx)
            .await?
            .and_then(|s| s.email);
        let bring = a
            .bring_items
            .split(',')
            .filter_map(|k| BringItem::parse(k).ok())
            .collect();
        let place = place_of(tx, &a).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(LetterPrint {
            issuer,
            im_email,
            slot,
            place,
            bring,
            bring_other: a.bring_other.clone(),
            interpreter: a.interpreter_language.clone(),
            date: ctx.today(),
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(d: u32, h: u32, m: u32, minutes: i32) -> Slot {
        Slot {
            date: NaiveDate::from_ymd_opt(2026, 12, d).unwrap(),
            start: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            minutes,
        }
    }

    #[test]
    fn slots_overlap_only_when_they_share_a_minute() {
        let a = slot(8, 10, 0, 30);
        assert!(a.overlaps(&slot(8, 10, 15, 30)));
        assert!(a.overlaps(&slot(8, 9, 45, 30)));
        assert!(a.overlaps(&slot(8, 10, 5, 10)));
        assert!(!a.overlaps(&slot(8, 10, 30, 30)), "back to back is fine");
        assert!(!a.overlaps(&slot(8, 9, 30, 30)));
        assert!(!a.overlaps(&slot(9, 10, 0, 30)), "another day");
    }
}
