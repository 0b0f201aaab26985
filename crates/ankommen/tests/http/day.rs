//! The working day on the start page (every item kind, with a moving clock; privacy; the team
//! lead's counts) and the administrator's working rules and fields of action.

use ankommen_core::Clock;
use ankommen_core::kernel::sealed::{FOLLOWUP_REASON, GOAL_TEXT, STEP_TEXT};
use ankommen_store::entities::{
    case, case_event, case_share, consent, contact, field_of_action, followup, goal, person, plan,
    release, review, step,
};
use ankommen_store::sea_orm::sea_query::Expr;
use ankommen_store::sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement,
};
use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};

use crate::fixtures::{Client, register_consenting, register_named};
use crate::support::TestApp;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Sets the app's clock to 08:00 UTC on a day.
fn set_day(app: &TestApp, day: &str) {
    let t = Utc.from_utc_datetime(&d(day).and_hms_opt(8, 0, 0).unwrap());
    app.clock.set(t);
}

/// What the start page's list of the day says about one kind (`followups`, `steps`, ...): each
/// client line with such an item, with only those items (the weekdays of the dates left out), or
/// "" when nothing of that kind is due. `team`: the team lead's table.
pub(crate) fn section(body: &str, kind: &str) -> String {
    if kind == "team" {
        let start = body
            .find("id=\"h-day-team\"")
            .unwrap_or_else(|| panic!("no team section in:\n{body}"));
        let rest = &body[start..];
        return rest[..rest.find("</section>").unwrap_or(rest.len())].to_string();
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("<li class=\"due-client") {
        let line = &rest[start..];
        let end = line
            .find("</ul>")
            .expect("a client line ends its list of items");
        let (head, items) = line[..end]
            .split_once("<ul class=\"due-tags\">")
            .expect("a client line lists its items");
        let mine: Vec<&str> = items
            .split("<li data-kind=")
            .filter(|i| i.starts_with(&format!("\"{kind}\"")))
            .collect();
        if !mine.is_empty() {
            out.push_str(head);
            out.extend(mine);
        }
        rest = &line[end..];
    }
    for day in [
        "Mo., ", "Di., ", "Mi., ", "Do., ", "Fr., ", "Sa., ", "So., ",
    ] {
        out = out.replace(day, "");
    }
    out
}

/// The start page of a demo user, signed in afresh (moving the clock ends idle sessions).
async fn home(app: &TestApp, user: &str) -> String {
    let mut c = app.login(user).await;
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

async fn goal_for(app: &TestApp, case_id: i64, created: &str, status: &str) -> i64 {
    let now = app.clock.now();
    let id = goal::Entity::insert(goal::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        person_id: Set(None),
        field_key: Set("language".into()),
        text_sealed: NotSet,
        priority: Set(Some(1)),
        target_date: Set(None),
        status: Set(status.into()),
        status_reason_sealed: Set(None),
        created_on: Set(d(created)),
        closed_on: Set(None),
        position: Set(1),
        external_id: Set(None),
        created_by: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(app.db.writer())
    .await
    .unwrap()
    .last_insert_id;
    let text = app
        .seal(GOAL_TEXT.at_version(id, 1), "Deutsch lernen")
        .await;
    goal::Entity::update_many()
        .col_expr(goal::Column::TextSealed, Expr::value(text))
        .filter(goal::Column::Id.eq(id))
        .exec(app.db.writer())
        .await
        .unwrap();
    id
}

async fn step_for(app: &TestApp, goal_id: i64, case_id: i64, text: &str, due: &str) -> i64 {
    let now = app.clock.now();
    let id = step::Entity::insert(step::ActiveModel {
        id: NotSet,
        goal_id: Set(goal_id),
        case_id: Set(case_id),
        text_sealed: NotSet,
        owner: Set("client".into()),
        third_party: Set(None),
        due_on: Set(Some(d(due))),
        done_on: Set(None),
        position: Set(1),
        external_id: Set(None),
        created_by: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(app.db.writer())
    .await
    .unwrap()
    .last_insert_id;
    let sealed = app.seal(STEP_TEXT.at_version(id, 1), text).await;
    step::Entity::update_many()
        .col_expr(step::Column::TextSealed, Expr::value(sealed))
        .filter(step::Column::Id.eq(id))
        .exec(app.db.writer())
        .await
        .unwrap();
    id
}

async fn followup_for(app: &TestApp, case_id: i64, due: &str, reason: &str) -> i64 {
    let now = app.clock.now();
    let id = followup::Entity::insert(followup::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        due_on: Set(d(due)),
        reason_sealed: NotSet,
        done_on: Set(None),
        first_due_on: Set(None),
        contact_id: Set(None),
        created_by: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(app.db.writer())
    .await
    .unwrap()
    .last_insert_id;
    let sealed = app.seal(FOLLOWUP_REASON.at_version(id, 1), reason).await;
    followup::Entity::update_many()
        .col_expr(followup::Column::ReasonSealed, Expr::value(sealed))
        .filter(followup::Column::Id.eq(id))
        .exec(app.db.writer())
        .await
        .unwrap();
    id
}

async fn contact_for(app: &TestApp, case_id: i64, on: &str) {
    let now = app.clock.now();
    contact::Entity::insert(contact::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        contact_date: Set(d(on)),
        minutes: Set(Some(30)),
        contact_kind: Set("home_visit".into()),
        topics: Set("language".into()),
        interpreter_language: Set(None),
        interpreter_type: Set(None),
        note_sealed: Set(None),
        external_id: Set(None),
        created_by: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(app.db.writer())
    .await
    .unwrap();
}

async fn set_case(app: &TestApp, case_id: i64, col: case::Column, v: NaiveDate) {
    case::Entity::update_many()
        .col_expr(col, Expr::value(v))
        .filter(case::Column::Id.eq(case_id))
        .exec(app.db.writer())
        .await
        .unwrap();
}

/// A client of `im` whose case opened on the test's first day and whose 3 years are far away.
/// A client with a consent (what the day view lists of the plan and the intake needs one).
async fn client(app: &TestApp, im: &str, family: &str) -> Client {
    register_consenting(app, im, "Samira", family, None, "1990").await
}

#[tokio::test]
async fn follow_ups_and_plan_steps_appear_when_due_and_disappear_when_done() {
    let app = TestApp::new().await;
    let c = client(&app, "awo.im1", "Wiedervorlage").await;
    let f = followup_for(&app, c.case_id, "2026-11-25", "Bescheid Jobcenter prüfen").await;
    let g = goal_for(&app, c.case_id, "2026-11-21", "open").await;
    let s = step_for(&app, g, c.case_id, "Anmeldung Sprachkurs", "2026-12-05").await;
    let dropped = goal_for(&app, c.case_id, "2026-11-21", "dropped").await;
    step_for(
        &app,
        dropped,
        c.case_id,
        "Führerschein anmelden",
        "2026-11-22",
    )
    .await;

    let body = home(&app, "awo.im1").await;
    assert!(body.contains("Ihr Arbeitstag: Sa., 21.11.2026"), "{body}");
    assert!(section(&body, "followups").is_empty());
    assert!(section(&body, "steps").is_empty());

    set_day(&app, "2026-11-25");
    let body = home(&app, "awo.im1").await;
    let fs = section(&body, "followups");
    assert!(fs.contains("Samira Wiedervorlage"), "{fs}");
    assert!(fs.contains("Bescheid Jobcenter prüfen"));
    assert!(fs.contains("fällig am 25.11.2026"));
    assert!(fs.contains(&format!("href=\"/cases/{}\"", c.case_id)));
    assert!(!fs.contains("überfällig"));
    assert!(section(&body, "steps").is_empty());

    set_day(&app, "2026-11-28");
    let body = home(&app, "awo.im1").await;
    let fs = section(&body, "followups");
    assert!(fs.contains("überfällig"), "{fs}");
    assert!(fs.contains("fällig seit 25.11.2026"));
    let ss = section(&body, "steps");
    assert!(ss.contains("Anmeldung Sprachkurs"), "{ss}");
    assert!(ss.contains("fällig am 05.12.2026"));
    assert!(ss.contains(&format!("href=\"/cases/{}/plan\"", c.case_id)));
    // A step of a dropped goal is not to be done any more.
    assert!(!ss.contains("Führerschein"));
    // One line for the client with both reasons as tags, the overdue one first, dates with
    // their weekday; the client's line comes before those with nothing overdue.
    let line = format!(
        "<li class=\"due-client overdue\" data-case=\"{}\">",
        c.case_id
    );
    assert_eq!(
        body.matches(&format!("data-case=\"{}\"", c.case_id))
            .count(),
        1
    );
    let mine = &body[body.find(&line).expect("the client's line, marked overdue")..];
    let mine = &mine[..mine.find("</ul>").unwrap()];
    let (at_followup, at_step) = (
        mine.find("data-kind=\"followups\"").unwrap(),
        mine.find("data-kind=\"steps\"").unwrap(),
    );
    assert!(
        at_followup < at_step,
        "the overdue follow-up first:\n{mine}"
    );
    assert!(mine.contains("fällig seit Mi., 25.11.2026"), "{mine}");
    assert!(mine.contains("fällig am Sa., 05.12.2026"), "{mine}");
    let first_line = body.find("<li class=\"due-client").unwrap();
    assert!(
        body[first_line..].starts_with("<li class=\"due-client overdue\""),
        "overdue clients first"
    );

    set_day(&app, "2026-12-06");
    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "steps").contains("fällig seit 05.12.2026"));

    for (table, id) in [("followups", f), ("steps", s)] {
        let sql = format!("UPDATE {table} SET done_on = '2026-12-06' WHERE id = {id}");
        use ankommen_store::sea_orm::ConnectionTrait;
        app.db.writer().execute_unprepared(&sql).await.unwrap();
    }
    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "followups").is_empty());
    assert!(section(&body, "steps").is_empty());
    assert!(
        app.audit_has("day_view_viewed", "allowed", Some(app.id("awo.im1")))
            .await
    );
}

#[tokio::test]
async fn reviews_and_contacts_fall_due_by_the_working_rules() {
    let app = TestApp::new().await;
    let c = client(&app, "awo.im1", "Fortschreibung").await;
    goal_for(&app, c.case_id, "2026-11-21", "open").await;

    // Review: 6 months after the first goal (21.05.2027), shown 30 days ahead.
    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "reviews").is_empty());
    // Contact: opened today, weekly at first: due by 28.11.2026, listed once that day has passed.
    assert!(section(&body, "contacts").is_empty());
    set_day(&app, "2026-11-29");
    let body = home(&app, "awo.im1").await;
    let cs = section(&body, "contacts");
    assert!(cs.contains("Samira Fortschreibung"), "{cs}");
    assert!(cs.contains("Kontakt fällig seit 28.11.2026"));
    assert!(cs.contains("noch kein Kontakt"));
    assert!(cs.contains(&format!("href=\"/cases/{}/contacts/new\"", c.case_id)));
    contact_for(&app, c.case_id, "2026-11-29").await;
    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "contacts").is_empty());
    // A paused case expects no contact.
    set_day(&app, "2026-12-10");
    assert!(
        section(&home(&app, "awo.im1").await, "contacts").contains("letzter Kontakt am 29.11.2026")
    );
    case::Entity::update_many()
        .col_expr(case::Column::Status, Expr::value("paused"))
        .filter(case::Column::Id.eq(c.case_id))
        .exec(app.db.writer())
        .await
        .unwrap();
    assert!(section(&home(&app, "awo.im1").await, "contacts").is_empty());

    set_day(&app, "2027-04-21");
    let body = home(&app, "awo.im1").await;
    let rs = section(&body, "reviews");
    assert!(rs.contains("fällig am 21.05.2027"), "{rs}");
    assert!(rs.contains(&format!("href=\"/cases/{}/plan/review\"", c.case_id)));
    set_day(&app, "2027-05-22");
    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "reviews").contains("überfällig"));
    // A review held: the next one is 6 months later.
    review::Entity::insert(review::ActiveModel {
        id: NotSet,
        case_id: Set(c.case_id),
        held_on: Set(d("2027-05-22")),
        participants: Set(None),
        summary_sealed: Set(None),
        changes_sealed: Set(None),
        external_id: Set(None),
        created_by: Set(1),
        created_at: Set(app.clock.now()),
    })
    .exec(app.db.writer())
    .await
    .unwrap();
    assert!(section(&home(&app, "awo.im1").await, "reviews").is_empty());
    // The plan's own interval wins over the rule.
    let now = app.clock.now();
    plan::Entity::insert(plan::ActiveModel {
        id: NotSet,
        case_id: Set(c.case_id),
        review_interval_months: Set(Some(1)),
        created_by: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(app.db.writer())
    .await
    .unwrap();
    set_day(&app, "2027-05-25");
    assert!(section(&home(&app, "awo.im1").await, "reviews").contains("fällig am 22.06.2027"));
}

/// A consent row written straight into the store (given and, optionally, withdrawn on a day).
async fn consent_for(app: &TestApp, person_id: i64, given: &str, withdrawn: Option<&str>) {
    consent::Entity::insert(consent::ActiveModel {
        id: NotSet,
        person_id: Set(person_id),
        text_version: Set("2026-1".into()),
        language: Set("ar".into()),
        given_on: Set(d(given)),
        form: Set("paper".into()),
        document_id: Set(None),
        withdrawn_on: Set(withdrawn.map(d)),
        withdrawal_note: Set(None),
        voluntary_erased_on: Set(None),
        external_id: Set(None),
        created_at: Set(app.clock.now()),
        created_by: Set(1),
        version: Set(1),
    })
    .exec(app.db.writer())
    .await
    .unwrap();
}

#[tokio::test]
async fn the_30_month_mark_expiring_papers_and_withdrawn_consents_are_listed() {
    let app = TestApp::new().await;
    // A consent given on 1 November and withdrawn on 20 December.
    let c = register_named(&app, "awo.im1", "Samira", "Fristen", None, "1990").await;
    consent_for(&app, c.person_id, "2026-11-01", Some("2026-12-20")).await;
    set_case(&app, c.case_id, case::Column::ClockStart, d("2024-06-01")).await;
    person::Entity::update_many()
        .col_expr(
            person::Column::ResidenceValidUntil,
            Expr::value(d("2027-01-10")),
        )
        .filter(person::Column::Id.eq(c.person_id))
        .exec(app.db.writer())
        .await
        .unwrap();
    let now = app.clock.now();
    let rel = release::Entity::insert(release::ActiveModel {
        id: NotSet,
        person_id: Set(c.person_id),
        recipient_organisation_id: Set(None),
        recipient_name: Set("Jobcenter Neckartal".into()),
        recipient_category: Set(None),
        data_categories: Set("identity".into()),
        purpose: Set("Vermittlung".into()),
        valid_from: Set(d("2026-01-01")),
        valid_until: Set(Some(d("2026-12-31"))),
        mutual: Set(false),
        revoked_on: Set(None),
        external_id: Set(None),
        created_at: Set(now),
        created_by: Set(1),
        version: Set(1),
    })
    .exec(app.db.writer())
    .await
    .unwrap()
    .last_insert_id;

    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "clock").is_empty());
    assert!(section(&body, "releases").is_empty());
    assert!(section(&body, "residence").is_empty());
    assert!(section(&body, "consent").is_empty());

    set_day(&app, "2026-12-12");
    let body = home(&app, "awo.im1").await;
    let k = section(&body, "clock");
    assert!(k.contains("3 Jahre enden am 01.06.2027"), "{k}");
    assert!(k.contains(&format!("href=\"/cases/{}\"", c.case_id)));
    let r = section(&body, "releases");
    assert!(
        r.contains("Jobcenter Neckartal") && r.contains("gültig bis 31.12.2026"),
        "{r}"
    );
    assert!(r.contains(&format!("href=\"/clients/{}\"", c.person_id)));
    let p = section(&body, "residence");
    assert!(p.contains("gültig bis 10.01.2027"), "{p}");
    assert!(section(&body, "consent").is_empty());

    release::Entity::update_many()
        .col_expr(release::Column::RevokedOn, Expr::value(d("2026-12-12")))
        .filter(release::Column::Id.eq(rel))
        .exec(app.db.writer())
        .await
        .unwrap();
    assert!(section(&home(&app, "awo.im1").await, "releases").is_empty());

    // After the withdrawal: the withdrawal is listed, the residence permit (intake data the
    // consent no longer covers) is not.
    set_day(&app, "2026-12-21");
    let body = home(&app, "awo.im1").await;
    let cs = section(&body, "consent");
    assert!(cs.contains("widerrufen am 20.12.2026"), "{cs}");
    assert!(cs.contains(&format!("href=\"/clients/{}\"", c.person_id)));
    let p = section(&body, "residence");
    assert!(p.is_empty(), "{p}");

    // A new consent: the expired permit is listed again; the old withdrawal is no longer news.
    set_day(&app, "2027-06-02");
    consent_for(&app, c.person_id, "2027-06-01", None).await;
    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "clock").contains("3 Jahre endeten am 01.06.2027"));
    assert!(section(&body, "residence").contains("abgelaufen am 10.01.2027"));
    assert!(section(&body, "consent").is_empty());
    // Closed cases are not on the day view.
    case::Entity::update_many()
        .col_expr(case::Column::Status, Expr::value("closed"))
        .filter(case::Column::Id.eq(c.case_id))
        .exec(app.db.writer())
        .await
        .unwrap();
    let body = home(&app, "awo.im1").await;
    assert!(!body.contains("Samira Fristen"));
}

#[tokio::test]
async fn items_of_other_ims_cases_never_appear_unless_shared() {
    let app = TestApp::new().await;
    let mine = client(&app, "awo.im1", "Eigene").await;
    let theirs = client(&app, "awo.im2", "Fremde").await;
    let other_org = client(&app, "caritas.im", "Caritasfall").await;
    for c in [&mine, &theirs, &other_org] {
        followup_for(
            &app,
            c.case_id,
            "2026-11-20",
            &format!("Grund {}", c.canary),
        )
        .await;
    }
    let body = home(&app, "awo.im1").await;
    assert!(body.contains("Samira Eigene"));
    assert!(body.contains("Grund CANARY-Eigene"));
    for hidden in ["Fremde", "Caritasfall"] {
        assert!(!body.contains(hidden), "{hidden} leaked:\n{body}");
    }
    // Shared with me: listed.
    case_share::Entity::insert(case_share::ActiveModel {
        case_id: Set(theirs.case_id),
        staff_id: Set(app.id("awo.im1")),
        created_at: Set(app.clock.now()),
    })
    .exec(app.db.writer())
    .await
    .unwrap();
    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "followups").contains("Samira Fremde"));
    assert!(!body.contains("Caritasfall"));
    // Roles without a caseload have no day view and read nothing.
    let body = home(&app, "admin").await;
    assert!(!body.contains("h-day"));
    assert!(
        !app.audit_has("day_view_viewed", "allowed", Some(app.id("admin")))
            .await
    );
}

#[tokio::test]
async fn the_team_lead_sees_counts_per_im_without_client_names() {
    let app = TestApp::new().await;
    // Team Nord: awo.leitung (lead and IM) and awo.im1. awo.im2 is in Team Süd.
    let a = client(&app, "awo.im1", "Teamfall").await;
    let b = client(&app, "awo.im1", "Zweitfall").await;
    let south = client(&app, "awo.im2", "Suedfall").await;
    followup_for(&app, a.case_id, "2026-11-18", "Grund A").await;
    followup_for(&app, b.case_id, "2026-11-19", "Grund B").await;
    followup_for(&app, south.case_id, "2026-11-19", "Grund S").await;
    let g = goal_for(&app, a.case_id, "2026-01-10", "open").await;
    step_for(&app, g, a.case_id, "Schritt A", "2026-11-01").await;
    set_case(&app, b.case_id, case::Column::ClockStart, d("2024-01-01")).await;

    let body = home(&app, "awo.leitung").await;
    let team = section(&body, "team");
    let row_start = team
        .find(&format!("data-staff=\"{}\"", app.id("awo.im1")))
        .expect("a row for Ahmad Karimi");
    let row = &team[row_start..team[row_start..].find("</tr>").unwrap() + row_start];
    assert!(row.contains("Ahmad Karimi"));
    // active cases, follow-ups overdue, steps overdue, reviews due, contact overdue, 30 months
    let cells: Vec<&str> = row
        .split("<td>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(cells, ["2", "2", "1", "1", "0", "1"], "{row}");
    assert!(team.contains(&format!("data-staff=\"{}\"", app.id("awo.leitung"))));
    assert!(!team.contains("Olena Kovalenko"), "another team's IM");
    for name in ["Teamfall", "Zweitfall", "Suedfall", "Grund A", "Schritt A"] {
        assert!(
            !body.contains(name),
            "{name} shown to the team lead:\n{body}"
        );
    }
    // A lead who is not an IM sees only the counts.
    let body = home(&app, "caritas.leitung").await;
    assert!(section(&body, "team").contains("Amina Haddad"));
    assert!(!body.contains("id=\"day-due\""));
    assert!(
        app.audit_has(
            "day_view_viewed",
            "allowed",
            Some(app.id("caritas.leitung"))
        )
        .await
    );
}

#[tokio::test]
async fn the_admin_edits_the_working_rules_and_the_day_view_follows_them() {
    let app = TestApp::new().await;
    let c = client(&app, "awo.im1", "Regelfall").await;
    let mut admin = app.login("admin").await;
    let r = admin.get("/admin/rules").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("value=\"7\"");
    let seen_at = r.body.find("name=\"seen\" value=\"").unwrap() + "name=\"seen\" value=\"".len();
    let seen: String = r.body[seen_at..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let seen = seen.replace("&#61;", "=").replace("&#59;", ";");

    let bad = admin
        .post(
            "/admin/rules",
            &[
                ("seen", seen.as_str()),
                ("review_interval_months", "0"),
                ("contact_first_phase_months", "3"),
                ("contact_first_phase_days", ""),
                ("contact_later_days", "abc"),
                ("expiry_warning_days", "30"),
                ("referral_pending_days", "28"),
                ("police_certificate_years", "5"),
                ("volunteer_reminder_days", "56"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("Bitte eine ganze Zahl im erlaubten Bereich angeben.");
    bad.assert_contains("Bitte ausfüllen.");
    bad.assert_contains("value=\"abc\"");
    assert_eq!(
        ankommen_core::administration::settings::WorkRules::load(app.db.reader())
            .await
            .unwrap(),
        ankommen_core::administration::settings::WorkRules::default()
    );

    let good = [
        ("seen", seen.as_str()),
        ("review_interval_months", "3"),
        ("contact_first_phase_months", "3"),
        ("contact_first_phase_days", "2"),
        ("contact_later_days", "28"),
        ("expiry_warning_days", "14"),
        ("referral_pending_days", "21"),
        ("police_certificate_years", "5"),
        ("volunteer_reminder_days", "56"),
    ];
    let ok = admin.post("/admin/rules", &good).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let rules = ankommen_core::administration::settings::WorkRules::load(app.db.reader())
        .await
        .unwrap();
    assert_eq!(rules.contact_first_phase_days, 2);
    assert_eq!(rules.review_interval_months, 3);
    assert!(
        app.audit_has("rules_changed", "allowed", Some(app.id("admin")))
            .await
    );
    // The same form again: someone saved in between.
    let stale = admin.post("/admin/rules", &good).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    stale.assert_contains("Jemand anderes hat diesen Eintrag inzwischen geändert");

    // Contact now due every 2 days at first: overdue on the 24th.
    set_day(&app, "2026-11-24");
    let body = home(&app, "awo.im1").await;
    assert!(section(&body, "contacts").contains("Samira Regelfall"));
    assert!(section(&body, "contacts").contains("Kontakt fällig seit 23.11.2026"));
    let _ = c;

    // Only the county office's administrators; everyone else is refused and audited.
    for user in ["awo.im1", "awo.admin", "awo.leitung", "datenschutz"] {
        let mut u = app.login(user).await;
        assert_eq!(
            u.get("/admin/rules").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let r = u.post("/admin/rules", &good).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(
            app.audit_has("rules_changed", "denied", Some(app.id(user)))
                .await
        );
    }
}

#[tokio::test]
async fn the_admin_adds_renames_reorders_and_deactivates_fields_of_action() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let r = admin.get("/admin/fields").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Aufenthalt/Asylverfahren");

    let bad = admin
        .post(
            "/admin/fields",
            &[
                ("label_de", "Schulden & Recht"),
                ("label_en", ""),
                ("position", "x"),
                ("exchange_field", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("value=\"Schulden &#38; Recht\"");
    bad.assert_contains("id=\"e-exchange_field\"");
    bad.assert_contains("id=\"e-position\"");
    let before = app.count("fields_of_action").await;
    assert_eq!(before, 11);

    let form = [
        ("label_de", "Schulden & Recht"),
        ("label_en", "Debts and law"),
        ("position", "75"),
        ("exchange_field", "finances"),
    ];
    assert_eq!(
        admin.post("/admin/fields", &form).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        admin.post("/admin/fields", &form).await.status,
        StatusCode::SEE_OTHER
    );
    let created: Vec<field_of_action::Model> = field_of_action::Entity::find()
        .filter(field_of_action::Column::LabelDe.eq("Schulden & Recht"))
        .all(app.db.reader())
        .await
        .unwrap();
    let keys: Vec<&str> = created.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["schulden_recht", "schulden_recht_2"]);
    assert!(
        created
            .iter()
            .all(|f| f.exchange_field == "finances" && f.position == 75)
    );
    assert!(
        app.audit_has("field_created", "allowed", Some(app.id("admin")))
            .await
    );

    let f = &created[1];
    let path = format!("/admin/fields/{}", f.id);
    let r = admin.get(&path).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("schulden_recht_2");
    let ok = admin
        .post(
            &path,
            &[
                ("label_de", "Rechtsfragen"),
                ("label_en", "Legal questions"),
                ("position", "5"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let now = field_of_action::Entity::find_by_id(f.id)
        .one(app.db.reader())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (now.label_de.as_str(), now.position, now.active, now.version),
        ("Rechtsfragen", 5, false, 2)
    );
    let active = ankommen_core::administration::fields::active(app.db.reader())
        .await
        .unwrap();
    assert!(!active.iter().any(|x| x.key == "schulden_recht_2"));
    let all = ankommen_core::administration::fields::all(app.db.reader())
        .await
        .unwrap();
    assert_eq!(all[0].key, "schulden_recht_2", "position 5 comes first");
    assert!(
        app.audit_has("field_changed", "allowed", Some(app.id("admin")))
            .await
    );
    // A stale version keeps what was typed.
    let stale = admin
        .post(
            &path,
            &[
                ("label_de", "Recht"),
                ("label_en", "Law"),
                ("position", "5"),
                ("active", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    stale.assert_contains("Jemand anderes hat diesen Eintrag inzwischen geändert");
    stale.assert_contains("value=\"Recht\"");
    let empty = admin
        .post(
            &path,
            &[
                ("label_de", ""),
                ("label_en", "Law"),
                ("position", "5"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_contains("Bitte ausfüllen.");

    for user in ["awo.im1", "awo.admin"] {
        let mut u = app.login(user).await;
        assert_eq!(
            u.get("/admin/fields").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(u.get(&path).await.status, StatusCode::FORBIDDEN, "{user}");
        assert_eq!(
            u.post("/admin/fields", &form).await.status,
            StatusCode::FORBIDDEN
        );
        assert!(
            app.audit_has("field_created", "denied", Some(app.id(user)))
                .await
        );
    }
    assert_eq!(app.count("fields_of_action").await, 13);
}

#[tokio::test]
async fn the_demo_ims_working_day_shows_every_kind_of_item() {
    let app = TestApp::new().await;
    ankommen_core::demo::seed_clients(
        &app.db,
        std::sync::Arc::new(app.clock.clone()),
        &app.sealer(),
        &app.ids,
    )
    .await
    .unwrap();
    let body = home(&app, "awo.im1").await;
    for kind in [
        "followups",
        "steps",
        "reviews",
        "contacts",
        "clock",
        "releases",
        "residence",
        "consent",
    ] {
        let s = section(&body, kind);
        assert!(!s.is_empty(), "nothing of {kind} is due:\n{body}");
    }
    assert!(section(&body, "followups").contains("Mohammad Haddad"));
    // The demo's history is consistent: each case's timeline says it was opened on the day the
    // case began (the move-in), and every follow-up was set before it fell due.
    let cases = case::Entity::find().all(app.db.reader()).await.unwrap();
    assert!(
        cases
            .iter()
            .any(|c| c.opened_on < app.clock.now().date_naive())
    );
    for c in &cases {
        let opened = case_event::Entity::find()
            .filter(case_event::Column::CaseId.eq(c.id))
            .filter(case_event::Column::Kind.eq("opened"))
            .one(app.db.reader())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(opened.on_date, c.opened_on, "case {}", c.case_number);
    }
    let followups = followup::Entity::find().all(app.db.reader()).await.unwrap();
    assert!(!followups.is_empty());
    for f in &followups {
        assert!(f.created_at.date_naive() < f.due_on, "{f:?}");
    }
    // The team lead of Team Nord sees Ahmad Karimi's counts.
    let body = home(&app, "awo.leitung").await;
    assert!(section(&body, "team").contains("Ahmad Karimi"));
    assert!(!body.contains("Mohammad Haddad"));
}

/// The day view's statements are planned once per connection on PostgreSQL (see
/// `docs/benchmarks.md`): the server's connections ask for generic plans. (SQLite has no such
/// setting; there the test has nothing to check.)
#[tokio::test]
async fn postgres_connections_plan_their_statements_once() {
    let t = TestApp::new().await;
    if t.db.backend() != ankommen_store::Backend::Postgres {
        return;
    }
    for conn in [t.db.reader(), t.db.writer()] {
        let row = conn
            .query_one_raw(Statement::from_string(
                conn.get_database_backend(),
                "SHOW plan_cache_mode",
            ))
            .await
            .unwrap()
            .unwrap();
        let mode: String = row.try_get_by_index(0).unwrap();
        assert_eq!(mode, "force_generic_plan");
    }
}
