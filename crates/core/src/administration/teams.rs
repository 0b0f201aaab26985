//! Teams inside an organisation.

use ankommen_store::Db;
use ankommen_store::entities::{organisation, team};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::organisations::expect_updated;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::Name;
use crate::{Ctx, Error, Result};

/// The teams of an organisation the actor administers (unknown or foreign organisations: not found).
pub async fn list(db: &Db, ctx: &Ctx, organisation_id: i64) -> Result<Vec<team::Model>> {
    let res = Resource::Organisation {
        id: organisation_id,
    };
    ctx.authorize(
        db.writer(),
        Action::ManageTeams,
        &res,
        Event::on("teams_listed", "organisation", organisation_id),
        Error::NotFound,
    )
    .await?;
    Ok(team::Entity::find()
        .filter(team::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(team::Column::Name)
        .all(db.reader())
        .await?)
}

/// All teams the actor administers, for choice lists.
pub async fn list_all_visible(db: &Db, ctx: &Ctx) -> Result<Vec<team::Model>> {
    let mut q = team::Entity::find().order_by_asc(team::Column::Name);
    if !ctx.allows(Action::ManageOrganisations, &Resource::Deployment) {
        q = q.filter(team::Column::OrganisationId.eq(ctx.actor.organisation_id));
    }
    Ok(q.all(db.reader()).await?)
}

pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<team::Model> {
    let t = team::Entity::find_by_id(id)
        .one(db.reader())
        .await?
        .ok_or(Error::NotFound)?;
    let res = Resource::Team {
        organisation_id: t.organisation_id,
        team_id: id,
    };
    ctx.authorize(
        db.writer(),
        Action::ManageTeams,
        &res,
        Event::on("team_viewed", "team", id),
        Error::NotFound,
    )
    .await?;
    Ok(t)
}

pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    now: chrono::DateTime<chrono::Utc>,
    organisation_id: i64,
    name: &Name,
) -> Result<i64> {
    let r = team::Entity::insert(team::ActiveModel {
        id: NotSet,
        organisation_id: Set(organisation_id),
        name: Set(name.as_str().to_string()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(conn)
    .await
    .map_err(crate::kernel::error::taken("name", "error-name-taken"))?;
    Ok(r.last_insert_id)
}

pub async fn create(db: &Db, ctx: &Ctx, organisation_id: i64, name: Name) -> Result<i64> {
    let res = Resource::Organisation {
        id: organisation_id,
    };
    ctx.authorize(
        db.writer(),
        Action::ManageTeams,
        &res,
        Event::on("team_created", "organisation", organisation_id),
        Error::NotFound,
    )
    .await?;
    let txn = db.begin().await?;
    if organisation::Entity::find_by_id(organisation_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(Error::NotFound);
    }
    let id = insert(&txn, ctx.now(), organisation_id, &name).await?;
    audit::record(&txn, ctx, Event::on("team_created", "team", id)).await?;
    txn.commit().await?;
    Ok(id)
}

pub async fn update(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    name: Name,
    active: bool,
    version: i32,
) -> Result<()> {
    let t = get(db, ctx, id).await?;
    let txn = db.begin().await?;
    let r = team::Entity::update_many()
        .col_expr(team::Column::Name, Expr::value(name.into_string()))
        .col_expr(team::Column::Active, Expr::value(active))
        .col_expr(team::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(team::Column::Version, Expr::value(version + 1))
        .filter(team::Column::Id.eq(t.id))
        .filter(team::Column::Version.eq(version))
        .exec(&txn)
        .await
        .map_err(crate::kernel::error::taken("name", "error-name-taken"))?;
    expect_updated(&txn, r.rows_affected, team::Entity::find_by_id(id)).await?;
    audit::record(&txn, ctx, Event::on("team_updated", "team", id)).await?;
    txn.commit().await?;
    Ok(())
}
