//! Whose consent a plan's parts need: the whole plan the consent of the case's client (its first
//! person, who signs it), a goal naming a household member also that member's (decision 0012).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use super::snapshot::Snapshot;
use crate::casework::cases;
use crate::records::consent::{self, Coverage, Data};
use crate::{Error, Result};

/// What of a case's plan the persons' consents cover on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanScope {
    /// The client: the case's first person.
    pub client: Option<i64>,
    /// What the client's consent covers (the plan as a whole, and the client's languages for the
    /// print).
    pub client_coverage: Coverage,
    /// Persons of the case whose consent does not cover the plan: goals naming them are withheld.
    pub uncovered: BTreeSet<i64>,
}

impl PlanScope {
    /// The scope of a case's plan on `on` (two queries: the persons and their consents).
    pub async fn of<C: ConnectionTrait>(conn: &C, case_id: i64, on: NaiveDate) -> Result<Self> {
        let ids: Vec<i64> = cases::persons_of(conn, case_id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let coverage = consent::coverages(conn, ids.iter().copied(), on).await?;
        let of = |p: &i64| coverage.get(p).copied().unwrap_or(Coverage::NONE);
        Ok(Self {
            client: ids.first().copied(),
            client_coverage: ids.first().map_or(Coverage::NONE, of),
            uncovered: ids
                .iter()
                .filter(|p| !of(p).covers(Data::Plan))
                .copied()
                .collect(),
        })
    }

    /// Whether the plan may be shown and changed at all.
    pub fn covered(&self) -> bool {
        self.client.is_some() && self.client_coverage.covers(Data::Plan)
    }

    /// Refuses a change or a read of the plan that the client's consent does not cover.
    pub fn require(&self) -> Result<()> {
        if self.covered() {
            Ok(())
        } else {
            Err(Error::Conflict("error-plan-no-consent"))
        }
    }

    /// Whether a goal for `person` (None: the whole household) may be shown and changed.
    pub fn shows(&self, person: Option<i64>) -> bool {
        self.covered() && person.is_none_or(|p| !self.uncovered.contains(&p))
    }

    /// Removes from a snapshot the goals that are withheld, and the review's assessments of them.
    pub fn withhold(&self, snap: &mut Snapshot) {
        snap.goals.retain(|g| self.shows(g.person));
        let kept: BTreeSet<i64> = snap.goals.iter().map(|g| g.id).collect();
        if let Some(r) = &mut snap.review {
            r.assessments.retain(|(gid, _)| kept.contains(gid));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::casework::plans::snapshot::{SnapGoal, SnapReview};

    fn goal(id: i64, person: Option<i64>) -> SnapGoal {
        SnapGoal {
            id,
            field: "language".into(),
            person,
            text: format!("goal {id}"),
            priority: None,
            target_date: None,
            status: "open".into(),
            status_reason: None,
            created_on: NaiveDate::default(),
            closed_on: None,
            steps: vec![],
        }
    }

    #[test]
    fn goals_of_members_without_consent_are_withheld_and_nothing_without_the_clients() {
        let active = consent::Coverage::of(&consent::ConsentState::Active(
            ankommen_store::entities::consent::Model {
                id: 1,
                person_id: 1,
                text_version: "2026-1".into(),
                language: "ar".into(),
                given_on: NaiveDate::default(),
                form: "paper".into(),
                document_id: None,
                withdrawn_on: None,
                withdrawal_note: None,
                voluntary_erased_on: None,
                external_id: None,
                created_at: chrono::DateTime::default(),
                created_by: 1,
                version: 1,
            },
        ));
        let scope = PlanScope {
            client: Some(1),
            client_coverage: active,
            uncovered: [2].into_iter().collect(),
        };
        let mut snap = Snapshot {
            goals: vec![goal(10, None), goal(11, Some(1)), goal(12, Some(2))],
            review: Some(SnapReview {
                held_on: NaiveDate::default(),
                participants: None,
                summary: None,
                changes: None,
                assessments: vec![(10, "gut".into()), (12, "offen".into())],
            }),
        };
        scope.withhold(&mut snap);
        assert_eq!(
            snap.goals.iter().map(|g| g.id).collect::<Vec<_>>(),
            vec![10, 11]
        );
        assert_eq!(snap.review.map(|r| r.assessments.len()), Some(1));

        let without = PlanScope {
            client_coverage: Coverage::NONE,
            uncovered: [1].into_iter().collect(),
            ..scope
        };
        assert!(!without.covered() && !without.shows(None));
        assert!(matches!(
            without.require(),
            Err(Error::Conflict("error-plan-no-consent"))
        ));
    }
}
