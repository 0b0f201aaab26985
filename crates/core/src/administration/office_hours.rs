//! Office hours (*Sprechstunden*, issue 24, decision 0033): recurring slots of an IM in a room of a
//! municipality (weekday, from–to, every week or every other week, first and last day, languages
//! offered, a public note), the days they do not take place, the public holidays of
//! Baden-Württemberg (skipped by themselves), and the occurrences the public page, the poster,
//! the calendar and the appointment form show. No client data: reading is not audited, every
//! change and every refusal is.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::Db;
use ankommen_store::entities::{
    office_hour, office_hour_exception, organisation, room, staff, staff_role,
};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::organisations::expect_updated;
use crate::administration::rooms;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::LANGUAGES;
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{Role, parse_date, parse_date_opt, parse_text, parse_time};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest public note.
pub const NOTE_MAX: usize = 300;
/// Why a day is off. Never a reason about a person.
pub const EXCEPTION_REASONS: &[&str] = &["holiday", "absence", "other"];

// ---------------------------------------------------------------------------------------------
// Recurrence (pure)
// ---------------------------------------------------------------------------------------------

/// Easter Sunday of `year` (Gregorian calendar; anonymous algorithm of Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The public holiday of Baden-Württemberg on `d`, by its key (`holiday-<key>` in the UI), if
/// any: New Year, Epiphany, Good Friday, Easter Monday, 1 May, Ascension, Whit Monday, Corpus
/// Christi, German Unity Day, All Saints, Christmas Day and Boxing Day.
pub fn public_holiday(d: NaiveDate) -> Option<&'static str> {
    let fixed = match (d.month(), d.day()) {
        (1, 1) => Some("new_year"),
        (1, 6) => Some("epiphany"),
        (5, 1) => Some("labour_day"),
        (10, 3) => Some("unity_day"),
        (11, 1) => Some("all_saints"),
        (12, 25) => Some("christmas"),
        (12, 26) => Some("boxing_day"),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    let easter = easter_sunday(d.year())?;
    match (d - easter).num_days() {
        -2 => Some("good_friday"),
        1 => Some("easter_monday"),
        39 => Some("ascension"),
        50 => Some("whit_monday"),
        60 => Some("corpus_christi"),
        _ => None,
    }
}

/// One day on which office hours take place, with their times (local time, Europe/Berlin).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub date: NaiveDate,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
}

fn time_of(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// The days from `from` to `to` (both included) on which `slot` takes place: its weekday, every
/// week or every `every_weeks` weeks counted from its first occurrence (the first such weekday
/// on or after `starts_on`), not after `ends_on`, not on a day in `exceptions` and not on a
/// public holiday of Baden-Württemberg. An inactive slot (or one with unreadable times or
/// weekday) takes place on no day.
pub fn occurrences(
    slot: &office_hour::Model,
    exceptions: &[NaiveDate],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Occurrence> {
    let (Some(starts_at), Some(ends_at)) = (time_of(&slot.starts_at), time_of(&slot.ends_at))
    else {
        return Vec::new();
    };
    let Some(weekday) = u8::try_from(slot.weekday)
        .ok()
        .filter(|w| (1..=7).contains(w))
        .and_then(|w| Weekday::try_from(w - 1).ok())
    else {
        return Vec::new();
    };
    if !slot.active || slot.every_weeks < 1 {
        return Vec::new();
    }
    let ahead = (7 + weekday.num_days_from_monday() as i64
        - slot.starts_on.weekday().num_days_from_monday() as i64)
        % 7;
    let first = slot.starts_on + Duration::days(ahead);
    let step = 7 * i64::from(slot.every_weeks);
    let last = match slot.ends_on {
        Some(e) if e < to => e,
        _ => to,
    };
    // The first occurrence on or after `from`.
    let mut d = if from <= first {
        first
    } else {
        let behind = (from - first).num_days();
        first + Duration::days((behind + step - 1) / step * step)
    };
    let mut out = Vec::new();
    while d <= last {
        if !exceptions.contains(&d) && public_holiday(d).is_none() {
            out.push(Occurrence {
                date: d,
                starts_at,
                ends_at,
            });
        }
        d += Duration::days(step);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

/// The office-hours form as typed.
#[derive(Clone, Debug, Default)]
pub struct OfficeHoursForm {
    /// The IM holding them (empty: the actor).
    pub staff: String,
    pub room: String,
    /// ISO weekday, `1` (Monday) … `7`.
    pub weekday: String,
    /// HH:MM
    pub starts_at: String,
    pub ends_at: String,
    /// `1` every week, `2` every other week.
    pub every_weeks: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Language keys (besides German).
    pub languages: Vec<String>,
    pub public_note: String,
    /// "yes": the office hours take place.
    pub active: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Input {
    staff_id: i64,
    room_id: i64,
    weekday: i32,
    starts_at: String,
    ends_at: String,
    every_weeks: i32,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    languages: Vec<String>,
    public_note: Option<String>,
    active: bool,
}

/// The languages office hours may offer besides German.
pub fn language_choices() -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().copied().filter(|l| *l != "de")
}

fn parse(f: &OfficeHoursForm, ch: &Choices, actor_id: i64) -> Result<Input> {
    let mut e = FieldErrors::new();
    let staff_id = match f.staff.trim() {
        "" if ch.staff.iter().any(|(i, _)| *i == actor_id) => Some(actor_id),
        "" => {
            e.add("staff", "error-required");
            None
        }
        v => match v.parse::<i64>() {
            Ok(id) if ch.staff.iter().any(|(i, _)| *i == id) => Some(id),
            _ => {
                e.add("staff", "error-choice");
                None
            }
        },
    };
    let room_id = match f.room.trim() {
        "" => {
            e.add("room", "error-required");
            None
        }
        v => match v.parse::<i64>() {
            Ok(id) if ch.rooms.iter().any(|r| r.id == id) => Some(id),
            _ => {
                e.add("room", "error-choice");
                None
            }
        },
    };
    let weekday = match f.weekday.trim().parse::<i32>() {
        Ok(w) if (1..=7).contains(&w) => Some(w),
        _ if f.weekday.trim().is_empty() => {
            e.add("weekday", "error-required");
            None
        }
        _ => {
            e.add("weekday", "error-choice");
            None
        }
    };
    let starts_at = e.take("starts_at", parse_time(&f.starts_at));
    let ends_at = e.take("ends_at", parse_time(&f.ends_at));
    if let (Some(s), Some(t)) = (&starts_at, &ends_at)
        && t <= s
    {
        e.add("ends_at", "error-office-hours-ends-before-starts");
    }
    let every_weeks = match f.every_weeks.trim() {
        "1" | "" => Some(1),
        "2" => Some(2),
        _ => {
            e.add("every_weeks", "error-choice");
            None
        }
    };
    let starts_on = e.take("starts_on", parse_date(&f.starts_on));
    let ends_on = e.take("ends_on", parse_date_opt(&f.ends_on)).flatten();
    if let (Some(s), Some(t)) = (starts_on, ends_on)
        && t < s
    {
        e.add("ends_on", "error-office-hours-ends-before-starts");
    }
    let mut languages: Vec<String> = Vec::new();
    for l in f
        .languages
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        if !language_choices().any(|c| c == l) {
            e.add("languages", "error-choice");
        } else if !languages.iter().any(|x| x == l) {
            languages.push(l.to_string());
        }
    }
    let public_note = e
        .take("public_note", parse_text(&f.public_note, NOTE_MAX))
        .flatten();
    let active = match f.active.trim() {
        "yes" => true,
        "" | "no" => false,
        _ => {
            e.add("active", "error-choice");
            false
        }
    };
    e.into_result()?;
    let (
        Some(staff_id),
        Some(room_id),
        Some(weekday),
        Some(starts_at),
        Some(ends_at),
        Some(every_weeks),
        Some(starts_on),
    ) = (
        staff_id,
        room_id,
        weekday,
        starts_at,
        ends_at,
        every_weeks,
        starts_on,
    )
    else {
        return Err(Error::field("form", "error-form"));
    };
    Ok(Input {
        staff_id,
        room_id,
        weekday,
        starts_at,
        ends_at,
        every_weeks,
        starts_on,
        ends_on,
        languages,
        public_note,
        active,
    })
}

/// What the office-hours form offers.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    /// The IMs whose office hours the actor keeps: (id, name). One entry (the actor) for an IM.
    pub staff: Vec<(i64, String)>,
    /// The rooms the actor's organisation may book.
    pub rooms: Vec<room::Model>,
}

fn resource_of(s: &staff::Model, organisation_id: i64) -> Resource {
    Resource::OfficeHours {
        organisation_id,
        // The holder's team counts only while they work for the organisation the slot is held for.
        team_id: s.team_id.filter(|_| s.organisation_id == organisation_id),
        staff_id: s.id,
    }
}

async fn choices_in<C: ConnectionTrait>(conn: &C, ctx: &Ctx) -> Result<Choices> {
    let ims: BTreeSet<i64> = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq(Role::Im.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.staff_id)
        .collect();
    let staff = staff::Entity::find()
        .filter(staff::Column::Active.eq(true))
        .filter(staff::Column::Id.is_in(ims))
        .order_by_asc(staff::Column::DisplayName)
        .all(conn)
        .await?
        .into_iter()
        .filter(|s| {
            ctx.allows(
                Action::ManageOfficeHours,
                &resource_of(s, s.organisation_id),
            )
        })
        .map(|s| (s.id, s.display_name))
        .collect();
    Ok(Choices {
        staff,
        rooms: rooms::bookable(conn, ctx, None).await?,
    })
}

/// What the office-hours form offers (nothing to an actor who keeps no office hours).
pub async fn choices(db: &Db, ctx: &Ctx) -> Result<Choices> {
    choices_in(db.reader(), ctx).await
}

async fn staff_of<C: ConnectionTrait>(conn: &C, id: i64) -> Result<staff::Model> {
    staff::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// Checks `i` against the chosen holder's organisation: the room must be bookable by it.
async fn checked_room<C: ConnectionTrait>(
    conn: &C,
    i: &Input,
    organisation_id: i64,
) -> Result<room::Model> {
    let Some(r) = room::Entity::find_by_id(i.room_id).one(conn).await? else {
        return Err(Error::field("room", "error-choice"));
    };
    if !rooms::may_book(conn, organisation_id, &r).await? {
        return Err(Error::field("room", "error-choice"));
    }
    Ok(r)
}

/// Adds office hours (for the actor, or for an IM whose office hours the actor keeps). Returns
/// their id.
pub async fn create(db: &Db, ctx: &Ctx, f: &OfficeHoursForm) -> Result<i64> {
    let tx = db.begin().await?;
    let ch = choices_in(&tx, ctx).await?;
    if ch.staff.is_empty() {
        let refused = ctx
            .refuse(&tx, Event::new("office_hours_created"), Error::Forbidden)
            .await;
        tx.commit().await?;
        return refused;
    }
    let i = parse(f, &ch, ctx.actor.staff_id)?;
    let holder = staff_of(&tx, i.staff_id).await?;
    let r = checked_room(&tx, &i, holder.organisation_id).await?;
    let now = ctx.now();
    let id = office_hour::Entity::insert(office_hour::ActiveModel {
        id: NotSet,
        staff_id: Set(holder.id),
        organisation_id: Set(holder.organisation_id),
        municipality_ags: Set(r.municipality_ags.clone()),
        room_id: Set(r.id),
        weekday: Set(i.weekday),
        starts_at: Set(i.starts_at.clone()),
        ends_at: Set(i.ends_at.clone()),
        every_weeks: Set(i.every_weeks),
        starts_on: Set(i.starts_on),
        ends_on: Set(i.ends_on),
        languages: Set(i.languages.join(",")),
        public_note: Set(i.public_note.clone()),
        active: Set(i.active),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(
        &tx,
        ctx,
        Event::on("office_hours_created", "office_hours", id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Finds office hours the actor keeps, at the start of a change in `tx`; whoever does not keep
/// them finds none (audited as a refusal of `ev`).
async fn kept_in(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    id: i64,
    ev: Event,
) -> Result<(ankommen_store::Tx, office_hour::Model)> {
    let checked = async {
        let Some(oh) = office_hour::Entity::find_by_id(id).one(&tx).await? else {
            return Err(Error::NotFound);
        };
        let holder = staff_of(&tx, oh.staff_id).await?;
        ctx.authorize(
            &tx,
            Action::ManageOfficeHours,
            &resource_of(&holder, oh.organisation_id),
            ev,
            Error::NotFound,
        )
        .await?;
        Ok(oh)
    }
    .await;
    crate::kernel::access::in_tx(tx, checked).await
}

/// Changes office hours, if nobody changed them since `version`. The holder stays who they were.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, version: i32, f: &OfficeHoursForm) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("office_hours_updated", "office_hours", id);
    let (tx, oh) = kept_in(tx, ctx, id, ev.clone()).await?;
    let mut ch = choices_in(&tx, ctx).await?;
    // The holder is fixed; offer them even if the actor could not choose them for new ones.
    ch.staff = vec![(oh.staff_id, String::new())];
    let f = OfficeHoursForm {
        staff: oh.staff_id.to_string(),
        ..f.clone()
    };
    // A room no longer bookable stays a choice for the slot that already uses it.
    if !ch.rooms.iter().any(|r| r.id == oh.room_id)
        && let Some(r) = room::Entity::find_by_id(oh.room_id).one(&tx).await?
    {
        ch.rooms.push(r);
    }
    let i = parse(&f, &ch, oh.staff_id)?;
    let r = if i.room_id == oh.room_id {
        room::Entity::find_by_id(oh.room_id)
            .one(&tx)
            .await?
            .ok_or(Error::NotFound)?
    } else {
        checked_room(&tx, &i, oh.organisation_id).await?
    };
    let res = office_hour::Entity::update_many()
        .col_expr(
            office_hour::Column::MunicipalityAgs,
            Expr::value(r.municipality_ags.clone()),
        )
        .col_expr(office_hour::Column::RoomId, Expr::value(r.id))
        .col_expr(office_hour::Column::Weekday, Expr::value(i.weekday))
        .col_expr(
            office_hour::Column::StartsAt,
            Expr::value(i.starts_at.clone()),
        )
        .col_expr(office_hour::Column::EndsAt, Expr::value(i.ends_at.clone()))
        .col_expr(office_hour::Column::EveryWeeks, Expr::value(i.every_weeks))
        .col_expr(office_hour::Column::StartsOn, Expr::value(i.starts_on))
        .col_expr(office_hour::Column::EndsOn, Expr::value(i.ends_on))
        .col_expr(
            office_hour::Column::Languages,
            Expr::value(i.languages.join(",")),
        )
        .col_expr(
            office_hour::Column::PublicNote,
            Expr::value(i.public_note.clone()),
        )
        .col_expr(office_hour::Column::Active, Expr::value(i.active))
        .col_expr(office_hour::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(office_hour::Column::Version, Expr::value(version + 1))
        .filter(office_hour::Column::Id.eq(id))
        .filter(office_hour::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, office_hour::Entity::find_by_id(id)).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a day on which the office hours do not take place (`reason`: one of
/// [`EXCEPTION_REASONS`]).
pub async fn add_exception(db: &Db, ctx: &Ctx, id: i64, date: &str, reason: &str) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("office_hours_day_off_added", "office_hours", id);
    let (tx, _oh) = kept_in(tx, ctx, id, ev.clone()).await?;
    let mut e = FieldErrors::new();
    let on = e.take("on_date", parse_date(date));
    let reason = reason.trim();
    if reason.is_empty() {
        e.add("reason", "error-required");
    } else if !EXCEPTION_REASONS.contains(&reason) {
        e.add("reason", "error-choice");
    }
    if let Some(d) = on
        && office_hour_exception::Entity::find()
            .filter(office_hour_exception::Column::OfficeHourId.eq(id))
            .filter(office_hour_exception::Column::OnDate.eq(d))
            .one(&tx)
            .await?
            .is_some()
    {
        e.add("on_date", "error-office-hours-day-off-exists");
    }
    e.into_result()?;
    let Some(on) = on else {
        return Err(Error::field("on_date", "error-date"));
    };
    office_hour_exception::Entity::insert(office_hour_exception::ActiveModel {
        id: NotSet,
        office_hour_id: Set(id),
        on_date: Set(on),
        reason: Set(reason.to_string()),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(ctx.now()),
    })
    .exec(&tx)
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a day off back: the office hours take place on it again.
pub async fn remove_exception(db: &Db, ctx: &Ctx, id: i64, exception_id: i64) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("office_hours_day_off_removed", "office_hours", id);
    let (tx, _oh) = kept_in(tx, ctx, id, ev.clone()).await?;
    let res = office_hour_exception::Entity::delete_many()
        .filter(office_hour_exception::Column::Id.eq(exception_id))
        .filter(office_hour_exception::Column::OfficeHourId.eq(id))
        .exec(&tx)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// Office hours as the lists show them.
#[derive(Clone, Debug)]
pub struct Slot {
    pub office_hours: office_hour::Model,
    pub room: room::Model,
    pub staff_name: String,
}

async fn slots_of<C: ConnectionTrait>(conn: &C, all: Vec<office_hour::Model>) -> Result<Vec<Slot>> {
    let rooms: BTreeMap<i64, room::Model> = room::Entity::find()
        .filter(room::Column::Id.is_in(all.iter().map(|o| o.room_id).collect::<BTreeSet<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let names: BTreeMap<i64, String> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(all.iter().map(|o| o.staff_id).collect::<BTreeSet<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect();
    Ok(all
        .into_iter()
        .filter_map(|o| {
            Some(Slot {
                room: rooms.get(&o.room_id)?.clone(),
                staff_name: names.get(&o.staff_id).cloned().unwrap_or_default(),
                office_hours: o,
            })
        })
        .collect())
}

/// The office hours the actor keeps (their own, their team's, their organisation's for an
/// administrator), by holder, weekday and time.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<Slot>> {
    let conn = db.reader();
    let all = office_hour::Entity::find()
        .order_by_asc(office_hour::Column::Weekday)
        .order_by_asc(office_hour::Column::StartsAt)
        .all(conn)
        .await?;
    let holders: BTreeMap<i64, staff::Model> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(all.iter().map(|o| o.staff_id).collect::<BTreeSet<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let kept = all
        .into_iter()
        .filter(|o| {
            holders.get(&o.staff_id).is_some_and(|s| {
                ctx.allows(
                    Action::ManageOfficeHours,
                    &resource_of(s, o.organisation_id),
                )
            })
        })
        .collect();
    let mut slots = slots_of(conn, kept).await?;
    slots.sort_by(|a, b| a.staff_name.cmp(&b.staff_name));
    Ok(slots)
}

/// Office hours with their days off, as their page shows them.
#[derive(Clone, Debug)]
pub struct SlotView {
    pub slot: Slot,
    pub exceptions: Vec<office_hour_exception::Model>,
    /// The next occurrences (eight weeks from today).
    pub upcoming: Vec<Occurrence>,
}

/// One slot for whoever keeps it; anybody else finds none (and the refusal is audited).
pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<SlotView> {
    let conn = db.reader();
    let Some(oh) = office_hour::Entity::find_by_id(id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    let holder = staff_of(conn, oh.staff_id).await?;
    ctx.authorize(
        db.writer(),
        Action::ManageOfficeHours,
        &resource_of(&holder, oh.organisation_id),
        Event::on("office_hours_viewed", "office_hours", id),
        Error::NotFound,
    )
    .await?;
    let exceptions = office_hour_exception::Entity::find()
        .filter(office_hour_exception::Column::OfficeHourId.eq(id))
        .order_by_asc(office_hour_exception::Column::OnDate)
        .all(conn)
        .await?;
    let days: Vec<NaiveDate> = exceptions.iter().map(|e| e.on_date).collect();
    let today = ctx.today();
    let upcoming = occurrences(&oh, &days, today, today + Duration::weeks(8));
    let Some(slot) = slots_of(conn, vec![oh]).await?.pop() else {
        return Err(Error::NotFound);
    };
    Ok(SlotView {
        slot,
        exceptions,
        upcoming,
    })
}

/// The slot's values as its edit form shows them.
pub fn form_of(o: &office_hour::Model) -> OfficeHoursForm {
    OfficeHoursForm {
        staff: o.staff_id.to_string(),
        room: o.room_id.to_string(),
        weekday: o.weekday.to_string(),
        starts_at: o.starts_at.clone(),
        ends_at: o.ends_at.clone(),
        every_weeks: o.every_weeks.to_string(),
        starts_on: o.starts_on.to_string(),
        ends_on: o.ends_on.map(|d| d.to_string()).unwrap_or_default(),
        languages: languages_of(o).into_iter().map(str::to_owned).collect(),
        public_note: o.public_note.clone().unwrap_or_default(),
        active: if o.active {
            "yes".into()
        } else {
            String::new()
        },
    }
}

/// A language's name in itself (in its own script), for the public page and the poster, where a
/// reader looks for their language without reading German.
pub fn own_name(code: &str) -> &str {
    match code {
        "ar" => "العربية",
        "fa" => "فارسی",
        "prs" => "دری",
        "ps" => "پښتو",
        "ku" => "Kurdî",
        "tr" => "Türkçe",
        "uk" => "Українська",
        "ru" => "Русский",
        "ti" => "ትግርኛ",
        "am" => "አማርኛ",
        "so" => "Soomaali",
        "ur" => "اردو",
        "sq" => "Shqip",
        "sr" => "Српски",
        "ro" => "Română",
        "en" => "English",
        "fr" => "Français",
        "es" => "Español",
        "it" => "Italiano",
        "de" => "Deutsch",
        other => other,
    }
}

/// The language keys offered (besides German).
pub fn languages_of(o: &office_hour::Model) -> Vec<&str> {
    o.languages.split(',').filter(|l| !l.is_empty()).collect()
}

/// Whose office hours [`between`] lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// One staff member's (their calendar, the appointment form).
    Staff(i64),
    /// One municipality's, by AGS (the public page, the poster).
    Municipality(String),
    /// One room's (the conflicts of a booking in it).
    Room(i64),
    /// Every municipality's (the public list of municipalities).
    All,
}

/// One occurrence of office hours, with everything the public page, the poster, the calendar and
/// the appointment form show.
#[derive(Clone, Debug)]
pub struct Held {
    pub office_hour_id: i64,
    pub occurrence: Occurrence,
    pub staff_id: i64,
    /// The holder's name: for staff views (the public page shows the organisation only).
    pub staff_name: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub municipality_ags: String,
    pub room: room::Model,
    /// Language keys offered besides German.
    pub languages: Vec<String>,
    pub public_note: Option<String>,
}

/// The occurrences of office hours from `from` to `to` (both included) in date and time order:
/// active slots in active rooms, held by active staff still working for the organisation the
/// slot is held for, without their days off and the public holidays. Organisational data, public
/// by design (the page `/sprechstunden`): no actor, no audit; it never carries client data.
pub async fn between<C: ConnectionTrait>(
    conn: &C,
    filter: &Filter,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Held>> {
    let mut q = office_hour::Entity::find()
        .filter(office_hour::Column::Active.eq(true))
        .filter(office_hour::Column::StartsOn.lte(to));
    q = match filter {
        Filter::Staff(id) => q.filter(office_hour::Column::StaffId.eq(*id)),
        Filter::Municipality(ags) => {
            q.filter(office_hour::Column::MunicipalityAgs.eq(ags.as_str()))
        }
        Filter::Room(id) => q.filter(office_hour::Column::RoomId.eq(*id)),
        Filter::All => q,
    };
    let slots: Vec<office_hour::Model> = q
        .all(conn)
        .await?
        .into_iter()
        .filter(|o| o.ends_on.is_none_or(|e| e >= from))
        .collect();
    if slots.is_empty() {
        return Ok(Vec::new());
    }
    let ids: BTreeSet<i64> = slots.iter().map(|o| o.id).collect();
    let mut days: BTreeMap<i64, Vec<NaiveDate>> = BTreeMap::new();
    for e in office_hour_exception::Entity::find()
        .filter(office_hour_exception::Column::OfficeHourId.is_in(ids))
        .all(conn)
        .await?
    {
        days.entry(e.office_hour_id).or_default().push(e.on_date);
    }
    let holders: BTreeMap<i64, staff::Model> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(slots.iter().map(|o| o.staff_id).collect::<BTreeSet<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let rooms: BTreeMap<i64, room::Model> = room::Entity::find()
        .filter(room::Column::Id.is_in(slots.iter().map(|o| o.room_id).collect::<BTreeSet<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let orgs: BTreeMap<i64, String> = organisation::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut out = Vec::new();
    for o in slots {
        let Some(holder) = holders
            .get(&o.staff_id)
            .filter(|s| s.active && s.organisation_id == o.organisation_id)
        else {
            continue;
        };
        let Some(r) = rooms.get(&o.room_id).filter(|r| r.active) else {
            continue;
        };
        let off = days.get(&o.id).map(Vec::as_slice).unwrap_or(&[]);
        for occurrence in occurrences(&o, off, from, to) {
            out.push(Held {
                office_hour_id: o.id,
                occurrence,
                staff_id: o.staff_id,
                staff_name: holder.display_name.clone(),
                organisation_id: o.organisation_id,
                organisation_name: orgs.get(&o.organisation_id).cloned().unwrap_or_default(),
                municipality_ags: o.municipality_ags.clone(),
                room: r.clone(),
                languages: languages_of(&o).into_iter().map(str::to_owned).collect(),
                public_note: o.public_note.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.occurrence, &a.room.name, a.office_hour_id).cmp(&(
            b.occurrence,
            &b.room.name,
            b.office_hour_id,
        ))
    });
    Ok(out)
}

/// The weeks the public page and the poster look ahead.
pub const PUBLIC_WEEKS: i64 = 6;

/// The municipalities with office hours in the next [`PUBLIC_WEEKS`] weeks from `today`:
/// (AGS, name), by name.
pub async fn public_municipalities(db: &Db, today: NaiveDate) -> Result<Vec<(String, String)>> {
    let held = between(
        db.reader(),
        &Filter::All,
        today,
        today + Duration::weeks(PUBLIC_WEEKS),
    )
    .await?;
    let with: BTreeSet<String> = held.into_iter().map(|h| h.municipality_ags).collect();
    Ok(ankommen_store::entities::municipality::Entity::find()
        .order_by_asc(ankommen_store::entities::municipality::Column::Name)
        .all(db.reader())
        .await?
        .into_iter()
        .filter(|m| with.contains(&m.ags))
        .map(|m| (m.ags, m.name))
        .collect())
}

/// A municipality's name, if it exists.
pub async fn municipality_name(db: &Db, ags: &str) -> Result<Option<String>> {
    Ok(
        ankommen_store::entities::municipality::Entity::find_by_id(ags.to_string())
            .one(db.reader())
            .await?
            .map(|m| m.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn slot(weekday: i32, every_weeks: i32, starts_on: NaiveDate) -> office_hour::Model {
        office_hour::Model {
            id: 1,
            staff_id: 1,
            organisation_id: 1,
            municipality_ags: "08990001".into(),
            room_id: 1,
            weekday,
            starts_at: "09:00".into(),
            ends_at: "12:00".into(),
            every_weeks,
            starts_on,
            ends_on: None,
            languages: "ar".into(),
            public_note: None,
            active: true,
            created_by: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            version: 1,
        }
    }

    fn dates(v: &[Occurrence]) -> Vec<NaiveDate> {
        v.iter().map(|o| o.date).collect()
    }

    #[test]
    fn the_holidays_of_baden_wuerttemberg() {
        assert_eq!(easter_sunday(2026), Some(d(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(d(2027, 3, 28)));
        assert_eq!(public_holiday(d(2026, 4, 3)), Some("good_friday"));
        assert_eq!(public_holiday(d(2026, 4, 6)), Some("easter_monday"));
        assert_eq!(public_holiday(d(2026, 5, 14)), Some("ascension"));
        assert_eq!(public_holiday(d(2026, 5, 25)), Some("whit_monday"));
        assert_eq!(public_holiday(d(2026, 6, 4)), Some("corpus_christi"));
        assert_eq!(public_holiday(d(2027, 1, 6)), Some("epiphany"));
        assert_eq!(public_holiday(d(2026, 10, 3)), Some("unity_day"));
        assert_eq!(public_holiday(d(2026, 11, 1)), Some("all_saints"));
        assert_eq!(public_holiday(d(2026, 12, 26)), Some("boxing_day"));
        // Whit Sunday and Easter Sunday fall on Sundays anyway; Reformation Day is not BW's.
        assert_eq!(public_holiday(d(2026, 10, 31)), None);
        assert_eq!(public_holiday(d(2026, 5, 26)), None);
    }

    #[test]
    fn weekly_skips_the_holidays_and_the_days_off() {
        // Mondays from 4 May 2026: Whit Monday (25 May) is skipped, and the day off on 11 May.
        let s = slot(1, 1, d(2026, 5, 4));
        let got = occurrences(&s, &[d(2026, 5, 11)], d(2026, 5, 1), d(2026, 6, 1));
        assert_eq!(
            dates(&got),
            vec![d(2026, 5, 4), d(2026, 5, 18), d(2026, 6, 1)]
        );
        assert_eq!(got[0].starts_at, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        assert_eq!(got[0].ends_at, NaiveTime::from_hms_opt(12, 0, 0).unwrap());
        // Fridays around Easter 2026: Good Friday is skipped.
        let s = slot(5, 1, d(2026, 3, 1));
        let got = occurrences(&s, &[], d(2026, 3, 27), d(2026, 4, 10));
        assert_eq!(dates(&got), vec![d(2026, 3, 27), d(2026, 4, 10)]);
    }

    #[test]
    fn every_other_week_counts_from_the_first_day() {
        // Wednesdays every other week from 7 Jan 2026; the window starts in an "off" week.
        let s = slot(3, 2, d(2026, 1, 7));
        let got = occurrences(&s, &[], d(2026, 1, 12), d(2026, 2, 28));
        assert_eq!(
            dates(&got),
            vec![d(2026, 1, 21), d(2026, 2, 4), d(2026, 2, 18)]
        );
        // A window ending before the first day has none.
        assert!(occurrences(&s, &[], d(2025, 12, 1), d(2026, 1, 6)).is_empty());
    }

    #[test]
    fn the_first_day_on_another_weekday_and_the_last_day() {
        // First day a Thursday (8 Jan 2026), office hours on Tuesdays: the first is 13 Jan.
        let mut s = slot(2, 2, d(2026, 1, 8));
        s.ends_on = Some(d(2026, 2, 10));
        let got = occurrences(&s, &[], d(2026, 1, 1), d(2026, 3, 31));
        // Every other week from 13 Jan; 10 Feb is the last day and still included.
        assert_eq!(
            dates(&got),
            vec![d(2026, 1, 13), d(2026, 1, 27), d(2026, 2, 10)]
        );
        s.active = false;
        assert!(occurrences(&s, &[], d(2026, 1, 1), d(2026, 3, 31)).is_empty());
    }

    #[test]
    fn a_slot_needs_valid_times_days_and_choices() {
        let ch = Choices {
            staff: vec![(7, "Ina".into())],
            rooms: Vec::new(),
        };
        let f = OfficeHoursForm {
            room: "3".into(),
            weekday: "8".into(),
            starts_at: "10:00".into(),
            ends_at: "09:00".into(),
            every_weeks: "3".into(),
            starts_on: "2026-05-10".into(),
            ends_on: "2026-05-01".into(),
            languages: vec!["xx".into()],
            ..Default::default()
        };
        let Err(Error::Invalid(e)) = parse(&f, &ch, 7) else {
            panic!("invalid")
        };
        assert_eq!(e.get("staff"), None);
        assert_eq!(e.get("room"), Some("error-choice"));
        assert_eq!(e.get("weekday"), Some("error-choice"));
        assert_eq!(
            e.get("ends_at"),
            Some("error-office-hours-ends-before-starts")
        );
        assert_eq!(e.get("every_weeks"), Some("error-choice"));
        assert_eq!(
            e.get("ends_on"),
            Some("error-office-hours-ends-before-starts")
        );
        assert_eq!(e.get("languages"), Some("error-choice"));
        let Err(Error::Invalid(e)) = parse(&f, &ch, 8) else {
            panic!("invalid")
        };
        assert_eq!(e.get("staff"), Some("error-required"));
    }
}
