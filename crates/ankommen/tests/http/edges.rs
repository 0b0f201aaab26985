//! Input at the edges (issue 21): what a form refuses however it is typed or pasted.

use axum::http::StatusCode;

use crate::support::TestApp;

/// A writing-direction override would make a stored name display as another; names and
/// identifiers refuse it with a field error, keep what was typed, and store nothing.
#[tokio::test]
async fn names_with_bidirectional_controls_are_refused_and_nothing_is_stored() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im1").await;
    let persons = t.count("persons").await;
    let spoofed = "Ali\u{202E}ilA";
    let r = im
        .post(
            "/clients",
            &[
                ("given_name", spoofed),
                ("family_name", "Haddad"),
                ("name_original", "\u{2067}محمد\u{2069}"),
                ("birth", "1988"),
                ("municipality", "08990002"),
                ("au_move_in", "2026-10-01"),
                ("target_group", "follow_up_housing"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Steuerzeichen für die Schreibrichtung");
    r.assert_contains("id=\"e-given_name\"");
    r.assert_contains("id=\"e-name_original\"");
    r.assert_contains("value=\"Haddad\"");
    assert_eq!(t.count("persons").await, persons);

    let mut admin = t.login("admin").await;
    let organisations = t.count("organisations").await;
    let r = admin
        .post(
            "/admin/organisations",
            &[
                ("name", "DRK \u{202D}Kreisverband"),
                ("kind", "provider"),
                ("municipality", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Steuerzeichen für die Schreibrichtung");
    assert_eq!(t.count("organisations").await, organisations);
}

/// A value outside a field's list is a field error, never quietly a default: a release that is
/// "maybe" mutual is not stored as one-way.
#[tokio::test]
async fn a_value_outside_a_fields_list_is_refused_not_defaulted() {
    let t = TestApp::new().await;
    let c = crate::fixtures::register_with_canary(&t, "awo.im1", "Liste").await;
    let mut im = t.login("awo.im1").await;
    let releases = t.count("releases").await;
    for (mutual, message) in [("maybe", "id=\"e-mutual\""), ("", "id=\"e-mutual\"")] {
        let r = im
            .post(
                &format!("/clients/{}/releases", c.person_id),
                &[
                    ("recipient", "other"),
                    ("recipient_name", "Jobcenter Neckartal"),
                    ("recipient_category", "jobcenter"),
                    ("categories", "identity"),
                    ("purpose", "Vermittlung"),
                    ("valid_from", "2026-11-21"),
                    ("mutual", mutual),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        r.assert_contains(message);
        r.assert_contains("value=\"Jobcenter Neckartal\"");
    }
    assert_eq!(t.count("releases").await, releases);
}
