//! The fields a spreadsheet's columns can be mapped to, the guess from a column's heading, and the
//! readings of the spellings people use in their lists: German dates (`1.2.1990`, `01.02.90`, a
//! year alone for a birth), nationalities by name, adjective or ISO code, German levels written
//! as `B1`, `b1.2`, `A2/B1`, and the usual words for sex, consent form and target group.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::kernel::catalog::{ConsentForm, GermanLevel, NATIONALITIES, Sex, TargetGroup};
use crate::kernel::types::{Birth, str_enum};

str_enum!(
    /// A field a column can be mapped to. Minimum data first, then the consent, then the
    /// voluntary data (only for rows with a consent).
    Field {
        GivenName = "given_name",
        FamilyName = "family_name",
        NameOriginal = "name_original",
        Birth = "birth",
        Municipality = "municipality",
        AuMoveIn = "au_move_in",
        TargetGroup = "target_group",
        ConsentDate = "consent_date",
        ConsentForm = "consent_form",
        ConsentLanguage = "consent_language",
        Sex = "sex",
        Nationality = "nationality",
        GermanLevel = "german_level",
        Profession = "profession",
        Phone = "phone",
        Email = "email",
        Address = "address",
    }
);

impl Field {
    /// The fields a mapping must name.
    pub const REQUIRED: &'static [Field] = &[Field::GivenName, Field::FamilyName, Field::Birth];

    /// Voluntary data: stored only for a row with a consent (decision 0012, `Data::Intake`).
    pub fn is_voluntary(self) -> bool {
        matches!(
            self,
            Field::Sex
                | Field::Nationality
                | Field::GermanLevel
                | Field::Profession
                | Field::Phone
                | Field::Email
                | Field::Address
        )
    }
}

/// Lower case, umlauts and ß spelled out, inner spaces single.
pub(crate) fn norm(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The field a column's heading suggests, if any (a saved mapping wins over the guess).
pub fn guess(heading: &str) -> Option<Field> {
    let h = norm(heading);
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    let f = if has(&["einwilligung", "consent", "dsgvo", "datenschutz"]) {
        if has(&["form", "art"]) {
            Field::ConsentForm
        } else if has(&["sprache", "language"]) {
            Field::ConsentLanguage
        } else {
            Field::ConsentDate
        }
    } else if has(&["vorname", "given", "first name", "firstname"]) {
        Field::GivenName
    } else if has(&["original", "schrift", "script"]) {
        Field::NameOriginal
    } else if has(&[
        "nachname",
        "familienname",
        "family",
        "last name",
        "lastname",
        "surname",
    ]) || h == "name"
    {
        Field::FamilyName
    } else if has(&["geburt", "geb.", "birth", "jahrgang"]) {
        Field::Birth
    } else if has(&["einzug", "move", "au seit", "au ab"]) {
        Field::AuMoveIn
    } else if has(&["zielgruppe", "target"]) {
        Field::TargetGroup
    } else if has(&["staatsang", "nationalit", "herkunft", "citizenship"]) {
        Field::Nationality
    } else if has(&["deutsch", "sprachniveau", "german"]) {
        Field::GermanLevel
    } else if has(&["geschlecht", "gender", "sex"]) {
        Field::Sex
    } else if has(&["telefon", "phone", "handy", "mobil"]) {
        Field::Phone
    } else if has(&["mail"]) {
        Field::Email
    } else if has(&["adresse", "anschrift", "address", "strasse"]) {
        Field::Address
    } else if has(&["beruf", "profession", "taetigkeit"]) {
        Field::Profession
    } else if has(&[
        "gemeinde",
        "wohnort",
        "municipality",
        "ags",
        "kommune",
        "ort",
    ]) {
        Field::Municipality
    } else {
        return None;
    };
    Some(f)
}

/// A date as German lists write it: `01.02.1990`, `1.2.1990`, `1.2.90` (a two-digit year is the
/// latest such year not after `today`: `90` is 1990, `05` is 2005), or ISO `1990-02-01`.
pub fn parse_date(s: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return Err("error-required");
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d);
    }
    let parts: Vec<&str> = t.trim_end_matches('.').split('.').collect();
    let [d, m, y] = parts.as_slice() else {
        return Err("error-date");
    };
    let num = |p: &str, max_len: usize| -> Result<u32, &'static str> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err("error-date");
        }
        p.parse().map_err(|_| "error-date")
    };
    let (day, month) = (num(d, 2)?, num(m, 2)?);
    let year = match y.len() {
        4 => i32::try_from(num(y, 4)?).map_err(|_| "error-date")?,
        2 => {
            let yy = i32::try_from(num(y, 2)?).map_err(|_| "error-date")?;
            let century = today.year() - today.year() % 100;
            if century + yy > today.year() {
                century - 100 + yy
            } else {
                century + yy
            }
        }
        _ => return Err("error-date"),
    };
    if !(1900..=2200).contains(&year) {
        return Err("error-date");
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or("error-date")
}

/// A birth: a date (as [`parse_date`]) or a year alone.
pub fn parse_birth(s: &str, today: NaiveDate) -> Result<Birth, &'static str> {
    let t = s.trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Birth::parse(t, today);
    }
    let d = parse_date(t, today).map_err(|k| {
        if k == "error-required" {
            k
        } else {
            "error-birth"
        }
    })?;
    Birth::parse(&d.format("%Y-%m-%d").to_string(), today)
}

/// (ISO 3166-1 alpha-3, alpha-2, the spellings: German country, German adjective stem, English
/// country and demonym), normalised by [`norm`].
const NATIONALITY_SPELLINGS: &[(&str, &str, &[&str])] = &[
    (
        "SYR",
        "SY",
        &[
            "syrien",
            "syrisch",
            "syria",
            "syrian",
            "arabische republik syrien",
        ],
    ),
    (
        "AFG",
        "AF",
        &["afghanistan", "afghanisch", "afghan", "afghani"],
    ),
    ("IRQ", "IQ", &["irak", "irakisch", "iraq", "iraqi"]),
    ("IRN", "IR", &["iran", "iranisch", "iranian", "persien"]),
    ("UKR", "UA", &["ukraine", "ukrainisch", "ukrainian"]),
    (
        "TUR",
        "TR",
        &[
            "tuerkei",
            "turkei",
            "tuerkisch",
            "turkey",
            "tuerkiye",
            "turkiye",
            "turkish",
        ],
    ),
    ("ERI", "ER", &["eritrea", "eritreisch", "eritrean"]),
    ("SOM", "SO", &["somalia", "somalisch", "somali"]),
    ("NGA", "NG", &["nigeria", "nigerianisch", "nigerian"]),
    (
        "GEO",
        "GE",
        &["georgien", "georgisch", "georgia", "georgian"],
    ),
    (
        "RUS",
        "RU",
        &[
            "russland",
            "russisch",
            "russia",
            "russian",
            "russische foederation",
            "russian federation",
        ],
    ),
    ("PAK", "PK", &["pakistan", "pakistanisch", "pakistani"]),
    (
        "ETH",
        "ET",
        &["aethiopien", "aethiopisch", "ethiopia", "ethiopian"],
    ),
    ("GIN", "GN", &["guinea", "guineisch", "guinean"]),
    (
        "MKD",
        "MK",
        &[
            "nordmazedonien",
            "mazedonien",
            "nordmazedonisch",
            "mazedonisch",
            "north macedonia",
            "macedonia",
            "macedonian",
        ],
    ),
    (
        "ALB",
        "AL",
        &["albanien", "albanisch", "albania", "albanian"],
    ),
    ("SRB", "RS", &["serbien", "serbisch", "serbia", "serbian"]),
    (
        "XKX",
        "XK",
        &["kosovo", "kosovarisch", "kosovan", "kosovar"],
    ),
    ("VEN", "VE", &["venezuela", "venezolanisch", "venezuelan"]),
    (
        "COL",
        "CO",
        &["kolumbien", "kolumbianisch", "colombia", "colombian"],
    ),
    ("XXA", "", &["staatenlos", "stateless"]),
    (
        "XXX",
        "",
        &[
            "ungeklaert",
            "unbekannt",
            "unknown",
            "ungeklaerte staatsangehoerigkeit",
        ],
    ),
];

/// A nationality as ISO 3166-1 alpha-3: the code itself, the two-letter code, or a German or
/// English name or adjective of a country in the catalog (`syrisch`, `Syrerin` is not one).
pub fn parse_nationality(s: &str) -> Result<String, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return Err("error-required");
    }
    let up = t.to_ascii_uppercase();
    if up.len() == 3 && up.bytes().all(|b| b.is_ascii_uppercase()) {
        return Ok(up);
    }
    let mut n = norm(t);
    // German adjectives with their endings: syrische, syrischer, syrisches, syrischen.
    for ending in ["ische", "ischer", "isches", "ischen"] {
        if n.ends_with(ending) {
            n.truncate(n.len() - ending.len() + 4);
            break;
        }
    }
    NATIONALITY_SPELLINGS
        .iter()
        .find(|(_, two, names)| (!two.is_empty() && up == *two) || names.contains(&n.as_str()))
        .map(|(code, _, _)| {
            debug_assert!(NATIONALITIES.contains(code));
            (*code).to_string()
        })
        .ok_or("error-nationality")
}

/// A German level: the lowest CEFR level named (`B1`, `b1.2`, `B1+`, `A2/B1` → A2, `Niveau B 1`),
/// or none (`kein`, `keine Kenntnisse`, `0`, `-`).
pub fn parse_german_level(s: &str) -> Result<GermanLevel, &'static str> {
    let n = norm(s);
    if n.is_empty() {
        return Err("error-required");
    }
    let compact: Vec<char> = n.chars().filter(|c| !c.is_whitespace()).collect();
    let mut lowest: Option<GermanLevel> = None;
    for w in compact.windows(2) {
        let level = match (w[0], w[1]) {
            ('a', '1') => GermanLevel::A1,
            ('a', '2') => GermanLevel::A2,
            ('b', '1') => GermanLevel::B1,
            ('b', '2') => GermanLevel::B2,
            ('c', '1') => GermanLevel::C1,
            ('c', '2') => GermanLevel::C2,
            _ => continue,
        };
        lowest = Some(lowest.map_or(level, |l| l.min(level)));
    }
    if let Some(l) = lowest {
        return Ok(l);
    }
    let none = [
        "kein",
        "keine",
        "keine kenntnisse",
        "keine deutschkenntnisse",
        "ohne",
        "none",
        "no",
        "0",
        "-",
    ];
    if none.contains(&n.as_str()) {
        Ok(GermanLevel::None)
    } else {
        Err("error-german-level")
    }
}

pub fn parse_sex(s: &str) -> Result<Sex, &'static str> {
    match norm(s).as_str() {
        "" => Err("error-required"),
        "w" | "weiblich" | "f" | "female" | "frau" => Ok(Sex::F),
        "m" | "maennlich" | "male" | "mann" => Ok(Sex::M),
        "d" | "divers" | "x" | "diverse" => Ok(Sex::X),
        _ => Err("error-choice"),
    }
}

pub fn parse_consent_form(s: &str) -> Result<ConsentForm, &'static str> {
    match norm(s).as_str() {
        "" => Err("error-required"),
        "papier" | "paper" | "schriftlich" | "unterschrieben" | "unterschrift" => {
            Ok(ConsentForm::Paper)
        }
        "bildschirm" | "screen" | "digital" | "tablet" | "elektronisch" => Ok(ConsentForm::Screen),
        _ => Err("error-choice"),
    }
}

/// The target group; empty: follow-up housing.
pub fn parse_target_group(s: &str) -> Result<TargetGroup, &'static str> {
    match norm(s).as_str() {
        "" | "au" | "anschlussunterbringung" | "follow_up_housing" | "follow-up housing" => {
            Ok(TargetGroup::FollowUpHousing)
        }
        "ukraine" | "ua" | "ukr" | "§ 24" | "§24" | "24" => Ok(TargetGroup::Ukraine),
        "other" | "sonstige" | "andere" => Ok(TargetGroup::Other),
        _ => Err("error-choice"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    #[test]
    fn german_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse_date("01.02.1990", today()), Ok(d(1990, 2, 1)));
        assert_eq!(parse_date("1.2.1990", today()), Ok(d(1990, 2, 1)));
        assert_eq!(parse_date("1.2.90", today()), Ok(d(1990, 2, 1)));
        assert_eq!(parse_date("3.4.05", today()), Ok(d(2005, 4, 3)));
        assert_eq!(parse_date("1990-02-01", today()), Ok(d(1990, 2, 1)));
        assert_eq!(parse_date("31.02.1990", today()), Err("error-date"));
        assert_eq!(parse_date("1.2.990", today()), Err("error-date"));
        assert_eq!(parse_date("Februar", today()), Err("error-date"));
        assert_eq!(parse_birth("1990", today()).unwrap(), Birth::Year(1990));
        assert_eq!(parse_birth("1.2.2030", today()), Err("error-birth"));
        assert_eq!(parse_birth("gestern", today()), Err("error-birth"));
    }

    #[test]
    fn nationalities() {
        for s in [
            "SYR", "syr", "SY", "Syrien", "syrisch", "Syrische", "Syrian", "Syria",
        ] {
            assert_eq!(parse_nationality(s).as_deref(), Ok("SYR"), "{s}");
        }
        assert_eq!(parse_nationality("Türkei").as_deref(), Ok("TUR"));
        assert_eq!(parse_nationality("äthiopisch").as_deref(), Ok("ETH"));
        assert_eq!(parse_nationality("staatenlos").as_deref(), Ok("XXA"));
        assert_eq!(parse_nationality("FRA").as_deref(), Ok("FRA"));
        assert_eq!(parse_nationality("Atlantis"), Err("error-nationality"));
    }

    #[test]
    fn german_levels() {
        assert_eq!(parse_german_level("B1"), Ok(GermanLevel::B1));
        assert_eq!(parse_german_level("b1.2"), Ok(GermanLevel::B1));
        assert_eq!(parse_german_level("A2/B1"), Ok(GermanLevel::A2));
        assert_eq!(parse_german_level("Niveau B 2+"), Ok(GermanLevel::B2));
        assert_eq!(parse_german_level("keine"), Ok(GermanLevel::None));
        assert_eq!(parse_german_level("gut"), Err("error-german-level"));
    }

    #[test]
    fn headings() {
        assert_eq!(guess("Vorname"), Some(Field::GivenName));
        assert_eq!(guess("Nachname"), Some(Field::FamilyName));
        assert_eq!(guess("Geburtsdatum"), Some(Field::Birth));
        assert_eq!(guess("Einwilligung am"), Some(Field::ConsentDate));
        assert_eq!(guess("Einwilligung Form"), Some(Field::ConsentForm));
        assert_eq!(guess("Staatsangehörigkeit"), Some(Field::Nationality));
        assert_eq!(guess("Deutschniveau"), Some(Field::GermanLevel));
        assert_eq!(guess("Gemeinde"), Some(Field::Municipality));
        assert_eq!(guess("Bemerkung"), None);
    }
}
