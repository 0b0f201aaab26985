//! `ankommen audit verify`: seals what is not yet sealed, checks the audit log's hash chain from
//! its anchor and names the first broken link (decision 0019). Exit code 1 when it is broken.
//! `ankommen retention run`: the erasure at the end of the retention periods (decision 0022).

use ankommen_core::Clock;
use ankommen_core::SystemClock;
use ankommen_core::kernel::audit::chain::{self, RunBy, Verification};

use crate::Failure;
use crate::config::Config;
use crate::serve::open_and_migrate;

pub async fn verify(cfg: &Config) -> Result<(), Failure> {
    let db = open_and_migrate(cfg, cfg.database_url()).await?;
    let started = std::time::Instant::now();
    let result = chain::verify(&db, SystemClock.now(), RunBy::CommandLine).await;
    db.close().await;
    let v = result.map_err(|e| Failure::new(format!("cannot verify the audit chain: {e}")))?;
    let line = report(&v);
    eprintln!(
        "ankommen audit verify: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    match v.broken {
        None => {
            println!("{line}");
            Ok(())
        }
        Some(_) => Err(Failure::new(line)),
    }
}

/// The outcome in one line: intact with its head, or the first broken link.
pub fn report(v: &Verification) -> String {
    let head = match &v.head {
        Some((seq, hash)) => format!("head link {seq}, hash {hash}"),
        None => "the chain is empty".into(),
    };
    match &v.broken {
        None => format!(
            "audit chain intact: {} link(s) checked, {} event(s) sealed now; {head}",
            v.links_checked, v.sealed_now
        ),
        Some(b) => format!(
            "audit chain BROKEN at link {}{}: {}; intact up to: {head}",
            b.seq,
            b.event_id
                .map(|id| format!(" (event {id})"))
                .unwrap_or_default(),
            b.problem.describe()
        ),
    }
}

pub async fn retention(cfg: &Config) -> Result<(), Failure> {
    let db = open_and_migrate(cfg, cfg.database_url()).await?;
    let started = std::time::Instant::now();
    let result = ankommen_core::casework::retention::run(&db, SystemClock.now(), true).await;
    db.close().await;
    let r = result
        .map_err(|e| Failure::new(format!("cannot run the erasure: {e}")))?
        .unwrap_or_default();
    println!(
        "retention run: {} case(s) and {} person(s) erased, the voluntary data of {} person(s) who withdrew their consent erased, {} audit event(s) and {} kept case fact(s) removed in {:.1} s",
        r.cases_erased,
        r.persons_erased,
        r.voluntary_erased,
        r.audit_events_removed,
        r.facts_removed,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
