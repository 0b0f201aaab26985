//! The exchange format's import: the mapping from a file's ids to ours (per kind, with a digest of
//! the object as last imported, so a re-import recognises what is unchanged, and the fields our
//! model has no column for), and referrals to regular services (stored now, screens later).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_exchange"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("exchange_ids")
                .col(string("kind"))
                .col(string("external_id"))
                // Our id: a row id written out, or the AGS of a municipality.
                .col(string("local_id"))
                // SHA-256 of the object's line as last imported.
                .col(string("digest"))
                // The object's fields our model has no column for (JSON), never dropped.
                .col(text_null("extra"))
                .col(ts("imported_at"))
                .primary_key(Index::create().col("kind").col("external_id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_exchange_ids_local",
            "exchange_ids",
            &["kind", "local_id"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("referrals")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer_null("person_id"))
                .col(string("service_name"))
                .col(string_null("service_category"))
                .col(date("referral_date"))
                // Why: free text that may hold special-category content, sealed like a case note.
                .col(blob_null("reason_sealed"))
                .col(string_null("result"))
                .col(date_null("result_on"))
                .col(string_null("external_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("referrals", "case_id", "cases", "id"))
                .foreign_key(&mut fk("referrals", "person_id", "persons", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_referrals_case",
            "referrals",
            &["case_id", "referral_date"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the exchange migration cannot be reverted".into(),
        ))
    }
}
