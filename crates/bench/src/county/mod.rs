//! The county-sized dataset of the benchmark: the demo county's organisations, municipalities and
//! teams, 40 IMs and 5 team leads with a known password, and households with cases, consents,
//! releases, contacts, plans (goals, steps, reviews), follow-ups and outcomes over several years.
//!
//! Deterministic: the same seed, size and day give the same rows (a SplitMix64 generator, no
//! outside randomness). Fast: rows carry their ids (the database is required to be empty), so whole
//! batches are written with multi-row inserts, one transaction per batch, parents before children.
//!
//! Contact notes are left empty (NULL): the pages measured only show that a note exists. Plan
//! versions (frozen snapshots) are not generated either; reviews are. The texts that are sealed at
//! rest (goals, steps, reviews and their assessments, follow-up reasons, case event reasons, the
//! extension's justification) are sealed for their rows as the services seal them, so the pages
//! measured open them as they would in service.

mod batch;
mod cases;
mod contacts;
mod outcomes;
mod plans;
mod rng;
mod skeleton;
mod staff;
mod texts;

use ankommen_core::Clock;
use ankommen_core::kernel::sealed::{Place, Sealing};
use ankommen_core::kernel::sealing::Sealer;
use ankommen_store::Db;
use ankommen_store::connect::Backend;
use ankommen_store::entities::{person, staff as staff_entity};
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, Statement};

use self::batch::{Batch, ID_TABLES, Ids};
use self::cases::{Gen, consents_and_releases, household};
use self::contacts::{contacts, followups_around_today};
use self::outcomes::outcomes;
use self::plans::plan;
use self::rng::Rng;
use self::skeleton::{Skeleton, skeletons};
use self::staff::staff_accounts;
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

/// Seals the generated texts for their rows, as the services do. A failure (only the system's
/// random number generator can fail) is kept and ends the generation.
pub(super) struct Seal<'a> {
    sealing: Sealing<'a>,
    failed: std::cell::RefCell<Option<String>>,
}

impl Seal<'_> {
    pub(super) fn text(&self, place: Place, text: &str) -> Vec<u8> {
        match self.sealing.seal(place, text) {
            Ok(b) => b,
            Err(e) => {
                self.failed.borrow_mut().get_or_insert(e.to_string());
                Vec::new()
            }
        }
    }
}

/// Generates the county into an empty, migrated database whose key is checked.
pub async fn generate(
    db: &Db,
    sealer: &Sealer,
    clock: &dyn Clock,
    p: &Params,
    progress: impl Fn(&str),
) -> Result<Report, Failure> {
    refuse_unless_empty(db).await?;
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
    let (gap_early, gap_late) = contact_gaps(&sk, p);
    progress(&format!(
        "{} households/cases; a contact about every {:.1} days early, {:.1} days later",
        sk.len(),
        gap_early,
        gap_late
    ));
    let mut g = Gen {
        seal: Seal {
            sealing: Sealing::begin(db.reader(), sealer)
                .await
                .map_err(core_err)?,
            failed: std::cell::RefCell::new(None),
        },
        rng,
        ids: Ids::default(),
        batch: Batch::default(),
        today,
        now,
        gap_early,
        gap_late,
    };
    for (i, s) in sk.iter().enumerate() {
        let h = household(&mut g, s, &ims[i % ims.len()]);
        consents_and_releases(&mut g, &h);
        contacts(&mut g, &h);
        followups_around_today(&mut g, &h);
        plan(&mut g, &h);
        outcomes(&mut g, &h);
        if g.batch.contacts.len() >= FLUSH_AT {
            g.batch.flush(db).await.map_err(db_err)?;
            if (i + 1) % 250 < 3 || i + 1 == sk.len() {
                progress(&format!(
                    "{} of {} cases, {} contacts written",
                    i + 1,
                    sk.len(),
                    g.ids.contact
                ));
            }
        }
    }
    g.batch.flush(db).await.map_err(db_err)?;
    progress("counting the contacts per case, year and kind for the key figures");
    ankommen_core::casework::figures::tallies::rebuild(db)
        .await
        .map_err(core_err)?;
    if let Some(e) = g.seal.failed.take() {
        return Err(Failure::new(format!(
            "writing the county dataset failed: {e}"
        )));
    }
    finish(db, now).await?;
    progress("updating the query planner's statistics");
    analyse(db).await?;
    for t in COUNTED {
        let n = count(db.reader(), &format!("SELECT COUNT(*) FROM {t}"))
            .await
            .map_err(db_err)?;
        report.counts.push((t, n as u64));
    }
    Ok(report)
}

/// The generator writes rows with their ids, so it needs a database without staff or persons.
async fn refuse_unless_empty(db: &Db) -> Result<(), Failure> {
    let staff_n = staff_entity::Entity::find()
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
    Ok(())
}

/// Days between contacts (early, later), calibrated on all cases together: twice as often in the
/// first three months as later, and in total about CONTACTS_PER_CLIENT_5Y per client over five
/// years.
fn contact_gaps(sk: &[Skeleton], p: &Params) -> (f64, f64) {
    let target = CONTACTS_PER_CLIENT_5Y * p.clients as f64 * f64::from(p.years.min(5)) / 5.0;
    let (mut early_days, mut late_days) = (0i64, 0i64);
    for s in sk {
        let phase_end = add_months(s.opened, 3).min(s.contacts_until);
        early_days += (phase_end - s.opened).num_days().max(0);
        late_days += (s.contacts_until - phase_end).num_days().max(0);
    }
    let rate = target / ((2 * early_days + late_days).max(1) as f64);
    let gap_late = 1.0 / rate.max(1e-9);
    (gap_late / 2.0, gap_late)
}

/// Moves PostgreSQL's id sequences past the rows written and records the audit event.
async fn finish(db: &Db, now: DateTime<Utc>) -> Result<(), Failure> {
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
    ankommen_core::kernel::audit::record_as(
        &txn,
        now,
        &ankommen_core::kernel::audit::Who {
            staff_id: None,
            organisation_id: None,
            roles: "system".into(),
        },
        None,
        ankommen_core::kernel::audit::Event::new("bench_data_generated"),
    )
    .await
    .map_err(core_err)?;
    txn.commit().await.map_err(db_err)
}

/// A database in service has been vacuumed by autovacuum by the time anyone measures it: the
/// visibility map lets PostgreSQL answer index-only scans without visiting the table.
async fn analyse(db: &Db) -> Result<(), Failure> {
    match db.backend() {
        Backend::Sqlite => db.writer().execute_unprepared("ANALYZE").await,
        Backend::Postgres => db.writer().execute_unprepared("VACUUM ANALYZE").await,
    }
    .map(|_| ())
    .map_err(db_err)
}

#[cfg(test)]
mod tests {
    use super::texts::FIELDS;
    use super::*;
    use ankommen_store::{DbConfig, connect};
    use sea_orm::{ColumnTrait, QueryFilter};

    fn sealer() -> Sealer {
        Sealer::from_key([3; 32])
    }

    async fn fresh_db(dir: &std::path::Path) -> Db {
        let db = connect(&DbConfig {
            url: format!("sqlite://{}", dir.join("bench.sqlite").display()),
            max_connections: 2,
        })
        .await
        .unwrap();
        crate::prepare(&db, &sealer()).await.unwrap();
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
        let report = generate(&db, &sealer(), &clock, &params, |_| {})
            .await
            .unwrap();
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
        // Every person has the duplicate check's keys, as registration writes them.
        assert_eq!(
            n("SELECT COUNT(*) FROM persons p WHERE NOT EXISTS \
               (SELECT 1 FROM person_match_keys k WHERE k.person_id = p.id)")
            .await,
            0
        );
        // The texts are sealed, and they open.
        assert_eq!(
            n("SELECT COUNT(*) FROM goals WHERE text_sealed IS NULL").await,
            0
        );
        let texts = ankommen_core::kernel::sealed::plaintexts(&db, &sealer())
            .await
            .unwrap();
        assert!(texts.len() > 200, "{} sealed values", texts.len());
        assert!(texts.iter().all(|t| t.bytes.is_some()));
        // The bench IMs can log in with the bench password.
        let hash: Option<String> = staff_entity::Entity::find()
            .filter(staff_entity::Column::Username.eq("im01"))
            .one(db.reader())
            .await
            .unwrap()
            .unwrap()
            .password_hash;
        assert!(hash.is_some());

        // A second run is refused: the database is not empty.
        let e = generate(&db, &sealer(), &clock, &params, |_| {})
            .await
            .unwrap_err();
        assert!(e.to_string().contains("not empty"), "{e}");
        db.close().await;
    }

    /// Every row of an entity's table, as text, sorted.
    async fn rows<E>(db: &Db) -> Vec<String>
    where
        E: EntityTrait,
        E::Model: std::fmt::Debug,
    {
        let mut out: Vec<String> = E::find()
            .all(db.reader())
            .await
            .unwrap()
            .iter()
            .map(|m| without_sealed(&format!("{m:?}")))
            .collect();
        out.sort();
        out
    }

    /// A row as text without its sealed values (their nonces are random; their plaintexts are
    /// compared on their own).
    fn without_sealed(row: &str) -> String {
        let mut out = String::new();
        let mut rest = row;
        while let Some(i) = rest.find("_sealed: ") {
            let (head, tail) = rest.split_at(i + "_sealed: ".len());
            out.push_str(head);
            out.push_str("<sealed>");
            rest = match tail.find(']') {
                Some(j) if !tail.starts_with("None") => {
                    let end = if tail[j + 1..].starts_with(')') {
                        j + 2
                    } else {
                        j + 1
                    };
                    &tail[end..]
                }
                _ => tail.trim_start_matches("None"),
            };
        }
        out.push_str(rest);
        out
    }

    /// The generated rows of every table the generator fills, but the staff accounts (their
    /// password hashes carry a random salt).
    async fn county_rows(seed: u64, dir: &std::path::Path) -> Vec<String> {
        use ankommen_store::entities::{
            case, case_assignment, case_event, case_pause, case_person, consent, contact,
            contact_person, followup, goal, household, outcome, plan, release, review,
            review_assessment, step,
        };
        let db = fresh_db(dir).await;
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let clock = ankommen_core::ManualClock::new(at(day, 10 * 60));
        let params = Params {
            clients: 80,
            years: 3,
            seed,
            password: "bench-test-password".into(),
        };
        generate(&db, &sealer(), &clock, &params, |_| {})
            .await
            .unwrap();
        let mut all = Vec::new();
        all.extend(rows::<household::Entity>(&db).await);
        all.extend(rows::<person::Entity>(&db).await);
        all.extend(rows::<case::Entity>(&db).await);
        all.extend(rows::<case_person::Entity>(&db).await);
        all.extend(rows::<case_assignment::Entity>(&db).await);
        all.extend(rows::<case_event::Entity>(&db).await);
        all.extend(rows::<case_pause::Entity>(&db).await);
        all.extend(rows::<consent::Entity>(&db).await);
        all.extend(rows::<release::Entity>(&db).await);
        all.extend(rows::<contact::Entity>(&db).await);
        all.extend(rows::<contact_person::Entity>(&db).await);
        all.extend(rows::<plan::Entity>(&db).await);
        all.extend(rows::<goal::Entity>(&db).await);
        all.extend(rows::<step::Entity>(&db).await);
        all.extend(rows::<review::Entity>(&db).await);
        all.extend(rows::<review_assessment::Entity>(&db).await);
        all.extend(rows::<followup::Entity>(&db).await);
        all.extend(rows::<outcome::Entity>(&db).await);
        for t in ankommen_core::kernel::sealed::plaintexts(&db, &sealer())
            .await
            .unwrap()
        {
            all.push(format!("{t:?}"));
        }
        db.close().await;
        all
    }

    #[tokio::test]
    async fn the_same_seed_and_day_give_the_same_county() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let first = county_rows(11, a.path()).await;
        assert!(first.len() > 1_000, "{} rows", first.len());
        assert_eq!(first, county_rows(11, b.path()).await);
        assert_ne!(first, county_rows(12, c.path()).await);
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
