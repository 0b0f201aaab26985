//! Static assets, embedded in the binary (no CDN, ever). htmx is vendored at a pinned version.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The pinned htmx release (from the npm package `htmx.org`).
pub const HTMX_VERSION: &str = "2.0.7";

const CSS: &str = include_str!("../assets/app.css");
const HTMX: &str = include_str!("../assets/htmx-2.0.7.min.js");

/// Asset names carry the crate version so that browsers may cache them for long.
pub const CSS_PATH: &str = concat!("/static/app-", env!("CARGO_PKG_VERSION"), ".css");
pub const HTMX_PATH: &str = "/static/htmx-2.0.7.min.js";

pub async fn serve(Path(file): Path<String>) -> Response {
    let (body, mime) = if format!("/static/{file}") == CSS_PATH {
        (CSS, "text/css; charset=utf-8")
    } else if format!("/static/{file}") == HTMX_PATH {
        (HTMX, "text/javascript; charset=utf-8")
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    r
}
