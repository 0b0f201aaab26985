//! Entities of the integration plan, follow-ups and the fields-of-action catalog. Re-exported from
//! [`crate::entities`].

/// A field of action (Handlungsfeld) of the administrator's catalog.
pub mod field_of_action {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "fields_of_action")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Stable key stored in goals and contact topics.
        pub key: String,
        /// The exchange format's `field` value this one is reported under.
        pub exchange_field: String,
        pub label_de: String,
        pub label_en: String,
        pub position: i32,
        pub active: bool,
        pub version: i32,
    }
    no_relations!();
}

/// A local value of one of the intake's lists (`residence_status`, `benefit`, `health_insurance`),
/// added by an administrator and reported under a fixed value of the list.
pub mod intake_catalog_entry {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "intake_catalog_entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub list: String,
        /// Stable key stored with the person.
        pub key: String,
        /// The fixed value (the exchange format's) this one is reported under.
        pub exchange_value: String,
        pub label_de: String,
        pub label_en: String,
        pub position: i32,
        pub active: bool,
        pub version: i32,
    }
    no_relations!();
}

/// The living integration plan of a case (one per case).
pub mod plan {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plans")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        /// Months between reviews; None: the deployment's default.
        pub review_interval_months: Option<i32>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A goal of a plan (exchange `goal`).
pub mod goal {
    use crate::Opened;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "goals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        /// Set: the goal of one household member; None: of the whole case.
        pub person_id: Option<i64>,
        /// A key of `fields_of_action`.
        pub field_key: String,
        /// In the client's words, sealed (bound to the row's version).
        pub text_sealed: Vec<u8>,
        #[sea_orm(ignore)]
        pub text: Opened,
        /// 1 high – 3 low.
        pub priority: Option<i32>,
        pub target_date: Option<Date>,
        /// `open` | `in_progress` | `reached` | `not_reached` | `dropped`.
        pub status: String,
        pub status_reason_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub status_reason: Option<Opened>,
        pub created_on: Date,
        /// Set when the status is reached, not reached or dropped.
        pub closed_on: Option<Date>,
        pub position: i32,
        pub external_id: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A step towards a goal (exchange `step`).
pub mod step {
    use crate::Opened;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "steps")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub goal_id: i64,
        /// The goal's case (denormalised for the day view).
        pub case_id: i64,
        /// Sealed (bound to the row's version).
        pub text_sealed: Vec<u8>,
        #[sea_orm(ignore)]
        pub text: Opened,
        /// `client` | `im` | `third_party`.
        pub owner: String,
        /// The named third party or service, when the owner is `third_party`.
        pub third_party: Option<String>,
        pub due_on: Option<Date>,
        pub done_on: Option<Date>,
        pub position: i32,
        pub external_id: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A review of the plan (Fortschreibung, exchange `review`).
pub mod review {
    use crate::Opened;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reviews")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub held_on: Date,
        pub participants: Option<String>,
        /// The overall assessment (exchange `summary`), sealed (bound to the row's id: reviews
        /// are never changed).
        pub summary_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub summary: Option<Opened>,
        /// What was changed in the plan, sealed.
        pub changes_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub changes: Option<Opened>,
        pub external_id: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// The assessment of one goal in a review.
pub mod review_assessment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_assessments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub review_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub goal_id: i64,
        /// Sealed (bound to the review and the goal).
        pub assessment_sealed: Vec<u8>,
    }
    no_relations!();
}

/// A frozen version of a plan.
pub mod plan_version {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        /// 1, 2, ... per case.
        pub number: i32,
        /// The review that froze it; None: frozen by hand (e.g. to print and sign).
        pub review_id: Option<i64>,
        pub frozen_on: Date,
        /// JSON of the goals and steps at that moment, sealed (bound to the row's id).
        pub snapshot_sealed: Vec<u8>,
        /// The signed scan of this version.
        pub signed_document_id: Option<i64>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A follow-up (Wiedervorlage).
pub mod followup {
    use crate::Opened;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "followups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub due_on: Date,
        /// Sealed (bound to the row's version).
        pub reason_sealed: Vec<u8>,
        #[sea_orm(ignore)]
        pub reason: Opened,
        pub done_on: Option<Date>,
        /// The original date, once it was moved.
        pub first_due_on: Option<Date>,
        /// The contact it was set with.
        pub contact_id: Option<i64>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}
