//! Possible duplicate people: the reviewer's list, a pair side by side, merging it or marking it
//! "not the same" (issue 22). The rules are in `ankommen_core::casework::duplicates`.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};

use ankommen_core::Error;
use ankommen_core::casework::duplicates::{self, MergeInput, PairView, Side};
use ankommen_core::kernel::names::matching::Reason;

use super::clients::birth_of;
use super::{done, full_name, render, render_status, saved_or_reshown};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::{FormData, FormView};
use crate::ids::Ids;
use crate::page::{Authed, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(list))
        .route("/duplicates/{a}/{b}", get(review))
        .route("/duplicates/{a}/{b}/merge", post(merge))
        .route("/duplicates/{a}/{b}/not-same", post(not_same))
}

fn reasons(page: &Page, rs: &[Reason]) -> String {
    rs.iter()
        .map(|r| page.t(&format!("duplicates-reason-{}", r.as_str())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One pair of the list, ready to show.
struct Row {
    a: i64,
    b: i64,
    a_name: String,
    b_name: String,
    a_birth: String,
    b_birth: String,
    score: u8,
    reasons: String,
}

#[derive(Template)]
#[template(path = "duplicates/list.html")]
struct ListTpl {
    page: Page,
    rows: Vec<Row>,
}

/// `GET /duplicates`
pub async fn list(State(state): State<AppState>, a: Authed) -> AppResult<Response> {
    let pairs = duplicates::list(&state.db, &a.ctx).await?;
    let mut page = a.page.at("duplicates");
    page.title = page.t("duplicates-title");
    let rows = pairs
        .iter()
        .map(|p| Row {
            a: p.a.id,
            b: p.b.id,
            a_name: full_name(&p.a),
            b_name: full_name(&p.b),
            a_birth: birth_of(&p.a),
            b_birth: birth_of(&p.b),
            score: p.score,
            reasons: reasons(&page, &p.reasons),
        })
        .collect();
    Ok(render(&ListTpl { page, rows }))
}

/// One side of the review page, ready to show.
struct SideRow {
    id: i64,
    name: String,
    original: String,
    birth: String,
    municipality: String,
    cases: Vec<(String, String, String)>,
    external_ids: String,
    created: String,
}

fn side_row(page: &Page, s: &Side) -> SideRow {
    SideRow {
        id: s.person.id,
        name: full_name(&s.person),
        original: s.person.name_original.clone().unwrap_or_default(),
        birth: birth_of(&s.person),
        municipality: s.person.municipality_ags.clone(),
        cases: s
            .cases
            .iter()
            .map(|(c, im)| {
                (
                    c.case_number.clone(),
                    page.label("case-status", &c.status),
                    im.clone(),
                )
            })
            .collect(),
        external_ids: s.external_ids.join(", "),
        created: page.datetime(&s.person.created_at),
    }
}

#[derive(Template)]
#[template(path = "duplicates/review.html")]
struct ReviewTpl {
    page: Page,
    a: SideRow,
    b: SideRow,
    score: String,
    reasons: String,
    form: FormView,
}

fn review_page(page: Page, v: &PairView, form: FormView) -> ReviewTpl {
    let mut page = page.at("duplicates");
    page.title = page.t("duplicates-review-title");
    let (score, reasons) = match &v.matched {
        Some(m) => (m.score.to_string(), reasons(&page, &m.reasons)),
        None => (String::from("–"), page.t("duplicates-no-match")),
    };
    ReviewTpl {
        a: side_row(&page, &v.a),
        b: side_row(&page, &v.b),
        score,
        reasons,
        form,
        page,
    }
}

fn default_form(v: &PairView) -> FormView {
    // The older record keeps its id by default.
    FormView::from_pairs([
        ("keep", v.a.person.id.to_string()),
        ("version_a", v.a.person.version.to_string()),
        ("version_b", v.b.person.version.to_string()),
    ])
}

/// `GET /duplicates/{a}/{b}`
pub async fn review(
    State(state): State<AppState>,
    a: Authed,
    Ids((x, y)): Ids<(i64, i64)>,
) -> AppResult<Response> {
    let v = duplicates::pair(&state.db, &a.ctx, x, y).await?;
    let form = default_form(&v);
    Ok(render(&review_page(a.page, &v, form)))
}

/// The merge as the form asks it: which record keeps its id, and the versions seen.
fn merge_input(form: &FormData, a: i64, b: i64) -> Result<MergeInput, Error> {
    let (lo, hi) = (a.min(b), a.max(b));
    let version_a = form.version_in("version_a")?;
    let version_b = form.version_in("version_b")?;
    let keep: i64 = form
        .get("keep")
        .trim()
        .parse()
        .map_err(|_| Error::field("keep", "error-choice"))?;
    if keep == lo {
        Ok(MergeInput {
            survivor: lo,
            survivor_version: version_a,
            absorbed: hi,
            absorbed_version: version_b,
        })
    } else if keep == hi {
        Ok(MergeInput {
            survivor: hi,
            survivor_version: version_b,
            absorbed: lo,
            absorbed_version: version_a,
        })
    } else {
        Err(Error::field("keep", "error-choice"))
    }
}

/// `POST /duplicates/{a}/{b}/merge`
pub async fn merge(
    State(state): State<AppState>,
    a: Authed,
    Ids((x, y)): Ids<(i64, i64)>,
    form: FormData,
) -> AppResult<Response> {
    if x == y {
        return Err(Error::NotFound.into());
    }
    let saved = match merge_input(&form, x, y) {
        Ok(input) => duplicates::merge(&state.db, &a.ctx, &state.sealer, input)
            .await
            .map(|_| {
                done(
                    &format!("/clients/{}", input.survivor),
                    "duplicates-flash-merged",
                    state.config.secure_cookies,
                )
            }),
        Err(e) => Err(e),
    };
    saved_or_reshown(
        saved,
        FormView::from_data(&form),
        a.page.tr,
        |mut view, status| async move {
            let v = duplicates::pair(&state.db, &a.ctx, x, y).await?;
            // The records as they are now: a second try merges what the page shows.
            view.set("version_a", &v.a.person.version.to_string());
            view.set("version_b", &v.b.person.version.to_string());
            Ok(render_status(&review_page(a.page, &v, view), status))
        },
    )
    .await
}

/// `POST /duplicates/{a}/{b}/not-same`
pub async fn not_same(
    State(state): State<AppState>,
    a: Authed,
    Ids((x, y)): Ids<(i64, i64)>,
) -> AppResult<Response> {
    duplicates::not_same(&state.db, &a.ctx, x, y).await?;
    Ok(done(
        "/duplicates",
        "duplicates-flash-not-same",
        state.config.secure_cookies,
    ))
}
