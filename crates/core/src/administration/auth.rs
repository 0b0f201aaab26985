//! Logging in: Argon2id passwords, throttling of guessing, and the same answer (in about the same
//! time) for an unknown user as for a wrong password.
//!
//! Throttling counts attempts per (account, address) and per address, and refuses an attempt over
//! the limit before its password is checked. Both keys involve the address the attempt came from
//! (an IPv6 address counts by its /64 network, which one host can fill), so an attacker elsewhere
//! can block only themselves: there is no way to lock an office (or one of its people) out. Each
//! attempt is counted *before* the password is verified, in one atomic statement per key, so a
//! burst of parallel guesses gets no more verifications than the limit. Guesses at one account
//! from anywhere are counted too and slow every later attempt at it by a growing delay (never a
//! refusal). A successful login gives back its attempt. Keys are stored hashed.
//!
//! Password hashing is expensive by design (19 MiB, two passes). At most as many hashes run at once
//! as the machine has cores; a login that would have to queue behind more than 32 others per core
//! is answered at once with [`LoginOutcome::Busy`] instead of waiting without end.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Semaphore, SemaphorePermit};

use ankommen_store::Db;
use ankommen_store::entities::{login_throttle, organisation, staff};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, Statement};

use crate::administration::second_factor;
use crate::administration::sessions::{self, NewSession, SessionPolicy};
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::tokens::hash_token;
use crate::{Clock, Error, Result};

/// Attempts allowed per (account, address) within the window; further ones are refused unchecked.
pub const PAIR_LIMIT: i32 = 5;
/// Attempts allowed per address (any accounts) within the window.
pub const ADDRESS_LIMIT: i32 = 50;
pub const WINDOW_MINUTES: i64 = 15;
/// Failed attempts at one account (from any address) within the window before each further
/// attempt at it is delayed.
pub const ACCOUNT_FREE_ATTEMPTS: i32 = 3;
/// The longest delay of an attempt at a guessed-at account.
pub const ACCOUNT_MAX_DELAY_MS: u64 = 8_000;
/// Logins allowed to wait for a hashing slot, per core; more are answered [`LoginOutcome::Busy`].
/// A waiting login holds no hash memory, only its place in the queue: enough for an office's
/// morning (and a burst of guesses, which the throttle then refuses unchecked), few enough that a
/// flood is turned away at once instead of queueing for minutes.
const WAITING_PER_CORE: usize = 32;

/// The machine's cores: how many password hashes may run at once.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// The hashing slots (one per core) and the logins admitted to wait for one.
fn slots() -> &'static (Semaphore, Semaphore) {
    static SLOTS: OnceLock<(Semaphore, Semaphore)> = OnceLock::new();
    SLOTS.get_or_init(|| {
        (
            Semaphore::new(cores()),
            Semaphore::new(cores() * (1 + WAITING_PER_CORE)),
        )
    })
}

/// The most password hashes that ever ran at once in this process (for tests and diagnostics).
static HASHING_PEAK: AtomicUsize = AtomicUsize::new(0);
static HASHING_NOW: AtomicUsize = AtomicUsize::new(0);

pub fn hashing_peak() -> usize {
    HASHING_PEAK.load(Ordering::SeqCst)
}

/// Runs a password hash on a blocking thread once one of the [`cores`] slots is free.
async fn hash_slot<T: Send + 'static>(
    _slot: SemaphorePermit<'static>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let now = HASHING_NOW.fetch_add(1, Ordering::SeqCst) + 1;
    HASHING_PEAK.fetch_max(now, Ordering::SeqCst);
    let out = tokio::task::spawn_blocking(work).await;
    HASHING_NOW.fetch_sub(1, Ordering::SeqCst);
    out.map_err(|e| Error::Internal(e.to_string()))
}

/// A hashing slot, waited for.
async fn slot() -> Result<SemaphorePermit<'static>> {
    slots()
        .0
        .acquire()
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

fn argon2() -> Result<Argon2<'static>> {
    // OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password (CPU-heavy: call from a blocking thread or use [`hash_password`]).
pub fn hash_password_blocking(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Internal(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| Error::Internal(e.to_string()))?
        .to_string())
}

/// Hashes a password, waiting for a hashing slot.
pub async fn hash_password(password: &str) -> Result<String> {
    let pw = password.to_string();
    hash_slot(slot().await?, move || hash_password_blocking(&pw)).await?
}

fn verify_blocking(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash of a random password, verified against when the account does not exist so that the answer
/// takes as long as for a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let pw = crate::kernel::tokens::random_token()
            .unwrap_or_else(|_| "dummy-password-for-timing".into());
        hash_password_blocking(&pw).unwrap_or_default()
    })
}

/// Verifies a password (against a dummy hash when there is no account), waiting for a hashing
/// slot.
pub async fn verify_password(hash: Option<String>, password: &str) -> Result<bool> {
    verify_in(slot().await?, hash, password).await
}

async fn verify_in(
    slot: SemaphorePermit<'static>,
    hash: Option<String>,
    password: &str,
) -> Result<bool> {
    let pw = password.to_string();
    hash_slot(slot, move || match hash {
        Some(h) => verify_blocking(&h, &pw),
        None => {
            let _ = verify_blocking(dummy_hash(), &pw);
            false
        }
    })
    .await
}

#[derive(Clone, Debug)]
pub struct LoginAttempt {
    pub username: String,
    pub password: String,
    /// The client's address as the server sees it (after trusted proxies).
    pub address: String,
    pub user_agent: String,
    pub request_id: Option<String>,
}

#[derive(Debug)]
pub enum LoginOutcome {
    Success(NewSession),
    /// Wrong user name or password; deliberately not saying which.
    Failed,
    /// Too many attempts from this address (for this account); try again after the time given.
    Throttled {
        until: DateTime<Utc>,
    },
    /// Too many logins at once for the machine's hashing slots: try again in a few seconds.
    Busy,
    /// The password was right; the second factor is asked next (or set up first, when the
    /// organisation requires one): the challenge's token (decision 0038).
    SecondStep {
        token: String,
        purpose: second_factor::Purpose,
    },
}

/// The network an address is counted by: an IPv6 address by its /64 (one host may use all of
/// it), anything else as it is.
pub fn counted_address(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(|| address.to_string(), |v4| v4.to_string()),
        _ => address.to_string(),
    }
}

/// The throttle keys of an attempt: (key, limit); the account's key has no limit (it delays).
fn keys(username: &str, address: &str) -> Keys {
    let net = counted_address(address);
    Keys {
        pair: hash_token(&format!("pair\u{0}{username}\u{0}{net}")),
        address: hash_token(&format!("addr\u{0}{net}")),
        account: hash_token(&format!("acct\u{0}{username}")),
    }
}

struct Keys {
    pair: String,
    address: String,
    account: String,
}

/// How long an attempt at an account waits when `failures` attempts at it failed within the window:
/// nothing for the first few, then doubling from a quarter of a second up to
/// [`ACCOUNT_MAX_DELAY_MS`]. The person themselves is slowed, never refused.
pub fn account_delay(failures: i32) -> std::time::Duration {
    let over = failures - ACCOUNT_FREE_ATTEMPTS;
    if over <= 0 {
        return std::time::Duration::ZERO;
    }
    let doublings = u32::try_from(Ord::min(over, 16) - 1).unwrap_or(0);
    std::time::Duration::from_millis(Ord::min(250u64 << doublings, ACCOUNT_MAX_DELAY_MS))
}

/// Checks a login attempt and, on success, opens a new session (a fresh id: the session id rotates
/// at login; a session presented with the login request is ended).
pub async fn login(
    db: &Db,
    clock: &dyn Clock,
    policy: &SessionPolicy,
    attempt: LoginAttempt,
    previous_session_token: Option<&str>,
) -> Result<LoginOutcome> {
    let now = clock.now();
    let username = attempt.username.trim().to_lowercase();
    let keys = keys(&username, &attempt.address);
    let rid = attempt.request_id.as_deref();

    // Admitted to wait for a hashing slot, or answered at once.
    let Ok(_admitted) = slots().1.try_acquire() else {
        return Ok(LoginOutcome::Busy);
    };
    // The attempt is counted before anything is verified.
    let counted = count_attempt(db, &keys, now).await?;
    if let Some(until) = counted.refused_until {
        audit::record_as(
            db.writer(),
            now,
            &Who::default(),
            rid,
            Event::new("login_throttled").denied(),
        )
        .await?;
        return Ok(LoginOutcome::Throttled { until });
    }
    clock
        .pause(account_delay(counted.account_failures - 1))
        .await;

    let account = staff::Entity::find()
        .filter(staff::Column::Username.eq(username.as_str()))
        .one(db.reader())
        .await?;
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let password_ok = verify_in(slot().await?, hash, &attempt.password).await?;
    // Staff of a deactivated organisation cannot log in (checked after the hash, so that the
    // answer takes as long as any other).
    let org_active = match &account {
        Some(a) => organisation::Entity::find_by_id(a.organisation_id)
            .one(db.reader())
            .await?
            .is_some_and(|o| o.active),
        None => false,
    };
    let account = account.filter(|a| a.active && org_active && password_ok);

    let txn = db.begin().await?;
    let Some(account) = account else {
        // The account a failed attempt named is recorded only when it exists; typed user names are not
        // stored (people sometimes type their password into the user name field).
        let known = staff::Entity::find()
            .filter(staff::Column::Username.eq(username.as_str()))
            .one(&txn)
            .await?;
        let who = Who {
            staff_id: known.as_ref().map(|s| s.id),
            organisation_id: known.as_ref().map(|s| s.organisation_id),
            roles: String::new(),
        };
        let ev = match &known {
            Some(s) => Event::on("login_failed", "staff", s.id),
            None => Event::new("login_failed"),
        };
        audit::record_as(&txn, now, &who, rid, ev.denied()).await?;
        txn.commit().await?;
        return Ok(LoginOutcome::Failed);
    };

    // A successful login gives back its attempt: the pair and the account start afresh, and the
    // address (an office behind one gateway) is charged only for failures.
    give_back(&txn, &keys).await?;
    if let Some(purpose) = second_factor::second_step_for(&txn, &account).await? {
        // No session yet: the second step opens it (and records the login).
        let token = second_factor::open_challenge(&txn, account.id, purpose, now).await?;
        txn.commit().await?;
        return Ok(LoginOutcome::SecondStep { token, purpose });
    }
    if let Some(prev) = previous_session_token {
        sessions::delete_by_token(&txn, prev).await?;
    }
    let new = sessions::create(&txn, now, policy, account.id, &attempt.user_agent).await?;
    let who = Who {
        staff_id: Some(account.id),
        organisation_id: Some(account.organisation_id),
        roles: crate::administration::sessions::load_roles(&txn, account.id)
            .await?
            .joined(),
    };
    audit::record_as(
        &txn,
        now,
        &who,
        rid,
        Event::on("login", "staff", account.id),
    )
    .await?;
    txn.commit().await?;
    Ok(LoginOutcome::Success(new))
}

/// What counting an attempt found.
struct Counted {
    /// Over a limit: refused, unchecked, until then.
    refused_until: Option<DateTime<Utc>>,
    /// Attempts at the account within the window, this one included.
    account_failures: i32,
}

/// Counts one attempt on each of `keys`, atomically (one upsert per key, in one transaction): the
/// count a parallel attempt sees already includes this one.
async fn count_attempt(db: &Db, keys: &Keys, now: DateTime<Utc>) -> Result<Counted> {
    let txn = db.begin().await?;
    let pair = bump(&txn, &keys.pair, now).await?;
    let address = bump(&txn, &keys.address, now).await?;
    let account = bump(&txn, &keys.account, now).await?;
    txn.commit().await?;
    Ok(Counted {
        refused_until: Ord::max(until(pair, PAIR_LIMIT), until(address, ADDRESS_LIMIT)),
        account_failures: account.0,
    })
}

/// Over `limit` within its window: refused until the window's end.
fn until((n, start): (i32, DateTime<Utc>), limit: i32) -> Option<DateTime<Utc>> {
    (n > limit).then(|| start + Duration::minutes(WINDOW_MINUTES))
}

/// Counts one use of an action limited per person (such as the data-protection officer's look-up)
/// under `key`, like a login attempt: over `limit` within the window, refused until the time
/// returned.
pub(crate) async fn count_use(
    db: &Db,
    key: &str,
    now: DateTime<Utc>,
    limit: i32,
) -> Result<Option<DateTime<Utc>>> {
    let txn = db.begin().await?;
    let counted = bump(&txn, &hash_token(key), now).await?;
    txn.commit().await?;
    Ok(until(counted, limit))
}

/// Adds one attempt to `key`'s count (a new window if the last one has passed) and returns the
/// count and its window's start. The same statement on both databases.
async fn bump<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(i32, DateTime<Utc>)> {
    let expired = now - Duration::minutes(WINDOW_MINUTES);
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            "INSERT INTO login_throttle (key, failures, window_start, blocked_until) \
             VALUES ($1, 1, $2, NULL) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN login_throttle.window_start <= $3 THEN 1 \
                        ELSE login_throttle.failures + 1 END, \
             window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 \
                            ELSE login_throttle.window_start END \
             RETURNING failures, window_start",
            [key.into(), now.into(), expired.into()],
        ))
        .await?
        .ok_or_else(|| Error::Internal("the throttle returned no row".into()))?;
    Ok((
        row.try_get("", "failures")?,
        row.try_get("", "window_start")?,
    ))
}

/// A successful login's attempt is given back: the pair and account counts are cleared, the
/// address count goes down by one.
async fn give_back<C: ConnectionTrait>(conn: &C, keys: &Keys) -> Result<()> {
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::Key.is_in([keys.pair.clone(), keys.account.clone()]))
        .exec(conn)
        .await?;
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            sea_orm::sea_query::Expr::col(login_throttle::Column::Failures).sub(1),
        )
        .filter(login_throttle::Column::Key.eq(keys.address.clone()))
        .filter(login_throttle::Column::Failures.gt(0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Counts an attempt to prove who one is (`what`: changing one's password, a second factor's
/// code), like a login attempt of the account from that address: over [`PAIR_LIMIT`], refused
/// until the time returned.
pub(crate) async fn count_proof(
    db: &Db,
    what: &str,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let keys = keys(&format!("{what}\u{0}{username}"), address);
    Ok(count_attempt(db, &keys, now).await?.refused_until)
}

/// A proof counted by [`count_proof`] that succeeded gives back its attempt, like a login.
pub(crate) async fn give_back_proof<C: ConnectionTrait>(
    conn: &C,
    what: &str,
    username: &str,
    address: &str,
) -> Result<()> {
    give_back(conn, &keys(&format!("{what}\u{0}{username}"), address)).await
}

/// Removes throttle rows whose window has passed (run periodically).
pub async fn prune_throttle(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let cutoff = now - Duration::minutes(WINDOW_MINUTES);
    let r = login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStart.lt(cutoff))
        .filter(
            login_throttle::Column::BlockedUntil
                .is_null()
                .or(login_throttle::Column::BlockedUntil.lt(now)),
        )
        .exec(db.writer())
        .await?;
    Ok(r.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accounts_delay_grows_and_is_capped() {
        let ms = |n| account_delay(n).as_millis();
        assert_eq!([ms(0), ms(1), ms(3)], [0, 0, 0]);
        assert_eq!([ms(4), ms(5), ms(6), ms(7)], [250, 500, 1000, 2000]);
        assert_eq!(ms(9), 8000);
        assert_eq!(ms(1000), 8000);
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_network() {
        assert_eq!(counted_address("2001:db8:1:2::5"), "2001:db8:1:2::/64");
        assert_eq!(
            counted_address("2001:db8:1:2:ffff:1:2:3"),
            "2001:db8:1:2::/64"
        );
        assert_ne!(
            counted_address("2001:db8:1:3::5"),
            counted_address("2001:db8:1:2::5")
        );
        assert_eq!(counted_address("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(counted_address("192.0.2.7"), "192.0.2.7");
        assert_eq!(counted_address("unknown"), "unknown");
    }

    /// With every waiting place taken, a login is turned away at once, before anything is
    /// counted or hashed.
    #[tokio::test]
    async fn a_login_beyond_the_waiting_places_is_busy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = ankommen_store::connect(&ankommen_store::DbConfig {
            url: ankommen_store::connect::sqlite_url_for(dir.path(), "b.sqlite"),
            max_connections: 1,
        })
        .await
        .expect("open");
        let waiting = slots().1.available_permits();
        let held = slots()
            .1
            .try_acquire_many(u32::try_from(waiting).expect("permits"))
            .expect("all waiting places");
        let clock = crate::ManualClock::new(Utc::now());
        let out = login(
            &db,
            &clock,
            &SessionPolicy::default(),
            LoginAttempt {
                username: "someone".into(),
                password: "guess".into(),
                address: "192.0.2.1".into(),
                user_agent: String::new(),
                request_id: None,
            },
            None,
        )
        .await
        .expect("an answer, not an error (nothing was migrated: nothing was touched)");
        drop(held);
        assert!(matches!(out, LoginOutcome::Busy), "{out:?}");
    }
}
