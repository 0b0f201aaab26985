//! The `ankommen` binary: configuration, the command line, and running the web server.
//!
//! Every failure ends as one line `error: …` on standard error and exit code 1.

mod admin;
mod cli;
mod config;
mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use ankommen_store::connect::{Backend, ConnectError};
use clap::{CommandFactory, FromArgMatches};
use tracing_subscriber::EnvFilter;

use crate::cli::{AdminCommand, Cli, Command};
use crate::config::{Config, ConfigError, DEFAULT_LOG};

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

/// The id of `--encryption-key-file` in clap's matches.
const ENCRYPTION_KEY_FILE_ARG: &str = "encryption_key_file";

/// The command line of `cli.rs` plus `--encryption-key-file` and its help. (The flag is added here
/// rather than in `cli::GlobalArgs` only to keep this change apart from the command definitions;
/// it moves there, into `Flags`, when that file is next edited.)
fn command() -> clap::Command {
    let cmd = Cli::command();
    let help = format!(
        "{} The key of encryption at rest: ANKOMMEN_ENCRYPTION_KEY_FILE (or encryption_key_file, \
         --encryption-key-file) names the key file, created if missing [default: DIR/ankommen.key]; \
         or ANKOMMEN_ENCRYPTION_KEY holds the key itself (64 hex digits, environment only).",
        cmd.get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default()
    );
    cmd.after_help(help).arg(
        clap::Arg::new(ENCRYPTION_KEY_FILE_ARG)
            .long("encryption-key-file")
            .global(true)
            .value_name("FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Key file of encryption at rest, 64 hex digits; created with mode 0600 if missing [default: DIR/ankommen.key]"),
    )
}

/// Parses the command line; usage errors, --help and --version exit here with clap's own codes.
fn parse_command_line() -> (Cli, Option<PathBuf>) {
    let matches = command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let key_file = matches.get_one::<PathBuf>(ENCRYPTION_KEY_FILE_ARG).cloned();
    (cli, key_file)
}

fn main() -> ExitCode {
    let (cli, key_file) = parse_command_line();
    match run(cli, key_file) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, key_file: Option<PathBuf>) -> Result<(), Failure> {
    let env = config::process_env();
    let cfg = config::resolve_with_key_file(
        &cli.global.flags(),
        key_file,
        &env,
        &config::read_from_disk,
    )?;
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
        }
    })
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

    fn key_file_of(args: &[&str]) -> Option<PathBuf> {
        let matches = command().try_get_matches_from(args).unwrap();
        Cli::from_arg_matches(&matches).unwrap();
        matches.get_one::<PathBuf>(ENCRYPTION_KEY_FILE_ARG).cloned()
    }

    #[test]
    fn encryption_key_file_flag_works_before_and_after_the_subcommand() {
        command().debug_assert();
        assert_eq!(key_file_of(&["ankommen", "serve"]), None);
        assert_eq!(
            key_file_of(&["ankommen", "--encryption-key-file", "/k/a.key", "serve"]),
            Some(PathBuf::from("/k/a.key"))
        );
        assert_eq!(
            key_file_of(&[
                "ankommen",
                "serve",
                "--demo",
                "--encryption-key-file",
                "/k/b.key"
            ]),
            Some(PathBuf::from("/k/b.key"))
        );
        assert_eq!(
            key_file_of(&[
                "ankommen",
                "admin",
                "create-user",
                "--username",
                "chef",
                "--name",
                "Chef",
                "--password-stdin",
                "--encryption-key-file",
                "/k/c.key"
            ]),
            Some(PathBuf::from("/k/c.key"))
        );
        let help = command().render_long_help().to_string();
        assert!(help.contains("--encryption-key-file <FILE>"), "{help}");
        assert!(help.contains("ANKOMMEN_ENCRYPTION_KEY_FILE"), "{help}");
    }

    #[test]
    fn failures_are_one_line() {
        let f = Failure::new("first\nsecond  third\r\n");
        assert_eq!(f.to_string(), "first second third");
    }
}
