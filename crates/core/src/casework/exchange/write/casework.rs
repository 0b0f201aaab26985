//! Writing the casework: cases with members, assignments and pauses, goals (and plans), steps,
//! reviews, contacts with their participants (notes sealed), outcomes, referrals, and the service
//! areas the imported cases need.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use ankommen_store::entities::{
    case, case_assignment, case_pause, case_person, contact, contact_person, goal, outcome, plan,
    referral, review, service_area, step,
};
use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect,
};

use super::super::Kind;
use super::super::parse::{Obj, Rec};
use super::{CONTACTS_PER_SLICE, Writer, insert_chunks, tagged};
use crate::kernel::sealed::{
    CASE_CLOSURE_NOTE, CASE_ELIGIBILITY_NOTE, CASE_EXTENSION_REASON, CASE_HANDOVER_NOTE,
    CONTACT_NOTE, GOAL_STATUS_REASON, GOAL_TEXT, REFERRAL_REASON, REVIEW_SUMMARY, STEP_TEXT,
};
use crate::{Error, Result};

impl Writer<'_> {
    pub(super) async fn cases(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("cases", recs).await?;
        let mut rows = Vec::new();
        let mut members = Vec::new();
        let mut held = Vec::new();
        let mut paused = Vec::new();
        let mut changed_ids = Vec::new();
        let held_ids = self
            .reserve(
                "case_assignments",
                new.iter()
                    .chain(changed.iter())
                    .map(|(_, r)| match &r.obj {
                        Obj::Case(c) => c.assignments.len(),
                        _ => 0,
                    })
                    .sum(),
            )
            .await?;
        let pause_ids = self
            .reserve(
                "case_pauses",
                new.iter()
                    .chain(changed.iter())
                    .map(|(_, r)| match &r.obj {
                        Obj::Case(c) => c.pauses.len(),
                        _ => 0,
                    })
                    .sum(),
            )
            .await?;
        let (mut held_ids, mut pause_ids) = (held_ids.into_iter(), pause_ids.into_iter());
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Case(c) = &rec.obj else { continue };
            let org = self.id(Kind::Organisation, &c.organisation)?;
            let assigned = self.id(Kind::Staff, &c.assigned_to)?;
            let mut persons = BTreeSet::new();
            for p in &c.persons {
                persons.insert(self.id(Kind::Person, p)?);
            }
            let existing = self.existing::<case::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => {
                    let mut am = e.clone().into_active_model();
                    // The texts the file does not carry are sealed again for the new version.
                    am.eligibility_note_sealed = Set(self.sealing.reseal_opt(
                        CASE_ELIGIBILITY_NOTE.at_version(e.id, e.version),
                        CASE_ELIGIBILITY_NOTE.at_version(e.id, version),
                        e.eligibility_note_sealed.as_deref(),
                    )?);
                    am.handover_note_sealed = Set(self.sealing.reseal_opt(
                        CASE_HANDOVER_NOTE.at_version(e.id, e.version),
                        CASE_HANDOVER_NOTE.at_version(e.id, version),
                        e.handover_note_sealed.as_deref(),
                    )?);
                    changed_ids.push(e.id);
                    am
                }
                None => case::ActiveModel {
                    id: Set(*id),
                    case_number: Set(format!(
                        "{}-{:05}",
                        chrono::Datelike::year(&c.opened_on),
                        id
                    )),
                    clock_start: Set(c.opened_on),
                    eligibility_note_sealed: Set(None),
                    closure_snapshot: Set(None),
                    handover_note_sealed: Set(None),
                    handover_from: Set(None),
                    handover_at: Set(None),
                    handover_seen: Set(true),
                    created_at: Set(self.now),
                    ..Default::default()
                },
            };
            am.organisation_id = Set(org);
            am.municipality_ags = Set(c.municipality.clone());
            am.assigned_to = Set(assigned);
            if existing.is_none() {
                // The format has no household of a case; one linked here since stays linked.
                am.household_id = Set(None);
            }
            am.opened_on = Set(c.opened_on);
            am.status = Set(c.status.clone());
            am.extended_until = Set(c.extended_until);
            am.extension_reason_sealed = Set(self.sealing.seal_opt(
                CASE_EXTENSION_REASON.at_version(*id, version),
                c.extension_reason.as_deref(),
            )?);
            am.closed_on = Set(c.closed_on);
            am.closure_reason = Set(c.closure_reason.clone());
            am.closure_note_sealed = Set(self.sealing.seal_opt(
                CASE_CLOSURE_NOTE.at_version(*id, version),
                c.closure_note.as_deref(),
            )?);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
            for p in persons {
                members.push(case_person::ActiveModel {
                    case_id: Set(*id),
                    person_id: Set(p),
                });
            }
            for (s, from) in &c.assignments {
                held.push(case_assignment::ActiveModel {
                    id: Set(held_ids.next().unwrap_or_default()),
                    case_id: Set(*id),
                    staff_id: Set(self.id(Kind::Staff, s)?),
                    from_date: Set(*from),
                });
            }
            for (from, until) in &c.pauses {
                paused.push(case_pause::ActiveModel {
                    id: Set(pause_ids.next().unwrap_or_default()),
                    case_id: Set(*id),
                    from_date: Set(*from),
                    until_date: Set(*until),
                });
            }
        }
        insert_chunks(self.tx, &mut rows).await?;
        if !changed_ids.is_empty() {
            case_person::Entity::delete_many()
                .filter(case_person::Column::CaseId.is_in(changed_ids.clone()))
                .exec(self.tx)
                .await?;
            case_assignment::Entity::delete_many()
                .filter(case_assignment::Column::CaseId.is_in(changed_ids.clone()))
                .exec(self.tx)
                .await?;
            case_pause::Entity::delete_many()
                .filter(case_pause::Column::CaseId.is_in(changed_ids))
                .exec(self.tx)
                .await?;
        }
        insert_chunks(self.tx, &mut members).await?;
        insert_chunks(self.tx, &mut held).await?;
        insert_chunks(self.tx, &mut paused).await?;
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn goals(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("goals", recs).await?;
        let mut rows = Vec::new();
        let mut positions: HashMap<i64, i32> = HashMap::new();
        let mut with_goals = BTreeSet::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Goal {
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
            } = &rec.obj
            else {
                continue;
            };
            let case_id = self.id(Kind::Case, case)?;
            with_goals.insert(case_id);
            self.goal_case.insert(*id, case_id);
            let person_id = self.opt_id(Kind::Person, person.as_ref())?;
            let existing = self.existing::<goal::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => {
                    let p = positions.entry(case_id).or_insert(0);
                    *p += 1;
                    goal::ActiveModel {
                        id: Set(*id),
                        position: Set(*p),
                        created_by: Set(self.by),
                        created_at: Set(self.now),
                        ..Default::default()
                    }
                }
            };
            am.case_id = Set(case_id);
            am.person_id = Set(person_id);
            am.field_key = Set(self
                .fields
                .get(field)
                .cloned()
                .unwrap_or_else(|| field.clone()));
            am.text_sealed = Set(self
                .sealing
                .seal(GOAL_TEXT.at_version(*id, version), text)?);
            am.priority = Set(*priority);
            am.target_date = Set(*target_date);
            am.status = Set(status.clone());
            am.status_reason_sealed = Set(self.sealing.seal_opt(
                GOAL_STATUS_REASON.at_version(*id, version),
                status_reason.as_deref(),
            )?);
            am.created_on = Set(*created_on);
            am.closed_on = Set(*closed_on);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        // Every case with goals has its plan.
        let planned: HashSet<i64> = plan::Entity::find()
            .select_only()
            .column(plan::Column::CaseId)
            .into_tuple::<i64>()
            .all(self.tx)
            .await?
            .into_iter()
            .collect();
        let missing: Vec<i64> = with_goals
            .into_iter()
            .filter(|c| !planned.contains(c))
            .collect();
        let ids = self.reserve("plans", missing.len()).await?;
        let mut plans: Vec<plan::ActiveModel> = ids
            .into_iter()
            .zip(missing)
            .map(|(id, case_id)| plan::ActiveModel {
                id: Set(id),
                case_id: Set(case_id),
                review_interval_months: Set(None),
                created_by: Set(self.by),
                created_at: Set(self.now),
                updated_at: Set(self.now),
                version: Set(1),
            })
            .collect();
        insert_chunks(self.tx, &mut plans).await?;
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn steps(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("steps", recs).await?;
        let mut rows = Vec::new();
        let mut positions: HashMap<i64, i32> = HashMap::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Step {
                goal,
                text,
                owner,
                third_party,
                due_on,
                done_on,
            } = &rec.obj
            else {
                continue;
            };
            let goal_id = self.id(Kind::Goal, goal)?;
            let case_id = match self.goal_case.get(&goal_id) {
                Some(c) => *c,
                None => {
                    let c = goal::Entity::find_by_id(goal_id)
                        .select_only()
                        .column(goal::Column::CaseId)
                        .into_tuple::<i64>()
                        .one(self.tx)
                        .await?
                        .ok_or_else(|| Error::Internal("import: goal of a step missing".into()))?;
                    self.goal_case.insert(goal_id, c);
                    c
                }
            };
            let existing = self.existing::<step::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => {
                    let p = positions.entry(goal_id).or_insert(0);
                    *p += 1;
                    step::ActiveModel {
                        id: Set(*id),
                        position: Set(*p),
                        created_by: Set(self.by),
                        created_at: Set(self.now),
                        ..Default::default()
                    }
                }
            };
            am.goal_id = Set(goal_id);
            am.case_id = Set(case_id);
            am.text_sealed = Set(self
                .sealing
                .seal(STEP_TEXT.at_version(*id, version), text)?);
            am.owner = Set(owner.clone());
            am.third_party = Set(third_party.clone());
            am.due_on = Set(*due_on);
            am.done_on = Set(*done_on);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn reviews(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("reviews", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Review {
                case,
                held_on,
                participants,
                summary,
            } = &rec.obj
            else {
                continue;
            };
            let case_id = self.id(Kind::Case, case)?;
            let existing = self.existing::<review::Entity>(is_new, *id).await?;
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => review::ActiveModel {
                    id: Set(*id),
                    changes_sealed: Set(None),
                    created_by: Set(self.by),
                    created_at: Set(self.now),
                    ..Default::default()
                },
            };
            am.case_id = Set(case_id);
            am.held_on = Set(*held_on);
            am.participants = Set(participants.clone());
            am.summary_sealed = Set(self
                .sealing
                .seal_opt(REVIEW_SUMMARY.at(*id), summary.as_deref())?);
            am.external_id = Set(Some(rec.id.clone()));
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn contacts(
        &mut self,
        recs: &[&Rec],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<()> {
        let (new, changed) = self.split("contacts", recs).await?;
        let mut rows = Vec::new();
        let mut present = Vec::new();
        let mut changed_ids = Vec::new();
        let mut tallied = BTreeSet::new();
        for (i, (is_new, (id, rec))) in tagged(&new, &changed).enumerate() {
            let Obj::Contact {
                case,
                persons,
                date,
                minutes,
                kind,
                topics,
                interpreter,
                note,
            } = &rec.obj
            else {
                continue;
            };
            let case_id = self.id(Kind::Case, case)?;
            let existing = self.existing::<contact::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            tallied.insert(case_id);
            tallied.extend(existing.as_ref().map(|e| e.case_id));
            let mut am = match &existing {
                Some(e) => {
                    changed_ids.push(e.id);
                    e.clone().into_active_model()
                }
                None => contact::ActiveModel {
                    id: Set(*id),
                    created_by: Set(self.by),
                    created_at: Set(self.now),
                    ..Default::default()
                },
            };
            let topics: Vec<String> = topics
                .iter()
                .map(|t| self.fields.get(t).cloned().unwrap_or_else(|| t.clone()))
                .collect();
            am.case_id = Set(case_id);
            am.contact_date = Set(*date);
            am.minutes = Set(*minutes);
            am.contact_kind = Set(kind.clone());
            am.topics = Set(topics.join(","));
            am.interpreter_language = Set(interpreter.as_ref().map(|(l, _)| l.clone()));
            am.interpreter_type = Set(interpreter.as_ref().map(|(_, t)| t.clone()));
            am.note_sealed = Set(self
                .sealing
                .seal_opt(CONTACT_NOTE.at_version(*id, version), note.as_deref())?);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
            let mut seen = BTreeSet::new();
            for p in persons {
                let pid = self.id(Kind::Person, p)?;
                if seen.insert(pid) {
                    present.push(contact_person::ActiveModel {
                        contact_id: Set(*id),
                        person_id: Set(pid),
                    });
                }
            }
            if rows.len() >= CONTACTS_PER_SLICE {
                insert_chunks(self.tx, &mut rows).await?;
                insert_chunks(self.tx, &mut present).await?;
                progress(i + 1);
            }
        }
        insert_chunks(self.tx, &mut rows).await?;
        if !changed_ids.is_empty() {
            contact_person::Entity::delete_many()
                .filter(contact_person::Column::ContactId.is_in(changed_ids))
                .exec(self.tx)
                .await?;
        }
        insert_chunks(self.tx, &mut present).await?;
        let tallied: Vec<i64> = tallied.into_iter().collect();
        crate::casework::figures::tallies::recount(self.tx, &tallied).await?;
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn outcomes(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("outcomes", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Outcome {
                person,
                date,
                kind,
                level,
                certificate,
                course,
                employment_type,
                until,
                place,
            } = &rec.obj
            else {
                continue;
            };
            let person_id = self.id(Kind::Person, person)?;
            let existing = self.existing::<outcome::Entity>(is_new, *id).await?;
            let mut am = match &existing {
                Some(e) => {
                    let mut am = e.clone().into_active_model();
                    am.version = Set(e.version + 1);
                    am
                }
                None => outcome::ActiveModel {
                    id: Set(*id),
                    created_by: Set(self.by),
                    created_at: Set(self.now),
                    version: Set(1),
                    ..Default::default()
                },
            };
            am.person_id = Set(person_id);
            am.outcome_date = Set(*date);
            am.outcome_type = Set(kind.clone());
            am.level = Set(level.clone());
            am.certificate = Set(*certificate);
            am.course = Set(course.clone());
            am.employment_type = Set(employment_type.clone());
            am.until_date = Set(*until);
            am.place = Set(place.clone());
            am.external_id = Set(Some(rec.id.clone()));
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn referrals(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("referrals", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Referral {
                case,
                person,
                service_name,
                service_category,
                date,
                reason,
                result,
                result_on,
            } = &rec.obj
            else {
                continue;
            };
            let case_id = self.id(Kind::Case, case)?;
            let person_id = self.opt_id(Kind::Person, person.as_ref())?;
            let existing = self.existing::<referral::Entity>(is_new, *id).await?;
            let version = existing.as_ref().map_or(1, |e| e.version + 1);
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => referral::ActiveModel {
                    id: Set(*id),
                    created_by: Set(self.by),
                    created_at: Set(self.now),
                    ..Default::default()
                },
            };
            am.case_id = Set(case_id);
            am.person_id = Set(person_id);
            am.service_name = Set(service_name.clone());
            am.service_category = Set(service_category.clone());
            am.referral_date = Set(*date);
            am.reason_sealed = Set(self
                .sealing
                .seal_opt(REFERRAL_REASON.at_version(*id, version), reason.as_deref())?);
            am.result = Set(result.clone());
            am.result_on = Set(*result_on);
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            am.version = Set(version);
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        // Referrals name their service: linked to the directory's entry of that name, if any.
        if !recs.is_empty() {
            crate::administration::services::link_named_referrals(self.tx).await?;
        }
        self.finish_split(&new, &changed).await
    }

    /// The organisations serve the municipalities their imported cases and staff are in: a
    /// service area from the earliest case opened there (or today), where none exists yet.
    pub(super) async fn service_areas(&mut self, cases: &[&Rec], staff: &[&Rec]) -> Result<()> {
        let today = self.now.date_naive();
        let mut wanted: BTreeMap<(i64, String), NaiveDate> = BTreeMap::new();
        for rec in cases {
            if let Obj::Case(c) = &rec.obj {
                let org = self.id(Kind::Organisation, &c.organisation)?;
                let e = wanted
                    .entry((org, c.municipality.clone()))
                    .or_insert(c.opened_on);
                *e = (*e).min(c.opened_on);
            }
        }
        for rec in staff {
            if let Obj::Staff {
                organisation,
                municipalities,
                ..
            } = &rec.obj
            {
                let org = self.id(Kind::Organisation, organisation)?;
                for a in municipalities {
                    wanted.entry((org, a.clone())).or_insert(today);
                }
            }
        }
        let have: HashSet<(i64, String)> = service_area::Entity::find()
            .select_only()
            .column(service_area::Column::OrganisationId)
            .column(service_area::Column::MunicipalityAgs)
            .into_tuple::<(i64, String)>()
            .all(self.tx)
            .await?
            .into_iter()
            .collect();
        let mut rows: Vec<service_area::ActiveModel> = wanted
            .into_iter()
            .filter(|(k, _)| !have.contains(k))
            .map(|((org, ags), from)| service_area::ActiveModel {
                id: NotSet,
                organisation_id: Set(org),
                municipality_ags: Set(ags),
                valid_from: Set(from),
                valid_until: Set(None),
                created_at: Set(self.now),
                updated_at: Set(self.now),
            })
            .collect();
        insert_chunks(self.tx, &mut rows).await
    }
}
