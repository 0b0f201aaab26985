//! The health needs: a special category, sealed at rest (bound to the person's row version), every
//! opening audited.

use ankommen_store::entities::person;
use ankommen_store::{Db, Opened};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::administration::organisations::expect_updated;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, PERSON_HEALTH, Sealing};
use crate::kernel::sealing::Sealer;
use crate::records::consent::{self, Data};
use crate::{Ctx, Result};

/// Opens the health needs (special category). Every opening is audited. None: nothing recorded.
pub async fn open_health(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
) -> Result<(Option<Opened>, i32)> {
    audit::read(db, async |tx| {
        let ev = Event::on("client_viewed", "person", person_id).section("health");
        let (p, _) = access::person_for(tx, ctx, person_id, Action::ReadClient, ev.clone()).await?;
        consent::require(tx, person_id, Data::Health, ctx.today()).await?;
        let text = sealed::open_opt(
            sealer,
            PERSON_HEALTH.at_version(person_id, p.version),
            p.health_sealed.as_deref(),
        );
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
    let sealing = Sealing::begin(&tx, sealer).await?;
    let sealed = sealing.seal_opt(
        PERSON_HEALTH.at_version(person_id, version + 1),
        text.as_deref(),
    )?;
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

/// The health needs of a person whose row goes from `version` to `version + 1` in a change of
/// other fields: sealed again for the new version (see [`Sealing::reseal`]).
pub(crate) fn resealed_health(
    sealing: &Sealing<'_>,
    p: &person::Model,
    version: i32,
) -> Result<Option<Vec<u8>>> {
    sealing.reseal_opt(
        PERSON_HEALTH.at_version(p.id, version),
        PERSON_HEALTH.at_version(p.id, version + 1),
        p.health_sealed.as_deref(),
    )
}
