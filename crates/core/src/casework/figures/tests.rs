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
                external_id: None,
            }),
            "staff" => f.staff.push(Staff {
                id: s(&v, "id"),
                display_name: s(&v, "display_name"),
                organisation: s(&v, "organisation"),
                roles: list(&v, "roles"),
                fte: v["fte"].as_f64(),
                external_id: None,
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
            "contact" => {
                let date = d(v["date"].as_str().unwrap_or_default());
                f.contact_days.push(ContactDay {
                    case: s(&v, "case"),
                    date,
                    near_previous: false,
                });
                f.contacts.push(Contact::one(
                    s(&v, "case"),
                    date,
                    v["minutes"].as_i64(),
                    s(&v, "contact_kind"),
                    list(&v, "topics"),
                ));
            }
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

// ---------------------------------------------------------------------------------------------
// Disclosure control

/// Ours against the shared example: "< 5" exactly where the data says so (primary suppression is
/// determined by the data), every published number equal, and "x" only where the example shows a
/// number or "x" (which further cells to hide has more than one right answer).
fn compare_view(ours: &Value, expected: &Value) {
    let tables = expected["tables"].as_object().expect("tables");
    assert_eq!(
        ours["tables"].as_object().map(|t| t.len()),
        Some(tables.len()),
        "{ours}"
    );
    for (name, exp) in tables {
        let got = &ours["tables"][name];
        assert_eq!(got["columns"], exp["columns"], "{name}");
        assert_eq!(
            got["primary_suppressed"], exp["primary_suppressed"],
            "{name}"
        );
        for group in ["by_organisation", "by_municipality"] {
            for (id, row) in exp[group].as_object().expect("rows") {
                for (col, e) in row.as_object().expect("cells") {
                    check_cell(
                        &got[group][id][col],
                        e,
                        &format!("{name} {group} {id} {col}"),
                    );
                }
            }
        }
        for (col, e) in exp["total"].as_object().expect("total") {
            check_cell(&got["total"][col], e, &format!("{name} total {col}"));
        }
    }
}

fn check_cell(got: &Value, expected: &Value, at: &str) {
    match (got.as_str(), expected.as_str()) {
        (Some("< 5"), e) => assert_eq!(e, Some("< 5"), "{at}: ours < 5, expected {expected}"),
        (_, Some("< 5")) => panic!("{at}: expected < 5, ours {got}"),
        (Some("x"), _) => {}
        (None, Some("x")) => {}
        (None, None) => assert_eq!(got, expected, "{at}"),
        _ => panic!("{at}: ours {got}, expected {expected}"),
    }
}

#[test]
fn the_coordinators_tables_of_the_mini_county_hide_what_the_example_hides() {
    let f = facts();
    let cases = [
        (Question::At(d("2021-01-01")), AT, "at"),
        (
            Question::Period {
                from: d("2020-01-01"),
                to: d("2020-12-31"),
            },
            PERIOD,
            "period",
        ),
        (Question::EndedUpTo(d("2021-03-01")), ENDED, "ended_so_far"),
    ];
    for (q, file, key) in cases {
        let expected: Value = serde_json::from_str(file).expect("json");
        let ours = serde_json::to_value(coordinator_view(&f, q)).expect("json");
        compare_view(&ours, &expected[key]["coordinator_view"]);
        attack_all(&ours, &f, q);
    }
}

/// A small deterministic pseudo-random sequence (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Random small counties: persons in one of a few organisations and municipalities (so the rows
/// add up to the totals, the strongest case for an attacker), adult or minor.
#[test]
fn no_hidden_cell_of_a_random_table_can_be_recomputed() {
    use disclosure::{Raw, protect};
    let mut rng = Lcg(7);
    for round in 0..200 {
        let (orgs, munis) = (1 + rng.next(3) as usize, 1 + rng.next(3) as usize);
        let n = rng.next(11) as usize;
        let mut org = vec![vec![0usize; 3]; orgs];
        let mut muni = vec![vec![0usize; 3]; munis];
        let mut total = vec![0usize; 3];
        for _ in 0..n {
            let (o, m, minor) = (
                rng.next(orgs as u64) as usize,
                rng.next(munis as u64) as usize,
                rng.next(3) == 0,
            );
            let c = usize::from(minor);
            for row in [&mut org[o], &mut muni[m], &mut total] {
                row[c] += 1;
                row[2] += 1;
            }
        }
        let raw = Raw {
            columns: vec!["adults", "minors", "total"],
            by_organisation: org
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("O{i}"), r.clone()))
                .collect(),
            by_municipality: muni
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("M{i}"), r.clone()))
                .collect(),
            total,
            row_relations: vec![vec![(0, 1), (1, 1), (2, -1)]],
        };
        let table = protect(&raw);
        let v = serde_json::to_value(&table).expect("json");
        attack(&v, &raw, &format!("round {round}: {v}"));
    }
}

/// Attacks every table of a coordinator's view with the raw counts behind it.
fn attack_all(view: &Value, f: &Facts, q: Question) {
    for (name, raw) in coordinator_raws(f, q) {
        let table = if name == super::PERIOD_PERSONS {
            merged(view, &super::PERIOD_PERSONS_TABLES)
        } else {
            view["tables"][name].clone()
        };
        attack(&table, &raw, name);
    }
}

/// The published tables protected together, as one table of `table.column` columns (what a
/// reader holding all of them knows).
fn merged(view: &Value, parts: &[&str]) -> Value {
    let mut out = serde_json::json!({"by_organisation": {}, "by_municipality": {}, "total": {}});
    for part in parts {
        let t = &view["tables"][part];
        for group in ["by_organisation", "by_municipality"] {
            for (id, row) in t[group].as_object().into_iter().flatten() {
                for (col, v) in row.as_object().into_iter().flatten() {
                    out[group][id][format!("{part}.{col}")] = v.clone();
                }
            }
        }
        for (col, v) in t["total"].as_object().into_iter().flatten() {
            out["total"][format!("{part}.{col}")] = v.clone();
        }
    }
    out
}

/// An independent attacker: enumerates every assignment of the hidden cells that agrees with what
/// is published ("< 5" is 1 to 4, "x" any count up to the number of persons) and with the
/// relations (rows: parts add up to the total; columns: rows add up to the total — assumed to hold
/// whenever the raw counts do), and fails if some hidden cell takes only one value.
fn attack(table: &Value, raw: &disclosure::Raw, what: &str) {
    let cols = raw.columns.len();
    let groups = [
        ("by_organisation", &raw.by_organisation),
        ("by_municipality", &raw.by_municipality),
    ];
    // Cells: (published value or range, raw value).
    let mut cells: Vec<(String, String, usize, Option<usize>, usize)> = Vec::new();
    let mut push = |group: &str, id: &str, row: &[usize], published: &Value| {
        for (c, col) in raw.columns.iter().enumerate() {
            let p = &published[*col];
            cells.push((
                group.into(),
                id.into(),
                c,
                p.as_u64().map(|n| n as usize),
                row[c],
            ));
        }
    };
    for (g, rows) in groups {
        for (id, row) in rows.iter() {
            push(g, id, row, &table[g][id]);
        }
    }
    push("total", "", &raw.total, &table["total"]);
    let bound = raw
        .total
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(cells.iter().map(|c| c.4).max().unwrap_or(0));
    let idx =
        |g: &str, id: &str, c: usize| cells.iter().position(|x| x.0 == g && x.1 == id && x.2 == c);
    let mut relations: Vec<Vec<(usize, i64)>> = Vec::new();
    for rel in &raw.row_relations {
        let rows = groups
            .iter()
            .flat_map(|(g, rows)| rows.iter().map(move |(id, row)| (*g, id.as_str(), row)))
            .chain([("total", "", &raw.total)]);
        for (g, id, row) in rows {
            if rel.iter().map(|(c, k)| k * row[*c] as i64).sum::<i64>() == 0 {
                relations.push(
                    rel.iter()
                        .filter_map(|(c, k)| idx(g, id, *c).map(|i| (i, *k)))
                        .collect(),
                );
            }
        }
    }
    for (g, rows) in groups {
        for c in 0..cols {
            let sum: usize = rows.iter().map(|(_, r)| r[c]).sum();
            let total_published = table["total"][raw.columns[c]].as_u64();
            let holds = if raw.total.iter().any(|t| *t > 0) || total_published.is_some() {
                sum == raw.total[c]
            } else {
                false
            };
            if !rows.is_empty() && holds {
                let mut eq: Vec<(usize, i64)> = rows
                    .iter()
                    .filter_map(|(id, _)| idx(g, id, c).map(|i| (i, 1)))
                    .collect();
                eq.extend(idx("total", "", c).map(|i| (i, -1)));
                relations.push(eq);
            }
        }
    }
    let hidden: Vec<usize> = (0..cells.len()).filter(|i| cells[*i].3.is_none()).collect();
    let range = |i: usize| -> (usize, usize) {
        let v = &table_value(table, &cells[i].0, &cells[i].1, raw.columns[cells[i].2]);
        if v.as_str() == Some("< 5") {
            (1, 4)
        } else {
            (0, bound)
        }
    };
    fn feasible(
        values: &[Option<usize>],
        relations: &[Vec<(usize, i64)>],
        ranges: &dyn Fn(usize) -> (usize, usize),
    ) -> bool {
        relations.iter().all(|eq| {
            let (mut lo, mut hi) = (0i64, 0i64);
            for (i, k) in eq {
                match values[*i] {
                    Some(v) => {
                        lo += k * v as i64;
                        hi += k * v as i64;
                    }
                    None => {
                        let (a, b) = ranges(*i);
                        let (x, y) = (k * a as i64, k * b as i64);
                        lo += x.min(y);
                        hi += x.max(y);
                    }
                }
            }
            lo <= 0 && 0 <= hi
        })
    }
    /// The ranges of the cells narrowed through the relations (None: no assignment fits).
    fn narrowed(
        values: &[Option<usize>],
        relations: &[Vec<(usize, i64)>],
        ranges: &dyn Fn(usize) -> (usize, usize),
    ) -> Option<Vec<(i64, i64)>> {
        let mut r: Vec<(i64, i64)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Some(v) => (*v as i64, *v as i64),
                None => {
                    let (a, b) = ranges(i);
                    (a as i64, b as i64)
                }
            })
            .collect();
        loop {
            let mut changed = false;
            for eq in relations {
                for (v, k) in eq {
                    let (mut lo, mut hi) = (0i64, 0i64);
                    for (i, c) in eq.iter().filter(|(i, _)| i != v) {
                        let (x, y) = (c * r[*i].0, c * r[*i].1);
                        lo += x.min(y);
                        hi += x.max(y);
                    }
                    // k·v = −rest, k is ±1.
                    let (a, b) = if *k > 0 { (-hi, -lo) } else { (lo, hi) };
                    if a > r[*v].0 {
                        r[*v].0 = a;
                        changed = true;
                    }
                    if b < r[*v].1 {
                        r[*v].1 = b;
                        changed = true;
                    }
                    if r[*v].0 > r[*v].1 {
                        return None;
                    }
                }
            }
            if !changed {
                return Some(r);
            }
        }
    }
    /// Whether the hidden cells can be completed so that everything published agrees: the
    /// narrowed ranges, then the open cell with the fewest values (nearest the truth first).
    fn solve(
        values: &mut Vec<Option<usize>>,
        relations: &[Vec<(usize, i64)>],
        ranges: &dyn Fn(usize) -> (usize, usize),
        truth: &[usize],
    ) -> bool {
        let Some(r) = narrowed(values, relations, ranges) else {
            return false;
        };
        let open = (0..values.len())
            .filter(|i| values[*i].is_none())
            .min_by_key(|i| r[*i].1 - r[*i].0);
        let Some(cell) = open else {
            return feasible(values, relations, ranges);
        };
        let mut candidates: Vec<usize> =
            (r[cell].0.max(0) as usize..=r[cell].1.max(0) as usize).collect();
        candidates.sort_by_key(|v| v.abs_diff(truth[cell]));
        for v in candidates {
            values[cell] = Some(v);
            if solve(values, relations, ranges, truth) {
                values[cell] = None;
                return true;
            }
        }
        values[cell] = None;
        false
    }
    let truth: Vec<usize> = cells.iter().map(|c| c.4).collect();
    let published: Vec<Option<usize>> = cells.iter().map(|c| c.3).collect();
    assert!(
        feasible(
            &truth.iter().map(|v| Some(*v)).collect::<Vec<_>>(),
            &relations,
            &range
        ),
        "{what}: the true counts must agree with what is published"
    );
    // Every hidden cell must be able to take a value other than its true one.
    for h in &hidden {
        let (a, b) = range(*h);
        let mut others: Vec<usize> = (a..=b).filter(|v| *v != truth[*h]).collect();
        others.sort_by_key(|v| v.abs_diff(truth[*h]));
        let found = others.into_iter().any(|v| {
            let mut values = published.clone();
            values[*h] = Some(v);
            solve(&mut values, &relations, &range, &truth)
        });
        assert!(
            found,
            "{what}: the hidden cell {} {} {} can be recomputed as {}",
            cells[*h].0, cells[*h].1, raw.columns[cells[*h].2], truth[*h]
        );
    }
}

fn table_value(table: &Value, group: &str, id: &str, col: &str) -> Value {
    if group == "total" {
        table["total"][col].clone()
    } else {
        table[group][id][col].clone()
    }
}

/// The database lists only the contact days the clock needs (`load::contact_days`: the last day
/// before the period, and of the period the first, the last and both ends of every gap longer than
/// the shortest allowance, the others marked near their predecessor). On random cases with pauses
/// the clock decides every case as it does with every day listed.
#[test]
fn the_contact_clock_decides_alike_on_every_day_and_on_the_days_the_database_lists() {
    let (from, to) = (d("2025-01-01"), d("2025-12-31"));
    let a = SETTINGS.contact_allowance;
    let near = i64::from(a.days_in_first_months.min(a.days_afterwards));
    let mut seed: u64 = 29;
    let mut rnd = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let (mut kept, mut failed, mut left_out) = (0, 0, 0);
    for i in 0..400 {
        let opened = d("2023-06-01") + chrono::Days::new(rnd(900));
        let mut pauses = Vec::new();
        if rnd(3) == 0 {
            let p = opened + chrono::Days::new(rnd(500));
            let until = (rnd(4) > 0).then(|| p + chrono::Days::new(1 + rnd(90)));
            pauses.push((p, until));
        }
        let mut days = Vec::new();
        let mut day = opened;
        loop {
            // Mostly close together, now and then a long gap.
            let step = if rnd(40) == 0 { 20 + rnd(60) } else { rnd(7) };
            day = day + chrono::Days::new(step);
            if day > d("2026-02-01") {
                break;
            }
            days.push(day);
        }
        days.dedup();
        let case = Case {
            id: format!("c{i}"),
            organisation: "o".into(),
            municipality: "m".into(),
            persons: Vec::new(),
            assignments: vec![("im".into(), opened)],
            opened_on: opened,
            status: "active".into(),
            pauses,
            closed_on: None,
            closure_reason: None,
        };
        let listed = |date: NaiveDate, near_previous: bool| ContactDay {
            case: case.id.clone(),
            date,
            near_previous,
        };
        let every: Vec<ContactDay> = days.iter().map(|x| listed(*x, false)).collect();
        // What the database's query lists.
        let mut few: Vec<ContactDay> = days
            .iter()
            .filter(|x| **x < from)
            .max()
            .map(|x| listed(*x, false))
            .into_iter()
            .collect();
        let inside: Vec<NaiveDate> = days
            .iter()
            .copied()
            .filter(|x| *x >= from && *x <= to)
            .collect();
        let needed = load::needed_days(&inside, near);
        left_out += inside.len() - needed.len();
        few.extend(needed.into_iter().map(|(x, n)| listed(x, n)));
        let decide = |contact_days: Vec<ContactDay>| {
            let f = Facts {
                cases: vec![case.clone()],
                contact_days,
                ..Facts::default()
            };
            contact_frequency(&f, &Scope::Total, from, to, &a)
        };
        let all = decide(every);
        assert_eq!(all, decide(few), "case {i}");
        if all.of == 1 {
            match all.count {
                1 => kept += 1,
                _ => failed += 1,
            }
        }
    }
    // The random cases test both outcomes, and the database's list leaves days out.
    assert!(kept > 20 && failed > 20, "kept {kept}, failed {failed}");
    assert!(left_out > 1000, "{left_out} days left out");
}
