//! Keeping data only as long as needed (issue 25, decision 0022).
//!
//! **The schedule.** A closed case and everything about its persons is erased a number of months
//! after the closure: by default six, as the consent form promises ("spätestens nach sechs
//! Monaten"); a case in which nobody ever consented after three. The key figures keep an erased
//! case's facts without names or texts ([`crate::casework::figures::retained`]) until the years it
//! counts in are finalised, at the latest for the statistics period (24 months). Audit events are
//! kept for 24 months. Sessions and login-throttle counters leave when they expire (housekeeping).
//! The administrator sets the months on the working-rules page.
//!
//! **Holds.** The IM who holds a case, or the team lead of their team, may stop its erasure until a
//! date with a reason (an ongoing legal matter); the data-protection officer sees every hold.
//!
//! **The run.** Once a day ([`run`]): every due case without a hold is erased in its own
//! transaction (locked with `SKIP LOCKED` on PostgreSQL, checked again inside), so a run that is
//! killed halfway leaves whole cases erased or untouched and the next run goes on; two servers
//! running at once erase each case once. Then the kept facts and the audit events past their time
//! go, and the files are compacted so that erased data is gone from them too (SQLite:
//! `secure_delete` is on and the WAL is checkpointed; PostgreSQL: the tables are vacuumed).

use std::collections::BTreeSet;

use ankommen_store::entities::{
    case, case_person, consent, figure_finalisation, retained_fact, retention_hold, retention_run,
};
use ankommen_store::{Backend, Db};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use crate::administration::settings;
use crate::kernel::access::case_in;
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::error::FieldErrors;
use crate::kernel::policy::{Action, Resource};
use crate::{Ctx, Error, Result};

/// Months after its closure a case is erased.
pub const CLOSED_CASE_MONTHS: &str = "retention_closed_case_months";
/// Months after its closure a case in which nobody ever consented is erased.
pub const UNCONSENTED_MONTHS: &str = "retention_unconsented_months";
/// Months the audit log keeps an event.
pub const AUDIT_MONTHS: &str = "retention_audit_months";
/// Months after an erasure the key figures keep its facts at the latest.
pub const STATISTICS_MONTHS: &str = "retention_statistics_months";
/// Months after the withdrawal of a consent its voluntary data is erased (0: the next run).
pub const WITHDRAWN_MONTHS: &str = "retention_withdrawn_months";

/// How many days ahead the due list looks.
pub const DUE_SOON_DAYS: i64 = 30;
/// The longest a hold may run at once (it can be placed again).
pub const HOLD_MAX_YEARS: u32 = 5;

/// The retention schedule in months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub closed_case_months: u32,
    pub unconsented_months: u32,
    pub audit_months: u32,
    pub statistics_months: u32,
    pub withdrawn_months: u32,
}

impl Schedule {
    pub const DEFAULT: Schedule = Schedule {
        closed_case_months: 6,
        unconsented_months: 3,
        audit_months: 24,
        statistics_months: 24,
        withdrawn_months: 1,
    };

    /// The (setting, value, lowest, highest) of each class.
    pub fn entries(&self) -> [(&'static str, u32, u32, u32); 5] {
        [
            (CLOSED_CASE_MONTHS, self.closed_case_months, 1, 120),
            (UNCONSENTED_MONTHS, self.unconsented_months, 1, 120),
            (WITHDRAWN_MONTHS, self.withdrawn_months, 0, 24),
            (AUDIT_MONTHS, self.audit_months, 6, 120),
            (STATISTICS_MONTHS, self.statistics_months, 1, 120),
        ]
    }

    pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<Schedule> {
        let mut s = Schedule::DEFAULT;
        let stored = settings::all_with_prefix(conn, "retention_").await?;
        for (key, value) in stored {
            let Ok(v) = value.parse::<u32>() else {
                continue;
            };
            match key.as_str() {
                CLOSED_CASE_MONTHS => s.closed_case_months = v,
                UNCONSENTED_MONTHS => s.unconsented_months = v,
                AUDIT_MONTHS => s.audit_months = v,
                STATISTICS_MONTHS => s.statistics_months = v,
                WITHDRAWN_MONTHS => s.withdrawn_months = v,
                _ => {}
            }
        }
        Ok(s)
    }

    /// Reads a form's months (each field named after its setting); a value out of range is a field
    /// error.
    pub fn parse(get: impl Fn(&str) -> String) -> Result<Schedule> {
        let mut e = FieldErrors::new();
        let mut s = Schedule::DEFAULT;
        let mut out = Vec::new();
        for (key, _, low, high) in s.entries() {
            match get(key).trim().parse::<u32>() {
                Ok(v) if (low..=high).contains(&v) => out.push(v),
                _ => {
                    e.add(key, "error-retention-months");
                    out.push(0);
                }
            }
        }
        e.into_result()?;
        s.closed_case_months = out[0];
        s.unconsented_months = out[1];
        s.withdrawn_months = out[2];
        s.audit_months = out[3];
        s.statistics_months = out[4];
        Ok(s)
    }

    /// The day a case closed on `closed_on` is erased.
    pub fn due_on(&self, closed_on: NaiveDate, consented: bool) -> NaiveDate {
        let months = if consented {
            self.closed_case_months
        } else {
            self.unconsented_months
        };
        closed_on
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The day the voluntary data of a consent withdrawn on `withdrawn_on` is erased.
    pub fn voluntary_due_on(&self, withdrawn_on: NaiveDate) -> NaiveDate {
        withdrawn_on
            .checked_add_months(Months::new(self.withdrawn_months))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// The schedule for the administrator's form. The look is audited; others are refused.
pub async fn schedule_managed(db: &Db, ctx: &Ctx) -> Result<Schedule> {
    ctx.authorize(
        db.writer(),
        Action::ManageOrganisations,
        &Resource::Deployment,
        Event::new("retention_schedule_viewed"),
        Error::Forbidden,
    )
    .await?;
    audit::record(db.writer(), ctx, Event::new("retention_schedule_viewed")).await?;
    Schedule::load(db.reader()).await
}

/// Saves the schedule (the administrator). Audited.
pub async fn save_schedule(db: &Db, ctx: &Ctx, s: &Schedule) -> Result<()> {
    let tx = db.begin().await?;
    ctx.authorize(
        &tx,
        Action::ManageOrganisations,
        &Resource::Deployment,
        Event::new("retention_schedule_changed"),
        Error::Forbidden,
    )
    .await?;
    for (key, value, ..) in s.entries() {
        settings::set(&tx, key, &value.to_string()).await?;
    }
    audit::record(&tx, ctx, Event::new("retention_schedule_changed")).await?;
    tx.commit().await?;
    Ok(())
}

/// Where a case stands with its erasure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRetention {
    /// The day it is erased (`None` while the case is open).
    pub due_on: Option<NaiveDate>,
    /// Whether somebody of the case ever consented (which class it is in).
    pub consented: bool,
    /// The months after the closure of a case of its class until it is erased.
    pub months: u32,
    /// The active holds, newest first.
    pub holds: Vec<Hold>,
    /// The persons of the case who withdrew their consent (and have not consented again): when
    /// their voluntary data goes, or went.
    pub withdrawn: Vec<Withdrawn>,
}

/// A person's withdrawn consent and the erasure of their voluntary data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawn {
    pub person_id: i64,
    pub withdrawn_on: NaiveDate,
    /// The day the retention run erases the voluntary data (if not held or restricted then).
    pub due_on: NaiveDate,
    /// The day it was erased.
    pub erased_on: Option<NaiveDate>,
}

impl CaseRetention {
    /// The hold that stops the erasure today, if any.
    pub fn held_until(&self) -> Option<NaiveDate> {
        self.holds.iter().map(|h| h.until).max()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    pub id: i64,
    pub case_id: i64,
    pub reason: String,
    pub until: NaiveDate,
    pub placed_by: String,
    pub placed_at: DateTime<Utc>,
    pub lifted_at: Option<DateTime<Utc>>,
}

/// Whether anybody of the case ever consented.
async fn consented<C: ConnectionTrait>(conn: &C, case_id: i64) -> Result<bool> {
    let persons = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::PersonId)
        .filter(case_person::Column::CaseId.eq(case_id));
    Ok(consent::Entity::find()
        .filter(consent::Column::PersonId.in_subquery(sea_orm::QueryTrait::into_query(persons)))
        .one(conn)
        .await?
        .is_some())
}

/// Which of the cases anybody ever consented in (one query for all).
async fn consented_among<C: ConnectionTrait>(conn: &C, cases: &[i64]) -> Result<BTreeSet<i64>> {
    if cases.is_empty() {
        return Ok(BTreeSet::new());
    }
    let consenting = consent::Entity::find()
        .select_only()
        .column(consent::Column::PersonId);
    Ok(case_person::Entity::find()
        .select_only()
        .column(case_person::Column::CaseId)
        .distinct()
        .filter(case_person::Column::CaseId.is_in(cases.iter().copied()))
        .filter(
            case_person::Column::PersonId.in_subquery(sea_orm::QueryTrait::into_query(consenting)),
        )
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

async fn holds_where<C: ConnectionTrait>(conn: &C, cond: sea_orm::Condition) -> Result<Vec<Hold>> {
    let rows = retention_hold::Entity::find()
        .filter(cond)
        .order_by_desc(retention_hold::Column::Id)
        .all(conn)
        .await?;
    crate::administration::duties::with_staff_names(
        conn,
        rows,
        |h| vec![h.placed_by],
        |h, name| Hold {
            placed_by: name(h.placed_by),
            id: h.id,
            case_id: h.case_id,
            reason: h.reason,
            until: h.until,
            placed_at: h.placed_at,
            lifted_at: h.lifted_at,
        },
    )
    .await
}

fn active(today: NaiveDate) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(retention_hold::Column::LiftedAt.is_null())
        .add(retention_hold::Column::Until.gte(today))
}

/// A case's erasure date and holds, for a page that already read the case under the policy.
pub async fn of_case<C: ConnectionTrait>(
    conn: &C,
    c: &case::Model,
    today: NaiveDate,
) -> Result<CaseRetention> {
    let s = Schedule::load(conn).await?;
    let consented = consented(conn, c.id).await?;
    let holds = holds_where(
        conn,
        active(today).add(retention_hold::Column::CaseId.eq(c.id)),
    )
    .await?;
    let persons = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::PersonId)
        .filter(case_person::Column::CaseId.eq(c.id));
    let mut by_person: std::collections::BTreeMap<i64, Vec<consent::Model>> = Default::default();
    for k in consent::Entity::find()
        .filter(consent::Column::PersonId.in_subquery(sea_orm::QueryTrait::into_query(persons)))
        .all(conn)
        .await?
    {
        by_person.entry(k.person_id).or_default().push(k);
    }
    // Withdrawn: every consent of the person is (the last one decides the day).
    let withdrawn = by_person
        .into_iter()
        .filter_map(|(person_id, ks)| {
            let last = ks
                .iter()
                .map(|k| k.withdrawn_on)
                .collect::<Option<Vec<_>>>()?;
            let withdrawn_on = last.into_iter().max()?;
            Some(Withdrawn {
                person_id,
                withdrawn_on,
                due_on: s.voluntary_due_on(withdrawn_on),
                erased_on: ks
                    .iter()
                    .filter_map(|k| k.voluntary_erased_on)
                    .max()
                    .filter(|d| *d >= withdrawn_on),
            })
        })
        .collect();
    Ok(CaseRetention {
        withdrawn,
        due_on: c.closed_on.map(|d| s.due_on(d, consented)),
        months: if consented {
            s.closed_case_months
        } else {
            s.unconsented_months
        },
        consented,
        holds,
    })
}

/// A change of a case's holds: by those who may hold the case (refused and audited like a missing
/// case otherwise), recorded as `action` on the case, in one transaction.
async fn change_holds(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    action: &'static str,
    change: impl AsyncFnOnce(&ankommen_store::Tx) -> Result<()>,
) -> Result<()> {
    let ev = Event::on(action, "case", case_id);
    let (tx, ..) = case_in(
        db.begin().await?,
        ctx,
        case_id,
        Action::HoldRetention,
        ev.clone(),
    )
    .await?;
    change(&tx).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Stops a case's erasure until `until` (a date after today, at most five years ahead), with a
/// reason. The IM who holds the case or the team lead of their team; audited.
pub async fn place_hold(db: &Db, ctx: &Ctx, case_id: i64, reason: &str, until: &str) -> Result<()> {
    let today = ctx.today();
    change_holds(db, ctx, case_id, "retention_hold_placed", async |tx| {
        let mut e = FieldErrors::new();
        let reason = reason.trim();
        if reason.is_empty() {
            e.add("hold_reason", "error-required");
        } else if reason.chars().count() > 500 {
            e.add("hold_reason", "error-too-long");
        }
        let latest = today
            .checked_add_months(Months::new(12 * HOLD_MAX_YEARS))
            .unwrap_or(NaiveDate::MAX);
        let until = match crate::kernel::types::parse_date(until) {
            Ok(d) if d > today && d <= latest => Some(d),
            Ok(_) => {
                e.add("hold_until", "error-hold-until-range");
                None
            }
            Err(key) => {
                e.add("hold_until", key);
                None
            }
        };
        e.into_result()?;
        let until = until.ok_or_else(|| Error::Internal("a checked date is missing".into()))?;
        retention_hold::Entity::insert(retention_hold::ActiveModel {
            id: NotSet,
            case_id: Set(case_id),
            reason: Set(reason.to_string()),
            until: Set(until),
            placed_by: Set(ctx.actor.staff_id),
            placed_at: Set(ctx.now()),
            lifted_by: Set(None),
            lifted_at: Set(None),
        })
        .exec_without_returning(tx)
        .await?;
        Ok(())
    })
    .await
}

/// Lifts a hold before its end (the same people who may place it). Audited.
pub async fn lift_hold(db: &Db, ctx: &Ctx, case_id: i64, hold_id: i64) -> Result<()> {
    change_holds(db, ctx, case_id, "retention_hold_lifted", async |tx| {
        let hold = retention_hold::Entity::find_by_id(hold_id)
            .filter(retention_hold::Column::CaseId.eq(case_id))
            .filter(retention_hold::Column::LiftedAt.is_null())
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        retention_hold::Entity::update(retention_hold::ActiveModel {
            id: Set(hold.id),
            lifted_by: Set(Some(ctx.actor.staff_id)),
            lifted_at: Set(Some(ctx.now())),
            ..Default::default()
        })
        .exec(tx)
        .await?;
        Ok(())
    })
    .await
}

/// A closed case on the due list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueCase {
    pub case_id: i64,
    pub case_number: String,
    pub closed_on: NaiveDate,
    pub due_on: NaiveDate,
    /// The active holds, newest first.
    pub holds: Vec<Hold>,
}

/// The closed cases the actor may hold that are erased within [`DUE_SOON_DAYS`] days, or are held:
/// soonest first. Case numbers and dates only; the look is audited.
pub async fn due_soon(db: &Db, ctx: &Ctx) -> Result<Vec<DueCase>> {
    let today = ctx.today();
    let conn = db.reader();
    let s = Schedule::load(conn).await?;
    let horizon = today + chrono::Duration::days(DUE_SOON_DAYS);
    let shortest = s.closed_case_months.min(s.unconsented_months);
    let closed_by = horizon
        .checked_sub_months(Months::new(shortest))
        .unwrap_or(NaiveDate::MIN);
    let held: BTreeSet<i64> = retention_hold::Entity::find()
        .select_only()
        .column(retention_hold::Column::CaseId)
        .filter(active(today))
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let candidates = crate::kernel::access::cases_with_refs(
        conn,
        sea_orm::Condition::all()
            .add(case::Column::OrganisationId.eq(ctx.actor.organisation_id))
            .add(case::Column::Status.eq("closed"))
            .add(
                sea_orm::Condition::any()
                    .add(case::Column::ClosedOn.lte(closed_by))
                    .add(case::Column::Id.is_in(held.iter().copied())),
            ),
    )
    .await?;
    let candidates: Vec<case::Model> = candidates
        .into_iter()
        .filter(|(_, r)| ctx.allows(Action::HoldRetention, &Resource::Case(r.clone())))
        .map(|(c, _)| c)
        .collect();
    let ids: Vec<i64> = candidates.iter().map(|c| c.id).collect();
    let consenting = consented_among(conn, &ids).await?;
    let mut holds: std::collections::HashMap<i64, Vec<Hold>> = Default::default();
    let held_ids: Vec<i64> = ids.iter().copied().filter(|id| held.contains(id)).collect();
    if !held_ids.is_empty() {
        for h in holds_where(
            conn,
            active(today).add(retention_hold::Column::CaseId.is_in(held_ids)),
        )
        .await?
        {
            holds.entry(h.case_id).or_default().push(h);
        }
    }
    let mut out = Vec::new();
    for c in candidates {
        let Some(closed_on) = c.closed_on else {
            continue;
        };
        let due_on = s.due_on(closed_on, consenting.contains(&c.id));
        let holds = holds.remove(&c.id).unwrap_or_default();
        if due_on <= horizon || !holds.is_empty() {
            out.push(DueCase {
                case_id: c.id,
                case_number: c.case_number,
                closed_on,
                due_on,
                holds,
            });
        }
    }
    out.sort_by_key(|d| (d.due_on, d.case_id));
    audit::record(db.writer(), ctx, Event::new("retention_due_listed")).await?;
    Ok(out)
}

/// A case of the due list whose person's voluntary data goes after a withdrawal of consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoluntaryDue {
    pub case_id: i64,
    pub case_number: String,
    /// The day the run erases it (for the first such person of the case).
    pub due_on: NaiveDate,
}

/// The cases the actor may hold with a person whose voluntary data the run erases within
/// [`DUE_SOON_DAYS`] days (or already should have: held or restricted), soonest first. Case
/// numbers and dates only (team leads read no client data); part of the due list's audited look.
pub async fn voluntary_due_soon(db: &Db, ctx: &Ctx) -> Result<Vec<VoluntaryDue>> {
    let conn = db.reader();
    let s = Schedule::load(conn).await?;
    let horizon = ctx.today() + chrono::Duration::days(DUE_SOON_DAYS);
    let withdrawn_by = horizon
        .checked_sub_months(Months::new(s.withdrawn_months))
        .unwrap_or(NaiveDate::MIN);
    let renewed = consent::Entity::find()
        .select_only()
        .column(consent::Column::PersonId)
        .filter(consent::Column::WithdrawnOn.is_null());
    let withdrawn: Vec<(i64, NaiveDate)> = consent::Entity::find()
        .select_only()
        .column(consent::Column::PersonId)
        .column_as(consent::Column::WithdrawnOn.max(), "withdrawn_on")
        .filter(consent::Column::VoluntaryErasedOn.is_null())
        .filter(consent::Column::PersonId.not_in_subquery(sea_orm::QueryTrait::into_query(renewed)))
        .group_by(consent::Column::PersonId)
        .having(sea_orm::sea_query::ExprTrait::lte(
            consent::Column::WithdrawnOn.max(),
            withdrawn_by,
        ))
        .into_tuple()
        .all(conn)
        .await?;
    if withdrawn.is_empty() {
        return Ok(Vec::new());
    }
    let links: Vec<(i64, i64)> = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::CaseId)
        .column(case_person::Column::PersonId)
        .filter(case_person::Column::PersonId.is_in(withdrawn.iter().map(|(p, _)| *p)))
        .into_tuple()
        .all(conn)
        .await?;
    let cases = crate::kernel::access::cases_with_refs(
        conn,
        sea_orm::Condition::all()
            .add(case::Column::OrganisationId.eq(ctx.actor.organisation_id))
            .add(case::Column::Id.is_in(links.iter().map(|(c, _)| *c))),
    )
    .await?;
    let mut out: Vec<VoluntaryDue> = cases
        .into_iter()
        .filter(|(_, r)| ctx.allows(Action::HoldRetention, &Resource::Case(r.clone())))
        .filter_map(|(c, _)| {
            let due_on = links
                .iter()
                .filter(|(case, _)| *case == c.id)
                .filter_map(|(_, p)| withdrawn.iter().find(|(q, _)| q == p))
                .map(|(_, w)| s.voluntary_due_on(*w))
                .min()?;
            Some(VoluntaryDue {
                case_id: c.id,
                case_number: c.case_number,
                due_on,
            })
        })
        .collect();
    out.sort_by_key(|v| (v.due_on, v.case_id));
    Ok(out)
}

/// Every hold of the actor's organisation (the county office's: of the deployment), newest first,
/// with the lifted ones: the data-protection officer's view. Audited.
pub async fn holds_for_dpo(db: &Db, ctx: &Ctx) -> Result<Vec<(Hold, String)>> {
    crate::casework::dpo::of_cases_in_scope(
        db,
        ctx,
        Event::new("retention_holds_viewed"),
        retention_hold::Entity,
        retention_hold::Column::CaseId,
        async |conn, cases| {
            holds_where(
                conn,
                sea_orm::Condition::all().add(retention_hold::Column::CaseId.is_in(cases)),
            )
            .await
        },
        |h: &Hold| h.case_id,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The run

/// What a run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub cases_erased: u64,
    pub persons_erased: u64,
    pub audit_events_removed: u64,
    pub facts_removed: u64,
    /// Persons whose voluntary data was erased after the withdrawal of their consent.
    pub voluntary_erased: u64,
    /// Cases whose erasure failed (rolled back whole; tried again by the next run).
    pub failed: u64,
}

/// The run's actor in the audit log.
fn retention() -> Who {
    Who {
        staff_id: None,
        organisation_id: None,
        roles: "retention".into(),
    }
}

/// The day's run, if no server ran it today yet (`again`: run anyway, e.g. from the command line
/// after a run was stopped). `None` when it ran already.
pub async fn run(db: &Db, now: DateTime<Utc>, again: bool) -> Result<Option<Report>> {
    let today = now.date_naive();
    let day = today.format("%Y-%m-%d").to_string();
    let claimed = retention_run::Entity::insert(retention_run::ActiveModel {
        day: Set(day.clone()),
        started_at: Set(now),
        finished_at: Set(None),
        cases_erased: Set(0),
        clients_erased: Set(0),
        audit_events_removed: Set(0),
        facts_removed: Set(0),
    })
    .on_conflict(
        OnConflict::column(retention_run::Column::Day)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db.writer())
    .await?;
    if claimed == 0 && !again {
        return Ok(None);
    }
    let s = Schedule::load(db.reader()).await?;
    let mut report = Report::default();

    // The due cases: closed long enough ago for the shorter class, checked one by one.
    let shortest = s.closed_case_months.min(s.unconsented_months);
    let closed_by = today
        .checked_sub_months(Months::new(shortest))
        .unwrap_or(NaiveDate::MIN);
    let due: Vec<i64> = case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .filter(case::Column::Status.eq("closed"))
        .filter(case::Column::ClosedOn.lte(closed_by))
        .order_by_asc(case::Column::Id)
        .into_tuple()
        .all(db.reader())
        .await?;
    for case_id in due {
        match erase_case(db, now, &s, case_id).await {
            Ok(Some(persons)) => {
                report.cases_erased += 1;
                report.persons_erased += persons;
            }
            Ok(None) => {}
            Err(e) => {
                // One case that cannot be erased does not keep the others: its transaction is
                // rolled back whole, and the next run tries again.
                tracing::warn!(case = case_id, "erasing a case failed: {e}");
                report.failed += 1;
            }
        }
    }
    let (voluntary, failed) = erase_withdrawn(db, now, &s).await?;
    report.voluntary_erased = voluntary;
    report.failed += failed;
    report.facts_removed = drop_kept_facts(db, today, &s).await?;
    let before = now
        .checked_sub_months(Months::new(s.audit_months))
        .unwrap_or(now);
    report.audit_events_removed = audit::chain::cut(db, now, before).await?;
    compact(db).await?;

    let tx = db.begin().await?;
    retention_run::Entity::update(retention_run::ActiveModel {
        day: Set(day.clone()),
        finished_at: Set(Some(now)),
        cases_erased: Set(report.cases_erased as i64),
        clients_erased: Set(report.persons_erased as i64),
        audit_events_removed: Set(report.audit_events_removed as i64),
        facts_removed: Set(report.facts_removed as i64),
        ..Default::default()
    })
    .exec(&tx)
    .await?;
    audit::record_as(
        &tx,
        now,
        &retention(),
        None,
        Event::on("retention_run", "retention_run", &day),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(report))
}

/// Erases one due case with its persons who have no other case, in one transaction; keeps its
/// facts for the figures first. `None` when it is not (or no longer) due, is held, or another
/// server is erasing it. Returns the number of persons erased.
async fn erase_case(
    db: &Db,
    now: DateTime<Utc>,
    s: &Schedule,
    case_id: i64,
) -> Result<Option<u64>> {
    let today = now.date_naive();
    let tx = db.begin().await?;
    if !lock_for_erasure(db, &tx, case_id).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    let Some(c) = case::Entity::find_by_id(case_id).one(&tx).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let Some(closed_on) = c.closed_on.filter(|_| c.status == "closed") else {
        tx.rollback().await?;
        return Ok(None);
    };
    let held = retention_hold::Entity::find()
        .filter(active(today).add(retention_hold::Column::CaseId.eq(case_id)))
        .one(&tx)
        .await?
        .is_some();
    // A restriction of processing (Art. 18) keeps the data stored, as a hold does.
    let held = held
        || !crate::kernel::access::restricted_among(&tx, &[case_id])
            .await?
            .is_empty();
    if held || s.due_on(closed_on, consented(&tx, case_id).await?) > today {
        tx.rollback().await?;
        return Ok(None);
    }
    let erased = erase(&tx, now, &retention(), &c).await?;
    tx.commit().await?;
    Ok(Some(erased.len() as u64))
}

/// Locks a case for its erasure on PostgreSQL (`FOR UPDATE SKIP LOCKED`): false when another
/// server is erasing it. On SQLite the one writer serialises the transactions already.
pub(crate) async fn lock_for_erasure(
    db: &Db,
    tx: &ankommen_store::Tx,
    case_id: i64,
) -> Result<bool> {
    if db.backend() != Backend::Postgres {
        return Ok(true);
    }
    Ok(tx
        .query_one_raw(Statement::from_sql_and_values(
            tx.get_database_backend(),
            "SELECT id FROM cases WHERE id = $1 FOR UPDATE SKIP LOCKED",
            [case_id.into()],
        ))
        .await?
        .is_some())
}

/// The one erasure, of the nightly run and of a client's request (Art. 17): the case `c` (read
/// and locked in `tx`) and every row about it, and each of its persons who has no other case with
/// every row about them, in the order of [`ERASED`]; the case's facts for the figures are kept
/// first. Audited as `who` with ids only (`case_erased`, `person_erased`). Returns the persons
/// erased. The caller commits and then [`compact`]s.
pub(crate) async fn erase(
    tx: &ankommen_store::Tx,
    now: DateTime<Utc>,
    who: &Who,
    c: &case::Model,
) -> Result<Vec<i64>> {
    let all: BTreeSet<i64> = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::PersonId)
        .filter(case_person::Column::CaseId.eq(c.id))
        .into_tuple::<i64>()
        .all(tx)
        .await?
        .into_iter()
        .collect();
    let elsewhere: BTreeSet<i64> = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::PersonId)
        .filter(case_person::Column::PersonId.is_in(all.iter().copied()))
        .filter(case_person::Column::CaseId.ne(c.id))
        .into_tuple::<i64>()
        .all(tx)
        .await?
        .into_iter()
        .collect();
    let erased: Vec<i64> = all.difference(&elsewhere).copied().collect();

    let mut households: Vec<i64> = persons_households(tx, &erased).await?;
    households.extend(c.household_id);
    households.sort_unstable();
    households.dedup();

    let files = files_of_case(tx, c.id, &erased).await?;

    keep_facts(tx, c, &all).await?;
    for sql in erasure(c.id, &erased, &households, &files) {
        tx.execute_unprepared(&sql).await?;
    }
    audit::record_as(tx, now, who, None, Event::on("case_erased", "case", c.id)).await?;
    for p in &erased {
        audit::record_as(
            tx,
            now,
            who,
            None,
            Event::on("person_erased", "person", p).case(c.id),
        )
        .await?;
    }
    Ok(erased)
}

/// The stored files of the case's documents and signed plans (a household member's too), and of
/// the erased persons' documents.
async fn files_of_case<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    persons: &[i64],
) -> Result<Vec<i64>> {
    let p = if persons.is_empty() {
        "NULL".to_string()
    } else {
        persons
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            format!(
                "SELECT document_id AS id FROM client_documents WHERE case_id = {case_id} OR person_id IN ({p}) \
                 UNION SELECT signed_document_id AS id FROM plan_versions WHERE case_id = {case_id} \
                 AND signed_document_id IS NOT NULL"
            ),
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<i64>("", "id").map_err(Error::from))
        .collect()
}

async fn persons_households<C: ConnectionTrait>(conn: &C, persons: &[i64]) -> Result<Vec<i64>> {
    let v: Vec<Option<i64>> = ankommen_store::entities::person::Entity::find()
        .select_only()
        .column(ankommen_store::entities::person::Column::HouseholdId)
        .filter(ankommen_store::entities::person::Column::Id.is_in(persons.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(v.into_iter().flatten().collect())
}

/// Keeps the case's facts for the figures of the years it counts in that are not finalised yet.
async fn keep_facts<C: ConnectionTrait>(
    conn: &C,
    c: &case::Model,
    persons: &BTreeSet<i64>,
) -> Result<()> {
    let first = c.opened_on.year();
    let last = c.closed_on.map_or(first, |d| d.year()).max(first);
    let finalised: BTreeSet<i32> = finalised_years(conn).await?;
    if (first..=last).all(|y| finalised.contains(&y)) {
        return Ok(());
    }
    let rules = crate::administration::settings::WorkRules::load(conn).await?;
    let kept = crate::casework::figures::retained::extract(
        conn,
        c.id,
        persons,
        first,
        last,
        &crate::casework::figures::Settings::of(&rules),
    )
    .await?;
    let facts = serde_json::to_string(&kept)
        .map_err(|e| Error::Internal(format!("keeping the facts of a case: {e}")))?;
    retained_fact::Entity::insert(retained_fact::ActiveModel {
        case_id: Set(c.id),
        organisation_id: Set(c.organisation_id),
        first_year: Set(first),
        last_year: Set(last),
        erased_on: Set(c.closed_on.unwrap_or(c.opened_on)),
        facts: Set(facts),
    })
    .on_conflict(
        OnConflict::column(retained_fact::Column::CaseId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

async fn finalised_years<C: ConnectionTrait>(conn: &C) -> Result<BTreeSet<i32>> {
    Ok(figure_finalisation::Entity::find()
        .select_only()
        .column(figure_finalisation::Column::Year)
        .into_tuple::<i32>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Removes the kept facts whose years are all finalised, or that were kept longer than the
/// statistics period.
async fn drop_kept_facts(db: &Db, today: NaiveDate, s: &Schedule) -> Result<u64> {
    let finalised = finalised_years(db.reader()).await?;
    let oldest = today
        .checked_sub_months(Months::new(s.statistics_months))
        .unwrap_or(NaiveDate::MIN);
    let kept: Vec<(i64, i32, i32, NaiveDate)> = retained_fact::Entity::find()
        .select_only()
        .column(retained_fact::Column::CaseId)
        .column(retained_fact::Column::FirstYear)
        .column(retained_fact::Column::LastYear)
        .column(retained_fact::Column::ErasedOn)
        .into_tuple()
        .all(db.reader())
        .await?;
    let done: Vec<i64> = kept
        .into_iter()
        .filter(|(_, first, last, on)| {
            *on <= oldest || (*first..=*last).all(|y| finalised.contains(&y))
        })
        .map(|(id, ..)| id)
        .collect();
    if done.is_empty() {
        return Ok(0);
    }
    let tx = db.begin().await?;
    let mut n = 0;
    for chunk in done.chunks(1_000) {
        n += retained_fact::Entity::delete_many()
            .filter(retained_fact::Column::CaseId.is_in(chunk.iter().copied()))
            .exec(&tx)
            .await?
            .rows_affected;
    }
    tx.commit().await?;
    Ok(n)
}

/// Every table that holds something of a case or of its persons, in the order the erasure deletes
/// from them (rows that point at others first). A test writes a row into every table of the schema
/// about a person or a case and checks that nothing of the erased case is left; the audit log
/// (ids only) leaves by its own retention.
pub const ERASED: &[&str] = &[
    "client_documents",
    "appointment_changes",
    "appointments",
    "case_notes",
    "review_assessments",
    "plan_versions",
    "steps",
    "followups",
    "contact_persons",
    "contacts",
    "contact_tallies",
    "goals",
    "reviews",
    "plans",
    "referrals",
    "course_registrations",
    "volunteer_matches",
    "case_assignments",
    "case_events",
    "case_pauses",
    "case_shares",
    "confirmations",
    "notices",
    "retention_holds",
    "erasure_requests",
    "restrictions",
    "case_persons",
    "consents",
    "releases",
    "outcomes",
    "dpo_requests",
    "person_match_keys",
    "duplicate_decisions",
    "person_merges",
    "documents",
    "exchange_ids",
    "cases",
    "persons",
    "households",
];

/// The statements that erase case `c`, the persons `p`, the stored files `d` (of the case's
/// documents and signed plans, whoever they belong to) and those of the households `h` that are
/// left empty (ids only, so they are written out).
fn erasure(c: i64, p: &[i64], h: &[i64], d: &[i64]) -> Vec<String> {
    let list = |ids: &[i64]| {
        if ids.is_empty() {
            "NULL".to_string()
        } else {
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        }
    };
    let (p, h, d) = (list(p), list(h), list(d));
    let goals = format!("SELECT id FROM goals WHERE case_id = {c} OR person_id IN ({p})");
    let empty = format!(
        "id IN ({h}) AND NOT EXISTS (SELECT 1 FROM persons WHERE persons.household_id = households.id) \
         AND NOT EXISTS (SELECT 1 FROM cases WHERE cases.household_id = households.id)"
    );
    let contacts = format!("SELECT id FROM contacts WHERE case_id = {c}");
    // The exchange file's ids of everything erased: (kind, the local ids).
    let exchange = [
        ("case", format!("SELECT {c} AS id")),
        (
            "person",
            format!("SELECT id FROM persons WHERE id IN ({p})"),
        ),
        ("contact", contacts.clone()),
        ("goal", goals.clone()),
        (
            "step",
            format!("SELECT id FROM steps WHERE case_id = {c} OR goal_id IN ({goals})"),
        ),
        (
            "review",
            format!("SELECT id FROM reviews WHERE case_id = {c}"),
        ),
        (
            "referral",
            format!("SELECT id FROM referrals WHERE case_id = {c} OR person_id IN ({p})"),
        ),
        (
            "consent",
            format!("SELECT id FROM consents WHERE person_id IN ({p})"),
        ),
        (
            "release",
            format!("SELECT id FROM releases WHERE person_id IN ({p})"),
        ),
        (
            "outcome",
            format!("SELECT id FROM outcomes WHERE person_id IN ({p})"),
        ),
    ];
    let mut out: Vec<String> = exchange
        .iter()
        .map(|(kind, ids)| {
            format!(
                "DELETE FROM exchange_ids WHERE kind = '{kind}' AND local_id IN \
                 (SELECT CAST(x.id AS VARCHAR(20)) FROM ({ids}) x)"
            )
        })
        .collect();
    out.extend([
        format!("DELETE FROM client_documents WHERE case_id = {c} OR person_id IN ({p})"),
        format!(
            "DELETE FROM appointment_changes WHERE appointment_id IN \
             (SELECT id FROM appointments WHERE case_id = {c} OR person_id IN ({p}))"
        ),
        format!("DELETE FROM appointments WHERE case_id = {c} OR person_id IN ({p})"),
        format!("DELETE FROM case_notes WHERE case_id = {c}"),
        format!(
            "DELETE FROM review_assessments WHERE review_id IN \
             (SELECT id FROM reviews WHERE case_id = {c}) OR goal_id IN ({goals})"
        ),
        format!("DELETE FROM plan_versions WHERE case_id = {c}"),
        format!("DELETE FROM steps WHERE case_id = {c} OR goal_id IN ({goals})"),
        format!("DELETE FROM followups WHERE case_id = {c} OR contact_id IN ({contacts})"),
        format!(
            "DELETE FROM contact_persons WHERE contact_id IN ({contacts}) OR person_id IN ({p})"
        ),
        format!("DELETE FROM contacts WHERE case_id = {c}"),
        format!("DELETE FROM goals WHERE case_id = {c} OR person_id IN ({p})"),
        format!("DELETE FROM reviews WHERE case_id = {c}"),
        format!("DELETE FROM plans WHERE case_id = {c}"),
        format!("DELETE FROM referrals WHERE case_id = {c} OR person_id IN ({p})"),
        format!("DELETE FROM course_registrations WHERE case_id = {c} OR person_id IN ({p})"),
        format!("DELETE FROM volunteer_matches WHERE case_id = {c} OR person_id IN ({p})"),
    ]);
    for table in [
        "contact_tallies",
        "case_assignments",
        "case_events",
        "case_pauses",
        "case_shares",
        "confirmations",
        "notices",
        "retention_holds",
        "erasure_requests",
        "restrictions",
        "case_persons",
    ] {
        out.push(format!("DELETE FROM {table} WHERE case_id = {c}"));
    }
    for table in [
        "consents",
        "releases",
        "outcomes",
        "dpo_requests",
        "person_match_keys",
    ] {
        out.push(format!("DELETE FROM {table} WHERE person_id IN ({p})"));
    }
    out.extend([
        format!(
            "DELETE FROM duplicate_decisions WHERE person_id_low IN ({p}) OR person_id_high IN ({p})"
        ),
        format!(
            "DELETE FROM person_merges WHERE survivor_person_id IN ({p}) OR absorbed_person_id IN ({p})"
        ),
        format!("DELETE FROM documents WHERE person_id IN ({p}) OR id IN ({d})"),
        format!("DELETE FROM cases WHERE id = {c}"),
        format!("DELETE FROM persons WHERE id IN ({p})"),
        format!(
            "DELETE FROM exchange_ids WHERE kind = 'household' AND local_id IN \
             (SELECT CAST(id AS VARCHAR(20)) FROM households WHERE {empty})"
        ),
        format!("DELETE FROM households WHERE {empty}"),
    ]);
    out
}

// ---------------------------------------------------------------------------------------------
// The voluntary data after a withdrawal of consent (decision 0027)

/// The columns of a person's record beyond the minimum (decision 0012's `Intake` and `Health`, and
/// the imported fields the model has no column for): emptied when their consent is withdrawn.
const VOLUNTARY_COLUMNS: &[&str] = &[
    "sex",
    "nationality",
    "languages",
    "german_level",
    "german_certificate",
    "school",
    "vocational",
    "work_experience",
    "profession",
    "interests",
    "residence_status",
    "residence_valid_until",
    "housing",
    "benefits",
    "phone",
    "email",
    "address",
    "interpreter_language",
    "entry_date",
    "residence_basis",
    "health_insurance",
    "health_insurer",
    "health_sealed",
    "extra",
];

/// Erases the voluntary data of every person whose consent was withdrawn at least
/// [`Schedule::withdrawn_months`] ago and who has not consented again, each in its own
/// transaction; a person in a held or restricted case waits. Returns (persons, failures).
async fn erase_withdrawn(db: &Db, now: DateTime<Utc>, s: &Schedule) -> Result<(u64, u64)> {
    let today = now.date_naive();
    let by = today
        .checked_sub_months(Months::new(s.withdrawn_months))
        .unwrap_or(NaiveDate::MIN);
    let renewed = consent::Entity::find()
        .select_only()
        .column(consent::Column::PersonId)
        .filter(consent::Column::WithdrawnOn.is_null());
    let due: Vec<i64> = consent::Entity::find()
        .select_only()
        .column(consent::Column::PersonId)
        .distinct()
        .filter(consent::Column::WithdrawnOn.lte(by))
        .filter(consent::Column::VoluntaryErasedOn.is_null())
        .filter(consent::Column::PersonId.not_in_subquery(sea_orm::QueryTrait::into_query(renewed)))
        .into_tuple()
        .all(db.reader())
        .await?;
    let (mut erased, mut failed) = (0, 0);
    for person_id in due {
        match erase_voluntary(db, now, s, person_id).await {
            Ok(true) => erased += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(person = person_id, "erasing voluntary data failed: {e}");
                failed += 1;
            }
        }
    }
    Ok((erased, failed))
}

/// Erases one person's voluntary data if it is (still) due: the record's voluntary fields, their
/// outcomes, documents and goals, and the plan of each case they are the client of (the first
/// person, whose consent the plan follows) with its versions and signed scans; the closure
/// snapshots keep only that they had no consent. The minimum, the contacts, the consents and
/// releases (the proof) stay. Audited with ids (`voluntary_data_erased`).
async fn erase_voluntary(
    db: &Db,
    now: DateTime<Utc>,
    s: &Schedule,
    person_id: i64,
) -> Result<bool> {
    let today = now.date_naive();
    let tx = db.begin().await?;
    if db.backend() == Backend::Postgres
        && tx
            .query_one_raw(Statement::from_sql_and_values(
                tx.get_database_backend(),
                "SELECT id FROM persons WHERE id = $1 FOR UPDATE SKIP LOCKED",
                [person_id.into()],
            ))
            .await?
            .is_none()
    {
        tx.rollback().await?;
        return Ok(false);
    }
    // Checked again inside: still withdrawn long enough, not consented again, not erased yet.
    let consents = consent::Entity::find()
        .filter(consent::Column::PersonId.eq(person_id))
        .all(&tx)
        .await?;
    let due = !consents.is_empty()
        && consents.iter().all(|c| {
            c.withdrawn_on
                .is_some_and(|w| s.voluntary_due_on(w) <= today)
        })
        && consents.iter().any(|c| c.voluntary_erased_on.is_none());
    let cases: Vec<i64> = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::CaseId)
        .filter(case_person::Column::PersonId.eq(person_id))
        .into_tuple()
        .all(&tx)
        .await?;
    let held = retention_hold::Entity::find()
        .filter(active(today).add(retention_hold::Column::CaseId.is_in(cases.iter().copied())))
        .one(&tx)
        .await?
        .is_some()
        || !crate::kernel::access::restricted_among(&tx, &cases)
            .await?
            .is_empty();
    if !due || held {
        tx.rollback().await?;
        return Ok(false);
    }
    // The cases whose client (first person) this is: their plans follow this consent.
    let mut client_of = Vec::new();
    for c in &cases {
        let first: Option<i64> = case_person::Entity::find()
            .select_only()
            .column(case_person::Column::PersonId)
            .filter(case_person::Column::CaseId.eq(*c))
            .order_by_asc(case_person::Column::PersonId)
            .into_tuple()
            .one(&tx)
            .await?;
        if first == Some(person_id) {
            client_of.push(*c);
        }
    }
    let list = |ids: &[i64]| {
        if ids.is_empty() {
            "NULL".to_string()
        } else {
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        }
    };
    let (p, cc) = (person_id, list(&client_of));
    let files: Vec<i64> = tx
        .query_all_raw(Statement::from_string(
            tx.get_database_backend(),
            format!(
                "SELECT document_id AS id FROM client_documents WHERE person_id = {p} \
                 UNION SELECT signed_document_id AS id FROM plan_versions WHERE case_id IN ({cc}) \
                 AND signed_document_id IS NOT NULL"
            ),
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<i64>("", "id"))
        .collect::<std::result::Result<_, _>>()?;
    let goals = format!("SELECT id FROM goals WHERE person_id = {p} OR case_id IN ({cc})");
    let steps = format!("SELECT id FROM steps WHERE case_id IN ({cc}) OR goal_id IN ({goals})");
    let reviews = format!("SELECT id FROM reviews WHERE case_id IN ({cc})");
    let mut sql: Vec<String> = [
        (
            "outcome",
            format!("SELECT id FROM outcomes WHERE person_id = {p}"),
        ),
        ("goal", goals.clone()),
        ("step", steps.clone()),
        ("review", reviews.clone()),
    ]
    .iter()
    .map(|(kind, ids)| {
        format!(
            "DELETE FROM exchange_ids WHERE kind = '{kind}' AND local_id IN \
             (SELECT CAST(x.id AS VARCHAR(20)) FROM ({ids}) x)"
        )
    })
    .collect();
    let empty: Vec<String> = VOLUNTARY_COLUMNS
        .iter()
        .map(|c| format!("{c} = NULL"))
        .collect();
    sql.extend([
        format!("DELETE FROM client_documents WHERE person_id = {p}"),
        format!(
            "DELETE FROM review_assessments WHERE goal_id IN ({goals}) OR review_id IN ({reviews})"
        ),
        format!("DELETE FROM plan_versions WHERE case_id IN ({cc})"),
        format!("DELETE FROM steps WHERE id IN ({steps})"),
        format!("DELETE FROM goals WHERE person_id = {p} OR case_id IN ({cc})"),
        format!("DELETE FROM reviews WHERE case_id IN ({cc})"),
        format!("DELETE FROM plans WHERE case_id IN ({cc})"),
        format!("DELETE FROM outcomes WHERE person_id = {p}"),
        // The scans of consents are their proof and stay.
        format!(
            "DELETE FROM documents WHERE id IN ({}) \
             AND NOT EXISTS (SELECT 1 FROM consents WHERE consents.document_id = documents.id)",
            list(&files)
        ),
        format!(
            "UPDATE persons SET {}, version = version + 1 WHERE id = {p}",
            empty.join(", ")
        ),
        format!(
            "UPDATE consents SET voluntary_erased_on = '{}' WHERE person_id = {p} \
             AND voluntary_erased_on IS NULL",
            today.format("%Y-%m-%d")
        ),
    ]);
    for statement in sql {
        tx.execute_unprepared(&statement).await?;
    }
    // The closure snapshots keep of this person only that their consent does not cover them.
    for c in case::Entity::find()
        .filter(case::Column::Id.is_in(cases.iter().copied()))
        .filter(case::Column::ClosureSnapshot.is_not_null())
        .all(&tx)
        .await?
    {
        let Some(json) = c.closure_snapshot.as_deref() else {
            continue;
        };
        let Ok(mut v) = serde_json::from_str::<serde_json::Value>(json) else {
            continue;
        };
        let mut changed = false;
        if let Some(ps) = v["persons"].as_array_mut() {
            for entry in ps.iter_mut() {
                if entry["person"].as_i64() == Some(person_id) && entry["consent"] != false {
                    *entry = serde_json::json!({ "person": person_id, "consent": false });
                    changed = true;
                }
            }
        }
        if changed {
            case::Entity::update_many()
                .col_expr(
                    case::Column::ClosureSnapshot,
                    sea_orm::sea_query::Expr::value(v.to_string()),
                )
                .filter(case::Column::Id.eq(c.id))
                .exec(&tx)
                .await?;
        }
    }
    audit::record_as(
        &tx,
        now,
        &retention(),
        None,
        Event::on("voluntary_data_erased", "person", person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// After erasing: SQLite overwrote the deleted content (`secure_delete`); the WAL, which still
/// holds the pages as they were, is checkpointed into the database and truncated. PostgreSQL's
/// tables are vacuumed, so the deleted rows' space is reclaimed.
pub(crate) async fn compact(db: &Db) -> Result<()> {
    match db.backend() {
        Backend::Sqlite => {
            db.writer()
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
        Backend::Postgres => {
            let tables = ERASED.join(", ");
            db.writer()
                .execute_unprepared(&format!(
                    "VACUUM {tables}, audit_events, audit_chain, retained_facts"
                ))
                .await?;
        }
    }
    Ok(())
}
