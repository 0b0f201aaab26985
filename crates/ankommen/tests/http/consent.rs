//! HTTP tests: consent (the gate on intake and releases, dates, scans and their download),
//! releases over time, the printable forms, the data-protection officer's pages, and the access
//! matrix of every route of these pages.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{Duration, NaiveDate};
use http_body_util::BodyExt;
use tower::ServiceExt;

use ankommen_core::administration::organisations;
use ankommen_core::casework::clients::{self, Intake, IntakeForm};
use ankommen_core::kernel::catalog::DataCategory;
use ankommen_core::records::releases::{self, RecipientRef};
use ankommen_core::{Clock, Error};
use ankommen_store::entities::{consent as consent_e, document, organisation, person, release};
use ankommen_store::sea_orm::sea_query::Expr;
use ankommen_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::fixtures::{self, register_named};
use crate::support::{Client, Resp, TestApp};

const BOUNDARY: &str = "ankommen-test-boundary-7d3f2a";

/// A file for a multipart form: (file name, content type claimed by the browser, bytes).
pub(crate) type File<'a> = (&'a str, &'a str, Vec<u8>);

fn multipart_body(csrf: &str, fields: &[(&str, &str)], file: Option<File<'_>>) -> Vec<u8> {
    let mut b = Vec::new();
    // The token first, as the forms send it.
    let all = std::iter::once(("_csrf", csrf)).chain(fields.iter().copied());
    for (k, v) in all {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, ct, bytes)) = file {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(&bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// Posts a multipart form like a browser: the session cookie and the CSRF token of the last page.
pub(crate) async fn post_multipart(
    c: &mut Client,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<File<'_>>,
) -> Resp {
    if c.csrf.is_none() {
        c.get("/").await;
    }
    let token = c.csrf.clone().unwrap_or_default();
    let req = Request::post(path)
        .header(
            "cookie",
            format!(
                "ankommen_session={}",
                c.session_cookie().unwrap_or_default()
            ),
        )
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart_body(&token, fields, file)))
        .unwrap();
    c.send(req).await
}

/// A GET whose answer may be binary (the client of the harness reads bodies as text).
pub(crate) async fn get_bytes(
    t: &TestApp,
    c: &Client,
    path: &str,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let req = Request::get(path)
        .header(
            "cookie",
            format!(
                "ankommen_session={}",
                c.session_cookie().unwrap_or_default()
            ),
        )
        .body(Body::empty())
        .unwrap();
    let res = t.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn pdf_bytes() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".to_vec()
}

fn jpeg_bytes() -> Vec<u8> {
    [
        &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10][..],
        b"JFIF\0 scan data",
        &[0xFF, 0xD9],
    ]
    .concat()
}

fn png_bytes() -> Vec<u8> {
    [&b"\x89PNG\r\n\x1a\n"[..], b"\0\0\0\rIHDR scan data"].concat()
}

fn today(t: &TestApp) -> NaiveDate {
    t.clock.now().date_naive()
}

/// The fields of a valid consent form given on `on`.
fn consent_fields(on: &str) -> Vec<(&'static str, String)> {
    vec![
        ("text_version", "2026-1".into()),
        ("language", "ar".into()),
        ("given_on", on.into()),
        ("form", "paper".into()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Records a consent through the form; returns the consent's id.
async fn record_consent(
    t: &TestApp,
    c: &mut Client,
    person_id: i64,
    on: &str,
    file: Option<File<'_>>,
) -> i64 {
    let before = t.count("consents").await;
    let fields = consent_fields(on);
    let r = post_multipart(
        c,
        &format!("/clients/{person_id}/consents"),
        &refs(&fields),
        file,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/clients/{person_id}"));
    assert_eq!(t.count("consents").await, before + 1);
    consent_e::Entity::find()
        .all(t.db.reader())
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.person_id == person_id)
        .map(|c| c.id)
        .max()
        .unwrap()
}

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// Records a release through the form; returns its id.
async fn record_release(c: &mut Client, person_id: i64, fields: &[(&str, &str)]) -> i64 {
    let r = c
        .post(&format!("/clients/{person_id}/releases"), fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/releases/"), "{}", r.location());
    id_from(r.location())
}

fn some_intake() -> Intake {
    Intake::parse(&IntakeForm {
        profession: "Tischlerin".into(),
        ..Default::default()
    })
    .unwrap()
}

async fn person_row(t: &TestApp, id: i64) -> person::Model {
    person::Entity::find_by_id(id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
}

const JOBCENTER: &[(&str, &str)] = &[
    ("recipient", "other"),
    ("recipient_name", "Jobcenter Neckartal"),
    ("recipient_category", "jobcenter"),
    ("categories", "work"),
    ("categories", "language_education"),
    ("purpose", "Vermittlung in eine Arbeitsstelle"),
    ("valid_from", "2026-11-21"),
    ("valid_until", ""),
    ("mutual", "no"),
];

#[tokio::test]
async fn the_consent_gate_guards_intake_and_releases_until_withdrawal() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Amina", "Haddad", Some("أمينة حداد"), "1990").await;
    let ctx = t.ctx_of("awo.im1").await;
    let mut im = t.login("awo.im1").await;

    // Before consent: no intake, no release.
    let e = clients::update_intake(&t.db, &ctx, &t.sealer(), c.person_id, 1, some_intake())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict("error-no-consent")), "{e:?}");
    assert_eq!(person_row(&t, c.person_id).await.profession, None);
    let r = im
        .post(&format!("/clients/{}/releases", c.person_id), JOBCENTER)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Ohne gültige Einwilligung");
    r.assert_contains("Jobcenter Neckartal"); // typed values are kept
    assert_eq!(t.count("releases").await, 0);

    // The consent page explains what the consent covers, with the current text version.
    let page = im
        .get(&format!("/clients/{}/consents/new", c.person_id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("nur die Mindestdaten");
    // The current text version of the documents crate.
    page.assert_contains("value=\"2026-1\"");
    page.assert_contains("enctype=\"multipart/form-data\"");
    page.assert_contains("<bdi dir=\"auto\">أمينة حداد</bdi>");

    // After consent both work.
    let cid = record_consent(&t, &mut im, c.person_id, "2026-11-20", None).await;
    clients::update_intake(&t.db, &ctx, &t.sealer(), c.person_id, 1, some_intake())
        .await
        .unwrap();
    assert_eq!(
        person_row(&t, c.person_id).await.profession.as_deref(),
        Some("Tischlerin")
    );
    record_release(&mut im, c.person_id, JOBCENTER).await;
    assert_eq!(t.count("releases").await, 1);
    assert!(
        t.audit_has("consent_recorded", "allowed", Some(t.id("awo.im1")))
            .await
    );

    // Withdrawal: the page says what it means; afterwards intake is hidden and refused.
    let w = im.get(&format!("/consents/{cid}/withdraw")).await;
    assert_eq!(w.status, StatusCode::OK);
    w.assert_contains("Die freiwilligen Angaben werden ausgeblendet und nicht mehr verarbeitet");
    let version = consent_e::Entity::find_by_id(cid)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let r = im
        .post(
            &format!("/consents/{cid}/withdraw"),
            &[
                ("version", version.as_str()),
                ("withdrawn_on", "2026-11-21"),
                ("withdrawal_note", "mündlich erklärt"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/clients/{}", c.person_id));
    let view = clients::get(&t.db, &ctx, c.person_id).await.unwrap();
    assert!(view.intake.is_none());
    let e = clients::update_intake(&t.db, &ctx, &t.sealer(), c.person_id, 2, some_intake())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict("error-no-consent")), "{e:?}");

    // A second withdrawal is answered with a message, not an error page.
    let r = im
        .post(
            &format!("/consents/{cid}/withdraw"),
            &[
                ("version", "2"),
                ("withdrawn_on", "2026-11-21"),
                ("withdrawal_note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("bereits widerrufen");
}

#[tokio::test]
async fn consent_and_withdrawal_dates_are_checked() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Omar", "Nasser", None, "1985").await;
    let mut im = t.login("awo.im1").await;

    // Given in the future: refused next to the field, typed values kept, nothing stored.
    let tomorrow = (today(&t) + Duration::days(1)).to_string();
    let fields = consent_fields(&tomorrow);
    let r = post_multipart(
        &mut im,
        &format!("/clients/{}/consents", c.person_id),
        &refs(&fields),
        Some(("scan.pdf", "application/pdf", pdf_bytes())),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-given_on\"");
    r.assert_contains("nicht in der Zukunft");
    r.assert_contains("<option value=\"ar\" selected>");
    r.assert_contains(&format!("value=\"{tomorrow}\""));
    assert_eq!(t.count("consents").await, 0);
    assert_eq!(t.count("documents").await, 0);

    // Missing and unknown choices are field errors too.
    let r = post_multipart(
        &mut im,
        &format!("/clients/{}/consents", c.person_id),
        &[
            ("text_version", ""),
            ("language", "xx"),
            ("given_on", "gestern"),
            ("form", "fax"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["text_version", "language", "given_on"] {
        r.assert_contains(&format!("id=\"e-{f}\""));
    }
    assert_eq!(t.count("consents").await, 0);

    let cid = record_consent(&t, &mut im, c.person_id, "2026-11-11", None).await;
    for (on, msg) in [
        ("2026-11-01", "vor der Einwilligung"),
        ("2026-11-22", "nicht in der Zukunft"),
        ("", "Bitte ausfüllen"),
    ] {
        let r = im
            .post(
                &format!("/consents/{cid}/withdraw"),
                &[
                    ("version", "1"),
                    ("withdrawn_on", on),
                    ("withdrawal_note", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{on}");
        r.assert_contains(msg);
        r.assert_contains("id=\"e-withdrawn_on\"");
    }
    // A broken form (no version) is not a 500.
    let r = im
        .post(
            &format!("/consents/{cid}/withdraw"),
            &[("withdrawn_on", "2026-11-20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let row = consent_e::Entity::find_by_id(cid)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.withdrawn_on, None);
}

#[tokio::test]
async fn scans_are_accepted_by_content_and_refused_when_wrong_or_too_large() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Leyla", "Ahmadi", None, "1992").await;
    let mut im = t.login("awo.im1").await;

    // PDF with the consent; JPEG and PNG attached later to two more consents.
    record_consent(
        &t,
        &mut im,
        c.person_id,
        "2026-11-20",
        Some(("einwilligung.pdf", "application/pdf", pdf_bytes())),
    )
    .await;
    for (name, bytes, ct) in [
        // The browser's claimed type does not matter; the content does.
        ("scan.jpg", jpeg_bytes(), "image/jpeg"),
        ("scan.bin", png_bytes(), "image/png"),
    ] {
        let cid = record_consent(&t, &mut im, c.person_id, "2026-11-20", None).await;
        im.get(&format!("/consents/{cid}")).await;
        let r = post_multipart(
            &mut im,
            &format!("/consents/{cid}/scan"),
            &[],
            Some((name, "application/octet-stream", bytes)),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
        let row = consent_e::Entity::find_by_id(cid)
            .one(t.db.reader())
            .await
            .unwrap()
            .unwrap();
        let doc = document::Entity::find_by_id(row.document_id.unwrap())
            .one(t.db.reader())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(doc.content_type, ct);
    }
    let docs = t.count("documents").await;
    let consents = t.count("consents").await;
    assert_eq!(docs, 3);

    // An HTML file named scan.pdf.
    let fields = consent_fields("2026-11-20");
    let r = post_multipart(
        &mut im,
        &format!("/clients/{}/consents", c.person_id),
        &refs(&fields),
        Some((
            "scan.pdf",
            "application/pdf",
            b"<html><script>alert(1)</script></html>".to_vec(),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-scan\"");
    r.assert_contains("Nur PDF, JPEG oder PNG");

    // Just over 10 MiB (kept by the body limit, refused by the rule), and far over the body limit
    // (cut by the session layer): both a form error, nothing stored.
    for size in [10 * 1024 * 1024 + 1, 13 * 1024 * 1024] {
        let mut big = pdf_bytes();
        big.resize(size, b'x');
        let r = post_multipart(
            &mut im,
            &format!("/clients/{}/consents", c.person_id),
            &refs(&fields),
            Some(("gross.pdf", "application/pdf", big)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{size}");
        r.assert_contains("zu groß (höchstens 10 MB)");
        r.assert_contains("id=\"e-scan\"");
    }
    // Attaching a wrong or oversized scan later is refused the same way.
    let open = record_consent(&t, &mut im, c.person_id, "2026-11-20", None).await;
    let consents = consents + 1;
    let mut big = pdf_bytes();
    big.resize(13 * 1024 * 1024, b'x');
    for (bytes, msg) in [
        (b"GIF89a....".to_vec(), "Nur PDF, JPEG oder PNG"),
        (big, "zu groß (höchstens 10 MB)"),
        (Vec::new(), "Bitte ausfüllen"),
    ] {
        let r = post_multipart(
            &mut im,
            &format!("/consents/{open}/scan"),
            &[],
            Some(("scan.pdf", "application/pdf", bytes)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{msg}");
        r.assert_contains(msg);
    }
    assert_eq!(t.count("documents").await, docs);
    assert_eq!(t.count("consents").await, consents);

    // Without a token the upload is refused before anything is read into a form.
    let req = Request::post(format!("/clients/{}/consents", c.person_id))
        .header(
            "cookie",
            format!("ankommen_session={}", im.session_cookie().unwrap()),
        )
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart_body("wrong", &refs(&fields), None)))
        .unwrap();
    let r = im.send(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.count("consents").await, consents);
}

#[tokio::test]
async fn a_scan_is_downloaded_as_an_attachment_only_by_the_owner() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Samir", "Khalil", None, "1979").await;
    let mut im = t.login("awo.im1").await;
    let cid = record_consent(
        &t,
        &mut im,
        c.person_id,
        "2026-11-20",
        Some(("Khalil Samir.pdf", "application/pdf", pdf_bytes())),
    )
    .await;
    let doc = consent_e::Entity::find_by_id(cid)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .document_id
        .unwrap();
    let page = im.get(&format!("/consents/{cid}")).await;
    page.assert_contains(&format!("href=\"/documents/{doc}\""));

    let (status, h, body) = get_bytes(&t, &im, &format!("/documents/{doc}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, pdf_bytes());
    assert_eq!(header(&h, "content-type"), "application/pdf");
    let cd = header(&h, "content-disposition");
    assert_eq!(
        cd,
        format!("attachment; filename=\"einwilligung-{doc}.pdf\"")
    );
    assert!(!cd.contains("Khalil"));
    assert_eq!(header(&h, "x-content-type-options"), "nosniff");
    assert_eq!(header(&h, "cache-control"), "no-store");
    assert!(
        t.audit_has("document_downloaded", "allowed", Some(t.id("awo.im1")))
            .await
    );

    let other = t.login("awo.im2").await;
    let (status, _, body) = get_bytes(&t, &other, &format!("/documents/{doc}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.starts_with(b"%PDF"));
    assert!(
        t.audit_has("document_downloaded", "denied", Some(t.id("awo.im2")))
            .await
    );
}

async fn may(t: &TestApp, person_id: i64, cat: DataCategory, to: &RecipientRef<'_>) -> bool {
    releases::may_share(t.db.reader(), person_id, cat, to, today(t))
        .await
        .unwrap()
}

async fn release_state_shown(c: &mut Client, rid: i64, label: &str) {
    let r = c.get(&format!("/releases/{rid}")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&format!("\">{label}</span>"));
}

async fn set_active(t: &TestApp, organisation_id: i64, active: bool) {
    organisation::Entity::update_many()
        .col_expr(organisation::Column::Active, Expr::value(active))
        .filter(organisation::Column::Id.eq(organisation_id))
        .exec(t.db.writer())
        .await
        .unwrap();
}

#[tokio::test]
async fn releases_are_valid_only_for_their_recipient_categories_and_time() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Hassan", "Rahimi", None, "1990").await;
    let mut im = t.login("awo.im1").await;
    record_consent(&t, &mut im, c.person_id, "2026-11-21", None).await;
    let jobcenter = RecipientRef::Named("jobcenter  NECKARTAL");

    // Valid from December to February.
    let mut fields = JOBCENTER.to_vec();
    fields.retain(|(k, _)| !k.starts_with("valid_"));
    fields.extend([("valid_from", "2026-12-01"), ("valid_until", "2027-02-28")]);
    let rid = record_release(&mut im, c.person_id, &fields).await;
    assert!(!may(&t, c.person_id, DataCategory::Work, &jobcenter).await);
    release_state_shown(&mut im, rid, "noch nicht gültig").await;

    t.clock.advance(Duration::days(20)); // 11 December
    im = t.login("awo.im1").await; // the session has timed out meanwhile
    assert!(may(&t, c.person_id, DataCategory::Work, &jobcenter).await);
    assert!(may(&t, c.person_id, DataCategory::LanguageEducation, &jobcenter).await);
    assert!(!may(&t, c.person_id, DataCategory::Health, &jobcenter).await);
    assert!(
        !may(
            &t,
            c.person_id,
            DataCategory::Work,
            &RecipientRef::Named("Agentur für Arbeit")
        )
        .await
    );
    release_state_shown(&mut im, rid, "gültig").await;

    t.clock.advance(Duration::days(80)); // 1 March
    im = t.login("awo.im1").await;
    assert!(!may(&t, c.person_id, DataCategory::Work, &jobcenter).await);
    release_state_shown(&mut im, rid, "abgelaufen").await;

    // To another organisation of the deployment, from today; then revoked.
    let caritas = organisations::names(&t.db)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, n)| n == "Caritas Neckartal")
        .unwrap()
        .0;
    let new = im
        .get(&format!("/clients/{}/releases/new", c.person_id))
        .await;
    new.assert_contains(&format!("value=\"org:{caritas}\""));
    new.assert_contains("Art. 9 DSGVO");
    assert!(!new.body.contains("AWO Kreisverband Neckartal"));
    let on = today(&t).to_string();
    let org_value = format!("org:{caritas}");
    let rid2 = record_release(
        &mut im,
        c.person_id,
        &[
            ("recipient", org_value.as_str()),
            ("categories", "health"),
            ("purpose", "Übergabe der Begleitung nach Umzug"),
            ("valid_from", on.as_str()),
            ("mutual", "yes"),
        ],
    )
    .await;
    let to_caritas = RecipientRef::Organisation(caritas);
    assert!(may(&t, c.person_id, DataCategory::Health, &to_caritas).await);
    assert!(
        !may(
            &t,
            c.person_id,
            DataCategory::Health,
            &RecipientRef::Organisation(caritas + 100)
        )
        .await
    );
    let r = im
        .post(
            &format!("/releases/{rid2}/revoke"),
            &[("version", "1"), ("revoked_on", on.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!may(&t, c.person_id, DataCategory::Health, &to_caritas).await);
    release_state_shown(&mut im, rid2, "widerrufen").await;
    let again = im
        .post(
            &format!("/releases/{rid2}/revoke"),
            &[("version", "2"), ("revoked_on", on.as_str())],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    again.assert_contains("bereits widerrufen");

    // The release page names the person it is about.
    im.get(&format!("/releases/{rid2}"))
        .await
        .assert_contains("<bdi>Hassan Rahimi</bdi>");

    // An organisation that is no longer active is not offered, and not accepted.
    set_active(&t, caritas, false).await;
    let new = im
        .get(&format!("/clients/{}/releases/new", c.person_id))
        .await;
    assert!(!new.body.contains(&format!("value=\"org:{caritas}\"")));
    let r = im
        .post(
            &format!("/clients/{}/releases", c.person_id),
            &[
                ("recipient", org_value.as_str()),
                ("categories", "family"),
                ("purpose", "Weitergabe an die frühere Beratungsstelle"),
                ("valid_from", on.as_str()),
                ("mutual", "no"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("nicht mehr aktiv");
    r.assert_contains("Weitergabe an die frühere Beratungsstelle");
    set_active(&t, caritas, true).await;

    // A valid release stops counting when the consent is withdrawn.
    let rid3 = record_release(
        &mut im,
        c.person_id,
        &[
            ("recipient", org_value.as_str()),
            ("categories", "family"),
            ("purpose", "Familienzusammenführung: Migrationsberatung"),
            ("valid_from", on.as_str()),
            ("mutual", "no"),
        ],
    )
    .await;
    assert!(may(&t, c.person_id, DataCategory::Family, &to_caritas).await);
    let cid = consent_e::Entity::find()
        .all(t.db.reader())
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.person_id == c.person_id)
        .unwrap()
        .id;
    let r = im
        .post(
            &format!("/consents/{cid}/withdraw"),
            &[
                ("version", "1"),
                ("withdrawn_on", on.as_str()),
                ("withdrawal_note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!may(&t, c.person_id, DataCategory::Family, &to_caritas).await);
    // The release itself is still shown as it stands.
    release_state_shown(&mut im, rid3, "gültig").await;

    // Invalid input: errors next to the fields, 422.
    let r = im
        .post(
            &format!("/clients/{}/releases", c.person_id),
            &[
                ("recipient", "other"),
                ("recipient_name", ""),
                ("purpose", ""),
                ("valid_from", "2026-12-01"),
                ("valid_until", "2026-11-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["recipient_name", "purpose", "valid_until"] {
        r.assert_contains(&format!("id=\"e-{f}\""));
    }
    r.assert_contains("Bitte mindestens eine Datenkategorie");
}

#[tokio::test]
async fn printed_forms_are_pdfs_in_the_chosen_language_and_audited() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Amina", "Haddad", Some("أمينة حداد"), "1990").await;
    let mut im = t.login("awo.im1").await;
    record_consent(&t, &mut im, c.person_id, "2026-11-21", None).await;
    let rid = record_release(&mut im, c.person_id, JOBCENTER).await;

    let page = im.get(&format!("/clients/{}/forms", c.person_id)).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("العربية");
    page.assert_contains("Übersetzung nicht geprüft");
    page.assert_contains(&format!(
        "href=\"/clients/{}/forms/consent?lang=ar\"",
        c.person_id
    ));
    page.assert_contains(&format!("href=\"/releases/{rid}/form?lang=ar\""));

    for lang in ["de", "ar"] {
        let (status, h, body) = get_bytes(
            &t,
            &im,
            &format!("/clients/{}/forms/consent?lang={lang}", c.person_id),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{lang}");
        assert_eq!(header(&h, "content-type"), "application/pdf");
        assert!(body.starts_with(b"%PDF"), "{lang}");
        assert_eq!(
            header(&h, "content-disposition"),
            format!("attachment; filename=\"einwilligung-{lang}.pdf\"")
        );
        // The same download response as a stored scan (`download::file_download`).
        assert_eq!(header(&h, "x-content-type-options"), "nosniff");
        assert_eq!(header(&h, "cache-control"), "no-store");
    }
    let (status, h, body) = get_bytes(&t, &im, &format!("/releases/{rid}/form?lang=ar")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), "application/pdf");
    assert!(body.starts_with(b"%PDF"));
    assert!(
        t.audit_has("form_printed", "allowed", Some(t.id("awo.im1")))
            .await
    );

    for bad in ["xx", "..%2F..%2Fetc", "AR"] {
        let (status, _, _) = get_bytes(
            &t,
            &im,
            &format!("/clients/{}/forms/consent?lang={bad}", c.person_id),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }

    let other = t.login("awo.im2").await;
    let (status, _, body) = get_bytes(
        &t,
        &other,
        &format!("/clients/{}/forms/consent?lang=ar", c.person_id),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.starts_with(b"%PDF"));
    assert!(
        t.audit_has("form_printed", "denied", Some(t.id("awo.im2")))
            .await
    );
}

const REASON: &str = "Auskunftsersuchen nach Art. 15 DSGVO vom 18.11.2026";

#[tokio::test]
async fn the_dpo_finds_a_client_by_another_spelling_and_sees_who_accessed_the_record() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Amina", "Haddad", Some("أمينة حداد"), "1990").await;
    let other = register_named(&t, "awo.im1", "Peter", "Schmidt", None, "1990").await;
    // The IM reads the record (as the record page does).
    clients::get(&t.db, &t.ctx_of("awo.im1").await, c.person_id)
        .await
        .unwrap();

    let mut dpo = t.login("datenschutz").await;
    let form = dpo.get("/privacy").await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("href=\"/privacy\" aria-current=\"page\"");

    // Without a reason: 422, nothing found or opened.
    let r = dpo
        .post(
            "/privacy/lookup",
            &[
                ("name", "Amina Hadad"),
                ("birth_year", "1990"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-reason\"");
    assert!(!r.body.contains("Haddad"));

    let r = dpo
        .post(
            "/privacy/lookup",
            &[
                ("name", "Amina Hadad"),
                ("birth_year", "1990"),
                ("reason", REASON),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Amina Haddad");
    r.assert_contains(&format!("action=\"/privacy/persons/{}\"", c.person_id));
    r.assert_contains(&format!("name=\"reason\" value=\"{REASON}\""));
    assert!(!r.body.contains("Schmidt"));
    assert!(
        !r.body
            .contains(&format!("/privacy/persons/{}\"", other.person_id))
    );

    // Opening without a reason: 422, nothing stored.
    let r = dpo
        .post(
            &format!("/privacy/persons/{}", c.person_id),
            &[("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.body.contains("Haddad"));
    assert_eq!(t.count("dpo_requests").await, 0);

    let r = dpo
        .post(
            &format!("/privacy/persons/{}", c.person_id),
            &[("reason", REASON)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Amina Haddad");
    r.assert_contains("<bdi dir=\"auto\">أمينة حداد</bdi>");
    r.assert_contains(REASON);
    // The access log: the IM's registration and read, by name.
    r.assert_contains("<bdi>Ahmad Karimi</bdi>");
    // Actions and sections in words, not as codes.
    r.assert_contains("<td>Akte angesehen</td>");
    r.assert_contains("<td>Person erfasst</td>");
    r.assert_contains("<td>Akte</td>");
    assert!(!r.body.contains("client_viewed"), "{}", r.body);
    r.assert_contains("Jonas Datz"); // the request itself, by the DPO
    assert_eq!(t.count("dpo_requests").await, 1);
    assert!(
        t.audit_has(
            "client_viewed_for_request",
            "allowed",
            Some(t.id("datenschutz"))
        )
        .await
    );
}

#[tokio::test]
async fn others_cannot_use_the_dpo_pages() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Amina", "Haddad", None, "1990").await;
    for user in ["awo.im1", "awo.leitung", "admin", "koordination"] {
        let mut u = t.login(user).await;
        assert_eq!(
            u.get("/privacy").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let r = u
            .post(
                "/privacy/lookup",
                &[
                    ("name", "Amina Haddad"),
                    ("birth_year", "1990"),
                    ("reason", REASON),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.body.contains("Haddad"));
        assert!(
            t.audit_has("dpo_lookup", "denied", Some(t.id(user))).await,
            "{user}"
        );
        let r = u
            .post(
                &format!("/privacy/persons/{}", c.person_id),
                &[("reason", REASON)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!r.body.contains("Haddad"));
    }
    assert_eq!(t.count("dpo_requests").await, 0);
}

/// Every route of these pages: the owner IM is allowed; a colleague in another team, the team lead,
/// the coordinator, the municipal officer, the administrators and the data-protection officer get
/// 404 for reads and are refused for writes, with nothing changed.
#[tokio::test]
async fn access_matrix_of_consent_release_and_form_routes() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Matrix").await;
    let p = c.person_id;
    let mut owner = t.login("awo.im1").await;
    // A consent with a scan, one without (for the scan upload), and a release.
    let cid = record_consent(
        &t,
        &mut owner,
        p,
        "2026-11-21",
        Some(("scan.pdf", "application/pdf", pdf_bytes())),
    )
    .await;
    let open_cid = record_consent(&t, &mut owner, p, "2026-11-21", None).await;
    let doc = consent_e::Entity::find_by_id(cid)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .document_id
        .unwrap();
    let rid = record_release(&mut owner, p, JOBCENTER).await;

    let reads = [
        format!("/clients/{p}/consents/new"),
        format!("/consents/{cid}"),
        format!("/consents/{cid}/withdraw"),
        format!("/documents/{doc}"),
        format!("/clients/{p}/releases/new"),
        format!("/releases/{rid}"),
        format!("/clients/{p}/forms"),
        format!("/clients/{p}/forms/consent?lang=de"),
        format!("/releases/{rid}/form?lang=de"),
    ];
    for path in &reads {
        let (status, _, _) = get_bytes(&t, &owner, path).await;
        assert_eq!(status, StatusCode::OK, "owner: {path}");
    }

    let snapshot = |t: &TestApp| {
        let db = t.db.clone();
        async move {
            let consents = consent_e::Entity::find().all(db.reader()).await.unwrap();
            let releases = release::Entity::find().all(db.reader()).await.unwrap();
            let docs = document::Entity::find()
                .all(db.reader())
                .await
                .unwrap()
                .len();
            (consents, releases, docs)
        }
    };
    let before = snapshot(&t).await;

    for user in [
        "awo.im2",
        "awo.leitung",
        "koordination",
        "talheim.beauftragte",
        "admin",
        "awo.admin",
        "datenschutz",
        "caritas.im",
    ] {
        let mut u = t.login(user).await;
        for path in &reads {
            let (status, _, body) = get_bytes(&t, &u, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{user}: {path}");
            let body = String::from_utf8_lossy(&body);
            assert!(
                !body.contains(&c.canary) && !body.contains("CanaryMatrix"),
                "{user}: {path}"
            );
        }
        let fields = consent_fields("2026-11-21");
        let writes = [
            post_multipart(
                &mut u,
                &format!("/clients/{p}/consents"),
                &refs(&fields),
                None,
            )
            .await,
            post_multipart(
                &mut u,
                &format!("/consents/{open_cid}/scan"),
                &[],
                Some(("scan.pdf", "application/pdf", pdf_bytes())),
            )
            .await,
            u.post(
                &format!("/consents/{cid}/withdraw"),
                &[
                    ("version", "2"),
                    ("withdrawn_on", "2026-11-21"),
                    ("withdrawal_note", ""),
                ],
            )
            .await,
            u.post(&format!("/clients/{p}/releases"), JOBCENTER).await,
            u.post(
                &format!("/releases/{rid}/revoke"),
                &[("version", "1"), ("revoked_on", "2026-11-21")],
            )
            .await,
        ];
        for (i, r) in writes.iter().enumerate() {
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{user}: write {i}: {}",
                r.body
            );
            assert!(!r.body.contains("CanaryMatrix"), "{user}: write {i}");
        }
        assert_eq!(snapshot(&t).await, before, "{user} changed something");
    }
}
