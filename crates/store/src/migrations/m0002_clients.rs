//! Clients (persons), households, cases with their history, consents, scanned documents, releases
//! from confidentiality, saved caseload filters, and the counselling contacts the caseload filters on.
//!
//! The shape follows the exchange format (`shared/exchange-format.md`): every field there has a
//! column here, so import and export map without loss.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_clients"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("households")
                .col(big_pk_auto("id"))
                .col(string("municipality_ags"))
                .col(string_null("external_id"))
                .col(ts("created_at"))
                .col(big_integer("created_by"))
                .foreign_key(&mut fk(
                    "households",
                    "municipality_ags",
                    "municipalities",
                    "ags",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("persons")
                .col(big_pk_auto("id"))
                .col(big_integer_null("household_id"))
                .col(string_null("relation"))
                // Minimum data: may be stored without consent.
                .col(string("given_name"))
                .col(string("family_name"))
                .col(string_null("name_original"))
                .col(string("name_fold"))
                .col(string("name_skeleton"))
                .col(date_null("birth_date"))
                .col(integer("birth_year"))
                .col(string("municipality_ags"))
                .col(date_null("au_move_in"))
                .col(string("target_group"))
                // Voluntary intake data: only with an active consent.
                .col(string_null("sex"))
                .col(string_null("nationality"))
                .col(text_null("languages"))
                .col(string_null("german_level"))
                .col(string_null("german_certificate"))
                .col(text_null("school"))
                .col(text_null("vocational"))
                .col(text_null("work_experience"))
                .col(string_null("profession"))
                .col(text_null("interests"))
                .col(string_null("residence_status"))
                .col(date_null("residence_valid_until"))
                .col(string_null("housing"))
                .col(string_null("benefits"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(text_null("address"))
                .col(string_null("interpreter_language"))
                // Special category (Art. 9 GDPR): sealed with the deployment's key, never plain.
                .col(blob_null("health_sealed"))
                .col(text_null("extra"))
                .col(string_null("external_id"))
                .col(ts("created_at"))
                .col(big_integer("created_by"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("persons", "household_id", "households", "id"))
                .foreign_key(&mut fk(
                    "persons",
                    "municipality_ags",
                    "municipalities",
                    "ags",
                ))
                .to_owned(),
        )
        .await?;
        index(m, "ix_persons_name_fold", "persons", &["name_fold"]).await?;
        index(
            m,
            "ix_persons_skeleton",
            "persons",
            &["name_skeleton", "birth_year"],
        )
        .await?;
        index(m, "ix_persons_household", "persons", &["household_id"]).await?;

        m.create_table(
            Table::create()
                .table("cases")
                .col(big_pk_auto("id"))
                .col(string_uniq("case_number"))
                .col(big_integer("organisation_id"))
                .col(string("municipality_ags"))
                .col(big_integer("assigned_to"))
                .col(big_integer_null("household_id"))
                .col(date("opened_on"))
                .col(date("clock_start"))
                .col(string("status"))
                .col(date_null("extended_until"))
                .col(text_null("extension_reason"))
                .col(text_null("eligibility_note"))
                .col(date_null("closed_on"))
                .col(string_null("closure_reason"))
                .col(text_null("closure_note"))
                .col(text_null("closure_snapshot"))
                .col(text_null("handover_note"))
                .col(big_integer_null("handover_from"))
                .col(timestamp_with_time_zone_null("handover_at"))
                .col(boolean("handover_seen"))
                .col(string_null("external_id"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("cases", "organisation_id", "organisations", "id"))
                .foreign_key(&mut fk(
                    "cases",
                    "municipality_ags",
                    "municipalities",
                    "ags",
                ))
                .foreign_key(&mut fk("cases", "assigned_to", "staff", "id"))
                .foreign_key(&mut fk("cases", "household_id", "households", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_cases_assigned", "cases", &["assigned_to", "status"]).await?;
        index(m, "ix_cases_org", "cases", &["organisation_id", "status"]).await?;

        m.create_table(
            Table::create()
                .table("case_persons")
                .col(big_integer("case_id"))
                .col(big_integer("person_id"))
                .primary_key(Index::create().col("case_id").col("person_id"))
                .foreign_key(&mut fk("case_persons", "case_id", "cases", "id"))
                .foreign_key(&mut fk("case_persons", "person_id", "persons", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_case_persons_person", "case_persons", &["person_id"]).await?;
        m.create_table(
            Table::create()
                .table("case_shares")
                .col(big_integer("case_id"))
                .col(big_integer("staff_id"))
                .col(ts("created_at"))
                .primary_key(Index::create().col("case_id").col("staff_id"))
                .foreign_key(&mut fk("case_shares", "case_id", "cases", "id"))
                .foreign_key(&mut fk("case_shares", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_case_shares_staff", "case_shares", &["staff_id"]).await?;
        // Assignment history (exchange `assignments`): who held the case from which day.
        m.create_table(
            Table::create()
                .table("case_assignments")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer("staff_id"))
                .col(date("from_date"))
                .foreign_key(&mut fk("case_assignments", "case_id", "cases", "id"))
                .foreign_key(&mut fk("case_assignments", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_case_assignments_case",
            "case_assignments",
            &["case_id"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("case_pauses")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(date("from_date"))
                .col(date_null("until_date"))
                .foreign_key(&mut fk("case_pauses", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_case_pauses_case", "case_pauses", &["case_id"]).await?;
        // What happened to a case: opened, paused, resumed, extended, closed, reopened, reassigned,
        // moved. Reasons are free text written by staff.
        m.create_table(
            Table::create()
                .table("case_events")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(string("kind"))
                .col(date("on_date"))
                .col(text_null("reason"))
                .col(string_null("detail"))
                .col(big_integer_null("staff_id"))
                .col(big_integer_null("other_staff_id"))
                .col(ts("at"))
                .foreign_key(&mut fk("case_events", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_case_events_case", "case_events", &["case_id", "at"]).await?;

        m.create_table(
            Table::create()
                .table("documents")
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(string("kind"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(blob("content"))
                .col(ts("created_at"))
                .col(big_integer("created_by"))
                .foreign_key(&mut fk("documents", "person_id", "persons", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_documents_person", "documents", &["person_id"]).await?;
        m.create_table(
            Table::create()
                .table("consents")
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(string("text_version"))
                .col(string("language"))
                .col(date("given_on"))
                .col(string("form"))
                .col(big_integer_null("document_id"))
                .col(date_null("withdrawn_on"))
                .col(text_null("withdrawal_note"))
                .col(string_null("external_id"))
                .col(ts("created_at"))
                .col(big_integer("created_by"))
                .col(integer("version"))
                .foreign_key(&mut fk("consents", "person_id", "persons", "id"))
                .foreign_key(&mut fk("consents", "document_id", "documents", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_consents_person", "consents", &["person_id"]).await?;
        m.create_table(
            Table::create()
                .table("releases")
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(big_integer_null("recipient_organisation_id"))
                .col(string("recipient_name"))
                .col(string_null("recipient_category"))
                .col(string("data_categories"))
                .col(text("purpose"))
                .col(date("valid_from"))
                .col(date_null("valid_until"))
                .col(boolean("mutual"))
                .col(date_null("revoked_on"))
                .col(string_null("external_id"))
                .col(ts("created_at"))
                .col(big_integer("created_by"))
                .col(integer("version"))
                .foreign_key(&mut fk("releases", "person_id", "persons", "id"))
                .foreign_key(&mut fk(
                    "releases",
                    "recipient_organisation_id",
                    "organisations",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        index(m, "ix_releases_person", "releases", &["person_id"]).await?;

        // Counselling contacts. Recorded by the next capability; the caseload already filters on
        // the date of the last one.
        m.create_table(
            Table::create()
                .table("contacts")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(date("contact_date"))
                .col(integer_null("minutes"))
                .col(string("contact_kind"))
                .col(string("topics"))
                .col(string_null("interpreter_language"))
                .col(string_null("interpreter_type"))
                .col(text_null("note"))
                .col(string_null("external_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("contacts", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_contacts_case_date",
            "contacts",
            &["case_id", "contact_date"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("contact_persons")
                .col(big_integer("contact_id"))
                .col(big_integer("person_id"))
                .primary_key(Index::create().col("contact_id").col("person_id"))
                .foreign_key(&mut fk("contact_persons", "contact_id", "contacts", "id"))
                .foreign_key(&mut fk("contact_persons", "person_id", "persons", "id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("saved_filters")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(string("name"))
                .col(text("query"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("saved_filters", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_saved_filters_staff", "saved_filters", &["staff_id"]).await?;

        // Dated outcomes per person (exchange `outcome`); recorded by the next capability, read by
        // the closure snapshot already.
        m.create_table(
            Table::create()
                .table("outcomes")
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(date("outcome_date"))
                .col(string("outcome_type"))
                .col(string_null("level"))
                .col(boolean_null("certificate"))
                .col(string_null("course"))
                .col(string_null("employment_type"))
                .col(date_null("until_date"))
                .col(string_null("place"))
                .col(string_null("external_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("outcomes", "person_id", "persons", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_outcomes_person",
            "outcomes",
            &["person_id", "outcome_date"],
        )
        .await?;

        // The data-protection officer's reasons for opening a record (a data-subject request).
        m.create_table(
            Table::create()
                .table("dpo_requests")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(big_integer("person_id"))
                .col(text("reason"))
                .col(ts("at"))
                .foreign_key(&mut fk("dpo_requests", "staff_id", "staff", "id"))
                .foreign_key(&mut fk("dpo_requests", "person_id", "persons", "id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the clients migration cannot be reverted".into(),
        ))
    }
}
