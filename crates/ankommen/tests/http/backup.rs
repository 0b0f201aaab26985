//! `ankommen backup`, `ankommen restore` and `ankommen check-config` as the real binary (issue
//! 28, decision 0036): a backup taken while IMs keep saving contacts holds every write
//! acknowledged before it started and nothing torn, restores into an empty data directory (an
//! empty PostgreSQL database), passes its checks and exports exactly like the source at the
//! backup's moment; refusals change nothing; check-config names every problem.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ankommen_core::Clock;
use ankommen_core::casework::exchange::export::{MadeFor, export_as_operator};
use ankommen_core::kernel::audit::chain;
use ankommen_store::sea_orm::{ConnectionTrait, Statement};
use ankommen_store::{Db, DbConfig, connect};
use axum::http::StatusCode;

use crate::fixtures;
use crate::support::{TEST_ENCRYPTION_KEY, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_ankommen");

/// Runs the binary with nothing from this test's environment but `PATH` (pg_dump is found there).
fn ankommen(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A key file holding the test apps' key (mode 0600), in `dir`.
fn test_key_file(dir: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("test.key");
    let hex: String = TEST_ENCRYPTION_KEY
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    std::fs::write(&path, format!("{hex}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path.display().to_string()
}

/// An empty database to restore into: a new PostgreSQL database (named like the harness's, so
/// that a dead run's leftovers are dropped), or a new data directory's SQLite file.
struct Target {
    url: String,
    admin: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Target {
    async fn new(tag: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("ANKOMMEN_TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())
        {
            Some(admin) => {
                let name = format!("ankommen_t_{}_{tag}", std::process::id());
                pg(&admin, &format!("DROP DATABASE IF EXISTS \"{name}\"")).await;
                pg(&admin, &format!("CREATE DATABASE \"{name}\"")).await;
                let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
                let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
                let query = if query.is_empty() {
                    String::new()
                } else {
                    format!("?{query}")
                };
                Self {
                    url: format!("{base}/{name}{query}"),
                    admin: Some((admin, name)),
                    _dir: dir,
                }
            }
            None => Self {
                url: format!(
                    "sqlite://{}",
                    dir.path().join("data").join("ankommen.sqlite").display()
                ),
                admin: None,
                _dir: dir,
            },
        }
    }

    async fn open(&self) -> Db {
        connect(&DbConfig {
            url: self.url.clone(),
            max_connections: 2,
        })
        .await
        .unwrap()
    }

    async fn drop_database(self) {
        if let Some((admin, name)) = &self.admin {
            pg(
                admin,
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            )
            .await;
        }
    }
}

async fn pg(admin: &str, sql: &str) {
    let db = connect(&DbConfig {
        url: admin.to_string(),
        max_connections: 1,
    })
    .await
    .unwrap();
    db.writer().execute_unprepared(sql).await.unwrap();
    db.close().await;
}

async fn ints(db: &Db, sql: &str) -> Vec<i64> {
    let c = db.reader();
    c.query_all_raw(Statement::from_string(c.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<i64>("", "n").unwrap())
        .collect()
}

/// The organisation's exchange export as the operator makes it, one JSON value per line.
async fn export(db: &Db, org: i64, now: chrono::DateTime<chrono::Utc>) -> Vec<serde_json::Value> {
    let made_for = MadeFor::parse("im", "backup check").unwrap();
    let sealer = ankommen_core::kernel::sealing::Sealer::from_key(TEST_ENCRYPTION_KEY);
    let out = export_as_operator(db, now, &sealer, org, &made_for)
        .await
        .unwrap();
    String::from_utf8(out.bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// One writer: an IM saving contacts on a case one after another, each with its own duration
/// (the contact's mark), until told to stop; every acknowledged mark is recorded in order.
struct Writer {
    marks: std::ops::RangeInclusive<i32>,
    acknowledged: Arc<Mutex<Vec<i32>>>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_write_load_restores_to_the_backups_moment() {
    let t = TestApp::new().await;
    let a = fixtures::register_with_canary(&t, "awo.im1", "BackupA").await;
    let b = fixtures::register_with_canary(&t, "awo.im2", "BackupB").await;
    let org = t
        .scalar(&format!(
            "SELECT CAST(organisation_id AS BIGINT) AS n FROM staff WHERE id = {}",
            t.id("awo.im1")
        ))
        .await;
    let today = t.clock.now().date_naive().to_string();
    // The audit chain as the server seals it every few seconds: the backup carries it.
    chain::seal(&t.db, t.clock.now(), chain::Reach::All)
        .await
        .unwrap();

    // Four browsers of two IMs (two per case), logged in before the load starts.
    let stop = Arc::new(AtomicBool::new(false));
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut writers = Vec::new();
    let mut tasks = Vec::new();
    let mut session = t.client();
    for (k, (user, case, person)) in [
        ("awo.im1", a.case_id, a.person_id),
        ("awo.im1", a.case_id, a.person_id),
        ("awo.im2", b.case_id, b.person_id),
        ("awo.im2", b.case_id, b.person_id),
    ]
    .into_iter()
    .enumerate()
    {
        let k = i32::try_from(k).unwrap();
        let w = Writer {
            marks: (k * 150 + 1)..=(k * 150 + 150),
            acknowledged: Arc::default(),
        };
        // Two browsers share each IM's session (a login is an Argon2 verification: slow in a
        // debug build).
        let mut browser = t.client();
        if k % 2 == 0 {
            let first = t.login(user).await;
            (session.cookies, session.csrf) = (first.cookies.clone(), first.csrf.clone());
        }
        (browser.cookies, browser.csrf) = (session.cookies.clone(), session.csrf.clone());
        let (marks, acknowledged) = (w.marks.clone(), w.acknowledged.clone());
        let (stop, acked_tx, today) = (stop.clone(), acked_tx.clone(), today.clone());
        writers.push(w);
        tasks.push(tokio::spawn(async move {
            let path = format!("/cases/{case}/contacts/new");
            let person = person.to_string();
            for mark in marks {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let minutes = mark.to_string();
                let note = format!("BACKUP-LOAD-{mark}");
                let r = browser
                    .post(
                        &path,
                        &[
                            ("date", today.as_str()),
                            ("minutes", minutes.as_str()),
                            ("kind", "office_appointment"),
                            ("topics", "housing"),
                            ("persons", person.as_str()),
                            ("note", note.as_str()),
                        ],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
                acknowledged.lock().unwrap().push(mark);
                let _ = acked_tx.send(());
            }
        }));
    }
    drop(acked_tx);
    let acknowledged = |ws: &[Writer]| -> BTreeSet<i32> {
        ws.iter()
            .flat_map(|w| w.acknowledged.lock().unwrap().clone())
            .collect()
    };

    // The load is running (some writes acknowledged) when the backup starts.
    for _ in 0..8 {
        acked_rx.recv().await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ankommen.backup");
    let before = acknowledged(&writers);
    let args = [
        "backup".to_string(),
        file.display().to_string(),
        "--database-url".into(),
        t.url.clone(),
        "--data-dir".into(),
        dir.path().display().to_string(),
    ];
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ankommen(&args, &[])
    })
    .await
    .unwrap();
    let after = acknowledged(&writers);
    // A few more writes after the backup, then the load ends.
    let mut more = 0;
    while more < 4 && acked_rx.recv().await.is_some() {
        more += 1;
    }
    stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }
    let all = acknowledged(&writers);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let printed = stdout(&out);
    assert!(printed.starts_with("backup written to "), "{printed}");
    if t.sqlite_file().is_some() {
        assert!(printed.contains("SQLite, integrity check ok"), "{printed}");
        assert!(printed.contains("; audit chain head link "), "{printed}");
    } else {
        assert!(
            printed.contains("read back with pg_restore --list"),
            "{printed}"
        );
    }
    assert!(
        after.len() > before.len(),
        "the IMs kept saving while the backup ran ({} before, {} after)",
        before.len(),
        after.len()
    );
    assert!(all.len() > after.len());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["ankommen.backup"], "no scratch file stays");

    // Restore into an empty target, then verify the audit chain there with the binary.
    let target = Target::new("restore").await;
    let data = tempfile::tempdir().unwrap();
    let key = test_key_file(data.path());
    let on_target = [
        "--database-url",
        target.url.as_str(),
        "--data-dir",
        data.path().to_str().unwrap(),
        "--encryption-key-file",
        key.as_str(),
    ];
    let restore_args: Vec<&str> = ["restore", file.to_str().unwrap()]
        .into_iter()
        .chain(on_target)
        .collect();
    let out = ankommen(&restore_args, &[]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("migrated"), "{}", stdout(&out));
    let verify: Vec<&str> = ["audit", "verify"].into_iter().chain(on_target).collect();
    let out = ankommen(&verify, &[]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).starts_with("audit chain intact: "),
        "{}",
        stdout(&out)
    );

    let restored = target.open().await;
    assert_eq!(
        restored.integrity_problems().await.unwrap(),
        Vec::<String>::new()
    );
    let cases = format!("({}, {})", a.case_id, b.case_id);
    let copied: BTreeSet<i32> = ints(
        &restored,
        &format!("SELECT CAST(minutes AS BIGINT) AS n FROM contacts WHERE case_id IN {cases}"),
    )
    .await
    .into_iter()
    .map(|n| i32::try_from(n).unwrap())
    .collect();
    // Everything acknowledged before the backup started is in it; nothing that was never
    // acknowledged; and per writer a prefix of its writes (the copy is one moment: no later write
    // without the earlier ones).
    assert!(
        before.is_subset(&copied),
        "missing: {:?}",
        before.difference(&copied).collect::<Vec<_>>()
    );
    assert!(copied.is_subset(&all));
    for w in &writers {
        let seq = w.acknowledged.lock().unwrap().clone();
        let n = seq.iter().filter(|m| copied.contains(m)).count();
        assert!(
            seq[..n].iter().all(|m| copied.contains(m)),
            "a later write without an earlier one: {seq:?} vs {copied:?}"
        );
    }
    // Nothing torn: every copied contact has its person and its audit event.
    assert_eq!(
        ints(
            &restored,
            &format!(
                "SELECT COUNT(*) AS n FROM contacts c WHERE c.case_id IN {cases} AND NOT EXISTS \
                 (SELECT 1 FROM contact_persons p WHERE p.contact_id = c.id)"
            )
        )
        .await,
        [0]
    );
    assert_eq!(
        ints(
            &restored,
            &format!(
                "SELECT COUNT(*) AS n FROM contacts c WHERE c.case_id IN {cases} AND NOT EXISTS \
                 (SELECT 1 FROM audit_events e WHERE e.action = 'contact_recorded' \
                  AND e.object_kind = 'contact' AND e.object_id = CAST(c.id AS TEXT))"
            )
        )
        .await,
        [0]
    );
    let recorded = format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'contact_recorded' \
         AND case_id IN {cases}"
    );
    assert_eq!(
        ints(&restored, &recorded).await,
        [i64::try_from(copied.len()).unwrap()]
    );
    assert_eq!(
        ints(&t.db, &recorded).await,
        [i64::try_from(all.len()).unwrap()]
    );

    // The restored export equals the source's without the contacts written after the backup's
    // moment (the only writes since).
    let now = t.clock.now();
    let copied_ids: BTreeSet<String> =
        ints(&restored, "SELECT CAST(id AS BIGINT) AS n FROM contacts")
            .await
            .into_iter()
            .map(|id| format!("ankommen-contact-{id}"))
            .collect();
    let restored_export = export(&restored, org, now).await;
    let source_export: Vec<_> = export(&t.db, org, now)
        .await
        .into_iter()
        .filter(|o| o["kind"] != "contact" || copied_ids.contains(o["id"].as_str().unwrap()))
        .collect();
    assert!(restored_export.len() > copied.len());
    assert_eq!(restored_export, source_export);
    restored.close().await;
    target.drop_database().await;
}

#[tokio::test]
async fn a_backup_never_overwrites_and_a_restore_needs_an_empty_target() {
    let t = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let existing = dir.path().join("existing.backup");
    std::fs::write(&existing, b"an older backup").unwrap();
    let out = ankommen(
        &[
            "backup",
            existing.to_str().unwrap(),
            "--database-url",
            &t.url,
            "--data-dir",
            &data,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!("error: {} exists", existing.display())),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"an older backup");

    // A good backup to restore.
    let file = dir.path().join("good.backup");
    let out = ankommen(
        &[
            "backup",
            file.to_str().unwrap(),
            "--database-url",
            &t.url,
            "--data-dir",
            &data,
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // Into the source itself (not empty): refused, nothing changed.
    let staff = t.count("staff").await;
    let tables_before = t.db.table_count().await.unwrap();
    let out = ankommen(
        &[
            "restore",
            file.to_str().unwrap(),
            "--database-url",
            &t.url,
            "--data-dir",
            &data,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    if let Some(db_file) = t.sqlite_file() {
        assert!(
            err.starts_with(&format!(
                "error: {} exists: restore only into an empty data directory",
                db_file.display()
            )),
            "{err}"
        );
        let names: Vec<_> = std::fs::read_dir(db_file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("restoring"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    } else {
        assert!(
            err.contains("table(s): restore only into an empty database"),
            "{err}"
        );
    }
    assert_eq!(t.count("staff").await, staff);
    assert_eq!(t.db.table_count().await.unwrap(), tables_before);

    // Something that is no backup is refused before anything is created.
    let target = Target::new("refused").await;
    let out = ankommen(
        &[
            "restore",
            existing.to_str().unwrap(),
            "--database-url",
            &target.url,
            "--data-dir",
            &data,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    if t.sqlite_file().is_some() {
        assert!(
            stderr(&out).contains("is not a SQLite backup"),
            "{}",
            stderr(&out)
        );
        let url = target.url.trim_start_matches("sqlite://");
        assert!(!Path::new(url).exists());
        assert!(!Path::new(url).parent().unwrap().exists());
    } else {
        assert!(
            stderr(&out).contains("pg_restore failed"),
            "{}",
            stderr(&out)
        );
        let db = target.open().await;
        assert_eq!(db.table_count().await.unwrap(), 0, "nothing half-restored");
        db.close().await;
    }
    target.drop_database().await;
}

/// Runs check-config with the given arguments (and environment); returns exit code, stdout and
/// the problem lines.
fn check_config(args: &[&str], env: &[(&str, &str)]) -> (i32, String, Vec<String>) {
    let all: Vec<&str> = std::iter::once("check-config")
        .chain(args.iter().copied())
        .collect();
    let out = ankommen(&all, env);
    let problems: Vec<String> = stderr(&out).lines().map(str::to_string).collect();
    for line in &problems {
        assert!(line.starts_with("error: "), "{line}");
        assert!(!line.contains("panicked"), "{line}");
    }
    (out.status.code().unwrap(), stdout(&out), problems)
}

#[tokio::test]
async fn check_config_passes_a_good_configuration_and_names_every_problem() {
    use std::os::unix::fs::PermissionsExt;
    let t = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let data = data.display().to_string();
    let key = test_key_file(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let good = |extra: &[&'static str]| -> Vec<String> {
        let mut v: Vec<String> = vec![
            "--listen".into(),
            listen.clone(),
            "--data-dir".into(),
            data.clone(),
            "--database-url".into(),
            t.url.clone(),
            "--encryption-key-file".into(),
            key.clone(),
            "--public-url".into(),
            "https://ankommen.landkreis.example".into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |args: &[String], env: &[(&str, &str)]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        check_config(&args, env)
    };

    let (code, out, problems) = run(&good(&[]), &[]);
    assert_eq!((code, problems.clone()), (0, vec![]), "{out}");
    assert!(out.ends_with("configuration OK\n"), "{out}");
    assert!(out.contains("database ("), "{out}");

    // One problem each.
    let replace = |flag: &str, value: &str| -> Vec<String> {
        let mut v = good(&[]);
        let at = v.iter().position(|a| a == flag).unwrap();
        v[at + 1] = value.to_string();
        v
    };
    let one = |args: Vec<String>, env: &[(&str, &str)], expected: &str| {
        let (code, out, problems) = run(&args, env);
        assert_eq!(code, 1, "{out}");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(expected), "{problems:?}");
    };
    one(
        replace("--listen", "localhost"),
        &[],
        "invalid listen address 'localhost'",
    );
    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, b"x").unwrap();
    one(
        replace("--data-dir", &a_file.join("data").display().to_string()),
        &[],
        "does not exist and cannot be created",
    );
    one(
        replace("--data-dir", &a_file.display().to_string()),
        &[],
        "is not a directory",
    );
    one(
        replace("--database-url", "postgres://nobody@127.0.0.1:1/none"),
        &[],
        "the database cannot be reached",
    );
    let short = dir.path().join("short.key");
    std::fs::write(&short, "abcd\n").unwrap();
    std::fs::set_permissions(&short, std::fs::Permissions::from_mode(0o600)).unwrap();
    one(
        replace("--encryption-key-file", short.to_str().unwrap()),
        &[],
        "64 hexadecimal characters",
    );
    let open_key = dir.path().join("open.key");
    std::fs::copy(&key, &open_key).unwrap();
    std::fs::set_permissions(&open_key, std::fs::Permissions::from_mode(0o644)).unwrap();
    one(
        replace("--encryption-key-file", open_key.to_str().unwrap()),
        &[],
        "open.key",
    );
    let other = dir.path().join("other.key");
    std::fs::write(&other, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o600)).unwrap();
    one(
        replace("--encryption-key-file", other.to_str().unwrap()),
        &[],
        "is not this database's key",
    );
    one(
        replace(
            "--encryption-key-file",
            &dir.path().join("gone.key").display().to_string(),
        ),
        &[],
        "is missing, and the database's encrypted fields need key id",
    );
    one(
        good(&[]),
        &[("ANKOMMEN_SECURE_COOKIES", "false")],
        "secure_cookies is off while the public URL is https",
    );
    one(
        good(&[]),
        &[("ANKOMMEN_LOG", "ankommen=loud")],
        "log: the filter",
    );

    // Several at once: each on its own line.
    let mut args = replace("--listen", "nonsense");
    let at = args
        .iter()
        .position(|a| a == "--encryption-key-file")
        .unwrap();
    args[at + 1] = short.display().to_string();
    let (code, _, problems) = run(
        &args,
        &[
            ("ANKOMMEN_MAX_CONNECTIONS", "0"),
            ("ANKOMMEN_SECURE_COOKIES", "false"),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(
        problems[0].contains("ANKOMMEN_MAX_CONNECTIONS: 0 is out of range"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("--listen: invalid listen address"),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("64 hexadecimal")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("secure_cookies is off")),
        "{problems:?}"
    );
    // A config file with two bad values: both named, with the file and key.
    let toml = dir.path().join("ankommen.toml");
    std::fs::write(&toml, "listen = \"x\"\nmax_connections = 0\n").unwrap();
    let mut args = good(&[]);
    args.retain(|a| a != "--listen" && *a != listen);
    let (code, _, problems) = run(&args, &[("ANKOMMEN_CONFIG", toml.to_str().unwrap())]);
    assert_eq!(code, 1);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("ankommen.toml: listen: invalid listen address 'x'"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("ankommen.toml: max_connections: 0 is out of range"),
        "{problems:?}"
    );
    // Never the database URL (it may hold a password).
    let (_, _, problems) = run(
        &replace(
            "--database-url",
            "postgres://nobody:pa55word@127.0.0.1:1/none",
        ),
        &[],
    );
    assert!(
        problems.iter().all(|p| !p.contains("pa55word")),
        "{problems:?}"
    );
}
