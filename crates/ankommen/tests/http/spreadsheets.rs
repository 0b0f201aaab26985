//! Registering clients from a spreadsheet: upload (CSV in UTF-8 with BOM and in Windows-1252,
//! XLSX), the column mapping saved and offered again, the preview with its errors, the consent
//! gate, the duplicate hints, who may import (and into whose caseload), and bad input of every
//! kind. Issue 22, decision 0018.

use axum::http::StatusCode;

use crate::consent::post_multipart;
use crate::fixtures::register_named;
use crate::support::{Client, Resp, TestApp};

fn csv_file(bytes: Vec<u8>) -> Option<(&'static str, &'static str, Vec<u8>)> {
    Some(("liste.csv", "text/csv", bytes))
}

/// Uploads a file; the answer of the upload itself.
async fn upload(c: &mut Client, file: Vec<u8>) -> Resp {
    c.get("/clients/import").await;
    post_multipart(c, "/clients/import", &[], csv_file(file)).await
}

/// Uploads a file that must be accepted; returns the upload's path (`/clients/import/{id}`).
async fn uploaded(c: &mut Client, file: Vec<u8>) -> String {
    let r = upload(c, file).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().to_string();
    assert!(to.starts_with("/clients/import/"), "{to}");
    to
}

/// The choices of the mapping form as (col_i, field) pairs, and the default municipality.
fn mapping(fields: &[&'static str], municipality: &'static str) -> Vec<(String, &'static str)> {
    let mut v: Vec<(String, &'static str)> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("col_{i}"), *f))
        .collect();
    v.push(("municipality".into(), municipality));
    v
}

async fn post_owned(c: &mut Client, path: &str, fields: &[(String, &str)]) -> Resp {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    c.post(path, &refs).await
}

const HEADER: &str = "Vorname;Nachname;Geburtsdatum;Gemeinde;Staatsangehörigkeit;Deutschniveau;Einwilligung am;Einwilligung Form";
const FIELDS: &[&str] = &[
    "given_name",
    "family_name",
    "birth",
    "municipality",
    "nationality",
    "german_level",
    "consent_date",
    "consent_form",
];

fn bom_csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from("\u{feff}");
    s.push_str(HEADER);
    s.push_str("\r\n");
    for r in rows {
        s.push_str(r);
        s.push_str("\r\n");
    }
    s.into_bytes()
}

async fn persons_named(t: &TestApp, family: &str) -> i64 {
    t.scalar(&format!(
        "SELECT COUNT(*) AS n FROM persons WHERE family_name = '{family}'"
    ))
    .await
}

async fn text_of(t: &TestApp, sql: &str) -> Option<String> {
    use ankommen_store::sea_orm::{ConnectionTrait, Statement};
    let conn = t.db.reader();
    conn.query_one_raw(Statement::from_string(
        conn.get_database_backend(),
        sql.to_string(),
    ))
    .await
    .unwrap()
    .and_then(|row| row.try_get::<Option<String>>("", "v").unwrap())
}

#[tokio::test]
async fn a_utf8_csv_is_mapped_previewed_and_imported_with_the_consent_gate() {
    let t = TestApp::new().await;
    let mut c = t.login("awo.im1").await;
    let page = c.get("/cases").await;
    page.assert_contains("/clients/import");
    let persons = t.count("persons").await;
    let consents = t.count("consents").await;
    let to = uploaded(
        &mut c,
        bom_csv(&[
            "Amal;Haddad;1.2.1990;Bergfelden;syrisch;b1.2;03.11.2026;Papier",
            "Yusuf;Rahimi;1985;08990002;Afghanistan;A2/B1;;",
        ]),
    )
    .await;
    // The file is kept sealed: no name in the stored row.
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let blob = t
        .blob("spreadsheet_uploads", "content_sealed", id)
        .await
        .unwrap();
    assert!(!blob.windows(6).any(|w| w == b"Haddad"));

    // The mapping page guesses the fields from the headings.
    let r = c.get(&to).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("2 Zeilen gelesen");
    r.assert_contains("<option value=\"given_name\" selected>");
    r.assert_contains("<option value=\"consent_form\" selected>");
    assert!(!r.body.contains("id=\"sheet-saved\""));

    let r = post_owned(&mut c, &format!("{to}/preview"), &mapping(FIELDS, "")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Amal Haddad");
    r.assert_contains("01.02.1990");
    r.assert_contains("Bergfelden");
    // Row 3 has no consent: its voluntary columns are named as not taken over.
    r.assert_contains("Ohne Einwilligung nicht übernommen");
    r.assert_contains("<bdi>Staatsangehörigkeit</bdi>, <bdi>Deutschniveau</bdi>");
    r.assert_contains("1 Zeile mit Einwilligung");
    assert_eq!(
        t.count("persons").await,
        persons,
        "the preview registers nobody"
    );

    let r = c.post(&format!("{to}/import"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("2 Klient:innen aufgenommen.");
    r.assert_contains("1 Einwilligung erfasst.");
    assert_eq!(t.count("persons").await, persons + 2);
    assert_eq!(t.count("consents").await, consents + 1);
    assert_eq!(t.count("spreadsheet_uploads").await, 0);
    assert_eq!(
        text_of(
            &t,
            "SELECT nationality AS v FROM persons WHERE family_name = 'Haddad'"
        )
        .await,
        Some("SYR".into())
    );
    assert_eq!(
        text_of(
            &t,
            "SELECT german_level AS v FROM persons WHERE family_name = 'Haddad'"
        )
        .await,
        Some("B1".into())
    );
    assert_eq!(
        text_of(
            &t,
            "SELECT nationality AS v FROM persons WHERE family_name = 'Rahimi'"
        )
        .await,
        None,
        "voluntary data without a consent is not stored"
    );
    let birth = text_of(
        &t,
        "SELECT CAST(birth_date AS TEXT) AS v FROM persons WHERE family_name = 'Haddad'",
    )
    .await;
    assert_eq!(birth.as_deref(), Some("1990-02-01"));
    // Both are in the IM's caseload.
    let im = t.id("awo.im1");
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM cases c JOIN case_persons cp ON cp.case_id = c.id \
             JOIN persons p ON p.id = cp.person_id \
             WHERE p.family_name IN ('Haddad', 'Rahimi') AND c.assigned_to = {im}"
        ))
        .await,
        2
    );
    let caseload = c.get("/cases").await;
    caseload.assert_contains("Haddad");
    caseload.assert_contains("Rahimi");
    // Audited: the import with its counts, each person as registration does.
    let audit = t.audit().await;
    let imported = audit
        .iter()
        .find(|e| e.0 == "spreadsheet_imported")
        .unwrap();
    assert_eq!(
        imported.4.as_deref(),
        Some("rows 2, registered 2, consents 1, skipped 0")
    );
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.0 == "client_registered" && e.2 == Some(im))
            .count(),
        2
    );
}

#[tokio::test]
async fn a_windows_1252_csv_and_its_mapping_is_offered_next_time_to_the_same_im_only() {
    let t = TestApp::new().await;
    let mut c = t.login("awo.im1").await;
    // Headings nothing can be guessed from; Windows-1252 bytes (ü = 0xFC).
    let file = b"Spalte 1;Spalte 2;Spalte 3\r\nJ\xfcrgen;M\xfcller;1979\r\n".to_vec();
    let to = uploaded(&mut c, file.clone()).await;
    let r = c.get(&to).await;
    r.assert_contains("<bdi>Jürgen</bdi>");
    assert!(!r.body.contains("selected>Vorname"));
    let r = post_owned(
        &mut c,
        &format!("{to}/preview"),
        &mapping(&["given_name", "family_name", "birth"], "08990002"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Jürgen Müller");

    // The same headings again: the saved mapping is offered.
    let again = uploaded(&mut c, file.clone()).await;
    assert_ne!(again, to);
    let r = c.get(&again).await;
    r.assert_contains("id=\"sheet-saved\"");
    r.assert_contains("<option value=\"family_name\" selected>");
    // The earlier upload of the same IM is gone.
    assert_eq!(c.get(&to).await.status, StatusCode::NOT_FOUND);
    // Importing needs the preview first (the mapping is confirmed there).
    let r = c.post(&format!("{again}/import"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(persons_named(&t, "Müller").await, 0);
    let r = post_owned(
        &mut c,
        &format!("{again}/preview"),
        &mapping(&["given_name", "family_name", "birth"], "08990002"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = c.post(&format!("{again}/import"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(persons_named(&t, "Müller").await, 1);

    // A colleague is not offered this IM's mapping.
    let mut other = t.login("awo.im2").await;
    let theirs = uploaded(&mut other, file).await;
    let r = other.get(&theirs).await;
    assert!(!r.body.contains("id=\"sheet-saved\""));
}

#[tokio::test]
async fn an_xlsx_written_by_excel_is_imported_with_its_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let t = TestApp::new().await;
    let mut c = t.login("awo.im1").await;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (i, h) in ["Vorname", "Nachname", "Geburtsdatum", "Einzug AU"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, u16::try_from(i).unwrap(), *h).unwrap();
    }
    let date = Format::new().set_num_format("dd.mm.yyyy");
    ws.write_string(1, 0, "Olena").unwrap();
    ws.write_string(1, 1, "Shevchenko").unwrap();
    ws.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(1988, 7, 14).unwrap(), &date)
        .unwrap();
    ws.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2025, 1, 2).unwrap(), &date)
        .unwrap();
    ws.write_string(2, 0, "Taras").unwrap();
    ws.write_string(2, 1, "Bondarenko").unwrap();
    ws.write_number(2, 2, 1979.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    c.get("/clients/import").await;
    let r = post_multipart(
        &mut c,
        "/clients/import",
        &[],
        Some((
            "liste.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().to_string();
    let r = c.get(&to).await;
    r.assert_contains("<option value=\"au_move_in\" selected>");
    let r = post_owned(
        &mut c,
        &format!("{to}/preview"),
        &mapping(
            &["given_name", "family_name", "birth", "au_move_in"],
            "08990002",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("14.07.1988");
    let r = c.post(&format!("{to}/import"), &[]).await;
    r.assert_contains("2 Klient:innen aufgenommen.");
    assert_eq!(
        text_of(
            &t,
            "SELECT CAST(au_move_in AS TEXT) AS v FROM persons WHERE family_name = 'Shevchenko'"
        )
        .await
        .as_deref(),
        Some("2025-01-02")
    );
    assert_eq!(
        t.scalar(
            "SELECT CAST(birth_year AS BIGINT) AS n FROM persons WHERE family_name = 'Bondarenko'"
        )
        .await,
        1979
    );
}

#[tokio::test]
async fn preview_errors_name_row_and_column_and_nothing_is_imported_until_they_are_fixed() {
    let t = TestApp::new().await;
    let mut c = t.login("awo.im1").await;
    let persons = t.count("persons").await;
    let to = uploaded(
        &mut c,
        bom_csv(&[
            "Amal;Haddad;1.2.1990;Bergfelden;syrisch;B1;03.11.2026;Papier",
            "Omar;;31.02.1990;Bergfelden;;;;",
            "Sara;Ahmadi;irgendwann;Sonnbühl;;;;",
            "Lina;Nasser;1999;Bergfelden;Atlantis;gut;01.01.2026;Brieftaube",
        ]),
    )
    .await;
    let r = post_owned(&mut c, &format!("{to}/preview"), &mapping(FIELDS, "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("3 Zeilen mit Fehlern");
    r.assert_contains("id=\"sheet-not-ready\"");
    // Row 3: the family name missing (column B), an impossible date (column C).
    r.assert_contains("<tr id=\"row-3\">");
    r.assert_contains("Spalte B (<bdi>Nachname</bdi>): Bitte ausfüllen.");
    r.assert_contains("Spalte C (<bdi>Geburtsdatum</bdi>): Bitte ein Geburtsjahr");
    // Row 4: a municipality the IM does not serve.
    r.assert_contains("Spalte D (<bdi>Gemeinde</bdi>)");
    // Row 5: values outside their lists, in a row with a consent.
    r.assert_contains("Spalte E (<bdi>Staatsangehörigkeit</bdi>)");
    r.assert_contains("Spalte F (<bdi>Deutschniveau</bdi>): Bitte ein Niveau A1 bis C2");
    r.assert_contains("Spalte H (<bdi>Einwilligung Form</bdi>)");
    assert!(!r.body.contains("name=\"register_anyway\""));
    assert!(!r.body.contains("Zeilen importieren"));

    // Importing anyway registers nobody, and the upload and its mapping are kept.
    let r = c.post(&format!("{to}/import"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Nichts wurde importiert");
    assert_eq!(t.count("persons").await, persons);
    assert!(!t.audit_has("spreadsheet_imported", "allowed", None).await);
    let r = c.get(&to).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("<option value=\"birth\" selected>");

    // A mapping without the minimum, or with a field twice, or with a value outside the list.
    let mut bad = mapping(FIELDS, "");
    bad[1].1 = "given_name";
    bad[2].1 = "password_hash";
    let r = post_owned(&mut c, &format!("{to}/preview"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Feld der Spalte 2 ist schon einer anderen Spalte zugeordnet.");
    r.assert_contains("Bitte ordnen Sie eine Spalte dem Familiennamen zu.");
    r.assert_contains("Bitte ordnen Sie eine Spalte der Geburt zu.");
    // What was chosen is shown again.
    r.assert_contains("<option value=\"consent_form\" selected>");
}

#[tokio::test]
async fn the_duplicate_check_of_registration_runs_on_every_row() {
    let t = TestApp::new().await;
    let known = register_named(&t, "awo.im1", "Amal", "Haddad", None, "1990").await;
    let mut c = t.login("awo.im1").await;
    let persons = t.count("persons").await;
    let to = uploaded(
        &mut c,
        bom_csv(&[
            "Amal;Haddad;1990;Bergfelden;;;;",
            "Karim;Saleh;1980;Bergfelden;;;;",
            "Karim;Saleh;1980;Bergfelden;;;;",
        ]),
    )
    .await;
    let r = post_owned(&mut c, &format!("{to}/preview"), &mapping(FIELDS, "")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("2 Zeilen mit Hinweis auf eine mögliche Doppelerfassung");
    r.assert_contains(&format!("<a href=\"/clients/{}\">", known.person_id));
    r.assert_contains("Gleicher Name und Geburtsjahr wie Zeile 3.");
    r.assert_contains("name=\"register_anyway\" value=\"2\"");
    r.assert_contains("name=\"register_anyway\" value=\"4\"");
    assert!(
        t.audit_has("duplicate_hints_shown", "allowed", Some(t.id("awo.im1")))
            .await
    );

    // Unconfirmed rows with hints are not registered; the page names them.
    let r = c.post(&format!("{to}/import"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("1 Klient:in aufgenommen.");
    r.assert_contains("Zeilen: 2, 4");
    assert_eq!(t.count("persons").await, persons + 1);
    assert_eq!(persons_named(&t, "Haddad").await, 1);
    assert_eq!(persons_named(&t, "Saleh").await, 1);

    // A row confirmed is registered despite its hint.
    let to = uploaded(&mut c, bom_csv(&["Amal;Haddad;1990;Bergfelden;;;;"])).await;
    post_owned(&mut c, &format!("{to}/preview"), &mapping(FIELDS, "")).await;
    let r = c
        .post(&format!("{to}/import"), &[("register_anyway", "2")])
        .await;
    r.assert_contains("1 Klient:in aufgenommen.");
    assert_eq!(persons_named(&t, "Haddad").await, 2);
    // A tampered confirmation is a field error, not a 500.
    let to = uploaded(&mut c, bom_csv(&["Amal;Haddad;1990;Bergfelden;;;;"])).await;
    post_owned(&mut c, &format!("{to}/preview"), &mapping(FIELDS, "")).await;
    let r = c
        .post(&format!("{to}/import"), &[("register_anyway", "zwei")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(persons_named(&t, "Haddad").await, 2);
}

#[tokio::test]
async fn only_an_im_imports_and_only_into_their_own_caseload() {
    let t = TestApp::new().await;
    let file = bom_csv(&["Amal;Qasimi;1990;Bergfelden;;;;"]);
    let persons = t.count("persons").await;
    // No caseload, or no client data: the administrator, the coordinator, the data-protection
    // officer, a team lead who is no IM.
    for user in [
        "admin",
        "awo.admin",
        "koordination",
        "datenschutz",
        "caritas.leitung",
    ] {
        let mut c = t.login(user).await;
        let r = c.get("/clients/import").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.body.contains("f-scan"), "{user}");
        let r = post_multipart(&mut c, "/clients/import", &[], csv_file(file.clone())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(
            t.audit_has("spreadsheet_uploaded", "denied", Some(t.id(user)))
                .await,
            "{user}"
        );
    }
    assert_eq!(t.count("spreadsheet_uploads").await, 0);

    // A colleague (even the team lead of the same team) cannot use an IM's upload: not found.
    let mut im = t.login("awo.im1").await;
    let to = uploaded(&mut im, file.clone()).await;
    post_owned(&mut im, &format!("{to}/preview"), &mapping(FIELDS, "")).await;
    for user in ["awo.leitung", "awo.im2", "caritas.im"] {
        let mut c = t.login(user).await;
        let r = c.get(&to).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!r.body.contains("Qasimi"), "{user}");
        let r = post_owned(&mut c, &format!("{to}/preview"), &mapping(FIELDS, "")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = c.post(&format!("{to}/import"), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!r.body.contains("Qasimi"), "{user}");
    }
    assert_eq!(t.count("persons").await, persons);

    // A team lead who is also an IM imports into their own caseload.
    let mut lead = t.login("awo.leitung").await;
    let theirs = uploaded(&mut lead, file.clone()).await;
    post_owned(
        &mut lead,
        &format!("{theirs}/preview"),
        &mapping(FIELDS, ""),
    )
    .await;
    // A field naming another caseload is no part of the form: the import goes to the importer.
    let im2 = t.id("awo.im2").to_string();
    let r = lead
        .post(
            &format!("{theirs}/import"),
            &[("assigned_to", im2.as_str())],
        )
        .await;
    r.assert_contains("1 Klient:in aufgenommen.");
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM cases WHERE assigned_to = {im2}"
        ))
        .await,
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM cases WHERE assigned_to = {im2} AND id NOT IN \
             (SELECT case_id FROM case_persons cp JOIN persons p ON p.id = cp.person_id \
              WHERE p.family_name = 'Qasimi')"
        ))
        .await
    );
    let lead_id = t.id("awo.leitung");
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM cases WHERE assigned_to = {lead_id} AND id IN \
             (SELECT case_id FROM case_persons cp JOIN persons p ON p.id = cp.person_id \
              WHERE p.family_name = 'Qasimi')"
        ))
        .await,
        1
    );

    // A deactivated IM is logged out; the upload they left cannot be imported.
    let before = t.count("persons").await;
    let im1 = t.id("awo.im1");
    {
        use ankommen_store::sea_orm::ConnectionTrait;
        t.db.writer()
            .execute_unprepared(&format!("UPDATE staff SET active = false WHERE id = {im1}"))
            .await
            .unwrap();
    }
    let r = im.post(&format!("{to}/import"), &[]).await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.body.contains("aufgenommen"));
    assert_eq!(t.count("persons").await, before);
}

#[tokio::test]
async fn bad_files_get_a_message_and_never_a_server_error() {
    let t = TestApp::new().await;
    let mut c = t.login("awo.im1").await;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            b"PK\x03\x04this is no workbook".to_vec(),
            "keine lesbare XLSX- oder CSV-Datei",
        ),
        (
            b"\x00\x01\x02binary\x00".to_vec(),
            "keine lesbare XLSX- oder CSV-Datei",
        ),
        (b"\xef\xbb\xbf\r\n;;\r\n".to_vec(), "Die Datei ist leer."),
        (
            b"Vorname;Nachname\r\n".to_vec(),
            "nur eine Überschriftenzeile",
        ),
        (
            {
                let mut s = String::from("Vorname\n");
                for i in 0..5_001 {
                    s.push_str(&format!("P{i}\n"));
                }
                s.into_bytes()
            },
            "zu viele Zeilen",
        ),
        (
            format!("a;b\n1;{}\n", "x".repeat(6_000)).into_bytes(),
            "Eine Zelle in Zeile 2 ist zu lang.",
        ),
    ];
    for (file, message) in cases {
        let r = upload(&mut c, file).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        r.assert_contains(message);
        r.assert_contains("aria-invalid=\"true\"");
    }
    // An empty file part is no file.
    let r = upload(&mut c, Vec::new()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte wählen Sie eine Datei.");
    // A huge file: cut by the upload layer, answered with the form.
    let huge = vec![b'a'; 13 * 1024 * 1024];
    let r = upload(&mut c, huge).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Die Datei ist zu groß.");
    assert_eq!(t.count("spreadsheet_uploads").await, 0);
    // Paths with malformed or unknown ids answer 404.
    for path in [
        "/clients/import/abc",
        "/clients/import/0",
        "/clients/import/999999",
    ] {
        assert_eq!(c.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = c.post("/clients/import/999999/import", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Importing before choosing a mapping: a conflict with its message.
    let to = uploaded(&mut c, bom_csv(&["Amal;Haddad;1990;Bergfelden;;;;"])).await;
    let r = c.post(&format!("{to}/import"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Bitte ordnen Sie zuerst die Spalten zu.");
    // A mapping form for fewer columns than the file: the rest count as left out.
    let r = c
        .post(
            &format!("{to}/preview"),
            &[("col_0", "given_name"), ("municipality", "08990002")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ordnen Sie eine Spalte dem Familiennamen zu.");
}
