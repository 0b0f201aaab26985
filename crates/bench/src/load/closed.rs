//! The closed loop of `ankommen bench run --page P`: N users, each logged in as its own IM over
//! its own keep-alive connection (like one browser), request one page, each the next as soon as
//! the last has arrived (or after a think time). It measures saturation throughput; what users
//! feel at a given arrival rate is the open loop's ([`super::open`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hyper::StatusCode;

use super::http::Client;
use super::stats::{ms, quantile};
use super::{login_all, user_names};
use crate::{Failure, PageKind, RunArgs};

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

pub async fn run(args: &RunArgs, authority: &str, page: PageKind) -> Result<(), Failure> {
    let users = args.users.unwrap_or(DEFAULT_USERS) as usize;
    let names = user_names(&args.user_prefix, args.user.as_deref(), users);
    eprintln!(
        "logging in {users} users ({}..{}) at {}",
        names.first().map(String::as_str).unwrap_or("-"),
        names.last().map(String::as_str).unwrap_or("-"),
        args.url
    );
    let clients: Vec<(Client, Vec<String>)> = login_all(authority, &names, &args.password, &[page])
        .await?
        .into_iter()
        .map(|(c, targets)| (c, targets.of(page).to_vec()))
        .collect();
    let targets_n: usize = clients.iter().map(|(_, p)| p.len()).sum();
    eprintln!(
        "requesting the {} page ({} distinct paths): {} s warm-up, then {} s measured; {}",
        page.as_str(),
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
    print_result(args, page, users, all)
}

/// Users of the closed loop unless `--users` says otherwise.
const DEFAULT_USERS: u32 = 20;

fn print_result(
    args: &RunArgs,
    page: PageKind,
    users: usize,
    mut all: Tally,
) -> Result<(), Failure> {
    all.ok.sort_unstable();
    let errors: u64 = all.errors.values().sum();
    let count = all.ok.len() as u64 + errors;
    let secs = args.duration.as_secs_f64().max(1e-9);
    let throughput = count as f64 / secs;
    println!(
        "page {} | users {users} | {} | {:.0} s | requests {count} | errors {errors} | {throughput:.1} req/s",
        page.as_str(),
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
        page.as_str(),
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
}
