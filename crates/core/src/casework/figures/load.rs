//! The facts of the whole deployment, read from the database: only the columns the figures need
//! (dates, statuses, kinds, fields; never names or texts).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ankommen_store::entities::{
    case, case_assignment, case_pause, case_person, contact, contact_tally, exchange_id,
    field_of_action, goal, municipality, organisation, outcome, person, review, staff, staff_role,
};
use chrono::NaiveDate;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

use super::facts::*;
use super::{Question, Settings};
use crate::Result;
use crate::kernel::types::Birth;

/// The part of the deployment a person's figures need: every case the given staff members ever
/// held, and every case of those cases' persons (whether a person is still served by any case).
pub(crate) struct Only {
    cases: BTreeSet<i64>,
    persons: BTreeSet<i64>,
    /// Whether the erased cases' kept facts are added (not when reading a case to keep its facts).
    keeps_erased: bool,
}

impl Only {
    /// Exactly these cases and persons (one case about to be erased, with its persons).
    pub(crate) fn exactly(cases: BTreeSet<i64>, persons: BTreeSet<i64>) -> Only {
        Only {
            cases,
            persons,
            keeps_erased: false,
        }
    }
    fn cases_filter(&self, backend: DbBackend, col: impl ColumnTrait) -> SimpleExpr {
        crate::kernel::query::one_of(backend, col, self.cases.iter().copied())
    }
    fn persons_filter(&self, backend: DbBackend, col: impl ColumnTrait) -> SimpleExpr {
        crate::kernel::query::one_of(backend, col, self.persons.iter().copied())
    }

    pub(crate) async fn of_staff<C: ConnectionTrait>(conn: &C, staff: &[i64]) -> Result<Only> {
        let backend = conn.get_database_backend();
        let mut held: BTreeSet<i64> = case_assignment::Entity::find()
            .select_only()
            .column(case_assignment::Column::CaseId)
            .filter(crate::kernel::query::one_of(
                backend,
                case_assignment::Column::StaffId,
                staff.iter().copied(),
            ))
            .into_tuple::<i64>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        held.extend(
            case::Entity::find()
                .select_only()
                .column(case::Column::Id)
                .filter(crate::kernel::query::one_of(
                    backend,
                    case::Column::AssignedTo,
                    staff.iter().copied(),
                ))
                .into_tuple::<i64>()
                .all(conn)
                .await?,
        );
        Self::around(conn, held).await
    }

    /// The cases of an organisation (its per-IM template: every staff member who held one of them,
    /// whether they work there today or not), with every case of their persons.
    pub(crate) async fn of_organisation<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Only> {
        let held: BTreeSet<i64> = case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .filter(case::Column::OrganisationId.eq(id))
            .into_tuple::<i64>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        Self::around(conn, held).await
    }

    /// `held` and every case of their persons (needed to know whether a person is still served).
    async fn around<C: ConnectionTrait>(conn: &C, held: BTreeSet<i64>) -> Result<Only> {
        let backend = conn.get_database_backend();
        let persons: BTreeSet<i64> = case_person::Entity::find()
            .select_only()
            .column(case_person::Column::PersonId)
            .filter(crate::kernel::query::one_of(
                backend,
                case_person::Column::CaseId,
                held.iter().copied(),
            ))
            .into_tuple::<i64>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let mut cases = held;
        cases.extend(
            case_person::Entity::find()
                .select_only()
                .column(case_person::Column::CaseId)
                .filter(crate::kernel::query::one_of(
                    backend,
                    case_person::Column::PersonId,
                    persons.iter().copied(),
                ))
                .into_tuple::<i64>()
                .all(conn)
                .await?,
        );
        Ok(Only {
            cases,
            persons,
            keeps_erased: true,
        })
    }
}

/// Reads the facts of every case and person of the deployment, and the contacts the question
/// needs (see below): the figures of `q` computed from them are those of all the facts. With
/// `only`, just that part (the figures of those staff members' rows are the same).
pub(crate) async fn load<C: ConnectionTrait>(
    conn: &C,
    q: Question,
    only: Option<&Only>,
    s: &Settings,
) -> Result<Facts> {
    let a = s.contact_allowance;
    let near_days = a.days_in_first_months.min(a.days_afterwards);
    let backend = conn.get_database_backend();
    let mut f = Facts::default();
    // The fields of action as the exchange format names them (administrators may add fields that
    // report under an exchange field).
    let fields: BTreeMap<String, String> = field_of_action::Entity::find()
        .select_only()
        .column(field_of_action::Column::Key)
        .column(field_of_action::Column::ExchangeField)
        .into_tuple::<(String, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let field = |key: &str| fields.get(key).cloned().unwrap_or_else(|| key.to_string());

    // The ids of the exchange file staff and organisations were imported from.
    let imported: BTreeMap<(String, String), String> = exchange_id::Entity::find()
        .select_only()
        .column(exchange_id::Column::Kind)
        .column(exchange_id::Column::LocalId)
        .column(exchange_id::Column::ExternalId)
        .filter(exchange_id::Column::Kind.is_in(["staff", "organisation"]))
        .into_tuple::<(String, String, String)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(kind, local, external)| ((kind, local), external))
        .collect();
    let external = |kind: &str, id: i64| imported.get(&(kind.to_string(), id.to_string())).cloned();

    f.municipalities = municipality::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|m| Municipality {
            id: m.ags,
            name: m.name,
        })
        .collect();
    f.organisations = organisation::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|o| Organisation {
            id: o.id.to_string(),
            name: o.name,
            kind: o.kind,
            external_id: external("organisation", o.id),
        })
        .collect();
    let roles: Vec<(i64, String)> = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::StaffId)
        .column(staff_role::Column::Role)
        .into_tuple()
        .all(conn)
        .await?;
    let people: Vec<(i64, String, i64, Option<f64>)> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .column(staff::Column::OrganisationId)
        .column(staff::Column::Fte)
        .into_tuple()
        .all(conn)
        .await?;
    f.staff = people
        .into_iter()
        .map(|(id, display_name, org, fte)| Staff {
            id: id.to_string(),
            display_name,
            organisation: org.to_string(),
            roles: roles
                .iter()
                .filter(|(s, _)| *s == id)
                .map(|(_, r)| r.clone())
                .collect(),
            fte,
            external_id: external("staff", id),
        })
        .collect();
    f.persons = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::HouseholdId)
        .column(person::Column::BirthDate)
        .column(person::Column::BirthYear)
        .column(person::Column::GermanLevel)
        .apply_if(
            only.map(|o| o.persons_filter(backend, person::Column::Id)),
            QueryFilter::filter,
        )
        .into_model::<PersonRow>()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| Person {
            id: p.id.to_string(),
            household: p.household_id.map(|h| h.to_string()),
            birth: Some(Birth::from_stored(p.birth_date, p.birth_year)),
            german_level: p.german_level,
        })
        .collect();

    let links: Vec<(i64, i64)> = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::CaseId)
        .column(case_person::Column::PersonId)
        .apply_if(
            only.map(|o| o.cases_filter(backend, case_person::Column::CaseId)),
            QueryFilter::filter,
        )
        .into_tuple()
        .all(conn)
        .await?;
    let assignments: Vec<(i64, i64, NaiveDate)> = case_assignment::Entity::find()
        .select_only()
        .column(case_assignment::Column::CaseId)
        .column(case_assignment::Column::StaffId)
        .column(case_assignment::Column::FromDate)
        .order_by_asc(case_assignment::Column::FromDate)
        .order_by_asc(case_assignment::Column::Id)
        .apply_if(
            only.map(|o| o.cases_filter(backend, case_assignment::Column::CaseId)),
            QueryFilter::filter,
        )
        .into_tuple()
        .all(conn)
        .await?;
    let pauses: Vec<(i64, NaiveDate, Option<NaiveDate>)> = case_pause::Entity::find()
        .select_only()
        .column(case_pause::Column::CaseId)
        .column(case_pause::Column::FromDate)
        .column(case_pause::Column::UntilDate)
        .apply_if(
            only.map(|o| o.cases_filter(backend, case_pause::Column::CaseId)),
            QueryFilter::filter,
        )
        .into_tuple()
        .all(conn)
        .await?;
    let cases = case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .column(case::Column::OrganisationId)
        .column(case::Column::MunicipalityAgs)
        .column(case::Column::AssignedTo)
        .column(case::Column::OpenedOn)
        .column(case::Column::Status)
        .column(case::Column::ClosedOn)
        .column(case::Column::ClosureReason)
        .apply_if(
            only.map(|o| o.cases_filter(backend, case::Column::Id)),
            QueryFilter::filter,
        )
        .into_model::<CaseRow>()
        .all(conn)
        .await?;
    let mut held_by: HashMap<i64, Vec<(String, NaiveDate)>> = HashMap::new();
    for (k, s, from) in &assignments {
        held_by.entry(*k).or_default().push((s.to_string(), *from));
    }
    let mut persons_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (k, p) in &links {
        persons_of.entry(*k).or_default().push(p.to_string());
    }
    let mut pauses_of: HashMap<i64, Vec<(NaiveDate, Option<NaiveDate>)>> = HashMap::new();
    for (k, from, until) in &pauses {
        pauses_of.entry(*k).or_default().push((*from, *until));
    }
    f.cases = cases
        .into_iter()
        .map(|c| {
            let id = c.id;
            let mut held = held_by.remove(&id).unwrap_or_default();
            if held.is_empty() {
                held.push((c.assigned_to.to_string(), c.opened_on));
            }
            Case {
                id: id.to_string(),
                organisation: c.organisation_id.to_string(),
                municipality: c.municipality_ags,
                persons: persons_of.remove(&id).unwrap_or_default(),
                assignments: held,
                opened_on: c.opened_on,
                status: c.status,
                pauses: pauses_of.remove(&id).unwrap_or_default(),
                closed_on: c.closed_on,
                closure_reason: c.closure_reason,
            }
        })
        .collect();

    let goals: Vec<(i64, String, String, NaiveDate, Option<NaiveDate>)> = goal::Entity::find()
        .select_only()
        .column(goal::Column::CaseId)
        .column(goal::Column::FieldKey)
        .column(goal::Column::Status)
        .column(goal::Column::CreatedOn)
        .column(goal::Column::ClosedOn)
        .apply_if(
            only.map(|o| o.cases_filter(backend, goal::Column::CaseId)),
            QueryFilter::filter,
        )
        .into_tuple()
        .all(conn)
        .await?;
    f.goals = goals
        .into_iter()
        .map(|(c, key, status, created_on, closed_on)| Goal {
            case: c.to_string(),
            field: field(&key),
            status,
            created_on,
            closed_on,
        })
        .collect();
    let reviews: Vec<(i64, NaiveDate)> = review::Entity::find()
        .select_only()
        .column(review::Column::CaseId)
        .column(review::Column::HeldOn)
        .apply_if(
            only.map(|o| o.cases_filter(backend, review::Column::CaseId)),
            QueryFilter::filter,
        )
        .into_tuple()
        .all(conn)
        .await?;
    f.reviews = reviews
        .into_iter()
        .map(|(c, held_on)| Review {
            case: c.to_string(),
            held_on,
        })
        .collect();
    // Contacts count only in a period: those dated in it, counted in the database, and for the
    // contact clock of the cases active on its last day the contact days it needs.
    if let Question::Period { from, to } = q {
        let (contacts, days) =
            contacts_in(conn, from, to, only, &fields, &f.cases, near_days).await?;
        f.contacts = contacts;
        f.contact_days = last_days_before(conn, from, to, only).await?;
        f.contact_days.extend(days);
    }
    f.outcomes = outcome::Entity::find()
        .select_only()
        .column(outcome::Column::PersonId)
        .column(outcome::Column::OutcomeDate)
        .column(outcome::Column::OutcomeType)
        .column(outcome::Column::Level)
        .column(outcome::Column::EmploymentType)
        .column(outcome::Column::UntilDate)
        .apply_if(
            only.map(|o| o.persons_filter(backend, outcome::Column::PersonId)),
            QueryFilter::filter,
        )
        .into_model::<OutcomeRow>()
        .all(conn)
        .await?
        .into_iter()
        .map(|o| Outcome {
            person: o.person_id.to_string(),
            date: o.outcome_date,
            kind: o.outcome_type,
            level: o.level,
            employment_type: o.employment_type,
            until: o.until_date,
        })
        .collect();
    // The facts of erased cases, kept for the figures of the years they count in.
    if only.is_none_or(|o| o.keeps_erased) {
        super::retained::append(conn, q, &mut f).await?;
    }
    Ok(f)
}

#[derive(FromQueryResult)]
struct PersonRow {
    id: i64,
    household_id: Option<i64>,
    birth_date: Option<NaiveDate>,
    birth_year: i32,
    german_level: Option<String>,
}

#[derive(FromQueryResult)]
struct CaseRow {
    id: i64,
    organisation_id: i64,
    municipality_ags: String,
    assigned_to: i64,
    opened_on: NaiveDate,
    status: String,
    closed_on: Option<NaiveDate>,
    closure_reason: Option<String>,
}

#[derive(FromQueryResult)]
struct OutcomeRow {
    person_id: i64,
    outcome_date: NaiveDate,
    outcome_type: String,
    level: Option<String>,
    employment_type: Option<String>,
    until_date: Option<NaiveDate>,
}

/// The contacts dated in `from..=to`, counted together per case, kind and holder (the number of
/// the case's assignments begun on or before the day tells who held it, as `figures::holder_on`
/// reads them, so every group counts for one IM); and the contact days the clock needs of the
/// cases active on `to` (see [`needed_days`]). A period of whole calendar years reads the contacts'
/// tallies (see [`super::tallies`]) while they are complete, except for the cases handed over
/// inside it; any other period, and those cases, read the contacts themselves (five short columns
/// each).
async fn contacts_in<C: ConnectionTrait>(
    conn: &C,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<&Only>,
    fields: &BTreeMap<String, String>,
    cases: &[Case],
    near_days: u32,
) -> Result<(Vec<Contact>, Vec<ContactDay>)> {
    let backend = conn.get_database_backend();
    let by_id: HashMap<i64, &Case> = cases
        .iter()
        .filter_map(|c| Some((c.id.parse().ok()?, c)))
        .collect();
    let field = |key: &str| fields.get(key).map_or(key, String::as_str).to_string();
    let mut listed: Vec<Contact> = Vec::new();
    let mut groups: HashMap<(i64, usize, String), Contact> = HashMap::new();
    let mut days: BTreeMap<i64, Vec<NaiveDate>> = BTreeMap::new();
    let rows_of = |cases: Option<SimpleExpr>| {
        contact::Entity::find()
            .select_only()
            .column(contact::Column::CaseId)
            .column(contact::Column::ContactDate)
            .column(contact::Column::Minutes)
            .column(contact::Column::ContactKind)
            .column(contact::Column::Topics)
            .filter(contact::Column::ContactDate.between(from, to))
            .apply_if(cases, QueryFilter::filter)
            .into_tuple::<(i64, NaiveDate, Option<i32>, String, String)>()
    };
    let rows = match super::tallies::whole_years(from, to) {
        Some((first, last)) if super::tallies::complete(conn).await? => {
            let handed: BTreeSet<i64> = by_id
                .iter()
                // Before its first assignment a case counts for its first holder.
                .filter(|(_, c)| {
                    c.assignments
                        .iter()
                        .skip(1)
                        .any(|(_, since)| from < *since && *since <= to)
                })
                .map(|(id, _)| *id)
                .collect();
            let tallies = contact_tally::Entity::find()
                .filter(contact_tally::Column::Year.between(first, last))
                .apply_if(
                    only.map(|o| o.cases_filter(backend, contact_tally::Column::CaseId)),
                    QueryFilter::filter,
                )
                .all(conn)
                .await?;
            for t in tallies {
                let Some(c) = by_id
                    .get(&t.case_id)
                    .filter(|_| !handed.contains(&t.case_id))
                else {
                    continue;
                };
                let count = super::tallies::Count::decode(&t).ok_or_else(|| {
                    crate::Error::Internal(format!(
                        "the contact tally of case {} for {} is damaged",
                        t.case_id, t.year
                    ))
                })?;
                let mut topics: Vec<(String, usize)> = Vec::new();
                for (key, n) in &count.topics {
                    let (f, n) = (field(key), usize::try_from(*n).unwrap_or(0));
                    match topics.iter_mut().find(|(t, _)| *t == f) {
                        Some((_, m)) => *m += n,
                        None => topics.push((f, n)),
                    }
                }
                if super::active_at(c, to) {
                    days.entry(t.case_id)
                        .or_default()
                        .extend(count.days_of(t.year));
                }
                listed.push(Contact {
                    case: c.id.clone(),
                    date: t.first_day,
                    count: usize::try_from(t.contacts).unwrap_or(0),
                    minutes: t.minutes,
                    kind: t.kind,
                    topics,
                });
            }
            if handed.is_empty() {
                Vec::new()
            } else {
                rows_of(Some(crate::kernel::query::one_of(
                    backend,
                    contact::Column::CaseId,
                    handed.iter().copied(),
                )))
                .all(conn)
                .await?
            }
        }
        _ => {
            rows_of(only.map(|o| o.cases_filter(backend, contact::Column::CaseId)))
                .all(conn)
                .await?
        }
    };
    for (case, date, minutes, kind, topics) in rows {
        let Some(c) = by_id.get(&case) else {
            continue;
        };
        let holder = c.assignments.partition_point(|(_, since)| *since <= date);
        let g = groups
            .entry((case, holder, kind))
            .or_insert_with_key(|(_, _, kind)| Contact {
                case: c.id.clone(),
                date,
                count: 0,
                minutes: 0,
                kind: kind.clone(),
                topics: Vec::new(),
            });
        g.date = g.date.min(date);
        g.count += 1;
        g.minutes += minutes.map_or(0, i64::from);
        for key in topics.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let field = fields.get(key).map_or(key, String::as_str);
            match g.topics.iter_mut().find(|(t, _)| t == field) {
                Some((_, n)) => *n += 1,
                None => g.topics.push((field.to_string(), 1)),
            }
        }
        if super::active_at(c, to) {
            days.entry(case).or_default().push(date);
        }
    }
    let mut needed = Vec::new();
    for (case, mut dates) in days {
        dates.sort();
        dates.dedup();
        needed.extend(needed_days(&dates, i64::from(near_days)).into_iter().map(
            |(date, near_previous)| ContactDay {
                case: case.to_string(),
                date,
                near_previous,
            },
        ));
    }
    listed.extend(groups.into_values());
    Ok((listed, needed))
}

/// Of a case's contact days in a period (sorted, distinct), those the contact clock needs: the
/// first, the last, and both ends of every gap longer than `near_days` (the shortest allowance: no
/// shorter gap can be overdue, whatever the pauses). Each with whether the previous listed day is
/// near, i.e. connected to it by such short gaps only.
pub(super) fn needed_days(days: &[NaiveDate], near_days: i64) -> Vec<(NaiveDate, bool)> {
    let far = |a: NaiveDate, b: NaiveDate| (b - a).num_days() > near_days;
    let mut out = Vec::new();
    for (i, day) in days.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| days[p]);
        let next = days.get(i + 1).copied();
        let far_before = prev.is_some_and(|p| far(p, *day));
        let far_after = next.is_some_and(|n| far(*day, n));
        if prev.is_none() || next.is_none() || far_before || far_after {
            out.push((*day, prev.is_some() && !far_before));
        }
    }
    out
}

/// Each case's last contact day before `from`, of the cases active on `to` (the index on (case,
/// date) answers each).
async fn last_days_before<C: ConnectionTrait>(
    conn: &C,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<&Only>,
) -> Result<Vec<ContactDay>> {
    use sea_orm::sea_query::{Alias, Expr, Query};
    let backend = conn.get_database_backend();
    let arg = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    let mut before = Query::select();
    before
        .column(case::Column::Id)
        .expr_as(
            Expr::cust_with_values(
                format!(
                    "(SELECT MAX(k.contact_date) FROM contacts k WHERE k.case_id = cases.id \
                     AND k.contact_date < {arg})"
                ),
                [from],
            ),
            Alias::new("last_day"),
        )
        .from(case::Entity)
        .and_where(case::Column::OpenedOn.lte(to))
        .cond_where(
            sea_orm::Condition::any()
                .add(case::Column::ClosedOn.is_null())
                .add(case::Column::ClosedOn.gt(to)),
        );
    if let Some(o) = only {
        before.and_where(o.cases_filter(backend, case::Column::Id));
    }
    let mut out = Vec::new();
    for r in conn.query_all_raw(backend.build(&before)).await? {
        let case: i64 = r.try_get("", "id")?;
        if let Some(date) = r.try_get::<Option<NaiveDate>>("", "last_day")? {
            out.push(ContactDay {
                case: case.to_string(),
                date,
                near_previous: false,
            });
        }
    }
    Ok(out)
}
