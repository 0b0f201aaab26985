//! Copies of a SQLite database: the consistent online copy (`VACUUM INTO`) and its integrity check.
//!
//! The copy is one read transaction, a snapshot: in WAL mode the server's writer goes on
//! committing while it runs, and the copy holds exactly the transactions committed when it
//! started (decision 0036). PostgreSQL copies are `pg_dump`'s business (the binary runs it).

use std::path::Path;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

use crate::connect::{Backend, Db};

impl Db {
    /// SQLite: writes a consistent copy of the whole database into `target`, a new file (SQLite
    /// refuses a non-empty one; the caller makes sure it does not exist). The copy is compact (no
    /// free pages) and self-contained (no `-wal` beside it).
    ///
    /// It runs on this handle's writer connection, because the readers are `query_only` (which
    /// refuses writing even another file) — but it only *reads* the database, so it takes no
    /// write lock there. Meant for a handle of its own (the `ankommen backup` process): inside the
    /// server it would keep the single writer busy for the length of the copy.
    pub async fn copy_into(&self, target: &Path) -> Result<(), DbErr> {
        if self.backend() != Backend::Sqlite {
            return Err(DbErr::Custom(
                "copy_into is for SQLite; PostgreSQL is copied with pg_dump".into(),
            ));
        }
        let target = target.to_str().ok_or_else(|| {
            DbErr::Custom(format!(
                "the file name {} is not valid UTF-8",
                target.display()
            ))
        })?;
        // A bound parameter, so that no file name is ever spliced into SQL.
        self.writer()
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [target.into()],
            ))
            .await
            .map(|_| ())
    }

    /// SQLite: `PRAGMA integrity_check`: an empty list when the database is intact, else SQLite's
    /// descriptions of what is wrong (at most 100). PostgreSQL has no such check: empty.
    pub async fn integrity_problems(&self) -> Result<Vec<String>, DbErr> {
        if self.backend() != Backend::Sqlite {
            return Ok(Vec::new());
        }
        let rows = self
            .reader()
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await?;
        let mut problems = Vec::new();
        for row in rows {
            let line: String = row.try_get_by_index(0)?;
            if line != "ok" {
                problems.push(line);
            }
        }
        Ok(problems)
    }

    /// How many tables the database holds outside the system's own (to tell an empty database).
    pub async fn table_count(&self) -> Result<i64, DbErr> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT COUNT(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) AS n FROM pg_catalog.pg_tables \
                 WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            }
        };
        let backend = match self.backend() {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        };
        let row = self
            .reader()
            .query_one_raw(Statement::from_string(backend, sql))
            .await?
            .ok_or_else(|| DbErr::Custom("no answer to the count of tables".into()))?;
        row.try_get::<i64>("", "n")
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use crate::connect::{DbConfig, connect, sqlite_url_for};

    /// The copy holds what was committed, passes the check, and a second copy onto the same name
    /// fails instead of overwriting it.
    #[tokio::test]
    async fn a_copy_holds_the_committed_rows_and_passes_the_check() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = connect(&DbConfig {
            url: sqlite_url_for(dir.path(), "a.sqlite"),
            max_connections: 2,
        })
        .await
        .expect("open");
        db.writer()
            .execute_unprepared("CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1), (2);")
            .await
            .expect("fill");
        assert_eq!(db.table_count().await.expect("count"), 1);
        let target = dir.path().join("copy.sqlite");
        db.copy_into(&target).await.expect("copy");
        assert!(db.copy_into(&target).await.is_err(), "never overwritten");
        db.close().await;
        let copy = connect(&DbConfig {
            url: sqlite_url_for(dir.path(), "copy.sqlite"),
            max_connections: 1,
        })
        .await
        .expect("open the copy");
        assert_eq!(
            copy.integrity_problems().await.expect("check"),
            Vec::<String>::new()
        );
        let row = copy
            .reader()
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT SUM(k) AS n FROM t",
            ))
            .await
            .expect("sum")
            .expect("row");
        assert_eq!(row.try_get::<i64>("", "n").expect("n"), 3);
        copy.close().await;
    }
}
