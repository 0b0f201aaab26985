//! Issue 29 (first part): the figures read from the database match what was recorded through the
//! services, on both databases; the operator's read is audited.

use ankommen_core::Clock;
use ankommen_core::casework::figures::{self, Question};

use crate::fixtures::register_named;
use crate::support::TestApp;

#[tokio::test]
async fn the_figures_count_what_was_recorded_and_the_read_is_audited() {
    let t = TestApp::new().await;
    let today = t.clock.now().date_naive();
    let at = |t: &TestApp| {
        let db = t.db.clone();
        let now = t.clock.now();
        async move {
            figures::for_operator(&db, now, Question::At(today), None)
                .await
                .unwrap()
        }
    };
    let before = at(&t).await;
    register_named(&t, "awo.im1", "Adult", "Person", None, "1990").await;
    register_named(&t, "awo.im1", "Minor", "Person", None, "2015").await;
    let after = at(&t).await;
    let n = |v: &serde_json::Value, path: &[&str]| {
        path.iter()
            .fold(v, |v, k| &v[*k])
            .as_u64()
            .unwrap_or_default()
    };
    let total = |p: &[&str]| {
        let mut path = vec!["at", "total"];
        path.extend_from_slice(p);
        (n(&before, &path), n(&after, &path))
    };
    let (b, a) = total(&["cases_active"]);
    assert_eq!(a, b + 2, "{after}");
    let (b, a) = total(&["persons_served", "adults"]);
    assert_eq!(a, b + 1);
    let (b, a) = total(&["persons_served", "minors"]);
    assert_eq!(a, b + 1);
    // The IM's row counts the two new cases.
    let im = t.id("awo.im1").to_string();
    let row = |v: &serde_json::Value| n(v, &["at", "by_im", im.as_str(), "cases_active"]);
    assert_eq!(row(&after), row(&before) + 2);
    assert_eq!(
        after["at"]["by_im"][im.as_str()]["display_name"],
        "Ahmad Karimi"
    );
    // No names of clients in the figures.
    assert!(!after.to_string().contains("Adult Person"));
    assert!(t.audit_has("figures_computed", "allowed", None).await);
}
