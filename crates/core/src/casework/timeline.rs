//! A case's timeline: contacts, follow-ups, plan changes and reviews, the case's own events, and the
//! outcomes, consents and releases of its persons, newest first, filterable by kind and person, in
//! pages.
//!
//! Built for cases with hundreds of contacts: the contacts are first read as (id, date, time) only,
//! through the index on (case, date); the rows of the shown page are then loaded in one query, their
//! participants and the staff names in one query each, and only their notes are opened.

use std::collections::{BTreeSet, HashMap};

use ankommen_store::Db;
use ankommen_store::entities::{
    case, case_event, consent, contact, contact_person, followup, outcome, person, release, review,
    staff,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::Ctx;
use crate::casework::contacts::{open_note, topics_of};
use crate::kernel::access;
use crate::kernel::audit::{self, Event};
use crate::kernel::policy::Action;
use crate::kernel::query;
use crate::kernel::sealing::Sealer;
use crate::kernel::types::str_enum;
use std::fmt;

/// Entries per page.
pub const PAGE_SIZE: usize = 50;

str_enum!(
    /// The kinds of timeline entries (the filter's keys; not personal data).
    Kind {
        Contact = "contact",
        Followup = "followup",
        Plan = "plan",
        Review = "review",
        Case = "case",
        Outcome = "outcome",
        Consent = "consent",
        Release = "release",
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
    /// From the query string's `show` (repeated or comma-separated), `person` and `page`.
    pub fn from_query(show: &[String], person: &str, page: &str) -> Self {
        let kinds = show
            .iter()
            .flat_map(|s| s.split(','))
            .filter_map(|s| Kind::parse(s).ok())
            .collect();
        Self {
            kinds,
            person: person.trim().parse().ok(),
            page: page.trim().parse().unwrap_or(1).max(1),
        }
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
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Contact(Box<ContactEntry>),
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
}

/// A contact row with the number of all contacts the query matched (before its limit).
#[derive(Debug, FromQueryResult)]
struct CountedContact {
    #[sea_orm(nested)]
    contact: contact::Model,
    total: i64,
}

/// Where an entry comes from, before the page is loaded.
#[derive(Clone, Copy, Debug)]
enum Src {
    Contact(i64),
    FollowupSet(usize),
    FollowupDone(usize),
    Event(usize),
    Review(usize),
    Outcome(usize),
    ConsentGiven(usize),
    ConsentWithdrawn(usize),
    ReleaseCreated(usize),
    ReleaseRevoked(usize),
}

struct Key {
    date: NaiveDate,
    at: DateTime<Utc>,
    src: Src,
}

fn local_date(t: &DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&chrono_tz::Europe::Berlin).date_naive()
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
        let today = ctx.today();
        let persons = crate::casework::cases::persons_of(tx, case_id).await?;
        let mut filter = filter;
        if filter
            .person
            .is_some_and(|p| !persons.iter().any(|x| x.id == p))
        {
            filter.person = None;
        }
        let person_ids: Vec<i64> = match filter.person {
            Some(p) => vec![p],
            None => persons.iter().map(|p| p.id).collect(),
        };
        let mut keys: Vec<Key> = Vec::new();

        // Only the newest `page * PAGE_SIZE` contacts can be on the page (the other kinds are few and
        // loaded whole), so the contacts are read through the index on (case, date) with a limit;
        // `COUNT(*) OVER ()` brings the number of all of them in the same query.
        let mut contact_count = 0usize;
        let mut contacts: HashMap<i64, contact::Model> = HashMap::new();
        if filter.shows(Kind::Contact) {
            let mut q = contact::Entity::find()
                .column_as(Expr::cust("COUNT(*) OVER ()"), "total")
                .filter(contact::Column::CaseId.eq(case_id));
            if let Some(p) = filter.person {
                q = q.filter(
                    contact::Column::Id.in_subquery(
                        Query::select()
                            .column(contact_person::Column::ContactId)
                            .from(contact_person::Entity)
                            .and_where(contact_person::Column::PersonId.eq(p))
                            .to_owned(),
                    ),
                );
            }
            let newest = u64::try_from(filter.page.saturating_mul(PAGE_SIZE)).unwrap_or(u64::MAX);
            let q = q
                .order_by_desc(contact::Column::ContactDate)
                .order_by_desc(contact::Column::CreatedAt)
                .order_by_desc(contact::Column::Id)
                .limit(newest);
            let rows: Vec<CountedContact> = q.into_model().all(tx).await?;
            contact_count = rows
                .first()
                .map_or(0, |r| usize::try_from(r.total).unwrap_or(0));
            // Pushed oldest first: among entries of the same moment the later-pushed comes first.
            for r in rows.into_iter().rev() {
                keys.push(Key {
                    date: r.contact.contact_date,
                    at: r.contact.created_at,
                    src: Src::Contact(r.contact.id),
                });
                contacts.insert(r.contact.id, r.contact);
            }
        }

        let followups = if filter.shows(Kind::Followup) {
            followup::Entity::find()
                .filter(followup::Column::CaseId.eq(case_id))
                .all(tx)
                .await?
        } else {
            vec![]
        };
        for (i, f) in followups.iter().enumerate() {
            keys.push(Key {
                date: local_date(&f.created_at),
                at: f.created_at,
                src: Src::FollowupSet(i),
            });
            if let Some(d) = f.done_on {
                keys.push(Key {
                    date: d,
                    at: f.updated_at,
                    src: Src::FollowupDone(i),
                });
            }
        }

        let events = if filter.shows(Kind::Case) || filter.shows(Kind::Plan) {
            case_event::Entity::find()
                .filter(case_event::Column::CaseId.eq(case_id))
                .all(tx)
                .await?
        } else {
            vec![]
        };
        for (i, e) in events.iter().enumerate() {
            let kind = event_kind(&e.kind);
            if kind.is_some_and(|k| filter.shows(k)) {
                keys.push(Key {
                    date: e.on_date,
                    at: e.at,
                    src: Src::Event(i),
                });
            }
        }

        let reviews = if filter.shows(Kind::Review) {
            review::Entity::find()
                .filter(review::Column::CaseId.eq(case_id))
                .all(tx)
                .await?
        } else {
            vec![]
        };
        keys.extend(reviews.iter().enumerate().map(|(i, r)| Key {
            date: r.held_on,
            at: r.created_at,
            src: Src::Review(i),
        }));

        // The persons' consents: shown as entries, and deciding whose outcomes may be shown.
        let all_consents = if (filter.shows(Kind::Consent) || filter.shows(Kind::Outcome))
            && !person_ids.is_empty()
        {
            consent::Entity::find()
                .filter(consent::Column::PersonId.is_in(person_ids.clone()))
                .all(tx)
                .await?
        } else {
            vec![]
        };

        // Outcomes are shown only for persons with an active consent (like the intake data).
        let outcomes = if filter.shows(Kind::Outcome) {
            let with_consent: Vec<i64> = person_ids
                .iter()
                .copied()
                .filter(|p| {
                    let theirs = all_consents
                        .iter()
                        .filter(|k| k.person_id == *p)
                        .cloned()
                        .collect();
                    crate::records::consent::state_of(theirs, today).is_active()
                })
                .collect();
            if with_consent.is_empty() {
                vec![]
            } else {
                outcome::Entity::find()
                    .filter(outcome::Column::PersonId.is_in(with_consent))
                    .all(tx)
                    .await?
            }
        } else {
            vec![]
        };
        keys.extend(outcomes.iter().enumerate().map(|(i, o)| Key {
            date: o.outcome_date,
            at: o.created_at,
            src: Src::Outcome(i),
        }));

        let consents = if filter.shows(Kind::Consent) {
            all_consents
        } else {
            vec![]
        };
        for (i, k) in consents.iter().enumerate() {
            keys.push(Key {
                date: k.given_on,
                at: k.created_at,
                src: Src::ConsentGiven(i),
            });
            if let Some(w) = k.withdrawn_on {
                keys.push(Key {
                    date: w,
                    at: k.created_at,
                    src: Src::ConsentWithdrawn(i),
                });
            }
        }

        let releases = if filter.shows(Kind::Release) && !person_ids.is_empty() {
            release::Entity::find()
                .filter(release::Column::PersonId.is_in(person_ids.clone()))
                .all(tx)
                .await?
        } else {
            vec![]
        };
        for (i, r) in releases.iter().enumerate() {
            keys.push(Key {
                date: local_date(&r.created_at),
                at: r.created_at,
                src: Src::ReleaseCreated(i),
            });
            if let Some(d) = r.revoked_on {
                keys.push(Key {
                    date: d,
                    at: r.created_at,
                    src: Src::ReleaseRevoked(i),
                });
            }
        }

        // Newest first; on one day, the latest recorded first; at the same moment, the later source
        // (a follow-up after its contact, a release after the consent after the opening) first.
        let mut keys: Vec<(usize, Key)> = keys.into_iter().enumerate().collect();
        keys.sort_by(|(i, a), (j, b)| (b.date, b.at, j).cmp(&(a.date, a.at, i)));
        let keys: Vec<Key> = keys.into_iter().map(|(_, k)| k).collect();
        // The contacts not read (older than the page) still count.
        let total = keys.len() + contact_count.saturating_sub(contacts.len());
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = filter.page.clamp(1, pages);
        let shown: Vec<&Key> = keys
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();

        // The page's contacts: their participants and notes.
        let contact_ids: Vec<i64> = shown
            .iter()
            .filter_map(|k| match k.src {
                Src::Contact(id) => Some(id),
                _ => None,
            })
            .collect();
        // Who recorded the page's entries.
        let mut staff_ids: BTreeSet<i64> = BTreeSet::new();
        for k in &shown {
            match k.src {
                Src::Contact(id) => staff_ids.extend(contacts.get(&id).map(|c| c.created_by)),
                Src::FollowupSet(i) | Src::FollowupDone(i) => {
                    staff_ids.insert(followups[i].created_by);
                }
                Src::Event(i) => {
                    staff_ids.extend(events[i].staff_id);
                    staff_ids.extend(events[i].other_staff_id);
                }
                Src::Review(i) => {
                    staff_ids.insert(reviews[i].created_by);
                }
                Src::Outcome(i) => {
                    staff_ids.insert(outcomes[i].created_by);
                }
                Src::ConsentGiven(i) | Src::ConsentWithdrawn(i) => {
                    staff_ids.insert(consents[i].created_by);
                }
                Src::ReleaseCreated(i) | Src::ReleaseRevoked(i) => {
                    staff_ids.insert(releases[i].created_by);
                }
            }
        }
        // The contacts' participants and the staff names, in one query.
        let mut who: HashMap<i64, BTreeSet<i64>> = HashMap::new();
        let mut names: HashMap<i64, String> = HashMap::new();
        if !contact_ids.is_empty() || !staff_ids.is_empty() {
            let q = Query::select()
                .expr_as(Expr::val("participant"), "kind")
                .expr_as(Expr::col(contact_person::Column::ContactId), "id")
                .expr_as(Expr::col(contact_person::Column::PersonId), "person_id")
                .expr_as(Expr::cust("NULL"), "name")
                .from(contact_person::Entity)
                .and_where(contact_person::Column::ContactId.is_in(contact_ids.clone()))
                .union(
                    UnionType::All,
                    Query::select()
                        .expr(Expr::val("staff"))
                        .column(staff::Column::Id)
                        .expr(Expr::cust("NULL"))
                        .column(staff::Column::DisplayName)
                        .from(staff::Entity)
                        .and_where(staff::Column::Id.is_in(staff_ids))
                        .to_owned(),
                )
                .to_owned();
            // (kind, contact or staff id, participant, staff name)
            let rows: Vec<(String, i64, Option<i64>, Option<String>)> = query::tuples(
                tx,
                tx.get_database_backend().build(&q),
                &["kind", "id", "person_id", "name"],
            )
            .await?;
            for (kind, id, person_id, name) in rows {
                match (kind.as_str(), person_id, name) {
                    ("staff", _, Some(name)) => {
                        names.insert(id, name);
                    }
                    (_, Some(p), _) => {
                        who.entry(id).or_default().insert(p);
                    }
                    _ => {}
                }
            }
        }
        let name = |id: i64| names.get(&id).cloned();

        let mut entries = Vec::with_capacity(shown.len());
        for k in shown {
            let (kind, item, by, person) = match k.src {
                Src::Contact(id) => {
                    let Some(mut c) = contacts.remove(&id) else {
                        continue;
                    };
                    let note = match c.note.take() {
                        Some(s) => Some(open_note(sealer, c.id, &s)?),
                        None => None,
                    };
                    let persons = who.remove(&id).unwrap_or_default().into_iter().collect();
                    let by = name(c.created_by);
                    let topics = topics_of(&c);
                    (
                        Kind::Contact,
                        Item::Contact(Box::new(ContactEntry {
                            contact: c,
                            persons,
                            topics,
                            note,
                        })),
                        by,
                        None,
                    )
                }
                Src::FollowupSet(i) => (
                    Kind::Followup,
                    Item::FollowupSet(followups[i].clone()),
                    name(followups[i].created_by),
                    None,
                ),
                Src::FollowupDone(i) => (
                    Kind::Followup,
                    Item::FollowupDone(followups[i].clone()),
                    name(followups[i].created_by),
                    None,
                ),
                Src::Event(i) => {
                    let e = &events[i];
                    (
                        event_kind(&e.kind).unwrap_or(Kind::Plan),
                        Item::CaseEvent(e.clone(), e.other_staff_id.and_then(name)),
                        e.staff_id.and_then(name),
                        None,
                    )
                }
                Src::Review(i) => (
                    Kind::Review,
                    Item::Review(reviews[i].clone()),
                    name(reviews[i].created_by),
                    None,
                ),
                Src::Outcome(i) => (
                    Kind::Outcome,
                    Item::Outcome(outcomes[i].clone()),
                    name(outcomes[i].created_by),
                    Some(outcomes[i].person_id),
                ),
                Src::ConsentGiven(i) => (
                    Kind::Consent,
                    Item::ConsentGiven(consents[i].clone()),
                    name(consents[i].created_by),
                    Some(consents[i].person_id),
                ),
                Src::ConsentWithdrawn(i) => (
                    Kind::Consent,
                    Item::ConsentWithdrawn(consents[i].clone()),
                    None,
                    Some(consents[i].person_id),
                ),
                Src::ReleaseCreated(i) => (
                    Kind::Release,
                    Item::ReleaseCreated(releases[i].clone()),
                    name(releases[i].created_by),
                    Some(releases[i].person_id),
                ),
                Src::ReleaseRevoked(i) => (
                    Kind::Release,
                    Item::ReleaseRevoked(releases[i].clone()),
                    None,
                    Some(releases[i].person_id),
                ),
            };
            entries.push(Entry {
                date: k.date,
                kind,
                item,
                by,
                person,
            });
        }
        audit::record(tx, ctx, ev).await?;
        Ok(Timeline {
            case: c,
            persons,
            filter,
            entries,
            total,
            page,
            pages,
        })
    })
    .await
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
        let f = Filter::from_query(
            &["contact,outcome".into(), "release".into(), "bogus".into()],
            "12",
            "x",
        );
        assert_eq!(
            f.kinds,
            [Kind::Contact, Kind::Outcome, Kind::Release]
                .into_iter()
                .collect()
        );
        assert_eq!(f.person, Some(12));
        assert_eq!(f.page, 1);
        assert!(f.shows(Kind::Contact) && !f.shows(Kind::Plan));
        assert!(Filter::from_query(&[], "", "3").shows(Kind::Plan));
    }

    #[test]
    fn case_events_are_sorted_into_case_plan_and_review() {
        assert_eq!(event_kind("closed"), Some(Kind::Case));
        assert_eq!(event_kind("goal_added"), Some(Kind::Plan));
        assert_eq!(event_kind("plan_version_frozen"), Some(Kind::Plan));
        assert_eq!(event_kind("review_held"), None);
    }
}
