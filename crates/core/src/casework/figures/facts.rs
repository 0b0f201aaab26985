//! What the figures are computed from: the facts of `figures.md`, stated on the objects of the
//! exchange format and independent of where they come from (the database, or an exchange file).
//! Ids are strings: the exchange file's ids, or database ids written out.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    /// The days with a contact the contact clock needs (see [`ContactDay`]).
    pub contact_days: Vec<ContactDay>,
    pub outcomes: Vec<Outcome>,
    /// Look-ups, built on first use (see [`super::index`]); the facts must not change after.
    pub(crate) index: std::sync::OnceLock<super::index::Index>,
    /// What the figures ask of each person on a day, per day (see [`super::index::PersonOn`]).
    pub(crate) on_day: super::index::DayMemo,
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

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub household: Option<String>,
    pub birth: Option<Birth>,
    /// The intake's German level (`none`, `A1` … `C2`).
    pub german_level: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
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

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Goal {
    pub case: String,
    /// The exchange field of action.
    pub field: String,
    /// `open` | `in_progress` | `reached` | `not_reached` | `dropped`
    pub status: String,
    pub created_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Review {
    pub case: String,
    pub held_on: NaiveDate,
}

/// Contacts counted together: one contact, or — as the database reads a period — all contacts of
/// one case and kind in the period held by the same IM (the figures only count them, so a group is
/// exact wherever a single contact would be).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Contact {
    pub case: String,
    /// The contact's day; of a group, its first day (every day of a group counts for the same IM).
    pub date: NaiveDate,
    /// How many contacts (1 for a single one).
    pub count: usize,
    /// Their minutes, summed (a contact without minutes adds none).
    pub minutes: i64,
    pub kind: String,
    /// Each topic (an exchange field) with the number of these contacts naming it.
    pub topics: Vec<(String, usize)>,
}

impl Contact {
    /// A single contact.
    pub fn one(
        case: String,
        date: NaiveDate,
        minutes: Option<i64>,
        kind: String,
        topics: Vec<String>,
    ) -> Contact {
        Contact {
            case,
            date,
            count: 1,
            minutes: minutes.unwrap_or(0),
            kind,
            topics: topics.into_iter().map(|t| (t, 1)).collect(),
        }
    }
}

/// A day on which a case had a contact, for the contact clock. Every contact day may be listed
/// (`near_previous` false); a reader may leave out days, provided it marks the day after a
/// left-out stretch: `near_previous` says that the previous listed day is connected to this one by
/// contact days closer together than any allowance, so nothing in between can be overdue.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContactDay {
    pub case: String,
    pub date: NaiveDate,
    pub near_previous: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Outcome {
    pub person: String,
    pub date: NaiveDate,
    /// The outcome's type (`german_level`, `employment`, …).
    pub kind: String,
    pub level: Option<String>,
    pub employment_type: Option<String>,
    pub until: Option<NaiveDate>,
}
