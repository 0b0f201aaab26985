//! Issue 22, export and the Art. 15 export: an organisation's export and its round trip into an
//! empty instance, special-category content only for an entitled role, who may export (and who
//! not), the DPO's Art. 15 export as PDF and JSON Lines, and its completeness against every table
//! of the schema that holds a column about a person or a case — on both databases.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_core::Clock;
use ankommen_core::casework::exchange::export::{self, MadeFor, WITHHELD};
use ankommen_core::casework::exchange::{self, Kind, Progress};
use ankommen_core::casework::subject_access::{EXCLUDED, TABLES};
use ankommen_core::kernel::sealed::CONTACT_NOTE;
use ankommen_core::kernel::types::Role;
use ankommen_store::sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::Value;

use crate::support::TestApp;

const MINI: &str = include_str!("../../../core/src/casework/figures/mini-county/mini-county.jsonl");

fn quiet(_: Progress) {}

/// The demo county with its clients (written by the services, as the IMs).
pub(crate) async fn with_clients() -> TestApp {
    let t = TestApp::new().await;
    ankommen_core::demo::seed_clients(
        &t.db,
        std::sync::Arc::new(t.clock.clone()),
        &t.sealer(),
        &t.ids,
    )
    .await
    .unwrap();
    t
}

fn made_for(role: Role) -> MadeFor {
    MadeFor {
        role,
        purpose: "Umzug des Trägers".into(),
    }
}

async fn export_of(t: &TestApp, org: i64, role: Role) -> (Value, Vec<Value>) {
    let out = export::export_as_operator(&t.db, t.clock.now(), &t.sealer(), org, &made_for(role))
        .await
        .unwrap();
    parse(&out.bytes)
}

/// The header and the objects of an exchange file.
fn parse(bytes: &[u8]) -> (Value, Vec<Value>) {
    let text = std::str::from_utf8(bytes).unwrap();
    let mut lines = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap());
    let header = lines.next().unwrap();
    (header, lines.collect())
}

async fn org_named(t: &TestApp, like: &str) -> i64 {
    t.scalar(&format!(
        "SELECT id AS n FROM organisations WHERE name LIKE '{like}'"
    ))
    .await
}

/// Imports a file into an app as the operator; it must have no problems.
async fn import(t: &TestApp, bytes: &[u8]) {
    let r = exchange::import_as_operator(&t.db, t.clock.now(), &t.sealer(), bytes, false, &quiet)
        .await
        .unwrap();
    assert!(r.written, "{:?}", r.problems);
}

/// Our id of an organisation imported with the file id `ext`.
async fn imported_org(t: &TestApp, ext: &str) -> i64 {
    *exchange::external_ids(&t.db, Kind::Organisation)
        .await
        .unwrap()
        .iter()
        .find(|(_, e)| e.as_str() == ext)
        .unwrap()
        .0
}

/// Objects keyed by (kind, id), for a comparison that names what differs.
fn keyed(objects: &[Value]) -> BTreeMap<(String, String), Value> {
    objects
        .iter()
        .map(|o| {
            (
                (
                    o["kind"].as_str().unwrap().to_string(),
                    o["id"].as_str().unwrap().to_string(),
                ),
                o.clone(),
            )
        })
        .collect()
}

fn assert_same_objects(first: &[Value], second: &[Value]) {
    let (a, b) = (keyed(first), keyed(second));
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "only in the first: {only_a:?}; only in the second: {only_b:?}"
    );
    for (k, v) in &a {
        assert_eq!(v, &b[k], "{k:?} differs");
    }
    assert_eq!(first.len(), second.len());
}

/// The header without the time of export and without the counts of what the format has no room
/// for (scans, health needs ... exist only in the first instance).
fn without_time(mut header: Value) -> Value {
    let h = header.as_object_mut().unwrap();
    h.remove("exported_at");
    h.remove("not_in_format");
    header
}

/// Export → import into an empty instance → export again gives the same objects: the demo
/// county's AWO (data written by the services, so our own ids), on both databases.
#[tokio::test]
async fn an_exported_organisation_imports_into_an_empty_instance_and_exports_the_same() {
    let a = with_clients().await;
    let awo = org_named(&a, "AWO%").await;
    let (header, first) = export_of(&a, awo, Role::Im).await;
    assert_eq!(header["format"], "ankommen-exchange");
    assert_eq!(header["version"], 1);
    assert_eq!(header["made_for"]["role"], "im");
    assert_eq!(header["made_for"]["purpose"], "Umzug des Trägers");
    assert_eq!(header["special_category"]["included"], true);
    let kinds: BTreeSet<&str> = first.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    for k in [
        "organisation",
        "staff",
        "person",
        "case",
        "contact",
        "goal",
        "consent",
    ] {
        assert!(kinds.contains(k), "no {k} in the export: {kinds:?}");
    }
    // Ids of our own where nothing was imported; the file has no database ids of persons.
    assert!(
        first
            .iter()
            .filter(|o| o["kind"] == "person")
            .all(|o| o["id"].as_str().unwrap().starts_with("ankommen-person-"))
    );
    // Nobody of another organisation's cases (Caritas) is in AWO's file.
    let caritas_persons = a
        .scalar(
            "SELECT COUNT(*) AS n FROM case_persons cp JOIN cases c ON c.id = cp.case_id \
             JOIN organisations o ON o.id = c.organisation_id WHERE o.name LIKE 'Caritas%'",
        )
        .await;
    assert!(caritas_persons > 0);
    let persons = first.iter().filter(|o| o["kind"] == "person").count() as i64;
    let awo_persons = a
        .scalar(&format!(
            "SELECT COUNT(DISTINCT cp.person_id) AS n FROM case_persons cp JOIN cases c ON c.id = cp.case_id WHERE c.organisation_id = {awo}"
        ))
        .await;
    assert!(persons >= awo_persons && awo_persons > 0);

    let b = TestApp::empty().await;
    let bytes: Vec<u8> = std::iter::once(header.to_string())
        .chain(first.iter().map(Value::to_string))
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes();
    import(&b, &bytes).await;
    let org_b = imported_org(&b, header["organisation"].as_str().unwrap()).await;
    let (header_b, second) = export_of(&b, org_b, Role::Im).await;
    assert_same_objects(&first, &second);
    assert_eq!(without_time(header), without_time(header_b));
}

/// The same round trip for an organisation of the mini county: the ids are the file's.
#[tokio::test]
async fn the_round_trip_keeps_the_ids_of_an_imported_file() {
    let a = TestApp::empty().await;
    import(&a, MINI.as_bytes()).await;
    let o1 = imported_org(&a, "O1").await;
    let (header, first) = export_of(&a, o1, Role::Im).await;
    assert_eq!(header["organisation"], "O1");
    let ids: BTreeSet<&str> = first
        .iter()
        .filter(|o| o["kind"] == "case")
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains("C1") && ids.contains("C3"), "{ids:?}");
    // O2's case is not O1's.
    assert!(!ids.contains("C2"));
    let b = TestApp::empty().await;
    let mut bytes = header.to_string().into_bytes();
    for o in &first {
        bytes.push(b'\n');
        bytes.extend(o.to_string().as_bytes());
    }
    import(&b, &bytes).await;
    let (_, second) = export_of(&b, imported_org(&b, "O1").await, Role::Im).await;
    assert_same_objects(&first, &second);
}

/// Special-category content only for a role entitled to it; otherwise left out and the header
/// says so.
#[tokio::test]
async fn special_category_content_only_for_an_entitled_role() {
    let t = with_clients().await;
    let awo = org_named(&t, "AWO%").await;
    // A note on a contact of AWO's (the demo's contacts have none).
    let contact = t
        .scalar(&format!(
            "SELECT MIN(ct.id) AS n FROM contacts ct JOIN cases c ON c.id = ct.case_id WHERE c.organisation_id = {awo}"
        ))
        .await;
    let version = t
        .scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM contacts WHERE id = {contact}"
        ))
        .await;
    t.store_sealed(
        &CONTACT_NOTE,
        contact,
        Some(i32::try_from(version).unwrap()),
        "Notiz: Termin beim Hausarzt",
    )
    .await;
    let (with, objects) = export_of(&t, awo, Role::Im).await;
    assert_eq!(with["special_category"]["included"], true);
    let notes: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"] == "contact" && o.get("note").is_some())
        .collect();
    assert!(!notes.is_empty(), "the demo's contacts have notes");
    let goal_texts: BTreeSet<&str> = objects
        .iter()
        .filter(|o| o["kind"] == "goal")
        .map(|o| o["text"].as_str().unwrap())
        .collect();
    assert!(!goal_texts.contains(WITHHELD));

    for role in [Role::Admin, Role::TeamLead, Role::Coordinator, Role::Dpo] {
        let (without, objects) = export_of(&t, awo, role).await;
        assert_eq!(without["special_category"]["included"], false, "{role:?}");
        assert_eq!(without["special_category"]["placeholder"], WITHHELD);
        assert!(
            without["special_category"]["fields"]
                .as_array()
                .unwrap()
                .contains(&Value::from("contact.note"))
        );
        for o in &objects {
            for key in [
                "note",
                "status_reason",
                "summary",
                "extension_reason",
                "closure_note",
                "reason",
            ] {
                assert!(o.get(key).is_none(), "{role:?}: {} has {key}", o["kind"]);
            }
            if o["kind"] == "goal" || o["kind"] == "step" {
                assert_eq!(o["text"], WITHHELD);
            }
        }
        let text: String = objects.iter().map(Value::to_string).collect();
        for n in &notes {
            assert!(!text.contains(n["note"].as_str().unwrap()));
        }
    }
}

/// Who may export: the county's administrator any organisation, an organisation's administrator
/// their own; an administrator of another organisation, an IM, a team lead, the DPO not. Bad input
/// answers with the form and its errors. Each export is one audited operation with its counts,
/// and each person in it is named in their access record.
#[tokio::test]
async fn who_may_export_and_bad_input() {
    let t = with_clients().await;
    let awo = org_named(&t, "AWO%").await.to_string();
    let caritas = org_named(&t, "Caritas%").await.to_string();

    let mut county = t.login("admin").await;
    let page = county.get("/admin/export").await;
    assert_eq!(page.status, 200);
    page.assert_contains("Caritas");
    let r = county
        .post(
            "/admin/export",
            &[
                ("organisation", &caritas),
                ("role", "admin"),
                ("purpose", "Umzug"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").starts_with("application/x-ndjson"));
    assert!(r.header("content-disposition").starts_with("attachment"));
    let (header, _) = parse(&r.bytes);
    assert_eq!(header["made_for"]["purpose"], "Umzug");

    let mut own = t.login("awo.admin").await;
    let page = own.get("/admin/export").await;
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("Caritas"),
        "only the own organisation is offered"
    );
    let r = own
        .post(
            "/admin/export",
            &[
                ("organisation", &awo),
                ("role", "im"),
                ("purpose", "Umzug zum Träger X"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (header, objects) = parse(&r.bytes);
    assert_eq!(header["special_category"]["included"], true);
    let persons = objects.iter().filter(|o| o["kind"] == "person").count() as i64;
    // One operation with its counts (no content) ...
    let summary: Vec<String> = t
        .audit()
        .await
        .into_iter()
        .filter(|(a, o, who, k, _)| {
            a == "exchange_exported"
                && o == "allowed"
                && *who == Some(t.id("awo.admin"))
                && k.as_deref() == Some("exchange_file")
        })
        .filter_map(|(_, _, _, _, id)| id)
        .collect();
    assert_eq!(summary.len(), 1);
    assert!(
        summary[0].contains(&format!("person {persons}")),
        "{}",
        summary[0]
    );
    assert!(!summary[0].contains("Umzug"));
    // ... and every person of the file in their access record.
    let named = t
        .scalar(&format!(
            "SELECT COUNT(DISTINCT person_id) AS n FROM audit_events WHERE action = 'exchange_exported' AND actor_staff_id = {}",
            t.id("awo.admin")
        ))
        .await;
    assert_eq!(named, persons);

    // An organisation's administrator does not export another organisation.
    let before = t.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'exchange_exported' AND outcome = 'denied'").await;
    let r = own
        .post(
            "/admin/export",
            &[
                ("organisation", &caritas),
                ("role", "admin"),
                ("purpose", "Umzug"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(!r.header("content-type").contains("ndjson"));
    assert!(!r.body.contains("ankommen-exchange"));
    let after = t.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'exchange_exported' AND outcome = 'denied'").await;
    assert_eq!(after, before + 1);

    // Nobody else exports at all: IM, team lead, DPO, coordinator.
    for user in ["awo.im1", "awo.leitung", "datenschutz", "koordination"] {
        let mut c = t.login(user).await;
        assert_eq!(c.get("/admin/export").await.status, 403, "{user}");
        let r = c
            .post(
                "/admin/export",
                &[("organisation", &awo), ("role", "im"), ("purpose", "Umzug")],
            )
            .await;
        assert_eq!(r.status, 403, "{user}");
        assert!(!r.body.contains("ankommen-exchange"), "{user}");
    }
    assert!(
        t.audit_has("exchange_exported", "denied", Some(t.id("awo.im1")))
            .await
    );

    // Bad input: the form again with what was typed and the errors.
    let r = county
        .post(
            "/admin/export",
            &[("organisation", &awo), ("role", "im"), ("purpose", "   ")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"e-purpose\""));
    let r = county
        .post(
            "/admin/export",
            &[
                ("organisation", &awo),
                ("role", "boss"),
                ("purpose", "Umzug <b>X</b>"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"e-role\""));
    assert!(
        r.body.contains("Umzug &#60;b&#62;X&#60;/b&#62;</textarea>"),
        "what was typed stays, escaped"
    );
    assert!(!r.body.contains("<b>X</b>"));
    let long = "x".repeat(export::MAX_PURPOSE_CHARS + 1);
    let r = county
        .post(
            "/admin/export",
            &[("organisation", &awo), ("role", "im"), ("purpose", &long)],
        )
        .await;
    assert_eq!(r.status, 422);
    for org in ["abc", "", "99999999", "-1", "1e3"] {
        let r = county
            .post(
                "/admin/export",
                &[("organisation", org), ("role", "im"), ("purpose", "Umzug")],
            )
            .await;
        assert_eq!(r.status, 404, "{org:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The Art. 15 export

/// The demo person with the most contacts, and one of their cases.
async fn subject(t: &TestApp) -> (i64, i64) {
    let db = t.db.reader();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT cp.person_id AS p, c.case_id AS c FROM contact_persons cp \
             JOIN contacts c ON c.id = cp.contact_id \
             GROUP BY cp.person_id, c.case_id ORDER BY COUNT(*) DESC, cp.person_id LIMIT 1"
                .to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    (row.try_get("", "p").unwrap(), row.try_get("", "c").unwrap())
}

async fn art15(
    t: &TestApp,
    user: &str,
    person: i64,
    fields: &[(&str, &str)],
) -> crate::support::Resp {
    let mut c = t.login(user).await;
    c.get("/privacy").await;
    c.post(&format!("/privacy/persons/{person}/art15"), fields)
        .await
}

const REASON: &str = "Anfrage der Person vom 01.03. (schriftlich)";

#[tokio::test]
async fn the_dpo_produces_the_art15_export_as_pdf_and_json_lines() {
    let t = with_clients().await;
    let (person, _) = subject(&t).await;
    let contact = t
        .scalar(&format!(
            "SELECT MIN(contact_id) AS n FROM contact_persons WHERE person_id = {person}"
        ))
        .await;
    let version = t
        .scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM contacts WHERE id = {contact}"
        ))
        .await;
    t.store_sealed(
        &CONTACT_NOTE,
        contact,
        Some(i32::try_from(version).unwrap()),
        "Notiz: Termin beim Hausarzt",
    )
    .await;
    let r = art15(
        &t,
        "datenschutz",
        person,
        &[("reason", REASON), ("format", "pdf"), ("language", "ar")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), "application/pdf");
    assert!(r.bytes.starts_with(b"%PDF"));
    assert!(
        r.header("content-disposition")
            .contains(&format!("auskunft-art15-{person}-"))
    );
    // Audited naming the person, with the reason stored.
    let events = t
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subject_access_exported' AND person_id = {person} AND actor_staff_id = {}",
            t.id("datenschutz")
        ))
        .await;
    assert_eq!(events, 1);
    let reasons = t
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM dpo_requests WHERE person_id = {person} AND reason = '{REASON}'"
        ))
        .await;
    assert_eq!(reasons, 1);

    let r = art15(
        &t,
        "datenschutz",
        person,
        &[("reason", REASON), ("format", "jsonl"), ("language", "de")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").starts_with("application/x-ndjson"));
    let (header, rows) = parse(&r.bytes);
    assert_eq!(header["format"], "ankommen-art15");
    assert_eq!(header["person"], person);
    let persons: Vec<&Value> = rows.iter().filter(|r| r["table"] == "persons").collect();
    assert_eq!(persons.len(), 1);
    assert_eq!(persons[0]["row"]["id"], person);
    // Sealed texts are opened for the person: contact notes are text, no blob is in the file.
    assert!(rows.iter().all(|r| {
        r["row"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.ends_with("_sealed"))
    }));
    assert!(
        rows.iter()
            .any(|r| r["table"] == "contacts" && r["row"]["note"] == "Notiz: Termin beim Hausarzt")
    );
    // Nobody else's record: every contact of the file had the person present.
    let others = rows
        .iter()
        .filter(|r| r["table"] == "contact_persons" && r["row"]["person_id"] != person)
        .count();
    assert_eq!(others, 0);
}

#[tokio::test]
async fn nobody_but_an_active_dpo_makes_an_art15_export_and_bad_input_is_refused() {
    let t = with_clients().await;
    let (person, _) = subject(&t).await;
    let pdf = [("reason", REASON), ("format", "pdf"), ("language", "de")];
    // The IM of the case, a team lead, the organisation's administrator, the county's
    // administrator, the coordinator: answered like a missing person, audited as refused.
    for user in [
        "awo.im1",
        "awo.leitung",
        "awo.admin",
        "admin",
        "koordination",
        "caritas.leitung",
    ] {
        let r = art15(&t, user, person, &pdf).await;
        assert!(r.status == 404 || r.status == 403, "{user}: {}", r.status);
        assert!(!r.bytes.starts_with(b"%PDF"), "{user}");
    }
    assert!(
        t.audit_has("subject_access_exported", "denied", Some(t.id("awo.im1")))
            .await
    );
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subject_access_exported' AND outcome = 'allowed'").await,
        0
    );

    // Bad input: the officer's form again with the error, nothing recorded as exported.
    for (fields, field) in [
        (
            vec![("reason", "kurz"), ("format", "pdf"), ("language", "de")],
            "reason",
        ),
        (
            vec![("reason", ""), ("format", "jsonl"), ("language", "de")],
            "reason",
        ),
        (
            vec![("reason", REASON), ("format", "xlsx"), ("language", "de")],
            "format",
        ),
        (
            vec![("reason", REASON), ("format", "pdf"), ("language", "xx")],
            "language",
        ),
        (
            vec![("reason", REASON), ("format", "pdf"), ("language", "../de")],
            "language",
        ),
    ] {
        let r = art15(&t, "datenschutz", person, &fields).await;
        assert_eq!(r.status, 422, "{fields:?}: {}", r.body);
        if field == "reason" {
            assert!(r.body.contains("id=\"e-reason\""), "{fields:?}");
        } else {
            r.assert_contains("error-summary");
        }
    }
    for id in ["abc", "0", "99999999", "1.5"] {
        let mut c = t.login("datenschutz").await;
        c.get("/privacy").await;
        let r = c.post(&format!("/privacy/persons/{id}/art15"), &pdf).await;
        assert_eq!(r.status, 404, "{id}");
    }
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subject_access_exported' AND outcome = 'allowed'").await,
        0
    );

    // A deactivated data-protection officer: the session ends, nothing is exported.
    let mut dpo = t.login("datenschutz").await;
    dpo.get("/privacy").await;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET active = false WHERE id = {}",
            t.id("datenschutz")
        ))
        .await
        .unwrap();
    let r = dpo
        .post(&format!("/privacy/persons/{person}/art15"), &pdf)
        .await;
    assert_ne!(r.status, 200);
    assert!(!r.bytes.starts_with(b"%PDF"));
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subject_access_exported' AND outcome = 'allowed'").await,
        0
    );
}

/// Whether a row of the export is one the database counted.
type RowTest = Box<dyn Fn(&Value) -> bool>;

/// The tables of the schema with a column about a person (`person_id`, `*_person_id`, `person_id_*`,
/// `subject`) or a case (`case_id`): (table, column).
pub(crate) async fn tables_about_persons(t: &TestApp) -> Vec<(String, String)> {
    let db = t.db.reader();
    let backend = db.get_database_backend();
    let mut columns: Vec<(String, String)> = Vec::new();
    match backend {
        DbBackend::Postgres => {
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
                     WHERE table_schema = current_schema()"
                        .to_string(),
                ))
                .await
                .unwrap();
            for r in rows {
                columns.push((r.try_get("", "t").unwrap(), r.try_get("", "c").unwrap()));
            }
        }
        _ => {
            let tables = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT name AS t FROM sqlite_master WHERE type = 'table'".to_string(),
                ))
                .await
                .unwrap();
            for r in tables {
                let table: String = r.try_get("", "t").unwrap();
                let cols = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name AS c FROM pragma_table_info('{table}')"),
                    ))
                    .await
                    .unwrap();
                for c in cols {
                    columns.push((table.clone(), c.try_get("", "c").unwrap()));
                }
            }
        }
    }
    let mut out: Vec<(String, String)> = columns
        .into_iter()
        .filter(|(_, c)| {
            c == "person_id"
                || c.ends_with("_person_id")
                || c.starts_with("person_id_")
                || c == "subject"
                || c == "case_id"
        })
        .collect();
    out.push(("persons".into(), "id".into()));
    out.push(("cases".into(), "id".into()));
    out.sort();
    out.dedup();
    out
}

/// A canary row in every table about a person or their case, written as a test writes rows
/// itself, with a canary text in its sealed column where it has one.
pub(crate) async fn canaries(t: &TestApp, person: i64, case: i64) {
    use ankommen_core::kernel::sealed::{
        CASE_EVENT_REASON, CASE_NOTE_TEXT, CLIENT_DOCUMENT_TITLE, CONFIRMATION_REASON,
        CONTACT_NOTE, DOCUMENT_CONTENT, FOLLOWUP_REASON, GOAL_TEXT, PLAN_SNAPSHOT, REFERRAL_REASON,
        REVIEW_ASSESSMENT, REVIEW_SUMMARY, STEP_TEXT,
    };
    use ankommen_store::entities::*;
    use ankommen_store::sea_orm::{ActiveValue::NotSet, ActiveValue::Set, EntityTrait};
    let db = t.db.writer();
    let now = t.clock.now();
    let today = now.date_naive();
    let by = t.id("awo.im1");
    let doc = document::Entity::insert(document::ActiveModel {
        id: NotSet,
        person_id: Set(person),
        kind: Set("consent_scan".into()),
        content_type: Set("application/pdf".into()),
        size: Set(18),
        sha256: Set("0".repeat(64)),
        content_sealed: Set(Vec::new()),
        created_at: Set(now),
        created_by: Set(by),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&DOCUMENT_CONTENT, doc, None, "CANARY-documents")
        .await;
    let client_doc = client_document::Entity::insert(client_document::ActiveModel {
        id: NotSet,
        person_id: Set(person),
        case_id: Set(Some(case)),
        document_id: Set(doc),
        kind: Set("decision".into()),
        letter_date: Set(today),
        title_sealed: NotSet,
        note_sealed: NotSet,
        followup_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(
        &CLIENT_DOCUMENT_TITLE,
        client_doc,
        None,
        "CANARY-client_documents",
    )
    .await;
    let note = case_note::Entity::insert(case_note::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        text_sealed: NotSet,
        created_by: Set(by),
        created_at: Set(now),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&CASE_NOTE_TEXT, note, None, "CANARY-case_notes")
        .await;
    consent::Entity::insert(consent::ActiveModel {
        id: NotSet,
        person_id: Set(person),
        text_version: Set("CANARY-consents".into()),
        language: Set("ar".into()),
        given_on: Set(today),
        form: Set("paper".into()),
        document_id: Set(Some(doc)),
        withdrawn_on: Set(None),
        withdrawal_note: Set(None),
        voluntary_erased_on: Set(None),
        external_id: Set(None),
        created_at: Set(now),
        created_by: Set(by),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap();
    release::Entity::insert(release::ActiveModel {
        id: NotSet,
        person_id: Set(person),
        recipient_organisation_id: Set(None),
        recipient_name: Set("CANARY-recipient".into()),
        recipient_category: Set(None),
        data_categories: Set("identity".into()),
        purpose: Set("CANARY-releases".into()),
        valid_from: Set(today),
        valid_until: Set(None),
        mutual: Set(false),
        revoked_on: Set(None),
        external_id: Set(None),
        created_at: Set(now),
        created_by: Set(by),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap();
    outcome::Entity::insert(outcome::ActiveModel {
        id: NotSet,
        person_id: Set(person),
        outcome_date: Set(today),
        outcome_type: Set("employment".into()),
        level: Set(None),
        certificate: Set(None),
        course: Set(None),
        employment_type: Set(Some("mini_job".into())),
        until_date: Set(None),
        place: Set(None),
        external_id: Set(Some("CANARY-outcomes".into())),
        created_by: Set(by),
        created_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap();
    let goal = goal::Entity::insert(goal::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        person_id: Set(Some(person)),
        field_key: Set("language".into()),
        text_sealed: Set(Vec::new()),
        priority: Set(None),
        target_date: Set(None),
        status: Set("open".into()),
        status_reason_sealed: Set(None),
        created_on: Set(today),
        closed_on: Set(None),
        position: Set(99),
        external_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&GOAL_TEXT, goal, Some(1), "CANARY-goals")
        .await;
    let step = step::Entity::insert(step::ActiveModel {
        id: NotSet,
        goal_id: Set(goal),
        case_id: Set(case),
        text_sealed: Set(Vec::new()),
        owner: Set("client".into()),
        third_party: Set(None),
        due_on: Set(None),
        done_on: Set(None),
        position: Set(1),
        external_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&STEP_TEXT, step, Some(1), "CANARY-steps")
        .await;
    let referral = referral::Entity::insert(referral::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        person_id: Set(Some(person)),
        service_name: Set("CANARY-service".into()),
        service_category: Set(None),
        referral_date: Set(today),
        reason_sealed: Set(None),
        result: Set(None),
        result_on: Set(None),
        external_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        service_id: Set(None),
        release_id: Set(None),
        field_of_action: Set(None),
        data_categories: Set(None),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&REFERRAL_REASON, referral, Some(1), "CANARY-referrals")
        .await;
    let office = service::Entity::insert(service::ActiveModel {
        id: NotSet,
        organisation_id: Set(None),
        name: Set("Sprachkurs-Koordinierungsstelle".into()),
        category: Set("language_course".into()),
        address: Set(None),
        phone: Set(None),
        email: Set(None),
        municipalities: Set(String::new()),
        languages: Set(String::new()),
        opening_hours: Set(None),
        note: Set(None),
        active: Set(true),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    course_registration::Entity::insert(course_registration::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        person_id: Set(person),
        service_id: Set(office),
        course_type: Set("integration".into()),
        level_aimed: Set("B1".into()),
        wish: Set(Some("CANARY-course_registrations".into())),
        childcare_needed: Set(true),
        preferred_times: Set(None),
        status: Set("waiting".into()),
        registered_on: Set(today),
        waiting_on: Set(Some(today)),
        started_on: Set(None),
        finished_on: Set(None),
        dropped_on: Set(None),
        level_achieved: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap();
    let org = t
        .scalar(&format!(
            "SELECT organisation_id AS n FROM cases WHERE id = {case}"
        ))
        .await;
    let volunteer = volunteer::Entity::insert(volunteer::ActiveModel {
        id: NotSet,
        organisation_id: Set(org),
        name: Set("CANARY-volunteer".into()),
        phone: Set(None),
        email: Set(None),
        languages: Set(String::new()),
        offers: Set(String::new()),
        municipalities: Set(String::new()),
        availability: Set(None),
        pledge_on: Set(None),
        works_with_minors: Set(false),
        police_certificate_on: Set(None),
        note: Set(None),
        active: Set(true),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    let volunteer_match = volunteer_match::Entity::insert(volunteer_match::ActiveModel {
        id: NotSet,
        volunteer_id: Set(volunteer),
        case_id: Set(case),
        person_id: Set(person),
        purpose_sealed: Set(None),
        from_date: Set(today),
        until_date: Set(None),
        data_categories: Set(None),
        release_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(
        &ankommen_core::kernel::sealed::VOLUNTEER_PURPOSE,
        volunteer_match,
        None,
        "CANARY-volunteer_matches",
    )
    .await;
    let contact = contact::Entity::insert(contact::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        contact_date: Set(today),
        minutes: Set(Some(30)),
        contact_kind: Set("phone".into()),
        topics: Set("language".into()),
        interpreter_language: Set(None),
        interpreter_type: Set(None),
        note_sealed: Set(None),
        external_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&CONTACT_NOTE, contact, Some(1), "CANARY-contacts")
        .await;
    contact_person::Entity::insert(contact_person::ActiveModel {
        contact_id: Set(contact),
        person_id: Set(person),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    let appointment = appointment::Entity::insert(appointment::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        person_id: Set(Some(person)),
        staff_id: Set(by),
        appointment_date: Set(today),
        starts_at: Set("09:00".into()),
        minutes: Set(30),
        place_kind: Set("office".into()),
        office_hour_id: Set(None),
        room_id: Set(None),
        service_id: Set(None),
        place_note: Set(None),
        interpreter_language: Set(None),
        field_of_action: Set(None),
        purpose: Set("CANARY-appointments".into()),
        bring_items: Set(String::new()),
        bring_other: Set(None),
        status: Set("planned".into()),
        contact_id: Set(Some(contact)),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    appointment_change::Entity::insert(appointment_change::ActiveModel {
        id: NotSet,
        appointment_id: Set(appointment),
        change: Set("booked".into()),
        old_date: Set(None),
        old_starts_at: Set(None),
        new_date: Set(Some(today)),
        new_starts_at: Set(Some("09:00".into())),
        reason: Set(None),
        changed_by: Set(by),
        changed_at: Set(now),
    })
    .exec(db)
    .await
    .unwrap();
    case_assignment::Entity::insert(case_assignment::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        staff_id: Set(by),
        from_date: Set(today),
    })
    .exec(db)
    .await
    .unwrap();
    case_pause::Entity::insert(case_pause::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        from_date: Set(today),
        until_date: Set(Some(today)),
    })
    .exec(db)
    .await
    .unwrap();
    let event = case_event::Entity::insert(case_event::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        kind: Set("paused".into()),
        on_date: Set(today),
        reason_sealed: Set(None),
        detail: Set(None),
        staff_id: Set(Some(by)),
        other_staff_id: Set(None),
        at: Set(now),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&CASE_EVENT_REASON, event, None, "CANARY-case_events")
        .await;
    let _ = case_share::Entity::insert(case_share::ActiveModel {
        case_id: Set(case),
        staff_id: Set(t.id("awo.im2")),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await;
    if t.scalar(&format!(
        "SELECT COUNT(*) AS n FROM plans WHERE case_id = {case}"
    ))
    .await
        == 0
    {
        plan::Entity::insert(plan::ActiveModel {
            id: NotSet,
            case_id: Set(case),
            review_interval_months: Set(None),
            created_by: Set(by),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        })
        .exec(db)
        .await
        .unwrap();
    }
    let review = review::Entity::insert(review::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        held_on: Set(today),
        participants: Set(Some("CANARY-participants".into())),
        summary_sealed: Set(None),
        changes_sealed: Set(None),
        external_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&REVIEW_SUMMARY, review, None, "CANARY-reviews")
        .await;
    let assessment = t
        .seal(
            REVIEW_ASSESSMENT.at_pair(review, goal),
            "CANARY-review_assessments",
        )
        .await;
    review_assessment::Entity::insert(review_assessment::ActiveModel {
        review_id: Set(review),
        goal_id: Set(goal),
        assessment_sealed: Set(assessment),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    let number = t
        .scalar(&format!(
            "SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) AS n FROM plan_versions WHERE case_id = {case}"
        ))
        .await;
    let version = plan_version::Entity::insert(plan_version::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        number: Set(i32::try_from(number).unwrap()),
        review_id: Set(None),
        frozen_on: Set(today),
        snapshot_sealed: Set(Vec::new()),
        signed_document_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&PLAN_SNAPSHOT, version, None, "CANARY-plan_versions")
        .await;
    let followup = followup::Entity::insert(followup::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        due_on: Set(today),
        reason_sealed: Set(Vec::new()),
        done_on: Set(None),
        first_due_on: Set(None),
        contact_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(&FOLLOWUP_REASON, followup, Some(1), "CANARY-followups")
        .await;
    let confirmation = confirmation::Entity::insert(confirmation::ActiveModel {
        id: NotSet,
        kind: Set("case_takeover".into()),
        organisation_id: Set(t
            .scalar(&format!(
                "SELECT organisation_id AS n FROM cases WHERE id = {case}"
            ))
            .await),
        staff_id: Set(t.id("awo.leitung")),
        case_id: Set(Some(case)),
        requested_by: Set(t.id("awo.leitung")),
        requested_at: Set(now),
        decided_by: Set(None),
        decided_at: Set(None),
        outcome: Set(None),
        reason_sealed: Set(None),
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    t.store_sealed(
        &CONFIRMATION_REASON,
        confirmation,
        None,
        "CANARY-confirmations",
    )
    .await;
    // A merge into the person and of the person, and "not the same" decisions naming the person
    // in either place of the pair (with a person registered for it).
    let org = t
        .scalar(&format!(
            "SELECT organisation_id AS n FROM cases WHERE id = {case}"
        ))
        .await;
    let other = crate::fixtures::register_named(t, "awo.im1", "Kanarie", "Danach", None, "1990")
        .await
        .person_id;
    for (survivor, absorbed) in [(person, 999_999_001), (other, person)] {
        person_merge::Entity::insert(person_merge::ActiveModel {
            id: NotSet,
            organisation_id: Set(org),
            survivor_person_id: Set(survivor),
            absorbed_person_id: Set(absorbed),
            score: Set(90),
            reasons: Set("spelling".into()),
            merged_by: Set(by),
            merged_at: Set(now),
        })
        .exec(db)
        .await
        .unwrap();
    }
    for (low, high) in [(other, person), (person, other)] {
        duplicate_decision::Entity::insert(duplicate_decision::ActiveModel {
            id: NotSet,
            organisation_id: Set(org),
            person_id_low: Set(low),
            person_id_high: Set(high),
            decided_by: Set(by),
            decided_at: Set(now),
        })
        .exec(db)
        .await
        .unwrap();
    }
    retention_hold::Entity::insert(retention_hold::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        reason: Set("CANARY-retention_holds".into()),
        until: Set(today + chrono::Duration::days(30)),
        placed_by: Set(by),
        placed_at: Set(now),
        lifted_by: Set(None),
        lifted_at: Set(Some(now)),
    })
    .exec(db)
    .await
    .unwrap();
    erasure_request::Entity::insert(erasure_request::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        received_on: Set(today),
        recorded_by: Set(by),
        recorded_at: Set(now),
        exception: Set(Some("legal_claims".into())),
        justification: Set(Some("CANARY-erasure_requests".into())),
        decided_by: Set(Some(by)),
        decided_at: Set(Some(now)),
    })
    .exec(db)
    .await
    .unwrap();
    restriction::Entity::insert(restriction::ActiveModel {
        id: NotSet,
        case_id: Set(case),
        ground: Set("accuracy".into()),
        requested_on: Set(today),
        placed_by: Set(by),
        placed_at: Set(now),
        lifted_by: Set(Some(by)),
        lifted_at: Set(Some(now)),
    })
    .exec(db)
    .await
    .unwrap();
}

/// The Art. 15 export holds every row of every table with a column about the person or one of
/// their cases: the tables are discovered from the schema, a canary row is written into each, and
/// a table neither exported nor excluded with a reason fails the test — so a new table cannot be
/// forgotten.
#[tokio::test]
async fn the_art15_export_holds_every_table_about_the_person() {
    let t = with_clients().await;
    let (person, case) = subject(&t).await;
    canaries(&t, person, case).await;
    let cases: Vec<i64> = {
        let db = t.db.reader();
        db.query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT case_id AS c FROM case_persons WHERE person_id = {person}"),
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.try_get::<i64>("", "c").unwrap())
        .collect()
    };
    let r = art15(
        &t,
        "datenschutz",
        person,
        &[("reason", REASON), ("format", "jsonl"), ("language", "de")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (header, rows) = parse(&r.bytes);
    let discovered = tables_about_persons(&t).await;
    let excluded: BTreeSet<&str> = EXCLUDED.iter().map(|(t, _)| *t).collect();
    let missing: Vec<&String> = discovered
        .iter()
        .map(|(table, _)| table)
        .filter(|table| !TABLES.contains(&table.as_str()) && !excluded.contains(table.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "tables about a person or a case that the Art. 15 export neither holds nor excludes with a reason: {missing:?}"
    );
    assert_eq!(header["excluded"].as_array().unwrap().len(), EXCLUDED.len());
    let in_file = |table: &str| -> Vec<&Value> {
        rows.iter()
            .filter(|r| r["table"] == table)
            .map(|r| &r["row"])
            .collect()
    };
    // Tables the export reads only as far as they concern the person (not another household
    // member's goals, contacts or referrals).
    let narrowed = ["goals", "steps", "contacts", "referrals", "case_persons"];
    let case_list = cases
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    for (table, column) in &discovered {
        if excluded.contains(table.as_str()) {
            continue;
        }
        let (condition, matches): (String, RowTest) = if column == "case_id"
            || (table == "cases" && column == "id")
        {
            let cs = cases.clone();
            let col = column.clone();
            (
                format!("{column} IN ({case_list})"),
                Box::new(move |row: &Value| row[&col].as_i64().is_some_and(|c| cs.contains(&c))),
            )
        } else {
            let col = column.clone();
            (
                format!("{column} = {person}"),
                Box::new(move |row: &Value| row[&col] == person),
            )
        };
        let stored = t
            .scalar(&format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE {condition}"
            ))
            .await;
        assert!(
            stored > 0,
            "no canary row in {table} ({column}): the test must write one"
        );
        let exported = in_file(table).into_iter().filter(|r| matches(r)).count() as i64;
        if narrowed.contains(&table.as_str()) && column == "case_id" {
            assert!(
                exported > 0 && exported <= stored,
                "{table}.{column}: {exported} of {stored}"
            );
        } else {
            assert_eq!(
                exported, stored,
                "{table}.{column}: rows in the export vs. in the database"
            );
        }
    }
    // Every sealed canary text is in the export, opened.
    let text = String::from_utf8(r.bytes.clone()).unwrap();
    for table in [
        "contacts",
        "goals",
        "steps",
        "referrals",
        "volunteer_matches",
        "case_events",
        "reviews",
        "review_assessments",
        "plan_versions",
        "followups",
        "confirmations",
        "client_documents",
        "case_notes",
    ] {
        assert!(
            text.contains(&format!("\"CANARY-{table}\"")),
            "the sealed canary of {table} is not in the export"
        );
    }
    let scan = rows
        .iter()
        .find(|r| r["table"] == "documents" && r["row"]["content_base64"].is_string())
        .unwrap();
    assert_eq!(scan["row"]["content_base64"], "Q0FOQVJZLWRvY3VtZW50cw==");
    assert!(
        text.contains("CANARY-releases")
            && text.contains("CANARY-consents")
            && text.contains("CANARY-outcomes")
            && text.contains("CANARY-course_registrations")
            && text.contains("CANARY-appointments")
    );
}
