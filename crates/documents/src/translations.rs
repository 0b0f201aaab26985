//! The form texts per language: one TOML file per language in `translations/`, embedded at build time.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::Dir;

/// Language code and file content, German (the source language) first.
const FILES: [(&str, &str); 9] = [
    ("de", include_str!("../translations/de.toml")),
    ("en", include_str!("../translations/en.toml")),
    ("ar", include_str!("../translations/ar.toml")),
    ("fa", include_str!("../translations/fa.toml")),
    ("uk", include_str!("../translations/uk.toml")),
    ("tr", include_str!("../translations/tr.toml")),
    ("ti", include_str!("../translations/ti.toml")),
    ("fr", include_str!("../translations/fr.toml")),
    ("ru", include_str!("../translations/ru.toml")),
];

/// The status a translation must state to count as reviewed.
pub(crate) const REVIEWED: &str = "reviewed";

/// One translation file. Unknown keys are rejected so a typo in a file does not silently drop a text.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Translation {
    pub language_name: String,
    pub dir: Dir,
    pub review_status: String,
    #[serde(default)]
    pub reviewed_by: Option<String>,
    #[serde(default)]
    pub reviewed_on: Option<String>,
    /// Printed on a document while this translation is not reviewed, in this language (German
    /// says it for a language without one). Never English on a German/xx printout.
    #[serde(default)]
    pub unreviewed_notice: Option<String>,
    pub fields: Fields,
    pub consent: ConsentText,
    pub release: ReleaseText,
    pub categories: Categories,
    pub plan: PlanText,
    pub access: AccessText,
    /// Labels of the stored fields of a person in the Art. 15 report (keys: the column names).
    pub access_fields: std::collections::BTreeMap<String, String>,
    /// Names of the standard fields of action, by key (`language`, `housing`, ...).
    pub plan_fields: std::collections::BTreeMap<String, String>,
    pub referral_letter: LetterText,
    pub volunteer_sheet: SheetText,
    pub appointment_letter: AppointmentText,
    pub office_hours_poster: PosterText,
    /// What to bring to a service, by key ([`crate::BRING_ITEMS`]).
    pub letter_bring: std::collections::BTreeMap<String, String>,
}

/// The texts of a municipality's office-hours poster.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PosterText {
    pub title: String,
    pub subtitle: String,
    pub intro: String,
    pub when: String,
    pub place: String,
    pub languages: String,
    pub accessibility: String,
    pub note: String,
    pub organisation: String,
    pub period: String,
    pub none: String,
    pub holidays: String,
    pub german: String,
    /// Monday first.
    pub weekdays: [String; 7],
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fields {
    pub person: String,
    pub name: String,
    pub name_original: String,
    pub birth: String,
    pub birth_year: String,
    pub organisation: String,
    pub integration_manager: String,
    pub municipality: String,
    pub place_date: String,
    pub signature_client: String,
    pub signature_im: String,
    pub interpreter: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConsentText {
    pub title: String,
    pub subtitle: String,
    pub intro: String,
    pub controller_heading: String,
    pub controller: String,
    pub collected_heading: String,
    pub collected_minimum: String,
    pub collected_voluntary: String,
    pub collected_health: String,
    pub purpose_heading: String,
    pub purpose: String,
    pub recipients_heading: String,
    pub recipients: String,
    pub retention_heading: String,
    pub retention: String,
    pub withdraw_heading: String,
    pub withdraw: String,
    pub rights_heading: String,
    pub rights: String,
    pub declaration_heading: String,
    pub declaration: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReleaseText {
    pub title: String,
    pub subtitle: String,
    pub intro: String,
    pub recipient: String,
    pub data_categories: String,
    pub purpose: String,
    pub valid_from: String,
    pub valid_until: String,
    pub valid_until_revoked: String,
    pub direction: String,
    pub mutual: String,
    pub one_way: String,
    pub revoke_heading: String,
    pub revoke: String,
    pub declaration_heading: String,
    pub declaration: String,
}

/// The texts of the printed integration plan.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanText {
    pub title: String,
    pub subtitle: String,
    pub intro: String,
    pub household: String,
    pub case_number: String,
    pub version: String,
    pub version_current: String,
    pub review_on: String,
    pub next_review: String,
    pub goals_heading: String,
    pub goal: String,
    pub no_goals: String,
    pub person: String,
    pub priority: String,
    pub priority_1: String,
    pub priority_2: String,
    pub priority_3: String,
    pub target_date: String,
    pub status: String,
    pub status_reason: String,
    pub status_open: String,
    pub status_in_progress: String,
    pub status_reached: String,
    pub status_not_reached: String,
    pub status_dropped: String,
    pub no_steps: String,
    pub step: String,
    pub owner: String,
    pub owner_client: String,
    pub owner_im: String,
    pub owner_third_party: String,
    pub due_on: String,
    pub done_on: String,
    pub declaration_heading: String,
    pub declaration: String,
}

/// The texts of the Art. 15 report (what is stored about a person).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccessText {
    pub title: String,
    pub subtitle: String,
    pub intro: String,
    pub officer: String,
    pub made_on: String,
    pub data_heading: String,
    pub data_intro: String,
    pub sec_record: String,
    pub sec_households: String,
    pub sec_cases: String,
    pub sec_consents: String,
    pub sec_releases: String,
    pub sec_contacts: String,
    pub sec_goals: String,
    pub sec_reviews: String,
    pub sec_outcomes: String,
    pub sec_referrals: String,
    pub sec_followups: String,
    pub sec_documents: String,
    pub date: String,
    pub entry: String,
    pub none: String,
    pub purposes_releases: String,
    pub recipients_intro: String,
    pub recipient: String,
    pub retention_schedule: String,
    pub accesses_heading: String,
    pub accesses_intro: String,
    pub when: String,
    pub who: String,
    pub what: String,
}

/// The texts of the referral letter.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LetterText {
    pub title: String,
    pub subtitle: String,
    pub intro: String,
    pub where_heading: String,
    pub service: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub opening_hours: String,
    pub referred_on: String,
    pub topic: String,
    pub bring_heading: String,
    pub bring_more: String,
    pub questions_heading: String,
    pub questions: String,
    pub no_data: String,
    pub for_service_heading: String,
    pub for_service_intro: String,
    pub release_valid_from: String,
    pub released_data: String,
    pub summary: String,
}

/// The texts of the appointment letter.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppointmentText {
    pub title: String,
    pub subtitle: String,
    pub intro: String,
    pub when_heading: String,
    pub date: String,
    pub time: String,
    pub duration: String,
    pub minutes: String,
    /// Monday to Sunday.
    pub weekdays: Vec<String>,
    pub where_heading: String,
    pub place: String,
    pub address: String,
    pub room_note: String,
    pub accessibility: String,
    pub kind_office_hours: String,
    pub kind_office: String,
    pub kind_home_visit: String,
    pub kind_accompaniment: String,
    pub interpreter: String,
    pub cannot_come: String,
}

/// The texts of the sheet for a volunteer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SheetText {
    pub title: String,
    pub subtitle: String,
    pub intro: String,
    pub match_heading: String,
    pub volunteer: String,
    pub purpose: String,
    pub from: String,
    pub until: String,
    pub until_open: String,
    pub contact_heading: String,
    pub released_heading: String,
    pub released_intro: String,
    pub released_data: String,
    pub no_data: String,
    pub confidentiality: String,
}

/// Labels of the data categories; the field names are the keys shared with the rest of the system.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Categories {
    pub identity: String,
    pub contact: String,
    pub residence: String,
    pub language_education: String,
    pub work: String,
    pub housing: String,
    pub benefits: String,
    pub health: String,
    pub family: String,
    pub case_progress: String,
}

impl Categories {
    pub(crate) fn label(&self, key: &str) -> Option<&str> {
        let label = match key {
            "identity" => &self.identity,
            "contact" => &self.contact,
            "residence" => &self.residence,
            "language_education" => &self.language_education,
            "work" => &self.work,
            "housing" => &self.housing,
            "benefits" => &self.benefits,
            "health" => &self.health,
            "family" => &self.family,
            "case_progress" => &self.case_progress,
            _ => return None,
        };
        Some(label)
    }
}

static TRANSLATIONS: LazyLock<Result<Vec<(&'static str, Translation)>, String>> =
    LazyLock::new(|| {
        FILES
            .iter()
            .map(|(code, text)| {
                toml::from_str::<Translation>(text)
                    .map(|t| (*code, t))
                    .map_err(|e| format!("translations/{code}.toml: {e}"))
            })
            .collect()
    });

/// All translations, German first. Fails only if an embedded file is broken (a unit test guards that).
pub(crate) fn all() -> Result<&'static [(&'static str, Translation)], String> {
    TRANSLATIONS.as_deref().map_err(Clone::clone)
}

/// The translation for `code`, `Ok(None)` if there is none.
pub(crate) fn get(code: &str) -> Result<Option<&'static Translation>, String> {
    Ok(all()?.iter().find(|(c, _)| *c == code).map(|(_, t)| t))
}

/// The language codes with a translation file (no parsing needed).
pub(crate) fn codes() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(code, _)| *code)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::DATA_CATEGORIES;

    /// Optional metadata that a file may leave out.
    const OPTIONAL: [&str; 3] = ["reviewed_by", "reviewed_on", "unreviewed_notice"];

    fn key_paths(table: &toml::Table, prefix: &str, out: &mut BTreeSet<String>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(inner) => key_paths(inner, &path, out),
                _ => {
                    if !OPTIONAL.contains(&path.as_str()) {
                        out.insert(path);
                    }
                }
            }
        }
    }

    fn keys_of(text: &str) -> BTreeSet<String> {
        let table: toml::Table = toml::from_str(text).unwrap();
        let mut keys = BTreeSet::new();
        key_paths(&table, "", &mut keys);
        keys
    }

    #[test]
    fn every_translation_has_exactly_the_keys_of_german() {
        let german = keys_of(FILES[0].1);
        assert!(german.len() > 50, "de.toml looks incomplete: {german:?}");
        for (code, text) in FILES {
            let keys = keys_of(text);
            let missing: Vec<_> = german.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&german).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{code}.toml: missing {missing:?}, not in de.toml {extra:?}"
            );
        }
    }

    #[test]
    fn every_translation_parses_and_no_text_is_empty() {
        let all = all().unwrap();
        assert_eq!(all.len(), FILES.len());
        assert_eq!(all[0].0, "de");
        for (code, text) in FILES {
            let table: toml::Table = toml::from_str(text).unwrap();
            let mut stack = vec![table];
            while let Some(table) = stack.pop() {
                for (key, value) in table {
                    match value {
                        toml::Value::Table(inner) => stack.push(inner),
                        toml::Value::String(s) => {
                            assert!(!s.trim().is_empty(), "{code}.toml: {key} is empty")
                        }
                        // Lists of texts (the weekdays): each a text, none empty.
                        toml::Value::Array(items) => {
                            for item in items {
                                let s = item.as_str().unwrap_or("");
                                assert!(
                                    !s.trim().is_empty(),
                                    "{code}.toml: {key} has an empty text"
                                );
                            }
                        }
                        other => panic!("{code}.toml: {key} is not a string: {other:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn every_data_category_has_a_label_in_every_language() {
        for (code, t) in all().unwrap() {
            for key in DATA_CATEGORIES {
                assert!(t.categories.label(key).is_some(), "{code}: {key}");
            }
            assert!(t.categories.label("nonsense").is_none());
        }
    }

    #[test]
    fn every_item_to_bring_has_a_label_in_every_language() {
        for (code, t) in all().unwrap() {
            let keys: Vec<&str> = t.letter_bring.keys().map(String::as_str).collect();
            let mut expected = crate::BRING_ITEMS.to_vec();
            expected.sort_unstable();
            assert_eq!(keys, expected, "{code}");
        }
    }

    #[test]
    fn review_status_is_honest() {
        for (code, t) in all().unwrap() {
            if *code == "de" {
                // The source text is written by us; it is approved, not translated.
                assert!(
                    t.review_status == REVIEWED || t.review_status.contains("freizugeben"),
                    "German: {}",
                    t.review_status
                );
            } else if t.review_status != REVIEWED {
                assert!(
                    t.review_status.contains("review"),
                    "{code}: a draft must say it needs review: {}",
                    t.review_status
                );
            }
        }
    }

    #[test]
    fn right_to_left_exactly_for_arabic_script() {
        for (code, t) in all().unwrap() {
            let expected = if matches!(*code, "ar" | "fa") {
                Dir::Rtl
            } else {
                Dir::Ltr
            };
            assert_eq!(t.dir, expected, "{code}");
        }
    }
}
