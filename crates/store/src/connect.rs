//! Opening a database: the URL decides the backend; SQLite gets its safety pragmas and a single writer.

use std::path::PathBuf;
use std::time::Duration;

use sea_orm::sqlx::ConnectOptions as _;
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, SqlxSqliteConnector,
};
use sea_orm_migration::MigratorTrait;

use tokio::time::Instant;

use crate::Migrator;
use crate::metrics::{DbMetrics, PoolStats, Pools};
use crate::tx::{GroupQueue, Tx};

/// Rows of each index SQLite's `ANALYZE` reads when [`Db::optimize`] runs it (SQLite suggests
/// a few hundred to a thousand; the statistics stay approximate, which is all the planner needs).
const ANALYSIS_LIMIT: u32 = 1000;

/// Prepared statements kept per connection (sqlx's default is 100).
const STATEMENT_CACHE: usize = 1000;

/// Which database engine a URL selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How to reach the database.
#[derive(Clone, Debug)]
pub struct DbConfig {
    pub url: String,
    /// Connections in the pool (PostgreSQL) or reader connections (SQLite).
    pub max_connections: u32,
}

/// Errors while opening a database, each with a one-line, human-readable explanation.
#[derive(Debug)]
pub enum ConnectError {
    UnknownScheme(String),
    DirectoryNotWritable(PathBuf, String),
    Unreachable(String),
    Migration(String),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownScheme(s) => write!(
                f,
                "unsupported database URL scheme '{s}' (use sqlite://PATH or postgres://USER@HOST/DB)"
            ),
            Self::DirectoryNotWritable(p, e) => {
                write!(
                    f,
                    "the data directory {} cannot be written: {e}",
                    p.display()
                )
            }
            Self::Unreachable(e) => write!(f, "the database cannot be reached: {e}"),
            Self::Migration(e) => write!(f, "the database schema could not be migrated: {e}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// A database handle. SQLite allows one writer at a time: all writes go through a single-connection
/// pool, so transactions never fail with `SQLITE_BUSY` when upgrading, and [`Db::begin`] commits
/// them in groups (see [`crate::tx`]); reads use their own pool. On PostgreSQL both handles are the
/// same pool.
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    writer: DatabaseConnection,
    reader: DatabaseConnection,
    /// SQLite: the writer's queue and its open group.
    pub(crate) groups: Option<GroupQueue>,
    /// The pools behind the handles, for monitoring.
    pools: Pools,
    metrics: DbMetrics,
}

impl Db {
    pub fn backend(&self) -> Backend {
        self.backend
    }
    /// The writer connection itself, for migrations and single statements outside a transaction
    /// (session bookkeeping). Transactions, including audited reads, use [`Db::begin`].
    pub fn writer(&self) -> &DatabaseConnection {
        &self.writer
    }
    /// Begins a change: committed durably, with its audit event, when [`Tx::commit`] returns;
    /// rolled back when dropped (see [`crate::tx`]).
    pub async fn begin(&self) -> Result<Tx, DbErr> {
        let started = Instant::now();
        let tx = match &self.groups {
            Some(queue) => Tx::grouped(queue, &self.writer).await,
            None => Tx::plain(&self.writer).await,
        };
        self.metrics.change_wait.observe(started.elapsed());
        tx
    }
    /// Begins an audited read: it reads a person's data and writes nothing but the audit events
    /// recording it (any other write is refused), which are durable when [`Tx::commit`] returns.
    /// On SQLite it reads a snapshot on a reader connection (see [`crate::tx`]). Services use it
    /// through core's `audit::read`, which hands out nothing read before that commit.
    pub async fn begin_audited_read(&self) -> Result<Tx, DbErr> {
        let writer = self
            .groups
            .as_ref()
            .map(|queue| (queue.clone(), self.writer.clone()));
        let started = Instant::now();
        let tx = Tx::audited_read(&self.reader, writer).await;
        self.metrics.audited_read_wait.observe(started.elapsed());
        tx
    }
    /// The connection for plain reads that record nothing.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.reader
    }

    /// Applies all pending migrations.
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        Migrator::up(&self.writer, None)
            .await
            .map_err(|e| ConnectError::Migration(e.to_string()))
    }

    /// Keeps SQLite's query-planner statistics current, as SQLite advises for long-lived
    /// connections (at start, then every few hours): `PRAGMA optimize` analyses the tables whose
    /// statistics are missing or out of date, each bounded by [`ANALYSIS_LIMIT`] rows so that the
    /// writer is held for milliseconds, not for a scan of a large table. Does nothing on
    /// PostgreSQL, whose autovacuum analyses tables by itself.
    pub async fn optimize(&self) -> Result<(), DbErr> {
        if self.backend == Backend::Sqlite {
            self.writer
                .execute_unprepared(&format!("PRAGMA analysis_limit = {ANALYSIS_LIMIT}"))
                .await?;
            // 0x10002: analyse where needed, every table (not only those this connection has
            // queried since it opened).
            self.writer
                .execute_unprepared("PRAGMA optimize = 0x10002")
                .await?;
        }
        Ok(())
    }

    /// True when the database answers a trivial query within `timeout` (a connection included).
    pub async fn ping(&self, timeout: Duration) -> bool {
        matches!(
            tokio::time::timeout(timeout, self.reader.execute_unprepared("SELECT 1")).await,
            Ok(Ok(_))
        )
    }

    /// Registers this database's metrics in `registry` (decision 0037): transaction waits, the
    /// pools' connections, and on SQLite the writer's queue. The registry reads the live values;
    /// clones of this `Db` share them.
    pub fn register_metrics(&self, registry: &mut prometheus_client::registry::Registry) {
        crate::metrics::register(
            registry,
            &self.metrics,
            self.groups.as_ref().map(|q| &q.stats),
            &self.pools,
        );
    }

    /// The pools' connections now.
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        self.pools.stats()
    }

    /// Closes the pools (used at shutdown so SQLite checkpoints its WAL).
    pub async fn close(self) {
        let _ = self.writer.close().await;
        if self.backend == Backend::Postgres {
            return;
        }
        let _ = self.reader.close().await;
    }
}

/// Selects the backend from a URL, or explains why not.
pub fn backend_of(url: &str) -> Result<Backend, ConnectError> {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or(url);
    match scheme {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" | "postgresql" => Ok(Backend::Postgres),
        other => Err(ConnectError::UnknownScheme(other.to_string())),
    }
}

/// Builds the SQLite URL for a file in a data directory.
pub fn sqlite_url_for(dir: &std::path::Path, file: &str) -> String {
    format!("sqlite://{}", dir.join(file).display())
}

/// Opens (and for SQLite creates) the database. Does not migrate.
pub async fn connect(cfg: &DbConfig) -> Result<Db, ConnectError> {
    match backend_of(&cfg.url)? {
        Backend::Sqlite => connect_sqlite(cfg).await,
        Backend::Postgres => {
            let mut opts = ConnectOptions::new(cfg.url.clone());
            opts.map_sqlx_postgres_opts(|o| {
                o.statement_cache_capacity(STATEMENT_CACHE)
                    // The prepared statements are planned once per connection instead of at
                    // every execution: their parameters are ids, dates and short keys whose
                    // values do not change the best plan (measured: about a fifth more day views
                    // per second, the other pages unchanged or faster; `docs/benchmarks.md`).
                    // Needs PostgreSQL 12 or newer.
                    .options([("plan_cache_mode", "force_generic_plan")])
            });
            opts.max_connections(cfg.max_connections.max(2))
                .min_connections(1)
                .connect_timeout(Duration::from_secs(5))
                .acquire_timeout(Duration::from_secs(10))
                .sqlx_logging(false);
            let conn = Database::connect(opts)
                .await
                .map_err(|e| ConnectError::Unreachable(short_db_error(&e)))?;
            conn.execute_unprepared("SELECT 1")
                .await
                .map_err(|e| ConnectError::Unreachable(short_db_error(&e)))?;
            Ok(Db {
                backend: Backend::Postgres,
                pools: Pools::Postgres(conn.get_postgres_connection_pool().clone()),
                writer: conn.clone(),
                reader: conn,
                groups: None,
                metrics: DbMetrics::default(),
            })
        }
    }
}

/// The file a `sqlite:` URL names (without its query).
pub fn sqlite_path(url: &str) -> &str {
    let rest = url.trim_start_matches("sqlite:");
    let rest = rest.trim_start_matches("//");
    rest.split('?').next().unwrap_or(rest)
}

async fn connect_sqlite(cfg: &DbConfig) -> Result<Db, ConnectError> {
    let path = PathBuf::from(sqlite_path(&cfg.url));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| ConnectError::DirectoryNotWritable(dir.to_path_buf(), e.to_string()))?;
        let probe = dir.join(".ankommen-write-test");
        std::fs::write(&probe, b"ok")
            .map_err(|e| ConnectError::DirectoryNotWritable(dir.to_path_buf(), e.to_string()))?;
        let _ = std::fs::remove_file(&probe);
    }
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        // One connection for the life of the process: its prepared statements stay, and there is
        // nothing to gain from replacing it.
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(sqlite_options(&path, false))
        .await
        .map_err(|e| ConnectError::Unreachable(short_sqlx_error(&e)))?;
    let reader = SqlitePoolOptions::new()
        .max_connections(cfg.max_connections.max(1))
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(sqlite_options(&path, true))
        .await
        .map_err(|e| ConnectError::Unreachable(short_sqlx_error(&e)))?;
    Ok(Db {
        backend: Backend::Sqlite,
        groups: Some(GroupQueue::default()),
        pools: Pools::Sqlite {
            writer: writer.clone(),
            readers: reader.clone(),
        },
        writer: SqlxSqliteConnector::from_sqlx_sqlite_pool(writer),
        reader: SqlxSqliteConnector::from_sqlx_sqlite_pool(reader),
        metrics: DbMetrics::default(),
    })
}

/// The options of every SQLite connection; `query_only` for the readers.
fn sqlite_options(path: &std::path::Path, query_only: bool) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_millis(5000))
        .pragma("secure_delete", "ON")
        // Room for every statement the application prepares, including the variants of
        // `IN (...)` lists, so that none is parsed again per request.
        .statement_cache_capacity(STATEMENT_CACHE)
        // Reads through a memory map instead of a read() call and a copy per page; files larger
        // than this are read the ordinary way beyond it.
        .pragma("mmap_size", "1073741824")
        // 32 MiB of page cache per connection instead of 2 MiB: the working set of a county's
        // pages stays decoded between requests.
        .pragma("cache_size", "-32768")
        // Reader connections cannot change the database, whatever runs on them: every write goes
        // through the single writer.
        .pragma("query_only", if query_only { "ON" } else { "OFF" })
        .disable_statement_logging()
}

/// A single-line description of an sqlx error.
fn short_sqlx_error(e: &sea_orm::sqlx::Error) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or("unknown error")
        .to_string()
}

/// A single-line description of a connection error, without credentials from the URL.
fn short_db_error(e: &DbErr) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or("unknown error")
        .to_string()
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    /// `optimize` gathers statistics for a table that has none, and leaves the database usable.
    #[tokio::test]
    async fn optimize_gathers_statistics() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = super::connect(&super::DbConfig {
            url: super::sqlite_url_for(dir.path(), "o.sqlite"),
            max_connections: 1,
        })
        .await
        .expect("open");
        db.writer()
            .execute_unprepared(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER NOT NULL);
                 CREATE INDEX ix_t_k ON t (k);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
                 INSERT INTO t (k) SELECT i % 7 FROM n;",
            )
            .await
            .expect("fill");
        let stats = || async {
            db.reader()
                .query_all_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "SELECT idx FROM sqlite_stat1 WHERE tbl = 't'",
                ))
                .await
                .map(|rows| {
                    rows.iter()
                        .map(|r| r.try_get::<String>("", "idx").expect("idx"))
                        .collect::<Vec<_>>()
                })
        };
        assert!(stats().await.is_err(), "no statistics before");
        db.optimize().await.expect("optimize");
        assert_eq!(stats().await.expect("statistics"), ["ix_t_k"]);
        db.optimize().await.expect("optimize again");
        assert_eq!(stats().await.expect("statistics"), ["ix_t_k"]);
        db.close().await;
    }

    /// The bundled SQLite is built without `SQLITE_ENABLE_STAT4` (`.cargo/config.toml`): with
    /// statistics present, a statement whose bound parameter is compared with an indexed column
    /// would be compiled again every time a new value is bound (decision 0008).
    #[tokio::test]
    async fn sqlite_is_built_without_stat4() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = super::connect(&super::DbConfig {
            url: super::sqlite_url_for(dir.path(), "s.sqlite"),
            max_connections: 1,
        })
        .await
        .expect("open");
        let used = |option: &'static str| {
            let db = db.clone();
            async move {
                db.reader()
                    .query_one_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        format!("SELECT sqlite_compileoption_used('{option}') AS used"),
                    ))
                    .await
                    .expect("query")
                    .expect("row")
                    .try_get::<i64>("", "used")
                    .expect("used")
            }
        };
        // The check itself can tell a compile option that is there.
        assert_eq!(used("ENABLE_FTS5").await, 1);
        assert_eq!(
            used("ENABLE_STAT4").await,
            0,
            "is LIBSQLITE3_FLAGS=-USQLITE_ENABLE_STAT4 in effect?"
        );
        db.close().await;
    }
}
