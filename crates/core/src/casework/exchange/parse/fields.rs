//! Reading the fields of one object of an exchange file: typed getters that note a missing
//! field, a wrong type, an invalid date, a value outside its list or a reference that is dangling
//! or in the wrong order — by field name and id only.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::super::{Kind, Problem, Reason};
use super::{Known, problem};

/// Reading the fields of one object, collecting its problems.
pub(super) struct Fields<'a> {
    pub(super) no: usize,
    pub(super) kind: Kind,
    pub(super) id: &'a str,
    pub(super) obj: &'a Map<String, Value>,
    pub(super) used: HashSet<&'static str>,
    pub(super) problems: Vec<Problem>,
    pub(super) first: &'a HashMap<(Kind, String), usize>,
    pub(super) seen: &'a HashSet<(Kind, String)>,
    pub(super) known: &'a Known,
}

impl Fields<'_> {
    pub(super) fn bad(&mut self, reason: Reason) {
        self.problems
            .push(problem(self.no, Some(self.kind), Some(self.id), reason));
    }

    pub(super) fn get(&mut self, key: &'static str) -> Option<&Value> {
        self.used.insert(key);
        match self.obj.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    pub(super) fn opt_str(&mut self, key: &'static str) -> Option<String> {
        match self.get(key).cloned() {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                self.bad(Reason::NotAText { field: key.into() });
                None
            }
        }
    }

    pub(super) fn str(&mut self, key: &'static str) -> Option<String> {
        match self.opt_str(key) {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) => {
                self.bad(Reason::Empty { field: key.into() });
                None
            }
            None => {
                if self.obj.get(key).is_none_or(Value::is_null) {
                    self.bad(Reason::MissingField { field: key.into() });
                }
                None
            }
        }
    }

    pub(super) fn opt_text(&mut self, key: &'static str) -> Option<String> {
        self.opt_str(key).filter(|s| !s.trim().is_empty())
    }

    pub(super) fn date_of(&mut self, key: &str, v: &Value) -> Option<NaiveDate> {
        match v.as_str().map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d")) {
            Some(Ok(d)) => Some(d),
            _ => {
                self.bad(Reason::InvalidDate { field: key.into() });
                None
            }
        }
    }

    pub(super) fn opt_date(&mut self, key: &'static str) -> Option<NaiveDate> {
        let v = self.get(key).cloned()?;
        self.date_of(key, &v)
    }

    pub(super) fn date(&mut self, key: &'static str) -> Option<NaiveDate> {
        if self.obj.get(key).is_none_or(Value::is_null) {
            self.used.insert(key);
            self.bad(Reason::MissingField { field: key.into() });
            return None;
        }
        self.opt_date(key)
    }

    pub(super) fn check_list(&mut self, key: &str, value: &str, list: &[&str]) -> bool {
        if list.contains(&value) {
            true
        } else {
            self.bad(Reason::OutsideList { field: key.into() });
            false
        }
    }

    pub(super) fn opt_one_of(&mut self, key: &'static str, list: &[&str]) -> Option<String> {
        let s = self.opt_str(key)?;
        self.check_list(key, &s, list).then_some(s)
    }

    pub(super) fn one_of(&mut self, key: &'static str, list: &[&str]) -> Option<String> {
        let s = self.str(key)?;
        self.check_list(key, &s, list).then_some(s)
    }

    pub(super) fn bool(&mut self, key: &'static str) -> Option<bool> {
        match self.get(key).cloned() {
            Some(Value::Bool(b)) => Some(b),
            None => {
                self.bad(Reason::MissingField { field: key.into() });
                None
            }
            Some(_) => {
                self.bad(Reason::NotABool { field: key.into() });
                None
            }
        }
    }

    pub(super) fn array(&mut self, key: &'static str, required: bool) -> Vec<Value> {
        match self.get(key).cloned() {
            Some(Value::Array(a)) => a,
            None if required => {
                self.bad(Reason::MissingField { field: key.into() });
                Vec::new()
            }
            None => Vec::new(),
            Some(_) => {
                self.bad(Reason::NotAList { field: key.into() });
                Vec::new()
            }
        }
    }

    pub(super) fn strings(&mut self, key: &'static str, required: bool) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.array(key, required) {
            match v {
                Value::String(s) => out.push(s),
                _ => {
                    self.bad(Reason::EntryNotAText { field: key.into() });
                    return Vec::new();
                }
            }
        }
        out
    }

    /// Whether `id` of `kind` is there to refer to: on an earlier line, or imported before.
    pub(super) fn resolve(&mut self, key: &str, kind: Kind, id: &str) -> bool {
        let k = (kind, id.to_string());
        if self.seen.contains(&k) {
            return true;
        }
        if let Some(line) = self.first.get(&k) {
            if *line > self.no {
                self.bad(Reason::WrongOrder {
                    field: key.into(),
                    kind,
                    target: id.into(),
                    line: *line,
                });
            } else {
                // It appeared earlier but had problems of its own.
                self.bad(Reason::RefersToFaulty {
                    field: key.into(),
                    kind,
                    target: id.into(),
                    line: *line,
                });
            }
            return false;
        }
        if self.known.get(&kind).is_some_and(|s| s.contains(id)) {
            return true;
        }
        self.bad(Reason::Dangling {
            field: key.into(),
            kind,
            target: id.into(),
        });
        false
    }

    pub(super) fn reference(&mut self, key: &'static str, kind: Kind) -> Option<String> {
        let id = self.str(key)?;
        self.resolve(key, kind, &id).then_some(id)
    }

    pub(super) fn opt_reference(&mut self, key: &'static str, kind: Kind) -> Option<String> {
        let id = self.opt_str(key)?;
        self.resolve(key, kind, &id).then_some(id)
    }

    pub(super) fn references(
        &mut self,
        key: &'static str,
        kind: Kind,
        required: bool,
    ) -> Vec<String> {
        let ids = self.strings(key, required);
        let mut ok = true;
        for id in &ids {
            ok &= self.resolve(key, kind, id);
        }
        if ok { ids } else { Vec::new() }
    }
}
