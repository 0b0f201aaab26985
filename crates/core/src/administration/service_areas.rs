//! Service areas (Versorgungsgebiete): which organisation serves which municipality, from a day on
//! and until a day. The county office's administrators manage them; the municipalities a person
//! may serve, where clients are registered and cases opened, and which organisation a moved
//! client's case goes to all follow from them.
//!
//! A period runs from `valid_from` to `valid_until`, both days included; without an end it lasts.
//! Several organisations may serve one municipality; one organisation's periods for one
//! municipality never overlap. Periods are never deleted: an area that ends gets its last day, so
//! the history of who served where stays.

use std::collections::BTreeSet;

use ankommen_store::Db;
use ankommen_store::entities::{municipality, organisation, service_area};
use chrono::NaiveDate;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{Ags, parse_date};
use crate::{Ctx, Error, FieldErrors, Result};

/// A new service area as typed: the municipality and the first day served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceAreaInput {
    pub municipality: Ags,
    pub from: NaiveDate,
}

impl ServiceAreaInput {
    /// Parses the organisation page's form (`area_municipality`, `area_from`).
    pub fn parse(municipality: &str, from: &str) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let municipality = if municipality.trim().is_empty() {
            e.add("area_municipality", "error-required");
            None
        } else {
            e.take("area_municipality", Ags::parse(municipality))
        };
        let from = e.take("area_from", parse_date(from));
        match (municipality, from) {
            (Some(municipality), Some(from)) if e.is_empty() => Ok(Self { municipality, from }),
            _ => Err(e),
        }
    }
}

/// One period of an organisation's service area, for its page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaRow {
    pub area: service_area::Model,
    pub municipality_name: String,
    /// Served today.
    pub current: bool,
    /// Not ended yet (it may still be given an end).
    pub open: bool,
}

/// `valid_from <= day AND (valid_until IS NULL OR valid_until >= day)`: the periods serving on `day`.
pub(crate) fn on(day: NaiveDate) -> Condition {
    Condition::all()
        .add(service_area::Column::ValidFrom.lte(day))
        .add(not_ended_before(day))
}

/// The periods that have not ended before `day` (serving then, or from a later day on).
fn not_ended_before(day: NaiveDate) -> Condition {
    Condition::any()
        .add(service_area::Column::ValidUntil.is_null())
        .add(service_area::Column::ValidUntil.gte(day))
}

fn serves_on(a: &service_area::Model, day: NaiveDate) -> bool {
    a.valid_from <= day && a.valid_until.is_none_or(|u| u >= day)
}

/// The service area of an organisation, all periods (current ones first, then by municipality and
/// start), for those who may see the organisation.
pub async fn of_organisation(db: &Db, ctx: &Ctx, organisation_id: i64) -> Result<Vec<AreaRow>> {
    ctx.authorize(
        db.writer(),
        Action::ViewOrganisation,
        &Resource::Organisation {
            id: organisation_id,
        },
        Event::on("organisation_viewed", "organisation", organisation_id),
        Error::NotFound,
    )
    .await?;
    let today = ctx.today();
    let names: std::collections::HashMap<String, String> = municipality::Entity::find()
        .all(db.reader())
        .await?
        .into_iter()
        .map(|m| (m.ags, m.name))
        .collect();
    let mut rows: Vec<AreaRow> = service_area::Entity::find()
        .filter(service_area::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(service_area::Column::ValidFrom)
        .all(db.reader())
        .await?
        .into_iter()
        .map(|a| AreaRow {
            municipality_name: names.get(&a.municipality_ags).cloned().unwrap_or_default(),
            current: serves_on(&a, today),
            open: a.valid_until.is_none_or(|u| u >= today),
            area: a,
        })
        .collect();
    rows.sort_by(|a, b| {
        (!a.current, &a.municipality_name, a.area.valid_from).cmp(&(
            !b.current,
            &b.municipality_name,
            b.area.valid_from,
        ))
    });
    Ok(rows)
}

/// The county office's administrator adds a municipality to an organisation's service area, from
/// a day on (open-ended). A period that would overlap one the organisation already has for the
/// municipality is refused.
pub async fn add(db: &Db, ctx: &Ctx, organisation_id: i64, input: ServiceAreaInput) -> Result<i64> {
    let ev = Event::on("service_area_added", "organisation", organisation_id);
    ctx.authorize(
        db.writer(),
        Action::ManageOrganisations,
        &Resource::Organisation {
            id: organisation_id,
        },
        ev,
        Error::Forbidden,
    )
    .await?;
    let tx = db.begin().await?;
    if organisation::Entity::find_by_id(organisation_id)
        .one(&tx)
        .await?
        .is_none()
    {
        return Err(Error::NotFound);
    }
    let ags = input.municipality.to_string();
    if municipality::Entity::find_by_id(ags.clone())
        .one(&tx)
        .await?
        .is_none()
    {
        return Err(Error::field("area_municipality", "error-choice"));
    }
    // The new period is open-ended: any period of the same municipality not ended before its
    // first day overlaps it.
    let overlapping = service_area::Entity::find()
        .filter(service_area::Column::OrganisationId.eq(organisation_id))
        .filter(service_area::Column::MunicipalityAgs.eq(ags.as_str()))
        .filter(not_ended_before(input.from))
        .one(&tx)
        .await?;
    if overlapping.is_some() {
        return Err(Error::field(
            "area_municipality",
            "error-service-area-overlap",
        ));
    }
    let now = ctx.now();
    let id = service_area::Entity::insert(service_area::ActiveModel {
        id: NotSet,
        organisation_id: Set(organisation_id),
        municipality_ags: Set(ags),
        valid_from: Set(input.from),
        valid_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(
        &tx,
        ctx,
        Event::on("service_area_added", "service_area", id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The county office's administrator ends a period of an organisation's service area: `until` is
/// its last day served (not before its first). From the day after, the organisation's staff
/// register no clients there and a client moving there is not the organisation's any more; the
/// cases already there stay until they are handed over or closed.
pub async fn end(
    db: &Db,
    ctx: &Ctx,
    organisation_id: i64,
    area_id: &str,
    until: &str,
) -> Result<()> {
    let ev = Event::on("service_area_ended", "organisation", organisation_id);
    ctx.authorize(
        db.writer(),
        Action::ManageOrganisations,
        &Resource::Organisation {
            id: organisation_id,
        },
        ev,
        Error::Forbidden,
    )
    .await?;
    let mut e = FieldErrors::new();
    let area_id: Option<i64> = area_id.trim().parse().ok();
    if area_id.is_none() {
        e.add("area_id", "error-choice");
    }
    let until = e.take("area_until", parse_date(until));
    e.into_result()?;
    let (Some(area_id), Some(until)) = (area_id, until) else {
        return Err(Error::field("form", "error-form"));
    };
    let tx = db.begin().await?;
    let area = service_area::Entity::find_by_id(area_id)
        .filter(service_area::Column::OrganisationId.eq(organisation_id))
        .one(&tx)
        .await?;
    let Some(area) = area.filter(|a| a.valid_until.is_none()) else {
        return Err(Error::field("area_id", "error-choice"));
    };
    if until < area.valid_from {
        return Err(Error::field("area_until", "error-service-area-until"));
    }
    service_area::Entity::update_many()
        .col_expr(service_area::Column::ValidUntil, Expr::value(until))
        .col_expr(service_area::Column::UpdatedAt, Expr::value(ctx.now()))
        .filter(service_area::Column::Id.eq(area.id))
        .filter(service_area::Column::ValidUntil.is_null())
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        ctx,
        Event::on("service_area_ended", "service_area", area.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Does the organisation serve the municipality on `day`?
pub async fn serves<C: ConnectionTrait>(
    conn: &C,
    organisation_id: i64,
    ags: &str,
    day: NaiveDate,
) -> Result<bool> {
    Ok(service_area::Entity::find()
        .select_only()
        .column(service_area::Column::Id)
        .filter(service_area::Column::OrganisationId.eq(organisation_id))
        .filter(service_area::Column::MunicipalityAgs.eq(ags))
        .filter(on(day))
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .is_some())
}

/// The municipalities an organisation serves on `day` or will serve later (a period not ended
/// before `day`): those its staff may be set to serve.
pub async fn served_from<C: ConnectionTrait>(
    conn: &C,
    organisation_id: i64,
    day: NaiveDate,
) -> Result<BTreeSet<String>> {
    Ok(service_area::Entity::find()
        .select_only()
        .column(service_area::Column::MunicipalityAgs)
        .filter(service_area::Column::OrganisationId.eq(organisation_id))
        .filter(not_ended_before(day))
        .into_tuple::<String>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// The active organisations serving a municipality on `day`, by name.
pub async fn serving<C: ConnectionTrait>(
    conn: &C,
    ags: &str,
    day: NaiveDate,
) -> Result<Vec<organisation::Model>> {
    let ids: Vec<i64> = service_area::Entity::find()
        .select_only()
        .column(service_area::Column::OrganisationId)
        .filter(service_area::Column::MunicipalityAgs.eq(ags))
        .filter(on(day))
        .into_tuple()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .filter(organisation::Column::Active.eq(true))
        .order_by_asc(organisation::Column::Name)
        .all(conn)
        .await?)
}

/// For every municipality, the active organisations serving it on `day` as (id, name), by name.
/// Names of organisations are public facts (shown e.g. beside the municipalities of a move).
pub async fn serving_each(
    db: &Db,
    day: NaiveDate,
) -> Result<std::collections::BTreeMap<String, Vec<(i64, String)>>> {
    let areas: Vec<(String, i64)> = service_area::Entity::find()
        .select_only()
        .column(service_area::Column::MunicipalityAgs)
        .column(service_area::Column::OrganisationId)
        .filter(on(day))
        .into_tuple()
        .all(db.reader())
        .await?;
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::Active.eq(true))
        .order_by_asc(organisation::Column::Name)
        .all(db.reader())
        .await?;
    let mut out: std::collections::BTreeMap<String, Vec<(i64, String)>> = Default::default();
    for o in orgs {
        for (ags, _) in areas.iter().filter(|(_, org)| *org == o.id) {
            out.entry(ags.clone())
                .or_default()
                .push((o.id, o.name.clone()));
        }
    }
    Ok(out)
}

/// Adds service areas without an actor (the demo county); within the caller's transaction.
pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    now: chrono::DateTime<chrono::Utc>,
    organisation_id: i64,
    ags: &str,
    from: NaiveDate,
) -> Result<()> {
    service_area::Entity::insert(service_area::ActiveModel {
        id: NotSet,
        organisation_id: Set(organisation_id),
        municipality_ags: Set(ags.to_string()),
        valid_from: Set(from),
        valid_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(from: &str, until: Option<&str>) -> service_area::Model {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        service_area::Model {
            id: 1,
            organisation_id: 1,
            municipality_ags: "08990001".into(),
            valid_from: d(from),
            valid_until: until.map(d),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_period_includes_its_first_and_last_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let a = area("2026-01-01", Some("2026-06-30"));
        assert!(!serves_on(&a, d("2025-12-31")));
        assert!(serves_on(&a, d("2026-01-01")));
        assert!(serves_on(&a, d("2026-06-30")));
        assert!(!serves_on(&a, d("2026-07-01")));
        let open = area("2026-01-01", None);
        assert!(serves_on(&open, d("2099-12-31")));
    }

    #[test]
    fn the_form_needs_a_municipality_and_a_day() {
        let e = ServiceAreaInput::parse("", "").unwrap_err();
        assert_eq!(e.get("area_municipality"), Some("error-required"));
        assert_eq!(e.get("area_from"), Some("error-required"));
        let e = ServiceAreaInput::parse("0899", "31.02.2026").unwrap_err();
        assert!(e.get("area_municipality").is_some());
        assert_eq!(e.get("area_from"), Some("error-date"));
        let ok = ServiceAreaInput::parse("08990001", "01.01.2027").unwrap();
        assert_eq!(ok.from, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }
}
