//! The storage guarantees under concurrency, on both databases (decision 0009).

use ankommen_core::kernel::audit::{self, Event};
use ankommen_store::sea_orm::{ConnectionTrait, Statement};

use crate::support::TestApp;

/// Writers change two tables in each transaction while audited reads count both: every read sees
/// both changes of a commit or neither, never half of one (nor half of a group commit on SQLite),
/// and never less than an earlier read of the same reader. Every read's event is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_read_sees_a_half_committed_change() {
    let t = TestApp::new().await;
    let backend = t.db.writer().get_database_backend();
    t.db.writer()
        .execute_unprepared(
            "CREATE TABLE test_left (x BIGINT NOT NULL UNIQUE); \
             CREATE TABLE test_right (x BIGINT NOT NULL UNIQUE)",
        )
        .await
        .unwrap();
    let ctx = t.ctx_of("awo.im1").await;
    let before = t.count("audit_events").await;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let db = t.db.clone();
            tokio::spawn(async move {
                for i in 0..25 {
                    let x = w * 1000 + i;
                    let tx = db.begin().await.unwrap();
                    for table in ["test_left", "test_right"] {
                        tx.execute_unprepared(&format!("INSERT INTO {table} (x) VALUES ({x})"))
                            .await
                            .unwrap();
                    }
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let db = t.db.clone();
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let mut last = 0;
                for _ in 0..40 {
                    let tx = db.begin_audited_read().await.unwrap();
                    let mut counts = Vec::new();
                    for table in ["test_left", "test_right"] {
                        let row = tx
                            .query_one_raw(Statement::from_string(
                                backend,
                                format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"),
                            ))
                            .await
                            .unwrap()
                            .unwrap();
                        counts.push(row.try_get::<i64>("", "n").unwrap());
                        tokio::task::yield_now().await;
                    }
                    assert_eq!(counts[0], counts[1], "a read saw half of a commit");
                    assert!(
                        counts[0] >= last,
                        "a later read saw less than an earlier one"
                    );
                    last = counts[0];
                    audit::record(&tx, &ctx, Event::new("day_view_viewed"))
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    for h in writers.into_iter().chain(readers) {
        h.await.unwrap();
    }
    assert_eq!(t.count("test_left").await, 100);
    assert_eq!(t.count("audit_events").await, before + 160);
}
