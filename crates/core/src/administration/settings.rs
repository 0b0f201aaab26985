//! Deployment-wide settings, stored as key/value pairs.

use ankommen_store::Db;
use ankommen_store::entities::setting;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::Result;

/// The name of the county or city this deployment serves ("Landkreis Neckartal").
pub const DEPLOYMENT_NAME: &str = "deployment_name";

// The encryption key's check value is kept here too (`encryption_check`); it belongs to sealing.
pub use crate::kernel::sealed::{KeyCheck, check_encryption_key};

pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    Ok(setting::Entity::find_by_id(key.to_string())
        .one(db.reader())
        .await?
        .map(|s| s.value))
}

/// Every setting whose key begins with `prefix`.
pub async fn all_with_prefix<C: ConnectionTrait>(
    conn: &C,
    prefix: &str,
) -> Result<Vec<(String, String)>> {
    Ok(setting::Entity::find()
        .filter(setting::Column::Key.starts_with(prefix))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect())
}

pub async fn set<C: ConnectionTrait>(conn: &C, key: &str, value: &str) -> Result<()> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value.to_string()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_column(setting::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Months between plan reviews (Fortschreibung), unless a plan sets its own interval.
pub const REVIEW_INTERVAL_MONTHS: &str = "review_interval_months";
/// The first phase of a case, in months, in which contacts are due more often.
pub const CONTACT_FIRST_PHASE_MONTHS: &str = "contact_first_phase_months";
/// Days allowed between contacts in the first phase.
pub const CONTACT_FIRST_PHASE_DAYS: &str = "contact_first_phase_days";
/// Days allowed between contacts after the first phase.
pub const CONTACT_LATER_DAYS: &str = "contact_later_days";
/// How many days ahead the day view warns of expiring releases, residence permits and reviews.
pub const EXPIRY_WARNING_DAYS: &str = "expiry_warning_days";
/// After how many days a referral still pending appears on the IM's start page (issue 23).
pub const REFERRAL_PENDING_DAYS: &str = "referral_pending_days";
/// How many years a volunteer's extended police certificate counts (issue 23).
pub const POLICE_CERTIFICATE_YEARS: &str = "police_certificate_years";
/// How many days before a volunteer's police certificate lapses the reminder appears.
pub const VOLUNTEER_REMINDER_DAYS: &str = "volunteer_reminder_days";

/// The working rules an administrator configures: review interval and contact frequency per
/// phase (`domain.md`: weekly at the start, monthly later). Read by the plan, the day view and
/// the quality indicators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkRules {
    pub review_interval_months: u32,
    pub contact_first_phase_months: u32,
    pub contact_first_phase_days: u32,
    pub contact_later_days: u32,
    pub expiry_warning_days: u32,
    pub referral_pending_days: u32,
    pub police_certificate_years: u32,
    pub volunteer_reminder_days: u32,
}

impl Default for WorkRules {
    fn default() -> Self {
        Self {
            review_interval_months: 6,
            contact_first_phase_months: 3,
            contact_first_phase_days: 7,
            contact_later_days: 31,
            expiry_warning_days: 30,
            referral_pending_days: 28,
            police_certificate_years: 5,
            volunteer_reminder_days: 56,
        }
    }
}

impl WorkRules {
    /// The allowed range of each rule: (key, min, max).
    pub const LIMITS: [(&'static str, u32, u32); 8] = [
        (REVIEW_INTERVAL_MONTHS, 1, 24),
        (CONTACT_FIRST_PHASE_MONTHS, 0, 36),
        (CONTACT_FIRST_PHASE_DAYS, 1, 365),
        (CONTACT_LATER_DAYS, 1, 365),
        (EXPIRY_WARNING_DAYS, 1, 180),
        (REFERRAL_PENDING_DAYS, 1, 365),
        (POLICE_CERTIFICATE_YEARS, 1, 10),
        (VOLUNTEER_REMINDER_DAYS, 1, 365),
    ];

    fn slot(&mut self, key: &str) -> Option<&mut u32> {
        Some(match key {
            REVIEW_INTERVAL_MONTHS => &mut self.review_interval_months,
            CONTACT_FIRST_PHASE_MONTHS => &mut self.contact_first_phase_months,
            CONTACT_FIRST_PHASE_DAYS => &mut self.contact_first_phase_days,
            CONTACT_LATER_DAYS => &mut self.contact_later_days,
            EXPIRY_WARNING_DAYS => &mut self.expiry_warning_days,
            REFERRAL_PENDING_DAYS => &mut self.referral_pending_days,
            POLICE_CERTIFICATE_YEARS => &mut self.police_certificate_years,
            VOLUNTEER_REMINDER_DAYS => &mut self.volunteer_reminder_days,
            _ => return None,
        })
    }

    /// The value of a rule by its key.
    pub fn get(&self, key: &str) -> Option<u32> {
        let mut c = *self;
        c.slot(key).map(|v| *v)
    }

    /// The stored rules, in one query; missing or unreadable values fall back to the defaults.
    pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<Self> {
        let keys: Vec<&str> = Self::LIMITS.iter().map(|(k, _, _)| *k).collect();
        let stored: Vec<(String, String)> = setting::Entity::find()
            .select_only()
            .column(setting::Column::Key)
            .column(setting::Column::Value)
            .filter(setting::Column::Key.is_in(keys))
            .into_tuple()
            .all(conn)
            .await?;
        Ok(Self::from_stored(&stored))
    }

    /// The rules from stored (key, value) settings; missing, unreadable or out-of-range values
    /// fall back to the defaults, other keys are ignored.
    pub fn from_stored(stored: &[(String, String)]) -> Self {
        let mut r = Self::default();
        for (key, min, max) in Self::LIMITS {
            if let Some(v) = stored
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.trim().parse::<u32>().ok())
                .filter(|v| (min..=max).contains(v))
                && let Some(slot) = r.slot(key)
            {
                *slot = v;
            }
        }
        r
    }

    /// Parses the administrator's form: each value a whole number within its limits.
    pub fn parse(pairs: &[(&str, &str)]) -> std::result::Result<Self, crate::FieldErrors> {
        let mut r = Self::default();
        let mut e = crate::FieldErrors::new();
        for (key, min, max) in Self::LIMITS {
            let raw = pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.trim())
                .unwrap_or("");
            match raw.parse::<u32>() {
                Ok(v) if (min..=max).contains(&v) => {
                    if let Some(slot) = r.slot(key) {
                        *slot = v;
                    }
                }
                _ if raw.is_empty() => e.add(key, "error-required"),
                _ => e.add(key, "error-out-of-range"),
            }
        }
        if e.is_empty() { Ok(r) } else { Err(e) }
    }

    /// Stores all rules.
    pub async fn store<C: ConnectionTrait>(&self, conn: &C) -> Result<()> {
        for (key, _, _) in Self::LIMITS {
            if let Some(v) = self.get(key) {
                set(conn, key, &v.to_string()).await?;
            }
        }
        Ok(())
    }

    /// Days allowed between contacts for a case opened (clock start) on `start`, on day `on`.
    pub fn contact_allowance_days(&self, start: chrono::NaiveDate, on: chrono::NaiveDate) -> u32 {
        let first_end = start
            .checked_add_months(chrono::Months::new(self.contact_first_phase_months))
            .unwrap_or(start);
        if on < first_end {
            self.contact_first_phase_days
        } else {
            self.contact_later_days
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn stored_rules_fall_back_to_the_defaults_one_by_one() {
        let stored = |pairs: &[(&str, &str)]| {
            let v: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            WorkRules::from_stored(&v)
        };
        let d = WorkRules::default();
        assert_eq!(stored(&[]), d);
        let r = stored(&[
            (REVIEW_INTERVAL_MONTHS, " 3 "),
            (CONTACT_LATER_DAYS, "0"),
            (CONTACT_FIRST_PHASE_DAYS, "x"),
            (EXPIRY_WARNING_DAYS, "181"),
            ("deployment_name", "12"),
        ]);
        assert_eq!(r.review_interval_months, 3);
        assert_eq!(r.contact_later_days, d.contact_later_days);
        assert_eq!(r.contact_first_phase_days, d.contact_first_phase_days);
        assert_eq!(r.expiry_warning_days, d.expiry_warning_days);
        assert_eq!(r.contact_first_phase_months, d.contact_first_phase_months);
    }

    #[test]
    fn contact_allowance_follows_the_phase() {
        let r = WorkRules::default();
        assert_eq!(
            r.contact_allowance_days(d("2026-01-31"), d("2026-04-29")),
            7
        );
        assert_eq!(
            r.contact_allowance_days(d("2026-01-31"), d("2026-04-30")),
            31
        );
    }

    #[test]
    fn parse_checks_limits_and_reports_each_field() {
        let ok = WorkRules::parse(&[
            (REVIEW_INTERVAL_MONTHS, "3"),
            (CONTACT_FIRST_PHASE_MONTHS, "2"),
            (CONTACT_FIRST_PHASE_DAYS, "14"),
            (CONTACT_LATER_DAYS, "28"),
            (EXPIRY_WARNING_DAYS, "21"),
            (REFERRAL_PENDING_DAYS, "14"),
            (POLICE_CERTIFICATE_YEARS, "5"),
            (VOLUNTEER_REMINDER_DAYS, "42"),
        ])
        .unwrap();
        assert_eq!(ok.referral_pending_days, 14);
        assert_eq!(ok.review_interval_months, 3);
        assert_eq!(ok.contact_later_days, 28);
        let bad = WorkRules::parse(&[
            (REVIEW_INTERVAL_MONTHS, "0"),
            (CONTACT_FIRST_PHASE_MONTHS, "x"),
            (CONTACT_FIRST_PHASE_DAYS, ""),
            (CONTACT_LATER_DAYS, "28"),
            (EXPIRY_WARNING_DAYS, "21"),
        ])
        .unwrap_err();
        assert_eq!(bad.get(REVIEW_INTERVAL_MONTHS), Some("error-out-of-range"));
        assert_eq!(
            bad.get(CONTACT_FIRST_PHASE_MONTHS),
            Some("error-out-of-range")
        );
        assert_eq!(bad.get(CONTACT_FIRST_PHASE_DAYS), Some("error-required"));
        assert_eq!(bad.get(CONTACT_LATER_DAYS), None);
    }
}
