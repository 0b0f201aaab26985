//! The data-protection officer's view of a person: found by name and year of birth for a
//! data-subject request, opened only with a written reason, with the list of who accessed the record.

use ankommen_store::Db;
use ankommen_store::entities::{audit_event, dpo_lookup, dpo_request, person, person_merge, staff};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::names;
use crate::kernel::policy::Action;
use crate::kernel::types::{Role, parse_text_req};
use crate::{Ctx, Error, FieldErrors, Result};

/// The shortest reason accepted for opening a record.
pub const MIN_REASON_CHARS: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub person_id: i64,
    pub name: String,
    pub name_original: Option<String>,
    pub birth_year: i32,
}

pub(crate) fn parse_reason(reason: &str) -> std::result::Result<String, FieldErrors> {
    let mut e = FieldErrors::new();
    let r = e.take("reason", parse_text_req(reason, 1000));
    if let Some(r) = &r
        && r.chars().count() < MIN_REASON_CHARS
    {
        e.add("reason", "error-reason-short");
    }
    match r {
        Some(r) if e.is_empty() => Ok(r),
        _ => Err(e),
    }
}

/// Look-ups one data-protection officer may make within the throttle's window.
pub const LOOKUP_LIMIT: i32 = 20;

/// Finds persons for a data-subject request: the full name (every word of it, in any spelling and
/// order, never a beginning) and the year of birth are required, and a reason, which is stored. At
/// most [`LOOKUP_LIMIT`] look-ups per officer in a window. Each person found is recorded as seen.
pub async fn lookup(
    db: &Db,
    ctx: &Ctx,
    name: &str,
    birth_year: &str,
    reason: &str,
) -> Result<Vec<Hit>> {
    let mut e = FieldErrors::new();
    if names::fold(name)
        .split(' ')
        .filter(|w| !w.is_empty())
        .count()
        < 2
    {
        e.add("name", "error-full-name");
    }
    let year: Option<i32> = birth_year.trim().parse().ok();
    if year.is_none() {
        e.add("birth_year", "error-birth");
    }
    let reason = match parse_reason(reason) {
        Ok(r) => Some(r),
        Err(r) => {
            e.0.extend(r.0);
            None
        }
    };
    if !ctx.actor.has(Role::Dpo) {
        return ctx
            .refuse(db.writer(), Event::new("dpo_lookup"), Error::Forbidden)
            .await;
    }
    e.into_result()?;
    let key = format!("dpo-lookup\u{0}{}", ctx.actor.staff_id);
    if crate::administration::auth::count_use(db, &key, ctx.now(), LOOKUP_LIMIT)
        .await?
        .is_some()
    {
        return ctx
            .refuse(
                db.writer(),
                Event::new("dpo_lookup"),
                Error::Conflict("error-lookup-limit"),
            )
            .await;
    }
    // A change, not only a read: the reason is stored with the look-up.
    let tx = db.begin().await?;
    let candidates = person::Entity::find()
        .filter(person::Column::BirthYear.eq(year.unwrap_or_default()))
        .all(&tx)
        .await?;
    let matched: Vec<person::Model> = candidates
        .into_iter()
        .filter(|p| {
            names::same_name(name, &format!("{} {}", p.given_name, p.family_name))
                || p.name_original
                    .as_deref()
                    .is_some_and(|o| names::same_name(name, o))
        })
        .collect();
    let ids: Vec<i64> = matched.iter().map(|p| p.id).collect();
    let allowed = access::may_among(&tx, ctx, &ids, Action::ReadClientForRequest).await?;
    let hits: Vec<Hit> = matched
        .into_iter()
        .filter(|p| allowed.contains(&p.id))
        .map(|p| Hit {
            person_id: p.id,
            name: format!("{} {}", p.given_name, p.family_name),
            name_original: p.name_original,
            birth_year: p.birth_year,
        })
        .collect();
    dpo_lookup::Entity::insert(dpo_lookup::ActiveModel {
        id: NotSet,
        staff_id: Set(ctx.actor.staff_id),
        at: Set(ctx.now()),
        reason: Set(reason.unwrap_or_default()),
        hits: Set(i32::try_from(hits.len()).unwrap_or(i32::MAX)),
    })
    .exec_without_returning(&tx)
    .await?;
    let seen = hits.iter().map(|h| audit::Seen {
        person_id: h.person_id,
        case_id: None,
    });
    audit::record_seen(&tx, ctx, Event::new("dpo_lookup"), seen).await?;
    tx.commit().await?;
    Ok(hits)
}

#[derive(Clone, Debug)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    pub who: String,
    pub action: String,
    pub section: Option<String>,
    pub allowed: bool,
}

#[derive(Clone, Debug)]
pub struct RequestView {
    pub person: person::Model,
    pub case_numbers: Vec<String>,
    pub accesses: Vec<AccessEntry>,
    pub reasons: Vec<(DateTime<Utc>, String, String)>,
}

/// Opens a person's record for a data-subject request. The reason is stored; the opening audited.
pub async fn open_for_request(
    db: &Db,
    ctx: &Ctx,
    person_id: i64,
    reason: &str,
) -> Result<RequestView> {
    let reason = parse_reason(reason)?;
    let tx = db.begin().await?;
    let ev = Event::on("client_viewed_for_request", "person", person_id).section("request");
    let (tx, p, cases) =
        access::person_in(tx, ctx, person_id, Action::ReadClientForRequest, ev.clone()).await?;
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
    let accesses = access_log(
        &tx,
        person_id,
        &cases.iter().map(|c| c.id).collect::<Vec<_>>(),
    )
    .await?;
    let mut reasons = Vec::new();
    for r in dpo_request::Entity::find()
        .filter(dpo_request::Column::PersonId.eq(person_id))
        .order_by_desc(dpo_request::Column::At)
        .all(&tx)
        .await?
    {
        reasons.push((r.at, name_of(&tx, r.staff_id).await?, r.reason));
    }
    tx.commit().await?;
    Ok(RequestView {
        person: p,
        case_numbers: cases.into_iter().map(|c| c.case_number).collect(),
        accesses,
        reasons,
    })
}

async fn name_of<C: ConnectionTrait>(conn: &C, id: i64) -> Result<String> {
    Ok(staff::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|s| s.display_name)
        .unwrap_or_default())
}

/// Who saw or changed anything of a person, newest first: every event naming the person or one of
/// the cases they belong to (indexed columns), and the events written before those columns existed,
/// which named a person or a case as their object.
async fn access_log<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
    case_ids: &[i64],
) -> Result<Vec<AccessEntry>> {
    let rows = access_events(conn, person_id, case_ids).await?;
    access_entries(conn, rows).await
}

/// The events of [`access_log`] as stored.
pub(crate) async fn access_events<C: ConnectionTrait>(
    conn: &C,
    person_id: i64,
    case_ids: &[i64],
) -> Result<Vec<audit_event::Model>> {
    use sea_orm::Condition;
    // A person who absorbed others in a merge: their events are this person's too (the audit log
    // is append-only, so the merge resolves them here).
    let mut ids = vec![person_id];
    ids.extend(
        person_merge::Entity::find()
            .select_only()
            .column(person_merge::Column::AbsorbedPersonId)
            .filter(person_merge::Column::SurvivorPersonId.eq(person_id))
            .into_tuple::<i64>()
            .all(conn)
            .await?,
    );
    let mut cond = Condition::any()
        .add(audit_event::Column::PersonId.is_in(ids.clone()))
        .add(
            Condition::all()
                .add(audit_event::Column::ObjectKind.eq("person"))
                .add(
                    audit_event::Column::ObjectId
                        .is_in(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
                ),
        );
    if !case_ids.is_empty() {
        cond = cond
            .add(audit_event::Column::CaseId.is_in(case_ids.iter().copied()))
            .add(
                Condition::all()
                    .add(audit_event::Column::ObjectKind.eq("case"))
                    .add(
                        audit_event::Column::ObjectId
                            .is_in(case_ids.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
                    ),
            );
    }
    Ok(audit_event::Entity::find()
        .filter(cond)
        .order_by_desc(audit_event::Column::At)
        .order_by_desc(audit_event::Column::Id)
        .all(conn)
        .await?)
}

/// The events of [`access_events`] with the actors' names.
pub(crate) async fn access_entries<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<audit_event::Model>,
) -> Result<Vec<AccessEntry>> {
    let names: Vec<(i64, String)> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::DisplayName)
        .filter(staff::Column::Id.is_in(rows.iter().filter_map(|r| r.actor_staff_id)))
        .into_tuple()
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let who = names
            .iter()
            .find(|(id, _)| Some(*id) == r.actor_staff_id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        out.push(AccessEntry {
            at: r.at,
            who,
            action: r.action,
            section: r.section,
            allowed: r.outcome == "allowed",
        });
    }
    Ok(out)
}
