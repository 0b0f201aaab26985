//! The county-sized dataset of the benchmark: the demo county's organisations, municipalities and
//! teams, 40 IMs and 5 team leads with a known password, and households with cases, consents,
//! releases, contacts, plans (goals, steps, reviews), follow-ups and outcomes over several years.
//!
//! Deterministic: the same seed, size and day give the same rows (a SplitMix64 generator, no
//! outside randomness). Fast: rows carry their ids (the database is required to be empty), so whole
//! batches are written with multi-row inserts, one transaction per batch, parents before children.
//!
//! Contact notes are left empty (NULL): notes are confidential and sealed by the contacts service;
//! the pages measured only show that a note exists. Plan versions (frozen snapshots) are not
//! generated either; reviews are.

use ankommen_core::Clock;
use ankommen_store::Db;
use ankommen_store::connect::Backend;
use ankommen_store::entities::{
    case, case_assignment, case_event, case_pause, case_person, consent, contact, contact_person,
    followup, goal, household, organisation, outcome, person, plan, release, review,
    review_assessment, staff, staff_municipality, staff_role, step, team,
};
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Statement,
};

use crate::Failure;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Params {
    pub clients: usize,
    pub years: u32,
    pub seed: u64,
    pub password: String,
}

/// What was generated.
#[derive(Clone, Debug)]
pub struct Report {
    /// (table, rows) in insertion order.
    pub counts: Vec<(&'static str, u64)>,
    pub ims: Vec<String>,
    pub leads: Vec<String>,
    pub teams: usize,
}

/// Contacts per client in the county: 400,000 contacts for 7,500 clients over 5 years.
const CONTACTS_PER_CLIENT_5Y: f64 = 400_000.0 / 7_500.0;
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
/// Contacts buffered before a batch is written.
const FLUSH_AT: usize = 5_000;
/// Rows per INSERT statement (well below the bind-parameter limits of both databases).
const ROWS_PER_INSERT: usize = 400;

fn db_err(e: DbErr) -> Failure {
    Failure::new(format!("writing the county dataset failed: {e}"))
}

fn core_err(e: ankommen_core::Error) -> Failure {
    Failure::new(format!("writing the county dataset failed: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// SplitMix64: tiny, fast, and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in 0..n (0 when n is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    /// A number in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below((hi - lo + 1) as u64) as i64
        }
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// An item by weight.
    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| *w).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[items.len() - 1].0
    }
}

// ---------------------------------------------------------------------------------------------
// Names and texts

/// An origin group: household language, target group, family names (Latin, original), given names
/// (female, male) with their original spelling.
struct Origin {
    lang: &'static str,
    ukraine: bool,
    family: &'static [(&'static str, Option<&'static str>)],
    female: &'static [(&'static str, Option<&'static str>)],
    male: &'static [(&'static str, Option<&'static str>)],
}

const ORIGINS: &[(Origin, u32)] = &[
    (
        Origin {
            lang: "ar",
            ukraine: false,
            family: &[
                ("Haddad", Some("حداد")),
                ("Khalil", Some("خليل")),
                ("Hassan", Some("حسن")),
                ("Ibrahim", Some("إبراهيم")),
                ("Mansour", Some("منصور")),
                ("Darwish", Some("درويش")),
                ("Saleh", Some("صالح")),
                ("Nasser", Some("ناصر")),
                ("Al-Ali", Some("العلي")),
                ("Yousef", Some("يوسف")),
            ],
            female: &[
                ("Rania", Some("رانيا")),
                ("Lina", Some("لينا")),
                ("Fatima", Some("فاطمة")),
                ("Amal", Some("أمل")),
                ("Nour", Some("نور")),
                ("Huda", Some("هدى")),
                ("Salma", Some("سلمى")),
            ],
            male: &[
                ("Mohammad", Some("محمد")),
                ("Ahmad", Some("أحمد")),
                ("Omar", Some("عمر")),
                ("Khaled", Some("خالد")),
                ("Yusuf", Some("يوسف")),
                ("Karim", Some("كريم")),
                ("Samir", Some("سمير")),
            ],
        },
        30,
    ),
    (
        Origin {
            lang: "fa",
            ukraine: false,
            family: &[
                ("Ahmadi", Some("احمدی")),
                ("Rahimi", Some("رحیمی")),
                ("Karimi", Some("کریمی")),
                ("Noori", Some("نوری")),
                ("Hosseini", Some("حسینی")),
                ("Sultani", Some("سلطانی")),
                ("Jafari", Some("جعفری")),
            ],
            female: &[
                ("Zahra", Some("زهرا")),
                ("Maryam", Some("مریم")),
                ("Shirin", Some("شیرین")),
                ("Parisa", Some("پریسا")),
                ("Nargis", Some("نرگس")),
            ],
            male: &[
                ("Hamid", Some("حمید")),
                ("Ali", Some("علی")),
                ("Reza", Some("رضا")),
                ("Javad", Some("جواد")),
                ("Mustafa", Some("مصطفی")),
            ],
        },
        25,
    ),
    (
        Origin {
            lang: "uk",
            ukraine: true,
            family: &[
                ("Shevchenko", Some("Шевченко")),
                ("Melnyk", Some("Мельник")),
                ("Kovalenko", Some("Коваленко")),
                ("Bondarenko", Some("Бондаренко")),
                ("Tkachenko", Some("Ткаченко")),
                ("Kravchenko", Some("Кравченко")),
                ("Oliinyk", Some("Олійник")),
            ],
            female: &[
                ("Iryna", Some("Ірина")),
                ("Oksana", Some("Оксана")),
                ("Olena", Some("Олена")),
                ("Natalia", Some("Наталія")),
                ("Sofiia", Some("Софія")),
            ],
            male: &[
                ("Andrii", Some("Андрій")),
                ("Oleksandr", Some("Олександр")),
                ("Dmytro", Some("Дмитро")),
                ("Serhii", Some("Сергій")),
                ("Maksym", Some("Максим")),
            ],
        },
        25,
    ),
    (
        Origin {
            lang: "ti",
            ukraine: false,
            family: &[
                ("Tesfay", Some("ተስፋይ")),
                ("Gebremedhin", Some("ገብረመድህን")),
                ("Haile", Some("ሃይለ")),
                ("Berhane", Some("በርሀነ")),
            ],
            female: &[("Senait", None), ("Helen", None), ("Meron", None)],
            male: &[("Dawit", None), ("Yonas", None), ("Samuel", None)],
        },
        8,
    ),
    (
        Origin {
            lang: "tr",
            ukraine: false,
            family: &[
                ("Yılmaz", None),
                ("Demir", None),
                ("Kaya", None),
                ("Şahin", None),
                ("Aslan", None),
            ],
            female: &[("Ayşe", None), ("Elif", None), ("Zeynep", None)],
            male: &[("Mehmet", None), ("Emre", None), ("Hasan", None)],
        },
        7,
    ),
    (
        Origin {
            lang: "so",
            ukraine: false,
            family: &[("Yusuf", None), ("Abdi", None), ("Warsame", None)],
            female: &[("Amina", None), ("Hodan", None), ("Sahra", None)],
            male: &[("Abdullahi", None), ("Mahad", None), ("Liban", None)],
        },
        5,
    ),
];

const FIELDS: &[&str] = &[
    "language",
    "school_childcare",
    "training_studies",
    "work",
    "housing",
    "health",
    "finances",
    "residence",
    "family",
    "participation",
    "daily_life",
];

fn goal_text(field: &str, rng: &mut Rng) -> &'static str {
    let options: &[&str] = match field {
        "language" => &[
            "Ich möchte den Integrationskurs mit B1 abschließen.",
            "Ich will beim Arzt ohne Dolmetscher sprechen können.",
        ],
        "school_childcare" => &[
            "Meine Tochter bekommt einen Kita-Platz.",
            "Die Kinder kommen in der Schule gut mit.",
        ],
        "training_studies" => &[
            "Ich möchte eine Ausbildung als Pflegefachkraft beginnen.",
            "Mein Abschluss wird in Deutschland anerkannt.",
        ],
        "work" => &[
            "Ich finde eine Arbeit in meinem Beruf.",
            "Ich möchte einen Minijob neben dem Kurs.",
        ],
        "housing" => &[
            "Wir finden eine eigene Wohnung.",
            "Wir ziehen aus der Anschlussunterbringung aus.",
        ],
        "health" => &[
            "Ich habe eine Hausärztin, die mich versteht.",
            "Ich bekomme eine Therapie.",
        ],
        "finances" => &[
            "Ich verstehe meine Post vom Jobcenter.",
            "Wir haben keine Schulden mehr.",
        ],
        "residence" => &[
            "Meine Aufenthaltserlaubnis wird verlängert.",
            "Ich stelle den Antrag auf Familiennachzug.",
        ],
        "family" => &[
            "Meine Frau und die Kinder kommen nach Deutschland.",
            "Wir bekommen Unterstützung bei der Erziehung.",
        ],
        "participation" => &[
            "Ich mache im Sportverein mit.",
            "Ich engagiere mich ehrenamtlich.",
        ],
        _ => &[
            "Ich fahre allein mit dem Bus zur Arbeit.",
            "Ich mache den Führerschein.",
        ],
    };
    options[rng.below(options.len() as u64) as usize]
}

const STEP_TEXTS: &[&str] = &[
    "Termin beim Jobcenter vereinbaren",
    "Unterlagen zusammenstellen",
    "Anmeldung zum Kurs abgeben",
    "Bewerbung schreiben",
    "Antrag ausfüllen und einreichen",
    "Beratungsstelle gemeinsam besuchen",
    "Wohnungsanzeigen durchsehen",
    "Rückmeldung der Behörde abwarten",
];
const THIRD_PARTIES: &[&str] = &[
    "Jobcenter Neckartal",
    "Volkshochschule Neckartal",
    "Ausländerbehörde",
    "Schuldnerberatung",
    "Kita Sonnenschein",
];
const FOLLOWUP_REASONS: &[&str] = &[
    "Bescheid des Jobcenters nachfragen",
    "Kursanmeldung prüfen",
    "Wohnungsbesichtigung nachbereiten",
    "Unterlagen für die Ausländerbehörde",
    "Rückruf wegen Kita-Platz",
];
const IM_NAMES: &[&str] = &[
    "Anna Becker",
    "Jonas Wagner",
    "Laura Schulz",
    "Felix Hoffmann",
    "Sarah Koch",
    "Lukas Richter",
    "Julia Klein",
    "David Wolf",
    "Lea Schröder",
    "Tim Neumann",
];

// ---------------------------------------------------------------------------------------------
// Batches

/// Rows waiting to be written, in the order their tables must be filled.
#[derive(Default)]
struct Batch {
    households: Vec<household::ActiveModel>,
    persons: Vec<person::ActiveModel>,
    cases: Vec<case::ActiveModel>,
    case_persons: Vec<case_person::ActiveModel>,
    case_assignments: Vec<case_assignment::ActiveModel>,
    case_events: Vec<case_event::ActiveModel>,
    case_pauses: Vec<case_pause::ActiveModel>,
    consents: Vec<consent::ActiveModel>,
    releases: Vec<release::ActiveModel>,
    contacts: Vec<contact::ActiveModel>,
    contact_persons: Vec<contact_person::ActiveModel>,
    plans: Vec<plan::ActiveModel>,
    goals: Vec<goal::ActiveModel>,
    steps: Vec<step::ActiveModel>,
    reviews: Vec<review::ActiveModel>,
    review_assessments: Vec<review_assessment::ActiveModel>,
    followups: Vec<followup::ActiveModel>,
    outcomes: Vec<outcome::ActiveModel>,
}

async fn insert_rows<C, A>(conn: &C, rows: &mut Vec<A>) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    A: sea_orm::ActiveModelTrait + Send,
{
    while !rows.is_empty() {
        let n = rows.len().min(ROWS_PER_INSERT);
        let chunk: Vec<A> = rows.drain(..n).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

impl Batch {
    /// Writes everything buffered in one transaction.
    async fn flush(&mut self, db: &Db) -> Result<(), DbErr> {
        let txn = db.begin().await?;
        insert_rows(&txn, &mut self.households).await?;
        insert_rows(&txn, &mut self.persons).await?;
        insert_rows(&txn, &mut self.cases).await?;
        insert_rows(&txn, &mut self.case_persons).await?;
        insert_rows(&txn, &mut self.case_assignments).await?;
        insert_rows(&txn, &mut self.case_events).await?;
        insert_rows(&txn, &mut self.case_pauses).await?;
        insert_rows(&txn, &mut self.consents).await?;
        insert_rows(&txn, &mut self.releases).await?;
        insert_rows(&txn, &mut self.contacts).await?;
        insert_rows(&txn, &mut self.contact_persons).await?;
        insert_rows(&txn, &mut self.plans).await?;
        insert_rows(&txn, &mut self.goals).await?;
        insert_rows(&txn, &mut self.steps).await?;
        insert_rows(&txn, &mut self.reviews).await?;
        insert_rows(&txn, &mut self.review_assessments).await?;
        insert_rows(&txn, &mut self.followups).await?;
        insert_rows(&txn, &mut self.outcomes).await?;
        txn.commit().await
    }
}

/// The next id of each generated table (the database starts empty, so ids start at 1).
#[derive(Default)]
struct Ids {
    household: i64,
    person: i64,
    case: i64,
    assignment: i64,
    event: i64,
    pause: i64,
    consent: i64,
    release: i64,
    contact: i64,
    plan: i64,
    goal: i64,
    step: i64,
    review: i64,
    followup: i64,
    outcome: i64,
}

fn next(id: &mut i64) -> i64 {
    *id += 1;
    *id
}

/// Tables with generated ids: their id sequences are moved past the inserted rows on PostgreSQL.
const ID_TABLES: &[&str] = &[
    "households",
    "persons",
    "cases",
    "case_assignments",
    "case_events",
    "case_pauses",
    "consents",
    "releases",
    "contacts",
    "plans",
    "goals",
    "steps",
    "reviews",
    "followups",
    "outcomes",
];

/// Tables whose rows are counted in the report.
const COUNTED: &[&str] = &[
    "staff",
    "households",
    "persons",
    "cases",
    "case_events",
    "consents",
    "releases",
    "contacts",
    "contact_persons",
    "plans",
    "goals",
    "steps",
    "reviews",
    "review_assessments",
    "followups",
    "outcomes",
];

pub async fn count<C: ConnectionTrait>(conn: &C, sql: &str) -> Result<i64, DbErr> {
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await?;
    match row {
        Some(r) => r.try_get_by_index::<i64>(0),
        None => Ok(0),
    }
}

fn at(d: NaiveDate, minute_of_day: i64) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default()
        + Duration::minutes(minute_of_day)
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m)).unwrap_or(d)
}

// ---------------------------------------------------------------------------------------------
// Staff

struct Im {
    id: i64,
    organisation_id: i64,
    municipalities: &'static [&'static str],
}

/// Creates the demo county (organisations, municipalities, teams, demo accounts), then the bench
/// IMs and team leads with the bench password.
async fn staff_accounts(
    db: &Db,
    clock: &dyn Clock,
    password: &str,
    report: &mut Report,
) -> Result<Vec<Im>, Failure> {
    ankommen_core::demo::seed(db, clock)
        .await
        .map_err(core_err)?;
    let hash = ankommen_core::auth::hash_password(password)
        .await
        .map_err(core_err)?;
    let now = clock.now();
    let txn = db.begin().await.map_err(db_err)?;
    let mut team_ids = Vec::new();
    for (org_name, team_name, _) in TEAMS {
        let org = organisation::Entity::find()
            .filter(organisation::Column::Name.eq(*org_name))
            .one(&txn)
            .await
            .map_err(db_err)?
            .ok_or_else(|| Failure::new(format!("the demo organisation {org_name} is missing")))?;
        let t = team::Entity::find()
            .filter(team::Column::OrganisationId.eq(org.id))
            .filter(team::Column::Name.eq(*team_name))
            .one(&txn)
            .await
            .map_err(db_err)?
            .ok_or_else(|| Failure::new(format!("the demo team {team_name} is missing")))?;
        team_ids.push((org.id, t.id));
    }
    let add = async |username: String,
                     name: String,
                     org: i64,
                     team: i64,
                     role: &str,
                     munis: &[&str]|
           -> Result<i64, DbErr> {
        let r = staff::Entity::insert(staff::ActiveModel {
            id: sea_orm::ActiveValue::NotSet,
            organisation_id: Set(org),
            team_id: Set(Some(team)),
            username: Set(username.clone()),
            display_name: Set(name),
            email: Set(Some(format!("{username}@neckartal.example"))),
            locale: Set("de".into()),
            password_hash: Set(Some(hash.clone())),
            fte: Set(Some(1.0)),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            deactivated_at: Set(None),
            version: Set(1),
        })
        .exec(&txn)
        .await?;
        let id = r.last_insert_id;
        staff_role::Entity::insert(staff_role::ActiveModel {
            staff_id: Set(id),
            role: Set(role.into()),
        })
        .exec_without_returning(&txn)
        .await?;
        for m in munis {
            staff_municipality::Entity::insert(staff_municipality::ActiveModel {
                staff_id: Set(id),
                ags: Set((*m).into()),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        Ok(id)
    };
    let mut ims = Vec::new();
    for i in 0..IM_COUNT {
        let t = i % TEAMS.len();
        let (org, team) = team_ids[t];
        let munis = TEAMS[t].2;
        let username = format!("im{:02}", i + 1);
        let name = format!("{} ({:02})", IM_NAMES[i % IM_NAMES.len()], i + 1);
        let id = add(username.clone(), name, org, team, "im", munis)
            .await
            .map_err(db_err)?;
        ims.push(Im {
            id,
            organisation_id: org,
            municipalities: munis,
        });
        report.ims.push(username);
    }
    for (t, (org, team)) in team_ids.iter().enumerate() {
        let username = format!("lead{}", t + 1);
        add(
            username.clone(),
            format!("Teamleitung {}", TEAMS[t].1),
            *org,
            *team,
            "team_lead",
            &[],
        )
        .await
        .map_err(db_err)?;
        report.leads.push(username);
    }
    txn.commit().await.map_err(db_err)?;
    report.teams = TEAMS.len();
    Ok(ims)
}

// ---------------------------------------------------------------------------------------------
// The county

/// The dates of one case, decided before anything is written (the contact rate is calibrated on
/// all cases together).
struct Skeleton {
    size: usize,
    origin: usize,
    opened: NaiveDate,
    clock_start: NaiveDate,
    extended_until: Option<NaiveDate>,
    closed: Option<(NaiveDate, &'static str)>,
    paused_from: Option<NaiveDate>,
    /// Contacts stop here (closure, or a client the IM has not seen for a while).
    contacts_until: NaiveDate,
}

const SIZES: &[(usize, u32)] = &[(1, 40), (2, 15), (3, 15), (4, 15), (5, 10), (6, 5)];

fn skeletons(rng: &mut Rng, clients: usize, years: u32, today: NaiveDate) -> Vec<Skeleton> {
    let span = i64::from(years) * 365;
    let mut out = Vec::new();
    let mut persons = 0;
    while persons < clients {
        let size = (*rng.weighted(SIZES)).min(clients - persons);
        persons += size;
        let origin_idx: Vec<(usize, u32)> = ORIGINS
            .iter()
            .enumerate()
            .map(|(i, (_, w))| (i, *w))
            .collect();
        let origin = *rng.weighted(&origin_idx);
        let opened = today - Duration::days(rng.range(1, span));
        let clock_start = opened - Duration::days(rng.range(0, 60));
        let regular_end = add_months(clock_start, 36);
        let extended_until = rng
            .chance(0.06)
            .then(|| add_months(regular_end, rng.range(6, 12) as u32));
        let end = extended_until.unwrap_or(regular_end);
        let early = rng.chance(0.25).then(|| {
            let reason = *rng.weighted(&[
                ("goals_reached", 40),
                ("moved_away", 25),
                ("ended_by_client", 20),
                ("no_cooperation", 10),
                ("not_target_group", 5),
            ]);
            (opened + Duration::days(rng.range(120, 900)), reason)
        });
        let closed = match early {
            Some((d, r)) if d < today && d < end => Some((d, r)),
            _ if end < today => Some((
                end,
                *rng.weighted(&[("max_duration", 70), ("goals_reached", 30)]),
            )),
            _ => None,
        };
        let paused_from = (closed.is_none() && rng.chance(0.02))
            .then(|| today - Duration::days(rng.range(5, 60)))
            .filter(|d| *d > opened);
        let mut contacts_until = closed.map(|(d, _)| d).unwrap_or(today);
        if let Some(p) = paused_from {
            contacts_until = p;
        } else if closed.is_none() && rng.chance(0.12) {
            // Not seen for a while: appears on the day view as overdue for a contact.
            contacts_until = (today - Duration::days(rng.range(20, 120))).max(opened);
        }
        out.push(Skeleton {
            size,
            origin,
            opened,
            clock_start,
            extended_until,
            closed,
            paused_from,
            contacts_until,
        });
    }
    out
}

/// Generates the county into an empty, migrated database.
pub async fn generate(
    db: &Db,
    clock: &dyn Clock,
    p: &Params,
    progress: impl Fn(&str),
) -> Result<Report, Failure> {
    let staff_n = staff::Entity::find()
        .count(db.reader())
        .await
        .map_err(db_err)?;
    let persons_n = person::Entity::find()
        .count(db.reader())
        .await
        .map_err(db_err)?;
    if staff_n > 0 || persons_n > 0 {
        return Err(Failure::new(format!(
            "the database is not empty ({staff_n} staff accounts, {persons_n} persons); bench generate \
             needs a new, empty database: point --data-dir or --database-url at a new SQLite file, \
             or create a new PostgreSQL database"
        )));
    }
    let mut report = Report {
        counts: Vec::new(),
        ims: Vec::new(),
        leads: Vec::new(),
        teams: 0,
    };
    progress("creating the demo county and the bench staff accounts");
    let ims = staff_accounts(db, clock, &p.password, &mut report).await?;

    let today = clock
        .now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive();
    let now = clock.now();
    let mut rng = Rng(p.seed ^ 0x616e_6b6f_6d6d_656e);
    let sk = skeletons(&mut rng, p.clients, p.years, today);

    // Calibrate the contact rate: twice as often in the first three months as later, and in total
    // about CONTACTS_PER_CLIENT_5Y per client over five years.
    let target = CONTACTS_PER_CLIENT_5Y * p.clients as f64 * f64::from(p.years.min(5)) / 5.0;
    let (mut early_days, mut late_days) = (0i64, 0i64);
    for s in &sk {
        let phase_end = add_months(s.opened, 3).min(s.contacts_until);
        early_days += (phase_end - s.opened).num_days().max(0);
        late_days += (s.contacts_until - phase_end).num_days().max(0);
    }
    let rate = target / ((2 * early_days + late_days).max(1) as f64);
    let gap_late = 1.0 / rate.max(1e-9);
    let gap_early = gap_late / 2.0;
    progress(&format!(
        "{} households/cases; a contact about every {:.1} days early, {:.1} days later",
        sk.len(),
        gap_early,
        gap_late
    ));

    let mut ids = Ids::default();
    let mut batch = Batch::default();
    for (h, s) in sk.iter().enumerate() {
        let im = &ims[h % ims.len()];
        let origin = &ORIGINS[s.origin].0;
        let ags = *rng.pick(im.municipalities);
        let family = *rng.pick(origin.family);
        let created_at = at(s.opened, 9 * 60 + rng.range(0, 480));

        // Household and persons.
        let household_id = (s.size > 1).then(|| next(&mut ids.household));
        if let Some(hid) = household_id {
            batch.households.push(household::ActiveModel {
                id: Set(hid),
                municipality_ags: Set(ags.into()),
                external_id: Set(None),
                created_at: Set(created_at),
                created_by: Set(im.id),
            });
        }
        let target_group = if origin.ukraine {
            "ukraine"
        } else {
            "follow_up_housing"
        };
        let has_consent = rng.chance(0.88);
        // (id, adult, birth year)
        let mut members: Vec<(i64, bool, i32)> = Vec::new();
        let head_female = rng.chance(0.45);
        for k in 0..s.size {
            let (relation, adult, female) = match k {
                0 => ("head", true, head_female),
                1 if s.size > 2 || rng.chance(0.7) => ("partner", true, !head_female),
                _ => ("child", false, rng.chance(0.5)),
            };
            let age = if adult {
                rng.range(19, 58)
            } else {
                rng.range(0, 17)
            };
            let birth_year = s.opened.year() - age as i32 + 1;
            let birth_date = NaiveDate::from_ymd_opt(
                birth_year,
                rng.range(1, 12) as u32,
                rng.range(1, 28) as u32,
            )
            .filter(|_| rng.chance(0.8))
            .filter(|d| *d < s.opened);
            let (given, given_orig) = *rng.pick(if female { origin.female } else { origin.male });
            let original = match (given_orig, family.1) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                _ => None,
            };
            // The search keys, exactly as registration computes them (clients::name_keys).
            let all = format!("{given} {} {}", family.0, original.as_deref().unwrap_or(""));
            let pid = next(&mut ids.person);
            let consented = has_consent && adult;
            batch.persons.push(person::ActiveModel {
                id: Set(pid),
                household_id: Set(household_id),
                relation: Set(household_id.map(|_| relation.to_string())),
                given_name: Set(given.into()),
                family_name: Set(family.0.into()),
                name_original: Set(original),
                name_fold: Set(ankommen_core::names::fold(&all)),
                name_skeleton: Set(ankommen_core::names::skeleton(&all)),
                birth_date: Set(birth_date),
                birth_year: Set(birth_year),
                municipality_ags: Set(ags.into()),
                au_move_in: Set(Some(s.clock_start)),
                target_group: Set(target_group.into()),
                sex: Set(consented.then(|| if female { "f" } else { "m" }.into())),
                nationality: Set(None),
                languages: Set(consented
                    .then(|| format!("[{{\"code\":\"{}\",\"level\":\"native\"}}]", origin.lang))),
                german_level: Set(
                    consented.then(|| (*rng.pick(&["none", "A1", "A2", "B1"])).to_string())
                ),
                german_certificate: Set(None),
                school: Set(None),
                vocational: Set(None),
                work_experience: Set(None),
                profession: Set(None),
                interests: Set(None),
                residence_status: Set(None),
                residence_valid_until: Set(None),
                housing: Set(consented.then(|| "follow_up_housing".into())),
                benefits: Set(None),
                phone: Set(None),
                email: Set(None),
                address: Set(None),
                interpreter_language: Set(None),
                health_sealed: Set(None),
                extra: Set(None),
                external_id: Set(None),
                created_at: Set(created_at),
                created_by: Set(im.id),
                updated_at: Set(created_at),
                version: Set(1),
            });
            members.push((pid, adult, birth_year));
        }

        // The case.
        let case_id = next(&mut ids.case);
        let status = match (s.closed, s.paused_from) {
            (Some(_), _) => "closed",
            (None, Some(_)) => "paused",
            _ => "active",
        };
        batch.cases.push(case::ActiveModel {
            id: Set(case_id),
            case_number: Set(format!("{}-{:05}", s.opened.year(), case_id)),
            organisation_id: Set(im.organisation_id),
            municipality_ags: Set(ags.into()),
            assigned_to: Set(im.id),
            household_id: Set(household_id),
            opened_on: Set(s.opened),
            clock_start: Set(s.clock_start),
            status: Set(status.into()),
            extended_until: Set(s.extended_until),
            extension_reason: Set(s
                .extended_until
                .map(|_| "Ausbildung läuft noch, Begleitung bis zum Abschluss".into())),
            eligibility_note: Set(None),
            closed_on: Set(s.closed.map(|(d, _)| d)),
            closure_reason: Set(s.closed.map(|(_, r)| r.to_string())),
            closure_note: Set(None),
            closure_snapshot: Set(None),
            handover_note: Set(None),
            handover_from: Set(None),
            handover_at: Set(None),
            handover_seen: Set(true),
            external_id: Set(None),
            created_at: Set(created_at),
            updated_at: Set(created_at),
            version: Set(1),
        });
        for (pid, _, _) in &members {
            batch.case_persons.push(case_person::ActiveModel {
                case_id: Set(case_id),
                person_id: Set(*pid),
            });
        }
        batch.case_assignments.push(case_assignment::ActiveModel {
            id: Set(next(&mut ids.assignment)),
            case_id: Set(case_id),
            staff_id: Set(im.id),
            from_date: Set(s.opened),
        });
        let mut event =
            |kind: &str, on: NaiveDate, reason: Option<String>, detail: Option<&str>| {
                case_event::ActiveModel {
                    id: Set(next(&mut ids.event)),
                    case_id: Set(case_id),
                    kind: Set(kind.into()),
                    on_date: Set(on),
                    reason: Set(reason),
                    detail: Set(detail.map(str::to_string)),
                    staff_id: Set(Some(im.id)),
                    other_staff_id: Set(None),
                    at: Set(at(on, 10 * 60)),
                }
            };
        batch
            .case_events
            .push(event("opened", s.opened, None, None));
        if let Some(ext) = s.extended_until {
            let on = add_months(s.clock_start, 33).min(today);
            batch.case_events.push(event(
                "extended",
                on,
                Some("Ausbildung läuft noch".into()),
                Some(&ext.to_string()),
            ));
        }
        if let Some((d, r)) = s.closed {
            batch.case_events.push(event("closed", d, None, Some(r)));
        }
        if let Some(p) = s.paused_from {
            batch.case_events.push(event(
                "paused",
                p,
                Some("Längerer Auslandsaufenthalt".into()),
                None,
            ));
            batch.case_pauses.push(case_pause::ActiveModel {
                id: Set(next(&mut ids.pause)),
                case_id: Set(case_id),
                from_date: Set(p),
                until_date: Set(None),
            });
        }
        let end = s.closed.map(|(d, _)| d).unwrap_or(today);

        // Consents of the adults, and now and then a release.
        if has_consent {
            for (pid, adult, _) in &members {
                if !adult {
                    continue;
                }
                let given = (s.opened + Duration::days(rng.range(0, 21))).min(today);
                let withdrawn = rng
                    .chance(0.03)
                    .then(|| given + Duration::days(rng.range(30, 400)))
                    .filter(|d| *d < end);
                batch.consents.push(consent::ActiveModel {
                    id: Set(next(&mut ids.consent)),
                    person_id: Set(*pid),
                    text_version: Set("2026-1".into()),
                    language: Set(origin.lang.into()),
                    given_on: Set(given),
                    form: Set("paper".into()),
                    document_id: Set(None),
                    withdrawn_on: Set(withdrawn),
                    withdrawal_note: Set(withdrawn.map(|_| "Mündlich widerrufen".into())),
                    external_id: Set(None),
                    created_at: Set(at(given, 11 * 60)),
                    created_by: Set(im.id),
                    version: Set(if withdrawn.is_some() { 2 } else { 1 }),
                });
            }
            if rng.chance(0.2) {
                let from = (s.opened + Duration::days(rng.range(14, 200))).min(end);
                let until = from + Duration::days(rng.range(180, 730));
                let (name, cat) = *rng.pick(&[
                    ("Jobcenter Neckartal", "jobcenter"),
                    ("Ausländerbehörde Neckartal", "foreigners_authority"),
                    ("Volkshochschule Neckartal", "language_course"),
                    ("Jugendamt Neckartal", "youth_welfare"),
                ]);
                batch.releases.push(release::ActiveModel {
                    id: Set(next(&mut ids.release)),
                    person_id: Set(members[0].0),
                    recipient_organisation_id: Set(None),
                    recipient_name: Set(name.into()),
                    recipient_category: Set(Some(cat.into())),
                    data_categories: Set("identity,language_education,work".into()),
                    purpose: Set("Vermittlung in Sprachkurs und Arbeit".into()),
                    valid_from: Set(from),
                    valid_until: Set(Some(until)),
                    mutual: Set(true),
                    revoked_on: Set(None),
                    external_id: Set(None),
                    created_at: Set(at(from, 12 * 60)),
                    created_by: Set(im.id),
                    version: Set(1),
                });
            }
        }

        // Contacts, with follow-ups set at some of them.
        let phase_end = add_months(s.opened, 3);
        let mut d = s.opened + Duration::days(rng.range(0, 6));
        while d <= s.contacts_until {
            let cid = next(&mut ids.contact);
            let kind = *rng.weighted(&[
                ("office_appointment", 30),
                ("phone", 25),
                ("home_visit", 15),
                ("office_hours", 10),
                ("video_messenger", 10),
                ("accompaniment", 7),
                ("group", 3),
            ]);
            let minutes = if kind == "phone" {
                rng.range(5, 30)
            } else {
                rng.range(20, 120)
            };
            let n_topics = rng.range(1, 3) as usize;
            let mut topics: Vec<&str> = Vec::new();
            while topics.len() < n_topics {
                let f = *rng.pick(FIELDS);
                if !topics.contains(&f) {
                    topics.push(f);
                }
            }
            let interpreter = (kind != "group" && rng.chance(0.25))
                .then(|| *rng.weighted(&[("professional", 40), ("volunteer", 45), ("family", 15)]));
            let stamp = at(d, 8 * 60 + rng.range(0, 540));
            batch.contacts.push(contact::ActiveModel {
                id: Set(cid),
                case_id: Set(case_id),
                contact_date: Set(d),
                minutes: Set(Some(minutes as i32)),
                contact_kind: Set(kind.into()),
                topics: Set(topics.join(",")),
                interpreter_language: Set(interpreter.map(|_| origin.lang.to_string())),
                interpreter_type: Set(interpreter.map(str::to_string)),
                note: Set(None),
                external_id: Set(None),
                created_by: Set(im.id),
                created_at: Set(stamp),
                updated_at: Set(stamp),
                version: Set(1),
            });
            for (k, (pid, _, _)) in members.iter().enumerate() {
                if k == 0 || rng.chance(0.35) {
                    batch.contact_persons.push(contact_person::ActiveModel {
                        contact_id: Set(cid),
                        person_id: Set(*pid),
                    });
                }
            }
            if rng.chance(0.06) {
                let due = d + Duration::days(rng.range(3, 30));
                let done = if due <= end && (s.closed.is_some() || rng.chance(0.93)) {
                    Some((due + Duration::days(rng.range(0, 5))).min(end))
                } else if s.closed.is_some() {
                    Some(end)
                } else {
                    None
                };
                batch.followups.push(followup::ActiveModel {
                    id: Set(next(&mut ids.followup)),
                    case_id: Set(case_id),
                    due_on: Set(due),
                    reason: Set((*rng.pick(FOLLOWUP_REASONS)).into()),
                    done_on: Set(done),
                    first_due_on: Set(None),
                    contact_id: Set(Some(cid)),
                    created_by: Set(im.id),
                    created_at: Set(stamp),
                    updated_at: Set(stamp),
                    version: Set(if done.is_some() { 2 } else { 1 }),
                });
            }
            let gap = if d < phase_end { gap_early } else { gap_late };
            let step_days = (gap * (0.3 + 1.4 * rng.unit())).round().max(1.0) as i64;
            d += Duration::days(step_days);
        }
        // Follow-ups of open cases around today: due today, overdue, or soon.
        if s.closed.is_none() {
            for (p, lo, hi) in [(0.08, 0, 0), (0.10, -14, -1), (0.25, 1, 30)] {
                if rng.chance(p) {
                    let due = today + Duration::days(rng.range(lo, hi));
                    let moved = rng.chance(0.2);
                    batch.followups.push(followup::ActiveModel {
                        id: Set(next(&mut ids.followup)),
                        case_id: Set(case_id),
                        due_on: Set(due),
                        reason: Set((*rng.pick(FOLLOWUP_REASONS)).into()),
                        done_on: Set(None),
                        first_due_on: Set(moved.then(|| due - Duration::days(7))),
                        contact_id: Set(None),
                        created_by: Set(im.id),
                        created_at: Set(now),
                        updated_at: Set(now),
                        version: Set(if moved { 2 } else { 1 }),
                    });
                }
            }
        }

        // The plan: goals with steps, and reviews about every six months.
        let plan_on = s.opened + Duration::days(rng.range(14, 45));
        if plan_on < end {
            let plan_at = at(plan_on, 14 * 60);
            batch.plans.push(plan::ActiveModel {
                id: Set(next(&mut ids.plan)),
                case_id: Set(case_id),
                review_interval_months: Set(None),
                created_by: Set(im.id),
                created_at: Set(plan_at),
                updated_at: Set(plan_at),
                version: Set(1),
            });
            let n_goals = rng.range(2, 4) as usize;
            let mut fields: Vec<&str> = Vec::new();
            while fields.len() < n_goals {
                let f = *rng.pick(FIELDS);
                if !fields.contains(&f) {
                    fields.push(f);
                }
            }
            let mut goal_ids = Vec::new();
            for (pos, field) in fields.iter().enumerate() {
                let gid = next(&mut ids.goal);
                goal_ids.push(gid);
                let target_date = plan_on + Duration::days(rng.range(90, 365));
                let (status, closed_on, reason) = if s.closed.is_some() {
                    let st =
                        *rng.weighted(&[("reached", 50), ("not_reached", 20), ("dropped", 30)]);
                    let reason = (st != "reached").then(|| "Andere Prioritäten".to_string());
                    (st, Some(target_date.min(end)), reason)
                } else if target_date < today - Duration::days(60) && rng.chance(0.5) {
                    ("reached", Some(target_date), None)
                } else {
                    (
                        *rng.weighted(&[("open", 40), ("in_progress", 60)]),
                        None,
                        None,
                    )
                };
                batch.goals.push(goal::ActiveModel {
                    id: Set(gid),
                    case_id: Set(case_id),
                    person_id: Set(None),
                    field_key: Set((*field).into()),
                    text: Set(goal_text(field, &mut rng).into()),
                    priority: Set(Some(rng.range(1, 3) as i32)),
                    target_date: Set(Some(target_date)),
                    status: Set(status.into()),
                    status_reason: Set(reason),
                    created_on: Set(plan_on),
                    closed_on: Set(closed_on),
                    position: Set(pos as i32 + 1),
                    external_id: Set(None),
                    created_by: Set(im.id),
                    created_at: Set(plan_at),
                    updated_at: Set(plan_at),
                    version: Set(1),
                });
                for spos in 0..rng.range(1, 3) {
                    let due = plan_on + Duration::days(rng.range(14, 180));
                    let done = (due + Duration::days(rng.range(-10, 20)))
                        .max(plan_on)
                        .min(end);
                    let done =
                        (done < today && (s.closed.is_some() || rng.chance(0.85))).then_some(done);
                    let owner = *rng.weighted(&[("client", 45), ("im", 35), ("third_party", 20)]);
                    batch.steps.push(step::ActiveModel {
                        id: Set(next(&mut ids.step)),
                        goal_id: Set(gid),
                        case_id: Set(case_id),
                        text: Set((*rng.pick(STEP_TEXTS)).into()),
                        owner: Set(owner.into()),
                        third_party: Set((owner == "third_party")
                            .then(|| (*rng.pick(THIRD_PARTIES)).to_string())),
                        due_on: Set(Some(due)),
                        done_on: Set(done),
                        position: Set(spos as i32 + 1),
                        external_id: Set(None),
                        created_by: Set(im.id),
                        created_at: Set(plan_at),
                        updated_at: Set(plan_at),
                        version: Set(if done.is_some() { 2 } else { 1 }),
                    });
                }
            }
            let mut r = add_months(plan_on, rng.range(5, 7) as u32);
            while r < end {
                let rid = next(&mut ids.review);
                batch.reviews.push(review::ActiveModel {
                    id: Set(rid),
                    case_id: Set(case_id),
                    held_on: Set(r),
                    participants: Set(Some("Klient:in, Integrationsmanager:in".into())),
                    summary: Set(Some("Fortschritte besprochen, Plan angepasst.".into())),
                    changes: Set(Some("Zieldatum verschoben, neuer Schritt ergänzt.".into())),
                    external_id: Set(None),
                    created_by: Set(im.id),
                    created_at: Set(at(r, 15 * 60)),
                });
                for gid in &goal_ids {
                    batch
                        .review_assessments
                        .push(review_assessment::ActiveModel {
                            review_id: Set(rid),
                            goal_id: Set(*gid),
                            assessment: Set((*rng.pick(&[
                                "Auf gutem Weg.",
                                "Verzögert, weil Unterlagen fehlen.",
                                "Teilweise erreicht.",
                            ]))
                            .into()),
                        });
                }
                r = add_months(r, rng.range(5, 7) as u32);
            }
        }

        // Outcomes: German levels of adults, work, flats, Kita and school places.
        for (pid, adult, birth_year) in &members {
            let mut o = |kind: &str,
                         on: NaiveDate,
                         level: Option<&str>,
                         course: Option<&str>,
                         employment: Option<&str>,
                         place: Option<&str>,
                         rng: &mut Rng| {
                outcome::ActiveModel {
                    id: Set(next(&mut ids.outcome)),
                    person_id: Set(*pid),
                    outcome_date: Set(on),
                    outcome_type: Set(kind.into()),
                    level: Set(level.map(str::to_string)),
                    certificate: Set(level.map(|_| rng.chance(0.7))),
                    course: Set(course.map(str::to_string)),
                    employment_type: Set(employment.map(str::to_string)),
                    until_date: Set(None),
                    place: Set(place.map(str::to_string)),
                    external_id: Set(None),
                    created_by: Set(im.id),
                    created_at: Set(at(on, 13 * 60)),
                    version: Set(1),
                }
            };
            let span = (end - s.opened).num_days();
            if span < 60 {
                continue;
            }
            let when = |rng: &mut Rng, frac_lo: i64| {
                s.opened + Duration::days(rng.range(span * frac_lo / 10, span))
            };
            if *adult {
                if rng.chance(0.7) {
                    let levels = ["A1", "A2", "B1", "B2"];
                    let n = rng.range(1, 3) as usize;
                    let course = *rng.weighted(&[
                        ("integration", 70),
                        ("literacy", 10),
                        ("job_language", 15),
                        ("other", 5),
                    ]);
                    let mut dates: Vec<NaiveDate> = (0..n).map(|_| when(&mut rng, 2)).collect();
                    dates.sort();
                    for (k, on) in dates.into_iter().enumerate() {
                        let row = o(
                            "german_level",
                            on,
                            Some(levels[k]),
                            Some(course),
                            None,
                            None,
                            &mut rng,
                        );
                        batch.outcomes.push(row);
                    }
                }
                if rng.chance(0.3) {
                    let on = when(&mut rng, 4);
                    let t = *rng.weighted(&[
                        ("social_insurance", 60),
                        ("mini_job", 30),
                        ("self_employed", 10),
                    ]);
                    let row = o("employment", on, None, None, Some(t), None, &mut rng);
                    batch.outcomes.push(row);
                }
                if rng.chance(0.15) {
                    let on = when(&mut rng, 3);
                    let row = o("rental_contract", on, None, None, None, None, &mut rng);
                    batch.outcomes.push(row);
                }
            } else if rng.chance(0.7) {
                let on = when(&mut rng, 0);
                let age = on.year() - birth_year;
                let place = if age < 6 { "kita" } else { "school" };
                let row = o(
                    "childcare_school",
                    on,
                    None,
                    None,
                    None,
                    Some(place),
                    &mut rng,
                );
                batch.outcomes.push(row);
            }
        }

        if batch.contacts.len() >= FLUSH_AT {
            batch.flush(db).await.map_err(db_err)?;
            if (h + 1) % 250 < 3 || h + 1 == sk.len() {
                progress(&format!(
                    "{} of {} cases, {} contacts written",
                    h + 1,
                    sk.len(),
                    ids.contact
                ));
            }
        }
    }
    batch.flush(db).await.map_err(db_err)?;

    let txn = db.begin().await.map_err(db_err)?;
    if db.backend() == Backend::Postgres {
        // The rows carry their ids: move each id sequence past them, so new rows get fresh ids.
        for t in ID_TABLES {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
            ))
            .await
            .map_err(db_err)?;
        }
    }
    ankommen_core::audit::record_as(
        &txn,
        now,
        &ankommen_core::audit::Who {
            staff_id: None,
            organisation_id: None,
            roles: "system".into(),
        },
        None,
        ankommen_core::audit::Event::new("bench_data_generated"),
    )
    .await
    .map_err(core_err)?;
    txn.commit().await.map_err(db_err)?;

    // A database in service has been vacuumed by autovacuum by the time anyone measures it: the
    // visibility map lets PostgreSQL answer index-only scans without visiting the table.
    progress("updating the query planner's statistics");
    match db.backend() {
        Backend::Sqlite => db.writer().execute_unprepared("ANALYZE").await,
        Backend::Postgres => db.writer().execute_unprepared("VACUUM ANALYZE").await,
    }
    .map_err(db_err)?;

    for t in COUNTED {
        let n = count(db.reader(), &format!("SELECT COUNT(*) FROM {t}"))
            .await
            .map_err(db_err)?;
        report.counts.push((t, n as u64));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ankommen_store::{DbConfig, connect};

    async fn fresh_db(dir: &std::path::Path) -> Db {
        let db = connect(&DbConfig {
            url: format!("sqlite://{}", dir.join("bench.sqlite").display()),
            max_connections: 2,
        })
        .await
        .unwrap();
        db.migrate().await.unwrap();
        db
    }

    #[tokio::test]
    async fn generates_a_small_county_consistently() {
        let dir = tempfile::tempdir().unwrap();
        let db = fresh_db(dir.path()).await;
        let clock = ankommen_core::SystemClock;
        let params = Params {
            clients: 50,
            years: 2,
            seed: 7,
            password: "bench-test-password".into(),
        };
        let report = generate(&db, &clock, &params, |_| {}).await.unwrap();
        assert_eq!(report.ims.len(), 40);
        assert_eq!(report.ims[0], "im01");
        assert_eq!(report.leads.len(), 5);
        let n = |sql: &'static str| {
            let db = db.clone();
            async move { count(db.reader(), sql).await.unwrap() }
        };
        assert_eq!(n("SELECT COUNT(*) FROM persons").await, 50);
        let cases = n("SELECT COUNT(*) FROM cases").await;
        assert!((10..=50).contains(&cases), "{cases} cases");
        // Every person belongs to exactly one case.
        assert_eq!(n("SELECT COUNT(*) FROM case_persons").await, 50);
        // Every case has an assignment to the IM it is assigned to, and an `opened` event.
        assert_eq!(
            n(
                "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_assignments a \
               WHERE a.case_id = c.id AND a.staff_id = c.assigned_to)"
            )
            .await,
            0
        );
        assert_eq!(
            n("SELECT COUNT(*) FROM case_events WHERE kind = 'opened'").await,
            cases
        );
        // Contacts: many, each with at least one person, and only persons of its own case.
        let contacts = n("SELECT COUNT(*) FROM contacts").await;
        assert!(contacts > 200, "{contacts} contacts");
        assert_eq!(
            n(
                "SELECT COUNT(*) FROM contact_persons cp JOIN contacts c ON c.id = cp.contact_id \
               WHERE NOT EXISTS (SELECT 1 FROM case_persons x WHERE x.case_id = c.case_id \
               AND x.person_id = cp.person_id)"
            )
            .await,
            0
        );
        assert_eq!(
            n("SELECT COUNT(*) FROM contacts c WHERE NOT EXISTS \
               (SELECT 1 FROM contact_persons cp WHERE cp.contact_id = c.id)")
            .await,
            0
        );
        // Contacts lie within their case's life, never in the future.
        let today = clock.now().date_naive() + Duration::days(1);
        let late = count(
            db.reader(),
            &format!(
                "SELECT COUNT(*) FROM contacts c JOIN cases k ON k.id = c.case_id \
                 WHERE c.contact_date < k.opened_on OR c.contact_date > '{today}' \
                 OR (k.closed_on IS NOT NULL AND c.contact_date > k.closed_on)"
            ),
        )
        .await
        .unwrap();
        assert_eq!(late, 0);
        // Topics are keys of the fields of action.
        let topics = db
            .reader()
            .query_all_raw(Statement::from_string(
                db.reader().get_database_backend(),
                "SELECT topics FROM contacts",
            ))
            .await
            .unwrap();
        for row in topics {
            let t: String = row.try_get_by_index(0).unwrap();
            assert!(t.split(',').all(|k| FIELDS.contains(&k)), "{t}");
        }
        // Plans have 2-4 goals, each goal at least one step.
        assert_eq!(
            n(
                "SELECT COUNT(*) FROM plans p WHERE (SELECT COUNT(*) FROM goals g \
               WHERE g.case_id = p.case_id) NOT BETWEEN 2 AND 4"
            )
            .await,
            0
        );
        assert_eq!(
            n("SELECT COUNT(*) FROM goals g WHERE NOT EXISTS \
               (SELECT 1 FROM steps s WHERE s.goal_id = g.id)")
            .await,
            0
        );
        // Closed cases have a reason; the search keys are filled.
        assert_eq!(
            n("SELECT COUNT(*) FROM cases WHERE status = 'closed' AND closure_reason IS NULL")
                .await,
            0
        );
        assert_eq!(
            n("SELECT COUNT(*) FROM persons WHERE name_fold = '' OR name_skeleton = ''").await,
            0
        );
        // The bench IMs can log in with the bench password.
        let hash: Option<String> = staff::Entity::find()
            .filter(staff::Column::Username.eq("im01"))
            .one(db.reader())
            .await
            .unwrap()
            .unwrap()
            .password_hash;
        assert!(hash.is_some());

        // A second run is refused: the database is not empty.
        let e = generate(&db, &clock, &params, |_| {}).await.unwrap_err();
        assert!(e.to_string().contains("not empty"), "{e}");
        db.close().await;
    }

    #[test]
    fn the_generator_is_deterministic() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let a = skeletons(&mut Rng(5), 300, 5, today);
        let b = skeletons(&mut Rng(5), 300, 5, today);
        assert_eq!(a.len(), b.len());
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.opened == y.opened && x.size == y.size && x.closed == y.closed)
        );
        assert_eq!(a.iter().map(|s| s.size).sum::<usize>(), 300);
        // Old cases are closed; none is closed in the future.
        assert!(
            a.iter()
                .filter(|s| s.clock_start < today - Duration::days(4 * 366 + 30))
                .all(|s| s.closed.is_some())
        );
        assert!(a.iter().all(|s| s.closed.is_none_or(|(d, _)| d < today)));
    }
}
