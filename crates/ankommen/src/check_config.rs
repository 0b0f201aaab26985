//! `ankommen check-config`: the configuration loaded exactly as `serve` loads it (config file,
//! environment, `*_FILE` variables, flags), then what `serve` would meet at start looked at
//! without starting and without changing anything: the listen address, the data directory, the
//! encryption key, the database and the cookie settings (decision 0036). The only trace it leaves
//! is a probe file created and removed again in the data directory.
//!
//! Every problem is one line `error: …` on standard error (exit code 1); what is fine or only
//! worth knowing goes to standard output. The database URL is never printed (it may hold a
//! password).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ankommen_core::kernel::sealed;
use ankommen_core::kernel::sealing::Sealer;
use ankommen_store::connect::{Backend, sqlite_path};
use ankommen_store::sea_orm::{ConnectionTrait, Statement};
use ankommen_store::{Db, DbConfig, Migrator, connect};
use sea_orm_migration::MigratorTrait;

use crate::config::{self, Config, ENV_ENCRYPTION_KEY, EncryptionKey, Flags, Resolution};

/// What the checks found.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
    notes: Vec<String>,
}

impl Findings {
    fn problem(&mut self, line: impl Into<String>) {
        self.problems.push(line.into());
    }
    fn note(&mut self, line: impl Into<String>) {
        self.notes.push(line.into());
    }
}

pub fn run(flags: &Flags) -> ExitCode {
    let env = config::process_env();
    let resolution = config::resolve_all(flags, &env, &config::read_from_disk);
    let mut f = Findings::default();
    for p in &resolution.problems {
        f.problem(p.error.to_string());
    }
    check(&resolution, &mut f);
    for line in &f.notes {
        println!("{line}");
    }
    if f.problems.is_empty() {
        println!("configuration OK");
        return ExitCode::SUCCESS;
    }
    for line in &f.problems {
        // One line each, whatever a lower layer put into the message.
        eprintln!("error: {}", one_line(line));
    }
    ExitCode::FAILURE
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Everything after the settings themselves; a setting whose value was broken is not looked at
/// further (its problem is already reported).
fn check(r: &Resolution, f: &mut Findings) {
    if r.broken("config") {
        // Without the file the settings are not the ones serve would use: looking further
        // would report on values nobody configured.
        return;
    }
    let cfg = &r.config;
    if !r.broken("log") {
        check_log(cfg, f);
    }
    if !r.broken("listen") {
        check_listen(cfg, f);
    }
    if !r.broken("public_url") && !r.broken("secure_cookies") {
        check_cookies(cfg, f);
    }
    let data_dir_ok = !r.broken("data_dir") && check_data_dir(&cfg.data_dir, f);
    let sealer = if r.broken("encryption_key_file") {
        None
    } else {
        check_key(cfg, f)
    };
    let database_checkable =
        !r.broken("database_url") && (cfg.backend == Backend::Postgres || data_dir_ok);
    if database_checkable {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(check_database(cfg, sealer.as_ref(), f)),
            Err(e) => f.problem(format!("cannot start the runtime: {e}")),
        }
    }
}

fn check_log(cfg: &Config, f: &mut Findings) {
    if let Some(filter) = &cfg.log
        && let Err(e) = tracing_subscriber::EnvFilter::try_new(filter)
    {
        f.problem(format!("log: the filter '{filter}' is invalid ({e})"));
    }
}

fn check_listen(cfg: &Config, f: &mut Findings) {
    match std::net::TcpListener::bind(cfg.listen) {
        Ok(_) => f.note(format!("listen address {}: free", cfg.listen)),
        // Most likely the running server itself: not a problem of the configuration.
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => f.note(format!(
            "listen address {}: in use now (by the running server?)",
            cfg.listen
        )),
        Err(e) => f.problem(format!("cannot listen on {}: {e}", cfg.listen)),
    }
}

fn check_cookies(cfg: &Config, f: &mut Findings) {
    let https = cfg.base_url().starts_with("https://");
    if https && !cfg.secure_cookies {
        f.problem(
            "secure_cookies is off while the public URL is https: the session cookie would also be sent over plain http (leave it at auto, or set it to true)",
        );
    }
    if !https && cfg.secure_cookies {
        f.problem(format!(
            "secure_cookies is on while the public URL is {}: browsers do not send a Secure cookie over http, so nobody could log in (set public_url to the https address)",
            cfg.base_url()
        ));
    }
    if !https && !cfg.listen.ip().is_loopback() {
        f.note(format!(
            "the public URL {} is not https although the server listens on {}: put a TLS-terminating proxy in front and set public_url to its https address",
            cfg.base_url(),
            cfg.listen
        ));
    }
}

/// Whether the data directory can be used (it exists and is writable, or can be created).
fn check_data_dir(dir: &Path, f: &mut Findings) -> bool {
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            f.problem(format!(
                "the data directory {} is not a directory",
                dir.display()
            ));
            false
        }
        Ok(_) => match writable(dir) {
            Ok(()) => {
                f.note(format!("data directory {}: writable", dir.display()));
                true
            }
            Err(e) => {
                f.problem(format!(
                    "the data directory {} is not writable: {e}",
                    dir.display()
                ));
                false
            }
        },
        Err(_) => {
            // `serve` creates it (and its parents): that needs the nearest existing one writable.
            let parent = dir
                .ancestors()
                .skip(1)
                .find(|a| !a.as_os_str().is_empty() && a.exists())
                .unwrap_or(Path::new("."));
            match writable(parent) {
                Ok(()) => {
                    f.note(format!(
                        "data directory {}: does not exist yet; serve creates it",
                        dir.display()
                    ));
                    true
                }
                Err(e) => {
                    f.problem(format!(
                        "the data directory {} does not exist and cannot be created ({} is not writable: {e})",
                        dir.display(),
                        parent.display()
                    ));
                    false
                }
            }
        }
    }
}

/// Whether this process can create files in `dir`: a file is created and removed again (as
/// `serve` probes its data directory), so that a read-only mount, a full inode table or a
/// pseudo file system shows as well as the permissions (which an administrator ignores).
fn writable(dir: &Path) -> std::io::Result<()> {
    if !dir.is_dir() {
        return Err(std::io::Error::other("not a directory"));
    }
    let probe = dir.join(format!(".ankommen-check-config-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

/// The key as `serve` would load it; None when it is not there yet or does not load.
fn check_key(cfg: &Config, f: &mut Findings) -> Option<Sealer> {
    match &cfg.encryption_key {
        EncryptionKey::Value(hex) => match Sealer::from_hex(hex) {
            Ok(s) => {
                f.note(format!(
                    "encryption key: from {ENV_ENCRYPTION_KEY} (key id {})",
                    s.key_id()
                ));
                Some(s)
            }
            Err(e) => {
                f.problem(format!("{ENV_ENCRYPTION_KEY}: {e}"));
                None
            }
        },
        EncryptionKey::File(path) if path.exists() || path.is_symlink() => {
            match Sealer::load(path) {
                Ok(s) => {
                    f.note(format!(
                        "encryption key: {} (key id {})",
                        path.display(),
                        s.key_id()
                    ));
                    Some(s)
                }
                Err(e) => {
                    f.problem(e.to_string());
                    None
                }
            }
        }
        EncryptionKey::File(path) => {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            // The default key file's directory is the data directory, which serve creates.
            let creatable = dir.is_none_or(|d| d == cfg.data_dir || d.is_dir());
            if creatable {
                f.note(format!(
                    "encryption key: {} does not exist yet; serve creates it with a new key (unless the database already has one: see below)",
                    path.display()
                ));
            } else {
                f.problem(format!(
                    "the directory of the key file {} does not exist",
                    path.display()
                ));
            }
            None
        }
    }
}

async fn check_database(cfg: &Config, sealer: Option<&Sealer>, f: &mut Findings) {
    let url = cfg.database_url();
    if cfg.backend == Backend::Sqlite {
        let file = PathBuf::from(sqlite_path(&url));
        if !file.exists() {
            f.note(format!(
                "database: {} does not exist yet; serve creates it",
                file.display()
            ));
            return;
        }
    }
    if cfg.backend == Backend::Postgres
        && let Err(e) = reach_postgres(&url)
    {
        // The pool would retry a refused connection until its timeout and then only say that
        // it timed out; the server's address is the useful part.
        f.problem(format!("the database cannot be reached: {e}"));
        return;
    }
    let db = match connect(&DbConfig {
        url,
        max_connections: 1,
    })
    .await
    {
        Ok(db) => db,
        Err(e) => {
            f.problem(e.to_string());
            return;
        }
    };
    let kind = match cfg.backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    f.note(format!("database ({kind}): reachable"));
    check_migrations(&db, f).await;
    check_database_key(cfg, &db, sealer, f).await;
    db.close().await;
}

/// Whether the PostgreSQL server of a URL accepts connections at all: its Unix socket exists
/// (`?host=/dir`), or a TCP connection to host:port opens within a few seconds. The error names
/// the server's address, never the URL (which may hold a password).
fn reach_postgres(database_url: &str) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let url = url::Url::parse(database_url).map_err(|e| format!("the URL does not parse: {e}"))?;
    let port = url.port().unwrap_or(5432);
    let socket_dir = url
        .query_pairs()
        .find(|(k, _)| k == "host")
        .map(|(_, v)| v.into_owned())
        .filter(|h| h.starts_with('/'));
    if let Some(dir) = socket_dir {
        let socket = Path::new(&dir).join(format!(".s.PGSQL.{port}"));
        return if socket.exists() {
            Ok(())
        } else {
            Err(format!("there is no server socket {}", socket.display()))
        };
    }
    let host = url.host_str().unwrap_or("localhost");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let mut last = format!("{host} has no address");
    for addr in addrs {
        match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(3)) {
            Ok(_) => return Ok(()),
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(last)
}

/// Pending migrations are normal (serve applies them); migrations this version does not know
/// mean a newer version ran on the database.
async fn check_migrations(db: &Db, f: &mut Findings) {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let backend = db.reader().get_database_backend();
    let applied: Vec<String> = match db
        .reader()
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
    {
        Ok(rows) => rows
            .iter()
            .filter_map(|r| r.try_get::<String>("", "version").ok())
            .collect(),
        // No table of migrations yet: an empty database.
        Err(_) => Vec::new(),
    };
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        f.problem(format!(
            "the database was migrated by a newer version of ankommen (migration {unknown} is unknown to this one)"
        ));
        return;
    }
    let pending = known.iter().filter(|k| !applied.contains(k)).count();
    if pending > 0 {
        f.note(format!(
            "database: {pending} migration(s) pending; serve (or ankommen migrate) applies them"
        ));
    }
}

/// The key against the database's check value, as `serve` checks it, without recording one.
async fn check_database_key(cfg: &Config, db: &Db, sealer: Option<&Sealer>, f: &mut Findings) {
    let Ok(Some(recorded)) = sealed::current_key_id(db.reader(), false).await else {
        return;
    };
    match (sealer, &cfg.encryption_key) {
        (Some(s), _) if !s.holds(&recorded) => f.problem(format!(
            "the encryption key (key id {}) is not this database's key (key id {recorded}): serve would refuse to start; configure the database's key",
            s.key_id()
        )),
        (Some(_), _) => f.note(format!("database: sealed under key id {recorded}, which is configured")),
        (None, EncryptionKey::File(path)) if !path.exists() => f.problem(format!(
            "the key file {} is missing, and the database's encrypted fields need key id {recorded}: put its key file back (serve would refuse to start)",
            path.display()
        )),
        (None, _) => {}
    }
}
