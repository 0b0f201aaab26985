//! Finalised key figures: the figures of a calendar year frozen as reported, with who finalised
//! them, when, and (for a correction made after the first finalisation) why. The body is the
//! figures as JSON (aggregates and per-IM rows; no person, no name of a client), so a finalised year
//! stays reproducible after retention has deleted the persons behind it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, ts, unique_index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_finalised_figures"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("figure_finalisations")
                .col(big_pk_auto("id"))
                .col(integer("year"))
                .col(integer("version"))
                .col(ts("finalised_at"))
                .col(big_integer("finalised_by"))
                .col(text_null("reason"))
                .col(text("body"))
                .foreign_key(&mut fk(
                    "figure_finalisations",
                    "finalised_by",
                    "staff",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_figure_finalisations_year_version",
            "figure_finalisations",
            &["year", "version"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the finalised figures cannot be reverted".into(),
        ))
    }
}
