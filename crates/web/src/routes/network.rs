//! The network (issue 23): the directory of services (list with filters, an entry's page and form,
//! CSV/XLSX export and import) and referrals from a case (the form, the result). The reason of a
//! referral travels only in POST bodies and pages, never in a URL.

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
use ankommen_core::casework::referrals::{self, FormChoices, ReferralForm};
use ankommen_core::kernel::catalog::{DataCategory, LANGUAGES, RecipientCategory, ReferralResult};
use ankommen_documents::sheets::{self, Sheet, Value};
use ankommen_store::entities::service;

use super::consent::UploadForm;
use super::{done, full_name, render_status, saved_or_reshown};
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
        .route(
            "/cases/{id}/referrals/new",
            get(new_referral).post(create_referral),
        )
        .route("/referrals/{id}/result", post(referral_result))
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

// ---------------------------------------------------------------------------------------------
// Referrals

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
