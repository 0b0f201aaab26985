//! HTTP tests of the client record: registration and duplicate hints, the consent gate on intake,
//! sealed health needs, households, access refusals, and concurrent edits.

use axum::http::StatusCode;

use ankommen_core::records::consent::{self, ConsentInput};

use crate::fixtures::{self, register_named};
use crate::support::TestApp;

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

async fn consent_for(t: &TestApp, im: &str, person_id: i64) {
    let ctx = t.ctx_of(im).await;
    let input =
        ConsentInput::parse("2026-1", "ar", "2026-11-20", "screen", None, ctx.today()).unwrap();
    consent::record(&t.db, &ctx, &t.sealer(), person_id, input)
        .await
        .unwrap();
}

const REGISTER: &[(&str, &str)] = &[
    ("given_name", "Mohammad"),
    ("family_name", "Haddad"),
    ("name_original", "محمد حداد"),
    ("birth", "1988"),
    ("municipality", "08990002"),
    ("au_move_in", "2026-10-01"),
    ("target_group", "follow_up_housing"),
];

#[tokio::test]
async fn an_im_registers_a_client_who_gets_a_case_and_the_read_is_audited() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im1").await;
    im.get("/clients/new")
        .await
        .assert_contains("Neue Klient:in aufnehmen");
    let r = im.post("/clients", REGISTER).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_from(r.location());
    assert!(!r.location().contains("Haddad"));
    let page = im.get(r.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Mohammad Haddad");
    page.assert_contains("محمد حداد");
    page.assert_contains("Noch keine Einwilligung");
    // The case was opened and is assigned to the IM; the clock starts at the move-in.
    assert_eq!(t.count("cases").await, 1);
    assert_eq!(t.count("case_assignments").await, 1);
    let audit = t.audit().await;
    let me = Some(t.id("awo.im1"));
    assert!(
        audit
            .iter()
            .any(|(a, o, who, k, oid)| a == "client_registered"
                && o == "allowed"
                && *who == me
                && k.as_deref() == Some("person")
                && oid.as_deref() == Some(id.to_string().as_str()))
    );
    assert!(audit.iter().any(|(a, _, who, k, _)| a == "client_viewed"
        && *who == me
        && k.as_deref() == Some("person")));
}

#[tokio::test]
async fn registration_refuses_bad_input_keeps_it_and_creates_nothing() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im1").await;
    let r = im
        .post(
            "/clients",
            &[
                ("given_name", ""),
                ("family_name", "Kovalenko"),
                ("name_original", "Коваленко"),
                ("birth", "2999"),
                ("municipality", "08990003"),
                ("au_move_in", "31.02.2026"),
                ("target_group", "other"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-given_name\"");
    r.assert_contains("id=\"e-birth\"");
    r.assert_contains("id=\"e-au_move_in\"");
    r.assert_contains("value=\"Коваленко\"");
    assert_eq!(t.count("persons").await, 0);
    // Outside the target group needs a justification; a municipality the IM does not serve is refused.
    let r = im
        .post(
            "/clients",
            &[
                ("given_name", "Olena"),
                ("family_name", "Kovalenko"),
                ("birth", "1979"),
                ("municipality", "08990003"),
                ("target_group", "other"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Diese Gemeinde betreuen Sie nicht");
    r.assert_contains("außerhalb der Zielgruppe bitte begründen");
    assert_eq!(t.count("persons").await, 0);
    assert_eq!(t.count("cases").await, 0);
}

#[tokio::test]
async fn a_second_registration_in_another_spelling_shows_the_match_first() {
    let t = TestApp::new().await;
    let first = register_named(&t, "awo.im1", "Mohammad", "Haddad", None, "1988").await;
    let mut im = t.login("awo.im1").await;
    let mut again: Vec<(&str, &str)> = REGISTER.to_vec();
    again[0] = ("given_name", "Muhammed");
    again[2] = ("name_original", "");
    let r = im.post("/clients", &again).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Mögliche Doppelung");
    r.assert_contains(&format!("/clients/{}", first.person_id));
    r.assert_contains("value=\"Muhammed\"");
    assert_eq!(t.count("persons").await, 1);
    // A colleague of the same organisation sees that a record exists, but not the name.
    let mut other = t.login("awo.im2").await;
    let mut theirs = again.clone();
    theirs[4] = ("municipality", "08990003");
    let r = other.post("/clients", &theirs).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Ein Eintrag bei Ahmad Karimi");
    assert!(!r.body.contains(&format!("/clients/{}", first.person_id)));
    // Confirmed: a second person is created.
    again.push(("duplicates_checked", "on"));
    let r = im.post("/clients", &again).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("persons").await, 2);
    // Another organisation's IM is not told anything.
    let mut caritas = t.login("caritas.im").await;
    let caritas_ctx = t.ctx_of("caritas.im").await;
    let mut c = REGISTER.to_vec();
    c[4] = ("municipality", caritas_ctx.actor.municipalities[0].as_str());
    let r = caritas.post("/clients", &c).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn intake_needs_consent_and_withdrawal_hides_it() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Amina", "Yusuf", None, "1995").await;
    let mut im = t.login("awo.im1").await;
    let path = format!("/clients/{}/intake", c.person_id);
    let r = im.get(&path).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("nur die Mindestdaten");
    let r = im
        .post(&path, &[("version", "1"), ("profession", "Schneiderin")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("nur die Mindestdaten");
    let rec = im.get(&format!("/clients/{}", c.person_id)).await;
    assert!(!rec.body.contains("Schneiderin"));
    let stored: Option<String> = profession(&t, c.person_id).await;
    assert_eq!(stored, None);

    consent_for(&t, "awo.im1", c.person_id).await;
    let form = im.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    // Bad input is refused field by field and kept.
    let r = im
        .post(
            &path,
            &[
                ("version", "1"),
                ("profession", "Schneiderin"),
                ("nationality", "Syrien"),
                ("phone", "call me"),
                ("language_code", "ar"),
                ("language_level", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-nationality\"");
    r.assert_contains("id=\"e-phone\"");
    r.assert_contains("value=\"Schneiderin\"");
    let r = im
        .post(
            &path,
            &[
                ("version", "1"),
                ("profession", "Schneiderin"),
                ("nationality", "syr"),
                ("german_level", "A2"),
                ("language_code", "ar"),
                ("language_level", "native"),
                ("language_code", "en"),
                ("language_level", "B1"),
                ("benefits", "sgb2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rec = im.get(&format!("/clients/{}", c.person_id)).await;
    rec.assert_contains("Schneiderin");
    rec.assert_contains("Syrien");
    rec.assert_contains("Arabisch (Muttersprache)");
    rec.assert_contains("Bürgergeld (SGB II)");

    // Withdrawal: the intake disappears from the record and cannot be saved.
    let ctx = t.ctx_of("awo.im1").await;
    let consent_id = match consent::state(t.db.reader(), c.person_id, ctx.today())
        .await
        .unwrap()
    {
        consent::ConsentState::Active(c) => c.id,
        other => panic!("{other:?}"),
    };
    consent::withdraw(&t.db, &ctx, consent_id, 1, "2026-11-21", "")
        .await
        .unwrap();
    let rec = im.get(&format!("/clients/{}", c.person_id)).await;
    rec.assert_contains("widerrufen");
    assert!(!rec.body.contains("Schneiderin"));
    let r = im
        .post(&path, &[("version", "2"), ("profession", "Lehrerin")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        profession(&t, c.person_id).await.as_deref(),
        Some("Schneiderin")
    );
}

async fn profession(t: &TestApp, id: i64) -> Option<String> {
    use ankommen_store::entities::person;
    use ankommen_store::sea_orm::EntityTrait;
    person::Entity::find_by_id(id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .profession
}

#[tokio::test]
async fn health_needs_are_sealed_shown_only_on_opening_and_every_opening_is_audited() {
    use ankommen_store::entities::person;
    use ankommen_store::sea_orm::EntityTrait;
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Dawit", "Tesfay", Some("ዳዊት ተስፋይ"), "1992").await;
    consent_for(&t, "awo.im1", c.person_id).await;
    let mut im = t.login("awo.im1").await;
    let base = format!("/clients/{}", c.person_id);
    let r = im.post(&format!("{base}/health/open"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = im
        .post(
            &format!("{base}/health"),
            &[("version", "1"), ("health", "Diabetes Typ 2, Insulin")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let row = person::Entity::find_by_id(c.person_id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap();
    let sealed = row.health_sealed.unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("Diabetes"));
    // The record page does not show it; opening does, and is audited with the section.
    let rec = im.get(&base).await;
    assert!(!rec.body.contains("Diabetes"));
    rec.assert_contains("verschlüsselt");
    let opened = im.post(&format!("{base}/health/open"), &[]).await;
    opened.assert_contains("Diabetes Typ 2, Insulin");
    let openings = sections(&t, "client_viewed", "health").await;
    assert_eq!(openings, 2);
    // Another IM cannot open it.
    let mut other = t.login("awo.im2").await;
    let r = other.post(&format!("{base}/health/open"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Diabetes"));
}

async fn sections(t: &TestApp, action: &str, section: &str) -> usize {
    use ankommen_store::entities::audit_event;
    use ankommen_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .filter(audit_event::Column::Section.eq(section))
        .filter(audit_event::Column::Outcome.eq("allowed"))
        .all(t.db.reader())
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_household_member_joins_the_case_and_the_household_shows_everyone() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Rania", "Saleh", Some("رانيا صالح"), "1990").await;
    let mut im = t.login("awo.im1").await;
    let form = im
        .get(&format!("/clients/{}/members/new", c.person_id))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let join = format!("join:{}", c.case_id);
    let r = im
        .post(
            &format!("/clients/{}/members", c.person_id),
            &[
                ("given_name", "Lina"),
                ("family_name", "Saleh"),
                ("birth", "2019"),
                ("relation", "child"),
                ("case_mode", join.as_str()),
                ("municipality", "08990003"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rec = im.get(&format!("/clients/{}", c.person_id)).await;
    rec.assert_contains("Lina Saleh");
    rec.assert_contains("minderjährig");
    let household = rec.body.split("/households/").nth(1).unwrap();
    let hid: String = household
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let h = im.get(&format!("/households/{hid}")).await;
    assert_eq!(h.status, StatusCode::OK);
    h.assert_contains("Rania Saleh");
    h.assert_contains("Lina Saleh");
    h.assert_contains("Haushaltsvorstand");
    // One case for the family; the child lives in the client's municipality whatever the form said.
    assert_eq!(t.count("cases").await, 1);
    assert_eq!(t.count("case_persons").await, 2);
    let ags: String = {
        use ankommen_store::entities::person;
        use ankommen_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        person::Entity::find()
            .filter(person::Column::GivenName.eq("Lina"))
            .one(t.db.reader())
            .await
            .unwrap()
            .unwrap()
            .municipality_ags
    };
    assert_eq!(ags, "08990002");
    // An adult with a case of their own.
    let r = im
        .post(
            &format!("/clients/{}/members", c.person_id),
            &[
                ("given_name", "Omar"),
                ("family_name", "Saleh"),
                ("birth", "1987"),
                ("relation", "partner"),
                ("case_mode", "own"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("cases").await, 2);
    // Bad input: no relation, no name.
    let r = im
        .post(
            &format!("/clients/{}/members", c.person_id),
            &[
                ("given_name", ""),
                ("family_name", "Saleh"),
                ("birth", "2020"),
                ("relation", ""),
                ("case_mode", "own"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-given_name\"");
    // Nobody else sees the household.
    let mut other = t.login("awo.im2").await;
    assert_eq!(
        other.get(&format!("/households/{hid}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_the_ims_of_the_case_see_the_record_and_refusals_look_like_missing_records() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Rec").await;
    let path = format!("/clients/{}", c.person_id);
    for user in [
        "awo.im2",
        "awo.leitung",
        "awo.admin",
        "caritas.im",
        "koordination",
        "talheim.beauftragte",
        "admin",
        "datenschutz",
    ] {
        let mut u = t.login(user).await;
        for p in [
            path.clone(),
            format!("{path}/edit"),
            format!("{path}/intake"),
            format!("{path}/members/new"),
        ] {
            let r = u.get(&p).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} {p}");
            assert!(!r.body.contains(&c.canary), "{user} saw the canary on {p}");
        }
        let r = u
            .post(
                &format!("{path}/edit"),
                &[
                    ("version", "1"),
                    ("given_name", "X"),
                    ("family_name", "Y"),
                    ("birth", "1990"),
                    ("municipality", "08990002"),
                    ("target_group", "follow_up_housing"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        assert!(
            t.audit_has("client_viewed", "denied", Some(t.id(user)))
                .await,
            "{user}"
        );
    }
    // Nothing changed.
    let mut im = t.login("awo.im1").await;
    im.get(&path).await.assert_contains("Testperson CanaryRec");
}

#[tokio::test]
async fn a_shared_case_opens_the_record_to_the_colleague() {
    let t = TestApp::new().await;
    let c = register_named(
        &t,
        "awo.im1",
        "Olena",
        "Bondarenko",
        Some("Олена Бондаренко"),
        "1985",
    )
    .await;
    let mut colleague = t.login("awo.im2").await;
    let path = format!("/clients/{}", c.person_id);
    assert_eq!(colleague.get(&path).await.status, StatusCode::NOT_FOUND);
    let ctx = t.ctx_of("awo.im1").await;
    ankommen_core::casework::cases::share(&t.db, &ctx, c.case_id, t.id("awo.im2"))
        .await
        .unwrap();
    let r = colleague.get(&path).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Олена Бондаренко");
}

#[tokio::test]
async fn two_people_editing_at_once_cannot_overwrite_each_other() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Hamid", "Rahimi", Some("حمید رحیمی"), "1990").await;
    let ctx = t.ctx_of("awo.im1").await;
    ankommen_core::casework::cases::share(&t.db, &ctx, c.case_id, t.id("awo.im2"))
        .await
        .unwrap();
    let mut a = t.login("awo.im1").await;
    let mut b = t.login("awo.im2").await;
    let path = format!("/clients/{}/edit", c.person_id);
    a.get(&path)
        .await
        .assert_contains("name=\"version\" value=\"1\"");
    b.get(&path)
        .await
        .assert_contains("name=\"version\" value=\"1\"");
    let fields = |given: &'static str| {
        vec![
            ("version", "1"),
            ("given_name", given),
            ("family_name", "Rahimi"),
            ("birth", "1990"),
            ("municipality", "08990002"),
            ("target_group", "follow_up_housing"),
        ]
    };
    let r = a.post(&path, &fields("Hameed")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = b.post(&path, &fields("Hamed")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("value=\"Hamed\"");
    r.assert_contains("inzwischen");
    a.get(&format!("/clients/{}", c.person_id))
        .await
        .assert_contains("Hameed Rahimi");
}
