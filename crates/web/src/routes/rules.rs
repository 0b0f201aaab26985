//! The administrator's settings for the casework: the working rules (review interval, contact
//! frequency per phase, expiry warnings) and the catalog of fields of action.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use ankommen_core::Error;
use ankommen_core::administration::fields::{self, FieldInput, NewField};
use ankommen_core::administration::intake_catalog::{self, IntakeList, NewEntry};
use ankommen_core::administration::settings::WorkRules;
use ankommen_core::kernel::catalog::ExchangeField;
use ankommen_store::entities::{field_of_action, intake_catalog_entry};

use super::{done, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/rules", get(rules).post(save_rules))
        .route("/admin/fields", get(fields_list).post(create_field))
        .route("/admin/fields/{id}", get(field).post(update_field))
        .route(
            "/admin/intake-lists",
            get(intake_lists).post(create_intake_entry),
        )
}

// --- working rules ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/rules.html")]
struct RulesTpl {
    page: Page,
    form: FormView,
    /// (key, label message id, hint message id, min, max)
    rows: Vec<(&'static str, String, String, u32, u32)>,
}

fn rule_rows() -> Vec<(&'static str, String, String, u32, u32)> {
    WorkRules::LIMITS
        .iter()
        .map(|(k, min, max)| {
            let id = k.replace('_', "-");
            (
                *k,
                format!("rules-{id}"),
                format!("rules-{id}-hint"),
                *min,
                *max,
            )
        })
        .collect()
}

fn rules_page(a: Authed, form: FormView, status: StatusCode) -> Response {
    render_status(
        &RulesTpl {
            page: a.page.at("admin").titled("rules-title"),
            form,
            rows: rule_rows(),
        },
        status,
    )
}

pub async fn rules(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let (r, seen) = fields::rules_managed(&state.db, &a.ctx).await?;
    let mut pairs: Vec<(String, String)> = WorkRules::LIMITS
        .iter()
        .map(|(k, _, _)| (k.to_string(), r.get(k).unwrap_or_default().to_string()))
        .collect();
    pairs.push(("seen".into(), seen));
    Ok(rules_page(a, FormView::from_pairs(pairs), StatusCode::OK))
}

pub async fn save_rules(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let pairs: Vec<(&str, &str)> = form
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let result = match WorkRules::parse(&pairs) {
        Ok(r) => fields::save_rules(&state.db, &a.ctx, r, form.get("seen")).await,
        Err(e) => {
            // Refuse outsiders before telling them about their input.
            fields::rules_managed(&state.db, &a.ctx).await?;
            Err(Error::Invalid(e))
        }
    };
    let saved = result.map(|()| done("/admin/rules", "flash-saved", state.config.secure_cookies));
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        Ok(rules_page(a, view, status))
    })
    .await
}

// --- fields of action -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/fields.html")]
struct FieldsTpl {
    page: Page,
    items: Vec<field_of_action::Model>,
    exchange: Vec<(String, String)>,
    form: FormView,
}

fn exchange_options(page: &Page) -> Vec<(String, String)> {
    ExchangeField::ALL
        .iter()
        .map(|f| (f.as_str().to_string(), page.label("exchange-field", f)))
        .collect()
}

async fn fields_page(
    state: &AppState,
    a: Authed,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let items = fields::list_managed(&state.db, &a.ctx).await?;
    let page = a.page.at("admin").titled("fields-title");
    Ok(render_status(
        &FieldsTpl {
            exchange: exchange_options(&page),
            page,
            items,
            form,
        },
        status,
    ))
}

pub async fn fields_list(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    fields_page(&state, a, FormView::new(), StatusCode::OK).await
}

pub async fn create_field(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match NewField::parse(
        form.get("label_de"),
        form.get("label_en"),
        form.get("position"),
        form.get("exchange_field"),
    ) {
        Ok(f) => fields::create(&state.db, &a.ctx, f).await.map(|_| ()),
        Err(e) => Err(Error::Invalid(e)),
    };
    let saved = result.map(|()| done("/admin/fields", "flash-saved", state.config.secure_cookies));
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        fields_page(&state, a, view, status)
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/field.html")]
struct FieldTpl {
    page: Page,
    item: field_of_action::Model,
    exchange: String,
    form: FormView,
}

fn field_page(
    a: Authed,
    item: field_of_action::Model,
    form: FormView,
    status: StatusCode,
) -> Response {
    let page = a.page.at("admin").titled("field-edit-title");
    render_status(
        &FieldTpl {
            exchange: page.label("exchange-field", &item.exchange_field),
            page,
            item,
            form,
        },
        status,
    )
}

pub async fn field(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let item = fields::get_managed(&state.db, &a.ctx, id).await?;
    let mut pairs = vec![
        ("label_de", item.label_de.clone()),
        ("label_en", item.label_en.clone()),
        ("position", item.position.to_string()),
        ("version", item.version.to_string()),
    ];
    if item.active {
        pairs.push(("active", "on".into()));
    }
    Ok(field_page(
        a,
        item,
        FormView::from_pairs(pairs),
        StatusCode::OK,
    ))
}

pub async fn update_field(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let parsed = FieldInput::parse(
        form.get("label_de"),
        form.get("label_en"),
        form.get("position"),
    )
    .map_err(Error::Invalid);
    let result = match form.edit(parsed) {
        Ok((input, active, version)) => {
            fields::update(&state.db, &a.ctx, id, input, active, version).await
        }
        Err(e) => Err(e),
    };
    let saved = result.map(|()| done("/admin/fields", "flash-saved", state.config.secure_cookies));
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        let item = fields::get_managed(&state.db, &a.ctx, id).await?;
        Ok(field_page(a, item, view, status))
    })
    .await
}

// --- the intake's value lists -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/intake_lists.html")]
struct IntakeListsTpl {
    page: Page,
    /// (list's label, the entry, the label of the value it is reported under)
    items: Vec<(String, intake_catalog_entry::Model, String)>,
    /// `list/value` → "List – value": the list and the value a new entry is reported under.
    exchange: Vec<(String, String)>,
    form: FormView,
}

fn list_title(page: &Page, list: IntakeList) -> String {
    page.label("intake-list", list)
}

async fn intake_lists_page(
    state: &AppState,
    a: Authed,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let rows = intake_catalog::list_managed(&state.db, &a.ctx).await?;
    let page = a.page.at("admin").titled("intake-lists-title");
    let items = rows
        .into_iter()
        .map(|m| {
            let (list, value) = match IntakeList::parse(&m.list) {
                Ok(l) => (
                    list_title(&page, l),
                    page.label(l.label_prefix(), &m.exchange_value),
                ),
                Err(_) => (m.list.clone(), m.exchange_value.clone()),
            };
            (list, m, value)
        })
        .collect();
    let exchange = IntakeList::ALL
        .iter()
        .flat_map(|l| {
            let page = &page;
            l.fixed().into_iter().map(move |v| {
                (
                    format!("{l}/{v}"),
                    format!(
                        "{} – {}",
                        list_title(page, *l),
                        page.label(l.label_prefix(), v)
                    ),
                )
            })
        })
        .collect();
    Ok(render_status(
        &IntakeListsTpl {
            page,
            items,
            exchange,
            form,
        },
        status,
    ))
}

pub async fn intake_lists(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    intake_lists_page(&state, a, FormView::new(), StatusCode::OK).await
}

pub async fn create_intake_entry(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match NewEntry::parse(
        form.get("exchange"),
        form.get("label_de"),
        form.get("label_en"),
        form.get("position"),
    ) {
        Ok(n) => intake_catalog::create(&state.db, &a.ctx, n)
            .await
            .map(|_| ()),
        Err(e) => Err(Error::Invalid(e)),
    };
    let saved = result.map(|()| {
        done(
            "/admin/intake-lists",
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        intake_lists_page(&state, a, view, status)
    })
    .await
}
