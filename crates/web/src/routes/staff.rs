//! Administration of staff: list, create (with a one-time setup link), edit, deactivate.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use ankommen_core::Error;
use ankommen_core::administration::duties::{self, Reset};
use ankommen_core::administration::municipalities;
use ankommen_core::administration::organisations;
use ankommen_core::administration::staff::{self, ListFilter, StaffDetail, StaffForm, StaffInput};
use ankommen_core::administration::teams;
use ankommen_core::kernel::types::{Role, RoleSet};
use ankommen_store::entities::{municipality, team};

use super::{done, render_status, reshown, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

#[derive(Clone, Debug)]
pub struct Row {
    pub id: i64,
    pub display_name: String,
    pub username: String,
    /// The id in the exchange file the person was imported from.
    pub external_id: String,
    pub organisation: String,
    pub team: String,
    pub roles: String,
    pub active: bool,
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "admin/staff_list.html")]
struct ListTpl {
    page: Page,
    rows: Vec<Row>,
    organisations: Vec<(i64, String)>,
    roles: Vec<(String, String)>,
    filter: FormView,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    inactive: String,
}

fn role_choices(page: &Page) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), page.tr.role(*r)))
        .collect()
}

fn roles_label(page: &Page, roles: &RoleSet) -> String {
    roles
        .iter()
        .map(|r| page.tr.role(r))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn list(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    // A filter value outside its choices is a field error (the list is shown without that
    // condition), never silently dropped.
    let mut e = ankommen_core::FieldErrors::new();
    let organisation_id = match q.organisation.trim() {
        "" => None,
        s => e.take("organisation", s.parse().map_err(|_| "error-choice")),
    };
    let role = match q.role.trim() {
        "" => None,
        s => e.take("role", Role::parse(s)),
    };
    let include_inactive = match q.inactive.trim() {
        "" => false,
        "on" => true,
        _ => {
            e.add("inactive", "error-choice");
            false
        }
    };
    let f = ListFilter {
        organisation_id,
        team_id: None,
        role,
        include_inactive,
        query: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
    };
    let people = staff::list(&state.db, &a.ctx, &f).await?;
    let org_names = organisations::names(&state.db).await?;
    let team_names: std::collections::HashMap<i64, String> =
        teams::list_all_visible(&state.db, &a.ctx)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
    let imported = ankommen_core::casework::exchange::external_ids(
        &state.db,
        ankommen_core::casework::exchange::Kind::Staff,
    )
    .await?;
    let page = a.page.at("admin").titled("staff-title");
    let rows = people
        .iter()
        .map(|d| Row {
            id: d.person.id,
            display_name: d.person.display_name.clone(),
            username: d.person.username.clone(),
            external_id: imported.get(&d.person.id).cloned().unwrap_or_default(),
            organisation: org_names
                .get(&d.person.organisation_id)
                .cloned()
                .unwrap_or_default(),
            team: d
                .person
                .team_id
                .and_then(|t| team_names.get(&t).cloned())
                .unwrap_or_default(),
            roles: roles_label(&page, &d.roles),
            active: d.person.active,
            pending: !d.has_password,
        })
        .collect();
    let organisations = organisations::list(&state.db, &a.ctx)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let filter = FormView::from_pairs([
        ("q", q.q),
        ("organisation", q.organisation),
        ("role", q.role),
        ("inactive", q.inactive),
    ])
    .with_errors(&e, &page.tr);
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        crate::error::status_of(&Error::Invalid(e))
    };
    Ok(render_status(
        &ListTpl {
            roles: role_choices(&page),
            page,
            rows,
            organisations,
            filter,
        },
        status,
    ))
}

#[derive(Template)]
#[template(path = "admin/staff_form.html")]
struct FormTpl {
    page: Page,
    form: FormView,
    /// None when creating.
    person: Option<StaffDetail>,
    organisations: Vec<(i64, String)>,
    teams: Vec<(i64, String, i64)>,
    municipalities: Vec<municipality::Model>,
    roles: Vec<(String, String)>,
    setup_link: Option<String>,
    /// The person has a confirmed second factor (decision 0038).
    second_factor: bool,
}

async fn form_page(
    state: &AppState,
    a: Authed,
    person: Option<StaffDetail>,
    form: FormView,
    setup_link: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let organisations = organisations::list(&state.db, &a.ctx).await?;
    let org_names: std::collections::HashMap<i64, String> = organisations
        .iter()
        .map(|o| (o.id, o.name.clone()))
        .collect();
    let teams: Vec<team::Model> = teams::list_all_visible(&state.db, &a.ctx).await?;
    let teams = teams
        .into_iter()
        .map(|t| {
            let label = format!(
                "{} – {}",
                org_names
                    .get(&t.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                t.name
            );
            (t.id, label, t.organisation_id)
        })
        .collect();
    let second_factor = match &person {
        Some(p) => {
            ankommen_core::administration::second_factor::has_factor(&state.db, p.person.id).await?
        }
        None => false,
    };
    let mut page = a.page.at("admin");
    page.title = match &person {
        Some(p) => p.person.display_name.clone(),
        None => page.t("staff-new-title"),
    };
    Ok(render_status(
        &FormTpl {
            roles: role_choices(&page),
            page,
            form,
            person,
            organisations: organisations.into_iter().map(|o| (o.id, o.name)).collect(),
            teams,
            municipalities: municipalities::list(&state.db).await?,
            setup_link,
            second_factor,
        },
        status,
    ))
}

pub async fn new_form(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let org = a.ctx.actor.organisation_id.to_string();
    form_page(
        &state,
        a,
        None,
        FormView::from_pairs([("organisation_id", org), ("locale", "de".into())]),
        None,
        StatusCode::OK,
    )
    .await
}

fn parse(form: &FormData) -> Result<StaffInput, Error> {
    let raw = StaffForm {
        username: form.get("username").into(),
        display_name: form.get("display_name").into(),
        email: form.get("email").into(),
        organisation_id: form.get("organisation_id").into(),
        team_id: form.get("team_id").into(),
        roles: form.all("roles"),
        municipalities: form.all("municipalities"),
        locale: form.get("locale").into(),
        fte: form.get("fte").into(),
    };
    StaffInput::parse(&raw).map_err(Error::Invalid)
}

pub async fn create(
    State(state): State<AppState>,
    a: Authed,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match parse(&form) {
        Ok(input) => staff::create(&state.db, &a.ctx, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((id, token)) => {
            // The setup link is shown once, on the person's page, right after creation.
            let person = staff::get(&state.db, &a.ctx, id).await?;
            let form = person_form(&person);
            let mut page_a = a;
            page_a.page.flash = Some(page_a.page.t("flash-staff-created"));
            form_page(
                &state,
                page_a,
                Some(person),
                form,
                Some(format!("/setup/{token}")),
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) => {
            reshown(e, view, a.page.tr, |view, status| {
                form_page(&state, a, None, view, None, status)
            })
            .await
        }
    }
}

fn person_form(d: &StaffDetail) -> FormView {
    let p = &d.person;
    let mut pairs: Vec<(String, String)> = vec![
        ("username".into(), p.username.clone()),
        ("display_name".into(), p.display_name.clone()),
        ("email".into(), p.email.clone().unwrap_or_default()),
        ("organisation_id".into(), p.organisation_id.to_string()),
        (
            "team_id".into(),
            p.team_id.map(|t| t.to_string()).unwrap_or_default(),
        ),
        ("locale".into(), p.locale.clone()),
        (
            "fte".into(),
            p.fte
                .map(|f| f.to_string().replace('.', ","))
                .unwrap_or_default(),
        ),
        ("version".into(), p.version.to_string()),
    ];
    if p.active {
        pairs.push(("active".into(), "on".into()));
    }
    pairs.extend(
        d.roles
            .iter()
            .map(|r| ("roles".to_string(), r.as_str().to_string())),
    );
    pairs.extend(
        d.municipalities
            .iter()
            .map(|m| ("municipalities".to_string(), m.clone())),
    );
    FormView::from_pairs(pairs)
}

pub async fn edit_form(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let person = staff::get(&state.db, &a.ctx, id).await?;
    let form = person_form(&person);
    form_page(&state, a, Some(person), form, None, StatusCode::OK).await
}

pub async fn update(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let result = match form.edit(parse(&form)) {
        Ok((input, active, v)) => staff::update(&state.db, &a.ctx, id, input, active, v).await,
        Err(e) => Err(e),
    };
    let saved = result.map(|()| {
        done(
            &format!("/admin/staff/{id}"),
            "flash-saved",
            state.config.secure_cookies,
        )
    });
    saved_or_reshown(saved, view, a.page.tr, |view, status| async move {
        let person = staff::get(&state.db, &a.ctx, id).await?;
        form_page(&state, a, Some(person), view, None, status).await
    })
    .await
}

pub async fn setup_link(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    match duties::reset_password(&state.db, &a.ctx, id).await? {
        Reset::Link(token) => {
            let person = staff::get(&state.db, &a.ctx, id).await?;
            let form = person_form(&person);
            form_page(
                &state,
                a,
                Some(person),
                form,
                Some(format!("/setup/{token}")),
                StatusCode::OK,
            )
            .await
        }
        Reset::AwaitingConfirmation => Ok(done(
            &format!("/admin/staff/{id}"),
            "staff-flash-reset-requested",
            state.config.secure_cookies,
        )),
    }
}
