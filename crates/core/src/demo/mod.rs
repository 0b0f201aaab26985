//! The demo county: a fictional "Landkreis Neckartal" with its county office, municipalities (AGS in
//! the official format), a municipality that employs its own staff, two welfare providers, the
//! municipalities each organisation serves, teams, and staff in every role. Used by
//! `ankommen serve --demo` and as the test fixtures.

use std::sync::OnceLock;

use ankommen_store::Db;

use crate::administration::municipalities::MunicipalityInput;
use crate::administration::organisations::OrganisationInput;
use crate::administration::staff::StaffInput;
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::types::{Ags, Email, Fte, Locale, Name, OrgKind, Role, RoleSet, Username};
use crate::{Clock, Error, Result};

mod casework;
mod clients;
mod network;

pub use self::clients::seed_clients;

/// The password of every demo account. Demo mode only; printed at start and listed in the README.
pub const DEMO_PASSWORD: &str = "ankommen-demo";

pub const DEPLOYMENT: &str = "Landkreis Neckartal";

/// (AGS, name) — fictional municipalities in Baden-Württemberg's key range.
pub const MUNICIPALITIES: &[(&str, &str)] = &[
    ("08990001", "Talheim am Neckar"),
    ("08990002", "Bergfelden"),
    ("08990003", "Sonnbühl"),
    ("08990004", "Auwiesen"),
    ("08990005", "Weilerbach"),
];

/// (name, kind, municipality, teams)
pub const ORGANISATIONS: &[(&str, OrgKind, Option<&str>, &[&str])] = &[
    (
        "Landratsamt Neckartal",
        OrgKind::CountyOffice,
        None,
        &["Integrationsmanagement Kreis", "Koordination"],
    ),
    (
        "Stadt Talheim am Neckar",
        OrgKind::Municipality,
        Some("08990001"),
        &["Integrationsmanagement Talheim"],
    ),
    (
        "AWO Kreisverband Neckartal",
        OrgKind::Provider,
        None,
        &["Team Nord", "Team Süd"],
    ),
    (
        "Caritas Neckartal",
        OrgKind::Provider,
        None,
        &["Integrationsmanagement"],
    ),
];

/// The service areas: (organisation index, municipalities it serves), each since [`SERVED_SINCE`].
/// Sonnbühl is served by both welfare providers, Auwiesen by the county office and Caritas.
pub const SERVICE_AREAS: &[(usize, &[&str])] = &[
    (0, &["08990004", "08990005"]),
    (1, &["08990001"]),
    (2, &["08990002", "08990003"]),
    (3, &["08990003", "08990004"]),
];

/// The first day of the demo service areas (the start of integration management in the county).
pub const SERVED_SINCE: (i32, u32, u32) = (2017, 1, 1);

/// A demo account: user name, name, organisation index, team, roles, municipalities served, FTE.
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub organisation: usize,
    pub team: Option<&'static str>,
    pub roles: &'static [Role],
    pub municipalities: &'static [&'static str],
    pub fte: Option<&'static str>,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        display_name: "Sabine Adler",
        organisation: 0,
        team: None,
        roles: &[Role::Admin],
        municipalities: &[],
        fte: None,
    },
    DemoAccount {
        username: "datenschutz",
        display_name: "Jonas Datz",
        organisation: 0,
        team: None,
        roles: &[Role::Dpo],
        municipalities: &[],
        fte: None,
    },
    DemoAccount {
        username: "koordination",
        display_name: "Miriam Koch",
        organisation: 0,
        team: Some("Koordination"),
        roles: &[Role::Coordinator],
        municipalities: &[],
        fte: Some("1"),
    },
    DemoAccount {
        username: "kreis.im",
        display_name: "Lena Hoffmann",
        organisation: 0,
        team: Some("Integrationsmanagement Kreis"),
        roles: &[Role::Im],
        municipalities: &["08990004", "08990005"],
        fte: Some("1"),
    },
    DemoAccount {
        username: "talheim.beauftragte",
        display_name: "Yasemin Demir",
        organisation: 1,
        team: None,
        roles: &[Role::MunicipalOfficer],
        municipalities: &["08990001"],
        fte: None,
    },
    DemoAccount {
        username: "talheim.im",
        display_name: "Markus Weber",
        organisation: 1,
        team: Some("Integrationsmanagement Talheim"),
        roles: &[Role::Im],
        municipalities: &["08990001"],
        fte: Some("0,75"),
    },
    DemoAccount {
        username: "awo.admin",
        display_name: "Thomas Berger",
        organisation: 2,
        team: None,
        roles: &[Role::Admin],
        municipalities: &[],
        fte: None,
    },
    DemoAccount {
        username: "awo.leitung",
        display_name: "Petra Lang",
        organisation: 2,
        team: Some("Team Nord"),
        roles: &[Role::TeamLead, Role::Im],
        municipalities: &["08990002"],
        fte: Some("0,5"),
    },
    DemoAccount {
        username: "awo.im1",
        display_name: "Ahmad Karimi",
        organisation: 2,
        team: Some("Team Nord"),
        roles: &[Role::Im],
        municipalities: &["08990002"],
        fte: Some("1"),
    },
    DemoAccount {
        username: "awo.im2",
        display_name: "Olena Kovalenko",
        organisation: 2,
        team: Some("Team Süd"),
        roles: &[Role::Im],
        municipalities: &["08990003"],
        fte: Some("0,8"),
    },
    DemoAccount {
        username: "caritas.leitung",
        display_name: "Stefan Roth",
        organisation: 3,
        team: Some("Integrationsmanagement"),
        roles: &[Role::TeamLead],
        municipalities: &[],
        fte: Some("0,5"),
    },
    DemoAccount {
        username: "caritas.im",
        display_name: "Amina Haddad",
        organisation: 3,
        team: Some("Integrationsmanagement"),
        roles: &[Role::Im],
        municipalities: &["08990003", "08990004"],
        fte: Some("1"),
    },
];

/// The demo password's hash, computed once per process (Argon2id is deliberately slow).
async fn demo_hash() -> Result<String> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(h) = HASH.get() {
        return Ok(h.clone());
    }
    let h = crate::administration::auth::hash_password(DEMO_PASSWORD).await?;
    Ok(HASH.get_or_init(|| h).clone())
}

fn bad(e: impl std::fmt::Debug) -> Error {
    Error::Internal(format!("demo data is invalid: {e:?}"))
}

/// Fills an empty database with the demo county. Returns the staff ids by user name.
pub async fn seed(
    db: &Db,
    clock: &dyn Clock,
) -> Result<std::collections::HashMap<&'static str, i64>> {
    let now = clock.now();
    let hash = demo_hash().await?;
    let txn = db.begin().await?;
    crate::administration::settings::set(
        &txn,
        crate::administration::settings::DEPLOYMENT_NAME,
        DEPLOYMENT,
    )
    .await?;
    for (ags, name) in MUNICIPALITIES {
        let input = MunicipalityInput::parse(ags, name).map_err(bad)?;
        crate::administration::municipalities::insert(&txn, now, &input).await?;
    }
    let mut org_ids = Vec::new();
    let mut team_ids = std::collections::HashMap::new();
    for (name, kind, ags, teams) in ORGANISATIONS {
        let input = OrganisationInput {
            name: Name::parse(name).map_err(bad)?,
            kind: *kind,
            municipality: ags.map(Ags::parse).transpose().map_err(bad)?,
        };
        let id = crate::administration::organisations::insert(&txn, now, &input).await?;
        for t in *teams {
            let tid =
                crate::administration::teams::insert(&txn, now, id, &Name::parse(t).map_err(bad)?)
                    .await?;
            team_ids.insert((id, *t), tid);
        }
        org_ids.push(id);
    }
    let (y, m, d) = SERVED_SINCE;
    let since = chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| bad("served since"))?;
    for (org, municipalities) in SERVICE_AREAS {
        let org = *org_ids.get(*org).ok_or_else(|| bad("organisation index"))?;
        for ags in *municipalities {
            crate::administration::service_areas::insert(&txn, now, org, ags, since).await?;
        }
    }
    let mut ids = std::collections::HashMap::new();
    for a in ACCOUNTS {
        let org = *org_ids
            .get(a.organisation)
            .ok_or_else(|| bad("organisation index"))?;
        let input = StaffInput {
            username: Username::parse(a.username).map_err(bad)?,
            display_name: Name::parse(a.display_name).map_err(bad)?,
            email: Email::parse_optional(&format!("{}@neckartal.example", a.username))
                .map_err(bad)?,
            organisation_id: org,
            team_id: a.team.and_then(|t| team_ids.get(&(org, t)).copied()),
            roles: RoleSet::new(a.roles.iter().copied()),
            municipalities: a
                .municipalities
                .iter()
                .map(|m| Ags::parse(m))
                .collect::<std::result::Result<_, _>>()
                .map_err(bad)?,
            locale: Locale::De,
            fte: a
                .fte
                .map(Fte::parse_optional)
                .transpose()
                .map_err(bad)?
                .flatten(),
        };
        let id =
            crate::administration::staff::insert(&txn, now, &input, Some(hash.clone())).await?;
        ids.insert(a.username, id);
    }
    let who = Who {
        staff_id: None,
        organisation_id: None,
        roles: "system".into(),
    };
    audit::record_as(&txn, now, &who, None, Event::new("demo_data_loaded")).await?;
    txn.commit().await?;
    Ok(ids)
}
