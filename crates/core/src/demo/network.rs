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

/// A room in the town hall of the first municipality of `awo.im1` (kept by the county's
/// administrator) and that IM's office hours there: Mondays and Thursdays, 9 to 12, in Arabic
/// and Farsi, from the start of the demo's year.
pub(super) async fn seed_office_hours(
    db: &Db,
    clock: Arc<dyn Clock>,
    ids: &HashMap<&'static str, i64>,
) -> Result<()> {
    let ctx_of = async |user: &'static str| -> Result<Ctx> {
        let id = *ids
            .get(user)
            .ok_or_else(|| Error::Internal(format!("demo: no {user}")))?;
        let actor = crate::administration::sessions::load_actor(db.writer(), id)
            .await?
            .ok_or_else(|| Error::Internal(format!("demo: no {user}")))?;
        Ok(Ctx {
            actor,
            clock: clock.clone(),
            request_id: None,
        })
    };
    let admin = ctx_of("admin").await?;
    let im = ctx_of("awo.im1").await?;
    let Some(ags) = im.actor.municipalities.first().cloned() else {
        return Ok(());
    };
    let city = crate::administration::office_hours::municipality_name(db, &ags)
        .await?
        .unwrap_or_default();
    let room = crate::administration::rooms::create(
        db,
        &admin,
        &crate::administration::rooms::RoomForm {
            municipality: ags,
            name: "Rathaus, Raum 2".into(),
            street: "Marktplatz 1".into(),
            postcode: "74000".into(),
            city,
            accessibility: "Stufenloser Zugang über den Hof, Aufzug".into(),
            open_to_all: "yes".into(),
            active: "yes".into(),
            ..Default::default()
        },
    )
    .await?;
    let first = chrono::Datelike::with_ordinal(&im.today(), 1).unwrap_or(im.today());
    for weekday in ["1", "4"] {
        crate::administration::office_hours::create(
            db,
            &im,
            &crate::administration::office_hours::OfficeHoursForm {
                room: room.to_string(),
                weekday: weekday.into(),
                starts_at: "09:00".into(),
                ends_at: "12:00".into(),
                every_weeks: "1".into(),
                starts_on: first.to_string(),
                languages: vec!["ar".into(), "fa".into()],
                public_note: "Ohne Termin; mit Dolmetscherin für Arabisch".into(),
                active: "yes".into(),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}
