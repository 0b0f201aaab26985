//! The printed plan and the signed scan of a version.

use ankommen_store::Db;
use ankommen_store::entities::{case, document, person, plan_version};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::PlanScope;
use super::current::{due_inputs, review_due, snapshot_of};
use super::event;
use super::reviews::{readable_snapshot, version_row};
use super::snapshot::Snapshot;
use crate::administration::fields::{self, Field};
use crate::administration::settings::WorkRules;
use crate::casework::cases;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::Action;
use crate::kernel::sealed::Sealing;
use crate::kernel::sealing::Sealer;
use crate::records::consent::{self, Download, Upload};
use crate::records::printing::{Issuer, PrintedPerson};
use crate::{Ctx, Error, Result};

/// What the printed plan needs.
#[derive(Clone, Debug)]
pub struct PlanPrint {
    pub case_number: String,
    /// The case's persons; the first one is the client who signs.
    pub persons: Vec<PrintedPerson>,
    pub issuer: Issuer,
    pub snapshot: Snapshot,
    /// Persons named by goals: id and name.
    pub person_names: Vec<(i64, String)>,
    pub fields: Vec<Field>,
    /// The version printed (None: the current, not yet frozen plan).
    pub version: Option<i32>,
    pub frozen_on: Option<NaiveDate>,
    /// The review of this version, or the latest review of the case.
    pub review_on: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    pub date: NaiveDate,
}

/// The data of the printed plan (a version, or the current plan). Audited (`plan_printed`).
pub async fn print_data(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    version: Option<i32>,
) -> Result<PlanPrint> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_printed", "case", case_id).section("plan");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let scope = PlanScope::of(tx, case_id, ctx.today()).await?;
        scope.require()?;
        let (snapshot, frozen_on) = match version {
            Some(n) => {
                let v = version_row(tx, case_id, n).await?;
                (readable_snapshot(sealer, &v, &scope)?, Some(v.frozen_on))
            }
            None => (snapshot_of(tx, sealer, &scope, case_id).await?, None),
        };
        let persons = cases::persons_of(tx, case_id).await?;
        if persons.is_empty() {
            return Err(Error::NotFound);
        }
        let issuer = issuer_of(tx, ctx, &c).await?;
        let rules = WorkRules::load(tx).await?;
        let next_review = review_due(tx, case_id, &rules).await?;
        let last_review = due_inputs(tx, case_id).await?.1;
        let review_on = snapshot
            .review
            .as_ref()
            .map(|r| r.held_on)
            .or(if version.is_none() { last_review } else { None });
        audit::record(tx, ctx, ev).await?;
        let fields = fields::all(tx).await?;
        Ok(PlanPrint {
            case_number: c.case_number,
            person_names: persons
                .iter()
                .map(|p| (p.id, format!("{} {}", p.given_name, p.family_name)))
                .collect(),
            persons: persons.iter().map(printed_person).collect(),
            issuer,
            snapshot,
            fields,
            version,
            frozen_on,
            review_on,
            next_review,
            date: ctx.today(),
        })
    })
    .await
}

fn printed_person(p: &person::Model) -> PrintedPerson {
    PrintedPerson {
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        name_original: p.name_original.clone(),
        birth: crate::kernel::types::Birth::from_stored(p.birth_date, p.birth_year).display(),
    }
}

/// The organisation and municipality of the case, and the IM printing.
async fn issuer_of<C: ConnectionTrait>(conn: &C, ctx: &Ctx, c: &case::Model) -> Result<Issuer> {
    use ankommen_store::entities::{municipality, organisation};
    let organisation = organisation::Entity::find_by_id(c.organisation_id)
        .one(conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let municipality = municipality::Entity::find_by_id(c.municipality_ags.clone())
        .one(conn)
        .await?
        .map(|m| m.name)
        .unwrap_or_default();
    Ok(Issuer {
        organisation,
        im_name: ctx.actor.display_name.clone(),
        municipality,
    })
}

/// Attaches the signed scan to a version (replacing an earlier one). The document belongs to the
/// case's first person.
pub async fn attach_scan(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    number: i32,
    u: Upload,
) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("plan_scan_added", "case", case_id).section("plan");
    let (tx, _, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    PlanScope::of(&tx, case_id, ctx.today()).await?.require()?;
    consent::check_scan(&u).map_err(|k| Error::field("scan", k))?;
    let v = version_row(&tx, case_id, number).await?;
    let Some(first) = cases::persons_of(&tx, case_id).await?.into_iter().next() else {
        return Err(Error::NotFound);
    };
    let sealing = Sealing::begin(&tx, sealer).await?;
    let doc = consent::store_scan(&tx, ctx, &sealing, first.id, "plan_scan", &u).await?;
    plan_version::Entity::update_many()
        .col_expr(plan_version::Column::SignedDocumentId, Expr::value(doc))
        .filter(plan_version::Column::Id.eq(v.id))
        .exec(&tx)
        .await?;
    event(
        &tx,
        ctx,
        case_id,
        "plan_scan_added",
        ctx.today(),
        Some(number.to_string()),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The signed scan of a version, for download. Audited (`plan_scan_downloaded`).
pub async fn scan(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    number: i32,
) -> Result<Download> {
    audit::read(db, async |tx| {
        let ev = Event::on("plan_scan_downloaded", "case", case_id).section("plan");
        let (_, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        PlanScope::of(tx, case_id, ctx.today()).await?.require()?;
        let v = version_row(tx, case_id, number).await?;
        let Some(doc_id) = v.signed_document_id else {
            return Err(Error::NotFound);
        };
        let d = document::Entity::find_by_id(doc_id)
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(tx, ctx, ev).await?;
        let ext = consent::extension(&d.content_type);
        let file_name = format!("integrationsplan-{case_id}-fassung-{number}.{ext}");
        consent::download(sealer, d, file_name)
    })
    .await
}
