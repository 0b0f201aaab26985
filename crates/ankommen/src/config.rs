//! Settings of the binary and where they come from.
//!
//! Precedence, lowest first: built-in defaults < TOML file (`--config FILE` or `ANKOMMEN_CONFIG`)
//! < environment (`ANKOMMEN_*`, or `ANKOMMEN_*_FILE` naming a file that holds the value) < flags.
//!
//! [`resolve`] is a pure function of the parsed flags, an explicit environment map and a
//! file-reading function, so tests never touch the process environment or the disk.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration as StdDuration;

use ankommen_core::administration::sessions::SessionPolicy;
use ankommen_core::kernel::sealing::Sealer;
use ankommen_store::connect::{Backend, backend_of, sqlite_url_for};
use ankommen_web::WebConfig;
use ankommen_web::metrics::MetricsToken;
use serde::Deserialize;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";
pub const DEFAULT_LOG: &str = "info,sqlx=warn";
pub const DEFAULT_IDLE_TIMEOUT_MINUTES: u32 = 30;
pub const DEFAULT_ABSOLUTE_TIMEOUT_HOURS: u32 = 10;
pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;
pub const DEFAULT_REQUEST_TIMEOUT_SECONDS: u64 = 30;

/// The SQLite file in the data directory used when no database URL is configured.
pub const DATABASE_FILE: &str = "ankommen.sqlite";
/// The key file of encryption at rest in the data directory, used when no key is configured.
pub const KEY_FILE: &str = "ankommen.key";

/// The environment variable naming the config file.
pub const ENV_CONFIG: &str = "ANKOMMEN_CONFIG";
pub const ENV_LISTEN: &str = "ANKOMMEN_LISTEN";
pub const ENV_DATA_DIR: &str = "ANKOMMEN_DATA_DIR";
pub const ENV_DATABASE_URL: &str = "ANKOMMEN_DATABASE_URL";
pub const ENV_PUBLIC_URL: &str = "ANKOMMEN_PUBLIC_URL";
pub const ENV_SECURE_COOKIES: &str = "ANKOMMEN_SECURE_COOKIES";
pub const ENV_IDLE_TIMEOUT_MINUTES: &str = "ANKOMMEN_IDLE_TIMEOUT_MINUTES";
pub const ENV_ABSOLUTE_TIMEOUT_HOURS: &str = "ANKOMMEN_ABSOLUTE_TIMEOUT_HOURS";
pub const ENV_TRUSTED_PROXIES: &str = "ANKOMMEN_TRUSTED_PROXIES";
pub const ENV_LOG: &str = "ANKOMMEN_LOG";
pub const ENV_MAX_CONNECTIONS: &str = "ANKOMMEN_MAX_CONNECTIONS";
pub const ENV_REQUEST_TIMEOUT_SECONDS: &str = "ANKOMMEN_REQUEST_TIMEOUT_SECONDS";
/// A second listen address that serves only `/metrics`, without a token (decision 0037).
pub const ENV_METRICS_LISTEN: &str = "ANKOMMEN_METRICS_LISTEN";
/// The bearer token that opens `/metrics` on the main listener; usually given as
/// `ANKOMMEN_METRICS_TOKEN_FILE` (a file holding it).
pub const ENV_METRICS_TOKEN: &str = "ANKOMMEN_METRICS_TOKEN";
/// The key file of encryption at rest. By the `NAME_FILE` convention this is also "the file that
/// holds `ANKOMMEN_ENCRYPTION_KEY`", so the two are one setting and exclude each other.
pub const ENV_ENCRYPTION_KEY_FILE: &str = "ANKOMMEN_ENCRYPTION_KEY_FILE";
/// The key of encryption at rest itself (64 hex digits), e.g. from a container secret. Environment
/// only: a config file is no place for the key.
pub const ENV_ENCRYPTION_KEY: &str = "ANKOMMEN_ENCRYPTION_KEY";

/// Upper bounds that keep durations and pool sizes sane (and chrono arithmetic far from overflow).
const MAX_IDLE_TIMEOUT_MINUTES: u32 = 60 * 24 * 365;
const MAX_ABSOLUTE_TIMEOUT_HOURS: u32 = 24 * 365;
const MAX_MAX_CONNECTIONS: u32 = 1000;
const MAX_REQUEST_TIMEOUT_SECONDS: u32 = 3600;

/// The settings given as command-line flags (the highest layer).
#[derive(Clone, Debug, Default)]
pub struct Flags {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub config: Option<PathBuf>,
    pub public_url: Option<String>,
    pub encryption_key_file: Option<PathBuf>,
}

/// Whether session cookies carry the `Secure` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecureCookies {
    /// On exactly when the public URL is https.
    Auto,
    On,
    Off,
}

/// Where the master key of encryption at rest comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum EncryptionKey {
    /// A key file holding 64 hex digits; created with a new random key (mode 0600) when missing.
    File(PathBuf),
    /// The key itself, from [`ENV_ENCRYPTION_KEY`] (checked while resolving). Never print or log it.
    Value(String),
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            Self::Value(_) => f.write_str("Value(<redacted>)"),
        }
    }
}

/// The resolved settings.
#[derive(Clone, PartialEq)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// The database URL as configured; `None` means the SQLite file in the data directory.
    /// May contain a password: never print or log it.
    pub database_url: Option<String>,
    /// The backend of [`Config::database_url`] (checked while resolving).
    pub backend: Backend,
    /// The address people use to reach the application, without a trailing slash.
    pub public_url: Option<String>,
    pub secure_cookies: bool,
    pub idle_timeout_minutes: u32,
    pub absolute_timeout_hours: u32,
    pub trusted_proxies: Vec<IpAddr>,
    /// The log filter as configured; `None` means the default.
    pub log: Option<String>,
    pub max_connections: u32,
    pub request_timeout_seconds: u64,
    /// The master key of encryption at rest: a key file (default `<data_dir>/ankommen.key`) or the
    /// key itself from the environment.
    pub encryption_key: EncryptionKey,
    /// The address of the separate metrics listener, if any.
    pub metrics_listen: Option<SocketAddr>,
    /// The bearer token of `/metrics` on the main listener, if any (its `Debug` hides it).
    pub metrics_token: Option<MetricsToken>,
    /// The config file that was read, if any.
    pub config_file: Option<PathBuf>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "<redacted>"),
            )
            .field("backend", &self.backend)
            .field("public_url", &self.public_url)
            .field("secure_cookies", &self.secure_cookies)
            .field("idle_timeout_minutes", &self.idle_timeout_minutes)
            .field("absolute_timeout_hours", &self.absolute_timeout_hours)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("log", &self.log)
            .field("max_connections", &self.max_connections)
            .field("request_timeout_seconds", &self.request_timeout_seconds)
            .field("encryption_key", &self.encryption_key)
            .field("metrics_listen", &self.metrics_listen)
            .field("metrics_token", &self.metrics_token)
            .field("config_file", &self.config_file)
            .finish()
    }
}

impl Config {
    /// The database URL to connect to (the configured one, or the SQLite file in the data directory).
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| sqlite_url_for(&self.data_dir, DATABASE_FILE))
    }

    /// The base of links printed for people: the public URL, or `http://<listen>`.
    pub fn base_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }

    pub fn session_policy(&self) -> SessionPolicy {
        SessionPolicy {
            idle: chrono::Duration::minutes(i64::from(self.idle_timeout_minutes)),
            absolute: chrono::Duration::hours(i64::from(self.absolute_timeout_hours)),
        }
    }

    pub fn web_config(&self, demo: bool) -> WebConfig {
        WebConfig {
            session: self.session_policy(),
            secure_cookies: self.secure_cookies,
            demo,
            trusted_proxies: self.trusted_proxies.clone(),
            request_timeout: StdDuration::from_secs(self.request_timeout_seconds),
            metrics_token: self.metrics_token.clone(),
            public_url: self.public_url.clone(),
        }
    }
}

/// Why the settings could not be resolved. Each message is one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {reason}")]
    ReadConfigFile { path: String, reason: String },
    #[error("config file {path}: {message}")]
    ConfigFileSyntax { path: String, message: String },
    #[error("both {name} and {name}_FILE are set; set only one of them")]
    BothSet { name: &'static str },
    #[error("cannot read {name}_FILE ({path}): {reason}")]
    ReadSecretFile {
        name: &'static str,
        path: String,
        reason: String,
    },
    #[error("{name}_FILE ({path}) is empty")]
    EmptySecretFile { name: &'static str, path: String },
    /// A value that does not parse; `origin` names where it came from (a flag, a variable, a key).
    #[error("{origin}: {problem}")]
    Invalid { origin: String, problem: String },
}

/// A function that reads a whole text file (the config file, `*_FILE` secrets).
pub type ReadFile<'a> = &'a dyn Fn(&Path) -> std::io::Result<String>;

/// Reads a file from disk; the reader used outside tests.
pub fn read_from_disk(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// The `ANKOMMEN_*` variables of the process environment. Values that are not valid Unicode are
/// converted lossily (and then fail to parse with a clear message instead of being ignored).
pub fn process_env() -> HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            k.starts_with("ANKOMMEN_")
                .then(|| (k, v.to_string_lossy().into_owned()))
        })
        .collect()
}

/// Resolves the settings from flags, environment and config file over the defaults; the first
/// problem stops it.
pub fn resolve(
    flags: &Flags,
    env: &HashMap<String, String>,
    read: ReadFile<'_>,
) -> Result<Config, ConfigError> {
    let r = resolve_all(flags, env, read);
    match r.problems.into_iter().next() {
        Some(p) => Err(p.error),
        None => Ok(r.config),
    }
}

/// A problem found while resolving, with the setting it concerns: its TOML key, or `config` for
/// the config file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub setting: &'static str,
    pub error: ConfigError,
}

/// Every problem of the configuration (in the order [`resolve`] meets them, so its error is the
/// first), and the settings resolved around them: a broken value counts as not given.
#[derive(Debug)]
pub struct Resolution {
    pub config: Config,
    pub problems: Vec<Problem>,
}

impl Resolution {
    /// Whether the setting (its TOML key) had a value that did not parse.
    pub fn broken(&self, setting: &str) -> bool {
        self.problems.iter().any(|p| p.setting == setting)
    }
}

/// The problems met so far.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn keep<T>(&mut self, setting: &'static str, r: Result<T, ConfigError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(error) => {
                self.0.push(Problem { setting, error });
                None
            }
        }
    }

    fn opt<T>(&mut self, setting: &'static str, r: Option<Result<T, ConfigError>>) -> Option<T> {
        r.and_then(|r| self.keep(setting, r))
    }
}

/// [`resolve`], going on past problems to find all of them (`ankommen check-config`).
pub fn resolve_all(flags: &Flags, env: &HashMap<String, String>, read: ReadFile<'_>) -> Resolution {
    let mut p = Problems::default();
    let config_file = flags.config.clone().or_else(|| {
        env.get(ENV_CONFIG)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let file_layer = match &config_file {
        Some(path) => match read(path) {
            Ok(text) => file_layer(path, &text, read, &mut p),
            Err(e) => {
                p.keep::<()>(
                    "config",
                    Err(ConfigError::ReadConfigFile {
                        path: path.display().to_string(),
                        reason: e.to_string(),
                    }),
                );
                Layer::default()
            }
        },
        None => Layer::default(),
    };
    let env_layer = env_layer(env, read, &mut p);
    let flag_layer = flag_layer(flags, &mut p);
    let merged = flag_layer.over(env_layer).over(file_layer);
    let config = finish(merged, config_file, &mut p);
    Resolution {
        config,
        problems: p.0,
    }
}

/// One source's settings; `None` where the source says nothing.
#[derive(Debug, Default)]
struct Layer {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    /// The URL and where it came from (for error messages that must not echo the URL).
    database_url: Option<(String, String)>,
    public_url: Option<String>,
    secure_cookies: Option<SecureCookies>,
    idle_timeout_minutes: Option<u32>,
    absolute_timeout_hours: Option<u32>,
    trusted_proxies: Option<Vec<IpAddr>>,
    log: Option<String>,
    max_connections: Option<u32>,
    request_timeout_seconds: Option<u64>,
    encryption_key: Option<EncryptionKey>,
    metrics_listen: Option<SocketAddr>,
    metrics_token: Option<MetricsToken>,
}

impl Layer {
    /// This layer's values where it has them, `lower`'s elsewhere.
    fn over(self, lower: Layer) -> Layer {
        Layer {
            listen: self.listen.or(lower.listen),
            data_dir: self.data_dir.or(lower.data_dir),
            database_url: self.database_url.or(lower.database_url),
            public_url: self.public_url.or(lower.public_url),
            secure_cookies: self.secure_cookies.or(lower.secure_cookies),
            idle_timeout_minutes: self.idle_timeout_minutes.or(lower.idle_timeout_minutes),
            absolute_timeout_hours: self.absolute_timeout_hours.or(lower.absolute_timeout_hours),
            trusted_proxies: self.trusted_proxies.or(lower.trusted_proxies),
            log: self.log.or(lower.log),
            max_connections: self.max_connections.or(lower.max_connections),
            request_timeout_seconds: self
                .request_timeout_seconds
                .or(lower.request_timeout_seconds),
            encryption_key: self.encryption_key.or(lower.encryption_key),
            metrics_listen: self.metrics_listen.or(lower.metrics_listen),
            metrics_token: self.metrics_token.or(lower.metrics_token),
        }
    }
}

fn finish(m: Layer, config_file: Option<PathBuf>, p: &mut Problems) -> Config {
    let data_dir = m
        .data_dir
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    let (database_url, backend) = match m.database_url {
        Some((url, origin)) => {
            match p.keep(
                "database_url",
                backend_of(&url).map_err(|e| invalid(&origin, e.to_string())),
            ) {
                Some(backend) => (Some(url), backend),
                None => (None, Backend::Sqlite),
            }
        }
        None => (None, Backend::Sqlite),
    };
    let secure_cookies = match m.secure_cookies.unwrap_or(SecureCookies::Auto) {
        SecureCookies::On => true,
        SecureCookies::Off => false,
        SecureCookies::Auto => m
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://")),
    };
    let listen = m.listen.unwrap_or_else(|| {
        parse_listen("default", DEFAULT_LISTEN).unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)))
    });
    if m.metrics_listen == Some(listen) {
        p.keep::<()>(
            "metrics_listen",
            Err(invalid(
                "metrics_listen",
                format!(
                    "{listen} is the main listen address; give the metrics listener an address of its own, or use a metrics token on the main listener"
                ),
            )),
        );
    }
    let encryption_key = m
        .encryption_key
        .unwrap_or_else(|| EncryptionKey::File(data_dir.join(KEY_FILE)));
    Config {
        listen,
        data_dir,
        database_url,
        backend,
        public_url: m.public_url,
        secure_cookies,
        idle_timeout_minutes: m
            .idle_timeout_minutes
            .unwrap_or(DEFAULT_IDLE_TIMEOUT_MINUTES),
        absolute_timeout_hours: m
            .absolute_timeout_hours
            .unwrap_or(DEFAULT_ABSOLUTE_TIMEOUT_HOURS),
        trusted_proxies: m.trusted_proxies.unwrap_or_default(),
        log: m.log,
        max_connections: m.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS),
        request_timeout_seconds: m
            .request_timeout_seconds
            .unwrap_or(DEFAULT_REQUEST_TIMEOUT_SECONDS),
        encryption_key,
        metrics_listen: m.metrics_listen,
        metrics_token: m.metrics_token,
        config_file,
    }
}

// ---------------------------------------------------------------------------------------------
// The layers

/// The TOML file: keys are exactly the setting names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    public_url: Option<String>,
    /// `true`, `false` or `"auto"`.
    secure_cookies: Option<toml::Value>,
    idle_timeout_minutes: Option<i64>,
    absolute_timeout_hours: Option<i64>,
    trusted_proxies: Option<Vec<String>>,
    log: Option<String>,
    max_connections: Option<i64>,
    request_timeout_seconds: Option<i64>,
    encryption_key_file: Option<PathBuf>,
    metrics_listen: Option<String>,
    /// A file holding the bearer token of `/metrics` (the token itself is not accepted here).
    metrics_token_file: Option<PathBuf>,
    /// Not allowed: present only to refuse it with a clear message (a config file is often
    /// readable by many and copied around; the key belongs in a 0600 key file or the environment).
    encryption_key: Option<toml::Value>,
}

fn file_layer(path: &Path, text: &str, read: ReadFile<'_>, p: &mut Problems) -> Layer {
    let shown = path.display().to_string();
    let parsed = toml::from_str::<FileConfig>(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let message = one_line(e.message());
        ConfigError::ConfigFileSyntax {
            path: shown.clone(),
            message: match line {
                Some(l) => format!("line {l}: {message}"),
                None => message,
            },
        }
    });
    let Some(f) = p.keep("config", parsed) else {
        return Layer::default();
    };
    let origin = |key: &str| format!("config file {shown}: {key}");
    if f.encryption_key.is_some() {
        p.keep::<()>(
            "encryption_key_file",
            Err(invalid(
                &origin("encryption_key"),
                format!(
                    "the key itself is not accepted in the config file; name a key file with encryption_key_file, or set {ENV_ENCRYPTION_KEY}"
                ),
            )),
        );
    }
    let listen = f.listen.map(|v| parse_listen(&origin("listen"), &v));
    let data_dir = f.data_dir.map(|v| parse_data_dir(&origin("data_dir"), v));
    let public_url = f
        .public_url
        .map(|v| parse_public_url(&origin("public_url"), &v));
    let secure_cookies = f.secure_cookies.map(|v| match v {
        toml::Value::Boolean(true) => Ok(SecureCookies::On),
        toml::Value::Boolean(false) => Ok(SecureCookies::Off),
        toml::Value::String(s) => parse_secure_cookies(&origin("secure_cookies"), &s),
        _ => Err(invalid(
            &origin("secure_cookies"),
            "must be true, false or \"auto\"",
        )),
    });
    let idle_timeout_minutes = f
        .idle_timeout_minutes
        .map(|v| in_range_u32(&origin("idle_timeout_minutes"), v, MAX_IDLE_TIMEOUT_MINUTES));
    let absolute_timeout_hours = f.absolute_timeout_hours.map(|v| {
        in_range_u32(
            &origin("absolute_timeout_hours"),
            v,
            MAX_ABSOLUTE_TIMEOUT_HOURS,
        )
    });
    let trusted_proxies = f.trusted_proxies.map(|list| {
        list.iter()
            .map(|a| parse_ip(&origin("trusted_proxies"), a))
            .collect::<Result<Vec<_>, _>>()
    });
    let max_connections = f
        .max_connections
        .map(|v| in_range_u32(&origin("max_connections"), v, MAX_MAX_CONNECTIONS));
    let request_timeout_seconds = f.request_timeout_seconds.map(|v| {
        in_range_u32(
            &origin("request_timeout_seconds"),
            v,
            MAX_REQUEST_TIMEOUT_SECONDS,
        )
        .map(u64::from)
    });
    let encryption_key = f
        .encryption_key_file
        .map(|v| parse_key_file(&origin("encryption_key_file"), v));
    let metrics_listen = f
        .metrics_listen
        .map(|v| parse_listen(&origin("metrics_listen"), &v));
    let metrics_token = f.metrics_token_file.map(|file| {
        let key = origin("metrics_token_file");
        let text = read(&file)
            .map_err(|e| invalid(&key, format!("cannot read {}: {e}", file.display())))?;
        parse_metrics_token(&key, trim_one_newline(&text))
    });
    Layer {
        listen: p.opt("listen", listen),
        data_dir: p.opt("data_dir", data_dir),
        database_url: f.database_url.map(|v| (v, origin("database_url"))),
        public_url: p.opt("public_url", public_url),
        secure_cookies: p.opt("secure_cookies", secure_cookies),
        idle_timeout_minutes: p.opt("idle_timeout_minutes", idle_timeout_minutes),
        absolute_timeout_hours: p.opt("absolute_timeout_hours", absolute_timeout_hours),
        trusted_proxies: p.opt("trusted_proxies", trusted_proxies),
        log: f.log,
        max_connections: p.opt("max_connections", max_connections),
        request_timeout_seconds: p.opt("request_timeout_seconds", request_timeout_seconds),
        encryption_key: p.opt("encryption_key_file", encryption_key),
        metrics_listen: p.opt("metrics_listen", metrics_listen),
        metrics_token: p.opt("metrics_token_file", metrics_token),
    }
}

/// An environment variable's value, from `NAME` or from the file named by `NAME_FILE`, with the
/// name of the variable it came from. Empty variables count as unset.
fn env_value(
    env: &HashMap<String, String>,
    name: &'static str,
    read: ReadFile<'_>,
) -> Result<Option<(String, String)>, ConfigError> {
    let file_name = format!("{name}_FILE");
    let direct = env.get(name).filter(|v| !v.is_empty());
    let file = env.get(&file_name).filter(|v| !v.is_empty());
    match (direct, file) {
        (Some(_), Some(_)) => Err(ConfigError::BothSet { name }),
        (Some(v), None) => Ok(Some((v.clone(), name.to_string()))),
        (None, Some(path)) => {
            let text = read(Path::new(path)).map_err(|e| ConfigError::ReadSecretFile {
                name,
                path: path.clone(),
                reason: e.to_string(),
            })?;
            let value = trim_one_newline(&text).to_string();
            if value.is_empty() {
                return Err(ConfigError::EmptySecretFile {
                    name,
                    path: path.clone(),
                });
            }
            Ok(Some((value, file_name)))
        }
        (None, None) => Ok(None),
    }
}

fn env_layer(env: &HashMap<String, String>, read: ReadFile<'_>, p: &mut Problems) -> Layer {
    // One variable: its value (or its file's), parsed; a problem with either is kept.
    fn var<T>(
        p: &mut Problems,
        env: &HashMap<String, String>,
        read: ReadFile<'_>,
        (name, setting): (&'static str, &'static str),
        parse: impl FnOnce(&str, String) -> Result<T, ConfigError>,
    ) -> Option<T> {
        let value = p.keep(setting, env_value(env, name, read)).flatten()?;
        let (v, origin) = value;
        p.keep(setting, parse(&origin, v))
    }
    Layer {
        listen: var(p, env, read, (ENV_LISTEN, "listen"), |o, v| {
            parse_listen(o, &v)
        }),
        data_dir: var(p, env, read, (ENV_DATA_DIR, "data_dir"), |o, v| {
            parse_data_dir(o, PathBuf::from(v))
        }),
        database_url: var(p, env, read, (ENV_DATABASE_URL, "database_url"), |o, v| {
            Ok((v, o.to_string()))
        }),
        public_url: var(p, env, read, (ENV_PUBLIC_URL, "public_url"), |o, v| {
            parse_public_url(o, &v)
        }),
        secure_cookies: var(
            p,
            env,
            read,
            (ENV_SECURE_COOKIES, "secure_cookies"),
            |o, v| parse_secure_cookies(o, &v),
        ),
        idle_timeout_minutes: var(
            p,
            env,
            read,
            (ENV_IDLE_TIMEOUT_MINUTES, "idle_timeout_minutes"),
            |o, v| parse_u32(o, &v, MAX_IDLE_TIMEOUT_MINUTES),
        ),
        absolute_timeout_hours: var(
            p,
            env,
            read,
            (ENV_ABSOLUTE_TIMEOUT_HOURS, "absolute_timeout_hours"),
            |o, v| parse_u32(o, &v, MAX_ABSOLUTE_TIMEOUT_HOURS),
        ),
        trusted_proxies: var(
            p,
            env,
            read,
            (ENV_TRUSTED_PROXIES, "trusted_proxies"),
            |o, v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|a| parse_ip(o, a))
                    .collect::<Result<Vec<_>, _>>()
            },
        ),
        log: var(p, env, read, (ENV_LOG, "log"), |_, v| Ok(v)),
        max_connections: var(
            p,
            env,
            read,
            (ENV_MAX_CONNECTIONS, "max_connections"),
            |o, v| parse_u32(o, &v, MAX_MAX_CONNECTIONS),
        ),
        request_timeout_seconds: var(
            p,
            env,
            read,
            (ENV_REQUEST_TIMEOUT_SECONDS, "request_timeout_seconds"),
            |o, v| parse_u32(o, &v, MAX_REQUEST_TIMEOUT_SECONDS).map(u64::from),
        ),
        encryption_key: p
            .keep("encryption_key_file", env_encryption_key(env))
            .flatten(),
        metrics_listen: var(
            p,
            env,
            read,
            (ENV_METRICS_LISTEN, "metrics_listen"),
            |o, v| parse_listen(o, &v),
        ),
        metrics_token: var(
            p,
            env,
            read,
            (ENV_METRICS_TOKEN, "metrics_token"),
            |o, v| parse_metrics_token(o, &v),
        ),
    }
}

/// `ANKOMMEN_ENCRYPTION_KEY` (the key) or `ANKOMMEN_ENCRYPTION_KEY_FILE` (a key file). The latter
/// is read by the server like any key file (private mode, created when missing), not through
/// [`env_value`]; there is no `ANKOMMEN_ENCRYPTION_KEY_FILE_FILE`.
fn env_encryption_key(env: &HashMap<String, String>) -> Result<Option<EncryptionKey>, ConfigError> {
    let key = env.get(ENV_ENCRYPTION_KEY).filter(|v| !v.is_empty());
    let file = env.get(ENV_ENCRYPTION_KEY_FILE).filter(|v| !v.is_empty());
    match (key, file) {
        (Some(_), Some(_)) => Err(ConfigError::BothSet {
            name: ENV_ENCRYPTION_KEY,
        }),
        (Some(v), None) => {
            // Checked now so that a bad key stops every command with a one-line error; the message
            // never repeats the value.
            Sealer::from_hex(v).map_err(|e| invalid(ENV_ENCRYPTION_KEY, e.to_string()))?;
            Ok(Some(EncryptionKey::Value(v.clone())))
        }
        (None, Some(path)) => {
            parse_key_file(ENV_ENCRYPTION_KEY_FILE, PathBuf::from(path)).map(Some)
        }
        (None, None) => Ok(None),
    }
}

fn flag_layer(flags: &Flags, p: &mut Problems) -> Layer {
    let listen = flags.listen.as_deref().map(|v| parse_listen("--listen", v));
    let data_dir = flags
        .data_dir
        .clone()
        .map(|v| parse_data_dir("--data-dir", v));
    let public_url = flags
        .public_url
        .as_deref()
        .map(|v| parse_public_url("--public-url", v));
    let encryption_key = flags
        .encryption_key_file
        .clone()
        .map(|v| parse_key_file("--encryption-key-file", v));
    Layer {
        listen: p.opt("listen", listen),
        data_dir: p.opt("data_dir", data_dir),
        database_url: flags
            .database_url
            .clone()
            .map(|v| (v, "--database-url".to_string())),
        public_url: p.opt("public_url", public_url),
        encryption_key: p.opt("encryption_key_file", encryption_key),
        ..Layer::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Value parsers

fn invalid(origin: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        origin: origin.to_string(),
        problem: problem.into(),
    }
}

fn parse_listen(origin: &str, v: &str) -> Result<SocketAddr, ConfigError> {
    v.trim().parse::<SocketAddr>().map_err(|_| {
        invalid(
            origin,
            format!(
                "invalid listen address '{v}' (expected IP:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)"
            ),
        )
    })
}

/// The token's problem, never the token itself.
fn parse_metrics_token(origin: &str, v: &str) -> Result<MetricsToken, ConfigError> {
    MetricsToken::new(v).map_err(|problem| invalid(origin, problem))
}

fn parse_data_dir(origin: &str, v: PathBuf) -> Result<PathBuf, ConfigError> {
    if v.as_os_str().is_empty() {
        return Err(invalid(origin, "the data directory must not be empty"));
    }
    Ok(v)
}

fn parse_key_file(origin: &str, v: PathBuf) -> Result<EncryptionKey, ConfigError> {
    if v.as_os_str().is_empty() {
        return Err(invalid(origin, "the key file path must not be empty"));
    }
    Ok(EncryptionKey::File(v))
}

fn parse_public_url(origin: &str, v: &str) -> Result<String, ConfigError> {
    let t = v.trim().trim_end_matches('/');
    let host = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"));
    match host {
        Some(h) if !h.is_empty() && !h.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Ok(t.to_string())
        }
        _ => Err(invalid(
            origin,
            format!(
                "invalid public URL '{v}' (expected http://HOST or https://HOST, e.g. https://ankommen.example.org)"
            ),
        )),
    }
}

fn parse_secure_cookies(origin: &str, v: &str) -> Result<SecureCookies, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "auto" => Ok(SecureCookies::Auto),
        "true" | "yes" | "on" | "1" => Ok(SecureCookies::On),
        "false" | "no" | "off" | "0" => Ok(SecureCookies::Off),
        _ => Err(invalid(
            origin,
            format!("invalid value '{v}' (expected auto, true or false)"),
        )),
    }
}

fn parse_u32(origin: &str, v: &str, max: u32) -> Result<u32, ConfigError> {
    let n: i64 = v
        .trim()
        .parse()
        .map_err(|_| invalid(origin, format!("'{v}' is not a whole number")))?;
    in_range_u32(origin, n, max)
}

fn in_range_u32(origin: &str, n: i64, max: u32) -> Result<u32, ConfigError> {
    u32::try_from(n)
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| invalid(origin, format!("{n} is out of range (allowed: 1 to {max})")))
}

fn parse_ip(origin: &str, v: &str) -> Result<IpAddr, ConfigError> {
    v.trim().parse::<IpAddr>().map_err(|_| {
        invalid(
            origin,
            format!("invalid IP address '{v}' (expected e.g. 10.0.0.1 or fd00::1)"),
        )
    })
}

/// Removes one trailing line break (`\n` or `\r\n`), as editors and `echo` add one.
pub fn trim_one_newline(s: &str) -> &str {
    match s.strip_suffix('\n') {
        Some(rest) => rest.strip_suffix('\r').unwrap_or(rest),
        None => s,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake file system for the reader.
    fn files(list: &[(&str, &str)]) -> impl Fn(&Path) -> std::io::Result<String> {
        let map: HashMap<PathBuf, String> = list
            .iter()
            .map(|(p, t)| (PathBuf::from(p), (*t).to_string()))
            .collect();
        move |p: &Path| {
            map.get(p).cloned().ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory")
            })
        }
    }

    fn env(list: &[(&str, &str)]) -> HashMap<String, String> {
        list.iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    fn run(
        flags: &Flags,
        env_list: &[(&str, &str)],
        file_list: &[(&str, &str)],
    ) -> Result<Config, ConfigError> {
        let read = files(file_list);
        resolve(flags, &env(env_list), &read)
    }

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn defaults_when_nothing_is_set() {
        let c = run(&Flags::default(), &[], &[]).unwrap();
        assert_eq!(c.listen, addr("127.0.0.1:8080"));
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        assert_eq!(c.database_url, None);
        assert_eq!(c.database_url(), "sqlite://./data/ankommen.sqlite");
        assert_eq!(c.backend, Backend::Sqlite);
        assert_eq!(c.public_url, None);
        assert_eq!(c.base_url(), "http://127.0.0.1:8080");
        assert!(!c.secure_cookies);
        assert_eq!(c.idle_timeout_minutes, 30);
        assert_eq!(c.absolute_timeout_hours, 10);
        assert!(c.trusted_proxies.is_empty());
        assert_eq!(c.log, None);
        assert_eq!(c.max_connections, 8);
        assert_eq!(c.request_timeout_seconds, 30);
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("./data/ankommen.key"))
        );
        assert_eq!(c.config_file, None);
        let w = c.web_config(false);
        assert_eq!(w.session.idle, chrono::Duration::minutes(30));
        assert_eq!(w.session.absolute, chrono::Duration::hours(10));
        assert_eq!(w.request_timeout, StdDuration::from_secs(30));
        assert!(!w.demo);
    }

    const FULL_FILE: &str = r#"
listen = "127.0.0.1:1001"
data_dir = "/file/data"
database_url = "sqlite:///file/db.sqlite"
public_url = "https://file.example/"
secure_cookies = false
idle_timeout_minutes = 11
absolute_timeout_hours = 12
trusted_proxies = ["10.0.0.1", "fd00::1"]
log = "debug"
max_connections = 13
request_timeout_seconds = 14
encryption_key_file = "/file/ankommen.key"
"#;

    #[test]
    fn file_only_values_come_from_the_file() {
        let flags = Flags {
            config: Some("/etc/ankommen.toml".into()),
            ..Flags::default()
        };
        let c = run(&flags, &[], &[("/etc/ankommen.toml", FULL_FILE)]).unwrap();
        assert_eq!(c.listen, addr("127.0.0.1:1001"));
        assert_eq!(c.data_dir, PathBuf::from("/file/data"));
        assert_eq!(c.database_url.as_deref(), Some("sqlite:///file/db.sqlite"));
        assert_eq!(c.public_url.as_deref(), Some("https://file.example"));
        assert!(!c.secure_cookies, "explicit false beats auto");
        assert_eq!(c.idle_timeout_minutes, 11);
        assert_eq!(c.absolute_timeout_hours, 12);
        assert_eq!(
            c.trusted_proxies,
            vec![
                "10.0.0.1".parse::<IpAddr>().unwrap(),
                "fd00::1".parse().unwrap()
            ]
        );
        assert_eq!(c.log.as_deref(), Some("debug"));
        assert_eq!(c.max_connections, 13);
        assert_eq!(c.request_timeout_seconds, 14);
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("/file/ankommen.key"))
        );
        assert_eq!(c.config_file, Some(PathBuf::from("/etc/ankommen.toml")));
    }

    #[test]
    fn config_file_may_be_named_by_the_environment() {
        let c = run(
            &Flags::default(),
            &[("ANKOMMEN_CONFIG", "/env.toml")],
            &[("/env.toml", "listen = \"127.0.0.1:1002\"\n")],
        )
        .unwrap();
        assert_eq!(c.listen, addr("127.0.0.1:1002"));
        // The flag names the file when both do.
        let flags = Flags {
            config: Some("/flag.toml".into()),
            ..Flags::default()
        };
        let c = run(
            &flags,
            &[("ANKOMMEN_CONFIG", "/env.toml")],
            &[
                ("/env.toml", "listen = \"127.0.0.1:1002\"\n"),
                ("/flag.toml", "listen = \"127.0.0.1:1003\"\n"),
            ],
        )
        .unwrap();
        assert_eq!(c.listen, addr("127.0.0.1:1003"));
    }

    const FULL_ENV: &[(&str, &str)] = &[
        ("ANKOMMEN_LISTEN", "127.0.0.1:2001"),
        ("ANKOMMEN_DATA_DIR", "/env/data"),
        ("ANKOMMEN_DATABASE_URL", "postgres://env@db/env"),
        ("ANKOMMEN_PUBLIC_URL", "http://env.example"),
        ("ANKOMMEN_SECURE_COOKIES", "true"),
        ("ANKOMMEN_IDLE_TIMEOUT_MINUTES", "21"),
        ("ANKOMMEN_ABSOLUTE_TIMEOUT_HOURS", "22"),
        ("ANKOMMEN_TRUSTED_PROXIES", "192.168.1.1, 192.168.1.2"),
        ("ANKOMMEN_LOG", "warn"),
        ("ANKOMMEN_MAX_CONNECTIONS", "23"),
        ("ANKOMMEN_REQUEST_TIMEOUT_SECONDS", "24"),
        ("ANKOMMEN_ENCRYPTION_KEY_FILE", "/env/ankommen.key"),
    ];

    #[test]
    fn environment_beats_the_file() {
        let flags = Flags {
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let c = run(&flags, FULL_ENV, &[("/c.toml", FULL_FILE)]).unwrap();
        assert_eq!(c.listen, addr("127.0.0.1:2001"));
        assert_eq!(c.data_dir, PathBuf::from("/env/data"));
        assert_eq!(c.database_url.as_deref(), Some("postgres://env@db/env"));
        assert_eq!(c.backend, Backend::Postgres);
        assert_eq!(c.public_url.as_deref(), Some("http://env.example"));
        assert!(
            c.secure_cookies,
            "explicit true beats auto with an http URL"
        );
        assert_eq!(c.idle_timeout_minutes, 21);
        assert_eq!(c.absolute_timeout_hours, 22);
        assert_eq!(
            c.trusted_proxies,
            vec![
                "192.168.1.1".parse::<IpAddr>().unwrap(),
                "192.168.1.2".parse().unwrap()
            ]
        );
        assert_eq!(c.log.as_deref(), Some("warn"));
        assert_eq!(c.max_connections, 23);
        assert_eq!(c.request_timeout_seconds, 24);
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("/env/ankommen.key"))
        );
    }

    #[test]
    fn flags_beat_environment_file_and_defaults() {
        let flags = Flags {
            listen: Some("127.0.0.1:3001".into()),
            data_dir: Some("/flag/data".into()),
            database_url: Some("sqlite:///flag/db.sqlite".into()),
            config: Some("/c.toml".into()),
            public_url: Some("https://flag.example".into()),
            encryption_key_file: Some("/flag/ankommen.key".into()),
        };
        let c = run(&flags, FULL_ENV, &[("/c.toml", FULL_FILE)]).unwrap();
        assert_eq!(c.listen, addr("127.0.0.1:3001"));
        assert_eq!(c.data_dir, PathBuf::from("/flag/data"));
        assert_eq!(c.database_url.as_deref(), Some("sqlite:///flag/db.sqlite"));
        assert_eq!(c.backend, Backend::Sqlite);
        assert_eq!(c.public_url.as_deref(), Some("https://flag.example"));
        assert_eq!(c.base_url(), "https://flag.example");
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("/flag/ankommen.key"))
        );
        // Settings without a flag still come from the environment.
        assert_eq!(c.max_connections, 23);
    }

    #[test]
    fn each_layer_fills_only_what_it_sets() {
        // listen: all four layers; data_dir: file + env; public_url: file only; log: none.
        let flags = Flags {
            listen: Some("127.0.0.1:3001".into()),
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let c = run(
            &flags,
            &[("ANKOMMEN_LISTEN", "127.0.0.1:2001"), ("ANKOMMEN_DATA_DIR", "/env/data")],
            &[(
                "/c.toml",
                "listen = \"127.0.0.1:1001\"\ndata_dir = \"/file/data\"\npublic_url = \"https://file.example\"\n",
            )],
        )
        .unwrap();
        assert_eq!(c.listen, addr("127.0.0.1:3001"));
        assert_eq!(c.data_dir, PathBuf::from("/env/data"));
        assert_eq!(c.public_url.as_deref(), Some("https://file.example"));
        assert!(c.secure_cookies, "auto: on because the public URL is https");
        assert_eq!(c.log, None);
        assert_eq!(c.max_connections, DEFAULT_MAX_CONNECTIONS);
        assert_eq!(c.database_url(), "sqlite:///env/data/ankommen.sqlite");
        // The default key file follows the data directory, whichever layer set it.
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("/env/data/ankommen.key"))
        );
    }

    /// A key in hex, as an operator would put it into `ANKOMMEN_ENCRYPTION_KEY`.
    const HEX_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn run_with_key_flag(
        key_file: &str,
        env_list: &[(&str, &str)],
        file_list: &[(&str, &str)],
    ) -> Result<Config, ConfigError> {
        let flags = Flags {
            config: Some("/c.toml".into()),
            encryption_key_file: Some(key_file.into()),
            ..Flags::default()
        };
        run(&flags, env_list, file_list)
    }

    #[test]
    fn encryption_key_precedence() {
        let file = [("/c.toml", FULL_FILE)];
        // The flag beats the environment (either form) and the file.
        let c = run_with_key_flag("/flag/ankommen.key", FULL_ENV, &file).unwrap();
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("/flag/ankommen.key"))
        );
        let c = run_with_key_flag(
            "/flag/ankommen.key",
            &[("ANKOMMEN_ENCRYPTION_KEY", HEX_KEY)],
            &file,
        )
        .unwrap();
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("/flag/ankommen.key"))
        );
        // The key in the environment beats the key file of the config file.
        let flags = Flags {
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let c = run(&flags, &[("ANKOMMEN_ENCRYPTION_KEY", HEX_KEY)], &file).unwrap();
        assert_eq!(c.encryption_key, EncryptionKey::Value(HEX_KEY.into()));
        // An explicit key file does not follow the data directory.
        let c = run(&flags, &[("ANKOMMEN_DATA_DIR", "/env/data")], &file).unwrap();
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("/file/ankommen.key"))
        );
        // Empty variables count as unset.
        let c = run(
            &Flags::default(),
            &[
                ("ANKOMMEN_ENCRYPTION_KEY", ""),
                ("ANKOMMEN_ENCRYPTION_KEY_FILE", ""),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            c.encryption_key,
            EncryptionKey::File(PathBuf::from("./data/ankommen.key"))
        );
    }

    #[test]
    fn encryption_key_errors_never_echo_the_key() {
        // The key and the key file exclude each other (the _FILE convention).
        let e = run(
            &Flags::default(),
            &[
                ("ANKOMMEN_ENCRYPTION_KEY", HEX_KEY),
                ("ANKOMMEN_ENCRYPTION_KEY_FILE", "/k"),
            ],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "both ANKOMMEN_ENCRYPTION_KEY and ANKOMMEN_ENCRYPTION_KEY_FILE are set; set only one of them"
        );
        // A malformed key stops resolving, without repeating it.
        for bad in [
            &HEX_KEY[..62],
            "0011223344556677-secret-part-8899aabbccddeeff00112233445566778899",
        ] {
            let e = run(&Flags::default(), &[("ANKOMMEN_ENCRYPTION_KEY", bad)], &[]).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.starts_with(
                    "ANKOMMEN_ENCRYPTION_KEY: the encryption key must be exactly 64 hexadecimal characters"
                ),
                "{msg}"
            );
            assert!(!msg.contains("00112233"), "{msg}");
            assert!(!msg.contains("secret"), "{msg}");
        }
        // The config file may name a key file but never hold the key.
        let flags = Flags {
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let e = run(
            &flags,
            &[],
            &[("/c.toml", &format!("encryption_key = \"{HEX_KEY}\"\n"))],
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("config file /c.toml: encryption_key: the key itself is not accepted"),
            "{msg}"
        );
        assert!(!msg.contains("00112233"), "{msg}");
        // Empty paths are refused.
        let e = run_with_key_flag("", &[], &[("/c.toml", "")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--encryption-key-file: the key file path must not be empty"
        );
        let e = run(&flags, &[], &[("/c.toml", "encryption_key_file = \"\"\n")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "config file /c.toml: encryption_key_file: the key file path must not be empty"
        );
    }

    #[test]
    fn debug_output_hides_the_encryption_key() {
        let c = run(
            &Flags::default(),
            &[("ANKOMMEN_ENCRYPTION_KEY", HEX_KEY)],
            &[],
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("00112233"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn secure_cookies_auto_follows_the_public_url() {
        let c = run(
            &Flags::default(),
            &[("ANKOMMEN_PUBLIC_URL", "https://x.example")],
            &[],
        )
        .unwrap();
        assert!(c.secure_cookies);
        let c = run(
            &Flags::default(),
            &[("ANKOMMEN_PUBLIC_URL", "http://x.example")],
            &[],
        )
        .unwrap();
        assert!(!c.secure_cookies);
        let c = run(
            &Flags::default(),
            &[
                ("ANKOMMEN_PUBLIC_URL", "https://x.example"),
                ("ANKOMMEN_SECURE_COOKIES", "false"),
            ],
            &[],
        )
        .unwrap();
        assert!(!c.secure_cookies);
        let c = run(
            &Flags::default(),
            &[("ANKOMMEN_SECURE_COOKIES", "auto")],
            &[],
        )
        .unwrap();
        assert!(!c.secure_cookies);
    }

    #[test]
    fn file_variant_reads_the_value_from_a_file() {
        let c = run(
            &Flags::default(),
            &[
                ("ANKOMMEN_DATABASE_URL_FILE", "/run/secrets/db"),
                ("ANKOMMEN_MAX_CONNECTIONS_FILE", "/run/secrets/max"),
            ],
            &[
                ("/run/secrets/db", "postgres://app:s3cret@db/ankommen\n"),
                ("/run/secrets/max", "5\r\n"),
            ],
        )
        .unwrap();
        assert_eq!(
            c.database_url.as_deref(),
            Some("postgres://app:s3cret@db/ankommen")
        );
        assert_eq!(c.backend, Backend::Postgres);
        assert_eq!(c.max_connections, 5);
        // Only one newline is removed.
        let c = run(
            &Flags::default(),
            &[("ANKOMMEN_LOG_FILE", "/log")],
            &[("/log", "debug\n\n")],
        )
        .unwrap();
        assert_eq!(c.log.as_deref(), Some("debug\n"));
    }

    #[test]
    fn metrics_are_off_by_default_and_come_from_file_or_environment() {
        let c = run(&Flags::default(), &[], &[]).unwrap();
        assert_eq!(
            (c.metrics_listen, c.web_config(false).metrics_token),
            (None, None)
        );
        let token = "f".repeat(64);
        let c = run(
            &Flags::default(),
            &[("ANKOMMEN_CONFIG", "/c.toml")],
            &[
                (
                    "/c.toml",
                    "metrics_listen = \"127.0.0.1:9464\"\nmetrics_token_file = \"/etc/m.token\"\n",
                ),
                ("/etc/m.token", &format!("{token}\n")),
            ],
        )
        .unwrap();
        assert_eq!(c.metrics_listen, Some(addr("127.0.0.1:9464")));
        let expected = MetricsToken::new(&token).unwrap();
        assert_eq!(c.web_config(false).metrics_token.as_ref(), Some(&expected));
        // Never shown.
        assert!(!format!("{c:?}").contains(&token));
        let c = run(
            &Flags::default(),
            &[
                ("ANKOMMEN_METRICS_LISTEN", "[::1]:9465"),
                ("ANKOMMEN_METRICS_TOKEN_FILE", "/run/secrets/m"),
            ],
            &[("/run/secrets/m", &token)],
        )
        .unwrap();
        assert_eq!(c.metrics_listen, Some(addr("[::1]:9465")));
        assert_eq!(c.metrics_token, Some(expected));
    }

    #[test]
    fn bad_metrics_settings_are_named() {
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_METRICS_TOKEN_FILE", "/m")],
            &[("/m", "short-secret\n")],
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("ANKOMMEN_METRICS_TOKEN_FILE: the metrics token must have at least 32"),
            "{e}"
        );
        assert!(!e.contains("short-secret"), "{e}");
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_METRICS_TOKEN", &format!("{} x", "a".repeat(40)))],
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("only visible ASCII"), "{e}");
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_CONFIG", "/c.toml")],
            &[("/c.toml", "metrics_token_file = \"/nope\"\n")],
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("config file /c.toml: metrics_token_file: cannot read /nope"),
            "{e}"
        );
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_METRICS_LISTEN", "127.0.0.1:8080")],
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("is the main listen address"), "{e}");
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_METRICS_LISTEN", "9464")],
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("ANKOMMEN_METRICS_LISTEN: invalid listen address"),
            "{e}"
        );
    }

    #[test]
    fn file_variant_errors() {
        let e = run(
            &Flags::default(),
            &[
                ("ANKOMMEN_DATABASE_URL", "sqlite:///a"),
                ("ANKOMMEN_DATABASE_URL_FILE", "/run/secrets/db"),
            ],
            &[("/run/secrets/db", "sqlite:///b\n")],
        )
        .unwrap_err();
        assert_eq!(
            e,
            ConfigError::BothSet {
                name: "ANKOMMEN_DATABASE_URL"
            }
        );
        assert_eq!(
            e.to_string(),
            "both ANKOMMEN_DATABASE_URL and ANKOMMEN_DATABASE_URL_FILE are set; set only one of them"
        );

        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_DATABASE_URL_FILE", "/missing")],
            &[],
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                ConfigError::ReadSecretFile {
                    name: "ANKOMMEN_DATABASE_URL",
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(
            e.to_string()
                .starts_with("cannot read ANKOMMEN_DATABASE_URL_FILE (/missing): "),
            "{e}"
        );

        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_PUBLIC_URL_FILE", "/empty")],
            &[("/empty", "\n")],
        )
        .unwrap_err();
        assert_eq!(
            e,
            ConfigError::EmptySecretFile {
                name: "ANKOMMEN_PUBLIC_URL",
                path: "/empty".into()
            }
        );

        // A bad value from a file names the _FILE variable.
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_LISTEN_FILE", "/l")],
            &[("/l", "nonsense\n")],
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("ANKOMMEN_LISTEN_FILE: invalid listen address 'nonsense'"),
            "{e}"
        );
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let c = run(
            &Flags::default(),
            &[("ANKOMMEN_LISTEN", ""), ("ANKOMMEN_DATABASE_URL", "")],
            &[],
        )
        .unwrap();
        assert_eq!(c.listen, addr("127.0.0.1:8080"));
        assert_eq!(c.database_url, None);
    }

    #[test]
    fn bad_listen_addresses_are_rejected() {
        let flags = Flags {
            listen: Some("localhost".into()),
            ..Flags::default()
        };
        let e = run(&flags, &[], &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--listen: invalid listen address 'localhost' (expected IP:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)"
        );
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_LISTEN", "127.0.0.1:99999")],
            &[],
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("ANKOMMEN_LISTEN: invalid listen address"),
            "{e}"
        );
        let flags = Flags {
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let e = run(&flags, &[], &[("/c.toml", "listen = \"1.2.3\"\n")]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("config file /c.toml: listen: invalid listen address '1.2.3'"),
            "{e}"
        );
    }

    #[test]
    fn bad_numbers_are_rejected() {
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_MAX_CONNECTIONS", "eight")],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ANKOMMEN_MAX_CONNECTIONS: 'eight' is not a whole number"
        );
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_IDLE_TIMEOUT_MINUTES", "0")],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ANKOMMEN_IDLE_TIMEOUT_MINUTES: 0 is out of range (allowed: 1 to 525600)"
        );
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_REQUEST_TIMEOUT_SECONDS", "-5")],
            &[],
        )
        .unwrap_err();
        assert!(e.to_string().contains("-5 is out of range"), "{e}");
        let flags = Flags {
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let e = run(&flags, &[], &[("/c.toml", "max_connections = 0\n")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "config file /c.toml: max_connections: 0 is out of range (allowed: 1 to 1000)"
        );
        // A string where TOML wants an integer is a syntax-level error with the line.
        let e = run(&flags, &[], &[("/c.toml", "\nmax_connections = \"8\"\n")]).unwrap_err();
        assert!(matches!(e, ConfigError::ConfigFileSyntax { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with("config file /c.toml: line 2: "),
            "{e}"
        );
    }

    #[test]
    fn unknown_toml_keys_are_named() {
        let flags = Flags {
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let e = run(
            &flags,
            &[],
            &[("/c.toml", "listen = \"127.0.0.1:1\"\nlisten_port = 80\n")],
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, ConfigError::ConfigFileSyntax { .. }), "{e:?}");
        assert!(
            msg.starts_with("config file /c.toml: line 2: unknown field `listen_port`"),
            "{msg}"
        );
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn broken_toml_and_missing_file_are_errors() {
        let flags = Flags {
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let e = run(&flags, &[], &[("/c.toml", "listen = \n")]).unwrap_err();
        assert!(matches!(e, ConfigError::ConfigFileSyntax { .. }), "{e:?}");
        assert!(!e.to_string().contains('\n'));
        let e = run(&flags, &[], &[]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot read the config file /c.toml: "),
            "{e}"
        );
    }

    #[test]
    fn other_bad_values_are_rejected() {
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_TRUSTED_PROXIES", "10.0.0.1,proxy.local")],
            &[],
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("ANKOMMEN_TRUSTED_PROXIES: invalid IP address 'proxy.local'"),
            "{e}"
        );
        let e = run(
            &Flags::default(),
            &[("ANKOMMEN_SECURE_COOKIES", "maybe")],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ANKOMMEN_SECURE_COOKIES: invalid value 'maybe' (expected auto, true or false)"
        );
        let flags = Flags {
            public_url: Some("ankommen.example".into()),
            ..Flags::default()
        };
        let e = run(&flags, &[], &[]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--public-url: invalid public URL 'ankommen.example'"),
            "{e}"
        );
        let flags = Flags {
            config: Some("/c.toml".into()),
            ..Flags::default()
        };
        let e = run(&flags, &[], &[("/c.toml", "secure_cookies = 1\n")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "config file /c.toml: secure_cookies: must be true, false or \"auto\""
        );
    }

    #[test]
    fn unknown_database_scheme_is_rejected_without_echoing_the_url() {
        let flags = Flags {
            database_url: Some("mysql://root:hunter2@db/x".into()),
            ..Flags::default()
        };
        let e = run(&flags, &[], &[]).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("--database-url: unsupported database URL scheme 'mysql'"),
            "{msg}"
        );
        assert!(!msg.contains("hunter2"));
    }

    #[test]
    fn debug_output_hides_the_database_url() {
        let flags = Flags {
            database_url: Some("postgres://app:hunter2@db/x".into()),
            ..Flags::default()
        };
        let c = run(&flags, &[], &[]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn trims_exactly_one_newline() {
        assert_eq!(trim_one_newline("abc\n"), "abc");
        assert_eq!(trim_one_newline("abc\r\n"), "abc");
        assert_eq!(trim_one_newline("abc\n\n"), "abc\n");
        assert_eq!(trim_one_newline("abc"), "abc");
    }
}
