//! Key rotation: every sealed value sealed again under the current key of the key file.
//!
//! `ankommen key rotate` writes the new key into the key file first (the new key on the first
//! line, the previous one on the second), then calls [`rotate`], then removes the previous key
//! from the file. [`rotate`] first names the new key as the database's key
//! ([`super::record_current_key`]): from then on every change seals under it, in every instance
//! (an instance that does not hold it yet reads its key file again). Then it goes through every
//! sealed column page by page and seals each value under another key again under the new one —
//! read outside a transaction, written in one transaction per page, each write only if the value
//! is still the one read (a change meanwhile sealed its own value under the new key). Values keep
//! their place (row, version), so nothing else changes and no reader waits: a value opens under
//! the previous key until it is sealed again, and under the new key after. Stopped halfway, the
//! next run continues: values already under the new key are skipped.

use ankommen_store::Db;
use sea_orm::sea_query::{Expr, ExprTrait};

use super::scan::{self, Key};
use super::{ALL, record_current_key};
use crate::Result;
use crate::kernel::sealing::{Sealer, key_id_of};

/// What a rotation did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    /// Values sealed again under the new key.
    pub resealed: usize,
    /// Values under another key that did not open with any key held: left as they are (they
    /// showed as "cannot be opened" before and still do).
    pub unreadable: usize,
    /// False when it stopped at `limit` before going through every value.
    pub complete: bool,
}

/// Seals every value not under the sealer's current key again under it; see the module's
/// description. `limit` stops after that many values (for tests of an interrupted rotation).
pub async fn rotate(db: &Db, sealer: &Sealer, limit: Option<usize>) -> Result<Rotated> {
    record_current_key(db, sealer).await?;
    let current = sealer.key_id();
    let mut out = Rotated::default();
    for c in ALL {
        let mut after: Option<Key> = None;
        loop {
            let filter = Expr::col(c.column).is_not_null();
            let page = scan::page(c, c.column, filter, after, scan::batch(c));
            let rows = scan::rows(db.reader(), &page).await?;
            if rows.is_empty() {
                break;
            }
            let mut sealed = Vec::new();
            for row in &rows {
                let key = scan::key_of(c, row)?;
                after = Some(key);
                let Some(blob) = scan::blob(c, row, c.column)? else {
                    continue;
                };
                if key_id_of(&blob).as_deref() == Some(current.as_str()) {
                    continue;
                }
                if limit.is_some_and(|l| out.resealed + sealed.len() >= l) {
                    break;
                }
                let place = scan::place_of(c, key);
                match sealer.open_bytes(&place.aad, &blob) {
                    Ok(plain) => {
                        let plain = zeroize::Zeroizing::new(plain);
                        let new = sealer
                            .seal_under(&current, &place.aad, &plain)
                            .map_err(|e| crate::Error::Internal(format!("sealing again: {e}")))?;
                        sealed.push((key, blob, new));
                    }
                    Err(_) => out.unreadable += 1,
                }
            }
            if !sealed.is_empty() {
                let tx = db.begin().await?;
                for (key, old, new) in sealed {
                    if scan::set(&tx, c, key, new, Some(old)).await? {
                        out.resealed += 1;
                    }
                }
                tx.commit().await?;
            }
            if limit.is_some_and(|l| out.resealed >= l) {
                return Ok(out);
            }
        }
    }
    out.complete = true;
    Ok(out)
}

/// How many stored values are sealed under another key than `key_id` (those of format 1
/// included): zero once a rotation to `key_id` is complete, unreadable values aside.
pub async fn count_under_other_keys(db: &Db, key_id: &str) -> Result<usize> {
    let mut n = 0;
    each_stored(db, |_, _, blob| {
        if key_id_of(&blob).as_deref() != Some(key_id) {
            n += 1;
        }
    })
    .await?;
    Ok(n)
}

/// One stored value, opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plaintext {
    pub table: &'static str,
    pub column: &'static str,
    /// The row's key as the value is bound to it (id and version, id, or both parts).
    pub key: (i64, i64),
    /// None: the value does not open with the keys held.
    pub bytes: Option<Vec<u8>>,
}

/// Every stored sealed value, opened with the keys held, in the order of [`ALL`] and the rows'
/// keys. For checks of a whole database (tests, a rotation's verification); it holds everything
/// in memory.
pub async fn plaintexts(db: &Db, sealer: &Sealer) -> Result<Vec<Plaintext>> {
    let mut out = Vec::new();
    each_stored(db, |c, key, blob| {
        let place = scan::place_of(c, key);
        out.push(Plaintext {
            table: c.table,
            column: c.column,
            key,
            bytes: sealer.open_bytes(&place.aad, &blob).ok(),
        });
    })
    .await?;
    Ok(out)
}

/// Reads every stored sealed value, column by column (in the order of [`ALL`]) and page by page
/// in the order of the rows' keys, and hands each to `f` with its column and row key.
async fn each_stored(
    db: &Db,
    mut f: impl FnMut(&'static super::Column, Key, Vec<u8>),
) -> Result<()> {
    for c in ALL {
        let mut after: Option<Key> = None;
        loop {
            let filter = Expr::col(c.column).is_not_null();
            let page = scan::page(c, c.column, filter, after, scan::batch(c));
            let rows = scan::rows(db.reader(), &page).await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let key = scan::key_of(c, row)?;
                after = Some(key);
                if let Some(blob) = scan::blob(c, row, c.column)? {
                    f(c, key, blob);
                }
            }
        }
    }
    Ok(())
}
