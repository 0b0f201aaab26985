//! Referrals (issue 23, decision 0026): the IM who holds a case refers a person, or the household,
//! to a service of the directory — when, in which field of action, why (sealed like a contact's
//! note), and what data is passed on. Data of a category passes only under a release for that
//! service that covers it on the day ([`releases::covering`], the rule of `may_share`); the release
//! used is recorded with the referral. Then the result: pending, taken up, not taken up, completed.
//!
//! Who may refer is who may record a contact on the case (`WriteClient` on it).

use ankommen_store::entities::{case, person, referral, release, service, staff};
use ankommen_store::{Db, Opened};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::fields::{self, Field};
use crate::administration::organisations::expect_updated;
use crate::administration::services;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{
    BringItem, CaseStatus, DataCategory, LanguageEntry, RecipientCategory, ReferralResult,
};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, REFERRAL_REASON, Sealing};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{parse_date, parse_text};
use crate::records::consent;
use crate::records::printing::{self, Issuer, PrintedPerson};
use crate::records::releases::{self, RecipientRef};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest reason.
pub const REASON_MAX: usize = 2000;

/// The referral form as typed.
#[derive(Clone, Debug, Default)]
pub struct ReferralForm {
    /// The directory entry's id.
    pub service: String,
    /// A person of the case, or `household`.
    pub person: String,
    pub date: String,
    pub field: String,
    pub reason: String,
    /// The data categories passed on; none: the client goes on their own with the address.
    pub categories: Vec<String>,
}

/// A checked referral.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ReferralInput {
    service_id: i64,
    person: Option<i64>,
    date: NaiveDate,
    field: Option<String>,
    reason: Option<String>,
    categories: Vec<DataCategory>,
}

fn parse(
    f: &ReferralForm,
    c: &case::Model,
    case_persons: &[i64],
    catalog: &[Field],
    today: NaiveDate,
) -> Result<ReferralInput> {
    let mut e = FieldErrors::new();
    let service_id = match f.service.trim().parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) if f.service.trim().is_empty() => {
            e.add("service", "error-required");
            None
        }
        Err(_) => {
            e.add("service", "error-choice");
            None
        }
    };
    let person = match f.person.trim() {
        "" => {
            e.add("person", "error-required");
            None
        }
        "household" => Some(None),
        p => match p.parse::<i64>() {
            Ok(id) if case_persons.contains(&id) => Some(Some(id)),
            _ => {
                e.add("person", "error-choice");
                None
            }
        },
    };
    let date = crate::casework::cases::date_in_case(&mut e, "date", &f.date, c, today);
    let field = match f.field.trim() {
        "" => None,
        k => e.take("field", fields::parse_key(catalog, k)),
    };
    let reason = e
        .take("reason", parse_text(&f.reason, REASON_MAX))
        .flatten();
    let mut categories = Vec::new();
    for k in f.categories.iter().filter(|k| !k.trim().is_empty()) {
        match DataCategory::parse(k) {
            // Health needs are never passed on this way (`releases::fields_of`).
            Ok(DataCategory::Health) => e.add("categories", "error-choice"),
            Ok(c) if !categories.contains(&c) => categories.push(c),
            Ok(_) => {}
            Err(k) => e.add("categories", k),
        }
    }
    if !categories.is_empty() && person == Some(None) {
        e.add("categories", "error-referral-household-data");
    }
    e.into_result()?;
    let (Some(service_id), Some(person), Some(date)) = (service_id, person, date) else {
        return Err(Error::field("form", "error-form"));
    };
    Ok(ReferralInput {
        service_id,
        person,
        date,
        field,
        reason,
        categories,
    })
}

/// What the referral form offers for one case.
#[derive(Clone, Debug)]
pub struct FormChoices {
    pub case: case::Model,
    pub persons: Vec<person::Model>,
    pub fields: Vec<Field>,
    /// The active entries of the directory the actor sees.
    pub services: Vec<service::Model>,
}

/// The form for a new referral of a case. The read is audited.
pub async fn new_form(db: &Db, ctx: &Ctx, case_id: i64) -> Result<FormChoices> {
    audit::read(db, async |tx| {
        let ev = Event::on("case_viewed", "case", case_id).section("referrals");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
        if c.status == CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-referral-case-closed"));
        }
        let persons = crate::casework::cases::persons_of(tx, case_id).await?;
        let fields = fields::active(tx).await?;
        let services = services::visible(tx, ctx)
            .await?
            .into_iter()
            .filter(|s| s.active)
            .collect();
        audit::record(tx, ctx, ev).await?;
        Ok(FormChoices {
            case: c,
            persons,
            fields,
            services,
        })
    })
    .await
}

/// The first active entry of the Migrationsberatung the actor sees (the family-reunification
/// shortcut pre-fills it).
pub fn migration_counselling(ch: &FormChoices) -> Option<&service::Model> {
    ch.services
        .iter()
        .find(|s| s.category == RecipientCategory::MigrationCounselling.as_str())
}

/// Records a referral. Returns its id. Passing data needs a release for the service that covers
/// every category passed on, on the referral's day; otherwise the categories are refused with a
/// field error (the form offers to record a release first, or to refer without data).
pub async fn record(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    form: &ReferralForm,
) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("referral_recorded", "case", case_id);
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev).await?;
    if c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-referral-case-closed"));
    }
    let case_persons: Vec<i64> = crate::casework::cases::persons_of(&tx, case_id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let catalog = fields::active(&tx).await?;
    let i = parse(form, &c, &case_persons, &catalog, ctx.today())?;
    let Some(s) = services::visible(&tx, ctx)
        .await?
        .into_iter()
        .find(|s| s.id == i.service_id && s.active)
    else {
        return Err(Error::field("service", "error-choice"));
    };
    let release_id = match (i.person, i.categories.is_empty()) {
        (Some(p), false) => {
            let found =
                releases::covering(&tx, p, &i.categories, &RecipientRef::Named(&s.name), i.date)
                    .await?;
            match found {
                Some(r) => Some(r),
                None => return Err(Error::field("categories", "error-referral-no-release")),
            }
        }
        _ => None,
    };
    let now = ctx.now();
    let id = referral::Entity::insert(referral::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        person_id: Set(i.person),
        service_name: Set(s.name.clone()),
        service_category: Set(Some(s.category.clone())),
        referral_date: Set(i.date),
        reason_sealed: Set(None),
        result: Set(Some(ReferralResult::Pending.as_str().into())),
        result_on: Set(None),
        external_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        service_id: Set(Some(s.id)),
        release_id: Set(release_id),
        field_of_action: Set(i.field),
        data_categories: Set((!i.categories.is_empty()).then(|| {
            i.categories
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    // The reason is sealed for this row, so it is written once the row has its id.
    let sealing = Sealing::begin(&tx, sealer).await?;
    if let Some(sealed) =
        sealing.seal_opt(REFERRAL_REASON.at_version(id, 1), i.reason.as_deref())?
    {
        referral::Entity::update_many()
            .col_expr(referral::Column::ReasonSealed, Expr::value(sealed))
            .filter(referral::Column::Id.eq(id))
            .exec(&tx)
            .await?;
    }
    let mut ev = Event::on("referral_recorded", "referral", id).case(case_id);
    if let Some(p) = i.person {
        ev = ev.person(p);
    }
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

/// A referral as the case page shows it.
#[derive(Clone, Debug)]
pub struct ReferralView {
    pub referral: referral::Model,
    pub reason: Option<Opened>,
    pub categories: Vec<DataCategory>,
    /// Still pending after the configured number of days.
    pub overdue: bool,
}

pub fn categories_of(r: &referral::Model) -> Vec<DataCategory> {
    r.data_categories
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|c| DataCategory::parse(c).ok())
        .collect()
}

/// Whether a referral is still open (no result, or pending).
pub fn is_pending(r: &referral::Model) -> bool {
    r.result
        .as_deref()
        .is_none_or(|x| x == ReferralResult::Pending.as_str())
}

/// The referrals of a case, newest first, reasons opened. For callers that have checked access.
pub(crate) async fn of_case<C: ConnectionTrait>(
    conn: &C,
    sealer: &Sealer,
    case_id: i64,
    today: NaiveDate,
    pending_days: u32,
) -> Result<Vec<ReferralView>> {
    Ok(referral::Entity::find()
        .filter(referral::Column::CaseId.eq(case_id))
        .order_by_desc(referral::Column::ReferralDate)
        .order_by_desc(referral::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| ReferralView {
            reason: sealed::open_opt(
                sealer,
                REFERRAL_REASON.at_version(r.id, r.version),
                r.reason_sealed.as_deref(),
            ),
            categories: categories_of(&r),
            overdue: is_pending(&r)
                && (today - r.referral_date).num_days() > i64::from(pending_days),
            referral: r,
        })
        .collect())
}

/// Records what came of a referral, on a day (not before the referral, not in the future; none
/// for pending). Returns the case's id.
pub async fn set_result(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    referral_id: i64,
    version: i32,
    result: &str,
    on: &str,
) -> Result<i64> {
    let tx = db.begin().await?;
    let Some(r) = referral::Entity::find_by_id(referral_id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let mut ev = Event::on("referral_result_recorded", "referral", referral_id).case(r.case_id);
    if let Some(p) = r.person_id {
        ev = ev.person(p);
    }
    let (tx, _, _) = access::case_in(tx, ctx, r.case_id, Action::WriteClient, ev.clone()).await?;
    let mut e = FieldErrors::new();
    let result = e.take("result", ReferralResult::parse(result));
    let on = match result {
        Some(ReferralResult::Pending) => None,
        _ => e.take("result_on", parse_date(on)).and_then(|d| {
            if d > ctx.today() {
                e.add("result_on", "error-date-future");
                None
            } else if d < r.referral_date {
                e.add("result_on", "error-referral-result-before");
                None
            } else {
                Some(d)
            }
        }),
    };
    e.into_result()?;
    let Some(result) = result else {
        return Err(Error::field("result", "error-required"));
    };
    // The reason is bound to the row's version: sealed again for the next one.
    let sealing = Sealing::begin(&tx, sealer).await?;
    let reason = sealing.reseal_opt(
        REFERRAL_REASON.at_version(r.id, r.version),
        REFERRAL_REASON.at_version(r.id, version + 1),
        r.reason_sealed.as_deref(),
    )?;
    let res = referral::Entity::update_many()
        .col_expr(referral::Column::Result, Expr::value(result.as_str()))
        .col_expr(referral::Column::ResultOn, Expr::value(on))
        .col_expr(referral::Column::ReasonSealed, Expr::value(reason))
        .col_expr(referral::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(referral::Column::Version, Expr::value(version + 1))
        .filter(referral::Column::Id.eq(referral_id))
        .filter(referral::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(
        &tx,
        res.rows_affected,
        referral::Entity::find_by_id(referral_id),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(r.case_id)
}

// ---------------------------------------------------------------------------------------------
// The referral letter

/// The longest summary for the service, and the longest "also bring".
pub const SUMMARY_MAX: usize = 600;
pub const BRING_OTHER_MAX: usize = 200;

/// The letter form as typed (the print language is the web's: it knows the documents).
#[derive(Clone, Debug, Default)]
pub struct LetterForm {
    /// Keys of [`BringItem`].
    pub bring: Vec<String>,
    pub bring_other: String,
    /// Add the part for the service (only under a release in force today).
    pub with_data: bool,
    pub summary: String,
}

/// What the letter form offers for one referral.
#[derive(Clone, Debug)]
pub struct LetterChoices {
    pub referral: referral::Model,
    pub case_number: String,
    /// The person referred (none: the household).
    pub person: Option<person::Model>,
    /// The referral's reason: what the summary starts from. Only when data may go with the letter.
    pub reason: Option<Opened>,
    /// What the referral passed on.
    pub categories: Vec<DataCategory>,
    /// A release for the service covers those categories today: the letter may carry a part for
    /// the service.
    pub may_carry_data: bool,
    /// The person's languages, most useful first (none without a consent that covers them).
    pub languages: Vec<String>,
}

/// The part of the letter for the service: only what the release covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterReleased {
    /// The person, when the release covers their identity.
    pub person: Option<PrintedPerson>,
    pub categories: Vec<DataCategory>,
    pub release_valid_from: NaiveDate,
    pub summary: Option<String>,
}

/// The data printed on a referral letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterPrint {
    pub issuer: Issuer,
    pub im_email: Option<String>,
    /// The directory entry (none for an imported referral that names no entry): its address and
    /// opening hours are printed.
    pub service: Option<service::Model>,
    pub service_name: String,
    pub referred_on: NaiveDate,
    /// The field of action: key and German name.
    pub field: Option<(String, String)>,
    pub bring: Vec<BringItem>,
    pub bring_other: Option<String>,
    pub released: Option<LetterReleased>,
    pub date: NaiveDate,
}

/// The release for the referral's service that covers what it passed on, today: only then may
/// the letter carry a part for the service.
async fn letter_release<C: ConnectionTrait>(
    conn: &C,
    r: &referral::Model,
    today: NaiveDate,
) -> Result<Option<release::Model>> {
    let categories = categories_of(r);
    let Some(person_id) = r.person_id else {
        return Ok(None);
    };
    if categories.is_empty() {
        return Ok(None);
    }
    let id = releases::covering(
        conn,
        person_id,
        &categories,
        &RecipientRef::Named(&r.service_name),
        today,
    )
    .await?;
    match id {
        Some(id) => Ok(release::Entity::find_by_id(id).one(conn).await?),
        None => Ok(None),
    }
}

/// The referral and its case, checked: whoever may refer on the case may print the letter (it can
/// pass data on, so a restriction of processing stops it).
async fn letter_scope<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    referral_id: i64,
    ev: &'static str,
) -> Result<(referral::Model, case::Model, Event)> {
    let Some(r) = referral::Entity::find_by_id(referral_id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    let mut ev = Event::on(ev, "referral", referral_id).case(r.case_id);
    if let Some(p) = r.person_id {
        ev = ev.person(p);
    }
    let (c, _) = access::case_for(conn, ctx, r.case_id, Action::WriteClient, ev.clone()).await?;
    Ok((r, c, ev))
}

/// The form for a referral's letter. An audited read of the case (it shows the reason when data
/// may go with the letter).
pub async fn letter_form(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    referral_id: i64,
) -> Result<LetterChoices> {
    audit::read(db, async |tx| {
        let (r, c, _) = letter_scope(tx, ctx, referral_id, "case_viewed").await?;
        let person = match r.person_id {
            Some(p) => person::Entity::find_by_id(p).one(tx).await?,
            None => None,
        };
        let may_carry_data = letter_release(tx, &r, ctx.today()).await?.is_some();
        let languages = match &person {
            Some(p)
                if consent::coverage(tx, p.id, ctx.today())
                    .await?
                    .covers(consent::Data::Intake) =>
            {
                LanguageEntry::for_print(p.interpreter_language.as_deref(), p.languages.as_deref())
            }
            _ => Vec::new(),
        };
        let reason = may_carry_data.then(|| {
            sealed::open_opt(
                sealer,
                REFERRAL_REASON.at_version(r.id, r.version),
                r.reason_sealed.as_deref(),
            )
        });
        let mut ev = Event::on("case_viewed", "case", c.id).section("referral_letter");
        if let Some(p) = r.person_id {
            ev = ev.person(p);
        }
        audit::record(tx, ctx, ev).await?;
        Ok(LetterChoices {
            categories: categories_of(&r),
            case_number: c.case_number,
            person,
            reason: reason.flatten(),
            may_carry_data,
            languages,
            referral: r,
        })
    })
    .await
}

/// The data of a referral's letter. The part for the service is printed only when the form asks
/// for it and a release for the service covers, today, everything the referral passed on; the
/// person's name only when that release covers their identity. Audited as a print naming the
/// person (`referral_letter_printed`).
pub async fn letter(
    db: &Db,
    ctx: &Ctx,
    referral_id: i64,
    form: &LetterForm,
) -> Result<LetterPrint> {
    audit::read(db, async |tx| {
        let (r, c, ev) = letter_scope(tx, ctx, referral_id, "referral_letter_printed").await?;
        let mut e = FieldErrors::new();
        let mut bring = Vec::new();
        for k in form.bring.iter().filter(|k| !k.trim().is_empty()) {
            match BringItem::parse(k) {
                Ok(b) if !bring.contains(&b) => bring.push(b),
                Ok(_) => {}
                Err(key) => e.add("bring", key),
            }
        }
        let bring_other = e
            .take(
                "bring_other",
                parse_text(&form.bring_other, BRING_OTHER_MAX),
            )
            .flatten();
        let summary = e
            .take("summary", parse_text(&form.summary, SUMMARY_MAX))
            .flatten();
        let release = letter_release(tx, &r, ctx.today()).await?;
        if release.is_none() && (form.with_data || summary.is_some()) {
            e.add("with_data", "error-letter-no-release");
        }
        e.into_result()?;
        let released = match (form.with_data, release, r.person_id) {
            (true, Some(rel), Some(person_id)) => {
                let categories = categories_of(&r);
                let person = if categories.contains(&DataCategory::Identity) {
                    person::Entity::find_by_id(person_id)
                        .one(tx)
                        .await?
                        .map(|p| PrintedPerson::of(&p))
                } else {
                    None
                };
                Some(LetterReleased {
                    person,
                    categories,
                    release_valid_from: rel.valid_from,
                    summary,
                })
            }
            _ => None,
        };
        let person = match r.person_id {
            Some(p) => person::Entity::find_by_id(p).one(tx).await?,
            None => None,
        };
        let issuer = match &person {
            Some(p) => printing::issuer(tx, ctx, p, Some(&c)).await?,
            None => {
                let first = crate::casework::cases::persons_of(tx, c.id).await?;
                let Some(p) = first.first() else {
                    return Err(Error::NotFound);
                };
                printing::issuer(tx, ctx, p, Some(&c)).await?
            }
        };
        let im_email = staff::Entity::find_by_id(ctx.actor.staff_id)
            .one(tx)
            .await?
            .and_then(|s| s.email);
        let service = match r.service_id {
            Some(id) => services::visible(tx, ctx)
                .await?
                .into_iter()
                .find(|s| s.id == id),
            None => None,
        };
        let catalog = fields::all(tx).await?;
        let field = r
            .field_of_action
            .as_ref()
            .map(|k| (k.clone(), fields::label(&catalog, k, "de").to_string()));
        audit::record(tx, ctx, ev).await?;
        Ok(LetterPrint {
            issuer,
            im_email,
            service,
            service_name: r.service_name.clone(),
            referred_on: r.referral_date,
            field,
            bring,
            bring_other,
            released,
            date: ctx.today(),
        })
    })
    .await
}
