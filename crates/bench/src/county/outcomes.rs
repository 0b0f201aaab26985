//! Outcomes of a household's persons: German levels of adults, work, flats, Kita and school places.

use ankommen_store::entities::outcome;
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::ActiveValue::Set;

use super::at;
use super::batch::next;
use super::cases::{Gen, House, Member};
use super::rng::Rng;

/// What one outcome row says besides its kind and date.
#[derive(Default)]
struct Detail<'a> {
    level: Option<&'a str>,
    course: Option<&'a str>,
    employment: Option<&'a str>,
    place: Option<&'a str>,
}

pub(super) fn outcomes(g: &mut Gen, h: &House<'_>) {
    for m in &h.members {
        let span = (h.end - h.s.opened).num_days();
        if span < 60 {
            continue;
        }
        if m.adult {
            adult_outcomes(g, h, m, span);
        } else if g.rng.chance(0.7) {
            let on = when(&mut g.rng, h, span, 0);
            let age = on.year() - m.birth_year;
            let place = if age < 6 { "kita" } else { "school" };
            let detail = Detail {
                place: Some(place),
                ..Detail::default()
            };
            push(g, h, m, "childcare_school", on, &detail);
        }
    }
}

/// A day in the later part of the case's life: from `frac_lo` tenths of its span to its end.
fn when(rng: &mut Rng, h: &House<'_>, span: i64, frac_lo: i64) -> NaiveDate {
    h.s.opened + Duration::days(rng.range(span * frac_lo / 10, span))
}

fn adult_outcomes(g: &mut Gen, h: &House<'_>, m: &Member, span: i64) {
    if g.rng.chance(0.7) {
        let levels = ["A1", "A2", "B1", "B2"];
        let n = g.rng.range(1, 3) as usize;
        let course = *g.rng.weighted(&[
            ("integration", 70),
            ("literacy", 10),
            ("job_language", 15),
            ("other", 5),
        ]);
        let mut dates: Vec<NaiveDate> = (0..n).map(|_| when(&mut g.rng, h, span, 2)).collect();
        dates.sort();
        for (k, on) in dates.into_iter().enumerate() {
            let detail = Detail {
                level: Some(levels[k]),
                course: Some(course),
                ..Detail::default()
            };
            push(g, h, m, "german_level", on, &detail);
        }
    }
    if g.rng.chance(0.3) {
        let on = when(&mut g.rng, h, span, 4);
        let t = *g.rng.weighted(&[
            ("social_insurance", 60),
            ("mini_job", 30),
            ("self_employed", 10),
        ]);
        let detail = Detail {
            employment: Some(t),
            ..Detail::default()
        };
        push(g, h, m, "employment", on, &detail);
    }
    if g.rng.chance(0.15) {
        let on = when(&mut g.rng, h, span, 3);
        push(g, h, m, "rental_contract", on, &Detail::default());
    }
}

/// Adds one outcome; a German level carries a certificate seven times in ten.
fn push(g: &mut Gen, h: &House<'_>, m: &Member, kind: &str, on: NaiveDate, d: &Detail<'_>) {
    let row = outcome::ActiveModel {
        id: Set(next(&mut g.ids.outcome)),
        person_id: Set(m.id),
        outcome_date: Set(on),
        outcome_type: Set(kind.into()),
        level: Set(d.level.map(str::to_string)),
        certificate: Set(d.level.map(|_| g.rng.chance(0.7))),
        course: Set(d.course.map(str::to_string)),
        employment_type: Set(d.employment.map(str::to_string)),
        until_date: Set(None),
        place: Set(d.place.map(str::to_string)),
        external_id: Set(None),
        created_by: Set(h.im.id),
        created_at: Set(at(on, 13 * 60)),
        version: Set(1),
    };
    g.batch.outcomes.push(row);
}
