//! The runner's HTTP side: plain HTTP/1.1 keep-alive connections, logging in as an IM like a
//! browser does, and finding the pages an IM would open.
//!
//! Login is what a browser does: `GET /login` sets the pre-login CSRF cookie, `POST /login` sends
//! it back with the form's `_csrf` field. Only successful logins happen, so the login throttle
//! (which counts failures) never interferes.

use std::collections::BTreeMap;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::SendRequest;
use hyper::{HeaderMap, Method, Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Longest wait for one response.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Cases whose pages a user rotates over (timeline, record).
const MAX_TARGETS: usize = 40;

/// One HTTP/1.1 keep-alive connection.
pub type Connection = SendRequest<Full<Bytes>>;

/// Opens a connection to `authority` (HOST:PORT).
pub async fn connect(authority: &str) -> Result<Connection, String> {
    let stream = TcpStream::connect(authority)
        .await
        .map_err(|e| format!("cannot connect to {authority}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {authority} failed: {e}"))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// `conn` if it is still usable, else a new connection.
pub async fn reuse_or_connect(
    conn: Option<Connection>,
    authority: &str,
) -> Result<Connection, String> {
    if let Some(mut c) = conn
        && c.ready().await.is_ok()
    {
        return Ok(c);
    }
    connect(authority).await
}

/// A request as the runner sends it: `ankommen-bench` as the user agent, the cookies given.
pub fn request(
    method: Method,
    authority: &str,
    path: &str,
    cookies: &str,
    form: Option<String>,
) -> Result<Request<Full<Bytes>>, String> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, authority)
        .header(header::USER_AGENT, "ankommen-bench");
    if !cookies.is_empty() {
        req = req.header(header::COOKIE, cookies);
    }
    let body = match form {
        Some(f) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Full::new(Bytes::from(f))
        }
        None => Full::new(Bytes::new()),
    };
    req.body(body)
        .map_err(|e| format!("cannot build the request: {e}"))
}

/// Why a request on a connection failed, and whether a fresh connection may retry it.
pub struct SendError {
    pub message: String,
    /// The connection was closed before the request went out (e.g. the server's keep-alive ended).
    pub retry: bool,
}

/// Sends a request on a ready connection and reads the whole body, each within
/// [`REQUEST_TIMEOUT`]. On an error the connection must not be used again.
pub async fn exchange(
    conn: &mut Connection,
    req: Request<Full<Bytes>>,
) -> Result<(StatusCode, HeaderMap, Bytes), SendError> {
    let fail = |message: String, retry| SendError { message, retry };
    let res: hyper::Response<Incoming> =
        match tokio::time::timeout(REQUEST_TIMEOUT, conn.send_request(req)).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                let retry = e.is_canceled() || e.is_closed();
                return Err(fail(format!("request failed: {e}"), retry));
            }
            Err(_) => return Err(fail("no response within 30 s".into(), false)),
        };
    let (parts, body) = res.into_parts();
    match tokio::time::timeout(REQUEST_TIMEOUT, body.collect()).await {
        Ok(Ok(b)) => Ok((parts.status, parts.headers, b.to_bytes())),
        Ok(Err(e)) => Err(fail(format!("reading the response failed: {e}"), false)),
        Err(_) => Err(fail(
            "the response body did not arrive within 30 s".into(),
            false,
        )),
    }
}

/// One user like one browser: a connection, a cookie jar.
pub struct Client {
    authority: String,
    sender: Option<Connection>,
    cookies: BTreeMap<String, String>,
}

/// How often a login is tried while the server answers that it is busy.
const LOGIN_TRIES: usize = 40;

pub struct Response {
    pub status: StatusCode,
    pub body: String,
}

impl Client {
    pub fn new(authority: &str) -> Self {
        Self {
            authority: authority.to_string(),
            sender: None,
            cookies: BTreeMap::new(),
        }
    }

    /// The `Cookie` header this user sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Hands over the keep-alive connection (if it is open), e.g. to a pool.
    pub fn take_connection(&mut self) -> Option<Connection> {
        self.sender.take()
    }

    fn store_cookies(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let first = v.split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                let deleted = v.to_ascii_lowercase().contains("max-age=0");
                if deleted || val.is_empty() {
                    self.cookies.remove(k.trim());
                } else {
                    self.cookies.insert(k.trim().into(), val.trim().into());
                }
            }
        }
    }

    /// Sends a request on the keep-alive connection (reconnecting once if it was closed).
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<String>,
    ) -> Result<Response, String> {
        for _ in 0..2 {
            let mut conn = reuse_or_connect(self.sender.take(), &self.authority).await?;
            let req = request(
                method.clone(),
                &self.authority,
                path,
                &self.cookie_header(),
                form.clone(),
            )?;
            match exchange(&mut conn, req).await {
                Ok((status, headers, body)) => {
                    self.sender = Some(conn);
                    self.store_cookies(&headers);
                    return Ok(Response {
                        status,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    });
                }
                Err(e) if e.retry => continue,
                Err(e) => return Err(e.message),
            }
        }
        Err("the connection closed twice".into())
    }

    pub async fn get(&mut self, path: &str) -> Result<Response, String> {
        self.send(Method::GET, path, None).await
    }

    /// Logs in as a person would: when the server is busy hashing other logins (503, see
    /// decision 0002), waits a moment and tries again, at most [`LOGIN_TRIES`] times.
    pub async fn login(&mut self, username: &str, password: &str) -> Result<(), String> {
        for _ in 1..LOGIN_TRIES {
            match self.login_once(username, password).await? {
                StatusCode::SERVICE_UNAVAILABLE => {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
                _ => return self.logged_in(username),
            }
        }
        self.login_once(username, password).await?;
        self.logged_in(username)
    }

    fn logged_in(&self, username: &str) -> Result<(), String> {
        if self.cookies.keys().any(|k| k.ends_with("ankommen_session")) {
            return Ok(());
        }
        Err(format!(
            "login as {username} failed; generated with `ankommen bench generate`? same --password?"
        ))
    }

    /// One login attempt; its status.
    async fn login_once(&mut self, username: &str, password: &str) -> Result<StatusCode, String> {
        let page = self.get("/login").await?;
        if page.status != StatusCode::OK {
            return Err(format!("GET /login answered {}", page.status));
        }
        let csrf = self
            .cookies
            .iter()
            .find(|(k, _)| k.ends_with("ankommen_csrf"))
            .map(|(_, v)| v.clone())
            .or_else(|| hidden_csrf(&page.body))
            .ok_or("the login page set no CSRF token")?;
        let form = format!(
            "_csrf={}&username={}&password={}",
            urlencode(&csrf),
            urlencode(username),
            urlencode(password)
        );
        Ok(self.send(Method::POST, "/login", Some(form)).await?.status)
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The value of the hidden `_csrf` field of a form.
fn hidden_csrf(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\"")?;
    let rest = &html[i..];
    let v = rest.find("value=\"")? + 7;
    let end = rest[v..].find('"')?;
    Some(rest[v..v + end].to_string())
}

/// The distinct ids in links `href="{prefix}{id}"` (exactly: digits, then the closing quote).
pub fn linked_ids(html: &str, prefix: &str) -> Vec<i64> {
    let needle = format!("href=\"{prefix}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty()
            && rest[digits.len()..].starts_with('"')
            && let Ok(id) = digits.parse::<i64>()
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

/// The user's open cases (at most [`MAX_TARGETS`]), found over HTTP like a person would: from the
/// caseload's links.
pub async fn open_cases(c: &mut Client) -> Result<Vec<i64>, String> {
    let mut cases = Vec::new();
    for p in 1..=4 {
        let r = c.get(&format!("/cases?status=open&page={p}")).await?;
        if r.status != StatusCode::OK {
            return Err(format!("the caseload answered {}", r.status));
        }
        let before = cases.len();
        for id in linked_ids(&r.body, "/cases/") {
            if !cases.contains(&id) {
                cases.push(id);
            }
        }
        if cases.len() == before || cases.len() >= MAX_TARGETS {
            break;
        }
    }
    cases.truncate(MAX_TARGETS);
    Ok(cases)
}

/// The case timelines of the given cases.
pub fn timelines(cases: &[i64]) -> Vec<String> {
    cases
        .iter()
        .map(|id| format!("/cases/{id}/timeline"))
        .collect()
}

/// The client records of the persons of the first half of the given cases, from the case pages.
pub async fn records(c: &mut Client, cases: &[i64]) -> Result<Vec<String>, String> {
    let mut persons = Vec::new();
    for id in cases.iter().take(MAX_TARGETS / 2) {
        let r = c.get(&format!("/cases/{id}")).await?;
        if r.status != StatusCode::OK {
            return Err(format!("/cases/{id} answered {}", r.status));
        }
        persons.extend(linked_ids(&r.body, "/clients/"));
    }
    persons.dedup();
    Ok(persons.iter().map(|id| format!("/clients/{id}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_linked_ids() {
        let html = r#"<a href="/cases/12">A</a> <a href="/cases/12">A</a>
            <a href="/cases/7">B</a> <a href="/cases/filters">x</a> <a href="/cases/9/timeline">t</a>"#;
        assert_eq!(linked_ids(html, "/cases/"), vec![12, 7]);
        assert_eq!(linked_ids(html, "/clients/"), Vec::<i64>::new());
    }

    #[test]
    fn encodes_form_values() {
        assert_eq!(urlencode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(urlencode("ankommen-bench"), "ankommen-bench");
        assert_eq!(
            hidden_csrf(r#"<input type="hidden" name="_csrf" value="abc">"#).as_deref(),
            Some("abc")
        );
    }
}
