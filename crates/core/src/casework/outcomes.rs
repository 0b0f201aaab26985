//! Dated outcomes per person (exchange `outcome`): German level reached, course attendance,
//! employment, training, internship, studies, own rental contract, independence from benefits,
//! a child's Kita or school place. The closure snapshot of a case reads these records.
//!
//! Outcomes are data beyond the minimum: they are recorded only with an active consent, and shown
//! only while one is active (like the intake data).

use ankommen_store::Db;
use ankommen_store::entities::{outcome, person};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::organisations::expect_updated;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{
    ChildcarePlace, CourseType, EmploymentType, GermanLevel, OutcomeType,
};
use crate::kernel::policy::Action;
use crate::kernel::types::{parse_date, parse_date_opt};
use crate::records::consent::{self, Data};
use crate::{Ctx, Error, FieldErrors, Result};

/// The outcome form as typed. Only the fields of the chosen type are read.
#[derive(Clone, Debug, Default)]
pub struct OutcomeForm {
    pub outcome_type: String,
    pub date: String,
    pub level: String,
    /// "yes" when a certificate was obtained, "" (or "no") when not; anything else is a field error.
    pub certificate: String,
    pub course: String,
    pub employment_type: String,
    pub until: String,
    pub place: String,
}

/// A checked outcome: the type and its fields (the others are empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeInput {
    pub outcome_type: OutcomeType,
    pub date: NaiveDate,
    pub level: Option<String>,
    pub certificate: Option<bool>,
    pub course: Option<String>,
    pub employment_type: Option<String>,
    pub until: Option<NaiveDate>,
    pub place: Option<String>,
}

/// The types whose record lasts until an end date (none: ongoing).
pub fn has_until(t: OutcomeType) -> bool {
    matches!(
        t,
        OutcomeType::Course
            | OutcomeType::Employment
            | OutcomeType::Training
            | OutcomeType::Internship
            | OutcomeType::Studies
    )
}

impl OutcomeInput {
    pub fn parse(f: &OutcomeForm, today: NaiveDate) -> std::result::Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let t = e.take("outcome_type", OutcomeType::parse(&f.outcome_type));
        let date = e.take("date", parse_date(&f.date)).and_then(|d| {
            if d > today {
                e.add("date", "error-date-future");
                None
            } else {
                Some(d)
            }
        });
        let mut out = OutcomeInput {
            outcome_type: t.unwrap_or(OutcomeType::RentalContract),
            date: date.unwrap_or(today),
            level: None,
            certificate: None,
            course: None,
            employment_type: None,
            until: None,
            place: None,
        };
        if let Some(t) = t {
            match t {
                OutcomeType::GermanLevel => {
                    out.level = match e.take("level", GermanLevel::parse(&f.level)) {
                        Some(GermanLevel::None) => {
                            e.add("level", "error-choice");
                            None
                        }
                        l => l.map(|l| l.as_str().to_string()),
                    };
                    // The check box sends "yes" or nothing; anything else is not a choice.
                    out.certificate = e.take(
                        "certificate",
                        match f.certificate.trim() {
                            "yes" => Ok(true),
                            "" | "no" => Ok(false),
                            _ => Err("error-choice"),
                        },
                    );
                    out.course = match f.course.trim() {
                        "" => None,
                        s => e
                            .take("course", CourseType::parse(s))
                            .map(|c| c.as_str().to_string()),
                    };
                }
                OutcomeType::Course => {
                    out.course = e
                        .take("course", CourseType::parse(&f.course))
                        .map(|c| c.as_str().to_string());
                }
                OutcomeType::Employment => {
                    out.employment_type = e
                        .take("employment_type", EmploymentType::parse(&f.employment_type))
                        .map(|c| c.as_str().to_string());
                }
                OutcomeType::ChildcareSchool => {
                    out.place = e
                        .take("place", ChildcarePlace::parse(&f.place))
                        .map(|c| c.as_str().to_string());
                }
                _ => {}
            }
            if has_until(t) {
                out.until = e.take("until", parse_date_opt(&f.until)).flatten();
                if let (Some(u), Some(d)) = (out.until, date)
                    && u < d
                {
                    e.add("until", "error-until-before-from");
                }
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(out)
    }
}

/// What is true today, read from the records.
#[derive(Clone, Debug, Default)]
pub struct Current {
    /// The latest German level reached.
    pub german_level: Option<outcome::Model>,
    /// Courses, employment, training, internship, studies without an end or ending today or later.
    pub ongoing: Vec<outcome::Model>,
    pub rental_contract: Option<outcome::Model>,
    pub benefits_independent: Option<outcome::Model>,
    /// The latest Kita or school place.
    pub childcare_school: Option<outcome::Model>,
}

impl Current {
    pub fn is_empty(&self) -> bool {
        self.german_level.is_none()
            && self.ongoing.is_empty()
            && self.rental_contract.is_none()
            && self.benefits_independent.is_none()
            && self.childcare_school.is_none()
    }
}

/// The current state from the records (newest first or in any order).
pub fn current(records: &[outcome::Model], today: NaiveDate) -> Current {
    let mut sorted: Vec<&outcome::Model> =
        records.iter().filter(|o| o.outcome_date <= today).collect();
    sorted.sort_by_key(|o| std::cmp::Reverse((o.outcome_date, o.id)));
    let latest = |t: OutcomeType| {
        sorted
            .iter()
            .find(|o| o.outcome_type == t.as_str())
            .map(|o| (*o).clone())
    };
    let ongoing = sorted
        .iter()
        .filter(|o| {
            OutcomeType::parse(&o.outcome_type).is_ok_and(has_until)
                && o.until_date.is_none_or(|u| u >= today)
        })
        .map(|o| (*o).clone())
        .collect();
    Current {
        german_level: latest(OutcomeType::GermanLevel),
        ongoing,
        rental_contract: latest(OutcomeType::RentalContract),
        benefits_independent: latest(OutcomeType::BenefitsIndependent),
        childcare_school: latest(OutcomeType::ChildcareSchool),
    }
}

/// A person's outcomes as the record page and the outcomes page show them.
#[derive(Clone, Debug)]
pub struct OutcomesView {
    pub person: person::Model,
    /// Whether a consent is active (without one, nothing is shown or recorded).
    pub consent_active: bool,
    /// All records, newest first (empty without an active consent).
    pub records: Vec<outcome::Model>,
    pub current: Current,
}

async fn records_of<C: ConnectionTrait>(conn: &C, person_id: i64) -> Result<Vec<outcome::Model>> {
    Ok(outcome::Entity::find()
        .filter(outcome::Column::PersonId.eq(person_id))
        .order_by_desc(outcome::Column::OutcomeDate)
        .order_by_desc(outcome::Column::Id)
        .all(conn)
        .await?)
}

/// A person's outcomes: the current state and the history. The read is audited.
pub async fn list(db: &Db, ctx: &Ctx, person_id: i64) -> Result<OutcomesView> {
    audit::read(db, async |tx| {
        let ev = Event::on("outcomes_viewed", "person", person_id);
        let (p, _) = access::person_for(tx, ctx, person_id, Action::ReadClient, ev.clone()).await?;
        let today = ctx.today();
        let consent_active = consent::coverage(tx, person_id, today)
            .await?
            .covers(Data::Outcomes);
        let records = if consent_active {
            records_of(tx, person_id).await?
        } else {
            vec![]
        };
        audit::record(tx, ctx, ev).await?;
        Ok(OutcomesView {
            current: current(&records, today),
            person: p,
            consent_active,
            records,
        })
    })
    .await
}

async fn require_consent<C: ConnectionTrait>(conn: &C, ctx: &Ctx, person_id: i64) -> Result<()> {
    consent::require(conn, person_id, Data::Outcomes, ctx.today()).await
}

/// Records an outcome for a person. Returns its id.
pub async fn record(db: &Db, ctx: &Ctx, person_id: i64, form: &OutcomeForm) -> Result<i64> {
    let (tx, id) = record_in(db.begin().await?, ctx, person_id, form).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`record`] inside a change already begun (a finished language course records its German level
/// in the same transaction): the same policy, consent check and audit. Returns the transaction
/// (not committed) and the outcome's id.
pub(crate) async fn record_in(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    person_id: i64,
    form: &OutcomeForm,
) -> Result<(ankommen_store::Tx, i64)> {
    let ev = Event::on("outcome_recorded", "person", person_id);
    let (tx, _, _) = access::person_in(tx, ctx, person_id, Action::WriteClient, ev.clone()).await?;
    require_consent(&tx, ctx, person_id).await?;
    let i = OutcomeInput::parse(form, ctx.today())?;
    let id = outcome::Entity::insert(outcome::ActiveModel {
        id: NotSet,
        person_id: Set(person_id),
        outcome_date: Set(i.date),
        outcome_type: Set(i.outcome_type.as_str().into()),
        level: Set(i.level),
        certificate: Set(i.certificate),
        course: Set(i.course),
        employment_type: Set(i.employment_type),
        until_date: Set(i.until),
        place: Set(i.place),
        external_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(ctx.now()),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(&tx, ctx, ev).await?;
    audit::record(
        &tx,
        ctx,
        Event::on("outcome_recorded", "outcome", id).person(person_id),
    )
    .await?;
    Ok((tx, id))
}

async fn outcome_for<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
    action: Action,
    ev: Event,
) -> Result<outcome::Model> {
    let Some(o) = outcome::Entity::find_by_id(id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    access::person_for(conn, ctx, o.person_id, action, ev.person(o.person_id)).await?;
    Ok(o)
}

/// [`outcome_for`] at the start of a change (see [`access::in_tx`]).
async fn outcome_in(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    id: i64,
    action: Action,
    ev: Event,
) -> Result<(ankommen_store::Tx, outcome::Model)> {
    let checked = outcome_for(&tx, ctx, id, action, ev).await;
    access::in_tx(tx, checked).await
}

/// One outcome for its edit form. The read is audited.
pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<(outcome::Model, person::Model)> {
    audit::read(db, async |tx| {
        let ev = Event::on("outcomes_viewed", "outcome", id);
        let o = outcome_for(tx, ctx, id, Action::ReadClient, ev.clone()).await?;
        require_consent(tx, ctx, o.person_id).await?;
        let p = person::Entity::find_by_id(o.person_id)
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(tx, ctx, ev.person(o.person_id)).await?;
        Ok((o, p))
    })
    .await
}

/// Corrects a wrong record, if nobody changed it since `version`. Returns the person's id.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, version: i32, form: &OutcomeForm) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("outcome_updated", "outcome", id);
    let (tx, o) = outcome_in(tx, ctx, id, Action::WriteClient, ev.clone()).await?;
    require_consent(&tx, ctx, o.person_id).await?;
    if o.version != version {
        return Err(Error::Conflict("error-stale"));
    }
    let i = OutcomeInput::parse(form, ctx.today())?;
    let res = outcome::Entity::update_many()
        .col_expr(
            outcome::Column::OutcomeType,
            Expr::value(i.outcome_type.as_str()),
        )
        .col_expr(outcome::Column::OutcomeDate, Expr::value(i.date))
        .col_expr(outcome::Column::Level, Expr::value(i.level))
        .col_expr(outcome::Column::Certificate, Expr::value(i.certificate))
        .col_expr(outcome::Column::Course, Expr::value(i.course))
        .col_expr(
            outcome::Column::EmploymentType,
            Expr::value(i.employment_type),
        )
        .col_expr(outcome::Column::UntilDate, Expr::value(i.until))
        .col_expr(outcome::Column::Place, Expr::value(i.place))
        .col_expr(outcome::Column::Version, Expr::value(version + 1))
        .filter(outcome::Column::Id.eq(id))
        .filter(outcome::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, outcome::Entity::find_by_id(id)).await?;
    audit::record(&tx, ctx, ev.person(o.person_id)).await?;
    tx.commit().await?;
    Ok(o.person_id)
}

/// Deletes a wrong record, if nobody changed it since `version`. Returns the person's id.
pub async fn delete(db: &Db, ctx: &Ctx, id: i64, version: i32) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("outcome_deleted", "outcome", id);
    let (tx, o) = outcome_in(tx, ctx, id, Action::WriteClient, ev.clone()).await?;
    let res = outcome::Entity::delete_many()
        .filter(outcome::Column::Id.eq(id))
        .filter(outcome::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, outcome::Entity::find_by_id(id)).await?;
    audit::record(&tx, ctx, ev.person(o.person_id)).await?;
    tx.commit().await?;
    Ok(o.person_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn form(t: &str) -> OutcomeForm {
        OutcomeForm {
            outcome_type: t.into(),
            date: "2026-03-01".into(),
            ..Default::default()
        }
    }

    #[test]
    fn each_type_needs_its_fields_and_drops_the_others() {
        let today = d(2026, 11, 21);
        let mut f = form("german_level");
        f.employment_type = "mini_job".into();
        let e = OutcomeInput::parse(&f, today).unwrap_err();
        assert_eq!(e.get("level"), Some("error-required"));
        f.level = "none".into();
        assert_eq!(
            OutcomeInput::parse(&f, today).unwrap_err().get("level"),
            Some("error-choice")
        );
        f.level = "B1".into();
        f.certificate = "yes".into();
        f.course = "integration".into();
        let i = OutcomeInput::parse(&f, today).unwrap();
        assert_eq!(i.level.as_deref(), Some("B1"));
        assert_eq!(i.certificate, Some(true));
        assert_eq!(i.employment_type, None);

        let mut f = form("employment");
        f.until = "2026-02-01".into();
        let e = OutcomeInput::parse(&f, today).unwrap_err();
        assert_eq!(e.get("employment_type"), Some("error-required"));
        assert_eq!(e.get("until"), Some("error-until-before-from"));

        let mut f = form("childcare_school");
        f.until = "2027-01-01".into();
        assert_eq!(
            OutcomeInput::parse(&f, today).unwrap_err().get("place"),
            Some("error-required")
        );
        f.place = "kita".into();
        let i = OutcomeInput::parse(&f, today).unwrap();
        assert_eq!(i.until, None, "a place has no end date");

        let mut f = form("rental_contract");
        f.date = "2026-11-22".into();
        assert_eq!(
            OutcomeInput::parse(&f, today).unwrap_err().get("date"),
            Some("error-date-future")
        );
        assert_eq!(
            OutcomeInput::parse(&form(""), today)
                .unwrap_err()
                .get("outcome_type"),
            Some("error-required")
        );
    }

    fn rec(id: i64, t: &str, on: NaiveDate, until: Option<NaiveDate>) -> outcome::Model {
        outcome::Model {
            id,
            person_id: 1,
            outcome_date: on,
            outcome_type: t.into(),
            level: None,
            certificate: None,
            course: None,
            employment_type: None,
            until_date: until,
            place: None,
            external_id: None,
            created_by: 1,
            created_at: chrono::Utc::now(),
            version: 1,
        }
    }

    #[test]
    fn the_current_state_takes_the_latest_and_the_ongoing() {
        let today = d(2026, 11, 21);
        let recs = vec![
            rec(1, "german_level", d(2025, 1, 1), None),
            rec(2, "german_level", d(2026, 6, 1), None),
            rec(3, "employment", d(2025, 1, 1), Some(d(2025, 12, 31))),
            rec(4, "employment", d(2026, 1, 1), None),
            rec(5, "training", d(2026, 9, 1), Some(d(2026, 11, 21))),
            rec(6, "rental_contract", d(2026, 2, 1), None),
        ];
        let c = current(&recs, today);
        assert_eq!(c.german_level.map(|o| o.id), Some(2));
        let ongoing: Vec<i64> = c.ongoing.iter().map(|o| o.id).collect();
        assert_eq!(ongoing, vec![5, 4]);
        assert_eq!(c.rental_contract.map(|o| o.id), Some(6));
        assert!(c.childcare_school.is_none());
    }
}
