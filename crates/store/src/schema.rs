//! Looking at and changing the schema outside the migrations, where the backends differ: whether a
//! column exists, dropping one, and emptying SQLite's write-ahead log. Used by core's start-up
//! conversion of plaintext into sealed columns, which needs the encryption key and so cannot run
//! as a migration (see `migrations::m0006_sealed_texts`).

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

use crate::{Backend, Db};

/// Whether `table` has a column `column` (names as written in the migrations).
pub async fn has_column<C: ConnectionTrait>(
    conn: &C,
    table: &str,
    column: &str,
) -> Result<bool, DbErr> {
    let backend = conn.get_database_backend();
    let stmt = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT COUNT(*) AS n FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2",
            [table.into(), column.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT COUNT(*) AS n FROM pragma_table_info(?) WHERE name = ?",
            [table.into(), column.into()],
        ),
    };
    let n: i64 = match conn.query_one_raw(stmt).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(n > 0)
}

/// Drops a column (SQLite 3.35 or newer; the column must not be indexed or referenced).
pub async fn drop_column<C: ConnectionTrait>(
    conn: &C,
    table: &'static str,
    column: &'static str,
) -> Result<(), DbErr> {
    // Both names come from the code, never from input; quoted as identifiers all the same.
    conn.execute_unprepared(&format!("ALTER TABLE \"{table}\" DROP COLUMN \"{column}\""))
        .await?;
    Ok(())
}

impl Db {
    /// SQLite: copies the write-ahead log into the database file and truncates it to nothing, so
    /// that pages which held plaintext before a conversion do not stay in the log file (the
    /// database file itself overwrites freed content: `secure_delete`). Nothing on PostgreSQL.
    pub async fn truncate_wal(&self) -> Result<(), DbErr> {
        if self.backend() == Backend::Sqlite {
            self.writer()
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
        Ok(())
    }
}
