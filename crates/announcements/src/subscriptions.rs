//! Subscriptions: citizens and civil servants ask for public announcements of chosen categories
//! by email or SMS, and leave with the link in every message. The dispatcher hands each
//! published or updated version to each matching subscriber **once**: a node claims the
//! announcement with a lease (a conditional UPDATE only one node wins), writes one delivery row
//! per subscriber and version (its primary key refuses a second) and the outbox message in the
//! same transaction, then records the version as dispatched. Scheduled announcements are picked
//! up by the round after their publish time.

use std::time::Duration;

use accounts::model::{Email, Phone};
use platform::{
    AppState, audit,
    auth::CurrentUser,
    clock, db, ids,
    outbox::{self, Channel},
    web::{
        forms::Problems,
        i18n::{Lang, Tr},
    },
};
use serde::Deserialize;
use sqlx::Row as _;
use tokio_util::sync::CancellationToken;
use utoipa::ToSchema;

use crate::{error::AnnouncementError, model::Category, store};

const LEASE_MS: i64 = 60_000;
const ROUND: Duration = Duration::from_secs(2);

/// A subscription as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SubscriptionInput {
    /// `email` or `sms`.
    pub channel: String,
    /// The email address or mobile number.
    pub address: String,
    /// Category codes (the HTML form sends one field per ticked box).
    pub categories: Vec<String>,
}

/// A checked subscription.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub channel: Channel,
    pub address: String,
    pub categories: Vec<Category>,
}

impl SubscriptionInput {
    pub fn check(&self) -> Result<Subscription, Problems> {
        let mut problems: Problems = Vec::new();
        let channel = match self.channel.trim() {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => {
                problems.push(("channel", "announcements.channel_required"));
                None
            }
        };
        let address = match channel {
            Some(Channel::Email) => Email::parse(&self.address).map(|e| e.expose().to_string()),
            Some(Channel::Sms) => Phone::parse(&self.address).map(|p| p.expose().to_string()),
            _ => Some(String::new()),
        };
        if address.is_none() {
            problems.push(("address", "announcements.address_invalid"));
        }
        let mut categories: Vec<Category> = self
            .categories
            .iter()
            .filter_map(|c| Category::parse(c))
            .collect();
        categories.dedup();
        if categories.is_empty() {
            problems.push(("categories", "announcements.categories_required"));
        }
        match (channel, address) {
            (Some(channel), Some(address)) if problems.is_empty() => Ok(Subscription {
                channel,
                address,
                categories,
            }),
            _ => Err(problems),
        }
    }
}

const UPSERT: &str = "INSERT INTO announcement_subscriptions (id, channel, address, user_id, categories, lang, unsubscribe_token, active, created_ms, updated_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) \
     ON CONFLICT (channel, address) DO UPDATE SET categories = $5, lang = $6, unsubscribe_token = $7, active = 1, updated_ms = $8, \
     user_id = COALESCE(announcement_subscriptions.user_id, $4)";

/// Subscribes (or changes the categories of) an address; returns the unsubscribe token, which
/// also goes out in a confirmation message.
pub async fn subscribe(
    app: &AppState,
    user: Option<&CurrentUser>,
    subscription: &Subscription,
    lang: Lang,
) -> Result<String, AnnouncementError> {
    let token = ids::random_secret();
    let now = clock::now_ms();
    let categories: Vec<&str> = subscription.categories.iter().map(|c| c.as_str()).collect();
    let mut tx = app.db.begin().await?;
    sqlx::query(UPSERT)
        .bind(ids::new_id())
        .bind(subscription.channel.as_str())
        .bind(&subscription.address)
        .bind(user.map(|u| u.id.as_str()))
        .bind(categories.join(","))
        .bind(lang.code())
        .bind(&token)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let id: String = sqlx::query(
        "SELECT id FROM announcement_subscriptions WHERE channel = $1 AND address = $2",
    )
    .bind(subscription.channel.as_str())
    .bind(&subscription.address)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let tr = Tr::new(lang, app.catalogue.clone());
    let link = unsubscribe_link(app, &token);
    let subject = tr.t("announcements.subscribed_subject").to_string();
    let body = tr.f("announcements.subscribed_body", &[("link", &link)]);
    outbox::enqueue(
        &mut tx,
        outbox::Message {
            channel: subscription.channel,
            user_id: None,
            address: Some(&subscription.address),
            subject: &subject,
            body: &body,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: user.map(|u| u.id.as_str()),
            action: "announcement_subscription.saved",
            subject: &format!("announcement_subscription:{id}"),
            detail: serde_json::json!({"channel": subscription.channel.as_str(), "categories": categories}),
        },
    )
    .await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    Ok(token)
}

fn unsubscribe_link(app: &AppState, token: &str) -> String {
    let base = app.settings.base_url.as_str().trim_end_matches('/');
    format!("{base}/announcements/unsubscribe?token={token}")
}

/// Ends the subscription of `token`; `false` when no active one has it.
pub async fn unsubscribe(app: &AppState, token: &str) -> Result<bool, AnnouncementError> {
    let mut tx = app.db.begin().await?;
    let found = sqlx::query(
        "SELECT id FROM announcement_subscriptions WHERE unsubscribe_token = $1 AND active = 1",
    )
    .bind(token.trim())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(found) = found else {
        return Ok(false);
    };
    let id: String = found.try_get("id")?;
    sqlx::query("UPDATE announcement_subscriptions SET active = 0, updated_ms = $2 WHERE id = $1")
        .bind(&id)
        .bind(clock::now_ms())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: None,
            action: "announcement_subscription.ended",
            subject: &format!("announcement_subscription:{id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Runs the dispatcher until `cancel` fires.
pub async fn run(app: AppState, cancel: CancellationToken) {
    loop {
        if let Err(error) = dispatch_due(&app).await {
            tracing::warn!(%error, "announcement dispatch failed; will retry");
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(ROUND) => {}
        }
    }
}

const DUE: &str = "SELECT id FROM announcements WHERE status = 'published' AND audience = 'public' \
     AND dispatched_version < version AND COALESCE(publish_at_ms, published_ms) <= $1 \
     AND (expires_at_ms IS NULL OR expires_at_ms > $1) \
     AND (dispatch_lease_ms IS NULL OR dispatch_lease_ms < $1) ORDER BY id LIMIT 20";
// The WHERE repeats the due condition: a second node's UPDATE re-checks it after the first commits.
const CLAIM: &str = "UPDATE announcements SET dispatch_owner = $2, dispatch_lease_ms = $3 \
     WHERE id = $1 AND dispatched_version < version AND (dispatch_lease_ms IS NULL OR dispatch_lease_ms < $4)";
const SUBSCRIBERS: &str = "SELECT id, channel, address, categories, lang, unsubscribe_token FROM announcement_subscriptions \
     WHERE active = 1 ORDER BY id";
const DELIVERY: &str = "INSERT INTO announcement_deliveries (announcement_id, version, subscription_id, outbox_id, created_ms) \
     VALUES ($1, $2, $3, '', $4) ON CONFLICT DO NOTHING";
const DELIVERED_AS: &str = "UPDATE announcement_deliveries SET outbox_id = $4 \
     WHERE announcement_id = $1 AND version = $2 AND subscription_id = $3";
const DONE: &str = "UPDATE announcements SET dispatched_version = $2, dispatch_owner = NULL, dispatch_lease_ms = NULL \
     WHERE id = $1 AND dispatch_owner = $3";

/// One round: every public announcement showing now whose current version has not reached its
/// subscribers yet. Returns how many messages were written.
pub async fn dispatch_due(app: &AppState) -> Result<usize, AnnouncementError> {
    let node = ids::new_id();
    let now = clock::now_ms();
    let due = sqlx::query(DUE).bind(now).fetch_all(&app.db.read).await?;
    let mut written = 0;
    for row in due {
        let id: String = row.try_get("id")?;
        let claimed = sqlx::query(CLAIM)
            .bind(&id)
            .bind(&node)
            .bind(now + LEASE_MS)
            .bind(now)
            .execute(&app.db.write)
            .await?
            .rows_affected();
        if claimed == 1 {
            written += dispatch_one(app, &id, &node).await?;
        }
    }
    if written > 0 {
        app.outbox_signal.notify_one();
    }
    Ok(written)
}

async fn dispatch_one(app: &AppState, id: &str, node: &str) -> Result<usize, AnnouncementError> {
    let mut tx = app.db.begin().await?;
    let Some(row) = store::find_in(&mut tx, id).await? else {
        return Ok(0);
    };
    let subscribers = sqlx::query(SUBSCRIBERS).fetch_all(&mut *tx).await?;
    let base = app
        .settings
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let now = clock::now_ms();
    let mut written = 0;
    for subscriber in subscribers {
        let categories: String = subscriber.try_get("categories")?;
        if !categories.split(',').any(|c| c == row.category.as_str()) {
            continue;
        }
        let subscription_id: String = subscriber.try_get("id")?;
        let channel: String = subscriber.try_get("channel")?;
        let Some(channel) = Channel::parse(&channel) else {
            continue;
        };
        let address: String = subscriber.try_get("address")?;
        let lang: String = subscriber.try_get("lang")?;
        let token: String = subscriber.try_get("unsubscribe_token")?;
        let tr = Tr::new(
            Lang::parse(&lang).unwrap_or_default(),
            app.catalogue.clone(),
        );
        let key = if row.version > 1 {
            "announcements.mail_updated"
        } else {
            "announcements.mail_new"
        };
        let link = format!("{base}/announcements/{}", row.id);
        let subject = tr.f(key, &[("title", &row.title)]);
        let body = tr.f(
            "announcements.mail_body",
            &[
                ("title", &row.title),
                ("category", tr.t(row.category.label_key())),
                ("link", &link),
                ("unsubscribe", &unsubscribe_link(app, &token)),
            ],
        );
        let inserted = sqlx::query(DELIVERY)
            .bind(id)
            .bind(row.version)
            .bind(&subscription_id)
            .bind(now)
            .execute(&mut *tx)
            .await;
        match inserted {
            Ok(done) if done.rows_affected() == 1 => {}
            Ok(_) => continue,
            Err(e) if db::is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
        let outbox_id = outbox::enqueue(
            &mut tx,
            outbox::Message {
                channel,
                user_id: None,
                address: Some(&address),
                subject: &subject,
                body: &body,
            },
        )
        .await?;
        sqlx::query(DELIVERED_AS)
            .bind(id)
            .bind(row.version)
            .bind(&subscription_id)
            .bind(&outbox_id)
            .execute(&mut *tx)
            .await?;
        written += 1;
    }
    let done = sqlx::query(DONE)
        .bind(id)
        .bind(row.version)
        .bind(node)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        // The lease ran out and another node took over: leave the work to it.
        return Ok(0);
    }
    tx.commit().await?;
    tracing::info!(announcement.id = %id, version = row.version, messages = written, "announcement sent to subscribers");
    Ok(written)
}
