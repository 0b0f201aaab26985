//! The `ankommen` binary: configuration, the command line, and running the web server.
//!
//! Every failure ends as one line `error: …` on standard error and exit code 1.

mod admin;
mod audit;
mod backup;
mod check_config;
mod cli;
mod config;
mod duplicates;
mod export;
mod figures;
mod import;
mod key;
mod serve;

use std::io::IsTerminal;
use std::process::ExitCode;

use ankommen_store::connect::{Backend, ConnectError};
use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::{AdminCommand, AuditCommand, Cli, Command, KeyCommand, RetentionCommand};
use crate::config::{Config, ConfigError, DEFAULT_LOG};

/// mimalloc instead of the system allocator: measured on the request path (many small allocations
/// handed between the async runtime's and the SQLite driver's threads), see `docs/benchmarks.md`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A failure reported to the person at the terminal: one line, exit code 1.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Always a single line, whatever a lower layer put into the message.
        let mut first = true;
        for part in self.0.split_whitespace() {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(part)?;
            first = false;
        }
        Ok(())
    }
}

impl From<ConnectError> for Failure {
    fn from(e: ConnectError) -> Self {
        Self(e.to_string())
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Self(e.to_string())
    }
}

fn main() -> ExitCode {
    // Usage errors, --help and --version are handled (and exit) here, with clap's own exit codes.
    let cli = Cli::parse();
    if matches!(cli.command, Command::CheckConfig) {
        // Reports every problem itself, one line each, instead of stopping at the first.
        restrict_new_files();
        return check_config::run(&cli.global.flags());
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Everything ankommen creates — the database and its journal files, the encryption key, anything
/// else in the data directory — is readable by the service user only, whatever umask the
/// operator's environment set (files 0600, directories 0700).
fn restrict_new_files() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

fn run(cli: Cli) -> Result<(), Failure> {
    restrict_new_files();
    let env = config::process_env();
    let cfg = config::resolve(&cli.global.flags(), &env, &config::read_from_disk)?;
    init_logging(&cfg, matches!(cli.command, Command::Serve(_)));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        match &cli.command {
            Command::Serve(args) => serve::run(&cfg, args.demo).await,
            Command::Migrate => migrate(&cfg).await,
            Command::Admin(AdminCommand::CreateUser(args)) => admin::create_user(&cfg, args).await,
            Command::Figures(args) => figures::run(&cfg, args).await,
            Command::Import(args) => import::run(&cfg, args).await,
            Command::Duplicates(args) => duplicates::run(&cfg, args).await,
            Command::Export(args) => export::run(&cfg, args).await,
            Command::Bench(cmd) => bench(&cfg, cmd).await,
            Command::Key(KeyCommand::Rotate) => key::rotate(&cfg).await,
            Command::Audit(AuditCommand::Verify) => audit::verify(&cfg).await,
            Command::Retention(RetentionCommand::Run) => audit::retention(&cfg).await,
            Command::Backup(args) => backup::backup(&cfg, &args.file).await,
            Command::Restore(args) => backup::restore(&cfg, &args.file).await,
            // Handled in `main` before the configuration is resolved.
            Command::CheckConfig => Ok(()),
        }
    })
}

/// `ankommen bench …`: the benchmark tooling lives in the `ankommen-bench` crate; the binary only
/// hands it the configured database.
async fn bench(cfg: &Config, cmd: &ankommen_bench::BenchCommand) -> Result<(), Failure> {
    let database = ankommen_store::DbConfig {
        url: cfg.database_url(),
        max_connections: cfg.max_connections,
    };
    // `bench generate` seals the texts it writes with the configured key; `bench run` talks HTTP.
    let sealer = match cmd {
        ankommen_bench::BenchCommand::Generate(_) => Some(serve::load_sealer(cfg)?.0),
        ankommen_bench::BenchCommand::Run(_) | ankommen_bench::BenchCommand::Duplicates(_) => None,
    };
    ankommen_bench::run(cmd, database, sealer.as_ref())
        .await
        .map_err(|e| Failure::new(e.to_string()))
}

async fn migrate(cfg: &Config) -> Result<(), Failure> {
    let db = serve::open_and_migrate(cfg, cfg.database_url()).await?;
    let backend = match db.backend() {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    db.close().await;
    println!("database migrated ({backend})");
    Ok(())
}

/// Logs go to standard error. One-shot commands log only warnings unless a filter is configured,
/// so their output stays readable; the server logs at the configured level (default `info`).
fn init_logging(cfg: &Config, server: bool) {
    let fallback = if server { DEFAULT_LOG } else { "warn" };
    let wanted = cfg.log.as_deref().unwrap_or(fallback);
    let (filter, invalid) = match EnvFilter::try_new(wanted) {
        Ok(f) => (f, None),
        Err(e) => (EnvFilter::new(fallback), Some(e.to_string())),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
    if let Some(e) = invalid {
        tracing::warn!("the log filter is invalid ({e}); using \"{fallback}\"");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_one_line() {
        let f = Failure::new("first\nsecond  third\r\n");
        assert_eq!(f.to_string(), "first second third");
    }
}
