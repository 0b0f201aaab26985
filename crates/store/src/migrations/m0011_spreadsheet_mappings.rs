//! The spreadsheet import: the column mappings a staff member saved (keyed by the file's header
//! row, offered when a file with the same header comes again), and the uploaded files between
//! the steps (mapping, preview, import), sealed, until they are imported or expire.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts, unique_index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_spreadsheet_mappings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("spreadsheet_mappings")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                // SHA-256 (hex) of the header row as normalised (see core `spreadsheets`).
                .col(string("header_key"))
                // The field of each column (JSON list; "" for a column left out).
                .col(text("mapping"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("spreadsheet_mappings", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_spreadsheet_mappings_staff_header",
            "spreadsheet_mappings",
            &["staff_id", "header_key"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("spreadsheet_uploads")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(string("file_kind"))
                .col(string("header_key"))
                .col(integer("row_count"))
                // The rows read from the file (JSON), sealed: they are client data.
                .col(blob("content_sealed"))
                // The mapping chosen for this upload (JSON), once chosen.
                .col(text_null("mapping"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("spreadsheet_uploads", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_spreadsheet_uploads_staff",
            "spreadsheet_uploads",
            &["staff_id"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the spreadsheet migration cannot be reverted".into(),
        ))
    }
}
