//! Reading each kind of object of an exchange file into its checked form.

use chrono::Datelike;
use serde_json::{Map, Value};

use super::super::{Kind, Reason};
use super::fields::Fields;
use super::{Case, FIELDS, Obj, Person};
use crate::kernel::catalog::{
    CaseStatus, ChildcarePlace, ClosureReason, ConsentForm, ContactKind, CourseType, DataCategory,
    EmploymentType, GermanLevel, GoalStatus, HealthInsurance, HouseholdRelation, InterpreterType,
    LanguageLevel, RecipientCategory, Sex, StepOwner, TargetGroup,
};
use crate::kernel::types::{OrgKind, Role};

const REFERRAL_RESULTS: &[&str] = &["pending", "taken_up", "not_taken_up", "completed"];

impl Fields<'_> {
    pub(super) fn object(&mut self) -> Option<Obj> {
        let before = self.problems.len();
        let obj = match self.kind {
            Kind::Municipality => self.municipality(),
            Kind::Organisation => self.organisation(),
            Kind::Team => Some(Obj::Team {
                organisation: self
                    .reference("organisation", Kind::Organisation)
                    .unwrap_or_default(),
                name: self.str("name").unwrap_or_default(),
            }),
            Kind::Staff => self.staff(),
            Kind::Household => Some(Obj::Household {
                municipality: self
                    .reference("municipality", Kind::Municipality)
                    .unwrap_or_default(),
            }),
            Kind::Person => self.person(),
            Kind::Consent => Some(Obj::Consent {
                person: self.reference("person", Kind::Person).unwrap_or_default(),
                text_version: self.str("text_version").unwrap_or_default(),
                language: self.str("language").unwrap_or_default(),
                given_on: self.date("given_on").unwrap_or_default(),
                form: self
                    .one_of("form", &names(ConsentForm::ALL.iter().map(|v| v.as_str())))
                    .unwrap_or_default(),
                withdrawn_on: self.opt_date("withdrawn_on"),
            }),
            Kind::Release => self.release(),
            Kind::Case => self.case(),
            Kind::Goal => self.goal(),
            Kind::Step => Some(Obj::Step {
                goal: self.reference("goal", Kind::Goal).unwrap_or_default(),
                text: self.str("text").unwrap_or_default(),
                owner: self
                    .one_of("owner", &names(StepOwner::ALL.iter().map(|v| v.as_str())))
                    .unwrap_or_default(),
                third_party: self.opt_text("third_party"),
                due_on: self.opt_date("due_on"),
                done_on: self.opt_date("done_on"),
            }),
            Kind::Review => Some(Obj::Review {
                case: self.reference("case", Kind::Case).unwrap_or_default(),
                held_on: self.date("held_on").unwrap_or_default(),
                participants: self.opt_text("participants"),
                summary: self.opt_text("summary"),
            }),
            Kind::Contact => self.contact(),
            Kind::Outcome => self.outcome(),
            Kind::Referral => self.referral(),
        };
        (self.problems.len() == before).then_some(obj).flatten()
    }

    fn municipality(&mut self) -> Option<Obj> {
        if !(self.id.len() == 8 && self.id.bytes().all(|b| b.is_ascii_digit())) {
            self.bad(Reason::NotAnAgs { field: "id".into() });
        }
        Some(Obj::Municipality {
            name: self.str("name").unwrap_or_default(),
        })
    }

    fn organisation(&mut self) -> Option<Obj> {
        let name = self.str("name").unwrap_or_default();
        let kind = self
            .one_of("type", &names(OrgKind::ALL.iter().map(|v| v.as_str())))
            .unwrap_or_default();
        let municipality = self.opt_reference("municipality", Kind::Municipality);
        if kind == "municipality" && municipality.is_none() && self.problems.is_empty() {
            self.bad(Reason::MunicipalityRequired);
        }
        Some(Obj::Organisation {
            name,
            kind,
            municipality,
        })
    }

    fn staff(&mut self) -> Option<Obj> {
        let organisation = self
            .reference("organisation", Kind::Organisation)
            .unwrap_or_default();
        let team = self.opt_reference("team", Kind::Team);
        let display_name = self.str("display_name").unwrap_or_default();
        let roles = self.strings("roles", true);
        let allowed = names(Role::ALL.iter().map(|v| v.as_str()));
        for r in &roles {
            if !allowed.contains(&r.as_str()) {
                self.bad(Reason::OutsideList {
                    field: "roles".into(),
                });
                break;
            }
        }
        let municipalities = self.references("municipalities", Kind::Municipality, true);
        let fte = match self.get("fte").cloned() {
            None => None,
            Some(v) => match v.as_f64() {
                Some(x) if (0.0..=1.0).contains(&x) => Some(x),
                _ => {
                    self.bad(Reason::OutOfRange {
                        field: "fte".into(),
                        min: 0,
                        max: 1,
                    });
                    None
                }
            },
        };
        Some(Obj::Staff {
            organisation,
            team,
            display_name,
            roles,
            municipalities,
            fte,
        })
    }

    fn person(&mut self) -> Option<Obj> {
        let household = self.opt_reference("household", Kind::Household);
        let relation = self.opt_one_of(
            "relation",
            &names(HouseholdRelation::ALL.iter().map(|v| v.as_str())),
        );
        let given_name = self.str("given_name").unwrap_or_default();
        let family_name = self.str("family_name").unwrap_or_default();
        let name_original = self.opt_text("name_original");
        let birth_date = self.opt_date("birth_date");
        let birth_year = match self.get("birth_year").cloned() {
            None => None,
            Some(v) => match v.as_i64() {
                Some(y) if (1900..=2100).contains(&y) => i32::try_from(y).ok(),
                _ => {
                    self.bad(Reason::OutOfRange {
                        field: "birth_year".into(),
                        min: 1900,
                        max: 2100,
                    });
                    None
                }
            },
        };
        let birth_year = match (birth_date, birth_year) {
            (Some(d), _) => d.year(),
            (None, Some(y)) => y,
            (None, None) => {
                if self.problems.is_empty() {
                    self.bad(Reason::BirthRequired);
                }
                0
            }
        };
        let sex = self.opt_one_of("sex", &names(Sex::ALL.iter().map(|v| v.as_str())));
        let nationality = self.opt_str("nationality");
        if let Some(n) = &nationality
            && !(n.len() == 3 && n.bytes().all(|b| b.is_ascii_uppercase()))
        {
            self.bad(Reason::NotACountryCode {
                field: "nationality".into(),
            });
        }
        let mut languages = Vec::new();
        let levels = names(LanguageLevel::ALL.iter().map(|v| v.as_str()));
        for v in self.array("languages", false) {
            let code = v.get("code").and_then(Value::as_str).unwrap_or_default();
            let level = v.get("level").and_then(Value::as_str).unwrap_or_default();
            let code_ok =
                (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
            if !code_ok {
                self.bad(Reason::NotALanguageCode {
                    field: "languages".into(),
                });
            } else if !levels.contains(&level) {
                self.bad(Reason::OutsideList {
                    field: "languages.level".into(),
                });
            } else {
                languages.push(serde_json::json!({"code": code, "level": level}));
            }
        }
        let languages = (!languages.is_empty())
            .then(|| serde_json::to_string(&languages).ok())
            .flatten();
        let german_level = self.opt_one_of(
            "german_level",
            &names(GermanLevel::ALL.iter().map(|v| v.as_str())),
        );
        let school = self.opt_text("school");
        let vocational = self.opt_text("vocational");
        let profession = self.opt_text("profession");
        let interests = self.opt_text("interests");
        let (residence_status, residence_valid_until, residence_basis) =
            match self.get("residence").cloned() {
                None => (None, None, None),
                Some(Value::Object(r)) => {
                    let status = r.get("status").and_then(Value::as_str).map(str::to_string);
                    if status.is_none() {
                        self.bad(Reason::MissingField {
                            field: "residence.status".into(),
                        });
                    }
                    let until = match r.get("valid_until") {
                        None | Some(Value::Null) => None,
                        Some(v) => self.date_of("residence.valid_until", v),
                    };
                    let basis = r
                        .get("basis")
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|b| !b.is_empty())
                        .map(str::to_string);
                    (status, until, basis)
                }
                Some(_) => {
                    self.bad(Reason::NotAnObject {
                        field: "residence".into(),
                    });
                    (None, None, None)
                }
            };
        let entry_date = self.opt_date("entry_date");
        let health_insurance = self.opt_one_of(
            "health_insurance",
            &names(HealthInsurance::ALL.iter().map(|v| v.as_str())),
        );
        let health_insurer = self.opt_text("health_insurer");
        let au_move_in = self.opt_date("au_move_in");
        let target_group = self.opt_one_of(
            "target_group",
            &names(TargetGroup::ALL.iter().map(|v| v.as_str())),
        );
        Some(Obj::Person(Box::new(Person {
            household,
            relation,
            given_name,
            family_name,
            name_original,
            birth_date,
            birth_year,
            sex,
            nationality,
            languages,
            german_level,
            school,
            vocational,
            profession,
            interests,
            residence_status,
            residence_valid_until,
            residence_basis,
            entry_date,
            health_insurance,
            health_insurer,
            au_move_in,
            target_group,
        })))
    }

    fn release(&mut self) -> Option<Obj> {
        let person = self.reference("person", Kind::Person).unwrap_or_default();
        let (recipient_name, recipient_category) = match self.get("recipient").cloned() {
            Some(Value::Object(r)) => {
                let name = r
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_string);
                if name.is_none() {
                    self.bad(Reason::MissingField {
                        field: "recipient.name".into(),
                    });
                }
                let category = r
                    .get("category")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let Some(c) = &category {
                    let list = names(RecipientCategory::ALL.iter().map(|v| v.as_str()));
                    self.check_list("recipient.category", c, &list);
                }
                (name.unwrap_or_default(), category)
            }
            None => {
                self.bad(Reason::MissingField {
                    field: "recipient".into(),
                });
                (String::new(), None)
            }
            Some(_) => {
                self.bad(Reason::NotAnObject {
                    field: "recipient".into(),
                });
                (String::new(), None)
            }
        };
        let data_categories = self.strings("data_categories", true);
        let list = names(DataCategory::ALL.iter().map(|v| v.as_str()));
        for c in &data_categories {
            if !self.check_list("data_categories", c, &list) {
                break;
            }
        }
        Some(Obj::Release {
            person,
            recipient_name,
            recipient_category,
            data_categories,
            purpose: self.str("purpose").unwrap_or_default(),
            valid_from: self.date("valid_from").unwrap_or_default(),
            valid_until: self.opt_date("valid_until"),
            mutual: self.bool("mutual").unwrap_or_default(),
            revoked_on: self.opt_date("revoked_on"),
        })
    }

    fn dated_entries(&mut self, key: &'static str, first: &'static str) -> Vec<Map<String, Value>> {
        let mut out = Vec::new();
        for v in self.array(key, false) {
            match v {
                Value::Object(m) => {
                    if m.get(first).is_none_or(Value::is_null) {
                        self.bad(Reason::MissingField {
                            field: format!("{key}.{first}"),
                        });
                    }
                    out.push(m);
                }
                _ => self.bad(Reason::EntryNotAnObject { field: key.into() }),
            }
        }
        out
    }

    fn case(&mut self) -> Option<Obj> {
        let organisation = self
            .reference("organisation", Kind::Organisation)
            .unwrap_or_default();
        let municipality = self
            .reference("municipality", Kind::Municipality)
            .unwrap_or_default();
        let assigned_to = self
            .reference("assigned_to", Kind::Staff)
            .unwrap_or_default();
        let persons = self.references("persons", Kind::Person, true);
        if persons.is_empty() && self.problems.is_empty() {
            self.bad(Reason::Empty {
                field: "persons".into(),
            });
        }
        let opened_on = self.date("opened_on").unwrap_or_default();
        let mut assignments = Vec::new();
        for a in self.dated_entries("assignments", "staff") {
            let staff = a
                .get("staff")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let from = match a.get("from") {
                Some(v) => self.date_of("assignments.from", v),
                None => {
                    self.bad(Reason::MissingField {
                        field: "assignments.from".into(),
                    });
                    None
                }
            };
            if !staff.is_empty()
                && self.resolve("assignments.staff", Kind::Staff, &staff)
                && let Some(from) = from
            {
                assignments.push((staff, from));
            }
        }
        if assignments.is_empty() {
            assignments.push((assigned_to.clone(), opened_on));
        } else if assignments.windows(2).any(|w| w[0].1 > w[1].1) {
            self.bad(Reason::NotOldestFirst {
                field: "assignments".into(),
            });
        }
        let status = self
            .one_of("status", &names(CaseStatus::ALL.iter().map(|v| v.as_str())))
            .unwrap_or_default();
        let mut pauses = Vec::new();
        for p in self.dated_entries("pauses", "from") {
            let from = p.get("from").and_then(|v| self.date_of("pauses.from", v));
            let until = match p.get("until") {
                None | Some(Value::Null) => None,
                Some(v) => self.date_of("pauses.until", v),
            };
            if let Some(from) = from {
                pauses.push((from, until));
            }
        }
        let extended_until = self.opt_date("extended_until");
        let extension_reason = self.opt_text("extension_reason");
        let closed_on = self.opt_date("closed_on");
        let closure_reason = self.opt_one_of(
            "closure_reason",
            &names(ClosureReason::ALL.iter().map(|v| v.as_str())),
        );
        let closure_note = self.opt_text("closure_note");
        if status == "closed" && closed_on.is_none() && self.problems.is_empty() {
            self.bad(Reason::CaseClosedOnRequired);
        }
        if let Some(c) = closed_on
            && c < opened_on
        {
            self.bad(Reason::Before {
                field: "closed_on".into(),
                other: "opened_on".into(),
            });
        }
        Some(Obj::Case(Box::new(Case {
            organisation,
            municipality,
            assigned_to,
            persons,
            assignments,
            opened_on,
            status,
            pauses,
            extended_until,
            extension_reason,
            closed_on,
            closure_reason,
            closure_note,
        })))
    }

    fn goal(&mut self) -> Option<Obj> {
        let case = self.reference("case", Kind::Case).unwrap_or_default();
        let person = self.opt_reference("person", Kind::Person);
        let field = self.one_of("field", FIELDS).unwrap_or_default();
        let text = self.str("text").unwrap_or_default();
        let priority = match self.get("priority").cloned() {
            None => None,
            Some(v) => match v.as_i64() {
                Some(p @ 1..=3) => i32::try_from(p).ok(),
                _ => {
                    self.bad(Reason::OutOfRange {
                        field: "priority".into(),
                        min: 1,
                        max: 3,
                    });
                    None
                }
            },
        };
        let target_date = self.opt_date("target_date");
        let status = self
            .one_of("status", &names(GoalStatus::ALL.iter().map(|v| v.as_str())))
            .unwrap_or_default();
        let status_reason = self.opt_text("status_reason");
        let created_on = self.date("created_on").unwrap_or_default();
        let closed_on = self.opt_date("closed_on");
        let closes = GoalStatus::parse(&status).is_ok_and(GoalStatus::is_closed);
        if closes && closed_on.is_none() && self.problems.is_empty() {
            self.bad(Reason::GoalClosedOnRequired);
        }
        Some(Obj::Goal {
            case,
            person,
            field,
            text,
            priority,
            target_date,
            status,
            status_reason,
            created_on,
            closed_on,
        })
    }

    fn contact(&mut self) -> Option<Obj> {
        let case = self.reference("case", Kind::Case).unwrap_or_default();
        let persons = self.references("persons", Kind::Person, true);
        let date = self.date("date").unwrap_or_default();
        let minutes = match self.get("minutes").cloned() {
            None => None,
            Some(v) => match v.as_i64() {
                Some(m @ 0..=1440) => i32::try_from(m).ok(),
                _ => {
                    self.bad(Reason::OutOfRange {
                        field: "minutes".into(),
                        min: 0,
                        max: 1440,
                    });
                    None
                }
            },
        };
        let kind = self
            .one_of(
                "contact_kind",
                &names(ContactKind::ALL.iter().map(|v| v.as_str())),
            )
            .unwrap_or_default();
        let topics = self.strings("topics", true);
        for t in &topics {
            if !self.check_list("topics", t, FIELDS) {
                break;
            }
        }
        let interpreter = match self.get("interpreter").cloned() {
            None => None,
            Some(Value::Object(i)) => {
                let language = i
                    .get("language")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let kind = i.get("type").and_then(Value::as_str).map(str::to_string);
                match (language, kind) {
                    (Some(l), Some(k)) => {
                        let list = names(InterpreterType::ALL.iter().map(|v| v.as_str()));
                        self.check_list("interpreter.type", &k, &list)
                            .then_some((l, k))
                    }
                    (None, _) => {
                        self.bad(Reason::MissingField {
                            field: "interpreter.language".into(),
                        });
                        None
                    }
                    (_, None) => {
                        self.bad(Reason::MissingField {
                            field: "interpreter.type".into(),
                        });
                        None
                    }
                }
            }
            Some(_) => {
                self.bad(Reason::NotAnObject {
                    field: "interpreter".into(),
                });
                None
            }
        };
        Some(Obj::Contact {
            case,
            persons,
            date,
            minutes,
            kind,
            topics,
            interpreter,
            note: self.opt_text("note"),
        })
    }

    fn outcome(&mut self) -> Option<Obj> {
        const TYPES: &[&str] = &[
            "german_level",
            "employment",
            "training",
            "internship",
            "studies",
            "rental_contract",
            "benefits_independent",
            "childcare_school",
        ];
        let person = self.reference("person", Kind::Person).unwrap_or_default();
        let date = self.date("date").unwrap_or_default();
        let kind = self.one_of("type", TYPES).unwrap_or_default();
        let (mut level, mut certificate, mut course, mut employment_type, mut until, mut place) =
            (None, None, None, None, None, None);
        match kind.as_str() {
            "german_level" => {
                let levels = names(
                    GermanLevel::ALL
                        .iter()
                        .map(|v| v.as_str())
                        .filter(|l| *l != "none"),
                );
                level = self.one_of("level", &levels);
                certificate = self.bool("certificate");
                course =
                    self.opt_one_of("course", &names(CourseType::ALL.iter().map(|v| v.as_str())));
            }
            "employment" => {
                employment_type = self.one_of(
                    "employment_type",
                    &names(EmploymentType::ALL.iter().map(|v| v.as_str())),
                );
                until = self.opt_date("until");
            }
            "training" | "internship" | "studies" => until = self.opt_date("until"),
            "childcare_school" => {
                place = self.one_of(
                    "place",
                    &names(ChildcarePlace::ALL.iter().map(|v| v.as_str())),
                );
            }
            _ => {}
        }
        Some(Obj::Outcome {
            person,
            date,
            kind,
            level,
            certificate,
            course,
            employment_type,
            until,
            place,
        })
    }

    fn referral(&mut self) -> Option<Obj> {
        let case = self.reference("case", Kind::Case).unwrap_or_default();
        let person = self.opt_reference("person", Kind::Person);
        let (service_name, service_category) = match self.get("service").cloned() {
            Some(Value::Object(s)) => {
                let name = s
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.trim().is_empty())
                    .map(str::to_string);
                if name.is_none() {
                    self.bad(Reason::MissingField {
                        field: "service.name".into(),
                    });
                }
                let category = s
                    .get("category")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let Some(c) = &category {
                    let list = names(RecipientCategory::ALL.iter().map(|v| v.as_str()));
                    self.check_list("service.category", c, &list);
                }
                (name.unwrap_or_default(), category)
            }
            None => {
                self.bad(Reason::MissingField {
                    field: "service".into(),
                });
                (String::new(), None)
            }
            Some(_) => {
                self.bad(Reason::NotAnObject {
                    field: "service".into(),
                });
                (String::new(), None)
            }
        };
        Some(Obj::Referral {
            case,
            person,
            service_name,
            service_category,
            date: self.date("date").unwrap_or_default(),
            reason: self.opt_text("reason"),
            result: self.opt_one_of("result", REFERRAL_RESULTS),
            result_on: self.opt_date("result_on"),
        })
    }
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    it.collect()
}
