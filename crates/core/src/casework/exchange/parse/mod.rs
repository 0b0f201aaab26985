//! Reading an exchange file: every line parsed and checked, references resolved against the lines
//! before it (and the objects an earlier import brought in). Problems name the line, the object's
//! id and a plain reason — never a value of the object (administrators see no client data).

mod fields;
mod objects;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use self::fields::Fields;
use super::{Kind, Problem, Reason};

/// The longest line read (1 MiB): a line longer than that is refused unread.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The exchange format's fields of action (`goal.field`, `contact.topics`).
pub const FIELDS: &[&str] = &[
    "language",
    "school_childcare",
    "training_studies",
    "work",
    "housing",
    "health",
    "finances",
    "residence",
    "family",
    "participation",
    "daily_life",
];

/// One object of the file, checked.
#[derive(Clone, Debug)]
pub struct Rec {
    pub line: usize,
    pub kind: Kind,
    pub id: String,
    /// SHA-256 of the line's object: what a re-import compares.
    pub digest: String,
    /// The fields our model has no column for (kept, and reported as a warning).
    pub unknown: Map<String, Value>,
    pub obj: Obj,
}

#[derive(Clone, Debug)]
pub enum Obj {
    Municipality {
        name: String,
    },
    Organisation {
        name: String,
        kind: String,
        municipality: Option<String>,
    },
    Team {
        organisation: String,
        name: String,
    },
    Staff {
        organisation: String,
        team: Option<String>,
        display_name: String,
        roles: Vec<String>,
        municipalities: Vec<String>,
        fte: Option<f64>,
    },
    Household {
        municipality: String,
    },
    Person(Box<Person>),
    Consent {
        person: String,
        text_version: String,
        language: String,
        given_on: NaiveDate,
        form: String,
        withdrawn_on: Option<NaiveDate>,
    },
    Release {
        person: String,
        recipient_name: String,
        recipient_category: Option<String>,
        data_categories: Vec<String>,
        purpose: String,
        valid_from: NaiveDate,
        valid_until: Option<NaiveDate>,
        mutual: bool,
        revoked_on: Option<NaiveDate>,
    },
    Case(Box<Case>),
    Goal {
        case: String,
        person: Option<String>,
        field: String,
        text: String,
        priority: Option<i32>,
        target_date: Option<NaiveDate>,
        status: String,
        status_reason: Option<String>,
        created_on: NaiveDate,
        closed_on: Option<NaiveDate>,
    },
    Step {
        goal: String,
        text: String,
        owner: String,
        third_party: Option<String>,
        due_on: Option<NaiveDate>,
        done_on: Option<NaiveDate>,
    },
    Review {
        case: String,
        held_on: NaiveDate,
        participants: Option<String>,
        summary: Option<String>,
    },
    Contact {
        case: String,
        persons: Vec<String>,
        date: NaiveDate,
        minutes: Option<i32>,
        kind: String,
        topics: Vec<String>,
        interpreter: Option<(String, String)>,
        note: Option<String>,
    },
    Outcome {
        person: String,
        date: NaiveDate,
        kind: String,
        level: Option<String>,
        certificate: Option<bool>,
        course: Option<String>,
        employment_type: Option<String>,
        until: Option<NaiveDate>,
        place: Option<String>,
    },
    Referral {
        case: String,
        person: Option<String>,
        service_name: String,
        service_category: Option<String>,
        date: NaiveDate,
        reason: Option<String>,
        result: Option<String>,
        result_on: Option<NaiveDate>,
    },
}

#[derive(Clone, Debug)]
pub struct Person {
    pub household: Option<String>,
    pub relation: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub name_original: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_year: i32,
    pub sex: Option<String>,
    pub nationality: Option<String>,
    pub languages: Option<String>,
    pub german_level: Option<String>,
    pub school: Option<String>,
    pub vocational: Option<String>,
    pub profession: Option<String>,
    pub interests: Option<String>,
    pub residence_status: Option<String>,
    pub residence_valid_until: Option<NaiveDate>,
    /// Extensions of the format (docs/exchange-extensions.md).
    pub residence_basis: Option<String>,
    pub entry_date: Option<NaiveDate>,
    pub health_insurance: Option<String>,
    pub health_insurer: Option<String>,
    pub au_move_in: Option<NaiveDate>,
    pub target_group: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub organisation: String,
    pub municipality: String,
    pub assigned_to: String,
    pub persons: Vec<String>,
    /// Oldest first; never empty (absent in the file: `assigned_to` from `opened_on`).
    pub assignments: Vec<(String, NaiveDate)>,
    pub opened_on: NaiveDate,
    pub status: String,
    pub pauses: Vec<(NaiveDate, Option<NaiveDate>)>,
    pub extended_until: Option<NaiveDate>,
    pub extension_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub closure_reason: Option<String>,
    pub closure_note: Option<String>,
}

/// What [`read`] makes of a file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The non-empty lines after the header: the file's objects, readable or not.
    pub objects: usize,
    pub records: Vec<Rec>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

/// Which ids exist already (from an earlier import), per kind.
pub type Known = HashMap<Kind, HashSet<String>>;

fn problem(line: usize, kind: Option<Kind>, id: Option<&str>, reason: Reason) -> Problem {
    Problem {
        line,
        kind: kind.map(|k| k.as_str().to_string()),
        id: id.map(str::to_string),
        reason,
    }
}

/// Reads and checks a whole file. `known` are the ids an earlier import mapped already, which
/// references may name as well.
pub fn read(bytes: &[u8], known: &Known) -> Parsed {
    let mut out = Parsed::default();
    // First pass: every line's JSON, kind and id, so that a reference to a later line can be told
    // from one to nothing.
    let mut lines: Vec<(usize, Map<String, Value>, Kind, String)> = Vec::new();
    let mut first: HashMap<(Kind, String), usize> = HashMap::new();
    let mut header_seen = false;
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let no = i + 1;
        if raw.len() > MAX_LINE_BYTES {
            out.problems.push(problem(
                no,
                None,
                None,
                Reason::LineTooLong {
                    max: MAX_LINE_BYTES,
                },
            ));
            continue;
        }
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t.trim(),
            Err(_) => {
                out.problems.push(problem(no, None, None, Reason::NotUtf8));
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        if header_seen {
            out.objects += 1;
        }
        let obj = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                out.problems
                    .push(problem(no, None, None, Reason::NotAJsonObject));
                continue;
            }
            Err(e) => {
                out.problems.push(problem(
                    no,
                    None,
                    None,
                    Reason::BrokenJson { column: e.column() },
                ));
                continue;
            }
        };
        let kind_name = match obj.get("kind") {
            Some(Value::String(k)) => k.clone(),
            _ => {
                out.problems.push(problem(
                    no,
                    None,
                    None,
                    Reason::MissingField {
                        field: "kind".into(),
                    },
                ));
                continue;
            }
        };
        if !header_seen {
            header_seen = true;
            check_header(no, &kind_name, &obj, &mut out.problems);
            continue;
        }
        if kind_name == "meta" {
            out.problems
                .push(problem(no, None, None, Reason::SecondHeader));
            continue;
        }
        let Some(kind) = Kind::parse(&kind_name) else {
            out.problems
                .push(problem(no, None, None, Reason::UnknownKind));
            continue;
        };
        let id = match obj.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                out.problems.push(problem(
                    no,
                    Some(kind),
                    None,
                    Reason::MissingField { field: "id".into() },
                ));
                continue;
            }
            Some(_) => {
                out.problems.push(problem(
                    no,
                    Some(kind),
                    None,
                    Reason::NotAText { field: "id".into() },
                ));
                continue;
            }
        };
        if let Some(earlier) = first.get(&(kind, id.clone())) {
            out.problems.push(problem(
                no,
                Some(kind),
                Some(&id),
                Reason::DuplicateId {
                    first_line: *earlier,
                },
            ));
            continue;
        }
        first.insert((kind, id.clone()), no);
        lines.push((no, obj, kind, id));
    }
    if !header_seen {
        out.problems.push(problem(1, None, None, Reason::NoHeader));
    }
    // Second pass: the fields of every object, in file order.
    let mut seen: HashSet<(Kind, String)> = HashSet::new();
    for (no, obj, kind, id) in lines {
        let digest = hex::encode(Sha256::digest(
            serde_json::to_string(&obj).unwrap_or_default().as_bytes(),
        ));
        let mut f = Fields {
            no,
            kind,
            id: &id,
            obj: &obj,
            used: HashSet::from(["kind", "id"]),
            problems: Vec::new(),
            first: &first,
            seen: &seen,
            known,
        };
        let parsed = f.object();
        let unknown: Map<String, Value> = obj
            .iter()
            .filter(|(k, _)| !f.used.contains(k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let problems = std::mem::take(&mut f.problems);
        let had_problems = !problems.is_empty();
        out.problems.extend(problems);
        for k in unknown.keys() {
            out.warnings.push(problem(
                no,
                Some(kind),
                Some(&id),
                Reason::UnknownFieldKept {
                    field: plain_name(k),
                },
            ));
        }
        seen.insert((kind, id.clone()));
        if let (Some(obj), false) = (parsed, had_problems) {
            out.records.push(Rec {
                line: no,
                kind,
                id,
                digest,
                unknown,
                obj,
            });
        }
    }
    out
}

/// A field name as a report may show it: letters, digits, `_` and `-` only, at most 40.
fn plain_name(k: &str) -> String {
    let s: String = k
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(40)
        .collect();
    if s.is_empty() { "(unnamed)".into() } else { s }
}

fn check_header(no: usize, kind: &str, obj: &Map<String, Value>, problems: &mut Vec<Problem>) {
    if kind != "meta" {
        problems.push(problem(no, None, None, Reason::HeaderNotFirst));
        return;
    }
    if obj.get("format").and_then(Value::as_str) != Some("ankommen-exchange") {
        problems.push(problem(no, None, None, Reason::HeaderFormat));
    }
    match obj.get("version").and_then(Value::as_i64) {
        Some(1) => {}
        Some(_) => problems.push(problem(no, None, None, Reason::HeaderVersionUnsupported)),
        None => problems.push(problem(no, None, None, Reason::HeaderVersionMissing)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"{"kind": "meta", "format": "ankommen-exchange", "version": 1}"#;

    fn reasons(lines: &[&str]) -> Vec<(usize, Reason)> {
        let text = std::iter::once(HEADER)
            .chain(lines.iter().copied())
            .collect::<Vec<_>>()
            .join("\n");
        let parsed = read(text.as_bytes(), &Known::new());
        parsed
            .problems
            .into_iter()
            .chain(parsed.warnings)
            .map(|p| (p.line, p.reason))
            .collect()
    }

    #[test]
    fn problems_carry_typed_reasons_with_field_names_and_ids_only() {
        let got = reasons(&[
            r#"{"kind": "municipality", "id": "08100001", "name": "Eins"}"#,
            r#"{"kind": "household", "id": "H1", "municipality": "08100001"}"#,
            r#"{"kind": "person", "id": "P1", "household": "H2", "given_name": "SECRET", "birth_date": "1990-13-01", "residence": {"valid_until": "x"}, "colour": "SECRET"}"#,
            r#"{"kind": "person", "id": "P2", "household": "H1", "given_name": "a", "family_name": "b", "birth_year": 1800}"#,
            r#"{"kind": "team", "id": "T1", "organisation": 7, "name": ""}"#,
        ]);
        let field = |f: &str| f.to_string();
        for expected in [
            (
                4,
                Reason::Dangling {
                    field: field("household"),
                    kind: Kind::Household,
                    target: "H2".into(),
                },
            ),
            (
                4,
                Reason::MissingField {
                    field: field("family_name"),
                },
            ),
            (
                4,
                Reason::InvalidDate {
                    field: field("birth_date"),
                },
            ),
            (
                4,
                Reason::MissingField {
                    field: field("residence.status"),
                },
            ),
            (
                4,
                Reason::InvalidDate {
                    field: field("residence.valid_until"),
                },
            ),
            (
                4,
                Reason::UnknownFieldKept {
                    field: field("colour"),
                },
            ),
            (
                5,
                Reason::OutOfRange {
                    field: field("birth_year"),
                    min: 1900,
                    max: 2100,
                },
            ),
            (
                6,
                Reason::NotAText {
                    field: field("organisation"),
                },
            ),
            (
                6,
                Reason::Empty {
                    field: field("name"),
                },
            ),
        ] {
            assert!(got.contains(&expected), "{expected:?} not in {got:#?}");
        }
        let shown = format!("{got:?}");
        assert!(!shown.contains("SECRET"), "a value in {shown}");
    }

    #[test]
    fn broken_lines_and_headers_are_named() {
        let parsed = read(b"", &Known::new());
        assert_eq!(parsed.problems[0].reason, Reason::NoHeader);
        let got = reasons(&[
            "{\"kind\": \"person\", \"id\": ",
            "[1, 2]",
            r#"{"kind": "meta"}"#,
            r#"{"kind": "spaceship", "id": "X"}"#,
            r#"{"kind": "team"}"#,
        ]);
        assert!(matches!(got[0], (2, Reason::BrokenJson { .. })), "{got:?}");
        assert_eq!(
            got[1..].to_vec(),
            vec![
                (3, Reason::NotAJsonObject),
                (4, Reason::SecondHeader),
                (5, Reason::UnknownKind),
                (6, Reason::MissingField { field: "id".into() }),
            ]
        );
        let bad = read(
            br#"{"kind": "meta", "format": "other", "version": 2}"#,
            &Known::new(),
        );
        let reasons: Vec<Reason> = bad.problems.into_iter().map(|p| p.reason).collect();
        assert_eq!(
            reasons,
            vec![Reason::HeaderFormat, Reason::HeaderVersionUnsupported]
        );
    }
}
