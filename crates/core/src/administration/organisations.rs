//! Organisations: the county office, municipalities employing their own staff, welfare providers.

use ankommen_store::Db;
use ankommen_store::entities::{municipality, organisation, session, staff};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{Ags, Name, OrgKind};
use crate::{Ctx, Error, FieldErrors, Result};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationInput {
    pub name: Name,
    pub kind: OrgKind,
    /// Required for (and only for) organisations of kind municipality.
    pub municipality: Option<Ags>,
}

impl OrganisationInput {
    pub fn parse(
        name: &str,
        kind: &str,
        municipality: &str,
    ) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take("name", Name::parse(name));
        let kind = e.take("kind", OrgKind::parse(kind));
        let municipality = if municipality.trim().is_empty() {
            if kind == Some(OrgKind::Municipality) {
                e.add("municipality", "error-municipality-required");
            }
            None
        } else {
            e.take("municipality", Ags::parse(municipality))
        };
        match (name, kind) {
            (Some(name), Some(kind)) if e.is_empty() => {
                let municipality = if kind == OrgKind::Municipality {
                    municipality
                } else {
                    None
                };
                Ok(Self {
                    name,
                    kind,
                    municipality,
                })
            }
            _ => Err(e),
        }
    }
}

/// After an update guarded by a version: no row means either gone (not found) or changed meanwhile.
pub(crate) async fn expect_updated<C: ConnectionTrait, E: EntityTrait>(
    conn: &C,
    rows: u64,
    find: Select<E>,
) -> Result<()> {
    if rows > 0 {
        return Ok(());
    }
    match find.one(conn).await? {
        Some(_) => Err(Error::Conflict("error-stale")),
        None => Err(Error::NotFound),
    }
}

/// The organisations the actor administers: all for the county office, the own one otherwise.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<organisation::Model>> {
    let mut q = organisation::Entity::find().order_by_asc(organisation::Column::Name);
    if !ctx.allows(Action::ManageOrganisations, &Resource::Deployment) {
        let own = Resource::Organisation {
            id: ctx.actor.organisation_id,
        };
        ctx.authorize(
            db.writer(),
            Action::ViewOrganisation,
            &own,
            Event::new("organisations_listed"),
            Error::Forbidden,
        )
        .await?;
        q = q.filter(organisation::Column::Id.eq(ctx.actor.organisation_id));
    }
    Ok(q.all(db.reader()).await?)
}

/// Names of all organisations (for labels; not access-controlled data).
pub async fn names(db: &Db) -> Result<std::collections::HashMap<i64, String>> {
    Ok(organisation::Entity::find()
        .all(db.reader())
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The names of the organisations still active (for choosing one, e.g. as a release's recipient).
pub async fn active_names(db: &Db) -> Result<Vec<(i64, String)>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Active.eq(true))
        .all(db.reader())
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<organisation::Model> {
    let res = Resource::Organisation { id };
    ctx.authorize(
        db.writer(),
        Action::ViewOrganisation,
        &res,
        Event::on("organisation_viewed", "organisation", id),
        Error::NotFound,
    )
    .await?;
    organisation::Entity::find_by_id(id)
        .one(db.reader())
        .await?
        .ok_or(Error::NotFound)
}

async fn check_municipality<C: ConnectionTrait>(conn: &C, input: &OrganisationInput) -> Result<()> {
    if let Some(ags) = &input.municipality
        && municipality::Entity::find_by_id(ags.to_string())
            .one(conn)
            .await?
            .is_none()
    {
        return Err(Error::field("municipality", "error-municipality-unknown"));
    }
    Ok(())
}

pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    now: chrono::DateTime<chrono::Utc>,
    input: &OrganisationInput,
) -> Result<i64> {
    check_municipality(conn, input).await?;
    let r = organisation::Entity::insert(organisation::ActiveModel {
        id: NotSet,
        name: Set(input.name.as_str().to_string()),
        kind: Set(input.kind.as_str().to_string()),
        municipality_ags: Set(input.municipality.as_ref().map(|a| a.to_string())),
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

pub async fn create(db: &Db, ctx: &Ctx, input: OrganisationInput) -> Result<i64> {
    ctx.authorize(
        db.writer(),
        Action::ManageOrganisations,
        &Resource::Deployment,
        Event::new("organisation_created"),
        Error::Forbidden,
    )
    .await?;
    let txn = db.begin().await?;
    let id = insert(&txn, ctx.now(), &input).await?;
    audit::record(
        &txn,
        ctx,
        Event::on("organisation_created", "organisation", id),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

pub async fn update(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    input: OrganisationInput,
    active: bool,
    version: i32,
) -> Result<()> {
    let ev = Event::on("organisation_updated", "organisation", id);
    ctx.authorize(
        db.writer(),
        Action::ManageOrganisations,
        &Resource::Organisation { id },
        ev.clone(),
        Error::Forbidden,
    )
    .await?;
    if !active && id == ctx.actor.organisation_id {
        return Err(Error::field(
            "active",
            "error-cannot-deactivate-own-organisation",
        ));
    }
    let txn = db.begin().await?;
    check_municipality(&txn, &input).await?;
    let r = organisation::Entity::update_many()
        .col_expr(
            organisation::Column::Name,
            Expr::value(input.name.into_string()),
        )
        .col_expr(organisation::Column::Kind, Expr::value(input.kind.as_str()))
        .col_expr(
            organisation::Column::MunicipalityAgs,
            Expr::value(input.municipality.map(|a| a.to_string())),
        )
        .col_expr(organisation::Column::Active, Expr::value(active))
        .col_expr(organisation::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(organisation::Column::Version, Expr::value(version + 1))
        .filter(organisation::Column::Id.eq(id))
        .filter(organisation::Column::Version.eq(version))
        .exec(&txn)
        .await
        .map_err(crate::kernel::error::taken("name", "error-name-taken"))?;
    expect_updated(&txn, r.rows_affected, organisation::Entity::find_by_id(id)).await?;
    if !active {
        // Deactivated: its staff's sessions end at once and their logins are refused; its cases
        // stay, for the county to hand over.
        let staff_ids: Vec<i64> = staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .filter(staff::Column::OrganisationId.eq(id))
            .into_tuple()
            .all(&txn)
            .await?;
        session::Entity::delete_many()
            .filter(session::Column::StaffId.is_in(staff_ids))
            .exec(&txn)
            .await?;
    }
    audit::record(&txn, ctx, ev).await?;
    txn.commit().await?;
    Ok(())
}
