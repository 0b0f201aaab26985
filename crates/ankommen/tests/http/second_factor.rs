//! HTTP tests of the second factor (issue 28, decision 0038): setting it up under "Mein Konto",
//! logging in with a code (each code once) or a recovery code (each once), the organisation's
//! requirement with setting up at login, the administrator's reset of a lost phone, insiders who
//! may not, and the throttle over the six digits.

use ankommen_core::Clock;
use ankommen_core::administration::second_factor::code_at;
use axum::http::StatusCode;
use chrono::Duration;

use crate::support::{Client, PASSWORD, Resp, TestApp};

/// The secret shown on a setup page (grouped by four for typing).
fn secret_of(page: &Resp) -> String {
    let start = page
        .body
        .find("<code class=\"secret\">")
        .unwrap_or_else(|| panic!("no secret on the page: {}", page.body))
        + "<code class=\"secret\">".len();
    let end = start + page.body[start..].find("</code>").unwrap();
    page.body[start..end].replace(' ', "")
}

/// The recovery codes on a page that shows them once.
fn codes_of(page: &Resp) -> Vec<String> {
    let list = &page.body[page.body.find("id=\"recovery-codes\"").unwrap()..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<li><code>")
        .skip(1)
        .map(|c| c[..c.find("</code>").unwrap()].to_string())
        .collect()
}

fn now_code(t: &TestApp, secret: &str) -> String {
    code_at(secret, t.clock.now()).unwrap()
}

/// Sets up a second factor for `user` under "Mein Konto"; returns the secret and the recovery
/// codes.
async fn set_up(t: &TestApp, user: &str) -> (String, Vec<String>) {
    let mut c = t.login(user).await;
    let r = c.post("/account/second-factor/setup", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get("/account/second-factor").await;
    let secret = secret_of(&page);
    let done = c
        .post(
            "/account/second-factor/confirm",
            &[("code", &now_code(t, &secret))],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    (secret, codes_of(&done))
}

/// Logs in with the password: the second step is asked for, and no session is open yet.
async fn password_step(t: &TestApp, user: &str) -> Client {
    let mut c = t.client();
    let r = c.login(user, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/login/second-factor");
    assert!(c.session_cookie().is_none());
    c
}

#[tokio::test]
async fn an_im_sets_up_a_second_factor_and_logs_in_with_a_code_or_a_recovery_code() {
    let t = TestApp::new().await;
    let im = t.id("awo.im1");
    let mut c = t.login("awo.im1").await;
    let page = c.get("/account/second-factor").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Nicht eingerichtet.");
    c.get("/account")
        .await
        .assert_contains("href=\"/account/second-factor\"");

    // Setting up: the QR code (made here, inline) and the key; a wrong first code is refused.
    let r = c.post("/account/second-factor/setup", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = c.get("/account/second-factor").await;
    page.assert_contains("<svg");
    let secret = secret_of(&page);
    assert_eq!(secret.len(), 32, "{secret}");
    let wrong = c
        .post("/account/second-factor/confirm", &[("code", "000000")])
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );
    wrong.assert_contains("Der Code stimmt nicht.");
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM second_factors WHERE staff_id = {im} AND confirmed_at IS NULL"
        ))
        .await,
        1
    );
    let confirmed = c
        .post(
            "/account/second-factor/confirm",
            &[("code", &now_code(&t, &secret))],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let codes = codes_of(&confirmed);
    assert_eq!(codes.len(), 10);
    // Stored: the secret sealed, the codes as hashes only.
    let stored: Vec<u8> = {
        use ankommen_store::entities::second_factor;
        use ankommen_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        second_factor::Entity::find()
            .filter(second_factor::Column::StaffId.eq(im))
            .one(t.db.reader())
            .await
            .unwrap()
            .unwrap()
            .secret_sealed
    };
    assert!(!stored.windows(secret.len()).any(|w| w == secret.as_bytes()));
    assert_eq!(t.count("recovery_codes").await, 10);
    for code in &codes {
        assert_eq!(
            t.scalar(&format!(
                "SELECT COUNT(*) AS n FROM recovery_codes WHERE code_hash = '{code}'"
            ))
            .await,
            0
        );
    }
    c.get("/account/second-factor")
        .await
        .assert_contains("Noch 10 Wiederherstellungscodes.");

    // The password alone opens no session; the code used to confirm is spent.
    let mut next = password_step(&t, "awo.im1").await;
    let home = next.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/login");
    let page = next.get("/login/second-factor").await;
    page.assert_contains("Bestätigungscode");
    let replay = next
        .post("/login/second-factor", &[("code", &now_code(&t, &secret))])
        .await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(next.session_cookie().is_none());
    // Half a minute later the app shows a new code: logged in.
    t.clock.advance(Duration::seconds(30));
    let ok = next
        .post("/login/second-factor", &[("code", &now_code(&t, &secret))])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location(), "/");
    assert!(next.session_cookie().is_some());
    assert_eq!(next.get("/").await.status, StatusCode::OK);
    assert!(
        t.audit_has("second_factor_failed", "denied", Some(im))
            .await
    );
    assert!(t.audit_has("login", "allowed", Some(im)).await);

    // A recovery code logs in once (typed loosely); the second time it is refused.
    let mut lost = password_step(&t, "awo.im1").await;
    let typed = format!(" {} ", codes[3].to_uppercase());
    let r = lost.post("/login/second-factor", &[("code", &typed)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.audit_has("recovery_code_used", "allowed", Some(im)).await);
    let mut again = password_step(&t, "awo.im1").await;
    let r = again
        .post("/login/second-factor", &[("code", &codes[3])])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    lost.get("/account/second-factor")
        .await
        .assert_contains("Noch 9 Wiederherstellungscodes.");

    // New recovery codes need a current code; the old ones stop working.
    t.clock.advance(Duration::seconds(30));
    let renewed = lost
        .post(
            "/account/second-factor/recovery-codes",
            &[("code", &now_code(&t, &secret))],
        )
        .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    let fresh = codes_of(&renewed);
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|c| !codes.contains(c)));
    let mut old = password_step(&t, "awo.im1").await;
    let r = old
        .post("/login/second-factor", &[("code", &codes[0])])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Removing it needs a code; afterwards the password alone logs in again.
    let refused = lost
        .post(
            "/account/second-factor/remove",
            &[("remove_code", "123456")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The error stands by the removal's own field (the renewal's field is another).
    refused.assert_contains("id=\"e-remove_code\"");
    assert_eq!(refused.body.matches("id=\"f-code\"").count(), 1);
    let removed = lost
        .post(
            "/account/second-factor/remove",
            &[("remove_code", &fresh[0])],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(t.count("second_factors").await, 0);
    assert_eq!(t.count("recovery_codes").await, 0);
    t.login("awo.im1").await;
}

#[tokio::test]
async fn a_pending_second_step_ends_with_its_attempts_its_time_or_the_persons_deactivation() {
    let t = TestApp::new().await;
    let (secret, _) = set_up(&t, "awo.im1").await;
    t.clock.advance(Duration::seconds(30));

    // Five answers per login; after the fifth wrong one it starts over at the password.
    let mut c = password_step(&t, "awo.im1").await;
    for _ in 0..4 {
        let r = c.post("/login/second-factor", &[("code", "111111")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = c.post("/login/second-factor", &[("code", "111111")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
    let r = c
        .post("/login/second-factor", &[("code", &now_code(&t, &secret))])
        .await;
    assert_eq!(r.location(), "/login");
    assert!(c.session_cookie().is_none());
    // The throttle counts the guesses at the account from this address across logins: the next
    // answer is refused unchecked.
    let mut c = password_step(&t, "awo.im1").await;
    let r = c
        .post("/login/second-factor", &[("code", &now_code(&t, &secret))])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(c.session_cookie().is_none());

    // After the throttle's window: a challenge lasts ten minutes.
    t.clock.advance(Duration::minutes(16));
    let mut c = password_step(&t, "awo.im1").await;
    t.clock.advance(Duration::minutes(11));
    let r = c
        .post("/login/second-factor", &[("code", &now_code(&t, &secret))])
        .await;
    assert_eq!(r.location(), "/login");

    // Deactivated between password and code: no session.
    let mut c = password_step(&t, "awo.im1").await;
    use ankommen_store::sea_orm::ConnectionTrait;
    t.db.writer()
        .execute_unprepared(&format!(
            "UPDATE staff SET active = FALSE WHERE id = {}",
            t.id("awo.im1")
        ))
        .await
        .unwrap();
    t.clock.advance(Duration::seconds(30));
    let r = c
        .post("/login/second-factor", &[("code", &now_code(&t, &secret))])
        .await;
    assert_eq!(r.location(), "/login");
    assert!(c.session_cookie().is_none());
}

#[tokio::test]
async fn an_organisation_requires_it_and_an_administrator_resets_a_lost_phone() {
    let t = TestApp::new().await;
    let org = t
        .scalar(&format!(
            "SELECT organisation_id AS n FROM staff WHERE id = {}",
            t.id("awo.im2")
        ))
        .await;
    // A session from before the requirement.
    let mut early = t.login("awo.im1").await;
    // A team lead may not require it, nor reset anyone's.
    let mut lead = t.login("awo.leitung").await;
    let r = lead
        .post(
            &format!("/admin/organisations/{org}/second-factor"),
            &[("required", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        t.audit_has(
            "second_factor_requirement_changed",
            "denied",
            Some(t.id("awo.leitung"))
        )
        .await
    );
    let mut admin = t.login("admin").await;
    admin
        .get(&format!("/admin/organisations/{org}"))
        .await
        .assert_contains("Zweiten Faktor für alle Beschäftigten verlangen");
    let r = admin
        .post(
            &format!("/admin/organisations/{org}/second-factor"),
            &[("required", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM second_factor_required WHERE organisation_id = {org}"
        ))
        .await,
        1
    );
    let bad = admin
        .post(
            &format!("/admin/organisations/{org}/second-factor"),
            &[("required", "maybe")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The next login of the organisation's staff sets the factor up first.
    let mut im = password_step(&t, "awo.im2").await;
    let page = im.get("/login/second-factor").await;
    page.assert_contains("Zweiten Faktor einrichten");
    page.assert_contains("<svg");
    let secret = secret_of(&page);
    // Shown again: the same secret until it is confirmed.
    assert_eq!(secret_of(&im.get("/login/second-factor").await), secret);
    let done = im
        .post("/login/second-factor", &[("code", &now_code(&t, &secret))])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(codes_of(&done).len(), 10);
    assert!(im.session_cookie().is_some());
    assert_eq!(im.get("/").await.status, StatusCode::OK);
    assert!(
        t.audit_has("second_factor_enrolled", "allowed", Some(t.id("awo.im2")))
            .await
    );
    // Required: it cannot be removed by its holder.
    let r = im
        .post(
            "/account/second-factor/remove",
            &[("remove_code", "000000")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // A team lead cannot reset it; the administrator can (never their own), which ends the
    // person's sessions.
    let r = lead
        .post(
            &format!("/admin/staff/{}/second-factor/reset", t.id("awo.im2")),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(t.count("second_factors").await, 1);
    admin
        .get(&format!("/admin/staff/{}", t.id("awo.im2")))
        .await
        .assert_contains("Zweiten Faktor zurücksetzen");
    let r = admin
        .post(
            &format!("/admin/staff/{}/second-factor/reset", t.id("awo.im2")),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("second_factors").await, 0);
    assert_eq!(t.count("recovery_codes").await, 0);
    let r = im.get("/").await;
    assert_eq!(r.location(), "/login");
    assert!(
        t.audit_has("second_factor_reset", "allowed", Some(t.id("admin")))
            .await
    );
    let own = admin
        .post(
            &format!("/admin/staff/{}/second-factor/reset", t.id("admin")),
            &[],
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    // Set up in the old session while a setup at login is pending: the password alone never
    // replaces it; the pending login starts again.
    let mut pending = password_step(&t, "awo.im1").await;
    pending
        .get("/login/second-factor")
        .await
        .assert_contains("Zweiten Faktor einrichten");
    let r = early.post("/account/second-factor/setup", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let secret = secret_of(&early.get("/account/second-factor").await);
    let r = early
        .post(
            "/account/second-factor/confirm",
            &[("code", &now_code(&t, &secret))],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = pending.get("/login/second-factor").await;
    assert_eq!(r.location(), "/login");
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) AS n FROM second_factors WHERE staff_id = {} AND confirmed_at IS NOT \
             NULL",
            t.id("awo.im1")
        ))
        .await,
        1
    );

    // Not required any more: the password alone logs in those without a factor.
    let r = admin
        .post(&format!("/admin/organisations/{org}/second-factor"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.login("awo.im2").await;
}
