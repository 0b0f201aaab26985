//! `/metrics` (decision 0037): hidden without its token, counts by route pattern, and never a
//! person's id, name or a concrete path in a label.

use ankommen_store::Backend;
use ankommen_web::WebConfig;
use ankommen_web::metrics::{MetricsToken, metrics_router};
use axum::http::StatusCode;

use crate::fixtures::register_named;
use crate::support::{Client, PASSWORD, TestApp};

const TOKEN: &str = "0123456789abcdef0123456789abcdef-metrics";

fn with_token() -> WebConfig {
    WebConfig {
        metrics_token: Some(MetricsToken::new(TOKEN).unwrap()),
        ..WebConfig::default()
    }
}

async fn scrape(c: &mut Client) -> String {
    let r = c
        .get_with("/metrics", &[("authorization", &format!("Bearer {TOKEN}"))])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.header("content-type")
            .starts_with("text/plain; version=0.0.4")
    );
    r.body
}

/// The value of the series that is exactly `series` (name and labels as written), if present.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.parse().unwrap())
}

fn must(text: &str, series: &str) -> f64 {
    value(text, series).unwrap_or_else(|| panic!("no series {series} in:\n{text}"))
}

/// Every label of every series as (name, value).
fn labels(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((_, rest)) = line.split_once('{') else {
            continue;
        };
        let (inner, _) = rest.rsplit_once('}').unwrap();
        let mut rest = inner;
        while let Some((name, after)) = rest.split_once("=\"") {
            let end = after.find('"').unwrap();
            out.push((
                name.trim_start_matches(',').to_string(),
                after[..end].to_string(),
            ));
            rest = &after[end + 1..];
        }
    }
    out
}

fn requests(route: &str, method: &str, status: &str) -> String {
    format!(
        "ankommen_http_request_duration_seconds_count{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}}"
    )
}

/// Without a configured token `/metrics` is a path like any missing one; with one, only the
/// right bearer token opens it (a wrong one, another scheme or a signed-in person's session do
/// not).
#[tokio::test]
async fn metrics_are_not_found_without_their_token() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let missing = c.get("/no-such-page").await;
    let hidden = c
        .get_with("/metrics", &[("authorization", &format!("Bearer {TOKEN}"))])
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    // The same page apart from the request's reference.
    assert_eq!(
        hidden.body.replace(hidden.header("x-request-id"), "REF"),
        missing.body.replace(missing.header("x-request-id"), "REF")
    );

    let app = ankommen_web::router(t.state_with(with_token()));
    let mut c = t.client_of(app.clone());
    for auth in [
        None,
        Some(format!("Bearer {TOKEN}x")),
        Some(format!("Bearer {}", &TOKEN[..TOKEN.len() - 1])),
        Some(format!("Basic {TOKEN}")),
        Some(TOKEN.to_string()),
    ] {
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let r = c.get_with("/metrics", &headers).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{auth:?}");
        assert!(!r.body.contains("ankommen_"), "{auth:?}");
    }
    let mut admin = t.client_of(app);
    admin.login("admin", PASSWORD).await;
    assert_eq!(admin.get("/metrics").await.status, StatusCode::NOT_FOUND);
    assert!(
        scrape(&mut admin)
            .await
            .contains("ankommen_sessions_active 1\n")
    );
}

/// Requests about a client are counted under their route patterns, exactly as many as were
/// made; no label holds an id, a name or a query; the database and session series are there
/// with plausible values.
#[tokio::test]
async fn a_scrape_counts_by_route_pattern_and_names_no_one() {
    let t = TestApp::new().await;
    let client = register_named(&t, "awo.im1", "Zuleika", "Metrikowa", None, "1987").await;
    let app = ankommen_web::router(t.state_with(with_token()));
    let mut c = t.client_of(app.clone());
    c.login("awo.im1", PASSWORD).await;
    let before = scrape(&mut c).await;
    assert_eq!(
        value(&before, &requests("/clients/{id}", "GET", "2xx")),
        None
    );

    let person = format!("/clients/{}", client.person_id);
    let case = format!("/cases/{}", client.case_id);
    for _ in 0..3 {
        let r = c.get(&person).await;
        assert_eq!(r.status, StatusCode::OK);
        r.assert_contains("Metrikowa");
    }
    assert_eq!(c.get(&case).await.status, StatusCode::OK);
    assert_eq!(c.get("/cases?q=Metrikowa").await.status, StatusCode::OK);
    assert_eq!(
        c.get(&format!("/no-such-page/{}", client.person_id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut other = t.client_of(app);
    other.login("caritas.im", PASSWORD).await;
    // A client of another organisation: refused like a missing record.
    assert_eq!(other.get(&person).await.status, StatusCode::NOT_FOUND);

    let text = scrape(&mut c).await;
    assert_eq!(must(&text, &requests("/clients/{id}", "GET", "2xx")), 3.0);
    assert_eq!(must(&text, &requests("/clients/{id}", "GET", "4xx")), 1.0);
    assert_eq!(must(&text, &requests("/cases/{id}", "GET", "2xx")), 1.0);
    assert_eq!(must(&text, &requests("/cases", "GET", "2xx")), 1.0);
    assert_eq!(must(&text, &requests("unmatched", "GET", "4xx")), 1.0);
    // The first scrape is counted once it was answered (and the second when it is).
    assert_eq!(must(&text, &requests("/metrics", "GET", "2xx")), 1.0);
    // Two signed in: awo.im1 and caritas.im.
    assert_eq!(must(&text, "ankommen_sessions_active"), 2.0);
    let le = |q: &str| {
        must(
            &text,
            &format!(
                "ankommen_http_request_duration_seconds_bucket{{route=\"/clients/{{id}}\",method=\"GET\",status=\"2xx\",le=\"{q}\"}}"
            ),
        )
    };
    assert_eq!(le("+Inf"), 3.0);
    assert!(le("0.005") <= le("30"));

    // No person's data: no id in any label, no concrete path, no query, no name.
    for (name, v) in labels(&text) {
        match name.as_str() {
            "le" => assert!(v == "+Inf" || v.parse::<f64>().is_ok(), "le={v}"),
            "status" => assert!(
                ["1xx", "2xx", "3xx", "4xx", "5xx"].contains(&v.as_str()),
                "{v}"
            ),
            _ => {
                assert!(!v.chars().any(|ch| ch.is_ascii_digit()), "{name}={v}");
                assert!(!v.contains('?'), "{name}={v}");
            }
        }
    }
    for secret in [
        person.as_str(),
        case.as_str(),
        "Metrikowa",
        "Zuleika",
        "awo.im1",
        "caritas.im",
        "Ahmad Karimi",
        "Amina Haddad",
        "q=",
    ] {
        assert!(!text.contains(secret), "{secret} in:\n{text}");
    }
    let series: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(['{', ' ']).next().unwrap())
        .collect();
    for id in [client.person_id, client.case_id] {
        assert!(
            !series.iter().any(|s| s.contains(&id.to_string())),
            "{id} in a metric's name"
        );
    }

    // The database: the pools, and the transactions the requests waited for.
    let pools: &[(&str, f64)] = match t.db.backend() {
        Backend::Sqlite => &[("writer", 1.0), ("readers", 4.0)],
        Backend::Postgres => &[("main", 4.0)],
    };
    for (pool, max) in pools {
        assert_eq!(
            must(
                &text,
                &format!("ankommen_db_connections_max{{pool=\"{pool}\"}}")
            ),
            *max
        );
        let in_use = must(
            &text,
            &format!("ankommen_db_connections{{pool=\"{pool}\",state=\"in_use\"}}"),
        );
        let idle = must(
            &text,
            &format!("ankommen_db_connections{{pool=\"{pool}\",state=\"idle\"}}"),
        );
        assert!(
            in_use >= 0.0 && idle >= 0.0 && in_use + idle <= *max,
            "{pool}"
        );
    }
    let reads = |text: &str| {
        must(
            text,
            "ankommen_db_transaction_wait_seconds_count{kind=\"audited_read\"}",
        )
    };
    // Each record page is at least one audited read.
    assert!(reads(&text) >= reads(&before) + 3.0);
    assert!(
        must(
            &text,
            "ankommen_db_transaction_wait_seconds_count{kind=\"change\"}"
        ) >= 1.0
    );
    if t.db.backend() == Backend::Sqlite {
        assert_eq!(must(&text, "ankommen_db_writer_queue"), 0.0);
        assert!(must(&text, "ankommen_db_writer_group_commits_total") >= 1.0);
        assert!(must(&text, "ankommen_db_writer_wait_seconds_count") >= 1.0);
    }
}

/// The separate metrics listener serves `/metrics` without a token, and nothing else; it reads
/// the same metrics as the main listener.
#[tokio::test]
async fn the_metrics_listener_serves_only_metrics() {
    let t = TestApp::new().await;
    let state = t.state_with(WebConfig::default());
    let mut c = t.client_of(ankommen_web::router(state.clone()));
    assert_eq!(c.get("/login").await.status, StatusCode::OK);
    assert_eq!(c.get("/metrics").await.status, StatusCode::NOT_FOUND);
    let mut m = t.client_of(metrics_router(state));
    let r = m.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(must(&r.body, &requests("/login", "GET", "2xx")), 1.0);
    assert_eq!(must(&r.body, &requests("/metrics", "GET", "4xx")), 1.0);
    assert_eq!(must(&r.body, "ankommen_sessions_active"), 0.0);
    for path in ["/", "/login", "/healthz"] {
        assert_eq!(m.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// A background job's runs, failures and last duration, here the upload page's import check.
#[tokio::test]
async fn a_background_job_is_counted() {
    use crate::consent::post_multipart;
    let t = TestApp::new().await;
    let app = ankommen_web::router(t.state_with(with_token()));
    let mut c = t.client_of(app);
    c.login("admin", PASSWORD).await;
    c.get("/admin/import").await;
    let file = |text: &str| {
        Some((
            "county.jsonl",
            "application/jsonl",
            text.as_bytes().to_vec(),
        ))
    };
    let r = post_multipart(
        &mut c,
        "/admin/import",
        &[("step", "check")],
        file(crate::import::MINI),
    )
    .await;
    let r = crate::import::report_of(&mut c, r).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let text = scrape(&mut c).await;
    assert_eq!(
        must(&text, "ankommen_job_runs_total{job=\"import_check\"}"),
        1.0
    );
    assert_eq!(
        must(&text, "ankommen_job_failures_total{job=\"import_check\"}"),
        0.0
    );
    assert!(
        must(
            &text,
            "ankommen_job_last_duration_seconds{job=\"import_check\"}"
        ) > 0.0
    );
    assert_eq!(
        value(&text, "ankommen_job_runs_total{job=\"import\"}"),
        None
    );
}
