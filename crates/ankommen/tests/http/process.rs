//! The binary as an administrator meets it: starting, answering, stopping on SIGTERM, and clear
//! one-line errors for bad configuration.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ankommen");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn wait_for(port: u16) -> String {
    let start = Instant::now();
    loop {
        if let Some(r) = get(port, "/healthz") {
            return r;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not come up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_until_sigterm_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (child, port) = spawn_serve(dir.path(), "warn");
    let health = wait_for(port);
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let ready = get(port, "/readyz").unwrap();
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    assert!(
        dir.path().join("ankommen.sqlite").exists(),
        "the database is created on first start"
    );
    // At start the server gathers SQLite's query-planner statistics (`PRAGMA optimize`), here of
    // the tables the migrations filled.
    let analysed = wait_for_statistics(&dir.path().join("ankommen.sqlite"));
    assert!(
        analysed.iter().any(|t| t == "fields_of_action"),
        "{analysed:?}"
    );
    let out = stop(child);
    // No administrator yet: the one-time setup link was printed.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("http://127.0.0.1:{port}/setup/")),
        "{stdout}"
    );
}

/// The tables with statistics in `sqlite_stat1`, once there are any (at most 30 s), read on a
/// read-only connection beside the running server.
fn wait_for_statistics(path: &std::path::Path) -> Vec<String> {
    use ankommen_store::sea_orm::sqlx::{self, ConnectOptions as _, sqlite::SqliteConnectOptions};
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let start = Instant::now();
    loop {
        let tables: Result<Vec<String>, sqlx::Error> = rt.block_on(async {
            let mut conn = SqliteConnectOptions::new()
                .filename(path)
                .read_only(true)
                .connect()
                .await?;
            sqlx::query_scalar("SELECT DISTINCT tbl FROM sqlite_stat1 ORDER BY tbl")
                .fetch_all(&mut conn)
                .await
        });
        match tables {
            Ok(t) if !t.is_empty() => return t,
            _ => {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "no statistics gathered"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

fn run_fails(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("ANKOMMEN_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line, no panic: {err}"
    );
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn bad_configuration_gives_one_clear_line() {
    let err = run_fails(&["migrate", "--database-url", "mysql://x/y"]);
    assert!(err.contains("unsupported database URL scheme"), "{err}");
    let err = run_fails(&[
        "migrate",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
    ]);
    assert!(err.contains("cannot be reached"), "{err}");
    let err = run_fails(&["migrate", "--data-dir", "/proc/ankommen-cannot-write-here"]);
    assert!(err.contains("cannot be written"), "{err}");
    let err = run_fails(&["serve", "--demo", "--listen", "0.0.0.0:0"]);
    assert!(err.contains("loopback"), "{err}");
}

/// Starts `serve` on a data directory (SQLite) and a free port.
fn spawn_serve(dir: &std::path::Path, log: &str) -> (std::process::Child, u16) {
    let port = free_port();
    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(dir);
    (server(cmd, log), port)
}

/// Starts the server as `cmd` says, as an administrator would: no database URL or key from this
/// test's environment, its output captured.
fn server(mut cmd: Command, log: &str) -> std::process::Child {
    cmd.env("ANKOMMEN_LOG", log)
        .env_remove("ANKOMMEN_DATABASE_URL")
        .env_remove("ANKOMMEN_ENCRYPTION_KEY")
        .env_remove("ANKOMMEN_ENCRYPTION_KEY_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (at most 30 s) for a process that is expected to exit by itself.
fn exit_of(mut child: std::process::Child) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the server did not stop by itself");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// Stops a server with SIGTERM; it must exit cleanly.
fn stop(child: std::process::Child) -> std::process::Output {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = exit_of(child);
    assert!(
        out.status.success(),
        "exit status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn serve_then_stop(dir: &std::path::Path) {
    let (child, port) = spawn_serve(dir, "warn");
    let health = wait_for(port);
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    stop(child);
}

fn serve_refused(dir: &std::path::Path) -> String {
    let (child, _) = spawn_serve(dir, "error");
    let out = exit_of(child);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

#[cfg(unix)]
#[test]
fn a_key_that_is_not_the_databases_key_stops_the_start() {
    use ankommen_core::kernel::sealing::Sealer;
    use std::os::unix::fs::OpenOptionsExt;

    let dir = tempfile::tempdir().unwrap();
    // First start: the key file, the database and the key's check value are created.
    serve_then_stop(dir.path());
    let key_file = dir.path().join("ankommen.key");
    let original = std::fs::read_to_string(&key_file).unwrap();
    let original_id = Sealer::from_hex(original.trim()).unwrap().key_id();

    // Another key in the key file (a mixed-up backup): refused, naming both key ids.
    let other = "ab".repeat(32);
    std::fs::write(&key_file, format!("{other}\n")).unwrap();
    let other_id = Sealer::from_hex(&other).unwrap().key_id();
    let err = serve_refused(dir.path());
    assert!(
        err.starts_with(&format!(
            "error: the encryption key (key id {other_id}) is not this database's key (key id {original_id})"
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        format!("{other}\n"),
        "a key file the administrator put there is left alone"
    );

    // No key file (the database moved without it): a new key would be created; the start is
    // refused and the new key file removed again, so the right one can be put back.
    std::fs::remove_file(&key_file).unwrap();
    let err = serve_refused(dir.path());
    assert!(err.contains(&format!("(key id {original_id})")), "{err}");
    assert!(err.contains("removed again"), "{err}");
    assert!(!key_file.exists());

    // The database's own key again: the server starts.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&key_file)
        .unwrap();
    f.write_all(original.as_bytes()).unwrap();
    drop(f);
    serve_then_stop(dir.path());
}

/// Where `bench generate` and `serve` put the county: a new PostgreSQL database when
/// `ANKOMMEN_TEST_DATABASE_URL` names an admin connection (dropped by [`BenchDatabase::drop`]),
/// else the SQLite file in `dir`.
struct BenchDatabase {
    args: Vec<String>,
    postgres: Option<(String, String)>,
}

impl BenchDatabase {
    fn new(dir: &std::path::Path) -> Self {
        let mut args = vec!["--data-dir".to_string(), dir.display().to_string()];
        let Some(admin) = std::env::var("ANKOMMEN_TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())
        else {
            return Self {
                args,
                postgres: None,
            };
        };
        // Named like the HTTP tests' databases, so that a run that dies leaves nothing for long.
        let name = format!("ankommen_t_{}_bench", std::process::id());
        pg_exec(&admin, &format!("DROP DATABASE IF EXISTS \"{name}\""));
        pg_exec(&admin, &format!("CREATE DATABASE \"{name}\""));
        let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
        let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        args.extend(["--database-url".into(), format!("{base}/{name}{query}")]);
        Self {
            args,
            postgres: Some((admin, name)),
        }
    }
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.postgres {
            pg_exec(admin, &format!("DROP DATABASE IF EXISTS \"{name}\""));
        }
    }
}

fn pg_exec(admin_url: &str, sql: &str) {
    use ankommen_store::{DbConfig, connect};
    use sea_orm::ConnectionTrait;
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = connect(&DbConfig {
            url: admin_url.to_string(),
            max_connections: 1,
        })
        .await
        .unwrap();
        db.writer().execute_unprepared(sql).await.unwrap();
        db.close().await;
    });
}

/// The value in the column after the page name of the open loop's latency table.
fn latency_row_count(stdout: &str, page: &str) -> Option<u64> {
    stdout.lines().find_map(|l| {
        let mut cols = l.split_whitespace();
        (cols.next() == Some(page)).then(|| cols.next()?.parse().ok())?
    })
}

/// `ankommen bench generate` and `ankommen bench run --rate` (the open loop) against the real
/// server: every scheduled request is sent and answered without an error, in the page mix, and
/// the server's resident set is read.
#[test]
fn the_open_loop_runs_against_the_real_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = BenchDatabase::new(dir.path());
    let generated = Command::new(BIN)
        .args(["bench", "generate", "--clients", "300", "--years", "1"])
        .args(&db.args)
        .env_remove("ANKOMMEN_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let port = free_port();
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(&db.args);
    let server = server(cmd, "warn");
    wait_for(port);
    // 20 page views/s for 2 s after 1 s of warm-up: 40 requests measured, from 4 IMs (logins are
    // Argon2 verifications, slow in a debug build; the real run logs in 40).
    let pid = server.id().to_string();
    let run = Command::new(BIN)
        .args(["bench", "run", "--url", &format!("http://127.0.0.1:{port}")])
        .args(["--rate", "20", "--duration", "2s", "--warmup", "1s"])
        .args(["--users", "4", "--server-pid", &pid, "--label", "ci"])
        .output()
        .unwrap();
    stop(server);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("| requests 40 | errors 0 |"), "{stdout}");
    assert!(!stdout.contains("error:"), "{stdout}");
    // Each IM's ten measured requests are one full turn of the mix: 5 day views, 3 timelines, 2
    // records.
    assert_eq!(latency_row_count(&stdout, "all"), Some(40), "{stdout}");
    assert_eq!(latency_row_count(&stdout, "day"), Some(20), "{stdout}");
    assert_eq!(latency_row_count(&stdout, "timeline"), Some(12), "{stdout}");
    assert_eq!(latency_row_count(&stdout, "record"), Some(8), "{stdout}");
    assert!(
        stdout.contains(&format!("(VmRSS of pid {pid}): ")),
        "{stdout}"
    );
    assert!(stdout.contains("| open 20/s | ci | 4 | 40 |"), "{stdout}");
}

/// Issue 21: whatever the operator's umask, the database, its journal files, the key and the data
/// directory are the service user's alone; a database file left world-readable is tightened.
#[test]
fn the_data_directory_is_readable_by_the_service_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Left behind world-readable, as an earlier version created it.
    std::fs::write(data.join("notes.txt"), b"old").unwrap();
    std::fs::set_permissions(
        data.join("notes.txt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let port = free_port();
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!(
        "umask 022; exec {BIN} serve --listen 127.0.0.1:{port} --data-dir {}",
        data.display()
    ));
    let child = server(cmd, "warn");
    wait_for(port);
    let mode = |name: &str| {
        std::fs::metadata(data.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode()
            & 0o777
    };
    for file in [
        "ankommen.sqlite",
        "ankommen.sqlite-wal",
        "ankommen.sqlite-shm",
        "ankommen.key",
        "notes.txt",
    ] {
        assert_eq!(mode(file), 0o600, "{file}");
    }
    assert_eq!(
        std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let out = stop(child);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("restricted 2 entries"), "{stderr}");
}

/// `ankommen figures` prints the figures as JSON on stdout and its progress (counts and times, no
/// names) on stderr.
#[test]
fn the_figures_command_prints_json_and_its_progress() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "figures",
            "--at",
            "2025-12-31",
            "--format",
            "json",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("ANKOMMEN_DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["at"]["total"]["cases_active"], 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ankommen figures: read 0 persons, 0 cases, 0 contacts in"),
        "{err}"
    );
    assert!(
        err.contains("ankommen figures: computed the figures in"),
        "{err}"
    );
}

/// `ankommen audit verify` prints the intact chain's head and exits with 0; after one event was
/// changed directly in the database it names the broken link on one line and exits with 1.
#[test]
fn the_audit_verify_command_names_the_first_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    let verify = || {
        Command::new(BIN)
            .args(["audit", "verify", "--data-dir"])
            .arg(dir.path())
            .env_remove("ANKOMMEN_DATABASE_URL")
            .output()
            .unwrap()
    };
    let first = verify();
    assert!(first.status.success(), "{first:?}");
    // The first verification found an empty chain and recorded itself: the second seals that.
    let out = verify();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(
            "audit chain intact: 1 link(s) checked, 1 event(s) sealed now; head link 1, hash "
        ),
        "{stdout}"
    );
    let url = ankommen_store::connect::sqlite_url_for(dir.path(), "ankommen.sqlite");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use ankommen_store::sea_orm::ConnectionTrait;
        let db = ankommen_store::connect(&ankommen_store::DbConfig {
            url,
            max_connections: 1,
        })
        .await
        .unwrap();
        db.writer()
            .execute_unprepared(
                "DROP TRIGGER audit_events_no_update; \
                 UPDATE audit_events SET outcome = 'denied' WHERE id = 1",
            )
            .await
            .unwrap();
        db.close().await;
    });
    let out = verify();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: audit chain BROKEN at link 1 (event 1): the event's content or its link was changed; intact up to: the chain is empty"),
        "{err}"
    );
}
