//! The data printed on the documents a client signs (the consent form, a release from
//! confidentiality), read under the person's access rules. Each print is audited. The rendering
//! itself lives in the documents crate; the core only hands over plain data.

use ankommen_store::Db;
use ankommen_store::entities::{case, municipality, organisation, person, release};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::DataCategory;
use crate::kernel::policy::Action;
use crate::kernel::types::Birth;
use crate::records::releases::{self, ReleaseView};
use crate::{Ctx, Error, Result};

/// The person a form is about, as printed.
#[derive(Clone, PartialEq, Eq)]
pub struct PrintedPerson {
    pub given_name: String,
    pub family_name: String,
    /// The name in the person's own script, if recorded.
    pub name_original: Option<String>,
    /// `1990` or `12.03.1990`.
    pub birth: String,
}

impl PrintedPerson {
    pub(crate) fn of(p: &person::Model) -> Self {
        Self {
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            name_original: p.name_original.clone(),
            birth: Birth::from_stored(p.birth_date, p.birth_year).display(),
        }
    }

    /// Given and family name, as in German documents.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

// Personal data stays out of debug output (and so out of logs).
impl std::fmt::Debug for PrintedPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrintedPerson").finish_non_exhaustive()
    }
}

/// Who issues the form: the organisation of the case, the IM printing it, the municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    pub organisation: String,
    /// The acting IM's display name.
    pub im_name: String,
    pub municipality: String,
}

/// What a consent form needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentData {
    pub person_id: i64,
    pub client: PrintedPerson,
    pub issuer: Issuer,
    /// The day of printing (the date line of the form).
    pub date: NaiveDate,
}

/// What a release form needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseData {
    pub person_id: i64,
    pub release_id: i64,
    pub client: PrintedPerson,
    pub issuer: Issuer,
    pub recipient: String,
    pub categories: Vec<DataCategory>,
    pub purpose: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub mutual: bool,
    pub date: NaiveDate,
}

/// The person a form chooser is for, and the releases that can be printed.
#[derive(Clone, Debug)]
pub struct Printable {
    pub person_id: i64,
    pub client: PrintedPerson,
    pub releases: Vec<ReleaseView>,
}

pub(crate) async fn issuer<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    p: &person::Model,
    case: Option<&case::Model>,
) -> Result<Issuer> {
    let org_id = case.map_or(ctx.actor.organisation_id, |c| c.organisation_id);
    let organisation = organisation::Entity::find_by_id(org_id)
        .one(conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let ags = case.map_or(p.municipality_ags.as_str(), |c| c.municipality_ags.as_str());
    let municipality = municipality::Entity::find_by_id(ags.to_string())
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

fn printed(person_id: i64) -> Event {
    Event::on("form_printed", "person", person_id).section("forms")
}

/// The data of a consent form for a person. The print is audited.
pub async fn consent_data(db: &Db, ctx: &Ctx, person_id: i64) -> Result<ConsentData> {
    audit::read(db, async |tx| {
        let ev = printed(person_id);
        let (p, cases) =
            access::person_for(tx, ctx, person_id, Action::ReadClient, ev.clone()).await?;
        let issuer = issuer(tx, ctx, &p, cases.first()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(ConsentData {
            person_id,
            client: PrintedPerson::of(&p),
            issuer,
            date: ctx.today(),
        })
    })
    .await
}

/// The data of a release form. The print is audited (on the person).
pub async fn release_data(db: &Db, ctx: &Ctx, release_id: i64) -> Result<ReleaseData> {
    audit::read(db, async |tx| {
        let Some(r) = release::Entity::find_by_id(release_id).one(tx).await? else {
            return Err(Error::NotFound);
        };
        let ev = printed(r.person_id);
        let (p, cases) =
            access::person_for(tx, ctx, r.person_id, Action::ReadClient, ev.clone()).await?;
        let issuer = issuer(tx, ctx, &p, cases.first()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(ReleaseData {
            person_id: r.person_id,
            release_id: r.id,
            client: PrintedPerson::of(&p),
            issuer,
            categories: releases::categories_of(&r),
            recipient: r.recipient_name,
            purpose: r.purpose,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            mutual: r.mutual,
            date: ctx.today(),
        })
    })
    .await
}

/// What can be printed for a person: the consent form and the person's releases. A read of the
/// record, audited.
pub async fn printable(db: &Db, ctx: &Ctx, person_id: i64) -> Result<Printable> {
    audit::read(db, async |tx| {
        let ev = Event::on("client_viewed", "person", person_id).section("forms");
        let (p, _) = access::person_for(tx, ctx, person_id, Action::ReadClient, ev.clone()).await?;
        let releases = releases::list(tx, person_id, ctx.today()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(Printable {
            person_id,
            client: PrintedPerson::of(&p),
            releases,
        })
    })
    .await
}
