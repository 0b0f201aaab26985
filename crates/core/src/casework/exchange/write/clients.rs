//! Writing the clients: households, persons (their municipality; unknown fields in `extra`),
//! consents and releases.

use std::collections::HashMap;

use ankommen_store::entities::{consent, household, person, release};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use super::super::Kind;
use super::super::parse::{Obj, Rec};
use super::{Writer, extra_of, insert_chunks, tagged};
use crate::Result;
use crate::casework::duplicates;
use crate::kernel::names::matching::Record;
use crate::kernel::sealed::PERSON_HEALTH;

impl Writer<'_> {
    pub(super) async fn households(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("households", recs).await?;
        let mut rows = Vec::new();
        for (id, rec) in &new {
            if let Obj::Household { municipality } = &rec.obj {
                rows.push(household::ActiveModel {
                    id: Set(*id),
                    municipality_ags: Set(municipality.clone()),
                    external_id: Set(Some(rec.id.clone())),
                    created_at: Set(self.now),
                    created_by: Set(self.by),
                });
            }
        }
        insert_chunks(self.tx, &mut rows).await?;
        for (id, rec) in &changed {
            if let Obj::Household { municipality } = &rec.obj {
                household::Entity::update_many()
                    .col_expr(
                        household::Column::MunicipalityAgs,
                        Expr::value(municipality.clone()),
                    )
                    .filter(household::Column::Id.eq(*id))
                    .exec(self.tx)
                    .await?;
            }
        }
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn persons(
        &mut self,
        recs: &[&Rec],
        household_ags: &HashMap<String, String>,
        person_ags: &HashMap<String, String>,
    ) -> Result<()> {
        let (new, changed) = self.split("persons", recs).await?;
        let mut rows = Vec::new();
        let mut written = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Person(p) = &rec.obj else { continue };
            let household_id = self.opt_id(Kind::Household, p.household.as_ref())?;
            let mut ags = p
                .household
                .as_ref()
                .and_then(|h| household_ags.get(h).cloned())
                .or_else(|| person_ags.get(&rec.id).cloned());
            if ags.is_none()
                && let Some(h) = household_id
            {
                ags = household::Entity::find_by_id(h)
                    .one(self.tx)
                    .await?
                    .map(|h| h.municipality_ags);
            }
            let existing = if is_new {
                None
            } else {
                person::Entity::find_by_id(*id).one(self.tx).await?
            };
            let ags = ags.or_else(|| existing.as_ref().map(|e| e.municipality_ags.clone()));
            let Some(ags) = ags else {
                self.problem(rec, super::Reason::NoMunicipality);
                continue;
            };
            let (fold, skel) = crate::casework::clients::registration::name_keys(
                &p.given_name,
                &p.family_name,
                p.name_original.as_deref(),
            );
            let mut am = match &existing {
                Some(e) => e.clone().into_active_model(),
                None => person::ActiveModel {
                    id: Set(*id),
                    german_certificate: Set(None),
                    work_experience: Set(None),
                    housing: Set(None),
                    benefits: Set(None),
                    phone: Set(None),
                    email: Set(None),
                    address: Set(None),
                    interpreter_language: Set(None),
                    health_sealed: Set(None),
                    created_at: Set(self.now),
                    created_by: Set(self.by),
                    version: Set(1),
                    ..Default::default()
                },
            };
            am.household_id = Set(household_id);
            am.relation = Set(p.relation.clone());
            am.given_name = Set(p.given_name.clone());
            am.family_name = Set(p.family_name.clone());
            am.name_original = Set(p.name_original.clone());
            am.name_fold = Set(fold);
            am.name_skeleton = Set(skel);
            am.birth_date = Set(p.birth_date);
            am.birth_year = Set(p.birth_year);
            am.municipality_ags = Set(ags);
            am.au_move_in = Set(p.au_move_in);
            am.target_group = Set(p
                .target_group
                .clone()
                .unwrap_or_else(|| "follow_up_housing".into()));
            am.sex = Set(p.sex.clone());
            am.nationality = Set(p.nationality.clone());
            am.languages = Set(p.languages.clone());
            am.german_level = Set(p.german_level.clone());
            am.school = Set(p.school.clone());
            am.vocational = Set(p.vocational.clone());
            am.profession = Set(p.profession.clone());
            am.interests = Set(p.interests.clone());
            am.residence_status = Set(p.residence_status.clone());
            am.residence_valid_until = Set(p.residence_valid_until);
            am.residence_basis = Set(p.residence_basis.clone());
            am.entry_date = Set(p.entry_date);
            am.health_insurance = Set(p.health_insurance.clone());
            am.health_insurer = Set(p.health_insurer.clone());
            // Unknown fields of a person are kept with the person.
            am.extra = Set(extra_of(rec));
            am.external_id = Set(Some(rec.id.clone()));
            am.updated_at = Set(self.now);
            written.push((*id, p));
            match existing {
                None => rows.push(am),
                Some(e) => {
                    let next = e.version + 1;
                    am.version = Set(next);
                    am.health_sealed = Set(self.sealing.reseal_opt(
                        PERSON_HEALTH.at_version(e.id, e.version),
                        PERSON_HEALTH.at_version(e.id, next),
                        e.health_sealed.as_deref(),
                    )?);
                    am.update(self.tx).await?;
                }
            }
        }
        insert_chunks(self.tx, &mut rows).await?;
        let records: Vec<(i64, Record)> = written
            .iter()
            .map(|(id, p)| {
                let record = Record {
                    given: &p.given_name,
                    family: &p.family_name,
                    original: p.name_original.as_deref(),
                    birth_date: p.birth_date,
                    birth_year: p.birth_year,
                };
                (*id, record)
            })
            .collect();
        duplicates::keys::write(self.tx, &records).await?;
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn consents(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("consents", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Consent {
                person,
                text_version,
                language,
                given_on,
                form,
                withdrawn_on,
            } = &rec.obj
            else {
                continue;
            };
            let person_id = self.id(Kind::Person, person)?;
            let existing = self.existing::<consent::Entity>(is_new, *id).await?;
            let mut am = match &existing {
                Some(e) => {
                    let mut am = e.clone().into_active_model();
                    am.version = Set(e.version + 1);
                    am
                }
                None => consent::ActiveModel {
                    id: Set(*id),
                    document_id: Set(None),
                    withdrawal_note: Set(None),
                    voluntary_erased_on: Set(None),
                    created_at: Set(self.now),
                    created_by: Set(self.by),
                    version: Set(1),
                    ..Default::default()
                },
            };
            am.person_id = Set(person_id);
            am.text_version = Set(text_version.clone());
            am.language = Set(language.clone());
            am.given_on = Set(*given_on);
            am.form = Set(form.clone());
            am.withdrawn_on = Set(*withdrawn_on);
            am.external_id = Set(Some(rec.id.clone()));
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }

    pub(super) async fn releases(&mut self, recs: &[&Rec]) -> Result<()> {
        let (new, changed) = self.split("releases", recs).await?;
        let mut rows = Vec::new();
        for (is_new, (id, rec)) in tagged(&new, &changed) {
            let Obj::Release {
                person,
                recipient_name,
                recipient_category,
                data_categories,
                purpose,
                valid_from,
                valid_until,
                mutual,
                revoked_on,
            } = &rec.obj
            else {
                continue;
            };
            let person_id = self.id(Kind::Person, person)?;
            let existing = self.existing::<release::Entity>(is_new, *id).await?;
            let mut am = match &existing {
                Some(e) => {
                    let mut am = e.clone().into_active_model();
                    am.version = Set(e.version + 1);
                    am
                }
                None => release::ActiveModel {
                    id: Set(*id),
                    recipient_organisation_id: Set(None),
                    created_at: Set(self.now),
                    created_by: Set(self.by),
                    version: Set(1),
                    ..Default::default()
                },
            };
            am.person_id = Set(person_id);
            am.recipient_name = Set(recipient_name.clone());
            am.recipient_category = Set(recipient_category.clone());
            am.data_categories = Set(data_categories.join(","));
            am.purpose = Set(purpose.clone());
            am.valid_from = Set(*valid_from);
            am.valid_until = Set(*valid_until);
            am.mutual = Set(*mutual);
            am.revoked_on = Set(*revoked_on);
            am.external_id = Set(Some(rec.id.clone()));
            self.put(existing.is_some(), am, &mut rows).await?;
        }
        insert_chunks(self.tx, &mut rows).await?;
        self.finish_split(&new, &changed).await
    }
}
