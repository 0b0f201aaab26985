//! Reviews and versions: freezing a version, holding a review, reading and comparing versions.
//! A review's texts, its assessments and a version's snapshot are sealed, bound to their rows
//! (they are never changed).

use ankommen_store::Db;
use ankommen_store::entities::{goal, plan_version, review, review_assessment};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::current::{PlanView, load, snapshot_of};
use super::forms::{Bounds, ReviewForm, ReviewInput};
use super::goals::closed_on_after;
use super::goals::opened_goal;
use super::snapshot::{GoalDiff, SnapReview, Snapshot, diff};
use super::{PlanScope, begin, count_i32, event, touch_plan};
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{
    self, GOAL_STATUS_REASON, GOAL_TEXT, PLAN_SNAPSHOT, REVIEW_ASSESSMENT, REVIEW_CHANGES,
    REVIEW_SUMMARY, Sealing,
};
use crate::kernel::sealing::Sealer;
use crate::{Ctx, Error, Result};

/// A frozen version for display.
#[derive(Clone, Debug)]
pub struct VersionView {
    pub plan: PlanView,
    pub number: i32,
    pub frozen_on: NaiveDate,
    /// Empty when the stored snapshot does not open (`unreadable`).
    pub snapshot: Snapshot,
    /// The stored snapshot does not open: the page says so instead of showing the version.
    pub unreadable: bool,
    pub signed_document_id: Option<i64>,
}

pub(super) async fn version_row<C: ConnectionTrait>(
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

/// A frozen version's snapshot, without the goals `scope` withholds; None if it does not open.
pub(super) fn open_snapshot(
    sealer: &Sealer,
    v: &plan_version::Model,
    scope: &PlanScope,
) -> Result<Option<Snapshot>> {
    match sealed::open(sealer, PLAN_SNAPSHOT.at(v.id), &v.snapshot_sealed).text() {
        Some(json) => {
            let mut snap = Snapshot::from_json(json)?;
            scope.withhold(&mut snap);
            Ok(Some(snap))
        }
        None => Ok(None),
    }
}

/// [`open_snapshot`] where the version's content is needed (a comparison, a print): one that
/// does not open is a conflict.
pub(super) fn readable_snapshot(
    sealer: &Sealer,
    v: &plan_version::Model,
    scope: &PlanScope,
) -> Result<Snapshot> {
    open_snapshot(sealer, v, scope)?.ok_or(Error::Conflict("error-sealed-unreadable"))
}

/// One frozen version. The read is audited (`plan_version_viewed`). Refused without a consent
/// that covers the plan.
pub async fn version(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    number: i32,
) -> Result<VersionView> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_version_viewed", "case", case_id).section("plan");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let plan = load(tx, sealer, c, ctx.today()).await?;
        plan.scope.require()?;
        let v = version_row(tx, case_id, number).await?;
        audit::record(tx, ctx, ev).await?;
        let snapshot = open_snapshot(sealer, &v, &plan.scope)?;
        Ok(VersionView {
            number: v.number,
            frozen_on: v.frozen_on,
            unreadable: snapshot.is_none(),
            snapshot: snapshot.unwrap_or_default(),
            signed_document_id: v.signed_document_id,
            plan,
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
/// Refused without a consent that covers the plan.
pub async fn compare(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    a: i32,
    b: Option<i32>,
) -> Result<Comparison> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_compared", "case", case_id).section("plan");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let plan = load(tx, sealer, c, ctx.today()).await?;
        plan.scope.require()?;
        let sa = readable_snapshot(sealer, &version_row(tx, case_id, a).await?, &plan.scope)?;
        let sb = match b {
            Some(n) => readable_snapshot(sealer, &version_row(tx, case_id, n).await?, &plan.scope)?,
            None => snapshot_of(tx, sealer, &plan.scope, case_id).await?,
        };
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

/// Freezes the current plan as the next version (number = highest + 1).
async fn freeze_in<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    scope: &PlanScope,
    sealing: &Sealing<'_>,
    case_id: i64,
    on: NaiveDate,
    review: Option<(i64, SnapReview)>,
) -> Result<i32> {
    let mut snap = snapshot_of(conn, sealing.sealer(), scope, case_id).await?;
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
    let id = plan_version::Entity::insert(plan_version::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        number: Set(number),
        review_id: Set(review_id),
        frozen_on: Set(on),
        // Sealed for the row, so written once the row has its id.
        snapshot_sealed: NotSet,
        signed_document_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(ctx.now()),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    plan_version::Entity::update_many()
        .col_expr(
            plan_version::Column::SnapshotSealed,
            Expr::value(sealing.seal(PLAN_SNAPSHOT.at(id), &snap.to_json()?)?),
        )
        .filter(plan_version::Column::Id.eq(id))
        .exec(conn)
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
pub async fn freeze(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    plan_version: i32,
) -> Result<i32> {
    let today = ctx.today();
    let (tx, _, ev, scope) = begin(db, ctx, case_id, "plan_version_frozen").await?;
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
    let sealing = Sealing::begin(&tx, sealer).await?;
    let n = freeze_in(&tx, ctx, &scope, &sealing, case_id, today, None).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(n)
}

/// Records a review: its facts, an assessment per goal, optionally new goal statuses; freezes a
/// new version. All in one transaction. Returns the version number.
pub async fn hold_review(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    plan_version: i32,
    form: &ReviewForm,
) -> Result<i32> {
    let today = ctx.today();
    let (tx, c, ev, scope) = begin(db, ctx, case_id, "plan_review_held").await?;
    // The goals a review may assess: those not withheld.
    let goals: Vec<goal::Model> = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(case_id))
        .all(&tx)
        .await?
        .into_iter()
        .filter(|g| scope.shows(g.person_id))
        .map(|g| opened_goal(sealer, g))
        .collect();
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
    let sealing = Sealing::begin(&tx, sealer).await?;
    let review_id = review::Entity::insert(review::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        held_on: Set(input.held_on),
        participants: Set(input.participants.clone()),
        // Sealed for the row, so written once the row has its id.
        summary_sealed: Set(None),
        changes_sealed: Set(None),
        external_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(ctx.now()),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    review::Entity::update_many()
        .col_expr(
            review::Column::SummarySealed,
            Expr::value(sealing.seal_opt(REVIEW_SUMMARY.at(review_id), input.summary.as_deref())?),
        )
        .col_expr(
            review::Column::ChangesSealed,
            Expr::value(sealing.seal_opt(REVIEW_CHANGES.at(review_id), input.changes.as_deref())?),
        )
        .filter(review::Column::Id.eq(review_id))
        .exec(&tx)
        .await?;
    let assessments =
        apply_to_goals(&tx, ctx, &sealing, case_id, review_id, &input, &goals).await?;
    event(&tx, ctx, case_id, "review_held", input.held_on, None).await?;
    let snap = SnapReview {
        held_on: input.held_on,
        participants: input.participants,
        summary: input.summary,
        changes: input.changes,
        assessments,
    };
    let n = freeze_in(
        &tx,
        ctx,
        &scope,
        &sealing,
        case_id,
        input.held_on,
        Some((review_id, snap)),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(n)
}

/// Stores a review's assessment of each goal and applies the new goal statuses it sets (an
/// unchanged status is left alone). Returns the assessments for the frozen version.
/// The goals are opened.
async fn apply_to_goals<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    sealing: &Sealing<'_>,
    case_id: i64,
    review_id: i64,
    input: &ReviewInput,
    goals: &[goal::Model],
) -> Result<Vec<(i64, String)>> {
    let mut assessments = Vec::new();
    for (gid, assessment, status) in &input.goals {
        if let Some(a) = assessment {
            review_assessment::Entity::insert(review_assessment::ActiveModel {
                review_id: Set(review_id),
                goal_id: Set(*gid),
                assessment_sealed: Set(sealing.seal(REVIEW_ASSESSMENT.at_pair(review_id, *gid), a)?),
            })
            .exec_without_returning(conn)
            .await?;
            assessments.push((*gid, a.clone()));
        }
        let Some((st, reason)) = status else {
            continue;
        };
        let Some(g) = goals.iter().find(|g| g.id == *gid) else {
            continue;
        };
        let old_reason = g.status_reason.as_ref().map(|r| r.text());
        if g.status == st.as_str() && old_reason == reason.as_deref().map(Some) {
            continue;
        }
        let closed_on = closed_on_after(&g.status, g.closed_on, *st, input.held_on);
        // The goal's text and new reason, sealed for its next version.
        let next = g.version + 1;
        let text = sealing.reseal(
            GOAL_TEXT.at_version(g.id, g.version),
            GOAL_TEXT.at_version(g.id, next),
            &g.text_sealed,
        )?;
        let reason =
            sealing.seal_opt(GOAL_STATUS_REASON.at_version(g.id, next), reason.as_deref())?;
        let res = goal::Entity::update_many()
            .col_expr(goal::Column::Status, Expr::value(st.as_str()))
            .col_expr(goal::Column::TextSealed, Expr::value(text))
            .col_expr(goal::Column::StatusReasonSealed, Expr::value(reason))
            .col_expr(goal::Column::ClosedOn, Expr::value(closed_on))
            .col_expr(goal::Column::UpdatedAt, Expr::value(ctx.now()))
            .col_expr(goal::Column::Version, Expr::value(next))
            .filter(goal::Column::Id.eq(g.id))
            .filter(goal::Column::Version.eq(g.version))
            .exec(conn)
            .await?;
        crate::administration::organisations::expect_updated(
            conn,
            res.rows_affected,
            goal::Entity::find_by_id(g.id),
        )
        .await?;
        if g.status != st.as_str() {
            let d = super::goals::about(st.as_str(), g.id);
            event(conn, ctx, case_id, "goal_status", input.held_on, d).await?;
        }
    }
    Ok(assessments)
}
