//! Consents (with the signed scan), releases from confidentiality, and the printable bilingual forms.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use ankommen_core::administration::organisations;
use ankommen_core::casework::clients::{self, ClientView};
use ankommen_core::kernel::catalog::{ConsentForm, DataCategory, LANGUAGES, RecipientCategory};
use ankommen_core::records::consent::{
    self, ConsentDetail, ConsentInput, ConsentState, Data, Upload,
};
use ankommen_core::records::printing::{self, ConsentData, Printable, PrintedPerson, ReleaseData};
use ankommen_core::records::releases::{self, ReleaseForm, ReleaseInput, ReleaseView};
use ankommen_core::{Error, FieldErrors};
use ankommen_documents as documents;

use super::{done, render_status, saved_or_reshown};
use crate::AppState;
use crate::download::file_download;
use crate::error::{AppError, AppResult};
use crate::forms::{BadForm, FormData, FormView};
use crate::ids::Ids;
use crate::layers::{MAX_UPLOAD_BYTES, UploadTruncated};
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    let upload_limit = DefaultBodyLimit::max(MAX_UPLOAD_BYTES);
    Router::new()
        .route("/clients/{id}/consents/new", get(consent_form))
        .route(
            "/clients/{id}/consents",
            post(record_consent).layer(upload_limit),
        )
        .route("/consents/{id}", get(consent_page))
        .route("/consents/{id}/scan", post(attach_scan).layer(upload_limit))
        .route("/consents/{id}/withdraw", get(withdraw_form).post(withdraw))
        .route("/documents/{id}", get(download))
        .route("/clients/{id}/releases/new", get(release_form))
        .route("/clients/{id}/releases", post(create_release))
        .route("/releases/{id}", get(release_page))
        .route("/releases/{id}/revoke", post(revoke_release))
        .route("/clients/{id}/forms", get(forms_page))
        .route("/clients/{id}/forms/consent", get(consent_pdf))
        .route("/releases/{id}/form", get(release_pdf))
}

// ----- multipart input --------------------------------------------------------------------------

/// A multipart form with at most one file (`scan`). The body was already limited (and, when too
/// large, cut) by the session layer; a cut body means "file too large", never a stored file.
pub struct UploadForm {
    pub fields: FormData,
    pub scan: Option<Vec<u8>>,
    pub too_large: bool,
}

impl<S: Send + Sync> FromRequest<S> for UploadForm {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let cut = req.extensions().get::<UploadTruncated>().is_some();
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|_| BadForm.into_response())?;
        let mut form = UploadForm {
            fields: FormData::default(),
            scan: None,
            too_large: cut,
        };
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(_) if cut => break,
                Err(_) => return Err(BadForm.into_response()),
            };
            let name = field.name().unwrap_or("").to_string();
            let is_file = field.file_name().is_some();
            match field.bytes().await {
                Ok(b) if is_file => {
                    // An empty file part is a file input left empty.
                    if name == "scan" && !b.is_empty() {
                        form.scan = Some(b.to_vec());
                    }
                }
                Ok(b) => form
                    .fields
                    .0
                    .push((name, String::from_utf8_lossy(&b).into_owned())),
                Err(_) if cut => break,
                Err(_) => return Err(BadForm.into_response()),
            }
        }
        if form.too_large {
            form.scan = None;
        }
        Ok(form)
    }
}

/// The scan of an upload form, and the error when it was cut for size.
pub(crate) fn scan_of(form: &UploadForm) -> (Option<Upload>, Option<FieldErrors>) {
    let scan = form.scan.clone().map(|bytes| Upload { bytes });
    let err = form.too_large.then(|| {
        let mut e = FieldErrors::new();
        e.add("scan", "error-scan-too-large");
        e
    });
    (scan, err)
}

fn name_of(given: &str, family: &str) -> String {
    format!("{given} {family}")
}

// ----- consent ----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "consent/new.html")]
struct ConsentNewTpl {
    page: Page,
    v: ClientView,
    form: FormView,
    languages: Vec<(&'static str, String)>,
    forms: Vec<(&'static str, String)>,
    max_mb: usize,
}

fn languages(page: &Page) -> Vec<(&'static str, String)> {
    LANGUAGES
        .iter()
        .map(|l| (*l, page.label("lang", l)))
        .collect()
}

async fn consent_new_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let v = clients::get(&state.db, &a.ctx, id).await?;
    let mut page = a.page.at("cases");
    page.title = page.t("consent-new-title");
    Ok(render_status(
        &ConsentNewTpl {
            languages: languages(&page),
            forms: ConsentForm::ALL
                .iter()
                .map(|f| (f.as_str(), page.label("consent-form", f.as_str())))
                .collect(),
            max_mb: consent::MAX_SCAN_BYTES / (1024 * 1024),
            page,
            v,
            form,
        },
        status,
    ))
}

async fn consent_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let form = FormView::from_pairs([
        ("text_version", documents::CONSENT_TEXT_VERSION.to_string()),
        ("given_on", a.ctx.today().to_string()),
        ("form", ConsentForm::Paper.as_str().to_string()),
    ]);
    consent_new_page(&state, a, id, form, StatusCode::OK).await
}

async fn record_consent(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    upload: UploadForm,
) -> AppResult<Response> {
    let f = &upload.fields;
    let (scan, cut) = scan_of(&upload);
    let parsed = ConsentInput::parse(
        f.get("text_version"),
        f.get("language"),
        f.get("given_on"),
        f.get("form"),
        scan,
        a.ctx.today(),
    );
    let result = match (parsed, cut) {
        (Ok(input), None) => consent::record(&state.db, &a.ctx, &state.sealer, id, input).await,
        (Ok(_), Some(e)) => Err(Error::Invalid(e)),
        (Err(mut e), cut) => {
            e.0.extend(cut.map(|c| c.0).unwrap_or_default());
            Err(Error::Invalid(e))
        }
    };
    let saved = result.map(|_| {
        done(
            &format!("/clients/{id}"),
            "consent-flash-recorded",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, FormView::from_data(f), a.page.tr, |view, status| {
        consent_new_page(&state, a, id, view, status)
    })
    .await
}

#[derive(Template)]
#[template(path = "consent/show.html")]
struct ConsentTpl {
    page: Page,
    d: ConsentDetail,
    /// Whether the consent is in force today.
    active: bool,
    form: FormView,
    max_mb: usize,
}

async fn consent_show(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let d = consent::get(&state.db, &a.ctx, id).await?;
    let today = a.ctx.today();
    let c = &d.consent;
    let active = c.given_on <= today && c.withdrawn_on.is_none_or(|w| w > today);
    let mut page = a.page.at("cases");
    page.title = page.t("consent-title");
    Ok(render_status(
        &ConsentTpl {
            page,
            d,
            active,
            form,
            max_mb: consent::MAX_SCAN_BYTES / (1024 * 1024),
        },
        status,
    ))
}

async fn consent_page(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    consent_show(&state, a, id, FormView::new(), StatusCode::OK).await
}

async fn attach_scan(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    upload: UploadForm,
) -> AppResult<Response> {
    let result = match scan_of(&upload) {
        (_, Some(e)) => Err(Error::Invalid(e)),
        (None, None) => Err(Error::field("scan", "error-required")),
        (Some(u), None) => consent::attach_scan(&state.db, &a.ctx, &state.sealer, id, u).await,
    };
    let saved = result.map(|person_id| {
        done(
            &format!("/clients/{person_id}"),
            "consent-flash-scan-added",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, FormView::new(), a.page.tr, |view, status| {
        consent_show(&state, a, id, view, status)
    })
    .await
}

#[derive(Template)]
#[template(path = "consent/withdraw.html")]
struct WithdrawTpl {
    page: Page,
    d: ConsentDetail,
    form: FormView,
}

async fn withdraw_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: Option<FormView>,
    status: StatusCode,
) -> AppResult<Response> {
    let d = consent::get(&state.db, &a.ctx, id).await?;
    let form = form.unwrap_or_else(|| {
        FormView::from_pairs([
            ("withdrawn_on", a.ctx.today().to_string()),
            ("version", d.consent.version.to_string()),
        ])
    });
    let mut page = a.page.at("cases");
    page.title = page.t("consent-withdraw-title");
    Ok(render_status(&WithdrawTpl { page, d, form }, status))
}

async fn withdraw_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    withdraw_page(&state, a, id, None, StatusCode::OK).await
}

async fn withdraw(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version() {
        Ok(v) => {
            consent::withdraw(
                &state.db,
                &a.ctx,
                id,
                v,
                form.get("withdrawn_on"),
                form.get("withdrawal_note"),
            )
            .await
        }
        Err(e) => Err(e),
    };
    let saved = result.map(|person_id| {
        done(
            &format!("/clients/{person_id}"),
            "consent-flash-withdrawn",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| withdraw_page(&state, a, id, Some(view), status),
    )
    .await
}

async fn download(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let d = consent::document(&state.db, &a.ctx, &state.sealer, id).await?;
    Ok(file_download(d.bytes, &d.content_type, &d.file_name))
}

// ----- releases ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "consent/release_new.html")]
struct ReleaseNewTpl {
    page: Page,
    v: ClientView,
    form: FormView,
    consent_active: bool,
    organisations: Vec<(i64, String)>,
    recipient_categories: Vec<(&'static str, String)>,
    categories: Vec<(&'static str, String, bool)>,
}

async fn release_new_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let v = clients::get(&state.db, &a.ctx, id).await?;
    let own = a.ctx.actor.organisation_id;
    let mut orgs: Vec<(i64, String)> = organisations::active_names(&state.db)
        .await?
        .into_iter()
        .filter(|(oid, _)| *oid != own)
        .collect();
    orgs.sort_by(|x, y| x.1.cmp(&y.1));
    let mut page = a.page.at("cases");
    page.title = page.t("release-new-title");
    Ok(render_status(
        &ReleaseNewTpl {
            consent_active: v.coverage.covers(Data::Sharing),
            organisations: orgs,
            recipient_categories: RecipientCategory::ALL
                .iter()
                .map(|c| (c.as_str(), page.label("recipient-category", c.as_str())))
                .collect(),
            categories: DataCategory::ALL
                .iter()
                .map(|c| {
                    (
                        c.as_str(),
                        page.label("data-category", c.as_str()),
                        *c == DataCategory::Health,
                    )
                })
                .collect(),
            page,
            v,
            form,
        },
        status,
    ))
}

/// `GET /clients/{id}/releases/new`; `?service=<id>` names an entry of the directory as the
/// recipient (the referral form links here when a release is missing); `?volunteer=<id>` names
/// a volunteer of the organisation's register (the match form does).
async fn release_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> AppResult<Response> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let mut pairs = vec![
        ("valid_from", a.ctx.today().to_string()),
        ("mutual", "no".to_string()),
    ];
    if let Ok(sid) = q.get("service").parse::<i64>()
        && let Ok(s) = ankommen_core::administration::services::get(&state.db, &a.ctx, sid).await
    {
        pairs.push(("recipient", "other".into()));
        pairs.push(("recipient_name", s.name));
        pairs.push(("recipient_category", s.category));
    } else if let Ok(vid) = q.get("volunteer").parse::<i64>()
        && let Ok(v) = ankommen_core::casework::volunteers::get(&state.db, &a.ctx, vid).await
    {
        // A volunteer is named as releases name recipients outside the deployment.
        pairs.push(("recipient", "other".into()));
        pairs.push(("recipient_name", v.name));
        pairs.push((
            "recipient_category",
            ankommen_core::kernel::catalog::RecipientCategory::Volunteers
                .as_str()
                .into(),
        ));
    }
    let form = FormView::from_pairs(pairs);
    release_new_page(&state, a, id, form, StatusCode::OK).await
}

async fn create_release(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let raw = ReleaseForm {
        recipient: form.get("recipient").into(),
        recipient_name: form.get("recipient_name").into(),
        recipient_category: form.get("recipient_category").into(),
        categories: form.all("categories"),
        purpose: form.get("purpose").into(),
        valid_from: form.get("valid_from").into(),
        valid_until: form.get("valid_until").into(),
        mutual: form.get("mutual").into(),
    };
    let result = match ReleaseInput::parse(&raw) {
        Ok(input) => releases::create(&state.db, &a.ctx, id, input).await,
        Err(e) => Err(Error::Invalid(e)),
    };
    let saved = result.map(|rid| {
        done(
            &format!("/releases/{rid}"),
            "release-flash-recorded",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| release_new_page(&state, a, id, view, status),
    )
    .await
}

#[derive(Template)]
#[template(path = "consent/release.html")]
struct ReleaseTpl {
    page: Page,
    r: ReleaseView,
    person: ankommen_store::entities::person::Model,
    form: FormView,
}

async fn release_show(
    state: &AppState,
    a: Authed,
    id: i64,
    form: Option<FormView>,
    status: StatusCode,
) -> AppResult<Response> {
    let releases::ReleaseDetail { view: r, person } = releases::get(&state.db, &a.ctx, id).await?;
    let form = form.unwrap_or_else(|| {
        FormView::from_pairs([
            ("revoked_on", a.ctx.today().to_string()),
            ("version", r.release.version.to_string()),
        ])
    });
    let mut page = a.page.at("cases");
    page.title = page.t("release-title");
    Ok(render_status(
        &ReleaseTpl {
            page,
            r,
            person,
            form,
        },
        status,
    ))
}

async fn release_page(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    release_show(&state, a, id, None, StatusCode::OK).await
}

async fn revoke_release(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version() {
        Ok(v) => releases::revoke(&state.db, &a.ctx, id, v, form.get("revoked_on")).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|_| {
        done(
            &format!("/releases/{id}"),
            "release-flash-revoked",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| release_show(&state, a, id, Some(view), status),
    )
    .await
}

// ----- printable forms --------------------------------------------------------------------------

/// A form language as the chooser shows it.
struct LanguageRow {
    code: &'static str,
    native_name: String,
    rtl: bool,
    reviewed: bool,
}

#[derive(Template)]
#[template(path = "consent/forms.html")]
struct FormsTpl {
    page: Page,
    p: Printable,
    languages: Vec<LanguageRow>,
}

async fn forms_page(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let p = printing::printable(&state.db, &a.ctx, id).await?;
    let languages = documents::languages()
        .into_iter()
        .map(|l| LanguageRow {
            reviewed: l.is_reviewed(),
            rtl: l.dir == documents::Dir::Rtl,
            code: l.code,
            native_name: l.native_name,
        })
        .collect();
    let mut page = a.page.at("cases");
    page.title = page.t("forms-title");
    Ok(render_status(
        &FormsTpl { page, p, languages },
        StatusCode::OK,
    ))
}

#[derive(Debug, Default, Deserialize)]
struct LangQuery {
    #[serde(default)]
    lang: String,
}

/// The requested form language: German when none is given; an unknown one answers 404.
fn form_lang(q: &LangQuery) -> AppResult<String> {
    let lang = match q.lang.trim() {
        "" => "de",
        l => l,
    };
    if documents::is_supported(lang) {
        Ok(lang.to_string())
    } else {
        Err(AppError(Error::NotFound))
    }
}

fn party(p: &PrintedPerson) -> documents::Party {
    documents::Party {
        name: name_of(&p.given_name, &p.family_name),
        name_original: p.name_original.clone(),
        birth: p.birth.clone(),
    }
}

fn consent_document(d: ConsentData) -> documents::ConsentForm {
    documents::ConsentForm {
        client: party(&d.client),
        organisation: d.issuer.organisation,
        im_name: d.issuer.im_name,
        municipality: d.issuer.municipality,
        text_version: documents::CONSENT_TEXT_VERSION.to_string(),
        date: d.date,
    }
}

fn release_document(d: ReleaseData) -> documents::ReleaseForm {
    documents::ReleaseForm {
        client: party(&d.client),
        organisation: d.issuer.organisation,
        im_name: d.issuer.im_name,
        recipient: d.recipient,
        data_categories: d
            .categories
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        purpose: d.purpose,
        valid_from: d.valid_from,
        valid_until: d.valid_until,
        mutual: d.mutual,
        date: d.date,
    }
}

/// Renders a PDF off the async threads (typst layout takes a while).
async fn pdf(
    f: impl FnOnce() -> Result<Vec<u8>, documents::DocumentError> + Send + 'static,
    file_name: String,
) -> AppResult<Response> {
    let bytes = tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(format!("PDF task: {e}")))?
        .map_err(|e| match e {
            documents::DocumentError::UnsupportedLanguage => Error::NotFound,
            other => Error::Internal(other.to_string()),
        })?;
    Ok(file_download(bytes, "application/pdf", &file_name))
}

async fn consent_pdf(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    Query(q): Query<LangQuery>,
) -> AppResult<Response> {
    let lang = form_lang(&q)?;
    let form = consent_document(printing::consent_data(&state.db, &a.ctx, id).await?);
    let name = format!("einwilligung-{lang}.pdf");
    pdf(move || documents::consent_pdf(&lang, &form), name).await
}

async fn release_pdf(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    Query(q): Query<LangQuery>,
) -> AppResult<Response> {
    let lang = form_lang(&q)?;
    let form = release_document(printing::release_data(&state.db, &a.ctx, id).await?);
    let name = format!("schweigepflichtentbindung-{lang}.pdf");
    pdf(move || documents::release_pdf(&lang, &form), name).await
}
