//! Staff members: user accounts with their organisation, team, roles and the municipalities they serve.
//! People are never hard-deleted; they are deactivated, which ends their sessions at once.

use std::collections::HashMap;

use ankommen_store::Db;
use ankommen_store::entities::{
    municipality, organisation, staff, staff_municipality, staff_role, team,
};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
};

use crate::administration::duties;
use crate::administration::organisations::expect_updated;
use crate::administration::service_areas;
use crate::administration::setup::{self, SETUP_LINK_HOURS};
use crate::kernel::access;
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{
    Ags, Email, Fte, Locale, Name, NewPassword, OrgKind, Role, RoleSet, Username, role_allowed_in,
};
use crate::{Clock, Ctx, Error, FieldErrors, Result};

/// Raw form or JSON input for a staff member.
#[derive(Clone, Debug, Default)]
pub struct StaffForm {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub organisation_id: String,
    pub team_id: String,
    pub roles: Vec<String>,
    pub municipalities: Vec<String>,
    pub locale: String,
    pub fte: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StaffInput {
    pub username: Username,
    pub display_name: Name,
    pub email: Option<Email>,
    pub organisation_id: i64,
    pub team_id: Option<i64>,
    pub roles: RoleSet,
    pub municipalities: Vec<Ags>,
    pub locale: Locale,
    pub fte: Option<Fte>,
}

impl StaffInput {
    pub fn parse(f: &StaffForm) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let username = e.take("username", Username::parse(&f.username));
        let display_name = e.take("display_name", Name::parse(&f.display_name));
        let email = e.take("email", Email::parse_optional(&f.email));
        let organisation_id = e.take("organisation_id", parse_id(&f.organisation_id));
        let team_id = if f.team_id.trim().is_empty() {
            Some(None)
        } else {
            e.take("team_id", parse_id(&f.team_id)).map(Some)
        };
        let mut roles = Vec::new();
        for r in &f.roles {
            if let Some(r) = e.take("roles", Role::parse(r)) {
                roles.push(r);
            }
        }
        if f.roles.is_empty() {
            e.add("roles", "error-role-required");
        }
        let mut municipalities = Vec::new();
        for m in &f.municipalities {
            if let Some(a) = e.take("municipalities", Ags::parse(m)) {
                municipalities.push(a);
            }
        }
        municipalities.sort();
        municipalities.dedup();
        let locale = if f.locale.trim().is_empty() {
            Some(Locale::De)
        } else {
            e.take("locale", Locale::parse(&f.locale))
        };
        let fte = e.take("fte", Fte::parse_optional(&f.fte));
        match (
            username,
            display_name,
            email,
            organisation_id,
            team_id,
            locale,
            fte,
        ) {
            (
                Some(username),
                Some(display_name),
                Some(email),
                Some(organisation_id),
                Some(team_id),
                Some(locale),
                Some(fte),
            ) if e.is_empty() => Ok(Self {
                username,
                display_name,
                email,
                organisation_id,
                team_id,
                roles: RoleSet::new(roles),
                municipalities,
                locale,
                fte,
            }),
            _ => Err(e),
        }
    }
}

fn parse_id(s: &str) -> std::result::Result<i64, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return Err("error-required");
    }
    t.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or("error-choice")
}

/// A staff member with roles and municipalities.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffDetail {
    pub person: staff::Model,
    pub roles: RoleSet,
    pub municipalities: Vec<String>,
    pub has_password: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub organisation_id: Option<i64>,
    pub team_id: Option<i64>,
    pub role: Option<Role>,
    pub include_inactive: bool,
    /// Part of the name or user name.
    pub query: Option<String>,
}

pub(crate) fn resource(p: &staff::Model) -> Resource {
    Resource::Staff {
        organisation_id: p.organisation_id,
        team_id: p.team_id,
        staff_id: p.id,
    }
}

/// Staff the actor administers, filtered.
pub async fn list(db: &Db, ctx: &Ctx, f: &ListFilter) -> Result<Vec<StaffDetail>> {
    let whole_deployment = ctx.allows(Action::ManageOrganisations, &Resource::Deployment);
    let own = Resource::Organisation {
        id: ctx.actor.organisation_id,
    };
    if !whole_deployment {
        ctx.authorize(
            db.writer(),
            Action::ManageStaff,
            &own,
            Event::new("staff_listed"),
            Error::Forbidden,
        )
        .await?;
    }
    let mut q = staff::Entity::find().order_by_asc(staff::Column::DisplayName);
    if !whole_deployment {
        q = q.filter(staff::Column::OrganisationId.eq(ctx.actor.organisation_id));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(staff::Column::OrganisationId.eq(o));
    }
    if let Some(t) = f.team_id {
        q = q.filter(staff::Column::TeamId.eq(t));
    }
    if !f.include_inactive {
        q = q.filter(staff::Column::Active.eq(true));
    }
    if let Some(text) = f.query.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.to_lowercase().replace(['%', '_'], ""));
        q = q.filter(
            Condition::any()
                .add(
                    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                        staff::Column::DisplayName,
                    )))
                    .like(pattern.clone()),
                )
                .add(staff::Column::Username.like(pattern)),
        );
    }
    let people = q.all(db.reader()).await?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let mut roles: HashMap<i64, Vec<String>> = HashMap::new();
    let mut munis: HashMap<i64, Vec<String>> = HashMap::new();
    if !ids.is_empty() {
        for r in staff_role::Entity::find()
            .filter(staff_role::Column::StaffId.is_in(ids.clone()))
            .all(db.reader())
            .await?
        {
            roles.entry(r.staff_id).or_default().push(r.role);
        }
        for m in staff_municipality::Entity::find()
            .filter(staff_municipality::Column::StaffId.is_in(ids))
            .all(db.reader())
            .await?
        {
            munis.entry(m.staff_id).or_default().push(m.ags);
        }
    }
    let mut out: Vec<StaffDetail> = people
        .into_iter()
        .map(|p| StaffDetail {
            roles: RoleSet::from_stored(roles.get(&p.id).into_iter().flatten().map(String::as_str)),
            municipalities: munis.remove(&p.id).unwrap_or_default(),
            has_password: p.password_hash.is_some(),
            person: p,
        })
        .collect();
    if let Some(r) = f.role {
        out.retain(|d| d.roles.has(r));
    }
    Ok(out)
}

pub(crate) async fn load<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<StaffDetail>> {
    let Some(p) = staff::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let roles = crate::administration::sessions::load_roles(conn, id).await?;
    let municipalities = staff_municipality::Entity::find()
        .filter(staff_municipality::Column::StaffId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.ags)
        .collect();
    Ok(Some(StaffDetail {
        roles,
        municipalities,
        has_password: p.password_hash.is_some(),
        person: p,
    }))
}

/// One staff member, if the actor administers them; otherwise not found.
pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<StaffDetail> {
    let Some(d) = load(db.reader(), id).await? else {
        return Err(Error::NotFound);
    };
    ctx.authorize(
        db.writer(),
        Action::ManageStaff,
        &resource(&d.person),
        Event::on("staff_viewed", "staff", id),
        Error::NotFound,
    )
    .await?;
    Ok(d)
}

/// Checks the references of an input against the database and the rules that span objects.
async fn validate<C: ConnectionTrait>(
    conn: &C,
    input: &StaffInput,
    today: NaiveDate,
) -> Result<()> {
    let mut e = FieldErrors::new();
    // The administrator role stands alone: whoever manages accounts does not also read clients or
    // audit access to them.
    if input.roles.has(Role::Admin)
        && [Role::Im, Role::TeamLead, Role::Dpo]
            .iter()
            .any(|r| input.roles.has(*r))
    {
        e.add("roles", "error-admin-role-alone");
    }
    let org = organisation::Entity::find_by_id(input.organisation_id)
        .one(conn)
        .await?;
    match &org {
        None => e.add("organisation_id", "error-choice"),
        Some(o) => {
            let kind = OrgKind::parse(&o.kind).unwrap_or(OrgKind::Provider);
            if input.roles.iter().any(|r| !role_allowed_in(r, kind)) {
                e.add("roles", "error-role-not-in-organisation");
            }
        }
    }
    if let Some(t) = input.team_id {
        match team::Entity::find_by_id(t).one(conn).await? {
            Some(t) if t.organisation_id == input.organisation_id => {}
            _ => e.add("team_id", "error-team-not-in-organisation"),
        }
    }
    if !input.municipalities.is_empty() {
        let keys: Vec<String> = input.municipalities.iter().map(|a| a.to_string()).collect();
        let found = municipality::Entity::find()
            .filter(municipality::Column::Ags.is_in(keys.clone()))
            .all(conn)
            .await?;
        if found.len() != keys.len() {
            e.add("municipalities", "error-municipality-unknown");
        } else if org.is_some() {
            // A person serves only where their organisation serves (now or from a later day).
            let served = service_areas::served_from(conn, input.organisation_id, today).await?;
            if keys.iter().any(|k| !served.contains(k)) {
                e.add("municipalities", "error-municipality-not-in-service-area");
            }
        }
    }
    e.into_result()
}

/// Today where the offices are (as [`Ctx::today`]), for the callers without a context.
fn berlin_day(now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Europe::Berlin).date_naive()
}

async fn write_links<C: ConnectionTrait>(conn: &C, id: i64, input: &StaffInput) -> Result<()> {
    staff_role::Entity::delete_many()
        .filter(staff_role::Column::StaffId.eq(id))
        .exec(conn)
        .await?;
    staff_municipality::Entity::delete_many()
        .filter(staff_municipality::Column::StaffId.eq(id))
        .exec(conn)
        .await?;
    let roles: Vec<_> = input
        .roles
        .iter()
        .map(|r| staff_role::ActiveModel {
            staff_id: Set(id),
            role: Set(r.as_str().to_string()),
        })
        .collect();
    if !roles.is_empty() {
        staff_role::Entity::insert_many(roles)
            .exec_without_returning(conn)
            .await?;
    }
    let munis: Vec<_> = input
        .municipalities
        .iter()
        .map(|a| staff_municipality::ActiveModel {
            staff_id: Set(id),
            ags: Set(a.to_string()),
        })
        .collect();
    if !munis.is_empty() {
        staff_municipality::Entity::insert_many(munis)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    now: chrono::DateTime<chrono::Utc>,
    input: &StaffInput,
    password_hash: Option<String>,
) -> Result<i64> {
    validate(conn, input, berlin_day(now)).await?;
    let r = staff::Entity::insert(staff::ActiveModel {
        id: NotSet,
        organisation_id: Set(input.organisation_id),
        team_id: Set(input.team_id),
        username: Set(input.username.as_str().to_string()),
        display_name: Set(input.display_name.as_str().to_string()),
        email: Set(input.email.as_ref().map(|e| e.as_str().to_string())),
        locale: Set(input.locale.as_str().to_string()),
        password_hash: Set(password_hash),
        fte: Set(input.fte.map(Fte::value)),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        deactivated_at: Set(None),
        version: Set(1),
    })
    .exec(conn)
    .await
    .map_err(crate::kernel::error::taken(
        "username",
        "error-username-taken",
    ))?;
    write_links(conn, r.last_insert_id, input).await?;
    Ok(r.last_insert_id)
}

/// Creates a staff member without a password and returns their id and a one-time setup link token
/// with which they choose their own password.
pub async fn create(db: &Db, ctx: &Ctx, input: StaffInput) -> Result<(i64, String)> {
    let target = Resource::Staff {
        organisation_id: input.organisation_id,
        team_id: input.team_id,
        staff_id: 0,
    };
    ctx.authorize(
        db.writer(),
        Action::ManageStaff,
        &target,
        Event::new("staff_created"),
        Error::Forbidden,
    )
    .await?;
    let txn = db.begin().await?;
    let id = insert(&txn, ctx.now(), &input, None).await?;
    let roles = Some(input.roles.joined());
    duties::record_change(&txn, ctx, id, duties::CHANGE_ROLES, None, roles, None).await?;
    let org = Some(input.organisation_id.to_string());
    duties::record_change(&txn, ctx, id, duties::CHANGE_ORGANISATION, None, org, None).await?;
    audit::record(&txn, ctx, Event::on("staff_created", "staff", id)).await?;
    let token = issue_password_link(&txn, ctx, id).await?;
    txn.commit().await?;
    Ok((id, token))
}

/// Changes a staff member. Role, team and status changes apply from the person's next request.
pub async fn update(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    input: StaffInput,
    active: bool,
    version: i32,
) -> Result<()> {
    let current = get(db, ctx, id).await?;
    // Moving someone to another organisation needs the right to manage staff there too.
    let target = Resource::Staff {
        organisation_id: input.organisation_id,
        team_id: input.team_id,
        staff_id: id,
    };
    ctx.authorize(
        db.writer(),
        Action::ManageStaff,
        &target,
        Event::on("staff_updated", "staff", id),
        Error::Forbidden,
    )
    .await?;
    if id == ctx.actor.staff_id {
        // Separation of duties: nobody changes their own roles or organisation (an administrator
        // granting themself the IM role would read clients alone and unnoticed).
        let mut e = FieldErrors::new();
        if !active {
            e.add("active", "error-cannot-deactivate-self");
        }
        if current.roles.has(Role::Admin) && !input.roles.has(Role::Admin) {
            e.add("roles", "error-cannot-drop-own-admin");
        } else if current.roles != input.roles {
            e.add("roles", "error-cannot-change-own-roles");
        }
        if current.person.organisation_id != input.organisation_id {
            e.add("organisation_id", "error-cannot-change-own-organisation");
        }
        if !e.is_empty() {
            return ctx
                .refuse(
                    db.writer(),
                    Event::on("staff_updated", "staff", id),
                    Error::Invalid(e),
                )
                .await;
        }
    }
    let now = ctx.now();
    let txn = db.begin().await?;
    let old_org = current.person.organisation_id;
    let moved = old_org != input.organisation_id;
    let mut input = input;
    if moved {
        moving(&txn, ctx, id, old_org, &mut input).await?;
    }
    validate(&txn, &input, ctx.today()).await?;
    let deactivated_at = match (current.person.active, active) {
        (true, false) => Some(now),
        (false, false) => current.person.deactivated_at,
        _ => None,
    };
    let r = staff::Entity::update_many()
        .col_expr(
            staff::Column::Username,
            Expr::value(input.username.as_str()),
        )
        .col_expr(
            staff::Column::DisplayName,
            Expr::value(input.display_name.as_str()),
        )
        .col_expr(
            staff::Column::Email,
            Expr::value(input.email.as_ref().map(|e| e.as_str().to_string())),
        )
        .col_expr(
            staff::Column::OrganisationId,
            Expr::value(input.organisation_id),
        )
        .col_expr(staff::Column::TeamId, Expr::value(input.team_id))
        .col_expr(staff::Column::Locale, Expr::value(input.locale.as_str()))
        .col_expr(staff::Column::Fte, Expr::value(input.fte.map(Fte::value)))
        .col_expr(staff::Column::Active, Expr::value(active))
        .col_expr(staff::Column::DeactivatedAt, Expr::value(deactivated_at))
        .col_expr(staff::Column::UpdatedAt, Expr::value(now))
        .col_expr(staff::Column::Version, Expr::value(version + 1))
        .filter(staff::Column::Id.eq(id))
        .filter(staff::Column::Version.eq(version))
        .exec(&txn)
        .await
        .map_err(crate::kernel::error::taken(
            "username",
            "error-username-taken",
        ))?;
    expect_updated(&txn, r.rows_affected, staff::Entity::find_by_id(id)).await?;
    write_links(&txn, id, &input).await?;
    if current.roles != input.roles {
        let (old, new) = (current.roles.joined(), input.roles.joined());
        duties::record_change(
            &txn,
            ctx,
            id,
            duties::CHANGE_ROLES,
            Some(old),
            Some(new),
            None,
        )
        .await?;
    }
    if current.person.organisation_id != input.organisation_id {
        let (old, new) = (current.person.organisation_id, input.organisation_id);
        let (old, new) = (Some(old.to_string()), Some(new.to_string()));
        duties::record_change(&txn, ctx, id, duties::CHANGE_ORGANISATION, old, new, None).await?;
    }
    let action = match (current.person.active, active) {
        (true, false) => "staff_deactivated",
        (false, true) => "staff_reactivated",
        _ => "staff_updated",
    };
    if !active || moved {
        crate::administration::sessions::delete_all_of(&txn, id).await?;
    }
    audit::record(&txn, ctx, Event::on(action, "staff", id)).await?;
    if moved {
        // Access follows employment: no share of the old organisation's cases stays.
        access::end_shares_outside(&txn, ctx, id, input.organisation_id).await?;
        audit::record(&txn, ctx, Event::on("staff_moved", "staff", id)).await?;
        audit::record(
            &txn,
            ctx,
            Event::on("staff_moved_out", "organisation", old_org),
        )
        .await?;
        audit::record(
            &txn,
            ctx,
            Event::on("staff_moved_in", "organisation", input.organisation_id),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A move to another organisation, before it is saved: refused while the person still holds cases
/// of another organisation (a team lead hands them over first: the move must not take cases along
/// nor leave them to nobody); a team of the old organisation is dropped (teams belong to
/// organisations) and the municipalities are cut to those the new organisation serves.
async fn moving<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
    old_org: i64,
    input: &mut StaffInput,
) -> Result<()> {
    let held = access::cases_held_outside(conn, id, input.organisation_id).await?;
    if held > 0 {
        let mut e = FieldErrors::new();
        e.add_count(
            "organisation_id",
            "error-move-holds-cases",
            i64::try_from(held).unwrap_or(i64::MAX),
        );
        return Err(Error::Invalid(e));
    }
    if let Some(t) = input.team_id {
        // The form still names a team of the old organisation: none until one is chosen there.
        let team_org = team::Entity::find_by_id(t)
            .one(conn)
            .await?
            .map(|t| t.organisation_id);
        if team_org == Some(old_org) {
            input.team_id = None;
        }
    }
    let served = service_areas::served_from(conn, input.organisation_id, ctx.today()).await?;
    input.municipalities.retain(|a| served.contains(a.as_str()));
    Ok(())
}

/// Issues a one-time set-password link for a person and records that, within the caller's transaction.
pub(crate) async fn issue_password_link<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
) -> Result<String> {
    let token = setup::issue(
        conn,
        ctx.now(),
        setup::PURPOSE_SET_PASSWORD,
        Some(id),
        Some(ctx.actor.staff_id),
        SETUP_LINK_HOURS,
    )
    .await?;
    audit::record(conn, ctx, Event::on("setup_link_issued", "staff", id)).await?;
    Ok(token)
}

/// The actor's own UI language.
pub async fn set_own_locale(db: &Db, ctx: &Ctx, locale: Locale) -> Result<()> {
    let txn = db.begin().await?;
    staff::Entity::update_many()
        .col_expr(staff::Column::Locale, Expr::value(locale.as_str()))
        .col_expr(staff::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(staff::Column::Id.eq(ctx.actor.staff_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        ctx,
        Event::on("own_settings_changed", "staff", ctx.actor.staff_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Changes the actor's own password (the current one is required). Other sessions are ended.
/// Attempts are counted like logins of the account from `address` (a stolen session must not
/// become a way to guess the password at leisure).
pub async fn change_own_password(
    db: &Db,
    ctx: &Ctx,
    address: &str,
    current: &str,
    new: NewPassword,
    keep_session: &str,
) -> Result<()> {
    let person = staff::Entity::find_by_id(ctx.actor.staff_id)
        .one(db.reader())
        .await?
        .ok_or(Error::NotFound)?;
    let refused = crate::administration::auth::count_proof(
        db,
        "password-change",
        &person.username,
        address,
        ctx.now(),
    )
    .await?;
    if refused.is_some() {
        return ctx
            .refuse(
                db.writer(),
                Event::on("password_changed", "staff", person.id),
                Error::field("current_password", "error-password-attempts"),
            )
            .await;
    }
    if !crate::administration::auth::verify_password(person.password_hash.clone(), current).await? {
        return ctx
            .refuse(
                db.writer(),
                Event::on("password_changed", "staff", person.id),
                Error::field("current_password", "error-current-password"),
            )
            .await;
    }
    let hash = crate::administration::auth::hash_password(new.expose()).await?;
    let txn = db.begin().await?;
    staff::Entity::update_many()
        .col_expr(staff::Column::PasswordHash, Expr::value(hash))
        .col_expr(staff::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(staff::Column::Id.eq(person.id))
        .exec(&txn)
        .await?;
    ankommen_store::entities::session::Entity::delete_many()
        .filter(ankommen_store::entities::session::Column::StaffId.eq(person.id))
        .filter(ankommen_store::entities::session::Column::PublicId.ne(keep_session))
        .exec(&txn)
        .await?;
    audit::record(&txn, ctx, Event::on("password_changed", "staff", person.id)).await?;
    txn.commit().await?;
    Ok(())
}

/// What the command line needs to create a person (the first administrator, typically).
#[derive(Clone, Debug)]
pub struct CliUser {
    pub username: Username,
    pub display_name: Name,
    pub roles: RoleSet,
    /// The organisation by name; created as the county office when the deployment has none yet.
    pub organisation: Name,
}

/// Creates a person from the command line, with a password. Recorded as done by the system.
pub async fn create_from_cli(
    db: &Db,
    clock: &dyn Clock,
    user: CliUser,
    password: NewPassword,
) -> Result<i64> {
    let hash = crate::administration::auth::hash_password(password.expose()).await?;
    let now = clock.now();
    let txn = db.begin().await?;
    let org = organisation::Entity::find()
        .filter(organisation::Column::Name.eq(user.organisation.as_str()))
        .one(&txn)
        .await?;
    let org_id = match org {
        Some(o) => o.id,
        None => {
            let any = organisation::Entity::find().one(&txn).await?;
            if any.is_some() {
                return Err(Error::field("organisation", "error-organisation-unknown"));
            }
            let input = crate::administration::organisations::OrganisationInput {
                name: user.organisation.clone(),
                kind: OrgKind::CountyOffice,
                municipality: None,
            };
            crate::administration::organisations::insert(&txn, now, &input).await?
        }
    };
    let input = StaffInput {
        username: user.username,
        display_name: user.display_name,
        email: None,
        organisation_id: org_id,
        team_id: None,
        roles: user.roles,
        municipalities: vec![],
        locale: Locale::De,
        fte: None,
    };
    let id = insert(&txn, now, &input, Some(hash)).await?;
    let who = Who {
        staff_id: None,
        organisation_id: Some(org_id),
        roles: "system".into(),
    };
    audit::record_as(
        &txn,
        now,
        &who,
        None,
        Event::on("staff_created", "staff", id),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Number of staff accounts (0 means the deployment still needs its first administrator).
pub async fn count(db: &Db) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(staff::Entity::find().count(db.reader()).await?)
}
