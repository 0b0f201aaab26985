//! The data-protection officer's desk (issue 25, decision 0024): the register of processing
//! activities (Art. 30 GDPR) generated from the configuration, and the reports from the audit log.
//!
//! Everything here is for the data-protection officer only, in their scope: the county office's
//! for the whole deployment, an organisation's for their own ([`desk_scope`], the policy's
//! `ViewPrivacyDesk`). Everybody else is refused and the refusal is audited; every opening is
//! audited. The reports read the audit log with aggregate queries only and show staff names and
//! object ids, never the content of a person's data (the audit log holds none).

use std::collections::{BTreeMap, HashMap};

use ankommen_store::Db;
use ankommen_store::entities::{
    audit_event, audit_verification, case, organisation, release, retention_hold, retention_run,
    staff, staff_role,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::casework::retention::Schedule;
use crate::kernel::audit::{self, Event};
use crate::kernel::error::FieldErrors;
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::parse_date;
use crate::{Ctx, Error, Result};

/// The reach of the desk for the actor: `None` is the whole deployment (the county office's
/// data-protection officer), `Some(org)` their organisation. Everybody else is refused with `ev`
/// recorded as denied (the one refusal idiom, [`Ctx::authorize`]).
pub async fn desk_scope(db: &Db, ctx: &Ctx, ev: Event) -> Result<Option<i64>> {
    let all = Resource::AuditLog {
        organisation_id: None,
    };
    if ctx.allows(Action::ViewPrivacyDesk, &all) {
        return Ok(None);
    }
    let own = Resource::AuditLog {
        organisation_id: Some(ctx.actor.organisation_id),
    };
    ctx.authorize(
        db.writer(),
        Action::ViewPrivacyDesk,
        &own,
        ev,
        Error::Forbidden,
    )
    .await?;
    Ok(Some(ctx.actor.organisation_id))
}

/// The data-protection officer's list of one kind of rows about cases (holds, erasure requests,
/// restrictions) in their scope ([`desk_scope`]), each with its case's number: the cases in scope
/// that `entity` names by `case_col`, then `load` reads the rows of those cases. Audited as `ev`;
/// everybody else is refused.
pub(crate) async fn of_cases_in_scope<E, T>(
    db: &Db,
    ctx: &Ctx,
    ev: Event,
    _entity: E,
    case_col: E::Column,
    load: impl AsyncFnOnce(&sea_orm::DatabaseConnection, Vec<i64>) -> Result<Vec<T>>,
    case_of: impl Fn(&T) -> i64,
) -> Result<Vec<(T, String)>>
where
    E: EntityTrait,
{
    let scope = desk_scope(db, ctx, ev.clone()).await?;
    let conn = db.reader();
    let mut cases = case::Entity::find();
    if let Some(org) = scope {
        cases = cases.filter(case::Column::OrganisationId.eq(org));
    }
    let numbers: HashMap<i64, String> = cases
        .select_only()
        .column(case::Column::Id)
        .column(case::Column::CaseNumber)
        .filter(
            case::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(
                E::find().select_only().column(case_col),
            )),
        )
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let rows = load(conn, numbers.keys().copied().collect()).await?;
    audit::record(db.writer(), ctx, ev).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = numbers.get(&case_of(&r)).cloned().unwrap_or_default();
            (r, n)
        })
        .collect())
}

/// The desk's overview page: who may see it. Audited.
pub async fn open_desk(db: &Db, ctx: &Ctx) -> Result<()> {
    let ev = Event::new("privacy_desk_viewed");
    desk_scope(db, ctx, ev.clone()).await?;
    audit::record(db.writer(), ctx, ev).await
}

// --- the period -------------------------------------------------------------------------------

/// The days a report covers, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The days a report covers when none are chosen: the last 30 days up to today.
pub const DEFAULT_DAYS: i64 = 30;
/// The longest period a report covers (ten years).
pub const MAX_DAYS: i64 = 3660;

impl Period {
    /// Reads the chosen first and last day (`YYYY-MM-DD` or `DD.MM.YYYY`); empty means the last
    /// [`DEFAULT_DAYS`] days. A garbled date, an end before the start or a period longer than
    /// [`MAX_DAYS`] is a field error.
    pub fn parse(from: &str, to: &str, today: NaiveDate) -> Result<Period> {
        let mut e = FieldErrors::new();
        let mut day = |field: &'static str, v: &str, default: NaiveDate| {
            if v.trim().is_empty() {
                return Some(default);
            }
            match parse_date(v) {
                Ok(d) => Some(d),
                Err(key) => {
                    e.add(field, key);
                    None
                }
            }
        };
        let to = day("to", to, today);
        let from = day(
            "from",
            from,
            to.unwrap_or(today) - Duration::days(DEFAULT_DAYS - 1),
        );
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.add("to", "error-period-order");
            } else if (t - f).num_days() >= MAX_DAYS {
                e.add("from", "error-period-too-long");
            }
        }
        e.into_result()?;
        match (from, to) {
            (Some(from), Some(to)) => Ok(Period { from, to }),
            _ => Err(Error::Internal("a checked period is missing".into())),
        }
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The first instant of the period.
    fn start(&self) -> DateTime<Utc> {
        self.from.and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// The first instant after the period.
    fn end(&self) -> DateTime<Utc> {
        (self.to + Duration::days(1))
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
    }

    /// The `n`-th period of the same length before this one (1: the one just before).
    pub fn before(&self, n: i64) -> Period {
        let shift = Duration::days(self.days() * n);
        Period {
            from: self.from - shift,
            to: self.to - shift,
        }
    }

    fn events(&self) -> Condition {
        Condition::all()
            .add(audit_event::Column::At.gte(self.start()))
            .add(audit_event::Column::At.lt(self.end()))
    }
}

/// The audit events within the desk's scope: those done by staff of the organisation (at the
/// time), or all.
fn in_scope(scope: Option<i64>) -> Condition {
    match scope {
        Some(org) => Condition::all().add(audit_event::Column::ActorOrganisationId.eq(org)),
        None => Condition::all(),
    }
}

/// Events that read or changed a person's data: allowed, by a staff member, naming a person.
fn person_data() -> Condition {
    Condition::all()
        .add(audit_event::Column::Outcome.eq("allowed"))
        .add(audit_event::Column::ActorStaffId.is_not_null())
        .add(audit_event::Column::PersonId.is_not_null())
}

/// Whether an action only reads (the others change something or pass data on).
pub fn is_read(action: &str) -> bool {
    [
        "_viewed",
        "_listed",
        "_shown",
        "_downloaded",
        "_printed",
        "_compared",
        "_exported",
        "_previewed",
        "_computed",
        "_scanned",
    ]
    .iter()
    .any(|s| action.ends_with(s))
        || action == "dpo_lookup"
}

/// The names of staff members by id (one query).
async fn names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// The reports of the desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    Accesses,
    Unusual,
    Denied,
    Retention,
}

impl Report {
    pub const ALL: [Report; 4] = [
        Report::Accesses,
        Report::Unusual,
        Report::Denied,
        Report::Retention,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Report::Accesses => "accesses",
            Report::Unusual => "unusual",
            Report::Denied => "denied",
            Report::Retention => "retention",
        }
    }
    pub fn parse(s: &str) -> Option<Report> {
        Report::ALL.into_iter().find(|r| r.key() == s)
    }
}

/// Opens a report: refused and audited for everybody but the data-protection officer; the
/// opening itself is recorded with the report's name. Returns the scope.
async fn open_report(db: &Db, ctx: &Ctx, report: Report) -> Result<Option<i64>> {
    let ev = Event::on("privacy_report_viewed", "privacy_report", report.key());
    let scope = desk_scope(db, ctx, ev.clone()).await?;
    audit::record(db.writer(), ctx, ev).await?;
    Ok(scope)
}

// --- accesses per staff member ----------------------------------------------------------------

/// One staff member's accesses to person data in the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accesses {
    pub staff_id: i64,
    pub name: String,
    /// Events that read a person's data.
    pub reads: i64,
    /// Events that changed a person's data or passed it on.
    pub changes: i64,
    /// Distinct persons whose data was read or changed.
    pub persons: i64,
}

/// Reads and changes of person data per staff member over the period, most persons first.
pub async fn accesses(db: &Db, ctx: &Ctx, p: Period) -> Result<Vec<Accesses>> {
    let scope = open_report(db, ctx, Report::Accesses).await?;
    let conn = db.reader();
    let cond = || in_scope(scope).add(person_data()).add(p.events());
    let per_action: Vec<(i64, String, i64)> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::ActorStaffId)
        .column(audit_event::Column::Action)
        .column_as(Expr::col(audit_event::Column::Id).count(), "n")
        .filter(cond())
        .group_by(audit_event::Column::ActorStaffId)
        .group_by(audit_event::Column::Action)
        .into_tuple()
        .all(conn)
        .await?;
    let persons = distinct_persons(conn, cond()).await?;
    let mut out: BTreeMap<i64, Accesses> = BTreeMap::new();
    for (staff_id, action, n) in per_action {
        let row = out.entry(staff_id).or_insert_with(|| Accesses {
            staff_id,
            name: String::new(),
            reads: 0,
            changes: 0,
            persons: persons.get(&staff_id).copied().unwrap_or(0),
        });
        if is_read(&action) {
            row.reads += n;
        } else {
            row.changes += n;
        }
    }
    let names = names(conn, out.keys().copied()).await?;
    let mut out: Vec<Accesses> = out
        .into_values()
        .map(|mut a| {
            a.name = names.get(&a.staff_id).cloned().unwrap_or_default();
            a
        })
        .collect();
    out.sort_by(|a, b| b.persons.cmp(&a.persons).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// Distinct persons per staff member among the events matching `cond` (one query).
async fn distinct_persons<C: ConnectionTrait>(
    conn: &C,
    cond: Condition,
) -> Result<HashMap<i64, i64>> {
    Ok(audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::ActorStaffId)
        .column_as(
            Expr::col(audit_event::Column::PersonId).count_distinct(),
            "n",
        )
        .filter(cond)
        .group_by(audit_event::Column::ActorStaffId)
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

// --- unusual access volumes ------------------------------------------------------------------

/// How many earlier periods of the same length make a staff member's usual volume.
pub const UNUSUAL_HISTORY: i64 = 6;
/// How many times the usual volume is unusual.
pub const UNUSUAL_FACTOR: i64 = 3;
/// Below this many distinct persons in the period nobody is flagged.
pub const UNUSUAL_FLOOR: i64 = 10;

/// One staff member's volume in the period against their usual one and their peers'.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub staff_id: i64,
    pub name: String,
    /// Distinct persons whose data the staff member read or changed in the period.
    pub persons: i64,
    /// The (lower) median of the same count over the [`UNUSUAL_HISTORY`] periods before.
    pub own_median: i64,
    /// The (lower) median of the count over everybody in scope active in the period.
    pub peer_median: i64,
    /// Flagged because of their own history.
    pub above_own: bool,
    /// Flagged because of their peers.
    pub above_peers: bool,
}

impl Volume {
    pub fn flagged(&self) -> bool {
        self.above_own || self.above_peers
    }
}

/// The lower median (the middle value; of two middle values the lower), 0 for none.
pub fn lower_median(mut v: Vec<i64>) -> i64 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[(v.len() - 1) / 2]
}

/// The rule for an unusual volume: at least [`UNUSUAL_FLOOR`] distinct persons, and more than
/// [`UNUSUAL_FACTOR`] times the usual (own median over the earlier periods, or the peers' median).
pub fn unusual(persons: i64, usual: i64) -> bool {
    persons >= UNUSUAL_FLOOR && persons > UNUSUAL_FACTOR * usual
}

/// Distinct persons per staff member in the period against their own history and their peers:
/// the flagged first, then by volume. One aggregate query per period (the chosen one and
/// [`UNUSUAL_HISTORY`] before it).
pub async fn unusual_volumes(db: &Db, ctx: &Ctx, p: Period) -> Result<Vec<Volume>> {
    let scope = open_report(db, ctx, Report::Unusual).await?;
    let conn = db.reader();
    let count = async |q: Period| {
        distinct_persons(conn, in_scope(scope).add(person_data()).add(q.events())).await
    };
    let now = count(p).await?;
    let mut history: Vec<HashMap<i64, i64>> = Vec::new();
    for n in 1..=UNUSUAL_HISTORY {
        history.push(count(p.before(n)).await?);
    }
    let peer_median = lower_median(now.values().copied().collect());
    let names = names(conn, now.keys().copied()).await?;
    let mut out: Vec<Volume> = now
        .iter()
        .map(|(&staff_id, &persons)| {
            let own_median = lower_median(
                history
                    .iter()
                    .map(|h| h.get(&staff_id).copied().unwrap_or(0))
                    .collect(),
            );
            Volume {
                staff_id,
                name: names.get(&staff_id).cloned().unwrap_or_default(),
                persons,
                own_median,
                peer_median,
                above_own: unusual(persons, own_median),
                above_peers: unusual(persons, peer_median),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.flagged()
            .cmp(&a.flagged())
            .then(b.persons.cmp(&a.persons))
            .then(a.name.cmp(&b.name))
    });
    Ok(out)
}

// --- denied accesses --------------------------------------------------------------------------

/// What a staff member tried and was refused, and how often.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denied {
    /// `None` for refusals without a logged-in actor (failed logins).
    pub staff_id: Option<i64>,
    pub name: Option<String>,
    pub action: String,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub count: i64,
}

/// A group of refusals as the query answers it: staff, action, object kind and id, count.
type DeniedRow = (Option<i64>, String, Option<String>, Option<String>, i64);

/// The most rows the denied report lists.
pub const DENIED_LIMIT: u64 = 500;

/// The refusals recorded in the period per staff member and what was tried, most frequent first.
pub async fn denied(db: &Db, ctx: &Ctx, p: Period) -> Result<Vec<Denied>> {
    let scope = open_report(db, ctx, Report::Denied).await?;
    let conn = db.reader();
    let rows: Vec<DeniedRow> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::ActorStaffId)
        .column(audit_event::Column::Action)
        .column(audit_event::Column::ObjectKind)
        .column(audit_event::Column::ObjectId)
        .column_as(Expr::col(audit_event::Column::Id).count(), "n")
        .filter(
            in_scope(scope)
                .add(audit_event::Column::Outcome.eq("denied"))
                .add(p.events()),
        )
        .group_by(audit_event::Column::ActorStaffId)
        .group_by(audit_event::Column::Action)
        .group_by(audit_event::Column::ObjectKind)
        .group_by(audit_event::Column::ObjectId)
        .order_by_desc(Expr::col(audit_event::Column::Id).count())
        .order_by_asc(audit_event::Column::ActorStaffId)
        .order_by_asc(audit_event::Column::Action)
        .limit(DENIED_LIMIT)
        .into_tuple()
        .all(conn)
        .await?;
    let names = names(conn, rows.iter().filter_map(|r| r.0)).await?;
    Ok(rows
        .into_iter()
        .map(|(staff_id, action, object_kind, object_id, count)| Denied {
            name: staff_id.and_then(|id| names.get(&id).cloned()),
            staff_id,
            action,
            object_kind,
            object_id,
            count,
        })
        .collect())
}

// --- holds and erasures -----------------------------------------------------------------------

/// The retention runs and the holds of the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Erasures {
    /// The runs of the period (the whole deployment's: the run is one for all), newest first.
    pub runs: Vec<retention_run::Model>,
    /// Holds placed in the period on cases in scope.
    pub holds_placed: i64,
    /// Holds lifted in the period on cases in scope.
    pub holds_lifted: i64,
}

impl Erasures {
    pub fn cases_erased(&self) -> i64 {
        self.runs.iter().map(|r| r.cases_erased).sum()
    }
    pub fn persons_erased(&self) -> i64 {
        self.runs.iter().map(|r| r.clients_erased).sum()
    }
}

pub async fn erasures(db: &Db, ctx: &Ctx, p: Period) -> Result<Erasures> {
    let scope = open_report(db, ctx, Report::Retention).await?;
    let conn = db.reader();
    let runs = retention_run::Entity::find()
        .filter(retention_run::Column::Day.gte(p.from.to_string()))
        .filter(retention_run::Column::Day.lte(p.to.to_string()))
        .order_by_desc(retention_run::Column::Day)
        .all(conn)
        .await?;
    let holds = |col: retention_hold::Column| {
        let mut c = Condition::all()
            .add(col.gte(p.start()))
            .add(col.lt(p.end()));
        if let Some(org) = scope {
            c = c.add(
                retention_hold::Column::CaseId.in_subquery(
                    Query::select()
                        .column(case::Column::Id)
                        .from(case::Entity)
                        .and_where(case::Column::OrganisationId.eq(org))
                        .to_owned(),
                ),
            );
        }
        retention_hold::Entity::find()
            .select_only()
            .column_as(Expr::col(retention_hold::Column::Id).count(), "n")
            .filter(c)
            .into_tuple::<i64>()
            .one(conn)
    };
    let holds_placed = holds(retention_hold::Column::PlacedAt).await?.unwrap_or(0);
    let holds_lifted = holds(retention_hold::Column::LiftedAt).await?.unwrap_or(0);
    Ok(Erasures {
        runs,
        holds_placed,
        holds_lifted,
    })
}

// --- the register of processing activities ----------------------------------------------------

/// Who receives data under the releases recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecipientKind {
    /// An organisation of the deployment, by name.
    Organisation(String),
    /// A service outside the deployment, by its category (never the name typed: it may name a
    /// private person).
    Category(String),
    /// A service outside the deployment entered without a category.
    Uncategorised,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub kind: RecipientKind,
    /// Releases recorded for it.
    pub releases: i64,
    /// Distinct persons they were recorded for.
    pub persons: i64,
}

/// The register of processing activities (Art. 30 GDPR) as the configuration stands.
#[derive(Clone, Debug, PartialEq)]
pub struct Register {
    /// The controllers: the organisations in scope, (name, kind).
    pub controllers: Vec<(String, String)>,
    pub schedule: Schedule,
    pub recipients: Vec<Recipient>,
    /// The sealed columns (encrypted at rest), as `table.column`.
    pub sealed: Vec<String>,
    /// Active staff members per role in scope, (role, count).
    pub roles: Vec<(String, i64)>,
    /// The audit chain's last verification.
    pub last_verification: Option<audit_verification::Model>,
    pub generated_at: DateTime<Utc>,
}

/// Generates the register for the data-protection officer's scope. Audited.
pub async fn register(db: &Db, ctx: &Ctx) -> Result<Register> {
    let ev = Event::new("processing_register_viewed");
    let scope = desk_scope(db, ctx, ev.clone()).await?;
    let conn = db.reader();
    let orgs = organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(conn)
        .await?;
    let org_names: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let controllers = orgs
        .iter()
        .filter(|o| o.active && scope.is_none_or(|s| s == o.id))
        .map(|o| (o.name.clone(), o.kind.clone()))
        .collect();
    let staff_in_scope = |org: i64| {
        Query::select()
            .column(staff::Column::Id)
            .from(staff::Entity)
            .and_where(staff::Column::OrganisationId.eq(org))
            .to_owned()
    };
    let mut q = release::Entity::find()
        .select_only()
        .column(release::Column::RecipientOrganisationId)
        .column(release::Column::RecipientCategory)
        .column_as(Expr::col(release::Column::Id).count(), "n")
        .column_as(Expr::col(release::Column::PersonId).count_distinct(), "p")
        .group_by(release::Column::RecipientOrganisationId)
        .group_by(release::Column::RecipientCategory);
    if let Some(org) = scope {
        q = q.filter(release::Column::CreatedBy.in_subquery(staff_in_scope(org)));
    }
    let rows: Vec<(Option<i64>, Option<String>, i64, i64)> = q.into_tuple().all(conn).await?;
    let mut recipients: Vec<Recipient> = rows
        .into_iter()
        .map(|(org, category, releases, persons)| Recipient {
            kind: match (org, category) {
                (Some(o), _) => RecipientKind::Organisation(
                    org_names
                        .get(&o)
                        .cloned()
                        .unwrap_or_else(|| format!("#{o}")),
                ),
                (None, Some(c)) if !c.is_empty() => RecipientKind::Category(c),
                (None, _) => RecipientKind::Uncategorised,
            },
            releases,
            persons,
        })
        .collect();
    recipients.sort_by_key(|r| std::cmp::Reverse(r.releases));
    let mut roles = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::Role)
        .column_as(Expr::col(staff_role::Column::StaffId).count(), "n")
        .filter(staff_role::Column::StaffId.in_subquery({
            let mut s = Query::select();
            s.column(staff::Column::Id)
                .from(staff::Entity)
                .and_where(staff::Column::Active.eq(true));
            if let Some(org) = scope {
                s.and_where(staff::Column::OrganisationId.eq(org));
            }
            s.to_owned()
        }))
        .group_by(staff_role::Column::Role);
    roles = roles.order_by_asc(staff_role::Column::Role);
    let roles: Vec<(String, i64)> = roles.into_tuple().all(conn).await?;
    let last_verification = audit_verification::Entity::find()
        .order_by_desc(audit_verification::Column::Id)
        .one(conn)
        .await?;
    let sealed = crate::kernel::sealed::ALL
        .iter()
        .map(|c| format!("{}.{}", c.table, c.column))
        .collect();
    let schedule = Schedule::load(conn).await?;
    audit::record(db.writer(), ctx, ev).await?;
    Ok(Register {
        controllers,
        schedule,
        recipients,
        sealed,
        roles,
        last_verification,
        generated_at: ctx.now(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn periods_parse_with_clear_errors() {
        let today = d("2026-11-21");
        assert_eq!(
            Period::parse("", "", today).ok(),
            Some(Period {
                from: d("2026-10-23"),
                to: today
            })
        );
        assert_eq!(
            Period::parse("01.11.2026", "2026-11-10", today).ok(),
            Some(Period {
                from: d("2026-11-01"),
                to: d("2026-11-10")
            })
        );
        for (from, to, field) in [
            ("2026-11-10", "2026-11-01", "to"),
            ("garbage", "2026-11-01", "from"),
            ("2026-11-01", "31.02.2026", "to"),
            ("1990-01-01", "2026-01-01", "from"),
        ] {
            match Period::parse(from, to, today) {
                Err(Error::Invalid(e)) => assert!(e.get(field).is_some(), "{from} {to}"),
                other => panic!("{from} {to}: {other:?}"),
            }
        }
        let p = Period::parse("2026-11-01", "2026-11-10", today).unwrap_or(Period {
            from: today,
            to: today,
        });
        assert_eq!(p.days(), 10);
        assert_eq!(
            p.before(1),
            Period {
                from: d("2026-10-22"),
                to: d("2026-10-31")
            }
        );
    }

    #[test]
    fn the_unusual_rule() {
        assert_eq!(lower_median(vec![]), 0);
        assert_eq!(lower_median(vec![5, 1, 3]), 3);
        assert_eq!(lower_median(vec![4, 1, 3, 2]), 2);
        assert!(!unusual(9, 0), "below the floor");
        assert!(unusual(10, 0));
        assert!(unusual(16, 5));
        assert!(!unusual(15, 5), "exactly three times is usual");
        assert!(is_read("client_viewed") && is_read("caseload_viewed"));
        assert!(!is_read("client_updated") && !is_read("release_recorded"));
    }
}
