//! The plan of a case as a whole: reading it, the day its next review is due, its settings.

use std::collections::BTreeMap;

use ankommen_store::Db;
use ankommen_store::entities::{case, goal, person, plan, plan_version, review, step};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::forms::parse_interval;
use super::goals::{opened_goal, opened_step};
use super::snapshot::{SnapGoal, SnapStep, Snapshot};
use super::{PlanScope, begin, event, touch_plan};
use crate::administration::fields::{self, Field};
use crate::administration::settings::WorkRules;
use crate::casework::cases::{self, CaseClock};
use crate::casework::schedule;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{CaseStatus, GoalStatus};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, REVIEW_CHANGES, REVIEW_SUMMARY};
use crate::kernel::sealing::Sealer;
use crate::records::consent::Data;
use crate::{Ctx, Error, Result};

/// A step as the plan page shows it.
#[derive(Clone, Debug)]
pub struct StepView {
    pub step: step::Model,
    /// Due before today and not done.
    pub overdue: bool,
}

#[derive(Clone, Debug)]
pub struct GoalView {
    pub goal: goal::Model,
    pub steps: Vec<StepView>,
    /// The household member's name, for a goal of one person.
    pub person_name: Option<String>,
}

impl GoalView {
    pub fn is_open(&self) -> bool {
        !GoalStatus::parse(&self.goal.status).is_ok_and(GoalStatus::is_closed)
    }
}

/// A frozen version as listed.
#[derive(Clone, Debug)]
pub struct VersionRow {
    pub number: i32,
    pub frozen_on: NaiveDate,
    pub by_review: bool,
    pub signed: bool,
}

/// The plan of a case as its IM sees it. Without a consent of the client that covers the plan
/// ([`PlanScope`]) it holds no goals, reviews or versions (see [`PlanView::covered`]); goals
/// naming a member without consent are left out.
#[derive(Clone, Debug)]
pub struct PlanView {
    pub case: case::Model,
    pub clock: CaseClock,
    pub persons: Vec<person::Model>,
    /// Whose consent covers what of the plan.
    pub scope: PlanScope,
    /// Goals left out because they name a member whose consent does not cover them.
    pub withheld_goals: usize,
    pub plan: Option<plan::Model>,
    pub goals: Vec<GoalView>,
    pub reviews: Vec<review::Model>,
    pub versions: Vec<VersionRow>,
    /// The whole catalog (old goals keep their names) and the active fields (for new goals).
    pub fields: Vec<Field>,
    /// The interval in force and whether the plan sets its own.
    pub interval_months: u32,
    pub own_interval: Option<i32>,
    pub review_due: Option<NaiveDate>,
    pub today: NaiveDate,
}

impl PlanView {
    /// The version of the plan row a form carries (0 before the first goal).
    pub fn plan_version(&self) -> i32 {
        self.plan.as_ref().map_or(0, |p| p.version)
    }
    pub fn goal(&self, id: i64) -> Option<&GoalView> {
        self.goals.iter().find(|g| g.goal.id == id)
    }
    pub fn step(&self, id: i64) -> Option<(&GoalView, &StepView)> {
        self.goals
            .iter()
            .find_map(|g| g.steps.iter().find(|s| s.step.id == id).map(|s| (g, s)))
    }
    pub fn open_goals(&self) -> impl Iterator<Item = &GoalView> {
        self.goals.iter().filter(|g| g.is_open())
    }
    pub fn field_label(&self, key: &str, lang: &str) -> String {
        fields::label(&self.fields, key, lang).to_string()
    }
    pub fn is_closed(&self) -> bool {
        self.case.status == CaseStatus::Closed.as_str()
    }
    /// Whether the client's consent covers the plan (else nothing of it is shown or changed).
    pub fn covered(&self) -> bool {
        self.scope.covered()
    }
    /// Whether the plan may be changed: an open case, a consent that covers the plan.
    pub fn changeable(&self) -> bool {
        !self.is_closed() && self.covered()
    }
    /// The client (the case's first person), who signs the plan.
    pub fn client(&self) -> Option<&person::Model> {
        self.persons.first()
    }
    /// The persons a goal may name: those whose consent covers the plan.
    pub fn goal_persons(&self) -> impl Iterator<Item = &person::Model> {
        self.persons.iter().filter(|p| self.scope.shows(Some(p.id)))
    }
    pub fn last_review(&self) -> Option<&review::Model> {
        self.reviews.first()
    }
    /// The languages of the client who signs the plan (the case's first person, as printed), most
    /// useful first: the interpreter language, then the native languages, then the others. The
    /// print chooser starts at the first one the forms exist in. They are intake data: without a
    /// consent that covers it, none (the chooser starts at German).
    pub fn client_languages(&self) -> Vec<String> {
        let Some(p) = self.persons.first() else {
            return Vec::new();
        };
        if !self.scope.client_coverage.covers(Data::Intake) {
            return Vec::new();
        }
        crate::kernel::catalog::LanguageEntry::for_print(
            p.interpreter_language.as_deref(),
            p.languages.as_deref(),
        )
    }
}

/// The day the next review of a case is due: one interval (the plan's own, or the working rules')
/// after the last review, or after the earliest goal when there was none. No goal: none.
pub async fn review_due<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    rules: &WorkRules,
) -> Result<Option<NaiveDate>> {
    let own: Option<Option<i32>> = plan::Entity::find()
        .select_only()
        .column(plan::Column::ReviewIntervalMonths)
        .filter(plan::Column::CaseId.eq(case_id))
        .into_tuple()
        .one(conn)
        .await?;
    let interval = interval_of(own.flatten(), rules);
    let (start, last) = due_inputs(conn, case_id).await?;
    Ok(schedule::next_review_due(start, last, interval))
}

pub(super) fn interval_of(own: Option<i32>, rules: &WorkRules) -> u32 {
    own.and_then(|m| u32::try_from(m).ok())
        .filter(|m| *m > 0)
        .unwrap_or(rules.review_interval_months)
}

pub(super) async fn due_inputs<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    let start: Option<NaiveDate> = goal::Entity::find()
        .select_only()
        .column(goal::Column::CreatedOn)
        .filter(goal::Column::CaseId.eq(case_id))
        .order_by_asc(goal::Column::CreatedOn)
        .into_tuple()
        .one(conn)
        .await?;
    let last: Option<NaiveDate> = review::Entity::find()
        .select_only()
        .column(review::Column::HeldOn)
        .filter(review::Column::CaseId.eq(case_id))
        .order_by_desc(review::Column::HeldOn)
        .into_tuple()
        .one(conn)
        .await?;
    Ok((start, last))
}

/// A review with its summary and changes opened.
pub(crate) fn opened_review(sealer: &Sealer, mut r: review::Model) -> review::Model {
    r.summary = sealed::open_opt(sealer, REVIEW_SUMMARY.at(r.id), r.summary_sealed.as_deref());
    r.changes = sealed::open_opt(sealer, REVIEW_CHANGES.at(r.id), r.changes_sealed.as_deref());
    r
}

pub(crate) async fn load<C: ConnectionTrait>(
    conn: &C,
    sealer: &Sealer,
    c: case::Model,
    today: NaiveDate,
) -> Result<PlanView> {
    let persons = cases::persons_of(conn, c.id).await?;
    let scope = PlanScope::of(conn, c.id, today).await?;
    if !scope.covered() {
        // Nothing of the plan is read.
        let rules = WorkRules::load(conn).await?;
        return Ok(PlanView {
            clock: cases::clock(&c, today),
            case: c,
            persons,
            scope,
            withheld_goals: 0,
            plan: None,
            goals: vec![],
            reviews: vec![],
            versions: vec![],
            fields: fields::all(conn).await?,
            interval_months: rules.review_interval_months,
            own_interval: None,
            review_due: None,
            today,
        });
    }
    let plan = plan::Entity::find()
        .filter(plan::Column::CaseId.eq(c.id))
        .one(conn)
        .await?;
    let all_goals = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(c.id))
        .order_by_asc(goal::Column::Position)
        .order_by_asc(goal::Column::Id)
        .all(conn)
        .await?;
    let (goal_rows, withheld): (Vec<goal::Model>, Vec<goal::Model>) = all_goals
        .into_iter()
        .partition(|g| scope.shows(g.person_id));
    let mut steps_by_goal: BTreeMap<i64, Vec<StepView>> = BTreeMap::new();
    for s in step::Entity::find()
        .filter(step::Column::CaseId.eq(c.id))
        .order_by_asc(step::Column::Position)
        .order_by_asc(step::Column::Id)
        .all(conn)
        .await?
    {
        let overdue = s.done_on.is_none() && s.due_on.is_some_and(|d| d < today);
        let s = opened_step(sealer, s);
        steps_by_goal
            .entry(s.goal_id)
            .or_default()
            .push(StepView { step: s, overdue });
    }
    let goals = goal_rows
        .into_iter()
        .map(|g| GoalView {
            steps: steps_by_goal.remove(&g.id).unwrap_or_default(),
            person_name: g.person_id.and_then(|pid| {
                persons
                    .iter()
                    .find(|p| p.id == pid)
                    .map(|p| format!("{} {}", p.given_name, p.family_name))
            }),
            goal: opened_goal(sealer, g),
        })
        .collect();
    let reviews = review::Entity::find()
        .filter(review::Column::CaseId.eq(c.id))
        .order_by_desc(review::Column::HeldOn)
        .order_by_desc(review::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| opened_review(sealer, r))
        .collect();
    let versions = plan_version::Entity::find()
        .filter(plan_version::Column::CaseId.eq(c.id))
        .order_by_desc(plan_version::Column::Number)
        .all(conn)
        .await?
        .into_iter()
        .map(|v| VersionRow {
            number: v.number,
            frozen_on: v.frozen_on,
            by_review: v.review_id.is_some(),
            signed: v.signed_document_id.is_some(),
        })
        .collect();
    let rules = WorkRules::load(conn).await?;
    let own_interval = plan.as_ref().and_then(|p| p.review_interval_months);
    let interval_months = interval_of(own_interval, &rules);
    let (start, last) = due_inputs(conn, c.id).await?;
    Ok(PlanView {
        clock: cases::clock(&c, today),
        case: c,
        persons,
        scope,
        withheld_goals: withheld.len(),
        plan,
        goals,
        reviews,
        versions,
        fields: fields::all(conn).await?,
        interval_months,
        own_interval,
        review_due: schedule::next_review_due(start, last, interval_months),
        today,
    })
}

/// The plan of a case, for its IM. The read is audited (`plan_viewed`).
pub async fn get(db: &Db, ctx: &Ctx, sealer: &Sealer, case_id: i64) -> Result<PlanView> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_viewed", "case", case_id).section("plan");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let view = load(tx, sealer, c, ctx.today()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(view)
    })
    .await
}

/// The current plan as a snapshot (goals and steps, no review), without the goals `scope`
/// withholds. A text that does not open stops it (a conflict): a frozen version must not hold a gap
/// where the client's words were.
pub(super) async fn snapshot_of<C: ConnectionTrait>(
    conn: &C,
    sealer: &Sealer,
    scope: &PlanScope,
    case_id: i64,
) -> Result<Snapshot> {
    let goals = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(case_id))
        .order_by_asc(goal::Column::Position)
        .order_by_asc(goal::Column::Id)
        .all(conn)
        .await?;
    let steps = step::Entity::find()
        .filter(step::Column::CaseId.eq(case_id))
        .order_by_asc(step::Column::Position)
        .order_by_asc(step::Column::Id)
        .all(conn)
        .await?;
    let steps: Vec<step::Model> = steps.into_iter().map(|s| opened_step(sealer, s)).collect();
    let mut out = Vec::with_capacity(goals.len());
    for g in goals.into_iter().map(|g| opened_goal(sealer, g)) {
        let mut snap_steps = Vec::new();
        for s in steps.iter().filter(|s| s.goal_id == g.id) {
            snap_steps.push(SnapStep {
                id: s.id,
                text: sealed::readable(&s.text)?.to_string(),
                owner: s.owner.clone(),
                third_party: s.third_party.clone(),
                due_on: s.due_on,
                done_on: s.done_on,
            });
        }
        let status_reason = match &g.status_reason {
            Some(r) => Some(sealed::readable(r)?.to_string()),
            None => None,
        };
        out.push(SnapGoal {
            steps: snap_steps,
            id: g.id,
            text: sealed::readable(&g.text)?.to_string(),
            field: g.field_key,
            person: g.person_id,
            priority: g.priority,
            target_date: g.target_date,
            status: g.status,
            status_reason,
            created_on: g.created_on,
            closed_on: g.closed_on,
        });
    }
    let mut snap = Snapshot {
        goals: out,
        review: None,
    };
    scope.withhold(&mut snap);
    Ok(snap)
}

/// Sets the plan's own review interval (1–24 months; empty: the deployment's default).
pub async fn set_interval(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    plan_version: i32,
    months: &str,
) -> Result<()> {
    let months = parse_interval(months).map_err(|k| Error::field("review_interval", k))?;
    let (tx, _, ev, _) = begin(db, ctx, case_id, "plan_settings_changed").await?;
    let p = touch_plan(&tx, ctx, case_id, Some(plan_version)).await?;
    let value: Option<i32> = months.and_then(|m| i32::try_from(m).ok());
    plan::Entity::update_many()
        .col_expr(plan::Column::ReviewIntervalMonths, Expr::value(value))
        .filter(plan::Column::Id.eq(p.id))
        .exec(&tx)
        .await?;
    let detail = Some(value.map_or_else(|| "default".to_string(), |m| m.to_string()));
    event(
        &tx,
        ctx,
        case_id,
        "plan_settings_changed",
        ctx.today(),
        detail,
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}
