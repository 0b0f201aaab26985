//! Documents a client brings (official decisions, letters from authorities, certificates,
//! applications) and general case notes (issue 26, decision 0020).
//!
//! A client document's file is a row of `documents` (the one store of sealed files, like the
//! consent and plan scans); `client_documents` holds what the IM records about it: its kind,
//! the date of the letter, a short title and an optional note of what it says and what the client
//! must do by when, both sealed, and the follow-up set with it. A case note is free text on a
//! case, sealed, separate from the contacts' notes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("client_documents")
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(big_integer_null("case_id"))
                // The sealed file (`documents`), one per client document.
                .col(big_integer("document_id"))
                // The catalogue key (`kernel::catalog::DocumentKind`).
                .col(string("kind"))
                // The date of the letter or certificate.
                .col(date("letter_date"))
                // Sealed, bound to the row's id; written once the row has its id, so nullable.
                .col(blob_null("title_sealed"))
                .col(blob_null("note_sealed"))
                .col(big_integer_null("followup_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("client_documents", "person_id", "persons", "id"))
                .foreign_key(&mut fk("client_documents", "case_id", "cases", "id"))
                .foreign_key(&mut fk(
                    "client_documents",
                    "document_id",
                    "documents",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "client_documents",
                    "followup_id",
                    "followups",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_client_documents_person",
            "client_documents",
            &["person_id"],
        )
        .await?;
        index(
            m,
            "ix_client_documents_case",
            "client_documents",
            &["case_id"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_notes")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                // Sealed, bound to the row's id (notes are never changed).
                .col(blob_null("text_sealed"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("case_notes", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_case_notes_case", "case_notes", &["case_id"]).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the documents migration cannot be reverted".into(),
        ))
    }
}
