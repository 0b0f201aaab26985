//! Browsing the audit log (administrators and data-protection officers).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use ankommen_core::kernel::audit::{self, Filter, Page as AuditPage};
use ankommen_core::kernel::types::parse_date_opt;
use ankommen_core::{Error, FieldErrors};

use super::render_status;
use crate::AppState;
use crate::error::{AppResult, status_of};
use crate::forms::FormView;
use crate::page::{Authed, Page};

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    object_kind: String,
    #[serde(default)]
    object_id: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    denied: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditTpl {
    page: Page,
    result: AuditPage,
    actions: Vec<String>,
    object_kinds: &'static [&'static str],
    filter: FormView,
    query_base: String,
}

pub async fn page(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    // A filter value that is not a date, an id or the check box's value is a field error (the
    // log is shown without that condition), never silently dropped.
    let mut e = FieldErrors::new();
    let date = |e: &mut FieldErrors, field: &'static str, s: &str| {
        e.take(field, parse_date_opt(s)).flatten()
    };
    let from = date(&mut e, "from", &q.from);
    let to = date(&mut e, "to", &q.to);
    let actor_staff_id = match q.actor.trim() {
        "" => None,
        s => e.take("actor", s.parse().map_err(|_| "error-choice")),
    };
    let denied_only = match q.denied.trim() {
        "" => false,
        "on" => true,
        _ => {
            e.add("denied", "error-choice");
            false
        }
    };
    let f = Filter {
        from,
        to,
        actor_staff_id,
        action: Some(q.action.trim().to_string()).filter(|s| !s.is_empty()),
        object_kind: Some(q.object_kind.trim().to_string()).filter(|s| !s.is_empty()),
        object_id: Some(q.object_id.trim().to_string()).filter(|s| !s.is_empty()),
        denied_only,
        page: q.page.parse().unwrap_or(1),
    };
    let result = audit::search(&state.db, &a.ctx, &f).await?;
    let actions = audit::known_actions(&state.db).await?;
    let query_base = serde_urlencoded::to_string([
        ("from", q.from.as_str()),
        ("to", q.to.as_str()),
        ("action", q.action.as_str()),
        ("object_kind", q.object_kind.as_str()),
        ("object_id", q.object_id.as_str()),
        ("actor", q.actor.as_str()),
        ("denied", q.denied.as_str()),
    ])
    .unwrap_or_default();
    let filter = FormView::from_pairs([
        ("from", q.from),
        ("to", q.to),
        ("action", q.action),
        ("object_kind", q.object_kind),
        ("object_id", q.object_id),
        ("actor", q.actor),
        ("denied", q.denied),
    ])
    .with_errors(&e, &a.page.tr);
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        status_of(&Error::Invalid(e))
    };
    Ok(render_status(
        &AuditTpl {
            page: a.page.at("audit").titled("audit-title"),
            result,
            actions,
            object_kinds: audit::OBJECT_KINDS,
            filter,
            query_base,
        },
        status,
    ))
}
