//! The access matrix of the client side and the canary proof: every page a user may request is
//! fetched by every demo user, and no client's canary string appears in a response to anyone but
//! the IMs of that client's case.

use axum::http::StatusCode;

use ankommen_core::records::releases::{self, ReleaseForm, ReleaseInput};

use crate::fixtures::{Client, register_with_canary};
use crate::support::TestApp;

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
    owner: &'static str,
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
            owner,
            client,
            release_id,
        });
    }
    out
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

#[tokio::test]
async fn each_client_page_opens_only_for_the_im_of_the_case_and_refusals_are_audited() {
    let t = TestApp::new().await;
    let fx = fixtures(&t).await;
    for user in USERS {
        let mut c = t.login(user).await;
        for f in &fx {
            for page in pages_of(f) {
                let r = c.get(&page).await;
                if *user == f.owner {
                    assert_eq!(r.status, StatusCode::OK, "{user} {page}: {}", r.body);
                } else {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{user} {page}");
                }
            }
        }
        // Writes by anyone but the owner are refused and change nothing.
        for f in fx.iter().filter(|f| f.owner != *user) {
            let r = c
                .post(&format!("/clients/{}/health/open", f.client.person_id), &[])
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{user}");
        }
    }
    // Every user was refused someone else's record, and each refusal is in the audit log.
    for user in USERS {
        assert!(
            t.audit_has("client_viewed", "denied", Some(t.id(user)))
                .await,
            "{user}"
        );
    }
}

#[tokio::test]
async fn no_foreign_canary_appears_in_any_response_a_user_may_request() {
    let t = TestApp::new().await;
    let fx = fixtures(&t).await;
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
        let mut c = t.login(user).await;
        let mine: Vec<&str> = fx
            .iter()
            .filter(|f| f.owner == *user)
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
            let r = c
                .post(
                    "/privacy/lookup",
                    &[
                        ("name", "Testperson"),
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
                        "{user} {page}: {canary} data"
                    );
                    continue;
                }
                assert!(!body.contains(canary), "{user} saw {canary} on {page}");
                // A team lead sees the names on the team's case list (display fields only).
                let team_list = TEAM_LISTS.contains(&(*user, f.owner))
                    && (page == "/cases" || page.starts_with("/cases?") || page == "POST /cases");
                if !team_list {
                    assert!(
                        !body.contains(&format!("Canary{tag}")),
                        "{user} saw the name of {tag} on {page}"
                    );
                }
            }
        }
    }
    // The audit log holds ids, never names or content.
    for (action, outcome, _, _, id) in t.audit().await {
        let line = format!("{action} {outcome} {}", id.unwrap_or_default());
        assert!(
            !line.contains("CANARY") && !line.contains("Canary"),
            "{line}"
        );
    }
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
