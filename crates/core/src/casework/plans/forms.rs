//! Parsing of the plan's forms: goals, steps, reviews and the review interval (pure).

use ankommen_store::entities::case;
use chrono::NaiveDate;

use super::{INTERVAL_RANGE, MAX_TEXT};
use crate::FieldErrors;
use crate::administration::fields::{self, Field};
use crate::casework::cases;
use crate::kernel::catalog::{GoalStatus, StepOwner};
use crate::kernel::types::{parse_date, parse_date_opt, parse_text, parse_text_req};

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
pub(super) struct ReviewInput {
    pub(super) held_on: NaiveDate,
    pub(super) participants: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) changes: Option<String>,
    /// goal id, assessment, new status with reason.
    pub(super) goals: Vec<(i64, Option<String>, Option<StatusWithReason>)>,
}

impl ReviewInput {
    pub(super) fn parse(f: &ReviewForm, b: &Bounds) -> std::result::Result<Self, FieldErrors> {
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
