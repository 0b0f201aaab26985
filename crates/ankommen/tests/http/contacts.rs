//! HTTP tests: counselling contacts (household contacts, interpreter, follow-up in the same save,
//! bad input, stale edits, closed and paused cases, the sealed note), follow-ups (set, moved, done),
//! the case timeline (all kinds in order, filters, pages), outcomes (every type, validation, the
//! client page, corrections, closure snapshots) and the access matrix of every new route.

use ankommen_core::kernel::sealed::{
    self, CASE_EVENT_REASON, CONTACT_NOTE, REVIEW_CHANGES, REVIEW_SUMMARY,
};
use ankommen_core::kernel::sealing::Sealer;
use ankommen_core::records::releases::{self, ReleaseForm, ReleaseInput};
use ankommen_store::Opened;
use ankommen_store::sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement,
};
use axum::http::StatusCode;
use chrono::Duration;

use crate::fixtures::{self, Client};
use crate::support::{Client as Browser, TEST_ENCRYPTION_KEY, TestApp};

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

async fn exec(t: &TestApp, sql: &str) {
    t.db.writer().execute_unprepared(sql).await.unwrap();
}

/// A client with consent (awo.im1) and a second household member in the same case.
async fn household(t: &TestApp) -> (Client, i64) {
    let c = fixtures::register_with_canary(t, "awo.im1", "Haus").await;
    let mut im = t.login("awo.im1").await;
    im.get(&format!("/clients/{}/members/new", c.person_id))
        .await;
    let join = format!("join:{}", c.case_id);
    let r = im
        .post(
            &format!("/clients/{}/members", c.person_id),
            &[
                ("given_name", "Lina"),
                ("family_name", "Haus"),
                ("birth", "1995"),
                ("relation", "partner"),
                ("case_mode", join.as_str()),
                ("municipality", "08990002"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let member = int(
        t,
        "SELECT CAST(id AS BIGINT) AS n FROM persons WHERE given_name = 'Lina'",
    )
    .await;
    (c, member)
}

/// Today on the app's clock (the tests' times are mornings, the same day in Berlin).
fn today(t: &TestApp) -> String {
    use ankommen_core::Clock;
    t.clock.now().date_naive().to_string()
}

/// The sealed note of the only contact.
async fn note_blob(t: &TestApp) -> Vec<u8> {
    let db = t.db.reader();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT note_sealed AS v FROM contacts",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<Option<Vec<u8>>>("", "v").unwrap().unwrap()
}

/// Posts a contact for a case with the given persons; other fields as a quick office appointment.
async fn post_contact(
    b: &mut Browser,
    case_id: i64,
    date: &str,
    persons: &[i64],
    extra: &[(&str, &str)],
) -> crate::support::Resp {
    b.get(&format!("/cases/{case_id}/contacts/new")).await;
    let ids: Vec<String> = persons.iter().map(|p| p.to_string()).collect();
    let mut fields: Vec<(&str, &str)> = vec![("date", date)];
    for id in &ids {
        fields.push(("persons", id.as_str()));
    }
    if !extra.iter().any(|(k, _)| *k == "kind") {
        fields.push(("kind", "office_appointment"));
    }
    fields.extend_from_slice(extra);
    b.post(&format!("/cases/{case_id}/contacts/new"), &fields)
        .await
}

// ---------------------------------------------------------------------------------------------
// Contacts

#[tokio::test]
async fn a_home_visit_with_an_interpreter_for_two_household_members_is_one_contact_with_a_follow_up()
 {
    let t = TestApp::new().await;
    let (c, member) = household(&t).await;
    let mut im = t.login("awo.im1").await;

    let form = im.get(&format!("/cases/{}/contacts/new", c.case_id)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    // Today by default, and every person of the case ticked.
    form.assert_contains(&format!("name=\"date\" value=\"{}\"", today(&t)));
    form.assert_contains(&format!(
        "name=\"persons\" value=\"{}\" checked",
        c.person_id
    ));
    form.assert_contains(&format!("name=\"persons\" value=\"{member}\" checked"));
    form.assert_contains("Lina Haus");
    form.assert_contains("Wohnen");

    let (p1, p2) = (c.person_id.to_string(), member.to_string());
    let r = im
        .post(
            &format!("/cases/{}/contacts/new", c.case_id),
            &[
                ("date", &today(&t)),
                ("minutes", "45"),
                ("kind", "home_visit"),
                ("topics", "housing"),
                ("topics", "language"),
                ("interpreter_language", "ar"),
                ("interpreter_type", "professional"),
                ("persons", &p1),
                ("persons", &p2),
                ("note", "SECRET-NOTE Vermieter droht mit Kündigung"),
                ("followup_on", "2026-12-01"),
                ("followup_reason", "Rückruf beim Vermieter"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/cases/{}", c.case_id));
    assert!(!r.location().contains("SECRET"));

    assert_eq!(t.count("contacts").await, 1);
    assert_eq!(t.count("contact_persons").await, 2);
    assert_eq!(t.count("followups").await, 1);
    let contact_id = int(&t, "SELECT CAST(id AS BIGINT) AS n FROM contacts").await;
    assert_eq!(
        int(&t, "SELECT CAST(contact_id AS BIGINT) AS n FROM followups").await,
        contact_id
    );
    assert_eq!(
        text(&t, "SELECT topics AS v FROM contacts")
            .await
            .as_deref(),
        Some("housing,language")
    );
    assert_eq!(
        text(&t, "SELECT interpreter_type AS v FROM contacts")
            .await
            .as_deref(),
        Some("professional")
    );

    // The note is sealed at rest: the raw column holds no clear text, and opens only for its row
    // and its version.
    let blob = note_blob(&t).await;
    assert!(!String::from_utf8_lossy(&blob).contains("SECRET"));
    let sealer = Sealer::from_key(TEST_ENCRYPTION_KEY);
    assert_eq!(
        sealed::open(&sealer, CONTACT_NOTE.at_version(contact_id, 1), &blob),
        Opened::Text("SECRET-NOTE Vermieter droht mit Kündigung".into())
    );
    for other in [
        CONTACT_NOTE.at_version(contact_id + 1, 1),
        CONTACT_NOTE.at_version(contact_id, 2),
    ] {
        assert_eq!(sealed::open(&sealer, other, &blob), Opened::Unreadable);
    }

    // The case page lists the follow-up and links to the timeline; the timeline shows the contact.
    let page = im.get(&format!("/cases/{}", c.case_id)).await;
    page.assert_contains("Rückruf beim Vermieter");
    page.assert_contains("01.12.2026");
    page.assert_contains(&format!("href=\"/cases/{}/timeline\"", c.case_id));
    let tl = im.get(&format!("/cases/{}/timeline", c.case_id)).await;
    assert_eq!(tl.status, StatusCode::OK, "{}", tl.body);
    tl.assert_contains("Hausbesuch (45 Min.)");
    tl.assert_contains("Dolmetschung: Arabisch (professionell)");
    tl.assert_contains("Themen (Handlungsfelder): Wohnen, Sprache");
    tl.assert_contains("Lina Haus");
    tl.assert_contains("SECRET-NOTE Vermieter droht mit Kündigung");
    tl.assert_contains("Wiedervorlage für 01.12.2026 gesetzt");
    assert!(
        t.audit_has("contact_recorded", "allowed", Some(t.id("awo.im1")))
            .await
    );
    assert!(
        t.audit_has("followup_created", "allowed", Some(t.id("awo.im1")))
            .await
    );
    assert!(
        t.audit_has("timeline_viewed", "allowed", Some(t.id("awo.im1")))
            .await
    );
}

#[tokio::test]
async fn bad_contact_input_gets_field_errors_and_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let (c, _) = household(&t).await;
    let mut im = t.login("awo.im1").await;
    let path = format!("/cases/{}/contacts/new", c.case_id);
    im.get(&path).await;
    let r = im
        .post(
            &path,
            &[
                ("date", "2026-11-22"),
                ("minutes", "0"),
                ("kind", "phone"),
                ("interpreter_language", "ar"),
                ("note", "TYPED-NOTE bitte behalten"),
                ("followup_on", "2026-11-01"),
                ("followup_reason", "Termin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Das Datum darf nicht in der Zukunft liegen.");
    r.assert_contains("Die Dauer ist eine ganze Zahl von 1 bis 600 Minuten.");
    r.assert_contains("Bitte angeben, wer gedolmetscht hat.");
    r.assert_contains("Bitte mindestens eine beteiligte Person wählen.");
    r.assert_contains("Eine Wiedervorlage kann nicht in der Vergangenheit liegen.");
    r.assert_contains("TYPED-NOTE bitte behalten");
    // The summary names each field by its label (a check box group by its legend).
    r.assert_contains(">Datum: Das Datum darf nicht in der Zukunft liegen.</a>");
    r.assert_contains(
        ">Dauer in Minuten: Die Dauer ist eine ganze Zahl von 1 bis 600 Minuten.</a>",
    );
    r.assert_contains(">Beteiligte: Bitte mindestens eine beteiligte Person wählen.</a>");
    r.assert_contains("value=\"2026-11-22\"");
    r.assert_contains("<option value=\"phone\" selected>");
    // Nothing personal in the answer's address, and nothing stored.
    assert_eq!(t.count("contacts").await, 0);
    assert_eq!(t.count("followups").await, 0);

    // A day before the case was opened, and a type without a language.
    let p = c.person_id.to_string();
    let r = im
        .post(
            &path,
            &[
                ("date", "2026-11-20"),
                ("kind", "phone"),
                ("interpreter_type", "volunteer"),
                ("persons", &p),
                ("note", "TYPED-NOTE zwei"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Datum liegt vor der Eröffnung des Falls.");
    r.assert_contains("Bitte die Sprache der Dolmetschung angeben.");
    r.assert_contains("TYPED-NOTE zwei");
    r.assert_contains(&format!("name=\"persons\" value=\"{p}\" checked"));
    assert_eq!(t.count("contacts").await, 0);
}

#[tokio::test]
async fn editing_a_contact_checks_the_version_and_reseals_the_note() {
    let t = TestApp::new().await;
    let (c, member) = household(&t).await;
    let mut im = t.login("awo.im1").await;
    let r = post_contact(
        &mut im,
        c.case_id,
        &today(&t),
        &[c.person_id, member],
        &[("note", "erste Notiz")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = int(&t, "SELECT CAST(id AS BIGINT) AS n FROM contacts").await;

    let form = im.get(&format!("/contacts/{id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("erste Notiz");
    form.assert_contains("name=\"version\" value=\"1\"");
    assert!(t.audit_has("contact_viewed", "allowed", None).await);

    let p1 = c.person_id.to_string();
    let edit = [
        ("version", "1"),
        ("date", "2026-11-21"),
        ("minutes", "20"),
        ("kind", "phone"),
        ("persons", p1.as_str()),
        ("note", "geänderte Notiz"),
    ];
    let r = im.post(&format!("/contacts/{id}"), &edit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("contact_persons").await, 1);
    assert!(!String::from_utf8_lossy(&note_blob(&t).await).contains("geänderte"));
    assert_eq!(
        t.opened_text(&CONTACT_NOTE, id).await.as_deref(),
        Some("geänderte Notiz")
    );
    let tl = im.get(&format!("/cases/{}/timeline", c.case_id)).await;
    tl.assert_contains("Telefon (20 Min.)");
    tl.assert_contains("geänderte Notiz");
    assert!(!tl.body.contains("erste Notiz"));

    // A second save with the version seen before someone else's: refused, what was typed is kept.
    let mut stale = edit;
    stale[5] = ("note", "veraltete Fassung");
    let viewed = |t: &TestApp| {
        let t = t.db.clone();
        async move {
            ankommen_store::entities::audit_event::Entity::find()
                .filter(ankommen_store::entities::audit_event::Column::Action.eq("contact_viewed"))
                .count(t.reader())
                .await
                .unwrap()
        }
    };
    let before = viewed(&t).await;
    let r = im.post(&format!("/contacts/{id}"), &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // The form shown again names the case's persons: that read is on record.
    assert_eq!(viewed(&t).await, before + 1);
    r.assert_contains("Jemand anderes hat diesen Eintrag inzwischen geändert.");
    r.assert_contains("veraltete Fassung");
    assert_eq!(
        int(&t, "SELECT CAST(version AS BIGINT) AS n FROM contacts").await,
        2
    );
}

#[tokio::test]
async fn a_closed_case_takes_no_contacts_and_a_paused_one_does() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Zu").await;
    let other = fixtures::register_with_canary(&t, "awo.im1", "Ruht").await;
    let mut im = t.login("awo.im1").await;
    im.get(&format!("/cases/{}", c.case_id)).await;
    let r = im
        .post(
            &format!("/cases/{}/close", c.case_id),
            &[
                ("version", "1"),
                ("closed_on", &today(&t)),
                ("closure_reason", "goals_reached"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let r = im.get(&format!("/cases/{}/contacts/new", c.case_id)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Der Fall ist abgeschlossen: Es können keine Kontakte mehr erfasst werden.");
    let r = post_contact(&mut im, c.case_id, &today(&t), &[c.person_id], &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Der Fall ist abgeschlossen");
    let r = im
        .post(
            &format!("/cases/{}/followups", c.case_id),
            &[("followup_on", "2026-12-01"), ("followup_reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(t.count("contacts").await, 0);
    assert_eq!(t.count("followups").await, 0);
    // The closed case's page offers no contact form.
    let page = im.get(&format!("/cases/{}", c.case_id)).await;
    assert!(!page.body.contains("/contacts/new"));

    im.get(&format!("/cases/{}", other.case_id)).await;
    let r = im
        .post(
            &format!("/cases/{}/pause", other.case_id),
            &[("version", "1"), ("paused_from", &today(&t))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post_contact(&mut im, other.case_id, &today(&t), &[other.person_id], &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("contacts").await, 1);
}

// ---------------------------------------------------------------------------------------------
// Follow-ups

#[tokio::test]
async fn a_follow_up_is_moved_keeping_its_first_date_then_done() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Wv").await;
    let mut im = t.login("awo.im1").await;
    im.get(&format!("/cases/{}", c.case_id)).await;
    let path = format!("/cases/{}/followups", c.case_id);

    let r = im
        .post(
            &path,
            &[
                ("followup_on", "2026-11-20"),
                ("followup_reason", "Jobcenter anrufen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Eine Wiedervorlage kann nicht in der Vergangenheit liegen.");
    r.assert_contains("Jobcenter anrufen");
    let r = im
        .post(
            &path,
            &[("followup_on", "2026-11-25"), ("followup_reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ausfüllen.");

    let r = im
        .post(
            &path,
            &[
                ("followup_on", "2026-11-25"),
                ("followup_reason", "Jobcenter anrufen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = int(&t, "SELECT CAST(id AS BIGINT) AS n FROM followups").await;
    let fu = |col: &'static str| {
        let t = &t;
        async move {
            text(
                t,
                &format!("SELECT CAST({col} AS TEXT) AS v FROM followups"),
            )
            .await
        }
    };

    let mv = format!("/followups/{id}/move");
    let r = im
        .post(&mv, &[("version", "1"), ("move_to", "2026-12-05")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im
        .post(&mv, &[("version", "2"), ("move_to", "2026-12-10")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(fu("due_on").await.as_deref(), Some("2026-12-10"));
    assert_eq!(fu("first_due_on").await.as_deref(), Some("2026-11-25"));
    // A stale move is refused; a move into the past too.
    let r = im
        .post(&mv, &[("version", "1"), ("move_to", "2026-12-12")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = im
        .post(&mv, &[("version", "3"), ("move_to", "2026-11-01")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Eine Wiedervorlage kann nicht in der Vergangenheit liegen.");
    assert_eq!(fu("due_on").await.as_deref(), Some("2026-12-10"));

    // Three weeks later it is overdue on the case page.
    t.clock.advance(Duration::days(21));
    let mut im = t.login("awo.im1").await;
    let page = im.get(&format!("/cases/{}", c.case_id)).await;
    page.assert_contains("10.12.2026");
    page.assert_contains("ursprünglich 25.11.2026");
    page.assert_contains("überfällig");

    let r = im
        .post(&format!("/followups/{id}/done"), &[("version", "3")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(fu("done_on").await.as_deref(), Some("2026-12-12"));
    let r = im
        .post(&format!("/followups/{id}/done"), &[("version", "4")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let page = im.get(&format!("/cases/{}", c.case_id)).await;
    page.assert_contains("erledigt am 12.12.2026");
    assert!(!page.body.contains("überfällig"));
    assert!(
        t.audit_has("followup_moved", "allowed", Some(t.id("awo.im1")))
            .await
    );
    assert!(
        t.audit_has("followup_done", "allowed", Some(t.id("awo.im1")))
            .await
    );
}

// ---------------------------------------------------------------------------------------------
// Outcomes

async fn post_outcome(
    b: &mut Browser,
    person: i64,
    fields: &[(&str, &str)],
) -> crate::support::Resp {
    b.get(&format!("/clients/{person}/outcomes")).await;
    b.post(&format!("/clients/{person}/outcomes"), fields).await
}

#[tokio::test]
async fn outcomes_of_every_type_are_checked_and_the_client_page_shows_the_current_state() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Erg").await;
    let p = c.person_id;
    let mut im = t.login("awo.im1").await;

    // Type-specific checks.
    let r = post_outcome(
        &mut im,
        p,
        &[("outcome_type", "german_level"), ("date", "2026-05-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ausfüllen.");
    r.assert_contains("<option value=\"german_level\" selected>");
    let r = post_outcome(
        &mut im,
        p,
        &[
            ("outcome_type", "employment"),
            ("date", "2026-05-01"),
            ("employment_type", "mini_job"),
            ("until", "2026-04-01"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Ende liegt vor dem Beginn.");
    r.assert_contains("value=\"2026-04-01\"");
    let r = post_outcome(
        &mut im,
        p,
        &[
            ("outcome_type", "childcare_school"),
            ("date", "2026-12-01"),
            ("place", "kita"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Datum darf nicht in der Zukunft liegen.");
    assert_eq!(t.count("outcomes").await, 0);

    let records: &[&[(&str, &str)]] = &[
        &[
            ("outcome_type", "german_level"),
            ("date", "2025-06-01"),
            ("level", "A2"),
            ("course", "integration"),
        ],
        &[
            ("outcome_type", "german_level"),
            ("date", "2026-06-01"),
            ("level", "B1"),
            ("certificate", "yes"),
            ("course", "job_language"),
        ],
        &[
            ("outcome_type", "course"),
            ("date", "2026-07-01"),
            ("course", "job_language"),
        ],
        &[
            ("outcome_type", "employment"),
            ("date", "2025-01-01"),
            ("employment_type", "mini_job"),
            ("until", "2025-12-31"),
        ],
        &[
            ("outcome_type", "employment"),
            ("date", "2026-08-01"),
            ("employment_type", "social_insurance"),
        ],
        &[
            ("outcome_type", "training"),
            ("date", "2026-09-01"),
            ("until", "2029-08-31"),
        ],
        &[
            ("outcome_type", "internship"),
            ("date", "2026-02-01"),
            ("until", "2026-03-01"),
        ],
        &[("outcome_type", "studies"), ("date", "2026-10-01")],
        &[
            ("outcome_type", "rental_contract"),
            ("date", "2026-04-15"),
            ("level", "C2"),
        ],
        &[
            ("outcome_type", "benefits_independent"),
            ("date", "2026-09-01"),
        ],
        &[
            ("outcome_type", "childcare_school"),
            ("date", "2026-09-15"),
            ("place", "school"),
        ],
    ];
    for f in records {
        let r = post_outcome(&mut im, p, f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{f:?}: {}", r.body);
    }
    assert_eq!(t.count("outcomes").await, 11);
    // Fields of other types are not stored.
    assert_eq!(
        int(&t, "SELECT COUNT(*) AS n FROM outcomes WHERE outcome_type = 'rental_contract' AND level IS NULL").await,
        1
    );

    let rec = im.get(&format!("/clients/{p}")).await;
    assert_eq!(rec.status, StatusCode::OK);
    let current = rec
        .body
        .split("Aktueller Stand")
        .nth(1)
        .unwrap()
        .split("Verlauf")
        .next()
        .unwrap()
        .to_string();
    assert!(
        current.contains("B1, mit Zertifikat, Berufssprachkurs"),
        "{current}"
    );
    assert!(!current.contains("A2"), "{current}");
    assert!(
        current.contains("sozialversicherungspflichtig, dauert an"),
        "{current}"
    );
    assert!(!current.contains("Minijob"), "{current}");
    assert!(current.contains("Ausbildung"), "{current}");
    assert!(!current.contains("Praktikum"), "{current}");
    assert!(current.contains("eigener Mietvertrag"), "{current}");
    assert!(current.contains("Schule"), "{current}");
    // The history has everything, the old level and the old mini-job too.
    rec.assert_contains("A2");
    rec.assert_contains("Minijob, bis 31.12.2025");
    rec.assert_contains(&format!("href=\"/clients/{p}/outcomes\""));
    assert!(t.audit_has("outcomes_viewed", "allowed", None).await);

    // Correcting and deleting a wrong record, with version checks.
    let id = int(
        &t,
        "SELECT CAST(id AS BIGINT) AS n FROM outcomes WHERE outcome_type = 'studies'",
    )
    .await;
    let form = im.get(&format!("/outcomes/{id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("<option value=\"studies\" selected>");
    let fix = [
        ("version", "1"),
        ("outcome_type", "training"),
        ("date", "2026-10-01"),
        ("until", ""),
    ];
    let r = im.post(&format!("/outcomes/{id}"), &fix).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im.post(&format!("/outcomes/{id}"), &fix).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Jemand anderes hat diesen Eintrag inzwischen geändert.");
    let r = im
        .post(&format!("/outcomes/{id}/delete"), &[("version", "1")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = im
        .post(&format!("/outcomes/{id}/delete"), &[("version", "2")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("outcomes").await, 10);
    for action in ["outcome_recorded", "outcome_updated", "outcome_deleted"] {
        assert!(
            t.audit_has(action, "allowed", Some(t.id("awo.im1"))).await,
            "{action}"
        );
    }
}

#[tokio::test]
async fn outcomes_need_an_active_consent() {
    let t = TestApp::new().await;
    let c = fixtures::register_named(&t, "awo.im1", "Ohne", "Einwilligung", None, "1990").await;
    let mut im = t.login("awo.im1").await;
    let page = im.get(&format!("/clients/{}/outcomes", c.person_id)).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("nur mit gültiger Einwilligung");
    assert!(!page.body.contains("id=\"form-outcome\""));
    let r = im
        .post(
            &format!("/clients/{}/outcomes", c.person_id),
            &[("outcome_type", "rental_contract"), ("date", "2026-11-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Ohne gültige Einwilligung");
    assert_eq!(t.count("outcomes").await, 0);
}

#[tokio::test]
async fn a_closure_snapshot_holds_an_outcome_recorded_in_the_ui() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Snap").await;
    let mut im = t.login("awo.im1").await;
    let r = post_outcome(
        &mut im,
        c.person_id,
        &[
            ("outcome_type", "german_level"),
            ("date", "2026-10-01"),
            ("level", "B2"),
            ("certificate", "yes"),
            ("course", "integration"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post_outcome(
        &mut im,
        c.person_id,
        &[("outcome_type", "rental_contract"), ("date", "2026-11-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    im.get(&format!("/cases/{}", c.case_id)).await;
    let r = im
        .post(
            &format!("/cases/{}/close", c.case_id),
            &[
                ("version", "1"),
                ("closed_on", &today(&t)),
                ("closure_reason", "goals_reached"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let snap = text(
        &t,
        &format!(
            "SELECT closure_snapshot AS v FROM cases WHERE id = {}",
            c.case_id
        ),
    )
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&snap).unwrap();
    let outcomes = v["persons"][0]["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 2, "{snap}");
    assert_eq!(outcomes[0]["type"], "german_level");
    assert_eq!(outcomes[0]["level"], "B2");
    assert_eq!(outcomes[0]["certificate"], true);
    assert_eq!(outcomes[0]["course"], "integration");
    assert_eq!(outcomes[1]["type"], "rental_contract");
    assert_eq!(outcomes[1]["date"], "2026-11-01");
}

// ---------------------------------------------------------------------------------------------
// The timeline

fn pos(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on the page:\n{body}"))
}

#[tokio::test]
async fn the_timeline_shows_every_kind_newest_first_and_filters_by_kind_and_person() {
    let t = TestApp::new().await;
    let (c, member) = household(&t).await;
    let im_id = t.id("awo.im1");
    // Day 1 (21.11.): case opened, consent given (fixture); a release.
    let ctx = t.ctx_of("awo.im1").await;
    let input = ReleaseInput::parse(&ReleaseForm {
        recipient: "other".into(),
        recipient_name: "Jobcenter Neckartal".into(),
        recipient_category: "jobcenter".into(),
        categories: vec!["work".into()],
        purpose: "Arbeitsvermittlung".into(),
        valid_from: today(&t),
        valid_until: String::new(),
        mutual: "no".into(),
    })
    .unwrap();
    releases::create(&t.db, &ctx, c.person_id, input)
        .await
        .unwrap();

    // Day 2: a contact with the client only, and a follow-up. (Each day is a new session.)
    t.clock.advance(Duration::days(1));
    let mut im = t.login("awo.im1").await;
    let r = post_contact(
        &mut im,
        c.case_id,
        &today(&t),
        &[c.person_id],
        &[
            ("kind", "home_visit"),
            ("followup_on", "2026-12-20"),
            ("followup_reason", "Nachfassen"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Day 3: an outcome, a plan change and a review (as the plan pages write them).
    t.clock.advance(Duration::days(1));
    let mut im = t.login("awo.im1").await;
    let r = post_outcome(
        &mut im,
        c.person_id,
        &[
            ("outcome_type", "german_level"),
            ("date", &today(&t)),
            ("level", "B1"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = "2026-11-23 10:00:00+00:00";
    let later = "2026-11-23 11:00:00+00:00";
    exec(&t, &format!(
        "INSERT INTO case_events (case_id, kind, on_date, detail, staff_id, other_staff_id, at) \
         VALUES ({}, 'goal_added', '2026-11-23', NULL, {im_id}, NULL, '{at}')", c.case_id)).await;
    let event = int(&t, "SELECT MAX(id) AS n FROM case_events").await;
    t.store_sealed(&CASE_EVENT_REASON, event, None, "Ziel: eigene Wohnung")
        .await;
    exec(
        &t,
        &format!(
            "INSERT INTO reviews (case_id, held_on, participants, created_by, created_at) \
         VALUES ({}, '2026-11-23', 'Klient, IM', {im_id}, '{later}')",
            c.case_id
        ),
    )
    .await;
    let review = int(&t, "SELECT MAX(id) AS n FROM reviews").await;
    t.store_sealed(&REVIEW_SUMMARY, review, None, "Gute Fortschritte")
        .await;
    t.store_sealed(&REVIEW_CHANGES, review, None, "Ziel ergänzt")
        .await;
    exec(&t, &format!(
        "INSERT INTO case_events (case_id, kind, on_date, detail, staff_id, other_staff_id, at) \
         VALUES ({}, 'review_held', '2026-11-23', NULL, {im_id}, NULL, '{at}')", c.case_id)).await;
    // Day 4: the case is paused.
    t.clock.advance(Duration::days(1));
    let mut im = t.login("awo.im1").await;
    im.get(&format!("/cases/{}", c.case_id)).await;
    let r = im
        .post(
            &format!("/cases/{}/pause", c.case_id),
            &[("version", "1"), ("paused_from", &today(&t))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let base = format!("/cases/{}/timeline", c.case_id);
    let tl = im.get(&base).await;
    assert_eq!(tl.status, StatusCode::OK, "{}", tl.body);
    let b = &tl.body;
    let list = &b[pos(b, "<ol class=\"timeline\"")..];
    let order = [
        "<strong>Ruht</strong>",
        "<strong>Fortschreibung des Integrationsplans</strong>",
        "<strong>Ziel hinzugefügt</strong>",
        "<strong>Deutschniveau erreicht",
        "Wiedervorlage für 20.12.2026 gesetzt",
        "<strong>Hausbesuch",
        "<strong>Schweigepflichtentbindung erteilt",
        "<strong>Einwilligung erteilt",
        "<strong>Eröffnet</strong>",
    ];
    let mut last = 0;
    for needle in order {
        let p = pos(list, needle);
        assert!(p >= last, "{needle} out of order:\n{list}");
        last = p;
    }
    tl.assert_contains("Gute Fortschritte");
    tl.assert_contains("Ziel: eigene Wohnung");
    tl.assert_contains("Jobcenter Neckartal");
    // The review is told once (from the reviews), not twice.
    assert_eq!(
        list.matches("Fortschreibung des Integrationsplans").count(),
        1
    );

    // Filter by kind.
    let r = im.get(&format!("{base}?show=contact")).await;
    r.assert_contains("<strong>Hausbesuch");
    assert!(!r.body.contains("<strong>Einwilligung erteilt"));
    assert!(!r.body.contains("<strong>Ruht</strong>"));
    r.assert_contains("name=\"show\" value=\"contact\" checked");
    let r = im.get(&format!("{base}?show=outcome&show=consent")).await;
    r.assert_contains("<strong>Deutschniveau erreicht");
    r.assert_contains("<strong>Einwilligung erteilt");
    assert!(!r.body.contains("<strong>Hausbesuch"));
    assert!(!r.body.contains("Wiedervorlage für"));
    // Filter by person: the partner was not at the home visit and has no consent of their own.
    let r = im
        .get(&format!("{base}?show=contact,consent&person={member}"))
        .await;
    r.assert_contains("Keine Einträge");
    let r = im
        .get(&format!("{base}?show=contact&person={}", c.person_id))
        .await;
    r.assert_contains("<strong>Hausbesuch");

    // Hundreds of contacts: pages of 50, the filter kept in the page links.
    let before = entries(&im.get(&base).await.body);
    assert!(before > 5, "{before}");
    let now = "2026-11-24 08:00:00+00:00";
    for i in 0..60 {
        exec(&t, &format!(
            "INSERT INTO contacts (case_id, contact_date, minutes, contact_kind, topics, created_by, created_at, updated_at, version) \
             VALUES ({}, '2026-11-{:02}', 10, 'phone', 'work', {im_id}, '{now}', '{now}', 1)", c.case_id, 21 + i % 3)).await;
    }
    let r = im.get(&format!("{base}?show=contact")).await;
    r.assert_contains("61 Einträge");
    assert_eq!(r.body.matches("<li class=\"tl-contact\">").count(), 50);
    r.assert_contains(&format!("href=\"{base}?show=contact&amp;page=2\""));
    let r = im.get(&format!("{base}?show=contact&page=2")).await;
    assert_eq!(r.body.matches("<li class=\"tl-contact\">").count(), 11);
    r.assert_contains("<span aria-current=\"page\">2</span>");

    // All kinds: only the newest contacts are read for a page, but the others still count, and the
    // oldest entries (the opening and the consent of day 1) are on the last page, after the rest.
    let r = im.get(&base).await;
    assert_eq!(entries(&r.body), before + 60);
    assert_eq!(r.body.matches("<li class=\"tl-").count(), 50);
    assert!(!r.body.contains("<strong>Einwilligung erteilt"));
    let r = im.get(&format!("{base}?page=2")).await;
    assert_eq!(r.body.matches("<li class=\"tl-").count(), before + 60 - 50);
    r.assert_contains("<strong>Einwilligung erteilt");
    let last_contact = r.body.rfind("<li class=\"tl-contact\">").unwrap();
    let consent = r.body.find("<strong>Einwilligung erteilt").unwrap();
    assert!(
        last_contact < consent,
        "the consent of day 1 comes after the contacts"
    );
}

/// The number of entries the timeline says it has ("61 Einträge").
fn entries(body: &str) -> usize {
    let end = body.find(" Einträge<").expect("an entry count");
    let start = body[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    body[start..end].parse().expect("a number")
}

// ---------------------------------------------------------------------------------------------
// Access

/// A POST of the matrix: the URL, its fields, the audited action.
type Post = (String, Vec<(&'static str, &'static str)>, &'static str);

#[tokio::test]
async fn every_new_route_is_refused_to_everyone_but_the_cases_im_and_audited() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Zugriff").await;
    let mut im = t.login("awo.im1").await;
    let r = post_contact(
        &mut im,
        c.case_id,
        &today(&t),
        &[c.person_id],
        &[("note", "CANARY-Zugriff-note")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post_outcome(
        &mut im,
        c.person_id,
        &[("outcome_type", "rental_contract"), ("date", "2026-11-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let k = int(&t, "SELECT CAST(id AS BIGINT) AS n FROM contacts").await;
    let o = int(&t, "SELECT CAST(id AS BIGINT) AS n FROM outcomes").await;
    im.get(&format!("/cases/{}", c.case_id)).await;
    let r = im
        .post(
            &format!("/cases/{}/followups", c.case_id),
            &[
                ("followup_on", "2026-12-01"),
                ("followup_reason", "CANARY-Zugriff-reason"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let f = int(&t, "SELECT CAST(id AS BIGINT) AS n FROM followups").await;
    let (cs, p) = (c.case_id, c.person_id);

    let gets = [
        (format!("/cases/{cs}/contacts/new"), "case_viewed"),
        (format!("/contacts/{k}"), "contact_viewed"),
        (format!("/cases/{cs}/timeline"), "timeline_viewed"),
        (format!("/clients/{p}/outcomes"), "outcomes_viewed"),
        (format!("/outcomes/{o}"), "outcomes_viewed"),
    ];
    let posts: Vec<Post> = vec![
        (
            format!("/cases/{cs}/contacts/new"),
            vec![("date", "2026-11-21"), ("kind", "phone")],
            "contact_recorded",
        ),
        (
            format!("/contacts/{k}"),
            vec![("version", "1"), ("date", "2026-11-21"), ("kind", "phone")],
            "contact_updated",
        ),
        (
            format!("/cases/{cs}/followups"),
            vec![("followup_on", "2026-12-02"), ("followup_reason", "x")],
            "followup_created",
        ),
        (
            format!("/followups/{f}/done"),
            vec![("version", "1")],
            "followup_done",
        ),
        (
            format!("/followups/{f}/move"),
            vec![("version", "1"), ("move_to", "2026-12-03")],
            "followup_moved",
        ),
        (
            format!("/clients/{p}/outcomes"),
            vec![("outcome_type", "studies"), ("date", "2026-11-01")],
            "outcome_recorded",
        ),
        (
            format!("/outcomes/{o}"),
            vec![
                ("version", "1"),
                ("outcome_type", "studies"),
                ("date", "2026-11-01"),
            ],
            "outcome_updated",
        ),
        (
            format!("/outcomes/{o}/delete"),
            vec![("version", "1")],
            "outcome_deleted",
        ),
    ];
    for user in [
        "awo.im2",
        "awo.leitung",
        "koordination",
        "admin",
        "datenschutz",
        "caritas.im",
    ] {
        let mut b = t.login(user).await;
        let uid = t.id(user);
        for (url, action) in &gets {
            let r = b.get(url).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} GET {url}");
            assert!(!r.body.contains("CANARY-Zugriff"), "{user} GET {url}");
            assert!(
                t.audit_has(action, "denied", Some(uid)).await,
                "{user} {action}"
            );
        }
        for (url, fields, action) in &posts {
            let r = b.post(url, fields).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{user} POST {url}: {}",
                r.body
            );
            assert!(!r.body.contains("CANARY-Zugriff"), "{user} POST {url}");
            assert!(
                t.audit_has(action, "denied", Some(uid)).await,
                "{user} {action}"
            );
        }
    }
    // Nothing changed.
    assert_eq!(t.count("contacts").await, 1);
    assert_eq!(t.count("followups").await, 1);
    assert_eq!(t.count("outcomes").await, 1);
    assert_eq!(
        int(&t, "SELECT CAST(version AS BIGINT) AS n FROM contacts").await,
        1
    );
    assert_eq!(
        int(
            &t,
            "SELECT COUNT(*) AS n FROM followups WHERE done_on IS NULL AND first_due_on IS NULL"
        )
        .await,
        1
    );
    // The case's IM still sees everything.
    for (url, _) in &gets {
        assert_eq!(im.get(url).await.status, StatusCode::OK, "{url}");
    }
}
