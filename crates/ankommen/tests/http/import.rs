//! Issue 22, import of the exchange format: dry run, import, re-import, a corrected file, every kind
//! of bad input, the sealed note, who may import, the audit event, and the figures of the imported
//! mini county against the shared examples — on both databases.

use ankommen_core::Clock;
use ankommen_core::Error;
use ankommen_core::casework::exchange::{self, Progress, Reason, Report};
use ankommen_core::casework::figures::{self, Allowance, Question, Settings};
use ankommen_core::kernel::sealed::{CONTACT_NOTE, REFERRAL_REASON};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::support::TestApp;

pub(crate) const MINI: &str =
    include_str!("../../../core/src/casework/figures/mini-county/mini-county.jsonl");

fn quiet(_: Progress) {}

async fn import_as(t: &TestApp, user: &str, text: &str, dry_run: bool) -> Result<Report, Error> {
    let ctx = t.ctx_of(user).await;
    exchange::import(&t.db, &ctx, &t.sealer(), text.as_bytes(), dry_run, &quiet).await
}

async fn operator(t: &TestApp, text: &str, dry_run: bool) -> Report {
    exchange::import_as_operator(
        &t.db,
        t.clock.now(),
        &t.sealer(),
        text.as_bytes(),
        dry_run,
        &quiet,
    )
    .await
    .unwrap()
}

fn counts(r: &Report, kind: &str) -> (usize, usize, usize, usize) {
    let k = r.kinds.iter().find(|k| k.kind == kind).unwrap();
    (k.created, k.updated, k.unchanged, k.problems)
}

/// The rows the import touches, for "nothing was written".
async fn footprint(t: &TestApp) -> Vec<i64> {
    let mut v = Vec::new();
    for table in [
        "municipalities",
        "organisations",
        "staff",
        "households",
        "persons",
        "cases",
        "case_persons",
        "goals",
        "reviews",
        "contacts",
        "outcomes",
        "referrals",
        "exchange_ids",
        "setup_tokens",
        "service_areas",
    ] {
        v.push(t.count(table).await);
    }
    v
}

#[tokio::test]
async fn dry_run_import_reimport_and_a_corrected_file() {
    let t = TestApp::new().await;
    let before = footprint(&t).await;

    // The dry run reports what would happen and writes nothing.
    let dry = import_as(&t, "admin", MINI, true).await.unwrap();
    assert!(!dry.has_problems(), "{:?}", dry.problems);
    assert!(dry.dry_run && !dry.written);
    assert_eq!(dry.objects, 75);
    assert_eq!(counts(&dry, "person"), (12, 0, 0, 0));
    assert_eq!(counts(&dry, "contact"), (13, 0, 0, 0));
    assert_eq!(footprint(&t).await, before, "a dry run writes nothing");
    assert!(!t.audit_has("exchange_imported", "allowed", None).await);

    // The import.
    let done = import_as(&t, "admin", MINI, false).await.unwrap();
    assert!(done.written && !done.has_problems());
    assert_eq!(done.totals(), (75, 0, 0));
    for (kind, n) in [
        ("municipality", 2),
        ("organisation", 2),
        ("staff", 3),
        ("household", 3),
        ("person", 12),
        ("case", 12),
        ("goal", 7),
        ("review", 5),
        ("contact", 13),
        ("outcome", 16),
    ] {
        assert_eq!(counts(&done, kind), (n, 0, 0, 0), "{kind}");
    }
    let after: Vec<i64> = footprint(&t).await;
    let grew: Vec<i64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    // municipalities, organisations, staff, households, persons, cases, case_persons, goals,
    // reviews, contacts, outcomes, referrals, mapping, setup links, service areas
    assert_eq!(
        &grew[..14],
        &[2, 2, 3, 3, 12, 12, 14, 7, 5, 13, 16, 0, 75, 3]
    );
    assert!(
        grew[14] >= 2,
        "the organisations serve their municipalities"
    );
    // The new staff have no password and got setup links; their external ids are kept.
    assert_eq!(done.setup_links.len(), 3);
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM staff WHERE username LIKE 'import.%' AND password_hash IS NULL")
            .await,
        3
    );
    assert_eq!(
        t.scalar(
            "SELECT COUNT(*) AS n FROM persons WHERE external_id = 'P7' AND birth_date IS NOT NULL"
        )
        .await,
        1
    );
    // Their roles and organisation are on the data-protection officer's record of account changes.
    assert_eq!(
        t.scalar(
            "SELECT COUNT(*) AS n FROM staff_changes WHERE what IN ('roles', 'organisation') \
             AND staff_id IN (SELECT id FROM staff WHERE username LIKE 'import.%')"
        )
        .await,
        6
    );
    // Case C1 with its three persons, held by S1, in municipality 08100001.
    assert_eq!(
        t.scalar(
            "SELECT COUNT(*) AS n FROM case_persons cp JOIN cases c ON c.id = cp.case_id \
             WHERE c.external_id = 'C1' AND c.municipality_ags = '08100001'"
        )
        .await,
        3
    );
    // Audited as one operation with its counts.
    let events = t.audit().await;
    let ev = events
        .iter()
        .find(|e| e.0 == "exchange_imported")
        .expect("the import is audited");
    assert_eq!(ev.1, "allowed");
    assert_eq!(ev.2, Some(t.id("admin")));
    assert_eq!(ev.4.as_deref(), Some("created 75, updated 0, unchanged 0"));

    // The same file again: nothing changes.
    let again = import_as(&t, "admin", MINI, false).await.unwrap();
    assert_eq!(again.totals(), (0, 0, 75));
    assert!(again.setup_links.is_empty());
    assert_eq!(footprint(&t).await, after);

    // A corrected file: one contact got its minutes, one person their German level.
    let corrected = MINI
        .replace(
            r#""id": "K2", "case": "C1", "persons": ["P1"], "date": "2020-03-09","#,
            r#""id": "K2", "case": "C1", "persons": ["P1"], "date": "2020-03-09", "minutes": 25,"#,
        )
        .replace(
            r#""id": "P6", "given_name": "f", "family_name": "x", "birth_date": "1985-03-03""#,
            r#""id": "P6", "given_name": "f", "family_name": "x", "birth_date": "1985-03-03", "german_level": "B1""#,
        );
    // ... and case C1 was linked to its household here since the first import (not in the format),
    // and is marked paused in the file: the link stays.
    let corrected = corrected.replace(
        r#""persons": ["P1", "P2", "P3"], "opened_on": "2019-03-01", "status": "active"}"#,
        r#""persons": ["P1", "P2", "P3"], "opened_on": "2019-03-01", "status": "paused"}"#,
    );
    t.db.writer()
        .execute_unprepared(
            "UPDATE cases SET household_id = (SELECT household_id FROM persons \
             WHERE external_id = 'P1') WHERE external_id = 'C1'",
        )
        .await
        .unwrap();
    assert_ne!(corrected, MINI);
    let fixed = import_as(&t, "admin", &corrected, false).await.unwrap();
    assert_eq!(fixed.totals(), (0, 3, 72), "{:?}", fixed.kinds);
    assert_eq!(counts(&fixed, "case"), (0, 1, 11, 0));
    assert_eq!(
        t.scalar(
            "SELECT COUNT(*) AS n FROM cases c JOIN persons p ON p.household_id = c.household_id \
             WHERE c.external_id = 'C1' AND p.external_id = 'P1' AND c.status = 'paused'"
        )
        .await,
        1,
        "the household link made here survives the update"
    );
    assert_eq!(counts(&fixed, "contact"), (0, 1, 12, 0));
    assert_eq!(counts(&fixed, "person"), (0, 1, 11, 0));
    assert_eq!(
        t.scalar("SELECT CAST(minutes AS BIGINT) AS n FROM contacts WHERE external_id = 'K2'")
            .await,
        25
    );
    assert_eq!(
        t.scalar("SELECT CAST(version AS BIGINT) AS n FROM contacts WHERE external_id = 'K2'")
            .await,
        2
    );
    assert_eq!(
        t.scalar(
            "SELECT COUNT(*) AS n FROM persons WHERE external_id = 'P6' AND german_level = 'B1'"
        )
        .await,
        1
    );
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM contact_persons cp JOIN contacts k ON k.id = cp.contact_id WHERE k.external_id = 'K2'")
            .await,
        1
    );
    assert_eq!(footprint(&t).await, after, "an update adds no rows");
}

/// A person line carrying a canary name, so a test can see that reports never show it.
fn person(id: &str, extra: &str) -> String {
    format!(
        r#"{{"kind": "person", "id": "{id}", "household": "H1", "given_name": "CANARY-GIVEN", "family_name": "CANARY-FAMILY", "birth_year": 1990{extra}}}"#
    )
}

#[tokio::test]
async fn every_kind_of_bad_input_is_named_by_line_and_nothing_is_written() {
    let t = TestApp::new().await;
    let lines: Vec<&str> = MINI.lines().collect();
    let with = |at: usize, line: &str| {
        let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        v.insert(at, line.to_string());
        v.join("\n")
    };
    let huge = person(
        "P90",
        &format!(r#", "school": "{}""#, "a".repeat(1024 * 1024 + 10)),
    );
    // What, the file, the line, the reason's code, its English text (core, CLI), and its German
    // text on the upload page.
    let cases: Vec<(&str, String, usize, &str, &str, &str)> = vec![
        (
            "broken JSON",
            with(12, r#"{"kind": "person", "id": "P90", "given_name": "CANARY"#),
            13,
            "broken_json",
            "broken JSON",
            "Fehlerhaftes JSON (Spalte",
        ),
        (
            "unknown kind",
            with(12, r#"{"kind": "spaceship", "id": "X1"}"#),
            13,
            "unknown_kind",
            "unknown kind",
            "Unbekannte Art von Objekt (kind)",
        ),
        (
            "missing field",
            with(
                12,
                r#"{"kind": "person", "id": "P90", "household": "H1", "given_name": "CANARY-GIVEN", "birth_year": 1990}"#,
            ),
            13,
            "missing_field",
            "missing field family_name",
            "Pflichtfeld „family_name“ fehlt",
        ),
        (
            "dangling reference",
            with(12, &person("P90", "").replace("\"H1\"", "\"H77\"")),
            13,
            "dangling",
            "household H77, which does not exist",
            "„household“ verweist auf Haushalt „H77“; diese ID gibt es nicht",
        ),
        (
            "wrong order",
            with(
                76,
                r#"{"kind": "contact", "id": "K90", "case": "C1", "persons": ["P1"], "date": "2020-01-01", "contact_kind": "phone", "topics": [], "note": "x"}"#,
            )
            .replace(r#""id": "K90", "case": "C1""#, r#""id": "K90", "case": "C99""#)
                + "\n"
                + r#"{"kind": "case", "id": "C99", "organisation": "O1", "municipality": "08100001", "assigned_to": "S1", "persons": ["P1"], "opened_on": "2020-01-01", "status": "active"}"#,
            77,
            "wrong_order",
            "appears later (line 78): wrong order",
            "„case“ verweist auf Fall „C99“ in Zeile 78, die erst später folgt: falsche Reihenfolge",
        ),
        (
            "invalid date",
            with(12, &person("P90", "").replace(r#""birth_year": 1990"#, r#""birth_date": "1990-02-30""#)),
            13,
            "invalid_date",
            "birth_date is not a valid date",
            "„birth_date“ ist kein gültiges Datum (JJJJ-MM-TT)",
        ),
        (
            "value outside its list",
            with(12, &person("P90", r#", "german_level": "Z9""#)),
            13,
            "outside_list",
            "german_level: value outside its list",
            "„german_level“: Wert nicht in der zulässigen Liste",
        ),
        (
            "duplicate id",
            with(12, &person("P1", "")),
            13,
            "duplicate_id",
            "duplicate id (first on line 12)",
            "Doppelte ID (zuerst in Zeile 12)",
        ),
        (
            "oversized line",
            with(12, &huge),
            13,
            "line_too_long",
            "line longer than 1048576 bytes",
            "Zeile länger als 1048576 Bytes (nicht gelesen)",
        ),
        (
            "no header",
            lines[1..].join("\n"),
            1,
            "header_not_first",
            "the first line must be the header",
            "Die erste Zeile muss die Kopfzeile sein (kind „meta“)",
        ),
    ];
    let before = footprint(&t).await;
    let mut c = t.login("admin").await;
    for (what, text, line, code, english, german) in cases {
        for dry_run in [true, false] {
            let r = import_as(&t, "admin", &text, dry_run).await.unwrap();
            assert!(r.has_problems(), "{what}: no problem reported");
            assert!(!r.written, "{what}");
            assert!(
                r.problems.iter().any(|p| p.line == line
                    && p.reason.code() == code
                    && p.reason.to_string().contains(english)),
                "{what}: expected line {line} {code} «{english}», got {:?}",
                r.problems
            );
            let json = serde_json::to_string(&r.problems).unwrap();
            assert!(
                json.contains(&format!(r#""code":"{code}""#)),
                "{what}: {json}"
            );
            assert!(!json.contains("CANARY"), "{what}: a value in {json}");
            assert_eq!(footprint(&t).await, before, "{what}: nothing is written");
        }
        // The upload page names the same problem in German.
        let r = crate::consent::post_multipart(
            &mut c,
            "/admin/import",
            &[("step", "check")],
            Some(("county.jsonl", "application/jsonl", text.into_bytes())),
        )
        .await;
        let r = report_of(&mut c, r).await;
        assert_eq!(r.status, 422, "{what}");
        r.assert_contains(&format!("<tr><td>{line}</td>"));
        r.assert_contains(&format!("<td>{german}"));
        assert!(!r.body.contains("CANARY"), "{what}: a value on the page");
        assert!(
            !r.body.contains("lang=\"en\""),
            "{what}: English on the page"
        );
        assert_eq!(footprint(&t).await, before, "{what}: nothing is written");
    }
    // The CLI path (the operator) refuses the same way.
    let r = operator(&t, &with(12, &person("P1", "")), false).await;
    assert!(r.has_problems() && !r.written);
    assert_eq!(footprint(&t).await, before);
    assert!(!t.audit_has("exchange_imported", "allowed", None).await);
}

#[tokio::test]
async fn notes_are_sealed_unknown_fields_kept_and_referrals_stored() {
    let t = TestApp::new().await;
    let text = format!(
        "{MINI}\n{}\n{}\n{}",
        r#"{"kind": "contact", "id": "K90", "case": "C1", "persons": ["P1", "P2"], "date": "2020-04-01", "minutes": 15, "contact_kind": "video_messenger", "topics": ["health"], "interpreter": {"language": "ar", "type": "professional"}, "note": "CANARY-NOTE-import"}"#,
        r#"{"kind": "referral", "id": "R90", "case": "C1", "person": "P1", "service": {"name": "Jobcenter Eins", "category": "jobcenter"}, "date": "2020-04-02", "reason": "CANARY-REASON-import", "result": "taken_up", "result_on": "2020-05-01"}"#,
        r#"{"kind": "team", "id": "T9", "organisation": "O1", "name": "Team Nord", "colour": "blue"}"#,
    )
    .replace(
        r#""id": "P12", "given_name": "l", "family_name": "x", "birth_year": 1960"#,
        r#""id": "P12", "given_name": "l", "family_name": "x", "birth_year": 1960, "shoe_size": 42"#,
    );
    // The directory knows the service: the imported referral is linked to its entry by name.
    let jobcenter = crate::network::county_service(&t, "Jobcenter  eins", "jobcenter", &[]).await;
    let r = import_as(&t, "admin", &text, false).await.unwrap();
    assert!(r.written, "{:?}", r.problems);
    assert_eq!(counts(&r, "referral"), (1, 0, 0, 0));
    assert_eq!(counts(&r, "team"), (1, 0, 0, 0));
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM referrals WHERE external_id = 'R90' AND service_id = {jobcenter}"
        ))
        .await,
        1
    );
    // The note and the referral's reason are stored sealed, never in plaintext.
    let contact = t
        .scalar("SELECT id AS n FROM contacts WHERE external_id = 'K90'")
        .await;
    let blob = t.blob("contacts", "note_sealed", contact).await.unwrap();
    assert!(!String::from_utf8_lossy(&blob).contains("CANARY-NOTE"));
    assert_eq!(
        t.opened_text(&CONTACT_NOTE, contact).await.as_deref(),
        Some("CANARY-NOTE-import")
    );
    let referral = t
        .scalar("SELECT id AS n FROM referrals WHERE external_id = 'R90'")
        .await;
    assert_eq!(
        t.opened_text(&REFERRAL_REASON, referral).await.as_deref(),
        Some("CANARY-REASON-import")
    );
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM contact_persons WHERE contact_id = (SELECT id FROM contacts WHERE external_id = 'K90')")
            .await,
        2
    );
    // Unknown fields: the person's in its `extra`, the team's in the mapping; both reported.
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM persons WHERE external_id = 'P12' AND extra LIKE '%shoe_size%'")
            .await,
        1
    );
    assert_eq!(
        t.scalar(
            "SELECT COUNT(*) AS n FROM exchange_ids WHERE kind = 'team' AND extra LIKE '%colour%'"
        )
        .await,
        1
    );
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert!(r.warnings.iter().any(|w| w.id.as_deref() == Some("P12")
        && w.reason
            == Reason::UnknownFieldKept {
                field: "shoe_size".into()
            }));
    // The report shows no value of the file.
    let shown = serde_json::to_string(&r).unwrap();
    assert!(!shown.contains("CANARY") && !shown.contains("Jobcenter Eins"));
}

#[tokio::test]
async fn only_the_county_administrator_imports() {
    let t = TestApp::new().await;
    let before = footprint(&t).await;
    for user in [
        "awo.admin",
        "awo.leitung",
        "awo.im1",
        "datenschutz",
        "koordination",
    ] {
        for dry_run in [true, false] {
            let r = import_as(&t, user, MINI, dry_run).await;
            assert!(matches!(r, Err(Error::Forbidden)), "{user}: {r:?}");
        }
        assert!(
            t.audit_has("exchange_imported", "denied", Some(t.id(user)))
                .await,
            "{user}: the refusal is audited"
        );
    }
    assert_eq!(footprint(&t).await, before);
}

/// The figures of the imported mini county equal the shared examples in every number (rows keyed
/// by the file's ids through `external_id`; in the coordinator view, which further cells are
/// hidden may differ, see `shared/examples/README.md`).
#[tokio::test]
async fn the_figures_of_the_imported_mini_county_equal_the_examples() {
    let t = TestApp::empty().await;
    let r = operator(&t, MINI, false).await;
    assert!(r.written, "{:?}", r.problems);
    let period = Settings {
        review_interval_months: 6,
        contact_allowance: Allowance {
            first_months: 3,
            days_in_first_months: 7,
            days_afterwards: 31,
        },
    };
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let cases = [
        (
            Question::At(d("2021-01-01")),
            None,
            include_str!(
                "../../../core/src/casework/figures/mini-county/mini-county.figures.at-2021-01-01.json"
            ),
        ),
        (
            Question::Period {
                from: d("2020-01-01"),
                to: d("2020-12-31"),
            },
            Some(period),
            include_str!(
                "../../../core/src/casework/figures/mini-county/mini-county.figures.period-2020.json"
            ),
        ),
        (
            Question::EndedUpTo(d("2021-03-01")),
            None,
            include_str!(
                "../../../core/src/casework/figures/mini-county/mini-county.figures.ended-up-to-2021-03-01.json"
            ),
        ),
    ];
    for (q, settings, expected) in cases {
        let actual = figures::for_operator(&t.db, t.clock.now(), q, settings)
            .await
            .unwrap();
        let expected: Value = serde_json::from_str(expected).unwrap();
        let actual = by_file_ids(actual);
        let mut diffs = Vec::new();
        compare("", &actual, &expected, &mut diffs);
        assert!(diffs.is_empty(), "{q:?}: {diffs:#?}");
    }
}

/// Rows keyed by the file's ids: `by_im` and `by_organisation` by their `external_id`, an IM's
/// organisation and the coordinator view's organisations likewise.
fn by_file_ids(mut v: Value) -> Value {
    let Some(obj) = v.as_object_mut() else {
        return v;
    };
    for (key, body) in obj.iter_mut() {
        if key == "settings" {
            continue;
        }
        let orgs: std::collections::HashMap<String, String> = body["by_organisation"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, row)| (k.clone(), row["external_id"].as_str().unwrap().to_string()))
            .collect();
        for table in ["by_im", "by_organisation"] {
            let rows = body[table].as_object().unwrap().clone();
            let mut out = serde_json::Map::new();
            for (_, mut row) in rows {
                let ext = row["external_id"].as_str().unwrap().to_string();
                let r = row.as_object_mut().unwrap();
                r.remove("external_id");
                if let Some(Value::String(o)) = r.get("organisation").cloned() {
                    r.insert("organisation".into(), Value::String(orgs[&o].clone()));
                }
                out.insert(ext, row);
            }
            body[table] = Value::Object(out);
        }
        rekey_orgs(&mut body["coordinator_view"], &orgs);
    }
    v
}

fn rekey_orgs(v: &mut Value, orgs: &std::collections::HashMap<String, String>) {
    if let Some(m) = v.as_object_mut() {
        for (k, child) in m.iter_mut() {
            if k == "by_organisation"
                && let Some(rows) = child.as_object()
            {
                *child = Value::Object(
                    rows.iter()
                        .map(|(id, row)| (orgs.get(id).cloned().unwrap_or(id.clone()), row.clone()))
                        .collect(),
                );
            }
            rekey_orgs(child, orgs);
        }
    }
}

/// Every number of `expected` is in `actual`. In the coordinator view a cell hidden ("x") on
/// either side is not compared (secondary suppression has more than one right answer), nor is
/// the count of hidden cells; "< 5" (primary suppression) must agree.
fn compare(path: &str, actual: &Value, expected: &Value, diffs: &mut Vec<String>) {
    let coordinator = path.contains("coordinator_view");
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                let p = format!("{path}/{k}");
                if p == "/settings/disclosure_min_cell"
                    || (coordinator && k == "secondary_suppressed")
                {
                    continue;
                }
                match a.get(k) {
                    Some(av) => compare(&p, av, ev, diffs),
                    None => diffs.push(format!("{p}: missing")),
                }
            }
            for k in a.keys() {
                if !e.contains_key(k) {
                    diffs.push(format!("{path}/{k}: not in the example"));
                }
            }
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                compare(&format!("{path}[{i}]"), av, ev, diffs);
            }
        }
        (a, e) if coordinator && (a == "x" || e == "x") => {}
        (Value::Number(a), Value::Number(e)) => {
            if (a.as_f64().unwrap() - e.as_f64().unwrap()).abs() > 1e-9 {
                diffs.push(format!("{path}: {a} instead of {e}"));
            }
        }
        (a, e) => {
            if a != e {
                diffs.push(format!("{path}: {a} instead of {e}"));
            }
        }
    }
}

/// The upload page: the county administrator checks a file, confirms with the same file and sees
/// the report; a changed file is not taken for the checked one; nobody else reaches the page.
#[tokio::test]
async fn the_upload_page_checks_then_imports_and_refuses_everyone_else() {
    use crate::consent::post_multipart;
    let t = TestApp::new().await;
    let before = footprint(&t).await;
    let file = |text: &str| {
        Some((
            "county.jsonl",
            "application/jsonl",
            text.as_bytes().to_vec(),
        ))
    };
    let digest = exchange::digest(MINI.as_bytes());
    for user in ["awo.admin", "awo.leitung", "awo.im1", "datenschutz"] {
        let mut c = t.login(user).await;
        let r = c.get("/admin/import").await;
        assert_eq!(r.status, 403, "{user}");
        assert!(!r.body.contains("f-scan"), "{user}");
        let r = post_multipart(
            &mut c,
            "/admin/import",
            &[("step", "import"), ("checked", &digest)],
            file(MINI),
        )
        .await;
        assert_eq!(r.status, 403, "{user}");
    }
    assert_eq!(footprint(&t).await, before);

    let mut c = t.login("admin").await;
    let r = c.get("/admin/import").await;
    assert_eq!(r.status, 200);
    r.assert_contains("Daten importieren");
    assert!(c.get("/admin").await.body.contains("/admin/import"));
    // The dry run.
    let r = post_multipart(&mut c, "/admin/import", &[("step", "check")], file(MINI)).await;
    let r = report_of(&mut c, r).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains("Probelauf");
    r.assert_contains(&format!("value=\"{digest}\""));
    assert_eq!(footprint(&t).await, before, "the dry run writes nothing");
    // Confirming with another file than the checked one imports nothing.
    let other = MINI.replace("\"minutes\": 60", "\"minutes\": 61");
    let r = post_multipart(
        &mut c,
        "/admin/import",
        &[("step", "import"), ("checked", &digest)],
        file(&other),
    )
    .await;
    assert_eq!(r.status, 422);
    r.assert_contains("nicht die geprüfte Datei");
    assert_eq!(footprint(&t).await, before);
    // The import.
    let r = post_multipart(
        &mut c,
        "/admin/import",
        &[("step", "import"), ("checked", &digest)],
        file(MINI),
    )
    .await;
    let r = report_of(&mut c, r).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains("Importiert");
    r.assert_contains("/setup/");
    assert_eq!(t.count("persons").await, before[4] + 12);
    assert!(
        t.audit_has("exchange_imported", "allowed", Some(t.id("admin")))
            .await
    );
    // A file with an error (and an unknown field): the line, the kind, the id and the reason in
    // German, and no value of the file.
    let bad = MINI
        .replace(
            r#""id": "P5", "household": "H2""#,
            r#""id": "P5", "household": "H9""#,
        )
        .replace(
            r#""id": "P12", "given_name": "l", "family_name": "x", "birth_year": 1960"#,
            r#""id": "P12", "given_name": "l", "family_name": "x", "birth_year": 1960, "shoe_size": 42"#,
        );
    assert_ne!(bad, MINI);
    let r = post_multipart(&mut c, "/admin/import", &[("step", "check")], file(&bad)).await;
    let r = report_of(&mut c, r).await;
    assert_eq!(r.status, 422);
    r.assert_contains("Nicht importiert");
    r.assert_contains(
        "<tr><td>16</td><td>Klient:in</td><td><bdi>P5</bdi></td>\
         <td>„household“ verweist auf Haushalt „H9“; diese ID gibt es nicht</td></tr>",
    );
    r.assert_contains("(<bdi>P12</bdi>): Unbekanntes Feld „shoe_size“ als Zusatzdaten aufbewahrt");
    assert!(!r.body.contains("lang=\"en\""));
    assert!(!r.body.contains("which does not exist"));
    // The staff list shows the imported staff with their id in the file.
    let r = c.get("/admin/staff").await;
    r.assert_contains("<td>import.s1</td><td><bdi>S1</bdi></td>");
    let r = c.get("/admin/organisations").await;
    r.assert_contains("<bdi>O2</bdi>");
}

/// Separation of duties: an imported administrator cannot change their own account by importing
/// a corrected file (nobody changes their own roles or organisation).
#[tokio::test]
async fn an_administrator_does_not_change_their_own_account_by_import() {
    use ankommen_core::administration::sessions;
    use std::sync::Arc;
    let t = TestApp::empty().await;
    let file = |name: &str| {
        [
            r#"{"kind": "meta", "format": "ankommen-exchange", "version": 1}"#.to_string(),
            r#"{"kind": "municipality", "id": "08100001", "name": "Eins"}"#.into(),
            r#"{"kind": "organisation", "id": "LRA", "name": "Landratsamt", "type": "county_office"}"#.into(),
            format!(
                r#"{{"kind": "staff", "id": "A", "organisation": "LRA", "display_name": "{name}", "roles": ["admin"], "municipalities": []}}"#
            ),
        ]
        .join("\n")
    };
    let r = operator(&t, &file("Admin"), false).await;
    assert!(r.written, "{:?}", r.problems);
    let id = t
        .scalar("SELECT id AS n FROM staff WHERE username = 'import.a'")
        .await;
    let ctx = ankommen_core::Ctx {
        actor: sessions::load_actor(t.db.writer(), id)
            .await
            .unwrap()
            .unwrap(),
        clock: Arc::new(t.clock.clone()),
        request_id: None,
    };
    let changed = file("Admin Zwei");
    let r = exchange::import(&t.db, &ctx, &t.sealer(), changed.as_bytes(), false, &quiet)
        .await
        .unwrap();
    assert!(!r.written);
    assert!(
        r.problems
            .iter()
            .any(|p| p.line == 4 && p.reason == Reason::OwnAccount),
        "{:?}",
        r.problems
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM staff_roles WHERE staff_id = {id}"
        ))
        .await,
        1
    );
}

/// The upload page's answer once the import is done: while it runs, the page shows its progress and
/// is asked again (each request waits up to a second for the end, so this loop never spins).
pub(crate) async fn report_of(
    c: &mut crate::support::Client,
    mut r: crate::support::Resp,
) -> crate::support::Resp {
    for _ in 0..120 {
        if !r.body.contains("Der Import läuft") {
            return r;
        }
        r = c.get("/admin/import/progress").await;
    }
    panic!("the import did not finish: {}", r.body);
}

/// A long import: the upload answers after a second with the progress (objects done of all), the
/// page keeps showing it (also after leaving and coming back), a second upload meanwhile is
/// refused, and the report appears once the import is done.
#[tokio::test]
async fn a_long_import_shows_its_progress_and_then_its_report() {
    use crate::consent::post_multipart;
    let t = TestApp::new().await;
    let before = footprint(&t).await;
    let file = || {
        Some((
            "county.jsonl",
            "application/jsonl",
            MINI.as_bytes().to_vec(),
        ))
    };
    let digest = exchange::digest(MINI.as_bytes());
    let mut c = t.login("admin").await;
    c.get("/admin/import").await;
    // Another change holds the database (SQLite: the writer; PostgreSQL: a table the import
    // writes), so the import cannot finish within the second.
    let hold = t.db.begin().await.unwrap();
    if hold.get_database_backend() == sea_orm::DbBackend::Postgres {
        hold.execute_unprepared("LOCK TABLE municipalities IN ACCESS EXCLUSIVE MODE")
            .await
            .unwrap();
    }
    let r = post_multipart(
        &mut c,
        "/admin/import",
        &[("step", "import"), ("checked", &digest)],
        file(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains("Der Import läuft");
    r.assert_contains("<progress");
    r.assert_contains("hx-get=\"/admin/import/progress\"");
    assert!(!r.body.contains("Importiert"));
    // Away and back: still running; a second upload now is refused.
    let r = c.get("/admin/import").await;
    r.assert_contains("Der Import läuft");
    let r = post_multipart(&mut c, "/admin/import", &[("step", "check")], file()).await;
    assert_eq!(r.status, 409, "{}", r.body);
    r.assert_contains("Ein Import läuft noch");
    drop(hold);
    let r = c.get("/admin/import/progress").await;
    let r = report_of(&mut c, r).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains("Importiert");
    assert_eq!(t.count("persons").await, before[4] + 12);
    // The report is shown once; then the page offers a new upload.
    let r = c.get("/admin/import").await;
    assert!(!r.body.contains("Importiert"));
    r.assert_contains("f-scan");
}
