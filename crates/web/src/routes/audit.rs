//! Browsing the audit log (administrators and data-protection officers).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use ankommen_core::kernel::audit::{self, Filter, Page as AuditPage};

use super::render;
use crate::AppState;
use crate::error::AppResult;
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
    filter: FormView,
    query_base: String,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

pub async fn page(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let f = Filter {
        from: date(&q.from),
        to: date(&q.to),
        actor_staff_id: q.actor.trim().parse().ok(),
        action: Some(q.action.trim().to_string()).filter(|s| !s.is_empty()),
        object_kind: Some(q.object_kind.trim().to_string()).filter(|s| !s.is_empty()),
        object_id: Some(q.object_id.trim().to_string()).filter(|s| !s.is_empty()),
        denied_only: !q.denied.is_empty(),
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
    ]);
    Ok(render(&AuditTpl {
        page: a.page.at("audit").titled("audit-title"),
        result,
        actions,
        filter,
        query_base,
    }))
}
