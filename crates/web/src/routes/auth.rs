//! Login, logout, language choice before login, and the one-time setup links.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use ankommen_core::administration::auth::{self, LoginAttempt, LoginOutcome};
use ankommen_core::administration::sessions::Ended;
use ankommen_core::administration::setup::{self, BootstrapForm, BootstrapInput, Purpose};
use ankommen_core::kernel::types::{Locale, NewPassword};
use ankommen_core::{Error, FieldErrors};

use super::{done, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::layers::{LANG_COOKIE, session_cookie, set_cookie};
use crate::page::{Anon, Authed, Page};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTpl {
    page: Page,
    form: FormView,
    notice: Option<String>,
}

pub async fn login_page(anon: Anon) -> Response {
    if anon.rs.current.is_some() {
        return Redirect::to("/").into_response();
    }
    let page = anon.page.titled("login-title");
    let notice = match anon.rs.ended {
        Some(Ended::TimedOut) => Some(page.t("login-timed-out")),
        _ => None,
    };
    render(&LoginTpl {
        page,
        form: FormView::new(),
        notice,
    })
}

pub async fn login(
    State(state): State<AppState>,
    anon: Anon,
    form: FormData,
) -> AppResult<Response> {
    let attempt = LoginAttempt {
        username: form.get("username").to_string(),
        password: form.get("password").to_string(),
        address: anon.rs.client_addr.clone(),
        user_agent: anon.rs.user_agent.clone(),
        request_id: Some(anon.rs.request_id.clone()),
    };
    let page = anon.page.titled("login-title");
    let view = FormView::from_data(&form);
    let outcome = auth::login(
        &state.db,
        state.clock.as_ref(),
        &state.config.session,
        attempt,
        anon.rs.token.as_deref(),
    )
    .await?;
    match outcome {
        LoginOutcome::Success(s) => {
            let secure = state.config.secure_cookies;
            let mut r = Redirect::to("/").into_response();
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(session_cookie(secure), &s.token, None, true, secure),
            );
            Ok(r)
        }
        LoginOutcome::SecondStep { token, .. } => Ok(super::second_factor::to_second_step(
            &token,
            state.config.secure_cookies,
        )),
        LoginOutcome::Failed => {
            let form = view.with_general(page.t("login-failed"));
            Ok(render_status(
                &LoginTpl {
                    page,
                    form,
                    notice: None,
                },
                StatusCode::UNAUTHORIZED,
            ))
        }
        LoginOutcome::Busy => {
            let form = view.with_general(page.t("login-busy"));
            let mut r = render_status(
                &LoginTpl {
                    page,
                    form,
                    notice: None,
                },
                StatusCode::SERVICE_UNAVAILABLE,
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            Ok(r)
        }
        LoginOutcome::Throttled { until } => {
            let minutes = ((until - state.clock.now()).num_seconds() + 59) / 60;
            let form = view.with_general(page.tn("login-throttled", "minutes", minutes.max(1)));
            Ok(render_status(
                &LoginTpl {
                    page,
                    form,
                    notice: None,
                },
                StatusCode::TOO_MANY_REQUESTS,
            ))
        }
    }
}

pub async fn logout(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    ankommen_core::administration::sessions::logout(&state.db, &a.ctx, &a.token).await?;
    let secure = state.config.secure_cookies;
    let mut r = done("/login", "flash-logged-out", secure);
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(session_cookie(secure), "", Some(0), true, secure),
    );
    Ok(r)
}

/// Chooses the language of the pages shown before login. A language that is not offered is a
/// missing page, not German.
pub async fn choose_language(
    State(state): State<AppState>,
    Path(lang): Path<String>,
) -> AppResult<Response> {
    let locale = Locale::parse(&lang).map_err(|_| AppError(Error::NotFound))?;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            locale.as_str(),
            Some(365 * 24 * 3600),
            true,
            state.config.secure_cookies,
        ),
    );
    Ok(r)
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupTpl {
    page: Page,
    form: FormView,
    bootstrap: bool,
    person: String,
    username: String,
}

fn setup_tpl(page: Page, purpose: &Purpose, form: FormView) -> SetupTpl {
    match purpose {
        Purpose::Bootstrap => SetupTpl {
            page: page.titled("setup-bootstrap-title"),
            form,
            bootstrap: true,
            person: String::new(),
            username: String::new(),
        },
        Purpose::SetPassword {
            display_name,
            username,
            ..
        } => SetupTpl {
            page: page.titled("setup-password-title"),
            form,
            bootstrap: false,
            person: display_name.clone(),
            username: username.clone(),
        },
    }
}

pub async fn setup_page(
    State(state): State<AppState>,
    anon: Anon,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let purpose = setup::check(&state.db, state.clock.as_ref(), &token).await?;
    Ok(render(&setup_tpl(anon.page, &purpose, FormView::new())))
}

pub async fn setup(
    State(state): State<AppState>,
    anon: Anon,
    Path(token): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let purpose = setup::check(&state.db, state.clock.as_ref(), &token).await?;
    let view = FormView::from_data(&form);
    let tr = anon.page.tr;
    let rid = Some(anon.rs.request_id.as_str());
    let result = match &purpose {
        Purpose::Bootstrap => {
            let raw = BootstrapForm {
                deployment_name: form.get("deployment_name").into(),
                organisation_name: form.get("organisation_name").into(),
                username: form.get("username").into(),
                display_name: form.get("display_name").into(),
                password: form.get("password").into(),
                password_confirm: form.get("password_confirm").into(),
            };
            match BootstrapInput::parse(&raw) {
                Ok(input) => {
                    setup::complete_bootstrap(&state.db, state.clock.as_ref(), &token, input, rid)
                        .await
                        .map(|_| ())
                }
                Err(e) => Err(Error::Invalid(e)),
            }
        }
        Purpose::SetPassword { .. } => {
            match NewPassword::parse(form.get("password"), form.get("password_confirm")) {
                Ok(pw) => {
                    setup::set_password(&state.db, state.clock.as_ref(), &token, pw, rid).await
                }
                Err(key) => {
                    let mut e = FieldErrors::new();
                    e.add("password", key);
                    Err(Error::Invalid(e))
                }
            }
        }
    };
    let saved = result.map(|()| done("/login", "flash-password-set", state.config.secure_cookies));
    saved_or_reshown(saved, view, tr, |form, status| async move {
        Ok(render_status(&setup_tpl(anon.page, &purpose, form), status))
    })
    .await
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError(Error::Invalid(e))
    }
}
