//! Transactions: changes with group commit on SQLite, and audited reads.
//!
//! **Changes.** Every change and its audit event run in one [`Tx`] from
//! [`Db::begin`](crate::Db::begin), committed atomically and durably before [`Tx::commit`] returns.
//! On PostgreSQL a `Tx` is an ordinary transaction of the pool.
//!
//! SQLite has one writer, and with `synchronous=FULL` every commit waits for an `fsync` of the
//! write-ahead log (a millisecond or more on a cloud disk, and much longer in its tail). Committing
//! each change separately would put one `fsync` per change on the single writer, so on SQLite
//! transactions are committed in **groups**:
//!
//! - the first `Tx` of a group begins a transaction on the writer connection (`BEGIN`) and starts
//!   the group's committer, a task that queues for the writer like any transaction does;
//! - every `Tx` holds the writer exclusively while it runs, inside the group's transaction, in its
//!   own savepoint. Its `commit` releases the savepoint and hands the writer to the next `Tx` in
//!   the queue, then waits until the group has been committed; it returns only after the group's
//!   `COMMIT` (and its `fsync`) succeeded, and fails if that failed;
//! - the `Tx`s that were already waiting when the group began run in that group; then the committer
//!   gets its turn and commits them all with one `COMMIT`. A `Tx` that fails or is dropped without
//!   `commit` rolls back to its savepoint: the other members of its group are not affected.
//!
//! A group only shares the `COMMIT`; with one writer at a time every group has one member.
//!
//! **Audited reads** ([`Db::begin_audited_read`](crate::Db::begin_audited_read)) read a person's
//! data and write nothing but the audit events that record the reading (decision 0009): every other
//! write is refused, and the events are kept until [`Tx::commit`], which returns only once they are
//! durable. The caller hands out what it read only after `commit` returned (core's
//! `audit::read` does exactly that), so nothing is disclosed without a durable record of it, and
//! if the events cannot be written the request fails.
//!
//! - On SQLite an audited read reads on a **reader connection**, in a read transaction: one
//!   consistent snapshot of the last committed state, taken at its first read, never a
//!   half-committed change. It does not hold the writer while it reads. At `commit` the snapshot
//!   ends and the events are written as one change through the writer (so in a group, one
//!   `fsync` shared with the others).
//! - On PostgreSQL it is a `REPEATABLE READ` transaction of the pool (one snapshot for all its
//!   statements) that inserts its events just before its `COMMIT`.
//!
//! Dropped or failed before `commit`, an audited read leaves nothing behind.

use std::sync::Arc;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    IsolationLevel, QueryResult, Statement, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};
use tokio::time::Instant;

use crate::metrics::WriterStats;

/// The outcome of a group's `COMMIT`, as seen by its members (`None` until it is known).
type Outcome = Option<Result<(), String>>;

/// The SQLite writer's group-commit state; the mutex is the writer's queue (tokio's mutex is fair).
#[derive(Default)]
pub(crate) struct Groups {
    open: Option<OpenGroup>,
}

struct OpenGroup {
    tx: DatabaseTransaction,
    outcome: watch::Sender<Outcome>,
}

impl std::fmt::Debug for Groups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Groups")
            .field("open", &self.open.is_some())
            .finish()
    }
}

/// The writer's queue and what it reports to monitoring (its length, the waits, the group commits).
#[derive(Clone, Debug, Default)]
pub(crate) struct GroupQueue {
    turn: Arc<Mutex<Groups>>,
    pub(crate) stats: WriterStats,
}

impl GroupQueue {
    /// Waits for the writer's turn, counted in the queue while waiting.
    async fn turn(&self) -> OwnedMutexGuard<Groups> {
        /// Leaves the queue's count also when the waiting request is cancelled (a timeout).
        struct Waiting<'a>(&'a WriterStats);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.waiting.dec();
            }
        }
        let started = Instant::now();
        self.stats.waiting.inc();
        let waiting = Waiting(&self.stats);
        let turn = Arc::clone(&self.turn).lock_owned().await;
        drop(waiting);
        self.stats.wait.observe(started.elapsed());
        turn
    }
}

/// A transaction: a change, or an audited read (see the module documentation). Use it like a
/// sea-orm transaction (`&tx` is a connection) and end it with [`Tx::commit`]; dropping it rolls
/// back.
#[must_use = "a transaction is rolled back unless it is committed"]
pub struct Tx {
    /// Dropped first: rolls back (to the savepoint) before the writer is handed on. For an audited
    /// read on SQLite, the read transaction on a reader connection.
    inner: DatabaseTransaction,
    member: Option<Member>,
    /// An audited read: the audit events it will write at `commit` (nothing else may be written).
    audit: Option<AuditedRead>,
}

struct Member {
    turn: OwnedMutexGuard<Groups>,
    outcome: watch::Receiver<Outcome>,
}

/// What an audited read keeps until its `commit`.
struct AuditedRead {
    events: std::sync::Mutex<Vec<Statement>>,
    /// SQLite: the writer the events are written through once the read has ended.
    writer: Option<(GroupQueue, DatabaseConnection)>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("grouped", &self.member.is_some())
            .field("audited_read", &self.audit.is_some())
            .finish()
    }
}

impl Tx {
    /// An ordinary transaction (PostgreSQL).
    pub(crate) async fn plain(conn: &DatabaseConnection) -> Result<Self, DbErr> {
        Ok(Self {
            inner: conn.begin().await?,
            member: None,
            audit: None,
        })
    }

    /// An audited read: on `conn` (a reader on SQLite, the pool on PostgreSQL); its events go
    /// through `writer` on SQLite, through its own transaction otherwise.
    pub(crate) async fn audited_read(
        conn: &DatabaseConnection,
        writer: Option<(GroupQueue, DatabaseConnection)>,
    ) -> Result<Self, DbErr> {
        let inner = match writer {
            // A reader's read transaction is one snapshot (WAL).
            Some(_) => conn.begin().await?,
            // One snapshot for all its statements, not one per statement (PostgreSQL's default,
            // READ COMMITTED). It writes only new audit rows, so it never fails to serialize.
            None => {
                conn.begin_with_config(Some(IsolationLevel::RepeatableRead), None)
                    .await?
            }
        };
        Ok(Self {
            inner,
            member: None,
            audit: Some(AuditedRead {
                events: Default::default(),
                writer,
            }),
        })
    }

    /// A member of the SQLite writer's current group (which it opens if there is none).
    pub(crate) async fn grouped(
        queue: &GroupQueue,
        writer: &DatabaseConnection,
    ) -> Result<Self, DbErr> {
        let mut turn = queue.turn().await;
        let group = match turn.open.take() {
            Some(group) => group,
            None => {
                let tx = writer.begin().await?;
                // The committer queues now: everyone already waiting for the writer joins this
                // group. It cannot run before this turn ends.
                let queue = queue.clone();
                tokio::spawn(async move {
                    let mut turn = Arc::clone(&queue.turn).lock_owned().await;
                    if let Some(group) = turn.open.take() {
                        queue.stats.groups.inc();
                        let result = group.tx.commit().await.map_err(|e| e.to_string());
                        if let Err(e) = &result {
                            tracing::error!(error = %e, "group commit failed");
                        }
                        group.outcome.send_replace(Some(result));
                    }
                });
                OpenGroup {
                    tx,
                    outcome: watch::channel(None).0,
                }
            }
        };
        let outcome = group.outcome.subscribe();
        let inner = group.tx.begin().await;
        // The group stays open for its other members even if this savepoint could not begin.
        turn.open = Some(group);
        Ok(Self {
            inner: inner?,
            member: Some(Member { turn, outcome }),
            audit: None,
        })
    }

    /// How many audit events this audited read will write at `commit` (0 for a change).
    pub fn audit_events(&self) -> usize {
        self.audit
            .as_ref()
            .and_then(|a| a.events.lock().ok().map(|e| e.len()))
            .unwrap_or(0)
    }

    /// Commits: returns once the changes (for an audited read: its audit events) are durable.
    pub async fn commit(self) -> Result<(), DbErr> {
        let Tx {
            inner,
            member,
            audit,
        } = self;
        match audit {
            Some(read) => read.commit(inner).await,
            None => commit_change(inner, member).await,
        }
    }

    /// Rolls back (on SQLite, to the member's savepoint; the group goes on).
    pub async fn rollback(self) -> Result<(), DbErr> {
        let Tx { inner, member, .. } = self;
        let result = inner.rollback().await;
        drop(member);
        result
    }

    /// An audited read's queries must be reads (a query may write with `RETURNING`).
    fn check_query(&self, stmt: &Statement) -> Result<(), DbErr> {
        if self.audit.is_some() && !is_read(&stmt.sql) {
            return Err(refused());
        }
        Ok(())
    }
}

/// Commits a change: its own transaction, or its savepoint and then (awaited) its group.
async fn commit_change(inner: DatabaseTransaction, member: Option<Member>) -> Result<(), DbErr> {
    inner.commit().await?;
    let Some(Member { turn, mut outcome }) = member else {
        return Ok(());
    };
    // Hand the writer to the next transaction of the group (or to its committer).
    drop(turn);
    let result = match outcome.wait_for(Option::is_some).await {
        Ok(r) => r.clone().unwrap_or(Ok(())),
        Err(_) => Err("the transaction group ended without a commit".to_string()),
    };
    result.map_err(DbErr::Custom)
}

impl AuditedRead {
    /// An audited read refuses every write but its audit events, which it keeps until `commit`.
    fn write(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        if !stmt.sql.starts_with(AUDIT_INSERT) {
            return Err(refused());
        }
        self.events.lock().map_err(|_| poisoned())?.push(stmt);
        // Written at commit: nothing affected yet.
        Ok(ExecResult::from(
            sea_orm::sqlx::sqlite::SqliteQueryResult::default(),
        ))
    }

    /// Ends the read and writes its events durably (see the module documentation).
    async fn commit(self, read: DatabaseTransaction) -> Result<(), DbErr> {
        let events = self.events.into_inner().map_err(|_| poisoned())?;
        match self.writer {
            Some((queue, writer)) => {
                // The snapshot is not needed any more: release the reader before queueing.
                read.commit().await?;
                if events.is_empty() {
                    return Ok(());
                }
                let tx = Tx::grouped(&queue, &writer).await?;
                for stmt in events {
                    // On an error `tx` is dropped whole: its savepoint rolls back before the
                    // writer is handed on (the fields' order).
                    tx.inner.execute_raw(stmt).await?;
                }
                let Tx { inner, member, .. } = tx;
                commit_change(inner, member).await
            }
            None => {
                for stmt in events {
                    read.execute_raw(stmt).await?;
                }
                read.commit().await
            }
        }
    }
}

/// How sea-orm begins the insert of an audit event (the same on both backends).
const AUDIT_INSERT: &str = "INSERT INTO \"audit_events\" ";

/// Whether a statement only reads (a `SELECT`, possibly a parenthesised union or a `WITH`).
pub(crate) fn is_read(sql: &str) -> bool {
    let head = sql.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
    ["SELECT", "WITH"].iter().any(|k| {
        head.get(..k.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(k))
    }) && !sql
        .as_bytes()
        .windows(RETURNING.len())
        .any(|w| w.eq_ignore_ascii_case(RETURNING))
}

/// Checked on every query of an audited read, without copying the statement.
const RETURNING: &[u8] = b" RETURNING ";

pub(crate) fn refused() -> DbErr {
    DbErr::Custom("an audited read writes nothing but its audit events".into())
}

fn poisoned() -> DbErr {
    DbErr::Custom("audit buffer poisoned".into())
}

#[async_trait::async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        self.inner.get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match &self.audit {
            Some(audit) => audit.write(stmt),
            None => self.inner.execute_raw(stmt).await,
        }
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        if self.audit.is_some() {
            return Err(refused());
        }
        self.inner.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.check_query(&stmt)?;
        self.inner.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.check_query(&stmt)?;
        self.inner.query_all_raw(stmt).await
    }
    fn support_returning(&self) -> bool {
        self.inner.support_returning()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use crate::{Db, DbConfig, connect};

    async fn open(dir: &std::path::Path) -> Db {
        let db = connect(&DbConfig {
            url: crate::connect::sqlite_url_for(dir, "t.sqlite"),
            max_connections: 2,
        })
        .await
        .expect("open");
        db.writer()
            .execute_unprepared(
                "CREATE TABLE t (x INTEGER NOT NULL UNIQUE); \
                 CREATE TABLE audit_events (x INTEGER NOT NULL UNIQUE)",
            )
            .await
            .expect("create");
        db
    }

    /// An audit event as sea-orm inserts one.
    fn event(x: i64) -> Statement {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            r#"INSERT INTO "audit_events" ("x") VALUES (?)"#,
            [x.into()],
        )
    }

    async fn events(db: &Db) -> Vec<i64> {
        committed_x(db, "audit_events").await
    }

    fn insert(x: i64) -> Statement {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO t (x) VALUES (?)",
            [x.into()],
        )
    }

    async fn rows(db: &Db) -> Vec<i64> {
        committed_x(db, "t").await
    }

    /// The committed values of a test table, as a reader sees them.
    async fn committed_x(db: &Db, table: &str) -> Vec<i64> {
        db.reader()
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT x FROM {table} ORDER BY x"),
            ))
            .await
            .expect("select")
            .iter()
            .map(|r| r.try_get_by_index::<i64>(0).expect("x"))
            .collect()
    }

    async fn committed(db: &Db) -> u64 {
        db.groups.as_ref().expect("sqlite").stats.groups.get()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_transactions_share_one_commit_and_fail_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;

        // The first transaction holds the writer while the others queue behind it.
        let first = db.begin().await.expect("begin");
        first.execute_raw(insert(1)).await.expect("insert 1");
        let spawn = |x: i64, commit: bool| {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.begin().await?;
                tx.execute_raw(insert(x)).await?;
                if commit { tx.commit().await } else { Ok(()) }
            })
        };
        let ok = spawn(2, true);
        let duplicate = spawn(1, true);
        let dropped = spawn(3, false);
        let later = spawn(4, true);
        tokio::time::sleep(Duration::from_millis(100)).await;
        // Nothing is committed while the group's first member is still running.
        assert_eq!(rows(&db).await, Vec::<i64>::new());
        first.commit().await.expect("commit 1");

        ok.await.expect("join").expect("commit 2");
        let err = duplicate
            .await
            .expect("join")
            .expect_err("duplicate must fail");
        assert!(err.to_string().contains("UNIQUE"), "{err}");
        dropped.await.expect("join").expect("dropped");
        later.await.expect("join").expect("commit 4");

        // The failed and the dropped transaction left nothing; the others are all there, and
        // the five transactions needed fewer commits than five.
        assert_eq!(rows(&db).await, vec![1, 2, 4]);
        let groups = committed(&db).await;
        assert!((1..5).contains(&groups), "{groups} group commits");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn audited_reads_write_only_their_audit_events_at_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;
        let tx = db.begin().await.expect("begin");
        tx.execute_raw(insert(1)).await.expect("insert");
        tx.commit().await.expect("commit");

        let read = db.begin_audited_read().await.expect("begin read");
        // It reads in the writer's transaction.
        let seen = read
            .query_all_raw(Statement::from_string(DbBackend::Sqlite, "SELECT x FROM t"))
            .await
            .expect("read");
        assert_eq!(seen.len(), 1);
        // Every write but an audit event is refused, as a statement or as a query.
        let err = read.execute_raw(insert(2)).await.expect_err("refused");
        assert!(err.to_string().contains("audit events"), "{err}");
        read.execute_unprepared("DELETE FROM t")
            .await
            .expect_err("refused");
        read.query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "INSERT INTO t (x) VALUES (3) RETURNING x",
        ))
        .await
        .expect_err("refused");
        // Its audit events wait for the commit.
        read.execute_raw(event(10)).await.expect("event 10");
        read.execute_raw(event(11)).await.expect("event 11");
        assert_eq!(events(&db).await, Vec::<i64>::new());
        read.commit().await.expect("commit read");
        assert_eq!(events(&db).await, vec![10, 11]);
        assert_eq!(rows(&db).await, vec![1]);

        // Dropped before its commit, it leaves nothing.
        let read = db.begin_audited_read().await.expect("begin read");
        read.execute_raw(event(12)).await.expect("event 12");
        drop(read);
        // Failing to insert its events (here a duplicate), it leaves none of them.
        let read = db.begin_audited_read().await.expect("begin read");
        read.execute_raw(event(13)).await.expect("event 13");
        read.execute_raw(event(10)).await.expect("event 10 again");
        read.commit()
            .await
            .expect_err("a duplicate event fails the commit");
        assert_eq!(events(&db).await, vec![10, 11]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn audited_reads_read_committed_state_without_the_writer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;
        let tx = db.begin().await.expect("begin");
        tx.execute_raw(insert(1)).await.expect("insert 1");
        tx.commit().await.expect("commit 1");

        // A writer holds the writer with a change not yet committed.
        let first = db.begin().await.expect("begin");
        first.execute_raw(insert(2)).await.expect("insert 2");
        // An audited read does not wait for it, and sees only what is committed.
        let read = db.begin_audited_read().await.expect("begin read");
        let seen = read
            .query_all_raw(Statement::from_string(DbBackend::Sqlite, "SELECT x FROM t"))
            .await
            .expect("read");
        assert_eq!(seen.len(), 1);
        read.execute_raw(event(20)).await.expect("event");
        // Its commit writes the event through the writer: it waits for the writer's turn.
        let committing = tokio::spawn(async move { read.commit().await });
        tokio::task::yield_now().await;
        assert_eq!(events(&db).await, Vec::<i64>::new());
        first.commit().await.expect("commit 2");
        committing.await.expect("join").expect("commit read");
        assert_eq!(events(&db).await, vec![20]);
        assert_eq!(rows(&db).await, vec![1, 2]);
    }

    /// An audited read whose events cannot be written fails at its commit, and leaves nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_audited_read_fails_when_its_events_cannot_be_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;
        db.writer()
            .execute_unprepared(
                "CREATE TRIGGER no_audit BEFORE INSERT ON audit_events WHEN NEW.x = 13 \
                 BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END",
            )
            .await
            .expect("trigger");
        let read = db.begin_audited_read().await.expect("begin read");
        read.execute_raw(event(12)).await.expect("event 12");
        read.execute_raw(event(13)).await.expect("event 13");
        assert_eq!(read.audit_events(), 2);
        let err = read
            .commit()
            .await
            .expect_err("the events cannot be written");
        assert!(err.to_string().contains("audit log unavailable"), "{err}");
        assert_eq!(events(&db).await, Vec::<i64>::new());
    }

    #[tokio::test]
    async fn reader_connections_cannot_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;
        let err = db
            .reader()
            .execute_raw(insert(1))
            .await
            .expect_err("a reader must not write");
        assert!(err.to_string().contains("readonly"), "{err}");
        // Not as a query either.
        db.reader()
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "INSERT INTO t (x) VALUES (2) RETURNING x",
            ))
            .await
            .expect_err("a reader must not write");
        assert_eq!(rows(&db).await, Vec::<i64>::new());
        // The writer still can.
        let tx = db.begin().await.expect("begin");
        tx.execute_raw(insert(3)).await.expect("insert");
        tx.commit().await.expect("commit");
        assert_eq!(rows(&db).await, vec![3]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_at_a_time_each_commit_is_visible_when_it_returns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;
        for x in 1..=3 {
            let tx = db.begin().await.expect("begin");
            tx.execute_raw(insert(x)).await.expect("insert");
            tx.commit().await.expect("commit");
            assert_eq!(rows(&db).await, (1..=x).collect::<Vec<_>>());
        }
        let tx = db.begin().await.expect("begin");
        tx.execute_raw(insert(9)).await.expect("insert");
        tx.rollback().await.expect("rollback");
        assert_eq!(rows(&db).await, vec![1, 2, 3]);
        assert_eq!(committed(&db).await, 4);
    }
}
