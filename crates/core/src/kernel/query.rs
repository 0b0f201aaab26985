//! Reading helpers shared by the services: a list of ids as one statement parameter, and rows of
//! a few named columns.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, Statement, TryGetableMany};

/// `col IN (ids)`, with the ids as one parameter, so that the statement's text does not depend on
/// how many there are and a statement prepared once serves every list: on SQLite a JSON array
/// (`IN (SELECT value FROM json_each(?))`; sqlx keeps each connection's prepared statements by their
/// text), on PostgreSQL a comma-separated text made an array (`= ANY(string_to_array($1,
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

/// The rows of `stmt` as tuples of the columns `names`, in that order.
pub(crate) async fn tuples<C: ConnectionTrait, T: TryGetableMany>(
    conn: &C,
    stmt: Statement,
    names: &[&str],
) -> Result<Vec<T>, DbErr> {
    let cols: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    conn.query_all_raw(stmt)
        .await?
        .iter()
        .map(|r| T::try_get_many(r, "", &cols).map_err(DbErr::from))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Value;
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
