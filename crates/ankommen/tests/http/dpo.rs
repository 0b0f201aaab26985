//! The data-protection officer's desk (issue 25, decision 0024): the register of processing
//! activities generated from the configuration, the reports over a small constructed audit log
//! (counted exactly, within the period and the officer's scope), who may see them, bad periods.

use ankommen_core::kernel::audit::{self, Event, Seen, Who};
use ankommen_store::entities::{release, retention_hold, retention_run};
use ankommen_store::sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ConnectionTrait, EntityTrait,
};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};

use crate::fixtures::register_named;
use crate::support::TestApp;

async fn exec(t: &TestApp, sql: &str) {
    t.db.writer()
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn at(day: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{day}T10:00:00Z"))
        .unwrap()
        .with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Who a demo user is in the audit log.
async fn who(t: &TestApp, user: &str) -> Who {
    let ctx = t.ctx_of(user).await;
    Who {
        staff_id: Some(ctx.actor.staff_id),
        organisation_id: Some(ctx.actor.organisation_id),
        roles: ctx.actor.roles.joined(),
    }
}

/// Records that `user` did `action` to each of `persons` on `day` (one event per person).
async fn did(t: &TestApp, user: &str, action: &'static str, on: &str, persons: &[i64]) {
    audit::record_seen_as(
        t.db.writer(),
        at(on),
        &who(t, user).await,
        None,
        Event::new(action),
        persons.iter().map(|&p| Seen {
            person_id: p,
            case_id: None,
        }),
    )
    .await
    .unwrap();
}

/// Records a refusal of `user` trying `action` on an object.
async fn refused(
    t: &TestApp,
    user: &str,
    action: &'static str,
    kind: &'static str,
    id: i64,
    on: &str,
) {
    audit::record_as(
        t.db.writer(),
        at(on),
        &who(t, user).await,
        None,
        Event::on(action, kind, id).denied(),
    )
    .await
    .unwrap();
}

/// Makes a demo account (of an organisation) its organisation's data-protection officer.
async fn make_dpo(t: &TestApp, user: &str) {
    exec(
        t,
        &format!(
            "UPDATE staff_roles SET role = 'dpo' WHERE staff_id = {}",
            t.id(user)
        ),
    )
    .await;
}

/// The row of a report's table for a staff member, as the page shows it.
fn row(name: &str, cells: &[i64]) -> String {
    let cells: String = cells.iter().map(|c| format!("<td>{c}</td>")).collect();
    format!("<th scope=\"row\"><bdi>{name}</bdi></th>{cells}")
}

const PERIOD: &str = "from=2026-11-01&to=2026-11-10";

/// Accesses per staff member count reads, changes and distinct persons within the period's
/// bounds; the organisation's officer sees their organisation's staff only.
#[tokio::test]
async fn accesses_per_staff_member() {
    let t = TestApp::new().await;
    // In the period, its first and last day included.
    did(&t, "awo.im1", "client_viewed", "2026-11-01", &[1, 2, 3]).await;
    did(&t, "awo.im1", "client_updated", "2026-11-10", &[1]).await;
    did(&t, "awo.im2", "client_viewed", "2026-11-05", &[5]).await;
    did(&t, "awo.im2", "contact_viewed", "2026-11-06", &[5]).await;
    did(&t, "caritas.im", "client_viewed", "2026-11-05", &[9]).await;
    // Outside the period.
    did(&t, "awo.im1", "client_viewed", "2026-10-31", &[7, 8]).await;
    did(&t, "awo.im1", "client_viewed", "2026-11-11", &[7]).await;
    // Events naming nobody are no access to a person's data.
    did(&t, "awo.im1", "caseload_viewed", "2026-11-02", &[]).await;

    let mut dpo = t.login("datenschutz").await;
    let r = dpo
        .get(&format!("/privacy/reports/accesses?{PERIOD}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains(&row("Ahmad Karimi", &[3, 1, 3]));
    r.assert_contains(&row("Olena Kovalenko", &[2, 0, 1]));
    r.assert_contains(&row("Amina Haddad", &[1, 0, 1]));
    r.assert_contains("01.11.2026");
    // Opening the report is audited, with the report's name.
    assert!(
        t.audit()
            .await
            .iter()
            .any(|(a, o, who, k, id)| a == "privacy_report_viewed"
                && o == "allowed"
                && *who == Some(t.id("datenschutz"))
                && k.as_deref() == Some("privacy_report")
                && id.as_deref() == Some("accesses"))
    );

    // One day: only the first day's reads.
    let r = dpo
        .get("/privacy/reports/accesses?from=01.11.2026&to=01.11.2026")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&row("Ahmad Karimi", &[3, 0, 3]));
    assert!(!r.body.contains("Olena Kovalenko"));

    // The organisation's officer: their staff only.
    make_dpo(&t, "awo.admin").await;
    let mut awo = t.login("awo.admin").await;
    let r = awo
        .get(&format!("/privacy/reports/accesses?{PERIOD}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains(&row("Ahmad Karimi", &[3, 1, 3]));
    assert!(
        !r.body.contains("Amina Haddad"),
        "another organisation's staff"
    );
}

/// The unusual-volume rule flags the one who opened many more persons than their own usual and
/// not the one who always opens many, nor the one who opens few.
#[tokio::test]
async fn unusual_volumes_flag_the_right_person() {
    let t = TestApp::new().await;
    let persons = |from: i64, n: i64| (from..from + n).collect::<Vec<i64>>();
    // The period is ten days; the six before it start on 2026-10-22, -12, -02, 09-22, -12, -02.
    for start in [
        "2026-10-22",
        "2026-10-12",
        "2026-10-02",
        "2026-09-22",
        "2026-09-12",
        "2026-09-02",
    ] {
        did(&t, "awo.im1", "client_viewed", start, &persons(100, 2)).await;
        did(&t, "awo.im2", "client_viewed", start, &persons(200, 10)).await;
    }
    did(
        &t,
        "awo.im1",
        "client_viewed",
        "2026-11-03",
        &persons(100, 12),
    )
    .await;
    did(
        &t,
        "awo.im2",
        "client_viewed",
        "2026-11-03",
        &persons(200, 11),
    )
    .await;
    did(
        &t,
        "caritas.im",
        "client_viewed",
        "2026-11-03",
        &persons(300, 1),
    )
    .await;

    let mut dpo = t.login("datenschutz").await;
    let r = dpo.get(&format!("/privacy/reports/unusual?{PERIOD}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // persons, own median, median of all (12, 11, 1: 11)
    let flagged =
        |name: &str, cells: &[i64]| format!("<tr class=\"flagged\">\n    {}", row(name, cells));
    r.assert_contains(&flagged("Ahmad Karimi", &[12, 2, 11]));
    r.assert_contains("über dem Eigenen");
    assert!(!r.body.contains("über den anderen"));
    r.assert_contains(&row("Olena Kovalenko", &[11, 10, 11]));
    r.assert_contains(&row("Amina Haddad", &[1, 0, 11]));
    assert_eq!(r.body.matches("class=\"flagged\"").count(), 1, "{}", r.body);
}

/// Denied accesses per staff member and what was tried; failed attempts outside the period or
/// scope are not listed.
#[tokio::test]
async fn denied_accesses() {
    let t = TestApp::new().await;
    refused(
        &t,
        "awo.leitung",
        "client_viewed",
        "person",
        7,
        "2026-11-02",
    )
    .await;
    refused(
        &t,
        "awo.leitung",
        "client_viewed",
        "person",
        7,
        "2026-11-03",
    )
    .await;
    refused(&t, "awo.leitung", "case_viewed", "case", 4, "2026-11-03").await;
    refused(
        &t,
        "caritas.leitung",
        "case_viewed",
        "case",
        5,
        "2026-11-04",
    )
    .await;
    refused(&t, "awo.leitung", "case_viewed", "case", 4, "2026-11-20").await;
    did(&t, "awo.leitung", "client_viewed", "2026-11-03", &[8]).await;

    let mut dpo = t.login("datenschutz").await;
    let r = dpo.get(&format!("/privacy/reports/denied?{PERIOD}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("<th scope=\"row\"><bdi>Petra Lang</bdi></th><td>Akte angesehen: Person Nr. 7</td><td>2</td>");
    r.assert_contains(
        "<th scope=\"row\"><bdi>Petra Lang</bdi></th><td>Fall angesehen: Fall Nr. 4</td><td>1</td>",
    );
    r.assert_contains("Stefan Roth");
    r.assert_contains("3 abgewiesene Versuche");

    make_dpo(&t, "awo.admin").await;
    let mut awo = t.login("awo.admin").await;
    let r = awo.get(&format!("/privacy/reports/denied?{PERIOD}")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Petra Lang");
    assert!(!r.body.contains("Stefan Roth"));
}

/// Holds and erasures: the runs of the period with their counts, holds placed and lifted in it (of
/// cases in scope).
#[tokio::test]
async fn holds_and_erasures() {
    let t = TestApp::new().await;
    let awo_case = register_named(&t, "awo.im1", "Hanna", "Hold", None, "1990").await;
    let caritas_case = register_named(&t, "caritas.im", "Carla", "Hold", None, "1991").await;
    for (d, cases, persons) in [
        ("2026-11-04", 2, 3),
        ("2026-11-09", 1, 1),
        ("2026-11-12", 5, 5),
    ] {
        retention_run::Entity::insert(retention_run::ActiveModel {
            day: Set(d.into()),
            started_at: Set(at(d)),
            finished_at: Set(Some(at(d))),
            cases_erased: Set(cases),
            clients_erased: Set(persons),
            audit_events_removed: Set(0),
            facts_removed: Set(0),
        })
        .exec_without_returning(t.db.writer())
        .await
        .unwrap();
    }
    for (case, by, placed, lifted) in [
        (
            awo_case.case_id,
            "awo.im1",
            "2026-11-02",
            Some("2026-11-08"),
        ),
        (awo_case.case_id, "awo.im1", "2026-11-09", None),
        (
            awo_case.case_id,
            "awo.im1",
            "2026-10-20",
            Some("2026-11-03"),
        ),
        (caritas_case.case_id, "caritas.im", "2026-11-05", None),
    ] {
        retention_hold::Entity::insert(retention_hold::ActiveModel {
            id: NotSet,
            case_id: Set(case),
            reason: Set("Rechtsstreit".into()),
            until: Set(day("2027-06-01")),
            placed_by: Set(t.id(by)),
            placed_at: Set(at(placed)),
            lifted_by: Set(lifted.map(|_| t.id(by))),
            lifted_at: Set(lifted.map(at)),
        })
        .exec_without_returning(t.db.writer())
        .await
        .unwrap();
    }
    let facts = |runs: i64, cases: i64, persons: i64, placed: i64, lifted: i64| {
        format!(
            "<dt>Löschläufe</dt><dd>{runs}</dd>\n  <dt>Gelöschte Fälle</dt><dd>{cases}</dd>\n  \
             <dt>Gelöschte Personen</dt><dd>{persons}</dd>\n  <dt>Gesetzte Löschsperren</dt><dd>{placed}</dd>\n  \
             <dt>Aufgehobene Löschsperren</dt><dd>{lifted}</dd>"
        )
    };
    let mut dpo = t.login("datenschutz").await;
    let r = dpo
        .get(&format!("/privacy/reports/retention?{PERIOD}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains(&facts(2, 3, 4, 3, 2));
    r.assert_contains("2026-11-04");
    assert!(!r.body.contains("2026-11-12"));

    make_dpo(&t, "awo.admin").await;
    let mut awo = t.login("awo.admin").await;
    let r = awo
        .get(&format!("/privacy/reports/retention?{PERIOD}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&facts(2, 3, 4, 2, 2));
    // The holds page follows the same scope (one policy action for the desk).
    let r = awo.get("/privacy/holds").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.matches("Rechtsstreit").count(), 3, "{}", r.body);
}

/// The register lists the configured schedule and the recorded recipients, and changes with them;
/// its print view has no links to the desk.
#[tokio::test]
async fn the_register_follows_the_configuration() {
    let t = TestApp::new().await;
    let a = register_named(&t, "awo.im1", "Rita", "Register", None, "1990").await;
    let b = register_named(&t, "awo.im1", "Rudi", "Register", None, "1992").await;
    let caritas = t
        .scalar("SELECT id AS n FROM organisations WHERE name LIKE 'Caritas%'")
        .await;
    let release =
        |person: i64, org: Option<i64>, category: Option<&str>, name: &str| release::ActiveModel {
            id: NotSet,
            person_id: Set(person),
            recipient_organisation_id: Set(org),
            recipient_name: Set(name.into()),
            recipient_category: Set(category.map(str::to_string)),
            data_categories: Set("identity".into()),
            purpose: Set("Vermittlung".into()),
            valid_from: Set(day("2026-11-01")),
            valid_until: Set(None),
            mutual: Set(false),
            revoked_on: Set(None),
            external_id: Set(None),
            created_at: Set(at("2026-11-01")),
            created_by: Set(t.id("awo.im1")),
            version: Set(1),
        };
    for r in [
        release(
            a.person_id,
            None,
            Some("jobcenter"),
            "Jobcenter Heilbronn PRIVATE-NAME",
        ),
        release(
            a.person_id,
            None,
            Some("jobcenter"),
            "Jobcenter Heilbronn PRIVATE-NAME",
        ),
        release(
            b.person_id,
            None,
            Some("jobcenter"),
            "Jobcenter Heilbronn PRIVATE-NAME",
        ),
        release(b.person_id, Some(caritas), None, ""),
    ] {
        release::Entity::insert(r)
            .exec_without_returning(t.db.writer())
            .await
            .unwrap();
    }
    let mut dpo = t.login("datenschutz").await;
    let r = dpo.get("/privacy/register").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("<tr><td>Jobcenter</td><td>3</td><td>2</td></tr>");
    r.assert_contains("<td>1</td><td>1</td></tr>");
    r.assert_contains("Caritas");
    assert!(
        !r.body.contains("PRIVATE-NAME"),
        "typed recipient names are not shown"
    );
    r.assert_contains("<tr><td>Abgeschlossener Fall: Löschung nach Monaten</td><td>6</td></tr>");
    r.assert_contains("<tr><td>Protokoll: Aufbewahrung in Monaten</td><td>24</td></tr>");
    r.assert_contains("persons.health_sealed");
    r.assert_contains("Abmeldung nach 30 Minuten");
    r.assert_contains("href=\"/privacy/register/print\"");
    assert!(
        t.audit_has(
            "processing_register_viewed",
            "allowed",
            Some(t.id("datenschutz"))
        )
        .await
    );

    // The administrator changes the schedule; a new release is recorded: the register follows.
    let mut admin = t.login("admin").await;
    let saved = admin
        .post(
            "/admin/retention",
            &[
                ("retention_closed_case_months", "9"),
                ("retention_unconsented_months", "3"),
                ("retention_withdrawn_months", "1"),
                ("retention_audit_months", "36"),
                ("retention_statistics_months", "24"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    release::Entity::insert(release(
        a.person_id,
        None,
        Some("foreigners_authority"),
        "x",
    ))
    .exec_without_returning(t.db.writer())
    .await
    .unwrap();
    let r = dpo.get("/privacy/register/print").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("<tr><td>Abgeschlossener Fall: Löschung nach Monaten</td><td>9</td></tr>");
    r.assert_contains("<tr><td>Protokoll: Aufbewahrung in Monaten</td><td>36</td></tr>");
    r.assert_contains("<tr><td>Ausländerbehörde</td><td>1</td><td>1</td></tr>");
    assert!(
        !r.body.contains("href=\"/privacy/desk\""),
        "the print view has no links"
    );

    // The organisation's officer: their organisation as controller and its releases only.
    make_dpo(&t, "caritas.leitung").await;
    let mut other = t.login("caritas.leitung").await;
    let r = other.get("/privacy/register").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Noch keine Schweigepflichtentbindung gespeichert.");
}

/// Only the data-protection officer sees the desk, the register and the reports; administrators,
/// IMs, team leads and coordinators are refused, and each refusal is audited.
#[tokio::test]
async fn only_the_data_protection_officer() {
    let t = TestApp::new().await;
    let pages = [
        "/privacy/desk",
        "/privacy/register",
        "/privacy/register/print",
        "/privacy/reports/accesses",
        "/privacy/reports/unusual",
        "/privacy/reports/denied",
        "/privacy/reports/retention",
        "/privacy/holds",
    ];
    let mut dpo = t.login("datenschutz").await;
    for p in pages {
        let r = dpo.get(p).await;
        assert_eq!(r.status, StatusCode::OK, "{p}: {}", r.body);
    }
    let desk = dpo.get("/privacy/desk").await;
    for link in [
        "/privacy\"",
        "/privacy/register\"",
        "/privacy/reports/accesses\"",
        "/privacy/reports/unusual\"",
        "/privacy/reports/denied\"",
        "/privacy/reports/retention\"",
        "/privacy/staff-changes\"",
        "/privacy/holds\"",
        "/privacy/audit-chain\"",
    ] {
        desk.assert_contains(&format!("href=\"{link}"));
    }
    assert!(
        t.audit_has("privacy_desk_viewed", "allowed", Some(t.id("datenschutz")))
            .await
    );
    dpo.get("/privacy")
        .await
        .assert_contains("href=\"/privacy/desk\"");

    for user in [
        "admin",
        "awo.admin",
        "awo.leitung",
        "koordination",
        "awo.im1",
        "caritas.leitung",
    ] {
        let mut c = t.login(user).await;
        for p in pages {
            let r = c.get(p).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {p}");
            // Bad input changes nothing about the refusal.
            let r = c.get(&format!("{p}?from=garbage")).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {p}?from=garbage");
        }
        let denied: Vec<_> = t
            .audit()
            .await
            .into_iter()
            .filter(|(_, o, who, _, _)| o == "denied" && *who == Some(t.id(user)))
            .map(|(a, ..)| a)
            .collect();
        for action in [
            "privacy_desk_viewed",
            "processing_register_viewed",
            "privacy_report_viewed",
            "retention_holds_viewed",
        ] {
            assert!(
                denied.iter().any(|a| a == action),
                "{user}: {action} {denied:?}"
            );
        }
        // Two refusals per page: one without, one with bad input.
        assert_eq!(denied.len(), 2 * pages.len(), "{user}: {denied:?}");
    }
}

/// A garbled date, an end before the start, a period too long: the form again with the typed
/// values and a clear error, no 500, and no report opened.
#[tokio::test]
async fn bad_periods() {
    let t = TestApp::new().await;
    let mut dpo = t.login("datenschutz").await;
    let r = dpo
        .get("/privacy/reports/accesses?from=garbage&to=2026-11-10")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ein gültiges Datum angeben");
    r.assert_contains("value=\"garbage\"");
    let r = dpo
        .get("/privacy/reports/denied?from=2026-11-10&to=2026-11-01")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Ende liegt vor dem Anfang des Zeitraums.");
    r.assert_contains("value=\"2026-11-10\"");
    let r = dpo
        .get("/privacy/reports/unusual?from=1950-01-01&to=2026-11-01")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("länger als zehn Jahre");
    let r = dpo.get("/privacy/reports/retention?from=31.02.2026").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !t.audit_has(
            "privacy_report_viewed",
            "allowed",
            Some(t.id("datenschutz"))
        )
        .await,
        "no report was opened"
    );
    // No dates: the last 30 days up to today (the test clock's 21.11.2026).
    let r = dpo.get("/privacy/reports/accesses").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Zeitraum: 23.10.2026 bis 21.11.2026");
}
