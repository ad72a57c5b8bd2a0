//! Subscriptions: citizens and civil servants ask for announcements of chosen categories by
//! email or SMS, and leave with the link in every message. A subscription made by address alone
//! starts unconfirmed: a one-time link goes to that address (only its SHA-256 is stored) and
//! nothing is delivered until it is opened, within 48 hours. One made by signed-in people for
//! their own account's address needs no confirming, and a civil servant's may also carry the
//! announcements for all civil servants or for their agencies (checked again at every
//! delivery, from the account's grants). The dispatcher is in `dispatch`.

mod dispatch;

use accounts::model::{Email, Phone};
use platform::{
    AppState, audit,
    auth::CurrentUser,
    clock, ids,
    outbox::{self, Channel},
    web::{
        forms::Problems,
        i18n::{Lang, Tr},
    },
};
use serde::Deserialize;
use sqlx::{AnyConnection, Row as _};
use utoipa::ToSchema;

use crate::{error::AnnouncementError, model::Category};

pub use dispatch::{dispatch_due, run};

/// How long a confirmation link works.
pub const CONFIRM_WITHIN_MS: i64 = 48 * 60 * 60 * 1000;
/// While a confirmation asked this recently is outstanding, asking again sends nothing more:
/// anyone may type an address, and its owner must not be flooded (SMS also costs money).
const RESEND_AFTER_MS: i64 = 10 * 60 * 1000;

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
    /// Also announcements for all civil servants or for the subscriber's agencies: only for a
    /// signed-in civil servant subscribing their own account's address.
    pub internal: bool,
}

/// A checked subscription.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub channel: Channel,
    pub address: String,
    pub categories: Vec<Category>,
    pub internal: bool,
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
                internal: self.internal,
            }),
            _ => Err(problems),
        }
    }
}

/// What subscribing did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subscribed {
    /// Active at once (the signed-in person's own address); the unsubscribe token.
    Active { unsubscribe_token: String },
    /// A confirmation link went to the address; nothing arrives until it is opened.
    ConfirmationSent,
}

/// Whether `address` on `channel` is the signed-in person's own (their account's contact).
async fn is_own_address(
    app: &AppState,
    user: &CurrentUser,
    subscription: &Subscription,
) -> Result<bool, sqlx::Error> {
    let Some(contact) = accounts::contact(app, &user.id).await? else {
        return Ok(false);
    };
    let own = match subscription.channel {
        Channel::Email => contact
            .email
            .as_deref()
            .and_then(Email::parse)
            .map(|e| e.expose().to_string()),
        Channel::Sms => contact
            .phone
            .as_deref()
            .and_then(Phone::parse)
            .map(|p| p.expose().to_string()),
        _ => None,
    };
    Ok(own.as_deref() == Some(subscription.address.as_str()))
}

struct Existing {
    id: String,
    unsubscribe_token: String,
    confirm_expires_ms: Option<i64>,
}

async fn find_existing(
    conn: &mut AnyConnection,
    subscription: &Subscription,
) -> Result<Option<Existing>, sqlx::Error> {
    sqlx::query(
        "SELECT id, unsubscribe_token, confirm_expires_ms FROM announcement_subscriptions WHERE channel = $1 AND address = $2",
    )
    .bind(subscription.channel.as_str())
    .bind(&subscription.address)
    .fetch_optional(conn)
    .await?
    .map(|r| {
        Ok(Existing {
            id: r.try_get("id")?,
            unsubscribe_token: r.try_get("unsubscribe_token")?,
            confirm_expires_ms: r.try_get("confirm_expires_ms")?,
        })
    })
    .transpose()
}

const INSERT: &str = "INSERT INTO announcement_subscriptions (id, channel, address, user_id, categories, lang, unsubscribe_token, \
     active, created_ms, updated_ms, confirmed_ms, confirm_token_hash, confirm_expires_ms, pending_categories, pending_lang, include_internal) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14, $15)";
// An existing subscription keeps its unsubscribe token: the links in earlier messages stay good.
const ACTIVATE_OWN: &str = "UPDATE announcement_subscriptions SET user_id = $2, categories = $3, lang = $4, active = 1, \
     include_internal = $5, confirmed_ms = COALESCE(confirmed_ms, $6), confirm_token_hash = NULL, confirm_expires_ms = NULL, \
     pending_categories = NULL, pending_lang = NULL, updated_ms = $6 WHERE id = $1";
// Asked by address: nothing changes until the link is opened.
const ASK_CONFIRMATION: &str = "UPDATE announcement_subscriptions SET confirm_token_hash = $2, confirm_expires_ms = $3, \
     pending_categories = $4, pending_lang = $5, updated_ms = $6 WHERE id = $1";

/// Subscribes (or changes the categories of) an address. For the signed-in person's own
/// address it is active at once; any other address gets a confirmation link first.
pub async fn subscribe(
    app: &AppState,
    user: Option<&CurrentUser>,
    subscription: &Subscription,
    lang: Lang,
) -> Result<Subscribed, AnnouncementError> {
    let own = match user {
        Some(user) => is_own_address(app, user, subscription).await?,
        None => false,
    };
    let owner = user.filter(|_| own);
    if subscription.internal && owner.is_none_or(|u| u.is_citizen()) {
        return Err(AnnouncementError::Invalid(vec![(
            "internal",
            "announcements.internal_needs_own_account",
        )]));
    }
    let now = clock::now_ms();
    let categories: Vec<&str> = subscription.categories.iter().map(|c| c.as_str()).collect();
    let categories = categories.join(",");
    let tr = Tr::new(lang, app.catalogue.clone());
    let mut tx = app.db.begin().await?;
    let existing = find_existing(&mut tx, subscription).await?;
    let (id, outcome, subject, body) = match owner {
        Some(owner) => {
            let (id, token) = match existing {
                Some(existing) => {
                    sqlx::query(ACTIVATE_OWN)
                        .bind(&existing.id)
                        .bind(&owner.id)
                        .bind(&categories)
                        .bind(lang.code())
                        .bind(i64::from(subscription.internal))
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    (existing.id, existing.unsubscribe_token)
                }
                None => {
                    let (id, token) = (ids::new_id(), ids::random_secret());
                    sqlx::query(INSERT)
                        .bind(&id)
                        .bind(subscription.channel.as_str())
                        .bind(&subscription.address)
                        .bind(&owner.id)
                        .bind(&categories)
                        .bind(lang.code())
                        .bind(&token)
                        .bind(1_i64)
                        .bind(now)
                        .bind(Some(now))
                        .bind(None::<String>)
                        .bind(None::<i64>)
                        .bind(None::<String>)
                        .bind(None::<String>)
                        .bind(i64::from(subscription.internal))
                        .execute(&mut *tx)
                        .await?;
                    (id, token)
                }
            };
            let subject = tr.t("announcements.subscribed_subject").to_string();
            let body = tr.f(
                "announcements.subscribed_body",
                &[("link", &unsubscribe_link(app, &token))],
            );
            let outcome = Subscribed::Active {
                unsubscribe_token: token,
            };
            (id, outcome, subject, body)
        }
        None if existing.as_ref().is_some_and(|e| {
            e.confirm_expires_ms
                .is_some_and(|expires| expires - CONFIRM_WITHIN_MS + RESEND_AFTER_MS > now)
        }) =>
        {
            return Ok(Subscribed::ConfirmationSent);
        }
        None => {
            let secret = ids::random_secret();
            let hash = ids::sha256_hex(secret.as_bytes());
            let expires = now + CONFIRM_WITHIN_MS;
            let id = match existing {
                Some(existing) => {
                    sqlx::query(ASK_CONFIRMATION)
                        .bind(&existing.id)
                        .bind(&hash)
                        .bind(expires)
                        .bind(&categories)
                        .bind(lang.code())
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    existing.id
                }
                None => {
                    let id = ids::new_id();
                    sqlx::query(INSERT)
                        .bind(&id)
                        .bind(subscription.channel.as_str())
                        .bind(&subscription.address)
                        .bind(None::<String>)
                        .bind(&categories)
                        .bind(lang.code())
                        .bind(ids::random_secret())
                        .bind(0_i64)
                        .bind(now)
                        .bind(None::<i64>)
                        .bind(&hash)
                        .bind(Some(expires))
                        .bind(Some(&categories))
                        .bind(Some(lang.code()))
                        .bind(0_i64)
                        .execute(&mut *tx)
                        .await?;
                    id
                }
            };
            let subject = tr.t("announcements.confirm_subject").to_string();
            let body = tr.f(
                "announcements.confirm_body",
                &[("link", &confirm_link(app, &secret))],
            );
            (id, Subscribed::ConfirmationSent, subject, body)
        }
    };
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
            action: if owner.is_some() {
                "announcement_subscription.saved"
            } else {
                "announcement_subscription.confirmation_asked"
            },
            subject: &format!("announcement_subscription:{id}"),
            detail: serde_json::json!({
                "channel": subscription.channel.as_str(),
                "categories": categories,
                "internal": subscription.internal,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    Ok(outcome)
}

fn base(app: &AppState) -> &str {
    app.settings.base_url.as_str().trim_end_matches('/')
}

fn unsubscribe_link(app: &AppState, token: &str) -> String {
    format!("{}/announcements/unsubscribe?token={token}", base(app))
}

fn confirm_link(app: &AppState, secret: &str) -> String {
    format!("{}/announcements/confirm?token={secret}", base(app))
}

const FIND_CONFIRMATION: &str = "SELECT id FROM announcement_subscriptions \
     WHERE confirm_token_hash = $1 AND confirm_expires_ms > $2";
// The token hash in the WHERE makes the link one-time even when two clicks race.
const CONFIRM: &str = "UPDATE announcement_subscriptions SET active = 1, categories = COALESCE(pending_categories, categories), \
     lang = COALESCE(pending_lang, lang), confirmed_ms = $3, confirm_token_hash = NULL, confirm_expires_ms = NULL, \
     pending_categories = NULL, pending_lang = NULL, updated_ms = $3 WHERE id = $1 AND confirm_token_hash = $2";

/// Confirms the subscription whose link carried `secret`; `false` when no outstanding
/// confirmation has it (never asked, used already, or older than 48 hours).
pub async fn confirm(app: &AppState, secret: &str) -> Result<bool, AnnouncementError> {
    let hash = ids::sha256_hex(secret.trim().as_bytes());
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let Some(found) = sqlx::query(FIND_CONFIRMATION)
        .bind(&hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(false);
    };
    let id: String = found.try_get("id")?;
    let done = sqlx::query(CONFIRM)
        .bind(&id)
        .bind(&hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: None,
            action: "announcement_subscription.confirmed",
            subject: &format!("announcement_subscription:{id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Forgets confirmations not opened within 48 hours: a subscription never confirmed is
/// removed (the address was never proven), a confirmed one just loses the outstanding
/// request. Returns how many subscriptions were removed.
pub async fn expire_unconfirmed(app: &AppState) -> Result<u64, AnnouncementError> {
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let removed = sqlx::query(
        "DELETE FROM announcement_subscriptions WHERE confirmed_ms IS NULL AND active = 0 AND confirm_expires_ms <= $1",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "UPDATE announcement_subscriptions SET confirm_token_hash = NULL, confirm_expires_ms = NULL, \
         pending_categories = NULL, pending_lang = NULL WHERE confirm_expires_ms <= $1",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(removed)
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
    sqlx::query(
        "UPDATE announcement_subscriptions SET active = 0, confirm_token_hash = NULL, confirm_expires_ms = NULL, \
         pending_categories = NULL, pending_lang = NULL, updated_ms = $2 WHERE id = $1",
    )
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
