//! The county's staff: the demo county (organisations, municipalities, teams, demo accounts), then
//! 40 IMs and a team lead per team with the bench password.

use ankommen_core::Clock;
use ankommen_store::Db;
use ankommen_store::entities::{organisation, staff, staff_municipality, staff_role, team};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::texts::IM_NAMES;
use super::{Report, core_err, db_err};
use crate::Failure;

/// IMs and the teams they work in: (organisation, team, municipalities served), from the demo county.
const TEAMS: &[(&str, &str, &[&str])] = &[
    (
        "Landratsamt Neckartal",
        "Integrationsmanagement Kreis",
        &["08990004", "08990005"],
    ),
    (
        "Stadt Talheim am Neckar",
        "Integrationsmanagement Talheim",
        &["08990001"],
    ),
    ("AWO Kreisverband Neckartal", "Team Nord", &["08990002"]),
    ("AWO Kreisverband Neckartal", "Team Süd", &["08990003"]),
    (
        "Caritas Neckartal",
        "Integrationsmanagement",
        &["08990003", "08990004"],
    ),
];
const IM_COUNT: usize = 40;

/// An IM of the county, to whom cases are assigned.
pub(super) struct Im {
    pub(super) id: i64,
    pub(super) organisation_id: i64,
    pub(super) municipalities: &'static [&'static str],
}

/// One staff account to create.
struct NewStaff<'a> {
    username: String,
    name: String,
    organisation: i64,
    team: i64,
    role: &'a str,
    municipalities: &'a [&'a str],
}

/// Creates the demo county (organisations, municipalities, teams, demo accounts), then the bench
/// IMs and team leads with the bench password.
pub(super) async fn staff_accounts(
    db: &Db,
    clock: &dyn Clock,
    password: &str,
    report: &mut Report,
) -> Result<Vec<Im>, Failure> {
    ankommen_core::demo::seed(db, clock)
        .await
        .map_err(core_err)?;
    let hash = ankommen_core::administration::auth::hash_password(password)
        .await
        .map_err(core_err)?;
    let now = clock.now();
    let txn = db.begin().await.map_err(db_err)?;
    let team_ids = demo_teams(&txn).await?;
    let mut ims = Vec::new();
    for i in 0..IM_COUNT {
        let t = i % TEAMS.len();
        let (org, team) = team_ids[t];
        let munis = TEAMS[t].2;
        let username = format!("im{:02}", i + 1);
        let new = NewStaff {
            username: username.clone(),
            name: format!("{} ({:02})", IM_NAMES[i % IM_NAMES.len()], i + 1),
            organisation: org,
            team,
            role: "im",
            municipalities: munis,
        };
        let id = add_staff(&txn, &new, &hash, now).await.map_err(db_err)?;
        ims.push(Im {
            id,
            organisation_id: org,
            municipalities: munis,
        });
        report.ims.push(username);
    }
    for (t, (org, team)) in team_ids.iter().enumerate() {
        let username = format!("lead{}", t + 1);
        let new = NewStaff {
            username: username.clone(),
            name: format!("Teamleitung {}", TEAMS[t].1),
            organisation: *org,
            team: *team,
            role: "team_lead",
            municipalities: &[],
        };
        add_staff(&txn, &new, &hash, now).await.map_err(db_err)?;
        report.leads.push(username);
    }
    txn.commit().await.map_err(db_err)?;
    report.teams = TEAMS.len();
    Ok(ims)
}

/// The (organisation id, team id) of each of [`TEAMS`], as the demo county created them.
async fn demo_teams<C: ConnectionTrait>(txn: &C) -> Result<Vec<(i64, i64)>, Failure> {
    let mut team_ids = Vec::new();
    for (org_name, team_name, _) in TEAMS {
        let org = organisation::Entity::find()
            .filter(organisation::Column::Name.eq(*org_name))
            .one(txn)
            .await
            .map_err(db_err)?
            .ok_or_else(|| Failure::new(format!("the demo organisation {org_name} is missing")))?;
        let t = team::Entity::find()
            .filter(team::Column::OrganisationId.eq(org.id))
            .filter(team::Column::Name.eq(*team_name))
            .one(txn)
            .await
            .map_err(db_err)?
            .ok_or_else(|| Failure::new(format!("the demo team {team_name} is missing")))?;
        team_ids.push((org.id, t.id));
    }
    Ok(team_ids)
}

/// Creates one active staff account with one role and the municipalities it serves.
async fn add_staff<C: ConnectionTrait>(
    txn: &C,
    new: &NewStaff<'_>,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let r = staff::Entity::insert(staff::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        organisation_id: Set(new.organisation),
        team_id: Set(Some(new.team)),
        username: Set(new.username.clone()),
        display_name: Set(new.name.clone()),
        email: Set(Some(format!("{}@neckartal.example", new.username))),
        locale: Set("de".into()),
        password_hash: Set(Some(hash.to_string())),
        fte: Set(Some(1.0)),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        deactivated_at: Set(None),
        version: Set(1),
    })
    .exec(txn)
    .await?;
    let id = r.last_insert_id;
    staff_role::Entity::insert(staff_role::ActiveModel {
        staff_id: Set(id),
        role: Set(new.role.into()),
    })
    .exec_without_returning(txn)
    .await?;
    for m in new.municipalities {
        staff_municipality::Entity::insert(staff_municipality::ActiveModel {
            staff_id: Set(id),
            ags: Set((*m).into()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(id)
}
