//! The load runner of `ankommen bench run`: IMs of the generated county log in over HTTP, then
//! either request one page in a closed loop (`--page`, saturation throughput) or send a mix of
//! pages at a fixed arrival rate (`--rate`, the open loop: what users feel).

mod closed;
mod http;
mod open;
mod schedule;
mod stats;

use self::http::Client;
use crate::{Failure, PageKind, RunArgs};

pub async fn run(args: &RunArgs) -> Result<(), Failure> {
    args.check().map_err(Failure::new)?;
    let authority = authority(&args.url)?;
    match (args.rate, args.page) {
        (Some(rate), _) => open::run(args, &authority, rate).await,
        (None, Some(page)) => closed::run(args, &authority, page).await,
        (None, None) => Err(Failure::new(
            "either --page (closed loop) or --rate (open loop) is needed",
        )),
    }
}

/// HOST:PORT of a plain-HTTP base URL.
fn authority(url: &str) -> Result<String, Failure> {
    let authority = url
        .strip_prefix("http://")
        .ok_or_else(|| {
            Failure::new(format!(
                "--url must start with http:// (the runner speaks plain HTTP): {url}"
            ))
        })?
        .trim_end_matches('/')
        .to_string();
    if authority.is_empty() || authority.contains('/') {
        return Err(Failure::new(format!(
            "--url must be http://HOST:PORT without a path: {url}"
        )));
    }
    Ok(authority)
}

/// The user names `prefix01`, `prefix02`, ... of `n` users, or `n` times the one account.
fn user_names(prefix: &str, one: Option<&str>, n: usize) -> Vec<String> {
    match one {
        Some(name) => vec![name.to_string(); n],
        None => (1..=n).map(|u| format!("{prefix}{u:02}")).collect(),
    }
}

/// The pages one user requests, per kind.
#[derive(Clone, Debug, Default)]
pub struct Targets {
    day: Vec<String>,
    timeline: Vec<String>,
    caseload: Vec<String>,
    record: Vec<String>,
    figures: Vec<String>,
}

impl Targets {
    pub fn of(&self, kind: PageKind) -> &[String] {
        match kind {
            PageKind::Day => &self.day,
            PageKind::Timeline => &self.timeline,
            PageKind::Caseload => &self.caseload,
            PageKind::Record => &self.record,
            PageKind::Figures => &self.figures,
        }
    }

    /// The `nth` page of `kind`, rotating over the user's pages of that kind.
    pub fn path(&self, kind: PageKind, nth: usize) -> Option<&str> {
        let paths = self.of(kind);
        (!paths.is_empty()).then(|| paths[nth % paths.len()].as_str())
    }
}

/// Finds the user's pages of the given kinds over HTTP, like a person would: the day view and the
/// caseload are fixed; timelines and records rotate over the IM's own open cases and their persons.
async fn discover(c: &mut Client, kinds: &[PageKind]) -> Result<Targets, String> {
    let mut t = Targets::default();
    let needs_cases = kinds
        .iter()
        .any(|k| matches!(k, PageKind::Timeline | PageKind::Record));
    let cases = if needs_cases {
        http::open_cases(c).await?
    } else {
        Vec::new()
    };
    for kind in kinds {
        match kind {
            PageKind::Day => t.day = vec!["/".into()],
            PageKind::Caseload => t.caseload = vec!["/cases".into()],
            PageKind::Timeline => t.timeline = http::timelines(&cases),
            PageKind::Record => t.record = http::records(c, &cases).await?,
            PageKind::Figures => t.figures = vec!["/figures".into()],
        }
    }
    Ok(t)
}

/// Logs in every user concurrently and finds its pages of `kinds`; fails if any login fails or a
/// user has no page of one of the kinds.
async fn login_all(
    authority: &str,
    names: &[String],
    password: &str,
    kinds: &[PageKind],
) -> Result<Vec<(Client, Targets)>, Failure> {
    let mut logins = Vec::new();
    for username in names {
        let (authority, username) = (authority.to_string(), username.clone());
        let (password, kinds) = (password.to_string(), kinds.to_vec());
        logins.push(tokio::spawn(async move {
            let mut c = Client::new(&authority);
            c.login(&username, &password).await?;
            let targets = discover(&mut c, &kinds).await?;
            if let Some(k) = kinds.iter().find(|k| targets.of(**k).is_empty()) {
                return Err(format!(
                    "{username} has no {} page to request (no open cases?)",
                    k.as_str()
                ));
            }
            Ok::<_, String>((c, targets))
        }));
    }
    let mut clients = Vec::new();
    for l in logins {
        let client = l
            .await
            .map_err(|e| Failure::new(format!("a login task failed: {e}")))?
            .map_err(Failure::new)?;
        clients.push(client);
    }
    Ok(clients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_must_be_plain_http_without_a_path() {
        assert_eq!(
            authority("http://127.0.0.1:8080/").ok().as_deref(),
            Some("127.0.0.1:8080")
        );
        assert!(authority("https://x:1").is_err());
        assert!(authority("http://x:1/app").is_err());
        assert_eq!(user_names("im", None, 2), ["im01", "im02"]);
        assert_eq!(user_names("im", Some("lead1"), 2), ["lead1", "lead1"]);
    }

    #[test]
    fn targets_rotate_over_the_users_pages() {
        let t = Targets {
            timeline: vec!["/cases/1/timeline".into(), "/cases/2/timeline".into()],
            ..Targets::default()
        };
        assert_eq!(t.path(PageKind::Timeline, 0), Some("/cases/1/timeline"));
        assert_eq!(t.path(PageKind::Timeline, 3), Some("/cases/2/timeline"));
        assert_eq!(t.path(PageKind::Record, 0), None);
    }
}
