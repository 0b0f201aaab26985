//! The second factor (decision 0038): the second step of a login (a code, or setting the factor
//! up when the organisation requires one), the person's own page for it under "Mein Konto", and
//! the administrators' reset and requirement.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::administration::second_factor::{
    self, Answer, Answered, Enrolment, Pending, Status,
};

use super::{done, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::layers::{CHALLENGE_COOKIE, cookie_of, session_cookie, set_cookie};
use crate::page::{Anon, Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login/second-factor", get(step_page).post(step))
        .route("/account/second-factor", get(own_page))
        .route("/account/second-factor/setup", post(setup))
        .route("/account/second-factor/confirm", post(confirm))
        .route("/account/second-factor/recovery-codes", post(renew))
        .route("/account/second-factor/remove", post(remove))
        .route("/admin/staff/{id}/second-factor/reset", post(reset))
        .route("/admin/organisations/{id}/second-factor", post(require))
}

/// A factor to set up, as the pages show it: the secret and its QR code.
pub(crate) struct Setup {
    pub secret: String,
    /// The QR code of the `otpauth://` URI as inline SVG (made here from the URI, no outside
    /// service).
    pub qr: String,
}

fn setup_of(e: &Enrolment) -> Setup {
    let qr = qrcode::QrCode::new(e.uri.as_bytes())
        .map(|c| {
            c.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    // Inline in HTML: without the XML declaration the renderer puts first.
    let qr = qr
        .find("<svg")
        .map(|i| qr[i..].to_string())
        .unwrap_or_default();
    // The secret in groups of four, easier to type.
    let secret = e
        .secret
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    Setup { secret, qr }
}

// ---------------------------------------------------------------------------------------------
// The second step of a login

#[derive(Template)]
#[template(path = "second_factor/step.html")]
struct StepTpl {
    page: Page,
    form: FormView,
    setup: Option<Setup>,
}

#[derive(Template)]
#[template(path = "second_factor/codes.html")]
struct CodesTpl {
    page: Page,
    codes: Vec<String>,
    next: String,
}

fn challenge_cookie(token: &str, max_age: Option<i64>, secure: bool) -> header::HeaderValue {
    set_cookie(CHALLENGE_COOKIE, token, max_age, true, secure)
}

/// The login page's answer to a correct password when a second step follows.
pub(crate) fn to_second_step(token: &str, secure: bool) -> Response {
    let mut r = Redirect::to("/login/second-factor").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        challenge_cookie(token, Some(second_factor::CHALLENGE_MINUTES * 60), secure),
    );
    r
}

/// Back to the login (the challenge is gone): its cookie deleted.
fn start_again(state: &AppState) -> Response {
    let secure = state.config.secure_cookies;
    let mut r = done("/login", "flash-second-factor-expired", secure);
    r.headers_mut()
        .append(header::SET_COOKIE, challenge_cookie("", Some(0), secure));
    r
}

async fn step_page(
    State(state): State<AppState>,
    anon: Anon,
    headers: HeaderMap,
) -> AppResult<Response> {
    let Some(token) = cookie_of(&headers, CHALLENGE_COOKIE) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let pending =
        second_factor::pending(&state.db, state.clock.as_ref(), &state.sealer, &token).await?;
    let Some(pending) = pending else {
        return Ok(start_again(&state));
    };
    Ok(render(&step_tpl(anon.page, &pending, FormView::new())))
}

fn step_tpl(page: Page, pending: &Pending, form: FormView) -> StepTpl {
    match pending {
        Pending::Verify => StepTpl {
            page: page.titled("second-factor-step-title"),
            form,
            setup: None,
        },
        Pending::Enrol(e) => StepTpl {
            page: page.titled("second-factor-enrol-title"),
            form,
            setup: Some(setup_of(e)),
        },
    }
}

async fn step(
    State(state): State<AppState>,
    anon: Anon,
    headers: HeaderMap,
    form: FormData,
) -> AppResult<Response> {
    let Some(token) = cookie_of(&headers, CHALLENGE_COOKIE) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let answered = second_factor::answer(
        &state.db,
        state.clock.as_ref(),
        &state.sealer,
        &state.config.session,
        Answer {
            token: token.clone(),
            code: form.get("code").to_string(),
            address: anon.rs.client_addr.clone(),
            user_agent: anon.rs.user_agent.clone(),
            request_id: Some(anon.rs.request_id.clone()),
        },
    )
    .await?;
    let secure = state.config.secure_cookies;
    let (message, status) = match answered {
        Answered::Success {
            session,
            recovery_codes,
        } => {
            let mut r = match recovery_codes {
                // Set up at login: the recovery codes, shown once, before the start page.
                Some(codes) => render(&CodesTpl {
                    page: anon.page.titled("second-factor-codes-title"),
                    codes,
                    next: "/".into(),
                }),
                None => Redirect::to("/").into_response(),
            };
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(session_cookie(secure), &session.token, None, true, secure),
            );
            r.headers_mut()
                .append(header::SET_COOKIE, challenge_cookie("", Some(0), secure));
            return Ok(r);
        }
        Answered::Expired => return Ok(start_again(&state)),
        Answered::Failed => (
            anon.page.t("error-second-factor-code"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Answered::Throttled { until } => {
            let minutes = ((until - state.clock.now()).num_seconds() + 59) / 60;
            (
                anon.page.tn("login-throttled", "minutes", minutes.max(1)),
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
    };
    // Shown again (the code is not kept: it is spent or wrong).
    let pending =
        second_factor::pending(&state.db, state.clock.as_ref(), &state.sealer, &token).await?;
    let Some(pending) = pending else {
        return Ok(start_again(&state));
    };
    let form = FormView::new().with_general(message);
    Ok(render_status(&step_tpl(anon.page, &pending, form), status))
}

// ---------------------------------------------------------------------------------------------
// "Mein Konto"

#[derive(Template)]
#[template(path = "second_factor/own.html")]
struct OwnTpl {
    page: Page,
    form: FormView,
    /// Which form failed (`confirm`, `renew`, `remove`), to show its errors by it.
    failed: String,
    status: Status,
    setup: Option<Setup>,
    blank: FormView,
}

impl OwnTpl {
    /// The submitted form for the one that failed, an empty one for the others.
    fn form_for(&self, which: &str) -> &FormView {
        if self.failed == which {
            &self.form
        } else {
            &self.blank
        }
    }
}

async fn own_view(
    state: &AppState,
    a: Authed,
    form: FormView,
    failed: &str,
    status: StatusCode,
) -> AppResult<Response> {
    let s = second_factor::status(&state.db, &a.ctx, &state.sealer).await?;
    let setup = s.setting_up.as_ref().map(setup_of);
    Ok(render_status(
        &OwnTpl {
            page: a.page.at("account").titled("second-factor-title"),
            form,
            failed: failed.into(),
            status: s,
            setup,
            blank: FormView::new(),
        },
        status,
    ))
}

async fn own_page(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    own_view(&state, a, FormView::new(), "", StatusCode::OK).await
}

/// The outcome of one of the page's forms: its response, or the page again with that form's
/// errors (`failed`).
async fn answered(
    state: AppState,
    a: Authed,
    r: Result<Response, Error>,
    failed: &'static str,
) -> AppResult<Response> {
    let tr = a.page.tr;
    saved_or_reshown(r, FormView::new(), tr, |form, status| async move {
        own_view(&state, a, form, failed, status).await
    })
    .await
}

async fn setup(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let r = second_factor::begin(&state.db, &a.ctx, &state.sealer)
        .await
        .map(|()| Redirect::to("/account/second-factor").into_response());
    answered(state, a, r, "setup").await
}

/// A page showing new recovery codes once, back to "Mein Konto" after.
fn codes_page(page: Page, codes: Vec<String>) -> Response {
    render(&CodesTpl {
        page: page.at("account").titled("second-factor-codes-title"),
        codes,
        next: "/account/second-factor".into(),
    })
}

async fn confirm(State(state): State<AppState>, a: Authed, form: FormData) -> AppResult<Response> {
    let r = second_factor::confirm(
        &state.db,
        &a.ctx,
        &state.sealer,
        &a.address,
        form.get("code"),
    )
    .await
    .map(|codes| codes_page(a.page.clone(), codes));
    answered(state, a, r, "confirm").await
}

async fn renew(State(state): State<AppState>, a: Authed, form: FormData) -> AppResult<Response> {
    let r = second_factor::renew_recovery_codes(
        &state.db,
        &a.ctx,
        &state.sealer,
        &a.address,
        form.get("code"),
    )
    .await
    .map(|codes| codes_page(a.page.clone(), codes));
    answered(state, a, r, "renew").await
}

async fn remove(State(state): State<AppState>, a: Authed, form: FormData) -> AppResult<Response> {
    let r = second_factor::remove(
        &state.db,
        &a.ctx,
        &state.sealer,
        &a.address,
        form.get(second_factor::REMOVE_FIELD),
    )
    .await
    .map(|()| {
        done(
            "/account/second-factor",
            "flash-second-factor-removed",
            state.config.secure_cookies,
        )
    });
    answered(state, a, r, "remove").await
}

// ---------------------------------------------------------------------------------------------
// Administration

async fn reset(State(state): State<AppState>, a: Authed, Ids(id): Ids<i64>) -> AppResult<Response> {
    second_factor::reset(&state.db, &a.ctx, id)
        .await
        .map_err(AppError)?;
    Ok(done(
        &format!("/admin/staff/{id}"),
        "flash-second-factor-reset",
        state.config.secure_cookies,
    ))
}

async fn require(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let on = match form.get("required") {
        "yes" => true,
        "" | "no" => false,
        _ => return Err(Error::field("required", "error-choice").into()),
    };
    second_factor::set_required(&state.db, &a.ctx, id, on).await?;
    Ok(done(
        &format!("/admin/organisations/{id}"),
        "flash-saved",
        state.config.secure_cookies,
    ))
}
