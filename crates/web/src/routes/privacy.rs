//! The data-protection officer's pages: finding a person for a data-subject request and who accessed the record.
//!
//! Names and reasons travel only in POST bodies, never in URLs.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::administration::duties::{self, Change};
use ankommen_core::administration::municipalities;
use ankommen_core::kernel::policy;
use ankommen_core::kernel::types::Birth;
use ankommen_core::records::privacy::{self, Hit, RequestView};

use super::{render_status, reshown};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy", get(search_page))
        .route("/privacy/lookup", post(lookup))
        .route("/privacy/persons/{id}", post(open))
        .route("/privacy/staff-changes", get(staff_changes))
        .route("/privacy/audit-chain", get(audit_chain))
}

#[derive(Template)]
#[template(path = "privacy/search.html")]
struct SearchTpl {
    page: Page,
    form: FormView,
    /// None before a search.
    hits: Option<Vec<Hit>>,
}

pub(super) fn search(
    a: Authed,
    form: FormView,
    hits: Option<Vec<Hit>>,
    status: StatusCode,
) -> Response {
    let page = a.page.at("privacy").titled("privacy-title");
    render_status(&SearchTpl { page, form, hits }, status)
}

async fn search_page(a: Authed) -> AppResult<Response> {
    // The form itself shows nothing; the core refuses (and audits) the lookup of anyone else.
    if !policy::areas(&a.ctx.actor).privacy {
        return Err(AppError(Error::Forbidden));
    }
    Ok(search(a, FormView::new(), None, StatusCode::OK))
}

async fn lookup(State(state): State<AppState>, a: Authed, form: FormData) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    match privacy::lookup(
        &state.db,
        &a.ctx,
        form.get("name"),
        form.get("birth_year"),
        form.get("reason"),
    )
    .await
    {
        Ok(hits) => Ok(search(a, view, Some(hits), StatusCode::OK)),
        Err(e) => {
            reshown(e, view, a.page.tr, |view, status| async move {
                Ok(search(a, view, None, status))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "privacy/record.html")]
struct RecordTpl {
    page: Page,
    v: RequestView,
    birth: String,
    municipality: String,
    reason: String,
    /// The Art. 15 report's languages (code, name, translation not reviewed), and the one the
    /// chooser starts at.
    languages: Vec<(String, String, bool)>,
    language: &'static str,
}

async fn open(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let reason = form.get("reason").to_string();
    match privacy::open_for_request(&state.db, &a.ctx, id, &reason).await {
        Ok(v) => {
            let municipality = municipalities::get(&state.db, &v.person.municipality_ags)
                .await
                .map(|m| m.name)
                .unwrap_or_else(|_| v.person.municipality_ags.clone());
            let page = a.page.at("privacy").titled("privacy-record-title");
            let language = super::subject_access::preferred_language(
                v.person.interpreter_language.as_deref(),
                v.person.languages.as_deref(),
            );
            let languages = ankommen_documents::languages()
                .into_iter()
                .map(|l| {
                    let unreviewed = l.code != "de" && !l.is_reviewed();
                    (l.code.to_string(), l.native_name, unreviewed)
                })
                .collect();
            Ok(render_status(
                &RecordTpl {
                    page,
                    languages,
                    language,
                    birth: Birth::from_stored(v.person.birth_date, v.person.birth_year).display(),
                    municipality,
                    reason,
                    v,
                },
                StatusCode::OK,
            ))
        }
        Err(e) => {
            let view = FormView::from_pairs([("reason", reason)]);
            reshown(e, view, a.page.tr, |view, status| async move {
                Ok(search(a, view, None, status))
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "privacy/staff_changes.html")]
struct ChangesTpl {
    page: Page,
    changes: Vec<Change>,
}

impl ChangesTpl {
    /// A kept value in words: roles by their names, the rest as stored.
    fn value(&self, what: &str, v: &Option<String>) -> String {
        match (what, v) {
            (_, None) => "–".into(),
            (duties::CHANGE_ROLES, Some(v)) if v.is_empty() => "–".into(),
            (duties::CHANGE_ROLES, Some(v)) => self.page.roles(v),
            (duties::CHANGE_PASSWORD_RESET, Some(v)) => {
                self.page.t(&format!("staff-change-password-{v}"))
            }
            (_, Some(v)) => v.clone(),
        }
    }
}

/// The data-protection officer's report of account changes: roles, organisations, password
/// resets, with who changed them and who confirmed.
async fn staff_changes(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let changes = duties::changes(&state.db, &a.ctx).await?;
    let page = a.page.at("privacy").titled("staff-changes-title");
    Ok(render_status(&ChangesTpl { page, changes }, StatusCode::OK))
}

#[derive(Template)]
#[template(path = "privacy/audit_chain.html")]
struct ChainTpl {
    page: Page,
    last: Option<ankommen_store::entities::audit_verification::Model>,
}

impl ChainTpl {
    /// Who ran the verification, in words.
    fn run_by(&self, v: &str) -> String {
        self.page.t(match v {
            "server" => "audit-chain-by-server",
            _ => "audit-chain-by-command-line",
        })
    }
    /// The first broken link's fault, in words.
    fn problem(&self, code: &Option<String>) -> String {
        let code = code.as_deref().unwrap_or("");
        match ankommen_core::kernel::audit::chain::Problem::from_code(code) {
            Some(p) => self.page.t(&format!("audit-chain-problem-{}", p.code())),
            None => "–".into(),
        }
    }
}

/// The state of the audit log's hash chain as last verified (decision 0019): when, by what, how
/// many links, the head's hash, and where it broke.
async fn audit_chain(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let last = ankommen_core::kernel::audit::chain::last_verification(&state.db, &a.ctx).await?;
    let page = a.page.at("privacy").titled("audit-chain-title");
    Ok(render_status(&ChainTpl { page, last }, StatusCode::OK))
}
