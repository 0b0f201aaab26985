//! The facts of the whole deployment, read from the database: only the columns the figures need
//! (dates, statuses, kinds, fields; never names or texts).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ankommen_store::entities::{
    case, case_assignment, case_pause, case_person, contact, exchange_id, field_of_action, goal,
    municipality, organisation, outcome, person, review, staff, staff_role,
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
}

impl Only {
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
        Ok(Only { cases, persons })
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
        f.contacts = contact_counts(conn, from, to, only, &fields).await?;
        f.contact_days = contact_days(conn, from, to, only, near_days).await?;
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

/// The `n`th value of a custom expression: `$n` on PostgreSQL, `?` on SQLite.
fn arg(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    }
}

/// The contacts dated in `from..=to`, counted together per case, kind and holder: the number of
/// assignments begun on or before a contact's day tells who held the case then (the holder of the
/// case's assignments in date order, as `figures::holder_on` reads them), so every group counts for
/// one IM. Topics are counted per field of action (`fields`: key → exchange field). A few
/// thousand rows instead of millions.
async fn contact_counts<C: ConnectionTrait>(
    conn: &C,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<&Only>,
    fields: &BTreeMap<String, String>,
) -> Result<Vec<Contact>> {
    use sea_orm::sea_query::{Alias, Expr, Query};
    let backend = conn.get_database_backend();
    let position = match backend {
        DbBackend::Postgres => "strpos",
        _ => "instr",
    };
    let keys: Vec<&String> = fields.keys().collect();
    let mut inner = Query::select();
    inner
        .column(contact::Column::CaseId)
        .column(contact::Column::ContactDate)
        .column(contact::Column::ContactKind)
        .column(contact::Column::Minutes)
        .expr_as(
            Expr::cust(
                "(SELECT COUNT(*) FROM case_assignments a WHERE a.case_id = contacts.case_id \
                 AND a.from_date <= contacts.contact_date)",
            ),
            Alias::new("holder"),
        )
        .expr_as(
            Expr::cust("',' || REPLACE(contacts.topics, ' ', '') || ','"),
            Alias::new("topic_list"),
        )
        .from(contact::Entity)
        .and_where(contact::Column::ContactDate.between(from, to));
    if let Some(o) = only {
        inner.and_where(o.cases_filter(backend, contact::Column::CaseId));
    }
    let mut outer = Query::select();
    outer
        .column(Alias::new("case_id"))
        .column(Alias::new("contact_kind"))
        .expr_as(Expr::cust("MIN(contact_date)"), Alias::new("first_day"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .expr_as(
            Expr::cust("SUM(COALESCE(minutes, 0))"),
            Alias::new("minutes_sum"),
        );
    for (i, key) in keys.iter().enumerate() {
        outer.expr_as(
            Expr::cust_with_values(
                format!(
                    "SUM(CASE WHEN {position}(topic_list, {}) > 0 THEN 1 ELSE 0 END)",
                    arg(backend, 1)
                ),
                [format!(",{key},")],
            ),
            Alias::new(format!("t{i}")),
        );
    }
    outer
        .from_subquery(inner, Alias::new("k"))
        .group_by_col(Alias::new("case_id"))
        .group_by_col(Alias::new("holder"))
        .group_by_col(Alias::new("contact_kind"));
    let rows = conn.query_all_raw(backend.build(&outer)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let case: i64 = r.try_get("", "case_id")?;
        let mut topics: Vec<(String, usize)> = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            let n: i64 = r.try_get("", &format!("t{i}"))?;
            if n > 0 {
                topics.push((fields[*key].clone(), usize::try_from(n).unwrap_or(0)));
            }
        }
        out.push(Contact {
            case: case.to_string(),
            date: r.try_get("", "first_day")?,
            count: usize::try_from(r.try_get::<i64>("", "n")?).unwrap_or(0),
            minutes: r.try_get("", "minutes_sum")?,
            kind: r.try_get("", "contact_kind")?,
            topics,
        });
    }
    Ok(out)
}

/// The contact days the clock needs for the cases active on `to`: each case's last contact day
/// before `from`, and of the days in `from..=to` the first, the last, and both ends of every gap
/// longer than `near_days` (no shorter gap can be overdue, whatever the pauses); a day after
/// left-out days is marked `near_previous`.
async fn contact_days<C: ConnectionTrait>(
    conn: &C,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<&Only>,
    near_days: u32,
) -> Result<Vec<ContactDay>> {
    use sea_orm::sea_query::{Alias, Expr, Query};
    let backend = conn.get_database_backend();
    let active = Expr::cust_with_values(
        format!(
            "case_id IN (SELECT id FROM cases WHERE opened_on <= {} \
             AND (closed_on IS NULL OR closed_on > {}))",
            arg(backend, 1),
            arg(backend, 2)
        ),
        [to, to],
    );
    // The last contact day before the period, per case (the index on (case, date) answers each).
    let mut before = Query::select();
    before
        .column(case::Column::Id)
        .expr_as(
            Expr::cust_with_values(
                format!(
                    "(SELECT MAX(k.contact_date) FROM contacts k WHERE k.case_id = cases.id \
                     AND k.contact_date < {})",
                    arg(backend, 1)
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
    let mut out: Vec<ContactDay> = Vec::new();
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
    // The days of the period: each with the previous and the next day of its case.
    let days_between = |a: &str, b: &str| match backend {
        DbBackend::Postgres => format!("({b} - {a})"),
        _ => format!("CAST(julianday({b}) - julianday({a}) AS INTEGER)"),
    };
    let gap = days_between("prev", "contact_date");
    let next_gap = days_between("contact_date", "next");
    let mut inner = Query::select();
    inner
        .column(contact::Column::CaseId)
        .column(contact::Column::ContactDate)
        .expr_as(
            Expr::cust("LAG(contact_date) OVER (PARTITION BY case_id ORDER BY contact_date)"),
            Alias::new("prev"),
        )
        .expr_as(
            Expr::cust("LEAD(contact_date) OVER (PARTITION BY case_id ORDER BY contact_date)"),
            Alias::new("next"),
        )
        .from(contact::Entity)
        .and_where(contact::Column::ContactDate.between(from, to))
        .and_where(active);
    if let Some(o) = only {
        inner.and_where(o.cases_filter(backend, contact::Column::CaseId));
    }
    let mut outer = Query::select();
    outer
        .column(Alias::new("case_id"))
        .column(Alias::new("contact_date"))
        .column(Alias::new("prev"))
        .expr_as(
            Expr::cust_with_values(
                format!(
                    "CAST(CASE WHEN {gap} > {} THEN 1 ELSE 0 END AS BIGINT)",
                    arg(backend, 1)
                ),
                [i64::from(near_days)],
            ),
            Alias::new("far"),
        )
        .from_subquery(inner, Alias::new("d"))
        .and_where(Expr::cust_with_values(
            format!(
                "prev IS NULL OR next IS NULL OR {gap} > {} OR {next_gap} > {}",
                arg(backend, 1),
                arg(backend, 2)
            ),
            [i64::from(near_days), i64::from(near_days)],
        ));
    for r in conn.query_all_raw(backend.build(&outer)).await? {
        let case: i64 = r.try_get("", "case_id")?;
        let date: NaiveDate = r.try_get("", "contact_date")?;
        let prev: Option<NaiveDate> = r.try_get("", "prev")?;
        let far: i64 = r.try_get("", "far")?;
        out.push(ContactDay {
            case: case.to_string(),
            date,
            // The first day of the period is checked from the day before it; a day after a long
            // gap from its previous day too; any other listed day follows near days.
            near_previous: prev.is_some() && far == 0,
        });
    }
    Ok(out)
}
