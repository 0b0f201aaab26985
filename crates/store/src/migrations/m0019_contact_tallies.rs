//! The contacts counted per case, calendar year and kind (issue 29, decision 0025): what the key
//! figures of a calendar year need of the contacts, so that a state's year reads tens of thousands
//! of rows instead of millions. Derived from `contacts` and rebuilt from them at any time; no name,
//! no text.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0019_contact_tallies"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("contact_tallies")
                .col(big_integer("case_id"))
                .col(integer("year"))
                .col(string("kind"))
                .col(big_integer("contacts"))
                .col(big_integer("minutes"))
                .col(date("first_day"))
                // The topics' keys with their counts: `key=n,key=n`.
                .col(text("topics"))
                // The days of the year with a contact of this kind: a bitmap by day of the year
                // (bit 0 = 1 January), as hexadecimal text.
                .col(text("days"))
                .primary_key(Index::create().col("case_id").col("year").col("kind"))
                .foreign_key(&mut fk("contact_tallies", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        // A new database (no contacts yet) has complete tallies from the start; one with contacts
        // gets them from `figures::tallies::rebuild` (the server runs it at start).
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO settings (key, value) SELECT 'contact_tallies', 'complete' \
                 WHERE NOT EXISTS (SELECT 1 FROM contacts)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the contact tallies migration cannot be reverted".into(),
        ))
    }
}
