//! The middleware every request passes: request id, session resolution, CSRF check, security
//! headers, and rendering of error pages in the user's language.

use std::net::{IpAddr, SocketAddr};

use askama::Template;
use axum::body::{Body, to_bytes};
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tracing::Instrument;

use ankommen_core::administration::sessions::{self, Current, Ended};
use ankommen_core::kernel::tokens::{random_id, random_token, same_secret};
use ankommen_core::kernel::types::Locale;

use crate::AppState;
use crate::error::ErrorPage;
use crate::forms::{FormData, MAX_FORM_BYTES};
use crate::page::Page;

pub const LANG_COOKIE: &str = "ankommen_lang";
pub const FLASH_COOKIE: &str = "ankommen_flash";

/// The session cookie's name. With `Secure` cookies the `__Host-` prefix pins it to this host.
pub fn session_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-ankommen_session"
    } else {
        "ankommen_session"
    }
}

/// The CSRF cookie for pages before login (double-submit); after login the session's token is used.
pub fn csrf_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-ankommen_csrf"
    } else {
        "ankommen_csrf"
    }
}

/// What the middleware found out about a request, for extractors and handlers.
#[derive(Clone, Debug, Default)]
pub struct RequestState {
    pub request_id: String,
    pub current: Option<Current>,
    pub token: Option<String>,
    pub ended: Option<Ended>,
    pub csrf: String,
    pub locale: Option<Locale>,
    pub flash: Option<String>,
    pub client_addr: String,
    pub user_agent: String,
}

pub fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The cookie of a login's pending second step (decision 0038): the challenge's token.
pub const CHALLENGE_COOKIE: &str = "ankommen_challenge";

/// One cookie's value from the request's headers.
pub fn cookie_of(headers: &HeaderMap, name: &str) -> Option<String> {
    cookie(&cookies(headers), name).map(str::to_string)
}

fn cookie<'a>(all: &'a [(String, String)], name: &str) -> Option<&'a str> {
    all.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A `Set-Cookie` value. `max_age` None: a browser-session cookie; Some(0): delete.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<i64>,
    http_only: bool,
    secure: bool,
) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; SameSite=Lax");
    if http_only {
        s.push_str("; HttpOnly");
    }
    if secure {
        s.push_str("; Secure");
    }
    if let Some(a) = max_age {
        s.push_str(&format!("; Max-Age={a}"));
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
fn client_addr(req: &Request, state: &AppState) -> String {
    // `MockConnectInfo` is how axum lets tests (and embedders without sockets) supply the peer.
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .or_else(|| {
            req.extensions()
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|m| m.0.ip())
        });
    let Some(peer) = peer else {
        return "unknown".into();
    };
    if !state.config.trusted_proxies.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !state.config.trusted_proxies.contains(ip))
        .copied()
        .unwrap_or(peer)
        .to_string()
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Resolves the session, enforces CSRF on state-changing requests, and renders error pages.
pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let secure = state.config.secure_cookies;
    let jar = cookies(req.headers());
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut rs = RequestState {
        request_id,
        client_addr: client_addr(&req, &state),
        user_agent,
        ..Default::default()
    };
    rs.locale = cookie(&jar, LANG_COOKIE).and_then(|l| Locale::parse(l).ok());
    rs.flash = cookie(&jar, FLASH_COOKIE)
        .filter(|f| f.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        .map(str::to_string);

    if let Some(token) = cookie(&jar, session_cookie(secure)).filter(|t| is_token(t)) {
        match sessions::resolve(
            &state.db,
            state.clock.as_ref(),
            &state.config.session,
            token,
        )
        .await
        {
            Ok(Ok(c)) => {
                rs.current = Some(c);
                rs.token = Some(token.to_string());
            }
            Ok(Err(e)) => rs.ended = Some(e),
            Err(e) => {
                return crate::error::AppError(e)
                    .into_response_with(&rs, &state)
                    .await;
            }
        }
    }
    let pre = cookie(&jar, csrf_cookie(secure))
        .filter(|t| is_token(t))
        .map(str::to_string);
    let mut new_pre = None;
    rs.csrf = match (&rs.current, pre) {
        (Some(c), _) => c.csrf_token.clone(),
        (None, Some(p)) => p,
        (None, None) => {
            let t = random_token().unwrap_or_default();
            new_pre = Some(t.clone());
            t
        }
    };

    let (parts, body) = req.into_parts();
    let mut req = if is_unsafe(&parts.method) {
        let cross_site = parts
            .headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
        // File uploads (multipart) only for signed-in people, and with a larger limit.
        let upload = rs.current.is_some() && is_multipart(&parts.headers);
        let (bytes, truncated) = if upload {
            match read_upload(body).await {
                Some(b) => b,
                None => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
            }
        } else {
            match to_bytes(body, MAX_FORM_BYTES).await {
                Ok(b) => (b, false),
                Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
            }
        };
        let header_token = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let provided = match header_token {
            Some(t) => Some(t),
            None if upload => multipart_csrf(&parts.headers, &bytes).await,
            None => FormData::parse(&bytes).map(|f| f.get("_csrf").to_string()),
        };
        let ok =
            !cross_site && new_pre.is_none() && provided.is_some_and(|p| same_secret(&p, &rs.csrf));
        if !ok {
            tracing::warn!("request refused: CSRF token missing or wrong");
            let e = ErrorPage {
                status: StatusCode::FORBIDDEN,
                message_key: "error-page-csrf",
            };
            return render_error(&e, &rs, &state).await;
        }
        let mut req = Request::from_parts(parts, Body::from(bytes));
        if truncated {
            req.extensions_mut().insert(UploadTruncated);
        }
        req
    } else {
        if rs.current.is_some() && from_another_site(&parts.headers) {
            return crossing_page(&parts.uri, &rs, &state).await;
        }
        Request::from_parts(parts, body)
    };
    req.extensions_mut().insert(rs.clone());
    let mut res = next.run(req).await;

    if let Some(e) = res.extensions().get::<ErrorPage>().cloned() {
        let mut page = render_error(&e, &rs, &state).await;
        for v in res.headers().get_all(header::SET_COOKIE) {
            page.headers_mut().append(header::SET_COOKIE, v.clone());
        }
        res = page;
    }
    let h = res.headers_mut();
    if let Some(t) = new_pre {
        h.append(
            header::SET_COOKIE,
            set_cookie(csrf_cookie(secure), &t, None, true, secure),
        );
    }
    if rs.ended.is_some() {
        h.append(
            header::SET_COOKIE,
            set_cookie(session_cookie(secure), "", Some(0), true, secure),
        );
    }
    if rs.flash.is_some() {
        h.append(
            header::SET_COOKIE,
            set_cookie(FLASH_COOKIE, "", Some(0), true, secure),
        );
    }
    res
}

/// The largest multipart body kept (a scan of at most 10 MiB plus the form's other fields). Upload
/// routes set the same `DefaultBodyLimit`.
pub const MAX_UPLOAD_BYTES: usize = 12 * 1024 * 1024;

/// Beyond [`MAX_UPLOAD_BYTES`] an upload is still read (and thrown away) up to this size, so that the
/// browser receives the form with its error instead of a reset connection. Larger: 413.
const MAX_UPLOAD_DRAIN_BYTES: usize = 64 * 1024 * 1024;

/// Marks a request whose multipart body was cut at [`MAX_UPLOAD_BYTES`]: the handler shows "file too
/// large" and must not store anything.
#[derive(Clone, Copy, Debug)]
pub struct UploadTruncated;

fn is_multipart(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Reads a multipart body: kept up to [`MAX_UPLOAD_BYTES`] (and then flagged as cut), drained up to
/// [`MAX_UPLOAD_DRAIN_BYTES`]; None beyond that or on a broken body.
async fn read_upload(mut body: Body) -> Option<(axum::body::Bytes, bool)> {
    use http_body_util::BodyExt;
    let mut kept: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    let mut truncated = false;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.ok()?.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen > MAX_UPLOAD_DRAIN_BYTES {
            return None;
        }
        if !truncated {
            let room = MAX_UPLOAD_BYTES - kept.len();
            if data.len() <= room {
                kept.extend_from_slice(&data);
            } else {
                kept.extend_from_slice(&data[..room]);
                truncated = true;
            }
        }
    }
    Some((kept.into(), truncated))
}

/// The `_csrf` field of a multipart form. It must come before the first file (forms put it first),
/// so that it is found even in a body cut at the limit, without reading any file.
async fn multipart_csrf(headers: &HeaderMap, bytes: &axum::body::Bytes) -> Option<String> {
    use axum::extract::{FromRequest, Multipart};
    /// The token field is at the start; a prefix suffices (and keeps multer's limits out of play).
    const HEAD: usize = 64 * 1024;
    let ct = headers.get(header::CONTENT_TYPE)?.clone();
    let mut req = Request::new(Body::from(bytes.slice(..bytes.len().min(HEAD))));
    req.headers_mut().insert(header::CONTENT_TYPE, ct);
    let mut mp = Multipart::from_request(req, &()).await.ok()?;
    while let Ok(Some(field)) = mp.next_field().await {
        if field.file_name().is_some() {
            return None;
        }
        if field.name() == Some("_csrf") {
            return field.text().await.ok();
        }
    }
    None
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTpl {
    page: Page,
    message: String,
    reference: String,
    status: u16,
}

/// Whether the browser says the request was started by another site (`Sec-Fetch-Site`): a link
/// or a redirect from elsewhere, or a page of a sibling subdomain. Typed addresses, bookmarks
/// (`none`) and ankommen's own pages (`same-origin`) are not.
fn from_another_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .is_some_and(|v| matches!(v.as_bytes(), b"cross-site" | b"same-site"))
}

#[derive(Template)]
#[template(path = "crossing.html")]
struct CrossingTpl {
    page: Page,
    target: String,
}

/// A signed-in person's page opened from another site is not shown, and nothing is read in their
/// name (no handler runs, so nothing is audited): a page without any person's data asks them to
/// continue, and the link, followed from ankommen itself, opens it. Decision 0002.
async fn crossing_page(uri: &axum::http::Uri, rs: &RequestState, state: &AppState) -> Response {
    let mut page = Page::build(rs, state, String::new());
    page.title = page.t("crossing-title");
    let target = uri
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or("/")
        .to_string();
    match (CrossingTpl { page, target }).render() {
        Ok(html) => (StatusCode::OK, Html(html)).into_response(),
        Err(_) => StatusCode::FORBIDDEN.into_response(),
    }
}

async fn render_error(e: &ErrorPage, rs: &RequestState, state: &AppState) -> Response {
    let mut page = Page::build(rs, state, String::new());
    page.title = page.t(e.message_key);
    let tpl = ErrorTpl {
        message: page.t(&format!("{}-text", e.message_key)),
        reference: rs.request_id.clone(),
        status: e.status.as_u16(),
        page,
    };
    match tpl.render() {
        Ok(html) => (e.status, Html(html)).into_response(),
        Err(_) => e.status.into_response(),
    }
}

/// An error of a page outside the session layer (the public office-hours page) as the error page
/// in the language asked for.
pub(crate) async fn public_error(
    e: crate::error::AppError,
    rs: &RequestState,
    state: &AppState,
) -> Response {
    e.into_response_with(rs, state).await
}

impl crate::error::AppError {
    async fn into_response_with(self, rs: &RequestState, state: &AppState) -> Response {
        let r = self.into_response();
        match r.extensions().get::<ErrorPage>() {
            Some(e) => render_error(e, rs, state).await,
            None => r,
        }
    }
}

/// The request's id: random, set on the response as `X-Request-Id`, written to logs and audit events.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

pub async fn request_id_layer(mut req: Request, next: Next) -> Response {
    let id = random_id().unwrap_or_else(|_| "-".into());
    req.extensions_mut().insert(RequestId(id.clone()));
    let path = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string());
    // Only the route pattern is logged, never the concrete path or query (they may carry search terms).
    let span = tracing::info_span!("request", id = %id, method = %req.method(), route = path.as_deref().unwrap_or("-"));
    let start = std::time::Instant::now();
    // Everything below runs inside the span, so every line it logs (an internal error above all)
    // carries the request id that the error page shows as its reference.
    let mut res = next.run(req).instrument(span.clone()).await;
    let status = res.status().as_u16();
    tracing::info!(parent: &span, status, ms = start.elapsed().as_millis() as u64, "handled");
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Security headers on every response; `no-store` on everything but static assets.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    // A handler may be stricter (the calendar feed: `no-store, private`), never laxer.
    let strict = h
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("no-store"));
    if !is_static && !strict {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
