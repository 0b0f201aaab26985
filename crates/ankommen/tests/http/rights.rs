//! The data subject's rights (issue 25, decision 0023): a client's request to erase their data
//! before the schedule (Art. 17), recorded by one person and decided by a second; without a legal
//! exception the case and its persons are erased at once by the nightly run's erasure (nothing
//! left in any table or file, the figures unchanged); with one, the data stays and the
//! data-protection officer sees why. Outsiders are refused and the refusals audited.

use ankommen_core::Clock;
use ankommen_core::casework::figures::{self, Question};
use ankommen_core::casework::retention::ERASED;
use ankommen_store::sea_orm::{ConnectionTrait, Statement};
use axum::http::StatusCode;
use chrono::NaiveDate;

use crate::export::{canaries, tables_about_persons, with_clients};
use crate::retention::{close, exec, exists, files_holding, single};
use crate::support::TestApp;

/// The requests waiting for a decision.
async fn waiting(t: &TestApp) -> i64 {
    t.scalar("SELECT COUNT(*) AS n FROM erasure_requests WHERE decided_at IS NULL")
        .await
}

async fn case_number(t: &TestApp, case: i64) -> String {
    t.db.reader()
        .query_one_raw(Statement::from_string(
            t.db.reader().get_database_backend(),
            format!("SELECT case_number FROM cases WHERE id = {case}"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "case_number")
        .unwrap()
}

/// Without an exception: recorded by the IM, decided by the team lead, erased at once like the
/// nightly run erases: no row of the case or its person in any table, nothing in the files, the
/// figures of the years it counted in the same as before.
#[tokio::test]
async fn an_erasure_request_without_exception_erases_the_case_at_once() {
    let t = with_clients().await;
    let (person, case) = single(&t, "caritas.im").await;
    canaries(&t, person, case).await;
    let canary = "Wqxzrightscanary";
    exec(
        &t,
        &format!("UPDATE persons SET given_name = '{canary}' WHERE id = {person}"),
    )
    .await;
    // Closed recently: the schedule would erase it only on 2027-04-01.
    close(&t, case, "2026-10-01").await;
    let number = case_number(&t, case).await;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let questions = [
        Question::Period {
            from: day("2026-01-01"),
            to: day("2026-12-31"),
        },
        Question::Period {
            from: day("2025-01-01"),
            to: day("2025-12-31"),
        },
    ];
    let now = t.clock.now();
    let mut before = Vec::new();
    for q in questions {
        before.push(figures::for_operator(&t.db, now, q, None).await.unwrap());
    }

    let page = format!("/retention/cases/{case}/erasure");
    let mut im = t.login("caritas.im").await;
    im.get(&format!("/cases/{case}"))
        .await
        .assert_contains(&page);
    let r = im.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&number);
    r.assert_contains("Antrag eingegangen am");

    // Bad input: a clear error, what was typed kept, nothing stored.
    let request = format!("{page}/request");
    let r = im.post(&request, &[("received_on", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ausfüllen.");
    let r = im.post(&request, &[("received_on", "2099-01-01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ein Datum bis heute.");
    r.assert_contains("value=\"2099-01-01\"");
    assert_eq!(waiting(&t).await, 0);

    let r = im.post(&request, &[("received_on", "2026-11-20")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        t.audit_has("erasure_requested", "allowed", Some(t.id("caritas.im")))
            .await
    );
    // One request waits at a time.
    let r = im.post(&request, &[("received_on", "2026-11-21")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("wartet bereits ein Antrag");
    assert_eq!(waiting(&t).await, 1);

    // Four eyes: who recorded it does not decide it (nor finds it among those to decide).
    assert!(
        !im.get("/retention")
            .await
            .body
            .contains("Löschanträge zur Entscheidung")
    );
    let decide = format!("{page}/decide");
    let r = im.get(&page).await;
    r.assert_contains("entscheiden muss eine zweite Person");
    let r = im.post(&decide, &[("exception", "")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("entscheiden muss eine zweite Person");
    assert!(exists(&t, "cases", case).await);
    assert!(
        t.audit_has(
            "erasure_request_decided",
            "denied",
            Some(t.id("caritas.im"))
        )
        .await
    );

    // The team lead of the IM's team finds it on the due list and decides it.
    let mut lead = t.login("caritas.leitung").await;
    let due = lead.get("/retention").await;
    due.assert_contains("Löschanträge zur Entscheidung");
    due.assert_contains(&number);
    let r = lead
        .post(&decide, &[("exception", "weil"), ("justification", "x")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte eine Ausnahme aus der Liste wählen.");
    assert!(exists(&t, "cases", case).await);
    let r = lead
        .post(&decide, &[("exception", ""), ("justification", "")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/retention");

    // Gone from every table about persons or cases (the audit log keeps ids only; the figures'
    // facts are keyed by the erased case's id).
    for (table, column) in tables_about_persons(&t).await {
        if ["audit_events", "retained_facts"].contains(&table.as_str()) {
            continue;
        }
        assert!(ERASED.contains(&table.as_str()), "{table}");
        let id = if column == "case_id" || table == "cases" {
            case
        } else {
            person
        };
        let left = t
            .scalar(&format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE {column} = {id}"
            ))
            .await;
        assert_eq!(left, 0, "{table}.{column} still holds the erased {id}");
    }
    if let Some(file) = t.sqlite_file() {
        let dir = file.parent().unwrap();
        assert_eq!(files_holding(dir, canary), Vec::<String>::new());
    }
    for (q, was) in questions.iter().zip(before) {
        let after = figures::for_operator(&t.db, now, *q, None).await.unwrap();
        assert_eq!(after, was, "{q:?}");
    }
    // The audit log: the decision and the erasure by the team lead, ids only.
    let lead_id = t.id("caritas.leitung");
    let audit = t.audit().await;
    assert!(audit.iter().any(|(a, o, who, k, id)| a == "case_erased"
        && o == "allowed"
        && *who == Some(lead_id)
        && k.as_deref() == Some("case")
        && id.as_deref() == Some(&case.to_string())));
    assert!(audit.iter().any(|(a, _, who, _, id)| a == "person_erased"
        && *who == Some(lead_id)
        && id.as_deref() == Some(&person.to_string())));
    assert!(
        t.audit_has("erasure_request_decided", "allowed", Some(lead_id))
            .await
    );
    assert_eq!(
        im.get(&page).await.status,
        StatusCode::NOT_FOUND,
        "the case is gone"
    );
}

/// With a legal exception the data stays, the exception and its justification are recorded and
/// the data-protection officer sees them; an open case or a held one is not erased without one.
#[tokio::test]
async fn with_an_exception_the_data_stays_and_the_dpo_sees_why() {
    let t = with_clients().await;
    let (person, case) = single(&t, "caritas.im").await;
    let number = case_number(&t, case).await;
    let page = format!("/retention/cases/{case}/erasure");
    let mut im = t.login("caritas.im").await;
    let r = im
        .post(&format!("{page}/request"), &[("received_on", "2026-11-18")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mut lead = t.login("caritas.leitung").await;
    let decide = format!("{page}/decide");
    // The case is open: without an exception it is not erased.
    let r = lead.post(&decide, &[("exception", "")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Bitte den Fall zuerst abschließen");
    assert!(exists(&t, "cases", case).await);
    // An exception needs its justification; what was chosen stays chosen.
    let r = lead
        .post(
            &decide,
            &[("exception", "legal_claims"), ("justification", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ausfüllen.");
    r.assert_contains("value=\"legal_claims\" checked");
    let r = lead
        .post(
            &decide,
            &[
                ("exception", "legal_claims"),
                ("justification", "Klage beim Sozialgericht Stuttgart"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(exists(&t, "cases", case).await && exists(&t, "persons", person).await);
    let r = im.get(&page).await;
    r.assert_contains("Klage beim Sozialgericht Stuttgart");
    r.assert_contains("Rechtsansprüchen");
    r.assert_contains("Antrag erfassen");

    let mut dpo = t.login("datenschutz").await;
    let r = dpo.get("/privacy/erasure-requests").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&number);
    r.assert_contains("Klage beim Sozialgericht Stuttgart");
    assert!(
        t.audit_has(
            "erasure_requests_viewed",
            "allowed",
            Some(t.id("datenschutz"))
        )
        .await
    );
    let r = im.get("/privacy/erasure-requests").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        t.audit_has(
            "erasure_requests_viewed",
            "denied",
            Some(t.id("caritas.im"))
        )
        .await
    );

    // A held case: the hold is an ongoing legal matter, not erased without the exception.
    close(&t, case, "2026-10-01").await;
    let r = im
        .post(&format!("{page}/request"), &[("received_on", "2026-11-20")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im
        .post(
            &format!("/retention/cases/{case}/hold"),
            &[("hold_reason", "Widerspruch"), ("hold_until", "2027-03-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = lead.post(&decide, &[("exception", "")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Löschsperre");
    assert!(exists(&t, "cases", case).await);
}

/// Outsiders cannot look, record or decide: a colleague of another organisation, their team lead,
/// the administrator, the data-protection officer (who sees requests, not cases), a moved and a
/// deactivated employee. Each refusal is audited (a deactivated employee has no session left).
#[tokio::test]
async fn outsiders_cannot_request_or_decide_an_erasure() {
    let t = with_clients().await;
    let (_, case) = single(&t, "caritas.im").await;
    close(&t, case, "2026-10-01").await;
    let page = format!("/retention/cases/{case}/erasure");
    let mut im = t.login("caritas.im").await;
    let r = im
        .post(&format!("{page}/request"), &[("received_on", "2026-11-20")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    for who in ["awo.im1", "awo.leitung", "admin", "datenschutz"] {
        let mut c = t.login(who).await;
        assert_eq!(c.get(&page).await.status, StatusCode::NOT_FOUND, "{who}");
        let r = c
            .post(&format!("{page}/request"), &[("received_on", "2026-11-20")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        let r = c
            .post(&format!("{page}/decide"), &[("exception", "")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        assert!(
            t.audit_has("erasure_request_decided", "denied", Some(t.id(who)))
                .await,
            "{who}"
        );
        assert!(
            t.audit_has("erasure_requested", "denied", Some(t.id(who)))
                .await,
            "{who}"
        );
    }

    // The team lead, moved to another organisation: refused like a stranger.
    let mut lead = t.login("caritas.leitung").await;
    let awo = t
        .scalar("SELECT CAST(id AS BIGINT) AS n FROM organisations WHERE name LIKE 'AWO%'")
        .await;
    exec(
        &t,
        &format!(
            "UPDATE staff SET organisation_id = {awo}, team_id = NULL WHERE id = {}",
            t.id("caritas.leitung")
        ),
    )
    .await;
    let r = lead
        .post(&format!("{page}/decide"), &[("exception", "")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        t.audit_has(
            "erasure_request_decided",
            "denied",
            Some(t.id("caritas.leitung"))
        )
        .await
    );
    // Deactivated: no session any more, nothing decided.
    exec(
        &t,
        &format!(
            "UPDATE staff SET active = false WHERE id = {}",
            t.id("caritas.leitung")
        ),
    )
    .await;
    let r = lead
        .post(&format!("{page}/decide"), &[("exception", "")])
        .await;
    assert!(
        r.status != StatusCode::SEE_OTHER || r.location() == "/login",
        "{:?} {}",
        r.status,
        r.location()
    );
    assert!(exists(&t, "cases", case).await);
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM erasure_requests WHERE decided_at IS NULL")
            .await,
        1
    );
}
