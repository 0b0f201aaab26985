//! The start page, per role.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use ankommen_core::overview::{self, Overview};
use ankommen_core::types::Role;

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
    is_im: bool,
    is_team_lead: bool,
    is_dpo: bool,
}

pub async fn home(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let o = overview::for_actor(&state.db, &a.ctx).await?;
    let actor = &a.ctx.actor;
    let page = a.page.at("home");
    let roles = actor.roles.iter().map(|r| page.tr.role(r)).collect();
    let mut page = page;
    page.title = page.t("home-title");
    Ok(render(&HomeTpl {
        roles,
        is_im: actor.has(Role::Im),
        is_team_lead: actor.has(Role::TeamLead),
        is_dpo: actor.has(Role::Dpo),
        o,
        page,
    }))
}
