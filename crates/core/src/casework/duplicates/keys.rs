//! The stored matcher keys (`person_match_keys`, migration m0012): each person's blocking keys of
//! `kernel::names::matching` with the year of birth they are filed under, so that the duplicate
//! check at registration reads only the persons who share a key with the new record and were born
//! within a year of it — exactly the persons a full scan would compare it with — instead of every
//! person of the organisation born within a year.
//!
//! Every writer of a person's names or birth data writes the keys in the same transaction with
//! [`write`]: registration (and so a new household member, the spreadsheet import and the demo
//! data), the change of the minimum data, the exchange import, the merge (the survivor's keys
//! computed again, the absorbed person's deleted) and the benchmark generators. [`refresh`]
//! computes the keys of every person at start-up when they were computed by another version of the
//! matcher's keys (or not at all: a database from before m0012).

use ankommen_store::Db;
use ankommen_store::entities::{person, person_match_key};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{Candidate, candidate_columns};
use crate::Result;
use crate::administration::settings;
use crate::kernel::names::matching::{self, KEYS_VERSION, Keys, Record};

/// The settings key holding the [`KEYS_VERSION`] the stored keys were computed with.
pub const VERSION_SETTING: &str = "match_keys_version";

/// Persons per statement (and per transaction of [`refresh`]).
const BATCH: usize = 500;

/// The rows of a person's keys.
pub fn rows(person_id: i64, r: &Record) -> Vec<person_match_key::ActiveModel> {
    let Keys { keys, birth_year } = matching::keys(r);
    keys.into_iter()
        .map(|k| person_match_key::ActiveModel {
            person_id: Set(person_id),
            match_key: Set(k),
            birth_year: Set(birth_year),
        })
        .collect()
}

/// Replaces the stored keys of these persons by the keys of their records as given (the caller
/// writes the records themselves on the same connection, before).
pub async fn write<C: ConnectionTrait>(conn: &C, persons: &[(i64, Record<'_>)]) -> Result<()> {
    for chunk in persons.chunks(BATCH) {
        person_match_key::Entity::delete_many()
            .filter(person_match_key::Column::PersonId.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(conn)
            .await?;
        let mut rows: Vec<person_match_key::ActiveModel> =
            chunk.iter().flat_map(|(id, r)| rows(*id, r)).collect();
        while !rows.is_empty() {
            let n = rows.len().min(1_000);
            // Another start's `refresh` may have written the same keys meanwhile.
            person_match_key::Entity::insert_many(rows.drain(..n))
                .on_conflict(
                    OnConflict::columns([
                        person_match_key::Column::PersonId,
                        person_match_key::Column::MatchKey,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(conn)
                .await?;
        }
    }
    Ok(())
}

/// Writes the keys of a person as stored now (after a change of their row).
pub async fn write_stored<C: ConnectionTrait>(conn: &C, person_id: i64) -> Result<()> {
    let stored: Vec<Candidate> = candidate_columns(person::Entity::find())
        .filter(person::Column::Id.eq(person_id))
        .into_model::<Candidate>()
        .all(conn)
        .await?;
    let records: Vec<(i64, Record)> = stored.iter().map(|c| (c.id, c.record())).collect();
    write(conn, &records).await
}

/// Deletes the keys of a person (before their row is deleted).
pub async fn delete<C: ConnectionTrait>(conn: &C, person_id: i64) -> Result<()> {
    person_match_key::Entity::delete_many()
        .filter(person_match_key::Column::PersonId.eq(person_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Persons of an organisation who share a key with `mine` and were born within a year of it: the
/// candidates of the check at registration (and of each row of a spreadsheet import), the same
/// persons a scan would compare the new record with. One query on the keys' index; the
/// organisation is checked for these few persons only.
pub(crate) async fn candidates<C: ConnectionTrait>(
    conn: &C,
    organisation_id: i64,
    mine: &Keys,
) -> Result<Vec<Candidate>> {
    if mine.keys.is_empty() {
        return Ok(Vec::new());
    }
    let sharing = Query::select()
        .distinct()
        .column(person_match_key::Column::PersonId)
        .from(person_match_key::Entity)
        .and_where(person_match_key::Column::MatchKey.is_in(mine.keys.iter().cloned()))
        .and_where(
            person_match_key::Column::BirthYear.between(mine.birth_year - 1, mine.birth_year + 1),
        )
        .to_owned();
    Ok(candidate_columns(person::Entity::find())
        .filter(person::Column::Id.in_subquery(sharing))
        // Per candidate, from its case links (CROSS JOIN: SQLite keeps this order rather than
        // walking every case of the organisation). An integer, written out: the same statement
        // text on both backends.
        .filter(Expr::cust(format!(
            "EXISTS (SELECT 1 FROM case_persons cp CROSS JOIN cases c \
             WHERE cp.person_id = persons.id AND c.id = cp.case_id \
             AND c.organisation_id = {organisation_id})"
        )))
        .order_by_asc(person::Column::Id)
        .into_model::<Candidate>()
        .all(conn)
        .await?)
}

/// What [`refresh`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refreshed {
    /// Whether the keys were computed (they were of another version, or missing).
    pub ran: bool,
    /// Persons whose keys were computed.
    pub persons: u64,
}

/// Computes the stored keys of every person when they are not of the current [`KEYS_VERSION`]
/// (a database from before m0012, or a matcher whose keys changed since); nothing otherwise. Run
/// at start-up after the migrations. In batches, each in one transaction (the persons' rows locked
/// on PostgreSQL, so a change by another instance waits or comes after); a second instance
/// starting at the same time writes the same keys.
pub async fn refresh(db: &Db) -> Result<Refreshed> {
    let version = KEYS_VERSION.to_string();
    if settings::get(db, VERSION_SETTING).await?.as_deref() == Some(version.as_str()) {
        return Ok(Refreshed {
            ran: false,
            persons: 0,
        });
    }
    let mut after = 0i64;
    let mut persons = 0u64;
    loop {
        let tx = db.begin().await?;
        let batch: Vec<Candidate> = candidate_columns(person::Entity::find())
            .filter(person::Column::Id.gt(after))
            .order_by_asc(person::Column::Id)
            .limit(BATCH as u64)
            .lock_exclusive()
            .into_model::<Candidate>()
            .all(&tx)
            .await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.id;
        let records: Vec<(i64, Record)> = batch.iter().map(|c| (c.id, c.record())).collect();
        write(&tx, &records).await?;
        tx.commit().await?;
        persons += batch.len() as u64;
    }
    let tx = db.begin().await?;
    settings::set(&tx, VERSION_SETTING, &version).await?;
    tx.commit().await?;
    Ok(Refreshed { ran: true, persons })
}
