//! The start page, per role. IMs and team leads find their working day here (`today`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use ankommen_core::administration::duties::{self, Notice};
use ankommen_core::administration::overview::{self, Overview};
use ankommen_core::casework::today::{self, DayView, Item};
use ankommen_core::kernel::types::Role;
use chrono::NaiveDate;

use super::render;
use crate::AppState;
use crate::error::AppResult;
use crate::page::{Authed, Page};

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTpl {
    page: Page,
    o: Overview,
    is_dpo: bool,
    day: Option<DayView>,
    /// The IM's due items, one line per client (overdue first); None for a team lead who is no IM.
    due: Option<Vec<ClientDue>>,
    notices: Vec<Notice>,
    /// Requests waiting for the actor's confirmation.
    pending: usize,
    /// Upcoming network meetings the IM is invited to.
    meetings: Vec<super::meetings::MeetingRow>,
    /// Volunteers whose pledge or police certificate is missing or lapses (issue 23).
    volunteer_reminders: Vec<super::volunteers::ReminderRow>,
    /// The IM's appointments today in time order (None: not an IM).
    appointments: Option<Vec<super::appointments::DayRow>>,
}

pub async fn home(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let o = overview::for_actor(&state.db, &a.ctx).await?;
    let day = today::for_actor(&state.db, &a.ctx, &state.sealer, o.rules).await?;
    let actor = &a.ctx.actor;
    let notices = duties::notices(&state.db, &a.ctx).await?;
    let volunteer_reminders = super::volunteers::reminder_rows(&state, &a, &o.rules).await?;
    let pending = if actor.has(Role::Admin) || actor.has(Role::TeamLead) {
        duties::pending(&state.db, &a.ctx, &state.sealer)
            .await?
            .len()
    } else {
        0
    };
    let upcoming = ankommen_core::administration::meetings::upcoming(&state.db, &a.ctx).await?;
    let todays = if actor.has(Role::Im) {
        Some(
            ankommen_core::casework::appointments::day(&state.db, &a.ctx, a.ctx.today(), None)
                .await?,
        )
    } else {
        None
    };
    let page = a.page.at("home");
    let mut page = page;
    page.title = page.t("home-title");
    let appointments = todays.map(|rows| super::appointments::day_rows(&page, &rows));
    let meetings = upcoming
        .iter()
        .map(|m| super::meetings::meeting_row(&page, m))
        .collect();
    let due = day
        .as_ref()
        .and_then(|d| d.sections.as_ref())
        .map(|sections| by_client(sections.iter().flat_map(|s| s.items.iter())));
    Ok(render(&HomeTpl {
        is_dpo: actor.has(Role::Dpo),
        o,
        day,
        due,
        notices,
        pending,
        meetings,
        volunteer_reminders,
        appointments,
        page,
    }))
}

/// One client's line of the day: everything due about them, overdue first.
struct ClientDue {
    case_id: i64,
    client: String,
    overdue: bool,
    first: NaiveDate,
    items: Vec<Item>,
}

/// The day's items grouped by client (the case and the person they are about), the clients with
/// something overdue first, then by the earliest date; within a line overdue items first.
fn by_client<'a>(items: impl Iterator<Item = &'a Item>) -> Vec<ClientDue> {
    let mut lines: Vec<ClientDue> = Vec::new();
    for i in items {
        match lines
            .iter_mut()
            .find(|l| l.case_id == i.case_id && l.client == i.client)
        {
            Some(l) => {
                l.overdue |= i.overdue;
                l.first = l.first.min(i.date);
                l.items.push(i.clone());
            }
            None => lines.push(ClientDue {
                case_id: i.case_id,
                client: i.client.clone(),
                overdue: i.overdue,
                first: i.date,
                items: vec![i.clone()],
            }),
        }
    }
    for l in &mut lines {
        l.items.sort_by_key(|i| (!i.overdue, i.date));
    }
    lines.sort_by(|a, b| (!a.overdue, a.first, &a.client).cmp(&(!b.overdue, b.first, &b.client)));
    lines
}
