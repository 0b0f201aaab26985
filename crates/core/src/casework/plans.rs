//! The integration plan of a case: goals per field of action (in the client's words), steps,
//! reviews (Fortschreibung) that freeze versions, the comparison of versions, the print data and
//! the signed scan of a version.
//!
//! Every read and change goes through [`access::case_in`] and is audited in the same transaction.
//! Every change bumps the plan row's `version` and writes a `case_events` row for the case's
//! timeline (kinds `goal_added`, `goal_changed`, `goal_status`, `step_added`, `step_changed`,
//! `step_done`, `review_held`, `plan_version_frozen`, `plan_settings_changed`,
//! `plan_scan_added`); `detail` holds only keys and ids, never the client's words.

use std::collections::BTreeMap;

use ankommen_store::Db;
use ankommen_store::entities::{
    case, case_event, document, goal, person, plan, plan_version, review, review_assessment, step,
};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::administration::fields::{self, Field};
use crate::administration::organisations::expect_updated;
use crate::administration::settings::WorkRules;
use crate::casework::cases::{self, CaseClock};
use crate::casework::schedule;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{CaseStatus, GoalStatus, LanguageLevel, StepOwner};
use crate::kernel::policy::Action;
use crate::kernel::types::{parse_date, parse_date_opt, parse_text, parse_text_req};
use crate::records::consent::{Download, MAX_SCAN_BYTES, Upload, sniff};
use crate::records::printing::{Issuer, PrintedPerson};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest goal or step text.
pub const MAX_TEXT: usize = 2000;
/// The allowed range of a plan's own review interval, in months.
pub const INTERVAL_RANGE: (u32, u32) = (1, 24);

// ---------------------------------------------------------------------------------------------
// Snapshots and their comparison (pure)

/// A step as frozen in a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapStep {
    pub id: i64,
    pub text: String,
    pub owner: String,
    #[serde(default)]
    pub third_party: Option<String>,
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    pub done_on: Option<NaiveDate>,
}

/// A goal as frozen in a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapGoal {
    pub id: i64,
    pub field: String,
    #[serde(default)]
    pub person: Option<i64>,
    pub text: String,
    #[serde(default)]
    pub priority: Option<i32>,
    #[serde(default)]
    pub target_date: Option<NaiveDate>,
    pub status: String,
    #[serde(default)]
    pub status_reason: Option<String>,
    pub created_on: NaiveDate,
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
    #[serde(default)]
    pub steps: Vec<SnapStep>,
}

/// The review that froze a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapReview {
    pub held_on: NaiveDate,
    #[serde(default)]
    pub participants: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub changes: Option<String>,
    /// Goal id and the assessment of that goal.
    #[serde(default)]
    pub assessments: Vec<(i64, String)>,
}

/// The JSON stored in `plan_versions.snapshot`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub goals: Vec<SnapGoal>,
    #[serde(default)]
    pub review: Option<SnapReview>,
}

impl Snapshot {
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(format!("snapshot: {e}")))
    }
    pub fn from_json(s: &str) -> Result<Self> {
        serde_json::from_str(s).map_err(|e| Error::Internal(format!("snapshot: {e}")))
    }
}

/// One difference of a goal between two versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Text {
        from: String,
        to: String,
    },
    Field {
        from: String,
        to: String,
    },
    Status {
        from: String,
        to: String,
    },
    TargetDate {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    Priority {
        from: Option<i32>,
        to: Option<i32>,
    },
    StepAdded {
        text: String,
    },
    StepRemoved {
        text: String,
    },
    StepDone {
        text: String,
        on: NaiveDate,
    },
    StepReopened {
        text: String,
    },
    StepChanged {
        from: String,
        to: String,
    },
    StepDue {
        text: String,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoalChange {
    Added,
    Removed,
    Changed,
}

impl GoalChange {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalChange::Added => "added",
            GoalChange::Removed => "removed",
            GoalChange::Changed => "changed",
        }
    }
}

/// What happened to one goal between two versions. Unchanged goals are not listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalDiff {
    pub goal_id: i64,
    /// The goal's field and text in the later version (the earlier one if removed).
    pub field: String,
    pub text: String,
    pub kind: GoalChange,
    pub changes: Vec<Change>,
}

/// Compares two snapshots goal by goal (matched by id), in the order of the later one, removed
/// goals last.
pub fn diff(a: &Snapshot, b: &Snapshot) -> Vec<GoalDiff> {
    let mut out = Vec::new();
    for g in &b.goals {
        match a.goals.iter().find(|x| x.id == g.id) {
            None => out.push(GoalDiff {
                goal_id: g.id,
                field: g.field.clone(),
                text: g.text.clone(),
                kind: GoalChange::Added,
                changes: g
                    .steps
                    .iter()
                    .map(|s| Change::StepAdded {
                        text: s.text.clone(),
                    })
                    .collect(),
            }),
            Some(old) => {
                let changes = goal_changes(old, g);
                if !changes.is_empty() {
                    out.push(GoalDiff {
                        goal_id: g.id,
                        field: g.field.clone(),
                        text: g.text.clone(),
                        kind: GoalChange::Changed,
                        changes,
                    });
                }
            }
        }
    }
    for g in &a.goals {
        if !b.goals.iter().any(|x| x.id == g.id) {
            out.push(GoalDiff {
                goal_id: g.id,
                field: g.field.clone(),
                text: g.text.clone(),
                kind: GoalChange::Removed,
                changes: vec![],
            });
        }
    }
    out
}

fn goal_changes(a: &SnapGoal, b: &SnapGoal) -> Vec<Change> {
    let mut c = Vec::new();
    if a.text != b.text {
        c.push(Change::Text {
            from: a.text.clone(),
            to: b.text.clone(),
        });
    }
    if a.field != b.field {
        c.push(Change::Field {
            from: a.field.clone(),
            to: b.field.clone(),
        });
    }
    if a.status != b.status {
        c.push(Change::Status {
            from: a.status.clone(),
            to: b.status.clone(),
        });
    }
    if a.target_date != b.target_date {
        c.push(Change::TargetDate {
            from: a.target_date,
            to: b.target_date,
        });
    }
    if a.priority != b.priority {
        c.push(Change::Priority {
            from: a.priority,
            to: b.priority,
        });
    }
    for s in &b.steps {
        match a.steps.iter().find(|x| x.id == s.id) {
            None => c.push(Change::StepAdded {
                text: s.text.clone(),
            }),
            Some(old) => {
                if old.text != s.text {
                    c.push(Change::StepChanged {
                        from: old.text.clone(),
                        to: s.text.clone(),
                    });
                }
                if old.due_on != s.due_on {
                    c.push(Change::StepDue {
                        text: s.text.clone(),
                        from: old.due_on,
                        to: s.due_on,
                    });
                }
                match (old.done_on, s.done_on) {
                    (None, Some(on)) => c.push(Change::StepDone {
                        text: s.text.clone(),
                        on,
                    }),
                    (Some(_), None) => c.push(Change::StepReopened {
                        text: s.text.clone(),
                    }),
                    _ => {}
                }
            }
        }
    }
    for s in &a.steps {
        if !b.steps.iter().any(|x| x.id == s.id) {
            c.push(Change::StepRemoved {
                text: s.text.clone(),
            });
        }
    }
    c
}

// ---------------------------------------------------------------------------------------------
// Validation (pure)

/// The dates a plan's dates are checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub opened_on: NaiveDate,
    /// The case's end (3 years, or the extension).
    pub end: NaiveDate,
    pub today: NaiveDate,
}

impl Bounds {
    pub fn of(c: &case::Model, today: NaiveDate) -> Self {
        Self {
            opened_on: c.opened_on,
            end: cases::clock(c, today).end,
            today,
        }
    }

    /// A planned date (target date, due date): not before the opening, not after the case's end.
    fn planned(&self, e: &mut FieldErrors, field: &'static str, s: &str) -> Option<NaiveDate> {
        let d = e.take(field, parse_date_opt(s))??;
        if d < self.opened_on {
            e.add(field, "error-before-opening");
            None
        } else if d > self.end {
            e.add(field, "error-after-case-end");
            None
        } else {
            Some(d)
        }
    }

    /// A date something happened: not in the future, not before the opening.
    fn happened(
        &self,
        e: &mut FieldErrors,
        field: &'static str,
        d: NaiveDate,
    ) -> Option<NaiveDate> {
        if d > self.today {
            e.add(field, "error-date-future");
            None
        } else if d < self.opened_on {
            e.add(field, "error-before-opening");
            None
        } else {
            Some(d)
        }
    }
}

/// A goal form as typed.
#[derive(Clone, Debug, Default)]
pub struct GoalForm {
    pub field: String,
    pub text: String,
    pub person: String,
    pub priority: String,
    pub target_date: String,
    /// Only on the edit form; empty on a new goal.
    pub status: String,
    pub status_reason: String,
}

/// A checked goal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalInput {
    pub field: String,
    pub text: String,
    pub person: Option<i64>,
    pub priority: Option<i32>,
    pub target_date: Option<NaiveDate>,
    pub status: GoalStatus,
    pub status_reason: Option<String>,
}

fn parse_priority(s: &str) -> std::result::Result<Option<i32>, &'static str> {
    match s.trim() {
        "" => Ok(None),
        t => match t.parse::<i32>() {
            Ok(p) if (1..=3).contains(&p) => Ok(Some(p)),
            _ => Err("error-choice"),
        },
    }
}

/// A status and its reason: a reason is required for "not reached" and "dropped".
fn parse_status(
    e: &mut FieldErrors,
    status_field: &'static str,
    reason_field: &'static str,
    status: &str,
    reason: &str,
) -> Option<(GoalStatus, Option<String>)> {
    let st = e.take(status_field, GoalStatus::parse(status))?;
    let reason = e.take(reason_field, parse_text(reason, MAX_TEXT))?;
    if matches!(st, GoalStatus::NotReached | GoalStatus::Dropped) && reason.is_none() {
        e.add(reason_field, "error-goal-reason-required");
        return None;
    }
    Some((st, reason))
}

impl GoalInput {
    /// Checks a goal form. `current_field` is the field of the goal being edited (it may have been
    /// deactivated since and stays allowed for that goal).
    pub fn parse(
        f: &GoalForm,
        fields: &[Field],
        current_field: Option<&str>,
        persons: &[i64],
        b: &Bounds,
    ) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let field = match current_field {
            Some(k) if k == f.field.trim() => Some(k.to_string()),
            _ => e.take("field", fields::parse_key(fields, &f.field)),
        };
        let text = e.take("text", parse_text_req(&f.text, MAX_TEXT));
        let person = match f.person.trim() {
            "" => None,
            p => match p.parse::<i64>() {
                Ok(id) if persons.contains(&id) => Some(id),
                _ => {
                    e.add("person", "error-choice");
                    None
                }
            },
        };
        let priority = e.take("priority", parse_priority(&f.priority)).flatten();
        let target_date = b.planned(&mut e, "target_date", &f.target_date);
        let status = if f.status.trim().is_empty() {
            Some((GoalStatus::Open, None))
        } else {
            parse_status(
                &mut e,
                "status",
                "status_reason",
                &f.status,
                &f.status_reason,
            )
        };
        match (field, text, status) {
            (Some(field), Some(text), Some((status, status_reason))) if e.is_empty() => Ok(Self {
                field,
                text,
                person,
                priority,
                target_date,
                status,
                status_reason,
            }),
            _ => Err(e),
        }
    }
}

/// A step form as typed.
#[derive(Clone, Debug, Default)]
pub struct StepForm {
    pub text: String,
    pub owner: String,
    pub third_party: String,
    pub due_on: String,
    pub done_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepInput {
    pub text: String,
    pub owner: StepOwner,
    pub third_party: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

impl StepInput {
    pub fn parse(f: &StepForm, b: &Bounds) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let text = e.take("step_text", parse_text_req(&f.text, MAX_TEXT));
        let owner = e.take("owner", StepOwner::parse(&f.owner));
        let third = e
            .take("third_party", parse_text(&f.third_party, 200))
            .flatten();
        let third_party = match owner {
            Some(StepOwner::ThirdParty) => {
                if third.is_none() {
                    e.add("third_party", "error-third-party-required");
                }
                third
            }
            _ => None,
        };
        let due_on = b.planned(&mut e, "due_on", &f.due_on);
        let done_on = match e.take("done_on", parse_date_opt(&f.done_on)).flatten() {
            Some(d) => b.happened(&mut e, "done_on", d),
            None => None,
        };
        match (text, owner) {
            (Some(text), Some(owner)) if e.is_empty() => Ok(Self {
                text,
                owner,
                third_party,
                due_on,
                done_on,
            }),
            _ => Err(e),
        }
    }
}

/// The new status of one goal, set in a review.
#[derive(Clone, Debug, Default)]
pub struct ReviewGoalForm {
    pub goal_id: i64,
    pub assessment: String,
    /// Empty: unchanged.
    pub status: String,
    pub status_reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct ReviewForm {
    pub held_on: String,
    pub participants: String,
    pub summary: String,
    pub changes: String,
    pub goals: Vec<ReviewGoalForm>,
}

type StatusWithReason = (GoalStatus, Option<String>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct ReviewInput {
    held_on: NaiveDate,
    participants: Option<String>,
    summary: Option<String>,
    changes: Option<String>,
    /// goal id, assessment, new status with reason.
    goals: Vec<(i64, Option<String>, Option<StatusWithReason>)>,
}

impl ReviewInput {
    fn parse(f: &ReviewForm, b: &Bounds) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let held_on = e
            .take("held_on", parse_date(&f.held_on))
            .and_then(|d| b.happened(&mut e, "held_on", d));
        let participants = e.take("participants", parse_text(&f.participants, 1000));
        let summary = e.take("summary", parse_text(&f.summary, 4000));
        let changes = e.take("changes", parse_text(&f.changes, 4000));
        let mut goals = Vec::new();
        for g in &f.goals {
            let assessment = e
                .take("assessments", parse_text(&g.assessment, MAX_TEXT))
                .flatten();
            let status = if g.status.trim().is_empty() {
                None
            } else {
                parse_status(
                    &mut e,
                    "review_status",
                    "review_status",
                    &g.status,
                    &g.status_reason,
                )
            };
            goals.push((g.goal_id, assessment, status));
        }
        match (held_on, participants, summary, changes) {
            (Some(held_on), Some(participants), Some(summary), Some(changes)) if e.is_empty() => {
                Ok(Self {
                    held_on,
                    participants,
                    summary,
                    changes,
                    goals,
                })
            }
            _ => Err(e),
        }
    }
}

/// A plan's own review interval: empty means the deployment's default.
pub fn parse_interval(s: &str) -> std::result::Result<Option<u32>, &'static str> {
    match s.trim() {
        "" => Ok(None),
        t => match t.parse::<u32>() {
            Ok(m) if (INTERVAL_RANGE.0..=INTERVAL_RANGE.1).contains(&m) => Ok(Some(m)),
            _ => Err("error-interval"),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

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

/// The plan of a case as its IM sees it.
#[derive(Clone, Debug)]
pub struct PlanView {
    pub case: case::Model,
    pub clock: CaseClock,
    pub persons: Vec<person::Model>,
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
    pub fn last_review(&self) -> Option<&review::Model> {
        self.reviews.first()
    }
    /// The languages of the client who signs the plan (the case's first person, as printed), most
    /// useful first: the interpreter language, then the native languages, then the others. The
    /// print chooser starts at the first one the forms exist in.
    pub fn client_languages(&self) -> Vec<String> {
        let Some(p) = self.persons.first() else {
            return Vec::new();
        };
        let spoken = crate::kernel::catalog::LanguageEntry::stored(p.languages.as_deref());
        let native = LanguageLevel::Native.as_str();
        let (native, other): (Vec<_>, Vec<_>) = spoken.iter().partition(|l| l.level == native);
        let mut out: Vec<String> = Vec::new();
        for code in p
            .interpreter_language
            .iter()
            .chain(native.into_iter().chain(other).map(|l| &l.code))
        {
            if !out.contains(code) {
                out.push(code.clone());
            }
        }
        out
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

fn interval_of(own: Option<i32>, rules: &WorkRules) -> u32 {
    own.and_then(|m| u32::try_from(m).ok())
        .filter(|m| *m > 0)
        .unwrap_or(rules.review_interval_months)
}

async fn due_inputs<C: ConnectionTrait>(
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

async fn load<C: ConnectionTrait>(conn: &C, c: case::Model, today: NaiveDate) -> Result<PlanView> {
    let persons = cases::persons_of(conn, c.id).await?;
    let plan = plan::Entity::find()
        .filter(plan::Column::CaseId.eq(c.id))
        .one(conn)
        .await?;
    let goal_rows = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(c.id))
        .order_by_asc(goal::Column::Position)
        .order_by_asc(goal::Column::Id)
        .all(conn)
        .await?;
    let mut steps_by_goal: BTreeMap<i64, Vec<StepView>> = BTreeMap::new();
    for s in step::Entity::find()
        .filter(step::Column::CaseId.eq(c.id))
        .order_by_asc(step::Column::Position)
        .order_by_asc(step::Column::Id)
        .all(conn)
        .await?
    {
        let overdue = s.done_on.is_none() && s.due_on.is_some_and(|d| d < today);
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
            goal: g,
        })
        .collect();
    let reviews = review::Entity::find()
        .filter(review::Column::CaseId.eq(c.id))
        .order_by_desc(review::Column::HeldOn)
        .order_by_desc(review::Column::Id)
        .all(conn)
        .await?;
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
pub async fn get(db: &Db, ctx: &Ctx, case_id: i64) -> Result<PlanView> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_viewed", "case", case_id).section("plan");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let view = load(tx, c, ctx.today()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(view)
    })
    .await
}

/// The current plan as a snapshot (goals and steps, no review).
async fn snapshot_of<C: ConnectionTrait>(conn: &C, case_id: i64) -> Result<Snapshot> {
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
    Ok(Snapshot {
        goals: goals
            .into_iter()
            .map(|g| SnapGoal {
                steps: steps
                    .iter()
                    .filter(|s| s.goal_id == g.id)
                    .map(|s| SnapStep {
                        id: s.id,
                        text: s.text.clone(),
                        owner: s.owner.clone(),
                        third_party: s.third_party.clone(),
                        due_on: s.due_on,
                        done_on: s.done_on,
                    })
                    .collect(),
                id: g.id,
                field: g.field_key,
                person: g.person_id,
                text: g.text,
                priority: g.priority,
                target_date: g.target_date,
                status: g.status,
                status_reason: g.status_reason,
                created_on: g.created_on,
                closed_on: g.closed_on,
            })
            .collect(),
        review: None,
    })
}

/// A frozen version for display.
#[derive(Clone, Debug)]
pub struct VersionView {
    pub plan: PlanView,
    pub number: i32,
    pub frozen_on: NaiveDate,
    pub snapshot: Snapshot,
    pub signed_document_id: Option<i64>,
}

async fn version_row<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    number: i32,
) -> Result<plan_version::Model> {
    plan_version::Entity::find()
        .filter(plan_version::Column::CaseId.eq(case_id))
        .filter(plan_version::Column::Number.eq(number))
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// One frozen version. The read is audited (`plan_version_viewed`).
pub async fn version(db: &Db, ctx: &Ctx, case_id: i64, number: i32) -> Result<VersionView> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_version_viewed", "case", case_id).section("plan");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let v = version_row(tx, case_id, number).await?;
        let plan = load(tx, c, ctx.today()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(VersionView {
            plan,
            number: v.number,
            frozen_on: v.frozen_on,
            snapshot: Snapshot::from_json(&v.snapshot)?,
            signed_document_id: v.signed_document_id,
        })
    })
    .await
}

/// Two plans compared.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub plan: PlanView,
    pub a: i32,
    /// None: the current plan.
    pub b: Option<i32>,
    pub diffs: Vec<GoalDiff>,
}

/// Compares version `a` with version `b` (None: the current plan). Audited (`plan_compared`).
pub async fn compare(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    a: i32,
    b: Option<i32>,
) -> Result<Comparison> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_compared", "case", case_id).section("plan");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let sa = Snapshot::from_json(&version_row(tx, case_id, a).await?.snapshot)?;
        let sb = match b {
            Some(n) => Snapshot::from_json(&version_row(tx, case_id, n).await?.snapshot)?,
            None => snapshot_of(tx, case_id).await?,
        };
        let plan = load(tx, c, ctx.today()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(Comparison {
            plan,
            a,
            b,
            diffs: diff(&sa, &sb),
        })
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Changing

/// Starts a change of a case's plan: write access, an open case.
async fn begin(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    action: &'static str,
) -> Result<(ankommen_store::Tx, case::Model, Event)> {
    let tx = db.begin().await?;
    let ev = Event::on(action, "case", case_id).section("plan");
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    if c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-case-closed"));
    }
    Ok((tx, c, ev))
}

async fn event<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    case_id: i64,
    kind: &str,
    on: NaiveDate,
    detail: Option<String>,
) -> Result<()> {
    case_event::Entity::insert(case_event::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        kind: Set(kind.into()),
        on_date: Set(on),
        reason: Set(None),
        detail: Set(detail),
        staff_id: Set(Some(ctx.actor.staff_id)),
        other_staff_id: Set(None),
        at: Set(ctx.now()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Bumps the plan row's version (creating the plan on first use). With `expected`, the change is
/// refused as stale when the plan was changed since the form was loaded.
async fn touch_plan<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    case_id: i64,
    expected: Option<i32>,
) -> Result<plan::Model> {
    let existing = plan::Entity::find()
        .filter(plan::Column::CaseId.eq(case_id))
        .one(conn)
        .await?;
    let Some(p) = existing else {
        if expected.is_some_and(|v| v != 0) {
            return Err(Error::Conflict("error-stale"));
        }
        let id = plan::Entity::insert(plan::ActiveModel {
            id: NotSet,
            case_id: Set(case_id),
            review_interval_months: Set(None),
            created_by: Set(ctx.actor.staff_id),
            created_at: Set(ctx.now()),
            updated_at: Set(ctx.now()),
            version: Set(1),
        })
        .exec(conn)
        .await?
        .last_insert_id;
        return plan::Entity::find_by_id(id)
            .one(conn)
            .await?
            .ok_or_else(|| Error::Internal("plan vanished after insert".into()));
    };
    let version = expected.unwrap_or(p.version);
    let res = plan::Entity::update_many()
        .col_expr(plan::Column::Version, Expr::value(version + 1))
        .col_expr(plan::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(plan::Column::Id.eq(p.id))
        .filter(plan::Column::Version.eq(version))
        .exec(conn)
        .await?;
    expect_updated(conn, res.rows_affected, plan::Entity::find_by_id(p.id)).await?;
    Ok(plan::Model {
        version: version + 1,
        ..p
    })
}

async fn person_ids<C: ConnectionTrait>(conn: &C, case_id: i64) -> Result<Vec<i64>> {
    Ok(cases::persons_of(conn, case_id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// Adds a goal (creating the plan with the first one). Returns the goal's id.
pub async fn add_goal(db: &Db, ctx: &Ctx, case_id: i64, form: &GoalForm) -> Result<i64> {
    let today = ctx.today();
    let (tx, c, ev) = begin(db, ctx, case_id, "plan_goal_added").await?;
    let fields = fields::active(&tx).await?;
    let persons = person_ids(&tx, case_id).await?;
    let form = GoalForm {
        status: String::new(),
        status_reason: String::new(),
        ..form.clone()
    };
    let input = GoalInput::parse(&form, &fields, None, &persons, &Bounds::of(&c, today))?;
    touch_plan(&tx, ctx, case_id, None).await?;
    let position = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(case_id))
        .count(&tx)
        .await
        .map(count_i32)?;
    let now = ctx.now();
    let id = goal::Entity::insert(goal::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        person_id: Set(input.person),
        field_key: Set(input.field.clone()),
        text: Set(input.text),
        priority: Set(input.priority),
        target_date: Set(input.target_date),
        status: Set(GoalStatus::Open.as_str().into()),
        status_reason: Set(None),
        created_on: Set(today),
        closed_on: Set(None),
        position: Set(position + 1),
        external_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    event(&tx, ctx, case_id, "goal_added", today, Some(input.field)).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

fn count_i32(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

async fn goal_of<C: ConnectionTrait>(conn: &C, case_id: i64, goal_id: i64) -> Result<goal::Model> {
    goal::Entity::find_by_id(goal_id)
        .filter(goal::Column::CaseId.eq(case_id))
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// The closing date after a status change: set when the status closes the goal (kept if it was
/// closed already), cleared when it is reopened.
pub fn closed_on_after(
    old_status: &str,
    old_closed_on: Option<NaiveDate>,
    new: GoalStatus,
    on: NaiveDate,
) -> Option<NaiveDate> {
    let was_closed = GoalStatus::parse(old_status).is_ok_and(GoalStatus::is_closed);
    match (was_closed, new.is_closed()) {
        (_, false) => None,
        (true, true) if old_status == new.as_str() => old_closed_on.or(Some(on)),
        _ => Some(on),
    }
}

/// Changes a goal (text, field, member, priority, target date, status with reason).
pub async fn update_goal(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    goal_id: i64,
    version: i32,
    form: &GoalForm,
) -> Result<()> {
    let today = ctx.today();
    let (tx, c, ev) = begin(db, ctx, case_id, "plan_goal_changed").await?;
    let g = goal_of(&tx, case_id, goal_id).await?;
    if g.version != version {
        return Err(Error::Conflict("error-stale"));
    }
    let fields = fields::active(&tx).await?;
    let persons = person_ids(&tx, case_id).await?;
    let input = GoalInput::parse(
        form,
        &fields,
        Some(&g.field_key),
        &persons,
        &Bounds::of(&c, today),
    )?;
    let closed_on = closed_on_after(&g.status, g.closed_on, input.status, today);
    let status_changed = g.status != input.status.as_str();
    let other_changed = g.text != input.text
        || g.field_key != input.field
        || g.person_id != input.person
        || g.priority != input.priority
        || g.target_date != input.target_date
        || (g.status_reason != input.status_reason && !status_changed);
    let res = goal::Entity::update_many()
        .col_expr(goal::Column::FieldKey, Expr::value(input.field.clone()))
        .col_expr(goal::Column::Text, Expr::value(input.text))
        .col_expr(goal::Column::PersonId, Expr::value(input.person))
        .col_expr(goal::Column::Priority, Expr::value(input.priority))
        .col_expr(goal::Column::TargetDate, Expr::value(input.target_date))
        .col_expr(goal::Column::Status, Expr::value(input.status.as_str()))
        .col_expr(goal::Column::StatusReason, Expr::value(input.status_reason))
        .col_expr(goal::Column::ClosedOn, Expr::value(closed_on))
        .col_expr(goal::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(goal::Column::Version, Expr::value(version + 1))
        .filter(goal::Column::Id.eq(goal_id))
        .filter(goal::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, goal::Entity::find_by_id(goal_id)).await?;
    if !status_changed && !other_changed {
        // Nothing changed: no new plan version, no history entry.
        audit::record(&tx, ctx, ev).await?;
        tx.commit().await?;
        return Ok(());
    }
    touch_plan(&tx, ctx, case_id, None).await?;
    if other_changed {
        event(&tx, ctx, case_id, "goal_changed", today, Some(input.field)).await?;
    }
    if status_changed {
        let detail = Some(input.status.as_str().to_string());
        event(&tx, ctx, case_id, "goal_status", today, detail).await?;
    }
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a step to a goal. Returns the step's id.
pub async fn add_step(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    goal_id: i64,
    form: &StepForm,
) -> Result<i64> {
    let today = ctx.today();
    let (tx, c, ev) = begin(db, ctx, case_id, "plan_step_added").await?;
    let g = goal_of(&tx, case_id, goal_id).await?;
    let input = StepInput::parse(form, &Bounds::of(&c, today))?;
    touch_plan(&tx, ctx, case_id, None).await?;
    let position = step::Entity::find()
        .filter(step::Column::GoalId.eq(goal_id))
        .count(&tx)
        .await
        .map(count_i32)?;
    let now = ctx.now();
    let done = input.done_on;
    let id = step::Entity::insert(step::ActiveModel {
        id: NotSet,
        goal_id: Set(goal_id),
        case_id: Set(case_id),
        text: Set(input.text),
        owner: Set(input.owner.as_str().into()),
        third_party: Set(input.third_party),
        due_on: Set(input.due_on),
        done_on: Set(input.done_on),
        position: Set(position + 1),
        external_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    event(
        &tx,
        ctx,
        case_id,
        "step_added",
        today,
        Some(g.field_key.clone()),
    )
    .await?;
    if let Some(d) = done {
        event(&tx, ctx, case_id, "step_done", d, Some(g.field_key)).await?;
    }
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a step, or marks it done (`done_on`).
pub async fn update_step(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    step_id: i64,
    version: i32,
    form: &StepForm,
) -> Result<()> {
    let today = ctx.today();
    let (tx, c, ev) = begin(db, ctx, case_id, "plan_step_changed").await?;
    let s = step::Entity::find_by_id(step_id)
        .filter(step::Column::CaseId.eq(case_id))
        .one(&tx)
        .await?
        .ok_or(Error::NotFound)?;
    if s.version != version {
        return Err(Error::Conflict("error-stale"));
    }
    let g = goal_of(&tx, case_id, s.goal_id).await?;
    let input = StepInput::parse(form, &Bounds::of(&c, today))?;
    let done_now = s.done_on.is_none() && input.done_on.is_some();
    let other_changed = s.text != input.text
        || s.owner != input.owner.as_str()
        || s.third_party != input.third_party
        || s.due_on != input.due_on
        || (s.done_on.is_some() && s.done_on != input.done_on);
    let res = step::Entity::update_many()
        .col_expr(step::Column::Text, Expr::value(input.text))
        .col_expr(step::Column::Owner, Expr::value(input.owner.as_str()))
        .col_expr(step::Column::ThirdParty, Expr::value(input.third_party))
        .col_expr(step::Column::DueOn, Expr::value(input.due_on))
        .col_expr(step::Column::DoneOn, Expr::value(input.done_on))
        .col_expr(step::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(step::Column::Version, Expr::value(version + 1))
        .filter(step::Column::Id.eq(step_id))
        .filter(step::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, step::Entity::find_by_id(step_id)).await?;
    if done_now || other_changed {
        touch_plan(&tx, ctx, case_id, None).await?;
    }
    if other_changed {
        let d = Some(g.field_key.clone());
        event(&tx, ctx, case_id, "step_changed", today, d).await?;
    }
    if let (true, Some(d)) = (done_now, input.done_on) {
        event(&tx, ctx, case_id, "step_done", d, Some(g.field_key)).await?;
    }
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Freezes the current plan as the next version (number = highest + 1).
async fn freeze_in<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    case_id: i64,
    on: NaiveDate,
    review: Option<(i64, SnapReview)>,
) -> Result<i32> {
    let mut snap = snapshot_of(conn, case_id).await?;
    let review_id = review.as_ref().map(|(id, _)| *id);
    snap.review = review.map(|(_, r)| r);
    let last: Option<i32> = plan_version::Entity::find()
        .select_only()
        .column(plan_version::Column::Number)
        .filter(plan_version::Column::CaseId.eq(case_id))
        .order_by_desc(plan_version::Column::Number)
        .into_tuple()
        .one(conn)
        .await?;
    let number = last.unwrap_or(0) + 1;
    plan_version::Entity::insert(plan_version::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        number: Set(number),
        review_id: Set(review_id),
        frozen_on: Set(on),
        snapshot: Set(snap.to_json()?),
        signed_document_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(ctx.now()),
    })
    .exec_without_returning(conn)
    .await?;
    event(
        conn,
        ctx,
        case_id,
        "plan_version_frozen",
        on,
        Some(number.to_string()),
    )
    .await?;
    Ok(number)
}

/// Freezes the current plan by hand ("Fassung festschreiben"), e.g. to print and sign it.
/// `plan_version` is the version of the plan the IM saw. Returns the version number.
pub async fn freeze(db: &Db, ctx: &Ctx, case_id: i64, plan_version: i32) -> Result<i32> {
    let today = ctx.today();
    let (tx, _, ev) = begin(db, ctx, case_id, "plan_version_frozen").await?;
    let has_goal = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(case_id))
        .count(&tx)
        .await
        .map(count_i32)?
        > 0;
    if !has_goal {
        return Err(Error::Conflict("error-plan-empty"));
    }
    touch_plan(&tx, ctx, case_id, Some(plan_version)).await?;
    let n = freeze_in(&tx, ctx, case_id, today, None).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(n)
}

/// Records a review: its facts, an assessment per goal, optionally new goal statuses; freezes a
/// new version. All in one transaction. Returns the version number.
pub async fn hold_review(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    plan_version: i32,
    form: &ReviewForm,
) -> Result<i32> {
    let today = ctx.today();
    let (tx, c, ev) = begin(db, ctx, case_id, "plan_review_held").await?;
    let goals = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(case_id))
        .all(&tx)
        .await?;
    if goals.is_empty() {
        return Err(Error::Conflict("error-plan-empty"));
    }
    let input = ReviewInput::parse(form, &Bounds::of(&c, today))?;
    if input
        .goals
        .iter()
        .any(|(gid, _, _)| !goals.iter().any(|g| g.id == *gid))
    {
        return Err(Error::field("form", "error-form"));
    }
    touch_plan(&tx, ctx, case_id, Some(plan_version)).await?;
    let review_id = review::Entity::insert(review::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        held_on: Set(input.held_on),
        participants: Set(input.participants.clone()),
        summary: Set(input.summary.clone()),
        changes: Set(input.changes.clone()),
        external_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(ctx.now()),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    let mut assessments = Vec::new();
    for (gid, assessment, status) in &input.goals {
        if let Some(a) = assessment {
            review_assessment::Entity::insert(review_assessment::ActiveModel {
                review_id: Set(review_id),
                goal_id: Set(*gid),
                assessment: Set(a.clone()),
            })
            .exec_without_returning(&tx)
            .await?;
            assessments.push((*gid, a.clone()));
        }
        let Some((st, reason)) = status else {
            continue;
        };
        let Some(g) = goals.iter().find(|g| g.id == *gid) else {
            continue;
        };
        if g.status == st.as_str() && g.status_reason == *reason {
            continue;
        }
        let closed_on = closed_on_after(&g.status, g.closed_on, *st, input.held_on);
        goal::Entity::update_many()
            .col_expr(goal::Column::Status, Expr::value(st.as_str()))
            .col_expr(goal::Column::StatusReason, Expr::value(reason.clone()))
            .col_expr(goal::Column::ClosedOn, Expr::value(closed_on))
            .col_expr(goal::Column::UpdatedAt, Expr::value(ctx.now()))
            .col_expr(goal::Column::Version, Expr::value(g.version + 1))
            .filter(goal::Column::Id.eq(g.id))
            .exec(&tx)
            .await?;
        if g.status != st.as_str() {
            let d = Some(st.as_str().to_string());
            event(&tx, ctx, case_id, "goal_status", input.held_on, d).await?;
        }
    }
    event(&tx, ctx, case_id, "review_held", input.held_on, None).await?;
    let snap = SnapReview {
        held_on: input.held_on,
        participants: input.participants,
        summary: input.summary,
        changes: input.changes,
        assessments,
    };
    let n = freeze_in(&tx, ctx, case_id, input.held_on, Some((review_id, snap))).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(n)
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
    let (tx, _, ev) = begin(db, ctx, case_id, "plan_settings_changed").await?;
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

// ---------------------------------------------------------------------------------------------
// Print and the signed scan

/// What the printed plan needs.
#[derive(Clone, Debug)]
pub struct PlanPrint {
    pub case_number: String,
    /// The case's persons; the first one is the client who signs.
    pub persons: Vec<PrintedPerson>,
    pub issuer: Issuer,
    pub snapshot: Snapshot,
    /// Persons named by goals: id and name.
    pub person_names: Vec<(i64, String)>,
    pub fields: Vec<Field>,
    /// The version printed (None: the current, not yet frozen plan).
    pub version: Option<i32>,
    pub frozen_on: Option<NaiveDate>,
    /// The review of this version, or the latest review of the case.
    pub review_on: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    pub date: NaiveDate,
}

/// The data of the printed plan (a version, or the current plan). Audited (`plan_printed`).
pub async fn print_data(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    version: Option<i32>,
) -> Result<PlanPrint> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_printed", "case", case_id).section("plan");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let (snapshot, frozen_on) = match version {
            Some(n) => {
                let v = version_row(tx, case_id, n).await?;
                (Snapshot::from_json(&v.snapshot)?, Some(v.frozen_on))
            }
            None => (snapshot_of(tx, case_id).await?, None),
        };
        let persons = cases::persons_of(tx, case_id).await?;
        if persons.is_empty() {
            return Err(Error::NotFound);
        }
        let issuer = issuer_of(tx, ctx, &c).await?;
        let rules = WorkRules::load(tx).await?;
        let next_review = review_due(tx, case_id, &rules).await?;
        let last_review = due_inputs(tx, case_id).await?.1;
        let review_on = snapshot
            .review
            .as_ref()
            .map(|r| r.held_on)
            .or(if version.is_none() { last_review } else { None });
        audit::record(tx, ctx, ev).await?;
        let fields = fields::all(tx).await?;
        Ok(PlanPrint {
            case_number: c.case_number,
            person_names: persons
                .iter()
                .map(|p| (p.id, format!("{} {}", p.given_name, p.family_name)))
                .collect(),
            persons: persons.iter().map(printed_person).collect(),
            issuer,
            snapshot,
            fields,
            version,
            frozen_on,
            review_on,
            next_review,
            date: ctx.today(),
        })
    })
    .await
}

fn printed_person(p: &person::Model) -> PrintedPerson {
    PrintedPerson {
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        name_original: p.name_original.clone(),
        birth: crate::kernel::types::Birth::from_stored(p.birth_date, p.birth_year).display(),
    }
}

/// The organisation and municipality of the case, and the IM printing.
async fn issuer_of<C: ConnectionTrait>(conn: &C, ctx: &Ctx, c: &case::Model) -> Result<Issuer> {
    use ankommen_store::entities::{municipality, organisation};
    let organisation = organisation::Entity::find_by_id(c.organisation_id)
        .one(conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let municipality = municipality::Entity::find_by_id(c.municipality_ags.clone())
        .one(conn)
        .await?
        .map(|m| m.name)
        .unwrap_or_default();
    Ok(Issuer {
        organisation,
        im_name: ctx.actor.display_name.clone(),
        municipality,
    })
}

fn check_scan(u: &Upload) -> std::result::Result<&'static str, &'static str> {
    if u.bytes.is_empty() {
        return Err("error-required");
    }
    if u.bytes.len() > MAX_SCAN_BYTES {
        return Err("error-scan-too-large");
    }
    sniff(&u.bytes).ok_or("error-scan-type")
}

/// Attaches the signed scan to a version (replacing an earlier one). The document belongs to the
/// case's first person.
pub async fn attach_scan(db: &Db, ctx: &Ctx, case_id: i64, number: i32, u: Upload) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("plan_scan_added", "case", case_id).section("plan");
    let (tx, _, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    let content_type = check_scan(&u).map_err(|k| Error::field("scan", k))?;
    let v = version_row(&tx, case_id, number).await?;
    let Some(first) = cases::persons_of(&tx, case_id).await?.into_iter().next() else {
        return Err(Error::NotFound);
    };
    let doc = document::Entity::insert(document::ActiveModel {
        id: NotSet,
        person_id: Set(first.id),
        kind: Set("plan_scan".into()),
        content_type: Set(content_type.into()),
        size: Set(i64::try_from(u.bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(hex::encode(Sha256::digest(&u.bytes))),
        content: Set(u.bytes),
        created_at: Set(ctx.now()),
        created_by: Set(ctx.actor.staff_id),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    plan_version::Entity::update_many()
        .col_expr(plan_version::Column::SignedDocumentId, Expr::value(doc))
        .filter(plan_version::Column::Id.eq(v.id))
        .exec(&tx)
        .await?;
    event(
        &tx,
        ctx,
        case_id,
        "plan_scan_added",
        ctx.today(),
        Some(number.to_string()),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The signed scan of a version, for download. Audited (`plan_scan_downloaded`).
pub async fn scan(db: &Db, ctx: &Ctx, case_id: i64, number: i32) -> Result<Download> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_scan_downloaded", "case", case_id).section("plan");
        let (_, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let v = version_row(tx, case_id, number).await?;
        let Some(doc_id) = v.signed_document_id else {
            return Err(Error::NotFound);
        };
        let d = document::Entity::find_by_id(doc_id)
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(tx, ctx, ev).await?;
        let ext = match d.content_type.as_str() {
            "application/pdf" => "pdf",
            "image/jpeg" => "jpg",
            _ => "png",
        };
        Ok(Download {
            file_name: format!("integrationsplan-{case_id}-fassung-{number}.{ext}"),
            content_type: d.content_type,
            bytes: d.content,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn step(id: i64, text: &str, done: Option<&str>) -> SnapStep {
        SnapStep {
            id,
            text: text.into(),
            owner: "client".into(),
            third_party: None,
            due_on: Some(d("2026-12-01")),
            done_on: done.map(d),
        }
    }

    fn goal(id: i64, text: &str, status: &str, steps: Vec<SnapStep>) -> SnapGoal {
        SnapGoal {
            id,
            field: "language".into(),
            person: None,
            text: text.into(),
            priority: Some(1),
            target_date: Some(d("2027-06-30")),
            status: status.into(),
            status_reason: None,
            created_on: d("2026-11-01"),
            closed_on: None,
            steps,
        }
    }

    #[test]
    fn the_diff_names_added_removed_and_changed_goals_and_steps() {
        let a = Snapshot {
            goals: vec![
                goal(
                    1,
                    "B1 erreichen",
                    "open",
                    vec![step(10, "Kurs suchen", None)],
                ),
                goal(2, "Wohnung finden", "open", vec![]),
            ],
            review: None,
        };
        let mut g1 = goal(
            1,
            "B1-Prüfung bestehen",
            "in_progress",
            vec![
                step(10, "Kurs suchen", Some("2026-11-20")),
                step(11, "Anmelden", None),
            ],
        );
        g1.target_date = Some(d("2027-09-30"));
        let b = Snapshot {
            goals: vec![
                g1,
                goal(
                    3,
                    "Führerschein",
                    "open",
                    vec![step(12, "Fahrschule", None)],
                ),
            ],
            review: None,
        };
        let out = diff(&a, &b);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].goal_id, 1);
        assert_eq!(out[0].kind, GoalChange::Changed);
        assert_eq!(
            out[0].changes,
            vec![
                Change::Text {
                    from: "B1 erreichen".into(),
                    to: "B1-Prüfung bestehen".into()
                },
                Change::Status {
                    from: "open".into(),
                    to: "in_progress".into()
                },
                Change::TargetDate {
                    from: Some(d("2027-06-30")),
                    to: Some(d("2027-09-30"))
                },
                Change::StepDone {
                    text: "Kurs suchen".into(),
                    on: d("2026-11-20")
                },
                Change::StepAdded {
                    text: "Anmelden".into()
                },
            ]
        );
        assert_eq!(out[1].goal_id, 3);
        assert_eq!(out[1].kind, GoalChange::Added);
        assert_eq!(
            out[1].changes,
            vec![Change::StepAdded {
                text: "Fahrschule".into()
            }]
        );
        assert_eq!(out[2].goal_id, 2);
        assert_eq!(out[2].kind, GoalChange::Removed);
    }

    #[test]
    fn identical_snapshots_have_no_diff_and_removed_steps_show() {
        let a = Snapshot {
            goals: vec![goal(
                1,
                "x",
                "open",
                vec![step(10, "s", None), step(11, "t", None)],
            )],
            review: None,
        };
        assert!(diff(&a, &a).is_empty());
        let b = Snapshot {
            goals: vec![goal(1, "x", "open", vec![step(10, "s", None)])],
            review: None,
        };
        assert_eq!(
            diff(&a, &b)[0].changes,
            vec![Change::StepRemoved { text: "t".into() }]
        );
    }

    #[test]
    fn snapshots_round_trip_through_json() {
        let s = Snapshot {
            goals: vec![goal(1, "„Deutsch“ لغة", "open", vec![step(2, "s", None)])],
            review: Some(SnapReview {
                held_on: d("2026-11-21"),
                participants: Some("K, IM".into()),
                summary: None,
                changes: None,
                assessments: vec![(1, "gut".into())],
            }),
        };
        assert_eq!(Snapshot::from_json(&s.to_json().unwrap()).unwrap(), s);
    }

    fn bounds() -> Bounds {
        Bounds {
            opened_on: d("2026-01-10"),
            end: d("2029-01-10"),
            today: d("2026-11-21"),
        }
    }

    fn fields() -> Vec<Field> {
        vec![
            Field {
                key: "language".into(),
                exchange_field: "language".into(),
                label_de: "Sprache".into(),
                label_en: "Language".into(),
                active: true,
            },
            Field {
                key: "old".into(),
                exchange_field: "work".into(),
                label_de: "Alt".into(),
                label_en: "Old".into(),
                active: false,
            },
        ]
    }

    #[test]
    fn goals_need_text_a_known_field_and_dates_inside_the_case() {
        let mut f = GoalForm {
            field: "language".into(),
            text: "  ".into(),
            target_date: "2029-02-01".into(),
            priority: "4".into(),
            person: "99".into(),
            ..Default::default()
        };
        let e = GoalInput::parse(&f, &fields(), None, &[1, 2], &bounds()).unwrap_err();
        assert_eq!(e.get("text"), Some("error-required"));
        assert_eq!(e.get("target_date"), Some("error-after-case-end"));
        assert_eq!(e.get("priority"), Some("error-choice"));
        assert_eq!(e.get("person"), Some("error-choice"));
        f.text = "Ich möchte B1 schaffen".into();
        f.target_date = "2025-12-31".into();
        f.priority = "1".into();
        f.person = "2".into();
        let e = GoalInput::parse(&f, &fields(), None, &[1, 2], &bounds()).unwrap_err();
        assert_eq!(e.get("target_date"), Some("error-before-opening"));
        f.target_date = "30.06.2027".into();
        let g = GoalInput::parse(&f, &fields(), None, &[1, 2], &bounds()).unwrap();
        assert_eq!(g.person, Some(2));
        assert_eq!(g.status, GoalStatus::Open);
        // A deactivated field: refused for new goals, kept for a goal that has it.
        f.field = "old".into();
        assert!(GoalInput::parse(&f, &fields(), None, &[1, 2], &bounds()).is_err());
        assert!(GoalInput::parse(&f, &fields(), Some("old"), &[1, 2], &bounds()).is_ok());
    }

    #[test]
    fn not_reached_and_dropped_need_a_reason() {
        let mut f = GoalForm {
            field: "language".into(),
            text: "x".into(),
            status: "dropped".into(),
            ..Default::default()
        };
        let e = GoalInput::parse(&f, &fields(), None, &[], &bounds()).unwrap_err();
        assert_eq!(e.get("status_reason"), Some("error-goal-reason-required"));
        f.status_reason = "Andere Prioritäten".into();
        let g = GoalInput::parse(&f, &fields(), None, &[], &bounds()).unwrap();
        assert_eq!(g.status, GoalStatus::Dropped);
        f.status = "reached".into();
        f.status_reason.clear();
        assert!(GoalInput::parse(&f, &fields(), None, &[], &bounds()).is_ok());
    }

    #[test]
    fn steps_check_owner_due_and_done_dates() {
        let mut f = StepForm {
            text: "Anmeldung".into(),
            owner: "third_party".into(),
            due_on: "2029-01-11".into(),
            done_on: "2026-11-22".into(),
            ..Default::default()
        };
        let e = StepInput::parse(&f, &bounds()).unwrap_err();
        assert_eq!(e.get("third_party"), Some("error-third-party-required"));
        assert_eq!(e.get("due_on"), Some("error-after-case-end"));
        assert_eq!(e.get("done_on"), Some("error-date-future"));
        f.third_party = "VHS".into();
        f.due_on = "2029-01-10".into();
        f.done_on = "2026-01-09".into();
        let e = StepInput::parse(&f, &bounds()).unwrap_err();
        assert_eq!(e.get("done_on"), Some("error-before-opening"));
        f.done_on = String::new();
        let s = StepInput::parse(&f, &bounds()).unwrap();
        assert_eq!(s.third_party.as_deref(), Some("VHS"));
        f.owner = "im".into();
        assert_eq!(StepInput::parse(&f, &bounds()).unwrap().third_party, None);
    }

    #[test]
    fn closing_dates_follow_the_status() {
        let on = d("2026-11-21");
        assert_eq!(
            closed_on_after("open", None, GoalStatus::Reached, on),
            Some(on)
        );
        assert_eq!(
            closed_on_after("reached", Some(d("2026-10-01")), GoalStatus::Reached, on),
            Some(d("2026-10-01"))
        );
        assert_eq!(
            closed_on_after("reached", Some(d("2026-10-01")), GoalStatus::Dropped, on),
            Some(on)
        );
        assert_eq!(
            closed_on_after("reached", Some(d("2026-10-01")), GoalStatus::InProgress, on),
            None
        );
    }

    #[test]
    fn intervals_are_one_to_24_months() {
        assert_eq!(parse_interval(""), Ok(None));
        assert_eq!(parse_interval("3"), Ok(Some(3)));
        assert_eq!(parse_interval("0"), Err("error-interval"));
        assert_eq!(parse_interval("25"), Err("error-interval"));
        assert_eq!(parse_interval("x"), Err("error-interval"));
        let rules = WorkRules::default();
        assert_eq!(interval_of(None, &rules), 6);
        assert_eq!(interval_of(Some(3), &rules), 3);
    }

    #[test]
    fn review_dates_are_in_the_past_and_inside_the_case() {
        let f = ReviewForm {
            held_on: "2026-11-22".into(),
            goals: vec![ReviewGoalForm {
                goal_id: 1,
                status: "not_reached".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let e = ReviewInput::parse(&f, &bounds()).unwrap_err();
        assert_eq!(e.get("held_on"), Some("error-date-future"));
        assert_eq!(e.get("review_status"), Some("error-goal-reason-required"));
    }
}
