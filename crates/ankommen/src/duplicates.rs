//! `ankommen duplicates --organisation ID [--format csv]`: the possible duplicate people of one
//! organisation, for checking in bulk: both records' ids and external ids, the score and the
//! reasons — never a name. An operator's command, audited.

use ankommen_core::Clock;
use ankommen_core::SystemClock;
use ankommen_core::casework::duplicates::{self, ScannedPair};

use crate::Failure;
use crate::cli::DuplicatesArgs;
use crate::config::Config;
use crate::serve::open_and_migrate;

pub async fn run(cfg: &Config, args: &DuplicatesArgs) -> Result<(), Failure> {
    let db = open_and_migrate(cfg, cfg.database_url()).await?;
    let started = std::time::Instant::now();
    let result = duplicates::scan_as_operator(&db, SystemClock.now(), args.organisation).await;
    db.close().await;
    let pairs = result.map_err(|e| match e {
        ankommen_core::Error::NotFound => {
            Failure::new(format!("no organisation with id {}", args.organisation))
        }
        e => Failure::new(format!("cannot scan for duplicates: {e}")),
    })?;
    eprintln!(
        "ankommen duplicates: {} pair(s) in {:.1} s",
        pairs.len(),
        started.elapsed().as_secs_f64()
    );
    print!("{}", render(&pairs, args.format == "csv"));
    Ok(())
}

/// The pairs as a table or as CSV (`;`, a header line).
pub fn render(pairs: &[ScannedPair], csv: bool) -> String {
    let reasons = |p: &ScannedPair| {
        p.reasons
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    // External ids come from imported files: no field separator, no line break, no formula.
    let ext = |e: &[String]| {
        let s: String = e
            .join(" ")
            .chars()
            .map(|c| {
                if matches!(c, ';' | '\n' | '\r' | '\t') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s
        }
    };
    let mut out = String::new();
    if csv {
        out.push_str("person_a;external_ids_a;person_b;external_ids_b;score;reasons\n");
        for p in pairs {
            out.push_str(&format!(
                "{};{};{};{};{};{}\n",
                p.a,
                ext(&p.a_external),
                p.b,
                ext(&p.b_external),
                p.score,
                reasons(p)
            ));
        }
    } else {
        out.push_str(&format!(
            "{:>10} {:<20} {:>10} {:<20} {:>5}  reasons\n",
            "person a", "external a", "person b", "external b", "score"
        ));
        for p in pairs {
            out.push_str(&format!(
                "{:>10} {:<20} {:>10} {:<20} {:>5}  {}\n",
                p.a,
                ext(&p.a_external),
                p.b,
                ext(&p.b_external),
                p.score,
                reasons(p)
            ));
        }
    }
    out
}
