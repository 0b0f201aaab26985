//! Administration: municipalities, organisations with their teams and service areas.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use ankommen_core::administration::municipalities::{self, MunicipalityInput};
use ankommen_core::administration::organisations::{self, OrganisationInput};
use ankommen_core::administration::overview::{self, AdminCounts};
use ankommen_core::administration::service_areas::{self, AreaRow, ServiceAreaInput};
use ankommen_core::administration::teams;
use ankommen_core::kernel::policy::{Action, Resource};
use ankommen_core::kernel::types::{Name, OrgKind};
use ankommen_core::{Error, FieldErrors};
use ankommen_store::entities::{municipality, organisation, team};

use super::{done, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexTpl {
    page: Page,
    counts: AdminCounts,
    organisations: bool,
    municipalities: bool,
    own_organisation: i64,
}

pub async fn index(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let counts = overview::administration(&state.db, &a.ctx).await?;
    let areas = ankommen_core::kernel::policy::areas(&a.ctx.actor);
    Ok(render(&IndexTpl {
        page: a.page.at("admin").titled("admin-title"),
        counts,
        organisations: areas.organisations,
        municipalities: areas.municipalities,
        own_organisation: a.ctx.actor.organisation_id,
    }))
}

/// The fields of the simple edit forms (municipality, team): name, active, and the record's version.
fn named_edit(form: &FormData) -> Result<(Name, bool, i32), Error> {
    form.edit(Name::parse(form.get("name")).map_err(|key| Error::field("name", key)))
}

/// The values of a simple edit form, from the stored record.
fn edit_values(name: &str, active: bool, version: i32) -> FormView {
    let mut pairs = vec![("name", name.to_string()), ("version", version.to_string())];
    if active {
        pairs.push(("active", "on".into()));
    }
    FormView::from_pairs(pairs)
}

// --- municipalities -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/municipalities.html")]
struct MunicipalitiesTpl {
    page: Page,
    items: Vec<municipality::Model>,
    form: FormView,
}

async fn municipalities_page(
    state: &AppState,
    a: Authed,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let items = municipalities::list_managed(&state.db, &a.ctx).await?;
    Ok(render_status(
        &MunicipalitiesTpl {
            page: a.page.at("admin").titled("municipalities-title"),
            items,
            form,
        },
        status,
    ))
}

pub async fn municipalities(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    municipalities_page(&state, a, FormView::new(), StatusCode::OK).await
}

pub async fn create_municipality(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match MunicipalityInput::parse(form.get("ags"), form.get("name")) {
        Ok(input) => municipalities::create(&state.db, &a.ctx, input).await,
        Err(e) => Err(Error::Invalid(e)),
    };
    let saved = result.map(|()| {
        done(
            "/admin/municipalities",
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        municipalities_page(&state, a, view, status)
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/municipality.html")]
struct MunicipalityTpl {
    page: Page,
    item: municipality::Model,
    form: FormView,
}

fn municipality_form(m: &municipality::Model) -> FormView {
    edit_values(&m.name, m.active, m.version)
}

pub async fn municipality(
    State(state): State<AppState>,
    a: Authed,
    Path(ags): Path<String>,
) -> AppResult<Response> {
    let item = municipalities::get_managed(&state.db, &a.ctx, &ags).await?;
    let form = municipality_form(&item);
    Ok(render(&MunicipalityTpl {
        page: a.page.at("admin").titled("municipality-edit-title"),
        item,
        form,
    }))
}

pub async fn update_municipality(
    State(state): State<AppState>,
    a: Authed,
    Path(ags): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match named_edit(&form) {
        Ok((name, active, v)) => {
            municipalities::update(&state.db, &a.ctx, &ags, name, active, v).await
        }
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            "/admin/municipalities",
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        let item = municipalities::get_managed(&state.db, &a.ctx, &ags).await?;
        let page = a.page.at("admin").titled("municipality-edit-title");
        Ok(render_status(
            &MunicipalityTpl {
                page,
                item,
                form: view,
            },
            status,
        ))
    })
    .await
}

// --- organisations --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/organisations.html")]
struct OrganisationsTpl {
    page: Page,
    items: Vec<organisation::Model>,
    /// The ids in the exchange file the organisations were imported from.
    imported: std::collections::HashMap<i64, String>,
    municipalities: Vec<municipality::Model>,
    kinds: Vec<(String, String)>,
    form: FormView,
    can_create: bool,
}

fn kinds(page: &Page) -> Vec<(String, String)> {
    OrgKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), page.tr.org_kind(k.as_str())))
        .collect()
}

async fn organisations_page(
    state: &AppState,
    a: Authed,
    form: FormView,
    status: StatusCode,
) -> AppResult<Response> {
    let items = organisations::list(&state.db, &a.ctx).await?;
    let can_create = a
        .ctx
        .allows(Action::ManageOrganisations, &Resource::Deployment);
    let page = a.page.at("admin").titled("organisations-title");
    Ok(render_status(
        &OrganisationsTpl {
            kinds: kinds(&page),
            page,
            items,
            imported: ankommen_core::casework::exchange::external_ids(
                &state.db,
                ankommen_core::casework::exchange::Kind::Organisation,
            )
            .await?,
            municipalities: municipalities::list(&state.db).await?,
            form,
            can_create,
        },
        status,
    ))
}

pub async fn organisations(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    organisations_page(&state, a, FormView::new(), StatusCode::OK).await
}

fn parse_organisation(form: &FormData) -> Result<OrganisationInput, Error> {
    OrganisationInput::parse(form.get("name"), form.get("kind"), form.get("municipality"))
        .map_err(Error::Invalid)
}

pub async fn create_organisation(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match parse_organisation(&form) {
        Ok(input) => organisations::create(&state.db, &a.ctx, input).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|id| {
        done(
            &format!("/admin/organisations/{id}"),
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        organisations_page(&state, a, view, status)
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/organisation.html")]
struct OrganisationTpl {
    page: Page,
    item: organisation::Model,
    teams: Vec<team::Model>,
    municipalities: Vec<municipality::Model>,
    kinds: Vec<(String, String)>,
    form: FormView,
    team_form: FormView,
    /// The service area: its periods, and the forms to add a municipality and to end a period.
    areas: Vec<AreaRow>,
    area_form: FormView,
    end_form: FormView,
    /// A period without an end exists (the form to end one is shown).
    can_end: bool,
    can_edit: bool,
    /// May require a second factor of the organisation's staff (decision 0038).
    may_require: bool,
    second_factor_required: bool,
}

/// The forms of an organisation's page, each with what was typed and its errors when it failed.
#[derive(Default)]
struct OrganisationForms {
    /// The organisation's own form; `None`: its stored values.
    edit: Option<FormView>,
    team: FormView,
    area: FormView,
    end: FormView,
}

fn organisation_form(o: &organisation::Model) -> FormView {
    let mut pairs = vec![
        ("name", o.name.clone()),
        ("kind", o.kind.clone()),
        (
            "municipality",
            o.municipality_ags.clone().unwrap_or_default(),
        ),
        ("version", o.version.to_string()),
    ];
    if o.active {
        pairs.push(("active", "on".into()));
    }
    FormView::from_pairs(pairs)
}

async fn organisation_page(
    state: &AppState,
    a: Authed,
    id: i64,
    forms: OrganisationForms,
    status: StatusCode,
) -> AppResult<Response> {
    let item = organisations::get(&state.db, &a.ctx, id).await?;
    let teams = teams::list(&state.db, &a.ctx, id).await?;
    let areas = service_areas::of_organisation(&state.db, &a.ctx, id).await?;
    let today = a.ctx.today().to_string();
    let mut area_form = forms.area;
    if area_form.v("area_from").is_empty() {
        area_form.set("area_from", &today);
    }
    let mut end_form = forms.end;
    if end_form.v("area_until").is_empty() {
        end_form.set("area_until", &today);
    }
    let can_edit = a
        .ctx
        .allows(Action::ManageOrganisations, &Resource::Organisation { id });
    let may_require = a
        .ctx
        .allows(Action::ManageStaff, &Resource::Organisation { id });
    let second_factor_required =
        ankommen_core::administration::second_factor::required(state.db.reader(), id).await?;
    let page = a.page.at("admin");
    let mut page = page;
    page.title = item.name.clone();
    Ok(render_status(
        &OrganisationTpl {
            kinds: kinds(&page),
            form: forms.edit.unwrap_or_else(|| organisation_form(&item)),
            page,
            item,
            teams,
            municipalities: municipalities::list(&state.db).await?,
            team_form: forms.team,
            can_end: areas.iter().any(|r| r.area.valid_until.is_none()),
            areas,
            area_form,
            end_form,
            can_edit,
            may_require,
            second_factor_required,
        },
        status,
    ))
}

pub async fn organisation(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    organisation_page(&state, a, id, OrganisationForms::default(), StatusCode::OK).await
}

pub async fn update_organisation(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match form.edit(parse_organisation(&form)) {
        Ok((input, active, v)) => {
            organisations::update(&state.db, &a.ctx, id, input, active, v).await
        }
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &format!("/admin/organisations/{id}"),
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        let forms = OrganisationForms {
            edit: Some(view),
            ..OrganisationForms::default()
        };
        organisation_page(&state, a, id, forms, status)
    })
    .await
}

pub async fn create_team(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match Name::parse(form.get("team_name")) {
        Ok(name) => teams::create(&state.db, &a.ctx, id, name).await.map(|_| ()),
        Err(key) => Err(Error::field("team_name", key)),
    };
    // The core names the field "name"; on this page the team's field is "team_name".
    let result = result.map_err(|e| match e {
        Error::Invalid(fe) => {
            let mut mapped = FieldErrors::new();
            for f in fe.0 {
                mapped.add(
                    if f.field == "name" {
                        "team_name"
                    } else {
                        f.field
                    },
                    f.key,
                );
            }
            Error::Invalid(mapped)
        }
        other => other,
    });
    organisation_form_saved(&state, a, id, view, result, |team| OrganisationForms {
        team,
        ..OrganisationForms::default()
    })
    .await
}

/// One of the organisation page's small forms saved: back to the page; or the page again with that
/// form as typed and its errors (`slot` puts it in its place).
async fn organisation_form_saved(
    state: &AppState,
    a: Authed,
    id: i64,
    view: FormView,
    result: Result<(), Error>,
    slot: fn(FormView) -> OrganisationForms,
) -> AppResult<Response> {
    let saved = result.map(|()| {
        done(
            &format!("/admin/organisations/{id}"),
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| {
        organisation_page(state, a, id, slot(view), status)
    })
    .await
}

/// The county office's administrator adds a municipality to an organisation's service area.
pub async fn add_service_area(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match ServiceAreaInput::parse(form.get("area_municipality"), form.get("area_from"))
    {
        Ok(input) => service_areas::add(&state.db, &a.ctx, id, input)
            .await
            .map(|_| ()),
        Err(e) => Err(Error::Invalid(e)),
    };
    organisation_form_saved(&state, a, id, view, result, |area| OrganisationForms {
        area,
        ..OrganisationForms::default()
    })
    .await
}

/// The county office's administrator ends a period of an organisation's service area.
pub async fn end_service_area(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = service_areas::end(
        &state.db,
        &a.ctx,
        id,
        form.get("area_id"),
        form.get("area_until"),
    )
    .await;
    organisation_form_saved(&state, a, id, view, result, |end| OrganisationForms {
        end,
        ..OrganisationForms::default()
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/team.html")]
struct TeamTpl {
    page: Page,
    item: team::Model,
    form: FormView,
}

fn team_form(t: &team::Model) -> FormView {
    edit_values(&t.name, t.active, t.version)
}

pub async fn team(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let item = teams::get(&state.db, &a.ctx, id).await?;
    let form = team_form(&item);
    Ok(render(&TeamTpl {
        page: a.page.at("admin").titled("team-edit-title"),
        item,
        form,
    }))
}

pub async fn update_team(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match named_edit(&form) {
        Ok((name, active, v)) => teams::update(&state.db, &a.ctx, id, name, active, v).await,
        Err(e) => Err(e),
    };
    let saved = match result {
        Ok(()) => {
            let t = teams::get(&state.db, &a.ctx, id).await?;
            Ok(done(
                &format!("/admin/organisations/{}", t.organisation_id),
                "flash-saved",
                state.config.secure_cookies,
            ))
        }
        Err(e) => Err(e),
    };
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        let item = teams::get(&state.db, &a.ctx, id).await?;
        let page = a.page.at("admin").titled("team-edit-title");
        Ok(render_status(
            &TeamTpl {
                page,
                item,
                form: view,
            },
            status,
        ))
    })
    .await
}
