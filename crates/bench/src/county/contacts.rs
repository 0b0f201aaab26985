//! A case's counselling contacts over its life, with follow-ups set at some of them, and the
//! follow-ups of open cases around today that the day view shows.

use ankommen_core::kernel::sealed::FOLLOWUP_REASON;
use ankommen_store::entities::{contact, contact_person, followup};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;

use super::at;
use super::batch::next;
use super::cases::{Gen, House};
use super::texts::{FIELDS, FOLLOWUP_REASONS};

/// Contacts from the case's opening until its skeleton's `contacts_until`: twice as often in the
/// first three months as later.
pub(super) fn contacts(g: &mut Gen, h: &House<'_>) {
    let s = h.s;
    let phase_end = super::add_months(s.opened, 3);
    let mut d = s.opened + Duration::days(g.rng.range(0, 6));
    while d <= s.contacts_until {
        let (cid, stamp) = contact(g, h, d);
        if g.rng.chance(0.06) {
            contact_followup(g, h, d, cid, stamp);
        }
        let gap = if d < phase_end {
            g.gap_early
        } else {
            g.gap_late
        };
        let step_days = (gap * (0.3 + 1.4 * g.rng.unit())).round().max(1.0) as i64;
        d += Duration::days(step_days);
    }
}

/// One contact on day `d` with the persons present; returns its id and time stamp.
fn contact(g: &mut Gen, h: &House<'_>, d: NaiveDate) -> (i64, DateTime<Utc>) {
    let cid = next(&mut g.ids.contact);
    let rng = &mut g.rng;
    let kind = *rng.weighted(&[
        ("office_appointment", 30),
        ("phone", 25),
        ("home_visit", 15),
        ("office_hours", 10),
        ("video_messenger", 10),
        ("accompaniment", 7),
        ("group", 3),
    ]);
    let minutes = if kind == "phone" {
        rng.range(5, 30)
    } else {
        rng.range(20, 120)
    };
    let n_topics = rng.range(1, 3) as usize;
    let mut topics: Vec<&str> = Vec::new();
    while topics.len() < n_topics {
        let f = *rng.pick(FIELDS);
        if !topics.contains(&f) {
            topics.push(f);
        }
    }
    let interpreter = (kind != "group" && rng.chance(0.25))
        .then(|| *rng.weighted(&[("professional", 40), ("volunteer", 45), ("family", 15)]));
    let stamp = at(d, 8 * 60 + rng.range(0, 540));
    g.batch.contacts.push(contact::ActiveModel {
        id: Set(cid),
        case_id: Set(h.case_id),
        contact_date: Set(d),
        minutes: Set(Some(minutes as i32)),
        contact_kind: Set(kind.into()),
        topics: Set(topics.join(",")),
        interpreter_language: Set(interpreter.map(|_| h.origin.lang.to_string())),
        interpreter_type: Set(interpreter.map(str::to_string)),
        note_sealed: Set(None),
        external_id: Set(None),
        created_by: Set(h.im.id),
        created_at: Set(stamp),
        updated_at: Set(stamp),
        version: Set(1),
    });
    for (k, m) in h.members.iter().enumerate() {
        if k == 0 || g.rng.chance(0.35) {
            g.batch.contact_persons.push(contact_person::ActiveModel {
                contact_id: Set(cid),
                person_id: Set(m.id),
            });
        }
    }
    (cid, stamp)
}

/// A follow-up set at the contact `cid` on day `d`; done unless it is still ahead.
fn contact_followup(g: &mut Gen, h: &House<'_>, d: NaiveDate, cid: i64, stamp: DateTime<Utc>) {
    let (s, end, rng) = (h.s, h.end, &mut g.rng);
    let due = d + Duration::days(rng.range(3, 30));
    let done = if due <= end && (s.closed.is_some() || rng.chance(0.93)) {
        Some((due + Duration::days(rng.range(0, 5))).min(end))
    } else if s.closed.is_some() {
        Some(end)
    } else {
        None
    };
    let id = next(&mut g.ids.followup);
    let version = if done.is_some() { 2 } else { 1 };
    let reason = *g.rng.pick(FOLLOWUP_REASONS);
    g.batch.followups.push(followup::ActiveModel {
        id: Set(id),
        case_id: Set(h.case_id),
        due_on: Set(due),
        reason_sealed: Set(g.seal.text(FOLLOWUP_REASON.at_version(id, version), reason)),
        done_on: Set(done),
        first_due_on: Set(None),
        contact_id: Set(Some(cid)),
        created_by: Set(h.im.id),
        created_at: Set(stamp),
        updated_at: Set(stamp),
        version: Set(version),
    });
}

/// Follow-ups of open cases around today: due today, overdue, or soon.
pub(super) fn followups_around_today(g: &mut Gen, h: &House<'_>) {
    if h.s.closed.is_some() {
        return;
    }
    for (p, lo, hi) in [(0.08, 0, 0), (0.10, -14, -1), (0.25, 1, 30)] {
        if !g.rng.chance(p) {
            continue;
        }
        let due = g.today + Duration::days(g.rng.range(lo, hi));
        let moved = g.rng.chance(0.2);
        let id = next(&mut g.ids.followup);
        let version = if moved { 2 } else { 1 };
        let reason = *g.rng.pick(FOLLOWUP_REASONS);
        g.batch.followups.push(followup::ActiveModel {
            id: Set(id),
            case_id: Set(h.case_id),
            due_on: Set(due),
            reason_sealed: Set(g.seal.text(FOLLOWUP_REASON.at_version(id, version), reason)),
            done_on: Set(None),
            first_due_on: Set(moved.then(|| due - Duration::days(7))),
            contact_id: Set(None),
            created_by: Set(h.im.id),
            created_at: Set(g.now),
            updated_at: Set(g.now),
            version: Set(version),
        });
    }
}
