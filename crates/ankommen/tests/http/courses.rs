//! HTTP tests of language-course registrations and network meetings (issue 23, decision 0032):
//! a registration from a case to a recorded German level, bad input, the access matrix of every
//! new route, the coordinator's waiting list under disclosure control and releases, the Art. 15
//! export, erasure and merge lists, and network meetings (who plans, who sees, agenda questions).

use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;

use crate::fixtures::{self, Client as Person};
use crate::network::{county_service, release};
use crate::support::{Client, Resp, TestApp};

const OFFICE: &str = "Sprachkurs-Koordinierungsstelle Neckartal";

fn today(t: &TestApp) -> String {
    use ankommen_core::Clock;
    t.clock.now().date_naive().to_string()
}

async fn office(t: &TestApp) -> i64 {
    county_service(t, OFFICE, "language_course", &[]).await
}

async fn register(c: &mut Client, case_id: i64, fields: &[(&str, &str)]) -> Resp {
    c.get(&format!("/cases/{case_id}/courses/new")).await;
    c.post(&format!("/cases/{case_id}/courses/new"), fields)
        .await
}

/// Registers the person of `p` with the office for an integration course (as awo.im1). Returns
/// the registration's id.
async fn registered(t: &TestApp, im: &mut Client, p: &Person, service: i64) -> i64 {
    let (s, pid, day) = (service.to_string(), p.person_id.to_string(), today(t));
    let r = register(
        im,
        p.case_id,
        &[
            ("person", pid.as_str()),
            ("service", s.as_str()),
            ("date", day.as_str()),
            ("course_type", "integration"),
            ("level", "B1"),
            ("wish", "Abendkurs"),
            ("childcare", "yes"),
            ("times", "nachmittags"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/cases/{}#courses", p.case_id));
    t.scalar("SELECT MAX(id) AS n FROM course_registrations")
        .await
}

async fn set_status(
    c: &mut Client,
    id: i64,
    case_id: i64,
    version: &str,
    fields: &[(&str, &str)],
) -> Resp {
    let case = case_id.to_string();
    let mut f = vec![("version", version), ("case", case.as_str())];
    f.extend_from_slice(fields);
    c.post(&format!("/courses/{id}/status"), &f).await
}

#[tokio::test]
async fn a_course_registration_goes_from_registered_to_a_recorded_german_level() {
    let t = TestApp::new().await;
    let vhs = office(&t).await;
    // A Jobcenter is no place to register for a course: not offered.
    county_service(&t, "Jobcenter Neckartal", "jobcenter", &[]).await;
    let p = fixtures::register_with_canary(&t, "awo.im1", "Kurs").await;
    let mut im = t.login("awo.im1").await;
    let form = im.get(&format!("/cases/{}/courses/new", p.case_id)).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains(OFFICE);
    form.assert_contains("Integrationskurs");
    form.assert_contains("Berufssprachkurs");
    assert!(!form.body.contains("Jobcenter Neckartal"));
    let id = registered(&t, &mut im, &p, vhs).await;
    assert!(
        t.audit_of(p.person_id, p.case_id)
            .await
            .iter()
            .any(|(a, who)| a == "course_registered" && *who == Some(t.id("awo.im1")))
    );
    let page = im.get(&format!("/cases/{}", p.case_id)).await;
    page.assert_contains("id=\"course-list\"");
    page.assert_contains("Integrationskurs (Angestrebtes Niveau: B1)");
    page.assert_contains("Abendkurs");
    page.assert_contains("Kinderbetreuung nötig");
    page.assert_contains("<strong>angemeldet</strong>");

    let day = today(&t);
    let r = set_status(
        &mut im,
        id,
        p.case_id,
        "1",
        &[("status", "waiting"), ("on", day.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = set_status(
        &mut im,
        id,
        p.case_id,
        "2",
        &[("status", "started"), ("on", day.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Finished with a B1 certificate: the German level is recorded in the same step.
    let r = set_status(
        &mut im,
        id,
        p.case_id,
        "3",
        &[
            ("status", "finished"),
            ("on", day.as_str()),
            ("level_achieved", "B1"),
            ("record_outcome", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM outcomes WHERE person_id = {} AND outcome_type = 'german_level' \
             AND level = 'B1' AND certificate = true AND course = 'integration'",
            p.person_id
        ))
        .await,
        1
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM course_registrations WHERE id = {id} AND status = 'finished' \
             AND waiting_on IS NOT NULL AND started_on IS NOT NULL AND finished_on IS NOT NULL \
             AND level_achieved = 'B1'"
        ))
        .await,
        1
    );
    let audit = t.audit_of(p.person_id, p.case_id).await;
    assert!(audit.iter().any(|(a, _)| a == "course_status_changed"));
    assert!(audit.iter().any(|(a, _)| a == "outcome_recorded"));
    let page = im.get(&format!("/cases/{}", p.case_id)).await;
    page.assert_contains("<strong>abgeschlossen</strong> – Zertifikat (erreichtes Niveau): B1");
    let outcomes = im.get(&format!("/clients/{}/outcomes", p.person_id)).await;
    outcomes.assert_contains("B1");
    // The timeline shows each status reached.
    let tl = im.get(&format!("/cases/{}/timeline", p.case_id)).await;
    assert_eq!(tl.status, StatusCode::OK);
    tl.assert_contains("Sprachkurs: angemeldet");
    tl.assert_contains("Sprachkurs: abgeschlossen");
    let tl = im
        .get(&format!("/cases/{}/timeline?show=course", p.case_id))
        .await;
    assert_eq!(tl.status, StatusCode::OK);
    tl.assert_contains("Sprachkurs: begonnen");
    // The entry registered with can no longer be deleted (it is marked inactive instead).
    let mut k = t.login("koordination").await;
    k.get(&format!("/services/{vhs}")).await;
    let r = k.post(&format!("/services/{vhs}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}

#[tokio::test]
async fn bad_course_input_is_said_next_to_its_field_and_what_was_typed_is_kept() {
    let t = TestApp::new().await;
    let vhs = office(&t).await;
    let p = fixtures::register_with_canary(&t, "awo.im1", "Bad").await;
    let mut im = t.login("awo.im1").await;
    let r = register(
        &mut im,
        p.case_id,
        &[
            ("person", "999999"),
            ("service", "abc"),
            ("date", "2099-01-01"),
            ("course_type", "zauberkurs"),
            ("level", "none"),
            ("wish", "getippt-bleibt"),
            ("childcare", "vielleicht"),
            ("times", "montags"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte wählen Sie einen Eintrag aus der Liste.");
    r.assert_contains("getippt-bleibt");
    r.assert_contains("value=\"montags\"");
    r.assert_contains("value=\"2099-01-01\"");
    assert_eq!(t.count("course_registrations").await, 0);

    let id = registered(&t, &mut im, &p, vhs).await;
    // A certificate for a course not finished, an outcome without a level, a future day.
    let r = set_status(
        &mut im,
        id,
        p.case_id,
        "1",
        &[
            ("status", "started"),
            ("on", "2099-01-01"),
            ("level_achieved", "B2"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"course-status-error\"");
    r.assert_contains("Ein Zertifikat gibt es nur zu einem abgeschlossenen Kurs.");
    r.assert_contains("value=\"2099-01-01\"");
    let r = set_status(
        &mut im,
        id,
        p.case_id,
        "1",
        &[
            ("status", "finished"),
            ("on", today(&t).as_str()),
            ("record_outcome", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("das Niveau des Zertifikats wählen");
    // A stale form changes nothing.
    let r = set_status(
        &mut im,
        id,
        p.case_id,
        "7",
        &[("status", "waiting"), ("on", today(&t).as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM course_registrations WHERE id = {id} AND status = 'registered' \
             AND version = 1"
        ))
        .await,
        1
    );
    assert_eq!(t.count("outcomes").await, 0);
}

#[tokio::test]
async fn nobody_but_the_im_holding_the_case_registers_or_changes_a_course() {
    let t = TestApp::new().await;
    let vhs = office(&t).await;
    let p = fixtures::register_with_canary(&t, "awo.im1", "Acc").await;
    let mut im = t.login("awo.im1").await;
    let id = registered(&t, &mut im, &p, vhs).await;
    let (s, pid, day) = (vhs.to_string(), p.person_id.to_string(), today(&t));
    let fields = [
        ("person", pid.as_str()),
        ("service", s.as_str()),
        ("date", day.as_str()),
        ("course_type", "literacy"),
        ("level", "A1"),
    ];
    let status = [
        ("version", "1"),
        ("status", "dropped"),
        ("on", day.as_str()),
    ];
    for user in [
        "awo.im2",
        "awo.leitung",
        "caritas.im",
        "caritas.leitung",
        "admin",
        "koordination",
        "datenschutz",
    ] {
        let mut b = t.login(user).await;
        b.get("/").await;
        let g = b.get(&format!("/cases/{}/courses/new", p.case_id)).await;
        assert_eq!(g.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!g.body.contains("CanaryAcc"), "{user}");
        let r = b
            .post(&format!("/cases/{}/courses/new", p.case_id), &fields)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = b.post(&format!("/courses/{id}/status"), &status).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!r.body.contains("CanaryAcc"), "{user}");
    }
    assert!(
        t.audit_has("course_registered", "denied", Some(t.id("caritas.im")))
            .await
    );
    assert!(
        t.audit_has("course_status_changed", "denied", Some(t.id("awo.im2")))
            .await
    );
    // A malformed or missing id answers like a missing one.
    let r = im.post("/courses/abc/status", &status).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = im.post("/courses/999999/status", &status).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A moved employee keeps nothing of the old organisation's cases.
    let caritas = t
        .scalar("SELECT id AS n FROM organisations WHERE name = 'Caritas Neckartal'")
        .await;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET organisation_id = {caritas}, team_id = NULL WHERE id = {}",
            t.id("awo.im1")
        ))
        .await
        .unwrap();
    let mut moved = t.login("awo.im1").await;
    moved.get("/").await;
    let r = moved
        .post(&format!("/cases/{}/courses/new", p.case_id), &fields)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = moved.post(&format!("/courses/{id}/status"), &status).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Deactivated: no session any more.
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET active = false WHERE id = {}",
            t.id("awo.im1")
        ))
        .await
        .unwrap();
    let r = moved.post(&format!("/courses/{id}/status"), &status).await;
    assert!(
        r.status != StatusCode::SEE_OTHER || r.location() == "/login",
        "{:?}",
        r.status
    );
    assert_eq!(t.count("course_registrations").await, 1);
    assert_eq!(
        t.scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM course_registrations WHERE id = {id}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn the_waiting_list_counts_under_disclosure_control_and_names_only_under_a_release() {
    let t = TestApp::new().await;
    let vhs = office(&t).await;
    let p = fixtures::register_with_canary(&t, "awo.im1", "Wait").await;
    let q = fixtures::register_with_canary(&t, "awo.im1", "Other").await;
    let mut im = t.login("awo.im1").await;
    registered(&t, &mut im, &p, vhs).await;
    registered(&t, &mut im, &q, vhs).await;

    let mut k = t.login("koordination").await;
    let w = k.get("/courses/waiting").await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    w.assert_contains("id=\"course-waiting\"");
    // Two persons: a small cell.
    w.assert_contains("<td>&#60; 5</td>");
    assert!(!w.body.contains("CanaryWait"));
    assert!(!w.body.contains("CanaryOther"));
    w.assert_contains("Keine Person hat eine Entbindung");

    // A release for the office covering the identity: that person (only) is named.
    let from = today(&t);
    release(
        &mut im,
        p.person_id,
        OFFICE,
        &["identity"],
        &from,
        "2099-12-31",
    )
    .await;
    let w = k.get("/courses/waiting").await;
    w.assert_contains("CanaryWait");
    assert!(!w.body.contains("CanaryOther"));
    // The person named is audited; the other is not.
    assert!(
        t.audit_of(p.person_id, p.case_id)
            .await
            .iter()
            .any(|(a, who)| a == "course_waiting_list_viewed" && *who == Some(t.id("koordination")))
    );
    assert!(
        !t.audit_of(q.person_id, q.case_id)
            .await
            .iter()
            .any(|(a, _)| a == "course_waiting_list_viewed")
    );
    // A release for another recipient does not name anybody.
    release(
        &mut im,
        q.person_id,
        "Jobcenter Neckartal",
        &["identity"],
        &from,
        "2099-12-31",
    )
    .await;
    assert!(!k.get("/courses/waiting").await.body.contains("CanaryOther"));

    // Nobody else sees the list.
    for user in [
        "awo.im1",
        "awo.leitung",
        "caritas.leitung",
        "admin",
        "awo.admin",
        "datenschutz",
        "talheim.beauftragte",
    ] {
        let mut b = t.login(user).await;
        let r = b.get("/courses/waiting").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.body.contains("CanaryWait"), "{user}");
    }
    assert!(
        t.audit_has("course_waiting_list_viewed", "denied", Some(t.id("admin")))
            .await
    );
}

#[tokio::test]
async fn a_registration_is_in_the_art_15_export_and_is_erased_and_merged_with_its_person() {
    use ankommen_core::casework::{duplicates, retention, subject_access};
    assert!(subject_access::TABLES.contains(&"course_registrations"));
    assert!(retention::ERASED.contains(&"course_registrations"));
    assert!(
        duplicates::PERSON_COLUMNS
            .iter()
            .any(|(t, c, _)| *t == "course_registrations" && *c == "person_id")
    );
    let t = TestApp::new().await;
    let vhs = office(&t).await;
    let p = fixtures::register_with_canary(&t, "awo.im1", "Export").await;
    let mut im = t.login("awo.im1").await;
    let id = registered(&t, &mut im, &p, vhs).await;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE course_registrations SET wish = 'CANARY-course-wish' WHERE id = {id}"
        ))
        .await
        .unwrap();
    let ctx = t.ctx_of("datenschutz").await;
    let export = subject_access::export(
        &t.db,
        &ctx,
        &t.sealer(),
        p.person_id,
        "Auskunftsersuchen nach Art. 15",
    )
    .await
    .unwrap();
    let rows = export.of("course_registrations");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["wish"], "CANARY-course-wish");
}

// ---------------------------------------------------------------------------------------------
// Network meetings

async fn plan(k: &mut Client, fields: &[(&str, &str)]) -> Resp {
    k.get("/meetings/new").await;
    k.post("/meetings/new", fields).await
}

fn meeting_id(r: &Resp) -> i64 {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .trim_start_matches("/meetings/")
        .parse()
        .unwrap_or_else(|_| panic!("no id in {}", r.location()))
}

#[tokio::test]
async fn the_coordinator_plans_a_meeting_and_the_invited_see_it_and_ask_questions() {
    let t = TestApp::new().await;
    let vhs = office(&t).await;
    let (v, im1) = (vhs.to_string(), t.id("awo.im1").to_string());
    let mut k = t.login("koordination").await;
    let form = k.get("/meetings/new").await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("keine Klientendaten");
    form.assert_contains("Ahmad Karimi");
    form.assert_contains(OFFICE);
    let id = meeting_id(
        &plan(
            &mut k,
            &[
                ("date", "2099-03-10"),
                ("time", "14:00"),
                ("place", "Landratsamt, Saal 2"),
                ("topic", "Wartezeiten Integrationskurse"),
                ("guests", v.as_str()),
                ("invitees", im1.as_str()),
            ],
        )
        .await,
    );
    assert!(
        t.audit_has("meeting_planned", "allowed", Some(t.id("koordination")))
            .await
    );
    // The invited IM: on the start page, the meeting's page, a question for the agenda.
    let mut im = t.login("awo.im1").await;
    let home = im.get("/").await;
    home.assert_contains("Nächste Netzwerktreffen");
    home.assert_contains("Wartezeiten Integrationskurse");
    let page = im.get(&format!("/meetings/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(OFFICE);
    page.assert_contains("Landratsamt, Saal 2");
    let r = im
        .post(
            &format!("/meetings/{id}/questions"),
            &[("question", "Gibt es Kurse mit Kinderbetreuung?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im
        .post(&format!("/meetings/{id}/questions"), &[("question", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The IM does not plan.
    let r = im.get(&format!("/meetings/{id}/edit")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = im.get("/meetings/new").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The coordinator sees the question with its author, and adds the minutes.
    let page = k.get(&format!("/meetings/{id}")).await;
    page.assert_contains("Gibt es Kurse mit Kinderbetreuung?");
    page.assert_contains("Ahmad Karimi");
    let edit = k.get(&format!("/meetings/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let r = k
        .post(
            &format!("/meetings/{id}/edit"),
            &[
                ("version", "1"),
                ("date", "2099-03-10"),
                ("time", "14:00"),
                ("place", "Landratsamt, Saal 2"),
                ("topic", "Wartezeiten Integrationskurse"),
                ("invitees", im1.as_str()),
                ("minutes", "Die VHS plant zwei weitere Kurse."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    im.get(&format!("/meetings/{id}"))
        .await
        .assert_contains("Die VHS plant zwei weitere Kurse.");
    assert!(
        t.audit_has("meeting_updated", "allowed", Some(t.id("koordination")))
            .await
    );

    // Not invited: like a missing meeting, and not on the start page.
    for user in [
        "awo.im2",
        "awo.leitung",
        "caritas.im",
        "admin",
        "datenschutz",
    ] {
        let mut b = t.login(user).await;
        let home = b.get("/").await;
        assert!(!home.body.contains("Wartezeiten"), "{user}");
        let r = b.get(&format!("/meetings/{id}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = b
            .post(&format!("/meetings/{id}/questions"), &[("question", "x")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = b
            .post(
                &format!("/meetings/{id}/edit"),
                &[("version", "2"), ("topic", "gekapert")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
    }
    // Roles without meetings have no list.
    for user in ["caritas.leitung", "admin", "datenschutz"] {
        let mut b = t.login(user).await;
        assert_eq!(
            b.get("/meetings").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    assert!(
        t.audit_has("meeting_viewed", "denied", Some(t.id("awo.im2")))
            .await
    );
    assert_eq!(t.count("meeting_questions").await, 1);

    // "All IMs": every IM sees it, the pure team lead does not.
    let all = meeting_id(
        &plan(
            &mut k,
            &[
                ("date", "2099-04-01"),
                ("time", "09:30"),
                ("place", "Rathaus"),
                ("topic", "Alle zusammen"),
                ("all_ims", "yes"),
            ],
        )
        .await,
    );
    let mut im2 = t.login("awo.im2").await;
    im2.get("/").await.assert_contains("Alle zusammen");
    assert_eq!(
        im2.get(&format!("/meetings/{all}")).await.status,
        StatusCode::OK
    );
    let mut lead = t.login("caritas.leitung").await;
    assert_eq!(
        lead.get(&format!("/meetings/{all}")).await.status,
        StatusCode::NOT_FOUND
    );
    // A deactivated invitee has no session any more.
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET active = false WHERE id = {}",
            t.id("awo.im2")
        ))
        .await
        .unwrap();
    let r = im2
        .post(&format!("/meetings/{all}/questions"), &[("question", "x")])
        .await;
    assert!(
        r.status != StatusCode::SEE_OTHER || r.location() == "/login",
        "{:?}",
        r.status
    );
    assert_eq!(t.count("meeting_questions").await, 1);
}

#[tokio::test]
async fn bad_meeting_input_is_said_next_to_its_field_and_what_was_typed_is_kept() {
    let t = TestApp::new().await;
    let mut k = t.login("koordination").await;
    let r = plan(
        &mut k,
        &[
            ("date", "31.02.2099"),
            ("time", "25:61"),
            ("place", ""),
            ("topic", "Thema-bleibt"),
            ("guests", "999999"),
            ("invitees", "abc"),
            ("minutes", "Protokoll-bleibt"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"Thema-bleibt\"");
    r.assert_contains("Protokoll-bleibt");
    r.assert_contains("Bitte wählen Sie einen Eintrag aus der Liste.");
    let r = plan(
        &mut k,
        &[
            ("date", "2099-03-10"),
            ("time", "10:00"),
            ("place", "Rathaus"),
            ("topic", "Niemand eingeladen"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("mindestens eine Person wählen");
    assert_eq!(t.count("meetings").await, 0);
}

#[tokio::test]
async fn a_merge_of_duplicate_persons_keeps_the_registration_with_the_survivor() {
    use ankommen_core::casework::duplicates::{self, MergeInput};
    let t = TestApp::new().await;
    let vhs = office(&t).await;
    let s = fixtures::register_named(&t, "awo.im1", "Mohammad", "Karimi", None, "1990").await;
    let x = fixtures::register_named(&t, "awo.im1", "Mohammad", "Karimi", None, "12.05.1990").await;
    let mut im = t.login("awo.im1").await;
    let id = registered(&t, &mut im, &x, vhs).await;
    let ctx = t.ctx_of("awo.im1").await;
    duplicates::merge(
        &t.db,
        &ctx,
        &t.sealer(),
        MergeInput {
            survivor: s.person_id,
            survivor_version: 1,
            absorbed: x.person_id,
            absorbed_version: 1,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        t.scalar(&format!(
            "SELECT person_id AS n FROM course_registrations WHERE id = {id}"
        ))
        .await,
        s.person_id
    );
}
