//! The start-up conversion (decision 0011): seals the plaintext of the columns migration m0006
//! replaced into their sealed columns and drops the plaintext columns; seals the values of format
//! 1 (contact notes, health needs) again in format 2, bound to their row's version.
//!
//! It runs once the key is checked and before anything is served (`ankommen serve`, `ankommen
//! key rotate`), and does nothing once done (the migration's `sealing_conversion` setting is
//! gone). Each page of rows is one transaction and the plaintext column is dropped in the last,
//! so a conversion stopped halfway resumes where it stopped. Its first statement locks the
//! setting's row, so two instances starting at once convert one after the other.

use ankommen_store::Db;
use ankommen_store::migrations::CONVERSION_PENDING;
use ankommen_store::schema::{drop_column, has_column};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};

use super::scan::{self, Key};
use super::{ALL, Column, Content, Legacy, Sealing};
use crate::Result;
use crate::kernel::sealing::{Aad, LEGACY_VERSION, Sealer};

/// What the conversion did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Converted {
    /// Values sealed (plaintext) or sealed again (format 1).
    pub sealed: usize,
    /// Format-1 values that did not open; kept as they were (they show as "cannot be opened").
    pub unreadable: usize,
    /// Whether anything was pending at all.
    pub ran: bool,
}

/// Takes the conversion's lock (its setting's row). False: another instance finished it.
async fn lock<C: ConnectionTrait>(conn: &C) -> Result<bool> {
    let q = Query::update()
        .table("settings")
        .value("value", "converting")
        .and_where(Expr::col("key").eq(CONVERSION_PENDING))
        .to_owned();
    let backend = conn.get_database_backend();
    Ok(conn.execute_raw(backend.build(&q)).await?.rows_affected() > 0)
}

async fn pending<C: ConnectionTrait>(conn: &C) -> Result<bool> {
    let q = Query::select()
        .column("key")
        .from("settings")
        .and_where(Expr::col("key").eq(CONVERSION_PENDING))
        .to_owned();
    Ok(!scan::rows(conn, &q).await?.is_empty())
}

/// Converts what migration m0006 left to convert; see the module's description.
pub async fn convert(db: &Db, sealer: &Sealer) -> Result<Converted> {
    let mut out = Converted::default();
    if !pending(db.reader()).await? {
        return Ok(out);
    }
    out.ran = true;
    for c in ALL {
        let finished = match c.legacy {
            Legacy::None => true,
            Legacy::Plain(old) | Legacy::HexFormat1(old) => {
                replace_column(db, sealer, c, old, &mut out).await?
            }
            Legacy::Format1 => reseal_format1(db, sealer, c, &mut out).await?,
        };
        if !finished {
            // Another instance finished the conversion meanwhile.
            return Ok(out);
        }
    }
    let tx = db.begin().await?;
    if lock(&tx).await? {
        let q = Query::delete()
            .from_table("settings")
            .and_where(Expr::col("key").eq(CONVERSION_PENDING))
            .to_owned();
        let backend = tx.get_database_backend();
        tx.execute_raw(backend.build(&q)).await?;
    }
    tx.commit().await?;
    db.truncate_wal().await?;
    Ok(out)
}

/// Seals the values of the plaintext column `old` into `c`, page by page, then drops `old`.
/// Returns false if another instance finished the conversion meanwhile.
async fn replace_column(
    db: &Db,
    sealer: &Sealer,
    c: &'static Column,
    old: &'static str,
    out: &mut Converted,
) -> Result<bool> {
    loop {
        let tx = db.begin().await?;
        if !lock(&tx).await? {
            tx.commit().await?;
            return Ok(false);
        }
        if !has_column(&tx, c.table, old).await? {
            tx.commit().await?;
            return Ok(true);
        }
        let sealing = Sealing::begin(&tx, sealer).await?;
        let filter = Expr::col(old)
            .is_not_null()
            .and(Expr::col(c.column).is_null());
        let rows = scan::rows(&tx, &scan::page(c, old, filter, None, scan::batch(c))).await?;
        if rows.is_empty() {
            drop_column(&tx, c.table, old).await?;
            tx.commit().await?;
            return Ok(true);
        }
        for row in &rows {
            let key: Key = scan::key_of(c, row)?;
            let place = scan::place_of(c, key);
            let sealed = match (c.legacy, c.content) {
                (Legacy::HexFormat1(_), _) => {
                    let stored = scan::text(c, row, old)?.unwrap_or_default();
                    let blob = hex::decode(&stored).unwrap_or_default();
                    match sealer.open_legacy(&Aad::new(c.table, old, key.0), &blob) {
                        Ok(text) => {
                            out.sealed += 1;
                            sealing.seal(place, &text)?
                        }
                        // Kept as it was: it shows as "cannot be opened", and whoever finds the
                        // key it was sealed with can still recover it.
                        Err(_) => {
                            out.unreadable += 1;
                            blob
                        }
                    }
                }
                (_, Content::Bytes) => {
                    out.sealed += 1;
                    let bytes = scan::blob(c, row, old)?.unwrap_or_default();
                    sealing.seal_bytes(place, &bytes)?
                }
                (_, Content::Text) => {
                    out.sealed += 1;
                    let text = scan::text(c, row, old)?.unwrap_or_default();
                    sealing.seal(place, &text)?
                }
            };
            scan::set(&tx, c, key, sealed, None).await?;
        }
        tx.commit().await?;
    }
}

/// Seals the format-1 values of `c` again in format 2, page by page. Returns false if another
/// instance finished the conversion meanwhile.
async fn reseal_format1(
    db: &Db,
    sealer: &Sealer,
    c: &'static Column,
    out: &mut Converted,
) -> Result<bool> {
    let mut after: Option<Key> = None;
    loop {
        let tx = db.begin().await?;
        if !lock(&tx).await? {
            tx.commit().await?;
            return Ok(false);
        }
        let sealing = Sealing::begin(&tx, sealer).await?;
        let filter = Expr::col(c.column).is_not_null();
        let rows = scan::rows(&tx, &scan::page(c, c.column, filter, after, scan::batch(c))).await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(true);
        }
        for row in &rows {
            let key = scan::key_of(c, row)?;
            after = Some(key);
            let Some(blob) = scan::blob(c, row, c.column)? else {
                continue;
            };
            if blob.first() != Some(&LEGACY_VERSION) {
                continue;
            }
            match sealer.open_legacy(&Aad::new(c.table, c.column, key.0), &blob) {
                Ok(text) => {
                    let sealed = sealing.seal(scan::place_of(c, key), &text)?;
                    scan::set(&tx, c, key, sealed, Some(blob)).await?;
                    out.sealed += 1;
                }
                Err(_) => out.unreadable += 1,
            }
        }
        tx.commit().await?;
    }
}
