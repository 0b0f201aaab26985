//! `ankommen bench`: the benchmark tooling of `docs/benchmarks.md`, in a crate of its own so that
//! none of it sits in the product's paths; the `ankommen` binary only dispatches to [`run`].
//!
//! - `bench generate` fills a freshly migrated database with a deterministic, county-sized dataset
//!   (7,500 clients and 5 years of history by default: about 400,000 contacts);
//! - `bench run` logs in IMs of that dataset over HTTP and either requests one page in a closed
//!   loop (`--page`: saturation throughput) or sends a mix of pages at a fixed arrival rate
//!   (`--rate`: the open loop, latency from each request's scheduled time), then prints
//!   throughput and latency percentiles.
//!
//! Nothing here changes how the server behaves: the runner is an ordinary HTTP client.

mod county;
mod duplicates;
mod load;

use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};

use ankommen_core::kernel::sealing::Sealer;
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
    /// Log in IMs of the generated county and load the server: one page in a closed loop
    /// (--page), or a mix of pages at a fixed arrival rate (--rate, the open loop)
    Run(RunArgs),
    /// Time the duplicate check at registration and the full duplicate scan of an organisation
    /// of many persons (fills a fresh database first)
    Duplicates(duplicates::DuplicatesArgs),
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
    /// The key figures of last year at /figures, as the user's role sees them
    Figures,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Day => "day",
            PageKind::Timeline => "timeline",
            PageKind::Caseload => "caseload",
            PageKind::Record => "record",
            PageKind::Figures => "figures",
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Base URL of a running server, e.g. http://127.0.0.1:8080 (plain HTTP only)
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Users, each logged in as its own IM (im01, im02, ...) with its own session [default: 20
    /// for the closed loop, 40 for the open loop]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=99))]
    pub users: Option<u32>,
    /// How long to measure, e.g. 30s, 2m, 500ms
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Requests before this time are not counted (warm-up), e.g. 5s; in the open loop: requests
    /// scheduled before it
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// Closed loop: the page every user requests, the next as soon as the last has arrived
    #[arg(
        long,
        value_enum,
        required_unless_present = "rate",
        conflicts_with = "rate"
    )]
    pub page: Option<PageKind>,
    /// Closed loop: each user's pause after a page has arrived before requesting the next (think
    /// time), e.g. 1s; every pause is drawn between half and one and a half times this, so that
    /// the users do not march in step. 0 (the default): the next page at once, full load
    #[arg(long, default_value = "0s", value_parser = parse_duration, conflicts_with = "rate")]
    pub think: Duration,
    /// Open loop: page views per second, scheduled in advance whatever the answers do, handed to
    /// the users in turn; 50 % day view, 30 % a case timeline, 20 % a client record. Latency is
    /// measured from each request's scheduled time
    #[arg(long, value_name = "R", value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// Open loop: how the arrivals are spaced [default: even]
    #[arg(long, value_enum)]
    pub arrivals: Option<ArrivalsArg>,
    /// Open loop: seed of the Poisson arrivals (the same seed, the same schedule) [default: 1]
    #[arg(long)]
    pub seed: Option<u64>,
    /// Open loop: most keep-alive connections per user; a request waits for one only when all
    /// of its user's are busy, and the wait counts in its latency [default: 8]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub connections: Option<u32>,
    /// Open loop: after the run, print the resident set (VmRSS) of this process, the server
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,
    /// Password of the IM accounts
    #[arg(long, default_value = DEFAULT_BENCH_PASSWORD)]
    pub password: String,
    /// User names are this prefix and a two-digit number
    #[arg(long, default_value = "im")]
    pub user_prefix: String,
    /// Every user logs in as this one account instead (each with a session of its own), e.g. a
    /// team lead (`lead1`) or the coordinator (`koordination`, with the demo password)
    #[arg(long, value_name = "NAME", conflicts_with = "user_prefix")]
    pub user: Option<String>,
    /// A label for the result line (e.g. "sqlite" or "postgres"); in the closed loop a think time
    /// is added to it (`sqlite, think 1s`)
    #[arg(long, default_value = "")]
    pub label: String,
}

impl RunArgs {
    /// Refuses options of the open loop on a closed loop. (clap's `requires` cannot say this:
    /// it waives the requirement of an argument that conflicts with one present, here `--page`.)
    pub fn check(&self) -> Result<(), String> {
        if self.rate.is_some() {
            return Ok(());
        }
        let open_only = [
            ("--arrivals", self.arrivals.is_some()),
            ("--seed", self.seed.is_some()),
            ("--connections", self.connections.is_some()),
            ("--server-pid", self.server_pid.is_some()),
        ];
        match open_only.iter().find(|(_, given)| *given) {
            Some((flag, _)) => Err(format!("{flag} belongs to the open loop: it needs --rate")),
            None => Ok(()),
        }
    }
}

/// How the open loop spaces its arrivals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ArrivalsArg {
    /// Exactly 1/R apart
    Even,
    /// A Poisson process with mean rate R (exponential gaps), from --seed
    Poisson,
}

/// Parses a positive rate of page views per second.
fn parse_rate(s: &str) -> Result<f64, String> {
    let r: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a rate (page views per second, e.g. 200)"))?;
    if r.is_nan() || r <= 0.0 || r > 100_000.0 {
        return Err(format!(
            "'{s}' is out of range (more than 0, at most 100000)"
        ));
    }
    Ok(r)
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
/// `sealer`: the configured encryption key, which `bench generate` seals the texts with (the server
/// that is measured opens them with it); `bench run` needs none.
pub async fn run(
    cmd: &BenchCommand,
    database: DbConfig,
    sealer: Option<&Sealer>,
) -> Result<(), Failure> {
    match (cmd, sealer) {
        (BenchCommand::Generate(args), Some(sealer)) => generate(database, sealer, args).await,
        (BenchCommand::Generate(_), None) => {
            Err(Failure::new("bench generate needs the encryption key"))
        }
        (BenchCommand::Run(args), _) => load::run(args).await,
        (BenchCommand::Duplicates(args), _) => duplicates::run(database, args).await,
    }
}

async fn generate(database: DbConfig, sealer: &Sealer, args: &GenerateArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let db = ankommen_store::connect(&database)
        .await
        .map_err(|e| Failure::new(e.to_string()))?;
    if let Err(e) = prepare(&db, sealer).await {
        db.close().await;
        return Err(e);
    }
    let params = county::Params {
        clients: args.clients as usize,
        years: args.years,
        seed: args.seed,
        password: args.password.clone(),
    };
    let clock = ankommen_core::SystemClock;
    let result = county::generate(&db, sealer, &clock, &params, |msg| {
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

/// Migrates the database, checks the key against it (recording it in a new database) and runs
/// the start-up conversion of sealed texts, as `ankommen serve` does before it serves.
async fn prepare(db: &ankommen_store::Db, sealer: &Sealer) -> Result<(), Failure> {
    use ankommen_core::kernel::sealed::{self, KeyCheck};
    db.migrate()
        .await
        .map_err(|e| Failure::new(e.to_string()))?;
    let fail =
        |e: ankommen_core::Error| Failure::new(format!("cannot check the encryption key: {e}"));
    if let KeyCheck::Mismatch { recorded_key_id } = sealed::check_encryption_key(db, sealer)
        .await
        .map_err(fail)?
    {
        return Err(Failure::new(format!(
            "the encryption key (key id {}) is not this database's key (key id {recorded_key_id})",
            sealer.key_id()
        )));
    }
    sealed::convert(db, sealer).await.map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        bench: BenchCommand,
    }

    fn run_args(args: &[&str]) -> Result<RunArgs, clap::Error> {
        let mut argv = vec!["bench", "run", "--url", "http://127.0.0.1:1"];
        argv.extend_from_slice(args);
        let invalid = || clap::Error::new(clap::error::ErrorKind::InvalidValue);
        match Cli::try_parse_from(argv)?.bench {
            BenchCommand::Run(r) => r.check().map(|()| r).map_err(|_| invalid()),
            _ => Err(invalid()),
        }
    }

    #[test]
    fn run_is_either_a_closed_or_an_open_loop() {
        let closed = run_args(&["--page", "day", "--think", "1s"]).unwrap();
        assert_eq!(closed.page, Some(PageKind::Day));
        assert_eq!(closed.rate, None);
        let open = run_args(&["--rate", "200", "--arrivals", "poisson", "--seed", "9"]).unwrap();
        assert_eq!(open.rate, Some(200.0));
        assert_eq!(open.arrivals, Some(ArrivalsArg::Poisson));
        assert_eq!(open.seed, Some(9));
        assert_eq!(open.users, None, "the loop decides the default");
        assert_eq!(open.connections, None);
        let open = run_args(&["--rate", "0.5", "--server-pid", "42", "--users", "40"]).unwrap();
        assert_eq!(
            (open.rate, open.server_pid, open.users),
            (Some(0.5), Some(42), Some(40))
        );
        // Neither, both, or open-loop options on a closed loop: refused.
        assert!(run_args(&[]).is_err());
        assert!(run_args(&["--page", "day", "--rate", "200"]).is_err());
        assert!(run_args(&["--rate", "200", "--think", "1s"]).is_err());
        assert!(run_args(&["--page", "day", "--arrivals", "poisson"]).is_err());
        assert!(run_args(&["--page", "day", "--server-pid", "1"]).is_err());
        assert!(run_args(&["--page", "day", "--connections", "2"]).is_err());
        assert!(run_args(&["--rate", "0"]).is_err());
        assert!(run_args(&["--rate", "fast"]).is_err());
    }

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
