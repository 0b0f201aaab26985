//! The calendar (issue 24, decision 0035): an IM's week and day of appointments, a team lead's
//! over the team's members, and the secret calendar subscription (the iCal feed) with the single
//! appointment as an event. Booking, moving and cancelling belong to the appointments themselves.
//!
//! What a calendar shows is decided twice: whose calendar it is (`Action::ViewCalendar` on the
//! staff member: their own, or a team lead over their team's members) and, per appointment, the
//! one rule of [`visible`] (the holder reads the client, a team lead lists the case), which the
//! start page's and the home visits' lists use too; so a moved employee keeps no appointment of a
//! case they may no longer reach. Pages name clients and are audited once per view naming them
//! (`calendar_viewed`); the feed carries no names, at most initials when its holder opted in.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ankommen_store::Db;
use ankommen_store::entities::{
    appointment, calendar_feed, case, case_person, person, room, service, staff, staff_role,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::administration::sessions;
use crate::kernel::access;
use crate::kernel::audit::{self, Event, Seen, Who};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::tokens::{hash_token, random_token};
use crate::kernel::types::Role;
use crate::{Clock, Ctx, Error, Result};

/// The feed covers appointments from this many days back …
pub const FEED_DAYS_BACK: i64 = 30;
/// … to this many days ahead.
pub const FEED_DAYS_AHEAD: i64 = 366;

/// Whose appointments a calendar page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whose {
    /// The actor's own.
    Own,
    /// One staff member's (the actor, or for a team lead a member of the team).
    Member(i64),
    /// Every member of the team lead's team, side by side.
    Team,
}

/// One appointment as the calendar shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    /// None: the whole household of the case.
    pub person_id: Option<i64>,
    pub staff_id: i64,
    pub date: NaiveDate,
    /// HH:MM, local time (Europe/Berlin).
    pub starts_at: String,
    pub minutes: i32,
    /// `office_hours` | `office` | `home_visit` | `accompaniment`
    pub place_kind: String,
    /// Where: the room with its address, the service accompanied to, or the office's note; never a
    /// client's address (a home visit has none here).
    pub place: Option<String>,
    pub interpreter_language: Option<String>,
    /// `planned` | `held` | `missed` | `cancelled`
    pub status: String,
    pub version: i32,
    /// The persons named (the client, or the household's members), as (id, given, family).
    pub persons: Vec<(i64, String, String)>,
}

impl Entry {
    /// The client's or the household's names, as the pages show them.
    pub fn names(&self) -> String {
        self.persons
            .iter()
            .map(|(_, g, f)| format!("{g} {f}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The initials only ("A. K."), for a feed whose holder opted in.
    pub fn initials(&self) -> String {
        self.persons
            .iter()
            .map(|(_, g, f)| {
                [initial(g), initial(f)]
                    .into_iter()
                    .filter(|i| !i.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// When it starts and ends, in UTC (the local wall-clock time read in Europe/Berlin).
    pub fn utc_span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let time = chrono::NaiveTime::parse_from_str(&self.starts_at, "%H:%M").ok()?;
        let local = self.date.and_time(time);
        let start = local
            .and_local_timezone(chrono_tz::Europe::Berlin)
            .earliest()?
            .with_timezone(&Utc);
        Some((start, start + Duration::minutes(i64::from(self.minutes))))
    }
}

fn initial(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| format!("{}.", c.to_uppercase()))
        .unwrap_or_default()
}

/// One staff member's column of the calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub staff_id: i64,
    pub display_name: String,
    pub entries: Vec<Entry>,
}

/// A calendar page: the days from `from` to `to` (inclusive) and one column per staff member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub columns: Vec<Column>,
    /// For a team lead: the team's members to choose from (id, name).
    pub members: Vec<(i64, String)>,
    /// Whose calendar this is, as resolved.
    pub whose: Whose,
}

/// The policy's view of a staff member.
fn staff_resource(s: &staff::Model) -> Resource {
    Resource::Staff {
        organisation_id: s.organisation_id,
        team_id: s.team_id,
        staff_id: s.id,
    }
}

/// The calendar of `whose` for the days `from`..=`to`. A calendar the actor may not see answers
/// like a missing one (404), audited; so does a staff member who does not exist.
pub async fn view(
    db: &Db,
    ctx: &Ctx,
    whose: Whose,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<View> {
    let a = &ctx.actor;
    let lead_team = a.team_id.filter(|_| a.has(Role::TeamLead));
    let members = match lead_team {
        Some(team) => team_members(db.reader(), a.organisation_id, team).await?,
        None => Vec::new(),
    };
    // A team lead without a caseload of their own sees the team.
    let whose = match whose {
        Whose::Own if !a.has(Role::Im) && lead_team.is_some() => Whose::Team,
        Whose::Own => Whose::Member(a.staff_id),
        w => w,
    };
    audit::read(db, async |tx| {
        let refused = || Event::new("calendar_viewed");
        let staff_ids: Vec<i64> = match whose {
            Whose::Team if lead_team.is_some() => members.iter().map(|(id, _)| *id).collect(),
            Whose::Team | Whose::Own => return ctx.refuse(tx, refused(), Error::NotFound).await,
            Whose::Member(id) => vec![id],
        };
        let people = staff::Entity::find()
            .filter(staff::Column::Id.is_in(staff_ids.clone()))
            .all(tx)
            .await?;
        let mut columns = Vec::new();
        for id in &staff_ids {
            let Some(s) = people.iter().find(|s| s.id == *id) else {
                return ctx.refuse(tx, refused(), Error::NotFound).await;
            };
            ctx.authorize(
                tx,
                Action::ViewCalendar,
                &staff_resource(s),
                Event::on("calendar_viewed", "staff", s.id),
                Error::NotFound,
            )
            .await?;
            columns.push(Column {
                staff_id: s.id,
                display_name: s.display_name.clone(),
                entries: Vec::new(),
            });
        }
        let entries = entries_of(tx, ctx, &staff_ids, from, to).await?;
        let seen: BTreeSet<Seen> = entries
            .iter()
            .flat_map(|e| {
                e.persons.iter().map(|(pid, _, _)| Seen {
                    person_id: *pid,
                    case_id: Some(e.case_id),
                })
            })
            .collect();
        audit::record_seen(tx, ctx, Event::new("calendar_viewed"), seen).await?;
        for e in entries {
            if let Some(c) = columns.iter_mut().find(|c| c.staff_id == e.staff_id) {
                c.entries.push(e);
            }
        }
        Ok(View {
            from,
            to,
            columns,
            members: members.clone(),
            whose,
        })
    })
    .await
}

/// The appointments of the staff members `staff_ids` on the days `from`..=`to` the actor may see
/// ([`visible`]), in time order, with their places and persons.
async fn entries_of<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    staff_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Entry>> {
    if staff_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = appointment::Entity::find()
        .filter(appointment::Column::StaffId.is_in(staff_ids.to_vec()))
        .filter(appointment::Column::AppointmentDate.gte(from))
        .filter(appointment::Column::AppointmentDate.lte(to))
        .order_by_asc(appointment::Column::AppointmentDate)
        .order_by_asc(appointment::Column::StartsAt)
        .order_by_asc(appointment::Column::Id)
        .all(conn)
        .await?;
    complete(conn, ctx, rows).await
}

/// The one rule of who sees an appointment in a list (calendar, feed, start page, home visits):
/// its holder needs `ReadClient` on its case (they act on it: names, addresses, letters); a team
/// lead looking at a member's calendar needs `ViewCaseList` (the names the team's case list
/// shows). Both are computed against the actor's current organisation, so a moved employee keeps
/// none of the old organisation's.
fn action_on(ctx: &Ctx, a: &appointment::Model) -> Action {
    if a.staff_id == ctx.actor.staff_id {
        Action::ReadClient
    } else {
        Action::ViewCaseList
    }
}

/// The appointments of `rows` the actor may see ([`action_on`]), each with its case, in their
/// order.
pub(crate) async fn visible<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    rows: Vec<appointment::Model>,
) -> Result<Vec<(appointment::Model, case::Model)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let case_ids: BTreeSet<i64> = rows.iter().map(|r| r.case_id).collect();
    let cases: BTreeMap<i64, (case::Model, Resource)> = access::cases_with_refs(
        conn,
        sea_orm::Condition::all().add(case::Column::Id.is_in(case_ids)),
    )
    .await?
    .into_iter()
    .map(|(c, r)| (c.id, (c, Resource::Case(r))))
    .collect();
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let (c, res) = cases.get(&a.case_id)?;
            ctx.allows(action_on(ctx, &a), res).then(|| (a, c.clone()))
        })
        .collect())
}

/// Keeps the appointments the actor may see and adds what the calendar shows: the case number,
/// the place, the persons.
async fn complete<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    rows: Vec<appointment::Model>,
) -> Result<Vec<Entry>> {
    let shown = visible(conn, ctx, rows).await?;
    let allowed: BTreeMap<i64, String> = shown
        .iter()
        .map(|(_, c)| (c.id, c.case_number.clone()))
        .collect();
    let rows: Vec<appointment::Model> = shown.into_iter().map(|(a, _)| a).collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // The persons: the one named, or every person of the household's case.
    let household_cases: Vec<i64> = rows
        .iter()
        .filter(|r| r.person_id.is_none())
        .map(|r| r.case_id)
        .collect();
    let links: Vec<(i64, i64)> = if household_cases.is_empty() {
        Vec::new()
    } else {
        case_person::Entity::find()
            .select_only()
            .column(case_person::Column::CaseId)
            .column(case_person::Column::PersonId)
            .filter(case_person::Column::CaseId.is_in(household_cases))
            .order_by_asc(case_person::Column::PersonId)
            .into_tuple()
            .all(conn)
            .await?
    };
    let person_ids: BTreeSet<i64> = rows
        .iter()
        .filter_map(|r| r.person_id)
        .chain(links.iter().map(|(_, p)| *p))
        .collect();
    let names: BTreeMap<i64, (String, String)> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::GivenName)
        .column(person::Column::FamilyName)
        .filter(person::Column::Id.is_in(person_ids))
        .into_tuple::<(i64, String, String)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, g, f)| (id, (g, f)))
        .collect();
    let room_ids: BTreeSet<i64> = rows.iter().filter_map(|r| r.room_id).collect();
    let rooms: BTreeMap<i64, room::Model> = room::Entity::find()
        .filter(room::Column::Id.is_in(room_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let service_ids: BTreeSet<i64> = rows.iter().filter_map(|r| r.service_id).collect();
    let services: BTreeMap<i64, (String, Option<String>)> = service::Entity::find()
        .select_only()
        .column(service::Column::Id)
        .column(service::Column::Name)
        .column(service::Column::Address)
        .filter(service::Column::Id.is_in(service_ids))
        .into_tuple::<(i64, String, Option<String>)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, n, a)| (id, (n, a)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let persons = match r.person_id {
                Some(pid) => vec![pid],
                None => links
                    .iter()
                    .filter(|(c, _)| *c == r.case_id)
                    .map(|(_, p)| *p)
                    .collect(),
            }
            .into_iter()
            .filter_map(|pid| names.get(&pid).map(|(g, f)| (pid, g.clone(), f.clone())))
            .collect();
            let place = place_of(&r, &rooms, &services);
            Entry {
                id: r.id,
                case_id: r.case_id,
                case_number: allowed.get(&r.case_id).cloned().unwrap_or_default(),
                person_id: r.person_id,
                staff_id: r.staff_id,
                date: r.appointment_date,
                starts_at: r.starts_at,
                minutes: r.minutes,
                place_kind: r.place_kind,
                place,
                interpreter_language: r.interpreter_language,
                status: r.status,
                version: r.version,
                persons,
            }
        })
        .collect())
}

/// Where an appointment is, as a line of text: the room and its address, the service and its
/// address, or the office's note. A home visit's place is the client's home: never written here.
fn place_of(
    r: &appointment::Model,
    rooms: &BTreeMap<i64, room::Model>,
    services: &BTreeMap<i64, (String, Option<String>)>,
) -> Option<String> {
    let note = r.place_note.clone().filter(|n| !n.trim().is_empty());
    match r.place_kind.as_str() {
        "home_visit" => None,
        "office_hours" | "office" if r.room_id.is_some() => {
            let room = rooms.get(&r.room_id?)?;
            Some(format!(
                "{}, {}, {} {}",
                room.name, room.street, room.postcode, room.city
            ))
        }
        "accompaniment" if r.service_id.is_some() => {
            let (name, address) = services.get(&r.service_id?)?;
            Some(match address {
                Some(a) if !a.trim().is_empty() => format!("{name}, {a}"),
                _ => name.clone(),
            })
        }
        _ => note,
    }
}

/// The active IMs of a team, by name (staff data only).
async fn team_members<C: ConnectionTrait>(
    conn: &C,
    organisation_id: i64,
    team: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::TeamId.eq(team))
        .filter(staff::Column::OrganisationId.eq(organisation_id))
        .filter(staff::Column::Active.eq(true))
        .filter(
            staff::Column::Id.in_subquery(
                Query::select()
                    .column(staff_role::Column::StaffId)
                    .from(staff_role::Entity)
                    .and_where(Expr::col(staff_role::Column::Role).eq(Role::Im.as_str()))
                    .to_owned(),
            ),
        )
        .order_by_asc(staff::Column::DisplayName)
        .into_tuple()
        .all(conn)
        .await?)
}

// ---- The subscription ----

/// The actor's subscription as the account page shows it (never the token: it is shown once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedInfo {
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub with_initials: bool,
}

/// Who may hold a subscription: whoever has a calendar of their own (the IMs).
pub fn may_subscribe(ctx: &Ctx) -> bool {
    ctx.allows(
        Action::ViewCalendar,
        &Resource::Staff {
            organisation_id: ctx.actor.organisation_id,
            team_id: ctx.actor.team_id,
            staff_id: ctx.actor.staff_id,
        },
    )
}

fn own_staff_event(action: &'static str, ctx: &Ctx) -> Event {
    Event::on(action, "staff", ctx.actor.staff_id)
}

/// The actor's subscription in force, if any.
pub async fn feed_info(db: &Db, ctx: &Ctx) -> Result<Option<FeedInfo>> {
    if !may_subscribe(ctx) {
        return Ok(None);
    }
    Ok(calendar_feed::Entity::find()
        .filter(calendar_feed::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .order_by_desc(calendar_feed::Column::Id)
        .one(db.reader())
        .await?
        .map(|f| FeedInfo {
            created_at: f.created_at,
            last_used_at: f.last_used_at,
            with_initials: f.with_initials,
        }))
}

/// Creates the actor's secret subscription and returns its token (shown once; only its hash is
/// stored). A subscription already in force is revoked in the same transaction: renewing is
/// revoking and creating.
pub async fn create_feed(db: &Db, ctx: &Ctx, with_initials: bool) -> Result<String> {
    if !may_subscribe(ctx) {
        return ctx
            .refuse(
                db.writer(),
                own_staff_event("calendar_feed_created", ctx),
                Error::Forbidden,
            )
            .await;
    }
    let tx = db.begin().await?;
    let now = ctx.now();
    revoke_in(&tx, ctx, now).await?;
    let token = random_token()?;
    calendar_feed::Entity::insert(calendar_feed::ActiveModel {
        id: NotSet,
        staff_id: Set(ctx.actor.staff_id),
        token_hash: Set(hash_token(&token)),
        with_initials: Set(with_initials),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_without_returning(&tx)
    .await?;
    audit::record(&tx, ctx, own_staff_event("calendar_feed_created", ctx)).await?;
    tx.commit().await?;
    Ok(token)
}

/// Revokes the actor's subscriptions in force (their URLs answer 404 from now on).
pub async fn revoke_feed(db: &Db, ctx: &Ctx) -> Result<()> {
    let tx = db.begin().await?;
    if revoke_in(&tx, ctx, ctx.now()).await? > 0 {
        audit::record(&tx, ctx, own_staff_event("calendar_feed_revoked", ctx)).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn revoke_in<C: ConnectionTrait>(conn: &C, ctx: &Ctx, now: DateTime<Utc>) -> Result<u64> {
    Ok(calendar_feed::Entity::update_many()
        .col_expr(calendar_feed::Column::RevokedAt, Expr::value(now))
        .filter(calendar_feed::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected)
}

/// What a feed holds: its holder's appointments and whether it names initials.
#[derive(Clone, Debug)]
pub struct Feed {
    /// The holder (their locale labels the events).
    pub actor: crate::Actor,
    pub with_initials: bool,
    pub entries: Vec<Entry>,
}

/// The feed of a secret `token`, fetched without a session: the holder's appointments (all
/// statuses, cancelled ones for the calendar apps to remove) from [`FEED_DAYS_BACK`] days ago to
/// [`FEED_DAYS_AHEAD`] days ahead, of the cases the holder may still read. An unknown or revoked
/// token, or a holder who is deactivated or may no longer hold a calendar, is a 404. The fetch
/// is audited as the holder's read: naming the persons when the feed carries their initials, as
/// one event naming nobody otherwise (then it holds case numbers and places only).
pub async fn feed(db: &Db, clock: Arc<dyn Clock>, token: &str) -> Result<Feed> {
    // The lookup is by the token's hash (a unique index): the secret itself is never compared,
    // so how long the lookup takes tells nothing about it.
    let hash = hash_token(token);
    let tx = db.begin().await?;
    let Some(f) = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(hash))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .one(&tx)
        .await?
    else {
        return Err(Error::NotFound);
    };
    let Some(actor) = sessions::load_actor(&tx, f.staff_id).await? else {
        return Err(Error::NotFound);
    };
    let ctx = Ctx {
        actor,
        clock,
        request_id: None,
    };
    if !may_subscribe(&ctx) {
        return Err(Error::NotFound);
    }
    let today = ctx.today();
    let now = ctx.now();
    let entries = entries_of(
        &tx,
        &ctx,
        &[ctx.actor.staff_id],
        today - Duration::days(FEED_DAYS_BACK),
        today + Duration::days(FEED_DAYS_AHEAD),
    )
    .await?;
    calendar_feed::Entity::update_many()
        .col_expr(calendar_feed::Column::LastUsedAt, Expr::value(now))
        .filter(calendar_feed::Column::Id.eq(f.id))
        .exec(&tx)
        .await?;
    let ev = Event::on("calendar_feed_fetched", "staff", ctx.actor.staff_id);
    let who = Who {
        staff_id: Some(ctx.actor.staff_id),
        organisation_id: Some(ctx.actor.organisation_id),
        roles: ctx.actor.roles.joined(),
    };
    if f.with_initials {
        let seen: BTreeSet<Seen> = entries
            .iter()
            .flat_map(|e| {
                e.persons.iter().map(|(pid, _, _)| Seen {
                    person_id: *pid,
                    case_id: Some(e.case_id),
                })
            })
            .collect();
        audit::record_seen_as(&tx, now, &who, None, ev, seen).await?;
    } else {
        audit::record_as(&tx, now, &who, None, ev).await?;
    }
    tx.commit().await?;
    Ok(Feed {
        actor: ctx.actor,
        with_initials: f.with_initials,
        entries,
    })
}

/// One appointment as an event to download, for whoever may read its case; with initials when
/// the actor's subscription carries them. Audited naming the appointment's persons and case.
pub async fn appointment_event(db: &Db, ctx: &Ctx, id: i64) -> Result<(Entry, bool)> {
    let with_initials = feed_info(db, ctx).await?.is_some_and(|f| f.with_initials);
    audit::read(db, async |tx| {
        let ev = || Event::new("appointment_ics_downloaded");
        let Some(row) = appointment::Entity::find_by_id(id).one(tx).await? else {
            return ctx.refuse(tx, ev(), Error::NotFound).await;
        };
        access::case_for(
            tx,
            ctx,
            row.case_id,
            Action::ReadClient,
            ev().case(row.case_id),
        )
        .await?;
        let mut entries = complete(tx, ctx, vec![row]).await?;
        let Some(entry) = entries.pop() else {
            return ctx.refuse(tx, ev(), Error::NotFound).await;
        };
        let seen: Vec<Seen> = entry
            .persons
            .iter()
            .map(|(pid, _, _)| Seen {
                person_id: *pid,
                case_id: Some(entry.case_id),
            })
            .collect();
        audit::record_seen(tx, ctx, ev().case(entry.case_id), seen).await?;
        Ok((entry, with_initials))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(date: &str, time: &str) -> Entry {
        Entry {
            id: 1,
            case_id: 1,
            case_number: "2026-0001".into(),
            person_id: Some(1),
            staff_id: 1,
            date: date.parse().unwrap_or_default(),
            starts_at: time.into(),
            minutes: 45,
            place_kind: "office".into(),
            place: None,
            interpreter_language: None,
            status: "planned".into(),
            version: 1,
            persons: vec![
                (1, "Amina".into(), "Karimi".into()),
                (2, "ölaf".into(), "".into()),
            ],
        }
    }

    #[test]
    fn initials_only() {
        assert_eq!(entry("2026-12-08", "09:00").initials(), "A. K., Ö.");
    }

    #[test]
    fn local_time_becomes_utc_in_winter_and_summer() {
        let (s, e) = entry("2026-12-08", "09:00").utc_span().unwrap_or_default();
        assert_eq!(s.to_rfc3339(), "2026-12-08T08:00:00+00:00");
        assert_eq!(e.to_rfc3339(), "2026-12-08T08:45:00+00:00");
        let (s, _) = entry("2026-07-08", "09:00").utc_span().unwrap_or_default();
        assert_eq!(s.to_rfc3339(), "2026-07-08T07:00:00+00:00");
    }
}
