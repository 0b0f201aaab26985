//! The case workspace: what the case page shows at a glance (decision 0029) — the case, the
//! persons with their age, languages, interpreter need, consent and releases, the plan's open goals
//! with their next steps, the last contacts, the follow-ups and the next review — read in one
//! audited read.

use ankommen_store::Db;
use ankommen_store::entities::person;
use chrono::NaiveDate;

use crate::casework::cases::{self, CaseView};
use crate::casework::contacts::{self, RecentContact};
use crate::casework::followups;
use crate::casework::plans::{self, PlanView};
use crate::kernel::access;
use crate::kernel::audit::{self, Event, Seen};
use crate::kernel::catalog::LanguageEntry;
use crate::kernel::policy::Action;
use crate::kernel::sealing::Sealer;
use crate::kernel::types::Birth;
use crate::records::consent::{self, ConsentState, Coverage, Data};
use crate::records::releases::{self, ReleaseState};
use crate::{Ctx, Result};

/// How many of the newest contacts the workspace lists (the timeline has all).
pub const RECENT_CONTACTS: u64 = 3;

/// One person of the case as the workspace's header shows them.
#[derive(Clone, Debug)]
pub struct PersonFacts {
    pub person: person::Model,
    /// Age today (by the mid-year convention when only the year is known).
    pub age: i32,
    /// Whether they are the case's client (its first person).
    pub client: bool,
    pub consent: ConsentState,
    /// The languages they speak and the one they need an interpreter for: intake data, so `None`
    /// unless the consent covers it.
    pub languages: Option<Vec<LanguageEntry>>,
    pub interpreter: Option<String>,
    /// Releases from confidentiality in force today.
    pub releases_active: usize,
}

/// Everything the case page shows.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub case: CaseView,
    pub persons: Vec<PersonFacts>,
    /// The plan as the plan page reads it (empty without a consent that covers it).
    pub plan: PlanView,
    /// The newest contacts (at most [`RECENT_CONTACTS`]) and the number of all.
    pub contacts: Vec<RecentContact>,
    pub contact_count: u64,
    pub followups: Vec<followups::Row>,
    pub today: NaiveDate,
}

impl Workspace {
    /// The plan's open goals, each with its open steps (the next first).
    pub fn open_goals(&self) -> impl Iterator<Item = (&plans::GoalView, Vec<&plans::StepView>)> {
        self.plan.open_goals().map(|g| {
            let mut open: Vec<&plans::StepView> = g
                .steps
                .iter()
                .filter(|s| s.step.done_on.is_none())
                .collect();
            // The next step: the earliest due first; steps without a date after, in plan order.
            open.sort_by_key(|s| (s.step.due_on.is_none(), s.step.due_on));
            (g, open)
        })
    }
}

/// The case workspace. One audited read: the case (`case_viewed`), its follow-ups (section
/// `followups`), the plan where the consent covers it (`plan_viewed`), and the intake facts shown
/// (section `intake`, naming each person whose languages are shown).
pub async fn get(db: &Db, ctx: &Ctx, sealer: &Sealer, case_id: i64) -> Result<Workspace> {
    audit::read(db, async |tx| {
        let ev = Event::on("case_viewed", "case", case_id);
        let (c, r) = access::case_for(tx, ctx, case_id, Action::ReadClient, ev.clone()).await?;
        let today = ctx.today();
        let view = cases::load(tx, ctx, sealer, c.clone(), &r).await?;
        let plan = plans::load_plan(tx, sealer, c, today).await?;
        let followups = followups::rows_of(tx, sealer, case_id, today).await?;
        let (contacts, contact_count) = contacts::recent(tx, case_id, RECENT_CONTACTS).await?;
        let mut persons = Vec::with_capacity(view.persons.len());
        for (i, p) in view.persons.iter().enumerate() {
            let state = consent::state(tx, p.id, today).await?;
            let intake = Coverage::of(&state).covers(Data::Intake);
            let releases_active = releases::list(tx, p.id, today)
                .await?
                .iter()
                .filter(|r| r.state == ReleaseState::Active)
                .count();
            persons.push(PersonFacts {
                age: Birth::from_stored(p.birth_date, p.birth_year).age_on(today),
                client: i == 0,
                languages: intake.then(|| LanguageEntry::stored(p.languages.as_deref())),
                interpreter: p.interpreter_language.clone().filter(|_| intake),
                consent: state,
                releases_active,
                person: p.clone(),
            });
        }
        audit::record(tx, ctx, ev.clone()).await?;
        audit::record(tx, ctx, ev.clone().section("followups")).await?;
        if plan.covered() {
            let plan_ev = Event::on("plan_viewed", "case", case_id).section("plan");
            audit::record(tx, ctx, plan_ev).await?;
        }
        let intake_shown = persons
            .iter()
            .filter(|p| p.languages.is_some())
            .map(|p| Seen {
                person_id: p.person.id,
                case_id: Some(case_id),
            });
        let intake_shown: Vec<Seen> = intake_shown.collect();
        if !intake_shown.is_empty() {
            audit::record_seen(tx, ctx, ev.section("intake"), intake_shown).await?;
        }
        Ok(Workspace {
            case: view,
            persons,
            plan,
            contacts,
            contact_count,
            followups,
            today,
        })
    })
    .await
}
