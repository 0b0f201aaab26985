//! `ankommen bench`: the benchmark tooling of `docs/benchmarks.md`, in a crate of its own so that
//! none of it sits in the product's paths; the `ankommen` binary only dispatches to [`run`].
//!
//! - `bench generate` fills a freshly migrated database with a deterministic, county-sized dataset
//!   (7,500 clients and 5 years of history by default: about 400,000 contacts);
//! - `bench run` logs in IMs of that dataset over HTTP and requests one page in a closed loop,
//!   then prints throughput and latency percentiles.
//!
//! Nothing here changes how the server behaves: the runner is an ordinary HTTP client.

mod county;
mod load;

use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};

use ankommen_store::DbConfig;

/// A failure of a bench command: one line for the person at the terminal.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

/// The password of every account `bench generate` creates (unless `--password` says otherwise).
pub const DEFAULT_BENCH_PASSWORD: &str = "ankommen-bench";

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Fill a freshly migrated, empty database with a county-sized dataset (migrates first)
    Generate(GenerateArgs),
    /// Log in IMs of the generated county and request one page in a closed loop
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of clients (persons); households of 1-6 persons, one case each
    #[arg(long, default_value_t = 7500, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub clients: u32,
    /// Years of history: cases open across this span, older ones are closed
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub years: u32,
    /// Seed of the generator: the same seed, size and day give the same data
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Password of the generated staff accounts (im01..im40, lead1..lead5)
    #[arg(long, default_value = DEFAULT_BENCH_PASSWORD)]
    pub password: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PageKind {
    /// The IM's day view at /
    Day,
    /// A case's timeline at /cases/{id}/timeline, rotating over the IM's open cases
    Timeline,
    /// The IM's caseload at /cases
    Caseload,
    /// A client's record at /clients/{id}, rotating over persons of the IM's open cases
    Record,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Day => "day",
            PageKind::Timeline => "timeline",
            PageKind::Caseload => "caseload",
            PageKind::Record => "record",
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Base URL of a running server, e.g. http://127.0.0.1:8080 (plain HTTP only)
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Concurrent users, each logged in as its own IM (im01, im02, ...) with its own session
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=99))]
    pub users: u32,
    /// How long to measure, e.g. 30s, 2m, 500ms
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Requests before this time are not counted (warm-up), e.g. 5s
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// The page to request
    #[arg(long, value_enum)]
    pub page: PageKind,
    /// Each user's pause after a page has arrived before requesting the next (think time), e.g.
    /// 1s; every pause is drawn between half and one and a half times this, so that the users do
    /// not march in step. 0 (the default): the next page at once, a closed loop at full load
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    pub think: Duration,
    /// Password of the IM accounts
    #[arg(long, default_value = DEFAULT_BENCH_PASSWORD)]
    pub password: String,
    /// User names are this prefix and a two-digit number
    #[arg(long, default_value = "im")]
    pub user_prefix: String,
    /// A label for the result line (e.g. "sqlite" or "postgres"); a think time is added to it
    /// (`sqlite, think 1s`)
    #[arg(long, default_value = "")]
    pub label: String,
}

/// Parses `30s`, `2m`, `500ms` or a plain number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (e.g. 30s, 2m, 500ms)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("'{s}': unknown unit '{unit}' (use ms, s, m or h)")),
    };
    if !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("'{s}' is out of range (0 to 24h)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Runs a bench command. `database` is the database the configuration names (`bench generate`
/// fills it; `bench run` talks HTTP only and ignores it).
pub async fn run(cmd: &BenchCommand, database: DbConfig) -> Result<(), Failure> {
    match cmd {
        BenchCommand::Generate(args) => generate(database, args).await,
        BenchCommand::Run(args) => load::run(args).await,
    }
}

async fn generate(database: DbConfig, args: &GenerateArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let db = ankommen_store::connect(&database)
        .await
        .map_err(|e| Failure::new(e.to_string()))?;
    if let Err(e) = db.migrate().await {
        db.close().await;
        return Err(Failure::new(e.to_string()));
    }
    let params = county::Params {
        clients: args.clients as usize,
        years: args.years,
        seed: args.seed,
        password: args.password.clone(),
    };
    let clock = ankommen_core::SystemClock;
    let result = county::generate(&db, &clock, &params, |msg| {
        eprintln!("[{:>6.1} s] {msg}", started.elapsed().as_secs_f64());
    })
    .await;
    db.close().await;
    let report = result?;
    let secs = started.elapsed().as_secs_f64();
    println!();
    println!(
        "County dataset generated in {secs:.1} s (seed {}).",
        args.seed
    );
    for (table, n) in &report.counts {
        println!("    {table:<20} {n:>9}");
    }
    println!();
    println!(
        "IM accounts: {} .. {} ({} IMs in {} teams); team leads: {}",
        report.ims.first().map(String::as_str).unwrap_or("-"),
        report.ims.last().map(String::as_str).unwrap_or("-"),
        report.ims.len(),
        report.teams,
        report.leads.join(", ")
    );
    println!("Password of these accounts: {}", args.password);
    println!(
        "The demo accounts (admin, awo.im1, ...) exist too, with the demo password {}.",
        ankommen_core::demo::DEMO_PASSWORD
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("7").unwrap(), Duration::from_secs(7));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("3d").is_err());
    }
}
