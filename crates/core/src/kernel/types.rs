//! Domain types. Input is parsed into these at the edge; a value of one of these types is valid.
//! Parse errors are message keys of the UI's translation files.

use std::collections::BTreeSet;
use std::fmt;

/// The official municipality key (Amtlicher Gemeindeschlüssel): 8 digits, the first two the Land (01–16).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ags(String);

impl Ags {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return Err("error-required");
        }
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("error-ags-format");
        }
        let land: u8 = s[..2].parse().map_err(|_| "error-ags-format")?;
        if !(1..=16).contains(&land) {
            return Err("error-ags-land");
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): in a
/// name they can make it display as another ("Ali" shown for what is stored reversed), so names and
/// identifiers refuse them. Free text may need them and keeps them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A name of a thing or a person as shown: trimmed, 1–200 characters, no control characters and no
/// bidirectional controls ([`is_bidi_control`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub const MAX: usize = 200;
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let t = s.trim();
        if t.is_empty() {
            return Err("error-required");
        }
        if t.chars().count() > Self::MAX {
            return Err("error-too-long");
        }
        if t.chars().any(char::is_control) {
            return Err("error-control-chars");
        }
        if t.chars().any(is_bidi_control) {
            return Err("error-bidi-chars");
        }
        // Collapse inner runs of white space so that "AWO  Kreisverband" and "AWO Kreisverband" are one name.
        Ok(Self(t.split_whitespace().collect::<Vec<_>>().join(" ")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A login name: 3–64 characters of a–z, 0–9, '.', '-', '_'; stored in lower case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let t = s.trim().to_lowercase();
        if t.is_empty() {
            return Err("error-required");
        }
        if t.len() < 3 || t.len() > 64 {
            return Err("error-username-length");
        }
        if !t
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        {
            return Err("error-username-chars");
        }
        Ok(Self(t))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 12–1024 characters. (Long passphrases beat composition rules; NIST SP 800-63B.)
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    pub const MIN: usize = 12;
    pub fn parse(s: &str, confirm: &str) -> Result<Self, &'static str> {
        if s.is_empty() {
            return Err("error-required");
        }
        if s.chars().count() < Self::MIN {
            return Err("error-password-short");
        }
        if s.len() > 1024 {
            return Err("error-too-long");
        }
        if s != confirm {
            return Err("error-password-mismatch");
        }
        Ok(Self(s.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, checked only for its shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse_optional(s: &str) -> Result<Option<Self>, &'static str> {
        let t = s.trim();
        if t.is_empty() {
            return Ok(None);
        }
        let ok = t.len() <= 254
            && !t.chars().any(|c| c.is_whitespace() || c.is_control())
            && t.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
            });
        if ok {
            Ok(Some(Self(t.to_string())))
        } else {
            Err("error-email")
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A full-time equivalent in (0, 1], entered with a comma or a point ("0,75").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fte(f64);

impl Fte {
    pub fn parse_optional(s: &str) -> Result<Option<Self>, &'static str> {
        let t = s.trim();
        if t.is_empty() {
            return Ok(None);
        }
        let v: f64 = t.replace(',', ".").parse().map_err(|_| "error-fte")?;
        if v.is_finite() && v > 0.0 && v <= 1.0 {
            Ok(Some(Self((v * 1000.0).round() / 1000.0)))
        } else {
            Err("error-fte")
        }
    }
    pub fn value(self) -> f64 {
        self.0
    }
}

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            pub fn parse(s: &str) -> Result<Self, &'static str> {
                match s.trim() {
                    $($s => Ok($name::$variant),)+
                    "" => Err("error-required"),
                    _ => Err("error-choice"),
                }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

pub(crate) use str_enum;

str_enum!(
    /// The roles of `domain.md`; the strings are the exchange format's.
    Role {
        Im = "im",
        TeamLead = "team_lead",
        Coordinator = "coordinator",
        MunicipalOfficer = "municipal_officer",
        Admin = "admin",
        Dpo = "dpo",
    }
);

str_enum!(
    /// The kinds of organisation; the strings are the exchange format's.
    OrgKind {
        CountyOffice = "county_office",
        Municipality = "municipality",
        Provider = "provider",
    }
);

str_enum!(
    /// The UI languages.
    Locale {
        De = "de",
        En = "en",
    }
);

// The macro cannot mark a variant `#[default]`; German is the default interface language.
#[allow(clippy::derivable_impls)]
impl Default for Locale {
    fn default() -> Self {
        Locale::De
    }
}

/// The set of roles a person holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleSet(BTreeSet<Role>);

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        Self(roles.into_iter().collect())
    }
    pub fn has(&self, r: Role) -> bool {
        self.0.contains(&r)
    }
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Comma-separated, as stored in the audit log.
    pub fn joined(&self) -> String {
        self.0
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
    /// Parses stored role strings, ignoring ones this version does not know.
    pub fn from_stored<'a>(it: impl IntoIterator<Item = &'a str>) -> Self {
        Self(it.into_iter().filter_map(|s| Role::parse(s).ok()).collect())
    }
}

/// Which roles an organisation of a kind may hold. Coordinators work at the county office;
/// municipal integration officers at a municipality.
pub fn role_allowed_in(role: Role, kind: OrgKind) -> bool {
    match role {
        Role::Coordinator => kind == OrgKind::CountyOffice,
        Role::MunicipalOfficer => kind == OrgKind::Municipality,
        Role::Im | Role::TeamLead | Role::Admin | Role::Dpo => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ags_accepts_official_keys() {
        assert_eq!(
            Ags::parse("08 118 048").map(|a| a.to_string()),
            Ok("08118048".to_string())
        );
        assert_eq!(
            Ags::parse("16051000").map(|a| a.to_string()),
            Ok("16051000".to_string())
        );
    }

    #[test]
    fn ags_rejects_bad_keys() {
        assert_eq!(Ags::parse(""), Err("error-required"));
        assert_eq!(Ags::parse("0811804"), Err("error-ags-format"));
        assert_eq!(Ags::parse("0811804x"), Err("error-ags-format"));
        assert_eq!(Ags::parse("17000000"), Err("error-ags-land"));
        assert_eq!(Ags::parse("00118048"), Err("error-ags-land"));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            Name::parse("  AWO   Kreisverband ").map(Name::into_string),
            Ok("AWO Kreisverband".into())
        );
        assert_eq!(Name::parse("   "), Err("error-required"));
        assert_eq!(Name::parse(&"x".repeat(201)), Err("error-too-long"));
        assert_eq!(Name::parse("a\u{7}b"), Err("error-control-chars"));
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2069}',
        ] {
            assert_eq!(
                Name::parse(&format!("Ali{c}ilA")),
                Err("error-bidi-chars"),
                "{c:?}"
            );
        }
        // Right-to-left script itself, and the marks that are letters' neighbours, are names.
        assert!(Name::parse("محمد").is_ok());
        assert!(Name::parse("\u{200F}محمد").is_ok());
        assert!(Name::parse("محمد الأحمد").is_ok());
    }

    #[test]
    fn usernames_are_lowercase_ascii() {
        assert_eq!(
            Username::parse(" A.Schmidt ").map(|u| u.as_str().to_string()),
            Ok("a.schmidt".into())
        );
        assert_eq!(Username::parse("ab"), Err("error-username-length"));
        assert_eq!(Username::parse("jürgen"), Err("error-username-chars"));
        assert_eq!(Username::parse("a b c"), Err("error-username-chars"));
    }

    #[test]
    fn passwords_need_length_and_confirmation() {
        assert_eq!(
            NewPassword::parse("short", "short"),
            Err("error-password-short")
        );
        assert_eq!(
            NewPassword::parse("long enough pass", "long enough pasS"),
            Err("error-password-mismatch")
        );
        assert!(NewPassword::parse("long enough pass", "long enough pass").is_ok());
        assert_eq!(
            format!(
                "{:?}",
                NewPassword::parse("long enough pass", "long enough pass")
            ),
            "Ok(NewPassword(***))"
        );
    }

    #[test]
    fn fte_accepts_german_decimal_comma() {
        assert_eq!(
            Fte::parse_optional("0,75").map(|f| f.map(Fte::value)),
            Ok(Some(0.75))
        );
        assert_eq!(Fte::parse_optional(""), Ok(None));
        assert_eq!(Fte::parse_optional("1,5"), Err("error-fte"));
        assert_eq!(Fte::parse_optional("0"), Err("error-fte"));
        assert_eq!(Fte::parse_optional("NaN"), Err("error-fte"));
    }

    #[test]
    fn email_shape() {
        assert!(matches!(
            Email::parse_optional("a.b@landkreis.de"),
            Ok(Some(_))
        ));
        assert_eq!(Email::parse_optional(""), Ok(None));
        assert_eq!(Email::parse_optional("no-at-sign"), Err("error-email"));
        assert_eq!(Email::parse_optional("a@b"), Err("error-email"));
    }

    #[test]
    fn roles_round_trip_and_fit_organisations() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(*r));
        }
        assert_eq!(Role::parse("superuser"), Err("error-choice"));
        assert!(!role_allowed_in(Role::Coordinator, OrgKind::Provider));
        assert!(role_allowed_in(Role::Coordinator, OrgKind::CountyOffice));
        assert!(!role_allowed_in(
            Role::MunicipalOfficer,
            OrgKind::CountyOffice
        ));
        assert!(role_allowed_in(Role::Im, OrgKind::Provider));
    }
}

/// A calendar date as typed: `YYYY-MM-DD` (the HTML date input) or `DD.MM.YYYY` (German).
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return Err("error-required");
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .map_err(|_| "error-date")
        .and_then(|d| {
            if (1900..=2200).contains(&chrono::Datelike::year(&d)) {
                Ok(d)
            } else {
                Err("error-date")
            }
        })
}

/// A time of day typed as `HH:MM`, normalised (`9:05` → `09:05`).
pub fn parse_time(s: &str) -> Result<String, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return Err("error-required");
    }
    chrono::NaiveTime::parse_from_str(t, "%H:%M")
        .map(|x| x.format("%H:%M").to_string())
        .map_err(|_| "error-time")
}

/// An optional date: empty means none.
pub fn parse_date_opt(s: &str) -> Result<Option<chrono::NaiveDate>, &'static str> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(s).map(Some)
    }
}

/// Free text written by staff: trimmed, at most `max` characters, control characters other than line
/// breaks and tabs refused. Empty means none.
pub fn parse_text(s: &str, max: usize) -> Result<Option<String>, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err("error-too-long");
    }
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("error-control-chars");
    }
    Ok(Some(t.replace("\r\n", "\n")))
}

/// Required free text.
pub fn parse_text_req(s: &str, max: usize) -> Result<String, &'static str> {
    parse_text(s, max)?.ok_or("error-required")
}

/// A date of birth that may be known only by its year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Birth {
    Year(i32),
    Date(chrono::NaiveDate),
}

impl Birth {
    /// `1990`, `1990-03-12` or `12.03.1990`; not in the future relative to `today`.
    pub fn parse(s: &str, today: chrono::NaiveDate) -> Result<Self, &'static str> {
        use chrono::Datelike;
        let t = s.trim();
        if t.is_empty() {
            return Err("error-required");
        }
        let b = if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
            Birth::Year(t.parse().map_err(|_| "error-birth")?)
        } else {
            Birth::Date(parse_date(t).map_err(|_| "error-birth")?)
        };
        let year = b.year();
        if year < 1900 || year > today.year() {
            return Err("error-birth");
        }
        if let Birth::Date(d) = b
            && d > today
        {
            return Err("error-birth");
        }
        Ok(b)
    }
    pub fn year(self) -> i32 {
        use chrono::Datelike;
        match self {
            Birth::Year(y) => y,
            Birth::Date(d) => d.year(),
        }
    }
    pub fn date(self) -> Option<chrono::NaiveDate> {
        match self {
            Birth::Date(d) => Some(d),
            Birth::Year(_) => None,
        }
    }
    pub fn from_stored(date: Option<chrono::NaiveDate>, year: i32) -> Self {
        date.map_or(Birth::Year(year), Birth::Date)
    }
    /// Age at `on`, with the mid-year convention of `figures.md` when only the year is known.
    pub fn age_on(self, on: chrono::NaiveDate) -> i32 {
        use chrono::Datelike;
        match self {
            Birth::Year(y) => {
                if on.month() < 7 {
                    on.year() - y - 1
                } else {
                    on.year() - y
                }
            }
            Birth::Date(d) => {
                let mut age = on.year() - d.year();
                // Born on 29 February: the birthday counts as 1 March in other years.
                let (m, day) = (d.month(), d.day());
                if (on.month(), on.day()) < (m, day) {
                    age -= 1;
                }
                age
            }
        }
    }
    /// As shown in German documents: `1990` or `12.03.1990`.
    pub fn display(self) -> String {
        match self {
            Birth::Year(y) => y.to_string(),
            Birth::Date(d) => d.format("%d.%m.%Y").to_string(),
        }
    }
}

#[cfg(test)]
mod birth_tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn birth_parses_year_or_date_and_refuses_the_future() {
        let today = d(2026, 11, 21);
        assert_eq!(Birth::parse("1990", today), Ok(Birth::Year(1990)));
        assert_eq!(
            Birth::parse("12.03.1990", today),
            Ok(Birth::Date(d(1990, 3, 12)))
        );
        assert_eq!(
            Birth::parse("1990-03-12", today),
            Ok(Birth::Date(d(1990, 3, 12)))
        );
        assert_eq!(Birth::parse("2027", today), Err("error-birth"));
        assert_eq!(Birth::parse("22.11.2026", today), Err("error-birth"));
        assert_eq!(Birth::parse("31.02.1990", today), Err("error-birth"));
        assert_eq!(Birth::parse("", today), Err("error-required"));
    }

    #[test]
    fn age_follows_the_figures_conventions() {
        // Full date: 18 from the 18th birthday on.
        let b = Birth::Date(d(2008, 11, 21));
        assert_eq!(b.age_on(d(2026, 11, 20)), 17);
        assert_eq!(b.age_on(d(2026, 11, 21)), 18);
        // 29 February counts as 1 March in other years.
        let leap = Birth::Date(d(2008, 2, 29));
        assert_eq!(leap.age_on(d(2026, 2, 28)), 17);
        assert_eq!(leap.age_on(d(2026, 3, 1)), 18);
        // Year only: mid-year convention.
        let y = Birth::Year(2008);
        assert_eq!(y.age_on(d(2026, 6, 30)), 17);
        assert_eq!(y.age_on(d(2026, 7, 1)), 18);
    }

    #[test]
    fn dates_accept_both_notations() {
        assert_eq!(parse_date("2026-11-21"), Ok(d(2026, 11, 21)));
        assert_eq!(parse_date("21.11.2026"), Ok(d(2026, 11, 21)));
        assert_eq!(parse_date("21/11/2026"), Err("error-date"));
        assert_eq!(parse_date_opt(" "), Ok(None));
        assert_eq!(parse_text("  a\u{7}b ", 10), Err("error-control-chars"));
        assert_eq!(
            parse_text("line\r\nnext", 20),
            Ok(Some("line\nnext".into()))
        );
    }
}
