//! The open loop's schedule: every request's start time, user and page fixed before the first is
//! sent, so that what the server answers (or fails to answer) cannot change when the next request
//! goes out.

use std::time::Duration;

use crate::PageKind;

/// How arrivals are spaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrivals {
    /// Exactly `1/rate` apart.
    Even,
    /// A Poisson process: independent, exponentially distributed gaps with mean `1/rate`, drawn
    /// from a seeded generator (the same seed gives the same schedule).
    Poisson { seed: u64 },
}

/// The page mix of the open loop: 50 % day view, 30 % a case timeline, 20 % a client record.
pub const MIX: [(PageKind, u32); 3] = [
    (PageKind::Day, 5),
    (PageKind::Timeline, 3),
    (PageKind::Record, 2),
];

/// One scheduled request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival {
    /// Start time, from the start of the run.
    pub at: Duration,
    /// The user (index into the logged-in IMs) whose session sends it.
    pub user: usize,
    pub kind: PageKind,
    /// How many requests of this kind this user was scheduled before this one: the user rotates
    /// over its pages of the kind with it.
    pub nth: usize,
}

/// The schedule of `rate` requests per second over `total`, handed to `users` users in turn;
/// each user's own requests follow [`MIX`] (smooth weighted round robin: exactly 5 : 3 : 2 in
/// every ten of a user's requests, interleaved). User `u` starts `u` steps into the round, so
/// that the users are not in step: otherwise every user would ask for the same kind of page at
/// the same moment, and the mix would arrive in blocks of one kind.
pub fn schedule(rate: f64, total: Duration, arrivals: Arrivals, users: usize) -> Vec<Arrival> {
    let users = users.max(1);
    let times = match arrivals {
        Arrivals::Even => even(rate, total),
        Arrivals::Poisson { seed } => poisson(rate, total, seed),
    };
    let mut mixes: Vec<Mix> = (0..users)
        .map(|u| {
            let mut m = Mix::default();
            (0..u % MIX_ROUND).for_each(|_| {
                m.next();
            });
            m
        })
        .collect();
    let mut counts = vec![[0usize; MIX.len()]; users];
    times
        .into_iter()
        .enumerate()
        .map(|(i, at)| {
            let user = i % users;
            let k = mixes[user].next();
            let nth = counts[user][k];
            counts[user][k] += 1;
            Arrival {
                at,
                user,
                kind: MIX[k].0,
                nth,
            }
        })
        .collect()
}

/// `i / rate` for every i with `i / rate < total`, rounded to the nanosecond (exact whenever the
/// period is a whole number of nanoseconds, e.g. 5 ms at 200/s).
fn even(rate: f64, total: Duration) -> Vec<Duration> {
    let mut out = Vec::new();
    if rate.is_nan() || rate <= 0.0 {
        return out;
    }
    let total = total.as_nanos() as f64;
    for i in 0u64.. {
        let t = (i as f64 * 1e9 / rate).round();
        if t >= total {
            break;
        }
        out.push(Duration::from_nanos(t as u64));
    }
    out
}

fn poisson(rate: f64, total: Duration, seed: u64) -> Vec<Duration> {
    let mut out = Vec::new();
    if rate.is_nan() || rate <= 0.0 {
        return out;
    }
    let mut rng = SplitMix(seed);
    let total = total.as_secs_f64();
    let mut t = 0.0;
    loop {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        t += -(1.0 - rng.unit()).ln() / rate;
        if t >= total {
            break;
        }
        out.push(Duration::from_secs_f64(t));
    }
    out
}

/// Requests in one round of [`MIX`] (the sum of its weights).
const MIX_ROUND: usize = 10;

/// Smooth weighted round robin over [`MIX`].
#[derive(Clone, Default)]
struct Mix {
    current: [i64; MIX.len()],
}

impl Mix {
    /// The index into [`MIX`] of the next request.
    fn next(&mut self) -> usize {
        let total: i64 = MIX.iter().map(|(_, w)| i64::from(*w)).sum();
        let mut best = 0;
        for (k, (_, w)) in MIX.iter().enumerate() {
            self.current[k] += i64::from(*w);
            if self.current[k] > self.current[best] {
                best = k;
            }
        }
        self.current[best] -= total;
        best
    }
}

/// SplitMix64: a tiny seeded generator, the same on every platform.
struct SplitMix(u64);

impl SplitMix {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_spacing_is_exact() {
        let s = schedule(200.0, Duration::from_secs(70), Arrivals::Even, 40);
        assert_eq!(s.len(), 14_000);
        for (i, a) in s.iter().enumerate() {
            assert_eq!(a.at, Duration::from_millis(5) * i as u32, "arrival {i}");
        }
        // A period that is not a whole number of milliseconds: i/3 s, rounded to the nanosecond.
        let s = schedule(3.0, Duration::from_secs(2), Arrivals::Even, 1);
        let at: Vec<Duration> = s.iter().map(|a| a.at).collect();
        assert_eq!(
            at,
            [
                0,
                333_333_333,
                666_666_667,
                1_000_000_000,
                1_333_333_333,
                1_666_666_667
            ]
            .map(Duration::from_nanos)
        );
        // The measured window of 60 s after 10 s of warm-up holds exactly rate × 60 requests.
        let s = schedule(200.0, Duration::from_secs(70), Arrivals::Even, 40);
        let measured = s.iter().filter(|a| a.at >= Duration::from_secs(10)).count();
        assert_eq!(measured, 12_000);
        assert!(schedule(0.0, Duration::from_secs(1), Arrivals::Even, 1).is_empty());
    }

    #[test]
    fn poisson_arrivals_keep_the_mean_rate_and_vary() {
        let total = Duration::from_secs(300);
        let s = schedule(200.0, total, Arrivals::Poisson { seed: 7 }, 40);
        // 60,000 expected; the standard deviation of a Poisson count is about 245.
        let n = s.len() as f64;
        assert!((n / 60_000.0 - 1.0).abs() < 0.02, "{n} arrivals");
        assert!(s.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(s.last().is_some_and(|a| a.at < total));
        // Exponential gaps: mean 5 ms, standard deviation about the mean (even spacing: 0).
        let gaps: Vec<f64> = s
            .windows(2)
            .map(|w| (w[1].at - w[0].at).as_secs_f64())
            .collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
        assert!((mean / 0.005 - 1.0).abs() < 0.02, "mean gap {mean}");
        assert!((var.sqrt() / mean - 1.0).abs() < 0.05, "sd {}", var.sqrt());
        // The same seed gives the same schedule; another seed another one.
        let again = schedule(200.0, total, Arrivals::Poisson { seed: 7 }, 40);
        assert_eq!(s, again);
        let other = schedule(200.0, total, Arrivals::Poisson { seed: 8 }, 40);
        assert_ne!(s[..100], other[..100]);
    }

    #[test]
    fn a_round_of_the_mix_is_its_weights() {
        assert_eq!(
            MIX_ROUND,
            MIX.iter().map(|(_, w)| *w as usize).sum::<usize>()
        );
    }

    #[test]
    fn the_mix_is_fifty_thirty_twenty_for_everyone() {
        let s = schedule(200.0, Duration::from_secs(60), Arrivals::Even, 40);
        let count = |kind: PageKind, user: Option<usize>| {
            s.iter()
                .filter(|a| a.kind == kind && user.is_none_or(|u| a.user == u))
                .count()
        };
        assert_eq!(count(PageKind::Day, None), 6_000);
        assert_eq!(count(PageKind::Timeline, None), 3_600);
        assert_eq!(count(PageKind::Record, None), 2_400);
        assert_eq!(count(PageKind::Caseload, None), 0);
        // Every user gets its share of every page (300 requests each), not one kind only.
        for u in 0..40 {
            assert_eq!(count(PageKind::Day, Some(u)), 150, "user {u}");
            assert_eq!(count(PageKind::Timeline, Some(u)), 90, "user {u}");
            assert_eq!(count(PageKind::Record, Some(u)), 60, "user {u}");
        }
        // Interleaved, not in blocks: no user asks for the same kind more than twice running ...
        for u in 0..40 {
            let own: Vec<PageKind> = s.iter().filter(|a| a.user == u).map(|a| a.kind).collect();
            assert!(own.windows(3).all(|w| !(w[0] == w[1] && w[1] == w[2])));
        }
        // ... and the users are not in step: every 40 consecutive requests (one per user) are
        // 20 day views, 12 timelines and 8 records.
        for turn in s.chunks(40) {
            let n = |k: PageKind| turn.iter().filter(|a| a.kind == k).count();
            assert_eq!(
                (n(PageKind::Day), n(PageKind::Timeline), n(PageKind::Record)),
                (20, 12, 8)
            );
        }
        // Users take turns, and each rotates over its own pages of a kind.
        assert!(s.iter().enumerate().all(|(i, a)| a.user == i % 40));
        let timelines0: Vec<usize> = s
            .iter()
            .filter(|a| a.user == 0 && a.kind == PageKind::Timeline)
            .map(|a| a.nth)
            .collect();
        assert_eq!(timelines0, (0..90).collect::<Vec<_>>());
        // Poisson arrivals carry the same mix.
        let p = schedule(
            200.0,
            Duration::from_secs(60),
            Arrivals::Poisson { seed: 1 },
            40,
        );
        let days = p.iter().filter(|a| a.kind == PageKind::Day).count() as f64;
        assert!((days / p.len() as f64 - 0.5).abs() < 0.01);
    }
}
