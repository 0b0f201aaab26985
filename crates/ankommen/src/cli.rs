//! The command line: commands and flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Flags;

const AFTER_HELP: &str = "\
Settings come from (later wins): built-in defaults, the TOML config file (--config or \
ANKOMMEN_CONFIG), environment variables (ANKOMMEN_LISTEN, ANKOMMEN_DATA_DIR, ANKOMMEN_DATABASE_URL, \
ANKOMMEN_PUBLIC_URL, ANKOMMEN_SECURE_COOKIES, ANKOMMEN_IDLE_TIMEOUT_MINUTES, \
ANKOMMEN_ABSOLUTE_TIMEOUT_HOURS, ANKOMMEN_TRUSTED_PROXIES, ANKOMMEN_LOG, ANKOMMEN_MAX_CONNECTIONS, \
ANKOMMEN_REQUEST_TIMEOUT_SECONDS; each also as NAME_FILE holding the value in a file), and flags.";

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
}

impl GlobalArgs {
    pub fn flags(&self) -> Flags {
        Flags {
            listen: self.listen.clone(),
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            config: self.config.clone(),
            public_url: self.public_url.clone(),
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
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Demo mode: a fresh fictional county in DATA_DIR/demo.sqlite, reset on every start; loopback only
    #[arg(long)]
    pub demo: bool,
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
