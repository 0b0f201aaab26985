//! Translations (Fluent). German is the source language; English the second UI language. The files
//! are in `crates/web/locales/<lang>/main.ftl` and are compiled into the binary.

use std::borrow::Cow;
use std::collections::HashMap;

use ankommen_core::kernel::types::Locale;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Berlin;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "de",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static DE: LanguageIdentifier = langid!("de");
static EN: LanguageIdentifier = langid!("en");

/// The translator for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.locale {
            Locale::De => &DE,
            Locale::En => &EN,
        }
    }

    /// The label of a value of one of the core's value lists (`catalog.ftl`: `<list>-<value>`).
    pub fn label(&self, list: &str, value: impl std::fmt::Display) -> String {
        self.t(&format!("{list}-{value}"))
    }

    /// The text for `key`, if there is one.
    pub fn try_t(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    /// The text for `key`; the key itself when it is missing (tests keep the files complete).
    pub fn t(&self, key: &str) -> String {
        self.try_t(key).unwrap_or_else(|| key.to_string())
    }

    /// The text for `key` with one variable.
    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed(name), FluentValue::from(value.to_string()));
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// The text for `key` with several variables.
    pub fn targs(&self, key: &str, vars: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = vars
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// The text for `key` with a number (plural forms).
    pub fn tn(&self, key: &str, name: &'static str, n: impl std::borrow::Borrow<i64>) -> String {
        let n = *n.borrow();
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed(name), FluentValue::from(n));
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    /// A point in time, in the offices' time zone, as the locale writes it.
    pub fn datetime(&self, t: impl std::borrow::Borrow<DateTime<Utc>>) -> String {
        let local = t.borrow().with_timezone(&Berlin);
        match self.locale {
            Locale::De => local.format("%d.%m.%Y, %H:%M").to_string(),
            Locale::En => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    pub fn role(&self, r: impl std::borrow::Borrow<ankommen_core::kernel::types::Role>) -> String {
        let r = *r.borrow();
        self.t(&format!("role-{}", r.as_str().replace('_', "-")))
    }

    pub fn org_kind(&self, k: &str) -> String {
        self.t(&format!("org-kind-{}", k.replace('_', "-")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// All translation files of a language, concatenated (fluent-templates loads every `.ftl` of the
    /// language's folder into one bundle).
    fn ftl(lang: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "ftl"));
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn keys(text: &str) -> BTreeSet<String> {
        text.lines()
            .filter_map(|l| l.split_once(" ="))
            .map(|(k, _)| k.trim().to_string())
            .filter(|k| {
                !k.is_empty() && !k.starts_with('#') && !k.starts_with(' ') && !k.starts_with('.')
            })
            .collect()
    }

    #[test]
    fn every_catalog_value_has_a_label_in_both_languages() {
        use ankommen_core::kernel::catalog::*;
        let mut wanted: Vec<String> = Vec::new();
        macro_rules! list {
            ($prefix:literal, $t:ty) => {
                wanted.extend(
                    <$t>::ALL
                        .iter()
                        .map(|v| format!("{}-{}", $prefix, v.as_str())),
                );
            };
        }
        list!("target-group", TargetGroup);
        list!("relation", HouseholdRelation);
        list!("sex", Sex);
        list!("german-level", GermanLevel);
        list!("language-level", LanguageLevel);
        list!("case-status", CaseStatus);
        list!("closure-reason", ClosureReason);
        list!("consent-form", ConsentForm);
        list!("document-kind", DocumentKind);
        list!("data-category", DataCategory);
        list!("released-field", ReleasedField);
        list!("residence-status", ResidenceStatus);
        list!("housing", Housing);
        list!("benefit", Benefit);
        list!("health-insurance", HealthInsurance);
        list!("intake-list", IntakeList);
        list!("recipient-category", RecipientCategory);
        list!("referral-result", ReferralResult);
        list!("exchange-field", ExchangeField);
        list!("goal-status", GoalStatus);
        list!("step-owner", StepOwner);
        list!("contact-kind", ContactKind);
        list!("interpreter-type", InterpreterType);
        list!("outcome-type", OutcomeType);
        list!("course-type", CourseType);
        list!("employment-type", EmploymentType);
        list!("childcare-place", ChildcarePlace);
        list!("place-kind", PlaceKind);
        list!("appointment-status", AppointmentStatus);
        list!("appointment-reason", ChangeReason);
        wanted.extend(LANGUAGES.iter().map(|l| format!("lang-{l}")));
        wanted.extend(
            ankommen_core::kernel::audit::ACTIONS
                .iter()
                .map(|a| format!("audit-action-{a}")),
        );
        wanted.extend(
            ankommen_core::kernel::audit::OBJECT_KINDS
                .iter()
                .map(|k| format!("audit-kind-{k}")),
        );
        wanted.extend(
            ankommen_core::kernel::audit::SECTIONS
                .iter()
                .map(|s| format!("audit-section-{s}")),
        );
        wanted.extend(NATIONALITIES.iter().map(|c| format!("country-{c}")));
        use ankommen_core::casework::exchange::{Kind, Reason};
        for k in Kind::ALL {
            wanted.push(format!("import-kind-{}", k.as_str()));
            wanted.push(format!("import-kind-one-{}", k.as_str()));
        }
        wanted.extend(
            Reason::CODES
                .iter()
                .map(|c| format!("import-reason-{}", c.replace('_', "-"))),
        );
        for lang in ["de", "en"] {
            let have = keys(&ftl(lang));
            let missing: Vec<_> = wanted.iter().filter(|k| !have.contains(*k)).collect();
            assert!(missing.is_empty(), "{lang}: no label for {missing:?}");
        }
    }

    #[test]
    fn no_key_is_defined_twice() {
        for (lang, text) in [("de", ftl("de")), ("en", ftl("en"))] {
            let mut seen = BTreeSet::new();
            for l in text
                .lines()
                .filter(|l| !l.starts_with(' ') && !l.starts_with('#'))
            {
                if let Some((k, _)) = l.split_once(" =") {
                    assert!(
                        seen.insert(k.trim().to_string()),
                        "{lang}: {k} defined twice"
                    );
                }
            }
        }
    }

    #[test]
    fn german_and_english_have_the_same_keys() {
        let de = keys(&ftl("de"));
        let en = keys(&ftl("en"));
        let only_de: Vec<_> = de.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&de).collect();
        assert!(
            only_de.is_empty() && only_en.is_empty(),
            "only in de: {only_de:?}; only in en: {only_en:?}"
        );
        assert!(
            de.len() > 100,
            "the files look truncated: {} keys",
            de.len()
        );
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let de = keys(&ftl("de"));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = BTreeSet::new();
        let mut files = Vec::new();
        for dir in [
            "templates",
            "templates/admin",
            "templates/clients",
            "templates/cases",
            "templates/consent",
            "templates/contacts",
            "templates/documents",
            "templates/outcomes",
            "templates/privacy",
            "src",
            "src/routes",
            "../core/src",
        ] {
            if let Ok(rd) = std::fs::read_dir(root.join(dir)) {
                files.extend(rd.flatten().map(|e| e.path()).filter(|p| p.is_file()));
            }
        }
        for f in files.into_iter().filter(|f| !f.ends_with("i18n.rs")) {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            let is_rust = f.extension().is_some_and(|e| e == "rs");
            // .t("key"), .t1("key", .tn("key", and in Rust the message keys "error-...".
            for pat in [".t(\"", ".t1(\"", ".tn(\"", "\"error-"] {
                if pat == "\"error-" && !is_rust {
                    continue;
                }
                for part in text.split(pat).skip(1) {
                    let key: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    let key = if pat == "\"error-" {
                        format!("error-{key}")
                    } else {
                        key
                    };
                    if !key.is_empty() && !key.ends_with('-') && !de.contains(&key) {
                        missing.insert(format!("{key} ({})", f.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing in the de translation files: {missing:#?}"
        );
    }

    #[test]
    fn lookups_translate_and_fall_back_to_the_key() {
        assert_eq!(Tr::new(Locale::De).t("login-submit"), "Anmelden");
        assert_eq!(Tr::new(Locale::En).t("login-submit"), "Log in");
        assert_eq!(Tr::new(Locale::De).t("no-such-key"), "no-such-key");
    }

    #[test]
    fn times_are_shown_in_german_local_time() {
        let t = DateTime::parse_from_rfc3339("2026-07-01T10:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap();
        assert_eq!(Tr::new(Locale::De).datetime(t), "01.07.2026, 12:00");
        let w = DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap();
        assert_eq!(Tr::new(Locale::En).datetime(w), "2026-01-15 11:00");
    }
}
