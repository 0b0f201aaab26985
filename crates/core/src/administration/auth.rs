//! Logging in: Argon2id passwords, throttling of guessing, and the same answer (in about the same
//! time) for an unknown user as for a wrong password.
//!
//! Throttling counts failures per (account, address) and per address. Both keys involve the address
//! the attempt came from, so an attacker elsewhere can slow down only themselves: there is no way to
//! lock an office (or one of its people) out. Keys are stored hashed.

use std::sync::OnceLock;

use ankommen_store::Db;
use ankommen_store::entities::{login_throttle, staff};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
};

use crate::administration::sessions::{self, NewSession, SessionPolicy};
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::tokens::hash_token;
use crate::{Clock, Error, Result};

/// Failures allowed per (account, address) within the window before that pair is blocked.
pub const PAIR_LIMIT: i32 = 5;
/// Failures allowed per address (any accounts) within the window before the address is blocked.
pub const ADDRESS_LIMIT: i32 = 50;
pub const WINDOW_MINUTES: i64 = 15;
pub const BLOCK_MINUTES: i64 = 15;

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

pub async fn hash_password(password: &str) -> Result<String> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || hash_password_blocking(&pw))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
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

pub async fn verify_password(hash: Option<String>, password: &str) -> bool {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&h, &pw),
        None => {
            let _ = verify_blocking(dummy_hash(), &pw);
            false
        }
    })
    .await
    .unwrap_or(false)
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
    /// Too many failures from this address (for this account); try again after the time given.
    Throttled {
        until: DateTime<Utc>,
    },
}

fn keys(username: &str, address: &str) -> [(String, i32); 2] {
    [
        (
            hash_token(&format!("pair\u{0}{username}\u{0}{address}")),
            PAIR_LIMIT,
        ),
        (hash_token(&format!("addr\u{0}{address}")), ADDRESS_LIMIT),
    ]
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

    if let Some(until) = blocked_until(db, &keys, now).await? {
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

    let account = staff::Entity::find()
        .filter(staff::Column::Username.eq(username.as_str()))
        .one(db.reader())
        .await?;
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let password_ok = verify_password(hash, &attempt.password).await;
    let account = account.filter(|a| a.active && password_ok);

    let txn = db.begin().await?;
    let Some(account) = account else {
        record_failure(&txn, &keys, now).await?;
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

    login_throttle::Entity::delete_by_id(keys[0].0.clone())
        .exec(&txn)
        .await?;
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

async fn blocked_until(
    db: &Db,
    keys: &[(String, i32)],
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let ids: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let rows = login_throttle::Entity::find()
        .filter(login_throttle::Column::Key.is_in(ids))
        .all(db.reader())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.blocked_until)
        .filter(|u| *u > now)
        .max())
}

async fn record_failure<C: ConnectionTrait>(
    conn: &C,
    keys: &[(String, i32)],
    now: DateTime<Utc>,
) -> Result<()> {
    for (key, limit) in keys {
        let row = login_throttle::Entity::find_by_id(key.clone())
            .one(conn)
            .await?;
        let (failures, window_start) = match &row {
            Some(r) if r.window_start + Duration::minutes(WINDOW_MINUTES) > now => {
                (r.failures + 1, r.window_start)
            }
            _ => (1, now),
        };
        let blocked = (failures >= *limit).then(|| now + Duration::minutes(BLOCK_MINUTES));
        let am = login_throttle::ActiveModel {
            key: Set(key.clone()),
            failures: Set(failures),
            window_start: Set(window_start),
            blocked_until: Set(blocked),
        };
        if row.is_some() {
            login_throttle::Entity::update(am).exec(conn).await?;
        } else {
            login_throttle::Entity::insert(am)
                .exec_without_returning(conn)
                .await?;
        }
    }
    Ok(())
}

/// Removes throttle rows whose window and block have passed (run periodically).
pub async fn prune_throttle(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let cutoff = now - Duration::minutes(Ord::max(WINDOW_MINUTES, BLOCK_MINUTES));
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
