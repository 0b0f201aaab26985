//! `ankommen export --organisation ID [--for-role ROLE --purpose TEXT] [--output FILE]`: one
//! organisation's data as an exchange file, as the operator (audited). The file goes to standard
//! output or FILE; what it holds (objects per kind) to standard error.

use std::io::Write;

use ankommen_core::Clock;
use ankommen_core::SystemClock;
use ankommen_core::casework::exchange::{self, Kind, export::MadeFor};

use crate::Failure;
use crate::cli::ExportArgs;
use crate::config::Config;
use crate::serve::{check_key, load_sealer, open_and_migrate, seal_stored};

pub async fn run(cfg: &Config, args: &ExportArgs) -> Result<(), Failure> {
    let made_for = MadeFor::parse(&args.for_role, &args.purpose).map_err(|e| {
        let fields: Vec<String> = e.0.iter().map(|f| f.field.to_string()).collect();
        Failure::new(format!(
            "invalid {} (--for-role: im, team_lead, coordinator, municipal_officer, admin, dpo; --purpose: 1 to {} characters)",
            fields.join(", "),
            exchange::export::MAX_PURPOSE_CHARS
        ))
    })?;
    let (sealer, created) = load_sealer(cfg)?;
    let db = open_and_migrate(cfg, cfg.database_url()).await?;
    let result = async {
        check_key(&db, &sealer, created.as_deref()).await?;
        seal_stored(&db, &sealer).await?;
        let id = match args.organisation.trim().parse::<i64>() {
            Ok(id) => id,
            Err(_) => exchange::external_ids(&db, Kind::Organisation)
                .await
                .map_err(|e| Failure::new(format!("cannot read the organisations: {e}")))?
                .into_iter()
                .find(|(_, ext)| *ext == args.organisation)
                .map(|(id, _)| id)
                .ok_or_else(|| Failure::new("no such organisation"))?,
        };
        exchange::export::export_as_operator(&db, SystemClock.now(), &sealer, id, &made_for)
            .await
            .map_err(|e| match e {
                ankommen_core::Error::NotFound => Failure::new("no such organisation"),
                e => Failure::new(format!("cannot export: {e}")),
            })
    }
    .await;
    db.close().await;
    let out = result?;
    match &args.output {
        Some(path) => std::fs::write(path, &out.bytes)
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&out.bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::new(format!("cannot write the file: {e}")))?;
        }
    }
    let counts: Vec<String> = out
        .counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{} {n}", k.as_str()))
        .collect();
    eprintln!(
        "exported organisation {}: {}; special category {}",
        out.organisation,
        counts.join(", "),
        if out.special_category {
            "included"
        } else {
            "left out"
        }
    );
    Ok(())
}
