//! Search from anywhere (issue 26): the header's field finds clients by any spelling or script and
//! by case number, within what the IM may read, sent by POST (never in the URL). The same matcher
//! serves the caseload filter, the registration's duplicate hint and the data-protection officer's
//! look-up, so "Fatima Alhassan" finds "Fatima Al-Hassan" in all of them.

use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;

use crate::fixtures::register_named;
use crate::support::TestApp;

const REASON: &str = "Auskunftsersuchen vom 20.11.2026";

#[tokio::test]
async fn the_header_search_finds_joined_and_split_particles_within_what_the_im_may_read() {
    let t = TestApp::new().await;
    let c = register_named(
        &t,
        "awo.im1",
        "Fatima",
        "Al-Hassan",
        Some("فاطمة الحسن"),
        "1994",
    )
    .await;
    let number =
        t.db.reader()
            .query_one_raw(ankommen_store::sea_orm::Statement::from_string(
                t.db.reader().get_database_backend(),
                format!("SELECT case_number FROM cases WHERE id = {}", c.case_id),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<String>("", "case_number")
            .unwrap();
    let mut im = t.login("awo.im1").await;

    // Every page of an IM carries the field: a POST to the caseload, over all statuses.
    let page = im.get("/account").await;
    page.assert_contains(
        "<form class=\"header-search\" method=\"post\" action=\"/cases\" role=\"search\">",
    );
    page.assert_contains("<label for=\"header-q\" class=\"visually-hidden\">Klient:in oder Fallnummer suchen</label>");
    for q in [
        "Fatima Alhassan",
        "alhassan",
        "Al Hassan",
        "fatma al-hasan",
        "فاطمة",
        number.as_str(),
    ] {
        let r = im.post("/cases", &[("status", "all"), ("q", q)]).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
        r.assert_contains("Al-Hassan");
        assert!(!r.body.contains("Shevchenko"), "{q}: only the client found");
    }
    let r = im
        .post("/cases", &[("status", "all"), ("q", "Fatima Karimi")])
        .await;
    assert!(!r.body.contains("Al-Hassan"));

    // Within what the user may read: a colleague elsewhere finds nothing; administrators, the
    // data-protection officer and the coordinator have no search field.
    let mut other = t.login("caritas.im").await;
    let r = other
        .post("/cases", &[("status", "all"), ("q", "Fatima Alhassan")])
        .await;
    assert!(!r.body.contains("Al-Hassan"));
    for who in ["admin", "datenschutz", "koordination"] {
        let mut u = t.login(who).await;
        let r = u.get("/account").await;
        assert!(!r.body.contains("header-search"), "{who}");
    }

    // The registration's duplicate hint: the other spelling is recognised before a second record.
    let municipality = t.ctx_of("awo.im1").await.actor.municipalities[0].clone();
    let r = im
        .post(
            "/clients",
            &[
                ("given_name", "Fatima"),
                ("family_name", "Alhassan"),
                ("birth", "1994"),
                ("municipality", municipality.as_str()),
                ("au_move_in", "2025-03-01"),
                ("target_group", "follow_up_housing"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    r.assert_contains("Mögliche Doppelung");
    r.assert_contains(&format!("/clients/{}", c.person_id));

    // The data-protection officer's look-up.
    let mut dpo = t.login("datenschutz").await;
    let r = dpo
        .post(
            "/privacy/lookup",
            &[
                ("name", "Fatima Alhassan"),
                ("birth_year", "1994"),
                ("reason", REASON),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Al-Hassan");
    r.assert_contains(&format!("action=\"/privacy/persons/{}\"", c.person_id));
}
