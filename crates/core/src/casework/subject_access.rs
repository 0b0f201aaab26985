//! The Art. 15 export of one person: everything stored about them, for the data-protection
//! officer answering their request. Every row of every table about the person (or about a case
//! of theirs the officer may read) with all its columns, the sealed texts opened (the person has
//! a right to them, decision 0011 seals them at rest only), and who accessed the record when.
//! The officer finds and opens the person as for any data-subject request (`records::privacy`);
//! the export is audited naming the person and stores its reason.
//! See `docs/decisions/0017-export-and-art-15.md`.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::Db;
use ankommen_store::entities::{
    appointment, appointment_change, case, case_assignment, case_event, case_note, case_pause,
    case_person, case_share, client_document, confirmation, consent, contact, contact_person,
    course_registration, document, dpo_request, duplicate_decision, erasure_request, followup,
    goal, household, municipality, organisation, outcome, person, person_match_key, person_merge,
    plan, plan_version, referral, release, restriction, retention_hold, review, review_assessment,
    step, volunteer_match,
};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityName, EntityTrait, Iterable, ModelTrait, QueryFilter,
};
use serde_json::{Map, Value, json};

use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, Binding, Content};
use crate::kernel::sealing::Sealer;
use crate::records::privacy::{self, AccessEntry};
use crate::{Ctx, Result};

/// What a sealed text holds in the export when it does not open.
pub const UNREADABLE: &str = "[cannot be opened]";

/// Every table the export reads, in the order of the file. A table with a column about a person
/// (`person_id`, `*_person_id`, `person_id_*`) or a case (`case_id`) that is not here must be in [`EXCLUDED`]
/// with its reason; a test compares both lists with the schema.
pub const TABLES: &[&str] = &[
    "persons",
    "households",
    "case_persons",
    "cases",
    "case_assignments",
    "case_pauses",
    "case_events",
    "case_shares",
    "consents",
    "documents",
    "client_documents",
    "releases",
    "outcomes",
    "plans",
    "goals",
    "steps",
    "reviews",
    "review_assessments",
    "plan_versions",
    "contact_persons",
    "contacts",
    "case_notes",
    "followups",
    "referrals",
    "course_registrations",
    "volunteer_matches",
    "appointments",
    "appointment_changes",
    "confirmations",
    "dpo_requests",
    "person_merges",
    "duplicate_decisions",
    "person_match_keys",
    "retention_holds",
    "erasure_requests",
    "restrictions",
    "audit_events",
];

/// Tables with a column about a person or a case that the export leaves out, and why.
pub const EXCLUDED: &[(&str, &str)] = &[
    (
        "notices",
        "a staff member's start-page notice of a handover (case number, who, when): about the staff member, it holds nothing of the person",
    ),
    (
        "contact_tallies",
        "the case's contacts counted per year and kind for the key figures (counts and days only): the contacts themselves are in the export",
    ),
    (
        "retained_facts",
        "the key figures' facts of an erased case, without names or texts: its persons no longer exist in ankommen",
    ),
];

/// The Art. 15 export of one person.
#[derive(Clone)]
pub struct SubjectAccess {
    pub person: person::Model,
    pub made_at: DateTime<Utc>,
    /// The rows of each table, as written to the file (sealed texts opened).
    pub rows: BTreeMap<&'static str, Vec<Map<String, Value>>>,
    /// Who accessed the record when (newest first).
    pub accesses: Vec<AccessEntry>,
    /// The names of the organisations and municipalities the rows name.
    pub organisations: BTreeMap<i64, String>,
    pub municipalities: BTreeMap<String, String>,
}

// Personal data stays out of debug output (and so out of logs).
impl std::fmt::Debug for SubjectAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectAccess")
            .field("tables", &self.rows.len())
            .finish_non_exhaustive()
    }
}

impl SubjectAccess {
    /// The rows of a table (none: empty).
    pub fn of(&self, table: &str) -> &[Map<String, Value>] {
        self.rows.get(table).map_or(&[], Vec::as_slice)
    }

    /// The JSON Lines file: a header, then one line per row (`table`, `row`).
    pub fn jsonl(&self) -> Vec<u8> {
        let header = json!({
            "kind": "meta",
            "format": "ankommen-art15",
            "version": 1,
            "made_at": self.made_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            "person": self.person.id,
            "tables": TABLES,
            "excluded": EXCLUDED.iter().map(|(t, why)| json!({"table": t, "reason": why})).collect::<Vec<_>>(),
        });
        let mut out = Vec::new();
        out.extend(header.to_string().as_bytes());
        out.push(b'\n');
        for table in TABLES {
            for row in self.of(table) {
                out.extend(json!({"table": table, "row": row}).to_string().as_bytes());
                out.push(b'\n');
            }
        }
        out
    }
}

/// Produces everything stored about a person for an Art. 15 request. Only the data-protection
/// officer (through a case they may read for a request); the reason is stored with the request
/// and the export audited naming the person, in the same transaction, before anything is read.
pub async fn export(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    person_id: i64,
    reason: &str,
) -> Result<SubjectAccess> {
    let reason = privacy::parse_reason(reason).map_err(crate::Error::Invalid)?;
    let tx = db.begin().await?;
    let ev = Event::on("subject_access_exported", "person", person_id).section("request");
    let (tx, p, cases) =
        access::person_in(tx, ctx, person_id, Action::ExportForSubject, ev.clone()).await?;
    dpo_request::Entity::insert(dpo_request::ActiveModel {
        id: NotSet,
        staff_id: Set(ctx.actor.staff_id),
        person_id: Set(person_id),
        reason: Set(reason),
        at: Set(ctx.now()),
    })
    .exec_without_returning(&tx)
    .await?;
    audit::record(&tx, ctx, ev).await?;
    let case_ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let out = collect(&tx, sealer, p, &case_ids, ctx.now()).await?;
    tx.commit().await?;
    Ok(out)
}

async fn collect<C: ConnectionTrait>(
    conn: &C,
    sealer: &Sealer,
    p: person::Model,
    case_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<SubjectAccess> {
    let pid = p.id;
    let mut rows: BTreeMap<&'static str, Vec<Map<String, Value>>> = BTreeMap::new();
    let mut put = |table: &'static str, r: Vec<Map<String, Value>>| {
        rows.insert(table, r);
    };
    put("persons", dump(sealer, std::slice::from_ref(&p)));
    let households = match p.household_id {
        Some(h) => household::Entity::find_by_id(h).all(conn).await?,
        None => Vec::new(),
    };
    put("households", dump(sealer, &households));
    let members = case_person::Entity::find()
        .filter(case_person::Column::PersonId.eq(pid))
        .filter(case_person::Column::CaseId.is_in(case_ids.to_vec()))
        .all(conn)
        .await?;
    put("case_persons", dump(sealer, &members));
    let cases = case::Entity::find()
        .filter(case::Column::Id.is_in(case_ids.to_vec()))
        .all(conn)
        .await?;
    put("cases", dump(sealer, &cases));
    macro_rules! by_case {
        ($table:literal, $m:ident) => {
            put(
                $table,
                dump(
                    sealer,
                    &$m::Entity::find()
                        .filter($m::Column::CaseId.is_in(case_ids.to_vec()))
                        .all(conn)
                        .await?,
                ),
            )
        };
    }
    macro_rules! by_person {
        ($table:literal, $m:ident) => {
            put(
                $table,
                dump(
                    sealer,
                    &$m::Entity::find()
                        .filter($m::Column::PersonId.eq(pid))
                        .all(conn)
                        .await?,
                ),
            )
        };
    }
    by_case!("case_assignments", case_assignment);
    by_case!("case_pauses", case_pause);
    by_case!("case_events", case_event);
    by_case!("case_shares", case_share);
    by_person!("consents", consent);
    by_person!("documents", document);
    // What the IMs recorded about the documents the person brought (titles and notes opened).
    by_person!("client_documents", client_document);
    by_person!("releases", release);
    by_person!("outcomes", outcome);
    by_person!("dpo_requests", dpo_request);
    // Merges of another record into this one (or of this one into another), and pairs marked
    // "not the same person".
    put(
        "person_merges",
        dump(
            sealer,
            &person_merge::Entity::find()
                .filter(
                    person_merge::Column::SurvivorPersonId
                        .eq(pid)
                        .or(person_merge::Column::AbsorbedPersonId.eq(pid)),
                )
                .all(conn)
                .await?,
        ),
    );
    put(
        "duplicate_decisions",
        dump(
            sealer,
            &duplicate_decision::Entity::find()
                .filter(
                    duplicate_decision::Column::PersonIdLow
                        .eq(pid)
                        .or(duplicate_decision::Column::PersonIdHigh.eq(pid)),
                )
                .all(conn)
                .await?,
        ),
    );
    // The keys the duplicate check finds the person by (computed from the names and birth data).
    by_person!("person_match_keys", person_match_key);
    // Holds on the erasure of the person's cases, with their reasons.
    by_case!("retention_holds", retention_hold);
    // Requests to erase the data early (Art. 17), with the exception that keeps it.
    by_case!("erasure_requests", erasure_request);
    // Restrictions of processing (Art. 18), standing and lifted, with their grounds.
    by_case!("restrictions", restriction);
    by_case!("plans", plan);
    by_case!("reviews", review);
    by_case!("plan_versions", plan_version);
    by_case!("followups", followup);
    by_case!("case_notes", case_note);
    // Goals of the person or of the whole case (not those of another household member), their
    // steps and their assessments.
    let goals: Vec<goal::Model> = goal::Entity::find()
        .filter(goal::Column::CaseId.is_in(case_ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .filter(|g| g.person_id.is_none_or(|x| x == pid))
        .collect();
    let goal_ids: Vec<i64> = goals.iter().map(|g| g.id).collect();
    put("goals", dump(sealer, &goals));
    put(
        "steps",
        dump(
            sealer,
            &step::Entity::find()
                .filter(step::Column::GoalId.is_in(goal_ids.clone()))
                .all(conn)
                .await?,
        ),
    );
    put(
        "review_assessments",
        dump(
            sealer,
            &review_assessment::Entity::find()
                .filter(review_assessment::Column::GoalId.is_in(goal_ids))
                .all(conn)
                .await?,
        ),
    );
    // The contacts the person was present at.
    let present = contact_person::Entity::find()
        .filter(contact_person::Column::PersonId.eq(pid))
        .all(conn)
        .await?;
    let contacts = contact::Entity::find()
        .filter(contact::Column::Id.is_in(present.iter().map(|c| c.contact_id)))
        .filter(contact::Column::CaseId.is_in(case_ids.to_vec()))
        .all(conn)
        .await?;
    let shown: BTreeSet<i64> = contacts.iter().map(|c| c.id).collect();
    let present: Vec<contact_person::Model> = present
        .into_iter()
        .filter(|c| shown.contains(&c.contact_id))
        .collect();
    put("contact_persons", dump(sealer, &present));
    put("contacts", dump(sealer, &contacts));
    let referrals: Vec<referral::Model> = referral::Entity::find()
        .filter(referral::Column::CaseId.is_in(case_ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .filter(|r| r.person_id.is_none_or(|x| x == pid))
        .collect();
    put("referrals", dump(sealer, &referrals));
    let courses: Vec<course_registration::Model> = course_registration::Entity::find()
        .filter(course_registration::Column::CaseId.is_in(case_ids.to_vec()))
        .filter(course_registration::Column::PersonId.eq(pid))
        .all(conn)
        .await?;
    put("course_registrations", dump(sealer, &courses));
    let matches: Vec<volunteer_match::Model> = volunteer_match::Entity::find()
        .filter(volunteer_match::Column::PersonId.eq(pid))
        .all(conn)
        .await?;
    put("volunteer_matches", dump(sealer, &matches));
    // Appointments with the person or with their household.
    let appointments: Vec<appointment::Model> = appointment::Entity::find()
        .filter(appointment::Column::CaseId.is_in(case_ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .filter(|a| a.person_id.is_none_or(|x| x == pid))
        .collect();
    put(
        "appointment_changes",
        dump(
            sealer,
            &appointment_change::Entity::find()
                .filter(
                    appointment_change::Column::AppointmentId
                        .is_in(appointments.iter().map(|a| a.id)),
                )
                .all(conn)
                .await?,
        ),
    );
    put("appointments", dump(sealer, &appointments));
    by_case!("confirmations", confirmation);
    // The access record: every event naming the person or one of their cases.
    let events = privacy::access_events(conn, pid, case_ids).await?;
    put("audit_events", dump(sealer, &events));
    let accesses = privacy::access_entries(conn, events).await?;

    let org_ids: BTreeSet<i64> = cases.iter().map(|c| c.organisation_id).collect();
    let organisations = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(org_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut ags: BTreeSet<String> = cases.iter().map(|c| c.municipality_ags.clone()).collect();
    ags.insert(p.municipality_ags.clone());
    let municipalities = municipality::Entity::find()
        .filter(municipality::Column::Ags.is_in(ags))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.ags, m.name))
        .collect();
    Ok(SubjectAccess {
        person: p,
        made_at: now,
        rows,
        accesses,
        organisations,
        municipalities,
    })
}

/// Every column of every row as JSON; a sealed column (`<name>_sealed`) becomes its opened text
/// under `<name>` (a scan: `<name>_base64`).
fn dump<M>(sealer: &Sealer, rows: &[M]) -> Vec<Map<String, Value>>
where
    M: ModelTrait,
{
    let table = <M::Entity as Default>::default().table_name();
    rows.iter()
        .map(|m| {
            let mut o = Map::new();
            let mut blobs = Vec::new();
            for col in <<M::Entity as EntityTrait>::Column as Iterable>::iter() {
                let name = sea_orm::IdenStatic::as_str(&col).to_string();
                match m.get(col) {
                    sea_orm::Value::Bytes(b) => blobs.push((name, b)),
                    v => {
                        o.insert(name, value(v));
                    }
                }
            }
            for (name, blob) in blobs {
                let plain = name.strip_suffix("_sealed").unwrap_or(&name).to_string();
                let Some(blob) = blob else {
                    o.insert(plain, Value::Null);
                    continue;
                };
                let Some(col) = sealed::ALL
                    .iter()
                    .find(|c| c.table == table && c.column == name)
                else {
                    // Not a sealed column: bytes as they are.
                    o.insert(format!("{plain}_base64"), json!(base64(&blob)));
                    continue;
                };
                let int = |k: &str| o.get(k).and_then(Value::as_i64).unwrap_or_default();
                let place = match col.binding {
                    Binding::Id => col.at(int("id")),
                    Binding::Version => {
                        col.at_version(int("id"), i32::try_from(int("version")).unwrap_or(0))
                    }
                    Binding::Pair(a, b) => col.at_pair(int(a), int(b)),
                };
                match col.content {
                    Content::Text => {
                        let text = sealed::open(sealer, place, &blob)
                            .text()
                            .map_or_else(|| UNREADABLE.to_string(), str::to_string);
                        o.insert(plain, json!(text));
                    }
                    Content::Bytes => match sealed::open_bytes(sealer, place, &blob) {
                        Ok(bytes) => {
                            o.insert(format!("{plain}_base64"), json!(base64(&bytes)));
                        }
                        Err(_) => {
                            o.insert(plain, json!(UNREADABLE));
                        }
                    },
                }
            }
            o
        })
        .collect()
}

fn value(v: sea_orm::Value) -> Value {
    use sea_orm::Value as V;
    match v {
        V::Bool(b) => json!(b),
        V::TinyInt(x) => json!(x),
        V::SmallInt(x) => json!(x),
        V::Int(x) => json!(x),
        V::BigInt(x) => json!(x),
        V::TinyUnsigned(x) => json!(x),
        V::SmallUnsigned(x) => json!(x),
        V::Unsigned(x) => json!(x),
        V::BigUnsigned(x) => json!(x),
        V::Float(x) => json!(x),
        V::Double(x) => json!(x),
        V::String(s) => json!(s),
        V::Char(c) => json!(c),
        V::ChronoDate(d) => json!(d.map(|d| d.to_string())),
        V::ChronoDateTimeUtc(t) => json!(t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))),
        V::ChronoDateTime(t) => json!(t.map(|t| t.to_string())),
        other => json!(format!("{other:?}")),
    }
}

/// Standard base64 (RFC 4648) of a scan.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_as_in_rfc_4648() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(plain.as_bytes()), coded);
        }
    }
}
