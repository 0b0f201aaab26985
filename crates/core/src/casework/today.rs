//! The working day: what an IM has to do today across their cases (follow-ups, plan steps, reviews,
//! contacts overdue, the 30-month mark, expiring releases and residence permits, withdrawn
//! consents), and for a team lead the same aggregated per team member, as counts only.
//!
//! Built for large caseloads: a constant number of queries per page, whatever the number of cases.
//! The actor's cases are one query that also brings each case's last contact, plan start, last
//! review and review interval (correlated subqueries over indexes); then, by the ids it returned,
//! the cases' persons and their consents (two), the follow-ups and steps due (one), the persons'
//! names (one) and their expiring releases and withdrawn consents (one); shares only for cases
//! that have any. The view is one read of client data and is audited once (`day_view_viewed`) in
//! the same transaction.
//!
//! What the persons' consents do not cover is not listed (decision 0012): a residence permit's
//! expiry is intake data, a release's expiry is sharing, the steps and reviews are the plan (which
//! follows the consent of the case's client). Withdrawn consents are proof and always listed.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::entities::{
    case, case_person, consent, followup, goal, person, referral, release, staff, staff_role, step,
};
use ankommen_store::{Db, Opened, Tx};
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, Query, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

use crate::administration::settings::WorkRules;
use crate::casework::cases::{self, ClockState};
use crate::casework::schedule;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{AppointmentStatus, GoalStatus, ReferralResult};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::query;
use crate::kernel::sealed::{self, FOLLOWUP_REASON, Place, STEP_TEXT};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::Role;
use crate::records::consent::{Coverage, Data, coverages};
use crate::{Ctx, Result};

/// Steps are listed this many days before they are due.
pub const STEP_LOOKAHEAD_DAYS: i64 = 7;
/// Withdrawn consents are listed for this many days after the withdrawal.
pub const CONSENT_WITHDRAWN_DAYS: i64 = 30;

/// The kinds of items, in the order the page shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Followup,
    Step,
    Review,
    Contact,
    Clock,
    Release,
    Residence,
    ConsentWithdrawn,
    /// Referrals still pending after the configured days (issue 23).
    Referral,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Followup,
        Kind::Step,
        Kind::Review,
        Kind::Contact,
        Kind::Clock,
        Kind::Release,
        Kind::Residence,
        Kind::ConsentWithdrawn,
        Kind::Referral,
    ];

    /// A stable key (message ids `day-<key>-...`, element ids).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Followup => "followups",
            Kind::Step => "steps",
            Kind::Review => "reviews",
            Kind::Contact => "contacts",
            Kind::Clock => "clock",
            Kind::Release => "releases",
            Kind::Residence => "residence",
            Kind::ConsentWithdrawn => "consent",
            Kind::Referral => "referrals",
        }
    }
}

/// One thing to do, about one client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    pub case_id: i64,
    /// The person the item is about (releases, residence permits, consents), else the case's
    /// first person.
    pub person_id: Option<i64>,
    /// The client's name (Latin spelling).
    pub client: String,
    /// The relevant date: due on, expires on, the end of the 3 years, withdrawn on.
    pub date: NaiveDate,
    pub overdue: bool,
    /// A short text shown with the item: the follow-up's reason, the step (both opened from
    /// their sealed columns), the release's recipient.
    pub detail: Option<Opened>,
    pub last_contact: Option<NaiveDate>,
    /// For a contact overdue: the day of the last appointment recorded as missed after the last
    /// contact (a missed appointment is no contact, but the IM tried; decision 0034).
    pub missed: Option<NaiveDate>,
    /// Where to act.
    pub href: String,
}

/// The items of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub kind: Kind,
    pub items: Vec<Item>,
}

impl Section {
    pub fn overdue(&self) -> usize {
        self.items.iter().filter(|i| i.overdue).count()
    }
}

/// One team member's counts (no client names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberCounts {
    pub staff_id: i64,
    pub display_name: String,
    pub active_cases: usize,
    pub followups_overdue: usize,
    pub steps_overdue: usize,
    pub reviews_due: usize,
    pub contact_overdue: usize,
    pub clock_30_months: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayView {
    pub today: NaiveDate,
    pub rules: WorkRules,
    /// The IM's own items, one section per kind (empty sections included); None when the actor
    /// has no caseload of their own (a team lead who is not an IM).
    pub sections: Option<Vec<Section>>,
    /// The team lead's view: one row per IM of the team.
    pub team: Option<Vec<MemberCounts>>,
}

/// One not-closed case in the actor's scope, with the few facts the day view derives its items
/// from; the per-case facts come from correlated subqueries that each read one index entry or a
/// handful (contacts by (case, date), goals, reviews, the plan), so no id lists travel back and
/// forth and no whole rows are loaded.
#[derive(Clone, Debug, FromQueryResult)]
struct CaseRow {
    id: i64,
    organisation_id: i64,
    municipality_ags: String,
    assigned_to: i64,
    status: String,
    opened_on: NaiveDate,
    clock_start: NaiveDate,
    extended_until: Option<NaiveDate>,
    holder_team: Option<i64>,
    last_contact: Option<NaiveDate>,
    last_missed: Option<NaiveDate>,
    plan_start: Option<NaiveDate>,
    last_review: Option<NaiveDate>,
    review_interval: Option<i32>,
    /// Whether the case is shared with anyone (the shares are read only then).
    shared: bool,
}

/// A follow-up's reason or a step's text as read: opened only where it is shown (the IM's own
/// items; the team lead's counts need the dates alone).
#[derive(Clone, Debug)]
struct Due {
    place: Place,
    sealed: Vec<u8>,
}

/// What the data of one case says is due (computed without further queries).
#[derive(Clone, Debug, Default)]
struct CaseFacts {
    followups: Vec<(NaiveDate, Due)>,
    steps: Vec<(NaiveDate, Due)>,
    review_due: Option<NaiveDate>,
    contact_due: Option<NaiveDate>,
    last_contact: Option<NaiveDate>,
    /// The last missed appointment after the last contact.
    missed: Option<NaiveDate>,
    clock: Option<(ClockState, NaiveDate)>,
}

/// The day view of the actor. IMs see their own cases' items (cases assigned to or shared with
/// them); team leads see counts per IM of their team. Other roles: None (nothing read, nothing
/// audited).
///
/// A constant number of queries whatever the caseload: the working rules and (for a lead) the
/// team's members, which are not client data, before the transaction; in it the cases with their
/// facts, their shares, follow-ups, steps, and for an IM the persons, releases and consents; then
/// the audit event. `rules`: the working rules, as [`WorkRules::load`] reads them (the start page reads
/// them with its other settings).
///
/// The reads, the policy's checks that decide what is read next, the items derived from them and
/// the audit event run in one `audit::read`, which hands out the day view only once its event is
/// durable (decision 0009); on SQLite it reads a reader's snapshot and does not hold the writer.
pub async fn for_actor(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    rules: WorkRules,
) -> Result<Option<DayView>> {
    let a = &ctx.actor;
    let is_im = a.has(Role::Im);
    let lead_team = a.team_id.filter(|_| a.has(Role::TeamLead));
    if !is_im && lead_team.is_none() {
        return Ok(None);
    }
    let today = ctx.today();
    let warn = Duration::days(i64::from(rules.expiry_warning_days));
    let members = match lead_team {
        Some(team) => Some(team_members(db.reader(), a.organisation_id, team).await?),
        None => None,
    };
    let backend = db.reader().get_database_backend();
    // Built before the transaction begins (it depends on the actor only).
    let cases_stmt = cases_query(ctx).build(backend);

    audit::read(db, async |tx| {
        let cases: Vec<CaseRow> = tx
            .query_all_raw(cases_stmt)
            .await?
            .iter()
            .map(|r| CaseRow::from_query_result(r, ""))
            .collect::<std::result::Result<_, _>>()?;
        // The later queries take ids (the scope is evaluated once).
        let shares = access::shares_of(tx, cases.iter().map(|c| (c.id, c.shared))).await?;
        let case_ref = |c: &CaseRow| {
            access::listed_case_ref(
                c.id,
                c.organisation_id,
                &c.municipality_ags,
                c.holder_team,
                c.assigned_to,
                &shares,
            )
        };
        // Own: the IM may read the client (assigned or shared). Team: the lead may list the case.
        let mut own: Vec<&CaseRow> = Vec::new();
        let mut team: Vec<&CaseRow> = Vec::new();
        for c in &cases {
            let res = Resource::Case(case_ref(c));
            if is_im
                && (c.assigned_to == a.staff_id || shares.contains(&(c.id, a.staff_id)))
                && ctx.allows(Action::ReadClient, &res)
            {
                own.push(c);
            }
            if lead_team.is_some() && ctx.allows(Action::ViewCaseList, &res) {
                team.push(c);
            }
        }

        // The persons of the cases the policy allowed, and what their consents cover.
        let wanted: BTreeSet<i64> = own.iter().chain(team.iter()).map(|c| c.id).collect();
        let (links, coverage) = persons_and_coverage(tx, &wanted, today).await?;
        // A case's plan follows the consent of its client, the first person.
        let mut client: BTreeMap<i64, i64> = BTreeMap::new();
        for (cid, pid) in &links {
            client
                .entry(*cid)
                .and_modify(|p| *p = Ord::min(*p, *pid))
                .or_insert(*pid);
        }
        let covers = |pid: i64, data: Data| {
            coverage
                .get(&pid)
                .copied()
                .unwrap_or(Coverage::NONE)
                .covers(data)
        };
        let plan_covered: BTreeSet<i64> = client
            .iter()
            .filter(|(_, pid)| covers(**pid, Data::Plan))
            .map(|(cid, _)| *cid)
            .collect();
        // Follow-ups and steps due, for the cases the policy allowed (steps only of plans the
        // consent covers): (kind, case, due on, reason or step).
        type DueRow = (String, i64, NaiveDate, i64, i32, Vec<u8>);
        let due_rows: Vec<DueRow> = query::tuples(
            tx,
            backend.build(&due_query(backend, &wanted, &plan_covered, today)),
            &["kind", "case_id", "due_on", "id", "version", "sealed"],
        )
        .await?;
        let own_rows = if is_im {
            let own_ids: BTreeSet<i64> = own.iter().map(|c| c.id).collect();
            let own_links = links
                .iter()
                .filter(|(c, _)| own_ids.contains(c))
                .copied()
                .collect();
            let pending_before = today - Duration::days(i64::from(rules.referral_pending_days));
            Some(read_own(tx, own_links, &covers, today, warn, pending_before).await?)
        } else {
            None
        };

        // What is due, derived from what was read.
        let mut followups: Vec<(i64, NaiveDate, Due)> = Vec::new();
        let mut steps: Vec<(i64, NaiveDate, Due)> = Vec::new();
        for (kind, case_id, due_on, id, version, sealed) in due_rows {
            if kind == Kind::Step.as_str() {
                let place = STEP_TEXT.at_version(id, version);
                steps.push((case_id, due_on, Due { place, sealed }));
            } else {
                let place = FOLLOWUP_REASON.at_version(id, version);
                followups.push((case_id, due_on, Due { place, sealed }));
            }
        }
        followups.sort_by_key(|f| (f.1, f.0));
        steps.sort_by_key(|s| (s.1, s.0));

        let facts = |c: &CaseRow| -> CaseFacts {
            let interval = c
                .review_interval
                .and_then(|m| u32::try_from(m).ok())
                .filter(|m| *m > 0)
                .unwrap_or(rules.review_interval_months);
            let k = cases::clock_of(&c.status, c.clock_start, c.extended_until, today);
            CaseFacts {
                followups: followups
                    .iter()
                    .filter(|(cid, _, _)| *cid == c.id)
                    .map(|(_, d, r)| (*d, r.clone()))
                    .collect(),
                steps: steps
                    .iter()
                    .filter(|(cid, _, _)| *cid == c.id)
                    .map(|(_, d, t)| (*d, t.clone()))
                    .collect(),
                review_due: schedule::next_review_due(c.plan_start, c.last_review, interval)
                    .filter(|d| *d <= today + warn && plan_covered.contains(&c.id)),
                contact_due: (c.status == "active")
                    .then(|| schedule::next_contact_due(c.opened_on, c.last_contact, &rules))
                    .filter(|d| *d < today),
                last_contact: c.last_contact,
                missed: c
                    .last_missed
                    .filter(|m| c.last_contact.is_none_or(|l| *m > l)),
                clock: matches!(k.state, ClockState::Warning | ClockState::Overdue)
                    .then_some((k.state, k.end)),
            }
        };

        // The team lead's counts per IM of the team.
        let team_rows = members.map(|members| {
            let mut rows: Vec<MemberCounts> = members
                .into_iter()
                .map(|(staff_id, display_name)| MemberCounts {
                    staff_id,
                    display_name,
                    ..MemberCounts::default()
                })
                .collect();
            for c in &team {
                let Some(r) = rows.iter_mut().find(|r| r.staff_id == c.assigned_to) else {
                    continue;
                };
                let f = facts(c);
                if c.status == "active" {
                    r.active_cases += 1;
                }
                r.followups_overdue += f.followups.iter().filter(|(d, _)| *d < today).count();
                r.steps_overdue += f.steps.iter().filter(|(d, _)| *d < today).count();
                r.reviews_due += usize::from(f.review_due.is_some());
                r.contact_overdue += usize::from(f.contact_due.is_some());
                r.clock_30_months += usize::from(f.clock.is_some());
            }
            rows
        });

        let sections = own_rows.map(|rows| own_sections(sealer, &own, &facts, rows, today, warn));
        // The page names the clients of its items: each is recorded as seen.
        let seen = sections
            .iter()
            .flatten()
            .flat_map(|s| &s.items)
            .filter_map(|i| {
                i.person_id.map(|person_id| audit::Seen {
                    person_id,
                    case_id: Some(i.case_id),
                })
            });
        audit::record_seen(tx, ctx, Event::new("day_view_viewed"), seen).await?;
        Ok(Some(DayView {
            today,
            rules,
            sections,
            team: team_rows,
        }))
    })
    .await
}

/// The not-closed cases the actor may list (for a team lead, their team's too), each with the
/// facts of [`CaseRow`].
fn cases_query(ctx: &Ctx) -> sea_orm::Select<case::Entity> {
    case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .column(case::Column::OrganisationId)
        .column(case::Column::MunicipalityAgs)
        .column(case::Column::AssignedTo)
        .column(case::Column::Status)
        .column(case::Column::OpenedOn)
        .column(case::Column::ClockStart)
        .column(case::Column::ExtendedUntil)
        .column_as(access::holder_team(), "holder_team")
        .column_as(
            Expr::cust(
                "(SELECT MAX(contact_date) FROM contacts WHERE contacts.case_id = cases.id)",
            ),
            "last_contact",
        )
        .column_as(
            Expr::cust(format!(
                "(SELECT MAX(appointment_date) FROM appointments \
                 WHERE appointments.case_id = cases.id AND appointments.status = '{}')",
                AppointmentStatus::Missed.as_str()
            )),
            "last_missed",
        )
        .column_as(
            Expr::cust("(SELECT MIN(created_on) FROM goals WHERE goals.case_id = cases.id)"),
            "plan_start",
        )
        .column_as(
            Expr::cust("(SELECT MAX(held_on) FROM reviews WHERE reviews.case_id = cases.id)"),
            "last_review",
        )
        .column_as(
            Expr::cust("(SELECT review_interval_months FROM plans WHERE plans.case_id = cases.id)"),
            "review_interval",
        )
        .column_as(access::is_shared(), "shared")
        .filter(case::Column::Id.in_subquery(access::listable_cases(ctx, true)))
}

/// The open follow-ups due by today of the cases `ids`, and the open steps (of goals still
/// pursued) due within [`STEP_LOOKAHEAD_DAYS`] of the cases `plan_ids`, as (kind, case_id,
/// due_on, text).
fn due_query(
    backend: sea_orm::DbBackend,
    ids: &BTreeSet<i64>,
    plan_ids: &BTreeSet<i64>,
    today: NaiveDate,
) -> sea_orm::sea_query::SelectStatement {
    let closed_goal: Vec<&str> = GoalStatus::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| s.as_str())
        .collect();
    Query::select()
        .expr_as(Expr::val(Kind::Followup.as_str()), "kind")
        .expr_as(Expr::col(followup::Column::CaseId), "case_id")
        .expr_as(Expr::col(followup::Column::DueOn), "due_on")
        .expr_as(Expr::col(followup::Column::Id), "id")
        .expr_as(Expr::col(followup::Column::Version), "version")
        .expr_as(Expr::col(followup::Column::ReasonSealed), "sealed")
        .from(followup::Entity)
        .and_where(query::one_of(
            backend,
            followup::Column::CaseId,
            ids.iter().copied(),
        ))
        .and_where(followup::Column::DoneOn.is_null())
        .and_where(followup::Column::DueOn.lte(today))
        .union(
            UnionType::All,
            Query::select()
                .expr(Expr::val(Kind::Step.as_str()))
                .column(step::Column::CaseId)
                .column(step::Column::DueOn)
                .column(step::Column::Id)
                .column(step::Column::Version)
                .column(step::Column::TextSealed)
                .from(step::Entity)
                .and_where(query::one_of(
                    backend,
                    step::Column::CaseId,
                    plan_ids.iter().copied(),
                ))
                .and_where(step::Column::DoneOn.is_null())
                .and_where(step::Column::DueOn.lte(today + Duration::days(STEP_LOOKAHEAD_DAYS)))
                // Steps of goals that were reached, not reached or dropped are not to be done any
                // more.
                .and_where(Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from(goal::Entity)
                        .and_where(
                            Expr::col((goal::Entity, goal::Column::Id))
                                .equals((step::Entity, step::Column::GoalId)),
                        )
                        .and_where(
                            Expr::col((goal::Entity, goal::Column::Status)).is_not_in(closed_goal),
                        )
                        .to_owned(),
                ))
                .to_owned(),
        )
        .to_owned()
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

/// A person of the IM's own cases, as the day view shows them.
#[derive(Clone, Debug)]
struct PersonRow {
    case_id: i64,
    person_id: i64,
    given_name: String,
    family_name: String,
    residence_valid_until: Option<NaiveDate>,
}

impl PersonRow {
    fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// What the IM's items need beyond the cases: their persons and the persons' expiring releases
/// and withdrawn consents.
struct OwnRows {
    /// (case, person) of the own cases, by person, then case.
    links: Vec<(i64, i64)>,
    /// (id, given name, family name, residence permit valid until).
    persons: Vec<(i64, String, String, Option<NaiveDate>)>,
    /// (kind, person, date, recipient): releases expiring soon and consents withdrawn recently.
    events: Vec<(String, i64, NaiveDate, Option<String>)>,
    /// (case, referred on, service): referrals still pending after the configured days.
    referrals: Vec<(i64, NaiveDate, String)>,
}

/// The (case, person) links of the cases `ids`, by person, then case, and the coverage of every
/// linked person's consent on `today`: two queries.
async fn persons_and_coverage(
    tx: &Tx,
    ids: &BTreeSet<i64>,
    today: NaiveDate,
) -> Result<(Vec<(i64, i64)>, BTreeMap<i64, Coverage>)> {
    let backend = tx.get_database_backend();
    // The links, then the persons by id: index lookups (as one join, PostgreSQL's planner
    // prefers scanning all persons).
    let sel = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::CaseId)
        .column(case_person::Column::PersonId)
        .filter(query::one_of(
            backend,
            case_person::Column::CaseId,
            ids.iter().copied(),
        ))
        .order_by_asc(case_person::Column::PersonId)
        .order_by_asc(case_person::Column::CaseId);
    let links: Vec<(i64, i64)> =
        query::tuples(tx, sel.build(backend), &["case_id", "person_id"]).await?;
    let coverage = coverages(tx, links.iter().map(|(_, p)| *p), today).await?;
    Ok((links, coverage))
}

/// Reads [`OwnRows`] for the `links` of the policy-checked own cases: two queries (the persons'
/// names, and their releases and consents), by the ids of the persons. What the persons'
/// consents do not `cover` is left out: a residence permit's expiry without intake, a release's
/// without sharing.
async fn read_own(
    tx: &Tx,
    links: Vec<(i64, i64)>,
    cover: &impl Fn(i64, Data) -> bool,
    today: NaiveDate,
    warn: Duration,
    pending_before: NaiveDate,
) -> Result<OwnRows> {
    let backend = tx.get_database_backend();
    let case_ids: BTreeSet<i64> = links.iter().map(|(c, _)| *c).collect();
    let sel = referral::Entity::find()
        .select_only()
        .column(referral::Column::CaseId)
        .column(referral::Column::ReferralDate)
        .column(referral::Column::ServiceName)
        .filter(query::one_of(backend, referral::Column::CaseId, case_ids))
        .filter(
            sea_orm::Condition::any()
                .add(referral::Column::Result.is_null())
                .add(referral::Column::Result.eq(ReferralResult::Pending.as_str())),
        )
        .filter(referral::Column::ReferralDate.lt(pending_before))
        .order_by_asc(referral::Column::ReferralDate);
    let referrals: Vec<(i64, NaiveDate, String)> = query::tuples(
        tx,
        sel.build(backend),
        &["case_id", "referral_date", "service_name"],
    )
    .await?;
    let person_ids: BTreeSet<i64> = links.iter().map(|(_, p)| *p).collect();
    let sel = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::GivenName)
        .column(person::Column::FamilyName)
        .column(person::Column::ResidenceValidUntil)
        .filter(query::one_of(
            backend,
            person::Column::Id,
            person_ids.iter().copied(),
        ));
    let persons: Vec<(i64, String, String, Option<NaiveDate>)> = query::tuples(
        tx,
        sel.build(backend),
        &["id", "given_name", "family_name", "residence_valid_until"],
    )
    .await?;
    let persons = persons
        .into_iter()
        .map(|(id, given, family, until)| {
            (id, given, family, until.filter(|_| cover(id, Data::Intake)))
        })
        .collect();
    // Releases expiring soon, and consents withdrawn recently where that consent is the person's
    // latest (no newer consent given since), in one query.
    let person_events = Query::select()
        .expr_as(Expr::val(Kind::Release.as_str()), "kind")
        .expr_as(Expr::col(release::Column::PersonId), "person_id")
        .expr_as(Expr::col(release::Column::ValidUntil), "on_date")
        .expr_as(Expr::col(release::Column::RecipientName), "detail")
        .from(release::Entity)
        .and_where(query::one_of(
            backend,
            release::Column::PersonId,
            person_ids.iter().copied(),
        ))
        .and_where(release::Column::RevokedOn.is_null())
        .and_where(release::Column::ValidFrom.lte(today))
        .and_where(release::Column::ValidUntil.gte(today))
        .and_where(release::Column::ValidUntil.lte(today + warn))
        .union(
            UnionType::All,
            Query::select()
                .expr(Expr::val(Kind::ConsentWithdrawn.as_str()))
                .column(consent::Column::PersonId)
                .column(consent::Column::WithdrawnOn)
                .expr(Expr::cust("NULL"))
                .from(consent::Entity)
                .and_where(query::one_of(
                    backend,
                    consent::Column::PersonId,
                    person_ids,
                ))
                .and_where(consent::Column::WithdrawnOn.lte(today))
                .and_where(
                    consent::Column::WithdrawnOn
                        .gte(today - Duration::days(CONSENT_WITHDRAWN_DAYS)),
                )
                .and_where(Expr::cust(
                    "NOT EXISTS (SELECT 1 FROM consents newer \
                     WHERE newer.person_id = consents.person_id AND newer.id > consents.id)",
                ))
                .to_owned(),
        )
        .to_owned();
    let events: Vec<(String, i64, NaiveDate, Option<String>)> = query::tuples(
        tx,
        backend.build(&person_events),
        &["kind", "person_id", "on_date", "detail"],
    )
    .await?;
    let events = events
        .into_iter()
        .filter(|(kind, pid, _, _)| kind != Kind::Release.as_str() || cover(*pid, Data::Sharing))
        .collect();
    Ok(OwnRows {
        links,
        persons,
        events,
        referrals,
    })
}

/// The IM's items, with client names, from the `own` cases, their facts and [`OwnRows`].
fn own_sections(
    sealer: &Sealer,
    own: &[&CaseRow],
    facts: &impl Fn(&CaseRow) -> CaseFacts,
    rows: OwnRows,
    today: NaiveDate,
    warn: Duration,
) -> Vec<Section> {
    let OwnRows {
        links,
        persons: person_rows,
        events,
        referrals,
    } = rows;
    // A person's case (for sorting and the case id of person items): the first own case.
    let mut case_of: BTreeMap<i64, i64> = BTreeMap::new();
    for (cid, pid) in &links {
        case_of.entry(*pid).or_insert(*cid);
    }
    let persons: BTreeMap<i64, PersonRow> = person_rows
        .into_iter()
        .map(|(id, given_name, family_name, residence_valid_until)| {
            (
                id,
                PersonRow {
                    case_id: case_of.get(&id).copied().unwrap_or_default(),
                    person_id: id,
                    given_name,
                    family_name,
                    residence_valid_until,
                },
            )
        })
        .collect();
    // A case's client: its first person.
    let mut first: BTreeMap<i64, &PersonRow> = BTreeMap::new();
    for (cid, pid) in &links {
        if let Some(p) = persons.get(pid) {
            first.entry(*cid).or_insert(p);
        }
    }

    let mut items: Vec<Item> = Vec::new();
    for c in own {
        let f = facts(c);
        let (pid, name) = first
            .get(&c.id)
            .map(|p| (Some(p.person_id), p.name()))
            .unwrap_or((None, String::new()));
        let item = |kind, date, overdue, detail, href: String| Item {
            kind,
            case_id: c.id,
            person_id: pid,
            client: name.clone(),
            date,
            overdue,
            detail,
            last_contact: f.last_contact,
            missed: None,
            href,
        };
        for (d, due) in &f.followups {
            items.push(item(
                Kind::Followup,
                *d,
                *d < today,
                Some(sealed::open(sealer, due.place, &due.sealed)),
                format!("/cases/{}", c.id),
            ));
        }
        for (d, due) in &f.steps {
            items.push(item(
                Kind::Step,
                *d,
                *d < today,
                Some(sealed::open(sealer, due.place, &due.sealed)),
                format!("/cases/{}/plan", c.id),
            ));
        }
        if let Some(d) = f.review_due {
            items.push(item(
                Kind::Review,
                d,
                d < today,
                None,
                format!("/cases/{}/plan/review", c.id),
            ));
        }
        if let Some(d) = f.contact_due {
            items.push(Item {
                missed: f.missed,
                ..item(
                    Kind::Contact,
                    d,
                    true,
                    None,
                    format!("/cases/{}/contacts/new", c.id),
                )
            });
        }
        if let Some((state, end)) = f.clock {
            items.push(item(
                Kind::Clock,
                end,
                state == ClockState::Overdue,
                None,
                format!("/cases/{}", c.id),
            ));
        }
        for (_, on, service) in referrals.iter().filter(|(cid, _, _)| *cid == c.id) {
            items.push(item(
                Kind::Referral,
                *on,
                true,
                Some(Opened::Text(service.clone())),
                format!("/cases/{}#referrals", c.id),
            ));
        }
    }

    // Person items: residence permits, releases and consents of the people of the own cases.
    let person_item = |kind, pid: i64, date, overdue, detail| -> Option<Item> {
        let p = persons.get(&pid)?;
        Some(Item {
            kind,
            case_id: p.case_id,
            person_id: Some(pid),
            client: p.name(),
            date,
            overdue,
            detail,
            last_contact: None,
            missed: None,
            href: format!("/clients/{pid}"),
        })
    };
    for p in persons.values() {
        if let Some(d) = p.residence_valid_until.filter(|d| *d <= today + warn) {
            items.extend(person_item(
                Kind::Residence,
                p.person_id,
                d,
                d < today,
                None,
            ));
        }
    }
    for (kind, pid, d, recipient) in events {
        if kind == Kind::Release.as_str() {
            let recipient = recipient.map(Opened::Text);
            items.extend(person_item(Kind::Release, pid, d, false, recipient));
        } else {
            items.extend(person_item(Kind::ConsentWithdrawn, pid, d, false, None));
        }
    }

    let mut sections: Vec<Section> = Kind::ALL
        .iter()
        .map(|k| Section {
            kind: *k,
            items: Vec::new(),
        })
        .collect();
    for i in items {
        if let Some(s) = sections.iter_mut().find(|s| s.kind == i.kind) {
            s.items.push(i);
        }
    }
    for s in &mut sections {
        // Overdue first, then by date, then by name.
        s.items.sort_by(|x, y| {
            (!x.overdue, x.date, &x.client, x.case_id)
                .cmp(&(!y.overdue, y.date, &y.client, y.case_id))
        });
    }
    sections
}
