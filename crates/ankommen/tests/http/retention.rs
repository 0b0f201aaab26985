//! Keeping data only as long as needed (issue 25, decision 0022): the schedule, holds, the daily
//! run that erases due cases with everything about their persons, once, atomically, leaving the
//! key figures as they were and nothing of the erased persons in the database files.

use ankommen_core::Clock;
use ankommen_core::casework::figures::{self, Question};
use ankommen_core::casework::retention::{self, ERASED};
use ankommen_store::Backend;
use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;
use chrono::NaiveDate;

use crate::export::{canaries, tables_about_persons, with_clients};
use crate::support::TestApp;

pub(crate) async fn exec(t: &TestApp, sql: &str) {
    t.db.writer()
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The case of `im` with one person who has no other case, the one with the most contacts.
pub(crate) async fn single(t: &TestApp, im: &str) -> (i64, i64) {
    let id = t.id(im);
    let case = t
        .scalar(&format!(
            "SELECT c.id AS n FROM cases c WHERE c.assigned_to = {id} AND c.status <> 'closed' \
             AND (SELECT COUNT(*) FROM case_persons cp WHERE cp.case_id = c.id) = 1 \
             AND NOT EXISTS (SELECT 1 FROM case_persons a JOIN case_persons b ON b.person_id = a.person_id \
                             WHERE a.case_id = c.id AND b.case_id <> c.id) \
             ORDER BY (SELECT COUNT(*) FROM contacts k WHERE k.case_id = c.id) DESC, c.id LIMIT 1"
        ))
        .await;
    assert!(case > 0, "{im} has a case with one person of their own");
    let person = t
        .scalar(&format!(
            "SELECT person_id AS n FROM case_persons WHERE case_id = {case}"
        ))
        .await;
    (person, case)
}

/// Closes a case on a day (as the closure form does, without its snapshot).
pub(crate) async fn close(t: &TestApp, case: i64, on: &str) {
    exec(
        t,
        &format!(
            "UPDATE cases SET status = 'closed', closed_on = '{on}', closure_reason = 'moved_away' WHERE id = {case}"
        ),
    )
    .await;
}

async fn run(t: &TestApp) -> retention::Report {
    retention::run(&t.db, t.clock.now(), true)
        .await
        .unwrap()
        .unwrap()
}

pub(crate) async fn exists(t: &TestApp, table: &str, id: i64) -> bool {
    t.scalar(&format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE id = {id}"
    ))
    .await
        > 0
}

/// A row in every table of the schema about a person or a case; the run erases the case and its
/// person: nothing of either is left in any of them (the audit log keeps ids only, and leaves by
/// its own retention; the kept facts are keyed by the erased case's id). A new table about persons
/// that the erasure does not know fails this test.
#[tokio::test]
async fn a_due_case_is_erased_with_everything_about_its_person() {
    let t = with_clients().await;
    let (person, case) = single(&t, "caritas.im").await;
    canaries(&t, person, case).await;
    close(&t, case, "2026-03-02").await;
    // Due on 2026-09-02 (six months; the person consented): today is 2026-11-21.
    let r = run(&t).await;
    assert!(r.cases_erased >= 1 && r.persons_erased >= 1, "{r:?}");
    assert_eq!(r.failed, 0);
    let kept = ["audit_events", "retained_facts"];
    for (table, column) in tables_about_persons(&t).await {
        if kept.contains(&table.as_str()) {
            continue;
        }
        assert!(
            ERASED.contains(&table.as_str()),
            "{table} holds data about persons but the erasure does not know it"
        );
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
    // Reported in the audit log by ids only.
    let audit = t.audit().await;
    assert!(audit.iter().any(|(a, _, who, k, id)| a == "case_erased"
        && who.is_none()
        && k.as_deref() == Some("case")
        && id.as_deref() == Some(&case.to_string())));
    assert!(audit.iter().any(|(a, _, _, k, id)| a == "person_erased"
        && k.as_deref() == Some("person")
        && id.as_deref() == Some(&person.to_string())));
    assert!(t.audit_has("retention_run", "allowed", None).await);
}

/// Not due yet, open, or held: kept. A case nobody consented in goes after three months.
#[tokio::test]
async fn only_what_is_due_goes() {
    let t = with_clients().await;
    let (_, recent) = single(&t, "caritas.im").await;
    close(&t, recent, "2026-07-01").await; // due 2027-01-01
    let (p2, unconsented) = single(&t, "awo.im1").await;
    exec(&t, &format!("DELETE FROM consents WHERE person_id = {p2}")).await;
    close(&t, unconsented, "2026-08-01").await; // due 2026-11-01 without consent
    let open = t
        .scalar("SELECT id AS n FROM cases WHERE status = 'active' ORDER BY id LIMIT 1")
        .await;
    run(&t).await;
    assert!(exists(&t, "cases", recent).await);
    assert!(exists(&t, "cases", open).await);
    assert!(!exists(&t, "cases", unconsented).await);
    assert!(!exists(&t, "persons", p2).await);
    // The day it is due, it goes.
    t.clock.advance(chrono::Duration::days(41));
    run(&t).await;
    assert!(!exists(&t, "cases", recent).await);
}

/// The figures of a year and of a day in it are the same before and after its cases are erased.
#[tokio::test]
async fn the_figures_survive_the_erasure() {
    let t = with_clients().await;
    let (_, a) = single(&t, "caritas.im").await;
    let (_, b) = single(&t, "awo.im1").await;
    close(&t, a, "2026-02-10").await;
    close(&t, b, "2026-04-20").await;
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
        Question::At(day("2026-01-31")),
        Question::EndedUpTo(day("2026-11-21")),
    ];
    let now = t.clock.now();
    let mut before = Vec::new();
    for q in questions {
        before.push(figures::for_operator(&t.db, now, q, None).await.unwrap());
    }
    let r = run(&t).await;
    assert!(r.cases_erased >= 2, "{r:?}");
    assert!(!exists(&t, "cases", a).await && !exists(&t, "cases", b).await);
    assert!(t.count("retained_facts").await >= 2);
    for (q, was) in questions.iter().zip(before) {
        let now_json = figures::for_operator(&t.db, now, *q, None).await.unwrap();
        assert_eq!(now_json, was, "{q:?}");
    }
    // The kept facts hold no name or text: only what the figures read.
    let facts =
        t.db.reader()
            .query_one_raw(ankommen_store::sea_orm::Statement::from_string(
                t.db.reader().get_database_backend(),
                format!("SELECT facts FROM retained_facts WHERE case_id = {a}"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<String>("", "facts")
            .unwrap();
    for word in ["given_name", "family_name", "note", "phone", "text"] {
        assert!(!facts.contains(word), "{word} in {facts}");
    }
    // Once the years are finalised the facts go too.
    exec(
        &t,
        "INSERT INTO figure_finalisations (year, version, finalised_at, finalised_by, body) \
         SELECT y, 1, '2026-11-21 08:00:00+00', (SELECT MIN(id) FROM staff), '{}' FROM \
         (SELECT 2024 AS y UNION SELECT 2025 UNION SELECT 2026) years",
    )
    .await;
    let r = run(&t).await;
    assert!(r.facts_removed >= 2, "{r:?}");
}

/// Two servers run the erasure at once: the day's run happens once; even forced twice at once,
/// every case is erased once.
#[tokio::test]
async fn two_runs_at_once_erase_each_case_once() {
    let t = with_clients().await;
    let (_, a) = single(&t, "caritas.im").await;
    close(&t, a, "2026-03-02").await;
    let now = t.clock.now();
    let (x, y) = tokio::join!(
        retention::run(&t.db, now, false),
        retention::run(&t.db, now, false)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    assert!(x.is_some() != y.is_some(), "exactly one runs: {x:?} {y:?}");
    assert!(!exists(&t, "cases", a).await);

    let (_, b) = single(&t, "awo.im1").await;
    close(&t, b, "2026-03-02").await;
    let (x, y) = tokio::join!(
        retention::run(&t.db, now, true),
        retention::run(&t.db, now, true)
    );
    let (x, y) = (x.unwrap().unwrap(), y.unwrap().unwrap());
    assert_eq!(x.cases_erased + y.cases_erased, 1, "{x:?} {y:?}");
    let erased = t
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'case_erased' AND object_id = '{b}'"
        ))
        .await;
    assert_eq!(erased, 1);
}

/// A case whose erasure fails halfway (here: the database refuses to delete its person) is rolled
/// back whole: nothing of it is missing; the other cases go; the next run finishes it.
#[tokio::test]
async fn an_erasure_stopped_halfway_leaves_the_case_whole_and_the_next_run_finishes() {
    let t = with_clients().await;
    let (p, a) = single(&t, "caritas.im").await;
    let (_, b) = single(&t, "awo.im1").await;
    close(&t, a, "2026-03-02").await;
    close(&t, b, "2026-03-02").await;
    let contacts = t
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM contacts WHERE case_id = {a}"
        ))
        .await;
    assert!(contacts > 0);
    match t.db.backend() {
        Backend::Sqlite => {
            exec(
                &t,
                &format!(
                    "CREATE TRIGGER stop_here BEFORE DELETE ON persons WHEN OLD.id = {p} \
                     BEGIN SELECT RAISE(ABORT, 'stopped'); END"
                ),
            )
            .await
        }
        Backend::Postgres => {
            exec(
                &t,
                &format!(
                    "CREATE FUNCTION stop_here() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN IF OLD.id = {p} THEN RAISE EXCEPTION 'stopped'; END IF; RETURN OLD; END $$"
                ),
            )
            .await;
            exec(
                &t,
                "CREATE TRIGGER stop_here BEFORE DELETE ON persons FOR EACH ROW EXECUTE FUNCTION stop_here()",
            )
            .await
        }
    }
    let r = run(&t).await;
    assert_eq!(r.failed, 1, "{r:?}");
    assert!(exists(&t, "cases", a).await && exists(&t, "persons", p).await);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM contacts WHERE case_id = {a}"
        ))
        .await,
        contacts,
        "the contacts deleted before the stop are back"
    );
    assert_eq!(
        t.count("retained_facts").await,
        1,
        "only b's facts were kept"
    );
    assert!(!exists(&t, "cases", b).await);
    match t.db.backend() {
        Backend::Sqlite => exec(&t, "DROP TRIGGER stop_here").await,
        Backend::Postgres => exec(&t, "DROP TRIGGER stop_here ON persons").await,
    }
    let r = run(&t).await;
    assert_eq!((r.cases_erased, r.failed), (1, 0));
    assert!(!exists(&t, "cases", a).await && !exists(&t, "persons", p).await);
}

/// Erasure means erasure: after the run, no file in the data directory (database, WAL, anything
/// else) holds the erased person's name, phone number or a contact note's words.
#[tokio::test]
async fn nothing_of_an_erased_person_is_left_in_the_files() {
    let t = with_clients().await;
    let Some(file) = t.sqlite_file() else {
        return; // PostgreSQL: the tables are vacuumed (see decision 0022).
    };
    let (p, a) = single(&t, "caritas.im").await;
    let canary = [
        "Qzxwvunamecanary",
        "+49 170 9988776655",
        "Kjvbprtenotecanary",
    ];
    exec(
        &t,
        &format!(
            "UPDATE persons SET given_name = '{}', phone = '{}', email = 'kjvb@example.org' WHERE id = {p}",
            canary[0], canary[1]
        ),
    )
    .await;
    exec(
        &t,
        &format!(
            "UPDATE persons SET address = 'Musterweg 1, {}' WHERE id = {p}",
            canary[2]
        ),
    )
    .await;
    close(&t, a, "2026-03-02").await;
    let dir = file.parent().unwrap().to_path_buf();
    let found = |needle: &str| files_holding(&dir, needle);
    for c in canary {
        assert!(!found(c).is_empty(), "{c} is written before the run");
    }
    run(&t).await;
    for c in canary {
        assert_eq!(found(c), Vec::<String>::new(), "{c} left after the erasure");
    }
}

/// The files of the data directory `dir` (database, WAL, anything else) that hold `needle`.
pub(crate) fn files_holding(dir: &std::path::Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).ok()?;
            bytes
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
                .then(|| path.display().to_string())
        })
        .collect()
}

/// IMs and team leads see what is due and place holds; a held case stays until the hold ends;
/// colleagues elsewhere and administrators cannot; the data-protection officer sees every hold.
#[tokio::test]
async fn a_hold_keeps_a_case_until_it_ends_and_only_the_right_people_place_it() {
    let t = with_clients().await;
    let (_, a) = single(&t, "caritas.im").await;
    close(&t, a, "2026-05-01").await; // due 2026-11-01: overdue
    let number =
        t.db.reader()
            .query_one_raw(ankommen_store::sea_orm::Statement::from_string(
                t.db.reader().get_database_backend(),
                format!("SELECT case_number FROM cases WHERE id = {a}"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<String>("", "case_number")
            .unwrap();

    let mut im = t.login("caritas.im").await;
    let page = im.get("/retention").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&number);
    page.assert_contains("01.11.2026");
    // Bad input: a clear error, what was typed kept, nothing stored.
    let hold = format!("/retention/cases/{a}/hold");
    let r = im
        .post(&hold, &[("hold_reason", ""), ("hold_until", "2027-02-01")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ausfüllen.");
    r.assert_contains("value=\"2027-02-01\"");
    let r = im
        .post(
            &hold,
            &[
                ("hold_reason", "Klage beim Sozialgericht"),
                ("hold_until", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("höchstens fünf Jahre voraus");
    r.assert_contains("Klage beim Sozialgericht");
    assert_eq!(t.count("retention_holds").await, 0);

    // Insiders elsewhere: a colleague of another organisation, the administrator.
    for who in ["awo.im1", "admin", "awo.leitung"] {
        let mut c = t.login(who).await;
        let r = c
            .post(&hold, &[("hold_reason", "x"), ("hold_until", "2027-02-01")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
    }
    assert_eq!(t.count("retention_holds").await, 0);
    assert!(
        t.audit_has("retention_hold_placed", "denied", Some(t.id("awo.im1")))
            .await
    );

    // A hold placed and lifted again stops nothing.
    let (_, b) = single(&t, "awo.im1").await;
    close(&t, b, "2026-05-01").await;
    let mut awo = t.login("awo.im1").await;
    let r = awo
        .post(
            &format!("/retention/cases/{b}/hold"),
            &[
                ("hold_reason", "Rückfrage Jobcenter"),
                ("hold_until", "2026-12-24"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let hold_b = t
        .scalar(&format!(
            "SELECT id AS n FROM retention_holds WHERE case_id = {b}"
        ))
        .await;
    let page = awo.get("/retention").await;
    page.assert_contains("Gesperrt bis 24.12.2026: Rückfrage Jobcenter");
    let lift = format!("/retention/cases/{b}/holds/{hold_b}/lift");
    assert_eq!(im.post(&lift, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(awo.post(&lift, &[]).await.status, StatusCode::SEE_OTHER);
    assert!(
        t.audit_has("retention_hold_lifted", "allowed", Some(t.id("awo.im1")))
            .await
    );

    // The team lead of the IM's team may.
    let mut lead = t.login("caritas.leitung").await;
    let r = lead
        .post(
            &hold,
            &[
                ("hold_reason", "Klage beim Sozialgericht"),
                ("hold_until", "2027-02-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    run(&t).await;
    assert!(exists(&t, "cases", a).await, "held");
    assert!(
        !exists(&t, "cases", b).await,
        "the lifted hold stops nothing"
    );
    let page = im.get(&format!("/cases/{a}")).await;
    page.assert_contains("Löschsperre bis 01.02.2027: Klage beim Sozialgericht");
    page.assert_contains("werden am 01.11.2026 gelöscht");

    let mut dpo = t.login("datenschutz").await;
    let page = dpo.get("/privacy/holds").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Klage beim Sozialgericht");
    page.assert_contains(&number);
    let r = im.get("/privacy/holds").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The day after the hold ends, the case goes.
    t.clock.advance(chrono::Duration::days(73));
    run(&t).await;
    assert!(!exists(&t, "cases", a).await);
}

/// The administrator sets the schedule; bad values are refused with the typed values kept; others
/// cannot see or change it.
#[tokio::test]
async fn the_administrator_sets_the_schedule() {
    let t = TestApp::new().await;
    let mut admin = t.login("admin").await;
    let page = admin.get("/admin/retention").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("value=\"6\"");
    let fields = |closed: &'static str| {
        [
            ("retention_closed_case_months", closed),
            ("retention_unconsented_months", "3"),
            ("retention_withdrawn_months", "1"),
            ("retention_audit_months", "36"),
            ("retention_statistics_months", "24"),
        ]
    };
    let r = admin.post("/admin/retention", &fields("0")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte eine ganze Zahl im angegebenen Bereich.");
    r.assert_contains("value=\"36\"");
    let r = admin.post("/admin/retention", &fields("4")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let s = retention::Schedule::load(t.db.reader()).await.unwrap();
    assert_eq!((s.closed_case_months, s.audit_months), (4, 36));
    assert!(
        t.audit_has("retention_schedule_changed", "allowed", Some(t.id("admin")))
            .await
    );

    let mut im = t.login("caritas.im").await;
    assert_eq!(
        im.get("/admin/retention").await.status,
        StatusCode::FORBIDDEN
    );
    let r = im.post("/admin/retention", &fields("1")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        retention::Schedule::load(t.db.reader())
            .await
            .unwrap()
            .closed_case_months,
        4
    );
}
