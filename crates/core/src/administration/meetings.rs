//! Network meetings (issue 23, decision 0032): the county coordinator plans a meeting (day, time,
//! place, topic, guests from the directory), invites all IMs or chosen staff, and keeps the
//! minutes; the invited IMs see it on their start page and add questions for the agenda. Meetings
//! hold no client data: reading them is not audited (like the directory), every change is, and so
//! is every refusal.

use std::collections::{BTreeMap, BTreeSet};

use ankommen_store::Db;
use ankommen_store::entities::{
    meeting, meeting_guest, meeting_invitee, meeting_question, service, staff, staff_role,
};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::organisations::expect_updated;
use crate::administration::services;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::{Action, Resource};
use crate::kernel::types::{Role, parse_date, parse_text, parse_text_req, parse_time};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest place or topic.
pub const LINE_MAX: usize = 200;
/// The longest minutes.
pub const MINUTES_MAX: usize = 20_000;
/// The longest agenda question.
pub const QUESTION_MAX: usize = 1000;

/// The meeting form as typed.
#[derive(Clone, Debug, Default)]
pub struct MeetingForm {
    pub date: String,
    /// HH:MM
    pub time: String,
    pub place: String,
    pub topic: String,
    /// Directory entries' ids.
    pub guests: Vec<String>,
    /// "yes": all IMs are invited.
    pub all_ims: String,
    /// Staff ids (IMs).
    pub invitees: Vec<String>,
    pub minutes: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct MeetingInput {
    date: NaiveDate,
    time: String,
    place: String,
    topic: String,
    guests: Vec<i64>,
    all_ims: bool,
    invitees: Vec<i64>,
    minutes: Option<String>,
}

fn ids(
    e: &mut FieldErrors,
    field: &'static str,
    raw: &[String],
    allowed: &BTreeSet<i64>,
) -> Vec<i64> {
    let mut out = Vec::new();
    for v in raw.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match v.parse::<i64>() {
            Ok(id) if allowed.contains(&id) => {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
            _ => e.add(field, "error-choice"),
        }
    }
    out
}

fn parse(f: &MeetingForm, choices: &Choices) -> Result<MeetingInput> {
    let mut e = FieldErrors::new();
    let date = e.take("date", parse_date(&f.date));
    let time = e.take("time", parse_time(&f.time));
    let place = e.take("place", parse_text_req(&f.place, LINE_MAX));
    let topic = e.take("topic", parse_text_req(&f.topic, LINE_MAX));
    let guests = ids(
        &mut e,
        "guests",
        &f.guests,
        &choices.services.iter().map(|s| s.id).collect(),
    );
    let all_ims = match f.all_ims.trim() {
        "yes" => true,
        "" | "no" => false,
        _ => {
            e.add("all_ims", "error-choice");
            false
        }
    };
    let invitees = ids(
        &mut e,
        "invitees",
        &f.invitees,
        &choices.staff.iter().map(|(id, _)| *id).collect(),
    );
    if !all_ims && invitees.is_empty() && e.get("invitees").is_none() {
        e.add("invitees", "error-meeting-no-invitees");
    }
    let minutes = e
        .take("minutes", parse_text(&f.minutes, MINUTES_MAX))
        .flatten();
    e.into_result()?;
    let (Some(date), Some(time), Some(place), Some(topic)) = (date, time, place, topic) else {
        return Err(Error::field("form", "error-form"));
    };
    Ok(MeetingInput {
        date,
        time,
        place,
        topic,
        guests,
        all_ims,
        invitees: if all_ims { Vec::new() } else { invitees },
        minutes,
    })
}

/// What the meeting form offers.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    /// The active directory entries the coordinator sees (the guests).
    pub services: Vec<service::Model>,
    /// The active IMs of the deployment: (id, name).
    pub staff: Vec<(i64, String)>,
}

async fn choices_in<C: ConnectionTrait>(conn: &C, ctx: &Ctx) -> Result<Choices> {
    let services = services::visible(conn, ctx)
        .await?
        .into_iter()
        .filter(|s| s.active)
        .collect();
    let ims: BTreeSet<i64> = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq(Role::Im.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.staff_id)
        .collect();
    let staff = staff::Entity::find()
        .filter(staff::Column::Active.eq(true))
        .filter(staff::Column::Id.is_in(ims))
        .order_by_asc(staff::Column::DisplayName)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect();
    Ok(Choices { services, staff })
}

async fn authorize_planning<C: ConnectionTrait>(conn: &C, ctx: &Ctx, ev: Event) -> Result<()> {
    ctx.authorize(
        conn,
        Action::PlanMeetings,
        &Resource::Deployment,
        ev,
        Error::Forbidden,
    )
    .await
}

/// What the meeting form offers (the coordinator).
pub async fn choices(db: &Db, ctx: &Ctx) -> Result<Choices> {
    authorize_planning(db.writer(), ctx, Event::new("meeting_form_viewed")).await?;
    choices_in(db.reader(), ctx).await
}

async fn write_people<C: ConnectionTrait>(conn: &C, id: i64, i: &MeetingInput) -> Result<()> {
    meeting_guest::Entity::delete_many()
        .filter(meeting_guest::Column::MeetingId.eq(id))
        .exec(conn)
        .await?;
    meeting_invitee::Entity::delete_many()
        .filter(meeting_invitee::Column::MeetingId.eq(id))
        .exec(conn)
        .await?;
    for s in &i.guests {
        meeting_guest::Entity::insert(meeting_guest::ActiveModel {
            id: NotSet,
            meeting_id: Set(id),
            service_id: Set(*s),
        })
        .exec(conn)
        .await?;
    }
    for s in &i.invitees {
        meeting_invitee::Entity::insert(meeting_invitee::ActiveModel {
            id: NotSet,
            meeting_id: Set(id),
            staff_id: Set(*s),
        })
        .exec(conn)
        .await?;
    }
    Ok(())
}

/// Plans a meeting. Returns its id.
pub async fn create(db: &Db, ctx: &Ctx, f: &MeetingForm) -> Result<i64> {
    let tx = db.begin().await?;
    let checked = authorize_planning(&tx, ctx, Event::new("meeting_planned")).await;
    let (tx, ()) = crate::kernel::access::in_tx(tx, checked).await?;
    let i = parse(f, &choices_in(&tx, ctx).await?)?;
    let now = ctx.now();
    let id = meeting::Entity::insert(meeting::ActiveModel {
        id: NotSet,
        meeting_date: Set(i.date),
        starts_at: Set(i.time.clone()),
        place: Set(i.place.clone()),
        topic: Set(i.topic.clone()),
        all_ims: Set(i.all_ims),
        minutes: Set(i.minutes.clone()),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(&tx)
    .await?
    .last_insert_id;
    write_people(&tx, id, &i).await?;
    audit::record(&tx, ctx, Event::on("meeting_planned", "meeting", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a meeting (and its minutes), if nobody changed it since `version`.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, version: i32, f: &MeetingForm) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("meeting_updated", "meeting", id);
    let checked = async {
        let Some(m) = meeting::Entity::find_by_id(id).one(&tx).await? else {
            return Err(Error::NotFound);
        };
        // Whoever may not even see it learns nothing of it.
        let refusal = if ctx.allows(Action::ReadMeeting, &resource(&tx, ctx, &m).await?) {
            Error::Forbidden
        } else {
            Error::NotFound
        };
        ctx.authorize(
            &tx,
            Action::PlanMeetings,
            &Resource::Deployment,
            ev.clone(),
            refusal,
        )
        .await
    }
    .await;
    let (tx, ()) = crate::kernel::access::in_tx(tx, checked).await?;
    let i = parse(f, &choices_in(&tx, ctx).await?)?;
    let res = meeting::Entity::update_many()
        .col_expr(meeting::Column::MeetingDate, Expr::value(i.date))
        .col_expr(meeting::Column::StartsAt, Expr::value(i.time.clone()))
        .col_expr(meeting::Column::Place, Expr::value(i.place.clone()))
        .col_expr(meeting::Column::Topic, Expr::value(i.topic.clone()))
        .col_expr(meeting::Column::AllIms, Expr::value(i.all_ims))
        .col_expr(meeting::Column::Minutes, Expr::value(i.minutes.clone()))
        .col_expr(meeting::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(meeting::Column::Version, Expr::value(version + 1))
        .filter(meeting::Column::Id.eq(id))
        .filter(meeting::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(&tx, res.rows_affected, meeting::Entity::find_by_id(id)).await?;
    write_people(&tx, id, &i).await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the actor is invited to the meeting.
async fn invited<C: ConnectionTrait>(conn: &C, ctx: &Ctx, m: &meeting::Model) -> Result<bool> {
    if m.all_ims {
        return Ok(ctx.actor.has(Role::Im));
    }
    Ok(meeting_invitee::Entity::find()
        .filter(meeting_invitee::Column::MeetingId.eq(m.id))
        .filter(meeting_invitee::Column::StaffId.eq(ctx.actor.staff_id))
        .one(conn)
        .await?
        .is_some())
}

async fn resource<C: ConnectionTrait>(conn: &C, ctx: &Ctx, m: &meeting::Model) -> Result<Resource> {
    Ok(Resource::Meeting {
        invited: invited(conn, ctx, m).await?,
    })
}

/// The meetings the actor sees (the coordinator all, an IM those they are invited to), the
/// upcoming first in date order, then the past ones newest first.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<meeting::Model>> {
    if !ctx.actor.has(Role::Coordinator) && !ctx.actor.has(Role::Im) {
        return ctx
            .refuse(db.writer(), Event::new("meetings_listed"), Error::Forbidden)
            .await;
    }
    let all = meeting::Entity::find()
        .order_by_asc(meeting::Column::MeetingDate)
        .order_by_asc(meeting::Column::StartsAt)
        .all(db.reader())
        .await?;
    let mut seen = Vec::new();
    for m in all {
        if ctx.allows(Action::ReadMeeting, &resource(db.reader(), ctx, &m).await?) {
            seen.push(m);
        }
    }
    let today = ctx.today();
    let (mut up, mut past): (Vec<_>, Vec<_>) =
        seen.into_iter().partition(|m| m.meeting_date >= today);
    past.reverse();
    up.append(&mut past);
    Ok(up)
}

/// The upcoming meetings the actor is invited to (the start page).
pub async fn upcoming(db: &Db, ctx: &Ctx) -> Result<Vec<meeting::Model>> {
    if !ctx.actor.has(Role::Im) {
        return Ok(Vec::new());
    }
    let all = meeting::Entity::find()
        .filter(meeting::Column::MeetingDate.gte(ctx.today()))
        .order_by_asc(meeting::Column::MeetingDate)
        .order_by_asc(meeting::Column::StartsAt)
        .all(db.reader())
        .await?;
    let mut out = Vec::new();
    for m in all {
        if invited(db.reader(), ctx, &m).await? {
            out.push(m);
        }
    }
    Ok(out)
}

/// A question on the agenda, with who asked.
#[derive(Clone, Debug)]
pub struct Question {
    pub staff_name: String,
    pub question: String,
    pub asked_at: chrono::DateTime<chrono::Utc>,
}

/// A meeting as its page shows it.
#[derive(Clone, Debug)]
pub struct MeetingView {
    pub meeting: meeting::Model,
    pub guests: Vec<service::Model>,
    /// The staff invited by name (empty when all IMs are).
    pub invitees: Vec<(i64, String)>,
    pub questions: Vec<Question>,
    /// The actor may plan (edit) it.
    pub may_edit: bool,
    /// The actor may add a question (invited IM, meeting not past).
    pub may_ask: bool,
}

async fn names<C: ConnectionTrait>(conn: &C, ids: BTreeSet<i64>) -> Result<BTreeMap<i64, String>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// One meeting: for the coordinator and the staff invited; anybody else finds none.
pub async fn get(db: &Db, ctx: &Ctx, id: i64) -> Result<MeetingView> {
    let conn = db.reader();
    let Some(m) = meeting::Entity::find_by_id(id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    let res = resource(conn, ctx, &m).await?;
    ctx.authorize(
        db.writer(),
        Action::ReadMeeting,
        &res,
        Event::on("meeting_viewed", "meeting", id),
        Error::NotFound,
    )
    .await?;
    let guest_ids: Vec<i64> = meeting_guest::Entity::find()
        .filter(meeting_guest::Column::MeetingId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| g.service_id)
        .collect();
    let guests = service::Entity::find()
        .filter(service::Column::Id.is_in(guest_ids))
        .order_by_asc(service::Column::Name)
        .all(conn)
        .await?;
    let invitee_ids: BTreeSet<i64> = meeting_invitee::Entity::find()
        .filter(meeting_invitee::Column::MeetingId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|i| i.staff_id)
        .collect();
    let mut invitees: Vec<(i64, String)> = names(conn, invitee_ids).await?.into_iter().collect();
    invitees.sort_by(|a, b| a.1.cmp(&b.1));
    let qs = meeting_question::Entity::find()
        .filter(meeting_question::Column::MeetingId.eq(id))
        .order_by_asc(meeting_question::Column::CreatedAt)
        .order_by_asc(meeting_question::Column::Id)
        .all(conn)
        .await?;
    let who = names(conn, qs.iter().map(|q| q.staff_id).collect()).await?;
    let questions = qs
        .into_iter()
        .map(|q| Question {
            staff_name: who.get(&q.staff_id).cloned().unwrap_or_default(),
            question: q.question,
            asked_at: q.created_at,
        })
        .collect();
    Ok(MeetingView {
        may_edit: ctx.allows(Action::PlanMeetings, &Resource::Deployment),
        may_ask: ctx.allows(Action::AskMeeting, &res) && m.meeting_date >= ctx.today(),
        meeting: m,
        guests,
        invitees,
        questions,
    })
}

/// Adds a question to an upcoming meeting's agenda (an invited IM), with their name.
pub async fn ask(db: &Db, ctx: &Ctx, id: i64, question: &str) -> Result<()> {
    let tx = db.begin().await?;
    let ev = Event::on("meeting_question_added", "meeting", id);
    let checked = async {
        let Some(m) = meeting::Entity::find_by_id(id).one(&tx).await? else {
            return Err(Error::NotFound);
        };
        let res = resource(&tx, ctx, &m).await?;
        let refusal = if ctx.allows(Action::ReadMeeting, &res) {
            Error::Forbidden
        } else {
            Error::NotFound
        };
        ctx.authorize(&tx, Action::AskMeeting, &res, ev.clone(), refusal)
            .await?;
        Ok(m)
    }
    .await;
    let (tx, m) = crate::kernel::access::in_tx(tx, checked).await?;
    if m.meeting_date < ctx.today() {
        return Err(Error::Conflict("error-meeting-past"));
    }
    let q = parse_text_req(question, QUESTION_MAX).map_err(|k| Error::field("question", k))?;
    meeting_question::Entity::insert(meeting_question::ActiveModel {
        id: NotSet,
        meeting_id: Set(id),
        staff_id: Set(ctx.actor.staff_id),
        question: Set(q),
        created_at: Set(ctx.now()),
    })
    .exec(&tx)
    .await?;
    audit::record(&tx, ctx, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The meeting's values as its edit form shows them.
pub fn form_of(v: &MeetingView) -> MeetingForm {
    MeetingForm {
        date: v.meeting.meeting_date.to_string(),
        time: v.meeting.starts_at.clone(),
        place: v.meeting.place.clone(),
        topic: v.meeting.topic.clone(),
        guests: v.guests.iter().map(|g| g.id.to_string()).collect(),
        all_ims: if v.meeting.all_ims {
            "yes".into()
        } else {
            String::new()
        },
        invitees: v.invitees.iter().map(|(i, _)| i.to_string()).collect(),
        minutes: v.meeting.minutes.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_needs_its_fields_and_someone_invited() {
        let choices = Choices {
            services: Vec::new(),
            staff: vec![(7, "Ina".into())],
        };
        let f = MeetingForm {
            date: "2026-13-01".into(),
            time: "25:00".into(),
            guests: vec!["3".into()],
            ..Default::default()
        };
        let Err(Error::Invalid(e)) = parse(&f, &choices) else {
            panic!("invalid")
        };
        assert_eq!(e.get("date"), Some("error-date"));
        assert_eq!(e.get("time"), Some("error-time"));
        assert_eq!(e.get("place"), Some("error-required"));
        assert_eq!(e.get("guests"), Some("error-choice"));
        assert_eq!(e.get("invitees"), Some("error-meeting-no-invitees"));
        let f = MeetingForm {
            date: "2026-12-01".into(),
            time: "9:30".into(),
            place: "Landratsamt".into(),
            topic: "Sprachkurse".into(),
            invitees: vec!["7".into(), "7".into()],
            ..Default::default()
        };
        let i = parse(&f, &choices).unwrap();
        assert_eq!(i.time, "09:30");
        assert_eq!(i.invitees, vec![7]);
    }
}
