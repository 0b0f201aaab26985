//! Special-category data sealed at rest (issue 21, decision 0011): every such text and scan written
//! through the pages never reaches the database (file, write-ahead log, or any PostgreSQL row) in
//! the clear, while the pages show it to the IM; an older sealed value copied back into its row
//! shows as "cannot be opened", never as the old text nor a 500; `ankommen key rotate` seals
//! everything again under a new key while the app keeps serving, and afterwards only the new key
//! opens the database.

use std::process::Command;

use ankommen_core::Clock;

use ankommen_core::kernel::sealed::{
    self, CASE_EXTENSION_REASON, CONTACT_NOTE, FOLLOWUP_REASON, GOAL_TEXT, PERSON_HEALTH, Plaintext,
};
use ankommen_core::kernel::sealing::{self, Aad, Sealer, key_id_of};
use ankommen_store::schema::has_column;
use ankommen_store::sea_orm::sea_query::{Expr, ExprTrait, Query};
use ankommen_store::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use axum::http::StatusCode;

use crate::consent::{get_bytes, post_multipart};
use crate::support::{Client, Resp, TEST_ENCRYPTION_KEY, TestApp};

/// Every canary of these tests starts so; nothing else in the database does.
const PREFIX: &str = "SEALCANARY";
/// The marker a page shows for a sealed value that does not open.
const MARKER: &str = "[Verschlüsselter Inhalt kann nicht geöffnet werden]";

async fn int(t: &TestApp, sql: &str) -> i64 {
    let db = t.db.reader();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row: {sql}"));
    row.try_get::<i64>("", "n").unwrap()
}

async fn version_of(t: &TestApp, table: &str, id: i64) -> String {
    int(
        t,
        &format!("SELECT CAST(version AS BIGINT) AS n FROM {table} WHERE id = {id}"),
    )
    .await
    .to_string()
}

fn ok(r: &Resp) {
    assert!(
        r.status == StatusCode::SEE_OTHER || r.status == StatusCode::OK,
        "{}: {}",
        r.status,
        r.body
    );
}

/// A scan as a browser uploads it: a PDF (judged by its first bytes) that carries `words`.
fn pdf_with(words: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {words}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
        .into_bytes()
}

/// Where a canary is shown to the IM.
enum Shown {
    /// On the page this GET answers.
    Page(String),
    /// On the page this POST answers (opening the health needs).
    Post(String),
    /// In the file this GET downloads.
    File(String),
    /// On the page this GET answers to another user (the reason of a team lead's request to take
    /// a case, which the organisation's administrator decides).
    PageOf(&'static str, String),
}

/// What [`write_everything`] wrote: each canary and where the IM sees it again.
struct Written {
    person_id: i64,
    case_id: i64,
    canaries: Vec<(String, Shown)>,
}

/// Writes a canary into every special-category field through the pages, as the IMs of AWO Team
/// Nord would: a client counselled outside the target group, handed from the team lead to
/// awo.im1, a consent with its scan, health needs, a contact with a note and a follow-up, a
/// follow-up, a plan (goals, a step, a status reason), a review with its assessment (which
/// freezes a version), the signed scan of that version, and the case's extension, pause,
/// resumption, closure, reopening and move, each with its reason.
async fn write_everything(t: &TestApp, tag: &str) -> Written {
    let c = |field: &str| format!("{PREFIX}-{tag}-{field}");
    let mut canaries: Vec<(String, Shown)> = Vec::new();
    let today = "2026-11-21";

    // The team lead (also an IM) registers the client; the justification for counselling
    // someone outside the target group is sealed.
    let mut lead = t.login("awo.leitung").await;
    let ags = t.ctx_of("awo.leitung").await.actor.municipalities[0].clone();
    lead.get("/clients/new").await;
    let r = lead
        .post(
            "/clients",
            &[
                ("given_name", "Dana"),
                ("family_name", &format!("Versiegelt{tag}")),
                ("name_original", ""),
                ("birth", "1991"),
                ("municipality", &ags),
                ("au_move_in", "2025-03-01"),
                ("target_group", "other"),
                ("eligibility_note", &c("eligibility")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let person_id: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let case_id = int(
        t,
        &format!(
            "SELECT CAST(case_id AS BIGINT) AS n FROM case_persons WHERE person_id = {person_id}"
        ),
    )
    .await;
    let case = format!("/cases/{case_id}");
    canaries.push((c("eligibility"), Shown::Page(case.clone())));

    // Handed to awo.im1 with a note.
    lead.get("/cases").await;
    let im1 = t.id("awo.im1").to_string();
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", &case_id.to_string()),
                ("reassign_to", &im1),
                ("handover_note", &c("handover")),
            ],
        )
        .await;
    ok(&r);
    canaries.push((c("handover"), Shown::Page(case.clone())));

    // A consent on paper with its scan; the health needs it allows.
    let mut im = t.login("awo.im1").await;
    im.get(&format!("/clients/{person_id}/consents/new")).await;
    let r = post_multipart(
        &mut im,
        &format!("/clients/{person_id}/consents"),
        &[
            ("text_version", "2026-1"),
            ("language", "ar"),
            ("given_on", today),
            ("form", "paper"),
        ],
        Some((
            "einwilligung.pdf",
            "application/pdf",
            pdf_with(&c("consent-scan")),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let doc = int(
        t,
        "SELECT CAST(MAX(id) AS BIGINT) AS n FROM documents WHERE kind = 'consent_scan'",
    )
    .await;
    canaries.push((c("consent-scan"), Shown::File(format!("/documents/{doc}"))));
    im.get(&format!("/clients/{person_id}")).await;
    let pv = version_of(t, "persons", person_id).await;
    let r = im
        .post(
            &format!("/clients/{person_id}/health"),
            &[("version", &pv), ("health", &c("health"))],
        )
        .await;
    ok(&r);
    canaries.push((
        c("health"),
        Shown::Post(format!("/clients/{person_id}/health/open")),
    ));

    // A contact with its note and a follow-up; another follow-up.
    im.get(&format!("{case}/contacts/new")).await;
    let pid = person_id.to_string();
    let r = im
        .post(
            &format!("{case}/contacts/new"),
            &[
                ("date", today),
                ("minutes", "30"),
                ("kind", "home_visit"),
                ("persons", &pid),
                ("note", &c("contact-note")),
                ("followup_on", "2026-12-01"),
                ("followup_reason", &c("contact-followup")),
            ],
        )
        .await;
    ok(&r);
    let timeline = format!("{case}/timeline");
    canaries.push((c("contact-note"), Shown::Page(timeline.clone())));
    canaries.push((c("contact-followup"), Shown::Page(case.clone())));
    im.get(&case).await;
    let r = im
        .post(
            &format!("{case}/followups"),
            &[("followup_on", today), ("followup_reason", &c("followup"))],
        )
        .await;
    ok(&r);
    canaries.push((c("followup"), Shown::Page("/".into())));

    // A document the client brought, with its title, its note and its file; a case note.
    im.get(&format!("{case}/documents")).await;
    let r = post_multipart(
        &mut im,
        &format!("{case}/documents"),
        &[
            ("kind", "decision"),
            ("letter_date", today),
            ("title", &c("document-title")),
            ("note", &c("document-note")),
            ("due_on", ""),
        ],
        Some((
            "bescheid.pdf",
            "application/pdf",
            pdf_with(&c("document-file")),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let document = r.location().to_string();
    canaries.push((c("document-title"), Shown::Page(document.clone())));
    canaries.push((c("document-note"), Shown::Page(document.clone())));
    canaries.push((c("document-file"), Shown::File(format!("{document}/file"))));
    im.get(&format!("{case}/notes/new")).await;
    let r = im
        .post(&format!("{case}/notes"), &[("note_text", &c("case-note"))])
        .await;
    ok(&r);
    canaries.push((c("case-note"), Shown::Page(timeline.clone())));

    // The plan: two goals, a step, the second goal dropped with its reason.
    let plan = format!("{case}/plan");
    for (field, words) in [("language", c("goal-one")), ("housing", c("goal-two"))] {
        im.get(&plan).await;
        let r = im
            .post(
                &format!("{plan}/goals"),
                &[
                    ("field", field),
                    ("text", &words),
                    ("person", ""),
                    ("priority", "1"),
                    ("target_date", ""),
                ],
            )
            .await;
        ok(&r);
        canaries.push((words, Shown::Page(plan.clone())));
    }
    let g1 = t.row_with(&GOAL_TEXT, &c("goal-one")).await;
    let g2 = t.row_with(&GOAL_TEXT, &c("goal-two")).await;
    let r = im
        .post(
            &format!("{plan}/goals/{g1}/steps"),
            &[
                ("step_text", &c("step")),
                ("owner", "client"),
                ("third_party", ""),
                ("due_on", "2026-11-25"),
                ("done_on", ""),
            ],
        )
        .await;
    ok(&r);
    canaries.push((c("step"), Shown::Page(plan.clone())));
    let gv = version_of(t, "goals", g2).await;
    im.get(&format!("{plan}/goals/{g2}")).await;
    let r = im
        .post(
            &format!("{plan}/goals/{g2}"),
            &[
                ("field", "housing"),
                ("text", &c("goal-two")),
                ("person", ""),
                ("priority", "1"),
                ("target_date", ""),
                ("status", "dropped"),
                ("status_reason", &c("status-reason")),
                ("version", &gv),
            ],
        )
        .await;
    ok(&r);
    canaries.push((c("status-reason"), Shown::Page(plan.clone())));

    // A review with its assessment: it freezes version 1 (a snapshot of the goals and steps).
    let pv = int(
        t,
        &format!("SELECT CAST(version AS BIGINT) AS n FROM plans WHERE case_id = {case_id}"),
    )
    .await
    .to_string();
    im.get(&format!("{plan}/review")).await;
    let g1s = g1.to_string();
    let assessment = format!("assessment_{g1}");
    let r = im
        .post(
            &format!("{plan}/review"),
            &[
                ("plan_version", &pv),
                ("held_on", today),
                ("participants", "Klientin, IM"),
                ("summary", &c("review-summary")),
                ("changes", &c("review-changes")),
                ("goal", &g1s),
                (&assessment, &c("assessment")),
            ],
        )
        .await;
    ok(&r);
    let version = format!("{plan}/versions/1");
    for field in ["review-summary", "review-changes", "assessment", "goal-one"] {
        canaries.push((c(field), Shown::Page(version.clone())));
    }
    im.get(&version).await;
    let r = post_multipart(
        &mut im,
        &format!("{version}/scan"),
        &[],
        Some(("plan.pdf", "application/pdf", pdf_with(&c("plan-scan")))),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    canaries.push((c("plan-scan"), Shown::File(format!("{version}/scan"))));

    // The case: extended, paused, resumed, closed, reopened and moved, each with its reason.
    let steps: [(&str, Vec<(&str, String)>); 6] = [
        (
            "extend",
            vec![
                ("extended_until", "2028-09-01".into()),
                (
                    "extension_reason",
                    format!("{} – die Ausbildung endet erst im Sommer", c("extension")),
                ),
            ],
        ),
        (
            "pause",
            vec![("paused_from", today.into()), ("pause_reason", c("pause"))],
        ),
        ("resume", vec![("resumed_on", today.into())]),
        (
            "close",
            vec![
                ("closed_on", today.into()),
                ("closure_reason", "ended_by_client".into()),
                ("closure_note", c("closure")),
            ],
        ),
        ("reopen", vec![("reopen_reason", c("reopen"))]),
        (
            "move",
            vec![
                ("moved_to", "08990003".into()),
                ("moved_on", today.into()),
                ("move_note", c("move")),
            ],
        ),
    ];
    for (action, fields) in steps {
        im.get(&case).await;
        let v = version_of(t, "cases", case_id).await;
        let mut form: Vec<(&str, &str)> = vec![("version", &v)];
        form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        let r = im.post(&format!("{case}/{action}"), &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    }
    for field in ["extension", "pause", "closure", "reopen", "move"] {
        canaries.push((c(field), Shown::Page(case.clone())));
    }

    // The team lead asks to take the case themself; the reason waits for a second person.
    lead.get("/cases").await;
    let me = t.id("awo.leitung").to_string();
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", &case_id.to_string()),
                ("reassign_to", &me),
                ("handover_note", &c("takeover")),
            ],
        )
        .await;
    ok(&r);
    canaries.push((
        c("takeover"),
        Shown::PageOf("awo.admin", "/confirmations".into()),
    ));
    Written {
        person_id,
        case_id,
        canaries,
    }
}

/// Every canary is shown to the IM where it belongs.
async fn assert_shown(t: &TestApp, w: &Written) {
    let mut im = t.login("awo.im1").await;
    for (canary, shown) in &w.canaries {
        match shown {
            Shown::Page(path) => {
                let r = im.get(path).await;
                assert_eq!(r.status, StatusCode::OK, "{path}");
                assert!(r.body.contains(canary), "{canary} not on {path}");
                assert!(
                    !r.body.contains(MARKER),
                    "{path} shows a value that does not open"
                );
            }
            Shown::Post(path) => {
                im.get(&format!("/clients/{}", w.person_id)).await;
                let r = im.post(path, &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{path}");
                assert!(r.body.contains(canary), "{canary} not on {path}");
            }
            Shown::PageOf(user, path) => {
                let r = t.login(user).await.get(path).await;
                assert_eq!(r.status, StatusCode::OK, "{path}");
                assert!(r.body.contains(canary), "{canary} not on {path} for {user}");
            }
            Shown::File(path) => {
                let (status, _, bytes) = get_bytes(t, &im, path).await;
                assert_eq!(status, StatusCode::OK, "{path}");
                let text = String::from_utf8_lossy(&bytes);
                assert!(text.contains(canary), "{canary} not in {path}");
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// No canary is stored in the clear: on SQLite, neither the database file nor its write-ahead
/// log holds one (read as raw bytes); on PostgreSQL, no row of any table holds one as text, and no
/// bytea column holds one as bytes.
async fn assert_not_stored(t: &TestApp, w: &Written) {
    match t.sqlite_file() {
        Some(file) => {
            let mut wal = file.clone().into_os_string();
            wal.push("-wal");
            for path in [file, wal.into()] {
                let bytes = std::fs::read(&path).unwrap_or_default();
                assert!(!bytes.is_empty() || !path.exists(), "{}", path.display());
                for (canary, _) in &w.canaries {
                    assert!(
                        !contains(&bytes, canary.as_bytes()),
                        "{canary} is in {} in the clear",
                        path.display()
                    );
                }
                assert!(!contains(&bytes, PREFIX.as_bytes()), "{}", path.display());
            }
        }
        None => {
            assert_eq!(t.db.backend(), ankommen_store::Backend::Postgres);
            let pg = DbBackend::Postgres;
            let db = t.db.reader();
            let tables = db
                .query_all_raw(Statement::from_string(
                    pg,
                    "SELECT table_name AS t FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                ))
                .await
                .unwrap();
            assert!(tables.len() > 20);
            for row in tables {
                let table: String = row.try_get("", "t").unwrap();
                let n = int(
                    t,
                    &format!(
                        "SELECT COUNT(*) AS n FROM \"{table}\" x WHERE CAST(x AS TEXT) LIKE '%{PREFIX}%'"
                    ),
                )
                .await;
                assert_eq!(n, 0, "a row of {table} holds a canary as text");
            }
            let blobs = db
                .query_all_raw(Statement::from_string(
                    pg,
                    "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND data_type = 'bytea'",
                ))
                .await
                .unwrap();
            assert!(blobs.len() >= sealed::ALL.len());
            for row in blobs {
                let (table, column): (String, String) =
                    (row.try_get("", "t").unwrap(), row.try_get("", "c").unwrap());
                let n = int(
                    t,
                    &format!(
                        "SELECT COUNT(*) AS n FROM \"{table}\" \
                         WHERE position(convert_to('{PREFIX}', 'UTF8') IN \"{column}\") > 0"
                    ),
                )
                .await;
                assert_eq!(n, 0, "{table}.{column} holds a canary as bytes");
            }
        }
    }
}

#[tokio::test]
async fn every_special_category_text_and_scan_is_sealed_in_the_database_and_shown_on_the_pages() {
    let t = TestApp::new().await;
    let w = write_everything(&t, "A").await;
    assert_eq!(w.canaries.len(), 26);
    assert_shown(&t, &w).await;
    // A referral's reason comes in only by import so far (no referral screens yet).
    let reason = format!("{PREFIX}-A-referral");
    let file = [
        r#"{"kind": "meta", "format": "ankommen-exchange", "version": 1}"#.to_string(),
        r#"{"kind": "municipality", "id": "08199001", "name": "Siegelheim"}"#.into(),
        r#"{"kind": "organisation", "id": "O", "name": "Siegel-Träger", "type": "provider"}"#.into(),
        r#"{"kind": "staff", "id": "S", "organisation": "O", "display_name": "S", "roles": ["im"], "municipalities": ["08199001"]}"#.into(),
        r#"{"kind": "person", "id": "P", "given_name": "a", "family_name": "b", "birth_year": 1990}"#.into(),
        r#"{"kind": "case", "id": "C", "organisation": "O", "municipality": "08199001", "assigned_to": "S", "persons": ["P"], "opened_on": "2025-01-01", "status": "active"}"#.into(),
        format!(r#"{{"kind": "referral", "id": "R", "case": "C", "service": {{"name": "MBE"}}, "date": "2025-02-01", "reason": "{reason}"}}"#),
    ]
    .join("\n");
    let ctx = t.ctx_of("admin").await;
    let report = ankommen_core::casework::exchange::import(
        &t.db,
        &ctx,
        &t.sealer(),
        file.as_bytes(),
        false,
        &|_| {},
    )
    .await
    .unwrap();
    assert!(report.written, "{:?}", report.problems);
    // A spreadsheet waiting between its import steps (its rows are client data).
    use ankommen_core::casework::spreadsheets::{self, Sheet, SheetRow};
    spreadsheets::upload(
        &t.db,
        &t.ctx_of("awo.im1").await,
        &t.sealer(),
        "csv_utf8",
        &Sheet {
            header: vec!["Nachname".into()],
            rows: vec![SheetRow {
                number: 2,
                cells: vec![format!("{PREFIX}-sheet")],
            }],
        },
    )
    .await
    .unwrap();
    // A volunteer matched with a person, for a purpose (issue 23).
    {
        use ankommen_core::casework::volunteers::{self, MatchForm, VolunteerForm};
        let im = t.ctx_of("awo.im1").await;
        let c =
            crate::fixtures::register_named(&t, "awo.im1", "Siegel", "Helfer", None, "1990").await;
        let v = volunteers::create(
            &t.db,
            &im,
            &VolunteerForm {
                name: "Siegel Freiwillig".into(),
                works_with_minors: "no".into(),
                active: "yes".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        volunteers::record_match(
            &t.db,
            &im,
            &t.sealer(),
            c.case_id,
            &MatchForm {
                volunteer: v.to_string(),
                person: c.person_id.to_string(),
                from: im.today().to_string(),
                purpose: format!("{PREFIX}-volunteer-purpose"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    // A second factor being set up (its secret is not a text anyone typed: checked by opening).
    ankommen_core::administration::second_factor::begin(
        &t.db,
        &t.ctx_of("awo.im2").await,
        &t.sealer(),
    )
    .await
    .unwrap();
    assert_not_stored(&t, &w).await;
    // Every sealed column holds a value now, and every value opens.
    let all = sealed::plaintexts(&t.db, &t.sealer()).await.unwrap();
    for c in sealed::ALL {
        // Closing notes are cleared when the case is reopened; the closure's reason stays in the
        // case's history.
        if c.column == "closure_note_sealed" {
            continue;
        }
        assert!(
            all.iter()
                .any(|p| p.column == c.column && p.table == c.table),
            "nothing in {}.{}",
            c.table,
            c.column
        );
    }
    assert!(all.iter().all(|p| p.bytes.is_some()));
    assert_eq!(
        w.case_id,
        t.row_with(
            &CASE_EXTENSION_REASON,
            &format!("{PREFIX}-A-extension – die Ausbildung endet erst im Sommer")
        )
        .await
    );
}

/// The change of a row that bumps its version, after which the value sealed before is copied back.
enum Change {
    GoalText(i64),
    FollowupMoved(i64),
    CasePaused,
    ContactNote(i64),
    Health,
}

#[tokio::test]
async fn an_older_sealed_value_copied_back_into_its_row_shows_as_cannot_be_opened() {
    let t = TestApp::new().await;
    let w = write_everything(&t, "B").await;
    let (case, person) = (w.case_id, w.person_id);
    let c = |field: &str| format!("{PREFIX}-B-{field}");
    let goal = t.row_with(&GOAL_TEXT, &c("goal-one")).await;
    let followup = t.row_with(&FOLLOWUP_REASON, &c("followup")).await;
    let contact = t.row_with(&CONTACT_NOTE, &c("contact-note")).await;
    // A case that is not closed, extended (the move above kept the case with AWO).
    let plan = format!("/cases/{case}/plan");
    let table = [
        (
            &GOAL_TEXT,
            goal,
            Change::GoalText(goal),
            c("goal-one"),
            plan.clone(),
        ),
        (
            &FOLLOWUP_REASON,
            followup,
            Change::FollowupMoved(followup),
            c("followup"),
            format!("/cases/{case}"),
        ),
        (
            &CASE_EXTENSION_REASON,
            case,
            Change::CasePaused,
            c("extension"),
            format!("/cases/{case}"),
        ),
        (
            &CONTACT_NOTE,
            contact,
            Change::ContactNote(contact),
            c("contact-note"),
            format!("/contacts/{contact}"),
        ),
        (
            &PERSON_HEALTH,
            person,
            Change::Health,
            c("health"),
            format!("/clients/{person}/health/open"),
        ),
    ];
    let mut im = t.login("awo.im1").await;
    for (col, id, change, old_text, page) in table {
        let old = t.blob(col.table, col.column, id).await.unwrap();
        // The change seals the row's values again for its new version; they still open.
        bump(&t, &mut im, case, change).await;
        let now = t.opened(col, id).await.unwrap();
        assert!(
            now.text().is_some(),
            "{}.{} does not open after the change",
            col.table,
            col.column
        );
        // The value sealed before, copied back with SQL: it no longer opens.
        t.set_blob(col.table, col.column, id, old).await;
        let r = if page.ends_with("/health/open") {
            im.get(&format!("/clients/{person}")).await;
            im.post(&page, &[]).await
        } else {
            im.get(&page).await
        };
        assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.body);
        // The case's history keeps the extension's reason in its own entry (sealed for that
        // entry's row): the one place the text may still be.
        let elsewhere = usize::from(col.column == CASE_EXTENSION_REASON.column);
        assert_eq!(
            r.body.matches(old_text.as_str()).count(),
            elsewhere,
            "{page} shows the old text"
        );
        if page.starts_with("/contacts/") || page.ends_with("/health/open") {
            // An edit form: the field is empty and the page says why.
            r.assert_contains("Der gespeicherte Text kann nicht geöffnet werden");
        } else {
            r.assert_contains(MARKER);
        }
    }
    // The timeline shows the marker too (for the follow-up and the contact note), never a 500.
    let r = im.get(&format!("/cases/{case}/timeline")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.matches(MARKER).count() >= 2, "{}", r.body);
    // A version whose goals do not open cannot be frozen or compared: a clear conflict.
    let pv = int(
        &t,
        &format!("SELECT CAST(version AS BIGINT) AS n FROM plans WHERE case_id = {case}"),
    )
    .await
    .to_string();
    im.get(&plan).await;
    let r = im
        .post(&format!("{plan}/freeze"), &[("plan_version", &pv)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Ein verschlüsselter Inhalt kann nicht geöffnet werden");
}

/// Changes the row of `change` through the pages, bumping its version.
async fn bump(t: &TestApp, im: &mut Client, case: i64, change: Change) {
    let r = match change {
        Change::GoalText(g) => {
            let url = format!("/cases/{case}/plan/goals/{g}");
            im.get(&url).await;
            let v = version_of(t, "goals", g).await;
            im.post(
                &url,
                &[
                    ("field", "language"),
                    ("text", "Ein neuer Wortlaut"),
                    ("person", ""),
                    ("priority", "2"),
                    ("target_date", ""),
                    ("status", "in_progress"),
                    ("status_reason", ""),
                    ("version", &v),
                ],
            )
            .await
        }
        Change::FollowupMoved(f) => {
            im.get(&format!("/cases/{case}")).await;
            let v = version_of(t, "followups", f).await;
            im.post(
                &format!("/followups/{f}/move"),
                &[("version", &v), ("move_to", "2026-12-20")],
            )
            .await
        }
        Change::CasePaused => {
            im.get(&format!("/cases/{case}")).await;
            let v = version_of(t, "cases", case).await;
            im.post(
                &format!("/cases/{case}/pause"),
                &[("version", &v), ("paused_from", "2026-11-21")],
            )
            .await
        }
        Change::ContactNote(k) => {
            let url = format!("/contacts/{k}");
            im.get(&url).await;
            let v = version_of(t, "contacts", k).await;
            let person = int(
                t,
                &format!("SELECT CAST(person_id AS BIGINT) AS n FROM contact_persons WHERE contact_id = {k}"),
            )
            .await
            .to_string();
            im.post(
                &url,
                &[
                    ("version", &v),
                    ("date", "2026-11-21"),
                    ("minutes", "30"),
                    ("kind", "home_visit"),
                    ("persons", &person),
                    ("note", "Eine neue Notiz"),
                ],
            )
            .await
        }
        Change::Health => {
            let person = int(
                t,
                &format!(
                    "SELECT CAST(person_id AS BIGINT) AS n FROM case_persons WHERE case_id = {case}"
                ),
            )
            .await;
            im.get(&format!("/clients/{person}")).await;
            let v = version_of(t, "persons", person).await;
            im.post(
                &format!("/clients/{person}/health"),
                &[("version", &v), ("health", "Neue Angaben")],
            )
            .await
        }
    };
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// The sealed values as the given key opens them, by place (the rotation keeps places).
/// A value by its place: table, column, the row's key, and what it opens to.
type Placed = (&'static str, &'static str, (i64, i64), Option<Vec<u8>>);

fn by_place(all: &[Plaintext]) -> Vec<Placed> {
    let mut out: Vec<_> = all
        .iter()
        .map(|p| (p.table, p.column, p.key, p.bytes.clone()))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn key_rotation_seals_everything_under_a_new_key_while_the_app_keeps_serving() {
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("ankommen.key");
    let old = zeroize_free(TEST_ENCRYPTION_KEY);
    sealing::replace_key_file(&key_file, &[&old]).unwrap();
    // The app reads its key from the key file, as `ankommen serve` does.
    let t = TestApp::new_with_sealer(Sealer::load(&key_file).unwrap()).await;
    let w = write_everything(&t, "C").await;
    let old_id = sealing::key_id_of_master(&TEST_ENCRYPTION_KEY);
    let before = by_place(
        &sealed::plaintexts(&t.db, &Sealer::from_key(TEST_ENCRYPTION_KEY))
            .await
            .unwrap(),
    );
    assert!(before.iter().all(|(_, _, _, b)| b.is_some()));

    // A rotation stopped halfway (killed): the key file holds the new key and the previous one,
    // the database names the new key, a few values are sealed again.
    let new = sealing::new_master_key().unwrap();
    let new_id = sealing::key_id_of_master(&new);
    sealing::replace_key_file(&key_file, &[&new, &old]).unwrap();
    let partial = sealed::rotate(&t.db, &Sealer::load(&key_file).unwrap(), Some(5))
        .await
        .unwrap();
    assert_eq!(partial.resealed, 5);
    assert!(!partial.complete);
    let mixed = sealed::count_under_other_keys(&t.db, &new_id)
        .await
        .unwrap();
    assert!(
        mixed > 0 && mixed < before.len(),
        "{mixed} of {}",
        before.len()
    );

    // Meanwhile the app, which read only the old key at its start, serves every page (it reads
    // the key file again when it meets the new key), and what it writes is sealed under the new
    // key (the one the database names).
    assert_shown(&t, &w).await;
    let mut im = t.login("awo.im1").await;
    im.get(&format!("/cases/{}", w.case_id)).await;
    let r = im
        .post(
            &format!("/cases/{}/followups", w.case_id),
            &[
                ("followup_on", "2026-12-03"),
                ("followup_reason", "Während der Rotation"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let during = int(&t, "SELECT CAST(MAX(id) AS BIGINT) AS n FROM followups").await;
    let blob = t.blob("followups", "reason_sealed", during).await.unwrap();
    assert_eq!(key_id_of(&blob), Some(new_id.clone()));

    // `ankommen key rotate` continues where the rotation stopped and retires the old key.
    let stdout = rotate_with_the_binary(&t, &key_file);
    assert!(
        stdout.contains(&format!(
            "continuing the rotation from key {old_id} to key {new_id}"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("the previous key is removed"), "{stdout}");
    let left = sealing::read_master_keys(&key_file).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(sealing::key_id_of_master(&left[0]), new_id);
    assert_eq!(
        sealed::count_under_other_keys(&t.db, &new_id)
            .await
            .unwrap(),
        0
    );

    // Everything opens with the new key alone, as before; the old key alone opens nothing.
    let after = sealed::plaintexts(&t.db, &Sealer::from_key(*new))
        .await
        .unwrap();
    let mut expected = before.clone();
    expected.push((
        "followups",
        "reason_sealed",
        (during, 1),
        Some("Während der Rotation".as_bytes().to_vec()),
    ));
    expected.sort();
    assert_eq!(by_place(&after), expected);
    let with_old = sealed::plaintexts(&t.db, &Sealer::from_key(TEST_ENCRYPTION_KEY))
        .await
        .unwrap();
    assert_eq!(with_old.len(), after.len());
    assert!(with_old.iter().all(|p| p.bytes.is_none()));
    // A server started with the new key file shows every page; one with the old key does not open
    // the database's values (and `ankommen serve` refuses to start with it).
    let restarted = t.restarted_with(Sealer::load(&key_file).unwrap());
    assert_shown(&restarted, &w).await;
    let stale = t.restarted_with(Sealer::from_key(TEST_ENCRYPTION_KEY));
    let mut im = stale.login("awo.im1").await;
    let r = im.get(&format!("/cases/{}/plan", w.case_id)).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(MARKER);
    assert!(!r.body.contains(&format!("{PREFIX}-C-goal-one")));
    assert_eq!(
        sealed::check_encryption_key(&t.db, &Sealer::from_key(TEST_ENCRYPTION_KEY))
            .await
            .unwrap(),
        sealed::KeyCheck::Mismatch {
            recorded_key_id: new_id.clone()
        }
    );

    // A rotation from the start: a newer key, everything sealed again, the key file holds it alone.
    let stdout = rotate_with_the_binary(&t, &key_file);
    assert!(stdout.contains("New key"), "{stdout}");
    let newest = sealing::read_master_keys(&key_file).unwrap();
    assert_eq!(newest.len(), 1);
    let newest_id = sealing::key_id_of_master(&newest[0]);
    assert_ne!(newest_id, new_id);
    assert!(
        stdout.contains(&format!("previous key {new_id}")),
        "{stdout}"
    );
    assert_eq!(
        sealed::count_under_other_keys(&t.db, &newest_id)
            .await
            .unwrap(),
        0
    );
    let after = sealed::plaintexts(&t.db, &Sealer::from_master_keys(&newest))
        .await
        .unwrap();
    assert_eq!(by_place(&after), expected);
}

/// Runs `ankommen key rotate` on the app's database and key file; returns what it printed.
fn rotate_with_the_binary(t: &TestApp, key_file: &std::path::Path) -> String {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ankommen"))
        .args(["key", "rotate", "--database-url", &t.url])
        .arg("--encryption-key-file")
        .arg(key_file)
        .arg("--data-dir")
        .arg(data.path())
        .env_remove("ANKOMMEN_DATABASE_URL")
        .env_remove("ANKOMMEN_ENCRYPTION_KEY")
        .env_remove("ANKOMMEN_ENCRYPTION_KEY_FILE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The test key as a zeroed-on-drop master key.
fn zeroize_free(key: [u8; 32]) -> sealing::MasterKey {
    sealing::MasterKey::new(key)
}

/// Inserts a row with SQL and returns its id (the largest in the table).
async fn insert(t: &TestApp, table: &'static str, cols: &[(&'static str, Value)]) -> i64 {
    let q = Query::insert()
        .into_table(table)
        .columns(cols.iter().map(|(c, _)| *c))
        .values_panic(cols.iter().map(|(_, v)| v.clone().into()))
        .to_owned();
    let db = t.db.writer();
    db.execute_raw(db.get_database_backend().build(&q))
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
    if [
        "case_persons",
        "contact_persons",
        "review_assessments",
        "settings",
    ]
    .contains(&table)
    {
        return 0;
    }
    int(
        t,
        &format!("SELECT CAST(MAX(id) AS BIGINT) AS n FROM {table}"),
    )
    .await
}

/// The columns the conversion drops: (table, plaintext column).
const PLAINTEXT_COLUMNS: [(&str, &str); 15] = [
    ("cases", "extension_reason"),
    ("cases", "eligibility_note"),
    ("cases", "closure_note"),
    ("cases", "handover_note"),
    ("case_events", "reason"),
    ("goals", "text"),
    ("goals", "status_reason"),
    ("steps", "text"),
    ("reviews", "summary"),
    ("reviews", "changes"),
    ("review_assessments", "assessment"),
    ("plan_versions", "snapshot"),
    ("followups", "reason"),
    ("documents", "content"),
    ("contacts", "note"),
];

#[tokio::test]
async fn plaintext_stored_before_sealing_is_sealed_at_start_and_gone_from_the_database() {
    let t = TestApp::before_sealing().await;
    let c = |field: &str| format!("{PREFIX}-D-{field}");
    let key = Sealer::from_key(TEST_ENCRYPTION_KEY);
    let legacy = |table: &'static str, column: &'static str, id: i64, text: &str| {
        key.seal_legacy(&Aad::new(table, column, id), text).unwrap()
    };
    let (im, now) = (t.id("awo.im1"), t.clock.now());
    let org = int(
        &t,
        &format!("SELECT CAST(organisation_id AS BIGINT) AS n FROM staff WHERE id = {im}"),
    )
    .await;
    let day = |s: &str| Value::from(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
    let common = |version: bool| {
        let mut v: Vec<(&'static str, Value)> =
            vec![("created_by", im.into()), ("created_at", now.into())];
        if version {
            v.push(("updated_at", now.into()));
            v.push(("version", 1.into()));
        }
        v
    };
    // The key check of that time: format 1.
    let check = legacy(
        "settings",
        "encryption_check",
        0,
        "ankommen encryption check, version 1",
    );
    insert(
        &t,
        "settings",
        &[
            ("key", "encryption_check".into()),
            ("value", format!("{}:{}", key.key_id(), hex(&check)).into()),
        ],
    )
    .await;
    let mut person: Vec<(&'static str, Value)> = vec![
        ("given_name", "Dana".into()),
        ("family_name", "Altbestand".into()),
        ("name_fold", "dana altbestand".into()),
        ("name_skeleton", "dn ltbstnd".into()),
        ("birth_year", 1991.into()),
        ("municipality_ags", "08990002".into()),
        ("target_group", "other".into()),
    ];
    person.extend(common(true));
    let person_id = insert(&t, "persons", &person).await;
    // Health needs sealed in format 1 for their row (without its version).
    t.set_blob(
        "persons",
        "health_sealed",
        person_id,
        legacy("persons", "health_sealed", person_id, &c("health")),
    )
    .await;
    let mut consent: Vec<(&'static str, Value)> = vec![
        ("person_id", person_id.into()),
        ("text_version", "2026-1".into()),
        ("language", "ar".into()),
        ("given_on", day("2026-11-01")),
        ("form", "paper".into()),
    ];
    consent.extend(common(false));
    consent.push(("version", 1.into()));
    insert(&t, "consents", &consent).await;
    let mut case: Vec<(&'static str, Value)> = vec![
        ("case_number", "2026-90001".into()),
        ("organisation_id", org.into()),
        ("municipality_ags", "08990002".into()),
        ("assigned_to", im.into()),
        ("opened_on", day("2026-01-10")),
        ("clock_start", day("2025-03-01")),
        ("status", "active".into()),
        ("extended_until", day("2028-09-01")),
        ("extension_reason", c("extension").into()),
        ("eligibility_note", c("eligibility").into()),
        ("closure_note", c("closure").into()),
        ("handover_note", c("handover").into()),
        ("handover_from", t.id("awo.leitung").into()),
        ("handover_seen", false.into()),
        ("updated_at", now.into()),
        ("created_at", now.into()),
        ("version", 3.into()),
    ];
    let case_id = insert(&t, "cases", &std::mem::take(&mut case)).await;
    insert(
        &t,
        "case_persons",
        &[("case_id", case_id.into()), ("person_id", person_id.into())],
    )
    .await;
    insert(
        &t,
        "case_events",
        &[
            ("case_id", case_id.into()),
            ("kind", "paused".into()),
            ("on_date", day("2026-02-01")),
            ("reason", c("pause").into()),
            ("staff_id", im.into()),
            ("at", now.into()),
        ],
    )
    .await;
    let mut plan = vec![("case_id", case_id.into())];
    plan.extend(common(true));
    insert(&t, "plans", &plan).await;
    let mut goal: Vec<(&'static str, Value)> = vec![
        ("case_id", case_id.into()),
        ("field_key", "language".into()),
        ("text", c("goal").into()),
        ("status", "dropped".into()),
        ("status_reason", c("status-reason").into()),
        ("created_on", day("2026-02-01")),
        ("closed_on", day("2026-03-01")),
        ("position", 1.into()),
    ];
    goal.extend(common(true));
    let goal_id = insert(&t, "goals", &goal).await;
    let mut step: Vec<(&'static str, Value)> = vec![
        ("goal_id", goal_id.into()),
        ("case_id", case_id.into()),
        ("text", c("step").into()),
        ("owner", "client".into()),
        ("position", 1.into()),
    ];
    step.extend(common(true));
    insert(&t, "steps", &step).await;
    let mut review: Vec<(&'static str, Value)> = vec![
        ("case_id", case_id.into()),
        ("held_on", day("2026-03-01")),
        ("summary", c("review-summary").into()),
        ("changes", c("review-changes").into()),
    ];
    review.extend(common(false));
    let review_id = insert(&t, "reviews", &review).await;
    insert(
        &t,
        "review_assessments",
        &[
            ("review_id", review_id.into()),
            ("goal_id", goal_id.into()),
            ("assessment", c("assessment").into()),
        ],
    )
    .await;
    let mut document: Vec<(&'static str, Value)> = vec![
        ("person_id", person_id.into()),
        ("kind", "plan_scan".into()),
        ("content_type", "application/pdf".into()),
        ("size", 10.into()),
        ("sha256", "-".into()),
        ("content", pdf_with(&c("plan-scan")).into()),
    ];
    document.extend(common(false));
    let doc = insert(&t, "documents", &document).await;
    let snapshot = ankommen_core::casework::plans::Snapshot {
        goals: vec![ankommen_core::casework::plans::SnapGoal {
            id: goal_id,
            field: "language".into(),
            person: None,
            text: c("snapshot-goal"),
            priority: None,
            target_date: None,
            status: "open".into(),
            status_reason: None,
            created_on: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            closed_on: None,
            steps: vec![],
        }],
        review: None,
    };
    let mut version: Vec<(&'static str, Value)> = vec![
        ("case_id", case_id.into()),
        ("number", 1.into()),
        ("review_id", review_id.into()),
        ("frozen_on", day("2026-03-01")),
        ("snapshot", snapshot.to_json().unwrap().into()),
        ("signed_document_id", doc.into()),
    ];
    version.extend(common(false));
    insert(&t, "plan_versions", &version).await;
    let mut followup: Vec<(&'static str, Value)> = vec![
        ("case_id", case_id.into()),
        ("due_on", day("2026-11-21")),
        ("reason", c("followup").into()),
    ];
    followup.extend(common(true));
    insert(&t, "followups", &followup).await;
    let mut contact: Vec<(&'static str, Value)> = vec![
        ("case_id", case_id.into()),
        ("contact_date", day("2026-11-02")),
        ("contact_kind", "phone".into()),
        ("topics", "language".into()),
    ];
    contact.extend(common(true));
    let contact_id = insert(&t, "contacts", &contact).await;
    insert(
        &t,
        "contact_persons",
        &[
            ("contact_id", contact_id.into()),
            ("person_id", person_id.into()),
        ],
    )
    .await;
    // Contact notes were the hex of a format-1 value in a text column.
    let note = hex(&legacy("contacts", "note", contact_id, &c("contact-note")));
    let q = Query::update()
        .table("contacts")
        .value("note", note)
        .and_where(Expr::col("id").eq(contact_id))
        .to_owned();
    let db = t.db.writer();
    db.execute_raw(db.get_database_backend().build(&q))
        .await
        .unwrap();

    // The start of this version: migrated, key checked, everything sealed, plaintext dropped.
    t.prepare_now().await;
    for (table, column) in PLAINTEXT_COLUMNS {
        assert!(
            !has_column(t.db.reader(), table, column).await.unwrap(),
            "{table}.{column} is still there"
        );
    }
    let case = format!("/cases/{case_id}");
    let plan = format!("{case}/plan");
    let mut canaries: Vec<(String, Shown)> = Vec::new();
    for field in ["extension", "eligibility", "closure", "handover", "pause"] {
        canaries.push((c(field), Shown::Page(case.clone())));
    }
    for field in ["goal", "status-reason", "step"] {
        canaries.push((c(field), Shown::Page(plan.clone())));
    }
    canaries.push((
        c("snapshot-goal"),
        Shown::Page(format!("{plan}/versions/1")),
    ));
    for field in [
        "review-summary",
        "review-changes",
        "contact-note",
        "followup",
    ] {
        canaries.push((c(field), Shown::Page(format!("{case}/timeline"))));
    }
    canaries.push((
        c("health"),
        Shown::Post(format!("/clients/{person_id}/health/open")),
    ));
    canaries.push((
        c("plan-scan"),
        Shown::File(format!("{plan}/versions/1/scan")),
    ));
    let w = Written {
        person_id,
        case_id,
        canaries,
    };
    assert_shown(&t, &w).await;
    assert_not_stored(&t, &w).await;
    // The assessment has no page of its own: it opens where it is stored.
    let all = sealed::plaintexts(&t.db, &key).await.unwrap();
    assert!(all.iter().all(|p| p.bytes.is_some()));
    assert!(
        all.iter()
            .any(|p| p.bytes.as_deref() == Some(c("assessment").as_bytes()))
    );
    // The values of format 1 are of format 2 now, bound to their row's version.
    for (table, column, id) in [
        ("persons", "health_sealed", person_id),
        ("contacts", "note_sealed", contact_id),
    ] {
        let blob = t.blob(table, column, id).await.unwrap();
        assert_eq!(key_id_of(&blob), Some(key.key_id()), "{table}.{column}");
    }
    assert_eq!(
        sealed::check_encryption_key(&t.db, &key).await.unwrap(),
        sealed::KeyCheck::Matches
    );
    // Nothing is left to convert.
    let again = sealed::convert(&t.db, &key).await.unwrap();
    assert!(!again.ran);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
