//! Client records: registration with duplicate hints, the record, minimum and intake data, health
//! needs (opened explicitly, every opening audited), and the household.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::administration::intake_catalog::{IntakeCatalog, IntakeList};
use ankommen_core::administration::municipalities;
use ankommen_core::casework::clients::{
    self, ClientView, DuplicateHint, HouseholdView, Intake, IntakeForm, MemberCase, MinimumForm,
    MinimumInput, RegisterInput, Registered,
};
use ankommen_core::casework::duplicates;
use ankommen_core::kernel::catalog::{
    GermanLevel, HouseholdRelation, Housing, LANGUAGES, LanguageLevel, NATIONALITIES, Sex,
    TargetGroup,
};
use ankommen_core::kernel::types::{Birth, parse_date_opt, parse_text};
use ankommen_core::records::consent::{ConsentState, Data};
use ankommen_store::entities::municipality;

use super::{done, full_name, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clients", post(register))
        .route("/clients/new", get(new_form))
        .route("/clients/{id}", get(record))
        .route("/clients/{id}/edit", get(edit_form).post(edit))
        .route("/clients/{id}/intake", get(intake_form).post(intake))
        .route("/clients/{id}/health/open", post(open_health))
        .route("/clients/{id}/health", post(save_health))
        .route("/clients/{id}/members/new", get(member_form))
        .route("/clients/{id}/members", post(add_member))
        .route("/households/{id}", get(household))
}

/// The value lists the client forms offer, with their labels in the user's language.
pub struct Choices {
    pub municipalities: Vec<(String, String)>,
    pub target_groups: Vec<(String, String)>,
    pub relations: Vec<(String, String)>,
    pub sexes: Vec<(String, String)>,
    pub german_levels: Vec<(String, String)>,
    pub language_levels: Vec<(String, String)>,
    pub languages: Vec<(String, String)>,
    pub nationalities: Vec<(String, String)>,
    pub residence: Vec<(String, String)>,
    pub housing: Vec<(String, String)>,
    pub benefits: Vec<(String, String)>,
    pub health_insurance: Vec<(String, String)>,
}

fn labelled<T: Copy + std::fmt::Display>(
    page: &Page,
    list: &str,
    all: &[T],
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (v.to_string(), page.label(list, v)))
        .collect()
}

/// The name of a key of an intake list: the administrator's name of a local value, the label
/// file's of a fixed one.
fn intake_label(page: &Page, c: &IntakeCatalog, list: &str, key: &str) -> String {
    match IntakeList::parse(list) {
        Ok(l) => c
            .local_label(l, key, page.lang())
            .map(str::to_string)
            .unwrap_or_else(|| page.label(l.label_prefix(), key)),
        Err(_) => key.to_string(),
    }
}

/// The fixed values of an intake list with their labels, then the administrator's active ones.
fn intake_options(page: &Page, c: &IntakeCatalog, list: IntakeList) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = list
        .fixed()
        .into_iter()
        .map(|v| (v.to_string(), page.label(list.label_prefix(), v)))
        .collect();
    out.extend(
        c.offered(list)
            .map(|e| (e.key.clone(), e.label(page.lang()).to_string())),
    );
    out
}

async fn choices(state: &AppState, a: &Authed) -> AppResult<Choices> {
    let intake = IntakeCatalog::load(state.db.reader()).await?;
    let page = &a.page;
    let all: Vec<municipality::Model> = municipalities::list(&state.db).await?;
    let municipalities = all
        .into_iter()
        .filter(|m| a.ctx.actor.municipalities.contains(&m.ags))
        .map(|m| (m.ags, m.name))
        .collect();
    Ok(Choices {
        municipalities,
        target_groups: labelled(page, "target-group", TargetGroup::ALL),
        relations: labelled(page, "relation", HouseholdRelation::ALL),
        sexes: labelled(page, "sex", Sex::ALL),
        german_levels: labelled(page, "german-level", GermanLevel::ALL),
        language_levels: labelled(page, "language-level", LanguageLevel::ALL),
        languages: labelled(page, "lang", LANGUAGES),
        nationalities: labelled(page, "country", NATIONALITIES),
        residence: intake_options(page, &intake, IntakeList::ResidenceStatus),
        housing: labelled(page, "housing", Housing::ALL),
        benefits: intake_options(page, &intake, IntakeList::Benefit),
        health_insurance: intake_options(page, &intake, IntakeList::HealthInsurance),
    })
}

fn minimum_form(form: &FormData) -> MinimumForm {
    MinimumForm {
        given_name: form.get("given_name").into(),
        family_name: form.get("family_name").into(),
        name_original: form.get("name_original").into(),
        birth: form.get("birth").into(),
        municipality: form.get("municipality").into(),
        au_move_in: form.get("au_move_in").into(),
        target_group: form.get("target_group").into(),
    }
}

#[derive(Template)]
#[template(path = "clients/new.html")]
struct NewTpl {
    page: Page,
    form: FormView,
    c: Choices,
    duplicates: Vec<DuplicateHint>,
}

async fn new_page(
    state: &AppState,
    a: Authed,
    form: FormView,
    duplicates: Vec<DuplicateHint>,
    status: StatusCode,
) -> AppResult<Response> {
    let c = choices(state, &a).await?;
    let page = a.page.at("cases").titled("client-new-title");
    Ok(render_status(
        &NewTpl {
            page,
            form,
            c,
            duplicates,
        },
        status,
    ))
}

pub async fn new_form(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let muni = a
        .ctx
        .actor
        .municipalities
        .first()
        .cloned()
        .unwrap_or_default();
    let form = FormView::from_pairs([
        ("municipality", muni),
        (
            "target_group",
            TargetGroup::FollowUpHousing.as_str().to_string(),
        ),
    ]);
    new_page(&state, a, form, vec![], StatusCode::OK).await
}

pub async fn register(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let today = a.ctx.today();
    let parsed = (|| {
        let minimum = MinimumInput::parse(&minimum_form(&form), today).map_err(Error::Invalid)?;
        let mut e = ankommen_core::FieldErrors::new();
        let clock_start = e
            .take("clock_start", parse_date_opt(form.get("clock_start")))
            .flatten();
        let eligibility_note = e
            .take(
                "eligibility_note",
                parse_text(form.get("eligibility_note"), 2000),
            )
            .flatten();
        let duplicates_checked = match form.flag("duplicates_checked", "on") {
            Ok(v) => v,
            Err(_) => {
                e.add("duplicates_checked", "error-choice");
                false
            }
        };
        e.into_result()?;
        Ok::<_, Error>(RegisterInput {
            minimum,
            clock_start,
            eligibility_note,
            duplicates_checked,
        })
    })();
    let result = match parsed {
        Ok(input) => clients::register(&state.db, &a.ctx, &state.sealer, input).await,
        Err(e) => Err(e),
    };
    let (saved, hints) = match result {
        Ok(Registered::Created { person_id, .. }) => (
            Ok(done(
                &format!("/clients/{person_id}"),
                "flash-client-registered",
                state.config.secure_cookies,
            )),
            vec![],
        ),
        // Possible matches: a conflict with stored records, shown with the form until the user
        // confirms that none of them is this person.
        Ok(Registered::PossibleDuplicates(hints)) => {
            (Err(Error::Conflict("client-duplicates-found")), hints)
        }
        Err(e) => (Err(e), vec![]),
    };
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        new_page(&state, a, view, hints, status)
    })
    .await
}

/// A person's birth as shown: the date or the year, and whether they are a minor today.
pub fn birth_of(p: &ankommen_store::entities::person::Model) -> String {
    Birth::from_stored(p.birth_date, p.birth_year).display()
}

#[derive(Template)]
#[template(path = "clients/record.html")]
struct RecordTpl {
    page: Page,
    v: ClientView,
    municipality: String,
    birth: String,
    /// Whether the consent covers the health needs, and new releases.
    health_covered: bool,
    sharing_covered: bool,
    /// Outcomes: the current state and the history (`outcomes/_record.html`).
    outcomes: super::outcomes::OutcomeSection,
    /// Whose record (`cases/_who.html`).
    who: super::cases::Who,
    /// The administrator's intake values, for their names.
    intake_catalog: IntakeCatalog,
}

impl RecordTpl {
    /// The name of a key of an intake list (`residence_status`, `benefit`, `health_insurance`).
    fn intake_label(&self, list: &str, key: &str) -> String {
        intake_label(&self.page, &self.intake_catalog, list, key)
    }

    /// Beside each case: when it is erased, and when this person's voluntary data goes after a
    /// withdrawal of consent.
    fn erasure_lines(&self, i: &usize) -> Vec<String> {
        let Some(r) = self.v.erasure.get(*i) else {
            return Vec::new();
        };
        let name = format!("{} {}", self.v.person.given_name, self.v.person.family_name);
        let mut lines = vec![super::retention::erasure_line(&self.page, r)];
        lines.extend(
            r.withdrawn
                .iter()
                .map(|w| super::retention::withdrawn_line(&self.page, &name, w)),
        );
        lines
    }
}

async fn municipality_name(state: &AppState, ags: &str) -> String {
    municipalities::get(&state.db, ags)
        .await
        .map(|m| m.name)
        .unwrap_or_else(|_| ags.to_string())
}

pub async fn record(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let v = match clients::get(&state.db, &a.ctx, id).await {
        // A person merged into another: the link leads to the one that kept both histories (whose
        // page asks the policy again).
        Err(Error::NotFound) => match duplicates::survivor_of(&state.db, id).await? {
            Some(survivor) => {
                return Ok(Redirect::to(&format!("/clients/{survivor}")).into_response());
            }
            None => return Err(Error::NotFound.into()),
        },
        v => v?,
    };
    let outcomes = super::outcomes::record_section(&state, &a, id).await?;
    let municipality = municipality_name(&state, &v.person.municipality_ags).await;
    let mut page = a.page.at("cases");
    page.title = format!("{} {}", v.person.given_name, v.person.family_name);
    let intake_catalog = IntakeCatalog::load(state.db.reader()).await?;
    Ok(render(&RecordTpl {
        intake_catalog,
        who: super::cases::Who::people([&v.person], &v.cases),
        outcomes,
        page,
        birth: birth_of(&v.person),
        health_covered: v.coverage.covers(Data::Health),
        sharing_covered: v.coverage.covers(Data::Sharing),
        municipality,
        v,
    }))
}

#[derive(Template)]
#[template(path = "clients/edit.html")]
struct EditTpl {
    page: Page,
    id: i64,
    form: FormView,
    c: Choices,
}

fn minimum_view(p: &ankommen_store::entities::person::Model) -> FormView {
    FormView::from_pairs([
        ("given_name", p.given_name.clone()),
        ("family_name", p.family_name.clone()),
        ("name_original", p.name_original.clone().unwrap_or_default()),
        ("birth", birth_of(p)),
        ("municipality", p.municipality_ags.clone()),
        (
            "au_move_in",
            p.au_move_in.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("target_group", p.target_group.clone()),
        ("version", p.version.to_string()),
    ])
}

async fn edit_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let c = choices(state, &a).await?;
    let page = a.page.at("cases").titled("client-edit-title");
    Ok(render_status(&EditTpl { page, id, form, c }, status))
}

pub async fn edit_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let v = clients::get(&state.db, &a.ctx, id).await?;
    edit_page(&state, a, id, minimum_view(&v.person), StatusCode::OK).await
}

pub async fn edit(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let today = a.ctx.today();
    let result =
        match form.edit(MinimumInput::parse(&minimum_form(&form), today).map_err(Error::Invalid)) {
            Ok((m, _, version)) => {
                clients::update_minimum(&state.db, &a.ctx, &state.sealer, id, version, m).await
            }
            Err(e) => Err(e),
        };
    let saved = result.map(|()| {
        done(
            &format!("/clients/{id}"),
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        edit_page(&state, a, id, view, status)
    })
    .await
}

#[derive(Template)]
#[template(path = "clients/intake.html")]
struct IntakeTpl {
    page: Page,
    id: i64,
    name: String,
    form: FormView,
    c: Choices,
    /// Index and (code, level) of the language rows to show.
    language_rows: Vec<(usize, String, String)>,
}

fn intake_view(p: &ankommen_store::entities::person::Model) -> FormView {
    let i = Intake::from_person(p);
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut pairs: Vec<(String, String)> = vec![
        (
            "sex".into(),
            i.sex.map(|s| s.to_string()).unwrap_or_default(),
        ),
        ("nationality".into(), o(&i.nationality)),
        (
            "german_level".into(),
            i.german_level.map(|s| s.to_string()).unwrap_or_default(),
        ),
        ("german_certificate".into(), o(&i.german_certificate)),
        ("school".into(), o(&i.school)),
        ("vocational".into(), o(&i.vocational)),
        ("work_experience".into(), o(&i.work_experience)),
        ("profession".into(), o(&i.profession)),
        ("interests".into(), o(&i.interests)),
        (
            "residence_status".into(),
            i.residence_status
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
        (
            "residence_valid_until".into(),
            i.residence_valid_until
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        ("residence_basis".into(), o(&i.residence_basis)),
        (
            "entry_date".into(),
            i.entry_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "housing".into(),
            i.housing.map(|s| s.to_string()).unwrap_or_default(),
        ),
        (
            "health_insurance".into(),
            i.health_insurance
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
        ("health_insurer".into(), o(&i.health_insurer)),
        ("phone".into(), o(&i.phone)),
        ("email".into(), o(&i.email)),
        ("address".into(), o(&i.address)),
        ("interpreter_language".into(), o(&i.interpreter_language)),
        ("version".into(), p.version.to_string()),
    ];
    for b in &i.benefits {
        pairs.push(("benefits".into(), b.to_string()));
    }
    for l in &i.languages {
        pairs.push(("language_code".into(), l.code.clone()));
        pairs.push(("language_level".into(), l.level.clone()));
    }
    FormView::from_pairs(pairs)
}

/// Rows for the language list: what was typed (or stored), plus empty rows up to at least four.
fn language_rows(codes: Vec<String>, levels: Vec<String>) -> Vec<(usize, String, String)> {
    let mut rows: Vec<(usize, String, String)> = codes
        .into_iter()
        .zip(levels.into_iter().chain(std::iter::repeat(String::new())))
        .filter(|(c, _)| !c.is_empty())
        .enumerate()
        .map(|(i, (c, l))| (i, c, l))
        .collect();
    while rows.len() < 4 {
        rows.push((rows.len(), String::new(), String::new()));
    }
    rows
}

async fn intake_page(
    state: &AppState,
    a: Authed,
    id: i64,
    name: String,
    form: FormView,
    language_rows: Vec<(usize, String, String)>,
    status: StatusCode,
) -> AppResult<Response> {
    let c = choices(state, &a).await?;
    let page = a.page.at("cases").titled("client-intake-title");
    Ok(render_status(
        &IntakeTpl {
            page,
            id,
            name,
            form,
            c,
            language_rows,
        },
        status,
    ))
}

pub async fn intake_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let v = clients::get(&state.db, &a.ctx, id).await?;
    if v.intake.is_none() {
        // Without an active consent there is no intake form; the record explains why.
        return Err(AppError(Error::Conflict("error-no-consent")));
    }
    let form = intake_view(&v.person);
    let rows = language_rows(
        form_all(&form, "language_code"),
        form_all(&form, "language_level"),
    );
    intake_page(
        &state,
        a,
        id,
        full_name(&v.person),
        form,
        rows,
        StatusCode::OK,
    )
    .await
}

fn form_all(f: &FormView, name: &str) -> Vec<String> {
    f.all(name)
}

fn intake_input(form: &FormData) -> IntakeForm {
    let codes = form.all("language_code");
    let levels = form.all("language_level");
    IntakeForm {
        sex: form.get("sex").into(),
        nationality: form.get("nationality").into(),
        languages: codes
            .into_iter()
            .zip(levels.into_iter().chain(std::iter::repeat(String::new())))
            .collect(),
        german_level: form.get("german_level").into(),
        german_certificate: form.get("german_certificate").into(),
        school: form.get("school").into(),
        vocational: form.get("vocational").into(),
        work_experience: form.get("work_experience").into(),
        profession: form.get("profession").into(),
        interests: form.get("interests").into(),
        residence_status: form.get("residence_status").into(),
        residence_valid_until: form.get("residence_valid_until").into(),
        residence_basis: form.get("residence_basis").into(),
        entry_date: form.get("entry_date").into(),
        housing: form.get("housing").into(),
        benefits: form.all("benefits"),
        health_insurance: form.get("health_insurance").into(),
        health_insurer: form.get("health_insurer").into(),
        phone: form.get("phone").into(),
        email: form.get("email").into(),
        address: form.get("address").into(),
        interpreter_language: form.get("interpreter_language").into(),
    }
}

pub async fn intake(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match form.edit(Intake::parse(&intake_input(&form)).map_err(Error::Invalid)) {
        Ok((i, _, version)) => {
            clients::update_intake(&state.db, &a.ctx, &state.sealer, id, version, i).await
        }
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &format!("/clients/{id}"),
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        let v = clients::get(&state.db, &a.ctx, id).await?;
        let rows = language_rows(form.all("language_code"), form.all("language_level"));
        intake_page(&state, a, id, full_name(&v.person), view, rows, status).await
    })
    .await
}

#[derive(Template)]
#[template(path = "clients/health.html")]
struct HealthTpl {
    page: Page,
    id: i64,
    name: String,
    form: FormView,
}

/// Opening the health needs is a POST: an explicit act, audited, and never cached or prefetched.
pub async fn open_health(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let (text, version) = clients::open_health(&state.db, &a.ctx, &state.sealer, id).await?;
    let v = clients::get(&state.db, &a.ctx, id).await?;
    let page = a.page.at("cases").titled("client-health-title");
    let form = FormView::from_pairs([("version".to_string(), version.to_string())]).with_sealed(
        "health",
        text.as_ref(),
        &page.tr,
    );
    Ok(render(&HealthTpl {
        page,
        id,
        name: full_name(&v.person),
        form,
    }))
}

pub async fn save_health(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let parsed = parse_text(form.get("health"), 4000)
        .map_err(|k| Error::field("health", k))
        .and_then(|t| form.version().map(|v| (t, v)));
    let result = match parsed {
        Ok((text, version)) => {
            clients::update_health(&state.db, &a.ctx, &state.sealer, id, version, text).await
        }
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &format!("/clients/{id}"),
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        let v = clients::get(&state.db, &a.ctx, id).await?;
        let page = a.page.at("cases").titled("client-health-title");
        Ok(render_status(
            &HealthTpl {
                page,
                id,
                name: full_name(&v.person),
                form: view,
            },
            status,
        ))
    })
    .await
}

#[derive(Template)]
#[template(path = "clients/member.html")]
struct MemberTpl {
    page: Page,
    id: i64,
    name: String,
    form: FormView,
    c: Choices,
    /// The client's open cases: (id, case number).
    cases: Vec<(i64, String)>,
}

async fn member_page(
    state: &AppState,
    a: Authed,
    id: i64,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let v = clients::get(&state.db, &a.ctx, id).await?;
    let c = choices(state, &a).await?;
    let mut form = form;
    form.set("municipality", &v.person.municipality_ags);
    let cases = v
        .cases
        .iter()
        .filter(|c| c.status != "closed")
        .map(|c| (c.id, c.case_number.clone()))
        .collect();
    let page = a.page.at("cases").titled("client-member-title");
    Ok(render_status(
        &MemberTpl {
            page,
            id,
            name: full_name(&v.person),
            form,
            c,
            cases,
        },
        status,
    ))
}

pub async fn member_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let form = FormView::from_pairs([("case_mode", "join"), ("relation", "child")]);
    member_page(&state, a, id, form, StatusCode::OK).await
}

pub async fn add_member(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let today = a.ctx.today();
    // The member lives in the client's household: the core takes the client's municipality.
    let mut raw = minimum_form(&form);
    if raw.target_group.is_empty() {
        raw.target_group = TargetGroup::FollowUpHousing.as_str().into();
    }
    if raw.municipality.is_empty() {
        // Replaced by the client's municipality in the core; any valid key passes the parser.
        raw.municipality = a
            .ctx
            .actor
            .municipalities
            .first()
            .cloned()
            .unwrap_or_default();
    }
    let parsed = MinimumInput::parse(&raw, today).map_err(Error::Invalid);
    let relation =
        HouseholdRelation::parse(form.get("relation")).map_err(|k| Error::field("relation", k));
    let mode = match form.get("case_mode") {
        "own" => Ok(MemberCase::Own),
        "none" => Ok(MemberCase::None),
        other => other
            .strip_prefix("join:")
            .and_then(|id| id.parse().ok())
            .map(MemberCase::Join)
            .ok_or_else(|| Error::field("case_mode", "error-choice")),
    };
    let result = match (parsed, relation, mode) {
        (Ok(m), Ok(r), Ok(mode)) => clients::add_member(&state.db, &a.ctx, id, m, r, mode).await,
        (p, r, m) => {
            let mut all = ankommen_core::FieldErrors::new();
            for e in [p.err(), r.err(), m.err()].into_iter().flatten() {
                if let Error::Invalid(fe) = e {
                    all.0.extend(fe.0);
                }
            }
            Err(Error::Invalid(all))
        }
    };
    let saved = result.map(|_| {
        done(
            &format!("/clients/{id}"),
            "flash-member-added",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        member_page(&state, a, id, view, status)
    })
    .await
}

#[derive(Template)]
#[template(path = "clients/household.html")]
struct HouseholdTpl {
    page: Page,
    h: HouseholdView,
    /// Whose household (`cases/_who.html`).
    who: super::cases::Who,
}

pub async fn household(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let h = clients::household(&state.db, &a.ctx, id).await?;
    let page = a.page.at("cases").titled("household-title");
    let who = super::cases::Who::people(h.members.iter().map(|m| &m.person), &h.cases);
    Ok(render(&HouseholdTpl { page, h, who }))
}
