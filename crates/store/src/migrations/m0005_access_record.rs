//! A complete record of who saw a person, and separation of duties (issue 21):
//! - audit events name the person and the case they concern (indexed), so "who has seen or changed
//!   anything of this person" is one query;
//! - `staff_changes` keeps the old and new values of every role, organisation and password change of
//!   an account, for the data-protection officer;
//! - `confirmations` holds what one person asked and a second one must confirm (a password reset of
//!   an account that has a password, a team lead taking over a case themself);
//! - `dpo_lookups` keeps the reason the data-protection officer gave for each person look-up;
//! - `notices` tells a person on their start page what others did to their account or cases.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_access_record"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement. The audit log keeps no foreign keys.
        for col in ["person_id", "case_id"] {
            m.alter_table(
                Table::alter()
                    .table("audit_events")
                    .add_column(big_integer_null(col))
                    .to_owned(),
            )
            .await?;
        }
        index(m, "ix_audit_person", "audit_events", &["person_id", "at"]).await?;
        index(m, "ix_audit_case", "audit_events", &["case_id", "at"]).await?;

        m.create_table(
            Table::create()
                .table("staff_changes")
                .col(big_pk_auto("id"))
                .col(ts("at"))
                .col(big_integer_null("actor_staff_id"))
                .col(big_integer("staff_id"))
                .col(string("what"))
                .col(text_null("old_value"))
                .col(text_null("new_value"))
                .col(big_integer_null("confirmed_by"))
                .foreign_key(&mut fk("staff_changes", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_staff_changes_staff",
            "staff_changes",
            &["staff_id", "at"],
        )
        .await?;
        index(m, "ix_staff_changes_at", "staff_changes", &["at"]).await?;

        m.create_table(
            Table::create()
                .table("confirmations")
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(big_integer("organisation_id"))
                .col(big_integer("staff_id"))
                .col(big_integer_null("case_id"))
                .col(big_integer("requested_by"))
                .col(ts("requested_at"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(string_null("outcome"))
                .col(blob_null("reason_sealed"))
                .foreign_key(&mut fk("confirmations", "staff_id", "staff", "id"))
                .foreign_key(&mut fk("confirmations", "requested_by", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_confirmations_open",
            "confirmations",
            &["organisation_id", "decided_at"],
        )
        .await?;

        m.create_table(
            Table::create()
                .table("notices")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(string("kind"))
                .col(big_integer_null("case_id"))
                .col(big_integer_null("by_staff_id"))
                .col(big_integer_null("confirmed_by"))
                .col(ts("at"))
                .col(timestamp_with_time_zone_null("seen_at"))
                .foreign_key(&mut fk("notices", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_notices_staff", "notices", &["staff_id", "seen_at"]).await?;

        m.create_table(
            Table::create()
                .table("dpo_lookups")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(ts("at"))
                .col(text("reason"))
                .col(integer("hits"))
                .foreign_key(&mut fk("dpo_lookups", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_dpo_lookups_at", "dpo_lookups", &["at"]).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the access-record migration cannot be reverted".into(),
        ))
    }
}
