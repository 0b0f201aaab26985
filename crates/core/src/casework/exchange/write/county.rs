//! Writing the county's organisation: municipalities, organisations, teams and staff (with
//! their setup links).

use std::collections::{BTreeSet, HashMap};

use ankommen_store::entities::{
    municipality, organisation, staff, staff_change, staff_municipality, staff_role, team,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, EntityTrait,
    IntoActiveModel, QueryFilter,
};

use super::super::parse::{Obj, Rec};
use super::super::{Kind, Reason, SetupLink};
use super::{State, Writer, insert_chunks, parse_id};
use crate::administration::duties::{CHANGE_ORGANISATION, CHANGE_ROLES};
use crate::administration::setup::{self, PURPOSE_SET_PASSWORD, SETUP_LINK_HOURS};
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::types::{OrgKind, Role, RoleSet, role_allowed_in};
use crate::{Error, Result};

impl Writer<'_> {
    pub(super) async fn municipalities(&mut self, recs: &[&Rec]) -> Result<()> {
        for rec in recs {
            let Obj::Municipality { name } = &rec.obj else {
                continue;
            };
            let state = self.state(rec);
            if let State::Same(_) = state {
                self.count(rec.kind, 0, 0, 1);
                continue;
            }
            let existing = municipality::Entity::find_by_id(rec.id.clone())
                .one(self.tx)
                .await?;
            match existing {
                Some(m) => {
                    let mut am = m.into_active_model();
                    am.name = Set(name.clone());
                    am.updated_at = Set(self.now);
                    am.update(self.tx).await?;
                    self.count(rec.kind, 0, 1, 0);
                }
                None => {
                    municipality::Entity::insert(municipality::ActiveModel {
                        ags: Set(rec.id.clone()),
                        name: Set(name.clone()),
                        active: Set(true),
                        created_at: Set(self.now),
                        updated_at: Set(self.now),
                        version: Set(1),
                    })
                    .exec_without_returning(self.tx)
                    .await?;
                    self.count(rec.kind, 1, 0, 0);
                }
            }
            self.mapped(rec, rec.id.clone(), matches!(state, State::New))
                .await?;
        }
        Ok(())
    }

    pub(super) async fn organisations(&mut self, recs: &[&Rec]) -> Result<()> {
        for rec in recs {
            let Obj::Organisation {
                name,
                kind,
                municipality,
            } = &rec.obj
            else {
                continue;
            };
            let state = self.state(rec);
            let existing = match &state {
                State::Same(local) => {
                    self.ids
                        .insert((rec.kind, rec.id.clone()), parse_id(local)?);
                    self.count(rec.kind, 0, 0, 1);
                    continue;
                }
                State::Changed(local) => {
                    organisation::Entity::find_by_id(parse_id(local)?)
                        .one(self.tx)
                        .await?
                }
                // An organisation set up by hand before the import is taken over by its name.
                State::New => {
                    organisation::Entity::find()
                        .filter(organisation::Column::Name.eq(name.clone()))
                        .one(self.tx)
                        .await?
                }
            };
            // Another organisation may carry the name already.
            let clash = organisation::Entity::find()
                .filter(organisation::Column::Name.eq(name.clone()))
                .one(self.tx)
                .await?
                .is_some_and(|o| existing.as_ref().is_none_or(|e| e.id != o.id));
            if clash {
                self.problem(rec, Reason::OrganisationNameTaken);
                continue;
            }
            let id = match existing {
                Some(o) => {
                    let id = o.id;
                    let version = o.version;
                    let mut am = o.into_active_model();
                    am.name = Set(name.clone());
                    am.kind = Set(kind.clone());
                    am.municipality_ags = Set(municipality.clone());
                    am.updated_at = Set(self.now);
                    am.version = Set(version + 1);
                    am.update(self.tx).await?;
                    self.count(rec.kind, 0, 1, 0);
                    id
                }
                None => {
                    let id = organisation::Entity::insert(organisation::ActiveModel {
                        id: NotSet,
                        name: Set(name.clone()),
                        kind: Set(kind.clone()),
                        municipality_ags: Set(municipality.clone()),
                        active: Set(true),
                        created_at: Set(self.now),
                        updated_at: Set(self.now),
                        version: Set(1),
                    })
                    .exec(self.tx)
                    .await?
                    .last_insert_id;
                    self.count(rec.kind, 1, 0, 0);
                    id
                }
            };
            self.mapped(rec, id.to_string(), matches!(state, State::New))
                .await?;
        }
        Ok(())
    }

    pub(super) async fn teams(&mut self, recs: &[&Rec]) -> Result<()> {
        for rec in recs {
            let Obj::Team { organisation, name } = &rec.obj else {
                continue;
            };
            let org = self.id(Kind::Organisation, organisation)?;
            let state = self.state(rec);
            let existing = match &state {
                State::Same(local) => {
                    self.ids
                        .insert((rec.kind, rec.id.clone()), parse_id(local)?);
                    self.count(rec.kind, 0, 0, 1);
                    continue;
                }
                State::Changed(local) => {
                    team::Entity::find_by_id(parse_id(local)?)
                        .one(self.tx)
                        .await?
                }
                State::New => {
                    team::Entity::find()
                        .filter(team::Column::OrganisationId.eq(org))
                        .filter(team::Column::Name.eq(name.clone()))
                        .one(self.tx)
                        .await?
                }
            };
            let id = match existing {
                Some(t) => {
                    let id = t.id;
                    let version = t.version;
                    let mut am = t.into_active_model();
                    am.organisation_id = Set(org);
                    am.name = Set(name.clone());
                    am.updated_at = Set(self.now);
                    am.version = Set(version + 1);
                    am.update(self.tx).await?;
                    self.count(rec.kind, 0, 1, 0);
                    id
                }
                None => {
                    let id = team::Entity::insert(team::ActiveModel {
                        id: NotSet,
                        organisation_id: Set(org),
                        name: Set(name.clone()),
                        active: Set(true),
                        created_at: Set(self.now),
                        updated_at: Set(self.now),
                        version: Set(1),
                    })
                    .exec(self.tx)
                    .await?
                    .last_insert_id;
                    self.count(rec.kind, 1, 0, 0);
                    id
                }
            };
            self.mapped(rec, id.to_string(), matches!(state, State::New))
                .await?;
        }
        Ok(())
    }

    pub(super) async fn staff(&mut self, recs: &[&Rec]) -> Result<()> {
        let mut kinds: HashMap<i64, String> = HashMap::new();
        for o in organisation::Entity::find().all(self.tx).await? {
            kinds.insert(o.id, o.kind);
        }
        for rec in recs {
            let Obj::Staff {
                organisation,
                team,
                display_name,
                roles,
                municipalities,
                fte,
            } = &rec.obj
            else {
                continue;
            };
            let state = self.state(rec);
            if let State::Same(local) = &state {
                self.ids
                    .insert((rec.kind, rec.id.clone()), parse_id(local)?);
                self.count(rec.kind, 0, 0, 1);
                continue;
            }
            let org = self.id(Kind::Organisation, organisation)?;
            let team_id = self.opt_id(Kind::Team, team.as_ref())?;
            let org_kind = kinds
                .get(&org)
                .and_then(|k| OrgKind::parse(k).ok())
                .unwrap_or(OrgKind::Provider);
            let parsed: Vec<Role> = roles.iter().filter_map(|r| Role::parse(r).ok()).collect();
            if parsed.iter().any(|r| !role_allowed_in(*r, org_kind)) {
                self.problem(rec, Reason::RoleNotAllowed);
                continue;
            }
            let admin_with = parsed.contains(&Role::Admin)
                && parsed
                    .iter()
                    .any(|r| matches!(r, Role::Im | Role::TeamLead | Role::Dpo));
            if admin_with {
                self.problem(rec, Reason::AdminRoleCombined);
                continue;
            }
            // Separation of duties: nobody changes their own account, not by an import either.
            if let State::Changed(local) = &state
                && self.by != 0
                && parse_id(local)? == self.by
            {
                self.problem(rec, Reason::OwnAccount);
                continue;
            }
            let id = match &state {
                State::Changed(local) => {
                    let id = parse_id(local)?;
                    let Some(s) = staff::Entity::find_by_id(id).one(self.tx).await? else {
                        return Err(Error::Internal("import: mapped staff missing".into()));
                    };
                    let version = s.version;
                    let old_org = s.organisation_id;
                    let old_roles: Vec<Role> = staff_role::Entity::find()
                        .filter(staff_role::Column::StaffId.eq(id))
                        .all(self.tx)
                        .await?
                        .into_iter()
                        .filter_map(|r| Role::parse(&r.role).ok())
                        .collect();
                    let (old_roles, new_roles) = (
                        RoleSet::new(old_roles).joined(),
                        RoleSet::new(parsed.clone()).joined(),
                    );
                    if old_roles != new_roles {
                        self.staff_changed(id, CHANGE_ROLES, Some(old_roles), Some(new_roles))
                            .await?;
                    }
                    if old_org != org {
                        let (old, new) = (Some(old_org.to_string()), Some(org.to_string()));
                        self.staff_changed(id, CHANGE_ORGANISATION, old, new)
                            .await?;
                    }
                    let mut am = s.into_active_model();
                    am.organisation_id = Set(org);
                    am.team_id = Set(team_id);
                    am.display_name = Set(display_name.clone());
                    am.fte = Set(*fte);
                    am.updated_at = Set(self.now);
                    am.version = Set(version + 1);
                    am.update(self.tx).await?;
                    staff_role::Entity::delete_many()
                        .filter(staff_role::Column::StaffId.eq(id))
                        .exec(self.tx)
                        .await?;
                    staff_municipality::Entity::delete_many()
                        .filter(staff_municipality::Column::StaffId.eq(id))
                        .exec(self.tx)
                        .await?;
                    self.count(rec.kind, 0, 1, 0);
                    id
                }
                _ => {
                    let username = self.username(&rec.id).await?;
                    let id = staff::Entity::insert(staff::ActiveModel {
                        id: NotSet,
                        organisation_id: Set(org),
                        team_id: Set(team_id),
                        username: Set(username),
                        display_name: Set(display_name.clone()),
                        email: Set(None),
                        locale: Set("de".into()),
                        password_hash: Set(None),
                        fte: Set(*fte),
                        active: Set(true),
                        created_at: Set(self.now),
                        updated_at: Set(self.now),
                        deactivated_at: Set(None),
                        version: Set(1),
                    })
                    .exec(self.tx)
                    .await?
                    .last_insert_id;
                    let roles = Some(RoleSet::new(parsed.clone()).joined());
                    self.staff_changed(id, CHANGE_ROLES, None, roles).await?;
                    let org_value = Some(org.to_string());
                    self.staff_changed(id, CHANGE_ORGANISATION, None, org_value)
                        .await?;
                    let by = (self.by != 0).then_some(self.by);
                    let token = setup::issue(
                        self.tx,
                        self.now,
                        PURPOSE_SET_PASSWORD,
                        Some(id),
                        by,
                        SETUP_LINK_HOURS,
                    )
                    .await?;
                    let who = Who {
                        staff_id: by,
                        organisation_id: None,
                        roles: if by.is_some() {
                            "admin".into()
                        } else {
                            "operator".into()
                        },
                    };
                    audit::record_as(
                        self.tx,
                        self.now,
                        &who,
                        None,
                        Event::on("setup_link_issued", "staff", id),
                    )
                    .await?;
                    self.done.setup_links.push(SetupLink {
                        external_id: rec.id.clone(),
                        token,
                    });
                    self.count(rec.kind, 1, 0, 0);
                    id
                }
            };
            let role_rows: Vec<staff_role::ActiveModel> = parsed
                .iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|r| staff_role::ActiveModel {
                    staff_id: Set(id),
                    role: Set(r.as_str().into()),
                })
                .collect();
            let mut role_rows = role_rows;
            insert_chunks(self.tx, &mut role_rows).await?;
            let mut places: Vec<staff_municipality::ActiveModel> = municipalities
                .iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|a| staff_municipality::ActiveModel {
                    staff_id: Set(id),
                    ags: Set(a.clone()),
                })
                .collect();
            insert_chunks(self.tx, &mut places).await?;
            self.mapped(rec, id.to_string(), matches!(state, State::New))
                .await?;
        }
        Ok(())
    }

    /// Kept for the data-protection officer's "changes to accounts", as when an administrator
    /// changes roles or organisation in the browser (decision 0013).
    async fn staff_changed(
        &self,
        staff_id: i64,
        what: &'static str,
        old: Option<String>,
        new: Option<String>,
    ) -> Result<()> {
        staff_change::Entity::insert(staff_change::ActiveModel {
            id: NotSet,
            at: Set(self.now),
            actor_staff_id: Set((self.by != 0).then_some(self.by)),
            staff_id: Set(staff_id),
            what: Set(what.to_string()),
            old_value: Set(old),
            new_value: Set(new),
            confirmed_by: Set(None),
        })
        .exec_without_returning(self.tx)
        .await?;
        Ok(())
    }

    /// A user name for an imported staff member, from their id in the file (they choose their
    /// password through the setup link; an administrator may rename them).
    pub(super) async fn username(&self, ext: &str) -> Result<String> {
        let base: String = ext
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .take(40)
            .collect::<String>()
            .to_lowercase();
        let base = format!("import.{}", if base.is_empty() { "staff" } else { &base });
        let mut name = base.clone();
        for n in 2.. {
            let taken = staff::Entity::find()
                .filter(staff::Column::Username.eq(name.clone()))
                .one(self.tx)
                .await?
                .is_some();
            if !taken {
                break;
            }
            name = format!("{base}-{n}");
        }
        Ok(name)
    }
}
