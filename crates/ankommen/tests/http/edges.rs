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
