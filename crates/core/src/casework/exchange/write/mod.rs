//! Writing a checked exchange file inside the import's transaction: kind by kind, new objects in
//! multi-row inserts with ids reserved up front (their sealed texts are bound to those ids),
//! changed objects updated row by row (a new version, sealed texts sealed again for it), unchanged
//! objects (same digest as last time) not touched at all.

mod casework;
mod clients;
mod county;

use std::collections::{BTreeMap, HashMap};

use ankommen_store::Tx;
use ankommen_store::entities::{exchange_id, field_of_action};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::parse::{Obj, Rec};
use super::{Kind, Mapping, Problem, Reason, SetupLink};
use crate::kernel::sealed::Sealing;
use crate::kernel::sealing::Sealer;
use crate::{Error, Result};

/// Bound values per multi-row insert (below SQLite's limit of 32,766).
const MAX_BOUND_VALUES: usize = 30_000;

/// Contacts are written (and progress reported) in slices of this many.
const CONTACTS_PER_SLICE: usize = 3_000;

/// What the writer did.
#[derive(Debug, Default)]
pub(super) struct Done {
    /// Per kind: (created, updated, unchanged).
    pub counts: BTreeMap<Kind, (usize, usize, usize)>,
    pub problems: Vec<Problem>,
    pub setup_links: Vec<SetupLink>,
}

enum State {
    New,
    Changed(String),
    Same(String),
}

pub(super) struct Writer<'a> {
    tx: &'a Tx,
    sealing: Sealing<'a>,
    by: i64,
    now: DateTime<Utc>,
    map: Mapping,
    /// Our row id of every object known so far, per kind (municipalities: not here, AGS is the id).
    ids: HashMap<(Kind, String), i64>,
    /// The field-of-action key for each exchange field.
    fields: HashMap<String, String>,
    /// The case of each goal written (a step's case is its goal's).
    goal_case: HashMap<i64, i64>,
    new_mappings: Vec<exchange_id::ActiveModel>,
    done: Done,
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

fn extra_of(rec: &Rec) -> Option<String> {
    (!rec.unknown.is_empty())
        .then(|| serde_json::to_string(&rec.unknown).ok())
        .flatten()
}

impl<'a> Writer<'a> {
    pub(super) async fn new(
        tx: &'a Tx,
        sealer: &'a Sealer,
        by: i64,
        now: DateTime<Utc>,
        map: Mapping,
    ) -> Result<Self> {
        let sealing = Sealing::begin(tx, sealer).await?;
        let mut ids = HashMap::new();
        for ((k, e), (local, _)) in &map {
            if let Ok(id) = local.parse::<i64>() {
                ids.insert((*k, e.clone()), id);
            }
        }
        let mut fields = HashMap::new();
        let rows: Vec<(String, String)> = field_of_action::Entity::find()
            .select_only()
            .column(field_of_action::Column::Key)
            .column(field_of_action::Column::ExchangeField)
            .order_by_desc(field_of_action::Column::Active)
            .order_by_asc(field_of_action::Column::Position)
            .into_tuple()
            .all(tx)
            .await?;
        for (key, exchange) in rows {
            fields.entry(exchange).or_insert(key);
        }
        Ok(Self {
            tx,
            sealing,
            by,
            now,
            map,
            ids,
            fields,
            goal_case: HashMap::new(),
            new_mappings: Vec::new(),
            done: Done::default(),
        })
    }

    fn state(&self, rec: &Rec) -> State {
        match self.map.get(&(rec.kind, rec.id.clone())) {
            None => State::New,
            Some((local, digest)) if *digest == rec.digest => State::Same(local.clone()),
            Some((local, _)) => State::Changed(local.clone()),
        }
    }

    fn count(&mut self, kind: Kind, created: usize, updated: usize, unchanged: usize) {
        let c = self.done.counts.entry(kind).or_default();
        c.0 += created;
        c.1 += updated;
        c.2 += unchanged;
    }

    fn problem(&mut self, rec: &Rec, reason: Reason) {
        self.done.problems.push(Problem {
            line: rec.line,
            kind: Some(rec.kind.as_str().into()),
            id: Some(rec.id.clone()),
            reason,
        });
    }

    /// Our id of an object the file refers to (checked to exist when the file was read).
    fn id(&self, kind: Kind, ext: &str) -> Result<i64> {
        self.ids
            .get(&(kind, ext.to_string()))
            .copied()
            .ok_or_else(|| Error::Internal(format!("import: no id for a {}", kind.as_str())))
    }

    fn opt_id(&self, kind: Kind, ext: Option<&String>) -> Result<Option<i64>> {
        ext.map(|e| self.id(kind, e)).transpose()
    }

    /// Remembers the mapping of a new object, or the new digest of a changed one.
    async fn mapped(&mut self, rec: &Rec, local: String, is_new: bool) -> Result<()> {
        if let Ok(id) = local.parse::<i64>() {
            self.ids.insert((rec.kind, rec.id.clone()), id);
        }
        if is_new {
            self.new_mappings.push(exchange_id::ActiveModel {
                kind: Set(rec.kind.as_str().into()),
                external_id: Set(rec.id.clone()),
                local_id: Set(local),
                digest: Set(rec.digest.clone()),
                extra: Set(extra_of(rec)),
                imported_at: Set(self.now),
            });
        } else {
            exchange_id::Entity::update_many()
                .col_expr(exchange_id::Column::Digest, Expr::value(rec.digest.clone()))
                .col_expr(exchange_id::Column::Extra, Expr::value(extra_of(rec)))
                .col_expr(exchange_id::Column::ImportedAt, Expr::value(self.now))
                .filter(exchange_id::Column::Kind.eq(rec.kind.as_str()))
                .filter(exchange_id::Column::ExternalId.eq(rec.id.clone()))
                .exec(self.tx)
                .await?;
        }
        Ok(())
    }

    /// `n` fresh ids of `table`: on SQLite past the largest (the import holds the only writer),
    /// on PostgreSQL from the table's sequence.
    async fn reserve(&self, table: &str, n: usize) -> Result<Vec<i64>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let backend = self.tx.get_database_backend();
        match backend {
            DbBackend::Postgres => {
                let sql = format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, {n})"
                );
                let rows = self
                    .tx
                    .query_all_raw(Statement::from_string(backend, sql))
                    .await?;
                rows.iter()
                    .map(|r| r.try_get::<i64>("", "id").map_err(internal))
                    .collect()
            }
            _ => {
                let sql = format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}");
                let row = self
                    .tx
                    .query_one_raw(Statement::from_string(backend, sql))
                    .await?;
                let max = match row {
                    Some(r) => r.try_get::<i64>("", "id").map_err(internal)?,
                    None => 0,
                };
                let n = i64::try_from(n).map_err(internal)?;
                Ok((max + 1..=max + n).collect())
            }
        }
    }

    pub(super) async fn write(
        mut self,
        records: &[Rec],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<Done> {
        let mut by_kind: BTreeMap<Kind, Vec<&Rec>> = BTreeMap::new();
        for r in records {
            by_kind.entry(r.kind).or_default().push(r);
        }
        let empty = Vec::new();
        let of = |k: Kind| by_kind.get(&k).unwrap_or(&empty);
        let mut done = 0usize;
        // Where persons without a household live: the municipality of their first case.
        let mut person_ags: HashMap<String, String> = HashMap::new();
        let mut household_ags: HashMap<String, String> = HashMap::new();
        for r in of(Kind::Household) {
            if let Obj::Household { municipality } = &r.obj {
                household_ags.insert(r.id.clone(), municipality.clone());
            }
        }
        for r in of(Kind::Case) {
            if let Obj::Case(c) = &r.obj {
                for p in &c.persons {
                    person_ags
                        .entry(p.clone())
                        .or_insert_with(|| c.municipality.clone());
                }
            }
        }
        for kind in Kind::ALL {
            let recs = of(kind);
            let started = std::time::Instant::now();
            match kind {
                Kind::Municipality => self.municipalities(recs).await?,
                Kind::Organisation => self.organisations(recs).await?,
                Kind::Team => self.teams(recs).await?,
                Kind::Staff => self.staff(recs).await?,
                Kind::Household => self.households(recs).await?,
                Kind::Person => self.persons(recs, &household_ags, &person_ags).await?,
                Kind::Consent => self.consents(recs).await?,
                Kind::Release => self.releases(recs).await?,
                Kind::Case => self.cases(recs).await?,
                Kind::Goal => self.goals(recs).await?,
                Kind::Step => self.steps(recs).await?,
                Kind::Review => self.reviews(recs).await?,
                Kind::Contact => self.contacts(recs, &|n| progress(done + n)).await?,
                Kind::Outcome => self.outcomes(recs).await?,
                Kind::Referral => self.referrals(recs).await?,
            }
            done += recs.len();
            tracing::debug!(
                kind = kind.as_str(),
                objects = recs.len(),
                ms = started.elapsed().as_millis(),
                "import: kind written"
            );
            progress(done);
            if !self.done.problems.is_empty() {
                return Ok(self.done);
            }
        }
        self.service_areas(of(Kind::Case), of(Kind::Staff)).await?;
        let started = std::time::Instant::now();
        let mut rows = std::mem::take(&mut self.new_mappings);
        let n = rows.len();
        insert_chunks(self.tx, &mut rows).await?;
        tracing::debug!(
            objects = n,
            ms = started.elapsed().as_millis(),
            "import: mapping written"
        );
        Ok(self.done)
    }

    /// Splits records into new ones (with reserved ids), changed ones and unchanged ones (counted).
    async fn split<'r>(
        &mut self,
        table: &str,
        recs: &[&'r Rec],
    ) -> Result<(Vec<(i64, &'r Rec)>, Vec<(i64, &'r Rec)>)> {
        let mut new = Vec::new();
        let mut changed = Vec::new();
        let mut same = 0;
        for rec in recs {
            match self.state(rec) {
                State::New => new.push(*rec),
                State::Changed(l) => changed.push((parse_id(&l)?, *rec)),
                State::Same(l) => {
                    self.ids.insert((rec.kind, rec.id.clone()), parse_id(&l)?);
                    same += 1;
                }
            }
        }
        let ids = self.reserve(table, new.len()).await?;
        let new: Vec<(i64, &Rec)> = ids.into_iter().zip(new).collect();
        for (id, rec) in &new {
            self.ids.insert((rec.kind, rec.id.clone()), *id);
        }
        for (id, rec) in &changed {
            self.ids.insert((rec.kind, rec.id.clone()), *id);
        }
        if let Some(r) = recs.first() {
            self.count(r.kind, new.len(), changed.len(), same);
        }
        Ok((new, changed))
    }

    async fn finish_split(&mut self, new: &[(i64, &Rec)], changed: &[(i64, &Rec)]) -> Result<()> {
        for (id, rec) in new {
            self.mapped(rec, id.to_string(), true).await?;
        }
        for (id, rec) in changed {
            self.mapped(rec, id.to_string(), false).await?;
        }
        Ok(())
    }

    /// The stored row of a changed object (none for a new one).
    async fn existing<E>(&self, is_new: bool, id: i64) -> Result<Option<E::Model>>
    where
        E: EntityTrait,
        <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    {
        if is_new {
            return Ok(None);
        }
        Ok(E::find_by_id(id).one(self.tx).await?)
    }

    /// Inserts later (buffered) or updates now.
    async fn put<A>(&self, update: bool, am: A, rows: &mut Vec<A>) -> Result<()>
    where
        A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        if update {
            am.update(self.tx).await?;
        } else {
            rows.push(am);
        }
        Ok(())
    }
}

/// The new objects, then the changed ones, each marked whether it is new.
fn tagged<'x, 'r>(
    new: &'x [(i64, &'r Rec)],
    changed: &'x [(i64, &'r Rec)],
) -> impl Iterator<Item = (bool, &'x (i64, &'r Rec))> {
    new.iter()
        .map(|x| (true, x))
        .chain(changed.iter().map(|x| (false, x)))
}

fn parse_id(local: &str) -> Result<i64> {
    local
        .parse()
        .map_err(|_| Error::Internal("import: a mapped id is not a number".into()))
}

/// Inserts the rows in multi-row statements and empties the buffer: as many rows per statement as
/// stay under 30,000 bound values (SQLite allows 32,766, PostgreSQL 65,535). Few large statements
/// matter most on PostgreSQL over TCP, where each statement costs a round trip that can stall for
/// tens of milliseconds whatever its size.
async fn insert_chunks<C, A>(conn: &C, rows: &mut Vec<A>) -> Result<()>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let columns = <<A::Entity as EntityTrait>::Column as sea_orm::Iterable>::iter()
        .count()
        .max(1);
    let per_statement = (MAX_BOUND_VALUES / columns).max(1);
    while !rows.is_empty() {
        let n = rows.len().min(per_statement);
        let chunk: Vec<A> = rows.drain(..n).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
