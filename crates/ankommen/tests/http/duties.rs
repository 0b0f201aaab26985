//! Issue 21: separation of duties (password resets need a second administrator, every reset and
//! role change is kept for the data-protection officer) and a complete record of who saw a person
//! (audit events name the person and the case, list pages and duplicate hints included; the
//! officer's look-up needs the full name, keeps its reason, names each person found and is limited).

use ankommen_core::Clock;
use axum::http::StatusCode;

use crate::fixtures::register_named;
use crate::support::TestApp;

const REASON: &str = "Auskunftsersuchen nach Art. 15 DSGVO vom 18.11.2026";

/// Today on the app's clock, as a form field.
fn today(t: &TestApp) -> String {
    t.clock.now().date_naive().to_string()
}

#[tokio::test]
async fn an_administrator_cannot_reset_an_existing_password_alone() {
    let t = TestApp::new().await;
    let im = t.id("awo.im1");
    let links = t.count("setup_tokens").await;
    let mut admin = t.login("admin").await;
    admin.get(&format!("/admin/staff/{im}")).await;
    let r = admin
        .post(&format!("/admin/staff/{im}/setup-link"), &[])
        .await;
    // Only a request: no link exists, none is shown.
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(&format!("/admin/staff/{im}")).await;
    page.assert_contains("Die Zurücksetzung ist angefragt");
    assert!(!page.body.contains("/setup/"));
    assert_eq!(t.count("setup_tokens").await, links);
    assert!(
        t.audit_has("password_reset_requested", "allowed", Some(t.id("admin")))
            .await
    );
    // The requester cannot confirm it, and the person keeps their password meanwhile.
    let id = t.scalar("SELECT id AS n FROM confirmations").await;
    let decide = format!("/confirmations/{id}");
    let confirm = [("kind", "password_reset"), ("decision", "confirm")];
    assert!(
        !admin
            .get("/confirmations")
            .await
            .body
            .contains("Ahmad Karimi")
    );
    assert_eq!(
        admin.post(&decide, &confirm).await.status,
        StatusCode::NOT_FOUND
    );
    // Nor can the person themself, nor an administrator of another organisation's... the IM is
    // no administrator at all.
    let mut itself = t.login("awo.im1").await;
    assert_eq!(
        itself.post(&decide, &confirm).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.count("setup_tokens").await, links);
    // A second administrator (the organisation's) confirms: only now the link exists, shown once.
    let mut second = t.login("awo.admin").await;
    let list = second.get("/confirmations").await;
    list.assert_contains("Passwort von Ahmad Karimi zurücksetzen");
    list.assert_contains("<bdi>Sabine Adler</bdi>");
    let r = second.post(&decide, &confirm).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("/setup/");
    assert_eq!(t.count("setup_tokens").await, links + 1);
    // The person is told at their next login who reset it and who confirmed.
    let home = itself.get("/").await;
    home.assert_contains("Ihr Passwort wurde zurückgesetzt");
    home.assert_contains("<bdi>Sabine Adler</bdi>");
    home.assert_contains("<bdi>Thomas Berger</bdi>");
    // The data-protection officer's report lists it with both names.
    let mut dpo = t.login("datenschutz").await;
    let report = dpo.get("/privacy/staff-changes").await;
    assert_eq!(report.status, StatusCode::OK);
    report.assert_contains("Passwort zurückgesetzt");
    report.assert_contains("<bdi>Ahmad Karimi</bdi>");
    report.assert_contains("<bdi>Thomas Berger</bdi>");
    // Others may not read that report.
    let r = second.get("/privacy/staff-changes").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_role_change_is_kept_with_its_old_and_new_values_for_the_data_protection_officer() {
    let t = TestApp::new().await;
    let im2 = t.id("awo.im2");
    let mut admin = t.login("awo.admin").await;
    admin.get(&format!("/admin/staff/{im2}")).await;
    let p = ankommen_core::administration::staff::get(&t.db, &t.ctx_of("awo.admin").await, im2)
        .await
        .unwrap();
    let org = p.person.organisation_id.to_string();
    let team = p.person.team_id.map(|t| t.to_string()).unwrap_or_default();
    let version = p.person.version.to_string();
    let mut fields = vec![
        ("display_name", "Olena Kovalenko"),
        ("username", "awo.im2"),
        ("organisation_id", org.as_str()),
        ("team_id", team.as_str()),
        ("roles", "im"),
        ("roles", "team_lead"),
        ("active", "on"),
        ("locale", "de"),
        ("version", version.as_str()),
    ];
    for m in &p.municipalities {
        fields.push(("municipalities", m.as_str()));
    }
    let r = admin.post(&format!("/admin/staff/{im2}"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM staff_changes WHERE staff_id = {im2} AND what = 'roles' \
             AND old_value = 'im' AND new_value = 'im,team_lead'"
        ))
        .await,
        1
    );
    let mut dpo = t.login("datenschutz").await;
    let report = dpo.get("/privacy/staff-changes").await;
    // In words, not codes.
    report.assert_contains("<td>Rollen</td>");
    report.assert_contains("Integrationsmanagement, Teamleitung");
    assert!(!report.body.contains("im,team_lead"));
}

#[tokio::test]
async fn every_page_that_shows_a_client_names_them_in_the_audit_log() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Rana", "Sabbagh", None, "1988").await;
    let other = register_named(&t, "awo.im1", "Omar", "Nassar", None, "1970").await;
    let before = t.audit_of(c.person_id, c.case_id).await.len();
    let im = t.id("awo.im1");
    let mut b = t.login("awo.im1").await;
    // A follow-up due today (the day view lists it) and a contact.
    b.get(&format!("/cases/{}", c.case_id)).await;
    let r = b
        .post(
            &format!("/cases/{}/followups", c.case_id),
            &[("followup_on", &today(&t)), ("followup_reason", "Rückruf")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    b.get(&format!("/cases/{}/contacts/new", c.case_id)).await;
    let pid = c.person_id.to_string();
    let r = b
        .post(
            &format!("/cases/{}/contacts/new", c.case_id),
            &[
                ("date", &today(&t)),
                ("persons", pid.as_str()),
                ("kind", "office_appointment"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let contact = t.scalar("SELECT MAX(id) AS n FROM contacts").await;

    for page in [
        "/".to_string(),
        "/cases".to_string(),
        format!("/contacts/{contact}"),
        format!("/cases/{}/plan", c.case_id),
        format!("/cases/{}/timeline", c.case_id),
    ] {
        let r = b.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
    }
    // The name search (a POST: names never travel in URLs).
    let r = b.post("/cases", &[("q", "Sabbagh")]).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Rana Sabbagh");
    assert!(!r.body.contains("Nassar"));
    let events: Vec<String> = t
        .audit_of(c.person_id, c.case_id)
        .await
        .into_iter()
        .skip(before)
        .filter(|(_, who)| *who == Some(im))
        .map(|(a, _)| a)
        .collect();
    for action in [
        "day_view_viewed",
        "caseload_viewed",
        "followup_created",
        "contact_recorded",
        "contact_viewed",
        "plan_viewed",
        "timeline_viewed",
    ] {
        assert!(
            events.iter().any(|a| a == action),
            "{action} missing from {events:?}"
        );
    }
    // The caseload and the search were two page views, each naming the client once.
    assert_eq!(
        events.iter().filter(|a| *a == "caseload_viewed").count(),
        2,
        "{events:?}"
    );
    // A search that does not show the other client does not name them.
    let searched = t
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'caseload_viewed' \
             AND person_id = {}",
            other.person_id
        ))
        .await;
    assert_eq!(
        searched, 1,
        "only the unfiltered caseload showed the other client"
    );

    // A colleague's registration of the same person is hinted at, and the hint is recorded under
    // the person (it reveals that they are a client here).
    let mut colleague = t.login("awo.im2").await;
    colleague.get("/clients/new").await;
    let ctx = t.ctx_of("awo.im2").await;
    let r = colleague
        .post(
            "/clients",
            &[
                ("given_name", "Rana"),
                ("family_name", "Sabbagh"),
                ("birth", "1988"),
                ("municipality", ctx.actor.municipalities[0].as_str()),
                ("au_move_in", "2025-03-01"),
                ("target_group", "follow_up_housing"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Ahmad Karimi");
    let hinted = t.audit_of(c.person_id, c.case_id).await;
    assert!(
        hinted
            .iter()
            .any(|(a, who)| a == "duplicate_hints_shown" && *who == Some(t.id("awo.im2"))),
        "{hinted:?}"
    );

    // The data-protection officer's report lists all of it, in words.
    let mut dpo = t.login("datenschutz").await;
    dpo.get("/privacy").await;
    let r = dpo
        .post(
            "/privacy/lookup",
            &[
                ("name", "Rana Sabbagh"),
                ("birth_year", "1988"),
                ("reason", REASON),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = dpo
        .post(
            &format!("/privacy/persons/{}", c.person_id),
            &[("reason", REASON)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for label in [
        "Fallliste angesehen",
        "Tagesansicht angesehen",
        "Hinweis auf mögliche Doppelerfassung gezeigt",
        "Suche für eine Betroffenenanfrage",
    ] {
        r.assert_contains(&format!("<td>{label}</td>"));
    }
    r.assert_contains("<bdi>Olena Kovalenko</bdi>");
}

#[tokio::test]
async fn the_officers_look_up_needs_the_full_name_keeps_its_reason_names_each_hit_and_is_limited() {
    let t = TestApp::new().await;
    let c = register_named(&t, "awo.im1", "Amina", "Haddad", None, "1990").await;
    let mut dpo = t.login("datenschutz").await;
    dpo.get("/privacy").await;
    let look = |name: &'static str| [("name", name), ("birth_year", "1990"), ("reason", REASON)];
    // One word is not a full name: a field error, nothing searched.
    let r = dpo.post("/privacy/lookup", &look("Haddad")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("vollständigen Namen");
    assert_eq!(t.count("dpo_lookups").await, 0);
    // Beginnings of the words find nobody.
    let r = dpo.post("/privacy/lookup", &look("Ami Hadd")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Haddad"), "a prefix found the person");
    // The full name, in another spelling and order, finds her; the reason is kept and the hit is
    // recorded under her.
    let r = dpo.post("/privacy/lookup", &look("Hadad Amina")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Amina Haddad");
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM dpo_lookups WHERE reason = '{REASON}'"
        ))
        .await,
        2
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'dpo_lookup' \
             AND person_id = {}",
            c.person_id
        ))
        .await,
        1
    );
    // At most LOOKUP_LIMIT look-ups in the window; the next is refused and audited.
    let limit = ankommen_core::records::privacy::LOOKUP_LIMIT;
    for _ in 2..limit {
        let r = dpo.post("/privacy/lookup", &look("Peter Muster")).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let r = dpo.post("/privacy/lookup", &look("Amina Haddad")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Zu viele Suchen");
    assert!(!r.body.contains("<bdi>Amina Haddad</bdi>"));
    assert!(
        t.audit_has("dpo_lookup", "denied", Some(t.id("datenschutz")))
            .await
    );
    // After the window, searching works again.
    t.clock.advance(chrono::Duration::minutes(16));
    let r = dpo.post("/privacy/lookup", &look("Amina Haddad")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
