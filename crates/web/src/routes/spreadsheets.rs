//! Registering clients from a spreadsheet: upload (XLSX or German Excel CSV), map the columns to
//! fields, look at the preview, import into the own caseload. The file is kept sealed in the
//! database between the steps (never in a URL or a hidden field); see decision 0018.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use ankommen_core::FieldErrors;
use ankommen_core::casework::spreadsheets::{
    self, Field, Imported, Mapping, MappingView, Preview, Sheet, SheetRow,
};
use ankommen_documents::sheets::{self as reader, MAX_COLUMNS, MAX_ROWS, ReadError};

use super::consent::UploadForm;
use super::{render, render_status};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::layers::MAX_UPLOAD_BYTES;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/clients/import",
            get(upload_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/clients/import/{id}", get(mapping_page))
        .route("/clients/import/{id}/preview", post(preview))
        .route("/clients/import/{id}/import", post(import))
}

#[derive(Template)]
#[template(path = "clients/import_upload.html")]
struct UploadTpl {
    page: Page,
    form: FormView,
    max_mb: usize,
    max_rows: usize,
    max_columns: usize,
}

fn upload_shown(a: Authed, form: FormView, status: StatusCode) -> Response {
    render_status(
        &UploadTpl {
            page: a.page.at("cases").titled("sheet-title"),
            form,
            max_mb: MAX_UPLOAD_BYTES / (1024 * 1024),
            max_rows: MAX_ROWS,
            max_columns: MAX_COLUMNS,
        },
        status,
    )
}

pub async fn upload_page(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    spreadsheets::authorize(&state.db, &a.ctx).await?;
    Ok(upload_shown(a, FormView::default(), StatusCode::OK))
}

fn file_error(page: &Page, key: &'static str, row: Option<u32>) -> FormView {
    let mut e = FieldErrors::new();
    match row {
        Some(r) => e.add_count("scan", key, i64::from(r)),
        None => e.add("scan", key),
    }
    FormView::default().with_errors(&e, &page.tr)
}

pub async fn upload(
    State(state): State<AppState>,
    a: Authed,
    form: UploadForm,
) -> AppResult<Response> {
    spreadsheets::authorize(&state.db, &a.ctx).await?;
    if form.too_large {
        let f = file_error(&a.page, "error-sheet-too-large", None);
        return Ok(upload_shown(a, f, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let Some(bytes) = form.scan.as_ref() else {
        let f = file_error(&a.page, "error-import-no-file", None);
        return Ok(upload_shown(a, f, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let table = match reader::read(bytes) {
        Ok(t) => t,
        Err(e) => {
            let row = match e {
                ReadError::CellTooLong { row, .. } => Some(row),
                _ => None,
            };
            let f = file_error(&a.page, e.key(), row);
            return Ok(upload_shown(a, f, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let sheet = Sheet {
        header: table.header.cells,
        rows: table
            .rows
            .into_iter()
            .map(|r| SheetRow {
                number: r.number,
                cells: r.cells,
            })
            .collect(),
    };
    let id = spreadsheets::upload(
        &state.db,
        &a.ctx,
        &state.sealer,
        table.kind.as_str(),
        &sheet,
    )
    .await?;
    Ok(Redirect::to(&format!("/clients/import/{id}")).into_response())
}

/// One column of the mapping form.
struct Column {
    index: usize,
    heading: String,
    example: String,
}

#[derive(Template)]
#[template(path = "clients/import_mapping.html")]
struct MappingTpl {
    page: Page,
    form: FormView,
    upload_id: i64,
    rows: usize,
    saved: bool,
    columns: Vec<Column>,
    fields: Vec<(String, String)>,
    municipalities: Vec<(String, String)>,
}

fn field_choices(page: &Page) -> Vec<(String, String)> {
    Field::ALL
        .iter()
        .map(|f| (f.as_str().to_string(), page.label("sheet-field", f)))
        .collect()
}

fn col_name(i: usize) -> String {
    format!("col_{i}")
}

async fn mapping_shown(
    state: &AppState,
    a: Authed,
    v: MappingView,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let all = ankommen_core::administration::municipalities::list(&state.db).await?;
    let municipalities = all
        .into_iter()
        .filter(|m| a.ctx.actor.municipalities.contains(&m.ags))
        .map(|m| (m.ags, m.name))
        .collect();
    let page = a.page.at("cases").titled("sheet-mapping-title");
    Ok(render_status(
        &MappingTpl {
            fields: field_choices(&page),
            page,
            form,
            upload_id: v.upload_id,
            rows: v.rows,
            saved: v.saved,
            columns: v
                .header
                .into_iter()
                .zip(v.examples)
                .enumerate()
                .map(|(index, (heading, example))| Column {
                    index,
                    heading,
                    example,
                })
                .collect(),
            municipalities,
        },
        status,
    ))
}

/// The form's values for a mapping.
fn mapping_form(m: &Mapping, default_municipality: &str) -> FormView {
    let mut pairs: Vec<(String, String)> = m
        .columns
        .iter()
        .enumerate()
        .map(|(i, f)| (col_name(i), f.map_or(String::new(), |f| f.as_str().into())))
        .collect();
    pairs.push((
        "municipality".into(),
        m.default_municipality
            .clone()
            .unwrap_or_else(|| default_municipality.to_string()),
    ));
    FormView::from_pairs(pairs)
}

pub async fn mapping_page(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let v = spreadsheets::mapping(&state.db, &a.ctx, &state.sealer, id).await?;
    let first = a
        .ctx
        .actor
        .municipalities
        .first()
        .cloned()
        .unwrap_or_default();
    let form = mapping_form(&v.mapping, &first);
    mapping_shown(&state, a, v, form, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "clients/import_preview.html")]
struct PreviewTpl {
    page: Page,
    p: Preview,
    form: FormView,
}

fn preview_shown(a: Authed, p: Preview, form: FormView, status: StatusCode) -> Response {
    render_status(
        &PreviewTpl {
            page: a.page.at("cases").titled("sheet-preview-title"),
            p,
            form,
        },
        status,
    )
}

pub async fn preview(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let v = spreadsheets::mapping(&state.db, &a.ctx, &state.sealer, id).await?;
    let width = v.header.len();
    let choices: Vec<String> = (0..width)
        .map(|i| form.get(&col_name(i)).to_string())
        .collect();
    let mapping = match Mapping::parse(&choices, width, form.get("municipality")) {
        Ok(m) => m,
        Err(e) => {
            let typed = FormView::from_data(&form).with_errors(&e, &a.page.tr);
            return mapping_shown(&state, a, v, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let p = spreadsheets::preview(&state.db, &a.ctx, &state.sealer, id, &mapping).await?;
    let status = if p.ready() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(preview_shown(a, p, FormView::default(), status))
}

#[derive(Template)]
#[template(path = "clients/import_done.html")]
struct DoneTpl {
    page: Page,
    registered: usize,
    consents: usize,
    skipped: Vec<u32>,
}

pub async fn import(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let mut e = FieldErrors::new();
    let confirmed: Vec<u32> = form
        .all("register_anyway")
        .iter()
        .filter_map(|v| match v.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                e.add("register_anyway", "error-choice");
                None
            }
        })
        .collect();
    if !e.is_empty() {
        return Err(ankommen_core::Error::Invalid(e).into());
    }
    match spreadsheets::import(&state.db, &a.ctx, &state.sealer, id, &confirmed).await? {
        Imported::Done {
            registered,
            consents,
            skipped,
        } => Ok(render(&DoneTpl {
            page: a.page.at("cases").titled("sheet-done-title"),
            registered,
            consents,
            skipped,
        })),
        Imported::Refused(p) => {
            let form = FormView::default().with_general(a.page.t("sheet-refused"));
            Ok(preview_shown(a, p, form, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}
