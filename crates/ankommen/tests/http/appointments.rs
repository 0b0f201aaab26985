//! HTTP tests of appointments (issue 24, decision 0034): booking in office hours with the
//! conflicts shown before saving, the letter, today's list on the start page, the contact of a
//! held appointment in one step, moving and cancelling with their history, missed appointments,
//! the home visits of a day, bad input, and the access matrix with insiders.

use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;
use chrono::Duration;

use crate::fixtures::{self, Client as Person};
use crate::plans::pdf_text;
use crate::support::{Client, Resp, TestApp};

/// A room in the IM's municipality, open to all organisations. Returns its id.
pub(crate) async fn room(t: &TestApp, name: &str) -> i64 {
    let ags = t
        .scalar("SELECT CAST(MIN(ags) AS BIGINT) AS n FROM municipalities")
        .await;
    t.db.writer()
        .execute_unprepared(&format!(
            "INSERT INTO rooms (municipality_ags, name, street, postcode, city, accessibility, \
             open_to_all, active, created_at, updated_at, version) VALUES ('{ags:0>8}', '{name}', \
             'Marktplatz 1', '74999', 'Musterstadt', 'Aufzug am Hintereingang', TRUE, TRUE, \
             CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
        ))
        .await
        .unwrap();
    t.scalar("SELECT MAX(id) AS n FROM rooms").await
}

/// Weekly office hours of `user` on Mondays 09:00–12:00 from 23 Nov 2026 in `room`.
pub(crate) async fn office_hours(t: &TestApp, user: &str, room: i64) -> i64 {
    let (staff, org) = (
        t.id(user),
        t.scalar(&format!(
            "SELECT organisation_id AS n FROM staff WHERE id = {}",
            t.id(user)
        ))
        .await,
    );
    t.db.writer()
        .execute_unprepared(&format!(
            "INSERT INTO office_hours (staff_id, organisation_id, municipality_ags, room_id, \
             weekday, starts_at, ends_at, every_weeks, starts_on, ends_on, languages, public_note, \
             active, created_by, created_at, updated_at, version) SELECT {staff}, {org}, \
             municipality_ags, id, 1, '09:00', '12:00', 1, '2026-11-23', NULL, 'ar', NULL, TRUE, \
             {staff}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1 FROM rooms WHERE id = {room}"
        ))
        .await
        .unwrap();
    t.scalar("SELECT MAX(id) AS n FROM office_hours").await
}

async fn book(c: &mut Client, case_id: i64, fields: &[(&str, &str)]) -> Resp {
    c.get(&format!("/cases/{case_id}/appointments/new")).await;
    c.post(&format!("/cases/{case_id}/appointments/new"), fields)
        .await
}

/// Books as `c` and returns the new appointment's id.
async fn booked(t: &TestApp, c: &mut Client, case_id: i64, fields: &[(&str, &str)]) -> i64 {
    let r = book(c, case_id, fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = t.scalar("SELECT MAX(id) AS n FROM appointments").await;
    assert_eq!(r.location(), format!("/appointments/{id}"));
    id
}

/// A home visit on a day at a time, for the only person of the case.
fn home_visit<'a>(person: &'a str, date: &'a str, time: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("person", person),
        ("date", date),
        ("starts_at", time),
        ("minutes", "45"),
        ("place_kind", "home_visit"),
        ("purpose", "Antrag Wohngeld"),
        ("bring", "decisions"),
    ]
}

async fn client(t: &TestApp, im: &str) -> Person {
    let p = fixtures::register_consenting(t, im, "Amal", "Haddad", Some("أمل حداد"), "1988").await;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE persons SET interpreter_language = 'ar', address = 'Lindenweg 5, 74999 \
             Musterstadt' WHERE id = {}",
            p.person_id
        ))
        .await
        .unwrap();
    p
}

#[tokio::test]
async fn an_im_books_office_hours_prints_the_letter_and_turns_the_appointment_into_a_contact() {
    let t = TestApp::new().await;
    let r = room(&t, "Rathaus Musterstadt, Raum 2").await;
    let oh = office_hours(&t, "awo.im1", r).await;
    let p = client(&t, "awo.im1").await;
    let (pid, ohs) = (p.person_id.to_string(), oh.to_string());
    let mut im = t.login("awo.im1").await;

    let form = im
        .get(&format!("/cases/{}/appointments/new", p.case_id))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Rathaus Musterstadt, Raum 2 (Musterstadt)");
    // The interpreter language recorded for the client is offered first.
    form.assert_contains("<option value=\"ar\" selected>");

    let monday = [
        ("person", pid.as_str()),
        ("date", "2026-11-23"),
        ("starts_at", "10:00"),
        ("minutes", "30"),
        ("place_kind", "office_hours"),
        ("office_hour", ohs.as_str()),
        ("interpreter_language", "ar"),
        ("purpose", "Antrag Wohngeld"),
        ("bring", "this_letter"),
        ("bring", "decisions"),
        ("bring_other", "Brief vom Jobcenter"),
    ];
    let id = booked(&t, &mut im, p.case_id, &monday).await;
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM appointments WHERE id = {id} AND room_id = {r} AND \
             office_hour_id = {oh} AND starts_at = '10:00' AND minutes = 30 AND status = \
             'planned' AND interpreter_language = 'ar' AND person_id = {pid}"
        ))
        .await,
        1
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM appointment_changes WHERE appointment_id = {id} AND \
             change = 'booked'"
        ))
        .await,
        1
    );
    assert!(
        t.audit_of(p.person_id, p.case_id)
            .await
            .iter()
            .any(|(a, who)| a == "appointment_booked" && *who == Some(t.id("awo.im1")))
    );
    let page = im.get(&format!("/appointments/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Mo., 23.11.2026, 10:00–10:30");
    page.assert_contains(
        "Sprechstunde: Rathaus Musterstadt, Raum 2, Marktplatz 1, 74999 Musterstadt",
    );
    page.assert_contains("Antrag Wohngeld");
    page.assert_contains("Brief vom Jobcenter");
    // Not begun yet: it cannot be held nor missed.
    assert!(!page.body.contains("id=\"appointment-held\""));
    let case_page = im.get(&format!("/cases/{}", p.case_id)).await;
    case_page.assert_contains(&format!("href=\"/appointments/{id}\""));
    // Two days ahead: on the start page among the next days.
    im.get("/")
        .await
        .assert_contains(&format!("id=\"upcoming-appointment-{id}\""));

    // The conflict is shown before saving, and nothing is saved until it is confirmed.
    let mut overlapping = monday.to_vec();
    overlapping[2] = ("starts_at", "10:15");
    let r2 = book(&mut im, p.case_id, &overlapping).await;
    assert_eq!(r2.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r2.body);
    r2.assert_contains("id=\"conflicts\"");
    r2.assert_contains("23.11.2026, 10:00–10:30: Ihr Termin (Fall");
    r2.assert_contains("value=\"Antrag Wohngeld\"");
    assert_eq!(t.count("appointments").await, 1);
    overlapping.push(("confirm_conflicts", "1"));
    booked(&t, &mut im, p.case_id, &overlapping).await;
    assert_eq!(t.count("appointments").await, 2);

    // Not on a day or at a time of the office hours.
    let mut tuesday = monday.to_vec();
    tuesday[1] = ("date", "2026-11-24");
    let r3 = book(&mut im, p.case_id, &tuesday).await;
    assert_eq!(r3.status, StatusCode::UNPROCESSABLE_ENTITY);
    r3.assert_contains("An diesem Tag findet die Sprechstunde nicht statt.");
    let mut late = monday.to_vec();
    late[2] = ("starts_at", "11:45");
    let r4 = book(&mut im, p.case_id, &late).await;
    assert_eq!(r4.status, StatusCode::UNPROCESSABLE_ENTITY);
    r4.assert_contains("Der Termin liegt nicht innerhalb der Sprechstunde.");
    assert_eq!(t.count("appointments").await, 2);

    // The letter: German beside Arabic, when, where, the interpreter; no name.
    let letter = im.get(&format!("/appointments/{id}/letter")).await;
    assert_eq!(letter.status, StatusCode::OK);
    let pdf = im
        .post(&format!("/appointments/{id}/letter"), &[("lang", "ar")])
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    let text = pdf_text(&pdf.bytes);
    for expected in [
        "Einladung zu einem Termin",
        "دعوة إلى موعد",
        "23.11.2026",
        "10:00",
        "Marktplatz 1",
        "Aufzug am Hintereingang",
        "Arabisch",
        "Brief vom Jobcenter",
    ] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
    assert!(!text.contains("Haddad") && !text.contains("Amal"));
    assert!(
        !text.contains("Antrag Wohngeld"),
        "the purpose stays off paper"
    );
    assert!(
        t.audit_of(p.person_id, p.case_id)
            .await
            .iter()
            .any(|(a, _)| a == "appointment_letter_printed")
    );
    let bad_lang = im
        .post(&format!("/appointments/{id}/letter"), &[("lang", "xx")])
        .await;
    assert_eq!(bad_lang.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Monday 10:05 in Berlin: the start page lists the day's appointments in time order.
    t.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T09:05:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    // Two days later: a new session.
    let mut im = t.login("awo.im1").await;
    let home = im.get("/").await;
    home.assert_contains("id=\"appointments-today\"");
    let first = home.body.find("10:00–10:30").unwrap();
    let second = home.body.find("10:15–10:45").unwrap();
    assert!(first < second);
    home.assert_contains("Amal Haddad");
    assert!(
        t.audit_of(p.person_id, p.case_id)
            .await
            .iter()
            .any(|(a, _)| a == "appointments_viewed")
    );

    // Held: the contact form comes filled in, and saving it records both in one step.
    let cf = im.get(&format!("/appointments/{id}/contact")).await;
    assert_eq!(cf.status, StatusCode::OK, "{}", cf.body);
    cf.assert_contains(&format!("action=\"/appointments/{id}/contact\""));
    cf.assert_contains("value=\"2026-11-23\"");
    cf.assert_contains("<option value=\"office_hours\" selected>");
    let saved = im
        .post(
            &format!("/appointments/{id}/contact"),
            &[
                ("date", "2026-11-23"),
                ("minutes", "30"),
                ("kind", "office_hours"),
                ("persons", pid.as_str()),
                ("topics", "housing"),
                ("note", "Wohngeldantrag ausgefüllt"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), format!("/cases/{}", p.case_id));
    let contact = t
        .scalar(&format!(
            "SELECT contact_id AS n FROM appointments WHERE id = {id} AND status = 'held'"
        ))
        .await;
    assert!(contact > 0);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM contacts WHERE id = {contact} AND contact_kind = \
             'office_hours' AND minutes = 30 AND contact_date = '2026-11-23'"
        ))
        .await,
        1
    );
    // Only once.
    let again = im.get(&format!("/appointments/{id}/contact")).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn office_hours_take_their_time_a_colleagues_in_the_room_and_the_ims_own() {
    let t = TestApp::new().await;
    let town_hall = room(&t, "Rathaus Musterstadt, Raum 2").await;
    let library = room(&t, "Stadtbücherei, Gruppenraum").await;
    // A colleague holds office hours in the town hall on Mondays 09:00–12:00, the IM in the library.
    office_hours(&t, "awo.im2", town_hall).await;
    office_hours(&t, "awo.im1", library).await;
    let p = client(&t, "awo.im1").await;
    let (pid, hall) = (p.person_id.to_string(), town_hall.to_string());
    let mut im = t.login("awo.im1").await;

    // An office appointment in the town hall on a Monday morning: the room is taken.
    let office = [
        ("person", pid.as_str()),
        ("date", "2026-11-30"),
        ("starts_at", "11:30"),
        ("minutes", "60"),
        ("place_kind", "office"),
        ("room", hall.as_str()),
        ("purpose", "Antrag Wohngeld"),
    ];
    let r = book(&mut im, p.case_id, &office).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("30.11.2026, 09:00–12:00: Der Raum ist für eine Sprechstunde belegt.");
    // The IM's own office hours in the library take their time too.
    r.assert_contains("30.11.2026, 09:00–12:00: Ihre Sprechstunde");
    assert_eq!(t.count("appointments").await, 0);
    // In the afternoon the room is free, and a home visit on Tuesday clashes with nothing.
    let mut afternoon = office.to_vec();
    afternoon[2] = ("starts_at", "13:00");
    booked(&t, &mut im, p.case_id, &afternoon).await;
    booked(
        &t,
        &mut im,
        p.case_id,
        &home_visit(&pid, "2026-12-01", "10:00"),
    )
    .await;

    // Moving the afternoon appointment into the morning shows the room's office hours.
    let id = t.scalar("SELECT MIN(id) AS n FROM appointments").await;
    let moved = im
        .post(
            &format!("/appointments/{id}/move"),
            &[
                ("version", "1"),
                ("date", "2026-11-30"),
                ("starts_at", "10:00"),
                ("minutes", "60"),
                ("reason", "staff"),
            ],
        )
        .await;
    assert_eq!(
        moved.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        moved.body
    );
    moved.assert_contains("Der Raum ist für eine Sprechstunde belegt.");
    // The colleague is not named.
    let colleague = "Olena Kovalenko";
    assert!(!moved.body.contains(colleague) && !r.body.contains(colleague));
}

#[tokio::test]
async fn moving_and_cancelling_keep_a_history_and_a_missed_appointment_is_recorded() {
    let t = TestApp::new().await;
    let p = client(&t, "awo.im1").await;
    let pid = p.person_id.to_string();
    let mut im = t.login("awo.im1").await;
    let a = booked(
        &t,
        &mut im,
        p.case_id,
        &home_visit(&pid, "2026-11-25", "14:00"),
    )
    .await;
    let b = booked(
        &t,
        &mut im,
        p.case_id,
        &home_visit(&pid, "2026-11-26", "09:00"),
    )
    .await;

    // Moved at the client's request: the history keeps the old and the new time.
    let r = im
        .post(
            &format!("/appointments/{a}/move"),
            &[
                ("version", "1"),
                ("date", "2026-11-27"),
                ("starts_at", "11:00"),
                ("minutes", "45"),
                ("reason", "client"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM appointment_changes WHERE appointment_id = {a} AND \
             change = 'moved' AND old_date = '2026-11-25' AND old_starts_at = '14:00' AND \
             new_date = '2026-11-27' AND new_starts_at = '11:00' AND reason = 'client'"
        ))
        .await,
        1
    );
    let page = im.get(&format!("/appointments/{a}")).await;
    page.assert_contains("25.11.2026 14:00 → 27.11.2026 11:00 (Klient:in)");
    // A stale version changes nothing.
    let stale = im
        .post(
            &format!("/appointments/{a}/move"),
            &[
                ("version", "1"),
                ("date", "2026-11-28"),
                ("starts_at", "11:00"),
                ("minutes", "45"),
                ("reason", "staff"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    // Moving onto the other appointment shows the conflict and keeps what was typed.
    let onto = im
        .post(
            &format!("/appointments/{a}/move"),
            &[
                ("version", "2"),
                ("date", "2026-11-26"),
                ("starts_at", "09:30"),
                ("minutes", "45"),
                ("reason", "staff"),
            ],
        )
        .await;
    assert_eq!(
        onto.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        onto.body
    );
    onto.assert_contains("26.11.2026, 09:00–09:45: Ihr Termin");
    onto.assert_contains("value=\"09:30\"");
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM appointments WHERE id = {a} AND appointment_date = \
             '2026-11-27'"
        ))
        .await,
        1
    );

    // Cancelled by the IM, with the reason; a cancelled appointment cannot be moved.
    let c = im
        .post(
            &format!("/appointments/{a}/cancel"),
            &[("version", "2"), ("reason", "staff")],
        )
        .await;
    assert_eq!(c.status, StatusCode::SEE_OTHER, "{}", c.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM appointment_changes WHERE appointment_id = {a} AND \
             change = 'cancelled' AND reason = 'staff'"
        ))
        .await,
        1
    );
    let after = im
        .post(
            &format!("/appointments/{a}/move"),
            &[
                ("version", "3"),
                ("date", "2026-11-28"),
                ("starts_at", "11:00"),
                ("minutes", "45"),
                ("reason", "staff"),
            ],
        )
        .await;
    assert_eq!(after.status, StatusCode::CONFLICT);
    // A cancellation without a reason is refused.
    let no_reason = im
        .post(&format!("/appointments/{b}/cancel"), &[("version", "1")])
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Missed: not before it began; afterwards recorded, with its history.
    let early = im
        .post(&format!("/appointments/{b}/missed"), &[("version", "1")])
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    t.clock.advance(Duration::days(5));
    let mut im = t.login("awo.im1").await;
    let missed = im
        .post(&format!("/appointments/{b}/missed"), &[("version", "1")])
        .await;
    assert_eq!(missed.status, StatusCode::SEE_OTHER, "{}", missed.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM appointments WHERE id = {b} AND status = 'missed'"
        ))
        .await,
        1
    );
    let case_page = im.get(&format!("/cases/{}", p.case_id)).await;
    case_page.assert_contains("nicht wahrgenommen");
    // Once the contact is overdue, the working day names the missed appointment beside it.
    t.clock.advance(Duration::days(5));
    let mut im = t.login("awo.im1").await;
    let day = im.get("/").await;
    day.assert_contains("Kontakt fällig seit");
    day.assert_contains("noch kein Kontakt, Termin am 26.11.2026 versäumt");
    for action in [
        "appointment_moved",
        "appointment_cancelled",
        "appointment_missed",
    ] {
        assert!(
            t.audit_of(p.person_id, p.case_id)
                .await
                .iter()
                .any(|(x, _)| x == action),
            "{action}"
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_what_was_typed_stays() {
    let t = TestApp::new().await;
    let p = client(&t, "awo.im1").await;
    let other = fixtures::register_consenting(&t, "awo.im1", "Omar", "Said", None, "1970").await;
    let (pid, foreign) = (p.person_id.to_string(), other.person_id.to_string());
    let mut im = t.login("awo.im1").await;
    // (the form, the field in error, part of its message)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            home_visit(&pid, "2026-11-20", "10:00"),
            "date",
            "Vergangenheit",
        ),
        (
            home_visit(&pid, "2030-01-01", "10:00"),
            "date",
            "zwei Jahre",
        ),
        (
            home_visit(&pid, "2026-11-25", "25:00"),
            "starts_at",
            "SS:MM",
        ),
        (
            home_visit(&pid, "2026-11-25", "23:50"),
            "minutes",
            "selben Tag",
        ),
        (home_visit(&foreign, "2026-11-25", "10:00"), "person", ""),
        (
            vec![
                ("person", pid.as_str()),
                ("date", "2026-11-25"),
                ("starts_at", "10:00"),
                ("minutes", "0"),
                ("place_kind", "moon"),
                ("purpose", "Antrag Wohngeld"),
                ("interpreter_language", "xx"),
                ("bring", "gold"),
            ],
            "minutes",
            "zwischen 5 und 480",
        ),
        (
            vec![
                ("person", pid.as_str()),
                ("date", "2026-11-25"),
                ("starts_at", "10:00"),
                ("minutes", "30"),
                ("place_kind", "accompaniment"),
                ("purpose", "Antrag Wohngeld"),
            ],
            "service",
            "",
        ),
        (
            vec![
                ("person", pid.as_str()),
                ("date", "2026-11-25"),
                ("starts_at", "10:00"),
                ("minutes", "30"),
                ("place_kind", "office_hours"),
                ("office_hour", "999999"),
                ("purpose", "Antrag Wohngeld"),
            ],
            "office_hour",
            "",
        ),
    ];
    for (fields, field, message) in cases {
        let r = book(&mut im, p.case_id, &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.body
        );
        r.assert_contains(&format!("id=\"e-{field}\""));
        r.assert_contains(message);
        r.assert_contains("value=\"Antrag Wohngeld\"");
    }
    // No purpose.
    let mut none = home_visit(&pid, "2026-11-25", "10:00");
    none.retain(|(k, _)| *k != "purpose");
    let r = book(&mut im, p.case_id, &none).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-purpose\"");
    assert_eq!(t.count("appointments").await, 0);
    assert_eq!(t.count("appointment_changes").await, 0);
}

#[tokio::test]
async fn only_who_holds_the_case_sees_and_changes_its_appointments() {
    let t = TestApp::new().await;
    let p = client(&t, "awo.im1").await;
    let pid = p.person_id.to_string();
    let mut im = t.login("awo.im1").await;
    let id = booked(
        &t,
        &mut im,
        p.case_id,
        &home_visit(&pid, "2026-11-25", "10:00"),
    )
    .await;
    let routes = |id: i64, case: i64| {
        (
            vec![
                format!("/appointments/{id}"),
                format!("/appointments/{id}/letter"),
                format!("/appointments/{id}/contact"),
                format!("/cases/{case}/appointments/new"),
            ],
            vec![
                format!("/appointments/{id}/move"),
                format!("/appointments/{id}/cancel"),
                format!("/appointments/{id}/missed"),
                format!("/appointments/{id}/letter"),
                format!("/appointments/{id}/contact"),
                format!("/cases/{case}/appointments/new"),
            ],
        )
    };
    let (gets, posts) = routes(id, p.case_id);
    for user in [
        "awo.im2",
        "caritas.im",
        "caritas.leitung",
        "admin",
        "koordination",
        "datenschutz",
    ] {
        let mut c = t.login(user).await;
        for g in &gets {
            assert_eq!(
                c.get(g).await.status,
                StatusCode::NOT_FOUND,
                "{user} GET {g}"
            );
        }
        for path in &posts {
            let r = c
                .post(
                    path,
                    &[
                        ("version", "1"),
                        ("reason", "staff"),
                        ("date", "2026-11-26"),
                        ("starts_at", "10:00"),
                        ("minutes", "30"),
                        ("lang", "de"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} POST {path}");
        }
        assert!(
            t.audit_has("appointment_moved", "denied", Some(t.id(user)))
                .await,
            "{user}: the refusal is audited"
        );
    }
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM appointments WHERE id = {id} AND status = 'planned' AND \
             version = 1"
        ))
        .await,
        1
    );
    assert_eq!(t.count("appointment_changes").await, 1);

    // The IM who moved to another organisation loses the appointment, also from the start page.
    t.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let mut im = t.login("awo.im1").await;
    im.get("/")
        .await
        .assert_contains(&format!("today-appointment-{id}"));
    t.move_to("awo.im1", "Caritas").await;
    let mut moved = t.login("awo.im1").await;
    assert_eq!(
        moved.get(&format!("/appointments/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let home = moved.get("/").await;
    assert!(!home.body.contains(&format!("today-appointment-{id}")));
    assert!(!home.body.contains("Haddad"));
    let visits = moved.get("/home-visits").await;
    assert_eq!(visits.status, StatusCode::OK);
    assert!(!visits.body.contains("Haddad"));

    // A colleague deactivated while logged in: the open session reaches no appointment.
    let mut colleague = t.login("awo.im2").await;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET active = FALSE WHERE id = {}",
            t.id("awo.im2")
        ))
        .await
        .unwrap();
    for g in &gets {
        let r = colleague.get(g).await;
        assert_ne!(r.status, StatusCode::OK, "deactivated GET {g}");
        assert!(!r.body.contains("Haddad"), "deactivated GET {g}");
    }
    let r = colleague
        .post(
            &format!("/appointments/{id}/cancel"),
            &[("version", "1"), ("reason", "staff")],
        )
        .await;
    assert!(
        r.status != StatusCode::SEE_OTHER || r.location() == "/login",
        "{}",
        r.status
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM appointments WHERE id = {id} AND status = 'planned'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn the_home_visits_of_a_day_come_in_order_with_the_address_and_one_tap_to_the_contact() {
    let t = TestApp::new().await;
    let p = client(&t, "awo.im1").await;
    let pid = p.person_id.to_string();
    let mut im = t.login("awo.im1").await;
    let late = booked(
        &t,
        &mut im,
        p.case_id,
        &home_visit(&pid, "2026-11-25", "15:00"),
    )
    .await;
    let early = booked(
        &t,
        &mut im,
        p.case_id,
        &home_visit(&pid, "2026-11-25", "09:30"),
    )
    .await;
    let r = room(&t, "Rathaus").await;
    let rs = r.to_string();
    let mut office = home_visit(&pid, "2026-11-25", "12:00");
    office[4] = ("place_kind", "office");
    office.push(("room", rs.as_str()));
    booked(&t, &mut im, p.case_id, &office).await;

    let day = im.get("/home-visits?date=2026-11-25").await;
    assert_eq!(day.status, StatusCode::OK, "{}", day.body);
    let (a, b) = (
        day.body.find(&format!("id=\"visit-{early}\"")).unwrap(),
        day.body.find(&format!("id=\"visit-{late}\"")).unwrap(),
    );
    assert!(a < b, "in time order");
    assert!(!day.body.contains("Rathaus"), "only home visits");
    day.assert_contains("Lindenweg 5, 74999 Musterstadt");
    day.assert_contains(&format!("href=\"/appointments/{early}/contact\""));
    day.assert_contains("href=\"/home-visits?date=2026-11-26\"");
    let empty = im.get("/home-visits?date=2026-11-26").await;
    empty.assert_contains("id=\"visits-none\"");
    let bad = im.get("/home-visits?date=gestern").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The address is the person's data: the view names them in the access record.
    assert!(
        t.audit_of(p.person_id, p.case_id)
            .await
            .iter()
            .any(|(a, _)| a == "appointments_viewed")
    );
}
