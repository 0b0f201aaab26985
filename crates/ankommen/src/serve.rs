//! `ankommen serve`: load the encryption key, migrate, announce the setup link or the demo accounts,
//! serve until a signal.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ankommen_core::administration::sessions::SessionPolicy;
use ankommen_core::administration::settings::{self, KeyCheck};
use ankommen_core::casework::duplicates;
use ankommen_core::kernel::sealed;
use ankommen_core::kernel::sealing::{KeyFile, Sealer};
use ankommen_core::{Clock, SystemClock};
use ankommen_store::connect::{Backend, sqlite_url_for};
use ankommen_store::{Db, DbConfig, connect};
use ankommen_web::metrics::{Metrics, metrics_router};
use ankommen_web::{AppState, router};
use chrono::Timelike;
use tokio::task::JoinHandle;
use tracing::{debug, error, info, warn};

use crate::Failure;
use crate::config::{Config, ENV_ENCRYPTION_KEY, EncryptionKey};

/// The SQLite file of demo mode, in the data directory.
pub const DEMO_DATABASE_FILE: &str = "demo.sqlite";

/// How often expired sessions and old login-throttle records are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(10 * 60);
/// Rounds of pruning between two [`Db::optimize`]: hourly.
const OPTIMIZE_EVERY_ROUNDS: u64 = 6;
/// How often new audit events are sealed into the chain; every hour over the whole log, and the
/// whole chain verified once a day.
/// The hour (UTC) from which the day's retention run starts.
const RETENTION_FROM_HOUR: u32 = 1;
const SEAL_EVERY: Duration = Duration::from_secs(5);
const SEAL_ALL_EVERY_ROUNDS: u64 = 720;
const VERIFY_EVERY_ROUNDS: u64 = 24 * 720;

/// How long in-flight requests may take to finish after a shutdown signal, beyond the request timeout.
const SHUTDOWN_GRACE_EXTRA: Duration = Duration::from_secs(10);

/// Connects to the configured database, applies pending migrations and computes the stored
/// matcher keys of the persons when the matcher's keys changed (`duplicates::keys::refresh`).
pub async fn open_and_migrate(cfg: &Config, url: String) -> Result<Db, Failure> {
    let db = connect(&DbConfig {
        url,
        max_connections: cfg.max_connections,
    })
    .await?;
    if let Err(e) = db.migrate().await {
        db.close().await;
        return Err(e.into());
    }
    match duplicates::keys::refresh(&db).await {
        Ok(done) => {
            if done.ran && done.persons > 0 {
                info!(
                    persons = done.persons,
                    "computed the duplicate check's keys of the stored persons"
                );
            }
        }
        Err(e) => {
            db.close().await;
            return Err(Failure::new(format!(
                "cannot compute the duplicate check's keys: {e}"
            )));
        }
    }
    Ok(db)
}

/// Loads the master key of encryption at rest, creating the key file (and the data directory it
/// lives in by default) on first start. Logs where the key came from and its public fingerprint,
/// never the key.
/// Returns the key file's path as well if this call created it.
pub fn load_sealer(cfg: &Config) -> Result<(Sealer, Option<PathBuf>), Failure> {
    match &cfg.encryption_key {
        EncryptionKey::Value(hex) => {
            let sealer = Sealer::from_hex(hex)
                .map_err(|e| Failure::new(format!("{ENV_ENCRYPTION_KEY}: {e}")))?;
            info!(
                "encryption key taken from {ENV_ENCRYPTION_KEY} (key id {})",
                sealer.key_id()
            );
            Ok((sealer, None))
        }
        EncryptionKey::File(path) => {
            // Like the SQLite file, the default key file may be the first thing in a new data
            // directory; any other directory must exist already.
            if path.parent() == Some(cfg.data_dir.as_path()) {
                std::fs::create_dir_all(&cfg.data_dir).map_err(|e| {
                    Failure::new(format!(
                        "cannot create the data directory {}: {e}",
                        cfg.data_dir.display()
                    ))
                })?;
            }
            let (sealer, how) =
                Sealer::load_or_create_reporting(path).map_err(|e| Failure::new(e.to_string()))?;
            match how {
                KeyFile::Created => {
                    warn!(
                        "created a new encryption key in {} (key id {}); back this file up separately from the database: without it, encrypted fields cannot be read",
                        path.display(),
                        sealer.key_id()
                    );
                    Ok((sealer, Some(path.clone())))
                }
                KeyFile::Loaded => {
                    info!(
                        "encryption key loaded from {} (key id {})",
                        path.display(),
                        sealer.key_id()
                    );
                    Ok((sealer, None))
                }
            }
        }
    }
}

/// Refuses to serve with a key that does not open the database's check value (another key than
/// the one its encrypted fields were sealed with: a lost or mixed-up key file, or instances with
/// different keys on one PostgreSQL database). A key file this start created has sealed nothing
/// and is removed again, so that the right one can be restored in its place.
pub async fn check_key(db: &Db, sealer: &Sealer, created: Option<&Path>) -> Result<(), Failure> {
    let check = settings::check_encryption_key(db, sealer)
        .await
        .map_err(|e| Failure::new(format!("cannot check the encryption key: {e}")))?;
    match check {
        KeyCheck::Recorded => {
            info!(
                "recorded the check value of encryption key {} in the database",
                sealer.key_id()
            );
            Ok(())
        }
        KeyCheck::Matches => Ok(()),
        KeyCheck::Mismatch { recorded_key_id } => {
            let mut msg = format!(
                "the encryption key (key id {}) is not this database's key (key id {recorded_key_id}): its encrypted fields would not open; configure the database's key (the key file from the backup, or {ENV_ENCRYPTION_KEY})",
                sealer.key_id()
            );
            if let Some(path) = created {
                match std::fs::remove_file(path) {
                    Ok(()) => msg.push_str(&format!(
                        "; the key file {} this start created was removed again",
                        path.display()
                    )),
                    Err(e) => msg.push_str(&format!(
                        "; remove the key file {} this start created ({e})",
                        path.display()
                    )),
                }
            }
            Err(Failure::new(msg))
        }
    }
}

/// Seals what migration m0006 left in plaintext, and the values of the first format (the
/// start-up conversion of decision 0011; nothing once done). Says what it did in one line.
pub async fn seal_stored(db: &Db, sealer: &Sealer) -> Result<(), Failure> {
    let done = sealed::convert(db, sealer).await.map_err(|e| {
        Failure::new(format!(
            "cannot seal the stored special-category texts: {e}"
        ))
    })?;
    if done.ran {
        info!(
            sealed = done.sealed,
            "sealed the stored special-category texts and removed their plaintext columns"
        );
    }
    if done.unreadable > 0 {
        warn!(
            unreadable = done.unreadable,
            "some encrypted values of the first format did not open with the configured key; they are kept and show as \"cannot be opened\""
        );
    }
    Ok(())
}

pub async fn run(cfg: &Config, demo: bool) -> Result<(), Failure> {
    if demo {
        // Before the key file is created: a refused demo leaves nothing behind.
        check_demo_allowed(cfg)?;
    }
    let (sealer, created) = load_sealer(cfg)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let db = if demo {
        open_demo(cfg).await?
    } else {
        open_and_migrate(cfg, cfg.database_url()).await?
    };
    let ready = async {
        check_key(&db, &sealer, created.as_deref()).await?;
        seal_stored(&db, &sealer).await?;
        if demo {
            seed_demo(&db, clock.clone(), &sealer).await?;
        }
        Ok::<(), Failure>(())
    };
    if let Err(e) = ready.await {
        db.close().await;
        return Err(e);
    }
    tighten_permissions(&cfg.data_dir);
    let sealer = Arc::new(sealer);
    match serve(cfg, demo, db.clone(), clock, sealer).await {
        Ok(()) => {
            db.close().await;
            info!("stopped");
            Ok(())
        }
        Err(e) => {
            db.close().await;
            Err(e)
        }
    }
}

/// Makes the data directory (0700) and every file in it (0600) readable by the service user only,
/// where an earlier version or an operator left them wider (files ankommen creates now are so
/// from the start: see `restrict_new_files` in `main.rs`). Says so in one line; never fails the
/// start (a file it cannot change keeps its mode and is named in the log).
fn tighten_permissions(data_dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let tighten = |path: &Path, mode: u32| -> bool {
        match std::fs::metadata(path) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                match std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
                    Ok(()) => true,
                    Err(e) => {
                        warn!("cannot restrict the permissions of {}: {e}", path.display());
                        false
                    }
                }
            }
            _ => false,
        }
    };
    let mut changed = usize::from(tighten(data_dir, 0o700));
    if let Ok(entries) = std::fs::read_dir(data_dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                changed += usize::from(tighten(&entry.path(), 0o600));
            }
        }
    }
    if changed > 0 {
        warn!(
            "restricted {changed} entries of the data directory {} to the service user (0600/0700)",
            data_dir.display()
        );
    }
}

async fn serve(
    cfg: &Config,
    demo: bool,
    db: Db,
    clock: Arc<dyn Clock>,
    sealer: Arc<Sealer>,
) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .map_err(|e| Failure::new(format!("cannot listen on {}: {e}", cfg.listen)))?;
    let local = listener.local_addr().unwrap_or(cfg.listen);

    if demo {
        print_demo_accounts(cfg);
    } else {
        let token =
            ankommen_core::administration::setup::bootstrap_link_if_needed(&db, clock.as_ref())
                .await
                .map_err(|e| {
                    Failure::new(format!("cannot check whether an administrator exists: {e}"))
                })?;
        if let Some(token) = token {
            print_setup_notice(cfg, &token);
        }
    }

    let metrics_listener = match cfg.metrics_listen {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| Failure::new(format!("cannot listen for metrics on {addr}: {e}")))?,
        ),
        None => None,
    };

    let web = cfg.web_config(demo);
    let grace = web.request_timeout + SHUTDOWN_GRACE_EXTRA;
    let metrics = Arc::new(Metrics::new(&db));
    let pruning = spawn_pruning(db.clone(), clock.clone(), web.session, metrics.clone());
    let sealing = spawn_sealing(db.clone(), clock.clone(), metrics.clone());
    count_contacts_if_needed(db.clone(), metrics.clone());
    let state = AppState {
        db,
        clock,
        config: Arc::new(web),
        sealer,
        imports: Default::default(),
        metrics,
    };
    let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
    let metrics_server = metrics_listener.map(|listener| {
        let local = listener.local_addr().ok();
        let mut stopping = stopping_rx.clone();
        let app = metrics_router(state.clone());
        info!(
            "serving /metrics on {}",
            local.map_or_else(|| "the metrics address".to_string(), |a| a.to_string())
        );
        tokio::spawn(async move {
            let stopped = async move {
                let _ = stopping.wait_for(|stopping| *stopping).await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await
            {
                error!("the metrics listener failed: {e}");
            }
        })
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();

    let server = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stopping_tx.send(true);
        })
        .into_future();
    info!("listening on {local}");

    let result = tokio::select! {
        r = server => r.map_err(|e| Failure::new(format!("the server failed: {e}"))),
        () = async {
            // Only after a signal: give in-flight requests a bounded time to finish.
            if stopping_rx.wait_for(|stopping| *stopping).await.is_err() {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(grace).await;
        } => {
            warn!("requests still running {} s after the shutdown signal; closing anyway", grace.as_secs());
            Ok(())
        }
    };
    pruning.abort();
    let _ = pruning.await;
    sealing.abort();
    let _ = sealing.await;
    if let Some(m) = metrics_server {
        m.abort();
        let _ = m.await;
    }
    result
}

/// Waits for SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            warn!("cannot listen for SIGINT: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => info!("SIGINT received, shutting down"),
        () = terminate => info!("SIGTERM received, shutting down"),
    }
}

/// Counts the contacts per case, year and kind for the key figures if they are not known to be
/// counted (after the upgrade that introduced the tallies), in the background: until then the
/// figures read the contacts themselves. See `figures::tallies`.
fn count_contacts_if_needed(db: Db, metrics: Arc<Metrics>) {
    use ankommen_core::casework::figures::tallies;
    tokio::spawn(async move {
        match tallies::complete(db.reader()).await {
            Ok(true) => {}
            Ok(false) => {
                info!("counting the contacts per case and year for the key figures");
                match metrics.job("count_contacts", tallies::rebuild(&db)).await {
                    Ok(cases) => info!(cases, "contacts counted for the key figures"),
                    Err(e) => warn!("counting the contacts for the key figures failed: {e}"),
                }
            }
            Err(e) => warn!("cannot tell whether the contacts are counted: {e}"),
        }
    });
}

/// Seals the audit events written since the last round into the audit chain every few seconds,
/// over the whole log every hour, and verifies the whole chain at start and once a day (the
/// outcome is on the data-protection officer's page). See decision 0019.
fn spawn_sealing(db: Db, clock: Arc<dyn Clock>, metrics: Arc<Metrics>) -> JoinHandle<()> {
    use ankommen_core::kernel::audit::chain::{self, Reach, RunBy};
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SEAL_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for round in 0_u64.. {
            tick.tick().await;
            if round % VERIFY_EVERY_ROUNDS == 0 {
                match metrics
                    .job(
                        "verify_audit_chain",
                        chain::verify(&db, clock.now(), RunBy::Server),
                    )
                    .await
                {
                    Ok(v) if v.broken.is_none() => {
                        info!(links = v.links_checked, "audit chain verified: intact")
                    }
                    Ok(v) => {
                        let b = v.broken.as_ref().map(|b| (b.seq, b.problem.describe()));
                        error!(?b, "audit chain verified: BROKEN")
                    }
                    Err(e) => warn!("verifying the audit chain failed: {e}"),
                }
                continue;
            }
            let reach = if round % SEAL_ALL_EVERY_ROUNDS == 0 {
                Reach::All
            } else {
                Reach::Recent
            };
            if let Err(e) = metrics
                .job("seal_audit_log", chain::seal(&db, clock.now(), reach))
                .await
            {
                warn!("sealing the audit log failed: {e}");
            }
        }
    })
}

/// Removes expired sessions and stale login-throttle records every ten minutes, and runs the
/// day's erasure once a day (see [`ankommen_core::casework::retention`]); keeps SQLite's
/// query-planner statistics current at start and every hour ([`Db::optimize`]).
fn spawn_pruning(
    db: Db,
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
    metrics: Arc<Metrics>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PRUNE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for round in 0_u64.. {
            tick.tick().await;
            if round % OPTIMIZE_EVERY_ROUNDS == 0 {
                match metrics.job("optimize", db.optimize()).await {
                    Ok(()) => debug!("query planner statistics checked"),
                    Err(e) => warn!("updating the query planner's statistics failed: {e}"),
                }
            }
            let sessions =
                ankommen_core::administration::sessions::prune(&db, clock.as_ref(), &policy);
            match metrics.job("prune_sessions", sessions).await {
                Ok(n) => debug!(removed = n, "expired sessions pruned"),
                Err(e) => warn!("pruning expired sessions failed: {e}"),
            }
            let throttle = ankommen_core::administration::auth::prune_throttle(&db, clock.now());
            match metrics.job("prune_login_throttle", throttle).await {
                Ok(n) => debug!(removed = n, "login throttle records pruned"),
                Err(e) => warn!("pruning login throttle records failed: {e}"),
            }
            // The nightly erasure: the first round after 01:00 UTC of each day, on one server.
            let now = clock.now();
            if now.hour() >= RETENTION_FROM_HOUR {
                let retention = ankommen_core::casework::retention::run(&db, now, false);
                match metrics.job("retention", retention).await {
                    Ok(Some(r)) => info!(
                        cases = r.cases_erased,
                        persons = r.persons_erased,
                        voluntary = r.voluntary_erased,
                        audit_events = r.audit_events_removed,
                        facts = r.facts_removed,
                        "retention run done"
                    ),
                    Ok(None) => {}
                    Err(e) => warn!("the retention run failed: {e}"),
                }
            }
        }
    })
}

fn print_setup_notice(cfg: &Config, token: &str) {
    let days = ankommen_core::administration::setup::BOOTSTRAP_LINK_HOURS / 24;
    println!();
    println!("No administrator exists yet.");
    println!(
        "Open this one-time link to set up the deployment and its first administrator (valid for {days} days):"
    );
    println!();
    println!("    {}/setup/{token}", cfg.base_url());
    println!();
    println!("Alternatively, create an administrator on the command line:");
    println!();
    println!("    ankommen admin create-user --username NAME --name \"Full Name\"");
    println!();
}

// ---------------------------------------------------------------------------------------------
// Demo mode

/// Checks that demo mode may run with these settings.
pub fn check_demo_allowed(cfg: &Config) -> Result<(), Failure> {
    if !cfg.listen.ip().is_loopback() {
        return Err(Failure::new(format!(
            "demo mode only listens on a loopback address (127.0.0.0/8 or ::1), not {}: its accounts share a published password",
            cfg.listen
        )));
    }
    if cfg.database_url.is_some() && cfg.backend == Backend::Postgres {
        return Err(Failure::new(
            "demo mode uses its own SQLite database and refuses to run while a PostgreSQL database is configured; \
             remove --database-url / ANKOMMEN_DATABASE_URL / database_url",
        ));
    }
    Ok(())
}

/// Deletes the previous demo database and creates a new one.
async fn open_demo(cfg: &Config) -> Result<Db, Failure> {
    check_demo_allowed(cfg)?;
    if cfg.database_url.is_some() {
        info!("demo mode uses its own database; the configured database is not touched");
    }
    remove_demo_files(&cfg.data_dir)?;
    open_and_migrate(cfg, sqlite_url_for(&cfg.data_dir, DEMO_DATABASE_FILE)).await
}

/// Loads the demo county (its texts sealed with the checked key).
async fn seed_demo(db: &Db, clock: Arc<dyn Clock>, sealer: &Sealer) -> Result<(), Failure> {
    let loaded = match ankommen_core::demo::seed(db, clock.as_ref()).await {
        Ok(ids) => ankommen_core::demo::seed_clients(db, clock, sealer, &ids).await,
        Err(e) => Err(e),
    };
    loaded.map_err(|e| Failure::new(format!("loading the demo data failed: {e}")))
}

/// The demo database and its WAL and shared-memory files.
fn demo_files(data_dir: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| data_dir.join(format!("{DEMO_DATABASE_FILE}{suffix}")))
        .collect()
}

fn remove_demo_files(data_dir: &Path) -> Result<(), Failure> {
    for f in demo_files(data_dir) {
        match std::fs::remove_file(&f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Failure::new(format!(
                    "cannot remove the old demo database {}: {e}",
                    f.display()
                )));
            }
        }
    }
    Ok(())
}

fn print_demo_accounts(cfg: &Config) {
    use ankommen_core::demo::{ACCOUNTS, DEMO_PASSWORD, DEPLOYMENT};
    let roles = |a: &ankommen_core::demo::DemoAccount| {
        a.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let user_w = ACCOUNTS
        .iter()
        .map(|a| a.username.chars().count())
        .max()
        .unwrap_or(0)
        .max("USERNAME".len());
    let name_w = ACCOUNTS
        .iter()
        .map(|a| a.display_name.chars().count())
        .max()
        .unwrap_or(0)
        .max("NAME".len());
    println!();
    println!("DEMO MODE: {DEPLOYMENT} (fictional data; the demo database is reset on every start)");
    println!(
        "Open {} and sign in with one of these accounts.",
        cfg.base_url()
    );
    println!("Password for every account: {DEMO_PASSWORD}");
    println!();
    println!("    {:<user_w$}  {:<name_w$}  ROLES", "USERNAME", "NAME");
    for a in ACCOUNTS {
        println!(
            "    {:<user_w$}  {:<name_w$}  {}",
            a.username,
            a.display_name,
            roles(a)
        );
    }
    println!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Flags, resolve};
    use std::collections::HashMap;

    fn cfg(flags: Flags) -> Config {
        resolve(&flags, &HashMap::new(), &|_: &Path| {
            Err(std::io::Error::other("no files"))
        })
        .unwrap()
    }

    #[test]
    fn demo_needs_a_loopback_address() {
        assert!(check_demo_allowed(&cfg(Flags::default())).is_ok());
        assert!(
            check_demo_allowed(&cfg(Flags {
                listen: Some("127.0.0.2:1".into()),
                ..Flags::default()
            }))
            .is_ok()
        );
        assert!(
            check_demo_allowed(&cfg(Flags {
                listen: Some("[::1]:1".into()),
                ..Flags::default()
            }))
            .is_ok()
        );
        let e = check_demo_allowed(&cfg(Flags {
            listen: Some("0.0.0.0:1".into()),
            ..Flags::default()
        }))
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("demo mode only listens on a loopback address"),
            "{e}"
        );
        assert!(
            check_demo_allowed(&cfg(Flags {
                listen: Some("[::]:1".into()),
                ..Flags::default()
            }))
            .is_err()
        );
        assert!(
            check_demo_allowed(&cfg(Flags {
                listen: Some("192.168.1.5:1".into()),
                ..Flags::default()
            }))
            .is_err()
        );
    }

    #[test]
    fn demo_refuses_postgres() {
        let c = cfg(Flags {
            database_url: Some("postgres://u@h/db".into()),
            ..Flags::default()
        });
        let e = check_demo_allowed(&c).unwrap_err();
        assert!(e.to_string().contains("PostgreSQL"), "{e}");
        let c = cfg(Flags {
            database_url: Some("sqlite:///tmp/x.sqlite".into()),
            ..Flags::default()
        });
        assert!(check_demo_allowed(&c).is_ok());
    }

    fn cfg_in(dir: &Path, env: &[(&str, &str)], key_file: Option<PathBuf>) -> Config {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        let flags = Flags {
            data_dir: Some(dir.to_path_buf()),
            encryption_key_file: key_file,
            ..Flags::default()
        };
        crate::config::resolve(&flags, &env, &|_: &Path| {
            Err(std::io::Error::other("no files"))
        })
        .unwrap()
    }

    #[test]
    fn the_key_file_is_created_in_a_new_data_directory_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("new/data");
        let c = cfg_in(&data, &[], None);
        let (first, created) = load_sealer(&c).unwrap();
        let key_file = data.join("ankommen.key");
        assert!(key_file.exists());
        assert_eq!(created.as_deref(), Some(key_file.as_path()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, created) = load_sealer(&c).unwrap();
        assert_eq!(created, None, "an existing key file is loaded, not created");
        assert_eq!(again.key_id(), first.key_id());
        let aad = ankommen_core::kernel::sealing::Aad::new("t", "c", 1);
        let blob = first.seal(&aad, "x").unwrap();
        assert_eq!(again.open(&aad, &blob).unwrap(), "x");
    }

    #[test]
    fn a_configured_key_file_needs_an_existing_directory() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg_in(dir.path(), &[], Some(dir.path().join("keys/ankommen.key")));
        let e = load_sealer(&c).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!(
                "cannot create the encryption key file {}",
                dir.path().join("keys/ankommen.key").display()
            )),
            "{e}"
        );
        assert!(!dir.path().join("keys").exists());
        assert!(!dir.path().join("ankommen.key").exists());
    }

    #[cfg(unix)]
    #[test]
    fn an_unsafe_or_malformed_key_file_stops_the_server_with_one_line() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("ankommen.key");
        let secret = "ab".repeat(32);
        std::fs::write(&key_file, format!("{secret}\n")).unwrap();
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let c = cfg_in(dir.path(), &[], None);
        let e = load_sealer(&c).unwrap_err().to_string();
        assert!(
            e.contains("accessible to group or others (mode 0644)"),
            "{e}"
        );
        assert!(!e.contains(&secret), "{e}");
        std::fs::write(&key_file, "hunter2\n").unwrap();
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = load_sealer(&c).unwrap_err().to_string();
        assert!(e.contains("is malformed"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn a_key_from_the_environment_needs_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let hex = "0f".repeat(32);
        let c = cfg_in(dir.path(), &[("ANKOMMEN_ENCRYPTION_KEY", &hex)], None);
        let (s, created) = load_sealer(&c).unwrap();
        assert_eq!(created, None);
        assert_eq!(s.key_id(), Sealer::from_hex(&hex).unwrap().key_id());
        assert!(!dir.path().join("ankommen.key").exists());
    }

    #[test]
    fn demo_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for f in demo_files(dir.path()) {
            std::fs::write(&f, b"x").unwrap();
        }
        std::fs::write(dir.path().join("ankommen.sqlite"), b"keep").unwrap();
        remove_demo_files(dir.path()).unwrap();
        for f in demo_files(dir.path()) {
            assert!(!f.exists(), "{} still exists", f.display());
        }
        assert!(dir.path().join("ankommen.sqlite").exists());
        // Nothing to remove is fine.
        remove_demo_files(dir.path()).unwrap();
    }
}
