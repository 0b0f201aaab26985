//! The command line: commands and flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Flags;

const AFTER_HELP: &str = "\
Settings come from (later wins): built-in defaults, the TOML config file (--config or \
ANKOMMEN_CONFIG), environment variables (ANKOMMEN_LISTEN, ANKOMMEN_DATA_DIR, ANKOMMEN_DATABASE_URL, \
ANKOMMEN_PUBLIC_URL, ANKOMMEN_SECURE_COOKIES, ANKOMMEN_IDLE_TIMEOUT_MINUTES, \
ANKOMMEN_ABSOLUTE_TIMEOUT_HOURS, ANKOMMEN_TRUSTED_PROXIES, ANKOMMEN_LOG, ANKOMMEN_MAX_CONNECTIONS, \
ANKOMMEN_REQUEST_TIMEOUT_SECONDS, ANKOMMEN_METRICS_LISTEN, ANKOMMEN_METRICS_TOKEN; each also as NAME_FILE \
holding the value in a file), and flags. Metrics (/metrics, Prometheus text format) are off by default: \
ANKOMMEN_METRICS_LISTEN (metrics_listen) serves them on a second address of their own; \
ANKOMMEN_METRICS_TOKEN_FILE (metrics_token_file) serves them on the main address to requests with \
`Authorization: Bearer <token>` (at least 32 characters); without it /metrics answers 404. \
The key of encryption at rest: ANKOMMEN_ENCRYPTION_KEY_FILE (or encryption_key_file, \
--encryption-key-file) names the key file, created if missing [default: DIR/ankommen.key]; or \
ANKOMMEN_ENCRYPTION_KEY holds the key itself (64 hex digits, environment only; not together with \
ANKOMMEN_ENCRYPTION_KEY_FILE).";

/// ankommen: case management for integration management.
#[derive(Debug, Parser)]
#[command(name = "ankommen", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted before or after any subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Address to listen on, IP:PORT [default: 127.0.0.1:8080]
    #[arg(long, global = true, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Directory for the SQLite database [default: ./data]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://DIR/ankommen.sqlite]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// TOML config file
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The address people use to reach ankommen, e.g. https://ankommen.example.org
    #[arg(long, global = true, value_name = "URL")]
    pub public_url: Option<String>,
    /// Key file of encryption at rest, 64 hex digits; created with mode 0600 if missing [default: DIR/ankommen.key]
    #[arg(long, global = true, value_name = "FILE")]
    pub encryption_key_file: Option<PathBuf>,
}

impl GlobalArgs {
    pub fn flags(&self) -> Flags {
        Flags {
            listen: self.listen.clone(),
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            config: self.config.clone(),
            public_url: self.public_url.clone(),
            encryption_key_file: self.encryption_key_file.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (migrates the database first)
    Serve(ServeArgs),
    /// Apply pending database migrations and exit
    Migrate,
    /// Administration tasks
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The key figures of figures.md for the whole deployment (an operator's command; audited)
    Figures(FiguresArgs),
    /// Import an exchange file (JSON Lines, format version 1): an operator's command; audited
    Import(ImportArgs),
    /// Possible duplicate people of one organisation: pairs with both records' external ids and
    /// the score, no names (an operator's command; audited)
    Duplicates(DuplicatesArgs),
    /// Export one organisation's data as an exchange file: an operator's command; audited
    Export(ExportArgs),
    /// Benchmark tooling: a county-sized dataset and a load runner (see docs/benchmarks.md)
    #[command(subcommand)]
    Bench(ankommen_bench::BenchCommand),
    /// The encryption key of the special-category data
    #[command(subcommand)]
    Key(KeyCommand),
    /// The audit log's hash chain
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Erasure at the end of the retention periods
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// A consistent copy of the database while the server runs (SQLite: VACUUM INTO, checked;
    /// PostgreSQL: pg_dump --format=custom); never overwrites FILE
    Backup(BackupArgs),
    /// Restore a backup into an empty data directory (SQLite) or an empty database (PostgreSQL:
    /// pg_restore), then migrate it
    Restore(RestoreArgs),
    /// Load the configuration as serve would and report every problem found, without starting
    /// (exit code 1 with one line per problem)
    CheckConfig,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore (made by `ankommen backup`)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Run the erasure now (the server runs it every night): erases the due cases without a hold,
    /// the kept facts and audit events past their time; prints what it did (counts, no content)
    Run,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Seal the events not yet sealed, check the whole chain and name the first broken link
    /// (exit code 1 when it is broken); the outcome is shown on the data-protection officer's page
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a new key, seal every stored value again under it, retire the old key; the
    /// servers keep serving (see docs/operations.md). Resumes a rotation that was stopped.
    Rotate,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Demo mode: a fresh fictional county in DATA_DIR/demo.sqlite, reset on every start; loopback only
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("question").required(true).args(["at", "from", "ended_up_to"])))]
pub struct FiguresArgs {
    /// The stock at this date (YYYY-MM-DD)
    #[arg(long, value_name = "D")]
    pub at: Option<String>,
    /// A period from this date (with --to)
    #[arg(long, value_name = "A", requires = "to")]
    pub from: Option<String>,
    /// A period up to this date (with --from)
    #[arg(long, value_name = "B", requires = "from")]
    pub to: Option<String>,
    /// Counselling ended so far, up to this date
    #[arg(long, value_name = "D")]
    pub ended_up_to: Option<String>,
    /// Review interval for the quality indicators [default: the working rules]
    #[arg(long, value_name = "N")]
    pub review_interval_months: Option<u32>,
    /// Contact allowance FIRST_MONTHS:DAYS_IN_FIRST:DAYS_AFTER [default: the working rules]
    #[arg(long, value_name = "F:D1:D2")]
    pub contact_allowance: Option<String>,
    /// Output format (only json so far)
    #[arg(long, value_name = "FORMAT", default_value = "json")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The exchange file (JSON Lines)
    #[arg(value_name = "FILE.jsonl")]
    pub file: std::path::PathBuf,
    /// Check the file and report what would happen, without writing anything
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    /// The organisation's id (as on the administrator's organisation list)
    #[arg(long, value_name = "ID")]
    pub organisation: i64,
    /// Output format: text (a table) or csv (`;`-separated, for spreadsheets)
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "csv"])]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The organisation: its id in ankommen, or its id in the exchange file it was imported from
    #[arg(long, value_name = "ID")]
    pub organisation: String,
    /// The role the export is made for (im, team_lead, coordinator, municipal_officer, admin,
    /// dpo); special-category content only for im
    #[arg(long, value_name = "ROLE", default_value = "admin")]
    pub for_role: String,
    /// What the export is for (stated in the file's header)
    #[arg(long, value_name = "TEXT", default_value = "migration")]
    pub purpose: String,
    /// Write the file here instead of to standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a staff account with a password (e.g. the first administrator)
    CreateUser(CreateUserArgs),
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// Login name: 3-64 characters of a-z, 0-9, '.', '-', '_'
    #[arg(long, value_name = "U")]
    pub username: String,
    /// Display name, e.g. "Sabine Adler"
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// Role (repeatable): im, team_lead, coordinator, municipal_officer, admin, dpo [default: admin]
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Organisation by exact name; created as the county office while the deployment has none
    #[arg(long, value_name = "NAME", default_value = "Landratsamt")]
    pub organisation: String,
    /// Read the password from this file (one trailing newline is removed)
    #[arg(long, value_name = "FILE", conflicts_with = "password_stdin")]
    pub password_file: Option<PathBuf>,
    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "ankommen",
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:1",
            "--data-dir",
            "/d",
        ])
        .unwrap();
        assert_eq!(cli.global.listen.as_deref(), Some("127.0.0.1:1"));
        assert_eq!(cli.global.data_dir, Some(PathBuf::from("/d")));
        assert!(matches!(
            cli.command,
            Command::Serve(ServeArgs { demo: true })
        ));
        let cli =
            Cli::try_parse_from(["ankommen", "--database-url", "sqlite:///x", "migrate"]).unwrap();
        assert_eq!(cli.global.database_url.as_deref(), Some("sqlite:///x"));
        assert!(matches!(cli.command, Command::Migrate));
    }

    fn key_file_of(args: &[&str]) -> Option<PathBuf> {
        let cli = Cli::try_parse_from(args).unwrap();
        assert_eq!(
            cli.global.flags().encryption_key_file,
            cli.global.encryption_key_file
        );
        cli.global.encryption_key_file
    }

    #[test]
    fn encryption_key_file_flag_works_before_and_after_the_subcommand() {
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
    }

    #[test]
    fn help_lists_the_encryption_key_settings() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("--encryption-key-file <FILE>"), "{help}");
        assert!(help.contains("ANKOMMEN_ENCRYPTION_KEY_FILE"), "{help}");
        assert!(
            help.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|w| w == "ANKOMMEN_ENCRYPTION_KEY"),
            "{help}"
        );
        // Global flags are listed in the help of subcommands, too.
        let mut cmd = Cli::command();
        cmd.build();
        let serve = cmd.find_subcommand_mut("serve").unwrap();
        let help = serve.render_long_help().to_string();
        assert!(help.contains("--encryption-key-file <FILE>"), "{help}");
    }

    #[test]
    fn create_user_defaults_and_repeated_roles() {
        let cli = Cli::try_parse_from([
            "ankommen",
            "admin",
            "create-user",
            "--username",
            "chef",
            "--name",
            "Chef",
            "--password-stdin",
        ])
        .unwrap();
        let Command::Admin(AdminCommand::CreateUser(a)) = cli.command else {
            panic!("wrong command")
        };
        assert_eq!(a.organisation, "Landratsamt");
        assert!(a.roles.is_empty());
        assert!(a.password_stdin);
        let cli = Cli::try_parse_from([
            "ankommen",
            "admin",
            "create-user",
            "--username",
            "x.y",
            "--name",
            "X",
            "--role",
            "im",
            "--role",
            "team_lead",
        ])
        .unwrap();
        let Command::Admin(AdminCommand::CreateUser(a)) = cli.command else {
            panic!("wrong command")
        };
        assert_eq!(a.roles, vec!["im", "team_lead"]);
    }

    #[test]
    fn password_sources_exclude_each_other() {
        let r = Cli::try_parse_from([
            "ankommen",
            "admin",
            "create-user",
            "--username",
            "chef",
            "--name",
            "Chef",
            "--password-stdin",
            "--password-file",
            "/p",
        ]);
        assert!(r.is_err());
    }
}
