//! The contacts counted per case, calendar year and kind (issue 29, decision 0025).
//!
//! A state's year has millions of contacts; its key figures need of them only, per case and
//! holder, how many of each kind, their minutes and topics, and the days with a contact (for the
//! contact clock). A tally holds exactly that for one case, calendar year and kind, so that the
//! figures of a calendar year read one row per case and kind instead of one per contact.
//!
//! Tallies are derived data: every write of a contact recounts its case's tallies of the years it
//! touched in the same transaction ([`refresh`]), an import or a generated dataset recounts its
//! cases ([`recount`]), and [`rebuild`] recounts everything (the server runs it at start when the
//! tallies are not known to be complete, e.g. after the migration that introduced them). The
//! figures use them only while they are complete, and only for whole calendar years; a case handed
//! over inside the period is still counted from its contacts (its contacts of one year may count
//! for two IMs). A test compares the figures from tallies with those from the contacts.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::entities::{case, contact, contact_tally, setting};
use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Set,
};

use crate::Result;
use crate::kernel::query::one_of;

/// The setting that says the tallies are complete (every contact counted).
const COMPLETE: &str = "contact_tallies";
/// Cases recounted together by [`rebuild`] and [`recount`].
const CHUNK: usize = 200;
/// Tally rows per insert statement.
const ROWS_PER_INSERT: usize = 300;

/// One tally while it is counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Count {
    pub contacts: i64,
    pub minutes: i64,
    pub first_day: Option<NaiveDate>,
    /// Topic keys as stored (not yet mapped to exchange fields), with their counts.
    pub topics: BTreeMap<String, i64>,
    /// Bit `n` = day `n + 1` of the year.
    pub days: [u64; 6],
}

impl Count {
    pub(crate) fn add(&mut self, date: NaiveDate, minutes: Option<i32>, topics: &str) {
        self.contacts += 1;
        self.minutes += minutes.map_or(0, i64::from);
        self.first_day = Some(self.first_day.map_or(date, |d| d.min(date)));
        for key in topics.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            *self.topics.entry(key.to_string()).or_default() += 1;
        }
        let n = date.ordinal0() as usize;
        self.days[n / 64] |= 1 << (n % 64);
    }

    /// The days with a contact, in order.
    pub(crate) fn days_of(&self, year: i32) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        for (word, bits) in self.days.iter().enumerate() {
            for bit in 0..64 {
                if bits & (1 << bit) != 0 {
                    let ordinal = (word * 64 + bit) as u32 + 1;
                    out.extend(NaiveDate::from_yo_opt(year, ordinal));
                }
            }
        }
        out
    }

    fn encode_topics(&self) -> String {
        let pairs: Vec<String> = self
            .topics
            .iter()
            .map(|(k, n)| format!("{k}={n}"))
            .collect();
        pairs.join(",")
    }

    fn encode_days(&self) -> String {
        self.days.iter().map(|w| format!("{w:016x}")).collect()
    }

    /// A stored tally, read back (`None` if it is not in the stored shape).
    pub(crate) fn decode(t: &contact_tally::Model) -> Option<Count> {
        let mut topics = BTreeMap::new();
        for pair in t.topics.split(',').filter(|p| !p.is_empty()) {
            let (key, n) = pair.rsplit_once('=')?;
            topics.insert(key.to_string(), n.parse().ok()?);
        }
        let mut days = [0u64; 6];
        if t.days.len() != 96 {
            return None;
        }
        for (i, word) in days.iter_mut().enumerate() {
            *word = u64::from_str_radix(t.days.get(i * 16..i * 16 + 16)?, 16).ok()?;
        }
        Some(Count {
            contacts: t.contacts,
            minutes: t.minutes,
            first_day: Some(t.first_day),
            topics,
            days,
        })
    }
}

/// The calendar years `from..=to` spans, if it is exactly whole calendar years.
pub(crate) fn whole_years(from: NaiveDate, to: NaiveDate) -> Option<(i32, i32)> {
    let whole = from.month() == 1
        && from.day() == 1
        && to.month() == 12
        && to.day() == 31
        && from.year() <= to.year();
    whole.then_some((from.year(), to.year()))
}

/// Whether every contact is counted in the tallies.
pub async fn complete<C: ConnectionTrait>(conn: &C) -> Result<bool> {
    Ok(setting::Entity::find_by_id(COMPLETE)
        .one(conn)
        .await?
        .is_some_and(|s| s.value == "complete"))
}

/// Recounts the tallies of one case for the given years from its contacts, after a contact dated
/// in one of them was written (in the same transaction). On PostgreSQL the case's row is locked
/// first, so that two transactions writing contacts of one case count each other's: `FOR NO KEY
/// UPDATE`, which waits for the other writer's lock but not for the key-share lock its contact's
/// foreign key holds on the case (`FOR UPDATE` would deadlock two such writers).
pub(crate) async fn refresh<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    years: &[i32],
) -> Result<()> {
    lock(conn, &[case_id]).await?;
    count_into(conn, &[case_id], Some(years)).await
}

/// Recounts every year of the given cases (after an import or a generated dataset wrote their
/// contacts, in the same transaction).
pub(crate) async fn recount<C: ConnectionTrait>(conn: &C, cases: &[i64]) -> Result<()> {
    for chunk in cases.chunks(CHUNK) {
        lock(conn, chunk).await?;
        count_into(conn, chunk, None).await?;
    }
    Ok(())
}

/// Recounts the tallies of every case, a chunk of cases per transaction, and marks them complete.
/// Returns the number of cases counted.
pub async fn rebuild(db: &ankommen_store::Db) -> Result<usize> {
    use sea_orm::QueryOrder;
    let ids: Vec<i64> = case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .order_by_asc(case::Column::Id)
        .into_tuple()
        .all(db.reader())
        .await?;
    for chunk in ids.chunks(CHUNK) {
        let tx = db.begin().await?;
        lock(&tx, chunk).await?;
        count_into(&tx, chunk, None).await?;
        tx.commit().await?;
    }
    let tx = db.begin().await?;
    crate::administration::settings::set(&tx, COMPLETE, "complete").await?;
    tx.commit().await?;
    Ok(ids.len())
}

async fn lock<C: ConnectionTrait>(conn: &C, cases: &[i64]) -> Result<()> {
    let backend = conn.get_database_backend();
    if backend == DbBackend::Postgres {
        case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .filter(one_of(backend, case::Column::Id, cases.iter().copied()))
            .lock(LockType::NoKeyUpdate)
            .into_tuple::<i64>()
            .all(conn)
            .await?;
    }
    Ok(())
}

/// Deletes the tallies of `cases` (of `years` only, if given) and writes them anew from the
/// contacts.
async fn count_into<C: ConnectionTrait>(
    conn: &C,
    cases: &[i64],
    years: Option<&[i32]>,
) -> Result<()> {
    let backend = conn.get_database_backend();
    let years: Option<BTreeSet<i32>> = years.map(|y| y.iter().copied().collect());
    let mut delete = contact_tally::Entity::delete_many().filter(one_of(
        backend,
        contact_tally::Column::CaseId,
        cases.iter().copied(),
    ));
    let mut read = contact::Entity::find()
        .select_only()
        .column(contact::Column::CaseId)
        .column(contact::Column::ContactDate)
        .column(contact::Column::Minutes)
        .column(contact::Column::ContactKind)
        .column(contact::Column::Topics)
        .filter(one_of(
            backend,
            contact::Column::CaseId,
            cases.iter().copied(),
        ));
    if let Some(years) = &years {
        let (Some(first), Some(last)) = (years.first(), years.last()) else {
            return Ok(());
        };
        delete = delete.filter(contact_tally::Column::Year.is_in(years.iter().copied()));
        let (from, to) = (
            NaiveDate::from_ymd_opt(*first, 1, 1),
            NaiveDate::from_ymd_opt(*last, 12, 31),
        );
        if let (Some(from), Some(to)) = (from, to) {
            read = read.filter(contact::Column::ContactDate.between(from, to));
        }
    }
    delete.exec(conn).await?;
    let rows: Vec<(i64, NaiveDate, Option<i32>, String, String)> =
        read.into_tuple().all(conn).await?;
    let mut counts: BTreeMap<(i64, i32, String), Count> = BTreeMap::new();
    for (case_id, date, minutes, kind, topics) in rows {
        if years.as_ref().is_some_and(|y| !y.contains(&date.year())) {
            continue;
        }
        counts
            .entry((case_id, date.year(), kind))
            .or_default()
            .add(date, minutes, &topics);
    }
    let models: Vec<contact_tally::ActiveModel> = counts
        .into_iter()
        .filter_map(|((case_id, year, kind), c)| {
            Some(contact_tally::ActiveModel {
                case_id: Set(case_id),
                year: Set(year),
                kind: Set(kind),
                contacts: Set(c.contacts),
                minutes: Set(c.minutes),
                first_day: Set(c.first_day?),
                topics: Set(c.encode_topics()),
                days: Set(c.encode_days()),
            })
        })
        .collect();
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let batch: Vec<_> = models.by_ref().take(ROWS_PER_INSERT).collect();
        contact_tally::Entity::insert_many(batch).exec(conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_tally_reads_back_as_counted() {
        let mut c = Count::default();
        c.add(d(2024, 12, 31), Some(30), "work, language");
        c.add(d(2024, 1, 1), None, "work");
        c.add(d(2024, 3, 5), Some(15), "");
        let t = contact_tally::Model {
            case_id: 7,
            year: 2024,
            kind: "phone".into(),
            contacts: c.contacts,
            minutes: c.minutes,
            first_day: c.first_day.unwrap(),
            topics: c.encode_topics(),
            days: c.encode_days(),
        };
        assert_eq!(t.topics, "language=1,work=2");
        let back = Count::decode(&t).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.contacts, 3);
        assert_eq!(back.minutes, 45);
        assert_eq!(back.first_day, Some(d(2024, 1, 1)));
        // 2024 is a leap year: its 366th day is the last bit used.
        assert_eq!(
            back.days_of(2024),
            vec![d(2024, 1, 1), d(2024, 3, 5), d(2024, 12, 31)]
        );
    }

    #[test]
    fn a_damaged_tally_is_not_read() {
        let t = contact_tally::Model {
            case_id: 7,
            year: 2024,
            kind: "phone".into(),
            contacts: 1,
            minutes: 0,
            first_day: d(2024, 1, 1),
            topics: "work".into(),
            days: "0".repeat(96),
        };
        assert!(Count::decode(&t).is_none());
    }

    #[test]
    fn only_whole_calendar_years_are_tallied() {
        assert_eq!(
            whole_years(d(2025, 1, 1), d(2025, 12, 31)),
            Some((2025, 2025))
        );
        assert_eq!(
            whole_years(d(2023, 1, 1), d(2025, 12, 31)),
            Some((2023, 2025))
        );
        assert_eq!(whole_years(d(2025, 1, 2), d(2025, 12, 31)), None);
        assert_eq!(whole_years(d(2025, 1, 1), d(2025, 6, 30)), None);
    }
}
