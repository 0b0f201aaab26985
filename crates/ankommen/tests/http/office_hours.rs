//! HTTP tests of rooms and office hours (issue 24, decision 0033): rooms kept by the municipal
//! officer of their municipality or the county's administrator, office hours kept by the IM, their
//! team lead or an administrator (every insider refused), bad input shown again, the recurrence
//! (every other week, a first day on another weekday, the last day, a day off, public holidays)
//! and the public page and poster without login, cookies or anybody's personal data.

use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;

use crate::fixtures;
use crate::support::{Client, Resp, TestApp};

const TALHEIM: &str = "08990001";
const BERGFELDEN: &str = "08990002";

/// The id at the end of a redirect to `{prefix}{id}`.
fn id_after(r: &Resp, prefix: &str) -> i64 {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .trim_start_matches(prefix)
        .parse()
        .unwrap_or_else(|_| panic!("no id in {}", r.location()))
}

/// Adds a room through the form as `c`; extra fields override the defaults.
async fn add_room(c: &mut Client, ags: &str, name: &str, extra: &[(&str, &str)]) -> Resp {
    c.get("/rooms/new").await;
    let mut f: Vec<(&str, &str)> = vec![
        ("municipality", ags),
        ("name", name),
        ("street", "Marktplatz 1"),
        ("postcode", "74999"),
        ("city", "Talheim"),
        ("accessibility", "Stufenloser Zugang, Aufzug"),
        ("active", "yes"),
    ];
    if !extra.iter().any(|(k, _)| *k == "organisations") {
        f.push(("open_to_all", "yes"));
    }
    f.retain(|(k, _)| !extra.iter().any(|(x, _)| x == k));
    f.extend_from_slice(extra);
    c.post("/rooms/new", &f).await
}

/// The id of the room just added (rooms redirect to the list).
async fn room_named(t: &TestApp, name: &str) -> i64 {
    t.scalar(&format!(
        "SELECT CAST(id AS BIGINT) AS n FROM rooms WHERE name = '{name}'"
    ))
    .await
}

/// A room in Talheim open to all, added by the town's integration officer. Returns its id.
async fn talheim_room(t: &TestApp, name: &str) -> i64 {
    let mut o = t.login("talheim.beauftragte").await;
    let r = add_room(&mut o, TALHEIM, name, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    room_named(t, name).await
}

/// Adds office hours through the form as `c`; extra fields override the defaults.
async fn add_slot(c: &mut Client, room: i64, extra: &[(&str, &str)]) -> Resp {
    c.get("/office-hours/new").await;
    let room = room.to_string();
    let mut f: Vec<(&str, &str)> = vec![
        ("room", &room),
        ("weekday", "5"),
        ("starts_at", "09:00"),
        ("ends_at", "12:00"),
        ("every_weeks", "1"),
        ("starts_on", "2026-11-23"),
        ("ends_on", ""),
        ("languages", "ar"),
        ("public_note", "Ohne Termin"),
        ("active", "yes"),
    ];
    f.retain(|(k, _)| !extra.iter().any(|(x, _)| x == k));
    f.extend_from_slice(extra);
    c.post("/office-hours/new", &f).await
}

/// The "next dates" list of a slot's page.
async fn upcoming(c: &mut Client, id: i64) -> String {
    let r = c.get(&format!("/office-hours/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let at = r.body.find("id=\"upcoming").expect("the next dates");
    r.body[at..].split("</section>").next().unwrap().to_string()
}

// ---------------------------------------------------------------------------------------------
// Rooms

#[tokio::test]
async fn rooms_are_kept_by_their_municipalitys_officer_and_the_county_administrator() {
    let t = TestApp::new().await;
    let mut officer = t.login("talheim.beauftragte").await;
    let r = officer.get("/rooms").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("href=\"/rooms\" aria-current=\"page\"");
    let r = add_room(&mut officer, TALHEIM, "Rathaus Talheim, Raum 2", &[]).await;
    assert_eq!(r.location(), "/rooms");
    let talheim = room_named(&t, "Rathaus Talheim, Raum 2").await;
    assert!(
        t.audit_has("room_created", "allowed", Some(t.id("talheim.beauftragte")))
            .await
    );
    officer
        .get("/rooms")
        .await
        .assert_contains("Rathaus Talheim, Raum 2");
    // Not in a municipality the officer does not serve: not even a choice.
    let r = add_room(&mut officer, BERGFELDEN, "Fremder Raum", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.count("rooms").await, 1);

    // The county's administrator keeps every municipality's rooms; a room only for Caritas.
    let caritas = t
        .scalar("SELECT CAST(id AS BIGINT) AS n FROM organisations WHERE name LIKE 'Caritas%'")
        .await
        .to_string();
    let mut admin = t.login("admin").await;
    let r = add_room(
        &mut admin,
        BERGFELDEN,
        "Bürgerhaus Bergfelden",
        &[("organisations", &caritas)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let bergfelden = room_named(&t, "Bürgerhaus Bergfelden").await;
    assert_eq!(
        admin.get(&format!("/rooms/{talheim}")).await.status,
        StatusCode::OK
    );
    // The officer of another municipality finds the Bergfelden room nowhere, and cannot change it.
    assert!(!officer.get("/rooms").await.body.contains("Bergfelden"));
    assert_eq!(
        officer.get(&format!("/rooms/{bergfelden}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = officer
        .post(
            &format!("/rooms/{bergfelden}"),
            &[
                ("version", "1"),
                ("municipality", TALHEIM),
                ("name", "Gekapert"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        t.audit_has("room_updated", "denied", Some(t.id("talheim.beauftragte")))
            .await
    );
    assert_eq!(room_named(&t, "Gekapert").await, 0);

    // Nobody else keeps rooms: IMs, team leads, the coordinator, an organisation's administrator.
    for user in [
        "awo.im1",
        "awo.leitung",
        "koordination",
        "awo.admin",
        "datenschutz",
    ] {
        let mut c = t.login(user).await;
        assert_eq!(
            c.get("/rooms").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert!(!c.get("/").await.body.contains("href=\"/rooms\""), "{user}");
        assert_eq!(
            c.get(&format!("/rooms/{talheim}")).await.status,
            StatusCode::NOT_FOUND,
            "{user}"
        );
        let r = add_room(&mut c, TALHEIM, &format!("Raum von {user}"), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
    }
    assert!(
        t.audit_has("room_created", "denied", Some(t.id("awo.im1")))
            .await
    );
    assert_eq!(t.count("rooms").await, 2);

    // Changing a room keeps the version; the officer closes it for all but AWO.
    let awo = t
        .scalar("SELECT CAST(id AS BIGINT) AS n FROM organisations WHERE name LIKE 'AWO%'")
        .await
        .to_string();
    officer.get(&format!("/rooms/{talheim}")).await;
    let r = officer
        .post(
            &format!("/rooms/{talheim}"),
            &[
                ("version", "1"),
                ("municipality", TALHEIM),
                ("name", "Rathaus Talheim, Raum 3"),
                ("street", "Marktplatz 1"),
                ("postcode", "74999"),
                ("city", "Talheim"),
                ("organisations", &awo),
                ("active", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM room_organisations")
            .await,
        2
    );
    // A second save with the old version is a conflict, shown on the form.
    let r = officer
        .post(
            &format!("/rooms/{talheim}"),
            &[
                ("version", "1"),
                ("municipality", TALHEIM),
                ("name", "Veraltet"),
                ("street", "Marktplatz 1"),
                ("postcode", "74999"),
                ("city", "Talheim"),
                ("open_to_all", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(room_named(&t, "Veraltet").await, 0);
}

#[tokio::test]
async fn a_room_with_bad_input_is_shown_again_with_what_was_typed() {
    let t = TestApp::new().await;
    let mut officer = t.login("talheim.beauftragte").await;
    officer.get("/rooms/new").await;
    let r = officer
        .post(
            "/rooms/new",
            &[
                ("municipality", TALHEIM),
                ("name", "Jugendhaus am See"),
                ("street", ""),
                ("postcode", "7499"),
                ("city", "Talheim"),
                ("organisations", "999999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"Jugendhaus am See\"");
    r.assert_contains("value=\"7499\"");
    r.assert_contains("id=\"e-postcode\"");
    r.assert_contains("id=\"e-street\"");
    r.assert_contains("id=\"e-organisations\"");
    r.assert_contains("href=\"#f-postcode\"");
    assert_eq!(t.count("rooms").await, 0);
}

// ---------------------------------------------------------------------------------------------
// Office hours

#[tokio::test]
async fn office_hours_are_kept_by_the_im_their_team_lead_and_an_administrator() {
    let t = TestApp::new().await;
    let room = talheim_room(&t, "Rathaus Talheim").await;
    let mut admin = t.login("admin").await;
    let r = add_room(
        &mut admin,
        BERGFELDEN,
        "Nur Caritas",
        &[(
            "organisations",
            &t.scalar(
                "SELECT CAST(id AS BIGINT) AS n FROM organisations WHERE name LIKE 'Caritas%'",
            )
            .await
            .to_string(),
        )],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let caritas_room = room_named(&t, "Nur Caritas").await;

    let mut im = t.login("awo.im1").await;
    let page = im.get("/office-hours/new").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Rathaus Talheim");
    assert!(
        !page.body.contains("Nur Caritas"),
        "a room AWO may not book"
    );
    page.assert_contains("العربية");
    // A room the organisation may not book is refused even when sent.
    let r = add_slot(&mut im, caritas_room, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-room\"");
    // Somebody else's office hours cannot be created by an IM.
    let other = t.id("awo.im2").to_string();
    let r = add_slot(&mut im, room, &[("staff", &other)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = add_slot(&mut im, room, &[]).await;
    let id = id_after(&r, "/office-hours/");
    assert!(
        t.audit_has("office_hours_created", "allowed", Some(t.id("awo.im1")))
            .await
    );
    let stored = t
        .scalar(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM office_hours WHERE id = {id} AND staff_id = {} \
             AND municipality_ags = '{TALHEIM}' AND languages = 'ar' AND weekday = 5",
            t.id("awo.im1")
        ))
        .await;
    assert_eq!(stored, 1);
    let list = im.get("/office-hours").await;
    list.assert_contains("Freitag 09:00–12:00 (jede Woche)");
    list.assert_contains("Arabisch");

    // Who keeps them: the IM, their team lead, AWO's administrator, the county's administrator.
    for user in ["awo.im1", "awo.leitung", "awo.admin", "admin"] {
        let mut c = t.login(user).await;
        let r = c.get(&format!("/office-hours/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{user}");
        r.assert_contains("Ohne Termin");
    }
    // Nobody else: another team, another organisation, the coordinator, the municipal officer,
    // the data-protection officer. Refusals are audited and look like a missing record.
    for user in [
        "awo.im2",
        "caritas.im",
        "caritas.leitung",
        "koordination",
        "talheim.beauftragte",
        "datenschutz",
    ] {
        let mut c = t.login(user).await;
        assert_eq!(
            c.get(&format!("/office-hours/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{user}"
        );
        assert!(
            !c.get("/office-hours").await.body.contains("Ohne Termin"),
            "{user}"
        );
        let r = c
            .post(
                &format!("/office-hours/{id}"),
                &[
                    ("version", "1"),
                    ("room", &room.to_string()),
                    ("weekday", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = c
            .post(
                &format!("/office-hours/{id}/days-off"),
                &[("on_date", "2026-12-04"), ("reason", "other")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
    }
    assert!(
        t.audit_has("office_hours_viewed", "denied", Some(t.id("awo.im2")))
            .await
    );
    assert!(
        t.audit_has("office_hours_updated", "denied", Some(t.id("caritas.im")))
            .await
    );
    assert_eq!(t.count("office_hour_exceptions").await, 0);

    // The team lead changes them (to Tuesdays, with Tigrinya): stored, audited.
    let mut lead = t.login("awo.leitung").await;
    lead.get(&format!("/office-hours/{id}")).await;
    let r = lead
        .post(
            &format!("/office-hours/{id}"),
            &[
                ("version", "1"),
                ("room", &room.to_string()),
                ("weekday", "2"),
                ("starts_at", "14:00"),
                ("ends_at", "16:30"),
                ("every_weeks", "2"),
                ("starts_on", "2026-11-24"),
                ("languages", "ar"),
                ("languages", "ti"),
                ("active", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        t.audit_has("office_hours_updated", "allowed", Some(t.id("awo.leitung")))
            .await
    );
    im.get("/office-hours")
        .await
        .assert_contains("Dienstag 14:00–16:30 (alle zwei Wochen)");

    // The IM who moved to another organisation keeps nothing of the old one's office hours, and
    // the public page no longer offers them.
    let mut anon = t.client();
    anon.get(&format!("/sprechstunden/{TALHEIM}"))
        .await
        .assert_contains("AWO Kreisverband Neckartal");
    t.move_to("awo.im1", "Caritas").await;
    let mut moved = t.login("awo.im1").await;
    assert_eq!(
        moved.get(&format!("/office-hours/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let public = anon.get(&format!("/sprechstunden/{TALHEIM}")).await;
    assert!(!public.body.contains("AWO Kreisverband Neckartal"));
    // Deactivated staff's office hours are not offered either.
    let mut lead_slot = t.login("awo.leitung").await;
    let r = add_slot(&mut lead_slot, room, &[]).await;
    let lead_id = id_after(&r, "/office-hours/");
    assert!(lead_id > id);
    anon.get(&format!("/sprechstunden/{TALHEIM}"))
        .await
        .assert_contains("AWO Kreisverband Neckartal");
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET active = false WHERE id = {}",
            t.id("awo.leitung")
        ))
        .await
        .unwrap();
    let public = anon.get(&format!("/sprechstunden/{TALHEIM}")).await;
    assert!(!public.body.contains("AWO Kreisverband Neckartal"));
}

#[tokio::test]
async fn office_hours_with_bad_input_are_shown_again_with_what_was_typed() {
    let t = TestApp::new().await;
    let room = talheim_room(&t, "Rathaus Talheim").await;
    let mut im = t.login("talheim.im").await;
    let r = add_slot(
        &mut im,
        room,
        &[
            ("weekday", "9"),
            ("starts_at", "25:00"),
            ("every_weeks", "3"),
            ("starts_on", "2026-12-10"),
            ("ends_on", "2026-12-01"),
            ("languages", "xx"),
            ("public_note", "Bitte klingeln"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "weekday",
        "starts_at",
        "every_weeks",
        "ends_on",
        "languages",
    ] {
        r.assert_contains(&format!("id=\"e-{field}\""));
        r.assert_contains(&format!("href=\"#f-{field}\""));
    }
    r.assert_contains("Bitte klingeln");
    r.assert_contains("value=\"25:00\"");
    // The end before the start on one day.
    let r = add_slot(
        &mut im,
        room,
        &[("starts_at", "12:00"), ("ends_at", "11:00")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Ende liegt vor dem Anfang.");
    assert_eq!(t.count("office_hours").await, 0);

    // A day off needs a day and one of the reasons; twice the same day is refused.
    let id = id_after(&add_slot(&mut im, room, &[]).await, "/office-hours/");
    let r = im
        .post(
            &format!("/office-hours/{id}/days-off"),
            &[("on_date", "31.02.2026"), ("reason", "krank")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-on_date\"");
    r.assert_contains("id=\"e-reason\"");
    r.assert_contains("value=\"31.02.2026\"");
    let ok = [("on_date", "2026-12-04"), ("reason", "absence")];
    let r = im.post(&format!("/office-hours/{id}/days-off"), &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im.post(&format!("/office-hours/{id}/days-off"), &ok).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.count("office_hour_exceptions").await, 1);
}

#[tokio::test]
async fn recurrence_skips_days_off_and_public_holidays() {
    // Today is Saturday, 21 November 2026; the next eight weeks reach into January 2027.
    let t = TestApp::new().await;
    let room = talheim_room(&t, "Rathaus Talheim").await;
    let mut im = t.login("talheim.im").await;

    // Fridays every week from Monday 23 Nov (a first day on another weekday): the first is the
    // 27th; Christmas Day and New Year's Day are Fridays and skipped; a week off on 11 Dec.
    let fridays = id_after(&add_slot(&mut im, room, &[]).await, "/office-hours/");
    let r = im
        .post(
            &format!("/office-hours/{fridays}/days-off"),
            &[("on_date", "2026-12-11"), ("reason", "absence")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let dates = upcoming(&mut im, fridays).await;
    for day in ["27.11.2026", "04.12.2026", "18.12.2026", "08.01.2027"] {
        assert!(dates.contains(day), "{day} in {dates}");
    }
    for day in ["20.11.2026", "11.12.2026", "25.12.2026", "01.01.2027"] {
        assert!(!dates.contains(day), "{day} in {dates}");
    }
    assert!(dates.contains("Fr., 27.11.2026, 09:00–12:00"), "{dates}");
    // Taking the day off back brings the day back.
    let day_off = t
        .scalar("SELECT CAST(id AS BIGINT) AS n FROM office_hour_exceptions")
        .await;
    let r = im
        .post(
            &format!("/office-hours/{fridays}/days-off/{day_off}/remove"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(upcoming(&mut im, fridays).await.contains("11.12.2026"));

    // Mondays every other week from 23 Nov, ending 21 Dec (the last day included).
    let mondays = id_after(
        &add_slot(
            &mut im,
            room,
            &[
                ("weekday", "1"),
                ("every_weeks", "2"),
                ("ends_on", "2026-12-21"),
            ],
        )
        .await,
        "/office-hours/",
    );
    let dates = upcoming(&mut im, mondays).await;
    for day in ["23.11.2026", "07.12.2026", "21.12.2026"] {
        assert!(dates.contains(day), "{day} in {dates}");
    }
    for day in ["30.11.2026", "14.12.2026", "28.12.2026", "04.01.2027"] {
        assert!(!dates.contains(day), "{day} in {dates}");
    }

    // The public page shows the same days: the holiday is not offered.
    let mut anon = t.client();
    let public = anon.get(&format!("/sprechstunden/{TALHEIM}")).await;
    public.assert_contains("27.11.2026");
    public.assert_contains("07.12.2026");
    assert!(!public.body.contains("25.12.2026"));
    assert!(!public.body.contains("30.11.2026"));
}

// ---------------------------------------------------------------------------------------------
// The public page and the poster

#[tokio::test]
async fn the_public_page_needs_no_login_sets_no_cookie_and_names_nobody() {
    let t = TestApp::new().await;
    // A client of the same municipality, and the IM who holds the office hours.
    let p =
        fixtures::register_named(&t, "talheim.im", "Yusra", "Haddadin", Some("يسرى"), "1991").await;
    let room = talheim_room(&t, "Rathaus Talheim, Raum 2").await;
    let mut im = t.login("talheim.im").await;
    add_slot(&mut im, room, &[("languages", "ti")]).await;
    let r = add_slot(&mut im, room, &[("weekday", "2")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let audit_before = t.count("audit_events").await;

    let mut anon = t.client();
    let list = anon.get("/sprechstunden").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains("Sprechstunden des Integrationsmanagements");
    list.assert_contains(&format!("href=\"/sprechstunden/{TALHEIM}\""));
    list.assert_contains("Talheim am Neckar");
    assert!(!list.body.contains("Bergfelden"), "no office hours there");
    let page = anon.get(&format!("/sprechstunden/{TALHEIM}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for r in [&list, &page] {
        assert!(r.headers.get("set-cookie").is_none(), "{:?}", r.headers);
        assert_eq!(r.header("cache-control"), "no-store");
        assert!(
            r.header("content-security-policy")
                .contains("default-src 'none'")
        );
        assert!(!r.body.contains("name=\"_csrf\""));
        assert!(!r.body.contains("action=\"/logout\""));
    }
    assert!(anon.cookies.is_empty());
    page.assert_contains("Sprechstunden in Talheim am Neckar");
    page.assert_contains("Rathaus Talheim, Raum 2");
    page.assert_contains("Marktplatz 1, 74999 Talheim");
    page.assert_contains("Stufenloser Zugang, Aufzug");
    page.assert_contains("Ohne Termin");
    page.assert_contains("Stadt Talheim am Neckar");
    page.assert_contains("<span lang=\"ar\" dir=\"auto\">العربية</span>");
    page.assert_contains("<span lang=\"ti\" dir=\"auto\">ትግርኛ</span>");
    page.assert_contains("Fr., 27.11.2026");
    page.assert_contains("Di., 24.11.2026");
    // Nobody's name: not the client's (in Latin or Arabic letters, nor their canary), not the IM's.
    for absent in ["Yusra", "Haddadin", "يسرى", &p.canary, "Markus Weber"] {
        assert!(!page.body.contains(absent), "{absent}");
        assert!(!list.body.contains(absent), "{absent}");
    }
    // Reading the public page leaves no trace in the audit log (nobody to name).
    assert_eq!(t.count("audit_events").await, audit_before);

    // In English.
    let en = anon.get(&format!("/sprechstunden/{TALHEIM}?lang=en")).await;
    en.assert_contains("<html lang=\"en\"");
    en.assert_contains("Office hours in Talheim am Neckar");
    en.assert_contains("Tue 24.11.2026");
    // A municipality without office hours, one that does not exist, a malformed key.
    let none = anon.get(&format!("/sprechstunden/{BERGFELDEN}")).await;
    assert_eq!(none.status, StatusCode::OK);
    none.assert_contains("id=\"public-none\"");
    for bad in ["08999999", "abc", "0899000", "089900011"] {
        let r = anon.get(&format!("/sprechstunden/{bad}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
        r.assert_contains("Nicht gefunden");
        assert!(r.headers.get("set-cookie").is_none());
    }
    // Signed in, the page is the same (and still sets no cookie of its own).
    let r = im.get(&format!("/sprechstunden/{TALHEIM}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get("set-cookie").is_none());
}

#[tokio::test]
async fn the_poster_is_a_pdf_in_german_beside_the_chosen_language() {
    let t = TestApp::new().await;
    fixtures::register_named(&t, "talheim.im", "Yusra", "Haddadin", None, "1991").await;
    let room = talheim_room(&t, "Rathaus Talheim").await;
    let mut im = t.login("talheim.im").await;
    add_slot(&mut im, room, &[]).await;
    let mut anon = t.client();
    let page = anon.get(&format!("/sprechstunden/{TALHEIM}")).await;
    page.assert_contains(&format!("/sprechstunden/{TALHEIM}/aushang.pdf?lang=ar"));
    for lang in ["de", "ar", "ti", "uk"] {
        let r = anon
            .get(&format!("/sprechstunden/{TALHEIM}/aushang.pdf?lang={lang}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{lang}");
        assert_eq!(r.header("content-type"), "application/pdf");
        assert!(r.bytes.starts_with(b"%PDF"), "{lang}");
        assert!(r.headers.get("set-cookie").is_none());
        assert!(
            r.header("content-disposition")
                .contains(&format!("sprechstunden-{TALHEIM}-{lang}.pdf"))
        );
    }
    for bad in ["xx", "ps"] {
        let r = anon
            .get(&format!("/sprechstunden/{TALHEIM}/aushang.pdf?lang={bad}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
    assert_eq!(
        anon.get("/sprechstunden/08999999/aushang.pdf?lang=ar")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
