//! The data-protection officer's desk (issue 25, decision 0024): the overview of every tool of the
//! data-protection officer, the register of processing activities (Art. 30 GDPR) with its print
//! view, and the reports from the audit log over a chosen period.
//!
//! Periods travel in the query string (dates only, no personal data).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use ankommen_core::casework::dpo::{
    self, Accesses, Denied, Erasures, Period, RecipientKind, Register, Report, Volume,
};
use ankommen_core::kernel::audit::Event;

use super::{render_status, reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::FormView;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy/desk", get(desk))
        .route("/privacy/register", get(register_page))
        .route("/privacy/register/print", get(register_print))
        .route(
            "/privacy/reports/accesses",
            get(async |s, a, q| report(s, a, q, Report::Accesses).await),
        )
        .route(
            "/privacy/reports/unusual",
            get(async |s, a, q| report(s, a, q, Report::Unusual).await),
        )
        .route(
            "/privacy/reports/denied",
            get(async |s, a, q| report(s, a, q, Report::Denied).await),
        )
        .route(
            "/privacy/reports/retention",
            get(async |s, a, q| report(s, a, q, Report::Retention).await),
        )
}

// --- the desk ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "privacy/desk.html")]
struct DeskTpl {
    page: Page,
    reports: [Report; 4],
}

async fn desk(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    dpo::open_desk(&state.db, &a.ctx).await?;
    let page = a.page.at("privacy").titled("dpo-desk-title");
    Ok(render_status(
        &DeskTpl {
            page,
            reports: Report::ALL,
        },
        StatusCode::OK,
    ))
}

// --- the register -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "privacy/register.html")]
struct RegisterTpl {
    page: Page,
    r: Register,
    /// The print view: no links, everything on paper.
    print: bool,
    /// Minutes of inactivity and hours at most before a session ends.
    session_idle_minutes: i64,
    session_hours: i64,
    /// The consent's kinds of data (decision 0012), by message key.
    data: [&'static str; 8],
}

impl RegisterTpl {
    fn sessions(&self) -> String {
        self.page.tr.targs(
            "register-measure-sessions-value",
            &[
                ("idle", self.session_idle_minutes.to_string()),
                ("hours", self.session_hours.to_string()),
            ],
        )
    }
    fn recipient(&self, k: &RecipientKind) -> String {
        match k {
            RecipientKind::Organisation(name) => name.clone(),
            RecipientKind::Category(c) => self.page.t(&format!("recipient-category-{c}")),
            RecipientKind::Uncategorised => self.page.t("register-recipient-uncategorised"),
        }
    }
}

async fn register_view(state: &AppState, a: Authed, print: bool) -> AppResult<Response> {
    let r = dpo::register(&state.db, &a.ctx).await?;
    let page = a.page.at("privacy").titled("register-title");
    let session = &state.config.session;
    Ok(render_status(
        &RegisterTpl {
            page,
            r,
            print,
            session_idle_minutes: session.idle.num_minutes(),
            session_hours: session.absolute.num_hours(),
            data: [
                "minimum",
                "proof",
                "intake",
                "health",
                "outcomes",
                "plan",
                "sharing",
                "documents",
            ],
        },
        StatusCode::OK,
    ))
}

async fn register_page(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    register_view(&state, a, false).await
}

async fn register_print(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    register_view(&state, a, true).await
}

// --- the reports ------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Template)]
#[template(path = "privacy/report.html")]
struct ReportTpl {
    page: Page,
    /// The report's key.
    kind: &'static str,
    form: FormView,
    /// The period shown (none when the chosen one is not valid).
    period: Option<Period>,
    accesses: Option<Vec<Accesses>>,
    volumes: Option<Vec<Volume>>,
    denied: Option<Vec<Denied>>,
    erasures: Option<Erasures>,
}

impl ReportTpl {
    fn new(page: Page, report: Report, form: FormView) -> Self {
        ReportTpl {
            page,
            kind: report.key(),
            form,
            period: None,
            accesses: None,
            volumes: None,
            denied: None,
            erasures: None,
        }
    }
    fn shown(&self, p: &Period) -> String {
        self.page.tr.targs(
            "dpo-period-shown",
            &[
                ("from", self.page.date(p.from)),
                ("to", self.page.date(p.to)),
            ],
        )
    }
    /// The unusual-volume rule in words, with its numbers.
    fn rule(&self) -> String {
        self.page.tr.targs(
            "dpo-unusual-rule",
            &[
                ("history", dpo::UNUSUAL_HISTORY.to_string()),
                ("factor", dpo::UNUSUAL_FACTOR.to_string()),
                ("floor", dpo::UNUSUAL_FLOOR.to_string()),
            ],
        )
    }
    /// What was tried, in words: the action's label, and the object's kind and id.
    fn tried(&self, d: &Denied) -> String {
        let action = self.page.audit_action(&d.action);
        match &d.object_kind {
            Some(k) => format!(
                "{action}: {}",
                self.page.audit_object(k, d.object_id.as_deref())
            ),
            None => action,
        }
    }
    fn staff(&self, name: &Option<String>) -> String {
        name.clone()
            .unwrap_or_else(|| self.page.t("privacy-unknown-actor"))
    }
}

async fn report(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<PeriodQuery>,
    report: Report,
) -> AppResult<Response> {
    let typed = FormView::from_pairs([("from", q.from.clone()), ("to", q.to.clone())]);
    let title = format!("dpo-report-{}-title", report.key());
    let period = match Period::parse(&q.from, &q.to, a.ctx.today()) {
        Ok(p) => p,
        Err(e) => {
            // Refuse outsiders before telling them about their input.
            dpo::desk_scope(
                &state.db,
                &a.ctx,
                Event::on("privacy_report_viewed", "privacy_report", report.key()),
            )
            .await?;
            return reshown(e, typed, a.page.tr, |form, status| async move {
                let page = a.page.at("privacy").titled(&title);
                Ok(render_status(&ReportTpl::new(page, report, form), status))
            })
            .await;
        }
    };
    let (db, ctx) = (&state.db, &a.ctx);
    let form = FormView::from_pairs([
        ("from", period.from.to_string()),
        ("to", period.to.to_string()),
    ]);
    let page = a.page.at("privacy").titled(&title);
    let mut t = ReportTpl::new(page, report, form);
    t.period = Some(period);
    match report {
        Report::Accesses => t.accesses = Some(dpo::accesses(db, ctx, period).await?),
        Report::Unusual => t.volumes = Some(dpo::unusual_volumes(db, ctx, period).await?),
        Report::Denied => t.denied = Some(dpo::denied(db, ctx, period).await?),
        Report::Retention => t.erasures = Some(dpo::erasures(db, ctx, period).await?),
    }
    Ok(render_status(&t, StatusCode::OK))
}
