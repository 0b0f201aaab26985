//! Issue 21, access follows employment: a case is own (assigned or shared) only inside the actor's
//! current organisation; a move to another organisation waits until the person's cases are handed
//! over and ends their shares and sessions; the municipalities a person serves, where clients are
//! registered and where a moved client's case goes follow the organisations' service areas, which
//! only the county office's administrator manages.

use axum::http::StatusCode;

use ankommen_store::sea_orm::{ConnectionTrait, Statement};

use crate::auth::ctx;
use crate::fixtures::{Client as Fixture, register_with_canary};
use crate::support::{Client, Resp, TestApp};

async fn int(t: &TestApp, sql: &str) -> i64 {
    let db = t.db.reader();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row: {sql}"));
    row.try_get::<i64>("", "n").unwrap()
}

pub(crate) async fn org_id(t: &TestApp, name: &str) -> i64 {
    int(
        t,
        &format!("SELECT CAST(id AS BIGINT) AS n FROM organisations WHERE name = '{name}'"),
    )
    .await
}

pub(crate) async fn team_id(t: &TestApp, name: &str) -> i64 {
    int(
        t,
        &format!("SELECT CAST(id AS BIGINT) AS n FROM teams WHERE name = '{name}'"),
    )
    .await
}

/// A staff member as stored: (organisation, team, municipalities).
async fn employment(t: &TestApp, username: &str) -> (i64, Option<i64>, Vec<String>) {
    let d =
        ankommen_core::administration::staff::get(&t.db, &ctx(t, "admin").await, t.id(username))
            .await
            .unwrap();
    (d.person.organisation_id, d.person.team_id, d.municipalities)
}

/// The administrator saves a demo person's form as it is shown, with the organisation, team and
/// municipalities given (the rest unchanged).
pub(crate) async fn save_staff(
    admin: &mut Client,
    t: &TestApp,
    username: &str,
    organisation: i64,
    team: Option<i64>,
    municipalities: &[&str],
) -> Resp {
    let d =
        ankommen_core::administration::staff::get(&t.db, &ctx(t, "admin").await, t.id(username))
            .await
            .unwrap();
    let (org, team, version) = (
        organisation.to_string(),
        team.map(|t| t.to_string()).unwrap_or_default(),
        d.person.version.to_string(),
    );
    let roles: Vec<&str> = d.roles.iter().map(|r| r.as_str()).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("display_name", d.person.display_name.as_str()),
        ("username", d.person.username.as_str()),
        ("organisation_id", org.as_str()),
        ("team_id", team.as_str()),
        ("locale", "de"),
        ("active", "on"),
        ("version", version.as_str()),
    ];
    fields.extend(roles.iter().map(|r| ("roles", *r)));
    fields.extend(municipalities.iter().map(|m| ("municipalities", *m)));
    admin.get(&format!("/admin/staff/{}", t.id(username))).await;
    admin
        .post(&format!("/admin/staff/{}", t.id(username)), &fields)
        .await
}

/// A client of `im` with a consent, canary intake data, sealed health needs and a contact note.
async fn client_with_notes(t: &TestApp, im: &str, tag: &str) -> (Fixture, i64) {
    let c = register_with_canary(t, im, tag).await;
    let mut b = t.login(im).await;
    let base = format!("/clients/{}", c.person_id);
    b.post(&format!("{base}/health/open"), &[]).await;
    let r = b
        .post(
            &format!("{base}/health"),
            &[
                ("version", "2"),
                ("health", &format!("CANARY-{tag}-health")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = c.person_id.to_string();
    let r = b
        .post(
            &format!("/cases/{}/contacts/new", c.case_id),
            &[
                ("date", "2026-11-21"),
                ("kind", "office_appointment"),
                ("persons", p.as_str()),
                ("note", &format!("CANARY-{tag}-note")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let contact = int(
        t,
        &format!(
            "SELECT CAST(MAX(id) AS BIGINT) AS n FROM contacts WHERE case_id = {}",
            c.case_id
        ),
    )
    .await;
    (c, contact)
}

/// Everything `b` may try on a client of another organisation: every read answers 404 and shows
/// nothing of the client, every write answers 404 and changes nothing.
async fn refused_everywhere(t: &TestApp, b: &mut Client, c: &Fixture, contact: i64) {
    let p = c.person_id;
    let family = c.canary.replace("CANARY-", "Canary");
    for page in [
        format!("/clients/{p}"),
        format!("/clients/{p}/edit"),
        format!("/clients/{p}/intake"),
        format!("/cases/{}", c.case_id),
        format!("/cases/{}/timeline", c.case_id),
        format!("/cases/{}/pause", c.case_id),
        format!("/cases/{}/close", c.case_id),
        format!("/cases/{}/share", c.case_id),
        format!("/cases/{}/courses/new", c.case_id),
        format!("/contacts/{contact}"),
    ] {
        let r = b.get(&page).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{page}");
        assert!(!r.body.contains(&c.canary), "{page}");
        assert!(!r.body.contains(&family), "{page}");
    }
    let r = b.post(&format!("/clients/{p}/health/open"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains(&format!("{}-health", c.canary)));
    let (persons, contacts) = (t.count("persons").await, t.count("contacts").await);
    let writes: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/clients/{p}/edit"),
            vec![
                ("version", "1"),
                ("given_name", "Umbenannt"),
                ("family_name", "Umbenannt"),
                ("birth", "1990"),
                ("municipality", "08990002"),
                ("target_group", "follow_up_housing"),
            ],
        ),
        (
            format!("/clients/{p}/health"),
            vec![("version", "3"), ("health", "überschrieben")],
        ),
        (
            format!("/cases/{}/contacts/new", c.case_id),
            vec![
                ("date", "2026-11-21"),
                ("kind", "office_appointment"),
                ("note", "von der alten Stelle"),
            ],
        ),
        (
            format!("/contacts/{contact}"),
            vec![("version", "1"), ("note", "geändert")],
        ),
        (
            format!("/cases/{}/courses/new", c.case_id),
            vec![("course_type", "integration"), ("level", "B1")],
        ),
    ];
    for (path, fields) in writes {
        let r = b.post(&path, &fields).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
    }
    assert_eq!(t.count("persons").await, persons);
    assert_eq!(t.count("contacts").await, contacts);
    assert_eq!(
        int(
            t,
            &format!(
                "SELECT COUNT(*) AS n FROM persons WHERE id = {p} AND given_name = 'Testperson'"
            )
        )
        .await,
        1,
        "the record is unchanged"
    );
}

/// An IM with a share of a colleague's case is moved to another provider: their session ends, the
/// share ends (in the case's history too), and as an IM of the new provider they can open none of
/// the old provider's client, contact note or health section, nor write to them.
#[tokio::test]
async fn an_im_moved_to_another_provider_keeps_no_access_to_the_old_providers_clients() {
    let t = TestApp::new().await;
    let (c, contact) = client_with_notes(&t, "awo.im1", "Wechsel").await;
    let mut holder = t.login("awo.im1").await;
    let im2 = t.id("awo.im2").to_string();
    holder.get(&format!("/cases/{}", c.case_id)).await;
    let r = holder
        .post(
            &format!("/cases/{}/share", c.case_id),
            &[("staff_id", im2.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut moving = t.login("awo.im2").await;
    let r = moving.get(&format!("/clients/{}", c.person_id)).await;
    assert_eq!(r.status, StatusCode::OK, "the share works before the move");
    r.assert_contains("CanaryWechsel");

    let caritas = org_id(&t, "Caritas Neckartal").await;
    let awo = org_id(&t, "AWO Kreisverband Neckartal").await;
    let caritas_team = team_id(&t, "Integrationsmanagement").await;
    let mut admin = t.login("admin").await;
    let r = save_staff(
        &mut admin,
        &t,
        "awo.im2",
        caritas,
        Some(caritas_team),
        &["08990003"],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        employment(&t, "awo.im2").await,
        (caritas, Some(caritas_team), vec!["08990003".to_string()])
    );

    // The session of the move's moment is over.
    let r = moving.get(&format!("/clients/{}", c.person_id)).await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.body.contains("CanaryWechsel"));
    // The share ended, and the case's history says so.
    assert_eq!(t.count("case_shares").await, 0);
    assert_eq!(
        int(
            &t,
            &format!(
                "SELECT COUNT(*) AS n FROM case_events WHERE case_id = {} AND kind = 'unshared' \
                 AND other_staff_id = {im2}",
                c.case_id
            )
        )
        .await,
        1
    );
    // Logged in again, as Caritas's IM: nothing of the AWO client opens, nothing can be written.
    let mut moved = t.login("awo.im2").await;
    moved
        .get("/account")
        .await
        .assert_contains("Caritas Neckartal");
    refused_everywhere(&t, &mut moved, &c, contact).await;
    let list = moved.get("/cases?status=all").await;
    assert!(!list.body.contains("CanaryWechsel"));
    // The holder still works with the client.
    assert_eq!(
        holder
            .get(&format!("/clients/{}", c.person_id))
            .await
            .status,
        StatusCode::OK
    );

    // The move is in the audit log with ids only: the person, the old and the new organisation.
    let audit = t.audit().await;
    let admin_id = Some(t.id("admin"));
    for (action, kind, id) in [
        ("staff_moved", "staff", im2.clone()),
        ("staff_moved_out", "organisation", awo.to_string()),
        ("staff_moved_in", "organisation", caritas.to_string()),
        ("case_unshared", "case", c.case_id.to_string()),
    ] {
        assert!(
            audit.iter().any(|(a, o, who, k, i)| a == action
                && o == "allowed"
                && *who == admin_id
                && k.as_deref() == Some(kind)
                && i.as_deref() == Some(id.as_str())),
            "{action} {kind} {id}"
        );
    }
}

/// Defence in depth: a stale assignment (a person moved before this rule existed, with their cases)
/// opens nothing of the old organisation; the policy decides by the current organisation.
#[tokio::test]
async fn a_case_still_assigned_from_before_a_move_opens_nothing() {
    let t = TestApp::new().await;
    let (c, contact) = client_with_notes(&t, "awo.im1", "Altlast").await;
    let caritas = org_id(&t, "Caritas Neckartal").await;
    let caritas_team = team_id(&t, "Integrationsmanagement").await;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET organisation_id = {caritas}, team_id = {caritas_team} \
             WHERE id = {}",
            t.id("awo.im1")
        ))
        .await
        .unwrap();
    let mut moved = t.login("awo.im1").await;
    refused_everywhere(&t, &mut moved, &c, contact).await;
    let list = moved.get("/cases?status=all").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("CanaryAltlast"));
    let day = moved.get("/").await;
    assert!(!day.body.contains("CanaryAltlast"));
    assert!(
        t.audit_has("client_viewed", "denied", Some(t.id("awo.im1")))
            .await
    );
}

/// A move while the person still holds cases (closed ones too) is refused with the number, and
/// changes nothing; once the team lead has handed them over, the move goes through: the old team is
/// dropped, the municipalities are cut to the new organisation's, the sessions end.
#[tokio::test]
async fn a_move_waits_until_the_persons_cases_are_handed_over() {
    let t = TestApp::new().await;
    let open = register_with_canary(&t, "awo.im1", "Offen").await;
    let closed = register_with_canary(&t, "awo.im1", "Zu").await;
    ankommen_core::casework::cases::close(
        &t.db,
        &t.ctx_of("awo.im1").await,
        &t.sealer(),
        closed.case_id,
        1,
        "2026-11-21",
        "goals_reached",
        "",
    )
    .await
    .unwrap();
    let caritas = org_id(&t, "Caritas Neckartal").await;
    let nord = team_id(&t, "Team Nord").await;
    let before = employment(&t, "awo.im1").await;
    let mut im1 = t.login("awo.im1").await;
    let mut admin = t.login("admin").await;

    // The form as the administrator leaves it: the new organisation chosen, the rest as it was.
    let r = save_staff(
        &mut admin,
        &t,
        "awo.im1",
        caritas,
        Some(nord),
        &["08990002", "08990003"],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-organisation_id\"");
    r.assert_contains("Dieser Person sind noch 2 Fälle der bisherigen Organisation zugewiesen");
    r.assert_contains("Die Teamleitung übergibt sie zuerst");
    assert_eq!(employment(&t, "awo.im1").await, before, "nothing changed");
    assert_eq!(
        im1.get(&format!("/clients/{}", open.person_id))
            .await
            .status,
        StatusCode::OK,
        "the session goes on"
    );
    assert!(!t.audit_has("staff_moved", "allowed", None).await);

    // The team lead hands both cases to a colleague of the team (Olena Kovalenko joins Team Nord).
    let (awo_org, _, im2_munis) = employment(&t, "awo.im2").await;
    let im2_munis: Vec<&str> = im2_munis.iter().map(String::as_str).collect();
    let r = save_staff(&mut admin, &t, "awo.im2", awo_org, Some(nord), &im2_munis).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut lead = t.login("awo.leitung").await;
    lead.get("/cases?status=all").await;
    let (a, b, to) = (
        open.case_id.to_string(),
        closed.case_id.to_string(),
        t.id("awo.im2").to_string(),
    );
    let r = lead
        .post(
            "/cases/reassign",
            &[
                ("case", a.as_str()),
                ("case", b.as_str()),
                ("reassign_to", to.as_str()),
                ("handover_note", "Herr Karimi wechselt zur Caritas."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let r = save_staff(
        &mut admin,
        &t,
        "awo.im1",
        caritas,
        Some(nord),
        &["08990002", "08990003"],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Team Nord belongs to AWO: dropped. Bergfelden is not Caritas's: cut. Sonnbühl is: kept.
    assert_eq!(
        employment(&t, "awo.im1").await,
        (caritas, None, vec!["08990003".to_string()])
    );
    let r = im1.get(&format!("/clients/{}", open.person_id)).await;
    assert_ne!(r.status, StatusCode::OK, "the old session ended");
    assert!(!r.body.contains("CanaryOffen"));
    assert_eq!(
        int(
            &t,
            &format!(
                "SELECT COUNT(*) AS n FROM sessions WHERE staff_id = {}",
                t.id("awo.im1")
            )
        )
        .await,
        0
    );
    assert!(
        t.audit_has("staff_moved", "allowed", Some(t.id("admin")))
            .await
    );
}

/// The municipalities a person serves are limited to those their organisation serves: the staff
/// form refuses others next to the field, on creation and on change.
#[tokio::test]
async fn staff_municipalities_outside_the_organisations_service_area_are_refused() {
    let t = TestApp::new().await;
    let awo = org_id(&t, "AWO Kreisverband Neckartal").await;
    let before = employment(&t, "awo.im2").await;
    let mut admin = t.login("admin").await;
    let message = "Die Organisation betreut nicht alle gewählten Gemeinden.";

    // Auwiesen (08990004) is served by the county office and Caritas, not by AWO.
    let r = save_staff(
        &mut admin,
        &t,
        "awo.im2",
        awo,
        before.1,
        &["08990003", "08990004"],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains(message);
    r.assert_contains("value=\"08990004\" checked");
    assert_eq!(employment(&t, "awo.im2").await, before);

    let staff = t.count("staff").await;
    let awo_s = awo.to_string();
    let r = admin
        .post(
            "/admin/staff",
            &[
                ("display_name", "Neue Kollegin"),
                ("username", "awo.neu"),
                ("organisation_id", awo_s.as_str()),
                ("roles", "im"),
                ("municipalities", "08990005"),
                ("locale", "de"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains(message);
    assert_eq!(t.count("staff").await, staff);

    // Once the county office has AWO serve Auwiesen, the same change is saved.
    let r = admin
        .post(
            &format!("/admin/organisations/{awo}/service-areas"),
            &[
                ("area_municipality", "08990004"),
                ("area_from", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = save_staff(
        &mut admin,
        &t,
        "awo.im2",
        awo,
        before.1,
        &["08990003", "08990004"],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        employment(&t, "awo.im2").await.2,
        vec!["08990003".to_string(), "08990004".to_string()]
    );
}

/// When the county office ends an organisation's service of a municipality, its IMs register no
/// client there any more (even though the municipality is still on their list).
#[tokio::test]
async fn registration_in_a_municipality_the_organisation_does_not_serve_is_refused() {
    let t = TestApp::new().await;
    let awo = org_id(&t, "AWO Kreisverband Neckartal").await;
    let area = int(
        &t,
        &format!(
            "SELECT CAST(id AS BIGINT) AS n FROM service_areas \
             WHERE organisation_id = {awo} AND municipality_ags = '08990002'"
        ),
    )
    .await
    .to_string();
    let mut admin = t.login("admin").await;
    admin.get(&format!("/admin/organisations/{awo}")).await;
    let r = admin
        .post(
            &format!("/admin/organisations/{awo}/service-areas/end"),
            &[("area_id", area.as_str()), ("area_until", "2026-11-20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mut im = t.login("awo.im1").await;
    im.get("/clients/new").await;
    let r = im
        .post(
            "/clients",
            &[
                ("given_name", "Mohammad"),
                ("family_name", "Haddad"),
                ("birth", "1988"),
                ("municipality", "08990002"),
                ("target_group", "follow_up_housing"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("id=\"e-municipality\"");
    r.assert_contains("Ihre Organisation betreut diese Gemeinde nicht (mehr).");
    r.assert_contains("value=\"Haddad\"");
    assert_eq!(t.count("persons").await, 0);
    assert_eq!(t.count("cases").await, 0);
}

/// A client moving within the organisation's service area keeps the case; the move form names who
/// serves each municipality, from the service areas (not from where some IM happens to work).
#[tokio::test]
async fn a_move_follows_the_service_areas() {
    let t = TestApp::new().await;
    let c = register_with_canary(&t, "awo.im2", "Umzug").await;
    let awo = org_id(&t, "AWO Kreisverband Neckartal").await;
    let mut admin = t.login("admin").await;
    // AWO takes over Weilerbach (08990005) as well; none of its IMs serves it yet.
    let r = admin
        .post(
            &format!("/admin/organisations/{awo}/service-areas"),
            &[
                ("area_municipality", "08990005"),
                ("area_from", "2026-11-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mut im = t.login("awo.im2").await;
    // The moving page lists each municipality with who serves it.
    let page = im.get(&format!("/cases/{}/move", c.case_id)).await;
    page.assert_contains(
        "Auwiesen – betreut von Caritas Neckartal, Landratsamt Neckartal</option>",
    );
    page.assert_contains(
        "Weilerbach – betreut von AWO Kreisverband Neckartal, Landratsamt Neckartal</option>",
    );
    let r = im
        .post(
            &format!("/cases/{}/move", c.case_id),
            &[
                ("version", "1"),
                ("moved_to", "08990005"),
                ("moved_on", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = im.get(&format!("/cases/{}", c.case_id)).await;
    r.assert_contains("der Fall bleibt bei Ihnen");
    assert_eq!(
        int(
            &t,
            &format!(
                "SELECT COUNT(*) AS n FROM cases WHERE id = {} AND status = 'active' \
                 AND municipality_ags = '08990005'",
                c.case_id
            )
        )
        .await,
        1
    );
}

/// The county office's administrator adds municipalities to an organisation's service area and
/// ends them with a date; overlapping or inverted periods are explained next to the field. A
/// provider's administrator sees their own organisation's service area but cannot change it.
#[tokio::test]
async fn the_county_administrator_manages_service_areas_and_an_organisations_administrator_cannot()
{
    let t = TestApp::new().await;
    let awo = org_id(&t, "AWO Kreisverband Neckartal").await;
    let org_page = format!("/admin/organisations/{awo}");
    let areas = t.count("service_areas").await;

    let mut own = t.login("awo.admin").await;
    let page = own.get(&org_page).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Betreute Gemeinden");
    page.assert_contains("Bergfelden");
    page.assert_contains("Sonnbühl");
    assert!(!page.body.contains("/service-areas\""));
    let bergfelden = int(
        &t,
        &format!(
            "SELECT CAST(id AS BIGINT) AS n FROM service_areas \
             WHERE organisation_id = {awo} AND municipality_ags = '08990002'"
        ),
    )
    .await
    .to_string();
    let r = own
        .post(
            &format!("{org_page}/service-areas"),
            &[
                ("area_municipality", "08990005"),
                ("area_from", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = own
        .post(
            &format!("{org_page}/service-areas/end"),
            &[
                ("area_id", bergfelden.as_str()),
                ("area_until", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.count("service_areas").await, areas);
    assert_eq!(
        int(
            &t,
            "SELECT COUNT(*) AS n FROM service_areas WHERE valid_until IS NOT NULL"
        )
        .await,
        0
    );
    for action in ["service_area_added", "service_area_ended"] {
        assert!(
            t.audit_has(action, "denied", Some(t.id("awo.admin"))).await,
            "{action}"
        );
    }

    let mut county = t.login("admin").await;
    let page = county.get(&org_page).await;
    page.assert_contains(&format!("action=\"{org_page}/service-areas\""));
    let r = county
        .post(
            &format!("{org_page}/service-areas"),
            &[
                ("area_municipality", "08990005"),
                ("area_from", "2027-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = county.get(&org_page).await;
    page.assert_contains("Weilerbach (08990005)");
    page.assert_contains("01.01.2027");
    page.assert_contains("beginnt später");
    // AWO serves Bergfelden already: a second, overlapping period is refused.
    let r = county
        .post(
            &format!("{org_page}/service-areas"),
            &[
                ("area_municipality", "08990002"),
                ("area_from", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Die Organisation betreut diese Gemeinde in diesem Zeitraum schon.");
    // An end before the start is refused; a proper end is kept and shown.
    let r = county
        .post(
            &format!("{org_page}/service-areas/end"),
            &[
                ("area_id", bergfelden.as_str()),
                ("area_until", "2016-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Der letzte Tag liegt vor dem Beginn der Betreuung.");
    r.assert_contains("value=\"2016-12-31\"");
    let r = county
        .post(
            &format!("{org_page}/service-areas/end"),
            &[
                ("area_id", bergfelden.as_str()),
                ("area_until", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = county.get(&org_page).await;
    page.assert_contains("31.12.2026");
    assert_eq!(t.count("service_areas").await, areas + 1);
    // After its end, AWO may serve Bergfelden again from a later day.
    let r = county
        .post(
            &format!("{org_page}/service-areas"),
            &[
                ("area_municipality", "08990002"),
                ("area_from", "2027-03-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for action in ["service_area_added", "service_area_ended"] {
        assert!(
            t.audit_has(action, "allowed", Some(t.id("admin"))).await,
            "{action}"
        );
    }
    // Other roles cannot either.
    let mut im = t.login("awo.im1").await;
    im.get("/").await;
    let r = im
        .post(
            &format!("{org_page}/service-areas"),
            &[
                ("area_municipality", "08990005"),
                ("area_from", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
