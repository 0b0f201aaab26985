//! The audit log's hash chain (decision 0019): every event sealed into one chain; `verify` names
//! the first broken link when a row was changed or deleted directly in the database; the cut at
//! the end of the retention keeps the rest verifiable; the data-protection officer sees the state.

use ankommen_core::Clock;
use ankommen_core::kernel::audit::chain::{self, Problem, Reach, RunBy, Verification};
use ankommen_store::Backend;
use ankommen_store::sea_orm::ConnectionTrait;
use axum::http::StatusCode;

use crate::support::TestApp;

/// What an insider with the database's credentials does first: lifts the protection of a table.
async fn unprotect(t: &TestApp, table: &str) {
    let sql = match t.db.backend() {
        Backend::Sqlite => {
            format!("DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete")
        }
        Backend::Postgres => format!("ALTER TABLE {table} DISABLE TRIGGER {table}_no_change"),
    };
    t.db.writer().execute_unprepared(&sql).await.unwrap();
}

async fn exec(t: &TestApp, sql: &str) {
    t.db.writer()
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn verify(t: &TestApp) -> Verification {
    chain::verify(&t.db, t.clock.now(), RunBy::CommandLine)
        .await
        .unwrap()
}

/// Some activity: logins and a page each.
async fn activity(t: &TestApp) {
    for user in ["caritas.im", "awo.im2", "admin"] {
        let mut c = t.login(user).await;
        c.get("/").await;
    }
}

/// The link of the n-th event (in id order) and that event's id.
async fn nth_link(t: &TestApp, n: i64) -> (i64, i64) {
    let id = t
        .scalar(&format!(
            "SELECT id AS n FROM audit_events ORDER BY id LIMIT 1 OFFSET {n}"
        ))
        .await;
    let seq = t
        .scalar(&format!(
            "SELECT seq AS n FROM audit_chain WHERE event_id = {id}"
        ))
        .await;
    (seq, id)
}

#[tokio::test]
async fn every_event_is_sealed_and_the_intact_chain_verifies() {
    let t = TestApp::new().await;
    activity(&t).await;
    let events = t.count("audit_events").await;
    let v = verify(&t).await;
    assert_eq!(v.broken, None);
    assert_eq!(v.sealed_now as i64, events);
    assert_eq!(v.links_checked as i64, events);
    let (head, hash) = v.head.clone().unwrap();
    assert_eq!(head, events);
    assert_eq!(hash.len(), 64);
    // The verification is itself an event: the next one seals it and checks one link more.
    let again = verify(&t).await;
    assert_eq!(again.broken, None);
    assert_eq!(again.sealed_now, 1);
    assert_eq!(again.links_checked as i64, events + 1);
    assert_eq!(t.count("audit_verifications").await, 2);
    // Sealing twice seals nothing twice.
    assert_eq!(
        chain::seal(&t.db, t.clock.now(), Reach::All).await.unwrap(),
        1
    );
    assert_eq!(
        chain::seal(&t.db, t.clock.now(), Reach::Recent)
            .await
            .unwrap(),
        0
    );
    assert_eq!(t.count("audit_chain").await, t.count("audit_events").await);
}

#[tokio::test]
async fn the_chain_is_append_only_like_the_log() {
    let t = TestApp::new().await;
    activity(&t).await;
    verify(&t).await;
    let db = t.db.writer();
    for sql in [
        "UPDATE audit_chain SET hash = prev_hash",
        "DELETE FROM audit_chain",
        "UPDATE audit_verifications SET intact = true WHERE id = -1",
    ] {
        let r = db.execute_unprepared(sql).await;
        if sql.contains("audit_verifications") {
            // The outcomes are not part of the chain; only the chain and anchors are guarded.
            assert!(r.is_ok(), "{sql}");
        } else {
            assert!(r.is_err(), "{sql} must be refused");
        }
    }
    assert_eq!(verify(&t).await.broken, None);
}

#[tokio::test]
async fn one_changed_byte_in_one_event_is_found() {
    let t = TestApp::new().await;
    activity(&t).await;
    assert_eq!(verify(&t).await.broken, None);
    let (seq, id) = nth_link(&t, 5).await;
    unprotect(&t, "audit_events").await;
    // One byte of the action ("login" -> "logim", or any other action's last letter).
    exec(
        &t,
        &format!(
            "UPDATE audit_events SET action = substr(action, 1, length(action) - 1) || 'X' WHERE id = {id}"
        ),
    )
    .await;
    let v = verify(&t).await;
    let b = v.broken.clone().expect("the change is found");
    assert_eq!(
        (b.seq, b.event_id, b.problem),
        (seq, Some(id), Problem::ContentChanged)
    );
    assert_eq!(v.head.unwrap().0, seq - 1, "intact up to the link before");

    // The data-protection officer's page says so.
    let mut dpo = t.login("datenschutz").await;
    let page = dpo.get("/privacy/audit-chain").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Die Kette ist gebrochen");
    page.assert_contains(&format!(
        "<dd>{seq} (Eintrag {id}): Inhalt des Eintrags oder sein Glied geändert</dd>"
    ));
}

#[tokio::test]
async fn a_deleted_event_and_deleted_links_are_found() {
    let t = TestApp::new().await;
    activity(&t).await;
    assert_eq!(verify(&t).await.broken, None);
    let (seq, id) = nth_link(&t, 3).await;
    unprotect(&t, "audit_events").await;
    exec(&t, &format!("DELETE FROM audit_events WHERE id = {id}")).await;
    let b = verify(&t).await.broken.expect("the deletion is found");
    assert_eq!(
        (b.seq, b.event_id, b.problem),
        (seq, Some(id), Problem::EventDeleted)
    );

    // Deleting the link too (an insider covering the tracks) breaks the next link.
    unprotect(&t, "audit_chain").await;
    exec(&t, &format!("DELETE FROM audit_chain WHERE seq = {seq}")).await;
    let b = verify(&t).await.broken.expect("the deletion is found");
    assert_eq!((b.seq, b.problem), (seq + 1, Problem::LinksDeleted));
}

#[tokio::test]
async fn a_link_rewritten_to_fit_a_changed_event_breaks_the_next_link() {
    let t = TestApp::new().await;
    activity(&t).await;
    assert_eq!(verify(&t).await.broken, None);
    let (seq, id) = nth_link(&t, 4).await;
    unprotect(&t, "audit_events").await;
    unprotect(&t, "audit_chain").await;
    exec(
        &t,
        &format!("UPDATE audit_events SET outcome = 'denied' WHERE id = {id}"),
    )
    .await;
    // The insider recomputes this link's hash for the changed event, but not the rest.
    let changed = ankommen_store::entities::audit_event::Entity::find_by_id(id);
    use ankommen_store::sea_orm::EntityTrait;
    let e = changed.one(t.db.reader()).await.unwrap().unwrap();
    let prev: String = {
        let row =
            t.db.reader()
                .query_one_raw(ankommen_store::sea_orm::Statement::from_string(
                    t.db.reader().get_database_backend(),
                    format!("SELECT prev_hash FROM audit_chain WHERE seq = {seq}"),
                ))
                .await
                .unwrap()
                .unwrap();
        row.try_get("", "prev_hash").unwrap()
    };
    let forged = chain::link_hash(&prev, &e);
    exec(
        &t,
        &format!("UPDATE audit_chain SET hash = '{forged}' WHERE seq = {seq}"),
    )
    .await;
    let b = verify(&t).await.broken.expect("the forgery is found");
    assert_eq!((b.seq, b.problem), (seq + 1, Problem::LinkChanged));
}

#[tokio::test]
async fn cutting_off_the_end_is_found_against_the_last_verified_head() {
    let t = TestApp::new().await;
    activity(&t).await;
    let head = verify(&t).await.head.unwrap().0;
    unprotect(&t, "audit_events").await;
    unprotect(&t, "audit_chain").await;
    let from = head - 2;
    let cut_off = |from: i64| {
        [
            format!(
                "DELETE FROM audit_events WHERE id IN (SELECT event_id FROM audit_chain WHERE seq >= {from})"
            ),
            format!("DELETE FROM audit_chain WHERE seq >= {from}"),
        ]
    };
    for sql in cut_off(from) {
        exec(&t, &sql).await;
    }
    let b = verify(&t)
        .await
        .broken
        .expect("the shortened chain is found");
    assert_eq!((b.seq, b.problem), (head, Problem::Truncated));

    // New events since have taken the removed positions: the verified head's hash tells.
    activity(&t).await;
    let b = verify(&t)
        .await
        .broken
        .expect("the rewritten chain is found");
    assert_eq!((b.seq, b.problem), (head, Problem::Rewritten));
}

/// Sealers in two servers at once on one database (on PostgreSQL two instances; on SQLite the
/// one writer) while events are written: every event is sealed exactly once, the chain does not
/// fork.
#[tokio::test]
async fn sealers_running_at_once_never_fork_the_chain() {
    let t = TestApp::new().await;
    let now = t.clock.now();
    let (a, b, _) = tokio::join!(
        chain::seal(&t.db, now, Reach::All),
        chain::seal(&t.db, now, Reach::All),
        activity(&t),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let (c, d) = tokio::join!(
        chain::seal(&t.db, now, Reach::Recent),
        chain::seal(&t.db, now, Reach::All),
    );
    let sealed = a + b + c.unwrap() + d.unwrap();
    assert_eq!(sealed as i64, t.count("audit_events").await);
    assert_eq!(t.count("audit_chain").await, t.count("audit_events").await);
    let v = verify(&t).await;
    assert_eq!(v.broken, None);
}

/// The retention cut removes old events with their links, and what remains verifies from the
/// anchor; the protection is back afterwards.
#[tokio::test]
async fn the_retention_cut_keeps_the_rest_verifiable() {
    let t = TestApp::new().await;
    activity(&t).await;
    let old = t.count("audit_events").await;
    t.clock.advance(chrono::Duration::days(800));
    let cut_at = t.clock.now();
    t.clock.advance(chrono::Duration::days(1));
    activity(&t).await;
    let removed = chain::cut(&t.db, t.clock.now(), cut_at).await.unwrap();
    assert_eq!(removed as i64, old);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE at < '{}'",
            cut_at.format("%Y-%m-%d")
        ))
        .await,
        0
    );
    assert_eq!(t.count("audit_anchors").await, 1);
    assert!(t.audit_has("audit_log_cut", "allowed", None).await);
    let v = verify(&t).await;
    assert_eq!(v.broken, None, "{v:?}");
    assert_eq!(v.links_checked as i64, t.count("audit_chain").await);
    // Nothing left to cut; the log is append-only again.
    assert_eq!(chain::cut(&t.db, t.clock.now(), cut_at).await.unwrap(), 0);
    assert!(
        t.db.writer()
            .execute_unprepared("DELETE FROM audit_events")
            .await
            .is_err()
    );
    assert!(
        t.db.writer()
            .execute_unprepared("DELETE FROM audit_chain")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn only_auditors_see_the_chain_state() {
    let t = TestApp::new().await;
    let mut dpo = t.login("datenschutz").await;
    let page = dpo.get("/privacy/audit-chain").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Die Kette wurde noch nicht geprüft.");
    verify(&t).await;
    let page = dpo.get("/privacy/audit-chain").await;
    page.assert_contains("Die Kette ist unversehrt");
    page.assert_contains("die Kommandozeile");
    assert!(
        t.audit_has("audit_chain_viewed", "allowed", Some(t.id("datenschutz")))
            .await
    );

    let mut im = t.login("caritas.im").await;
    let page = im.get("/privacy/audit-chain").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!page.body.contains("Kette ist"));
    assert!(
        t.audit_has("audit_chain_viewed", "denied", Some(t.id("caritas.im")))
            .await
    );
}
