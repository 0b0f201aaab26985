//! The figures of the hand-countable county in `mini-county/` (the shared examples, computed by an
//! implementation of `figures.md` that shares no code with ankommen), number for number.

use chrono::NaiveDate;
use serde_json::Value;

use super::facts::*;
use super::*;
use crate::kernel::types::Birth;

const FILE: &str = include_str!("mini-county/mini-county.jsonl");
const AT: &str = include_str!("mini-county/mini-county.figures.at-2021-01-01.json");
const PERIOD: &str = include_str!("mini-county/mini-county.figures.period-2020.json");
const ENDED: &str = include_str!("mini-county/mini-county.figures.ended-up-to-2021-03-01.json");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_default().to_string()
}

fn od(v: &Value, k: &str) -> Option<NaiveDate> {
    v[k].as_str().map(d)
}

fn list(v: &Value, k: &str) -> Vec<String> {
    v[k].as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The exchange file as facts (a reader for the test only; the importer is its own piece).
fn facts() -> Facts {
    let mut f = Facts::default();
    for line in FILE.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("json");
        match v["kind"].as_str().unwrap_or_default() {
            "municipality" => f.municipalities.push(Municipality {
                id: s(&v, "id"),
                name: s(&v, "name"),
            }),
            "organisation" => f.organisations.push(Organisation {
                id: s(&v, "id"),
                name: s(&v, "name"),
                kind: s(&v, "type"),
            }),
            "staff" => f.staff.push(Staff {
                id: s(&v, "id"),
                display_name: s(&v, "display_name"),
                organisation: s(&v, "organisation"),
                roles: list(&v, "roles"),
                fte: v["fte"].as_f64(),
            }),
            "person" => f.persons.push(Person {
                id: s(&v, "id"),
                household: v["household"].as_str().map(str::to_string),
                birth: match (od(&v, "birth_date"), v["birth_year"].as_i64()) {
                    (Some(date), _) => Some(Birth::Date(date)),
                    (None, Some(y)) => i32::try_from(y).ok().map(Birth::Year),
                    (None, None) => None,
                },
                german_level: v["german_level"].as_str().map(str::to_string),
            }),
            "case" => {
                let opened = d(v["opened_on"].as_str().unwrap_or_default());
                let assignments = match v["assignments"].as_array() {
                    Some(a) => a
                        .iter()
                        .map(|x| (s(x, "staff"), d(x["from"].as_str().unwrap_or_default())))
                        .collect(),
                    None => vec![(s(&v, "assigned_to"), opened)],
                };
                let pauses = v["pauses"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|p| (d(p["from"].as_str().unwrap_or_default()), od(p, "until")))
                            .collect()
                    })
                    .unwrap_or_default();
                f.cases.push(Case {
                    id: s(&v, "id"),
                    organisation: s(&v, "organisation"),
                    municipality: s(&v, "municipality"),
                    persons: list(&v, "persons"),
                    assignments,
                    opened_on: opened,
                    status: s(&v, "status"),
                    pauses,
                    closed_on: od(&v, "closed_on"),
                    closure_reason: v["closure_reason"].as_str().map(str::to_string),
                });
            }
            "goal" => f.goals.push(Goal {
                case: s(&v, "case"),
                field: s(&v, "field"),
                status: s(&v, "status"),
                created_on: d(v["created_on"].as_str().unwrap_or_default()),
                closed_on: od(&v, "closed_on"),
            }),
            "review" => f.reviews.push(Review {
                case: s(&v, "case"),
                held_on: d(v["held_on"].as_str().unwrap_or_default()),
            }),
            "contact" => f.contacts.push(Contact {
                case: s(&v, "case"),
                date: d(v["date"].as_str().unwrap_or_default()),
                minutes: v["minutes"].as_i64(),
                kind: s(&v, "contact_kind"),
                topics: list(&v, "topics"),
            }),
            "outcome" => f.outcomes.push(Outcome {
                person: s(&v, "person"),
                date: d(v["date"].as_str().unwrap_or_default()),
                kind: s(&v, "type"),
                level: v["level"].as_str().map(str::to_string),
                employment_type: v["employment_type"].as_str().map(str::to_string),
                until: od(&v, "until"),
            }),
            _ => {}
        }
    }
    f
}

const SETTINGS: Settings = Settings {
    review_interval_months: 6,
    contact_allowance: Allowance {
        first_months: 3,
        days_in_first_months: 7,
        days_afterwards: 31,
    },
};

/// The report as JSON, without the coordinator's view (compared on its own).
fn compare(ours: Value, expected: &Value) {
    for key in ["total", "by_im", "by_organisation", "by_municipality"] {
        assert_eq!(
            ours[key], expected[key],
            "{key}:\nours:     {}\nexpected: {}",
            ours[key], expected[key]
        );
    }
}

#[test]
fn the_stock_at_the_start_of_2021_matches_the_hand_count() {
    let f = facts();
    let at = d("2021-01-01");
    let ours =
        serde_json::to_value(report(&f, Question::At(at), |s| stock(&f, s, at))).expect("json");
    let expected: Value = serde_json::from_str(AT).expect("json");
    compare(ours, &expected["at"]);
}

#[test]
fn the_year_2020_matches_the_hand_count() {
    let f = facts();
    let (from, to) = (d("2020-01-01"), d("2020-12-31"));
    let q = Question::Period { from, to };
    let ours =
        serde_json::to_value(report(&f, q, |s| flow(&f, s, from, to, &SETTINGS))).expect("json");
    let expected: Value = serde_json::from_str(PERIOD).expect("json");
    compare(ours, &expected["period"]);
}

#[test]
fn counselling_ended_so_far_matches_the_hand_count() {
    let f = facts();
    let to = d("2021-03-01");
    let q = Question::EndedUpTo(to);
    let ours =
        serde_json::to_value(report(&f, q, |s| ended(&f, s, NaiveDate::MIN, to))).expect("json");
    let expected: Value = serde_json::from_str(ENDED).expect("json");
    compare(ours, &expected["ended_so_far"]);
}

#[test]
fn shares_round_half_up_from_the_exact_fraction() {
    assert_eq!(pct(1, 6), Some(16.7));
    assert_eq!(pct(1, 8), Some(12.5));
    assert_eq!(pct(1, 16), Some(6.3));
    assert_eq!(pct(2, 3), Some(66.7));
    assert_eq!(pct(0, 0), None);
    assert_eq!(hours(260), 4.33);
    assert_eq!(hours(3), 0.05);
}
