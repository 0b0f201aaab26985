//! Counselling contacts: recorded in seconds, once per household contact (one row, several
//! participants), with a confidential note sealed at rest and optionally a follow-up set in the same
//! transaction.
//!
//! The note is sealed like every special-category text (`kernel::sealed`): bound to the contact's
//! row and its version. It never enters a URL, a log line or an error message.

use ankommen_store::entities::{case, contact, contact_person, followup, person};
use ankommen_store::{Db, Opened};
use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::administration::fields::{self, Field};
use crate::administration::organisations::expect_updated;
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::catalog::{CaseStatus, ContactKind, InterpreterType, is_language};
use crate::kernel::policy::Action;
use crate::kernel::sealed::{self, CONTACT_NOTE, Sealing};
use crate::kernel::sealing::Sealer;
use crate::kernel::types::{parse_text, parse_text_req};
use crate::{Ctx, Error, FieldErrors, Result};

/// The longest confidential note.
pub const NOTE_MAX: usize = 2000;
/// The longest reason of a follow-up.
pub const REASON_MAX: usize = 500;
/// The longest duration of one contact, in minutes.
pub const MINUTES_MAX: i32 = 600;

/// The contact form as typed.
#[derive(Clone, Debug, Default)]
pub struct ContactForm {
    pub date: String,
    pub minutes: String,
    pub kind: String,
    pub topics: Vec<String>,
    pub interpreter_language: String,
    pub interpreter_type: String,
    pub persons: Vec<String>,
    pub note: String,
    /// A follow-up set with the contact (new contacts only): date and reason, both or neither.
    pub followup_on: String,
    pub followup_reason: String,
}

/// A checked contact.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ContactInput {
    date: NaiveDate,
    minutes: Option<i32>,
    kind: ContactKind,
    topics: Vec<String>,
    interpreter: Option<(String, InterpreterType)>,
    persons: Vec<i64>,
    note: Option<String>,
    followup: Option<(NaiveDate, String)>,
}

/// Checks the form against the case (its opening date and persons) and the catalog of fields.
/// `keep_topics` are topics the stored contact already has (they stay valid when a field was
/// deactivated since).
fn parse(
    f: &ContactForm,
    c: &case::Model,
    case_persons: &[i64],
    catalog: &[Field],
    keep_topics: &[String],
    today: NaiveDate,
    with_followup: bool,
) -> Result<ContactInput> {
    let mut e = FieldErrors::new();
    let date = crate::casework::cases::date_in_case(&mut e, "date", &f.date, c, today);
    let minutes = match f.minutes.trim() {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(m) if (1..=MINUTES_MAX).contains(&m) => Some(m),
            _ => {
                e.add("minutes", "error-contact-minutes");
                None
            }
        },
    };
    let kind = e.take("kind", ContactKind::parse(&f.kind));
    let mut topics: Vec<String> = Vec::new();
    for t in f.topics.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if topics.iter().any(|x| x == t) {
            continue;
        }
        if keep_topics.iter().any(|k| k == t) {
            topics.push(t.to_string());
        } else if let Some(k) = e.take("topics", fields::parse_key(catalog, t)) {
            topics.push(k);
        }
    }
    let lang = f.interpreter_language.trim();
    let itype = f.interpreter_type.trim();
    let interpreter = match (lang.is_empty(), itype.is_empty()) {
        (true, true) => None,
        (false, true) => {
            e.add("interpreter_type", "error-contact-interpreter-type");
            None
        }
        (true, false) => {
            e.add("interpreter_language", "error-contact-interpreter-language");
            None
        }
        (false, false) => {
            let l = if is_language(lang) {
                Some(lang.to_string())
            } else {
                e.add("interpreter_language", "error-choice");
                None
            };
            let t = e.take("interpreter_type", InterpreterType::parse(itype));
            l.zip(t)
        }
    };
    let mut persons: Vec<i64> = Vec::new();
    for p in f.persons.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        match p.parse::<i64>() {
            Ok(id) if case_persons.contains(&id) => {
                if !persons.contains(&id) {
                    persons.push(id);
                }
            }
            _ => e.add("persons", "error-choice"),
        }
    }
    if persons.is_empty() && e.get("persons").is_none() {
        e.add("persons", "error-contact-participants");
    }
    let note = e.take("note", parse_text(&f.note, NOTE_MAX)).flatten();
    let followup = if with_followup {
        parse_followup(&mut e, &f.followup_on, &f.followup_reason, today)
    } else {
        None
    };
    e.into_result()?;
    let (Some(date), Some(kind)) = (date, kind) else {
        return Err(Error::field("form", "error-form"));
    };
    persons.sort_unstable();
    Ok(ContactInput {
        date,
        minutes,
        kind,
        topics,
        interpreter,
        persons,
        note,
        followup,
    })
}

/// The optional follow-up of the contact form: both fields or none.
fn parse_followup(
    e: &mut FieldErrors,
    on: &str,
    reason: &str,
    today: NaiveDate,
) -> Option<(NaiveDate, String)> {
    if on.trim().is_empty() && reason.trim().is_empty() {
        return None;
    }
    let d = crate::casework::followups::parse_due(e, "followup_on", on, today);
    let r = e.take("followup_reason", parse_text_req(reason, REASON_MAX));
    d.zip(r)
}

/// Opens a stored note.
pub(crate) fn open_note(sealer: &Sealer, k: &contact::Model) -> Option<Opened> {
    sealed::open_opt(
        sealer,
        CONTACT_NOTE.at_version(k.id, k.version),
        k.note_sealed.as_deref(),
    )
}

/// What the contact form offers for one case.
#[derive(Clone, Debug)]
pub struct FormChoices {
    pub case: case::Model,
    pub persons: Vec<person::Model>,
    /// The active fields of action, plus inactive ones the edited contact already has.
    pub fields: Vec<Field>,
}

async fn choices<C: ConnectionTrait>(
    conn: &C,
    c: case::Model,
    keep: &[String],
) -> Result<FormChoices> {
    let persons = crate::casework::cases::persons_of(conn, c.id).await?;
    let fields = fields::all(conn)
        .await?
        .into_iter()
        .filter(|f| f.active || keep.contains(&f.key))
        .collect();
    Ok(FormChoices {
        case: c,
        persons,
        fields,
    })
}

/// The form for a new contact of a case. The read is audited.
pub async fn new_form(db: &Db, ctx: &Ctx, case_id: i64) -> Result<FormChoices> {
    audit::read(db, async |tx| {
        let ev = Event::on("case_viewed", "case", case_id).section("contact_new");
        let (c, _) = access::case_for(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
        if c.status == CaseStatus::Closed.as_str() {
            return Err(Error::Conflict("error-contact-case-closed"));
        }
        let out = choices(tx, c, &[]).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(out)
    })
    .await
}

async fn insert_persons<C: ConnectionTrait>(conn: &C, contact_id: i64, ids: &[i64]) -> Result<()> {
    for p in ids {
        contact_person::Entity::insert(contact_person::ActiveModel {
            contact_id: Set(contact_id),
            person_id: Set(*p),
        })
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Records a contact of a case (and its follow-up, if any). Returns the contact's id.
pub async fn record(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    form: &ContactForm,
) -> Result<i64> {
    let tx = db.begin().await?;
    let ev = Event::on("contact_recorded", "case", case_id);
    let (tx, c, _) = access::case_in(tx, ctx, case_id, Action::WriteClient, ev.clone()).await?;
    if c.status == CaseStatus::Closed.as_str() {
        tx.commit().await?;
        return Err(Error::Conflict("error-contact-case-closed"));
    }
    let id = record_in(&tx, ctx, sealer, &c, form).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records a contact of a case the caller has checked (`WriteClient`), in the caller's
/// transaction: its checks, tallies, follow-up and audit. A closed case takes no contact.
pub(crate) async fn record_in(
    tx: &ankommen_store::Tx,
    ctx: &Ctx,
    sealer: &Sealer,
    c: &case::Model,
    form: &ContactForm,
) -> Result<i64> {
    let today = ctx.today();
    let case_id = c.id;
    if c.status == CaseStatus::Closed.as_str() {
        return Err(Error::Conflict("error-contact-case-closed"));
    }
    let case_persons: Vec<i64> = crate::casework::cases::persons_of(tx, case_id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let catalog = fields::active(tx).await?;
    let i = parse(form, c, &case_persons, &catalog, &[], today, true)?;
    let now = ctx.now();
    let id = contact::Entity::insert(contact::ActiveModel {
        id: NotSet,
        case_id: Set(case_id),
        contact_date: Set(i.date),
        minutes: Set(i.minutes),
        contact_kind: Set(i.kind.as_str().into()),
        topics: Set(i.topics.join(",")),
        interpreter_language: Set(i.interpreter.as_ref().map(|(l, _)| l.clone())),
        interpreter_type: Set(i.interpreter.as_ref().map(|(_, t)| t.as_str().into())),
        note_sealed: Set(None),
        external_id: Set(None),
        created_by: Set(ctx.actor.staff_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec(tx)
    .await?
    .last_insert_id;
    // The note is sealed for this row, so it is written once the row has its id.
    let sealing = Sealing::begin(tx, sealer).await?;
    if let Some(sealed) = sealing.seal_opt(CONTACT_NOTE.at_version(id, 1), i.note.as_deref())? {
        contact::Entity::update_many()
            .col_expr(contact::Column::NoteSealed, Expr::value(sealed))
            .filter(contact::Column::Id.eq(id))
            .exec(tx)
            .await?;
    }
    insert_persons(tx, id, &i.persons).await?;
    crate::casework::figures::tallies::refresh(tx, case_id, &[i.date.year()]).await?;
    if let Some((due, reason)) = i.followup {
        let fid =
            crate::casework::followups::insert(tx, ctx, &sealing, case_id, due, &reason, Some(id))
                .await?;
        let ev = Event::on("followup_created", "followup", fid).case(case_id);
        audit::record(tx, ctx, ev).await?;
    }
    let ev = Event::on("contact_recorded", "contact", id).case(case_id);
    audit::record(tx, ctx, ev).await?;
    Ok(id)
}

/// A stored contact as its edit form shows it.
#[derive(Clone, Debug)]
pub struct ContactView {
    pub contact: contact::Model,
    pub persons: Vec<i64>,
    pub topics: Vec<String>,
    /// The opened note.
    pub note: Option<Opened>,
    pub choices: FormChoices,
    pub followups: Vec<followup::Model>,
}

pub fn topics_of(c: &contact::Model) -> Vec<String> {
    c.topics
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Loads a contact and its case for `action`; the refusal is audited and answers like a missing
/// contact.
async fn contact_for<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    contact_id: i64,
    action: Action,
    ev: Event,
) -> Result<(contact::Model, case::Model)> {
    let Some(k) = contact::Entity::find_by_id(contact_id).one(conn).await? else {
        return Err(Error::NotFound);
    };
    let (c, _) = access::case_for(conn, ctx, k.case_id, action, ev.case(k.case_id)).await?;
    Ok((k, c))
}

/// [`contact_for`] at the start of a change (see [`access::in_tx`]).
async fn contact_in(
    tx: ankommen_store::Tx,
    ctx: &Ctx,
    contact_id: i64,
    action: Action,
    ev: Event,
) -> Result<(ankommen_store::Tx, contact::Model, case::Model)> {
    let checked = contact_for(&tx, ctx, contact_id, action, ev).await;
    let (tx, (k, c)) = access::in_tx(tx, checked).await?;
    Ok((tx, k, c))
}

/// Opens a contact for editing (with its note). The read is audited.
pub async fn get(db: &Db, ctx: &Ctx, sealer: &Sealer, contact_id: i64) -> Result<ContactView> {
    audit::read(db, async |tx| {
        let ev = Event::on("contact_viewed", "contact", contact_id);
        let (k, c) = contact_for(tx, ctx, contact_id, Action::ReadClient, ev.clone()).await?;
        let persons = contact_person::Entity::find()
            .filter(contact_person::Column::ContactId.eq(contact_id))
            .all(tx)
            .await?
            .into_iter()
            .map(|p| p.person_id)
            .collect();
        let note = open_note(sealer, &k);
        let topics = topics_of(&k);
        let choices = choices(tx, c, &topics).await?;
        let followups = followup::Entity::find()
            .filter(followup::Column::ContactId.eq(contact_id))
            .order_by_asc(followup::Column::DueOn)
            .all(tx)
            .await?
            .into_iter()
            .map(|f| crate::casework::followups::opened(sealer, f))
            .collect();
        audit::record(tx, ctx, ev.case(k.case_id)).await?;
        Ok(ContactView {
            contact: k,
            persons,
            topics,
            note,
            choices,
            followups,
        })
    })
    .await
}

/// The form choices for re-showing a failed edit; the read is audited (a refused save records
/// nothing).
pub async fn edit_choices(db: &Db, ctx: &Ctx, contact_id: i64) -> Result<FormChoices> {
    audit::read(db, async |tx| {
        // The form shown again after a failed save names the case's persons: a read like any.
        let ev = Event::on("contact_viewed", "contact", contact_id);
        let (k, c) = contact_for(tx, ctx, contact_id, Action::ReadClient, ev.clone()).await?;
        let case_id = c.id;
        let out = choices(tx, c, &topics_of(&k)).await?;
        audit::record(tx, ctx, ev.case(case_id)).await?;
        Ok(out)
    })
    .await
}

/// Saves a changed contact, if nobody else changed it since `version`. Returns the case's id.
pub async fn update(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    contact_id: i64,
    version: i32,
    form: &ContactForm,
) -> Result<i64> {
    let today = ctx.today();
    let tx = db.begin().await?;
    let ev = Event::on("contact_updated", "contact", contact_id);
    let (tx, k, c) = contact_in(tx, ctx, contact_id, Action::WriteClient, ev.clone()).await?;
    if k.version != version {
        return Err(Error::Conflict("error-stale"));
    }
    let case_persons: Vec<i64> = crate::casework::cases::persons_of(&tx, c.id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let catalog = fields::active(&tx).await?;
    let i = parse(
        form,
        &c,
        &case_persons,
        &catalog,
        &topics_of(&k),
        today,
        false,
    )?;
    let sealed = Sealing::begin(&tx, sealer).await?.seal_opt(
        CONTACT_NOTE.at_version(contact_id, version + 1),
        i.note.as_deref(),
    )?;
    let res = contact::Entity::update_many()
        .col_expr(contact::Column::ContactDate, Expr::value(i.date))
        .col_expr(contact::Column::Minutes, Expr::value(i.minutes))
        .col_expr(contact::Column::ContactKind, Expr::value(i.kind.as_str()))
        .col_expr(contact::Column::Topics, Expr::value(i.topics.join(",")))
        .col_expr(
            contact::Column::InterpreterLanguage,
            Expr::value(i.interpreter.as_ref().map(|(l, _)| l.clone())),
        )
        .col_expr(
            contact::Column::InterpreterType,
            Expr::value(i.interpreter.as_ref().map(|(_, t)| t.as_str().to_string())),
        )
        .col_expr(contact::Column::NoteSealed, Expr::value(sealed))
        .col_expr(contact::Column::UpdatedAt, Expr::value(ctx.now()))
        .col_expr(contact::Column::Version, Expr::value(version + 1))
        .filter(contact::Column::Id.eq(contact_id))
        .filter(contact::Column::Version.eq(version))
        .exec(&tx)
        .await?;
    expect_updated(
        &tx,
        res.rows_affected,
        contact::Entity::find_by_id(contact_id),
    )
    .await?;
    contact_person::Entity::delete_many()
        .filter(contact_person::Column::ContactId.eq(contact_id))
        .exec(&tx)
        .await?;
    insert_persons(&tx, contact_id, &i.persons).await?;
    let years = [k.contact_date.year(), i.date.year()];
    crate::casework::figures::tallies::refresh(&tx, c.id, &years).await?;
    audit::record(&tx, ctx, ev.case(c.id)).await?;
    tx.commit().await?;
    Ok(c.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn case_opened(on: NaiveDate) -> case::Model {
        case::Model {
            id: 7,
            case_number: "2026-00007".into(),
            organisation_id: 1,
            municipality_ags: "08990002".into(),
            assigned_to: 1,
            household_id: None,
            opened_on: on,
            clock_start: on,
            status: "active".into(),
            extended_until: None,
            extension_reason_sealed: None,
            extension_reason: None,
            eligibility_note_sealed: None,
            eligibility_note: None,
            closed_on: None,
            closure_reason: None,
            closure_note_sealed: None,
            closure_note: None,
            closure_snapshot: None,
            handover_note_sealed: None,
            handover_note: None,
            handover_from: None,
            handover_at: None,
            handover_seen: true,
            external_id: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            version: 1,
        }
    }

    fn catalog() -> Vec<Field> {
        vec![
            Field {
                key: "housing".into(),
                exchange_field: "housing".into(),
                label_de: "Wohnen".into(),
                label_en: "Housing".into(),
                active: true,
            },
            Field {
                key: "old".into(),
                exchange_field: "work".into(),
                label_de: "Alt".into(),
                label_en: "Old".into(),
                active: false,
            },
        ]
    }

    fn form() -> ContactForm {
        ContactForm {
            date: "2026-11-20".into(),
            minutes: "45".into(),
            kind: "home_visit".into(),
            topics: vec!["housing".into()],
            interpreter_language: "ar".into(),
            interpreter_type: "professional".into(),
            persons: vec!["3".into(), "4".into()],
            note: " spoke about the flat ".into(),
            followup_on: "2026-12-01".into(),
            followup_reason: "call the landlord".into(),
        }
    }

    #[test]
    fn a_complete_contact_parses() {
        let c = case_opened(d(2026, 1, 1));
        let i = parse(&form(), &c, &[3, 4], &catalog(), &[], d(2026, 11, 21), true).unwrap();
        assert_eq!(i.date, d(2026, 11, 20));
        assert_eq!(i.minutes, Some(45));
        assert_eq!(i.persons, vec![3, 4]);
        assert_eq!(
            i.interpreter,
            Some(("ar".into(), InterpreterType::Professional))
        );
        assert_eq!(i.note.as_deref(), Some("spoke about the flat"));
        assert_eq!(
            i.followup,
            Some((d(2026, 12, 1), "call the landlord".into()))
        );
    }

    #[test]
    fn bad_input_names_each_field() {
        let c = case_opened(d(2026, 1, 1));
        let mut f = form();
        f.date = "2026-11-22".into();
        f.minutes = "0".into();
        f.interpreter_type = String::new();
        f.persons = vec![];
        f.topics = vec!["old".into()];
        f.followup_on = "2026-11-01".into();
        let Err(Error::Invalid(e)) = parse(&f, &c, &[3], &catalog(), &[], d(2026, 11, 21), true)
        else {
            panic!("expected field errors");
        };
        assert_eq!(e.get("date"), Some("error-date-future"));
        assert_eq!(e.get("minutes"), Some("error-contact-minutes"));
        assert_eq!(
            e.get("interpreter_type"),
            Some("error-contact-interpreter-type")
        );
        assert_eq!(e.get("persons"), Some("error-contact-participants"));
        assert_eq!(e.get("topics"), Some("error-choice"));
        assert_eq!(e.get("followup_on"), Some("error-followup-past"));
        // An inactive topic the contact already has stays valid.
        let mut f = form();
        f.topics = vec!["old".into()];
        let i = parse(
            &f,
            &c,
            &[3, 4],
            &catalog(),
            &["old".into()],
            d(2026, 11, 21),
            false,
        )
        .unwrap();
        assert_eq!(i.topics, vec!["old".to_string()]);
        assert_eq!(i.followup, None);
    }

    #[test]
    fn a_date_before_the_opening_and_a_stranger_are_refused() {
        let c = case_opened(d(2026, 6, 1));
        let mut f = form();
        f.date = "2026-05-31".into();
        f.persons = vec!["99".into()];
        f.interpreter_language = String::new();
        let Err(Error::Invalid(e)) = parse(&f, &c, &[3], &catalog(), &[], d(2026, 11, 21), true)
        else {
            panic!("expected field errors");
        };
        assert_eq!(e.get("date"), Some("error-before-opening"));
        assert_eq!(e.get("persons"), Some("error-choice"));
        assert_eq!(
            e.get("interpreter_language"),
            Some("error-contact-interpreter-language")
        );
    }
}

/// One of the newest contacts as the case page lists it: no note, and who recorded it.
#[derive(Clone, Debug)]
pub struct RecentContact {
    /// The row, without its sealed note.
    pub contact: contact::Model,
    pub topics: Vec<String>,
    /// The display name of the staff member who recorded it.
    pub by: String,
}

/// The newest `n` contacts of a case (newest first) and the number of all of them, for the case
/// page. The caller has checked access and records the read.
pub(crate) async fn recent<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    n: u64,
) -> Result<(Vec<RecentContact>, u64)> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let total = contact::Entity::find()
        .filter(contact::Column::CaseId.eq(case_id))
        .count(conn)
        .await?;
    let rows = contact::Entity::find()
        .filter(contact::Column::CaseId.eq(case_id))
        .order_by_desc(contact::Column::ContactDate)
        .order_by_desc(contact::Column::CreatedAt)
        .order_by_desc(contact::Column::Id)
        .limit(n)
        .all(conn)
        .await?;
    let names =
        crate::administration::duties::staff_names(conn, rows.iter().map(|c| c.created_by)).await?;
    let out = rows
        .into_iter()
        .map(|mut c| {
            c.note_sealed = None;
            RecentContact {
                topics: topics_of(&c),
                by: names
                    .iter()
                    .find(|(id, _)| *id == c.created_by)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                contact: c,
            }
        })
        .collect();
    Ok((out, total))
}
