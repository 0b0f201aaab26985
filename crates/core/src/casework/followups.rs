//! Follow-ups (Wiedervorlagen): a date, a case, a reason; done, or moved to another date.
//!
//! Open means `done_on IS NULL`; an open follow-up is due when `due_on <= today` and overdue when
//! `due_on < today`. When moved, `first_due_on` keeps the original date. The reason is sealed,
//! bound to the row's version.

use ankommen_store::Db;
use ankommen_store::entities::{case, followup};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::administration::organisations::expect_updated;
use crate::casework::contacts::REASON_MAX;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::CaseStatus;
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, FOLLOWUP_REASON, Sealing};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{parse_date, parse_text_req};
use crate::{Ctx, Error, FieldErrors, Result};

/// A due date for a new or moved follow-up: not before today.
pub(crate) fn parse_due(
    e: &mut FieldErrors,
    field: &'static str,
    s: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let d = e.take(field, parse_date(s))?;
    if d < today {
        e.add(field, "error-followup-past");
        None
    } else {
        Some(d)
    }
}

/// The follow-up with its reason opened.
pub(crate) fn opened(sealer: &Sealer, mut f: followup::Model) -> followup::Model {
    f.reason = sealed::open(
        sealer,
        FOLLOWUP_REASON.at_version(f.id, f.version),
        &f.reason_sealed,
    );
    f
}

pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    sealing: &Sealing<'_>,
    case_id: i64,
    due: NaiveDate,
    reason: &str,
    contact_id: Option<i64>,
) -> Result<i64> {
    let now = ctx.now();
    let id = followup::Entity::insert(followup::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        due_on: Set(due),
        // Sealed for the row, so written once the row has its id.
        reason_sealed: NotSet,
        done_on: Set(None),
        first_due_on: Set(None),
        contact_id: Set(contact_id),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    followup::Entity::update_many()
        .col_expr(
            followup::Column::ReasonSealed,
            Expr::value(sealing.seal(FOLLOWUP_REASON.at_version(id, 1), reason)?),
        )
        .filter(followup::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(id)
}

/// Sets a follow-up for a case. Returns its id.
pub async fn create(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    due_on: &str,
    reason: &str,
) -> Result<i64> {
    let today = ctx.today();
    let tx = db.begin().await?;
    let ev = Event::on("followup_created", "case", case_id);
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev).await?;
    if c.status == CaseStatus::Closed.as_str() {
        tx.commit().await?;
        return Err(Error::Conflict("error-followup-case-closed"));
    }
    let mut e = FieldErrors::new();
    let due = parse_due(&mut e, "followup_on", due_on, today);
    let reason = e.take("followup_reason", parse_text_req(reason, REASON_MAX));
    e.into_result()?;
    let (Some(due), Some(reason)) = (due, reason) else {
        return Err(Error::field("form", "error-form"));
    };
    let sealing = Sealing::begin(&tx, sealer).await?;
    let id = insert(&tx, ctx, &sealing, case_id, due, &reason, None).await?;
    let ev = Event::on("followup_created", "followup", id).case(case_id);
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

async fn followup_in(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    id: i64,
    version: i32,
    ev: Event,
) -> Result<(ankommen_store::Tx, followup::Model, case::Model)> {
    let Some(f) = followup::Entity::find_by_id(id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let ev = ev.case(f.case_id);
    let (tx, c, _) = access::case_in(tx, ctx, f.case_id, Action::WriteClient, ev).await?;
    if f.version != version {
        return Err(Error::Conflict("error-stale"));
    }
    if f.done_on.is_some() {
        return Err(Error::Conflict("error-followup-done"));
    }
    Ok((tx, f, c))
}

async fn save(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    sealer: &Sealer,
    f: &followup::Model,
    cols: Vec<(followup::Column, sea_orm::Value)>,
    ev: Event,
) -> Result<i64> {
    // The reason is bound to the row's version: sealed again for the next one.
    let reason = Sealing::begin(&tx, sealer).await?.reseal(
        FOLLOWUP_REASON.at_version(f.id, f.version),
        FOLLOWUP_REASON.at_version(f.id, f.version + 1),
        &f.reason_sealed,
    )?;
    let mut upd = followup::Entity::update_many()
        .col_expr(followup::Column::ReasonSealed, Expr::value(reason));
    for (col, v) in cols {
        upd = upd.col_expr(col, Expr::value(v));
    }
    let res = upd
        .col_expr(followup::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(followup::Column::Version, Expr::value(f.version + 1))
        .filter(followup::Column::Id.eq(f.id))
        .filter(followup::Column::Version.eq(f.version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, followup::Entity::find_by_id(f.id)).await?;
    audit::record(&tx, ctx, ev.case(f.case_id)).await?;
    tx.commit().await?;
    Ok(f.case_id)
}

/// Marks a follow-up done today. Returns the case's id.
pub async fn done(db: &Db, ctx: &Ctx, sealer: &Sealer, id: i64, version: i32) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("followup_done", "followup", id);
    let (tx, f, _) = followup_in(tx, ctx, id, version, ev.clone()).await?;
    let today = ctx.today();
    save(
        tx,
        ctx,
        sealer,
        &f,
        vec![(followup::Column::DoneOn, Some(today).into())],
        ev,
    )
    .await
}

/// Moves an open follow-up to another date (not before today); the first date is kept. Returns
/// the case's id.
pub async fn move_to(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    id: i64,
    version: i32,
    due_on: &str,
) -> Result<i64> {
    let today = ctx.today();
    let tx = db.begin().await?;
    let ev = Event::on("followup_moved", "followup", id);
    let (tx, f, c) = followup_in(tx, ctx, id, version, ev.clone()).await?;
    if c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-followup-case-closed"));
    }
    let mut e = FieldErrors::new();
    let due = parse_due(&mut e, "move_to", due_on, today);
    e.into_result()?;
    let Some(due) = due else {
        return Err(Error::field("form", "error-form"));
    };
    let first = f.first_due_on.unwrap_or(f.due_on);
    save(
        tx,
        ctx,
        sealer,
        &f,
        vec![
            (followup::Column::DueOn, due.into()),
            (followup::Column::FirstDueOn, Some(first).into()),
        ],
        ev,
    )
    .await
}

/// A follow-up as the case page lists it.
#[derive(Clone, Debug)]
pub struct Row {
    pub followup: followup::Model,
    /// Open and due today or earlier.
    pub due: bool,
    /// Open and due before today.
    pub overdue: bool,
}

/// The most done follow-ups the case page lists (the timeline has all).
pub const DONE_SHOWN: u64 = 10;

/// The follow-ups of a case the caller has checked access to (the caller records the read): the
/// open ones first (earliest first), then the latest done ones.
pub(crate) async fn rows_of<C: ConnectionTrait>(
    tx: &C,
    sealer: &Sealer,
    case_id: i64,
    today: NaiveDate,
) -> Result<Vec<Row>> {
    {
        let mut rows: Vec<Row> = followup::Entity::find()
            .filter(followup::Column::CaseId.eq(case_id))
            .filter(followup::Column::DoneOn.is_null())
            .order_by_asc(followup::Column::DueOn)
            .order_by_asc(followup::Column::Id)
            .all(tx)
            .await?
            .into_iter()
            .map(|f| Row {
                due: f.due_on <= today,
                overdue: f.due_on < today,
                followup: opened(sealer, f),
            })
            .collect();
        rows.extend(
            followup::Entity::find()
                .filter(followup::Column::CaseId.eq(case_id))
                .filter(followup::Column::DoneOn.is_not_null())
                .order_by_desc(followup::Column::DoneOn)
                .order_by_desc(followup::Column::Id)
                .limit(DONE_SHOWN)
                .all(tx)
                .await?
                .into_iter()
                .map(|f| Row {
                    followup: opened(sealer, f),
                    due: false,
                    overdue: false,
                }),
        );
        Ok(rows)
    }
}
