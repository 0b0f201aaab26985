//! Reading and writing the values of one sealed column page by page, for the start-up conversion
//! and the key rotation (which go through every row, not one record).

use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{ConnectionTrait, QueryResult};

use super::{Binding, Column, Place};
use crate::{Error, Result};

/// A row's key as the page reads it: (id, version) for rows changed in place, (id, 0) for rows
/// bound to their id, the two parts of a composite key.
pub(super) type Key = (i64, i64);

/// The columns that order the rows: the id, or both parts of a composite key.
fn order_columns(c: &Column) -> (&'static str, Option<&'static str>) {
    match c.binding {
        Binding::Pair(a, b) => (a, Some(b)),
        Binding::Id | Binding::Version => ("id", None),
    }
}

/// Up to `limit` rows of `c.table` matching `filter`, after the key `after` (in key order): the
/// key columns (and the version) and the column `value`.
pub(super) fn page(
    c: &Column,
    value: &'static str,
    filter: SimpleExpr,
    after: Option<Key>,
    limit: u64,
) -> SelectStatement {
    let (a, b) = order_columns(c);
    let mut q = Query::select();
    q.column(a);
    if let Some(b) = b {
        q.column(b);
    }
    if c.binding == Binding::Version {
        q.column("version");
    }
    q.column(value).from(c.table).and_where(filter);
    if let Some((last_a, last_b)) = after {
        q.and_where(match b {
            Some(b) => Expr::col(a)
                .gt(last_a)
                .or(Expr::col(a).eq(last_a).and(Expr::col(b).gt(last_b))),
            None => Expr::col(a).gt(last_a),
        });
    }
    q.order_by(a, Order::Asc);
    if let Some(b) = b {
        q.order_by(b, Order::Asc);
    }
    q.limit(limit);
    q
}

/// The key of a row read by [`page`].
pub(super) fn key_of(c: &Column, row: &QueryResult) -> Result<Key> {
    let get = |name: &str| -> Result<i64> {
        row.try_get::<i64>("", name)
            .map_err(|e| Error::Internal(format!("{}.{name}: {e}", c.table)))
    };
    Ok(match c.binding {
        Binding::Pair(a, b) => (get(a)?, get(b)?),
        Binding::Id => (get("id")?, 0),
        Binding::Version => {
            let v = row
                .try_get::<i32>("", "version")
                .map_err(|e| Error::Internal(format!("{}.version: {e}", c.table)))?;
            (get("id")?, i64::from(v))
        }
    })
}

/// The place of the value in the row with this key.
pub(super) fn place_of(c: &'static Column, key: Key) -> Place {
    match c.binding {
        Binding::Pair(..) => c.at_pair(key.0, key.1),
        Binding::Id => c.at(key.0),
        Binding::Version => c.at_version(key.0, i32::try_from(key.1).unwrap_or(i32::MAX)),
    }
}

/// Sets the value of the row with this key; with `unless_changed`, only if it still holds that
/// value (a concurrent change wins). Returns whether a row was changed.
pub(super) async fn set<C: ConnectionTrait>(
    conn: &C,
    c: &Column,
    key: Key,
    value: Vec<u8>,
    unless_changed: Option<Vec<u8>>,
) -> Result<bool> {
    let (a, b) = order_columns(c);
    let mut q = Query::update();
    q.table(c.table)
        .value(c.column, value)
        .and_where(Expr::col(a).eq(key.0));
    if let Some(b) = b {
        q.and_where(Expr::col(b).eq(key.1));
    }
    if let Some(old) = unless_changed {
        q.and_where(Expr::col(c.column).eq(old));
    }
    let backend = conn.get_database_backend();
    Ok(conn.execute_raw(backend.build(&q)).await?.rows_affected() > 0)
}

/// The rows of a statement.
pub(super) async fn rows<C: ConnectionTrait>(
    conn: &C,
    stmt: &SelectStatement,
) -> Result<Vec<QueryResult>> {
    let backend = conn.get_database_backend();
    Ok(conn.query_all_raw(backend.build(stmt)).await?)
}

/// A blob column of a row read by [`page`].
pub(super) fn blob(c: &Column, row: &QueryResult, name: &str) -> Result<Option<Vec<u8>>> {
    row.try_get::<Option<Vec<u8>>>("", name)
        .map_err(|e| Error::Internal(format!("{}.{name}: {e}", c.table)))
}

/// A text column of a row read by [`page`].
pub(super) fn text(c: &Column, row: &QueryResult, name: &str) -> Result<Option<String>> {
    row.try_get::<Option<String>>("", name)
        .map_err(|e| Error::Internal(format!("{}.{name}: {e}", c.table)))
}

/// Rows per page: fewer for scans, which are large.
pub(super) fn batch(c: &Column) -> u64 {
    match c.content {
        super::Content::Bytes => 8,
        super::Content::Text => 500,
    }
}
