//! Registering clients from a spreadsheet (an IM's own list in Excel): the upload, kept sealed
//! between the steps; the mapping of its columns to fields, saved per staff member and header
//! row and offered again; the preview with every row's problems, the voluntary columns a row
//! loses without a consent, and the duplicate hints; and the import, one transaction in which
//! every row is registered as the registration form registers it. See decision 0018.

mod fields;
mod rows;

pub use self::fields::{
    Field, guess, parse_birth, parse_date, parse_german_level, parse_nationality,
};
pub use self::rows::{CONSENT_TEXT_VERSION, CellProblem};

use std::collections::HashMap;

use ankommen_store::Db;
use ankommen_store::entities::{municipality, spreadsheet_mapping, spreadsheet_upload};
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};

use self::rows::{Places, ReadRow, read_row};
use crate::casework::clients::DuplicateHint;
use crate::casework::clients::registration::{check_minimum, possible_duplicates, register_on};
use crate::kernel::audit::{self, Event};
use crate::kernel::names;
use crate::kernel::policy::{Action, CaseRef, Resource};
use crate::kernel::sealed::{self, SPREADSHEET_UPLOAD, Sealing};
use crate::kernel::sealing::Sealer;
use crate::{Ctx, Error, FieldErrors, Result};

/// An upload is kept at most this long (then the next upload of anyone removes it).
pub const UPLOAD_KEPT_HOURS: i64 = 24;
/// The preview lists the first rows and, beyond them, every row with something to say, up to
/// this many rows in all (the counts cover every row).
pub const PREVIEW_ROWS: usize = 10;
pub const PREVIEW_MAX_LISTED: usize = 500;

/// One row of the file with its number as the spreadsheet shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SheetRow {
    pub number: u32,
    pub cells: Vec<String>,
}

/// A file as read by the web layer (`documents::sheets::read`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<SheetRow>,
}

impl Sheet {
    /// The key under which a mapping is saved: the header row, trimmed and in lower case.
    pub fn header_key(&self) -> String {
        let joined = self
            .header
            .iter()
            .map(|h| h.trim().to_lowercase())
            .collect::<Vec<_>>()
            .join("\u{1f}");
        hex::encode(Sha256::digest(joined.as_bytes()))
    }
}

/// The field of each column, and the municipality of rows that name none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    pub columns: Vec<Option<Field>>,
    pub default_municipality: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredMapping {
    columns: Vec<String>,
    #[serde(default)]
    municipality: Option<String>,
}

impl Mapping {
    pub fn column_of(&self, f: Field) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(f))
    }

    /// Parses the choices of the mapping form (one per column, "" for a column left out).
    /// A required field left out, or a field chosen twice, is an error of the whole mapping.
    pub fn parse(
        choices: &[String],
        width: usize,
        default_municipality: &str,
    ) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut columns = Vec::with_capacity(width);
        for i in 0..width {
            let c = choices.get(i).map_or("", |s| s.trim());
            let col = i64::try_from(i + 1).unwrap_or(0);
            if c.is_empty() {
                columns.push(None);
            } else if let Ok(f) = Field::parse(c) {
                if columns.contains(&Some(f)) {
                    e.add_count("mapping", "error-sheet-mapped-twice", col);
                }
                columns.push(Some(f));
            } else {
                e.add_count("mapping", "error-choice", col);
                columns.push(None);
            }
        }
        let m = Self {
            columns,
            default_municipality: Some(default_municipality.trim().to_string())
                .filter(|s| !s.is_empty()),
        };
        for f in Field::REQUIRED {
            if m.column_of(*f).is_none() {
                e.add("mapping", missing_key(*f));
            }
        }
        if m.column_of(Field::Municipality).is_none() && m.default_municipality.is_none() {
            e.add("municipality", "error-sheet-no-municipality");
        }
        if m.column_of(Field::ConsentDate).is_some() != m.column_of(Field::ConsentForm).is_some() {
            e.add("mapping", "error-sheet-consent-columns");
        }
        if e.is_empty() { Ok(m) } else { Err(e) }
    }

    fn to_json(&self) -> String {
        serde_json::to_string(&StoredMapping {
            columns: self
                .columns
                .iter()
                .map(|c| c.map_or(String::new(), |f| f.as_str().to_string()))
                .collect(),
            municipality: self.default_municipality.clone(),
        })
        .unwrap_or_default()
    }

    /// A stored mapping for a file of `width` columns (fields no longer known are left out).
    fn from_json(s: &str, width: usize) -> Option<Self> {
        let m: StoredMapping = serde_json::from_str(s).ok()?;
        if m.columns.len() != width {
            return None;
        }
        Some(Self {
            columns: m.columns.iter().map(|c| Field::parse(c).ok()).collect(),
            default_municipality: m.municipality,
        })
    }

    /// The guess from the headings, each field once.
    fn guessed(header: &[String]) -> Self {
        let mut columns: Vec<Option<Field>> = Vec::new();
        for h in header {
            let g = guess(h).filter(|f| !columns.contains(&Some(*f)));
            columns.push(g);
        }
        Self {
            columns,
            default_municipality: None,
        }
    }
}

fn missing_key(f: Field) -> &'static str {
    match f {
        Field::GivenName => "error-sheet-missing-given-name",
        Field::FamilyName => "error-sheet-missing-family-name",
        _ => "error-sheet-missing-birth",
    }
}

/// Whether the actor may import into a caseload at all (the pages ask before showing anything);
/// a refusal is audited.
pub async fn authorize(db: &Db, ctx: &Ctx) -> Result<()> {
    ctx.authorize(
        db.writer(),
        Action::ImportSpreadsheet,
        &own_caseload(ctx),
        Event::new("spreadsheet_uploaded"),
        Error::Forbidden,
    )
    .await
}

/// The caseload an import fills, as the policy sees it: a new case of the actor's own.
fn own_caseload(ctx: &Ctx) -> Resource {
    Resource::Case(CaseRef {
        organisation_id: ctx.actor.organisation_id,
        municipality_ags: ctx
            .actor
            .municipalities
            .first()
            .cloned()
            .unwrap_or_default(),
        team_id: ctx.actor.team_id,
        assigned_to: ctx.actor.staff_id,
        shared_with: vec![],
    })
}

/// Keeps an uploaded file (sealed) for the next steps. Earlier uploads of the actor and every
/// upload older than [`UPLOAD_KEPT_HOURS`] are removed. Returns the upload's id.
pub async fn upload(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    file_kind: &str,
    sheet: &Sheet,
) -> Result<i64> {
    authorize(db, ctx).await?;
    let tx = db.begin().await?;
    let expired = ctx.now() - Duration::hours(UPLOAD_KEPT_HOURS);
    spreadsheet_upload::Entity::delete_many()
        .filter(
            Condition::any()
                .add(spreadsheet_upload::Column::StaffId.eq(ctx.actor.staff_id))
                .add(spreadsheet_upload::Column::CreatedAt.lt(expired)),
        )
        .exec(&tx)
        .await?;
    let id = spreadsheet_upload::Entity::insert(spreadsheet_upload::ActiveModel {
        id: NotSet,
        staff_id: Set(ctx.actor.staff_id),
        file_kind: Set(file_kind.to_string()),
        header_key: Set(sheet.header_key()),
        row_count: Set(i32::try_from(sheet.rows.len()).unwrap_or(i32::MAX)),
        // Sealed for the row, so written once the row has its id.
        content_sealed: Set(Vec::new()),
        mapping: Set(None),
        created_at: Set(ctx.now()),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    let json = serde_json::to_vec(sheet).map_err(|e| Error::Internal(e.to_string()))?;
    let sealing = Sealing::begin(&tx, sealer).await?;
    spreadsheet_upload::Entity::update_many()
        .col_expr(
            spreadsheet_upload::Column::ContentSealed,
            Expr::value(sealing.seal_bytes(SPREADSHEET_UPLOAD.at(id), &json)?),
        )
        .filter(spreadsheet_upload::Column::Id.eq(id))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        ctx,
        Event::on("spreadsheet_uploaded", "spreadsheet_upload", id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An upload of the actor's, opened. Another's, an expired or a missing one: not found.
async fn own_upload<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    sealer: &Sealer,
    id: i64,
) -> Result<(spreadsheet_upload::Model, Sheet)> {
    let expired = ctx.now() - Duration::hours(UPLOAD_KEPT_HOURS);
    let Some(u) = spreadsheet_upload::Entity::find_by_id(id)
        .filter(spreadsheet_upload::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(spreadsheet_upload::Column::CreatedAt.gte(expired))
        .one(conn)
        .await?
    else {
        return Err(Error::NotFound);
    };
    let bytes = sealed::open_bytes(sealer, SPREADSHEET_UPLOAD.at(u.id), &u.content_sealed)?;
    let sheet: Sheet =
        serde_json::from_slice(&bytes).map_err(|_| Error::Conflict("error-sealed-unreadable"))?;
    Ok((u, sheet))
}

/// The mapping step: the columns, an example value of each, and the mapping offered: the one
/// saved for this header row, else the one chosen for this upload, else the guess.
#[derive(Clone, Debug)]
pub struct MappingView {
    pub upload_id: i64,
    pub header: Vec<String>,
    pub examples: Vec<String>,
    pub rows: usize,
    pub mapping: Mapping,
    /// The mapping offered is the one saved for this header row.
    pub saved: bool,
}

pub async fn mapping(db: &Db, ctx: &Ctx, sealer: &Sealer, upload_id: i64) -> Result<MappingView> {
    authorize(db, ctx).await?;
    let conn = db.reader();
    let (u, sheet) = own_upload(conn, ctx, sealer, upload_id).await?;
    let width = sheet.header.len();
    let saved = spreadsheet_mapping::Entity::find()
        .filter(spreadsheet_mapping::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(spreadsheet_mapping::Column::HeaderKey.eq(&u.header_key))
        .one(conn)
        .await?
        .and_then(|m| Mapping::from_json(&m.mapping, width));
    let chosen = u
        .mapping
        .as_deref()
        .and_then(|m| Mapping::from_json(m, width));
    let (mapping, is_saved) = match (chosen, saved) {
        (Some(m), _) => (m, false),
        (None, Some(m)) => (m, true),
        (None, None) => (Mapping::guessed(&sheet.header), false),
    };
    let examples = (0..width)
        .map(|c| {
            sheet
                .rows
                .iter()
                .filter_map(|r| r.cells.get(c))
                .find(|v| !v.is_empty())
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    Ok(MappingView {
        upload_id,
        rows: sheet.rows.len(),
        header: sheet.header,
        examples,
        mapping,
        saved: is_saved,
    })
}

/// A problem as the preview shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The column's heading (empty when the field has no column).
    pub column: String,
    /// The column's letter as the spreadsheet shows it (A, B, ... AA).
    pub letter: String,
    pub field: Field,
    pub key: &'static str,
}

/// One row of the preview.
#[derive(Clone, Debug)]
pub struct PreviewRow {
    pub number: u32,
    /// Given and family name, birth and municipality as read (empty where unreadable).
    pub name: String,
    pub birth: String,
    pub municipality: String,
    pub consent_on: Option<NaiveDate>,
    pub problems: Vec<Problem>,
    /// Headings of the voluntary columns not imported for want of a consent.
    pub lost: Vec<String>,
    pub hints: Vec<DuplicateHint>,
    /// An earlier row of the file with the same name and year of birth.
    pub same_as_row: Option<u32>,
}

impl PreviewRow {
    fn noteworthy(&self) -> bool {
        !self.problems.is_empty()
            || !self.lost.is_empty()
            || !self.hints.is_empty()
            || self.same_as_row.is_some()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Preview {
    pub upload_id: i64,
    pub total: usize,
    pub with_problems: usize,
    pub with_consent: usize,
    pub losing_columns: usize,
    pub with_hints: usize,
    /// The rows listed (the first ones and every noteworthy one, up to the limit).
    pub rows: Vec<PreviewRow>,
}

impl Preview {
    pub fn ready(&self) -> bool {
        self.with_problems == 0 && self.total > 0
    }
}

/// A column's letter (0 → A, 26 → AA).
fn letter(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(char::from(b'A' + u8::try_from(c % 26).unwrap_or(0)));
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.iter().rev().collect()
}

/// Reads every row through the mapping, with the registration's checks and its duplicate check
/// (audited on `conn`).
async fn evaluate<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    sheet: &Sheet,
    mapping: &Mapping,
) -> Result<(Vec<ReadRow>, Vec<PreviewRow>)> {
    let today = ctx.today();
    let served: Vec<(String, String)> = municipality::Entity::find()
        .filter(municipality::Column::Ags.is_in(ctx.actor.municipalities.iter().cloned()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.ags, m.name))
        .collect();
    let places = Places {
        served: &served,
        default: mapping.default_municipality.as_deref(),
    };
    let mut read = Vec::with_capacity(sheet.rows.len());
    let mut shown = Vec::with_capacity(sheet.rows.len());
    let mut by_year: HashMap<i32, Vec<(u32, String)>> = HashMap::new();
    for row in &sheet.rows {
        let mut r = read_row(row, mapping, &places, today);
        let mut hints = Vec::new();
        let mut same_as_row = None;
        if let Some(m) = &r.minimum {
            let checks = check_minimum(conn, ctx, m, false).await?;
            for e in checks.0 {
                r.problems.push(CellProblem {
                    column: mapping.column_of(match e.field {
                        "eligibility_note" => Field::TargetGroup,
                        _ => Field::Municipality,
                    }),
                    field: if e.field == "eligibility_note" {
                        Field::TargetGroup
                    } else {
                        Field::Municipality
                    },
                    key: e.key,
                });
            }
            hints = possible_duplicates(conn, ctx, m).await?;
            let full = format!("{} {}", m.given_name.as_str(), m.family_name.as_str());
            let earlier = by_year.entry(m.birth.year()).or_default();
            same_as_row = earlier
                .iter()
                .find(|(_, other)| names::same_name(&full, other))
                .map(|(n, _)| *n);
            earlier.push((r.number, full));
        }
        let cell = |f: Field| {
            mapping
                .column_of(f)
                .and_then(|c| row.cells.get(c))
                .cloned()
                .unwrap_or_default()
        };
        shown.push(PreviewRow {
            number: r.number,
            name: format!("{} {}", cell(Field::GivenName), cell(Field::FamilyName))
                .trim()
                .to_string(),
            birth: r
                .minimum
                .as_ref()
                .map_or_else(|| cell(Field::Birth), |m| m.birth.display()),
            municipality: r.minimum.as_ref().map_or_else(String::new, |m| {
                served
                    .iter()
                    .find(|(ags, _)| ags == m.municipality.as_str())
                    .map_or_else(|| m.municipality.as_str().to_string(), |(_, n)| n.clone())
            }),
            consent_on: r.consent.as_ref().map(|c| c.given_on),
            problems: r
                .problems
                .iter()
                .map(|p| Problem {
                    column: p
                        .column
                        .and_then(|c| sheet.header.get(c))
                        .cloned()
                        .unwrap_or_default(),
                    letter: p.column.map(letter).unwrap_or_default(),
                    field: p.field,
                    key: p.key,
                })
                .collect(),
            lost: r
                .lost
                .iter()
                .filter_map(|c| sheet.header.get(*c).cloned())
                .collect(),
            hints,
            same_as_row,
        });
        read.push(r);
    }
    Ok((read, shown))
}

fn summarise(upload_id: i64, shown: Vec<PreviewRow>) -> Preview {
    let mut p = Preview {
        upload_id,
        total: shown.len(),
        ..Preview::default()
    };
    for (i, r) in shown.into_iter().enumerate() {
        p.with_problems += usize::from(!r.problems.is_empty());
        p.with_consent += usize::from(r.consent_on.is_some());
        p.losing_columns += usize::from(!r.lost.is_empty());
        p.with_hints += usize::from(!r.hints.is_empty() || r.same_as_row.is_some());
        if (i < PREVIEW_ROWS || r.noteworthy()) && p.rows.len() < PREVIEW_MAX_LISTED {
            p.rows.push(r);
        }
    }
    p
}

/// The preview: saves the mapping (for this upload, and for the actor's next file with the same
/// header row), then reads every row as the import would. Nothing is registered.
pub async fn preview(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    upload_id: i64,
    mapping: &Mapping,
) -> Result<Preview> {
    authorize(db, ctx).await?;
    let tx = db.begin().await?;
    let (u, sheet) = own_upload(&tx, ctx, sealer, upload_id).await?;
    if mapping.columns.len() != sheet.header.len() {
        return Err(Error::field("mapping", "error-choice"));
    }
    let json = mapping.to_json();
    spreadsheet_upload::Entity::update_many()
        .col_expr(
            spreadsheet_upload::Column::Mapping,
            Expr::value(json.clone()),
        )
        .filter(spreadsheet_upload::Column::Id.eq(u.id))
        .exec(&tx)
        .await?;
    spreadsheet_mapping::Entity::insert(spreadsheet_mapping::ActiveModel {
        id: NotSet,
        staff_id: Set(ctx.actor.staff_id),
        header_key: Set(u.header_key.clone()),
        mapping: Set(json),
        updated_at: Set(ctx.now()),
    })
    .on_conflict(
        OnConflict::columns([
            spreadsheet_mapping::Column::StaffId,
            spreadsheet_mapping::Column::HeaderKey,
        ])
        .update_columns([
            spreadsheet_mapping::Column::Mapping,
            spreadsheet_mapping::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&tx)
    .await?;
    let (_, shown) = evaluate(&tx, ctx, &sheet, mapping).await?;
    let p = summarise(upload_id, shown);
    audit::record(
        &tx,
        ctx,
        Event::on(
            "spreadsheet_previewed",
            "spreadsheet_upload",
            format!(
                "{upload_id}: rows {}, problems {}, hints {}",
                p.total, p.with_problems, p.with_hints
            ),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

/// What an import did, or why it did nothing.
#[derive(Clone, Debug)]
pub enum Imported {
    Done {
        registered: usize,
        consents: usize,
        /// Rows with duplicate hints not confirmed: not registered.
        skipped: Vec<u32>,
    },
    /// Rows with problems: nothing was registered; the preview says why.
    Refused(Preview),
}

/// Registers every row of an upload into the actor's caseload, in one transaction: each row as
/// the registration form registers it (the same checks, the same duplicate check: a row with
/// hints is registered only when its number is in `confirmed`), its consent, and its voluntary
/// data when the consent covers it. A file with any problem registers nothing. The upload is
/// removed once imported.
pub async fn import(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    upload_id: i64,
    confirmed: &[u32],
) -> Result<Imported> {
    authorize(db, ctx).await?;
    let tx = db.begin().await?;
    let (u, sheet) = own_upload(&tx, ctx, sealer, upload_id).await?;
    let Some(mapping) = u
        .mapping
        .as_deref()
        .and_then(|m| Mapping::from_json(m, sheet.header.len()))
    else {
        return Err(Error::Conflict("error-sheet-no-mapping"));
    };
    let (read, shown) = evaluate(&tx, ctx, &sheet, &mapping).await?;
    if read
        .iter()
        .any(|r| !r.problems.is_empty() || r.minimum.is_none())
    {
        let p = summarise(upload_id, shown);
        // The hints shown are on record; nothing else is written.
        tx.commit().await?;
        return Ok(Imported::Refused(p));
    }
    let (mut registered, mut consents, mut skipped) = (0usize, 0usize, Vec::new());
    for r in read {
        let Some(m) = &r.minimum else { continue };
        // Run again here: an earlier row of this file may be the same person.
        if !confirmed.contains(&r.number) && !possible_duplicates(&tx, ctx, m).await?.is_empty() {
            skipped.push(r.number);
            continue;
        }
        let (person_id, _) = register_on(&tx, ctx, sealer, m, None, None).await?;
        registered += 1;
        if let Some(c) = &r.consent {
            crate::records::consent::insert(&tx, ctx, person_id, c, None).await?;
            audit::record(
                &tx,
                ctx,
                Event::on("consent_recorded", "person", person_id).section("consent"),
            )
            .await?;
            consents += 1;
            if let Some(i) = r.intake.filter(|i| !i.is_empty()) {
                crate::casework::clients::store_intake(&tx, ctx, person_id, 1, i, None).await?;
                audit::record(
                    &tx,
                    ctx,
                    Event::on("client_updated", "person", person_id).section("intake"),
                )
                .await?;
            }
        }
    }
    spreadsheet_upload::Entity::delete_by_id(u.id)
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        ctx,
        Event::on(
            "spreadsheet_imported",
            "spreadsheet_import",
            format!(
                "rows {}, registered {registered}, consents {consents}, skipped {}",
                sheet.rows.len(),
                skipped.len()
            ),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Imported::Done {
        registered,
        consents,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
    }

    #[test]
    fn mapping_needs_the_minimum_once() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let m = Mapping::parse(&s(&["given_name", "family_name", "birth"]), 3, "08990002").unwrap();
        assert_eq!(m.column_of(Field::Birth), Some(2));
        let e = Mapping::parse(&s(&["given_name", "given_name", "birth"]), 3, "").unwrap_err();
        assert_eq!(e.get("mapping"), Some("error-sheet-mapped-twice"));
        assert_eq!(e.get("municipality"), Some("error-sheet-no-municipality"));
        let e = Mapping::parse(&s(&["given_name", "nonsense", "birth"]), 3, "x").unwrap_err();
        assert!(
            e.0.iter()
                .any(|x| x.key == "error-sheet-missing-family-name")
        );
        let round = Mapping::from_json(&m.to_json(), 3).unwrap();
        assert_eq!(round, m);
    }
}
