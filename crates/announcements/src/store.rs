//! SQL for `announcements`, `announcement_versions`, `announcement_audiences` and
//! `announcement_cap_messages`. Functions that change data take a connection, so the caller owns
//! the transaction. (Subscriptions and deliveries live in `subscriptions::store`.)

use platform::db::Db;
use sqlx::{AnyConnection, Row as _, any::AnyRow};

use platform::web::i18n::Lang;

use crate::model::{Audience, Category, Status, Texts};

/// An announcement with its current version's text.
#[derive(Clone, Debug)]
pub struct AnnouncementRow {
    pub id: String,
    pub owner_agency_id: String,
    pub category: Category,
    pub audience: Audience,
    pub pinned: bool,
    pub urgent: bool,
    pub status: Status,
    pub publish_at_ms: Option<i64>,
    pub expires_at_ms: Option<i64>,
    pub version: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub published_ms: Option<i64>,
    pub cancelled_ms: Option<i64>,
    pub ended_ms: Option<i64>,
    pub title: String,
    pub body: String,
    pub instruction: String,
    pub summary: String,
    /// Empty when there is no English text.
    pub english: Texts,
}

/// The text a reader gets: English for English readers when it exists, else Indonesian.
#[derive(Clone, Debug)]
pub struct Shown {
    pub texts: Texts,
    /// The language of `texts`.
    pub lang: Lang,
    /// An English reader gets the Indonesian text: the page says so.
    pub only_indonesian: bool,
}

impl Shown {
    /// The summary, else the start of the body on one line.
    pub fn summary(&self) -> String {
        if !self.texts.summary.is_empty() {
            return self.texts.summary.clone();
        }
        let text: String = self.texts.body.chars().take(280).collect();
        text.replace(['\n', '\r'], " ")
    }
}

impl AnnouncementRow {
    pub fn indonesian(&self) -> Texts {
        Texts {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            instruction: self.instruction.clone(),
        }
    }
    pub fn shown(&self, lang: Lang) -> Shown {
        if lang == Lang::En && !self.english.is_empty() {
            Shown {
                texts: self.english.clone(),
                lang: Lang::En,
                only_indonesian: false,
            }
        } else {
            Shown {
                texts: self.indonesian(),
                lang: Lang::Id,
                only_indonesian: lang == Lang::En,
            }
        }
    }
    /// When it shows as published: the scheduled time, else when it was published.
    pub fn shown_from_ms(&self) -> i64 {
        self.publish_at_ms
            .or(self.published_ms)
            .unwrap_or(self.created_ms)
    }
}

fn decode_error(what: &str, raw: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what} {raw}").into())
}

fn announcement_row(row: &AnyRow) -> Result<AnnouncementRow, sqlx::Error> {
    let category: String = row.try_get("category")?;
    let audience: String = row.try_get("audience")?;
    let status: String = row.try_get("status")?;
    Ok(AnnouncementRow {
        id: row.try_get("id")?,
        owner_agency_id: row.try_get("owner_agency_id")?,
        category: Category::parse(&category).ok_or_else(|| decode_error("category", &category))?,
        audience: Audience::parse(&audience).ok_or_else(|| decode_error("audience", &audience))?,
        pinned: row.try_get::<i64, _>("pinned")? == 1,
        urgent: row.try_get::<i64, _>("urgent")? == 1,
        status: Status::parse(&status).ok_or_else(|| decode_error("status", &status))?,
        publish_at_ms: row.try_get("publish_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        version: row.try_get("version")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
        published_ms: row.try_get("published_ms")?,
        cancelled_ms: row.try_get("cancelled_ms")?,
        ended_ms: row.try_get("ended_ms")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        instruction: row.try_get("instruction")?,
        summary: row.try_get("summary")?,
        english: english_of(row)?,
    })
}

fn english_of(row: &AnyRow) -> Result<Texts, sqlx::Error> {
    Ok(Texts {
        title: row.try_get("title_en")?,
        summary: row.try_get("summary_en")?,
        body: row.try_get("body_en")?,
        instruction: row.try_get("instruction_en")?,
    })
}

const SELECT: &str = "SELECT a.id, a.owner_agency_id, a.category, a.audience, a.pinned, a.urgent, a.status, \
     a.publish_at_ms, a.expires_at_ms, a.version, a.created_ms, a.updated_ms, a.published_ms, a.cancelled_ms, \
     a.ended_ms, v.title, v.body, v.instruction, v.summary, v.title_en, v.summary_en, v.body_en, v.instruction_en \
     FROM announcements a JOIN announcement_versions v ON v.announcement_id = a.id AND v.version = a.version";

pub async fn find(db: &Db, id: &str) -> Result<Option<AnnouncementRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(announcement_row)
        .transpose()
}

/// Reads inside a transaction (the writer's view).
pub async fn find_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<AnnouncementRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(announcement_row)
        .transpose()
}

/// Published announcements shown at `now_ms` (started, not expired), pinned first, newest first.
pub async fn list_showing(db: &Db, now_ms: i64) -> Result<Vec<AnnouncementRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE a.status = 'published' AND COALESCE(a.publish_at_ms, a.published_ms) <= $1 \
         AND (a.expires_at_ms IS NULL OR a.expires_at_ms > $1) \
         ORDER BY a.pinned DESC, COALESCE(a.publish_at_ms, a.published_ms) DESC, a.id DESC"
    );
    sqlx::query(&sql)
        .bind(now_ms)
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(announcement_row)
        .collect()
}

/// Public announcements ever published and started by `now_ms` (expired ones too), newest
/// change first: the feeds keep an expired entry so readers learn it ended.
pub async fn list_public_started(
    db: &Db,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<AnnouncementRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE a.status = 'published' AND a.audience = 'public' \
         AND COALESCE(a.publish_at_ms, a.published_ms) <= $1 \
         ORDER BY a.updated_ms DESC, a.id DESC LIMIT $2"
    );
    sqlx::query(&sql)
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(announcement_row)
        .collect()
}

/// Everything, for the office (filtered by permission in the domain function).
pub async fn list_all(db: &Db) -> Result<Vec<AnnouncementRow>, sqlx::Error> {
    let sql = format!("{SELECT} ORDER BY a.updated_ms DESC, a.id DESC");
    sqlx::query(&sql)
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(announcement_row)
        .collect()
}

/// Urgent public announcements published and not yet expired at `now_ms` or scheduled within
/// `horizon_ms` after it: what the banner cache holds.
pub async fn list_banner_candidates(
    db: &Db,
    now_ms: i64,
    horizon_ms: i64,
) -> Result<Vec<AnnouncementRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE a.status = 'published' AND a.urgent = 1 AND a.audience = 'public' \
         AND COALESCE(a.publish_at_ms, a.published_ms) <= $2 \
         AND (a.expires_at_ms IS NULL OR a.expires_at_ms > $1) \
         ORDER BY COALESCE(a.publish_at_ms, a.published_ms) DESC"
    );
    sqlx::query(&sql)
        .bind(now_ms)
        .bind(now_ms + horizon_ms)
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(announcement_row)
        .collect()
}

/// Agency ids of an `agencies` audience.
pub async fn list_audience(db: &Db, id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT agency_id FROM announcement_audiences WHERE announcement_id = $1 ORDER BY agency_id")
        .bind(id)
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(|r| r.try_get("agency_id"))
        .collect()
}

/// Agency ids of an `agencies` audience, read in the writer's transaction.
pub async fn list_audience_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT agency_id FROM announcement_audiences WHERE announcement_id = $1 ORDER BY agency_id")
        .bind(id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| r.try_get("agency_id"))
        .collect()
}

/// Every (announcement, agency) pair of restricted audiences, for listing visibility at once.
pub async fn list_all_audiences(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query("SELECT announcement_id, agency_id FROM announcement_audiences")
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("announcement_id")?, r.try_get("agency_id")?)))
        .collect()
}

pub struct NewAnnouncement<'a> {
    pub id: &'a str,
    pub owner_agency_id: &'a str,
    pub category: Category,
    pub audience: Audience,
    pub pinned: bool,
    pub urgent: bool,
    pub publish_at_ms: Option<i64>,
    pub expires_at_ms: Option<i64>,
    pub created_by: &'a str,
    pub now_ms: i64,
}

pub async fn insert_announcement(
    conn: &mut AnyConnection,
    new: &NewAnnouncement<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO announcements (id, owner_agency_id, category, audience, pinned, urgent, status, \
         publish_at_ms, expires_at_ms, version, created_by, created_ms, updated_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, 1, $9, $10, $10)",
    )
    .bind(new.id)
    .bind(new.owner_agency_id)
    .bind(new.category.as_str())
    .bind(new.audience.as_str())
    .bind(i64::from(new.pinned))
    .bind(i64::from(new.urgent))
    .bind(new.publish_at_ms)
    .bind(new.expires_at_ms)
    .bind(new.created_by)
    .bind(new.now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewVersion<'a> {
    pub announcement_id: &'a str,
    pub version: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub instruction: &'a str,
    pub summary: &'a str,
    pub english: &'a Texts,
    pub edited_by: &'a str,
    pub now_ms: i64,
}

pub async fn insert_version(
    conn: &mut AnyConnection,
    new: &NewVersion<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO announcement_versions (announcement_id, version, title, body, instruction, edited_by, edited_ms, \
         summary, title_en, summary_en, body_en, instruction_en) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(new.announcement_id)
    .bind(new.version)
    .bind(new.title)
    .bind(new.body)
    .bind(new.instruction)
    .bind(new.edited_by)
    .bind(new.now_ms)
    .bind(new.summary)
    .bind(&new.english.title)
    .bind(&new.english.summary)
    .bind(&new.english.body)
    .bind(&new.english.instruction)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves the announcement to `version + 1` with new settings, only if it is still at `version`;
/// `false` when someone else saved first (nothing is changed then).
#[expect(
    clippy::too_many_arguments,
    reason = "one UPDATE of one row's settings"
)]
pub async fn update_if_version(
    conn: &mut AnyConnection,
    id: &str,
    version: i64,
    category: Category,
    audience: Audience,
    pinned: bool,
    urgent: bool,
    publish_at_ms: Option<i64>,
    expires_at_ms: Option<i64>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE announcements SET version = version + 1, category = $3, audience = $4, pinned = $5, urgent = $6, \
         publish_at_ms = $7, expires_at_ms = $8, updated_ms = $9 \
         WHERE id = $1 AND version = $2 AND status <> 'cancelled'",
    )
    .bind(id)
    .bind(version)
    .bind(category.as_str())
    .bind(audience.as_str())
    .bind(i64::from(pinned))
    .bind(i64::from(urgent))
    .bind(publish_at_ms)
    .bind(expires_at_ms)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn replace_audience(
    conn: &mut AnyConnection,
    id: &str,
    agency_ids: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM announcement_audiences WHERE announcement_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for agency_id in agency_ids {
        sqlx::query(
            "INSERT INTO announcement_audiences (announcement_id, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(agency_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Draft → published; `false` when it was not a draft any more.
pub async fn update_published(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE announcements SET status = 'published', published_ms = $2, updated_ms = $2 \
         WHERE id = $1 AND status = 'draft'",
    )
    .bind(id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a published announcement that is showing now: it expires at `now_ms`; `false` when
/// it was not showing (any more) or had been ended already.
pub async fn update_ended(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE announcements SET expires_at_ms = $2, ended_ms = $2, updated_ms = $2 \
         WHERE id = $1 AND status = 'published' AND ended_ms IS NULL \
         AND COALESCE(publish_at_ms, published_ms) <= $2 AND (expires_at_ms IS NULL OR expires_at_ms > $2)",
    )
    .bind(id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn update_cancelled(
    conn: &mut AnyConnection,
    id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE announcements SET status = 'cancelled', cancelled_ms = $2, updated_ms = $2 \
         WHERE id = $1 AND status <> 'cancelled'",
    )
    .bind(id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One saved version of the text.
#[derive(Clone, Debug)]
pub struct VersionRow {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub instruction: String,
    pub summary: String,
    pub english: Texts,
    pub edited_ms: i64,
}

pub async fn list_versions(db: &Db, id: &str) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query(
        "SELECT version, title, body, instruction, summary, title_en, summary_en, body_en, instruction_en, edited_ms \
         FROM announcement_versions \
         WHERE announcement_id = $1 ORDER BY version",
    )
    .bind(id)
    .fetch_all(&db.read)
    .await?
    .iter()
    .map(|r| {
        Ok(VersionRow {
            version: r.try_get("version")?,
            title: r.try_get("title")?,
            body: r.try_get("body")?,
            instruction: r.try_get("instruction")?,
            summary: r.try_get("summary")?,
            english: english_of(r)?,
            edited_ms: r.try_get("edited_ms")?,
        })
    })
    .collect()
}

/// One CAP message sent for an announcement.
#[derive(Clone, Debug)]
pub struct CapMessageRow {
    pub identifier: String,
    pub announcement_id: String,
    pub version: i64,
    pub msg_type: String,
    pub sent_ms: i64,
}

fn cap_row(r: &AnyRow) -> Result<CapMessageRow, sqlx::Error> {
    Ok(CapMessageRow {
        identifier: r.try_get("identifier")?,
        announcement_id: r.try_get("announcement_id")?,
        version: r.try_get("version")?,
        msg_type: r.try_get("msg_type")?,
        sent_ms: r.try_get("sent_ms")?,
    })
}

pub async fn insert_cap_message(
    conn: &mut AnyConnection,
    message: &CapMessageRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO announcement_cap_messages (identifier, announcement_id, version, msg_type, sent_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&message.identifier)
    .bind(&message.announcement_id)
    .bind(message.version)
    .bind(&message.msg_type)
    .bind(message.sent_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_cap_message(
    db: &Db,
    identifier: &str,
) -> Result<Option<CapMessageRow>, sqlx::Error> {
    sqlx::query(
        "SELECT identifier, announcement_id, version, msg_type, sent_ms FROM announcement_cap_messages WHERE identifier = $1",
    )
    .bind(identifier)
    .fetch_optional(&db.read)
    .await?
    .as_ref()
    .map(cap_row)
    .transpose()
}

/// The CAP messages of one announcement, oldest first (read in the writer's transaction).
pub async fn list_cap_messages_in(
    conn: &mut AnyConnection,
    announcement_id: &str,
) -> Result<Vec<CapMessageRow>, sqlx::Error> {
    sqlx::query(
        "SELECT identifier, announcement_id, version, msg_type, sent_ms FROM announcement_cap_messages \
         WHERE announcement_id = $1 ORDER BY sent_ms, identifier",
    )
    .bind(announcement_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(cap_row)
    .collect()
}

pub async fn list_cap_messages(
    db: &Db,
    announcement_id: &str,
) -> Result<Vec<CapMessageRow>, sqlx::Error> {
    let mut conn = db.read.acquire().await?;
    list_cap_messages_in(&mut conn, announcement_id).await
}
