//! The calendar (issue 24, decision 0035): the week and day view with its access matrix, the
//! secret iCal subscription (parsed back, no names unless opted in, revoked tokens refused) and a
//! single appointment as `.ics`.

use ankommen_store::entities::appointment;
use ankommen_store::sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, EntityTrait,
};
use axum::http::StatusCode;
use chrono::NaiveDate;
use icalendar::parser::{read_calendar, unfold};

use crate::fixtures::{Client, register_consenting};
use crate::support::TestApp;

/// An appointment booked behind the application's back (the booking is the appointments' own
/// module), holding `staff`'s time with the client of `c`.
struct Booking<'a> {
    date: &'a str,
    time: &'a str,
    status: &'a str,
    place_kind: &'a str,
    place_note: Option<&'a str>,
    interpreter: Option<&'a str>,
    household: bool,
}

impl Default for Booking<'_> {
    fn default() -> Self {
        Booking {
            date: "2026-11-23",
            time: "10:00",
            status: "planned",
            place_kind: "office",
            place_note: Some("Rathaus Talheim, Zimmer 3"),
            interpreter: None,
            household: false,
        }
    }
}

async fn book(app: &TestApp, c: &Client, staff: &str, b: Booking<'_>) -> i64 {
    let now = {
        use ankommen_core::Clock;
        app.clock.now()
    };
    let by = app.id(staff);
    appointment::Entity::insert(appointment::ActiveModel {
        id: NotSet,
        case_id: Set(c.case_id),
        person_id: Set((!b.household).then_some(c.person_id)),
        staff_id: Set(by),
        appointment_date: Set(b.date.parse::<NaiveDate>().unwrap()),
        starts_at: Set(b.time.into()),
        minutes: Set(45),
        place_kind: Set(b.place_kind.into()),
        office_hour_id: Set(None),
        room_id: Set(None),
        service_id: Set(None),
        place_note: Set(b.place_note.map(String::from)),
        interpreter_language: Set(b.interpreter.map(String::from)),
        field_of_action: Set(None),
        purpose: Set(format!("{}-purpose", c.canary)),
        bring_items: Set(String::new()),
        bring_other: Set(None),
        status: Set(b.status.into()),
        contact_id: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(app.db.writer())
    .await
    .unwrap()
    .last_insert_id
}

async fn case_number(app: &TestApp, case_id: i64) -> String {
    let row = app
        .db
        .reader()
        .query_one_raw(ankommen_store::sea_orm::Statement::from_string(
            app.db.reader().get_database_backend(),
            format!("SELECT case_number AS v FROM cases WHERE id = {case_id}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<String>("", "v").unwrap()
}

async fn sql(app: &TestApp, s: &str) {
    app.db.writer().execute_unprepared(s).await.unwrap();
}

/// The client Amina Zerrouki of awo.im1 with an appointment on Monday 23 November 2026 at 10:00
/// (with an Arabic interpreter) and a cancelled one at 14:00.
async fn amina(app: &TestApp) -> (Client, i64, i64) {
    let c = register_consenting(app, "awo.im1", "Amina", "Zerrouki", None, "1990").await;
    let planned = book(
        app,
        &c,
        "awo.im1",
        Booking {
            interpreter: Some("ar"),
            ..Default::default()
        },
    )
    .await;
    let cancelled = book(
        app,
        &c,
        "awo.im1",
        Booking {
            time: "14:00",
            status: "cancelled",
            place_kind: "home_visit",
            place_note: None,
            ..Default::default()
        },
    )
    .await;
    (c, planned, cancelled)
}

#[tokio::test]
async fn the_week_and_the_day_show_the_ims_appointments_and_audit_the_persons_shown() {
    let app = TestApp::new().await;
    let (c, planned, cancelled) = amina(&app).await;
    let number = case_number(&app, c.case_id).await;
    let mut im = app.login("awo.im1").await;

    let r = im.get("/calendar?week=2026-W48").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("KW 48");
    r.assert_contains(&number);
    r.assert_contains("Amina Zerrouki");
    r.assert_contains("<time>10:00</time>–<time>10:45</time>");
    r.assert_contains("Dolmetschen: Arabisch");
    r.assert_contains("Büro: Rathaus Talheim, Zimmer 3");
    r.assert_contains(&format!("href=\"/appointments/{planned}\""));
    // The cancelled one struck through and labelled (not by colour alone).
    let at = r
        .body
        .find(&format!("data-appointment=\"{cancelled}\""))
        .unwrap();
    let item = &r.body[at..at + r.body[at..].find("</li>").unwrap()];
    assert!(
        item.contains("<del>") && item.contains("abgesagt"),
        "{item}"
    );
    assert!(item.contains("Hausbesuch"), "{item}");
    // No purpose (it is the appointment's page's business).
    assert!(!r.body.contains(&c.canary), "purpose shown");
    // Navigation: the previous and the next week, today, the day view.
    r.assert_contains("href=\"/calendar?week=2026-W47\"");
    r.assert_contains("href=\"/calendar?week=2026-W49\"");
    r.assert_contains("href=\"/calendar?week=2026-W48&#38;cancelled=hide\"");

    // Cancelled ones hidden by the toggle.
    let r = im.get("/calendar?week=2026-W48&cancelled=hide").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body
            .contains(&format!("data-appointment=\"{cancelled}\""))
    );
    r.assert_contains(&format!("data-appointment=\"{planned}\""));

    // The day view: that day only.
    let r = im.get("/calendar?date=2026-11-23").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Amina Zerrouki");
    r.assert_contains("href=\"/calendar?date=2026-11-24\"");
    let r = im.get("/calendar?date=2026-11-24").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Amina Zerrouki"));
    // This week (the clock's: 21 November 2026) has none of them.
    let r = im.get("/calendar").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("KW 47");
    assert!(!r.body.contains("Amina Zerrouki"));

    // Each view that showed her is recorded naming her, through her case.
    let named = app
        .audit_of(c.person_id, c.case_id)
        .await
        .into_iter()
        .filter(|(a, who)| a == "calendar_viewed" && *who == Some(app.id("awo.im1")))
        .count();
    assert_eq!(named, 3, "the two week views and the day view");

    // Malformed navigation answers like a missing page.
    for bad in [
        "/calendar?week=2026-W99",
        "/calendar?week=x",
        "/calendar?date=2026-13-01",
        "/calendar?staff=abc",
        "/calendar?staff=-1",
    ] {
        assert_eq!(im.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn only_the_im_and_their_team_lead_see_the_calendar() {
    let app = TestApp::new().await;
    let (c, _, _) = amina(&app).await;
    let im1 = app.id("awo.im1");
    let week = "week=2026-W48";

    // The team lead of Team Nord: the member, and the whole team.
    let mut lead = app.login("awo.leitung").await;
    let r = lead.get(&format!("/calendar?{week}&staff={im1}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Amina Zerrouki");
    let r = lead.get(&format!("/calendar?{week}&staff=team")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Amina Zerrouki");
    r.assert_contains("Ganzes Team");
    // Their own (they are an IM too) has none of them.
    let r = lead.get(&format!("/calendar?{week}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Amina Zerrouki"));

    // A colleague of another team, another organisation's IM and lead, the administrators.
    for who in [
        "awo.im2",
        "caritas.im",
        "caritas.leitung",
        "admin",
        "awo.admin",
    ] {
        let mut other = app.login(who).await;
        let r = other.get(&format!("/calendar?{week}&staff={im1}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        assert!(!r.body.contains("Zerrouki"), "{who}");
        let r = other.get(&format!("/calendar?{week}")).await;
        assert!(!r.body.contains("Zerrouki"), "{who}");
    }
    // Administrators have no calendar at all (they see no case data).
    let mut admin = app.login("admin").await;
    assert_eq!(admin.get("/calendar").await.status, StatusCode::NOT_FOUND);
    // Caritas' lead (no IM) sees their own team, never AWO's.
    let mut clead = app.login("caritas.leitung").await;
    let r = clead.get(&format!("/calendar?{week}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Zerrouki"));
    // Refusals are audited.
    assert!(
        app.audit_has("calendar_viewed", "denied", Some(app.id("awo.im2")))
            .await
    );
    assert!(
        !app.audit_of(c.person_id, c.case_id)
            .await
            .iter()
            .any(|(a, who)| a == "calendar_viewed" && *who == Some(app.id("awo.im2")))
    );

    // The moved employee: the appointment's case stays behind.
    let mut im = app.login("awo.im1").await;
    app.move_to("awo.im1", "Caritas").await;
    let r = im.get(&format!("/calendar?{week}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains("Zerrouki"));
    // And the old lead no longer sees them as a team member.
    let r = lead.get(&format!("/calendar?{week}&staff={im1}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The deactivated one: logged out.
    let mut im2 = app.login("awo.im2").await;
    sql(
        &app,
        &format!(
            "UPDATE staff SET active = FALSE WHERE id = {}",
            app.id("awo.im2")
        ),
    )
    .await;
    let r = im2.get("/calendar").await;
    assert_ne!(r.status, StatusCode::OK);
}

/// The feed's token from the account page shown right after creating it.
fn token_in(body: &str) -> String {
    let at = body
        .find("/calendar/feed/")
        .unwrap_or_else(|| panic!("no feed URL in:\n{body}"))
        + "/calendar/feed/".len();
    let token: String = body[at..].chars().take(64).collect();
    assert!(
        body[at + 64..].starts_with(".ics"),
        "{}",
        &body[at..at + 80]
    );
    token
}

async fn create_feed(im: &mut crate::support::Client, initials: bool) -> String {
    let r = im.get("/account").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Kalender abonnieren");
    let fields: &[(&str, &str)] = if initials {
        &[("initials", "yes")]
    } else {
        &[]
    };
    let r = im.post("/account/calendar-feed", fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("nur jetzt angezeigt");
    token_in(&r.body)
}

/// Checks RFC 5545's form (CRLF line ends, lines of at most 75 octets) and parses the feed back:
/// the events as (UID, SUMMARY, LOCATION, DTSTART, STATUS).
fn parse(body: &str) -> Vec<(String, String, String, String, String)> {
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n"), "{body}");
    assert!(body.ends_with("END:VCALENDAR\r\n"), "{body}");
    for line in body.split("\r\n") {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(line.len() <= 75, "line longer than 75 octets: {line:?}");
    }
    let unfolded = unfold(body);
    let cal = read_calendar(&unfolded).unwrap();
    assert!(
        cal.properties
            .iter()
            .any(|p| p.name == "VERSION" && p.val == "2.0")
    );
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    events
        .iter()
        .map(|e| {
            let get = |k: &str| {
                e.find_prop(k)
                    .map(|p| p.val.to_owned().unescape_text().as_str().to_string())
                    .unwrap_or_default()
            };
            assert!(!get("DTSTAMP").is_empty(), "no DTSTAMP");
            assert!(!get("DTEND").is_empty(), "no DTEND");
            (
                get("UID"),
                get("SUMMARY"),
                get("LOCATION"),
                get("DTSTART"),
                get("STATUS"),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_feed_carries_case_numbers_and_places_but_no_names_and_can_be_revoked() {
    let app = TestApp::new().await;
    let (c, planned, cancelled) = amina(&app).await;
    let number = case_number(&app, c.case_id).await;
    // A long place, so that lines are folded.
    sql(
        &app,
        &format!(
            "UPDATE appointments SET place_note = '{}' WHERE id = {planned}",
            "Rathaus Talheim, Hauptstraße 1, Eingang über den Hof, zweiter Stock, Zimmer 3 \
             (barrierefrei über den Aufzug im Seitenflügel)"
        ),
    )
    .await;
    let mut im = app.login("awo.im1").await;
    let token = create_feed(&mut im, false).await;
    // Only its hash is stored.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM calendar_feeds WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );

    // Without a session.
    let mut anon = app.client();
    let r = anon.get(&format!("/calendar/feed/{token}.ics")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.header("content-type").starts_with("text/calendar"));
    assert_eq!(r.header("cache-control"), "no-store, private");
    assert!(!r.body.contains("Zerrouki") && !r.body.contains("Zerrouki"));
    assert!(!r.body.contains(&c.canary), "purpose in the feed");
    let events = parse(&r.body);
    assert_eq!(events.len(), 2, "{}", r.body);
    let ev = events
        .iter()
        .find(|e| e.0 == format!("appointment-{planned}@ankommen"))
        .unwrap();
    assert_eq!(ev.1, format!("Termin {number} – Büro"));
    assert!(
        ev.2.contains("Zimmer 3") && ev.2.contains("Seitenflügel"),
        "{ev:?}"
    );
    // 10:00 in Berlin in November is 09:00 UTC.
    assert_eq!(ev.3, "20261123T090000Z");
    assert_eq!(ev.4, "CONFIRMED");
    let gone = events
        .iter()
        .find(|e| e.0 == format!("appointment-{cancelled}@ankommen"))
        .unwrap();
    assert_eq!(gone.4, "CANCELLED");
    // A home visit's place is never the client's address.
    assert_eq!(gone.2, "Hausbesuch");
    // The fetch: recorded for the holder, naming nobody; the feed's last use noted.
    assert!(
        app.audit_has("calendar_feed_fetched", "allowed", Some(app.id("awo.im1")))
            .await
    );
    assert!(
        !app.audit_of(c.person_id, c.case_id)
            .await
            .iter()
            .any(|(a, _)| a == "calendar_feed_fetched")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM calendar_feeds WHERE last_used_at IS NOT NULL")
            .await,
        1
    );
    // The UID is stable from fetch to fetch.
    let again = parse(&anon.get(&format!("/calendar/feed/{token}.ics")).await.body);
    assert_eq!(
        again.iter().map(|e| &e.0).collect::<Vec<_>>(),
        events.iter().map(|e| &e.0).collect::<Vec<_>>()
    );

    // Renewed with initials: the old address is refused, the new one carries "A. Z." only.
    let renewed = create_feed(&mut im, true).await;
    assert_eq!(
        anon.get(&format!("/calendar/feed/{token}.ics"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = anon.get(&format!("/calendar/feed/{renewed}.ics")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Zerrouki") && !r.body.contains("Zerrouki"));
    let events = parse(&r.body);
    assert!(events.iter().all(|e| e.1.contains("(A. Z.)")), "{events:?}");
    // With initials the fetch names the person.
    assert!(
        app.audit_of(c.person_id, c.case_id)
            .await
            .iter()
            .any(|(a, who)| a == "calendar_feed_fetched" && *who == Some(app.id("awo.im1")))
    );

    // Revoked: refused.
    let r = im.get("/account").await;
    r.assert_contains("Abonnement widerrufen");
    let r = im.post("/account/calendar-feed/revoke", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anon.get(&format!("/calendar/feed/{renewed}.ics"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.audit_has("calendar_feed_revoked", "allowed", Some(app.id("awo.im1")))
            .await
    );
    assert!(
        app.audit_has("calendar_feed_created", "allowed", Some(app.id("awo.im1")))
            .await
    );

    // Unknown and malformed tokens.
    for bad in [
        format!("/calendar/feed/{}.ics", "0".repeat(64)),
        format!("/calendar/feed/{token}"),
        "/calendar/feed/abc.ics".to_string(),
    ] {
        assert_eq!(anon.get(&bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn a_moved_or_deactivated_holders_feed_keeps_nothing() {
    let app = TestApp::new().await;
    let (_c, _, _) = amina(&app).await;
    let mut im = app.login("awo.im1").await;
    let token = create_feed(&mut im, true).await;
    let mut anon = app.client();
    let url = format!("/calendar/feed/{token}.ics");
    assert_eq!(parse(&anon.get(&url).await.body).len(), 2);

    // Moved to Caritas: the cases stayed behind, so did their appointments.
    app.move_to("awo.im1", "Caritas").await;
    let r = anon.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(parse(&r.body).len(), 0, "{}", r.body);

    // Deactivated: the address answers like an unknown one.
    sql(
        &app,
        &format!(
            "UPDATE staff SET active = FALSE WHERE id = {}",
            app.id("awo.im1")
        ),
    )
    .await;
    assert_eq!(anon.get(&url).await.status, StatusCode::NOT_FOUND);

    // Administrators have no calendar to subscribe to.
    let mut admin = app.login("admin").await;
    let r = admin.get("/account").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Kalender abonnieren"));
    let r = admin.post("/account/calendar-feed", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_single_appointment_downloads_as_ics_for_whoever_may_read_the_case() {
    let app = TestApp::new().await;
    let (c, planned, _) = amina(&app).await;
    let number = case_number(&app, c.case_id).await;
    let mut im = app.login("awo.im1").await;
    let r = im.get(&format!("/appointments/{planned}/ics")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.header("content-disposition"),
        format!("attachment; filename=\"termin-{planned}.ics\"")
    );
    assert!(!r.body.contains("Zerrouki") && !r.body.contains("Zerrouki"));
    let events = parse(&r.body);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].1, format!("Termin {number} – Büro"));
    assert!(
        app.audit_of(c.person_id, c.case_id)
            .await
            .iter()
            .any(|(a, who)| a == "appointment_ics_downloaded" && *who == Some(app.id("awo.im1")))
    );

    // Nobody else: not the colleague, not another organisation, not the team lead (no case
    // content), not the administrator.
    for who in ["awo.im2", "awo.leitung", "caritas.im", "awo.admin"] {
        let mut other = app.login(who).await;
        let r = other.get(&format!("/appointments/{planned}/ics")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        assert!(!r.body.contains(&number), "{who}");
    }
    assert!(
        app.audit_has(
            "appointment_ics_downloaded",
            "denied",
            Some(app.id("awo.im2"))
        )
        .await
    );
    // A missing one.
    assert_eq!(
        im.get("/appointments/999999/ics").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_subscription_address_uses_the_configured_public_url() {
    let t = TestApp::new().await;
    let app = ankommen_web::router(t.state_with(ankommen_web::WebConfig {
        public_url: Some("https://ankommen.kreis-neckartal.de".into()),
        ..ankommen_web::WebConfig::default()
    }));
    let mut im = t.client_of(app);
    let r = im.login("awo.im1", crate::support::PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = im.post("/account/calendar-feed", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("value=\"https://ankommen.kreis-neckartal.de/calendar/feed/");
    let token = token_in(&page.body);
    // The address works (the token is the one stored).
    let mut anon = t.client();
    assert_eq!(
        anon.get(&format!("/calendar/feed/{token}.ics"))
            .await
            .status,
        StatusCode::OK
    );
}
