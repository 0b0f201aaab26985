//! Where a timeline's entries come from: the rows of each kind, loaded in one query each (the
//! contacts only as far as the page can reach), sorted into keys, and the shown page built from
//! them with its participants, notes and staff names in one more query.

use std::collections::{BTreeSet, HashMap};

use ankommen_store::entities::{
    case_event, case_note, consent, contact, contact_person, course_registration, followup,
    outcome, referral, release, review, staff, volunteer_match,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, IntoCondition, Query, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{ContactEntry, Entry, Filter, Item, Kind, PAGE_SIZE, event_kind};
use crate::casework::cases::opened_event;
use crate::casework::contacts::{open_note, topics_of};
use crate::casework::followups::opened;
use crate::casework::plans::opened_review;
use crate::kernel::catalog::CourseStatus;
use crate::kernel::query;
use crate::kernel::sealing::Sealer;
use crate::records::consent::{Data, covers, state_of};

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
    /// An index into the loaded contacts (as are the others into theirs).
    Contact(usize),
    Note(usize),
    FollowupSet(usize),
    FollowupDone(usize),
    Event(usize),
    Review(usize),
    Outcome(usize),
    ConsentGiven(usize),
    ConsentWithdrawn(usize),
    ReleaseCreated(usize),
    ReleaseRevoked(usize),
    Referral(usize),
    Course(usize, CourseStatus),
    Volunteer(usize),
}

pub(super) struct Key {
    date: NaiveDate,
    at: DateTime<Utc>,
    src: Src,
}

fn local_date(t: &DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&chrono_tz::Europe::Berlin).date_naive()
}

/// A shown entry before it is placed: its kind, the item, who recorded it, whom it concerns.
type Row = (Kind, Item, Option<String>, Option<i64>);

/// The rows a timeline draws on: each kind the filter shows, loaded whole, except the contacts,
/// of which only those that can be on the page are read.
#[derive(Default)]
pub(super) struct Sources {
    /// Newest first.
    contacts: Vec<contact::Model>,
    /// The number of all contacts the filter matches, those not read included.
    contact_count: usize,
    notes: Vec<case_note::Model>,
    followups: Vec<followup::Model>,
    events: Vec<case_event::Model>,
    reviews: Vec<review::Model>,
    outcomes: Vec<outcome::Model>,
    consents: Vec<consent::Model>,
    releases: Vec<release::Model>,
    referrals: Vec<referral::Model>,
    courses: Vec<course_registration::Model>,
    /// The volunteer matches of the persons, with the volunteers' names.
    matches: Vec<volunteer_match::Model>,
    volunteer_names: std::collections::BTreeMap<i64, String>,
    /// Whether the client's consent covers the plan (else its changes and reviews are left out).
    plan_covered: bool,
}

impl Sources {
    /// Loads the kinds the filter shows, one query each. `person_ids` are the persons whose
    /// entries may be shown; `plan_covered` whether the plan's entries may be.
    pub(super) async fn load<C: ConnectionTrait>(
        conn: &C,
        case_id: i64,
        filter: &Filter,
        person_ids: &[i64],
        plan_covered: bool,
        today: NaiveDate,
    ) -> crate::Result<Self> {
        let mut s = Self {
            plan_covered,
            ..Self::default()
        };
        if filter.shows(Kind::Contact) {
            (s.contacts, s.contact_count) = newest_contacts(conn, case_id, filter).await?;
        }
        if filter.shows(Kind::Note) {
            s.notes =
                all_where::<case_note::Entity, _>(conn, case_note::Column::CaseId.eq(case_id))
                    .await?;
        }
        if filter.shows(Kind::Followup) {
            s.followups =
                all_where::<followup::Entity, _>(conn, followup::Column::CaseId.eq(case_id))
                    .await?;
        }
        if filter.shows(Kind::Case) || filter.shows(Kind::Plan) {
            s.events =
                all_where::<case_event::Entity, _>(conn, case_event::Column::CaseId.eq(case_id))
                    .await?;
        }
        if filter.shows(Kind::Review) && plan_covered {
            s.reviews =
                all_where::<review::Entity, _>(conn, review::Column::CaseId.eq(case_id)).await?;
        }
        // The persons' consents: shown as entries, and deciding whose outcomes may be shown.
        let consents = if (filter.shows(Kind::Consent) || filter.shows(Kind::Outcome))
            && !person_ids.is_empty()
        {
            all_where::<consent::Entity, _>(
                conn,
                consent::Column::PersonId.is_in(person_ids.to_vec()),
            )
            .await?
        } else {
            vec![]
        };
        if filter.shows(Kind::Outcome) {
            s.outcomes = outcomes_with_consent(conn, person_ids, &consents, today).await?;
        }
        if filter.shows(Kind::Consent) {
            s.consents = consents;
        }
        if filter.shows(Kind::Referral) {
            // A person's referrals, and the household's (case-wide entries stay).
            s.referrals = all_where::<referral::Entity, _>(
                conn,
                sea_orm::Condition::all()
                    .add(referral::Column::CaseId.eq(case_id))
                    .add(
                        sea_orm::Condition::any()
                            .add(referral::Column::PersonId.is_null())
                            .add(referral::Column::PersonId.is_in(person_ids.to_vec())),
                    ),
            )
            .await?;
        }
        if filter.shows(Kind::Course) && !person_ids.is_empty() {
            s.courses = all_where::<course_registration::Entity, _>(
                conn,
                sea_orm::Condition::all()
                    .add(course_registration::Column::CaseId.eq(case_id))
                    .add(course_registration::Column::PersonId.is_in(person_ids.to_vec())),
            )
            .await?;
        }
        if filter.shows(Kind::Volunteer) && !person_ids.is_empty() {
            s.matches = all_where::<volunteer_match::Entity, _>(
                conn,
                sea_orm::Condition::all()
                    .add(volunteer_match::Column::CaseId.eq(case_id))
                    .add(volunteer_match::Column::PersonId.is_in(person_ids.to_vec())),
            )
            .await?;
            s.volunteer_names =
                crate::casework::volunteers::names(conn, s.matches.iter().map(|m| m.volunteer_id))
                    .await?;
        }
        if filter.shows(Kind::Release) && !person_ids.is_empty() {
            s.releases = all_where::<release::Entity, _>(
                conn,
                release::Column::PersonId.is_in(person_ids.to_vec()),
            )
            .await?;
        }
        Ok(s)
    }

    /// The keys of all loaded entries, sorted: newest first; on one day, the latest recorded
    /// first; at the same moment, the later source (a follow-up after its contact, a release after
    /// the consent after the opening) first.
    pub(super) fn keys(&self, filter: &Filter) -> Vec<Key> {
        let key = |date, at, src| Key { date, at, src };
        let mut keys: Vec<Key> = Vec::new();
        // Pushed oldest first: among entries of the same moment the later-pushed comes first.
        for (i, c) in self.contacts.iter().enumerate().rev() {
            keys.push(key(c.contact_date, c.created_at, Src::Contact(i)));
        }
        for (i, n) in self.notes.iter().enumerate() {
            keys.push(key(local_date(&n.created_at), n.created_at, Src::Note(i)));
        }
        for (i, f) in self.followups.iter().enumerate() {
            keys.push(key(
                local_date(&f.created_at),
                f.created_at,
                Src::FollowupSet(i),
            ));
            if let Some(d) = f.done_on {
                keys.push(key(d, f.updated_at, Src::FollowupDone(i)));
            }
        }
        for (i, e) in self.events.iter().enumerate() {
            if event_kind(&e.kind)
                .is_some_and(|k| filter.shows(k) && (k != Kind::Plan || self.plan_covered))
            {
                keys.push(key(e.on_date, e.at, Src::Event(i)));
            }
        }
        for (i, r) in self.reviews.iter().enumerate() {
            keys.push(key(r.held_on, r.created_at, Src::Review(i)));
        }
        for (i, o) in self.outcomes.iter().enumerate() {
            keys.push(key(o.outcome_date, o.created_at, Src::Outcome(i)));
        }
        for (i, k) in self.consents.iter().enumerate() {
            keys.push(key(k.given_on, k.created_at, Src::ConsentGiven(i)));
            if let Some(w) = k.withdrawn_on {
                keys.push(key(w, k.created_at, Src::ConsentWithdrawn(i)));
            }
        }
        for (i, r) in self.releases.iter().enumerate() {
            keys.push(key(
                local_date(&r.created_at),
                r.created_at,
                Src::ReleaseCreated(i),
            ));
            if let Some(d) = r.revoked_on {
                keys.push(key(d, r.created_at, Src::ReleaseRevoked(i)));
            }
        }
        for (i, r) in self.referrals.iter().enumerate() {
            keys.push(key(r.referral_date, r.created_at, Src::Referral(i)));
        }
        for (i, r) in self.courses.iter().enumerate() {
            for (status, on) in crate::casework::courses::history(r) {
                keys.push(key(on, r.created_at, Src::Course(i, status)));
            }
        }
        for (i, m) in self.matches.iter().enumerate() {
            keys.push(key(m.from_date, m.created_at, Src::Volunteer(i)));
        }
        let mut keys: Vec<(usize, Key)> = keys.into_iter().enumerate().collect();
        keys.sort_by(|(i, a), (j, b)| (b.date, b.at, j).cmp(&(a.date, a.at, i)));
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// The number of the contacts the filter matches that were not read (older than the page).
    pub(super) fn unread_contacts(&self) -> usize {
        self.contact_count.saturating_sub(self.contacts.len())
    }

    /// Who recorded the shown entries.
    fn staff_ids(&self, shown: &[&Key]) -> BTreeSet<i64> {
        let mut ids = BTreeSet::new();
        for k in shown {
            match k.src {
                Src::Contact(i) => {
                    ids.insert(self.contacts[i].created_by);
                }
                Src::Note(i) => {
                    ids.insert(self.notes[i].created_by);
                }
                Src::FollowupSet(i) | Src::FollowupDone(i) => {
                    ids.insert(self.followups[i].created_by);
                }
                Src::Event(i) => {
                    ids.extend(self.events[i].staff_id);
                    ids.extend(self.events[i].other_staff_id);
                }
                Src::Review(i) => {
                    ids.insert(self.reviews[i].created_by);
                }
                Src::Outcome(i) => {
                    ids.insert(self.outcomes[i].created_by);
                }
                Src::ConsentGiven(i) | Src::ConsentWithdrawn(i) => {
                    ids.insert(self.consents[i].created_by);
                }
                Src::ReleaseCreated(i) | Src::ReleaseRevoked(i) => {
                    ids.insert(self.releases[i].created_by);
                }
                Src::Referral(i) => {
                    ids.insert(self.referrals[i].created_by);
                }
                Src::Course(i, _) => {
                    ids.insert(self.courses[i].created_by);
                }
                Src::Volunteer(i) => {
                    ids.insert(self.matches[i].created_by);
                }
            }
        }
        ids
    }

    /// The shown entries, with the contacts' participants and opened notes and the names of
    /// those who recorded them.
    pub(super) async fn entries<C: ConnectionTrait>(
        mut self,
        conn: &C,
        sealer: &Sealer,
        shown: &[&Key],
    ) -> crate::Result<Vec<Entry>> {
        let contact_ids: Vec<i64> = shown
            .iter()
            .filter_map(|k| match k.src {
                Src::Contact(i) => Some(self.contacts[i].id),
                _ => None,
            })
            .collect();
        let (mut who, names) =
            participants_and_names(conn, contact_ids, self.staff_ids(shown)).await?;
        let name = |id: i64| names.get(&id).cloned();
        // Taken one by one, so that a contact moves into its entry without a copy.
        let mut contacts: Vec<Option<contact::Model>> = std::mem::take(&mut self.contacts)
            .into_iter()
            .map(Some)
            .collect();
        let mut entries = Vec::with_capacity(shown.len());
        for k in shown {
            let (kind, item, by, person) = match k.src {
                Src::Contact(i) => {
                    let Some(c) = contacts[i].take() else {
                        continue;
                    };
                    let persons = who.remove(&c.id).unwrap_or_default();
                    let by = name(c.created_by);
                    (Kind::Contact, contact_item(c, sealer, persons)?, by, None)
                }
                src => match self.row(src, sealer, &name) {
                    Some(row) => row,
                    None => continue,
                },
            };
            entries.push(Entry {
                date: k.date,
                kind,
                item,
                by,
                person,
                goal: None,
            });
        }
        Ok(entries)
    }

    /// The entry of every kind but a contact (None for a contact: `entries` builds those).
    fn row(&self, src: Src, sealer: &Sealer, name: &impl Fn(i64) -> Option<String>) -> Option<Row> {
        Some(match src {
            Src::Contact(_) => return None,
            Src::Note(i) => (
                Kind::Note,
                Item::Note(crate::casework::notes::opened(
                    sealer,
                    self.notes[i].clone(),
                )),
                name(self.notes[i].created_by),
                None,
            ),
            Src::FollowupSet(i) => (
                Kind::Followup,
                Item::FollowupSet(opened(sealer, self.followups[i].clone())),
                name(self.followups[i].created_by),
                None,
            ),
            Src::FollowupDone(i) => (
                Kind::Followup,
                Item::FollowupDone(opened(sealer, self.followups[i].clone())),
                name(self.followups[i].created_by),
                None,
            ),
            Src::Event(i) => {
                let e = &self.events[i];
                (
                    event_kind(&e.kind).unwrap_or(Kind::Plan),
                    Item::CaseEvent(
                        opened_event(sealer, e.clone()),
                        e.other_staff_id.and_then(name),
                    ),
                    e.staff_id.and_then(name),
                    None,
                )
            }
            Src::Review(i) => (
                Kind::Review,
                Item::Review(opened_review(sealer, self.reviews[i].clone())),
                name(self.reviews[i].created_by),
                None,
            ),
            Src::Outcome(i) => (
                Kind::Outcome,
                Item::Outcome(self.outcomes[i].clone()),
                name(self.outcomes[i].created_by),
                Some(self.outcomes[i].person_id),
            ),
            Src::ConsentGiven(i) => (
                Kind::Consent,
                Item::ConsentGiven(self.consents[i].clone()),
                name(self.consents[i].created_by),
                Some(self.consents[i].person_id),
            ),
            Src::ConsentWithdrawn(i) => (
                Kind::Consent,
                Item::ConsentWithdrawn(self.consents[i].clone()),
                None,
                Some(self.consents[i].person_id),
            ),
            Src::ReleaseCreated(i) => (
                Kind::Release,
                Item::ReleaseCreated(self.releases[i].clone()),
                name(self.releases[i].created_by),
                Some(self.releases[i].person_id),
            ),
            Src::ReleaseRevoked(i) => (
                Kind::Release,
                Item::ReleaseRevoked(self.releases[i].clone()),
                None,
                Some(self.releases[i].person_id),
            ),
            Src::Referral(i) => {
                let r = &self.referrals[i];
                let reason = crate::kernel::sealed::open_opt(
                    sealer,
                    crate::kernel::sealed::REFERRAL_REASON.at_version(r.id, r.version),
                    r.reason_sealed.as_deref(),
                );
                (
                    Kind::Referral,
                    Item::Referral(r.clone(), reason),
                    name(r.created_by),
                    r.person_id,
                )
            }
            Src::Course(i, status) => {
                let r = &self.courses[i];
                (
                    Kind::Course,
                    Item::Course(r.clone(), status),
                    name(r.created_by),
                    Some(r.person_id),
                )
            }
            Src::Volunteer(i) => {
                let m = &self.matches[i];
                (
                    Kind::Volunteer,
                    Item::VolunteerMatch(
                        m.clone(),
                        self.volunteer_names
                            .get(&m.volunteer_id)
                            .cloned()
                            .unwrap_or_default(),
                        crate::casework::volunteers::purpose_of(sealer, m),
                    ),
                    name(m.created_by),
                    Some(m.person_id),
                )
            }
        })
    }
}

/// The newest contacts that can be on the page, newest first, and the number of all of them.
///
/// Only the newest `page * PAGE_SIZE` contacts can be on the page (the other kinds are few and
/// loaded whole), so the contacts are read through the index on (case, date) with a limit;
/// `COUNT(*) OVER ()` brings the number of all of them in the same query.
async fn newest_contacts<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    filter: &Filter,
) -> crate::Result<(Vec<contact::Model>, usize)> {
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
    let rows: Vec<CountedContact> = q.into_model().all(conn).await?;
    let count = rows
        .first()
        .map_or(0, |r| usize::try_from(r.total).unwrap_or(0));
    Ok((rows.into_iter().map(|r| r.contact).collect(), count))
}

/// All rows of one kind that meet `cond` (a case's follow-ups, the persons' consents, ...).
async fn all_where<E: EntityTrait, C: ConnectionTrait>(
    conn: &C,
    cond: impl IntoCondition,
) -> crate::Result<Vec<E::Model>> {
    Ok(E::find().filter(cond).all(conn).await?)
}

/// The outcomes of the persons whose consent covers them (like the intake data, outcomes are shown
/// only with an active consent).
async fn outcomes_with_consent<C: ConnectionTrait>(
    conn: &C,
    person_ids: &[i64],
    consents: &[consent::Model],
    today: NaiveDate,
) -> crate::Result<Vec<outcome::Model>> {
    let with_consent: Vec<i64> = person_ids
        .iter()
        .copied()
        .filter(|p| {
            let theirs = consents
                .iter()
                .filter(|k| k.person_id == *p)
                .cloned()
                .collect();
            covers(&state_of(theirs, today), Data::Outcomes)
        })
        .collect();
    if with_consent.is_empty() {
        return Ok(vec![]);
    }
    all_where::<outcome::Entity, _>(conn, outcome::Column::PersonId.is_in(with_consent)).await
}

/// A contact's item: its participants, topics and opened confidential note.
fn contact_item(
    mut c: contact::Model,
    sealer: &Sealer,
    persons: BTreeSet<i64>,
) -> crate::Result<Item> {
    let note = open_note(sealer, &c);
    c.note_sealed = None;
    let topics = topics_of(&c);
    Ok(Item::Contact(Box::new(ContactEntry {
        contact: c,
        persons: persons.into_iter().collect(),
        topics,
        note,
    })))
}

/// The participants of the given contacts and the names of the given staff, in one query.
async fn participants_and_names<C: ConnectionTrait>(
    conn: &C,
    contact_ids: Vec<i64>,
    staff_ids: BTreeSet<i64>,
) -> crate::Result<(HashMap<i64, BTreeSet<i64>>, HashMap<i64, String>)> {
    let mut who: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    let mut names: HashMap<i64, String> = HashMap::new();
    if contact_ids.is_empty() && staff_ids.is_empty() {
        return Ok((who, names));
    }
    let q = Query::select()
        .expr_as(Expr::val("participant"), "kind")
        .expr_as(Expr::col(contact_person::Column::ContactId), "id")
        .expr_as(Expr::col(contact_person::Column::PersonId), "person_id")
        .expr_as(Expr::cust("NULL"), "name")
        .from(contact_person::Entity)
        .and_where(contact_person::Column::ContactId.is_in(contact_ids))
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
        conn,
        conn.get_database_backend().build(&q),
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
    Ok((who, names))
}
