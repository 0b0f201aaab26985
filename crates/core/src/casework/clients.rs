//! Clients (persons) and their households: registration with the minimum data, duplicate hints,
//! the record view, the consent-gated intake, and the sealed health needs.

use ankommen_store::Db;
use ankommen_store::entities::{case, case_person, household, person, staff};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::administration::organisations::expect_updated;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{
    Benefit, GermanLevel, HouseholdRelation, Housing, LanguageEntry, LanguageLevel,
    ResidenceStatus, Sex, TargetGroup, is_language, parse_nationality,
};
use crate::kernel::names;
use crate::kernel::policy::{Action, CaseRef, Resource};
use crate::kernel::sealing::{Aad, Sealer};
use crate::kernel::types::{Ags, Birth, Name, Role, parse_date_opt, parse_text};
use crate::records::consent::{self, ConsentState};
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

    fn full_name(&self) -> String {
        format!("{} {}", self.given_name.as_str(), self.family_name.as_str())
    }
}

/// Search keys of a person's names (both spellings).
fn name_keys(given: &str, family: &str, original: Option<&str>) -> (String, String) {
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

/// Persons of the actor's organisation with the same name (in any spelling) and year of birth.
pub async fn possible_duplicates<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    m: &MinimumInput,
) -> Result<Vec<DuplicateHint>> {
    let candidates = person::Entity::find()
        .filter(person::Column::BirthYear.eq(m.birth.year()))
        .all(conn)
        .await?;
    let same: Vec<person::Model> = candidates
        .into_iter()
        .filter(|p| {
            let theirs = format!("{} {}", p.given_name, p.family_name);
            names::same_name(&m.full_name(), &theirs)
                || p.name_original
                    .as_deref()
                    .is_some_and(|o| names::same_name(&m.full_name(), o))
                || m.name_original
                    .as_ref()
                    .is_some_and(|o| names::same_name(o.as_str(), &theirs))
        })
        .collect();
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
pub async fn register(db: &Db, ctx: &Ctx, input: RegisterInput) -> Result<Registered> {
    let today = ctx.today();
    let m = &input.minimum;
    let mut e = FieldErrors::new();
    if !ctx
        .actor
        .municipalities
        .iter()
        .any(|a| a == m.municipality.as_str())
    {
        e.add("municipality", "error-municipality-not-served");
    }
    if m.target_group == TargetGroup::Other && input.eligibility_note.is_none() {
        e.add("eligibility_note", "error-eligibility-note");
    }
    if let Some(d) = input.clock_start
        && d > today
    {
        e.add("clock_start", "error-date-future");
    }
    let res = Resource::Case(CaseRef {
        organisation_id: ctx.actor.organisation_id,
        municipality_ags: m.municipality.as_str().to_string(),
        team_id: ctx.actor.team_id,
        assigned_to: ctx.actor.staff_id,
        shared_with: vec![],
    });
    ctx.authorize(
        db.writer(),
        Action::WriteClient,
        &res,
        Event::new("client_registered"),
        Error::Forbidden,
    )
    .await?;
    e.into_result()?;

    let tx = db.begin().await?;
    if !input.duplicates_checked {
        let hints = possible_duplicates(&tx, ctx, m).await?;
        if !hints.is_empty() {
            tx.rollback().await?;
            return Ok(Registered::PossibleDuplicates(hints));
        }
    }
    let person_id = insert_person(&tx, ctx, m, None, None).await?;
    let clock_start = input.clock_start.or(m.au_move_in).unwrap_or(today);
    let c = crate::casework::cases::open_case(
        &tx,
        ctx,
        crate::casework::cases::NewCase {
            municipality: m.municipality.as_str().to_string(),
            household_id: None,
            opened_on: today,
            clock_start,
            eligibility_note: input.eligibility_note.clone(),
            persons: vec![person_id],
        },
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        Event::on("client_registered", "person", person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(Registered::Created {
        person_id,
        case_id: c.id,
    })
}

async fn insert_person<C: ConnectionTrait>(
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
        health_sealed: Set(None),
        extra: Set(None),
        external_id: Set(None),
        created_at: Set(now),
        created_by: Set(ctx.actor.staff_id),
        updated_at: Set(now),
        version: Set(1),
    };
    Ok(person::Entity::insert(row).exec(conn).await?.last_insert_id)
}

/// Changes the minimum data.
pub async fn update_minimum(
    db: &Db,
    ctx: &Ctx,
    person_id: i64,
    version: i32,
    m: MinimumInput,
) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("client_updated", "person", person_id).section("minimum");
    let (tx, _, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
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
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The voluntary intake data (requires an active consent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Intake {
    pub sex: Option<Sex>,
    pub nationality: Option<String>,
    pub languages: Vec<LanguageEntry>,
    pub german_level: Option<GermanLevel>,
    pub german_certificate: Option<String>,
    pub school: Option<String>,
    pub vocational: Option<String>,
    pub work_experience: Option<String>,
    pub profession: Option<String>,
    pub interests: Option<String>,
    pub residence_status: Option<ResidenceStatus>,
    pub residence_valid_until: Option<NaiveDate>,
    pub housing: Option<Housing>,
    pub benefits: Vec<Benefit>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub interpreter_language: Option<String>,
}

/// The raw intake fields as typed. `languages` are (code, level) pairs; empty codes are skipped.
#[derive(Clone, Debug, Default)]
pub struct IntakeForm {
    pub sex: String,
    pub nationality: String,
    pub languages: Vec<(String, String)>,
    pub german_level: String,
    pub german_certificate: String,
    pub school: String,
    pub vocational: String,
    pub work_experience: String,
    pub profession: String,
    pub interests: String,
    pub residence_status: String,
    pub residence_valid_until: String,
    pub housing: String,
    pub benefits: Vec<String>,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub interpreter_language: String,
}

fn opt_enum<T>(
    e: &mut FieldErrors,
    field: &'static str,
    s: &str,
    parse: fn(&str) -> std::result::Result<T, &'static str>,
) -> Option<T> {
    if s.trim().is_empty() {
        None
    } else {
        e.take(field, parse(s))
    }
}

impl Intake {
    pub fn parse(f: &IntakeForm) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let sex = opt_enum(&mut e, "sex", &f.sex, Sex::parse);
        let nationality = e
            .take("nationality", parse_nationality(&f.nationality))
            .flatten();
        let mut languages = Vec::new();
        for (code, level) in &f.languages {
            let code = code.trim();
            if code.is_empty() {
                continue;
            }
            if !is_language(code) {
                e.add("languages", "error-choice");
                continue;
            }
            match LanguageLevel::parse(level) {
                Ok(l) => {
                    if !languages.iter().any(|x: &LanguageEntry| x.code == code) {
                        languages.push(LanguageEntry {
                            code: code.to_string(),
                            level: l.as_str().to_string(),
                        });
                    }
                }
                Err(_) => e.add("languages", "error-language-level"),
            }
        }
        let german_level = opt_enum(&mut e, "german_level", &f.german_level, GermanLevel::parse);
        let text = |e: &mut FieldErrors, field: &'static str, s: &str, max: usize| {
            e.take(field, parse_text(s, max)).flatten()
        };
        let german_certificate = text(&mut e, "german_certificate", &f.german_certificate, 200);
        let school = text(&mut e, "school", &f.school, 2000);
        let vocational = text(&mut e, "vocational", &f.vocational, 2000);
        let work_experience = text(&mut e, "work_experience", &f.work_experience, 2000);
        let profession = text(&mut e, "profession", &f.profession, 200);
        let interests = text(&mut e, "interests", &f.interests, 2000);
        let residence_status = opt_enum(
            &mut e,
            "residence_status",
            &f.residence_status,
            ResidenceStatus::parse,
        );
        let residence_valid_until = e
            .take(
                "residence_valid_until",
                parse_date_opt(&f.residence_valid_until),
            )
            .flatten();
        let housing = opt_enum(&mut e, "housing", &f.housing, Housing::parse);
        let mut benefits = Vec::new();
        for b in &f.benefits {
            if let Some(b) = e.take("benefits", Benefit::parse(b))
                && !benefits.contains(&b)
            {
                benefits.push(b);
            }
        }
        if benefits.contains(&Benefit::None) && benefits.len() > 1 {
            e.add("benefits", "error-benefits-none");
        }
        let phone = text(&mut e, "phone", &f.phone, 50);
        if let Some(p) = &phone
            && !p
                .chars()
                .all(|c| c.is_ascii_digit() || " +-/()".contains(c))
        {
            e.add("phone", "error-phone");
        }
        let email = e
            .take(
                "email",
                crate::kernel::types::Email::parse_optional(&f.email),
            )
            .flatten()
            .map(|m| m.as_str().to_string());
        let address = text(&mut e, "address", &f.address, 500);
        let interpreter_language = if f.interpreter_language.trim().is_empty() {
            None
        } else if is_language(f.interpreter_language.trim()) {
            Some(f.interpreter_language.trim().to_string())
        } else {
            e.add("interpreter_language", "error-choice");
            None
        };
        e.into_result().map_err(|err| match err {
            Error::Invalid(f) => f,
            _ => FieldErrors::new(),
        })?;
        Ok(Self {
            sex,
            nationality,
            languages,
            german_level,
            german_certificate,
            school,
            vocational,
            work_experience,
            profession,
            interests,
            residence_status,
            residence_valid_until,
            housing,
            benefits,
            phone,
            email,
            address,
            interpreter_language,
        })
    }

    pub fn from_person(p: &person::Model) -> Self {
        Self {
            sex: p.sex.as_deref().and_then(|s| Sex::parse(s).ok()),
            nationality: p.nationality.clone(),
            languages: LanguageEntry::stored(p.languages.as_deref()),
            german_level: p
                .german_level
                .as_deref()
                .and_then(|s| GermanLevel::parse(s).ok()),
            german_certificate: p.german_certificate.clone(),
            school: p.school.clone(),
            vocational: p.vocational.clone(),
            work_experience: p.work_experience.clone(),
            profession: p.profession.clone(),
            interests: p.interests.clone(),
            residence_status: p
                .residence_status
                .as_deref()
                .and_then(|s| ResidenceStatus::parse(s).ok()),
            residence_valid_until: p.residence_valid_until,
            housing: p.housing.as_deref().and_then(|s| Housing::parse(s).ok()),
            benefits: p
                .benefits
                .as_deref()
                .unwrap_or("")
                .split(',')
                .filter_map(|b| Benefit::parse(b).ok())
                .collect(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            address: p.address.clone(),
            interpreter_language: p.interpreter_language.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Saves the intake data. Refused without an active consent (the consent gate).
pub async fn update_intake(
    db: &Db,
    ctx: &Ctx,
    person_id: i64,
    version: i32,
    i: Intake,
) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("client_updated", "person", person_id).section("intake");
    let (tx, _, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
    require_consent(&tx, ctx, person_id).await?;
    let langs = if i.languages.is_empty() {
        None
    } else {
        serde_json::to_string(&i.languages).ok()
    };
    let benefits = if i.benefits.is_empty() {
        None
    } else {
        Some(
            i.benefits
                .iter()
                .map(|b| b.as_str())
                .collect::<Vec<_>>()
                .join(","),
        )
    };
    let s = |v: Option<String>| Expr::value(v);
    let res = person::Entity::update_many()
        .col_expr(
            person::Column::Sex,
            s(i.sex.map(|x| x.as_str().to_string())),
        )
        .col_expr(person::Column::Nationality, s(i.nationality))
        .col_expr(person::Column::Languages, s(langs))
        .col_expr(
            person::Column::GermanLevel,
            s(i.german_level.map(|x| x.as_str().to_string())),
        )
        .col_expr(person::Column::GermanCertificate, s(i.german_certificate))
        .col_expr(person::Column::School, s(i.school))
        .col_expr(person::Column::Vocational, s(i.vocational))
        .col_expr(person::Column::WorkExperience, s(i.work_experience))
        .col_expr(person::Column::Profession, s(i.profession))
        .col_expr(person::Column::Interests, s(i.interests))
        .col_expr(
            person::Column::ResidenceStatus,
            s(i.residence_status.map(|x| x.as_str().to_string())),
        )
        .col_expr(
            person::Column::ResidenceValidUntil,
            Expr::value(i.residence_valid_until),
        )
        .col_expr(
            person::Column::Housing,
            s(i.housing.map(|x| x.as_str().to_string())),
        )
        .col_expr(person::Column::Benefits, s(benefits))
        .col_expr(person::Column::Phone, s(i.phone))
        .col_expr(person::Column::Email, s(i.email))
        .col_expr(person::Column::Address, s(i.address))
        .col_expr(
            person::Column::InterpreterLanguage,
            s(i.interpreter_language),
        )
        .col_expr(person::Column::UpdatedAt, Expr::value(ctx.now()))
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
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

async fn require_consent<C: ConnectionTrait>(conn: &C, ctx: &Ctx, person_id: i64) -> Result<()> {
    match consent::state(conn, person_id, ctx.today()).await? {
        ConsentState::Active(_) => Ok(()),
        _ => Err(Error::Conflict("error-no-consent")),
    }
}

fn health_aad(person_id: i64) -> Aad<'static> {
    Aad {
        table: "persons",
        column: "health_sealed",
        row: person_id,
    }
}

/// Opens the health needs (special category). Every opening is audited.
pub async fn open_health(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
) -> Result<(Option<String>, i32)> {
    audit::read(db, async |tx| {
        let ev = Event::on("client_viewed", "person", person_id).section("health");
        let (p, _) = access::person_for(tx, ctx, person_id, Action::ReadClient, ev.clone()).await?;
        require_consent(tx, ctx, person_id).await?;
        let text = match &p.health_sealed {
            Some(blob) => Some(
                sealer
                    .open(&health_aad(person_id), blob)
                    .map_err(|e| Error::Internal(format!("health needs of a person: {e}")))?,
            ),
            None => None,
        };
        audit::record(tx, ctx, ev).await?;
        Ok((text, p.version))
    })
    .await
}

/// Saves (or, with `None`, removes) the health needs, sealed.
pub async fn update_health(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
    version: i32,
    text: Option<String>,
) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("client_updated", "person", person_id).section("health");
    let (tx, _, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
    require_consent(&tx, ctx, person_id).await?;
    let sealed = match text {
        Some(t) => Some(
            sealer
                .seal(&health_aad(person_id), &t)
                .map_err(|e| Error::Internal(format!("sealing health needs: {e}")))?,
        ),
        None => None,
    };
    let res = person::Entity::update_many()
        .col_expr(person::Column::HealthSealed, Expr::value(sealed))
        .col_expr(person::Column::UpdatedAt, Expr::value(ctx.now()))
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
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// A member of a household as shown on a record.
#[derive(Clone, Debug)]
pub struct Member {
    pub person: person::Model,
    pub minor: bool,
}

/// A client's record as the IM sees it. Intake data is `None` unless a consent is active.
#[derive(Clone, Debug)]
pub struct ClientView {
    pub person: person::Model,
    pub minor: bool,
    pub consent: ConsentState,
    pub consents: Vec<ankommen_store::entities::consent::Model>,
    pub intake: Option<Intake>,
    pub has_health: bool,
    pub cases: Vec<case::Model>,
    pub household: Vec<Member>,
    /// Household members the actor may not open.
    pub household_hidden: usize,
    pub releases: Vec<crate::records::releases::ReleaseView>,
}

fn is_minor(p: &person::Model, today: NaiveDate) -> bool {
    Birth::from_stored(p.birth_date, p.birth_year).age_on(today) < 18
}

/// Loads a client's record. The read is audited in the same transaction.
pub async fn get(db: &Db, ctx: &Ctx, person_id: i64) -> Result<ClientView> {
    audit::read(db, async |tx| {
        let ev = Event::on("client_viewed", "person", person_id).section("record");
        let (p, cases) =
            access::person_for(tx, ctx, person_id, Action::ReadClient, ev.clone()).await?;
        let today = ctx.today();
        let consent = consent::state(tx, person_id, today).await?;
        let consents = consent::list(tx, person_id).await?;
        let intake = matches!(consent, ConsentState::Active(_)).then(|| Intake::from_person(&p));
        let (household, household_hidden) = match p.household_id {
            Some(h) => {
                let (members, hidden, _) = household_members(tx, ctx, h, Some(person_id)).await?;
                (members, hidden)
            }
            None => (vec![], 0),
        };
        let releases = crate::records::releases::list(tx, person_id, today).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(ClientView {
            minor: is_minor(&p, today),
            has_health: p.health_sealed.is_some(),
            person: p,
            consent,
            consents,
            intake,
            cases,
            household,
            household_hidden,
            releases,
        })
    })
    .await
}

/// The members of a household the actor may read, how many others there are, and the cases
/// through which the shown members may be read.
async fn household_members<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    household_id: i64,
    except: Option<i64>,
) -> Result<(Vec<Member>, usize, Vec<case::Model>)> {
    let today = ctx.today();
    let all = person::Entity::find()
        .filter(person::Column::HouseholdId.eq(household_id))
        .all(conn)
        .await?;
    let others: Vec<person::Model> = all.into_iter().filter(|p| Some(p.id) != except).collect();
    let ids: Vec<i64> = others.iter().map(|p| p.id).collect();
    let links = access::allowed_cases(conn, ctx, &ids, Action::ReadClient).await?;
    let mut cases: Vec<case::Model> = Vec::new();
    for l in &links {
        if !cases.iter().any(|x| x.id == l.case.id) {
            cases.push(l.case.clone());
        }
    }
    access::open_first_newest(&mut cases);
    let mut shown = Vec::new();
    let mut hidden = 0;
    for p in others {
        if links.iter().any(|l| l.person_id == p.id) {
            shown.push(Member {
                minor: is_minor(&p, today),
                person: p,
            });
        } else {
            hidden += 1;
        }
    }
    shown.sort_by_key(|m| (m.minor, m.person.birth_year, m.person.id));
    Ok((shown, hidden, cases))
}

/// A household with everyone the actor may see, and their cases.
#[derive(Clone, Debug)]
pub struct HouseholdView {
    pub id: i64,
    pub members: Vec<Member>,
    pub hidden: usize,
    pub cases: Vec<case::Model>,
}

pub async fn household(db: &Db, ctx: &Ctx, household_id: i64) -> Result<HouseholdView> {
    audit::read(db, async |tx| {
        let ev = Event::on("household_viewed", "household", household_id);
        let Some(_) = household::Entity::find_by_id(household_id).one(tx).await? else {
            return Err(Error::NotFound);
        };
        let (members, hidden, cases) = household_members(tx, ctx, household_id, None).await?;
        if members.is_empty() {
            return ctx.refuse(tx, ev, Error::NotFound).await;
        }
        for m in &members {
            audit::record(
                tx,
                ctx,
                Event::on("client_viewed", "person", m.person.id).section("household"),
            )
            .await?;
        }
        audit::record(tx, ctx, ev).await?;
        Ok(HouseholdView {
            id: household_id,
            members,
            hidden,
            cases,
        })
    })
    .await
}

/// Where a new household member's counselling runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberCase {
    /// Join this case of the household (one case for the family).
    Join(i64),
    /// Open a separate case, assigned to the acting IM.
    Own,
    /// Only a member of the household (e.g. a small child), in the client's case.
    None,
}

/// Adds a person to a client's household. Creates the household (with the client as its head) if
/// the client has none yet.
pub async fn add_member(
    db: &Db,
    ctx: &Ctx,
    client_id: i64,
    m: MinimumInput,
    relation: HouseholdRelation,
    mode: MemberCase,
) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("household_member_added", "person", client_id).section("household");
    let (tx, client, cases) =
        access::person_in(tx, ctx, client_id, Action::WriteClient, ev.clone()).await?;
    // A household lives in one municipality: the member's is the client's.
    let mut m = m;
    m.municipality =
        Ags::parse(&client.municipality_ags).map_err(|k| Error::field("municipality", k))?;
    let household_id = match client.household_id {
        Some(h) => h,
        None => {
            let h = household::Entity::insert(household::ActiveModel {
                id: NotSet,
                municipality_ags: Set(client.municipality_ags.clone()),
                external_id: Set(None),
                created_at: Set(ctx.now()),
                created_by: Set(ctx.actor.staff_id),
            })
            .exec(&tx)
            .await?
            .last_insert_id;
            person::Entity::update_many()
                .col_expr(person::Column::HouseholdId, Expr::value(h))
                .col_expr(
                    person::Column::Relation,
                    Expr::value(client.relation.clone().unwrap_or_else(|| "head".into())),
                )
                .filter(person::Column::Id.eq(client_id))
                .exec(&tx)
                .await?;
            for c in &cases {
                case::Entity::update_many()
                    .col_expr(case::Column::HouseholdId, Expr::value(h))
                    .filter(case::Column::Id.eq(c.id))
                    .filter(case::Column::HouseholdId.is_null())
                    .exec(&tx)
                    .await?;
            }
            h
        }
    };
    let member_id = insert_person(&tx, ctx, &m, Some(household_id), Some(relation)).await?;
    match mode {
        MemberCase::Join(_) | MemberCase::None => {
            let target = if let MemberCase::Join(id) = mode {
                cases.iter().find(|c| c.id == id)
            } else {
                cases.iter().find(|c| c.status != "closed")
            };
            let Some(target) = target else {
                return Err(Error::field("case", "error-choice"));
            };
            case_person::Entity::insert(case_person::ActiveModel {
                case_id: Set(target.id),
                person_id: Set(member_id),
            })
            .exec_without_returning(&tx)
            .await?;
        }
        MemberCase::Own => {
            if !ctx.actor.has(Role::Im) {
                return Err(Error::Forbidden);
            }
            crate::casework::cases::open_case(
                &tx,
                ctx,
                crate::casework::cases::NewCase {
                    municipality: m.municipality.as_str().to_string(),
                    household_id: Some(household_id),
                    opened_on: ctx.today(),
                    clock_start: m.au_move_in.unwrap_or(ctx.today()),
                    eligibility_note: None,
                    persons: vec![member_id],
                },
            )
            .await?;
        }
    }
    audit::record(&tx, ctx, ev).await?;
    audit::record(
        &tx,
        ctx,
        Event::on("client_registered", "person", member_id).section("household"),
    )
    .await?;
    tx.commit().await?;
    Ok(member_id)
}
