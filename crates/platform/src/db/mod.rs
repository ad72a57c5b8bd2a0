//! Storage: one code path for SQLite and PostgreSQL through sqlx's `Any` driver.
//! This module is the only place that knows which backend runs; capability code takes a
//! [`Db`] (or an executor) and writes portable SQL (`$1` placeholders, BIGINT ms, TEXT ids).

use std::{str::FromStr, time::Duration};

use sqlx::{
    Any, AnyPool, Executor as _, Transaction,
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
};

use crate::config::{Backend, ConfigError, Settings, redact_url};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// SQLite pragmas, set on every connection (they are per connection, not per file).
/// WAL lets readers run beside the writer; synchronous=FULL makes a commit survive a power cut,
/// so a tracking number once shown is never lost. mmap_size lets every connection read the
/// file's pages straight from the operating system's page cache, shared between connections,
/// instead of copying them into a 2 MiB cache of its own per connection (a search over 100,000
/// articles or a year of dashboard figures reads far more than that); the mapping is virtual
/// address space, its pages the kernel's to reclaim.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA mmap_size = 1073741824;";

/// The database handles of one node.
///
/// SQLite has one writer: `write` is a pool of exactly one connection so writers queue in-process
/// instead of fighting over the file lock; `read` serves queries. On PostgreSQL both are the same
/// pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub write: AnyPool,
    pub read: AnyPool,
    pub backend: Backend,
}

/// Why the database could not be opened; names the setting for the start-up message.
pub fn connect_error(settings: &Settings, error: impl std::fmt::Display) -> ConfigError {
    ConfigError {
        setting: "SIGAP_DATABASE_URL",
        reason: format!(
            "cannot open the database {}: {error}",
            redact_url(&settings.database_url)
        ),
    }
}

impl Db {
    /// Opens the pools and proves the database answers.
    pub async fn connect(settings: &Settings) -> Result<Db, ConfigError> {
        sqlx::any::install_default_drivers();
        let url = match settings.backend {
            // Create the file on first start (zero set-up).
            Backend::Sqlite if !settings.database_url.contains("mode=") => {
                let sep = if settings.database_url.contains('?') {
                    '&'
                } else {
                    '?'
                };
                format!("{}{sep}mode=rwc", settings.database_url)
            }
            _ => settings.database_url.clone(),
        };
        if settings.backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .split('?')
                .next()
                .unwrap_or_default();
            if let Some(parent) = std::path::Path::new(path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|e| connect_error(settings, e))?;
            }
        }
        let options = AnyConnectOptions::from_str(&url).map_err(|e| connect_error(settings, e))?;
        let db = match settings.backend {
            Backend::Sqlite => {
                let write = sqlite_pool(1).connect_with(options.clone()).await;
                let write = write.map_err(|e| connect_error(settings, e))?;
                let read = sqlite_pool(4)
                    .connect_with(options)
                    .await
                    .map_err(|e| connect_error(settings, e))?;
                Db {
                    write,
                    read,
                    backend: Backend::Sqlite,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(settings.db_max_connections)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .map_err(|e| connect_error(settings, e))?;
                Db {
                    write: pool.clone(),
                    read: pool,
                    backend: Backend::Postgres,
                }
            }
        };
        db.ping().await.map_err(|e| connect_error(settings, e))?;
        Ok(db)
    }

    /// Applies pending migrations of this backend's folder (idempotent; safe on several nodes).
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.write).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.write).await,
        }
    }

    /// Starts a write transaction. SQLite: on the single writer connection.
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.write.begin().await
    }

    /// True when the database answers a trivial query (used by `/readyz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        sqlx::query("SELECT 1").execute(&self.write).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// Online copy of a SQLite database into `target` (consistent even under write load).
    pub async fn backup_sqlite(&self, target: &std::path::Path) -> Result<(), sqlx::Error> {
        let target = target.display().to_string().replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{target}'"))
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(SQLITE_PRAGMAS).await?;
                Ok(())
            })
        })
}

/// True when the error means "the database is not reachable now" rather than a bug:
/// the client then gets a 503 page and can try again.
/// `$start, $start+1, …` for `count` values: the inside of an `IN (…)` list of bound values.
pub fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(condition AND column >= $a AND column <= $b) OR …` for each (condition, first, last) of
/// `ranges`, appending the bounds to `binds` (so the placeholders continue after what `binds`
/// holds); `1 = 0` when there is no range. The conditions are the caller's own SQL, never input.
pub fn key_ranges(
    column: &str,
    ranges: &[(&str, String, String)],
    binds: &mut Vec<String>,
) -> String {
    let mut parts = Vec::new();
    for (condition, first, last) in ranges {
        binds.push(first.clone());
        binds.push(last.clone());
        let bounds = format!(
            "{column} >= ${} AND {column} <= ${}",
            binds.len() - 1,
            binds.len()
        );
        parts.push(if condition.is_empty() {
            format!("({bounds})")
        } else {
            format!("({condition} AND {bounds})")
        });
    }
    if parts.is_empty() {
        return "1 = 0".to_string();
    }
    parts.join(" OR ")
}

/// Binds `binds` to `query` in order (the values of a filter built with [`placeholders`]).
pub fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for value in binds {
        query = query.bind(value.as_str());
    }
    query
}

/// A value of a row written by [`insert_rows`].
#[derive(Clone, Debug)]
pub enum Value {
    Text(String),
    Int(i64),
    Null,
}

/// Rows per multi-row INSERT (well under both backends' limits on bound values).
const BATCH_ROWS: usize = 200;

/// Inserts `rows` (each of `columns`' width) into `table` with multi-row INSERTs of a few
/// hundred rows: bulk writes (rebuilding figures, generating data sets) without a round trip
/// per row. `table` and `columns` are the caller's own names, never input.
pub async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<(), sqlx::Error> {
    let width = columns.len();
    for batch in rows.chunks(BATCH_ROWS) {
        let tuples: Vec<String> = (0..batch.len())
            .map(|r| format!("({})", placeholders(r * width + 1, width)))
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            tuples.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for value in batch.iter().flatten() {
            query = match value {
                Value::Text(t) => query.bind(t.clone()),
                Value::Int(n) => query.bind(*n),
                Value::Null => query.bind(None::<String>),
            };
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

pub fn is_unavailable(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed
    ) || matches!(error, sqlx::Error::Database(db) if db.code().is_some_and(|c| {
        // PostgreSQL: 57P01 admin shutdown, 57P03 cannot connect now, 3D000 database gone,
        // 08xxx connection failures, 55000 "database is not currently accepting connections".
        matches!(
            c.as_ref(),
            "57P01" | "57P02" | "57P03" | "3D000" | "08000" | "08001" | "08003" | "08006" | "55000"
        )
    }))
}

/// True for a unique-constraint violation (both backends).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
