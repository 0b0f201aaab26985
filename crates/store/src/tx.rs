//! Transactions that write, and group commit on SQLite.
//!
//! Every change and every audited read (the reads of a person's data together with the audit event
//! that records them) runs in a [`Tx`] from [`Db::begin`](crate::Db::begin).
//!
//! On PostgreSQL a `Tx` is an ordinary transaction of the pool.
//!
//! SQLite has one writer, and with `synchronous=FULL` every commit waits for an `fsync` of the
//! write-ahead log (a millisecond or more on a cloud disk, and much longer in its tail). Committing
//! each audited page view separately would put one `fsync` per page view on the single writer, so
//! on SQLite transactions are committed in **groups**:
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
//! So each `Tx`'s reads and writes (for an audited read: the reads and their audit event) are in
//! one database transaction, committed atomically and durably before `commit` returns; a group only
//! shares the `COMMIT`. With one user at a time every group has one member.
//!
//! **Audited reads** ([`Db::begin_audited_read`](crate::Db::begin_audited_read)) are transactions
//! that write nothing but the audit events of what they read. Such a `Tx` refuses every other write
//! and keeps its audit events until `commit`, which inserts them in one step (one statement, or a
//! savepoint around several) just before the transaction ends. Until then it has written nothing,
//! so on SQLite it needs no savepoint of its own: it reads in the group's transaction directly,
//! which saves two of the statements that hold the single writer per page view (the savepoint and
//! its release). Dropped or failed before `commit`, it leaves nothing behind. The same rules hold
//! on PostgreSQL (an ordinary transaction there), so both databases behave alike.

use std::sync::Arc;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::direct::Direct;

/// The outcome of a group's `COMMIT`, as seen by its members (`None` until it is known).
type Outcome = Option<Result<(), String>>;

/// The SQLite writer's group-commit state; the mutex is the writer's queue (tokio's mutex is fair).
#[derive(Default)]
pub(crate) struct Groups {
    open: Option<OpenGroup>,
    /// The writer connection's handle, for direct reads (see [`crate::direct`]).
    slot: crate::direct::HandleSlot,
    /// Work on the writer connection that may not have finished: one for the member holding the
    /// turn, one for each of its driver calls in flight, and any left by a cancelled call or by a
    /// transaction dropped without `commit` (sea-orm then queues its rollback). The driver's worker
    /// is known to be idle only when this is the member's own one: see [`Tx::direct_rows`].
    pending: AtomicUsize,
    /// Groups committed so far (for tests and diagnostics).
    committed: u64,
}

struct OpenGroup {
    /// Opened by the group's first direct read; dropped before `tx` ends, so that it never outlives
    /// the connection whose handle it uses (see [`crate::direct`]).
    direct: Option<std::sync::Mutex<Direct>>,
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

pub(crate) type GroupQueue = Arc<Mutex<Groups>>;

/// Whether the driver's worker is idle, for the holder of the turn with no share of its own: if
/// anything is pending, waits for the worker to answer a statement queued after it.
async fn settle(pending: &AtomicUsize, group: &DatabaseTransaction) -> bool {
    if pending.load(Ordering::SeqCst) != 0 && group.execute_unprepared("SELECT 1").await.is_ok() {
        pending.store(0, Ordering::SeqCst);
    }
    pending.load(Ordering::SeqCst) == 0
}

/// Awaits a driver call on the writer, counted in `pending` until it completes. A call cancelled
/// before it completes stays counted (the worker may still be running it).
async fn track<T>(pending: &AtomicUsize, call: impl Future<Output = T>) -> T {
    pending.fetch_add(1, Ordering::SeqCst);
    let out = call.await;
    pending.fetch_sub(1, Ordering::SeqCst);
    out
}

impl Groups {
    /// The queue of a writer whose connect hook fills `slot` (see [`crate::direct`]).
    pub(crate) fn new(slot: crate::direct::HandleSlot) -> GroupQueue {
        Arc::new(Mutex::new(Self {
            slot,
            ..Self::default()
        }))
    }

    /// Opens the open group's direct connection if it has none yet.
    fn open_direct(&mut self) -> Result<(), DbErr> {
        let handle = self.slot.lock().ok().and_then(|s| *s);
        match (self.open.as_mut(), handle) {
            (Some(group), Some(handle)) if group.direct.is_none() => {
                group.direct = Some(std::sync::Mutex::new(Direct::open(handle)?));
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// A transaction that may write: see the module documentation. Use it like a sea-orm transaction
/// (`&tx` is a connection) and end it with [`Tx::commit`]; dropping it rolls back.
#[must_use = "a transaction is rolled back unless it is committed"]
pub struct Tx {
    // Dropped first: rolls back (to the savepoint) before the writer is handed on. None for an
    // audited read on SQLite, which reads in its group's transaction (see the module docs).
    inner: Option<DatabaseTransaction>,
    member: Option<Member>,
    /// An audited read: the audit events it will insert at `commit` (nothing else may be written).
    audit: Option<AuditBuffer>,
}

struct Member {
    turn: OwnedMutexGuard<Groups>,
    outcome: watch::Receiver<Outcome>,
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
    /// An ordinary transaction (PostgreSQL); `audited_read`: see the module docs.
    pub(crate) async fn plain(
        conn: &DatabaseConnection,
        audited_read: bool,
    ) -> Result<Self, DbErr> {
        Ok(Self {
            inner: Some(conn.begin().await?),
            member: None,
            audit: audited_read.then(Default::default),
        })
    }

    /// A member of the SQLite writer's current group (which it opens if there is none). An audited
    /// read gets no savepoint of its own (see the module docs).
    pub(crate) async fn grouped(
        queue: &GroupQueue,
        writer: &DatabaseConnection,
        audited_read: bool,
    ) -> Result<Self, DbErr> {
        let mut turn = Arc::clone(queue).lock_owned().await;
        let group = match turn.open.take() {
            Some(group) => group,
            None => {
                let tx = track(&turn.pending, writer.begin()).await?;
                // The committer queues now: everyone already waiting for the writer joins this
                // group. It cannot run before this turn ends.
                let queue = Arc::clone(queue);
                tokio::spawn(async move {
                    let mut turn = queue.lock_owned().await;
                    if let Some(mut group) = turn.open.take() {
                        turn.committed += 1;
                        // The direct connection's statements are finalized before the connection
                        // moves on, with the worker idle (or leaked: see `Direct`).
                        if let Some(direct) = group.direct.take()
                            && settle(&turn.pending, &group.tx).await
                            && let Ok(direct) = direct.into_inner()
                        {
                            direct.close();
                        }
                        let result = group.tx.commit().await.map_err(|e| e.to_string());
                        // The worker answered the COMMIT, queued after everything else: it is
                        // idle.
                        turn.pending.store(0, Ordering::SeqCst);
                        if let Err(e) = &result {
                            tracing::error!(error = %e, "group commit failed");
                        }
                        group.outcome.send_replace(Some(result));
                    }
                });
                OpenGroup {
                    direct: None,
                    tx,
                    outcome: watch::channel(None).0,
                }
            }
        };
        let outcome = group.outcome.subscribe();
        if audited_read {
            settle(&turn.pending, &group.tx).await;
        }
        // This member's own share, released by a completed `commit` or `rollback`.
        turn.pending.fetch_add(1, Ordering::SeqCst);
        let inner = if audited_read {
            None
        } else {
            Some(track(&turn.pending, group.tx.begin()).await)
        };
        // The group stays open for its other members even if this savepoint could not begin.
        turn.open = Some(group);
        if audited_read {
            turn.open_direct()?;
        }
        Ok(Self {
            inner: inner.transpose()?,
            member: Some(Member { turn, outcome }),
            audit: audited_read.then(Default::default),
        })
    }

    /// Runs a read-only statement directly on the SQLite writer's handle, in this audited read's
    /// transaction, and maps every row with `f`. `None` where there is no direct
    /// path (PostgreSQL, or a `Tx` that is not an audited read): then run the statement as usual.
    /// See [`crate::direct`].
    pub fn direct_rows<T>(
        &self,
        stmt: &Statement,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Option<Result<Vec<T>, DbErr>> {
        self.audit.as_ref()?;
        let turn = &self.member.as_ref()?.turn;
        // Only while the driver's worker is idle: nothing but this member's own share pending.
        if turn.pending.load(Ordering::SeqCst) != 1 {
            return None;
        }
        let direct = turn.open.as_ref()?.direct.as_ref()?;
        Some(match direct.lock() {
            Ok(d) => d.rows(stmt, f),
            Err(_) => Err(DbErr::Custom("direct connection poisoned".into())),
        })
    }

    /// The transaction this `Tx` runs in: its own (PostgreSQL, or a savepoint on SQLite), or for an
    /// audited read on SQLite its group's.
    fn conn(&self) -> Result<&DatabaseTransaction, DbErr> {
        if let Some(inner) = &self.inner {
            return Ok(inner);
        }
        self.member
            .as_ref()
            .and_then(|m| m.turn.open.as_ref())
            .map(|g| &g.tx)
            .ok_or_else(|| DbErr::Custom("the transaction group is gone".into()))
    }

    /// Inserts an audited read's audit events (one step: a savepoint around several).
    async fn insert_audit_events(&self) -> Result<(), DbErr> {
        let Some(audit) = &self.audit else {
            return Ok(());
        };
        let events = std::mem::take(&mut *audit.lock().map_err(|_| poisoned())?);
        let conn = self.conn()?;
        self.tracked(async {
            if events.len() > 1 {
                let sp = conn.begin().await?;
                for stmt in events {
                    sp.execute_raw(stmt).await?;
                }
                sp.commit().await?;
            } else if let Some(stmt) = events.into_iter().next() {
                conn.execute_raw(stmt).await?;
            }
            Ok(())
        })
        .await
    }

    /// A driver call on the writer, counted as pending until it completes (see `Groups::pending`).
    async fn tracked<T>(&self, call: impl Future<Output = T>) -> T {
        match &self.member {
            Some(m) => track(&m.turn.pending, call).await,
            None => call.await,
        }
    }

    /// Commits: returns once the changes are durable (on SQLite, once the group is committed).
    pub async fn commit(self) -> Result<(), DbErr> {
        self.insert_audit_events().await?;
        let Tx { inner, member, .. } = self;
        if let Some(inner) = inner {
            match &member {
                Some(m) => track(&m.turn.pending, inner.commit()).await?,
                None => inner.commit().await?,
            }
        }
        let Some(Member { turn, mut outcome }) = member else {
            return Ok(());
        };
        // This member's share: everything it started has completed.
        turn.pending.fetch_sub(1, Ordering::SeqCst);
        // Hand the writer to the next transaction of the group (or to its committer).
        drop(turn);
        let result = match outcome.wait_for(Option::is_some).await {
            Ok(r) => r.clone().unwrap_or(Ok(())),
            Err(_) => Err("the transaction group ended without a commit".to_string()),
        };
        result.map_err(DbErr::Custom)
    }

    /// Rolls back (on SQLite, to the member's savepoint; the group goes on).
    pub async fn rollback(self) -> Result<(), DbErr> {
        let Tx { inner, member, .. } = self;
        let result = match (inner, &member) {
            (Some(inner), Some(m)) => track(&m.turn.pending, inner.rollback()).await,
            (Some(inner), None) => inner.rollback().await,
            // An audited read has written nothing yet.
            (None, _) => Ok(()),
        };
        if let (Ok(()), Some(m)) = (&result, &member) {
            m.turn.pending.fetch_sub(1, Ordering::SeqCst);
        }
        drop(member);
        result
    }

    /// An audited read refuses every write but its audit events, which it keeps until `commit`.
    fn audited_write(audit: &AuditBuffer, stmt: Statement) -> Result<ExecResult, DbErr> {
        if !stmt.sql.starts_with(AUDIT_INSERT) {
            return Err(refused());
        }
        audit.lock().map_err(|_| poisoned())?.push(stmt);
        // Inserted at commit: nothing affected yet.
        Ok(ExecResult::from(
            sea_orm::sqlx::sqlite::SqliteQueryResult::default(),
        ))
    }

    /// An audited read's queries must be reads (a query may write with `RETURNING`).
    fn check_query(&self, stmt: &Statement) -> Result<(), DbErr> {
        if self.audit.is_some() && !is_read(&stmt.sql) {
            return Err(refused());
        }
        Ok(())
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

type AuditBuffer = std::sync::Mutex<Vec<Statement>>;

pub(crate) fn refused() -> DbErr {
    DbErr::Custom("an audited read writes nothing but its audit events".into())
}

fn poisoned() -> DbErr {
    DbErr::Custom("audit buffer poisoned".into())
}

#[async_trait::async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        self.conn()
            .map(ConnectionTrait::get_database_backend)
            .unwrap_or(DbBackend::Sqlite)
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match &self.audit {
            Some(audit) => Self::audited_write(audit, stmt),
            None => self.tracked(self.conn()?.execute_raw(stmt)).await,
        }
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        if self.audit.is_some() {
            return Err(refused());
        }
        self.tracked(self.conn()?.execute_unprepared(sql)).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.check_query(&stmt)?;
        self.tracked(self.conn()?.query_one_raw(stmt)).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.check_query(&stmt)?;
        self.tracked(self.conn()?.query_all_raw(stmt)).await
    }
    fn support_returning(&self) -> bool {
        self.conn()
            .map(ConnectionTrait::support_returning)
            .unwrap_or(false)
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
        db.groups.as_ref().expect("sqlite").lock().await.committed
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
    async fn audited_reads_share_a_group_with_writers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;
        // A writer holds the group open; reads and another writer queue behind it.
        let first = db.begin().await.expect("begin");
        first.execute_raw(insert(1)).await.expect("insert 1");
        let read = |x: i64| {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.begin_audited_read().await?;
                // It sees what the group's earlier members wrote, through the driver and directly.
                let stmt = Statement::from_string(DbBackend::Sqlite, "SELECT x FROM t");
                let n = tx.query_all_raw(stmt.clone()).await?.len();
                let direct = tx
                    .direct_rows(&stmt, |r| r.get::<_, i64>(0))
                    .expect("a direct path on SQLite")?;
                assert_eq!(direct, vec![1]);
                tx.execute_raw(event(x)).await?;
                tx.commit().await.map(|()| n)
            })
        };
        let failing = {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.begin().await?;
                tx.execute_raw(insert(5)).await?;
                tx.execute_raw(insert(1)).await?;
                tx.commit().await
            })
        };
        let reads = [read(20), read(21)];
        tokio::time::sleep(Duration::from_millis(100)).await;
        first.commit().await.expect("commit 1");
        for r in reads {
            assert_eq!(r.await.expect("join").expect("read"), 1);
        }
        failing
            .await
            .expect("join")
            .expect_err("a duplicate must fail");
        // The failed writer's first insert is gone; the reads' events are there.
        assert_eq!(rows(&db).await, vec![1]);
        assert_eq!(events(&db).await, vec![20, 21]);
        let groups = committed(&db).await;
        assert!((1..4).contains(&groups), "{groups} group commits");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn direct_reads_decode_what_the_driver_wrote_and_refuse_writes() {
        use chrono::NaiveDate;
        use sea_orm::Value;

        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;
        db.writer()
            .execute_unprepared(
                "CREATE TABLE d (x INTEGER NOT NULL, on_date TEXT NOT NULL, note TEXT, \
                 flag BOOLEAN NOT NULL)",
            )
            .await
            .expect("create");
        let day = NaiveDate::from_ymd_opt(2026, 2, 28).expect("date");
        let tx = db.begin().await.expect("begin");
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO d (x, on_date, note, flag) VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
            [
                Value::BigInt(Some(1)),
                Value::ChronoDate(Some(day)),
                Value::String(None),
                Value::Bool(Some(true)),
                Value::BigInt(Some(2)),
                Value::ChronoDate(day.succ_opt()),
                Value::String(Some("2026-03-01 – Ümlaut".into())),
                Value::Bool(Some(false)),
            ],
        ))
        .await
        .expect("insert");
        // A transaction that may write has no direct path.
        let select = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT x, on_date, note, flag FROM d WHERE on_date <= ? AND x IN (?, ?) ORDER BY x",
            [
                Value::ChronoDate(day.succ_opt()),
                Value::Int(Some(1)),
                Value::BigInt(Some(2)),
            ],
        );
        assert!(tx.direct_rows(&select, |r| r.get::<_, i64>(0)).is_none());
        tx.commit().await.expect("commit");

        let tx = db.begin_audited_read().await.expect("audited read");
        type Row = (i64, NaiveDate, Option<String>, bool);
        let direct: Vec<Row> = tx
            .direct_rows(&select, |r| {
                Ok((
                    r.get("x")?,
                    r.get("on_date")?,
                    r.get("note")?,
                    r.get("flag")?,
                ))
            })
            .expect("a direct path")
            .expect("direct rows");
        let mut driver: Vec<Row> = Vec::new();
        for r in tx.query_all_raw(select.clone()).await.expect("rows") {
            driver.push((
                r.try_get("", "x").expect("x"),
                r.try_get("", "on_date").expect("on_date"),
                r.try_get("", "note").expect("note"),
                r.try_get("", "flag").expect("flag"),
            ));
        }
        assert_eq!(direct, driver);
        assert_eq!(
            direct,
            vec![
                (1, day, None, true),
                (
                    2,
                    day.succ_opt().expect("date"),
                    Some("2026-03-01 – Ümlaut".into()),
                    false
                )
            ]
        );
        // Writes are refused, and so is a parameter the direct path cannot bind; nothing panics.
        for sql in [
            "DELETE FROM d",
            "UPDATE d SET flag = 0",
            "INSERT INTO t (x) VALUES (9)",
        ] {
            let stmt = Statement::from_string(DbBackend::Sqlite, sql);
            let err = tx
                .direct_rows(&stmt, |r| r.get::<_, i64>(0))
                .expect("a direct path")
                .expect_err("a write must be refused");
            assert!(err.to_string().contains("writes nothing"), "{err}");
        }
        let odd = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT x FROM d WHERE x > ?",
            [Value::ChronoTime(None)],
        );
        assert!(
            tx.direct_rows(&odd, |r| r.get::<_, i64>(0))
                .expect("a direct path")
                .is_err()
        );
        tx.execute_raw(event(30)).await.expect("event");
        tx.commit().await.expect("commit");
        assert_eq!(committed_x(&db, "d").await, vec![1, 2]);
        assert_eq!(events(&db).await, vec![30]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn direct_reads_wait_until_the_drivers_worker_is_idle() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open(dir.path()).await;
        let select = Statement::from_string(DbBackend::Sqlite, "SELECT x FROM t ORDER BY x");
        fn direct(tx: &crate::Tx) -> Option<Vec<i64>> {
            let select = Statement::from_string(DbBackend::Sqlite, "SELECT x FROM t ORDER BY x");
            tx.direct_rows(&select, |r| r.get::<_, i64>(0))
                .map(|r| r.expect("direct rows"))
        }

        // A driver call cancelled before it completed may still be running on the worker: the
        // rest of this transaction reads through the driver.
        let tx = db.begin_audited_read().await.expect("audited read");
        assert_eq!(direct(&tx), Some(vec![]));
        let slow = Statement::from_string(
            DbBackend::Sqlite,
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3000000) \
             SELECT count(*) FROM c",
        );
        let cancelled =
            tokio::time::timeout(Duration::from_millis(5), tx.query_all_raw(slow)).await;
        assert!(
            cancelled.is_err(),
            "the slow statement must still run when cancelled"
        );
        assert_eq!(direct(&tx), None);
        assert!(
            tx.query_all_raw(select.clone())
                .await
                .expect("rows")
                .is_empty()
        );
        tx.execute_raw(event(1)).await.expect("event");
        tx.commit().await.expect("commit");
        // The group's COMMIT came after it: the next one reads directly again.
        let tx = db.begin_audited_read().await.expect("audited read");
        assert_eq!(direct(&tx), Some(vec![]));
        tx.commit().await.expect("commit");

        // A writer dropped without commit leaves its rollback queued on the worker; a read after it
        // in the same group first waits for the worker, then reads directly without its rows.
        let hold = db.begin().await.expect("begin");
        hold.execute_raw(insert(1)).await.expect("insert 1");
        let writer = {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.begin().await.expect("begin");
                tx.execute_raw(insert(7)).await.expect("insert 7");
                drop(tx);
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let read = {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.begin_audited_read().await.expect("audited read");
                let seen = direct(&tx);
                tx.commit().await.expect("commit");
                seen
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        hold.commit().await.expect("commit 1");
        writer.await.expect("join");
        assert_eq!(read.await.expect("join"), Some(vec![1]));
        assert_eq!(rows(&db).await, vec![1]);
        assert_eq!(events(&db).await, vec![1]);
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
