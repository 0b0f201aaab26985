//! Keeping data only as long as needed (issue 25, decision 0022): holds that stop a case's
//! erasure for a time, the record of each day's retention run (so that it runs once a day however
//! many servers there are), and the facts the key figures need of an erased case, without any name
//! or text, until the years it counts in are finalised.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0016_retention"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("retention_holds")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(text("reason"))
                .col(date("until"))
                .col(big_integer("placed_by"))
                .col(ts("placed_at"))
                .col(big_integer_null("lifted_by"))
                .col(timestamp_with_time_zone_null("lifted_at"))
                .foreign_key(&mut fk("retention_holds", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_retention_holds_case",
            "retention_holds",
            &["case_id"],
        )
        .await?;

        m.create_table(
            Table::create()
                .table("retention_runs")
                // The day (YYYY-MM-DD) the run is for: one row per day, inserted by the one
                // server that runs it.
                .col(string("day").primary_key())
                .col(ts("started_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .col(big_integer("cases_erased"))
                .col(big_integer("clients_erased"))
                .col(big_integer("audit_events_removed"))
                .col(big_integer("facts_removed"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("retained_facts")
                // The erased case's id (never reused); no foreign key, the case is gone.
                .col(big_integer("case_id").primary_key())
                .col(big_integer("organisation_id"))
                .col(integer("first_year"))
                .col(integer("last_year"))
                .col(date("erased_on"))
                // JSON: the case's facts of figures.md, per year for the contacts.
                .col(text("facts"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the retention migration cannot be reverted".into(),
        ))
    }
}
