//! How a message leaves Sigap: email over SMTP (lettre) or to a file sink, SMS/WhatsApp through an
//! HTTP gateway or to a file sink. The file sinks (one JSON line a message under
//! `<data dir>/outbox/`) let a demo or a test run without a mail server or SMS contract.

use std::{path::PathBuf, time::Duration};

use anyhow::Context as _;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor, message::Mailbox};
use tokio::io::AsyncWriteExt as _;

use crate::{clock, config::Settings};

pub enum EmailSink {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    File(PathBuf),
}

pub enum SmsSink {
    Gateway {
        client: reqwest::Client,
        url: url::Url,
        token: Option<String>,
    },
    File(PathBuf),
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
            None => EmailSink::File(sink_dir.join("email.log")),
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
            None => SmsSink::File(sink_dir.join("sms.log")),
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
                let message = lettre::Message::builder()
                    .from(from.clone())
                    .to(to.parse().context("recipient is not an email address")?)
                    .subject(subject)
                    .header(lettre::message::header::ContentType::TEXT_PLAIN)
                    .body(body.to_string())
                    .context("building the email")?;
                transport.send(message).await.context("SMTP delivery")?;
                Ok(())
            }
            EmailSink::File(path) => append_line(path, id, to, subject, body).await,
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
            SmsSink::File(path) => append_line(path, id, to, "", body).await,
        }
    }
}

async fn append_line(
    path: &PathBuf,
    id: &str,
    to: &str,
    subject: &str,
    body: &str,
) -> anyhow::Result<()> {
    let mut line = serde_json::to_string(&serde_json::json!({
        "id": id, "to": to, "subject": subject, "body": body, "at_ms": clock::now_ms(),
    }))?;
    line.push('\n');
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    file.write_all(line.as_bytes()).await?;
    file.flush().await?;
    Ok(())
}
