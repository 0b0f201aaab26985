//! Ids in paths: a malformed id (not a number, not positive, a fraction, too large) answers exactly
//! like a missing record — 404 with the error page in the user's language — on every kind of route,
//! with one id or several, for reading and for changing.

use axum::http::StatusCode;

use crate::fixtures;
use crate::support::{Client, Resp, TestApp};

/// Ids that are no record's id.
const MALFORMED: [&str; 6] = ["abc", "-1", "0", "1.5", "99999999999999999999", "%20"];

/// A well-formed id that no record has.
const MISSING: &str = "999999999";

#[track_caller]
fn assert_not_found_page(r: &Resp, what: &str, title: &str) {
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{what}: {}", r.body);
    assert!(
        r.header("content-type").starts_with("text/html"),
        "{what}: {}",
        r.header("content-type")
    );
    // The layout's page with the message and the reference, not axum's plain-text rejection.
    assert!(r.body.starts_with("<!doctype html>"), "{what}: {}", r.body);
    assert!(
        r.body.contains(&format!("<h1>{title}</h1>")),
        "{what}: {}",
        r.body
    );
    assert!(
        r.body
            .contains(&format!("<code>{}</code> (404)", r.header("x-request-id"))),
        "{what}: {}",
        r.body
    );
}

/// Each route with `{}` standing for the id under test; the other ids are real.
async fn check(c: &mut Client, gets: &[String], posts: &[String], title: &str) {
    for route in gets {
        let missing = c.get(&route.replacen("{}", MISSING, 1)).await;
        assert_not_found_page(&missing, &format!("GET {route} ({MISSING})"), title);
        for bad in MALFORMED {
            let r = c.get(&route.replacen("{}", bad, 1)).await;
            assert_not_found_page(&r, &format!("GET {route} ({bad})"), title);
            // Exactly like the missing record: the same page, only the reference differs.
            assert_eq!(
                r.body.replace(r.header("x-request-id"), "REF"),
                missing.body.replace(missing.header("x-request-id"), "REF"),
                "GET {route} ({bad})"
            );
        }
    }
    for route in posts {
        for bad in MALFORMED {
            let r = c
                .post(&route.replacen("{}", bad, 1), &[("version", "1")])
                .await;
            assert_not_found_page(&r, &format!("POST {route} ({bad})"), title);
        }
    }
}

#[tokio::test]
async fn a_malformed_id_answers_like_a_missing_record_on_every_kind_of_route() {
    let t = TestApp::new().await;
    // With a consent: the plan's routes answer for the ids, not for a missing consent.
    let p = fixtures::register_consenting(&t, "awo.im1", "Samira", "Haddad", None, "1990").await;
    let (person, case) = (p.person_id, p.case_id);
    let mut im = t.login("awo.im1").await;

    let gets: Vec<String> = [
        "/clients/{}",
        "/clients/{}/edit",
        "/clients/{}/intake",
        "/clients/{}/outcomes",
        "/clients/{}/forms",
        "/households/{}",
        "/consents/{}",
        "/documents/{}",
        "/releases/{}",
        "/releases/{}/form",
        "/outcomes/{}",
        "/contacts/{}",
        "/cases/{}",
        "/cases/{}/timeline",
        "/cases/{}/plan",
        "/cases/{}/plan/print",
        "/cases/{}/referrals/new",
        "/cases/{}/courses/new",
        "/services/{}",
        "/meetings/{}",
        "/meetings/{}/edit",
        "/cases/{}/volunteers/new",
        "/volunteers/{}",
        "/volunteer-matches/{}/sheet",
        "/referrals/{}/letter",
        "/cases/{}/appointments/new",
        "/appointments/{}",
        "/appointments/{}/contact",
        "/appointments/{}/letter",
        "/rooms/{}",
        "/office-hours/{}",
        "/appointments/{}/ics",
    ]
    .into_iter()
    .map(String::from)
    .chain([
        // Pairs: the first id malformed, then the second.
        "/cases/{}/plan/goals/1".to_string(),
        format!("/cases/{case}/plan/goals/{{}}"),
        format!("/cases/{case}/plan/steps/{{}}"),
        format!("/cases/{case}/plan/versions/{{}}"),
        format!("/cases/{case}/plan/versions/{{}}/scan"),
        "/cases/{}/handover/1".to_string(),
        format!("/cases/{case}/handover/{{}}"),
    ])
    .collect();
    let posts: Vec<String> = [
        "/clients/{}/edit",
        "/clients/{}/intake",
        "/clients/{}/health/open",
        "/clients/{}/members",
        "/clients/{}/outcomes",
        "/clients/{}/releases",
        "/consents/{}/withdraw",
        "/releases/{}/revoke",
        "/outcomes/{}/delete",
        "/contacts/{}",
        "/followups/{}/done",
        "/followups/{}/move",
        "/cases/{}/pause",
        "/cases/{}/handover-seen",
        "/cases/{}/contacts/new",
        "/cases/{}/followups",
        "/cases/{}/plan/goals",
        "/cases/{}/plan/freeze",
        "/cases/filters/{}/delete",
        "/cases/{}/referrals/new",
        "/referrals/{}/result",
        "/cases/{}/courses/new",
        "/courses/{}/status",
        "/meetings/{}/edit",
        "/meetings/{}/questions",
        "/services/{}",
        "/services/{}/delete",
        "/cases/{}/volunteers/new",
        "/volunteers/{}",
        "/volunteers/{}/delete",
        "/volunteer-matches/{}/end",
        "/cases/{}/appointments/new",
        "/appointments/{}/move",
        "/appointments/{}/cancel",
        "/appointments/{}/missed",
        "/appointments/{}/contact",
        "/appointments/{}/letter",
        "/rooms/{}",
        "/office-hours/{}",
        "/office-hours/{}/days-off",
        "/office-hours/{}/days-off/1/remove",
        "/office-hours/1/days-off/{}/remove",
    ]
    .into_iter()
    .map(String::from)
    .chain([
        format!("/cases/{case}/plan/goals/{{}}"),
        format!("/cases/{case}/plan/goals/{{}}/steps"),
        format!("/cases/{case}/plan/steps/{{}}"),
        "/cases/{}/plan/goals/1/steps".to_string(),
    ])
    .collect();
    check(&mut im, &gets, &posts, "Nicht gefunden").await;
    // The client's own record still answers (the real ids above were real).
    assert_eq!(
        im.get(&format!("/clients/{person}")).await.status,
        StatusCode::OK
    );

    // Administration, in English: the page is in the user's language.
    let mut admin = t.login("admin").await;
    admin.get("/account").await;
    let r = admin.post("/account/language", &[("locale", "en")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Where the browser would go next; it shows (and ends) the flash message.
    admin.get(r.location()).await;
    let gets: Vec<String> = [
        "/admin/staff/{}",
        "/admin/organisations/{}",
        "/admin/teams/{}",
        "/admin/fields/{}",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let posts: Vec<String> = [
        "/admin/staff/{}",
        "/admin/staff/{}/setup-link",
        "/admin/staff/{}/second-factor/reset",
        "/admin/organisations/{}",
        "/admin/organisations/{}/second-factor",
        "/admin/organisations/{}/teams",
        "/admin/teams/{}",
        "/admin/fields/{}",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    check(&mut admin, &gets, &posts, "Not found").await;

    // The data-protection officer's lookup of one person.
    let mut dpo = t.login("datenschutz").await;
    check(
        &mut dpo,
        &[],
        &["/privacy/persons/{}".to_string()],
        "Nicht gefunden",
    )
    .await;
}
