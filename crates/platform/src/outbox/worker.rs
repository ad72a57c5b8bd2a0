//! The delivery worker. Any number of nodes may run it: a message is claimed with a lease
//! (a conditional UPDATE that only one node can win), delivered, then marked delivered. A node
//! that dies mid-delivery leaves its lease to expire and another node takes the message over.
//! Failures retry with exponential back-off; after `MAX_ATTEMPTS` the message is `dead`.
//! A node killed between handing a message over and marking it delivered hands it over again
//! once the lease expires: the transports are told the message id (the file sinks and the SMS
//! gateway by an `id` field, SMTP by the Message-ID) so that the second hand-over is recognised.

use std::{sync::Arc, time::Duration};

use sqlx::Row as _;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{Channel, delivery::Senders};
use crate::{clock, db::Db, ids};

/// The lease when none is configured (`SIGAP_OUTBOX_LEASE_SECONDS`).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
const BATCH: i64 = 20;
const MAX_ATTEMPTS: i64 = 8;
const IDLE_POLL: Duration = Duration::from_secs(2);

const DUE: &str = "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_ms <= $1 \
     AND (lease_until_ms IS NULL OR lease_until_ms < $1) ORDER BY next_attempt_ms LIMIT $2";
// The WHERE repeats the due condition: on PostgreSQL a second node's UPDATE re-checks it after
// the first commits, so exactly one node's claim affects the row.
const CLAIM: &str = "UPDATE outbox SET lease_owner = $2, lease_until_ms = $3 \
     WHERE id = $1 AND status = 'pending' AND (lease_until_ms IS NULL OR lease_until_ms < $4)";
const LOAD: &str =
    "SELECT id, channel, user_id, address, subject, body, attempts FROM outbox WHERE id = $1";
// Once an email or SMS has been handed over (or given up), its text, which may hold a reset code,
// an address or a name, is no longer needed: the body is blanked (ASVS 2.7.5, 8.3.8). In-app
// messages keep theirs; the notification shown in the app is a copy anyway.
const DELIVERED: &str = "UPDATE outbox SET status = 'delivered', delivered_ms = $2, lease_owner = NULL, \
     lease_until_ms = NULL, attempts = attempts + 1, \
     body = CASE WHEN channel = 'in_app' THEN body ELSE '' END \
     WHERE id = $1 AND lease_owner = $3";
const FAILED: &str = "UPDATE outbox SET status = $2, attempts = attempts + 1, next_attempt_ms = $3, \
     last_error = $4, lease_owner = NULL, lease_until_ms = NULL, \
     body = CASE WHEN $2 = 'dead' AND channel <> 'in_app' THEN '' ELSE body END \
     WHERE id = $1 AND lease_owner = $5";
const IN_APP: &str = "INSERT INTO notifications (id, user_id, subject, body, created_ms) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING";

/// Runs until `cancel` fires; a claimed message stays this node's for `lease`.
pub async fn run(
    db: Db,
    senders: Arc<Senders>,
    signal: Arc<Notify>,
    lease: Duration,
    cancel: CancellationToken,
) {
    let node = ids::new_id();
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
    loop {
        let delivered = match deliver_due_leased(&db, &senders, &node, lease_ms).await {
            Ok(count) => count,
            Err(error) => {
                tracing::warn!(error = %error, "outbox pass failed; will retry");
                0
            }
        };
        if delivered > 0 {
            continue;
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = signal.notified() => {}
            () = tokio::time::sleep(IDLE_POLL) => {}
        }
    }
}

/// One pass with the default lease: claims due messages and delivers them; returns how many
/// were handled.
pub async fn deliver_due(db: &Db, senders: &Senders, node: &str) -> Result<usize, sqlx::Error> {
    let lease_ms = i64::try_from(DEFAULT_LEASE.as_millis()).unwrap_or(i64::MAX / 2);
    deliver_due_leased(db, senders, node, lease_ms).await
}

async fn deliver_due_leased(
    db: &Db,
    senders: &Senders,
    node: &str,
    lease_ms: i64,
) -> Result<usize, sqlx::Error> {
    let now = clock::now_ms();
    let due = sqlx::query(DUE)
        .bind(now)
        .bind(BATCH)
        .fetch_all(&db.read)
        .await?;
    let mut handled = 0;
    for row in due {
        let id: String = row.try_get("id")?;
        let claimed = sqlx::query(CLAIM)
            .bind(&id)
            .bind(node)
            .bind(now.saturating_add(lease_ms))
            .bind(now)
            .execute(&db.write)
            .await?
            .rows_affected();
        if claimed == 1 {
            deliver_one(db, senders, node, &id).await?;
            handled += 1;
        }
    }
    Ok(handled)
}

async fn deliver_one(db: &Db, senders: &Senders, node: &str, id: &str) -> Result<(), sqlx::Error> {
    let row = sqlx::query(LOAD).bind(id).fetch_one(&db.write).await?;
    let channel: String = row.try_get("channel")?;
    let user_id: Option<String> = row.try_get("user_id")?;
    let address: Option<String> = row.try_get("address")?;
    let subject: String = row.try_get("subject")?;
    let body: String = row.try_get("body")?;
    let attempts: i64 = row.try_get("attempts")?;

    let outcome = match Channel::parse(&channel) {
        Some(Channel::InApp) => match &user_id {
            // Same transaction as the status change: an in-app notification appears exactly once.
            Some(user_id) => {
                let mut tx = db.begin().await?;
                sqlx::query(IN_APP)
                    .bind(id)
                    .bind(user_id)
                    .bind(&subject)
                    .bind(&body)
                    .bind(clock::now_ms())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(DELIVERED)
                    .bind(id)
                    .bind(clock::now_ms())
                    .bind(node)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(());
            }
            None => Err(anyhow::anyhow!("in-app message without a recipient")),
        },
        Some(Channel::Email) => match &address {
            Some(to) => senders.send_email(id, to, &subject, &body).await,
            None => Err(anyhow::anyhow!("email without an address")),
        },
        Some(Channel::Sms) => match &address {
            Some(to) => senders.send_sms(id, to, &body).await,
            None => Err(anyhow::anyhow!("SMS without a number")),
        },
        None => Err(anyhow::anyhow!("unknown channel {channel}")),
    };
    match outcome {
        Ok(()) => {
            sqlx::query(DELIVERED)
                .bind(id)
                .bind(clock::now_ms())
                .bind(node)
                .execute(&db.write)
                .await?;
            tracing::debug!(outbox.id = %id, channel = %channel, "delivered");
        }
        Err(error) => {
            let attempts = attempts + 1;
            let dead = attempts >= MAX_ATTEMPTS;
            // 30 s, 1 min, 2 min, ... capped at one hour.
            let backoff_ms = (30_000_i64 << (attempts - 1).min(7)).min(3_600_000);
            let status = if dead { "dead" } else { "pending" };
            let message = format!("{error:#}");
            sqlx::query(FAILED)
                .bind(id)
                .bind(status)
                .bind(clock::now_ms() + backoff_ms)
                .bind(message.chars().take(500).collect::<String>())
                .bind(node)
                .execute(&db.write)
                .await?;
            if dead {
                tracing::error!(outbox.id = %id, channel = %channel, attempts, "delivery given up (dead letter)");
            } else {
                tracing::warn!(outbox.id = %id, channel = %channel, attempts, "delivery failed; will retry");
            }
        }
    }
    Ok(())
}
