//! Security headers, health and readiness, request ids.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let t = TestApp::new().await;
    let mut c = t.login("admin").await;
    for path in ["/login", "/", "/admin", "/does-not-exist", "/healthz"] {
        let r = c.get(path).await;
        let csp = r.header("content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}"
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(r.header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(r.header("cache-control"), "no-store", "{path}");
        assert_eq!(r.header("x-request-id").len(), 24, "{path}");
    }
    let css = c.get(ankommen_web::assets::CSS_PATH).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("cache-control").contains("immutable"));
    assert!(css.header("content-type").starts_with("text/css"));
    let js = c.get(ankommen_web::assets::HTMX_PATH).await;
    assert!(js.body.contains("htmx"));
    let nf = c.get("/does-not-exist").await;
    assert_eq!(nf.status, StatusCode::NOT_FOUND);
    nf.assert_contains("Nicht gefunden");
    nf.assert_contains(nf.header("x-request-id"));
}

#[tokio::test]
async fn health_and_readiness() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let h = c.get("/healthz").await;
    assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, "ok"));
    let r = c.get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ready"));
    // Not ready once the database is gone.
    t.db.clone().close().await;
    assert_eq!(
        c.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Liveness does not depend on the database.
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn pages_behind_the_login_redirect_to_it() {
    let t = TestApp::new().await;
    let mut c = t.client();
    for path in [
        "/",
        "/admin",
        "/admin/staff",
        "/audit",
        "/account",
        "/account/sessions",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location(), "/login", "{path}");
    }
}
