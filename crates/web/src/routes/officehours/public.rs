//! The public office-hours page (*Sprechstunden*), without login: the municipalities with office
//! hours, each municipality's next weeks (day, time, room address and accessibility, languages
//! named in themselves, the public note, the organisation — not the IM's name: the page needs
//! whom to visit, not whom to ask for, and staff need not be findable by name on the web) and
//! its poster. It is mounted outside the session layer (`routes::with_middleware`): no session
//! is looked up, no session or CSRF cookie is set, nothing is audited, and it shows no client
//! data at all (office hours hold none).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use ankommen_core::administration::office_hours::{self, Filter, Held, PUBLIC_WEEKS};
use ankommen_core::kernel::types::{Ags, Locale};
use chrono::Duration;

use crate::AppState;
use crate::error::AppError;
use crate::ids::Ids;
use crate::layers::RequestState;
use crate::page::Page;

/// The interface language asked for with `?lang=` (German unless English is asked for), and the
/// whole query's pairs.
fn query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
}

fn value<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn request_state(q: &[(String, String)]) -> RequestState {
    RequestState {
        locale: value(q, "lang").and_then(|l| Locale::parse(l).ok()),
        ..RequestState::default()
    }
}

async fn page_for(state: &AppState, rs: &RequestState) -> Page {
    let deployment = ankommen_core::administration::settings::get(
        &state.db,
        ankommen_core::administration::settings::DEPLOYMENT_NAME,
    )
    .await
    .ok()
    .flatten()
    .unwrap_or_default();
    Page::build(rs, state, deployment).at("sprechstunden")
}

fn today(state: &AppState) -> chrono::NaiveDate {
    state
        .clock
        .now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive()
}

#[derive(Template)]
#[template(path = "officehours/public_list.html")]
struct ListTpl {
    page: Page,
    municipalities: Vec<(String, String)>,
}

/// `GET /sprechstunden`
pub async fn list(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let q = query(raw.as_deref());
    let rs = request_state(&q);
    let mut page = page_for(&state, &rs).await;
    page.title = page.t("public-office-hours-title");
    match office_hours::public_municipalities(&state.db, today(&state)).await {
        Ok(municipalities) => crate::routes::render(&ListTpl {
            page,
            municipalities,
        }),
        Err(e) => crate::layers::public_error(AppError(e), &rs, &state).await,
    }
}

/// One occurrence as the public page shows it.
pub(crate) struct PublicRow {
    pub day: String,
    pub time: String,
    pub room: String,
    pub address: String,
    pub accessibility: Option<String>,
    /// (key, name in itself)
    pub languages: Vec<(String, String)>,
    pub note: Option<String>,
    pub organisation: String,
}

pub(crate) fn public_row(page: &Page, h: &Held) -> PublicRow {
    PublicRow {
        day: page.date_wd(h.occurrence.date),
        time: format!(
            "{}–{}",
            h.occurrence.starts_at.format("%H:%M"),
            h.occurrence.ends_at.format("%H:%M")
        ),
        room: h.room.name.clone(),
        address: format!("{}, {} {}", h.room.street, h.room.postcode, h.room.city),
        accessibility: h.room.accessibility.clone(),
        languages: h
            .languages
            .iter()
            .map(|l| (l.clone(), office_hours::own_name(l).to_string()))
            .collect(),
        note: h.public_note.clone(),
        organisation: h.organisation_name.clone(),
    }
}

#[derive(Template)]
#[template(path = "officehours/public_municipality.html")]
struct MunicipalityTpl {
    page: Page,
    ags: String,
    rows: Vec<PublicRow>,
    /// The poster's languages: (code, name in itself).
    posters: Vec<(String, String)>,
}

/// `GET /sprechstunden/{ags}`: the next weeks' office hours of a municipality.
pub async fn municipality(
    State(state): State<AppState>,
    ags: Result<Ids<Ags>, AppError>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let rs = request_state(&q);
    let found = async {
        let Ids(ags) = ags?;
        let Some(name) = office_hours::municipality_name(&state.db, ags.as_str()).await? else {
            return Err(AppError(ankommen_core::Error::NotFound));
        };
        let from = today(&state);
        let held = office_hours::between(
            state.db.reader(),
            &Filter::Municipality(ags.as_str().to_string()),
            from,
            from + Duration::weeks(PUBLIC_WEEKS),
        )
        .await?;
        Ok((ags, name, held))
    }
    .await;
    let (ags, name, held) = match found {
        Ok(v) => v,
        Err(e) => return crate::layers::public_error(e, &rs, &state).await,
    };
    let mut page = page_for(&state, &rs).await;
    page.title = page.t1("public-office-hours-municipality", "name", &name);
    let rows = held.iter().map(|h| public_row(&page, h)).collect();
    crate::routes::render(&MunicipalityTpl {
        ags: ags.as_str().to_string(),
        rows,
        posters: ankommen_documents::languages()
            .into_iter()
            .map(|l| (l.code.to_string(), l.native_name))
            .collect(),
        page,
    })
}

/// `GET /sprechstunden/{ags}/aushang.pdf?lang=xx`: the poster, German beside the language asked
/// for (one of the forms' languages; German alone without one).
pub async fn poster(
    State(state): State<AppState>,
    ags: Result<Ids<Ags>, AppError>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let rs = request_state(&q);
    let made = async {
        let Ids(ags) = ags?;
        let lang = match value(&q, "lang").filter(|l| !l.is_empty()) {
            None => "de".to_string(),
            Some(l) if ankommen_documents::is_supported(l) => l.to_string(),
            Some(_) => return Err(AppError(ankommen_core::Error::NotFound)),
        };
        let Some(name) = office_hours::municipality_name(&state.db, ags.as_str()).await? else {
            return Err(AppError(ankommen_core::Error::NotFound));
        };
        let from = today(&state);
        let held = office_hours::between(
            state.db.reader(),
            &Filter::Municipality(ags.as_str().to_string()),
            from,
            from + Duration::weeks(PUBLIC_WEEKS),
        )
        .await?;
        let poster = ankommen_documents::OfficeHoursPoster {
            municipality: name,
            from,
            to: from + Duration::weeks(PUBLIC_WEEKS),
            rows: held
                .iter()
                .map(|h| ankommen_documents::PosterRow {
                    date: h.occurrence.date,
                    starts_at: h.occurrence.starts_at.format("%H:%M").to_string(),
                    ends_at: h.occurrence.ends_at.format("%H:%M").to_string(),
                    room: h.room.name.clone(),
                    address: format!("{}, {} {}", h.room.street, h.room.postcode, h.room.city),
                    accessibility: h.room.accessibility.clone(),
                    languages: h
                        .languages
                        .iter()
                        .map(|l| office_hours::own_name(l).to_string())
                        .collect(),
                    note: h.public_note.clone(),
                    organisation: h.organisation_name.clone(),
                })
                .collect(),
        };
        let pdf = ankommen_documents::office_hours_poster_pdf(&lang, &poster)
            .map_err(|e| AppError(ankommen_core::Error::Internal(format!("poster: {e}"))))?;
        Ok((ags, lang, pdf))
    }
    .await;
    match made {
        Ok((ags, lang, pdf)) => {
            let mut r = (StatusCode::OK, pdf).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!(
                "inline; filename=\"sprechstunden-{}-{lang}.pdf\"",
                ags.as_str()
            )) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Err(e) => crate::layers::public_error(e, &rs, &state).await,
    }
}
