//! Service areas (Versorgungsgebiete): which organisation serves which municipality, from a day on
//! and, when it ends, until a day.
//!
//! Until now "who serves a municipality" was read off the staff (an organisation whose IMs served
//! it). An existing installation keeps working: every organisation is given, from the day of the
//! migration on, the municipalities its active staff serve and its open cases are in.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_service_areas"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("service_areas")
                .col(big_pk_auto("id"))
                .col(big_integer("organisation_id"))
                .col(string("municipality_ags"))
                .col(date("valid_from"))
                // The last day served (inclusive); NULL while it lasts.
                .col(date_null("valid_until"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "service_areas",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "service_areas",
                    "municipality_ags",
                    "municipalities",
                    "ags",
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_service_areas_organisation",
            "service_areas",
            &["organisation_id", "municipality_ags"],
        )
        .await?;
        index(
            m,
            "ix_service_areas_municipality",
            "service_areas",
            &["municipality_ags"],
        )
        .await?;
        // What exists: each organisation serves the municipalities its active staff serve and its
        // open cases are in, from today. CURRENT_DATE and CURRENT_TIMESTAMP are the same SQL on
        // both backends (SQLite stores them as the ISO text its date columns hold).
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO service_areas \
                   (organisation_id, municipality_ags, valid_from, valid_until, created_at, updated_at) \
                 SELECT organisation_id, ags, CURRENT_DATE, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP \
                 FROM ( \
                   SELECT staff.organisation_id AS organisation_id, staff_municipalities.ags AS ags \
                   FROM staff_municipalities JOIN staff ON staff.id = staff_municipalities.staff_id \
                   WHERE staff.active = TRUE \
                   UNION \
                   SELECT organisation_id, municipality_ags FROM cases WHERE status <> 'closed' \
                 ) AS served",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("service_areas").to_owned())
            .await
    }
}
