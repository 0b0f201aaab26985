//! The rest of the data subject's rights (issue 25, decision 0027): restrictions of processing
//! (Art. 18 GDPR) on a case, placed and lifted with their ground, and the day a withdrawn
//! consent's voluntary data was erased.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0021_restriction_and_withdrawal"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("restrictions")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                // One of the grounds of Art. 18(1): `accuracy`, `unlawful`, `legal_claims`,
                // `objection`.
                .col(string("ground"))
                .col(date("requested_on"))
                .col(big_integer("placed_by"))
                .col(ts("placed_at"))
                .col(big_integer_null("lifted_by"))
                .col(timestamp_with_time_zone_null("lifted_at"))
                .foreign_key(&mut fk("restrictions", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_restrictions_case", "restrictions", &["case_id"]).await?;
        // The day the voluntary data covered by this (withdrawn) consent was erased.
        m.alter_table(
            Table::alter()
                .table("consents")
                .add_column(date_null("voluntary_erased_on"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the restriction and withdrawal migration cannot be reverted".into(),
        ))
    }
}
