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
    t.move_to("caritas.leitung", "AWO").await;
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

/// One text from the database.
async fn text(t: &TestApp, sql: &str) -> String {
    t.db.reader()
        .query_one_raw(Statement::from_string(
            t.db.reader().get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "s")
        .unwrap()
}

async fn run_retention(t: &TestApp) -> ankommen_core::casework::retention::Report {
    ankommen_core::casework::retention::run(&t.db, t.clock.now(), true)
        .await
        .unwrap()
        .unwrap()
}

/// Art. 18: the IM restricts the processing of a case on the client's request. From then on the
/// case is read-only for everybody (a contact, the intake, a share are refused with the reason,
/// nothing stored), it is in no list but the holders' "restricted cases", neither the nightly run
/// nor an erasure request erases it, and the withdrawal of consent stays possible. The
/// data-protection officer sees the restriction; the team lead lifts it and all is as before.
#[tokio::test]
async fn a_restricted_case_is_read_only_left_out_of_lists_and_kept() {
    let t = with_clients().await;
    let (person, case) = single(&t, "caritas.im").await;
    let number = case_number(&t, case).await;
    let family = text(
        &t,
        &format!("SELECT family_name AS s FROM persons WHERE id = {person}"),
    )
    .await;
    let page = format!("/retention/cases/{case}/restriction");
    let mut im = t.login("caritas.im").await;
    im.get("/cases").await.assert_contains(&family);
    im.get(&format!("/cases/{case}"))
        .await
        .assert_contains(&page);

    // Bad input: a clear error, the typed values kept, nothing stored.
    let r = im
        .post(&page, &[("ground", "weil"), ("requested_on", "2099-01-01")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte einen Grund aus der Liste wählen.");
    r.assert_contains("Das Datum darf nicht in der Zukunft liegen.");
    r.assert_contains("value=\"2099-01-01\"");
    assert_eq!(t.count("restrictions").await, 0);

    let r = im
        .post(
            &page,
            &[("ground", "accuracy"), ("requested_on", "2026-11-20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        t.audit_has("restriction_placed", "allowed", Some(t.id("caritas.im")))
            .await
    );
    let r = im
        .post(
            &page,
            &[("ground", "objection"), ("requested_on", "2026-11-20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("besteht bereits eine Einschränkung");

    // The case page says so; the history records it with its ground.
    let r = im.get(&format!("/cases/{case}")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Verarbeitung eingeschränkt (Art. 18 DSGVO):");
    r.assert_contains("Die Person bestreitet die Richtigkeit der Daten");

    // In no list: not in the caseload, not on the start page.
    assert!(!im.get("/cases").await.body.contains(&family));
    assert!(!im.get("/").await.body.contains(&family));
    let mut lead = t.login("caritas.leitung").await;
    assert!(!lead.get("/cases").await.body.contains(&number));

    // Read-only: every change is refused with the reason, nothing is stored.
    let contacts = t
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM contacts WHERE case_id = {case}"
        ))
        .await;
    let p = person.to_string();
    let r = im
        .post(
            &format!("/cases/{case}/contacts/new"),
            &[
                ("date", "2026-11-20"),
                ("persons", p.as_str()),
                ("kind", "office_appointment"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Verarbeitung dieses Falls ist eingeschränkt");
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM contacts WHERE case_id = {case}"
        ))
        .await,
        contacts
    );
    let version = t
        .scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM persons WHERE id = {person}"
        ))
        .await
        .to_string();
    let r = im
        .post(
            &format!("/clients/{person}/intake"),
            &[("version", version.as_str()), ("profession", "Schneiderin")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Verarbeitung dieses Falls ist eingeschränkt");
    let colleague = t.id("caritas.im").to_string();
    let r = im
        .post(
            &format!("/cases/{case}/share"),
            &[("staff_id", colleague.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM persons WHERE id = {person} AND profession = 'Schneiderin'"
        ))
        .await,
        0
    );

    // Kept: closed long ago and due, the nightly run leaves it; an erasure request waits.
    close(&t, case, "2025-01-10").await;
    run_retention(&t).await;
    assert!(exists(&t, "cases", case).await && exists(&t, "persons", person).await);
    let erasure = format!("/retention/cases/{case}/erasure");
    let r = im
        .post(
            &format!("{erasure}/request"),
            &[("received_on", "2026-11-20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = lead
        .post(&format!("{erasure}/decide"), &[("exception", "")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Die Verarbeitung ist eingeschränkt (Art. 18)");
    assert!(exists(&t, "cases", case).await);

    // The holders find it; the data-protection officer sees it; others do not.
    let due = lead.get("/retention").await;
    due.assert_contains("Eingeschränkte Fälle");
    due.assert_contains(&number);
    let mut dpo = t.login("datenschutz").await;
    let r = dpo.get("/privacy/restrictions").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&number);
    r.assert_contains("besteht");
    assert!(
        t.audit_has("restrictions_viewed", "allowed", Some(t.id("datenschutz")))
            .await
    );
    assert_eq!(
        im.get("/privacy/restrictions").await.status,
        StatusCode::FORBIDDEN
    );

    // The team lead lifts it: listed and writable again, the history says so.
    let r = lead.post(&format!("{page}/lift"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        t.audit_has(
            "restriction_lifted",
            "allowed",
            Some(t.id("caritas.leitung"))
        )
        .await
    );
    assert!(
        !lead
            .get("/retention")
            .await
            .body
            .contains("Eingeschränkte Fälle")
    );
    let r = im.get(&format!("/cases/{case}")).await;
    assert!(
        !r.body
            .contains("Verarbeitung eingeschränkt (Art. 18 DSGVO):")
    );
    r.assert_contains("Einschränkung der Verarbeitung aufgehoben");
    let r = im.post(&format!("{page}/lift"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("besteht keine Einschränkung");
}

/// Nobody outside the case's own line restricts or lifts: a colleague and the team lead of another
/// organisation, the administrator, the data-protection officer (who sees restrictions, not cases)
/// and a team lead moved elsewhere. Each is refused like a missing case and audited.
#[tokio::test]
async fn outsiders_cannot_restrict_or_lift() {
    let t = with_clients().await;
    let (_, case) = single(&t, "caritas.im").await;
    let page = format!("/retention/cases/{case}/restriction");
    let fields = [("ground", "accuracy"), ("requested_on", "2026-11-20")];
    for who in ["awo.im1", "awo.leitung", "admin", "datenschutz"] {
        let mut c = t.login(who).await;
        assert_eq!(c.get(&page).await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(
            c.post(&page, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert!(
            t.audit_has("restriction_placed", "denied", Some(t.id(who)))
                .await,
            "{who}"
        );
    }
    assert_eq!(t.count("restrictions").await, 0);

    let mut im = t.login("caritas.im").await;
    let r = im.post(&page, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for who in ["awo.im1", "awo.leitung", "admin", "datenschutz"] {
        let mut c = t.login(who).await;
        let r = c.post(&format!("{page}/lift"), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        assert!(
            t.audit_has("restriction_lifted", "denied", Some(t.id(who)))
                .await,
            "{who}"
        );
    }
    // The team lead, moved to another organisation: refused like a stranger.
    let mut lead = t.login("caritas.leitung").await;
    t.move_to("caritas.leitung", "AWO").await;
    let r = lead.post(&format!("{page}/lift"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM restrictions WHERE lifted_at IS NULL")
            .await,
        1
    );
}

/// The withdrawal of consent starts the schedule for the voluntary data: the case page gives the
/// day; a restriction makes it wait; then the run erases the record's voluntary fields, the
/// person's outcomes and documents, and the plan they are the client of — and nothing else (the
/// minimum, the contacts, the consents as proof stay) — once, audited, and gone from the files.
#[tokio::test]
async fn a_withdrawn_consent_has_its_voluntary_data_erased_on_schedule() {
    let t = with_clients().await;
    let (person, case) = single(&t, "caritas.im").await;
    canaries(&t, person, case).await;
    let canary = "Qzvxwithdrawnphone";
    exec(
        &t,
        &format!(
            "UPDATE persons SET phone = '{canary}', profession = 'Schneiderin' WHERE id = {person}"
        ),
    )
    .await;
    let count = |table: &'static str, col: &'static str, id: i64| {
        let t = &t;
        async move {
            t.scalar(&format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE {col} = {id}"
            ))
            .await
        }
    };
    let contacts = count("contacts", "case_id", case).await;
    assert!(contacts > 0);
    for (table, col, id) in [
        ("outcomes", "person_id", person),
        ("client_documents", "person_id", person),
        ("goals", "case_id", case),
        ("plans", "case_id", case),
        ("plan_versions", "case_id", case),
    ] {
        assert!(count(table, col, id).await > 0, "{table}");
    }

    // A restriction does not stop the withdrawal (the right holds at any time).
    let mut im = t.login("caritas.im").await;
    let restriction = format!("/retention/cases/{case}/restriction");
    let r = im
        .post(
            &restriction,
            &[("ground", "legal_claims"), ("requested_on", "2026-11-20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let consents: Vec<(i64, i64)> = {
        let db = t.db.reader();
        db.query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT id, CAST(version AS BIGINT) AS v FROM consents WHERE person_id = {person} AND withdrawn_on IS NULL"
            ),
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.try_get("", "id").unwrap(), r.try_get("", "v").unwrap()))
        .collect()
    };
    assert!(!consents.is_empty());
    for (id, version) in consents {
        let v = version.to_string();
        let r = im
            .post(
                &format!("/consents/{id}/withdraw"),
                &[
                    ("version", v.as_str()),
                    ("withdrawn_on", "2026-11-21"),
                    ("withdrawal_note", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = im.get(&format!("/cases/{case}")).await;
    r.assert_contains("Einwilligung am 21.11.2026 widerrufen – freiwillige Angaben werden am 21.12.2026 gelöscht.");
    // The record says it too, beside the case's own erasure date.
    let r = im.get(&format!("/clients/{person}")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("freiwillige Angaben werden am 21.12.2026 gelöscht.");
    r.assert_contains("Nach dem Abschluss wird dieser Fall nach 6 Monaten gelöscht.");
    // The team lead (who reads no client data) sees the case number and the day on the due list.
    let number = case_number(&t, case).await;
    let mut lead = t.login("caritas.leitung").await;
    let due = lead.get("/retention").await;
    let section = &due.body[due
        .body
        .find("id=\"voluntary-due\"")
        .expect("the section of voluntary data due")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(
        section.contains(&number) && section.contains("Löschung am 21.12.2026"),
        "{section}"
    );

    // Not due yet: nothing goes. (Other demo clients' withdrawals may come due meanwhile.)
    let erased = format!(
        "SELECT COUNT(*) AS n FROM consents WHERE person_id = {person} AND voluntary_erased_on IS NOT NULL"
    );
    run_retention(&t).await;
    assert_eq!(t.scalar(&erased).await, 0);
    assert!(count("outcomes", "person_id", person).await > 0);
    // Due, but restricted: it waits.
    t.clock.advance(chrono::Duration::days(31));
    run_retention(&t).await;
    assert_eq!(t.scalar(&erased).await, 0);
    assert!(count("goals", "case_id", case).await > 0);
    let mut lead = t.login("caritas.leitung").await;
    let r = lead.post(&format!("{restriction}/lift"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let report = run_retention(&t).await;
    assert!(report.voluntary_erased >= 1);
    assert_eq!(report.failed, 0);
    for (table, col, id) in [
        ("outcomes", "person_id", person),
        ("client_documents", "person_id", person),
        ("goals", "case_id", case),
        ("steps", "case_id", case),
        ("reviews", "case_id", case),
        ("plans", "case_id", case),
        ("plan_versions", "case_id", case),
    ] {
        assert_eq!(count(table, col, id).await, 0, "{table}");
    }
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM persons WHERE id = {person} AND phone IS NULL \
             AND profession IS NULL AND health_sealed IS NULL AND languages IS NULL"
        ))
        .await,
        1
    );
    // What stays: the minimum, the contacts, the consents (with the day of the erasure).
    assert!(exists(&t, "persons", person).await && exists(&t, "cases", case).await);
    assert_eq!(count("contacts", "case_id", case).await, contacts);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM consents WHERE person_id = {person} AND voluntary_erased_on IS NULL"
        ))
        .await,
        0
    );
    assert!(
        t.audit_of(person, case)
            .await
            .iter()
            .any(|(action, actor)| action == "voluntary_data_erased" && actor.is_none())
    );
    let mut im = t.login("caritas.im").await;
    let r = im.get(&format!("/cases/{case}")).await;
    r.assert_contains("freiwillige Angaben am 22.12.2026 gelöscht.");
    // Once: the next run has nothing to do.
    assert_eq!(run_retention(&t).await.voluntary_erased, 0);
    // Gone from the files too (SQLite: the database file and its WAL).
    if let Some(file) = t.sqlite_file() {
        let dir = file.parent().unwrap();
        assert!(
            files_holding(dir, canary).is_empty(),
            "{canary} still on disk"
        );
    }
}
