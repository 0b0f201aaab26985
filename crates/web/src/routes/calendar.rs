//! The calendar (issue 24, decision 0035): the week and day view (`/calendar`), the secret iCal
//! subscription (`/calendar/feed/{token}.ics`, no session; created and revoked on the account
//! page) and a single appointment as `.ics`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Duration, IsoWeek, NaiveDate, Weekday};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use serde::Deserialize;

use ankommen_core::Error;
use ankommen_core::casework::appointments::Slot;
use ankommen_core::casework::calendar::{self, Entry, View, Whose};

use super::{done, render};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::i18n::Tr;
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(week))
        .route("/calendar/feed/{file}", get(feed))
        .route("/appointments/{id}/ics", get(appointment_ics))
        .route("/account/calendar-feed", post(create_feed))
        .route("/account/calendar-feed/revoke", post(revoke_feed))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CalendarQuery {
    /// An ISO week, `2026-W50`.
    week: Option<String>,
    /// One day, `2026-12-08`: the day view.
    date: Option<String>,
    /// A team member's id, or `team` (a team lead's).
    staff: Option<String>,
    /// `hide`: leave cancelled appointments out.
    cancelled: Option<String>,
}

/// What the page shows: a week (from its Monday) or a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Span {
    Week(NaiveDate),
    Day(NaiveDate),
}

fn parse_week(s: &str) -> Option<NaiveDate> {
    let (y, w) = s.split_once("-W")?;
    NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, Weekday::Mon)
}

fn week_key(w: IsoWeek) -> String {
    format!("{}-W{:02}", w.year(), w.week())
}

/// One appointment as the page shows it.
struct Shown {
    id: i64,
    time: String,
    end: String,
    minutes: i32,
    case_id: i64,
    case_number: String,
    names: String,
    household: bool,
    place_kind: String,
    place: Option<String>,
    interpreter: Option<String>,
    status: String,
    status_key: String,
    cancelled: bool,
}

struct DayShown {
    date: String,
    iso: String,
    today: bool,
    entries: Vec<Shown>,
}

struct ColumnShown {
    name: String,
    days: Vec<DayShown>,
}

#[derive(Template)]
#[template(path = "calendar/week.html")]
struct WeekTpl {
    page: Page,
    heading: String,
    is_day: bool,
    columns: Vec<ColumnShown>,
    prev: String,
    next: String,
    today_href: String,
    switch_href: String,
    toggle_href: String,
    hide_cancelled: bool,
    /// The team lead's choice of whose calendar (value, name); empty for an IM.
    choices: Vec<(String, String)>,
    choose: FormView,
    span_key: String,
    span_value: String,
}

fn end_of(e: &Entry) -> String {
    Slot::parse(e.date, &e.starts_at, e.minutes)
        .map(|s| s.end().format("%H:%M").to_string())
        .unwrap_or_default()
}

fn shown(tr: &Tr, e: &Entry) -> Shown {
    Shown {
        id: e.id,
        time: e.starts_at.clone(),
        end: end_of(e),
        minutes: e.minutes,
        case_id: e.case_id,
        case_number: e.case_number.clone(),
        names: e.names(),
        household: e.person_id.is_none(),
        place_kind: tr.label("calendar-place", &e.place_kind),
        place: e.place.clone(),
        interpreter: e
            .interpreter_language
            .as_deref()
            .filter(|l| !l.is_empty())
            .map(|l| tr.label("lang", l)),
        status: tr.label("calendar-status", &e.status),
        status_key: e.status.clone(),
        cancelled: e.status == "cancelled",
    }
}

/// `GET /calendar`: the week (or with `?date=` the day) of the actor's appointments, or for a team
/// lead of a member of the team (`?staff=<id>`) or the whole team (`?staff=team`).
async fn week(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Response> {
    let today = a.ctx.today();
    let span = match (&q.date, &q.week) {
        (Some(d), _) if !d.is_empty() => Span::Day(d.parse().map_err(|_| Error::NotFound)?),
        (_, Some(w)) if !w.is_empty() => Span::Week(parse_week(w).ok_or(Error::NotFound)?),
        _ => Span::Week(today - Duration::days(i64::from(today.weekday().num_days_from_monday()))),
    };
    let whose = match q.staff.as_deref() {
        None | Some("") => Whose::Own,
        Some("team") => Whose::Team,
        Some(id) => Whose::Member(crate::ids::PathId::parse_id(id).ok_or(Error::NotFound)?),
    };
    let (from, to) = match span {
        Span::Week(monday) => (monday, monday + Duration::days(6)),
        Span::Day(d) => (d, d),
    };
    let view = calendar::view(&state.db, &a.ctx, whose, from, to).await?;
    let hide_cancelled = q.cancelled.as_deref() == Some("hide");
    let page = a.page.at("calendar");
    Ok(render(&week_page(page, &view, span, today, hide_cancelled)))
}

fn week_page(
    mut page: Page,
    view: &View,
    span: Span,
    today: NaiveDate,
    hide_cancelled: bool,
) -> WeekTpl {
    let tr = page.tr;
    // The query parameters that stay when navigating.
    let staff = match view.whose {
        Whose::Team => "team".to_string(),
        Whose::Member(id) if !view.members.is_empty() => id.to_string(),
        _ => String::new(),
    };
    let link = |key: &str, value: &str, hide: bool| {
        let mut pairs: Vec<(&str, &str)> = vec![(key, value)];
        if !staff.is_empty() {
            pairs.push(("staff", &staff));
        }
        if hide {
            pairs.push(("cancelled", "hide"));
        }
        format!(
            "/calendar?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    let (heading, prev, next, today_href, switch_href, span_key, span_value) = match span {
        Span::Week(monday) => {
            let w = monday.iso_week();
            (
                page.tr.targs(
                    "calendar-week-heading",
                    &[
                        ("week", w.week().to_string()),
                        ("from", page.date(monday)),
                        ("to", page.date(monday + Duration::days(6))),
                    ],
                ),
                link(
                    "week",
                    &week_key((monday - Duration::days(7)).iso_week()),
                    hide_cancelled,
                ),
                link(
                    "week",
                    &week_key((monday + Duration::days(7)).iso_week()),
                    hide_cancelled,
                ),
                link("week", &week_key(today.iso_week()), hide_cancelled),
                link(
                    "date",
                    &(if w == today.iso_week() { today } else { monday }).to_string(),
                    hide_cancelled,
                ),
                "week",
                week_key(w),
            )
        }
        Span::Day(d) => (
            page.t1("calendar-day-heading", "date", page.date_wd(d)),
            link("date", &(d - Duration::days(1)).to_string(), hide_cancelled),
            link("date", &(d + Duration::days(1)).to_string(), hide_cancelled),
            link("date", &today.to_string(), hide_cancelled),
            link("week", &week_key(d.iso_week()), hide_cancelled),
            "date",
            d.to_string(),
        ),
    };
    let toggle_href = link(span_key, &span_value, !hide_cancelled);
    let days: Vec<NaiveDate> = view
        .from
        .iter_days()
        .take_while(|d| *d <= view.to)
        .collect();
    let columns = view
        .columns
        .iter()
        .map(|c| ColumnShown {
            name: c.display_name.clone(),
            days: days
                .iter()
                .map(|d| DayShown {
                    date: page.date_wd(*d),
                    iso: d.to_string(),
                    today: *d == today,
                    entries: c
                        .entries
                        .iter()
                        .filter(|e| e.date == *d && !(hide_cancelled && e.status == "cancelled"))
                        .map(|e| shown(&tr, e))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let mut choices = Vec::new();
    if !view.members.is_empty() {
        choices.push(("team".to_string(), page.t("calendar-whole-team")));
        choices.extend(
            view.members
                .iter()
                .map(|(id, n)| (id.to_string(), n.clone())),
        );
    }
    let choose = FormView::from_pairs([("staff", staff.clone())]);
    page.title = heading.clone();
    WeekTpl {
        page,
        heading,
        is_day: matches!(span, Span::Day(_)),
        columns,
        prev,
        next,
        today_href,
        switch_href,
        toggle_href,
        hide_cancelled,
        choices,
        choose,
        span_key: span_key.to_string(),
        span_value,
    }
}

// ---- iCalendar ----

/// The events of `entries` as an iCalendar text (RFC 5545: CRLF, folded lines). Times are written
/// in UTC, converted from Europe/Berlin (decision 0035), so no VTIMEZONE is needed. No names, no
/// purpose, no notes: the case number and the place only, and the initials when opted in.
fn ics(
    tr: &Tr,
    entries: &[Entry],
    with_initials: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let mut cal = Calendar::new();
    cal.name(&tr.t("calendar-ics-name"));
    for e in entries {
        let Some((start, end)) = e.utc_span() else {
            continue;
        };
        let kind = tr.label("calendar-place", &e.place_kind);
        let mut summary = tr.targs(
            "calendar-ics-summary",
            &[("case", e.case_number.clone()), ("place", kind.clone())],
        );
        if with_initials && !e.persons.is_empty() {
            summary = format!("{summary} ({})", e.initials());
        }
        let location = e.place.clone().unwrap_or(kind);
        let mut ev = Event::new();
        ev.uid(&format!("appointment-{}@ankommen", e.id))
            .timestamp(now)
            .sequence(u32::try_from(e.version).unwrap_or(0))
            .summary(&summary)
            .location(&location)
            .starts(start)
            .ends(end)
            .status(if e.status == "cancelled" {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        cal.push(ev.done());
    }
    cal.done().to_string()
}

fn ics_response(body: String, attachment: Option<String>) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, private"),
    );
    if let Some(name) = attachment {
        let disposition = format!(
            "attachment; filename=\"{}\"",
            crate::download::safe_file_name(&name)
        );
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    r
}

/// `GET /calendar/feed/{token}.ics`, without a session: the token is the credential. Only the
/// route's pattern is logged (the request span), never the token.
async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(Error::NotFound)?;
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::NotFound.into());
    }
    let f = calendar::feed(&state.db, state.clock.clone(), token).await?;
    let tr = Tr::new(f.actor.locale);
    Ok(ics_response(
        ics(&tr, &f.entries, f.with_initials, state.clock.now()),
        None,
    ))
}

/// `GET /appointments/{id}/ics`: one appointment as a file, for whoever may read its case.
async fn appointment_ics(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
) -> AppResult<Response> {
    let (entry, with_initials) = calendar::appointment_event(&state.db, &a.ctx, id).await?;
    Ok(ics_response(
        ics(
            &a.page.tr,
            std::slice::from_ref(&entry),
            with_initials,
            a.ctx.now(),
        ),
        Some(format!("termin-{id}.ics")),
    ))
}

// ---- The subscription on the account page ----

/// `POST /account/calendar-feed`: creates (or renews) the subscription and shows its URL once.
async fn create_feed(
    State(state): State<AppState>,
    a: Authed,
    headers: HeaderMap,
    form: FormData,
) -> AppResult<Response> {
    let with_initials = form.flag("initials", "yes")?;
    let token = calendar::create_feed(&state.db, &a.ctx, with_initials).await?;
    // The configured public address; without one, the address the request came to.
    let base = match &state.config.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let scheme = if state.config.secure_cookies {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{host}")
        }
    };
    let url = format!("{base}/calendar/feed/{token}.ics");
    super::account::page_with_feed_url(&state, a, url, StatusCode::OK).await
}

/// `POST /account/calendar-feed/revoke`
async fn revoke_feed(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    calendar::revoke_feed(&state.db, &a.ctx).await?;
    Ok(done(
        "/account",
        "flash-calendar-feed-revoked",
        state.config.secure_cookies,
    ))
}
