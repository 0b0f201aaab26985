//! The audit log: append-only on both backends, and browsable only within one's scope.

use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn the_audit_log_cannot_be_altered_or_deleted() {
    let t = TestApp::new().await;
    t.login("admin").await;
    let n = t.count("audit_events").await;
    assert!(n >= 2);
    let db = t.db.writer();
    assert!(
        db.execute_unprepared("UPDATE audit_events SET action = 'nothing'")
            .await
            .is_err()
    );
    assert!(
        db.execute_unprepared("DELETE FROM audit_events")
            .await
            .is_err()
    );
    if t.db.backend() == ankommen_store::Backend::Postgres {
        assert!(
            db.execute_unprepared("TRUNCATE audit_events")
                .await
                .is_err()
        );
    }
    assert_eq!(t.count("audit_events").await, n);
    assert!(!t.audit().await.iter().any(|(a, ..)| a == "nothing"));
}

#[tokio::test]
async fn auditors_browse_within_their_scope() {
    let t = TestApp::new().await;
    t.login("caritas.im").await;
    t.login("awo.im2").await;
    let caritas_im = t.id("caritas.im").to_string();
    let awo_im = t.id("awo.im2").to_string();

    let mut dpo = t.login("datenschutz").await;
    let page = dpo.get("/audit?action=login").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Amina Haddad");
    page.assert_contains("Olena Kovalenko");
    // The action in words, in the table and in the filter.
    page.assert_contains("<td>Anmeldung</td>");
    page.assert_contains("<option value=\"login\" selected>Anmeldung</option>");

    let mut awo = t.login("awo.admin").await;
    let page = awo.get("/audit?action=login").await;
    page.assert_contains("Olena Kovalenko");
    assert!(
        !page.body.contains("Amina Haddad"),
        "AWO's administrator sees only AWO's events"
    );
    let page = awo.get(&format!("/audit?actor={caritas_im}")).await;
    assert!(!page.body.contains("Amina Haddad"));
    let page = awo
        .get(&format!("/audit?actor={awo_im}&action=login"))
        .await;
    page.assert_contains("ein Eintrag");

    let mut im = t.login("awo.im1").await;
    assert_eq!(im.get("/audit").await.status, StatusCode::FORBIDDEN);
    assert!(
        t.audit_has("audit_log_viewed", "denied", Some(t.id("awo.im1")))
            .await
    );
    assert!(
        t.audit_has("audit_log_viewed", "allowed", Some(t.id("datenschutz")))
            .await
    );

    // Filters that make no sense are ignored, not errors.
    assert_eq!(
        dpo.get("/audit?from=gestern&page=-4&actor=abc")
            .await
            .status,
        StatusCode::OK
    );
    let denied = dpo.get("/audit?denied=on").await;
    denied.assert_contains("abgewiesen");
    assert!(!denied.body.contains(">erlaubt<"));
}
