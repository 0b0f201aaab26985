//! What the database layer reports to monitoring (decision 0037): the connection pools, how long
//! a transaction waited to begin, and on SQLite the single writer's queue and group commits.
//! Nothing here carries data of a person: the labels are fixed words.

use std::time::Duration;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use sea_orm::sqlx::{PgPool, SqlitePool};

/// Upper bounds (seconds) of the wait histograms: from half a millisecond (an idle writer) to the
/// pools' acquire timeouts.
const WAIT_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    /// `change` ([`crate::Db::begin`]) or `audited_read` ([`crate::Db::begin_audited_read`]).
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabel {
    pool: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolStateLabel {
    pool: &'static str,
    state: &'static str,
}

fn wait_histogram() -> Histogram {
    Histogram::new(WAIT_BUCKETS)
}

/// The connection pools of a [`crate::Db`], read at each scrape.
#[derive(Clone, Debug)]
pub(crate) enum Pools {
    /// The single writer and the readers.
    Sqlite {
        writer: SqlitePool,
        readers: SqlitePool,
    },
    /// One pool for everything.
    Postgres(PgPool),
}

/// One pool's connections as counted now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// `writer` and `readers` on SQLite, `main` on PostgreSQL.
    pub pool: &'static str,
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

impl Pools {
    pub(crate) fn stats(&self) -> Vec<PoolStats> {
        fn of<DB: sea_orm::sqlx::Database>(
            pool: &'static str,
            p: &sea_orm::sqlx::Pool<DB>,
        ) -> PoolStats {
            let size = p.size();
            let idle = u32::try_from(p.num_idle()).unwrap_or(u32::MAX).min(size);
            PoolStats {
                pool,
                in_use: size - idle,
                idle,
                max: p.options().get_max_connections(),
            }
        }
        match self {
            Self::Sqlite { writer, readers } => vec![of("writer", writer), of("readers", readers)],
            Self::Postgres(p) => vec![of("main", p)],
        }
    }
}

impl Collector for Pools {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let stats = self.stats();
        let connections = Family::<PoolStateLabel, Gauge>::default();
        let max = Family::<PoolLabel, Gauge>::default();
        for s in &stats {
            for (state, n) in [("in_use", s.in_use), ("idle", s.idle)] {
                connections
                    .get_or_create(&PoolStateLabel {
                        pool: s.pool,
                        state,
                    })
                    .set(i64::from(n));
            }
            max.get_or_create(&PoolLabel { pool: s.pool })
                .set(i64::from(s.max));
        }
        connections.encode(encoder.encode_descriptor(
            "db_connections",
            "Open database connections per pool, in use or idle",
            None,
            MetricType::Gauge,
        )?)?;
        max.encode(encoder.encode_descriptor(
            "db_connections_max",
            "The most connections a pool opens",
            None,
            MetricType::Gauge,
        )?)?;
        Ok(())
    }
}

/// The SQLite writer's queue: transactions waiting for it, how long they waited, and how many
/// group commits it made.
#[derive(Clone, Debug, Default)]
pub(crate) struct WriterStats {
    pub(crate) waiting: Gauge,
    pub(crate) wait: WaitHistogram,
    pub(crate) groups: Counter,
}

/// A wait histogram with the buckets above.
#[derive(Clone, Debug)]
pub(crate) struct WaitHistogram(pub(crate) Histogram);

impl Default for WaitHistogram {
    fn default() -> Self {
        Self(wait_histogram())
    }
}

impl WaitHistogram {
    pub(crate) fn observe(&self, waited: Duration) {
        self.0.observe(waited.as_secs_f64());
    }
}

/// A [`crate::Db`]'s measurements; the clones share them.
#[derive(Clone, Debug)]
pub(crate) struct DbMetrics {
    waits: Family<KindLabel, Histogram, fn() -> Histogram>,
    pub(crate) change_wait: WaitHistogram,
    pub(crate) audited_read_wait: WaitHistogram,
}

impl Default for DbMetrics {
    fn default() -> Self {
        let waits: Family<KindLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(wait_histogram);
        // Clones of a histogram share its counts: the hot path observes without a look-up.
        let change_wait = WaitHistogram(waits.get_or_create_owned(&KindLabel { kind: "change" }));
        let audited_read_wait = WaitHistogram(waits.get_or_create_owned(&KindLabel {
            kind: "audited_read",
        }));
        Self {
            waits,
            change_wait,
            audited_read_wait,
        }
    }
}

/// Registers a database's metrics (see [`crate::Db::register_metrics`]).
pub(crate) fn register(
    registry: &mut Registry,
    metrics: &DbMetrics,
    writer: Option<&WriterStats>,
    pools: &Pools,
) {
    registry.register_with_unit(
        "db_transaction_wait",
        "Time from asking for a transaction until it began (a connection, and on SQLite the writer for a change)",
        Unit::Seconds,
        metrics.waits.clone(),
    );
    if let Some(w) = writer {
        registry.register(
            "db_writer_queue",
            "Transactions waiting for the SQLite writer now",
            w.waiting.clone(),
        );
        registry.register_with_unit(
            "db_writer_wait",
            "Time a transaction waited for the SQLite writer (changes and the audit events of reads)",
            Unit::Seconds,
            w.wait.0.clone(),
        );
        registry.register(
            "db_writer_group_commits",
            "Group commits of the SQLite writer",
            w.groups.clone(),
        );
    }
    registry.register_collector(Box::new(pools.clone()));
}
