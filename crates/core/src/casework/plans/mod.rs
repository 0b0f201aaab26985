//! The integration plan of a case: goals per field of action (in the client's words), steps,
//! reviews (Fortschreibung) that freeze versions, the comparison of versions, the print data and
//! the signed scan of a version.
//!
//! Every read and change goes through [`access::case_in`] and is audited in the same transaction.
//! Every change bumps the plan row's `version` and writes a `case_events` row for the case's
//! timeline (kinds `goal_added`, `goal_changed`, `goal_status`, `step_added`, `step_changed`,
//! `step_done`, `review_held`, `plan_version_frozen`, `plan_settings_changed`,
//! `plan_scan_added`); `detail` holds only keys and ids, never the client's words, which are
//! sealed (`kernel::sealed`): goal and step texts and status reasons bound to their row's version,
//! reviews, assessments and frozen versions to their rows.
//!
//! A plan holds data beyond the minimum, so it needs consent ([`PlanScope`], decision 0012): the
//! whole plan the consent of the case's client (its first person, who signs it), a goal naming a
//! household member also that member's. Without it the plan is neither changed nor shown.

mod current;
mod forms;
mod goals;
mod print;
mod reviews;
mod scope;
mod snapshot;
#[cfg(test)]
mod tests;

pub use self::current::{GoalView, PlanView, StepView, VersionRow, get, review_due, set_interval};
pub(crate) use self::current::{load as load_plan, opened_review};
pub use self::forms::{
    Bounds, GoalForm, GoalInput, ReviewForm, ReviewGoalForm, StepForm, StepInput, parse_interval,
};
pub(crate) use self::goals::opened_goal;
pub use self::goals::{add_goal, add_step, closed_on_after, update_goal, update_step};
pub use self::print::{PlanPrint, attach_scan, print_data, scan};
pub use self::reviews::{Comparison, VersionView, compare, freeze, hold_review, version};
pub use self::scope::PlanScope;
pub use self::snapshot::{
    Change, GoalChange, GoalDiff, SnapGoal, SnapReview, SnapStep, Snapshot, diff,
};

use ankommen_store::Db;
use ankommen_store::entities::{case, plan};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::administration::organisations::expect_updated;
use crate::casework::cases;
use crate::kernel::access;
use crate::kernel::audit::Event;
use crate::kernel::catalog::CaseStatus;
use crate::kernel::policy::Action;
use crate::{Ctx, Error, Result};

/// The longest goal or step text.
pub const MAX_TEXT: usize = 2000;
/// The allowed range of a plan's own review interval, in months.
pub const INTERVAL_RANGE: (u32, u32) = (1, 24);

// The steps every change of a plan shares: access, the case's timeline, the plan's version.

/// Starts a change of a case's plan: write access, an open case, a consent that covers the plan.
async fn begin(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    action: &'static str,
) -> Result<(ankommen_store::Tx, case::Model, Event, PlanScope)> {
    let tx = db.begin().await?;
    let ev = Event::on(action, "case", case_id).section("plan");
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    if c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-case-closed"));
    }
    let scope = PlanScope::of(&tx, case_id, ctx.today()).await?;
    scope.require()?;
    Ok((tx, c, ev, scope))
}

/// An entry of the case's history about its plan (no reason, no other staff member).
async fn event<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    case_id: i64,
    kind: &str,
    on: NaiveDate,
    detail: Option<String>,
) -> Result<()> {
    crate::casework::cases::event(conn, ctx, case_id, kind, on, None, detail, None).await
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

fn count_i32(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
