//! The dates of every case, decided before anything is written.

use chrono::{Duration, NaiveDate};

use super::add_months;
use super::rng::Rng;
use super::texts::ORIGINS;

/// The dates of one case, decided before anything is written (the contact rate is calibrated on
/// all cases together).
pub(super) struct Skeleton {
    pub(super) size: usize,
    pub(super) origin: usize,
    pub(super) opened: NaiveDate,
    pub(super) clock_start: NaiveDate,
    pub(super) extended_until: Option<NaiveDate>,
    pub(super) closed: Option<(NaiveDate, &'static str)>,
    pub(super) paused_from: Option<NaiveDate>,
    /// Contacts stop here (closure, or a client the IM has not seen for a while).
    pub(super) contacts_until: NaiveDate,
}

const SIZES: &[(usize, u32)] = &[(1, 40), (2, 15), (3, 15), (4, 15), (5, 10), (6, 5)];

pub(super) fn skeletons(
    rng: &mut Rng,
    clients: usize,
    years: u32,
    today: NaiveDate,
) -> Vec<Skeleton> {
    let span = i64::from(years) * 365;
    let mut out = Vec::new();
    let mut persons = 0;
    while persons < clients {
        let size = (*rng.weighted(SIZES)).min(clients - persons);
        persons += size;
        let origin_idx: Vec<(usize, u32)> = ORIGINS
            .iter()
            .enumerate()
            .map(|(i, (_, w))| (i, *w))
            .collect();
        let origin = *rng.weighted(&origin_idx);
        let opened = today - Duration::days(rng.range(1, span));
        let clock_start = opened - Duration::days(rng.range(0, 60));
        let regular_end = add_months(clock_start, 36);
        let extended_until = rng
            .chance(0.06)
            .then(|| add_months(regular_end, rng.range(6, 12) as u32));
        let end = extended_until.unwrap_or(regular_end);
        let early = rng.chance(0.25).then(|| {
            let reason = *rng.weighted(&[
                ("goals_reached", 40),
                ("moved_away", 25),
                ("ended_by_client", 20),
                ("no_cooperation", 10),
                ("not_target_group", 5),
            ]);
            (opened + Duration::days(rng.range(120, 900)), reason)
        });
        let closed = match early {
            Some((d, r)) if d < today && d < end => Some((d, r)),
            _ if end < today => Some((
                end,
                *rng.weighted(&[("max_duration", 70), ("goals_reached", 30)]),
            )),
            _ => None,
        };
        let paused_from = (closed.is_none() && rng.chance(0.02))
            .then(|| today - Duration::days(rng.range(5, 60)))
            .filter(|d| *d > opened);
        let mut contacts_until = closed.map(|(d, _)| d).unwrap_or(today);
        if let Some(p) = paused_from {
            contacts_until = p;
        } else if closed.is_none() && rng.chance(0.12) {
            // Not seen for a while: appears on the day view as overdue for a contact.
            contacts_until = (today - Duration::days(rng.range(20, 120))).max(opened);
        }
        out.push(Skeleton {
            size,
            origin,
            opened,
            clock_start,
            extended_until,
            closed,
            paused_from,
            contacts_until,
        });
    }
    out
}
