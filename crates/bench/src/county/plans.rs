//! A case's integration plan: goals with steps, and reviews about every six months.

use ankommen_core::kernel::sealed::{
    GOAL_STATUS_REASON, GOAL_TEXT, REVIEW_ASSESSMENT, REVIEW_CHANGES, REVIEW_SUMMARY, STEP_TEXT,
};
use ankommen_store::entities::{goal, plan, review, review_assessment, step};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;

use super::batch::next;
use super::cases::{Gen, House};
use super::texts::{FIELDS, STEP_TEXTS, THIRD_PARTIES, goal_text};
use super::{add_months, at};

/// The plan, if the case lived long enough to get one (two to six weeks after opening).
pub(super) fn plan(g: &mut Gen, h: &House<'_>) {
    let plan_on = h.s.opened + Duration::days(g.rng.range(14, 45));
    if plan_on >= h.end {
        return;
    }
    let plan_at = at(plan_on, 14 * 60);
    g.batch.plans.push(plan::ActiveModel {
        id: Set(next(&mut g.ids.plan)),
        case_id: Set(h.case_id),
        review_interval_months: Set(None),
        created_by: Set(h.im.id),
        created_at: Set(plan_at),
        updated_at: Set(plan_at),
        version: Set(1),
    });
    let n_goals = g.rng.range(2, 4) as usize;
    let mut fields: Vec<&str> = Vec::new();
    while fields.len() < n_goals {
        let f = *g.rng.pick(FIELDS);
        if !fields.contains(&f) {
            fields.push(f);
        }
    }
    let mut goal_ids = Vec::new();
    for (pos, field) in fields.iter().enumerate() {
        let gid = goal_row(g, h, plan_on, pos, field);
        goal_ids.push(gid);
        for spos in 0..g.rng.range(1, 3) {
            step_row(g, h, plan_on, gid, spos);
        }
    }
    reviews(g, h, plan_on, &goal_ids);
}

/// One goal in the field of action `field`; its status follows the case's and the target date.
fn goal_row(g: &mut Gen, h: &House<'_>, plan_on: NaiveDate, pos: usize, field: &str) -> i64 {
    let (rng, end) = (&mut g.rng, h.end);
    let gid = next(&mut g.ids.goal);
    let target_date = plan_on + Duration::days(rng.range(90, 365));
    let (status, closed_on, reason) = if h.s.closed.is_some() {
        let st = *rng.weighted(&[("reached", 50), ("not_reached", 20), ("dropped", 30)]);
        let reason = (st != "reached").then(|| "Andere Prioritäten".to_string());
        (st, Some(target_date.min(end)), reason)
    } else if target_date < g.today - Duration::days(60) && rng.chance(0.5) {
        ("reached", Some(target_date), None)
    } else {
        (
            *rng.weighted(&[("open", 40), ("in_progress", 60)]),
            None,
            None,
        )
    };
    let plan_at = plan_time(plan_on);
    let text = goal_text(field, rng);
    let priority = rng.range(1, 3) as i32;
    let seal = &g.seal;
    g.batch.goals.push(goal::ActiveModel {
        id: Set(gid),
        case_id: Set(h.case_id),
        person_id: Set(None),
        field_key: Set(field.into()),
        text_sealed: Set(seal.text(GOAL_TEXT.at_version(gid, 1), text)),
        priority: Set(Some(priority)),
        target_date: Set(Some(target_date)),
        status: Set(status.into()),
        status_reason_sealed: Set(
            reason.map(|r| seal.text(GOAL_STATUS_REASON.at_version(gid, 1), &r))
        ),
        created_on: Set(plan_on),
        closed_on: Set(closed_on),
        position: Set(pos as i32 + 1),
        external_id: Set(None),
        created_by: Set(h.im.id),
        created_at: Set(plan_at),
        updated_at: Set(plan_at),
        version: Set(1),
    });
    gid
}

/// The time stamp of everything written with the plan.
fn plan_time(plan_on: NaiveDate) -> DateTime<Utc> {
    at(plan_on, 14 * 60)
}

/// The `spos`-th step of the goal `gid`: by the client, the IM or a named service.
fn step_row(g: &mut Gen, h: &House<'_>, plan_on: NaiveDate, gid: i64, spos: i64) {
    let (rng, end) = (&mut g.rng, h.end);
    let due = plan_on + Duration::days(rng.range(14, 180));
    let done = (due + Duration::days(rng.range(-10, 20)))
        .max(plan_on)
        .min(end);
    let done = (done < g.today && (h.s.closed.is_some() || rng.chance(0.85))).then_some(done);
    let owner = *rng.weighted(&[("client", 45), ("im", 35), ("third_party", 20)]);
    let plan_at = plan_time(plan_on);
    let text = *rng.pick(STEP_TEXTS);
    let third_party = (owner == "third_party").then(|| (*rng.pick(THIRD_PARTIES)).to_string());
    let id = next(&mut g.ids.step);
    let version = if done.is_some() { 2 } else { 1 };
    g.batch.steps.push(step::ActiveModel {
        id: Set(id),
        goal_id: Set(gid),
        case_id: Set(h.case_id),
        text_sealed: Set(g.seal.text(STEP_TEXT.at_version(id, version), text)),
        owner: Set(owner.into()),
        third_party: Set(third_party),
        due_on: Set(Some(due)),
        done_on: Set(done),
        position: Set(spos as i32 + 1),
        external_id: Set(None),
        created_by: Set(h.im.id),
        created_at: Set(plan_at),
        updated_at: Set(plan_at),
        version: Set(version),
    });
}

/// Reviews every five to seven months until the case's end, each assessing every goal.
fn reviews(g: &mut Gen, h: &House<'_>, plan_on: NaiveDate, goal_ids: &[i64]) {
    let mut r = add_months(plan_on, g.rng.range(5, 7) as u32);
    while r < h.end {
        let rid = next(&mut g.ids.review);
        g.batch.reviews.push(review::ActiveModel {
            id: Set(rid),
            case_id: Set(h.case_id),
            held_on: Set(r),
            participants: Set(Some("Klient:in, Integrationsmanager:in".into())),
            summary_sealed: Set(Some(g.seal.text(
                REVIEW_SUMMARY.at(rid),
                "Fortschritte besprochen, Plan angepasst.",
            ))),
            changes_sealed: Set(Some(g.seal.text(
                REVIEW_CHANGES.at(rid),
                "Zieldatum verschoben, neuer Schritt ergänzt.",
            ))),
            external_id: Set(None),
            created_by: Set(h.im.id),
            created_at: Set(at(r, 15 * 60)),
        });
        for gid in goal_ids {
            let assessment = *g.rng.pick(&[
                "Auf gutem Weg.",
                "Verzögert, weil Unterlagen fehlen.",
                "Teilweise erreicht.",
            ]);
            g.batch
                .review_assessments
                .push(review_assessment::ActiveModel {
                    review_id: Set(rid),
                    goal_id: Set(*gid),
                    assessment_sealed: Set(g
                        .seal
                        .text(REVIEW_ASSESSMENT.at_pair(rid, *gid), assessment)),
                });
        }
        r = add_months(r, g.rng.range(5, 7) as u32);
    }
}
