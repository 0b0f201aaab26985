//! HTTP tests: the caseload (who sees which cases, name search by POST, filters, paging, saved
//! filters), the case page (the 3-year clock, extension, pause, closure with its snapshot, reopening,
//! moves with the handover summary, sharing), handover by a team lead, concurrent edits and bad input.

use ankommen_core::kernel::catalog::DataCategory;
use ankommen_core::records::releases::{self, Recipient, ReleaseInput};
use ankommen_store::sea_orm::{ConnectionTrait, Statement};
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};

use crate::fixtures::{self, Client};
use crate::support::TestApp;

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

async fn org_id(t: &TestApp, name: &str) -> i64 {
    int(
        t,
        &format!("SELECT CAST(id AS BIGINT) AS n FROM organisations WHERE name = '{name}'"),
    )
    .await
}

async fn version(t: &TestApp, case_id: i64) -> String {
    int(
        t,
        &format!("SELECT CAST(version AS BIGINT) AS n FROM cases WHERE id = {case_id}"),
    )
    .await
    .to_string()
}

async fn status(t: &TestApp, case_id: i64) -> String {
    text(
        t,
        &format!("SELECT status AS v FROM cases WHERE id = {case_id}"),
    )
    .await
    .unwrap()
}

fn path(c: &Client) -> String {
    format!("/cases/{}", c.case_id)
}

/// Rows of the caseload table on a page.
fn rows(body: &str) -> usize {
    body.matches("<th scope=\"row\" class=\"names\">").count()
}

/// Every URL a page links to or submits to (href, action, src, formaction).
fn urls(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "action=\"", "src=\"", "formaction=\""] {
        for part in body.split(attr).skip(1) {
            out.push(part.split('"').next().unwrap_or("").to_string());
        }
    }
    out
}

/// Inserts a counselling contact (the contacts feature is not built yet).
async fn contact(t: &TestApp, case_id: i64, on: NaiveDate, by: i64) {
    let now = "2026-11-21 08:00:00+00:00";
    t.db.writer()
        .execute_unprepared(&format!(
            "INSERT INTO contacts (case_id, contact_date, minutes, contact_kind, topics, created_by, \
             created_at, updated_at, version) VALUES ({case_id}, '{on}', 30, 'office', 'language', \
             {by}, '{now}', '{now}', 1)"
        ))
        .await
        .unwrap();
}

async fn register(t: &TestApp, im: &str, given: &str, family: &str) -> Client {
    fixtures::register_named(t, im, given, family, None, "1990").await
}

// ---------------------------------------------------------------------------------------------
// Who sees what

#[tokio::test]
async fn an_im_sees_own_cases_with_both_spellings_and_not_a_colleagues() {
    let t = TestApp::new().await;
    let mine = fixtures::register_named(
        &t,
        "awo.im1",
        "Samira",
        "Haddad",
        Some("سميرة حداد"),
        "1990",
    )
    .await;
    let other = register(&t, "awo.im2", "Olga", "Petrenko").await;
    let mut im = t.login("awo.im1").await;

    let r = im.get("/cases").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("<bdi>Samira Haddad</bdi>");
    r.assert_contains("<bdi dir=\"auto\" class=\"name-original\">سميرة حداد</bdi>");
    r.assert_contains(&format!("href=\"{}\"", path(&mine)));
    r.assert_contains("href=\"/clients/new\"");
    r.assert_contains("Ein Fall");
    assert!(!r.body.contains("Petrenko"));
    // No IM column and no reassign form for an IM.
    assert!(!r.body.contains("reassign-form"));
    assert!(
        t.audit_has("caseload_viewed", "allowed", Some(t.id("awo.im1")))
            .await
    );

    // A colleague's case page: not found, and the refusal is audited.
    let r = im.get(&path(&other)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Petrenko"));
    assert!(
        t.audit_has("case_viewed", "denied", Some(t.id("awo.im1")))
            .await
    );

    // Their own case page.
    let r = im.get(&path(&mine)).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains(&format!("href=\"/clients/{}\"", mine.person_id));
    r.assert_contains("<bdi>Samira Haddad</bdi>");
    r.assert_contains("AWO Kreisverband Neckartal");
    r.assert_contains("Bergfelden");
    assert!(
        t.audit_has("case_viewed", "allowed", Some(t.id("awo.im1")))
            .await
    );
}

#[tokio::test]
async fn a_new_im_has_an_empty_caseload() {
    let t = TestApp::new().await;
    let mut im = t.login("talheim.im").await;
    let r = im.get("/cases").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Keine Fälle");
    r.assert_contains("Sie haben noch keine Fälle.");
    assert_eq!(rows(&r.body), 0);
}

#[tokio::test]
async fn a_team_lead_sees_the_teams_cases_and_can_reassign_but_not_open_them() {
    let t = TestApp::new().await;
    let north = register(&t, "awo.im1", "Karim", "Nordmann").await;
    let south = register(&t, "awo.im2", "Olga", "Suedmann").await;
    let mut lead = t.login("awo.leitung").await;

    let r = lead.get("/cases").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Karim Nordmann");
    // The IM column, a reassign box per row and the reassign form.
    r.assert_contains("Ahmad Karimi");
    r.assert_contains(&format!(
        "name=\"case\" value=\"{}\" id=\"c-{}\" form=\"reassign-form\"",
        north.case_id, north.case_id
    ));
    r.assert_contains("action=\"/cases/reassign\"");
    // The targets: the IMs of the lead's team (Team Nord), not the lead, not another team's.
    let select = r.body.split("name=\"reassign_to\"").nth(1).unwrap();
    let select = select.split("</select>").next().unwrap();
    assert!(
        select.contains(&format!(
            "<option value=\"{}\">Ahmad Karimi</option>",
            t.id("awo.im1")
        )),
        "{select}"
    );
    assert!(
        !select.contains(&format!("<option value=\"{}\"", t.id("awo.im2"))),
        "{select}"
    );
    assert!(
        select.contains(&format!(
            "<option value=\"{}\">mir selbst",
            t.id("awo.leitung")
        )),
        "{select}"
    );
    // Another team's case is not listed; the team's case is not linked.
    assert!(!r.body.contains("Suedmann"));
    assert!(!r.body.contains(&format!("href=\"{}\"", path(&north))));

    // "Team leads see the case list and can reassign, not browse intake data."
    for p in [path(&north), path(&south)] {
        let r = lead.get(&p).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
        assert!(!r.body.contains("Nordmann") && !r.body.contains("Suedmann"));
    }
    assert!(
        t.audit_has("case_viewed", "denied", Some(t.id("awo.leitung")))
            .await
    );
    let r = lead
        .post(
            &format!("{}/pause", path(&north)),
            &[("version", "1"), ("paused_from", "2026-11-21")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(status(&t, north.case_id).await, "active");
}

#[tokio::test]
async fn roles_without_case_work_see_no_names_and_no_case_pages() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "talheim.im", "Roles").await;
    for user in [
        "koordination",
        "talheim.beauftragte",
        "admin",
        "awo.admin",
        "datenschutz",
        "caritas.leitung",
        "awo.im1",
    ] {
        let mut s = t.login(user).await;
        let r = s.get("/cases").await;
        assert!(
            r.status == StatusCode::OK
                || r.status == StatusCode::FORBIDDEN
                || r.status == StatusCode::NOT_FOUND,
            "{user}: {}",
            r.status
        );
        assert!(!r.body.contains("CanaryRoles"), "{user} sees the name");
        let r = s.get(&path(&c)).await;
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
            "{user}: {}",
            r.status
        );
        assert!(!r.body.contains("CANARY-Roles"), "{user} sees the canary");
        assert!(!r.body.contains("CanaryRoles"), "{user} sees the name");
        let r = s
            .get(&format!(
                "{}/handover/{}",
                path(&c),
                org_id(&t, "Caritas Neckartal").await
            ))
            .await;
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
            "{user}: {}",
            r.status
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Search, filters, paging, saved filters

#[tokio::test]
async fn the_name_search_is_tolerant_posted_and_never_part_of_a_url() {
    let t = TestApp::new().await;
    register(&t, "awo.im1", "Jonas", "Müller").await;
    register(&t, "awo.im1", "Mohammad", "Rahimi").await;
    fixtures::register_named(&t, "awo.im1", "Amina", "Haddad", Some("أمينة حداد"), "1985").await;
    let mut im = t.login("awo.im1").await;

    let r = im.get("/cases").await;
    assert_eq!(rows(&r.body), 3);
    // The filter form posts; it carries no search term into its URL.
    r.assert_contains("<form id=\"caseload-filter\" method=\"post\" action=\"/cases\"");

    for (q, want, not) in [
        ("Mueller", "Jonas Müller", "Mohammad Rahimi"),
        ("mohammad", "Mohammad Rahimi", "Jonas Müller"),
        ("أمينة حداد", "Amina Haddad", "Mohammad Rahimi"),
        ("Haddad", "Amina Haddad", "Jonas Müller"),
    ] {
        let r = im.post("/cases", &[("q", q), ("status", "open")]).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
        assert_eq!(rows(&r.body), 1, "{q}: {}", r.body);
        r.assert_contains(want);
        assert!(!r.body.contains(not), "{q} also found {not}");
        // The term is kept in the form, but no link, form target or redirect carries it.
        assert!(r.location().is_empty());
        for u in urls(&r.body) {
            assert!(
                !u.contains(q) && !u.to_lowercase().contains(&q.to_lowercase()),
                "{q} in {u}"
            );
        }
    }
    let r = im.post("/cases", &[("q", "Mueller")]).await;
    r.assert_contains("value=\"Mueller\"");

    // A search term in a URL is ignored.
    let r = im.get("/cases?q=Mueller").await;
    assert_eq!(rows(&r.body), 3);
    assert!(!r.body.contains("value=\"Mueller\""));

    // Saving the filter while searching: the redirect and the saved query hold no name.
    let r = im
        .post(
            "/cases/filters",
            &[
                ("q", "Mueller"),
                ("status", "all"),
                ("filter_name", "Alle Fälle"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !r.location().contains("Mueller") && !r.location().contains("q="),
        "{}",
        r.location()
    );
    let saved = text(&t, "SELECT query AS v FROM saved_filters")
        .await
        .unwrap();
    assert!(
        !saved.contains("Mueller") && !saved.contains("ller") && !saved.contains("q="),
        "{saved}"
    );
}

#[tokio::test]
async fn filters_by_status_municipality_time_left_and_last_contact() {
    let t = TestApp::new().await;
    let a = register(&t, "kreis.im", "Anna", "Alpha").await; // 08990004
    let b = register(&t, "kreis.im", "Bernd", "Beta").await;
    let c = register(&t, "kreis.im", "Clara", "Gamma").await;
    let im_id = t.id("kreis.im");
    let mut im = t.login("kreis.im").await;

    // Close one case.
    let v = version(&t, c.case_id).await;
    let r = im
        .post(
            &format!("{}/close", path(&c)),
            &[
                ("version", v.as_str()),
                ("closed_on", "2026-11-21"),
                ("closure_reason", "goals_reached"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let r = im.get("/cases").await;
    assert_eq!(rows(&r.body), 2, "open is the default");
    assert!(!r.body.contains("Clara Gamma"));
    let r = im.get("/cases?status=closed").await;
    assert_eq!(rows(&r.body), 1);
    r.assert_contains("Clara Gamma");
    r.assert_contains("<option value=\"closed\" selected>");
    let r = im.get("/cases?status=all").await;
    assert_eq!(rows(&r.body), 3);

    // Municipality: the IM's two municipalities are offered; the cases are all in the first.
    r.assert_contains("<option value=\"08990005\"");
    assert_eq!(rows(&im.get("/cases?municipality=08990005").await.body), 0);
    assert_eq!(rows(&im.get("/cases?municipality=08990004").await.body), 2);

    // Last contact: a 10 days ago, b 40 days ago, c none (and closed).
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    contact(&t, a.case_id, today - Duration::days(10), im_id).await;
    contact(&t, b.case_id, today - Duration::days(40), im_id).await;
    let r = im.get("/cases?last_contact=never").await;
    assert_eq!(rows(&r.body), 0, "the only case without contact is closed");
    let r = im.get("/cases?last_contact=never&status=all").await;
    assert_eq!(rows(&r.body), 1);
    r.assert_contains("Clara Gamma");
    let r = im.get("/cases?last_contact=over30").await;
    assert_eq!(rows(&r.body), 1);
    r.assert_contains("Bernd Beta");
    r.assert_contains(&(today - Duration::days(40)).format("%d.%m.%Y").to_string());
    assert_eq!(rows(&im.get("/cases?last_contact=over90").await.body), 0);

    // Time left: nothing near the end yet (the clock started 2025-03-01).
    assert_eq!(rows(&im.get("/cases?time_left=warning").await.body), 0);
    assert!(!im.get("/cases").await.body.contains("30 Monate erreicht"));
    // 30 months after the start: the warning.
    t.clock.advance(Duration::days(300));
    let mut im = t.login("kreis.im").await;
    let r = im.get("/cases?time_left=warning").await;
    assert_eq!(rows(&r.body), 2);
    r.assert_contains("badge warn\">30 Monate erreicht");
    assert_eq!(rows(&im.get("/cases?time_left=overdue").await.body), 0);
    assert_eq!(rows(&im.get("/cases?time_left=under3").await.body), 0);
    // Past the 3 years.
    t.clock.advance(Duration::days(200));
    let mut im = t.login("kreis.im").await;
    let r = im.get("/cases?time_left=overdue").await;
    assert_eq!(rows(&r.body), 2);
    r.assert_contains("überschritten");

    // Sorting by name, descending.
    let r = im.get("/cases?sort=name&dir=desc").await;
    let (pa, pb) = (
        r.body.find("Anna Alpha").unwrap(),
        r.body.find("Bernd Beta").unwrap(),
    );
    assert!(pb < pa);
    // Unknown filter values are field errors (decision 0012), not a crash: the list is shown
    // under the defaults, with the errors; the page number is clamped.
    let r = im
        .get("/cases?status=nonsense&time_left=%3Cx%3E&page=-3&sort=1")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["status", "time_left", "sort"] {
        r.assert_contains(&format!("href=\"#f-{field}\""));
    }
    assert!(!r.body.contains("<x>"));
    assert_eq!(rows(&r.body), 2);
    assert_eq!(im.get("/cases?page=-3").await.status, StatusCode::OK);
}

#[tokio::test]
async fn paging_shows_25_cases_and_keeps_the_search_term() {
    let t = TestApp::new().await;
    for i in 0..30 {
        register(&t, "talheim.im", &format!("Person{i:02}"), "Seitenweise").await;
    }
    register(&t, "talheim.im", "Andere", "Familie").await;
    let mut im = t.login("talheim.im").await;

    let r = im.post("/cases", &[("q", "Seitenweise")]).await;
    assert_eq!(rows(&r.body), 25);
    r.assert_contains("30 Fälle");
    r.assert_contains("form=\"caseload-filter\" name=\"page\" value=\"2\"");
    // Page 2 of the search, as the pager button inside the filter form posts it.
    let r = im
        .post("/cases", &[("q", "Seitenweise"), ("page", "2")])
        .await;
    assert_eq!(rows(&r.body), 5);
    assert!(!r.body.contains("Andere Familie"));
    r.assert_contains("value=\"Seitenweise\"");
    for u in urls(&r.body) {
        assert!(!u.contains("Seitenweise"), "{u}");
    }
    // Without the search: 31 cases, the second page shows 6.
    let r = im.get("/cases?page=2").await;
    assert_eq!(rows(&r.body), 6);
    // Beyond the last page: the last page.
    let r = im.get("/cases?page=99").await;
    assert_eq!(rows(&r.body), 6);
}

#[tokio::test]
async fn saved_filters_round_trip_without_the_name_and_belong_to_their_owner() {
    let t = TestApp::new().await;
    let open = register(&t, "awo.im1", "Offen", "Fall").await;
    let closed = register(&t, "awo.im1", "Zu", "Fall").await;
    let mut im = t.login("awo.im1").await;
    let v = version(&t, closed.case_id).await;
    im.post(
        &format!("{}/close", path(&closed)),
        &[
            ("version", v.as_str()),
            ("closed_on", "2026-11-21"),
            ("closure_reason", "ended_by_client"),
        ],
    )
    .await;

    // A name is needed.
    let r = im
        .post(
            "/cases/filters",
            &[("status", "closed"), ("filter_name", "  "), ("q", "Zu")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-filter_name\"");
    r.assert_contains("Bitte ausfüllen.");
    assert_eq!(t.count("saved_filters").await, 0);

    let r = im
        .post(
            "/cases/filters",
            &[
                ("status", "closed"),
                ("sort", "number"),
                ("dir", "desc"),
                ("q", "Zu Fall"),
                ("filter_name", "Abgeschlossen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = int(&t, "SELECT CAST(id AS BIGINT) AS n FROM saved_filters").await;
    assert_eq!(r.location(), format!("/cases?saved={id}"));
    let q = text(&t, "SELECT query AS v FROM saved_filters")
        .await
        .unwrap();
    assert!(
        q.contains("status=closed") && q.contains("sort=number") && q.contains("dir=desc"),
        "{q}"
    );
    assert!(!q.contains("Zu") && !q.contains("q="), "{q}");

    let r = im.get(r.location()).await;
    r.assert_contains("Der Filter wurde gespeichert.");
    r.assert_contains(&format!("<a href=\"/cases?saved={id}\">Abgeschlossen</a>"));
    assert_eq!(rows(&r.body), 1);
    r.assert_contains("Zu Fall");
    assert!(!r.body.contains("Offen Fall"), "{}", open.case_id);
    r.assert_contains("<option value=\"closed\" selected>");

    // Another person cannot use or delete it.
    let mut other = t.login("awo.im2").await;
    assert_eq!(
        other.get(&format!("/cases?saved={id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = other
        .post(&format!("/cases/filters/{id}/delete"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(t.count("saved_filters").await, 1);

    let r = im.post(&format!("/cases/filters/{id}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(t.count("saved_filters").await, 0);
    assert_eq!(
        im.post("/cases/filters/abc/delete", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------------------------------------
// The 3-year clock

#[tokio::test]
async fn the_case_page_shows_days_left_and_warns_from_30_months() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Lina", "Uhr").await;
    let mut im = t.login("awo.im1").await;
    // The clock started at the move into follow-up housing, 2025-03-01: it ends 2028-03-01.
    let end = NaiveDate::from_ymd_opt(2028, 3, 1).unwrap();
    let days = (end - NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()).num_days();
    let r = im.get(&path(&c)).await;
    r.assert_contains(&format!("noch {days} Tage"));
    r.assert_contains("01.03.2025");
    r.assert_contains("01.03.2028");
    r.assert_contains("01.09.2027"); // the warning from 30 months
    assert!(!r.body.contains("class=\"clock-warning\" role=\"status\""));

    t.clock.advance(Duration::days(300)); // 2027-09-17
    let mut im = t.login("awo.im1").await;
    let r = im.get(&path(&c)).await;
    r.assert_contains("class=\"clock-warning\" role=\"status\"");
    r.assert_contains("<strong>30 Monate erreicht:</strong>");
    r.assert_contains(&format!("noch {} Tage", days - 300));
    r.assert_contains("01.03.2029"); // the latest possible end
    let list = im.get("/cases").await;
    list.assert_contains(&format!("noch {} Tage", days - 300));
    list.assert_contains("badge warn\">30 Monate erreicht");

    // In English.
    let r = im.post("/account/language", &[("locale", "en")]).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    let r = im.get(&path(&c)).await;
    r.assert_contains(&format!("{} days left", days - 300));
}

#[tokio::test]
async fn an_extension_needs_a_written_justification_and_ends_within_4_years() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Erik", "Lang").await;
    let mut im = t.login("awo.im1").await;
    let url = format!("{}/extend", path(&c));
    let why = "Die Ausbildung endet im Sommer 2028; bis dahin ist Begleitung nötig.";

    // Beyond 4 years (the start is 2025-03-01).
    let r = im
        .post(
            &url,
            &[
                ("version", "1"),
                ("extended_until", "2029-03-02"),
                ("extension_reason", why),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Eine Verlängerung ist höchstens bis 4 Jahre nach Beginn möglich.");
    r.assert_contains(why);
    r.assert_contains("value=\"2029-03-02\"");
    // Not beyond the 3 years.
    let r = im
        .post(
            &url,
            &[
                ("version", "1"),
                ("extended_until", "2027-03-01"),
                ("extension_reason", why),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("nach dem regulären Ende");
    // Too short a justification (and none).
    let r = im
        .post(
            &url,
            &[
                ("version", "1"),
                ("extended_until", "2028-09-01"),
                ("extension_reason", "Braucht noch Zeit."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("mindestens 30 Zeichen");
    r.assert_contains(">Braucht noch Zeit.</textarea>");
    let r = im
        .post(
            &url,
            &[
                ("version", "1"),
                ("extended_until", "2028-09-01"),
                ("extension_reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-extension_reason\"");
    assert_eq!(t.count("case_events").await, 1, "only the opening");

    // Within: accepted, recorded and audited.
    let r = im
        .post(
            &url,
            &[
                ("version", "1"),
                ("extended_until", "01.03.2029"),
                ("extension_reason", why),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), path(&c));
    let page = im.get(&path(&c)).await;
    page.assert_contains("Die Begleitung wurde verlängert.");
    page.assert_contains("01.03.2029 (verlängert)");
    page.assert_contains(why);
    page.assert_contains("bis 01.03.2029");
    assert_eq!(
        text(
            &t,
            &format!(
                "SELECT CAST(extended_until AS TEXT) AS v FROM cases WHERE id = {}",
                c.case_id
            )
        )
        .await
        .unwrap()
        .get(..10),
        Some("2029-03-01")
    );
    assert_eq!(
        int(
            &t,
            &format!(
                "SELECT COUNT(*) AS n FROM case_events WHERE case_id = {} AND kind = 'extended'",
                c.case_id
            )
        )
        .await,
        1
    );
    assert!(
        t.audit_has("case_extended", "allowed", Some(t.id("awo.im1")))
            .await
    );
}

// ---------------------------------------------------------------------------------------------
// Pause, closure, reopening

#[tokio::test]
async fn a_case_is_paused_and_resumed() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Pia", "Pause").await;
    let mut im = t.login("awo.im1").await;
    let r = im.get(&path(&c)).await;
    r.assert_contains("action=\"/cases/");
    r.assert_contains("/pause\"");
    assert!(!r.body.contains("/resume\""));
    assert!(!r.body.contains("/reopen\""));

    let r = im
        .post(
            &format!("{}/pause", path(&c)),
            &[
                ("version", "1"),
                ("paused_from", "2026-11-21"),
                ("pause_reason", "Reise"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&t, c.case_id).await, "paused");
    let r = im.get(&path(&c)).await;
    r.assert_contains("Der Fall ruht.");
    r.assert_contains("/resume\"");
    assert!(!r.body.contains("/pause\""));
    r.assert_contains("Reise");
    assert_eq!(t.count("case_pauses").await, 1);
    assert_eq!(rows(&im.get("/cases?status=paused").await.body), 1);

    // Pausing again (an old tab): a message, not an error page.
    let r = im
        .post(
            &format!("{}/pause", path(&c)),
            &[("version", "2"), ("paused_from", "2026-11-21")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Nur ein aktiver Fall kann ruhend gestellt werden.");

    t.clock.advance(Duration::days(14));
    let mut im = t.login("awo.im1").await;
    let r = im
        .post(
            &format!("{}/resume", path(&c)),
            &[("version", "2"), ("resumed_on", "2026-12-05")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&t, c.case_id).await, "active");
    let r = im.get(&path(&c)).await;
    r.assert_contains("21.11.2026 – 05.12.2026");
    assert!(
        t.audit_has("case_paused", "allowed", Some(t.id("awo.im1")))
            .await
    );
    assert!(
        t.audit_has("case_resumed", "allowed", Some(t.id("awo.im1")))
            .await
    );
}

#[tokio::test]
async fn closing_needs_a_note_for_some_reasons_keeps_a_snapshot_and_can_be_reopened() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im1").await;
    for reason in [
        "goals_reached",
        "ended_by_client",
        "self_protection",
        "moved_away",
        "max_duration",
        "not_target_group",
        "no_cooperation",
    ] {
        let c = register(
            &t,
            "awo.im1",
            "Klara",
            &format!("Ende{}", reason.replace('_', "")),
        )
        .await;
        let url = format!("{}/close", path(&c));
        let needs_note = matches!(reason, "self_protection" | "no_cooperation");
        if needs_note {
            let r = im
                .post(
                    &url,
                    &[
                        ("version", "1"),
                        ("closed_on", "2026-11-21"),
                        ("closure_reason", reason),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{reason}");
            r.assert_contains("Bei diesem Grund ist eine Notiz nötig");
            r.assert_contains(&format!("<option value=\"{reason}\" selected>"));
            assert_eq!(status(&t, c.case_id).await, "active");
        }
        let r = im
            .post(
                &url,
                &[
                    ("version", "1"),
                    ("closed_on", "2026-11-21"),
                    ("closure_reason", reason),
                    ("closure_note", "Gespräch am 20.11. geführt"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{reason}: {}", r.body);
        assert_eq!(status(&t, c.case_id).await, "closed");
        assert_eq!(
            text(
                &t,
                &format!(
                    "SELECT closure_reason AS v FROM cases WHERE id = {}",
                    c.case_id
                )
            )
            .await
            .as_deref(),
            Some(reason)
        );
        let snap = text(
            &t,
            &format!(
                "SELECT closure_snapshot AS v FROM cases WHERE id = {}",
                c.case_id
            ),
        )
        .await
        .expect("a snapshot");
        assert!(
            snap.contains(&format!("\"person\":{}", c.person_id)),
            "{snap}"
        );
        let r = im.get(&path(&c)).await;
        r.assert_contains("Stand beim Abschluss");
        r.assert_contains("Gespräch am 20.11. geführt");
        r.assert_contains("/reopen\"");
        assert!(!r.body.contains("/close\""));
    }
    assert!(
        t.audit_has("case_closed", "allowed", Some(t.id("awo.im1")))
            .await
    );

    // Closing a closed case: a message, not a 500.
    let c = register(&t, "awo.im1", "Rita", "Wieder").await;
    let v = version(&t, c.case_id).await;
    im.post(
        &format!("{}/close", path(&c)),
        &[
            ("version", v.as_str()),
            ("closed_on", "2026-11-21"),
            ("closure_reason", "goals_reached"),
        ],
    )
    .await;
    let v = version(&t, c.case_id).await;
    let r = im
        .post(
            &format!("{}/close", path(&c)),
            &[
                ("version", v.as_str()),
                ("closed_on", "2026-11-21"),
                ("closure_reason", "goals_reached"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Der Fall ist abgeschlossen.");

    // Reopening needs a reason; the closure stays in the history.
    let r = im
        .post(
            &format!("{}/reopen", path(&c)),
            &[("version", v.as_str()), ("reopen_reason", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-reopen_reason\"");
    let r = im
        .post(
            &format!("{}/reopen", path(&c)),
            &[
                ("version", v.as_str()),
                ("reopen_reason", "Neue Fragen zur Ausbildung"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&t, c.case_id).await, "active");
    assert!(
        text(
            &t,
            &format!(
                "SELECT closure_snapshot AS v FROM cases WHERE id = {}",
                c.case_id
            )
        )
        .await
        .is_none()
    );
    let r = im.get(&path(&c)).await;
    r.assert_contains("Wieder eröffnet");
    r.assert_contains("Neue Fragen zur Ausbildung");
    r.assert_contains("zuvor abgeschlossen am 21.11.2026 (Ziele erreicht)");
    // Reopening an open case: a message.
    let v = version(&t, c.case_id).await;
    let r = im
        .post(
            &format!("{}/reopen", path(&c)),
            &[("version", v.as_str()), ("reopen_reason", "nochmal")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Nur ein abgeschlossener Fall kann wieder eröffnet werden.");
}

// ---------------------------------------------------------------------------------------------
// Handover and sharing

#[tokio::test]
async fn a_team_lead_hands_over_cases_and_the_new_im_reads_the_note_first() {
    let t = TestApp::new().await;
    let a = register(&t, "awo.im1", "Hanna", "Erste").await;
    let b = register(&t, "awo.im1", "Hugo", "Zweite").await;
    let keep = register(&t, "awo.im1", "Bleibt", "Hier").await;
    // Cases are handed over within their team: Olena Kovalenko joins Team Nord first.
    t.db.writer()
        .execute_unprepared(
            "UPDATE staff SET team_id = (SELECT team_id FROM staff WHERE username = 'awo.im1') \
             WHERE username = 'awo.im2'",
        )
        .await
        .unwrap();
    let im2 = t.id("awo.im2").to_string();
    let assignments = t.count("case_assignments").await;
    let mut lead = t.login("awo.leitung").await;
    let note = "Frau Erste hat am Montag einen Termin beim Jobcenter.";

    // Errors re-show the caseload with the messages and what was typed.
    let r = lead
        .post(
            "/cases/reassign",
            &[("reassign_to", im2.as_str()), ("handover_note", note)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Bitte mindestens einen Fall auswählen.");
    r.assert_contains(note);
    let (ca, cb) = (a.case_id.to_string(), b.case_id.to_string());
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", ca.as_str()),
                ("case", cb.as_str()),
                ("reassign_to", ""),
                ("handover_note", note),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-reassign_to\"");
    r.assert_contains(&format!(
        "value=\"{ca}\" id=\"c-{ca}\" form=\"reassign-form\" checked"
    ));
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", ca.as_str()),
                ("reassign_to", im2.as_str()),
                ("handover_note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-handover_note\"");
    // A target outside the organisation.
    let outside = t.id("caritas.im").to_string();
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", ca.as_str()),
                ("reassign_to", outside.as_str()),
                ("handover_note", note),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.count("case_assignments").await, assignments);

    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", ca.as_str()),
                ("case", cb.as_str()),
                ("reassign_to", im2.as_str()),
                ("handover_note", note),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/cases?reassigned=2");
    lead.get(r.location())
        .await
        .assert_contains("2 Fälle übergeben.");
    assert_eq!(t.count("case_assignments").await, assignments + 2);
    assert_eq!(
        int(&t, &format!("SELECT COUNT(*) AS n FROM case_assignments WHERE case_id = {} AND staff_id = {im2}", a.case_id)).await,
        1
    );
    assert!(
        t.audit_has("case_reassigned", "allowed", Some(t.id("awo.leitung")))
            .await
    );

    // The new IM: the badge in the list, the note first on the case page.
    let mut new_im = t.login("awo.im2").await;
    let r = new_im.get("/cases").await;
    r.assert_contains("Hanna Erste");
    r.assert_contains("Übergabe: bitte lesen");
    let r = new_im.get(&path(&a)).await;
    assert_eq!(r.status, StatusCode::OK);
    let at_note = r.body.find(note).expect("the note");
    assert!(at_note < r.body.find("id=\"case-facts\"").unwrap());
    assert!(at_note < r.body.find("id=\"ws-persons\"").unwrap());
    r.assert_contains("Übergeben von <bdi>Ahmad Karimi</bdi>");
    let r = new_im
        .post(&format!("{}/handover-seen", path(&a)), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = new_im.get(&path(&a)).await;
    r.assert_contains("Die Übergabenotiz ist als gelesen markiert.");
    assert!(!r.body.contains("id=\"handover-note\""));
    // The note stays in the history.
    r.assert_contains("Übergeben");
    assert!(
        t.audit_has("handover_acknowledged", "allowed", Some(t.id("awo.im2")))
            .await
    );

    // The previous IM lost access; the case not handed over stays.
    let mut old = t.login("awo.im1").await;
    assert_eq!(old.get(&path(&a)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(old.get(&path(&b)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(old.get(&path(&keep)).await.status, StatusCode::OK);
    let list = old.get("/cases").await;
    assert!(!list.body.contains("Hanna Erste"));
    list.assert_contains("Bleibt Hier");
}

#[tokio::test]
async fn an_im_cannot_reassign_cases() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Nina", "Eigen").await;
    let assignments = t.count("case_assignments").await;
    let mut im = t.login("awo.im1").await;
    let (id, to) = (c.case_id.to_string(), t.id("awo.im2").to_string());
    let r = im
        .post(
            "/cases/reassign",
            &[
                ("case", id.as_str()),
                ("reassign_to", to.as_str()),
                ("handover_note", "Bitte übernehmen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        t.audit_has("case_reassigned", "denied", Some(t.id("awo.im1")))
            .await
    );
    assert_eq!(t.count("case_assignments").await, assignments);
    assert_eq!(
        int(
            &t,
            &format!("SELECT CAST(assigned_to AS BIGINT) AS n FROM cases WHERE id = {id}")
        )
        .await,
        t.id("awo.im1")
    );
    assert_eq!(im.get(&path(&c)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_case_is_shared_with_a_colleague_and_unshared() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Tara", "Geteilt").await;
    let colleague = t.id("awo.im2").to_string();
    let mut im = t.login("awo.im1").await;
    // The case page has a button to the sharing page, which has the form.
    im.get(&path(&c))
        .await
        .assert_contains(&format!("href=\"{}/share\"", path(&c)));
    let r = im.get(&format!("{}/share", path(&c))).await;
    r.assert_contains(&format!(
        "<option value=\"{colleague}\">Olena Kovalenko</option>"
    ));
    let r = im
        .post(
            &format!("{}/share", path(&c)),
            &[("staff_id", colleague.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut other = t.login("awo.im2").await;
    assert_eq!(other.get(&path(&c)).await.status, StatusCode::OK);
    other.get("/cases").await.assert_contains("Tara Geteilt");

    let r = im.get(&path(&c)).await;
    r.assert_contains("Geteilt mit");
    let r = im
        .post(
            &format!("{}/unshare", path(&c)),
            &[("staff_id", colleague.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(other.get(&path(&c)).await.status, StatusCode::NOT_FOUND);
    assert!(
        t.audit_has("case_unshared", "allowed", Some(t.id("awo.im1")))
            .await
    );
}

// ---------------------------------------------------------------------------------------------
// Moves

#[tokio::test]
async fn a_move_within_the_organisations_area_keeps_the_case() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Max", "Umzug").await;
    let mut im = t.login("awo.im1").await;
    // Sonnbühl (08990003) is served by AWO as well (awo.im2).
    let r = im
        .post(
            &format!("{}/move", path(&c)),
            &[
                ("version", "1"),
                ("moved_to", "08990003"),
                ("moved_on", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&t, c.case_id).await, "active");
    let r = im.get(&path(&c)).await;
    r.assert_contains("der Fall bleibt bei Ihnen");
    r.assert_contains("Sonnbühl");
    assert!(!r.body.contains("id=\"h-offers\""));
}

#[tokio::test]
async fn a_move_to_another_providers_area_closes_the_case_and_hands_over_only_what_is_released() {
    let t = TestApp::new().await;
    let c = fixtures::register_with_canary(&t, "awo.im1", "Move").await;
    let caritas = org_id(&t, "Caritas Neckartal").await;
    let county = org_id(&t, "Landratsamt Neckartal").await;
    let mut im = t.login("awo.im1").await;

    // Auwiesen (08990004) is served by the county office and by Caritas.
    let v = version(&t, c.case_id).await;
    let r = im
        .post(
            &format!("{}/move", path(&c)),
            &[
                ("version", v.as_str()),
                ("moved_to", "08990004"),
                ("moved_on", "2026-11-21"),
                ("move_note", "Neue Wohnung"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&t, c.case_id).await, "closed");
    assert_eq!(
        text(
            &t,
            &format!(
                "SELECT closure_reason AS v FROM cases WHERE id = {}",
                c.case_id
            )
        )
        .await
        .as_deref(),
        Some("moved_away")
    );
    let r = im.get(&path(&c)).await;
    r.assert_contains("als „Weggezogen“ abgeschlossen");
    r.assert_contains("Caritas Neckartal: Es gibt keine gültige Schweigepflichtentbindung");
    r.assert_contains("Landratsamt Neckartal: Es gibt keine gültige Schweigepflichtentbindung");
    assert!(!r.body.contains("/handover/"));
    // Asking for the summary anyway: a clear refusal.
    let r = im.get(&format!("{}/handover/{caritas}", path(&c))).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Es gibt keine gültige Schweigepflichtentbindung für diese Stelle.");
    assert!(!r.body.contains("CANARY-Move"));

    // A release for Caritas covering the case progress and housing, not work or identity.
    let ctx = t.ctx_of("awo.im1").await;
    releases::create(
        &t.db,
        &ctx,
        c.person_id,
        ReleaseInput {
            recipient: Recipient::Organisation(caritas),
            categories: vec![DataCategory::CaseProgress, DataCategory::Housing],
            purpose: "Übergabe an das Integrationsmanagement".into(),
            valid_from: ctx.today(),
            valid_until: None,
            mutual: false,
        },
    )
    .await
    .unwrap();
    let r = im.get(&path(&c)).await;
    let link = format!("href=\"{}/handover/{caritas}\"", path(&c));
    r.assert_contains(&link);
    r.assert_contains("Übergabe-Zusammenfassung für Caritas Neckartal");
    r.assert_contains("Landratsamt Neckartal: Es gibt keine");
    assert!(!r.body.contains(&format!("/handover/{county}\"")));

    let r = im.get(&format!("{}/handover/{caritas}", path(&c))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Übergabe-Zusammenfassung");
    r.assert_contains("Caritas Neckartal");
    r.assert_contains("<h3>Wohnsituation</h3>");
    r.assert_contains("<h3>Integrationsplan und Verlauf der Beratung</h3>");
    let number = text(
        &t,
        &format!(
            "SELECT case_number AS v FROM cases WHERE id = {}",
            c.case_id
        ),
    )
    .await
    .unwrap();
    r.assert_contains(&number);
    // Not released: work, language and education, identity (the name).
    assert!(!r.body.contains("CANARY-Move-profession"));
    assert!(!r.body.contains("CANARY-Move-school"));
    assert!(!r.body.contains("CANARY-Move-interests"));
    assert!(!r.body.contains("CanaryMove"));
    assert!(
        t.audit_has("handover_summary_created", "allowed", Some(t.id("awo.im1")))
            .await
    );
    // The county office has no release.
    assert_eq!(
        im.get(&format!("{}/handover/{county}", path(&c)))
            .await
            .status,
        StatusCode::CONFLICT
    );
    // Unknown organisation, nonsense ids.
    assert_eq!(
        im.get(&format!("{}/handover/999999", path(&c)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        im.get(&format!("{}/handover/x", path(&c))).await.status,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------------------------------------
// Concurrent edits and bad input

type BadInput = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    &'static str,
    &'static str,
);

#[tokio::test]
async fn a_stale_form_shows_the_conflict_and_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Vera", "Version").await;
    let mut tab1 = t.login("awo.im1").await;
    let mut tab2 = t.login("awo.im1").await;
    tab1.get(&format!("{}/pause", path(&c)))
        .await
        .assert_contains("name=\"version\" value=\"1\"");
    tab2.get(&format!("{}/extend", path(&c))).await;

    let r = tab1
        .post(
            &format!("{}/pause", path(&c)),
            &[("version", "1"), ("paused_from", "2026-11-21")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let typed = "Bitte bis Ende 2028 begleiten, die Ausbildung läuft noch.";
    let r = tab2
        .post(
            &format!("{}/extend", path(&c)),
            &[
                ("version", "1"),
                ("extended_until", "2028-09-01"),
                ("extension_reason", typed),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Jemand anderes hat diesen Eintrag inzwischen geändert.");
    r.assert_contains(&format!(">{typed}</textarea>"));
    r.assert_contains("value=\"2028-09-01\"");
    assert!(
        t.opened(
            &ankommen_core::kernel::sealed::CASE_EXTENSION_REASON,
            c.case_id
        )
        .await
        .is_none()
    );
}

#[tokio::test]
async fn bad_input_on_every_form_is_shown_next_to_the_field_never_a_500() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Bruno", "Fehler").await;
    let mut im = t.login("awo.im1").await;
    let p = path(&c);
    // (action, fields, field with the error, part of the message)
    let cases: Vec<BadInput> = vec![
        (
            "pause",
            vec![("paused_from", "")],
            "paused_from",
            "Bitte ausfüllen.",
        ),
        (
            "pause",
            vec![("paused_from", "31.02.2026")],
            "paused_from",
            "Bitte ein gültiges Datum angeben",
        ),
        (
            "pause",
            vec![("paused_from", "2026-12-24")],
            "paused_from",
            "nicht in der Zukunft",
        ),
        (
            "pause",
            vec![("paused_from", "2026-11-20")],
            "paused_from",
            "vor der Eröffnung",
        ),
        (
            "extend",
            vec![("extended_until", "morgen"), ("extension_reason", "x")],
            "extended_until",
            "gültiges Datum",
        ),
        (
            "close",
            vec![("closed_on", "2026-11-21"), ("closure_reason", "bored")],
            "closure_reason",
            "aus der Liste",
        ),
        (
            "close",
            vec![("closed_on", "2026-11-21"), ("closure_reason", "")],
            "closure_reason",
            "Bitte ausfüllen.",
        ),
        (
            "close",
            vec![
                ("closed_on", "2099-01-01"),
                ("closure_reason", "goals_reached"),
            ],
            "closed_on",
            "nicht in der Zukunft",
        ),
        (
            "close",
            vec![("closed_on", "x"), ("closure_reason", "goals_reached")],
            "closed_on",
            "gültiges Datum",
        ),
        (
            "move",
            vec![("moved_to", "08999999"), ("moved_on", "2026-11-21")],
            "moved_to",
            "aus der Liste",
        ),
        (
            "move",
            vec![("moved_to", "08990002"), ("moved_on", "2026-11-21")],
            "moved_to",
            "wohnt bereits in dieser Gemeinde",
        ),
        (
            "move",
            vec![("moved_to", "abc"), ("moved_on", "2026-11-21")],
            "moved_to",
            "genau 8 Ziffern",
        ),
        (
            "move",
            vec![("moved_to", "08990004"), ("moved_on", "")],
            "moved_on",
            "Bitte ausfüllen.",
        ),
        (
            "share",
            vec![("staff_id", "x")],
            "share_with",
            "aus der Liste",
        ),
    ];
    for (action, fields, field, msg) in cases {
        let mut all = vec![("version", "1")];
        all.extend(fields);
        let r = im.post(&format!("{p}/{action}"), &all).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{action} {all:?}: {}",
            r.body
        );
        r.assert_contains(&format!("id=\"e-{field}\""));
        r.assert_contains(msg);
        // The error is next to the field of that form, on the action's own page.
        r.assert_contains("id=\"back-to-case\"");
        r.assert_contains(&format!("id=\"form-{action}\""));
    }
    // Sharing with an IM of another organisation.
    let outsider = t.id("caritas.im").to_string();
    let r = im
        .post(&format!("{p}/share"), &[("staff_id", outsider.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-share_with\"");
    // A form without its version.
    let r = im
        .post(&format!("{p}/pause"), &[("paused_from", "2026-11-21")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das Formular ist unvollständig.");
    let r = im
        .post(
            &format!("{p}/pause"),
            &[("version", "eins"), ("paused_from", "2026-11-21")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Resume of an active case: a message.
    let r = im
        .post(
            &format!("{p}/resume"),
            &[("version", "1"), ("resumed_on", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Der Fall ruht nicht.");
    // Unknown actions and ids.
    assert_eq!(
        im.post(&format!("{p}/explode"), &[("version", "1")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(im.get("/cases/abc").await.status, StatusCode::NOT_FOUND);
    assert_eq!(im.get("/cases/999999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        im.post("/cases/abc/pause", &[("version", "1")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        im.post(
            "/cases/999999/pause",
            &[("version", "1"), ("paused_from", "2026-11-21")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // Nothing changed.
    assert_eq!(status(&t, c.case_id).await, "active");
    assert_eq!(version(&t, c.case_id).await, "1");
    assert_eq!(t.count("case_events").await, 1);
}

#[tokio::test]
async fn case_forms_need_the_csrf_token() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Carl", "Token").await;
    let mut im = t.login("awo.im1").await;
    let r = im
        .post_raw(
            &format!("{}/pause", path(&c)),
            &[("version", "1"), ("paused_from", "2026-11-21")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(status(&t, c.case_id).await, "active");
}

/// Issue 21: a colleague a case is shared with reads and writes it, but only the IM who holds it
/// shares it further or ends a share; the attempt is refused like a missing case and audited.
#[tokio::test]
async fn only_the_holder_shares_a_case_or_ends_a_share() {
    let t = TestApp::new().await;
    let c = register(&t, "awo.im1", "Tara", "Geteilt").await;
    let colleague = t.id("awo.im2").to_string();
    let lead = t.id("awo.leitung").to_string();
    let mut im = t.login("awo.im1").await;
    let r = im
        .post(
            &format!("{}/share", path(&c)),
            &[("staff_id", colleague.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shares = t.count("case_shares").await;
    let mut other = t.login("awo.im2").await;
    assert_eq!(other.get(&path(&c)).await.status, StatusCode::OK);
    for (action, who) in [("share", lead.as_str()), ("unshare", colleague.as_str())] {
        let r = other
            .post(&format!("{}/{action}", path(&c)), &[("staff_id", who)])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(t.count("case_shares").await, shares);
    assert!(
        t.audit_has("case_shared", "denied", Some(t.id("awo.im2")))
            .await
    );
    assert!(
        t.audit_has("case_unshared", "denied", Some(t.id("awo.im2")))
            .await
    );
}

/// Issue 21: a team lead takes a case themself only with a second person's confirmation (another
/// team lead or an administrator of the organisation; never the lead, nor another organisation);
/// until then nothing changes; the previous IM is told on their start page.
#[tokio::test]
async fn a_team_lead_takes_a_case_only_with_a_second_persons_confirmation() {
    let t = TestApp::new().await;
    let a = register(&t, "awo.im1", "Hanna", "Erste").await;
    let assignments = t.count("case_assignments").await;
    let me = t.id("awo.leitung").to_string();
    let mut lead = t.login("awo.leitung").await;
    // The lead's own entry in the list of targets says that it needs a confirmation.
    let r = lead.get("/cases").await;
    r.assert_contains(&format!(
        "<option value=\"{me}\">mir selbst (braucht die Bestätigung einer zweiten Person)</option>"
    ));
    let ca = a.case_id.to_string();
    let reason = "Herr Karimi ist länger krank; ich übernehme.";
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", ca.as_str()),
                ("reassign_to", me.as_str()),
                ("handover_note", reason),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    lead.get("/cases")
        .await
        .assert_contains("Übernahme angefragt");
    // Nothing changed yet: the case is still the IM's and the lead cannot open it.
    assert_eq!(t.count("case_assignments").await, assignments);
    assert_eq!(lead.get(&path(&a)).await.status, StatusCode::NOT_FOUND);
    assert!(
        t.audit_has(
            "case_takeover_requested",
            "allowed",
            Some(t.id("awo.leitung"))
        )
        .await
    );
    let id = t.scalar("SELECT id AS n FROM confirmations").await;
    let decide = format!("/confirmations/{id}");
    let confirm = [("kind", "case_takeover"), ("decision", "confirm")];
    // Neither the lead nor a lead of another organisation may confirm it.
    for who in ["awo.leitung", "caritas.leitung"] {
        let mut c = t.login(who).await;
        let list = c.get("/confirmations").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!list.body.contains(reason), "{who}");
        assert_eq!(
            c.post(&decide, &confirm).await.status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
    }
    assert!(
        t.audit_has(
            "case_takeover_decided",
            "denied",
            Some(t.id("caritas.leitung"))
        )
        .await
    );
    assert_eq!(t.count("case_assignments").await, assignments);
    // The organisation's administrator sees the request on the start page and its reason, and
    // confirms it.
    let mut admin = t.login("awo.admin").await;
    admin
        .get("/")
        .await
        .assert_contains("Eine Anfrage wartet auf Ihre Bestätigung.");
    let list = admin.get("/confirmations").await;
    list.assert_contains(reason);
    list.assert_contains("Petra Lang");
    let r = admin.post(&decide, &confirm).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("case_assignments").await, assignments + 1);
    assert_eq!(lead.get(&path(&a)).await.status, StatusCode::OK);
    // Decided once: a second decision finds nothing.
    assert_eq!(
        admin.post(&decide, &confirm).await.status,
        StatusCode::NOT_FOUND
    );
    // The previous IM is told who took the case and who confirmed it, until they dismiss it.
    let mut im = t.login("awo.im1").await;
    let home = im.get("/").await;
    home.assert_contains("wurde an eine andere Person übergeben");
    home.assert_contains("<bdi>Petra Lang</bdi>");
    home.assert_contains("<bdi>Thomas Berger</bdi>");
    let notice = t.scalar("SELECT id AS n FROM notices").await;
    // Nobody else dismisses it.
    let r = lead.post(&format!("/notices/{notice}/dismiss"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = im.post(&format!("/notices/{notice}/dismiss"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !im.get("/")
            .await
            .body
            .contains("wurde an eine andere Person übergeben")
    );
}
