//! Separation of duties in the UI: the requests a second person confirms (password resets of
//! accounts with a password, a team lead taking a case themself), and the notices on a person's
//! start page about what others did to their account or cases.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::administration::duties::{
    self, KIND_CASE_TAKEOVER, KIND_PASSWORD_RESET, Pending,
};
use ankommen_core::casework::cases;

use super::{done, render_status};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::FormData;
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/confirmations", get(list))
        .route("/confirmations/{id}", post(decide))
        .route("/notices/{id}/dismiss", post(dismiss))
}

#[derive(Template)]
#[template(path = "confirmations.html")]
struct ListTpl {
    page: Page,
    pending: Vec<Pending>,
    /// The set-password link a confirmed reset produced (shown once, to hand to the person).
    link: Option<String>,
}

fn page(a: Authed, pending: Vec<Pending>, link: Option<String>) -> Response {
    let page = a.page.at("home").titled("confirmations-title");
    render_status(
        &ListTpl {
            page,
            pending,
            link,
        },
        StatusCode::OK,
    )
}

async fn list(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let pending = duties::pending(&state.db, &a.ctx, &state.sealer).await?;
    Ok(page(a, pending, None))
}

async fn decide(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let confirm = match form.get("decision") {
        "confirm" => true,
        "decline" => false,
        _ => return Err(AppError(Error::field("decision", "error-choice"))),
    };
    match form.get("kind") {
        KIND_PASSWORD_RESET => {
            let link = duties::decide_reset(&state.db, &a.ctx, id, confirm).await?;
            let pending = duties::pending(&state.db, &a.ctx, &state.sealer).await?;
            Ok(page(a, pending, link.map(|t| format!("/setup/{t}"))))
        }
        KIND_CASE_TAKEOVER => {
            cases::decide_takeover(&state.db, &a.ctx, &state.sealer, id, confirm).await?;
            let flash = if confirm {
                "confirmations-flash-confirmed"
            } else {
                "confirmations-flash-declined"
            };
            Ok(done("/confirmations", flash, state.config.secure_cookies))
        }
        _ => Err(AppError(Error::NotFound)),
    }
}

async fn dismiss(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    duties::dismiss(&state.db, &a.ctx, id).await?;
    Ok(done(
        "/",
        "notice-flash-dismissed",
        state.config.secure_cookies,
    ))
}
