//! Writing a checked exchange file inside the import's transaction: kind by kind, new objects in
//! multi-row inserts with ids reserved up front (their sealed texts are bound to those ids),
//! changed objects updated row by row (a new version, sealed texts sealed again for it), unchanged
//! objects (same digest as last time) not touched at all.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use ankommen_store::Tx;
use ankommen_store::entities::{
    case, case_assignment, case_pause, case_person, consent, contact, contact_person, exchange_id,
    field_of_action, goal, household, municipality, organisation, outcome, person, plan, referral,
    release, review, service_area, staff, staff_municipality, staff_role, step, team,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DbBackend, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::parse::{Obj, Rec};
use super::{Kind, Mapping, Problem, SetupLink};
use crate::administration::setup::{self, PURPOSE_SET_PASSWORD, SETUP_LINK_HOURS};
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::sealed::{
    CASE_CLOSURE_NOTE, CASE_ELIGIBILITY_NOTE, CASE_EXTENSION_REASON, CASE_HANDOVER_NOTE,
    CONTACT_NOTE, GOAL_STATUS_REASON, GOAL_TEXT, PERSON_HEALTH, REFERRAL_REASON, REVIEW_SUMMARY,
    STEP_TEXT, Sealing,
};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{OrgKind, Role, role_allowed_in};
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

    fn problem(&mut self, rec: &Rec, reason: &str) {
        self.done.problems.push(Problem {
            line: rec.line,
            kind: Some(rec.kind.as_str().into()),
            id: Some(rec.id.clone()),
            reason: reason.into(),
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

    async fn municipalities(&mut self, recs: &[&Rec]) -> Result<()> {
        for rec in recs {
            let Obj::Municipality { name } = &rec.obj else {
                continue;
            };
            let state = self.state(rec);
            if let State::Same(_) = state {
                self.count(rec.kind, 0, 0, 1);
                continue;
            }
            let existing = municipality::Entity::find_by_id(rec.id.clone())
                .one(self.tx)
                .await?;
            match existing {
                Some(m) => {
                    let mut am = m.into_active_model();
                    am.name = Set(name.clone());
                    am.updated_at = Set(self.now);
                    am.update(self.tx).await?;
                    self.count(rec.kind, 0, 1, 0);
                }
                None => {
                    municipality::Entity::insert(municipality::ActiveModel {
                        ags: Set(rec.id.clone()),
                        name: Set(name.clone()),
                        active: Set(true),
                        created_at: Set(self.now),
                        updated_at: Set(self.now),
                        version: Set(1),
                    })
                    .exec_without_returning(self.tx)
                    .await?;
                    self.count(rec.kind, 1, 0, 0);
                }
            }
            self.mapped(rec, rec.id.clone(), matches!(state, State::New))
                .await?;
        }
        Ok(())
    }

    async fn organisations(&mut self, recs: &[&Rec]) -> Result<()> {
        for rec in recs {
            let Obj::Organisation {
                name,
                kind,
                municipality,
            } = &rec.obj
            else {
                continue;
            };
            let state = self.state(rec);
            let existing = match &state {
                State::Same(local) => {
                    self.ids
                        .insert((rec.kind, rec.id.clone()), parse_id(local)?);
                    self.count(rec.kind, 0, 0, 1);
                    continue;
                }
                State::Changed(local) => {
                    organisation::Entity::find_by_id(parse_id(local)?)
                        .one(self.tx)
                        .await?
                }
                // An organisation set up by hand before the import is taken over by its name.
                State::New => {
                    organisation::Entity::find()
                        .filter(organisation::Column::Name.eq(name.clone()))
                        .one(self.tx)
                        .await?
                }
            };
            // Another organisation may carry the name already.
            let clash = organisation::Entity::find()
                .filter(organisation::Column::Name.eq(name.clone()))
                .one(self.tx)
                .await?
                .is_some_and(|o| existing.as_ref().is_none_or(|e| e.id != o.id));
            if clash {
                self.problem(rec, "another organisation has this name already");
                continue;
            }
            let id = match existing {
                Some(o) => {
                    let id = o.id;
                    let version = o.version;
                    let mut am = o.into_active_model();
                    am.name = Set(name.clone());
                    am.kind = Set(kind.clone());
                    am.municipality_ags = Set(municipality.clone());
                    am.updated_at = Set(self.now);
                    am.version = Set(version + 1);
                    am.update(self.tx).await?;
                    self.count(rec.kind, 0, 1, 0);
                    id
                }
                None => {
                    let id = organisation::Entity::insert(organisation::ActiveModel {
                        id: NotSet,
                        name: Set(name.clone()),
                        kind: Set(kind.clone()),
                        municipality_ags: Set(municipality.clone()),
                        active: Set(true),
                        created_at: Set(self.now),
                        updated_at: Set(self.now),
                        version: Set(1),
                    })
                    .exec(self.tx)
                    .await?
                    .last_insert_id;
                    self.count(rec.kind, 1, 0, 0);
                    id
                }
            };
            self.mapped(rec, id.to_string(), matches!(state, State::New))
                .await?;
        }
        Ok(())
    }

    async fn teams(&mut self, recs: &[&Rec]) -> Result<()> {
        for rec in recs {
            let Obj::Team { organisation, name } = &rec.obj else {
                continue;
            };
            let org = self.id(Kind::Organisation, organisation)?;
            let state = self.state(rec);
            let existing = match &state {
                State::Same(local) => {
                    self.ids
                        .insert((rec.kind, rec.id.clone()), parse_id(local)?);
                    self.count(rec.kind, 0, 0, 1);
                    continue;
                }
                State::Changed(local) => {
                    team::Entity::find_by_id(parse_id(local)?)
                        .one(self.tx)
                        .await?
                }
                State::New => {
                    team::Entity::find()
                        .filter(team::Column::OrganisationId.eq(org))
                        .filter(team::Column::Name.eq(name.clone()))
                        .one(self.tx)
                        .await?
                }
            };
            let id = match existing {
                Some(t) => {
                    let id = t.id;
                    let version = t.version;
                    let mut am = t.into_active_model();
                    am.organisation_id = Set(org);
                    am.name = Set(name.clone());
                    am.updated_at = Set(self.now);
                    am.version = Set(version + 1);
                    am.update(self.tx).await?;
                    self.count(rec.kind, 0, 1, 0);
                    id
                }
                None => {
                    let id = team::Entity::insert(team::ActiveModel {
                        id: NotSet,
                        organisation_id: Set(org),
                        name: Set(name.clone()),
                        active: Set(true),
                        created_at: Set(self.now),
                        updated_at: Set(self.now),
                        version: Set(1),
                    })
                    .exec(self.tx)
                    .await?
                    .last_insert_id;
                    self.count(rec.kind, 1, 0, 0);
                    id
                }
            };
            self.mapped(rec, id.to_string(), matches!(state, State::New))
                .await?;
        }
        Ok(())
    }

    async fn staff(&mut self, recs: &[&Rec]) -> Result<()> {
        let mut kinds: HashMap<i64, String> = HashMap::new();
        for o in organisation::Entity::find().all(self.tx).await? {
            kinds.insert(o.id, o.kind);
        }
        for rec in recs {
            let Obj::Staff {
                organisation,
                team,
                display_name,
                roles,
                municipalities,
                fte,
            } = &rec.obj
            else {
                continue;
            };
            let state = self.state(rec);
            if let State::Same(local) = &state {
                self.ids
                    .insert((rec.kind, rec.id.clone()), parse_id(local)?);
                self.count(rec.kind, 0, 0, 1);
                continue;
            }
            let org = self.id(Kind::Organisation, organisation)?;
            let team_id = self.opt_id(Kind::Team, team.as_ref())?;
            let org_kind = kinds
                .get(&org)
                .and_then(|k| OrgKind::parse(k).ok())
                .unwrap_or(OrgKind::Provider);
            let parsed: Vec<Role> = roles.iter().filter_map(|r| Role::parse(r).ok()).collect();
            if parsed.iter().any(|r| !role_allowed_in(*r, org_kind)) {
                self.problem(
                    rec,
                    "a role is not allowed in the staff member's organisation",
                );
                continue;
            }
            let admin_with = parsed.contains(&Role::Admin)
                && parsed
                    .iter()
                    .any(|r| matches!(r, Role::Im | Role::TeamLead | Role::Dpo));
            if admin_with {
                self.problem(
                    rec,
                    "the administrator role is never combined with IM, team lead or data protection",
                );
                continue;
            }
            let id = match &state {
                State::Changed(local) => {
                    let id = parse_id(local)?;
                    let Some(s) = staff::Entity::find_by_id(id).one(self.tx).await? else {
                        return Err(Error::Internal("import: mapped staff missing".into()));
                    };
                    let version = s.version;
                    let mut am = s.into_active_model();
                    am.organisation_id = Set(org);
                    am.team_id = Set(team_id);
                    am.display_name = Set(display_name.clone());
                    am.fte = Set(*fte);
                    am.updated_at = Set(self.now);
                    am.version = Set(version + 1);
                    am.update(self.tx).await?;
                    staff_role::Entity::delete_many()
                        .filter(staff_role::Column::StaffId.eq(id))
                        .exec(self.tx)
                        .await?;
                    staff_municipality::Entity::delete_many()
                        .filter(staff_municipality::Column::StaffId.eq(id))
                        .exec(self.tx)
                        .await?;
                    self.count(rec.kind, 0, 1, 0);
                    id
                }
                _ => {
                    let username = self.username(&rec.id).await?;
                    let id = staff::Entity::insert(staff::ActiveModel {
                        id: NotSet,
                        organisation_id: Set(org),
                        team_id: Set(team_id),
                        username: Set(username),
                        display_name: Set(display_name.clone()),
                        email: Set(None),
                        locale: Set("de".into()),
                        password_hash: Set(None),
                        fte: Set(*fte),
                        active: Set(true),
                        created_at: Set(self.now),
                        updated_at: Set(self.now),
                        deactivated_at: Set(None),
                        version: Set(1),
                    })
                    .exec(self.tx)
                    .await?
                    .last_insert_id;
                    let by = (self.by != 0).then_some(self.by);
                    let token = setup::issue(
                        self.tx,
                        self.now,
                        PURPOSE_SET_PASSWORD,
                        Some(id),
                        by,
                        SETUP_LINK_HOURS,
                    )
                    .await?;
                    let who = Who {
                        staff_id: by,
                        organisation_id: None,
                        roles: if by.is_some() {
                            "admin".into()
                        } else {
                            "operator".into()
                        },
                    };
                    audit::record_as(
                        self.tx,
                        self.now,
                        &who,
                        None,
                        Event::on("setup_link_issued", "staff", id),
                    )
                    .await?;
                    self.done.setup_links.push(SetupLink {
                        external_id: rec.id.clone(),
                        token,
                    });
                    self.count(rec.kind, 1, 0, 0);
                    id
                }
            };
            let role_rows: Vec<staff_role::ActiveModel> = parsed
                .iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|r| staff_role::ActiveModel {
                    staff_id: Set(id),
                    role: Set(r.as_str().into()),
                })
                .collect();
            let mut role_rows = role_rows;
            insert_chunks(self.tx, &mut role_rows).await?;
            let mut places: Vec<staff_municipality::ActiveModel> = municipalities
                .iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|a| staff_municipality::ActiveModel {
                    staff_id: Set(id),
                    ags: Set(a.clone()),
                })
                .collect();
            insert_chunks(self.tx, &mut places).await?;
            self.mapped(rec, id.to_string(), matches!(state, State::New))
                .await?;
        }
        Ok(())
    }

    /// A user name for an imported staff member, from their id in the file (they choose their
    /// password through the setup link; an administrator may rename them).
    async fn username(&self, ext: &str) -> Result<String> {
        let base: String = ext
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .take(40)
            .collect::<String>()
            .to_lowercase();
        let base = format!("import.{}", if base.is_empty() { "staff" } else { &base });
        let mut name = base.clone();
        for n in 2.. {
            let taken = staff::Entity::find()
                .filter(staff::Column::Username.eq(name.clone()))
                .one(self.tx)
                .await?
                .is_some();
            if !taken {
                break;
            }
            name = format!("{base}-{n}");
        }
        Ok(name)
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

    async fn households(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("households", recs).await?;
        let mut rows = Vec::new();
        for (id, rec) in &new {
            if let Obj::Household { municipality } = &rec.obj {
                rows.push(household::ActiveModel {
                    id: Set(*id),
                    municipality_ags: Set(municipality.clone()),
                    external_id: Set(Some(rec.id.clone())),
                    created_at: Set(self.now),
                    created_by: Set(self.by),
                });
            }
        }
        insert_chunks(self.tx, &mut rows).await?;
        for (id, rec) in &changed {
            if let Obj::Household { municipality } = &rec.obj {
                household::Entity::update_many()
                    .col_expr(
                        household::Column::MunicipalityAgs,
                        Expr::value(municipality.clone()),
                    )
                    .filter(household::Column::Id.eq(*id))
                    .exec(self.tx)
                    .await?;
            }
        }
        self.finish_split(&new, &changed).await
    }

    async fn persons(
        &mut self,
        recs: &[&Rec],
        household_ags: &HashMap<String, String>,
        person_ags: &HashMap<String, String>,
    ) -> Result<()> {
        let (new, changed) = self.split("persons", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Person(p) = &rec.obj else { continue };
            let household_id = self.opt_id(Kind::Household, p.household.as_ref())?;
            let mut ags = p
                .household
                .as_ref()
                .and_then(|h| household_ags.get(h).cloned())
                .or_else(|| person_ags.get(&rec.id).cloned());
            if ags.is_none()
                && let Some(h) = household_id
            {
                ags = household::Entity::find_by_id(h)
                    .one(self.tx)
                    .await?
                    .map(|h| h.municipality_ags);
            }
            let existing = if is_new {
                None
            } else {
                person::Entity::find_by_id(*id).one(self.tx).await?
            };
            let ags = ags.or_else(|| existing.as_ref().map(|e| e.municipality_ags.clone()));
            let Some(ags) = ags else {
                self.problem(
                    rec,
                    "the person has neither a household nor a case: no municipality to place them in",
                );
                continue;
            };
            let (fold, skel) = crate::casework::clients::registration::name_keys(
                &p.given_name,
                &p.family_name,
                p.name_original.as_deref(),
            );
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => person::ActiveModel {
                    id: Set(*id),
                    german_certificate: Set(None),
                    work_experience: Set(None),
                    housing: Set(None),
                    benefits: Set(None),
                    phone: Set(None),
                    email: Set(None),
                    address: Set(None),
                    interpreter_language: Set(None),
                    health_sealed: Set(None),
                    created_at: Set(self.now),
                    created_by: Set(self.by),
                    version: Set(1),
                    ..Default::default()
                },
            };
            am.household_id = Set(household_id);
            am.relation = Set(p.relation.clone());
            am.given_name = Set(p.given_name.clone());
            am.family_name = Set(p.family_name.clone());
            am.name_original = Set(p.name_original.clone());
            am.name_fold = Set(fold);
            am.name_skeleton = Set(skel);
            am.birth_date = Set(p.birth_date);
            am.birth_year = Set(p.birth_year);
            am.municipality_ags = Set(ags);
            am.au_move_in = Set(p.au_move_in);
            am.target_group = Set(p
                .target_group
                .clone()
                .unwrap_or_else(|| "follow_up_housing".into()));
            am.sex = Set(p.sex.clone());
            am.nationality = Set(p.nationality.clone());
            am.languages = Set(p.languages.clone());
            am.german_level = Set(p.german_level.clone());
            am.school = Set(p.school.clone());
            am.vocational = Set(p.vocational.clone());
            am.profession = Set(p.profession.clone());
            am.interests = Set(p.interests.clone());
            am.residence_status = Set(p.residence_status.clone());
            am.residence_valid_until = Set(p.residence_valid_until);
            // Unknown fields of a person are kept with the person.
            am.extra = Set(extra_of(rec));
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            match existing {
                None => rows.push(am),
                Some(e) => {
                    let next = e.version + 1;
                    am.version = Set(next);
                    am.health_sealed = Set(self.sealing.reseal_opt(
                        PERSON_HEALTH.at_version(e.id, e.version),
                        PERSON_HEALTH.at_version(e.id, next),
                        e.health_sealed.as_deref(),
                    )?);
                    am.update(self.tx).await?;
                }
            }
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    async fn consents(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("consents", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Consent {
                person,
                text_version,
                language,
                given_on,
                form,
                withdrawn_on,
            } = &rec.obj
            else {
                continue;
            };
            let person_id = self.id(Kind::Person, person)?;
            let existing = self.existing::<consent::Entity>(is_new, *id).await?;
            let mut am = match &existing {
                Some(e) => {
                    let mut am = e.clone().into_active_model();
                    am.version = Set(e.version + 1);
                    am
                }
                None => consent::ActiveModel {
                    id: Set(*id),
                    document_id: Set(None),
                    withdrawal_note: Set(None),
                    created_at: Set(self.now),
                    created_by: Set(self.by),
                    version: Set(1),
                    ..Default::default()
                },
            };
            am.person_id = Set(person_id);
            am.text_version = Set(text_version.clone());
            am.language = Set(language.clone());
            am.given_on = Set(*given_on);
            am.form = Set(form.clone());
            am.withdrawn_on = Set(*withdrawn_on);
            am.external_id = Set(Some(rec.id.clone()));
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
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

    async fn releases(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("releases", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Release {
                person,
                recipient_name,
                recipient_category,
                data_categories,
                purpose,
                valid_from,
                valid_until,
                mutual,
                revoked_on,
            } = &rec.obj
            else {
                continue;
            };
            let person_id = self.id(Kind::Person, person)?;
            let existing = self.existing::<release::Entity>(is_new, *id).await?;
            let mut am = match &existing {
                Some(e) => {
                    let mut am = e.clone().into_active_model();
                    am.version = Set(e.version + 1);
                    am
                }
                None => release::ActiveModel {
                    id: Set(*id),
                    recipient_organisation_id: Set(None),
                    created_at: Set(self.now),
                    created_by: Set(self.by),
                    version: Set(1),
                    ..Default::default()
                },
            };
            am.person_id = Set(person_id);
            am.recipient_name = Set(recipient_name.clone());
            am.recipient_category = Set(recipient_category.clone());
            am.data_categories = Set(data_categories.join(","));
            am.purpose = Set(purpose.clone());
            am.valid_from = Set(*valid_from);
            am.valid_until = Set(*valid_until);
            am.mutual = Set(*mutual);
            am.revoked_on = Set(*revoked_on);
            am.external_id = Set(Some(rec.id.clone()));
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    async fn cases(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("cases", recs).await?;
        let mut rows = Vec::new();
        let mut members = Vec::new();
        let mut held = Vec::new();
        let mut paused = Vec::new();
        let mut changed_ids = Vec::new();
        let held_ids = self
            .reserve(
                "case_assignments",
                new.iter()
                    .chain(changed.iter())
                    .map(|(_, r)| match &r.obj {
                        Obj::Case(c) => c.assignments.len(),
                        _ => 0,
                    })
                    .sum(),
            )
            .await?;
        let pause_ids = self
            .reserve(
                "case_pauses",
                new.iter()
                    .chain(changed.iter())
                    .map(|(_, r)| match &r.obj {
                        Obj::Case(c) => c.pauses.len(),
                        _ => 0,
                    })
                    .sum(),
            )
            .await?;
        let (mut held_ids, mut pause_ids) = (held_ids.into_iter(), pause_ids.into_iter());
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Case(c) = &rec.obj else { continue };
            let org = self.id(Kind::Organisation, &c.organisation)?;
            let assigned = self.id(Kind::Staff, &c.assigned_to)?;
            let mut persons = BTreeSet::new();
            for p in &c.persons {
                persons.insert(self.id(Kind::Person, p)?);
            }
            let existing = self.existing::<case::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => {
                    let mut am = e.clone().into_active_model();
                    // The texts the file does not carry are sealed again for the new version.
                    am.eligibility_note_sealed = Set(self.sealing.reseal_opt(
                        CASE_ELIGIBILITY_NOTE.at_version(e.id, e.version),
                        CASE_ELIGIBILITY_NOTE.at_version(e.id, version),
                        e.eligibility_note_sealed.as_deref(),
                    )?);
                    am.handover_note_sealed = Set(self.sealing.reseal_opt(
                        CASE_HANDOVER_NOTE.at_version(e.id, e.version),
                        CASE_HANDOVER_NOTE.at_version(e.id, version),
                        e.handover_note_sealed.as_deref(),
                    )?);
                    changed_ids.push(e.id);
                    am
                }
                None => case::ActiveModel {
                    id: Set(*id),
                    case_number: Set(format!(
                        "{}-{:05}",
                        chrono::Datelike::year(&c.opened_on),
                        id
                    )),
                    clock_start: Set(c.opened_on),
                    eligibility_note_sealed: Set(None),
                    closure_snapshot: Set(None),
                    handover_note_sealed: Set(None),
                    handover_from: Set(None),
                    handover_at: Set(None),
                    handover_seen: Set(true),
                    created_at: Set(self.now),
                    ..Default::default()
                },
            };
            am.organisation_id = Set(org);
            am.municipality_ags = Set(c.municipality.clone());
            am.assigned_to = Set(assigned);
            am.household_id = Set(None);
            am.opened_on = Set(c.opened_on);
            am.status = Set(c.status.clone());
            am.extended_until = Set(c.extended_until);
            am.extension_reason_sealed = Set(self.sealing.seal_opt(
                CASE_EXTENSION_REASON.at_version(*id, version),
                c.extension_reason.as_deref(),
            )?);
            am.closed_on = Set(c.closed_on);
            am.closure_reason = Set(c.closure_reason.clone());
            am.closure_note_sealed = Set(self.sealing.seal_opt(
                CASE_CLOSURE_NOTE.at_version(*id, version),
                c.closure_note.as_deref(),
            )?);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
            for p in persons {
                members.push(case_person::ActiveModel {
                    case_id: Set(*id),
                    person_id: Set(p),
                });
            }
            for (s, from) in &c.assignments {
                held.push(case_assignment::ActiveModel {
                    id: Set(held_ids.next().unwrap_or_default()),
                    case_id: Set(*id),
                    staff_id: Set(self.id(Kind::Staff, s)?),
                    from_date: Set(*from),
                });
            }
            for (from, until) in &c.pauses {
                paused.push(case_pause::ActiveModel {
                    id: Set(pause_ids.next().unwrap_or_default()),
                    case_id: Set(*id),
                    from_date: Set(*from),
                    until_date: Set(*until),
                });
            }
        }
        insert_chunks(self.tx, &mut rows).await?;
        if !changed_ids.is_empty() {
            case_person::Entity::delete_many()
                .filter(case_person::Column::CaseId.is_in(changed_ids.clone()))
                .exec(self.tx)
                .await?;
            case_assignment::Entity::delete_many()
                .filter(case_assignment::Column::CaseId.is_in(changed_ids.clone()))
                .exec(self.tx)
                .await?;
            case_pause::Entity::delete_many()
                .filter(case_pause::Column::CaseId.is_in(changed_ids))
                .exec(self.tx)
                .await?;
        }
        insert_chunks(self.tx, &mut members).await?;
        insert_chunks(self.tx, &mut held).await?;
        insert_chunks(self.tx, &mut paused).await?;
        self.finish_split(&new, &changed).await
    }

    async fn goals(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("goals", recs).await?;
        let mut rows = Vec::new();
        let mut positions: HashMap<i64, i32> = HashMap::new();
        let mut with_goals = BTreeSet::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Goal {
                case,
                person,
                field,
                text,
                priority,
                target_date,
                status,
                status_reason,
                created_on,
                closed_on,
            } = &rec.obj
            else {
                continue;
            };
            let case_id = self.id(Kind::Case, case)?;
            with_goals.insert(case_id);
            self.goal_case.insert(*id, case_id);
            let person_id = self.opt_id(Kind::Person, person.as_ref())?;
            let existing = self.existing::<goal::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => {
                    let p = positions.entry(case_id).or_insert(0);
                    *p += 1;
                    goal::ActiveModel {
                        id: Set(*id),
                        position: Set(*p),
                        created_by: Set(self.by),
                        created_at: Set(self.now),
                        ..Default::default()
                    }
                }
            };
            am.case_id = Set(case_id);
            am.person_id = Set(person_id);
            am.field_key = Set(self
                .fields
                .get(field)
                .cloned()
                .unwrap_or_else(|| field.clone()));
            am.text_sealed = Set(self
                .sealing
                .seal(GOAL_TEXT.at_version(*id, version), text)?);
            am.priority = Set(*priority);
            am.target_date = Set(*target_date);
            am.status = Set(status.clone());
            am.status_reason_sealed = Set(self.sealing.seal_opt(
                GOAL_STATUS_REASON.at_version(*id, version),
                status_reason.as_deref(),
            )?);
            am.created_on = Set(*created_on);
            am.closed_on = Set(*closed_on);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        // Every case with goals has its plan.
        let planned: HashSet<i64> = plan::Entity::find()
            .select_only()
            .column(plan::Column::CaseId)
            .into_tuple::<i64>()
            .all(self.tx)
            .await?
            .into_iter()
            .collect();
        let missing: Vec<i64> = with_goals
            .into_iter()
            .filter(|c| !planned.contains(c))
            .collect();
        let ids = self.reserve("plans", missing.len()).await?;
        let mut plans: Vec<plan::ActiveModel> = ids
            .into_iter()
            .zip(missing)
            .map(|(id, case_id)| plan::ActiveModel {
                id: Set(id),
                case_id: Set(case_id),
                review_interval_months: Set(None),
                created_by: Set(self.by),
                created_at: Set(self.now),
                updated_at: Set(self.now),
                version: Set(1),
            })
            .collect();
        insert_chunks(self.tx, &mut plans).await?;
        self.finish_split(&new, &changed).await
    }

    async fn steps(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("steps", recs).await?;
        let mut rows = Vec::new();
        let mut positions: HashMap<i64, i32> = HashMap::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Step {
                goal,
                text,
                owner,
                third_party,
                due_on,
                done_on,
            } = &rec.obj
            else {
                continue;
            };
            let goal_id = self.id(Kind::Goal, goal)?;
            let case_id = match self.goal_case.get(&goal_id) {
                Some(c) => *c,
                None => {
                    let c = goal::Entity::find_by_id(goal_id)
                        .select_only()
                        .column(goal::Column::CaseId)
                        .into_tuple::<i64>()
                        .one(self.tx)
                        .await?
                        .ok_or_else(|| Error::Internal("import: goal of a step missing".into()))?;
                    self.goal_case.insert(goal_id, c);
                    c
                }
            };
            let existing = self.existing::<step::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => {
                    let p = positions.entry(goal_id).or_insert(0);
                    *p += 1;
                    step::ActiveModel {
                        id: Set(*id),
                        position: Set(*p),
                        created_by: Set(self.by),
                        created_at: Set(self.now),
                        ..Default::default()
                    }
                }
            };
            am.goal_id = Set(goal_id);
            am.case_id = Set(case_id);
            am.text_sealed = Set(self
                .sealing
                .seal(STEP_TEXT.at_version(*id, version), text)?);
            am.owner = Set(owner.clone());
            am.third_party = Set(third_party.clone());
            am.due_on = Set(*due_on);
            am.done_on = Set(*done_on);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    async fn reviews(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("reviews", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Review {
                case,
                held_on,
                participants,
                summary,
            } = &rec.obj
            else {
                continue;
            };
            let case_id = self.id(Kind::Case, case)?;
            let existing = self.existing::<review::Entity>(is_new, *id).await?;
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => review::ActiveModel {
                    id: Set(*id),
                    changes_sealed: Set(None),
                    created_by: Set(self.by),
                    created_at: Set(self.now),
                    ..Default::default()
                },
            };
            am.case_id = Set(case_id);
            am.held_on = Set(*held_on);
            am.participants = Set(participants.clone());
            am.summary_sealed = Set(self
                .sealing
                .seal_opt(REVIEW_SUMMARY.at(*id), summary.as_deref())?);
            am.external_id = Set(Some(rec.id.clone()));
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    async fn contacts(
        &mut self,
        recs: &[&Rec],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<()> {
        let (new, changed) = self.split("contacts", recs).await?;
        let mut rows = Vec::new();
        let mut present = Vec::new();
        let mut changed_ids = Vec::new();
        for (i, (is_new, (id, rec))) in tagged(&new, &changed).enumerate() {
            let Obj::Contact {
                case,
                persons,
                date,
                minutes,
                kind,
                topics,
                interpreter,
                note,
            } = &rec.obj
            else {
                continue;
            };
            let case_id = self.id(Kind::Case, case)?;
            let existing = self.existing::<contact::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => {
                    changed_ids.push(e.id);
                    e.clone().into_active_model()
                }
                None => contact::ActiveModel {
                    id: Set(*id),
                    created_by: Set(self.by),
                    created_at: Set(self.now),
                    ..Default::default()
                },
            };
            let topics: Vec<String> = topics
                .iter()
                .map(|t| self.fields.get(t).cloned().unwrap_or_else(|| t.clone()))
                .collect();
            am.case_id = Set(case_id);
            am.contact_date = Set(*date);
            am.minutes = Set(*minutes);
            am.contact_kind = Set(kind.clone());
            am.topics = Set(topics.join(","));
            am.interpreter_language = Set(interpreter.as_ref().map(|(l, _)| l.clone()));
            am.interpreter_type = Set(interpreter.as_ref().map(|(_, t)| t.clone()));
            am.note_sealed = Set(self
                .sealing
                .seal_opt(CONTACT_NOTE.at_version(*id, version), note.as_deref())?);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
            let mut seen = BTreeSet::new();
            for p in persons {
                let pid = self.id(Kind::Person, p)?;
                if seen.insert(pid) {
                    present.push(contact_person::ActiveModel {
                        contact_id: Set(*id),
                        person_id: Set(pid),
                    });
                }
            }
            if rows.len() >= CONTACTS_PER_SLICE {
                insert_chunks(self.tx, &mut rows).await?;
                insert_chunks(self.tx, &mut present).await?;
                progress(i + 1);
            }
        }
        insert_chunks(self.tx, &mut rows).await?;
        if !changed_ids.is_empty() {
            contact_person::Entity::delete_many()
                .filter(contact_person::Column::ContactId.is_in(changed_ids))
                .exec(self.tx)
                .await?;
        }
        insert_chunks(self.tx, &mut present).await?;
        self.finish_split(&new, &changed).await
    }

    async fn outcomes(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("outcomes", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Outcome {
                person,
                date,
                kind,
                level,
                certificate,
                course,
                employment_type,
                until,
                place,
            } = &rec.obj
            else {
                continue;
            };
            let person_id = self.id(Kind::Person, person)?;
            let existing = self.existing::<outcome::Entity>(is_new, *id).await?;
            let mut am = match &existing {
                Some(e) => {
                    let mut am = e.clone().into_active_model();
                    am.version = Set(e.version + 1);
                    am
                }
                None => outcome::ActiveModel {
                    id: Set(*id),
                    created_by: Set(self.by),
                    created_at: Set(self.now),
                    version: Set(1),
                    ..Default::default()
                },
            };
            am.person_id = Set(person_id);
            am.outcome_date = Set(*date);
            am.outcome_type = Set(kind.clone());
            am.level = Set(level.clone());
            am.certificate = Set(*certificate);
            am.course = Set(course.clone());
            am.employment_type = Set(employment_type.clone());
            am.until_date = Set(*until);
            am.place = Set(place.clone());
            am.external_id = Set(Some(rec.id.clone()));
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    async fn referrals(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("referrals", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Referral {
                case,
                person,
                service_name,
                service_category,
                date,
                reason,
                result,
                result_on,
            } = &rec.obj
            else {
                continue;
            };
            let case_id = self.id(Kind::Case, case)?;
            let person_id = self.opt_id(Kind::Person, person.as_ref())?;
            let existing = self.existing::<referral::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => referral::ActiveModel {
                    id: Set(*id),
                    created_by: Set(self.by),
                    created_at: Set(self.now),
                    ..Default::default()
                },
            };
            am.case_id = Set(case_id);
            am.person_id = Set(person_id);
            am.service_name = Set(service_name.clone());
            am.service_category = Set(service_category.clone());
            am.referral_date = Set(*date);
            am.reason_sealed = Set(self
                .sealing
                .seal_opt(REFERRAL_REASON.at_version(*id, version), reason.as_deref())?);
            am.result = Set(result.clone());
            am.result_on = Set(*result_on);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    /// The organisations serve the municipalities their imported cases and staff are in: a
    /// service area from the earliest case opened there (or today), where none exists yet.
    async fn service_areas(&mut self, cases: &[&Rec], staff: &[&Rec]) -> Result<()> {
        let today = self.now.date_naive();
        let mut wanted: BTreeMap<(i64, String), NaiveDate> = BTreeMap::new();
        for rec in cases {
            if let Obj::Case(c) = &rec.obj {
                let org = self.id(Kind::Organisation, &c.organisation)?;
                let e = wanted
                    .entry((org, c.municipality.clone()))
                    .or_insert(c.opened_on);
                *e = (*e).min(c.opened_on);
            }
        }
        for rec in staff {
            if let Obj::Staff {
                organisation,
                municipalities,
                ..
            } = &rec.obj
            {
                let org = self.id(Kind::Organisation, organisation)?;
                for a in municipalities {
                    wanted.entry((org, a.clone())).or_insert(today);
                }
            }
        }
        let have: HashSet<(i64, String)> = service_area::Entity::find()
            .select_only()
            .column(service_area::Column::OrganisationId)
            .column(service_area::Column::MunicipalityAgs)
            .into_tuple::<(i64, String)>()
            .all(self.tx)
            .await?
            .into_iter()
            .collect();
        let mut rows: Vec<service_area::ActiveModel> = wanted
            .into_iter()
            .filter(|(k, _)| !have.contains(k))
            .map(|((org, ags), from)| service_area::ActiveModel {
                id: NotSet,
                organisation_id: Set(org),
                municipality_ags: Set(ags),
                valid_from: Set(from),
                valid_until: Set(None),
                created_at: Set(self.now),
                updated_at: Set(self.now),
            })
            .collect();
        insert_chunks(self.tx, &mut rows).await
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
