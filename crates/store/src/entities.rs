//! The tables as SeaORM entities. Relations are resolved by explicit queries in the core services.

/// A municipality (Gemeinde/Stadt) of the deployment, keyed by its official key (AGS).
pub mod municipality {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "municipalities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub ags: String,
        pub name: String,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// An organisation: the county office, a municipality employing its own staff, or a welfare provider.
pub mod organisation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        /// `county_office` | `municipality` | `provider` (the exchange format's values).
        pub kind: String,
        pub municipality_ags: Option<String>,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A period in which an organisation serves a municipality (Versorgungsgebiet): its staff may
/// serve there, and its IMs register clients and open cases there. Several organisations may
/// serve one municipality; one organisation's periods for one municipality do not overlap.
pub mod service_area {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_areas")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        pub municipality_ags: String,
        /// The first day served.
        pub valid_from: Date,
        /// The last day served (inclusive); `None` while it lasts.
        pub valid_until: Option<Date>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A team inside one organisation.
pub mod team {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "teams")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        pub name: String,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A staff member (a user account). Never hard-deleted once it has history; deactivated instead.
pub mod staff {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        pub team_id: Option<i64>,
        #[sea_orm(unique)]
        pub username: String,
        pub display_name: String,
        pub email: Option<String>,
        /// UI language: `de` or `en`.
        pub locale: String,
        /// Argon2id PHC string; `None` until the person has set a password via a setup link.
        pub password_hash: Option<String>,
        /// Full-time equivalent (0–1], reported in the statewide figures template.
        pub fte: Option<f64>,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deactivated_at: Option<DateTimeUtc>,
        pub version: i32,
    }
    no_relations!();
}

/// The roles a staff member holds (several are possible).
pub mod staff_role {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_roles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub staff_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: String,
    }
    no_relations!();
}

/// The municipalities a staff member serves.
pub mod staff_municipality {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_municipalities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub staff_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub ags: String,
    }
    no_relations!();
}

/// A server-side login session. Only a hash of the cookie value is stored.
pub mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        /// A random id that may be shown and used in URLs (to end a session); not the secret.
        #[sea_orm(unique)]
        pub public_id: String,
        pub staff_id: i64,
        pub csrf_token: String,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        /// A short description of the browser ("Firefox on Linux"), for the user's session list.
        pub user_agent: String,
    }
    no_relations!();
}

/// Failed-login counters, keyed by a hash of (account, address) or of the address alone.
pub mod login_throttle {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_throttle")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub failures: i32,
        pub window_start: DateTimeUtc,
        pub blocked_until: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// A staff member's TOTP second factor (decision 0038).
pub mod second_factor {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "second_factors")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub secret_sealed: Vec<u8>,
        pub confirmed_at: Option<DateTimeUtc>,
        pub last_step: Option<i64>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// An organisation whose staff must log in with a second factor (a row: required).
pub mod second_factor_required {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "second_factor_required")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisation_id: i64,
        pub since: DateTimeUtc,
    }
    no_relations!();
}

/// A one-time recovery code of a second factor, hashed.
pub mod recovery_code {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recovery_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub code_hash: String,
        pub used_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// The second step of a login, pending after the password (its token is a cookie, stored hashed).
pub mod login_challenge {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_challenges")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub staff_id: i64,
        /// `verify` | `enrol`
        pub purpose: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub attempts: i32,
    }
    no_relations!();
}

/// One-time links: set up the first administrator, or let a person set their password.
pub mod setup_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "setup_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        /// `bootstrap` | `set_password`
        pub purpose: String,
        pub staff_id: Option<i64>,
        pub created_by: Option<i64>,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// The append-only audit log. Holds who, what, when and the outcome; never content values.
pub mod audit_event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub actor_staff_id: Option<i64>,
        pub actor_organisation_id: Option<i64>,
        /// The actor's roles at the time, comma-separated.
        pub actor_roles: String,
        pub action: String,
        pub object_kind: Option<String>,
        pub object_id: Option<String>,
        /// Which part of an object was touched (e.g. a client record's section), when that matters.
        pub section: Option<String>,
        /// `allowed` | `denied`
        pub outcome: String,
        pub request_id: Option<String>,
        /// The client the event concerns, when it concerns one (a list page writes one event per
        /// client it showed).
        pub person_id: Option<i64>,
        /// The case the event concerns, when it concerns one.
        pub case_id: Option<i64>,
    }
    no_relations!();
}

/// One link of the audit log's hash chain (decision 0019): the event sealed at position `seq`.
pub mod audit_link {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_chain")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub event_id: i64,
        /// Hex SHA-256 of the previous link (or of the anchor; 64 zeros at the start).
        pub prev_hash: String,
        /// Hex SHA-256 over `prev_hash` and the event's content.
        pub hash: String,
        pub sealed_at: DateTimeUtc,
    }
    no_relations!();
}

/// Where old audit events were cut at the end of their retention: the last removed link.
pub mod audit_anchor {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_anchors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub hash: String,
        pub at: DateTimeUtc,
        pub events_removed: i64,
    }
    no_relations!();
}

/// The outcome of one verification of the audit chain.
pub mod audit_verification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_verifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub run_by: String,
        pub intact: bool,
        pub links_checked: i64,
        pub sealed_now: i64,
        pub head_seq: Option<i64>,
        pub head_hash: Option<String>,
        pub broken_seq: Option<i64>,
        pub broken_event_id: Option<i64>,
        pub problem: Option<String>,
    }
    no_relations!();
}

/// A hold on a case's erasure (an ongoing legal matter): until `until`, or until lifted.
pub mod retention_hold {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "retention_holds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub reason: String,
        pub until: Date,
        pub placed_by: i64,
        pub placed_at: DateTimeUtc,
        pub lifted_by: Option<i64>,
        pub lifted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// A restriction of processing on a case (Art. 18 GDPR): while it is not lifted the case and its
/// persons are read-only and left out of every list.
pub mod restriction {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "restrictions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        /// `accuracy` | `unlawful` | `legal_claims` | `objection` (Art. 18(1)(a)–(d)).
        pub ground: String,
        pub requested_on: Date,
        pub placed_by: i64,
        pub placed_at: DateTimeUtc,
        pub lifted_by: Option<i64>,
        pub lifted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// A client's request to erase their data before the schedule (Art. 17 GDPR), on their case:
/// waiting for its decision, or kept under a legal exception (Art. 17(3)) with its justification.
pub mod erasure_request {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "erasure_requests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub received_on: Date,
        pub recorded_by: i64,
        pub recorded_at: DateTimeUtc,
        pub exception: Option<String>,
        pub justification: Option<String>,
        pub decided_by: Option<i64>,
        pub decided_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// One day's retention run.
pub mod retention_run {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "retention_runs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: String,
        pub started_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
        pub cases_erased: i64,
        /// Persons erased (named so that no column about persons is mistaken for one).
        pub clients_erased: i64,
        pub audit_events_removed: i64,
        pub facts_removed: i64,
    }
    no_relations!();
}

/// The key figures' facts of an erased case: no name, no text, no contact data.
pub mod retained_fact {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "retained_facts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i64,
        pub organisation_id: i64,
        pub first_year: i32,
        pub last_year: i32,
        pub erased_on: Date,
        pub facts: String,
    }
    no_relations!();
}

/// The contacts of a case counted per calendar year and kind (see `figures::tallies`).
pub mod contact_tally {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contact_tallies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        pub contacts: i64,
        pub minutes: i64,
        pub first_day: Date,
        pub topics: String,
        pub days: String,
    }
    no_relations!();
}

/// The old and new values of a change to an account: roles, organisation, a password reset.
pub mod staff_change {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_changes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub actor_staff_id: Option<i64>,
        pub staff_id: i64,
        /// `roles` | `organisation` | `password_reset`
        pub what: String,
        pub old_value: Option<String>,
        pub new_value: Option<String>,
        /// The second person who confirmed the change (a password reset).
        pub confirmed_by: Option<i64>,
    }
    no_relations!();
}

/// A look-up of the data-protection officer: when, by whom, why, and how many persons it found.
pub mod dpo_lookup {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dpo_lookups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub at: DateTimeUtc,
        pub reason: String,
        pub hits: i32,
    }
    no_relations!();
}

/// What one person asked and a second person must confirm.
pub mod confirmation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "confirmations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `password_reset` | `case_takeover`
        pub kind: String,
        /// The organisation whose people may confirm.
        pub organisation_id: i64,
        /// The account reset, or the team lead who takes the case.
        pub staff_id: i64,
        pub case_id: Option<i64>,
        pub requested_by: i64,
        pub requested_at: DateTimeUtc,
        pub decided_by: Option<i64>,
        pub decided_at: Option<DateTimeUtc>,
        /// `confirmed` | `declined`
        pub outcome: Option<String>,
        /// Why the requester asks (shown to the person who decides; it becomes the handover note),
        /// sealed (`kernel::sealed::CONFIRMATION_REASON`).
        pub reason_sealed: Option<Vec<u8>>,
    }
    no_relations!();
}

/// A message on a person's start page about what others did to their account or cases.
pub mod notice {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notices")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        /// `password_reset` | `case_reassigned`
        pub kind: String,
        pub case_id: Option<i64>,
        pub by_staff_id: Option<i64>,
        pub confirmed_by: Option<i64>,
        pub at: DateTimeUtc,
        pub seen_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// The key figures of a calendar year as finalised (version 1) and as corrected later (2, 3, ...).
pub mod figure_finalisation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "figure_finalisations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub year: i32,
        pub version: i32,
        pub finalised_at: DateTimeUtc,
        pub finalised_by: i64,
        pub reason: Option<String>,
        /// The figures as JSON.
        pub body: String,
    }
    no_relations!();
}

/// Deployment-wide settings (name of the county or city, and later catalogues).
pub mod setting {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
    }
    no_relations!();
}

/// The mapping from an exchange file's ids to ours, per kind (migration m0008).
pub mod exchange_id {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "exchange_ids")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub external_id: String,
        /// A row id written out, or the AGS of a municipality.
        pub local_id: String,
        pub digest: String,
        pub extra: Option<String>,
        pub imported_at: DateTimeUtc,
    }
    no_relations!();
}

/// A referral to a regular service (exchange `referral`).
pub mod referral {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "referrals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub person_id: Option<i64>,
        pub service_name: String,
        pub service_category: Option<String>,
        pub referral_date: Date,
        pub reason_sealed: Option<Vec<u8>>,
        /// `pending` | `taken_up` | `not_taken_up` | `completed`
        pub result: Option<String>,
        pub result_on: Option<Date>,
        pub external_id: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
        /// The directory entry it went to (m0020); none for imported referrals not matched yet.
        pub service_id: Option<i64>,
        /// The release that allowed passing data on (m0020); none: no data passed.
        pub release_id: Option<i64>,
        /// The field of action (a key of `fields_of_action`).
        pub field_of_action: Option<String>,
        /// The data categories passed on, comma-separated; none or empty: no data.
        pub data_categories: Option<String>,
    }
    no_relations!();
}

/// An entry of the directory of services (migration m0020).
pub mod service {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "services")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// None: county-wide.
        pub organisation_id: Option<i64>,
        pub name: String,
        pub category: String,
        pub address: Option<String>,
        pub phone: Option<String>,
        pub email: Option<String>,
        /// AGS keys, comma-separated; empty: the whole county.
        pub municipalities: String,
        /// Language codes, comma-separated.
        pub languages: String,
        pub opening_hours: Option<String>,
        pub note: Option<String>,
        pub active: bool,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A volunteer of an organisation's register (migration m0023).
pub mod volunteer {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "volunteers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        pub name: String,
        pub phone: Option<String>,
        pub email: Option<String>,
        /// Language codes, comma-separated.
        pub languages: String,
        /// Offer keys, comma-separated.
        pub offers: String,
        /// AGS keys, comma-separated.
        pub municipalities: String,
        pub availability: Option<String>,
        pub pledge_on: Option<Date>,
        pub works_with_minors: bool,
        pub police_certificate_on: Option<Date>,
        pub note: Option<String>,
        pub active: bool,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A volunteer matched with a person of a case (migration m0023).
pub mod volunteer_match {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "volunteer_matches")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub volunteer_id: i64,
        pub case_id: i64,
        pub person_id: i64,
        pub purpose_sealed: Option<Vec<u8>>,
        pub from_date: Date,
        pub until_date: Option<Date>,
        /// The data categories handed over, comma-separated; none: no data.
        pub data_categories: Option<String>,
        pub release_id: Option<i64>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A pair of persons a reviewer marked "not the same person" (migration m0009).
pub mod duplicate_decision {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "duplicate_decisions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        pub person_id_low: i64,
        pub person_id_high: i64,
        pub decided_by: i64,
        pub decided_at: DateTimeUtc,
    }
    no_relations!();
}

/// A column mapping a staff member saved for a spreadsheet's header row (migration m0011).
pub mod spreadsheet_mapping {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spreadsheet_mappings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub header_key: String,
        /// The field of each column (JSON list).
        pub mapping: String,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// A merge of two person records: the absorbed id resolves to the survivor (migration m0009).
pub mod person_merge {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person_merges")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organisation_id: i64,
        pub survivor_person_id: i64,
        pub absorbed_person_id: i64,
        pub score: i32,
        pub reasons: String,
        pub merged_by: i64,
        pub merged_at: DateTimeUtc,
    }
    no_relations!();
}

/// A matcher key of a person (migration m0012): the duplicate check at registration reads the
/// persons sharing a key with the new record, born within a year of it.
pub mod person_match_key {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person_match_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub match_key: String,
        pub birth_year: i32,
    }
    no_relations!();
}

/// An uploaded spreadsheet between its steps, its rows sealed (migration m0011).
pub mod spreadsheet_upload {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "spreadsheet_uploads")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub file_kind: String,
        pub header_key: String,
        pub row_count: i32,
        pub content_sealed: Vec<u8>,
        pub mapping: Option<String>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub use crate::calendar_entities::*;
pub use crate::client_entities::*;
pub use crate::plan_entities::*;

/// A person registered for a language course with the coordination office or a course provider
/// (migration m0024).
pub mod course_registration {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "course_registrations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub person_id: i64,
        /// The directory entry registered with.
        pub service_id: i64,
        /// A `CourseType` key.
        pub course_type: String,
        /// A CEFR level, A1..C2.
        pub level_aimed: String,
        pub wish: Option<String>,
        pub childcare_needed: bool,
        pub preferred_times: Option<String>,
        /// `registered` | `waiting` | `started` | `finished` | `dropped`
        pub status: String,
        pub registered_on: Date,
        pub waiting_on: Option<Date>,
        pub started_on: Option<Date>,
        pub finished_on: Option<Date>,
        pub dropped_on: Option<Date>,
        /// The level a certificate states for a finished course (none: no certificate).
        pub level_achieved: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A network meeting the county coordinator plans (migration m0024). Holds no client data.
pub mod meeting {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meetings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_date: Date,
        /// HH:MM
        pub starts_at: String,
        pub place: String,
        pub topic: String,
        /// All IMs are invited (else the staff in `meeting_invitees`).
        pub all_ims: bool,
        pub minutes: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A guest of a meeting: a directory entry (migration m0024).
pub mod meeting_guest {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_guests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub service_id: i64,
    }
    no_relations!();
}

/// A staff member invited to a meeting (migration m0024).
pub mod meeting_invitee {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_invitees")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub staff_id: i64,
    }
    no_relations!();
}

/// A question for a meeting's agenda, with the staff member who asked (migration m0024).
pub mod meeting_question {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_questions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub staff_id: i64,
        pub question: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}
