//! Duplicate people (issue 22): the scan for person records of one organisation that are probably
//! the same person, the review of a pair side by side, merging a pair (one record keeps the
//! history of both; the absorbed id resolves to it) and marking a pair "not the same" (never
//! shown again). The matcher is `kernel::names::matching`, the same as at registration.
//!
//! Who reviews: the IM of a case of each person, or the team lead of the IMs who hold them
//! (`Action::ReviewDuplicates`); a pair is listed only when the reviewer may review both persons,
//! and both are persons of the reviewer's current organisation.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ankommen_store::Db;
use ankommen_store::entities::{
    appointment, case, case_person, client_document, consent, contact_person, course_registration,
    document, dpo_request, duplicate_decision, exchange_id, goal, outcome, person, person_merge,
    referral, release, staff, volunteer_match,
};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::kernel::access::{self, in_tx};
use crate::kernel::audit::{self, Event, Seen};
use crate::kernel::names::matching::{self, Match, Prepared, Reason, Record, THRESHOLD};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, PERSON_HEALTH, Sealing};
use crate::kernel::sealing::Sealer;
use crate::{Ctx, Error, Result};

pub mod keys;

/// The persons' columns the matcher reads.
#[derive(Clone, Debug, sea_orm::FromQueryResult)]
pub struct Candidate {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub name_original: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_year: i32,
}

impl Candidate {
    pub fn record(&self) -> Record<'_> {
        Record {
            given: &self.given_name,
            family: &self.family_name,
            original: self.name_original.as_deref(),
            birth_date: self.birth_date,
            birth_year: self.birth_year,
        }
    }
}

fn candidate_columns<E: EntityTrait>(q: sea_orm::Select<E>) -> sea_orm::Select<E> {
    q.select_only()
        .column(person::Column::Id)
        .column(person::Column::GivenName)
        .column(person::Column::FamilyName)
        .column(person::Column::NameOriginal)
        .column(person::Column::BirthDate)
        .column(person::Column::BirthYear)
}

/// `SELECT person_id FROM case_persons` of the cases of an organisation.
fn persons_of_organisation(organisation_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(case_person::Column::PersonId)
        .from(case_person::Entity)
        .and_where(
            case_person::Column::CaseId.in_subquery(
                Query::select()
                    .column(case::Column::Id)
                    .from(case::Entity)
                    .and_where(case::Column::OrganisationId.eq(organisation_id))
                    .to_owned(),
            ),
        )
        .to_owned()
}

/// A pair found by a scan (the smaller id first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundPair {
    pub a: i64,
    pub b: i64,
    pub score: u8,
    pub reasons: Vec<Reason>,
}

/// Pairs among `candidates` scoring at least the threshold, without those marked "not the same".
async fn pairs_among<C: ConnectionTrait>(
    conn: &C,
    candidates: &[Candidate],
) -> Result<Vec<FoundPair>> {
    let prepared: Vec<Prepared> = candidates
        .iter()
        .map(|c| matching::prepare(&c.record()))
        .collect();
    let found = matching::scan(&prepared, THRESHOLD);
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let involved: BTreeSet<i64> = found
        .iter()
        .flat_map(|(i, j, _)| [candidates[*i].id, candidates[*j].id])
        .collect();
    let decided: HashSet<(i64, i64)> = decided_among(conn, &involved).await?;
    Ok(found
        .into_iter()
        .map(|(i, j, m)| {
            let (x, y) = (candidates[i].id, candidates[j].id);
            FoundPair {
                a: x.min(y),
                b: x.max(y),
                score: m.score,
                reasons: m.reasons,
            }
        })
        .filter(|p| !decided.contains(&(p.a, p.b)))
        .collect())
}

async fn decided_among<C: ConnectionTrait>(
    conn: &C,
    ids: &BTreeSet<i64>,
) -> Result<HashSet<(i64, i64)>> {
    let mut out = HashSet::new();
    let ids: Vec<i64> = ids.iter().copied().collect();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, i64)> = duplicate_decision::Entity::find()
            .select_only()
            .column(duplicate_decision::Column::PersonIdLow)
            .column(duplicate_decision::Column::PersonIdHigh)
            .filter(duplicate_decision::Column::PersonIdLow.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// A pair as a reviewer's list shows it.
#[derive(Clone, Debug)]
pub struct ListedPair {
    pub a: person::Model,
    pub b: person::Model,
    pub score: u8,
    pub reasons: Vec<Reason>,
}

/// The possible duplicates among the persons the actor may review, best first. The persons shown
/// are recorded as seen.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<ListedPair>> {
    audit::read(db, async |tx| {
        let ev = Event::new("duplicates_listed");
        if !policy_areas(ctx) {
            return ctx.refuse(tx, ev, Error::Forbidden).await;
        }
        let listable = access::listable_cases(ctx, false);
        let candidates: Vec<Candidate> = candidate_columns(person::Entity::find())
            .filter(
                person::Column::Id.in_subquery(
                    Query::select()
                        .column(case_person::Column::PersonId)
                        .from(case_person::Entity)
                        .and_where(case_person::Column::CaseId.in_subquery(listable))
                        .to_owned(),
                ),
            )
            .into_model::<Candidate>()
            .all(tx)
            .await?;
        let ids: Vec<i64> = candidates.iter().map(|c| c.id).collect();
        let reviewable = reviewable_among(tx, ctx, &ids).await?;
        let candidates: Vec<Candidate> = candidates
            .into_iter()
            .filter(|c| reviewable.contains_key(&c.id))
            .collect();
        let pairs = pairs_among(tx, &candidates).await?;
        let shown: BTreeSet<i64> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
        let persons: BTreeMap<i64, person::Model> = person::Entity::find()
            .filter(person::Column::Id.is_in(shown.iter().copied()))
            .all(tx)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let seen = shown.iter().map(|id| Seen {
            person_id: *id,
            case_id: reviewable.get(id).copied(),
        });
        audit::record_seen(tx, ctx, ev, seen).await?;
        Ok(pairs
            .into_iter()
            .filter_map(|p| {
                Some(ListedPair {
                    a: persons.get(&p.a)?.clone(),
                    b: persons.get(&p.b)?.clone(),
                    score: p.score,
                    reasons: p.reasons,
                })
            })
            .collect())
    })
    .await
}

fn policy_areas(ctx: &Ctx) -> bool {
    crate::kernel::policy::areas(&ctx.actor).duplicates
}

/// Which of these persons the actor may review, each with one case through which.
async fn reviewable_among<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    ids: &[i64],
) -> Result<BTreeMap<i64, i64>> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for l in access::allowed_cases(conn, ctx, chunk, Action::ReviewDuplicates).await? {
            out.entry(l.person_id).or_insert(l.case.id);
        }
    }
    Ok(out)
}

/// One side of a pair under review.
#[derive(Clone, Debug)]
pub struct Side {
    pub person: person::Model,
    pub cases: Vec<(case::Model, String)>,
    pub external_ids: Vec<String>,
}

/// A pair under review, side by side.
#[derive(Clone, Debug)]
pub struct PairView {
    pub a: Side,
    pub b: Side,
    /// `None`: the matcher would not pair them (the reviewer came by an old link).
    pub matched: Option<Match>,
}

/// Loads a person the actor may review, with the cases through which; a refusal is audited and
/// answers like a missing person.
async fn reviewable_person<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    id: i64,
    ev: Event,
) -> Result<(person::Model, Vec<case::Model>)> {
    access::person_for(conn, ctx, id, Action::ReviewDuplicates, ev).await
}

async fn side<C: ConnectionTrait>(
    conn: &C,
    p: person::Model,
    cases: Vec<case::Model>,
) -> Result<Side> {
    let ims: Vec<(i64, String)> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::Id.is_in(cases.iter().map(|c| c.assigned_to)))
        .into_tuple()
        .all(conn)
        .await?;
    let external_ids = external_ids_of(conn, &[p.id])
        .await?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    Ok(Side {
        cases: cases
            .into_iter()
            .map(|c| {
                let im = ims
                    .iter()
                    .find(|(id, _)| *id == c.assigned_to)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                (c, im)
            })
            .collect(),
        person: p,
        external_ids,
    })
}

/// The external ids (from imported files) of persons: (person, external id).
async fn external_ids_of<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String)> = exchange_id::Entity::find()
            .select_only()
            .column(exchange_id::Column::LocalId)
            .column(exchange_id::Column::ExternalId)
            .filter(exchange_id::Column::Kind.eq("person"))
            .filter(
                exchange_id::Column::LocalId
                    .is_in(chunk.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
            )
            .order_by_asc(exchange_id::Column::ExternalId)
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(
            rows.into_iter()
                .filter_map(|(l, e)| Some((l.parse::<i64>().ok()?, e))),
        );
    }
    Ok(out)
}

fn ordered(a: i64, b: i64) -> Result<(i64, i64)> {
    // The same id twice is no pair.
    if a == b {
        return Err(Error::NotFound);
    }
    Ok((a.min(b), a.max(b)))
}

/// A pair side by side, for a reviewer who may review both. The read names both persons.
pub async fn pair(db: &Db, ctx: &Ctx, a: i64, b: i64) -> Result<PairView> {
    let (a, b) = ordered(a, b)?;
    audit::read(db, async |tx| {
        let ev_a = Event::on("duplicate_pair_viewed", "person", a).person(a);
        let ev_b = Event::on("duplicate_pair_viewed", "person", b).person(b);
        let (pa, ca) = reviewable_person(tx, ctx, a, ev_a.clone()).await?;
        let (pb, cb) = reviewable_person(tx, ctx, b, ev_b.clone()).await?;
        let matched = matching::score(&record_of(&pa), &record_of(&pb));
        let (mut ev_a, mut ev_b) = (ev_a, ev_b);
        ev_a.case_id = ca.first().map(|c| c.id);
        ev_b.case_id = cb.first().map(|c| c.id);
        audit::record(tx, ctx, ev_a).await?;
        audit::record(tx, ctx, ev_b).await?;
        Ok(PairView {
            a: side(tx, pa, ca).await?,
            b: side(tx, pb, cb).await?,
            matched,
        })
    })
    .await
}

fn record_of(p: &person::Model) -> Record<'_> {
    Record {
        given: &p.given_name,
        family: &p.family_name,
        original: p.name_original.as_deref(),
        birth_date: p.birth_date,
        birth_year: p.birth_year,
    }
}

/// Marks a pair "not the same person": it is never listed again.
pub async fn not_same(db: &Db, ctx: &Ctx, a: i64, b: i64) -> Result<()> {
    let (a, b) = ordered(a, b)?;
    let tx = db.begin().await?;
    let ev_a = Event::on("duplicates_not_same", "person", a).person(a);
    let ev_b = Event::on("duplicates_not_same", "person", b).person(b);
    let checked = async {
        reviewable_person(&tx, ctx, a, ev_a.clone()).await?;
        reviewable_person(&tx, ctx, b, ev_b.clone()).await
    }
    .await;
    let (tx, _) = in_tx(tx, checked).await?;
    let exists = duplicate_decision::Entity::find()
        .filter(duplicate_decision::Column::PersonIdLow.eq(a))
        .filter(duplicate_decision::Column::PersonIdHigh.eq(b))
        .one(&tx)
        .await?
        .is_some();
    if !exists {
        duplicate_decision::Entity::insert(duplicate_decision::ActiveModel {
            id: NotSet,
            organisation_id: Set(ctx.actor.organisation_id),
            person_id_low: Set(a),
            person_id_high: Set(b),
            decided_by: Set(ctx.actor.staff_id),
            decided_at: Set(ctx.now()),
        })
        .exec(&tx)
        .await?;
    }
    audit::record(&tx, ctx, ev_a).await?;
    audit::record(&tx, ctx, ev_b).await?;
    tx.commit().await?;
    Ok(())
}

/// A merge as the reviewer asked it: `survivor` keeps its id and takes the history of `absorbed`;
/// the versions are those of the records the reviewer saw.
#[derive(Clone, Copy, Debug)]
pub struct MergeInput {
    pub survivor: i64,
    pub survivor_version: i32,
    pub absorbed: i64,
    pub absorbed_version: i32,
}

/// Every table with a column that names a person, and how a merge treats it. A test compares this
/// list with the schema, so a new table with a person column cannot be forgotten.
pub const PERSON_COLUMNS: &[(&str, &str, &str)] = &[
    ("appointments", "person_id", "moved"),
    (
        "case_persons",
        "person_id",
        "moved (a case of both keeps one link)",
    ),
    ("client_documents", "person_id", "moved"),
    ("consents", "person_id", "moved"),
    (
        "contact_persons",
        "person_id",
        "moved (a contact with both keeps one)",
    ),
    ("documents", "person_id", "moved"),
    ("dpo_requests", "person_id", "moved"),
    (
        "duplicate_decisions",
        "person_id_low",
        "moved (a decision on the pair itself dropped)",
    ),
    (
        "duplicate_decisions",
        "person_id_high",
        "moved (a decision on the pair itself dropped)",
    ),
    ("goals", "person_id", "moved"),
    ("outcomes", "person_id", "moved"),
    (
        "person_merges",
        "survivor_person_id",
        "moved (earlier merges resolve onward)",
    ),
    (
        "person_merges",
        "absorbed_person_id",
        "the record of this merge",
    ),
    (
        "person_match_keys",
        "person_id",
        "the survivor's computed again from its merged record, the absorbed's deleted",
    ),
    ("referrals", "person_id", "moved"),
    ("course_registrations", "person_id", "moved"),
    ("releases", "person_id", "moved"),
    ("volunteer_matches", "person_id", "moved"),
    (
        "audit_events",
        "person_id",
        "kept (append-only); the access record reads the absorbed ids through person_merges",
    ),
];

/// Merges two persons in one transaction: every row naming the absorbed person names the survivor
/// afterwards, the survivor's empty fields take the absorbed person's values, the absorbed person's
/// row is deleted and the merge recorded (the absorbed id resolves to the survivor). Audited
/// naming both persons. A stale version is a conflict; nothing is changed then.
pub async fn merge(db: &Db, ctx: &Ctx, sealer: &Sealer, input: MergeInput) -> Result<i64> {
    let (s_id, x_id) = (input.survivor, input.absorbed);
    ordered(s_id, x_id)?;
    let tx = db.begin().await?;
    let ev_s = Event::on("persons_merged", "person", s_id).person(s_id);
    let ev_x = Event::on("persons_merged", "person", x_id).person(x_id);
    let checked = async {
        let s = reviewable_person(&tx, ctx, s_id, ev_s.clone()).await?;
        let x = reviewable_person(&tx, ctx, x_id, ev_x.clone()).await?;
        Ok((s, x))
    }
    .await;
    let (tx, ((s, s_cases), (x, _))) = in_tx(tx, checked).await?;
    if s.version != input.survivor_version || x.version != input.absorbed_version {
        return Err(Error::Conflict("error-stale"));
    }
    let matched = matching::score(&record_of(&s), &record_of(&x));

    // The survivor's row: its empty fields from the absorbed one, the health needs of both.
    let sealing = Sealing::begin(&tx, sealer).await?;
    let next = s.version + 1;
    let health = match (&s.health_sealed, &x.health_sealed) {
        (Some(_), None) | (None, None) => sealing.reseal_opt(
            PERSON_HEALTH.at_version(s.id, s.version),
            PERSON_HEALTH.at_version(s.id, next),
            s.health_sealed.as_deref(),
        )?,
        (None, Some(xb)) => Some(sealing.reseal(
            PERSON_HEALTH.at_version(x.id, x.version),
            PERSON_HEALTH.at_version(s.id, next),
            xb,
        )?),
        (Some(sb), Some(xb)) => {
            let open = |p: &person::Model, b: &[u8]| match sealed::open(
                sealer,
                PERSON_HEALTH.at_version(p.id, p.version),
                b,
            ) {
                ankommen_store::Opened::Text(t) => Ok(t),
                ankommen_store::Opened::Unreadable => {
                    Err(Error::Conflict("error-sealed-unreadable"))
                }
            };
            let both = format!("{}\n\n{}", open(&s, sb)?, open(&x, xb)?);
            Some(sealing.seal(PERSON_HEALTH.at_version(s.id, next), &both)?)
        }
    };
    let mut am = s.clone().into_active_model();
    macro_rules! fill {
        ($($f:ident),*) => {
            $( if s.$f.is_none() && x.$f.is_some() { am.$f = Set(x.$f.clone()); } )*
        };
    }
    fill!(
        household_id,
        relation,
        birth_date,
        au_move_in,
        sex,
        nationality,
        languages,
        german_level,
        german_certificate,
        school,
        vocational,
        work_experience,
        profession,
        interests,
        residence_status,
        residence_valid_until,
        residence_basis,
        entry_date,
        housing,
        benefits,
        health_insurance,
        health_insurer,
        phone,
        email,
        address,
        interpreter_language,
        extra,
        external_id
    );
    // A real date (not 01.01.) of the absorbed record replaces a year only of the survivor's.
    let placeholder = |d: Option<NaiveDate>| d.is_none_or(|d| chrono::Datelike::ordinal(&d) == 1);
    if placeholder(s.birth_date) && !placeholder(x.birth_date) {
        am.birth_date = Set(x.birth_date);
        am.birth_year = Set(x.birth_year);
    }
    // The absorbed record's spelling in another script is kept as the original name.
    let x_full = format!("{} {}", x.given_name, x.family_name);
    let other_script = x_full.chars().any(|c| {
        c.is_alphabetic() && (c as u32) >= 0x0250 && !(0x1E00..=0x1EFF).contains(&(c as u32))
    });
    let original = x
        .name_original
        .clone()
        .or_else(|| other_script.then_some(x_full));
    if s.name_original.is_none() && original.is_some() {
        am.name_original = Set(original.clone());
        let (fold, skel) = crate::casework::clients::registration::name_keys(
            &s.given_name,
            &s.family_name,
            original.as_deref(),
        );
        am.name_fold = Set(fold);
        am.name_skeleton = Set(skel);
    }
    am.health_sealed = Set(health);
    am.updated_at = Set(ctx.now());
    am.version = Set(next);
    let res = person::Entity::update_many()
        .set(am)
        .filter(person::Column::Id.eq(s.id))
        .filter(person::Column::Version.eq(s.version))
        .exec(&tx)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::Conflict("error-stale"));
    }

    move_references(&tx, s.id, x.id).await?;
    // The survivor is found by the keys of its names and birth data as merged; the absorbed
    // person's keys go with its row.
    keys::write_stored(&tx, s.id).await?;
    keys::delete(&tx, x.id).await?;

    let res = person::Entity::delete_many()
        .filter(person::Column::Id.eq(x.id))
        .filter(person::Column::Version.eq(x.version))
        .exec(&tx)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::Conflict("error-stale"));
    }
    let (score, reasons) = matched
        .map(|m| {
            (
                i32::from(m.score),
                m.reasons
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            )
        })
        .unwrap_or_default();
    let merge_id = person_merge::Entity::insert(person_merge::ActiveModel {
        id: NotSet,
        organisation_id: Set(ctx.actor.organisation_id),
        survivor_person_id: Set(s.id),
        absorbed_person_id: Set(x.id),
        score: Set(score),
        reasons: Set(reasons),
        merged_by: Set(ctx.actor.staff_id),
        merged_at: Set(ctx.now()),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    let case_id = s_cases.first().map(|c| c.id);
    let mut ev_s = ev_s;
    ev_s.case_id = case_id;
    let mut ev_x = ev_x;
    ev_x.case_id = case_id;
    audit::record(&tx, ctx, ev_s).await?;
    audit::record(&tx, ctx, ev_x).await?;
    tx.commit().await?;
    Ok(merge_id)
}

/// Points every row that names `from` at `to` (see [`PERSON_COLUMNS`]).
async fn move_references<C: ConnectionTrait>(conn: &C, to: i64, from: i64) -> Result<()> {
    // Link tables keyed by (thing, person): a thing linked to both keeps the survivor's link.
    let both_cases: Vec<i64> = case_person::Entity::find()
        .select_only()
        .column(case_person::Column::CaseId)
        .filter(case_person::Column::PersonId.eq(to))
        .into_tuple()
        .all(conn)
        .await?;
    case_person::Entity::delete_many()
        .filter(case_person::Column::PersonId.eq(from))
        .filter(case_person::Column::CaseId.is_in(both_cases))
        .exec(conn)
        .await?;
    case_person::Entity::update_many()
        .col_expr(case_person::Column::PersonId, Expr::value(to))
        .filter(case_person::Column::PersonId.eq(from))
        .exec(conn)
        .await?;
    let both_contacts = Query::select()
        .column(contact_person::Column::ContactId)
        .from(contact_person::Entity)
        .and_where(contact_person::Column::PersonId.eq(to))
        .to_owned();
    contact_person::Entity::delete_many()
        .filter(contact_person::Column::PersonId.eq(from))
        .filter(contact_person::Column::ContactId.in_subquery(both_contacts))
        .exec(conn)
        .await?;
    contact_person::Entity::update_many()
        .col_expr(contact_person::Column::PersonId, Expr::value(to))
        .filter(contact_person::Column::PersonId.eq(from))
        .exec(conn)
        .await?;
    macro_rules! repoint {
        ($($m:ident),*) => {
            $(
                $m::Entity::update_many()
                    .col_expr($m::Column::PersonId, Expr::value(to))
                    .filter($m::Column::PersonId.eq(from))
                    .exec(conn)
                    .await?;
            )*
        };
    }
    repoint!(
        appointment,
        client_document,
        consent,
        course_registration,
        document,
        dpo_request,
        goal,
        outcome,
        referral,
        release,
        volunteer_match
    );
    // Decisions: the one on this very pair goes; the others name the survivor (unless it has one
    // on the same other person already).
    let decisions = duplicate_decision::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(duplicate_decision::Column::PersonIdLow.eq(from))
                .add(duplicate_decision::Column::PersonIdHigh.eq(from))
                .add(duplicate_decision::Column::PersonIdLow.eq(to))
                .add(duplicate_decision::Column::PersonIdHigh.eq(to)),
        )
        .all(conn)
        .await?;
    let other = |d: &duplicate_decision::Model, me: i64| {
        if d.person_id_low == me {
            d.person_id_high
        } else {
            d.person_id_low
        }
    };
    let survivors: HashSet<i64> = decisions
        .iter()
        .filter(|d| d.person_id_low == to || d.person_id_high == to)
        .map(|d| other(d, to))
        .collect();
    for d in decisions
        .iter()
        .filter(|d| d.person_id_low == from || d.person_id_high == from)
    {
        let o = other(d, from);
        if o == to || survivors.contains(&o) {
            duplicate_decision::Entity::delete_by_id(d.id)
                .exec(conn)
                .await?;
        } else {
            duplicate_decision::Entity::update_many()
                .col_expr(
                    duplicate_decision::Column::PersonIdLow,
                    Expr::value(o.min(to)),
                )
                .col_expr(
                    duplicate_decision::Column::PersonIdHigh,
                    Expr::value(o.max(to)),
                )
                .filter(duplicate_decision::Column::Id.eq(d.id))
                .exec(conn)
                .await?;
        }
    }
    person_merge::Entity::update_many()
        .col_expr(person_merge::Column::SurvivorPersonId, Expr::value(to))
        .filter(person_merge::Column::SurvivorPersonId.eq(from))
        .exec(conn)
        .await?;
    exchange_id::Entity::update_many()
        .col_expr(exchange_id::Column::LocalId, Expr::value(to.to_string()))
        .filter(exchange_id::Column::Kind.eq("person"))
        .filter(exchange_id::Column::LocalId.eq(from.to_string()))
        .exec(conn)
        .await?;
    Ok(())
}

/// The person an id stands for now: itself, or the survivor it was merged into.
pub async fn resolve<C: ConnectionTrait>(conn: &C, person_id: i64) -> Result<Option<i64>> {
    Ok(person_merge::Entity::find()
        .select_only()
        .column(person_merge::Column::SurvivorPersonId)
        .filter(person_merge::Column::AbsorbedPersonId.eq(person_id))
        .into_tuple()
        .one(conn)
        .await?)
}

/// [`resolve`] on the database: where a link to an absorbed person leads.
pub async fn survivor_of(db: &Db, person_id: i64) -> Result<Option<i64>> {
    resolve(db.reader(), person_id).await
}

/// A pair of a whole organisation's scan with the external ids of both records (no names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannedPair {
    pub a: i64,
    pub b: i64,
    pub a_external: Vec<String>,
    pub b_external: Vec<String>,
    pub score: u8,
    pub reasons: Vec<Reason>,
}

/// The operator's scan of one organisation (`ankommen duplicates`): every pair, with the external
/// ids (no names). Persons are compared by blocking keys, not all pairs. Audited as the operator's
/// command, naming the organisation; an unknown organisation is `NotFound`.
pub async fn scan_as_operator(
    db: &Db,
    at: chrono::DateTime<chrono::Utc>,
    organisation_id: i64,
) -> Result<Vec<ScannedPair>> {
    use ankommen_store::entities::organisation;
    if organisation::Entity::find_by_id(organisation_id)
        .one(db.reader())
        .await?
        .is_none()
    {
        return Err(Error::NotFound);
    }
    let pairs = scan_organisation(db, organisation_id).await?;
    let who = audit::Who {
        staff_id: None,
        organisation_id: None,
        roles: "operator".into(),
    };
    let tx = db.begin().await?;
    audit::record_as(
        &tx,
        at,
        &who,
        None,
        Event::on("duplicates_scanned", "organisation", organisation_id),
    )
    .await?;
    tx.commit().await?;
    Ok(pairs)
}

/// Every pair of one organisation's persons, with the external ids (the scan behind
/// [`scan_as_operator`] and the benchmark).
pub async fn scan_organisation(db: &Db, organisation_id: i64) -> Result<Vec<ScannedPair>> {
    let conn = db.reader();
    let candidates: Vec<Candidate> = candidate_columns(person::Entity::find())
        .filter(person::Column::Id.in_subquery(persons_of_organisation(organisation_id)))
        .order_by_asc(person::Column::Id)
        .into_model::<Candidate>()
        .all(conn)
        .await?;
    let pairs = pairs_among(conn, &candidates).await?;
    let ids: Vec<i64> = pairs
        .iter()
        .flat_map(|p| [p.a, p.b])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let ext = external_ids_of(conn, &ids).await?;
    let of = |id: i64| -> Vec<String> {
        ext.iter()
            .filter(|(p, _)| *p == id)
            .map(|(_, e)| e.clone())
            .collect()
    };
    Ok(pairs
        .into_iter()
        .map(|p| ScannedPair {
            a_external: of(p.a),
            b_external: of(p.b),
            a: p.a,
            b: p.b,
            score: p.score,
            reasons: p.reasons,
        })
        .collect())
}

/// Whether the actor's policy lets them review duplicates at all (the navigation entry).
pub fn may_review(ctx: &Ctx) -> bool {
    policy_areas(ctx)
}
