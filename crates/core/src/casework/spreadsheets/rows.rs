//! One row of a spreadsheet read through a mapping: the minimum data as registration parses it,
//! the consent (date and form) and the voluntary data, which is kept only when the row carries a
//! consent; every problem with its column.

use chrono::NaiveDate;

use super::fields::{
    self, Field, parse_birth, parse_consent_form, parse_date, parse_german_level,
    parse_nationality, parse_sex, parse_target_group,
};
use super::{Mapping, SheetRow};
use crate::casework::clients::{Intake, IntakeForm, MinimumInput};
use crate::kernel::catalog::is_language;
use crate::kernel::types::{Ags, Name};
use crate::records::consent::ConsentInput;

/// The text version recorded for a consent taken from a spreadsheet: which printed text the
/// client signed is not in the list.
pub const CONSENT_TEXT_VERSION: &str = "spreadsheet";

/// A problem of one cell (or of the row, when the field's column is not in the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellProblem {
    /// The column (0-based), when the field has one.
    pub column: Option<usize>,
    pub field: Field,
    pub key: &'static str,
}

/// A row as it would be imported.
#[derive(Clone, Debug)]
pub struct ReadRow {
    pub number: u32,
    pub minimum: Option<MinimumInput>,
    pub consent: Option<ConsentInput>,
    /// The voluntary data, when the row has a consent and the values are valid.
    pub intake: Option<Intake>,
    /// Columns with voluntary values that are not imported because the row has no consent.
    pub lost: Vec<usize>,
    pub problems: Vec<CellProblem>,
}

/// The municipalities a row may name: (AGS, name) of those the actor serves.
pub struct Places<'a> {
    pub served: &'a [(String, String)],
    /// For rows without a municipality (the column left out or the cell empty).
    pub default: Option<&'a str>,
}

impl Places<'_> {
    /// The AGS of a cell: an AGS, or the name of a municipality the actor serves.
    fn parse(&self, s: &str) -> Result<Ags, &'static str> {
        let t = s.trim();
        if t.is_empty() {
            return match self.default {
                Some(d) => Ags::parse(d),
                None => Err("error-required"),
            };
        }
        if t.bytes().any(|b| b.is_ascii_digit()) {
            return Ags::parse(t);
        }
        let n = fields::norm(t);
        self.served
            .iter()
            .find(|(_, name)| fields::norm(name) == n)
            .ok_or("error-municipality-not-served")
            .and_then(|(ags, _)| Ags::parse(ags))
    }
}

pub fn read_row(row: &SheetRow, mapping: &Mapping, places: &Places, today: NaiveDate) -> ReadRow {
    let mut e = Problems {
        mapping,
        list: Vec::new(),
    };
    let cell = |f: Field| -> (Option<usize>, &str) {
        match mapping.column_of(f) {
            Some(c) => (Some(c), row.cells.get(c).map_or("", String::as_str)),
            None => (None, ""),
        }
    };
    let given = e.take(Field::GivenName, Name::parse(cell(Field::GivenName).1));
    let family = e.take(Field::FamilyName, Name::parse(cell(Field::FamilyName).1));
    let original = match cell(Field::NameOriginal).1 {
        "" => Some(None),
        s => e.take(Field::NameOriginal, Name::parse(s)).map(Some),
    };
    let birth = e.take(Field::Birth, parse_birth(cell(Field::Birth).1, today));
    let municipality = e.take(
        Field::Municipality,
        places.parse(cell(Field::Municipality).1),
    );
    let au_move_in = match cell(Field::AuMoveIn).1 {
        "" => Some(None),
        s => e
            .take(
                Field::AuMoveIn,
                parse_date(s, today).and_then(|d| {
                    if d > today {
                        Err("error-date-future")
                    } else {
                        Ok(d)
                    }
                }),
            )
            .map(Some),
    };
    let target_group = e.take(
        Field::TargetGroup,
        parse_target_group(cell(Field::TargetGroup).1),
    );
    // The consent: both its date and its form, or neither.
    let (date_cell, form_cell) = (cell(Field::ConsentDate).1, cell(Field::ConsentForm).1);
    let consent_given = !(date_cell.is_empty() && form_cell.is_empty());
    let consent = match (date_cell, form_cell) {
        ("", "") => None,
        (d, f) => {
            let given_on = e.take(
                Field::ConsentDate,
                parse_date(d, today).and_then(|d| {
                    if d > today {
                        Err("error-date-future")
                    } else {
                        Ok(d)
                    }
                }),
            );
            let form = e.take(Field::ConsentForm, parse_consent_form(f));
            let language = match cell(Field::ConsentLanguage).1.trim() {
                "" => Some("de".to_string()),
                l if is_language(&l.to_lowercase()) => Some(l.to_lowercase()),
                _ => e.take::<String>(Field::ConsentLanguage, Err("error-choice")),
            };
            match (given_on, form, language) {
                (Some(given_on), Some(form), Some(language)) => Some(ConsentInput {
                    text_version: CONSENT_TEXT_VERSION.to_string(),
                    language,
                    given_on,
                    form,
                    scan: None,
                }),
                _ => None,
            }
        }
    };
    let voluntary: Vec<(Field, usize, &str)> = Field::ALL
        .iter()
        .filter(|f| f.is_voluntary())
        .filter_map(|f| match cell(*f) {
            (Some(c), v) if !v.is_empty() => Some((*f, c, v)),
            _ => None,
        })
        .collect();
    let mut lost = Vec::new();
    let mut intake = None;
    if consent_given {
        // Checked also when the consent itself has a problem, so every error shows at once.
        intake = read_intake(&voluntary, &mut e).filter(|_| consent.is_some());
    } else {
        lost = voluntary.iter().map(|(_, c, _)| *c).collect();
    }
    let minimum = match (
        given,
        family,
        original,
        birth,
        municipality,
        au_move_in,
        target_group,
    ) {
        (
            Some(given_name),
            Some(family_name),
            Some(name_original),
            Some(birth),
            Some(municipality),
            Some(au_move_in),
            Some(target_group),
        ) => Some(MinimumInput {
            given_name,
            family_name,
            name_original,
            birth,
            municipality,
            au_move_in,
            target_group,
        }),
        _ => None,
    };
    ReadRow {
        number: row.number,
        minimum,
        consent,
        intake,
        lost,
        problems: e.list,
    }
}

/// The problems of a row as they are found.
struct Problems<'a> {
    mapping: &'a Mapping,
    list: Vec<CellProblem>,
}

impl Problems<'_> {
    fn take<T>(&mut self, field: Field, r: Result<T, &'static str>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(key) => {
                self.list.push(CellProblem {
                    column: self.mapping.column_of(field),
                    field,
                    key,
                });
                None
            }
        }
    }
}

/// The voluntary values, read the way the intake form reads them after the spellings of the
/// list are understood.
fn read_intake(voluntary: &[(Field, usize, &str)], e: &mut Problems) -> Option<Intake> {
    let mut form = IntakeForm::default();
    let mut ok = true;
    for (f, _, v) in voluntary {
        let value = match f {
            Field::Sex => parse_sex(v).map(|x| x.as_str().to_string()),
            Field::Nationality => parse_nationality(v),
            Field::GermanLevel => parse_german_level(v).map(|x| x.as_str().to_string()),
            _ => Ok((*v).to_string()),
        };
        let Some(value) = e.take(*f, value) else {
            ok = false;
            continue;
        };
        match f {
            Field::Sex => form.sex = value,
            Field::Nationality => form.nationality = value,
            Field::GermanLevel => form.german_level = value,
            Field::Profession => form.profession = value,
            Field::Phone => form.phone = value,
            Field::Email => form.email = value,
            Field::Address => form.address = value,
            _ => {}
        }
    }
    match Intake::parse(&form) {
        Ok(i) if ok => Some(i),
        Ok(_) => None,
        Err(errors) => {
            for err in errors.0 {
                if let Ok(f) = Field::parse(err.field) {
                    e.take::<()>(f, Err(err.key));
                }
            }
            None
        }
    }
}
