//! The rest of the intake an IM is asked about (issue 26, decision 0030): the date of entry into
//! Germany, the legal basis of a residence permit, and the health insurance with the insurer's name.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

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
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the intake details migration cannot be reverted".into(),
        ))
    }
}
