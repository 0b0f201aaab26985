//! The key figures page of every role (own row, the team's rows, the protected tables by
//! organisation and municipality), its downloads (the tables as XLSX, the per-IM template as XLSX
//! and German Excel CSV) and the finalisation of a year. What each role sees is decided in core
//! (`casework::figures::view`); this shell only turns the figures into tables, charts and files.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::Value;

use ankommen_core::casework::figures::view::{self, Aggregate, Ask, Row, View};
use ankommen_core::kernel::types::parse_date;
use ankommen_core::{Error, FieldErrors};
use ankommen_documents::sheets::{self, Sheet, Value as Cell};

use super::{done, render_status, reshown};
use crate::AppState;
use crate::charts;
use crate::download::file_download;
use crate::error::{AppError, AppResult, status_of};
use crate::forms::{FormData, FormView};
use crate::i18n::Tr;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/figures", get(page))
        .route("/figures/finalise", post(finalise))
        .route("/figures/export.xlsx", get(export_xlsx))
        .route("/figures/template.xlsx", get(template_xlsx))
        .route("/figures/template.csv", get(template_csv))
}

/// The question as the chooser sends it: `question` = `year` (default) | `at` | `ended`.
#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    #[serde(default)]
    question: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    date: String,
}

impl FiguresQuery {
    /// The question asked; a missing year is last year (the one to report by 31 January).
    fn ask(&self, today: NaiveDate) -> Result<Ask, FieldErrors> {
        let mut e = FieldErrors::new();
        let year = || match self.year.trim() {
            "" => Ok(today.year() - 1),
            y => y
                .parse::<i32>()
                .ok()
                .filter(|y| view::YEARS.contains(y))
                .ok_or("figures-error-year"),
        };
        let ask = match self.question.trim() {
            "" | "year" => e.take("year", year()).map(Ask::Year),
            "at" => e.take("date", parse_date(&self.date)).map(Ask::At),
            "ended" => e.take("date", parse_date(&self.date)).map(Ask::EndedUpTo),
            _ => {
                e.add("question", "error-choice");
                None
            }
        };
        match ask {
            Some(a) if e.is_empty() => Ok(a),
            _ => Err(e),
        }
    }

    fn form(&self, today: NaiveDate) -> FormView {
        let question = match self.question.trim() {
            "" => "year",
            q => q,
        };
        let year = match self.year.trim() {
            "" => (today.year() - 1).to_string(),
            y => y.to_string(),
        };
        FormView::from_pairs([
            ("question", question.to_string()),
            ("year", year),
            ("date", self.date.clone()),
        ])
    }
}

// --- figures as lines ----------------------------------------------------------------------------

/// One line of a figures table: a figure with its value per row (IM), or a heading.
pub struct Line {
    pub label: String,
    pub heading: bool,
    pub values: Vec<Value>,
}

enum Entry {
    Heading(&'static str),
    Figure(&'static str),
    /// A map of counts by a code, with the value list that names the codes.
    Map(&'static str, &'static str),
}

use Entry::{Figure, Heading, Map};

const STOCK: &[Entry] = &[
    Figure("cases_active"),
    Figure("cases_paused"),
    Figure("persons_served.total"),
    Figure("persons_served.adults"),
    Figure("persons_served.minors"),
    Figure("adults_german_b1_or_higher"),
    Figure("adults_employed_social_insurance"),
    Figure("adults_training_internship_studies"),
    Figure("integration_plans_active"),
    Figure("plan_coverage"),
];

const FLOW: &[Entry] = &[
    Heading("fig-heading-period"),
    Figure("persons_served.total"),
    Figure("persons_served.adults"),
    Figure("persons_served.minors"),
    Figure("households_served"),
    Figure("cases_opened"),
    Figure("cases_closed.total"),
    Map("cases_closed.by_reason", "closure-reason"),
    Figure("counselling_ended.persons"),
    Figure("counselling_ended.with_rental_contract"),
    Figure("counselling_ended.with_rental_contract_pct"),
    Figure("contacts.count"),
    Map("contacts.by_kind", "contact-kind"),
    Map("contacts.by_topic", "exchange-field"),
    Figure("contact_hours"),
    Figure("integration_plans_new"),
    Figure("integration_plans_continued"),
    Heading("fig-heading-at-reference-date"),
    Figure("at_reference_date.cases_active"),
    Figure("at_reference_date.cases_paused"),
    Figure("at_reference_date.persons_served.total"),
    Figure("at_reference_date.persons_served.adults"),
    Figure("at_reference_date.persons_served.minors"),
    Figure("at_reference_date.adults_german_b1_or_higher"),
    Figure("at_reference_date.adults_employed_social_insurance"),
    Figure("at_reference_date.adults_training_internship_studies"),
    Figure("at_reference_date.integration_plans_active"),
    Heading("fig-heading-quality"),
    Figure("quality.plan_coverage"),
    Figure("quality.reviews_on_time"),
    Figure("quality.goal_attainment.total"),
    Map("quality.goal_attainment.by_field", "exchange-field"),
    Figure("quality.contact_frequency_kept"),
];

const ENDED: &[Entry] = &[
    Figure("persons"),
    Figure("with_rental_contract"),
    Figure("with_rental_contract_pct"),
];

fn entries(ask: Ask) -> &'static [Entry] {
    match ask {
        Ask::Year(_) => FLOW,
        Ask::At(_) => STOCK,
        Ask::EndedUpTo(_) => ENDED,
    }
}

fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// The label of a figure: `fig-<path>` without the group it stands in (the heading says it).
fn label(tr: &Tr, path: &str) -> String {
    let path = path.strip_prefix("at_reference_date.").unwrap_or(path);
    tr.t(&format!("fig-{}", path.replace('.', "-")))
}

fn code_label(tr: &Tr, list: &str, code: &str) -> String {
    tr.try_t(&format!("{list}-{code}"))
        .or_else(|| tr.try_t(&format!("fig-code-{code}")))
        .unwrap_or_else(|| code.to_string())
}

/// The figures of `rows` (one JSON object each) as lines, in the order of the question.
pub fn lines(tr: &Tr, ask: Ask, rows: &[&Value]) -> Vec<Line> {
    let mut out = Vec::new();
    for e in entries(ask) {
        match e {
            Heading(key) => out.push(Line {
                label: tr.t(key),
                heading: true,
                values: Vec::new(),
            }),
            Figure(path) => out.push(Line {
                label: label(tr, path),
                heading: false,
                values: rows
                    .iter()
                    .map(|r| at(r, path).cloned().unwrap_or(Value::Null))
                    .collect(),
            }),
            Map(path, list) => {
                let mut codes: Vec<String> = rows
                    .iter()
                    .filter_map(|r| at(r, path)?.as_object())
                    .flat_map(|m| m.keys().cloned())
                    .collect();
                codes.sort();
                codes.dedup();
                let parent = label(tr, path);
                for code in codes {
                    out.push(Line {
                        label: format!("{parent}: {}", code_label(tr, list, &code)),
                        heading: false,
                        values: rows
                            .iter()
                            .map(|r| {
                                at(r, path)
                                    .and_then(|m| m.get(&code))
                                    .cloned()
                                    .unwrap_or(Value::from(0))
                            })
                            .collect(),
                    });
                }
            }
        }
    }
    out
}

/// A number as the page writes it (a decimal comma in German).
fn number(tr: &Tr, n: &serde_json::Number) -> String {
    match (n.as_u64(), n.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(x)) => {
            let s = format!("{x:.1}");
            if tr.lang() == "de" {
                s.replace('.', ",")
            } else {
                s
            }
        }
        _ => n.to_string(),
    }
}

/// A value as the page shows it: a number, a share ("5 / 18 (27,8 %)"), a protected cell as
/// published ("< 5", "x"), or a dash.
pub fn shown(tr: &Tr, v: &Value) -> String {
    match v {
        Value::Number(n) => number(tr, n),
        Value::String(s) => s.clone(),
        Value::Object(o) if o.contains_key("of") => {
            let count = o.get("count").cloned().unwrap_or(Value::Null);
            let of = o.get("of").cloned().unwrap_or(Value::Null);
            match o.get("pct") {
                Some(Value::Number(p)) => format!(
                    "{} / {} ({} %)",
                    shown(tr, &count),
                    shown(tr, &of),
                    number(tr, p)
                ),
                _ => format!("{} / {}", shown(tr, &count), shown(tr, &of)),
            }
        }
        _ => "–".into(),
    }
}

fn cell(v: &Value) -> Cell {
    match v {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Cell::Int(i),
            (None, Some(x)) => Cell::Decimal(x, 1),
            _ => Cell::Empty,
        },
        Value::String(s) => Cell::Text(s.clone()),
        _ => Cell::Empty,
    }
}

/// Lines as spreadsheet columns: a share becomes two (count and percent); a heading prefixes the
/// labels under it.
fn sheet_columns(tr: &Tr, lines: &[Line]) -> Vec<(String, Vec<Cell>)> {
    let mut out = Vec::new();
    let mut group = String::new();
    for l in lines {
        if l.heading {
            group = format!("{} – ", l.label);
            continue;
        }
        let is_share = l.values.iter().any(|v| v.get("of").is_some());
        if is_share {
            out.push((
                format!("{group}{} ({})", l.label, tr.t("fig-count")),
                l.values.iter().map(|v| cell(&v["count"])).collect(),
            ));
            out.push((
                format!("{group}{} (%)", l.label),
                l.values.iter().map(|v| cell(&v["pct"])).collect(),
            ));
        } else {
            out.push((
                format!("{group}{}", l.label),
                l.values.iter().map(cell).collect(),
            ));
        }
    }
    out
}

// --- the protected tables --------------------------------------------------------------------------

/// A protected table ready to show: headings and rows of published cells.
pub struct Protected {
    pub title: String,
    pub columns: Vec<String>,
    /// (group heading or None, row label, cells)
    pub rows: Vec<(Option<String>, String, Vec<Value>)>,
}

/// The order the protected tables are shown in (the question's own figures first).
const TABLE_ORDER: [&str; 7] = [
    "persons_served",
    "adults_outcomes",
    "persons_served_in_period",
    "counselling_ended_in_period",
    "persons_served_at_reference_date",
    "adults_outcomes_at_reference_date",
    "counselling_ended",
];

fn protected(tr: &Tr, a: &Aggregate) -> Vec<Protected> {
    let mut tables: Vec<&(String, Value)> = a.tables.iter().collect();
    tables.sort_by_key(|(name, _)| TABLE_ORDER.iter().position(|n| n == name));
    tables
        .into_iter()
        .map(|(name, t)| {
            let cols: Vec<String> = t["columns"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .filter_map(|c| c.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let share_cols: Vec<String> = t["shares_pct"]["total"]
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .or_else(|| {
                    t["shares_pct"]["by_municipality"]
                        .as_object()
                        .and_then(|m| m.values().next())
                        .and_then(|r| r.as_object())
                        .map(|o| o.keys().cloned().collect())
                })
                .unwrap_or_default();
            let mut columns: Vec<String> =
                cols.iter().map(|c| tr.t(&format!("fig-col-{c}"))).collect();
            columns.extend(
                share_cols
                    .iter()
                    .map(|c| format!("{} (%)", tr.t(&format!("fig-col-{c}")))),
            );
            let row = |group: &str, id: Option<&str>| -> Vec<Value> {
                let cells = match id {
                    Some(id) => &t[group][id],
                    None => &t["total"],
                };
                let shares = match id {
                    Some(id) => &t["shares_pct"][group][id],
                    None => &t["shares_pct"]["total"],
                };
                cols.iter()
                    .map(|c| cells[c].clone())
                    .chain(share_cols.iter().map(|c| shares[c].clone()))
                    .collect()
            };
            let mut rows = Vec::new();
            for (group, heading) in [
                ("by_organisation", "fig-by-organisation"),
                ("by_municipality", "fig-by-municipality"),
            ] {
                let Some(ids) = t[group].as_object() else {
                    continue;
                };
                for (i, id) in ids.keys().enumerate() {
                    let name = a.names.get(id).cloned().unwrap_or_else(|| id.clone());
                    let label = if group == "by_municipality" {
                        format!("{name} ({id})")
                    } else {
                        name
                    };
                    rows.push(((i == 0).then(|| tr.t(heading)), label, row(group, Some(id))));
                }
            }
            if a.county {
                rows.push((None, tr.t("fig-total"), row("", None)));
            }
            Protected {
                title: tr.t(&format!("fig-table-{name}")),
                columns,
                rows,
            }
        })
        .collect()
}

// --- the page --------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "figures.html")]
struct FiguresTpl {
    page: Page,
    chooser: FormView,
    finalise_form: FormView,
    view: Option<View>,
    /// Query string of the question shown (for the download links).
    query: String,
    names: Vec<String>,
    lines: Vec<Line>,
    tables: Vec<Protected>,
    charts: Vec<String>,
}

impl FiguresTpl {
    fn shown(&self, v: &Value) -> String {
        shown(&self.page.tr, v)
    }
    fn settings(&self) -> String {
        let Some(v) = &self.view else {
            return String::new();
        };
        let s = v.settings;
        self.page.tr.targs(
            "figures-settings",
            &[
                ("review", s.review_interval_months.to_string()),
                ("first_months", s.contact_allowance.first_months.to_string()),
                (
                    "first_days",
                    s.contact_allowance.days_in_first_months.to_string(),
                ),
                (
                    "later_days",
                    s.contact_allowance.days_afterwards.to_string(),
                ),
            ],
        )
    }
    fn year(&self) -> Option<i32> {
        match self.view.as_ref()?.ask {
            Ask::Year(y) => Some(y),
            _ => None,
        }
    }
}

fn query_of(ask: Ask) -> String {
    match ask {
        Ask::Year(y) => format!("question=year&year={y}"),
        Ask::At(d) => format!("question=at&date={d}"),
        Ask::EndedUpTo(d) => format!("question=ended&date={d}"),
    }
}

fn charts_of(tr: &Tr, view: &View) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(view.ask, Ask::Year(_)) && !view.rows.is_empty() {
        let mut topics: std::collections::BTreeMap<String, f64> = Default::default();
        for r in &view.rows {
            if let Some(m) = r.figures["contacts"]["by_topic"].as_object() {
                for (code, n) in m {
                    *topics.entry(code.clone()).or_default() += n.as_f64().unwrap_or(0.0);
                }
            }
        }
        let mut items: Vec<(String, f64)> = topics
            .into_iter()
            .map(|(code, n)| (code_label(tr, "exchange-field", &code), n))
            .collect();
        items.sort_by(|a, b| b.1.total_cmp(&a.1));
        if !items.is_empty() {
            let desc = items
                .iter()
                .map(|(l, n)| format!("{l}: {n}"))
                .collect::<Vec<_>>()
                .join("; ");
            out.push(charts::bars(
                "chart-topics",
                &tr.t("fig-chart-topics"),
                &desc,
                &items,
                "",
            ));
        }
    }
    if view.history.len() > 1 {
        let series: Vec<String> = [
            "adults_german_b1_or_higher",
            "adults_employed_social_insurance",
            "adults_training_internship_studies",
        ]
        .iter()
        .map(|s| label(tr, s))
        .collect();
        let groups: Vec<(String, Vec<Option<f64>>)> = view
            .history
            .iter()
            .map(|h| (h.year.to_string(), h.pct.to_vec()))
            .collect();
        let desc = view
            .history
            .iter()
            .map(|h| {
                let parts: Vec<String> = series
                    .iter()
                    .zip(h.pct)
                    .map(|(s, p)| match p {
                        Some(p) => format!("{s} {p:.1} %"),
                        None => format!("{s} –"),
                    })
                    .collect();
                format!("{}: {}", h.year, parts.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ");
        out.push(charts::grouped_pct(
            "chart-shares",
            &tr.t("fig-chart-shares"),
            &desc,
            &series,
            &groups,
        ));
    }
    out
}

fn render(
    a: Authed,
    chooser: FormView,
    finalise_form: FormView,
    view: Option<View>,
    status: StatusCode,
) -> Response {
    let tr = &a.page.tr;
    let (names, lines, tables, charts, query) = match &view {
        Some(v) => {
            let rows: Vec<&Value> = v.rows.iter().map(|r| &r.figures).collect();
            (
                v.rows.iter().map(|r| r.display_name.clone()).collect(),
                lines(tr, v.ask, &rows),
                v.aggregate
                    .as_ref()
                    .map(|ag| protected(tr, ag))
                    .unwrap_or_default(),
                charts_of(tr, v),
                query_of(v.ask),
            )
        }
        None => Default::default(),
    };
    let page = a.page.at("figures").titled("figures-title");
    render_status(
        &FiguresTpl {
            page,
            chooser,
            finalise_form,
            view,
            query,
            names,
            lines,
            tables,
            charts,
        },
        status,
    )
}

async fn page(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    let today = a.ctx.today();
    let chooser = q.form(today);
    let result = match q.ask(today) {
        Ok(ask) => view::view(&state.db, &a.ctx, ask).await,
        Err(e) => Err(Error::Invalid(e)),
    };
    match result {
        Ok(v) => Ok(render(a, chooser, FormView::new(), Some(v), StatusCode::OK)),
        Err(Error::Invalid(e)) => {
            let status = status_of(&Error::Invalid(e.clone()));
            let chooser = chooser.with_errors(&e, &a.page.tr);
            Ok(render(a, chooser, FormView::new(), None, status))
        }
        Err(e) => Err(AppError(e)),
    }
}

async fn finalise(State(state): State<AppState>, a: Authed, form: FormData) -> AppResult<Response> {
    let typed = FormView::from_data(&form);
    let year = form.get("year").trim().parse::<i32>().map_err(|_| {
        let mut e = FieldErrors::new();
        e.add("year", "figures-error-year");
        Error::Invalid(e)
    });
    let shown_year = year
        .as_ref()
        .ok()
        .copied()
        .unwrap_or(a.ctx.today().year() - 1);
    let saved = match year {
        Ok(y) => view::finalise(&state.db, &a.ctx, y, form.get("reason"))
            .await
            .map(|_| y),
        Err(e) => Err(e),
    };
    match saved {
        Ok(y) => Ok(done(
            &format!("/figures?question=year&year={y}"),
            "figures-finalised-flash",
            state.config.secure_cookies,
        )),
        Err(e) => {
            let y = shown_year;
            reshown(e, typed, a.page.tr, |typed, status| async move {
                let v = view::view(&state.db, &a.ctx, Ask::Year(y)).await.ok();
                let chooser = FormView::from_pairs([
                    ("question", "year".to_string()),
                    ("year", y.to_string()),
                ]);
                Ok(render(a, chooser, typed, v, status))
            })
            .await
        }
    }
}

/// The tables the person sees for the question, as XLSX.
async fn export_xlsx(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    let ask = q
        .ask(a.ctx.today())
        .map_err(|e| AppError(Error::Invalid(e)))?;
    let v = view::export(&state.db, &a.ctx, ask).await?;
    let tr = &a.page.tr;
    let mut sheets = Vec::new();
    if !v.rows.is_empty() {
        let rows: Vec<&Value> = v.rows.iter().map(|r| &r.figures).collect();
        let mut columns = vec![tr.t("fig-figure")];
        columns.extend(v.rows.iter().map(|r| r.display_name.clone()));
        let mut group = String::new();
        let mut out_rows = Vec::new();
        for l in lines(tr, ask, &rows) {
            if l.heading {
                group = format!("{} – ", l.label);
                continue;
            }
            let mut row = vec![Cell::Text(format!("{group}{}", l.label))];
            row.extend(l.values.iter().map(|v| match v.get("of") {
                Some(_) => Cell::Text(shown(tr, v)),
                None => cell(v),
            }));
            out_rows.push(row);
        }
        sheets.push(Sheet {
            title: tr.t("figures-title"),
            columns,
            rows: out_rows,
        });
    }
    if let Some(ag) = &v.aggregate {
        for t in protected(tr, ag) {
            let mut columns = vec![String::new()];
            columns.extend(t.columns.iter().cloned());
            sheets.push(Sheet {
                title: t.title.clone(),
                columns,
                rows: t
                    .rows
                    .iter()
                    .map(|(_, label, cells)| {
                        std::iter::once(Cell::Text(label.clone()))
                            .chain(cells.iter().map(cell))
                            .collect()
                    })
                    .collect(),
            });
        }
    }
    let bytes = sheets::xlsx(&sheets).map_err(|e| AppError(Error::Internal(e.to_string())))?;
    Ok(file_download(
        bytes,
        XLSX,
        &format!("kennzahlen-{}.xlsx", query_of(ask).replace(['=', '&'], "-")),
    ))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

/// The statutory per-IM template: one row per IM with FTE and every figure of the year.
async fn template_sheet(state: &AppState, a: &Authed, q: &YearQuery) -> AppResult<(Sheet, i32)> {
    let ask = FiguresQuery {
        question: "year".into(),
        year: q.year.clone(),
        date: String::new(),
    }
    .ask(a.ctx.today())
    .map_err(|e| AppError(Error::Invalid(e)))?;
    let Ask::Year(year) = ask else {
        return Err(AppError(Error::NotFound));
    };
    let rows: Vec<Row> = view::template(&state.db, &a.ctx, year).await?;
    let tr = &a.page.tr;
    let figures: Vec<&Value> = rows.iter().map(|r| &r.figures).collect();
    let cols = sheet_columns(tr, &lines(tr, ask, &figures));
    let mut columns = vec![tr.t("fig-im"), tr.t("fig-fte")];
    columns.extend(cols.iter().map(|(label, _)| label.clone()));
    let out_rows = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = vec![
                Cell::Text(r.display_name.clone()),
                r.fte.map_or(Cell::Empty, |f| Cell::Decimal(f, 2)),
            ];
            row.extend(cols.iter().map(|(_, values)| values[i].clone()));
            row
        })
        .collect();
    Ok((
        Sheet {
            title: format!("{} {year}", tr.t("fig-template")),
            columns,
            rows: out_rows,
        },
        year,
    ))
}

async fn template_xlsx(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let (sheet, year) = template_sheet(&state, &a, &q).await?;
    let bytes = sheets::xlsx(&[sheet]).map_err(|e| AppError(Error::Internal(e.to_string())))?;
    Ok(file_download(
        bytes,
        XLSX,
        &format!("kennzahlen-je-im-{year}.xlsx"),
    ))
}

async fn template_csv(
    State(state): State<AppState>,
    a: Authed,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let (sheet, year) = template_sheet(&state, &a, &q).await?;
    Ok(file_download(
        sheets::csv_de(&sheet),
        "text/csv; charset=utf-8",
        &format!("kennzahlen-je-im-{year}.csv"),
    ))
}
