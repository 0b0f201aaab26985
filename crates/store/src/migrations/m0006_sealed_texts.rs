//! Special-category texts sealed at rest (decision 0011): a sealed blob column beside each free
//! text that routinely holds health details, threats or other special-category content, and the
//! stored scans.
//!
//! Sealing needs the encryption key, which never reaches the migrations (`ankommen migrate` runs
//! without it). So this migration only adds the `<name>_sealed` columns and records that the
//! conversion is pending (`settings.sealing_conversion`); the start-up path (core's
//! `kernel::sealed::convert`, run by `ankommen serve` once the key is checked) seals the existing
//! plaintext into them, seals the values of format 1 (contact notes, health needs) again in
//! format 2, and drops the plaintext columns, table by table, each in one transaction.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::blob_null;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_sealed_texts"
    }
}

/// The settings key whose presence says the start-up conversion has not finished.
pub const CONVERSION_PENDING: &str = "sealing_conversion";

/// The sealed columns this migration adds: (table, column).
const ADDED: &[(&str, &str)] = &[
    ("cases", "extension_reason_sealed"),
    ("cases", "eligibility_note_sealed"),
    ("cases", "closure_note_sealed"),
    ("cases", "handover_note_sealed"),
    ("case_events", "reason_sealed"),
    ("goals", "text_sealed"),
    ("goals", "status_reason_sealed"),
    ("steps", "text_sealed"),
    ("reviews", "summary_sealed"),
    ("reviews", "changes_sealed"),
    ("review_assessments", "assessment_sealed"),
    ("plan_versions", "snapshot_sealed"),
    ("followups", "reason_sealed"),
    ("documents", "content_sealed"),
    ("contacts", "note_sealed"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Nullable: SQLite adds a NOT NULL column only with a default, and the rows that exist get
        // their sealed value at the first start with the key.
        for (table, column) in ADDED {
            m.alter_table(
                Table::alter()
                    .table(*table)
                    .add_column(blob_null(*column))
                    .to_owned(),
            )
            .await?;
        }
        m.exec_stmt(
            Query::insert()
                .into_table("settings")
                .columns(["key", "value"])
                .values_panic([CONVERSION_PENDING.into(), "pending".into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the sealed texts migration cannot be reverted".into(),
        ))
    }
}
