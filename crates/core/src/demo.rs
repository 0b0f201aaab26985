//! The demo county: a fictional "Landkreis Neckartal" with its county office, municipalities (AGS in
//! the official format), a municipality that employs its own staff, two welfare providers, teams, and
//! staff in every role. Used by `ankommen serve --demo` and as the test fixtures.

use std::sync::OnceLock;

use ankommen_store::Db;

use crate::administration::municipalities::MunicipalityInput;
use crate::administration::organisations::OrganisationInput;
use crate::administration::staff::StaffInput;
use crate::kernel::audit::{self, Event, Who};
use crate::kernel::types::{Ags, Email, Fte, Locale, Name, OrgKind, Role, RoleSet, Username};
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

/// A demo client: (IM, given, family, original spelling, birth, clock start, target group,
/// consent language or none).
type DemoClient = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    crate::kernel::catalog::TargetGroup,
    Option<&'static str>,
);

const CLIENTS: &[DemoClient] = {
    use crate::kernel::catalog::TargetGroup::*;
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
    use crate::casework::clients::{
        self, Intake, IntakeForm, MemberCase, MinimumForm, MinimumInput,
    };
    use crate::records::consent::{self, ConsentInput};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let mut seeded: Vec<Seeded> = Vec::new();
    for (im, given, family, original, birth, start, group, lang) in CLIENTS {
        let staff_id = *ids.get(im).ok_or_else(|| bad(im))?;
        let actor = crate::administration::sessions::load_actor(db.writer(), staff_id)
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
        let crate::casework::clients::Registered::Created { person_id, case_id } =
            clients::register(
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
        let opened = crate::kernel::types::parse_date(start).map_err(bad)?;
        ankommen_store::entities::case::Entity::update_many()
            .col_expr(
                ankommen_store::entities::case::Column::OpenedOn,
                Expr::value(opened),
            )
            .filter(ankommen_store::entities::case::Column::Id.eq(case_id))
            .exec(db.writer())
            .await?;
        // ... and its timeline says so.
        ankommen_store::entities::case_event::Entity::update_many()
            .col_expr(
                ankommen_store::entities::case_event::Column::OnDate,
                Expr::value(opened),
            )
            .filter(ankommen_store::entities::case_event::Column::CaseId.eq(case_id))
            .filter(ankommen_store::entities::case_event::Column::Kind.eq("opened"))
            .exec(db.writer())
            .await?;
        seeded.push(Seeded {
            family,
            person_id,
            case_id,
            staff_id,
        });
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
                    crate::kernel::catalog::HouseholdRelation::Partner,
                    MemberCase::Join(case_id),
                ),
                (
                    "Lina",
                    "لينا حداد",
                    "2018",
                    crate::kernel::catalog::HouseholdRelation::Child,
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
            let release = crate::records::releases::ReleaseInput::parse(
                &crate::records::releases::ReleaseForm {
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
                },
            )
            .map_err(bad)?;
            crate::records::releases::create(db, &ctx, person_id, release).await?;
        }
    }
    let today = clock
        .now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive();
    seed_casework(db, clock.now(), today, &seeded).await
}

/// A demo outcome: days ago, type, level, certificate, course, employment type.
type DemoOutcome = (
    i64,
    &'static str,
    Option<&'static str>,
    Option<bool>,
    Option<&'static str>,
    Option<&'static str>,
);

/// A demo client as registered: whose case, by whom.
struct Seeded {
    family: &'static str,
    person_id: i64,
    case_id: i64,
    staff_id: i64,
}

/// What the demo IMs have done and planned with their clients, dated relative to today, so that
/// every kind of item shows on their working day: plans with goals and steps (some overdue),
/// reviews, counselling contacts, follow-ups, outcomes, an expiring release and residence permit,
/// and a recently withdrawn consent.
async fn seed_casework(
    db: &Db,
    now: chrono::DateTime<chrono::Utc>,
    today: chrono::NaiveDate,
    seeded: &[Seeded],
) -> Result<()> {
    use ankommen_store::entities::{
        consent, contact, contact_person, followup, goal, outcome, person, plan, release, review,
        step,
    };
    use sea_orm::ActiveValue::{NotSet, Set};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let day = |n: i64| today + chrono::Duration::days(n);
    let tx = db.begin().await?;
    for s in seeded {
        let by = s.staff_id;
        // (field, text, created days ago, status, closed days ago)
        let goals: &[(&str, &str, i64, &str, Option<i64>)] = match s.family {
            "Haddad" => &[
                (
                    "language",
                    "Ich möchte B1 schaffen, damit ich als Elektriker arbeiten kann.",
                    170,
                    "in_progress",
                    None,
                ),
                (
                    "work",
                    "Eine Stelle als Elektriker finden.",
                    170,
                    "open",
                    None,
                ),
                (
                    "school_childcare",
                    "Lina bekommt einen Kita-Platz in Bergfelden.",
                    170,
                    "reached",
                    Some(30),
                ),
            ],
            "Ahmadi" => &[
                (
                    "housing",
                    "Eine eigene Wohnung für mich und meine Tochter.",
                    400,
                    "in_progress",
                    None,
                ),
                (
                    "language",
                    "Deutsch so gut sprechen, dass ich allein zum Arzt gehen kann.",
                    400,
                    "reached",
                    Some(90),
                ),
            ],
            "Shevchenko" => &[(
                "work",
                "Wieder als Buchhalterin arbeiten.",
                700,
                "reached",
                Some(100),
            )],
            "Rahimi" => &[(
                "language",
                "Einen Integrationskurs besuchen.",
                20,
                "open",
                None,
            )],
            "Gebremedhin" => &[(
                "training_studies",
                "Eine Ausbildung als Pflegefachmann beginnen.",
                160,
                "in_progress",
                None,
            )],
            "Yılmaz" => &[(
                "work",
                "Den Führerschein machen, um als Fahrer zu arbeiten.",
                300,
                "in_progress",
                None,
            )],
            "Melnyk" => &[(
                "language",
                "Deutsch B2 für die Anerkennung als Lehrerin.",
                175,
                "in_progress",
                None,
            )],
            "Noori" => &[("health", "Eine Hausärztin finden.", 60, "open", None)],
            _ => &[],
        };
        let mut goal_ids = Vec::new();
        if !goals.is_empty() {
            plan::Entity::insert(plan::ActiveModel {
                id: NotSet,
                case_id: Set(s.case_id),
                review_interval_months: Set(None),
                created_by: Set(by),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            })
            .exec(&tx)
            .await?;
        }
        for (i, (field, text, ago, status, closed)) in goals.iter().enumerate() {
            let id = goal::Entity::insert(goal::ActiveModel {
                id: NotSet,
                case_id: Set(s.case_id),
                person_id: Set(None),
                field_key: Set((*field).into()),
                text: Set((*text).into()),
                priority: Set(Some(if i == 0 { 1 } else { 2 })),
                target_date: Set(Some(day(180))),
                status: Set((*status).into()),
                status_reason: Set(None),
                created_on: Set(day(-ago)),
                closed_on: Set(closed.map(|c| day(-c))),
                position: Set(i32::try_from(i).unwrap_or(0) + 1),
                external_id: Set(None),
                created_by: Set(by),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            })
            .exec(&tx)
            .await?
            .last_insert_id;
            goal_ids.push(id);
        }
        // (goal index, text, owner, due in days, done days ago)
        let steps: &[(usize, &str, &str, i64, Option<i64>)] = match s.family {
            "Haddad" => &[
                (
                    0,
                    "Anmeldung zum B1-Kurs an der VHS abgeben",
                    "client",
                    -3,
                    None,
                ),
                (
                    1,
                    "Anerkennung des Berufsabschlusses bei der IHK FOSA beantragen",
                    "im",
                    4,
                    None,
                ),
                (2, "Kita-Anmeldung abgeben", "client", -45, Some(40)),
            ],
            "Ahmadi" => &[(
                0,
                "Wohnberechtigungsschein beim Bürgeramt beantragen",
                "client",
                -10,
                None,
            )],
            "Rahimi" => &[(
                0,
                "Berechtigungsschein für den Integrationskurs holen",
                "third_party",
                2,
                None,
            )],
            "Gebremedhin" => &[(
                0,
                "Bewerbung an die Pflegeschule schicken",
                "client",
                6,
                None,
            )],
            "Yılmaz" => &[(0, "Sehtest und Erste-Hilfe-Kurs machen", "client", -5, None)],
            _ => &[],
        };
        for (i, (g, text, owner, due, done)) in steps.iter().enumerate() {
            let Some(goal_id) = goal_ids.get(*g) else {
                continue;
            };
            step::Entity::insert(step::ActiveModel {
                id: NotSet,
                goal_id: Set(*goal_id),
                case_id: Set(s.case_id),
                text: Set((*text).into()),
                owner: Set((*owner).into()),
                third_party: Set((*owner == "third_party").then(|| "Jobcenter Neckartal".into())),
                due_on: Set(Some(day(*due))),
                done_on: Set(done.map(|d| day(-d))),
                position: Set(i32::try_from(i).unwrap_or(0) + 1),
                external_id: Set(None),
                created_by: Set(by),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            })
            .exec(&tx)
            .await?;
        }
        // Reviews held (days ago).
        let reviews: &[i64] = match s.family {
            "Ahmadi" => &[380, 200],
            "Shevchenko" => &[500, 300],
            _ => &[],
        };
        for ago in reviews {
            review::Entity::insert(review::ActiveModel {
                id: NotSet,
                case_id: Set(s.case_id),
                held_on: Set(day(-ago)),
                participants: Set(Some("Klientin, Integrationsmanager".into())),
                summary: Set(Some("Gute Fortschritte, Ziele angepasst.".into())),
                changes: Set(None),
                external_id: Set(None),
                created_by: Set(by),
                created_at: Set(now),
            })
            .exec(&tx)
            .await?;
        }
        // Contacts (days ago, kind, minutes, topics, interpreter language).
        let contacts: &[(i64, &str, i32, &str, Option<&str>)] = match s.family {
            "Haddad" => &[
                (160, "home_visit", 90, "housing,language", Some("ar")),
                (120, "office_hours", 45, "language", None),
                (60, "accompaniment", 120, "work", Some("ar")),
                (12, "office_appointment", 60, "work,language", None),
            ],
            "Ahmadi" => &[
                (300, "home_visit", 60, "housing", Some("fa")),
                (150, "phone", 15, "housing", None),
                (45, "office_hours", 30, "housing,health", None),
            ],
            "Shevchenko" => &[(20, "video_messenger", 20, "work", None)],
            "Rahimi" => &[(4, "home_visit", 75, "language,family", Some("prs"))],
            "Yusuf" => &[(3, "office_hours", 40, "language", None)],
            "Gebremedhin" => &[(10, "office_appointment", 50, "training_studies", Some("ti"))],
            "Yılmaz" => &[(50, "phone", 20, "work", None)],
            "Melnyk" => &[(15, "group", 120, "participation", None)],
            "Noori" => &[(2, "home_visit", 60, "health", Some("fa"))],
            _ => &[],
        };
        for (ago, kind, minutes, topics, interpreter) in contacts.iter() {
            let id = contact::Entity::insert(contact::ActiveModel {
                id: NotSet,
                case_id: Set(s.case_id),
                contact_date: Set(day(-ago)),
                minutes: Set(Some(*minutes)),
                contact_kind: Set((*kind).into()),
                topics: Set((*topics).into()),
                interpreter_language: Set(interpreter.map(str::to_string)),
                interpreter_type: Set(interpreter.map(|_| "professional".into())),
                note: Set(None),
                external_id: Set(None),
                created_by: Set(by),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            })
            .exec(&tx)
            .await?
            .last_insert_id;
            contact_person::Entity::insert(contact_person::ActiveModel {
                contact_id: Set(id),
                person_id: Set(s.person_id),
            })
            .exec_without_returning(&tx)
            .await?;
        }
        // Follow-ups (due in days, reason).
        let followups: &[(i64, &str)] = match s.family {
            "Haddad" => &[(0, "Rückmeldung des Jobcenters zum Sprachkurs nachfragen")],
            "Tesfay" => &[(-2, "Termin bei der Ausländerbehörde begleiten")],
            "Shevchenko" => &[(5, "Abschlussgespräch vorbereiten")],
            "Rahimi" => &[(0, "Kursplatz bei der VHS nachfragen")],
            "Gebremedhin" => &[(-1, "Zusage der Pflegeschule nachfragen")],
            "Noori" => &[(0, "Termin bei der Hausärztin bestätigen")],
            _ => &[],
        };
        for (due, reason) in followups.iter() {
            // Set two weeks before it is due, as an IM would have.
            let set_at = now + chrono::Duration::days(due - 14);
            followup::Entity::insert(followup::ActiveModel {
                id: NotSet,
                case_id: Set(s.case_id),
                due_on: Set(day(*due)),
                reason: Set((*reason).into()),
                done_on: Set(None),
                first_due_on: Set(None),
                contact_id: Set(None),
                created_by: Set(by),
                created_at: Set(set_at),
                updated_at: Set(set_at),
                version: Set(1),
            })
            .exec(&tx)
            .await?;
        }
        // Outcomes (days ago, type, level, certificate, course, employment type).
        let outcomes: &[DemoOutcome] = match s.family {
            "Haddad" => &[(
                200,
                "german_level",
                Some("A2"),
                Some(true),
                Some("integration"),
                None,
            )],
            "Ahmadi" => &[
                (
                    90,
                    "german_level",
                    Some("B1"),
                    Some(true),
                    Some("integration"),
                    None,
                ),
                (60, "employment", None, None, None, Some("mini_job")),
            ],
            "Shevchenko" => &[
                (
                    100,
                    "employment",
                    None,
                    None,
                    None,
                    Some("social_insurance"),
                ),
                (50, "rental_contract", None, None, None, None),
            ],
            "Melnyk" => &[(30, "course", None, None, Some("job_language"), None)],
            _ => &[],
        };
        for (ago, kind, level, cert, course, employment) in outcomes.iter() {
            outcome::Entity::insert(outcome::ActiveModel {
                id: NotSet,
                person_id: Set(s.person_id),
                outcome_date: Set(day(-ago)),
                outcome_type: Set((*kind).into()),
                level: Set(level.map(str::to_string)),
                certificate: Set(*cert),
                course: Set(course.map(str::to_string)),
                employment_type: Set(employment.map(str::to_string)),
                until_date: Set(None),
                place: Set(None),
                external_id: Set(None),
                created_by: Set(by),
                created_at: Set(now),
                version: Set(1),
            })
            .exec(&tx)
            .await?;
        }
        match s.family {
            // A residence permit and a release that expire soon.
            "Haddad" => {
                person::Entity::update_many()
                    .col_expr(
                        person::Column::ResidenceStatus,
                        Expr::value("residence_permit"),
                    )
                    .col_expr(person::Column::ResidenceValidUntil, Expr::value(day(25)))
                    .filter(person::Column::Id.eq(s.person_id))
                    .exec(&tx)
                    .await?;
                release::Entity::insert(release::ActiveModel {
                    id: NotSet,
                    person_id: Set(s.person_id),
                    recipient_organisation_id: Set(None),
                    recipient_name: Set("Kita Sonnenschein Bergfelden".into()),
                    recipient_category: Set(None),
                    data_categories: Set("identity,family".into()),
                    purpose: Set("Anmeldung und Eingewöhnung von Lina".into()),
                    valid_from: Set(day(-170)),
                    valid_until: Set(Some(day(20))),
                    mutual: Set(false),
                    revoked_on: Set(None),
                    external_id: Set(None),
                    created_at: Set(now),
                    created_by: Set(by),
                    version: Set(1),
                })
                .exec(&tx)
                .await?;
            }
            // A consent given and withdrawn a few days ago.
            "Tesfay" => {
                consent::Entity::insert(consent::ActiveModel {
                    id: NotSet,
                    person_id: Set(s.person_id),
                    text_version: Set("2026-1".into()),
                    language: Set("ti".into()),
                    given_on: Set(day(-25)),
                    form: Set("paper".into()),
                    document_id: Set(None),
                    withdrawn_on: Set(Some(day(-6))),
                    withdrawal_note: Set(None),
                    external_id: Set(None),
                    created_at: Set(now),
                    created_by: Set(by),
                    version: Set(1),
                })
                .exec(&tx)
                .await?;
            }
            _ => {}
        }
    }
    tx.commit().await?;
    Ok(())
}
