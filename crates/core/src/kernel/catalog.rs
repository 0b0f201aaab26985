//! The fixed value lists of the client side. The strings are the exchange format's values (or, where
//! the format has free text, our own stable keys); the UI translates them as `<list>-<value>`.

use std::fmt;

use crate::kernel::types::str_enum;

str_enum!(
    /// Who the service is for (exchange `target_group`).
    TargetGroup {
        FollowUpHousing = "follow_up_housing",
        Ukraine = "ukraine",
        Other = "other",
    }
);

str_enum!(
    /// A person's relation to the head of their household (exchange `relation`).
    HouseholdRelation {
        Head = "head",
        Partner = "partner",
        Child = "child",
        Parent = "parent",
        Sibling = "sibling",
        Other = "other",
    }
);

str_enum!(
    Sex {
        F = "f",
        M = "m",
        X = "x",
    }
);

str_enum!(
    /// German level (CEFR), or none.
    GermanLevel {
        None = "none",
        A1 = "A1",
        A2 = "A2",
        B1 = "B1",
        B2 = "B2",
        C1 = "C1",
        C2 = "C2",
    }
);

str_enum!(
    /// The level in a language a person speaks.
    LanguageLevel {
        Native = "native",
        A1 = "A1",
        A2 = "A2",
        B1 = "B1",
        B2 = "B2",
        C1 = "C1",
        C2 = "C2",
    }
);

str_enum!(
    CaseStatus {
        Active = "active",
        Paused = "paused",
        Closed = "closed",
    }
);

str_enum!(
    /// Why a case was closed (`domain.md`, "A client's path", step 9).
    ClosureReason {
        GoalsReached = "goals_reached",
        EndedByClient = "ended_by_client",
        SelfProtection = "self_protection",
        MovedAway = "moved_away",
        MaxDuration = "max_duration",
        NotTargetGroup = "not_target_group",
        NoCooperation = "no_cooperation",
    }
);

str_enum!(
    /// The kinds of documents a client brings (issue 26): labels in `documents.ftl`.
    DocumentKind {
        Decision = "decision",
        AuthorityLetter = "authority_letter",
        Certificate = "certificate",
        Application = "application",
        Other = "other",
    }
);

str_enum!(
    /// How a consent was given.
    ConsentForm {
        Paper = "paper",
        Screen = "screen",
    }
);

str_enum!(
    /// The categories of data a release from confidentiality covers. Shared with the printed forms.
    DataCategory {
        Identity = "identity",
        Contact = "contact",
        Residence = "residence",
        LanguageEducation = "language_education",
        Work = "work",
        Housing = "housing",
        Benefits = "benefits",
        Health = "health",
        Family = "family",
        CaseProgress = "case_progress",
    }
);

str_enum!(
    /// The fields a release from confidentiality discloses; which belong to which data category
    /// is decided in one table, `records::releases::fields_of`.
    ReleasedField {
        Name = "name",
        Birth = "birth",
        Nationality = "nationality",
        Address = "address",
        Phone = "phone",
        Email = "email",
        ResidenceStatus = "residence_status",
        ResidenceValidUntil = "residence_valid_until",
        Languages = "languages",
        GermanLevel = "german_level",
        GermanCertificate = "german_certificate",
        School = "school",
        Vocational = "vocational",
        Profession = "profession",
        WorkExperience = "work_experience",
        Interests = "interests",
        Housing = "housing",
        Benefits = "benefits",
        Relation = "relation",
        CaseNumber = "case_number",
        CaseOpenedOn = "case_opened_on",
        ClockStart = "clock_start",
        CaseClosedOn = "case_closed_on",
    }
);

str_enum!(
    /// Residence status (Aufenthaltsstatus).
    ResidenceStatus {
        PermissionToStay = "permission_to_stay",
        Toleration = "toleration",
        ResidencePermit = "residence_permit",
        TemporaryProtection = "temporary_protection",
        SettlementPermit = "settlement_permit",
        // Fiktionsbescheinigung (§ 81 Abs. 5 AufenthG): the permit applied for, not yet decided.
        ProvisionalCertificate = "provisional_certificate",
        Naturalised = "naturalised",
        Other = "other",
    }
);

str_enum!(
    /// How a person is insured against illness (issue 26).
    HealthInsurance {
        // Gesetzliche Krankenversicherung (GKV).
        Statutory = "statutory",
        // Through the social welfare office under the AsylbLG (Krankenschein or eGK).
        SocialWelfareOffice = "social_welfare_office",
        Private = "private",
        None = "none",
        Unknown = "unknown",
    }
);

str_enum!(
    /// The intake's value lists an administrator extends (`administration::intake_catalog`).
    IntakeList {
        ResidenceStatus = "residence_status",
        Benefit = "benefit",
        HealthInsurance = "health_insurance",
    }
);

str_enum!(
    Housing {
        FollowUpHousing = "follow_up_housing",
        OwnFlat = "own_flat",
        SharedFlat = "shared_flat",
        Other = "other",
    }
);

str_enum!(
    /// Benefits a person receives (several possible).
    Benefit {
        Sgb2 = "sgb2",
        AsylbLg = "asylblg",
        Sgb12 = "sgb12",
        Education = "education",
        // Kindergeld.
        ChildBenefit = "child_benefit",
        // Wohngeld.
        HousingBenefit = "housing_benefit",
        None = "none",
    }
);

str_enum!(
    /// Kinds of recipients of a release (the regular services of `domain.md`), and the
    /// categories of the directory of services (issue 23). Extendable: add a value here and its
    /// labels (`recipient-category-*`) in both languages.
    RecipientCategory {
        Jobcenter = "jobcenter",
        EmploymentAgency = "employment_agency",
        MigrationCounselling = "migration_counselling",
        YouthMigrationService = "youth_migration_service",
        LanguageCourse = "language_course",
        AdultEducation = "adult_education",
        ForeignersAuthority = "foreigners_authority",
        SocialWelfare = "social_welfare",
        YouthWelfare = "youth_welfare",
        SchoolKita = "school_kita",
        DebtCounselling = "debt_counselling",
        PsychologicalCounselling = "psychological_counselling",
        Health = "health",
        Midwife = "midwife",
        Association = "association",
        Volunteers = "volunteers",
        IntegrationManagement = "integration_management",
        Other = "other",
    }
);

str_enum!(
    /// Where an appointment takes place (issue 24): labels `place-kind-*`.
    PlaceKind {
        OfficeHours = "office_hours",
        Office = "office",
        HomeVisit = "home_visit",
        Accompaniment = "accompaniment",
    }
);

impl PlaceKind {
    /// The kind of counselling contact a held appointment becomes.
    pub fn contact_kind(self) -> ContactKind {
        match self {
            PlaceKind::OfficeHours => ContactKind::OfficeHours,
            PlaceKind::Office => ContactKind::OfficeAppointment,
            PlaceKind::HomeVisit => ContactKind::HomeVisit,
            PlaceKind::Accompaniment => ContactKind::Accompaniment,
        }
    }
}

str_enum!(
    /// An appointment's state (issue 24): labels `appointment-status-*`.
    AppointmentStatus {
        Planned = "planned",
        Held = "held",
        Missed = "missed",
        Cancelled = "cancelled",
    }
);

str_enum!(
    /// Who asked to move or cancel an appointment: labels `appointment-reason-*`.
    ChangeReason {
        Client = "client",
        Staff = "staff",
        Other = "other",
    }
);

str_enum!(
    /// What a referral letter asks the client to bring (the documents crate's `BRING_ITEMS`).
    BringItem {
        Passport = "passport",
        ResidencePermit = "residence_permit",
        Decisions = "decisions",
        Certificates = "certificates",
        HealthCard = "health_card",
        Tenancy = "tenancy",
        Bank = "bank",
        ThisLetter = "this_letter",
    }
);

str_enum!(
    /// What a volunteer offers (issue 23): labels `volunteer-offer-*` in both languages.
    VolunteerOffer {
        Accompaniment = "accompaniment",
        Homework = "homework",
        GermanPractice = "german_practice",
        FlatSearch = "flat_search",
        Leisure = "leisure",
        Other = "other",
    }
);

str_enum!(
    /// What came of a referral (exchange `referral.result`).
    ReferralResult {
        Pending = "pending",
        TakenUp = "taken_up",
        NotTakenUp = "not_taken_up",
        Completed = "completed",
    }
);

str_enum!(
    /// The exchange format's fields of action (`goal.field`, `contact.topics`). The catalog the UI
    /// offers is the administrator's (`fields_of_action`); each entry maps onto one of these.
    ExchangeField {
        Language = "language",
        SchoolChildcare = "school_childcare",
        TrainingStudies = "training_studies",
        Work = "work",
        Housing = "housing",
        Health = "health",
        Finances = "finances",
        Residence = "residence",
        Family = "family",
        Participation = "participation",
        DailyLife = "daily_life",
    }
);

str_enum!(
    /// The status of a goal. Reached, not reached and dropped close it.
    GoalStatus {
        Open = "open",
        InProgress = "in_progress",
        Reached = "reached",
        NotReached = "not_reached",
        Dropped = "dropped",
    }
);

impl GoalStatus {
    /// Whether the status closes the goal (and needs a closing date).
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            GoalStatus::Reached | GoalStatus::NotReached | GoalStatus::Dropped
        )
    }
}

str_enum!(
    /// Who does a step.
    StepOwner {
        Client = "client",
        Im = "im",
        ThirdParty = "third_party",
    }
);

str_enum!(
    /// The kind of a counselling contact (exchange `contact_kind`).
    ContactKind {
        HomeVisit = "home_visit",
        OfficeHours = "office_hours",
        OfficeAppointment = "office_appointment",
        Phone = "phone",
        VideoMessenger = "video_messenger",
        Accompaniment = "accompaniment",
        Group = "group",
    }
);

str_enum!(
    /// Who interpreted in a contact.
    InterpreterType {
        Professional = "professional",
        Volunteer = "volunteer",
        Family = "family",
    }
);

str_enum!(
    /// The kinds of dated outcomes (exchange `outcome.type`, plus `course` for course attendance).
    OutcomeType {
        GermanLevel = "german_level",
        Course = "course",
        Employment = "employment",
        Training = "training",
        Internship = "internship",
        Studies = "studies",
        RentalContract = "rental_contract",
        BenefitsIndependent = "benefits_independent",
        ChildcareSchool = "childcare_school",
    }
);

str_enum!(
    /// The kind of language course.
    CourseType {
        Integration = "integration",
        Literacy = "literacy",
        JobLanguage = "job_language",
        Other = "other",
    }
);

str_enum!(
    /// Where a language-course registration stands (issue 23, decision 0032).
    CourseStatus {
        Registered = "registered",
        Waiting = "waiting",
        Started = "started",
        Finished = "finished",
        Dropped = "dropped",
    }
);

str_enum!(
    /// The kind of employment.
    EmploymentType {
        SocialInsurance = "social_insurance",
        MiniJob = "mini_job",
        SelfEmployed = "self_employed",
    }
);

str_enum!(
    /// A child's place in childcare or school.
    ChildcarePlace {
        Kita = "kita",
        School = "school",
    }
);

/// Languages offered in the intake's language list and for consents (ISO 639-1, or -3 where there
/// is no two-letter code). The UI translates them as `lang-<code>`.
pub const LANGUAGES: &[&str] = &[
    "ar", "fa", "prs", "ps", "ku", "tr", "uk", "ru", "ti", "am", "so", "ur", "sq", "sr", "ro",
    "en", "fr", "es", "it", "de",
];

/// Nationalities offered first (ISO 3166-1 alpha-3; XXA stateless, XXX unknown).
pub const NATIONALITIES: &[&str] = &[
    "SYR", "AFG", "IRQ", "IRN", "UKR", "TUR", "ERI", "SOM", "NGA", "GEO", "RUS", "PAK", "ETH",
    "GIN", "MKD", "ALB", "SRB", "XKX", "VEN", "COL", "XXA", "XXX",
];

pub fn is_language(code: &str) -> bool {
    LANGUAGES.contains(&code)
}

/// An ISO 3166-1 alpha-3 code (three upper-case letters); the list above is a suggestion only.
pub fn parse_nationality(s: &str) -> Result<Option<String>, &'static str> {
    let t = s.trim().to_ascii_uppercase();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(Some(t))
    } else {
        Err("error-nationality")
    }
}

impl fmt::Debug for LanguageEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.code, self.level)
    }
}

/// One language a person speaks, with the level.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LanguageEntry {
    pub code: String,
    pub level: String,
}

impl LanguageEntry {
    /// The languages as stored with a person (`persons.languages`, JSON); none when empty or
    /// unreadable.
    pub fn stored(json: Option<&str>) -> Vec<Self> {
        json.and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    /// The language codes of a person most useful for a printout first: the interpreter
    /// language, then the native languages, then the others. Intake data: callers check that the
    /// consent covers it.
    pub fn for_print(interpreter: Option<&str>, stored: Option<&str>) -> Vec<String> {
        let spoken = Self::stored(stored);
        let native = LanguageLevel::Native.as_str();
        let (native, other): (Vec<_>, Vec<_>) = spoken.iter().partition(|l| l.level == native);
        let mut out: Vec<String> = Vec::new();
        for code in interpreter
            .into_iter()
            .chain(native.into_iter().chain(other).map(|l| l.code.as_str()))
        {
            if !out.iter().any(|c| c == code) {
                out.push(code.to_owned());
            }
        }
        out
    }
}
