//! Tables for spreadsheets: XLSX (one worksheet per table) and the CSV German Excel opens with a
//! double click (`;` between fields, decimal comma, UTF-8 with byte-order mark, CRLF).
//!
//! Text cells are always written as text, never as formulas. In the CSV, where Excel would read a
//! text starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, the text is
//! prefixed with `'` (OWASP "CSV injection").
//!
//! Reading ([`read`]) takes what people keep their lists in: XLSX (the first worksheet) and CSV
//! as German Excel saves it (`;`, UTF-8 with byte-order mark, or Windows-1252).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

mod read;

pub use self::read::{
    FileKind, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, ReadError, Row, Table, read,
};

/// One value of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    /// Shown with the given number of decimals.
    Decimal(f64, u8),
    Empty,
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<Option<f64>> for Value {
    /// A share or a rate with one decimal; none: empty.
    fn from(x: Option<f64>) -> Self {
        x.map_or(Value::Empty, |x| Value::Decimal(x, 1))
    }
}

/// A table with a title (the worksheet's name), its column headings and rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Worksheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str, index: usize) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return format!("Tabelle {}", index + 1);
    }
    cleaned.chars().take(31).collect()
}

/// The sheets as an XLSX workbook, one worksheet each, headings bold and frozen.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, crate::DocumentError> {
    let fail = |e: XlsxError| crate::DocumentError::Render(e.to_string());
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let mut used: Vec<String> = Vec::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let mut name = sheet_name(&sheet.title, i);
        if used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
            let suffix = format!(" {}", i + 1);
            name = name.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        }
        used.push(name.clone());
        let ws = book.add_worksheet();
        ws.set_name(&name).map_err(fail)?;
        for (c, heading) in sheet.columns.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| too_wide())?;
            ws.write_string_with_format(0, col, heading, &bold)
                .map_err(fail)?;
            let width = sheet
                .rows
                .iter()
                .map(|r| match r.get(c) {
                    Some(Value::Text(t)) => t.chars().count(),
                    _ => 8,
                })
                .chain([heading.chars().count()])
                .max()
                .unwrap_or(8)
                .min(60);
            ws.set_column_width(col, width as f64 + 2.0).map_err(fail)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let line = u32::try_from(r + 1).map_err(|_| too_wide())?;
            for (c, v) in row.iter().enumerate() {
                let col = u16::try_from(c).map_err(|_| too_wide())?;
                match v {
                    Value::Text(t) => {
                        ws.write_string(line, col, t).map_err(fail)?;
                    }
                    Value::Int(n) => {
                        ws.write_number(line, col, *n as f64).map_err(fail)?;
                    }
                    Value::Decimal(x, places) => {
                        let pattern = if *places == 0 {
                            "0".to_string()
                        } else {
                            format!("0.{}", "0".repeat(usize::from(*places)))
                        };
                        let fmt = Format::new().set_num_format(&pattern);
                        ws.write_number_with_format(line, col, *x, &fmt)
                            .map_err(fail)?;
                    }
                    Value::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}

fn too_wide() -> crate::DocumentError {
    crate::DocumentError::Invalid("the table is too large for a worksheet".into())
}

/// A text as Excel must not read it as a formula.
fn neutralised(t: &str) -> String {
    if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{t}")
    } else {
        t.to_string()
    }
}

fn csv_field(v: &Value) -> String {
    let text = match v {
        Value::Text(t) => neutralised(t),
        Value::Int(n) => n.to_string(),
        Value::Decimal(x, places) => {
            format!("{x:.prec$}", prec = usize::from(*places)).replace('.', ",")
        }
        Value::Empty => String::new(),
    };
    if text.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The sheet as German Excel CSV: UTF-8 with BOM, `;`, decimal comma, CRLF, the headings first.
pub fn csv_de(sheet: &Sheet) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let headings: Vec<Value> = sheet
        .columns
        .iter()
        .map(|c| Value::from(c.as_str()))
        .collect();
    for row in std::iter::once(&headings).chain(&sheet.rows) {
        let line: Vec<String> = row.iter().map(csv_field).collect();
        out.push_str(&line.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            title: "Kennzahlen 2025".into(),
            columns: vec!["Name".into(), "Anzahl".into(), "Anteil".into()],
            rows: vec![
                vec![
                    "=HYPERLINK(\"x\")".into(),
                    Value::Int(12),
                    Value::Decimal(27.8, 1),
                ],
                vec!["Müller; \"Team\"".into(), Value::Int(-3), Value::Empty],
                vec!["-1+1".into(), Value::Int(0), Value::Decimal(5.0, 1)],
            ],
        }
    }

    #[test]
    fn csv_is_what_german_excel_opens_and_neutralises_formulas() {
        let text = String::from_utf8(csv_de(&sheet())).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Name;Anzahl;Anteil");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"x\"\")\";12;27,8");
        assert_eq!(lines[2], "\"Müller; \"\"Team\"\"\";-3;");
        assert_eq!(lines[3], "'-1+1;0;5,0");
        assert_eq!(lines[4], "");
    }

    #[test]
    fn worksheet_names_are_valid_and_distinct() {
        assert_eq!(sheet_name("a/b: c?", 0), "a b  c");
        assert_eq!(sheet_name("  ", 2), "Tabelle 3");
        assert_eq!(sheet_name(&"x".repeat(40), 0).len(), 31);
        let mut s = sheet();
        s.title = "Gleich".into();
        let bytes = xlsx(&[s.clone(), s]).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
