//! Need-to-know access to persons and cases: which cases an actor may see, and the policy's view
//! of a case. A person is reachable only through a case the actor may read.

use ankommen_store::entities::{
    case, case_event, case_person, case_share, person, restriction, staff,
};
use sea_orm::sea_query::{Condition, Expr, Query, SelectStatement, UnionType};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, CaseRef, Resource};
use crate::kernel::query;
use crate::{Ctx, Error, Result};

/// The policy's view of a case (its organisation, municipality, the assigned IM's team and
/// shares) when the holder's team is known: the shares are read when `shared` says there are any.
async fn ref_with<C: ConnectionTrait>(
    conn: &C,
    c: &case::Model,
    team_id: Option<i64>,
    shared: bool,
) -> Result<CaseRef> {
    let shared_with = if shared {
        case_share::Entity::find()
            .select_only()
            .column(case_share::Column::StaffId)
            .filter(case_share::Column::CaseId.eq(c.id))
            .into_tuple()
            .all(conn)
            .await?
    } else {
        Vec::new()
    };
    Ok(CaseRef {
        organisation_id: c.organisation_id,
        municipality_ags: c.municipality_ags.clone(),
        team_id,
        assigned_to: c.assigned_to,
        shared_with,
    })
}

/// The shares of many cases in one statement: (case, staff) pairs. Takes (case, [`is_shared`])
/// pairs and reads only the shared ones; none shared, no statement.
pub(crate) async fn shares_of<C: ConnectionTrait>(
    conn: &C,
    cases: impl IntoIterator<Item = (i64, bool)>,
) -> Result<Vec<(i64, i64)>> {
    let shared_cases: Vec<i64> = cases
        .into_iter()
        .filter_map(|(id, shared)| shared.then_some(id))
        .collect();
    if shared_cases.is_empty() {
        return Ok(Vec::new());
    }
    Ok(case_share::Entity::find()
        .select_only()
        .column(case_share::Column::CaseId)
        .column(case_share::Column::StaffId)
        .filter(query::one_of(
            conn.get_database_backend(),
            case_share::Column::CaseId,
            shared_cases,
        ))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The policy's view of a case read in a list (with [`holder_team`] as its team), given the shares
/// of the list's cases from [`shares_of`].
pub(crate) fn listed_case_ref(
    case_id: i64,
    organisation_id: i64,
    municipality_ags: &str,
    holder_team: Option<i64>,
    assigned_to: i64,
    shares: &[(i64, i64)],
) -> CaseRef {
    CaseRef {
        organisation_id,
        municipality_ags: municipality_ags.to_string(),
        team_id: holder_team,
        assigned_to,
        shared_with: shares
            .iter()
            .filter(|(c, _)| *c == case_id)
            .map(|(_, s)| *s)
            .collect(),
    }
}

/// In a query on `cases`: the team of the IM the case is assigned to (the policy's `team_id`).
pub(crate) fn holder_team() -> Expr {
    Expr::cust("(SELECT team_id FROM staff WHERE staff.id = cases.assigned_to)")
}

/// In a query on `cases`: whether the case is shared with anyone (its shares are read only then).
pub(crate) fn is_shared() -> Expr {
    Expr::cust("EXISTS (SELECT 1 FROM case_shares WHERE case_shares.case_id = cases.id)")
}

/// A case with the team of the IM it is assigned to, and whether it is shared with anyone.
#[derive(Debug, FromQueryResult)]
struct CaseWithTeam {
    #[sea_orm(nested)]
    case: case::Model,
    holder_team: Option<i64>,
    shared: bool,
}

/// Loads a case the actor may do `action` to. A refusal is audited and answers like a missing case.
pub(crate) async fn case_for<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    case_id: i64,
    action: Action,
    event: Event,
) -> Result<(case::Model, CaseRef)> {
    let Some(CaseWithTeam {
        case: c,
        holder_team,
        shared,
    }) = case::Entity::find_by_id(case_id)
        .column_as(holder_team(), "holder_team")
        .column_as(is_shared(), "shared")
        .into_model::<CaseWithTeam>()
        .one(conn)
        .await?
    else {
        return Err(Error::NotFound);
    };
    let r = ref_with(conn, &c, holder_team, shared).await?;
    ctx.authorize(
        conn,
        action,
        &Resource::Case(r.clone()),
        event,
        Error::NotFound,
    )
    .await?;
    if action.changes_client_data() && !restricted_among(conn, &[c.id]).await?.is_empty() {
        return Err(Error::Conflict("error-restricted"));
    }
    Ok((c, r))
}

/// Which of the cases are under a restriction of processing (Art. 18 GDPR) that is not lifted.
/// Their data is read-only: every change through [`case_for`] or [`person_for`] whose action
/// [`Action::changes_client_data`] is refused with `Conflict("error-restricted")`.
pub(crate) async fn restricted_among<C: ConnectionTrait>(
    conn: &C,
    cases: &[i64],
) -> Result<std::collections::BTreeSet<i64>> {
    if cases.is_empty() {
        return Ok(Default::default());
    }
    Ok(restriction::Entity::find()
        .select_only()
        .column(restriction::Column::CaseId)
        .filter(restriction::Column::LiftedAt.is_null())
        .filter(query::one_of(
            conn.get_database_backend(),
            restriction::Column::CaseId,
            cases.to_vec(),
        ))
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// In a query on `cases`: the case is not under a restriction of processing (lists leave those out).
pub(crate) fn not_restricted() -> Expr {
    Expr::cust(
        "NOT EXISTS (SELECT 1 FROM restrictions WHERE restrictions.case_id = cases.id \
         AND restrictions.lifted_at IS NULL)",
    )
}

/// The cases that meet `cond`, each with the policy's view of it (for a list the policy filters).
pub(crate) async fn cases_with_refs<C: ConnectionTrait>(
    conn: &C,
    cond: Condition,
) -> Result<Vec<(case::Model, CaseRef)>> {
    let cases: Vec<CaseWithTeam> = case::Entity::find()
        .column_as(holder_team(), "holder_team")
        .column_as(is_shared(), "shared")
        .filter(cond)
        .into_model::<CaseWithTeam>()
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(cases.len());
    for c in cases {
        let r = ref_with(conn, &c.case, c.holder_team, c.shared).await?;
        out.push((c.case, r));
    }
    Ok(out)
}

/// A person's link to a case, with the policy's view of that case.
#[derive(Clone, Debug)]
pub(crate) struct LinkedCase {
    pub person_id: i64,
    pub case: case::Model,
    pub case_ref: CaseRef,
}

/// The cases of many persons, each with the policy's view of it, in at most three statements
/// (links; cases with their holder's team; the shares of the shared ones) however many persons
/// and cases there are. One entry per (person, case) link, ordered by person and case.
pub(crate) async fn cases_of_persons<C: ConnectionTrait>(
    conn: &C,
    person_ids: &[i64],
) -> Result<Vec<LinkedCase>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    let links: Vec<(i64, i64)> = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::PersonId)
        .column(case_person::Column::CaseId)
        .filter(case_person::Column::PersonId.is_in(person_ids.to_vec()))
        .order_by_asc(case_person::Column::PersonId)
        .order_by_asc(case_person::Column::CaseId)
        .into_tuple()
        .all(conn)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let case_ids: Vec<i64> = links
        .iter()
        .map(|(_, c)| *c)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let cases: Vec<CaseWithTeam> = case::Entity::find()
        .column_as(holder_team(), "holder_team")
        .column_as(is_shared(), "shared")
        .filter(case::Column::Id.is_in(case_ids))
        .into_model::<CaseWithTeam>()
        .all(conn)
        .await?;
    let shares = shares_of(conn, cases.iter().map(|c| (c.case.id, c.shared))).await?;
    Ok(links
        .into_iter()
        .filter_map(|(person_id, case_id)| {
            let c = cases.iter().find(|c| c.case.id == case_id)?;
            Some(LinkedCase {
                person_id,
                case_ref: listed_case_ref(
                    c.case.id,
                    c.case.organisation_id,
                    &c.case.municipality_ags,
                    c.holder_team,
                    c.case.assigned_to,
                    &shares,
                ),
                case: c.case.clone(),
            })
        })
        .collect())
}

/// The (person, case) links through which the actor may do `action`, for many persons at once.
pub(crate) async fn allowed_cases<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    person_ids: &[i64],
    action: Action,
) -> Result<Vec<LinkedCase>> {
    let mut links = cases_of_persons(conn, person_ids).await?;
    links.retain(|l| ctx.allows(action, &Resource::Case(l.case_ref.clone())));
    Ok(links)
}

/// The person and the cases through which the actor may do `action` to them. No such case: the
/// refusal is audited and answers like a missing person.
pub(crate) async fn person_for<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    person_id: i64,
    action: Action,
    event: Event,
) -> Result<(person::Model, Vec<case::Model>)> {
    let Some(p) = person::Entity::find_by_id(person_id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    let mut allowed: Vec<case::Model> = allowed_cases(conn, ctx, &[person_id], action)
        .await?
        .into_iter()
        .map(|l| l.case)
        .collect();
    if allowed.is_empty() {
        return ctx.refuse(conn, event, Error::NotFound).await;
    }
    if action.changes_client_data() {
        // The person's record is one across their cases: a restriction on any of them stops it.
        let all: Vec<i64> = case_person::Entity::find()
            .select_only()
            .column(case_person::Column::CaseId)
            .filter(case_person::Column::PersonId.eq(person_id))
            .into_tuple()
            .all(conn)
            .await?;
        if !restricted_among(conn, &all).await?.is_empty() {
            return Err(Error::Conflict("error-restricted"));
        }
    }
    open_first_newest(&mut allowed);
    Ok((p, allowed))
}

/// A person's cases in the order pages show them: open ones first, then the newest first.
pub(crate) fn open_first_newest(cases: &mut [case::Model]) {
    cases.sort_by_key(|c| (c.status == "closed", std::cmp::Reverse(c.opened_on), c.id));
}

/// Which of these persons the actor may do `action` to (through any case)? No audit; for listing.
pub(crate) async fn may_among<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    person_ids: &[i64],
    action: Action,
) -> Result<std::collections::BTreeSet<i64>> {
    Ok(allowed_cases(conn, ctx, person_ids, action)
        .await?
        .into_iter()
        .map(|l| l.person_id)
        .collect())
}

/// `SELECT id FROM cases` of the cases of the actor's current organisation the actor may list
/// (assigned to them, shared with them, and, for team leads, assigned to a member of their team),
/// never those under a restriction of processing, optionally only those not closed; for `case_id IN (...)` filters. The policy is asked again for each row by the callers.
///
/// A UNION of the two ways in rather than one condition with OR: PostgreSQL plans the OR with a
/// subquery as a sequential scan of `cases`, and then of every table filtered by it.
pub(crate) fn listable_cases(ctx: &Ctx, open_only: bool) -> SelectStatement {
    use crate::kernel::types::Role;
    let a = &ctx.actor;
    let mut holders = Condition::any().add(case::Column::AssignedTo.eq(a.staff_id));
    if a.has(Role::TeamLead)
        && let Some(team) = a.team_id
    {
        holders = holders.add(
            case::Column::AssignedTo.in_subquery(
                Query::select()
                    .column(staff::Column::Id)
                    .from(staff::Entity)
                    .and_where(staff::Column::TeamId.eq(team))
                    .and_where(staff::Column::OrganisationId.eq(a.organisation_id))
                    .to_owned(),
            ),
        );
    }
    // Restricted cases (Art. 18) are left out of every list until the restriction is lifted.
    let open = || {
        Condition::all()
            .add(not_restricted())
            .add_option(open_only.then(|| case::Column::Status.ne("closed")))
    };
    Query::select()
        .column(case::Column::Id)
        .from(case::Entity)
        .and_where(case::Column::OrganisationId.eq(a.organisation_id))
        .cond_where(open())
        .cond_where(holders)
        .union(
            UnionType::Distinct,
            Query::select()
                .column(case::Column::Id)
                .from(case::Entity)
                .and_where(case::Column::OrganisationId.eq(a.organisation_id))
                .cond_where(open())
                .and_where(
                    case::Column::Id.in_subquery(
                        Query::select()
                            .column(case_share::Column::CaseId)
                            .from(case_share::Entity)
                            .and_where(case_share::Column::StaffId.eq(a.staff_id))
                            .to_owned(),
                    ),
                )
                .to_owned(),
        )
        .to_owned()
}

/// A check made at the start of a change `tx`, with the transaction: on a refusal its audit
/// entry (written in `tx`, which holds nothing else yet) is committed before the refusal is
/// returned, since dropping the transaction would roll it back.
pub(crate) async fn in_tx<T>(
    tx: ankommen_store::Tx,
    checked: Result<T>,
) -> Result<(ankommen_store::Tx, T)> {
    match checked {
        Ok(v) => Ok((tx, v)),
        Err(e) => {
            tx.commit().await?;
            Err(e)
        }
    }
}

/// [`person_for`] at the start of a change (see [`in_tx`]).
pub(crate) async fn person_in(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    person_id: i64,
    action: Action,
    event: Event,
) -> Result<(ankommen_store::Tx, person::Model, Vec<case::Model>)> {
    let checked = person_for(&tx, ctx, person_id, action, event).await;
    let (tx, (p, cases)) = in_tx(tx, checked).await?;
    Ok((tx, p, cases))
}

/// [`case_for`] at the start of a change (see [`in_tx`]).
pub(crate) async fn case_in(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    case_id: i64,
    action: Action,
    event: Event,
) -> Result<(ankommen_store::Tx, case::Model, CaseRef)> {
    let checked = case_for(&tx, ctx, case_id, action, event).await;
    let (tx, (c, r)) = in_tx(tx, checked).await?;
    Ok((tx, c, r))
}

/// How many cases (open or closed) of organisations other than `organisation_id` are assigned to a
/// person: the cases they would take along if they moved there. A move waits until a team lead has
/// handed them over.
pub(crate) async fn cases_held_outside<C: ConnectionTrait>(
    conn: &C,
    staff_id: i64,
    organisation_id: i64,
) -> Result<u64> {
    Ok(case::Entity::find()
        .filter(case::Column::AssignedTo.eq(staff_id))
        .filter(case::Column::OrganisationId.ne(organisation_id))
        .count(conn)
        .await?)
}

/// Ends every share a person has of cases of organisations other than `organisation_id` (they
/// moved there): each case's history says so, and each end is audited. Returns the cases.
pub(crate) async fn end_shares_outside<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    staff_id: i64,
    organisation_id: i64,
) -> Result<Vec<i64>> {
    let cases: Vec<i64> = case_share::Entity::find()
        .select_only()
        .column(case_share::Column::CaseId)
        .filter(case_share::Column::StaffId.eq(staff_id))
        .filter(
            case_share::Column::CaseId.in_subquery(
                Query::select()
                    .column(case::Column::Id)
                    .from(case::Entity)
                    .and_where(case::Column::OrganisationId.ne(organisation_id))
                    .to_owned(),
            ),
        )
        .order_by_asc(case_share::Column::CaseId)
        .into_tuple()
        .all(conn)
        .await?;
    if cases.is_empty() {
        return Ok(cases);
    }
    case_share::Entity::delete_many()
        .filter(case_share::Column::StaffId.eq(staff_id))
        .filter(case_share::Column::CaseId.is_in(cases.clone()))
        .exec(conn)
        .await?;
    for c in &cases {
        case_event::Entity::insert(case_event::ActiveModel {
            id: NotSet,
            case_id: Set(*c),
            kind: Set("unshared".into()),
            on_date: Set(ctx.today()),
            reason_sealed: Set(None),
            detail: Set(None),
            staff_id: Set(Some(ctx.actor.staff_id)),
            other_staff_id: Set(Some(staff_id)),
            at: Set(ctx.now()),
        })
        .exec_without_returning(conn)
        .await?;
        audit::record(conn, ctx, Event::on("case_unshared", "case", *c)).await?;
    }
    Ok(cases)
}
