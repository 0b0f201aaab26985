//! Volunteers (issue 23, decision 0031): each organisation's register of volunteers
//! (Ehrenamtliche) and the matches of a volunteer with a person of a case, with the data
//! categories handed over and the release that allowed it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0023_volunteers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("volunteers")
                .col(big_pk_auto("id"))
                // The organisation whose register it is (its staff alone see it).
                .col(big_integer("organisation_id"))
                .col(string("name"))
                .col(string_null("phone"))
                .col(string_null("email"))
                // Language codes, offers and AGS keys, comma-separated.
                .col(text("languages"))
                .col(text("offers"))
                .col(text("municipalities"))
                .col(text_null("availability"))
                // The day the confidentiality pledge was signed.
                .col(date_null("pledge_on"))
                .col(boolean("works_with_minors"))
                // The day of the extended police certificate (erweitertes Führungszeugnis).
                .col(date_null("police_certificate_on"))
                .col(text_null("note"))
                .col(boolean("active"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk(
                    "volunteers",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_volunteers_org_name",
            "volunteers",
            &["organisation_id", "name"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("volunteer_matches")
                .col(big_pk_auto("id"))
                .col(big_integer("volunteer_id"))
                .col(big_integer("case_id"))
                .col(big_integer("person_id"))
                // What the volunteer does with the person, sealed like a referral's reason.
                .col(blob_null("purpose_sealed"))
                .col(date("from_date"))
                .col(date_null("until_date"))
                // The data categories handed to the volunteer, comma-separated; none: no data.
                .col(string_null("data_categories"))
                // The release that allowed it (none without data).
                .col(big_integer_null("release_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk(
                    "volunteer_matches",
                    "volunteer_id",
                    "volunteers",
                    "id",
                ))
                .foreign_key(&mut fk("volunteer_matches", "case_id", "cases", "id"))
                .foreign_key(&mut fk("volunteer_matches", "person_id", "persons", "id"))
                .foreign_key(&mut fk("volunteer_matches", "release_id", "releases", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_volunteer_matches_case",
            "volunteer_matches",
            &["case_id"],
        )
        .await?;
        index(
            m,
            "ix_volunteer_matches_volunteer",
            "volunteer_matches",
            &["volunteer_id"],
        )
        .await?;
        index(
            m,
            "ix_volunteer_matches_person",
            "volunteer_matches",
            &["person_id"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the volunteers migration cannot be reverted".into(),
        ))
    }
}
