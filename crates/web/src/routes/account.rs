//! The person's own account: language, password, and their open sessions.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use ankommen_core::administration::overview::{self, Overview};
use ankommen_core::administration::sessions::{self, SessionInfo};
use ankommen_core::administration::staff;
use ankommen_core::casework::calendar::{self, FeedInfo};
use ankommen_core::kernel::types::{Locale, NewPassword};
use ankommen_core::{Error, FieldErrors};

use super::{done, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::page::{Authed, Page};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTpl {
    page: Page,
    locale: String,
    form: FormView,
    /// The profile: organisation, team, municipalities.
    o: Overview,
    roles: Vec<String>,
    /// The calendar subscription in force (None: none, or no calendar of one's own).
    feed: Option<FeedInfo>,
    /// Whether the person has a calendar of their own to subscribe to.
    may_subscribe: bool,
    /// The subscription's URL, shown once right after it was created.
    feed_url: Option<String>,
}

/// The account page, with `form` (the password form shown again with its errors).
async fn account_page(
    state: &AppState,
    a: Authed,
    form: FormView,
    status: axum::http::StatusCode,
) -> AppResult<Response> {
    account_page_with(state, a, form, None, status).await
}

/// The account page right after the calendar subscription was created: its URL shown once.
pub(super) async fn page_with_feed_url(
    state: &AppState,
    a: Authed,
    url: String,
    status: axum::http::StatusCode,
) -> AppResult<Response> {
    account_page_with(state, a, FormView::new(), Some(url), status).await
}

async fn account_page_with(
    state: &AppState,
    a: Authed,
    form: FormView,
    feed_url: Option<String>,
    status: axum::http::StatusCode,
) -> AppResult<Response> {
    let o = overview::for_actor(&state.db, &a.ctx).await?;
    let feed = calendar::feed_info(&state.db, &a.ctx).await?;
    let may_subscribe = calendar::may_subscribe(&a.ctx);
    let locale = a.ctx.actor.locale.as_str().to_string();
    let page = a.page.at("account").titled("account-title");
    let roles = a.ctx.actor.roles.iter().map(|r| page.tr.role(r)).collect();
    Ok(render_status(
        &AccountTpl {
            page,
            locale,
            form,
            o,
            roles,
            feed,
            may_subscribe,
            feed_url,
        },
        status,
    ))
}

pub async fn page(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    account_page(&state, a, FormView::new(), axum::http::StatusCode::OK).await
}

pub async fn language(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    match Locale::parse(form.get("locale")) {
        Ok(l) => {
            staff::set_own_locale(&state.db, &a.ctx, l).await?;
            Ok(done("/account", "flash-saved", state.config.secure_cookies))
        }
        Err(key) => {
            let mut e = FieldErrors::new();
            e.add("locale", key);
            Err(Error::Invalid(e).into())
        }
    }
}

pub async fn password(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let tr = a.page.tr;
    let result =
        match NewPassword::parse(form.get("new_password"), form.get("new_password_confirm")) {
            Ok(pw) => {
                staff::change_own_password(
                    &state.db,
                    &a.ctx,
                    &a.address,
                    form.get("current_password"),
                    pw,
                    &a.session.public_id,
                )
                .await
            }
            Err(key) => Err(Error::field("new_password", key)),
        };
    let saved = result.map(|()| {
        done(
            "/account",
            "flash-password-changed",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, FormView::new(), tr, |form, status| async move {
        account_page(&state, a, form, status).await
    })
    .await
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsTpl {
    page: Page,
    sessions: Vec<SessionInfo>,
}

pub async fn sessions(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let list = sessions::list_own(&state.db, &a.ctx, &a.session.public_id).await?;
    Ok(render(&SessionsTpl {
        page: a.page.at("account").titled("sessions-title"),
        sessions: list,
    }))
}

pub async fn end_session(
    State(state): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> AppResult<Response> {
    sessions::end_own(&state.db, &a.ctx, &id).await?;
    if id == a.session.public_id {
        return Ok(done(
            "/login",
            "flash-logged-out",
            state.config.secure_cookies,
        ));
    }
    Ok(done(
        "/account/sessions",
        "flash-session-ended",
        state.config.secure_cookies,
    ))
}
