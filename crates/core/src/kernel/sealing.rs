//! Encryption at rest of special-category fields (such as health needs): the key, sealing and opening.
//!
//! A sealed value is `version (1 byte) ‖ nonce (24 random bytes) ‖ ciphertext ‖ tag (16 bytes)`,
//! XChaCha20-Poly1305 under a data key derived with HKDF-SHA256 from the 32-byte master key. The
//! associated data binds each value to its table, column and row, so a value copied into another
//! row or column does not open. The master key lives in a key file (or the environment), never in
//! the database; see `docs/decisions/0004-encryption-at-rest.md`.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::Aead;
use chacha20poly1305::aead::Payload;
use chacha20poly1305::{Key, KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2_011::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// The format version written as the first byte of every sealed value.
pub const VERSION: u8 = 1;
/// Length of the random nonce.
pub const NONCE_LEN: usize = 24;
/// Length of the Poly1305 tag.
pub const TAG_LEN: usize = 16;
/// Length of the master key in bytes (written as twice as many hex digits).
pub const KEY_LEN: usize = 32;

/// HKDF salt: separates our derivations from any other use of the same key material.
const HKDF_SALT: &[u8] = b"ankommen sealing";
/// HKDF info of the data key that seals field values (version 1 format).
const INFO_DATA_KEY: &[u8] = b"ankommen v1 field data key xchacha20poly1305";
/// HKDF info of the key id, a public fingerprint that lets operators compare keys.
const INFO_KEY_ID: &[u8] = b"ankommen v1 key id";
/// Prefix of the associated data, so a value sealed for another purpose never opens here.
const AAD_DOMAIN: &[u8] = b"ankommen sealed field";
/// A key file is a few dozen bytes; never read more (someone may point the setting at a device).
const KEY_FILE_READ_LIMIT: u64 = 1024;

/// Where a sealed value belongs: the ciphertext opens only with the same table, column and row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aad<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: i64,
}

impl<'a> Aad<'a> {
    pub const fn new(table: &'a str, column: &'a str, row: i64) -> Self {
        Self { table, column, row }
    }

    /// An unambiguous encoding: the domain, the format version, length-prefixed names, the row.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            AAD_DOMAIN.len() + 1 + 16 + self.table.len() + self.column.len() + 8,
        );
        out.extend_from_slice(AAD_DOMAIN);
        out.push(VERSION);
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
    /// Wrong key, altered bytes, or a value that belongs to another table, column or row.
    #[error(
        "the encrypted value cannot be opened (wrong encryption key, altered data, or a value that belongs to another record)"
    )]
    Open,
    #[error("the encrypted value is too short ({len} bytes) to be a sealed value")]
    Truncated { len: usize },
    #[error("the encrypted value has an unknown format version {version}")]
    UnknownVersion { version: u8 },
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
    #[error(
        "the encryption key file {path} is accessible to group or others (mode {mode:04o}); make it private with: chmod 600 {path}"
    )]
    KeyFileNotPrivate { path: PathBuf, mode: u32 },
    #[error(
        "the encryption key file {path} is malformed: it must hold exactly 64 hexadecimal characters and a newline; {problem}"
    )]
    MalformedKeyFile { path: PathBuf, problem: String },
}

/// Seals and opens field values with the data key derived from one master key.
#[derive(Clone)]
pub struct Sealer {
    /// Holds the derived data key; zeroed on drop.
    cipher: XChaCha20Poly1305,
    /// A public fingerprint of the master key (HKDF output, not the key).
    key_id: [u8; 4],
    /// False only if key derivation failed (it cannot for our lengths); then nothing seals or opens.
    derived: bool,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

impl Sealer {
    /// Derives the data key from a 32-byte master key.
    pub fn from_key(master: [u8; KEY_LEN]) -> Self {
        let mut master = Zeroizing::new(master);
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), master.as_slice());
        master.zeroize();
        let mut data_key = Zeroizing::new([0u8; KEY_LEN]);
        let mut key_id = [0u8; 4];
        // HKDF-SHA256 yields up to 255 × 32 bytes, so neither expansion can fail. Should one ever
        // do so, the sealer refuses to work rather than seal under a key of zeros.
        let derived = hk.expand(INFO_DATA_KEY, data_key.as_mut_slice()).is_ok()
            && hk.expand(INFO_KEY_ID, &mut key_id).is_ok();
        let mut key = Key::from(*data_key);
        let cipher = XChaCha20Poly1305::new(&key);
        key.as_mut_slice().zeroize();
        Self {
            cipher,
            key_id,
            derived,
        }
    }

    /// Parses a master key written as 64 hexadecimal digits (upper or lower case), nothing else.
    pub fn from_hex(s: &str) -> Result<Self, SealError> {
        Ok(Self::from_key(parse_hex_key(s)?))
    }

    /// A new random master key, e.g. for a throwaway database.
    pub fn generate() -> Result<Self, SealError> {
        Ok(Self::from_key(*random_key()?))
    }

    /// Loads the master key from `path`, or creates the file with a new random key (mode 0600,
    /// never overwriting an existing file) when it does not exist. Refuses a file that group or
    /// others may access and a file that does not hold exactly 64 hex digits and a newline.
    pub fn load_or_create(path: &Path) -> Result<Self, SealError> {
        Self::load_or_create_reporting(path).map(|(sealer, _)| sealer)
    }

    /// [`Sealer::load_or_create`], also telling whether the file was created just now.
    pub fn load_or_create_reporting(path: &Path) -> Result<(Self, KeyFile), SealError> {
        match std::fs::File::open(path) {
            Ok(file) => Ok((load_key_file(path, file)?, KeyFile::Loaded)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match create_key_file(path) {
                Ok(sealer) => Ok((sealer, KeyFile::Created)),
                // Another instance created it in the meantime: use theirs.
                Err(CreateError::Exists) => {
                    let file = std::fs::File::open(path).map_err(|e| read_error(path, &e))?;
                    Ok((load_key_file(path, file)?, KeyFile::Loaded))
                }
                Err(CreateError::Failed(e)) => Err(e),
            },
            Err(e) => Err(read_error(path, &e)),
        }
    }

    /// A short public fingerprint of the master key (8 hex digits), derived one-way from it, so
    /// operators can check that several instances use the same key without revealing it.
    pub fn key_id(&self) -> String {
        hex::encode(self.key_id)
    }

    /// Encrypts `plaintext` for the place `aad` names: `VERSION ‖ nonce ‖ ciphertext ‖ tag`.
    ///
    /// Fails only if the system's random number generator fails or the value is larger than
    /// XChaCha20-Poly1305 allows (256 GiB).
    pub fn seal(&self, aad: &Aad<'_>, plaintext: &str) -> Result<Vec<u8>, SealError> {
        if !self.derived {
            return Err(SealError::KeyDerivation);
        }
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| SealError::Random(e.to_string()))?;
        let encoded = aad.encode();
        let ciphertext = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: &encoded,
                },
            )
            .map_err(|_| SealError::TooLong)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Decrypts a value sealed by [`Sealer::seal`] for the same place with the same key.
    pub fn open(&self, aad: &Aad<'_>, blob: &[u8]) -> Result<String, SealError> {
        if !self.derived {
            return Err(SealError::KeyDerivation);
        }
        let Some((&version, rest)) = blob.split_first() else {
            return Err(SealError::Truncated { len: 0 });
        };
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::Truncated { len: blob.len() });
        }
        if version != VERSION {
            return Err(SealError::UnknownVersion { version });
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let mut nonce_bytes = [0u8; NONCE_LEN];
        nonce_bytes.copy_from_slice(nonce);
        let encoded = aad.encode();
        let plaintext = self
            .cipher
            .decrypt(
                &XNonce::from(nonce_bytes),
                Payload {
                    msg: ciphertext,
                    aad: &encoded,
                },
            )
            .map_err(|_| SealError::Open)?;
        String::from_utf8(plaintext).map_err(|e| {
            let mut bytes = e.into_bytes();
            bytes.zeroize();
            SealError::NotText
        })
    }
}

/// Whether [`Sealer::load_or_create_reporting`] found the key file or created it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFile {
    Loaded,
    Created,
}

fn random_key() -> Result<Zeroizing<[u8; KEY_LEN]>, SealError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    getrandom::fill(key.as_mut_slice()).map_err(|e| SealError::Random(e.to_string()))?;
    Ok(key)
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

fn load_key_file(path: &Path, file: std::fs::File) -> Result<Sealer, SealError> {
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
    let body = text
        .strip_suffix(b"\n")
        .map(|b| b.strip_suffix(b"\r").unwrap_or(b))
        .unwrap_or(&text);
    let body = std::str::from_utf8(body).map_err(|_| malformed("it is not text"))?;
    parse_hex_key(body)
        .map(Sealer::from_key)
        .map_err(|e| match e {
            SealError::BadKey { problem } => malformed(&problem),
            other => other,
        })
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

/// Writes a new random key to `path` (mode 0600, `create_new`) and makes it durable before any
/// value is sealed with it: a key lost in a crash would make those values unreadable.
fn create_key_file(path: &Path) -> Result<Sealer, CreateError> {
    let failed = |e: std::io::Error| {
        CreateError::Failed(SealError::CreateKeyFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    };
    let key = random_key().map_err(CreateError::Failed)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(CreateError::Exists);
        }
        Err(e) => return Err(failed(e)),
    };
    let mut text = Zeroizing::new(hex::encode(key.as_slice()));
    text.push('\n');
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
    Ok(Sealer::from_key(*key))
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
        assert_eq!(blob.len(), 1 + NONCE_LEN + NOTE.len() + TAG_LEN);
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
        assert_ne!(a[1..1 + NONCE_LEN], b[1..1 + NONCE_LEN]);
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
    fn tampering_is_detected() {
        let s = Sealer::from_key(KEY_A);
        let blob = s.seal(&aad(7), NOTE).unwrap();
        for i in 1..blob.len() {
            let mut t = blob.clone();
            t[i] ^= 0x01;
            assert!(
                matches!(s.open(&aad(7), &t), Err(SealError::Open)),
                "byte {i}"
            );
        }
        let mut t = blob.clone();
        t[0] = 2;
        assert!(matches!(
            s.open(&aad(7), &t),
            Err(SealError::UnknownVersion { version: 2 })
        ));
        // Truncated anywhere.
        for len in 0..blob.len() {
            assert!(s.open(&aad(7), &blob[..len]).is_err(), "length {len}");
        }
        assert!(matches!(
            s.open(&aad(7), &blob[..1 + NONCE_LEN + TAG_LEN - 1]),
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
        assert!(matches!(e, SealError::Open));
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
