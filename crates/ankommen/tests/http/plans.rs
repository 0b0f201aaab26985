//! HTTP tests: the integration plan (goals, steps, overdue steps), bad input that keeps what was
//! typed, optimistic concurrency, goal statuses, reviews that freeze versions, the comparison of
//! versions, the review due date on a moving clock, the bilingual print, the signed scan, and the
//! access matrix of every plan route.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{Duration, NaiveDate};
use http_body_util::BodyExt;
use tower::ServiceExt;

use ankommen_core::administration::settings::WorkRules;
use ankommen_core::casework::plans;
use ankommen_core::kernel::sealed::{GOAL_TEXT, STEP_TEXT};
use ankommen_store::sea_orm::{ConnectionTrait, Statement};

use crate::fixtures::{self, Client as Person};
use crate::support::{Client, Resp, TestApp};

// ---------------------------------------------------------------------------------------------
// Helpers

async fn int(t: &TestApp, sql: &str) -> i64 {
    let db = t.db.reader();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row: {sql}"));
    row.try_get::<i64>("", "n").unwrap()
}

async fn text(t: &TestApp, sql: &str) -> Option<String> {
    let db = t.db.reader();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()?;
    row.try_get::<Option<String>>("", "v").unwrap()
}

async fn date(t: &TestApp, sql: &str) -> Option<NaiveDate> {
    let db = t.db.reader();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()?;
    row.try_get::<Option<NaiveDate>>("", "d").unwrap()
}

async fn goal_id(t: &TestApp, words: &str) -> i64 {
    t.row_with(&GOAL_TEXT, words).await
}

async fn step_id(t: &TestApp, words: &str) -> i64 {
    t.row_with(&STEP_TEXT, words).await
}

async fn version_of(t: &TestApp, table: &str, id: i64) -> String {
    int(
        t,
        &format!("SELECT CAST(version AS BIGINT) AS n FROM {table} WHERE id = {id}"),
    )
    .await
    .to_string()
}

async fn plan_version(t: &TestApp, case_id: i64) -> String {
    int(
        t,
        &format!("SELECT CAST(version AS BIGINT) AS n FROM plans WHERE case_id = {case_id}"),
    )
    .await
    .to_string()
}

async fn events(t: &TestApp, case_id: i64, kind: &str) -> i64 {
    int(
        t,
        &format!(
            "SELECT COUNT(*) AS n FROM case_events WHERE case_id = {case_id} AND kind = '{kind}'"
        ),
    )
    .await
}

/// The day after the case's regular end (3 years after the clock start).
async fn after_end(t: &TestApp, case_id: i64) -> String {
    let start = date(
        t,
        &format!("SELECT clock_start AS d FROM cases WHERE id = {case_id}"),
    )
    .await
    .unwrap();
    (start.checked_add_months(chrono::Months::new(36)).unwrap() + Duration::days(1)).to_string()
}

pub(crate) fn plan(p: &Person) -> String {
    format!("/cases/{}/plan", p.case_id)
}

/// A client with a consent (a plan needs one, decision 0012).
pub(crate) async fn register(t: &TestApp) -> Person {
    fixtures::register_consenting(t, "awo.im1", "Samira", "Haddad", Some("سميرة حداد"), "1990")
        .await
}

async fn add_goal(c: &mut Client, p: &Person, field: &str, words: &str, target: &str) -> Resp {
    let r = c.get(&plan(p)).await;
    assert_eq!(r.status, StatusCode::OK);
    c.post(
        &format!("{}/goals", plan(p)),
        &[
            ("field", field),
            ("text", words),
            ("person", ""),
            ("priority", "1"),
            ("target_date", target),
        ],
    )
    .await
}

async fn add_step(
    c: &mut Client,
    p: &Person,
    gid: i64,
    words: &str,
    owner: &str,
    due: &str,
) -> Resp {
    let third = if owner == "third_party" {
        "VHS Talheim"
    } else {
        ""
    };
    c.post(
        &format!("{}/goals/{gid}/steps", plan(p)),
        &[
            ("step_text", words),
            ("owner", owner),
            ("third_party", third),
            ("due_on", due),
            ("done_on", ""),
        ],
    )
    .await
}

/// A plan with two goals and three steps, as `awo.im1`.
pub(crate) async fn two_goals(t: &TestApp, c: &mut Client, p: &Person) -> (i64, i64) {
    let r = add_goal(
        c,
        p,
        "language",
        "Ich will Deutsch B1 schaffen",
        "2027-06-30",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = add_goal(c, p, "housing", "Eine eigene Wohnung finden", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let g1 = goal_id(t, "Ich will Deutsch B1 schaffen").await;
    let g2 = goal_id(t, "Eine eigene Wohnung finden").await;
    for (gid, words, owner, due) in [
        (
            g1,
            "Beim Integrationskurs anmelden",
            "third_party",
            "2026-12-15",
        ),
        (g1, "Jeden Tag eine Stunde lernen", "client", ""),
        (g2, "Wohnungsamt anrufen", "im", "2026-12-01"),
    ] {
        let r = add_step(c, p, gid, words, owner, due).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    (g1, g2)
}

/// A GET whose answer may be binary.
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

const BOUNDARY: &str = "ankommen-plan-boundary-42";

async fn post_scan(c: &mut Client, path: &str, file: Option<(&str, Vec<u8>)>) -> Resp {
    if c.csrf.is_none() {
        c.get("/").await;
    }
    let token = c.csrf.clone().unwrap_or_default();
    let mut b = Vec::new();
    b.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n"
        )
        .as_bytes(),
    );
    if let Some((name, bytes)) = file {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(&bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
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
        .body(Body::from(b))
        .unwrap();
    c.send(req).await
}

pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Goals and steps

#[tokio::test]
async fn a_plan_with_two_goals_and_three_steps_shows_overdue_steps() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;

    // The case page links to the plan.
    let r = im.get(&format!("/cases/{}", p.case_id)).await;
    r.assert_contains(&format!("href=\"{}\"", plan(&p)));
    r.assert_contains("Integrationsplan");

    let r = im.get(&plan(&p)).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Noch keine Ziele");
    assert_eq!(t.count("plans").await, 0);

    two_goals(&t, &mut im, &p).await;
    assert_eq!(t.count("plans").await, 1);
    assert_eq!(t.count("goals").await, 2);
    assert_eq!(t.count("steps").await, 3);
    // One plan version per change: created with the first goal, then 4 more changes.
    assert_eq!(plan_version(&t, p.case_id).await, "5");
    assert_eq!(events(&t, p.case_id, "goal_added").await, 2);
    assert_eq!(events(&t, p.case_id, "step_added").await, 3);
    // The history holds keys, not the client's words.
    assert_eq!(
        int(
            &t,
            &format!(
                "SELECT COUNT(*) AS n FROM case_events WHERE case_id = {} AND detail LIKE '%Deutsch%'",
                p.case_id
            )
        )
        .await,
        0
    );

    let r = im.get(&plan(&p)).await;
    r.assert_contains("Sprache: <span dir=\"auto\">Ich will Deutsch B1 schaffen</span>");
    r.assert_contains("Wohnen: <span dir=\"auto\">Eine eigene Wohnung finden</span>");
    r.assert_contains("Beim Integrationskurs anmelden");
    r.assert_contains("Dritte (Dienst, Person): <bdi>VHS Talheim</bdi>");
    r.assert_contains("30.06.2027");
    assert!(!r.body.contains("class=\"overdue\""));
    assert!(
        t.audit_has("plan_viewed", "allowed", Some(t.id("awo.im1")))
            .await
    );

    // Two weeks later the step due on 1 December is overdue; the one due 15 December is not.
    t.clock.advance(Duration::days(14));
    let mut im = t.login("awo.im1").await;
    let r = im.get(&plan(&p)).await;
    assert_eq!(r.body.matches("<tr class=\"overdue\">").count(), 1);
    let row = r.body.split("<tr class=\"overdue\">").nth(1).unwrap();
    assert!(
        row.split("</tr>")
            .next()
            .unwrap()
            .contains("Wohnungsamt anrufen")
    );
    assert!(row.contains("überfällig"));

    // Marking it done (today) takes it off.
    let sid = step_id(&t, "Wohnungsamt anrufen").await;
    let r = im.get(&format!("{}/steps/{sid}", plan(&p))).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = version_of(&t, "steps", sid).await;
    let r = im
        .post(
            &format!("{}/steps/{sid}", plan(&p)),
            &[
                ("step_text", "Wohnungsamt anrufen"),
                ("owner", "im"),
                ("third_party", ""),
                ("due_on", "2026-12-01"),
                ("done_on", ""),
                ("done_today", "1"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        date(
            &t,
            &format!("SELECT done_on AS d FROM steps WHERE id = {sid}")
        )
        .await,
        Some(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap())
    );
    assert_eq!(events(&t, p.case_id, "step_done").await, 1);
    let r = im.get(&plan(&p)).await;
    assert!(!r.body.contains("<tr class=\"overdue\">"));
}

#[tokio::test]
async fn bad_input_gets_field_errors_and_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;

    // An empty goal.
    let r = add_goal(&mut im, &p, "language", "   ", "2027-01-31").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ausfüllen.");
    r.assert_contains("<a href=\"#f-text\">Ziel: Bitte ausfüllen.</a>");
    r.assert_contains("value=\"2027-01-31\"");
    assert_eq!(t.count("goals").await, 0);
    assert_eq!(t.count("plans").await, 0);

    // A target date before the opening, and one after the case's end.
    let opened = date(
        &t,
        &format!("SELECT opened_on AS d FROM cases WHERE id = {}", p.case_id),
    )
    .await
    .unwrap();
    let early = (opened - Duration::days(1)).to_string();
    let r = add_goal(&mut im, &p, "language", "Deutsch lernen", &early).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Datum liegt vor der Eröffnung des Falls.");
    r.assert_contains(">Deutsch lernen</textarea>");
    let late = after_end(&t, p.case_id).await;
    let r = add_goal(&mut im, &p, "language", "Deutsch lernen", &late).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Datum liegt nach dem Ende des Integrationsmanagements");
    assert_eq!(t.count("goals").await, 0);

    // A step due after the case's end: the error on that goal's form, the typed text kept.
    let r = add_goal(&mut im, &p, "language", "Deutsch lernen", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let gid = goal_id(&t, "Deutsch lernen").await;
    let r = add_step(&mut im, &p, gid, "Sprachkurs suchen", "client", &late).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Datum liegt nach dem Ende des Integrationsmanagements");
    r.assert_contains(
        "id=\"f-step_text\" name=\"step_text\" dir=\"auto\" value=\"Sprachkurs suchen\"",
    );
    r.assert_contains(&format!("value=\"{late}\""));
    // A third party without a name.
    let r = im
        .post(
            &format!("{}/goals/{gid}/steps", plan(&p)),
            &[
                ("step_text", "Beratung"),
                ("owner", "third_party"),
                ("third_party", ""),
                ("due_on", ""),
                ("done_on", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(t.count("steps").await, 0);

    // A step done in the future.
    let r = add_step(
        &mut im,
        &p,
        gid,
        "Sprachkurs suchen",
        "client",
        "2027-01-15",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let sid = step_id(&t, "Sprachkurs suchen").await;
    let v = version_of(&t, "steps", sid).await;
    let r = im
        .post(
            &format!("{}/steps/{sid}", plan(&p)),
            &[
                ("step_text", "Sprachkurs bei der VHS suchen"),
                ("owner", "client"),
                ("third_party", ""),
                ("due_on", "2027-01-15"),
                ("done_on", "2026-11-22"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Datum darf nicht in der Zukunft liegen.");
    r.assert_contains("value=\"Sprachkurs bei der VHS suchen\"");
    r.assert_contains("value=\"2026-11-22\"");
    assert_eq!(
        t.opened_text(&STEP_TEXT, sid).await.as_deref(),
        Some("Sprachkurs suchen")
    );
    // A missing version is a broken form, not stored either.
    let r = im
        .post(
            &format!("{}/goals/{gid}", plan(&p)),
            &[
                ("field", "language"),
                ("text", "anders"),
                ("status", "open"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        t.opened_text(&GOAL_TEXT, gid).await.as_deref(),
        Some("Deutsch lernen")
    );
}

#[tokio::test]
async fn stale_edits_are_refused_without_losing_input() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    let (g1, _) = two_goals(&t, &mut im, &p).await;
    let v = version_of(&t, "goals", g1).await;
    let edit = |words: &'static str, v: String| {
        vec![
            ("field", "language".to_string()),
            ("text", words.to_string()),
            ("person", String::new()),
            ("priority", "2".to_string()),
            ("target_date", "2027-06-30".to_string()),
            ("status", "in_progress".to_string()),
            ("status_reason", String::new()),
            ("version", v),
        ]
    };
    let first = edit("B1 bis zum Sommer", v.clone());
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = im.post(&format!("{}/goals/{g1}", plan(&p)), &first).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A second tab with the old version.
    let second = edit("B1 bis Weihnachten", v);
    let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = im.post(&format!("{}/goals/{g1}", plan(&p)), &second).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Jemand anderes hat diesen Eintrag inzwischen geändert");
    r.assert_contains(">B1 bis Weihnachten</textarea>");
    assert_eq!(
        t.opened_text(&GOAL_TEXT, g1).await.as_deref(),
        Some("B1 bis zum Sommer")
    );
    assert_eq!(events(&t, p.case_id, "goal_changed").await, 1);
    assert_eq!(events(&t, p.case_id, "goal_status").await, 1);

    // Steps the same.
    let sid = step_id(&t, "Jeden Tag eine Stunde lernen").await;
    let v = version_of(&t, "steps", sid).await;
    for (words, expect) in [
        ("Jeden Tag zwei Stunden lernen", StatusCode::SEE_OTHER),
        ("Jeden Tag drei Stunden lernen", StatusCode::CONFLICT),
    ] {
        let r = im
            .post(
                &format!("{}/steps/{sid}", plan(&p)),
                &[
                    ("step_text", words),
                    ("owner", "client"),
                    ("third_party", ""),
                    ("due_on", ""),
                    ("done_on", ""),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(r.status, expect);
        if expect == StatusCode::CONFLICT {
            r.assert_contains("value=\"Jeden Tag drei Stunden lernen\"");
        }
    }
    // A review form loaded before a change carries the old plan version.
    let old = plan_version(&t, p.case_id).await;
    let r = add_step(&mut im, &p, g1, "Prüfung anmelden", "im", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = im
        .post(
            &format!("{}/review", plan(&p)),
            &[
                ("plan_version", &old),
                ("held_on", "2026-11-21"),
                ("participants", "Klientin, IM"),
                ("summary", "Gute Fortschritte"),
                ("changes", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("value=\"Klientin, IM\"");
    assert_eq!(t.count("reviews").await, 0);
    assert_eq!(t.count("plan_versions").await, 0);
}

#[tokio::test]
async fn goal_status_needs_a_reason_and_sets_the_closing_date() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    let (_, g2) = two_goals(&t, &mut im, &p).await;
    let url = format!("{}/goals/{g2}", plan(&p));
    let r = im.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(">Eine eigene Wohnung finden</textarea>");
    let post = |status: &'static str, reason: &'static str, v: String| async move {
        vec![
            ("field", "housing".to_string()),
            ("text", "Eine eigene Wohnung finden".to_string()),
            ("person", String::new()),
            ("priority", "1".to_string()),
            ("target_date", String::new()),
            ("status", status.to_string()),
            ("status_reason", reason.to_string()),
            ("version", v),
        ]
    };
    let f = post("dropped", "", version_of(&t, "goals", g2).await).await;
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = im.post(&url, &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("bitte eine Begründung angeben");
    r.assert_contains("<option value=\"dropped\" selected>");

    let f = post(
        "dropped",
        "Familie zieht zu Verwandten",
        version_of(&t, "goals", g2).await,
    )
    .await;
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = im.post(&url, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let closed_sql = format!("SELECT closed_on AS d FROM goals WHERE id = {g2}");
    assert_eq!(
        date(&t, &closed_sql).await,
        Some(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap())
    );
    assert_eq!(
        text(
            &t,
            &format!("SELECT status AS v FROM goals WHERE id = {g2}")
        )
        .await
        .as_deref(),
        Some("dropped")
    );
    assert_eq!(events(&t, p.case_id, "goal_status").await, 1);
    let r = im.get(&plan(&p)).await;
    r.assert_contains("verworfen");
    r.assert_contains("abgeschlossen am 21.11.2026");
    r.assert_contains("Familie zieht zu Verwandten");

    // Reopened: the closing date goes.
    t.clock.advance(Duration::days(3));
    let mut im = t.login("awo.im1").await;
    im.get(&url).await;
    let f = post("in_progress", "", version_of(&t, "goals", g2).await).await;
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = im.post(&url, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(date(&t, &closed_sql).await, None);
    assert_eq!(events(&t, p.case_id, "goal_status").await, 2);
}

// ---------------------------------------------------------------------------------------------
// Reviews, versions, comparison

#[tokio::test]
async fn reviews_freeze_versions_that_can_be_compared() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    let (g1, g2) = two_goals(&t, &mut im, &p).await;

    let r = im.get(&format!("{}/review", plan(&p))).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&format!("name=\"assessment_{g1}\""));
    let pv = plan_version(&t, p.case_id).await;
    let (a1, s2, r2) = (
        format!("assessment_{g1}"),
        format!("status_{g2}"),
        format!("reason_{g2}"),
    );
    let (g1s, g2s) = (g1.to_string(), g2.to_string());
    t.clock.advance(Duration::days(30));
    let mut im = t.login("awo.im1").await;
    im.get(&format!("{}/review", plan(&p))).await;
    let r = im
        .post(
            &format!("{}/review", plan(&p)),
            &[
                ("plan_version", &pv),
                ("held_on", "2026-12-20"),
                ("participants", "Klientin, IM, Dolmetscherin"),
                ("summary", "Kurs begonnen"),
                ("changes", "Wohnungsziel zurückgestellt"),
                ("goal", &g1s),
                (&a1, "läuft gut"),
                ("goal", &g2s),
                (&s2, "not_reached"),
                (&r2, "kein Wohnraum"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{}/versions/1", plan(&p)));
    assert_eq!(t.count("reviews").await, 1);
    assert_eq!(t.count("review_assessments").await, 1);
    assert_eq!(t.count("plan_versions").await, 1);
    assert_eq!(
        int(
            &t,
            "SELECT COUNT(*) AS n FROM plan_versions WHERE number = 1 AND review_id IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(
        date(
            &t,
            &format!("SELECT closed_on AS d FROM goals WHERE id = {g2}")
        )
        .await,
        Some(NaiveDate::from_ymd_opt(2026, 12, 20).unwrap())
    );
    assert_eq!(events(&t, p.case_id, "review_held").await, 1);
    assert_eq!(events(&t, p.case_id, "plan_version_frozen").await, 1);
    let r = im.get(&format!("{}/versions/1", plan(&p))).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Fassung 1");
    r.assert_contains("Kurs begonnen");
    r.assert_contains("läuft gut");
    r.assert_contains("nicht erreicht");

    // Changes after the first review, then the second review.
    let r = add_step(&mut im, &p, g1, "Prüfung anmelden", "im", "2027-05-01").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let sid = step_id(&t, "Jeden Tag eine Stunde lernen").await;
    let v = version_of(&t, "steps", sid).await;
    let r = im
        .post(
            &format!("{}/steps/{sid}", plan(&p)),
            &[
                ("step_text", "Jeden Tag eine Stunde lernen"),
                ("owner", "client"),
                ("third_party", ""),
                ("due_on", ""),
                ("done_on", "2026-12-18"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Comparing with the current state shows the changes not yet frozen.
    let r = im.get(&format!("{}/compare?a=1&b=current", plan(&p))).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Neuer Schritt: Prüfung anmelden");
    r.assert_contains("Schritt erledigt: Jeden Tag eine Stunde lernen (18.12.2026)");

    im.get(&format!("{}/review", plan(&p))).await;
    let pv = plan_version(&t, p.case_id).await;
    let s1 = format!("status_{g1}");
    let r = im
        .post(
            &format!("{}/review", plan(&p)),
            &[
                ("plan_version", &pv),
                ("held_on", "2026-12-21"),
                ("participants", ""),
                ("summary", ""),
                ("changes", ""),
                ("goal", &g1s),
                (&s1, "reached"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{}/versions/2", plan(&p)));

    let r = im.get(&format!("{}/compare?a=1&b=2", plan(&p))).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&format!("id=\"diff-goal-{g1}\""));
    r.assert_contains("Stand: offen → erreicht");
    r.assert_contains("Neuer Schritt: Prüfung anmelden");
    assert!(!r.body.contains(&format!("id=\"diff-goal-{g2}\"")));
    assert!(
        t.audit_has("plan_compared", "allowed", Some(t.id("awo.im1")))
            .await
    );
    let r = im.get(&format!("{}/compare?a=2&b=current", plan(&p))).await;
    r.assert_contains("Keine Unterschiede.");

    // Frozen by hand: version 3, without a review.
    im.get(&plan(&p)).await;
    let pv = plan_version(&t, p.case_id).await;
    let r = im
        .post(&format!("{}/freeze", plan(&p)), &[("plan_version", &pv)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{}/versions/3", plan(&p)));
    assert_eq!(
        int(
            &t,
            "SELECT COUNT(*) AS n FROM plan_versions WHERE number = 3 AND review_id IS NULL"
        )
        .await,
        1
    );
    // Unknown versions are not found.
    let r = im.get(&format!("{}/versions/9", plan(&p))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = im.get(&format!("{}/compare?a=1&b=9", plan(&p))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_review_due_date_moves_with_the_clock_and_the_plans_interval() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    let r = im.get(&plan(&p)).await;
    r.assert_contains("noch keine (erst mit dem ersten Ziel)");
    let rules = WorkRules::load(t.db.reader()).await.unwrap();
    assert_eq!(
        plans::review_due(t.db.reader(), p.case_id, &rules)
            .await
            .unwrap(),
        None
    );

    // First goal on 21.11.2026: due six months later (the default).
    let r = add_goal(&mut im, &p, "work", "Arbeit als Elektriker finden", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = im.get(&plan(&p)).await;
    r.assert_contains("<dd id=\"review-due\">21.05.2027</dd>");
    assert_eq!(
        plans::review_due(t.db.reader(), p.case_id, &rules)
            .await
            .unwrap(),
        Some(NaiveDate::from_ymd_opt(2027, 5, 21).unwrap())
    );

    // The clock moves past it: overdue.
    t.clock.advance(Duration::days(190));
    let mut im = t.login("awo.im1").await;
    let r = im.get(&plan(&p)).await;
    r.assert_contains("<strong class=\"overdue\">21.05.2027 – überfällig</strong>");

    // A review on 30.05.2027 restarts the cycle.
    im.get(&format!("{}/review", plan(&p))).await;
    let pv = plan_version(&t, p.case_id).await;
    let r = im
        .post(
            &format!("{}/review", plan(&p)),
            &[
                ("plan_version", &pv),
                ("held_on", "2027-05-30"),
                ("participants", ""),
                ("summary", ""),
                ("changes", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im.get(&plan(&p)).await;
    r.assert_contains("<dd id=\"review-due\">30.11.2027</dd>");

    // The plan's own interval: 3 months.
    let pv = plan_version(&t, p.case_id).await;
    let r = im
        .post(
            &format!("{}/settings", plan(&p)),
            &[("plan_version", &pv), ("review_interval", "25")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte einen Abstand von 1 bis 24 Monaten angeben.");
    r.assert_contains("value=\"25\"");
    let r = im
        .post(
            &format!("{}/settings", plan(&p)),
            &[("plan_version", &pv), ("review_interval", "3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im.get(&plan(&p)).await;
    r.assert_contains("<dd id=\"review-due\">30.08.2027</dd>");
    r.assert_contains("3 Monate");
    assert_eq!(
        plans::review_due(t.db.reader(), p.case_id, &rules)
            .await
            .unwrap(),
        Some(NaiveDate::from_ymd_opt(2027, 8, 30).unwrap())
    );
    // Back to the default.
    let pv = plan_version(&t, p.case_id).await;
    let r = im
        .post(
            &format!("{}/settings", plan(&p)),
            &[("plan_version", &pv), ("review_interval", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = im.get(&plan(&p)).await;
    r.assert_contains("<dd id=\"review-due\">30.11.2027</dd>");
}

// ---------------------------------------------------------------------------------------------
// Print and scan

#[tokio::test]
async fn the_plan_prints_in_german_and_arabic() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    two_goals(&t, &mut im, &p).await;
    let r = im.get(&plan(&p)).await;
    r.assert_contains(
        "<option value=\"ar\" lang=\"ar\">العربية – Übersetzung nicht geprüft</option>",
    );

    for lang in ["de", "ar"] {
        let (status, headers, body) =
            get_bytes(&t, &im, &format!("{}/print?lang={lang}", plan(&p))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers.get("content-type").unwrap(), "application/pdf");
        assert!(body.starts_with(b"%PDF"));
        let txt = pdf_text(&body);
        assert!(
            txt.contains("Ich will Deutsch B1 schaffen"),
            "{lang}: {txt}"
        );
        assert!(txt.contains("Beim Integrationskurs anmelden"), "{lang}");
        assert!(txt.contains("Samira Haddad"), "{lang}");
        assert!(txt.contains("Unterschrift Klient:in"), "{lang}");
        if lang == "ar" {
            assert!(txt.contains("الاندماج"), "{txt}");
        }
    }
    assert!(
        t.audit_has("plan_printed", "allowed", Some(t.id("awo.im1")))
            .await
    );

    // A frozen version prints with its number.
    let pv = plan_version(&t, p.case_id).await;
    im.post(&format!("{}/freeze", plan(&p)), &[("plan_version", &pv)])
        .await;
    let (status, _, body) =
        get_bytes(&t, &im, &format!("{}/print?lang=fa&version=1", plan(&p))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf_text(&body).contains("Fassung 1"));
    let (status, _, _) = get_bytes(&t, &im, &format!("{}/print?lang=xx", plan(&p))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get_bytes(&t, &im, &format!("{}/print?version=7", plan(&p))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The select of the print chooser on a page.
fn print_chooser(r: &Resp) -> &str {
    let start = r.body.find("id=\"f-print-lang\"").expect("print chooser");
    let end = start
        + r.body[start..]
            .find("</select>")
            .expect("end of the chooser");
    &r.body[start..end]
}

#[tokio::test]
async fn the_print_chooser_starts_at_the_clients_language() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    two_goals(&t, &mut im, &p).await;

    // Nothing is known of the client's languages: German.
    let r = im.get(&plan(&p)).await;
    let chooser = print_chooser(&r);
    assert!(
        chooser.contains("<option value=\"de\" lang=\"de\" selected>"),
        "{chooser}"
    );
    assert_eq!(chooser.matches(" selected").count(), 1, "{chooser}");

    // The intake (after a consent) names Pashto as native language, which has no forms, and
    // Dari: the chooser starts at the Persian forms.
    let ctx = t.ctx_of("awo.im1").await;
    let consent = ankommen_core::records::consent::ConsentInput::parse(
        "2026-1",
        "fa",
        &ctx.today().to_string(),
        "screen",
        None,
        ctx.today(),
    )
    .unwrap();
    ankommen_core::records::consent::record(&t.db, &ctx, &t.sealer(), p.person_id, consent)
        .await
        .unwrap();
    let intake = format!("/clients/{}/intake", p.person_id);
    let r = im
        .post(
            &intake,
            &[
                ("version", "1"),
                ("language_code", "ps"),
                ("language_level", "native"),
                ("language_code", "prs"),
                ("language_level", "B2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im.get(&plan(&p)).await;
    let chooser = print_chooser(&r);
    assert!(
        chooser.contains("<option value=\"fa\" lang=\"fa\" selected>"),
        "{chooser}"
    );
    assert_eq!(chooser.matches(" selected").count(), 1, "{chooser}");

    // An interpreter language comes first; a frozen version's page starts there too.
    let r = im
        .post(
            &intake,
            &[
                ("version", "2"),
                ("language_code", "ps"),
                ("language_level", "native"),
                ("interpreter_language", "ti"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pv = plan_version(&t, p.case_id).await;
    let r = im
        .post(&format!("{}/freeze", plan(&p)), &[("plan_version", &pv)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for page in [plan(&p), format!("{}/versions/1", plan(&p))] {
        let r = im.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        let chooser = print_chooser(&r);
        assert!(
            chooser.contains("<option value=\"ti\" lang=\"ti\" selected>"),
            "{page}: {chooser}"
        );
        assert_eq!(chooser.matches(" selected").count(), 1, "{chooser}");
    }
}

#[tokio::test]
async fn a_signed_scan_is_attached_to_its_version_by_content() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    two_goals(&t, &mut im, &p).await;
    im.get(&plan(&p)).await;
    let pv = plan_version(&t, p.case_id).await;
    let r = im
        .post(&format!("{}/freeze", plan(&p)), &[("plan_version", &pv)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let url = format!("{}/versions/1/scan", plan(&p));
    let r = im.get(&format!("{}/versions/1", plan(&p))).await;
    r.assert_contains("enctype=\"multipart/form-data\"");
    r.assert_contains("noch nicht hinterlegt");

    // Claimed to be a PDF, but is HTML.
    let r = post_scan(
        &mut im,
        &url,
        Some(("plan.pdf", b"<html><script>".to_vec())),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Nur PDF, JPEG oder PNG sind erlaubt.");
    let r = post_scan(&mut im, &url, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.count("documents").await, 0);

    let png = b"\x89PNG\r\n\x1a\n rest of a scan".to_vec();
    let r = post_scan(&mut im, &url, Some(("unterschrieben.png", png.clone()))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        int(
            &t,
            "SELECT CAST(person_id AS BIGINT) AS n FROM documents WHERE kind = 'plan_scan'"
        )
        .await,
        p.person_id
    );
    assert_eq!(
        int(
            &t,
            "SELECT COUNT(*) AS n FROM plan_versions WHERE signed_document_id IS NOT NULL"
        )
        .await,
        1
    );
    let r = im.get(&format!("{}/versions/1", plan(&p))).await;
    r.assert_contains(&format!("href=\"{url}\""));
    let (status, headers, body) = get_bytes(&t, &im, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("content-type").unwrap(), "image/png");
    assert_eq!(body, png);
    // The one download response: an attachment, never sniffed, never cached.
    let disposition = headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".png\""),
        "{disposition}"
    );
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    assert!(
        t.audit_has("plan_scan_downloaded", "allowed", Some(t.id("awo.im1")))
            .await
    );
    // No scan on another version.
    let (status, _, _) = get_bytes(&t, &im, &format!("{}/versions/2/scan", plan(&p))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// Access

#[tokio::test]
async fn other_ims_coordinators_and_admins_get_404_on_every_plan_route() {
    let t = TestApp::new().await;
    let p = register(&t).await;
    let mut im = t.login("awo.im1").await;
    let (g1, _) = two_goals(&t, &mut im, &p).await;
    let sid = step_id(&t, "Jeden Tag eine Stunde lernen").await;
    im.get(&plan(&p)).await;
    let pv = plan_version(&t, p.case_id).await;
    im.post(&format!("{}/freeze", plan(&p)), &[("plan_version", &pv)])
        .await;
    let base = plan(&p);
    let gets = [
        base.clone(),
        format!("{base}/goals/{g1}"),
        format!("{base}/steps/{sid}"),
        format!("{base}/review"),
        format!("{base}/versions/1"),
        format!("{base}/compare?a=1&b=current"),
        format!("{base}/print?lang=ar"),
        format!("{base}/versions/1/scan"),
    ];
    let posts = [
        format!("{base}/goals"),
        format!("{base}/goals/{g1}"),
        format!("{base}/goals/{g1}/steps"),
        format!("{base}/steps/{sid}"),
        format!("{base}/review"),
        format!("{base}/freeze"),
        format!("{base}/settings"),
    ];
    let before = (
        t.count("goals").await,
        t.count("steps").await,
        t.count("plan_versions").await,
        t.count("reviews").await,
    );
    for user in ["awo.im2", "caritas.im", "koordination", "admin"] {
        let mut c = t.login(user).await;
        for url in &gets {
            let (status, _, body) = get_bytes(&t, &c, url).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{user} GET {url}: {}",
                String::from_utf8_lossy(&body)
            );
            let body = String::from_utf8_lossy(&body);
            assert!(!body.contains("Deutsch B1"), "{user} GET {url}: {body}");
            assert!(!body.contains("Samira"), "{user} GET {url}: {body}");
        }
        c.get("/").await;
        for url in &posts {
            let r = c
                .post(
                    url,
                    &[
                        ("field", "language"),
                        ("text", "fremd"),
                        ("step_text", "fremd"),
                        ("owner", "client"),
                        ("status", "open"),
                        ("version", "1"),
                        ("plan_version", &pv),
                        ("held_on", "2026-11-21"),
                        ("review_interval", "3"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} POST {url}");
        }
        let r = post_scan(
            &mut c,
            &format!("{base}/versions/1/scan"),
            Some(("x.pdf", b"%PDF-1.7 fremd".to_vec())),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} scan");
        let id = Some(t.id(user));
        for action in [
            "plan_viewed",
            "plan_printed",
            "plan_version_viewed",
            "plan_compared",
            "plan_scan_downloaded",
            "plan_goal_added",
            "plan_goal_changed",
            "plan_step_added",
            "plan_step_changed",
            "plan_review_held",
            "plan_version_frozen",
            "plan_settings_changed",
            "plan_scan_added",
        ] {
            assert!(t.audit_has(action, "denied", id).await, "{user}: {action}");
        }
    }
    assert_eq!(
        before,
        (
            t.count("goals").await,
            t.count("steps").await,
            t.count("plan_versions").await,
            t.count("reviews").await,
        )
    );
    assert_eq!(t.count("documents").await, 0);
}
