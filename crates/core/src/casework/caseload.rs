//! The caseload list: an IM's (or a team lead's team's) cases with display fields only — name, case
//! number, status, time left, last contact — filtered, sorted, paged; and saved filters.

use ankommen_store::Db;
use ankommen_store::entities::{case, case_person, person, saved_filter};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use crate::casework::cases::{self, ClockState};
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::names;
use crate::kernel::policy::{self, Action, Resource};
use crate::kernel::types::Name;
use crate::{Ctx, Error, FieldErrors, Result};

pub const PAGE_SIZE: usize = 25;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// Active and paused.
    #[default]
    Open,
    Active,
    Paused,
    Closed,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeLeftFilter {
    /// Within the last six months of the clock (the 30-month warning and later).
    Warning,
    /// Less than three months left.
    Under3Months,
    /// Past the end.
    Overdue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastContactFilter {
    Never,
    Over30Days,
    Over90Days,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Name,
    CaseNumber,
    TimeLeft,
    LastContact,
}

/// A caseload filter. `query` (a name search) is never saved and never put into a URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub status: StatusFilter,
    pub municipality: Option<String>,
    pub time_left: Option<TimeLeftFilter>,
    pub last_contact: Option<LastContactFilter>,
    pub sort: Sort,
    pub desc: bool,
    pub page: usize,
    pub query: Option<String>,
}

impl Filter {
    /// Reads the filter fields. A value outside a field's choices is a field error (the filter
    /// then uses that field's default, so the page can still show a list with the errors).
    pub fn parse<'a>(get: impl Fn(&str) -> &'a str) -> (Self, FieldErrors) {
        let mut e = FieldErrors::new();
        // One field: "" is its default, the listed values map, anything else is an error.
        fn pick<T: Copy>(
            e: &mut FieldErrors,
            field: &'static str,
            value: &str,
            empty: T,
            choices: &[(&str, T)],
        ) -> T {
            match value.trim() {
                "" => empty,
                v => match choices.iter().find(|(k, _)| *k == v) {
                    Some((_, t)) => *t,
                    None => {
                        e.add(field, "error-choice");
                        empty
                    }
                },
            }
        }
        let status = pick(
            &mut e,
            "status",
            get("status"),
            StatusFilter::Open,
            &[
                ("open", StatusFilter::Open),
                ("active", StatusFilter::Active),
                ("paused", StatusFilter::Paused),
                ("closed", StatusFilter::Closed),
                ("all", StatusFilter::All),
            ],
        );
        let municipality = match get("municipality").trim() {
            "" => None,
            a if a.len() == 8 && a.bytes().all(|b| b.is_ascii_digit()) => Some(a.to_string()),
            _ => {
                e.add("municipality", "error-choice");
                None
            }
        };
        let time_left = pick(
            &mut e,
            "time_left",
            get("time_left"),
            None,
            &[
                ("warning", Some(TimeLeftFilter::Warning)),
                ("under3", Some(TimeLeftFilter::Under3Months)),
                ("overdue", Some(TimeLeftFilter::Overdue)),
            ],
        );
        let last_contact = pick(
            &mut e,
            "last_contact",
            get("last_contact"),
            None,
            &[
                ("never", Some(LastContactFilter::Never)),
                ("over30", Some(LastContactFilter::Over30Days)),
                ("over90", Some(LastContactFilter::Over90Days)),
            ],
        );
        let sort = pick(
            &mut e,
            "sort",
            get("sort"),
            Sort::Name,
            &[
                ("name", Sort::Name),
                ("number", Sort::CaseNumber),
                ("time_left", Sort::TimeLeft),
                ("last_contact", Sort::LastContact),
            ],
        );
        let desc = pick(
            &mut e,
            "dir",
            get("dir"),
            false,
            &[("asc", false), ("desc", true)],
        );
        let q = get("q").trim();
        let f = Self {
            status,
            municipality,
            time_left,
            last_contact,
            sort,
            desc,
            page: get("page").trim().parse().unwrap_or(1).max(1),
            query: (!q.is_empty()).then(|| q.chars().take(100).collect()),
        };
        (f, e)
    }

    /// The saveable part as `key=value` pairs (no name search).
    pub fn pairs(&self) -> Vec<(&'static str, &'static str)> {
        let mut v = vec![(
            "status",
            match self.status {
                StatusFilter::Open => "open",
                StatusFilter::Active => "active",
                StatusFilter::Paused => "paused",
                StatusFilter::Closed => "closed",
                StatusFilter::All => "all",
            },
        )];
        if let Some(t) = self.time_left {
            v.push((
                "time_left",
                match t {
                    TimeLeftFilter::Warning => "warning",
                    TimeLeftFilter::Under3Months => "under3",
                    TimeLeftFilter::Overdue => "overdue",
                },
            ));
        }
        if let Some(l) = self.last_contact {
            v.push((
                "last_contact",
                match l {
                    LastContactFilter::Never => "never",
                    LastContactFilter::Over30Days => "over30",
                    LastContactFilter::Over90Days => "over90",
                },
            ));
        }
        v.push((
            "sort",
            match self.sort {
                Sort::Name => "name",
                Sort::CaseNumber => "number",
                Sort::TimeLeft => "time_left",
                Sort::LastContact => "last_contact",
            },
        ));
        if self.desc {
            v.push(("dir", "desc"));
        }
        v
    }

    /// The saveable part as a query string (no personal data: a municipality key is public).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = self
            .pairs()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if let Some(m) = &self.municipality {
            parts.push(format!("municipality={m}"));
        }
        parts.join("&")
    }

    /// A saved filter's query, as [`Filter::to_query`] wrote it (so its values are the listed
    /// ones; one that no longer is falls back to the field's default).
    pub fn from_query(q: &str) -> Self {
        let pairs: Vec<(&str, &str)> = q.split('&').filter_map(|kv| kv.split_once('=')).collect();
        Self::parse(|k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| *v)
                .unwrap_or("")
        })
        .0
    }
}

/// One row of the caseload: display fields only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub case_id: i64,
    pub case_number: String,
    /// (Latin name, original spelling) of each person of the case.
    pub names: Vec<(String, Option<String>)>,
    pub status: String,
    pub clock_state: ClockState,
    pub days_left: i64,
    pub end: NaiveDate,
    pub last_contact: Option<NaiveDate>,
    pub im_name: String,
    pub own: bool,
    pub handover_unseen: bool,
    pub out_of_target_group: bool,
    pub may_open: bool,
    pub may_reassign: bool,
    pub municipality_ags: String,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub rows: Vec<Row>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

/// A case of the caseload with what its row shows besides the case itself.
#[derive(Debug, FromQueryResult)]
struct ListedCase {
    #[sea_orm(nested)]
    case: case::Model,
    holder_team: Option<i64>,
    shared: bool,
    last_contact: Option<NaiveDate>,
    im_name: Option<String>,
}

/// The caseload of the actor. Reads names of many persons, so the view is audited (no object).
pub async fn list(db: &Db, ctx: &Ctx, f: &Filter) -> Result<Page> {
    if !policy::areas(&ctx.actor).caseload {
        return ctx
            .refuse(db.writer(), Event::new("caseload_viewed"), Error::Forbidden)
            .await;
    }
    audit::read(db, async |tx| {
        let today = ctx.today();
        // Closed cases are read only when the filter may show them.
        let open_only = matches!(
            f.status,
            StatusFilter::Open | StatusFilter::Active | StatusFilter::Paused
        );
        // The listable cases with everything a row shows, in one statement: the holder's team and
        // whether the case is shared (for the policy), the last contact (from the index on
        // `(case_id, contact_date)`) and the IM's name (staff of the case's organisation only, which
        // is the actor's: cases are listed within the organisation and shared only with colleagues).
        let cases: Vec<ListedCase> = case::Entity::find()
            .column_as(access::holder_team(), "holder_team")
            .column_as(access::is_shared(), "shared")
            .column_as(
                Expr::cust(
                    "(SELECT MAX(contact_date) FROM contacts WHERE contacts.case_id = cases.id)",
                ),
                "last_contact",
            )
            .column_as(
                Expr::cust(
                    "(SELECT display_name FROM staff WHERE staff.id = cases.assigned_to \
                     AND staff.organisation_id = cases.organisation_id)",
                ),
                "im_name",
            )
            .filter(case::Column::Id.in_subquery(access::listable_cases(ctx, open_only)))
            .into_model()
            .all(tx)
            .await?;
        let shares = access::shares_of(tx, cases.iter().map(|c| (c.case.id, c.shared))).await?;
        // The persons of the cases, by case and person id: the links, then (id, given, family,
        // original spelling). Two statements rather than a join: PostgreSQL would join all persons by
        // a sequential scan.
        let links: Vec<(i64, i64)> = case_person::Entity::find()
            .select_only()
            .column(case_person::Column::CaseId)
            .column(case_person::Column::PersonId)
            .filter(case_person::Column::CaseId.is_in(cases.iter().map(|c| c.case.id)))
            .order_by_asc(case_person::Column::CaseId)
            .order_by_asc(case_person::Column::PersonId)
            .into_tuple()
            .all(tx)
            .await?;
        let persons: Vec<(i64, String, String, Option<String>)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::GivenName)
            .column(person::Column::FamilyName)
            .column(person::Column::NameOriginal)
            .filter(person::Column::Id.is_in(links.iter().map(|(_, p)| *p)))
            .into_tuple()
            .all(tx)
            .await?;

        let mut rows = Vec::new();
        for ListedCase {
            case: c,
            holder_team,
            last_contact,
            im_name,
            ..
        } in cases
        {
            let res = Resource::Case(access::listed_case_ref(
                c.id,
                c.organisation_id,
                &c.municipality_ags,
                holder_team,
                c.assigned_to,
                &shares,
            ));
            if !ctx.allows(Action::ViewCaseList, &res) && !ctx.allows(Action::ReadClient, &res) {
                continue;
            }
            let ps: Vec<&(i64, String, String, Option<String>)> = links
                .iter()
                .filter(|(cid, _)| *cid == c.id)
                .filter_map(|(_, pid)| persons.iter().find(|p| p.0 == *pid))
                .collect();
            let k = cases::clock(&c, today);
            rows.push((
                Row {
                    case_id: c.id,
                    case_number: c.case_number.clone(),
                    names: ps
                        .iter()
                        .map(|(_, given, family, original)| {
                            (format!("{given} {family}"), original.clone())
                        })
                        .collect(),
                    status: c.status.clone(),
                    clock_state: k.state,
                    days_left: k.days_left,
                    end: k.end,
                    last_contact,
                    im_name: im_name.unwrap_or_default(),
                    own: c.assigned_to == ctx.actor.staff_id,
                    handover_unseen: !c.handover_seen && c.assigned_to == ctx.actor.staff_id,
                    out_of_target_group: c.eligibility_note_sealed.is_some(),
                    may_open: ctx.allows(Action::ReadClient, &res),
                    may_reassign: ctx.allows(Action::ReassignCase, &res),
                    municipality_ags: c.municipality_ags.clone(),
                },
                ps.iter()
                    .map(|(_, _, family, _)| family.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ));
        }
        rows.retain(|(r, _)| keep(r, f, today));
        if let Some(q) = &f.query {
            rows.retain(|(r, _)| {
                r.names.iter().any(|(n, o)| {
                    names::matches(q, n) || o.as_deref().is_some_and(|o| names::matches(q, o))
                }) || r.case_number.contains(q.trim())
            });
        }
        match f.sort {
            Sort::Name => rows.sort_by_key(|(r, fam)| (names::fold(fam), r.case_id)),
            Sort::CaseNumber => rows.sort_by(|a, b| a.0.case_number.cmp(&b.0.case_number)),
            Sort::TimeLeft => rows.sort_by_key(|(r, _)| (r.days_left, r.case_id)),
            Sort::LastContact => rows.sort_by_key(|(r, _)| (r.last_contact, r.case_id)),
        }
        if f.desc {
            rows.reverse();
        }
        let total = rows.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = f.page.clamp(1, pages);
        let rows = rows
            .into_iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|(r, _)| r)
            .collect::<Vec<Row>>();
        // The page names the persons of the cases it shows: each is recorded as seen.
        let seen = links
            .iter()
            .filter(|(cid, _)| rows.iter().any(|r| r.case_id == *cid))
            .map(|(cid, pid)| audit::Seen {
                person_id: *pid,
                case_id: Some(*cid),
            });
        audit::record_seen(tx, ctx, Event::new("caseload_viewed"), seen).await?;
        Ok(Page {
            rows,
            total,
            page,
            pages,
        })
    })
    .await
}

fn keep(r: &Row, f: &Filter, today: NaiveDate) -> bool {
    let status_ok = match f.status {
        StatusFilter::Open => r.status != "closed",
        StatusFilter::Active => r.status == "active",
        StatusFilter::Paused => r.status == "paused",
        StatusFilter::Closed => r.status == "closed",
        StatusFilter::All => true,
    };
    let muni_ok = f
        .municipality
        .as_ref()
        .is_none_or(|m| *m == r.municipality_ags);
    let time_ok = match f.time_left {
        None => true,
        Some(TimeLeftFilter::Warning) => {
            matches!(r.clock_state, ClockState::Warning | ClockState::Overdue)
        }
        Some(TimeLeftFilter::Under3Months) => r.status != "closed" && r.days_left < 92,
        Some(TimeLeftFilter::Overdue) => r.clock_state == ClockState::Overdue,
    };
    let contact_ok = match f.last_contact {
        None => true,
        Some(LastContactFilter::Never) => r.last_contact.is_none(),
        Some(LastContactFilter::Over30Days) => {
            r.last_contact.is_none_or(|d| (today - d).num_days() > 30)
        }
        Some(LastContactFilter::Over90Days) => {
            r.last_contact.is_none_or(|d| (today - d).num_days() > 90)
        }
    };
    status_ok && muni_ok && time_ok && contact_ok
}

/// The actor's saved filters.
pub async fn saved(db: &Db, ctx: &Ctx) -> Result<Vec<saved_filter::Model>> {
    Ok(saved_filter::Entity::find()
        .filter(saved_filter::Column::StaffId.eq(ctx.actor.staff_id))
        .order_by_asc(saved_filter::Column::Name)
        .all(db.reader())
        .await?)
}

pub async fn saved_one(db: &Db, ctx: &Ctx, id: i64) -> Result<saved_filter::Model> {
    saved_filter::Entity::find_by_id(id)
        .filter(saved_filter::Column::StaffId.eq(ctx.actor.staff_id))
        .one(db.reader())
        .await?
        .ok_or(Error::NotFound)
}

/// Saves the filter (without the name search) under a name.
pub async fn save(db: &Db, ctx: &Ctx, name: &str, f: &Filter) -> Result<i64> {
    let name = Name::parse(name).map_err(|k| Error::field("filter_name", k))?;
    let id = saved_filter::Entity::insert(saved_filter::ActiveModel {
        id: NotSet,
        staff_id: Set(ctx.actor.staff_id),
        name: Set(name.into_string()),
        query: Set(f.to_query()),
        created_at: Set(ctx.now()),
    })
    .exec(db.writer())
    .await?
    .last_insert_id;
    Ok(id)
}

pub async fn delete_saved(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    let res = saved_filter::Entity::delete_many()
        .filter(saved_filter::Column::Id.eq(id))
        .filter(saved_filter::Column::StaffId.eq(ctx.actor.staff_id))
        .exec(db.writer())
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_filter_round_trips_without_the_name_search() {
        let f = Filter {
            status: StatusFilter::Paused,
            municipality: Some("08990002".into()),
            time_left: Some(TimeLeftFilter::Warning),
            last_contact: Some(LastContactFilter::Over30Days),
            sort: Sort::TimeLeft,
            desc: true,
            page: 3,
            query: Some("Müller".into()),
        };
        let back = Filter::from_query(&f.to_query());
        assert!(!f.to_query().contains("ller"));
        assert_eq!(back.query, None);
        assert_eq!(back.page, 1);
        assert_eq!(
            back,
            Filter {
                query: None,
                page: 1,
                ..f
            }
        );
    }
}
