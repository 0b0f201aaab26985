//! A client's record: the view an IM reads, and the voluntary intake data behind the consent gate.

use ankommen_store::Db;
use ankommen_store::entities::{case, person};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::health::resealed_health;
use super::households::household_members;
use crate::administration::intake_catalog::{IntakeCatalog, IntakeList};
use crate::administration::organisations::expect_updated;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{
    Benefit, GermanLevel, Housing, LanguageEntry, LanguageLevel, ResidenceStatus, Sex, is_language,
    parse_nationality,
};
use crate::kernel::policy::Action;
use crate::kernel::sealed::Sealing;
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{Birth, parse_date_opt, parse_text};
use crate::records::consent::{self, ConsentState, Coverage, Data};
use crate::{Ctx, Error, FieldErrors, Result};

/// A member of a household as shown on a record.
#[derive(Clone, Debug)]
pub struct Member {
    pub person: person::Model,
    pub minor: bool,
}

/// A client's record as the IM sees it. Intake data is `None`, and the health needs count as
/// absent, unless the consent covers them ([`Coverage`]).
#[derive(Clone, Debug)]
pub struct ClientView {
    pub person: person::Model,
    pub minor: bool,
    pub consent: ConsentState,
    /// What the consent covers today: the page asks it for every voluntary section.
    pub coverage: Coverage,
    pub consents: Vec<ankommen_store::entities::consent::Model>,
    pub intake: Option<Intake>,
    pub has_health: bool,
    pub cases: Vec<case::Model>,
    /// When each of `cases` is erased (in the same order), and for this person when their voluntary
    /// data goes after a withdrawal of consent.
    pub erasure: Vec<crate::casework::retention::CaseRetention>,
    pub household: Vec<Member>,
    /// Household members the actor may not open.
    pub household_hidden: usize,
    pub releases: Vec<crate::records::releases::ReleaseView>,
}

pub(super) fn is_minor(p: &person::Model, today: NaiveDate) -> bool {
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
        let coverage = Coverage::of(&consent);
        let intake = Intake::covered(&p, coverage);
        let (household, household_hidden) = match p.household_id {
            Some(h) => {
                let (members, hidden, _) = household_members(tx, ctx, h, Some(person_id)).await?;
                (members, hidden)
            }
            None => (vec![], 0),
        };
        let releases = crate::records::releases::list(tx, person_id, today).await?;
        let mut erasure = Vec::with_capacity(cases.len());
        for c in &cases {
            let mut r = crate::casework::retention::of_case(tx, c, today).await?;
            r.withdrawn.retain(|w| w.person_id == person_id);
            erasure.push(r);
        }
        audit::record(tx, ctx, ev).await?;
        Ok(ClientView {
            erasure,
            minor: is_minor(&p, today),
            has_health: coverage.covers(Data::Health) && p.health_sealed.is_some(),
            person: p,
            consent,
            coverage,
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
    /// A key of the residence status list (fixed or the administrator's, see `intake_catalog`).
    pub residence_status: Option<String>,
    pub residence_valid_until: Option<NaiveDate>,
    /// The legal basis of a residence permit ("§ 25 Abs. 2 AufenthG"); only with a permit.
    pub residence_basis: Option<String>,
    pub entry_date: Option<NaiveDate>,
    pub housing: Option<Housing>,
    pub benefits: Vec<String>,
    pub health_insurance: Option<String>,
    pub health_insurer: Option<String>,
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
    pub residence_basis: String,
    pub entry_date: String,
    pub housing: String,
    pub benefits: Vec<String>,
    pub health_insurance: String,
    pub health_insurer: String,
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
        let languages = parse_languages(&mut e, &f.languages);
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
        let residence_status = opt_enum(&mut e, "residence_status", &f.residence_status, list_key);
        let residence_valid_until = e
            .take(
                "residence_valid_until",
                parse_date_opt(&f.residence_valid_until),
            )
            .flatten();
        let residence_basis = text(&mut e, "residence_basis", &f.residence_basis, 100);
        // A local status is checked against its exchange value when stored.
        if residence_basis.is_some()
            && residence_status.as_deref().is_some_and(|s| {
                ResidenceStatus::parse(s).is_ok_and(|s| s != ResidenceStatus::ResidencePermit)
            })
        {
            e.add("residence_basis", "error-residence-basis-permit");
        }
        let entry_date = e
            .take("entry_date", parse_date_opt(&f.entry_date))
            .flatten();
        let housing = opt_enum(&mut e, "housing", &f.housing, Housing::parse);
        let benefits = parse_benefits(&mut e, &f.benefits);
        let health_insurance = opt_enum(&mut e, "health_insurance", &f.health_insurance, list_key);
        let health_insurer = text(&mut e, "health_insurer", &f.health_insurer, 200);
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
        let interpreter_language = parse_interpreter_language(&mut e, &f.interpreter_language);
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
            residence_basis,
            entry_date,
            housing,
            benefits,
            health_insurance,
            health_insurer,
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
            residence_status: p.residence_status.clone(),
            residence_valid_until: p.residence_valid_until,
            residence_basis: p.residence_basis.clone(),
            entry_date: p.entry_date,
            health_insurance: p.health_insurance.clone(),
            health_insurer: p.health_insurer.clone(),
            housing: p.housing.as_deref().and_then(|s| Housing::parse(s).ok()),
            benefits: p
                .benefits
                .as_deref()
                .unwrap_or("")
                .split(',')
                .filter(|b| !b.is_empty())
                .map(str::to_string)
                .collect(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            address: p.address.clone(),
            interpreter_language: p.interpreter_language.clone(),
        }
    }

    /// The intake data of a person as far as their consent covers it: None without.
    pub fn covered(p: &person::Model, coverage: Coverage) -> Option<Self> {
        coverage.covers(Data::Intake).then(|| Self::from_person(p))
    }

    /// The checks that need the person and the day: the entry into Germany lies neither in the
    /// future nor before the person's birth.
    pub fn check_dates(&self, p: &person::Model, today: NaiveDate) -> Result<()> {
        let Some(entry) = self.entry_date else {
            return Ok(());
        };
        if entry > today {
            return Err(Error::field("entry_date", "error-date-future"));
        }
        let born_later = match p.birth_date {
            Some(b) => entry < b,
            None => chrono::Datelike::year(&entry) < p.birth_year,
        };
        if born_later {
            return Err(Error::field("entry_date", "error-entry-before-birth"));
        }
        Ok(())
    }

    /// The check against the value lists as they stand: every key a fixed value or an active
    /// value the administrator added; a permit's legal basis only with a status reported as a
    /// residence permit.
    pub fn check_lists(&self, c: &IntakeCatalog) -> Result<()> {
        let mut e = FieldErrors::new();
        if let Some(s) = &self.residence_status {
            if !c.accepts(IntakeList::ResidenceStatus, s) {
                e.add("residence_status", "error-choice");
            } else if self.residence_basis.is_some()
                && c.exchange_value(IntakeList::ResidenceStatus, s)
                    != ResidenceStatus::ResidencePermit.as_str()
            {
                e.add("residence_basis", "error-residence-basis-permit");
            }
        }
        if self
            .benefits
            .iter()
            .any(|b| !c.accepts(IntakeList::Benefit, b))
        {
            e.add("benefits", "error-choice");
        }
        if let Some(h) = &self.health_insurance
            && !c.accepts(IntakeList::HealthInsurance, h)
        {
            e.add("health_insurance", "error-choice");
        }
        e.into_result()
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The languages a client speaks, each with its level; empty codes are skipped, repeated ones
/// kept once.
fn parse_languages(e: &mut FieldErrors, typed: &[(String, String)]) -> Vec<LanguageEntry> {
    let mut languages = Vec::new();
    for (code, level) in typed {
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
    languages
}

/// The shape of a key of an intake list (a fixed value or one the administrator added); whether
/// the list holds it is [`Intake::check_lists`]'s question.
fn list_key(s: &str) -> std::result::Result<String, &'static str> {
    let s = s.trim();
    if !s.is_empty()
        && s.len() <= 60
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(s.to_string())
    } else {
        Err("error-choice")
    }
}

/// The benefits a client receives; "none" excludes every other.
fn parse_benefits(e: &mut FieldErrors, typed: &[String]) -> Vec<String> {
    let mut benefits: Vec<String> = Vec::new();
    for b in typed {
        if let Some(b) = e.take("benefits", list_key(b))
            && !benefits.contains(&b)
        {
            benefits.push(b);
        }
    }
    if benefits.iter().any(|b| b == Benefit::None.as_str()) && benefits.len() > 1 {
        e.add("benefits", "error-benefits-none");
    }
    benefits
}

/// The language a client needs an interpreter for (empty: none).
fn parse_interpreter_language(e: &mut FieldErrors, s: &str) -> Option<String> {
    if s.trim().is_empty() {
        None
    } else if is_language(s.trim()) {
        Some(s.trim().to_string())
    } else {
        e.add("interpreter_language", "error-choice");
        None
    }
}

/// Saves the intake data. Refused without an active consent (the consent gate).
pub async fn update_intake(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
    version: i32,
    i: Intake,
) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("client_updated", "person", person_id).section("intake");
    let (tx, p, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
    consent::require(&tx, person_id, Data::Intake, ctx.today()).await?;
    i.check_dates(&p, ctx.today())?;
    // The health needs are bound to the row's version: sealed again for the next one.
    let health = resealed_health(&Sealing::begin(&tx, sealer).await?, &p, version)?;
    store_intake(&tx, ctx, person_id, version, i, health).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes the intake data of a person at `version` (the caller checked access and the consent),
/// raising the version; `health` is the health needs sealed for the next version.
pub(crate) async fn store_intake<C: sea_orm::ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    person_id: i64,
    version: i32,
    i: Intake,
    health: Option<Vec<u8>>,
) -> Result<()> {
    i.check_lists(&IntakeCatalog::load(conn).await?)?;
    let langs = if i.languages.is_empty() {
        None
    } else {
        serde_json::to_string(&i.languages).ok()
    };
    let benefits = if i.benefits.is_empty() {
        None
    } else {
        Some(i.benefits.join(","))
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
        .col_expr(person::Column::ResidenceStatus, s(i.residence_status))
        .col_expr(
            person::Column::ResidenceValidUntil,
            Expr::value(i.residence_valid_until),
        )
        .col_expr(
            person::Column::Housing,
            s(i.housing.map(|x| x.as_str().to_string())),
        )
        .col_expr(person::Column::Benefits, s(benefits))
        .col_expr(person::Column::ResidenceBasis, s(i.residence_basis))
        .col_expr(person::Column::EntryDate, Expr::value(i.entry_date))
        .col_expr(person::Column::HealthInsurance, s(i.health_insurance))
        .col_expr(person::Column::HealthInsurer, s(i.health_insurer))
        .col_expr(person::Column::Phone, s(i.phone))
        .col_expr(person::Column::Email, s(i.email))
        .col_expr(person::Column::Address, s(i.address))
        .col_expr(
            person::Column::InterpreterLanguage,
            s(i.interpreter_language),
        )
        .col_expr(person::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(person::Column::HealthSealed, Expr::value(health))
        .col_expr(person::Column::Version, Expr::value(version + 1))
        .filter(person::Column::Id.eq(person_id))
        .filter(person::Column::Version.eq(version))
        .exec(conn)
        .await?;
    expect_updated(
        conn,
        res.rows_affected,
        person::Entity::find_by_id(person_id),
    )
    .await?;
    Ok(())
}
