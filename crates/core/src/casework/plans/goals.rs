//! Goals and their steps: adding and changing them. Their texts (and a goal's status reason) are
//! sealed, bound to the row's version.

use ankommen_store::Db;
use ankommen_store::entities::{goal, step};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::forms::{Bounds, GoalForm, GoalInput, StepForm, StepInput};
use super::{PlanScope, begin, count_i32, event, person_ids, touch_plan};
use crate::administration::fields;
use crate::administration::organisations::expect_updated;
use crate::kernel::audit;
use crate::kernel::catalog::GoalStatus;
use crate::kernel::sealed::{self, GOAL_STATUS_REASON, GOAL_TEXT, STEP_TEXT, Sealing};
use crate::kernel::sealing::Sealer;
use crate::{Ctx, Error, Result};

/// The detail of a goal's or step's event: the field of action (or the goal's new state) and the
/// goal's id, `work 17` (the timeline shows the goal's text by it; events before it say `work`).
pub(crate) fn about(what: &str, goal_id: i64) -> Option<String> {
    Some(format!("{what} {goal_id}"))
}

/// Adds a goal (creating the plan with the first one). Returns the goal's id.
/// The goal with its text and status reason opened.
pub(crate) fn opened_goal(sealer: &Sealer, mut g: goal::Model) -> goal::Model {
    g.text = sealed::open(
        sealer,
        GOAL_TEXT.at_version(g.id, g.version),
        &g.text_sealed,
    );
    g.status_reason = sealed::open_opt(
        sealer,
        GOAL_STATUS_REASON.at_version(g.id, g.version),
        g.status_reason_sealed.as_deref(),
    );
    g
}

/// The step with its text opened.
pub(crate) fn opened_step(sealer: &Sealer, mut s: step::Model) -> step::Model {
    s.text = sealed::open(
        sealer,
        STEP_TEXT.at_version(s.id, s.version),
        &s.text_sealed,
    );
    s
}

/// The sealed columns of a goal changed to `version` (text and status reason).
fn sealed_goal(
    sealing: &Sealing<'_>,
    goal_id: i64,
    version: i32,
    text: &str,
    reason: Option<&str>,
) -> Result<(Vec<u8>, Option<Vec<u8>>)> {
    Ok((
        sealing.seal(GOAL_TEXT.at_version(goal_id, version), text)?,
        sealing.seal_opt(GOAL_STATUS_REASON.at_version(goal_id, version), reason)?,
    ))
}

/// Saves the sealed columns of a goal just inserted (version 1).
async fn seal_new_goal<C: ConnectionTrait>(
    conn: &C,
    sealing: &Sealing<'_>,
    goal_id: i64,
    text: &str,
) -> Result<()> {
    let (text, _) = sealed_goal(sealing, goal_id, 1, text, None)?;
    goal::Entity::update_many()
        .col_expr(goal::Column::TextSealed, Expr::value(text))
        .filter(goal::Column::Id.eq(goal_id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn add_goal(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    form: &GoalForm,
) -> Result<i64> {
    let today = ctx.today();
    let (tx, c, ev, scope) = begin(db, ctx, case_id, "plan_goal_added").await?;
    let fields = fields::active(&tx).await?;
    let persons = person_ids(&tx, case_id).await?;
    let form = GoalForm {
        status: String::new(),
        status_reason: String::new(),
        ..form.clone()
    };
    let input = GoalInput::parse(&form, &fields, None, &persons, &Bounds::of(&c, today))?;
    member_covered(&scope, input.person)?;
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
        // Sealed for the row, so written once the row has its id.
        text_sealed: NotSet,
        priority: Set(input.priority),
        target_date: Set(input.target_date),
        status: Set(GoalStatus::Open.as_str().into()),
        status_reason_sealed: Set(None),
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
    seal_new_goal(&tx, &Sealing::begin(&tx, sealer).await?, id, &input.text).await?;
    event(
        &tx,
        ctx,
        case_id,
        "goal_added",
        today,
        about(&input.field, id),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

/// A goal may name only a household member whose consent covers the plan.
fn member_covered(scope: &PlanScope, person: Option<i64>) -> Result<()> {
    if scope.shows(person) {
        Ok(())
    } else {
        Err(Error::field("person", "error-goal-person-no-consent"))
    }
}

/// A goal of the case, unless it is withheld (it names a member without consent): then, like a
/// missing one, not found.
async fn goal_of<C: ConnectionTrait>(
    conn: &C,
    scope: &PlanScope,
    case_id: i64,
    goal_id: i64,
) -> Result<goal::Model> {
    goal::Entity::find_by_id(goal_id)
        .filter(goal::Column::CaseId.eq(case_id))
        .one(conn)
        .await?
        .filter(|g| scope.shows(g.person_id))
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
    sealer: &Sealer,
    case_id: i64,
    goal_id: i64,
    version: i32,
    form: &GoalForm,
) -> Result<()> {
    let today = ctx.today();
    let (tx, c, ev, scope) = begin(db, ctx, case_id, "plan_goal_changed").await?;
    let g = opened_goal(sealer, goal_of(&tx, &scope, case_id, goal_id).await?);
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
    member_covered(&scope, input.person)?;
    let closed_on = closed_on_after(&g.status, g.closed_on, input.status, today);
    let status_changed = g.status != input.status.as_str();
    // A stored text that does not open counts as changed: the form's text replaces it.
    let old_reason = g.status_reason.as_ref().map(|r| r.text());
    let new_reason = input.status_reason.as_deref().map(Some);
    let other_changed = g.text.text() != Some(input.text.as_str())
        || g.field_key != input.field
        || g.person_id != input.person
        || g.priority != input.priority
        || g.target_date != input.target_date
        || (old_reason != new_reason && !status_changed);
    let sealing = Sealing::begin(&tx, sealer).await?;
    let (text, reason) = sealed_goal(
        &sealing,
        goal_id,
        version + 1,
        &input.text,
        input.status_reason.as_deref(),
    )?;
    let res = goal::Entity::update_many()
        .col_expr(goal::Column::FieldKey, Expr::value(input.field.clone()))
        .col_expr(goal::Column::TextSealed, Expr::value(text))
        .col_expr(goal::Column::PersonId, Expr::value(input.person))
        .col_expr(goal::Column::Priority, Expr::value(input.priority))
        .col_expr(goal::Column::TargetDate, Expr::value(input.target_date))
        .col_expr(goal::Column::Status, Expr::value(input.status.as_str()))
        .col_expr(goal::Column::StatusReasonSealed, Expr::value(reason))
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
        let d = about(&input.field, goal_id);
        event(&tx, ctx, case_id, "goal_changed", today, d).await?;
    }
    if status_changed {
        let detail = about(input.status.as_str(), goal_id);
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
    sealer: &Sealer,
    case_id: i64,
    goal_id: i64,
    form: &StepForm,
) -> Result<i64> {
    let today = ctx.today();
    let (tx, c, ev, scope) = begin(db, ctx, case_id, "plan_step_added").await?;
    let g = goal_of(&tx, &scope, case_id, goal_id).await?;
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
        // Sealed for the row, so written once the row has its id.
        text_sealed: NotSet,
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
    let text = Sealing::begin(&tx, sealer)
        .await?
        .seal(STEP_TEXT.at_version(id, 1), &input.text)?;
    step::Entity::update_many()
        .col_expr(step::Column::TextSealed, Expr::value(text))
        .filter(step::Column::Id.eq(id))
        .exec(&tx)
        .await?;
    event(
        &tx,
        ctx,
        case_id,
        "step_added",
        today,
        about(&g.field_key, g.id),
    )
    .await?;
    if let Some(d) = done {
        event(&tx, ctx, case_id, "step_done", d, about(&g.field_key, g.id)).await?;
    }
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a step, or marks it done (`done_on`).
pub async fn update_step(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    step_id: i64,
    version: i32,
    form: &StepForm,
) -> Result<()> {
    let today = ctx.today();
    let (tx, c, ev, scope) = begin(db, ctx, case_id, "plan_step_changed").await?;
    let s = step::Entity::find_by_id(step_id)
        .filter(step::Column::CaseId.eq(case_id))
        .one(&tx)
        .await?
        .map(|s| opened_step(sealer, s))
        .ok_or(Error::NotFound)?;
    let g = goal_of(&tx, &scope, case_id, s.goal_id).await?;
    if s.version != version {
        return Err(Error::Conflict("error-stale"));
    }
    let input = StepInput::parse(form, &Bounds::of(&c, today))?;
    let done_now = s.done_on.is_none() && input.done_on.is_some();
    let other_changed = s.text.text() != Some(input.text.as_str())
        || s.owner != input.owner.as_str()
        || s.third_party != input.third_party
        || s.due_on != input.due_on
        || (s.done_on.is_some() && s.done_on != input.done_on);
    let text = Sealing::begin(&tx, sealer)
        .await?
        .seal(STEP_TEXT.at_version(step_id, version + 1), &input.text)?;
    let res = step::Entity::update_many()
        .col_expr(step::Column::TextSealed, Expr::value(text))
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
        let d = about(&g.field_key, g.id);
        event(&tx, ctx, case_id, "step_changed", today, d).await?;
    }
    if let (true, Some(d)) = (done_now, input.done_on) {
        event(&tx, ctx, case_id, "step_done", d, about(&g.field_key, g.id)).await?;
    }
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}
