//! Documents a client brings (list and upload on the case, the document's page, its download) and
//! general case notes (the form; the notes themselves are shown in the timeline).

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use ankommen_core::Error;
use ankommen_core::casework::documents::{
    self, CaseDocuments, DocumentDetail, DocumentForm, DocumentInput,
};
use ankommen_core::casework::notes;
use ankommen_core::kernel::catalog::DocumentKind;
use ankommen_core::records::consent::MAX_SCAN_BYTES;
use ankommen_store::entities::case;

use super::consent::{UploadForm, scan_of};
use super::{done, full_name, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::download::file_download;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::layers::MAX_UPLOAD_BYTES;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{id}/documents",
            get(list)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/client-documents/{id}", get(show))
        .route("/client-documents/{id}/file", get(download))
        .route("/cases/{id}/notes/new", get(note_form))
        .route("/cases/{id}/notes", axum::routing::post(create_note))
}

// ----- documents --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "documents/list.html")]
struct ListTpl {
    page: Page,
    d: CaseDocuments,
    /// (id, name) of the case's persons, for the person choice.
    persons: Vec<(String, String)>,
    /// Names of the persons whose documents are not shown (no consent).
    withheld: Vec<String>,
    kinds: Vec<(String, String)>,
    form: FormView,
    max_mb: usize,
}

async fn list_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let d = documents::list(&state.db, &a.ctx, &state.sealer, id).await?;
    let mut page = a.page.at("cases");
    page.title = page.t1("documents-title", "number", &d.case.case_number);
    let persons = d
        .persons
        .iter()
        .map(|p| (p.id.to_string(), full_name(p)))
        .collect();
    let withheld = d
        .persons
        .iter()
        .filter(|p| d.withheld.contains(&p.id))
        .map(full_name)
        .collect();
    let kinds = DocumentKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                page.label("document-kind", k.as_str()),
            )
        })
        .collect();
    Ok(render_status(
        &ListTpl {
            page,
            d,
            persons,
            withheld,
            kinds,
            form,
            max_mb: MAX_SCAN_BYTES / (1024 * 1024),
        },
        status,
    ))
}

/// `GET /cases/{id}/documents`: the case's documents and the upload form.
async fn list(State(state): State<AppState>, a: Authed, Ids(id): Ids<i64>) -> AppResult<Response> {
    let form = FormView::from_pairs([("letter_date", a.ctx.today().to_string())]);
    list_page(&state, a, id, form, StatusCode::OK).await
}

/// `POST /cases/{id}/documents` (multipart): a document with its file.
async fn upload(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    upload: UploadForm,
) -> AppResult<Response> {
    let f = &upload.fields;
    let (file, cut) = scan_of(&upload);
    let form = DocumentForm {
        person: f.get("person").into(),
        kind: f.get("kind").into(),
        letter_date: f.get("letter_date").into(),
        title: f.get("title").into(),
        note: f.get("note").into(),
        due_on: f.get("due_on").into(),
    };
    let parsed = DocumentInput::parse(&form, file, a.ctx.today());
    let result = match (parsed, cut) {
        (Ok(input), None) => documents::upload(&state.db, &a.ctx, &state.sealer, id, input).await,
        (Ok(_), Some(e)) => Err(Error::Invalid(e)),
        (Err(mut e), cut) => {
            // A cut file is "too large", not "missing".
            if let Some(c) = cut {
                e.0.retain(|x| x.field != "scan");
                e.0.extend(c.0);
            }
            Err(Error::Invalid(e))
        }
    };
    let saved = result.map(|doc| {
        done(
            &format!("/client-documents/{doc}"),
            "documents-flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, FormView::from_data(f), a.page.tr, |view, status| {
        list_page(&state, a, id, view, status)
    })
    .await
}

#[derive(Template)]
#[template(path = "documents/show.html")]
struct ShowTpl {
    page: Page,
    d: DocumentDetail,
    name: String,
}

/// `GET /client-documents/{id}`: the document's facts, its note and follow-up.
async fn show(State(state): State<AppState>, a: Authed, Ids(id): Ids<i64>) -> AppResult<Response> {
    let d = documents::get(&state.db, &a.ctx, &state.sealer, id).await?;
    let mut page = a.page.at("cases");
    page.title = page.t("documents-show-title");
    Ok(render(&ShowTpl {
        name: full_name(&d.person),
        page,
        d,
    }))
}

/// `GET /client-documents/{id}/file`: the file, as an attachment.
async fn download(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let d = documents::download(&state.db, &a.ctx, &state.sealer, id).await?;
    Ok(file_download(d.bytes, &d.content_type, &d.file_name))
}

// ----- case notes -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "documents/note_new.html")]
struct NoteTpl {
    page: Page,
    case: case::Model,
    form: FormView,
}

async fn note_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let case = notes::new_form(&state.db, &a.ctx, id).await?;
    let mut page = a.page.at("cases");
    page.title = page.t1("case-note-title", "number", &case.case_number);
    Ok(render_status(&NoteTpl { page, case, form }, status))
}

/// `GET /cases/{id}/notes/new`
async fn note_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    note_page(&state, a, id, FormView::new(), StatusCode::OK).await
}

/// `POST /cases/{id}/notes`: saved, to the timeline, where the note shows.
async fn create_note(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    f: FormData,
) -> AppResult<Response> {
    let saved = notes::create(&state.db, &a.ctx, &state.sealer, id, f.get("note_text"))
        .await
        .map(|_| {
            done(
                &format!("/cases/{id}/timeline"),
                "case-note-flash-saved",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(saved, FormView::from_data(&f), a.page.tr, |view, status| {
        note_page(&state, a, id, view, status)
    })
    .await
}
