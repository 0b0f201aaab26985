//! Disclosure control for roles without person-level access (`figures.md`): cells counting 1–4
//! persons show "< 5"; further cells are hidden ("x") until no hidden cell can be recomputed from
//! the relations a reader knows — a row's parts and its total (adults + minors = total), and a
//! column's rows and its total wherever the rows happen to add up to it (persons in one
//! organisation only) — nor pinned by the bounds of "< 5" (1 to 4).
//!
//! Recomputation is checked exactly: a hidden cell is recomputable when its unit vector lies in the
//! row space of the relations restricted to the hidden cells (Gaussian elimination), or when the
//! ranges ("< 5" is 1 to 4, "x" at least 0) narrowed through the relations close on one value; in
//! small tables (up to 40 persons) also by an exact search over every completion of the hidden
//! cells.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::pct;

/// The smallest count of persons published as a number (besides 0).
pub const MIN_CELL: usize = 5;

/// A published cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Count(usize),
    /// 1 to 4 persons.
    Small,
    /// Hidden so that no other cell can be recomputed.
    Hidden,
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Count(n) => s.serialize_u64(*n as u64),
            Cell::Small => s.serialize_str("< 5"),
            Cell::Hidden => s.serialize_str("x"),
        }
    }
}

/// A published share: the percentage, or hidden.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ShareCell {
    Pct(Option<f64>),
    Hidden,
}

impl Serialize for ShareCell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ShareCell::Pct(Some(p)) => s.serialize_f64(*p),
            ShareCell::Pct(None) => s.serialize_none(),
            ShareCell::Hidden => s.serialize_str("x"),
        }
    }
}

pub type Rows<T> = BTreeMap<String, BTreeMap<String, T>>;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shares {
    pub by_organisation: Rows<ShareCell>,
    pub by_municipality: Rows<ShareCell>,
    pub total: BTreeMap<String, ShareCell>,
}

/// A table as a coordinator sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub primary_suppressed: usize,
    pub secondary_suppressed: usize,
    pub by_organisation: Rows<Cell>,
    pub by_municipality: Rows<Cell>,
    pub total: BTreeMap<String, Cell>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shares_pct: Option<Shares>,
    /// The columns of the cells hidden although they count 0 or at least 5 (one entry per cell;
    /// for [`Table::part`]).
    #[serde(skip)]
    pub hidden_counts: Vec<String>,
}

/// The counts of a table before protection.
#[derive(Clone, Debug, Default)]
pub struct Raw {
    pub columns: Vec<&'static str>,
    /// (organisation id, counts by column).
    pub by_organisation: Vec<(String, Vec<usize>)>,
    /// (AGS, counts by column).
    pub by_municipality: Vec<(String, Vec<usize>)>,
    pub total: Vec<usize>,
    /// Relations between the columns of a row, as (column, coefficient) lists summing to 0 (e.g.
    /// adults + minors − total). Each is a relation a reader knows for every row where the counts
    /// satisfy it.
    pub row_relations: Vec<Vec<(usize, i64)>>,
}

impl Raw {
    /// The columns of this raw whose names start with `prefix` (a table combined for joint
    /// protection), under their names without it; relations are not carried over.
    pub fn part(&self, prefix: &str) -> Raw {
        let cols: Vec<usize> = (0..self.columns.len())
            .filter(|c| self.columns[*c].starts_with(prefix))
            .collect();
        let pick = |row: &Vec<usize>| cols.iter().map(|c| row[*c]).collect::<Vec<usize>>();
        Raw {
            columns: cols
                .iter()
                .map(|c| &self.columns[*c][prefix.len()..])
                .collect(),
            by_organisation: self
                .by_organisation
                .iter()
                .map(|(id, r)| (id.clone(), pick(r)))
                .collect(),
            by_municipality: self
                .by_municipality
                .iter()
                .map(|(id, r)| (id.clone(), pick(r)))
                .collect(),
            total: pick(&self.total),
            row_relations: Vec::new(),
        }
    }
}

impl Table {
    /// The columns of a table protected jointly with others whose names start with `prefix`,
    /// under their names without it.
    pub fn part(&self, prefix: &str) -> Table {
        let pick = |row: &BTreeMap<String, Cell>| -> BTreeMap<String, Cell> {
            row.iter()
                .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.to_string(), *v)))
                .collect()
        };
        let rows = |rows: &Rows<Cell>| -> Rows<Cell> {
            rows.iter().map(|(id, r)| (id.clone(), pick(r))).collect()
        };
        let by_organisation = rows(&self.by_organisation);
        let by_municipality = rows(&self.by_municipality);
        let total = pick(&self.total);
        let all = || {
            by_organisation
                .values()
                .chain(by_municipality.values())
                .chain([&total])
                .flat_map(|r| r.values())
        };
        Table {
            columns: self
                .columns
                .iter()
                .filter_map(|c| c.strip_prefix(prefix).map(str::to_string))
                .collect(),
            primary_suppressed: all().filter(|c| **c == Cell::Small).count(),
            secondary_suppressed: self
                .hidden_counts
                .iter()
                .filter(|c| c.starts_with(prefix))
                .count(),
            hidden_counts: Vec::new(),
            by_organisation: by_organisation.clone(),
            by_municipality: by_municipality.clone(),
            total: total.clone(),
            shares_pct: None,
        }
    }
}

/// Where a cell is: group (0 organisations, 1 municipalities, 2 total), row, column.
type At = (usize, usize, usize);

/// Protects a table: primary and secondary suppression.
pub fn protect(raw: &Raw) -> Table {
    let groups: [Vec<Vec<usize>>; 3] = [
        raw.by_organisation.iter().map(|(_, v)| v.clone()).collect(),
        raw.by_municipality.iter().map(|(_, v)| v.clone()).collect(),
        vec![raw.total.clone()],
    ];
    let mut cells: Vec<(At, usize, Cell)> = Vec::new();
    for (g, rows) in groups.iter().enumerate() {
        for (r, row) in rows.iter().enumerate() {
            for (c, n) in row.iter().enumerate() {
                let cell = if (1..MIN_CELL).contains(n) {
                    Cell::Small
                } else {
                    Cell::Count(*n)
                };
                cells.push(((g, r, c), *n, cell));
            }
        }
    }
    let index = |at: At| cells.iter().position(|(a, _, _)| *a == at);
    // The relations a reader knows, as (cell, coefficient) lists summing to 0.
    let mut relations: Vec<Vec<(usize, f64)>> = Vec::new();
    for rel in &raw.row_relations {
        for (g, rows) in groups.iter().enumerate() {
            for (r, row) in rows.iter().enumerate() {
                let holds = rel.iter().map(|(c, k)| k * row[*c] as i64).sum::<i64>() == 0;
                if holds {
                    relations.push(
                        rel.iter()
                            .filter_map(|(c, k)| index((g, r, *c)).map(|i| (i, *k as f64)))
                            .collect(),
                    );
                }
            }
        }
    }
    for (g, rows) in groups.iter().enumerate().take(2) {
        for c in 0..raw.columns.len() {
            let sum: usize = rows.iter().map(|row| row[c]).sum();
            if !rows.is_empty() && sum == raw.total[c] {
                let mut eq: Vec<(usize, f64)> = (0..rows.len())
                    .filter_map(|r| index((g, r, c)).map(|i| (i, 1.0)))
                    .collect();
                if let Some(i) = index((2, 0, c)) {
                    eq.push((i, -1.0));
                }
                relations.push(eq);
            }
        }
    }

    // Hide further cells until nothing hidden can be recomputed.
    loop {
        let hidden: Vec<bool> = cells
            .iter()
            .map(|(_, _, c)| !matches!(c, Cell::Count(_)))
            .collect();
        let exposed = exposed(&cells, &relations, &hidden);
        let Some(victim) = exposed else { break };
        // Hide the smallest published cell of a relation through which the exposed cell leaks.
        let candidate = relations
            .iter()
            .filter(|eq| eq.iter().any(|(i, _)| *i == victim))
            .flat_map(|eq| eq.iter().map(|(i, _)| *i))
            .filter(|i| matches!(cells[*i].2, Cell::Count(_)))
            .min_by_key(|i| (cells[*i].1 == 0, cells[*i].1, *i))
            .or_else(|| {
                // Leaks through a combination: any published cell of any relation with a hidden cell.
                relations
                    .iter()
                    .filter(|eq| eq.iter().any(|(i, _)| hidden[*i]))
                    .flat_map(|eq| eq.iter().map(|(i, _)| *i))
                    .filter(|i| matches!(cells[*i].2, Cell::Count(_)))
                    .min_by_key(|i| (cells[*i].1 == 0, cells[*i].1, *i))
            });
        // Nothing published left to hide there: a "< 5" of that relation becomes "x" (its
        // range widens from 1–4 to any count), a cell of the total row first.
        let candidate = candidate.or_else(|| {
            let small = |i: &usize| cells[*i].2 == Cell::Small;
            relations
                .iter()
                .filter(|eq| eq.iter().any(|(i, _)| *i == victim))
                .flat_map(|eq| eq.iter().map(|(i, _)| *i))
                .filter(small)
                .max_by_key(|i| (cells[*i].0.0, *i))
                .or_else(|| {
                    (0..cells.len())
                        .filter(small)
                        .max_by_key(|i| (cells[*i].0.0, *i))
                })
        });
        match candidate {
            Some(i) => cells[i].2 = Cell::Hidden,
            None => break,
        }
    }

    let name = |c: usize| raw.columns[c].to_string();
    let mut table = Table {
        columns: raw.columns.iter().map(|c| c.to_string()).collect(),
        primary_suppressed: cells
            .iter()
            .filter(|c| (1..MIN_CELL).contains(&c.1))
            .count(),
        secondary_suppressed: cells
            .iter()
            .filter(|c| c.2 == Cell::Hidden && !(1..MIN_CELL).contains(&c.1))
            .count(),
        by_organisation: BTreeMap::new(),
        by_municipality: BTreeMap::new(),
        total: BTreeMap::new(),
        shares_pct: None,
        hidden_counts: cells
            .iter()
            .filter(|c| c.2 == Cell::Hidden && !(1..MIN_CELL).contains(&c.1))
            .map(|((_, _, c), _, _)| name(*c))
            .collect(),
    };
    for ((g, r, c), _, cell) in &cells {
        let row = match g {
            0 => table
                .by_organisation
                .entry(raw.by_organisation[*r].0.clone())
                .or_default(),
            1 => table
                .by_municipality
                .entry(raw.by_municipality[*r].0.clone())
                .or_default(),
            _ => &mut table.total,
        };
        row.insert(name(*c), *cell);
    }
    table
}

/// A hidden cell a reader can recompute, if any.
fn exposed(
    cells: &[(At, usize, Cell)],
    relations: &[Vec<(usize, f64)>],
    hidden: &[bool],
) -> Option<usize> {
    let vars: Vec<usize> = (0..cells.len()).filter(|i| hidden[*i]).collect();
    if vars.is_empty() {
        return None;
    }
    // Bounds: "< 5" is 1 to 4, a hidden count at least 0. The ranges are narrowed through the
    // relations until nothing changes; a hidden cell whose range closes to one value is pinned.
    let mut lo: Vec<f64> = Vec::with_capacity(cells.len());
    let mut hi: Vec<f64> = Vec::with_capacity(cells.len());
    for (i, (_, n, c)) in cells.iter().enumerate() {
        let (a, b) = match c {
            _ if !hidden[i] => (*n as f64, *n as f64),
            Cell::Small => (1.0, (MIN_CELL - 1) as f64),
            _ => (0.0, f64::INFINITY),
        };
        lo.push(a);
        hi.push(b);
    }
    for _ in 0..64 {
        let mut changed = false;
        for eq in relations {
            for (v, k) in eq.iter().filter(|(i, _)| hidden[*i]) {
                // k·v = −(the rest).
                let (mut rlo, mut rhi) = (0.0, 0.0);
                for (i, c) in eq.iter().filter(|(i, _)| i != v) {
                    let (x, y) = (c * lo[*i], c * hi[*i]);
                    rlo += x.min(y);
                    rhi += x.max(y);
                }
                let (a, b) = ((-rhi) / k, (-rlo) / k);
                let (a, b) = (a.min(b), a.max(b));
                let (a, b) = ((a - 1e-9).ceil(), (b + 1e-9).floor());
                if a > lo[*v] {
                    lo[*v] = a;
                    changed = true;
                }
                if b < hi[*v] {
                    hi[*v] = b;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    if let Some(v) = vars.iter().find(|v| (hi[**v] - lo[**v]).abs() < 1e-9) {
        return Some(*v);
    }
    // Exact: reduce the relations over the hidden cells; a reduced row with one entry pins it.
    let mut m: Vec<Vec<f64>> = relations
        .iter()
        .map(|eq| {
            vars.iter()
                .map(|v| eq.iter().filter(|(i, _)| i == v).map(|(_, k)| *k).sum())
                .collect()
        })
        .collect();
    let (rows, cols) = (m.len(), vars.len());
    let mut pivot_row = 0;
    for col in 0..cols {
        let Some(p) = (pivot_row..rows).find(|r| m[*r][col].abs() > 1e-9) else {
            continue;
        };
        m.swap(pivot_row, p);
        let lead = m[pivot_row][col];
        for x in m[pivot_row].iter_mut() {
            *x /= lead;
        }
        let pivot = m[pivot_row].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != pivot_row && row[col].abs() > 1e-9 {
                let f = row[col];
                for (x, p) in row.iter_mut().zip(&pivot) {
                    *x -= f * p;
                }
            }
        }
        pivot_row += 1;
    }
    let pinned = m.iter().find_map(|row| {
        let nz: Vec<usize> = (0..cols).filter(|c| row[*c].abs() > 1e-9).collect();
        (nz.len() == 1).then(|| vars[nz[0]])
    });
    if pinned.is_some() {
        return pinned;
    }
    // In a small table the bounds of several relations together can pin a cell that neither the
    // ranges nor the elimination above see: search exactly whether each hidden cell could take
    // another value.
    let persons = cells.iter().map(|(_, n, _)| *n).max().unwrap_or(0);
    if persons <= EXACT_UP_TO {
        return exact_exposed(cells, relations, hidden, persons);
    }
    None
}

/// Tables counting at most this many persons are checked exactly (by search) as well.
const EXACT_UP_TO: usize = 40;

/// The search of [`exposed`] in a small table: a hidden cell is exposed when no assignment of the
/// hidden cells (a "< 5" 1 to 4, any other 0 to the largest count) agrees with every relation and
/// gives it a value other than its own. A search that runs out of steps counts as exposed (hiding
/// more is the safe side).
fn exact_exposed(
    cells: &[(At, usize, Cell)],
    relations: &[Vec<(usize, f64)>],
    hidden: &[bool],
    persons: usize,
) -> Option<usize> {
    let relations: Vec<Vec<(usize, i64)>> = relations
        .iter()
        .map(|eq| eq.iter().map(|(i, k)| (*i, k.round() as i64)).collect())
        .collect();
    let start: Vec<(i64, i64)> = cells
        .iter()
        .enumerate()
        .map(|(i, (_, n, c))| match c {
            _ if !hidden[i] => (*n as i64, *n as i64),
            Cell::Small => (1, (MIN_CELL - 1) as i64),
            _ => (0, persons as i64),
        })
        .collect();
    (0..cells.len()).filter(|i| hidden[*i]).find(|v| {
        let own = cells[*v].1 as i64;
        let (lo, hi) = start[*v];
        let mut budget = 50_000usize;
        let mut other = |range: (i64, i64)| {
            if range.0 > range.1 {
                return Some(false);
            }
            let mut r = start.clone();
            r[*v] = range;
            fits(r, &relations, &mut budget)
        };
        // Exposed unless some other value fits (an exhausted search counts as exposed).
        let below = other((lo, own - 1));
        below != Some(true) && other((own + 1, hi)) != Some(true)
    })
}

/// Integer ranges narrowed through the relations until nothing changes; None when they close.
fn narrow(mut r: Vec<(i64, i64)>, relations: &[Vec<(usize, i64)>]) -> Option<Vec<(i64, i64)>> {
    loop {
        let mut changed = false;
        for eq in relations {
            for (v, k) in eq {
                // k·v = −(the rest).
                let (mut lo, mut hi) = (0i64, 0i64);
                for (i, c) in eq.iter().filter(|(i, _)| i != v) {
                    let (x, y) = (c * r[*i].0, c * r[*i].1);
                    lo += x.min(y);
                    hi += x.max(y);
                }
                let (a, b) = if *k > 0 { (-hi, -lo) } else { (lo, hi) };
                let k = k.abs();
                let (a, b) = (
                    a.div_euclid(k) + i64::from(a.rem_euclid(k) != 0),
                    b.div_euclid(k),
                );
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

/// Whether an assignment within the ranges satisfies every relation (None: out of steps).
fn fits(r: Vec<(i64, i64)>, relations: &[Vec<(usize, i64)>], budget: &mut usize) -> Option<bool> {
    if *budget == 0 {
        return None;
    }
    *budget -= 1;
    let Some(r) = narrow(r, relations) else {
        return Some(false);
    };
    let open = (0..r.len())
        .filter(|i| r[*i].0 < r[*i].1)
        .min_by_key(|i| r[*i].1 - r[*i].0);
    let Some(cell) = open else {
        return Some(true);
    };
    for value in r[cell].0..=r[cell].1 {
        let mut next = r.clone();
        next[cell] = (value, value);
        if fits(next, relations, budget)? {
            return Some(true);
        }
    }
    Some(false)
}

/// The shares of `numerators` (columns of `table`) in a denominator per row (with whether that
/// denominator is published as a number): published only where both are numbers, since a share
/// of a hidden count would reveal it.
pub fn shares(
    table: &Table,
    numerators: &[&str],
    denominator: impl Fn(Group, &str) -> Option<(usize, bool)>,
) -> Shares {
    let row = |group: Group, id: &str, cells: &BTreeMap<String, Cell>| {
        numerators
            .iter()
            .map(|col| {
                let share = match (cells.get(*col), denominator(group, id)) {
                    (Some(Cell::Count(n)), Some((d, true))) => ShareCell::Pct(pct(*n, d)),
                    _ => ShareCell::Hidden,
                };
                (col.to_string(), share)
            })
            .collect::<BTreeMap<String, ShareCell>>()
    };
    Shares {
        by_organisation: table
            .by_organisation
            .iter()
            .map(|(id, cells)| (id.clone(), row(Group::Organisation, id, cells)))
            .collect(),
        by_municipality: table
            .by_municipality
            .iter()
            .map(|(id, cells)| (id.clone(), row(Group::Municipality, id, cells)))
            .collect(),
        total: row(Group::Total, "", &table.total),
    }
}

/// The rows of a coordinator's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Organisation,
    Municipality,
    Total,
}

impl Table {
    /// A cell of a row: (value published as a number?) for shares of other tables.
    pub fn cell(&self, group: Group, id: &str, column: &str) -> Option<Cell> {
        match group {
            Group::Organisation => self.by_organisation.get(id)?.get(column).copied(),
            Group::Municipality => self.by_municipality.get(id)?.get(column).copied(),
            Group::Total => self.total.get(column).copied(),
        }
    }
}
