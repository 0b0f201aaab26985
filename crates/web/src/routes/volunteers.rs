//! Volunteers (issue 23, decision 0031): the organisation's register (list with filters, a
//! volunteer's form), matching a volunteer with a person of a case, ending a match, and the
//! coordinator's figures. The purpose of a match travels only in POST bodies and pages.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::administration::municipalities;
use ankommen_core::administration::settings::WorkRules;
use ankommen_core::casework::figures::disclosure::{Cell, Table};
use ankommen_core::casework::volunteers::{
    self, CATEGORIES, Filter, MatchChoices, MatchForm, VolunteerForm, languages_of,
    municipalities_of, offers_of,
};
use ankommen_core::kernel::catalog::ReleasedField;
use ankommen_core::kernel::catalog::{LANGUAGES, VolunteerOffer};
use ankommen_core::kernel::types::Locale;
use ankommen_core::records::releases::Released;
use ankommen_documents as documents;
use ankommen_store::entities::volunteer;

use super::{done, full_name, render_status, saved_or_reshown};
use crate::AppState;
use crate::download::file_download;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::i18n::Tr;
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/volunteers", get(list).post(create))
        .route("/volunteers/new", get(new_form))
        .route("/volunteers/figures", get(figures))
        .route("/volunteers/{id}", get(show).post(update))
        .route("/volunteers/{id}/delete", post(delete))
        .route(
            "/cases/{id}/volunteers/new",
            get(new_match).post(create_match),
        )
        .route("/volunteer-matches/{id}/end", post(end_match))
        .route("/volunteer-matches/{id}/sheet", get(sheet))
}

fn choices(page: &Page, list: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.to_string(), page.label(list, v)))
        .collect()
}

fn offers(page: &Page) -> Vec<(String, String)> {
    let v: Vec<&str> = VolunteerOffer::ALL.iter().map(|o| o.as_str()).collect();
    choices(page, "volunteer-offer", &v)
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

fn names_of(keys: &[&str], places: &[(String, String)]) -> String {
    keys.iter()
        .map(|a| {
            places
                .iter()
                .find(|(k, _)| k == a)
                .map_or(a.to_string(), |(_, n)| n.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A volunteer as the list shows them.
struct VolunteerRow {
    id: i64,
    name: String,
    phone: String,
    email: String,
    languages: String,
    offers: String,
    municipalities: String,
    availability: String,
    active: bool,
}

fn row_of(page: &Page, v: &volunteer::Model, places: &[(String, String)]) -> VolunteerRow {
    VolunteerRow {
        id: v.id,
        name: v.name.clone(),
        phone: v.phone.clone().unwrap_or_default(),
        email: v.email.clone().unwrap_or_default(),
        languages: languages_of(v)
            .iter()
            .map(|l| page.label("lang", l))
            .collect::<Vec<_>>()
            .join(", "),
        offers: offers_of(v)
            .iter()
            .map(|o| page.label("volunteer-offer", o))
            .collect::<Vec<_>>()
            .join(", "),
        municipalities: names_of(&municipalities_of(v), places),
        availability: v.availability.clone().unwrap_or_default(),
        active: v.active,
    }
}

fn filter_of(q: &FormData) -> (Filter, ankommen_core::FieldErrors) {
    Filter::parse(
        q.get("language"),
        q.get("offer"),
        q.get("municipality"),
        q.get("inactive"),
    )
}

// ---------------------------------------------------------------------------------------------
// The register

#[derive(Template)]
#[template(path = "network/volunteers.html")]
struct ListTpl {
    page: Page,
    form: FormView,
    rows: Vec<VolunteerRow>,
    offers: Vec<(String, String)>,
    municipalities: Vec<(String, String)>,
    languages: Vec<(String, String)>,
}

/// `GET /volunteers`: the organisation's register, filtered by language, offer and municipality.
async fn list(
    State(state): State<AppState>,
    a: Authed,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let (filter, errors) = filter_of(&q);
    let found = volunteers::list(&state.db, &a.ctx, &filter).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        crate::error::status_of(&Error::Invalid(errors.clone()))
    };
    let places = places(&state).await?;
    let page = a.page.at("volunteers").titled("volunteers-title");
    let tpl = ListTpl {
        form: FormView::from_data(&q).with_errors(&errors, &page.tr),
        rows: found.iter().map(|v| row_of(&page, v, &places)).collect(),
        offers: offers(&page),
        languages: languages(&page),
        municipalities: places,
        page,
    };
    Ok(render_status(&tpl, status))
}

#[derive(Template)]
#[template(path = "network/volunteer.html")]
struct VolunteerTpl {
    page: Page,
    form: FormView,
    /// None: a new volunteer.
    id: Option<i64>,
    offers: Vec<(String, String)>,
    municipalities: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    /// Matches naming the volunteer (any time), and running today.
    matched: i64,
    active_matches: i64,
}

fn volunteer_form(f: &FormData) -> VolunteerForm {
    VolunteerForm {
        name: f.get("name").into(),
        phone: f.get("phone").into(),
        email: f.get("email").into(),
        languages: f.all("languages"),
        offers: f.all("offers"),
        municipalities: f.all("municipalities"),
        availability: f.get("availability").into(),
        pledge_on: f.get("pledge_on").into(),
        works_with_minors: f.get("works_with_minors").into(),
        police_certificate_on: f.get("police_certificate_on").into(),
        note: f.get("note").into(),
        active: f.get("active").into(),
    }
}

fn stored(v: &volunteer::Model) -> FormView {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let mut pairs: Vec<(String, String)> = vec![
        ("name".into(), v.name.clone()),
        ("phone".into(), v.phone.clone().unwrap_or_default()),
        ("email".into(), v.email.clone().unwrap_or_default()),
        (
            "availability".into(),
            v.availability.clone().unwrap_or_default(),
        ),
        (
            "pledge_on".into(),
            v.pledge_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("works_with_minors".into(), yes_no(v.works_with_minors)),
        (
            "police_certificate_on".into(),
            v.police_certificate_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        ("note".into(), v.note.clone().unwrap_or_default()),
        ("active".into(), yes_no(v.active)),
        ("version".into(), v.version.to_string()),
    ];
    for (key, values) in [
        ("languages", languages_of(v)),
        ("offers", offers_of(v)),
        ("municipalities", municipalities_of(v)),
    ] {
        pairs.extend(values.iter().map(|x| (key.to_string(), x.to_string())));
    }
    FormView::from_pairs(pairs)
}

async fn volunteer_page(
    state: &AppState,
    a: Authed,
    shown: Option<&volunteer::Model>,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let places = places(state).await?;
    let (matched, active_matches) = match shown {
        Some(v) => volunteers::match_counts(state.db.reader(), v.id, a.ctx.today()).await?,
        None => (0, 0),
    };
    let mut page = a.page.at("volunteers");
    page.title = match shown {
        Some(v) => v.name.clone(),
        None => page.t("volunteer-new-title"),
    };
    let tpl = VolunteerTpl {
        form,
        id: shown.map(|v| v.id),
        offers: offers(&page),
        languages: languages(&page),
        municipalities: places,
        matched: i64::try_from(matched).unwrap_or(i64::MAX),
        active_matches: i64::try_from(active_matches).unwrap_or(i64::MAX),
        page,
    };
    Ok(render_status(&tpl, status))
}

/// `GET /volunteers/new` (the register's own check answers for whoever keeps none).
async fn new_form(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    volunteers::list(&state.db, &a.ctx, &Filter::default()).await?;
    let form = FormView::from_pairs([("active", "yes"), ("works_with_minors", "no")]);
    volunteer_page(&state, a, None, form, StatusCode::OK).await
}

/// `POST /volunteers`
async fn create(State(state): State<AppState>, a: Authed, form: FormData) -> AppResult<Response> {
    let saved = volunteers::create(&state.db, &a.ctx, &volunteer_form(&form))
        .await
        .map(|id| {
            done(
                &format!("/volunteers/{id}"),
                "volunteer-flash-saved",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move { volunteer_page(&state, a, None, view, status).await },
    )
    .await
}

/// `GET /volunteers/{id}`
async fn show(State(state): State<AppState>, a: Authed, Ids(id): Ids<i64>) -> AppResult<Response> {
    let v = volunteers::get(&state.db, &a.ctx, id).await?;
    volunteer_page(&state, a, Some(&v), stored(&v), StatusCode::OK).await
}

/// `POST /volunteers/{id}`
async fn update(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let result = match form.version() {
        Ok(v) => volunteers::update(&state.db, &a.ctx, id, v, &volunteer_form(&form)).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &format!("/volunteers/{id}"),
            "volunteer-flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let v = volunteers::get(&state.db, &a.ctx, id).await?;
            volunteer_page(&state, a, Some(&v), view, status).await
        },
    )
    .await
}

/// `POST /volunteers/{id}/delete`: only a volunteer no match names.
async fn delete(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    match volunteers::delete(&state.db, &a.ctx, id).await {
        Ok(()) => Ok(done(
            "/volunteers",
            "volunteer-flash-deleted",
            state.config.secure_cookies,
        )),
        Err(Error::Conflict(key)) => {
            let v = volunteers::get(&state.db, &a.ctx, id).await?;
            let view = stored(&v).with_general(a.page.t(key));
            volunteer_page(&state, a, Some(&v), view, StatusCode::CONFLICT).await
        }
        Err(e) => Err(AppError(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Matching

#[derive(Template)]
#[template(path = "network/volunteer_match.html")]
struct MatchTpl {
    page: Page,
    form: FormView,
    case_id: i64,
    case_number: String,
    volunteers: Vec<(String, String)>,
    persons: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    offers: Vec<(String, String)>,
    municipalities: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    /// The search as typed (language, offer, municipality).
    search: FormView,
    /// Where to record a release first, when the chosen categories have none.
    release_link: Option<String>,
}

fn match_form(f: &FormData) -> MatchForm {
    MatchForm {
        volunteer: f.get("volunteer").into(),
        person: f.get("person").into(),
        from: f.get("from").into(),
        until: f.get("until").into(),
        purpose: f.get("purpose").into(),
        categories: f.all("categories"),
    }
}

async fn match_page(
    state: &AppState,
    a: Authed,
    ch: MatchChoices,
    form: FormView,
    search: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let places = places(state).await?;
    let page = a.page.at("cases").titled("volunteer-match-title");
    let release_link = match (
        form.err("categories").is_some(),
        form.v("person").parse::<i64>(),
        form.v("volunteer").parse::<i64>(),
    ) {
        (true, Ok(p), Ok(v)) => Some(format!("/clients/{p}/releases/new?volunteer={v}")),
        _ => None,
    };
    let tpl = MatchTpl {
        form,
        search,
        case_id: ch.case.id,
        case_number: ch.case.case_number.clone(),
        volunteers: ch
            .volunteers
            .iter()
            .map(|v| {
                let langs = languages_of(v)
                    .iter()
                    .map(|l| page.label("lang", l))
                    .collect::<Vec<_>>()
                    .join(", ");
                let what = offers_of(v)
                    .iter()
                    .map(|o| page.label("volunteer-offer", o))
                    .collect::<Vec<_>>()
                    .join(", ");
                (v.id.to_string(), format!("{} ({langs}; {what})", v.name))
            })
            .collect(),
        persons: ch
            .persons
            .iter()
            .map(|p| (p.id.to_string(), full_name(p)))
            .collect(),
        categories: CATEGORIES
            .iter()
            .map(|c| (c.to_string(), page.label("data-category", c)))
            .collect(),
        offers: offers(&page),
        languages: languages(&page),
        municipalities: places,
        release_link,
        page,
    };
    Ok(render_status(&tpl, status))
}

/// `GET /cases/{id}/volunteers/new?language=ti&offer=homework&municipality=08990002`: the
/// volunteers the search finds (active ones), and the form to match one.
async fn new_match(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let (filter, errors) = filter_of(&q);
    let ch = volunteers::match_form(&state.db, &a.ctx, id, &filter).await?;
    let mut pairs = vec![("from".to_string(), a.ctx.today().to_string())];
    if let [only] = ch.persons.as_slice() {
        pairs.push(("person".into(), only.id.to_string()));
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        crate::error::status_of(&Error::Invalid(errors.clone()))
    };
    let search = FormView::from_data(&q).with_errors(&errors, &a.page.tr);
    match_page(&state, a, ch, FormView::from_pairs(pairs), search, status).await
}

/// `POST /cases/{id}/volunteers/new`
async fn create_match(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let saved = volunteers::record_match(&state.db, &a.ctx, &state.sealer, id, &match_form(&form))
        .await
        .map(|_| {
            done(
                &format!("/cases/{id}#volunteers"),
                "volunteer-match-flash-recorded",
                state.config.secure_cookies,
            )
        });
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |view, status| async move {
            let ch = volunteers::match_form(&state.db, &a.ctx, id, &Filter::default()).await?;
            match_page(&state, a, ch, view, FormView::new(), status).await
        },
    )
    .await
}

/// `POST /volunteer-matches/{id}/end`: from the case page. An invalid day is said on the case page.
async fn end_match(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let version = form.version().map_err(AppError)?;
    match volunteers::end_match(&state.db, &a.ctx, id, version, form.get("until")).await {
        Ok(case_id) => Ok(done(
            &format!("/cases/{case_id}#volunteers"),
            "volunteer-match-flash-ended",
            state.config.secure_cookies,
        )),
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let message = match &e {
                Error::Invalid(fe) => fe
                    .0
                    .iter()
                    .map(|x| format!("{}: {}", a.page.t("volunteer-match-until"), a.page.t(x.key)))
                    .collect::<Vec<_>>()
                    .join(" "),
                Error::Conflict(key) => a.page.t(key),
                _ => String::new(),
            };
            let Ok(case_id) = form.get("case").trim().parse::<i64>() else {
                return Err(AppError(e));
            };
            let status = crate::error::status_of(&e);
            let view = FormView::from_pairs(super::cases::defaults(&a)).with_general(message);
            super::cases::case_page(&state, a, case_id, view, "volunteer_match_end", status).await
        }
        Err(e) => Err(AppError(e)),
    }
}

/// A match as the case page lists it.
pub(super) struct MatchRow {
    pub id: i64,
    pub version: i32,
    pub volunteer: String,
    pub person: String,
    pub from: String,
    pub until: String,
    pub purpose: Option<ankommen_store::Opened>,
    pub categories: String,
    pub active: bool,
}

/// The case page's match rows.
pub(super) fn match_rows(
    page: &Page,
    view: &ankommen_core::casework::cases::CaseView,
) -> Vec<MatchRow> {
    view.volunteer_matches
        .iter()
        .map(|m| MatchRow {
            id: m.matched.id,
            version: m.matched.version,
            volunteer: m.volunteer.clone(),
            person: view
                .persons
                .iter()
                .find(|p| p.id == m.matched.person_id)
                .map(full_name)
                .unwrap_or_default(),
            from: page.date(m.matched.from_date),
            until: page.date_opt(m.matched.until_date),
            purpose: m.purpose.clone(),
            categories: if m.categories.is_empty() {
                page.t("referral-no-data")
            } else {
                m.categories
                    .iter()
                    .map(|c| page.label("data-category", c))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            active: m.active,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reminders (start page) and figures

/// A reminder about a volunteer as the start page shows it.
pub(super) struct ReminderRow {
    pub volunteer_id: i64,
    pub name: String,
    pub text: String,
}

/// The reminders for the actor's start page.
pub(super) async fn reminder_rows(
    state: &AppState,
    a: &Authed,
    rules: &WorkRules,
) -> AppResult<Vec<ReminderRow>> {
    Ok(volunteers::reminders(&state.db, &a.ctx, rules)
        .await?
        .into_iter()
        .map(|r| ReminderRow {
            volunteer_id: r.volunteer_id,
            name: r.name,
            text: match r.date {
                Some(d) => a.page.t1(
                    &format!("volunteer-reminder-{}", r.kind.as_str()),
                    "date",
                    a.page.date(d),
                ),
                None => a.page.t(&format!("volunteer-reminder-{}", r.kind.as_str())),
            },
        })
        .collect())
}

#[derive(Template)]
#[template(path = "network/volunteer_figures.html")]
struct FiguresTpl {
    page: Page,
    /// (municipality's name, active matches, active volunteers).
    rows: Vec<(String, String, String)>,
    total: (String, String),
}

fn cell(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Count(n)) => n.to_string(),
        Some(Cell::Small) => "< 5".into(),
        Some(Cell::Hidden) => "x".into(),
        None => "0".into(),
    }
}

/// `GET /volunteers/figures`: active matches and volunteers per municipality, for the
/// coordinator, under disclosure control (no names).
async fn figures(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let t: Table = volunteers::figures(&state.db, &a.ctx).await?;
    let places = places(&state).await?;
    let page = a.page.at("figures").titled("volunteer-figures-title");
    let [matches, people] = volunteers::FIGURE_COLUMNS;
    let rows = t
        .by_municipality
        .iter()
        .map(|(ags, r)| {
            (
                names_of(&[ags.as_str()], &places),
                cell(r.get(matches)),
                cell(r.get(people)),
            )
        })
        .collect();
    let total = (cell(t.total.get(matches)), cell(t.total.get(people)));
    Ok(render_status(
        &FiguresTpl { page, rows, total },
        StatusCode::OK,
    ))
}

// ---------------------------------------------------------------------------------------------
// The sheet for the volunteer

#[derive(Debug, Default, serde::Deserialize)]
pub struct SheetQuery {
    #[serde(default)]
    lang: String,
}

/// The released data as the sheet prints it: the name and birth head it, the other fields by
/// their keys of the Art. 15 report, labelled in German.
fn sheet_released(
    released: &[ankommen_core::records::releases::Disclosure],
) -> Option<documents::SheetReleased> {
    if released.is_empty() {
        return None;
    }
    let de = Tr::new(Locale::De);
    let (mut name, mut original, mut birth) = (None, None, None);
    let mut record = Vec::new();
    for d in released {
        for (field, value) in &d.fields {
            match (field, value) {
                (ReleasedField::Name, Released::Name { latin, original: o }) => {
                    name = Some(latin.clone());
                    original = o.clone();
                }
                (ReleasedField::Birth, v) => birth = Some(super::cases::released_text(&de, v)),
                (f, v) => {
                    let key = match f {
                        ReleasedField::Address => "address",
                        ReleasedField::Phone => "phone",
                        ReleasedField::Email => "email",
                        ReleasedField::Languages => "languages",
                        // The core hands the sheet no other field (`volunteers::SHEET_FIELDS`).
                        _ => continue,
                    };
                    record.push((key.to_string(), super::cases::released_text(&de, v)));
                }
            }
        }
    }
    Some(documents::SheetReleased {
        client: name.map(|name| documents::Party {
            name,
            name_original: original,
            birth: birth.unwrap_or_default(),
        }),
        record,
        data_categories: released.iter().map(|d| d.category.to_string()).collect(),
    })
}

/// `GET /volunteer-matches/{id}/sheet?lang=xx`: the one-page sheet for the volunteer as PDF.
async fn sheet(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    axum::extract::Query(q): axum::extract::Query<SheetQuery>,
) -> AppResult<Response> {
    let lang = match q.lang.trim() {
        "" => "de".to_string(),
        l if documents::is_supported(l) => l.to_string(),
        _ => return Err(AppError(Error::NotFound)),
    };
    let s = volunteers::sheet(&state.db, &a.ctx, &state.sealer, id).await?;
    let doc = documents::VolunteerSheet {
        organisation: s.im_organisation,
        im_name: s.im_name,
        im_email: s.im_email,
        municipality: s.municipality,
        volunteer: s.volunteer,
        purpose: s.purpose.unwrap_or_default(),
        from: s.from,
        until: s.until,
        released: sheet_released(&s.released),
        date: s.printed_on,
    };
    let file_name = format!("ehrenamt-{id}-{lang}.pdf");
    let bytes = tokio::task::spawn_blocking(move || documents::volunteer_sheet_pdf(&lang, &doc))
        .await
        .map_err(|e| Error::Internal(format!("PDF task: {e}")))?
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(file_download(bytes, "application/pdf", &file_name))
}
