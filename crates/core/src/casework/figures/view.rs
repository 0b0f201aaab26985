//! The figures as each role sees them (`figures.md`, "Disclosure control"): an IM their own row, a
//! team lead the rows of their team and the per-IM template of their organisation, a coordinator
//! the protected tables by organisation and municipality, a municipal officer the protected rows
//! of their municipalities. And the finalisation of a calendar year: its figures frozen as
//! reported, shown as frozen afterwards, with later changes of the data marked as corrections.
//!
//! Coordinators and municipal officers ask for whole calendar years that are over, nothing else: a
//! free reference date, a running year or a cumulative "so far" would let two of their queries
//! differ by fewer than five persons (the difference of two days, or of two cumulative dates, is
//! such a filter), and `figures.md` refuses those.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::Db;
use ankommen_store::entities::{figure_finalisation, staff};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use super::facts::Facts;
use super::{
    Question, Scope, Settings, by_im_in_organisations, holders, holders_in, load, question_json,
    scope_json,
};
use crate::kernel::audit::{self, Event};
use crate::kernel::ctx::Ctx;
use crate::kernel::policy::{Action, Resource};
use crate::{Error, FieldErrors, Result};

/// What a page asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// A calendar year (its reference date is 31 December).
    Year(i32),
    /// The stock at a reference date.
    At(NaiveDate),
    /// Counselling ended so far, up to a date.
    EndedUpTo(NaiveDate),
}

impl Ask {
    pub fn question(self) -> Question {
        match self {
            Ask::Year(y) => Question::Period {
                from: first_day(y),
                to: last_day(y),
            },
            Ask::At(d) => Question::At(d),
            Ask::EndedUpTo(d) => Question::EndedUpTo(d),
        }
    }

    /// The year a question belongs to (for the chart over the years).
    pub fn year(self) -> i32 {
        match self {
            Ask::Year(y) => y,
            Ask::At(d) | Ask::EndedUpTo(d) => d.year(),
        }
    }

    /// How the audit log names the question (no person, no name).
    fn code(self) -> String {
        match self {
            Ask::Year(y) => format!("year:{y}"),
            Ask::At(d) => format!("at:{d}"),
            Ask::EndedUpTo(d) => format!("ended:{d}"),
        }
    }
}

fn first_day(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn last_day(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// The years the figures can be asked for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One IM's row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: String,
    pub display_name: String,
    pub fte: Option<f64>,
    /// The row of the person looking.
    pub own: bool,
    /// The figures (as in the examples' rows of `by_im`).
    pub figures: Value,
    /// Finalised figures that differ from what the data says today.
    pub corrected: bool,
}

/// The protected tables of a coordinator or a municipal officer.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// (table name, the table as in the examples' `coordinator_view`), rows filtered to what the
    /// role may see.
    pub tables: Vec<(String, Value)>,
    /// Organisation ids and AGS with their names.
    pub names: BTreeMap<String, String>,
    /// Whether rows by organisation and the total are shown (the coordinator), or only the
    /// officer's municipalities.
    pub county: bool,
    /// Finalised figures that differ from what the data says today.
    pub corrected: bool,
}

/// A finalisation of a year.
#[derive(Clone, Debug, PartialEq)]
pub struct Finalisation {
    pub version: i32,
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: Option<String>,
}

/// The three shares of adults at 31 December of a year.
#[derive(Clone, Debug, PartialEq)]
pub struct YearShares {
    pub year: i32,
    /// german_b1_or_higher, employed_social_insurance, training_internship_studies
    pub pct: [Option<f64>; 3],
}

/// The figures page of one person.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub ask: Ask,
    pub settings: Settings,
    /// The IM's own row, then the team's (a team lead).
    pub rows: Vec<Row>,
    /// May download the per-IM template of their organisation (a team lead, whole years).
    pub template: bool,
    pub aggregate: Option<Aggregate>,
    /// The year's finalisations, oldest first (the last is what is shown).
    pub finalisations: Vec<Finalisation>,
    pub may_finalise: bool,
    /// The shares of adults over the years up to the asked one (the IM's own, or the county's
    /// published total for a coordinator).
    pub history: Vec<YearShares>,
}

const SHARES: [&str; 3] = [
    "adults_german_b1_or_higher",
    "adults_employed_social_insurance",
    "adults_training_internship_studies",
];

/// Who may see what.
struct Audience {
    own: bool,
    team: Option<i64>,
    template: bool,
    /// None: no aggregate; Some(None): the county; Some(Some(list)): these municipalities.
    aggregate: Option<Option<Vec<String>>>,
}

fn audience(ctx: &Ctx) -> Audience {
    let a = &ctx.actor;
    let own = ctx.allows(
        Action::ViewFiguresOwn,
        &Resource::Staff {
            organisation_id: a.organisation_id,
            team_id: a.team_id,
            staff_id: a.staff_id,
        },
    );
    let team = a.team_id.filter(|t| {
        ctx.allows(
            Action::ViewFiguresTeam,
            &Resource::Team {
                organisation_id: a.organisation_id,
                team_id: *t,
            },
        )
    });
    let template = ctx.allows(
        Action::ExportFiguresTemplate,
        &Resource::Organisation {
            id: a.organisation_id,
        },
    );
    let aggregate = if ctx.allows(Action::ViewFiguresAggregate, &Resource::Deployment) {
        Some(None)
    } else {
        let mine: Vec<String> = a
            .municipalities
            .iter()
            .filter(|ags| {
                ctx.allows(
                    Action::ViewFiguresAggregate,
                    &Resource::Municipality {
                        ags: (*ags).clone(),
                    },
                )
            })
            .cloned()
            .collect();
        (!mine.is_empty()).then_some(Some(mine))
    };
    Audience {
        own,
        team,
        template,
        aggregate,
    }
}

fn invalid(field: &'static str, key: &'static str) -> Error {
    let mut e = FieldErrors::new();
    e.add(field, key);
    Error::Invalid(e)
}

/// Whole calendar years that are over, for the roles without person-level access.
fn check_aggregate_ask(ctx: &Ctx, ask: Ask) -> Result<()> {
    match ask {
        Ask::Year(y) if y < ctx.today().year() => Ok(()),
        Ask::Year(_) => Err(invalid("year", "figures-error-year-not-over")),
        Ask::At(_) | Ask::EndedUpTo(_) => Err(invalid("question", "figures-error-years-only")),
    }
}

fn check_year(ask: Ask) -> Result<()> {
    if YEARS.contains(&ask.year()) {
        Ok(())
    } else {
        Err(invalid("year", "figures-error-year"))
    }
}

/// What a view reads from the database, inside the audited read.
struct Loaded {
    facts: Facts,
    settings: Settings,
    team_members: BTreeSet<String>,
    finalised: BTreeMap<i32, (Value, Vec<Finalisation>)>,
}

async fn finalisations<C: ConnectionTrait>(
    conn: &C,
    years: std::ops::RangeInclusive<i32>,
) -> Result<BTreeMap<i32, (Value, Vec<Finalisation>)>> {
    let rows = figure_finalisation::Entity::find()
        .filter(figure_finalisation::Column::Year.between(*years.start(), *years.end()))
        .order_by_asc(figure_finalisation::Column::Year)
        .order_by_asc(figure_finalisation::Column::Version)
        .all(conn)
        .await?;
    let by: Vec<i64> = rows.iter().map(|r| r.finalised_by).collect();
    let names: BTreeMap<i64, String> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::Id.is_in(by))
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut out: BTreeMap<i32, (Value, Vec<Finalisation>)> = BTreeMap::new();
    for r in rows {
        let body: Value = serde_json::from_str(&r.body)
            .map_err(|e| Error::Internal(format!("finalised figures unreadable: {e}")))?;
        let entry = out.entry(r.year).or_insert((Value::Null, Vec::new()));
        entry.0 = body;
        entry.1.push(Finalisation {
            version: r.version,
            at: r.finalised_at,
            by: names.get(&r.finalised_by).cloned().unwrap_or_default(),
            reason: r.reason,
        });
    }
    Ok(out)
}

/// How far back the chart over the years looks.
const HISTORY_YEARS: i32 = 5;

/// The figures page of the actor for a question. Audited (`figures_viewed`); refused for roles
/// that see no figures, and for coordinators and municipal officers asking anything but a whole
/// year that is over.
pub async fn view(db: &Db, ctx: &Ctx, ask: Ask) -> Result<View> {
    view_as(db, ctx, ask, "figures_viewed").await
}

/// The figures of [`view`] for a download (audited as `figures_exported`).
pub async fn export(db: &Db, ctx: &Ctx, ask: Ask) -> Result<View> {
    view_as(db, ctx, ask, "figures_exported").await
}

async fn view_as(db: &Db, ctx: &Ctx, ask: Ask, action: &'static str) -> Result<View> {
    let who = audience(ctx);
    let event = || Event::on(action, "figures", ask.code());
    if !who.own && who.team.is_none() && who.aggregate.is_none() {
        return ctx.refuse(db.writer(), event(), Error::Forbidden).await;
    }
    check_year(ask)?;
    if who.aggregate.is_some() && !who.own && who.team.is_none() {
        check_aggregate_ask(ctx, ask)?;
    }
    let y = ask.year();
    let loaded = audit::read(db, async |tx| {
        let team_members: BTreeSet<String> = match who.team {
            Some(team) => staff::Entity::find()
                .select_only()
                .column(staff::Column::Id)
                .filter(staff::Column::TeamId.eq(team))
                .filter(staff::Column::OrganisationId.eq(ctx.actor.organisation_id))
                .into_tuple::<i64>()
                .all(tx)
                .await?
                .into_iter()
                .map(|id| id.to_string())
                .collect(),
            None => BTreeSet::new(),
        };
        // Person-level views need only the cases their rows' staff ever held.
        let only = match who.aggregate {
            Some(_) => None,
            None => {
                let mut staff: Vec<i64> =
                    team_members.iter().filter_map(|s| s.parse().ok()).collect();
                staff.push(ctx.actor.staff_id);
                Some(load::Only::of_staff(tx, &staff).await?)
            }
        };
        // The protected tables count persons only: without a row of its own a view needs no
        // contacts (a question without them reads none).
        let reads = match who.own || who.team.is_some() {
            true => ask.question(),
            false => Question::At(last_day(y)),
        };
        let rules = crate::administration::settings::WorkRules::load(tx).await?;
        let facts = load::load(tx, reads, only.as_ref(), &Settings::of(&rules)).await?;
        let finalised = finalisations(tx, (y - HISTORY_YEARS + 1)..=y).await?;
        audit::record(tx, ctx, event()).await?;
        Ok(Loaded {
            facts,
            settings: Settings::of(&rules),
            team_members,
            finalised,
        })
    })
    .await?;
    Ok(build(ctx, ask, &who, &loaded))
}

/// The figures of a year as finalised (its `period` object), if it is.
fn frozen(loaded: &Loaded, ask: Ask) -> Option<&Value> {
    match ask {
        Ask::Year(y) => loaded.finalised.get(&y).map(|(body, _)| &body["period"]),
        _ => None,
    }
}

/// Whether finalised figures differ from today's: compares the figures the live value has.
fn differs(frozen: &Value, live: &Value) -> bool {
    match live.as_object() {
        Some(fields) => fields.iter().any(|(k, v)| frozen.get(k) != Some(v)),
        None => frozen != live,
    }
}

/// The row of staff member `id`: all their cases, or (`organisation` given: a team's or an
/// organisation's view) only their cases of that organisation. `held` are the staff with such a
/// row for the question ([`holders_in`], computed once per view).
fn im_row(
    loaded: &Loaded,
    ask: Ask,
    held: &BTreeSet<&str>,
    id: &str,
    organisation: Option<&str>,
    own: bool,
) -> Option<Row> {
    let f = &loaded.facts;
    let q = ask.question();
    let scope = match organisation {
        Some(o) => Scope::ImIn {
            staff: id.to_string(),
            organisation: o.to_string(),
        },
        None => Scope::Im(id.to_string()),
    };
    let live = || scope_json(f, q, &loaded.settings, &scope);
    let staff = f.staff.iter().find(|s| s.id == id);
    let (figures, corrected, name, fte) = match frozen(loaded, ask) {
        Some(period) => {
            let row = match organisation {
                // Finalised before the per-organisation rows were kept: the IM's row, if the IM
                // belonged to the organisation then.
                Some(o) => period["by_im_in_organisation"][o].get(id).or_else(|| {
                    period["by_im"]
                        .get(id)
                        .filter(|_| period.get("by_im_in_organisation").is_none())
                        .filter(|r| r["organisation"].as_str() == Some(o))
                })?,
                None => period["by_im"].get(id)?,
            };
            let corrected = !held.contains(id) || differs(row, &live());
            (
                row.clone(),
                corrected,
                row["display_name"].as_str().unwrap_or_default().to_string(),
                row["fte"].as_f64(),
            )
        }
        None => {
            if !held.contains(id) {
                return None;
            }
            let s = staff?;
            (live(), false, s.display_name.clone(), s.fte)
        }
    };
    Some(Row {
        id: id.to_string(),
        display_name: name,
        fte,
        own,
        figures,
        corrected,
    })
}

fn build(ctx: &Ctx, ask: Ask, who: &Audience, loaded: &Loaded) -> View {
    let me = ctx.actor.staff_id.to_string();
    let held = holders(&loaded.facts, ask.question());
    let mut rows = Vec::new();
    if who.own
        && let Some(r) = im_row(loaded, ask, &held, &me, None, true)
    {
        rows.push(r);
    }
    if who.team.is_some() {
        // The team's rows count the organisation's cases only: a member who came from another
        // organisation brings no figures of its clients.
        let org = ctx.actor.organisation_id.to_string();
        let held = holders_in(&loaded.facts, ask.question(), Some(&org));
        let mut team: Vec<Row> = loaded
            .team_members
            .iter()
            .filter(|id| **id != me)
            .filter_map(|id| im_row(loaded, ask, &held, id, Some(&org), false))
            .collect();
        team.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        rows.extend(team);
    }
    let aggregate = who
        .aggregate
        .as_ref()
        .filter(|_| check_aggregate_ask(ctx, ask).is_ok())
        .map(|scope| aggregate(loaded, ask, scope.as_deref(), true));
    let history = history(ctx, ask, who, loaded);
    let finalisations = match ask {
        Ask::Year(y) => loaded
            .finalised
            .get(&y)
            .map(|(_, f)| f.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    View {
        ask,
        settings: loaded.settings,
        rows,
        template: who.template && matches!(ask, Ask::Year(_)),
        aggregate,
        finalisations,
        may_finalise: may_finalise(ctx, ask),
        history,
    }
}

fn may_finalise(ctx: &Ctx, ask: Ask) -> bool {
    ctx.allows(Action::FinaliseFigures, &Resource::Deployment)
        && matches!(ask, Ask::Year(y) if y < ctx.today().year())
}

/// The coordinator view (frozen or today's), its rows cut to the municipalities given.
fn aggregate(
    loaded: &Loaded,
    ask: Ask,
    municipalities: Option<&[String]>,
    corrections: bool,
) -> Aggregate {
    let f = &loaded.facts;
    let q = ask.question();
    let live = || serde_json::to_value(super::coordinator_view(f, q)).unwrap_or(Value::Null);
    let (view, corrected, names) = match frozen(loaded, ask) {
        Some(period) => {
            let view = period["coordinator_view"].clone();
            let corrected = corrections && view["tables"] != live()["tables"];
            let mut names = BTreeMap::new();
            for group in ["by_organisation", "by_municipality"] {
                if let Some(rows) = period[group].as_object() {
                    for (id, row) in rows {
                        let name = row["name"].as_str().unwrap_or_default().to_string();
                        names.insert(id.clone(), name);
                    }
                }
            }
            (view, corrected, names)
        }
        None => {
            let names = f
                .organisations
                .iter()
                .map(|o| (o.id.clone(), o.name.clone()))
                .chain(
                    f.municipalities
                        .iter()
                        .map(|m| (m.id.clone(), m.name.clone())),
                )
                .collect();
            (live(), false, names)
        }
    };
    let tables = view["tables"]
        .as_object()
        .map(|t| {
            t.iter()
                .map(|(name, table)| (name.clone(), cut(table, municipalities)))
                .collect()
        })
        .unwrap_or_default();
    Aggregate {
        tables,
        names,
        county: municipalities.is_none(),
        corrected,
    }
}

/// A protected table with only the rows of `municipalities` (none: all rows).
fn cut(table: &Value, municipalities: Option<&[String]>) -> Value {
    let Some(keep) = municipalities else {
        return table.clone();
    };
    let mut t = table.clone();
    let only = |rows: &Value| -> Value {
        rows.as_object()
            .map(|r| {
                r.iter()
                    .filter(|(ags, _)| keep.contains(ags))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<serde_json::Map<String, Value>>()
            })
            .map(Value::Object)
            .unwrap_or(Value::Null)
    };
    t["by_municipality"] = only(&table["by_municipality"]);
    t["by_organisation"] = Value::Object(Default::default());
    t["total"] = Value::Object(Default::default());
    if let Some(shares) = table.get("shares_pct") {
        t["shares_pct"]["by_municipality"] = only(&shares["by_municipality"]);
        t["shares_pct"]["by_organisation"] = Value::Object(Default::default());
        t["shares_pct"]["total"] = Value::Object(Default::default());
    }
    t
}

/// The shares of adults over the years up to the asked one: the IM's own row, or the county's
/// published total (a coordinator). Years before any case are left out.
fn history(ctx: &Ctx, ask: Ask, who: &Audience, loaded: &Loaded) -> Vec<YearShares> {
    let f = &loaded.facts;
    let Some(first) = f.cases.iter().map(|c| c.opened_on.year()).min() else {
        return Vec::new();
    };
    let last = ask.year();
    let years = (last - HISTORY_YEARS + 1).max(first)..=last;
    let me = ctx.actor.staff_id.to_string();
    if who.own {
        return years
            .filter_map(|y| {
                let year_ask = Ask::Year(y);
                let at = match ask {
                    Ask::At(d) if y == last => d,
                    _ => last_day(y),
                };
                let stock = match frozen(loaded, year_ask) {
                    Some(period) => period["by_im"].get(&me)?["at_reference_date"].clone(),
                    None => {
                        serde_json::to_value(super::stock(f, &Scope::Im(me.clone()), at)).ok()?
                    }
                };
                Some(shares_of(y, &stock, |s| s["pct"].as_f64()))
            })
            .filter(|s| s.pct.iter().any(Option::is_some))
            .collect();
    }
    if who.aggregate == Some(None) && check_aggregate_ask(ctx, ask).is_ok() {
        return years
            .map(|y| {
                let a = aggregate(loaded, Ask::Year(y), None, false);
                let table = a
                    .tables
                    .iter()
                    .find(|(n, _)| n == "adults_outcomes_at_reference_date")
                    .map(|(_, t)| t["shares_pct"]["total"].clone())
                    .unwrap_or(Value::Null);
                let pct = SHARES.map(|s| table[s.trim_start_matches("adults_")].as_f64());
                YearShares { year: y, pct }
            })
            .filter(|s| s.pct.iter().any(Option::is_some))
            .collect();
    }
    Vec::new()
}

fn shares_of(year: i32, stock: &Value, pct: impl Fn(&Value) -> Option<f64>) -> YearShares {
    YearShares {
        year,
        pct: SHARES.map(|s| pct(&stock[s])),
    }
}

/// The per-IM template of the actor's organisation for a year (a team lead): one row per IM of
/// the organisation who held a case in the year. Audited (`figures_exported`).
pub async fn template(db: &Db, ctx: &Ctx, year: i32) -> Result<Vec<Row>> {
    let event = || Event::on("figures_exported", "figures", Ask::Year(year).code());
    ctx.authorize(
        db.writer(),
        Action::ExportFiguresTemplate,
        &Resource::Organisation {
            id: ctx.actor.organisation_id,
        },
        event(),
        Error::Forbidden,
    )
    .await?;
    check_year(Ask::Year(year))?;
    let loaded = audit::read(db, async |tx| {
        let only = load::Only::of_organisation(tx, ctx.actor.organisation_id).await?;
        let rules = crate::administration::settings::WorkRules::load(tx).await?;
        let facts = load::load(
            tx,
            Ask::Year(year).question(),
            Some(&only),
            &Settings::of(&rules),
        )
        .await?;
        let finalised = finalisations(tx, year..=year).await?;
        audit::record(tx, ctx, event()).await?;
        Ok(Loaded {
            facts,
            settings: Settings::of(&rules),
            team_members: BTreeSet::new(),
            finalised,
        })
    })
    .await?;
    let org = ctx.actor.organisation_id.to_string();
    let ask = Ask::Year(year);
    let held = holders_in(&loaded.facts, ask.question(), Some(&org));
    let ids: BTreeSet<String> = match frozen(&loaded, ask) {
        Some(period) => match period["by_im_in_organisation"].get(&org) {
            Some(rows) => rows
                .as_object()
                .map(|rows| rows.keys().cloned().collect())
                .unwrap_or_default(),
            // Finalised before the per-organisation rows were kept.
            None if period.get("by_im_in_organisation").is_none() => period["by_im"]
                .as_object()
                .map(|rows| {
                    rows.iter()
                        .filter(|(_, r)| r["organisation"].as_str() == Some(org.as_str()))
                        .map(|(id, _)| id.clone())
                        .collect()
                })
                .unwrap_or_default(),
            None => BTreeSet::new(),
        },
        None => held.iter().map(|id| id.to_string()).collect(),
    };
    let me = ctx.actor.staff_id.to_string();
    let mut rows: Vec<Row> = ids
        .iter()
        .filter_map(|id| im_row(&loaded, ask, &held, id, Some(&org), *id == me))
        .collect();
    rows.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    Ok(rows)
}

/// Finalises a calendar year that is over (a coordinator): its figures as today's data gives them
/// are stored as the next version. A version after the first is a correction and needs a reason.
/// Audited (`figures_finalised`). Returns the version.
pub async fn finalise(db: &Db, ctx: &Ctx, year: i32, reason: &str) -> Result<i32> {
    let event = || Event::on("figures_finalised", "figures", Ask::Year(year).code());
    let txn = db.begin().await?;
    let allowed = ctx
        .authorize(
            &txn,
            Action::FinaliseFigures,
            &Resource::Deployment,
            event(),
            Error::Forbidden,
        )
        .await;
    let (txn, ()) = crate::kernel::access::in_tx(txn, allowed).await?;
    check_year(Ask::Year(year))?;
    if year >= ctx.today().year() {
        return Err(invalid("year", "figures-error-year-not-over"));
    }
    let reason = reason.trim();
    if reason.chars().count() > 1000 {
        return Err(invalid("reason", "figures-error-reason-long"));
    }
    let last: Option<i32> = figure_finalisation::Entity::find()
        .select_only()
        .column_as(figure_finalisation::Column::Version.max(), "v")
        .filter(figure_finalisation::Column::Year.eq(year))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    if last.is_some() && reason.is_empty() {
        return Err(invalid("reason", "figures-error-reason-needed"));
    }
    let rules = crate::administration::settings::WorkRules::load(&txn).await?;
    let q = Ask::Year(year).question();
    let settings = Settings::of(&rules);
    let facts = load::load(&txn, q, None, &settings).await?;
    let mut body = question_json(&facts, q, &settings)?;
    // Each organisation's template as reported, for IMs who move later.
    body["period"]["by_im_in_organisation"] =
        serde_json::to_value(by_im_in_organisations(&facts, q, &settings)?)
            .map_err(|e| Error::Internal(e.to_string()))?;
    let version = last.unwrap_or(0) + 1;
    figure_finalisation::Entity::insert(figure_finalisation::ActiveModel {
        year: Set(year),
        version: Set(version),
        finalised_at: Set(ctx.now()),
        finalised_by: Set(ctx.actor.staff_id),
        reason: Set((!reason.is_empty()).then(|| reason.to_string())),
        body: Set(body.to_string()),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(&txn, ctx, event()).await?;
    txn.commit().await?;
    Ok(version)
}
