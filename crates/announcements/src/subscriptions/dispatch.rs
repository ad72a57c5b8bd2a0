//! The dispatcher: hands each published or updated version to each matching, confirmed
//! subscriber **once**, and tells those who received an announcement, once, when it is
//! withdrawn or ended early. A node claims the announcement with a lease (a conditional UPDATE
//! only one node wins), writes one delivery row per subscriber and version (its primary key
//! refuses a second; the ending notice is version 0) and the outbox message in the same
//! transaction, then records the work as done. Scheduled announcements are picked up by the
//! round after their publish time. An internal announcement goes only to subscriptions tied to
//! an account that may read it now (the account's grants are read at this moment, so a person
//! who left the agency stops receiving its announcements); anonymous ones get public ones only.

use std::{collections::HashMap, time::Duration};

use platform::{
    AppState,
    auth::CurrentUser,
    clock, db, ids,
    outbox::{self, Channel},
    web::i18n::{Lang, Tr},
};
use sqlx::{AnyConnection, Row as _, any::AnyRow};
use tokio_util::sync::CancellationToken;

use super::{expire_unconfirmed, unsubscribe_link};
use crate::{
    error::AnnouncementError,
    model::Audience,
    publishing,
    store::{self, AnnouncementRow},
};

const LEASE_MS: i64 = 60_000;
const ROUND: Duration = Duration::from_secs(2);
/// Unopened confirmations are forgotten every this many rounds (about a minute).
const EXPIRE_EVERY_ROUNDS: u32 = 30;
/// The delivery row's version for the notice that an announcement was withdrawn or ended.
const ENDING_VERSION: i64 = 0;

/// Runs the dispatcher until `cancel` fires.
pub async fn run(app: AppState, cancel: CancellationToken) {
    let mut round: u32 = 0;
    loop {
        if let Err(error) = dispatch_due(&app).await {
            tracing::warn!(%error, "announcement dispatch failed; will retry");
        }
        if round.is_multiple_of(EXPIRE_EVERY_ROUNDS)
            && let Err(error) = expire_unconfirmed(&app).await
        {
            tracing::warn!(%error, "expiring unconfirmed subscriptions failed; will retry");
        }
        round = round.wrapping_add(1);
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(ROUND) => {}
        }
    }
}

const DUE: &str = "SELECT id FROM announcements WHERE status = 'published' \
     AND dispatched_version < version AND COALESCE(publish_at_ms, published_ms) <= $1 \
     AND (expires_at_ms IS NULL OR expires_at_ms > $1) \
     AND (dispatch_lease_ms IS NULL OR dispatch_lease_ms < $1) ORDER BY id LIMIT 20";
// The WHERE repeats the due condition: a second node's UPDATE re-checks it after the first commits.
const CLAIM: &str = "UPDATE announcements SET dispatch_owner = $2, dispatch_lease_ms = $3 \
     WHERE id = $1 AND dispatched_version < version AND (dispatch_lease_ms IS NULL OR dispatch_lease_ms < $4)";
const DUE_ENDINGS: &str = "SELECT id FROM announcements WHERE ending_dispatched = 0 \
     AND (status = 'cancelled' OR ended_ms IS NOT NULL) \
     AND (dispatch_lease_ms IS NULL OR dispatch_lease_ms < $1) ORDER BY id LIMIT 20";
const CLAIM_ENDING: &str = "UPDATE announcements SET dispatch_owner = $2, dispatch_lease_ms = $3 \
     WHERE id = $1 AND ending_dispatched = 0 AND (dispatch_lease_ms IS NULL OR dispatch_lease_ms < $4)";
const SUBSCRIBERS: &str = "SELECT id, channel, address, user_id, categories, lang, unsubscribe_token, include_internal \
     FROM announcement_subscriptions WHERE active = 1 ORDER BY id";
/// Active subscribers who received some version of the announcement.
const RECEIVERS: &str = "SELECT s.id, s.channel, s.address, s.user_id, s.categories, s.lang, s.unsubscribe_token, s.include_internal \
     FROM announcement_subscriptions s WHERE s.active = 1 AND EXISTS (SELECT 1 FROM announcement_deliveries d \
     WHERE d.subscription_id = s.id AND d.announcement_id = $1 AND d.version > 0) ORDER BY s.id";
const DELIVERY: &str = "INSERT INTO announcement_deliveries (announcement_id, version, subscription_id, outbox_id, created_ms) \
     VALUES ($1, $2, $3, '', $4) ON CONFLICT DO NOTHING";
const DELIVERED_AS: &str = "UPDATE announcement_deliveries SET outbox_id = $4 \
     WHERE announcement_id = $1 AND version = $2 AND subscription_id = $3";
const DONE: &str = "UPDATE announcements SET dispatched_version = $2, dispatch_owner = NULL, dispatch_lease_ms = NULL \
     WHERE id = $1 AND dispatch_owner = $3";
const ENDING_DONE: &str = "UPDATE announcements SET ending_dispatched = 1, dispatch_owner = NULL, dispatch_lease_ms = NULL \
     WHERE id = $1 AND dispatch_owner = $2";

/// What the dispatcher does with one claimed announcement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Work {
    /// Its current version to every subscriber of its category who may read it.
    Version,
    /// "Withdrawn" / "ended" to those who received it.
    Ending,
}

/// One round: every announcement showing now whose current version has not reached its
/// subscribers yet, and every withdrawn or ended one whose notice has not gone out. Returns
/// how many messages were written.
pub async fn dispatch_due(app: &AppState) -> Result<usize, AnnouncementError> {
    let node = ids::new_id();
    let now = clock::now_ms();
    let mut written = 0;
    for (work, due, claim) in [
        (Work::Version, DUE, CLAIM),
        (Work::Ending, DUE_ENDINGS, CLAIM_ENDING),
    ] {
        for row in sqlx::query(due).bind(now).fetch_all(&app.db.read).await? {
            let id: String = row.try_get("id")?;
            let claimed = sqlx::query(claim)
                .bind(&id)
                .bind(&node)
                .bind(now + LEASE_MS)
                .bind(now)
                .execute(&app.db.write)
                .await?
                .rows_affected();
            if claimed == 1 {
                written += dispatch_one(app, &id, &node, work).await?;
            }
        }
    }
    if written > 0 {
        app.outbox_signal.notify_one();
    }
    Ok(written)
}

struct Subscriber {
    id: String,
    channel: Channel,
    address: String,
    user_id: Option<String>,
    categories: String,
    lang: Lang,
    unsubscribe_token: String,
    include_internal: bool,
}

fn subscriber(row: &AnyRow) -> Result<Option<Subscriber>, sqlx::Error> {
    let channel: String = row.try_get("channel")?;
    let Some(channel) = Channel::parse(&channel) else {
        return Ok(None);
    };
    Ok(Some(Subscriber {
        id: row.try_get("id")?,
        channel,
        address: row.try_get("address")?,
        user_id: row.try_get("user_id")?,
        categories: row.try_get("categories")?,
        lang: Lang::parse(&row.try_get::<String, _>("lang")?).unwrap_or_default(),
        unsubscribe_token: row.try_get("unsubscribe_token")?,
        include_internal: row.try_get::<i64, _>("include_internal")? == 1,
    }))
}

/// Readers looked up once per round and account.
#[derive(Default)]
struct Readers(HashMap<String, Option<CurrentUser>>);

impl Readers {
    async fn get(
        &mut self,
        app: &AppState,
        user_id: &str,
    ) -> Result<Option<&CurrentUser>, sqlx::Error> {
        if !self.0.contains_key(user_id) {
            let reader = accounts::reader(app, user_id).await?;
            self.0.insert(user_id.to_string(), reader);
        }
        Ok(self.0.get(user_id).and_then(Option::as_ref))
    }
}

/// Whether `subscriber` is to get `row` now.
async fn reaches(
    app: &AppState,
    readers: &mut Readers,
    subscriber: &Subscriber,
    row: &AnnouncementRow,
    audience: &[String],
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    if !subscriber
        .categories
        .split(',')
        .any(|c| c == row.category.as_str())
    {
        return Ok(false);
    }
    if row.audience == Audience::Public {
        return Ok(true);
    }
    may_still_read(app, readers, subscriber, row, audience, now_ms).await
}

/// Whether the account behind `subscriber` may read the internal announcement `row` now.
async fn may_still_read(
    app: &AppState,
    readers: &mut Readers,
    subscriber: &Subscriber,
    row: &AnnouncementRow,
    audience: &[String],
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let Some(user_id) = subscriber
        .user_id
        .as_deref()
        .filter(|_| subscriber.include_internal)
    else {
        return Ok(false);
    };
    let reader = readers.get(app, user_id).await?;
    Ok(reader.is_some_and(|reader| {
        !reader.is_citizen() && publishing::may_read(Some(reader), row, audience, now_ms)
    }))
}

/// The subject and body of the message `subscriber` gets for `row`.
fn message(
    app: &AppState,
    row: &AnnouncementRow,
    subscriber: &Subscriber,
    work: Work,
) -> (String, String) {
    let tr = Tr::new(subscriber.lang, app.catalogue.clone());
    let shown = row.shown(subscriber.lang);
    let title = shown.texts.title.as_str();
    let link = format!("{}/announcements/{}", super::base(app), row.id);
    let unsubscribe = unsubscribe_link(app, &subscriber.unsubscribe_token);
    match work {
        Work::Version => {
            let key = if row.version > 1 {
                "announcements.mail_updated"
            } else {
                "announcements.mail_new"
            };
            let subject = tr.f(key, &[("title", title)]);
            let body = tr.f(
                "announcements.mail_body",
                &[
                    ("title", title),
                    ("category", tr.t(row.category.label_key())),
                    ("link", &link),
                    ("unsubscribe", &unsubscribe),
                ],
            );
            (subject, body)
        }
        Work::Ending => {
            let key = if row.status == crate::model::Status::Cancelled {
                "announcements.mail_cancelled"
            } else {
                "announcements.mail_ended"
            };
            let subject = tr.f(key, &[("title", title)]);
            let body = tr.f(
                "announcements.mail_ending_body",
                &[
                    ("subject", &subject),
                    ("link", &link),
                    ("unsubscribe", &unsubscribe),
                ],
            );
            (subject, body)
        }
    }
}

/// Writes the delivery row and its message; `false` when the row existed already.
async fn deliver(
    conn: &mut AnyConnection,
    id: &str,
    version: i64,
    subscriber: &Subscriber,
    (subject, body): (String, String),
    now_ms: i64,
) -> Result<bool, AnnouncementError> {
    let inserted = sqlx::query(DELIVERY)
        .bind(id)
        .bind(version)
        .bind(&subscriber.id)
        .bind(now_ms)
        .execute(&mut *conn)
        .await;
    match inserted {
        Ok(done) if done.rows_affected() == 1 => {}
        Ok(_) => return Ok(false),
        Err(e) if db::is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    let outbox_id = outbox::enqueue(
        &mut *conn,
        outbox::Message {
            channel: subscriber.channel,
            user_id: None,
            address: Some(&subscriber.address),
            subject: &subject,
            body: &body,
        },
    )
    .await?;
    sqlx::query(DELIVERED_AS)
        .bind(id)
        .bind(version)
        .bind(&subscriber.id)
        .bind(&outbox_id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

async fn dispatch_one(
    app: &AppState,
    id: &str,
    node: &str,
    work: Work,
) -> Result<usize, AnnouncementError> {
    let mut tx = app.db.begin().await?;
    let Some(row) = store::find_in(&mut tx, id).await? else {
        return Ok(0);
    };
    let audience = store::list_audience_in(&mut tx, id).await?;
    let rows = match work {
        Work::Version => sqlx::query(SUBSCRIBERS).fetch_all(&mut *tx).await?,
        Work::Ending => sqlx::query(RECEIVERS).bind(id).fetch_all(&mut *tx).await?,
    };
    let now = clock::now_ms();
    let mut readers = Readers::default();
    let mut written = 0;
    for found in &rows {
        let Some(subscriber) = subscriber(found)? else {
            continue;
        };
        let version = match work {
            Work::Version => {
                if !reaches(app, &mut readers, &subscriber, &row, &audience, now).await? {
                    continue;
                }
                row.version
            }
            // Someone who may no longer read an internal one is not told its title either.
            Work::Ending => {
                if row.audience != Audience::Public
                    && !may_still_read(app, &mut readers, &subscriber, &row, &audience, now).await?
                {
                    continue;
                }
                ENDING_VERSION
            }
        };
        let text = message(app, &row, &subscriber, work);
        if deliver(&mut tx, id, version, &subscriber, text, now).await? {
            written += 1;
        }
    }
    let done = match work {
        Work::Version => {
            sqlx::query(DONE)
                .bind(id)
                .bind(row.version)
                .bind(node)
                .execute(&mut *tx)
                .await?
        }
        Work::Ending => {
            sqlx::query(ENDING_DONE)
                .bind(id)
                .bind(node)
                .execute(&mut *tx)
                .await?
        }
    };
    if done.rows_affected() != 1 {
        // The lease ran out and another node took over: leave the work to it.
        return Ok(0);
    }
    tx.commit().await?;
    let what = match work {
        Work::Version => "announcement sent to subscribers",
        Work::Ending => "announcement ending sent to its receivers",
    };
    tracing::info!(announcement.id = %id, version = row.version, messages = written, "{what}");
    Ok(written)
}
