//! Importing the exchange format (`shared/exchange-format.md`, version 1): a whole county's
//! caseload in one JSON Lines file, checked line by line, then written in one transaction — or,
//! as a dry run, checked and written and rolled back, so the report is the same. The mapping from
//! the file's ids to ours (`exchange_ids`) makes a re-import recognise every object: unchanged
//! ones are left alone, changed ones updated. See `docs/decisions/0014-importing-the-exchange-format.md`.

pub mod export;
mod parse;
mod reason;
mod write;

use std::collections::HashMap;

use ankommen_store::Db;
use ankommen_store::entities::exchange_id;
use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, QuerySelect};
use serde::Serialize;

pub use self::parse::MAX_LINE_BYTES;
pub use self::reason::{Arg, Reason};
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::sealing::Sealer;
use crate::{Ctx, Error, Result};

/// The kinds of objects of the format, in the order they are written (an object only refers to
/// kinds before its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Municipality,
    Organisation,
    Team,
    Staff,
    Household,
    Person,
    Consent,
    Release,
    Case,
    Goal,
    Step,
    Review,
    Contact,
    Outcome,
    Referral,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::Municipality,
        Kind::Organisation,
        Kind::Team,
        Kind::Staff,
        Kind::Household,
        Kind::Person,
        Kind::Consent,
        Kind::Release,
        Kind::Case,
        Kind::Goal,
        Kind::Step,
        Kind::Review,
        Kind::Contact,
        Kind::Outcome,
        Kind::Referral,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Municipality => "municipality",
            Kind::Organisation => "organisation",
            Kind::Team => "team",
            Kind::Staff => "staff",
            Kind::Household => "household",
            Kind::Person => "person",
            Kind::Consent => "consent",
            Kind::Release => "release",
            Kind::Case => "case",
            Kind::Goal => "goal",
            Kind::Step => "step",
            Kind::Review => "review",
            Kind::Contact => "contact",
            Kind::Outcome => "outcome",
            Kind::Referral => "referral",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One problem of a file: where, which object, and why — never a value of the object. As JSON:
/// `line`, `kind`, `id`, and the reason's `code`, `args` and English `reason`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: usize,
    pub kind: Option<String>,
    pub id: Option<String>,
    #[serde(flatten)]
    pub reason: Reason,
}

/// What happened to the objects of one kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub kind: String,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub problems: usize,
}

/// A new staff member's one-time link to choose a password (as when an administrator creates one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetupLink {
    /// The staff member's id in the file.
    pub external_id: String,
    pub token: String,
}

/// The report of an import or a dry run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    pub dry_run: bool,
    /// Whether the import was written (never for a dry run or a file with problems).
    pub written: bool,
    /// The objects of the file (without the header).
    pub objects: usize,
    pub kinds: Vec<Counts>,
    /// Problems that keep the file from being imported.
    pub problems: Vec<Problem>,
    /// What the file holds that the model keeps only as extra data.
    pub warnings: Vec<Problem>,
    pub setup_links: Vec<SetupLink>,
}

impl Report {
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Created, updated and unchanged objects over all kinds.
    pub fn totals(&self) -> (usize, usize, usize) {
        self.kinds.iter().fold((0, 0, 0), |(c, u, n), k| {
            (c + k.created, u + k.updated, n + k.unchanged)
        })
    }

    fn finish(&mut self) {
        let mut per: HashMap<String, usize> = HashMap::new();
        for p in &self.problems {
            if let Some(k) = &p.kind {
                *per.entry(k.clone()).or_default() += 1;
            }
        }
        for c in &mut self.kinds {
            c.problems = per.get(&c.kind).copied().unwrap_or_default();
        }
        self.problems.sort_by_key(|p| p.line);
        self.warnings.sort_by_key(|p| p.line);
    }
}

/// Objects done of all (reported after each batch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Who imports, for the audit log and the rows' `created_by`.
struct Importer {
    who: Who,
    staff_id: i64,
    request_id: Option<String>,
    now: DateTime<Utc>,
}

/// Whether the actor may import (the upload page asks before it shows anything); a refusal is
/// audited like a refused import.
pub async fn authorize(db: &Db, ctx: &Ctx) -> Result<()> {
    ctx.authorize(
        db.writer(),
        Action::ImportExchange,
        &Resource::Deployment,
        Event::new("exchange_imported"),
        Error::Forbidden,
    )
    .await
}

/// The SHA-256 of a file (hex): the upload page's proof that the confirmed file is the checked one.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// An administrator's import (the upload page): the county administrator only, since a file
/// holds a whole county.
pub async fn import(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    bytes: &[u8],
    dry_run: bool,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Report> {
    authorize(db, ctx).await?;
    let importer = Importer {
        who: Who {
            staff_id: Some(ctx.actor.staff_id),
            organisation_id: Some(ctx.actor.organisation_id),
            roles: ctx.actor.roles.joined(),
        },
        staff_id: ctx.actor.staff_id,
        request_id: ctx.request_id.clone(),
        now: ctx.now(),
    };
    run(db, &importer, sealer, bytes, dry_run, progress).await
}

/// The operator's import (`ankommen import`), audited as the operator's.
pub async fn import_as_operator(
    db: &Db,
    now: DateTime<Utc>,
    sealer: &Sealer,
    bytes: &[u8],
    dry_run: bool,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Report> {
    let importer = Importer {
        who: Who {
            staff_id: None,
            organisation_id: None,
            roles: "operator".into(),
        },
        // Rows written by the operator name no staff member as their author.
        staff_id: 0,
        request_id: None,
        now,
    };
    run(db, &importer, sealer, bytes, dry_run, progress).await
}

/// The ids in the imported file of our rows of one kind (row id → file id), for the
/// administration's lists (staff, organisations: never client data).
pub async fn external_ids(db: &Db, kind: Kind) -> Result<HashMap<i64, String>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let rows: Vec<(String, String)> = exchange_id::Entity::find()
        .select_only()
        .column(exchange_id::Column::LocalId)
        .column(exchange_id::Column::ExternalId)
        .filter(exchange_id::Column::Kind.eq(kind.as_str()))
        .into_tuple()
        .all(db.reader())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(l, e)| l.parse::<i64>().ok().map(|l| (l, e)))
        .collect())
}

/// The mapping of earlier imports: (kind, file id) → (our id, digest).
pub(crate) type Mapping = HashMap<(Kind, String), (String, String)>;

async fn mapping<C: sea_orm::ConnectionTrait>(conn: &C) -> Result<Mapping> {
    let rows: Vec<(String, String, String, String)> = exchange_id::Entity::find()
        .select_only()
        .column(exchange_id::Column::Kind)
        .column(exchange_id::Column::ExternalId)
        .column(exchange_id::Column::LocalId)
        .column(exchange_id::Column::Digest)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, e, l, d)| Kind::parse(&k).map(|k| ((k, e), (l, d))))
        .collect())
}

async fn run(
    db: &Db,
    importer: &Importer,
    sealer: &Sealer,
    bytes: &[u8],
    dry_run: bool,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Report> {
    let tx = db.begin().await?;
    let map = mapping(&tx).await?;
    let mut known: parse::Known = HashMap::new();
    for (k, e) in map.keys() {
        known.entry(*k).or_default().insert(e.clone());
    }
    let parsed = parse::read(bytes, &known);
    let mut report = Report {
        dry_run,
        objects: parsed.objects,
        kinds: Kind::ALL
            .iter()
            .map(|k| Counts {
                kind: k.as_str().into(),
                ..Counts::default()
            })
            .collect(),
        problems: parsed.problems,
        warnings: parsed.warnings,
        ..Report::default()
    };
    if report.has_problems() {
        tx.rollback().await?;
        report.finish();
        return Ok(report);
    }
    let total = parsed.records.len();
    progress(Progress { done: 0, total });
    let w = write::Writer::new(&tx, sealer, importer.staff_id, importer.now, map).await?;
    let done = w
        .write(&parsed.records, &|done| progress(Progress { done, total }))
        .await?;
    report.problems.extend(done.problems);
    for c in &mut report.kinds {
        if let Some(n) = Kind::parse(&c.kind).and_then(|k| done.counts.get(&k)) {
            c.created = n.0;
            c.updated = n.1;
            c.unchanged = n.2;
        }
    }
    report.finish();
    if report.has_problems() || dry_run {
        tx.rollback().await?;
        return Ok(report);
    }
    report.setup_links = done.setup_links;
    let (c, u, n) = report.totals();
    let ev = Event::on(
        "exchange_imported",
        "exchange_file",
        format!("created {c}, updated {u}, unchanged {n}"),
    );
    audit::record_as(
        &tx,
        importer.now,
        &importer.who,
        importer.request_id.as_deref(),
        ev,
    )
    .await?;
    tx.commit().await?;
    report.written = true;
    Ok(report)
}
