//! The load runner of `ankommen bench run`: N users, each logged in as its own IM over its own
//! keep-alive HTTP/1.1 connection (like one browser), request one page in a closed loop.
//!
//! Login is what a browser does: `GET /login` sets the pre-login CSRF cookie, `POST /login` sends
//! it back with the form's `_csrf` field. Only successful logins happen, so the login throttle
//! (which counts failures) never interferes.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::{PageKind, RunArgs};
use crate::Failure;

/// Longest wait for one response.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Cases whose pages a user rotates over (timeline, record).
const MAX_TARGETS: usize = 40;

/// One user: a connection, a cookie jar.
struct Client {
    authority: String,
    sender: Option<SendRequest<Full<Bytes>>>,
    cookies: BTreeMap<String, String>,
}

struct Response {
    status: StatusCode,
    body: String,
}

impl Client {
    fn new(authority: &str) -> Self {
        Self {
            authority: authority.to_string(),
            sender: None,
            cookies: BTreeMap::new(),
        }
    }

    async fn connect(&mut self) -> Result<(), String> {
        let stream = TcpStream::connect(&self.authority)
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", self.authority))?;
        let _ = stream.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {} failed: {e}", self.authority))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        self.sender = Some(sender);
        Ok(())
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sends a request on the keep-alive connection (reconnecting once if it was closed).
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<String>,
    ) -> Result<Response, String> {
        for attempt in 0..2 {
            let ready = match self.sender.as_mut() {
                Some(s) => s.ready().await.is_ok(),
                None => false,
            };
            if !ready {
                self.connect().await?;
            }
            let mut req = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(header::HOST, &self.authority)
                .header(header::USER_AGENT, "ankommen-bench");
            if !self.cookies.is_empty() {
                req = req.header(header::COOKIE, self.cookie_header());
            }
            let body = match &form {
                Some(f) => {
                    req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                    Full::new(Bytes::from(f.clone()))
                }
                None => Full::new(Bytes::new()),
            };
            let req = req
                .body(body)
                .map_err(|e| format!("cannot build the request: {e}"))?;
            let Some(sender) = self.sender.as_mut() else {
                continue;
            };
            let res = match tokio::time::timeout(REQUEST_TIMEOUT, sender.send_request(req)).await {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => {
                    self.sender = None;
                    if attempt == 0 && (e.is_canceled() || e.is_closed()) {
                        continue;
                    }
                    return Err(format!("request failed: {e}"));
                }
                Err(_) => {
                    self.sender = None;
                    return Err("no response within 30 s".into());
                }
            };
            let status = res.status();
            for v in res.headers().get_all(header::SET_COOKIE) {
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
            let bytes = match tokio::time::timeout(REQUEST_TIMEOUT, res.into_body().collect()).await
            {
                Ok(Ok(b)) => b.to_bytes(),
                Ok(Err(e)) => {
                    self.sender = None;
                    return Err(format!("reading the response failed: {e}"));
                }
                Err(_) => {
                    self.sender = None;
                    return Err("the response body did not arrive within 30 s".into());
                }
            };
            return Ok(Response {
                status,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        Err("the connection closed twice".into())
    }

    async fn get(&mut self, path: &str) -> Result<Response, String> {
        self.send(Method::GET, path, None).await
    }

    async fn login(&mut self, username: &str, password: &str) -> Result<(), String> {
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
        let res = self.send(Method::POST, "/login", Some(form)).await?;
        if res.status != StatusCode::SEE_OTHER
            || !self.cookies.keys().any(|k| k.ends_with("ankommen_session"))
        {
            return Err(format!(
                "login as {username} failed ({}); generated with `ankommen bench generate`? same --password?",
                res.status
            ));
        }
        Ok(())
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

/// The paths a user requests, found over HTTP like a person would: from the caseload's links.
async fn targets(c: &mut Client, page: PageKind) -> Result<Vec<String>, String> {
    match page {
        PageKind::Day => return Ok(vec!["/".into()]),
        PageKind::Caseload => return Ok(vec!["/cases".into()]),
        PageKind::Timeline | PageKind::Record => {}
    }
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
    if page == PageKind::Timeline {
        return Ok(cases
            .iter()
            .map(|id| format!("/cases/{id}/timeline"))
            .collect());
    }
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

#[derive(Default)]
struct Tally {
    ok: Vec<Duration>,
    errors: BTreeMap<String, u64>,
    warmup: u64,
}

/// Pauses of about `think` (uniformly between half and one and a half times it), from a small
/// deterministic generator (xorshift64*) per user; always zero without a think time.
struct Pauses {
    think: Duration,
    state: u64,
}

impl Pauses {
    fn new(think: Duration, user: u64) -> Self {
        Self {
            think,
            // Any non-zero state; distinct per user.
            state: user.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    fn next(&mut self) -> Duration {
        if self.think.is_zero() {
            return Duration::ZERO;
        }
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let r = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        let unit = r as f64 / (1u64 << 53) as f64;
        self.think.mul_f64(0.5 + unit)
    }
}

async fn user(
    mut c: Client,
    paths: Vec<String>,
    mut pauses: Pauses,
    measure_from: Instant,
    until: Instant,
) -> Tally {
    let mut t = Tally::default();
    let mut i = 0usize;
    // With a think time, the users start spread over one pause.
    tokio::time::sleep(pauses.next().div_f64(1.5)).await;
    while Instant::now() < until {
        let path = &paths[i % paths.len()];
        i += 1;
        let began = Instant::now();
        let r = c.get(path).await;
        let took = began.elapsed();
        let ended = Instant::now();
        if began < measure_from || ended > until {
            t.warmup += 1;
        } else {
            match r {
                Ok(r) if r.status == StatusCode::OK => t.ok.push(took),
                Ok(r) => *t.errors.entry(format!("HTTP {}", r.status)).or_default() += 1,
                Err(e) => *t.errors.entry(e).or_default() += 1,
            }
        }
        let pause = pauses.next();
        if !pause.is_zero() {
            tokio::time::sleep(pause.min(until.saturating_duration_since(Instant::now()))).await;
        }
    }
    t
}

/// The value at quantile `q` (nearest rank) of sorted durations.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn think_text(think: Duration) -> String {
    if think.is_zero() {
        "no think time (closed loop)".to_string()
    } else {
        format!("think time {} s", think.as_secs_f64())
    }
}

/// The label of the result row: the given label (or "-"), and the think time if there is one,
/// written as it is given on the command line (`sqlite, think 1s`, `postgres, think 250ms`).
fn row_label(label: &str, think: Duration) -> String {
    let label = if label.is_empty() { "-" } else { label };
    if think.is_zero() {
        return label.to_string();
    }
    let millis = think.as_millis();
    let think = if millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    };
    format!("{label}, think {think}")
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

pub async fn run(args: &RunArgs) -> Result<(), Failure> {
    let authority = args
        .url
        .strip_prefix("http://")
        .ok_or_else(|| {
            Failure::new(format!(
                "--url must start with http:// (the runner speaks plain HTTP): {}",
                args.url
            ))
        })?
        .trim_end_matches('/')
        .to_string();
    if authority.is_empty() || authority.contains('/') {
        return Err(Failure::new(format!(
            "--url must be http://HOST:PORT without a path: {}",
            args.url
        )));
    }
    let users = args.users as usize;
    eprintln!(
        "logging in {users} users ({}01..{}{users:02}) at {}",
        args.user_prefix, args.user_prefix, args.url
    );
    let mut logins = Vec::new();
    for u in 1..=users {
        let username = format!("{}{u:02}", args.user_prefix);
        let authority = authority.clone();
        let password = args.password.clone();
        let page = args.page;
        logins.push(tokio::spawn(async move {
            let mut c = Client::new(&authority);
            c.login(&username, &password).await?;
            let paths = targets(&mut c, page).await?;
            if paths.is_empty() {
                return Err(format!("{username} has no open cases to request"));
            }
            Ok::<_, String>((c, paths))
        }));
    }
    let mut clients = Vec::new();
    for l in logins {
        let (c, paths) = l
            .await
            .map_err(|e| Failure::new(format!("a login task failed: {e}")))?
            .map_err(Failure::new)?;
        clients.push((c, paths));
    }
    let targets_n: usize = clients.iter().map(|(_, p)| p.len()).sum();
    eprintln!(
        "requesting the {} page ({} distinct paths): {} s warm-up, then {} s measured; {}",
        args.page.as_str(),
        targets_n,
        args.warmup.as_secs_f64(),
        args.duration.as_secs_f64(),
        think_text(args.think)
    );
    let start = Instant::now();
    let measure_from = start + args.warmup;
    let until = measure_from + args.duration;
    let tasks: Vec<_> = clients
        .into_iter()
        .zip(0u64..)
        .map(|((c, paths), u)| {
            let pauses = Pauses::new(args.think, u);
            tokio::spawn(user(c, paths, pauses, measure_from, until))
        })
        .collect();
    let mut all = Tally::default();
    for t in tasks {
        let t = t
            .await
            .map_err(|e| Failure::new(format!("a user task failed: {e}")))?;
        all.ok.extend(t.ok);
        all.warmup += t.warmup;
        for (k, v) in t.errors {
            *all.errors.entry(k).or_default() += v;
        }
    }
    all.ok.sort_unstable();
    let errors: u64 = all.errors.values().sum();
    let count = all.ok.len() as u64 + errors;
    let secs = args.duration.as_secs_f64().max(1e-9);
    let throughput = count as f64 / secs;
    println!(
        "page {} | users {users} | {} | {:.0} s | requests {count} | errors {errors} | {throughput:.1} req/s",
        args.page.as_str(),
        think_text(args.think),
        secs
    );
    println!(
        "latency ms (successful requests): median {} | p90 {} | p99 {} | max {}",
        ms(quantile(&all.ok, 0.5)),
        ms(quantile(&all.ok, 0.9)),
        ms(quantile(&all.ok, 0.99)),
        ms(all.ok.last().copied().unwrap_or_default())
    );
    for (e, n) in &all.errors {
        println!("error: {n} × {e}");
    }
    // One row for the table in docs/benchmarks.md.
    println!(
        "| {} | {} | {users} | {count} | {throughput:.1} | {} | {} | {} | {} | {errors} |",
        args.page.as_str(),
        row_label(&args.label, args.think),
        ms(quantile(&all.ok, 0.5)),
        ms(quantile(&all.ok, 0.9)),
        ms(quantile(&all.ok, 0.99)),
        ms(all.ok.last().copied().unwrap_or_default())
    );
    if count == 0 {
        return Err(Failure::new("no request completed in the measured time"));
    }
    Ok(())
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
    fn the_row_label_names_the_think_time_as_given() {
        assert_eq!(row_label("sqlite", Duration::ZERO), "sqlite");
        assert_eq!(row_label("", Duration::ZERO), "-");
        assert_eq!(
            row_label("sqlite", Duration::from_secs(1)),
            "sqlite, think 1s"
        );
        assert_eq!(
            row_label("postgres", Duration::from_millis(250)),
            "postgres, think 250ms"
        );
        assert_eq!(
            row_label("", Duration::from_millis(1500)),
            "-, think 1500ms"
        );
        // `--think 0ms` is the closed loop, whatever its spelling.
        let zero = crate::parse_duration("0ms").expect("0ms");
        assert_eq!(row_label("sqlite", zero), "sqlite");
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&v, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&v, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&v, 1.0), Duration::from_millis(100));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn pauses_vary_around_the_think_time_and_are_zero_without_one() {
        let mut none = Pauses::new(Duration::ZERO, 0);
        assert!((0..10).all(|_| none.next().is_zero()));
        let think = Duration::from_secs(1);
        let mut a = Pauses::new(think, 0);
        let drawn: Vec<Duration> = (0..1000).map(|_| a.next()).collect();
        assert!(drawn.iter().all(|d| *d >= think / 2 && *d < think * 3 / 2));
        let mean = drawn.iter().sum::<Duration>() / 1000;
        assert!(mean > Duration::from_millis(950) && mean < Duration::from_millis(1050));
        assert!(drawn.iter().any(|d| *d < Duration::from_millis(600)));
        assert!(drawn.iter().any(|d| *d > Duration::from_millis(1400)));
        // Another user draws other pauses; the same user the same ones.
        let mut b = Pauses::new(think, 1);
        assert_ne!(
            drawn[..10],
            (0..10).map(|_| b.next()).collect::<Vec<_>>()[..]
        );
        let mut again = Pauses::new(think, 0);
        assert_eq!(
            drawn[..10],
            (0..10).map(|_| again.next()).collect::<Vec<_>>()[..]
        );
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
