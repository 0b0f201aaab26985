//! The network (issue 23, decision 0026): the directory of services IMs refer people to, and what
//! a referral made in ankommen adds to the imported ones: the service it went to, the field of
//! action, the data categories passed on and the release that allowed it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0020_network"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("services")
                .col(big_pk_auto("id"))
                // None: a county-wide entry kept by the coordinator; else the organisation whose
                // team leads keep it (and whose staff alone see it).
                .col(big_integer_null("organisation_id"))
                .col(string("name"))
                .col(string("category"))
                .col(text_null("address"))
                .col(string_null("phone"))
                .col(string_null("email"))
                // AGS keys, comma-separated; empty: the whole county.
                .col(text("municipalities"))
                // Language codes, comma-separated.
                .col(text("languages"))
                .col(text_null("opening_hours"))
                .col(text_null("note"))
                .col(boolean("active"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk(
                    "services",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_services_org_name",
            "services",
            &["organisation_id", "name"],
        )
        .await?;
        // SQLite adds one column per statement, and no foreign key to an existing table: the
        // service and the release are looked up by id (a referral keeps the service's name too,
        // as the exchange format carries it).
        for col in ["service_id", "release_id"] {
            m.alter_table(
                Table::alter()
                    .table("referrals")
                    .add_column(big_integer_null(col))
                    .to_owned(),
            )
            .await?;
        }
        for col in ["field_of_action", "data_categories"] {
            m.alter_table(
                Table::alter()
                    .table("referrals")
                    .add_column(string_null(col))
                    .to_owned(),
            )
            .await?;
        }
        index(m, "ix_referrals_service", "referrals", &["service_id"]).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the network migration cannot be reverted".into(),
        ))
    }
}
