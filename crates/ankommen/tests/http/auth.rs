//! Login, logout, session rotation, timeouts, throttling, CSRF, and changes that take effect on the
//! very next request.

use axum::http::StatusCode;
use chrono::Duration;

use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn login_opens_a_session_and_shows_the_start_page() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let page = c.get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("<html lang=\"de\"");
    page.assert_contains("Benutzername");
    let r = c.login("admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/");
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("ankommen_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain-http test deployment must not mark cookies Secure: {cookie}"
    );
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    home.assert_contains("Sabine Adler");
    home.assert_contains("href=\"/admin\"");
    assert!(t.audit_has("login", "allowed", Some(t.id("admin"))).await);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let wrong = c.login("admin", "not the password").await;
    let mut c2 = t.client_from("192.0.2.11");
    let unknown = c2.login("nobody.here", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    wrong.assert_contains("Benutzername oder Passwort ist falsch.");
    unknown.assert_contains("Benutzername oder Passwort ist falsch.");
    // The typed user name is kept, the password never sent back.
    wrong.assert_contains("value=\"admin\"");
    assert!(!wrong.body.contains("not the password"));
    assert!(c.session_cookie().is_none());
    let audit = t.audit().await;
    assert!(audit.iter().any(|(a, o, who, _, id)| a == "login_failed"
        && o == "denied"
        && *who == Some(t.id("admin"))
        && id.is_some()));
    // For an unknown account nothing identifying is stored (not even the typed name).
    assert!(
        audit
            .iter()
            .any(|(a, _, who, kind, _)| a == "login_failed" && who.is_none() && kind.is_none())
    );
}

#[tokio::test]
async fn login_rotates_the_session_id_and_logout_kills_it_server_side() {
    let t = TestApp::new().await;
    let mut c = t.login("awo.im1").await;
    let first = c.session_cookie().unwrap();
    // Logging in again while presenting the old session replaces it.
    let r = c.login("awo.im1", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let second = c.session_cookie().unwrap();
    assert_ne!(first, second);
    let mut stale = t.client();
    stale.cookies.insert("ankommen_session".into(), first);
    assert_eq!(stale.get("/").await.status, StatusCode::SEE_OTHER);
    // Logout: the server forgets the session, so a copied cookie no longer works either.
    let mut copy = t.client();
    copy.cookies
        .insert("ankommen_session".into(), second.clone());
    assert_eq!(copy.get("/").await.status, StatusCode::OK);
    let out = c.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login");
    assert_eq!(copy.get("/").await.location(), "/login");
    assert!(
        t.audit_has("logout", "allowed", Some(t.id("awo.im1")))
            .await
    );
    assert_eq!(t.count("sessions").await, 0);
}

#[tokio::test]
async fn idle_timeout_ends_a_session_activity_keeps_it() {
    let t = TestApp::new().await;
    let mut c = t.login("caritas.im").await;
    t.clock.advance(Duration::minutes(29));
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    t.clock.advance(Duration::minutes(29));
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    t.clock.advance(Duration::minutes(31));
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
    assert_eq!(t.count("sessions").await, 0);
}

#[tokio::test]
async fn absolute_timeout_ends_even_an_active_session() {
    let t = TestApp::new().await;
    let mut c = t.login("caritas.im").await;
    for _ in 0..23 {
        t.clock.advance(Duration::minutes(25));
        assert_eq!(c.get("/").await.status, StatusCode::OK);
    }
    // 23 × 25 min = 9 h 35 min; the 10-hour limit falls within the next 25 minutes.
    t.clock.advance(Duration::minutes(25));
    assert_eq!(c.get("/").await.location(), "/login");
}

#[tokio::test]
async fn timed_out_session_shows_a_notice_on_the_login_page() {
    let t = TestApp::new().await;
    let mut c = t.login("caritas.im").await;
    t.clock.advance(Duration::minutes(45));
    let r = c.get("/login").await;
    r.assert_contains("Ihre Sitzung ist abgelaufen");
    assert!(
        c.session_cookie().is_none(),
        "the dead session cookie is cleared"
    );
}

#[tokio::test]
async fn guessing_is_throttled_per_address_without_locking_the_account_out() {
    let t = TestApp::new().await;
    let mut attacker = t.client_from("203.0.113.5");
    for _ in 0..5 {
        assert_eq!(
            attacker.login("awo.im2", "guess guess guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused from this address, with a clear message.
    let r = attacker.login("awo.im2", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    r.assert_contains("Zu viele fehlgeschlagene Anmeldungen");
    assert!(attacker.session_cookie().is_none());
    assert!(t.audit_has("login_throttled", "denied", None).await);
    // The person in the office (another address) is not locked out.
    let mut office = t.client_from("192.0.2.77");
    assert_eq!(
        office.login("awo.im2", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // After the block the attacker's address may try again.
    t.clock.advance(Duration::minutes(16));
    assert_eq!(
        attacker.login("awo.im2", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn one_address_spraying_many_accounts_is_throttled() {
    let t = TestApp::new().await;
    let mut c = t.client_from("203.0.113.9");
    for i in 0..50 {
        let r = c.login(&format!("user{i}"), "guess guess guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(
        c.login("admin", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        t.client_from("192.0.2.1")
            .login("admin", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn state_changing_requests_need_the_csrf_token() {
    let t = TestApp::new().await;
    // Login form without a token.
    let mut c = t.client();
    c.get("/login").await;
    let r = c
        .post_raw("/login", &[("username", "admin"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    r.assert_contains("Sicherheitsprüfung fehlgeschlagen");
    assert!(c.session_cookie().is_none());
    // Logged in, with a wrong token: nothing is created.
    let mut admin = t.login("admin").await;
    let before = t.count("organisations").await;
    let r = admin
        .post_raw(
            "/admin/organisations",
            &[
                ("_csrf", "0".repeat(64).as_str()),
                ("name", "Evil e.V."),
                ("kind", "provider"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.count("organisations").await, before);
    // The pre-login token does not work for a session.
    let mut fresh = t.client();
    fresh.get("/login").await;
    let pre = fresh.csrf.clone().unwrap();
    let r = admin
        .post_raw(
            "/admin/organisations",
            &[
                ("_csrf", pre.as_str()),
                ("name", "Evil e.V."),
                ("kind", "provider"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // With the right token it works.
    let r = admin
        .post(
            "/admin/organisations",
            &[("name", "Diakonie Neckartal"), ("kind", "provider")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count("organisations").await, before + 1);
}

#[tokio::test]
async fn deactivation_and_role_changes_apply_on_the_next_request() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im1").await;
    let mut awo_admin = t.login("awo.admin").await;
    assert_eq!(awo_admin.get("/admin").await.status, StatusCode::OK);
    let mut county = t.login("admin").await;

    // Deactivate the IM.
    let id = t.id("awo.im1");
    let form = county.get(&format!("/admin/staff/{id}")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Ahmad Karimi");
    let awo = t.id("awo.admin");
    let person = ankommen_core::administration::staff::get(&t.db, &ctx(&t, "admin").await, id)
        .await
        .unwrap();
    let org_id = person.person.organisation_id.to_string();
    let team_id = person.person.team_id.unwrap().to_string();
    let version = person.person.version.to_string();
    let r = county
        .post(
            &format!("/admin/staff/{id}"),
            &[
                ("display_name", "Ahmad Karimi"),
                ("username", "awo.im1"),
                ("organisation_id", &org_id),
                ("team_id", &team_id),
                ("roles", "im"),
                ("municipalities", "08990002"),
                ("locale", "de"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(im.get("/").await.location(), "/login");
    assert_eq!(
        im.login("awo.im1", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        t.audit_has("staff_deactivated", "allowed", Some(t.id("admin")))
            .await
    );

    // Take the administrator role away from AWO's administrator.
    let p = ankommen_core::administration::staff::get(&t.db, &ctx(&t, "admin").await, awo)
        .await
        .unwrap();
    let r = county
        .post(
            &format!("/admin/staff/{awo}"),
            &[
                ("display_name", "Thomas Berger"),
                ("username", "awo.admin"),
                ("organisation_id", &p.person.organisation_id.to_string()),
                ("roles", "team_lead"),
                ("locale", "de"),
                ("active", "on"),
                ("version", &p.person.version.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(awo_admin.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert!(!awo_admin.get("/").await.body.contains("href=\"/admin\""));
}

/// A core context for a demo user (to read fixtures' versions the way the UI does).
pub async fn ctx(t: &TestApp, username: &str) -> ankommen_core::Ctx {
    let actor = ankommen_core::administration::sessions::load_actor(t.db.reader(), t.id(username))
        .await
        .unwrap()
        .unwrap();
    ankommen_core::Ctx {
        actor,
        clock: std::sync::Arc::new(t.clock.clone()),
        request_id: None,
    }
}

#[tokio::test]
async fn people_see_and_end_their_own_sessions() {
    let t = TestApp::new().await;
    let mut laptop = t.login("caritas.leitung").await;
    let mut tablet = t.login("caritas.leitung").await;
    let page = laptop.get("/account/sessions").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("/end\"").count(), 2, "{}", page.body);
    page.assert_contains("diese Sitzung");
    // End the tablet's session from the laptop.
    let tablet_page = tablet.get("/account/sessions").await;
    let mine = |body: &str| -> String {
        let row = body
            .split("<tr>")
            .find(|r| r.contains("diese Sitzung"))
            .unwrap()
            .to_string();
        row.split("/account/sessions/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string()
    };
    let tablet_id = mine(&tablet_page.body);
    let r = laptop
        .post(&format!("/account/sessions/{tablet_id}/end"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(tablet.get("/").await.location(), "/login");
    assert_eq!(laptop.get("/").await.status, StatusCode::OK);
    // Someone else's session cannot be ended: it answers like a missing one.
    let mut other = t.login("caritas.im").await;
    let other_id = mine(&other.get("/account/sessions").await.body);
    let r = laptop
        .post(&format!("/account/sessions/{other_id}/end"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/").await.status, StatusCode::OK);
    assert!(
        t.audit_has("session_ended", "denied", Some(t.id("caritas.leitung")))
            .await
    );
}

#[tokio::test]
async fn a_person_can_switch_the_interface_to_english() {
    let t = TestApp::new().await;
    let mut c = t.login("awo.im2").await;
    let r = c.post("/account/language", &[("locale", "en")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let home = c.get("/").await;
    home.assert_contains("<html lang=\"en\"");
    home.assert_contains("Log out");
    let r = c.post("/account/language", &[("locale", "xx")]).await;
    // Invalid input answers 422 everywhere (`error::status_of`).
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Before login, the language can be chosen too.
    let mut anon = t.client();
    anon.get("/language/en").await;
    anon.get("/login").await.assert_contains("User name");
}

#[tokio::test]
async fn password_change_needs_the_current_password_and_ends_other_sessions() {
    let t = TestApp::new().await;
    let mut a = t.login("talheim.im").await;
    let mut b = t.login("talheim.im").await;
    a.get("/account").await;
    let r = a
        .post(
            "/account/password",
            &[
                ("current_password", "wrong wrong"),
                ("new_password", "ein neuer langer Satz"),
                ("new_password_confirm", "ein neuer langer Satz"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Das aktuelle Passwort ist falsch.");
    let r = a
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "kurz"),
                ("new_password_confirm", "kurz"),
            ],
        )
        .await;
    r.assert_contains("mindestens 12 Zeichen");
    let r = a
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "ein neuer langer Satz"),
                ("new_password_confirm", "ein neuer langer Satz"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(a.get("/").await.status, StatusCode::OK);
    assert_eq!(b.get("/").await.location(), "/login");
    assert_eq!(
        t.client()
            .login("talheim.im", "ein neuer langer Satz")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

/// Issue 21: every attempt is counted before its password is verified, so a burst of parallel
/// guesses at one account from one address is verified no more often than the limit (the rest
/// are refused unchecked, or turned away while the hashing slots are full), and no more hashes
/// run at once than the machine has cores.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_parallel_guesses_is_verified_no_more_often_than_the_limit() {
    use ankommen_core::administration::auth::{PAIR_LIMIT, hashing_peak};
    let t = TestApp::new().await;
    let before = t.count("audit_events").await;
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let mut c = t.client_from("203.0.113.40");
            tokio::spawn(async move { c.login("awo.im2", "guess guess guess").await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let wrong = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert!(wrong >= 1, "{statuses:?}");
    assert!(wrong <= PAIR_LIMIT as usize, "{wrong} guesses verified");
    assert!(
        statuses.iter().all(|s| [
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::SERVICE_UNAVAILABLE
        ]
        .contains(s)),
        "{statuses:?}"
    );
    let failed = t
        .audit()
        .await
        .iter()
        .filter(|(action, ..)| action == "login_failed")
        .count();
    assert_eq!(failed, wrong);
    assert!(t.count("audit_events").await > before);
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(hashing_peak() <= cores, "{} hashes at once", hashing_peak());
}

/// Guesses at one account from many addresses slow every further attempt at it by a growing
/// delay, but never lock the person out.
#[tokio::test]
async fn guesses_from_anywhere_slow_the_account_but_never_lock_it() {
    let t = TestApp::new().await;
    for i in 0..6 {
        let mut c = t.client_from(&format!("198.51.100.{i}"));
        assert_eq!(
            c.login("awo.im2", "guess guess guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let slowed = t.clock.paused();
    assert!(
        slowed >= std::time::Duration::from_millis(250 + 500),
        "{slowed:?}"
    );
    // The person, from the office, gets in (after a longer wait still).
    let mut office = t.client_from("192.0.2.77");
    assert_eq!(
        office.login("awo.im2", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(t.clock.paused() > slowed);
    // A success starts the account afresh: the next login waits no longer.
    let settled = t.clock.paused();
    assert_eq!(
        t.client_from("192.0.2.78")
            .login("awo.im2", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(t.clock.paused(), settled);
}

/// An IPv6 host has a whole /64 to itself: its addresses count as one.
#[tokio::test]
async fn ipv6_addresses_are_counted_per_64_network() {
    let t = TestApp::new().await;
    for i in 1..=5 {
        let mut c = t.client_from(&format!("[2001:db8:1:2::{i}]"));
        assert_eq!(
            c.login("awo.im2", "guess guess guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let mut next = t.client_from("[2001:db8:1:2:ffff::9]");
    assert_eq!(
        next.login("awo.im2", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another network is not affected.
    let mut other = t.client_from("[2001:db8:1:3::1]");
    assert_eq!(
        other.login("awo.im2", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

/// Changing one's password is throttled like a login: a stolen session cannot guess the current
/// password at leisure.
#[tokio::test]
async fn password_change_attempts_are_throttled_like_logins() {
    let t = TestApp::new().await;
    let mut im = t.login("awo.im2").await;
    let attempt = |current: &'static str| {
        [
            ("current_password", current),
            ("new_password", "ein neuer langer Satz"),
            ("new_password_confirm", "ein neuer langer Satz"),
        ]
    };
    for _ in 0..5 {
        let r = im.post("/account/password", &attempt("wrong wrong")).await;
        r.assert_contains("Das aktuelle Passwort ist falsch.");
    }
    // The sixth attempt is refused unchecked, even with the right password.
    let r = im.post("/account/password", &attempt(PASSWORD)).await;
    r.assert_contains("Zu viele Versuche mit dem aktuellen Passwort.");
    assert_eq!(
        t.client().login("awo.im2", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "the password was not changed"
    );
    t.clock.advance(Duration::minutes(16));
    let r = im.post("/account/password", &attempt(PASSWORD)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
