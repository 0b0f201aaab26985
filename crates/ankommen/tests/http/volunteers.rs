//! HTTP tests of volunteers (issue 23, decision 0031): the register per organisation (who keeps and
//! who sees it, bad input), matching under a release for that volunteer (missing, wrong
//! volunteer, without data), ending a match, the case page and timeline, the reminders on the
//! start page, the sheet's data (only what is released), the coordinator's figures, and the
//! access matrix of every new route.

use ankommen_core::casework::volunteers;
use ankommen_core::records::releases::Released;
use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;

use crate::fixtures;
use crate::support::{Client, Resp, TestApp};

fn today(t: &TestApp) -> chrono::NaiveDate {
    use ankommen_core::Clock;
    t.clock.now().date_naive()
}

/// The id at the end of a redirect to `/volunteers/{id}`.
fn id_in(r: &Resp) -> i64 {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .trim_start_matches("/volunteers/")
        .parse()
        .unwrap_or_else(|_| panic!("no id in {}", r.location()))
}

/// Adds a volunteer through the form as `c`; extra fields override the defaults.
async fn add_volunteer(c: &mut Client, name: &str, extra: &[(&str, &str)]) -> Resp {
    c.get("/volunteers/new").await;
    let mut fields: Vec<(&str, &str)> = vec![("name", name)];
    for (k, v) in [("active", "yes"), ("works_with_minors", "no")] {
        if !extra.iter().any(|(x, _)| *x == k) {
            fields.push((k, v));
        }
    }
    fields.extend_from_slice(extra);
    c.post("/volunteers", &fields).await
}

/// A volunteer of AWO who speaks Tigrinya and signed the pledge. Returns the id.
async fn hanna(t: &TestApp) -> i64 {
    let mut im = t.login("awo.im1").await;
    let day = today(t).to_string();
    id_in(
        &add_volunteer(
            &mut im,
            "Hanna Weiss",
            &[
                ("languages", "ti"),
                ("offers", "accompaniment"),
                ("offers", "german_practice"),
                ("municipalities", "08990002"),
                ("pledge_on", day.as_str()),
                ("phone", "0151 777"),
            ],
        )
        .await,
    )
}

/// Records a release for a named recipient through the page.
async fn release(c: &mut Client, person: i64, recipient: &str, categories: &[&str], from: &str) {
    c.get(&format!("/clients/{person}/releases/new")).await;
    let mut f: Vec<(&str, &str)> = vec![
        ("recipient", "other"),
        ("recipient_name", recipient),
        ("recipient_category", "volunteers"),
        ("purpose", "Begleitung"),
        ("valid_from", from),
        ("valid_until", ""),
        ("mutual", "no"),
    ];
    for c in categories {
        f.push(("categories", c));
    }
    let r = c.post(&format!("/clients/{person}/releases"), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn post_match(c: &mut Client, case_id: i64, fields: &[(&str, &str)]) -> Resp {
    c.get(&format!("/cases/{case_id}/volunteers/new")).await;
    c.post(&format!("/cases/{case_id}/volunteers/new"), fields)
        .await
}

// ---------------------------------------------------------------------------------------------
// The register

#[tokio::test]
async fn the_register_is_kept_and_seen_only_by_the_organisations_ims_and_team_leads() {
    let t = TestApp::new().await;
    let v = hanna(&t).await;
    assert!(
        t.audit_has("volunteer_created", "allowed", Some(t.id("awo.im1")))
            .await
    );
    // The team lead of the organisation sees and changes the entry.
    let mut lead = t.login("awo.leitung").await;
    let list = lead.get("/volunteers").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains("Hanna Weiss");
    list.assert_contains("Tigrinya");
    list.assert_contains("Begleitung zu Terminen");
    let page = lead.get(&format!("/volunteers/{v}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("value=\"0151 777\"");
    let r = lead
        .post(
            &format!("/volunteers/{v}"),
            &[
                ("version", "1"),
                ("name", "Hanna Weiß"),
                ("languages", "ti"),
                ("works_with_minors", "no"),
                ("active", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        t.audit_has("volunteer_updated", "allowed", Some(t.id("awo.leitung")))
            .await
    );
    let mut im2 = t.login("awo.im2").await;
    im2.get("/volunteers").await.assert_contains("Hanna Weiß");
    im2.get("/").await.assert_contains("href=\"/volunteers\"");

    // Another organisation's IM and team lead: not in their list, 404 like a missing one.
    for user in ["caritas.im", "caritas.leitung"] {
        let mut c = t.login(user).await;
        let list = c.get("/volunteers").await;
        assert_eq!(list.status, StatusCode::OK, "{user}");
        assert!(!list.body.contains("Hanna"), "{user}");
        let r = c.get(&format!("/volunteers/{v}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!r.body.contains("Hanna"), "{user}");
        let r = c
            .post(
                &format!("/volunteers/{v}"),
                &[
                    ("version", "2"),
                    ("name", "Übernommen"),
                    ("works_with_minors", "no"),
                    ("active", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = c.post(&format!("/volunteers/{v}/delete"), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
    }
    assert!(
        t.audit_has("volunteer_updated", "denied", Some(t.id("caritas.leitung")))
            .await
    );
    // The coordinator, the administrator, the data-protection officer and the municipal officer
    // see no register and no names.
    for user in [
        "koordination",
        "admin",
        "datenschutz",
        "talheim.beauftragte",
    ] {
        let mut c = t.login(user).await;
        let r = c.get("/volunteers").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.body.contains("Hanna"), "{user}");
        let r = c.get(&format!("/volunteers/{v}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(
            !c.get("/").await.body.contains("href=\"/volunteers\""),
            "{user}"
        );
    }
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM volunteers WHERE name = 'Hanna Weiß'")
            .await,
        1
    );
    // Filters: by language, offer, municipality; inactive ones only when asked for.
    let mut im = t.login("awo.im1").await;
    add_volunteer(
        &mut im,
        "Karl Alt",
        &[("languages", "ar"), ("active", "no")],
    )
    .await;
    let r = im.get("/volunteers?language=ti&municipality=").await;
    r.assert_contains("Hanna");
    assert!(!r.body.contains("Karl Alt"));
    assert!(
        !im.get("/volunteers?language=ar")
            .await
            .body
            .contains("Karl Alt")
    );
    im.get("/volunteers?language=ar&inactive=yes")
        .await
        .assert_contains("Karl Alt");
    assert!(
        !im.get("/volunteers?offer=homework")
            .await
            .body
            .contains("Hanna")
    );
    let r = im.get("/volunteers?language=xx&offer=zauberei").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte wählen Sie einen Eintrag aus der Liste.");
}

#[tokio::test]
async fn bad_volunteer_input_is_said_next_to_its_field_and_what_was_typed_is_kept() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im1").await;
    let r = add_volunteer(
        &mut im,
        "",
        &[
            ("phone", "0711 99"),
            ("email", "kein-at"),
            ("languages", "xx"),
            ("offers", "zauberei"),
            ("pledge_on", "31.02.2026"),
            ("police_certificate_on", "2099-01-01"),
            ("availability", "dienstags"),
            ("works_with_minors", "vielleicht"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte ausfüllen.");
    r.assert_contains("Bitte geben Sie eine gültige E-Mail-Adresse ein.");
    r.assert_contains("Das Datum darf nicht in der Zukunft liegen.");
    r.assert_contains("value=\"0711 99\"");
    r.assert_contains("value=\"31.02.2026\"");
    r.assert_contains("dienstags");
    assert_eq!(t.count("volunteers").await, 0);
    // A stale edit.
    let v = hanna(&t).await;
    let save = |name: &'static str| {
        vec![
            ("version", "1"),
            ("name", name),
            ("works_with_minors", "no"),
            ("active", "yes"),
        ]
    };
    im.get(&format!("/volunteers/{v}")).await;
    let r = im.post(&format!("/volunteers/{v}"), &save("Hanna A")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im.post(&format!("/volunteers/{v}"), &save("Hanna B")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("value=\"Hanna B\"");
}

// ---------------------------------------------------------------------------------------------
// Matching

#[tokio::test]
async fn a_match_hands_data_over_only_under_a_release_for_that_volunteer() {
    let t = TestApp::new().await;
    let v = hanna(&t).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Vol").await;
    let (pid, vid) = (c.person_id.to_string(), v.to_string());
    let day = today(&t).to_string();
    let mut im = t.login("awo.im1").await;
    // The search finds active volunteers by language.
    let r = im
        .get(&format!("/cases/{}/volunteers/new?language=ti", c.case_id))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Hanna Weiss");
    let r = im
        .get(&format!("/cases/{}/volunteers/new?language=ar", c.case_id))
        .await;
    assert!(!r.body.contains("Hanna Weiss"));
    r.assert_contains("Keine aktiven Ehrenamtlichen passen zur Suche.");
    let r = im
        .get(&format!("/cases/{}/volunteers/new?language=xx", c.case_id))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let fields = |cats: &[&'static str]| -> Vec<(&'static str, String)> {
        let mut f = vec![
            ("volunteer", vid.clone()),
            ("person", pid.clone()),
            ("from", day.clone()),
            ("until", String::new()),
            ("purpose", "CANARY-Vol-purpose".to_string()),
        ];
        f.extend(cats.iter().map(|c| ("categories", c.to_string())));
        f
    };
    async fn post(im: &mut Client, case: i64, f: &[(&'static str, String)]) -> Resp {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_match(im, case, &refs).await
    }
    // No release: refused, with the link to record one first, and what was typed kept.
    let r = post(&mut im, c.case_id, &fields(&["identity", "contact"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("keine gültige Schweigepflichtentbindung");
    r.assert_contains(&format!(
        "href=\"/clients/{pid}/releases/new?volunteer={v}\""
    ));
    r.assert_contains("CANARY-Vol-purpose");
    assert_eq!(t.count("volunteer_matches").await, 0);
    let rf = im
        .get(&format!("/clients/{pid}/releases/new?volunteer={v}"))
        .await;
    assert_eq!(rf.status, StatusCode::OK);
    rf.assert_contains("value=\"Hanna Weiss\"");
    // A release for someone else does not do.
    release(
        &mut im,
        c.person_id,
        "Jobcenter Neckartal",
        &["identity"],
        &day,
    )
    .await;
    let r = post(&mut im, c.case_id, &fields(&["identity"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A release for the volunteer covering identity only: contact still refused.
    release(&mut im, c.person_id, "hanna  weiss", &["identity"], &day).await;
    let release_id = t.scalar("SELECT MAX(id) AS n FROM releases").await;
    let r = post(&mut im, c.case_id, &fields(&["identity", "contact"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Health can never be handed to a volunteer.
    let r = post(&mut im, c.case_id, &fields(&["health"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&mut im, c.case_id, &fields(&["identity"])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM volunteer_matches WHERE release_id = {release_id} \
             AND data_categories = 'identity' AND volunteer_id = {v}"
        ))
        .await,
        1
    );
    // The purpose is sealed at rest.
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM volunteer_matches WHERE purpose_sealed IS NOT NULL")
            .await,
        1
    );
    let audit = t.audit_of(c.person_id, c.case_id).await;
    assert!(
        audit
            .iter()
            .any(|(a, who)| a == "volunteer_matched" && *who == Some(t.id("awo.im1")))
    );
    // Without data: allowed without any release.
    let mut f = fields(&[]);
    f[4].1 = "Hausaufgaben".into();
    let r = post(&mut im, c.case_id, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM volunteer_matches WHERE release_id IS NULL")
            .await,
        1
    );
    // On the case page and the timeline.
    let page = im.get(&format!("/cases/{}", c.case_id)).await;
    page.assert_contains("Ehrenamtliche Begleitung");
    page.assert_contains("Hanna Weiss");
    page.assert_contains("CANARY-Vol-purpose");
    let tl = im.get(&format!("/cases/{}/timeline", c.case_id)).await;
    tl.assert_contains("Ehrenamtliche Begleitung durch Hanna Weiss");
    let tl = im
        .get(&format!("/cases/{}/timeline?show=volunteer", c.case_id))
        .await;
    assert_eq!(tl.status, StatusCode::OK);
    tl.assert_contains("Hanna Weiss");

    // Ending a match: not before it began; then it is no longer running.
    let mid = t.scalar("SELECT MIN(id) AS n FROM volunteer_matches").await;
    let r = im
        .post(
            &format!("/volunteer-matches/{mid}/end"),
            &[
                ("version", "1"),
                ("case", c.case_id.to_string().as_str()),
                ("until", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bis");
    let r = im
        .post(
            &format!("/volunteer-matches/{mid}/end"),
            &[
                ("version", "1"),
                ("case", c.case_id.to_string().as_str()),
                ("until", day.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        t.audit_of(c.person_id, c.case_id)
            .await
            .iter()
            .any(|(a, _)| a == "volunteer_match_ended")
    );
    // A matched volunteer is not deleted, only marked inactive; an inactive one is not offered.
    let r = im.post(&format!("/volunteers/{v}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(t.count("volunteers").await, 1);
    t.db.writer()
        .execute_unprepared("UPDATE volunteers SET active = false")
        .await
        .unwrap();
    let r = im
        .get(&format!("/cases/{}/volunteers/new", c.case_id))
        .await;
    assert!(!r.body.contains(">Hanna Weiss"));
    let r = post(&mut im, c.case_id, &fields(&[])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn bad_match_input_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let v = hanna(&t).await.to_string();
    let c = fixtures::register_with_canary(&t, "awo.im1", "Bm").await;
    let mut im = t.login("awo.im1").await;
    let pid = c.person_id.to_string();
    let r = post_match(
        &mut im,
        c.case_id,
        &[
            ("volunteer", v.as_str()),
            ("person", pid.as_str()),
            ("from", "2026-11-20"),
            ("until", "2026-11-01"),
            ("purpose", "Deutsch üben CANARY-typed"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"2026-11-01\"");
    r.assert_contains("CANARY-typed");
    let r = post_match(
        &mut im,
        c.case_id,
        &[
            ("volunteer", "abc"),
            ("person", "999999"),
            ("from", "kein Datum"),
            ("purpose", ""),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"kein Datum\"");
    r.assert_contains("Bitte ausfüllen.");
    // Another organisation's volunteer is no choice.
    let mut other = t.login("caritas.im").await;
    let foreign = id_in(&add_volunteer(&mut other, "Fremd Person", &[]).await).to_string();
    let r = post_match(
        &mut im,
        c.case_id,
        &[
            ("volunteer", foreign.as_str()),
            ("person", pid.as_str()),
            ("from", "2026-11-20"),
            ("purpose", "x"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.body.contains("Fremd Person"));
    assert_eq!(t.count("volunteer_matches").await, 0);
}

#[tokio::test]
async fn matching_is_refused_everywhere_to_whoever_may_not_record_a_contact_on_the_case() {
    let t = TestApp::new().await;
    let v = hanna(&t).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Acc").await;
    let day = today(&t).to_string();
    let (vs, ps) = (v.to_string(), c.person_id.to_string());
    let fields = [
        ("volunteer", vs.as_str()),
        ("person", ps.as_str()),
        ("from", day.as_str()),
        ("purpose", "Begleitung"),
    ];
    let mut im = t.login("awo.im1").await;
    let r = post_match(&mut im, c.case_id, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mid = t.scalar("SELECT MAX(id) AS n FROM volunteer_matches").await;
    let case = c.case_id.to_string();
    let end = [
        ("version", "1"),
        ("case", case.as_str()),
        ("until", day.as_str()),
    ];
    // A colleague without a share, the team lead, another organisation's IM and team lead, the
    // coordinator: 404 like a missing case, nothing of the client shown, nothing changed.
    for user in [
        "awo.im2",
        "awo.leitung",
        "caritas.im",
        "caritas.leitung",
        "koordination",
        "admin",
    ] {
        let mut b = t.login(user).await;
        let g = b.get(&format!("/cases/{}/volunteers/new", c.case_id)).await;
        assert_eq!(g.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!g.body.contains("CanaryAcc"), "{user}");
        let r = b
            .post(&format!("/cases/{}/volunteers/new", c.case_id), &fields)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        let r = b.post(&format!("/volunteer-matches/{mid}/end"), &end).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
    }
    assert!(
        t.audit_has("volunteer_matched", "denied", Some(t.id("awo.im2")))
            .await
    );
    assert!(
        t.audit_has("volunteer_match_ended", "denied", Some(t.id("caritas.im")))
            .await
    );
    // The sheet's data: refused the same way.
    let ctx = t.ctx_of("awo.im2").await;
    assert!(matches!(
        volunteers::sheet(&t.db, &ctx, &t.sealer(), mid).await,
        Err(ankommen_core::Error::NotFound)
    ));
    // A deactivated employee's session opens nothing.
    let mut im2 = t.login("awo.im2").await;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET active = false WHERE id = {}",
            t.id("awo.im2")
        ))
        .await
        .unwrap();
    let r = im2.get("/volunteers").await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Hanna"));
    // The holder, moved to another organisation: the case, the match and the register are gone.
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
        .post(&format!("/cases/{}/volunteers/new", c.case_id), &fields)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = moved
        .post(&format!("/volunteer-matches/{mid}/end"), &end)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        moved.get(&format!("/volunteers/{v}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!moved.get("/volunteers").await.body.contains("Hanna"));
    assert_eq!(t.count("volunteer_matches").await, 1);
    assert_eq!(
        t.scalar("SELECT COUNT(*) AS n FROM volunteer_matches WHERE until_date IS NULL")
            .await,
        1
    );
}

// ---------------------------------------------------------------------------------------------
// The sheet

#[tokio::test]
async fn the_volunteer_sheet_holds_only_the_released_data() {
    let t = TestApp::new().await;
    let v = hanna(&t).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Sheet").await;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE persons SET phone = 'CANARY-Sheet-phone', email = 'canary-sheet@example.org', \
             address = 'CANARY-Sheet-address', languages = '[{{\"code\":\"ti\",\"level\":\"native\"}}]' \
             WHERE id = {}",
            c.person_id
        ))
        .await
        .unwrap();
    let day = today(&t).to_string();
    let mut im = t.login("awo.im1").await;
    release(&mut im, c.person_id, "Hanna Weiss", &["contact"], &day).await;
    let (vs, ps) = (v.to_string(), c.person_id.to_string());
    let r = post_match(
        &mut im,
        c.case_id,
        &[
            ("volunteer", vs.as_str()),
            ("person", ps.as_str()),
            ("from", day.as_str()),
            ("purpose", "Begleitung zum Arzt"),
            ("categories", "contact"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mid = t.scalar("SELECT MAX(id) AS n FROM volunteer_matches").await;
    let ctx = t.ctx_of("awo.im1").await;
    let s = volunteers::sheet(&t.db, &ctx, &t.sealer(), mid)
        .await
        .unwrap();
    assert_eq!(s.volunteer, "Hanna Weiss");
    assert_eq!(s.purpose.as_deref(), Some("Begleitung zum Arzt"));
    assert_eq!(s.im_organisation, "AWO Kreisverband Neckartal");
    assert!(s.im_email.is_some());
    // Contact released: the phone and e-mail are there; the name, address, birth and languages
    // (identity, language) and everything else are not.
    let all = format!("{s:?}");
    assert!(all.contains("CANARY-Sheet-phone"), "{all}");
    assert!(!all.contains("CanarySheet"), "{all}");
    assert!(!all.contains("CANARY-Sheet-address"), "{all}");
    assert!(!all.contains("CANARY-Sheet-profession"), "{all}");
    assert!(!all.contains("Languages"), "{all}");
    assert_eq!(s.released.len(), 1);
    assert!(
        s.released[0]
            .fields
            .iter()
            .any(|(_, v)| *v == Released::Text("CANARY-Sheet-phone".into()))
    );
    let audit = t.audit_of(c.person_id, c.case_id).await;
    assert!(
        audit
            .iter()
            .any(|(a, who)| a == "volunteer_sheet_printed" && *who == Some(t.id("awo.im1")))
    );
    // The printed sheet, from the case page, in Tigrinya beside German: the phone, not the name.
    let sheet_path = format!("/volunteer-matches/{mid}/sheet?lang=ti");
    im.get(&format!("/cases/{}", c.case_id))
        .await
        .assert_contains(&format!("action=\"/volunteer-matches/{mid}/sheet\""));
    let pdf = im.get(&sheet_path).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    let text = crate::plans::pdf_text(&pdf.bytes);
    for present in [
        "Hanna Weiss",
        "Begleitung zum Arzt",
        "CANARY-Sheet-phone",
        "ወረቐት ንወለንተኛ",
    ] {
        assert!(text.contains(present), "{present} missing in {text}");
    }
    for absent in ["CanarySheet", "CANARY-Sheet-address", "Tigrinya"] {
        assert!(!text.contains(absent), "{absent} on the sheet: {text}");
    }
    assert_eq!(
        im.get(&format!("/volunteer-matches/{mid}/sheet?lang=xx"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    for user in [
        "awo.im2",
        "awo.leitung",
        "caritas.im",
        "koordination",
        "admin",
    ] {
        let mut b = t.login(user).await;
        let r = b.get(&sheet_path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(!r.bytes.starts_with(b"%PDF"), "{user}");
    }
    // Once the release is revoked, nothing of the person is on the sheet.
    let rid = t.scalar("SELECT MAX(id) AS n FROM releases").await;
    let version = t
        .scalar(&format!(
            "SELECT CAST(version AS BIGINT) AS n FROM releases WHERE id = {rid}"
        ))
        .await
        .to_string();
    let page = im.get(&format!("/releases/{rid}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let r = im
        .post(
            &format!("/releases/{rid}/revoke"),
            &[("version", version.as_str()), ("revoked_on", day.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let s = volunteers::sheet(&t.db, &ctx, &t.sealer(), mid)
        .await
        .unwrap();
    assert!(s.released.is_empty(), "{s:?}");
    let text = crate::plans::pdf_text(&im.get(&sheet_path).await.bytes);
    assert!(!text.contains("CANARY-Sheet-phone"), "{text}");
    assert!(
        text.contains("Auf diesem Blatt stehen keine Angaben"),
        "{text}"
    );
    assert!(!format!("{s:?}").contains("CANARY-Sheet"));
}

// ---------------------------------------------------------------------------------------------
// Reminders and figures

#[tokio::test]
async fn lapsing_certificates_and_missing_pledges_appear_for_team_leads_and_matched_ims() {
    let t = TestApp::new().await;
    let day = today(&t);
    // A certificate of five years ago plus 30 days: it lapses in 30 days (reminded 56 ahead).
    let lapsing = (day - chrono::Months::new(60) + chrono::Duration::days(30)).to_string();
    let old = (day - chrono::Months::new(61)).to_string();
    let pledge = day.to_string();
    let mut im = t.login("awo.im1").await;
    let kinder = id_in(
        &add_volunteer(
            &mut im,
            "Kim Kinderhilfe",
            &[
                ("works_with_minors", "yes"),
                ("police_certificate_on", lapsing.as_str()),
                ("pledge_on", pledge.as_str()),
                ("offers", "homework"),
            ],
        )
        .await,
    );
    add_volunteer(
        &mut im,
        "Olaf Abgelaufen",
        &[
            ("works_with_minors", "yes"),
            ("police_certificate_on", old.as_str()),
            ("pledge_on", pledge.as_str()),
        ],
    )
    .await;
    add_volunteer(&mut im, "Paula Ohnepflicht", &[]).await;
    add_volunteer(
        &mut im,
        "Ina Inaktiv",
        &[("active", "no"), ("works_with_minors", "yes")],
    )
    .await;
    let mut lead = t.login("awo.leitung").await;
    let home = lead.get("/").await;
    home.assert_contains("id=\"volunteer-reminders\"");
    home.assert_contains("Kim Kinderhilfe");
    home.assert_contains("läuft am");
    home.assert_contains("Olaf Abgelaufen");
    home.assert_contains("abgelaufen");
    home.assert_contains("Paula Ohnepflicht");
    home.assert_contains("Die Verpflichtung zur Verschwiegenheit fehlt.");
    assert!(!home.body.contains("Ina Inaktiv"));
    // Another organisation's lead sees none of them.
    let mut other = t.login("caritas.leitung").await;
    assert!(!other.get("/").await.body.contains("Kim Kinderhilfe"));
    // The IM only once matched with the volunteer.
    let home = im.get("/").await;
    assert!(!home.body.contains("Kim Kinderhilfe"));
    let c = fixtures::register_with_canary(&t, "awo.im1", "Rem").await;
    let (ks, ps) = (kinder.to_string(), c.person_id.to_string());
    let r = post_match(
        &mut im,
        c.case_id,
        &[
            ("volunteer", ks.as_str()),
            ("person", ps.as_str()),
            ("from", pledge.as_str()),
            ("purpose", "Hausaufgaben"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let home = im.get("/").await;
    home.assert_contains("Kim Kinderhilfe");
    assert!(!home.body.contains("Olaf Abgelaufen"));
    // A colleague without the match sees nothing.
    let mut im2 = t.login("awo.im2").await;
    assert!(!im2.get("/").await.body.contains("Kim Kinderhilfe"));
    // The rule follows the administrator's setting: with a 10-day reminder, Kim is not listed.
    t.db.writer()
        .execute_unprepared(
            "DELETE FROM settings WHERE key = 'volunteer_reminder_days'; \
             INSERT INTO settings (key, value) VALUES ('volunteer_reminder_days', '10')",
        )
        .await
        .unwrap();
    assert!(!lead.get("/").await.body.contains("Kim Kinderhilfe"));
}

#[tokio::test]
async fn the_coordinator_sees_matches_and_volunteers_per_municipality_without_names() {
    let t = TestApp::new().await;
    let v = hanna(&t).await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Fig").await;
    let mut im = t.login("awo.im1").await;
    let day = today(&t).to_string();
    let (vs, ps) = (v.to_string(), c.person_id.to_string());
    let r = post_match(
        &mut im,
        c.case_id,
        &[
            ("volunteer", vs.as_str()),
            ("person", ps.as_str()),
            ("from", day.as_str()),
            ("purpose", "Deutsch"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut k = t.login("koordination").await;
    let r = k.get("/volunteers/figures").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("id=\"volunteer-figures\"");
    // One match and one volunteer: small cells, never the count or a name.
    r.assert_contains("<td id=\"vf-total-matches\">&#60; 5</td>");
    assert!(!r.body.contains("Hanna"));
    assert!(!r.body.contains("CanaryFig"));
    assert!(
        t.scalar("SELECT COUNT(*) AS n FROM volunteer_matches")
            .await
            == 1
    );
    let ctx = t.ctx_of("koordination").await;
    let table = volunteers::figures(&t.db, &ctx).await.unwrap();
    assert_eq!(
        table.total.get("active_matches"),
        Some(&ankommen_core::casework::figures::disclosure::Cell::Small)
    );
    for user in ["awo.im1", "awo.leitung", "caritas.im", "admin"] {
        let mut c = t.login(user).await;
        assert_eq!(
            c.get("/volunteers/figures").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
}
