//! The audit log's hash chain (issue 25, decision 0019).
//!
//! Every audit event is sealed into one chain: link `seq` holds the event's id, the previous link's
//! hash and `SHA-256(previous hash ‖ the event's content)`. Events are written by many
//! transactions at once (on PostgreSQL by several instances), so they are not chained while they
//! are written — that would serialise every audited transaction on one row. A sealer appends the
//! events committed since its last run instead: every few seconds in each server ([`seal`] with
//! [`Reach::Recent`]), over the whole log every hour and before every verification
//! ([`Reach::All`]). Sealers take turns (an advisory lock on PostgreSQL, the one writer on
//! SQLite), and `seq` is the primary key, so the chain cannot fork.
//!
//! [`verify`] walks the chain from its anchor and names the first broken link: an event whose
//! content changed, an event deleted, links deleted, a link changed, the chain cut short before the
//! last verified head, or the chain rewritten behind it. Deleting old events at the end of their
//! retention ([`cut`]) removes their links too and records the last removed link as the anchor the
//! rest starts from.

use ankommen_store::entities::{audit_anchor, audit_event, audit_link, audit_verification};
use ankommen_store::{Backend, Db};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use sha2::{Digest, Sha256};

use super::{Event, Who, record, record_as};
use crate::kernel::policy::{Action, Resource};
use crate::{Ctx, Error, Result};

/// The previous hash of the very first link.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many events one sealing transaction appends.
const BATCH: u64 = 2_000;

/// How far below the newest sealed event a recent sealing looks for events committed late (on
/// PostgreSQL an event's id is taken when it is written, its transaction may commit after later
/// ids). Events of a transaction that stays open longer are sealed by the hourly full sealing.
const RECENT_WINDOW: i64 = 50_000;

/// The advisory lock that lets one sealer at a time append to the chain on PostgreSQL.
const SEALER_LOCK: i64 = 0x616e_6b5f_6175_6474; // "ank_audt"

/// Which events a sealing looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The events near the chain's end (cheap; every few seconds).
    Recent,
    /// Every event not yet in the chain (a scan of the log; hourly and before verifying).
    All,
}

/// The hash of a link: over the previous link's hash and the event's content.
pub fn link_hash(prev: &str, event: &audit_event::Model) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(content(event));
    hex::encode(h.finalize())
}

/// An event's content as hashed: every column, each as a presence byte and, when present, its
/// length and bytes (so no two different events share a content).
fn content(e: &audit_event::Model) -> Vec<u8> {
    let mut out = Vec::with_capacity(160);
    let mut put = |v: Option<&str>| match v {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            out.extend_from_slice(&(s.len() as u64).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    };
    put(Some(&e.id.to_string()));
    put(Some(&e.at.to_rfc3339_opts(SecondsFormat::Nanos, true)));
    put(e.actor_staff_id.map(|v| v.to_string()).as_deref());
    put(e.actor_organisation_id.map(|v| v.to_string()).as_deref());
    put(Some(&e.actor_roles));
    put(Some(&e.action));
    put(e.object_kind.as_deref());
    put(e.object_id.as_deref());
    put(e.section.as_deref());
    put(Some(&e.outcome));
    put(e.request_id.as_deref());
    put(e.person_id.map(|v| v.to_string()).as_deref());
    put(e.case_id.map(|v| v.to_string()).as_deref());
    out
}

/// The chain's end: the last link's position and hash, or the anchor's, or the start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    /// The newest event id in the chain (0 when none).
    pub event_id: i64,
}

async fn anchor<C: ConnectionTrait>(conn: &C) -> Result<Option<audit_anchor::Model>> {
    Ok(audit_anchor::Entity::find()
        .order_by_desc(audit_anchor::Column::Seq)
        .one(conn)
        .await?)
}

async fn head<C: ConnectionTrait>(conn: &C) -> Result<Head> {
    let last = audit_link::Entity::find()
        .order_by_desc(audit_link::Column::Seq)
        .one(conn)
        .await?;
    let newest: Option<Option<i64>> = audit_link::Entity::find()
        .select_only()
        .column_as(audit_link::Column::EventId.max(), "newest")
        .into_tuple()
        .one(conn)
        .await?;
    let event_id = newest.flatten().unwrap_or(0);
    Ok(match (last, anchor(conn).await?) {
        (Some(l), _) => Head {
            seq: l.seq,
            hash: l.hash,
            event_id,
        },
        (None, Some(a)) => Head {
            seq: a.seq,
            hash: a.hash,
            event_id,
        },
        (None, None) => Head {
            seq: 0,
            hash: GENESIS.into(),
            event_id,
        },
    })
}

/// The chain's sealed end as it is stored: the last link's position and hash (None while the
/// chain is empty). A plain read that checks nothing (for `ankommen backup` and `restore`, which
/// print the head of the copy so that it can be noted outside the database).
pub async fn stored_head(db: &Db) -> Result<Option<(i64, String)>> {
    let h = head(db.reader()).await?;
    Ok((h.seq > 0).then_some((h.seq, h.hash)))
}

/// Appends the events not yet in the chain, oldest id first. Returns how many it sealed.
pub async fn seal(db: &Db, now: DateTime<Utc>, reach: Reach) -> Result<u64> {
    let mut sealed = 0;
    loop {
        let n = seal_batch(db, now, reach).await?;
        sealed += n;
        if n < BATCH {
            return Ok(sealed);
        }
    }
}

async fn seal_batch(db: &Db, now: DateTime<Utc>, reach: Reach) -> Result<u64> {
    let tx = db.begin().await?;
    if db.backend() == Backend::Postgres {
        tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SEALER_LOCK})"))
            .await?;
    }
    let mut head = head(&tx).await?;
    let above = match reach {
        Reach::Recent => head.event_id.saturating_sub(RECENT_WINDOW),
        Reach::All => 0,
    };
    let backend = tx.get_database_backend();
    let events = audit_event::Model::find_by_statement(Statement::from_sql_and_values(
        backend,
        "SELECT e.* FROM audit_events e \
         WHERE e.id > $1 AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id) \
         ORDER BY e.id LIMIT $2",
        [above.into(), (BATCH as i64).into()],
    ))
    .all(&tx)
    .await?;
    let n = events.len() as u64;
    if n > 0 {
        let links: Vec<audit_link::ActiveModel> = events
            .iter()
            .map(|e| {
                let hash = link_hash(&head.hash, e);
                head.seq += 1;
                audit_link::ActiveModel {
                    seq: Set(head.seq),
                    event_id: Set(e.id),
                    prev_hash: Set(std::mem::replace(&mut head.hash, hash.clone())),
                    hash: Set(hash),
                    sealed_at: Set(now),
                }
            })
            .collect();
        // In slices: one statement binds at most 32,766 values on SQLite.
        for slice in links.chunks(1_000) {
            audit_link::Entity::insert_many(slice.to_vec())
                .exec_without_returning(&tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(n)
}

/// The first broken link's fault. Codes only; never content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The event's content no longer gives the link's hash (the event or the link was changed).
    ContentChanged,
    /// The link names an event that is no longer in the log.
    EventDeleted,
    /// Links are missing before this position.
    LinksDeleted,
    /// The link does not continue the previous one (a link was changed or replaced).
    LinkChanged,
    /// The chain ends before the head an earlier verification saw: its end was cut off.
    Truncated,
    /// The link an earlier verification saw as the head has another hash now: the chain was
    /// rewritten from some point before it.
    Rewritten,
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Self::ContentChanged => "content_changed",
            Self::EventDeleted => "event_deleted",
            Self::LinksDeleted => "links_deleted",
            Self::LinkChanged => "link_changed",
            Self::Truncated => "truncated",
            Self::Rewritten => "rewritten",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::ContentChanged,
            Self::EventDeleted,
            Self::LinksDeleted,
            Self::LinkChanged,
            Self::Truncated,
            Self::Rewritten,
        ]
        .into_iter()
        .find(|p| p.code() == code)
    }
    /// The fault in English (the command line).
    pub fn describe(self) -> &'static str {
        match self {
            Self::ContentChanged => "the event's content or its link was changed",
            Self::EventDeleted => "the event was deleted from the log",
            Self::LinksDeleted => "links before this position were deleted",
            Self::LinkChanged => "the link does not continue the previous one",
            Self::Truncated => "the chain ends before the head an earlier verification saw",
            Self::Rewritten => {
                "the head an earlier verification saw has another hash now: the chain was rewritten"
            }
        }
    }
}

/// Where the chain first breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    pub seq: i64,
    pub event_id: Option<i64>,
    pub problem: Problem,
}

/// Who ran a verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunBy {
    CommandLine,
    Server,
}

impl RunBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::CommandLine => "command line",
            Self::Server => "server",
        }
    }
}

/// A verification's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub links_checked: u64,
    /// Events sealed by the verification before it checked.
    pub sealed_now: u64,
    /// The last intact link (its position and hash).
    pub head: Option<(i64, String)>,
    pub broken: Option<Break>,
}

/// How many links one step of the walk reads.
const WALK: u64 = 5_000;

/// Seals what is not yet sealed, then checks the whole chain from its anchor and names the first
/// broken link. The outcome is kept (for the data-protection officer's page) and audited.
pub async fn verify(db: &Db, now: DateTime<Utc>, run_by: RunBy) -> Result<Verification> {
    let sealed_now = seal(db, now, Reach::All).await?;
    let conn = db.reader();
    let (mut seq, mut running) = match anchor(conn).await? {
        Some(a) => (a.seq, a.hash),
        None => (0, GENESIS.to_string()),
    };
    let mut checked = 0_u64;
    let mut broken = None;
    'walk: loop {
        let links = audit_link::Entity::find()
            .filter(audit_link::Column::Seq.gt(seq))
            .order_by_asc(audit_link::Column::Seq)
            .limit(WALK)
            .all(conn)
            .await?;
        if links.is_empty() {
            break;
        }
        let ids: Vec<i64> = links.iter().map(|l| l.event_id).collect();
        let events: std::collections::HashMap<i64, audit_event::Model> =
            audit_event::Entity::find()
                .filter(audit_event::Column::Id.is_in(ids))
                .all(conn)
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect();
        for l in &links {
            let fault = if l.seq != seq + 1 {
                Some(Problem::LinksDeleted)
            } else if l.prev_hash != running {
                Some(Problem::LinkChanged)
            } else {
                match events.get(&l.event_id) {
                    None => Some(Problem::EventDeleted),
                    Some(e) if link_hash(&l.prev_hash, e) != l.hash => {
                        Some(Problem::ContentChanged)
                    }
                    Some(_) => None,
                }
            };
            if let Some(problem) = fault {
                broken = Some(Break {
                    seq: l.seq,
                    event_id: Some(l.event_id),
                    problem,
                });
                break 'walk;
            }
            seq = l.seq;
            running = l.hash.clone();
            checked += 1;
        }
    }
    // The end itself: links removed from the end with their events leave a shorter chain that is
    // intact in itself, and new links may since have taken their positions. The head an earlier
    // verification saw must still be there, with its hash.
    if broken.is_none()
        && let Some(before) = last_intact(conn).await?
        && let (Some(before_seq), Some(before_hash)) = (before.head_seq, before.head_hash)
        && before_seq > anchor(conn).await?.map_or(0, |a| a.seq)
    {
        let now_there = audit_link::Entity::find_by_id(before_seq).one(conn).await?;
        let problem = match now_there {
            None => Some(Problem::Truncated),
            Some(l) if l.hash != before_hash => Some(Problem::Rewritten),
            Some(_) => None,
        };
        broken = problem.map(|problem| Break {
            seq: before_seq,
            event_id: None,
            problem,
        });
    }
    let head = (seq > 0 || checked > 0).then(|| (seq, running.clone()));
    let v = Verification {
        links_checked: checked,
        sealed_now,
        head,
        broken,
    };
    keep(db, now, run_by, &v).await?;
    Ok(v)
}

/// The newest verification that found the chain intact.
async fn last_intact<C: ConnectionTrait>(conn: &C) -> Result<Option<audit_verification::Model>> {
    Ok(audit_verification::Entity::find()
        .filter(audit_verification::Column::Intact.eq(true))
        .order_by_desc(audit_verification::Column::Id)
        .one(conn)
        .await?)
}

/// Keeps a verification's outcome and records it in the audit log (which the next sealing
/// chains like every other event).
async fn keep(db: &Db, now: DateTime<Utc>, run_by: RunBy, v: &Verification) -> Result<()> {
    let tx = db.begin().await?;
    let row = audit_verification::ActiveModel {
        id: NotSet,
        at: Set(now),
        run_by: Set(run_by.as_str().into()),
        intact: Set(v.broken.is_none()),
        links_checked: Set(v.links_checked as i64),
        sealed_now: Set(v.sealed_now as i64),
        head_seq: Set(v.head.as_ref().map(|h| h.0)),
        head_hash: Set(v.head.as_ref().map(|h| h.1.clone())),
        broken_seq: Set(v.broken.as_ref().map(|b| b.seq)),
        broken_event_id: Set(v.broken.as_ref().and_then(|b| b.event_id)),
        problem: Set(v.broken.as_ref().map(|b| b.problem.code().into())),
    };
    let id = audit_verification::Entity::insert(row)
        .exec(&tx)
        .await?
        .last_insert_id;
    let who = Who {
        staff_id: None,
        organisation_id: None,
        roles: match run_by {
            RunBy::CommandLine => "operator".into(),
            RunBy::Server => "server".into(),
        },
    };
    let mut ev = Event::on("audit_chain_verified", "audit_verification", id);
    if v.broken.is_some() {
        ev = ev.denied();
    }
    record_as(&tx, now, &who, None, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The newest verification, for the data-protection officer's page (and the administrators who
/// may read the whole deployment's audit log). The look is recorded.
pub async fn last_verification(db: &Db, ctx: &Ctx) -> Result<Option<audit_verification::Model>> {
    let own = Resource::AuditLog {
        organisation_id: Some(ctx.actor.organisation_id),
    };
    ctx.authorize(
        db.writer(),
        Action::ViewAuditLog,
        &own,
        Event::new("audit_chain_viewed"),
        Error::Forbidden,
    )
    .await?;
    let last = audit_verification::Entity::find()
        .order_by_desc(audit_verification::Column::Id)
        .one(db.reader())
        .await?;
    record(db.writer(), ctx, Event::new("audit_chain_viewed")).await?;
    Ok(last)
}

/// Removes the events older than `before` at the end of their retention, with their links, and
/// records the last removed link as the chain's anchor, so what remains verifies from there.
/// Everything is sealed first; the cut is one transaction, recorded in the audit log with the
/// number of events removed. Returns that number.
pub async fn cut(db: &Db, now: DateTime<Utc>, before: DateTime<Utc>) -> Result<u64> {
    seal(db, now, Reach::All).await?;
    let tx = db.begin().await?;
    if db.backend() == Backend::Postgres {
        tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SEALER_LOCK})"))
            .await?;
    }
    // The cut follows the chain: the links in order up to the last one whose event is older than
    // `before` (an event sealed late, among newer ones, stays with them).
    let last: Option<audit_link::Model> =
        audit_link::Model::find_by_statement(Statement::from_sql_and_values(
            tx.get_database_backend(),
            "SELECT c.* FROM audit_chain c WHERE c.seq < COALESCE(( \
               SELECT MIN(c2.seq) FROM audit_chain c2 JOIN audit_events e2 ON e2.id = c2.event_id \
               WHERE e2.at >= $1), (SELECT MAX(seq) + 1 FROM audit_chain)) \
             ORDER BY c.seq DESC LIMIT 1",
            [before.into()],
        ))
        .one(&tx)
        .await?;
    let Some(last) = last else {
        tx.rollback().await?;
        return Ok(0);
    };
    let from = anchor(&tx).await?.map(|a| a.seq).unwrap_or(0);
    let removed = (last.seq - from) as u64;
    lift_protection(&tx, db.backend(), true).await?;
    tx.execute_raw(Statement::from_sql_and_values(
        tx.get_database_backend(),
        "DELETE FROM audit_events WHERE id IN (SELECT event_id FROM audit_chain WHERE seq <= $1)",
        [last.seq.into()],
    ))
    .await?;
    audit_link::Entity::delete_many()
        .filter(audit_link::Column::Seq.lte(last.seq))
        .exec(&tx)
        .await?;
    lift_protection(&tx, db.backend(), false).await?;
    audit_anchor::Entity::insert(audit_anchor::ActiveModel {
        seq: Set(last.seq),
        hash: Set(last.hash.clone()),
        at: Set(now),
        events_removed: Set(removed as i64),
    })
    .exec_without_returning(&tx)
    .await?;
    let who = Who {
        staff_id: None,
        organisation_id: None,
        roles: "retention".into(),
    };
    record_as(
        &tx,
        now,
        &who,
        None,
        Event::on("audit_log_cut", "audit_anchor", last.seq),
    )
    .await?;
    tx.commit().await?;
    Ok(removed)
}

/// Lifts (or restores) the append-only protection of the audit tables inside the cut's own
/// transaction: nothing else ever sees it lifted, and it is back when the transaction ends.
async fn lift_protection<C: ConnectionTrait>(tx: &C, backend: Backend, lift: bool) -> Result<()> {
    let statements: Vec<String> = match (backend, lift) {
        (Backend::Sqlite, true) => ["audit_events", "audit_chain"]
            .iter()
            .map(|t| format!("DROP TRIGGER {t}_no_delete"))
            .collect(),
        (Backend::Sqlite, false) => ["audit_events", "audit_chain"]
            .iter()
            .map(|t| {
                format!(
                    "CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} \
                     BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END"
                )
            })
            .collect(),
        (Backend::Postgres, true) => ["audit_events", "audit_chain"]
            .iter()
            .flat_map(|t| {
                [
                    format!("GRANT DELETE ON {t} TO CURRENT_USER"),
                    format!("ALTER TABLE {t} DISABLE TRIGGER {t}_no_change"),
                ]
            })
            .collect(),
        (Backend::Postgres, false) => ["audit_events", "audit_chain"]
            .iter()
            .flat_map(|t| {
                [
                    format!("ALTER TABLE {t} ENABLE TRIGGER {t}_no_change"),
                    format!("REVOKE DELETE ON {t} FROM CURRENT_USER"),
                ]
            })
            .collect(),
    };
    for s in statements {
        tx.execute_unprepared(&s).await?;
    }
    Ok(())
}
