//! The demo county: a fictional "Landkreis Neckartal" with its county office, municipalities (AGS in
//! the official format), a municipality that employs its own staff, two welfare providers, teams, and
//! staff in every role. Used by `ankommen serve --demo` and as the test fixtures.

use std::sync::OnceLock;

use ankommen_store::Db;
use sea_orm::TransactionTrait;

use crate::audit::{self, Event, Who};
use crate::municipalities::MunicipalityInput;
use crate::organisations::OrganisationInput;
use crate::staff::StaffInput;
use crate::types::{Ags, Email, Fte, Locale, Name, OrgKind, Role, RoleSet, Username};
use crate::{Clock, Error, Result};

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
    let h = crate::auth::hash_password(DEMO_PASSWORD).await?;
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
    let txn = db.writer().begin().await?;
    crate::settings::set(&txn, crate::settings::DEPLOYMENT_NAME, DEPLOYMENT).await?;
    for (ags, name) in MUNICIPALITIES {
        let input = MunicipalityInput::parse(ags, name).map_err(bad)?;
        crate::municipalities::insert(&txn, now, &input).await?;
    }
    let mut org_ids = Vec::new();
    let mut team_ids = std::collections::HashMap::new();
    for (name, kind, ags, teams) in ORGANISATIONS {
        let input = OrganisationInput {
            name: Name::parse(name).map_err(bad)?,
            kind: *kind,
            municipality: ags.map(Ags::parse).transpose().map_err(bad)?,
        };
        let id = crate::organisations::insert(&txn, now, &input).await?;
        for t in *teams {
            let tid = crate::teams::insert(&txn, now, id, &Name::parse(t).map_err(bad)?).await?;
            team_ids.insert((id, *t), tid);
        }
        org_ids.push(id);
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
        let id = crate::staff::insert(&txn, now, &input, Some(hash.clone())).await?;
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

/// A demo client: (IM, given, family, original spelling, birth, clock start, target group,
/// consent language or none).
type DemoClient = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    crate::catalog::TargetGroup,
    Option<&'static str>,
);

const CLIENTS: &[DemoClient] = {
    use crate::catalog::TargetGroup::*;
    &[
        (
            "awo.im1",
            "Mohammad",
            "Haddad",
            Some("محمد حداد"),
            "1988",
            "2025-04-01",
            FollowUpHousing,
            Some("ar"),
        ),
        (
            "awo.im1",
            "Zahra",
            "Ahmadi",
            Some("زهرا احمدی"),
            "1993",
            "2024-03-15",
            FollowUpHousing,
            Some("fa"),
        ),
        (
            "awo.im1",
            "Dawit",
            "Tesfay",
            Some("ዳዊት ተስፋይ"),
            "1996",
            "2026-10-20",
            FollowUpHousing,
            None,
        ),
        (
            "awo.im1",
            "Iryna",
            "Shevchenko",
            Some("Ірина Шевченко"),
            "12.05.1979",
            "2023-09-01",
            Ukraine,
            Some("uk"),
        ),
        (
            "awo.im2",
            "Hamid",
            "Rahimi",
            Some("حمید رحیمی"),
            "1990",
            "2025-11-01",
            FollowUpHousing,
            Some("prs"),
        ),
        (
            "awo.im2",
            "Amina",
            "Yusuf",
            None,
            "2001",
            "2026-02-01",
            FollowUpHousing,
            Some("so"),
        ),
        (
            "caritas.im",
            "Yonas",
            "Gebremedhin",
            Some("ዮናስ ገብረመድህን"),
            "1994",
            "2025-06-01",
            FollowUpHousing,
            Some("ti"),
        ),
        (
            "talheim.im",
            "Mehmet",
            "Yılmaz",
            None,
            "1985",
            "2024-12-01",
            FollowUpHousing,
            Some("tr"),
        ),
        (
            "talheim.im",
            "Oksana",
            "Melnyk",
            Some("Оксана Мельник"),
            "1990",
            "2025-03-10",
            Ukraine,
            Some("uk"),
        ),
        (
            "kreis.im",
            "Fatima",
            "Noori",
            Some("فاطمه نوری"),
            "1999",
            "2025-08-01",
            FollowUpHousing,
            Some("fa"),
        ),
    ]
};

/// Adds demo clients, households, consents and a release (for `serve --demo`; the tests start
/// without clients). Everything goes through the same services as real work, as the IMs.
pub async fn seed_clients(
    db: &Db,
    clock: std::sync::Arc<dyn Clock>,
    ids: &std::collections::HashMap<&'static str, i64>,
) -> Result<()> {
    use crate::clients::{self, Intake, IntakeForm, MemberCase, MinimumForm, MinimumInput};
    use crate::consent::{self, ConsentInput};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    for (im, given, family, original, birth, start, group, lang) in CLIENTS {
        let staff_id = *ids.get(im).ok_or_else(|| bad(im))?;
        let actor = crate::sessions::load_actor(db.writer(), staff_id)
            .await?
            .ok_or_else(|| bad(im))?;
        let ctx = crate::Ctx {
            actor,
            clock: clock.clone(),
            request_id: None,
        };
        let today = ctx.today();
        let form = MinimumForm {
            given_name: (*given).into(),
            family_name: (*family).into(),
            name_original: original.unwrap_or("").into(),
            birth: (*birth).into(),
            municipality: ctx
                .actor
                .municipalities
                .first()
                .cloned()
                .unwrap_or_default(),
            au_move_in: (*start).into(),
            target_group: group.as_str().into(),
        };
        let minimum = MinimumInput::parse(&form, today).map_err(bad)?;
        let crate::clients::Registered::Created { person_id, case_id } = clients::register(
            db,
            &ctx,
            clients::RegisterInput {
                minimum,
                clock_start: None,
                eligibility_note: None,
                duplicates_checked: true,
            },
        )
        .await?
        else {
            return Err(bad("duplicate demo client"));
        };
        // The case began with the move-in, not today.
        let opened = crate::types::parse_date(start).map_err(bad)?;
        ankommen_store::entities::case::Entity::update_many()
            .col_expr(
                ankommen_store::entities::case::Column::OpenedOn,
                Expr::value(opened),
            )
            .filter(ankommen_store::entities::case::Column::Id.eq(case_id))
            .exec(db.writer())
            .await?;
        let Some(lang) = lang else { continue };
        let given_on = opened.max(today - chrono::Duration::days(400)).to_string();
        let input =
            ConsentInput::parse("2026-1", lang, &given_on, "paper", None, today).map_err(bad)?;
        consent::record(db, &ctx, person_id, input).await?;
        let intake = Intake::parse(&IntakeForm {
            languages: vec![((*lang).into(), "native".into())],
            german_level: "A2".into(),
            housing: "follow_up_housing".into(),
            ..IntakeForm::default()
        })
        .map_err(bad)?;
        clients::update_intake(db, &ctx, person_id, 1, intake).await?;
        if *family == "Haddad" {
            for (g, o, b, rel, mode) in [
                (
                    "Rania",
                    "رانيا حداد",
                    "1991",
                    crate::catalog::HouseholdRelation::Partner,
                    MemberCase::Join(case_id),
                ),
                (
                    "Lina",
                    "لينا حداد",
                    "2018",
                    crate::catalog::HouseholdRelation::Child,
                    MemberCase::Join(case_id),
                ),
            ] {
                let m = MinimumInput::parse(
                    &MinimumForm {
                        given_name: g.into(),
                        family_name: "Haddad".into(),
                        name_original: o.into(),
                        birth: b.into(),
                        municipality: form.municipality.clone(),
                        au_move_in: (*start).into(),
                        target_group: group.as_str().into(),
                    },
                    today,
                )
                .map_err(bad)?;
                clients::add_member(db, &ctx, person_id, m, rel, mode).await?;
            }
            let release = crate::releases::ReleaseInput::parse(&crate::releases::ReleaseForm {
                recipient: "other".into(),
                recipient_name: "Jobcenter Neckartal".into(),
                recipient_category: "jobcenter".into(),
                categories: vec![
                    "identity".into(),
                    "language_education".into(),
                    "work".into(),
                ],
                purpose: "Vermittlung in einen Sprachkurs und in Arbeit".into(),
                valid_from: given_on.clone(),
                valid_until: (today + chrono::Duration::days(300)).to_string(),
                mutual: true,
            })
            .map_err(bad)?;
            crate::releases::create(db, &ctx, person_id, release).await?;
        }
    }
    Ok(())
}
