//! The facts of erased cases (issue 25, decision 0022). The consent promises that after the end of
//! the counselling "only numbers without names remain for the statistics": when the retention run
//! erases a case, it first keeps that case's facts of `figures.md` — dates, statuses, kinds,
//! fields of action, years or dates of birth under the record's database id, never a name, a text
//! or a contact detail — so that the figures of every year the case counted in stay as they were.
//! They are removed when those years are finalised (their figures are frozen then) or at the
//! latest when the statistics retention ends.
//!
//! The facts are read by the figures' own loader, restricted to the case, once per calendar year
//! (a period's contacts are counted per year), with every contact day kept. The figures of a
//! calendar year (the statutory report) are exactly those before the erasure; for a period that is
//! not a calendar year the erased cases' contacts count by the first day of each year's group.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::entities::retained_fact;
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::facts::*;
use super::load::{Only, load};
use super::{Allowance, Question, Settings};
use crate::{Error, Result};

/// One erased case's facts.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Kept {
    pub case: Case,
    pub persons: Vec<Person>,
    pub goals: Vec<Goal>,
    pub reviews: Vec<Review>,
    pub outcomes: Vec<Outcome>,
    /// Per calendar year: the contacts dated in it and the contact days its clock reads.
    pub years: BTreeMap<i32, (Vec<Contact>, Vec<ContactDay>)>,
}

fn year(y: i32) -> Result<(NaiveDate, NaiveDate)> {
    match (
        NaiveDate::from_ymd_opt(y, 1, 1),
        NaiveDate::from_ymd_opt(y, 12, 31),
    ) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(Error::Internal(format!("no calendar year {y}"))),
    }
}

/// Reads the facts of one case (with its persons) for the years `first..=last`.
pub(crate) async fn extract<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    persons: &BTreeSet<i64>,
    first: i32,
    last: i32,
    rules: &Settings,
) -> Result<Kept> {
    let only = Only::exactly(BTreeSet::from([case_id]), persons.clone());
    // Every contact day kept: no allowance is shorter than a day.
    let every_day = Settings {
        contact_allowance: Allowance {
            days_in_first_months: 1,
            days_afterwards: 1,
            ..rules.contact_allowance
        },
        ..*rules
    };
    let mut kept: Option<Kept> = None;
    for y in first..=last {
        let (from, to) = year(y)?;
        let f = load(conn, Question::Period { from, to }, Some(&only), &every_day).await?;
        let k = kept.get_or_insert_with(|| Kept {
            case: f.cases[0].clone(),
            persons: f.persons.clone(),
            goals: f.goals.clone(),
            reviews: f.reviews.clone(),
            outcomes: f.outcomes.clone(),
            years: BTreeMap::new(),
        });
        k.years.insert(y, (f.contacts, f.contact_days));
    }
    kept.ok_or_else(|| Error::Internal("no year to keep the facts of".into()))
}

/// Adds the kept facts of the erased cases that count for `q` to facts read from the database.
pub(crate) async fn append<C: ConnectionTrait>(conn: &C, q: Question, f: &mut Facts) -> Result<()> {
    let (first, last) = match q {
        Question::At(d) | Question::EndedUpTo(d) => (i32::MIN, d.year()),
        Question::Period { from, to } => (from.year(), to.year()),
    };
    let rows = retained_fact::Entity::find()
        .filter(retained_fact::Column::FirstYear.lte(last))
        .filter(retained_fact::Column::LastYear.gte(match q {
            Question::Period { from, .. } => from.year(),
            _ => first,
        }))
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let live: BTreeSet<String> = f.persons.iter().map(|p| p.id.clone()).collect();
    for r in rows {
        let k: Kept = serde_json::from_str(&r.facts)
            .map_err(|e| Error::Internal(format!("kept facts of an erased case: {e}")))?;
        // A person of the case who is still served elsewhere is read from the database.
        for p in k.persons {
            if !live.contains(&p.id) && !f.persons.iter().any(|q| q.id == p.id) {
                f.outcomes
                    .extend(k.outcomes.iter().filter(|o| o.person == p.id).cloned());
                f.persons.push(p);
            }
        }
        f.goals.extend(k.goals);
        f.reviews.extend(k.reviews);
        if let Question::Period { from, to } = q {
            let whole_year = from.month() == 1
                && from.day() == 1
                && to.month() == 12
                && to.day() == 31
                && from.year() == to.year();
            for (y, (contacts, days)) in k.years {
                if whole_year {
                    if y == from.year() {
                        f.contacts.extend(contacts);
                        f.contact_days.extend(days);
                    }
                } else if y >= from.year() && y <= to.year() {
                    f.contacts.extend(
                        contacts
                            .into_iter()
                            .filter(|c| c.date >= from && c.date <= to),
                    );
                    f.contact_days
                        .extend(days.into_iter().filter(|d| d.date <= to));
                }
            }
        }
        f.cases.push(k.case);
    }
    Ok(())
}
