//! The integration plan (goals per field of action, steps, reviews and frozen versions), follow-ups
//! (Wiedervorlagen), and the administrator's catalog of fields of action.
//!
//! The shape follows the exchange format (`goal`, `step`, `review`); the contacts and outcomes
//! tables already exist (m0002).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts, unique_index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_plans"
    }
}

/// The fields of action of `domain.md`, keyed by the exchange format's `field` values, with their
/// German and English names. The administrator may rename, reorder, deactivate and add fields; an
/// added field names the exchange field it is reported under.
pub const DEFAULT_FIELDS: [(&str, &str, &str); 11] = [
    ("language", "Sprache", "Language"),
    (
        "school_childcare",
        "Schule/Kita (Kinder)",
        "School/childcare (children)",
    ),
    ("training_studies", "Ausbildung/Studium", "Training/studies"),
    ("work", "Arbeit", "Work"),
    ("housing", "Wohnen", "Housing"),
    ("health", "Gesundheit", "Health"),
    ("finances", "Finanzen/Schulden", "Finances/debts"),
    (
        "residence",
        "Aufenthalt/Asylverfahren",
        "Residence/asylum procedure",
    ),
    ("family", "Familie", "Family"),
    (
        "participation",
        "Gesellschaftliche Teilhabe (Vereine, Ehrenamt)",
        "Participation (clubs, volunteering)",
    ),
    ("daily_life", "Alltag/Mobilität", "Daily life/mobility"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("fields_of_action")
                .col(big_pk_auto("id"))
                // Stable key used by goals and contact topics.
                .col(string_uniq("key"))
                // The exchange format's `field` this one is reported under.
                .col(string("exchange_field"))
                .col(string("label_de"))
                .col(string("label_en"))
                .col(integer("position"))
                .col(boolean("active"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        for (i, (key, de, en)) in DEFAULT_FIELDS.iter().enumerate() {
            let ins = Query::insert()
                .into_table("fields_of_action")
                .columns([
                    "key",
                    "exchange_field",
                    "label_de",
                    "label_en",
                    "position",
                    "active",
                    "version",
                ])
                .values_panic([
                    (*key).into(),
                    (*key).into(),
                    (*de).into(),
                    (*en).into(),
                    ((i as i32 + 1) * 10).into(),
                    true.into(),
                    1.into(),
                ])
                .to_owned();
            m.exec_stmt(ins).await?;
        }

        // One living plan per case. `review_interval_months` overrides the deployment default.
        m.create_table(
            Table::create()
                .table("plans")
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("case_id"))
                .col(integer_null("review_interval_months"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("plans", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;

        // Goals (exchange `goal`). `person_id` set: the goal of one household member.
        m.create_table(
            Table::create()
                .table("goals")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer_null("person_id"))
                .col(string("field_key"))
                .col(text("text"))
                .col(integer_null("priority"))
                .col(date_null("target_date"))
                // open | in_progress | reached | not_reached | dropped
                .col(string("status"))
                .col(text_null("status_reason"))
                .col(date("created_on"))
                .col(date_null("closed_on"))
                .col(integer("position"))
                .col(string_null("external_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("goals", "case_id", "cases", "id"))
                .foreign_key(&mut fk("goals", "person_id", "persons", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_goals_case", "goals", &["case_id"]).await?;

        // Steps of a goal (exchange `step`): what, who (client | im | third_party), by when, done on.
        m.create_table(
            Table::create()
                .table("steps")
                .col(big_pk_auto("id"))
                .col(big_integer("goal_id"))
                .col(big_integer("case_id"))
                .col(text("text"))
                .col(string("owner"))
                .col(string_null("third_party"))
                .col(date_null("due_on"))
                .col(date_null("done_on"))
                .col(integer("position"))
                .col(string_null("external_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("steps", "goal_id", "goals", "id"))
                .foreign_key(&mut fk("steps", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_steps_goal", "steps", &["goal_id"]).await?;
        index(m, "ix_steps_case_due", "steps", &["case_id", "due_on"]).await?;

        // Reviews (Fortschreibung, exchange `review`). `changes` is what was changed in the plan.
        m.create_table(
            Table::create()
                .table("reviews")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(date("held_on"))
                .col(text_null("participants"))
                .col(text_null("summary"))
                .col(text_null("changes"))
                .col(string_null("external_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("reviews", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_reviews_case", "reviews", &["case_id", "held_on"]).await?;
        // The short assessment of each goal in a review.
        m.create_table(
            Table::create()
                .table("review_assessments")
                .col(big_integer("review_id"))
                .col(big_integer("goal_id"))
                .col(text("assessment"))
                .primary_key(Index::create().col("review_id").col("goal_id"))
                .foreign_key(&mut fk("review_assessments", "review_id", "reviews", "id"))
                .foreign_key(&mut fk("review_assessments", "goal_id", "goals", "id"))
                .to_owned(),
        )
        .await?;

        // Frozen versions of a plan: every review freezes one; the IM may freeze one to print and
        // sign (e.g. the first plan). `snapshot` is JSON of the goals and steps at that moment.
        m.create_table(
            Table::create()
                .table("plan_versions")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(integer("number"))
                .col(big_integer_null("review_id"))
                .col(date("frozen_on"))
                .col(text("snapshot"))
                .col(big_integer_null("signed_document_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("plan_versions", "case_id", "cases", "id"))
                .foreign_key(&mut fk("plan_versions", "review_id", "reviews", "id"))
                .foreign_key(&mut fk(
                    "plan_versions",
                    "signed_document_id",
                    "documents",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_plan_versions_case_number",
            "plan_versions",
            &["case_id", "number"],
        )
        .await?;

        // Follow-ups (Wiedervorlagen): a date, a case, a reason; done, or moved to another date.
        m.create_table(
            Table::create()
                .table("followups")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(date("due_on"))
                .col(text("reason"))
                .col(date_null("done_on"))
                // The first date, when it was moved.
                .col(date_null("first_due_on"))
                .col(big_integer_null("contact_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("followups", "case_id", "cases", "id"))
                .foreign_key(&mut fk("followups", "contact_id", "contacts", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_followups_case_due",
            "followups",
            &["case_id", "due_on"],
        )
        .await?;
        index(
            m,
            "ix_contact_persons_person",
            "contact_persons",
            &["person_id"],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the plans migration cannot be reverted".into(),
        ))
    }
}
