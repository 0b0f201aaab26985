//! Rooms, office hours and appointments (issue 24, decisions 0033 and 0034): the municipalities'
//! rooms and who may book them; recurring office hours (*Sprechstunden*) per IM, room and
//! municipality with their exceptions; appointments with a client or a household, with the history
//! of every move and cancellation; and each staff member's secret calendar subscriptions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::util::{fk, index, ts, unique_index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0025_appointments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("rooms")
                .col(big_pk_auto("id"))
                .col(string("municipality_ags"))
                .col(string("name"))
                .col(string("street"))
                .col(string("postcode"))
                .col(string("city"))
                // Step-free access, lift, toilet, …: shown on the public page and the letter.
                .col(text_null("accessibility"))
                // Every organisation may book it (else only those in `room_organisations`).
                .col(boolean("open_to_all"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk(
                    "rooms",
                    "municipality_ags",
                    "municipalities",
                    "ags",
                ))
                .to_owned(),
        )
        .await?;
        index(m, "ix_rooms_municipality", "rooms", &["municipality_ags"]).await?;
        m.create_table(
            Table::create()
                .table("room_organisations")
                .col(big_pk_auto("id"))
                .col(big_integer("room_id"))
                .col(big_integer("organisation_id"))
                .foreign_key(&mut fk("room_organisations", "room_id", "rooms", "id"))
                .foreign_key(&mut fk(
                    "room_organisations",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_room_organisations",
            "room_organisations",
            &["room_id", "organisation_id"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("office_hours")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(big_integer("organisation_id"))
                .col(string("municipality_ags"))
                .col(big_integer("room_id"))
                // ISO weekday, 1 = Monday … 7 = Sunday.
                .col(integer("weekday"))
                // HH:MM, local time (Europe/Berlin).
                .col(string("starts_at"))
                .col(string("ends_at"))
                // 1: every week; 2: every other week, counted from `starts_on`.
                .col(integer("every_weeks"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                // Languages offered (besides German), comma-separated language keys.
                .col(string("languages"))
                // A public note ("ohne Termin", "mit Dolmetscherin für Arabisch").
                .col(text_null("public_note"))
                .col(boolean("active"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("office_hours", "staff_id", "staff", "id"))
                .foreign_key(&mut fk(
                    "office_hours",
                    "organisation_id",
                    "organisations",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "office_hours",
                    "municipality_ags",
                    "municipalities",
                    "ags",
                ))
                .foreign_key(&mut fk("office_hours", "room_id", "rooms", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_office_hours_municipality",
            "office_hours",
            &["municipality_ags"],
        )
        .await?;
        index(m, "ix_office_hours_staff", "office_hours", &["staff_id"]).await?;
        m.create_table(
            Table::create()
                .table("office_hour_exceptions")
                .col(big_pk_auto("id"))
                .col(big_integer("office_hour_id"))
                .col(date("on_date"))
                // `holiday` | `absence` | `other`; never a reason about a person.
                .col(string("reason"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "office_hour_exceptions",
                    "office_hour_id",
                    "office_hours",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            "ux_office_hour_exceptions",
            "office_hour_exceptions",
            &["office_hour_id", "on_date"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("appointments")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                // None: the whole household of the case.
                .col(big_integer_null("person_id"))
                // Who holds the appointment.
                .col(big_integer("staff_id"))
                .col(date("appointment_date"))
                // HH:MM, local time (Europe/Berlin).
                .col(string("starts_at"))
                .col(integer("minutes"))
                // `office_hours` | `office` | `home_visit` | `accompaniment`
                .col(string("place_kind"))
                .col(big_integer_null("office_hour_id"))
                .col(big_integer_null("room_id"))
                // The directory entry accompanied to.
                .col(big_integer_null("service_id"))
                // Where exactly (an office's address, a room number); never a client's address.
                .col(text_null("place_note"))
                .col(string_null("interpreter_language"))
                // A field of action (a key of `fields_of_action`), and a short organisational purpose.
                .col(string_null("field_of_action"))
                .col(string("purpose"))
                // What to bring: keys of the letters' fixed list, comma-separated, and a free line.
                .col(string("bring_items"))
                .col(text_null("bring_other"))
                // `planned` | `held` | `missed` | `cancelled`
                .col(string("status"))
                // The counselling contact a held appointment became.
                .col(big_integer_null("contact_id"))
                .col(big_integer("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("appointments", "case_id", "cases", "id"))
                .foreign_key(&mut fk("appointments", "person_id", "persons", "id"))
                .foreign_key(&mut fk("appointments", "staff_id", "staff", "id"))
                .foreign_key(&mut fk(
                    "appointments",
                    "office_hour_id",
                    "office_hours",
                    "id",
                ))
                .foreign_key(&mut fk("appointments", "room_id", "rooms", "id"))
                .foreign_key(&mut fk("appointments", "service_id", "services", "id"))
                .foreign_key(&mut fk("appointments", "contact_id", "contacts", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_appointments_staff_date",
            "appointments",
            &["staff_id", "appointment_date"],
        )
        .await?;
        index(
            m,
            "ix_appointments_room_date",
            "appointments",
            &["room_id", "appointment_date"],
        )
        .await?;
        index(m, "ix_appointments_case", "appointments", &["case_id"]).await?;
        m.create_table(
            Table::create()
                .table("appointment_changes")
                .col(big_pk_auto("id"))
                .col(big_integer("appointment_id"))
                // `booked` | `moved` | `cancelled` | `held` | `missed`
                .col(string("change"))
                .col(date_null("old_date"))
                .col(string_null("old_starts_at"))
                .col(date_null("new_date"))
                .col(string_null("new_starts_at"))
                // Why it was moved or cancelled (`client` | `staff` | `other`).
                .col(string_null("reason"))
                .col(big_integer("changed_by"))
                .col(ts("changed_at"))
                .foreign_key(&mut fk(
                    "appointment_changes",
                    "appointment_id",
                    "appointments",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_appointment_changes",
            "appointment_changes",
            &["appointment_id"],
        )
        .await?;
        m.create_table(
            Table::create()
                .table("calendar_feeds")
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                // SHA-256 of the secret in the URL; the secret itself is shown once.
                .col(string_uniq("token_hash"))
                // The staff member opted in to the clients' initials in the events.
                .col(boolean("with_initials"))
                .col(ts("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("calendar_feeds", "staff_id", "staff", "id"))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_calendar_feeds_staff",
            "calendar_feeds",
            &["staff_id"],
        )
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the appointments migration cannot be reverted".into(),
        ))
    }
}
