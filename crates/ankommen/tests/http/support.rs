//! Test harness: a fresh database per test (SQLite file or PostgreSQL database from a template),
//! the demo county as fixtures, a manual clock, and a cookie-keeping client.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ankommen_core::kernel::sealing::Sealer;
use ankommen_core::{Clock, ManualClock};
use ankommen_store::sea_orm::{ConnectionTrait, Statement};
use ankommen_store::{Db, DbConfig, connect};
use ankommen_web::{AppState, WebConfig, router};
use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = ankommen_core::demo::DEMO_PASSWORD;

pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// The encryption key of every test app: fixed (drawn at random once) so that runs are repeatable
/// and a test can check what the database holds with `Sealer::from_key(TEST_ENCRYPTION_KEY)`.
pub const TEST_ENCRYPTION_KEY: [u8; 32] = [
    0x46, 0x37, 0xf0, 0x7e, 0x97, 0x3c, 0xef, 0xe8, 0x0e, 0x0f, 0x60, 0x49, 0xb7, 0xc2, 0x8d, 0x23,
    0xf2, 0x6d, 0x55, 0x67, 0x2a, 0x69, 0x9e, 0x56, 0xa3, 0x13, 0x01, 0xc4, 0x4c, 0x0c, 0x41, 0x28,
];

pub struct TestApp {
    pub db: Db,
    /// The database's URL (for a process beside the app, e.g. `ankommen key rotate`).
    pub url: String,
    pub clock: ManualClock,
    pub app: Router,
    pub ids: HashMap<&'static str, i64>,
    _dir: Option<Arc<tempfile::TempDir>>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);
static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
    format!("{base}/{db}{query}")
}

async fn exec(db: &Db, sql: &str) {
    db.writer()
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Creates (once per test process) a migrated template database on PostgreSQL.
async fn pg_template(admin_url: &str) -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("ankommen_tpl_{}", std::process::id());
            let admin = connect(&DbConfig { url: admin_url.to_string(), max_connections: 2 }).await.unwrap();
            // Leftovers of earlier runs that nobody uses any more.
            let rows = admin
                .writer()
                .query_all_raw(Statement::from_string(
                    admin.writer().get_database_backend(),
                    "SELECT datname FROM pg_database WHERE datname LIKE 'ankommen_t%' \
                     AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)",
                ))
                .await
                .unwrap();
            for r in rows {
                let n: String = r.try_get("", "datname").unwrap();
                // Names carry the creating process id; keep those of test runs still alive.
                let pid = n.trim_start_matches("ankommen_tpl_").trim_start_matches("ankommen_t_").split('_').next().unwrap_or("");
                if !pid.is_empty() && std::path::Path::new(&format!("/proc/{pid}")).exists() {
                    continue;
                }
                let _ = admin.writer().execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{n}\"")).await;
            }
            exec(&admin, &format!("CREATE DATABASE \"{name}\"")).await;
            let tpl = connect(&DbConfig { url: with_database(admin_url, &name), max_connections: 2 }).await.unwrap();
            prepare(&tpl).await;
            tpl.close().await;
            admin.close().await;
            name
        })
        .await
        .clone()
}

fn app_router(db: &Db, clock: &ManualClock, sealer: Sealer) -> Router {
    router(AppState {
        db: db.clone(),
        clock: Arc::new(clock.clone()) as Arc<dyn Clock>,
        config: Arc::new(WebConfig::default()),
        sealer: Arc::new(sealer),
        imports: Default::default(),
        metrics: Arc::new(ankommen_web::metrics::Metrics::new(db)),
    })
}

/// What `ankommen serve` does to a database before it serves: migrate, compute the duplicate
/// check's keys, check (here: record) the key, seal what is stored in plaintext (nothing in a new
/// database: its plaintext columns are dropped).
async fn prepare(db: &Db) {
    use ankommen_core::kernel::sealed;
    db.migrate().await.unwrap();
    ankommen_core::casework::duplicates::keys::refresh(db)
        .await
        .unwrap();
    let sealer = Sealer::from_key(TEST_ENCRYPTION_KEY);
    sealed::check_encryption_key(db, &sealer).await.unwrap();
    sealed::convert(db, &sealer).await.unwrap();
}

impl TestApp {
    /// A migrated database with the demo county.
    pub async fn new() -> Self {
        Self::new_with_sealer(Sealer::from_key(TEST_ENCRYPTION_KEY)).await
    }

    /// [`Self::new`] with the app's encryption keys given (e.g. read from a key file that holds
    /// [`TEST_ENCRYPTION_KEY`]); the database is prepared with [`TEST_ENCRYPTION_KEY`].
    pub async fn new_with_sealer(sealer: Sealer) -> Self {
        let app = Self::empty_with_sealer(sealer).await;
        let ids = ankommen_core::demo::seed(&app.db, &app.clock)
            .await
            .unwrap();
        Self { ids, ..app }
    }

    /// A migrated, empty database (no organisations, no people).
    pub async fn empty() -> Self {
        Self::empty_with_sealer(Sealer::from_key(TEST_ENCRYPTION_KEY)).await
    }

    async fn empty_with_sealer(sealer: Sealer) -> Self {
        let clock = ManualClock::new(start_time());
        let (db, url, dir) = match std::env::var("ANKOMMEN_TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())
        {
            Some(admin_url) => {
                let tpl = pg_template(&admin_url).await;
                let name = format!(
                    "ankommen_t_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let admin = connect(&DbConfig {
                    url: admin_url.clone(),
                    max_connections: 1,
                })
                .await
                .unwrap();
                exec(
                    &admin,
                    &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{tpl}\""),
                )
                .await;
                admin.close().await;
                let url = with_database(&admin_url, &name);
                let db = connect(&DbConfig {
                    url: url.clone(),
                    max_connections: 4,
                })
                .await
                .unwrap();
                (db, url, None)
            }
            None => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
                let db = connect(&DbConfig {
                    url: url.clone(),
                    max_connections: 4,
                })
                .await
                .unwrap();
                prepare(&db).await;
                (db, url, Some(Arc::new(dir)))
            }
        };
        Self {
            app: app_router(&db, &clock, sealer),
            db,
            url,
            clock,
            ids: HashMap::new(),
            _dir: dir,
        }
    }

    /// The demo county in a database as it was before `m0006_sealed_texts` (the special-category
    /// texts in plaintext columns), not yet prepared; [`Self::prepare_now`] does what a start of
    /// this version does to it.
    pub async fn before_sealing() -> Self {
        use ankommen_store::Migrator;
        use sea_orm_migration::MigratorTrait;
        let before = Migrator::migrations()
            .iter()
            .position(|m| m.name() == "m0006_sealed_texts")
            .unwrap();
        let clock = ManualClock::new(start_time());
        let (url, dir) = match std::env::var("ANKOMMEN_TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())
        {
            Some(admin_url) => {
                let name = format!(
                    "ankommen_t_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let admin = connect(&DbConfig {
                    url: admin_url.clone(),
                    max_connections: 1,
                })
                .await
                .unwrap();
                exec(&admin, &format!("CREATE DATABASE \"{name}\"")).await;
                admin.close().await;
                (with_database(&admin_url, &name), None)
            }
            None => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
                (url, Some(Arc::new(dir)))
            }
        };
        let db = connect(&DbConfig {
            url: url.clone(),
            max_connections: 4,
        })
        .await
        .unwrap();
        Migrator::up(db.writer(), Some(u32::try_from(before).unwrap()))
            .await
            .unwrap();
        let ids = ankommen_core::demo::seed(&db, &clock).await.unwrap();
        Self {
            app: app_router(&db, &clock, Sealer::from_key(TEST_ENCRYPTION_KEY)),
            db,
            url,
            clock,
            ids,
            _dir: dir,
        }
    }

    /// What `ankommen serve` does to the database before it serves (see [`prepare`]).
    pub async fn prepare_now(&self) {
        prepare(&self.db).await;
    }

    /// The same database and clock served by a new app with other encryption keys (a server
    /// restarted with another key file).
    pub fn restarted_with(&self, sealer: Sealer) -> TestApp {
        TestApp {
            db: self.db.clone(),
            url: self.url.clone(),
            clock: self.clock.clone(),
            app: app_router(&self.db, &self.clock, sealer),
            ids: self.ids.clone(),
            _dir: self._dir.clone(),
        }
    }

    /// The SQLite database file (None on PostgreSQL); its write-ahead log is beside it (`-wal`).
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        self._dir.as_ref().map(|d| d.path().join("test.sqlite"))
    }

    /// A cell of a row, as bytes (a sealed value).
    pub async fn blob(&self, table: &str, column: &str, id: i64) -> Option<Vec<u8>> {
        let db = self.db.reader();
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT {column} AS v FROM {table} WHERE id = {id}"),
            ))
            .await
            .unwrap()?;
        row.try_get("", "v").unwrap()
    }

    /// Writes bytes into a cell of a row with SQL, as an insider (or a restore of one column)
    /// would.
    pub async fn set_blob(&self, table: &'static str, column: &'static str, id: i64, v: Vec<u8>) {
        use ankommen_store::sea_orm::sea_query::{Expr, ExprTrait, Query};
        let q = Query::update()
            .table(table)
            .value(column, v)
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        let db = self.db.writer();
        db.execute_raw(db.get_database_backend().build(&q))
            .await
            .unwrap();
    }

    /// The sealer of every test app.
    pub fn sealer(&self) -> Sealer {
        Sealer::from_key(TEST_ENCRYPTION_KEY)
    }

    /// `text` sealed for `place`, as the services seal it (for rows a test writes itself).
    pub async fn seal(&self, place: ankommen_core::kernel::sealed::Place, text: &str) -> Vec<u8> {
        let sealer = self.sealer();
        ankommen_core::kernel::sealed::Sealing::begin(self.db.reader(), &sealer)
            .await
            .unwrap()
            .seal(place, text)
            .unwrap()
    }

    /// The stored value of a sealed column in the row `id` (None: NULL), opened with the test key
    /// for the row as it is now (its version, for rows changed in place).
    pub async fn opened(
        &self,
        col: &'static ankommen_core::kernel::sealed::Column,
        id: i64,
    ) -> Option<ankommen_store::Opened> {
        use ankommen_core::kernel::sealed::{self, Binding};
        let versioned = col.binding == Binding::Version;
        let sql = format!(
            "SELECT {} AS v{} FROM {} WHERE id = {id}",
            col.column,
            if versioned {
                ", CAST(version AS INTEGER) AS version"
            } else {
                ""
            },
            col.table
        );
        let db = self.db.reader();
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()?;
        let blob: Option<Vec<u8>> = row.try_get("", "v").unwrap();
        let place = if versioned {
            col.at_version(id, row.try_get::<i32>("", "version").unwrap())
        } else {
            col.at(id)
        };
        blob.map(|b| sealed::open(&self.sealer(), place, &b))
    }

    /// The opened text of [`Self::opened`], which must open.
    pub async fn opened_text(
        &self,
        col: &'static ankommen_core::kernel::sealed::Column,
        id: i64,
    ) -> Option<String> {
        self.opened(col, id).await.map(|o| {
            o.text()
                .unwrap_or_else(|| panic!("{}.{} of {id} does not open", col.table, col.column))
                .to_string()
        })
    }

    /// Writes `text` sealed into the sealed `col` of the row `id`, for the row's version when the
    /// column is bound to it (for rows a test writes itself).
    pub async fn store_sealed(
        &self,
        col: &'static ankommen_core::kernel::sealed::Column,
        id: i64,
        version: Option<i32>,
        text: &str,
    ) {
        let place = match version {
            Some(v) => col.at_version(id, v),
            None => col.at(id),
        };
        let blob = self.seal(place, text).await;
        self.set_blob(col.table, col.column, id, blob).await;
    }

    /// The key of the first row whose sealed `col` holds `text`.
    pub async fn row_with(
        &self,
        col: &'static ankommen_core::kernel::sealed::Column,
        text: &str,
    ) -> i64 {
        ankommen_core::kernel::sealed::plaintexts(&self.db, &self.sealer())
            .await
            .unwrap()
            .into_iter()
            .find(|p| {
                p.table == col.table
                    && p.column == col.column
                    && p.bytes.as_deref() == Some(text.as_bytes())
            })
            .unwrap_or_else(|| panic!("no {}.{} holds {text:?}", col.table, col.column))
            .key
            .0
    }

    pub fn id(&self, username: &str) -> i64 {
        *self
            .ids
            .get(username)
            .unwrap_or_else(|| panic!("no demo user {username}"))
    }

    pub fn client(&self) -> Client {
        self.client_from("192.0.2.10")
    }

    /// A client connecting from the given address.
    pub fn client_from(&self, ip: &str) -> Client {
        let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
        Client {
            app: self.app.clone().layer(MockConnectInfo(addr)),
            cookies: HashMap::new(),
            csrf: None,
        }
    }

    /// The state `ankommen serve` builds over this app's database and clock, with other web
    /// settings (e.g. a metrics token) and metrics of its own.
    pub fn state_with(&self, config: WebConfig) -> AppState {
        AppState {
            db: self.db.clone(),
            clock: Arc::new(self.clock.clone()) as Arc<dyn Clock>,
            config: Arc::new(config),
            sealer: Arc::new(self.sealer()),
            imports: Default::default(),
            metrics: Arc::new(ankommen_web::metrics::Metrics::new(&self.db)),
        }
    }

    /// A client of another router (e.g. one over [`Self::state_with`]).
    pub fn client_of(&self, app: Router) -> Client {
        let addr: SocketAddr = "192.0.2.10:40000".parse().unwrap();
        Client {
            app: app.layer(MockConnectInfo(addr)),
            cookies: HashMap::new(),
            csrf: None,
        }
    }

    /// A client logged in as a demo user.
    pub async fn login(&self, username: &str) -> Client {
        let mut c = self.client();
        let r = c.login(username, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {username} failed: {}",
            r.body
        );
        c
    }

    /// Audit rows as (action, outcome, actor, object_kind, object_id).
    pub async fn audit(
        &self,
    ) -> Vec<(String, String, Option<i64>, Option<String>, Option<String>)> {
        use ankommen_store::entities::audit_event;
        use ankommen_store::sea_orm::{EntityTrait, QueryOrder};
        audit_event::Entity::find()
            .order_by_asc(audit_event::Column::Id)
            .all(self.db.reader())
            .await
            .unwrap()
            .into_iter()
            .map(|e| {
                (
                    e.action,
                    e.outcome,
                    e.actor_staff_id,
                    e.object_kind,
                    e.object_id,
                )
            })
            .collect()
    }

    /// Moves `user` to the organisation whose name starts with `organisation` behind the
    /// application's back (no team, nothing handed over): the insider who changed employer.
    pub async fn move_to(&self, user: &str, organisation: &str) {
        let org = self
            .scalar(&format!(
                "SELECT CAST(id AS BIGINT) AS n FROM organisations WHERE name LIKE '{organisation}%'"
            ))
            .await;
        use ankommen_store::sea_orm::ConnectionTrait;
        self.db
            .writer()
            .execute_unprepared(&format!(
                "UPDATE staff SET organisation_id = {org}, team_id = NULL WHERE id = {}",
                self.id(user)
            ))
            .await
            .unwrap();
    }

    pub async fn audit_has(&self, action: &str, outcome: &str, actor: Option<i64>) -> bool {
        self.audit().await.iter().any(|(a, o, who, _, _)| {
            a == action && o == outcome && (actor.is_none() || *who == actor)
        })
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.scalar(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .await
    }

    /// The one integer a query answers as `n` (0 when it finds no row).
    pub async fn scalar(&self, sql: &str) -> i64 {
        self.db
            .reader()
            .query_one_raw(Statement::from_string(
                self.db.reader().get_database_backend(),
                sql.to_string(),
            ))
            .await
            .unwrap()
            .map_or(0, |row| row.try_get::<i64>("", "n").unwrap())
    }

    /// The actions of the audit events that name a person (or one of the given cases), as
    /// (action, actor) pairs in order.
    pub async fn audit_of(&self, person_id: i64, case_id: i64) -> Vec<(String, Option<i64>)> {
        use ankommen_store::entities::audit_event;
        use ankommen_store::sea_orm::{
            ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder,
        };
        audit_event::Entity::find()
            .filter(
                Condition::any()
                    .add(audit_event::Column::PersonId.eq(person_id))
                    .add(audit_event::Column::CaseId.eq(case_id)),
            )
            .order_by_asc(audit_event::Column::Id)
            .all(self.db.reader())
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.actor_staff_id))
            .collect()
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent (for downloads).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    #[track_caller]
    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "expected {text:?} in the page (status {}):\n{}",
            self.status,
            self.body
        );
    }
}

pub struct Client {
    app: Router,
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
}

/// The value of the first hidden `_csrf` field in a page.
fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(body[at..].chars().take_while(|c| *c != '"').collect())
}

impl Client {
    pub async fn send(&mut self, req: Request<Body>) -> Resp {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        // Downloads (XLSX) are not text; pages always are.
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(t) = csrf_in(&body) {
            self.csrf = Some(t);
        }
        Resp {
            status,
            headers,
            body,
            bytes,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.get_with(path, &[]).await
    }

    /// A GET with extra request headers (as a browser sends them).
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = Request::get(path).header("cookie", self.cookie_header());
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Posts a form with the CSRF token of the last page seen (fetching `/` first if none).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        if self.csrf.is_none() {
            self.get("/login").await;
        }
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(path)
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Logs in like a browser: load the form, submit it, follow the redirect.
    pub async fn login(&mut self, username: &str, password: &str) -> Resp {
        self.get("/login").await;
        let r = self
            .post("/login", &[("username", username), ("password", password)])
            .await;
        if r.status == StatusCode::SEE_OTHER {
            self.get(r.location()).await;
        }
        r
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookies.get("ankommen_session").cloned()
    }
}
