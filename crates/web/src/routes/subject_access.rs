//! The data-protection officer's Art. 15 export of one person (from the record opened for a
//! request): the JSON Lines file of everything stored, or the readable PDF in German beside the
//! person's language. The reason travels in the POST body; the core stores it and audits the
//! export naming the person.

use std::collections::BTreeSet;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Map, Value};

use ankommen_core::Error;
use ankommen_core::casework::subject_access::{self, SubjectAccess};
use ankommen_core::kernel::catalog::LanguageEntry;
use ankommen_core::kernel::types::{Birth, Locale};
use ankommen_documents as documents;
use documents::{AccessEvent, AccessLine, AccessReport, AccessSection, Party};

use super::privacy::search;
use super::reshown;
use crate::AppState;
use crate::download::file_download;
use crate::error::{AppError, AppResult};
use crate::forms::{FormData, FormView};
use crate::i18n::Tr;
use crate::ids::Ids;
use crate::page::Authed;

pub fn routes() -> Router<AppState> {
    Router::new().route("/privacy/persons/{id}/art15", post(export))
}

/// The form languages offered for the report, starting at the person's (interpreter language,
/// native languages, other languages), German when the forms exist in none of them.
pub fn preferred_language(interpreter: Option<&str>, languages: Option<&str>) -> &'static str {
    let spoken = LanguageEntry::stored(languages);
    let (native, other): (Vec<_>, Vec<_>) = spoken.iter().partition(|l| l.level == "native");
    interpreter
        .into_iter()
        .chain(native.iter().chain(other.iter()).map(|l| l.code.as_str()))
        .find_map(documents::form_language_for)
        .unwrap_or("de")
}

async fn export(
    State(state): State<AppState>,
    a: Authed,
    Ids(id): Ids<i64>,
    form: FormData,
) -> AppResult<Response> {
    let view = FormView::from_data(&form);
    let format = form.get("format").to_string();
    let lang = form.get("language").to_string();
    // The choices are checked before anything is read or recorded. They are not fields of the
    // page shown again (the officer's search), so the error is the form's, not a field's.
    if (format != "pdf" && format != "jsonl")
        || (format == "pdf" && !documents::is_supported(&lang))
    {
        let view = view.with_general(a.page.t("error-choice"));
        return Ok(search(a, view, None, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let done =
        subject_access::export(&state.db, &a.ctx, &state.sealer, id, form.get("reason")).await;
    let out = match done {
        Ok(out) => out,
        Err(e) => {
            return reshown(e, view, a.page.tr, |view, status| async move {
                Ok(search(a, view, None, status))
            })
            .await;
        }
    };
    let day = a.ctx.today();
    if format == "jsonl" {
        return Ok(file_download(
            out.jsonl(),
            "application/x-ndjson; charset=utf-8",
            &format!("auskunft-art15-{id}-{day}.jsonl"),
        ));
    }
    let report = report(&out, &a.ctx.actor.display_name, day);
    let pdf = documents::access_pdf(&lang, &report).map_err(|e| {
        AppError(Error::Internal(format!(
            "the Art. 15 report cannot be printed: {e}"
        )))
    })?;
    Ok(file_download(
        pdf,
        "application/pdf",
        &format!("auskunft-art15-{id}-{day}.pdf"),
    ))
}

/// A stored value as text ("" when absent).
fn s(row: &Map<String, Value>, key: &str) -> String {
    match row.get(key) {
        Some(Value::String(v)) => v.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// A stored date (`2026-03-01`, or a timestamp) as Germans write it.
fn date(row: &Map<String, Value>, key: &str) -> String {
    let v = s(row, key);
    chrono::NaiveDate::parse_from_str(v.get(..10).unwrap_or(&v), "%Y-%m-%d")
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or(v)
}

/// Parts joined with " · ", empty ones left out.
fn join(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ")
}

fn labelled(tr: &Tr, label: &str, value: String) -> String {
    if value.trim().is_empty() {
        String::new()
    } else {
        format!("{}: {value}", tr.t(label))
    }
}

/// The report's data in German (the entries are the stored values; headings and explanations
/// come in both languages from the document's translations).
fn report(out: &SubjectAccess, officer: &str, day: chrono::NaiveDate) -> AccessReport {
    let tr = Tr { locale: Locale::De };
    let label = |list: &str, v: &str| -> String {
        if v.is_empty() {
            return String::new();
        }
        tr.try_t(&format!("{list}-{v}"))
            .unwrap_or_else(|| v.to_string())
    };
    let p = &out.person;
    let municipality = |ags: &str| {
        out.municipalities
            .get(ags)
            .cloned()
            .unwrap_or_else(|| ags.to_string())
    };
    // The person's stored fields.
    let row = out.of("persons").first().cloned().unwrap_or_default();
    let mut record: Vec<(String, String)> = Vec::new();
    for key in documents::ACCESS_FIELDS {
        let value = match key {
            "birth" => Birth::from_stored(p.birth_date, p.birth_year).display(),
            "languages" => LanguageEntry::stored(p.languages.as_deref())
                .iter()
                .map(|l| format!("{} ({})", l.code, l.level))
                .collect::<Vec<_>>()
                .join(", "),
            "target_group" => label("target-group", &p.target_group),
            "municipality" => municipality(&p.municipality_ags),
            "residence_valid_until" | "au_move_in" => date(&row, key),
            other => s(&row, other),
        };
        if !value.trim().is_empty() {
            record.push((key.to_string(), value));
        }
    }
    let line = |d: String, text: String| AccessLine { date: d, text };
    let mut sections = Vec::new();
    let mut section = |key: &'static str, lines: Vec<AccessLine>| {
        sections.push(AccessSection { key, lines });
    };
    section(
        "households",
        out.of("households")
            .iter()
            .map(|h| {
                line(
                    String::new(),
                    join(&[
                        format!("Haushalt {}", s(h, "id")),
                        municipality(&s(h, "municipality_ags")),
                        labelled(&tr, "privacy-relation", s(&row, "relation")),
                    ]),
                )
            })
            .collect(),
    );
    let events = out.of("case_events");
    section(
        "cases",
        out.of("cases")
            .iter()
            .map(|c| {
                let org = c
                    .get("organisation_id")
                    .and_then(Value::as_i64)
                    .and_then(|o| out.organisations.get(&o).cloned())
                    .unwrap_or_default();
                let history: Vec<String> = events
                    .iter()
                    .filter(|e| e.get("case_id") == c.get("id"))
                    .map(|e| {
                        join(&[
                            date(e, "on_date"),
                            label("case-event", &s(e, "kind")),
                            s(e, "reason"),
                        ])
                    })
                    .collect();
                line(
                    date(c, "opened_on"),
                    join(&[
                        format!("Fall {}", s(c, "case_number")),
                        org,
                        municipality(&s(c, "municipality_ags")),
                        label("case-status", &s(c, "status")),
                        labelled(&tr, "privacy-closed-on", date(c, "closed_on")),
                        label("closure-reason", &s(c, "closure_reason")),
                        s(c, "closure_note"),
                        labelled(&tr, "privacy-extended-until", date(c, "extended_until")),
                        s(c, "extension_reason"),
                        s(c, "eligibility_note"),
                        s(c, "handover_note"),
                        history.join("; "),
                    ]),
                )
            })
            .collect(),
    );
    section(
        "consents",
        out.of("consents")
            .iter()
            .map(|c| {
                line(
                    date(c, "given_on"),
                    join(&[
                        format!("Textfassung {}", s(c, "text_version")),
                        format!("Sprache {}", s(c, "language")),
                        label("consent-form", &s(c, "form")),
                        labelled(&tr, "privacy-withdrawn-on", date(c, "withdrawn_on")),
                        s(c, "withdrawal_note"),
                    ]),
                )
            })
            .collect(),
    );
    let categories = |v: &str| -> String {
        v.split(',')
            .filter(|c| !c.is_empty())
            .map(|c| label("data-category", c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    section(
        "releases",
        out.of("releases")
            .iter()
            .map(|r| {
                line(
                    date(r, "valid_from"),
                    join(&[
                        s(r, "recipient_name"),
                        categories(&s(r, "data_categories")),
                        s(r, "purpose"),
                        labelled(&tr, "privacy-valid-until", date(r, "valid_until")),
                        labelled(&tr, "privacy-revoked-on", date(r, "revoked_on")),
                    ]),
                )
            })
            .collect(),
    );
    section(
        "contacts",
        out.of("contacts")
            .iter()
            .map(|c| {
                line(
                    date(c, "contact_date"),
                    join(&[
                        label("contact-kind", &s(c, "contact_kind")),
                        if s(c, "minutes").is_empty() {
                            String::new()
                        } else {
                            format!("{} Min.", s(c, "minutes"))
                        },
                        s(c, "topics").replace(',', ", "),
                        s(c, "interpreter_language"),
                        s(c, "note"),
                    ]),
                )
            })
            .collect(),
    );
    let steps = out.of("steps");
    let mut goal_lines = Vec::new();
    for g in out.of("goals") {
        goal_lines.push(line(
            date(g, "created_on"),
            join(&[
                s(g, "field_key"),
                s(g, "text"),
                label("goal-status", &s(g, "status")),
                s(g, "status_reason"),
                labelled(&tr, "privacy-target-date", date(g, "target_date")),
            ]),
        ));
        for st in steps.iter().filter(|st| st.get("goal_id") == g.get("id")) {
            goal_lines.push(line(
                date(st, "due_on"),
                join(&[
                    format!("→ {}", s(st, "text")),
                    s(st, "third_party"),
                    labelled(&tr, "privacy-done-on", date(st, "done_on")),
                ]),
            ));
        }
    }
    section("goals", goal_lines);
    section(
        "reviews",
        out.of("reviews")
            .iter()
            .map(|r| {
                line(
                    date(r, "held_on"),
                    join(&[s(r, "participants"), s(r, "summary"), s(r, "changes")]),
                )
            })
            .collect(),
    );
    section(
        "outcomes",
        out.of("outcomes")
            .iter()
            .map(|o| {
                line(
                    date(o, "outcome_date"),
                    join(&[
                        label("outcome-type", &s(o, "outcome_type")),
                        s(o, "level"),
                        s(o, "course"),
                        s(o, "employment_type"),
                        s(o, "place"),
                        labelled(&tr, "privacy-valid-until", date(o, "until_date")),
                    ]),
                )
            })
            .collect(),
    );
    section(
        "referrals",
        out.of("referrals")
            .iter()
            .map(|r| {
                line(
                    date(r, "referral_date"),
                    join(&[s(r, "service_name"), s(r, "reason"), s(r, "result")]),
                )
            })
            .collect(),
    );
    section(
        "followups",
        out.of("followups")
            .iter()
            .map(|f| {
                line(
                    date(f, "due_on"),
                    join(&[
                        s(f, "reason"),
                        labelled(&tr, "privacy-done-on", date(f, "done_on")),
                    ]),
                )
            })
            .collect(),
    );
    section(
        "documents",
        out.of("documents")
            .iter()
            .map(|d| {
                line(
                    date(d, "created_at"),
                    join(&[
                        s(d, "kind"),
                        s(d, "content_type"),
                        format!("{} Bytes", s(d, "size")),
                    ]),
                )
            })
            .collect(),
    );
    let purposes: Vec<String> = out
        .of("releases")
        .iter()
        .map(|r| s(r, "purpose"))
        .filter(|p| !p.is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut recipients: Vec<AccessLine> = out
        .of("releases")
        .iter()
        .map(|r| {
            line(
                date(r, "valid_from"),
                join(&[
                    s(r, "recipient_name"),
                    "Schweigepflichtentbindung".to_string(),
                    labelled(&tr, "privacy-revoked-on", date(r, "revoked_on")),
                ]),
            )
        })
        .collect();
    recipients.extend(out.of("referrals").iter().map(|r| {
        line(
            date(r, "referral_date"),
            join(&[s(r, "service_name"), "Vermittlung".to_string()]),
        )
    }));
    let accesses = out
        .accesses
        .iter()
        .map(|e| AccessEvent {
            when: tr.datetime(e.at),
            who: if e.who.is_empty() {
                tr.t("privacy-unknown-actor")
            } else {
                e.who.clone()
            },
            what: join(&[
                tr.try_t(&format!("audit-action-{}", e.action))
                    .unwrap_or_else(|| e.action.clone()),
                e.section
                    .as_deref()
                    .map(|x| {
                        tr.try_t(&format!("audit-section-{x}"))
                            .unwrap_or_else(|| x.to_string())
                    })
                    .unwrap_or_default(),
                if e.allowed {
                    String::new()
                } else {
                    tr.t("privacy-denied")
                },
            ]),
        })
        .collect();
    AccessReport {
        client: Party {
            name: format!("{} {}", p.given_name, p.family_name),
            name_original: p.name_original.clone(),
            birth: Birth::from_stored(p.birth_date, p.birth_year).display(),
        },
        organisations: out
            .organisations
            .values()
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        officer: officer.to_string(),
        record,
        sections,
        purposes,
        recipients,
        accesses,
        date: day,
    }
}
