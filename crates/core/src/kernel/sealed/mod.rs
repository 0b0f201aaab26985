//! The sealed columns: which columns of which tables are sealed and what each value is bound to,
//! sealing inside a change (under the key the database names as current), opening for display
//! (a value that does not open becomes the "cannot be opened" marker, never an error page), the
//! start-up conversion of plaintext ([`convert`]) and the key rotation ([`rotate`]).
//!
//! Every sealed value goes through this one path; the crypto is in [`super::sealing`]. The
//! associated data of a value is its table, its column and its row's key and, for rows changed in
//! place, the row's version: a change that bumps the version seals the row's values again for the
//! new version ([`Sealing::reseal`]), so that an older value copied back into the row (a backup of
//! one column restored, an insider with SQL access) no longer opens. Rows never changed are bound
//! to their key alone. See `docs/decisions/0011-sealing-everything-special-and-key-rotation.md`.

mod convert;
mod keys;
mod rotate;
mod scan;

pub use self::convert::{Converted, convert};
pub use self::keys::{KeyCheck, check_encryption_key, current_key_id, record_current_key};
pub use self::rotate::{Plaintext, Rotated, count_under_other_keys, plaintexts, rotate};

use ankommen_store::Opened;
use sea_orm::ConnectionTrait;

use super::sealing::{Aad, Sealer};
use crate::{Error, Result};

/// How a sealed column's values are bound to their row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// To the row's `id`: rows that are never changed in place.
    Id,
    /// To the row's `id` and `version`: rows changed in place.
    Version,
    /// To a composite key of two columns (rows never changed).
    Pair(&'static str, &'static str),
}

/// Whether a column holds text or bytes (a scan).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    Text,
    Bytes,
}

/// What the start-up conversion seals into a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legacy {
    /// Nothing: the column was sealed in format 2 from the start.
    None,
    /// The plaintext column (text, or bytes for a scan) it replaces, dropped after conversion.
    Plain(&'static str),
    /// A text column holding the hex of a format-1 value sealed for (table, this name, id).
    HexFormat1(&'static str),
    /// The column itself held format-1 values sealed for (table, column, id).
    Format1,
}

/// A sealed column.
#[derive(Debug, PartialEq, Eq)]
pub struct Column {
    pub table: &'static str,
    /// The blob column holding the sealed value.
    pub column: &'static str,
    pub binding: Binding,
    pub content: Content,
    pub legacy: Legacy,
}

const fn column(
    table: &'static str,
    column: &'static str,
    binding: Binding,
    legacy: Legacy,
) -> Column {
    Column {
        table,
        column,
        binding,
        content: Content::Text,
        legacy,
    }
}

use Binding::{Id, Pair, Version};
use Legacy::Plain;

pub const PERSON_HEALTH: Column = column("persons", "health_sealed", Version, Legacy::Format1);
pub const CONTACT_NOTE: Column = column(
    "contacts",
    "note_sealed",
    Version,
    Legacy::HexFormat1("note"),
);
pub const CASE_EXTENSION_REASON: Column = column(
    "cases",
    "extension_reason_sealed",
    Version,
    Plain("extension_reason"),
);
pub const CASE_ELIGIBILITY_NOTE: Column = column(
    "cases",
    "eligibility_note_sealed",
    Version,
    Plain("eligibility_note"),
);
pub const CASE_CLOSURE_NOTE: Column = column(
    "cases",
    "closure_note_sealed",
    Version,
    Plain("closure_note"),
);
pub const CASE_HANDOVER_NOTE: Column = column(
    "cases",
    "handover_note_sealed",
    Version,
    Plain("handover_note"),
);
/// The reason of a pause, closure, reopening, extension, move or handover.
pub const CASE_EVENT_REASON: Column = column("case_events", "reason_sealed", Id, Plain("reason"));
pub const GOAL_TEXT: Column = column("goals", "text_sealed", Version, Plain("text"));
pub const GOAL_STATUS_REASON: Column = column(
    "goals",
    "status_reason_sealed",
    Version,
    Plain("status_reason"),
);
pub const STEP_TEXT: Column = column("steps", "text_sealed", Version, Plain("text"));
pub const REVIEW_SUMMARY: Column = column("reviews", "summary_sealed", Id, Plain("summary"));
pub const REVIEW_CHANGES: Column = column("reviews", "changes_sealed", Id, Plain("changes"));
pub const REVIEW_ASSESSMENT: Column = column(
    "review_assessments",
    "assessment_sealed",
    Pair("review_id", "goal_id"),
    Plain("assessment"),
);
pub const PLAN_SNAPSHOT: Column = column("plan_versions", "snapshot_sealed", Id, Plain("snapshot"));
pub const FOLLOWUP_REASON: Column = column("followups", "reason_sealed", Version, Plain("reason"));
/// Why a team lead asks to take a case (it becomes the case's handover note once confirmed).
pub const CONFIRMATION_REASON: Column = column("confirmations", "reason_sealed", Id, Legacy::None);
/// Why a client was referred to a regular service (imported referrals).
pub const REFERRAL_REASON: Column = column("referrals", "reason_sealed", Version, Legacy::None);
/// What a volunteer does with the person they are matched with (issue 23).
pub const VOLUNTEER_PURPOSE: Column =
    column("volunteer_matches", "purpose_sealed", Id, Legacy::None);
/// The short title of a document a client brought (it names the authority and the matter).
pub const CLIENT_DOCUMENT_TITLE: Column =
    column("client_documents", "title_sealed", Id, Legacy::None);
/// What a document says and what the client must do by when.
pub const CLIENT_DOCUMENT_NOTE: Column =
    column("client_documents", "note_sealed", Id, Legacy::None);
/// A general case note.
pub const CASE_NOTE_TEXT: Column = column("case_notes", "text_sealed", Id, Legacy::None);
/// Every stored file (consent and plan scans, documents clients bring).
pub const DOCUMENT_CONTENT: Column = Column {
    content: Content::Bytes,
    ..column("documents", "content_sealed", Id, Plain("content"))
};

/// An uploaded spreadsheet's rows between its import steps.
pub const SPREADSHEET_UPLOAD: Column = Column {
    content: Content::Bytes,
    ..column("spreadsheet_uploads", "content_sealed", Id, Legacy::None)
};

/// A staff member's TOTP secret (decision 0038).
pub const STAFF_SECOND_FACTOR: Column = column("second_factors", "secret_sealed", Id, Legacy::None);

/// Every sealed column.
pub const ALL: [&Column; 24] = [
    &PERSON_HEALTH,
    &CONTACT_NOTE,
    &CASE_EXTENSION_REASON,
    &CASE_ELIGIBILITY_NOTE,
    &CASE_CLOSURE_NOTE,
    &CASE_HANDOVER_NOTE,
    &CASE_EVENT_REASON,
    &GOAL_TEXT,
    &GOAL_STATUS_REASON,
    &STEP_TEXT,
    &REVIEW_SUMMARY,
    &REVIEW_CHANGES,
    &REVIEW_ASSESSMENT,
    &PLAN_SNAPSHOT,
    &FOLLOWUP_REASON,
    &CONFIRMATION_REASON,
    &REFERRAL_REASON,
    &VOLUNTEER_PURPOSE,
    &CLIENT_DOCUMENT_TITLE,
    &CLIENT_DOCUMENT_NOTE,
    &CASE_NOTE_TEXT,
    &DOCUMENT_CONTENT,
    &SPREADSHEET_UPLOAD,
    &STAFF_SECOND_FACTOR,
];

/// Where one value lives: its column and the associated data of its row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub column: &'static Column,
    aad: Aad<'static>,
}

impl Column {
    /// The value of the row `id` (a column bound to the id).
    pub fn at(&'static self, id: i64) -> Place {
        debug_assert_eq!(self.binding, Binding::Id, "{}.{}", self.table, self.column);
        self.place(Aad::new(self.table, self.column, id))
    }

    /// The value of the row `id` at `version` (a column of rows changed in place).
    pub fn at_version(&'static self, id: i64, version: i32) -> Place {
        debug_assert_eq!(
            self.binding,
            Binding::Version,
            "{}.{}",
            self.table,
            self.column
        );
        self.place(Aad::new(self.table, self.column, id).at_version(i64::from(version)))
    }

    /// The value of the row with the composite key (`a`, `b`).
    pub fn at_pair(&'static self, a: i64, b: i64) -> Place {
        debug_assert!(
            matches!(self.binding, Binding::Pair(..)),
            "{}.{}",
            self.table,
            self.column
        );
        self.place(Aad::new(self.table, self.column, a).with_part(b))
    }

    fn place(&'static self, aad: Aad<'static>) -> Place {
        Place { column: self, aad }
    }
}

fn internal(what: &str, place: &Place, e: impl std::fmt::Display) -> Error {
    Error::Internal(format!(
        "{what} {}.{} of row {}: {e}",
        place.column.table, place.column.column, place.aad.row
    ))
}

/// Sealing inside one change: under the key the database names as current (see [`keys`]), which
/// this instance reads from its key file if it does not hold it yet. Obtained once per
/// transaction, after the access check; on PostgreSQL it holds a share lock on the key's record,
/// so a rotation cannot name another key while the change is under way.
pub struct Sealing<'a> {
    sealer: &'a Sealer,
    key_id: String,
}

impl<'a> Sealing<'a> {
    pub async fn begin<C: ConnectionTrait>(conn: &C, sealer: &'a Sealer) -> Result<Self> {
        let key_id = match current_key_id(conn, true).await? {
            Some(id) => id,
            // A database whose key was never checked (only in tests of the services).
            None => sealer.key_id(),
        };
        if !sealer.holds(&key_id) {
            return Err(Error::Internal(format!(
                "the database seals under encryption key {key_id}, which this instance's key does not include (it holds {}); give it the key file the rotation wrote",
                sealer.key_ids().join(", ")
            )));
        }
        Ok(Self { sealer, key_id })
    }

    /// The sealer (to open what the change reads).
    pub fn sealer(&self) -> &'a Sealer {
        self.sealer
    }

    pub fn seal(&self, place: Place, text: &str) -> Result<Vec<u8>> {
        self.seal_bytes(place, text.as_bytes())
    }

    pub fn seal_opt(&self, place: Place, text: Option<&str>) -> Result<Option<Vec<u8>>> {
        text.map(|t| self.seal(place, t)).transpose()
    }

    pub fn seal_bytes(&self, place: Place, bytes: &[u8]) -> Result<Vec<u8>> {
        self.sealer
            .seal_under(&self.key_id, &place.aad, bytes)
            .map_err(|e| internal("sealing", &place, e))
    }

    /// A stored value sealed again for another place — the next version of its row. A value that
    /// does not open stays as it is (it did not open before either).
    pub fn reseal(&self, from: Place, to: Place, blob: &[u8]) -> Result<Vec<u8>> {
        match self.sealer.open_bytes(&from.aad, blob) {
            Ok(plain) => {
                let plain = zeroize::Zeroizing::new(plain);
                self.seal_bytes(to, &plain)
            }
            Err(_) => Ok(blob.to_vec()),
        }
    }

    pub fn reseal_opt(
        &self,
        from: Place,
        to: Place,
        blob: Option<&[u8]>,
    ) -> Result<Option<Vec<u8>>> {
        blob.map(|b| self.reseal(from, to, b)).transpose()
    }
}

/// Opens a stored text value for display. A value that does not open (wrong or missing key,
/// altered, copied from another row or from an earlier version of its row) is logged by its
/// place alone and shown as the "cannot be opened" marker.
pub fn open(sealer: &Sealer, place: Place, blob: &[u8]) -> Opened {
    match sealer.open(&place.aad, blob) {
        Ok(text) => Opened::Text(text),
        Err(e) => {
            tracing::warn!(
                table = place.column.table,
                column = place.column.column,
                row = place.aad.row,
                "a sealed value cannot be opened: {e}"
            );
            Opened::Unreadable
        }
    }
}

/// [`open`] for a column that may be empty.
pub fn open_opt(sealer: &Sealer, place: Place, blob: Option<&[u8]>) -> Option<Opened> {
    blob.map(|b| open(sealer, place, b))
}

/// Opens a stored scan. One that does not open is refused as a conflict (the page says the file
/// cannot be opened), never handed out.
pub fn open_bytes(sealer: &Sealer, place: Place, blob: &[u8]) -> Result<Vec<u8>> {
    sealer.open_bytes(&place.aad, blob).map_err(|e| {
        tracing::warn!(
            table = place.column.table,
            column = place.column.column,
            row = place.aad.row,
            "a sealed file cannot be opened: {e}"
        );
        Error::Conflict("error-sealed-unreadable")
    })
}

/// The text of an opened value that a change must copy (a plan frozen as a version): a value
/// that does not open stops the change rather than freezing a gap.
pub fn readable(opened: &Opened) -> Result<&str> {
    opened
        .text()
        .ok_or(Error::Conflict("error-sealed-unreadable"))
}
