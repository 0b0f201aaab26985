//! The open loop of `ankommen bench run --rate R`: requests go out at the times the schedule fixed
//! in advance, whatever the server answers, and each latency runs from the request's *scheduled*
//! time to its last byte. A server that stalls therefore shows in the latencies of every request
//! that had to wait, not only of the one it stalled on (no coordinated omission).
//!
//! Each user (a logged-in IM) has a pool of keep-alive connections: a request takes an idle one
//! or opens another, so a user busy with an earlier page does not hold back a later one. Only
//! when all of a user's `--connections` are busy does a request wait, and that wait counts.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use hyper::Method;
use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::http::{self, Client, Connection};
use super::schedule::{Arrival, Arrivals, MIX, schedule};
use super::stats::{ms, quantile, resident_set_kb};
use super::{Targets, login_all, user_names};
use crate::{Failure, PageKind, RunArgs};

/// How one request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP answer with this status; anything but 2xx is an error.
    Status(u16),
    /// No answer: connecting, sending or reading failed or timed out.
    Failed(String),
}

impl Outcome {
    /// The error this outcome counts as, if it is one.
    pub fn error(&self) -> Option<String> {
        match self {
            Outcome::Status(s) if (200..300).contains(s) => None,
            Outcome::Status(s) => Some(format!("HTTP {s}")),
            Outcome::Failed(e) => Some(e.clone()),
        }
    }
}

/// Sends a scheduled request and says how it ended. Implemented over HTTP by [`HttpTransport`].
pub trait Transport: Send + Sync + 'static {
    fn request(&self, arrival: Arrival) -> impl Future<Output = Outcome> + Send;
}

/// One request as measured.
#[derive(Clone, Debug)]
pub struct Sample {
    pub kind: PageKind,
    /// Scheduled after the warm-up: counted.
    pub measured: bool,
    /// When the schedule said it should go out.
    pub scheduled: Instant,
    /// When the dispatcher handed it on (at or a little after `scheduled`).
    pub dispatched: Instant,
    /// When its answer had arrived completely, or it failed.
    pub finished: Instant,
    pub outcome: Outcome,
}

impl Sample {
    /// The latency a user feels: from the scheduled time, so that waiting for a late start (a
    /// busy runner, a busy connection, a stalled server) counts.
    pub fn latency(&self) -> Duration {
        self.finished.saturating_duration_since(self.scheduled)
    }
}

/// Sends every arrival at `start + arrival.at`, never waiting for an answer before sending the
/// next, and returns the samples once every request has ended (in the order they ended).
pub async fn drive<T: Transport>(
    transport: Arc<T>,
    arrivals: Vec<Arrival>,
    warmup: Duration,
) -> Vec<Sample> {
    let start = Instant::now();
    let mut running = JoinSet::new();
    for a in arrivals {
        let scheduled = start + a.at;
        tokio::time::sleep_until(scheduled).await;
        let transport = Arc::clone(&transport);
        running.spawn(async move {
            let dispatched = Instant::now();
            let outcome = transport.request(a).await;
            Sample {
                kind: a.kind,
                measured: a.at >= warmup,
                scheduled,
                dispatched,
                finished: Instant::now(),
                outcome,
            }
        });
    }
    let mut samples = Vec::new();
    while let Some(r) = running.join_next().await {
        // A request task cannot panic by design; if one did, it still counts, as an error.
        samples.push(r.unwrap_or_else(|e| Sample {
            kind: PageKind::Day,
            measured: true,
            scheduled: start,
            dispatched: start,
            finished: Instant::now(),
            outcome: Outcome::Failed(format!("the request task failed: {e}")),
        }));
    }
    samples
}

/// The measured requests summed up.
#[derive(Debug, Default)]
pub struct Summary {
    pub count: usize,
    /// Errors by kind of error (`HTTP 500`, `cannot connect ...`).
    pub errors: BTreeMap<String, u64>,
    /// Latencies of all measured requests, errors included, sorted.
    pub latencies: Vec<Duration>,
    /// The same per page kind.
    pub per_kind: BTreeMap<&'static str, Vec<Duration>>,
    /// Completed requests per second: the count over the time from the first measured scheduled
    /// start to the last measured end.
    pub achieved_rate: f64,
    /// The longest a request went out after its scheduled time (the runner's own lag).
    pub max_dispatch_lag: Duration,
}

impl Summary {
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// Sums up the measured samples (the warm-up's are left out).
pub fn summarize(samples: &[Sample]) -> Summary {
    let mut s = Summary::default();
    let measured: Vec<&Sample> = samples.iter().filter(|x| x.measured).collect();
    for x in &measured {
        s.count += 1;
        if let Some(e) = x.outcome.error() {
            *s.errors.entry(e).or_default() += 1;
        }
        s.latencies.push(x.latency());
        s.per_kind
            .entry(x.kind.as_str())
            .or_default()
            .push(x.latency());
        s.max_dispatch_lag = s
            .max_dispatch_lag
            .max(x.dispatched.saturating_duration_since(x.scheduled));
    }
    s.latencies.sort_unstable();
    for v in s.per_kind.values_mut() {
        v.sort_unstable();
    }
    let first = measured.iter().map(|x| x.scheduled).min();
    let last = measured.iter().map(|x| x.finished).max();
    if let (Some(first), Some(last)) = (first, last) {
        let secs = last.saturating_duration_since(first).as_secs_f64();
        s.achieved_rate = if secs > 0.0 {
            s.count as f64 / secs
        } else {
            0.0
        };
    }
    s
}

/// A user's session and its pool of connections.
struct UserPool {
    cookies: String,
    targets: Targets,
    idle: Mutex<Vec<Connection>>,
    slots: Semaphore,
}

/// The open loop over HTTP: every user's requests carry its session cookie and use its pool.
pub struct HttpTransport {
    authority: String,
    users: Vec<UserPool>,
}

impl HttpTransport {
    fn new(authority: &str, clients: Vec<(Client, Targets)>, connections: usize) -> Self {
        let users = clients
            .into_iter()
            .map(|(mut c, targets)| UserPool {
                cookies: c.cookie_header(),
                targets,
                // The login's connection is the first of the pool.
                idle: Mutex::new(c.take_connection().into_iter().collect()),
                slots: Semaphore::new(connections.max(1)),
            })
            .collect();
        Self {
            authority: authority.to_string(),
            users,
        }
    }

    async fn get(&self, user: &UserPool, path: &str) -> Outcome {
        let Ok(_slot) = user.slots.acquire().await else {
            return Outcome::Failed("the connection pool closed".into());
        };
        for _ in 0..2 {
            let idle = user.idle.lock().await.pop();
            let mut conn = match http::reuse_or_connect(idle, &self.authority).await {
                Ok(c) => c,
                Err(e) => return Outcome::Failed(e),
            };
            let req = match http::request(Method::GET, &self.authority, path, &user.cookies, None) {
                Ok(r) => r,
                Err(e) => return Outcome::Failed(e),
            };
            match http::exchange(&mut conn, req).await {
                Ok((status, _, _)) => {
                    user.idle.lock().await.push(conn);
                    return Outcome::Status(status.as_u16());
                }
                // The server closed an idle keep-alive connection: try once on a fresh one.
                Err(e) if e.retry => continue,
                Err(e) => return Outcome::Failed(e.message),
            }
        }
        Outcome::Failed("the connection closed twice".into())
    }
}

impl Transport for HttpTransport {
    async fn request(&self, a: Arrival) -> Outcome {
        let Some(user) = self.users.get(a.user) else {
            return Outcome::Failed(format!("no user {}", a.user));
        };
        let Some(path) = user.targets.path(a.kind, a.nth) else {
            return Outcome::Failed(format!("no {} page for user {}", a.kind.as_str(), a.user));
        };
        self.get(user, path).await
    }
}

/// Users of the open loop unless `--users` says otherwise.
const DEFAULT_USERS: u32 = 40;

pub async fn run(args: &RunArgs, authority: &str, rate: f64) -> Result<(), Failure> {
    let users = args.users.unwrap_or(DEFAULT_USERS) as usize;
    let names = user_names(&args.user_prefix, args.user.as_deref(), users);
    eprintln!(
        "logging in {users} users ({}..{}) at {}",
        names.first().map(String::as_str).unwrap_or("-"),
        names.last().map(String::as_str).unwrap_or("-"),
        args.url
    );
    let kinds: Vec<PageKind> = MIX.iter().map(|(k, _)| *k).collect();
    let clients = login_all(authority, &names, &args.password, &kinds).await?;
    let arrivals = match args.arrivals.unwrap_or(crate::ArrivalsArg::Even) {
        crate::ArrivalsArg::Even => Arrivals::Even,
        crate::ArrivalsArg::Poisson => Arrivals::Poisson {
            seed: args.seed.unwrap_or(1),
        },
    };
    let plan = schedule(rate, args.warmup + args.duration, arrivals, users);
    let measured = plan.iter().filter(|a| a.at >= args.warmup).count();
    eprintln!(
        "open loop: {rate} page views/s ({}), 50 % day view, 30 % timeline, 20 % record; \
         {} s warm-up, then {} s measured ({measured} requests scheduled)",
        arrivals_text(arrivals),
        args.warmup.as_secs_f64(),
        args.duration.as_secs_f64(),
    );
    let transport = Arc::new(HttpTransport::new(
        authority,
        clients,
        args.connections.unwrap_or(8) as usize,
    ));
    let samples = drive(transport, plan, args.warmup).await;
    let summary = summarize(&samples);
    let rss = args.server_pid.map(resident_set_kb);
    print_summary(args, rate, users, &summary, rss.as_ref());
    if summary.count == 0 {
        return Err(Failure::new(
            "no request was scheduled in the measured time",
        ));
    }
    if let Some(Err(e)) = rss {
        return Err(Failure::new(format!("--server-pid: {e}")));
    }
    Ok(())
}

fn arrivals_text(a: Arrivals) -> String {
    match a {
        Arrivals::Even => "evenly spaced".into(),
        Arrivals::Poisson { seed } => format!("Poisson arrivals, seed {seed}"),
    }
}

fn percentiles(sorted: &[Duration]) -> [String; 5] {
    [0.5, 0.9, 0.99, 0.999, 1.0].map(|q| ms(quantile(sorted, q)))
}

fn print_summary(
    args: &RunArgs,
    rate: f64,
    users: usize,
    s: &Summary,
    rss: Option<&Result<u64, String>>,
) {
    let errors = s.error_count();
    println!(
        "open loop | rate {rate}/s | users {users} | {:.0} s | requests {} | errors {errors} | \
         achieved {:.1}/s | dispatch lag max {} ms",
        args.duration.as_secs_f64(),
        s.count,
        s.achieved_rate,
        ms(s.max_dispatch_lag)
    );
    println!("latency ms from the scheduled time (every request, errors included):");
    println!("    page        count      p50      p90      p99    p99.9      max");
    let mut rows = vec![("all", &s.latencies)];
    rows.extend(s.per_kind.iter().map(|(k, v)| (*k, v)));
    for (kind, v) in rows {
        let [p50, p90, p99, p999, max] = percentiles(v);
        println!(
            "    {kind:<9} {:>7} {p50:>8} {p90:>8} {p99:>8} {p999:>8} {max:>8}",
            v.len()
        );
    }
    for (e, n) in &s.errors {
        println!("error: {n} × {e}");
    }
    let rss_mib = match rss {
        Some(Ok(kb)) => {
            println!(
                "server resident set (VmRSS of pid {}): {kb} kB = {:.1} MiB",
                args.server_pid.unwrap_or_default(),
                *kb as f64 / 1024.0
            );
            format!("{:.1}", *kb as f64 / 1024.0)
        }
        Some(Err(e)) => {
            println!("server resident set: {e}");
            "?".into()
        }
        None => "-".into(),
    };
    // One row for the table in docs/benchmarks.md.
    let label = if args.label.is_empty() {
        "-"
    } else {
        &args.label
    };
    let [p50, p90, p99, p999, max] = percentiles(&s.latencies);
    println!(
        "| open {rate}/s | {label} | {users} | {} | {:.1} | {p50} | {p90} | {p99} | {p999} | {max} | {errors} | {rss_mib} |",
        s.count, s.achieved_rate
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::{mpsc, oneshot};

    fn sample(scheduled: Instant, started_after: u64, took: u64, outcome: Outcome) -> Sample {
        let dispatched = scheduled + Duration::from_millis(started_after);
        Sample {
            kind: PageKind::Day,
            measured: true,
            scheduled,
            dispatched,
            finished: dispatched + Duration::from_millis(took),
            outcome,
        }
    }

    #[test]
    fn latency_runs_from_the_scheduled_time() {
        let t0 = Instant::now();
        // Went out 100 ms late (busy connection, busy runner), answered 10 ms later: 110 ms.
        let late = sample(t0, 100, 10, Outcome::Status(200));
        assert_eq!(late.latency(), Duration::from_millis(110));
        let s = summarize(&[late, sample(t0, 0, 10, Outcome::Status(200))]);
        assert_eq!(
            s.latencies,
            [Duration::from_millis(10), Duration::from_millis(110)]
        );
        assert_eq!(s.max_dispatch_lag, Duration::from_millis(100));
        assert_eq!(s.per_kind["day"].len(), 2);
    }

    #[test]
    fn errors_are_counted_by_kind_and_warm_up_is_left_out() {
        let t0 = Instant::now();
        let mut warm = sample(t0, 0, 1, Outcome::Status(500));
        warm.measured = false;
        let samples = [
            warm,
            sample(t0, 0, 5, Outcome::Status(200)),
            sample(t0, 0, 5, Outcome::Status(204)),
            sample(t0, 0, 5, Outcome::Status(500)),
            sample(t0, 0, 5, Outcome::Status(303)),
            sample(t0, 0, 5, Outcome::Status(303)),
            sample(
                t0,
                0,
                30_000,
                Outcome::Failed("no response within 30 s".into()),
            ),
        ];
        let s = summarize(&samples);
        assert_eq!(s.count, 6);
        assert_eq!(s.error_count(), 4);
        assert_eq!(s.errors["HTTP 500"], 1);
        assert_eq!(
            s.errors["HTTP 303"], 2,
            "a redirect (e.g. to the login) is an error"
        );
        assert_eq!(s.errors["no response within 30 s"], 1);
        // Errors keep their latency: a timeout is the slowest request, not a hidden one.
        assert_eq!(s.latencies.last(), Some(&Duration::from_secs(30)));
        assert_eq!(s.latencies.len(), 6);
    }

    /// One connection: requests are served one at a time, and the first to get it stalls until
    /// the test opens the gate.
    struct Stalling {
        connection: Mutex<()>,
        gate: std::sync::Mutex<Option<oneshot::Receiver<()>>>,
        arrived: mpsc::UnboundedSender<Duration>,
        /// (scheduled offset, service start, service end) of each request.
        served: std::sync::Mutex<Vec<(Duration, Instant, Instant)>>,
    }

    impl Transport for Stalling {
        async fn request(&self, a: Arrival) -> Outcome {
            let _ = self.arrived.send(a.at);
            let _conn = self.connection.lock().await;
            let from = Instant::now();
            let gate = self.gate.lock().ok().and_then(|mut g| g.take());
            if let Some(gate) = gate {
                let _ = gate.await;
            }
            let until = Instant::now();
            if let Ok(mut s) = self.served.lock() {
                s.push((a.at, from, until));
            }
            Outcome::Status(200)
        }
    }

    #[tokio::test]
    async fn a_request_held_up_by_a_stalled_one_counts_its_wait() {
        let (open, gate) = oneshot::channel();
        let (arrived, mut arrivals) = mpsc::unbounded_channel();
        let t = Arc::new(Stalling {
            connection: Mutex::new(()),
            gate: std::sync::Mutex::new(Some(gate)),
            arrived,
            served: std::sync::Mutex::new(Vec::new()),
        });
        // Two requests, 1 ms apart, one user.
        let plan = schedule(1000.0, Duration::from_millis(2), Arrivals::Even, 1);
        assert_eq!(plan.len(), 2);
        let run = tokio::spawn(drive(Arc::clone(&t), plan, Duration::ZERO));
        // Both requests have gone out (the second although the first has no answer yet) ...
        let mut seen = vec![arrivals.recv().await, arrivals.recv().await];
        seen.sort();
        assert_eq!(seen, [Some(Duration::ZERO), Some(Duration::from_millis(1))]);
        // ... and only now does the stalled one finish.
        let _ = open.send(());
        let mut samples = run.await.expect("the run ends");
        samples.sort_by_key(|s| s.scheduled);
        // Served in turn: the stalled request first, then the one held up behind it.
        let served = t.served.lock().map(|s| s.clone()).unwrap_or_default();
        let (first, second) = (&served[0], &served[1]);
        let held_up = &samples[usize::from(second.0 > first.0)];
        assert_eq!(
            held_up
                .scheduled
                .saturating_duration_since(samples[0].scheduled),
            second.0
        );
        // Its latency includes the wait behind the stalled request, from its scheduled time on,
        // and is longer than its own service time (all a closed loop, sending it only after the
        // first answer, would have seen).
        assert!(held_up.latency() >= first.2.saturating_duration_since(held_up.scheduled));
        assert!(held_up.latency() > second.2.saturating_duration_since(second.1));
        assert!(held_up.finished >= first.2);
    }

    /// A tiny HTTP/1.1 server: `/stall` answers only once `gate` is notified (and reports its
    /// arrival on `stalled`), every other path at once; connections are kept alive.
    async fn serve_http(
        listener: tokio::net::TcpListener,
        gate: Arc<tokio::sync::Notify>,
        stalled: mpsc::UnboundedSender<()>,
    ) {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        while let Ok((stream, _)) = listener.accept().await {
            let (gate, stalled) = (Arc::clone(&gate), stalled.clone());
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                loop {
                    let mut line = String::new();
                    if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    // The headers, up to the empty line.
                    loop {
                        let mut h = String::new();
                        if stream.read_line(&mut h).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if h == "\r\n" {
                            break;
                        }
                    }
                    if path == "/stall" {
                        let _ = stalled.send(());
                        gate.notified().await;
                    }
                    let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                    if stream.get_mut().write_all(answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    }

    #[tokio::test]
    async fn a_user_waiting_for_one_page_sends_the_next_on_another_connection() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let authority = listener.local_addr().unwrap().to_string();
        let gate = Arc::new(tokio::sync::Notify::new());
        let (stalled_tx, mut stalled) = mpsc::unbounded_channel();
        tokio::spawn(serve_http(listener, Arc::clone(&gate), stalled_tx));
        let targets = Targets {
            day: vec!["/stall".into()],
            timeline: vec!["/fast".into()],
            ..Targets::default()
        };
        let user = vec![(Client::new(&authority), targets)];
        let t = Arc::new(HttpTransport::new(&authority, user, 8));
        let arrival = |kind| Arrival {
            at: Duration::ZERO,
            user: 0,
            kind,
            nth: 0,
        };
        let first = tokio::spawn({
            let t = Arc::clone(&t);
            async move { t.request(arrival(PageKind::Day)).await }
        });
        stalled
            .recv()
            .await
            .expect("the stalled request reached the server");
        // The same user's next page is answered while the first is still unanswered. (The
        // timeout only keeps a broken pool from hanging the test.)
        let second = tokio::time::timeout(
            Duration::from_secs(30),
            t.request(arrival(PageKind::Timeline)),
        )
        .await
        .expect("the second page waited for the first");
        assert_eq!(second, Outcome::Status(200));
        assert!(!first.is_finished());
        gate.notify_one();
        assert_eq!(first.await.expect("first request"), Outcome::Status(200));
        // Both connections went back to the user's pool.
        assert_eq!(t.users[0].idle.lock().await.len(), 2);
    }
}
