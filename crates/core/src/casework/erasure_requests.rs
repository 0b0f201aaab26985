//! A client's request to erase their data before the schedule (Art. 17 GDPR; issue 25, decision
//! 0023).
//!
//! Those who may hold the case's erasure (the IM who holds it, the team lead of their team: policy
//! action `HoldRetention`) record the request with the day it was received. A *second* of them
//! decides it (four eyes, decision 0013): either a legal exception of Art. 17(3) applies — chosen
//! from a fixed list, with a justification — and the data is kept (on its schedule), the request
//! staying on the case for the data-protection officer to see; or none applies and the case with
//! its persons is erased at once, by the very erasure of the nightly run
//! ([`retention::erase`]: the figures' facts kept, the files compacted). The case must be closed
//! first (the closure is what the figures count) and have no active hold (an ongoing legal matter
//! is the exception "legal claims"). Every look, request, decision and refusal is audited with ids
//! only.

use ankommen_store::Db;
use ankommen_store::entities::{case, erasure_request, retention_hold};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::casework::retention;
use crate::kernel::access::case_in;
use crate::kernel::audit::{self, Event};
use crate::kernel::error::FieldErrors;
use crate::kernel::policy::Action;
use crate::{Ctx, Error, Result};

/// The legal exceptions of Art. 17(3) GDPR that can apply to an integration case, as stored.
pub const EXCEPTIONS: &[&str] = &[
    // (b) a legal obligation to keep the data, e.g. the funding body's proof of use.
    "legal_obligation",
    // (d) statistics in the public interest beyond the anonymised figures that are kept anyway.
    "statistics",
    // (e) the establishment, exercise or defence of legal claims (an ongoing legal matter).
    "legal_claims",
];

/// The longest a justification may be.
pub const JUSTIFICATION_MAX: usize = 1_000;

/// A request as shown: names of staff, never of the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: i64,
    pub case_id: i64,
    pub received_on: NaiveDate,
    pub recorded_by_id: i64,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub exception: Option<String>,
    pub justification: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl Request {
    pub fn pending(&self) -> bool {
        self.decided_at.is_none()
    }
}

/// A case's erasure requests for its own page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRequests {
    pub case_id: i64,
    pub case_number: String,
    pub closed: bool,
    /// The requests, newest first.
    pub requests: Vec<Request>,
}

impl CaseRequests {
    /// The request waiting for its decision, if any.
    pub fn pending(&self) -> Option<&Request> {
        self.requests.iter().find(|r| r.pending())
    }
}

/// What a decision did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The case and this many persons were erased.
    Erased { persons: usize },
    /// An exception applies: the data is kept.
    Kept,
}

async fn requests_where<C: sea_orm::ConnectionTrait>(
    conn: &C,
    cond: sea_orm::Condition,
) -> Result<Vec<Request>> {
    let rows = erasure_request::Entity::find()
        .filter(cond)
        .order_by_desc(erasure_request::Column::Id)
        .all(conn)
        .await?;
    crate::administration::duties::with_staff_names(
        conn,
        rows,
        |r| {
            [Some(r.recorded_by), r.decided_by]
                .into_iter()
                .flatten()
                .collect()
        },
        |r, name| Request {
            id: r.id,
            case_id: r.case_id,
            received_on: r.received_on,
            recorded_by_id: r.recorded_by,
            recorded_by: name(r.recorded_by),
            recorded_at: r.recorded_at,
            exception: r.exception,
            justification: r.justification,
            decided_by: r.decided_by.map(name),
            decided_at: r.decided_at,
        },
    )
    .await
}

/// The case's requests, for those who may hold it (others are refused like a missing case).
/// Audited.
pub async fn of_case(db: &Db, ctx: &Ctx, case_id: i64) -> Result<CaseRequests> {
    let ev = Event::on("erasure_requests_viewed", "case", case_id);
    let (tx, c, _) = case_in(
        db.begin().await?,
        ctx,
        case_id,
        Action::HoldRetention,
        ev.clone(),
    )
    .await?;
    let requests = requests_where(
        &tx,
        sea_orm::Condition::all().add(erasure_request::Column::CaseId.eq(case_id)),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(CaseRequests {
        case_id,
        case_number: c.case_number,
        closed: c.status == "closed",
        requests,
    })
}

/// Records a client's request to erase their data, received on `received_on` (not after today).
/// One request waits at a time.
pub async fn record(db: &Db, ctx: &Ctx, case_id: i64, received_on: &str) -> Result<()> {
    let ev = Event::on("erasure_requested", "case", case_id);
    let (tx, _, _) = case_in(
        db.begin().await?,
        ctx,
        case_id,
        Action::HoldRetention,
        ev.clone(),
    )
    .await?;
    let today = ctx.today();
    let received_on = match crate::kernel::types::parse_date(received_on) {
        Ok(d) if d <= today => d,
        Ok(_) => return Err(Error::field("received_on", "error-erasure-received-future")),
        Err(key) => return Err(Error::field("received_on", key)),
    };
    let waiting = erasure_request::Entity::find()
        .filter(erasure_request::Column::CaseId.eq(case_id))
        .filter(erasure_request::Column::DecidedAt.is_null())
        .one(&tx)
        .await?;
    if waiting.is_some() {
        return Err(Error::Conflict("error-erasure-pending"));
    }
    erasure_request::Entity::insert(erasure_request::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        received_on: Set(received_on),
        recorded_by: Set(ctx.actor.staff_id),
        recorded_at: Set(ctx.now()),
        exception: Set(None),
        justification: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
    })
    .exec_without_returning(&tx)
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Decides the waiting request: `exception` empty for none (the case and its persons are erased
/// at once), or one of [`EXCEPTIONS`] with a justification (kept, recorded). By a second person
/// who may hold the case, not the one who recorded it (refused and audited otherwise).
pub async fn decide(
    db: &Db,
    ctx: &Ctx,
    case_id: i64,
    exception: &str,
    justification: &str,
) -> Result<Decision> {
    let ev = Event::on("erasure_request_decided", "case", case_id);
    let (tx, c, _) = case_in(
        db.begin().await?,
        ctx,
        case_id,
        Action::HoldRetention,
        ev.clone(),
    )
    .await?;
    let Some(waiting) = erasure_request::Entity::find()
        .filter(erasure_request::Column::CaseId.eq(case_id))
        .filter(erasure_request::Column::DecidedAt.is_null())
        .one(&tx)
        .await?
    else {
        return Err(Error::Conflict("error-erasure-none-pending"));
    };
    if waiting.recorded_by == ctx.actor.staff_id {
        audit::record(&tx, ctx, ev.denied()).await?;
        tx.commit().await?;
        return Err(Error::Conflict("error-erasure-second-person"));
    }
    let exception = exception.trim();
    let mut e = FieldErrors::new();
    let justification = match crate::kernel::types::parse_text(justification, JUSTIFICATION_MAX) {
        Ok(j) => j,
        Err(key) => {
            e.add("justification", key);
            None
        }
    };
    if !exception.is_empty() {
        if !EXCEPTIONS.contains(&exception) {
            e.add("exception", "error-erasure-exception");
        } else if justification.is_none() && e.is_empty() {
            e.add("justification", "error-required");
        }
    }
    e.into_result()?;
    let now = ctx.now();

    if !exception.is_empty() {
        erasure_request::Entity::update(erasure_request::ActiveModel {
            id: Set(waiting.id),
            exception: Set(Some(exception.to_string())),
            justification: Set(justification),
            decided_by: Set(Some(ctx.actor.staff_id)),
            decided_at: Set(Some(now)),
            ..Default::default()
        })
        .exec(&tx)
        .await?;
        audit::record(&tx, ctx, ev).await?;
        tx.commit().await?;
        return Ok(Decision::Kept);
    }

    // No exception: erased now, as the nightly run erases.
    if c.status != "closed" || c.closed_on.is_none() {
        return Err(Error::Conflict("error-erasure-case-open"));
    }
    let held = retention_hold::Entity::find()
        .select_only()
        .column(retention_hold::Column::Id)
        .filter(retention_hold::Column::CaseId.eq(case_id))
        .filter(retention_hold::Column::LiftedAt.is_null())
        .filter(retention_hold::Column::Until.gte(ctx.today()))
        .into_tuple::<i64>()
        .one(&tx)
        .await?
        .is_some();
    if held {
        return Err(Error::Conflict("error-erasure-held"));
    }
    // A restriction (Art. 18) keeps the data stored until it is lifted.
    if !crate::kernel::access::restricted_among(&tx, &[case_id])
        .await?
        .is_empty()
    {
        return Err(Error::Conflict("error-erasure-restricted"));
    }
    if !retention::lock_for_erasure(db, &tx, case_id).await? {
        return Err(Error::Conflict("error-erasure-busy"));
    }
    audit::record(&tx, ctx, ev).await?;
    let persons = retention::erase(&tx, now, &audit::who(ctx), &c).await?;
    tx.commit().await?;
    retention::compact(db).await?;
    Ok(Decision::Erased {
        persons: persons.len(),
    })
}

/// The cases with a request waiting for a decision that the actor may decide (they may hold the
/// case and did not record it): case numbers only. Part of the due list's audited look.
pub async fn waiting_for(db: &Db, ctx: &Ctx) -> Result<Vec<(i64, String, NaiveDate)>> {
    let conn = db.reader();
    let waiting = requests_where(
        conn,
        sea_orm::Condition::all().add(erasure_request::Column::DecidedAt.is_null()),
    )
    .await?;
    let cases = crate::kernel::access::cases_with_refs(
        conn,
        sea_orm::Condition::all()
            .add(case::Column::OrganisationId.eq(ctx.actor.organisation_id))
            .add(case::Column::Id.is_in(waiting.iter().map(|r| r.case_id))),
    )
    .await?;
    let mut out = Vec::new();
    for (c, r) in cases {
        if !ctx.allows(
            Action::HoldRetention,
            &crate::kernel::policy::Resource::Case(r),
        ) {
            continue;
        }
        if let Some(w) = waiting
            .iter()
            .find(|w| w.case_id == c.id && w.recorded_by_id != ctx.actor.staff_id)
        {
            out.push((c.id, c.case_number, w.received_on));
        }
    }
    out.sort_by_key(|(id, _, on)| (*on, *id));
    Ok(out)
}

/// Every erasure request of the actor's organisation (the county office's: of the deployment),
/// waiting or kept under an exception, newest first, with the case numbers: the data-protection
/// officer's view. (A request decided without an exception left with the case it erased; the
/// audit log keeps its ids.) Audited.
pub async fn for_dpo(db: &Db, ctx: &Ctx) -> Result<Vec<(Request, String)>> {
    crate::casework::dpo::of_cases_in_scope(
        db,
        ctx,
        Event::new("erasure_requests_viewed"),
        erasure_request::Entity,
        erasure_request::Column::CaseId,
        async |conn, cases| {
            requests_where(
                conn,
                sea_orm::Condition::all().add(erasure_request::Column::CaseId.is_in(cases)),
            )
            .await
        },
        |r: &Request| r.case_id,
    )
    .await
}
