//! Rows waiting to be written, and the ids they carry: the database is required to be empty, so
//! ids are assigned here and whole batches go out as multi-row inserts, parents before children.

use ankommen_store::Db;
use ankommen_store::entities::{
    case, case_assignment, case_event, case_pause, case_person, consent, contact, contact_person,
    followup, goal, household, outcome, person, person_match_key, plan, release, review,
    review_assessment, step,
};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::ROWS_PER_INSERT;

/// Rows waiting to be written, in the order their tables must be filled.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) households: Vec<household::ActiveModel>,
    pub(super) persons: Vec<person::ActiveModel>,
    pub(super) person_match_keys: Vec<person_match_key::ActiveModel>,
    pub(super) cases: Vec<case::ActiveModel>,
    pub(super) case_persons: Vec<case_person::ActiveModel>,
    pub(super) case_assignments: Vec<case_assignment::ActiveModel>,
    pub(super) case_events: Vec<case_event::ActiveModel>,
    pub(super) case_pauses: Vec<case_pause::ActiveModel>,
    pub(super) consents: Vec<consent::ActiveModel>,
    pub(super) releases: Vec<release::ActiveModel>,
    pub(super) contacts: Vec<contact::ActiveModel>,
    pub(super) contact_persons: Vec<contact_person::ActiveModel>,
    pub(super) plans: Vec<plan::ActiveModel>,
    pub(super) goals: Vec<goal::ActiveModel>,
    pub(super) steps: Vec<step::ActiveModel>,
    pub(super) reviews: Vec<review::ActiveModel>,
    pub(super) review_assessments: Vec<review_assessment::ActiveModel>,
    pub(super) followups: Vec<followup::ActiveModel>,
    pub(super) outcomes: Vec<outcome::ActiveModel>,
}

pub(super) async fn insert_rows<C, A>(conn: &C, rows: &mut Vec<A>) -> Result<(), DbErr>
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
    pub(super) async fn flush(&mut self, db: &Db) -> Result<(), DbErr> {
        let txn = db.begin().await?;
        insert_rows(&txn, &mut self.households).await?;
        insert_rows(&txn, &mut self.persons).await?;
        insert_rows(&txn, &mut self.person_match_keys).await?;
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
pub(super) struct Ids {
    pub(super) household: i64,
    pub(super) person: i64,
    pub(super) case: i64,
    pub(super) assignment: i64,
    pub(super) event: i64,
    pub(super) pause: i64,
    pub(super) consent: i64,
    pub(super) release: i64,
    pub(super) contact: i64,
    pub(super) plan: i64,
    pub(super) goal: i64,
    pub(super) step: i64,
    pub(super) review: i64,
    pub(super) followup: i64,
    pub(super) outcome: i64,
}

pub(super) fn next(id: &mut i64) -> i64 {
    *id += 1;
    *id
}

/// Tables with generated ids: their id sequences are moved past the inserted rows on PostgreSQL.
pub(super) const ID_TABLES: &[&str] = &[
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
