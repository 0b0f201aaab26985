//! What the figures are computed from: the facts of `figures.md`, stated on the objects of the
//! exchange format and independent of where they come from (the database, or an exchange file).
//! Ids are strings: the exchange file's ids, or database ids written out.

use chrono::NaiveDate;

use crate::kernel::types::Birth;

#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub municipalities: Vec<Municipality>,
    pub organisations: Vec<Organisation>,
    pub staff: Vec<Staff>,
    pub persons: Vec<Person>,
    pub cases: Vec<Case>,
    pub goals: Vec<Goal>,
    pub reviews: Vec<Review>,
    pub contacts: Vec<Contact>,
    pub outcomes: Vec<Outcome>,
    /// Look-ups, built on first use (see [`super::index`]); the facts must not change after.
    pub(crate) index: std::sync::OnceLock<super::index::Index>,
}

#[derive(Clone, Debug)]
pub struct Municipality {
    /// The AGS.
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    /// `county_office` | `municipality` | `provider`
    pub kind: String,
    /// Its id in the exchange file it was imported from.
    pub external_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Staff {
    pub id: String,
    pub display_name: String,
    pub organisation: String,
    pub roles: Vec<String>,
    pub fte: Option<f64>,
    /// Their id in the exchange file they were imported from.
    pub external_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub household: Option<String>,
    pub birth: Option<Birth>,
    /// The intake's German level (`none`, `A1` … `C2`).
    pub german_level: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    pub organisation: String,
    /// The AGS.
    pub municipality: String,
    pub persons: Vec<String>,
    /// Who held the case from when, oldest first (never empty).
    pub assignments: Vec<(String, NaiveDate)>,
    pub opened_on: NaiveDate,
    /// `active` | `paused` | `closed`
    pub status: String,
    /// (from, until) of each pause.
    pub pauses: Vec<(NaiveDate, Option<NaiveDate>)>,
    pub closed_on: Option<NaiveDate>,
    pub closure_reason: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Goal {
    pub case: String,
    /// The exchange field of action.
    pub field: String,
    /// `open` | `in_progress` | `reached` | `not_reached` | `dropped`
    pub status: String,
    pub created_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct Review {
    pub case: String,
    pub held_on: NaiveDate,
}

#[derive(Clone, Debug)]
pub struct Contact {
    pub case: String,
    pub date: NaiveDate,
    pub minutes: Option<i64>,
    pub kind: String,
    pub topics: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Outcome {
    pub person: String,
    pub date: NaiveDate,
    /// The outcome's type (`german_level`, `employment`, …).
    pub kind: String,
    pub level: Option<String>,
    pub employment_type: Option<String>,
    pub until: Option<NaiveDate>,
}
