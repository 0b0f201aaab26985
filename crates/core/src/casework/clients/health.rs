//! The health needs: a special category, sealed at rest, every opening audited.

use ankommen_store::Db;
use ankommen_store::entities::person;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::administration::organisations::expect_updated;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::Action;
use crate::kernel::sealing::{Aad, Sealer};
use crate::records::consent::{self, Data};
use crate::{Ctx, Error, Result};

fn health_aad(person_id: i64) -> Aad<'static> {
    Aad {
        table: "persons",
        column: "health_sealed",
        row: person_id,
    }
}

/// Opens the health needs (special category). Every opening is audited.
pub async fn open_health(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
) -> Result<(Option<String>, i32)> {
    audit::read(db, async |tx| {
        let ev = Event::on("client_viewed", "person", person_id).section("health");
        let (p, _) = access::person_for(tx, ctx, person_id, Action::ReadClient, ev.clone()).await?;
        consent::require(tx, person_id, Data::Health, ctx.today()).await?;
        let text = match &p.health_sealed {
            Some(blob) => Some(
                sealer
                    .open(&health_aad(person_id), blob)
                    .map_err(|e| Error::Internal(format!("health needs of a person: {e}")))?,
            ),
            None => None,
        };
        audit::record(tx, ctx, ev).await?;
        Ok((text, p.version))
    })
    .await
}

/// Saves (or, with `None`, removes) the health needs, sealed.
pub async fn update_health(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
    version: i32,
    text: Option<String>,
) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("client_updated", "person", person_id).section("health");
    let (tx, _, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
    consent::require(&tx, person_id, Data::Health, ctx.today()).await?;
    let sealed = match text {
        Some(t) => Some(
            sealer
                .seal(&health_aad(person_id), &t)
                .map_err(|e| Error::Internal(format!("sealing health needs: {e}")))?,
        ),
        None => None,
    };
    let res = person::Entity::update_many()
        .col_expr(person::Column::HealthSealed, Expr::value(sealed))
        .col_expr(person::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(person::Column::Version, Expr::value(version + 1))
        .filter(person::Column::Id.eq(person_id))
        .filter(person::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(
        &tx,
        res.rows_affected,
        person::Entity::find_by_id(person_id),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}
