//! When things fall due: the next plan review and the next counselling contact. One definition
//! for the plan page, the day view and the quality indicators (`figures.md`).

use chrono::{Months, NaiveDate};

use crate::administration::settings::WorkRules;

/// The deadline of the current review cycle: one interval after the previous review, or after
/// the plan's start (its first goal) when there was none. No goal yet: no review is due.
pub fn next_review_due(
    plan_start: Option<NaiveDate>,
    last_review: Option<NaiveDate>,
    interval_months: u32,
) -> Option<NaiveDate> {
    let from = match (plan_start, last_review) {
        (_, Some(r)) => r,
        (Some(s), None) => s,
        (None, None) => return None,
    };
    Some(
        from.checked_add_months(Months::new(interval_months))
            .unwrap_or(from),
    )
}

/// The day by which the next contact is due: the last contact (or the case's opening) plus the
/// allowance of the phase the case was in on that day.
pub fn next_contact_due(
    opened_on: NaiveDate,
    last_contact: Option<NaiveDate>,
    rules: &WorkRules,
) -> NaiveDate {
    let from = last_contact.map_or(opened_on, |c| c.max(opened_on));
    let days = rules.contact_allowance_days(opened_on, from);
    from + chrono::Duration::days(i64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reviews_fall_due_one_interval_after_the_start_or_the_last_review() {
        assert_eq!(next_review_due(None, None, 6), None);
        assert_eq!(
            next_review_due(Some(d("2026-01-31")), None, 6),
            Some(d("2026-07-31"))
        );
        assert_eq!(
            next_review_due(Some(d("2026-01-31")), Some(d("2026-08-31")), 6),
            Some(d("2027-02-28"))
        );
    }

    #[test]
    fn contacts_are_due_weekly_at_first_and_monthly_later() {
        let r = WorkRules::default();
        let opened = d("2026-01-01");
        assert_eq!(next_contact_due(opened, None, &r), d("2026-01-08"));
        assert_eq!(
            next_contact_due(opened, Some(d("2026-03-31")), &r),
            d("2026-04-07")
        );
        assert_eq!(
            next_contact_due(opened, Some(d("2026-04-01")), &r),
            d("2026-05-02")
        );
    }
}
