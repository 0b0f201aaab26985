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

    // Filter values that make no sense are field errors (decision 0012), never a crash and never
    // silently dropped; the page number is clamped.
    let r = dpo.get("/audit?from=gestern&page=-4&actor=abc").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-from\"");
    r.assert_contains("id=\"e-actor\"");
    assert_eq!(dpo.get("/audit?page=-4").await.status, StatusCode::OK);
    let denied = dpo.get("/audit?denied=on").await;
    denied.assert_contains("abgewiesen");
    assert!(!denied.body.contains(">erlaubt<"));
}

/// Makes every insert of an audit event with one of `actions` fail, as an unavailable audit log
/// would; `None` removes that again.
async fn break_audit_log(t: &TestApp, actions: Option<&[&str]>) {
    let db = t.db.writer();
    let postgres = t.db.backend() == ankommen_store::Backend::Postgres;
    let sql = match (actions, postgres) {
        (Some(actions), false) => format!(
            "CREATE TRIGGER test_audit_unavailable BEFORE INSERT ON audit_events \
             WHEN NEW.action IN ('{}') BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END",
            actions.join("','")
        ),
        (Some(actions), true) => format!(
            "CREATE FUNCTION test_audit_unavailable() RETURNS trigger AS $$ BEGIN \
             RAISE EXCEPTION 'audit log unavailable'; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER test_audit_unavailable BEFORE INSERT ON audit_events FOR EACH ROW \
             WHEN (NEW.action IN ('{}')) EXECUTE FUNCTION test_audit_unavailable()",
            actions.join("','")
        ),
        (None, false) => "DROP TRIGGER test_audit_unavailable".to_string(),
        (None, true) => "DROP TRIGGER test_audit_unavailable ON audit_events; \
                         DROP FUNCTION test_audit_unavailable()"
            .to_string(),
    };
    db.execute_unprepared(&sql).await.unwrap();
}

/// Decision 0009: nothing of a person leaves the server before the audit event of that read is
/// durable. With the audit log unable to take the read's event, the page fails and shows none of
/// the person's data; the same requests succeed once the log works again.
#[tokio::test]
async fn a_read_whose_audit_event_cannot_be_written_discloses_nothing() {
    let t = TestApp::new().await;
    let c = crate::fixtures::register_with_canary(&t, "awo.im1", "Durable").await;
    let mut im = t.login("awo.im1").await;
    let pages = [
        format!("/clients/{}", c.person_id),
        format!("/cases/{}/timeline", c.case_id),
        "/".to_string(),
    ];
    break_audit_log(
        &t,
        Some(&["client_viewed", "timeline_viewed", "day_view_viewed"]),
    )
    .await;
    let before = t.count("audit_events").await;
    for page in &pages {
        let r = im.get(page).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{page}");
        assert!(!r.body.contains(&c.canary), "{page} disclosed intake data");
        assert!(
            !r.body.contains("CanaryDurable"),
            "{page} disclosed the name"
        );
    }
    assert_eq!(t.count("audit_events").await, before);

    break_audit_log(&t, None).await;
    for page in &pages {
        let r = im.get(page).await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        if page != "/" {
            assert!(r.body.contains("CanaryDurable"), "{page} shows the client");
        }
    }
    assert!(t.count("audit_events").await >= before + 3);
}
