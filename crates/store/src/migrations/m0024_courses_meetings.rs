//! Language-course registrations and network meetings (issue 23, decision 0032): a person of a
//! case registered with the language-course coordination office or a course provider (a directory
//! entry), with the date of each status; and the county coordinator's network meetings with their
//! guests from the directory, the invited staff and the IMs' questions for the agenda. Meetings hold
//! no client data.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0024_courses_meetings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("course_registrations")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer("person_id"))
                .col(big_integer("service_id"))
                .col(string("course_type"))
                .col(string("level_aimed"))
                .col(text_null("wish"))
                .col(boolean("childcare_needed"))
                .col(text_null("preferred_times"))
                .col(string("status"))
                // The day of each status (kept when the status moves on).
                .col(date("registered_on"))
                .col(date_null("waiting_on"))
                .col(date_null("started_on"))
                .col(date_null("finished_on"))
                .col(date_null("dropped_on"))
                // A finished course: the level the certificate states (none: no certificate).
                .col(string_null("level_achieved"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("course_registrations", "case_id", "cases", "id"))
                .foreign_key(&mut fk(
                    "course_registrations",
                    "person_id",
                    "persons",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "course_registrations",
                    "service_id",
                    "services",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_course_registrations_case",
            "course_registrations",
            &["case_id"],
        )
        .await?;
        index(
            m,
            "ix_course_registrations_status",
            "course_registrations",
            &["status"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("meetings")
                .col(big_pk_auto("id"))
                .col(date("meeting_date"))
                .col(string("starts_at"))
                .col(string("place"))
                .col(string("topic"))
                // All IMs of the deployment are invited (else the staff in `meeting_invitees`).
                .col(boolean("all_ims"))
                .col(text_null("minutes"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_meetings_date", "meetings", &["meeting_date"]).await?;
        m.create_table(
            Table::create()
                .table("meeting_guests")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(big_integer("service_id"))
                .foreign_key(&mut fk("meeting_guests", "meeting_id", "meetings", "id"))
                .foreign_key(&mut fk("meeting_guests", "service_id", "services", "id"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_meeting_guests", "meeting_guests", &["meeting_id"]).await?;
        m.create_table(
            Table::create()
                .table("meeting_invitees")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(big_integer("staff_id"))
                .foreign_key(&mut fk("meeting_invitees", "meeting_id", "meetings", "id"))
                .foreign_key(&mut fk("meeting_invitees", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_meeting_invitees",
            "meeting_invitees",
            &["meeting_id", "staff_id"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("meeting_questions")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(big_integer("staff_id"))
                .col(text("question"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("meeting_questions", "meeting_id", "meetings", "id"))
                .foreign_key(&mut fk("meeting_questions", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_meeting_questions",
            "meeting_questions",
            &["meeting_id"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the courses and meetings migration cannot be reverted".into(),
        ))
    }
}
