//! The municipalities of the deployment (keyed by AGS). Managed by the county office's administrators.

use ankommen_store::Db;
use ankommen_store::entities::municipality;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{Ags, Name};
use crate::{Ctx, Error, FieldErrors, Result};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MunicipalityInput {
    pub ags: Ags,
    pub name: Name,
}

impl MunicipalityInput {
    pub fn parse(ags: &str, name: &str) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let ags = e.take("ags", Ags::parse(ags));
        let name = e.take("name", Name::parse(name));
        match (ags, name) {
            (Some(ags), Some(name)) if e.is_empty() => Ok(Self { ags, name }),
            _ => Err(e),
        }
    }
}

/// All municipalities (names and keys are public facts; any signed-in person may list them).
pub async fn list(db: &Db) -> Result<Vec<municipality::Model>> {
    Ok(municipality::Entity::find()
        .order_by_asc(municipality::Column::Name)
        .all(db.reader())
        .await?)
}

/// The municipalities, for those who manage them (the county office's administrators).
pub async fn list_managed(db: &Db, ctx: &Ctx) -> Result<Vec<municipality::Model>> {
    let ev = Event::new("municipalities_listed");
    ctx.authorize(
        db.writer(),
        Action::ManageMunicipalities,
        &Resource::Deployment,
        ev,
        Error::Forbidden,
    )
    .await?;
    list(db).await
}

/// One municipality, for those who manage it.
pub async fn get_managed(db: &Db, ctx: &Ctx, ags: &str) -> Result<municipality::Model> {
    let res = Resource::Municipality {
        ags: ags.to_string(),
    };
    let ev = Event::on("municipality_viewed", "municipality", ags);
    ctx.authorize(
        db.writer(),
        Action::ManageMunicipalities,
        &res,
        ev,
        Error::Forbidden,
    )
    .await?;
    get(db, ags).await
}

pub async fn get(db: &Db, ags: &str) -> Result<municipality::Model> {
    municipality::Entity::find_by_id(ags.to_string())
        .one(db.reader())
        .await?
        .ok_or(Error::NotFound)
}

pub(crate) async fn insert<C: sea_orm::ConnectionTrait>(
    conn: &C,
    now: chrono::DateTime<chrono::Utc>,
    input: &MunicipalityInput,
) -> Result<()> {
    municipality::Entity::insert(municipality::ActiveModel {
        ags: Set(input.ags.to_string()),
        name: Set(input.name.as_str().to_string()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec_without_returning(conn)
    .await
    .map_err(crate::kernel::error::taken("ags", "error-ags-taken"))?;
    Ok(())
}

pub async fn create(db: &Db, ctx: &Ctx, input: MunicipalityInput) -> Result<()> {
    let res = Resource::Municipality {
        ags: input.ags.to_string(),
    };
    let ev = Event::on("municipality_created", "municipality", &input.ags);
    ctx.authorize(
        db.writer(),
        Action::ManageMunicipalities,
        &res,
        ev.clone(),
        Error::Forbidden,
    )
    .await?;
    let txn = db.begin().await?;
    insert(&txn, ctx.now(), &input).await?;
    audit::record(&txn, ctx, ev).await?;
    txn.commit().await?;
    Ok(())
}

/// Renames a municipality (the key never changes) and sets whether it is active.
pub async fn update(
    db: &Db,
    ctx: &Ctx,
    ags: &str,
    name: Name,
    active: bool,
    version: i32,
) -> Result<()> {
    let res = Resource::Municipality {
        ags: ags.to_string(),
    };
    let ev = Event::on("municipality_updated", "municipality", ags);
    ctx.authorize(
        db.writer(),
        Action::ManageMunicipalities,
        &res,
        ev.clone(),
        Error::Forbidden,
    )
    .await?;
    let txn = db.begin().await?;
    let r = municipality::Entity::update_many()
        .col_expr(municipality::Column::Name, Expr::value(name.into_string()))
        .col_expr(municipality::Column::Active, Expr::value(active))
        .col_expr(municipality::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(municipality::Column::Version, Expr::value(version + 1))
        .filter(municipality::Column::Ags.eq(ags))
        .filter(municipality::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    crate::administration::organisations::expect_updated(
        &txn,
        r.rows_affected,
        municipality::Entity::find_by_id(ags.to_string()),
    )
    .await?;
    audit::record(&txn, ctx, ev).await?;
    txn.commit().await?;
    Ok(())
}
