//! Reads of an audited read that take the direct path on SQLite (see `ankommen_store::direct`
//! and [`Tx::direct_rows`]): the same statement, decoded by column name from rusqlite's row there
//! and from sea-orm's everywhere else.

use ankommen_store::Tx;
use ankommen_store::rusqlite;
use sea_orm::sea_query::{Alias, ColumnType, Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, QueryResult, QueryTrait, Select, Statement, TryIntoModel, Value,
};

/// A connection that may offer the direct path: an audited read on SQLite does
/// ([`Tx::direct_rows`]); every other connection reads through sea-orm.
pub(crate) trait Reads: ConnectionTrait {
    fn direct_rows<T>(
        &self,
        _stmt: &Statement,
        _f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Option<Result<Vec<T>, DbErr>> {
        None
    }
}

impl Reads for Tx {
    fn direct_rows<T>(
        &self,
        stmt: &Statement,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Option<Result<Vec<T>, DbErr>> {
        Tx::direct_rows(self, stmt, f)
    }
}

impl Reads for sea_orm::DatabaseConnection {}
impl Reads for sea_orm::DatabaseTransaction {}

/// The rows of `stmt`, read on `conn`: directly where it offers that (decoded by `direct`),
/// otherwise through sea-orm (decoded by `other`).
pub(crate) async fn rows<C: Reads, T>(
    conn: &C,
    stmt: Statement,
    direct: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    other: impl Fn(&QueryResult) -> Result<T, DbErr>,
) -> Result<Vec<T>, DbErr> {
    if let Some(rows) = conn.direct_rows(&stmt, direct) {
        return rows;
    }
    conn.query_all_raw(stmt).await?.iter().map(other).collect()
}

/// `col IN (ids)`, with the ids as one parameter, so that the statement's text does not depend on
/// how many there are and a statement prepared once serves every list: on SQLite a JSON array
/// (`IN (SELECT value FROM json_each(?))`; the direct path keeps a group's prepared statements by
/// their text), on PostgreSQL a comma-separated text made an array (`= ANY(string_to_array($1,
/// ','))`; sqlx keeps each connection's prepared statements by their text, and PostgreSQL plans
/// each of them once, as the store sets `plan_cache_mode = force_generic_plan`). Both still use
/// the column's index. Elsewhere an ordinary list.
pub(crate) fn one_of<C: ColumnTrait>(
    backend: DbBackend,
    col: C,
    ids: impl IntoIterator<Item = i64>,
) -> SimpleExpr {
    match backend {
        DbBackend::Sqlite => {
            let list = joined(ids);
            col.in_subquery(
                Query::select()
                    .column(Alias::new("value"))
                    .from_function(
                        Func::cust(Alias::new("json_each")).arg(Expr::val(format!("[{list}]"))),
                        Alias::new("ids"),
                    )
                    .to_owned(),
            )
        }
        DbBackend::Postgres => {
            Expr::col(col.as_column_ref()).eq(Func::cust(Alias::new("ANY")).arg(
                Expr::cust_with_values("string_to_array($1, ',')::bigint[]", [joined(ids)]),
            ))
        }
        _ => col.is_in(ids),
    }
}

/// The ids, comma-separated.
fn joined(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// A row of a few named columns, each decoded as the same Rust type on both paths.
pub(crate) trait Tuple: Sized {
    fn direct(row: &rusqlite::Row<'_>, names: &[&str]) -> rusqlite::Result<Self>;
    fn other(row: &QueryResult, names: &[&str]) -> Result<Self, DbErr>;
}

macro_rules! tuple {
    ($($t:ident $i:tt),+) => {
        impl<$($t: rusqlite::types::FromSql + sea_orm::TryGetable),+> Tuple for ($($t,)+) {
            fn direct(row: &rusqlite::Row<'_>, names: &[&str]) -> rusqlite::Result<Self> {
                Ok(($(row.get(names[$i])?,)+))
            }
            fn other(row: &QueryResult, names: &[&str]) -> Result<Self, DbErr> {
                Ok(($(row.try_get("", names[$i])?,)+))
            }
        }
    };
}
tuple!(A 0, B 1);
tuple!(A 0, B 1, C 2);
tuple!(A 0, B 1, C 2, D 3);

/// The rows of `stmt` as tuples of the columns `names` (in that order), read on `conn` (see
/// [`rows`]).
pub(crate) async fn tuples<C: Reads, T: Tuple>(
    conn: &C,
    stmt: Statement,
    names: &[&str],
) -> Result<Vec<T>, DbErr> {
    rows(conn, stmt, |r| T::direct(r, names), |r| T::other(r, names)).await
}

/// The models an entity select returns, read on `conn` (see [`rows`]).
pub(crate) async fn models<C: Reads, E>(conn: &C, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    let stmt = select.build(conn.get_database_backend());
    rows(conn, stmt, model::<E>, |r| {
        E::Model::from_query_result(r, "")
    })
    .await
}

/// A row's columns of entity `E` (by their names) as its model: each value is read as the type
/// the entity declares for its column, as sea-orm would decode it.
pub(crate) fn model<E>(row: &rusqlite::Row<'_>) -> rusqlite::Result<E::Model>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    let mut am = <E::ActiveModel as ActiveModelTrait>::default();
    let stmt = row.as_ref();
    for (hint, col) in E::Column::iter().enumerate() {
        let name = col.as_str();
        // An entity's select lists its columns in declaration order: try that position first.
        let i = match stmt.column_name(hint) {
            Ok(n) if n == name => hint,
            _ => stmt.column_index(name)?,
        };
        let v = value(row, i, name, col.def().get_column_type())?;
        am.try_set(col, v).map_err(conversion)?;
    }
    am.try_into_model().map_err(conversion)
}

/// A column's value as the sea-orm value of its declared type (`NULL` as that type's `None`).
fn value(
    row: &rusqlite::Row<'_>,
    i: usize,
    name: &str,
    ty: &ColumnType,
) -> rusqlite::Result<Value> {
    Ok(match ty {
        ColumnType::BigInteger => Value::BigInt(row.get(i)?),
        ColumnType::Integer => Value::Int(row.get(i)?),
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => {
            Value::String(row.get(i)?)
        }
        ColumnType::Boolean => Value::Bool(row.get(i)?),
        ColumnType::Date => Value::ChronoDate(row.get(i)?),
        ColumnType::TimestampWithTimeZone => Value::ChronoDateTimeUtc(row.get(i)?),
        ColumnType::Double => Value::Double(row.get(i)?),
        ColumnType::Blob | ColumnType::Binary(_) | ColumnType::VarBinary(_) => {
            Value::Bytes(row.get(i)?)
        }
        other => {
            return Err(conversion(DbErr::Custom(format!(
                "direct read: no conversion for the column type {other:?} of {name}"
            ))));
        }
    })
}

fn conversion(e: DbErr) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Null, Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder};

    fn select(backend: DbBackend, ids: &[i64]) -> SelectStatement {
        Query::select()
            .column(ankommen_store::entities::case::Column::Id)
            .from(ankommen_store::entities::case::Entity)
            .and_where(ankommen_store::entities::case::Column::Status.ne("closed"))
            .and_where(one_of(
                backend,
                ankommen_store::entities::case::Column::Id,
                ids.iter().copied(),
            ))
            .to_owned()
    }

    /// However many ids, the statement's text is the same; the ids are its one parameter after
    /// those before it.
    #[test]
    fn one_list_parameter_whatever_the_number_of_ids() {
        let (pg_one, pg_values) = select(DbBackend::Postgres, &[7]).build(PostgresQueryBuilder);
        let (pg_many, pg_many_values) =
            select(DbBackend::Postgres, &[7, 8, 90]).build(PostgresQueryBuilder);
        assert_eq!(pg_one, pg_many);
        assert!(
            pg_one.ends_with(r#""cases"."id" = ANY(string_to_array($2, ',')::bigint[])"#),
            "{pg_one}"
        );
        assert_eq!(pg_values.0[1], Value::from("7".to_string()));
        assert_eq!(pg_many_values.0[1], Value::from("7,8,90".to_string()));

        let (sq_none, _) = select(DbBackend::Sqlite, &[]).build(SqliteQueryBuilder);
        let (sq_many, sq_values) = select(DbBackend::Sqlite, &[7, 8, 90]).build(SqliteQueryBuilder);
        assert_eq!(sq_none, sq_many);
        assert!(sq_many.contains("json_each(?)"), "{sq_many}");
        assert_eq!(sq_values.0[1], Value::from("[7,8,90]".to_string()));
    }
}
