//! Why a line of an exchange file is refused (or, for a warning, noted): a typed reason with a
//! stable code and its arguments — field names, ids, line numbers, never a value of the object —
//! rendered in English here (the CLI, JSON) and in the user's language by the upload page (one
//! Fluent message per code, `import-reason-<code>`).

use std::fmt;

use serde::Serialize;
use serde::ser::SerializeMap;

use super::Kind;

/// Why a line of a file is refused, or (unknown fields) what is noted about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    // The file and its lines.
    /// A line longer than `max` bytes, refused unread.
    LineTooLong {
        max: usize,
    },
    NotUtf8,
    /// The JSON parser stopped at this column.
    BrokenJson {
        column: usize,
    },
    NotAJsonObject,
    /// The file holds no line at all, hence no header.
    NoHeader,
    HeaderNotFirst,
    HeaderFormat,
    HeaderVersionMissing,
    HeaderVersionUnsupported,
    SecondHeader,
    UnknownKind,
    /// The kind and id appeared before, on `first_line`.
    DuplicateId {
        first_line: usize,
    },

    // The fields of an object.
    MissingField {
        field: String,
    },
    Empty {
        field: String,
    },
    NotAText {
        field: String,
    },
    NotABool {
        field: String,
    },
    NotAList {
        field: String,
    },
    NotAnObject {
        field: String,
    },
    EntryNotAText {
        field: String,
    },
    EntryNotAnObject {
        field: String,
    },
    InvalidDate {
        field: String,
    },
    OutsideList {
        field: String,
    },
    OutOfRange {
        field: String,
        min: i64,
        max: i64,
    },
    NotAnAgs {
        field: String,
    },
    NotACountryCode {
        field: String,
    },
    NotALanguageCode {
        field: String,
    },
    NotOldestFirst {
        field: String,
    },
    /// A date earlier than the one it must follow.
    Before {
        field: String,
        other: String,
    },

    // Fields required by the value of another.
    /// An organisation of type municipality names no municipality.
    MunicipalityRequired,
    /// A person with neither `birth_date` nor `birth_year`.
    BirthRequired,
    /// A closed case without `closed_on`.
    CaseClosedOnRequired,
    /// A reached, not reached or dropped goal without `closed_on`.
    GoalClosedOnRequired,

    // References to other objects (`target` is the other object's id).
    Dangling {
        field: String,
        kind: Kind,
        target: String,
    },
    /// The other object comes later in the file, on `line`.
    WrongOrder {
        field: String,
        kind: Kind,
        target: String,
        line: usize,
    },
    /// The other object, on `line`, has problems of its own.
    RefersToFaulty {
        field: String,
        kind: Kind,
        target: String,
        line: usize,
    },

    // Rules decided against the database while writing.
    OrganisationNameTaken,
    RoleNotAllowed,
    AdminRoleCombined,
    OwnAccount,
    NoMunicipality,

    // Warnings.
    /// A field the model has no column for, kept as extra data.
    UnknownFieldKept {
        field: String,
    },
}

/// One argument of a reason, for a translation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A field name or an id of the file, shown as it is.
    Text(String),
    Number(i64),
    /// A kind of object, shown by its name in the user's language.
    Kind(Kind),
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Text(s) => f.write_str(s),
            Arg::Number(n) => write!(f, "{n}"),
            Arg::Kind(k) => f.write_str(k.as_str()),
        }
    }
}

impl Serialize for Arg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Text(t) => s.serialize_str(t),
            Arg::Number(n) => s.serialize_i64(*n),
            Arg::Kind(k) => s.serialize_str(k.as_str()),
        }
    }
}

fn num(n: usize) -> Arg {
    Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
}

fn text(s: &str) -> Arg {
    Arg::Text(s.to_string())
}

impl Reason {
    /// Every code, in the order of the variants (the translations must have a message for each).
    pub const CODES: [&'static str; 41] = [
        "line_too_long",
        "not_utf8",
        "broken_json",
        "not_a_json_object",
        "no_header",
        "header_not_first",
        "header_format",
        "header_version_missing",
        "header_version_unsupported",
        "second_header",
        "unknown_kind",
        "duplicate_id",
        "missing_field",
        "empty",
        "not_a_text",
        "not_a_bool",
        "not_a_list",
        "not_an_object",
        "entry_not_a_text",
        "entry_not_an_object",
        "invalid_date",
        "outside_list",
        "out_of_range",
        "not_an_ags",
        "not_a_country_code",
        "not_a_language_code",
        "not_oldest_first",
        "before",
        "municipality_required",
        "birth_required",
        "case_closed_on_required",
        "goal_closed_on_required",
        "dangling",
        "wrong_order",
        "refers_to_faulty",
        "organisation_name_taken",
        "role_not_allowed",
        "admin_role_combined",
        "own_account",
        "no_municipality",
        "unknown_field_kept",
    ];

    /// The stable code (snake case), for scripts and the translations.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::LineTooLong { .. } => "line_too_long",
            Reason::NotUtf8 => "not_utf8",
            Reason::BrokenJson { .. } => "broken_json",
            Reason::NotAJsonObject => "not_a_json_object",
            Reason::NoHeader => "no_header",
            Reason::HeaderNotFirst => "header_not_first",
            Reason::HeaderFormat => "header_format",
            Reason::HeaderVersionMissing => "header_version_missing",
            Reason::HeaderVersionUnsupported => "header_version_unsupported",
            Reason::SecondHeader => "second_header",
            Reason::UnknownKind => "unknown_kind",
            Reason::DuplicateId { .. } => "duplicate_id",
            Reason::MissingField { .. } => "missing_field",
            Reason::Empty { .. } => "empty",
            Reason::NotAText { .. } => "not_a_text",
            Reason::NotABool { .. } => "not_a_bool",
            Reason::NotAList { .. } => "not_a_list",
            Reason::NotAnObject { .. } => "not_an_object",
            Reason::EntryNotAText { .. } => "entry_not_a_text",
            Reason::EntryNotAnObject { .. } => "entry_not_an_object",
            Reason::InvalidDate { .. } => "invalid_date",
            Reason::OutsideList { .. } => "outside_list",
            Reason::OutOfRange { .. } => "out_of_range",
            Reason::NotAnAgs { .. } => "not_an_ags",
            Reason::NotACountryCode { .. } => "not_a_country_code",
            Reason::NotALanguageCode { .. } => "not_a_language_code",
            Reason::NotOldestFirst { .. } => "not_oldest_first",
            Reason::Before { .. } => "before",
            Reason::MunicipalityRequired => "municipality_required",
            Reason::BirthRequired => "birth_required",
            Reason::CaseClosedOnRequired => "case_closed_on_required",
            Reason::GoalClosedOnRequired => "goal_closed_on_required",
            Reason::Dangling { .. } => "dangling",
            Reason::WrongOrder { .. } => "wrong_order",
            Reason::RefersToFaulty { .. } => "refers_to_faulty",
            Reason::OrganisationNameTaken => "organisation_name_taken",
            Reason::RoleNotAllowed => "role_not_allowed",
            Reason::AdminRoleCombined => "admin_role_combined",
            Reason::OwnAccount => "own_account",
            Reason::NoMunicipality => "no_municipality",
            Reason::UnknownFieldKept { .. } => "unknown_field_kept",
        }
    }

    /// The arguments by name (the variables of the translations).
    pub fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Reason::LineTooLong { max } => vec![("max", num(*max))],
            Reason::BrokenJson { column } => vec![("column", num(*column))],
            Reason::DuplicateId { first_line } => vec![("first_line", num(*first_line))],
            Reason::MissingField { field }
            | Reason::Empty { field }
            | Reason::NotAText { field }
            | Reason::NotABool { field }
            | Reason::NotAList { field }
            | Reason::NotAnObject { field }
            | Reason::EntryNotAText { field }
            | Reason::EntryNotAnObject { field }
            | Reason::InvalidDate { field }
            | Reason::OutsideList { field }
            | Reason::NotAnAgs { field }
            | Reason::NotACountryCode { field }
            | Reason::NotALanguageCode { field }
            | Reason::NotOldestFirst { field }
            | Reason::UnknownFieldKept { field } => vec![("field", text(field))],
            Reason::OutOfRange { field, min, max } => vec![
                ("field", text(field)),
                ("min", Arg::Number(*min)),
                ("max", Arg::Number(*max)),
            ],
            Reason::Before { field, other } => {
                vec![("field", text(field)), ("other", text(other))]
            }
            Reason::Dangling {
                field,
                kind,
                target,
            } => vec![
                ("field", text(field)),
                ("kind", Arg::Kind(*kind)),
                ("target", text(target)),
            ],
            Reason::WrongOrder {
                field,
                kind,
                target,
                line,
            }
            | Reason::RefersToFaulty {
                field,
                kind,
                target,
                line,
            } => vec![
                ("field", text(field)),
                ("kind", Arg::Kind(*kind)),
                ("target", text(target)),
                ("line", num(*line)),
            ],
            Reason::NotUtf8
            | Reason::NotAJsonObject
            | Reason::NoHeader
            | Reason::HeaderNotFirst
            | Reason::HeaderFormat
            | Reason::HeaderVersionMissing
            | Reason::HeaderVersionUnsupported
            | Reason::SecondHeader
            | Reason::UnknownKind
            | Reason::MunicipalityRequired
            | Reason::BirthRequired
            | Reason::CaseClosedOnRequired
            | Reason::GoalClosedOnRequired
            | Reason::OrganisationNameTaken
            | Reason::RoleNotAllowed
            | Reason::AdminRoleCombined
            | Reason::OwnAccount
            | Reason::NoMunicipality => Vec::new(),
        }
    }

    /// One reason of every code, with sample arguments (for the translations' tests).
    pub fn samples() -> Vec<Reason> {
        let field = || "birth_date".to_string();
        let target = || "P12".to_string();
        vec![
            Reason::LineTooLong { max: 1_048_576 },
            Reason::NotUtf8,
            Reason::BrokenJson { column: 17 },
            Reason::NotAJsonObject,
            Reason::NoHeader,
            Reason::HeaderNotFirst,
            Reason::HeaderFormat,
            Reason::HeaderVersionMissing,
            Reason::HeaderVersionUnsupported,
            Reason::SecondHeader,
            Reason::UnknownKind,
            Reason::DuplicateId { first_line: 12 },
            Reason::MissingField { field: field() },
            Reason::Empty { field: field() },
            Reason::NotAText { field: field() },
            Reason::NotABool { field: field() },
            Reason::NotAList { field: field() },
            Reason::NotAnObject { field: field() },
            Reason::EntryNotAText { field: field() },
            Reason::EntryNotAnObject { field: field() },
            Reason::InvalidDate { field: field() },
            Reason::OutsideList { field: field() },
            Reason::OutOfRange {
                field: field(),
                min: 3,
                max: 1440,
            },
            Reason::NotAnAgs { field: field() },
            Reason::NotACountryCode { field: field() },
            Reason::NotALanguageCode { field: field() },
            Reason::NotOldestFirst { field: field() },
            Reason::Before {
                field: field(),
                other: "opened_on".into(),
            },
            Reason::MunicipalityRequired,
            Reason::BirthRequired,
            Reason::CaseClosedOnRequired,
            Reason::GoalClosedOnRequired,
            Reason::Dangling {
                field: field(),
                kind: Kind::Person,
                target: target(),
            },
            Reason::WrongOrder {
                field: field(),
                kind: Kind::Person,
                target: target(),
                line: 78,
            },
            Reason::RefersToFaulty {
                field: field(),
                kind: Kind::Person,
                target: target(),
                line: 78,
            },
            Reason::OrganisationNameTaken,
            Reason::RoleNotAllowed,
            Reason::AdminRoleCombined,
            Reason::OwnAccount,
            Reason::NoMunicipality,
            Reason::UnknownFieldKept { field: field() },
        ]
    }
}

/// The English sentence (the CLI's report, the JSON's `reason`).
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::LineTooLong { max } => write!(f, "line longer than {max} bytes"),
            Reason::NotUtf8 => f.write_str("not valid UTF-8"),
            Reason::BrokenJson { column } => write!(f, "broken JSON (column {column})"),
            Reason::NotAJsonObject => f.write_str("not a JSON object"),
            Reason::NoHeader => f.write_str("empty file: the header line (kind meta) is missing"),
            Reason::HeaderNotFirst => f.write_str("the first line must be the header (kind meta)"),
            Reason::HeaderFormat => f.write_str("header: format must be ankommen-exchange"),
            Reason::HeaderVersionMissing => f.write_str("header: missing field version"),
            Reason::HeaderVersionUnsupported => {
                f.write_str("header: unsupported version (only version 1 is read)")
            }
            Reason::SecondHeader => f.write_str("a second header (meta) line"),
            Reason::UnknownKind => f.write_str("unknown kind"),
            Reason::DuplicateId { first_line } => {
                write!(f, "duplicate id (first on line {first_line})")
            }
            Reason::MissingField { field } => write!(f, "missing field {field}"),
            Reason::Empty { field } => write!(f, "{field} is empty"),
            Reason::NotAText { field } => write!(f, "{field} is not a text"),
            Reason::NotABool { field } => write!(f, "{field} is not true or false"),
            Reason::NotAList { field } => write!(f, "{field} is not a list"),
            Reason::NotAnObject { field } => write!(f, "{field} is not an object"),
            Reason::EntryNotAText { field } => write!(f, "{field}: an entry is not a text"),
            Reason::EntryNotAnObject { field } => write!(f, "{field}: an entry is not an object"),
            Reason::InvalidDate { field } => write!(f, "{field} is not a valid date YYYY-MM-DD"),
            Reason::OutsideList { field } => write!(f, "{field}: value outside its list"),
            Reason::OutOfRange { field, min, max } => {
                write!(f, "{field} is not a number from {min} to {max}")
            }
            Reason::NotAnAgs { field } => write!(f, "{field} is not an AGS of 8 digits"),
            Reason::NotACountryCode { field } => {
                write!(f, "{field} is not an ISO 3166-1 alpha-3 code")
            }
            Reason::NotALanguageCode { field } => {
                write!(f, "{field}: a code is not an ISO 639 code")
            }
            Reason::NotOldestFirst { field } => write!(f, "{field} are not oldest first"),
            Reason::Before { field, other } => write!(f, "{field} is before {other}"),
            Reason::MunicipalityRequired => {
                f.write_str("missing field municipality (required for type municipality)")
            }
            Reason::BirthRequired => {
                f.write_str("missing field birth_date or birth_year (one is required)")
            }
            Reason::CaseClosedOnRequired => {
                f.write_str("missing field closed_on (required when the status is closed)")
            }
            Reason::GoalClosedOnRequired => f.write_str(
                "missing field closed_on (required when the status is reached, not reached or dropped)",
            ),
            Reason::Dangling {
                field,
                kind,
                target,
            } => write!(
                f,
                "{field} refers to {} {target}, which does not exist",
                kind.as_str()
            ),
            Reason::WrongOrder {
                field,
                kind,
                target,
                line,
            } => write!(
                f,
                "{field} refers to {} {target}, which appears later (line {line}): wrong order",
                kind.as_str()
            ),
            Reason::RefersToFaulty {
                field,
                kind,
                target,
                line,
            } => write!(
                f,
                "{field} refers to {} {target} (line {line}), which has problems",
                kind.as_str()
            ),
            Reason::OrganisationNameTaken => {
                f.write_str("another organisation has this name already")
            }
            Reason::RoleNotAllowed => {
                f.write_str("a role is not allowed in the staff member's organisation")
            }
            Reason::AdminRoleCombined => f.write_str(
                "the administrator role is never combined with IM, team lead or data protection",
            ),
            Reason::OwnAccount => {
                f.write_str("the importing administrator's own account is not changed by an import")
            }
            Reason::NoMunicipality => f.write_str(
                "the person has neither a household nor a case: no municipality to place them in",
            ),
            Reason::UnknownFieldKept { field } => {
                write!(f, "unknown field {field} kept as extra data")
            }
        }
    }
}

/// `{"code": …, "args": {…}, "reason": "<English>"}` (flattened into a problem).
impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Args<'a>(&'a [(&'static str, Arg)]);
        impl Serialize for Args<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let args = self.args();
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("code", self.code())?;
        m.serialize_entry("args", &Args(&args))?;
        m.serialize_entry("reason", &self.to_string())?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_code_is_listed_once_and_has_a_sample() {
        let listed: BTreeSet<&str> = Reason::CODES.iter().copied().collect();
        assert_eq!(listed.len(), Reason::CODES.len(), "a code listed twice");
        let sampled: BTreeSet<&str> = Reason::samples().iter().map(Reason::code).collect();
        assert_eq!(listed, sampled);
        assert_eq!(
            sampled.len(),
            Reason::samples().len(),
            "one sample per code"
        );
    }

    #[test]
    fn the_english_text_names_every_argument() {
        for r in Reason::samples() {
            let text = r.to_string();
            for (name, arg) in r.args() {
                assert!(
                    text.contains(&arg.to_string()),
                    "{}: {name} missing in «{text}»",
                    r.code()
                );
            }
        }
    }

    #[test]
    fn english_texts_and_json() {
        let r = Reason::Dangling {
            field: "household".into(),
            kind: Kind::Household,
            target: "H77".into(),
        };
        assert_eq!(
            r.to_string(),
            "household refers to household H77, which does not exist"
        );
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({
                "code": "dangling",
                "args": {"field": "household", "kind": "household", "target": "H77"},
                "reason": "household refers to household H77, which does not exist",
            })
        );
        assert_eq!(
            Reason::InvalidDate {
                field: "birth_date".into()
            }
            .to_string(),
            "birth_date is not a valid date YYYY-MM-DD"
        );
    }
}
