//! One `Config`, read once in `main` from flags and `SIGAP_*` environment variables, checked once
//! by [`Config::check`], then passed down as [`Settings`]. No globals.

use std::{net::SocketAddr, path::PathBuf, time::Duration};
use url::Url;

/// Settings shared by every subcommand. Each field's doc comment is its `--help` text.
#[derive(clap::Args, Clone, Debug)]
pub struct Config {
    /// Database URL: `sqlite://PATH` (default: `sqlite://<data dir>/sigap.db`) or
    /// `postgres://USER@HOST:PORT/DB` for several nodes.
    /// (`--help` never shows the value: a PostgreSQL URL may hold a password.)
    #[arg(
        long,
        env = "SIGAP_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Folder for the SQLite database, uploaded files and development mail/SMS sinks.
    #[arg(long, env = "SIGAP_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Address and port the web server listens on.
    #[arg(
        long,
        env = "SIGAP_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// Public address of this installation, used in links sent by email/SMS and in QR codes
    /// (default: http://<bind>). An https:// address turns on Secure cookies and HSTS.
    #[arg(long, env = "SIGAP_BASE_URL", global = true)]
    pub base_url: Option<String>,

    /// SMTP server for email, e.g. `smtps://user:pass@mail.kupangkota.go.id:465` or
    /// `smtp://host:587?tls=required`. Unset: emails are written to <data dir>/outbox/email.log.
    /// (`--help` never shows the value: it may hold a password.)
    #[arg(long, env = "SIGAP_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender address of outgoing email.
    #[arg(
        long,
        env = "SIGAP_SMTP_FROM",
        default_value = "Sigap Kecamatan Alak <sigap@alak.kupangkota.go.id>",
        global = true
    )]
    pub smtp_from: String,

    /// HTTP gateway for SMS/WhatsApp: Sigap POSTs JSON {"to": ..., "message": ...}.
    /// Unset: messages are written to <data dir>/outbox/sms.log.
    #[arg(
        long,
        env = "SIGAP_SMS_GATEWAY_URL",
        global = true,
        hide_env_values = true
    )]
    pub sms_gateway_url: Option<String>,

    /// Bearer token sent to the SMS gateway.
    #[arg(
        long,
        env = "SIGAP_SMS_GATEWAY_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub sms_gateway_token: Option<String>,

    /// Log format: `text` or `json`.
    #[arg(long, env = "SIGAP_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,

    /// Largest request body accepted, in bytes (uploads have their own limit).
    #[arg(
        long,
        env = "SIGAP_MAX_BODY_BYTES",
        default_value_t = 1_048_576,
        global = true
    )]
    pub max_body_bytes: usize,

    /// Largest uploaded file, in bytes (applications' documents).
    #[arg(long, env = "SIGAP_MAX_UPLOAD_BYTES", default_value_t = 5 * 1024 * 1024, global = true)]
    pub max_upload_bytes: usize,

    /// How long a web login lasts without a request, in minutes (ASVS L2: 30).
    /// Replaces SIGAP_SESSION_IDLE_HOURS.
    #[arg(
        long,
        env = "SIGAP_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: u32,

    /// How long any login lasts however busy it is, in hours, web and API alike (ASVS L2: 12);
    /// then the person signs in again.
    #[arg(
        long,
        env = "SIGAP_SESSION_MAX_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_max_hours: u32,

    /// Set when Sigap runs behind a reverse proxy or load balancer that appends the client's
    /// address to X-Forwarded-For; rate limits then count per real client, not per proxy.
    #[arg(
        long,
        env = "SIGAP_TRUST_PROXY",
        default_value_t = false,
        global = true
    )]
    pub trust_proxy: bool,

    /// Connections in the PostgreSQL pool of this node (SQLite uses one writer plus readers).
    #[arg(
        long,
        env = "SIGAP_DB_MAX_CONNECTIONS",
        default_value_t = 16,
        global = true
    )]
    pub db_max_connections: u32,

    /// How long a node may hold a notification it is delivering before another node (or this
    /// node after a restart) takes it over, in seconds. Longer than the slowest SMTP or SMS
    /// gateway answer (20 s).
    #[arg(
        long,
        env = "SIGAP_OUTBOX_LEASE_SECONDS",
        default_value_t = 60,
        global = true
    )]
    pub outbox_lease_seconds: u32,
}

/// Which database the URL names; capability code never asks, only `platform::db` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The checked configuration every part of Sigap reads.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub backend: Backend,
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    pub base_url: Url,
    pub secure_cookies: bool,
    pub smtp_url: Option<String>,
    pub smtp_from: lettre::message::Mailbox,
    pub sms_gateway_url: Option<Url>,
    pub sms_gateway_token: Option<String>,
    pub log_json: bool,
    pub max_body_bytes: usize,
    pub max_upload_bytes: usize,
    /// A web session ends after this long without a request.
    pub session_idle: Duration,
    /// Every session ends this long after sign-in; API tokens are issued for exactly this long.
    pub session_max: Duration,
    pub trust_proxy: bool,
    pub db_max_connections: u32,
    pub outbox_lease: Duration,
}

/// A setting that stops start-up; the message names the setting.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub reason: String,
}

fn bad(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        reason: reason.into(),
    }
}

impl Config {
    /// Checks every value and the data dir (created if missing, must be writable).
    /// Database reachability is checked when the pool connects (`db::Db::connect`).
    pub fn check(&self) -> Result<Settings, ConfigError> {
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            bad(
                "SIGAP_DATA_DIR",
                format!("cannot create {}: {e}", self.data_dir.display()),
            )
        })?;
        let probe = self.data_dir.join(".write-check");
        std::fs::write(&probe, b"ok").map_err(|e| {
            bad(
                "SIGAP_DATA_DIR",
                format!("{} is not writable: {e}", self.data_dir.display()),
            )
        })?;
        let _ = std::fs::remove_file(&probe);

        let database_url = match &self.database_url {
            Some(url) => url.trim().to_string(),
            None => format!("sqlite://{}", self.data_dir.join("sigap.db").display()),
        };
        let backend = parse_database_url(&database_url)?;

        let bind: SocketAddr = self.bind.parse().map_err(|_| {
            bad(
                "SIGAP_BIND",
                format!(
                    "`{}` is not an address:port such as 127.0.0.1:8080",
                    self.bind
                ),
            )
        })?;
        let base_url = match &self.base_url {
            Some(raw) => Url::parse(raw)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| bad("SIGAP_BASE_URL", format!("`{raw}` is not an http(s) URL")))?,
            None => Url::parse(&format!("http://{bind}"))
                .map_err(|e| bad("SIGAP_BIND", e.to_string()))?,
        };
        if let Some(smtp) = &self.smtp_url {
            let ok = Url::parse(smtp)
                .map(|u| matches!(u.scheme(), "smtp" | "smtps"))
                .unwrap_or(false);
            if !ok {
                return Err(bad(
                    "SIGAP_SMTP_URL",
                    "expected smtp://host:port or smtps://user:pass@host:465",
                ));
            }
        }
        let smtp_from = self.smtp_from.parse().map_err(|_| {
            bad(
                "SIGAP_SMTP_FROM",
                format!("`{}` is not an email address", self.smtp_from),
            )
        })?;
        let sms_gateway_url = match &self.sms_gateway_url {
            Some(raw) => Some(
                Url::parse(raw)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| bad("SIGAP_SMS_GATEWAY_URL", "expected an http(s) URL"))?,
            ),
            None => None,
        };
        let log_json = match self.log_format.as_str() {
            "text" => false,
            "json" => true,
            other => {
                return Err(bad(
                    "SIGAP_LOG_FORMAT",
                    format!("`{other}` is neither `text` nor `json`"),
                ));
            }
        };
        if self.max_body_bytes < 1024 {
            return Err(bad("SIGAP_MAX_BODY_BYTES", "must be at least 1024"));
        }
        if self.max_upload_bytes < 1024 {
            return Err(bad("SIGAP_MAX_UPLOAD_BYTES", "must be at least 1024"));
        }
        if self.session_max_hours == 0 {
            return Err(bad("SIGAP_SESSION_MAX_HOURS", "must be at least 1"));
        }
        if self.session_idle_minutes == 0 {
            return Err(bad("SIGAP_SESSION_IDLE_MINUTES", "must be at least 1"));
        }
        if u64::from(self.session_idle_minutes) > u64::from(self.session_max_hours) * 60 {
            return Err(bad(
                "SIGAP_SESSION_IDLE_MINUTES",
                "must not exceed SIGAP_SESSION_MAX_HOURS",
            ));
        }
        if self.db_max_connections < 2 {
            return Err(bad("SIGAP_DB_MAX_CONNECTIONS", "must be at least 2"));
        }
        if self.outbox_lease_seconds == 0 {
            return Err(bad("SIGAP_OUTBOX_LEASE_SECONDS", "must be at least 1"));
        }
        Ok(Settings {
            secure_cookies: base_url.scheme() == "https",
            database_url,
            backend,
            data_dir: self.data_dir.clone(),
            bind,
            base_url,
            smtp_url: self.smtp_url.clone(),
            smtp_from,
            sms_gateway_url,
            sms_gateway_token: self.sms_gateway_token.clone(),
            log_json,
            max_body_bytes: self.max_body_bytes,
            max_upload_bytes: self.max_upload_bytes,
            session_idle: Duration::from_secs(u64::from(self.session_idle_minutes) * 60),
            session_max: Duration::from_secs(u64::from(self.session_max_hours) * 3600),
            trust_proxy: self.trust_proxy,
            db_max_connections: self.db_max_connections,
            outbox_lease: Duration::from_secs(u64::from(self.outbox_lease_seconds)),
        })
    }
}

fn parse_database_url(url: &str) -> Result<Backend, ConfigError> {
    let scheme = url.split_once("://").map(|(s, _)| s);
    match scheme {
        Some("sqlite") => {
            if url.len() <= "sqlite://".len() {
                return Err(bad("SIGAP_DATABASE_URL", "sqlite:// needs a file path"));
            }
            Ok(Backend::Sqlite)
        }
        Some("postgres" | "postgresql") => {
            Url::parse(url)
                .ok()
                .filter(|u| u.host_str().is_some_and(|h| !h.is_empty()))
                .ok_or_else(|| {
                    bad(
                        "SIGAP_DATABASE_URL",
                        format!("`{}` is not a valid postgres:// URL", redact_url(url)),
                    )
                })?;
            Ok(Backend::Postgres)
        }
        _ => Err(bad(
            "SIGAP_DATABASE_URL",
            format!(
                "`{}` is neither a sqlite:// nor a postgres:// URL",
                redact_url(url)
            ),
        )),
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        // Unparsable: show only the part before any `@`, which may hold credentials.
        Err(_) => match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_schemes() {
        assert_eq!(
            parse_database_url("sqlite://data/x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            parse_database_url("postgres://postgres@127.0.0.1:5432/sigap").ok(),
            Some(Backend::Postgres)
        );
        let err = parse_database_url("mysql://root@localhost/x").unwrap_err();
        assert_eq!(err.setting, "SIGAP_DATABASE_URL");
        assert!(parse_database_url("postgres://").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@db:5432/sigap"),
            "postgres://u:***@db:5432/sigap"
        );
    }
}
