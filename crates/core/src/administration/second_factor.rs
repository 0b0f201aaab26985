//! The second factor of a login (issue 28, decision 0038): a time-based one-time password
//! (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of clock drift either way)
//! from an authenticator app, and ten one-time recovery codes for a lost phone.
//!
//! After a correct password, a person with a confirmed factor — or of an organisation that requires
//! one and without it yet — gets a *challenge* instead of a session: a random token (a cookie, stored
//! hashed) valid for [`CHALLENGE_MINUTES`] and [`CHALLENGE_ATTEMPTS`] answers. The answer is a
//! current code or an unused recovery code; setting the factor up at login ends with the first code.
//! Only then is the session opened and `login` recorded. Every answer is counted by the login
//! throttle under its own keys (per account and address, per address), so the six digits cannot
//! be guessed faster than a password. A code is good once: the step it belongs to is stored, and a
//! code of that step or an earlier one is refused.
//!
//! The secret is sealed like special-category data (bound to its row); recovery codes are stored
//! as hashes only and shown once. An administrator may reset a person's factor (a lost phone) but
//! never see it; the person then sets it up again at the next login (or in "Mein Konto").

use ankommen_store::Db;
use ankommen_store::entities::{
    login_challenge, organisation, recovery_code, second_factor, second_factor_required, staff,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::administration::auth;
use crate::administration::sessions::{self, NewSession, SessionPolicy};
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::sealed::{self, Sealing};
use crate::kernel::sealing::Sealer;
use crate::kernel::tokens::{hash_token, random_token};
use crate::{Clock, Ctx, Error, Result};

/// A challenge is answered within this many minutes …
pub const CHALLENGE_MINUTES: i64 = 10;
/// … and with at most this many answers; then the login starts again with the password.
pub const CHALLENGE_ATTEMPTS: i32 = 5;
/// How many recovery codes a person gets (each good once).
pub const RECOVERY_CODES: usize = 10;
/// The issuer shown in authenticator apps.
const ISSUER: &str = "ankommen";
const STEP_SECONDS: u64 = 30;
/// The throttle's name for proofs of the second factor.
const PROOF: &str = "second-factor";

/// What the second step of a login is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Enter a code of the confirmed factor (or a recovery code).
    Verify,
    /// Set the factor up (the organisation requires one) and enter its first code.
    Enrol,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Enrol => "enrol",
        }
    }
}

/// A factor being set up: what the person types or scans into their app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    /// The secret in base32 (to type in).
    pub secret: String,
    /// The `otpauth://` URI (the QR code's content).
    pub uri: String,
}

/// The TOTP of a base32 secret, labelled with the user name.
fn totp(secret: &str, username: &str) -> Result<TOTP> {
    let bytes = Secret::Encoded(secret.to_string())
        .to_bytes()
        .map_err(|e| Error::Internal(format!("a second factor's secret does not decode: {e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        bytes,
        Some(ISSUER.to_string()),
        username.to_string(),
    )
    .map_err(|e| Error::Internal(format!("a second factor's secret is unusable: {e}")))
}

fn seconds(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp()).unwrap_or(0)
}

/// The code a factor shows at `at` (for tests and for checking an app's clock).
pub fn code_at(secret: &str, at: DateTime<Utc>) -> Result<String> {
    Ok(totp(secret, "-")?.generate(seconds(at)))
}

/// The time step a typed code belongs to, if it is one of the current step or of the steps just
/// before and after it (clock drift), and later than `after`.
fn matching_step(t: &TOTP, code: &str, now: DateTime<Utc>, after: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let current = i64::try_from(seconds(now) / STEP_SECONDS).ok()?;
    (current - 1..=current + 1)
        .filter(|s| after.is_none_or(|a| *s > a))
        .find(|s| {
            let at = u64::try_from(*s).unwrap_or(0) * STEP_SECONDS;
            crate::kernel::tokens::same_secret(&t.generate(at), &code)
        })
}

fn new_secret() -> Result<String> {
    let mut buf = [0u8; 20];
    getrandom::fill(&mut buf).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(Secret::Raw(buf.to_vec()).to_encoded().to_string())
}

/// A recovery code as shown: ten lowercase letters and digits in two groups (`abcde-12345`).
fn new_recovery_code() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut buf = [0u8; 10];
    getrandom::fill(&mut buf).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    let chars: String = buf
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    Ok(format!("{}-{}", &chars[..5], &chars[5..]))
}

/// The stored form of a recovery code (spaces, dashes and case ignored when typed).
fn recovery_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hash_token(&format!("recovery\u{0}{norm}"))
}

/// Deletes the rows of `E` whose `column` names the person.
async fn delete_of<C: ConnectionTrait, E: EntityTrait>(
    conn: &C,
    column: E::Column,
    staff_id: i64,
) -> Result<()> {
    E::delete_many()
        .filter(column.eq(staff_id))
        .exec(conn)
        .await?;
    Ok(())
}

fn secret_place(id: i64) -> sealed::Place {
    sealed::STAFF_SECOND_FACTOR.at(id)
}

async fn factor_of<C: ConnectionTrait>(
    conn: &C,
    staff_id: i64,
) -> Result<Option<second_factor::Model>> {
    Ok(second_factor::Entity::find()
        .filter(second_factor::Column::StaffId.eq(staff_id))
        .one(conn)
        .await?)
}

fn open_secret(sealer: &Sealer, f: &second_factor::Model) -> Result<String> {
    let bytes = zeroize::Zeroizing::new(sealed::open_bytes(
        sealer,
        secret_place(f.id),
        &f.secret_sealed,
    )?);
    String::from_utf8(bytes.to_vec()).map_err(|_| Error::Conflict("error-sealed-unreadable"))
}

/// Replaces any factor of the person by a new unconfirmed one; returns its secret.
async fn start<C: ConnectionTrait>(
    conn: &C,
    sealer: &Sealer,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    delete_of::<_, second_factor::Entity>(conn, second_factor::Column::StaffId, staff_id).await?;
    let secret = new_secret()?;
    let id = second_factor::Entity::insert(second_factor::ActiveModel {
        id: NotSet,
        staff_id: Set(staff_id),
        secret_sealed: Set(Vec::new()),
        confirmed_at: Set(None),
        last_step: Set(None),
        created_at: Set(now),
    })
    .exec(conn)
    .await?
    .last_insert_id;
    let sealing = Sealing::begin(conn, sealer).await?;
    second_factor::Entity::update_many()
        .col_expr(
            second_factor::Column::SecretSealed,
            Expr::value(sealing.seal(secret_place(id), &secret)?),
        )
        .filter(second_factor::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(secret)
}

/// New recovery codes for the person (the old ones no longer work); the codes as shown once.
async fn new_recovery_codes<C: ConnectionTrait>(conn: &C, staff_id: i64) -> Result<Vec<String>> {
    delete_of::<_, recovery_code::Entity>(conn, recovery_code::Column::StaffId, staff_id).await?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code = new_recovery_code()?;
        recovery_code::Entity::insert(recovery_code::ActiveModel {
            id: NotSet,
            staff_id: Set(staff_id),
            code_hash: Set(recovery_hash(&code)),
            used_at: Set(None),
        })
        .exec_without_returning(conn)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// How a typed code was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Accepted {
    Code,
    Recovery,
}

/// Checks a typed code against the person's factor (a current code of a later step than the last
/// one used) and, where `recovery` allows, their unused recovery codes; marks what it used.
async fn accept<C: ConnectionTrait>(
    conn: &C,
    sealer: &Sealer,
    f: &second_factor::Model,
    username: &str,
    code: &str,
    now: DateTime<Utc>,
    recovery: bool,
) -> Result<Option<Accepted>> {
    let t = totp(&open_secret(sealer, f)?, username)?;
    if let Some(step) = matching_step(&t, code, now, f.last_step) {
        // Guarded by the step read: of two parallel answers with one code, one wins.
        let r = second_factor::Entity::update_many()
            .col_expr(second_factor::Column::LastStep, Expr::value(step))
            .filter(second_factor::Column::Id.eq(f.id))
            .filter(match f.last_step {
                Some(s) => second_factor::Column::LastStep.eq(s),
                None => second_factor::Column::LastStep.is_null(),
            })
            .exec(conn)
            .await?;
        return Ok((r.rows_affected == 1).then_some(Accepted::Code));
    }
    if !recovery {
        return Ok(None);
    }
    let r = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::StaffId.eq(f.staff_id))
        .filter(recovery_code::Column::CodeHash.eq(recovery_hash(code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok((r.rows_affected == 1).then_some(Accepted::Recovery))
}

// ---------------------------------------------------------------------------------------------
// At login

/// What a correct password leads to for `account`: None (a session at once), or the second step.
pub(crate) async fn second_step_for<C: ConnectionTrait>(
    conn: &C,
    account: &staff::Model,
) -> Result<Option<Purpose>> {
    let confirmed = factor_of(conn, account.id)
        .await?
        .is_some_and(|f| f.confirmed_at.is_some());
    if confirmed {
        return Ok(Some(Purpose::Verify));
    }
    Ok(required(conn, account.organisation_id)
        .await?
        .then_some(Purpose::Enrol))
}

/// Opens a challenge for `staff_id`; returns its token (the cookie's value).
pub(crate) async fn open_challenge<C: ConnectionTrait>(
    conn: &C,
    staff_id: i64,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<String> {
    // One pending second step per person.
    delete_of::<_, login_challenge::Entity>(conn, login_challenge::Column::StaffId, staff_id)
        .await?;
    let token = random_token()?;
    login_challenge::Entity::insert(login_challenge::ActiveModel {
        token_hash: Set(hash_token(&token)),
        staff_id: Set(staff_id),
        purpose: Set(purpose.as_str().into()),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(CHALLENGE_MINUTES)),
        attempts: Set(0),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// A pending second step as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Enter a code (or a recovery code).
    Verify,
    /// Set the factor up first: the secret to scan or type.
    Enrol(Enrolment),
}

/// The challenge of `token` if it is still open, with its person (active, in an active
/// organisation).
async fn open_of<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(login_challenge::Model, staff::Model)>> {
    let Some(c) = login_challenge::Entity::find_by_id(hash_token(token))
        .one(conn)
        .await?
        .filter(|c| c.expires_at > now && c.attempts < CHALLENGE_ATTEMPTS)
    else {
        return Ok(None);
    };
    let Some(s) = staff::Entity::find_by_id(c.staff_id)
        .one(conn)
        .await?
        .filter(|s| s.active)
    else {
        return Ok(None);
    };
    let org_active = organisation::Entity::find_by_id(s.organisation_id)
        .one(conn)
        .await?
        .is_some_and(|o| o.active);
    Ok(org_active.then_some((c, s)))
}

/// The pending second step of `token` (None: expired, used up or unknown — log in again). Setting
/// up at login starts a new secret when the person has none being set up.
pub async fn pending(
    db: &Db,
    clock: &dyn Clock,
    sealer: &Sealer,
    token: &str,
) -> Result<Option<Pending>> {
    let now = clock.now();
    let txn = db.begin().await?;
    let Some((c, s)) = open_of(&txn, token, now).await? else {
        return Ok(None);
    };
    let out = if c.purpose == Purpose::Enrol.as_str() {
        let secret = match factor_of(&txn, s.id).await? {
            Some(f) if f.confirmed_at.is_none() => open_secret(sealer, &f)?,
            // Set up meanwhile (in a session from before the requirement): never replaced by a
            // password alone; the login starts again and asks for a code.
            Some(_) => return Ok(None),
            None => start(&txn, sealer, s.id, now).await?,
        };
        Pending::Enrol(enrolment(&secret, &s.username)?)
    } else {
        Pending::Verify
    };
    txn.commit().await?;
    Ok(Some(out))
}

fn enrolment(secret: &str, username: &str) -> Result<Enrolment> {
    let t = totp(secret, username)?;
    Ok(Enrolment {
        secret: secret.to_string(),
        uri: t.get_url(),
    })
}

/// The answer to a challenge.
#[derive(Debug)]
pub enum Answered {
    /// Logged in; for a factor set up at login, its recovery codes (shown once).
    Success {
        session: NewSession,
        recovery_codes: Option<Vec<String>>,
    },
    /// The code was wrong; the challenge stays open (while attempts are left).
    Failed,
    /// The challenge is gone (expired, used up, unknown): log in again.
    Expired,
    /// Too many attempts from this address for this account.
    Throttled { until: DateTime<Utc> },
}

/// Who answers a challenge, from where.
#[derive(Clone, Debug)]
pub struct Answer {
    pub token: String,
    pub code: String,
    pub address: String,
    pub user_agent: String,
    pub request_id: Option<String>,
}

/// Answers the second step of a login: counted by the throttle, then checked; on success the
/// session opens (and a factor set up at login is confirmed, with new recovery codes).
pub async fn answer(
    db: &Db,
    clock: &dyn Clock,
    sealer: &Sealer,
    policy: &SessionPolicy,
    a: Answer,
) -> Result<Answered> {
    let now = clock.now();
    let rid = a.request_id.as_deref();
    let Some((c, s)) = open_of(db.reader(), &a.token, now).await? else {
        return Ok(Answered::Expired);
    };
    if let Some(until) = auth::count_proof(db, PROOF, &s.username, &a.address, now).await? {
        audit::record_as(
            db.writer(),
            now,
            &Who::default(),
            rid,
            Event::on("login_throttled", "staff", s.id).denied(),
        )
        .await?;
        return Ok(Answered::Throttled { until });
    }
    let who = Who {
        staff_id: Some(s.id),
        organisation_id: Some(s.organisation_id),
        roles: sessions::load_roles(db.reader(), s.id).await?.joined(),
    };
    let txn = db.begin().await?;
    // Counted before the check, guarded so that parallel answers cannot exceed the limit.
    let counted = login_challenge::Entity::update_many()
        .col_expr(
            login_challenge::Column::Attempts,
            Expr::col(login_challenge::Column::Attempts).add(1),
        )
        .filter(login_challenge::Column::TokenHash.eq(c.token_hash.clone()))
        .filter(login_challenge::Column::Attempts.lt(CHALLENGE_ATTEMPTS))
        .exec(&txn)
        .await?;
    if counted.rows_affected != 1 {
        txn.commit().await?;
        return Ok(Answered::Expired);
    }
    let enrol = c.purpose == Purpose::Enrol.as_str();
    let factor = factor_of(&txn, s.id)
        .await?
        .filter(|f| f.confirmed_at.is_some() != enrol);
    let accepted = match &factor {
        Some(f) => accept(&txn, sealer, f, &s.username, &a.code, now, !enrol).await?,
        None => None,
    };
    let Some(accepted) = accepted else {
        audit::record_as(
            &txn,
            now,
            &who,
            rid,
            Event::on("second_factor_failed", "staff", s.id).denied(),
        )
        .await?;
        txn.commit().await?;
        return Ok(Answered::Failed);
    };
    let recovery_codes = if enrol {
        second_factor::Entity::update_many()
            .col_expr(second_factor::Column::ConfirmedAt, Expr::value(now))
            .filter(second_factor::Column::StaffId.eq(s.id))
            .exec(&txn)
            .await?;
        audit::record_as(
            &txn,
            now,
            &who,
            rid,
            Event::on("second_factor_enrolled", "staff", s.id),
        )
        .await?;
        Some(new_recovery_codes(&txn, s.id).await?)
    } else {
        None
    };
    if accepted == Accepted::Recovery {
        audit::record_as(
            &txn,
            now,
            &who,
            rid,
            Event::on("recovery_code_used", "staff", s.id),
        )
        .await?;
    }
    auth::give_back_proof(&txn, PROOF, &s.username, &a.address).await?;
    delete_of::<_, login_challenge::Entity>(&txn, login_challenge::Column::StaffId, s.id).await?;
    let session = sessions::create(&txn, now, policy, s.id, &a.user_agent).await?;
    audit::record_as(&txn, now, &who, rid, Event::on("login", "staff", s.id)).await?;
    txn.commit().await?;
    Ok(Answered::Success {
        session,
        recovery_codes,
    })
}

/// Removes challenges past their time (run periodically with the throttle's pruning).
pub async fn prune_challenges(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    Ok(login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::ExpiresAt.lt(now))
        .exec(db.writer())
        .await?
        .rows_affected)
}

// ---------------------------------------------------------------------------------------------
// The person's own account

/// The second factor of the actor, as "Mein Konto" shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// Confirmed since.
    pub since: Option<DateTime<Utc>>,
    /// A factor being set up (the first code not yet entered), with its secret.
    pub setting_up: Option<Enrolment>,
    /// Unused recovery codes.
    pub recovery_left: u64,
    /// The organisation requires a second factor (it cannot be removed).
    pub required: bool,
}

pub async fn status(db: &Db, ctx: &Ctx, sealer: &Sealer) -> Result<Status> {
    let conn = db.reader();
    let f = factor_of(conn, ctx.actor.staff_id).await?;
    let me = own(conn, ctx).await?;
    let setting_up = match &f {
        Some(f) if f.confirmed_at.is_none() => {
            Some(enrolment(&open_secret(sealer, f)?, &me.username)?)
        }
        _ => None,
    };
    let recovery_left = recovery_code::Entity::find()
        .filter(recovery_code::Column::StaffId.eq(ctx.actor.staff_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(conn)
        .await?;
    Ok(Status {
        since: f.and_then(|f| f.confirmed_at),
        setting_up,
        recovery_left,
        required: required(conn, ctx.actor.organisation_id).await?,
    })
}

async fn own<C: ConnectionTrait>(conn: &C, ctx: &Ctx) -> Result<staff::Model> {
    staff::Entity::find_by_id(ctx.actor.staff_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// Whether the organisation requires a second factor of its staff.
pub async fn required<C: ConnectionTrait>(conn: &C, organisation_id: i64) -> Result<bool> {
    Ok(second_factor_required::Entity::find_by_id(organisation_id)
        .one(conn)
        .await?
        .is_some())
}

/// Starts setting up a factor from "Mein Konto" (a confirmed one must be removed first).
pub async fn begin(db: &Db, ctx: &Ctx, sealer: &Sealer) -> Result<()> {
    let txn = db.begin().await?;
    if factor_of(&txn, ctx.actor.staff_id)
        .await?
        .is_some_and(|f| f.confirmed_at.is_some())
    {
        return Err(Error::Conflict("error-second-factor-exists"));
    }
    start(&txn, sealer, ctx.actor.staff_id, ctx.now()).await?;
    txn.commit().await?;
    Ok(())
}

/// The form field of the code that removes a factor (its own, beside the renewal's `code`).
pub const REMOVE_FIELD: &str = "remove_code";

/// Counts a proof of the actor's factor by the throttle: `field` carries the refusal.
async fn counted_proof(
    db: &Db,
    ctx: &Ctx,
    (address, field): (&str, &'static str),
    event: &Event,
) -> Result<()> {
    let me = own(db.reader(), ctx).await?;
    if auth::count_proof(db, PROOF, &me.username, address, ctx.now())
        .await?
        .is_some()
    {
        return ctx
            .refuse(
                db.writer(),
                event.clone(),
                Error::field(field, "error-second-factor-attempts"),
            )
            .await;
    }
    Ok(())
}

/// Confirms the factor being set up with its first code; returns the recovery codes (shown once).
pub async fn confirm(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    address: &str,
    code: &str,
) -> Result<Vec<String>> {
    let ev = Event::on("second_factor_enrolled", "staff", ctx.actor.staff_id);
    counted_proof(db, ctx, (address, "code"), &ev).await?;
    let me = own(db.reader(), ctx).await?;
    let txn = db.begin().await?;
    let Some(f) = factor_of(&txn, me.id)
        .await?
        .filter(|f| f.confirmed_at.is_none())
    else {
        return Err(Error::Conflict("error-second-factor-not-started"));
    };
    if accept(&txn, sealer, &f, &me.username, code, ctx.now(), false)
        .await?
        .is_none()
    {
        drop(txn);
        return ctx
            .refuse(
                db.writer(),
                ev,
                Error::field("code", "error-second-factor-code"),
            )
            .await;
    }
    second_factor::Entity::update_many()
        .col_expr(second_factor::Column::ConfirmedAt, Expr::value(ctx.now()))
        .filter(second_factor::Column::Id.eq(f.id))
        .exec(&txn)
        .await?;
    let codes = new_recovery_codes(&txn, me.id).await?;
    auth::give_back_proof(&txn, PROOF, &me.username, address).await?;
    audit::record(&txn, ctx, ev).await?;
    txn.commit().await?;
    Ok(codes)
}

/// Checks a current code (or, for removing, a recovery code) of the actor's confirmed factor in
/// `txn`, refusing with a field error on `code`.
async fn prove<C: ConnectionTrait>(
    txn: &C,
    ctx: &Ctx,
    sealer: &Sealer,
    (address, code): (&str, &str),
    recovery: bool,
) -> Result<bool> {
    let me = own(txn, ctx).await?;
    let Some(f) = factor_of(txn, me.id)
        .await?
        .filter(|f| f.confirmed_at.is_some())
    else {
        return Err(Error::Conflict("error-second-factor-not-started"));
    };
    let accepted = accept(txn, sealer, &f, &me.username, code, ctx.now(), recovery)
        .await?
        .is_some();
    if accepted {
        auth::give_back_proof(txn, PROOF, &me.username, address).await?;
    }
    Ok(accepted)
}

/// New recovery codes for the actor (the old ones stop working), after a current code.
pub async fn renew_recovery_codes(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    address: &str,
    code: &str,
) -> Result<Vec<String>> {
    let ev = Event::on("recovery_codes_renewed", "staff", ctx.actor.staff_id);
    counted_proof(db, ctx, (address, "code"), &ev).await?;
    let txn = db.begin().await?;
    if !prove(&txn, ctx, sealer, (address, code), false).await? {
        drop(txn);
        return ctx
            .refuse(
                db.writer(),
                ev,
                Error::field("code", "error-second-factor-code"),
            )
            .await;
    }
    let codes = new_recovery_codes(&txn, ctx.actor.staff_id).await?;
    audit::record(&txn, ctx, ev).await?;
    txn.commit().await?;
    Ok(codes)
}

/// Removes the actor's factor after a current code or a recovery code; refused while the
/// organisation requires one.
pub async fn remove(db: &Db, ctx: &Ctx, sealer: &Sealer, address: &str, code: &str) -> Result<()> {
    let ev = Event::on("second_factor_removed", "staff", ctx.actor.staff_id);
    if required(db.reader(), ctx.actor.organisation_id).await? {
        return ctx
            .refuse(
                db.writer(),
                ev,
                Error::Conflict("error-second-factor-required"),
            )
            .await;
    }
    counted_proof(db, ctx, (address, REMOVE_FIELD), &ev).await?;
    let txn = db.begin().await?;
    if !prove(&txn, ctx, sealer, (address, code), true).await? {
        drop(txn);
        return ctx
            .refuse(
                db.writer(),
                ev,
                Error::field(REMOVE_FIELD, "error-second-factor-code"),
            )
            .await;
    }
    forget(&txn, ctx.actor.staff_id).await?;
    audit::record(&txn, ctx, ev).await?;
    txn.commit().await?;
    Ok(())
}

async fn forget<C: ConnectionTrait>(conn: &C, staff_id: i64) -> Result<()> {
    delete_of::<_, second_factor::Entity>(conn, second_factor::Column::StaffId, staff_id).await?;
    delete_of::<_, recovery_code::Entity>(conn, recovery_code::Column::StaffId, staff_id).await?;
    delete_of::<_, login_challenge::Entity>(conn, login_challenge::Column::StaffId, staff_id)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Administration

/// Whether a staff member has a confirmed second factor (for the administrator's page).
pub async fn has_factor(db: &Db, staff_id: i64) -> Result<bool> {
    Ok(factor_of(db.reader(), staff_id)
        .await?
        .is_some_and(|f| f.confirmed_at.is_some()))
}

/// Resets a person's second factor (a lost phone): the factor, its recovery codes and the
/// person's sessions end; they set it up again at their next login. An administrator of the
/// person's organisation (or the county's); never one's own (that needs a code: [`remove`]).
pub async fn reset(db: &Db, ctx: &Ctx, staff_id: i64) -> Result<()> {
    let ev = Event::on("second_factor_reset", "staff", staff_id);
    let Some(s) = staff::Entity::find_by_id(staff_id).one(db.reader()).await? else {
        return ctx.refuse(db.writer(), ev, Error::NotFound).await;
    };
    ctx.authorize(
        db.writer(),
        Action::ManageStaff,
        &Resource::Staff {
            organisation_id: s.organisation_id,
            team_id: s.team_id,
            staff_id: s.id,
        },
        ev.clone(),
        Error::NotFound,
    )
    .await?;
    if s.id == ctx.actor.staff_id {
        return ctx
            .refuse(
                db.writer(),
                ev,
                Error::Conflict("error-second-factor-own-reset"),
            )
            .await;
    }
    let txn = db.begin().await?;
    forget(&txn, s.id).await?;
    sessions::delete_all_of(&txn, s.id).await?;
    audit::record(&txn, ctx, ev).await?;
    txn.commit().await?;
    Ok(())
}

/// Requires (or no longer requires) a second factor of an organisation's staff: the county's
/// administrator, or the organisation's own.
pub async fn set_required(db: &Db, ctx: &Ctx, organisation_id: i64, on: bool) -> Result<()> {
    let ev = Event::on(
        "second_factor_requirement_changed",
        "organisation",
        organisation_id,
    );
    ctx.authorize(
        db.writer(),
        Action::ManageStaff,
        &Resource::Organisation {
            id: organisation_id,
        },
        ev.clone(),
        Error::NotFound,
    )
    .await?;
    let txn = db.begin().await?;
    if organisation::Entity::find_by_id(organisation_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(Error::NotFound);
    }
    second_factor_required::Entity::delete_by_id(organisation_id)
        .exec(&txn)
        .await?;
    if on {
        second_factor_required::Entity::insert(second_factor_required::ActiveModel {
            organisation_id: Set(organisation_id),
            since: Set(ctx.now()),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(&txn, ctx, ev).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_rfc_6238_and_each_step_once() {
        // RFC 6238, appendix B: the SHA-1 seed "12345678901234567890" at 59 s gives 94287082 (8
        // digits); the 6-digit code is its last six digits.
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        let at = DateTime::from_timestamp(59, 0).unwrap();
        assert_eq!(code_at(&secret, at).unwrap(), "287082");
        let at = DateTime::from_timestamp(1_111_111_109, 0).unwrap();
        assert_eq!(code_at(&secret, at).unwrap(), "081804");

        let t = totp(&secret, "x").unwrap();
        let now = DateTime::from_timestamp(1_111_111_109, 0).unwrap();
        let step = 1_111_111_109 / 30;
        assert_eq!(matching_step(&t, "081804", now, None), Some(step));
        assert_eq!(matching_step(&t, "081 804", now, None), Some(step));
        // Used once: not again, nor any earlier code.
        assert_eq!(matching_step(&t, "081804", now, Some(step)), None);
        // The previous step's code is still good (clock drift), two steps back no longer.
        let before = code_at(&secret, now - Duration::seconds(30)).unwrap();
        assert_eq!(matching_step(&t, &before, now, None), Some(step - 1));
        let long_before = code_at(&secret, now - Duration::seconds(60)).unwrap();
        assert_eq!(matching_step(&t, &long_before, now, None), None);
        assert_eq!(matching_step(&t, "12345", now, None), None);
        assert_eq!(matching_step(&t, "abcdef", now, None), None);
    }

    #[test]
    fn recovery_codes_are_typed_loosely_and_differ() {
        let a = new_recovery_code().unwrap();
        let b = new_recovery_code().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 11);
        assert_eq!(
            recovery_hash(&a),
            recovery_hash(&format!(" {} ", a.to_uppercase().replace('-', " ")))
        );
        assert_ne!(recovery_hash(&a), recovery_hash(&b));
    }
}
