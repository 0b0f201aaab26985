//! Cases: opening, the 3-year clock and its extension, pauses, closure with a snapshot of the
//! outcomes, reopening, sharing, handover to another IM, and a client's move to another municipality.
//!
//! The case's free texts (the extension's justification, the eligibility note, the closure note,
//! the handover note) are sealed and bound to the case row's version, so every change that bumps
//! the version seals them again ([`finish_change`]); the reasons in the case's history are sealed
//! and bound to their event's row.

use std::collections::BTreeMap;

use ankommen_store::entities::{
    case, case_assignment, case_event, case_pause, case_person, case_share, confirmation,
    municipality, organisation, outcome, person, staff, staff_role,
};
use ankommen_store::{Db, Opened};
use chrono::{Months, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, IdenStatic, QueryFilter, QueryOrder, QuerySelect,
};

use crate::administration::duties;
use crate::administration::organisations::expect_updated;
use crate::administration::service_areas;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{CaseStatus, ClosureReason, DataCategory};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{
    self, CASE_CLOSURE_NOTE, CASE_ELIGIBILITY_NOTE, CASE_EVENT_REASON, CASE_EXTENSION_REASON,
    CASE_HANDOVER_NOTE, Column, Sealing,
};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{Ags, Role, parse_date, parse_text, parse_text_req};
use crate::records::consent::{self, Coverage, Data};
use crate::records::releases::{self, RecipientRef};
use crate::{Ctx, Error, FieldErrors, Result};

/// The regular duration of integration management.
pub const REGULAR_MONTHS: u32 = 36;
/// The IM is warned from this month on.
pub const WARNING_MONTHS: u32 = 30;
/// The longest duration, in a justified individual case.
pub const MAX_MONTHS: u32 = 48;

pub(crate) struct NewCase {
    pub municipality: String,
    pub household_id: Option<i64>,
    pub opened_on: NaiveDate,
    pub clock_start: NaiveDate,
    pub persons: Vec<i64>,
}

/// Refuses, as an error on `field`, a municipality the actor's organisation does not serve today:
/// no client is registered and no case opened outside the organisation's service area.
pub(crate) async fn require_served<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    ags: &str,
    field: &'static str,
) -> Result<()> {
    if service_areas::serves(conn, ctx.actor.organisation_id, ags, ctx.today()).await? {
        Ok(())
    } else {
        Err(Error::field(
            field,
            "error-municipality-not-served-by-organisation",
        ))
    }
}

/// Opens a case in the actor's organisation, assigned to the actor, in a municipality the
/// organisation serves (version 1; a justification for counselling outside the target group is
/// sealed by the caller, [`seal_eligibility_note`]).
pub(crate) async fn open_case<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    n: NewCase,
) -> Result<case::Model> {
    require_served(conn, ctx, &n.municipality, "municipality").await?;
    let now = ctx.now();
    let placeholder = format!("new-{}", crate::kernel::tokens::random_id()?);
    let id = case::Entity::insert(case::ActiveModel {
        id: NotSet,
        case_number: Set(placeholder),
        organisation_id: Set(ctx.actor.organisation_id),
        municipality_ags: Set(n.municipality),
        assigned_to: Set(ctx.actor.staff_id),
        household_id: Set(n.household_id),
        opened_on: Set(n.opened_on),
        clock_start: Set(n.clock_start),
        status: Set(CaseStatus::Active.as_str().into()),
        extended_until: Set(None),
        extension_reason_sealed: Set(None),
        eligibility_note_sealed: Set(None),
        closed_on: Set(None),
        closure_reason: Set(None),
        closure_note_sealed: Set(None),
        closure_snapshot: Set(None),
        handover_note_sealed: Set(None),
        handover_from: Set(None),
        handover_at: Set(None),
        handover_seen: Set(true),
        external_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    // The case number is derived from the id: unique, short, and says nothing about the person.
    let number = format!("{}-{:05}", chrono::Datelike::year(&n.opened_on), id);
    case::Entity::update_many()
        .col_expr(case::Column::CaseNumber, Expr::value(number))
        .filter(case::Column::Id.eq(id))
        .exec(conn)
        .await?;
    for p in &n.persons {
        case_person::Entity::insert(case_person::ActiveModel {
            case_id: Set(id),
            person_id: Set(*p),
        })
        .exec_without_returning(conn)
        .await?;
    }
    case_assignment::Entity::insert(case_assignment::ActiveModel {
        id: NotSet,
        case_id: Set(id),
        staff_id: Set(ctx.actor.staff_id),
        from_date: Set(n.opened_on),
    })
    .exec_without_returning(conn)
    .await?;
    event(conn, ctx, id, "opened", n.opened_on, None, None, None).await?;
    audit::record(conn, ctx, Event::on("case_opened", "case", id)).await?;
    case::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| Error::Internal("case vanished after insert".into()))
}

/// Seals the justification for counselling a person outside the target group into a case just
/// opened (version 1).
pub(crate) async fn seal_eligibility_note<C: ConnectionTrait>(
    conn: &C,
    sealing: &Sealing<'_>,
    case_id: i64,
    note: &str,
) -> Result<()> {
    let sealed = sealing.seal(CASE_ELIGIBILITY_NOTE.at_version(case_id, 1), note)?;
    case::Entity::update_many()
        .col_expr(case::Column::EligibilityNoteSealed, Expr::value(sealed))
        .filter(case::Column::Id.eq(case_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A reason given for an entry of the case's history, and how to seal it.
type Reason<'a> = Option<(&'a Sealing<'a>, &'a str)>;

#[allow(clippy::too_many_arguments)]
pub(crate) async fn event<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    case_id: i64,
    kind: &str,
    on: NaiveDate,
    reason: Reason<'_>,
    detail: Option<String>,
    other_staff: Option<i64>,
) -> Result<()> {
    let id = case_event::Entity::insert(case_event::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        kind: Set(kind.into()),
        on_date: Set(on),
        reason_sealed: Set(None),
        detail: Set(detail),
        staff_id: Set(Some(ctx.actor.staff_id)),
        other_staff_id: Set(other_staff),
        at: Set(ctx.now()),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    // The reason is sealed for the event's row, so written once the row has its id.
    if let Some((sealing, text)) = reason {
        let sealed = sealing.seal(CASE_EVENT_REASON.at(id), text)?;
        case_event::Entity::update_many()
            .col_expr(case_event::Column::ReasonSealed, Expr::value(sealed))
            .filter(case_event::Column::Id.eq(id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// An entry of a case's history with its reason opened.
pub(crate) fn opened_event(sealer: &Sealer, mut e: case_event::Model) -> case_event::Model {
    e.reason = sealed::open_opt(
        sealer,
        CASE_EVENT_REASON.at(e.id),
        e.reason_sealed.as_deref(),
    );
    e
}

/// The case's sealed columns: the column of the entity and of the registry, and its value.
fn sealed_columns(c: &case::Model) -> [(case::Column, &'static Column, Option<&[u8]>); 4] {
    [
        (
            case::Column::ExtensionReasonSealed,
            &CASE_EXTENSION_REASON,
            c.extension_reason_sealed.as_deref(),
        ),
        (
            case::Column::EligibilityNoteSealed,
            &CASE_ELIGIBILITY_NOTE,
            c.eligibility_note_sealed.as_deref(),
        ),
        (
            case::Column::ClosureNoteSealed,
            &CASE_CLOSURE_NOTE,
            c.closure_note_sealed.as_deref(),
        ),
        (
            case::Column::HandoverNoteSealed,
            &CASE_HANDOVER_NOTE,
            c.handover_note_sealed.as_deref(),
        ),
    ]
}

/// The case with its sealed texts opened.
pub(crate) fn opened_case(sealer: &Sealer, mut c: case::Model) -> case::Model {
    let (id, v) = (c.id, c.version);
    let open = |col: &'static Column, blob: Option<&[u8]>| -> Option<Opened> {
        sealed::open_opt(sealer, col.at_version(id, v), blob)
    };
    c.extension_reason = open(&CASE_EXTENSION_REASON, c.extension_reason_sealed.as_deref());
    c.eligibility_note = open(&CASE_ELIGIBILITY_NOTE, c.eligibility_note_sealed.as_deref());
    c.closure_note = open(&CASE_CLOSURE_NOTE, c.closure_note_sealed.as_deref());
    c.handover_note = open(&CASE_HANDOVER_NOTE, c.handover_note_sealed.as_deref());
    c
}

/// The case's sealed texts a change from `c.version` to the next leaves alone, sealed again for
/// the next version (`set` are those the change writes itself).
fn resealed_columns(
    sealing: &Sealing<'_>,
    c: &case::Model,
    set: &[case::Column],
) -> Result<Vec<(case::Column, sea_orm::Value)>> {
    let mut out = Vec::new();
    for (col, reg, blob) in sealed_columns(c) {
        if set.iter().any(|s| s.as_str() == col.as_str()) {
            continue;
        }
        let value = sealing.reseal_opt(
            reg.at_version(c.id, c.version),
            reg.at_version(c.id, c.version + 1),
            blob,
        )?;
        out.push((col, value.into()));
    }
    Ok(out)
}

/// Where a case stands on its 3-year clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockState {
    Running,
    /// 30 months or more have passed.
    Warning,
    /// The end (3 years, or the extension) has passed.
    Overdue,
    Closed,
}

impl ClockState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Warning => "warning",
            ClockState::Overdue => "overdue",
            ClockState::Closed => "closed",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseClock {
    pub start: NaiveDate,
    pub warn_from: NaiveDate,
    /// The end: 3 years after the start, or the extension.
    pub end: NaiveDate,
    /// The latest possible end (4 years).
    pub max_end: NaiveDate,
    pub extended: bool,
    /// Days from today to the end (negative when past).
    pub days_left: i64,
    pub state: ClockState,
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m)).unwrap_or(d)
}

/// The clock of a case on `today`.
pub fn clock(c: &case::Model, today: NaiveDate) -> CaseClock {
    clock_of(&c.status, c.clock_start, c.extended_until, today)
}

/// [`clock`] from the three columns it depends on (for queries that do not load whole cases).
pub fn clock_of(
    status: &str,
    start: NaiveDate,
    extended_until: Option<NaiveDate>,
    today: NaiveDate,
) -> CaseClock {
    let end = extended_until.unwrap_or_else(|| add_months(start, REGULAR_MONTHS));
    let warn_from = add_months(start, WARNING_MONTHS);
    let state = if status == CaseStatus::Closed.as_str() {
        ClockState::Closed
    } else if today > end {
        ClockState::Overdue
    } else if today >= warn_from {
        ClockState::Warning
    } else {
        ClockState::Running
    };
    CaseClock {
        start,
        warn_from,
        end,
        max_end: add_months(start, MAX_MONTHS),
        extended: extended_until.is_some(),
        days_left: (end - today).num_days(),
        state,
    }
}

/// A case as its IM sees it.
#[derive(Clone, Debug)]
pub struct CaseView {
    pub case: case::Model,
    pub clock: CaseClock,
    pub persons: Vec<person::Model>,
    pub im_name: String,
    pub organisation_name: String,
    pub municipality_name: String,
    pub events: Vec<EventView>,
    pub pauses: Vec<case_pause::Model>,
    pub shared_with: Vec<(i64, String)>,
    /// The handover note and who handed the case over, while the new IM has not acknowledged it.
    pub handover_pending: Option<(Opened, String)>,
    /// Colleagues of the organisation the case may be shared with.
    pub colleagues: Vec<(i64, String)>,
    /// After a move: organisations serving the new municipality, and whether a release allows
    /// offering them a handover summary.
    pub handover_offers: Vec<HandoverOffer>,
    /// What the closure snapshot says, as far as the persons' consents cover it today.
    pub closure: Option<ClosureView>,
    /// When the case is erased, and the holds that stop it (issue 25).
    pub retention: crate::casework::retention::CaseRetention,
    /// The referrals to services, newest first (issue 23).
    pub referrals: Vec<crate::casework::referrals::ReferralView>,
    /// The language-course registrations, newest first (issue 23, decision 0032).
    pub courses: Vec<crate::casework::courses::Registration>,
    /// The volunteers matched with its persons, newest first (issue 23).
    pub volunteer_matches: Vec<crate::casework::volunteers::MatchView>,
    /// The appointments, coming ones first (issue 24).
    pub appointments: Vec<ankommen_store::entities::appointment::Model>,
    /// The restriction of processing standing on the case (Art. 18): it is read-only.
    pub restriction: Option<crate::casework::restrictions::Restriction>,
}

/// A closed case's snapshot as the case page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClosureView {
    pub closed_on: Option<NaiveDate>,
    pub persons: Vec<ClosurePerson>,
}

/// One person of a closure snapshot. The voluntary parts are None (and no outcomes are counted)
/// where the snapshot holds none or the person's consent no longer covers them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClosurePerson {
    pub person_id: i64,
    pub german_level: Option<String>,
    pub housing: Option<String>,
    pub outcomes: usize,
}

/// Reads a stored closure snapshot; the voluntary parts only where `coverage` (today's, per
/// person) covers them, so that a snapshot taken before a withdrawal hides them too.
pub fn closure_view(json: &str, coverage: &BTreeMap<i64, Coverage>) -> Option<ClosureView> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let persons = v["persons"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    let person_id = p["person"].as_i64()?;
                    let c = coverage.get(&person_id).copied().unwrap_or(Coverage::NONE);
                    let text = |k: &str| {
                        p[k].as_str()
                            .filter(|_| c.covers(Data::Intake))
                            .map(str::to_string)
                    };
                    Some(ClosurePerson {
                        person_id,
                        german_level: text("german_level_at_intake"),
                        housing: text("housing"),
                        outcomes: p["outcomes"]
                            .as_array()
                            .filter(|_| c.covers(Data::Outcomes))
                            .map_or(0, Vec::len),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(ClosureView {
        closed_on: v["closed_on"].as_str().and_then(|d| d.parse().ok()),
        persons,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverOffer {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub released: bool,
}

#[derive(Clone, Debug)]
pub struct EventView {
    pub event: case_event::Model,
    pub by: String,
    pub other: Option<String>,
}

async fn staff_name<C: ConnectionTrait>(conn: &C, id: i64) -> Result<String> {
    Ok(staff::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|s| s.display_name)
        .unwrap_or_default())
}

pub(crate) async fn persons_of<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
) -> Result<Vec<person::Model>> {
    let select = person::Entity::find()
        .filter(
            person::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(case_person::Column::PersonId)
                    .from(case_person::Entity)
                    .and_where(case_person::Column::CaseId.eq(case_id))
                    .to_owned(),
            ),
        )
        .order_by_asc(person::Column::Id);
    Ok(select.all(conn).await?)
}

/// Active IMs of the actor's organisation (for sharing and handover).
pub async fn colleagues<C: ConnectionTrait>(
    conn: &C,
    organisation_id: i64,
) -> Result<Vec<(i64, String)>> {
    let ims: Vec<i64> = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq(Role::Im.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.staff_id)
        .collect();
    Ok(staff::Entity::find()
        .filter(staff::Column::Id.is_in(ims))
        .filter(staff::Column::OrganisationId.eq(organisation_id))
        .filter(staff::Column::Active.eq(true))
        .order_by_asc(staff::Column::DisplayName)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// Whom a team lead may hand cases to: the active IMs of their own team, not themself.
pub async fn reassign_targets<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
) -> Result<Vec<(i64, String)>> {
    let Some(team) = ctx.actor.team_id else {
        return Ok(Vec::new());
    };
    let in_team: Vec<i64> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .filter(staff::Column::TeamId.eq(team))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(colleagues(conn, ctx.actor.organisation_id)
        .await?
        .into_iter()
        .filter(|(id, _)| *id != ctx.actor.staff_id && in_team.contains(id))
        .collect())
}

async fn offers<C: ConnectionTrait>(
    conn: &C,
    c: &case::Model,
    persons: &[person::Model],
    today: NaiveDate,
) -> Result<Vec<HandoverOffer>> {
    if c.closure_reason.as_deref() != Some(ClosureReason::MovedAway.as_str()) {
        return Ok(vec![]);
    }
    let Some(first) = persons.first() else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    for o in service_areas::serving(conn, &first.municipality_ags, today).await? {
        if o.id == c.organisation_id {
            continue;
        }
        let mut released = false;
        for p in persons {
            released |= releases::may_share(
                conn,
                p.id,
                DataCategory::CaseProgress,
                &RecipientRef::Organisation(o.id),
                today,
            )
            .await?;
        }
        out.push(HandoverOffer {
            organisation_id: o.id,
            organisation_name: o.name,
            released,
        });
    }
    Ok(out)
}

/// Loads a case for its IM. The read is audited.
pub async fn get(db: &Db, ctx: &Ctx, sealer: &Sealer, case_id: i64) -> Result<CaseView> {
    audit::read(db, async |tx| {
        let ev = Event::on("case_viewed", "case", case_id);
        let (c, r) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let view = load(tx, ctx, sealer, c, &r).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(view)
    })
    .await
}

/// The case view of a case the caller has checked access to (the caller records the read).
pub(crate) async fn load<C: ConnectionTrait>(
    tx: &C,
    ctx: &Ctx,
    sealer: &Sealer,
    c: case::Model,
    r: &crate::kernel::policy::CaseRef,
) -> Result<CaseView> {
    let case_id = c.id;
    {
        let c = opened_case(sealer, c);
        let today = ctx.today();
        let persons = persons_of(tx, case_id).await?;
        let mut events = Vec::new();
        for e in case_event::Entity::find()
            .filter(case_event::Column::CaseId.eq(case_id))
            .order_by_desc(case_event::Column::At)
            .order_by_desc(case_event::Column::Id)
            .all(tx)
            .await?
        {
            let e = opened_event(sealer, e);
            let by = match e.staff_id {
                Some(s) => staff_name(tx, s).await?,
                None => String::new(),
            };
            let other = match e.other_staff_id {
                Some(s) => Some(staff_name(tx, s).await?),
                None => None,
            };
            events.push(EventView {
                event: e,
                by,
                other,
            });
        }
        let pauses = case_pause::Entity::find()
            .filter(case_pause::Column::CaseId.eq(case_id))
            .order_by_desc(case_pause::Column::FromDate)
            .all(tx)
            .await?;
        let mut shared_with = Vec::new();
        for s in &r.shared_with {
            shared_with.push((*s, staff_name(tx, *s).await?));
        }
        let handover_pending = match (&c.handover_note, c.handover_seen, c.handover_from) {
            (Some(note), false, from) if c.assigned_to == ctx.actor.staff_id => Some((
                note.clone(),
                match from {
                    Some(f) => staff_name(tx, f).await?,
                    None => String::new(),
                },
            )),
            _ => None,
        };
        let colleagues = colleagues(tx, c.organisation_id)
            .await?
            .into_iter()
            .filter(|(id, _)| *id != c.assigned_to && !r.shared_with.contains(id))
            .collect();
        let handover_offers = offers(tx, &c, &persons, today).await?;
        let closure = match c.closure_snapshot.as_deref() {
            Some(json) => {
                let coverage = consent::coverages(tx, persons.iter().map(|p| p.id), today).await?;
                closure_view(json, &coverage)
            }
            None => None,
        };
        let im_name = staff_name(tx, c.assigned_to).await?;
        let organisation_name = organisation::Entity::find_by_id(c.organisation_id)
            .one(tx)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let municipality_name = municipality::Entity::find_by_id(c.municipality_ags.clone())
            .one(tx)
            .await?
            .map(|m| m.name)
            .unwrap_or_default();
        let retention = crate::casework::retention::of_case(tx, &c, today).await?;
        let rules = crate::administration::settings::WorkRules::load(tx).await?;
        let referrals = crate::casework::referrals::of_case(
            tx,
            sealer,
            case_id,
            today,
            rules.referral_pending_days,
        )
        .await?;
        let volunteer_matches =
            crate::casework::volunteers::of_case(tx, sealer, case_id, today).await?;
        let restriction = crate::casework::restrictions::active_on(tx, c.id).await?;
        let courses = crate::casework::courses::of_case(tx, case_id).await?;
        let appointments = crate::casework::appointments::of_case(tx, case_id, today).await?;
        Ok(CaseView {
            appointments,
            retention,
            referrals,
            courses,
            volunteer_matches,
            restriction,
            clock: clock(&c, today),
            case: c,
            persons,
            im_name,
            organisation_name,
            municipality_name,
            events,
            pauses,
            shared_with,
            handover_pending,
            colleagues,
            handover_offers,
            closure,
        })
    }
}

/// The first half of a state change of one case: the access check (write) and the version check,
/// inside a new transaction.
async fn begin_change<'s>(
    db: &Db,
    ctx: &Ctx,
    sealer: &'s Sealer,
    case_id: i64,
    version: i32,
    action: &'static str,
) -> Result<(ankommen_store::Tx, case::Model, Event, Sealing<'s>)> {
    let tx = db.begin().await?;
    let ev = Event::on(action, "case", case_id);
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    if c.version != version {
        return Err(Error::Conflict("error-stale"));
    }
    let sealing = Sealing::begin(&tx, sealer).await?;
    Ok((tx, c, ev, sealing))
}

/// The second half: the change of columns (guarded by the version; the sealed texts the change
/// does not write sealed again for the new version), the audit entry, the commit.
async fn finish_change(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    sealing: &Sealing<'_>,
    c: &case::Model,
    mut cols: Vec<(case::Column, sea_orm::Value)>,
    ev: Event,
) -> Result<()> {
    let set: Vec<case::Column> = cols.iter().map(|(col, _)| *col).collect();
    cols.extend(resealed_columns(sealing, c, &set)?);
    let mut upd = case::Entity::update_many();
    for (col, v) in cols {
        upd = upd.col_expr(col, Expr::value(v));
    }
    let res = upd
        .col_expr(case::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(case::Column::Version, Expr::value(c.version + 1))
        .filter(case::Column::Id.eq(c.id))
        .filter(case::Column::Version.eq(c.version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, case::Entity::find_by_id(c.id)).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// A date something happened in the case: not in the future, not before its opening.
pub(crate) fn date_in_case(
    e: &mut FieldErrors,
    field: &'static str,
    s: &str,
    c: &case::Model,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let d = e.take(field, parse_date(s))?;
    if d > today {
        e.add(field, "error-date-future");
        None
    } else if d < c.opened_on {
        e.add(field, "error-before-opening");
        None
    } else {
        Some(d)
    }
}

/// Pauses an active case from a day on.
pub async fn pause(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    version: i32,
    from: &str,
    reason: &str,
) -> Result<()> {
    let today = ctx.today();
    let (from, reason) = (from.to_string(), reason.to_string());
    let (txo, c, ev, sealing) =
        begin_change(db, ctx, sealer, case_id, version, "case_paused").await?;
    let tx = &txo;
    let cols: Result<Vec<(case::Column, sea_orm::Value)>> = async {
        if c.status != CaseStatus::Active.as_str() {
            return Err(Error::Conflict("error-case-not-active"));
        }
        let mut e = FieldErrors::new();
        let d = date_in_case(&mut e, "paused_from", &from, &c, today);
        let reason = e.take("pause_reason", parse_text(&reason, 1000)).flatten();
        e.into_result()?;
        let d = d.unwrap_or(today);
        case_pause::Entity::insert(case_pause::ActiveModel {
            id: NotSet,
            case_id: Set(c.id),
            from_date: Set(d),
            until_date: Set(None),
        })
        .exec_without_returning(tx)
        .await?;
        let reason = reason.as_deref().map(|r| (&sealing, r));
        event(tx, ctx, c.id, "paused", d, reason, None, None).await?;
        Ok(vec![(
            case::Column::Status,
            CaseStatus::Paused.as_str().into(),
        )])
    }
    .await;
    finish_change(txo, ctx, &sealing, &c, cols?, ev).await
}

/// Resumes a paused case.
pub async fn resume(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    version: i32,
    on: &str,
) -> Result<()> {
    let today = ctx.today();
    let on = on.to_string();
    let (txo, c, ev, sealing) =
        begin_change(db, ctx, sealer, case_id, version, "case_resumed").await?;
    let tx = &txo;
    let cols: Result<Vec<(case::Column, sea_orm::Value)>> = async {
        if c.status != CaseStatus::Paused.as_str() {
            return Err(Error::Conflict("error-case-not-paused"));
        }
        let mut e = FieldErrors::new();
        let d = date_in_case(&mut e, "resumed_on", &on, &c, today);
        e.into_result()?;
        let d = d.unwrap_or(today);
        end_open_pause(tx, c.id, d).await?;
        event(tx, ctx, c.id, "resumed", d, None, None, None).await?;
        Ok(vec![(
            case::Column::Status,
            CaseStatus::Active.as_str().into(),
        )])
    }
    .await;
    finish_change(txo, ctx, &sealing, &c, cols?, ev).await
}

async fn end_open_pause<C: ConnectionTrait>(conn: &C, case_id: i64, on: NaiveDate) -> Result<()> {
    case_pause::Entity::update_many()
        .col_expr(case_pause::Column::UntilDate, Expr::value(on))
        .filter(case_pause::Column::CaseId.eq(case_id))
        .filter(case_pause::Column::UntilDate.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// The shortest written justification accepted for an extension beyond 3 years.
pub const MIN_JUSTIFICATION_CHARS: usize = 30;

/// Extends a case beyond 3 years, to at most 4, with a written justification.
pub async fn extend(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    version: i32,
    until: &str,
    reason: &str,
) -> Result<()> {
    let today = ctx.today();
    let (until, reason) = (until.to_string(), reason.to_string());
    let (txo, c, ev, sealing) =
        begin_change(db, ctx, sealer, case_id, version, "case_extended").await?;
    let tx = &txo;
    let cols: Result<Vec<(case::Column, sea_orm::Value)>> = async {
        if c.status == CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-case-closed"));
        }
        let k = clock(&c, today);
        let mut e = FieldErrors::new();
        let d = e.take("extended_until", parse_date(&until));
        if let Some(d) = d {
            if d > k.max_end {
                e.add("extended_until", "error-extension-max");
            } else if d <= add_months(c.clock_start, REGULAR_MONTHS) || d < today {
                e.add("extended_until", "error-extension-short");
            }
        }
        let reason = e.take("extension_reason", parse_text_req(&reason, 4000));
        if let Some(r) = &reason
            && r.chars().count() < MIN_JUSTIFICATION_CHARS
        {
            e.add("extension_reason", "error-justification-short");
        }
        e.into_result()?;
        let (Some(d), Some(reason)) = (d, reason) else {
            return Err(Error::field("form", "error-form"));
        };
        event(
            tx,
            ctx,
            c.id,
            "extended",
            today,
            Some((&sealing, &reason)),
            Some(d.to_string()),
            None,
        )
        .await?;
        let sealed = sealing.seal(
            CASE_EXTENSION_REASON.at_version(c.id, c.version + 1),
            &reason,
        )?;
        Ok(vec![
            (case::Column::ExtendedUntil, Some(d).into()),
            (case::Column::ExtensionReasonSealed, Some(sealed).into()),
        ])
    }
    .await;
    finish_change(txo, ctx, &sealing, &c, cols?, ev).await
}

/// What was known about a case's persons on the day of closure: the figures and the case page read
/// this instead of a record that may change later. The voluntary data (German level, housing,
/// residence status, outcomes) is copied only where the person's consent covers it `today` (the
/// day the copy is made): otherwise the person appears with the minimum only (decision 0012).
async fn snapshot<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<String> {
    let all = persons_of(conn, case_id).await?;
    let coverage = consent::coverages(conn, all.iter().map(|p| p.id), today).await?;
    let mut persons = Vec::new();
    for p in all {
        let covered = coverage.get(&p.id).copied().unwrap_or(Coverage::NONE);
        if !covered.covers(Data::Intake) || !covered.covers(Data::Outcomes) {
            persons.push(serde_json::json!({ "person": p.id, "consent": false }));
            continue;
        }
        let outcomes: Vec<serde_json::Value> = outcome::Entity::find()
            .filter(outcome::Column::PersonId.eq(p.id))
            .filter(outcome::Column::OutcomeDate.lte(on))
            .order_by_asc(outcome::Column::OutcomeDate)
            .all(conn)
            .await?
            .into_iter()
            .map(|o| {
                serde_json::json!({
                    "type": o.outcome_type, "date": o.outcome_date.to_string(),
                    "level": o.level, "certificate": o.certificate, "course": o.course,
                    "employment_type": o.employment_type,
                    "until": o.until_date.map(|d| d.to_string()), "place": o.place,
                })
            })
            .collect();
        persons.push(serde_json::json!({
            "person": p.id,
            "german_level_at_intake": p.german_level,
            "housing": p.housing,
            "residence_status": p.residence_status,
            "consent": true,
            "outcomes": outcomes,
        }));
    }
    Ok(serde_json::json!({ "closed_on": on.to_string(), "persons": persons }).to_string())
}

/// Closes a case with a reason, a date and a note; snapshots the outcomes known at that date.
// The form's fields one by one, as every change of a case takes them.
#[allow(clippy::too_many_arguments)]
pub async fn close(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    version: i32,
    on: &str,
    reason: &str,
    note: &str,
) -> Result<()> {
    let today = ctx.today();
    let (on, reason, note) = (on.to_string(), reason.to_string(), note.to_string());
    let (txo, c, ev, sealing) =
        begin_change(db, ctx, sealer, case_id, version, "case_closed").await?;
    let tx = &txo;
    let cols: Result<Vec<(case::Column, sea_orm::Value)>> = async {
        if c.status == CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-case-closed"));
        }
        let mut e = FieldErrors::new();
        let d = date_in_case(&mut e, "closed_on", &on, &c, today);
        let reason = e.take("closure_reason", ClosureReason::parse(&reason));
        let note = e.take("closure_note", parse_text(&note, 4000)).flatten();
        // Ending for lack of cooperation or for self-protection must be explained.
        if matches!(
            reason,
            Some(ClosureReason::NoCooperation | ClosureReason::SelfProtection)
        ) && note.is_none()
        {
            e.add("closure_note", "error-closure-note-required");
        }
        e.into_result()?;
        let (Some(d), Some(reason)) = (d, reason) else {
            return Err(Error::field("form", "error-form"));
        };
        close_in(tx, ctx, &sealing, &c, d, reason, note).await
    }
    .await;
    finish_change(txo, ctx, &sealing, &c, cols?, ev).await
}

async fn close_in<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    sealing: &Sealing<'_>,
    c: &case::Model,
    d: NaiveDate,
    reason: ClosureReason,
    note: Option<String>,
) -> Result<Vec<(case::Column, sea_orm::Value)>> {
    end_open_pause(conn, c.id, d).await?;
    let snap = snapshot(conn, c.id, d, ctx.today()).await?;
    event(
        conn,
        ctx,
        c.id,
        "closed",
        d,
        note.as_deref().map(|n| (sealing, n)),
        Some(reason.as_str().into()),
        None,
    )
    .await?;
    let note = sealing.seal_opt(
        CASE_CLOSURE_NOTE.at_version(c.id, c.version + 1),
        note.as_deref(),
    )?;
    Ok(vec![
        (case::Column::Status, CaseStatus::Closed.as_str().into()),
        (case::Column::ClosedOn, Some(d).into()),
        (
            case::Column::ClosureReason,
            Some(reason.as_str().to_string()).into(),
        ),
        (case::Column::ClosureNoteSealed, note.into()),
        (case::Column::ClosureSnapshot, Some(snap).into()),
    ])
}

/// Reopens a closed case, with a reason. The closure stays in the case's history.
pub async fn reopen(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    version: i32,
    reason: &str,
) -> Result<()> {
    let today = ctx.today();
    let reason = reason.to_string();
    let (txo, c, ev, sealing) =
        begin_change(db, ctx, sealer, case_id, version, "case_reopened").await?;
    let tx = &txo;
    let cols: Result<Vec<(case::Column, sea_orm::Value)>> = async {
        if c.status != CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-case-not-closed"));
        }
        let mut e = FieldErrors::new();
        let reason = e.take("reopen_reason", parse_text_req(&reason, 2000));
        e.into_result()?;
        let detail = c
            .closed_on
            .map(|d| format!("{} {}", d, c.closure_reason.clone().unwrap_or_default()));
        let reason = reason.as_deref().map(|r| (&sealing, r));
        event(tx, ctx, c.id, "reopened", today, reason, detail, None).await?;
        let none_date: Option<NaiveDate> = None;
        let none_text: Option<String> = None;
        let none_sealed: Option<Vec<u8>> = None;
        Ok(vec![
            (case::Column::Status, CaseStatus::Active.as_str().into()),
            (case::Column::ClosedOn, none_date.into()),
            (case::Column::ClosureReason, none_text.clone().into()),
            (case::Column::ClosureNoteSealed, none_sealed.into()),
            (case::Column::ClosureSnapshot, none_text.into()),
        ])
    }
    .await;
    finish_change(txo, ctx, &sealing, &c, cols?, ev).await
}

/// What a move to another municipality did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moved {
    /// The new municipality is served by the same organisation: the case moves with the client.
    CaseMoved,
    /// Another organisation serves it: the case was closed as "moved away".
    Closed,
}

/// A client (with the case's persons) moved to another municipality of the deployment.
// The form's fields one by one, as every change of a case takes them.
#[allow(clippy::too_many_arguments)]
pub async fn move_away(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    version: i32,
    to: &str,
    on: &str,
    note: &str,
) -> Result<Moved> {
    let today = ctx.today();
    let (to, on, note) = (to.to_string(), on.to_string(), note.to_string());
    let mut moved = Moved::CaseMoved;
    let (txo, c, ev, sealing) =
        begin_change(db, ctx, sealer, case_id, version, "case_moved").await?;
    let tx = &txo;
    let cols: Result<Vec<(case::Column, sea_orm::Value)>> = async {
        if c.status == CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-case-closed"));
        }
        let mut e = FieldErrors::new();
        let ags = e.take("moved_to", Ags::parse(&to));
        let d = date_in_case(&mut e, "moved_on", &on, &c, today);
        let note = e.take("move_note", parse_text(&note, 2000)).flatten();
        if let Some(a) = &ags {
            if a.as_str() == c.municipality_ags {
                e.add("moved_to", "error-same-municipality");
            } else if municipality::Entity::find_by_id(a.as_str().to_string())
                .one(tx)
                .await?
                .is_none()
            {
                e.add("moved_to", "error-choice");
            }
        }
        e.into_result()?;
        let (Some(ags), Some(d)) = (ags, d) else {
            return Err(Error::field("form", "error-form"));
        };
        for p in persons_of(tx, c.id).await? {
            person::Entity::update_many()
                .col_expr(person::Column::MunicipalityAgs, Expr::value(ags.as_str()))
                .filter(person::Column::Id.eq(p.id))
                .exec(tx)
                .await?;
        }
        event(
            tx,
            ctx,
            c.id,
            "moved",
            d,
            note.as_deref().map(|n| (&sealing, n)),
            Some(ags.as_str().into()),
            None,
        )
        .await?;
        // Who serves the new municipality today decides: the case moves along only inside its
        // organisation's service area; otherwise it is closed as moved away, and its page offers
        // the handover to the organisations that serve the new municipality.
        let same_org = service_areas::serves(tx, c.organisation_id, ags.as_str(), today).await?;
        if same_org {
            Ok(vec![(case::Column::MunicipalityAgs, ags.as_str().into())])
        } else {
            moved = Moved::Closed;
            close_in(tx, ctx, &sealing, &c, d, ClosureReason::MovedAway, note).await
        }
    }
    .await;
    finish_change(txo, ctx, &sealing, &c, cols?, ev).await?;
    Ok(moved)
}

/// The IM acknowledges the handover note of a case handed to them.
pub async fn acknowledge_handover(db: &Db, ctx: &Ctx, case_id: i64) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("handover_acknowledged", "case", case_id);
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    if c.assigned_to == ctx.actor.staff_id {
        case::Entity::update_many()
            .col_expr(case::Column::HandoverSeen, Expr::value(true))
            .filter(case::Column::Id.eq(case_id))
            .exec(&tx)
            .await?;
        audit::record(&tx, ctx, ev).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Shares a case with a colleague IM of the same organisation (e.g. a stand-in).
pub async fn share(db: &Db, ctx: &Ctx, case_id: i64, staff_id: i64) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("case_shared", "case", case_id);
    let (tx, c, r) = access::case_in(tx, ctx, case_id, Action::ShareCase, ev.clone()).await?;
    let ok = colleagues(&tx, c.organisation_id)
        .await?
        .iter()
        .any(|(id, _)| *id == staff_id && *id != c.assigned_to);
    if !ok {
        return Err(Error::field("share_with", "error-choice"));
    }
    if !r.shared_with.contains(&staff_id) {
        case_share::Entity::insert(case_share::ActiveModel {
            case_id: Set(case_id),
            staff_id: Set(staff_id),
            created_at: Set(ctx.now()),
        })
        .exec_without_returning(&tx)
        .await?;
        event(
            &tx,
            ctx,
            case_id,
            "shared",
            ctx.today(),
            None,
            None,
            Some(staff_id),
        )
        .await?;
        audit::record(&tx, ctx, ev).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn unshare(db: &Db, ctx: &Ctx, case_id: i64, staff_id: i64) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("case_unshared", "case", case_id);
    let (tx, _, _) = access::case_in(tx, ctx, case_id, Action::ShareCase, ev.clone()).await?;
    let res = case_share::Entity::delete_many()
        .filter(case_share::Column::CaseId.eq(case_id))
        .filter(case_share::Column::StaffId.eq(staff_id))
        .exec(&tx)
        .await?;
    if res.rows_affected > 0 {
        event(
            &tx,
            ctx,
            case_id,
            "unshared",
            ctx.today(),
            None,
            None,
            Some(staff_id),
        )
        .await?;
        audit::record(&tx, ctx, ev).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a reassignment did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reassigned {
    /// This many cases were handed over.
    Done(usize),
    /// The team lead asked to take this many cases themself; a second person confirms each.
    AwaitingConfirmation(usize),
}

/// A team lead hands cases to another IM of their team, with a note the new IM sees first; the
/// previous IM is told on their start page. To themself a team lead only asks: another team lead or
/// an administrator of the organisation confirms ([`decide_takeover`]). All or nothing: if one case
/// may not be reassigned, none is.
pub async fn reassign(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_ids: &[i64],
    to: &str,
    note: &str,
) -> Result<Reassigned> {
    // A case selected twice is handed over once.
    let mut case_ids = case_ids.to_vec();
    case_ids.sort_unstable();
    case_ids.dedup();
    let case_ids = &case_ids[..];
    let mut e = FieldErrors::new();
    if case_ids.is_empty() {
        e.add("cases", "error-select-cases");
    }
    let to: Option<i64> = match to.trim() {
        "" => {
            e.add("reassign_to", "error-required");
            None
        }
        t => t.parse().ok().or_else(|| {
            e.add("reassign_to", "error-choice");
            None
        }),
    };
    let note = e.take("handover_note", parse_text_req(note, 4000));
    e.into_result()?;
    let (Some(to), Some(note)) = (to, note) else {
        return Err(Error::field("form", "error-form"));
    };
    let mut tx = db.begin().await?;
    // Every case is checked before any changes, so that a refusal (whose audit entry is kept, see
    // `access::in_tx`) leaves all cases as they were.
    let mut checked = Vec::new();
    for id in case_ids {
        let ev = Event::on("case_reassigned", "case", *id);
        let check = access::case_for(&tx, ctx, *id, Action::ReassignCase, ev.clone()).await;
        let (kept, (c, _)) = access::in_tx(tx, check).await?;
        tx = kept;
        checked.push((c, ev));
    }
    // Never to oneself alone: a team lead taking a case would read its client unnoticed. They ask,
    // and a second person confirms.
    if to == ctx.actor.staff_id {
        if !ctx.actor.has(Role::Im) {
            return Err(Error::field("reassign_to", "error-choice"));
        }
        let sealing = Sealing::begin(&tx, sealer).await?;
        let mut n = 0;
        for (c, _) in &checked {
            if c.assigned_to == to || takeover_pending(&tx, c.id).await? {
                continue;
            }
            duties::request(
                &tx,
                ctx,
                duties::KIND_CASE_TAKEOVER,
                c.organisation_id,
                to,
                Some(c.id),
                Some((&sealing, note.as_str())),
            )
            .await?;
            audit::record(&tx, ctx, Event::on("case_takeover_requested", "case", c.id)).await?;
            n += 1;
        }
        tx.commit().await?;
        return Ok(Reassigned::AwaitingConfirmation(n));
    }
    // Only to an IM of the lead's own team (the team whose cases they may reassign).
    if !reassign_targets(&tx, ctx)
        .await?
        .iter()
        .any(|(id, _)| *id == to)
    {
        return Err(Error::field("reassign_to", "error-choice"));
    }
    let sealing = Sealing::begin(&tx, sealer).await?;
    let mut n = 0;
    for (c, ev) in checked {
        if hand_over(&tx, ctx, &sealing, &c, to, &note, None).await? {
            audit::record(&tx, ctx, ev).await?;
            n += 1;
        }
    }
    tx.commit().await?;
    Ok(Reassigned::Done(n))
}

/// Is a team lead's request to take this case waiting for confirmation?
async fn takeover_pending<C: ConnectionTrait>(conn: &C, case_id: i64) -> Result<bool> {
    Ok(confirmation::Entity::find()
        .filter(confirmation::Column::Kind.eq(duties::KIND_CASE_TAKEOVER))
        .filter(confirmation::Column::CaseId.eq(case_id))
        .filter(confirmation::Column::DecidedAt.is_null())
        .one(conn)
        .await?
        .is_some())
}

/// Hands one case to `to` (unless it is already theirs): the note, the assignment history, the
/// case's history, and a notice on the previous IM's start page (`asked_by`: the team lead whose
/// request the actor confirmed). Returns whether it changed hands.
async fn hand_over<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    sealing: &Sealing<'_>,
    c: &case::Model,
    to: i64,
    note: &str,
    asked_by: Option<i64>,
) -> Result<bool> {
    if c.assigned_to == to {
        return Ok(false);
    }
    let today = ctx.today();
    let sealed = sealing.seal(CASE_HANDOVER_NOTE.at_version(c.id, c.version + 1), note)?;
    let mut upd = case::Entity::update_many();
    for (col, v) in resealed_columns(sealing, c, &[case::Column::HandoverNoteSealed])? {
        upd = upd.col_expr(col, Expr::value(v));
    }
    let res = upd
        .col_expr(case::Column::AssignedTo, Expr::value(to))
        .col_expr(case::Column::HandoverNoteSealed, Expr::value(sealed))
        .col_expr(case::Column::HandoverFrom, Expr::value(c.assigned_to))
        .col_expr(case::Column::HandoverAt, Expr::value(ctx.now()))
        .col_expr(case::Column::HandoverSeen, Expr::value(false))
        .col_expr(case::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(case::Column::Version, Expr::value(c.version + 1))
        .filter(case::Column::Id.eq(c.id))
        .filter(case::Column::Version.eq(c.version))
        .exec(conn)
        .await?;
    expect_updated(conn, res.rows_affected, case::Entity::find_by_id(c.id)).await?;
    // The new IM no longer needs a share.
    case_share::Entity::delete_many()
        .filter(case_share::Column::CaseId.eq(c.id))
        .filter(case_share::Column::StaffId.eq(to))
        .exec(conn)
        .await?;
    case_assignment::Entity::insert(case_assignment::ActiveModel {
        id: NotSet,
        case_id: Set(c.id),
        staff_id: Set(to),
        from_date: Set(today),
    })
    .exec_without_returning(conn)
    .await?;
    event(
        conn,
        ctx,
        c.id,
        "reassigned",
        today,
        Some((sealing, note)),
        None,
        Some(to),
    )
    .await?;
    if c.assigned_to != ctx.actor.staff_id {
        duties::notify(
            conn,
            ctx,
            c.assigned_to,
            duties::NOTICE_CASE_REASSIGNED,
            Some(c.id),
            asked_by,
        )
        .await?;
    }
    Ok(true)
}

/// Decides a team lead's request to take a case themself (the second person: another team lead
/// or an administrator of the organisation, never the lead). Confirmed, the case is handed to the
/// lead if they still may hold it (an active IM of the case's organisation), with their reason as
/// the handover note.
pub async fn decide_takeover(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    id: i64,
    confirm: bool,
) -> Result<()> {
    let tx = db.begin().await?;
    let checked =
        duties::open_for_decision(&tx, ctx, id, Event::new("case_takeover_decided")).await;
    let (tx, r) = access::in_tx(tx, checked).await?;
    let (Some(case_id), duties::KIND_CASE_TAKEOVER) = (r.case_id, r.kind.as_str()) else {
        return Err(Error::NotFound);
    };
    duties::close(&tx, ctx, id, confirm).await?;
    let ev = Event::on("case_takeover_decided", "case", case_id);
    if !confirm {
        audit::record(&tx, ctx, ev.denied()).await?;
        tx.commit().await?;
        return Ok(());
    }
    let c = case::Entity::find_by_id(case_id)
        .one(&tx)
        .await?
        .ok_or(Error::NotFound)?;
    let lead = staff::Entity::find_by_id(r.staff_id)
        .one(&tx)
        .await?
        .ok_or(Error::NotFound)?;
    let is_im = staff_role::Entity::find()
        .filter(staff_role::Column::StaffId.eq(lead.id))
        .filter(staff_role::Column::Role.eq(Role::Im.as_str()))
        .one(&tx)
        .await?
        .is_some();
    if !(lead.active && is_im && lead.organisation_id == c.organisation_id) {
        return Err(Error::Conflict("error-takeover-not-possible"));
    }
    // The reason becomes the handover note; one that does not open stops the handover.
    let note = match duties::reason_of(sealer, &r) {
        Some(Opened::Text(t)) => t,
        Some(Opened::Unreadable) => return Err(Error::Conflict("error-sealed-unreadable")),
        None => String::new(),
    };
    let sealing = Sealing::begin(&tx, sealer).await?;
    hand_over(&tx, ctx, &sealing, &c, lead.id, &note, Some(lead.id)).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// What a handover summary holds for one person: only the categories the release covers, each
/// with the fields [`releases::fields_of`] assigns it (the name only under `Identity`).
#[derive(Clone, Debug)]
pub struct SummaryPerson {
    pub person_id: i64,
    pub disclosures: Vec<releases::Disclosure>,
}

impl SummaryPerson {
    /// The released name (Latin spelling, own script), if the identity is released.
    pub fn name(&self) -> Option<(&str, Option<&str>)> {
        self.disclosures
            .iter()
            .flat_map(|d| d.fields.iter())
            .find_map(|(_, v)| match v {
                releases::Released::Name { latin, original } => {
                    Some((latin.as_str(), original.as_deref()))
                }
                _ => None,
            })
    }
}

#[derive(Clone, Debug)]
pub struct HandoverSummary {
    pub case: case::Model,
    pub recipient: String,
    pub persons: Vec<SummaryPerson>,
    pub prepared_by: String,
    pub organisation_name: String,
}

/// The summary offered to the organisation serving a client's new municipality. Only persons with
/// a release for that organisation appear, and only with the categories released.
pub async fn handover_summary(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    organisation_id: i64,
) -> Result<HandoverSummary> {
    audit::read(db, async |tx| {
        let ev = Event::on("handover_summary_created", "case", case_id);
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let today = ctx.today();
        let Some(org) = organisation::Entity::find_by_id(organisation_id)
            .one(tx)
            .await?
        else {
            return Err(Error::NotFound);
        };
        let lists = crate::administration::intake_catalog::IntakeCatalog::load(tx).await?;
        let mut persons = Vec::new();
        for p in persons_of(tx, case_id).await? {
            let mut cats = Vec::new();
            for cat in DataCategory::ALL {
                if releases::may_share(tx, p.id, *cat, &RecipientRef::Organisation(org.id), today)
                    .await?
                {
                    cats.push(*cat);
                }
            }
            if cats.contains(&DataCategory::CaseProgress) {
                persons.push(SummaryPerson {
                    person_id: p.id,
                    disclosures: cats
                        .iter()
                        .map(|cat| releases::disclose(*cat, &p, &c, &lists))
                        .filter(|d| !d.fields.is_empty())
                        .collect(),
                });
            }
        }
        if persons.is_empty() {
            return Err(Error::Conflict("error-no-release"));
        }
        for p in &persons {
            audit::record(
                tx,
                ctx,
                Event::on("handover_summary_created", "person", p.person_id).section("handover"),
            )
            .await?;
        }
        audit::record(tx, ctx, ev).await?;
        let organisation_name = organisation::Entity::find_by_id(c.organisation_id)
            .one(tx)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        Ok(HandoverSummary {
            case: c,
            recipient: org.name,
            persons,
            prepared_by: ctx.actor.display_name.clone(),
            organisation_name,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn case_from(start: NaiveDate) -> case::Model {
        case::Model {
            id: 1,
            case_number: "2024-00001".into(),
            organisation_id: 1,
            municipality_ags: "08990001".into(),
            assigned_to: 1,
            household_id: None,
            opened_on: start,
            clock_start: start,
            status: "active".into(),
            extended_until: None,
            extension_reason_sealed: None,
            extension_reason: None,
            eligibility_note_sealed: None,
            eligibility_note: None,
            closed_on: None,
            closure_reason: None,
            closure_note_sealed: None,
            closure_note: None,
            closure_snapshot: None,
            handover_note_sealed: None,
            handover_note: None,
            handover_from: None,
            handover_at: None,
            handover_seen: true,
            external_id: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            version: 1,
        }
    }

    #[test]
    fn the_clock_warns_at_30_months_and_ends_after_3_years() {
        let c = case_from(d(2024, 1, 15));
        let k = clock(&c, d(2026, 7, 14));
        assert_eq!(k.end, d(2027, 1, 15));
        assert_eq!(k.warn_from, d(2026, 7, 15));
        assert_eq!(k.max_end, d(2028, 1, 15));
        assert_eq!(k.state, ClockState::Running);
        assert_eq!(clock(&c, d(2026, 7, 15)).state, ClockState::Warning);
        assert_eq!(clock(&c, d(2027, 1, 15)).days_left, 0);
        assert_eq!(clock(&c, d(2027, 1, 16)).state, ClockState::Overdue);
        let mut ext = c.clone();
        ext.extended_until = Some(d(2027, 7, 31));
        let k = clock(&ext, d(2027, 1, 16));
        assert!(k.extended);
        assert_eq!(k.state, ClockState::Warning);
        assert_eq!(k.days_left, 196);
        let mut closed = c;
        closed.status = "closed".into();
        assert_eq!(clock(&closed, d(2030, 1, 1)).state, ClockState::Closed);
    }

    #[test]
    fn month_ends_do_not_overflow() {
        let c = case_from(d(2024, 8, 31));
        assert_eq!(clock(&c, d(2024, 9, 1)).warn_from, d(2027, 2, 28));
    }
}
