//! `ankommen backup FILE` and `ankommen restore FILE` (decision 0036).
//!
//! SQLite: the backup is `VACUUM INTO` a new file beside FILE on a reader connection (one
//! snapshot while the server keeps writing), checked with `PRAGMA integrity_check`, then moved to
//! FILE without ever replacing a file. The restore copies FILE to a scratch name in the data
//! directory, checks it, migrates it and only then gives it the database's name.
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction`, the password
//! handed to them in `PGPASSWORD`, never on a command line.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use ankommen_core::kernel::audit::chain;
use ankommen_core::kernel::sealed;
use ankommen_store::connect::{Backend, sqlite_path, sqlite_url_for};
use ankommen_store::{Db, DbConfig, connect};

use crate::Failure;
use crate::config::Config;
use crate::serve::open_and_migrate;

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub async fn backup(cfg: &Config, file: &Path) -> Result<(), Failure> {
    refuse_existing(file)?;
    let partial = scratch_name(file, "partial")?;
    let result = match cfg.backend {
        Backend::Sqlite => backup_sqlite(cfg, &partial).await,
        Backend::Postgres => backup_postgres(cfg, &partial),
    };
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            remove_scratch(&partial);
            return Err(e);
        }
    };
    if let Err(e) = put_in_place(&partial, file) {
        remove_scratch(&partial);
        return Err(e);
    }
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup written to {}: {size} bytes; {summary}",
        file.display()
    );
    Ok(())
}

pub async fn restore(cfg: &Config, file: &Path) -> Result<(), Failure> {
    match std::fs::metadata(file) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(Failure::new(format!("{} is not a file", file.display()))),
        Err(e) => return Err(Failure::new(format!("cannot read {}: {e}", file.display()))),
    }
    match cfg.backend {
        Backend::Sqlite => restore_sqlite(cfg, file).await,
        Backend::Postgres => restore_postgres(cfg, file).await,
    }
}

// ---------------------------------------------------------------------------------------------
// SQLite

async fn backup_sqlite(cfg: &Config, partial: &Path) -> Result<String, Failure> {
    let url = cfg.database_url();
    let source = PathBuf::from(sqlite_path(&url));
    if !source.is_file() {
        return Err(Failure::new(format!(
            "there is no database at {} to back up",
            source.display()
        )));
    }
    let db = open(&url).await?;
    let copied = db.copy_into(partial).await;
    db.close().await;
    copied.map_err(|e| Failure::new(format!("cannot copy the database: {e}")))?;
    let (db, _) = open_scratch(partial).await?;
    let checked = check_copy(&db).await;
    db.close().await;
    let head = checked?;
    folded(partial)?;
    Ok(format!("SQLite, integrity check ok; {head}"))
}

async fn restore_sqlite(cfg: &Config, file: &Path) -> Result<(), Failure> {
    let url = cfg.database_url();
    let target = PathBuf::from(sqlite_path(&url));
    for existing in [
        target.clone(),
        sibling(&target, "-wal"),
        sibling(&target, "-shm"),
    ] {
        if existing.exists() {
            return Err(Failure::new(format!(
                "{} exists: restore only into an empty data directory (move the database and its -wal/-shm files away first)",
                existing.display()
            )));
        }
    }
    let mut header = [0u8; 16];
    let read = File::open(file).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header));
    if read.is_err() || &header != SQLITE_HEADER {
        return Err(Failure::new(format!(
            "{} is not a SQLite backup (a PostgreSQL backup is restored with a postgres:// database URL)",
            file.display()
        )));
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::new(format!(
            "cannot create the directory {}: {e}",
            dir.display()
        ))
    })?;
    let scratch = scratch_name(&target, "restoring")?;
    remove_scratch(&scratch);
    let result = async {
        std::fs::copy(file, &scratch).map_err(|e| {
            Failure::new(format!(
                "cannot copy {} to {}: {e}",
                file.display(),
                scratch.display()
            ))
        })?;
        restrict(&scratch)?;
        let (db, scratch_url) = open_scratch(&scratch).await?;
        let checked = async {
            let problems = db
                .integrity_problems()
                .await
                .map_err(|e| Failure::new(format!("cannot check the backup: {e}")))?;
            if let Some(first) = problems.first() {
                return Err(Failure::new(format!(
                    "the backup {} fails its integrity check ({} problem(s)), first: {first}",
                    file.display(),
                    problems.len()
                )));
            }
            if !has_migrations_table(&db).await? {
                return Err(Failure::new(format!(
                    "{} is not an ankommen database",
                    file.display()
                )));
            }
            Ok(())
        }
        .await;
        db.close().await;
        checked?;
        // An older backup comes up to date here, before it takes the database's place.
        let db = open_and_migrate(cfg, scratch_url).await?;
        let summary = describe(&db).await;
        db.close().await;
        let summary = summary?;
        folded(&scratch)?;
        put_in_place(&scratch, &target)?;
        Ok(summary)
    }
    .await;
    match result {
        Ok(summary) => {
            let size = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
            println!(
                "restored {} into {}: {size} bytes; integrity check ok, migrated; {summary}",
                file.display(),
                target.display()
            );
            Ok(())
        }
        Err(e) => {
            remove_scratch(&scratch);
            Err(e)
        }
    }
}

/// Opens a scratch copy through the store (the same settings as the server's connections).
async fn open_scratch(path: &Path) -> Result<(Db, String), Failure> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Failure::new(format!("{} is not a usable file name", path.display())))?;
    let url = sqlite_url_for(dir, name);
    Ok((open(&url).await?, url))
}

async fn open(url: &str) -> Result<Db, Failure> {
    Ok(connect(&DbConfig {
        url: url.to_string(),
        max_connections: 1,
    })
    .await?)
}

/// The integrity check of a fresh copy and, if it passes, the copy's audit chain head.
async fn check_copy(db: &Db) -> Result<String, Failure> {
    let problems = db
        .integrity_problems()
        .await
        .map_err(|e| Failure::new(format!("cannot check the copy: {e}")))?;
    if let Some(first) = problems.first() {
        return Err(Failure::new(format!(
            "the copy fails its integrity check ({} problem(s)), first: {first}; nothing was written",
            problems.len()
        )));
    }
    describe(db).await
}

/// The audit chain's head and the key the encrypted fields are sealed under, in a few words.
async fn describe(db: &Db) -> Result<String, Failure> {
    let head = chain::stored_head(db)
        .await
        .map_err(|e| Failure::new(format!("cannot read the audit chain: {e}")))?;
    let key = sealed::current_key_id(db.reader(), false)
        .await
        .map_err(|e| Failure::new(format!("cannot read the key's check value: {e}")))?;
    let head = match head {
        Some((seq, hash)) => format!("audit chain head link {seq}, hash {hash}"),
        None => "the audit chain is empty".into(),
    };
    Ok(match key {
        Some(id) => format!("{head}; encrypted fields need key id {id}"),
        None => head,
    })
}

async fn has_migrations_table(db: &Db) -> Result<bool, Failure> {
    use ankommen_store::sea_orm::{ConnectionTrait, DbBackend, Statement};
    let row = db
        .reader()
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COUNT(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = 'seaql_migrations'",
        ))
        .await
        .map_err(|e| Failure::new(format!("cannot read the backup: {e}")))?;
    Ok(row
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .is_some_and(|n| n > 0))
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

fn backup_postgres(cfg: &Config, partial: &Path) -> Result<String, Failure> {
    let pg_dump = program("pg_dump")?;
    let target = Libpq::of(&cfg.database_url())?;
    let mut cmd = Command::new(&pg_dump);
    cmd.arg("--format=custom")
        .arg("--no-password")
        .arg(OsString::from(format!("--file={}", partial.display())));
    run(&mut target.connect(cmd), "pg_dump")?;
    sync_file(partial)?;
    // The archive's table of contents reads back: the file is a whole dump.
    let pg_restore = program("pg_restore")?;
    let mut list = Command::new(&pg_restore);
    list.arg("--list").arg(partial);
    let toc = run(&mut list, "pg_restore --list")?;
    let entries = toc
        .lines()
        .filter(|l| !l.starts_with(';') && !l.trim().is_empty())
        .count();
    Ok(format!(
        "PostgreSQL custom-format archive of {entries} entries, read back with pg_restore --list"
    ))
}

async fn restore_postgres(cfg: &Config, file: &Path) -> Result<(), Failure> {
    let pg_restore = program("pg_restore")?;
    let url = cfg.database_url();
    let db = open(&url).await?;
    let tables = db.table_count().await;
    db.close().await;
    let tables = tables.map_err(|e| Failure::new(format!("cannot read the database: {e}")))?;
    if tables > 0 {
        return Err(Failure::new(format!(
            "the database holds {tables} table(s): restore only into an empty database (createdb a new one and point the database URL at it)"
        )));
    }
    let target = Libpq::of(&url)?;
    let mut cmd = Command::new(&pg_restore);
    // One transaction: an error anywhere leaves the database as empty as it was. Objects belong
    // to the role of the database URL (the one that runs the migrations); the archive's grants
    // are restored (their roles must exist).
    cmd.arg("--single-transaction")
        .arg("--exit-on-error")
        .arg("--no-owner")
        .arg("--no-password");
    let mut cmd = target.connect(cmd);
    cmd.arg(file);
    run(&mut cmd, "pg_restore")?;
    // An older backup comes up to date.
    let db = open_and_migrate(cfg, url).await?;
    let summary = describe(&db).await;
    db.close().await;
    let summary = summary?;
    println!(
        "restored {} into the configured PostgreSQL database; migrated; {summary}",
        file.display()
    );
    Ok(())
}

/// Where and how pg_dump/pg_restore connect: the database URL without its password (libpq reads
/// a URI), and the password for `PGPASSWORD`.
struct Libpq {
    uri: String,
    password: Option<String>,
}

impl Libpq {
    fn of(database_url: &str) -> Result<Self, Failure> {
        let mut url = url::Url::parse(database_url)
            .map_err(|e| Failure::new(format!("the database URL does not parse: {e}")))?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let mut password = url.password().map(decode);
        let _ = url.set_password(None);
        // Query parameters libpq knows are kept; the password moves to the environment, and
        // sqlx's own (`statement-cache-capacity`) would make libpq refuse the URI.
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut kept = Vec::new();
        for (k, v) in pairs {
            match k.as_str() {
                "password" => password = Some(v),
                "statement-cache-capacity" => {}
                _ => kept.push((k, v)),
            }
        }
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
        Ok(Self {
            uri: url.to_string(),
            password,
        })
    }

    /// `cmd` connecting with `--dbname=URI` (pg_dump and pg_restore alike).
    fn connect(&self, mut cmd: Command) -> Command {
        cmd.arg(format!("--dbname={}", self.uri));
        self.env(&mut cmd);
        cmd
    }

    fn env(&self, cmd: &mut Command) {
        // Nothing from the operator's shell may redirect the connection; the password only in the
        // child's environment.
        for var in [
            "PGPASSWORD",
            "PGPASSFILE",
            "PGSERVICE",
            "PGDATABASE",
            "PGOPTIONS",
        ] {
            cmd.env_remove(var);
        }
        if let Some(p) = &self.password {
            cmd.env("PGPASSWORD", p);
        }
    }
}

/// The path of a PostgreSQL client program on `PATH`, or a clear refusal.
fn program(name: &str) -> Result<PathBuf, Failure> {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .ok_or_else(|| {
            Failure::new(format!(
                "{name} is not installed (or not on PATH): install the PostgreSQL client programs of the server's version (Debian: apt install postgresql-client)"
            ))
        })
}

/// Runs a client program; its standard output, or its first error line as the failure.
fn run(cmd: &mut Command, what: &str) -> Result<String, Failure> {
    let out = cmd
        .output()
        .map_err(|e| Failure::new(format!("cannot run {what}: {e}")))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr
        .lines()
        .find(|l| l.contains("error"))
        .or_else(|| stderr.lines().next())
        .unwrap_or("no message");
    Err(Failure::new(format!(
        "{what} failed ({}): {first}",
        out.status
    )))
}

// ---------------------------------------------------------------------------------------------
// Files

fn refuse_existing(file: &Path) -> Result<(), Failure> {
    if file.exists() || file.is_symlink() {
        return Err(Failure::new(format!(
            "{} exists: a backup never overwrites a file; choose a new name",
            file.display()
        )));
    }
    Ok(())
}

/// `.<name>.<what>` beside `file` (hidden, and never a name an operator would choose).
fn scratch_name(file: &Path, what: &str) -> Result<PathBuf, Failure> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Failure::new(format!("{} is not a usable file name", file.display())))?;
    Ok(file.with_file_name(format!(".{name}.{what}")))
}

fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Removes a scratch file and the journal files SQLite may have left beside it.
fn remove_scratch(path: &Path) {
    for p in [
        path.to_path_buf(),
        sibling(path, "-wal"),
        sibling(path, "-shm"),
    ] {
        let _ = std::fs::remove_file(p);
    }
}

fn restrict(path: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Failure::new(format!("cannot restrict {}: {e}", path.display())))
}

/// After the last connection to a copy closed: its write-ahead log is folded into the file
/// (SQLite removes it then), the file alone is the database, and it is on disk.
fn folded(path: &Path) -> Result<(), Failure> {
    let wal = sibling(path, "-wal");
    if wal.exists() {
        return Err(Failure::new(format!(
            "the copy's write-ahead log {} was not folded into it",
            wal.display()
        )));
    }
    let _ = std::fs::remove_file(sibling(path, "-shm"));
    sync_file(path)
}

fn sync_file(path: &Path) -> Result<(), Failure> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Failure::new(format!("cannot write {} to disk: {e}", path.display())))
}

/// Gives a finished scratch file its final name, never replacing an existing file: a hard link
/// fails if the name exists (also when another process took it meanwhile), then the scratch name
/// goes; the directory is synced so that the name survives a crash.
fn put_in_place(scratch: &Path, target: &Path) -> Result<(), Failure> {
    std::fs::hard_link(scratch, target).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::new(format!(
                "{} exists: it is never overwritten; choose a new name",
                target.display()
            ))
        } else {
            Failure::new(format!("cannot write {}: {e}", target.display()))
        }
    })?;
    let _ = std::fs::remove_file(scratch);
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_uri_for_the_environment() {
        let t = Libpq::of("postgres://app:s%40cret@db.example:5433/ankommen?sslmode=verify-full")
            .unwrap();
        assert_eq!(
            t.uri,
            "postgres://app@db.example:5433/ankommen?sslmode=verify-full"
        );
        assert_eq!(t.password.as_deref(), Some("s@cret"));
        let t = Libpq::of(
            "postgres://app@localhost/ankommen?host=/var/run/postgresql&password=x&statement-cache-capacity=10",
        )
        .unwrap();
        assert_eq!(
            t.uri,
            "postgres://app@localhost/ankommen?host=%2Fvar%2Frun%2Fpostgresql"
        );
        assert_eq!(t.password.as_deref(), Some("x"));
        let t = Libpq::of("postgres://postgres@127.0.0.1:5432/x").unwrap();
        assert_eq!(t.uri, "postgres://postgres@127.0.0.1:5432/x");
        assert_eq!(t.password, None);
    }

    #[test]
    fn scratch_names_are_hidden_siblings() {
        assert_eq!(
            scratch_name(Path::new("/b/x.sqlite"), "partial").unwrap(),
            PathBuf::from("/b/.x.sqlite.partial")
        );
        assert_eq!(
            sibling(Path::new("/d/ankommen.sqlite"), "-wal"),
            PathBuf::from("/d/ankommen.sqlite-wal")
        );
    }
}
