//! `ankommen bench duplicates`: the duplicate check at registration and the full duplicate scan
//! (issue 22) against an organisation of many persons. Fills a fresh database with the demo
//! county and `--persons` persons, each with a case of the demo provider "AWO" held by `awo.im1`
//! (one organisation: the scan's worst case), about 2 % of them recorded twice in another
//! spelling, with their stored matcher keys; then times computing those keys again (as the first
//! start after migration m0012 does), the full scan of the organisation and the check of
//! `--checks` registrations (both as the product runs them), with the planner statistics a serving
//! database has (`--without-statistics`: none, as right after a bulk load).

use std::time::{Duration, Instant};

use ankommen_core::Ctx;
use ankommen_core::SystemClock;
use ankommen_core::administration::sessions;
use ankommen_core::casework::clients::{MinimumForm, MinimumInput, possible_duplicates};
use ankommen_core::casework::duplicates;
use ankommen_core::kernel::names::matching::Record;
use ankommen_store::sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use ankommen_store::{Backend, Db, DbConfig};
use chrono::NaiveDate;
use clap::Args;

use crate::Failure;

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    /// Persons in the organisation
    #[arg(long, default_value_t = 150_000, value_parser = clap::value_parser!(u32).range(10..=2_000_000))]
    pub persons: u32,
    /// Registrations checked (each timed)
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub checks: u32,
    /// Seed of the generator
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Measure without planner statistics (as right after a bulk load, before PostgreSQL's
    /// autovacuum analysed the tables)
    #[arg(long)]
    pub without_statistics: bool,
}

const GIVEN: &[&str] = &[
    "Mohammad",
    "Ahmad",
    "Ali",
    "Hassan",
    "Yusuf",
    "Khalid",
    "Omar",
    "Fatima",
    "Aisha",
    "Maryam",
    "Zainab",
    "Said",
    "Ibrahim",
    "Abdullah",
    "Mustafa",
    "Jamila",
    "Yasmin",
    "Hussein",
    "Nour",
    "Karim",
    "Farid",
    "Masoud",
    "Zahra",
    "Shabnam",
    "Gul",
    "Najib",
    "Hamid",
    "Parwin",
    "Olena",
    "Oleksandr",
    "Yuliia",
    "Andrii",
    "Nataliia",
    "Serhii",
    "Tetiana",
    "Dmytro",
    "Iryna",
    "Tesfay",
    "Yohannes",
    "Haile",
    "Berhane",
    "Selam",
    "Amanuel",
    "Semira",
    "Dilovan",
    "Berivan",
    "Hevi",
    "Rezan",
    "Halima",
    "Faadumo",
    "Cumar",
    "Xasan",
    "Sükrü",
    "Gülsen",
    "Emine",
    "Mehmet",
];
const FAMILY: &[&str] = &[
    "Ahmadi",
    "Karimi",
    "Hosseini",
    "Rahimi",
    "Mohammadi",
    "Noori",
    "Yousafzai",
    "Safi",
    "Wardak",
    "Stanekzai",
    "Azizi",
    "Jalali",
    "Haddad",
    "Darwish",
    "Al-Khatib",
    "Sharif",
    "Mansour",
    "Qasim",
    "Al-Ali",
    "Al-Sayed",
    "Othman",
    "Al-Shami",
    "Hamdan",
    "Kovalenko",
    "Shevchenko",
    "Bondarenko",
    "Tkachenko",
    "Kravchuk",
    "Melnyk",
    "Lysenko",
    "Kharchenko",
    "Polishchuk",
    "Gebremichael",
    "Weldemariam",
    "Tekle",
    "Abraha",
    "Gebru",
    "Mehari",
    "Kidane",
    "Habte",
    "Celik",
    "Özdemir",
    "Yilmaz",
    "Dogan",
    "Abdullahi",
    "Warsame",
    "Jama",
    "Farah",
    "Hirsi",
    "Mohamud",
];
/// Other spellings of some names: the twice-recorded persons use them.
const SPELLINGS: &[(&str, &str)] = &[
    ("Mohammad", "Muhammad"),
    ("Ahmad", "Ahmed"),
    ("Yusuf", "Jussuf"),
    ("Khalid", "Chalid"),
    ("Fatima", "Fatimah"),
    ("Aisha", "Aischa"),
    ("Ahmadi", "Achmadi"),
    ("Karimi", "Kerimi"),
    ("Hosseini", "Husseini"),
    ("Darwish", "Darwisch"),
    ("Shevchenko", "Schewtschenko"),
    ("Yuliia", "Julija"),
    ("Kovalenko", "Kowalenko"),
    ("Tesfay", "Tesfaye"),
    ("Celik", "Tschelik"),
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn respell(name: &str) -> String {
    SPELLINGS
        .iter()
        .find(|(a, _)| *a == name)
        .map(|(_, b)| b.to_string())
        .unwrap_or_else(|| name.to_string())
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn err(e: impl std::fmt::Display) -> Failure {
    Failure::new(e.to_string())
}

pub async fn run(database: DbConfig, args: &DuplicatesArgs) -> Result<(), Failure> {
    let db = ankommen_store::connect(&database).await.map_err(err)?;
    let result = fill_and_measure(&db, args).await;
    db.close().await;
    result
}

async fn fill_and_measure(db: &Db, args: &DuplicatesArgs) -> Result<(), Failure> {
    db.migrate().await.map_err(err)?;
    let persons = ankommen_store::entities::person::Entity::find()
        .count(db.reader())
        .await
        .map_err(err)?;
    if persons > 0 {
        return Err(Failure::new(
            "bench duplicates needs a fresh, empty database",
        ));
    }
    let started = Instant::now();
    let ids = ankommen_core::demo::seed(db, &SystemClock)
        .await
        .map_err(err)?;
    let im = *ids
        .get("awo.im1")
        .ok_or_else(|| Failure::new("the demo county has no awo.im1"))?;
    let actor = sessions::load_actor(db.writer(), im)
        .await
        .map_err(err)?
        .ok_or_else(|| Failure::new("awo.im1 cannot act"))?;
    let ctx = Ctx {
        actor,
        clock: std::sync::Arc::new(SystemClock),
        request_id: None,
    };
    let org = ctx.actor.organisation_id;
    let ags = ctx
        .actor
        .municipalities
        .first()
        .cloned()
        .ok_or_else(|| Failure::new("awo.im1 serves no municipality"))?;
    let mut rng = Rng(args.seed);
    let now = "'2026-01-01 00:00:00+00:00'";
    let n = args.persons as usize;
    let mut twice = 0;
    let mut id = 1_000_000i64;
    let mut batch_p = Vec::new();
    let mut batch_c = Vec::new();
    let mut batch_l = Vec::new();
    let mut batch_k = Vec::new();
    let mut i = 0;
    while i < n {
        let g = GIVEN[rng.below(GIVEN.len())];
        let f = FAMILY[rng.below(FAMILY.len())];
        let year = 1950 + rng.below(60) as i32;
        let day = 1 + rng.below(28);
        let month = 1 + rng.below(12);
        let mut rows = vec![(g.to_string(), f.to_string(), Some((year, month, day)))];
        if rng.below(50) == 0 && i + 1 < n {
            // Recorded twice: another spelling and the year only.
            rows.push((respell(g), respell(f), None));
            twice += 1;
        }
        for (given, family, date) in rows {
            id += 1;
            let (fold, skel) = (
                ankommen_core::kernel::names::fold(&format!("{given} {family}")),
                ankommen_core::kernel::names::skeleton(&format!("{given} {family}")),
            );
            let birth_date = match date {
                Some((y, m, d)) => format!("'{y:04}-{m:02}-{d:02}'"),
                None => "NULL".into(),
            };
            batch_p.push(format!(
                "({id}, {}, {}, {}, {}, {birth_date}, {year}, {}, 'follow_up_housing', {now}, {im}, {now}, 1)",
                quote(&given),
                quote(&family),
                quote(&fold),
                quote(&skel),
                quote(&ags)
            ));
            batch_c.push(format!(
                "({id}, 'B-{id}', {org}, {}, {im}, '2025-01-01', '2025-01-01', 'active', false, {now}, {now}, 1)",
                quote(&ags)
            ));
            batch_l.push(format!("({id}, {id})"));
            let date = date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m as u32, d as u32));
            batch_k.push((id, given, family, date, year));
            i += 1;
        }
        if batch_p.len() >= 500 || i >= n {
            flush(db, &mut batch_p, &mut batch_c, &mut batch_l, &mut batch_k).await?;
        }
    }
    flush(db, &mut batch_p, &mut batch_c, &mut batch_l, &mut batch_k).await?;
    eprintln!(
        "{n} persons ({twice} recorded twice) written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // What the first start after migration m0012 (or after a change of the matcher's keys) does:
    // compute the stored keys of every person again.
    let t = Instant::now();
    db.writer()
        .execute_unprepared(&format!(
            "DELETE FROM settings WHERE key = '{}'",
            duplicates::keys::VERSION_SETTING
        ))
        .await
        .map_err(err)?;
    let refreshed = duplicates::keys::refresh(db).await.map_err(err)?;
    println!(
        "stored keys of {} persons computed again (start-up after m0012): {:.1} s",
        refreshed.persons,
        t.elapsed().as_secs_f64()
    );
    if !args.without_statistics {
        // The planner statistics a serving database has: the server analyses SQLite at start and
        // hourly (`Db::optimize`), PostgreSQL's autovacuum analyses a table within minutes of a
        // bulk write like this one.
        let t = Instant::now();
        match db.backend() {
            Backend::Sqlite => db.optimize().await.map_err(err)?,
            Backend::Postgres => {
                db.writer()
                    .execute_unprepared("ANALYZE")
                    .await
                    .map_err(err)?;
            }
        }
        eprintln!("statistics analysed in {:.1} s", t.elapsed().as_secs_f64());
    }

    let t = Instant::now();
    let pairs = duplicates::scan_organisation(db, org).await.map_err(err)?;
    let scan = t.elapsed();
    println!(
        "full scan of {n} persons: {:.2} s, {} pairs ({twice} planted)",
        scan.as_secs_f64(),
        pairs.len()
    );

    let mut times: Vec<Duration> = Vec::new();
    let mut hinted = 0;
    for k in 0..args.checks {
        let g = GIVEN[rng.below(GIVEN.len())];
        let f = FAMILY[rng.below(FAMILY.len())];
        let (g, f) = if k % 2 == 0 {
            (respell(g), respell(f))
        } else {
            (g.to_string(), f.to_string())
        };
        let form = MinimumForm {
            given_name: g,
            family_name: f,
            name_original: String::new(),
            birth: format!("{}", 1950 + rng.below(60)),
            municipality: ags.clone(),
            au_move_in: String::new(),
            target_group: "follow_up_housing".into(),
        };
        let m = MinimumInput::parse(&form, ctx.today()).map_err(|e| err(format!("{e:?}")))?;
        let tx = db.begin().await.map_err(err)?;
        let t = Instant::now();
        let hints = possible_duplicates(&tx, &ctx, &m).await.map_err(err)?;
        times.push(t.elapsed());
        // The hints' audit rows are not kept.
        drop(tx);
        if !hints.is_empty() {
            hinted += 1;
        }
    }
    times.sort();
    let pct =
        |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "registration check with {n} persons: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} checks, {hinted} with hints)",
        pct(0.5),
        pct(0.95),
        pct(1.0),
        times.len()
    );
    Ok(())
}

/// A written person's names and birth, for their matcher keys.
type Written = (i64, String, String, Option<NaiveDate>, i32);

async fn flush(
    db: &Db,
    p: &mut Vec<String>,
    c: &mut Vec<String>,
    l: &mut Vec<String>,
    k: &mut Vec<Written>,
) -> Result<(), Failure> {
    if p.is_empty() {
        return Ok(());
    }
    let conn = db.writer();
    conn.execute_unprepared(&format!(
        "INSERT INTO persons (id, given_name, family_name, name_fold, name_skeleton, birth_date, \
         birth_year, municipality_ags, target_group, created_at, created_by, updated_at, version) \
         VALUES {}",
        p.join(", ")
    ))
    .await
    .map_err(err)?;
    conn.execute_unprepared(&format!(
        "INSERT INTO cases (id, case_number, organisation_id, municipality_ags, assigned_to, \
         opened_on, clock_start, status, handover_seen, created_at, updated_at, version) VALUES {}",
        c.join(", ")
    ))
    .await
    .map_err(err)?;
    conn.execute_unprepared(&format!(
        "INSERT INTO case_persons (case_id, person_id) VALUES {}",
        l.join(", ")
    ))
    .await
    .map_err(err)?;
    // The matcher keys, as every writer of persons writes them.
    let records: Vec<(i64, Record)> = k
        .iter()
        .map(|(id, given, family, birth_date, birth_year)| {
            let record = Record {
                given,
                family,
                original: None,
                birth_date: *birth_date,
                birth_year: *birth_year,
            };
            (*id, record)
        })
        .collect();
    duplicates::keys::write(conn, &records).await.map_err(err)?;
    p.clear();
    c.clear();
    l.clear();
    k.clear();
    Ok(())
}
