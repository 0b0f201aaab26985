//! `ankommen import FILE.jsonl [--dry-run]`: an exchange file into the deployment, as the
//! operator (audited). Progress goes to standard error, the report to standard output; problems
//! make the exit code non-zero and nothing is written.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use ankommen_core::Clock;
use ankommen_core::SystemClock;
use ankommen_core::casework::exchange::{self, MAX_LINE_BYTES, Progress, Report};

use crate::Failure;
use crate::cli::ImportArgs;
use crate::config::Config;
use crate::serve::{check_key, load_sealer, open_and_migrate, seal_stored};

/// The largest file read (the whole file is checked before anything is written).
const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

pub async fn run(cfg: &Config, args: &ImportArgs) -> Result<(), Failure> {
    let size = std::fs::metadata(&args.file)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", args.file.display())))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Failure::new(format!(
            "{} is larger than {MAX_FILE_BYTES} bytes",
            args.file.display()
        )));
    }
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", args.file.display())))?;
    let (sealer, created) = load_sealer(cfg)?;
    let db = open_and_migrate(cfg, cfg.database_url()).await?;
    let result = async {
        check_key(&db, &sealer, created.as_deref()).await?;
        seal_stored(&db, &sealer).await?;
        let last = AtomicUsize::new(0);
        let progress = |p: Progress| {
            // At most every 1 % (and the end), so a terminal is not flooded.
            let step = (p.total / 100).max(1);
            let before = last.load(Ordering::Relaxed);
            let finished = p.done == p.total && (before < p.total || p.total == 0);
            if finished || (p.done < p.total && p.done >= before + step) {
                last.store(p.done, Ordering::Relaxed);
                eprint!("\r{} / {} objects", p.done, p.total);
                if finished {
                    eprintln!();
                }
                let _ = std::io::stderr().flush();
            }
        };
        exchange::import_as_operator(
            &db,
            SystemClock.now(),
            &sealer,
            &bytes,
            args.dry_run,
            &progress,
        )
        .await
        .map_err(|e| Failure::new(format!("cannot import: {e}")))
    }
    .await;
    db.close().await;
    let report = result?;
    print!("{}", render(&report, &cfg.base_url()));
    if report.has_problems() {
        return Err(Failure::new(format!(
            "the file has {} problem(s); nothing was imported",
            report.problems.len()
        )));
    }
    Ok(())
}

/// The report as text: one line per kind, then problems and warnings (line, kind, id, the reason
/// in English and its code in brackets) and setup links.
pub fn render(r: &Report, base_url: &str) -> String {
    let mut out = String::new();
    let head = if r.dry_run {
        "dry run: nothing was written"
    } else if r.written {
        "imported"
    } else {
        "not imported"
    };
    out.push_str(&format!("{head} ({} objects)\n", r.objects));
    out.push_str(&format!(
        "{:<14} {:>8} {:>8} {:>10} {:>9}\n",
        "kind", "created", "updated", "unchanged", "problems"
    ));
    for k in &r.kinds {
        out.push_str(&format!(
            "{:<14} {:>8} {:>8} {:>10} {:>9}\n",
            k.kind, k.created, k.updated, k.unchanged, k.problems
        ));
    }
    for (title, list) in [("problems", &r.problems), ("warnings", &r.warnings)] {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("{title}:\n"));
        for p in list {
            // The reason in English, then its stable code for scripts.
            out.push_str(&format!(
                "  line {}: {} {}: {} [{}]\n",
                p.line,
                p.kind.as_deref().unwrap_or("-"),
                p.id.as_deref().unwrap_or("-"),
                p.reason,
                p.reason.code()
            ));
        }
    }
    if !r.setup_links.is_empty() {
        out.push_str("setup links of the new staff (valid 72 hours, hand each to its person):\n");
        for l in &r.setup_links {
            out.push_str(&format!(
                "  {}: {}/setup/{}\n",
                l.external_id,
                base_url.trim_end_matches('/'),
                l.token
            ));
        }
    }
    out.push_str(&format!(
        "(lines longer than {MAX_LINE_BYTES} bytes are refused)\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ankommen_core::casework::exchange::{Problem, Reason};

    #[test]
    fn problems_are_listed_in_english_with_their_code() {
        let r = Report {
            dry_run: true,
            problems: vec![Problem {
                line: 13,
                kind: Some("person".into()),
                id: Some("P90".into()),
                reason: Reason::MissingField {
                    field: "family_name".into(),
                },
            }],
            warnings: vec![Problem {
                line: 14,
                kind: Some("team".into()),
                id: Some("T9".into()),
                reason: Reason::UnknownFieldKept {
                    field: "colour".into(),
                },
            }],
            ..Report::default()
        };
        let text = render(&r, "http://localhost");
        assert!(
            text.contains(
                "problems:\n  line 13: person P90: missing field family_name [missing_field]\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("warnings:\n  line 14: team T9: unknown field colour kept as extra data [unknown_field_kept]\n"),
            "{text}"
        );
    }
}
