//! What both benches share: a real `sigap serve` on a random port over a fresh database (a
//! temporary SQLite file, or a new PostgreSQL database dropped afterwards), with the demo data
//! the bench asks for loaded before it serves.

pub mod node;
pub mod web;

use platform::{AppState, config::Config};
use sqlx::{AnyConnection, Connection as _, Executor as _};
use tokio::sync::oneshot;

pub fn postgres_admin_url() -> String {
    std::env::var("SIGAP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub struct Running {
    pub base: String,
    pub state: AppState,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    data_dir: std::path::PathBuf,
    pg_database: Option<String>,
}

/// Starts a server on `backend` (`sqlite` or `postgres`); `demo` loads the data the bench needs
/// (the accounts demo is always loaded) before the server takes requests.
pub async fn start(
    backend: &str,
    demo: impl AsyncFn(&AppState) -> anyhow::Result<()>,
) -> anyhow::Result<Running> {
    sqlx::any::install_default_drivers();
    let unique = uuid::Uuid::now_v7().simple().to_string();
    let data_dir = std::env::temp_dir().join(format!("sigap-bench-{unique}"));
    let (database_url, pg_database) = if backend == "postgres" {
        let (url, name) = create_postgres_database(&format!("sigap_bench_{unique}")).await?;
        (Some(url), Some(name))
    } else {
        (None, None)
    };
    let config = Config {
        database_url,
        data_dir: data_dir.clone(),
        bind: "127.0.0.1:0".into(),
        base_url: None,
        smtp_url: None,
        smtp_from: "Sigap Bench <bench@example.id>".into(),
        sms_gateway_url: None,
        sms_gateway_token: None,
        log_format: "text".into(),
        max_body_bytes: 1_048_576,
        max_upload_bytes: 5 * 1024 * 1024,
        session_idle_minutes: 30,
        session_max_hours: 12,
        trust_proxy: false,
        db_max_connections: 16,
        outbox_lease_seconds: 60,
    };
    let state = sigap::state(config.check()?).await?;
    accounts::demo::load(&state).await?;
    demo(&state).await?;
    let server = sigap::Server::build(state.clone()).await?;
    let base = format!("http://{}", server.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    Ok(Running {
        base,
        state,
        stop,
        server,
        data_dir,
        pg_database,
    })
}

pub async fn stop(running: Running) {
    let _ = running.stop.send(());
    let _ = running.server.await;
    running.state.db.close().await;
    if let Some(name) = running.pg_database {
        drop_postgres_database(&name).await;
    }
    let _ = std::fs::remove_dir_all(running.data_dir);
}

/// Creates the PostgreSQL database `name` on the bench server: (its URL, its name).
pub async fn create_postgres_database(name: &str) -> anyhow::Result<(String, String)> {
    let mut admin = AnyConnection::connect(&postgres_admin_url()).await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    let server = postgres_admin_url()
        .rsplit_once('/')
        .map(|(s, _)| s.to_string())
        .unwrap_or_default();
    Ok((format!("{server}/{name}"), name.to_string()))
}

/// Drops a bench database, sessions still connected or not (best effort: a bench that ends
/// must not fail on its clean-up).
pub async fn drop_postgres_database(name: &str) {
    if let Ok(mut admin) = AnyConnection::connect(&postgres_admin_url()).await {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
    }
}

/// An API bearer token for the demo account `login` (every demo password is the same).
#[allow(dead_code, reason = "not every bench signs in")]
pub async fn token(base: &str, login: &str) -> anyhow::Result<String> {
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"login": login, "password": accounts::demo::DEMO_PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    response["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("no token for {login}: {response}"))
}
