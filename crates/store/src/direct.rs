//! Direct reads on SQLite: an audited read's statements run synchronously on the writer
//! connection's own SQLite handle, in the writer's open transaction, instead of being handed one by
//! one to the driver's worker thread and their rows back (decision 0008, second addendum).
//!
//! sqlx runs every SQLite connection on a worker thread of its own. Each statement is a round trip
//! between the async task and that thread: two thread wake-ups, and under load the wait for a
//! runtime thread to pick the task up again. On the single writer these round trips were most of
//! the time a page view held the writer (measured: about 2 ms of the day view's 3 ms, for 0.45 ms of
//! SQLite work). A direct read does the same statements on the task's own thread with
//! [`rusqlite`] over the same `sqlite3` handle, in the same transaction.
//!
//! Soundness rests on three invariants, each kept by this crate:
//!
//! 1. **Exclusive use.** The handle is used directly only by the `Tx` that holds the writer's turn
//!    (the queue's mutex, see [`crate::tx`]), inside the group's open transaction. Whoever else could
//!    use the connection (other members, the committer, [`crate::Db::writer`] callers outside a
//!    transaction) waits for the turn or for the pool's single connection, which the group holds.
//!    The driver's worker is idle meanwhile: it only acts on commands, and the turn's holder sends
//!    none while it reads directly; the channel hand-offs before and after order the memory accesses.
//! 2. **Liveness.** The [`Direct`] connection, with its prepared statements, belongs to the open
//!    group and is closed before the group's `COMMIT`, with the worker idle, so it never outlives
//!    the checked-out connection whose handle it uses (if it cannot be closed safely, its statements
//!    are leaked instead). The writer pool has one connection, which it never replaces, so the
//!    handle captured at its connect is the group's.
//! 3. **Reads only.** Direct reads are offered only to audited reads, which refuse every write
//!    ([`crate::tx`]); [`Direct::rows`] checks the same rule again for each statement.
#![allow(unsafe_code)]

use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};

use sea_orm::sqlx::sqlite::SqliteConnection;
use sea_orm::{DbErr, Statement, Value};

/// The writer connection's `sqlite3` handle, captured when the connection is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawHandle(NonNull<rusqlite::ffi::sqlite3>);

// SAFETY: a pointer to a SQLite connection (opened by sqlx in multi-thread mode), which may be
// used from any thread as long as no two threads use it at once: invariant 1 of the module docs.
unsafe impl Send for RawHandle {}
// SAFETY: as for `Send`; the pointer itself is only copied, never dereferenced here.
unsafe impl Sync for RawHandle {}

/// Where the writer pool's connect hook leaves the handle of its (single) connection.
pub(crate) type HandleSlot = Arc<Mutex<Option<RawHandle>>>;

/// The writer pool's connect hook: remembers the new connection's handle.
pub(crate) async fn capture(
    conn: &mut SqliteConnection,
    slot: &HandleSlot,
) -> Result<(), sea_orm::sqlx::Error> {
    let raw = conn.lock_handle().await?.as_raw_handle();
    if let Ok(mut s) = slot.lock() {
        *s = Some(RawHandle(raw.cast()));
    }
    Ok(())
}

/// A rusqlite connection over the writer's handle, for the lifetime of one transaction group. It
/// does not own the handle. Its prepared statements are finalized only by [`Direct::close`], which
/// must be called while the driver's worker is idle; dropped otherwise, it leaks them rather than
/// touch the handle at a moment the worker might be using it (a leak only on error paths: the
/// connection then cannot be closed, which is safe).
pub(crate) struct Direct {
    conn: ManuallyDrop<rusqlite::Connection>,
}

/// Statements prepared per group (a day view needs five).
const STATEMENT_CACHE: usize = 64;

impl Direct {
    pub(crate) fn open(handle: RawHandle) -> Result<Self, DbErr> {
        // SAFETY: the handle is a live connection for as long as the group holds the writer's
        // connection, and this value is dropped before the group ends (invariant 2). rusqlite does
        // not close a connection it got from `from_handle`.
        let conn =
            unsafe { rusqlite::Connection::from_handle(handle.0.as_ptr()) }.map_err(direct_err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Self {
            conn: ManuallyDrop::new(conn),
        })
    }

    /// Finalizes the prepared statements; only while the driver's worker is idle (invariant 1).
    pub(crate) fn close(self) {
        drop(ManuallyDrop::into_inner(self.conn));
    }

    /// Runs a read-only statement and maps every row with `f`.
    pub(crate) fn rows<T>(
        &self,
        stmt: &Statement,
        mut f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, DbErr> {
        if !crate::tx::is_read(&stmt.sql) {
            return Err(crate::tx::refused());
        }
        let params = stmt
            .values
            .as_ref()
            .map(|v| v.0.iter().map(param).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default();
        let mut prepared = self.conn.prepare_cached(&stmt.sql).map_err(direct_err)?;
        if !prepared.readonly() {
            return Err(crate::tx::refused());
        }
        let mut rows = prepared
            .query(rusqlite::params_from_iter(params))
            .map_err(direct_err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(direct_err)? {
            out.push(f(row).map_err(direct_err)?);
        }
        Ok(out)
    }
}

fn direct_err(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("direct read: {e}"))
}

/// A statement parameter as sqlx binds it on SQLite (dates as `YYYY-MM-DD` text).
fn param(v: &Value) -> Result<rusqlite::types::Value, DbErr> {
    use rusqlite::types::Value as V;
    fn or_null<T>(o: &Option<T>, f: impl Fn(&T) -> V) -> V {
        o.as_ref().map(f).unwrap_or(V::Null)
    }
    Ok(match v {
        Value::Bool(o) => or_null(o, |b| V::Integer(i64::from(*b))),
        Value::TinyInt(o) => or_null(o, |x| V::Integer(i64::from(*x))),
        Value::SmallInt(o) => or_null(o, |x| V::Integer(i64::from(*x))),
        Value::Int(o) => or_null(o, |x| V::Integer(i64::from(*x))),
        Value::BigInt(o) => or_null(o, |x| V::Integer(*x)),
        Value::TinyUnsigned(o) => or_null(o, |x| V::Integer(i64::from(*x))),
        Value::SmallUnsigned(o) => or_null(o, |x| V::Integer(i64::from(*x))),
        Value::Unsigned(o) => or_null(o, |x| V::Integer(i64::from(*x))),
        Value::BigUnsigned(Some(x)) => V::Integer(i64::try_from(*x).map_err(|_| {
            DbErr::Custom(format!("direct read: the parameter {x} is out of range"))
        })?),
        Value::BigUnsigned(None) => V::Null,
        Value::Float(o) => or_null(o, |x| V::Real(f64::from(*x))),
        Value::Double(o) => or_null(o, |x| V::Real(*x)),
        Value::Char(o) => or_null(o, |c| V::Text(c.to_string())),
        Value::Bytes(o) => or_null(o, |b| V::Blob(b.clone())),
        Value::String(o) => or_null(o, |s| V::Text(s.clone())),
        Value::ChronoDate(o) => or_null(o, |d| V::Text(d.format("%Y-%m-%d").to_string())),
        other => {
            return Err(DbErr::Custom(format!(
                "direct read: no conversion for the parameter {other:?}"
            )));
        }
    })
}
