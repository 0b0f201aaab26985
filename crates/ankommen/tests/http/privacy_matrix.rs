//! The access matrix of the client side and the canary proof: every page a user may request is
//! fetched by every demo user, and no client's canary string appears in a response to anyone but
//! the IMs of that client's case. Each runs in three scenarios: the county as set up; after an IM
//! moved to another provider (access follows employment); after a provider was deactivated.

use axum::http::StatusCode;

use ankommen_core::administration::{organisations, staff};
use ankommen_core::casework::cases;
use ankommen_core::records::releases::{self, ReleaseForm, ReleaseInput};
use ankommen_store::sea_orm::ConnectionTrait;

use crate::fixtures::{Client, register_with_canary};
use crate::support::{Client as Browser, PASSWORD, TestApp};

/// Every demo account.
const USERS: &[&str] = &[
    "admin",
    "datenschutz",
    "koordination",
    "kreis.im",
    "talheim.beauftragte",
    "talheim.im",
    "awo.admin",
    "awo.leitung",
    "awo.im1",
    "awo.im2",
    "caritas.leitung",
    "caritas.im",
];

/// (team lead, IM of the team): the lead sees the IM's case list, not the records.
const TEAM_LISTS: &[(&str, &str)] = &[
    ("awo.leitung", "awo.im1"),
    ("caritas.leitung", "caritas.im"),
];

struct Fixture {
    /// The IM who may read the client now (None: nobody, e.g. their organisation is deactivated).
    owner: Option<&'static str>,
    client: Client,
    release_id: i64,
}

async fn fixtures(t: &TestApp) -> Vec<Fixture> {
    let mut out = Vec::new();
    for (owner, tag) in [
        ("awo.im1", "Awo1"),
        ("awo.im2", "Awo2"),
        ("caritas.im", "Caritas"),
        ("talheim.im", "Talheim"),
        ("kreis.im", "Kreis"),
    ] {
        let client = register_with_canary(t, owner, tag).await;
        let ctx = t.ctx_of(owner).await;
        let input = ReleaseInput::parse(&ReleaseForm {
            recipient: "other".into(),
            recipient_name: format!("CANARY-{tag}-recipient"),
            recipient_category: "jobcenter".into(),
            categories: vec!["identity".into(), "work".into()],
            purpose: format!("CANARY-{tag}-purpose"),
            valid_from: ctx.today().to_string(),
            valid_until: String::new(),
            mutual: "no".into(),
        })
        .unwrap();
        let release_id = releases::create(&t.db, &ctx, client.person_id, input)
            .await
            .unwrap();
        out.push(Fixture {
            owner: Some(owner),
            client,
            release_id,
        });
    }
    out
}

/// What happened to the county after the fixtures were made and everyone logged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scenario {
    AsSetUp,
    /// Olena Kovalenko (awo.im2) had a share of Ahmad Karimi's (awo.im1) case; her own case was
    /// handed to him by the team lead; then the county moved her to Caritas.
    MovedStaff,
    /// AWO was deactivated: its staff's sessions ended, their logins are refused, its cases stay.
    DeactivatedOrganisation,
}

/// The county in `scenario`: the fixtures with their current owners, every user's browser
/// (logged in before the scenario happened, and again after it where they still can), and the
/// users locked out.
struct County {
    t: TestApp,
    fx: Vec<Fixture>,
    browsers: Vec<(&'static str, Browser)>,
    locked_out: Vec<&'static str>,
}

impl County {
    fn browser(&mut self, user: &str) -> &mut Browser {
        &mut self
            .browsers
            .iter_mut()
            .find(|(u, _)| *u == user)
            .unwrap()
            .1
    }
}

async fn county(scenario: Scenario) -> County {
    let t = TestApp::new().await;
    let mut fx = fixtures(&t).await;
    let mut browsers = Vec::new();
    for user in USERS {
        browsers.push((*user, t.login(user).await));
    }
    let mut locked_out = Vec::new();
    let fixture =
        |fx: &[Fixture], owner: &str| fx.iter().position(|f| f.owner == Some(owner)).unwrap();
    match scenario {
        Scenario::AsSetUp => {}
        Scenario::MovedStaff => {
            let (awo1, awo2) = (fixture(&fx, "awo.im1"), fixture(&fx, "awo.im2"));
            let im2 = t.id("awo.im2");
            cases::share(
                &t.db,
                &t.ctx_of("awo.im1").await,
                fx[awo1].client.case_id,
                im2,
            )
            .await
            .unwrap();
            // Cases are handed over within a team: Olena joins Team Nord, whose lead hands hers on.
            t.db.writer()
                .execute_unprepared(
                    "UPDATE staff SET team_id = (SELECT team_id FROM staff WHERE username = 'awo.im1') \
                     WHERE username = 'awo.im2'",
                )
                .await
                .unwrap();
            cases::reassign(
                &t.db,
                &t.ctx_of("awo.leitung").await,
                &t.sealer(),
                &[fx[awo2].client.case_id],
                &t.id("awo.im1").to_string(),
                "Frau Kovalenko wechselt zur Caritas.",
            )
            .await
            .unwrap();
            fx[awo2].owner = Some("awo.im1");
            // The county moves her to Caritas (its team, and Sonnbühl, which Caritas serves).
            let caritas = t.ctx_of("caritas.im").await.actor;
            let admin = t.ctx_of("admin").await;
            let d = staff::get(&t.db, &admin, im2).await.unwrap();
            let input = staff::StaffInput::parse(&staff::StaffForm {
                username: d.person.username.clone(),
                display_name: d.person.display_name.clone(),
                email: d.person.email.clone().unwrap_or_default(),
                organisation_id: caritas.organisation_id.to_string(),
                team_id: caritas.team_id.unwrap().to_string(),
                roles: d.roles.iter().map(|r| r.as_str().to_string()).collect(),
                municipalities: vec!["08990003".into()],
                locale: "de".into(),
                fte: String::new(),
            })
            .unwrap();
            staff::update(&t.db, &admin, im2, input, true, d.person.version)
                .await
                .unwrap();
            // Her session ended with the move; she logs in again, now at Caritas.
            let b = browsers.iter_mut().find(|(u, _)| *u == "awo.im2").unwrap();
            assert_ne!(b.1.get("/").await.status, StatusCode::OK);
            b.1 = t.login("awo.im2").await;
        }
        Scenario::DeactivatedOrganisation => {
            let admin = t.ctx_of("admin").await;
            let awo = t.ctx_of("awo.im1").await.actor.organisation_id;
            let o = organisations::get(&t.db, &admin, awo).await.unwrap();
            let input = organisations::OrganisationInput::parse(&o.name, &o.kind, "").unwrap();
            organisations::update(&t.db, &admin, awo, input, false, o.version)
                .await
                .unwrap();
            for f in fx.iter_mut() {
                if f.owner.is_some_and(|o| o.starts_with("awo.")) {
                    f.owner = None;
                }
            }
            locked_out = USERS
                .iter()
                .copied()
                .filter(|u| u.starts_with("awo."))
                .collect();
            for user in &locked_out {
                assert_eq!(
                    t.client().login(user, PASSWORD).await.status,
                    StatusCode::UNAUTHORIZED,
                    "{user} logs in"
                );
            }
        }
    }
    County {
        t,
        fx,
        browsers,
        locked_out,
    }
}

fn pages_of(f: &Fixture) -> Vec<String> {
    let p = f.client.person_id;
    vec![
        format!("/clients/{p}"),
        format!("/clients/{p}/edit"),
        format!("/clients/{p}/intake"),
        format!("/clients/{p}/members/new"),
        format!("/clients/{p}/consents/new"),
        format!("/clients/{p}/releases/new"),
        format!("/clients/{p}/forms"),
        format!("/releases/{}", f.release_id),
        format!("/cases/{}", f.client.case_id),
    ]
}

/// Every client page opens for the client's IM only (200), for everyone else it answers like a
/// missing page (404), and for a user locked out it shows nothing; writes by anyone but the IM are
/// refused; every refusal is audited.
async fn page_matrix(scenario: Scenario) {
    let mut w = county(scenario).await;
    let fx = std::mem::take(&mut w.fx);
    let events_before = w.t.count("audit_events").await;
    for user in USERS {
        let locked = w.locked_out.contains(user);
        let c = w.browser(user);
        for f in &fx {
            for page in pages_of(f) {
                let r = c.get(&page).await;
                if locked {
                    assert_ne!(r.status, StatusCode::OK, "{scenario:?} {user} {page}");
                    assert!(!r.body.contains(&f.client.canary), "{scenario:?} {user}");
                } else if f.owner == Some(*user) {
                    assert_eq!(
                        r.status,
                        StatusCode::OK,
                        "{scenario:?} {user} {page}: {}",
                        r.body
                    );
                } else {
                    assert_eq!(
                        r.status,
                        StatusCode::NOT_FOUND,
                        "{scenario:?} {user} {page}"
                    );
                }
            }
        }
        // Writes by anyone but the owner are refused and change nothing.
        for f in fx.iter().filter(|f| f.owner != Some(*user)) {
            let r = c
                .post(&format!("/clients/{}/health/open", f.client.person_id), &[])
                .await;
            if locked {
                assert_ne!(r.status, StatusCode::OK, "{scenario:?} {user}");
            } else {
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{scenario:?} {user}");
            }
        }
    }
    assert!(w.t.count("audit_events").await > events_before);
    // Every user who could log in was refused someone else's record, and each refusal is in the
    // audit log.
    for user in USERS.iter().filter(|u| !w.locked_out.contains(u)) {
        assert!(
            w.t.audit_has("client_viewed", "denied", Some(w.t.id(user)))
                .await,
            "{scenario:?} {user}"
        );
    }
}

/// No response to any user holds a canary of a client who is not theirs (a team lead sees the
/// names on the team's case list only), and the audit log holds ids, never names or content.
async fn canary_matrix(scenario: Scenario) {
    let mut w = county(scenario).await;
    let fx = std::mem::take(&mut w.fx);
    let mut generic: Vec<String> = vec![
        "/".into(),
        "/cases".into(),
        "/cases?status=all".into(),
        "/account".into(),
        "/audit".into(),
        "/admin".into(),
        "/admin/staff".into(),
        "/privacy".into(),
    ];
    for f in &fx {
        generic.extend(pages_of(f));
        generic.push(format!("/households/{}", f.client.person_id));
    }
    for user in USERS {
        let c = w.browser(user);
        let mine: Vec<&str> = fx
            .iter()
            .filter(|f| f.owner == Some(*user))
            .map(|f| f.client.canary.as_str())
            .collect();
        let mut bodies = Vec::new();
        for page in &generic {
            bodies.push((page.clone(), c.get(page).await.body));
        }
        // Searches (by POST, never in a URL) for every canary name.
        for f in &fx {
            let r = c
                .post(
                    "/cases",
                    &[
                        ("q", f.client.canary.trim_start_matches("CANARY-")),
                        ("status", "all"),
                    ],
                )
                .await;
            bodies.push(("POST /cases".into(), r.body));
            let full = format!(
                "Testperson {}",
                f.client.canary.replace("CANARY-", "Canary")
            );
            let r = c
                .post(
                    "/privacy/lookup",
                    &[
                        ("name", full.as_str()),
                        ("birth_year", "1990"),
                        ("reason", "Auskunftsersuchen Art. 15 vom 20.11.2026"),
                    ],
                )
                .await;
            bodies.push(("POST /privacy/lookup".into(), r.body));
        }
        for (page, body) in &bodies {
            for f in &fx {
                let canary = f.client.canary.as_str();
                let tag = canary.trim_start_matches("CANARY-");
                if mine.contains(&canary) {
                    continue;
                }
                // The data-protection officer may find a person (name only) for a request.
                if *user == "datenschutz" && page == "POST /privacy/lookup" {
                    assert!(
                        !body.contains(&format!("{canary}-")),
                        "{scenario:?} {user} {page}: {canary} data"
                    );
                    continue;
                }
                assert!(
                    !body.contains(canary),
                    "{scenario:?} {user} saw {canary} on {page}"
                );
                // A team lead sees the names on the team's case list (display fields only).
                let team_list = f
                    .owner
                    .is_some_and(|owner| TEAM_LISTS.contains(&(*user, owner)))
                    && (page == "/cases" || page.starts_with("/cases?") || page == "POST /cases");
                if !team_list {
                    assert!(
                        !body.contains(&format!("Canary{tag}")),
                        "{scenario:?} {user} saw the name of {tag} on {page}"
                    );
                }
            }
        }
    }
    // The audit log holds ids, never names or content.
    for (action, outcome, _, _, id) in w.t.audit().await {
        let line = format!("{action} {outcome} {}", id.unwrap_or_default());
        assert!(
            !line.contains("CANARY") && !line.contains("Canary"),
            "{line}"
        );
    }
}

#[tokio::test]
async fn each_client_page_opens_only_for_the_im_of_the_case_and_refusals_are_audited() {
    page_matrix(Scenario::AsSetUp).await;
}

#[tokio::test]
async fn no_foreign_canary_appears_in_any_response_a_user_may_request() {
    canary_matrix(Scenario::AsSetUp).await;
}

/// Issue 21, access follows employment: after the move, the moved IM opens nothing of the old
/// provider (neither the case handed on nor the one shared with her), the colleague holds both.
#[tokio::test]
async fn after_a_move_each_client_page_opens_only_for_the_im_who_holds_it_now() {
    page_matrix(Scenario::MovedStaff).await;
}

#[tokio::test]
async fn after_a_move_no_foreign_canary_appears_in_any_response() {
    canary_matrix(Scenario::MovedStaff).await;
}

/// Issue 21: a deactivated provider's staff, even with a session open from before, see nothing;
/// its clients are open to nobody until the county hands the cases over.
#[tokio::test]
async fn after_a_provider_is_deactivated_its_clients_open_for_nobody() {
    page_matrix(Scenario::DeactivatedOrganisation).await;
}

#[tokio::test]
async fn after_a_provider_is_deactivated_no_foreign_canary_appears_in_any_response() {
    canary_matrix(Scenario::DeactivatedOrganisation).await;
}

/// Issue 21: a page with a person's data opened by a link from another site is not shown and
/// reads nothing in the user's name; opened from ankommen itself (or typed), it is.
#[tokio::test]
async fn a_page_opened_from_another_site_shows_no_person_and_records_no_access() {
    let t = TestApp::new().await;
    let c = crate::fixtures::register_with_canary(&t, "awo.im1", "Crossing").await;
    let mut im = t.login("awo.im1").await;
    let page = format!("/clients/{}", c.person_id);
    let viewed = |t: &TestApp| {
        let t = t.db.clone();
        async move {
            use ankommen_store::entities::audit_event;
            use ankommen_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
            audit_event::Entity::find()
                .filter(audit_event::Column::Action.eq("client_viewed"))
                .count(t.reader())
                .await
                .unwrap()
        }
    };
    let before = viewed(&t).await;
    for site in ["cross-site", "same-site"] {
        let r = im.get_with(&page, &[("sec-fetch-site", site)]).await;
        assert_eq!(r.status, axum::http::StatusCode::OK);
        assert!(
            !r.body.contains("CanaryCrossing"),
            "{site}: the name is shown"
        );
        assert!(!r.body.contains(&c.canary), "{site}: data is shown");
        r.assert_contains(&format!("href=\"{page}\""));
        r.assert_contains("Weiter zur Seite");
    }
    assert_eq!(viewed(&t).await, before, "no access in the user's name");
    for site in ["same-origin", "none"] {
        let r = im.get_with(&page, &[("sec-fetch-site", site)]).await;
        r.assert_contains("CanaryCrossing");
    }
    assert_eq!(viewed(&t).await, before + 2);
}

/// Every canary of the fixtures found in a body, for the message of a failed assertion.
fn canaries_in(fx: &[Fixture], body: &str) -> Vec<String> {
    fx.iter()
        .filter(|f| {
            body.contains(&f.client.canary)
                || body.contains(&f.client.canary.replace("CANARY-", "Canary"))
        })
        .map(|f| f.client.canary.clone())
        .collect()
}

/// Issue 21, an administrator with ambitions: they try every administrative way to a client's
/// data — giving themself the IM role, resetting an IM's password, creating an IM in that IM's team
/// and municipality and logging in as them — and see no client's data on any page.
#[tokio::test]
async fn an_administrator_with_ambitions_reaches_no_client() {
    let t = TestApp::new().await;
    let fx = fixtures(&t).await;
    let im1 = t.id("awo.im1");
    let me = t.id("awo.admin");
    let mut admin = t.login("awo.admin").await;
    let mut bodies = Vec::new();
    let staff = ankommen_core::administration::staff::get(&t.db, &t.ctx_of("awo.admin").await, me)
        .await
        .unwrap();
    let org = staff.person.organisation_id.to_string();
    let version = staff.person.version.to_string();
    // 1. The IM role for themself: refused.
    admin.get(&format!("/admin/staff/{me}")).await;
    let r = admin
        .post(
            &format!("/admin/staff/{me}"),
            &[
                ("display_name", "Thomas Berger"),
                ("username", "awo.admin"),
                ("organisation_id", org.as_str()),
                ("roles", "admin"),
                ("roles", "im"),
                ("active", "on"),
                ("locale", "de"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    bodies.push(r.body);
    // 2. The IM's password: only a request, no link.
    let links = t.count("setup_tokens").await;
    let r = admin
        .post(&format!("/admin/staff/{im1}/setup-link"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(t.count("setup_tokens").await, links, "a link exists");
    bodies.push(admin.get(&format!("/admin/staff/{im1}")).await.body);
    // 3. A new IM in the IM's team and municipality, and a login as them: no case is theirs.
    let team = t
        .scalar(&format!("SELECT team_id AS n FROM staff WHERE id = {im1}"))
        .await
        .to_string();
    let ags = t.ctx_of("awo.im1").await.actor.municipalities[0].clone();
    let r = admin
        .post(
            "/admin/staff",
            &[
                ("display_name", "Strohmann"),
                ("username", "awo.stroh"),
                ("organisation_id", org.as_str()),
                ("team_id", team.as_str()),
                ("roles", "im"),
                ("municipalities", ags.as_str()),
                ("locale", "de"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let link = r
        .body
        .split("<code id=\"setup-link\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();
    let mut stroh = t.client_from("192.0.2.77");
    stroh.get(&link).await;
    let password = "Ein langes Passwort 2026";
    let r = stroh
        .post(
            &link,
            &[("password", password), ("password_confirm", password)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut stroh = t.client_from("192.0.2.78");
    assert_eq!(
        stroh.login("awo.stroh", password).await.status,
        StatusCode::SEE_OTHER
    );
    for f in &fx {
        for page in pages_of(f) {
            let r = stroh.get(&page).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{page}");
            bodies.push(r.body);
        }
    }
    bodies.push(stroh.get("/").await.body);
    bodies.push(stroh.get("/cases?status=all").await.body);
    // 4. Everything the administrator may open.
    for page in ["/", "/admin", "/admin/staff", "/audit", "/confirmations"] {
        bodies.push(admin.get(page).await.body);
    }
    for body in &bodies {
        assert!(
            canaries_in(&fx, body).is_empty(),
            "{:?}",
            canaries_in(&fx, body)
        );
    }
}

/// Issue 21, a team lead handing a case to themself: until a second person confirms, the lead
/// reads nothing of the client; a declined request changes nothing either.
#[tokio::test]
async fn a_team_lead_asking_for_a_case_reads_nothing_until_a_second_person_confirms() {
    let t = TestApp::new().await;
    let fx = fixtures(&t).await;
    let f = fx.iter().find(|f| f.owner == Some("awo.im1")).unwrap();
    let me = t.id("awo.leitung").to_string();
    let case = f.client.case_id.to_string();
    let mut lead = t.login("awo.leitung").await;
    lead.get("/cases").await;
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", case.as_str()),
                ("reassign_to", me.as_str()),
                ("handover_note", "Vertretung während der Elternzeit."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        readable(&mut lead, f).await.is_empty(),
        "before the decision"
    );
    // Declined: nothing changes.
    let id = t.scalar("SELECT id AS n FROM confirmations").await;
    let mut admin = t.login("awo.admin").await;
    admin.get("/confirmations").await;
    let r = admin
        .post(
            &format!("/confirmations/{id}"),
            &[("kind", "case_takeover"), ("decision", "decline")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(readable(&mut lead, f).await.is_empty(), "after the decline");
    assert!(
        t.audit_has("case_takeover_decided", "denied", Some(t.id("awo.admin")))
            .await
    );
}

/// The pages of a fixture's client that open for `c` or show its canary.
async fn readable(c: &mut crate::support::Client, f: &Fixture) -> Vec<String> {
    let mut open = Vec::new();
    for page in pages_of(f) {
        let r = c.get(&page).await;
        if r.status == StatusCode::OK || r.body.contains(&f.client.canary) {
            open.push(page);
        }
    }
    open
}
