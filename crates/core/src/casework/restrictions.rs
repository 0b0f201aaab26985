//! Restriction of processing (Art. 18 GDPR; issue 25, decision 0027).
//!
//! A client may ask that their data is kept but no longer processed: while they contest its
//! accuracy, when the processing is unlawful but they oppose the erasure, when the provider no
//! longer needs it but they need it for a legal claim, or while their objection is examined
//! (Art. 18(1)(a)–(d)). The restriction is placed on the client's case by those who may hold its
//! erasure (the IM who holds it, the team lead of their team: policy action `HoldRetention`), with
//! the ground and the day the request was received, and lifted by them.
//!
//! While it stands, the case and its persons are **read-only**: every change through
//! `access::case_for`/`person_for` whose action changes client data is refused with
//! `Conflict("error-restricted")` — one central check, whatever page or import asks (the
//! withdrawal of consent stays possible). The case is **left out of every list** (caseload, start
//! page, duplicates: `access::listable_cases`), the retention run neither erases it nor its
//! voluntary data (as under a hold), and an erasure on request waits until it is lifted. The
//! holders find it on "Anstehende Löschungen"; the data-protection officer sees every restriction
//! of their scope. Placing, lifting and every look are audited; the case's history records both.

use ankommen_store::Db;
use ankommen_store::entities::{case, restriction};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::kernel::access::{case_in, cases_with_refs};
use crate::kernel::audit::{self, Event};
use crate::kernel::error::FieldErrors;
use crate::kernel::policy::{Action, Resource};
use crate::{Ctx, Error, Result};

/// The grounds of Art. 18(1) GDPR, as stored.
pub const GROUNDS: &[&str] = &[
    // (a) the person contests the accuracy of the data, for the time it takes to check it.
    "accuracy",
    // (b) the processing is unlawful and the person opposes the erasure.
    "unlawful",
    // (c) no longer needed, but the person needs the data for a legal claim.
    "legal_claims",
    // (d) the person objected (Art. 21(1)) while it is examined.
    "objection",
];

/// A restriction as shown: names of staff, never of the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restriction {
    pub id: i64,
    pub case_id: i64,
    pub ground: String,
    pub requested_on: NaiveDate,
    pub placed_by: String,
    pub placed_at: DateTime<Utc>,
    pub lifted_by: Option<String>,
    pub lifted_at: Option<DateTime<Utc>>,
}

impl Restriction {
    pub fn active(&self) -> bool {
        self.lifted_at.is_none()
    }
}

/// A case's restrictions for its own page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRestrictions {
    pub case_id: i64,
    pub case_number: String,
    /// Newest first.
    pub restrictions: Vec<Restriction>,
}

impl CaseRestrictions {
    /// The restriction that stands, if any.
    pub fn active(&self) -> Option<&Restriction> {
        self.restrictions.iter().find(|r| r.active())
    }
}

pub(crate) async fn restrictions_where<C: ConnectionTrait>(
    conn: &C,
    cond: Condition,
) -> Result<Vec<Restriction>> {
    let rows = restriction::Entity::find()
        .filter(cond)
        .order_by_desc(restriction::Column::Id)
        .all(conn)
        .await?;
    crate::administration::duties::with_staff_names(
        conn,
        rows,
        |r| {
            [Some(r.placed_by), r.lifted_by]
                .into_iter()
                .flatten()
                .collect()
        },
        |r, name| Restriction {
            id: r.id,
            case_id: r.case_id,
            ground: r.ground,
            requested_on: r.requested_on,
            placed_by: name(r.placed_by),
            placed_at: r.placed_at,
            lifted_by: r.lifted_by.map(name),
            lifted_at: r.lifted_at,
        },
    )
    .await
}

/// The restriction standing on a case, for a page that already read the case under the policy.
pub async fn active_on<C: ConnectionTrait>(conn: &C, case_id: i64) -> Result<Option<Restriction>> {
    Ok(restrictions_where(
        conn,
        Condition::all()
            .add(restriction::Column::CaseId.eq(case_id))
            .add(restriction::Column::LiftedAt.is_null()),
    )
    .await?
    .into_iter()
    .next())
}

/// The case's restrictions, for those who may hold it (others are refused like a missing case).
/// Audited.
pub async fn of_case(db: &Db, ctx: &Ctx, case_id: i64) -> Result<CaseRestrictions> {
    let ev = Event::on("restrictions_viewed", "case", case_id);
    let (tx, c, _) = case_in(
        db.begin().await?,
        ctx,
        case_id,
        Action::HoldRetention,
        ev.clone(),
    )
    .await?;
    let restrictions = restrictions_where(
        &tx,
        Condition::all().add(restriction::Column::CaseId.eq(case_id)),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(CaseRestrictions {
        case_id,
        case_number: c.case_number,
        restrictions,
    })
}

/// Restricts the processing of the case's data on the person's request received on
/// `requested_on` (not after today), on one of the [`GROUNDS`]. One restriction stands at a time.
pub async fn place(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    ground: &str,
    requested_on: &str,
) -> Result<()> {
    let ev = Event::on("restriction_placed", "case", case_id);
    let (tx, _, _) = case_in(
        db.begin().await?,
        ctx,
        case_id,
        Action::HoldRetention,
        ev.clone(),
    )
    .await?;
    let today = ctx.today();
    let mut e = FieldErrors::new();
    let ground = ground.trim();
    if !GROUNDS.contains(&ground) {
        e.add("ground", "error-restriction-ground");
    }
    let requested_on = match crate::kernel::types::parse_date(requested_on) {
        Ok(d) if d <= today => Some(d),
        Ok(_) => {
            e.add("requested_on", "error-date-future");
            None
        }
        Err(key) => {
            e.add("requested_on", key);
            None
        }
    };
    e.into_result()?;
    let Some(requested_on) = requested_on else {
        return Err(Error::field("requested_on", "error-required"));
    };
    if active_on(&tx, case_id).await?.is_some() {
        return Err(Error::Conflict("error-restriction-active"));
    }
    restriction::Entity::insert(restriction::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        ground: Set(ground.to_string()),
        requested_on: Set(requested_on),
        placed_by: Set(ctx.actor.staff_id),
        placed_at: Set(ctx.now()),
        lifted_by: Set(None),
        lifted_at: Set(None),
    })
    .exec_without_returning(&tx)
    .await?;
    crate::casework::cases::event(
        &tx,
        ctx,
        case_id,
        "restricted",
        requested_on,
        None,
        Some(ground.to_string()),
        None,
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Lifts the restriction standing on the case: its data is processed again and it is listed.
pub async fn lift(db: &Db, ctx: &Ctx, case_id: i64) -> Result<()> {
    let ev = Event::on("restriction_lifted", "case", case_id);
    let (tx, _, _) = case_in(
        db.begin().await?,
        ctx,
        case_id,
        Action::HoldRetention,
        ev.clone(),
    )
    .await?;
    let Some(r) = active_on(&tx, case_id).await? else {
        return Err(Error::Conflict("error-restriction-none"));
    };
    restriction::Entity::update(restriction::ActiveModel {
        id: Set(r.id),
        lifted_by: Set(Some(ctx.actor.staff_id)),
        lifted_at: Set(Some(ctx.now())),
        ..Default::default()
    })
    .exec(&tx)
    .await?;
    crate::casework::cases::event(
        &tx,
        ctx,
        case_id,
        "restriction_lifted",
        ctx.today(),
        None,
        Some(r.ground),
        None,
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The restricted cases of the actor's organisation they may hold, with their case numbers, oldest
/// first: how the holders find the cases that no list shows. Part of the due list's audited look.
pub async fn held_by(db: &Db, ctx: &Ctx) -> Result<Vec<(Restriction, String)>> {
    let conn = db.reader();
    let standing = restrictions_where(
        conn,
        Condition::all().add(restriction::Column::LiftedAt.is_null()),
    )
    .await?;
    if standing.is_empty() {
        return Ok(Vec::new());
    }
    let cases = cases_with_refs(
        conn,
        Condition::all()
            .add(case::Column::OrganisationId.eq(ctx.actor.organisation_id))
            .add(case::Column::Id.is_in(standing.iter().map(|r| r.case_id))),
    )
    .await?;
    let mut out: Vec<(Restriction, String)> = cases
        .into_iter()
        .filter(|(_, r)| ctx.allows(Action::HoldRetention, &Resource::Case(r.clone())))
        .filter_map(|(c, _)| {
            let r = standing.iter().find(|r| r.case_id == c.id)?.clone();
            Some((r, c.case_number))
        })
        .collect();
    out.sort_by_key(|(r, _)| (r.placed_at, r.id));
    Ok(out)
}

/// Every restriction in the data-protection officer's scope, standing and lifted, newest first,
/// with the case numbers. Audited.
pub async fn for_dpo(db: &Db, ctx: &Ctx) -> Result<Vec<(Restriction, String)>> {
    let ev = Event::new("restrictions_viewed");
    crate::casework::dpo::of_cases_in_scope(
        db,
        ctx,
        ev,
        restriction::Entity,
        restriction::Column::CaseId,
        async |conn, cases| {
            restrictions_where(
                conn,
                Condition::all().add(restriction::Column::CaseId.is_in(cases)),
            )
            .await
        },
        |r: &Restriction| r.case_id,
    )
    .await
}
