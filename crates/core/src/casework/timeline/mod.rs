//! A case's timeline: contacts, case notes, follow-ups, plan changes and reviews, the case's own
//! events, its referrals, and the outcomes, consents and releases of its persons, newest first, filterable by
//! kind and person, in pages.
//!
//! Built for cases with hundreds of contacts: only the newest contacts the page can reach are read,
//! through the index on (case, date); the shown page's participants and staff names come in one
//! query, and only its notes are opened (see `sources`).

use std::collections::BTreeSet;

use ankommen_store::entities::{
    case, case_event, case_note, consent, contact, course_registration, followup, goal, outcome,
    person, referral, release, review, volunteer_match,
};
use ankommen_store::{Db, Opened};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::Action;
use crate::kernel::sealing::Sealer;
use crate::kernel::types::str_enum;
use crate::{Ctx, FieldErrors};
use std::fmt;

mod sources;

use self::sources::{Key, Sources};

/// Entries per page.
pub const PAGE_SIZE: usize = 50;

str_enum!(
    /// The kinds of timeline entries (the filter's keys; not personal data).
    Kind {
        Contact = "contact",
        Note = "note",
        Followup = "followup",
        Plan = "plan",
        Review = "review",
        Case = "case",
        Outcome = "outcome",
        Consent = "consent",
        Release = "release",
        Referral = "referral",
        Course = "course",
        Volunteer = "volunteer",
    }
);

/// The case's own events (`cases.rs`); every other `case_events` kind is a change of the plan,
/// except those starting with `review`, which the `reviews` table tells.
pub const CASE_EVENT_KINDS: &[&str] = &[
    "opened",
    "paused",
    "resumed",
    "extended",
    "closed",
    "reopened",
    "reassigned",
    "moved",
    "shared",
    "unshared",
    "restricted",
    "restriction_lifted",
];

/// What the timeline shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Empty: all kinds.
    pub kinds: BTreeSet<Kind>,
    /// Only this person's contacts, outcomes, consents and releases (case-wide entries stay).
    pub person: Option<i64>,
    /// 1-based.
    pub page: usize,
}

impl Filter {
    /// From the query string's `show` (repeated or comma-separated), `person` and `page`. A kind
    /// that is not one of [`Kind`], or a person that is not an id, is a field error (the filter
    /// then leaves it out).
    pub fn parse(show: &[String], person: &str, page: &str) -> (Self, FieldErrors) {
        let mut e = FieldErrors::new();
        let kinds = show
            .iter()
            .flat_map(|s| s.split(','))
            .filter(|s| !s.trim().is_empty())
            .filter_map(|s| e.take("show", Kind::parse(s)))
            .collect();
        let person = match person.trim() {
            "" => None,
            p => e.take("person", p.parse().map_err(|_| "error-choice")),
        };
        let f = Self {
            kinds,
            person,
            page: page.trim().parse().unwrap_or(1).max(1),
        };
        (f, e)
    }

    pub fn shows(&self, k: Kind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&k)
    }
}

/// A contact on the timeline.
#[derive(Clone, Debug)]
pub struct ContactEntry {
    /// The row, without its sealed note.
    pub contact: contact::Model,
    pub persons: Vec<i64>,
    pub topics: Vec<String>,
    /// The opened confidential note.
    pub note: Option<Opened>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Contact(Box<ContactEntry>),
    /// A general case note, its text opened.
    Note(case_note::Model),
    FollowupSet(followup::Model),
    FollowupDone(followup::Model),
    /// A case or plan event, with the other staff member's name (handover, sharing).
    CaseEvent(case_event::Model, Option<String>),
    Review(review::Model),
    Outcome(outcome::Model),
    ConsentGiven(consent::Model),
    ConsentWithdrawn(consent::Model),
    ReleaseCreated(release::Model),
    ReleaseRevoked(release::Model),
    /// A referral to a service, its reason opened (issue 23).
    Referral(referral::Model, Option<Opened>),
    /// A language-course registration reaching a status (issue 23, decision 0032).
    Course(
        course_registration::Model,
        crate::kernel::catalog::CourseStatus,
    ),
    /// A volunteer matched with a person: the match, the volunteer's name, the purpose opened
    /// (issue 23).
    VolunteerMatch(volunteer_match::Model, String, Option<Opened>),
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: Kind,
    pub item: Item,
    /// Who recorded it.
    pub by: Option<String>,
    /// The person it concerns (person-bound kinds).
    pub person: Option<i64>,
    /// The text of the goal a plan event concerns (events that name their goal, of a goal the
    /// consent covers).
    pub goal: Option<Opened>,
}

#[derive(Clone, Debug)]
pub struct Timeline {
    pub case: case::Model,
    pub persons: Vec<person::Model>,
    pub filter: Filter,
    pub entries: Vec<Entry>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// The plan's entries are left out: the client's consent does not cover the plan.
    pub plan_withheld: bool,
    /// A filter value that is not one of its choices (a person not of this case).
    pub errors: FieldErrors,
}

/// The timeline of a case. The read is audited.
pub async fn get(
    db: &Db,
    ctx: &Ctx,
    sealer: &Sealer,
    case_id: i64,
    filter: Filter,
) -> crate::Result<Timeline> {
    audit::read(db, async |tx| {
        let ev = Event::on("timeline_viewed", "case", case_id);
        let (c, _) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let persons = crate::casework::cases::persons_of(tx, case_id).await?;
        let mut filter = filter;
        let mut errors = FieldErrors::new();
        if filter
            .person
            .is_some_and(|p| !persons.iter().any(|x| x.id == p))
        {
            errors.add("person", "error-choice");
            filter.person = None;
        }
        let person_ids: Vec<i64> = match filter.person {
            Some(p) => vec![p],
            None => persons.iter().map(|p| p.id).collect(),
        };
        let plan_covered = crate::records::consent::plan_coverage(tx, case_id, ctx.today())
            .await?
            .covers(crate::records::consent::Data::Plan);
        let src =
            Sources::load(tx, case_id, &filter, &person_ids, plan_covered, ctx.today()).await?;
        let keys = src.keys(&filter);
        // The contacts not read (older than the page) still count.
        let total = keys.len() + src.unread_contacts();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = filter.page.clamp(1, pages);
        let shown: Vec<&Key> = keys
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();
        let mut entries = src.entries(tx, sealer, &shown).await?;
        goal_texts(tx, sealer, case_id, ctx.today(), &mut entries).await?;
        audit::record(tx, ctx, ev).await?;
        Ok(Timeline {
            case: c,
            persons,
            filter,
            entries,
            total,
            page,
            pages,
            plan_withheld: !plan_covered,
            errors,
        })
    })
    .await
}

/// The goal a plan event names: its detail is `<field or state> <goal id>` (events recorded before
/// goals were named say only the field).
fn goal_of(item: &Item) -> Option<i64> {
    match item {
        Item::CaseEvent(ev, _) if event_kind(&ev.kind) == Some(Kind::Plan) => ev
            .detail
            .as_deref()
            .and_then(|d| d.split_once(' '))
            .and_then(|(_, id)| id.parse().ok()),
        _ => None,
    }
}

/// Puts each plan event's goal text beside it: the goals of this case, opened, except those of a
/// person whose consent does not cover the plan (as the plan page withholds them).
async fn goal_texts<C: ConnectionTrait>(
    conn: &C,
    sealer: &Sealer,
    case_id: i64,
    today: NaiveDate,
    entries: &mut [Entry],
) -> crate::Result<()> {
    let ids: BTreeSet<i64> = entries.iter().filter_map(|e| goal_of(&e.item)).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let scope = crate::casework::plans::PlanScope::of(conn, case_id, today).await?;
    let goals = goal::Entity::find()
        .filter(goal::Column::CaseId.eq(case_id))
        .filter(goal::Column::Id.is_in(ids))
        .all(conn)
        .await?;
    for e in entries.iter_mut() {
        let Some(id) = goal_of(&e.item) else { continue };
        e.goal = goals
            .iter()
            .find(|g| g.id == id && g.person_id.is_none_or(|p| !scope.uncovered.contains(&p)))
            .map(|g| crate::casework::plans::opened_goal(sealer, g.clone()).text);
    }
    Ok(())
}

/// The timeline kind of a `case_events` kind; None for review events (told by `reviews`).
pub fn event_kind(kind: &str) -> Option<Kind> {
    if CASE_EVENT_KINDS.contains(&kind) {
        Some(Kind::Case)
    } else if kind.starts_with("review") {
        None
    } else {
        Some(Kind::Plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_reads_repeated_and_comma_separated_kinds_and_ignores_the_rest() {
        let (f, e) = Filter::parse(
            &["contact,outcome".into(), "release".into(), "bogus".into()],
            "12",
            "x",
        );
        assert_eq!(e.get("show"), Some("error-choice"));
        assert_eq!(
            f.kinds,
            [Kind::Contact, Kind::Outcome, Kind::Release]
                .into_iter()
                .collect()
        );
        assert_eq!(f.person, Some(12));
        assert_eq!(f.page, 1);
        assert!(f.shows(Kind::Contact) && !f.shows(Kind::Plan));
        assert!(Filter::parse(&[], "", "3").0.shows(Kind::Plan));
        assert_eq!(
            Filter::parse(&[], "x", "").1.get("person"),
            Some("error-choice")
        );
    }

    #[test]
    fn case_events_are_sorted_into_case_plan_and_review() {
        assert_eq!(event_kind("closed"), Some(Kind::Case));
        assert_eq!(event_kind("goal_added"), Some(Kind::Plan));
        assert_eq!(event_kind("plan_version_frozen"), Some(Kind::Plan));
        assert_eq!(event_kind("review_held"), None);
    }
}
