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
use ankommen_core::casework::referrals::{
    self, FormChoices, LetterChoices, LetterForm, ReferralForm,
};
use ankommen_core::kernel::catalog::{BringItem, DataCategory, ReferralResult};
use ankommen_documents as documents;

use super::plans::{LanguageRow, print_languages, print_warning};
use super::{done, full_name, render_status, saved_or_reshown};
use crate::AppState;
use crate::download::file_download;
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
        .route(
            "/referrals/{id}/letter",
            get(letter_page).post(print_letter),
        )
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

// ---------------------------------------------------------------------------------------------
// The referral letter

#[derive(Template)]
#[template(path = "network/referral_letter.html")]
struct LetterTpl {
    page: Page,
    form: FormView,
    id: i64,
    case_id: i64,
    case_number: String,
    service: String,
    person: String,
    date: String,
    bring: Vec<(String, String)>,
    /// The data categories the referral passed on (labels).
    categories: String,
    may_carry_data: bool,
    /// Why the letter carries no part for the service (a message key), when it cannot.
    no_data_reason: &'static str,
    languages: Vec<LanguageRow>,
    print_warning: Option<String>,
}

fn letter_view(a: Authed, ch: LetterChoices, form: FormView, status: StatusCode) -> Response {
    let mut page = a.page.at("cases");
    page.title = page.t("letter-title");
    let r = &ch.referral;
    let mut languages = print_languages(&ch.languages);
    // What was chosen before a failed submission stays chosen.
    if !form.v("lang").is_empty() && languages.iter().any(|l| l.code == form.v("lang")) {
        for l in &mut languages {
            l.selected = l.code == form.v("lang");
        }
    }
    let print_warning = print_warning(&page, &languages);
    let no_data_reason = if r.person_id.is_none() {
        "letter-no-data-household"
    } else if ch.categories.is_empty() {
        "letter-no-data-none-passed"
    } else {
        "letter-no-data-no-release"
    };
    let tpl = LetterTpl {
        form,
        id: r.id,
        case_id: r.case_id,
        case_number: ch.case_number.clone(),
        service: r.service_name.clone(),
        person: match &ch.person {
            Some(p) => full_name(p),
            None => page.t("referral-household"),
        },
        date: page.date(r.referral_date),
        bring: BringItem::ALL
            .iter()
            .map(|b| (b.to_string(), page.label("bring-item", b)))
            .collect(),
        categories: ch
            .categories
            .iter()
            .map(|c| page.label("data-category", c))
            .collect::<Vec<_>>()
            .join(", "),
        may_carry_data: ch.may_carry_data,
        no_data_reason,
        languages,
        print_warning,
        page,
    };
    render_status(&tpl, status)
}

/// `GET /referrals/{id}/letter`: the letter's language, what to bring, and — when a release
/// covers what the referral passed on — a part for the service with a summary.
async fn letter_page(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let ch = referrals::letter_form(&state.db, &a.ctx, &state.sealer, id).await?;
    let mut pairs: Vec<(String, String)> = [
        BringItem::Passport,
        BringItem::ResidencePermit,
        BringItem::ThisLetter,
    ]
    .iter()
    .map(|b| ("bring".to_string(), b.to_string()))
    .collect();
    if ch.may_carry_data {
        pairs.push(("with_data".into(), "1".into()));
        if let Some(reason) = ch.reason.as_ref().and_then(|r| r.text()) {
            pairs.push(("summary".into(), reason.to_string()));
        }
    }
    Ok(letter_view(
        a,
        ch,
        FormView::from_pairs(pairs),
        StatusCode::OK,
    ))
}

/// `POST /referrals/{id}/letter`: the letter as PDF; an invalid form is shown again as typed.
async fn print_letter(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let lang = form.get("lang").trim().to_string();
    let printed = if documents::is_supported(&lang) {
        let letter = LetterForm {
            bring: form.all("bring"),
            bring_other: form.get("bring_other").into(),
            with_data: !form.get("with_data").is_empty(),
            summary: form.get("summary").into(),
        };
        match referrals::letter(&state.db, &a.ctx, id, &letter).await {
            Ok(p) => letter_pdf(id, lang, p).await,
            Err(e) => Err(e),
        }
    } else {
        // The chooser's id is the plan's (`f-print-lang`): the error summary links to it.
        Err(Error::field("print-lang", "error-choice"))
    };
    saved_or_reshown(
        printed,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let ch = referrals::letter_form(&state.db, &a.ctx, &state.sealer, id).await?;
            Ok(letter_view(a, ch, view, status))
        },
    )
    .await
}

async fn letter_pdf(id: i64, lang: String, p: referrals::LetterPrint) -> Result<Response, Error> {
    let service = match &p.service {
        Some(s) => documents::LetterService {
            name: s.name.clone(),
            address: s.address.clone(),
            phone: s.phone.clone(),
            email: s.email.clone(),
            opening_hours: s.opening_hours.clone(),
        },
        None => documents::LetterService {
            name: p.service_name.clone(),
            ..documents::LetterService::default()
        },
    };
    let letter = documents::ReferralLetter {
        organisation: p.issuer.organisation,
        im_name: p.issuer.im_name,
        im_email: p.im_email,
        municipality: p.issuer.municipality,
        service,
        referred_on: p.referred_on,
        field: p.field,
        bring: p.bring.iter().map(|b| b.to_string()).collect(),
        bring_other: p.bring_other,
        released: p.released.map(|r| documents::LetterReleased {
            client: r.person.map(|c| documents::Party {
                name: c.full_name(),
                name_original: c.name_original,
                birth: c.birth,
            }),
            data_categories: r.categories.iter().map(|c| c.to_string()).collect(),
            release_valid_from: r.release_valid_from,
            summary: r.summary,
        }),
        date: p.date,
    };
    let file_name = format!("vermittlung-{id}-{lang}.pdf");
    let bytes = tokio::task::spawn_blocking(move || documents::referral_letter_pdf(&lang, &letter))
        .await
        .map_err(|e| Error::Internal(format!("PDF task: {e}")))?
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(file_download(bytes, "application/pdf", &file_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letter_offers_exactly_what_the_documents_can_print() {
        let offered: Vec<&str> = BringItem::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(offered, documents::BRING_ITEMS);
    }
}
