//! `ankommen figures …`: the key figures of the whole deployment as JSON, for operators and for
//! checking against another implementation of `figures.md`.

use ankommen_core::Clock;
use ankommen_core::SystemClock;
use ankommen_core::casework::figures::{self, Allowance, Question, Settings};
use chrono::NaiveDate;

use crate::Failure;
use crate::cli::FiguresArgs;
use crate::config::Config;
use crate::serve::open_and_migrate;

pub async fn run(cfg: &Config, args: &FiguresArgs) -> Result<(), Failure> {
    let (question, settings) = parse(args)?;
    let db = open_and_migrate(cfg, cfg.database_url()).await?;
    // Progress on the terminal (stderr; the figures go to stdout).
    let result =
        figures::for_operator_with_progress(&db, SystemClock.now(), question, settings, &|step| {
            eprintln!("ankommen figures: {step}")
        })
        .await;
    db.close().await;
    let value = result.map_err(|e| Failure::new(format!("cannot compute the figures: {e}")))?;
    let text = serde_json::to_string_pretty(&value)
        .map_err(|e| Failure::new(format!("cannot write the figures: {e}")))?;
    println!("{text}");
    Ok(())
}

fn date(flag: &str, s: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::new(format!("--{flag}: not a date YYYY-MM-DD: {s:?}")))
}

/// The question and the working rules the arguments ask for (the stored rules where none given).
fn parse(args: &FiguresArgs) -> Result<(Question, Option<Settings>), Failure> {
    if args.format != "json" {
        return Err(Failure::new("--format: only json is supported"));
    }
    let question = match (&args.at, &args.from, &args.to, &args.ended_up_to) {
        (Some(d), None, None, None) => Question::At(date("at", d)?),
        (None, Some(a), Some(b), None) => {
            let (from, to) = (date("from", a)?, date("to", b)?);
            if from > to {
                return Err(Failure::new("--from is after --to"));
            }
            Question::Period { from, to }
        }
        (None, None, None, Some(d)) => Question::EndedUpTo(date("ended-up-to", d)?),
        _ => {
            return Err(Failure::new(
                "ask one question: --at D, --from A --to B, or --ended-up-to D",
            ));
        }
    };
    let allowance = match &args.contact_allowance {
        None => None,
        Some(s) => {
            let parts: Vec<Option<u32>> = s.split(':').map(|p| p.trim().parse().ok()).collect();
            match parts[..] {
                [
                    Some(first_months),
                    Some(days_in_first_months),
                    Some(days_afterwards),
                ] if days_in_first_months > 0 && days_afterwards > 0 => Some(Allowance {
                    first_months,
                    days_in_first_months,
                    days_afterwards,
                }),
                _ => {
                    return Err(Failure::new(
                        "--contact-allowance: FIRST_MONTHS:DAYS_IN_FIRST:DAYS_AFTER, e.g. 3:7:31",
                    ));
                }
            }
        }
    };
    if args.review_interval_months == Some(0) {
        return Err(Failure::new("--review-interval-months: at least 1"));
    }
    // Either setting given alone takes the default of the other from figures.md's examples.
    let settings = match (args.review_interval_months, allowance) {
        (None, None) => None,
        (months, allowance) => Some(Settings {
            review_interval_months: months.unwrap_or(6),
            contact_allowance: allowance.unwrap_or(Allowance {
                first_months: 3,
                days_in_first_months: 7,
                days_afterwards: 31,
            }),
        }),
    };
    Ok((question, settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(line: &[&str]) -> Result<FiguresArgs, clap::Error> {
        let mut all = vec!["ankommen", "figures"];
        all.extend_from_slice(line);
        match Cli::try_parse_from(all)?.command {
            Command::Figures(a) => Ok(a),
            _ => panic!("not the figures command"),
        }
    }

    #[test]
    fn one_question_and_valid_settings_are_accepted() {
        let a = args(&[
            "--from",
            "2020-01-01",
            "--to",
            "2020-12-31",
            "--review-interval-months",
            "6",
            "--contact-allowance",
            "3:7:31",
        ])
        .unwrap();
        let (q, s) = parse(&a).unwrap();
        assert!(matches!(q, Question::Period { .. }));
        assert_eq!(s.unwrap().contact_allowance.days_afterwards, 31);
        let (q, s) = parse(&args(&["--at", "2021-01-01"]).unwrap()).unwrap();
        assert!(matches!(q, Question::At(_)) && s.is_none());
    }

    #[test]
    fn bad_questions_are_explained() {
        assert!(args(&[]).is_err(), "no question");
        assert!(
            args(&["--from", "2020-01-01"]).is_err(),
            "--from without --to"
        );
        assert!(args(&["--at", "2021-01-01", "--ended-up-to", "2021-01-01"]).is_err());
        let bad = |line: &[&str]| parse(&args(line).unwrap()).err().map(|f| f.to_string());
        assert!(bad(&["--at", "1.1.2021"]).unwrap().contains("YYYY-MM-DD"));
        assert!(
            bad(&["--from", "2021-01-02", "--to", "2021-01-01"])
                .unwrap()
                .contains("after")
        );
        assert!(
            bad(&["--at", "2021-01-01", "--contact-allowance", "3:7"])
                .unwrap()
                .contains("3:7:31")
        );
        assert!(
            bad(&["--at", "2021-01-01", "--format", "csv"])
                .unwrap()
                .contains("json")
        );
    }
}
