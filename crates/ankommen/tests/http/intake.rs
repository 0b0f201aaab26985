//! HTTP tests of the intake details of issue 26: the date of entry, a permit's legal basis, the
//! health insurance, child and housing benefit; and their way out through the exchange export.

use axum::http::StatusCode;
use serde_json::Value;

use ankommen_core::Clock;
use ankommen_core::casework::exchange::export::{self, MadeFor};
use ankommen_core::casework::exchange::{self, Progress};
use ankommen_core::kernel::catalog::DataCategory;
use ankommen_core::kernel::types::Role;
use ankommen_core::records::consent::{self, ConsentInput};
use ankommen_core::records::releases::{self, Recipient, ReleaseInput};

use crate::fixtures::register_named;
use crate::support::TestApp;

async fn consent_for(t: &TestApp, im: &str, person_id: i64) {
    let ctx = t.ctx_of(im).await;
    let input =
        ConsentInput::parse("2026-1", "ar", "2026-11-20", "screen", None, ctx.today()).unwrap();
    consent::record(&t.db, &ctx, &t.sealer(), person_id, input)
        .await
        .unwrap();
}

/// The exchange file's person object of the client named Amina Yusuf, as the operator exports
/// the organisation of `im`.
async fn exported_person(t: &TestApp, im: &str) -> Value {
    let bytes = exported(t, im).await;
    std::str::from_utf8(&bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|o| {
            o["kind"] == "person" && o["given_name"] == "Amina" && o["family_name"] == "Yusuf"
        })
        .expect("the person is exported")
}

/// The exchange file of the organisation of `im`, as the operator exports it.
async fn exported(t: &TestApp, im: &str) -> Vec<u8> {
    let org: i64 = t
        .scalar(&format!(
            "SELECT organisation_id AS n FROM staff WHERE id = {}",
            t.id(im)
        ))
        .await;
    let made_for = MadeFor {
        role: Role::Im,
        purpose: "Test".into(),
    };
    let out = export::export_as_operator(&t.db, t.clock.now(), &t.sealer(), org, &made_for)
        .await
        .unwrap();
    out.bytes
}

#[tokio::test]
async fn the_intake_details_are_saved_shown_and_exported() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Amina", "Yusuf", None, "1995").await;
    consent_for(&t, "awo.im1", c.person_id).await;
    let mut im = t.login("awo.im1").await;
    let path = format!("/clients/{}/intake", c.person_id);
    let form = im.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Einreise nach Deutschland am");
    form.assert_contains("Fiktionsbescheinigung");
    form.assert_contains("Kindergeld");
    form.assert_contains("Wohngeld");
    form.assert_contains("Über das Sozialamt / AsylbLG (Krankenschein oder eGK)");

    // An entry before the birth and one in the future are refused, and what was typed stays.
    for (date, error) in [
        ("1990-05-01", "nicht vor der Geburt"),
        ("2099-01-01", "nicht in der Zukunft"),
    ] {
        let r = im
            .post(
                &path,
                &[
                    ("version", "1"),
                    ("entry_date", date),
                    ("health_insurer", "AOK Baden-Württemberg"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        r.assert_contains("id=\"e-entry_date\"");
        r.assert_contains(error);
        r.assert_contains(&format!("value=\"{date}\""));
        r.assert_contains("value=\"AOK Baden-Württemberg\"");
    }
    // A legal basis goes only with a residence permit.
    let r = im
        .post(
            &path,
            &[
                ("version", "1"),
                ("residence_status", "toleration"),
                ("residence_basis", "§ 25 Abs. 2 AufenthG"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-residence_basis\"");
    r.assert_contains("value=\"§ 25 Abs. 2 AufenthG\"");

    let r = im
        .post(
            &path,
            &[
                ("version", "1"),
                ("residence_status", "residence_permit"),
                ("residence_basis", "§ 25 Abs. 2 AufenthG"),
                ("entry_date", "2023-04-17"),
                ("benefits", "child_benefit"),
                ("benefits", "housing_benefit"),
                ("health_insurance", "statutory"),
                ("health_insurer", "AOK Baden-Württemberg"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rec = im.get(&format!("/clients/{}", c.person_id)).await;
    rec.assert_contains("Aufenthaltserlaubnis (§ 25 Abs. 2 AufenthG)");
    rec.assert_contains("17.04.2023");
    rec.assert_contains("Kindergeld, Wohngeld");
    rec.assert_contains("Gesetzlich versichert (GKV) – AOK Baden-Württemberg");
    let edit = im.get(&path).await;
    edit.assert_contains("value=\"2023-04-17\"");

    let p = exported_person(&t, "awo.im1").await;
    assert_eq!(p["residence"]["status"], "residence_permit");
    assert_eq!(p["residence"]["basis"], "§ 25 Abs. 2 AufenthG");
    assert_eq!(p["entry_date"], "2023-04-17");
    assert_eq!(p["health_insurance"], "statutory");
    assert_eq!(p["health_insurer"], "AOK Baden-Württemberg");
    assert_eq!(p["benefits"], "child_benefit,housing_benefit");

    // The importer reads the additions back (docs/exchange-extensions.md).
    let bytes = exported(&t, "awo.im1").await;
    let fresh = TestApp::new().await;
    let r = exchange::import_as_operator(
        &fresh.db,
        fresh.clock.now(),
        &fresh.sealer(),
        &bytes,
        false,
        &|_: Progress| {},
    )
    .await
    .unwrap();
    assert!(r.written, "{:?}", r.problems);
    let stored: i64 = fresh
        .scalar(
            "SELECT COUNT(*) AS n FROM persons WHERE given_name = 'Amina' \
             AND entry_date = '2023-04-17' AND residence_basis = '§ 25 Abs. 2 AufenthG' \
             AND health_insurance = 'statutory' AND health_insurer = 'AOK Baden-Württemberg'",
        )
        .await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn an_administrator_extends_the_residence_statuses_and_the_export_maps_them() {
    let t = TestApp::new().await;
    // An IM may neither see nor extend the lists.
    let mut im = t.login("awo.im1").await;
    assert_eq!(
        im.get("/admin/intake-lists").await.status,
        StatusCode::FORBIDDEN
    );
    let r = im
        .post(
            "/admin/intake-lists",
            &[
                ("exchange", "residence_status/toleration"),
                ("label_de", "Ausbildungsduldung"),
                ("label_en", "Training toleration"),
                ("position", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let mut admin = t.login("admin").await;
    let page = admin.get("/admin/intake-lists").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Aufenthaltsstatus – Duldung");
    // A value without a fixed value to be reported under is refused, and the names stay.
    let r = admin
        .post(
            "/admin/intake-lists",
            &[
                ("exchange", ""),
                ("label_de", "Ausbildungsduldung"),
                ("label_en", "Training toleration"),
                ("position", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-exchange\"");
    r.assert_contains("value=\"Ausbildungsduldung\"");
    let r = admin
        .post(
            "/admin/intake-lists",
            &[
                ("exchange", "residence_status/toleration"),
                ("label_de", "Ausbildungsduldung"),
                ("label_en", "Training toleration"),
                ("position", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get("/admin/intake-lists").await;
    page.assert_contains("Ausbildungsduldung");
    page.assert_contains("<code>ausbildungsduldung</code>");
    let actions: i64 = t
        .scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'intake_catalog_entry_created' AND object_kind = 'intake_catalog_entry'")
        .await;
    assert_eq!(actions, 1);

    let c = register_named(&t, "awo.im1", "Amina", "Yusuf", None, "1995").await;
    consent_for(&t, "awo.im1", c.person_id).await;
    let path = format!("/clients/{}/intake", c.person_id);
    let form = im.get(&path).await;
    form.assert_contains("<option value=\"ausbildungsduldung\"");
    // A key that is no value of the list is refused.
    let r = im
        .post(&path, &[("version", "1"), ("residence_status", "made_up")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-residence_status\"");
    let r = im
        .post(
            &path,
            &[("version", "1"), ("residence_status", "ausbildungsduldung")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rec = im.get(&format!("/clients/{}", c.person_id)).await;
    rec.assert_contains("Ausbildungsduldung");
    let stored: i64 = t
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM persons WHERE id = {} AND residence_status = 'ausbildungsduldung'",
            c.person_id
        ))
        .await;
    assert_eq!(stored, 1);

    let p = exported_person(&t, "awo.im1").await;
    assert_eq!(p["residence"]["status"], "toleration");

    // Released to another organisation, the status reads as the fixed value it is reported under:
    // the recipient knows the fixed lists, not this deployment's additions.
    let caritas: i64 = t
        .scalar(
            "SELECT CAST(id AS BIGINT) AS n FROM organisations WHERE name = 'Caritas Neckartal'",
        )
        .await;
    let ctx = t.ctx_of("awo.im1").await;
    releases::create(
        &t.db,
        &ctx,
        c.person_id,
        ReleaseInput {
            recipient: Recipient::Organisation(caritas),
            categories: vec![DataCategory::CaseProgress, DataCategory::Residence],
            purpose: "Übergabe an das Integrationsmanagement".into(),
            valid_from: ctx.today(),
            valid_until: None,
            mutual: false,
        },
    )
    .await
    .unwrap();
    let summary = im
        .get(&format!("/cases/{}/handover/{caritas}", c.case_id))
        .await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.body);
    summary.assert_contains("<h3>Aufenthaltsstatus</h3>");
    summary.assert_contains("Duldung");
    assert!(
        !summary.body.contains("ausbildungsduldung"),
        "{}",
        summary.body
    );
}
