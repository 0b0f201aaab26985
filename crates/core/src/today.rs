//! The working day: what an IM has to do today across their cases (follow-ups, plan steps, reviews,
//! contacts overdue, the 30-month mark, expiring releases and residence permits, withdrawn
//! consents), and for a team lead the same aggregated per team member, as counts only.
//!
//! Built for large caseloads: a constant number of queries per page, whatever the number of cases
//! (the case ids first, then one grouped query per kind of data, the rest computed here). The view
//! is one read of client data and is audited once (`day_view_viewed`) in the same transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ankommen_store::Db;
use ankommen_store::entities::{
    case, case_person, case_share, consent, contact, followup, goal, person, plan, release, review,
    setting, staff, staff_role, step,
};
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::access;
use crate::audit::{self, Event};
use crate::cases::{self, ClockState};
use crate::catalog::GoalStatus;
use crate::policy::{Action, CaseRef, Resource};
use crate::schedule;
use crate::settings::WorkRules;
use crate::types::Role;
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
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Followup,
        Kind::Step,
        Kind::Review,
        Kind::Contact,
        Kind::Clock,
        Kind::Release,
        Kind::Residence,
        Kind::ConsentWithdrawn,
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
    /// A short text shown with the item: the follow-up's reason, the step, the release's
    /// recipient; for missing contacts the last contact's date.
    pub detail: Option<String>,
    pub last_contact: Option<NaiveDate>,
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

/// The working rules in one query (missing or unreadable values: the defaults).
pub async fn load_rules<C: ConnectionTrait>(conn: &C) -> Result<WorkRules> {
    let keys: Vec<&str> = WorkRules::LIMITS.iter().map(|(k, _, _)| *k).collect();
    let stored: Vec<(String, String)> = setting::Entity::find()
        .select_only()
        .column(setting::Column::Key)
        .column(setting::Column::Value)
        .filter(setting::Column::Key.is_in(keys))
        .into_tuple()
        .all(conn)
        .await?;
    let defaults = WorkRules::default();
    let values: Vec<(&str, String)> = WorkRules::LIMITS
        .iter()
        .map(|(key, min, max)| {
            let v = stored
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.trim().parse::<u32>().ok())
                .filter(|v| (*min..=*max).contains(v))
                .or_else(|| defaults.get(key))
                .unwrap_or(*min);
            (*key, v.to_string())
        })
        .collect();
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Ok(WorkRules::parse(&pairs).unwrap_or(defaults))
}

/// What the data of one case says is due (computed without further queries).
#[derive(Clone, Debug, Default)]
struct CaseFacts {
    followups: Vec<(NaiveDate, String)>,
    steps: Vec<(NaiveDate, String)>,
    review_due: Option<NaiveDate>,
    contact_due: Option<NaiveDate>,
    last_contact: Option<NaiveDate>,
    clock: Option<(ClockState, NaiveDate)>,
}

/// The day view of the actor. IMs see their own cases' items (cases assigned to or shared with
/// them); team leads see counts per IM of their team. Other roles: None (nothing read, nothing
/// audited).
pub async fn for_actor(db: &Db, ctx: &Ctx) -> Result<Option<DayView>> {
    let a = &ctx.actor;
    let is_im = a.has(Role::Im);
    let is_lead = a.has(Role::TeamLead) && a.team_id.is_some();
    if !is_im && !is_lead {
        return Ok(None);
    }
    let today = ctx.today();
    let tx = db.writer().begin().await?;
    let rules = load_rules(&tx).await?;
    let warn = Duration::days(i64::from(rules.expiry_warning_days));

    // The cases: listable, not closed, and the policy asked for each row.
    let ids = access::listable_case_ids(&tx, ctx).await?;
    let cases: Vec<case::Model> = case::Entity::find()
        .filter(case::Column::Id.is_in(ids.clone()))
        .filter(case::Column::Status.ne("closed"))
        .all(&tx)
        .await?;
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let shares: Vec<(i64, i64)> = case_share::Entity::find()
        .select_only()
        .column(case_share::Column::CaseId)
        .column(case_share::Column::StaffId)
        .filter(case_share::Column::CaseId.is_in(ids.clone()))
        .into_tuple()
        .all(&tx)
        .await?;
    let holders: BTreeSet<i64> = cases.iter().map(|c| c.assigned_to).collect();
    let holder_rows: Vec<(i64, Option<i64>, String)> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::TeamId)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::Id.is_in(holders))
        .into_tuple()
        .all(&tx)
        .await?;
    let team_of: HashMap<i64, Option<i64>> =
        holder_rows.iter().map(|(id, t, _)| (*id, *t)).collect();
    let case_ref = |c: &case::Model| CaseRef {
        organisation_id: c.organisation_id,
        municipality_ags: c.municipality_ags.clone(),
        team_id: team_of.get(&c.assigned_to).copied().flatten(),
        assigned_to: c.assigned_to,
        shared_with: shares
            .iter()
            .filter(|(cid, _)| *cid == c.id)
            .map(|(_, s)| *s)
            .collect(),
    };
    // Own: the IM may read the client (assigned or shared). Team: the lead may list the case.
    let mut own: Vec<&case::Model> = Vec::new();
    let mut team: Vec<&case::Model> = Vec::new();
    for c in &cases {
        let res = Resource::Case(case_ref(c));
        if is_im
            && (c.assigned_to == a.staff_id || shares.contains(&(c.id, a.staff_id)))
            && ctx.allows(Action::ReadClient, &res)
        {
            own.push(c);
        }
        if is_lead && ctx.allows(Action::ViewCaseList, &res) {
            team.push(c);
        }
    }
    let wanted: Vec<i64> = own
        .iter()
        .chain(team.iter())
        .map(|c| c.id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    // One grouped query per kind of data.
    let followups: Vec<(i64, NaiveDate, String)> = followup::Entity::find()
        .select_only()
        .column(followup::Column::CaseId)
        .column(followup::Column::DueOn)
        .column(followup::Column::Reason)
        .filter(followup::Column::CaseId.is_in(wanted.clone()))
        .filter(followup::Column::DoneOn.is_null())
        .filter(followup::Column::DueOn.lte(today))
        .order_by_asc(followup::Column::DueOn)
        .into_tuple()
        .all(&tx)
        .await?;
    let closed_goal: Vec<&str> = GoalStatus::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| s.as_str())
        .collect();
    let steps: Vec<(i64, NaiveDate, String)> = step::Entity::find()
        .select_only()
        .column(step::Column::CaseId)
        .column(step::Column::DueOn)
        .column(step::Column::Text)
        .filter(step::Column::CaseId.is_in(wanted.clone()))
        .filter(step::Column::DoneOn.is_null())
        .filter(step::Column::DueOn.lte(today + Duration::days(STEP_LOOKAHEAD_DAYS)))
        // Steps of goals that were reached, not reached or dropped are not to be done any more.
        .filter(
            step::Column::GoalId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(goal::Column::Id)
                    .from(goal::Entity)
                    .and_where(Expr::col(goal::Column::CaseId).is_in(wanted.clone()))
                    .and_where(Expr::col(goal::Column::Status).is_not_in(closed_goal))
                    .to_owned(),
            ),
        )
        .order_by_asc(step::Column::DueOn)
        .into_tuple()
        .all(&tx)
        .await?;
    let plan_start: HashMap<i64, Option<NaiveDate>> = goal::Entity::find()
        .select_only()
        .column(goal::Column::CaseId)
        .column_as(goal::Column::CreatedOn.min(), "first")
        .filter(goal::Column::CaseId.is_in(wanted.clone()))
        .group_by(goal::Column::CaseId)
        .into_tuple::<(i64, Option<NaiveDate>)>()
        .all(&tx)
        .await?
        .into_iter()
        .collect();
    let last_review: HashMap<i64, Option<NaiveDate>> = review::Entity::find()
        .select_only()
        .column(review::Column::CaseId)
        .column_as(review::Column::HeldOn.max(), "last")
        .filter(review::Column::CaseId.is_in(wanted.clone()))
        .group_by(review::Column::CaseId)
        .into_tuple::<(i64, Option<NaiveDate>)>()
        .all(&tx)
        .await?
        .into_iter()
        .collect();
    let intervals: HashMap<i64, Option<i32>> = plan::Entity::find()
        .select_only()
        .column(plan::Column::CaseId)
        .column(plan::Column::ReviewIntervalMonths)
        .filter(plan::Column::CaseId.is_in(wanted.clone()))
        .into_tuple::<(i64, Option<i32>)>()
        .all(&tx)
        .await?
        .into_iter()
        .collect();
    let last_contact: HashMap<i64, Option<NaiveDate>> = contact::Entity::find()
        .select_only()
        .column(contact::Column::CaseId)
        .column_as(contact::Column::ContactDate.max(), "last")
        .filter(contact::Column::CaseId.is_in(wanted.clone()))
        .group_by(contact::Column::CaseId)
        .into_tuple::<(i64, Option<NaiveDate>)>()
        .all(&tx)
        .await?
        .into_iter()
        .collect();

    let facts = |c: &case::Model| -> CaseFacts {
        let interval = intervals
            .get(&c.id)
            .copied()
            .flatten()
            .and_then(|m| u32::try_from(m).ok())
            .filter(|m| *m > 0)
            .unwrap_or(rules.review_interval_months);
        let last = last_contact.get(&c.id).copied().flatten();
        let k = cases::clock(c, today);
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
            review_due: schedule::next_review_due(
                plan_start.get(&c.id).copied().flatten(),
                last_review.get(&c.id).copied().flatten(),
                interval,
            )
            .filter(|d| *d <= today + warn),
            contact_due: (c.status == "active")
                .then(|| schedule::next_contact_due(c.opened_on, last, &rules))
                .filter(|d| *d < today),
            last_contact: last,
            clock: matches!(k.state, ClockState::Warning | ClockState::Overdue)
                .then_some((k.state, k.end)),
        }
    };

    // The team lead's counts per IM of the team.
    let team_rows = if is_lead {
        let team_id = a.team_id;
        let members: Vec<(i64, String)> = staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .column(staff::Column::DisplayName)
            .filter(staff::Column::TeamId.eq(team_id))
            .filter(staff::Column::OrganisationId.eq(a.organisation_id))
            .filter(staff::Column::Active.eq(true))
            .filter(
                staff::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(staff_role::Column::StaffId)
                        .from(staff_role::Entity)
                        .and_where(Expr::col(staff_role::Column::Role).eq(Role::Im.as_str()))
                        .to_owned(),
                ),
            )
            .order_by_asc(staff::Column::DisplayName)
            .into_tuple()
            .all(&tx)
            .await?;
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
        Some(rows)
    } else {
        None
    };

    let sections = if is_im {
        Some(own_sections(&tx, &own, &facts, today, warn).await?)
    } else {
        None
    };

    audit::record(&tx, ctx, Event::new("day_view_viewed")).await?;
    tx.commit().await?;
    Ok(Some(DayView {
        today,
        rules,
        sections,
        team: team_rows,
    }))
}

fn name_of(p: &(i64, String, String, Option<NaiveDate>)) -> String {
    format!("{} {}", p.1, p.2)
}

/// The IM's items, with client names: three more queries (persons, releases, consents).
async fn own_sections<C: ConnectionTrait>(
    conn: &C,
    own: &[&case::Model],
    facts: &impl Fn(&case::Model) -> CaseFacts,
    today: NaiveDate,
    warn: Duration,
) -> Result<Vec<Section>> {
    let ids: Vec<i64> = own.iter().map(|c| c.id).collect();
    let links: Vec<(i64, i64)> = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::CaseId)
        .column(case_person::Column::PersonId)
        .filter(case_person::Column::CaseId.is_in(ids))
        .order_by_asc(case_person::Column::PersonId)
        .into_tuple()
        .all(conn)
        .await?;
    let person_ids: Vec<i64> = links
        .iter()
        .map(|(_, p)| *p)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let persons: BTreeMap<i64, (i64, String, String, Option<NaiveDate>)> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::GivenName)
        .column(person::Column::FamilyName)
        .column(person::Column::ResidenceValidUntil)
        .filter(person::Column::Id.is_in(person_ids.clone()))
        .into_tuple::<(i64, String, String, Option<NaiveDate>)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.0, p))
        .collect();
    // A person's case (for sorting and the case id of person items): the first own case.
    let mut case_of: BTreeMap<i64, i64> = BTreeMap::new();
    let mut first: BTreeMap<i64, i64> = BTreeMap::new();
    for (cid, pid) in &links {
        case_of.entry(*pid).or_insert(*cid);
        first.entry(*cid).or_insert(*pid);
    }
    let client = |case_id: i64| -> (Option<i64>, String) {
        first
            .get(&case_id)
            .and_then(|pid| persons.get(pid))
            .map(|p| (Some(p.0), name_of(p)))
            .unwrap_or((None, String::new()))
    };

    let mut items: Vec<Item> = Vec::new();
    for c in own {
        let f = facts(c);
        let (pid, name) = client(c.id);
        let item = |kind, date, overdue, detail, href: String| Item {
            kind,
            case_id: c.id,
            person_id: pid,
            client: name.clone(),
            date,
            overdue,
            detail,
            last_contact: f.last_contact,
            href,
        };
        for (d, reason) in &f.followups {
            items.push(item(
                Kind::Followup,
                *d,
                *d < today,
                Some(reason.clone()),
                format!("/cases/{}", c.id),
            ));
        }
        for (d, text) in &f.steps {
            items.push(item(
                Kind::Step,
                *d,
                *d < today,
                Some(text.clone()),
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
            items.push(item(
                Kind::Contact,
                d,
                true,
                None,
                format!("/cases/{}/contacts/new", c.id),
            ));
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
    }

    // Person items: residence permits, releases and consents of the people of the own cases.
    let person_item = |kind, pid: i64, date, overdue, detail| -> Option<Item> {
        let p = persons.get(&pid)?;
        Some(Item {
            kind,
            case_id: case_of.get(&pid).copied().unwrap_or_default(),
            person_id: Some(pid),
            client: name_of(p),
            date,
            overdue,
            detail,
            last_contact: None,
            href: format!("/clients/{pid}"),
        })
    };
    for p in persons.values() {
        if let Some(d) = p.3.filter(|d| *d <= today + warn) {
            items.extend(person_item(Kind::Residence, p.0, d, d < today, None));
        }
    }
    let releases: Vec<(i64, NaiveDate, String)> = release::Entity::find()
        .select_only()
        .column(release::Column::PersonId)
        .column(release::Column::ValidUntil)
        .column(release::Column::RecipientName)
        .filter(release::Column::PersonId.is_in(person_ids.clone()))
        .filter(release::Column::RevokedOn.is_null())
        .filter(release::Column::ValidFrom.lte(today))
        .filter(release::Column::ValidUntil.gte(today))
        .filter(release::Column::ValidUntil.lte(today + warn))
        .into_tuple()
        .all(conn)
        .await?;
    for (pid, d, recipient) in releases {
        items.extend(person_item(Kind::Release, pid, d, false, Some(recipient)));
    }
    // Consents: the latest per person; withdrawn recently and no newer consent given since.
    let consents: Vec<(i64, NaiveDate, Option<NaiveDate>)> = consent::Entity::find()
        .select_only()
        .column(consent::Column::PersonId)
        .column(consent::Column::GivenOn)
        .column(consent::Column::WithdrawnOn)
        .filter(consent::Column::PersonId.is_in(person_ids))
        .order_by_asc(consent::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    let mut latest: BTreeMap<i64, Option<NaiveDate>> = BTreeMap::new();
    for (pid, _, withdrawn) in consents {
        latest.insert(pid, withdrawn);
    }
    for (pid, withdrawn) in latest {
        if let Some(d) = withdrawn
            .filter(|d| *d <= today && *d >= today - Duration::days(CONSENT_WITHDRAWN_DAYS))
        {
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
    Ok(sections)
}
