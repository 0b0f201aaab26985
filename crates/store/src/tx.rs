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

use std::sync::Arc;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

/// The outcome of a group's `COMMIT`, as seen by its members (`None` until it is known).
type Outcome = Option<Result<(), String>>;

/// The SQLite writer's group-commit state; the mutex is the writer's queue (tokio's mutex is fair).
#[derive(Default)]
pub(crate) struct Groups {
    open: Option<OpenGroup>,
    /// Groups committed so far (for tests and diagnostics).
    committed: u64,
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

pub(crate) type GroupQueue = Arc<Mutex<Groups>>;

/// A transaction that may write: see the module documentation. Use it like a sea-orm transaction
/// (`&tx` is a connection) and end it with [`Tx::commit`]; dropping it rolls back.
#[must_use = "a transaction is rolled back unless it is committed"]
pub struct Tx {
    // Dropped first: rolls back (to the savepoint) before the writer is handed on.
    inner: DatabaseTransaction,
    member: Option<Member>,
}

struct Member {
    turn: OwnedMutexGuard<Groups>,
    outcome: watch::Receiver<Outcome>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("grouped", &self.member.is_some())
            .finish()
    }
}

impl Tx {
    /// An ordinary transaction (PostgreSQL).
    pub(crate) async fn plain(conn: &DatabaseConnection) -> Result<Self, DbErr> {
        Ok(Self {
            inner: conn.begin().await?,
            member: None,
        })
    }

    /// A member of the SQLite writer's current group (which it opens if there is none).
    pub(crate) async fn grouped(
        queue: &GroupQueue,
        writer: &DatabaseConnection,
    ) -> Result<Self, DbErr> {
        let mut turn = Arc::clone(queue).lock_owned().await;
        let group = match turn.open.take() {
            Some(group) => group,
            None => {
                let tx = writer.begin().await?;
                // The committer queues now: everyone already waiting for the writer joins this
                // group. It cannot run before this turn ends.
                let queue = Arc::clone(queue);
                tokio::spawn(async move {
                    let mut turn = queue.lock_owned().await;
                    if let Some(group) = turn.open.take() {
                        turn.committed += 1;
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
        })
    }

    /// Commits: returns once the changes are durable (on SQLite, once the group is committed).
    pub async fn commit(self) -> Result<(), DbErr> {
        let Tx { inner, member } = self;
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

    /// Rolls back (on SQLite, to the member's savepoint; the group goes on).
    pub async fn rollback(self) -> Result<(), DbErr> {
        let Tx { inner, member } = self;
        let result = inner.rollback().await;
        drop(member);
        result
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        self.inner.get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.inner.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.inner.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.inner.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
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
            .execute_unprepared("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")
            .await
            .expect("create");
        db
    }

    fn insert(x: i64) -> Statement {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO t (x) VALUES (?)",
            [x.into()],
        )
    }

    async fn rows(db: &Db) -> Vec<i64> {
        db.reader()
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT x FROM t ORDER BY x",
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
