//! Registration with the minimum data, the hints at possible duplicates, and changes of the
//! minimum data.

use ankommen_store::Db;
use ankommen_store::entities::{person, staff};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use super::health::resealed_health;
use crate::administration::organisations::expect_updated;
use crate::administration::service_areas;
use crate::casework::duplicates;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{HouseholdRelation, TargetGroup};
use crate::kernel::names::{self, matching};
use crate::kernel::policy::{Action, CaseRef, Resource};
use crate::kernel::sealed::Sealing;
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{Ags, Birth, Name, parse_date_opt};
use crate::{Ctx, Error, FieldErrors, Result};

/// The minimum data: what may be stored before (and without) a consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinimumInput {
    pub given_name: Name,
    pub family_name: Name,
    pub name_original: Option<Name>,
    pub birth: Birth,
    pub municipality: Ags,
    pub au_move_in: Option<NaiveDate>,
    pub target_group: TargetGroup,
}

/// The raw minimum fields as typed.
#[derive(Clone, Debug, Default)]
pub struct MinimumForm {
    pub given_name: String,
    pub family_name: String,
    pub name_original: String,
    pub birth: String,
    pub municipality: String,
    pub au_move_in: String,
    pub target_group: String,
}

impl MinimumInput {
    pub fn parse(f: &MinimumForm, today: NaiveDate) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let given_name = e.take("given_name", Name::parse(&f.given_name));
        let family_name = e.take("family_name", Name::parse(&f.family_name));
        let name_original = if f.name_original.trim().is_empty() {
            None
        } else {
            e.take("name_original", Name::parse(&f.name_original))
        };
        let birth = e.take("birth", Birth::parse(&f.birth, today));
        let municipality = e.take("municipality", Ags::parse(&f.municipality));
        let au_move_in = e
            .take("au_move_in", parse_date_opt(&f.au_move_in))
            .flatten();
        if let Some(d) = au_move_in
            && d > today
        {
            e.add("au_move_in", "error-date-future");
        }
        let target_group = e.take("target_group", TargetGroup::parse(&f.target_group));
        match (given_name, family_name, birth, municipality, target_group) {
            (
                Some(given_name),
                Some(family_name),
                Some(birth),
                Some(municipality),
                Some(target_group),
            ) if e.is_empty() => Ok(Self {
                given_name,
                family_name,
                name_original,
                birth,
                municipality,
                au_move_in,
                target_group,
            }),
            _ => Err(e),
        }
    }
}

/// Search keys of a person's names (both spellings).
pub(crate) fn name_keys(given: &str, family: &str, original: Option<&str>) -> (String, String) {
    let all = format!("{given} {family} {}", original.unwrap_or(""));
    (names::fold(&all), names::skeleton(&all))
}

/// A possible earlier record of the same person, as far as the actor may know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateHint {
    /// Set when the actor may open the record.
    pub person_id: Option<i64>,
    /// The name, only when the actor may open the record.
    pub name: Option<String>,
    pub birth_year: i32,
    pub case_number: String,
    pub im_name: String,
}

/// Persons of the actor's organisation who are probably the same person (the matcher of
/// `kernel::names::matching`: any spelling or script, swapped names, a year only or off by one),
/// among those sharing a stored matcher key with the new record (the persons a scan would compare
/// it with, `duplicates::keys`).
/// The hints are audited on `conn` (the caller commits them even when it registers nobody).
pub async fn possible_duplicates<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    m: &MinimumInput,
) -> Result<Vec<DuplicateHint>> {
    let mine = matching::prepare(&record_of(m));
    let candidates =
        duplicates::keys::candidates(conn, ctx.actor.organisation_id, &mine.keys()).await?;
    let mut scored: Vec<(u8, i64)> = candidates
        .iter()
        .filter_map(|c| {
            let s = matching::score_prepared(&mine, &matching::prepare(&c.record()))?;
            (s.score >= matching::THRESHOLD).then_some((s.score, c.id))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let same: Vec<person::Model> = if scored.is_empty() {
        Vec::new()
    } else {
        let mut rows = person::Entity::find()
            .filter(person::Column::Id.is_in(scored.iter().map(|(_, id)| *id)))
            .all(conn)
            .await?;
        rows.sort_by_key(|p| scored.iter().position(|(_, id)| *id == p.id));
        rows
    };
    let ids: Vec<i64> = same.iter().map(|p| p.id).collect();
    let links: Vec<access::LinkedCase> = access::cases_of_persons(conn, &ids)
        .await?
        .into_iter()
        .filter(|l| l.case.organisation_id == ctx.actor.organisation_id)
        .collect();
    let ims: Vec<(i64, String)> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::Id.is_in(links.iter().map(|l| l.case.assigned_to)))
        .into_tuple()
        .all(conn)
        .await?;
    // The hints reveal that someone is a client here (perhaps of a colleague): each person hinted
    // at is recorded as seen.
    let seen: Vec<audit::Seen> = links
        .iter()
        .map(|l| audit::Seen {
            person_id: l.person_id,
            case_id: Some(l.case.id),
        })
        .collect();
    if !seen.is_empty() {
        audit::record_seen(conn, ctx, Event::new("duplicate_hints_shown"), seen).await?;
    }
    let mut out = Vec::new();
    for l in links {
        let Some(p) = same.iter().find(|p| p.id == l.person_id) else {
            continue;
        };
        let readable = ctx.allows(Action::ReadClient, &Resource::Case(l.case_ref));
        out.push(DuplicateHint {
            person_id: readable.then_some(p.id),
            name: readable.then(|| format!("{} {}", p.given_name, p.family_name)),
            birth_year: p.birth_year,
            case_number: l.case.case_number,
            im_name: ims
                .iter()
                .find(|(id, _)| *id == l.case.assigned_to)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

#[derive(Clone, Debug)]
pub struct RegisterInput {
    pub minimum: MinimumInput,
    /// When the 3-year clock starts; default: the move into follow-up housing, else today.
    pub clock_start: Option<NaiveDate>,
    /// Required when the person is outside the target group.
    pub eligibility_note: Option<String>,
    /// The IM has seen the duplicate hints and registers anyway.
    pub duplicates_checked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registered {
    Created { person_id: i64, case_id: i64 },
    PossibleDuplicates(Vec<DuplicateHint>),
}

/// Registers a client with the minimum data and opens a case assigned to the registering IM.
pub async fn register(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    input: RegisterInput,
) -> Result<Registered> {
    let today = ctx.today();
    let m = &input.minimum;
    let mut e = check_minimum(db.reader(), ctx, m, input.eligibility_note.is_some()).await?;
    if let Some(d) = input.clock_start
        && d > today
    {
        e.add("clock_start", "error-date-future");
    }
    ctx.authorize(
        db.writer(),
        Action::WriteClient,
        &own_new_case(ctx, m),
        Event::new("client_registered"),
        Error::Forbidden,
    )
    .await?;
    e.into_result()?;

    let tx = db.begin().await?;
    if !input.duplicates_checked {
        let hints = possible_duplicates(&tx, ctx, m).await?;
        if !hints.is_empty() {
            // Nothing registered; the record of the hints shown is kept.
            tx.commit().await?;
            return Ok(Registered::PossibleDuplicates(hints));
        }
    }
    let (person_id, case_id) = register_on(
        &tx,
        ctx,
        sealer,
        m,
        input.clock_start,
        input.eligibility_note.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(Registered::Created { person_id, case_id })
}

/// The case a registration opens, as the policy sees it: the registering IM's own.
pub(crate) fn own_new_case(ctx: &Ctx, m: &MinimumInput) -> Resource {
    Resource::Case(CaseRef {
        organisation_id: ctx.actor.organisation_id,
        municipality_ags: m.municipality.as_str().to_string(),
        team_id: ctx.actor.team_id,
        assigned_to: ctx.actor.staff_id,
        shared_with: vec![],
    })
}

/// What stands against registering a person with this minimum data here: a municipality the
/// actor (or their organisation) does not serve, a person outside the target group without a
/// note on their eligibility.
pub(crate) async fn check_minimum<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    m: &MinimumInput,
    has_eligibility_note: bool,
) -> Result<FieldErrors> {
    let mut e = FieldErrors::new();
    if !ctx
        .actor
        .municipalities
        .iter()
        .any(|a| a == m.municipality.as_str())
    {
        e.add("municipality", "error-municipality-not-served");
    } else if !service_areas::serves(
        conn,
        ctx.actor.organisation_id,
        m.municipality.as_str(),
        ctx.today(),
    )
    .await?
    {
        // The person still has the municipality, but their organisation no longer serves it.
        e.add(
            "municipality",
            "error-municipality-not-served-by-organisation",
        );
    }
    if m.target_group == TargetGroup::Other && !has_eligibility_note {
        e.add("eligibility_note", "error-eligibility-note");
    }
    Ok(e)
}

/// Writes a registration on `conn` (checked before): the person, their case assigned to the
/// registering IM, the eligibility note, and the audit event naming the person.
pub(crate) async fn register_on<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    sealer: &Sealer,
    m: &MinimumInput,
    clock_start: Option<NaiveDate>,
    eligibility_note: Option<&str>,
) -> Result<(i64, i64)> {
    let today = ctx.today();
    let person_id = insert_person(conn, ctx, m, None, None).await?;
    let clock_start = clock_start.or(m.au_move_in).unwrap_or(today);
    let c = crate::casework::cases::open_case(
        conn,
        ctx,
        crate::casework::cases::NewCase {
            municipality: m.municipality.as_str().to_string(),
            household_id: None,
            opened_on: today,
            clock_start,
            persons: vec![person_id],
        },
    )
    .await?;
    if let Some(note) = eligibility_note {
        let sealing = Sealing::begin(conn, sealer).await?;
        crate::casework::cases::seal_eligibility_note(conn, &sealing, c.id, note).await?;
    }
    audit::record(
        conn,
        ctx,
        Event::on("client_registered", "person", person_id),
    )
    .await?;
    Ok((person_id, c.id))
}

pub(super) async fn insert_person<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    m: &MinimumInput,
    household_id: Option<i64>,
    relation: Option<HouseholdRelation>,
) -> Result<i64> {
    let now = ctx.now();
    let (fold, skel) = name_keys(
        m.given_name.as_str(),
        m.family_name.as_str(),
        m.name_original.as_ref().map(Name::as_str),
    );
    let row = person::ActiveModel {
        id: NotSet,
        household_id: Set(household_id),
        relation: Set(relation.map(|r| r.as_str().to_string())),
        given_name: Set(m.given_name.as_str().to_string()),
        family_name: Set(m.family_name.as_str().to_string()),
        name_original: Set(m.name_original.as_ref().map(|n| n.as_str().to_string())),
        name_fold: Set(fold),
        name_skeleton: Set(skel),
        birth_date: Set(m.birth.date()),
        birth_year: Set(m.birth.year()),
        municipality_ags: Set(m.municipality.as_str().to_string()),
        au_move_in: Set(m.au_move_in),
        target_group: Set(m.target_group.as_str().to_string()),
        sex: Set(None),
        nationality: Set(None),
        languages: Set(None),
        german_level: Set(None),
        german_certificate: Set(None),
        school: Set(None),
        vocational: Set(None),
        work_experience: Set(None),
        profession: Set(None),
        interests: Set(None),
        residence_status: Set(None),
        residence_valid_until: Set(None),
        housing: Set(None),
        benefits: Set(None),
        phone: Set(None),
        email: Set(None),
        address: Set(None),
        interpreter_language: Set(None),
        entry_date: Set(None),
        residence_basis: Set(None),
        health_insurance: Set(None),
        health_insurer: Set(None),
        health_sealed: Set(None),
        extra: Set(None),
        external_id: Set(None),
        created_at: Set(now),
        created_by: Set(ctx.actor.staff_id),
        updated_at: Set(now),
        version: Set(1),
    };
    let id = person::Entity::insert(row).exec(conn).await?.last_insert_id;
    duplicates::keys::write(conn, &[(id, record_of(m))]).await?;
    Ok(id)
}

/// The minimum data as the matcher reads them.
fn record_of(m: &MinimumInput) -> matching::Record<'_> {
    matching::Record {
        given: m.given_name.as_str(),
        family: m.family_name.as_str(),
        original: m.name_original.as_ref().map(Name::as_str),
        birth_date: m.birth.date(),
        birth_year: m.birth.year(),
    }
}

/// Changes the minimum data.
pub async fn update_minimum(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
    version: i32,
    m: MinimumInput,
) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("client_updated", "person", person_id).section("minimum");
    let (tx, p, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
    // The health needs are bound to the row's version: sealed again for the next one.
    let health = resealed_health(&Sealing::begin(&tx, sealer).await?, &p, version)?;
    let (fold, skel) = name_keys(
        m.given_name.as_str(),
        m.family_name.as_str(),
        m.name_original.as_ref().map(Name::as_str),
    );
    let res = person::Entity::update_many()
        .col_expr(
            person::Column::GivenName,
            Expr::value(m.given_name.as_str()),
        )
        .col_expr(
            person::Column::FamilyName,
            Expr::value(m.family_name.as_str()),
        )
        .col_expr(
            person::Column::NameOriginal,
            Expr::value(m.name_original.as_ref().map(|n| n.as_str().to_string())),
        )
        .col_expr(person::Column::NameFold, Expr::value(fold))
        .col_expr(person::Column::NameSkeleton, Expr::value(skel))
        .col_expr(person::Column::BirthDate, Expr::value(m.birth.date()))
        .col_expr(person::Column::BirthYear, Expr::value(m.birth.year()))
        .col_expr(
            person::Column::MunicipalityAgs,
            Expr::value(m.municipality.as_str()),
        )
        .col_expr(person::Column::AuMoveIn, Expr::value(m.au_move_in))
        .col_expr(
            person::Column::TargetGroup,
            Expr::value(m.target_group.as_str()),
        )
        .col_expr(person::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(person::Column::HealthSealed, Expr::value(health))
        .col_expr(person::Column::Version, Expr::value(version + 1))
        .filter(person::Column::Id.eq(person_id))
        .filter(person::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(
        &tx,
        res.rows_affected,
        person::Entity::find_by_id(person_id),
    )
    .await?;
    duplicates::keys::write(&tx, &[(person_id, record_of(&m))]).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}
