//! Look-ups over the facts, built once per set of facts: a case or person by id, and each case's
//! goals, reviews and contacts and each person's cases and outcomes. Without them the figures of a
//! county (400,000 contacts, 3,000 cases) take quadratic time per row. Persons are numbered
//! (their position) so that a scope's persons are counted as numbers, not compared as strings, and
//! what the figures ask of a person on a day is worked out once per day (see [`PersonOn`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::Scope;
use super::facts::{Case, Contact, Facts, Goal, Outcome, Person};

/// A contact day of a case and whether the previous listed one is near (see `ContactDay`).
pub type Day = (NaiveDate, bool);

#[derive(Clone, Debug, Default)]
pub struct Index {
    case_at: HashMap<String, usize>,
    person_at: HashMap<String, usize>,
    /// By case position.
    goals: Vec<Vec<usize>>,
    /// By case position, sorted.
    reviews: Vec<Vec<NaiveDate>>,
    /// By case position, in date order.
    contacts: Vec<Vec<usize>>,
    /// By case position, in date order, one entry per day.
    contact_days: Vec<Vec<Day>>,
    /// The earliest goal's creation, by case position.
    plan_start: Vec<Option<NaiveDate>>,
    /// By person position.
    cases_of_person: Vec<Vec<usize>>,
    /// By person position.
    outcomes: Vec<Vec<usize>>,
    /// The persons of each case by number (see [`Facts::persons_of`]), by case position.
    case_persons: Vec<Vec<usize>>,
    /// Each known person's household as a number (a person without one is their own), by person
    /// position.
    household_of: Vec<usize>,
    /// The positions of the cases each scope may count (see [`Facts::cases_for`]).
    all: Vec<usize>,
    held_by: HashMap<String, Vec<usize>>,
    of_organisation: HashMap<String, Vec<usize>>,
    in_municipality: HashMap<String, Vec<usize>>,
}

impl Index {
    pub fn build(f: &Facts) -> Index {
        let case_at: HashMap<String, usize> = f
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        let person_at: HashMap<String, usize> = f
            .persons
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let n = f.cases.len();
        let mut ix = Index {
            goals: vec![Vec::new(); n],
            reviews: vec![Vec::new(); n],
            contacts: vec![Vec::new(); n],
            contact_days: vec![Vec::new(); n],
            plan_start: vec![None; n],
            cases_of_person: vec![Vec::new(); f.persons.len()],
            outcomes: vec![Vec::new(); f.persons.len()],
            case_persons: vec![Vec::new(); n],
            ..Index::default()
        };
        // A case may name a person the facts do not hold: numbered after the known ones, so that
        // they count among the case's persons but are neither adult nor in any household.
        let mut unknown: HashMap<&str, usize> = HashMap::new();
        let mut households: HashMap<&str, usize> = HashMap::new();
        let mut next = 0..;
        for p in &f.persons {
            let mut new = || next.next().unwrap_or_default();
            ix.household_of.push(match &p.household {
                Some(h) => *households.entry(h.as_str()).or_insert_with(new),
                None => new(),
            });
        }
        for (i, g) in f.goals.iter().enumerate() {
            if let Some(c) = case_at.get(&g.case) {
                ix.goals[*c].push(i);
                let start = &mut ix.plan_start[*c];
                *start = Some(start.map_or(g.created_on, |s| s.min(g.created_on)));
            }
        }
        for r in &f.reviews {
            if let Some(c) = case_at.get(&r.case) {
                ix.reviews[*c].push(r.held_on);
            }
        }
        for (i, k) in f.contacts.iter().enumerate() {
            if let Some(c) = case_at.get(&k.case) {
                ix.contacts[*c].push(i);
            }
        }
        for d in &f.contact_days {
            if let Some(c) = case_at.get(&d.case) {
                ix.contact_days[*c].push((d.date, d.near_previous));
            }
        }
        for (c, case) in f.cases.iter().enumerate() {
            ix.all.push(c);
            let mut holders: Vec<&String> = case.assignments.iter().map(|(who, _)| who).collect();
            holders.sort();
            holders.dedup();
            for who in holders {
                ix.held_by.entry(who.clone()).or_default().push(c);
            }
            ix.of_organisation
                .entry(case.organisation.clone())
                .or_default()
                .push(c);
            ix.in_municipality
                .entry(case.municipality.clone())
                .or_default()
                .push(c);
            ix.reviews[c].sort();
            ix.contacts[c].sort_by_key(|k| f.contacts[*k].date);
            // One entry per day; a day listed twice is near its predecessor only if both say so.
            let days = &mut ix.contact_days[c];
            days.sort();
            days.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    kept.1 &= later.1;
                }
                same
            });
            for p in &case.persons {
                let number = match person_at.get(p) {
                    Some(known) => {
                        ix.cases_of_person[*known].push(c);
                        *known
                    }
                    None => {
                        let next = f.persons.len() + unknown.len();
                        *unknown.entry(p.as_str()).or_insert(next)
                    }
                };
                ix.case_persons[c].push(number);
            }
        }
        for (i, o) in f.outcomes.iter().enumerate() {
            if let Some(p) = person_at.get(&o.person) {
                ix.outcomes[*p].push(i);
            }
        }
        ix.case_at = case_at;
        ix.person_at = person_at;
        ix
    }
}

/// What the figures ask of a known person on a day (see `figures::person_on`).
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonOn {
    pub adult: bool,
    pub german_b1: bool,
    pub employed_social_insurance: bool,
    pub training_internship_studies: bool,
}

/// [`PersonOn`] of every known person, per day asked, kept with the facts once computed.
#[derive(Debug, Default)]
pub struct DayMemo(Mutex<HashMap<NaiveDate, Arc<Vec<PersonOn>>>>);

impl Clone for DayMemo {
    /// A copy of the facts computes its own.
    fn clone(&self) -> Self {
        DayMemo::default()
    }
}

impl Facts {
    fn ix(&self) -> &Index {
        self.index.get_or_init(|| Index::build(self))
    }

    /// The persons of a case as numbers: a known person's position in `persons`, an unknown one
    /// numbered after them.
    pub fn persons_of(&self, case_pos: usize) -> &[usize] {
        &self.ix().case_persons[case_pos]
    }

    /// The household of the person numbered `p` as a number, if the person is known (a person
    /// without a household is their own).
    pub fn household_of(&self, p: usize) -> Option<usize> {
        self.ix().household_of.get(p).copied()
    }

    /// [`PersonOn`] of every known person on `d`, by position, computed on first use.
    pub fn persons_on(
        &self,
        d: NaiveDate,
        compute: impl Fn(&Person) -> PersonOn,
    ) -> Arc<Vec<PersonOn>> {
        let mut memo = self
            .on_day
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        memo.entry(d)
            .or_insert_with(|| Arc::new(self.persons.iter().map(compute).collect()))
            .clone()
    }

    /// The cases of the person numbered `p` (none for an unknown person).
    pub fn cases_of_number<'a>(&'a self, p: usize) -> impl Iterator<Item = &'a Case> + 'a {
        let list = self.ix().cases_of_person.get(p).map(Vec::as_slice);
        list.unwrap_or_default().iter().map(|c| &self.cases[*c])
    }

    /// The outcomes of the person numbered `p` (none for an unknown person).
    pub fn outcomes_of_number<'a>(&'a self, p: usize) -> impl Iterator<Item = &'a Outcome> + 'a {
        let list = self.ix().outcomes.get(p).map(Vec::as_slice);
        list.unwrap_or_default().iter().map(|o| &self.outcomes[*o])
    }

    /// The cases that may count for `scope` on some day, in their order: every case for the total,
    /// those a staff member ever held for an IM, and those of the organisation or municipality.
    /// Each figure still tests every case exactly (`Scope::holds` and its kin); this only spares a
    /// scope the cases it cannot count (a state has thousands of scopes' worth of them).
    pub fn cases_for<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a Case> + 'a {
        let ix = self.ix();
        let list = match scope {
            Scope::Total => Some(&ix.all),
            Scope::Im(staff) | Scope::ImIn { staff, .. } => ix.held_by.get(staff),
            Scope::Organisation(o) => ix.of_organisation.get(o),
            Scope::Municipality(m) => ix.in_municipality.get(m),
        };
        list.map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|c| &self.cases[*c])
    }

    /// The position of a case in `cases`. The figures pass the facts' own cases, so its address
    /// tells (checked, in safe code); any other copy of a case is found by its id.
    pub fn case_pos(&self, c: &Case) -> Option<usize> {
        let size = std::mem::size_of::<Case>();
        let offset = (c as *const Case as usize).wrapping_sub(self.cases.as_ptr() as usize);
        let i = offset / size;
        if offset.is_multiple_of(size) && self.cases.get(i).is_some_and(|own| std::ptr::eq(own, c))
        {
            return Some(i);
        }
        self.ix().case_at.get(&c.id).copied()
    }

    pub fn case(&self, id: &str) -> Option<&Case> {
        self.ix().case_at.get(id).map(|i| &self.cases[*i])
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.ix().person_at.get(id).map(|i| &self.persons[*i])
    }

    pub fn goals_of<'a>(&'a self, c: &Case) -> impl Iterator<Item = &'a Goal> + 'a {
        let list = self.case_pos(c).map(|i| self.ix().goals[i].as_slice());
        list.unwrap_or_default().iter().map(|g| &self.goals[*g])
    }

    /// The earliest goal's creation (the plan's start).
    pub fn plan_start(&self, c: &Case) -> Option<NaiveDate> {
        self.case_pos(c).and_then(|i| self.ix().plan_start[i])
    }

    /// Review dates, sorted.
    pub fn reviews_of(&self, c: &Case) -> &[NaiveDate] {
        self.case_pos(c)
            .map(|i| self.ix().reviews[i].as_slice())
            .unwrap_or_default()
    }

    /// Contacts in date order.
    pub fn contacts_of<'a>(&'a self, c: &Case) -> impl Iterator<Item = &'a Contact> + 'a {
        let list = self.case_pos(c).map(|i| self.ix().contacts[i].as_slice());
        list.unwrap_or_default().iter().map(|k| &self.contacts[*k])
    }

    /// Contact days, in date order (see `ContactDay`).
    pub fn contact_days_of(&self, c: &Case) -> &[Day] {
        self.case_pos(c)
            .map(|i| self.ix().contact_days[i].as_slice())
            .unwrap_or_default()
    }

    pub fn cases_of_person<'a>(&'a self, p: &str) -> impl Iterator<Item = &'a Case> + 'a {
        let list = self
            .ix()
            .person_at
            .get(p)
            .map(|i| self.ix().cases_of_person[*i].as_slice());
        list.unwrap_or_default().iter().map(|c| &self.cases[*c])
    }

    pub fn outcomes_of<'a>(&'a self, p: &str) -> impl Iterator<Item = &'a Outcome> + 'a {
        let list = self
            .ix()
            .person_at
            .get(p)
            .map(|i| self.ix().outcomes[*i].as_slice());
        list.unwrap_or_default().iter().map(|o| &self.outcomes[*o])
    }
}
