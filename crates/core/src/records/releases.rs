//! Releases from confidentiality (Schweigepflichtentbindungen): per recipient, which data
//! categories, for what purpose, valid when, revocable. Later features ask [`may_share`] before any
//! data leaves the organisation, and [`fields_of`] / [`disclose`] which fields a released category
//! holds (handover summaries today; referrals and exports later).

use ankommen_store::Db;
use ankommen_store::entities::{case, organisation, person, release};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::intake_catalog::{IntakeCatalog, IntakeList};
use crate::administration::organisations::expect_updated;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{DataCategory, LanguageEntry, RecipientCategory, ReleasedField};
use crate::kernel::policy::Action;
use crate::kernel::types::{Name, parse_date, parse_date_opt, parse_text};
use crate::records::consent::{self, Data};
use crate::{Ctx, Error, FieldErrors, Result};

/// Who receives the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// An organisation of this deployment (e.g. another provider's integration management).
    Organisation(i64),
    /// A service or person outside the deployment, entered by name.
    Named {
        name: Name,
        category: Option<RecipientCategory>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseInput {
    pub recipient: Recipient,
    pub categories: Vec<DataCategory>,
    pub purpose: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub mutual: bool,
}

/// The raw release fields. `recipient` is `org:<id>` or `other` (then `recipient_name` applies).
#[derive(Clone, Debug, Default)]
pub struct ReleaseForm {
    pub recipient: String,
    pub recipient_name: String,
    pub recipient_category: String,
    pub categories: Vec<String>,
    pub purpose: String,
    pub valid_from: String,
    pub valid_until: String,
    /// `yes` (mutual) or `no` (one way); anything else is a field error, never a default.
    pub mutual: String,
}

impl ReleaseInput {
    pub fn parse(f: &ReleaseForm) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let recipient = match f.recipient.trim() {
            "" => {
                e.add("recipient", "error-required");
                None
            }
            "other" => {
                let name = e.take("recipient_name", Name::parse(&f.recipient_name));
                let category = if f.recipient_category.trim().is_empty() {
                    None
                } else {
                    e.take(
                        "recipient_category",
                        RecipientCategory::parse(&f.recipient_category),
                    )
                };
                name.map(|name| Recipient::Named { name, category })
            }
            s => match s.strip_prefix("org:").and_then(|i| i.parse().ok()) {
                Some(id) => Some(Recipient::Organisation(id)),
                None => {
                    e.add("recipient", "error-choice");
                    None
                }
            },
        };
        let mut categories = Vec::new();
        for c in &f.categories {
            if let Some(c) = e.take("categories", DataCategory::parse(c))
                && !categories.contains(&c)
            {
                categories.push(c);
            }
        }
        if categories.is_empty() && e.get("categories").is_none() {
            e.add("categories", "error-categories-required");
        }
        let purpose = e.take(
            "purpose",
            parse_text(&f.purpose, 1000).and_then(|p| p.ok_or("error-required")),
        );
        let valid_from = e.take("valid_from", parse_date(&f.valid_from));
        let valid_until = e
            .take("valid_until", parse_date_opt(&f.valid_until))
            .flatten();
        if let (Some(a), Some(b)) = (valid_from, valid_until)
            && b < a
        {
            e.add("valid_until", "error-until-before-from");
        }
        let mutual = e.take(
            "mutual",
            match f.mutual.trim() {
                "yes" => Ok(true),
                "no" => Ok(false),
                "" => Err("error-required"),
                _ => Err("error-choice"),
            },
        );
        match (recipient, purpose, valid_from, mutual) {
            (Some(recipient), Some(purpose), Some(valid_from), Some(mutual)) if e.is_empty() => {
                Ok(Self {
                    recipient,
                    categories,
                    purpose,
                    valid_from,
                    valid_until,
                    mutual,
                })
            }
            _ => Err(e),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseState {
    /// Valid from a later day.
    Pending,
    Active,
    Expired,
    Revoked,
}

impl ReleaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseState::Pending => "pending",
            ReleaseState::Active => "active",
            ReleaseState::Expired => "expired",
            ReleaseState::Revoked => "revoked",
        }
    }
}

pub fn state_on(r: &release::Model, on: NaiveDate) -> ReleaseState {
    if r.revoked_on.is_some_and(|d| d <= on) {
        ReleaseState::Revoked
    } else if r.valid_until.is_some_and(|d| d < on) {
        ReleaseState::Expired
    } else if r.valid_from > on {
        ReleaseState::Pending
    } else {
        ReleaseState::Active
    }
}

pub fn categories_of(r: &release::Model) -> Vec<DataCategory> {
    r.data_categories
        .split(',')
        .filter_map(|c| DataCategory::parse(c).ok())
        .collect()
}

#[derive(Clone, Debug)]
pub struct ReleaseView {
    pub release: release::Model,
    pub state: ReleaseState,
    pub categories: Vec<DataCategory>,
}

pub(crate) async fn list<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
    today: NaiveDate,
) -> Result<Vec<ReleaseView>> {
    let mut v: Vec<ReleaseView> = release::Entity::find()
        .filter(release::Column::PersonId.eq(person_id))
        .order_by_desc(release::Column::ValidFrom)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| ReleaseView {
            state: state_on(&r, today),
            categories: categories_of(&r),
            release: r,
        })
        .collect();
    v.sort_by_key(|r| r.state != ReleaseState::Active);
    Ok(v)
}

/// The fields a release of `category` discloses, in the order they are shown. The one table of
/// what belongs to which data category: handovers, referrals and exports all ask it. Health needs
/// are never disclosed this way (a special category: opening them is its own audited act), so
/// `Health` holds no field.
pub fn fields_of(category: DataCategory) -> &'static [ReleasedField] {
    use ReleasedField as F;
    match category {
        DataCategory::Identity => &[F::Name, F::Birth, F::Nationality, F::Address],
        DataCategory::Contact => &[F::Phone, F::Email],
        DataCategory::Residence => &[F::ResidenceStatus, F::ResidenceValidUntil],
        DataCategory::LanguageEducation => &[
            F::Languages,
            F::GermanLevel,
            F::GermanCertificate,
            F::School,
            F::Vocational,
        ],
        DataCategory::Work => &[F::Profession, F::WorkExperience, F::Interests],
        DataCategory::Housing => &[F::Housing],
        DataCategory::Benefits => &[F::Benefits],
        DataCategory::Family => &[F::Relation],
        DataCategory::CaseProgress => &[
            F::CaseNumber,
            F::CaseOpenedOn,
            F::ClockStart,
            F::CaseClosedOn,
        ],
        DataCategory::Health => &[],
    }
}

/// A disclosed value, for the UI to label and format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Released {
    /// Nothing recorded.
    Missing,
    Text(String),
    Date(NaiveDate),
    /// A year of birth without the day.
    Year(i32),
    /// A name in Latin letters and, if recorded, in the person's own script.
    Name {
        latin: String,
        original: Option<String>,
    },
    /// Values of a fixed list, which the UI translates as `<list>-<value>`.
    Listed {
        list: &'static str,
        values: Vec<String>,
    },
    Languages(Vec<LanguageEntry>),
}

/// One released category of one person, with its fields and their values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disclosure {
    pub category: DataCategory,
    pub fields: Vec<(ReleasedField, Released)>,
}

/// What a release of `category` discloses of `person` in `case`: the fields of [`fields_of`] with
/// their values. A value an administrator added to an intake list is disclosed as the fixed value
/// it is reported under (the recipient knows the fixed lists, not this deployment's additions).
/// Pure: the caller has checked the release ([`may_share`]).
pub fn disclose(
    category: DataCategory,
    p: &person::Model,
    c: &case::Model,
    lists: &IntakeCatalog,
) -> Disclosure {
    let text = |v: &Option<String>| {
        v.clone()
            .filter(|s| !s.trim().is_empty())
            .map_or(Released::Missing, Released::Text)
    };
    let listed = |list: &'static str, v: &Option<String>| match v.as_deref() {
        Some(s) if !s.is_empty() => Released::Listed {
            list,
            values: vec![s.to_string()],
        },
        _ => Released::Missing,
    };
    let date = |d: Option<NaiveDate>| d.map_or(Released::Missing, Released::Date);
    let value = |f: ReleasedField| match f {
        ReleasedField::Name => Released::Name {
            latin: format!("{} {}", p.given_name, p.family_name),
            original: p.name_original.clone(),
        },
        ReleasedField::Birth => p
            .birth_date
            .map_or(Released::Year(p.birth_year), Released::Date),
        ReleasedField::Nationality => listed("country", &p.nationality),
        ReleasedField::Address => text(&p.address),
        ReleasedField::Phone => text(&p.phone),
        ReleasedField::Email => text(&p.email),
        ReleasedField::ResidenceStatus => listed(
            "residence-status",
            &p.residence_status.as_deref().map(|k| {
                lists
                    .exchange_value(IntakeList::ResidenceStatus, k)
                    .to_string()
            }),
        ),
        ReleasedField::ResidenceValidUntil => date(p.residence_valid_until),
        ReleasedField::Languages => match LanguageEntry::stored(p.languages.as_deref()) {
            l if l.is_empty() => Released::Missing,
            l => Released::Languages(l),
        },
        ReleasedField::GermanLevel => listed("german-level", &p.german_level),
        ReleasedField::GermanCertificate => text(&p.german_certificate),
        ReleasedField::School => text(&p.school),
        ReleasedField::Vocational => text(&p.vocational),
        ReleasedField::Profession => text(&p.profession),
        ReleasedField::WorkExperience => text(&p.work_experience),
        ReleasedField::Interests => text(&p.interests),
        ReleasedField::Housing => listed("housing", &p.housing),
        ReleasedField::Benefits => {
            let values: Vec<String> = p
                .benefits
                .as_deref()
                .unwrap_or("")
                .split(',')
                .filter(|b| !b.is_empty())
                .map(|b| lists.exchange_value(IntakeList::Benefit, b).to_string())
                .collect();
            if values.is_empty() {
                Released::Missing
            } else {
                Released::Listed {
                    list: "benefit",
                    values,
                }
            }
        }
        ReleasedField::Relation => listed("relation", &p.relation),
        ReleasedField::CaseNumber => Released::Text(c.case_number.clone()),
        ReleasedField::CaseOpenedOn => Released::Date(c.opened_on),
        ReleasedField::ClockStart => Released::Date(c.clock_start),
        ReleasedField::CaseClosedOn => date(c.closed_on),
    };
    Disclosure {
        category,
        fields: fields_of(category)
            .iter()
            .map(|f| (*f, value(*f)))
            .collect(),
    }
}

/// A recipient as later features name it when they ask whether data may go there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecipientRef<'a> {
    Organisation(i64),
    /// Matched by name, case-insensitively and ignoring spacing.
    Named(&'a str),
}

/// May data of `category` about `person_id` go to `recipient` on `on`? Yes only under a release
/// for that recipient that covers the category and is valid and not revoked on that day, while the
/// person's consent is active.
pub async fn may_share<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
    category: DataCategory,
    recipient: &RecipientRef<'_>,
    on: NaiveDate,
) -> Result<bool> {
    Ok(covering(conn, person_id, &[category], recipient, on)
        .await?
        .is_some())
}

/// The release under which data of all `categories` about `person_id` may go to `recipient` on
/// `on` (the rule of [`may_share`] for several categories at once, so that the one release used
/// can be recorded with what was passed on): the newest such release, or none.
pub async fn covering<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
    categories: &[DataCategory],
    recipient: &RecipientRef<'_>,
    on: NaiveDate,
) -> Result<Option<i64>> {
    if !consent::coverage(conn, person_id, on)
        .await?
        .covers(Data::Sharing)
    {
        return Ok(None);
    }
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let all = release::Entity::find()
        .filter(release::Column::PersonId.eq(person_id))
        .order_by_desc(release::Column::ValidFrom)
        .order_by_desc(release::Column::Id)
        .all(conn)
        .await?;
    Ok(all
        .iter()
        .find(|r| {
            let to_them = match recipient {
                RecipientRef::Organisation(id) => r.recipient_organisation_id == Some(*id),
                RecipientRef::Named(n) => {
                    r.recipient_organisation_id.is_none() && norm(&r.recipient_name) == norm(n)
                }
            };
            let held = categories_of(r);
            to_them
                && state_on(r, on) == ReleaseState::Active
                && categories.iter().all(|c| held.contains(c))
        })
        .map(|r| r.id))
}

/// Records a release. Needs an active consent (a release is data beyond the minimum).
pub async fn create(db: &Db, ctx: &Ctx, person_id: i64, input: ReleaseInput) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("release_recorded", "person", person_id).section("releases");
    let (tx, _, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
    consent::require(&tx, person_id, Data::Sharing, ctx.today()).await?;
    let (org_id, name, category) = match &input.recipient {
        Recipient::Organisation(id) => {
            let Some(o) = organisation::Entity::find_by_id(*id).one(&tx).await? else {
                return Err(Error::field("recipient", "error-choice"));
            };
            if o.id == ctx.actor.organisation_id {
                return Err(Error::field("recipient", "error-release-own-org"));
            }
            if !o.active {
                return Err(Error::field("recipient", "error-organisation-inactive"));
            }
            (
                Some(o.id),
                o.name,
                Some(
                    RecipientCategory::IntegrationManagement
                        .as_str()
                        .to_string(),
                ),
            )
        }
        Recipient::Named { name, category } => (
            None,
            name.as_str().to_string(),
            category.map(|c| c.as_str().to_string()),
        ),
    };
    let id = release::Entity::insert(release::ActiveModel {
        id: NotSet,
        person_id: Set(person_id),
        recipient_organisation_id: Set(org_id),
        recipient_name: Set(name),
        recipient_category: Set(category),
        data_categories: Set(input
            .categories
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        purpose: Set(input.purpose),
        valid_from: Set(input.valid_from),
        valid_until: Set(input.valid_until),
        mutual: Set(input.mutual),
        revoked_on: Set(None),
        external_id: Set(None),
        created_at: Set(ctx.now()),
        created_by: Set(ctx.actor.staff_id),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(id)
}

/// A release with the person it is about (the page names them).
#[derive(Clone, Debug)]
pub struct ReleaseDetail {
    pub view: ReleaseView,
    pub person: person::Model,
}

/// Loads a release for reading (with the person's access rules).
pub async fn get(db: &Db, ctx: &Ctx, release_id: i64) -> Result<ReleaseDetail> {
    audit::read(db, async |tx| {
        let Some(r) = release::Entity::find_by_id(release_id).one(tx).await? else {
            return Err(Error::NotFound);
        };
        let ev = Event::on("client_viewed", "person", r.person_id).section("releases");
        let (person, _) =
            access::person_for(tx, ctx, r.person_id, Action::ReadClient, ev.clone()).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(ReleaseDetail {
            view: ReleaseView {
                state: state_on(&r, ctx.today()),
                categories: categories_of(&r),
                release: r,
            },
            person,
        })
    })
    .await
}

/// Revokes a release from a day on (today or earlier; not before it was valid).
pub async fn revoke(db: &Db, ctx: &Ctx, release_id: i64, version: i32, on: &str) -> Result<i64> {
    let mut e = FieldErrors::new();
    let on = e.take("revoked_on", parse_date(on));
    let tx = db.begin().await?;
    let Some(r) = release::Entity::find_by_id(release_id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let ev = Event::on("release_revoked", "person", r.person_id).section("releases");
    let (tx, _, _) =
        access::person_in(tx, ctx, r.person_id, Action::WriteClient, ev.clone()).await?;
    if r.revoked_on.is_some() {
        return Err(Error::Conflict("error-already-revoked"));
    }
    if let Some(d) = on
        && d > ctx.today()
    {
        e.add("revoked_on", "error-date-future");
    }
    e.into_result()?;
    let res = release::Entity::update_many()
        .col_expr(release::Column::RevokedOn, Expr::value(on))
        .col_expr(release::Column::Version, Expr::value(version + 1))
        .filter(release::Column::Id.eq(release_id))
        .filter(release::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(
        &tx,
        res.rows_affected,
        release::Entity::find_by_id(release_id),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(r.person_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_released_field_belongs_to_exactly_one_category_and_health_discloses_nothing() {
        for f in ReleasedField::ALL {
            let owners: Vec<DataCategory> = DataCategory::ALL
                .iter()
                .copied()
                .filter(|c| fields_of(*c).contains(f))
                .collect();
            assert_eq!(owners.len(), 1, "{f:?} in {owners:?}");
        }
        assert!(fields_of(DataCategory::Health).is_empty());
        assert_eq!(
            fields_of(DataCategory::Residence),
            &[
                ReleasedField::ResidenceStatus,
                ReleasedField::ResidenceValidUntil
            ]
        );
    }
}
