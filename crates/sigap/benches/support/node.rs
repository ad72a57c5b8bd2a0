//! A `sigap serve --demo` node started as its own process, so that its resident memory is
//! measured alone (the bench's clients live in another process), on SQLite or on a new
//! PostgreSQL database that is dropped with the node.

#![allow(dead_code, reason = "each bench uses part of it")]

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use super::{create_postgres_database, drop_postgres_database};

pub struct Node {
    child: Child,
    pub base: String,
    pub port: u16,
    pub dir: PathBuf,
    pg_database: Option<String>,
}

impl Node {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's own log (its stdout and stderr), kept in the node's folder.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// Whether the process is still running (it has not crashed).
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Node {
    /// Stops the process and drops its PostgreSQL database.
    pub async fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(name) = self.pg_database.take() {
            drop_postgres_database(&name).await;
        }
    }
}

/// A node dropped without `stop` (a failed bench) still ends its process and folder.
impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Starts `sigap serve --demo` on a free port over a fresh database on `backend` (`sqlite` or
/// `postgres`) and waits until it answers `/readyz`.
pub async fn start_node(backend: &str, label: &str) -> anyhow::Result<Node> {
    sqlx::any::install_default_drivers();
    let unique = uuid::Uuid::now_v7().simple().to_string();
    let dir = std::env::temp_dir().join(format!("sigap-{label}-{unique}"));
    std::fs::create_dir_all(&dir)?;
    let (database_url, pg_database) = if backend == "postgres" {
        let (url, name) =
            create_postgres_database(&format!("sigap_{}_{unique}", label.replace('-', "_")))
                .await?;
        (url, Some(name))
    } else {
        (format!("sqlite://{}/sigap.db", dir.display()), None)
    };
    let port = free_port()?;
    let log = std::fs::File::create(dir.join("server.log"))?;
    let child = Command::new(env!("CARGO_BIN_EXE_sigap"))
        .args(["serve", "--demo"])
        .env("SIGAP_DATA_DIR", &dir)
        .env("SIGAP_DATABASE_URL", database_url)
        .env("SIGAP_BIND", format!("127.0.0.1:{port}"))
        .env("SIGAP_LOG", "warn")
        .env_remove("SIGAP_SMTP_URL")
        .env_remove("SIGAP_SMS_GATEWAY_URL")
        .env_remove("SIGAP_BASE_URL")
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .spawn()?;
    let mut node = Node {
        child,
        base: format!("http://127.0.0.1:{port}"),
        port,
        dir,
        pg_database,
    };
    let client = reqwest::Client::new();
    for _ in 0..1200 {
        if let Ok(r) = client.get(format!("{}/readyz", node.base)).send().await
            && r.status().is_success()
        {
            return Ok(node);
        }
        anyhow::ensure!(node.alive(), "sigap serve exited; see its log");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("sigap serve did not become ready in 120 s")
}

/// A figure of `/proc/<pid>/status` in MiB: `VmRSS` (resident now) or `VmHWM` (the peak).
pub fn memory_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
