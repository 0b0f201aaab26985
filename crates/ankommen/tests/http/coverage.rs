//! HTTP tests: what a missing or withdrawn consent hides (decision 0012) — the day view, closure
//! snapshots, the integration plan and its print — and form values outside their lists, which are
//! field errors, never a default.

use axum::http::StatusCode;

use ankommen_core::casework::clients::{self, Intake, IntakeForm};
use ankommen_core::casework::outcomes::{self, OutcomeForm};
use ankommen_core::casework::plans::{self, GoalForm, StepForm};
use ankommen_core::kernel::catalog::HouseholdRelation;
use ankommen_core::records::releases::{self, ReleaseForm, ReleaseInput};
use ankommen_store::entities::{case, consent, goal};
use ankommen_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::day::section;
use crate::fixtures::{Client as Person, give_consent, register_named};
use crate::support::{Client, Resp, TestApp};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Withdraws a consent through the page, today.
async fn withdraw(t: &TestApp, c: &mut Client, consent_id: i64) {
    let v = consent::Entity::find_by_id(consent_id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let today = t.ctx_of("awo.im1").await.today().to_string();
    let r = c
        .post(
            &format!("/consents/{consent_id}/withdraw"),
            &[
                ("version", v.as_str()),
                ("withdrawn_on", today.as_str()),
                ("withdrawal_note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Saves intake data (needs a consent).
async fn intake(t: &TestApp, person_id: i64, f: IntakeForm) {
    let ctx = t.ctx_of("awo.im1").await;
    let version = ankommen_store::entities::person::Entity::find_by_id(person_id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .version;
    clients::update_intake(
        &t.db,
        &ctx,
        &t.sealer(),
        person_id,
        version,
        Intake::parse(&f).unwrap(),
    )
    .await
    .unwrap();
}

/// Adds a goal (for the whole household) with one step due on `due`, through the core.
async fn goal_with_step(t: &TestApp, case_id: i64, words: &str, step: &str, due: &str) {
    let ctx = t.ctx_of("awo.im1").await;
    let gid = plans::add_goal(
        &t.db,
        &ctx,
        &t.sealer(),
        case_id,
        &GoalForm {
            field: "language".into(),
            text: words.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    plans::add_step(
        &t.db,
        &ctx,
        &t.sealer(),
        case_id,
        gid,
        &StepForm {
            text: step.into(),
            owner: "client".into(),
            due_on: due.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

async fn home(c: &mut Client) -> String {
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

async fn case_version(t: &TestApp, case_id: i64) -> String {
    case::Entity::find_by_id(case_id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string()
}

async fn snapshot_of(t: &TestApp, case_id: i64) -> String {
    case::Entity::find_by_id(case_id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .closure_snapshot
        .expect("a closure snapshot")
}

async fn close(t: &TestApp, c: &mut Client, p: &Person) {
    let v = case_version(t, p.case_id).await;
    let today = t.ctx_of("awo.im1").await.today().to_string();
    let r = c
        .post(
            &format!("/cases/{}/close", p.case_id),
            &[
                ("version", v.as_str()),
                ("closed_on", today.as_str()),
                ("closure_reason", "goals_reached"),
                ("closure_note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// A client with a consent and the voluntary data the closure snapshot copies.
async fn client_with_intake(t: &TestApp, family: &str) -> (Person, i64) {
    let p = register_named(t, "awo.im1", "Samira", family, None, "1990").await;
    let cid = give_consent(t, "awo.im1", p.person_id).await;
    intake(
        t,
        p.person_id,
        IntakeForm {
            german_level: "B1".into(),
            housing: "own_flat".into(),
            residence_status: "residence_permit".into(),
            residence_valid_until: "2026-12-10".into(),
            ..Default::default()
        },
    )
    .await;
    let ctx = t.ctx_of("awo.im1").await;
    outcomes::record(
        &t.db,
        &ctx,
        p.person_id,
        &OutcomeForm {
            outcome_type: "rental_contract".into(),
            date: "2026-11-01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (p, cid)
}

fn assert_no_voluntary_data(snap: &str) {
    for key in [
        "german_level_at_intake",
        "housing",
        "residence_status",
        "outcomes",
    ] {
        assert!(!snap.contains(key), "{key} in {snap}");
    }
    for value in ["B1", "own_flat", "residence_permit", "rental_contract"] {
        assert!(!snap.contains(value), "{value} in {snap}");
    }
}

// ---------------------------------------------------------------------------------------------
// The day view

#[tokio::test]
async fn after_withdrawal_the_day_view_lists_no_residence_permit_release_or_plan_step() {
    let t = TestApp::new().await;
    let (p, cid) = client_with_intake(&t, "Fristen").await;
    let ctx = t.ctx_of("awo.im1").await;
    releases::create(
        &t.db,
        &ctx,
        p.person_id,
        ReleaseInput::parse(&ReleaseForm {
            recipient: "other".into(),
            recipient_name: "Jobcenter Neckartal".into(),
            categories: vec!["work".into()],
            purpose: "Vermittlung".into(),
            valid_from: "2026-11-01".into(),
            valid_until: "2026-12-15".into(),
            mutual: "no".into(),
            ..Default::default()
        })
        .unwrap(),
    )
    .await
    .unwrap();
    goal_with_step(
        &t,
        p.case_id,
        "Deutsch B2",
        "Kurs CANARY-Schritt anmelden",
        "2026-11-24",
    )
    .await;
    let mut im = t.login("awo.im1").await;

    let body = home(&mut im).await;
    let r = section(&body, "residence");
    assert!(r.contains("gültig bis 10.12.2026"), "{r}");
    assert!(section(&body, "releases").contains("Jobcenter Neckartal"));
    assert!(section(&body, "steps").contains("Kurs CANARY-Schritt anmelden"));
    assert!(section(&body, "consent").is_empty());

    withdraw(&t, &mut im, cid).await;
    let body = home(&mut im).await;
    let r = section(&body, "residence");
    assert!(r.is_empty(), "{r}");
    assert!(!r.contains("10.12.2026"), "{r}");
    assert!(section(&body, "releases").is_empty());
    assert!(!body.contains("Jobcenter Neckartal"));
    assert!(
        !body.contains("CANARY-Schritt"),
        "the plan's step is listed"
    );
    // The withdrawal itself is listed (proof, always shown).
    assert!(section(&body, "consent").contains("Samira Fristen"));

    // A new consent shows it all again (the data stayed stored).
    give_consent(&t, "awo.im1", p.person_id).await;
    let body = home(&mut im).await;
    assert!(section(&body, "residence").contains("gültig bis 10.12.2026"));
    assert!(section(&body, "steps").contains("Kurs CANARY-Schritt anmelden"));
}

// ---------------------------------------------------------------------------------------------
// Closure snapshots

#[tokio::test]
async fn a_case_closed_after_withdrawal_stores_no_voluntary_data_in_its_snapshot() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im1").await;

    // Closed with an active consent: the snapshot holds the voluntary data.
    let (with, with_cid) = client_with_intake(&t, "Mitdaten").await;
    close(&t, &mut im, &with).await;
    let snap = snapshot_of(&t, with.case_id).await;
    assert!(snap.contains("\"german_level_at_intake\":\"B1\""), "{snap}");
    assert!(snap.contains("rental_contract"), "{snap}");
    let r = im.get(&format!("/cases/{}", with.case_id)).await;
    r.assert_contains("Stand beim Abschluss");
    r.assert_contains("<td>B1</td>");

    // Closed after the withdrawal: only the person, no voluntary data.
    let (without, cid) = client_with_intake(&t, "Ohnedaten").await;
    withdraw(&t, &mut im, cid).await;
    close(&t, &mut im, &without).await;
    let snap = snapshot_of(&t, without.case_id).await;
    assert!(
        snap.contains(&format!("\"person\":{}", without.person_id)),
        "{snap}"
    );
    assert!(snap.contains("\"consent\":false"), "{snap}");
    assert_no_voluntary_data(&snap);
    let r = im.get(&format!("/cases/{}", without.case_id)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<td>B1</td>"), "{}", r.body);

    // A snapshot taken before a later withdrawal is no longer shown with its voluntary data.
    withdraw(&t, &mut im, with_cid).await;
    let r = im.get(&format!("/cases/{}", with.case_id)).await;
    r.assert_contains("Stand beim Abschluss");
    assert!(!r.body.contains("<td>B1</td>"), "{}", r.body);
    assert!(!r.body.contains("Eigene Wohnung"), "{}", r.body);
}

// ---------------------------------------------------------------------------------------------
// The integration plan

fn print_chooser(r: &Resp) -> &str {
    let start = r.body.find("id=\"f-print-lang\"").unwrap_or(0);
    let rest = &r.body[start..];
    &rest[..rest.find("</select>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_plan_print_language_follows_the_consent() {
    let t = TestApp::new().await;
    let p = register_named(&t, "awo.im1", "Samira", "Druck", None, "1990").await;
    let cid = give_consent(&t, "awo.im1", p.person_id).await;
    intake(
        &t,
        p.person_id,
        IntakeForm {
            languages: vec![("ar".into(), "native".into())],
            ..Default::default()
        },
    )
    .await;
    goal_with_step(&t, p.case_id, "Deutsch B2", "Kurs suchen", "2026-12-01").await;
    let mut im = t.login("awo.im1").await;
    let plan = format!("/cases/{}/plan", p.case_id);

    // With the consent the chooser starts at the client's language.
    let r = im.get(&plan).await;
    let chooser = print_chooser(&r);
    assert!(
        chooser.contains("<option value=\"ar\" lang=\"ar\" selected>"),
        "{chooser}"
    );

    // After the withdrawal nothing of the plan is printed, in no language: the page says why
    // instead of offering a chooser that starts at a language the consent no longer covers.
    withdraw(&t, &mut im, cid).await;
    let r = im.get(&plan).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("id=\"f-print-lang\""), "{}", r.body);
    r.assert_contains("id=\"plan-withheld\"");
    for lang in ["ar", "de"] {
        let r = im.get(&format!("{plan}/print?lang={lang}")).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{lang}");
        r.assert_contains("Ohne gültige Einwilligung");
    }
}

#[tokio::test]
async fn a_plan_cannot_be_created_or_changed_without_consent_and_is_hidden_after_withdrawal() {
    let t = TestApp::new().await;
    let p = register_named(&t, "awo.im1", "Samira", "Planlos", None, "1990").await;
    let mut im = t.login("awo.im1").await;
    let plan = format!("/cases/{}/plan", p.case_id);

    // Without a consent: the page says why and offers no form; a goal is refused.
    let r = im.get(&plan).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Integrationsplan ausgeblendet");
    r.assert_contains(&format!("href=\"/clients/{}\"", p.person_id));
    assert!(!r.body.contains("id=\"form-goal\""));
    let r = im
        .post(
            &format!("{plan}/goals"),
            &[
                ("field", "language"),
                ("text", "Deutsch lernen"),
                ("person", ""),
                ("priority", ""),
                ("target_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Ohne gültige Einwilligung der Klientin oder des Klienten");
    assert_eq!(t.count("goals").await, 0);
    assert_eq!(t.count("plans").await, 0);
    let r = im
        .post(
            &format!("{plan}/settings"),
            &[("plan_version", "0"), ("review_interval", "3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(t.count("plans").await, 0);

    // With a consent: the plan is written.
    let cid = give_consent(&t, "awo.im1", p.person_id).await;
    goal_with_step(
        &t,
        p.case_id,
        "Deutsch CANARY-Ziel",
        "CANARY-Schritt",
        "2026-12-01",
    )
    .await;
    let r = im.get(&plan).await;
    r.assert_contains("Deutsch CANARY-Ziel");
    let gid = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(p.case_id))
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .id;

    // After the withdrawal: hidden on every page, and no change is accepted.
    withdraw(&t, &mut im, cid).await;
    let r = im.get(&plan).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Integrationsplan ausgeblendet");
    assert!(!r.body.contains("CANARY"), "{}", r.body);
    let r = im
        .post(
            &format!("{plan}/goals/{gid}/steps"),
            &[("step_text", "Noch ein Schritt"), ("owner", "client")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Ohne gültige Einwilligung der Klientin oder des Klienten");
    assert!(!r.body.contains("CANARY"));
    assert_eq!(t.count("steps").await, 1);
    for page in [
        format!("{plan}/goals/{gid}"),
        format!("{plan}/review"),
        format!("{plan}/print"),
    ] {
        let r = im.get(&page).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{page}");
        r.assert_contains("Ohne gültige Einwilligung");
        assert!(!r.body.contains("CANARY"), "{page}");
    }
    let r = im.get(&format!("/cases/{}/timeline", p.case_id)).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("id=\"plan-withheld\"");
    assert!(!r.body.contains("Ziel hinzugefügt"), "{}", r.body);
}

#[tokio::test]
async fn a_goal_may_name_only_a_household_member_whose_consent_covers_it() {
    let t = TestApp::new().await;
    let p = register_named(&t, "awo.im1", "Samira", "Familie", None, "1990").await;
    give_consent(&t, "awo.im1", p.person_id).await;
    let ctx = t.ctx_of("awo.im1").await;
    let m = ankommen_core::casework::clients::MinimumInput::parse(
        &ankommen_core::casework::clients::MinimumForm {
            given_name: "Lina".into(),
            family_name: "Familie".into(),
            birth: "2018".into(),
            municipality: ctx.actor.municipalities[0].clone(),
            target_group: "follow_up_housing".into(),
            ..Default::default()
        },
        ctx.today(),
    )
    .unwrap();
    let child = clients::add_member(
        &t.db,
        &ctx,
        p.person_id,
        m,
        HouseholdRelation::Child,
        clients::MemberCase::None,
    )
    .await
    .unwrap();
    let mut im = t.login("awo.im1").await;
    let plan = format!("/cases/{}/plan", p.case_id);
    let r = im.get(&plan).await;
    // The member is not offered.
    assert!(
        !r.body
            .contains(&format!("<option value=\"{child}\">Lina Familie</option>")),
        "{}",
        r.body
    );
    let child_id = child.to_string();
    let r = im
        .post(
            &format!("{plan}/goals"),
            &[
                ("field", "language"),
                ("text", "Kita-Platz für Lina"),
                ("person", child_id.as_str()),
                ("priority", ""),
                ("target_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-person\"");
    r.assert_contains("keine gültige Einwilligung");
    r.assert_contains("Kita-Platz für Lina");
    assert_eq!(t.count("goals").await, 0);

    // With the member's consent the goal is accepted; after the member's withdrawal it is
    // withheld, the rest of the plan stays.
    let member_consent = give_consent(&t, "awo.im1", child).await;
    im.get(&plan)
        .await
        .assert_contains(&format!("<option value=\"{child}\">Lina Familie</option>"));
    let r = im
        .post(
            &format!("{plan}/goals"),
            &[
                ("field", "language"),
                ("text", "Kita-Platz für Lina"),
                ("person", child_id.as_str()),
                ("priority", ""),
                ("target_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    goal_with_step(&t, p.case_id, "Deutsch B2", "Kurs suchen", "2026-12-01").await;
    withdraw(&t, &mut im, member_consent).await;
    let r = im.get(&plan).await;
    r.assert_contains("Deutsch B2");
    assert!(!r.body.contains("Kita-Platz"), "{}", r.body);
    r.assert_contains("id=\"goals-withheld\"");
}

// ---------------------------------------------------------------------------------------------
// Values outside a field's list: a field error, never a default

#[tokio::test]
async fn an_outcome_certificate_other_than_yes_is_a_field_error() {
    let t = TestApp::new().await;
    let p = register_named(&t, "awo.im1", "Samira", "Zertifikat", None, "1990").await;
    give_consent(&t, "awo.im1", p.person_id).await;
    let mut im = t.login("awo.im1").await;
    let path = format!("/clients/{}/outcomes", p.person_id);
    im.get(&path).await;
    let r = im
        .post(
            &path,
            &[
                ("outcome_type", "german_level"),
                ("date", "2026-11-01"),
                ("level", "B1"),
                ("certificate", "vielleicht"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-certificate\"");
    assert_eq!(t.count("outcomes").await, 0);
    // The check box's own value, and none, are accepted.
    for (value, stored) in [("yes", true), ("", false)] {
        let r = im
            .post(
                &path,
                &[
                    ("outcome_type", "german_level"),
                    ("date", "2026-11-01"),
                    ("level", "B1"),
                    ("certificate", value),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let last = ankommen_store::entities::outcome::Entity::find()
            .all(t.db.reader())
            .await
            .unwrap()
            .into_iter()
            .max_by_key(|o| o.id)
            .unwrap();
        assert_eq!(last.certificate, Some(stored));
    }
}

#[tokio::test]
async fn an_active_box_with_another_value_is_a_field_error() {
    use ankommen_store::entities::field_of_action;
    let t = TestApp::new().await;
    let f = field_of_action::Entity::find()
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap();
    assert!(f.active);
    let mut admin = t.login("admin").await;
    let path = format!("/admin/fields/{}", f.id);
    admin.get(&path).await;
    let version = f.version.to_string();
    let position = f.position.to_string();
    let fields = |active: &'static str| {
        vec![
            ("label_de", f.label_de.clone()),
            ("label_en", f.label_en.clone()),
            ("position", position.clone()),
            ("active", active.to_string()),
            ("version", version.clone()),
        ]
    };
    // "nein" used to count as ticked (any value did).
    let typed = fields("nein");
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post(&path, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-active\"");
    let row = field_of_action::Entity::find_by_id(f.id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.version, f.version, "nothing was saved");
    // The box's own value is accepted.
    let typed = fields("on");
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post(&path, &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn a_duplicates_confirmation_with_another_value_is_a_field_error() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im1").await;
    im.get("/clients/new").await;
    let ags = t.ctx_of("awo.im1").await.actor.municipalities[0].clone();
    let r = im
        .post(
            "/clients",
            &[
                ("given_name", "Samira"),
                ("family_name", "Doppelt"),
                ("name_original", ""),
                ("birth", "1990"),
                ("municipality", ags.as_str()),
                ("au_move_in", ""),
                ("target_group", "follow_up_housing"),
                ("clock_start", ""),
                ("eligibility_note", ""),
                ("duplicates_checked", "vielleicht"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-duplicates_checked\"");
    assert_eq!(t.count("persons").await, 0);
}

#[tokio::test]
async fn a_done_today_button_with_another_value_is_a_field_error() {
    let t = TestApp::new().await;
    let p = register_named(&t, "awo.im1", "Samira", "Erledigt", None, "1990").await;
    give_consent(&t, "awo.im1", p.person_id).await;
    goal_with_step(&t, p.case_id, "Deutsch B2", "Kurs suchen", "2026-12-01").await;
    let s = ankommen_store::entities::step::Entity::find()
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap();
    let mut im = t.login("awo.im1").await;
    let path = format!("/cases/{}/plan/steps/{}", p.case_id, s.id);
    im.get(&path).await;
    let v = s.version.to_string();
    let r = im
        .post(
            &path,
            &[
                ("step_text", "Kurs suchen"),
                ("owner", "client"),
                ("third_party", ""),
                ("due_on", "2026-12-01"),
                ("done_on", ""),
                ("done_today", "ja"),
                ("version", v.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-done_on\"");
    let row = ankommen_store::entities::step::Entity::find_by_id(s.id)
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.done_on, None);
    assert_eq!(row.version, s.version);
}

#[tokio::test]
async fn a_review_with_a_goal_that_is_not_an_id_is_refused() {
    let t = TestApp::new().await;
    let p = register_named(&t, "awo.im1", "Samira", "Bilanz", None, "1990").await;
    give_consent(&t, "awo.im1", p.person_id).await;
    goal_with_step(&t, p.case_id, "Deutsch B2", "Kurs suchen", "2026-12-01").await;
    let mut im = t.login("awo.im1").await;
    let path = format!("/cases/{}/plan/review", p.case_id);
    im.get(&path).await;
    let pv = ankommen_store::entities::plan::Entity::find()
        .one(t.db.reader())
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let r = im
        .post(
            &path,
            &[
                ("plan_version", pv.as_str()),
                ("held_on", "2026-11-21"),
                ("participants", "Klientin, IM"),
                ("summary", "Gute Fortschritte"),
                ("changes", ""),
                ("goal", "erstes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("value=\"Klientin, IM\"");
    assert_eq!(t.count("reviews").await, 0);
    assert_eq!(t.count("plan_versions").await, 0);
}

#[tokio::test]
async fn a_reassignment_of_a_case_that_is_not_an_id_is_a_field_error() {
    let t = TestApp::new().await;
    let p = register_named(&t, "awo.im1", "Samira", "Abgabe", None, "1990").await;
    let mut lead = t.login("awo.leitung").await;
    lead.get("/cases").await;
    let case = p.case_id.to_string();
    let to = t.id("awo.im1").to_string();
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", case.as_str()),
                ("case", "alle"),
                ("reassign_to", to.as_str()),
                ("handover_note", "Urlaubsvertretung"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"f-cases\"");
    assert!(!t.audit_has("case_reassigned", "allowed", None).await);
    // A person to hand over to who is not an id: not one of the choices either.
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", case.as_str()),
                ("reassign_to", "jemand"),
                ("handover_note", "Urlaubsvertretung"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Bitte wählen Sie einen Eintrag aus der Liste.");
}

#[tokio::test]
async fn a_caseload_filter_value_outside_its_list_is_a_field_error_and_is_not_saved() {
    let t = TestApp::new().await;
    register_named(&t, "awo.im1", "Samira", "Filter", None, "1990").await;
    let mut im = t.login("awo.im1").await;
    for (field, value) in [
        ("status", "offen"),
        ("time_left", "bald"),
        ("last_contact", "nie"),
        ("sort", "alter"),
        ("dir", "aufwärts"),
        ("municipality", "Talheim"),
    ] {
        let r = im.get(&format!("/cases?{field}={value}")).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.body
        );
        r.assert_contains(&format!("href=\"#f-{field}\""));
        // The list is still shown, under the field's default.
        r.assert_contains("Samira Filter");
    }
    im.get("/cases").await;
    let r = im
        .post(
            "/cases/filters",
            &[("status", "geschlossen"), ("filter_name", "Meine")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(t.count("saved_filters").await, 0);
    let r = im
        .post(
            "/cases/filters",
            &[("status", "closed"), ("filter_name", "Meine")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("saved_filters").await, 1);
}

#[tokio::test]
async fn a_timeline_filter_value_outside_its_list_is_a_field_error() {
    let t = TestApp::new().await;
    let p = register_named(&t, "awo.im1", "Samira", "Verlauf", None, "1990").await;
    let other = register_named(&t, "awo.im1", "Omar", "Fremd", None, "1985").await;
    let mut im = t.login("awo.im1").await;
    let path = format!("/cases/{}/timeline", p.case_id);
    assert_eq!(im.get(&path).await.status, StatusCode::OK);
    for query in [
        "show=kontakte".to_string(),
        "person=ich".to_string(),
        // A person of another case.
        format!("person={}", other.person_id),
    ] {
        let r = im.get(&format!("{path}?{query}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        r.assert_contains("class=\"error-summary\"");
    }
}

#[tokio::test]
async fn an_audit_log_filter_value_that_is_not_a_date_id_or_choice_is_a_field_error() {
    let t = TestApp::new().await;
    let mut dpo = t.login("datenschutz").await;
    assert_eq!(
        dpo.get("/audit?from=2026-11-01").await.status,
        StatusCode::OK
    );
    for (field, value) in [
        ("from", "2026-13-01"),
        ("to", "gestern"),
        ("actor", "admin"),
        ("denied", "ja"),
    ] {
        let r = dpo.get(&format!("/audit?{field}={value}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        r.assert_contains(&format!("id=\"e-{field}\""));
    }
}

#[tokio::test]
async fn a_staff_list_filter_value_outside_its_list_is_a_field_error() {
    let t = TestApp::new().await;
    let mut admin = t.login("admin").await;
    assert_eq!(
        admin.get("/admin/staff?role=im").await.status,
        StatusCode::OK
    );
    for (field, value) in [
        ("role", "chef"),
        ("organisation", "AWO"),
        ("inactive", "ja"),
    ] {
        let r = admin.get(&format!("/admin/staff?{field}={value}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        r.assert_contains(&format!("href=\"#f-{field}\""));
    }
}

#[tokio::test]
async fn a_language_that_is_not_offered_is_not_found_not_german() {
    let t = TestApp::new().await;
    let mut anon = t.client();
    let r = anon.get("/language/en").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = anon.get("/language/xx").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.header("set-cookie").is_empty(),
        "{}",
        r.header("set-cookie")
    );
}
