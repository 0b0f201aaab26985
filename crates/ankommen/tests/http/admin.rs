//! Administration: the whole set-up flow, the role × route matrix with its audit entries, bad input,
//! concurrent edits, and the first-start setup link.

use axum::http::StatusCode;

use crate::auth::ctx;
use crate::support::{PASSWORD, TestApp};

fn setup_link(body: &str) -> String {
    let at = body.find("id=\"setup-link\">").unwrap() + "id=\"setup-link\">".len();
    body[at..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn county_admin_sets_up_an_organisation_team_and_person_who_then_logs_in() {
    let t = TestApp::new().await;
    let mut admin = t.login("admin").await;
    let admin_id = t.id("admin");

    let r = admin
        .post(
            "/admin/municipalities",
            &[("ags", "08990006"), ("name", "Neudorf")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    admin
        .get("/admin/municipalities")
        .await
        .assert_contains("Neudorf");

    let r = admin
        .post(
            "/admin/organisations",
            &[
                ("name", "DRK Kreisverband Neckartal"),
                ("kind", "provider"),
                ("municipality", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let org_path = r.location().to_string();
    let org_id: i64 = org_path.rsplit('/').next().unwrap().parse().unwrap();

    let r = admin
        .post(
            &format!("{org_path}/teams"),
            &[("team_name", "Team Neudorf")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(&org_path).await;
    page.assert_contains("Team Neudorf");
    let team_id = page
        .body
        .split("/admin/teams/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // The organisation serves Neudorf (its staff may serve only there).
    let r = admin
        .post(
            &format!("{org_path}/service-areas"),
            &[
                ("area_municipality", "08990006"),
                ("area_from", "2026-11-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let r = admin
        .post(
            "/admin/staff",
            &[
                ("display_name", "Fatima Yilmaz"),
                ("username", "f.yilmaz"),
                ("email", "f.yilmaz@drk.example"),
                ("organisation_id", &org_id.to_string()),
                ("team_id", &team_id),
                ("roles", "im"),
                ("municipalities", "08990006"),
                ("fte", "0,75"),
                ("locale", "de"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.assert_contains("Die Person wurde angelegt.");
    let link = setup_link(&r.body);
    assert!(link.starts_with("/setup/"));

    // The new person sets a password with the link (once) and logs in.
    let mut person = t.client_from("192.0.2.50");
    let p = person.get(&link).await;
    assert_eq!(p.status, StatusCode::OK);
    p.assert_contains("f.yilmaz");
    let r = person
        .post(&link, &[("password", "kurz"), ("password_confirm", "kurz")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("mindestens 12 Zeichen");
    let r = person
        .post(
            &link,
            &[
                ("password", "Sonnenblumen am Neckar"),
                ("password_confirm", "Sonnenblumen am Neckar"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        person.get(&link).await.status,
        StatusCode::NOT_FOUND,
        "a link works once"
    );
    assert_eq!(
        person
            .login("f.yilmaz", "Sonnenblumen am Neckar")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The profile is under "Mein Konto".
    let home = person.get("/account").await;
    home.assert_contains("Fatima Yilmaz");
    home.assert_contains("DRK Kreisverband Neckartal");
    home.assert_contains("Team Neudorf");
    assert!(
        !home.body.contains("href=\"/admin\""),
        "an IM sees no administration"
    );
    assert!(!home.body.contains("href=\"/audit\""));

    let audit = t.audit().await;
    for action in [
        "municipality_created",
        "organisation_created",
        "team_created",
        "service_area_added",
        "staff_created",
        "setup_link_issued",
    ] {
        assert!(
            audit
                .iter()
                .any(|(a, o, who, _, _)| a == action && o == "allowed" && *who == Some(admin_id)),
            "{action} not audited"
        );
    }
    assert!(
        audit
            .iter()
            .any(|(a, _, _, kind, _)| a == "password_set" && kind.as_deref() == Some("staff"))
    );
}

/// Every administrative route, for every role: allowed or refused, and what the audit log says.
#[tokio::test]
async fn admin_routes_by_role_and_relation() {
    let t = TestApp::new().await;
    let awo_org =
        ankommen_core::administration::staff::get(&t.db, &ctx(&t, "admin").await, t.id("awo.im1"))
            .await
            .unwrap()
            .person
            .organisation_id;
    let caritas_im = t.id("caritas.im");
    let awo_im = t.id("awo.im1");
    // (user, GET /admin, GET municipalities, GET organisations, GET own-org staff member, GET other-org staff member, GET /audit)
    let expectations: &[(&str, u16, u16, u16, u16, u16, u16)] = &[
        ("admin", 200, 200, 200, 200, 200, 200),
        ("awo.admin", 200, 403, 200, 200, 404, 200),
        ("datenschutz", 403, 403, 403, 404, 404, 200),
        ("koordination", 403, 403, 403, 404, 404, 403),
        ("talheim.beauftragte", 403, 403, 403, 404, 404, 403),
        ("awo.leitung", 403, 403, 403, 404, 404, 403),
        ("awo.im2", 403, 403, 403, 404, 404, 403),
        ("caritas.leitung", 403, 403, 403, 404, 404, 403),
    ];
    for (user, admin, munis, orgs, own, other, audit) in expectations {
        let mut c = t.login(user).await;
        let got = (
            c.get("/admin").await.status.as_u16(),
            c.get("/admin/municipalities").await.status.as_u16(),
            c.get("/admin/organisations").await.status.as_u16(),
            c.get(&format!("/admin/staff/{awo_im}"))
                .await
                .status
                .as_u16(),
            c.get(&format!("/admin/staff/{caritas_im}"))
                .await
                .status
                .as_u16(),
            c.get("/audit").await.status.as_u16(),
        );
        assert_eq!(got, (*admin, *munis, *orgs, *own, *other, *audit), "{user}");
    }

    // Changes: allowed for the right administrator, refused (and audited as denied) for others.
    let before = (
        t.count("municipalities").await,
        t.count("organisations").await,
        t.count("teams").await,
        t.count("staff").await,
    );
    for user in [
        "awo.admin",
        "datenschutz",
        "koordination",
        "awo.leitung",
        "awo.im2",
        "talheim.beauftragte",
    ] {
        let mut c = t.login(user).await;
        c.get("/").await;
        assert_eq!(
            c.post(
                "/admin/municipalities",
                &[("ags", "08990099"), ("name", "X")]
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            c.post(
                "/admin/organisations",
                &[("name", "X e.V."), ("kind", "provider")]
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let caritas_org =
            ankommen_core::administration::staff::get(&t.db, &ctx(&t, "admin").await, caritas_im)
                .await
                .unwrap()
                .person
                .organisation_id;
        let r = c
            .post(
                &format!("/admin/organisations/{caritas_org}/teams"),
                &[("team_name", "Fremdes Team")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{user}: a foreign organisation answers like a missing one"
        );
        let r = c
            .post(
                "/admin/staff",
                &[
                    ("display_name", "X"),
                    ("username", "x.x.x"),
                    ("organisation_id", &caritas_org.to_string()),
                    ("roles", "admin"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        let id = t.id(user);
        for action in [
            "municipality_created",
            "organisation_created",
            "team_created",
            "staff_created",
        ] {
            assert!(
                t.audit_has(action, "denied", Some(id)).await,
                "{user}: denied {action} not audited"
            );
        }
    }
    let after = (
        t.count("municipalities").await,
        t.count("organisations").await,
        t.count("teams").await,
        t.count("staff").await,
    );
    assert_eq!(before, after, "refused requests changed nothing");

    // AWO's administrator manages AWO's teams and people.
    let mut awo = t.login("awo.admin").await;
    awo.get("/").await;
    let r = awo
        .post(
            &format!("/admin/organisations/{awo_org}/teams"),
            &[("team_name", "Team West")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = awo
        .post(
            "/admin/staff",
            &[
                ("display_name", "Neu Person"),
                ("username", "awo.neu"),
                ("organisation_id", &awo_org.to_string()),
                ("roles", "im"),
                ("locale", "de"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // …but may not make anyone a county coordinator.
    let r = awo
        .post(
            "/admin/staff",
            &[
                ("display_name", "Neu Zwei"),
                ("username", "awo.neu2"),
                ("organisation_id", &awo_org.to_string()),
                ("roles", "coordinator"),
                ("locale", "de"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Koordination gibt es nur in der Kreisverwaltung");
}

#[tokio::test]
async fn bad_input_is_explained_next_to_the_field_and_nothing_typed_is_lost() {
    let t = TestApp::new().await;
    let mut admin = t.login("admin").await;
    admin.get("/").await;
    let r = admin
        .post(
            "/admin/municipalities",
            &[("ags", "123"), ("name", "Irgendwo am See")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Der AGS hat genau 8 Ziffern");
    r.assert_contains("value=\"Irgendwo am See\"");
    r.assert_contains("value=\"123\"");
    r.assert_contains("aria-invalid=\"true\"");
    let r = admin
        .post(
            "/admin/municipalities",
            &[("ags", "08990001"), ("name", "Doppelt")],
        )
        .await;
    r.assert_contains("Eine Gemeinde mit diesem AGS ist schon angelegt.");
    let r = admin
        .post(
            "/admin/organisations",
            &[
                ("name", "Stadt Ohne"),
                ("kind", "municipality"),
                ("municipality", ""),
            ],
        )
        .await;
    r.assert_contains("bitte die Gemeinde wählen");
    let r = admin
        .post(
            "/admin/organisations",
            &[("name", "AWO Kreisverband Neckartal"), ("kind", "provider")],
        )
        .await;
    r.assert_contains("Dieser Name ist bereits vergeben.");
    let r = admin
        .post(
            "/admin/staff",
            &[
                ("display_name", ""),
                ("username", "Jürgen!"),
                ("email", "kaputt"),
                ("organisation_id", "abc"),
                ("fte", "2"),
                ("roles", "wizard"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "Bitte ausfüllen.",
        "Erlaubt sind Kleinbuchstaben",
        "gültige E-Mail-Adresse",
        "Stellenanteil liegt zwischen 0 und 1",
        "aus der Liste",
    ] {
        r.assert_contains(msg);
    }
    r.assert_contains("value=\"Jürgen!\"");
    r.assert_contains("value=\"kaputt\"");
    let r = admin
        .post(
            "/admin/staff",
            &[
                ("display_name", "Zweite Sabine"),
                ("username", "admin"),
                (
                    "organisation_id",
                    &ctx(&t, "admin").await.actor.organisation_id.to_string(),
                ),
                ("roles", "im"),
            ],
        )
        .await;
    r.assert_contains("Dieser Benutzername ist vergeben.");
    // Paths that are not ids answer like missing records (`paths.rs` covers every route).
    for path in [
        "/admin/staff/abc",
        "/admin/organisations/-1",
        "/admin/teams/999999",
        "/admin/municipalities/x",
    ] {
        let s = admin.get(path).await.status;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let r = admin.post("/admin/staff/abc", &[("x", "y")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Administrators cannot lock themselves out.
    let me = ctx(&t, "admin").await.actor;
    let p = ankommen_core::administration::staff::get(&t.db, &ctx(&t, "admin").await, me.staff_id)
        .await
        .unwrap();
    let r = admin
        .post(
            &format!("/admin/staff/{}", me.staff_id),
            &[
                ("display_name", "Sabine Adler"),
                ("username", "admin"),
                ("organisation_id", &me.organisation_id.to_string()),
                ("roles", "dpo"),
                ("locale", "de"),
                ("version", &p.person.version.to_string()),
            ],
        )
        .await;
    r.assert_contains("Sie können sich nicht selbst deaktivieren.");
    r.assert_contains("Administrationsrolle nicht selbst entziehen");
}

#[tokio::test]
async fn concurrent_edits_do_not_overwrite_each_other() {
    let t = TestApp::new().await;
    let mut a = t.login("admin").await;
    let mut b = t.login("admin").await;
    a.get("/admin/municipalities/08990002").await;
    b.get("/admin/municipalities/08990002").await;
    let r = a
        .post(
            "/admin/municipalities/08990002",
            &[
                ("name", "Bergfelden (Neckar)"),
                ("active", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = b
        .post(
            "/admin/municipalities/08990002",
            &[
                ("name", "Bergfelden im Tal"),
                ("active", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Jemand anderes hat diesen Eintrag inzwischen geändert.");
    r.assert_contains("value=\"Bergfelden im Tal\"");
    assert_eq!(
        ankommen_core::administration::municipalities::get(&t.db, "08990002")
            .await
            .unwrap()
            .name,
        "Bergfelden (Neckar)"
    );
}

#[tokio::test]
async fn first_start_offers_a_one_time_setup_link() {
    let t = TestApp::empty().await;
    let token = ankommen_core::administration::setup::bootstrap_link_if_needed(&t.db, &t.clock)
        .await
        .unwrap()
        .unwrap();
    let link = format!("/setup/{token}");
    let mut c = t.client();
    let page = c.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("ankommen einrichten");
    let r = c
        .post(
            &link,
            &[
                ("deployment_name", "Landkreis Musterland"),
                ("organisation_name", "Landratsamt Musterland"),
                ("display_name", "Erika Muster"),
                ("username", "e.muster"),
                ("password", "kurz"),
                ("password_confirm", "kurz"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"Landkreis Musterland\"");
    let r = c
        .post(
            &link,
            &[
                ("deployment_name", "Landkreis Musterland"),
                ("organisation_name", "Landratsamt Musterland"),
                ("display_name", "Erika Muster"),
                ("username", "e.muster"),
                ("password", "ein sicherer langer Satz"),
                ("password_confirm", "ein sicherer langer Satz"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(c.get(&link).await.status, StatusCode::NOT_FOUND);
    assert!(
        ankommen_core::administration::setup::bootstrap_link_if_needed(&t.db, &t.clock)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        c.login("e.muster", "ein sicherer langer Satz").await.status,
        StatusCode::SEE_OTHER
    );
    let home = c.get("/").await;
    home.assert_contains("Landkreis Musterland");
    home.assert_contains("href=\"/admin\"");
    assert!(t.audit_has("deployment_set_up", "allowed", None).await);
    // Nobody can log in with a default password.
    assert_eq!(
        t.client_from("192.0.2.99")
            .login("admin", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

/// Issue 21, separation of duties: an administrator can change neither their own roles (granting
/// themself the IM role would open client records to them alone) nor their own organisation; the
/// attempt is refused, audited, and changes nothing.
#[tokio::test]
async fn nobody_changes_their_own_roles_or_organisation() {
    let t = TestApp::new().await;
    let mut admin = t.login("admin").await;
    let me = ctx(&t, "admin").await.actor;
    let awo = ctx(&t, "awo.im1").await.actor.organisation_id;
    let version = || async {
        ankommen_core::administration::staff::get(&t.db, &ctx(&t, "admin").await, me.staff_id)
            .await
            .unwrap()
            .person
            .version
            .to_string()
    };
    let org = me.organisation_id.to_string();
    let awo = awo.to_string();
    for (organisation, roles, message) in [
        (
            org.as_str(),
            "im",
            "Ihre eigenen Rollen kann nur eine andere administrierende Person ändern.",
        ),
        (
            awo.as_str(),
            "",
            "Ihre eigene Organisation kann nur eine andere administrierende Person ändern.",
        ),
    ] {
        let v = version().await;
        let mut fields = vec![
            ("display_name", "Sabine Adler"),
            ("username", "admin"),
            ("organisation_id", organisation),
            ("roles", "admin"),
            ("active", "on"),
            ("locale", "de"),
            ("version", v.as_str()),
        ];
        if !roles.is_empty() {
            fields.push(("roles", roles));
        }
        let r = admin
            .post(&format!("/admin/staff/{}", me.staff_id), &fields)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        r.assert_contains(message);
    }
    let after = ctx(&t, "admin").await.actor;
    assert_eq!(after.roles, me.roles);
    assert_eq!(after.organisation_id, me.organisation_id);
    assert!(
        t.audit()
            .await
            .iter()
            .filter(|(a, o, ..)| a == "staff_updated" && o == "denied")
            .count()
            >= 2
    );
}

/// The administrator role cannot be combined with IM, team lead or data protection in one account.
#[tokio::test]
async fn the_administrator_role_stands_alone() {
    let t = TestApp::new().await;
    let mut admin = t.login("admin").await;
    let org = ctx(&t, "admin").await.actor.organisation_id.to_string();
    let before = t.count("staff").await;
    for other in ["im", "dpo"] {
        let r = admin
            .post(
                "/admin/staff",
                &[
                    ("display_name", "Doppelte Rolle"),
                    ("username", "doppelt"),
                    ("organisation_id", org.as_str()),
                    ("roles", "admin"),
                    ("roles", other),
                    ("locale", "de"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        r.assert_contains("Die Administrationsrolle kann nicht mit IM");
        r.assert_contains("value=\"Doppelte Rolle\"");
    }
    assert_eq!(t.count("staff").await, before);
}

/// Issue 21: deactivating an organisation ends the sessions of all its staff at once and refuses
/// their logins; its cases stay (for the county to hand over).
#[tokio::test]
async fn a_deactivated_organisations_staff_are_logged_out_and_cannot_log_in() {
    let t = TestApp::new().await;
    let c = crate::fixtures::register_with_canary(&t, "awo.im1", "Aufgeloest").await;
    let mut im = t.login("awo.im1").await;
    assert_eq!(
        im.get(&format!("/clients/{}", c.person_id)).await.status,
        StatusCode::OK
    );
    let awo = ctx(&t, "awo.im1").await.actor.organisation_id;
    let cases = t.count("cases").await;
    let version: i64 = {
        use ankommen_store::entities::organisation;
        use ankommen_store::sea_orm::EntityTrait;
        organisation::Entity::find_by_id(awo)
            .one(t.db.reader())
            .await
            .unwrap()
            .unwrap()
            .version
            .into()
    };
    let mut admin = t.login("admin").await;
    let r = admin
        .post(
            &format!("/admin/organisations/{awo}"),
            &[
                ("name", "AWO Kreisverband Neckartal"),
                ("kind", "provider"),
                ("municipality", ""),
                ("version", &version.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The open session is gone: the next request asks for a login, and shows no client.
    let r = im.get(&format!("/clients/{}", c.person_id)).await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.body.contains("CanaryAufgeloest"));
    assert_eq!(
        t.client().login("awo.im1", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(t.count("cases").await, cases, "the cases stay");
}
