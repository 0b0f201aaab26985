//! The key figures (*Kennzahlen*) of `figures.md`, computed exactly as written there from
//! [`facts::Facts`]: at a reference date (stock), in a period (flows, the stock at its last day and
//! the quality indicators), and "ended so far" up to a date — in total, per IM (from the cases'
//! assignment history), per organisation and per municipality.
//!
//! The computation is pure: it reads no database and knows no policy. Where the facts come from and
//! who may see which rows is decided by the callers.

pub mod disclosure;
pub mod facts;
mod index;
mod load;
pub(crate) mod retained;
pub mod tallies;
#[cfg(test)]
mod tests;
pub mod view;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::kernel::catalog::{ClosureReason, ContactKind, ExchangeField, GermanLevel};
use facts::{Case, Facts, Person};
use index::PersonOn;

/// The working rules the quality indicators are computed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub review_interval_months: u32,
    pub contact_allowance: Allowance,
}

/// How long after a contact (or the opening) the next is due: `days_in_first_months` in a case's
/// first `first_months` months, `days_afterwards` later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    pub first_months: u32,
    pub days_in_first_months: u32,
    pub days_afterwards: u32,
}

/// A count of a part in a whole, with the share in percent (one decimal, half up; none of nothing).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Share {
    pub count: usize,
    pub of: usize,
    pub pct: Option<f64>,
}

impl Share {
    pub fn new(count: usize, of: usize) -> Self {
        Self {
            count,
            of,
            pct: pct(count, of),
        }
    }
}

/// `count / of` in percent with one decimal, rounded half up from the exact fraction.
pub fn pct(count: usize, of: usize) -> Option<f64> {
    if of == 0 {
        return None;
    }
    // Tenths of a percent, half up: floor((1000 * count + of / 2) / of) in integers (exact).
    let tenths = (1000 * count as u128 * 2 + of as u128) / (2 * of as u128);
    Some(tenths as f64 / 10.0)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Split {
    pub total: usize,
    pub adults: usize,
    pub minors: usize,
}

/// The stock figures at a reference date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stock {
    pub cases_active: usize,
    pub cases_paused: usize,
    pub persons_served: Split,
    pub adults_german_b1_or_higher: Share,
    pub adults_employed_social_insurance: Share,
    pub adults_training_internship_studies: Share,
    pub integration_plans_active: usize,
    pub plan_coverage: Share,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Closed {
    pub total: usize,
    pub by_reason: BTreeMap<String, usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ended {
    pub persons: usize,
    pub with_rental_contract: usize,
    pub with_rental_contract_pct: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contacts {
    pub count: usize,
    pub by_kind: BTreeMap<String, usize>,
    pub by_topic: BTreeMap<String, usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Attainment {
    pub total: Share,
    pub by_field: BTreeMap<String, Share>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quality {
    pub plan_coverage: Share,
    pub reviews_on_time: Share,
    pub goal_attainment: Attainment,
    pub contact_frequency_kept: Share,
}

/// The figures of a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flow {
    pub persons_served: Split,
    pub households_served: usize,
    pub cases_opened: usize,
    pub cases_closed: Closed,
    pub counselling_ended: Ended,
    pub contacts: Contacts,
    pub contact_hours: f64,
    pub integration_plans_new: usize,
    pub integration_plans_continued: usize,
    pub at_reference_date: Stock,
    pub quality: Quality,
    pub integration_plans_active_at_reference_date: usize,
}

/// Whose figures: everyone's, an IM's (by the assignment history), an organisation's or a
/// municipality's (by the case's own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Total,
    Im(String),
    /// An IM's cases of one organisation only: their row in that organisation's template and team
    /// views, so that an IM who moved shows each employer only the work done there.
    ImIn {
        staff: String,
        organisation: String,
    },
    Organisation(String),
    Municipality(String),
}

impl Scope {
    /// Does the case count for this scope on `day`?
    fn holds(&self, c: &Case, day: NaiveDate) -> bool {
        match self {
            Scope::Total => true,
            Scope::Im(s) => holder_on(c, day) == s.as_str(),
            Scope::ImIn {
                staff,
                organisation,
            } => c.organisation == *organisation && holder_on(c, day) == staff.as_str(),
            Scope::Organisation(o) => c.organisation == *o,
            Scope::Municipality(m) => c.municipality == *m,
        }
    }

    /// Could the case count for this scope on any day (a quick test before the exact one)?
    fn may_hold(&self, c: &Case) -> bool {
        match self {
            Scope::Total => true,
            Scope::Im(s) => c.assignments.iter().any(|(who, _)| who == s),
            Scope::ImIn {
                staff,
                organisation,
            } => {
                c.organisation == *organisation && c.assignments.iter().any(|(who, _)| who == staff)
            }
            Scope::Organisation(o) => c.organisation == *o,
            Scope::Municipality(m) => c.municipality == *m,
        }
    }

    /// Does the case count for this scope on at least one day of `from..=to` on which it is active?
    fn holds_while_active(&self, c: &Case, from: NaiveDate, to: NaiveDate) -> bool {
        let Some((start, end)) = active_span(c, from, to) else {
            return false;
        };
        match self {
            Scope::ImIn {
                staff,
                organisation,
            } => {
                c.organisation == *organisation
                    && Scope::Im(staff.clone()).holds_while_active(c, from, to)
            }
            Scope::Im(s) => c
                .assignments
                .iter()
                .enumerate()
                .filter(|(_, (who, _))| who == s)
                .any(|(i, (_, since))| {
                    let since = if i == 0 {
                        c.opened_on.min(*since)
                    } else {
                        *since
                    };
                    let until = c.assignments.get(i + 1).map(|(_, next)| next.pred_opt());
                    let until = until.flatten().unwrap_or(NaiveDate::MAX);
                    since.max(start) <= until.min(end)
                }),
            other => other.holds(c, start),
        }
    }
}

/// The staff member holding the case on `day` (before the first assignment: its first holder).
fn holder_on(c: &Case, day: NaiveDate) -> &str {
    c.assignments
        .iter()
        .rev()
        .find(|(_, from)| *from <= day)
        .or(c.assignments.first())
        .map_or("", |(who, _)| who.as_str())
}

/// Active on `d`: opened on or before it, not closed on or before it (paused counts as active).
pub fn active_at(c: &Case, d: NaiveDate) -> bool {
    c.opened_on <= d && c.closed_on.is_none_or(|x| x > d)
}

/// The days of `from..=to` on which the case is active, as a span.
fn active_span(c: &Case, from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let start = from.max(c.opened_on);
    let end = match c.closed_on {
        Some(x) => to.min(x.pred_opt()?),
        None => to,
    };
    (start <= end).then_some((start, end))
}

/// Paused on `d`: a pause covers it; a case paused without dates counts as paused (its paused
/// days are unknown).
fn paused_at(c: &Case, d: NaiveDate) -> bool {
    if c.pauses.is_empty() {
        return c.status == "paused";
    }
    c.pauses
        .iter()
        .any(|(from, until)| *from <= d && until.is_none_or(|u| u >= d))
}

/// Was `d` a paused day (only known from dated pauses)?
fn paused_day(c: &Case, d: NaiveDate) -> bool {
    c.pauses
        .iter()
        .any(|(from, until)| *from <= d && until.is_none_or(|u| u >= d))
}

/// Age in whole years at `d` (the conventions of `figures.md`, see [`crate::kernel::types::Birth::age_on`]).
pub fn age_at(p: &Person, d: NaiveDate) -> Option<i32> {
    p.birth.map(|b| b.age_on(d))
}

fn adult(p: &Person, d: NaiveDate) -> bool {
    age_at(p, d).is_some_and(|a| a >= 18)
}

/// The rank of a German level (`none` lowest); unknown values rank below everything.
fn level_rank(level: &str) -> Option<usize> {
    GermanLevel::ALL.iter().position(|l| l.as_str() == level)
}

/// B1 or higher at `d`: the latest German-level outcome dated on or before `d` (two on one day:
/// the higher), else the intake's level; unknown is below B1.
fn german_b1_at(f: &Facts, p: &Person, d: NaiveDate) -> bool {
    let latest = f
        .outcomes_of(&p.id)
        .filter(|o| o.kind == "german_level" && o.date <= d)
        .filter_map(|o| Some((o.date, level_rank(o.level.as_deref()?)?)))
        .max();
    let rank = match latest {
        Some((_, r)) => Some(r),
        None => p.german_level.as_deref().and_then(level_rank),
    };
    rank.is_some_and(|r| Some(r) >= level_rank("B1"))
}

/// An outcome of one of `kinds` running at `d` (dated on or before it, not ended before it).
fn running_at(
    f: &Facts,
    p: &Person,
    d: NaiveDate,
    kinds: &[&str],
    employment: Option<&str>,
) -> bool {
    f.outcomes_of(&p.id).any(|o| {
        kinds.contains(&o.kind.as_str())
            && employment.is_none_or(|e| o.employment_type.as_deref() == Some(e))
            && o.date <= d
            && o.until.is_none_or(|u| u >= d)
    })
}

/// What the figures ask of a person on `d`.
fn person_on(f: &Facts, p: &Person, d: NaiveDate) -> PersonOn {
    PersonOn {
        adult: adult(p, d),
        german_b1: german_b1_at(f, p, d),
        employed_social_insurance: running_at(f, p, d, &["employment"], Some("social_insurance")),
        training_internship_studies: running_at(
            f,
            p,
            d,
            &["training", "internship", "studies"],
            None,
        ),
    }
}

/// [`person_on`] of every known person on `d`, by number (computed once per set of facts and day).
fn persons_on(f: &Facts, d: NaiveDate) -> std::sync::Arc<Vec<PersonOn>> {
    f.persons_on(d, |p| person_on(f, p, d))
}

/// The distinct persons of the given cases (the facts' own), as numbers in ascending order.
fn persons_of_cases<'a>(f: &Facts, cases: impl IntoIterator<Item = &'a Case>) -> Vec<usize> {
    let mut persons: Vec<usize> = cases
        .into_iter()
        .filter_map(|c| f.case_pos(c))
        .flat_map(|c| f.persons_of(c).iter().copied())
        .collect();
    persons.sort_unstable();
    persons.dedup();
    persons
}

/// The persons (distinct numbers) split into adults and minors by their age at `d`; an unknown
/// person counts as a minor.
fn split(f: &Facts, persons: &[usize], d: NaiveDate) -> Split {
    let on = persons_on(f, d);
    let adults = persons
        .iter()
        .filter(|p| on.get(**p).is_some_and(|o| o.adult))
        .count();
    Split {
        total: persons.len(),
        adults,
        minors: persons.len() - adults,
    }
}

/// A goal open (or in progress) at `d`: created on or before it and not closed by then.
fn goal_open_at(g: &facts::Goal, d: NaiveDate) -> bool {
    g.created_on <= d
        && match g.closed_on {
            Some(c) => c > d,
            None => matches!(g.status.as_str(), "open" | "in_progress"),
        }
}

/// The stock figures at `d` for a scope.
pub fn stock(f: &Facts, scope: &Scope, d: NaiveDate) -> Stock {
    let cases: Vec<&Case> = f
        .cases_for(scope)
        .filter(|c| active_at(c, d) && scope.holds(c, d))
        .collect();
    let persons = persons_of_cases(f, cases.iter().copied());
    let on = persons_on(f, d);
    let adults: Vec<&PersonOn> = persons
        .iter()
        .filter_map(|p| on.get(*p))
        .filter(|o| o.adult)
        .collect();
    let share = |test: fn(&PersonOn) -> bool| {
        Share::new(adults.iter().filter(|o| test(o)).count(), adults.len())
    };
    Stock {
        cases_active: cases.len(),
        cases_paused: cases.iter().filter(|c| paused_at(c, d)).count(),
        persons_served: Split {
            total: persons.len(),
            adults: adults.len(),
            minors: persons.len() - adults.len(),
        },
        adults_german_b1_or_higher: share(|o| o.german_b1),
        adults_employed_social_insurance: share(|o| o.employed_social_insurance),
        adults_training_internship_studies: share(|o| o.training_internship_studies),
        integration_plans_active: cases
            .iter()
            .filter(|c| f.goals_of(c).any(|g| goal_open_at(g, d)))
            .count(),
        plan_coverage: Share::new(
            cases
                .iter()
                .filter(|c| f.plan_start(c).is_some_and(|s| s <= d))
                .count(),
            cases.len(),
        ),
    }
}

/// Persons whose counselling ended: of the cases closed in `from..=to` (for the scope, on the day
/// of closure), the persons not served (by any case) at `to`; and of them those with their own
/// rental contract dated on or before the closure of their latest closed case among those cases.
pub fn ended(f: &Facts, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Ended {
    let counts = |c: &Case| {
        c.closed_on
            .is_some_and(|x| from <= x && x <= to && scope.holds(c, x))
    };
    let counted = f.cases_for(scope).filter(|c| counts(c));
    let persons: Vec<usize> = persons_of_cases(f, counted)
        .into_iter()
        .filter(|p| !f.cases_of_number(*p).any(|c| active_at(c, to)))
        .collect();
    // The latest closure of each person among the counted cases (the row's own cases).
    let with_rental = persons
        .iter()
        .filter(|p| {
            let latest = f
                .cases_of_number(**p)
                .filter(|c| counts(c))
                .filter_map(|c| c.closed_on)
                .max();
            latest.is_some_and(|closed| {
                f.outcomes_of_number(**p)
                    .any(|o| o.kind == "rental_contract" && o.date <= closed)
            })
        })
        .count();
    Ended {
        persons: persons.len(),
        with_rental_contract: with_rental,
        with_rental_contract_pct: pct(with_rental, persons.len()),
    }
}

/// The persons served in the period `from..=to` (adults and minors by their age at `to`).
pub fn served_in(f: &Facts, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Split {
    let persons = persons_of_cases(
        f,
        f.cases_for(scope)
            .filter(|c| scope.holds_while_active(c, from, to)),
    );
    split(f, &persons, to)
}

/// The figures of the period `from..=to` (its reference date is `to`).
pub fn flow(f: &Facts, scope: &Scope, from: NaiveDate, to: NaiveDate, s: &Settings) -> Flow {
    let within = |d: NaiveDate| from <= d && d <= to;
    let served: Vec<&Case> = f
        .cases_for(scope)
        .filter(|c| scope.holds_while_active(c, from, to))
        .collect();
    let persons = persons_of_cases(f, served.iter().copied());
    let mut households: Vec<usize> = persons.iter().filter_map(|p| f.household_of(*p)).collect();
    households.sort_unstable();
    households.dedup();

    let mut by_reason: BTreeMap<String, usize> = ClosureReason::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), 0))
        .collect();
    let mut closed = 0;
    for c in f.cases_for(scope) {
        if c.closed_on.is_some_and(|x| within(x) && scope.holds(c, x)) {
            closed += 1;
            let reason = c.closure_reason.as_deref().unwrap_or("unspecified");
            *by_reason.entry(reason.to_string()).or_default() += 1;
        }
    }

    let contacts: Vec<&facts::Contact> = f
        .cases_for(scope)
        .filter(|c| scope.may_hold(c))
        .flat_map(|c| {
            f.contacts_of(c)
                .filter(move |k| within(k.date) && scope.holds(c, k.date))
        })
        .collect();
    let mut by_kind: BTreeMap<String, usize> = ContactKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), 0))
        .collect();
    let mut by_topic: BTreeMap<String, usize> = ExchangeField::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), 0))
        .collect();
    for k in &contacts {
        match by_kind.get_mut(&k.kind) {
            Some(n) => *n += k.count,
            None => {
                by_kind.insert(k.kind.clone(), k.count);
            }
        }
        for (t, n) in &k.topics {
            match by_topic.get_mut(t) {
                Some(m) => *m += n,
                None => {
                    by_topic.insert(t.clone(), *n);
                }
            }
        }
    }
    let minutes: i64 = contacts.iter().map(|k| k.minutes).sum();

    let plans_new = f
        .cases_for(scope)
        .filter(|c| {
            f.plan_start(c)
                .is_some_and(|d| within(d) && scope.holds(c, d))
        })
        .count();
    let plans_continued = f
        .cases_for(scope)
        .filter(|c| {
            f.reviews_of(c)
                .iter()
                .any(|r| within(*r) && scope.holds(c, *r))
        })
        .count();

    let at = stock(f, scope, to);
    let quality = Quality {
        plan_coverage: at.plan_coverage,
        reviews_on_time: reviews_on_time(f, scope, from, to, s.review_interval_months),
        goal_attainment: goal_attainment(f, scope, from, to),
        contact_frequency_kept: contact_frequency(f, scope, from, to, &s.contact_allowance),
    };
    Flow {
        persons_served: split(f, &persons, to),
        households_served: households.len(),
        cases_opened: f
            .cases_for(scope)
            .filter(|c| within(c.opened_on) && scope.holds(c, c.opened_on))
            .count(),
        cases_closed: Closed {
            total: closed,
            by_reason,
        },
        counselling_ended: ended(f, scope, from, to),
        contacts: Contacts {
            count: contacts.iter().map(|k| k.count).sum(),
            by_kind,
            by_topic,
        },
        contact_hours: hours(minutes),
        integration_plans_new: plans_new,
        integration_plans_continued: plans_continued,
        integration_plans_active_at_reference_date: at.integration_plans_active,
        at_reference_date: at,
        quality,
    }
}

/// Minutes as hours with two decimals, rounded half up.
fn hours(minutes: i64) -> f64 {
    let hundredths = (minutes * 100 * 2 + 60) / 120;
    hundredths as f64 / 100.0
}

/// Reviews on time: each cycle runs from the plan start (or the review that ended the previous
/// cycle) to a deadline one interval later; a cycle whose deadline is in the period is due unless
/// the case closed before the deadline without a review; it is on time when a review was held by
/// the deadline. The next cycle runs from that review, on time or late; a case without a further
/// review has no further cycle.
fn reviews_on_time(f: &Facts, scope: &Scope, from: NaiveDate, to: NaiveDate, months: u32) -> Share {
    let (mut due, mut on_time) = (0, 0);
    for c in f.cases_for(scope) {
        if !scope.may_hold(c) {
            continue;
        }
        let Some(start) = f.plan_start(c) else {
            continue;
        };
        let reviews = f.reviews_of(c);
        let mut begin = start;
        while let Some(deadline) = begin.checked_add_months(Months::new(months)) {
            if deadline > to {
                break;
            }
            let review = reviews.iter().copied().find(|r| *r > begin);
            let held_by_deadline = review.is_some_and(|r| r <= deadline);
            let closed_before = c.closed_on.is_some_and(|x| x < deadline);
            if closed_before && !held_by_deadline {
                break;
            }
            if deadline >= from && scope.holds(c, deadline) {
                due += 1;
                on_time += usize::from(held_by_deadline);
            }
            // The next cycle runs from the review that ended this one, however late; without a
            // review there is no further cycle.
            match review {
                Some(r) => begin = r,
                None => break,
            }
        }
    }
    Share::new(on_time, due)
}

/// Goals reached in the period ÷ goals closed in it, in total and per field of action.
fn goal_attainment(f: &Facts, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Attainment {
    let mut per: BTreeMap<String, (usize, usize)> = ExchangeField::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), (0, 0)))
        .collect();
    for (c, g) in f
        .cases_for(scope)
        .flat_map(|c| f.goals_of(c).map(move |g| (c, g)))
    {
        let Some(closed) = g.closed_on else { continue };
        if !matches!(g.status.as_str(), "reached" | "not_reached" | "dropped")
            || closed < from
            || closed > to
        {
            continue;
        }
        if !scope.holds(c, closed) {
            continue;
        }
        let e = per.entry(g.field.clone()).or_default();
        e.1 += 1;
        e.0 += usize::from(g.status == "reached");
    }
    let (reached, all) = per.values().fold((0, 0), |(r, a), (x, y)| (r + x, a + y));
    Attainment {
        total: Share::new(reached, all),
        by_field: per
            .into_iter()
            .map(|(k, (r, a))| (k, Share::new(r, a)))
            .collect(),
    }
}

/// Contact frequency kept, over the cases active on the period's last day (for the scope on that
/// day): after the opening and after each contact the next is due within the allowance of the
/// phase the case was in on that day; paused days do not count; a case fails if it is overdue on
/// any day of the period, a gap still open at the end included.
fn contact_frequency(
    f: &Facts,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    a: &Allowance,
) -> Share {
    let cases: Vec<&Case> = f
        .cases_for(scope)
        .filter(|c| active_at(c, to) && scope.holds(c, to))
        .collect();
    let kept = cases
        .iter()
        .filter(|c| {
            let first_phase_end = c
                .opened_on
                .checked_add_months(Months::new(a.first_months))
                .unwrap_or(NaiveDate::MAX);
            let allowance = |since: NaiveDate| {
                i64::from(if since < first_phase_end {
                    a.days_in_first_months
                } else {
                    a.days_afterwards
                })
            };
            // Overdue between the contact (or opening) `last` and the day `until` (a contact day,
            // or the period's end): the days after `last` up to `until` that are not paused, counted
            // from `last`, exceed its allowance on a day of the period.
            let overdue = |last: NaiveDate, until: NaiveDate| {
                // Not even the shortest allowance passes in a shorter gap.
                let shortest = a.days_in_first_months.min(a.days_afterwards);
                if (until - last).num_days() <= i64::from(shortest) {
                    return false;
                }
                let mut counted = 0i64;
                let mut day = last;
                while day < until {
                    day = day.succ_opt().unwrap_or(NaiveDate::MAX);
                    if !paused_day(c, day) {
                        counted += 1;
                    }
                    if counted > allowance(last) && day >= from {
                        return true;
                    }
                }
                false
            };
            let days: Vec<(NaiveDate, bool)> = f
                .contact_days_of(c)
                .iter()
                .copied()
                .filter(|(d, _)| *d >= c.opened_on && *d <= to)
                .collect();
            // Days before the last contact ahead of the period cannot fail: start there.
            let start = days
                .iter()
                .map(|(d, _)| *d)
                .rfind(|d| *d > c.opened_on && *d < from)
                .unwrap_or(c.opened_on);
            let mut last = start;
            for (day, near_previous) in days.into_iter().filter(|(d, _)| *d > start) {
                if !near_previous && overdue(last, day) {
                    return false;
                }
                last = day;
            }
            !overdue(last, to)
        })
        .count();
    Share::new(kept, cases.len())
}

/// The question asked of the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    /// The stock at a reference date.
    At(NaiveDate),
    /// A period (its reference date is its last day).
    Period { from: NaiveDate, to: NaiveDate },
    /// Counselling ended so far, up to a date.
    EndedUpTo(NaiveDate),
}

impl Question {
    /// The days the question looks at.
    fn span(self) -> (NaiveDate, NaiveDate) {
        match self {
            Question::At(d) => (d, d),
            Question::Period { from, to } => (from, to),
            Question::EndedUpTo(d) => (NaiveDate::MIN, d),
        }
    }
}

/// A row per IM: who, and their figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImRow<T> {
    /// The id in the exchange file the staff member was imported from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub display_name: String,
    pub organisation: String,
    pub roles: Vec<String>,
    pub fte: Option<f64>,
    #[serde(flatten)]
    pub figures: T,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrganisationRow<T> {
    /// The id in the exchange file the organisation was imported from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(flatten)]
    pub figures: T,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MunicipalityRow<T> {
    pub name: String,
    #[serde(flatten)]
    pub figures: T,
}

/// The figures in total and per IM, organisation and municipality (keyed by id and AGS).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report<T> {
    pub total: T,
    pub by_im: BTreeMap<String, ImRow<T>>,
    pub by_organisation: BTreeMap<String, OrganisationRow<T>>,
    pub by_municipality: BTreeMap<String, MunicipalityRow<T>>,
}

/// The figures of every scope the question touches: a row for every staff member who held a case
/// on a day of the question on which it was active (or on the day it closed), whatever their role
/// today; every organisation and municipality with such a case.
pub fn report<T: Send>(f: &Facts, q: Question, compute: impl Fn(&Scope) -> T + Sync) -> Report<T> {
    let touched = touched(f, q);
    let ims = holders_among(&touched, q, None);
    let (orgs, munis) = places(&touched);
    let ims: Vec<&facts::Staff> = f
        .staff
        .iter()
        .filter(|s| ims.contains(s.id.as_str()))
        .collect();
    let orgs: Vec<&facts::Organisation> = f
        .organisations
        .iter()
        .filter(|o| orgs.contains(o.id.as_str()))
        .collect();
    let munis: Vec<&facts::Municipality> = f
        .municipalities
        .iter()
        .filter(|m| munis.contains(m.id.as_str()))
        .collect();
    let scopes: Vec<Scope> = ims
        .iter()
        .map(|s| Scope::Im(s.id.clone()))
        .chain(orgs.iter().map(|o| Scope::Organisation(o.id.clone())))
        .chain(munis.iter().map(|m| Scope::Municipality(m.id.clone())))
        .collect();
    let (total, figures) = with_total(&scopes, &compute);
    let mut figures = figures.into_iter();
    let by_im = ims
        .iter()
        .zip(figures.by_ref())
        .map(|(s, figures)| {
            let row = ImRow {
                external_id: s.external_id.clone(),
                display_name: s.display_name.clone(),
                organisation: s.organisation.clone(),
                roles: s.roles.clone(),
                fte: s.fte,
                figures,
            };
            (s.id.clone(), row)
        })
        .collect();
    let by_organisation = orgs
        .iter()
        .zip(figures.by_ref())
        .map(|(o, figures)| {
            let row = OrganisationRow {
                external_id: o.external_id.clone(),
                name: o.name.clone(),
                kind: o.kind.clone(),
                figures,
            };
            (o.id.clone(), row)
        })
        .collect();
    let by_municipality = munis
        .iter()
        .zip(figures)
        .map(|(m, figures)| {
            let row = MunicipalityRow {
                name: m.name.clone(),
                figures,
            };
            (m.id.clone(), row)
        })
        .collect();
    Report {
        total,
        by_im,
        by_organisation,
        by_municipality,
    }
}

/// `compute` of the total and, beside it, of each of the other scopes (see [`in_parallel`]).
fn with_total<T: Send>(scopes: &[Scope], compute: &(impl Fn(&Scope) -> T + Sync)) -> (T, Vec<T>) {
    std::thread::scope(|s| {
        // The total takes longest: it runs on its own thread from the start.
        let total = s.spawn(|| compute(&Scope::Total));
        let rest = in_parallel(scopes, compute);
        let total = total
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (total, rest)
    })
}

/// `compute` of each item, in order, on as many threads as the machine has cores: the figures of
/// the scopes are independent of each other (the facts are only read; what they compute once,
/// such as a day's [`PersonOn`], is shared).
fn in_parallel<I: Sync, T: Send>(items: &[I], compute: &(impl Fn(&I) -> T + Sync)) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(compute).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, compute(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// Each organisation's per-IM rows for a period (its template): for every staff member who held a
/// case of the organisation, the figures of those cases only (`Scope::ImIn`). Kept with a finalised
/// year so that an IM who moved stays in each employer's template with the work done there.
pub fn by_im_in_organisations(
    f: &Facts,
    q: Question,
    s: &Settings,
) -> crate::Result<BTreeMap<String, BTreeMap<String, ImRow<serde_json::Value>>>> {
    let mut out = BTreeMap::new();
    let touched = touched(f, q);
    for o in &f.organisations {
        let held = holders_among(&touched, q, Some(&o.id));
        let rows: BTreeMap<String, ImRow<serde_json::Value>> = f
            .staff
            .iter()
            .filter(|st| held.contains(st.id.as_str()))
            .map(|st| {
                let scope = Scope::ImIn {
                    staff: st.id.clone(),
                    organisation: o.id.clone(),
                };
                let row = ImRow {
                    external_id: st.external_id.clone(),
                    display_name: st.display_name.clone(),
                    organisation: st.organisation.clone(),
                    roles: st.roles.clone(),
                    fte: st.fte,
                    figures: scope_json(f, q, s, &scope),
                };
                (st.id.clone(), row)
            })
            .collect();
        if !rows.is_empty() {
            out.insert(o.id.clone(), rows);
        }
    }
    Ok(out)
}

/// The staff members with a row for the question: everyone who held a case on a day of the
/// question on which it was active, or on the day it closed.
pub fn holders(f: &Facts, q: Question) -> BTreeSet<&str> {
    holders_in(f, q, None)
}

/// [`holders`], counting only the cases of `organisation` when one is given.
pub fn holders_in<'a>(f: &'a Facts, q: Question, organisation: Option<&str>) -> BTreeSet<&'a str> {
    holders_among(&touched(f, q), q, organisation)
}

/// [`holders_in`] among the cases the question touches (see [`touched`]).
fn holders_among<'a>(
    touched: &[&'a Case],
    q: Question,
    organisation: Option<&str>,
) -> BTreeSet<&'a str> {
    let (from, to) = q.span();
    let mut ims: BTreeSet<&str> = BTreeSet::new();
    for c in touched
        .iter()
        .copied()
        .filter(|c| organisation.is_none_or(|o| c.organisation == o))
    {
        for (who, _) in &c.assignments {
            if Scope::Im(who.clone()).holds_while_active(c, from, to) {
                ims.insert(who);
            }
        }
        if let Some(x) = c.closed_on.filter(|x| from <= *x && *x <= to) {
            ims.insert(holder_on(c, x));
        }
    }
    ims
}

/// The figures of one scope for a question, as JSON (the shape of the shared examples' rows).
pub fn scope_json(f: &Facts, q: Question, s: &Settings, scope: &Scope) -> serde_json::Value {
    let v = match q {
        Question::At(d) => serde_json::to_value(stock(f, scope, d)),
        Question::Period { from, to } => serde_json::to_value(flow(f, scope, from, to, s)),
        Question::EndedUpTo(d) => serde_json::to_value(ended(f, scope, NaiveDate::MIN, d)),
    };
    v.unwrap_or(serde_json::Value::Null)
}

/// The organisations and municipalities of the given cases.
fn places<'a>(cases: &[&'a Case]) -> (BTreeSet<&'a str>, BTreeSet<&'a str>) {
    let orgs = cases.iter().map(|c| c.organisation.as_str()).collect();
    let munis = cases.iter().map(|c| c.municipality.as_str()).collect();
    (orgs, munis)
}

/// The cases a question looks at: active on one of its days, or closed on one.
fn touched(f: &Facts, q: Question) -> Vec<&Case> {
    let (from, to) = q.span();
    f.cases
        .iter()
        .filter(|c| {
            active_span(c, from, to).is_some() || c.closed_on.is_some_and(|x| from <= x && x <= to)
        })
        .collect()
}

/// The figures as a coordinator or a municipal officer sees them: by organisation and by
/// municipality only, protected (see [`disclosure`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoordinatorView {
    pub rule: &'static str,
    pub tables: BTreeMap<String, disclosure::Table>,
}

pub const DISCLOSURE_RULE: &str = "cells of 1-4 persons show '< 5'; 'x' marks a cell suppressed so \
     that no hidden cell can be recomputed from row, column or organisation totals";

/// The coordinator's tables for a question, protected, with the shares where both parts are
/// published.
pub fn coordinator_view(f: &Facts, q: Question) -> CoordinatorView {
    use disclosure::{Cell, Group, protect, shares};
    let mut raws: Vec<(&str, disclosure::Raw)> = Vec::new();
    let mut tables: BTreeMap<String, disclosure::Table> = BTreeMap::new();
    for (name, raw) in coordinator_raws(f, q) {
        let table = protect(&raw);
        if name == PERIOD_PERSONS {
            for part in PERIOD_PERSONS_TABLES {
                let prefix = format!("{part}.");
                tables.insert(part.to_string(), table.part(&prefix));
                raws.push((part, raw.part(&prefix)));
            }
        } else {
            tables.insert(name.to_string(), table);
            raws.push((name, raw));
        }
    }
    // (table, numerators, the table and column of the denominator).
    let share_specs: [(&str, &[&str], &str, &str); 3] = [
        (
            "adults_outcomes",
            &ADULT_OUTCOMES,
            "persons_served",
            "adults",
        ),
        (
            "adults_outcomes_at_reference_date",
            &ADULT_OUTCOMES,
            "persons_served_at_reference_date",
            "adults",
        ),
        (
            "counselling_ended_in_period",
            &["with_rental_contract"],
            "counselling_ended_in_period",
            "persons",
        ),
    ];
    let share_specs = share_specs.into_iter().chain([(
        "counselling_ended",
        &["with_rental_contract"][..],
        "counselling_ended",
        "persons",
    )]);
    for (name, numerators, den_table, den_col) in share_specs {
        let (Some(table), Some(den), Some((_, den_raw))) = (
            tables.get(name).cloned(),
            tables.get(den_table).cloned(),
            raws.iter().find(|(n, _)| *n == den_table),
        ) else {
            continue;
        };
        let col = den_raw.columns.iter().position(|c| *c == den_col);
        let pct = shares(&table, numerators, |g, id| {
            let rows = match g {
                Group::Organisation => &den_raw.by_organisation,
                Group::Municipality => &den_raw.by_municipality,
                Group::Total => {
                    return Some((
                        den_raw.total[col?],
                        matches!(den.cell(g, id, den_col), Some(Cell::Count(_))),
                    ));
                }
            };
            let value = rows.iter().find(|(r, _)| r == id)?.1[col?];
            Some((
                value,
                matches!(den.cell(g, id, den_col), Some(Cell::Count(_))),
            ))
        });
        if let Some(t) = tables.get_mut(name) {
            t.shares_pct = Some(pct);
        }
    }
    CoordinatorView {
        rule: DISCLOSURE_RULE,
        tables,
    }
}

/// The persons tables of a period, protected together (see [`coordinator_raws`]).
pub(crate) const PERIOD_PERSONS: &str = "period_persons";
pub(crate) const PERIOD_PERSONS_TABLES: [&str; 3] = [
    "persons_served_in_period",
    "persons_served_at_reference_date",
    "counselling_ended_in_period",
];
const PERIOD_PERSONS_COLUMNS: [&str; 8] = [
    "persons_served_in_period.adults",
    "persons_served_in_period.minors",
    "persons_served_in_period.total",
    "persons_served_at_reference_date.adults",
    "persons_served_at_reference_date.minors",
    "persons_served_at_reference_date.total",
    "counselling_ended_in_period.persons",
    "counselling_ended_in_period.with_rental_contract",
];

const ADULT_OUTCOMES: [&str; 3] = [
    "german_b1_or_higher",
    "employed_social_insurance",
    "training_internship_studies",
];

/// The counts behind the coordinator's tables, by organisation and municipality and in total.
pub(crate) fn coordinator_raws(f: &Facts, q: Question) -> Vec<(&'static str, disclosure::Raw)> {
    let (touched_orgs, touched_munis) = places(&touched(f, q));
    let orgs: Vec<String> = f
        .organisations
        .iter()
        .filter(|o| touched_orgs.contains(o.id.as_str()))
        .map(|o| o.id.clone())
        .collect();
    let munis: Vec<String> = f
        .municipalities
        .iter()
        .filter(|m| touched_munis.contains(m.id.as_str()))
        .map(|m| m.id.clone())
        .collect();
    let raw = |columns: Vec<&'static str>,
               row_relations: Vec<Vec<(usize, i64)>>,
               values: &(dyn Fn(&Scope) -> Vec<usize> + Sync)| {
        let scopes: Vec<Scope> = orgs
            .iter()
            .map(|o| Scope::Organisation(o.clone()))
            .chain(munis.iter().map(|m| Scope::Municipality(m.clone())))
            .collect();
        let (total, counted) = with_total(&scopes, &values);
        let mut counted = counted.into_iter();
        disclosure::Raw {
            columns,
            by_organisation: orgs.iter().cloned().zip(counted.by_ref()).collect(),
            by_municipality: munis.iter().cloned().zip(counted).collect(),
            total,
            row_relations,
        }
    };
    let persons = |split: &(dyn Fn(&Scope) -> Split + Sync)| {
        raw(
            vec!["adults", "minors", "total"],
            vec![vec![(0, 1), (1, 1), (2, -1)]],
            &|sc| {
                let p = split(sc);
                vec![p.adults, p.minors, p.total]
            },
        )
    };
    let outcomes = |d: NaiveDate| {
        raw(ADULT_OUTCOMES.to_vec(), Vec::new(), &|sc| {
            let st = stock(f, sc, d);
            vec![
                st.adults_german_b1_or_higher.count,
                st.adults_employed_social_insurance.count,
                st.adults_training_internship_studies.count,
            ]
        })
    };
    let ended_raw = |from: NaiveDate, to: NaiveDate| {
        raw(vec!["persons", "with_rental_contract"], Vec::new(), &|sc| {
            let e = ended(f, sc, from, to);
            vec![e.persons, e.with_rental_contract]
        })
    };
    match q {
        Question::At(d) => vec![
            (
                "persons_served",
                persons(&|sc| stock(f, sc, d).persons_served),
            ),
            ("adults_outcomes", outcomes(d)),
        ],
        // The persons of a year are protected as one table: served in the year = served at its
        // end + counselling ended in it (for every row where the counts say so), a relation a
        // reader could otherwise use across the three published tables.
        Question::Period { from, to } => vec![
            (
                PERIOD_PERSONS,
                raw(
                    PERIOD_PERSONS_COLUMNS.to_vec(),
                    vec![
                        vec![(0, 1), (1, 1), (2, -1)],
                        vec![(3, 1), (4, 1), (5, -1)],
                        vec![(2, 1), (5, -1), (6, -1)],
                    ],
                    &|sc| {
                        let p = served_in(f, sc, from, to);
                        let d = stock(f, sc, to).persons_served;
                        let e = ended(f, sc, from, to);
                        vec![
                            p.adults,
                            p.minors,
                            p.total,
                            d.adults,
                            d.minors,
                            d.total,
                            e.persons,
                            e.with_rental_contract,
                        ]
                    },
                ),
            ),
            ("adults_outcomes_at_reference_date", outcomes(to)),
        ],
        Question::EndedUpTo(d) => vec![("counselling_ended", ended_raw(NaiveDate::MIN, d))],
    }
}

/// The figures of the whole deployment for an operator (the `ankommen figures` command), as JSON in
/// the shape of the shared examples: `settings` and one of `at`, `period` or `ended_so_far`. The
/// read is audited as the operator's.
pub async fn for_operator(
    db: &ankommen_store::Db,
    now: chrono::DateTime<chrono::Utc>,
    q: Question,
    settings: Option<Settings>,
) -> crate::Result<serde_json::Value> {
    for_operator_with_progress(db, now, q, settings, &|_| {}).await
}

/// [`for_operator`], telling `progress` what it has done so far (for a terminal: reading the
/// facts of a state takes seconds).
pub async fn for_operator_with_progress(
    db: &ankommen_store::Db,
    now: chrono::DateTime<chrono::Utc>,
    q: Question,
    settings: Option<Settings>,
    progress: &(dyn Fn(String) + Sync),
) -> crate::Result<serde_json::Value> {
    use crate::kernel::audit::{self, Event, Who};
    let started = std::time::Instant::now();
    let who = Who {
        staff_id: None,
        organisation_id: None,
        roles: "operator".into(),
    };
    let (facts, s) = audit::read(db, async |tx| {
        let rules = crate::administration::settings::WorkRules::load(tx).await?;
        let s = settings.unwrap_or_else(|| Settings::of(&rules));
        let facts = load::load(tx, q, None, &s).await?;
        audit::record_as(tx, now, &who, None, Event::new("figures_computed")).await?;
        Ok((facts, s))
    })
    .await?;
    progress(format!(
        "read {} persons, {} cases, {} contacts in {:.1} s",
        facts.persons.len(),
        facts.cases.len(),
        facts.contacts.iter().map(|k| k.count).sum::<usize>(),
        started.elapsed().as_secs_f64()
    ));
    let figures = question_json(&facts, q, &s);
    progress(format!(
        "computed the figures in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    figures
}

impl Settings {
    /// The working rules in force.
    pub fn of(rules: &crate::administration::settings::WorkRules) -> Self {
        Settings {
            review_interval_months: rules.review_interval_months,
            contact_allowance: Allowance {
                first_months: rules.contact_first_phase_months,
                days_in_first_months: rules.contact_first_phase_days,
                days_afterwards: rules.contact_later_days,
            },
        }
    }
}

/// Every figure of a question as JSON, in the shape of the shared examples: `settings` and one of
/// `at`, `period` or `ended_so_far` (with `total`, `by_im`, `by_organisation`, `by_municipality`
/// and `coordinator_view`).
pub fn question_json(f: &Facts, q: Question, s: &Settings) -> crate::Result<serde_json::Value> {
    let body = match q {
        Question::At(d) => {
            let mut v = to_json(report(f, q, |sc| stock(f, sc, d)))?;
            v["reference_date"] = serde_json::json!(d);
            v["coordinator_view"] = to_json(coordinator_view(f, q))?;
            serde_json::json!({ "at": v })
        }
        Question::Period { from, to } => {
            let mut v = to_json(report(f, q, |sc| flow(f, sc, from, to, s)))?;
            v["from"] = serde_json::json!(from);
            v["to"] = serde_json::json!(to);
            v["reference_date"] = serde_json::json!(to);
            v["coordinator_view"] = to_json(coordinator_view(f, q))?;
            serde_json::json!({ "period": v })
        }
        Question::EndedUpTo(d) => {
            let mut v = to_json(report(f, q, |sc| ended(f, sc, NaiveDate::MIN, d)))?;
            v["up_to"] = serde_json::json!(d);
            v["coordinator_view"] = to_json(coordinator_view(f, q))?;
            serde_json::json!({ "ended_so_far": v })
        }
    };
    let mut out = serde_json::json!({ "settings": settings_json(s) });
    if let (Some(o), Some(b)) = (out.as_object_mut(), body.as_object()) {
        o.extend(b.clone());
    }
    Ok(out)
}

fn settings_json(s: &Settings) -> serde_json::Value {
    serde_json::json!({
        "review_interval_months": s.review_interval_months,
        "contact_allowance": {
            "first_months": s.contact_allowance.first_months,
            "days_in_first_months": s.contact_allowance.days_in_first_months,
            "days_afterwards": s.contact_allowance.days_afterwards,
        },
    })
}

fn to_json<T: Serialize>(v: T) -> crate::Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| crate::Error::Internal(e.to_string()))
}
