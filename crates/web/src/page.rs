//! What every page's layout needs (language, the signed-in person's navigation, CSRF token, banners),
//! and the extractors that provide it: [`Anon`] for any page, [`Authed`] for pages behind the login.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use ankommen_core::Ctx;
use ankommen_core::administration::sessions::Current;
use ankommen_core::kernel::policy::{self, Areas};
use ankommen_core::kernel::types::Locale;
use ankommen_store::Opened;

use crate::AppState;
use crate::i18n::Tr;
use crate::layers::RequestState;

/// A date however a template holds it (askama passes arguments by reference).
pub trait AsDate {
    fn as_date(&self) -> chrono::NaiveDate;
}

impl AsDate for chrono::NaiveDate {
    fn as_date(&self) -> chrono::NaiveDate {
        *self
    }
}

impl<T: AsDate + ?Sized> AsDate for &T {
    fn as_date(&self) -> chrono::NaiveDate {
        (**self).as_date()
    }
}

/// A sealed value's plaintext however a template holds it (by value or by reference).
pub trait AsOpened {
    fn as_opened(&self) -> &Opened;
}

impl AsOpened for Opened {
    fn as_opened(&self) -> &Opened {
        self
    }
}

impl<T: AsOpened + ?Sized> AsOpened for &T {
    fn as_opened(&self) -> &Opened {
        (**self).as_opened()
    }
}

/// The signed-in person as the navigation shows them.
#[derive(Clone, Debug)]
pub struct UserNav {
    pub display_name: String,
    pub areas: Areas,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub tr: Tr,
    pub csrf: String,
    pub user: Option<UserNav>,
    pub demo: bool,
    pub flash: Option<String>,
    pub deployment: String,
    /// Which navigation entry is current (`home`, `admin`, `audit`, `account`).
    pub nav: &'static str,
    pub title: String,
}

impl Page {
    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }
    pub fn t1(&self, key: &str, name: &'static str, value: impl AsRef<str>) -> String {
        self.tr.t1(key, name, value.as_ref())
    }
    pub fn tn(&self, key: &str, name: &'static str, n: impl std::borrow::Borrow<i64>) -> String {
        self.tr.tn(key, name, n)
    }
    pub fn lang(&self) -> &'static str {
        self.tr.lang()
    }
    /// The label of a value of one of the core's value lists (`catalog.ftl`: `<list>-<value>`).
    pub fn label(&self, list: &str, value: impl std::fmt::Display) -> String {
        self.tr.label(list, value)
    }
    /// An audit log action in words (`client_viewed`: "Akte angesehen"); an unknown code as it is.
    pub fn audit_action(&self, code: impl AsRef<str>) -> String {
        self.label_or_code("audit-action", code.as_ref())
    }
    /// The section of a record an audit event names, in words; an unknown code as it is.
    pub fn audit_section(&self, code: impl AsRef<str>) -> String {
        self.label_or_code("audit-section", code.as_ref())
    }
    /// The object an audit event names, in words ("Person Nr. 13"): its kind labelled, never a
    /// name (the log holds ids only).
    pub fn audit_object(&self, kind: impl AsRef<str>, id: Option<&str>) -> String {
        let kind = self.label_or_code("audit-kind", kind.as_ref());
        match id {
            Some(id) => self.tr.targs(
                "audit-object-numbered",
                &[("kind", kind), ("id", id.to_string())],
            ),
            None => kind,
        }
    }
    /// Stored roles (`im,team_lead`) by their names; an unknown code as it is.
    pub fn roles(&self, stored: &str) -> String {
        stored
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| match ankommen_core::kernel::types::Role::parse(r) {
                Ok(role) => self.tr.role(role),
                Err(_) => r.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// [`Self::label`], or the code itself where the list has no label for it.
    fn label_or_code(&self, list: &str, code: &str) -> String {
        self.tr
            .try_t(&format!("{list}-{code}"))
            .unwrap_or_else(|| code.to_string())
    }
    /// A date as Germans write it (also in the English interface: the offices' documents do).
    pub fn date(&self, d: impl AsDate) -> String {
        d.as_date().format("%d.%m.%Y").to_string()
    }
    /// A date with its weekday, as the day's list shows it ("Mi., 25.11.2026"; "Wed, 25.11.2026").
    pub fn date_wd(&self, d: impl AsDate) -> String {
        let d = d.as_date();
        let day = self.tr.t(&format!(
            "weekday-{}",
            chrono::Datelike::weekday(&d).num_days_from_monday()
        ));
        format!("{day} {}", d.format("%d.%m.%Y"))
    }
    /// An optional date, or "–".
    pub fn date_opt(&self, d: impl std::borrow::Borrow<Option<chrono::NaiveDate>>) -> String {
        d.borrow()
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_else(|| "–".into())
    }
    /// The text of a sealed value, or the marker saying it cannot be opened (wrong key, altered,
    /// or an older value copied back into its record).
    pub fn sealed(&self, o: impl AsOpened) -> String {
        match o.as_opened() {
            Opened::Text(t) => t.clone(),
            Opened::Unreadable => self.tr.t("sealed-unreadable"),
        }
    }
    pub fn titled(mut self, key: &str) -> Self {
        self.title = self.tr.t(key);
        self
    }
    pub fn at(mut self, nav: &'static str) -> Self {
        self.nav = nav;
        self
    }
    pub fn is_nav(&self, nav: &str) -> bool {
        self.nav == nav
    }
    pub fn datetime(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        self.tr.datetime(t)
    }
    pub fn css_path(&self) -> &'static str {
        crate::assets::CSS_PATH
    }
    pub fn htmx_path(&self) -> &'static str {
        crate::assets::HTMX_PATH
    }
    pub fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    pub(crate) fn build(rs: &RequestState, state: &AppState, deployment: String) -> Self {
        let locale = rs
            .current
            .as_ref()
            .map(|c| c.actor.locale)
            .or(rs.locale)
            .unwrap_or(Locale::De);
        let tr = Tr::new(locale);
        Page {
            tr,
            csrf: rs.csrf.clone(),
            user: rs.current.as_ref().map(|c| UserNav {
                display_name: c.actor.display_name.clone(),
                areas: policy::areas(&c.actor),
            }),
            demo: state.config.demo,
            flash: rs.flash.as_deref().map(|k| tr.t(k)),
            deployment,
            nav: "",
            title: String::new(),
        }
    }
}

fn request_state(parts: &Parts) -> RequestState {
    parts
        .extensions
        .get::<RequestState>()
        .cloned()
        .unwrap_or_default()
}

/// The deployment's name for the header: read with the session when there is one.
async fn deployment_name(state: &AppState, rs: &RequestState) -> String {
    if let Some(current) = &rs.current {
        return current.deployment_name.clone();
    }
    ankommen_core::administration::settings::get(
        &state.db,
        ankommen_core::administration::settings::DEPLOYMENT_NAME,
    )
    .await
    .ok()
    .flatten()
    .unwrap_or_default()
}

/// Any page, signed in or not.
pub struct Anon {
    pub page: Page,
    pub rs: RequestState,
}

impl FromRequestParts<AppState> for Anon {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let rs = request_state(parts);
        let page = Page::build(&rs, state, deployment_name(state, &rs).await);
        Ok(Anon { page, rs })
    }
}

/// A page or action behind the login. Without a valid session: a redirect to the login page.
pub struct Authed {
    pub ctx: Ctx,
    pub page: Page,
    pub session: Current,
    /// The session cookie's secret (for logout).
    pub token: String,
    /// The client's address as the server sees it (after trusted proxies).
    pub address: String,
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let rs = request_state(parts);
        let (Some(current), Some(token)) = (rs.current.clone(), rs.token.clone()) else {
            return Err(Redirect::to("/login").into_response());
        };
        let page = Page::build(&rs, state, deployment_name(state, &rs).await);
        let ctx = Ctx {
            actor: current.actor.clone(),
            clock: state.clock.clone(),
            request_id: Some(rs.request_id.clone()),
        };
        Ok(Authed {
            ctx,
            page,
            session: current,
            token,
            address: rs.client_addr.clone(),
        })
    }
}
