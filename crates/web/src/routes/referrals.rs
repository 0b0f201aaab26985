//! Referrals from a case (issue 23, decision 0026): the form (with the family-reunification
//! preset), the result, and the rows the case page lists. The reason of a referral travels only in
//! POST bodies and pages, never in a URL.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::casework::referrals::{self, FormChoices, ReferralForm};
use ankommen_core::kernel::catalog::{DataCategory, ReferralResult};

use super::{done, full_name, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{id}/referrals/new",
            get(new_referral).post(create_referral),
        )
        .route("/referrals/{id}/result", post(referral_result))
}

#[derive(Template)]
#[template(path = "network/referral_form.html")]
struct ReferralTpl {
    page: Page,
    form: FormView,
    case_id: i64,
    case_number: String,
    services: Vec<(String, String)>,
    persons: Vec<(String, String)>,
    fields: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    /// Where to record a release first, when the chosen categories have none (person, service).
    release_link: Option<String>,
    today: String,
    family_reunification: bool,
}

fn referral_form(f: &FormData) -> ReferralForm {
    ReferralForm {
        service: f.get("service").into(),
        person: f.get("person").into(),
        date: f.get("date").into(),
        field: f.get("field").into(),
        reason: f.get("reason").into(),
        categories: f.all("categories"),
    }
}

fn referral_page(a: Authed, ch: FormChoices, form: FormView, status: StatusCode) -> Response {
    let mut page = a.page.at("cases");
    let family_reunification = form.v("preset") == "family_reunification";
    page.title = page.t(if family_reunification {
        "referral-family-title"
    } else {
        "referral-new-title"
    });
    let lang = page.lang();
    let release_link = match (
        form.err("categories").is_some(),
        form.v("person").parse::<i64>(),
        form.v("service").parse::<i64>(),
    ) {
        (true, Ok(p), Ok(s)) => Some(format!("/clients/{p}/releases/new?service={s}")),
        _ => None,
    };
    let tpl = ReferralTpl {
        form,
        case_id: ch.case.id,
        case_number: ch.case.case_number.clone(),
        services: ch
            .services
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    format!(
                        "{} ({})",
                        s.name,
                        page.label("recipient-category", &s.category)
                    ),
                )
            })
            .collect(),
        persons: ch
            .persons
            .iter()
            .map(|p| (p.id.to_string(), full_name(p)))
            .collect(),
        fields: ch
            .fields
            .iter()
            .map(|f| (f.key.clone(), f.label(lang).to_string()))
            .collect(),
        categories: DataCategory::ALL
            .iter()
            .filter(|c| **c != DataCategory::Health)
            .map(|c| (c.to_string(), page.label("data-category", c)))
            .collect(),
        release_link,
        today: a.ctx.today().to_string(),
        family_reunification,
        page,
    };
    render_status(&tpl, status)
}

/// `GET /cases/{id}/referrals/new` (`?preset=family_reunification`: to the Migrationsberatung,
/// in the field of family, for the whole household).
async fn new_referral(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let ch = referrals::new_form(&state.db, &a.ctx, id).await?;
    let mut pairs = vec![("date".to_string(), a.ctx.today().to_string())];
    if let [only] = ch.persons.as_slice() {
        pairs.push(("person".into(), only.id.to_string()));
    }
    if q.get("preset") == "family_reunification" {
        pairs.push(("preset".into(), "family_reunification".into()));
        if let Some(s) = referrals::migration_counselling(&ch) {
            pairs.push(("service".into(), s.id.to_string()));
        }
        if ch.fields.iter().any(|f| f.key == "family") {
            pairs.push(("field".into(), "family".into()));
        }
        if ch.persons.len() > 1 {
            pairs.push(("person".into(), "household".into()));
        }
    }
    Ok(referral_page(
        a,
        ch,
        FormView::from_pairs(pairs),
        StatusCode::OK,
    ))
}

/// `POST /cases/{id}/referrals/new`
async fn create_referral(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = referrals::record(&state.db, &a.ctx, &state.sealer, id, &referral_form(&form))
        .await
        .map(|_| {
            done(
                &format!("/cases/{id}#referrals"),
                "referral-flash-recorded",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let ch = referrals::new_form(&state.db, &a.ctx, id).await?;
            Ok(referral_page(a, ch, view, status))
        },
    )
    .await
}

/// `POST /referrals/{id}/result`: from the case page. An invalid result is said on the case page.
async fn referral_result(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(AppError)?;
    match referrals::set_result(
        &state.db,
        &a.ctx,
        &state.sealer,
        id,
        version,
        form.get("result"),
        form.get("result_on"),
    )
    .await
    {
        Ok(case_id) => Ok(done(
            &format!("/cases/{case_id}#referrals"),
            "referral-flash-result",
            state.config.secure_cookies,
        )),
        // Bad input or a stale form: the case page again, the message beside its referrals (the
        // case page reads the case with its own access check).
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let message = match &e {
                Error::Invalid(fe) => {
                    fe.0.iter()
                        .map(|x| {
                            let label = if x.field == "result_on" {
                                "referral-result-on"
                            } else {
                                "referral-result"
                            };
                            format!("{}: {}", a.page.t(label), a.page.t(x.key))
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                }
                Error::Conflict(key) => a.page.t(key),
                _ => String::new(),
            };
            let Ok(case_id) = form.get("case").trim().parse::<i64>() else {
                return Err(AppError(e));
            };
            let status = crate::error::status_of(&e);
            let view = FormView::from_pairs(super::cases::defaults(&a)).with_general(message);
            super::cases::case_page(&state, a, case_id, view, "referral_result", status).await
        }
        Err(e) => Err(AppError(e)),
    }
}

/// A referral as the case page lists it.
pub(super) struct ReferralRow {
    pub id: i64,
    pub version: i32,
    pub date: String,
    pub service: String,
    pub service_id: Option<i64>,
    pub person: String,
    pub field: String,
    pub reason: Option<ankommen_store::Opened>,
    pub categories: String,
    pub result: String,
    pub result_key: String,
    pub result_on: String,
    pub overdue: bool,
}

/// The case page's referral rows.
pub(super) fn referral_rows(
    page: &Page,
    view: &ankommen_core::casework::cases::CaseView,
    fields: &[ankommen_core::administration::fields::Field],
) -> Vec<ReferralRow> {
    view.referrals
        .iter()
        .map(|r| {
            let m = &r.referral;
            let result_key = m
                .result
                .clone()
                .unwrap_or_else(|| ReferralResult::Pending.as_str().into());
            ReferralRow {
                id: m.id,
                version: m.version,
                date: page.date(m.referral_date),
                service: m.service_name.clone(),
                service_id: m.service_id,
                person: match m.person_id {
                    Some(p) => view
                        .persons
                        .iter()
                        .find(|x| x.id == p)
                        .map(full_name)
                        .unwrap_or_default(),
                    None => page.t("referral-household"),
                },
                field: m
                    .field_of_action
                    .as_deref()
                    .map(|k| {
                        ankommen_core::administration::fields::label(fields, k, page.lang())
                            .to_string()
                    })
                    .unwrap_or_default(),
                reason: r.reason.clone(),
                categories: if r.categories.is_empty() {
                    page.t("referral-no-data")
                } else {
                    r.categories
                        .iter()
                        .map(|c| page.label("data-category", c))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                result: page.label("referral-result", &result_key),
                result_key,
                result_on: page.date_opt(m.result_on),
                overdue: r.overdue,
            }
        })
        .collect()
}

/// The results a referral can have (for the case page's form).
pub(super) fn result_choices(page: &Page) -> Vec<(String, String)> {
    ReferralResult::ALL
        .iter()
        .map(|r| (r.to_string(), page.label("referral-result", r)))
        .collect()
}
