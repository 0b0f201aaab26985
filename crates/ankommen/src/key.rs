//! `ankommen key rotate`: a new encryption key, every sealed value sealed again under it, the
//! previous key retired — while the servers keep serving.
//!
//! 1. The key file gets the new key on its first line and the current one on its second
//!    (written atomically). Servers that meet a value under the new key, or find the database
//!    naming it, read the key file again.
//! 2. The database names the new key as its key: from then on every change seals under it.
//! 3. Every value under the previous key is sealed again under the new one, page by page (core's
//!    `kernel::sealed::rotate`).
//! 4. The key file keeps the new key alone.
//!
//! Stopped anywhere, the next run continues: a key file with two keys is a rotation under way,
//! and values already under the new key are skipped. See `docs/operations.md`.

use ankommen_core::kernel::sealed::{self, KeyCheck};
use ankommen_core::kernel::sealing::{self, Sealer};

use crate::Failure;
use crate::config::{Config, ENV_ENCRYPTION_KEY, EncryptionKey};
use crate::serve::{open_and_migrate, seal_stored};

/// How many passes over the sealed values a rotation makes at most: the first seals everything,
/// a second finds what servers wrote under the previous key while the first ran (none, once the
/// database names the new key), a third would mean something keeps writing under it.
const MAX_PASSES: usize = 3;

fn fail(what: &str) -> impl Fn(sealing::SealError) -> Failure + '_ {
    move |e| Failure::new(format!("{what}: {e}"))
}

pub async fn rotate(cfg: &Config) -> Result<(), Failure> {
    let path = match &cfg.encryption_key {
        EncryptionKey::File(p) => p.clone(),
        EncryptionKey::Value(_) => {
            return Err(Failure::new(format!(
                "key rotation works on a key file, but the key comes from {ENV_ENCRYPTION_KEY}; put it into a key file (mode 0600) and point ANKOMMEN_ENCRYPTION_KEY_FILE at it"
            )));
        }
    };
    let keys = sealing::read_master_keys(&path).map_err(fail("cannot read the key file"))?;
    let db = open_and_migrate(cfg, cfg.database_url()).await?;
    let result = run(&db, &path, keys).await;
    db.close().await;
    result
}

async fn run(
    db: &ankommen_store::Db,
    path: &std::path::Path,
    keys: Vec<sealing::MasterKey>,
) -> Result<(), Failure> {
    let before = Sealer::load(path).map_err(fail("cannot read the key file"))?;
    check(db, &before).await?;
    // Plaintext left by migration m0006 is sealed (under the current key) first.
    seal_stored(db, &before).await?;

    let new = match keys.as_slice() {
        [current] => {
            let new = sealing::new_master_key().map_err(fail("cannot create a key"))?;
            sealing::replace_key_file(path, &[&new, current])
                .map_err(fail("cannot write the key file"))?;
            println!(
                "New key {} written to {} (the previous key {} stays on its second line until the rotation is done).",
                sealing::key_id_of_master(&new),
                path.display(),
                sealing::key_id_of_master(current)
            );
            new
        }
        [new, previous] => {
            println!(
                "The key file holds two keys: continuing the rotation from key {} to key {}.",
                sealing::key_id_of_master(previous),
                sealing::key_id_of_master(new)
            );
            new.clone()
        }
        _ => return Err(Failure::new("the key file holds no key")),
    };
    let sealer = Sealer::load(path).map_err(fail("cannot read the key file"))?;
    check(db, &sealer).await?;

    let mut unreadable = 0;
    for pass in 1..=MAX_PASSES {
        let done = sealed::rotate(db, &sealer, None).await.map_err(|e| {
            Failure::new(format!(
                "the rotation stopped (run it again to continue): {e}"
            ))
        })?;
        println!(
            "Pass {pass}: {} values sealed again under key {}.",
            done.resealed,
            sealer.key_id()
        );
        unreadable = done.unreadable;
        if done.resealed == 0 {
            break;
        }
        if pass == MAX_PASSES {
            return Err(Failure::new(
                "values keep being sealed under the previous key: an instance without the new key is writing; give every instance the key file and run the rotation again",
            ));
        }
    }
    let left = sealed::count_under_other_keys(db, &sealer.key_id())
        .await
        .map_err(|e| Failure::new(format!("cannot count the values: {e}")))?;
    if left > unreadable {
        return Err(Failure::new(format!(
            "{left} values are still under another key; run the rotation again"
        )));
    }
    sealing::replace_key_file(path, &[&new]).map_err(fail("cannot write the key file"))?;
    println!(
        "Done: every value is sealed under key {}; the previous key is removed from {}.",
        sealer.key_id(),
        path.display()
    );
    if unreadable > 0 {
        println!(
            "{unreadable} values did not open with either key (altered, or copied from elsewhere); they are left as they were and show as \"cannot be opened\"."
        );
    }
    println!("Back up the new key file now: the old one no longer opens this database.");
    Ok(())
}

/// The key file must hold the database's key.
async fn check(db: &ankommen_store::Db, sealer: &Sealer) -> Result<(), Failure> {
    match sealed::check_encryption_key(db, sealer)
        .await
        .map_err(|e| Failure::new(format!("cannot check the encryption key: {e}")))?
    {
        KeyCheck::Matches | KeyCheck::Recorded => Ok(()),
        KeyCheck::Mismatch { recorded_key_id } => Err(Failure::new(format!(
            "the key file (keys {}) does not hold this database's key {recorded_key_id}; nothing was changed",
            sealer.key_ids().join(", ")
        ))),
    }
}
