//! The start page, per role. IMs and team leads find their working day here (`today`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use ankommen_core::administration::duties::{self, Notice};
use ankommen_core::administration::overview::{self, Overview};
use ankommen_core::casework::today::{self, DayView};
use ankommen_core::kernel::types::Role;

use super::render;
use crate::AppState;
use crate::error::AppResult;
use crate::page::{Authed, Page};

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTpl {
    page: Page,
    o: Overview,
    roles: Vec<String>,
    is_dpo: bool,
    day: Option<DayView>,
    notices: Vec<Notice>,
    /// Requests waiting for the actor's confirmation.
    pending: usize,
}

pub async fn home(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let o = overview::for_actor(&state.db, &a.ctx).await?;
    let day = today::for_actor(&state.db, &a.ctx, &state.sealer, o.rules).await?;
    let actor = &a.ctx.actor;
    let notices = duties::notices(&state.db, &a.ctx).await?;
    let pending = if actor.has(Role::Admin) || actor.has(Role::TeamLead) {
        duties::pending(&state.db, &a.ctx, &state.sealer)
            .await?
            .len()
    } else {
        0
    };
    let page = a.page.at("home");
    let roles = actor.roles.iter().map(|r| page.tr.role(r)).collect();
    let mut page = page;
    page.title = page.t("home-title");
    Ok(render(&HomeTpl {
        roles,
        is_dpo: actor.has(Role::Dpo),
        o,
        day,
        notices,
        pending,
        page,
    }))
}
