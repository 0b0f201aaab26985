//! One household of the county: its persons, its case with assignment and events, the adults'
//! consents and now and then a release.
//!
//! The order of the random draws is the dataset: functions here draw in exactly the order the
//! rows are written, so that the same seed gives the same county.

use ankommen_core::casework::duplicates;
use ankommen_core::kernel::names::matching::Record;
use ankommen_core::kernel::sealed::{CASE_EVENT_REASON, CASE_EXTENSION_REASON};
use ankommen_store::entities::{
    case, case_assignment, case_event, case_pause, case_person, consent, household, person, release,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;

use super::batch::{Batch, Ids, next};
use super::rng::Rng;
use super::skeleton::Skeleton;
use super::staff::Im;
use super::texts::{ORIGINS, Origin};
use super::{add_months, at};

/// The generator's state across households: randomness, ids, the rows not yet written, and the
/// day it generates for.
pub(super) struct Gen<'a> {
    pub(super) seal: super::Seal<'a>,
    pub(super) rng: Rng,
    pub(super) ids: Ids,
    pub(super) batch: Batch,
    pub(super) today: NaiveDate,
    pub(super) now: DateTime<Utc>,
    /// Days between contacts in a case's first three months, and later.
    pub(super) gap_early: f64,
    pub(super) gap_late: f64,
}

/// A person of the household being generated.
pub(super) struct Member {
    pub(super) id: i64,
    pub(super) adult: bool,
    pub(super) birth_year: i32,
}

/// The household being generated, with its case.
pub(super) struct House<'a> {
    pub(super) s: &'a Skeleton,
    pub(super) im: &'a Im,
    pub(super) origin: &'static Origin,
    pub(super) ags: &'static str,
    pub(super) created_at: DateTime<Utc>,
    pub(super) household_id: Option<i64>,
    pub(super) has_consent: bool,
    pub(super) members: Vec<Member>,
    pub(super) case_id: i64,
    /// The case's last day: its closure, or today.
    pub(super) end: NaiveDate,
}

/// Draws the household and its persons, and writes them with the case into the batch.
pub(super) fn household<'a>(g: &mut Gen, s: &'a Skeleton, im: &'a Im) -> House<'a> {
    let origin = &ORIGINS[s.origin].0;
    let ags = *g.rng.pick(im.municipalities);
    let family = *g.rng.pick(origin.family);
    let created_at = at(s.opened, 9 * 60 + g.rng.range(0, 480));
    let household_id = (s.size > 1).then(|| next(&mut g.ids.household));
    if let Some(hid) = household_id {
        g.batch.households.push(household::ActiveModel {
            id: Set(hid),
            municipality_ags: Set(ags.into()),
            external_id: Set(None),
            created_at: Set(created_at),
            created_by: Set(im.id),
        });
    }
    let mut h = House {
        s,
        im,
        origin,
        ags,
        created_at,
        household_id,
        has_consent: g.rng.chance(0.88),
        members: Vec::new(),
        case_id: 0,
        end: s.closed.map(|(d, _)| d).unwrap_or(g.today),
    };
    let head_female = g.rng.chance(0.45);
    for k in 0..s.size {
        let m = member(g, &h, family, k, head_female);
        h.members.push(m);
    }
    h.case_id = case_rows(g, &h);
    h
}

/// Draws the `k`-th person of the household and adds the row.
fn member(
    g: &mut Gen,
    h: &House<'_>,
    family: (&'static str, Option<&'static str>),
    k: usize,
    head_female: bool,
) -> Member {
    let (s, rng) = (h.s, &mut g.rng);
    let (relation, adult, female) = match k {
        0 => ("head", true, head_female),
        1 if s.size > 2 || rng.chance(0.7) => ("partner", true, !head_female),
        _ => ("child", false, rng.chance(0.5)),
    };
    let age = if adult {
        rng.range(19, 58)
    } else {
        rng.range(0, 17)
    };
    let birth_year = s.opened.year() - age as i32 + 1;
    let birth_date =
        NaiveDate::from_ymd_opt(birth_year, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
            .filter(|_| rng.chance(0.8))
            .filter(|d| *d < s.opened);
    let origin = h.origin;
    let (given, given_orig) = *rng.pick(if female { origin.female } else { origin.male });
    let original = match (given_orig, family.1) {
        (Some(given), Some(family)) => Some(format!("{given} {family}")),
        _ => None,
    };
    let pid = next(&mut g.ids.person);
    let consented = h.has_consent && adult;
    let german_level = consented.then(|| (*g.rng.pick(&["none", "A1", "A2", "B1"])).to_string());
    // The matcher keys, as every writer of persons writes them.
    g.batch.person_match_keys.extend(duplicates::keys::rows(
        pid,
        &Record {
            given,
            family: family.0,
            original: original.as_deref(),
            birth_date,
            birth_year,
        },
    ));
    let names = Names {
        given,
        family: family.0,
        original,
    };
    let row = person_row(h, pid, relation, names, female, consented, german_level);
    g.batch.persons.push(row.birth(birth_date, birth_year));
    Member {
        id: pid,
        adult,
        birth_year,
    }
}

/// A person's names as registration takes them.
struct Names {
    given: &'static str,
    family: &'static str,
    original: Option<String>,
}

/// A person row still without its birth.
struct PersonRow(person::ActiveModel);

impl PersonRow {
    fn birth(mut self, date: Option<NaiveDate>, year: i32) -> person::ActiveModel {
        self.0.birth_date = Set(date);
        self.0.birth_year = Set(year);
        self.0
    }
}

fn person_row(
    h: &House<'_>,
    pid: i64,
    relation: &str,
    names: Names,
    female: bool,
    consented: bool,
    german_level: Option<String>,
) -> PersonRow {
    // The search keys, exactly as registration computes them (clients::name_keys).
    let all = format!(
        "{} {} {}",
        names.given,
        names.family,
        names.original.as_deref().unwrap_or("")
    );
    PersonRow(person::ActiveModel {
        id: Set(pid),
        household_id: Set(h.household_id),
        relation: Set(h.household_id.map(|_| relation.to_string())),
        given_name: Set(names.given.into()),
        family_name: Set(names.family.into()),
        name_original: Set(names.original),
        name_fold: Set(ankommen_core::kernel::names::fold(&all)),
        name_skeleton: Set(ankommen_core::kernel::names::skeleton(&all)),
        birth_date: Set(None),
        birth_year: Set(0),
        municipality_ags: Set(h.ags.into()),
        au_move_in: Set(Some(h.s.clock_start)),
        target_group: Set(if h.origin.ukraine {
            "ukraine"
        } else {
            "follow_up_housing"
        }
        .into()),
        sex: Set(consented.then(|| if female { "f" } else { "m" }.into())),
        nationality: Set(None),
        languages: Set(
            consented.then(|| format!("[{{\"code\":\"{}\",\"level\":\"native\"}}]", h.origin.lang))
        ),
        german_level: Set(german_level),
        german_certificate: Set(None),
        school: Set(None),
        vocational: Set(None),
        work_experience: Set(None),
        profession: Set(None),
        interests: Set(None),
        residence_status: Set(None),
        residence_valid_until: Set(None),
        housing: Set(consented.then(|| "follow_up_housing".into())),
        benefits: Set(None),
        phone: Set(None),
        email: Set(None),
        address: Set(None),
        interpreter_language: Set(None),
        entry_date: Set(None),
        residence_basis: Set(None),
        health_insurance: Set(None),
        health_insurer: Set(None),
        health_sealed: Set(None),
        extra: Set(None),
        external_id: Set(None),
        created_at: Set(h.created_at),
        created_by: Set(h.im.id),
        updated_at: Set(h.created_at),
        version: Set(1),
    })
}

/// The case of the household, its persons and assignment, and its events; returns the case id.
fn case_rows(g: &mut Gen, h: &House<'_>) -> i64 {
    let s = h.s;
    let case_id = next(&mut g.ids.case);
    let status = match (s.closed, s.paused_from) {
        (Some(_), _) => "closed",
        (None, Some(_)) => "paused",
        _ => "active",
    };
    g.batch.cases.push(case::ActiveModel {
        id: Set(case_id),
        case_number: Set(format!("{}-{:05}", s.opened.year(), case_id)),
        organisation_id: Set(h.im.organisation_id),
        municipality_ags: Set(h.ags.into()),
        assigned_to: Set(h.im.id),
        household_id: Set(h.household_id),
        opened_on: Set(s.opened),
        clock_start: Set(s.clock_start),
        status: Set(status.into()),
        extended_until: Set(s.extended_until),
        extension_reason_sealed: Set(s.extended_until.map(|_| {
            g.seal.text(
                CASE_EXTENSION_REASON.at_version(case_id, 1),
                "Ausbildung läuft noch, Begleitung bis zum Abschluss",
            )
        })),
        eligibility_note_sealed: Set(None),
        closed_on: Set(s.closed.map(|(d, _)| d)),
        closure_reason: Set(s.closed.map(|(_, r)| r.to_string())),
        closure_note_sealed: Set(None),
        closure_snapshot: Set(None),
        handover_note_sealed: Set(None),
        handover_from: Set(None),
        handover_at: Set(None),
        handover_seen: Set(true),
        external_id: Set(None),
        created_at: Set(h.created_at),
        updated_at: Set(h.created_at),
        version: Set(1),
    });
    for m in &h.members {
        g.batch.case_persons.push(case_person::ActiveModel {
            case_id: Set(case_id),
            person_id: Set(m.id),
        });
    }
    g.batch.case_assignments.push(case_assignment::ActiveModel {
        id: Set(next(&mut g.ids.assignment)),
        case_id: Set(case_id),
        staff_id: Set(h.im.id),
        from_date: Set(s.opened),
    });
    case_events(g, h, case_id);
    case_id
}

/// The case's events: opened, and extended, closed or paused where the skeleton says so.
fn case_events(g: &mut Gen, h: &House<'_>, case_id: i64) {
    let (s, im) = (h.s, h.im);
    let event_ids = &mut g.ids.event;
    let seal = &g.seal;
    let mut event = |kind: &str, on: NaiveDate, reason: Option<&str>, detail: Option<&str>| {
        let id = next(event_ids);
        case_event::ActiveModel {
            id: Set(id),
            case_id: Set(case_id),
            kind: Set(kind.into()),
            on_date: Set(on),
            reason_sealed: Set(reason.map(|r| seal.text(CASE_EVENT_REASON.at(id), r))),
            detail: Set(detail.map(str::to_string)),
            staff_id: Set(Some(im.id)),
            other_staff_id: Set(None),
            at: Set(at(on, 10 * 60)),
        }
    };
    let events = &mut g.batch.case_events;
    events.push(event("opened", s.opened, None, None));
    if let Some(ext) = s.extended_until {
        let on = add_months(s.clock_start, 33).min(g.today);
        events.push(event(
            "extended",
            on,
            Some("Ausbildung läuft noch"),
            Some(&ext.to_string()),
        ));
    }
    if let Some((d, r)) = s.closed {
        events.push(event("closed", d, None, Some(r)));
    }
    if let Some(p) = s.paused_from {
        events.push(event(
            "paused",
            p,
            Some("Längerer Auslandsaufenthalt"),
            None,
        ));
        g.batch.case_pauses.push(case_pause::ActiveModel {
            id: Set(next(&mut g.ids.pause)),
            case_id: Set(case_id),
            from_date: Set(p),
            until_date: Set(None),
        });
    }
}

/// Consents of the adults, and now and then a release (only in households that consented).
pub(super) fn consents_and_releases(g: &mut Gen, h: &House<'_>) {
    if !h.has_consent {
        return;
    }
    for m in h.members.iter().filter(|m| m.adult) {
        let rng = &mut g.rng;
        let given = (h.s.opened + Duration::days(rng.range(0, 21))).min(g.today);
        let withdrawn = rng
            .chance(0.03)
            .then(|| given + Duration::days(rng.range(30, 400)))
            .filter(|d| *d < h.end);
        g.batch.consents.push(consent::ActiveModel {
            id: Set(next(&mut g.ids.consent)),
            person_id: Set(m.id),
            text_version: Set("2026-1".into()),
            language: Set(h.origin.lang.into()),
            given_on: Set(given),
            form: Set("paper".into()),
            document_id: Set(None),
            withdrawn_on: Set(withdrawn),
            withdrawal_note: Set(withdrawn.map(|_| "Mündlich widerrufen".into())),
            voluntary_erased_on: Set(None),
            external_id: Set(None),
            created_at: Set(at(given, 11 * 60)),
            created_by: Set(h.im.id),
            version: Set(if withdrawn.is_some() { 2 } else { 1 }),
        });
    }
    if g.rng.chance(0.2) {
        release(g, h);
    }
}

fn release(g: &mut Gen, h: &House<'_>) {
    let rng = &mut g.rng;
    let from = (h.s.opened + Duration::days(rng.range(14, 200))).min(h.end);
    let until = from + Duration::days(rng.range(180, 730));
    let (name, cat) = *rng.pick(&[
        ("Jobcenter Neckartal", "jobcenter"),
        ("Ausländerbehörde Neckartal", "foreigners_authority"),
        ("Volkshochschule Neckartal", "language_course"),
        ("Jugendamt Neckartal", "youth_welfare"),
    ]);
    g.batch.releases.push(release::ActiveModel {
        id: Set(next(&mut g.ids.release)),
        person_id: Set(h.members[0].id),
        recipient_organisation_id: Set(None),
        recipient_name: Set(name.into()),
        recipient_category: Set(Some(cat.into())),
        data_categories: Set("identity,language_education,work".into()),
        purpose: Set("Vermittlung in Sprachkurs und Arbeit".into()),
        valid_from: Set(from),
        valid_until: Set(Some(until)),
        mutual: Set(true),
        revoked_on: Set(None),
        external_id: Set(None),
        created_at: Set(at(from, 12 * 60)),
        created_by: Set(h.im.id),
        version: Set(1),
    });
}
