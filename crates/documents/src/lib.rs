//! Printable documents: the consent form and the release from confidentiality as PDF, German and the
//! client's language side by side, rendered in-process with typst (embedded fonts, no network).
//!
//! Texts live in `translations/<code>.toml` (see this crate's README for translators). Form data is
//! handed to the typst template only as JSON data through `sys.inputs`, never as markup.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod fonts;
mod render;
pub mod sheets;
mod translations;
mod world;

/// Version of the consent (and release) text. Bump it whenever the meaning of a text changes, so a
/// recorded consent can name the text the client signed.
pub const CONSENT_TEXT_VERSION: &str = "2026-1";

/// The data category keys a release can name (shared with the rest of the system), in print order.
pub const DATA_CATEGORIES: [&str; 10] = [
    "identity",
    "contact",
    "residence",
    "language_education",
    "work",
    "housing",
    "benefits",
    "health",
    "family",
    "case_progress",
];

/// What a referral letter can ask the client to bring, in print order (the keys of `letter_bring`
/// in the translations).
pub const BRING_ITEMS: [&str; 8] = [
    "passport",
    "residence_permit",
    "decisions",
    "certificates",
    "health_card",
    "tenancy",
    "bank",
    "this_letter",
];

/// Writing direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    Ltr,
    Rtl,
}

/// A language the forms are available in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormLanguage {
    /// ISO 639-1 code, e.g. `"ar"`.
    pub code: &'static str,
    /// The language's name in itself, e.g. `"العربية"`.
    pub native_name: String,
    pub dir: Dir,
    /// `"reviewed"`, or a note such as `"draft — … needs review by a certified translator"`.
    pub review_status: String,
    pub reviewed_by: Option<String>,
    pub reviewed_on: Option<String>,
}

impl FormLanguage {
    /// Whether a qualified person has reviewed this translation.
    pub fn is_reviewed(&self) -> bool {
        self.review_status == translations::REVIEWED
    }
}

/// All languages the forms are available in, German first.
pub fn languages() -> Vec<FormLanguage> {
    let Ok(all) = translations::all() else {
        // Only possible with a broken embedded file, which the unit tests rule out.
        return Vec::new();
    };
    all.iter()
        .map(|(code, t)| FormLanguage {
            code,
            native_name: t.language_name.clone(),
            dir: t.dir,
            review_status: t.review_status.clone(),
            reviewed_by: t.reviewed_by.clone(),
            reviewed_on: t.reviewed_on.clone(),
        })
        .collect()
}

/// Whether the forms exist in the language `code` (e.g. `"fa"`).
pub fn is_supported(code: &str) -> bool {
    translations::codes().any(|c| c == code)
}

/// The form language for a language a person speaks (ISO 639-1/-3), if the forms exist in it:
/// the language itself, or for Dari (`prs`) the Persian forms, which are written in the same
/// script and standard.
pub fn form_language_for(code: &str) -> Option<&'static str> {
    let code = match code {
        "prs" => "fa",
        other => other,
    };
    translations::codes().find(|c| *c == code)
}

/// The label of a data category (one of [`DATA_CATEGORIES`]) in the language `lang`.
pub fn data_category_label(lang: &str, key: &str) -> Option<String> {
    let t = translations::get(lang).ok().flatten()?;
    t.categories.label(key).map(str::to_owned)
}

/// The person a form is about.
#[derive(Clone, PartialEq, Eq)]
pub struct Party {
    /// The name in Latin letters, as in German documents.
    pub name: String,
    /// The name in the person's own script, if it differs (e.g. `"أحمد كريمي"`).
    pub name_original: Option<String>,
    /// The date of birth, already formatted (`"1990"` or `"12.03.1990"`).
    pub birth: String,
}

/// The data printed on a consent form.
#[derive(Clone, PartialEq, Eq)]
pub struct ConsentForm {
    pub client: Party,
    pub organisation: String,
    pub im_name: String,
    pub municipality: String,
    /// Must be [`CONSENT_TEXT_VERSION`]: only the current text can be printed.
    pub text_version: String,
    pub date: NaiveDate,
}

/// The data printed on a release from confidentiality (*Schweigepflichtentbindung*).
#[derive(Clone, PartialEq, Eq)]
pub struct ReleaseForm {
    pub client: Party,
    pub organisation: String,
    pub im_name: String,
    pub recipient: String,
    /// Keys from [`DATA_CATEGORIES`]; at least one.
    pub data_categories: Vec<String>,
    pub purpose: String,
    pub valid_from: NaiveDate,
    /// `None`: valid until revoked.
    pub valid_until: Option<NaiveDate>,
    /// `true`: both sides may inform each other; `false`: only the integration management informs.
    pub mutual: bool,
    pub date: NaiveDate,
}

// Personal data stays out of debug output (and so out of logs).
impl fmt::Debug for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Party").finish_non_exhaustive()
    }
}

impl fmt::Debug for ConsentForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsentForm")
            .field("text_version", &self.text_version)
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ReleaseForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReleaseForm")
            .field("data_categories", &self.data_categories)
            .field("valid_from", &self.valid_from)
            .field("valid_until", &self.valid_until)
            .field("mutual", &self.mutual)
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

/// One step of a printed goal.
#[derive(Clone, PartialEq, Eq)]
pub struct PlanStep {
    pub text: String,
    /// `client` | `im` | `third_party`.
    pub owner: String,
    /// The named third party or service.
    pub third_party: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

/// One goal of a printed plan.
#[derive(Clone, PartialEq, Eq)]
pub struct PlanGoal {
    /// The key of the field of action (`language`, `housing`, ... or one the administrator added).
    pub field: String,
    /// The German name of the field (printed for fields without a translation).
    pub field_label_de: String,
    /// The household member the goal is for, if not the whole household.
    pub person: Option<String>,
    /// In the client's words.
    pub text: String,
    /// 1 high – 3 low.
    pub priority: Option<i32>,
    pub target_date: Option<NaiveDate>,
    /// `open` | `in_progress` | `reached` | `not_reached` | `dropped`.
    pub status: String,
    pub status_reason: Option<String>,
    pub steps: Vec<PlanStep>,
}

/// The data printed on an integration plan.
#[derive(Clone, PartialEq, Eq)]
pub struct PlanForm {
    /// The client who signs (the case's first person).
    pub client: Party,
    /// The other household members of the case.
    pub members: Vec<String>,
    pub organisation: String,
    pub im_name: String,
    pub municipality: String,
    pub case_number: String,
    /// The frozen version printed; None: the current plan.
    pub version: Option<i32>,
    pub frozen_on: Option<NaiveDate>,
    /// The date of the review (of this version, or the latest).
    pub review_on: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    pub goals: Vec<PlanGoal>,
    pub date: NaiveDate,
}

impl fmt::Debug for PlanForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlanForm")
            .field("version", &self.version)
            .field("goals", &self.goals.len())
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

/// The service a referral letter sends the client to, as the directory has it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LetterService {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub opening_hours: Option<String>,
}

/// The part of a referral letter for the service: only what a release covers on the day of
/// printing. The core decides what goes here; the letter prints exactly this.
#[derive(Clone, PartialEq, Eq)]
pub struct LetterReleased {
    /// The person, when the release covers their identity.
    pub client: Option<Party>,
    /// Keys from [`DATA_CATEGORIES`]: what the release covers and the referral passed on.
    pub data_categories: Vec<String>,
    pub release_valid_from: NaiveDate,
    /// The IM's short summary for the service.
    pub summary: Option<String>,
}

/// The data printed on a referral letter: where to go, what to bring, whom to ask, and — only
/// under a release — a part for the service.
#[derive(Clone, PartialEq, Eq)]
pub struct ReferralLetter {
    pub organisation: String,
    pub im_name: String,
    pub im_email: Option<String>,
    pub municipality: String,
    pub service: LetterService,
    pub referred_on: NaiveDate,
    /// The field of action: its key and German name (printed for a field without a translation).
    pub field: Option<(String, String)>,
    /// Keys from [`BRING_ITEMS`].
    pub bring: Vec<String>,
    /// Anything else to bring, as typed (German).
    pub bring_other: Option<String>,
    pub released: Option<LetterReleased>,
    pub date: NaiveDate,
}

impl fmt::Debug for ReferralLetter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReferralLetter")
            .field("bring", &self.bring)
            .field("released", &self.released.is_some())
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

/// What a volunteer's sheet shows of the client: only what a release for the volunteer covers.
#[derive(Clone, PartialEq, Eq)]
pub struct SheetReleased {
    /// The person, when the release covers their identity.
    pub client: Option<Party>,
    /// Further released data: (key, value), keys of [`ACCESS_FIELDS`] (`phone`, `address`,
    /// `languages`, ...), values as they are to be printed.
    pub record: Vec<(String, String)>,
    /// Keys from [`DATA_CATEGORIES`]: what the release covers.
    pub data_categories: Vec<String>,
}

/// The one-page sheet for a volunteer matched with a client: the match, whom to ask, and only the
/// released data.
#[derive(Clone, PartialEq, Eq)]
pub struct VolunteerSheet {
    pub organisation: String,
    pub im_name: String,
    pub im_email: Option<String>,
    pub municipality: String,
    pub volunteer: String,
    pub purpose: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub released: Option<SheetReleased>,
    pub date: NaiveDate,
}

impl fmt::Debug for VolunteerSheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VolunteerSheet")
            .field("from", &self.from)
            .field("until", &self.until)
            .field("released", &self.released.is_some())
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

/// One dated line of the Art. 15 report (a contact, a consent, a recipient ...).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AccessLine {
    /// Already formatted (`12.03.2025`), or empty.
    pub date: String,
    pub text: String,
}

/// A section of the Art. 15 report: one kind of stored data.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AccessSection {
    /// One of [`ACCESS_SECTIONS`] (its heading is translated).
    pub key: &'static str,
    pub lines: Vec<AccessLine>,
}

/// One access to the record: when, who, what.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AccessEvent {
    pub when: String,
    pub who: String,
    pub what: String,
}

/// The sections of the Art. 15 report, in print order.
pub const ACCESS_SECTIONS: [&str; 11] = [
    "households",
    "cases",
    "consents",
    "releases",
    "contacts",
    "goals",
    "reviews",
    "outcomes",
    "referrals",
    "followups",
    "documents",
];

/// The keys of the stored fields of a person the report labels (`access_fields` of the
/// translations); others are printed with their key.
pub const ACCESS_FIELDS: [&str; 26] = [
    "given_name",
    "family_name",
    "name_original",
    "birth",
    "sex",
    "nationality",
    "languages",
    "german_level",
    "german_certificate",
    "school",
    "vocational",
    "work_experience",
    "profession",
    "interests",
    "residence_status",
    "residence_valid_until",
    "housing",
    "benefits",
    "phone",
    "email",
    "address",
    "interpreter_language",
    "health",
    "au_move_in",
    "target_group",
    "municipality",
];

/// The data printed in the Art. 15 report of one person.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessReport {
    pub client: Party,
    /// The organisations holding the person's record.
    pub organisations: String,
    /// The data-protection officer who made the report.
    pub officer: String,
    /// The person's stored fields: (key, value), keys of [`ACCESS_FIELDS`].
    pub record: Vec<(String, String)>,
    pub sections: Vec<AccessSection>,
    /// The purposes of the person's releases.
    pub purposes: Vec<String>,
    /// Who received or may receive data: the releases and referrals.
    pub recipients: Vec<AccessLine>,
    pub accesses: Vec<AccessEvent>,
    pub date: NaiveDate,
}

impl fmt::Debug for AccessReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessReport")
            .field("sections", &self.sections.len())
            .field("accesses", &self.accesses.len())
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("no form translation for this language")]
    UnsupportedLanguage,
    /// The form data cannot be printed (unknown data category, wrong text version, …). The message
    /// names the problem, never the personal data.
    #[error("invalid form data: {0}")]
    Invalid(String),
    /// typst failed; the message comes from the template, not from form data.
    #[error("rendering the PDF failed: {0}")]
    Render(String),
}

/// The consent form as PDF: German and `lang` side by side (`lang == "de"`: German only).
pub fn consent_pdf(lang: &str, form: &ConsentForm) -> Result<Vec<u8>, DocumentError> {
    render::consent(lang, form)
}

/// The release from confidentiality as PDF: German and `lang` side by side (`"de"`: German only).
pub fn release_pdf(lang: &str, form: &ReleaseForm) -> Result<Vec<u8>, DocumentError> {
    render::release(lang, form)
}

/// The integration plan as PDF: goals, steps, review dates and signature lines, German and `lang`
/// side by side (`"de"`: German only).
pub fn plan_pdf(lang: &str, form: &PlanForm) -> Result<Vec<u8>, DocumentError> {
    render::plan(lang, form)
}

/// The referral letter as PDF: where to go, what to bring, whom to ask and — only under a release —
/// a part for the service, German and `lang` side by side (`"de"`: German only).
pub fn referral_letter_pdf(lang: &str, letter: &ReferralLetter) -> Result<Vec<u8>, DocumentError> {
    render::letter(lang, letter)
}

/// The data printed on an appointment letter: when, where, the interpreter, what to bring and whom
/// to ask. It names no client (the core decides; the letter prints exactly this).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentLetter {
    pub organisation: String,
    pub im_name: String,
    pub im_email: Option<String>,
    pub municipality: String,
    pub on: NaiveDate,
    /// HH:MM
    pub starts_at: String,
    pub minutes: i32,
    /// One of [`PLACE_KINDS`].
    pub place_kind: String,
    /// The address as one line (room, service); none for a home visit.
    pub address: Option<String>,
    /// Where exactly (a room number), as typed (German).
    pub place_note: Option<String>,
    /// The room's accessibility notes, as typed (German).
    pub accessibility: Option<String>,
    /// The interpreter's language: its code and German name.
    pub interpreter: Option<(String, String)>,
    /// Keys from [`BRING_ITEMS`].
    pub bring: Vec<String>,
    pub bring_other: Option<String>,
    pub date: NaiveDate,
}

/// Where an appointment can take place (the core's `PlaceKind`).
pub const PLACE_KINDS: [&str; 4] = ["office_hours", "office", "home_visit", "accompaniment"];

/// The appointment letter as PDF, German and `lang` side by side (`"de"`: German only).
pub fn appointment_letter_pdf(
    lang: &str,
    letter: &AppointmentLetter,
) -> Result<Vec<u8>, DocumentError> {
    render::appointment(lang, letter)
}

/// The sheet for a volunteer as PDF: the match, whom to ask and only the data released for the
/// volunteer, German and `lang` side by side (`"de"`: German only).
pub fn volunteer_sheet_pdf(lang: &str, sheet: &VolunteerSheet) -> Result<Vec<u8>, DocumentError> {
    render::sheet(lang, sheet)
}

/// The Art. 15 report as PDF: everything stored about a person, the purposes, recipients,
/// retention and who accessed the record, German and `lang` side by side (`"de"`: German only).
pub fn access_pdf(lang: &str, report: &AccessReport) -> Result<Vec<u8>, DocumentError> {
    render::access(lang, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_lists_german_first_and_all_required_languages() {
        let langs = languages();
        assert_eq!(langs[0].code, "de");
        // The German source text awaits approval by the data-protection officer: not marked reviewed.
        assert!(!langs[0].is_reviewed());
        let codes: Vec<_> = langs.iter().map(|l| l.code).collect();
        for code in ["de", "en", "ar", "fa", "uk", "tr", "ti", "fr", "ru"] {
            assert!(codes.contains(&code), "{code}");
            assert!(is_supported(code));
        }
        assert!(!is_supported("xx"));
        assert!(!is_supported(""));
        let ar = langs.iter().find(|l| l.code == "ar").unwrap();
        assert_eq!(ar.dir, Dir::Rtl);
        assert_eq!(ar.native_name, "العربية");
        assert!(!ar.is_reviewed());
    }

    #[test]
    fn a_spoken_language_maps_to_its_form_language() {
        assert_eq!(form_language_for("ar"), Some("ar"));
        assert_eq!(form_language_for("ti"), Some("ti"));
        // Dari reads the Persian forms.
        assert_eq!(form_language_for("prs"), Some("fa"));
        // No forms in Pashto or Kurdish (yet): no form language.
        assert_eq!(form_language_for("ps"), None);
        assert_eq!(form_language_for("ku"), None);
        assert_eq!(form_language_for(""), None);
    }

    #[test]
    fn data_category_labels() {
        assert_eq!(
            data_category_label("de", "health").as_deref(),
            Some("Gesundheit (besonders geschützte Daten)")
        );
        assert!(data_category_label("ar", "housing").is_some());
        assert!(data_category_label("ar", "nope").is_none());
        assert!(data_category_label("xx", "housing").is_none());
    }

    #[test]
    fn debug_output_hides_personal_data() {
        let party = Party {
            name: "Canary Name".into(),
            name_original: Some("Canary Original".into()),
            birth: "1990".into(),
        };
        let form = ReleaseForm {
            client: party,
            organisation: "Org".into(),
            im_name: "Canary IM".into(),
            recipient: "Canary Recipient".into(),
            data_categories: vec!["health".into()],
            purpose: "Canary Purpose".into(),
            valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_until: None,
            mutual: true,
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        };
        let debug = format!("{form:?} {:?}", form.client);
        assert!(!debug.contains("Canary"), "{debug}");
    }
}
