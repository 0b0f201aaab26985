//! Encryption at rest of special-category fields: the keys, sealing and opening.
//!
//! A sealed value is `format (1 byte, = 2) ‖ key id (4 bytes) ‖ nonce (24 random bytes) ‖
//! ciphertext ‖ tag (16 bytes)`, XChaCha20-Poly1305 under a data key derived with HKDF-SHA256
//! from a 32-byte master key. The key id names the master key it was sealed with, so that values
//! under the current and the previous key can live side by side while a key rotation runs. The
//! associated data binds each value to its table, column and row and, for rows changed in place,
//! to the row's version: a value copied into another row or column, or an older value copied
//! back into its row, does not open. The master keys live in a key file (or the environment),
//! never in the database; see `docs/decisions/0004-encryption-at-rest.md` and
//! `docs/decisions/0011-sealing-everything-special-and-key-rotation.md`.
//!
//! Format 1 (no key id, the associated data without a version) was written before decision
//! 0011; it is opened only by the start-up conversion ([`Sealer::open_legacy`]), which seals
//! those values again in format 2.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chacha20poly1305::aead::Aead;
use chacha20poly1305::aead::Payload;
use chacha20poly1305::{Key, KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2_011::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// The format version written as the first byte of every sealed value.
pub const VERSION: u8 = 2;
/// The format before key ids and row versions; read only by the start-up conversion.
pub const LEGACY_VERSION: u8 = 1;
/// Length of the key id that follows the format byte.
pub const KEY_ID_LEN: usize = 4;
/// Length of the random nonce.
pub const NONCE_LEN: usize = 24;
/// Length of the Poly1305 tag.
pub const TAG_LEN: usize = 16;
/// Length of a master key in bytes (written as twice as many hex digits).
pub const KEY_LEN: usize = 32;
/// The most keys a key file holds: the current one and, while a rotation runs, the previous one.
pub const MAX_KEYS: usize = 2;

/// HKDF salt: separates our derivations from any other use of the same key material.
const HKDF_SALT: &[u8] = b"ankommen sealing";
/// HKDF info of the data key that seals field values.
const INFO_DATA_KEY: &[u8] = b"ankommen v1 field data key xchacha20poly1305";
/// HKDF info of the key id, a public fingerprint that lets operators compare keys.
const INFO_KEY_ID: &[u8] = b"ankommen v1 key id";
/// Prefix of the associated data, so a value sealed for another purpose never opens here.
const AAD_DOMAIN: &[u8] = b"ankommen sealed field";
/// A key file is a few dozen bytes; never read more (someone may point the setting at a device).
const KEY_FILE_READ_LIMIT: u64 = 1024;

/// Where a sealed value belongs: it opens only for the same table, column and row, and (for a row
/// changed in place) the same version of that row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aad<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: i64,
    /// The second part of a composite key (e.g. the goal of a review's assessment).
    pub part: Option<i64>,
    /// The row's version, for rows that are changed in place.
    pub version: Option<i64>,
}

impl<'a> Aad<'a> {
    pub const fn new(table: &'a str, column: &'a str, row: i64) -> Self {
        Self {
            table,
            column,
            row,
            part: None,
            version: None,
        }
    }

    /// The same place in the row with this composite key's second part.
    pub const fn with_part(self, part: i64) -> Self {
        Self {
            part: Some(part),
            ..self
        }
    }

    /// The same place in this version of the row.
    pub const fn at_version(self, version: i64) -> Self {
        Self {
            version: Some(version),
            ..self
        }
    }

    /// An unambiguous encoding: the domain, the format version, length-prefixed names, the row,
    /// then the optional key part and version, each behind a presence byte.
    fn encode(&self) -> Vec<u8> {
        let mut out = self.encode_names(VERSION);
        for extra in [self.part, self.version] {
            match extra {
                Some(v) => {
                    out.push(1);
                    out.extend_from_slice(&v.to_be_bytes());
                }
                None => out.push(0),
            }
        }
        out
    }

    /// The associated data of format 1: table, column and row only.
    fn encode_legacy(&self) -> Vec<u8> {
        self.encode_names(LEGACY_VERSION)
    }

    fn encode_names(&self, format: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            AAD_DOMAIN.len() + 1 + 16 + self.table.len() + self.column.len() + 8 + 18,
        );
        out.extend_from_slice(AAD_DOMAIN);
        out.push(format);
        for part in [self.table, self.column] {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
        out.extend_from_slice(&self.row.to_be_bytes());
        out
    }
}

/// Why a value could not be sealed or opened, or a key not loaded. Messages never contain key
/// material or plaintext.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Wrong key, altered bytes, or a value that belongs to another table, column, row or version.
    #[error(
        "the encrypted value cannot be opened (wrong encryption key, altered data, or a value that belongs to another record or an earlier version of it)"
    )]
    Open,
    #[error("the encrypted value is too short ({len} bytes) to be a sealed value")]
    Truncated { len: usize },
    #[error("the encrypted value has an unknown format version {version}")]
    UnknownVersion { version: u8 },
    /// The value names a key that neither the key file nor the environment holds.
    #[error("the encryption key {key_id} is not configured (the key file holds {held})")]
    UnknownKey { key_id: String, held: String },
    #[error("the decrypted value is not valid text")]
    NotText,
    #[error("the value is too long to encrypt")]
    TooLong,
    #[error("the data key could not be derived from the encryption key")]
    KeyDerivation,
    #[error("the system's random number generator failed: {0}")]
    Random(String),
    /// A key given as text (environment, key file) is not 64 hex digits.
    #[error("the encryption key must be exactly 64 hexadecimal characters (32 bytes); {problem}")]
    BadKey { problem: String },
    #[error("cannot read the encryption key file {path}: {reason}")]
    ReadKeyFile { path: PathBuf, reason: String },
    #[error("cannot create the encryption key file {path}: {reason}")]
    CreateKeyFile { path: PathBuf, reason: String },
    #[error("cannot replace the encryption key file {path}: {reason}")]
    WriteKeyFile { path: PathBuf, reason: String },
    #[error(
        "the encryption key file {path} is accessible to group or others (mode {mode:04o}); make it private with: chmod 600 {path}"
    )]
    KeyFileNotPrivate { path: PathBuf, mode: u32 },
    #[error(
        "the encryption key file {path} is malformed: it must hold one line of exactly 64 hexadecimal characters (the key), or two such lines while a key rotation runs (the new key, then the previous one); {problem}"
    )]
    MalformedKeyFile { path: PathBuf, problem: String },
}

/// The data key derived from one master key, and its public id.
#[derive(Clone)]
struct DataKey {
    /// Holds the derived data key; zeroed on drop.
    cipher: XChaCha20Poly1305,
    /// A public fingerprint of the master key (HKDF output, not the key).
    id: [u8; KEY_ID_LEN],
    /// False only if key derivation failed (it cannot for our lengths); then nothing seals or opens.
    derived: bool,
}

impl DataKey {
    fn derive(master: &[u8; KEY_LEN]) -> Self {
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), master.as_slice());
        let mut data_key = Zeroizing::new([0u8; KEY_LEN]);
        let mut id = [0u8; KEY_ID_LEN];
        // HKDF-SHA256 yields up to 255 × 32 bytes, so neither expansion can fail. Should one ever
        // do so, the key refuses to work rather than seal under a key of zeros.
        let derived = hk.expand(INFO_DATA_KEY, data_key.as_mut_slice()).is_ok()
            && hk.expand(INFO_KEY_ID, &mut id).is_ok();
        let mut key = Key::from(*data_key);
        let cipher = XChaCha20Poly1305::new(&key);
        key.as_mut_slice().zeroize();
        Self {
            cipher,
            id,
            derived,
        }
    }

    fn encrypt(&self, aad: &[u8], msg: &[u8], header: &[u8]) -> Result<Vec<u8>, SealError> {
        if !self.derived {
            return Err(SealError::KeyDerivation);
        }
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| SealError::Random(e.to_string()))?;
        let ciphertext = self
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg, aad })
            .map_err(|_| SealError::TooLong)?;
        let mut out = Vec::with_capacity(header.len() + NONCE_LEN + ciphertext.len());
        out.extend_from_slice(header);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Decrypts `nonce ‖ ciphertext ‖ tag`.
    fn decrypt(&self, aad: &[u8], rest: &[u8]) -> Result<Vec<u8>, SealError> {
        if !self.derived {
            return Err(SealError::KeyDerivation);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let mut nonce_bytes = [0u8; NONCE_LEN];
        nonce_bytes.copy_from_slice(nonce);
        self.cipher
            .decrypt(
                &XNonce::from(nonce_bytes),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map_err(|_| SealError::Open)
    }
}

/// The key id of a sealed value (8 hex digits), or None for a value of format 1 or no value at all.
pub fn key_id_of(blob: &[u8]) -> Option<String> {
    match blob.split_first() {
        Some((&VERSION, rest)) if rest.len() >= KEY_ID_LEN => {
            Some(hex::encode(&rest[..KEY_ID_LEN]))
        }
        _ => None,
    }
}

/// Seals and opens field values with the data keys derived from the configured master keys: the
/// current key (which seals) and, while a key rotation runs, the previous one (which still
/// opens what it sealed). With a key file as the source, a value under a key this instance does
/// not hold yet makes it read the key file again, so a rotation started by `ankommen key rotate`
/// never stops the reads of a running server.
pub struct Sealer {
    /// Current key first. Replaced as a whole when the key file is read again.
    keys: RwLock<Arc<Vec<DataKey>>>,
    /// The key file the keys came from, if any (not for a key from the environment).
    source: Option<PathBuf>,
}

impl Clone for Sealer {
    fn clone(&self) -> Self {
        Self {
            keys: RwLock::new(self.keys()),
            source: self.source.clone(),
        }
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("key_ids", &self.key_ids())
            .finish_non_exhaustive()
    }
}

impl Sealer {
    /// Derives the data key from a 32-byte master key.
    pub fn from_key(master: [u8; KEY_LEN]) -> Self {
        let master = Zeroizing::new(master);
        Self::from_master_keys(std::slice::from_ref(&master))
    }

    /// Several master keys, the current one first (the others only open).
    pub fn from_keys(masters: &[[u8; KEY_LEN]]) -> Self {
        Self {
            keys: RwLock::new(Arc::new(masters.iter().map(DataKey::derive).collect())),
            source: None,
        }
    }

    /// [`Sealer::from_keys`] for keys held zeroed-on-drop (as read from a key file).
    pub fn from_master_keys(masters: &[MasterKey]) -> Self {
        Self {
            keys: RwLock::new(Arc::new(
                masters.iter().map(|m| DataKey::derive(m)).collect(),
            )),
            source: None,
        }
    }

    /// Loads the master keys of an existing key file (for `ankommen key rotate`), which it reads
    /// again whenever a value names a key it does not hold.
    pub fn load(path: &Path) -> Result<Self, SealError> {
        let mut sealer = Self::from_master_keys(&read_master_keys(path)?);
        sealer.source = Some(path.to_path_buf());
        Ok(sealer)
    }

    /// Parses a master key written as 64 hexadecimal digits (upper or lower case), nothing else.
    pub fn from_hex(s: &str) -> Result<Self, SealError> {
        let key = Zeroizing::new(parse_hex_key(s)?);
        Ok(Self::from_key(*key))
    }

    /// A new random master key, e.g. for a throwaway database.
    pub fn generate() -> Result<Self, SealError> {
        Ok(Self::from_key(*random_key()?))
    }

    /// Loads the master keys from `path`, or creates the file with a new random key (mode 0600,
    /// never overwriting an existing file) when it does not exist. Refuses a file that group or
    /// others may access and a file that does not hold one or two lines of 64 hex digits.
    pub fn load_or_create(path: &Path) -> Result<Self, SealError> {
        Self::load_or_create_reporting(path).map(|(sealer, _)| sealer)
    }

    /// [`Sealer::load_or_create`], also telling whether the file was created just now.
    pub fn load_or_create_reporting(path: &Path) -> Result<(Self, KeyFile), SealError> {
        let keys = match read_key_file(path) {
            Ok(keys) => Ok((keys, KeyFile::Loaded)),
            Err(ReadError::Missing) => match create_key_file(path) {
                Ok(key) => Ok((vec![key], KeyFile::Created)),
                // Another instance created it in the meantime: use theirs.
                Err(CreateError::Exists) => read_key_file(path)
                    .map(|k| (k, KeyFile::Loaded))
                    .map_err(ReadError::into_seal_error),
                Err(CreateError::Failed(e)) => Err(e),
            },
            Err(e) => Err(e.into_seal_error()),
        }?;
        let (masters, how) = keys;
        let mut sealer = Self::from_master_keys(&masters);
        sealer.source = Some(path.to_path_buf());
        Ok((sealer, how))
    }

    fn keys(&self) -> Arc<Vec<DataKey>> {
        match self.keys.read() {
            Ok(k) => k.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads the key file again (for a value under a key this instance does not hold yet).
    /// Returns whether it holds other keys now. Without a key file, or when the file cannot be
    /// read, the keys stay as they are.
    pub fn reload(&self) -> Result<bool, SealError> {
        let Some(path) = &self.source else {
            return Ok(false);
        };
        let masters = read_key_file(path).map_err(ReadError::into_seal_error)?;
        let fresh: Vec<DataKey> = masters.iter().map(|m| DataKey::derive(m)).collect();
        let changed = {
            let old = self.keys();
            old.len() != fresh.len() || old.iter().zip(&fresh).any(|(a, b)| a.id != b.id)
        };
        if changed {
            let mut slot = match self.keys.write() {
                Ok(k) => k,
                Err(poisoned) => poisoned.into_inner(),
            };
            *slot = Arc::new(fresh);
        }
        Ok(changed)
    }

    /// A short public fingerprint of the current master key (8 hex digits), derived one-way from
    /// it, so operators can check that several instances use the same key without revealing it.
    pub fn key_id(&self) -> String {
        self.keys()
            .first()
            .map(|k| hex::encode(k.id))
            .unwrap_or_default()
    }

    /// The ids of all keys held, the current one first.
    pub fn key_ids(&self) -> Vec<String> {
        self.keys().iter().map(|k| hex::encode(k.id)).collect()
    }

    /// Whether this instance holds the key with this id (reading the key file again if not).
    pub fn holds(&self, key_id: &str) -> bool {
        self.find(key_id).is_ok()
    }

    /// The key with this id, reading the key file again once if it is not held.
    fn find(&self, key_id: &str) -> Result<DataKey, SealError> {
        let pick = |keys: &[DataKey]| keys.iter().find(|k| hex::encode(k.id) == key_id).cloned();
        if let Some(k) = pick(&self.keys()) {
            return Ok(k);
        }
        if self.source.is_some() {
            match self.reload() {
                Ok(_) => {}
                Err(e) => tracing::warn!("reading the encryption key file again failed: {e}"),
            }
            if let Some(k) = pick(&self.keys()) {
                return Ok(k);
            }
        }
        Err(SealError::UnknownKey {
            key_id: key_id.to_string(),
            held: self.key_ids().join(", "),
        })
    }

    /// Encrypts `plaintext` under the current key for the place `aad` names.
    pub fn seal(&self, aad: &Aad<'_>, plaintext: &str) -> Result<Vec<u8>, SealError> {
        self.seal_bytes(aad, plaintext.as_bytes())
    }

    /// Encrypts bytes (a scan) under the current key for the place `aad` names.
    pub fn seal_bytes(&self, aad: &Aad<'_>, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let keys = self.keys();
        let key = keys.first().ok_or(SealError::KeyDerivation)?;
        seal_with(key, aad, plaintext)
    }

    /// Encrypts bytes under the key with this id (the one the database names as current, which
    /// during a rotation may be this instance's previous key, or a new one it reads from the key
    /// file now). Fails if this instance does not hold that key.
    pub fn seal_under(
        &self,
        key_id: &str,
        aad: &Aad<'_>,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, SealError> {
        seal_with(&self.find(key_id)?, aad, plaintext)
    }

    /// Decrypts a text value sealed by [`Sealer::seal`] for the same place.
    pub fn open(&self, aad: &Aad<'_>, blob: &[u8]) -> Result<String, SealError> {
        text(self.open_bytes(aad, blob)?)
    }

    /// Decrypts a value sealed for the same place, under whichever held key sealed it.
    pub fn open_bytes(&self, aad: &Aad<'_>, blob: &[u8]) -> Result<Vec<u8>, SealError> {
        let Some((&version, rest)) = blob.split_first() else {
            return Err(SealError::Truncated { len: 0 });
        };
        if rest.len() < KEY_ID_LEN + NONCE_LEN + TAG_LEN {
            return Err(SealError::Truncated { len: blob.len() });
        }
        if version != VERSION {
            return Err(SealError::UnknownVersion { version });
        }
        let (id, rest) = rest.split_at(KEY_ID_LEN);
        self.find(&hex::encode(id))?.decrypt(&aad.encode(), rest)
    }

    /// Seals `plaintext` in format 1, as ankommen did before decision 0011. Only for tests of the
    /// start-up conversion, which must find such values in a database of that time.
    #[doc(hidden)]
    pub fn seal_legacy(&self, aad: &Aad<'_>, plaintext: &str) -> Result<Vec<u8>, SealError> {
        let keys = self.keys();
        let key = keys.first().ok_or(SealError::KeyDerivation)?;
        key.encrypt(
            &aad.encode_legacy(),
            plaintext.as_bytes(),
            &[LEGACY_VERSION],
        )
    }

    /// Decrypts a text value of format 1 (before key ids and row versions), trying each held key.
    /// Only the start-up conversion calls this: anywhere else a format-1 value would open
    /// whatever version its row has now.
    pub fn open_legacy(&self, aad: &Aad<'_>, blob: &[u8]) -> Result<String, SealError> {
        let Some((&version, rest)) = blob.split_first() else {
            return Err(SealError::Truncated { len: 0 });
        };
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::Truncated { len: blob.len() });
        }
        if version != LEGACY_VERSION {
            return Err(SealError::UnknownVersion { version });
        }
        let encoded = aad.encode_legacy();
        for key in self.keys().iter() {
            if let Ok(plain) = key.decrypt(&encoded, rest) {
                return text(plain);
            }
        }
        Err(SealError::Open)
    }
}

fn seal_with(key: &DataKey, aad: &Aad<'_>, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let mut header = [0u8; 1 + KEY_ID_LEN];
    header[0] = VERSION;
    header[1..].copy_from_slice(&key.id);
    key.encrypt(&aad.encode(), plaintext, &header)
}

fn text(bytes: Vec<u8>) -> Result<String, SealError> {
    String::from_utf8(bytes).map_err(|e| {
        let mut bytes = e.into_bytes();
        bytes.zeroize();
        SealError::NotText
    })
}

/// Whether [`Sealer::load_or_create_reporting`] found the key file or created it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFile {
    Loaded,
    Created,
}

/// A master key as it is kept in memory outside a [`Sealer`]: zeroed on drop.
pub type MasterKey = Zeroizing<[u8; KEY_LEN]>;

fn random_key() -> Result<MasterKey, SealError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    getrandom::fill(key.as_mut_slice()).map_err(|e| SealError::Random(e.to_string()))?;
    Ok(key)
}

/// A new random master key (for a key rotation).
pub fn new_master_key() -> Result<MasterKey, SealError> {
    random_key()
}

/// The public id of a master key (as [`Sealer::key_id`] shows it).
pub fn key_id_of_master(master: &[u8; KEY_LEN]) -> String {
    hex::encode(DataKey::derive(master).id)
}

fn parse_hex_key(s: &str) -> Result<[u8; KEY_LEN], SealError> {
    let chars = s.chars().count();
    if chars != 2 * KEY_LEN {
        return Err(SealError::BadKey {
            problem: format!("found {chars} characters"),
        });
    }
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SealError::BadKey {
            problem: "found a character that is not a hexadecimal digit (0-9, a-f)".into(),
        });
    }
    let mut key = [0u8; KEY_LEN];
    hex::decode_to_slice(s, &mut key).map_err(|_| SealError::BadKey {
        problem: "it does not decode".into(),
    })?;
    Ok(key)
}

fn read_error(path: &Path, e: &std::io::Error) -> SealError {
    SealError::ReadKeyFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

enum ReadError {
    Missing,
    Other(SealError),
}

impl ReadError {
    fn into_seal_error(self) -> SealError {
        match self {
            // Only reached when the file vanished between two looks at it.
            ReadError::Missing => SealError::ReadKeyFile {
                path: PathBuf::new(),
                reason: "the key file vanished".into(),
            },
            ReadError::Other(e) => e,
        }
    }
}

/// The master keys of an existing key file, the current one first (for `ankommen key rotate`).
pub fn read_master_keys(path: &Path) -> Result<Vec<MasterKey>, SealError> {
    read_key_file(path).map_err(|e| match e {
        ReadError::Missing => SealError::ReadKeyFile {
            path: path.to_path_buf(),
            reason: "it does not exist".into(),
        },
        ReadError::Other(e) => e,
    })
}

/// Reads a key file: private, a regular file, one or two lines of 64 hex digits (a final newline,
/// also `\r\n`, is optional), two lines differing.
fn read_key_file(path: &Path) -> Result<Vec<MasterKey>, ReadError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Other(read_error(path, &e))),
    };
    parse_key_file(path, file).map_err(ReadError::Other)
}

fn parse_key_file(path: &Path, file: std::fs::File) -> Result<Vec<MasterKey>, SealError> {
    let meta = file.metadata().map_err(|e| read_error(path, &e))?;
    if !meta.is_file() {
        return Err(SealError::ReadKeyFile {
            path: path.to_path_buf(),
            reason: "not a regular file".into(),
        });
    }
    check_private(path, &meta)?;
    let mut text = Zeroizing::new(Vec::new());
    file.take(KEY_FILE_READ_LIMIT)
        .read_to_end(&mut text)
        .map_err(|e| read_error(path, &e))?;
    let malformed = |problem: &str| SealError::MalformedKeyFile {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    };
    let body = text.strip_suffix(b"\n").unwrap_or(&text);
    let body = std::str::from_utf8(body).map_err(|_| malformed("it is not text"))?;
    let mut keys: Vec<MasterKey> = Vec::new();
    for line in body.split('\n') {
        if keys.len() == MAX_KEYS {
            return Err(malformed(&format!("found more than {MAX_KEYS} lines")));
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let key = parse_hex_key(line).map_err(|e| match e {
            SealError::BadKey { problem } => malformed(&problem),
            other => other,
        })?;
        keys.push(Zeroizing::new(key));
    }
    if keys.len() == 2 && keys[0] == keys[1] {
        return Err(malformed("its two lines hold the same key"));
    }
    Ok(keys)
}

#[cfg(unix)]
fn check_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), SealError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(SealError::KeyFileNotPrivate {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), SealError> {
    Ok(())
}

enum CreateError {
    Exists,
    Failed(SealError),
}

fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// The text of a key file: one key per line.
fn key_file_text(keys: &[&[u8; KEY_LEN]]) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(keys.len() * (2 * KEY_LEN + 1)));
    for k in keys {
        text.push_str(&Zeroizing::new(hex::encode(k.as_slice())));
        text.push('\n');
    }
    text
}

/// Writes a new random key to `path` (mode 0600, `create_new`) and makes it durable before any
/// value is sealed with it: a key lost in a crash would make those values unreadable.
fn create_key_file(path: &Path) -> Result<MasterKey, CreateError> {
    let failed = |e: std::io::Error| {
        CreateError::Failed(SealError::CreateKeyFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    };
    let key = random_key().map_err(CreateError::Failed)?;
    let mut file = match private_options().open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(CreateError::Exists);
        }
        Err(e) => return Err(failed(e)),
    };
    let text = key_file_text(&[&key]);
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        // Leave no half-written key behind to be refused (or worse, trusted) on the next start.
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(failed(e));
    }
    sync_parent_dir(path).map_err(failed)?;
    Ok(key)
}

/// Replaces the key file at `path` with these keys (the current one first), atomically: the new
/// text goes to a private temporary file beside it, which is made durable and then renamed over
/// the old file. A crash leaves the old file or the new one, never a mix; a temporary file left by
/// a crash is replaced by the next call.
pub fn replace_key_file(path: &Path, keys: &[&[u8; KEY_LEN]]) -> Result<(), SealError> {
    let failed = |e: std::io::Error| SealError::WriteKeyFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return Err(failed(std::io::Error::other(format!(
            "a key file holds one or {MAX_KEYS} keys"
        ))));
    }
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".new");
    let tmp = path.with_file_name(tmp_name);
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(failed(e)),
    }
    let mut file = private_options().open(&tmp).map_err(failed)?;
    let text = key_file_text(keys);
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    drop(file);
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(failed(e));
    }
    sync_parent_dir(path).map_err(failed)
}

#[cfg(unix)]
fn sync_parent_dir(path: &Path) -> std::io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::File::open(parent)?.sync_all()
}

#[cfg(not(unix))]
fn sync_parent_dir(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: [u8; 32] = [0x11; 32];
    const KEY_B: [u8; 32] = [0x22; 32];
    const NOTE: &str = "Diabetes Typ 2; Insulin morgens — سكري";

    fn aad(row: i64) -> Aad<'static> {
        Aad::new("health_needs", "note", row)
    }

    #[test]
    fn round_trip() {
        let s = Sealer::from_key(KEY_A);
        let blob = s.seal(&aad(7), NOTE).unwrap();
        assert_eq!(blob[0], VERSION);
        assert_eq!(
            blob.len(),
            1 + KEY_ID_LEN + NONCE_LEN + NOTE.len() + TAG_LEN
        );
        assert_eq!(key_id_of(&blob), Some(s.key_id()));
        assert!(
            !blob
                .windows(8)
                .any(|w| NOTE.as_bytes().windows(8).any(|n| n == w)),
            "the plaintext shows through"
        );
        assert_eq!(s.open(&aad(7), &blob).unwrap(), NOTE);
        // The empty string is a value like any other.
        let empty = s.seal(&aad(7), "").unwrap();
        assert_eq!(s.open(&aad(7), &empty).unwrap(), "");
        // A clone opens what the original sealed.
        assert_eq!(s.clone().open(&aad(7), &blob).unwrap(), NOTE);
    }

    #[test]
    fn nonces_are_fresh() {
        let s = Sealer::from_key(KEY_A);
        let a = s.seal(&aad(1), NOTE).unwrap();
        let b = s.seal(&aad(1), NOTE).unwrap();
        let nonce = 1 + KEY_ID_LEN..1 + KEY_ID_LEN + NONCE_LEN;
        assert_ne!(a[nonce.clone()], b[nonce]);
        assert_ne!(a, b);
    }

    #[test]
    fn another_row_column_or_table_does_not_open() {
        let s = Sealer::from_key(KEY_A);
        let blob = s.seal(&aad(7), NOTE).unwrap();
        for other in [
            Aad::new("health_needs", "note", 8),
            Aad::new("health_needs", "note", -7),
            Aad::new("health_needs", "summary", 7),
            Aad::new("contacts", "note", 7),
            // Length prefixes: moving characters between table and column changes the AAD.
            Aad::new("health_needsn", "ote", 7),
            Aad::new("health_need", "snote", 7),
        ] {
            assert!(
                matches!(s.open(&other, &blob), Err(SealError::Open)),
                "{other:?} opened"
            );
        }
    }

    #[test]
    fn another_version_or_key_part_does_not_open() {
        let s = Sealer::from_key(KEY_A);
        let v3 = aad(7).at_version(3);
        let blob = s.seal(&v3, NOTE).unwrap();
        assert_eq!(s.open(&v3, &blob).unwrap(), NOTE);
        // An older value copied back into the row (now at version 4) does not open; nor does a
        // value without a version, or one of another part of a composite key.
        for other in [
            aad(7).at_version(4),
            aad(7).at_version(2),
            aad(7),
            aad(7).with_part(3),
            aad(7).with_part(3).at_version(3),
            aad(3).at_version(7),
        ] {
            assert!(
                matches!(s.open(&other, &blob), Err(SealError::Open)),
                "{other:?} opened"
            );
        }
        let part = aad(7).with_part(9);
        let blob = s.seal(&part, NOTE).unwrap();
        assert_eq!(s.open(&part, &blob).unwrap(), NOTE);
        assert!(s.open(&aad(7).at_version(9), &blob).is_err());
        assert!(s.open(&aad(9).with_part(7), &blob).is_err());
    }

    #[test]
    fn bytes_round_trip() {
        let s = Sealer::from_key(KEY_A);
        let scan: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        let blob = s.seal_bytes(&aad(1), &scan).unwrap();
        assert_eq!(s.open_bytes(&aad(1), &blob).unwrap(), scan);
        // Not text: opening as text says so, without the bytes.
        let e = s.open(&aad(1), &blob).unwrap_err();
        assert!(matches!(e, SealError::NotText), "{e:?}");
    }

    /// A value of format 1 as the code before decision 0011 sealed it.
    fn legacy_seal(master: [u8; KEY_LEN], aad: &Aad<'_>, text: &str) -> Vec<u8> {
        Sealer::from_key(master).seal_legacy(aad, text).unwrap()
    }

    #[test]
    fn legacy_values_open_only_through_open_legacy() {
        let old = legacy_seal(KEY_A, &aad(7), NOTE);
        assert_eq!(old.len(), 1 + NONCE_LEN + NOTE.len() + TAG_LEN);
        let s = Sealer::from_key(KEY_A);
        assert_eq!(s.open_legacy(&aad(7), &old).unwrap(), NOTE);
        // The version is not part of format 1's associated data; the row is.
        assert_eq!(s.open_legacy(&aad(7).at_version(5), &old).unwrap(), NOTE);
        assert!(matches!(s.open_legacy(&aad(8), &old), Err(SealError::Open)));
        assert!(matches!(
            s.open(&aad(7), &old),
            Err(SealError::UnknownVersion { version: 1 })
        ));
        // Any held key is tried; another key does not open it.
        assert_eq!(
            Sealer::from_keys(&[KEY_B, KEY_A])
                .open_legacy(&aad(7), &old)
                .unwrap(),
            NOTE
        );
        assert!(Sealer::from_key(KEY_B).open_legacy(&aad(7), &old).is_err());
        // A format-2 value is not a legacy one.
        let new = s.seal(&aad(7), NOTE).unwrap();
        assert!(matches!(
            s.open_legacy(&aad(7), &new),
            Err(SealError::UnknownVersion { version: VERSION })
        ));
    }

    #[test]
    fn the_current_key_seals_and_every_held_key_opens() {
        let a = Sealer::from_key(KEY_A);
        let under_a = a.seal(&aad(1), NOTE).unwrap();
        let both = Sealer::from_keys(&[KEY_B, KEY_A]);
        assert_eq!(both.key_id(), Sealer::from_key(KEY_B).key_id());
        assert_eq!(both.key_ids(), vec![both.key_id(), a.key_id()]);
        let under_b = both.seal(&aad(1), NOTE).unwrap();
        assert_eq!(key_id_of(&under_b), Some(both.key_id()));
        assert_eq!(both.open(&aad(1), &under_a).unwrap(), NOTE);
        assert_eq!(both.open(&aad(1), &under_b).unwrap(), NOTE);
        // Sealing under a named key: the previous one, or one not held.
        let again_a = both
            .seal_under(&a.key_id(), &aad(1), NOTE.as_bytes())
            .unwrap();
        assert_eq!(key_id_of(&again_a), Some(a.key_id()));
        assert_eq!(a.open(&aad(1), &again_a).unwrap(), NOTE);
        assert!(matches!(
            a.seal_under(&both.key_id(), &aad(1), b"x"),
            Err(SealError::UnknownKey { .. })
        ));
        assert!(a.holds(&a.key_id()));
        assert!(!a.holds(&both.key_id()));
        // The previous key alone does not open what the new one sealed.
        assert!(matches!(
            a.open(&aad(1), &under_b),
            Err(SealError::UnknownKey { .. })
        ));
    }

    #[test]
    fn a_key_file_with_two_keys_and_reading_it_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ankommen.key");
        let a = Zeroizing::new(KEY_A);
        let b = Zeroizing::new(KEY_B);
        replace_key_file(&path, &[&a]).unwrap();
        #[cfg(unix)]
        assert_eq!(mode_of(&path), 0o600);
        let server = Sealer::load_or_create(&path).unwrap();
        assert_eq!(server.key_ids(), vec![key_id_of_master(&KEY_A)]);
        // A rotation writes the new key first, the previous one second.
        replace_key_file(&path, &[&b, &a]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{}\n{}\n", hex::encode(KEY_B), hex::encode(KEY_A))
        );
        let rotating = Sealer::load(&path).unwrap();
        let under_b = rotating.seal(&aad(2), NOTE).unwrap();
        // The running server reads the key file again when it meets the new key.
        assert_eq!(server.key_ids().len(), 1);
        assert_eq!(server.open(&aad(2), &under_b).unwrap(), NOTE);
        assert_eq!(server.key_ids(), rotating.key_ids());
        // Retired: the previous key is gone from the file, and from the server once it reads it.
        replace_key_file(&path, &[&b]).unwrap();
        assert!(server.reload().unwrap());
        assert_eq!(server.key_ids(), vec![key_id_of_master(&KEY_B)]);
        assert!(!server.reload().unwrap());
        assert_eq!(read_master_keys(&path).unwrap().len(), 1);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // A key from the environment has no file to read again.
        assert!(!Sealer::from_key(KEY_A).reload().unwrap());
    }

    #[test]
    fn tampering_is_detected() {
        let s = Sealer::from_key(KEY_A);
        let blob = s.seal(&aad(7), NOTE).unwrap();
        for i in 1..blob.len() {
            let mut t = blob.clone();
            t[i] ^= 0x01;
            let e = s.open(&aad(7), &t).unwrap_err();
            if i <= KEY_ID_LEN {
                // Another key id: a key this instance does not hold.
                assert!(matches!(e, SealError::UnknownKey { .. }), "byte {i}: {e:?}");
            } else {
                assert!(matches!(e, SealError::Open), "byte {i}: {e:?}");
            }
        }
        for version in [0, LEGACY_VERSION, 3] {
            let mut t = blob.clone();
            t[0] = version;
            assert!(matches!(
                s.open(&aad(7), &t),
                Err(SealError::UnknownVersion { version: v }) if v == version
            ));
        }
        // Truncated anywhere.
        for len in 0..blob.len() {
            assert!(s.open(&aad(7), &blob[..len]).is_err(), "length {len}");
        }
        assert!(matches!(
            s.open(&aad(7), &blob[..1 + KEY_ID_LEN + NONCE_LEN + TAG_LEN - 1]),
            Err(SealError::Truncated { .. })
        ));
        // Appended bytes.
        let mut t = blob.clone();
        t.push(0);
        assert!(matches!(s.open(&aad(7), &t), Err(SealError::Open)));
    }

    #[test]
    fn another_key_does_not_open() {
        let blob = Sealer::from_key(KEY_A).seal(&aad(7), NOTE).unwrap();
        let e = Sealer::from_key(KEY_B).open(&aad(7), &blob).unwrap_err();
        assert!(matches!(e, SealError::UnknownKey { .. }), "{e:?}");
        // Another key under this key's id does not open either.
        let mut forged = blob.clone();
        forged[1..1 + KEY_ID_LEN]
            .copy_from_slice(&hex::decode(Sealer::from_key(KEY_B).key_id()).unwrap());
        let e = Sealer::from_key(KEY_B).open(&aad(7), &forged).unwrap_err();
        assert!(matches!(e, SealError::Open), "{e:?}");
        assert!(!e.to_string().contains(NOTE));
        assert_ne!(
            Sealer::from_key(KEY_A).key_id(),
            Sealer::from_key(KEY_B).key_id()
        );
        assert_eq!(
            Sealer::from_key(KEY_A).key_id(),
            Sealer::from_key(KEY_A).key_id()
        );
    }

    #[test]
    fn hex_keys() {
        let hex_a = hex::encode(KEY_A);
        let blob = Sealer::from_key(KEY_A).seal(&aad(1), NOTE).unwrap();
        assert_eq!(
            Sealer::from_hex(&hex_a)
                .unwrap()
                .open(&aad(1), &blob)
                .unwrap(),
            NOTE
        );
        assert_eq!(
            Sealer::from_hex(&hex_a.to_uppercase())
                .unwrap()
                .open(&aad(1), &blob)
                .unwrap(),
            NOTE
        );
        for bad in [
            String::new(),
            hex_a[..63].to_string(),
            format!("{hex_a}0"),
            format!("{hex_a}\n"),
            format!(" {}", &hex_a[1..]),
            format!("{}g", &hex_a[..63]),
            format!("{}ä", &hex_a[..62]),
        ] {
            let e = Sealer::from_hex(&bad).unwrap_err();
            assert!(matches!(e, SealError::BadKey { .. }), "{bad:?}: {e:?}");
            assert!(!e.to_string().contains(&hex_a[..16]), "{e}");
        }
    }

    #[test]
    fn debug_does_not_leak() {
        let key: [u8; 32] = *b"0123456789abcdefghijklmnopqrstuv";
        let s = Sealer::from_key(key);
        let shown = format!("{s:?} {s:#?}");
        assert!(shown.contains(&s.key_id()), "{shown}");
        assert!(!shown.contains("0123456789"), "{shown}");
        assert!(!shown.contains(&hex::encode(key)[..16]), "{shown}");
        for b in key.iter().take(4) {
            assert!(!shown.contains(&format!("{b}, ")), "{shown}");
        }
    }

    #[cfg(unix)]
    fn mode_of(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    fn set_mode(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn load_or_create_creates_a_private_file_and_reloads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ankommen.key");
        let (created, how) = Sealer::load_or_create_reporting(&path).unwrap();
        assert_eq!(how, KeyFile::Created);
        #[cfg(unix)]
        assert_eq!(mode_of(&path), 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.len(), 65);
        assert!(text.ends_with('\n'));
        assert!(text[..64].bytes().all(|b| b.is_ascii_hexdigit()));

        let blob = created.seal(&aad(3), NOTE).unwrap();
        let (loaded, how) = Sealer::load_or_create_reporting(&path).unwrap();
        assert_eq!(how, KeyFile::Loaded);
        assert_eq!(loaded.open(&aad(3), &blob).unwrap(), NOTE);
        assert_eq!(loaded.key_id(), created.key_id());
        // Never overwritten.
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_eq!(
            Sealer::from_hex(&text[..64]).unwrap().key_id(),
            created.key_id()
        );
        // Two files, two keys.
        let other = Sealer::load_or_create(&dir.path().join("other.key")).unwrap();
        assert_ne!(other.key_id(), created.key_id());
    }

    #[test]
    fn load_accepts_a_file_without_newline_or_with_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        for text in [hex::encode(KEY_A), format!("{}\r\n", hex::encode(KEY_A))] {
            std::fs::write(&path, &text).unwrap();
            #[cfg(unix)]
            set_mode(&path, 0o400);
            let s = Sealer::load_or_create(&path).unwrap();
            assert_eq!(s.key_id(), Sealer::from_key(KEY_A).key_id());
            std::fs::remove_file(&path).unwrap();
        }
    }

    #[cfg(unix)]
    #[test]
    fn load_refuses_a_file_others_can_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ankommen.key");
        std::fs::write(&path, format!("{}\n", hex::encode(KEY_A))).unwrap();
        for mode in [0o644, 0o640, 0o604, 0o660, 0o601] {
            set_mode(&path, mode);
            let e = Sealer::load_or_create(&path).unwrap_err();
            assert!(
                matches!(e, SealError::KeyFileNotPrivate { mode: m, .. } if m == mode),
                "{mode:o}: {e:?}"
            );
            let msg = e.to_string();
            assert!(msg.contains("chmod 600"), "{msg}");
            assert!(msg.contains(&format!("{mode:04o}")), "{msg}");
            assert!(!msg.contains(&hex::encode(KEY_A)[..16]), "{msg}");
        }
        // The refused file is left alone.
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{}\n", hex::encode(KEY_A))
        );
        set_mode(&path, 0o600);
        assert!(Sealer::load_or_create(&path).is_ok());
    }

    #[test]
    fn load_refuses_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ankommen.key");
        let secret = hex::encode(KEY_A);
        for text in [
            String::new(),
            "\n".to_string(),
            "not a key\n".to_string(),
            format!("{secret}\n\n"),
            format!("{secret} \n"),
            format!(" {secret}\n"),
            format!("{}\n", &secret[..62]),
            format!("{secret}{secret}\n"),
            format!("{secret}\n{secret}\n"),
            format!("{secret}\n{}\n{secret}\n", hex::encode(KEY_B)),
            format!("{secret}\n\n{}\n", hex::encode(KEY_B)),
            format!("{}zz\n", &secret[..62]),
        ] {
            std::fs::write(&path, &text).unwrap();
            #[cfg(unix)]
            set_mode(&path, 0o600);
            let e = Sealer::load_or_create(&path).unwrap_err();
            assert!(
                matches!(e, SealError::MalformedKeyFile { .. }),
                "{text:?}: {e:?}"
            );
            assert!(!e.to_string().contains(&secret[..16]), "{e}");
            assert!(!e.to_string().contains('\n'), "{e}");
            // Never replaced by a fresh key.
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        }
        std::fs::write(&path, [0xff, 0xfe, b'\n']).unwrap();
        #[cfg(unix)]
        set_mode(&path, 0o600);
        assert!(matches!(
            Sealer::load_or_create(&path),
            Err(SealError::MalformedKeyFile { .. })
        ));
    }

    #[test]
    fn load_reports_unreadable_places() {
        let dir = tempfile::tempdir().unwrap();
        // A directory is not a key file.
        let e = Sealer::load_or_create(dir.path()).unwrap_err();
        assert!(matches!(e, SealError::ReadKeyFile { .. }), "{e:?}");
        // A missing directory is not created.
        let e = Sealer::load_or_create(&dir.path().join("missing/ankommen.key")).unwrap_err();
        assert!(matches!(e, SealError::CreateKeyFile { .. }), "{e:?}");
        assert!(!dir.path().join("missing").exists());
    }
}
