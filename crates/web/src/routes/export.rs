//! The administrator's download of an organisation's data as an exchange file: choose the
//! organisation (the county's administrator: any; an organisation's: their own), the role and
//! the purpose it is made for, download. The page itself shows no client data; the file is for
//! moving the organisation's data elsewhere (decision 0017).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use ankommen_core::Error;
use ankommen_core::casework::exchange::export;
use ankommen_core::kernel::types::Role;

use super::{render_status, reshown};
use crate::AppState;
use crate::download::file_download;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/export", get(page).post(download))
}

#[derive(Template)]
#[template(path = "admin/export.html")]
struct ExportTpl {
    page: Page,
    form: FormView,
    organisations: Vec<(String, String)>,
    roles: Vec<(String, String)>,
}

async fn show(
    state: &AppState,
    a: Authed,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let organisations: Vec<(String, String)> = export::exportable(&state.db, &a.ctx)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    if organisations.is_empty() {
        // Nobody but administrators exports; the refusal is audited.
        export::authorize(&state.db, &a.ctx, a.ctx.actor.organisation_id).await?;
        return Err(AppError(Error::Forbidden));
    }
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), a.page.tr.role(*r)))
        .collect();
    let page = a.page.at("admin").titled("export-title");
    Ok(render_status(
        &ExportTpl {
            page,
            form,
            organisations,
            roles,
        },
        status,
    ))
}

async fn page(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let form = FormView::from_pairs([
        ("organisation", a.ctx.actor.organisation_id.to_string()),
        ("role", "admin".to_string()),
    ]);
    show(&state, a, form, StatusCode::OK).await
}

async fn download(State(state): State<AppState>, a: Authed, form: FormData) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    // A malformed organisation id is like a missing one.
    let Ok(org) = form.get("organisation").trim().parse::<i64>() else {
        return Err(AppError(Error::NotFound));
    };
    match export::export(
        &state.db,
        &a.ctx,
        &state.sealer,
        org,
        form.get("role"),
        form.get("purpose"),
    )
    .await
    {
        Ok(out) => Ok(file_download(
            out.bytes,
            "application/x-ndjson; charset=utf-8",
            &export::file_name(&out.organisation, a.ctx.today()),
        )),
        Err(e) => {
            reshown(e, view, a.page.tr, |view, status| async move {
                show(&state, a, view, status).await
            })
            .await
        }
    }
}
