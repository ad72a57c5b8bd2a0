//! The notification outbox. A change that must tell someone writes an outbox message in the same
//! transaction, so a message exists exactly when the change committed. The worker
//! (`outbox::worker`) delivers it later: in-app (the person's notification list), email (SMTP or a
//! file sink in development) or SMS/WhatsApp (an HTTP gateway or a file sink), with retries and a
//! dead-letter state. Messages are written already in the recipient's language.

pub mod delivery;
pub mod worker;

use sqlx::{AnyConnection, Row as _};

use crate::{clock, db::Db, ids};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    InApp,
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
    pub fn parse(raw: &str) -> Option<Channel> {
        match raw {
            "in_app" => Some(Channel::InApp),
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A message to send. In-app messages need `user_id`; email and SMS need `address`.
#[derive(Clone, Debug)]
pub struct Message<'a> {
    pub channel: Channel,
    pub user_id: Option<&'a str>,
    pub address: Option<&'a str>,
    pub subject: &'a str,
    pub body: &'a str,
}

const INSERT: &str = "INSERT INTO outbox (id, channel, user_id, address, subject, body, status, attempts, next_attempt_ms, created_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)";

/// Writes `message` in the caller's transaction; returns its id.
pub async fn enqueue(
    conn: &mut AnyConnection,
    message: Message<'_>,
) -> Result<String, sqlx::Error> {
    let id = ids::new_id();
    sqlx::query(INSERT)
        .bind(&id)
        .bind(message.channel.as_str())
        .bind(message.user_id)
        .bind(message.address)
        .bind(message.subject)
        .bind(message.body)
        .bind(clock::now_ms())
        .execute(conn)
        .await?;
    Ok(id)
}

/// Messages not yet delivered (nor given up on).
pub async fn backlog(db: &Db) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")
        .fetch_one(&db.read)
        .await?;
    row.try_get("n")
}

/// One in-app notification as the person sees it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: String,
    pub subject: String,
    pub body: String,
    pub created_ms: i64,
    pub read: bool,
}

pub async fn list_notifications(
    db: &Db,
    user_id: &str,
    limit: i64,
) -> Result<Vec<Notification>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, subject, body, created_ms, read_ms FROM notifications \
         WHERE user_id = $1 ORDER BY created_ms DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(&db.read)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Notification {
                id: row.try_get("id")?,
                subject: row.try_get("subject")?,
                body: row.try_get("body")?,
                created_ms: row.try_get("created_ms")?,
                read: row.try_get::<Option<i64>, _>("read_ms")?.is_some(),
            })
        })
        .collect()
}

pub async fn mark_all_read(conn: &mut AnyConnection, user_id: &str) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("UPDATE notifications SET read_ms = $2 WHERE user_id = $1 AND read_ms IS NULL")
            .bind(user_id)
            .bind(clock::now_ms())
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

pub async fn unread_count(db: &Db, user_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_ms IS NULL")
        .bind(user_id)
        .fetch_one(&db.read)
        .await?
        .try_get("n")
}
