//! Unit tests of the plan's pure parts: the comparison of versions and the parsing of its forms.

use chrono::NaiveDate;

use super::current::interval_of;
use super::forms::ReviewInput;
use super::*;
use crate::administration::fields::Field;
use crate::administration::settings::WorkRules;
use crate::kernel::catalog::GoalStatus;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn step(id: i64, text: &str, done: Option<&str>) -> SnapStep {
    SnapStep {
        id,
        text: text.into(),
        owner: "client".into(),
        third_party: None,
        due_on: Some(d("2026-12-01")),
        done_on: done.map(d),
    }
}

fn goal(id: i64, text: &str, status: &str, steps: Vec<SnapStep>) -> SnapGoal {
    SnapGoal {
        id,
        field: "language".into(),
        person: None,
        text: text.into(),
        priority: Some(1),
        target_date: Some(d("2027-06-30")),
        status: status.into(),
        status_reason: None,
        created_on: d("2026-11-01"),
        closed_on: None,
        steps,
    }
}

#[test]
fn the_diff_names_added_removed_and_changed_goals_and_steps() {
    let a = Snapshot {
        goals: vec![
            goal(
                1,
                "B1 erreichen",
                "open",
                vec![step(10, "Kurs suchen", None)],
            ),
            goal(2, "Wohnung finden", "open", vec![]),
        ],
        review: None,
    };
    let mut g1 = goal(
        1,
        "B1-Prüfung bestehen",
        "in_progress",
        vec![
            step(10, "Kurs suchen", Some("2026-11-20")),
            step(11, "Anmelden", None),
        ],
    );
    g1.target_date = Some(d("2027-09-30"));
    let b = Snapshot {
        goals: vec![
            g1,
            goal(
                3,
                "Führerschein",
                "open",
                vec![step(12, "Fahrschule", None)],
            ),
        ],
        review: None,
    };
    let out = diff(&a, &b);
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].goal_id, 1);
    assert_eq!(out[0].kind, GoalChange::Changed);
    assert_eq!(
        out[0].changes,
        vec![
            Change::Text {
                from: "B1 erreichen".into(),
                to: "B1-Prüfung bestehen".into()
            },
            Change::Status {
                from: "open".into(),
                to: "in_progress".into()
            },
            Change::TargetDate {
                from: Some(d("2027-06-30")),
                to: Some(d("2027-09-30"))
            },
            Change::StepDone {
                text: "Kurs suchen".into(),
                on: d("2026-11-20")
            },
            Change::StepAdded {
                text: "Anmelden".into()
            },
        ]
    );
    assert_eq!(out[1].goal_id, 3);
    assert_eq!(out[1].kind, GoalChange::Added);
    assert_eq!(
        out[1].changes,
        vec![Change::StepAdded {
            text: "Fahrschule".into()
        }]
    );
    assert_eq!(out[2].goal_id, 2);
    assert_eq!(out[2].kind, GoalChange::Removed);
}

#[test]
fn identical_snapshots_have_no_diff_and_removed_steps_show() {
    let a = Snapshot {
        goals: vec![goal(
            1,
            "x",
            "open",
            vec![step(10, "s", None), step(11, "t", None)],
        )],
        review: None,
    };
    assert!(diff(&a, &a).is_empty());
    let b = Snapshot {
        goals: vec![goal(1, "x", "open", vec![step(10, "s", None)])],
        review: None,
    };
    assert_eq!(
        diff(&a, &b)[0].changes,
        vec![Change::StepRemoved { text: "t".into() }]
    );
}

#[test]
fn snapshots_round_trip_through_json() {
    let s = Snapshot {
        goals: vec![goal(1, "„Deutsch“ لغة", "open", vec![step(2, "s", None)])],
        review: Some(SnapReview {
            held_on: d("2026-11-21"),
            participants: Some("K, IM".into()),
            summary: None,
            changes: None,
            assessments: vec![(1, "gut".into())],
        }),
    };
    assert_eq!(Snapshot::from_json(&s.to_json().unwrap()).unwrap(), s);
}

fn bounds() -> Bounds {
    Bounds {
        opened_on: d("2026-01-10"),
        end: d("2029-01-10"),
        today: d("2026-11-21"),
    }
}

fn fields() -> Vec<Field> {
    vec![
        Field {
            key: "language".into(),
            exchange_field: "language".into(),
            label_de: "Sprache".into(),
            label_en: "Language".into(),
            active: true,
        },
        Field {
            key: "old".into(),
            exchange_field: "work".into(),
            label_de: "Alt".into(),
            label_en: "Old".into(),
            active: false,
        },
    ]
}

#[test]
fn goals_need_text_a_known_field_and_dates_inside_the_case() {
    let mut f = GoalForm {
        field: "language".into(),
        text: "  ".into(),
        target_date: "2029-02-01".into(),
        priority: "4".into(),
        person: "99".into(),
        ..Default::default()
    };
    let e = GoalInput::parse(&f, &fields(), None, &[1, 2], &bounds()).unwrap_err();
    assert_eq!(e.get("text"), Some("error-required"));
    assert_eq!(e.get("target_date"), Some("error-after-case-end"));
    assert_eq!(e.get("priority"), Some("error-choice"));
    assert_eq!(e.get("person"), Some("error-choice"));
    f.text = "Ich möchte B1 schaffen".into();
    f.target_date = "2025-12-31".into();
    f.priority = "1".into();
    f.person = "2".into();
    let e = GoalInput::parse(&f, &fields(), None, &[1, 2], &bounds()).unwrap_err();
    assert_eq!(e.get("target_date"), Some("error-before-opening"));
    f.target_date = "30.06.2027".into();
    let g = GoalInput::parse(&f, &fields(), None, &[1, 2], &bounds()).unwrap();
    assert_eq!(g.person, Some(2));
    assert_eq!(g.status, GoalStatus::Open);
    // A deactivated field: refused for new goals, kept for a goal that has it.
    f.field = "old".into();
    assert!(GoalInput::parse(&f, &fields(), None, &[1, 2], &bounds()).is_err());
    assert!(GoalInput::parse(&f, &fields(), Some("old"), &[1, 2], &bounds()).is_ok());
}

#[test]
fn not_reached_and_dropped_need_a_reason() {
    let mut f = GoalForm {
        field: "language".into(),
        text: "x".into(),
        status: "dropped".into(),
        ..Default::default()
    };
    let e = GoalInput::parse(&f, &fields(), None, &[], &bounds()).unwrap_err();
    assert_eq!(e.get("status_reason"), Some("error-goal-reason-required"));
    f.status_reason = "Andere Prioritäten".into();
    let g = GoalInput::parse(&f, &fields(), None, &[], &bounds()).unwrap();
    assert_eq!(g.status, GoalStatus::Dropped);
    f.status = "reached".into();
    f.status_reason.clear();
    assert!(GoalInput::parse(&f, &fields(), None, &[], &bounds()).is_ok());
}

#[test]
fn steps_check_owner_due_and_done_dates() {
    let mut f = StepForm {
        text: "Anmeldung".into(),
        owner: "third_party".into(),
        due_on: "2029-01-11".into(),
        done_on: "2026-11-22".into(),
        ..Default::default()
    };
    let e = StepInput::parse(&f, &bounds()).unwrap_err();
    assert_eq!(e.get("third_party"), Some("error-third-party-required"));
    assert_eq!(e.get("due_on"), Some("error-after-case-end"));
    assert_eq!(e.get("done_on"), Some("error-date-future"));
    f.third_party = "VHS".into();
    f.due_on = "2029-01-10".into();
    f.done_on = "2026-01-09".into();
    let e = StepInput::parse(&f, &bounds()).unwrap_err();
    assert_eq!(e.get("done_on"), Some("error-before-opening"));
    f.done_on = String::new();
    let s = StepInput::parse(&f, &bounds()).unwrap();
    assert_eq!(s.third_party.as_deref(), Some("VHS"));
    f.owner = "im".into();
    assert_eq!(StepInput::parse(&f, &bounds()).unwrap().third_party, None);
}

#[test]
fn closing_dates_follow_the_status() {
    let on = d("2026-11-21");
    assert_eq!(
        closed_on_after("open", None, GoalStatus::Reached, on),
        Some(on)
    );
    assert_eq!(
        closed_on_after("reached", Some(d("2026-10-01")), GoalStatus::Reached, on),
        Some(d("2026-10-01"))
    );
    assert_eq!(
        closed_on_after("reached", Some(d("2026-10-01")), GoalStatus::Dropped, on),
        Some(on)
    );
    assert_eq!(
        closed_on_after("reached", Some(d("2026-10-01")), GoalStatus::InProgress, on),
        None
    );
}

#[test]
fn intervals_are_one_to_24_months() {
    assert_eq!(parse_interval(""), Ok(None));
    assert_eq!(parse_interval("3"), Ok(Some(3)));
    assert_eq!(parse_interval("0"), Err("error-interval"));
    assert_eq!(parse_interval("25"), Err("error-interval"));
    assert_eq!(parse_interval("x"), Err("error-interval"));
    let rules = WorkRules::default();
    assert_eq!(interval_of(None, &rules), 6);
    assert_eq!(interval_of(Some(3), &rules), 3);
}

#[test]
fn review_dates_are_in_the_past_and_inside_the_case() {
    let f = ReviewForm {
        held_on: "2026-11-22".into(),
        goals: vec![ReviewGoalForm {
            goal_id: 1,
            status: "not_reached".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let e = ReviewInput::parse(&f, &bounds()).unwrap_err();
    assert_eq!(e.get("held_on"), Some("error-date-future"));
    assert_eq!(e.get("review_status"), Some("error-goal-reason-required"));
}
