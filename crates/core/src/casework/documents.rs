//! Documents a client brings (official decisions, letters from authorities, certificates,
//! applications): stored per person and linked to the case they were uploaded on, with a kind, the
//! date of the letter, a short title and an optional note of what the letter says and what the
//! client must do by when — whose due date sets a follow-up on the case in the same change.
//!
//! The file is stored and sealed like every scan (`consent::store_scan`, judged by its content,
//! size-limited); the title and the note are sealed too. Access is that of the case the document
//! was uploaded on (a document without a case: of the person's record); every list, view and
//! download is an audited read naming the person. Documents are data beyond the minimum: without
//! an active consent they are neither stored nor shown (decision 0020).

use ankommen_store::Db;
use ankommen_store::entities::{case, client_document, document, followup, person};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::casework::followups;
use crate::kernel::access;
use crate::kernel::audit::{self, Event, Seen};
use crate::kernel::catalog::{CaseStatus, DocumentKind};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, CLIENT_DOCUMENT_NOTE, CLIENT_DOCUMENT_TITLE, Sealing};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{parse_date, parse_text, parse_text_req};
use crate::records::consent::{self, Data, Download, Upload};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest title (a line: "Bescheid Jobcenter Weiterbewilligung").
pub const TITLE_MAX: usize = 200;
/// The longest note on what a document says.
pub const NOTE_MAX: usize = 2000;
/// The `documents.kind` of a client's document.
const STORED_KIND: &str = "client_document";

/// The form as typed (the file comes separately).
#[derive(Clone, Debug, Default)]
pub struct DocumentForm {
    /// The person of the case the document belongs to (empty: the case's client).
    pub person: String,
    pub kind: String,
    pub letter_date: String,
    pub title: String,
    pub note: String,
    pub due_on: String,
}

/// A parsed upload.
#[derive(Clone, Debug)]
pub struct DocumentInput {
    pub person: Option<i64>,
    pub kind: DocumentKind,
    pub letter_date: NaiveDate,
    pub title: String,
    pub note: Option<String>,
    /// The day the client must have acted by: a follow-up on the case.
    pub due_on: Option<NaiveDate>,
    pub file: Upload,
}

impl DocumentInput {
    /// Parses the form and checks the file (its type by content, its size). A due date needs
    /// a note of what is due.
    pub fn parse(
        f: &DocumentForm,
        file: Option<Upload>,
        today: NaiveDate,
    ) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let person = match f.person.trim() {
            "" => None,
            p => e.take("person", p.parse::<i64>().map_err(|_| "error-choice")),
        };
        let kind = e.take("kind", DocumentKind::parse(&f.kind));
        let letter_date = e.take("letter_date", parse_date(&f.letter_date));
        if letter_date.is_some_and(|d| d > today) {
            e.add("letter_date", "error-date-future");
        }
        let title = e.take("title", parse_text_req(&f.title, TITLE_MAX));
        let note = e.take("note", parse_text(&f.note, NOTE_MAX)).flatten();
        let due_on = if f.due_on.trim().is_empty() {
            None
        } else {
            followups::parse_due(&mut e, "due_on", &f.due_on, today)
        };
        if due_on.is_some() && note.is_none() && e.get("note").is_none() {
            e.add("note", "error-document-note-for-due");
        }
        match &file {
            None => e.add("scan", "error-required"),
            Some(u) => {
                if let Err(k) = consent::check_scan(u) {
                    e.add("scan", k);
                }
            }
        }
        match (kind, letter_date, title, file) {
            (Some(kind), Some(letter_date), Some(title), Some(file)) if e.is_empty() => Ok(Self {
                person,
                kind,
                letter_date,
                title,
                note,
                due_on,
                file,
            }),
            _ => Err(e),
        }
    }
}

/// The title and the note of a document opened.
fn opened(sealer: &Sealer, mut d: client_document::Model) -> client_document::Model {
    d.title = match &d.title_sealed {
        Some(b) => sealed::open(sealer, CLIENT_DOCUMENT_TITLE.at(d.id), b),
        None => ankommen_store::Opened::Unreadable,
    };
    d.note = sealed::open_opt(
        sealer,
        CLIENT_DOCUMENT_NOTE.at(d.id),
        d.note_sealed.as_deref(),
    );
    d.title_sealed = None;
    d.note_sealed = None;
    d
}

/// Stores a document a client brought, on a case (with its follow-up, if the note has a due
/// date). Returns the document's id.
pub async fn upload(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    input: DocumentInput,
) -> Result<i64> {
    let today = ctx.today();
    let tx = db.begin().await?;
    let ev = Event::on("client_document_added", "case", case_id).section("documents");
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    let persons = crate::casework::cases::persons_of(&tx, case_id).await?;
    let person_id = match input.person {
        None => persons.first().map(|p| p.id).ok_or(Error::NotFound)?,
        Some(p) if persons.iter().any(|x| x.id == p) => p,
        Some(_) => return Err(Error::field("person", "error-choice")),
    };
    consent::require(&tx, person_id, Data::Documents, today).await?;
    if input.due_on.is_some() && c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-followup-case-closed"));
    }
    let sealing = Sealing::begin(&tx, sealer).await?;
    let document_id =
        consent::store_scan(&tx, ctx, &sealing, person_id, STORED_KIND, &input.file).await?;
    let followup_id = match (input.due_on, &input.note) {
        (Some(due), Some(note)) => {
            let reason: String = note
                .chars()
                .take(crate::casework::contacts::REASON_MAX)
                .collect();
            let id = followups::insert(&tx, ctx, &sealing, case_id, due, &reason, None).await?;
            audit::record(
                &tx,
                ctx,
                Event::on("followup_created", "followup", id).case(case_id),
            )
            .await?;
            Some(id)
        }
        _ => None,
    };
    let id = client_document::Entity::insert(client_document::ActiveModel {
        id: NotSet,
        person_id: Set(person_id),
        case_id: Set(Some(case_id)),
        document_id: Set(document_id),
        kind: Set(input.kind.as_str().into()),
        letter_date: Set(input.letter_date),
        // Sealed for the row, so written once the row has its id.
        title_sealed: NotSet,
        note_sealed: NotSet,
        followup_id: Set(followup_id),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(ctx.now()),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    client_document::Entity::update_many()
        .col_expr(
            client_document::Column::TitleSealed,
            Expr::value(sealing.seal(CLIENT_DOCUMENT_TITLE.at(id), &input.title)?),
        )
        .col_expr(
            client_document::Column::NoteSealed,
            Expr::value(sealing.seal_opt(CLIENT_DOCUMENT_NOTE.at(id), input.note.as_deref())?),
        )
        .filter(client_document::Column::Id.eq(id))
        .exec(&tx)
        .await?;
    audit::record(&tx, ctx, ev.person(person_id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The documents of a case, for its documents page.
#[derive(Clone, Debug)]
pub struct CaseDocuments {
    pub case: case::Model,
    pub persons: Vec<person::Model>,
    /// Newest letter first; titles opened, notes not read.
    pub documents: Vec<client_document::Model>,
    /// The persons whose documents are not shown: their consent does not cover them.
    pub withheld: Vec<i64>,
}

/// The documents uploaded on a case. The read is audited naming each of the case's persons.
pub async fn list(db: &Db, ctx: &Ctx, sealer: &Sealer, case_id: i64) -> Result<CaseDocuments> {
    audit::read(db, async |tx| {
        let ev = Event::on("client_documents_listed", "case", case_id).section("documents");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let persons = crate::casework::cases::persons_of(tx, case_id).await?;
        let coverage = consent::coverages(tx, persons.iter().map(|p| p.id), ctx.today()).await?;
        let covered = |p: i64| coverage.get(&p).is_some_and(|c| c.covers(Data::Documents));
        let documents = client_document::Entity::find()
            .filter(client_document::Column::CaseId.eq(case_id))
            .order_by_desc(client_document::Column::LetterDate)
            .order_by_desc(client_document::Column::Id)
            .all(tx)
            .await?
            .into_iter()
            .filter(|d| covered(d.person_id))
            .map(|mut d| {
                // The list shows titles only.
                d.note_sealed = None;
                opened(sealer, d)
            })
            .collect();
        let withheld = persons
            .iter()
            .map(|p| p.id)
            .filter(|p| !covered(*p))
            .collect();
        audit::record_seen(
            tx,
            ctx,
            ev,
            persons.iter().map(|p| Seen {
                person_id: p.id,
                case_id: Some(case_id),
            }),
        )
        .await?;
        Ok(CaseDocuments {
            case: c,
            persons,
            documents,
            withheld,
        })
    })
    .await
}

/// Loads a document the actor may read, authorised as the case it was uploaded on (else the
/// person's record), and refuses it unless the person's consent covers it.
async fn readable<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
    action: &'static str,
) -> Result<(client_document::Model, Event)> {
    let Some(d) = client_document::Entity::find_by_id(id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    let mut ev = Event::on(action, "person", d.person_id).section("documents");
    match d.case_id {
        Some(case_id) => {
            ev = ev.case(case_id);
            access::case_for(conn, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        }
        None => {
            access::person_for(conn, ctx, d.person_id, Action::ReadClient, ev.clone()).await?;
        }
    }
    consent::require(conn, d.person_id, Data::Documents, ctx.today()).await?;
    Ok((d, ev))
}

/// A document with its title and note opened, the person, and the follow-up set with it.
#[derive(Clone, Debug)]
pub struct DocumentDetail {
    pub document: client_document::Model,
    pub person: person::Model,
    pub content_type: String,
    pub size: i64,
    pub followup: Option<followup::Model>,
}

/// One document's page. The read is audited naming the person.
pub async fn get(db: &Db, ctx: &Ctx, sealer: &Sealer, id: i64) -> Result<DocumentDetail> {
    audit::read(db, async |tx| {
        let (d, ev) = readable(tx, ctx, id, "client_document_viewed").await?;
        let person = person::Entity::find_by_id(d.person_id)
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        let file = document::Entity::find_by_id(d.document_id)
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        let followup = match d.followup_id {
            Some(f) => followup::Entity::find_by_id(f)
                .one(tx)
                .await?
                .map(|f| followups::opened(sealer, f)),
            None => None,
        };
        audit::record(tx, ctx, ev).await?;
        Ok(DocumentDetail {
            document: opened(sealer, d),
            person,
            content_type: file.content_type,
            size: file.size,
            followup,
        })
    })
    .await
}

/// A document's file, for download. The read is audited naming the person.
pub async fn download(db: &Db, ctx: &Ctx, sealer: &Sealer, id: i64) -> Result<Download> {
    audit::read(db, async |tx| {
        let (d, ev) = readable(tx, ctx, id, "client_document_downloaded").await?;
        let file = document::Entity::find_by_id(d.document_id)
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(tx, ctx, ev).await?;
        let name = format!("dokument-{id}.{}", consent::extension(&file.content_type));
        consent::download(sealer, file, name)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> DocumentForm {
        DocumentForm {
            person: String::new(),
            kind: "decision".into(),
            letter_date: "2026-11-02".into(),
            title: "Bescheid".into(),
            note: String::new(),
            due_on: String::new(),
        }
    }

    fn pdf() -> Option<Upload> {
        Some(Upload {
            bytes: b"%PDF-1.7 x".to_vec(),
        })
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
    }

    #[test]
    fn a_document_needs_a_kind_a_date_a_title_and_a_file_of_a_known_type() {
        assert!(DocumentInput::parse(&form(), pdf(), today()).is_ok());
        let bad = DocumentForm {
            kind: "passport".into(),
            letter_date: "31.02.2026".into(),
            title: " ".into(),
            ..form()
        };
        let e = DocumentInput::parse(&bad, None, today())
            .err()
            .unwrap_or_default();
        assert_eq!(e.get("kind"), Some("error-choice"));
        assert_eq!(e.get("letter_date"), Some("error-date"));
        assert_eq!(e.get("title"), Some("error-required"));
        assert_eq!(e.get("scan"), Some("error-required"));
        let html = Some(Upload {
            bytes: b"<html>".to_vec(),
        });
        let e = DocumentInput::parse(&form(), html, today())
            .err()
            .unwrap_or_default();
        assert_eq!(e.get("scan"), Some("error-scan-type"));
    }

    #[test]
    fn a_due_date_needs_a_note_and_may_not_lie_in_the_past() {
        let due = DocumentForm {
            due_on: "2026-12-01".into(),
            ..form()
        };
        let e = DocumentInput::parse(&due, pdf(), today())
            .err()
            .unwrap_or_default();
        assert_eq!(e.get("note"), Some("error-document-note-for-due"));
        let past = DocumentForm {
            due_on: "2026-11-01".into(),
            note: "Widerspruch einlegen".into(),
            ..form()
        };
        let e = DocumentInput::parse(&past, pdf(), today())
            .err()
            .unwrap_or_default();
        assert_eq!(e.get("due_on"), Some("error-followup-past"));
        let ok = DocumentForm {
            due_on: "2026-12-01".into(),
            note: "Widerspruch einlegen".into(),
            ..form()
        };
        let input = DocumentInput::parse(&ok, pdf(), today()).ok();
        assert_eq!(
            input.and_then(|i| i.due_on),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
    }
}
