//! `spawn_app` starts the whole application on a free port with a fresh database.

use reqwest::header::{ACCEPT, COOKIE, REFERER, SET_COOKIE};
use reqwest::redirect::Policy;
use std::sync::atomic::{AtomicU64, Ordering};
use who_can_see::server::app::Application;
use who_can_see::server::config::ServeArgs;
use who_can_see::server::notify::signing_keys::SigningKeys;
use who_can_see::server::storage::Store;

/// Runs one test body once per storage engine.
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::spawn_app($crate::helpers::Engine::Sqlite).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::spawn_app($crate::helpers::Engine::Postgres).await).await;
            }
        }
    };
}

#[derive(Debug, Clone, Copy)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub const ALICE: (&str, &str) = ("alice@example.com", "alice-demo-2018");
pub const BOB: (&str, &str) = ("bob@example.com", "bob-demo-2018");

pub struct TestApp {
    pub engine: Engine,
    pub address: String,
    pub database_url: String,
    pub store: Store,
    pub client: reqwest::Client,
    _database: TestDatabase,
}

impl TestApp {
    /// Wraps an app a test started itself, on a database the test owns.
    pub fn attach(address: String, database_url: String, store: Store, client: reqwest::Client) -> TestApp {
        TestApp {
            engine: Engine::Postgres,
            address,
            database_url,
            store,
            client,
            _database: TestDatabase::None,
        }
    }
}

/// A database that exists for one test and is removed when the test ends, even if it fails.
enum TestDatabase {
    /// Owned by the test itself.
    None,
    /// Held only to be dropped with the test.
    Sqlite {
        _folder: TempSqliteFolder,
    },
    Postgres(String),
}

/// A folder of a test's own for a SQLite store (and its logs), removed when the test ends, even
/// if it fails.
pub struct TempSqliteFolder {
    path: std::path::PathBuf,
}

impl TempSqliteFolder {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(unique_name());
        std::fs::create_dir_all(&path).unwrap();
        TempSqliteFolder { path }
    }

    /// The store file in it.
    pub fn store_file(&self) -> std::path::PathBuf {
        self.path.join("consent.db")
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}", self.store_file().display())
    }

    /// The store in it, opened and migrated, as a start of the app would (again, after a crash).
    pub async fn migrated_store(&self) -> Store {
        let store = Store::connect(&self.url()).await.unwrap();
        store.migrate().await.unwrap();
        store
    }
}

impl Drop for TempSqliteFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "wcs_test_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDatabase {
    async fn create(engine: Engine) -> (Self, String) {
        let name = unique_name();
        match engine {
            Engine::Sqlite => {
                let folder = TempSqliteFolder::new();
                let url = folder.url();
                (TestDatabase::Sqlite { _folder: folder }, url)
            }
            Engine::Postgres => {
                use sqlx::{Connection, Executor};
                let mut admin = sqlx::PgConnection::connect(POSTGRES_ADMIN_URL)
                    .await
                    .expect("PostgreSQL must run on 127.0.0.1:5432 (see README)");
                admin
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .unwrap();
                let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
                (TestDatabase::Postgres(name), url)
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            // A SQLite folder removes itself.
            TestDatabase::None | TestDatabase::Sqlite { .. } => {}
            TestDatabase::Postgres(name) => {
                let name = name.clone();
                // Drop runs outside async code: use a thread with its own runtime.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(async {
                        use sqlx::{Connection, Executor};
                        if let Ok(mut admin) = sqlx::PgConnection::connect(POSTGRES_ADMIN_URL).await {
                            let _ = admin
                                .execute(sqlx::AssertSqlSafe(format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                )))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// An empty database of a test's own (no tables), removed when it is dropped.
pub struct EmptyDatabase {
    pub url: String,
    _database: TestDatabase,
}

pub async fn empty_database(engine: Engine) -> EmptyDatabase {
    let (database, url) = TestDatabase::create(engine).await;
    EmptyDatabase {
        url,
        _database: database,
    }
}

/// How the tests start the app: a free port, the built site, and demo data if asked.
pub fn serve_args(demo: bool) -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        site_root: "target/site".into(),
        demo,
        session_hours: 12,
        session_idle_minutes: 30,
        expiry_sweep_seconds: 1,
        unused_days: 90,
        platform_key: None,
        record_decisions: true,
        bench_floor: false,
        https: false,
        public_url: None,
        allow_http_endpoints: false,
        signing_keys_file: Some(test_signing_keys_file()),
        demo_receiver: None,
        metrics_addr: None,
        shutdown_grace_seconds: 30,
    }
}

/// One signing-key file for every app this test process starts, as instances of one deployment
/// share their keys; made once, before any app reads it.
pub fn test_signing_keys_file() -> std::path::PathBuf {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let file = std::env::temp_dir().join(format!("wcs-test-signing-keys-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&file);
        SigningKeys::load_or_create(&file, 0).expect("the test signing keys are made");
        file
    })
    .clone()
}

pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, serve_args(true)).await
}

/// Like `spawn_app`, with flags of the test's choosing (its address is still a free port).
pub async fn spawn_app_with(engine: Engine, args: ServeArgs) -> TestApp {
    let (database, url) = TestDatabase::create(engine).await;
    let app = Application::build(&url, args).await.expect("the app builds");
    let address = format!("http://{}", app.address());
    let store = app.state().store.clone();
    tokio::spawn(app.run_until_stopped());
    // A hung request fails its test instead of stalling the whole run.
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    TestApp {
        engine,
        address,
        database_url: url,
        store,
        client,
        _database: database,
    }
}

/// A second app instance on the same database as `first` (no database of its own).
pub async fn spawn_second_instance(first: &TestApp) -> SecondInstance {
    spawn_second_instance_with(first, serve_args(false)).await
}

/// A second app instance on the same database as `first`, with its own settings.
pub async fn spawn_second_instance_with(first: &TestApp, args: ServeArgs) -> SecondInstance {
    let app = Application::build(&first.database_url, args)
        .await
        .expect("the second instance builds");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    SecondInstance {
        address,
        client: reqwest::Client::new(),
    }
}

pub struct SecondInstance {
    address: String,
    client: reqwest::Client,
}

impl SecondInstance {
    pub async fn decision(&self, partner: &str, user: &str, category: &str, access: &str) -> serde_json::Value {
        let response = self
            .client
            .post(format!("{}/api/v1/check", self.address))
            .bearer_auth(format!("demo-key-{partner}"))
            .json(&serde_json::json!({ "user": user, "category": category, "access": access }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Signs in through the real form and returns the session cookie (name=value).
    pub async fn sign_in(&self, (email, password): (&str, &str)) -> String {
        let response = self.sign_in_response(email, password).await;
        assert_eq!(response.status(), 303, "sign-in should redirect");
        assert_eq!(response.headers()["location"], "/");
        session_cookie(&response).expect("sign-in sets a session cookie")
    }

    pub async fn sign_in_response(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/sign-in"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// Posts the revocation form as script does (no text/html in Accept).
    pub async fn revoke(&self, cookie: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url("/api/revoke"))
            .header(COOKIE, cookie)
            .header(ACCEPT, "application/json")
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form on the page at `from` as a browser without script does: it wants HTML
    /// back, so a server function answers with a redirect back to that page.
    pub async fn post_form_without_script(
        &self,
        cookie: &str,
        from: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(COOKIE, cookie)
            .header(ACCEPT, "text/html")
            .header(REFERER, self.url(from))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Posts "Allow again" as script does.
    pub async fn allow_again(&self, cookie: &str, grant: i64) -> reqwest::Response {
        self.client
            .post(self.url("/api/allow-again"))
            .header(COOKIE, cookie)
            .header(ACCEPT, "application/json")
            .form(&[("grant", grant.to_string())])
            .send()
            .await
            .unwrap()
    }

    pub async fn page(&self, cookie: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(COOKIE, cookie)
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap()
    }

    /// Lets a test change the ledger behind the app's back, as an attacker with database access could.
    pub async fn disable_ledger_protection(&self) -> sqlx::AnyPool {
        let pool = sqlx::AnyPool::connect(&self.database_url).await.unwrap();
        let statement = match self.engine {
            Engine::Sqlite => "DROP TRIGGER consent_events_refuse_update",
            Engine::Postgres => "ALTER TABLE consent_events DISABLE TRIGGER consent_events_refuse_update",
        };
        sqlx::query(statement).execute(&pool).await.unwrap();
        pool
    }

    pub async fn dashboard(&self, cookie: &str) -> reqwest::Response {
        self.client
            .get(self.url("/"))
            .header(COOKIE, cookie)
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap()
    }

    pub async fn check(&self, key: &str, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/check"))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// The decision the partner API gives, asserting the call itself succeeded.
    pub async fn decision(&self, partner: &str, user: &str, category: &str, access: &str) -> serde_json::Value {
        let key = format!("demo-key-{partner}");
        let response = self
            .check(
                &key,
                serde_json::json!({ "user": user, "category": category, "access": access }),
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// The HTTP status of a check of Alice's message reads made with `key`.
    pub async fn status_with_key(&self, key: &str) -> u16 {
        self.check(
            key,
            serde_json::json!({ "user": "alice", "category": "messages", "access": "read" }),
        )
        .await
        .status()
        .as_u16()
    }

    pub async fn user_id(&self, handle: &str) -> i64 {
        self.store
            .user_id_by_handle(handle)
            .await
            .unwrap()
            .expect("the user exists")
    }

    pub async fn ledger_length(&self, handle: &str) -> i64 {
        self.store.ledger_length(self.user_id(handle).await).await.unwrap()
    }

    /// (partner slug, category slug, access, status) of every grant of a user, sorted.
    pub async fn grant_states(&self, handle: &str) -> Vec<(String, String, String, String)> {
        let catalog = self.store.catalog().await.unwrap();
        let mut states: Vec<_> = self
            .store
            .grants_of_user(self.user_id(handle).await)
            .await
            .unwrap()
            .into_iter()
            .map(|g| {
                (
                    catalog.partner(g.partner_id).unwrap().slug.clone(),
                    catalog.category(g.category_id).unwrap().slug.clone(),
                    g.access.as_str().to_owned(),
                    g.status.as_str().to_owned(),
                )
            })
            .collect();
        states.sort();
        states
    }

    pub async fn grant_id(&self, handle: &str, partner: &str, category: &str, access: &str) -> i64 {
        let catalog = self.store.catalog().await.unwrap();
        let (partner, category) = (
            catalog.partner_id(partner).unwrap(),
            catalog.category_id(category).unwrap(),
        );
        self.store
            .grants_of_user(self.user_id(handle).await)
            .await
            .unwrap()
            .into_iter()
            .find(|g| g.partner_id == partner && g.category_id == category && g.access.as_str() == access)
            .expect("the grant exists")
            .id
    }
}

pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    cookie_set_by(response, "wcs_session")
}

/// The `name=value` of the cookie called `name` that a response sets (not one it clears).
pub fn cookie_set_by(response: &reqwest::Response, name: &str) -> Option<String> {
    let set = format!("{name}=");
    let cleared = format!("{name}=;");
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&set) && !v.starts_with(&cleared))
        .map(|v| v.split(';').next().unwrap().to_owned())
}
