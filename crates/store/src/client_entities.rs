//! Entities of the client side: persons, households, cases and their history, consents, documents,
//! releases, contacts and saved filters. Re-exported from [`crate::entities`].

/// A household (family) living together; its members are persons.
pub mod household {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "households")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub municipality_ags: String,
        /// The id an imported file gave this household.
        pub external_id: Option<String>,
        pub created_at: DateTimeUtc,
        pub created_by: i64,
    }
    no_relations!();
}

/// A person: a client or a member of a client's household.
pub mod person {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "persons")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub household_id: Option<i64>,
        /// `head` | `partner` | `child` | `parent` | `sibling` | `other`.
        pub relation: Option<String>,
        pub given_name: String,
        pub family_name: String,
        pub name_original: Option<String>,
        /// Search keys (see `ankommen_core::kernel::names`), for both spellings.
        pub name_fold: String,
        pub name_skeleton: String,
        pub birth_date: Option<Date>,
        pub birth_year: i32,
        pub municipality_ags: String,
        pub au_move_in: Option<Date>,
        pub target_group: String,
        pub sex: Option<String>,
        pub nationality: Option<String>,
        /// JSON: `[{"code": "ar", "level": "native"}]`.
        pub languages: Option<String>,
        pub german_level: Option<String>,
        pub german_certificate: Option<String>,
        pub school: Option<String>,
        pub vocational: Option<String>,
        pub work_experience: Option<String>,
        pub profession: Option<String>,
        pub interests: Option<String>,
        pub residence_status: Option<String>,
        pub residence_valid_until: Option<Date>,
        pub housing: Option<String>,
        /// Comma-separated benefit keys.
        pub benefits: Option<String>,
        pub phone: Option<String>,
        pub email: Option<String>,
        pub address: Option<String>,
        pub interpreter_language: Option<String>,
        /// The day the person entered Germany.
        pub entry_date: Option<Date>,
        /// The legal basis of a residence permit, as written ("§ 25 Abs. 2 AufenthG").
        pub residence_basis: Option<String>,
        /// How the person is insured against illness (a `HealthInsurance` key).
        pub health_insurance: Option<String>,
        /// The insurer's name.
        pub health_insurer: Option<String>,
        /// Health needs, sealed (XChaCha20-Poly1305, AAD bound to this row, its version and
        /// column).
        pub health_sealed: Option<Vec<u8>>,
        /// JSON object of imported fields the model has no column for.
        pub extra: Option<String>,
        pub external_id: Option<String>,
        pub created_at: DateTimeUtc,
        pub created_by: i64,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A case: one organisation's counselling of one or more persons, assigned to one IM.
pub mod case {
    use crate::Opened;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "cases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub case_number: String,
        pub organisation_id: i64,
        pub municipality_ags: String,
        pub assigned_to: i64,
        pub household_id: Option<i64>,
        pub opened_on: Date,
        /// The day the 3-year clock starts (the move into follow-up housing or the first contact).
        pub clock_start: Date,
        /// `active` | `paused` | `closed`.
        pub status: String,
        pub extended_until: Option<Date>,
        /// The written justification of the extension, sealed (bound to the row's version).
        pub extension_reason_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub extension_reason: Option<Opened>,
        /// Why a person outside the target group is counselled (the case is flagged), sealed.
        pub eligibility_note_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub eligibility_note: Option<Opened>,
        pub closed_on: Option<Date>,
        pub closure_reason: Option<String>,
        pub closure_note_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub closure_note: Option<Opened>,
        /// JSON: what was known about the persons' outcomes on the day of closure.
        pub closure_snapshot: Option<String>,
        pub handover_note_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub handover_note: Option<Opened>,
        pub handover_from: Option<i64>,
        pub handover_at: Option<DateTimeUtc>,
        pub handover_seen: bool,
        pub external_id: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

pub mod case_person {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_persons")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
    }
    no_relations!();
}

/// A colleague a case is explicitly shared with (need-to-know, e.g. a stand-in).
pub mod case_share {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_shares")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub staff_id: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod case_assignment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_assignments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub staff_id: i64,
        pub from_date: Date,
    }
    no_relations!();
}

pub mod case_pause {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_pauses")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub from_date: Date,
        pub until_date: Option<Date>,
    }
    no_relations!();
}

pub mod case_event {
    use crate::Opened;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        /// `opened` | `paused` | `resumed` | `extended` | `closed` | `reopened` | `reassigned` |
        /// `moved` | `shared` | `unshared`.
        pub kind: String,
        pub on_date: Date,
        /// The reason given (a pause, closure, reopening, extension, move or handover), sealed
        /// (bound to the row's id: events are never changed).
        pub reason_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub reason: Option<Opened>,
        /// A value that qualifies the kind (a closure reason, an AGS).
        pub detail: Option<String>,
        pub staff_id: Option<i64>,
        pub other_staff_id: Option<i64>,
        pub at: DateTimeUtc,
    }
    no_relations!();
}

/// An uploaded file (a signed consent scan). Served only as a download.
pub mod document {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        pub kind: String,
        pub content_type: String,
        pub size: i64,
        /// SHA-256 of the plaintext content.
        pub sha256: String,
        /// The scan, sealed (bound to the row's id: documents are never changed).
        pub content_sealed: Vec<u8>,
        pub created_at: DateTimeUtc,
        pub created_by: i64,
    }
    no_relations!();
}

/// What an IM records about a document a client brought (a letter, a decision, a certificate):
/// the file is a row of [`document`]; the title and the note are sealed, bound to the row's id.
pub mod client_document {
    use crate::Opened;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "client_documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        pub case_id: Option<i64>,
        pub document_id: i64,
        /// A `DocumentKind` key.
        pub kind: String,
        pub letter_date: Date,
        pub title_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub title: Opened,
        pub note_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub note: Option<Opened>,
        /// The follow-up set with the note's due date.
        pub followup_id: Option<i64>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A general note on a case (not about a contact), sealed, bound to the row's id.
pub mod case_note {
    use crate::Opened;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_notes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub text_sealed: Option<Vec<u8>>,
        #[sea_orm(ignore)]
        pub text: Opened,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod consent {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "consents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        pub text_version: String,
        pub language: String,
        pub given_on: Date,
        /// `paper` | `screen`.
        pub form: String,
        pub document_id: Option<i64>,
        pub withdrawn_on: Option<Date>,
        pub withdrawal_note: Option<String>,
        /// The day the voluntary data this withdrawn consent covered was erased (retention run).
        pub voluntary_erased_on: Option<Date>,
        pub external_id: Option<String>,
        pub created_at: DateTimeUtc,
        pub created_by: i64,
        pub version: i32,
    }
    no_relations!();
}

/// A release from confidentiality (Schweigepflichtentbindung) for one recipient.
pub mod release {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "releases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        pub recipient_organisation_id: Option<i64>,
        pub recipient_name: String,
        pub recipient_category: Option<String>,
        /// Comma-separated data category keys.
        pub data_categories: String,
        pub purpose: String,
        pub valid_from: Date,
        pub valid_until: Option<Date>,
        pub mutual: bool,
        pub revoked_on: Option<Date>,
        pub external_id: Option<String>,
        pub created_at: DateTimeUtc,
        pub created_by: i64,
        pub version: i32,
    }
    no_relations!();
}

pub mod contact {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contacts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub contact_date: Date,
        pub minutes: Option<i32>,
        pub contact_kind: String,
        /// Comma-separated field-of-action keys.
        pub topics: String,
        pub interpreter_language: Option<String>,
        pub interpreter_type: Option<String>,
        /// The confidential note, sealed (bound to the row's version).
        pub note_sealed: Option<Vec<u8>>,
        pub external_id: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

pub mod contact_person {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "contact_persons")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub contact_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
    }
    no_relations!();
}

/// A caseload filter an IM saved under a name. Holds no personal data (no name searches).
pub mod saved_filter {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "saved_filters")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub name: String,
        pub query: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Why the data-protection officer opened a person's record (kept beside the audit log, which holds
/// no free text).
pub mod dpo_request {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dpo_requests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub person_id: i64,
        pub reason: String,
        pub at: DateTimeUtc,
    }
    no_relations!();
}

/// A dated outcome for one person (German level, employment, training, own flat, ...).
pub mod outcome {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "outcomes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        pub outcome_date: Date,
        /// `german_level` | `employment` | `training` | `internship` | `studies` |
        /// `rental_contract` | `benefits_independent` | `childcare_school` | `course_attendance`.
        pub outcome_type: String,
        pub level: Option<String>,
        pub certificate: Option<bool>,
        pub course: Option<String>,
        pub employment_type: Option<String>,
        pub until_date: Option<Date>,
        /// `kita` | `school` for childcare/school places.
        pub place: Option<String>,
        pub external_id: Option<String>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}
