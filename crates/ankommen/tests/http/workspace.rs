//! The case workspace (decision 0029): the case page shows the plan's open goals with their next
//! steps and the last three contacts; the rare actions open on pages of their own, which answer
//! like a missing record to everyone who may not open the case, and keep what was typed when a
//! change fails.

use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;

use crate::fixtures::{self, Client as Person};
use crate::support::TestApp;

/// The part of a page from the element with `id` to the end of its section.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page:\n{body}"));
    let rest = &body[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// Inserts a counselling contact recorded by `by`.
async fn contact(t: &TestApp, p: &Person, on: &str, kind: &str, topics: &str, by: i64) {
    let now = "2026-11-21 08:00:00+00:00";
    t.db.writer()
        .execute_unprepared(&format!(
            "INSERT INTO contacts (case_id, contact_date, minutes, contact_kind, topics, created_by, \
             created_at, updated_at, version) VALUES ({}, '{on}', 30, '{kind}', '{topics}', {by}, \
             '{now}', '{now}', 1)",
            p.case_id
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_case_page_shows_the_open_goals_with_next_steps_and_the_last_three_contacts() {
    let t = TestApp::new().await;
    let p =
        fixtures::register_consenting(&t, "awo.im1", "Nadia", "Arbeitsplatz", None, "1990").await;
    let mut im = t.login("awo.im1").await;
    let (_, housing) = crate::plans::two_goals(&t, &mut im, &p).await;
    // A third goal, reached: it leaves the workspace (the plan page keeps it).
    let r = im
        .post(
            &format!("/cases/{}/plan/goals", p.case_id),
            &[
                ("field", "work"),
                ("text", "Einen Minijob finden"),
                ("person", ""),
                ("priority", "2"),
                ("target_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE goals SET status = 'reached' WHERE case_id = {} AND field_key = 'work'",
            p.case_id
        ))
        .await
        .unwrap();
    let by = t.id("awo.im1");
    contact(&t, &p, "2026-08-03", "group", "participation", by).await;
    contact(&t, &p, "2026-09-10", "phone", "housing", by).await;
    contact(&t, &p, "2026-10-15", "office_hours", "language", by).await;
    contact(&t, &p, "2026-11-18", "home_visit", "language,housing", by).await;

    let r = im.get(&format!("/cases/{}", p.case_id)).await;
    assert_eq!(r.status, StatusCode::OK);
    let goals = section(&r.body, "ws-goals");
    assert!(goals.contains("Ich will Deutsch B1 schaffen"), "{goals}");
    assert!(goals.contains("Eine eigene Wohnung finden"), "{goals}");
    assert!(!goals.contains("Einen Minijob finden"), "{goals}");
    // Each goal with its open steps, the next (the earliest due) first, in words.
    let kurs = goals
        .find("Beim Integrationskurs anmelden")
        .expect("the next step");
    let lernen = goals
        .find("Jeden Tag eine Stunde lernen")
        .expect("the other step");
    assert!(kurs < lernen, "{goals}");
    assert!(goals.contains("VHS Talheim"), "{goals}");
    assert!(goals.contains("bis 15.12.2026"), "{goals}");
    assert!(goals.contains("Wohnungsamt anrufen"), "{goals}");
    assert!(goals.contains(&format!("/plan#goal-{housing}")), "{goals}");
    assert!(goals.contains("Sprache"), "{goals}");

    let contacts = section(&r.body, "ws-contacts");
    let visit = contacts.find("18.11.2026").expect("the newest contact");
    let office = contacts.find("15.10.2026").expect("the second");
    let phone = contacts.find("10.09.2026").expect("the third");
    assert!(visit < office && office < phone, "{contacts}");
    assert!(contacts.contains("Hausbesuch"), "{contacts}");
    assert!(contacts.contains("Sprache, Wohnen"), "{contacts}");
    assert!(contacts.contains("Ahmad Karimi"), "{contacts}");
    // Not the fourth; the timeline has them all.
    assert!(!contacts.contains("03.08.2026"), "{contacts}");
    assert!(!contacts.contains("Gruppenangebot"), "{contacts}");
    assert!(contacts.contains("alle 4 Kontakte"), "{contacts}");

    // The persons with age and consent; the case's clock and next review.
    let persons = section(&r.body, "ws-persons");
    assert!(persons.contains("Nadia Arbeitsplatz"), "{persons}");
    assert!(persons.contains("36 Jahre"), "{persons}");
    assert!(persons.contains("state-active"), "{persons}");
    r.assert_contains("id=\"ws-time-left\"");
    r.assert_contains("id=\"ws-review\"");
    // The rare actions are buttons to their pages, not forms on this one.
    for action in ["pause", "extend", "close", "move", "share"] {
        r.assert_contains(&format!("href=\"/cases/{}/{action}\"", p.case_id));
        assert!(
            !r.body.contains(&format!("id=\"form-{action}\"")),
            "{action}"
        );
    }
    assert!(!r.body.contains("/reopen\""));
    // The reads are audited: the case, its plan.
    assert!(t.audit_has("case_viewed", "allowed", Some(by)).await);
    assert!(t.audit_has("plan_viewed", "allowed", Some(by)).await);
}

#[tokio::test]
async fn without_consent_the_workspace_shows_neither_goals_nor_languages() {
    let t = TestApp::new().await;
    let p = fixtures::register_named(&t, "awo.im1", "Omid", "Ohne", None, "1985").await;
    let mut im = t.login("awo.im1").await;
    let r = im.get(&format!("/cases/{}", p.case_id)).await;
    assert_eq!(r.status, StatusCode::OK);
    let goals = section(&r.body, "ws-goals");
    assert!(
        goals.contains("deckt den Integrationsplan nicht"),
        "{goals}"
    );
    let persons = section(&r.body, "ws-persons");
    assert!(
        persons.contains("ohne Einwilligung nicht gezeigt"),
        "{persons}"
    );
    assert!(persons.contains("keine Einwilligung"), "{persons}");
    assert!(!t.audit_has("plan_viewed", "allowed", None).await);
}

#[tokio::test]
async fn the_rare_action_pages_are_for_those_who_may_open_the_case() {
    let t = TestApp::new().await;
    let p = fixtures::register_with_canary(&t, "awo.im1", "Selten").await;
    let mut holder = t.login("awo.im1").await;
    for action in ["pause", "extend", "close", "move", "share"] {
        let r = holder.get(&format!("/cases/{}/{action}", p.case_id)).await;
        assert_eq!(r.status, StatusCode::OK, "{action}");
        r.assert_contains(&format!("id=\"form-{action}\""));
        r.assert_contains("id=\"who\"");
        r.assert_contains("CanarySelten");
        // Only that form.
        let forms = r.body.matches("id=\"form-").count();
        assert_eq!(forms, 1, "{action}");
    }
    let r = holder.get(&format!("/cases/{}/unknown", p.case_id)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A colleague of the same organisation without a share, an IM of another provider, the team
    // lead: like a missing case.
    for user in ["awo.im2", "caritas.im", "awo.leitung"] {
        let mut other = t.login(user).await;
        for action in ["pause", "close", "share", "reopen"] {
            let r = other.get(&format!("/cases/{}/{action}", p.case_id)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} {action}");
            assert!(!r.body.contains("CanarySelten"), "{user} {action}");
        }
    }
    assert!(
        t.audit_has("case_viewed", "denied", Some(t.id("caritas.im")))
            .await
    );
}

#[tokio::test]
async fn a_failed_pause_or_close_keeps_what_was_typed_on_its_page() {
    let t = TestApp::new().await;
    let p = fixtures::register_named(&t, "awo.im1", "Tim", "Tippfehler", None, "1990").await;
    let mut im = t.login("awo.im1").await;
    let url = format!("/cases/{}", p.case_id);

    let r = im
        .post(
            &format!("{url}/pause"),
            &[
                ("version", "1"),
                ("paused_from", "31.02.2026"),
                ("pause_reason", "Reise nach Kyjiw"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"form-pause\"");
    r.assert_contains("id=\"e-paused_from\"");
    r.assert_contains("value=\"Reise nach Kyjiw\"");
    r.assert_contains("value=\"31.02.2026\"");
    assert!(!r.body.contains("id=\"form-close\""));
    r.assert_contains(&format!("href=\"{url}\" id=\"back-to-case\""));

    let r = im
        .post(
            &format!("{url}/close"),
            &[
                ("version", "1"),
                ("closed_on", "2026-11-20"),
                ("closure_reason", "no_cooperation"),
                ("closure_note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"form-close\"");
    r.assert_contains("<option value=\"no_cooperation\" selected>");
    r.assert_contains("id=\"f-closure_reason\" name=\"closure_reason\" required");
    r.assert_contains("value=\"2026-11-20\"");
    r.assert_contains("id=\"e-closure_note\"");
    assert!(!r.body.contains("id=\"form-pause\""));

    // Nothing changed.
    let r = im.get(&url).await;
    r.assert_contains("href=\"/cases/");
    assert_eq!(t.count("case_pauses").await, 0);
}
