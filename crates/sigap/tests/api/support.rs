//! The test harness: a real Sigap server on a random port over a fresh database (a temporary
//! SQLite file, or a new PostgreSQL database), and a client that acts like a browser (cookies,
//! CSRF tokens) or an API client. `on_both` runs one test body on each backend.

use std::{
    panic::AssertUnwindSafe,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use futures_util::FutureExt as _;
use platform::{AppState, config::Config};
use reqwest::{Client, Response, cookie::CookieStore as _, redirect};
use sqlx::{AnyConnection, Connection as _, Executor as _};
use tokio::sync::oneshot;

pub const DEMO_PASSWORD: &str = accounts::demo::DEMO_PASSWORD;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

fn postgres_admin_url() -> String {
    std::env::var("SIGAP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A PostgreSQL URL for database `name` on the test server.
fn postgres_url(name: &str) -> String {
    let admin = postgres_admin_url();
    match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => format!("{admin}/{name}"),
    }
}

/// A connection to the PostgreSQL server's maintenance database, if it is reachable.
pub async fn postgres_admin() -> Option<AnyConnection> {
    sqlx::any::install_default_drivers();
    AnyConnection::connect(&postgres_admin_url()).await.ok()
}

/// Whether a PostgreSQL-only test should run: false (with a note) when the server is missing,
/// a failure under CI=true.
pub async fn postgres_required() -> bool {
    if postgres_reachable().await {
        return true;
    }
    assert_ne!(
        std::env::var("CI").as_deref(),
        Ok("true"),
        "PostgreSQL must be reachable under CI=true"
    );
    eprintln!("note: PostgreSQL not reachable; skipped");
    false
}

async fn postgres_reachable() -> bool {
    sqlx::any::install_default_drivers();
    matches!(
        tokio::time::timeout(
            Duration::from_secs(5),
            AnyConnection::connect(&postgres_admin_url())
        )
        .await,
        Ok(Ok(_))
    )
}

/// Runs `test` on SQLite, then on PostgreSQL. Without PostgreSQL the second run is skipped,
/// unless CI=true, where that fails the test.
pub async fn on_both(test: impl AsyncFn(&TestApp)) {
    run_on(Backend::Sqlite, &test).await;
    if postgres_reachable().await {
        run_on(Backend::Postgres, &test).await;
    } else if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "PostgreSQL is not reachable at {} and CI=true",
            postgres_admin_url()
        );
    } else {
        eprintln!("note: PostgreSQL not reachable; this test ran on SQLite only");
    }
}

pub async fn run_on(backend: Backend, test: &impl AsyncFn(&TestApp)) {
    let app = TestApp::start(backend).await;
    let outcome = AssertUnwindSafe(test(&app)).catch_unwind().await;
    app.stop().await;
    if let Err(panic) = outcome {
        eprintln!("test failed on {backend:?}");
        std::panic::resume_unwind(panic);
    }
}

/// Settings as `sigap serve` would read them, for a test server.
pub fn test_config(data_dir: &Path, database_url: Option<String>) -> Config {
    Config {
        database_url,
        data_dir: data_dir.to_path_buf(),
        bind: "127.0.0.1:0".into(),
        base_url: None,
        smtp_url: None,
        smtp_from: "Sigap Test <sigap@example.id>".into(),
        sms_gateway_url: None,
        sms_gateway_token: None,
        log_format: "text".into(),
        max_body_bytes: 1_048_576,
        max_upload_bytes: 5 * 1024 * 1024,
        session_idle_minutes: 30,
        session_max_hours: 12,
        trust_proxy: false,
        db_max_connections: 8,
        outbox_lease_seconds: 60,
    }
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub pg_database: Option<String>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        let unique = uuid::Uuid::now_v7().simple().to_string();
        let data_dir = std::env::temp_dir().join(format!("sigap-test-{unique}"));
        let (database_url, pg_database) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let name = format!("sigap_test_{unique}");
                let mut admin = AnyConnection::connect(&postgres_admin_url())
                    .await
                    .expect("connect to PostgreSQL");
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                (Some(postgres_url(&name)), Some(name))
            }
        };
        TestApp::serve(data_dir, database_url, pg_database).await
    }

    /// Starts a server over `database_url` (SQLite in `data_dir` when `None`).
    async fn serve(
        data_dir: PathBuf,
        database_url: Option<String>,
        pg_database: Option<String>,
    ) -> TestApp {
        let settings = test_config(&data_dir, database_url)
            .check()
            .expect("test settings are valid");
        let database_url = settings.database_url.clone();
        let state = sigap::state(settings).await.expect("state builds");
        let server = sigap::Server::build(state.clone())
            .await
            .expect("server binds");
        let base = format!("http://{}", server.local_addr());
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        TestApp {
            base,
            state,
            data_dir,
            database_url,
            pg_database,
            stop: Some(stop),
            server: Some(handle),
        }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(30), server).await;
        }
        self.state.db.close().await;
        if let Some(name) = &self.pg_database
            && let Ok(mut admin) = AnyConnection::connect(&postgres_admin_url()).await
        {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }

    pub async fn load_demo(&self) {
        accounts::demo::load(&self.state)
            .await
            .expect("demo data loads");
        services::demo::load(&self.state)
            .await
            .expect("demo catalogue loads");
        queue::demo::load(&self.state)
            .await
            .expect("demo queue office loads");
    }

    /// The demo complaints and Open311 key, on top of `load_demo`. Separate because the demo
    /// complaints notify demo citizens, which tests of other capabilities count.
    pub async fn load_complaints_demo(&self) {
        complaints::demo::load(&self.state)
            .await
            .expect("demo complaints load");
    }

    /// A new browser: its own cookies, no redirects followed (tests look at each step).
    pub fn browser(&self) -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = Client::builder()
            .cookie_provider(jar.clone())
            .redirect(redirect::Policy::none())
            .build()
            .expect("client builds");
        Browser {
            base: self.base.clone(),
            client,
            jar,
        }
    }

    /// A plain HTTP client for the API.
    pub fn api(&self) -> Api {
        Api {
            base: self.base.clone(),
            client: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .expect("client builds"),
            token: None,
        }
    }

    /// Lines written by the email file sink so far.
    pub fn sent_emails(&self) -> Vec<serde_json::Value> {
        read_sink(&self.data_dir.join("outbox/email.log"))
    }

    pub fn sent_sms(&self) -> Vec<serde_json::Value> {
        read_sink(&self.data_dir.join("outbox/sms.log"))
    }

    /// Waits (bounded) until the outbox worker has delivered a message matching `pred`.
    pub async fn wait_for_email(
        &self,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        for _ in 0..200 {
            if let Some(found) = self.sent_emails().into_iter().find(|m| pred(m)) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no matching email was delivered within 10 s");
    }

    /// Creates a staff account as the demo superadmin; returns its temporary password.
    pub async fn create_staff(
        &self,
        full_name: &str,
        username: &str,
        role: &str,
        agency_code: &str,
    ) -> String {
        let mut admin = self.api();
        admin.sign_in("admin.sigap", DEMO_PASSWORD).await;
        let created: serde_json::Value = admin
            .request(reqwest::Method::POST, "/api/v1/staff")
            .json(&serde_json::json!({"full_name": full_name, "username": username, "role": role, "agency_code": agency_code}))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        created["temporary_password"]
            .as_str()
            .unwrap_or_else(|| panic!("a temporary password for {username}: {created}"))
            .to_string()
    }

    pub async fn sql(&self, statement: &str) {
        sqlx::query(statement)
            .execute(&self.state.db.write)
            .await
            .expect("statement runs");
    }

    pub async fn count(&self, query: &str) -> i64 {
        use sqlx::Row as _;
        sqlx::query(query)
            .fetch_one(&self.state.db.read)
            .await
            .expect("query runs")
            .get::<i64, _>(0)
    }

    /// Waits (bounded, 10 s) until the count `query` gives meets `done`, for work a background
    /// task finishes (the outbox worker); returns the last count, for the caller to assert.
    pub async fn wait_for_count(&self, query: &str, done: impl Fn(i64) -> bool) -> i64 {
        let mut count = self.count(query).await;
        for _ in 0..200 {
            if done(count) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            count = self.count(query).await;
        }
        count
    }
}

fn read_sink(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// A browser-like client: keeps cookies and sends the CSRF token with every form.
pub struct Browser {
    pub base: String,
    pub client: Client,
    jar: Arc<reqwest::cookie::Jar>,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.base.parse().ok()?;
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET reaches the server")
    }

    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body is text")
    }

    /// Posts a form with the CSRF token this browser holds (visiting a page first if needed).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.cookie("sigap_csrf").is_none() {
            self.get("/").await;
        }
        let token = self
            .cookie("sigap_csrf")
            .expect("the site sets a CSRF cookie");
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        self.post_raw(path, &form).await
    }

    /// Posts exactly `fields` (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST reaches the server")
    }

    /// Uploads `bytes` as the `file` field of a multipart form, CSRF token first.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> Response {
        self.upload_with(path, &[], file_name, bytes).await
    }

    /// Uploads a multipart form: CSRF token, the text `fields`, then `bytes` as the `file`.
    pub async fn upload_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Response {
        if self.cookie("sigap_csrf").is_none() {
            self.get("/").await;
        }
        let token = self
            .cookie("sigap_csrf")
            .expect("the site sets a CSRF cookie");
        let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        let form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
        );
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("upload reaches the server")
    }

    pub async fn register(
        &self,
        name: &str,
        nik: &str,
        email: &str,
        phone: &str,
        password: &str,
    ) -> Response {
        self.post(
            "/register",
            &[
                ("full_name", name),
                ("nik", nik),
                ("email", email),
                ("phone", phone),
                ("password", password),
                ("password_confirm", password),
                ("consent", "yes"),
            ],
        )
        .await
    }

    pub async fn login(&self, login: &str, password: &str) -> Response {
        self.post("/login", &[("login", login), ("password", password)])
            .await
    }

    /// Signs in and asserts it worked.
    pub async fn login_ok(&self, login: &str, password: &str) {
        let response = self.login(login, password).await;
        assert_eq!(response.status(), 303, "login of {login} should redirect");
    }

    /// Chooses `password` (typed twice) for `login` with a reset `code`.
    pub async fn reset_password(&self, login: &str, code: &str, password: &str) -> Response {
        self.post(
            "/password/reset",
            &[
                ("login", login),
                ("code", code),
                ("password", password),
                ("password_confirm", password),
            ],
        )
        .await
    }
}

/// The six-digit code of a password-reset message ("…: 123456 …").
pub fn reset_code(mail: &serde_json::Value) -> String {
    mail["body"]
        .as_str()
        .expect("body")
        .split(": ")
        .nth(1)
        .expect("code in body")
        .chars()
        .take(6)
        .collect()
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// An API client with an optional bearer token.
pub struct Api {
    pub base: String,
    pub client: Client,
    pub token: Option<String>,
}

impl Api {
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self.client.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn sign_in(&mut self, login: &str, password: &str) {
        let response = self
            .request(reqwest::Method::POST, "/api/v1/auth/token")
            .json(&serde_json::json!({ "login": login, "password": password }))
            .send()
            .await
            .expect("token request");
        assert_eq!(response.status(), 201, "API sign-in of {login}");
        let body: serde_json::Value = response.json().await.expect("json");
        self.token = Some(body["token"].as_str().expect("token").to_string());
    }
}

/// An API client signed in as `login` with the demo password.
pub async fn signed_in(app: &TestApp, login: &str) -> Api {
    let mut api = app.api();
    api.sign_in(login, DEMO_PASSWORD).await;
    api
}

/// Sends a request with an optional JSON body.
pub async fn send(
    api: &Api,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> Response {
    let request = api.request(method, path);
    match body {
        Some(body) => request.json(&body),
        None => request,
    }
    .send()
    .await
    .expect("send")
}

/// `attribute` (`field` or `code`) of every field error in an API error body, in order.
pub fn field_errors(body: &serde_json::Value, attribute: &str) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f[attribute].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A small complete PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A small complete PNG (any bytes between the signature and the IEND chunk).
pub fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    bytes.extend([0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]);
    bytes
}

/// A valid NIK for a test citizen (woman born 1 July 1990 in Alak) with serial `n`.
pub fn nik(n: u32) -> String {
    format!("537101410790{:04}", n)
}
