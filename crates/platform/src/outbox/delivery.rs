//! How a message leaves Sigap: email over SMTP (lettre) or to a file sink, SMS/WhatsApp through an
//! HTTP gateway or to a file sink. The file sinks (one JSON line a message under
//! `<data dir>/outbox/`) let a demo or a test run without a mail server or SMS contract.
//!
//! Every transport learns the outbox id of the message, so that a message handed over again
//! after a crash (see `worker`) is recognised: the file sinks skip an id they already hold, the
//! SMS gateway gets an `id` field, and SMTP a Message-ID derived from the id.

use std::{collections::HashSet, path::PathBuf, time::Duration};

use anyhow::Context as _;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor, message::Mailbox};
use tokio::io::AsyncWriteExt as _;

use crate::{clock, config::Settings};

pub enum EmailSink {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    File(FileSink),
}

pub enum SmsSink {
    Gateway {
        client: reqwest::Client,
        url: url::Url,
        token: Option<String>,
    },
    File(FileSink),
}

pub struct Senders {
    pub email: EmailSink,
    pub sms: SmsSink,
}

impl Senders {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Senders> {
        let sink_dir = settings.data_dir.join("outbox");
        std::fs::create_dir_all(&sink_dir)
            .with_context(|| format!("cannot create {}", sink_dir.display()))?;
        let email = match &settings.smtp_url {
            Some(url) => EmailSink::Smtp {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SIGAP_SMTP_URL")?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
                from: settings.smtp_from.clone(),
            },
            None => EmailSink::File(FileSink::new(sink_dir.join("email.log"))),
        };
        let sms = match &settings.sms_gateway_url {
            Some(url) => SmsSink::Gateway {
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .build()
                    .context("building the SMS gateway client")?,
                url: url.clone(),
                token: settings.sms_gateway_token.clone(),
            },
            None => SmsSink::File(FileSink::new(sink_dir.join("sms.log"))),
        };
        Ok(Senders { email, sms })
    }

    pub async fn send_email(
        &self,
        id: &str,
        to: &str,
        subject: &str,
        body: &str,
    ) -> anyhow::Result<()> {
        match &self.email {
            EmailSink::Smtp { transport, from } => {
                let domain = from.email.domain().to_string();
                let message = lettre::Message::builder()
                    .message_id(Some(format!("<{id}@{domain}>")))
                    .from(from.clone())
                    .to(to.parse().context("recipient is not an email address")?)
                    .subject(subject)
                    .header(lettre::message::header::ContentType::TEXT_PLAIN)
                    .body(body.to_string())
                    .context("building the email")?;
                transport.send(message).await.context("SMTP delivery")?;
                Ok(())
            }
            EmailSink::File(sink) => sink.append(id, to, subject, body).await,
        }
    }

    pub async fn send_sms(&self, id: &str, to: &str, body: &str) -> anyhow::Result<()> {
        match &self.sms {
            SmsSink::Gateway { client, url, token } => {
                let mut request = client
                    .post(url.clone())
                    .json(&serde_json::json!({ "id": id, "to": to, "message": body }));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await.context("SMS gateway unreachable")?;
                anyhow::ensure!(
                    response.status().is_success(),
                    "SMS gateway answered {}",
                    response.status()
                );
                Ok(())
            }
            SmsSink::File(sink) => sink.append(id, to, "", body).await,
        }
    }
}

/// A development sink: one JSON line per message. It delivers each outbox id once, also when a
/// message comes again after a crash, and drops a line a crash cut off (that message was not
/// marked delivered, so it comes again).
pub struct FileSink {
    path: PathBuf,
    /// The ids in the file, read on first use.
    delivered: tokio::sync::Mutex<Option<HashSet<String>>>,
}

impl FileSink {
    pub fn new(path: PathBuf) -> FileSink {
        FileSink {
            path,
            delivered: tokio::sync::Mutex::new(None),
        }
    }

    async fn append(&self, id: &str, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let mut delivered = self.delivered.lock().await;
        if delivered.is_none() {
            *delivered = Some(self.read_ids().await?);
        }
        let Some(ids) = delivered.as_mut() else {
            anyhow::bail!("the sink's ids were not read");
        };
        if ids.contains(id) {
            return Ok(());
        }
        let mut line = serde_json::to_string(&serde_json::json!({
            "id": id, "to": to, "subject": subject, "body": body, "at_ms": clock::now_ms(),
        }))?;
        line.push('\n');
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .with_context(|| format!("opening {}", self.path.display()))?;
        file.write_all(line.as_bytes()).await?;
        file.flush().await?;
        ids.insert(id.to_string());
        Ok(())
    }

    /// The ids already in the file; cuts off an unfinished last line.
    async fn read_ids(&self) -> anyhow::Result<HashSet<String>> {
        let bytes = match tokio::fs::read(&self.path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.path.display())),
        };
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        if complete < bytes.len() {
            let file = tokio::fs::OpenOptions::new()
                .write(true)
                .open(&self.path)
                .await
                .with_context(|| format!("opening {}", self.path.display()))?;
            file.set_len(u64::try_from(complete).unwrap_or(0)).await?;
            tracing::warn!(path = %self.path.display(), "dropped a message line cut off by a crash");
        }
        Ok(bytes[..complete]
            .split(|b| *b == b'\n')
            .filter_map(|line| serde_json::from_slice::<serde_json::Value>(line).ok())
            .filter_map(|message| message["id"].as_str().map(str::to_string))
            .collect())
    }
}
