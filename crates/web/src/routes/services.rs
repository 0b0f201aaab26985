//! The directory of services (issue 23, decision 0026): the list with its filters, an entry's page
//! and form, CSV/XLSX export and import. Referrals are in `referrals`.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::administration::municipalities;
use ankommen_core::administration::services::{
    self, Filter, ImportRow, Scope, ServiceForm, languages_of, may_manage, municipalities_of,
};
use ankommen_core::kernel::catalog::{LANGUAGES, RecipientCategory};
use ankommen_documents::sheets::{self, Sheet, Value};
use ankommen_store::entities::service;

use super::consent::UploadForm;
use super::{done, render_status, saved_or_reshown};
use crate::AppState;
use crate::download::file_download;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::layers::MAX_UPLOAD_BYTES;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(list).post(create))
        .route("/services/new", get(new_form))
        .route("/services/export.csv", get(export_csv))
        .route("/services/export.xlsx", get(export_xlsx))
        .route(
            "/services/import",
            get(import_page)
                .post(import)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/services/{id}", get(show).post(update))
        .route("/services/{id}/delete", post(delete))
}

/// The columns of the directory's spreadsheet, in order (headings: `service-field-<key>`).
const COLUMNS: [&str; 10] = [
    "name",
    "category",
    "address",
    "phone",
    "email",
    "municipalities",
    "languages",
    "opening_hours",
    "note",
    "active",
];

fn choices(page: &Page, list: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.to_string(), page.label(list, v)))
        .collect()
}

fn categories(page: &Page) -> Vec<(String, String)> {
    let v: Vec<&str> = RecipientCategory::ALL.iter().map(|c| c.as_str()).collect();
    choices(page, "recipient-category", &v)
}

fn languages(page: &Page) -> Vec<(String, String)> {
    choices(page, "lang", LANGUAGES)
}

async fn places(state: &AppState) -> AppResult<Vec<(String, String)>> {
    Ok(municipalities::list(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.ags, m.name))
        .collect())
}

/// An entry as the list and its page show it.
struct ServiceRow {
    id: i64,
    name: String,
    category: String,
    address: String,
    phone: String,
    email: String,
    /// The municipalities' names, or "the whole county".
    served: String,
    languages: String,
    opening_hours: String,
    note: String,
    active: bool,
    scope: String,
}

fn row_of(page: &Page, s: &service::Model, places: &[(String, String)]) -> ServiceRow {
    let served = municipalities_of(s);
    ServiceRow {
        id: s.id,
        name: s.name.clone(),
        category: page.label("recipient-category", &s.category),
        address: s.address.clone().unwrap_or_default(),
        phone: s.phone.clone().unwrap_or_default(),
        email: s.email.clone().unwrap_or_default(),
        served: if served.is_empty() {
            page.t("service-whole-county")
        } else {
            served
                .iter()
                .map(|a| {
                    places
                        .iter()
                        .find(|(k, _)| k == a)
                        .map_or(a.to_string(), |(_, n)| n.clone())
                })
                .collect::<Vec<_>>()
                .join(", ")
        },
        languages: languages_of(s)
            .iter()
            .map(|l| page.label("lang", l))
            .collect::<Vec<_>>()
            .join(", "),
        opening_hours: s.opening_hours.clone().unwrap_or_default(),
        note: s.note.clone().unwrap_or_default(),
        active: s.active,
        scope: page.t(&format!("service-scope-{}", Scope::of(s).as_str())),
    }
}

// ---------------------------------------------------------------------------------------------
// The directory

#[derive(Template)]
#[template(path = "network/services.html")]
struct ListTpl {
    page: Page,
    form: FormView,
    rows: Vec<ServiceRow>,
    categories: Vec<(String, String)>,
    municipalities: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    may_add: bool,
    /// The filter as a query string (for the export links).
    query: String,
}

fn filter_of(q: &FormData) -> (Filter, ankommen_core::FieldErrors) {
    Filter::parse(
        q.get("q"),
        q.get("category"),
        q.get("municipality"),
        q.get("language"),
        q.get("inactive"),
    )
}

/// `GET /services`: the directory, filtered by name, category, municipality and language.
async fn list(
    State(state): State<AppState>,
    a: Authed,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let raw = query.unwrap_or_default();
    let q = FormData::parse(raw.as_bytes()).unwrap_or_default();
    let (filter, errors) = filter_of(&q);
    let found = services::list(&state.db, &a.ctx, &filter).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        crate::error::status_of(&Error::Invalid(errors.clone()))
    };
    let places = places(&state).await?;
    let page = a.page.at("services").titled("services-title");
    let tpl = ListTpl {
        form: FormView::from_data(&q).with_errors(&errors, &page.tr),
        rows: found.iter().map(|s| row_of(&page, s, &places)).collect(),
        categories: categories(&page),
        languages: languages(&page),
        municipalities: places,
        may_add: !services::managed_scopes(&a.ctx).is_empty(),
        query: serde_urlencoded::to_string(&q.0).unwrap_or_default(),
        page,
    };
    Ok(render_status(&tpl, status))
}

fn sheet_of(page: &Page, found: &[service::Model], places: &[(String, String)]) -> Sheet {
    Sheet {
        title: page.t("services-title"),
        columns: COLUMNS
            .iter()
            .map(|c| page.t(&format!("service-field-{}", c.replace('_', "-"))))
            .collect(),
        rows: found
            .iter()
            .map(|s| {
                let r = row_of(page, s, places);
                let served: Vec<String> = municipalities_of(s)
                    .iter()
                    .map(|a| {
                        places
                            .iter()
                            .find(|(k, _)| k == a)
                            .map_or(a.to_string(), |(_, n)| n.clone())
                    })
                    .collect();
                vec![
                    Value::from(r.name),
                    Value::from(r.category),
                    Value::from(r.address),
                    Value::from(r.phone),
                    Value::from(r.email),
                    Value::from(served.join(", ")),
                    Value::from(languages_of(s).join(", ")),
                    Value::from(r.opening_hours),
                    Value::from(r.note),
                    Value::from(page.t(if s.active { "yes" } else { "no" })),
                ]
            })
            .collect(),
    }
}

async fn export_sheet(state: &AppState, a: &Authed, query: Option<String>) -> AppResult<Sheet> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let (filter, _) = filter_of(&q);
    let found = services::list(&state.db, &a.ctx, &filter).await?;
    let places = places(state).await?;
    Ok(sheet_of(&a.page, &found, &places))
}

/// `GET /services/export.csv`: the directory as the filter narrows it, German Excel CSV.
async fn export_csv(
    State(state): State<AppState>,
    a: Authed,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let sheet = export_sheet(&state, &a, query).await?;
    Ok(file_download(
        sheets::csv_de(&sheet),
        "text/csv; charset=utf-8",
        "dienste.csv",
    ))
}

/// `GET /services/export.xlsx`
async fn export_xlsx(
    State(state): State<AppState>,
    a: Authed,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let sheet = export_sheet(&state, &a, query).await?;
    let bytes = sheets::xlsx(&[sheet]).map_err(|e| AppError(Error::Internal(e.to_string())))?;
    Ok(file_download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "dienste.xlsx",
    ))
}

// ---------------------------------------------------------------------------------------------
// An entry

#[derive(Template)]
#[template(path = "network/service.html")]
struct ServiceTpl {
    page: Page,
    form: FormView,
    /// None: a new entry.
    id: Option<i64>,
    /// The entry as read-only text (for those who do not keep it).
    shown: Option<ServiceRow>,
    /// The scopes the form offers (new entries only).
    scopes: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    municipalities: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    referred: i64,
}

fn service_form(f: &FormData) -> ServiceForm {
    ServiceForm {
        scope: f.get("scope").into(),
        name: f.get("name").into(),
        category: f.get("category").into(),
        address: f.get("address").into(),
        phone: f.get("phone").into(),
        email: f.get("email").into(),
        municipalities: f.all("municipalities"),
        languages: f.all("languages"),
        opening_hours: f.get("opening_hours").into(),
        note: f.get("note").into(),
        active: f.get("active").into(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn service_page(
    state: &AppState,
    a: Authed,
    id: Option<i64>,
    shown: Option<&service::Model>,
    referred: u64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let places = places(state).await?;
    let mut page = a.page.at("services");
    page.title = match shown {
        Some(s) => s.name.clone(),
        None => page.t("service-new-title"),
    };
    let scopes = services::managed_scopes(&a.ctx)
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                page.t(&format!("service-scope-{}", s.as_str())),
            )
        })
        .collect();
    let read_only = shown.filter(|s| !may_manage(&a.ctx, s));
    let tpl = ServiceTpl {
        form,
        id,
        shown: read_only.map(|s| row_of(&page, s, &places)),
        scopes,
        categories: categories(&page),
        languages: languages(&page),
        municipalities: places,
        referred: i64::try_from(referred).unwrap_or(i64::MAX),
        page,
    };
    Ok(render_status(&tpl, status))
}

fn stored(s: &service::Model) -> FormView {
    let mut pairs: Vec<(String, String)> = vec![
        ("name".into(), s.name.clone()),
        ("category".into(), s.category.clone()),
        ("address".into(), s.address.clone().unwrap_or_default()),
        ("phone".into(), s.phone.clone().unwrap_or_default()),
        ("email".into(), s.email.clone().unwrap_or_default()),
        (
            "opening_hours".into(),
            s.opening_hours.clone().unwrap_or_default(),
        ),
        ("note".into(), s.note.clone().unwrap_or_default()),
        ("active".into(), if s.active { "yes" } else { "no" }.into()),
        ("version".into(), s.version.to_string()),
    ];
    pairs.extend(
        municipalities_of(s)
            .iter()
            .map(|m| ("municipalities".to_string(), m.to_string())),
    );
    pairs.extend(
        languages_of(s)
            .iter()
            .map(|l| ("languages".to_string(), l.to_string())),
    );
    FormView::from_pairs(pairs)
}

/// `GET /services/new`
async fn new_form(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    if services::managed_scopes(&a.ctx).is_empty() {
        return Err(AppError(Error::Forbidden));
    }
    let form = FormView::from_pairs([("active", "yes")]);
    service_page(&state, a, None, None, 0, form, StatusCode::OK).await
}

/// `POST /services`
async fn create(State(state): State<AppState>, a: Authed, form: FormData) -> AppResult<Response> {
    let saved = services::create(&state.db, &a.ctx, &service_form(&form))
        .await
        .map(|id| {
            done(
                &format!("/services/{id}"),
                "service-flash-saved",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move { service_page(&state, a, None, None, 0, view, status).await },
    )
    .await
}

/// `GET /services/{id}`: the entry's form for those who keep it, its text for the others.
async fn show(State(state): State<AppState>, a: Authed, Ids(id): Ids<i64>) -> AppResult<Response> {
    let s = services::get(&state.db, &a.ctx, id).await?;
    let referred = services::referral_count(state.db.reader(), id).await?;
    service_page(
        &state,
        a,
        Some(id),
        Some(&s),
        referred,
        stored(&s),
        StatusCode::OK,
    )
    .await
}

/// `POST /services/{id}`
async fn update(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version() {
        Ok(v) => services::update(&state.db, &a.ctx, id, v, &service_form(&form)).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &format!("/services/{id}"),
            "service-flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let s = services::get(&state.db, &a.ctx, id).await?;
            let referred = services::referral_count(state.db.reader(), id).await?;
            service_page(&state, a, Some(id), Some(&s), referred, view, status).await
        },
    )
    .await
}

/// `POST /services/{id}/delete`: only an entry no referral names.
async fn delete(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    match services::delete(&state.db, &a.ctx, id).await {
        Ok(()) => Ok(done(
            "/services",
            "service-flash-deleted",
            state.config.secure_cookies,
        )),
        Err(Error::Conflict(key)) => {
            let s = services::get(&state.db, &a.ctx, id).await?;
            let referred = services::referral_count(state.db.reader(), id).await?;
            let view = stored(&s).with_general(a.page.t(key));
            service_page(
                &state,
                a,
                Some(id),
                Some(&s),
                referred,
                view,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(AppError(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Import

#[derive(Template)]
#[template(path = "network/import.html")]
struct ImportTpl {
    page: Page,
    form: FormView,
    scopes: Vec<(String, String)>,
    columns: Vec<String>,
    /// "Row n: field: message" for each problem of the file.
    problems: Vec<String>,
}

fn import_shown(a: Authed, form: FormView, problems: Vec<String>, status: StatusCode) -> Response {
    let page = a.page.at("services").titled("services-import-title");
    let scopes = services::managed_scopes(&a.ctx)
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                page.t(&format!("service-scope-{}", s.as_str())),
            )
        })
        .collect();
    render_status(
        &ImportTpl {
            form,
            scopes,
            columns: COLUMNS
                .iter()
                .map(|c| page.t(&format!("service-field-{}", c.replace('_', "-"))))
                .collect(),
            problems,
            page,
        },
        status,
    )
}

/// `GET /services/import`
async fn import_page(a: Authed) -> AppResult<Response> {
    if services::managed_scopes(&a.ctx).is_empty() {
        return Err(AppError(Error::Forbidden));
    }
    Ok(import_shown(a, FormView::new(), vec![], StatusCode::OK))
}

/// The rows of a read table as entry forms: the columns found by their headings (in the UI's
/// language, or the column keys), category and active flag by their labels or keys, languages by
/// codes or names, municipalities by names or AGS (the core resolves those).
fn rows_of(page: &Page, table: &sheets::Table) -> Result<Vec<ImportRow>, &'static str> {
    let index: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| {
            let label = page.t(&format!("service-field-{}", c.replace('_', "-")));
            table.header.cells.iter().position(|h| {
                let h = h.trim();
                h.eq_ignore_ascii_case(&label) || h.eq_ignore_ascii_case(c)
            })
        })
        .collect();
    if index[0].is_none() {
        return Err("error-services-import-columns");
    }
    let cell = |r: &sheets::Row, i: usize| -> String {
        index[i]
            .and_then(|k| r.cells.get(k))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let list = |s: String| -> Vec<String> {
        s.split([',', ';'])
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    };
    Ok(table
        .rows
        .iter()
        .map(|r| {
            let category = cell(r, 1);
            let category = RecipientCategory::ALL
                .iter()
                .find(|c| {
                    page.label("recipient-category", c.as_str())
                        .eq_ignore_ascii_case(&category)
                })
                .map_or(category, |c| c.as_str().to_string());
            let languages = list(cell(r, 6))
                .into_iter()
                .map(|l| {
                    LANGUAGES
                        .iter()
                        .find(|c| page.label("lang", c).eq_ignore_ascii_case(&l))
                        .map_or(l, |c| c.to_string())
                })
                .collect();
            let active = cell(r, 9).to_lowercase();
            let active = if active.is_empty()
                || active == page.t("yes").to_lowercase()
                || matches!(active.as_str(), "yes" | "ja" | "1" | "x")
            {
                "yes"
            } else if active == page.t("no").to_lowercase()
                || matches!(active.as_str(), "no" | "nein" | "0")
            {
                "no"
            } else {
                "?"
            };
            ImportRow {
                number: r.number,
                form: ServiceForm {
                    scope: String::new(),
                    name: cell(r, 0),
                    category,
                    address: cell(r, 2),
                    phone: cell(r, 3),
                    email: cell(r, 4),
                    municipalities: list(cell(r, 5)),
                    languages,
                    opening_hours: cell(r, 7),
                    note: cell(r, 8),
                    active: active.into(),
                },
            }
        })
        .collect())
}

/// `POST /services/import`: all rows or none.
async fn import(State(state): State<AppState>, a: Authed, form: UploadForm) -> AppResult<Response> {
    if services::managed_scopes(&a.ctx).is_empty() {
        return Err(AppError(Error::Forbidden));
    }
    let typed = FormView::from_data(&form.fields);
    let fail = |a: Authed, key: &'static str| {
        let mut e = ankommen_core::FieldErrors::new();
        e.add("scan", key);
        let view = typed.clone().with_errors(&e, &a.page.tr);
        Ok(import_shown(
            a,
            view,
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
        ))
    };
    if form.too_large {
        return fail(a, "error-sheet-too-large");
    }
    let Some(bytes) = form.scan.as_ref() else {
        return fail(a, "error-import-no-file");
    };
    let table = match sheets::read(bytes) {
        Ok(t) => t,
        Err(e) => return fail(a, e.key()),
    };
    let rows = match rows_of(&a.page, &table) {
        Ok(r) => r,
        Err(key) => return fail(a, key),
    };
    match services::import(&state.db, &a.ctx, form.fields.get("scope"), &rows).await {
        Ok(report) if report.problems.is_empty() => Ok(done(
            "/services",
            "services-flash-imported",
            state.config.secure_cookies,
        )),
        Ok(report) => {
            let problems = report
                .problems
                .iter()
                .map(|(row, field, key)| {
                    format!(
                        "{}: {}: {}",
                        a.page.t1("services-import-row", "row", row.to_string()),
                        a.page
                            .t(&format!("service-field-{}", field.replace('_', "-"))),
                        a.page.t(key)
                    )
                })
                .collect();
            let view = typed.with_general(a.page.t("services-import-problems"));
            Ok(import_shown(
                a,
                view,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(Error::Invalid(fe)) => {
            let view = typed.with_errors(&fe, &a.page.tr);
            Ok(import_shown(
                a,
                view,
                vec![],
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(AppError(e)),
    }
}
