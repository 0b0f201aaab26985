//! The demo county's directory of services: a few county-wide entries, added by the coordinator
//! through the directory's own service function (so the demo's referral forms and the
//! family-reunification shortcut have somewhere to refer to).

use std::collections::HashMap;
use std::sync::Arc;

use ankommen_store::Db;

use crate::administration::services::{self, ServiceForm};
use crate::{Clock, Ctx, Error, Result};

/// A demo entry: name, category, address, phone, languages, opening hours.
type DemoService = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

const SERVICES: &[DemoService] = &[
    (
        "Jobcenter Neckartal",
        "jobcenter",
        "Bahnhofstraße 12\n74999 Bergfelden",
        "07000 1230",
        &["ar", "en"],
        "Mo–Fr 8–12 Uhr, Do 14–18 Uhr",
    ),
    (
        "Agentur für Arbeit Neckartal",
        "employment_agency",
        "Bahnhofstraße 14\n74999 Bergfelden",
        "0800 4555500",
        &["en"],
        "Mo–Fr 8–12:30 Uhr",
    ),
    (
        "Migrationsberatung für Erwachsene (MBE) Caritas",
        "migration_counselling",
        "Kirchplatz 3\n74998 Sonnbühl",
        "07000 4410",
        &["ar", "fa", "ti"],
        "Di und Do 9–13 Uhr, sonst nach Vereinbarung",
    ),
    (
        "Jugendmigrationsdienst Neckartal",
        "youth_migration_service",
        "Schulstraße 5\n74997 Talheim am Neckar",
        "07000 5520",
        &["ar", "uk"],
        "Mo–Mi 10–16 Uhr",
    ),
    (
        "Volkshochschule Neckartal",
        "adult_education",
        "Marktplatz 1\n74999 Bergfelden",
        "07000 6630",
        &[],
        "Mo–Fr 9–12 Uhr",
    ),
];

/// Adds the demo directory as the coordinator.
pub(super) async fn seed_services(
    db: &Db,
    clock: Arc<dyn Clock>,
    ids: &HashMap<&'static str, i64>,
) -> Result<()> {
    let staff_id = *ids
        .get("koordination")
        .ok_or_else(|| Error::Internal("demo: no coordinator".into()))?;
    let actor = crate::administration::sessions::load_actor(db.writer(), staff_id)
        .await?
        .ok_or_else(|| Error::Internal("demo: no coordinator".into()))?;
    let ctx = Ctx {
        actor,
        clock,
        request_id: None,
    };
    for (name, category, address, phone, languages, hours) in SERVICES {
        let form = ServiceForm {
            scope: "county".into(),
            name: (*name).into(),
            category: (*category).into(),
            address: (*address).into(),
            phone: (*phone).into(),
            languages: languages.iter().map(|l| l.to_string()).collect(),
            opening_hours: (*hours).into(),
            active: "yes".into(),
            ..ServiceForm::default()
        };
        services::create(db, &ctx, &form).await?;
    }
    Ok(())
}
