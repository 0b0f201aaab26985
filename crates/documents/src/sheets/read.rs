//! Reading an uploaded spreadsheet into rows of text: the first worksheet of an XLSX file, or a
//! CSV file as German Excel writes it (`;` between fields, UTF-8 with byte-order mark, or
//! Windows-1252 when it is not UTF-8; `,` or tab when the header row has no `;`).
//!
//! Cells become text the way a person reads them: whole numbers without decimals, dates of an
//! XLSX as `DD.MM.YYYY`. What the text means is decided by the caller (the core's spreadsheet
//! import). Limits keep a file from taking the server's memory: rows, columns, the length of a
//! cell, and the unpacked size of an XLSX (read before unpacking it).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// At most this many rows below the header row.
pub const MAX_ROWS: usize = 5_000;
/// At most this many columns.
pub const MAX_COLUMNS: usize = 60;
/// At most this many characters in a cell.
pub const MAX_CELL_CHARS: usize = 5_000;
/// At most this many bytes in an XLSX file once unpacked.
const MAX_UNPACKED_BYTES: u128 = 200 * 1024 * 1024;

/// What kind of file it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    /// CSV in UTF-8 (with or without byte-order mark).
    CsvUtf8,
    /// CSV in Windows-1252.
    CsvWindows1252,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Xlsx => "xlsx",
            FileKind::CsvUtf8 => "csv_utf8",
            FileKind::CsvWindows1252 => "csv_windows_1252",
        }
    }
}

/// One row of the file with its number as the spreadsheet shows it (1 = the first line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<String>,
}

/// A table read from a file: the header row and the rows below it (empty rows left out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub kind: FileKind,
    pub header: Row,
    pub rows: Vec<Row>,
}

/// Why a file cannot be read. [`ReadError::key`] is the message key of the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// No bytes, or no row with any text.
    Empty,
    /// Not a readable XLSX or CSV file.
    Broken,
    /// Only a header row.
    NoRows,
    TooManyRows,
    TooManyColumns,
    /// An XLSX that unpacks to more than the limit.
    TooLarge,
    CellTooLong {
        row: u32,
        column: usize,
    },
}

impl ReadError {
    pub fn key(&self) -> &'static str {
        match self {
            ReadError::Empty => "error-sheet-empty",
            ReadError::Broken => "error-sheet-broken",
            ReadError::NoRows => "error-sheet-no-rows",
            ReadError::TooManyRows => "error-sheet-too-many-rows",
            ReadError::TooManyColumns => "error-sheet-too-many-columns",
            ReadError::TooLarge => "error-sheet-too-large",
            ReadError::CellTooLong { .. } => "error-sheet-cell-too-long",
        }
    }
}

/// Reads a spreadsheet (its kind judged by its content, never by its name).
pub fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        table(FileKind::Xlsx, xlsx_rows(bytes)?)
    } else {
        let (kind, text) = decode(bytes)?;
        table(kind, csv_rows(&text)?)
    }
}

/// Splits off the header row (the first with any text), drops empty rows, checks the limits.
fn table(kind: FileKind, rows: Vec<Row>) -> Result<Table, ReadError> {
    let mut rows = rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    let Some(mut header) = rows.next() else {
        return Err(ReadError::Empty);
    };
    let mut rest: Vec<Row> = Vec::new();
    for r in rows {
        if rest.len() == MAX_ROWS {
            return Err(ReadError::TooManyRows);
        }
        rest.push(r);
    }
    if rest.is_empty() {
        return Err(ReadError::NoRows);
    }
    // Trailing empty header cells with nothing below them are no columns.
    let used = rest
        .iter()
        .chain(std::iter::once(&header))
        .map(|r| {
            r.cells
                .iter()
                .rposition(|c| !c.trim().is_empty())
                .map_or(0, |i| i + 1)
        })
        .max()
        .unwrap_or(0);
    if used > MAX_COLUMNS {
        return Err(ReadError::TooManyColumns);
    }
    for r in rest.iter_mut().chain(std::iter::once(&mut header)) {
        r.cells.resize(used, String::new());
        for (i, c) in r.cells.iter_mut().enumerate() {
            if c.chars().count() > MAX_CELL_CHARS {
                return Err(ReadError::CellTooLong {
                    row: r.number,
                    column: i,
                });
            }
            *c = c.trim().to_string();
        }
    }
    Ok(Table {
        kind,
        header,
        rows: rest,
    })
}

/// UTF-8 (a byte-order mark is dropped) or, when the bytes are not UTF-8, Windows-1252. Text with
/// NUL characters is a binary file, not a CSV.
fn decode(bytes: &[u8]) -> Result<(FileKind, String), ReadError> {
    let (kind, text) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let t = std::str::from_utf8(rest).map_err(|_| ReadError::Broken)?;
        (FileKind::CsvUtf8, t.to_string())
    } else if let Ok(t) = std::str::from_utf8(bytes) {
        (FileKind::CsvUtf8, t.to_string())
    } else {
        let (t, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (FileKind::CsvWindows1252, t.into_owned())
    };
    if text.contains('\0') {
        return Err(ReadError::Broken);
    }
    Ok((kind, text))
}

/// The delimiter: `;` (German Excel) unless the first line has none but a tab or a comma.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    if first.contains(';') {
        b';'
    } else if first.contains('\t') {
        b'\t'
    } else if first.contains(',') {
        b','
    } else {
        b';'
    }
}

fn csv_rows(text: &str) -> Result<Vec<Row>, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    let bytes = text.as_bytes();
    loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(ReadError::Broken),
        }
        if rec.len() > MAX_COLUMNS {
            return Err(ReadError::TooManyColumns);
        }
        // The line where the record starts: past any line breaks (and the empty lines the
        // reader skips) before its first character.
        let mut at = rec
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        let breaks = bytes[..at].iter().filter(|b| **b == b'\n').count();
        let number = u32::try_from(breaks + 1).unwrap_or(u32::MAX);
        rows.push(Row {
            number,
            cells: rec.iter().map(str::to_string).collect(),
        });
        // The header row and the limit, plus the empty rows that may come between.
        if rows.len() > MAX_ROWS * 2 + 1 {
            return Err(ReadError::TooManyRows);
        }
    }
    Ok(rows)
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Row>, ReadError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::Broken)?;
    // The sizes the archive's directory declares (Excel's writers put them there even where a
    // file's own header defers them to a data descriptor).
    let mut archive = archive;
    let mut unpacked: u128 = 0;
    for i in 0..archive.len() {
        let size = archive
            .by_index_raw(i)
            .map_err(|_| ReadError::Broken)?
            .size();
        unpacked = unpacked.saturating_add(u128::from(size));
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(ReadError::TooLarge);
    }
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| ReadError::Broken)?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(_)) => return Err(ReadError::Broken),
        None => return Err(ReadError::Empty),
    };
    if range.width() > MAX_COLUMNS {
        return Err(ReadError::TooManyColumns);
    }
    if range.height() > MAX_ROWS * 2 + 1 {
        return Err(ReadError::TooManyRows);
    }
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let lead = usize::try_from(first_col).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            number: first_row
                .saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
                .saturating_add(1),
            cells: std::iter::repeat_n(String::new(), lead)
                .chain(cells.iter().map(cell_text))
                .collect(),
        })
        .collect())
}

/// A cell as a person reads it.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(x) => {
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{x:.0}")
            } else {
                x.to_string()
            }
        }
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) => t.format("%d.%m.%Y").to_string(),
            None => dt.as_f64().to_string(),
        },
        // A formula error (#DIV/0! ...): shown as Excel shows it, refused by the field's parser.
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_utf8_with_bom_and_semicolons() {
        let t = read(
            "\u{feff}Vorname;Nachname\r\nAmal;Haddad\r\n\r\n\"Jörg; Jr.\";Müller\r\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(t.kind, FileKind::CsvUtf8);
        assert_eq!(t.header.cells, vec!["Vorname", "Nachname"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].number, 2);
        assert_eq!(t.rows[1].number, 4);
        assert_eq!(t.rows[1].cells, vec!["Jörg; Jr.", "Müller"]);
    }

    #[test]
    fn csv_windows_1252() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Name;Ort\nJürgen;Großbottwar\n");
        let t = read(&bytes).unwrap();
        assert_eq!(t.kind, FileKind::CsvWindows1252);
        assert_eq!(t.rows[0].cells, vec!["Jürgen", "Großbottwar"]);
    }

    #[test]
    fn comma_and_tab_when_no_semicolon() {
        assert_eq!(read(b"a,b\n1,2\n").unwrap().rows[0].cells, vec!["1", "2"]);
        assert_eq!(read(b"a\tb\n1\t2\n").unwrap().rows[0].cells, vec!["1", "2"]);
    }

    #[test]
    fn bad_files() {
        assert_eq!(read(b""), Err(ReadError::Empty));
        assert_eq!(read(b"\n;\n"), Err(ReadError::Empty));
        assert_eq!(read(b"a;b\n"), Err(ReadError::NoRows));
        assert_eq!(read(b"PK\x03\x04garbage"), Err(ReadError::Broken));
        assert_eq!(read(b"a\0b;c\n1;2\n"), Err(ReadError::Broken));
        let wide = vec!["x"; MAX_COLUMNS + 1].join(";");
        assert_eq!(
            read(format!("{wide}\n{wide}\n").as_bytes()),
            Err(ReadError::TooManyColumns)
        );
        let mut long = String::from("a\n");
        for _ in 0..=MAX_ROWS {
            long.push_str("1\n");
        }
        assert_eq!(read(long.as_bytes()), Err(ReadError::TooManyRows));
        let cell = "y".repeat(MAX_CELL_CHARS + 1);
        assert_eq!(
            read(format!("a;b\n1;{cell}\n").as_bytes()),
            Err(ReadError::CellTooLong { row: 2, column: 1 })
        );
    }

    #[test]
    fn xlsx_first_sheet_with_dates_and_numbers() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "Name").unwrap();
        ws.write_string(0, 1, "Geburt").unwrap();
        ws.write_string(0, 2, "PLZ").unwrap();
        ws.write_string(1, 0, "Amal").unwrap();
        let d = ExcelDateTime::from_ymd(1990, 2, 1).unwrap();
        ws.write_datetime_with_format(1, 1, d, &Format::new().set_num_format("dd.mm.yyyy"))
            .unwrap();
        ws.write_number(1, 2, 74081.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = read(&bytes).unwrap();
        assert_eq!(t.kind, FileKind::Xlsx);
        assert_eq!(t.header.cells, vec!["Name", "Geburt", "PLZ"]);
        assert_eq!(t.rows[0].cells, vec!["Amal", "01.02.1990", "74081"]);
    }
}
