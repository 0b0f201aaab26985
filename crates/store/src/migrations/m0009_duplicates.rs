//! Duplicate people (issue 22): the pairs a reviewer marked "not the same person" (never shown
//! again), and the record of merges (who merged which person into which, when, with what score),
//! through which an absorbed person's id resolves to the one that kept both histories.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts, unique_index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_duplicates"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The duplicate check at registration reads the persons born within a year, by date.
        index(
            m,
            "ix_persons_birth",
            "persons",
            &["birth_year", "birth_date"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("duplicate_decisions")
                .col(big_pk_auto("id"))
                .col(big_integer("organisation_id"))
                // The pair, the smaller id first.
                .col(big_integer("person_id_low"))
                .col(big_integer("person_id_high"))
                .col(big_integer("decided_by"))
                .col(ts("decided_at"))
                .foreign_key(&mut fk(
                    "duplicate_decisions",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "duplicate_decisions",
                    "person_id_low",
                    "persons",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "duplicate_decisions",
                    "person_id_high",
                    "persons",
                    "id",
                ))
                .foreign_key(&mut fk("duplicate_decisions", "decided_by", "staff", "id"))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_duplicate_decisions_pair",
            "duplicate_decisions",
            &["person_id_low", "person_id_high"],
        )
        .await?;
        index(
            m,
            "ix_duplicate_decisions_high",
            "duplicate_decisions",
            &["person_id_high"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("person_merges")
                .col(big_pk_auto("id"))
                .col(big_integer("organisation_id"))
                .col(big_integer("survivor_person_id"))
                // No foreign key: the absorbed person's row is gone, its id resolves through here.
                .col(big_integer("absorbed_person_id"))
                .col(integer("score"))
                // The matcher's reasons, comma separated (`spelling,year-only`).
                .col(string("reasons"))
                .col(big_integer("merged_by"))
                .col(ts("merged_at"))
                .foreign_key(&mut fk(
                    "person_merges",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "person_merges",
                    "survivor_person_id",
                    "persons",
                    "id",
                ))
                .foreign_key(&mut fk("person_merges", "merged_by", "staff", "id"))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_person_merges_absorbed",
            "person_merges",
            &["absorbed_person_id"],
        )
        .await?;
        index(
            m,
            "ix_person_merges_survivor",
            "person_merges",
            &["survivor_person_id"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the duplicates migration cannot be reverted".into(),
        ))
    }
}
