//! What the start page shows each person: their own place in the deployment and, per role, the
//! figures they may see. Only staff data and counts here; client data arrives with the case modules.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::Db;
use ankommen_store::entities::{
    municipality, organisation, setting, staff, staff_municipality, staff_role, team,
};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::administration::settings::WorkRules;
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{Role, RoleSet};
use crate::{Ctx, Result};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminCounts {
    pub organisations: u64,
    pub teams: u64,
    pub staff_active: u64,
    /// Active people who have not yet set a password.
    pub staff_pending: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub ags: String,
    pub name: String,
    pub organisations: usize,
    pub ims: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Colleague {
    pub display_name: String,
    pub roles: RoleSet,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    pub organisation: String,
    pub team: Option<String>,
    pub municipalities: Vec<(String, String)>,
    pub admin: Option<AdminCounts>,
    pub team_members: Vec<Colleague>,
    /// Which municipalities are served by how many IMs of how many organisations.
    pub coverage: Vec<Coverage>,
    /// The working rules (the day view's intervals and warning periods).
    pub rules: WorkRules,
}

pub async fn for_actor(db: &Db, ctx: &Ctx) -> Result<Overview> {
    let a = &ctx.actor;
    let conn = db.reader();
    // In one query: the organisation's and the team's names, all municipalities (ags, name), and
    // the working rules' settings, as (kind, value, key) rows.
    let rule_keys: Vec<&str> = WorkRules::LIMITS.iter().map(|(k, _, _)| *k).collect();
    let directory = Query::select()
        .expr_as(Expr::val("organisation"), "kind")
        .expr_as(Expr::col(organisation::Column::Name), "value")
        .expr_as(Expr::cust("NULL"), "key")
        .from(organisation::Entity)
        .and_where(Expr::col(organisation::Column::Id).eq(a.organisation_id))
        .union(
            UnionType::All,
            Query::select()
                .expr(Expr::val("team"))
                .column(team::Column::Name)
                .expr(Expr::cust("NULL"))
                .from(team::Entity)
                .and_where(Expr::col(team::Column::Id).eq(a.team_id.unwrap_or(0)))
                .to_owned(),
        )
        .union(
            UnionType::All,
            Query::select()
                .expr(Expr::val("municipality"))
                .column(municipality::Column::Name)
                .column(municipality::Column::Ags)
                .from(municipality::Entity)
                .to_owned(),
        )
        .union(
            UnionType::All,
            Query::select()
                .expr(Expr::val("setting"))
                .column(setting::Column::Value)
                .column(setting::Column::Key)
                .from(setting::Entity)
                .and_where(setting::Column::Key.is_in(rule_keys))
                .to_owned(),
        )
        .to_owned();
    let mut o = Overview::default();
    // (ags, name) of every municipality, by name (folded, as lists of names are sorted elsewhere:
    // the same order on both databases, umlauts with their base letters).
    let mut all_munis: Vec<(String, String)> = Vec::new();
    let mut stored_rules: Vec<(String, String)> = Vec::new();
    for row in conn.query_all(&directory).await? {
        let value: String = row.try_get("", "value")?;
        match row.try_get::<String>("", "kind")?.as_str() {
            "team" => o.team = Some(value),
            "organisation" => o.organisation = value,
            "setting" => stored_rules.push((row.try_get("", "key")?, value)),
            _ => all_munis.push((row.try_get("", "key")?, value)),
        }
    }
    o.rules = WorkRules::from_stored(&stored_rules);
    all_munis.sort_by_cached_key(|(ags, name)| (crate::kernel::names::fold(name), ags.clone()));
    o.municipalities = all_munis
        .iter()
        .filter(|(ags, _)| a.municipalities.contains(ags))
        .cloned()
        .collect();

    if ctx.allows(Action::ViewAdministration, &Resource::Deployment) {
        o.admin = Some(admin_counts(db, ctx).await?);
    }

    if let (Some(t), true) = (a.team_id, a.has(Role::TeamLead) || a.has(Role::Im)) {
        // The active members with their roles, one row per role, in one query.
        let rows: Vec<(i64, String, Option<String>)> = staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .column(staff::Column::DisplayName)
            .column(staff_role::Column::Role)
            .join_rev(
                JoinType::LeftJoin,
                staff_role::Entity::belongs_to(staff::Entity)
                    .from(staff_role::Column::StaffId)
                    .to(staff::Column::Id)
                    .into(),
            )
            .filter(staff::Column::TeamId.eq(t))
            .filter(staff::Column::Active.eq(true))
            .order_by_asc(staff::Column::DisplayName)
            .order_by_asc(staff::Column::Id)
            .into_tuple()
            .all(conn)
            .await?;
        let mut members: Vec<(i64, String, Vec<String>)> = Vec::new();
        for (id, name, role) in rows {
            if members.last().is_none_or(|m| m.0 != id) {
                members.push((id, name, Vec::new()));
            }
            if let (Some(m), Some(r)) = (members.last_mut(), role) {
                m.2.push(r);
            }
        }
        o.team_members = members
            .into_iter()
            .map(|(_, display_name, roles)| Colleague {
                roles: RoleSet::from_stored(roles.iter().map(String::as_str)),
                display_name,
            })
            .collect();
    }

    let visible: Vec<&(String, String)> = all_munis
        .iter()
        .filter(|(ags, _)| {
            ctx.allows(
                Action::ViewFiguresAggregate,
                &Resource::Municipality { ags: ags.clone() },
            )
        })
        .collect();
    if !visible.is_empty() {
        let ims: BTreeSet<i64> = staff_role::Entity::find()
            .filter(staff_role::Column::Role.eq(Role::Im.as_str()))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| r.staff_id)
            .collect();
        let active: BTreeMap<i64, i64> = staff::Entity::find()
            .filter(staff::Column::Active.eq(true))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.organisation_id))
            .collect();
        let links = staff_municipality::Entity::find().all(conn).await?;
        for (ags, name) in visible {
            let serving: Vec<i64> = links
                .iter()
                .filter(|l| {
                    &l.ags == ags && ims.contains(&l.staff_id) && active.contains_key(&l.staff_id)
                })
                .map(|l| l.staff_id)
                .collect();
            let orgs: BTreeSet<i64> = serving
                .iter()
                .filter_map(|id| active.get(id).copied())
                .collect();
            o.coverage.push(Coverage {
                ags: ags.clone(),
                name: name.clone(),
                organisations: orgs.len(),
                ims: serving.len(),
            });
        }
    }
    Ok(o)
}

/// The administration's overview: how many organisations, teams and people the actor administers.
pub async fn administration(db: &Db, ctx: &Ctx) -> Result<AdminCounts> {
    let ev = crate::kernel::audit::Event::new("administration_viewed");
    ctx.authorize(
        db.writer(),
        Action::ViewAdministration,
        &Resource::Deployment,
        ev,
        crate::Error::Forbidden,
    )
    .await?;
    admin_counts(db, ctx).await
}

async fn admin_counts(db: &Db, ctx: &Ctx) -> Result<AdminCounts> {
    let a = &ctx.actor;
    let conn = db.reader();
    let whole = ctx.allows(Action::ManageOrganisations, &Resource::Deployment);
    let mut orgs = organisation::Entity::find().filter(organisation::Column::Active.eq(true));
    let mut teams = team::Entity::find().filter(team::Column::Active.eq(true));
    let mut people = staff::Entity::find().filter(staff::Column::Active.eq(true));
    if !whole {
        orgs = orgs.filter(organisation::Column::Id.eq(a.organisation_id));
        teams = teams.filter(team::Column::OrganisationId.eq(a.organisation_id));
        people = people.filter(staff::Column::OrganisationId.eq(a.organisation_id));
    }
    Ok(AdminCounts {
        organisations: orgs.count(conn).await?,
        teams: teams.count(conn).await?,
        staff_active: people.clone().count(conn).await?,
        staff_pending: people
            .filter(staff::Column::PasswordHash.is_null())
            .count(conn)
            .await?,
    })
}
