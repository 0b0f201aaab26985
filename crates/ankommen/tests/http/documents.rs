//! HTTP tests: documents a client brings and general case notes (issue 26, decision 0020) —
//! upload with the type judged by content, the size limit, bad input as field errors that keep what
//! was typed, sealing at rest, the audited list, view and download, the follow-up set by a due
//! date, the consent gate, the access matrix, case notes in the timeline, and the Art. 15 export.

use axum::http::StatusCode;
use serde_json::Value;

use ankommen_core::kernel::sealed::{CASE_NOTE_TEXT, CLIENT_DOCUMENT_NOTE, CLIENT_DOCUMENT_TITLE};

use ankommen_store::entities::{client_document, document};
use ankommen_store::sea_orm::{ConnectionTrait, EntityTrait};

use crate::consent::post_multipart;
use crate::fixtures::{self, register_consenting, register_named};
use crate::support::{Client, Resp, TestApp};

fn pdf_with(words: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {words}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
        .into_bytes()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The fields of a valid upload (a decision dated 2026-11-02).
fn fields<'a>(title: &'a str, note: &'a str, due_on: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("kind", "decision"),
        ("letter_date", "2026-11-02"),
        ("title", title),
        ("note", note),
        ("due_on", due_on),
    ]
}

/// Fields replaced in an otherwise valid form.
type Changes = &'static [(&'static str, &'static str)];

/// Uploads a document on the case as `c` (who has opened a page, so holds a CSRF token).
async fn upload(
    c: &mut Client,
    case_id: i64,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, Vec<u8>)>,
) -> Resp {
    c.get(&format!("/cases/{case_id}/documents")).await;
    post_multipart(c, &format!("/cases/{case_id}/documents"), fields, file).await
}

/// Uploads a valid PDF and returns the new document's id.
async fn upload_ok(c: &mut Client, case_id: i64, title: &str, note: &str, due_on: &str) -> i64 {
    let r = upload(
        c,
        case_id,
        &fields(title, note, due_on),
        Some(("bescheid.pdf", "application/pdf", pdf_with(title))),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .strip_prefix("/client-documents/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{}", r.location()))
}

/// Audit events of an action naming the person, by the actor.
async fn events(t: &TestApp, action: &str, person: i64, actor: &str, outcome: &str) -> i64 {
    t.scalar(&format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}' AND person_id = {person} \
         AND actor_staff_id = {} AND outcome = '{outcome}'",
        t.id(actor)
    ))
    .await
}

#[tokio::test]
async fn a_document_is_uploaded_listed_opened_and_downloaded_each_audited_naming_the_person() {
    let t = TestApp::new().await;
    let c = register_consenting(&t, "awo.im1", "Leyla", "Ahmadi", None, "1992").await;
    let mut im = t.login("awo.im1").await;
    let case = c.case_id;

    // The case page links to the documents.
    im.get(&format!("/cases/{case}"))
        .await
        .assert_contains(&format!("href=\"/cases/{case}/documents\""));
    let empty = im.get(&format!("/cases/{case}/documents")).await;
    assert_eq!(empty.status, StatusCode::OK);
    empty.assert_contains("noch keine Dokumente");

    // A PDF named .jpg with a JPEG type claimed is stored as a PDF: the content decides.
    let title = "Bescheid Jobcenter Weiterbewilligung";
    let note = "Widerspruch bis Monatsende einlegen";
    let r = upload(
        &mut im,
        case,
        &fields(title, note, "2026-12-01"),
        Some(("foto.jpg", "image/jpeg", pdf_with("Jobcenter"))),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let (doc, ct): (i64, String) = {
        let row = client_document::Entity::find_by_id(id)
            .one(t.db.reader())
            .await
            .unwrap()
            .unwrap();
        let file = document::Entity::find_by_id(row.document_id)
            .one(t.db.reader())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.person_id, c.person_id);
        assert_eq!(row.case_id, Some(case));
        assert_eq!(row.kind, "decision");
        (file.id, file.content_type)
    };
    assert_eq!(ct, "application/pdf");
    assert_eq!(
        events(
            &t,
            "client_document_added",
            c.person_id,
            "awo.im1",
            "allowed"
        )
        .await,
        1
    );

    // The due date set a follow-up on the case, with the note as its reason.
    let fid = t
        .scalar(&format!(
            "SELECT CAST(followup_id AS BIGINT) AS n FROM client_documents WHERE id = {id}"
        ))
        .await;
    assert!(fid > 0);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM followups WHERE id = {fid} AND case_id = {case} \
             AND due_on = '2026-12-01' AND done_on IS NULL"
        ))
        .await,
        1
    );
    im.get(&format!("/cases/{case}"))
        .await
        .assert_contains(note);

    // The document's page: title, kind, date, note, due date; the list shows the title.
    let page = im.get(&format!("/client-documents/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(title);
    page.assert_contains("Bescheid</dd>");
    page.assert_contains("02.11.2026");
    page.assert_contains(note);
    page.assert_contains("01.12.2026");
    page.assert_contains(&format!("href=\"/client-documents/{id}/file\""));
    let list = im.get(&format!("/cases/{case}/documents")).await;
    list.assert_contains(title);
    list.assert_contains(&format!("href=\"/client-documents/{id}\""));

    // The download: the bytes as uploaded, a name without personal data, never sniffed or cached.
    let file = im.get(&format!("/client-documents/{id}/file")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, pdf_with("Jobcenter"));
    assert_eq!(file.header("content-type"), "application/pdf");
    assert_eq!(
        file.header("content-disposition"),
        format!("attachment; filename=\"dokument-{id}.pdf\"")
    );
    assert_eq!(file.header("x-content-type-options"), "nosniff");
    assert_eq!(file.header("cache-control"), "no-store");

    // Every list, view and download is an audited read naming the person.
    for (action, n) in [
        ("client_documents_listed", 3),
        ("client_document_viewed", 1),
        ("client_document_downloaded", 1),
    ] {
        assert_eq!(
            events(&t, action, c.person_id, "awo.im1", "allowed").await,
            n,
            "{action}"
        );
    }
    // The file row is sealed like every scan.
    let blob = t.blob("documents", "content_sealed", doc).await.unwrap();
    assert!(!contains(&blob, b"Jobcenter"));
}

#[tokio::test]
async fn titles_notes_files_and_case_notes_are_sealed_at_rest() {
    let t = TestApp::new().await;
    let c = register_consenting(&t, "awo.im1", "Samir", "Khalil", None, "1979").await;
    let mut im = t.login("awo.im1").await;
    let title = "SEALDOC-title Ablehnung Eingliederungshilfe";
    let note = "SEALDOC-note Termin beim Sozialpsychiatrischen Dienst";
    let id = upload_ok(&mut im, c.case_id, title, note, "").await;
    im.get(&format!("/cases/{}/notes/new", c.case_id)).await;
    let text = "SEALDOC-casenote Vermieter hat angerufen";
    let r = im
        .post(
            &format!("/cases/{}/notes", c.case_id),
            &[("note_text", text)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let note_id = t
        .scalar("SELECT CAST(MAX(id) AS BIGINT) AS n FROM case_notes")
        .await;

    // Each value opens to what was typed, and its stored bytes are not the text.
    for (col, row, plain) in [
        (&CLIENT_DOCUMENT_TITLE, id, title),
        (&CLIENT_DOCUMENT_NOTE, id, note),
        (&CASE_NOTE_TEXT, note_id, text),
    ] {
        assert_eq!(t.opened_text(col, row).await.as_deref(), Some(plain));
        let blob = t.blob(col.table, col.column, row).await.unwrap();
        assert!(!contains(&blob, b"SEALDOC"), "{}.{}", col.table, col.column);
    }
    // Nowhere in the database in the clear: the SQLite file and its log, or any PostgreSQL row.
    match t.sqlite_file() {
        Some(file) => {
            let mut wal = file.clone().into_os_string();
            wal.push("-wal");
            for path in [file, wal.into()] {
                let bytes = std::fs::read(&path).unwrap_or_default();
                assert!(!contains(&bytes, b"SEALDOC"), "{}", path.display());
            }
        }
        None => {
            for table in ["client_documents", "case_notes", "documents", "followups"] {
                let n = t
                    .scalar(&format!(
                        "SELECT COUNT(*) AS n FROM {table} x WHERE CAST(x AS TEXT) LIKE '%SEALDOC%' \
                         OR CAST(x AS TEXT) LIKE '%5345414c444f43%'"
                    ))
                    .await;
                assert_eq!(n, 0, "{table}");
            }
        }
    }
}

#[tokio::test]
async fn wrong_files_and_bad_input_are_field_errors_that_keep_what_was_typed() {
    let t = TestApp::new().await;
    let c = register_consenting(&t, "awo.im1", "Hamid", "Rahimi", None, "1988").await;
    let mut im = t.login("awo.im1").await;
    let title = "Schreiben Ausländerbehörde";
    let typed = vec![
        ("kind", "authority_letter"),
        ("letter_date", "2026-10-15"),
        ("title", title),
        ("note", "Pass vorlegen"),
        ("due_on", ""),
    ];
    // An HTML page and a Windows program, each named .pdf: refused with a German message; the form
    // keeps the title, the kind and the date.
    for bytes in [
        b"<html><script>alert(1)</script></html>".to_vec(),
        b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode".to_vec(),
    ] {
        let r = upload(
            &mut im,
            c.case_id,
            &typed,
            Some(("bescheid.pdf", "application/pdf", bytes)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        r.assert_contains("id=\"e-scan\"");
        r.assert_contains("Nur PDF, JPEG oder PNG sind erlaubt.");
        r.assert_contains(&format!("value=\"{title}\""));
        r.assert_contains("value=\"authority_letter\" selected");
        r.assert_contains("value=\"2026-10-15\"");
        r.assert_contains("Pass vorlegen");
    }
    // Too large: just over the limit (refused by the rule) and far over it (cut by the body limit).
    for size in [10 * 1024 * 1024 + 1, 13 * 1024 * 1024] {
        let mut big = pdf_with("gross");
        big.resize(size, b'x');
        let r = upload(
            &mut im,
            c.case_id,
            &typed,
            Some(("gross.pdf", "application/pdf", big)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{size}");
        r.assert_contains("zu groß (höchstens 10 MB)");
    }
    // Missing title, a kind outside the catalogue, a date that is none, a due date without a note,
    // no file: each a field error next to its field, never a 500.
    let cases: [(Changes, &str, &str); 5] = [
        (&[("title", "")], "e-title", "Bitte ausfüllen."),
        (&[("kind", "passport")], "e-kind", ""),
        (&[("letter_date", "31.02.2026")], "e-letter_date", ""),
        (
            &[("note", ""), ("due_on", "2026-12-24")],
            "e-note",
            "Für eine Frist bitte notieren, was zu tun ist.",
        ),
        (&[("due_on", "2020-01-01")], "e-due_on", ""),
    ];
    for (changes, error_id, msg) in cases {
        let mut f = typed.clone();
        for (k, v) in changes {
            f.retain(|(name, _)| name != k);
            f.push((k, v));
        }
        let r = upload(
            &mut im,
            c.case_id,
            &f,
            Some(("bescheid.pdf", "application/pdf", pdf_with("ok"))),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{error_id}: {}",
            r.body
        );
        r.assert_contains(&format!("id=\"{error_id}\""));
        r.assert_contains(msg);
    }
    let r = upload(&mut im, c.case_id, &typed, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-scan\"");
    // Nothing was stored.
    assert_eq!(t.count("client_documents").await, 0);
    assert_eq!(t.count("documents").await, 0);
    assert_eq!(t.count("followups").await, 0);
}

#[tokio::test]
async fn without_an_active_consent_documents_are_neither_stored_nor_shown() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Olha", "Bondarenko", None, "1985").await;
    let mut im = t.login("awo.im1").await;
    let r = upload(
        &mut im,
        c.case_id,
        &fields("Bescheid Familienkasse", "", ""),
        Some(("b.pdf", "application/pdf", pdf_with("x"))),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("value=\"Bescheid Familienkasse\"");
    assert_eq!(t.count("client_documents").await, 0);
    let list = im.get(&format!("/cases/{}/documents", c.case_id)).await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains("id=\"documents-withheld\"");

    // Given later, then withdrawn: the stored document is no longer shown or handed out.
    let consent = fixtures::give_consent(&t, "awo.im1", c.person_id).await;
    let id = upload_ok(&mut im, c.case_id, "Bescheid Familienkasse", "", "").await;
    let ctx = t.ctx_of("awo.im1").await;
    let v = t
        .scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM consents WHERE id = {consent}"
        ))
        .await;
    ankommen_core::records::consent::withdraw(
        &t.db,
        &ctx,
        consent,
        i32::try_from(v).unwrap(),
        &ctx.today().to_string(),
        "",
    )
    .await
    .unwrap();
    let list = im.get(&format!("/cases/{}/documents", c.case_id)).await;
    assert!(!list.body.contains("Bescheid Familienkasse"));
    for path in [
        format!("/client-documents/{id}"),
        format!("/client-documents/{id}/file"),
    ] {
        let r = im.get(&path).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{path}");
        assert!(!r.body.contains("Bescheid Familienkasse"));
        assert!(!r.bytes.starts_with(b"%PDF"));
    }
}

/// Every route of these pages, as `user`: each must answer 404 and show nothing of the client.
async fn refused(t: &TestApp, c: &mut Client, case: i64, id: i64, who: &str) {
    for path in [
        format!("/cases/{case}/documents"),
        format!("/client-documents/{id}"),
        format!("/client-documents/{id}/file"),
        format!("/cases/{case}/notes/new"),
    ] {
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {path}");
        assert!(!r.body.contains("Zugangsmatrix"), "{who} {path}");
        assert!(!r.bytes.starts_with(b"%PDF"), "{who} {path}");
    }
    c.get("/").await;
    let r = c
        .post(&format!("/cases/{case}/notes"), &[("note_text", "fremd")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} note");
    let r = post_multipart(
        c,
        &format!("/cases/{case}/documents"),
        &fields("fremd", "", ""),
        Some(("b.pdf", "application/pdf", pdf_with("fremd"))),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} upload");
    let _ = t;
}

#[tokio::test]
async fn only_the_im_holding_the_case_or_sharing_it_gets_at_the_documents() {
    let t = TestApp::new().await;
    let c = register_consenting(&t, "awo.im1", "Aster", "Tesfaye", None, "1990").await;
    let mut holder = t.login("awo.im1").await;
    let id = upload_ok(&mut holder, c.case_id, "Zugangsmatrix Zeugnis", "", "").await;
    let case = c.case_id;

    // A colleague of the same team, the team lead, the organisation's and the county's
    // administrators, the data-protection officer, and an IM of another organisation: 404, audited.
    for user in [
        "awo.im2",
        "awo.leitung",
        "awo.admin",
        "admin",
        "datenschutz",
        "caritas.im",
        "caritas.leitung",
    ] {
        let mut c = t.login(user).await;
        refused(&t, &mut c, case, id, user).await;
        assert!(
            t.audit_has("client_document_viewed", "denied", Some(t.id(user)))
                .await,
            "{user}"
        );
    }
    assert!(
        events(
            &t,
            "client_document_downloaded",
            c.person_id,
            "caritas.im",
            "denied"
        )
        .await
            > 0
    );
    assert_eq!(t.count("case_notes").await, 0);
    assert_eq!(t.count("client_documents").await, 1);

    // Shared with a colleague: they read it; deactivated, they get nothing any more.
    holder.get(&format!("/cases/{case}")).await;
    let im2 = t.id("awo.im2").to_string();
    let r = holder
        .post(
            &format!("/cases/{case}/share"),
            &[("staff_id", im2.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut shared = t.login("awo.im2").await;
    let r = shared.get(&format!("/client-documents/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Zugangsmatrix Zeugnis");
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET active = false WHERE id = {}",
            t.id("awo.im2")
        ))
        .await
        .unwrap();
    for path in [
        format!("/client-documents/{id}"),
        format!("/client-documents/{id}/file"),
        format!("/cases/{case}/documents"),
    ] {
        let r = shared.get(&path).await;
        assert_ne!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.contains("Zugangsmatrix"));
        assert!(!r.bytes.starts_with(b"%PDF"));
    }

    // The holder, moved to another organisation (still named on the case): 404 everywhere.
    t.move_to("awo.im1", "Caritas").await;
    let mut moved = t.login("awo.im1").await;
    refused(&t, &mut moved, case, id, "moved awo.im1").await;
    assert_eq!(t.count("case_notes").await, 0);
    assert_eq!(t.count("client_documents").await, 1);
}

#[tokio::test]
async fn a_case_note_is_written_audited_and_shown_in_the_timeline() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Yonas", "Gebre", None, "1995").await;
    let mut im = t.login("awo.im1").await;
    let case = c.case_id;
    let form = im.get(&format!("/cases/{case}/notes/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("id=\"f-note_text\"");

    // Empty: a field error, nothing stored.
    let r = im
        .post(&format!("/cases/{case}/notes"), &[("note_text", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-note_text\"");
    assert_eq!(t.count("case_notes").await, 0);
    // Too long: the text is kept.
    let long = "x".repeat(4001);
    let r = im
        .post(&format!("/cases/{case}/notes"), &[("note_text", &long)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains(&long);

    let text = "Die Vermieterin hat angerufen: Heizung wird am Montag repariert.";
    let r = im
        .post(&format!("/cases/{case}/notes"), &[("note_text", text)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/cases/{case}/timeline"));
    let tl = im.get(&format!("/cases/{case}/timeline")).await;
    tl.assert_contains(text);
    tl.assert_contains("Notiz zum Fall");
    // The filter shows notes alone; without them, the note is not shown.
    let only = im.get(&format!("/cases/{case}/timeline?show=note")).await;
    only.assert_contains(text);
    let without = im
        .get(&format!("/cases/{case}/timeline?show=contact"))
        .await;
    assert!(!without.body.contains(text));
    // Separate from contact notes: no contact was recorded.
    assert_eq!(t.count("contacts").await, 0);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'case_note_added' \
             AND case_id = {case} AND actor_staff_id = {} AND outcome = 'allowed'",
            t.id("awo.im1")
        ))
        .await,
        1
    );
    assert!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'timeline_viewed' \
             AND case_id = {case} AND outcome = 'allowed'"
        ))
        .await
            >= 3
    );
}

#[tokio::test]
async fn the_art15_export_holds_the_documents_with_their_files_and_the_case_notes() {
    let t = TestApp::new().await;
    let c = register_consenting(&t, "awo.im1", "Nasrin", "Hosseini", None, "1993").await;
    let mut im = t.login("awo.im1").await;
    let id = upload_ok(
        &mut im,
        c.case_id,
        "Art15 Bescheid",
        "Art15 Notiz",
        "2026-12-10",
    )
    .await;
    im.get(&format!("/cases/{}/notes/new", c.case_id)).await;
    let r = im
        .post(
            &format!("/cases/{}/notes", c.case_id),
            &[("note_text", "Art15 Fallnotiz")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let mut dpo = t.login("datenschutz").await;
    dpo.get("/privacy").await;
    let r = dpo
        .post(
            &format!("/privacy/persons/{}/art15", c.person_id),
            &[
                ("reason", "Anfrage der Person (schriftlich)"),
                ("format", "jsonl"),
                ("language", "de"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows: Vec<Value> = r
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |table: &str| -> Vec<&Value> {
        rows.iter()
            .filter(|r| r["table"] == table)
            .map(|r| &r["row"])
            .collect()
    };
    let docs = of("client_documents");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], id);
    assert_eq!(docs[0]["title"], "Art15 Bescheid");
    assert_eq!(docs[0]["note"], "Art15 Notiz");
    assert_eq!(docs[0]["kind"], "decision");
    let file = of("documents")
        .into_iter()
        .find(|d| d["id"] == docs[0]["document_id"])
        .unwrap();
    let b64 = file["content_base64"].as_str().unwrap();
    assert!(!b64.is_empty());
    let notes = of("case_notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["text"], "Art15 Fallnotiz");
    assert!(of("followups").iter().any(|f| f["reason"] == "Art15 Notiz"));
}

/// The consent-scan download serves consent scans only: a client's document (checked through its
/// case) is not reachable by its stored file's id there, not even for the IM who holds the case.
#[tokio::test]
async fn a_client_document_is_not_served_as_a_consent_scan() {
    let t = TestApp::new().await;
    let c = register_consenting(&t, "awo.im1", "Samir", "Haddad", None, "1988").await;
    let mut im = t.login("awo.im1").await;
    let id = upload_ok(&mut im, c.case_id, "Bescheid Familienkasse", "", "").await;
    let file = client_document::Entity::find_by_id(id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .document_id;
    let (status, _, body) = crate::consent::get_bytes(&t, &im, &format!("/documents/{file}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!contains(&body, b"Familienkasse"));
    let (status, _, body) =
        crate::consent::get_bytes(&t, &im, &format!("/client-documents/{id}/file")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(contains(&body, b"Familienkasse"));
}
