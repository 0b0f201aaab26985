//! Server-side sessions in the database (shared by every instance on one PostgreSQL). The cookie holds
//! a random token; the table holds its hash. Sessions end on logout, after the idle timeout, after the
//! absolute timeout, and when the person is deactivated or sets a new password.

use ankommen_store::Db;
use ankommen_store::entities::{organisation, session, staff, staff_municipality, staff_role};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, JoinType, Query, UnionType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, Actor, Resource};
use crate::kernel::tokens::{hash_token, random_id, random_token};
use crate::kernel::types::{Locale, OrgKind, RoleSet};
use crate::{Clock, Ctx, Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(10),
        }
    }
}

/// A freshly opened session: the secret for the cookie and the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub public_id: String,
}

/// A session that is valid now, with the person acting in it.
#[derive(Debug, Clone)]
pub struct Current {
    pub public_id: String,
    pub csrf_token: String,
    pub actor: Actor,
    /// The deployment's name for the page header, read with the session (a signed-in page needs
    /// no statement of its own for it); empty until set.
    pub deployment_name: String,
}

/// Writes to `last_seen_at` at most this often, so that every request is not a write.
const TOUCH_EVERY_SECONDS: i64 = 30;

pub(crate) async fn create<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    policy: &SessionPolicy,
    staff_id: i64,
    user_agent: &str,
) -> Result<NewSession> {
    let token = random_token()?;
    let csrf_token = random_token()?;
    let public_id = random_id()?;
    session::Entity::insert(session::ActiveModel {
        token_hash: Set(hash_token(&token)),
        public_id: Set(public_id.clone()),
        staff_id: Set(staff_id),
        csrf_token: Set(csrf_token.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + policy.absolute),
        user_agent: Set(describe_user_agent(user_agent)),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(NewSession {
        token,
        csrf_token,
        public_id,
    })
}

pub(crate) async fn delete_by_token<C: ConnectionTrait>(conn: &C, token: &str) -> Result<()> {
    session::Entity::delete_by_id(hash_token(token))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every session of a person (deactivation, new password).
pub(crate) async fn delete_all_of<C: ConnectionTrait>(conn: &C, staff_id: i64) -> Result<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::StaffId.eq(staff_id))
        .exec(conn)
        .await?
        .rows_affected)
}

pub(crate) async fn load_roles<C: ConnectionTrait>(conn: &C, staff_id: i64) -> Result<RoleSet> {
    let roles = staff_role::Entity::find()
        .filter(staff_role::Column::StaffId.eq(staff_id))
        .all(conn)
        .await?;
    Ok(RoleSet::from_stored(roles.iter().map(|r| r.role.as_str())))
}

/// The columns of a person and their organisation that make an [`Actor`].
#[derive(Debug, FromQueryResult)]
struct ActorRow {
    staff_id: i64,
    username: String,
    display_name: String,
    active: bool,
    organisation_active: bool,
    organisation_id: i64,
    organisation_kind: String,
    team_id: Option<i64>,
    locale: String,
}

/// `SELECT <ActorRow> FROM staff JOIN organisations`: the caller adds the filter (and joins).
fn actor_select<E: EntityTrait>(q: sea_orm::Select<E>) -> sea_orm::Select<E> {
    q.column_as(staff::Column::Id, "staff_id")
        .column(staff::Column::Username)
        .column(staff::Column::DisplayName)
        .column(staff::Column::Active)
        .column_as(organisation::Column::Active, "organisation_active")
        .column(staff::Column::OrganisationId)
        .column_as(organisation::Column::Kind, "organisation_kind")
        .column(staff::Column::TeamId)
        .column(staff::Column::Locale)
}

fn join_organisation() -> sea_orm::RelationDef {
    staff::Entity::belongs_to(organisation::Entity)
        .from(staff::Column::OrganisationId)
        .to(organisation::Column::Id)
        .into()
}

/// The roles and municipalities of a person, in one query.
async fn roles_and_municipalities<C: ConnectionTrait>(
    conn: &C,
    staff_id: i64,
) -> Result<(RoleSet, Vec<String>)> {
    let stmt = Query::select()
        .expr_as(Expr::val("role"), "kind")
        .expr_as(Expr::col(staff_role::Column::Role), "value")
        .from(staff_role::Entity)
        .and_where(Expr::col(staff_role::Column::StaffId).eq(staff_id))
        .union(
            UnionType::All,
            Query::select()
                .expr_as(Expr::val("ags"), "kind")
                .expr_as(Expr::col(staff_municipality::Column::Ags), "value")
                .from(staff_municipality::Entity)
                .and_where(Expr::col(staff_municipality::Column::StaffId).eq(staff_id))
                .to_owned(),
        )
        .to_owned();
    let mut roles = Vec::new();
    let mut municipalities = Vec::new();
    for row in conn.query_all(&stmt).await? {
        let kind: String = row.try_get("", "kind")?;
        let value: String = row.try_get("", "value")?;
        if kind == "role" {
            roles.push(value);
        } else {
            municipalities.push(value);
        }
    }
    municipalities.sort();
    Ok((
        RoleSet::from_stored(roles.iter().map(String::as_str)),
        municipalities,
    ))
}

/// The acting person, or `None` when they or their organisation are deactivated (their sessions
/// then end at their next request).
async fn actor_of<C: ConnectionTrait>(conn: &C, row: ActorRow) -> Result<Option<Actor>> {
    if !row.active || !row.organisation_active {
        return Ok(None);
    }
    let (roles, municipalities) = roles_and_municipalities(conn, row.staff_id).await?;
    Ok(Some(Actor {
        staff_id: row.staff_id,
        username: row.username,
        display_name: row.display_name,
        organisation_id: row.organisation_id,
        organisation_kind: OrgKind::parse(&row.organisation_kind)
            .map_err(|_| Error::Internal("bad organisation kind".into()))?,
        team_id: row.team_id,
        roles,
        municipalities,
        locale: Locale::parse(&row.locale).unwrap_or_default(),
    }))
}

/// Loads the acting person fresh from the database; `None` when deactivated or gone.
pub async fn load_actor<C: ConnectionTrait>(conn: &C, staff_id: i64) -> Result<Option<Actor>> {
    let row = actor_select(staff::Entity::find().select_only())
        .join(JoinType::InnerJoin, join_organisation())
        .filter(staff::Column::Id.eq(staff_id))
        .into_model::<ActorRow>()
        .one(conn)
        .await?;
    match row {
        Some(row) => actor_of(conn, row).await,
        None => Ok(None),
    }
}

/// A session row with the person acting in it (two queries: this one, and their roles and
/// municipalities).
#[derive(Debug, FromQueryResult)]
struct SessionRow {
    public_id: String,
    csrf_token: String,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    deployment_name: Option<String>,
    #[sea_orm(nested)]
    actor: ActorRow,
}

/// Why a presented session was not accepted (for the login page's message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Unknown,
    TimedOut,
}

/// Resolves the cookie's token to a valid session, enforcing the timeouts and the person's status.
pub async fn resolve(
    db: &Db,
    clock: &dyn Clock,
    policy: &SessionPolicy,
    token: &str,
) -> Result<std::result::Result<Current, Ended>> {
    let now = clock.now();
    let hash = hash_token(token);
    let found = actor_select(
        session::Entity::find()
            .select_only()
            .column(session::Column::PublicId)
            .column(session::Column::CsrfToken)
            .column(session::Column::LastSeenAt)
            .column(session::Column::ExpiresAt)
            .column_as(
                // A constant key (no user input in the statement's text).
                Expr::cust(format!(
                    "(SELECT value FROM settings WHERE settings.key = '{}')",
                    crate::administration::settings::DEPLOYMENT_NAME
                )),
                "deployment_name",
            ),
    )
    .join(
        JoinType::InnerJoin,
        session::Entity::belongs_to(staff::Entity)
            .from(session::Column::StaffId)
            .to(staff::Column::Id)
            .into(),
    )
    .join(JoinType::InnerJoin, join_organisation())
    .filter(session::Column::TokenHash.eq(hash.clone()))
    .into_model::<SessionRow>()
    .one(db.reader())
    .await?;
    let Some(s) = found else {
        return Ok(Err(Ended::Unknown));
    };
    if now >= s.expires_at || now - s.last_seen_at >= policy.idle {
        session::Entity::delete_by_id(hash)
            .exec(db.writer())
            .await?;
        return Ok(Err(Ended::TimedOut));
    }
    let staff_id = s.actor.staff_id;
    let Some(actor) = actor_of(db.reader(), s.actor).await? else {
        delete_all_of(db.writer(), staff_id).await?;
        return Ok(Err(Ended::Unknown));
    };
    if (now - s.last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(session::Column::TokenHash.eq(hash))
            .exec(db.writer())
            .await?;
    }
    Ok(Ok(Current {
        public_id: s.public_id,
        csrf_token: s.csrf_token,
        actor,
        deployment_name: s.deployment_name.unwrap_or_default(),
    }))
}

/// Ends the current session (logout).
pub async fn logout(db: &Db, ctx: &Ctx, token: &str) -> Result<()> {
    let txn = db.begin().await?;
    delete_by_token(&txn, token).await?;
    audit::record(&txn, ctx, Event::on("logout", "staff", ctx.actor.staff_id)).await?;
    txn.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    pub public_id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: String,
    pub current: bool,
}

fn own(ctx: &Ctx) -> Resource {
    Resource::Staff {
        organisation_id: ctx.actor.organisation_id,
        team_id: ctx.actor.team_id,
        staff_id: ctx.actor.staff_id,
    }
}

/// The actor's own open sessions, newest first.
pub async fn list_own(db: &Db, ctx: &Ctx, current_public_id: &str) -> Result<Vec<SessionInfo>> {
    ctx.authorize(
        db.writer(),
        Action::ManageOwnSessions,
        &own(ctx),
        Event::new("sessions_listed"),
        Error::Forbidden,
    )
    .await?;
    let now = ctx.now();
    let rows = session::Entity::find()
        .filter(session::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db.reader())
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionInfo {
            current: s.public_id == current_public_id,
            public_id: s.public_id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
            user_agent: s.user_agent,
        })
        .collect())
}

/// Ends one of the actor's own sessions. Someone else's session answers like a missing one.
pub async fn end_own(db: &Db, ctx: &Ctx, public_id: &str) -> Result<()> {
    let txn = db.begin().await?;
    let res = session::Entity::delete_many()
        .filter(session::Column::PublicId.eq(public_id))
        .filter(session::Column::StaffId.eq(ctx.actor.staff_id))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        drop(txn);
        return ctx
            .refuse(db.writer(), Event::new("session_ended"), Error::NotFound)
            .await;
    }
    audit::record(
        &txn,
        ctx,
        Event::on("session_ended", "staff", ctx.actor.staff_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes expired sessions (run periodically; resolving also removes them one by one).
pub async fn prune(db: &Db, clock: &dyn Clock, policy: &SessionPolicy) -> Result<u64> {
    let now = clock.now();
    Ok(session::Entity::delete_many()
        .filter(
            session::Column::ExpiresAt
                .lte(now)
                .or(session::Column::LastSeenAt.lte(now - policy.idle)),
        )
        .exec(db.writer())
        .await?
        .rows_affected)
}

/// How many sessions are valid now (neither timed out nor past their absolute end): one count,
/// for monitoring (decision 0037). Sessions end early only by being deleted, so this is exact up
/// to [`TOUCH_EVERY_SECONDS`] of idle time.
pub async fn active(db: &Db, clock: &dyn Clock, policy: &SessionPolicy) -> Result<u64> {
    let now = clock.now();
    Ok(session::Entity::find()
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::LastSeenAt.gt(now - policy.idle))
        .count(db.reader())
        .await?)
}

/// A short, non-identifying description of a browser, e.g. "Firefox · Windows".
pub fn describe_user_agent(ua: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, n)| *n);
    let os = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPad", "iPadOS"),
        ("iPhone", "iOS"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, n)| *n);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} · {o}"),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => o.to_string(),
        (None, None) => "–".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_user_agent;

    #[test]
    fn user_agents_are_summarised() {
        assert_eq!(
            describe_user_agent(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
            ),
            "Chrome · Linux"
        );
        assert_eq!(
            describe_user_agent(
                "Mozilla/5.0 (Windows NT 10.0; rv:121.0) Gecko/20100101 Firefox/121.0"
            ),
            "Firefox · Windows"
        );
        assert_eq!(describe_user_agent("curl/8"), "–");
    }
}
