//! The rest of the intake an IM is asked about (issue 26, decision 0030): the date of entry into
//! Germany, the legal basis of a residence permit, and the health insurance with the insurer's name;
//! and the administrator's additions to the intake's value lists, each mapped to an exchange value.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::unique_index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0022_intake_details"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for col in [
            date_null("entry_date"),
            string_null("residence_basis"),
            string_null("health_insurance"),
            string_null("health_insurer"),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table("persons")
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        // The value lists the administrator extends: `residence_status`, `benefit`,
        // `health_insurance`. The fixed values live in the code; a row adds a local value that is
        // reported under one of them (`exchange_value`). No person data.
        m.create_table(
            Table::create()
                .table("intake_catalog_entries")
                .col(big_pk_auto("id"))
                .col(string("list"))
                .col(string("key"))
                .col(string("exchange_value"))
                .col(string("label_de"))
                .col(string("label_en"))
                .col(integer("position"))
                .col(boolean("active"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_intake_catalog_entries_list_key",
            "intake_catalog_entries",
            &["list", "key"],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the intake details migration cannot be reverted".into(),
        ))
    }
}
