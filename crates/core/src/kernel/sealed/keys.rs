//! The database's record of its encryption key: `settings.encryption_check` holds
//! `<key id>:<hex of a sealed check text>`. The key id names the key the database seals under
//! now (a rotation changes it first, see [`super::rotate`]); the check text proves a key is the
//! right one before anything is sealed or opened with it.

use ankommen_store::Db;
use ankommen_store::entities::setting;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::kernel::sealing::{Aad, LEGACY_VERSION, Sealer};
use crate::{Error, Result};

/// The settings key of the encryption key's check value.
const ENCRYPTION_CHECK: &str = "encryption_check";
/// The text sealed as the check value.
const CHECK_TEXT: &str = "ankommen encryption check, version 1";

fn check_aad() -> Aad<'static> {
    Aad::new("settings", ENCRYPTION_CHECK, 0)
}

/// How the configured encryption key relates to the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyCheck {
    /// The database had no check value yet (a new database, or one from before checks): this
    /// key's is now recorded.
    Recorded,
    /// The configured keys include the database's key.
    Matches,
    /// The configured keys do not open the check value: values sealed in this database would not
    /// open either. `recorded_key_id` is the id of the key the check value was sealed with.
    Mismatch { recorded_key_id: String },
}

fn check_value(sealer: &Sealer, key_id: &str) -> Result<String> {
    let sealed = sealer
        .seal_under(key_id, &check_aad(), CHECK_TEXT.as_bytes())
        .map_err(|e| Error::Internal(format!("sealing the key check value: {e}")))?;
    Ok(format!("{key_id}:{}", hex::encode(sealed)))
}

async fn stored<C: ConnectionTrait>(conn: &C, lock: bool) -> Result<Option<String>> {
    let mut q = setting::Entity::find().filter(setting::Column::Key.eq(ENCRYPTION_CHECK));
    if lock {
        q = q.lock_shared();
    }
    Ok(q.one(conn).await?.map(|s| s.value))
}

/// The id of the key the database seals under now (None before the first check). With `lock`,
/// on PostgreSQL the record stays share-locked until the transaction ends.
pub async fn current_key_id<C: ConnectionTrait>(conn: &C, lock: bool) -> Result<Option<String>> {
    Ok(stored(conn, lock)
        .await?
        .and_then(|v| v.split_once(':').map(|(id, _)| id.to_string())))
}

/// Checks the encryption keys against the check value stored in the database, recording one if
/// there is none. Two servers starting at once on a new database both insert-if-absent, then
/// both verify what was stored, so the one with a different key learns it too. A check value of
/// format 1 (before decision 0011) that opens is sealed again in format 2.
pub async fn check_encryption_key(db: &Db, sealer: &Sealer) -> Result<KeyCheck> {
    let mut recorded = false;
    if stored(db.reader(), false).await?.is_none() {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(ENCRYPTION_CHECK.to_string()),
            value: Set(check_value(sealer, &sealer.key_id())?),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db.writer())
        .await?;
        recorded = true;
    }
    let value = stored(db.reader(), false).await?.unwrap_or_default();
    let (key_id, sealed) = value.split_once(':').unwrap_or(("", ""));
    let blob = hex::decode(sealed).unwrap_or_default();
    let opens = if blob.first() == Some(&LEGACY_VERSION) {
        let opens = sealer
            .open_legacy(&check_aad(), &blob)
            .is_ok_and(|text| text == CHECK_TEXT);
        if opens {
            write(db.writer(), &check_value(sealer, key_id)?).await?;
        }
        opens
    } else {
        // A key the key file does not hold (yet) is not looked for: the key file was just read.
        sealer.holds(key_id)
            && sealer
                .open(&check_aad(), &blob)
                .is_ok_and(|text| text == CHECK_TEXT)
    };
    Ok(match (opens, recorded) {
        (true, true) => KeyCheck::Recorded,
        (true, false) => KeyCheck::Matches,
        (false, _) => KeyCheck::Mismatch {
            recorded_key_id: key_id.to_string(),
        },
    })
}

async fn write<C: ConnectionTrait>(conn: &C, value: &str) -> Result<()> {
    setting::Entity::update_many()
        .col_expr(setting::Column::Value, Expr::value(value))
        .filter(setting::Column::Key.eq(ENCRYPTION_CHECK))
        .exec(conn)
        .await?;
    Ok(())
}

/// Names the sealer's current key as the database's key (the first step of a rotation): from
/// the commit on, every change seals under it. On PostgreSQL the update waits for the changes
/// under way, which hold the record share-locked ([`super::Sealing::begin`]). The configured keys
/// must include the database's key so far.
pub async fn record_current_key(db: &Db, sealer: &Sealer) -> Result<()> {
    match check_encryption_key(db, sealer).await? {
        KeyCheck::Mismatch { recorded_key_id } => Err(Error::Internal(format!(
            "the configured keys ({}) do not include the database's key {recorded_key_id}",
            sealer.key_ids().join(", ")
        ))),
        KeyCheck::Recorded | KeyCheck::Matches => {
            let tx = db.begin().await?;
            write(&tx, &check_value(sealer, &sealer.key_id())?).await?;
            tx.commit().await?;
            Ok(())
        }
    }
}
