//! Rooms, office hours, appointments and calendar subscriptions (migration m0025).

/// A room a municipality provides for office hours.
pub mod room {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rooms")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub municipality_ags: String,
        pub name: String,
        pub street: String,
        pub postcode: String,
        pub city: String,
        pub accessibility: Option<String>,
        /// Every organisation may book it (else only those in `room_organisations`).
        pub open_to_all: bool,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// An organisation that may book a room that is not open to all.
pub mod room_organisation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "room_organisations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub room_id: i64,
        pub organisation_id: i64,
    }
    no_relations!();
}

/// Recurring office hours (*Sprechstunde*) of an IM in a room of a municipality.
pub mod office_hour {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "office_hours")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub organisation_id: i64,
        pub municipality_ags: String,
        pub room_id: i64,
        /// ISO weekday, 1 = Monday … 7 = Sunday.
        pub weekday: i32,
        /// HH:MM, local time.
        pub starts_at: String,
        pub ends_at: String,
        /// 1: every week; 2: every other week, counted from `starts_on`.
        pub every_weeks: i32,
        pub starts_on: Date,
        pub ends_on: Option<Date>,
        /// Languages offered besides German, comma-separated language keys.
        pub languages: String,
        pub public_note: Option<String>,
        pub active: bool,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A day on which recurring office hours do not take place.
pub mod office_hour_exception {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "office_hour_exceptions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub office_hour_id: i64,
        pub on_date: Date,
        /// `holiday` | `absence` | `other`
        pub reason: String,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// An appointment of an IM with a client or a household of a case.
pub mod appointment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "appointments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        /// None: the whole household of the case.
        pub person_id: Option<i64>,
        /// Who holds the appointment.
        pub staff_id: i64,
        pub appointment_date: Date,
        /// HH:MM, local time.
        pub starts_at: String,
        pub minutes: i32,
        /// `office_hours` | `office` | `home_visit` | `accompaniment`
        pub place_kind: String,
        pub office_hour_id: Option<i64>,
        pub room_id: Option<i64>,
        pub service_id: Option<i64>,
        pub place_note: Option<String>,
        pub interpreter_language: Option<String>,
        pub field_of_action: Option<String>,
        pub purpose: String,
        /// Keys of the letters' fixed list of things to bring, comma-separated.
        pub bring_items: String,
        pub bring_other: Option<String>,
        /// `planned` | `held` | `missed` | `cancelled`
        pub status: String,
        pub contact_id: Option<i64>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// One step in an appointment's history: booked, moved, cancelled, held or missed.
pub mod appointment_change {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "appointment_changes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub appointment_id: i64,
        /// `booked` | `moved` | `cancelled` | `held` | `missed`
        pub change: String,
        pub old_date: Option<Date>,
        pub old_starts_at: Option<String>,
        pub new_date: Option<Date>,
        pub new_starts_at: Option<String>,
        /// `client` | `staff` | `other`
        pub reason: Option<String>,
        pub changed_by: i64,
        pub changed_at: DateTimeUtc,
    }
    no_relations!();
}

/// A staff member's secret calendar subscription (the token is stored hashed).
pub mod calendar_feed {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendar_feeds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub with_initials: bool,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
    }
    no_relations!();
}
