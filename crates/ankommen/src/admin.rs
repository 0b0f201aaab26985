//! `ankommen admin …`: administration from the command line.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use ankommen_core::administration::staff::{CliUser, create_from_cli};
use ankommen_core::kernel::types::{Name, NewPassword, Role, RoleSet, Username};
use ankommen_core::{Error, FieldErrors, SystemClock};

use crate::Failure;
use crate::cli::CreateUserArgs;
use crate::config::{Config, trim_one_newline};
use crate::serve::open_and_migrate;

const TAKEN: &str = "a user with that name exists";

/// Where the new person's password comes from.
enum PasswordSource<'a> {
    File(&'a Path),
    Stdin,
    Prompt,
}

pub async fn create_user(cfg: &Config, args: &CreateUserArgs) -> Result<(), Failure> {
    // Check the arguments before touching the database or asking for a password.
    let user = parse_user(args)?;
    let source = match (&args.password_file, args.password_stdin) {
        (Some(f), _) => PasswordSource::File(f),
        (None, true) => PasswordSource::Stdin,
        (None, false) if std::io::stdin().is_terminal() => PasswordSource::Prompt,
        (None, false) => {
            return Err(Failure::new(
                "no password given: use --password-file FILE or --password-stdin, or run in a terminal to be asked",
            ));
        }
    };
    let db = open_and_migrate(cfg, cfg.database_url()).await?;
    let result = async {
        let password = read_password(&source, user.username.as_str())?;
        let username = user.username.as_str().to_string();
        let id = create_from_cli(&db, &SystemClock, user, password)
            .await
            .map_err(|e| Failure::new(explain(e)))?;
        println!("created user {username} (id {id})");
        Ok(())
    }
    .await;
    db.close().await;
    result
}

fn parse_user(args: &CreateUserArgs) -> Result<CliUser, Failure> {
    let field = |name: &str, key: &'static str| Failure::new(format!("{name}: {}", readable(key)));
    let username = Username::parse(&args.username).map_err(|k| field("username", k))?;
    let display_name = Name::parse(&args.name).map_err(|k| field("name", k))?;
    let organisation = Name::parse(&args.organisation).map_err(|k| field("organisation", k))?;
    let roles = if args.roles.is_empty() {
        RoleSet::new([Role::Admin])
    } else {
        let mut roles = Vec::new();
        for r in &args.roles {
            roles.push(Role::parse(r).map_err(|_| {
                Failure::new(format!(
                    "role: '{r}' is not a role (choose from {})",
                    role_list()
                ))
            })?);
        }
        RoleSet::new(roles)
    };
    Ok(CliUser {
        username,
        display_name,
        roles,
        organisation,
    })
}

fn role_list() -> String {
    Role::ALL
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_password(source: &PasswordSource<'_>, username: &str) -> Result<NewPassword, Failure> {
    let (password, confirm) = match source {
        PasswordSource::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::new(format!(
                    "cannot read the password file {}: {e}",
                    path.display()
                ))
            })?;
            let p = trim_one_newline(&text).to_string();
            (p.clone(), p)
        }
        PasswordSource::Stdin => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| {
                Failure::new(format!("cannot read the password from standard input: {e}"))
            })?;
            if line.is_empty() {
                return Err(Failure::new("no password on standard input"));
            }
            let p = trim_one_newline(&line).to_string();
            (p.clone(), p)
        }
        PasswordSource::Prompt => {
            let p = rpassword::prompt_password(format!(
                "Password for {username} (at least {} characters): ",
                NewPassword::MIN
            ))
            .map_err(|e| Failure::new(format!("cannot read the password: {e}")))?;
            let c = rpassword::prompt_password("Repeat the password: ")
                .map_err(|e| Failure::new(format!("cannot read the password: {e}")))?;
            (p, c)
        }
    };
    NewPassword::parse(&password, &confirm)
        .map_err(|k| Failure::new(format!("password: {}", readable(k))))
}

/// One line explaining why the core refused to create the person.
fn explain(e: Error) -> String {
    match e {
        Error::Conflict("error-duplicate") => TAKEN.to_string(),
        Error::Invalid(fields) => explain_fields(&fields),
        Error::Conflict(key) => format!("conflict: {}", readable(key)),
        Error::Internal(msg) => {
            format!(
                "internal error: {}",
                msg.lines().next().unwrap_or("unknown")
            )
        }
        other => other.to_string(),
    }
}

fn explain_fields(fields: &FieldErrors) -> String {
    if fields.0.is_empty() {
        return "invalid input".to_string();
    }
    if fields
        .0
        .iter()
        .any(|f| f.key == "error-username-taken" || f.key == "error-duplicate")
    {
        return TAKEN.to_string();
    }
    fields
        .0
        .iter()
        .map(|f| format!("{}: {}", field_name(f.field), readable_in(f.field, f.key)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The core's field names as the command line calls them.
fn field_name(field: &str) -> &str {
    match field {
        "display_name" => "name",
        "roles" => "role",
        "organisation_id" | "organisation_name" => "organisation",
        other => other,
    }
}

fn readable_in(field: &str, key: &'static str) -> &'static str {
    match (field, key) {
        ("organisation", "error-organisation-unknown") => {
            "no organisation has this name; organisations already exist, so give the exact name of one of them \
             (a new one is only created while the deployment has no organisation)"
        }
        _ => readable(key),
    }
}

/// English text for the core's message keys.
fn readable(key: &str) -> &'static str {
    match key {
        "error-required" => "must not be empty",
        "error-too-long" => "is too long",
        "error-control-chars" => "must not contain control characters",
        "error-username-length" => "must be 3 to 64 characters long",
        "error-username-chars" => {
            "may only contain the letters a-z, the digits 0-9, '.', '-' and '_'"
        }
        "error-username-taken" => TAKEN,
        "error-password-short" => "must be at least 12 characters long",
        "error-password-mismatch" => "the two passwords differ",
        "error-choice" => "is not one of the allowed values",
        "error-role-required" => "at least one role is required",
        "error-role-not-in-organisation" => {
            "a role is not allowed in this organisation (coordinators work at the county office, municipal officers at a municipality)"
        }
        "error-organisation-unknown" => "no organisation has this name",
        "error-name-taken" => "this name is already taken",
        "error-duplicate" => "already exists",
        "error-reference" => "refers to something that does not exist",
        "error-team-not-in-organisation" => "the team does not belong to this organisation",
        "error-municipality-unknown" => "unknown municipality",
        "error-email" => "is not an e-mail address",
        _ => "is invalid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(username: &str, name: &str, roles: &[&str], organisation: &str) -> CreateUserArgs {
        CreateUserArgs {
            username: username.into(),
            name: name.into(),
            roles: roles.iter().map(|r| (*r).to_string()).collect(),
            organisation: organisation.into(),
            password_file: None,
            password_stdin: true,
        }
    }

    #[test]
    fn parses_arguments_with_admin_as_default_role() {
        let u = parse_user(&args("Chef", " Chef  Koch ", &[], "Landratsamt")).unwrap();
        assert_eq!(u.username.as_str(), "chef");
        assert_eq!(u.display_name.as_str(), "Chef Koch");
        assert_eq!(u.roles, RoleSet::new([Role::Admin]));
        assert_eq!(u.organisation.as_str(), "Landratsamt");
        let u = parse_user(&args("x.y", "X", &["im", "team_lead"], "AWO")).unwrap();
        assert_eq!(u.roles, RoleSet::new([Role::Im, Role::TeamLead]));
    }

    #[test]
    fn argument_errors_are_readable() {
        let e = parse_user(&args("ab", "X", &[], "L")).unwrap_err();
        assert_eq!(e.to_string(), "username: must be 3 to 64 characters long");
        let e = parse_user(&args("a b c", "X", &[], "L")).unwrap_err();
        assert!(
            e.to_string().starts_with("username: may only contain"),
            "{e}"
        );
        let e = parse_user(&args("abc", " ", &[], "L")).unwrap_err();
        assert_eq!(e.to_string(), "name: must not be empty");
        let e = parse_user(&args("abc", "X", &["boss"], "L")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "role: 'boss' is not a role (choose from im, team_lead, coordinator, municipal_officer, admin, dpo)"
        );
    }

    #[test]
    fn core_errors_are_readable() {
        assert_eq!(explain(Error::Conflict("error-duplicate")), TAKEN);
        assert_eq!(
            explain(Error::field("username", "error-username-taken")),
            TAKEN
        );
        let e = explain(Error::field("organisation", "error-organisation-unknown"));
        assert!(
            e.starts_with(
                "organisation: no organisation has this name; organisations already exist"
            ),
            "{e}"
        );
        assert_eq!(
            explain(Error::field("roles", "error-role-not-in-organisation")),
            "role: a role is not allowed in this organisation (coordinators work at the county office, municipal officers at a municipality)"
        );
        let mut two = FieldErrors::new();
        two.add("display_name", "error-too-long");
        two.add("roles", "error-role-required");
        assert_eq!(
            explain(Error::Invalid(two)),
            "name: is too long; role: at least one role is required"
        );
        assert_eq!(
            explain(Error::Internal("boom\nline two".into())),
            "internal error: boom"
        );
    }

    #[test]
    fn password_errors_are_readable() {
        let dir = tempfile::tempdir().unwrap();
        let short = dir.path().join("short");
        std::fs::write(&short, "too-short\n").unwrap();
        let e = read_password(&PasswordSource::File(&short), "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "password: must be at least 12 characters long"
        );
        let good = dir.path().join("good");
        std::fs::write(&good, "a-long-password-1\n").unwrap();
        let p = read_password(&PasswordSource::File(&good), "x").unwrap();
        assert_eq!(p.expose(), "a-long-password-1");
        let e = read_password(&PasswordSource::File(&dir.path().join("missing")), "x").unwrap_err();
        assert!(
            e.to_string().starts_with("cannot read the password file "),
            "{e}"
        );
    }
}
