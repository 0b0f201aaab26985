//! The duplicate check at registration reads only the persons who share a matcher key with the new
//! record (issue 22, decision 0016): each person's blocking keys of `kernel::names::matching` — the
//! keys the full scan compares records by — with the year of birth the blocks are keyed by, written
//! with the person by every writer of persons.
//!
//! The keys are computed by the matcher, which lives in core, out of reach of the migrations. So
//! this migration only creates the table; the keys of the persons already stored are computed at
//! start-up (core's `casework::duplicates::keys::refresh`, run after the migrations), which also
//! computes them again whenever the matcher's keys change (`settings.match_keys_version`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_match_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("person_match_keys")
                .col(big_integer("person_id"))
                // A blocking key: two word skeletons ("hmd mhmd"), or one with day and month of a
                // real date ("mhmd @5-12").
                .col(text("match_key"))
                // The year of birth as the matcher reads it (that of the date, if any).
                .col(integer("birth_year"))
                .primary_key(Index::create().col("person_id").col("match_key"))
                .foreign_key(&mut fk("person_match_keys", "person_id", "persons", "id"))
                .to_owned(),
        )
        .await?;
        // The check's lookup: the keys of the new record, the years within one of its own;
        // covering, so the persons' ids come from the index alone.
        index(
            m,
            "ix_person_match_keys_key",
            "person_match_keys",
            &["match_key", "birth_year", "person_id"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the match keys migration cannot be reverted".into(),
        ))
    }
}
