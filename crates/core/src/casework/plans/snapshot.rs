//! Snapshots of a plan as frozen in a version, and the comparison of two of them (pure).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

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
