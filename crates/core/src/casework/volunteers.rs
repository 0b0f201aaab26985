//! Volunteers (issue 23, decision 0031): each organisation's register of volunteers
//! (Ehrenamtliche), the reminders before a pledge or police certificate is missing or lapses, the
//! matches of a volunteer with a person of a case, the one-page sheet for the volunteer and the
//! coordinator's figures.
//!
//! The register is kept and read by the organisation's IMs and team leads only (another
//! organisation's volunteer answers like a missing one); reading it is not audited per row (like
//! the directory), every change and every refusal is. A match is made by whoever may record a
//! contact on the case (`WriteClient`, as referrals); data passes to the volunteer only under a
//! release for that volunteer ([`releases::covering`], the rule referrals use) covering every
//! category handed over on the match's first day.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::entities::{
    case, municipality, organisation, person, staff, volunteer, volunteer_match,
};
use ankommen_store::{Db, Opened};
use chrono::{Months, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::administration::intake_catalog::IntakeCatalog;
use crate::administration::organisations::expect_updated;
use crate::administration::settings::WorkRules;
use crate::casework::figures::disclosure::{self, Raw, Table};
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{
    CaseStatus, DataCategory, ReleasedField, VolunteerOffer, is_language,
};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::sealed::{self, Sealing, VOLUNTEER_PURPOSE};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{Name, parse_date, parse_date_opt, parse_text};
use crate::records::releases::{self, Disclosure, RecipientRef};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest phone number and e-mail address.
pub const CONTACT_MAX: usize = 200;
/// The longest availability, note and purpose.
pub const TEXT_MAX: usize = 2000;

/// The data categories a match may hand to a volunteer: who the person is, how to reach them,
/// which languages they speak. Nothing else belongs on a volunteer's sheet.
pub const CATEGORIES: [DataCategory; 3] = [
    DataCategory::Identity,
    DataCategory::Contact,
    DataCategory::LanguageEducation,
];

/// The fields of those categories the sheet shows (the rest of a category, e.g. nationality or
/// school, is not the volunteer's business).
pub const SHEET_FIELDS: [ReleasedField; 6] = [
    ReleasedField::Name,
    ReleasedField::Birth,
    ReleasedField::Address,
    ReleasedField::Phone,
    ReleasedField::Email,
    ReleasedField::Languages,
];

fn resource(organisation_id: i64) -> Resource {
    Resource::Volunteer { organisation_id }
}

fn split(s: &str) -> Vec<&str> {
    s.split(',').filter(|x| !x.is_empty()).collect()
}

/// The language codes a volunteer speaks.
pub fn languages_of(v: &volunteer::Model) -> Vec<&str> {
    split(&v.languages)
}

/// The offer keys of a volunteer.
pub fn offers_of(v: &volunteer::Model) -> Vec<&str> {
    split(&v.offers)
}

/// The AGS keys of the municipalities a volunteer is active in.
pub fn municipalities_of(v: &volunteer::Model) -> Vec<&str> {
    split(&v.municipalities)
}

/// The data categories a match handed over.
pub fn categories_of(m: &volunteer_match::Model) -> Vec<DataCategory> {
    m.data_categories
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|c| DataCategory::parse(c).ok())
        .collect()
}

/// Whether a match runs on `on`.
pub fn is_active_on(m: &volunteer_match::Model, on: NaiveDate) -> bool {
    m.from_date <= on && m.until_date.is_none_or(|u| u >= on)
}

// ---------------------------------------------------------------------------------------------
// The register

/// The register's filter (all empty: every active volunteer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub language: Option<String>,
    pub offer: Option<VolunteerOffer>,
    /// An AGS.
    pub municipality: Option<String>,
    pub include_inactive: bool,
}

impl Filter {
    /// From the query string; a value outside its list is a field error (and left out).
    pub fn parse(
        language: &str,
        offer: &str,
        municipality: &str,
        inactive: &str,
    ) -> (Self, FieldErrors) {
        let mut e = FieldErrors::new();
        let language = match language.trim() {
            "" => None,
            l if is_language(l) => Some(l.to_string()),
            _ => {
                e.add("language", "error-choice");
                None
            }
        };
        let offer = match offer.trim() {
            "" => None,
            o => e.take("offer", VolunteerOffer::parse(o)),
        };
        let municipality = match municipality.trim() {
            "" => None,
            m if m.len() == 8 && m.bytes().all(|b| b.is_ascii_digit()) => Some(m.to_string()),
            _ => {
                e.add("municipality", "error-choice");
                None
            }
        };
        let f = Self {
            language,
            offer,
            municipality,
            include_inactive: inactive.trim() == "yes",
        };
        (f, e)
    }

    pub fn keeps(&self, v: &volunteer::Model) -> bool {
        (self.include_inactive || v.active)
            && self
                .language
                .as_deref()
                .is_none_or(|l| languages_of(v).contains(&l))
            && self
                .offer
                .is_none_or(|o| offers_of(v).contains(&o.as_str()))
            && self
                .municipality
                .as_deref()
                .is_none_or(|m| municipalities_of(v).contains(&m))
    }
}

/// The actor's organisation's volunteers, by name.
async fn of_organisation<C: ConnectionTrait>(
    conn: &C,
    organisation_id: i64,
) -> Result<Vec<volunteer::Model>> {
    Ok(volunteer::Entity::find()
        .filter(volunteer::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(volunteer::Column::Name)
        .order_by_asc(volunteer::Column::Id)
        .all(conn)
        .await?)
}

/// The register as the filter narrows it. Not audited per row (organisational register, like the
/// directory); a refusal is.
pub async fn list(db: &Db, ctx: &Ctx, filter: &Filter) -> Result<Vec<volunteer::Model>> {
    ctx.authorize(
        db.writer(),
        Action::ReadVolunteers,
        &resource(ctx.actor.organisation_id),
        Event::new("volunteers_listed"),
        Error::Forbidden,
    )
    .await?;
    Ok(of_organisation(db.reader(), ctx.actor.organisation_id)
        .await?
        .into_iter()
        .filter(|v| filter.keeps(v))
        .collect())
}

/// One volunteer of the actor's organisation (another organisation's answers like a missing one).
pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<volunteer::Model> {
    let Some(v) = volunteer::Entity::find_by_id(id).one(db.reader()).await? else {
        return Err(Error::NotFound);
    };
    ctx.authorize(
        db.writer(),
        Action::ReadVolunteers,
        &resource(v.organisation_id),
        Event::on("volunteer_viewed", "volunteer", id),
        Error::NotFound,
    )
    .await?;
    Ok(v)
}

/// How many matches name the volunteer (any time), and how many run today.
pub async fn match_counts<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    today: NaiveDate,
) -> Result<(u64, u64)> {
    let all = volunteer_match::Entity::find()
        .filter(volunteer_match::Column::VolunteerId.eq(id))
        .all(conn)
        .await?;
    let active = all.iter().filter(|m| is_active_on(m, today)).count();
    Ok((all.len() as u64, active as u64))
}

/// The register's form as typed.
#[derive(Clone, Debug, Default)]
pub struct VolunteerForm {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub languages: Vec<String>,
    pub offers: Vec<String>,
    /// AGS keys.
    pub municipalities: Vec<String>,
    pub availability: String,
    pub pledge_on: String,
    /// `yes` or `no`.
    pub works_with_minors: String,
    pub police_certificate_on: String,
    pub note: String,
    /// `yes` or `no`.
    pub active: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct VolunteerInput {
    name: Name,
    phone: Option<String>,
    email: Option<String>,
    languages: Vec<String>,
    offers: Vec<String>,
    municipalities: Vec<String>,
    availability: Option<String>,
    pledge_on: Option<NaiveDate>,
    works_with_minors: bool,
    police_certificate_on: Option<NaiveDate>,
    note: Option<String>,
    active: bool,
}

fn yes_no(s: &str) -> std::result::Result<bool, &'static str> {
    match s.trim() {
        "yes" => Ok(true),
        "no" => Ok(false),
        "" => Err("error-required"),
        _ => Err("error-choice"),
    }
}

fn parse(
    f: &VolunteerForm,
    places: &[municipality::Model],
    today: NaiveDate,
) -> std::result::Result<VolunteerInput, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = e.take("name", Name::parse(&f.name));
    let phone = e.take("phone", parse_text(&f.phone, CONTACT_MAX)).flatten();
    let email = e
        .take(
            "email",
            parse_text(&f.email, CONTACT_MAX).and_then(|m| match m {
                Some(m) if !m.contains('@') || m.contains(char::is_whitespace) => {
                    Err("error-email")
                }
                m => Ok(m),
            }),
        )
        .flatten();
    let mut languages: Vec<String> = Vec::new();
    for l in f
        .languages
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        if !is_language(l) {
            e.add("languages", "error-choice");
        } else if !languages.iter().any(|x| x == l) {
            languages.push(l.to_string());
        }
    }
    let mut offers: Vec<String> = Vec::new();
    for o in f.offers.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        match VolunteerOffer::parse(o) {
            Ok(o) if !offers.iter().any(|x| x == o.as_str()) => offers.push(o.as_str().into()),
            Ok(_) => {}
            Err(k) => e.add("offers", k),
        }
    }
    let mut municipalities: Vec<String> = Vec::new();
    for m in f
        .municipalities
        .iter()
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
    {
        match places.iter().find(|p| p.ags == m) {
            Some(p) if !municipalities.contains(&p.ags) => municipalities.push(p.ags.clone()),
            Some(_) => {}
            None => e.add("municipalities", "error-choice"),
        }
    }
    municipalities.sort();
    let availability = e
        .take("availability", parse_text(&f.availability, TEXT_MAX))
        .flatten();
    let not_future = |e: &mut FieldErrors, field: &'static str, d: Option<NaiveDate>| match d {
        Some(d) if d > today => {
            e.add(field, "error-date-future");
            None
        }
        d => d,
    };
    let pledge_on = e.take("pledge_on", parse_date_opt(&f.pledge_on)).flatten();
    let pledge_on = not_future(&mut e, "pledge_on", pledge_on);
    let works_with_minors = e.take("works_with_minors", yes_no(&f.works_with_minors));
    let police_certificate_on = e
        .take(
            "police_certificate_on",
            parse_date_opt(&f.police_certificate_on),
        )
        .flatten();
    let police_certificate_on = not_future(&mut e, "police_certificate_on", police_certificate_on);
    let note = e.take("note", parse_text(&f.note, TEXT_MAX)).flatten();
    let active = e.take("active", yes_no(&f.active));
    match (name, works_with_minors, active) {
        (Some(name), Some(works_with_minors), Some(active)) if e.is_empty() => Ok(VolunteerInput {
            name,
            phone,
            email,
            languages,
            offers,
            municipalities,
            availability,
            pledge_on,
            works_with_minors,
            police_certificate_on,
            note,
            active,
        }),
        _ => Err(e),
    }
}

async fn places<C: ConnectionTrait>(conn: &C) -> Result<Vec<municipality::Model>> {
    Ok(municipality::Entity::find().all(conn).await?)
}

/// Adds a volunteer to the actor's organisation's register. Returns the id.
pub async fn create(db: &Db, ctx: &Ctx, f: &VolunteerForm) -> Result<i64> {
    let tx = db.begin().await?;
    let checked = ctx
        .authorize(
            &tx,
            Action::ManageVolunteers,
            &resource(ctx.actor.organisation_id),
            Event::new("volunteer_created"),
            Error::Forbidden,
        )
        .await;
    let (tx, ()) = access::in_tx(tx, checked).await?;
    let i = parse(f, &places(&tx).await?, ctx.today()).map_err(Error::Invalid)?;
    let now = ctx.now();
    let id = volunteer::Entity::insert(volunteer::ActiveModel {
        id: NotSet,
        organisation_id: Set(ctx.actor.organisation_id),
        name: Set(i.name.into_string()),
        phone: Set(i.phone),
        email: Set(i.email),
        languages: Set(i.languages.join(",")),
        offers: Set(i.offers.join(",")),
        municipalities: Set(i.municipalities.join(",")),
        availability: Set(i.availability),
        pledge_on: Set(i.pledge_on),
        works_with_minors: Set(i.works_with_minors),
        police_certificate_on: Set(i.police_certificate_on),
        note: Set(i.note),
        active: Set(i.active),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(&tx, ctx, Event::on("volunteer_created", "volunteer", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Loads a volunteer for a change: another organisation's answers like a missing one.
async fn for_change(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    id: i64,
    ev: Event,
) -> Result<(ankommen_store::Tx, volunteer::Model)> {
    let Some(v) = volunteer::Entity::find_by_id(id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let checked = ctx
        .authorize(
            &tx,
            Action::ManageVolunteers,
            &resource(v.organisation_id),
            ev,
            Error::NotFound,
        )
        .await;
    let (tx, ()) = access::in_tx(tx, checked).await?;
    Ok((tx, v))
}

/// Changes a volunteer (optimistic versioning).
pub async fn update(db: &Db, ctx: &Ctx, id: i64, version: i32, f: &VolunteerForm) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("volunteer_updated", "volunteer", id);
    let (tx, _) = for_change(tx, ctx, id, ev.clone()).await?;
    let i = parse(f, &places(&tx).await?, ctx.today()).map_err(Error::Invalid)?;
    let res = volunteer::Entity::update_many()
        .col_expr(volunteer::Column::Name, Expr::value(i.name.into_string()))
        .col_expr(volunteer::Column::Phone, Expr::value(i.phone))
        .col_expr(volunteer::Column::Email, Expr::value(i.email))
        .col_expr(
            volunteer::Column::Languages,
            Expr::value(i.languages.join(",")),
        )
        .col_expr(volunteer::Column::Offers, Expr::value(i.offers.join(",")))
        .col_expr(
            volunteer::Column::Municipalities,
            Expr::value(i.municipalities.join(",")),
        )
        .col_expr(volunteer::Column::Availability, Expr::value(i.availability))
        .col_expr(volunteer::Column::PledgeOn, Expr::value(i.pledge_on))
        .col_expr(
            volunteer::Column::WorksWithMinors,
            Expr::value(i.works_with_minors),
        )
        .col_expr(
            volunteer::Column::PoliceCertificateOn,
            Expr::value(i.police_certificate_on),
        )
        .col_expr(volunteer::Column::Note, Expr::value(i.note))
        .col_expr(volunteer::Column::Active, Expr::value(i.active))
        .col_expr(volunteer::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(volunteer::Column::Version, Expr::value(version + 1))
        .filter(volunteer::Column::Id.eq(id))
        .filter(volunteer::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, volunteer::Entity::find_by_id(id)).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a volunteer no match names (others are marked inactive instead).
pub async fn delete(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("volunteer_deleted", "volunteer", id);
    let (tx, _) = for_change(tx, ctx, id, ev.clone()).await?;
    let matched = volunteer_match::Entity::find()
        .filter(volunteer_match::Column::VolunteerId.eq(id))
        .count(&tx)
        .await?;
    if matched > 0 {
        return Err(Error::Conflict("error-volunteer-matched"));
    }
    volunteer::Entity::delete_by_id(id).exec(&tx).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reminders

/// What is missing or lapsing about a volunteer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReminderKind {
    /// No signed confidentiality pledge.
    PledgeMissing,
    /// Works with minors without an extended police certificate.
    CertificateMissing,
    /// The police certificate has lapsed.
    CertificateLapsed,
    /// The police certificate lapses within the reminder days.
    CertificateLapsing,
}

impl ReminderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::PledgeMissing => "pledge_missing",
            ReminderKind::CertificateMissing => "certificate_missing",
            ReminderKind::CertificateLapsed => "certificate_lapsed",
            ReminderKind::CertificateLapsing => "certificate_lapsing",
        }
    }
}

/// One reminder about one volunteer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    pub volunteer_id: i64,
    pub name: String,
    pub kind: ReminderKind,
    /// The day the certificate lapses (lapsed, lapsing).
    pub date: Option<NaiveDate>,
}

/// The day a police certificate of `on` lapses under the rules.
pub fn certificate_lapses(on: NaiveDate, rules: &WorkRules) -> NaiveDate {
    on.checked_add_months(Months::new(
        rules.police_certificate_years.saturating_mul(12),
    ))
    .unwrap_or(NaiveDate::MAX)
}

/// The reminders about one volunteer on `today` (none for an inactive one).
pub fn reminders_of(v: &volunteer::Model, rules: &WorkRules, today: NaiveDate) -> Vec<Reminder> {
    let mut out = Vec::new();
    if !v.active {
        return out;
    }
    let mut add = |kind, date| {
        out.push(Reminder {
            volunteer_id: v.id,
            name: v.name.clone(),
            kind,
            date,
        })
    };
    if v.pledge_on.is_none() {
        add(ReminderKind::PledgeMissing, None);
    }
    if v.works_with_minors {
        match v.police_certificate_on {
            None => add(ReminderKind::CertificateMissing, None),
            Some(on) => {
                let lapses = certificate_lapses(on, rules);
                let warn = i64::from(rules.volunteer_reminder_days);
                if lapses <= today {
                    add(ReminderKind::CertificateLapsed, Some(lapses));
                } else if (lapses - today).num_days() <= warn {
                    add(ReminderKind::CertificateLapsing, Some(lapses));
                }
            }
        }
    }
    out
}

/// The reminders for the actor's start page: a team lead's for every active volunteer of the
/// organisation, an IM's for the volunteers matched (today or later) with a person of a case the
/// IM holds or matched. Other roles: none. Organisational data of the volunteers, not the
/// clients': not audited (the clients are not named).
pub async fn reminders(db: &Db, ctx: &Ctx, rules: &WorkRules) -> Result<Vec<Reminder>> {
    let a = &ctx.actor;
    if !ctx.allows(Action::ReadVolunteers, &resource(a.organisation_id)) {
        return Ok(Vec::new());
    }
    let today = ctx.today();
    let conn = db.reader();
    let all = of_organisation(conn, a.organisation_id).await?;
    let wanted: Option<BTreeSet<i64>> = if a.has(crate::kernel::types::Role::TeamLead) {
        None
    } else {
        let ids: Vec<i64> = all.iter().map(|v| v.id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let matches = volunteer_match::Entity::find()
            .filter(volunteer_match::Column::VolunteerId.is_in(ids))
            .all(conn)
            .await?;
        let running: Vec<&volunteer_match::Model> = matches
            .iter()
            .filter(|m| m.until_date.is_none_or(|u| u >= today))
            .collect();
        let case_ids: Vec<i64> = running.iter().map(|m| m.case_id).collect();
        let held: BTreeSet<i64> = case::Entity::find()
            .filter(case::Column::Id.is_in(case_ids))
            .filter(case::Column::AssignedTo.eq(a.staff_id))
            .filter(case::Column::OrganisationId.eq(a.organisation_id))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        Some(
            running
                .iter()
                .filter(|m| m.created_by == a.staff_id || held.contains(&m.case_id))
                .map(|m| m.volunteer_id)
                .collect(),
        )
    };
    let mut out: Vec<Reminder> = all
        .iter()
        .filter(|v| wanted.as_ref().is_none_or(|w| w.contains(&v.id)))
        .flat_map(|v| reminders_of(v, rules, today))
        .collect();
    out.sort_by(|x, y| (x.kind, x.date, &x.name).cmp(&(y.kind, y.date, &y.name)));
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Matching

/// The match form as typed.
#[derive(Clone, Debug, Default)]
pub struct MatchForm {
    pub volunteer: String,
    pub person: String,
    pub from: String,
    pub until: String,
    pub purpose: String,
    /// The data categories handed to the volunteer; none: the volunteer gets no data.
    pub categories: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct MatchInput {
    volunteer_id: i64,
    person: i64,
    from: NaiveDate,
    until: Option<NaiveDate>,
    purpose: String,
    categories: Vec<DataCategory>,
}

fn parse_match(f: &MatchForm, c: &case::Model, case_persons: &[i64]) -> Result<MatchInput> {
    let mut e = FieldErrors::new();
    let volunteer_id = match f.volunteer.trim() {
        "" => {
            e.add("volunteer", "error-required");
            None
        }
        v => match v.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                e.add("volunteer", "error-choice");
                None
            }
        },
    };
    let person = match f.person.trim() {
        "" => {
            e.add("person", "error-required");
            None
        }
        p => match p.parse::<i64>() {
            Ok(id) if case_persons.contains(&id) => Some(id),
            _ => {
                e.add("person", "error-choice");
                None
            }
        },
    };
    let from = e.take("from", parse_date(&f.from)).and_then(|d| {
        if d < c.opened_on {
            e.add("from", "error-before-opening");
            None
        } else {
            Some(d)
        }
    });
    let until = e.take("until", parse_date_opt(&f.until)).flatten();
    if let (Some(a), Some(b)) = (from, until)
        && b < a
    {
        e.add("until", "error-until-before-from");
    }
    let purpose = e.take(
        "purpose",
        parse_text(&f.purpose, TEXT_MAX).and_then(|p| p.ok_or("error-required")),
    );
    let mut categories = Vec::new();
    for k in f.categories.iter().filter(|k| !k.trim().is_empty()) {
        match DataCategory::parse(k) {
            Ok(c) if !CATEGORIES.contains(&c) => e.add("categories", "error-choice"),
            Ok(c) if !categories.contains(&c) => categories.push(c),
            Ok(_) => {}
            Err(k) => e.add("categories", k),
        }
    }
    e.into_result()?;
    let (Some(volunteer_id), Some(person), Some(from), Some(purpose)) =
        (volunteer_id, person, from, purpose)
    else {
        return Err(Error::field("form", "error-form"));
    };
    Ok(MatchInput {
        volunteer_id,
        person,
        from,
        until,
        purpose,
        categories,
    })
}

/// What the match form offers for one case.
#[derive(Clone, Debug)]
pub struct MatchChoices {
    pub case: case::Model,
    pub persons: Vec<person::Model>,
    /// The organisation's active volunteers the filter keeps.
    pub volunteers: Vec<volunteer::Model>,
}

/// The form for a new match of a case, with the volunteers the filter finds (only active ones).
/// The read of the case is audited.
pub async fn match_form(db: &Db, ctx: &Ctx, case_id: i64, filter: &Filter) -> Result<MatchChoices> {
    let filter = Filter {
        include_inactive: false,
        ..filter.clone()
    };
    audit::read(db, async |tx| {
        let ev = Event::on("case_viewed", "case", case_id).section("volunteers");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
        if c.status == CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-volunteer-case-closed"));
        }
        let persons = crate::casework::cases::persons_of(tx, case_id).await?;
        let volunteers = if ctx.allows(Action::ReadVolunteers, &resource(c.organisation_id)) {
            of_organisation(tx, c.organisation_id)
                .await?
                .into_iter()
                .filter(|v| filter.keeps(v))
                .collect()
        } else {
            Vec::new()
        };
        audit::record(tx, ctx, ev).await?;
        Ok(MatchChoices {
            case: c,
            persons,
            volunteers,
        })
    })
    .await
}

/// Matches a volunteer with a person of the case. Returns the match's id. Handing data over needs
/// a release for the volunteer (by name) that covers every chosen category on the first day;
/// otherwise the categories are refused with a field error (the form offers to record a release
/// first, or to match without data).
pub async fn record_match(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    form: &MatchForm,
) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("volunteer_matched", "case", case_id);
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev).await?;
    if c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-volunteer-case-closed"));
    }
    let case_persons: Vec<i64> = crate::casework::cases::persons_of(&tx, case_id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let i = parse_match(form, &c, &case_persons)?;
    // Only an active volunteer of the case's organisation (anything else: not a choice).
    let Some(v) = volunteer::Entity::find_by_id(i.volunteer_id)
        .one(&tx)
        .await?
        .filter(|v| v.active && v.organisation_id == c.organisation_id)
    else {
        return Err(Error::field("volunteer", "error-choice"));
    };
    let release_id = if i.categories.is_empty() {
        None
    } else {
        match releases::covering(
            &tx,
            i.person,
            &i.categories,
            &RecipientRef::Named(&v.name),
            i.from,
        )
        .await?
        {
            Some(r) => Some(r),
            None => return Err(Error::field("categories", "error-volunteer-no-release")),
        }
    };
    let now = ctx.now();
    let id = volunteer_match::Entity::insert(volunteer_match::ActiveModel {
        id: NotSet,
        volunteer_id: Set(v.id),
        case_id: Set(case_id),
        person_id: Set(i.person),
        purpose_sealed: Set(None),
        from_date: Set(i.from),
        until_date: Set(i.until),
        data_categories: Set((!i.categories.is_empty()).then(|| {
            i.categories
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })),
        release_id: Set(release_id),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    // The purpose is sealed for this row, so it is written once the row has its id.
    let sealing = Sealing::begin(&tx, sealer).await?;
    let sealed = sealing.seal(VOLUNTEER_PURPOSE.at(id), &i.purpose)?;
    volunteer_match::Entity::update_many()
        .col_expr(volunteer_match::Column::PurposeSealed, Expr::value(sealed))
        .filter(volunteer_match::Column::Id.eq(id))
        .exec(&tx)
        .await?;
    let ev = Event::on("volunteer_matched", "volunteer_match", id)
        .case(case_id)
        .person(i.person);
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

/// Loads a match and its case for `action`; a refusal is audited and answers like a missing one.
async fn match_in(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    match_id: i64,
    action: Action,
    action_name: &'static str,
) -> Result<(
    ankommen_store::Tx,
    volunteer_match::Model,
    case::Model,
    Event,
)> {
    let Some(m) = volunteer_match::Entity::find_by_id(match_id)
        .one(&tx)
        .await?
    else {
        return Err(Error::NotFound);
    };
    let ev = Event::on(action_name, "volunteer_match", match_id)
        .case(m.case_id)
        .person(m.person_id);
    let (tx, c, _) = access::case_in(tx, ctx, m.case_id, action, ev.clone()).await?;
    Ok((tx, m, c, ev))
}

/// Ends a match on a day (not before it began). Returns the case's id.
pub async fn end_match(
    db: &Db,
    ctx: &Ctx,
    match_id: i64,
    version: i32,
    until: &str,
) -> Result<i64> {
    let tx = db.begin().await?;
    let (tx, m, _, ev) = match_in(
        tx,
        ctx,
        match_id,
        Action::WriteClient,
        "volunteer_match_ended",
    )
    .await?;
    let until = parse_date(until).map_err(|k| Error::field("until", k))?;
    if until < m.from_date {
        return Err(Error::field("until", "error-until-before-from"));
    }
    let res = volunteer_match::Entity::update_many()
        .col_expr(volunteer_match::Column::UntilDate, Expr::value(Some(until)))
        .col_expr(volunteer_match::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(volunteer_match::Column::Version, Expr::value(version + 1))
        .filter(volunteer_match::Column::Id.eq(match_id))
        .filter(volunteer_match::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(
        &tx,
        res.rows_affected,
        volunteer_match::Entity::find_by_id(match_id),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(m.case_id)
}

/// A match as the case page shows it.
#[derive(Clone, Debug)]
pub struct MatchView {
    pub matched: volunteer_match::Model,
    pub volunteer: String,
    pub purpose: Option<Opened>,
    pub categories: Vec<DataCategory>,
    pub active: bool,
}

/// The names of the given volunteers.
pub(crate) async fn names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, String>> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(volunteer::Entity::find()
        .filter(volunteer::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect())
}

/// Opens a match's purpose.
pub(crate) fn purpose_of(sealer: &Sealer, m: &volunteer_match::Model) -> Option<Opened> {
    sealed::open_opt(
        sealer,
        VOLUNTEER_PURPOSE.at(m.id),
        m.purpose_sealed.as_deref(),
    )
}

/// The matches of a case, newest first, purposes opened. For callers that have checked access.
pub(crate) async fn of_case<C: ConnectionTrait>(
    conn: &C,
    sealer: &Sealer,
    case_id: i64,
    today: NaiveDate,
) -> Result<Vec<MatchView>> {
    let all = volunteer_match::Entity::find()
        .filter(volunteer_match::Column::CaseId.eq(case_id))
        .order_by_desc(volunteer_match::Column::FromDate)
        .order_by_desc(volunteer_match::Column::Id)
        .all(conn)
        .await?;
    let names = names(conn, all.iter().map(|m| m.volunteer_id)).await?;
    Ok(all
        .into_iter()
        .map(|m| MatchView {
            volunteer: names.get(&m.volunteer_id).cloned().unwrap_or_default(),
            purpose: purpose_of(sealer, &m),
            categories: categories_of(&m),
            active: is_active_on(&m, today),
            matched: m,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The sheet

/// What the one-page sheet for a volunteer shows: plain data for the documents crate to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolunteerSheet {
    pub match_id: i64,
    pub volunteer: String,
    /// The purpose; None if it cannot be opened.
    pub purpose: Option<String>,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    /// The IM who holds the case: name, organisation, e-mail if stored.
    pub im_name: String,
    pub im_organisation: String,
    pub im_email: Option<String>,
    /// The municipality of the case (the place line of the sheet).
    pub municipality: String,
    /// Only the categories a release for the volunteer covers on the day of printing, and of
    /// them only [`SHEET_FIELDS`]; every other field of the person is absent.
    pub released: Vec<Disclosure>,
    /// The day of printing.
    pub printed_on: NaiveDate,
}

/// The data of the one-page sheet for the volunteer of a match. Whoever may record a contact on
/// the case may print it (handing data over, so a restriction of processing stops it). Each
/// category handed over at the match is shown only if a release for the volunteer still covers
/// it today (a revoked or expired release takes it off the sheet). Audited as a print naming the
/// person (`volunteer_sheet_printed`).
pub async fn sheet(db: &Db, ctx: &Ctx, sealer: &Sealer, match_id: i64) -> Result<VolunteerSheet> {
    let tx = db.begin().await?;
    let (tx, m, c, ev) = match_in(
        tx,
        ctx,
        match_id,
        Action::WriteClient,
        "volunteer_sheet_printed",
    )
    .await?;
    let today = ctx.today();
    let Some(v) = volunteer::Entity::find_by_id(m.volunteer_id)
        .one(&tx)
        .await?
    else {
        return Err(Error::NotFound);
    };
    let Some(p) = person::Entity::find_by_id(m.person_id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let lists = IntakeCatalog::load(&tx).await?;
    let mut released = Vec::new();
    for cat in categories_of(&m) {
        if releases::may_share(&tx, p.id, cat, &RecipientRef::Named(&v.name), today).await? {
            let mut d = releases::disclose(cat, &p, &c, &lists);
            d.fields.retain(|(f, _)| SHEET_FIELDS.contains(f));
            released.push(d);
        }
    }
    let im = staff::Entity::find_by_id(c.assigned_to).one(&tx).await?;
    let org = organisation::Entity::find_by_id(c.organisation_id)
        .one(&tx)
        .await?;
    let municipality = municipality::Entity::find_by_id(c.municipality_ags.clone())
        .one(&tx)
        .await?
        .map(|m| m.name)
        .unwrap_or_default();
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(VolunteerSheet {
        match_id,
        volunteer: v.name,
        purpose: purpose_of(sealer, &m).and_then(|o| o.text().map(str::to_string)),
        from: m.from_date,
        until: m.until_date,
        im_name: im
            .as_ref()
            .map(|s| s.display_name.clone())
            .unwrap_or_default(),
        im_email: im.and_then(|s| s.email),
        im_organisation: org.map(|o| o.name).unwrap_or_default(),
        municipality,
        released,
        printed_on: today,
    })
}

// ---------------------------------------------------------------------------------------------
// Figures

/// The columns of the coordinator's table.
pub const FIGURE_COLUMNS: [&str; 2] = ["active_matches", "active_volunteers"];

/// Active matches (by the municipality of the person's case) and active volunteers (in each
/// municipality they are active in) per municipality, under the figures' disclosure control. For
/// roles that see the county's aggregated figures (the coordinator); no names.
pub async fn figures(db: &Db, ctx: &Ctx) -> Result<Table> {
    ctx.authorize(
        db.writer(),
        Action::ViewFiguresAggregate,
        &Resource::Deployment,
        Event::new("volunteer_figures_viewed"),
        Error::Forbidden,
    )
    .await?;
    let conn = db.reader();
    let today = ctx.today();
    let matches: Vec<volunteer_match::Model> = volunteer_match::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .filter(|m| is_active_on(m, today))
        .collect();
    let case_ids: Vec<i64> = matches
        .iter()
        .map(|m| m.case_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let place_of: BTreeMap<i64, String> = if case_ids.is_empty() {
        BTreeMap::new()
    } else {
        case::Entity::find()
            .filter(case::Column::Id.is_in(case_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c.municipality_ags))
            .collect()
    };
    let volunteers: Vec<volunteer::Model> = volunteer::Entity::find()
        .filter(volunteer::Column::Active.eq(true))
        .all(conn)
        .await?;
    let mut rows: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for m in &matches {
        if let Some(ags) = place_of.get(&m.case_id) {
            rows.entry(ags.clone()).or_insert_with(|| vec![0, 0])[0] += 1;
        }
    }
    for v in &volunteers {
        for ags in municipalities_of(v) {
            rows.entry(ags.to_string()).or_insert_with(|| vec![0, 0])[1] += 1;
        }
    }
    let raw = Raw {
        columns: FIGURE_COLUMNS.to_vec(),
        by_organisation: Vec::new(),
        by_municipality: rows.into_iter().collect(),
        total: vec![matches.len(), volunteers.len()],
        row_relations: Vec::new(),
    };
    Ok(disclosure::protect(&raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn volunteer(pledge: Option<&str>, minors: bool, cert: Option<&str>) -> volunteer::Model {
        let now = chrono::Utc::now();
        volunteer::Model {
            id: 1,
            organisation_id: 1,
            name: "V".into(),
            phone: None,
            email: None,
            languages: String::new(),
            offers: String::new(),
            municipalities: String::new(),
            availability: None,
            pledge_on: pledge.map(d),
            works_with_minors: minors,
            police_certificate_on: cert.map(d),
            note: None,
            active: true,
            created_by: 1,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    fn kinds(v: &volunteer::Model, today: &str) -> Vec<(ReminderKind, Option<NaiveDate>)> {
        reminders_of(v, &WorkRules::default(), d(today))
            .into_iter()
            .map(|r| (r.kind, r.date))
            .collect()
    }

    #[test]
    fn a_certificate_is_reminded_ahead_and_after_it_lapses_only_for_work_with_minors() {
        let today = "2026-11-21";
        // Five years: lapses on 2027-01-01, 41 days ahead (within the 56 days).
        let lapsing = volunteer(Some("2026-01-01"), true, Some("2022-01-01"));
        assert_eq!(
            kinds(&lapsing, today),
            vec![(ReminderKind::CertificateLapsing, Some(d("2027-01-01")))]
        );
        let fresh = volunteer(Some("2026-01-01"), true, Some("2024-01-01"));
        assert!(kinds(&fresh, today).is_empty());
        let lapsed = volunteer(Some("2026-01-01"), true, Some("2021-11-21"));
        assert_eq!(
            kinds(&lapsed, today),
            vec![(ReminderKind::CertificateLapsed, Some(d("2026-11-21")))]
        );
        let adults_only = volunteer(None, false, None);
        assert_eq!(
            kinds(&adults_only, today),
            vec![(ReminderKind::PledgeMissing, None)]
        );
        let missing = volunteer(Some("2026-01-01"), true, None);
        assert_eq!(
            kinds(&missing, today),
            vec![(ReminderKind::CertificateMissing, None)]
        );
        let mut inactive = volunteer(None, true, None);
        inactive.active = false;
        assert!(kinds(&inactive, today).is_empty());
    }
}
