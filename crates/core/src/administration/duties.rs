//! Separation of duties: what one person may not do alone and unnoticed.
//!
//! - Every change of an account's roles or organisation and every password reset is kept with its
//!   old and new values ([`record_change`]); the data-protection officer reads them ([`changes`]).
//! - A password reset of an account that already has a password needs a second administrator's
//!   confirmation before its link exists, so no administrator obtains a working login to someone
//!   else's account alone; the person is told on their start page who reset it and when.
//! - A team lead taking over a case themself needs a second person's confirmation (the casework
//!   layer builds on [`open_for_decision`] and [`close`]).
//! - Notices tell a person on their start page what others did to their account or cases.
//!
//! See `docs/decisions/0013-separation-of-duties-and-the-access-record.md`.

use ankommen_store::entities::{case, confirmation, notice, organisation, staff, staff_change};
use ankommen_store::{Db, Opened};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::administration::staff as staff_admin;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::sealed::{self, CONFIRMATION_REASON, Sealing};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{Role, parse_text_req};
use crate::{Ctx, Error, Result};

/// What a kept change is about.
pub const CHANGE_ROLES: &str = "roles";
pub const CHANGE_ORGANISATION: &str = "organisation";
pub const CHANGE_PASSWORD_RESET: &str = "password_reset";

/// The kinds of requests a second person confirms.
pub const KIND_PASSWORD_RESET: &str = "password_reset";
pub const KIND_CASE_TAKEOVER: &str = "case_takeover";

/// The kinds of notices.
pub const NOTICE_PASSWORD_RESET: &str = "password_reset";
pub const NOTICE_CASE_REASSIGNED: &str = "case_reassigned";

/// Keeps a change of an account with its old and new values.
pub(crate) async fn record_change<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    staff_id: i64,
    what: &'static str,
    old: Option<String>,
    new: Option<String>,
    confirmed_by: Option<i64>,
) -> Result<()> {
    staff_change::Entity::insert(staff_change::ActiveModel {
        id: NotSet,
        at: Set(ctx.now()),
        actor_staff_id: Set(Some(ctx.actor.staff_id)),
        staff_id: Set(staff_id),
        what: Set(what.to_string()),
        old_value: Set(old),
        new_value: Set(new),
        confirmed_by: Set(confirmed_by),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// One kept change as the data-protection officer's report shows it. Roles are role codes
/// (comma-separated) and organisations their names; the page shows labels.
#[derive(Clone, Debug)]
pub struct Change {
    pub at: DateTime<Utc>,
    pub staff: String,
    pub by: String,
    pub confirmed_by: Option<String>,
    pub what: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The kept changes of accounts, newest first: all of them for a data-protection officer of the
/// county, else those of their organisation's accounts. Audited.
pub async fn changes(db: &Db, ctx: &Ctx) -> Result<Vec<Change>> {
    if !ctx.actor.has(Role::Dpo) {
        return ctx
            .refuse(
                db.writer(),
                Event::new("staff_changes_viewed"),
                Error::Forbidden,
            )
            .await;
    }
    let mut q = staff_change::Entity::find()
        .order_by_desc(staff_change::Column::At)
        .order_by_desc(staff_change::Column::Id);
    if !ctx.actor.is_county() {
        q = q.filter(
            staff_change::Column::StaffId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(staff::Column::Id)
                    .from(staff::Entity)
                    .and_where(staff::Column::OrganisationId.eq(ctx.actor.organisation_id))
                    .to_owned(),
            ),
        );
    }
    let rows = q.all(db.reader()).await?;
    let names = staff_names(
        db.reader(),
        rows.iter().flat_map(|r| {
            [Some(r.staff_id), r.actor_staff_id, r.confirmed_by]
                .into_iter()
                .flatten()
        }),
    )
    .await?;
    let orgs: Vec<(i64, String)> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .into_tuple()
        .all(db.reader())
        .await?;
    let org_name = |v: Option<String>| {
        v.map(|id| {
            orgs.iter()
                .find(|(o, _)| id.parse() == Ok(*o))
                .map_or(id.clone(), |(_, n)| n.clone())
        })
    };
    let name = |id: Option<i64>| {
        id.and_then(|id| names.iter().find(|(s, _)| *s == id).map(|(_, n)| n.clone()))
    };
    let out = rows
        .into_iter()
        .map(|r| {
            let org = r.what == CHANGE_ORGANISATION;
            Change {
                at: r.at,
                staff: name(Some(r.staff_id)).unwrap_or_default(),
                by: name(r.actor_staff_id).unwrap_or_default(),
                confirmed_by: name(r.confirmed_by),
                old: if org {
                    org_name(r.old_value)
                } else {
                    r.old_value
                },
                new: if org {
                    org_name(r.new_value)
                } else {
                    r.new_value
                },
                what: r.what,
            }
        })
        .collect();
    audit::record(db.writer(), ctx, Event::new("staff_changes_viewed")).await?;
    Ok(out)
}

/// The display names of staff members by id (each read once), for lists that name who did what.
pub(crate) async fn staff_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<(i64, String)>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::Id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Rows that name staff members, turned into what a list shows: `ids` gives the staff ids a row
/// mentions, `view` builds the entry with a look-up of a name by id (empty for an unknown id).
pub(crate) async fn with_staff_names<C: ConnectionTrait, R, V>(
    conn: &C,
    rows: Vec<R>,
    ids: impl Fn(&R) -> Vec<i64>,
    view: impl Fn(R, &dyn Fn(i64) -> String) -> V,
) -> Result<Vec<V>> {
    let names: std::collections::HashMap<i64, String> =
        staff_names(conn, rows.iter().flat_map(&ids))
            .await?
            .into_iter()
            .collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(rows.into_iter().map(|r| view(r, &name)).collect())
}

/// What asking for a password link gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reset {
    /// The account has no password yet: the one-time link to hand to the person.
    Link(String),
    /// The account has a password: a second administrator must confirm the reset first.
    AwaitingConfirmation,
}

/// Asks for a link with which a person sets a (new) password. For an account that already has a
/// password this only records the request: another administrator confirms it ([`decide`]).
pub async fn reset_password(db: &Db, ctx: &Ctx, staff_id: i64) -> Result<Reset> {
    let d = staff_admin::get(db, ctx, staff_id).await?;
    if !d.person.active {
        return Err(Error::Conflict("error-inactive"));
    }
    if !d.has_password {
        let txn = db.begin().await?;
        let token = staff_admin::issue_password_link(&txn, ctx, staff_id).await?;
        txn.commit().await?;
        return Ok(Reset::Link(token));
    }
    if staff_id == ctx.actor.staff_id {
        // One's own password is changed on one's account page, with the current one.
        return Err(Error::Conflict("error-reset-own"));
    }
    let txn = db.begin().await?;
    let open = confirmation::Entity::find()
        .filter(confirmation::Column::Kind.eq(KIND_PASSWORD_RESET))
        .filter(confirmation::Column::StaffId.eq(staff_id))
        .filter(confirmation::Column::DecidedAt.is_null())
        .one(&txn)
        .await?;
    if open.is_none() {
        request(
            &txn,
            ctx,
            KIND_PASSWORD_RESET,
            d.person.organisation_id,
            staff_id,
            None,
            None,
        )
        .await?;
        audit::record(
            &txn,
            ctx,
            Event::on("password_reset_requested", "staff", staff_id),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Reset::AwaitingConfirmation)
}

/// Records a request that a second person must confirm. Returns its id.
pub(crate) async fn request<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    kind: &'static str,
    organisation_id: i64,
    staff_id: i64,
    case_id: Option<i64>,
    reason: Option<(&Sealing<'_>, &str)>,
) -> Result<i64> {
    let id = confirmation::Entity::insert(confirmation::ActiveModel {
        id: NotSet,
        kind: Set(kind.to_string()),
        organisation_id: Set(organisation_id),
        staff_id: Set(staff_id),
        case_id: Set(case_id),
        requested_by: Set(ctx.actor.staff_id),
        requested_at: Set(ctx.now()),
        decided_by: Set(None),
        decided_at: Set(None),
        outcome: Set(None),
        reason_sealed: Set(None),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    // The reason is sealed for this row, so it is written once the row has its id.
    if let Some((sealing, text)) = reason {
        let sealed = sealing.seal(CONFIRMATION_REASON.at(id), text)?;
        confirmation::Entity::update_many()
            .col_expr(confirmation::Column::ReasonSealed, Expr::value(sealed))
            .filter(confirmation::Column::Id.eq(id))
            .exec(conn)
            .await?;
    }
    Ok(id)
}

/// The reason of a request, opened.
pub(crate) fn reason_of(sealer: &Sealer, c: &confirmation::Model) -> Option<Opened> {
    sealed::open_opt(
        sealer,
        CONFIRMATION_REASON.at(c.id),
        c.reason_sealed.as_deref(),
    )
}

/// Parses the reason of a request (required; shown to the person who decides).
pub fn parse_reason(reason: &str) -> std::result::Result<String, &'static str> {
    parse_text_req(reason, 1000)
}

/// May the actor decide this request? Never the person who asked, nor the person it is about.
/// A password reset: an administrator who manages the account. A case takeover: another team lead
/// of the organisation, or an administrator of it.
async fn may_decide<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    c: &confirmation::Model,
) -> Result<bool> {
    let a = &ctx.actor;
    if c.requested_by == a.staff_id || c.staff_id == a.staff_id || c.decided_at.is_some() {
        return Ok(false);
    }
    Ok(match c.kind.as_str() {
        KIND_PASSWORD_RESET => match staff::Entity::find_by_id(c.staff_id).one(conn).await? {
            Some(s) => ctx.allows(Action::ManageStaff, &staff_admin::resource(&s)),
            None => false,
        },
        KIND_CASE_TAKEOVER => {
            (a.has(Role::TeamLead) && a.organisation_id == c.organisation_id)
                || ctx.allows(
                    Action::ManageStaff,
                    &Resource::Organisation {
                        id: c.organisation_id,
                    },
                )
        }
        _ => false,
    })
}

/// A request waiting for a second person, as the list of them shows it.
#[derive(Clone, Debug)]
pub struct Pending {
    pub id: i64,
    pub kind: String,
    pub requested_at: DateTime<Utc>,
    pub requested_by: String,
    /// The account reset, or the team lead who asks to take the case.
    pub staff: String,
    pub case_number: Option<String>,
    pub reason: Option<Opened>,
}

/// The open requests the actor may decide, oldest first (no client data: names of staff, case
/// numbers).
pub async fn pending(db: &Db, ctx: &Ctx, sealer: &Sealer) -> Result<Vec<Pending>> {
    let conn = db.reader();
    let open = confirmation::Entity::find()
        .filter(confirmation::Column::DecidedAt.is_null())
        .order_by_asc(confirmation::Column::RequestedAt)
        .all(conn)
        .await?;
    let mut mine = Vec::new();
    for c in open {
        if may_decide(conn, ctx, &c).await? {
            mine.push(c);
        }
    }
    let names = staff_names(conn, mine.iter().flat_map(|c| [c.staff_id, c.requested_by])).await?;
    let numbers: Vec<(i64, String)> = case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .column(case::Column::CaseNumber)
        .filter(case::Column::Id.is_in(mine.iter().filter_map(|c| c.case_id)))
        .into_tuple()
        .all(conn)
        .await?;
    let name = |id: i64| {
        names
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    Ok(mine
        .into_iter()
        .map(|c| Pending {
            id: c.id,
            requested_at: c.requested_at,
            requested_by: name(c.requested_by),
            staff: name(c.staff_id),
            case_number: c.case_id.and_then(|id| {
                numbers
                    .iter()
                    .find(|(k, _)| *k == id)
                    .map(|(_, n)| n.clone())
            }),
            reason: reason_of(sealer, &c),
            kind: c.kind,
        })
        .collect())
}

/// Loads an open request the actor may decide; otherwise the refusal is audited and answers like a
/// missing request.
pub(crate) async fn open_for_decision<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
    ev: Event,
) -> Result<confirmation::Model> {
    let Some(c) = confirmation::Entity::find_by_id(id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    if !may_decide(conn, ctx, &c).await? {
        return ctx.refuse(conn, ev.denied(), Error::NotFound).await;
    }
    Ok(c)
}

/// Closes a request as decided by the actor.
pub(crate) async fn close<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
    confirmed: bool,
) -> Result<()> {
    let r = confirmation::Entity::update_many()
        .col_expr(
            confirmation::Column::DecidedBy,
            Expr::value(ctx.actor.staff_id),
        )
        .col_expr(confirmation::Column::DecidedAt, Expr::value(ctx.now()))
        .col_expr(
            confirmation::Column::Outcome,
            Expr::value(if confirmed { "confirmed" } else { "declined" }),
        )
        .filter(confirmation::Column::Id.eq(id))
        .filter(confirmation::Column::DecidedAt.is_null())
        .exec(conn)
        .await?;
    if r.rows_affected == 0 {
        return Err(Error::Conflict("error-stale"));
    }
    Ok(())
}

/// Decides a password reset: confirmed, the link is issued to the confirming administrator (to
/// hand to the person), the reset is kept with who asked and who confirmed, and the person is told
/// at their next login. Declined, nothing else happens. Returns the link when confirmed.
pub async fn decide_reset(db: &Db, ctx: &Ctx, id: i64, confirm: bool) -> Result<Option<String>> {
    let txn = db.begin().await?;
    let checked = open_for_decision(&txn, ctx, id, Event::new("password_reset_decided")).await;
    let (txn, c) = crate::kernel::access::in_tx(txn, checked).await?;
    if c.kind != KIND_PASSWORD_RESET {
        return Err(Error::NotFound);
    }
    close(&txn, ctx, id, confirm).await?;
    let ev = Event::on("password_reset_decided", "staff", c.staff_id);
    let link = if confirm {
        let token = staff_admin::issue_password_link(&txn, ctx, c.staff_id).await?;
        staff_change::Entity::insert(staff_change::ActiveModel {
            id: NotSet,
            at: Set(ctx.now()),
            actor_staff_id: Set(Some(c.requested_by)),
            staff_id: Set(c.staff_id),
            what: Set(CHANGE_PASSWORD_RESET.to_string()),
            old_value: Set(Some("set".into())),
            new_value: Set(Some("reset".into())),
            confirmed_by: Set(Some(ctx.actor.staff_id)),
        })
        .exec_without_returning(&txn)
        .await?;
        notify(
            &txn,
            ctx,
            c.staff_id,
            NOTICE_PASSWORD_RESET,
            None,
            Some(c.requested_by),
        )
        .await?;
        Some(token)
    } else {
        None
    };
    audit::record(&txn, ctx, if confirm { ev } else { ev.denied() }).await?;
    txn.commit().await?;
    Ok(link)
}

/// Leaves a notice on a person's start page (by whom: `by`, confirmed by the actor when `by` is
/// someone else; else the actor alone).
pub(crate) async fn notify<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    staff_id: i64,
    kind: &'static str,
    case_id: Option<i64>,
    by: Option<i64>,
) -> Result<()> {
    let (by, confirmed_by) = match by {
        Some(b) if b != ctx.actor.staff_id => (b, Some(ctx.actor.staff_id)),
        _ => (ctx.actor.staff_id, None),
    };
    notice::Entity::insert(notice::ActiveModel {
        id: NotSet,
        staff_id: Set(staff_id),
        kind: Set(kind.to_string()),
        case_id: Set(case_id),
        by_staff_id: Set(Some(by)),
        confirmed_by: Set(confirmed_by),
        at: Set(ctx.now()),
        seen_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// A notice as the start page shows it.
#[derive(Clone, Debug)]
pub struct Notice {
    pub id: i64,
    pub kind: String,
    pub at: DateTime<Utc>,
    pub by: String,
    pub confirmed_by: Option<String>,
    pub case_number: Option<String>,
}

/// The actor's notices not yet dismissed, newest first.
pub async fn notices(db: &Db, ctx: &Ctx) -> Result<Vec<Notice>> {
    let conn = db.reader();
    let rows = notice::Entity::find()
        .filter(notice::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(notice::Column::SeenAt.is_null())
        .order_by_desc(notice::Column::At)
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let names = staff_names(
        conn,
        rows.iter()
            .flat_map(|n| [n.by_staff_id, n.confirmed_by].into_iter().flatten()),
    )
    .await?;
    let numbers: Vec<(i64, String)> = case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .column(case::Column::CaseNumber)
        .filter(case::Column::Id.is_in(rows.iter().filter_map(|n| n.case_id)))
        .into_tuple()
        .all(conn)
        .await?;
    let name = |id: Option<i64>| {
        id.and_then(|id| names.iter().find(|(s, _)| *s == id).map(|(_, n)| n.clone()))
    };
    Ok(rows
        .into_iter()
        .map(|n| Notice {
            id: n.id,
            at: n.at,
            by: name(n.by_staff_id).unwrap_or_default(),
            confirmed_by: name(n.confirmed_by),
            case_number: n.case_id.and_then(|id| {
                numbers
                    .iter()
                    .find(|(k, _)| *k == id)
                    .map(|(_, v)| v.clone())
            }),
            kind: n.kind,
        })
        .collect())
}

/// Dismisses one of the actor's own notices (another's answers like a missing one).
pub async fn dismiss(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    let r = notice::Entity::update_many()
        .col_expr(notice::Column::SeenAt, Expr::value(ctx.now()))
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::StaffId.eq(ctx.actor.staff_id))
        .exec(db.writer())
        .await?;
    if r.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}
