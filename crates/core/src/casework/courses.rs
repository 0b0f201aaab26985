//! Language-course registrations (issue 23, decision 0032): a person of a case registered with the
//! language-course coordination office or a course provider (a directory entry), for a course type
//! and a level aimed at, with the wish and the constraints; then the status with the day of each
//! (registered, waiting, started, finished, dropped). A finished course with a certificate records
//! the German level reached through the outcomes' own path in the same change. And the
//! coordinator's waiting list: counts per municipality and course type under the figures'
//! disclosure control, names only where the person's release covers the office registered with.
//!
//! Who may register is who may record a contact on the case (`WriteClient` on it), as referrals.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::entities::{case, course_registration, municipality, person, service};
use ankommen_store::{Db, Tx};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::organisations::expect_updated;
use crate::administration::services;
use crate::casework::figures::disclosure::{self, Raw, Table};
use crate::casework::outcomes::{self, OutcomeForm};
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{
    CaseStatus, CourseStatus, CourseType, DataCategory, GermanLevel, RecipientCategory,
};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{parse_date, parse_text};
use crate::records::releases::{self, RecipientRef};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest wish or note of preferred times.
pub const TEXT_MAX: usize = 1000;

/// The directory categories a person can be registered with.
pub const CATEGORIES: &[RecipientCategory] = &[
    RecipientCategory::LanguageCourse,
    RecipientCategory::AdultEducation,
    RecipientCategory::Other,
];

/// The statuses the waiting list counts.
pub const WAITING: &[CourseStatus] = &[CourseStatus::Registered, CourseStatus::Waiting];

/// The registration form as typed.
#[derive(Clone, Debug, Default)]
pub struct RegistrationForm {
    /// The directory entry's id.
    pub service: String,
    pub person: String,
    pub date: String,
    pub course_type: String,
    pub level: String,
    pub wish: String,
    /// "yes" when childcare is needed.
    pub childcare: String,
    pub times: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RegistrationInput {
    service_id: i64,
    person_id: i64,
    date: NaiveDate,
    course_type: CourseType,
    level: GermanLevel,
    wish: Option<String>,
    childcare: bool,
    times: Option<String>,
}

/// A CEFR level A1..C2 (not "none").
fn parse_level(s: &str) -> std::result::Result<GermanLevel, &'static str> {
    match GermanLevel::parse(s)? {
        GermanLevel::None => Err("error-choice"),
        l => Ok(l),
    }
}

fn check_box(s: &str) -> std::result::Result<bool, &'static str> {
    match s.trim() {
        "yes" => Ok(true),
        "" | "no" => Ok(false),
        _ => Err("error-choice"),
    }
}

fn parse(
    f: &RegistrationForm,
    c: &case::Model,
    case_persons: &[i64],
    today: NaiveDate,
) -> Result<RegistrationInput> {
    let mut e = FieldErrors::new();
    let service_id = match f.service.trim() {
        "" => {
            e.add("service", "error-required");
            None
        }
        s => e.take("service", s.parse::<i64>().map_err(|_| "error-choice")),
    };
    let person_id = match f.person.trim() {
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
    let date = crate::casework::cases::date_in_case(&mut e, "date", &f.date, c, today);
    let course_type = e.take("course_type", CourseType::parse(&f.course_type));
    let level = e.take("level", parse_level(&f.level));
    let wish = e.take("wish", parse_text(&f.wish, TEXT_MAX)).flatten();
    let childcare = e.take("childcare", check_box(&f.childcare));
    let times = e.take("times", parse_text(&f.times, TEXT_MAX)).flatten();
    e.into_result()?;
    let (Some(service_id), Some(person_id), Some(date), Some(course_type), Some(level), Some(cc)) =
        (service_id, person_id, date, course_type, level, childcare)
    else {
        return Err(Error::field("form", "error-form"));
    };
    Ok(RegistrationInput {
        service_id,
        person_id,
        date,
        course_type,
        level,
        wish,
        childcare: cc,
        times,
    })
}

/// Whether a directory entry is one a person can be registered with.
pub fn registers(s: &service::Model) -> bool {
    s.active && CATEGORIES.iter().any(|c| c.as_str() == s.category)
}

/// What the registration form offers for one case.
#[derive(Clone, Debug)]
pub struct FormChoices {
    pub case: case::Model,
    pub persons: Vec<person::Model>,
    /// The active entries of the categories registered with that the actor sees.
    pub services: Vec<service::Model>,
}

/// The form for a new registration on a case. The read is audited.
pub async fn new_form(db: &Db, ctx: &Ctx, case_id: i64) -> Result<FormChoices> {
    audit::read(db, async |tx| {
        let ev = Event::on("case_viewed", "case", case_id).section("courses");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
        if c.status == CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-course-case-closed"));
        }
        let persons = crate::casework::cases::persons_of(tx, case_id).await?;
        let services = services::visible(tx, ctx)
            .await?
            .into_iter()
            .filter(registers)
            .collect();
        audit::record(tx, ctx, ev).await?;
        Ok(FormChoices {
            case: c,
            persons,
            services,
        })
    })
    .await
}

/// Registers a person of the case for a language course. Returns the registration's id.
pub async fn register(db: &Db, ctx: &Ctx, case_id: i64, form: &RegistrationForm) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("course_registered", "case", case_id);
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev).await?;
    if c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-course-case-closed"));
    }
    let case_persons: Vec<i64> = crate::casework::cases::persons_of(&tx, case_id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let i = parse(form, &c, &case_persons, ctx.today())?;
    let Some(s) = services::visible(&tx, ctx)
        .await?
        .into_iter()
        .find(|s| s.id == i.service_id && registers(s))
    else {
        return Err(Error::field("service", "error-choice"));
    };
    let now = ctx.now();
    let id = course_registration::Entity::insert(course_registration::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        person_id: Set(i.person_id),
        service_id: Set(s.id),
        course_type: Set(i.course_type.as_str().into()),
        level_aimed: Set(i.level.as_str().into()),
        wish: Set(i.wish),
        childcare_needed: Set(i.childcare),
        preferred_times: Set(i.times),
        status: Set(CourseStatus::Registered.as_str().into()),
        registered_on: Set(i.date),
        waiting_on: Set(None),
        started_on: Set(None),
        finished_on: Set(None),
        dropped_on: Set(None),
        level_achieved: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    audit::record(
        &tx,
        ctx,
        Event::on("course_registered", "course_registration", id)
            .case(case_id)
            .person(i.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A registration as the case page shows it.
#[derive(Clone, Debug)]
pub struct Registration {
    pub registration: course_registration::Model,
    /// The name of the directory entry registered with.
    pub service_name: String,
}

/// The registrations of a case, newest first. For callers that have checked access.
pub(crate) async fn of_case<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
) -> Result<Vec<Registration>> {
    let regs = course_registration::Entity::find()
        .filter(course_registration::Column::CaseId.eq(case_id))
        .order_by_desc(course_registration::Column::RegisteredOn)
        .order_by_desc(course_registration::Column::Id)
        .all(conn)
        .await?;
    let ids: BTreeSet<i64> = regs.iter().map(|r| r.service_id).collect();
    let names: BTreeMap<i64, String> = service::Entity::find()
        .filter(service::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(regs
        .into_iter()
        .map(|r| Registration {
            service_name: names.get(&r.service_id).cloned().unwrap_or_default(),
            registration: r,
        })
        .collect())
}

/// The days of each status a registration went through, in the order of the statuses.
pub fn history(r: &course_registration::Model) -> Vec<(CourseStatus, NaiveDate)> {
    [
        (CourseStatus::Registered, Some(r.registered_on)),
        (CourseStatus::Waiting, r.waiting_on),
        (CourseStatus::Started, r.started_on),
        (CourseStatus::Finished, r.finished_on),
        (CourseStatus::Dropped, r.dropped_on),
    ]
    .into_iter()
    .filter_map(|(s, d)| d.map(|d| (s, d)))
    .collect()
}

/// The status form as typed.
#[derive(Clone, Debug, Default)]
pub struct StatusForm {
    pub status: String,
    pub on: String,
    /// For a finished course: the level the certificate states (empty: no certificate).
    pub level_achieved: String,
    /// "yes": record the level as the person's German-level outcome in the same step.
    pub record_outcome: String,
}

/// What a status change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChanged {
    pub case_id: i64,
    /// The outcome recorded with it.
    pub outcome_id: Option<i64>,
}

/// Moves a registration to a status on a day (not before the registration, not in the future),
/// if nobody changed it since `version`. The day of every earlier status stays. A finished
/// course with a certificate level may record the German level reached as an outcome, through
/// the outcomes' path (its consent check and audit) in the same transaction.
pub async fn set_status(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    version: i32,
    form: &StatusForm,
) -> Result<StatusChanged> {
    let tx = db.begin().await?;
    let Some(r) = course_registration::Entity::find_by_id(id).one(&tx).await? else {
        return Err(Error::NotFound);
    };
    let ev = Event::on("course_status_changed", "course_registration", id)
        .case(r.case_id)
        .person(r.person_id);
    let (tx, _, _) = access::case_in(tx, ctx, r.case_id, Action::WriteClient, ev.clone()).await?;
    let mut e = FieldErrors::new();
    let status = e.take("status", CourseStatus::parse(&form.status));
    let on = e.take("on", parse_date(&form.on)).and_then(|d| {
        if d > ctx.today() {
            e.add("on", "error-date-future");
            None
        } else if d < r.registered_on {
            e.add("on", "error-course-before-registration");
            None
        } else {
            Some(d)
        }
    });
    let finished = status == Some(CourseStatus::Finished);
    let level = match form.level_achieved.trim() {
        "" => None,
        l if finished => e.take("level_achieved", parse_level(l)),
        _ => {
            e.add("level_achieved", "error-course-level-only-finished");
            None
        }
    };
    let record_outcome = e
        .take("record_outcome", check_box(&form.record_outcome))
        .unwrap_or(false);
    if record_outcome && level.is_none() && e.get("level_achieved").is_none() {
        e.add("level_achieved", "error-course-outcome-needs-level");
    }
    e.into_result()?;
    let (Some(status), Some(on)) = (status, on) else {
        return Err(Error::field("status", "error-required"));
    };
    let column = match status {
        CourseStatus::Registered => course_registration::Column::RegisteredOn,
        CourseStatus::Waiting => course_registration::Column::WaitingOn,
        CourseStatus::Started => course_registration::Column::StartedOn,
        CourseStatus::Finished => course_registration::Column::FinishedOn,
        CourseStatus::Dropped => course_registration::Column::DroppedOn,
    };
    let res = course_registration::Entity::update_many()
        .col_expr(
            course_registration::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(column, Expr::value(on))
        .col_expr(
            course_registration::Column::LevelAchieved,
            Expr::value(if finished {
                level.map(|l| l.as_str().to_string())
            } else {
                r.level_achieved.clone()
            }),
        )
        .col_expr(
            course_registration::Column::UpdatedAt,
            Expr::value(ctx.now()),
        )
        .col_expr(
            course_registration::Column::Version,
            Expr::value(version + 1),
        )
        .filter(course_registration::Column::Id.eq(id))
        .filter(course_registration::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(
        &tx,
        res.rows_affected,
        course_registration::Entity::find_by_id(id),
    )
    .await?;
    audit::record(&tx, ctx, ev).await?;
    let (tx, outcome_id) = match (record_outcome, level) {
        (true, Some(l)) => {
            let form = OutcomeForm {
                outcome_type: "german_level".into(),
                date: on.to_string(),
                level: l.as_str().into(),
                certificate: "yes".into(),
                course: r.course_type.clone(),
                ..Default::default()
            };
            let (tx, oid) = record_outcome_in(tx, ctx, r.person_id, &form).await?;
            (tx, Some(oid))
        }
        _ => (tx, None),
    };
    tx.commit().await?;
    Ok(StatusChanged {
        case_id: r.case_id,
        outcome_id,
    })
}

async fn record_outcome_in(
    tx: Tx,
    ctx: &Ctx,
    person_id: i64,
    form: &OutcomeForm,
) -> Result<(Tx, i64)> {
    outcomes::record_in(tx, ctx, person_id, form)
        .await
        // Without a consent covering outcomes nothing is changed: the status waits too.
        .map_err(|e| match e {
            Error::Invalid(fe) => Error::Invalid(FieldErrors(
                fe.0.into_iter()
                    .map(|mut x| {
                        x.field = "record_outcome";
                        x
                    })
                    .collect(),
            )),
            other => other,
        })
}

/// One named line of the waiting list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub person_id: i64,
    pub name: String,
    pub course_type: String,
    pub municipality_ags: String,
    /// Registered or waiting since.
    pub since: NaiveDate,
}

/// The coordinator's waiting list.
#[derive(Clone, Debug)]
pub struct WaitingList {
    /// Persons registered or waiting, per municipality (rows) and course type (columns), under
    /// disclosure control.
    pub table: Table,
    /// The municipalities' names by AGS.
    pub municipalities: BTreeMap<String, String>,
    /// Names only of persons whose release covers their identity for the office registered with.
    pub named: Vec<Waiting>,
}

/// The waiting list: who is registered or waiting for which course type, per municipality. The
/// counts pass the figures' disclosure control; a person is named only while an active release
/// covers their identity for the directory entry registered with (`releases::covering`). Each
/// person named is audited.
pub async fn waiting_list(db: &Db, ctx: &Ctx) -> Result<WaitingList> {
    audit::read(db, async |tx| {
        let ev = Event::new("course_waiting_list_viewed");
        ctx.authorize(
            tx,
            Action::ViewCourseWaitingList,
            &Resource::Deployment,
            ev.clone(),
            Error::Forbidden,
        )
        .await?;
        let today = ctx.today();
        let regs = course_registration::Entity::find()
            .filter(
                course_registration::Column::Status
                    .is_in(WAITING.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            )
            .order_by_asc(course_registration::Column::RegisteredOn)
            .order_by_asc(course_registration::Column::Id)
            .all(tx)
            .await?;
        let case_ids: BTreeSet<i64> = regs.iter().map(|r| r.case_id).collect();
        let cases: BTreeMap<i64, String> = case::Entity::find()
            .filter(case::Column::Id.is_in(case_ids))
            .all(tx)
            .await?
            .into_iter()
            .map(|c| (c.id, c.municipality_ags))
            .collect();
        let service_ids: BTreeSet<i64> = regs.iter().map(|r| r.service_id).collect();
        let service_names: BTreeMap<i64, String> = service::Entity::find()
            .filter(service::Column::Id.is_in(service_ids))
            .all(tx)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        // Distinct persons per (municipality, course type).
        let mut cells: BTreeMap<(String, usize), BTreeSet<i64>> = BTreeMap::new();
        let mut totals: BTreeMap<usize, BTreeSet<i64>> = BTreeMap::new();
        let mut named = Vec::new();
        for r in &regs {
            let Some(ags) = cases.get(&r.case_id) else {
                continue;
            };
            let Some(col) = CourseType::ALL
                .iter()
                .position(|t| t.as_str() == r.course_type)
            else {
                continue;
            };
            cells
                .entry((ags.clone(), col))
                .or_default()
                .insert(r.person_id);
            totals.entry(col).or_default().insert(r.person_id);
            let Some(office) = service_names.get(&r.service_id) else {
                continue;
            };
            let released = releases::covering(
                tx,
                r.person_id,
                &[DataCategory::Identity],
                &RecipientRef::Named(office),
                today,
            )
            .await?
            .is_some();
            if !released {
                continue;
            }
            let Some(p) = person::Entity::find_by_id(r.person_id).one(tx).await? else {
                continue;
            };
            named.push(Waiting {
                person_id: p.id,
                name: format!("{} {}", p.given_name, p.family_name),
                course_type: r.course_type.clone(),
                municipality_ags: ags.clone(),
                since: r.waiting_on.unwrap_or(r.registered_on),
            });
        }
        let ags_list: BTreeSet<&String> = cells.keys().map(|(a, _)| a).collect();
        let raw = Raw {
            columns: CourseType::ALL.iter().map(|t| t.as_str()).collect(),
            by_organisation: Vec::new(),
            by_municipality: ags_list
                .iter()
                .map(|ags| {
                    (
                        (*ags).clone(),
                        (0..CourseType::ALL.len())
                            .map(|c| cells.get(&((*ags).clone(), c)).map_or(0, BTreeSet::len))
                            .collect(),
                    )
                })
                .collect(),
            total: (0..CourseType::ALL.len())
                .map(|c| totals.get(&c).map_or(0, BTreeSet::len))
                .collect(),
            row_relations: Vec::new(),
        };
        let table = disclosure::protect(&raw);
        let municipalities = municipality::Entity::find()
            .all(tx)
            .await?
            .into_iter()
            .map(|m| (m.ags, m.name))
            .collect();
        audit::record(tx, ctx, ev).await?;
        for w in &named {
            audit::record(
                tx,
                ctx,
                Event::on("course_waiting_list_viewed", "person", w.person_id),
            )
            .await?;
        }
        Ok(WaitingList {
            table,
            municipalities,
            named,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn the_history_keeps_the_day_of_each_status() {
        let r = course_registration::Model {
            id: 1,
            case_id: 1,
            person_id: 1,
            service_id: 1,
            course_type: "integration".into(),
            level_aimed: "B1".into(),
            wish: None,
            childcare_needed: false,
            preferred_times: None,
            status: "finished".into(),
            registered_on: d(2026, 1, 5),
            waiting_on: Some(d(2026, 1, 20)),
            started_on: Some(d(2026, 3, 1)),
            finished_on: Some(d(2026, 9, 30)),
            dropped_on: None,
            level_achieved: Some("B1".into()),
            created_by: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            version: 4,
        };
        let h = history(&r);
        assert_eq!(h.len(), 4);
        assert_eq!(h[0], (CourseStatus::Registered, d(2026, 1, 5)));
        assert_eq!(h[3], (CourseStatus::Finished, d(2026, 9, 30)));
        assert_eq!(parse_level("none"), Err("error-choice"));
        assert_eq!(parse_level("B2"), Ok(GermanLevel::B2));
        assert_eq!(check_box("maybe"), Err("error-choice"));
    }
}
