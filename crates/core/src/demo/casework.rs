//! The demo clients' casework: plans with goals and steps, reviews, contacts, follow-ups,
//! outcomes, an expiring release and residence permit, and a withdrawn consent, written straight
//! into the tables, dated relative to today.

use ankommen_store::Db;
use ankommen_store::entities::{
    consent, contact, contact_person, followup, goal, outcome, person, plan, release, review, step,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::Result;
use crate::kernel::sealed::{FOLLOWUP_REASON, GOAL_TEXT, REVIEW_SUMMARY, STEP_TEXT, Sealing};
use crate::kernel::sealing::Sealer;

/// A goal: field, text, created days ago, status, closed days ago.
type DemoGoal = (&'static str, &'static str, i64, &'static str, Option<i64>);
/// A step: goal index, text, owner, due in days, done days ago.
type DemoStep = (usize, &'static str, &'static str, i64, Option<i64>);
/// A contact: days ago, kind, minutes, topics, interpreter language.
type DemoContact = (i64, &'static str, i32, &'static str, Option<&'static str>);
/// A follow-up: due in days, reason.
type DemoFollowup = (i64, &'static str);

/// A demo outcome: days ago, type, level, certificate, course, employment type.
type DemoOutcome = (
    i64,
    &'static str,
    Option<&'static str>,
    Option<bool>,
    Option<&'static str>,
    Option<&'static str>,
);

/// A demo client as registered: whose case, by whom.
pub(super) struct Seeded {
    pub(super) family: &'static str,
    pub(super) person_id: i64,
    pub(super) case_id: i64,
    pub(super) staff_id: i64,
}

/// When the demo data is written: its timestamps, and the day its dates count from.
struct Dates {
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl Dates {
    /// The day `n` days from today (negative: ago).
    fn day(&self, n: i64) -> NaiveDate {
        self.today + chrono::Duration::days(n)
    }
}

/// What the demo IMs have done and planned with their clients, dated relative to today, so that
/// every kind of item shows on their working day: plans with goals and steps (some overdue),
/// reviews, counselling contacts, follow-ups, outcomes, an expiring release and residence permit,
/// and a recently withdrawn consent.
pub(super) async fn seed_casework(
    db: &Db,
    sealer: &Sealer,
    now: DateTime<Utc>,
    today: NaiveDate,
    seeded: &[Seeded],
) -> Result<()> {
    let at = Dates { now, today };
    let tx = db.begin().await?;
    let sealing = Sealing::begin(&tx, sealer).await?;
    let at = Sealed {
        dates: at,
        sealing: &sealing,
    };
    for s in seeded {
        let goal_ids = seed_plan(&tx, &at, s).await?;
        seed_steps(&tx, &at, s, &goal_ids).await?;
        seed_reviews(&tx, &at, s).await?;
        seed_contacts(&tx, &at.dates, s).await?;
        seed_followups(&tx, &at, s).await?;
        seed_outcomes(&tx, &at.dates, s).await?;
        seed_particulars(&tx, &at.dates, s).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The dates, and the sealing of the texts (each sealed for its row once it has its id).
struct Sealed<'a> {
    dates: Dates,
    sealing: &'a Sealing<'a>,
}

impl std::ops::Deref for Sealed<'_> {
    type Target = Dates;
    fn deref(&self) -> &Dates {
        &self.dates
    }
}

/// The client's plan and its goals (none without goals). Returns the goals' ids.
async fn seed_plan<C: ConnectionTrait>(conn: &C, at: &Sealed<'_>, s: &Seeded) -> Result<Vec<i64>> {
    let goals = goals_of(s.family);
    let mut goal_ids = Vec::new();
    if !goals.is_empty() {
        plan::Entity::insert(plan::ActiveModel {
            id: NotSet,
            case_id: Set(s.case_id),
            review_interval_months: Set(None),
            created_by: Set(s.staff_id),
            created_at: Set(at.now),
            updated_at: Set(at.now),
            version: Set(1),
        })
        .exec(conn)
        .await?;
    }
    for (i, (field, text, ago, status, closed)) in goals.iter().enumerate() {
        let id = goal::Entity::insert(goal::ActiveModel {
            id: NotSet,
            case_id: Set(s.case_id),
            person_id: Set(None),
            field_key: Set((*field).into()),
            text_sealed: NotSet,
            priority: Set(Some(if i == 0 { 1 } else { 2 })),
            target_date: Set(Some(at.day(180))),
            status: Set((*status).into()),
            status_reason_sealed: Set(None),
            created_on: Set(at.day(-ago)),
            closed_on: Set(closed.map(|c| at.day(-c))),
            position: Set(i32::try_from(i).unwrap_or(0) + 1),
            external_id: Set(None),
            created_by: Set(s.staff_id),
            created_at: Set(at.now),
            updated_at: Set(at.now),
            version: Set(1),
        })
        .exec(conn)
        .await?
        .last_insert_id;
        let sealed = at.sealing.seal(GOAL_TEXT.at_version(id, 1), text)?;
        goal::Entity::update_many()
            .col_expr(goal::Column::TextSealed, Expr::value(sealed))
            .filter(goal::Column::Id.eq(id))
            .exec(conn)
            .await?;
        goal_ids.push(id);
    }
    Ok(goal_ids)
}

/// The steps towards the client's goals.
async fn seed_steps<C: ConnectionTrait>(
    conn: &C,
    at: &Sealed<'_>,
    s: &Seeded,
    goal_ids: &[i64],
) -> Result<()> {
    let steps = steps_of(s.family);
    for (i, (g, text, owner, due, done)) in steps.iter().enumerate() {
        let Some(goal_id) = goal_ids.get(*g) else {
            continue;
        };
        let id = step::Entity::insert(step::ActiveModel {
            id: NotSet,
            goal_id: Set(*goal_id),
            case_id: Set(s.case_id),
            text_sealed: NotSet,
            owner: Set((*owner).into()),
            third_party: Set((*owner == "third_party").then(|| "Jobcenter Neckartal".into())),
            due_on: Set(Some(at.day(*due))),
            done_on: Set(done.map(|d| at.day(-d))),
            position: Set(i32::try_from(i).unwrap_or(0) + 1),
            external_id: Set(None),
            created_by: Set(s.staff_id),
            created_at: Set(at.now),
            updated_at: Set(at.now),
            version: Set(1),
        })
        .exec(conn)
        .await?
        .last_insert_id;
        let sealed = at.sealing.seal(STEP_TEXT.at_version(id, 1), text)?;
        step::Entity::update_many()
            .col_expr(step::Column::TextSealed, Expr::value(sealed))
            .filter(step::Column::Id.eq(id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// The reviews held of the client's plan.
async fn seed_reviews<C: ConnectionTrait>(conn: &C, at: &Sealed<'_>, s: &Seeded) -> Result<()> {
    let reviews = reviews_of(s.family);
    for ago in reviews {
        let id = review::Entity::insert(review::ActiveModel {
            id: NotSet,
            case_id: Set(s.case_id),
            held_on: Set(at.day(-ago)),
            participants: Set(Some("Klientin, Integrationsmanager".into())),
            summary_sealed: Set(None),
            changes_sealed: Set(None),
            external_id: Set(None),
            created_by: Set(s.staff_id),
            created_at: Set(at.now),
        })
        .exec(conn)
        .await?
        .last_insert_id;
        let summary = "Gute Fortschritte, Ziele angepasst.";
        let sealed = at.sealing.seal(REVIEW_SUMMARY.at(id), summary)?;
        review::Entity::update_many()
            .col_expr(review::Column::SummarySealed, Expr::value(sealed))
            .filter(review::Column::Id.eq(id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// The client's counselling contacts, each with the client as its participant.
async fn seed_contacts<C: ConnectionTrait>(conn: &C, at: &Dates, s: &Seeded) -> Result<()> {
    let contacts = contacts_of(s.family);
    for (ago, kind, minutes, topics, interpreter) in contacts.iter() {
        let id = contact::Entity::insert(contact::ActiveModel {
            id: NotSet,
            case_id: Set(s.case_id),
            contact_date: Set(at.day(-ago)),
            minutes: Set(Some(*minutes)),
            contact_kind: Set((*kind).into()),
            topics: Set((*topics).into()),
            interpreter_language: Set(interpreter.map(str::to_string)),
            interpreter_type: Set(interpreter.map(|_| "professional".into())),
            note_sealed: Set(None),
            external_id: Set(None),
            created_by: Set(s.staff_id),
            created_at: Set(at.now),
            updated_at: Set(at.now),
            version: Set(1),
        })
        .exec(conn)
        .await?
        .last_insert_id;
        contact_person::Entity::insert(contact_person::ActiveModel {
            contact_id: Set(id),
            person_id: Set(s.person_id),
        })
        .exec_without_returning(conn)
        .await?;
    }
    crate::casework::figures::tallies::recount(conn, &[s.case_id]).await?;
    Ok(())
}

/// The client's follow-ups.
async fn seed_followups<C: ConnectionTrait>(conn: &C, at: &Sealed<'_>, s: &Seeded) -> Result<()> {
    let followups = followups_of(s.family);
    for (due, reason) in followups.iter() {
        // Set two weeks before it is due, as an IM would have.
        let set_at = at.now + chrono::Duration::days(due - 14);
        let id = followup::Entity::insert(followup::ActiveModel {
            id: NotSet,
            case_id: Set(s.case_id),
            due_on: Set(at.day(*due)),
            reason_sealed: NotSet,
            done_on: Set(None),
            first_due_on: Set(None),
            contact_id: Set(None),
            created_by: Set(s.staff_id),
            created_at: Set(set_at),
            updated_at: Set(set_at),
            version: Set(1),
        })
        .exec(conn)
        .await?
        .last_insert_id;
        let sealed = at.sealing.seal(FOLLOWUP_REASON.at_version(id, 1), reason)?;
        followup::Entity::update_many()
            .col_expr(followup::Column::ReasonSealed, Expr::value(sealed))
            .filter(followup::Column::Id.eq(id))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// The client's outcomes.
async fn seed_outcomes<C: ConnectionTrait>(conn: &C, at: &Dates, s: &Seeded) -> Result<()> {
    let outcomes = outcomes_of(s.family);
    for (ago, kind, level, cert, course, employment) in outcomes.iter() {
        outcome::Entity::insert(outcome::ActiveModel {
            id: NotSet,
            person_id: Set(s.person_id),
            outcome_date: Set(at.day(-ago)),
            outcome_type: Set((*kind).into()),
            level: Set(level.map(str::to_string)),
            certificate: Set(*cert),
            course: Set(course.map(str::to_string)),
            employment_type: Set(employment.map(str::to_string)),
            until_date: Set(None),
            place: Set(None),
            external_id: Set(None),
            created_by: Set(s.staff_id),
            created_at: Set(at.now),
            version: Set(1),
        })
        .exec(conn)
        .await?;
    }
    Ok(())
}

/// What only one client has: a residence permit and a release that expire soon, or a consent
/// given and withdrawn a few days ago.
async fn seed_particulars<C: ConnectionTrait>(conn: &C, at: &Dates, s: &Seeded) -> Result<()> {
    match s.family {
        // A residence permit and a release that expire soon.
        "Haddad" => {
            person::Entity::update_many()
                .col_expr(
                    person::Column::ResidenceStatus,
                    Expr::value("residence_permit"),
                )
                .col_expr(person::Column::ResidenceValidUntil, Expr::value(at.day(25)))
                .filter(person::Column::Id.eq(s.person_id))
                .exec(conn)
                .await?;
            release::Entity::insert(release::ActiveModel {
                id: NotSet,
                person_id: Set(s.person_id),
                recipient_organisation_id: Set(None),
                recipient_name: Set("Kita Sonnenschein Bergfelden".into()),
                recipient_category: Set(None),
                data_categories: Set("identity,family".into()),
                purpose: Set("Anmeldung und Eingewöhnung von Lina".into()),
                valid_from: Set(at.day(-170)),
                valid_until: Set(Some(at.day(20))),
                mutual: Set(false),
                revoked_on: Set(None),
                external_id: Set(None),
                created_at: Set(at.now),
                created_by: Set(s.staff_id),
                version: Set(1),
            })
            .exec(conn)
            .await?;
        }
        // A consent given and withdrawn a few days ago.
        "Tesfay" => {
            consent::Entity::insert(consent::ActiveModel {
                id: NotSet,
                person_id: Set(s.person_id),
                text_version: Set("2026-1".into()),
                language: Set("ti".into()),
                given_on: Set(at.day(-25)),
                form: Set("paper".into()),
                document_id: Set(None),
                withdrawn_on: Set(Some(at.day(-6))),
                withdrawal_note: Set(None),
                voluntary_erased_on: Set(None),
                external_id: Set(None),
                created_at: Set(at.now),
                created_by: Set(s.staff_id),
                version: Set(1),
            })
            .exec(conn)
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// The goals of a demo client's plan.
fn goals_of(family: &str) -> &'static [DemoGoal] {
    match family {
        "Haddad" => &[
            (
                "language",
                "Ich möchte B1 schaffen, damit ich als Elektriker arbeiten kann.",
                170,
                "in_progress",
                None,
            ),
            (
                "work",
                "Eine Stelle als Elektriker finden.",
                170,
                "open",
                None,
            ),
            (
                "school_childcare",
                "Lina bekommt einen Kita-Platz in Bergfelden.",
                170,
                "reached",
                Some(30),
            ),
        ],
        "Ahmadi" => &[
            (
                "housing",
                "Eine eigene Wohnung für mich und meine Tochter.",
                400,
                "in_progress",
                None,
            ),
            (
                "language",
                "Deutsch so gut sprechen, dass ich allein zum Arzt gehen kann.",
                400,
                "reached",
                Some(90),
            ),
        ],
        "Shevchenko" => &[(
            "work",
            "Wieder als Buchhalterin arbeiten.",
            700,
            "reached",
            Some(100),
        )],
        "Rahimi" => &[(
            "language",
            "Einen Integrationskurs besuchen.",
            20,
            "open",
            None,
        )],
        "Gebremedhin" => &[(
            "training_studies",
            "Eine Ausbildung als Pflegefachmann beginnen.",
            160,
            "in_progress",
            None,
        )],
        "Yılmaz" => &[(
            "work",
            "Den Führerschein machen, um als Fahrer zu arbeiten.",
            300,
            "in_progress",
            None,
        )],
        "Melnyk" => &[(
            "language",
            "Deutsch B2 für die Anerkennung als Lehrerin.",
            175,
            "in_progress",
            None,
        )],
        "Noori" => &[("health", "Eine Hausärztin finden.", 60, "open", None)],
        _ => &[],
    }
}

/// The steps towards a demo client's goals.
fn steps_of(family: &str) -> &'static [DemoStep] {
    match family {
        "Haddad" => &[
            (
                0,
                "Anmeldung zum B1-Kurs an der VHS abgeben",
                "client",
                -3,
                None,
            ),
            (
                1,
                "Anerkennung des Berufsabschlusses bei der IHK FOSA beantragen",
                "im",
                4,
                None,
            ),
            (2, "Kita-Anmeldung abgeben", "client", -45, Some(40)),
        ],
        "Ahmadi" => &[(
            0,
            "Wohnberechtigungsschein beim Bürgeramt beantragen",
            "client",
            -10,
            None,
        )],
        "Rahimi" => &[(
            0,
            "Berechtigungsschein für den Integrationskurs holen",
            "third_party",
            2,
            None,
        )],
        "Gebremedhin" => &[(
            0,
            "Bewerbung an die Pflegeschule schicken",
            "client",
            6,
            None,
        )],
        "Yılmaz" => &[(0, "Sehtest und Erste-Hilfe-Kurs machen", "client", -5, None)],
        _ => &[],
    }
}

/// The reviews held of a demo client's plan (days ago).
fn reviews_of(family: &str) -> &'static [i64] {
    match family {
        "Ahmadi" => &[380, 200],
        "Shevchenko" => &[500, 300],
        _ => &[],
    }
}

/// A demo client's counselling contacts.
fn contacts_of(family: &str) -> &'static [DemoContact] {
    match family {
        "Haddad" => &[
            (160, "home_visit", 90, "housing,language", Some("ar")),
            (120, "office_hours", 45, "language", None),
            (60, "accompaniment", 120, "work", Some("ar")),
            (12, "office_appointment", 60, "work,language", None),
            // The first months: weekly at the start, then every few weeks (20 contacts in all,
            // so the case page shows a busy case's last three at a glance).
            (180, "phone", 15, "language", None),
            (195, "office_hours", 30, "work", None),
            (210, "home_visit", 60, "housing,family", Some("ar")),
            (225, "phone", 10, "housing", None),
            (240, "office_appointment", 45, "language", Some("ar")),
            (255, "office_hours", 30, "daily_life", None),
            (270, "accompaniment", 120, "residence", Some("ar")),
            (285, "phone", 15, "health", None),
            (300, "home_visit", 60, "family,school_childcare", Some("ar")),
            (315, "office_hours", 30, "language", None),
            (330, "phone", 10, "finances", None),
            (345, "office_appointment", 45, "work", Some("ar")),
            (360, "home_visit", 90, "housing", Some("ar")),
            (374, "office_hours", 30, "language", None),
            (388, "home_visit", 60, "daily_life,housing", Some("ar")),
            (402, "home_visit", 90, "housing,language", Some("ar")),
        ],
        "Ahmadi" => &[
            (300, "home_visit", 60, "housing", Some("fa")),
            (150, "phone", 15, "housing", None),
            (45, "office_hours", 30, "housing,health", None),
        ],
        "Shevchenko" => &[(20, "video_messenger", 20, "work", None)],
        "Rahimi" => &[(4, "home_visit", 75, "language,family", Some("prs"))],
        "Yusuf" => &[(3, "office_hours", 40, "language", None)],
        "Gebremedhin" => &[(10, "office_appointment", 50, "training_studies", Some("ti"))],
        "Yılmaz" => &[(50, "phone", 20, "work", None)],
        "Melnyk" => &[(15, "group", 120, "participation", None)],
        "Noori" => &[(2, "home_visit", 60, "health", Some("fa"))],
        _ => &[],
    }
}

/// A demo client's follow-ups.
fn followups_of(family: &str) -> &'static [DemoFollowup] {
    match family {
        "Haddad" => &[(0, "Rückmeldung des Jobcenters zum Sprachkurs nachfragen")],
        "Tesfay" => &[(-2, "Termin bei der Ausländerbehörde begleiten")],
        "Shevchenko" => &[(5, "Abschlussgespräch vorbereiten")],
        "Rahimi" => &[(0, "Kursplatz bei der VHS nachfragen")],
        "Gebremedhin" => &[(-1, "Zusage der Pflegeschule nachfragen")],
        "Noori" => &[(0, "Termin bei der Hausärztin bestätigen")],
        _ => &[],
    }
}

/// A demo client's outcomes.
fn outcomes_of(family: &str) -> &'static [DemoOutcome] {
    match family {
        "Haddad" => &[(
            200,
            "german_level",
            Some("A2"),
            Some(true),
            Some("integration"),
            None,
        )],
        "Ahmadi" => &[
            (
                90,
                "german_level",
                Some("B1"),
                Some(true),
                Some("integration"),
                None,
            ),
            (60, "employment", None, None, None, Some("mini_job")),
        ],
        "Shevchenko" => &[
            (
                100,
                "employment",
                None,
                None,
                None,
                Some("social_insurance"),
            ),
            (50, "rental_contract", None, None, None, None),
        ],
        "Melnyk" => &[(30, "course", None, None, Some("job_language"), None)],
        _ => &[],
    }
}
