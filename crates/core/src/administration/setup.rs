//! One-time links: the first administrator sets up the deployment; a new or locked-out person sets
//! their own password. Only a hash of the link's secret is stored; a link works once and expires.

use ankommen_store::Db;
use ankommen_store::entities::{setup_token, staff};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::administration::organisations::OrganisationInput;
use crate::administration::staff::StaffInput;
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::tokens::{hash_token, random_token};
use crate::kernel::types::{Locale, Name, NewPassword, OrgKind, Role, RoleSet, Username};
use crate::{Clock, Error, FieldErrors, Result};

pub const PURPOSE_BOOTSTRAP: &str = "bootstrap";
pub const PURPOSE_SET_PASSWORD: &str = "set_password";
pub const SETUP_LINK_HOURS: i64 = 72;
pub const BOOTSTRAP_LINK_HOURS: i64 = 24 * 7;

pub(crate) async fn issue<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    purpose: &str,
    staff_id: Option<i64>,
    created_by: Option<i64>,
    valid_hours: i64,
) -> Result<String> {
    // A new link replaces the person's earlier unused links.
    let mut old = setup_token::Entity::delete_many()
        .filter(setup_token::Column::Purpose.eq(purpose))
        .filter(setup_token::Column::UsedAt.is_null());
    old = match staff_id {
        Some(id) => old.filter(setup_token::Column::StaffId.eq(id)),
        None => old.filter(setup_token::Column::StaffId.is_null()),
    };
    old.exec(conn).await?;
    let token = random_token()?;
    setup_token::Entity::insert(setup_token::ActiveModel {
        token_hash: Set(hash_token(&token)),
        purpose: Set(purpose.to_string()),
        staff_id: Set(staff_id),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(valid_hours)),
        used_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// When the deployment has nobody yet: a fresh link to set up the first administrator.
pub async fn bootstrap_link_if_needed(db: &Db, clock: &dyn Clock) -> Result<Option<String>> {
    if crate::administration::staff::count(db).await? > 0 {
        return Ok(None);
    }
    let token = issue(
        db.writer(),
        clock.now(),
        PURPOSE_BOOTSTRAP,
        None,
        None,
        BOOTSTRAP_LINK_HOURS,
    )
    .await?;
    Ok(Some(token))
}

/// What a valid link is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Bootstrap,
    SetPassword {
        staff_id: i64,
        username: String,
        display_name: String,
    },
}

async fn find_valid<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    token: &str,
) -> Result<setup_token::Model> {
    setup_token::Entity::find_by_id(hash_token(token))
        .one(conn)
        .await?
        .filter(|t| t.used_at.is_none() && t.expires_at > now)
        .ok_or(Error::NotFound)
}

/// What the link is for, if it is valid now.
pub async fn check(db: &Db, clock: &dyn Clock, token: &str) -> Result<Purpose> {
    let t = find_valid(db.reader(), clock.now(), token).await?;
    match (t.purpose.as_str(), t.staff_id) {
        (PURPOSE_BOOTSTRAP, _) => Ok(Purpose::Bootstrap),
        (PURPOSE_SET_PASSWORD, Some(id)) => {
            let p = staff::Entity::find_by_id(id)
                .one(db.reader())
                .await?
                .filter(|p| p.active)
                .ok_or(Error::NotFound)?;
            Ok(Purpose::SetPassword {
                staff_id: id,
                username: p.username,
                display_name: p.display_name,
            })
        }
        _ => Err(Error::NotFound),
    }
}

async fn mark_used<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>, token: &str) -> Result<()> {
    let r = setup_token::Entity::update_many()
        .col_expr(setup_token::Column::UsedAt, Expr::value(now))
        .filter(setup_token::Column::TokenHash.eq(hash_token(token)))
        .filter(setup_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if r.rows_affected == 1 {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// Raw input of the first-setup form.
#[derive(Clone, Debug, Default)]
pub struct BootstrapForm {
    pub deployment_name: String,
    pub organisation_name: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

pub struct BootstrapInput {
    pub deployment_name: Name,
    pub organisation_name: Name,
    pub username: Username,
    pub display_name: Name,
    pub password: NewPassword,
}

impl BootstrapInput {
    pub fn parse(f: &BootstrapForm) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let deployment_name = e.take("deployment_name", Name::parse(&f.deployment_name));
        let organisation_name = e.take("organisation_name", Name::parse(&f.organisation_name));
        let username = e.take("username", Username::parse(&f.username));
        let display_name = e.take("display_name", Name::parse(&f.display_name));
        let password = e.take(
            "password",
            NewPassword::parse(&f.password, &f.password_confirm),
        );
        match (
            deployment_name,
            organisation_name,
            username,
            display_name,
            password,
        ) {
            (
                Some(deployment_name),
                Some(organisation_name),
                Some(username),
                Some(display_name),
                Some(password),
            ) => Ok(Self {
                deployment_name,
                organisation_name,
                username,
                display_name,
                password,
            }),
            _ => Err(e),
        }
    }
}

/// Sets up the deployment: its name, the county office, and the first administrator.
pub async fn complete_bootstrap(
    db: &Db,
    clock: &dyn Clock,
    token: &str,
    input: BootstrapInput,
    request_id: Option<&str>,
) -> Result<i64> {
    let hash = crate::administration::auth::hash_password(input.password.expose()).await?;
    let now = clock.now();
    let txn = db.begin().await?;
    let t = find_valid(&txn, now, token).await?;
    if t.purpose != PURPOSE_BOOTSTRAP || staff::Entity::find().one(&txn).await?.is_some() {
        return Err(Error::NotFound);
    }
    mark_used(&txn, now, token).await?;
    crate::administration::settings::set(
        &txn,
        crate::administration::settings::DEPLOYMENT_NAME,
        input.deployment_name.as_str(),
    )
    .await?;
    let org_id = crate::administration::organisations::insert(
        &txn,
        now,
        &OrganisationInput {
            name: input.organisation_name,
            kind: OrgKind::CountyOffice,
            municipality: None,
        },
    )
    .await
    .map_err(|e| match e {
        Error::Invalid(_) => Error::field("organisation_name", "error-name-taken"),
        other => other,
    })?;
    let staff_input = StaffInput {
        username: input.username,
        display_name: input.display_name,
        email: None,
        organisation_id: org_id,
        team_id: None,
        roles: RoleSet::new([Role::Admin]),
        municipalities: vec![],
        locale: Locale::De,
        fte: None,
    };
    let id = crate::administration::staff::insert(&txn, now, &staff_input, Some(hash)).await?;
    let who = Who {
        staff_id: Some(id),
        organisation_id: Some(org_id),
        roles: Role::Admin.as_str().into(),
    };
    audit::record_as(
        &txn,
        now,
        &who,
        request_id,
        Event::on("deployment_set_up", "organisation", org_id),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Sets a person's password through their link. All their sessions end.
pub async fn set_password(
    db: &Db,
    clock: &dyn Clock,
    token: &str,
    password: NewPassword,
    request_id: Option<&str>,
) -> Result<()> {
    let Purpose::SetPassword { staff_id, .. } = check(db, clock, token).await? else {
        return Err(Error::NotFound);
    };
    let hash = crate::administration::auth::hash_password(password.expose()).await?;
    let now = clock.now();
    let txn = db.begin().await?;
    mark_used(&txn, now, token).await?;
    staff::Entity::update_many()
        .col_expr(staff::Column::PasswordHash, Expr::value(hash))
        .col_expr(staff::Column::UpdatedAt, Expr::value(now))
        .filter(staff::Column::Id.eq(staff_id))
        .exec(&txn)
        .await?;
    crate::administration::sessions::delete_all_of(&txn, staff_id).await?;
    let person = staff::Entity::find_by_id(staff_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let who = Who {
        staff_id: Some(staff_id),
        organisation_id: Some(person.organisation_id),
        roles: String::new(),
    };
    audit::record_as(
        &txn,
        now,
        &who,
        request_id,
        Event::on("password_set", "staff", staff_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
